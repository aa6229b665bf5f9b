//! The national CA's certificate profile on its own certificates
//! (`../shared/realkz`, read in place): every purpose and subject attribute
//! they carry is named, the key-purpose rule lets every signing key sign, and
//! the test-PKI trust profile (`--test-trust`, `QOLTANBA_TEST_TRUST_DIR`,
//! a manifest's `test_trust`) compares the NCA test IINs without refusing
//! their check digit, while production anchors stay strict.

mod common;
#[path = "common/realkz.rs"]
mod realkz;

use common::app::App;
use common::nca_test_pki::{CA_2022 as NCA_2022, CRL_2022, ROOT_2022};
use qoltanba::pki::cert::Certificate;
use qoltanba::pki::profile::{self, UsageProfile};
use qoltanba::pki::revocation::RevocationStore;
use qoltanba::pki::{Extra, Policy, TrustStore, Usage, purposes};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// A Kalkan-made CMS by the individual with test IIN 123456789011.
const CMS_INDIVIDUAL: &str = "skarm-kalkan/testdata__cms__individual_attached.der";
/// Inside the signers' validity (2026-05-08 .. 2027-05-08) and the CRL's
/// (2026-08-11 .. 2027-02-07).
const AT: &str = "2026-09-01T00:00:00Z";
/// The test IINs: both fail the IIN check digit, as the NCA issues them.
const TEST_IIN: &str = "123456789011";
const OTHER_TEST_IIN: &str = "123456789012";

fn real(rel: &str) -> String {
    realkz::file(rel).display().to_string()
}

fn check<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["name"] == name))
        .unwrap_or(&Value::Null)
}

// ---- roles, purposes and subject attributes -------------------------------

/// Every extended key usage purpose in the real certificates, found by
/// walking them (`tests/common/realkz.rs`), is in `purposes::PURPOSES`.
/// The inventory is pinned so a new purpose in the material is noticed.
#[test]
fn every_purpose_the_real_certificates_carry_is_named() {
    let mut seen = BTreeSet::new();
    for rc in realkz::certificates() {
        for oid in rc.cert.eku.iter().flatten() {
            seen.insert(oid.clone());
        }
    }
    let unnamed: Vec<_> = seen
        .iter()
        .filter(|o| purposes::purpose_of(o).is_none())
        .collect();
    assert!(unnamed.is_empty(), "unnamed purposes: {unnamed:?}");
    let expected: BTreeSet<String> = [
        "1.2.398.3.3.4.1.1",    // individual
        "1.2.398.3.3.4.1.2",    // organisation
        "1.2.398.3.3.4.1.2.1",  // head
        "1.2.398.3.3.4.1.2.2",  // may_sign
        "1.2.398.3.3.4.1.2.4",  // hr
        "1.2.398.3.3.4.1.2.5",  // employee
        "1.2.398.3.3.4.1.2.6",  // information_system (2022+)
        "1.2.398.5.19.1.2.2.1", // treasury_client (2022+)
        "1.3.6.1.5.5.7.3.2",    // client_auth (2004 AUTH_ keys)
        "1.3.6.1.5.5.7.3.4",    // email_protection
        "1.3.6.1.5.5.7.3.8",    // time_stamping (TSA)
        "1.3.6.1.5.5.7.3.9",    // ocsp_signing (OCSP responders)
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(seen, expected);
    // Every role has its meaning in the three languages.
    for k in purposes::PURPOSES.iter().chain(purposes::POLICIES) {
        assert!(
            !k.meaning.kk.is_empty() && !k.meaning.ru.is_empty() && !k.meaning.en.is_empty(),
            "{}",
            k.oid
        );
    }
}

/// The 2022+ roles as the NCA writes them: in ncanode-go's test set the file
/// called `treasury_client` is an information system's certificate
/// (CN `ИС "Тест"`, EKU `…4.1.2.6`, UID) and the one called `infosystem` is a
/// person's Treasury–Client certificate (EKU `1.2.398.5.19.1.2.2.1`, DC
/// `ROLE02`, businessCategory `KS1234`): the certificates, not the file
/// names, decide.
#[test]
fn the_2022_roles_and_subject_attributes_are_described() {
    let info = |rel: &str| {
        let bytes = std::fs::read(realkz::file(rel)).unwrap();
        let der = qoltanba::input::decode_der(&bytes, &["CERTIFICATE"]).unwrap();
        let c = Certificate::from_der(&der).unwrap();
        Value::clone(&qoltanba::pki::describe(&c))
    };
    let system =
        info("ncanode-go/internal__testdata__certs__legal__valid__treasury_client.p12certs.pem");
    assert_eq!(
        system["roles"],
        json!(["organisation", "information_system"])
    );
    assert_eq!(system["subject"]["uid"], "1.2.398.6.10.1.1");
    let named = system["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["oid"] == "1.2.398.3.3.4.1.2.6")
        .cloned()
        .unwrap();
    assert_eq!(named["name"], "information_system");
    assert_eq!(
        named["meaning"]["ru"],
        "Информационная система юридического лица"
    );

    let treasury =
        info("ncanode-go/internal__testdata__certs__legal__valid__infosystem.p12certs.pem");
    assert_eq!(
        treasury["roles"],
        json!(["organisation", "treasury_client"])
    );
    assert_eq!(treasury["subject"]["dc"], json!(["ROLE02"]));
    assert_eq!(treasury["subject"]["business_category"], "KS1234");
    let text = qoltanba::pki::describe_text(&treasury);
    assert!(text.contains("DC          [\"ROLE02\"]"), "{text}");
    assert!(text.contains("Category    KS1234"), "{text}");
    assert!(
        text.contains("Purposes    email_protection, organisation, treasury_client"),
        "{text}"
    );

    // A 2004-profile certificate with locality and region.
    let old = info("ncanode/derived/RSA256_8426360556902ce4ac33977836f873e1dc190976.certs.pem");
    assert_eq!(old["subject"]["l"], "АЛМАТЫ");
    assert_eq!(old["subject"]["st"], "АЛМАТЫ");
    assert_eq!(old["policies"][0]["name"], "individual_signing");
}

/// Nothing any real subject or issuer carries is dropped: every attribute
/// lands in a named field of `NameInfo`, none in `other`.
#[test]
fn every_name_attribute_of_the_real_certificates_has_a_field() {
    for rc in realkz::certificates() {
        let c = &rc.cert;
        assert!(
            c.subject.other.is_empty() && c.issuer.other.is_empty(),
            "{}: subject {:?} issuer {:?}",
            rc.names(),
            c.subject.other,
            c.issuer.other
        );
    }
}

/// A purpose no table knows is listed by its dotted form, never an error.
#[test]
fn an_unknown_purpose_is_listed_by_its_oid() {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut p = rcgen::CertificateParams::new(vec!["a.example.kz".into()]).unwrap();
    p.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::Other(vec![1, 2, 398, 3, 3, 4, 9, 9]),
        rcgen::ExtendedKeyUsagePurpose::EmailProtection,
    ];
    let c = Certificate::from_der(p.self_signed(&key).unwrap().der()).unwrap();
    let info = Value::clone(&qoltanba::pki::describe(&c));
    assert_eq!(
        info["purposes"],
        // The standard purposes first (as `cert` lists them), then the others.
        json!([
            { "oid": "1.3.6.1.5.5.7.3.4", "name": "email_protection", "meaning": {
                "kk": "Электрондық поштаны қорғау", "ru": "Защита электронной почты", "en": "E-mail protection" } },
            { "oid": "1.2.398.3.3.4.9.9", "name": null },
        ])
    );
    assert_eq!(info["roles"], json!([]));
}

// ---- sign versus authentication -------------------------------------------

/// Every real holder certificate against the key-purpose rule
/// (`profile::USAGE_RULES`), decided from the certificates themselves:
/// - policy `1.2.398.3.3.2.1`/`.3` (legal entity / individual signing, the
///   2004 profile; files `RSA256_…`, `GOSTKNCA_…`, `KEY_…SIGN…`): keyUsage
///   digitalSignature + nonRepudiation. A signing key: it signs and does not
///   authenticate.
/// - policy `1.2.398.3.3.2.2`/`.4` (authentication, files `AUTH_RSA256_…`,
///   EKU clientAuth): digitalSignature + keyEncipherment, no
///   nonRepudiation. It authenticates and must not sign: `KEY_USAGE_INVALID`.
/// - policy `1.2.398.3.3.2` alone (the 2022+ GOST 34.10-2015 certificates,
///   files `GOST512_…` and ncanode-go's set: one key per holder, no `AUTH_`
///   twin): digitalSignature + nonRepudiation + keyAgreement (a few
///   keyEncipherment). The NCA issues this one key to sign *and* to log in;
///   the old rule ("nonRepudiation means signing only") let it sign but
///   refused it for authentication. Now it does both (`sign_and_auth`).
/// - time-stamping and OCSP-signing certificates are not holders' keys and
///   are left out.
#[test]
fn every_real_signing_key_may_sign() {
    let (mut sign, mut auth, mut both) = (0, 0, 0);
    let mut wrong = Vec::new();
    for rc in realkz::certificates() {
        let c = &rc.cert;
        let service = ["1.3.6.1.5.5.7.3.8", "1.3.6.1.5.5.7.3.9"]
            .iter()
            .any(|o| c.has_eku(o));
        if c.is_ca() || service {
            continue;
        }
        let has = |p: &str| c.policies.iter().any(|o| o == p);
        let (want, may_sign, may_auth) = if has("1.2.398.3.3.2.1") || has("1.2.398.3.3.2.3") {
            sign += 1;
            (UsageProfile::Sign, true, false)
        } else if has("1.2.398.3.3.2.2") || has("1.2.398.3.3.2.4") {
            auth += 1;
            (UsageProfile::Auth, false, true)
        } else if has("1.2.398.3.3.2") {
            both += 1;
            (UsageProfile::SignAndAuth, true, true)
        } else {
            wrong.push(format!("{}: no NCA policy {:?}", rc.names(), c.policies));
            continue;
        };
        // The file names agree with the policies.
        let names = rc.names();
        if names.contains("AUTH_") {
            assert_eq!(want, UsageProfile::Auth, "{names}");
        } else if names.contains("GOST512_") {
            assert_eq!(want, UsageProfile::SignAndAuth, "{names}");
        } else if names.contains("RSA256_") || names.contains("GOSTKNCA_") {
            assert_eq!(want, UsageProfile::Sign, "{names}");
        }
        let got = profile::profile(c).usage;
        let signs = qoltanba::pki::key_usage_check(c, Usage::Sign)
            .code
            .is_none();
        let auths = qoltanba::pki::key_usage_check(c, Usage::Auth)
            .code
            .is_none();
        if (got, signs, auths) != (want, may_sign, may_auth) {
            wrong.push(format!(
                "{names}: {:?} → {got:?} sign {signs} auth {auths}, want {want:?} sign {may_sign} auth {may_auth}",
                c.key_usage.map(|k| k.names())
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(
        sign >= 10 && auth >= 5 && both >= 30,
        "{sign} {auth} {both}"
    );
}

// ---- the test-PKI trust profile -------------------------------------------

fn qoltanba(args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_qoltanba"))
        .args(args)
        .output()
        .expect("run qoltanba");
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v)
}

fn verify_cms(trust_flag: &str, iin: &str) -> (i32, Value) {
    let (cms, nca, crl) = (real(CMS_INDIVIDUAL), real(NCA_2022), real(CRL_2022));
    qoltanba(&[
        "verify",
        "--signature",
        &cms,
        trust_flag,
        &nca,
        "--crl",
        &crl,
        "--iin",
        iin,
        "--at",
        AT,
    ])
}

/// `qoltanba verify --test-trust`: the NCA's test signer passes condition 2
/// with its own IIN, and another IIN is a mismatch, not an invalid IIN.
#[test]
fn test_trust_compares_the_test_iins() {
    let (rc, v) = verify_cms("--test-trust", TEST_IIN);
    assert_eq!((rc, v["code"].as_str()), (0, Some("OK")), "{v:#}");
    let iin = check(&v, "iin");
    assert_eq!(iin["outcome"], "passed");
    assert_eq!(
        iin["detail"],
        json!({ "iin": TEST_IIN, "test_pki": true, "checksum": "not enforced (test PKI)" })
    );
    assert_eq!(v["policy"]["trust_profile"], "test");

    let text = Command::new(env!("CARGO_BIN_EXE_qoltanba"))
        .args([
            "verify",
            "--signature",
            &real(CMS_INDIVIDUAL),
            "--test-trust",
            &real(NCA_2022),
            "--no-revocation",
            "--iin",
            TEST_IIN,
            "--at",
            AT,
            "--format",
            "text",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("trust profile: test PKI (the IIN check digit is not enforced)"),
        "{text}"
    );

    let (rc, v) = verify_cms("--test-trust", OTHER_TEST_IIN);
    assert_eq!((rc, v["code"].as_str()), (1, Some("IIN_MISMATCH")));
    assert_eq!(
        check(&v, "iin")["detail"],
        json!({ "request_iin": OTHER_TEST_IIN, "certificate_iin": TEST_IIN, "test_pki": true, "checksum": "not enforced (test PKI)" })
    );
}

/// The same envelope under a production anchor: the test IIN is invalid,
/// whether it is the request's or only the certificate's.
#[test]
fn production_trust_keeps_the_check_digit() {
    let (rc, v) = verify_cms("--trust", TEST_IIN);
    assert_eq!((rc, v["code"].as_str()), (1, Some("IIN_INVALID")));
    assert_eq!(check(&v, "iin")["detail"]["which"], "request");
    assert_eq!(v["policy"]["trust_profile"], "production");
    // A request IIN with a right check digit: the certificate's is refused.
    let good = qoltanba::iin::complete("90010140001").unwrap();
    let (_, v) = verify_cms("--trust", &good);
    assert_eq!(v["code"], "IIN_INVALID");
    assert_eq!(
        check(&v, "iin")["detail"],
        json!({ "which": "certificate", "certificate_iin": TEST_IIN })
    );
}

fn store(prod: &[&str], test: &[&str]) -> TrustStore {
    let mut s = TrustStore::new("test");
    for f in prod {
        s.add_anchors(&std::fs::read(realkz::file(f)).unwrap(), f)
            .unwrap();
    }
    for f in test {
        s.add_test_anchors(&std::fs::read(realkz::file(f)).unwrap(), f)
            .unwrap();
    }
    s
}

/// Real 2022+ holder certificates one by one (`cert verify` with an IIN):
/// under the test anchor the right IIN passes, another is a mismatch, a
/// request that is not twelve digits is invalid; under the same anchor given
/// as production (alone, or also as test: production wins) the test IIN is
/// invalid.
#[test]
fn iin_check_under_each_trust_profile() {
    let at = qoltanba::time::parse_rfc3339(AT).unwrap();
    let cases = [
        (
            "ncanode-go/internal__testdata__certs__individual__valid__individual_valid.p12certs.pem",
            TEST_IIN,
        ),
        (
            "ncanode-go/internal__testdata__certs__legal__valid__head.p12certs.pem",
            TEST_IIN,
        ),
        (
            "ncanode-go/internal__testdata__certs__legal__valid__employee.p12certs.pem",
            OTHER_TEST_IIN,
        ),
    ];
    let test = store(&[], &[NCA_2022]);
    let prod = store(&[NCA_2022], &[]);
    let both = store(&[NCA_2022], &[NCA_2022]);
    assert_eq!(test.test_anchor_count(), 1);
    assert_eq!(both.test_anchor_count(), 0, "production wins");
    let run = |s: &TrustStore, file: &str, iin: &str| {
        let policy = Policy {
            usage: Usage::Sign,
            no_revocation: true,
            iin: Some(iin.to_string()),
            ..Policy::default()
        };
        let bytes = std::fs::read(realkz::file(file)).unwrap();
        let v = qoltanba::pki::verify_certificate(
            &bytes,
            s,
            &Extra::default(),
            &RevocationStore::default(),
            at,
            &policy,
        );
        serde_json::to_value(&v).unwrap()
    };
    for (file, own) in cases {
        let other = if own == TEST_IIN {
            OTHER_TEST_IIN
        } else {
            TEST_IIN
        };
        let v = run(&test, file, own);
        assert_eq!(v["code"], "OK", "{file}: {v:#}");
        assert_eq!(v["policy"]["trust_profile"], "test");
        assert_eq!(check(&v, "iin")["detail"]["test_pki"], true);
        assert_eq!(run(&test, file, other)["code"], "IIN_MISMATCH", "{file}");
        assert_eq!(run(&test, file, "12345678901")["code"], "IIN_INVALID");
        assert_eq!(run(&test, file, "12345678901x")["code"], "IIN_INVALID");
        for production in [&prod, &both] {
            let v = run(production, file, own);
            assert_eq!(v["code"], "IIN_INVALID", "{file}");
            assert_eq!(v["policy"]["trust_profile"], "production");
        }
    }
}

/// The 2015 single key authenticates too: `cert verify --usage auth` passes
/// for it, and fails for a 2004 signing-only key.
#[test]
fn the_single_2015_key_authenticates() {
    let usage = |file: &str, usage: &str| {
        let (cert, nca) = (real(file), real(NCA_2022));
        qoltanba(&[
            "cert",
            "verify",
            "--cert",
            &cert,
            "--usage",
            usage,
            "--trust",
            &nca,
            "--no-revocation",
            "--at",
            AT,
        ])
        .1
    };
    let single =
        "ncanode-go/internal__testdata__certs__individual__valid__individual_valid.p12certs.pem";
    assert_eq!(usage(single, "auth")["code"], "OK");
    assert_eq!(usage(single, "sign")["code"], "OK");
    let v = usage(single, "auth");
    assert_eq!(check(&v, "key_usage")["detail"]["profile"], "sign_and_auth");
}

/// The service: `test_trust_dir` (QOLTANBA_TEST_TRUST_DIR) marks its anchors
/// as test PKI; the same folder as `trust_dir` is production.
#[tokio::test]
async fn the_service_reads_a_test_trust_folder() {
    use base64::Engine;

    // The NCA's test root and intermediate, copied into a scratch folder for
    // the service to load (never into the repository).
    let folder = tempfile::tempdir().unwrap();
    for f in [ROOT_2022, NCA_2022] {
        let name = Path::new(f).file_name().unwrap();
        std::fs::copy(realkz::file(f), folder.path().join(name)).unwrap();
    }
    let body = json!({
        "signature": base64::engine::general_purpose::STANDARD
            .encode(std::fs::read(realkz::file(CMS_INDIVIDUAL)).unwrap()),
        "iin": TEST_IIN,
        "at": AT,
        "no_revocation": true,
    });
    let empty = tempfile::tempdir().unwrap();
    let mut verdicts = Vec::new();
    for test in [true, false] {
        let app = App::with(|config| {
            config.crl_refresh_seconds = qoltanba::config::Config::default().crl_refresh_seconds;
            config.trust_dir = Some(if test {
                empty.path().to_path_buf()
            } else {
                folder.path().to_path_buf()
            });
            config.test_trust_dir = test.then(|| folder.path().to_path_buf());
        })
        .await;
        assert_eq!(app.state.trust().test_anchor_count(), usize::from(test));
        let portal = qoltanba::store::keys::Role::Portal;
        let token = app.key_named("portal", portal, qoltanba::time::now()).await;
        let (_, verdict) = app.post_json("/v1/verify", &token, body.clone()).await;
        verdicts.push(verdict);
    }
    assert_eq!(verdicts[0]["code"], "OK", "{:#}", verdicts[0]);
    assert_eq!(verdicts[0]["policy"]["trust_profile"], "test");
    assert_eq!(verdicts[1]["code"], "IIN_INVALID", "{:#}", verdicts[1]);
    assert_eq!(verdicts[1]["policy"]["trust_profile"], "production");
}

/// A vectors manifest's `test_trust` does what `--test-trust` does.
#[test]
fn a_manifest_may_name_test_trust_anchors() {
    let dir = tempfile::tempdir().unwrap();
    let vector = |id: &str, trust_field: &str, code: &str| -> qoltanba::vectors::Vector {
        serde_json::from_value(json!({
            "id": id,
            "kind": "envelope",
            "input": real(CMS_INDIVIDUAL),
            "iin": TEST_IIN,
            "at": AT,
            "revocation": "none",
            trust_field: [real(NCA_2022)],
            "expect": { "indication": if code == "OK" { "PASSED" } else { "FAILED" }, "code": code },
        }))
        .unwrap()
    };
    let defaults = qoltanba::vectors::Inputs::default();
    for v in [
        vector("test-anchor", "test_trust", "OK"),
        vector("production-anchor", "trust", "IIN_INVALID"),
    ] {
        let out = qoltanba::vectors::run_vector(dir.path(), &defaults, &v);
        assert!(out.passed, "{}: {:?}", v.id, out.actual);
    }
}
