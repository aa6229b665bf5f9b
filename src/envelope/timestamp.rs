//! Signature time-stamps (CAdES-T) on a signer: is the token sound, and what
//! proof of existence (ETSI POE) does it give?
//!
//! Owns checking a token: it is a SignedData over TSTInfo that verifies
//! through `envelope::verify` itself (chain, validity, revocation), its
//! signer carries the timeStamping EKU, and its message imprint is the hash
//! of the signer's signature value. A sound token's time lets a certificate
//! that has expired since still pass, under the long-term policy.

use super::parse::{self, Signer};
use super::{VerifyRequest, verify};
use crate::pki::revocation::RevocationStore;
use crate::pki::{Extra, Policy, TrustStore, Usage};
use crate::tsp::{self, EKU_TIME_STAMPING, OID_SIGNATURE_TIME_STAMP, OID_TST_INFO};
use crate::verdict::{Check, Code};
use serde_json::json;

/// A sound time-stamp's time, and the check that says so.
pub struct Stamp {
    /// The `timestamp` check.
    pub check: Check,
    /// genTime of a sound token: proof that the signature existed then.
    pub poe: Option<i64>,
}

/// Checks the first signature time-stamp token of `s`, if it has one.
pub fn check(
    s: &Signer,
    store: &TrustStore,
    extra: &Extra,
    crls: &RevocationStore,
    at: i64,
    policy: &Policy,
) -> Option<Stamp> {
    let token = s
        .unsigned_attrs
        .iter()
        .find(|a| a.oid == OID_SIGNATURE_TIME_STAMP)
        .and_then(|a| a.values.first())?;
    Some(check_token(
        "timestamp",
        token,
        &s.signature,
        store,
        extra,
        crls,
        at,
        policy,
    ))
}

/// Checks a time-stamp token whose imprint must be the hash of `covered`;
/// the check is named `name`.
#[allow(clippy::too_many_arguments)]
pub fn check_token(
    name: &'static str,
    token: &[u8],
    covered: &[u8],
    store: &TrustStore,
    extra: &Extra,
    crls: &RevocationStore,
    at: i64,
    policy: &Policy,
) -> Stamp {
    let fail = |problem: String, detail: serde_json::Value| {
        let mut d = detail;
        d["problem"] = json!(problem);
        Stamp {
            check: Check::failed(name, Code::TimestampInvalid, d),
            poe: None,
        }
    };
    let env = match parse::parse(token) {
        Ok(e) => e,
        Err(e) => return fail(format!("the token is not a SignedData: {}", e.0), json!({})),
    };
    if env.content_type != OID_TST_INFO {
        return fail(
            "the token's content is not TSTInfo".into(),
            json!({ "content_type": env.content_type.to_string() }),
        );
    }
    let info = match env.content.as_deref().map(tsp::tst_info) {
        Some(Ok(i)) => i,
        Some(Err(e)) => return fail(e.to_string(), json!({})),
        None => return fail("the token carries no TSTInfo".into(), json!({})),
    };
    let detail = json!({ "time": info.time, "policy": info.policy, "serial": info.serial, "imprint_algorithm": info.imprint_algorithm });
    let Some(d) = info.imprint_digest else {
        return fail(
            "the imprint's hash algorithm is not accepted".into(),
            detail,
        );
    };
    if d.hash(covered) != info.imprint {
        return fail(
            "the token's imprint is not the hash of what it should cover".into(),
            detail,
        );
    }
    let req = VerifyRequest {
        envelope: token,
        data: None,
        at,
        policy: Policy {
            usage: Usage::Any,
            iin: None,
            ..policy.clone()
        },
        extra: extra.clone(),
        crls: crls.clone(),
    };
    let v = verify(&req, store);
    let tsa = v
        .signer
        .as_ref()
        .map(|s| s["subject"]["dn"].clone())
        .unwrap_or_default();
    let mut detail = detail;
    detail["tsa"] = tsa;
    detail["token_verdict"] = json!({ "indication": v.indication, "code": v.code });
    if v.indication == crate::verdict::Indication::Indeterminate {
        // Nothing is wrong with the token that can be shown, but it cannot be
        // trusted here (e.g. its TSA chains to a CA outside the trust store):
        // it gives no proof of existence and does not decide the verdict.
        detail["problem"] = json!(format!(
            "the time-stamp cannot be validated ({}): it is not used as proof of existence",
            v.code
        ));
        detail["effect"] = json!("ignored");
        return Stamp {
            check: Check::unused(name, detail),
            poe: None,
        };
    }
    if !v.passed() {
        return fail(
            format!("the token's own signature is not valid ({})", v.code),
            detail,
        );
    }
    let has_eku = v
        .signer
        .as_ref()
        .and_then(|s| s["extended_key_usage"].as_array().cloned())
        .is_some_and(|e| e.iter().any(|o| o == EKU_TIME_STAMPING));
    if !has_eku {
        return fail(
            "the token's signer is not a time-stamping authority (no timeStamping EKU)".into(),
            detail,
        );
    }
    Stamp {
        check: Check::passed(name, detail),
        poe: Some(info.gen_time),
    }
}
