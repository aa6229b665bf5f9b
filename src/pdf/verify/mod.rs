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
//!
//! `report` holds what is reported, `signature` checks one signature,
//! `dss` reads the validation data, `ltv` validates at past times from
//! proofs of existence (document time-stamps) and reports the level.

mod byterange;
pub mod claimed_time;
mod dss;
mod ltv;
mod mdp;
mod report;
mod signature;

pub use mdp::{Certification, JudgedChange, Lock};
pub use report::{Coverage, PdfReport, Reason, SignatureReport, StructureFinding};

use super::diff::{self, RevisionChanges, graph::Graph};
use super::layout;
use super::plan::{docmdp_of_sig, form_signature_fields};
use super::xref::{Entry, FileSource, PdfFile, Source};
use super::{PdfError, cos};
use crate::pki::revocation::RevocationStore;
use crate::pki::{Extra, Policy, TrustStore};
use crate::verdict::Indication;
use byterange::byte_range;
use lopdf::Object;
use report::{malformed, structural, too_complex};
use serde_json::json;
use signature::verify_one;

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
        Err(e @ PdfError::Limit { .. }) => too_complex(req, src.len(), e.to_string()),
        Err(e) => malformed(req, src.len(), e.to_string()),
    }
}

struct Found {
    field: String,
    field_dict: lopdf::Dictionary,
    sig: lopdf::Dictionary,
    contents_span: Option<(u64, u64)>,
    revision: usize,
    /// A document time-stamp (else a signature).
    doc_ts: bool,
    /// The CMS in /Contents.
    contents: Vec<u8>,
    /// Its ByteRange's digests (`byterange::digest_all`).
    pre: crate::envelope::Prehashed,
}

fn verify_inner(
    src: &dyn Source,
    store: &TrustStore,
    req: &PdfVerifyRequest,
) -> Result<PdfReport, PdfError> {
    let file = PdfFile::open(src)?;
    // An encrypted document is refused; encryption added by an update is a
    // change (`layout` reports it).
    if file.revisions[0].trailer.has(b"Encrypt") {
        return Err(PdfError::Encrypted);
    }
    let findings = layout::examine(&file)?;
    match verify_revisions(&file, store, req, &findings) {
        // A file whose structure already told what is wrong, and that then
        // cannot be read as its chain says: the structure is the verdict.
        Err(e) if !findings.is_empty() && !matches!(e, PdfError::Limit { .. }) => {
            Ok(structural(req, src.len(), e.to_string(), findings))
        }
        r => r,
    }
}

fn verify_revisions(
    file: &PdfFile<'_>,
    store: &TrustStore,
    req: &PdfVerifyRequest,
    findings: &[layout::Finding],
) -> Result<PdfReport, PdfError> {
    let src = file.source();
    let last = file.revisions.len() - 1;
    let (_, catalog) = file.catalog(last)?;
    let mut found = Vec::new();
    for (_, fd) in form_signature_fields(file, &catalog, last)?
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
                    match &ind.object {
                        Object::Dictionary(d) => (d.clone(), span, rev),
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
            field_dict: fd.clone(),
            doc_ts: byterange::is_doc_timestamp(&sig),
            contents: byterange::contents(&sig),
            sig,
            contents_span: span,
            revision,
            pre: Default::default(),
        });
    }
    found.sort_by_key(|f| {
        byte_range(&f.sig)
            .map(|b| b.get(1).copied().unwrap_or(0))
            .unwrap_or(0)
    });
    let digests = byterange::digest_all(src, &found)?;
    for (f, pre) in found.iter_mut().zip(digests) {
        f.pre = pre;
    }
    // Validation data in the DSS joins the request's.
    let mut extra = req.extra.clone();
    let mut crls = req.crls.clone();
    let dss_counts = dss::read_dss(file, &catalog, last, &mut extra, &mut crls)?;
    // What every revision after the first signature's changed.
    let first = found.iter().map(|f| f.revision).min().unwrap_or(last);
    let revisions = analyse_after(file, first)?;
    // Certification: the first signature with a DocMDP reference.
    let mut certification = None;
    let mut cert_of = Vec::new();
    for f in &found {
        let p = docmdp_of_sig(file, &f.sig, last)?;
        if certification.is_none()
            && let Some(p) = p
        {
            certification = Some(Certification {
                p,
                revision: f.revision,
            });
        }
        cert_of.push(p);
    }
    let mut reports = Vec::new();
    let mut judgements = Vec::new();
    for (f, p) in found.iter().zip(cert_of) {
        let lock = Lock::of(file, &f.sig, &f.field_dict, last)?;
        let judgement = mdp::judge(
            f.revision,
            &revisions,
            findings,
            file.revisions.len(),
            certification,
            lock.as_ref(),
        );
        judgements.push(judgement.clone());
        reports.push(verify_one(
            file, store, req, &extra, &crls, f, p, &revisions, judgement,
        )?);
    }
    // Long-term validation (issue 19): at the times the proofs show.
    let level = ltv::long_term(
        &ltv::Context {
            file,
            store,
            req,
            extra: &extra,
            crls: &crls,
            revisions: &revisions,
            judgements: &judgements,
            dss: &dss_counts,
        },
        &found,
        &mut reports,
    )?;
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
            "linearized": file.linearized,
            "dss": dss_counts,
        }),
        problem: None,
        signatures: reports,
        structure: findings
            .iter()
            .cloned()
            .map(|f| StructureFinding {
                code: f.code().as_str(),
                finding: f,
            })
            .collect(),
        revisions,
        docmdp: certification.map(|c| c.p),
        level,
    })
}

/// The analysis of every revision after `first` (0-based), each against
/// the one before, with the reference graph carried forward.
fn analyse_after(file: &PdfFile<'_>, first: usize) -> Result<Vec<RevisionChanges>, PdfError> {
    let last = file.revisions.len() - 1;
    if first >= last {
        return Ok(Vec::new());
    }
    let mut graph = Graph::build(file, first)?;
    let mut out = Vec::new();
    for r in first + 1..=last {
        out.push(diff::analyse(file, r, &graph)?);
        if r < last {
            for (n, e) in &file.revisions[r].entries {
                let o = match e {
                    Entry::Free => Object::Null,
                    _ => file.object((*n, 0), r).unwrap_or(Object::Null),
                };
                graph.update(*n, &o);
            }
        }
    }
    Ok(out)
}
