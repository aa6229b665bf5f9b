//! One signature: its ByteRange (sound, gap exactly its /Contents, covering
//! its revision), the streamed digest of the ranges, the CMS verdict through
//! `envelope::verify` (a document time-stamp's imprint included), and its
//! decision given `mdp`'s judgement of what came after it.

use super::byterange::{byte_range, ranges};
use super::claimed_time;
use super::mdp::{JudgedChange, Judgement};
use super::report::Reason;
use super::report::{Coverage, SignatureReport};
use super::{Found, PdfVerifyRequest};
use crate::envelope::{self, Prehashed, VerifyRequest};
use crate::pdf::diff::RevisionChanges;
use crate::pdf::sign::parse_pdf_date;
use crate::pdf::xref::PdfFile;
use crate::pdf::{PdfError, cos};
use crate::pki::cert::hex;
use crate::pki::revocation::RevocationStore;
use crate::pki::{Extra, Policy, RevocationMode, TrustStore, Usage};
use crate::verdict::{Indication, Verdict};
use lopdf::Object;
use serde_json::{Value, json};

#[allow(clippy::too_many_arguments)]
pub(super) fn verify_one(
    file: &PdfFile<'_>,
    store: &TrustStore,
    req: &PdfVerifyRequest,
    extra: &Extra,
    crls: &RevocationStore,
    f: &Found,
    certification: Option<i64>,
    revisions: &[RevisionChanges],
    judgement: Judgement,
) -> Result<SignatureReport, PdfError> {
    let src = file.source();
    let len = src.len();
    let sub_filter = match f.sig.get(b"SubFilter") {
        Ok(Object::Name(n)) => String::from_utf8_lossy(n).into_owned(),
        _ => String::new(),
    };
    let doc_ts = f.doc_ts;
    let contents = &f.contents;
    // The ByteRange.
    let br = byte_range(&f.sig).unwrap_or_default();
    let rev = &file.revisions[f.revision.min(file.revisions.len() - 1)];
    let mut problem = None;
    let shape_ok = ranges(&br, len).is_some();
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
    // The ByteRange's digests, computed for every signature at once.
    let pre = &f.pre;
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
        envelope: contents,
        data: None,
        at: req.at,
        policy,
        extra: extra.clone(),
        crls: crls.clone(),
    };
    let mut verdict = if doc_ts {
        envelope::verify(&vreq, store)
    } else {
        envelope::verify_prehashed(&vreq, store, pre)
    };
    if doc_ts && let Some(p) = doc_timestamp_imprint(contents, pre) {
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
    // What came after, judged by `mdp`.
    let later: Vec<usize> = revisions
        .iter()
        .filter(|r| r.revision > f.revision + 1)
        .map(|r| r.revision)
        .collect();
    let text = |k: &[u8]| f.sig.get(k).ok().and_then(cos::text);
    let m = text(b"M");
    // The claimed signing times: /M and the CMS's signing-time attribute.
    let pades_baseline = if doc_ts {
        None
    } else {
        claimed_time::judge(
            m.as_deref().and_then(parse_pdf_date),
            claimed_time::signing_time_attribute(contents),
        )
    };
    let times_disagree = pades_baseline.as_ref().and_then(|p| p.agrees_with_m) == Some(false);
    let (indication, code) = if !coverage.covers_revision {
        (Indication::Failed, "BYTE_RANGE_INVALID".to_string())
    } else if let Some(c) = judgement.code {
        (c.indication().0, c.as_str().to_string())
    } else if times_disagree && verdict.indication != Indication::Failed {
        let c = crate::verdict::Code::PdfSigningTimeMismatch;
        (c.indication().0, c.as_str().to_string())
    } else {
        (verdict.indication, code_str(&verdict))
    };
    let unauthorised: Vec<JudgedChange> = judgement
        .changes
        .iter()
        .filter(|c| !c.allowed)
        .cloned()
        .collect();
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
        later_revisions: later,
        modification_level: judgement.level,
        reasons: judgement.reasons.iter().map(|r| Reason::of(r)).collect(),
        unauthorised_changes: unauthorised,
        later_changes: judgement.changes,
        indication,
        code,
        level: None,
        long_term: None,
        pades_baseline,
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
