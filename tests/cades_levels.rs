//! CAdES baseline levels end to end, with a real TSA (`openssl ts -reply`)
//! on loopback: `sign --level B-T|B-LT|B-LTA`, `verify` reporting the level,
//! openssl accepting the envelope and every time-stamp token, tampering
//! with the archived validation data caught, and a B-LTA signature renewed
//! with a long-lived TSA verifying offline in 2046, when every certificate
//! of the signer and of the first TSA has expired and no CRL is given.

use qoltanba::envelope::longterm::{self, OID_ARCHIVE_TIME_STAMP_V3, OID_REVOCATION_VALUES};
use qoltanba::envelope::parse;
use qoltanba::pki::algorithms::Digest;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

mod common;
mod common_tsa;

/// The 2018 GOST root and CA of the national CA's test PKI (in ../shared/realkz).
const ROOT_GOST2018: &str = "ncanode/history-2018/root_gost.crt";
const CA_GOST2018: &str = "ncanode/history-2018/nca_gost.crt";
use common::openssl::{openssl, s};
use common::repo;
use common_tsa::{long_lived_tsa_dir, serve_tsa, tsa_dir};

/// The demo root and national CA certificates as one PEM bundle.
fn root_and_nca_pem() -> Vec<u8> {
    let mut pem = std::fs::read(repo("certs/trust/root-ca.pem")).unwrap();
    pem.extend(std::fs::read(repo("certs/trust/nca-rsa.pem")).unwrap());
    pem
}

fn qoltanba(args: &[&str], dir: &Path) -> (i32, Value, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_qoltanba"))
        .args(args)
        .current_dir(dir)
        .env("QOLTANBA_TRUST_DIR", repo("certs/trust"))
        .env("QOLTANBA_DATA_DIR", dir.join("data"))
        .env("P12_PASSWORD", "pw")
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        serde_json::from_slice(&o.stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A work folder with the demo citizen's key as a PKCS#12 and the data.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("data.txt"), b"application 42: a request to sign").unwrap();
    let cert = repo("certs/people/citizen-rsa.pem");
    let key = repo("certs/people/citizen-rsa.key.pem");
    let chain = repo("certs/trust/nca-rsa.pem");
    let parts = ["-in", s(&cert), "-inkey", s(&key), "-certfile", s(&chain)];
    let out = ["-passout", "pass:pw", "-out", "citizen.p12"];
    openssl(d, &[&["pkcs12", "-export"][..], &parts, &out].concat());
    dir
}

/// A work folder holding `lta.p7s`, a B-LTA signature time-stamped by a
/// fresh loopback TSA (kept for as long as the test holds it).
fn signed_b_lta() -> (tempfile::TempDir, tempfile::TempDir) {
    let work = workdir();
    let tsa = tsa_dir(false);
    let url = serve_tsa(tsa.path().to_path_buf(), 8);
    sign(work.path(), "B-LTA", &url, "lta.p7s");
    (work, tsa)
}

fn sign(d: &Path, level: &str, tsa: &str, out: &str) {
    let (crl1, crl2) = (
        repo("certs/trust/nca-rsa.crl"),
        repo("certs/trust/root-ca.crl"),
    );
    let key = ["--p12", "citizen.p12", "--password-env", "P12_PASSWORD"];
    let stamp = [
        "--level",
        level,
        "--tsa",
        tsa,
        "--crl",
        s(&crl1),
        "--crl",
        s(&crl2),
    ];
    let args = [
        &["sign", "--data", "data.txt"][..],
        &key,
        &stamp,
        &["--out", out],
    ];
    let (code, _, err) = qoltanba(&args.concat(), d);
    assert_eq!(code, 0, "sign --level {level}: {err}");
}

fn verify(d: &Path, sig: &str, extra: &[&str]) -> Value {
    let root = repo("certs/trust/root-ca.pem");
    let mut args = vec!["verify", "--signature", sig, "--data", "data.txt"];
    args.extend(["--trust", s(&root)]);
    args.extend_from_slice(extra);
    let (_, v, err) = qoltanba(&args, d);
    assert!(!v.is_null(), "verify printed no JSON: {err}");
    v
}

fn check<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["signers"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name} in {v}"))
}

fn signer(d: &Path, file: &str) -> (parse::Envelope, parse::Signer) {
    let env = parse::parse(&std::fs::read(d.join(file)).unwrap()).unwrap();
    let s = env.signers[0].clone();
    (env, s)
}

/// `openssl ts -verify` on a token over `covered`, trusting `ca`.
fn openssl_ts_verify(d: &Path, token: &[u8], covered: &[u8], ca: &Path, name: &str) {
    std::fs::write(d.join(format!("{name}.tok")), token).unwrap();
    std::fs::write(d.join(format!("{name}.bin")), covered).unwrap();
    let o = Command::new("openssl")
        .args(["ts", "-verify", "-token_in"])
        .args([
            "-in",
            &format!("{name}.tok"),
            "-data",
            &format!("{name}.bin"),
        ])
        .args(["-CAfile", s(ca)])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(
        o.status.success() && String::from_utf8_lossy(&o.stdout).contains("Verification: OK"),
        "openssl ts -verify {name}: {} {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn each_level_is_made_reported_and_accepted_by_openssl() {
    let work = workdir();
    let d = work.path();
    let tsa = tsa_dir(false);
    let url = serve_tsa(tsa.path().to_path_buf(), 16);
    for level in ["B-T", "B-LT", "B-LTA"] {
        let out = format!("{level}.p7s");
        sign(d, level, &url, &out);
        // B-T carries no validation data: the CRLs are given beside it.
        let (c1, c2) = (
            repo("certs/trust/nca-rsa.crl"),
            repo("certs/trust/root-ca.crl"),
        );
        let crls = ["--crl", s(&c1), "--crl", s(&c2)];
        let v = verify(d, &out, if level == "B-T" { &crls } else { &[] });
        assert_eq!(v["code"], "OK", "{level}: {v}");
        assert_eq!(v["level"], level, "{level}: {v}");
        assert_eq!(v["signers"][0]["level"], level);
        assert_eq!(check(&v, "timestamp")["outcome"], "passed", "{v}");
        // openssl reads and verifies the envelope as it is.
        let chain = d.join("chain.pem");
        std::fs::write(&chain, root_and_nca_pem()).unwrap();
        let input = ["-inform", "DER", "-in", &out, "-content", "data.txt"];
        let judge = ["-CAfile", s(&chain), "-purpose", "any", "-out", "/dev/null"];
        openssl(
            d,
            &[&["cms", "-verify", "-binary"][..], &input, &judge].concat(),
        );
    }
    // B-LT carries the paths and the CRLs; the verdict reads them offline:
    // no intermediate and no CRL given, the revocation check is decided by
    // the CRL inside the signature.
    let v = verify(d, "B-LT.p7s", &[]);
    let rev = check(&v, "revocation");
    assert_eq!(rev["outcome"], "passed", "{rev}");
    let crl_source = rev.to_string();
    assert!(
        crl_source.contains("revocation-values CRL"),
        "the CRL used is the embedded one: {rev}"
    );
    let (_, s) = signer(d, "B-LT.p7s");
    let data = longterm::embedded(&s);
    assert_eq!(
        data.certs.len(),
        4,
        "citizen, NCA, root and the TSA (issued by the same NCA)"
    );
    assert_eq!(data.crls.len(), 2);
    // Every time-stamp token passes openssl ts -verify: the signature
    // time-stamp over the signature value, the archive one over what
    // EN 319 122-1 says it covers.
    let (env, s) = signer(d, "B-LTA.p7s");
    let token = |oid| {
        s.unsigned_attrs
            .iter()
            .find(|a| a.oid == oid)
            .unwrap()
            .values[0]
            .clone()
    };
    let ca = tsa.path().join("root-and-nca.pem");
    std::fs::write(&ca, root_and_nca_pem()).unwrap();
    openssl_ts_verify(
        d,
        &token(qoltanba::tsp::OID_SIGNATURE_TIME_STAMP),
        &s.signature,
        &ca,
        "sigts",
    );
    let ats = token(OID_ARCHIVE_TIME_STAMP_V3);
    let ats_env = parse::parse(&ats).unwrap();
    let index = ats_env.signers[0]
        .unsigned_attrs
        .iter()
        .find(|a| a.oid == longterm::OID_ATS_HASH_INDEX_V3)
        .unwrap()
        .values[0]
        .clone();
    // The index lists the envelope's certificates and the signer's
    // unsigned attribute values as they were before the archive stamp.
    let mut before = s.clone();
    before
        .unsigned_attrs
        .retain(|a| a.oid != OID_ARCHIVE_TIME_STAMP_V3);
    assert_eq!(
        longterm::write::ats_hash_index(&env, &before, Digest::Sha256).unwrap(),
        index
    );
    let data = std::fs::read(d.join("data.txt")).unwrap();
    let covered = longterm::write::archived_bytes(&env, &s, &data, Digest::Sha256, &index).unwrap();
    openssl_ts_verify(d, &ats, &covered, &ca, "ats");
    assert_eq!(
        check(&verify(d, "B-LTA.p7s", &[]), "archive_timestamp")["outcome"],
        "passed"
    );
}

#[test]
fn tampering_with_archived_data_is_caught() {
    let (work, _tsa) = signed_b_lta();
    let d = work.path();
    // Drop the revocation-values attribute the archive time-stamp covered.
    let bytes = std::fs::read(d.join("lta.p7s")).unwrap();
    let mut sd = {
        use der::Decode;
        let ci = cms::content_info::ContentInfo::from_der(&bytes).unwrap();
        ci.content
            .decode_as::<cms::signed_data::SignedData>()
            .unwrap()
    };
    let mut infos: Vec<cms::signed_data::SignerInfo> = sd.signer_infos.0.iter().cloned().collect();
    let attrs: Vec<x509_cert::attr::Attribute> = infos[0]
        .unsigned_attrs
        .take()
        .unwrap()
        .into_vec()
        .into_iter()
        .filter(|a| a.oid != OID_REVOCATION_VALUES)
        .collect();
    infos[0].unsigned_attrs = Some(der::asn1::SetOfVec::try_from(attrs).unwrap());
    sd.signer_infos = cms::signed_data::SignerInfos(der::asn1::SetOfVec::try_from(infos).unwrap());
    let tampered = qoltanba::envelope::build::encode(&sd).unwrap();
    std::fs::write(d.join("tampered.p7s"), tampered).unwrap();
    let v = verify(
        d,
        "tampered.p7s",
        &["--crl", repo("certs/trust/nca-rsa.crl").to_str().unwrap()],
    );
    let a = check(&v, "archive_timestamp");
    assert_eq!(a["outcome"], "failed", "{a}");
    assert_eq!(a["code"], "TIMESTAMP_INVALID", "{a}");
    assert!(
        a["detail"]["problem"]
            .as_str()
            .unwrap()
            .contains("unsigned attribute value the archive time-stamp covered is no longer"),
        "{a}"
    );
    assert_eq!(v["code"], "TIMESTAMP_INVALID", "{v}");
    assert_eq!(v["indication"], "FAILED");
}

#[test]
fn a_renewed_b_lta_signature_verifies_offline_in_2046() {
    let (work, _tsa) = signed_b_lta();
    let d = work.path();
    // Before the first TSA's certificate expires, the operator renews with
    // a TSA whose certificate outlives 2046.
    let tsa2 = long_lived_tsa_dir(365 * 30);
    let url2 = serve_tsa(tsa2.path().to_path_buf(), 4);
    let (code, _, err) = qoltanba(
        &[
            "sign",
            "extend",
            "--in",
            "lta.p7s",
            "--data",
            "data.txt",
            "--level",
            "B-LTA",
            "--tsa",
            &url2,
            "--out",
            "renewed.p7s",
        ],
        d,
    );
    assert_eq!(code, 0, "sign extend: {err}");
    let (_, renewed) = signer(d, "renewed.p7s");
    let ats = renewed
        .unsigned_attrs
        .iter()
        .find(|a| a.oid == OID_ARCHIVE_TIME_STAMP_V3)
        .unwrap();
    assert_eq!(ats.values.len(), 2, "a second archive time-stamp");
    // 2046: the citizen's certificate (2030), the NCA (2040), the root
    // (2045) and the first TSA (2036) have expired; no CRL of theirs is
    // given. The long-lived TSA's CA and its CRL are.
    let tsa2_ca = tsa2.path().join("ca.pem");
    let tsa2_crl = tsa2.path().join("ca.crl");
    let offline_2046 = [
        "--trust",
        s(&tsa2_ca),
        "--crl",
        s(&tsa2_crl),
        "--at",
        "2046-06-01T00:00:00Z",
    ];
    let v = verify(d, "renewed.p7s", &offline_2046);
    assert_eq!(v["code"], "OK", "{v}");
    assert_eq!(v["indication"], "PASSED");
    assert_eq!(v["level"], "B-LTA");
    assert_eq!(
        v["policy"]["poe"]["source"], "signature time-stamp",
        "{}",
        v["policy"]
    );
    assert_eq!(check(&v, "archive_timestamp")["outcome"], "passed");
    let ts = check(&v, "timestamp");
    assert_eq!(ts["outcome"], "passed", "{ts}");
    assert!(ts["detail"]["checked_at"].is_string(), "{ts}");
    // Without the renewal the same signature is not provable in 2046.
    let v = verify(d, "lta.p7s", &offline_2046);
    assert_eq!(v["indication"], "INDETERMINATE", "{v}");
    assert_eq!(v["code"], "CERT_EXPIRED", "{v}");
}

/// Kalkan's own CAdES-T (skarm-kalkan's test_CMS_GOST: GOST 34.310-2004,
/// signing-certificate-v2, a GOST time-stamp of the same 2018 CA's TSA) is
/// B-T at its signing time; today the TSA's certificate has expired and
/// nothing proves the time-stamp: B-B.
#[test]
fn kalkan_cades_t_is_b_t_at_its_time() {
    let realkz = common::realkz_dir();
    let sig = realkz.join("skarm-kalkan/testdata__examples__test_CMS_GOST.p7s");
    let root = realkz.join(ROOT_GOST2018);
    let ca = realkz.join(CA_GOST2018);
    let run = |at: &str| {
        let chain = ["--trust", s(&root), "--certs", s(&ca)];
        let when = ["--no-revocation", "--at", at];
        let args = [&["verify", "--signature", s(&sig)][..], &chain, &when].concat();
        let (_, v, err) = qoltanba(&args, &repo("."));
        assert!(!v.is_null(), "{err}");
        v
    };
    let v = run("2018-12-21T09:24:00Z");
    assert_eq!(
        (v["code"].as_str(), v["level"].as_str()),
        (Some("OK"), Some("B-T")),
        "{v}"
    );
    let v = run("2026-06-01T00:00:00Z");
    assert_eq!(v["level"], "B-B", "{v}");
}

/// Every single-byte change of a B-LTA envelope (a byte in each 97) gives a
/// verdict, never a panic; one that still passes as B-LTA changed only
/// bytes nothing signs and nothing needs: the archive token's own copies of
/// the TSA's certificates (found again in certificate-values) or its
/// digestAlgorithms list — never its TSTInfo, its SignerInfo, or anything
/// else of the envelope.
#[test]
fn damaged_b_lta_envelopes_get_verdicts() {
    use qoltanba::envelope::{VerifyRequest, verify};
    use qoltanba::pki::{Policy, TrustStore};
    let (work, _tsa) = signed_b_lta();
    let d = work.path();
    let good = std::fs::read(d.join("lta.p7s")).unwrap();
    let data = std::fs::read(d.join("data.txt")).unwrap();
    let store = TrustStore::from_dir(&repo("certs/trust")).unwrap();
    let at = qoltanba::time::now();
    let run = |bytes: &[u8]| {
        verify(
            &VerifyRequest {
                envelope: bytes,
                data: Some(&data),
                at,
                policy: Policy::default(),
                ..Default::default()
            },
            &store,
        )
    };
    let v = run(&good);
    assert_eq!((v.code.as_str(), v.level.as_deref()), ("OK", Some("B-LTA")));
    // Where the archive token lies, and its signed parts.
    let find = |needle: &[u8]| {
        good.windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p..p + needle.len())
            .unwrap()
    };
    let (_, s) = signer(d, "lta.p7s");
    let ats = s
        .unsigned_attrs
        .iter()
        .find(|a| a.oid == OID_ARCHIVE_TIME_STAMP_V3)
        .unwrap()
        .values[0]
        .clone();
    let token = find(&ats);
    let token_env = parse::parse(&ats).unwrap();
    let tst = find(token_env.content.as_deref().unwrap());
    let token_signer = find(&token_env.signers[0].archived_fields);
    let mut passed = Vec::new();
    for i in (0..good.len()).step_by(97) {
        let mut bad = good.clone();
        bad[i] ^= 0x5A;
        let v = run(&bad);
        if v.passed() && v.level.as_deref() == Some("B-LTA") {
            passed.push(i);
        }
    }
    for i in &passed {
        assert!(
            token.contains(i) && !tst.contains(i) && !token_signer.contains(i),
            "a change at byte {i} still passes as B-LTA (archive token at {token:?}, its TSTInfo at {tst:?}, its SignerInfo at {token_signer:?})"
        );
    }
}
