//! Verifying a signed PDF: every signature's CMS verdict (condition 2,
//! through `envelope::verify`, same codes), whether its ByteRange is sound
//! and covers its whole revision, its time-stamp, and what the revisions
//! after it changed; DocMDP (certification) permissions; the DSS used as
//! validation data: its certificates for paths, its CRLs, and its OCSP
//! responses (in the default `crl` mode a DSS with OCSP responses makes the
//! check `any`: CRLs first, then those responses, still offline).
//!
//! Owns the PDF-level decision: PASSED only when every signature passed
//! and nothing but signatures, validation data and time-stamps (and what
//! the certification allows) was added after the first signature. The
//! ByteRange is hashed in a streamed pass, so memory stays bounded for a
//! file of any size. Never panics: an unreadable file is a report with a
//! code, not an error.

use super::diff::{self, Category, RevisionChanges};
use super::plan::{docmdp_of_sig, signature_fields};
use super::sign::parse_pdf_date;
use super::xref::{Entry, FileSource, PdfFile, Source, int, read_range};
use super::{PdfError, cos, hasher};
use crate::envelope::{self, Prehashed, VerifyRequest};
use crate::pki::algorithms::Digest;
use crate::pki::cert::{Certificate, hex};
use crate::pki::revocation::RevocationStore;
use crate::pki::{Extra, Policy, RevocationMode, TrustStore, Usage};
use crate::verdict::{Indication, Verdict};
use lopdf::Object;
use serde::Serialize;
use serde_json::{Value, json};
use std::sync::Arc;

/// Largest /Contents accepted (bytes of CMS).
const MAX_CONTENTS: usize = 1024 * 1024;
/// Most signatures verified in one file.
const MAX_SIGNATURES: usize = 200;

/// What a PDF verification needs besides the file and the trust store.
#[derive(Debug, Default, Clone)]
pub struct PdfVerifyRequest {
    /// Validation time, Unix seconds.
    pub at: i64,
    /// Checks to run (the usage is set to signing).
    pub policy: Policy,
    /// Extra certificates for path building.
    pub extra: Extra,
    /// CRLs supplied with the request.
    pub crls: RevocationStore,
}

/// Whether a ByteRange is sound and what it covers.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// The ByteRange as written.
    pub byte_range: Vec<i64>,
    /// Four non-negative numbers from 0, in order, inside the file, whose gap
    /// is exactly this signature's /Contents.
    pub well_formed: bool,
    /// It covers its revision up to that revision's `%%EOF`.
    pub covers_revision: bool,
    /// It covers the whole file (no later revision).
    pub covers_whole_file: bool,
    /// The revision (1-based) the signature was added in.
    pub revision: usize,
    /// What is wrong, when something is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// One signature's report.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    /// The field's name.
    pub field: String,
    /// `signature` or `document_timestamp`.
    pub kind: &'static str,
    /// /SubFilter.
    pub sub_filter: String,
    /// /M, as written and as RFC 3339 (claimed by the signer, not trusted).
    pub signing_time: Option<String>,
    /// /Name, /Reason, /Location.
    pub name: Option<String>,
    /// /Reason.
    pub reason: Option<String>,
    /// /Location.
    pub location: Option<String>,
    /// DocMDP P when this is a certification signature.
    pub certification: Option<i64>,
    /// The ByteRange.
    pub coverage: Coverage,
    /// The CMS verdict (condition 2).
    pub verdict: Verdict,
    /// The signature time-stamp check, when the CMS has one.
    pub timestamp: Option<Value>,
    /// Revisions after this signature's.
    pub later_revisions: Vec<usize>,
    /// Changes after this signature that nothing allows.
    pub unauthorised_changes: Vec<diff::ObjectChange>,
    /// This signature's own decision (its CMS, its coverage, what came after).
    pub indication: Indication,
    /// Its code: the CMS code, or `BYTE_RANGE_INVALID`, `PDF_MODIFIED`, `DOCMDP_VIOLATION`.
    pub code: String,
}

/// The whole file's report.
#[derive(Debug, Clone, Serialize)]
pub struct PdfReport {
    /// PASSED only when every signature passed and nothing unauthorised changed.
    pub indication: Indication,
    /// `OK`, the first failing signature's code, or `PDF_MALFORMED`, `PDF_NOT_SIGNED`.
    pub code: String,
    /// The validation time (RFC 3339).
    pub validation_time: String,
    /// File facts.
    pub file: Value,
    /// Why the file could not be read, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Every signature, oldest first.
    pub signatures: Vec<SignatureReport>,
    /// What every revision after the first changed.
    pub revisions: Vec<RevisionChanges>,
    /// The document's DocMDP permission (1, 2 or 3) when it is certified.
    pub docmdp: Option<i64>,
}

impl PdfReport {
    /// Process exit status: 0 passed, 1 failed, 3 indeterminate.
    pub fn exit_code(&self) -> i32 {
        self.indication.exit_code()
    }

    /// A short human-readable report.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(s, "PDF: {} ({})", self.indication.as_str(), self.code);
        if let Some(p) = &self.problem {
            let _ = writeln!(s, "  problem: {p}");
        }
        for (i, sig) in self.signatures.iter().enumerate() {
            let _ = writeln!(
                s,
                "signature {} {:?} ({}): {} {} — CMS {} {:?}; revision {}, covers {}{}",
                i + 1,
                sig.field,
                sig.kind,
                sig.indication.as_str(),
                sig.code,
                sig.verdict.indication.as_str(),
                sig.verdict.code,
                sig.coverage.revision,
                if sig.coverage.covers_whole_file {
                    "the whole file"
                } else if sig.coverage.covers_revision {
                    "its revision"
                } else {
                    "NOT its revision"
                },
                sig.certification
                    .map(|p| format!(", certification P={p}"))
                    .unwrap_or_default()
            );
            if let Some(signer) = &sig.verdict.signer {
                let _ = writeln!(
                    s,
                    "  signer: {}",
                    signer["subject"]["dn"].as_str().unwrap_or("-")
                );
            }
            if let Some(t) = &sig.signing_time {
                let _ = writeln!(s, "  time (/M): {t}");
            }
            for c in &sig.unauthorised_changes {
                let _ = writeln!(
                    s,
                    "  modified after it: object {} {} ({:?}: {})",
                    c.object, c.change, c.category, c.detail
                );
            }
        }
        for r in &self.revisions {
            let cats: Vec<String> = r.categories.iter().map(|c| format!("{c:?}")).collect();
            let _ = writeln!(s, "revision {}: {}", r.revision, cats.join(", "));
        }
        s
    }
}

fn malformed(req: &PdfVerifyRequest, len: u64, problem: String) -> PdfReport {
    PdfReport {
        indication: Indication::Failed,
        code: "PDF_MALFORMED".into(),
        validation_time: crate::time::rfc3339(req.at),
        file: json!({ "length": len }),
        problem: Some(problem),
        signatures: Vec::new(),
        revisions: Vec::new(),
        docmdp: None,
    }
}

/// Verifies a PDF held in memory.
pub fn verify_bytes(pdf: &[u8], store: &TrustStore, req: &PdfVerifyRequest) -> PdfReport {
    verify_source(&pdf, store, req)
}

/// Verifies a PDF file, read by offset (bounded memory).
pub fn verify_file(
    path: &std::path::Path,
    store: &TrustStore,
    req: &PdfVerifyRequest,
) -> Result<PdfReport, PdfError> {
    let src = FileSource::open(path).map_err(PdfError::io)?;
    Ok(verify_source(&src, store, req))
}

/// Verifies a PDF from any source.
pub fn verify_source(src: &dyn Source, store: &TrustStore, req: &PdfVerifyRequest) -> PdfReport {
    match verify_inner(src, store, req) {
        Ok(r) => r,
        Err(e) => malformed(req, src.len(), e.to_string()),
    }
}

struct Found {
    field: String,
    sig: lopdf::Dictionary,
    contents_span: Option<(u64, u64)>,
    revision: usize,
}

fn verify_inner(
    src: &dyn Source,
    store: &TrustStore,
    req: &PdfVerifyRequest,
) -> Result<PdfReport, PdfError> {
    let file = PdfFile::open(src)?;
    let last = file.revisions.len() - 1;
    if file.trailer().has(b"Encrypt") {
        return Err(PdfError::Encrypted);
    }
    let (_, catalog) = file.catalog(last)?;
    let fields = match catalog.get(b"AcroForm") {
        Ok(f) => match file.resolve(f, last)? {
            Object::Dictionary(d) => match d.get(b"Fields") {
                Ok(x) => match file.resolve(x, last)? {
                    Object::Array(a) => a,
                    _ => Vec::new(),
                },
                Err(_) => Vec::new(),
            },
            _ => Vec::new(),
        },
        Err(_) => Vec::new(),
    };
    let mut found = Vec::new();
    for (_, fd) in signature_fields(&file, &fields, last)?
        .into_iter()
        .take(MAX_SIGNATURES)
    {
        let Ok(v) = fd.get(b"V") else { continue };
        let field = fd.get(b"T").ok().and_then(cos::text).unwrap_or_default();
        let (sig, span, revision) = match v {
            Object::Reference(id) => match file.lookup(id.0, last) {
                Some((rev, Entry::InFile { offset, .. })) => {
                    let ind = file.indirect_at(offset)?;
                    let span = ind
                        .spans
                        .iter()
                        .find(|(k, _, _)| k == b"Contents")
                        .map(|(_, s, e)| (offset + *s as u64, offset + *e as u64));
                    match ind.object {
                        Object::Dictionary(d) => (d, span, rev),
                        _ => continue,
                    }
                }
                Some((rev, _)) => match file.object(*id, last)? {
                    Object::Dictionary(d) => (d, None, rev),
                    _ => continue,
                },
                None => continue,
            },
            Object::Dictionary(d) => (d.clone(), None, last),
            _ => continue,
        };
        found.push(Found {
            field,
            sig,
            contents_span: span,
            revision,
        });
    }
    found.sort_by_key(|f| {
        byte_range(&f.sig)
            .map(|b| b.get(1).copied().unwrap_or(0))
            .unwrap_or(0)
    });
    // Validation data in the DSS joins the request's.
    let mut extra = req.extra.clone();
    let mut crls = req.crls.clone();
    let dss_counts = read_dss(&file, &catalog, last, &mut extra, &mut crls)?;
    let revisions: Vec<RevisionChanges> = (1..file.revisions.len())
        .map(|r| diff::analyse(&file, r))
        .collect::<Result<_, _>>()?;
    // Certification: the first signature's DocMDP (and the catalog's /Perms).
    let mut docmdp = None;
    let mut reports = Vec::new();
    for f in &found {
        let cert_p = docmdp_of_sig(&file, &f.sig, last)?;
        if docmdp.is_none() {
            docmdp = cert_p;
        }
        reports.push(verify_one(
            &file, store, req, &extra, &crls, f, cert_p, &revisions, docmdp,
        )?);
    }
    let mut indication = Indication::Passed;
    let mut code = "OK".to_string();
    if reports.is_empty() {
        indication = Indication::Indeterminate;
        code = "PDF_NOT_SIGNED".into();
    }
    for r in &reports {
        if r.indication > indication {
            indication = r.indication;
            code = r.code.clone();
        }
    }
    Ok(PdfReport {
        indication,
        code,
        validation_time: crate::time::rfc3339(req.at),
        file: json!({
            "length": src.len(),
            "revisions": file.revisions.len(),
            "dss": dss_counts,
        }),
        problem: None,
        signatures: reports,
        revisions,
        docmdp,
    })
}

fn byte_range(sig: &lopdf::Dictionary) -> Option<Vec<i64>> {
    match sig.get(b"ByteRange") {
        Ok(Object::Array(a)) if a.len() <= 64 => a.iter().map(|x| int(Some(x))).collect(),
        _ => None,
    }
}

/// Adds the DSS's certificates, CRLs and OCSP responses; returns how many of each.
fn read_dss(
    file: &PdfFile<'_>,
    catalog: &lopdf::Dictionary,
    rev: usize,
    extra: &mut Extra,
    crls: &mut RevocationStore,
) -> Result<Value, PdfError> {
    let Ok(d) = catalog.get(b"DSS") else {
        return Ok(Value::Null);
    };
    let Object::Dictionary(dss) = file.resolve(d, rev)? else {
        return Ok(Value::Null);
    };
    let mut counts = json!({});
    for key in [&b"Certs"[..], b"CRLs", b"OCSPs"] {
        let items = match dss.get(key) {
            Ok(o) => match file.resolve(o, rev)? {
                Object::Array(a) => a,
                _ => Vec::new(),
            },
            Err(_) => Vec::new(),
        };
        let mut n = 0;
        for (i, it) in items.iter().take(1000).enumerate() {
            let Object::Reference(id) = it else { continue };
            let Some((_, Entry::InFile { offset, .. })) = file.lookup(id.0, rev) else {
                continue;
            };
            let ind = file.indirect_at(offset)?;
            let Ok(data) = file.stream_data(offset, &ind, Some(4 * 1024 * 1024)) else {
                continue;
            };
            match key {
                b"Certs" => {
                    if let Ok(c) = Certificate::from_der(&data)
                        && !extra.certs.iter().any(|x| x.fingerprint == c.fingerprint)
                    {
                        extra.certs.push(Arc::new(c));
                        n += 1;
                    }
                }
                b"CRLs" => {
                    crls.add_bytes(&data, &format!("DSS CRL #{}", i + 1));
                    n += 1;
                }
                _ => {
                    crls.add_ocsp(&data, &format!("DSS OCSP #{}", i + 1));
                    n += 1;
                }
            }
        }
        counts[String::from_utf8_lossy(key).to_lowercase()] = json!(n);
    }
    Ok(counts)
}

/// The DER at the start of a zero-padded /Contents.
fn der_prefix(b: &[u8]) -> &[u8] {
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

/// Streams the ByteRange through every digest asked for.
fn digest_ranges(
    src: &dyn Source,
    ranges: &[(u64, u64)],
    digests: &[Digest],
) -> Result<Prehashed, PdfError> {
    let mut ctxs: Vec<(Digest, ring::digest::Context)> =
        digests.iter().map(|d| (*d, hasher(*d))).collect();
    let mut length = 0u64;
    const CHUNK: u64 = 1 << 20;
    for &(start, len) in ranges {
        let mut off = start;
        while off < start + len {
            let n = CHUNK.min(start + len - off) as usize;
            let buf = read_range(src, off, n)?;
            if buf.is_empty() {
                break;
            }
            for (_, c) in &mut ctxs {
                c.update(&buf);
            }
            off += buf.len() as u64;
            length += buf.len() as u64;
        }
    }
    Ok(Prehashed {
        length,
        digests: ctxs
            .into_iter()
            .map(|(d, c)| (d, c.finish().as_ref().to_vec()))
            .collect(),
    })
}

#[allow(clippy::too_many_arguments)]
fn verify_one(
    file: &PdfFile<'_>,
    store: &TrustStore,
    req: &PdfVerifyRequest,
    extra: &Extra,
    crls: &RevocationStore,
    f: &Found,
    certification: Option<i64>,
    revisions: &[RevisionChanges],
    docmdp: Option<i64>,
) -> Result<SignatureReport, PdfError> {
    let src = file.source();
    let len = src.len();
    let sub_filter = match f.sig.get(b"SubFilter") {
        Ok(Object::Name(n)) => String::from_utf8_lossy(n).into_owned(),
        _ => String::new(),
    };
    let doc_ts = sub_filter == "ETSI.RFC3161"
        || matches!(f.sig.get(b"Type"), Ok(Object::Name(n)) if n == b"DocTimeStamp");
    let contents = match f.sig.get(b"Contents") {
        Ok(Object::String(b, _)) if b.len() <= MAX_CONTENTS => der_prefix(b).to_vec(),
        _ => Vec::new(),
    };
    // The ByteRange.
    let br = byte_range(&f.sig).unwrap_or_default();
    let rev = &file.revisions[f.revision.min(file.revisions.len() - 1)];
    let mut problem = None;
    let shape_ok = br.len() == 4
        && br[0] == 0
        && br.iter().all(|x| *x >= 0)
        && br[1] < br[2]
        && (br[2] as u64).saturating_add(br[3] as u64) <= len;
    if !shape_ok {
        problem = Some(format!("ByteRange {br:?} is not [0 a b c] inside the file"));
    }
    let gap_ok = shape_ok && f.contents_span == Some((br[1] as u64, br[2] as u64));
    if shape_ok && !gap_ok {
        problem = Some(match f.contents_span {
            Some((s, e)) => format!(
                "the ByteRange's gap [{}, {}) is not /Contents at [{s}, {e})",
                br[1], br[2]
            ),
            None => "the signature's /Contents could not be located in the file".into(),
        });
    }
    let end = if shape_ok { (br[2] + br[3]) as u64 } else { 0 };
    let covers_revision = gap_ok && end >= rev.eof && end <= rev.eof_eol;
    if gap_ok && !covers_revision {
        problem = Some(format!(
            "the ByteRange ends at {end}, its revision at {} (%%EOF)",
            rev.eof
        ));
    }
    let last = &file.revisions[file.revisions.len() - 1];
    let coverage = Coverage {
        byte_range: br.clone(),
        well_formed: gap_ok,
        covers_revision,
        covers_whole_file: covers_revision && end >= last.eof && end <= len,
        revision: f.revision + 1,
        problem,
    };
    // The CMS: its digest algorithms decide what to hash.
    let mut algs: Vec<Digest> = match envelope::parse::parse(&contents) {
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
    let ranges = if shape_ok {
        vec![(0, br[1] as u64), (br[2] as u64, br[3] as u64)]
    } else {
        Vec::new()
    };
    let pre = digest_ranges(src, &ranges, &algs)?;
    // OCSP responses in the DSS are evidence like its CRLs: in the default
    // mode they answer where no CRL does (offline, no responder is asked).
    let revocation = match req.policy.revocation {
        RevocationMode::Crl if !crls.ocsps.is_empty() => RevocationMode::Any,
        m => m,
    };
    let policy = Policy {
        usage: if doc_ts { Usage::Any } else { Usage::Sign },
        iin: None,
        revocation,
        ..req.policy.clone()
    };
    let vreq = VerifyRequest {
        envelope: &contents,
        data: None,
        at: req.at,
        policy,
        extra: extra.clone(),
        crls: crls.clone(),
    };
    let mut verdict = if doc_ts {
        envelope::verify(&vreq, store)
    } else {
        envelope::verify_prehashed(&vreq, store, &pre)
    };
    if doc_ts && let Some(p) = doc_timestamp_imprint(&contents, &pre) {
        verdict = verdict.with_check(
            "digest",
            crate::verdict::Check::failed(
                "digest",
                crate::verdict::Code::DigestMismatch,
                json!({ "problem": p }),
            ),
        );
    }
    let timestamp = verdict
        .checks
        .iter()
        .find(|c| c.name == "timestamp")
        .map(|c| serde_json::to_value(c).unwrap_or(Value::Null));
    // What came after.
    let later: Vec<&RevisionChanges> = revisions
        .iter()
        .filter(|r| r.revision > f.revision + 1)
        .collect();
    let mut allowed = vec![
        Category::Signature,
        Category::Dss,
        Category::Timestamp,
        Category::Structure,
        Category::Metadata,
        Category::Unused,
    ];
    if docmdp.unwrap_or(2) >= 2 && docmdp.is_some() {
        allowed.push(Category::FormFill);
    }
    if docmdp == Some(3) {
        allowed.push(Category::Annotation);
    }
    let mut unauthorised = Vec::new();
    for r in &later {
        for o in &r.objects {
            let ok = allowed.contains(&o.category)
                && !(docmdp == Some(1) && o.category == Category::Signature && !doc_ts);
            if !ok {
                unauthorised.push(o.clone());
            }
        }
    }
    let docmdp_violation = docmdp.is_some() && !unauthorised.is_empty();
    let (indication, code) = if !coverage.covers_revision {
        (Indication::Failed, "BYTE_RANGE_INVALID".to_string())
    } else if !unauthorised.is_empty() {
        (
            Indication::Failed,
            if docmdp_violation {
                "DOCMDP_VIOLATION"
            } else {
                "PDF_MODIFIED"
            }
            .to_string(),
        )
    } else {
        (verdict.indication, code_str(&verdict))
    };
    let text = |k: &[u8]| f.sig.get(k).ok().and_then(cos::text);
    let m = text(b"M");
    Ok(SignatureReport {
        field: f.field.clone(),
        kind: if doc_ts {
            "document_timestamp"
        } else {
            "signature"
        },
        sub_filter,
        signing_time: m
            .as_deref()
            .and_then(parse_pdf_date)
            .map(crate::time::rfc3339)
            .or(m),
        name: text(b"Name"),
        reason: text(b"Reason"),
        location: text(b"Location"),
        certification,
        coverage,
        verdict,
        timestamp,
        later_revisions: later.iter().map(|r| r.revision).collect(),
        unauthorised_changes: unauthorised,
        indication,
        code,
    })
}

fn code_str(v: &Verdict) -> String {
    serde_json::to_value(v.code)
        .ok()
        .and_then(|x| x.as_str().map(String::from))
        .unwrap_or_default()
}

/// A document time-stamp's imprint must be the ByteRange's digest.
fn doc_timestamp_imprint(token: &[u8], pre: &Prehashed) -> Option<String> {
    let env = match envelope::parse::parse(token) {
        Ok(e) => e,
        Err(e) => return Some(format!("the time-stamp token does not parse: {}", e.0)),
    };
    let info = match env.content.as_deref().map(crate::tsp::tst_info) {
        Some(Ok(i)) => i,
        _ => return Some("the time-stamp token carries no TSTInfo".into()),
    };
    let Some(d) = info.imprint_digest else {
        return Some("the imprint's hash algorithm is not accepted".into());
    };
    match pre.digests.iter().find(|(x, _)| *x == d) {
        Some((_, h)) if *h == info.imprint => None,
        _ => Some(format!(
            "the token's imprint {} is not the ByteRange's digest",
            hex(&info.imprint)
        )),
    }
}
