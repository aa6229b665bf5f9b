//! Long-term signatures (PAdES B-LT / B-LTA): what a file's signatures need
//! to stay provable, written as incremental updates after them.
//!
//! - [`dss`]: a DSS revision: certificates, CRLs and OCSP responses as
//!   streams, merged with what the file already holds, and a `/VRI` entry
//!   (key: uppercase hex SHA-1 of the signature's `/Contents`, as ETSI EN
//!   319 142-1 and pyHanko) for every signature that has none yet.
//! - [`timestamp`]: a document time-stamp revision (`/Type /DocTimeStamp`,
//!   `/SubFilter /ETSI.RFC3161`) over the whole file, hashed streamed.
//! - [`extend`]: both, in that order: what `pdf sign --ltv` and every
//!   renewal (`pdf renew`) append.
//! - [`expiry`]: the newest proof and when its TSA certificate expires
//!   (what a renewal must beat).
//! - [`renewal`]: whether a kept file is due for renewal, and renewing it.
//! - [`material`]: which validation data a file's signatures and
//!   time-stamps need: every chain up to a trust anchor, the CRLs of those
//!   issuers.
//!
//! Owns writing; checking at past times is `verify::ltv`'s job. Never
//! changes a byte already written: each step appends one revision.

pub mod dss;
pub mod expiry;
pub mod extend;
pub mod material;
pub mod renewal;
pub mod timestamp;

pub use dss::append_dss;
pub use expiry::{LastProof, last_proof};
pub use extend::{Extended, extend_bytes, extend_file};
pub use material::{material, renewal_material};
pub use renewal::{Renewal, renew_if_due};
pub use timestamp::append_doc_timestamp;

use super::PdfError;
use super::cos;
use super::plan::form_signature_fields;
use super::xref::{Entry, PdfFile};
use lopdf::Object;

/// Most signatures looked at in one file.
const MAX_SIGNATURES: usize = 200;

/// One signature or document time-stamp of a file.
#[derive(Debug, Clone)]
pub struct FoundSignature {
    /// The field's name.
    pub field: String,
    /// `/Contents` as written (the CMS and its zero padding).
    pub contents: Vec<u8>,
    /// A document time-stamp (`/SubFilter /ETSI.RFC3161`).
    pub doc_timestamp: bool,
    /// Where its ByteRange's gap starts (orders signatures by position).
    pub position: i64,
}

impl FoundSignature {
    /// The `/VRI` key: uppercase hex SHA-1 of `/Contents`.
    pub fn vri_key(&self) -> String {
        // SHA-1 as an identifier only, as the standard fixes it.
        let h = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &self.contents);
        crate::pki::cert::hex(h.as_ref()).to_uppercase()
    }

    /// The CMS without its padding.
    pub fn cms(&self) -> &[u8] {
        der_prefix(&self.contents)
    }

    /// The RFC 3161 tokens it carries: itself for a document time-stamp,
    /// its signers' signature time-stamps otherwise.
    pub fn tokens(&self) -> Vec<Vec<u8>> {
        if self.doc_timestamp {
            return vec![self.cms().to_vec()];
        }
        let Ok(env) = crate::envelope::parse::parse(self.cms()) else {
            return Vec::new();
        };
        env.signers
            .iter()
            .flat_map(|s| s.unsigned_attrs.iter())
            .filter(|a| a.oid == crate::tsp::OID_SIGNATURE_TIME_STAMP)
            .flat_map(|a| a.values.iter().cloned())
            .collect()
    }
}

/// The DER at the start of a zero-padded `/Contents`.
pub fn der_prefix(b: &[u8]) -> &[u8] {
    if b.len() < 2 || b[0] != 0x30 {
        return b;
    }
    let (len, hdr) = match b[1] {
        l if l < 0x80 => (usize::from(l), 2),
        0x81..=0x84 => {
            let n = usize::from(b[1] & 0x7F);
            if b.len() < 2 + n {
                return b;
            }
            (
                b[2..2 + n]
                    .iter()
                    .fold(0usize, |a, x| (a << 8) | usize::from(*x)),
                2 + n,
            )
        }
        _ => return b,
    };
    b.get(..hdr.saturating_add(len)).unwrap_or(b)
}

/// Every signed signature field of the last revision, in file order.
pub fn signatures(file: &PdfFile<'_>) -> Result<Vec<FoundSignature>, PdfError> {
    let last = file.revisions.len() - 1;
    let (_, catalog) = file.catalog(last)?;
    let mut out = Vec::new();
    for (_, fd) in form_signature_fields(file, &catalog, last)?
        .into_iter()
        .take(MAX_SIGNATURES)
    {
        let Ok(v) = fd.get(b"V") else { continue };
        let sig = match v {
            Object::Reference(id) => match file.lookup(id.0, last) {
                Some((_, Entry::Free)) | None => continue,
                Some(_) => match file.object(*id, last)? {
                    Object::Dictionary(d) => d,
                    _ => continue,
                },
            },
            Object::Dictionary(d) => d.clone(),
            _ => continue,
        };
        let Ok(Object::String(contents, _)) = sig.get(b"Contents") else {
            continue;
        };
        let doc_timestamp = matches!(sig.get(b"SubFilter"), Ok(Object::Name(n)) if n == b"ETSI.RFC3161")
            || matches!(sig.get(b"Type"), Ok(Object::Name(n)) if n == b"DocTimeStamp");
        let position = match sig.get(b"ByteRange") {
            Ok(Object::Array(a)) => a.get(1).and_then(|x| x.as_i64().ok()).unwrap_or(0),
            _ => 0,
        };
        out.push(FoundSignature {
            field: fd.get(b"T").ok().and_then(cos::text).unwrap_or_default(),
            contents: contents.clone(),
            doc_timestamp,
            position,
        });
    }
    out.sort_by_key(|s| s.position);
    Ok(out)
}
