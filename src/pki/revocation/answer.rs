//! What one source says about one certificate (CRLs or OCSP: good,
//! revoked, or why it cannot say), how OCSP's answer is obtained (a stored
//! response first, then the client) and judged at the validation time, and
//! how two sources' answers combine in the `both` mode.

use super::OcspSource;
use crate::pki::cert::Certificate;
use crate::pki::ocsp::{Answer, CertState, OcspError};
use crate::verdict::Code;
use serde_json::{Value, json};
use std::sync::Arc;

/// An OCSP response that came with the data rather than from a responder.
#[derive(Debug, Clone)]
pub struct StoredOcsp {
    /// Where it came from, for reports (e.g. `DSS OCSP #1`).
    pub source: String,
    /// The OCSPResponse, DER.
    pub der: Arc<[u8]>,
}

/// What the CRLs say about one certificate.
#[derive(Debug, Clone)]
pub(super) enum Status {
    Good(Value),
    Revoked { at: i64, reason: u8, detail: Value },
    Failed(Code, Value),
}

impl Status {
    /// A good or revoked answer ends the search in `any` mode.
    pub(super) fn definitive(&self) -> bool {
        !matches!(self, Status::Failed(..))
    }

    /// The same answer with `note` in its detail under `key`.
    pub(super) fn noted(mut self, key: &str, note: Value) -> Status {
        match &mut self {
            Status::Good(d) | Status::Revoked { detail: d, .. } | Status::Failed(_, d) => {
                d[key] = note;
            }
        }
        self
    }
}

/// How serious a failing code is within step 6 (lower first). A revocation
/// proven by valid data outranks forged data, which outranks missing data.
pub(super) fn rank(c: Code) -> u8 {
    match c {
        Code::CertRevoked => 0,
        Code::CrlInvalid | Code::OcspInvalid => 1,
        Code::RevocationUnavailable => 2,
        _ => 3,
    }
}

/// The newest stored response believed about `cert`; else the first
/// refusal of a response that was about it; `None` when none was.
pub(super) fn stored_answer(
    cert: &Certificate,
    issuer: &Certificate,
    stored: &[StoredOcsp],
) -> Option<Result<Answer, OcspError>> {
    if stored.is_empty() {
        return None;
    }
    let id = match crate::pki::ocsp::message::cert_id(cert, issuer) {
        Ok(id) => id,
        Err(e) => return Some(Err(e)),
    };
    let mut best: Option<Answer> = None;
    let mut refused = None;
    for s in stored {
        match crate::pki::ocsp::verify::verify_stored(&s.der, &id, issuer, &s.source) {
            Ok(a) => {
                if best.as_ref().is_none_or(|b| a.this_update > b.this_update) {
                    best = Some(a);
                }
            }
            Err(OcspError::NoMatchingResponse) => {}
            Err(e) => {
                refused.get_or_insert(e);
            }
        }
    }
    best.map(Ok).or(refused.map(Err))
}

/// What OCSP says about `cert`, believed and judged at `at`: a stored
/// response when one is about it, else the client's answer.
pub(super) fn ocsp_status(
    cert: &Certificate,
    issuer: &Certificate,
    at: i64,
    src: OcspSource<'_>,
    stored: &[StoredOcsp],
) -> Status {
    let failed = |e: OcspError, response: Option<Value>| {
        let mut d = json!({ "source": "ocsp", "problem": e.to_string() });
        if let OcspError::Stale { next_update } = e {
            d["next_update"] = json!(crate::time::rfc3339(next_update));
        }
        if src.url.is_none() {
            d["ocsp_urls"] = json!(cert.ocsp_urls);
        }
        if let Some(r) = response {
            d["response"] = r;
        }
        Status::Failed(e.code(), d)
    };
    let answer = match (stored_answer(cert, issuer, stored), src.client) {
        (Some(Ok(a)), _) => a,
        // A stored response that was refused is only the answer when nobody can be asked.
        (Some(Err(e)), None) => return failed(e, None),
        (_, Some(client)) => match client.answer(cert, issuer, src.url, at) {
            Ok(a) => a,
            Err(e) => return failed(e, None),
        },
        (None, None) => return failed(OcspError::NoClient, None),
    };
    let mut detail = answer.describe();
    // A revocation before `at` is proven whatever the response's age.
    if let CertState::Revoked { at: when, reason } = answer.state
        && when <= at
    {
        return Status::Revoked {
            at: when,
            reason,
            detail,
        };
    }
    if let Err(e) = answer.check_time(at) {
        return failed(e, Some(detail));
    }
    if let CertState::Revoked { at: when, .. } = answer.state {
        detail["note"] = json!(format!("revoked later, at {}", crate::time::rfc3339(when)));
    }
    Status::Good(detail)
}

/// Tags a CRL answer with its source, for the modes where two sources speak.
pub(super) fn from_crl(s: Status) -> Status {
    match s {
        Status::Failed(c, mut d) => {
            d["source"] = json!("crl");
            Status::Failed(c, d)
        }
        other => other,
    }
}

pub(super) fn detail_of(s: &Status) -> &Value {
    match s {
        Status::Good(d) | Status::Revoked { detail: d, .. } | Status::Failed(_, d) => d,
    }
}

/// `both`: either revoked is revoked, then either failing fails; good only
/// when both are good. The other source's answer rides along as `other`.
pub(super) fn both(crl: Status, ocsp: Status) -> Status {
    let with_other = |s: Status, other: &Status| s.noted("other", detail_of(other).clone());
    match (&crl, &ocsp) {
        (Status::Revoked { .. }, _) => with_other(crl, &ocsp),
        (_, Status::Revoked { .. }) => with_other(ocsp, &crl),
        (Status::Failed(a, _), Status::Failed(b, _)) if rank(*b) < rank(*a) => {
            with_other(ocsp, &crl)
        }
        (Status::Failed(..), _) => with_other(crl, &ocsp),
        (_, Status::Failed(..)) => with_other(ocsp, &crl),
        (Status::Good(c), Status::Good(o)) => Status::Good(json!({
            "source": "crl+ocsp",
            "crl": c,
            "ocsp": o,
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn of_two_failures_the_worse_stands_with_the_other_beside_it() {
        let unavailable =
            || Status::Failed(Code::RevocationUnavailable, json!({ "source": "crl" }));
        let forged = || Status::Failed(Code::OcspInvalid, json!({ "source": "ocsp" }));
        for (crl, ocsp) in [(unavailable(), forged()), (forged(), unavailable())] {
            let Status::Failed(code, detail) = both(crl, ocsp) else {
                panic!("two failures fail");
            };
            assert_eq!(code, Code::OcspInvalid);
            assert_eq!(detail["other"]["source"], "crl");
        }
    }

    #[test]
    fn a_note_lands_in_the_detail_of_any_answer() {
        let revoked = Status::Revoked {
            at: 1,
            reason: 0,
            detail: json!({}),
        };
        for s in [
            Status::Good(json!({})),
            revoked,
            Status::Failed(Code::CrlInvalid, json!({})),
        ] {
            assert_eq!(detail_of(&s.noted("why", json!(7)))["why"], 7);
        }
    }
}
