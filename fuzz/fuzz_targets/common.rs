//! What every target shares: the demo trust store, the validation time, and
//! the invariants every verdict must keep (a failed invariant is a crash).

#![allow(dead_code)]

use qoltanba::pki::{Policy, TrustStore};
use qoltanba::verdict::{Code, Indication, Verdict};
use std::path::Path;
use std::sync::OnceLock;

/// 2026-06-01T00:00:00Z, the validation time of the shipped test vectors.
pub const AT: i64 = 1_780_272_000;

/// The IIN the demo PKI's citizen certificates carry.
pub const IIN: &str = "880101300123";

/// The demo trust folder (`certs/trust`), loaded once.
pub fn store() -> &'static TrustStore {
    static STORE: OnceLock<TrustStore> = OnceLock::new();
    STORE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../certs/trust");
        TrustStore::from_dir(&dir).expect("the demo trust folder loads")
    })
}

/// The policy of the shipped vectors: signing usage, revocation, the IIN check.
pub fn policy() -> Policy {
    Policy {
        iin: Some(IIN.into()),
        ..Default::default()
    }
}

/// A verdict always has checks, a code that one of them carries, and a JSON form.
pub fn check_verdict(v: &Verdict) {
    assert!(!v.checks.is_empty(), "a verdict without checks");
    assert_eq!(
        v.indication == Indication::Passed,
        v.code == Code::Ok,
        "indication {:?} with code {}",
        v.indication,
        v.code
    );
    if v.code != Code::Ok {
        assert!(
            v.checks.iter().any(|c| c.code == Some(v.code)),
            "the verdict's code {} is no check's code",
            v.code
        );
    }
    for s in &v.signers {
        assert!(!s.checks.is_empty(), "a signer verdict without checks");
    }
    serde_json::to_string(v).expect("the verdict serialises");
    let _ = v.to_text();
}
