//! Regenerates `testdata/` from the demo PKI in `certs/`.
//!
//! `cargo run --example make_testdata` (after `qoltanba pki demo --out certs`).
//! Every envelope, certificate and CRL under `testdata/` comes from here, with
//! its expected verdict written into the manifest next to it.

use qoltanba::asn1::Walker;
use qoltanba::envelope::build::{self, SidKind, SignerSpec};
use qoltanba::pdf::sign::SignOptions;
use qoltanba::pki::algorithms::{Digest, Scheme};
use qoltanba::pki::demo::{self, Ca, crl::CrlSpec};
use qoltanba::pki::signer::{RingSigner, SignError, Signer};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const DAY: i64 = 86_400;
const AT: &str = "2026-06-01T00:00:00Z";
const AT_UNIX: i64 = 1_780_272_000;

type R<T> = Result<T, Box<dyn std::error::Error>>;

fn pem_der(path: &Path) -> R<Vec<u8>> {
    let text = std::fs::read(path)?;
    Ok(pem::parse(text)?.into_contents())
}

struct Who {
    cert: Vec<u8>,
    key: RingSigner,
    pkcs8: Vec<u8>,
    iin: String,
}

fn who(certs: &Path, name: &str) -> R<Who> {
    let cert = pem_der(&certs.join("people").join(format!("{name}.pem")))?;
    let pkcs8 = pem_der(&certs.join("people").join(format!("{name}.key.pem")))?;
    let key = RingSigner::from_pkcs8(&pkcs8, None, false)?;
    let c = qoltanba::pki::cert::Certificate::from_der(&cert)?;
    let iin = qoltanba::pki::profile::profile(&c)
        .iin
        .map(|i| i.value)
        .unwrap_or_default();
    Ok(Who {
        cert,
        key,
        pkcs8,
        iin,
    })
}

fn ca(certs: &Path, name: &str) -> R<Ca> {
    let der = pem_der(&certs.join("trust").join(format!("{name}.pem")))?;
    let key = pem_der(&certs.join("ca").join(format!("{name}.key.pem")))?;
    Ok(Ca::load(name, der, key)?)
}

/// Flips the last byte of every signature it makes.
struct Corrupting<'a>(&'a dyn Signer);
impl Signer for Corrupting<'_> {
    fn scheme(&self) -> Scheme {
        self.0.scheme()
    }
    fn public_key_spki(&self) -> Vec<u8> {
        self.0.public_key_spki()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignError> {
        let mut s = self.0.sign(msg)?;
        if let Some(b) = s.last_mut() {
            *b ^= 0x01;
        }
        Ok(s)
    }
}

/// Claims a scheme and returns junk (for keys ring cannot sign with).
struct Junk(Vec<u8>, Scheme);
impl Signer for Junk {
    fn scheme(&self) -> Scheme {
        self.1
    }
    fn public_key_spki(&self) -> Vec<u8> {
        self.0.clone()
    }
    fn sign(&self, _: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(vec![0x42; 128])
    }
}

fn len_bytes(n: usize) -> Vec<u8> {
    if n < 0x80 {
        vec![n as u8]
    } else {
        let b = n.to_be_bytes();
        let skip = b.iter().position(|x| *x != 0).unwrap_or(7);
        let mut v = vec![0x80 | (8 - skip) as u8];
        v.extend_from_slice(&b[skip..]);
        v
    }
}

/// Re-encodes the outer layers of a DER envelope the way streaming BER
/// signers do: indefinite lengths down to eContent, eContent in 7-byte chunks.
fn to_streaming_ber(tlv_raw: &[u8], depth: usize) -> Vec<u8> {
    let mut w = Walker::new(tlv_raw).expect("der");
    let t = w.next_tlv().expect("tlv");
    let tag = tlv_raw[0];
    let go_in = match depth {
        0 | 2 => tag == 0x30,
        1 | 4 => tag == 0xA0,
        3 => tag == 0x30,
        _ => false,
    };
    if depth == 5 && tag == 0x04 {
        let mut out = vec![0x24, 0x80];
        for chunk in t.value.chunks(7) {
            out.push(0x04);
            out.extend(len_bytes(chunk.len()));
            out.extend_from_slice(chunk);
        }
        out.extend([0, 0]);
        return out;
    }
    if !go_in {
        return tlv_raw.to_vec();
    }
    let mut out = vec![tag, 0x80];
    let mut inner = Walker::new(t.value).expect("der");
    while !inner.is_empty() {
        let c = inner.next_tlv().expect("tlv");
        out.extend(to_streaming_ber(c.raw, depth + 1));
    }
    out.extend([0, 0]);
    out
}

struct Out {
    dir: PathBuf,
    vectors: Vec<Value>,
}

impl Out {
    fn file(&self, name: &str, bytes: &[u8]) -> R<()> {
        std::fs::write(self.dir.join(name), bytes)?;
        Ok(())
    }
    fn vector(&mut self, v: Value) {
        self.vectors.push(v);
    }
}

fn expect(ind: &str, code: &str) -> Value {
    json!({ "indication": ind, "code": code })
}

fn envelope(
    content: &[u8],
    attached: bool,
    specs: &[SignerSpec<'_>],
    certs: &[&[u8]],
) -> R<Vec<u8>> {
    let sd = build::signed_data(content, attached, specs, certs)?;
    Ok(build::encode(&sd)?)
}

fn main() -> R<()> {
    let root_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let certs = root_dir.join("certs");
    let td = root_dir.join("testdata");
    for d in ["envelopes", "certs", "crls"] {
        std::fs::create_dir_all(td.join(d))?;
    }
    let root = ca(&certs, "root-ca")?;
    let rsa_ca = ca(&certs, "nca-rsa")?;
    let ec_ca = ca(&certs, "nca-ec")?;
    let citizen = who(&certs, "citizen-rsa")?;
    let citizen_ec = who(&certs, "citizen-ec")?;
    let employee = who(&certs, "employee")?;
    let t0 = Some(AT_UNIX - 10 * DAY);

    // Extra certificates and CRLs.
    let mut rogue_people = demo::people()
        .into_iter()
        .find(|p| p.file == "citizen-rsa")
        .ok_or("no citizen")?;
    let rogue_root = demo::make_ca(
        "rogue-root",
        "ROGUE ROOT (NOT TRUSTED)",
        99,
        demo::rsa_key(2048)?,
        None,
        None,
    )?;
    let rogue_leaf =
        demo::issue_person(&rogue_people, &citizen.key.public_key_spki(), &rogue_root)?;
    // An intermediate under nca-rsa (pathLen 0): path length exceeded.
    let sub_ca = demo::make_ca(
        "nca-rsa-sub",
        "SUB-CA UNDER A pathLen 0 CA (TEST)",
        98,
        demo::rsa_key(2048)?,
        Some(&rsa_ca),
        None,
    )?;
    rogue_people.serial = 0x3001;
    let sub_leaf = demo::issue_person(&rogue_people, &citizen.key.public_key_spki(), &sub_ca)?;
    // A certificate with no IIN at all.
    let mut no_iin = rogue_people.clone();
    no_iin.iin = String::new();
    no_iin.serial = 0x3002;
    let no_iin_cert = demo::issue_person(&no_iin, &citizen.key.public_key_spki(), &rsa_ca)?;
    // A certificate whose IIN fails the checksum.
    let mut bad_iin = rogue_people.clone();
    bad_iin.iin = "880101300120".into();
    if qoltanba::iin::Iin::parse(&bad_iin.iin).is_ok() {
        bad_iin.iin = "880101300121".into();
    }
    bad_iin.serial = 0x3003;
    let bad_iin_cert = demo::issue_person(&bad_iin, &citizen.key.public_key_spki(), &rsa_ca)?;
    // An RSA-1024 signer.
    let weak = demo::rsa_key(1024)?;
    let weak_spki = {
        use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
        rsa::RsaPrivateKey::from_pkcs8_der(&weak.pkcs8)?
            .to_public_key()
            .to_public_key_der()?
            .as_bytes()
            .to_vec()
    };
    let mut weak_p = rogue_people.clone();
    weak_p.serial = 0x3004;
    let weak_cert = demo::issue_person(&weak_p, &weak_spki, &rsa_ca)?;

    let pem_cert = |d: &[u8]| pem::encode(&pem::Pem::new("CERTIFICATE", d.to_vec()));
    let cdir = td.join("certs");
    std::fs::write(cdir.join("rogue-root.pem"), pem_cert(&rogue_root.der))?;
    std::fs::write(cdir.join("rogue-leaf.pem"), pem_cert(&rogue_leaf))?;
    std::fs::write(cdir.join("sub-ca.pem"), pem_cert(&sub_ca.der))?;
    std::fs::write(cdir.join("sub-leaf.pem"), pem_cert(&sub_leaf))?;
    std::fs::write(cdir.join("no-iin.pem"), pem_cert(&no_iin_cert))?;
    std::fs::write(cdir.join("bad-iin.pem"), pem_cert(&bad_iin_cert))?;
    std::fs::write(cdir.join("rsa1024.pem"), pem_cert(&weak_cert))?;

    let epoch = demo::EPOCH;
    let crl_dir = td.join("crls");
    let stale = CrlSpec {
        this_update: epoch,
        next_update: Some(epoch + 59 * DAY),
        number: 1,
        delta_of: None,
        entries: vec![],
    };
    std::fs::write(
        crl_dir.join("nca-rsa-stale.crl"),
        demo::crl::issue(&rsa_ca.der, &rsa_ca.signer()?, &stale)?,
    )?;
    // Issuer name and key identifier of nca-rsa, signed by the root's key.
    let forged = CrlSpec {
        this_update: epoch,
        next_update: Some(epoch + 3650 * DAY),
        number: 7,
        delta_of: None,
        entries: vec![],
    };
    std::fs::write(
        crl_dir.join("nca-rsa-forged.crl"),
        demo::crl::issue(&rsa_ca.der, &root.signer()?, &forged)?,
    )?;
    std::fs::write(crl_dir.join("not-a-crl.crl"), b"this is not a CRL")?;

    let request = serde_json::to_vec_pretty(&json!({
        "service": "housing-queue",
        "iin": citizen.iin,
        "applicant": { "surname": "ТЕСТОВ", "name": "АЙДАР", "patronymic": "СЕРІКҰЛЫ" },
        "attachments": [{ "name": "identity.pdf", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" }],
    }))?;
    let mut out = Out {
        dir: td.join("envelopes"),
        vectors: Vec::new(),
    };
    out.file("request.json", &request)?;
    out.file(
        "request-tampered.json",
        &String::from_utf8_lossy(&request)
            .replace("housing-queue", "housing-QUEUE")
            .into_bytes(),
    )?;
    let chain_rsa: Vec<&[u8]> = vec![&citizen.cert, &rsa_ca.der];
    fn cades(w: &Who) -> SignerSpec<'_> {
        SignerSpec::cades(&w.cert, &w.key, Some(AT_UNIX - 10 * DAY))
    }

    // --- valid variants ---
    let e = envelope(&request, true, &[cades(&citizen)], &chain_rsa)?;
    out.file("rsa-attached.p7s", &e)?;
    out.vector(json!({ "id": "rsa-attached", "kind": "envelope", "description": "CAdES-BES, RSA-2048 PKCS#1 v1.5, SHA-256, attached", "input": "rsa-attached.p7s", "iin": citizen.iin, "expect": expect("PASSED", "OK") }));
    out.file(
        "rsa-attached.pem",
        pem::encode(&pem::Pem::new("CMS", e.clone())).as_bytes(),
    )?;
    out.vector(json!({ "id": "rsa-attached-pem", "kind": "envelope", "description": "the same envelope as PEM", "input": "rsa-attached.pem", "iin": citizen.iin, "expect": expect("PASSED", "OK") }));
    use base64::Engine;
    out.file(
        "rsa-attached.b64",
        base64::engine::general_purpose::STANDARD
            .encode(&e)
            .as_bytes(),
    )?;
    out.vector(json!({ "id": "rsa-attached-base64", "kind": "envelope", "description": "the same envelope as base64 text", "input": "rsa-attached.b64", "iin": citizen.iin, "expect": expect("PASSED", "OK") }));
    out.file("rsa-attached-ber.p7s", &to_streaming_ber(&e, 0))?;
    out.vector(json!({ "id": "rsa-attached-ber", "kind": "envelope", "description": "the same envelope in streaming BER: indefinite lengths, eContent in chunks", "input": "rsa-attached-ber.p7s", "iin": citizen.iin, "expect": expect("PASSED", "OK") }));

    let e = envelope(&request, false, &[cades(&citizen)], &chain_rsa)?;
    out.file("rsa-detached.p7s", &e)?;
    out.vector(json!({ "id": "rsa-detached", "kind": "envelope", "description": "detached CAdES-BES with the request given separately", "input": "rsa-detached.p7s", "data": "request.json", "iin": citizen.iin, "expect": expect("PASSED", "OK") }));
    out.vector(json!({ "id": "content-missing", "kind": "envelope", "description": "detached signature and no data", "input": "rsa-detached.p7s", "expect": expect("INDETERMINATE", "CONTENT_MISSING") }));
    out.vector(json!({ "id": "digest-mismatch-detached", "kind": "envelope", "description": "detached signature over other bytes", "input": "rsa-detached.p7s", "data": "request-tampered.json", "expect": expect("FAILED", "DIGEST_MISMATCH") }));

    let mut spec = cades(&citizen);
    spec.signed_attrs = false;
    let e = envelope(&request, false, &[spec], &chain_rsa)?;
    out.file("rsa-noattr.p7s", &e)?;
    out.vector(json!({ "id": "rsa-noattr", "kind": "envelope", "description": "no signed attributes: the signature covers the request", "input": "rsa-noattr.p7s", "data": "request.json", "iin": citizen.iin, "expect": expect("PASSED", "OK") }));
    out.vector(json!({ "id": "rsa-noattr-tampered", "kind": "envelope", "description": "no signed attributes, request changed", "input": "rsa-noattr.p7s", "data": "request-tampered.json", "expect": expect("FAILED", "DIGEST_MISMATCH") }));

    for (name, digest, pss) in [
        ("rsa-sha384", Digest::Sha384, false),
        ("rsa-sha512", Digest::Sha512, false),
        ("rsa-pss-sha256", Digest::Sha256, true),
        ("rsa-pss-sha512", Digest::Sha512, true),
    ] {
        let k = RingSigner::from_pkcs8(&citizen.pkcs8, Some(digest), pss)?;
        let e = envelope(
            &request,
            true,
            &[SignerSpec::cades(&citizen.cert, &k, t0)],
            &chain_rsa,
        )?;
        out.file(&format!("{name}.p7s"), &e)?;
        out.vector(json!({ "id": name, "kind": "envelope", "description": format!("{name}, attached"), "input": format!("{name}.p7s"), "iin": citizen.iin, "expect": expect("PASSED", "OK") }));
    }
    let e = envelope(
        &request,
        true,
        &[cades(&citizen_ec)],
        &[&citizen_ec.cert, &ec_ca.der],
    )?;
    out.file("ec-p256.p7s", &e)?;
    out.vector(json!({ "id": "ec-p256", "kind": "envelope", "description": "ECDSA P-256 SHA-256 under the ECDSA intermediate", "input": "ec-p256.p7s", "iin": citizen_ec.iin, "expect": expect("PASSED", "OK") }));
    let mut spec = cades(&citizen);
    spec.sid = SidKind::KeyId;
    let e = envelope(&request, true, &[spec], &chain_rsa)?;
    out.file("rsa-ski.p7s", &e)?;
    out.vector(json!({ "id": "rsa-signer-by-key-id", "kind": "envelope", "description": "signer identified by subject key identifier", "input": "rsa-ski.p7s", "expect": expect("PASSED", "OK") }));
    let e = envelope(&request, true, &[cades(&citizen)], &[])?;
    out.file("rsa-nocerts.p7s", &e)?;
    out.vector(json!({ "id": "signer-cert-missing", "kind": "envelope", "description": "no certificates in the envelope and none supplied", "input": "rsa-nocerts.p7s", "expect": expect("INDETERMINATE", "SIGNER_CERT_MISSING") }));
    out.vector(json!({ "id": "signer-cert-supplied", "kind": "envelope", "description": "no certificates in the envelope; the signer's supplied with --certs", "input": "rsa-nocerts.p7s", "certs": ["../../certs/people/citizen-rsa.pem"], "expect": expect("PASSED", "OK") }));
    let e = envelope(
        &request,
        true,
        &[cades(&citizen), cades(&employee)],
        &[&citizen.cert, &employee.cert, &rsa_ca.der],
    )?;
    out.file("two-signers.p7s", &e)?;
    out.vector(json!({ "id": "two-signers", "kind": "envelope", "description": "citizen and employee co-sign", "input": "two-signers.p7s", "expect": expect("PASSED", "OK") }));

    // --- failures ---
    let e = envelope(&request, true, &[cades(&citizen)], &chain_rsa)?;
    let pos = e
        .windows(13)
        .position(|w| w == b"housing-queue")
        .ok_or("content not found")?;
    let mut t = e.clone();
    t[pos] = b'H';
    out.file("digest-mismatch-attached.p7s", &t)?;
    out.vector(json!({ "id": "digest-mismatch-attached", "kind": "envelope", "description": "one byte of the attached request changed", "input": "digest-mismatch-attached.p7s", "expect": expect("FAILED", "DIGEST_MISMATCH") }));
    let bad = Corrupting(&citizen.key);
    let e = envelope(
        &request,
        true,
        &[SignerSpec::cades(&citizen.cert, &bad, t0)],
        &chain_rsa,
    )?;
    out.file("signature-invalid.p7s", &e)?;
    out.vector(json!({ "id": "signature-invalid", "kind": "envelope", "description": "one bit of the signature value flipped", "input": "signature-invalid.p7s", "expect": expect("FAILED", "SIGNATURE_INVALID") }));
    let mut spec = SignerSpec::cades(&citizen.cert, &bad, t0);
    spec.signed_attrs = false;
    let e = envelope(&request, false, &[spec], &chain_rsa)?;
    out.file("noattr-signature-invalid.p7s", &e)?;
    out.vector(json!({ "id": "noattr-signature-invalid", "kind": "envelope", "description": "no signed attributes, signature bit flipped (padding broken)", "input": "noattr-signature-invalid.p7s", "data": "request.json", "expect": expect("FAILED", "SIGNATURE_INVALID") }));
    let good = envelope(&request, true, &[cades(&citizen)], &chain_rsa)?;
    out.file("truncated.p7s", &good[..good.len() / 2])?;
    out.vector(json!({ "id": "malformed-truncated", "kind": "envelope", "description": "the envelope cut in half", "input": "truncated.p7s", "expect": expect("FAILED", "ENVELOPE_MALFORMED") }));
    out.file("not-cms.p7s", b"\x30\x03\x02\x01\x01")?;
    out.vector(json!({ "id": "malformed-not-cms", "kind": "envelope", "description": "a DER SEQUENCE that is not CMS", "input": "not-cms.p7s", "expect": expect("FAILED", "ENVELOPE_MALFORMED") }));
    out.file("garbage.txt", b"%%% not base64, not PEM, not DER %%%")?;
    out.vector(json!({ "id": "malformed-garbage", "kind": "envelope", "description": "text that is none of DER, PEM, base64", "input": "garbage.txt", "expect": expect("FAILED", "ENVELOPE_MALFORMED") }));

    // SHA-1 digest algorithm: rewrite the SignerInfo's digestAlgorithm.
    let mut sd = build::signed_data(&request, true, &[cades(&citizen)], &chain_rsa)?;
    let mut infos: Vec<cms::signed_data::SignerInfo> = sd.signer_infos.0.iter().cloned().collect();
    infos[0].digest_alg.oid = qoltanba::pki::algorithms::oid::SHA1;
    sd.signer_infos = cms::signed_data::SignerInfos(der::asn1::SetOfVec::try_from(infos)?);
    out.file("sha1-digest.p7s", &build::encode(&sd)?)?;
    out.vector(json!({ "id": "algorithm-sha1", "kind": "envelope", "description": "SHA-1 digest algorithm", "input": "sha1-digest.p7s", "expect": expect("INDETERMINATE", "ALGORITHM_UNSUPPORTED") }));
    let junk = Junk(weak_spki.clone(), Scheme::RsaPkcs1(Digest::Sha256));
    let e = envelope(
        &request,
        true,
        &[SignerSpec::cades(&weak_cert, &junk, t0)],
        &[&weak_cert, &rsa_ca.der],
    )?;
    out.file("rsa1024.p7s", &e)?;
    out.vector(json!({ "id": "algorithm-rsa1024", "kind": "envelope", "description": "signer key RSA-1024", "input": "rsa1024.p7s", "expect": expect("INDETERMINATE", "ALGORITHM_UNSUPPORTED") }));

    let e = envelope(&request, true, &[cades(&citizen)], &[&rogue_leaf])?;
    let _ = e;
    let rogue_signer = SignerSpec::cades(&rogue_leaf, &citizen.key, t0);
    let e = envelope(
        &request,
        true,
        &[rogue_signer],
        &[&rogue_leaf, &rogue_root.der],
    )?;
    out.file("chain-untrusted.p7s", &e)?;
    out.vector(json!({ "id": "chain-untrusted", "kind": "envelope", "description": "signer under a root that is not trusted", "input": "chain-untrusted.p7s", "expect": expect("INDETERMINATE", "CHAIN_UNTRUSTED") }));
    let e = envelope(
        &request,
        true,
        &[SignerSpec::cades(&sub_leaf, &citizen.key, t0)],
        &[&sub_leaf, &sub_ca.der, &rsa_ca.der],
    )?;
    out.file("chain-path-length.p7s", &e)?;
    out.vector(json!({ "id": "chain-invalid-path-length", "kind": "envelope", "description": "a sub-CA under an intermediate with pathLen 0", "input": "chain-path-length.p7s", "expect": expect("INDETERMINATE", "CHAIN_INVALID") }));

    for (id, name, ind, code, desc) in [
        (
            "cert-expired",
            "expired",
            "INDETERMINATE",
            "CERT_EXPIRED",
            "signer certificate expired in 2025",
        ),
        (
            "cert-revoked",
            "revoked",
            "FAILED",
            "CERT_REVOKED",
            "signer listed in the base CRL (keyCompromise)",
        ),
        (
            "cert-revoked-delta",
            "revoked-delta",
            "FAILED",
            "CERT_REVOKED",
            "signer listed only in the delta CRL",
        ),
        (
            "cert-on-hold",
            "on-hold",
            "INDETERMINATE",
            "CERT_REVOKED",
            "signer on hold (certificateHold)",
        ),
        (
            "key-usage-auth",
            "citizen-auth",
            "FAILED",
            "KEY_USAGE_INVALID",
            "authentication certificate used to sign",
        ),
        (
            "no-eku-ok",
            "no-eku",
            "PASSED",
            "OK",
            "certificate without EKU (no role) is still a signing certificate",
        ),
    ] {
        let w = who(&certs, name)?;
        let e = envelope(&request, true, &[cades(&w)], &[&w.cert, &rsa_ca.der])?;
        out.file(&format!("{name}.p7s"), &e)?;
        out.vector(json!({ "id": id, "kind": "envelope", "description": desc, "input": format!("{name}.p7s"), "iin": w.iin, "expect": expect(ind, code) }));
    }
    out.vector(json!({ "id": "cert-not-yet-valid", "kind": "envelope", "description": "validated before the certificates were issued", "input": "rsa-attached.p7s", "at": "2025-06-01T00:00:00Z", "expect": expect("FAILED", "CERT_NOT_YET_VALID") }));
    let trust_only = json!(["../../certs/trust/root-ca.pem"]);
    let intermediates = json!(["../../certs/trust/nca-rsa.pem"]);
    out.vector(json!({ "id": "revocation-unavailable", "kind": "envelope", "description": "trust anchor given, no CRLs", "input": "rsa-attached.p7s", "trust": trust_only, "certs": intermediates, "expect": expect("INDETERMINATE", "REVOCATION_UNAVAILABLE") }));
    out.vector(json!({ "id": "revocation-skipped", "kind": "envelope", "description": "no CRLs, revocation off by policy", "input": "rsa-attached.p7s", "trust": trust_only, "certs": intermediates, "revocation": "none", "expect": expect("PASSED", "OK") }));
    out.vector(json!({ "id": "revocation-stale", "kind": "envelope", "description": "the only CRL's nextUpdate is before the validation time", "input": "rsa-attached.p7s", "trust": trust_only, "certs": intermediates, "crls": ["../crls/nca-rsa-stale.crl", "../../certs/trust/root-ca.crl"], "expect": expect("INDETERMINATE", "REVOCATION_STALE") }));
    out.vector(json!({ "id": "crl-invalid-signature", "kind": "envelope", "description": "a CRL in the intermediate's name signed by another key", "input": "rsa-attached.p7s", "trust": trust_only, "certs": intermediates, "crls": ["../crls/nca-rsa-forged.crl", "../../certs/trust/root-ca.crl"], "expect": expect("INDETERMINATE", "CRL_INVALID") }));
    out.vector(json!({ "id": "crl-unreadable", "kind": "envelope", "description": "a supplied CRL that is not a CRL, and no usable CRL for the signer's CA: the unreadable one may have been it", "input": "rsa-attached.p7s", "trust": trust_only, "certs": intermediates, "crls": ["../crls/not-a-crl.crl", "../../certs/trust/root-ca.crl"], "expect": expect("INDETERMINATE", "CRL_INVALID") }));
    out.vector(json!({ "id": "crl-unreadable-unrelated", "kind": "envelope", "description": "a supplied CRL that is not a CRL beside usable CRLs for every CA of the path: reported, not held against the path", "input": "rsa-attached.p7s", "trust": trust_only, "certs": intermediates, "crls": ["../crls/not-a-crl.crl", "../../certs/trust/nca-rsa.crl", "../../certs/trust/root-ca.crl"], "expect": expect("PASSED", "OK") }));
    out.vector(json!({ "id": "crls-explicit-ok", "kind": "envelope", "description": "anchor, intermediate and CRLs all given explicitly", "input": "rsa-attached.p7s", "trust": trust_only, "certs": intermediates, "crls": ["../../certs/trust/nca-rsa.crl", "../../certs/trust/root-ca.crl"], "expect": expect("PASSED", "OK") }));
    out.vector(json!({ "id": "iin-mismatch", "kind": "envelope", "description": "request IIN is another valid IIN", "input": "rsa-attached.p7s", "iin": employee.iin, "expect": expect("FAILED", "IIN_MISMATCH") }));
    out.vector(json!({ "id": "iin-invalid-request", "kind": "envelope", "description": "request IIN fails the checksum", "input": "rsa-attached.p7s", "iin": "880101300120", "expect": expect("FAILED", "IIN_INVALID") }));
    let e = envelope(
        &request,
        true,
        &[SignerSpec::cades(&no_iin_cert, &citizen.key, t0)],
        &[&no_iin_cert, &rsa_ca.der],
    )?;
    out.file("iin-missing.p7s", &e)?;
    out.vector(json!({ "id": "iin-missing", "kind": "envelope", "description": "signer certificate carries no IIN", "input": "iin-missing.p7s", "iin": citizen.iin, "expect": expect("FAILED", "IIN_MISSING") }));
    let e = envelope(
        &request,
        true,
        &[SignerSpec::cades(&bad_iin_cert, &citizen.key, t0)],
        &[&bad_iin_cert, &rsa_ca.der],
    )?;
    out.file("iin-invalid-cert.p7s", &e)?;
    out.vector(json!({ "id": "iin-invalid-certificate", "kind": "envelope", "description": "signer certificate's IIN fails the checksum", "input": "iin-invalid-cert.p7s", "iin": citizen.iin, "expect": expect("FAILED", "IIN_INVALID") }));
    let e = envelope(
        &request,
        true,
        &[cades(&citizen), cades(&who(&certs, "revoked")?)],
        &[&citizen.cert, &who(&certs, "revoked")?.cert, &rsa_ca.der],
    )?;
    out.file("two-signers-one-revoked.p7s", &e)?;
    out.vector(json!({ "id": "two-signers-one-revoked", "kind": "envelope", "description": "the envelope's verdict is its worst signer's", "input": "two-signers-one-revoked.p7s", "expect": expect("FAILED", "CERT_REVOKED") }));

    let manifest = json!({
        "suite": "envelopes",
        "description": "Condition 2 on CMS request envelopes: one vector per verdict code and the valid variants.",
        "recipe": "cargo run --example make_testdata (from the demo PKI in certs/)",
        "defaults": { "at": AT, "trust_dir": "../../certs/trust" },
        "vectors": out.vectors,
    });
    std::fs::write(
        td.join("envelopes").join("manifest.json"),
        serde_json::to_string_pretty(&manifest)? + "\n",
    )?;

    // Certificates alone.
    let mut cv = Out {
        dir: td.join("certs"),
        vectors: Vec::new(),
    };
    for (id, file, usage, ind, code) in [
        (
            "citizen-sign",
            "../../certs/people/citizen-rsa.pem",
            "sign",
            "PASSED",
            "OK",
        ),
        (
            "citizen-auth-as-auth",
            "../../certs/people/citizen-auth.pem",
            "auth",
            "PASSED",
            "OK",
        ),
        (
            "citizen-auth-as-sign",
            "../../certs/people/citizen-auth.pem",
            "sign",
            "FAILED",
            "KEY_USAGE_INVALID",
        ),
        (
            "employee-any",
            "../../certs/people/employee.pem",
            "any",
            "PASSED",
            "OK",
        ),
        (
            "revoked",
            "../../certs/people/revoked.pem",
            "sign",
            "FAILED",
            "CERT_REVOKED",
        ),
        (
            "expired",
            "../../certs/people/expired.pem",
            "sign",
            "INDETERMINATE",
            "CERT_EXPIRED",
        ),
        (
            "rogue",
            "rogue-leaf.pem",
            "sign",
            "INDETERMINATE",
            "CHAIN_UNTRUSTED",
        ),
        (
            "sub-ca-path-length",
            "sub-leaf.pem",
            "sign",
            "INDETERMINATE",
            "CHAIN_INVALID",
        ),
        (
            "rsa1024",
            "rsa1024.pem",
            "sign",
            "INDETERMINATE",
            "ALGORITHM_UNSUPPORTED",
        ),
        (
            "not-a-certificate",
            "../envelopes/garbage.txt",
            "sign",
            "FAILED",
            "CERT_MALFORMED",
        ),
    ] {
        let mut v = json!({ "id": id, "kind": "certificate", "input": file, "usage": usage, "expect": expect(ind, code) });
        if id == "sub-ca-path-length" {
            v["certs"] = json!(["sub-ca.pem"]);
        }
        cv.vector(v);
    }
    let manifest = json!({
        "suite": "certificates",
        "description": "Steps 4-8 on certificates alone (qoltanba cert verify).",
        "recipe": "cargo run --example make_testdata (from the demo PKI in certs/)",
        "defaults": { "at": AT, "trust_dir": "../../certs/trust" },
        "vectors": cv.vectors,
    });
    std::fs::write(
        td.join("certs").join("manifest.json"),
        serde_json::to_string_pretty(&manifest)? + "\n",
    )?;
    let _ = (&employee.pkcs8, &citizen_ec.pkcs8);

    // Result PDFs: rendered, then signed by the head (and by a revoked signer).
    let pdir = td.join("pdfs");
    std::fs::create_dir_all(&pdir)?;
    let doc: qoltanba::pdf::render::ResultDoc =
        serde_json::from_slice(&std::fs::read(pdir.join("result-notification.json"))?)?;
    let unsigned = qoltanba::pdf::render::render(
        &doc,
        &[
            qoltanba::pdf::render::Lang::Kk,
            qoltanba::pdf::render::Lang::Ru,
        ],
        AT_UNIX - 5 * DAY,
    )?;
    std::fs::write(pdir.join("unsigned.pdf"), &unsigned)?;
    let sign_pdf = |w: &Who, stamp: bool| -> R<Vec<u8>> {
        let chain = vec![rsa_ca.der.clone()];
        let stamp = if stamp {
            Some(qoltanba::pdf::sign::StampPlacement {
                page: None,
                rect: None,
                text: qoltanba::pdf::stamp::text_from_certificate(&w.cert, AT_UNIX - 5 * DAY)?,
            })
        } else {
            None
        };
        let opts = SignOptions {
            reason: Some("Result of the public service".into()),
            stamp,
            document_id: Some("KZ-2026-000123".into()),
            ..SignOptions::new(
                &w.key,
                &w.cert,
                &chain,
                AT_UNIX - 5 * DAY,
                "http://127.0.0.1:8080/verify",
            )
        };
        Ok(qoltanba::pdf::sign::sign_bytes(&unsigned, &opts)?.0)
    };
    let head = who(&certs, "head")?;
    let signed = sign_pdf(&head, true)?;
    std::fs::write(pdir.join("signed-by-head.pdf"), &signed)?;
    std::fs::write(
        pdir.join("signed-by-revoked.pdf"),
        sign_pdf(&who(&certs, "revoked")?, false)?,
    )?;
    // One byte of the signed revision changed (inside the first ByteRange part).
    let mut tampered = signed.clone();
    let pos = tampered
        .windows(7)
        .position(|w| w == b"/Length")
        .ok_or("no /Length")?;
    tampered[pos + 9] ^= 0x01;
    std::fs::write(pdir.join("tampered.pdf"), &tampered)?;
    let mut pv = Out {
        dir: pdir.clone(),
        vectors: Vec::new(),
    };
    for (id, file, ind, code) in [
        ("pdf-signed-by-head", "signed-by-head.pdf", "PASSED", "OK"),
        (
            "pdf-signed-by-revoked",
            "signed-by-revoked.pdf",
            "FAILED",
            "CERT_REVOKED",
        ),
        ("pdf-tampered", "tampered.pdf", "FAILED", "DIGEST_MISMATCH"),
        (
            "pdf-unsigned",
            "unsigned.pdf",
            "INDETERMINATE",
            "PDF_NOT_SIGNED",
        ),
    ] {
        pv.vector(json!({ "id": id, "kind": "pdf", "input": file, "expect": expect(ind, code) }));
    }
    // CRLs alone.
    let mut cr = Out {
        dir: td.join("crls"),
        vectors: Vec::new(),
    };
    for (id, file, ind, code) in [
        (
            "crl-base-ok",
            "../../certs/trust/nca-rsa.crl",
            "PASSED",
            "OK",
        ),
        (
            "crl-delta-ok",
            "../../certs/trust/nca-rsa-delta.crl",
            "PASSED",
            "OK",
        ),
        (
            "crl-stale",
            "nca-rsa-stale.crl",
            "INDETERMINATE",
            "REVOCATION_STALE",
        ),
        (
            "crl-forged",
            "nca-rsa-forged.crl",
            "INDETERMINATE",
            "CRL_INVALID",
        ),
        (
            "crl-not-a-crl",
            "not-a-crl.crl",
            "INDETERMINATE",
            "CRL_INVALID",
        ),
    ] {
        cr.vector(json!({ "id": id, "kind": "crl", "input": file, "expect": expect(ind, code) }));
    }
    let crl_manifest = json!({
        "suite": "crls",
        "description": "CRLs alone: parsed, verified with a CA of the trust store, fresh.",
        "recipe": "cargo run --example make_testdata",
        "defaults": { "at": AT, "trust_dir": "../../certs/trust" },
        "vectors": cr.vectors,
    });
    std::fs::write(
        td.join("crls").join("manifest.json"),
        serde_json::to_string_pretty(&crl_manifest)? + "\n",
    )?;
    let manifest = json!({
        "suite": "pdfs",
        "description": "Signed result PDFs through qoltanba pdf verify.",
        "recipe": "cargo run --example make_testdata (renders testdata/pdfs/result-notification.json, signs with the demo PKI)",
        "defaults": { "at": AT, "trust_dir": "../../certs/trust" },
        "vectors": pv.vectors,
    });
    std::fs::write(
        pdir.join("manifest.json"),
        serde_json::to_string_pretty(&manifest)? + "\n",
    )?;
    println!("testdata written to {}", td.display());
    Ok(())
}
