//! Signing, judged by OpenSSL and by qoltanba's own verifier: CAdES-BES
//! attached and detached (RSA, ECDSA), co-signatures, counter-signatures,
//! and two-phase signing with `openssl pkeyutl` standing in for the device.

mod common;
use common::{pem_der, repo};

use qoltanba::envelope::{self, VerifyRequest, sign, twophase};
use qoltanba::pki::signer::{RingSigner, Signer};
use qoltanba::pki::{Policy, TrustStore};
use std::path::{Path, PathBuf};
use std::process::Command;

const AT: i64 = 1_780_272_000; // 2026-06-01

struct Who {
    cert: Vec<u8>,
    key: RingSigner,
    chain: Vec<Vec<u8>>,
    key_file: PathBuf,
}

fn who(name: &str, ca: &str) -> Who {
    let pkcs8 = pem_der(&format!("certs/people/{name}.key.pem"));
    Who {
        cert: pem_der(&format!("certs/people/{name}.pem")),
        key: RingSigner::from_pkcs8(&pkcs8, None, false).unwrap(),
        chain: vec![pem_der(&format!("certs/trust/{ca}.pem"))],
        key_file: repo(&format!("certs/people/{name}.key.pem")),
    }
}

impl Who {
    /// A CAdES-BES envelope over `data` at `AT`, attached or detached.
    fn sign(&self, data: &[u8], attached: bool) -> Result<Vec<u8>, sign::SignEnvelopeError> {
        sign::sign(data, attached, &self.key, &self.cert, &self.chain, AT)
    }

    /// `env` with this person as one more signer (`data` when detached).
    fn add_to(&self, env: &[u8], data: Option<&[u8]>) -> Result<Vec<u8>, sign::SignEnvelopeError> {
        sign::add_signer(env, data, &self.key, &self.cert, &self.chain, AT)
    }

    /// `env` with this person's counter-signature over signer `index` (1-based).
    fn counter(&self, env: &[u8], index: usize) -> Result<Vec<u8>, sign::SignEnvelopeError> {
        sign::counter_sign(env, index, &self.key, &self.cert, &self.chain, AT)
    }
}

fn store() -> TrustStore {
    TrustStore::from_dir(&repo("certs/trust")).unwrap()
}

fn verify(env: &[u8], data: Option<&[u8]>) -> qoltanba::verdict::Verdict {
    let req = VerifyRequest {
        envelope: env,
        data,
        at: AT,
        policy: Policy::default(),
        ..Default::default()
    };
    envelope::verify(&req, &store())
}

/// `openssl cms -verify` with the demo root as the only trust anchor; returns the content.
fn openssl_verify(env: &[u8], data: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let dir = tempfile::tempdir().unwrap();
    let e = dir.path().join("e.der");
    std::fs::write(&e, env).unwrap();
    let out = dir.path().join("out");
    let mut cmd = Command::new("openssl");
    cmd.args([
        "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any", "-in",
    ])
    .arg(&e);
    cmd.arg("-CAfile")
        .arg(repo("certs/trust/root-ca.pem"))
        .arg("-out")
        .arg(&out);
    cmd.args(["-attime", &AT.to_string()]);
    if let Some(d) = data {
        let f = dir.path().join("data");
        std::fs::write(&f, d).unwrap();
        cmd.arg("-content").arg(f);
    }
    let o = cmd
        .output()
        .expect("openssl is installed (scripts/test installs it)");
    if o.status.success() {
        Ok(std::fs::read(out).unwrap())
    } else {
        Err(String::from_utf8_lossy(&o.stderr).into_owned())
    }
}

/// The code `twophase::finish` refuses `value` for `prepared` with.
fn refused(prepared: &twophase::Prepared, value: &[u8], secret: &[u8]) -> &'static str {
    twophase::finish(prepared, value, AT + 10, secret)
        .unwrap_err()
        .code()
}

const DATA: &[u8] = br#"{"service":"housing-queue","iin":"880101300123"}"#;

#[test]
fn cades_attached_and_detached_rsa_and_ec() {
    for (name, ca) in [("citizen-rsa", "nca-rsa"), ("citizen-ec", "nca-ec")] {
        let w = who(name, ca);
        for attached in [true, false] {
            let env = sign::sign(DATA, attached, &w.key, &w.cert, &w.chain, AT - 100).unwrap();
            let data = (!attached).then_some(DATA);
            assert_eq!(
                openssl_verify(&env, data).as_deref(),
                Ok(DATA),
                "{name} attached={attached}"
            );
            let v = verify(&env, data);
            assert_eq!(v.code.as_str(), "OK", "{name}: {}", v.summary());
            // CAdES-BES: signing-time and ESS signing-certificate-v2 are present and checked.
            let attrs = v.signed_attributes.clone().unwrap();
            assert!(
                attrs.contains(&"1.2.840.113549.1.9.5".to_string())
                    && attrs.contains(&"1.2.840.113549.1.9.16.2.47".to_string()),
                "{attrs:?}"
            );
            let sig = v.checks.iter().find(|c| c.name == "signature").unwrap();
            assert!(
                sig.detail["signing_certificate_attribute"]
                    .as_str()
                    .unwrap()
                    .contains("matches")
            );
            assert_eq!(
                v.signing_time.as_deref(),
                Some(qoltanba::time::rfc3339(AT - 100).as_str())
            );
            // The whole chain is embedded: it verifies with the root alone.
            let mut lone = TrustStore::new("root only");
            lone.add_anchors(
                &std::fs::read(repo("certs/trust/root-ca.pem")).unwrap(),
                "root",
            )
            .unwrap();
            let req = VerifyRequest {
                envelope: &env,
                data,
                at: AT,
                policy: Policy {
                    no_revocation: true,
                    ..Policy::default()
                },
                ..Default::default()
            };
            assert_eq!(envelope::verify(&req, &lone).code.as_str(), "OK");
        }
    }
}

#[test]
fn output_formats() {
    let w = who("citizen-rsa", "nca-rsa");
    let der = w.sign(DATA, true).unwrap();
    for f in [
        sign::OutputFormat::Der,
        sign::OutputFormat::Pem,
        sign::OutputFormat::Base64,
    ] {
        let out = sign::encode_output(&der, f);
        assert_eq!(verify(&out, None).code.as_str(), "OK", "{f:?}");
    }
}

#[test]
fn co_signature_and_counter_signature() {
    let citizen = who("citizen-rsa", "nca-rsa");
    let employee = who("employee", "nca-rsa");
    let head = who("head", "nca-rsa");
    let one = citizen.sign(DATA, true).unwrap();
    let two = employee.add_to(&one, None).unwrap();
    assert_eq!(openssl_verify(&two, None).as_deref(), Ok(DATA));
    let v = verify(&two, None);
    assert_eq!(v.code.as_str(), "OK", "{}", v.summary());
    assert_eq!(v.signers.len(), 2);
    // Detached co-signature needs the data.
    let d1 = citizen.sign(DATA, false).unwrap();
    assert!(matches!(
        employee.add_to(&d1, None),
        Err(sign::SignEnvelopeError::ContentMissing)
    ));
    let d2 = employee.add_to(&d1, Some(DATA)).unwrap();
    assert_eq!(openssl_verify(&d2, Some(DATA)).as_deref(), Ok(DATA));
    // Counter-signature by the head over the citizen's signature.
    let c = head.counter(&one, 1).unwrap();
    assert_eq!(openssl_verify(&c, None).as_deref(), Ok(DATA));
    let v = verify(&c, None);
    assert_eq!(v.code.as_str(), "OK", "{}", v.summary());
    assert_eq!(v.signers.len(), 2);
    assert_eq!(
        v.signers[1].role,
        Some(serde_json::json!({ "countersignature_of": 1 }))
    );
    assert_eq!(
        v.signers[1].signer.as_ref().unwrap()["iin"],
        v.signers[1].signer.as_ref().unwrap()["iin"]
    );
    // A counter-signature made by a revoked signer makes the envelope fail.
    let revoked = who("revoked", "nca-rsa");
    let bad = revoked.counter(&one, 1).unwrap();
    assert_eq!(verify(&bad, None).code.as_str(), "CERT_REVOKED");
    assert!(matches!(
        head.counter(&one, 2),
        Err(sign::SignEnvelopeError::NoSuchSigner(2))
    ));
}

#[test]
fn iin_belongs_to_one_of_several_signers() {
    let citizen = who("citizen-rsa", "nca-rsa");
    let employee = who("employee", "nca-rsa");
    let one = citizen.sign(DATA, true).unwrap();
    let two = employee.add_to(&one, None).unwrap();
    let req = VerifyRequest {
        envelope: &two,
        data: None,
        at: AT,
        policy: Policy {
            iin: Some("880101300123".into()),
            ..Policy::default()
        },
        ..Default::default()
    };
    let v = envelope::verify(&req, &store());
    assert_eq!(v.code.as_str(), "OK", "{}", v.summary());
    let req = VerifyRequest {
        policy: Policy {
            iin: Some("900101400013".into()),
            ..Policy::default()
        },
        ..req
    };
    assert_eq!(
        envelope::verify(&req, &store()).code.as_str(),
        "IIN_MISMATCH"
    );
}

fn pkeyutl(key: &Path, data: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("tbs");
    std::fs::write(&input, data).unwrap();
    let out = dir.path().join("sig");
    let o = Command::new("openssl")
        .args(["pkeyutl", "-sign", "-rawin", "-digest", "sha256", "-inkey"])
        .arg(key)
        .arg("-in")
        .arg(&input)
        .arg("-out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read(out).unwrap()
}

#[test]
fn two_phase_with_an_external_device() {
    use base64::Engine;
    let secret = [7u8; 32];
    for (name, ca, attached) in [
        ("citizen-rsa", "nca-rsa", false),
        ("citizen-ec", "nca-ec", true),
    ] {
        let w = who(name, ca);
        let p = twophase::prepare(DATA, attached, &w.cert, &w.chain, AT, 600, &secret).unwrap();
        assert_eq!(p.digest_algorithm, "sha256");
        let tbs = base64::engine::general_purpose::STANDARD
            .decode(&p.data_to_sign)
            .unwrap();
        let digest = base64::engine::general_purpose::STANDARD
            .decode(&p.digest)
            .unwrap();
        assert_eq!(
            ring::digest::digest(&ring::digest::SHA256, &tbs).as_ref(),
            digest.as_slice()
        );
        let value = pkeyutl(&w.key_file, &tbs);
        let env = twophase::finish(&p, &value, AT + 10, &secret).unwrap();
        let data = (!attached).then_some(DATA);
        assert_eq!(openssl_verify(&env, data).as_deref(), Ok(DATA), "{name}");
        assert_eq!(verify(&env, data).code.as_str(), "OK", "{name}");
        // A value from another key.
        let other = who("citizen2-rsa", "nca-rsa");
        let wrong = pkeyutl(&other.key_file, &tbs);
        assert_eq!(refused(&p, &wrong, &secret), "SIGNATURE_VALUE_INVALID");
        // Altered, or made with another secret.
        let mut altered = p.clone();
        altered.expires_at += 3600;
        assert_eq!(refused(&altered, &value, &secret), "PREPARED_INVALID");
        let mut swapped = p.clone();
        swapped.certificate = base64::engine::general_purpose::STANDARD.encode(&other.cert);
        assert_eq!(refused(&swapped, &value, &secret), "PREPARED_INVALID");
        assert_eq!(refused(&p, &value, &[8u8; 32]), "PREPARED_INVALID");
        // Expired.
        assert_eq!(
            twophase::finish(&p, &value, AT + 601, &secret)
                .unwrap_err()
                .code(),
            "PREPARED_EXPIRED"
        );
    }
}

#[test]
fn signer_trait_matches_certificate() {
    let w = who("citizen-ec", "nca-ec");
    let c = qoltanba::pki::cert::Certificate::from_der(&w.cert).unwrap();
    assert_eq!(w.key.public_key_spki(), c.spki);
}

#[test]
fn pre_encoded_identity_gives_the_same_bytes_as_the_cms_types() {
    // RSA PKCS#1 v1.5 is deterministic: both paths must agree byte for byte,
    // attached and detached, with the issuer in the chain or not, before
    // 2050 (UTCTime) and after (GeneralizedTime), and for several inputs.
    let w = who("citizen-rsa", "nca-rsa");
    let root = pem_der("certs/trust/root-ca.pem");
    for chain in [
        w.chain.clone(),
        vec![],
        vec![w.chain[0].clone(), root.clone(), w.cert.clone()],
    ] {
        for attached in [false, true] {
            for t in [1_780_272_000, 2_600_000_000] {
                for data in [&b""[..], b"{\"iin\":\"880101300123\"}", &[0xAB; 70_000][..]] {
                    let fast = sign::sign(data, attached, &w.key, &w.cert, &chain, t).unwrap();
                    let slow = sign::sign_slow(data, attached, &w.key, &w.cert, &chain, t).unwrap();
                    assert_eq!(
                        fast,
                        slow,
                        "attached {attached}, time {t}, {} bytes",
                        data.len()
                    );
                }
            }
        }
    }
    // ECDSA values differ each time; the envelope verifies and openssl agrees.
    let w = who("citizen-ec", "nca-ec");
    let data = b"{\"iin\":\"880101300123\"}";
    let env = sign::sign(
        data,
        false,
        &w.key,
        &w.cert,
        &w.chain,
        qoltanba::time::now(),
    )
    .unwrap();
    assert_eq!(verify(&env, Some(data)).code.as_str(), "OK");
    openssl_verify(&env, Some(data)).unwrap();
}
