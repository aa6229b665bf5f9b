//! What each signature signed: its ByteRange as written, its /Contents (the
//! DER inside the zero padding), and the digests of its ranges, computed for
//! every signature of the file at once.
//!
//! An honest file's ranges are `[0 a b c]`: the start of the file up to the
//! signature's /Contents, then the rest of its revision. Every signature
//! hashes the file's start, so per digest algorithm one running digest goes
//! through the file once and is copied at each signature's `a`; only each
//! `[b, b + c)` is hashed apart. Any other shape is hashed on its own.
//! Streamed in 1 MB reads (or in place when the file is in memory), so
//! memory stays bounded for a file of any size.

use super::Found;
use crate::envelope::{self, Prehashed};
use crate::pdf::ltv::der_prefix;
use crate::pdf::xref::{Source, in_memory, int, read_range};
use crate::pdf::{PdfError, hasher};
use crate::pki::algorithms::{Digest, Hasher};
use lopdf::Object;

/// A `[0 a b c]` ByteRange's two ranges, `(start, length)`.
type Ranges = [(u64, u64); 2];

/// Largest /Contents accepted (bytes of CMS).
const MAX_CONTENTS: usize = 1024 * 1024;
/// Bytes read at a time from a source read by offset.
const CHUNK: u64 = 1 << 20;

/// The ByteRange as written (at most 64 numbers).
pub(super) fn byte_range(sig: &lopdf::Dictionary) -> Option<Vec<i64>> {
    match sig.get(b"ByteRange") {
        Ok(Object::Array(a)) if a.len() <= 64 => a.iter().map(|x| int(Some(x))).collect(),
        _ => None,
    }
}

/// The two ranges of a `[0 a b c]` ByteRange inside a file of `len` bytes
/// with `a < b`; None for any other shape.
pub(super) fn ranges(br: &[i64], len: u64) -> Option<Ranges> {
    let ok = br.len() == 4
        && br[0] == 0
        && br.iter().all(|x| *x >= 0)
        && br[1] < br[2]
        && (br[2] as u64).saturating_add(br[3] as u64) <= len;
    ok.then(|| [(0, br[1] as u64), (br[2] as u64, br[3] as u64)])
}

/// Whether the signature dictionary is a document time-stamp's.
pub(super) fn is_doc_timestamp(sig: &lopdf::Dictionary) -> bool {
    matches!(sig.get(b"SubFilter"), Ok(Object::Name(n)) if n == b"ETSI.RFC3161")
        || matches!(sig.get(b"Type"), Ok(Object::Name(n)) if n == b"DocTimeStamp")
}

/// The CMS in /Contents (empty when missing or too large).
pub(super) fn contents(sig: &lopdf::Dictionary) -> Vec<u8> {
    match sig.get(b"Contents") {
        Ok(Object::String(b, _)) if b.len() <= MAX_CONTENTS => der_prefix(b).to_vec(),
        _ => Vec::new(),
    }
}

/// The digests a signature needs: its signers' (from the CMS), and for a
/// document time-stamp the SHA-2 family its imprint may use.
fn wanted(contents: &[u8], doc_ts: bool) -> Vec<Digest> {
    let mut algs: Vec<Digest> = match envelope::parse::parse(contents) {
        Ok(env) => env
            .signers
            .iter()
            .filter_map(|s| Digest::from_oid(&s.digest_alg.oid).ok())
            .collect(),
        Err(_) => Vec::new(),
    };
    if doc_ts {
        algs.extend([Digest::Sha256, Digest::Sha384, Digest::Sha512]);
    }
    algs.sort_by_key(|d| d.name());
    algs.dedup();
    algs
}

/// Adds `[start, start + len)` of the source to `h`; the bytes added.
fn feed(src: &dyn Source, h: &mut Hasher, start: u64, len: u64) -> Result<u64, PdfError> {
    if let Some(b) = in_memory(src, start, usize::try_from(len).unwrap_or(usize::MAX)) {
        h.update(b);
        return Ok(b.len() as u64);
    }
    let mut off = start;
    while off < start + len {
        let n = CHUNK.min(start + len - off) as usize;
        let buf = read_range(src, off, n)?;
        if buf.is_empty() {
            break;
        }
        h.update(&buf);
        off += buf.len() as u64;
    }
    Ok(off - start)
}

/// Every signature's ByteRange digests (`Prehashed::default()` for a
/// ByteRange of another shape: nothing is hashed, as before).
pub(super) fn digest_all(src: &dyn Source, found: &[Found]) -> Result<Vec<Prehashed>, PdfError> {
    let len = src.len();
    let jobs: Vec<(Option<Ranges>, Vec<Digest>)> = found
        .iter()
        .map(|f| {
            let r = byte_range(&f.sig).and_then(|br| ranges(&br, len));
            (r, wanted(&f.contents, f.doc_ts))
        })
        .collect();
    let mut out: Vec<Prehashed> = jobs
        .iter()
        .map(|(r, algs)| Prehashed {
            length: 0,
            digests: Vec::with_capacity(if r.is_some() { algs.len() } else { 0 }),
        })
        .collect();
    let mut all: Vec<Digest> = jobs.iter().flat_map(|(_, a)| a.iter().copied()).collect();
    all.sort_by_key(|d| d.name());
    all.dedup();
    for d in all {
        // The signatures using `d`, by where their first range ends.
        let mut users: Vec<(usize, Ranges)> = jobs
            .iter()
            .enumerate()
            .filter(|(_, (_, algs))| algs.contains(&d))
            .filter_map(|(i, (r, _))| r.map(|r| (i, r)))
            .collect();
        users.sort_by_key(|(_, r)| r[0].1);
        let mut running = hasher(d);
        let mut at = 0u64;
        for (i, [(_, a), (b, c)]) in users {
            at += feed(src, &mut running, at, a - at)?;
            let mut h = running.clone();
            let tail = feed(src, &mut h, b, c)?;
            out[i].length = at + tail;
            out[i].digests.push((d, h.finish()));
        }
    }
    for (p, (r, algs)) in out.iter_mut().zip(&jobs) {
        // No ranges to hash: the digests of nothing, as a failed CMS check shows.
        if r.is_none() {
            p.digests = algs.iter().map(|d| (*d, hasher(*d).finish())).collect();
        }
        // In each signature's own order of algorithms (sorted by name).

        p.digests
            .sort_by_key(|(d, _)| algs.iter().position(|x| x == d).unwrap_or(usize::MAX));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(br: &[i64]) -> Found {
        let mut sig = lopdf::Dictionary::new();
        sig.set(
            "ByteRange",
            Object::Array(br.iter().map(|x| Object::Integer(*x)).collect()),
        );
        Found {
            field: String::new(),
            field_dict: lopdf::Dictionary::new(),
            sig,
            contents_span: None,
            revision: 0,
            // A document time-stamp wants SHA-256, -384 and -512.
            doc_ts: true,
            contents: Vec::new(),
            pre: Prehashed::default(),
        }
    }

    #[test]
    fn shared_prefix_gives_each_signatures_own_digests() {
        let file: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        let src: &[u8] = &file;
        // Out of order, overlapping, one not of the [0 a b c] shape.
        let brs: [&[i64]; 4] = [
            &[0, 3000, 3100, 1900],
            &[0, 100, 200, 300],
            &[0, 1000, 1500, 500],
            &[10, 100, 200, 300],
        ];
        let found: Vec<Found> = brs.iter().map(|b| found(b)).collect();
        let got = digest_all(&src, &found).unwrap();
        for (br, pre) in brs.iter().zip(&got) {
            let shaped = ranges(br, file.len() as u64);
            assert_eq!(pre.digests.len(), 3);
            for (d, h) in &pre.digests {
                let mut want = hasher(*d);
                if let Some(r) = shaped {
                    for (at, n) in r {
                        want.update(&file[at as usize..(at + n) as usize]);
                    }
                }
                assert_eq!(*h, want.finish(), "{br:?} {}", d.name());
            }
            let length = shaped.map(|r| r[0].1 + r[1].1).unwrap_or(0);
            assert_eq!(pre.length, length);
        }
    }
}
