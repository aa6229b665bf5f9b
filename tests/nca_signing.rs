//! Signing with the national CA's own GOST keys (`../shared/realkz`, read in
//! place): CAdES, PAdES and XMLDSig made by `sign`, `pdf sign` and
//! `xml sign` verify in full in qoltanba under the NCA test PKI
//! (`--test-trust`, its CA's CRL, a time inside both windows); PyPI's
//! `gostcrypto` accepts every GOST signature made here on the raw equation
//! (the CMS signers', the PDF's, and the certificates and CRLs of the demo
//! GOST PKI); a Kalkan-made CMS of the same test key has the same structure;
//! two-phase signing finishes with a raw GOST value.
//!
//! The NCA GOST 2022 test CA is the anchor (no CRL of its root is
//! published), its current CRL (2026-08-11 … 2027-02-07) decides the
//! signers' status, and every signature is made and checked at 2026-09-01;
//! for GOST 34.310-2004 the CA "ҰКО 3.0 (GOST TEST)" and its 2022 CRL
//! (2022-03-29 … 2022-09-25) at 2022-06-01.

mod common;

use base64::Engine;
use common::gost_judge::{case, judge};
use common::nca_test_pki::{AT_2022, CA_2022, CRL_2022, HEAD_P12 as HEAD};
use common::pdf_demo::LOCAL_URL;
use common::{Run, epoch, qoltanba, read_realkz, realkz};
use qoltanba::envelope::parse;
use qoltanba::keys::{self, LoadedKey};
use qoltanba::pdf::SignOptions;
use qoltanba::pki::algorithms::{self, Scheme};
use qoltanba::pki::cert::Certificate;
use qoltanba::pki::signer::Signer;
use serde_json::{Value, json};
use std::path::Path;

const CA_2004: &str = "gokalkan/internal__testdata__test__ca__nca_gost_test.crt";
const CRL_2004: &str = "ncanode/resources/nca_gost_test.crl";
const AT_2004: &str = "2022-06-01T00:00:00Z";

/// GOST 34.10-2015/512: an individual (the signer of skarm-kalkan's
/// `individual_*.der`) and a legal entity's head (of `legal_entity_*.der`).
const INDIVIDUAL: &str =
    "ncanode-go/internal__testdata__certs__individual__valid__individual_valid.p12";
/// GOST 34.310-2004: a legal entity's key of 2022-01-18 … 2023-01-18 (gokalkan).
const GOST2004: &str = "gokalkan/internal__testdata__test__certs__gost1.p12";
/// GOST 34.310-2004: the signer of danikarik-ncanode-go's GOSTKNCA
/// envelopes (expired 2021-01-27: compared, not verified).
const GOST2004_KALKAN: &str = "danikarik-ncanode-go/testdata__organization__active__GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.p12";

fn p(rel: &str) -> String {
    realkz(rel).display().to_string()
}

fn key(rel: &str) -> LoadedKey {
    keys::open_p12(&read_realkz(rel), "Qwerty12").unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The anchor, CRL and time of a key's PKI.
fn pki_of(rel: &str) -> (&'static str, &'static str, &'static str) {
    if rel == GOST2004 {
        (CA_2004, CRL_2004, AT_2004)
    } else {
        (CA_2022, CRL_2022, AT_2022)
    }
}

fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_qoltanba"))
        .args(args)
        .envs(env.iter().copied())
        .env("QOLTANBA_TRUST_DIR", "/nonexistent-trust-dir")
        .output()
        .expect("runs");
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

// ---------------------------------------------------------------------------
// The CLI signs, qoltanba verifies in full
// ---------------------------------------------------------------------------

/// `sign --p12` and `keys import` + `sign --key-id` with each kind of GOST
/// key; `verify` under the test PKI says OK with the holder's test IIN
/// (check digit not enforced) and IIN_MISMATCH with another.
#[test]
fn cades_made_with_real_gost_keys_verifies_in_full() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("request.json");
    std::fs::write(&data, br#"{"iin":"123456789011","service":"housing"}"#).expect("data");
    let data_s = data.display().to_string();
    for file in [INDIVIDUAL, HEAD, GOST2004] {
        let (ca, crl, at) = pki_of(file);
        let env_dir = dir.path().join("data");
        let env = [
            ("PW", "Qwerty12"),
            ("QOLTANBA_DATA_DIR", env_dir.to_str().expect("utf-8")),
        ];
        let (status, out) = run(
            &[
                "keys",
                "import",
                "--p12",
                &p(file),
                "--id",
                "officer",
                "--password-env",
                "PW",
                "--replace",
            ],
            &env,
        );
        assert_eq!(status, 0, "{file}: {out}");
        for (n, source) in [["--p12", &p(file)], ["--key-id", "officer"]]
            .iter()
            .enumerate()
        {
            let out_file = dir.path().join(format!("sig{n}.p7s"));
            let out_s = out_file.display().to_string();
            let mut args = vec![
                "sign", source[0], source[1], "--data", &data_s, "--out", &out_s,
            ];
            if n == 0 {
                args.extend(["--password-env", "PW"]);
            }
            let (ca_p, crl_p) = (p(ca), p(crl));
            args.extend(["--test-trust", &ca_p, "--signer-crl", &crl_p, "--time", at]);
            let (status, out) = run(&args, &env);
            assert_eq!(status, 0, "{file} {source:?}: {out}");
            for (iin, want) in [("123456789011", "OK"), ("123456789012", "IIN_MISMATCH")] {
                let r = qoltanba(&[
                    "verify",
                    "--signature",
                    &out_s,
                    "--data",
                    &data_s,
                    "--test-trust",
                    &ca_p,
                    "--crl",
                    &crl_p,
                    "--at",
                    at,
                    "--iin",
                    iin,
                    "--format",
                    "json",
                ]);
                assert_eq!(
                    r.json["code"], want,
                    "{file} {source:?} {iin}: {}",
                    r.output
                );
                assert_eq!(r.json["policy"]["trust_profile"], "test");
            }
        }
    }
}

/// `pdf sign` and `xml sign` with the legal entity's head's GOST 2015 key:
/// `pdf verify` and `xml verify` say OK under the test PKI.
#[test]
fn pades_and_xmldsig_made_with_a_real_gost_key_verify() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ca, crl) = (p(CA_2022), p(CRL_2022));
    let env = [("PW", "Qwerty12")];
    let unsigned = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/pdfs/unsigned.pdf");
    let pdf = dir.path().join("signed.pdf").display().to_string();
    let xml_in = dir.path().join("request.xml");
    std::fs::write(
        &xml_in,
        "<request><iin>123456789011</iin><note>Өтініш</note></request>",
    )
    .expect("xml");
    let xml = dir.path().join("signed.xml").display().to_string();
    // (format, input, output, signing options, verifying options)
    let formats = [
        (
            "pdf",
            &unsigned,
            &pdf,
            &["--stamp", "--crl", &crl][..],
            &[][..],
        ),
        (
            "xml",
            &xml_in,
            &xml,
            &["--signer-crl", &crl],
            &["--iin", "123456789011"],
        ),
    ];
    for (format, input, output, sign_options, verify_options) in formats {
        let input = input.to_str().expect("utf-8");
        let sign = [
            format,
            "sign",
            "--in",
            input,
            "--out",
            output,
            "--p12",
            &p(HEAD),
        ];
        let key = [
            "--password-env",
            "PW",
            "--test-trust",
            &ca,
            "--time",
            AT_2022,
        ];
        let (status, out) = run(&[&sign[..], &key, sign_options].concat(), &env);
        assert_eq!(status, 0, "{format}: {out}");
        let verify = [format, "verify", output, "--test-trust", &ca, "--crl", &crl];
        let at = ["--at", AT_2022, "--format", "json"];
        let r = qoltanba(&[&verify[..], &at, verify_options].concat());
        assert_eq!(r.json["code"], "OK", "{format}: {}", r.output);
    }
    // After the CRL's nextUpdate (the certificate still in force) the
    // signer check refuses to sign: nothing says it is not revoked.
    let (status, out) = run(
        &[
            "sign",
            "--p12",
            &p(HEAD),
            "--password-env",
            "PW",
            "--data",
            &xml,
            "--out",
            &pdf,
            "--test-trust",
            &ca,
            "--signer-crl",
            &crl,
            "--time",
            "2027-03-01T00:00:00Z",
        ],
        &env,
    );
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("KEY_CERT_INVALID"), "{out}");
}

// ---------------------------------------------------------------------------
// The same structure as Kalkan's CMS
// ---------------------------------------------------------------------------

/// What a CMS signer is made of, as compared here.
#[derive(Debug, PartialEq, Eq)]
struct Shape {
    content_type: String,
    digest_alg: String,
    sig_alg: String,
    sig_len: usize,
    signed: Vec<String>,
    unsigned: Vec<String>,
    signing_time_utc: bool,
    /// signingCertificateV2: (hash algorithm, SHA-256 of the signer cert, issuerSerial present)
    ess: Option<(String, bool, bool)>,
}

fn alg(a: &spki::AlgorithmIdentifierOwned) -> String {
    let params = match &a.parameters {
        None => "absent".to_string(),
        Some(p) if der::Tagged::tag(p) == der::Tag::Null => "NULL".to_string(),
        Some(_) => "parameters".to_string(),
    };
    format!("{} ({params})", a.oid)
}

fn shape(cms: &[u8]) -> Shape {
    let env = parse::parse(cms).expect("CMS parses");
    assert_eq!(env.signers.len(), 1);
    let s = &env.signers[0];
    let cert = Certificate::from_der(&env.certs[0]).expect("signer certificate first");
    let attr = |suffix: &str| s.signed_attrs.iter().find(|a| a.oid.to_string() == suffix);
    let ess = attr("1.2.840.113549.1.9.16.2.47").map(|a| {
        // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
        // ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash, issuerSerial OPTIONAL }
        let top = qoltanba::asn1::single(&a.values[0]).expect("SigningCertificateV2");
        let certs = qoltanba::asn1::Walker::new(top.value)
            .expect("certs")
            .next_tlv()
            .expect("certs");
        let id = qoltanba::asn1::Walker::new(certs.value)
            .expect("ids")
            .next_tlv()
            .expect("id");
        let mut w = qoltanba::asn1::Walker::new(id.value).expect("ESSCertIDv2");
        let mut hash_alg = "sha256 (default)".to_string();
        let mut t = w.next_tlv().expect("field");
        if t.tag == der::Tag::Sequence {
            hash_alg = format!("{:?}", t.value);
            t = w.next_tlv().expect("certHash");
        }
        let sha = t.value == qoltanba::pki::cert::sha256(&cert.der);
        (hash_alg, sha, !w.is_empty())
    });
    Shape {
        content_type: env.content_type.to_string(),
        digest_alg: alg(&s.digest_alg),
        sig_alg: alg(&s.sig_alg),
        sig_len: s.signature.len(),
        signed: s.signed_attrs.iter().map(|a| a.oid.to_string()).collect(),
        unsigned: s.unsigned_attrs.iter().map(|a| a.oid.to_string()).collect(),
        signing_time_utc: attr("1.2.840.113549.1.9.5").is_some_and(|a| a.values[0][0] == 0x17),
        ess,
    }
}

const CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
const MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
const SIGNING_TIME: &str = "1.2.840.113549.1.9.5";
const SIGNING_CERT_V2: &str = "1.2.840.113549.1.9.16.2.47";
const TIME_STAMP: &str = "1.2.840.113549.1.9.16.2.14";

/// Ours beside Kalkan's, signed by the same test key. The same: content
/// type id-data; digestAlgorithm and signatureAlgorithm OIDs, both with NULL
/// parameters (GOST 34.11-2015-512 1.2.398.3.10.1.3.3 and
/// 1.2.398.3.10.1.1.2.3.2; GOST 34.311-95 1.2.398.3.10.1.3.1 and
/// 1.2.398.3.10.1.1.1.2); the signature's length; the signed attributes
/// (contentType, signingTime as UTCTime, messageDigest,
/// signingCertificateV2 with the default SHA-256 over the signer's
/// certificate), each set in DER order. The differences, and why:
/// - our ESSCertIDv2 also carries issuerSerial (RFC 5035 makes it optional;
///   it names the certificate by issuer and serial too, as EN 319 122 and
///   pyHanko read it), so our attribute is longer and DER order puts it
///   after messageDigest, where Kalkan's (shorter) comes before;
/// - Kalkan's 2026 envelopes carry a signature time-stamp (CAdES-T, an
///   unsigned attribute): ours get one with `sign --tsa URL` only;
/// - Kalkan's 2020 GOST 34.310-2004 envelopes have no signingCertificateV2
///   at all; ours always do (CAdES-BES requires it);
/// - Kalkan of 2018 (skarm-kalkan's `test_CMS_GOST.p7s`) wrote the key OID
///   1.2.398.3.10.1.1.1.1 as the signatureAlgorithm of a 2004 key; ours
///   writes the signature OID, as Kalkan's later envelopes do (our verifier
///   reads both).
#[test]
fn our_cms_has_the_structure_of_kalkans() {
    let at = epoch(AT_2022);
    for (file, kalkan) in [
        (
            INDIVIDUAL,
            "skarm-kalkan/testdata__cms__individual_detached.der",
        ),
        (
            HEAD,
            "skarm-kalkan/testdata__cms__legal_entity_detached.der",
        ),
        (
            GOST2004_KALKAN,
            "danikarik-ncanode-go/testdata__organization__active__GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.p7s",
        ),
    ] {
        let k = key(file);
        let theirs = shape(&read_realkz(kalkan));
        let env = qoltanba::envelope::sign::sign(b"data", false, &k, &k.cert_der, &k.chain_der, at)
            .expect("signs");
        let ours = shape(&env);
        assert_eq!(ours.content_type, theirs.content_type, "{kalkan}");
        assert_eq!(ours.digest_alg, theirs.digest_alg, "{kalkan}");
        assert_eq!(ours.sig_alg, theirs.sig_alg, "{kalkan}");
        assert_eq!(ours.sig_len, theirs.sig_len, "{kalkan}");
        assert!(ours.signing_time_utc && theirs.signing_time_utc, "{kalkan}");
        assert_eq!(
            ours.signed,
            [CONTENT_TYPE, SIGNING_TIME, MESSAGE_DIGEST, SIGNING_CERT_V2],
            "{kalkan}"
        );
        assert!(ours.unsigned.is_empty());
        assert_eq!(
            ours.ess,
            Some(("sha256 (default)".into(), true, true)),
            "{kalkan}"
        );
        if file == GOST2004_KALKAN {
            assert_eq!(
                theirs.signed,
                [CONTENT_TYPE, SIGNING_TIME, MESSAGE_DIGEST],
                "{kalkan}"
            );
            assert_eq!(theirs.ess, None);
            assert!(theirs.unsigned.is_empty());
        } else {
            assert_eq!(
                theirs.signed,
                [CONTENT_TYPE, SIGNING_TIME, SIGNING_CERT_V2, MESSAGE_DIGEST],
                "{kalkan}"
            );
            assert_eq!(
                theirs.ess,
                Some(("sha256 (default)".into(), true, false)),
                "{kalkan}"
            );
            assert_eq!(theirs.unsigned, [TIME_STAMP], "{kalkan}");
        }
    }
    let old = shape(&read_realkz(
        "skarm-kalkan/testdata__examples__test_CMS_GOST.p7s",
    ));
    assert_eq!(old.sig_alg, "1.2.398.3.10.1.1.1.1 (NULL)");
    assert_eq!(old.digest_alg, "1.2.398.3.10.1.3.1 (NULL)");
}

// ---------------------------------------------------------------------------
// gostcrypto on the raw equation
// ---------------------------------------------------------------------------

/// PAdES options for `key`'s certificate, signed by `signer`, no stamp.
fn pdf_options<'a>(
    signer: &'a dyn Signer,
    key: &'a LoadedKey,
    at: i64,
) -> qoltanba::pdf::sign::SignOptions<'a> {
    let (cert, chain) = (&key.cert_der, &key.chain_der);
    SignOptions {
        reason: Some("approved".into()),
        ..SignOptions::new(signer, cert, chain, at, LOCAL_URL)
    }
}

/// The CMS inside a signed PDF's `/Contents`.
fn pdf_cms(pdf: &[u8], byte_range: [u64; 4]) -> Vec<u8> {
    let (a, b) = (byte_range[1] as usize, byte_range[2] as usize);
    let hex = std::str::from_utf8(&pdf[a + 1..b - 1]).expect("hex");
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect();
    let len = qoltanba::asn1::Walker::new(&bytes)
        .expect("DER")
        .next_tlv()
        .expect("CMS")
        .raw
        .len();
    bytes[..len].to_vec()
}

/// The judge case of each signer of an envelope: its signature over its
/// signed attributes, with its certificate's key.
fn signer_cases(what: &str, cms: &[u8], out: &mut Vec<(String, Value)>) {
    let env = parse::parse(cms).expect("CMS parses");
    for s in &env.signers {
        let cert = Certificate::from_der(&env.certs[0]).expect("certificate");
        let key = cert.key.clone().expect("key");
        let scheme = algorithms::scheme_for(&s.sig_alg, None).expect("scheme");
        let attrs = s.signed_attrs_der.as_ref().expect("signed attributes");
        algorithms::verify(scheme, &key, attrs, &s.signature).expect("ours verifies");
        out.push((what.to_string(), case(scheme, &key, attrs, &s.signature)));
    }
}

/// Every GOST signature made here: CAdES and PAdES signers with the real
/// 2015/512 and 2004 keys, and each certificate and CRL of the demo GOST
/// PKI (`certs/gost`, made by `pki demo-gost`) by its issuer. gostcrypto
/// verifies each one; each with one bit changed it refuses.
#[test]
fn gostcrypto_verifies_our_gost_signatures() {
    let mut cases: Vec<(String, Value)> = Vec::new();
    for file in [INDIVIDUAL, HEAD, GOST2004] {
        let k = key(file);
        let at = epoch(pki_of(file).2);
        for attached in [false, true] {
            let env = qoltanba::envelope::sign::sign(
                b"payload",
                attached,
                &k,
                &k.cert_der,
                &k.chain_der,
                at,
            )
            .expect("signs");
            signer_cases(&format!("CMS {file} attached={attached}"), &env, &mut cases);
        }
        let unsigned =
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/pdfs/unsigned.pdf"))
                .expect("pdf");
        let opts = pdf_options(&k, &k, at);
        let (pdf, outcome) = qoltanba::pdf::sign::sign_bytes(&unsigned, &opts).expect("PDF signs");
        signer_cases(
            &format!("PDF {file}"),
            &pdf_cms(&pdf, outcome.byte_range),
            &mut cases,
        );
    }
    // The demo GOST PKI: each certificate by its issuer (roots by themselves).
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("certs/gost");
    let mut certs = Vec::new();
    for sub in ["trust", "ca", "people"] {
        let Ok(rd) = std::fs::read_dir(demo.join(sub)) else {
            continue;
        };
        for e in rd.flatten() {
            let bytes = std::fs::read(e.path()).expect("reads");
            if let Ok(ders) = qoltanba::input::decode_all(&bytes, &["CERTIFICATE"]) {
                for d in ders {
                    if let Ok(c) = Certificate::from_der(&d)
                        && !certs
                            .iter()
                            .any(|k: &Certificate| k.fingerprint == c.fingerprint)
                    {
                        certs.push(c);
                    }
                }
            }
        }
    }
    let mut demo_certs = 0;
    for c in &certs {
        let Ok(scheme @ Scheme::Gost(_)) = algorithms::scheme_for(&c.sig_alg, None) else {
            continue;
        };
        let issuer = certs
            .iter()
            .find(|i| c.named_issuer_is(i) && qoltanba::pki::path::verify_edge(c, i).is_ok())
            .unwrap_or_else(|| panic!("{}: its issuer is in certs/gost", c.subject.dn));
        let key = issuer.key.clone().expect("key");
        cases.push((
            format!("demo certificate {}", c.subject.dn),
            case(scheme, &key, c.tbs(), &c.signature),
        ));
        demo_certs += 1;
    }
    assert!(
        demo_certs >= 6,
        "the demo GOST PKI's certificates: {demo_certs}"
    );
    let mut request: Vec<Value> = cases.iter().map(|(_, c)| c.clone()).collect();
    // Each once more with one bit of the signature changed.
    for (_, c) in &cases {
        let mut m = c.clone();
        let mut sig = common::gost_judge::from_hex(c["sig"].as_str().expect("sig"));
        sig[3] ^= 0x10;
        m["sig"] = json!(common::gost_judge::to_hex(&sig));
        request.push(m);
    }
    let answers = judge(&json!({ "op": "verify", "cases": request }));
    let answers = answers.as_array().expect("answers");
    let n = cases.len();
    for (i, (what, _)) in cases.iter().enumerate() {
        assert_eq!(answers[i]["verify"], true, "{what}: {}", answers[i]);
        assert_eq!(answers[i]["on_curve"], true, "{what}");
        assert_eq!(
            answers[n + i]["verify"],
            false,
            "{what} changed: {}",
            answers[n + i]
        );
    }
}

// ---------------------------------------------------------------------------
// Two phases with a raw GOST value
// ---------------------------------------------------------------------------

/// `qoltanba COMMAND FILE` (`verify --signature`, `pdf verify`) on `bytes`
/// written to `name` in a temporary folder, under the test PKI's CA and CRL
/// at the time `pki` names.
fn verify_made(command: &[&str], name: &str, bytes: &[u8], pki: (&str, &str, &str)) -> Run {
    let (ca, crl, at) = pki;
    let dir = tempfile::tempdir().expect("tempdir");
    let f = common::write(dir.path(), name, bytes);
    let file = [f.to_str().expect("utf-8")];
    let trust = ["--test-trust", &p(ca), "--crl", &p(crl)];
    let at = ["--at", at, "--format", "json"];
    qoltanba(&[command, &file, &trust, &at].concat())
}

/// `sign prepare` names the digest of the certificate's key (Streebog-512
/// for GOST 2015/512, GOST 34.311-95 for 2004); the key signs the data to
/// sign on its own; `finish` takes the raw r‖s value and the envelope
/// verifies in full. The PDF two phases do the same.
#[test]
fn two_phases_finish_with_a_raw_gost_value() {
    use qoltanba::envelope::twophase;
    let secret = [7u8; 32];
    for (file, digest_name) in [(HEAD, "gost34.11-2015-512"), (GOST2004, "gost34311-95")] {
        let k = key(file);
        let (ca, crl, at_s) = pki_of(file);
        let at = epoch(at_s);
        let prepared = twophase::prepare(
            b"request",
            true,
            &k.cert_der,
            &k.chain_der,
            at,
            600,
            &secret,
        )
        .expect("prepares");
        assert_eq!(prepared.digest_algorithm, digest_name);
        let b64 = base64::engine::general_purpose::STANDARD;
        let tbs = b64.decode(&prepared.data_to_sign).expect("base64");
        let digest = b64.decode(&prepared.digest).expect("base64");
        assert_eq!(digest, k.scheme().digest().hash(&tbs));
        let value = k.sign(&tbs).expect("device signs");
        let mut bad = value.clone();
        bad[0] ^= 1;
        assert_eq!(
            twophase::finish(&prepared, &bad, at, &secret)
                .err()
                .map(|e| e.code()),
            Some("SIGNATURE_VALUE_INVALID")
        );
        let env = twophase::finish(&prepared, &value, at, &secret).expect("finishes");
        let r = verify_made(&["verify", "--signature"], "env.p7s", &env, (ca, crl, at_s));
        assert_eq!(r.json["code"], "OK", "{file}: {}", r.output);
    }
    // PAdES in two phases with the head's GOST 2015 key.
    let k = key(HEAD);
    let at = epoch(AT_2022);
    let unsigned =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/pdfs/unsigned.pdf"))
            .expect("pdf");
    let external = qoltanba::pdf::twophase::ExternalSigner::new(&k.cert_der, None).expect("signer");
    let opts = |signer| pdf_options(signer, &k, at);
    let prepared =
        qoltanba::pdf::twophase::prepare(&unsigned, &opts(&external), &external).expect("prepares");
    assert_eq!(prepared.scheme, k.scheme());
    let value = k.sign(&prepared.data_to_sign).expect("device signs");
    let with_value =
        qoltanba::pdf::twophase::ExternalSigner::new(&k.cert_der, Some(value)).expect("signer");
    let pdf =
        qoltanba::pdf::twophase::finish(&prepared.pdf, prepared.byte_range, &opts(&with_value))
            .expect("finishes");
    let pki = (CA_2022, CRL_2022, AT_2022);
    let r = verify_made(&["pdf", "verify"], "two-phase.pdf", &pdf, pki);
    assert_eq!(r.json["code"], "OK", "{}", r.output);
}
