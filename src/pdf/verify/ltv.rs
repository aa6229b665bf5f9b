//! Long-term validation (ETSI EN 319 102-1 5.6.3, PAdES B-LTA): when a
//! signature or document time-stamp does not pass at the validation time
//! (its certificates have expired, its CRLs are gone), it is validated
//! again at the time a newer proof of existence shows, with the validation
//! data the file carries (the DSS) and the request's.
//!
//! The proofs are the document time-stamps, newest first: the newest is
//! validated at the validation time; each older one, and each signature, at
//! the earliest time proven by a newer document time-stamp that passed. A
//! signature's own time-stamp is then checked at that time, and the signer
//! at the time it proves (`envelope::verify`). Reports, per signature, the
//! PAdES level reached (`B-B`, `B-T`, `B-LT`, `B-LTA`) and how it was
//! validated (`long_term`).
//!
//! Owns the order of the proofs and the levels; each validation is
//! `signature::verify_one`'s, unchanged.

use super::report::SignatureReport;
use super::signature::verify_one;
use super::{Found, PdfVerifyRequest};
use crate::pdf::PdfError;
use crate::pdf::diff::RevisionChanges;
use crate::pdf::ltv::{der_prefix, expiry::token_facts};
use crate::pdf::plan::docmdp_of_sig;
use crate::pdf::xref::PdfFile;
use crate::pki::revocation::RevocationStore;
use crate::pki::{Extra, TrustStore};
use crate::verdict::{Indication, Outcome};
use lopdf::Object;
use serde_json::{Value, json};

/// What a validation at another time needs: the same as the first.
pub(super) struct Context<'a> {
    pub(super) file: &'a PdfFile<'a>,
    pub(super) store: &'a TrustStore,
    pub(super) req: &'a PdfVerifyRequest,
    pub(super) extra: &'a Extra,
    pub(super) crls: &'a RevocationStore,
    pub(super) revisions: &'a [RevisionChanges],
    /// Each signature's modification judgement (it does not depend on time).
    pub(super) judgements: &'a [super::mdp::Judgement],
    /// How many certificates, CRLs and OCSP responses the DSS holds.
    pub(super) dss: &'a Value,
}

/// A newer proof of existence that passed.
#[derive(Clone)]
struct Proof {
    time: i64,
    field: String,
}

/// Validates at past times what does not pass now; sets each signature's
/// level and returns the file's (the lowest of its signatures').
pub(super) fn long_term(
    ctx: &Context<'_>,
    found: &[Found],
    reports: &mut [SignatureReport],
) -> Result<Option<&'static str>, PdfError> {
    let n = found.len().min(reports.len());
    let mut proof: Option<Proof> = None;
    // Newest to oldest: every passed document time-stamp proves what came before it.
    let mut proven_by: Vec<Option<Proof>> = vec![None; n];
    for i in (0..n).rev() {
        proven_by[i] = proof.clone();
        if let Some(p) = &proof
            && reports[i].indication != Indication::Passed
        {
            let again = at_time(ctx, &found[i], i, p.time)?;
            let before = json!({ "indication": reports[i].indication, "code": reports[i].code });
            let detail = |r: &SignatureReport| {
                json!({
                    "validated_at": crate::time::rfc3339(p.time),
                    "proof_of_existence": {
                        "kind": "document_timestamp",
                        "field": p.field,
                        "time": crate::time::rfc3339(p.time),
                    },
                    "at_validation_time": before,
                    "indication": r.indication,
                    "code": r.code,
                })
            };
            if again.indication < reports[i].indication {
                let d = detail(&again);
                reports[i] = again;
                reports[i].long_term = Some(d);
            } else {
                reports[i].long_term = Some(detail(&again));
            }
        }
        if reports[i].kind == "document_timestamp"
            && reports[i].indication == Indication::Passed
            && let Some(t) = doc_timestamp_time(&found[i])
        {
            proof = Some(Proof {
                time: t,
                field: found[i].field.clone(),
            });
        }
    }
    // Levels.
    let dss_revocation = ["crls", "ocsps"]
        .iter()
        .any(|k| ctx.dss[k].as_u64().unwrap_or(0) > 0);
    let mut lowest: Option<&'static str> = None;
    for (i, r) in reports.iter_mut().enumerate().take(n) {
        if r.kind == "document_timestamp" {
            continue;
        }
        let timestamped = r
            .verdict
            .checks
            .iter()
            .any(|c| c.name == "timestamp" && c.outcome == Outcome::Passed);
        let level = match (timestamped, dss_revocation, &proven_by[i]) {
            (false, _, _) => "B-B",
            (true, false, _) => "B-T",
            (true, true, None) => "B-LT",
            (true, true, Some(_)) => "B-LTA",
        };
        r.level = Some(level);
        lowest = Some(match lowest {
            Some(l) if rank(l) <= rank(level) => l,
            _ => level,
        });
    }
    Ok(lowest)
}

fn rank(level: &str) -> u8 {
    match level {
        "B-B" => 0,
        "B-T" => 1,
        "B-LT" => 2,
        _ => 3,
    }
}

/// The same validation at `at`.
fn at_time(
    ctx: &Context<'_>,
    f: &Found,
    i: usize,
    at: i64,
) -> Result<SignatureReport, PdfError> {
    let req = PdfVerifyRequest {
        at,
        ..ctx.req.clone()
    };
    let last = ctx.file.revisions.len() - 1;
    let cert_p = docmdp_of_sig(ctx.file, &f.sig, last)?;
    verify_one(
        ctx.file,
        ctx.store,
        &req,
        ctx.extra,
        ctx.crls,
        f,
        cert_p,
        ctx.revisions,
        ctx.judgements.get(i).cloned().unwrap_or_default(),
    )
}

/// A document time-stamp's genTime.
fn doc_timestamp_time(f: &Found) -> Option<i64> {
    match f.sig.get(b"Contents") {
        Ok(Object::String(b, _)) => token_facts(der_prefix(b)).0,
        _ => None,
    }
}
