//! RFC 3161 time-stamps against a real TSA on loopback: `openssl ts -reply`
//! behind a small HTTP wrapper. CAdES-T signing, token checks, and proof of
//! existence for a certificate that expired after it signed.

mod common;
use common::repo;

use qoltanba::envelope::{self, VerifyRequest, sign};
use qoltanba::pki::{Policy, TrustStore};
use qoltanba::tsp::HttpTsa;
use qoltanba::verdict::Outcome;

mod common_tsa;
use common_tsa::{serve_tsa, tsa_dir};

fn signed(name: &str) -> Vec<u8> {
    let w = common::demo::who(name);
    sign::sign(
        b"request",
        true,
        &w.key,
        &w.cert,
        &w.chain,
        qoltanba::time::now(),
    )
    .unwrap()
}

fn verify_at(env: &[u8], at: i64) -> qoltanba::verdict::Verdict {
    let store = TrustStore::from_dir(&repo("certs/trust")).unwrap();
    envelope::verify(
        &VerifyRequest {
            envelope: env,
            data: None,
            at,
            policy: Policy::default(),
            ..Default::default()
        },
        &store,
    )
}

fn check<'a>(v: &'a qoltanba::verdict::Verdict, name: &str) -> &'a qoltanba::verdict::Check {
    v.checks.iter().find(|c| c.name == name).unwrap()
}

#[test]
fn cades_t_token_verifies_and_gives_proof_of_existence() {
    let dir = tsa_dir(false);
    let url = serve_tsa(dir.path().to_path_buf(), 2);
    let now = qoltanba::time::now();
    let env = sign::add_signature_timestamp(&signed("citizen-rsa"), 1, &HttpTsa::default(), &url)
        .unwrap();
    let v = verify_at(&env, now);
    assert_eq!(v.code.as_str(), "OK", "{}", v.summary());
    let ts = check(&v, "timestamp");
    assert_eq!(ts.outcome, Outcome::Passed, "{:?}", ts.detail);
    assert_eq!(ts.detail["policy"], "1.2.398.3.3.5.1");
    // After the citizen's certificate expired (2030-12-31), the time-stamp proves
    // the signature existed while it was valid: PASSED under the long-term policy.
    let later = qoltanba::time::parse_rfc3339("2031-06-01T00:00:00Z").unwrap();
    let v = verify_at(&env, later);
    assert_eq!(v.code.as_str(), "OK", "{}", v.summary());
    assert_eq!(v.policy["name"], "condition-2/long-term");
    // The same signature without its time-stamp is merely expired.
    assert_eq!(
        verify_at(&signed("citizen-rsa"), later).code.as_str(),
        "CERT_EXPIRED"
    );
    // A token over another signature's value does not count.
    let other =
        sign::add_signature_timestamp(&signed("citizen2-rsa"), 1, &HttpTsa::default(), &url)
            .unwrap();
    let token = {
        let parsed = qoltanba::envelope::parse::parse(&other).unwrap();
        parsed.signers[0]
            .unsigned_attrs
            .iter()
            .find(|a| a.oid == qoltanba::tsp::OID_SIGNATURE_TIME_STAMP)
            .unwrap()
            .values[0]
            .clone()
    };
    use der::Decode;
    let swapped = sign::add_unsigned_attribute(
        &signed("citizen-rsa"),
        1,
        qoltanba::tsp::OID_SIGNATURE_TIME_STAMP,
        der::asn1::Any::from_der(&token).unwrap(),
    )
    .unwrap();
    let v = verify_at(&swapped, now);
    assert_eq!(v.code.as_str(), "TIMESTAMP_INVALID", "{}", v.summary());
}

/// ETSI EN 319 102-1: a time-stamp whose own validation is not PASSED is
/// ignored, not held against the signature. A token from a TSA outside the
/// trust store (as Kalkan's CAdES-T from the production TSA, checked against
/// the test PKI) proves nothing: the signature is judged at the validation
/// time, so it passes while its certificate is in force and is merely
/// expired afterwards (no long-term reading).
#[test]
fn token_from_an_untrusted_tsa_is_ignored() {
    let dir = tsa_dir(true);
    let url = serve_tsa(dir.path().to_path_buf(), 1);
    let env = sign::add_signature_timestamp(&signed("citizen-rsa"), 1, &HttpTsa::default(), &url)
        .unwrap();
    let v = verify_at(&env, qoltanba::time::now());
    assert_eq!(v.code.as_str(), "OK", "{}", v.summary());
    let ts = check(&v, "timestamp");
    assert_eq!(ts.outcome, Outcome::Indeterminate);
    assert_eq!(ts.code, None);
    assert_eq!(ts.detail["effect"], "ignored");
    assert_eq!(ts.detail["token_verdict"]["code"], "CHAIN_UNTRUSTED");
    let later = qoltanba::time::parse_rfc3339("2031-06-01T00:00:00Z").unwrap();
    let v = verify_at(&env, later);
    assert_eq!(v.code.as_str(), "CERT_EXPIRED", "{}", v.summary());
}

#[test]
fn tsa_down_is_an_error() {
    let port = common::loopback::free_port();
    let err = sign::add_signature_timestamp(
        &signed("citizen-rsa"),
        1,
        &HttpTsa::default(),
        &format!("http://127.0.0.1:{port}/tsa"),
    )
    .unwrap_err();
    assert!(matches!(err, sign::SignEnvelopeError::Tsa(_)), "{err:?}");
}
