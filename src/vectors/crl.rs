//! CRL vectors: a CRL alone must parse, verify with a CA of the trust store
//! and be fresh at the validation time.

use crate::pki::revocation::RevocationStore;
use crate::pki::{Policy, TrustStore};

/// A CRL vector's verdict: it must parse, verify with a CA of the trust store
/// (cRLSign where keyUsage is present) and be fresh at `at`.
pub(super) fn crl_verdict(
    bytes: &[u8],
    source: &str,
    store: &TrustStore,
    at: i64,
    policy: &Policy,
) -> crate::verdict::Verdict {
    use crate::verdict::{Check, Code, Verdict};
    let cas = store.cas();
    let mut rs = RevocationStore::default();
    rs.add_bytes_checked(bytes, source, &cas);
    let check = match (rs.crls.first(), rs.rejected.first()) {
        (_, Some(r)) => Check::failed(
            "crl",
            Code::CrlInvalid,
            serde_json::json!({ "problem": r.error.to_string(), "issuer": r.issuer_dn }),
        ),
        (None, None) => Check::failed(
            "crl",
            Code::CrlInvalid,
            serde_json::json!({ "problem": "no CRL" }),
        ),
        (Some(crl), None) => {
            let issuer = cas
                .iter()
                .find(|c| crl.issuer_raw == c.subject_raw || crl.issuer_key == c.subject_key());
            match issuer {
                None => Check::failed(
                    "crl",
                    Code::CrlInvalid,
                    serde_json::json!({ "problem": "no CA of the trust store issued it", "crl": crl.describe() }),
                ),
                Some(ca) if ca.key_usage.is_some_and(|k| !k.crl_sign()) => Check::failed(
                    "crl",
                    Code::CrlInvalid,
                    serde_json::json!({ "problem": "issuer lacks cRLSign", "crl": crl.describe() }),
                ),
                Some(ca) => match crl.verify_signature(ca) {
                    Err(why) => Check::failed(
                        "crl",
                        Code::CrlInvalid,
                        serde_json::json!({ "problem": format!("signature: {why}"), "crl": crl.describe() }),
                    ),
                    Ok(()) if crl.next_update.is_none_or(|n| n < at) => Check::failed(
                        "crl",
                        Code::RevocationStale,
                        serde_json::json!({ "problem": "nextUpdate is before the validation time", "crl": crl.describe() }),
                    ),
                    Ok(()) => Check::passed("crl", serde_json::json!({ "crl": crl.describe() })),
                },
            }
        }
    };
    Verdict::new(vec![check], at, policy.describe(), None, None)
}
