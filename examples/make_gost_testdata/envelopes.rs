//! GOST CMS envelopes: every verdict code of `docs/verdicts.md` on a GOST
//! signer (CRLs and stored OCSP responses for revocation, CAdES-T from the
//! GOST TSA), the GOST-specific negatives, and GOST and RSA signers in one
//! envelope.

use super::fixtures::{self, Extras};
use super::mixed;
use super::{AT, AT_UNIX, Claiming, DAY, Out, Pki, R, Rewrite, TRUST_DIR, Who, expect, pem_der};
use der::Decode;
use qoltanba::envelope::build::{self, SidKind, SignerSpec};
use qoltanba::pki::algorithms::{Digest, Scheme, oid};
use qoltanba::pki::signer::Signer;
use serde_json::json;
use std::path::Path;

/// A named change to a signature value, and what it makes.
type Rewriting = (&'static str, &'static str, fn(&mut Vec<u8>));

const GOST2015_Q: &str = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff27e69532f48d89116ff22b8d4e0560609b4b38abfad2b85dcacdb1411f10b275";

fn envelope(
    content: &[u8],
    attached: bool,
    specs: &[SignerSpec<'_>],
    certs: &[&[u8]],
) -> R<Vec<u8>> {
    let sd = build::signed_data(content, attached, specs, certs)?;
    Ok(build::encode(&sd)?)
}

fn cades<'a>(w: &'a Who) -> SignerSpec<'a> {
    SignerSpec::cades(&w.cert, &w.key, Some(AT_UNIX - 10 * DAY))
}

/// Little-endian bytes of a big-endian hex number.
fn le_hex(h: &str) -> Vec<u8> {
    let mut v: Vec<u8> = (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap_or(0))
        .collect();
    v.reverse();
    v
}

/// A signature time-stamp token from `tsa` over signer 1's signature value,
/// its imprint made with `digest`, added to `env`.
fn with_token(
    env: &[u8],
    tsa: &qoltanba::pki::demo::gost::GostCa,
    chain: &[Vec<u8>],
    digest: Digest,
    over: &[u8],
) -> R<Vec<u8>> {
    let t = qoltanba::tsp::responder::Tsa {
        signer: &tsa.signer,
        cert: &tsa.der,
        chain,
        policy: qoltanba::tsp::responder::DEMO_POLICY,
    };
    let facts = qoltanba::tsp::responder::Facts {
        gen_time: AT_UNIX - 10 * DAY + 60,
        serial: vec![0x01, 0x23],
        nonce: None,
        certs: true,
    };
    let token = qoltanba::tsp::responder::token(&t, digest, &digest.hash(over), &facts)?;
    Ok(qoltanba::envelope::sign::add_unsigned_attribute(
        env,
        1,
        qoltanba::tsp::OID_SIGNATURE_TIME_STAMP,
        der::asn1::Any::from_der(&token)?,
    )?)
}

pub fn write(pki: &Pki, dir: &Path) -> R<()> {
    let td = dir.parent().ok_or("no parent")?;
    let x: Extras = fixtures::extras(pki, td)?;
    fixtures::crls(pki, td)?;
    fixtures::ocsp(pki, td)?;
    let mut out = Out::new(dir.to_path_buf())?;
    let nca15 = pki.ca("gost2015-nca")?;
    let nca04 = pki.ca("gost2004-nca")?;
    let c15 = pki.who("gost2015-citizen")?;
    let c04 = pki.who("gost2004-citizen")?;
    let emp04 = pki.who("gost2004-employee")?;
    let t0 = Some(AT_UNIX - 10 * DAY);

    let request = serde_json::to_vec_pretty(&json!({
        "service": "housing-queue",
        "iin": c15.iin,
        "applicant": { "surname": "ТЕСТОВ", "name": "АЙДАР", "patronymic": "СЕРІКҰЛЫ" },
        "signature": "GOST 34.10-2015/512",
    }))?;
    out.file("request.json", &request)?;
    out.file(
        "request-tampered.json",
        &String::from_utf8_lossy(&request)
            .replace("housing-queue", "housing-QUEUE")
            .into_bytes(),
    )?;
    let chain15: Vec<&[u8]> = vec![&c15.cert, &nca15.der];
    let chain04: Vec<&[u8]> = vec![&c04.cert, &nca04.der];
    let iin = c15.iin.clone();

    // --- valid ---
    let attached15 = envelope(&request, true, &[cades(&c15)], &chain15)?;
    out.file("gost2015-attached.p7s", &attached15)?;
    out.vector(json!({ "id": "gost2015-attached", "kind": "envelope", "description": "CAdES-BES, GOST 34.10-2015/512 with Streebog-512, attached", "input": "gost2015-attached.p7s", "iin": iin, "expect": expect("PASSED", "OK") }));
    out.file(
        "gost2015-attached.pem",
        pem::encode(&pem::Pem::new("CMS", attached15.clone())).as_bytes(),
    )?;
    out.vector(json!({ "id": "gost2015-attached-pem", "kind": "envelope", "description": "the same envelope as PEM", "input": "gost2015-attached.pem", "iin": iin, "expect": expect("PASSED", "OK") }));
    let detached15 = envelope(&request, false, &[cades(&c15)], &chain15)?;
    out.file("gost2015-detached.p7s", &detached15)?;
    out.vector(json!({ "id": "gost2015-detached", "kind": "envelope", "description": "detached GOST 2015 signature with the request given separately", "input": "gost2015-detached.p7s", "data": "request.json", "iin": iin, "expect": expect("PASSED", "OK") }));
    let e = envelope(&request, true, &[cades(&c04)], &chain04)?;
    out.file("gost2004-attached.p7s", &e)?;
    out.vector(json!({ "id": "gost2004-attached", "kind": "envelope", "description": "CAdES-BES, GOST 34.310-2004 with GOST 34.311-95, attached", "input": "gost2004-attached.p7s", "iin": c04.iin, "expect": expect("PASSED", "OK") }));
    let e = envelope(&request, false, &[cades(&c04)], &chain04)?;
    out.file("gost2004-detached.p7s", &e)?;
    out.vector(json!({ "id": "gost2004-detached", "kind": "envelope", "description": "detached GOST 2004 signature", "input": "gost2004-detached.p7s", "data": "request.json", "iin": c04.iin, "expect": expect("PASSED", "OK") }));
    let mut spec = cades(&c15);
    spec.signed_attrs = false;
    let e = envelope(&request, false, &[spec], &chain15)?;
    out.file("gost2015-noattr.p7s", &e)?;
    out.vector(json!({ "id": "gost2015-noattr", "kind": "envelope", "description": "no signed attributes: the GOST signature covers the request", "input": "gost2015-noattr.p7s", "data": "request.json", "expect": expect("PASSED", "OK") }));
    out.vector(json!({ "id": "gost2015-noattr-tampered", "kind": "envelope", "description": "no signed attributes, request changed", "input": "gost2015-noattr.p7s", "data": "request-tampered.json", "expect": expect("FAILED", "DIGEST_MISMATCH") }));
    let mut spec = cades(&c15);
    spec.sid = SidKind::KeyId;
    let e = envelope(&request, true, &[spec], &chain15)?;
    out.file("gost2015-ski.p7s", &e)?;
    out.vector(json!({ "id": "gost2015-signer-by-key-id", "kind": "envelope", "description": "signer identified by subject key identifier", "input": "gost2015-ski.p7s", "expect": expect("PASSED", "OK") }));
    let e = envelope(
        &request,
        true,
        &[cades(&c15), cades(&emp04)],
        &[&c15.cert, &emp04.cert, &nca15.der, &nca04.der],
    )?;
    out.file("gost-two-signers.p7s", &e)?;
    out.vector(json!({ "id": "gost-two-signers", "kind": "envelope", "description": "a GOST 2015 citizen and a GOST 2004 employee co-sign", "input": "gost-two-signers.p7s", "iin": iin, "expect": expect("PASSED", "OK") }));
    for name in ["employee", "head", "operator", "no-eku", "citizen2"] {
        let w = pki.who(&format!("gost2015-{name}"))?;
        let e = envelope(&request, true, &[cades(&w)], &[&w.cert, &nca15.der])?;
        out.file(&format!("gost2015-{name}.p7s"), &e)?;
        out.vector(json!({ "id": format!("gost2015-{name}"), "kind": "envelope", "input": format!("gost2015-{name}.p7s"), "iin": w.iin, "expect": expect("PASSED", "OK") }));
    }

    // --- CAdES-T with the GOST TSA ---
    let tsa15 = pki.service("gost2015-tsa")?;
    let tsa04 = pki.service("gost2004-tsa")?;
    let sig = qoltanba::envelope::sign::signature_value(&attached15, 1)?;
    let e = with_token(
        &attached15,
        &tsa15,
        std::slice::from_ref(&nca15.der),
        Digest::Streebog512,
        &sig,
    )?;
    out.file("gost2015-cades-t.p7s", &e)?;
    out.vector(json!({ "id": "gost2015-cades-t", "kind": "envelope", "description": "CAdES-T: a GOST 2015 time-stamp token (Streebog-512 imprint) over the signature", "input": "gost2015-cades-t.p7s", "iin": iin, "expect": expect("PASSED", "OK") }));
    out.vector(json!({ "id": "gost2015-cades-t-after-expiry", "kind": "envelope", "description": "after the signer's certificate expired (2030-12-31) the token proves the signature existed while it was valid", "input": "gost2015-cades-t.p7s", "at": "2031-06-01T00:00:00Z", "expect": expect("PASSED", "OK") }));
    out.vector(json!({ "id": "gost2015-expired-since-no-token", "kind": "envelope", "description": "the same signature without a token, after expiry", "input": "gost2015-attached.p7s", "at": "2031-06-01T00:00:00Z", "expect": expect("INDETERMINATE", "CERT_EXPIRED") }));
    let att04 = envelope(&request, true, &[cades(&c04)], &chain04)?;
    let sig04 = qoltanba::envelope::sign::signature_value(&att04, 1)?;
    let e = with_token(
        &att04,
        &tsa04,
        std::slice::from_ref(&nca04.der),
        Digest::Gost34311,
        &sig04,
    )?;
    out.file("gost2004-cades-t.p7s", &e)?;
    out.vector(json!({ "id": "gost2004-cades-t", "kind": "envelope", "description": "CAdES-T: a GOST 2004 time-stamp token (GOST 34.311-95 imprint)", "input": "gost2004-cades-t.p7s", "at": "2031-06-01T00:00:00Z", "expect": expect("PASSED", "OK") }));
    let e = with_token(
        &attached15,
        &tsa15,
        std::slice::from_ref(&nca15.der),
        Digest::Streebog512,
        b"another signature value",
    )?;
    out.file("gost2015-timestamp-wrong-imprint.p7s", &e)?;
    out.vector(json!({ "id": "gost2015-timestamp-invalid", "kind": "envelope", "description": "the token's imprint is not the hash of this signature", "input": "gost2015-timestamp-wrong-imprint.p7s", "expect": expect("FAILED", "TIMESTAMP_INVALID") }));

    mixed::write(&mut out, pki, &request)?;
    let rsa_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("certs");
    let rsa = |name: &str| mixed::rsa(&rsa_dir, name);
    let rsa_ca = pem_der(&rsa_dir.join("trust").join("nca-rsa.pem"))?;

    // --- format, content, digest, signature ---
    out.file(
        "gost2015-truncated.p7s",
        &attached15[..attached15.len() / 2],
    )?;
    out.vector(json!({ "id": "gost2015-malformed-truncated", "kind": "envelope", "description": "the GOST envelope cut in half", "input": "gost2015-truncated.p7s", "expect": expect("FAILED", "ENVELOPE_MALFORMED") }));
    out.vector(json!({ "id": "gost2015-content-missing", "kind": "envelope", "description": "detached GOST signature and no data", "input": "gost2015-detached.p7s", "expect": expect("INDETERMINATE", "CONTENT_MISSING") }));
    out.vector(json!({ "id": "gost2015-digest-mismatch-detached", "kind": "envelope", "description": "detached GOST signature over other bytes", "input": "gost2015-detached.p7s", "data": "request-tampered.json", "expect": expect("FAILED", "DIGEST_MISMATCH") }));
    let pos = attached15
        .windows(13)
        .position(|w| w == b"housing-queue")
        .ok_or("content")?;
    let mut t = attached15.clone();
    t[pos] = b'H';
    out.file("gost2015-digest-mismatch-attached.p7s", &t)?;
    out.vector(json!({ "id": "gost2015-digest-mismatch-attached", "kind": "envelope", "description": "one byte of the attached request changed", "input": "gost2015-digest-mismatch-attached.p7s", "expect": expect("FAILED", "DIGEST_MISMATCH") }));
    let q15 = le_hex(GOST2015_Q);
    let rewrites: [Rewriting; 6] = [
        ("signature-invalid", "one bit of r flipped", |s| {
            s[0] ^= 0x01
        }),
        ("signature-invalid-s", "one bit of s flipped", |s| {
            let n = s.len() / 2;
            s[n] ^= 0x01
        }),
        ("r-zero", "r = 0", |s| {
            let n = s.len() / 2;
            s[..n].fill(0)
        }),
        ("s-zero", "s = 0", |s| {
            let n = s.len() / 2;
            s[n..].fill(0)
        }),
        ("r-all-ones", "r = 2^512 - 1, above q", |s| {
            let n = s.len() / 2;
            s[..n].fill(0xff)
        }),
        ("s-all-ones", "s = 2^512 - 1, above q", |s| {
            let n = s.len() / 2;
            s[n..].fill(0xff)
        }),
    ];
    for (name, desc, f) in rewrites {
        let bad = Rewrite { inner: &c15.key, f };
        let e = envelope(
            &request,
            true,
            &[SignerSpec::cades(&c15.cert, &bad, t0)],
            &chain15,
        )?;
        out.file(&format!("gost2015-{name}.p7s"), &e)?;
        out.vector(json!({ "id": format!("gost2015-{name}"), "kind": "envelope", "description": format!("GOST 2015 signature with {desc}"), "input": format!("gost2015-{name}.p7s"), "expect": expect("FAILED", "SIGNATURE_INVALID") }));
    }
    // r = q and s = q exactly: one past the largest valid value.
    for (name, first) in [("r-equals-q", true), ("s-equals-q", false)] {
        let mut sd = build::signed_data(&request, true, &[cades(&c15)], &chain15)?;
        let mut infos: Vec<cms::signed_data::SignerInfo> =
            sd.signer_infos.0.iter().cloned().collect();
        let mut sig = infos[0].signature.as_bytes().to_vec();
        let n = sig.len() / 2;
        let range = if first { 0..n } else { n..2 * n };
        sig[range].copy_from_slice(&q15);
        infos[0].signature = der::asn1::OctetString::new(sig)?;
        sd.signer_infos = cms::signed_data::SignerInfos(der::asn1::SetOfVec::try_from(infos)?);
        out.file(&format!("gost2015-{name}.p7s"), &build::encode(&sd)?)?;
        out.vector(json!({ "id": format!("gost2015-{name}"), "kind": "envelope", "description": format!("GOST 2015 signature with {} = q", if first { "r" } else { "s" }), "input": format!("gost2015-{name}.p7s"), "expect": expect("FAILED", "SIGNATURE_INVALID") }));
    }
    let bad = Rewrite {
        inner: &c04.key,
        f: |s| s[0] ^= 0x01,
    };
    let e = envelope(
        &request,
        true,
        &[SignerSpec::cades(&c04.cert, &bad, t0)],
        &chain04,
    )?;
    out.file("gost2004-signature-invalid.p7s", &e)?;
    out.vector(json!({ "id": "gost2004-signature-invalid", "kind": "envelope", "description": "GOST 2004 signature with one bit of r flipped", "input": "gost2004-signature-invalid.p7s", "expect": expect("FAILED", "SIGNATURE_INVALID") }));
    let e = envelope(&request, true, &[cades(&c15)], &[])?;
    out.file("gost2015-nocerts.p7s", &e)?;
    out.vector(json!({ "id": "gost2015-signer-cert-missing", "kind": "envelope", "description": "no certificates in the envelope and none supplied", "input": "gost2015-nocerts.p7s", "expect": expect("INDETERMINATE", "SIGNER_CERT_MISSING") }));
    out.vector(json!({ "id": "gost2015-signer-cert-supplied", "kind": "envelope", "description": "no certificates in the envelope; the signer's supplied with certs", "input": "gost2015-nocerts.p7s", "certs": ["../../../certs/gost/people/gost2015-citizen.pem"], "expect": expect("PASSED", "OK") }));

    // --- algorithms ---
    let lie = Claiming {
        scheme: Scheme::Gost(Digest::Streebog512),
        spki: c04.key.public_key_spki(),
        signer: &c04.key,
    };
    let e = envelope(
        &request,
        true,
        &[SignerSpec::cades(&c04.cert, &lie, t0)],
        &chain04,
    )?;
    out.file("gost2015-oid-with-2004-key.p7s", &e)?;
    out.vector(json!({ "id": "gost-2015-signature-with-2004-key", "kind": "envelope", "description": "a GOST 34.10-2015/512 signature OID on a GOST 34.310-2004 key", "input": "gost2015-oid-with-2004-key.p7s", "expect": expect("INDETERMINATE", "ALGORITHM_UNSUPPORTED") }));
    let rewrite_alg = |env_signer: &SignerSpec<'_>,
                       certs: &[&[u8]],
                       digest: Option<der::asn1::ObjectIdentifier>,
                       sig_alg: Option<der::asn1::ObjectIdentifier>|
     -> R<Vec<u8>> {
        let mut sd = build::signed_data(&request, true, std::slice::from_ref(env_signer), certs)?;
        let mut infos: Vec<cms::signed_data::SignerInfo> =
            sd.signer_infos.0.iter().cloned().collect();
        if let Some(d) = digest {
            infos[0].digest_alg.oid = d;
        }
        if let Some(s) = sig_alg {
            infos[0].signature_algorithm.oid = s;
        }
        sd.signer_infos = cms::signed_data::SignerInfos(der::asn1::SetOfVec::try_from(infos)?);
        Ok(build::encode(&sd)?)
    };
    let e = rewrite_alg(&cades(&c15), &chain15, Some(oid::STREEBOG_256), None)?;
    out.file("gost2015-512-with-streebog256.p7s", &e)?;
    out.vector(json!({ "id": "gost-512-signature-with-streebog-256-digest", "kind": "envelope", "description": "a GOST 2015/512 signature OID with a Streebog-256 digestAlgorithm", "input": "gost2015-512-with-streebog256.p7s", "expect": expect("INDETERMINATE", "ALGORITHM_UNSUPPORTED") }));
    let (rc, rk) = rsa("citizen-rsa")?;
    let e = rewrite_alg(
        &SignerSpec::cades(&rc, &rk, t0),
        &[&rc, &rsa_ca],
        Some(oid::STREEBOG_256),
        Some(oid::RSA),
    )?;
    out.file("gost-digest-with-rsa-key.p7s", &e)?;
    out.vector(json!({ "id": "gost-digest-with-rsa-key", "kind": "envelope", "description": "rsaEncryption with a Streebog-256 digestAlgorithm: a GOST digest with an RSA key", "input": "gost-digest-with-rsa-key.p7s", "trust_dir": "../../../certs/trust", "expect": expect("INDETERMINATE", "ALGORITHM_UNSUPPORTED") }));
    let lie = Claiming {
        scheme: Scheme::Gost(Digest::Streebog512),
        spki: x.off_curve_spki.clone(),
        signer: &c15.key,
    };
    let e = envelope(
        &request,
        true,
        &[SignerSpec::cades(&x.off_curve, &lie, t0)],
        &[&x.off_curve, &nca15.der],
    )?;
    out.file("gost2015-key-off-curve.p7s", &e)?;
    out.vector(json!({ "id": "gost2015-key-off-curve", "kind": "envelope", "description": "the signer certificate's GOST key is not a point of its curve: the certificate is malformed", "input": "gost2015-key-off-curve.p7s", "expect": expect("FAILED", "CERT_MALFORMED") }));
    out.vector(json!({ "id": "gost2015-supplied-cert-unreadable", "kind": "envelope", "description": "a supplied certificate that does not parse", "input": "gost2015-attached.p7s", "certs": ["../certs/not-a-certificate.pem"], "expect": expect("FAILED", "CERT_MALFORMED") }));

    // --- chain, validity, revocation, key usage ---
    let e = envelope(
        &request,
        true,
        &[SignerSpec::cades(&x.rogue_leaf, &c15.key, t0)],
        &[&x.rogue_leaf, &x.rogue_root],
    )?;
    out.file("gost2015-chain-untrusted.p7s", &e)?;
    out.vector(json!({ "id": "gost2015-chain-untrusted", "kind": "envelope", "description": "GOST signer under a GOST root that is not trusted", "input": "gost2015-chain-untrusted.p7s", "expect": expect("INDETERMINATE", "CHAIN_UNTRUSTED") }));
    let e = envelope(
        &request,
        true,
        &[SignerSpec::cades(&x.sub_leaf, &c15.key, t0)],
        &[&x.sub_leaf, &x.sub_ca, &nca15.der],
    )?;
    out.file("gost2015-chain-path-length.p7s", &e)?;
    out.vector(json!({ "id": "gost2015-chain-invalid-path-length", "kind": "envelope", "description": "a GOST sub-CA under the pathLen 0 intermediate", "input": "gost2015-chain-path-length.p7s", "expect": expect("INDETERMINATE", "CHAIN_INVALID") }));
    for (hier, name, ind, code, desc) in [
        (
            "gost2015",
            "expired",
            "INDETERMINATE",
            "CERT_EXPIRED",
            "signer certificate expired in 2025",
        ),
        (
            "gost2004",
            "expired",
            "INDETERMINATE",
            "CERT_EXPIRED",
            "signer certificate expired in 2025",
        ),
        (
            "gost2015",
            "revoked",
            "FAILED",
            "CERT_REVOKED",
            "signer in the base GOST CRL (keyCompromise)",
        ),
        (
            "gost2004",
            "revoked",
            "FAILED",
            "CERT_REVOKED",
            "signer in the base GOST CRL (keyCompromise)",
        ),
        (
            "gost2015",
            "revoked-delta",
            "FAILED",
            "CERT_REVOKED",
            "signer only in the delta GOST CRL",
        ),
        (
            "gost2004",
            "revoked-delta",
            "FAILED",
            "CERT_REVOKED",
            "signer only in the delta GOST CRL",
        ),
        (
            "gost2015",
            "on-hold",
            "INDETERMINATE",
            "CERT_REVOKED",
            "signer on hold (certificateHold)",
        ),
        (
            "gost2015",
            "citizen-auth",
            "FAILED",
            "KEY_USAGE_INVALID",
            "authentication certificate used to sign",
        ),
        (
            "gost2004",
            "citizen-auth",
            "FAILED",
            "KEY_USAGE_INVALID",
            "authentication certificate used to sign",
        ),
    ] {
        let w = pki.who(&format!("{hier}-{name}"))?;
        let nca = if hier == "gost2015" { &nca15 } else { &nca04 };
        let e = envelope(&request, true, &[cades(&w)], &[&w.cert, &nca.der])?;
        let file = format!("{hier}-{name}.p7s");
        out.file(&file, &e)?;
        out.vector(json!({ "id": format!("{hier}-{name}"), "kind": "envelope", "description": desc, "input": file, "iin": w.iin, "expect": expect(ind, code) }));
    }
    out.vector(json!({ "id": "gost2015-cert-not-yet-valid", "kind": "envelope", "description": "validated before the certificates were issued", "input": "gost2015-attached.p7s", "at": "2025-06-01T00:00:00Z", "expect": expect("FAILED", "CERT_NOT_YET_VALID") }));
    let anchors = json!(["../../../certs/gost/trust/gost2015-root.pem"]);
    let ncas = json!(["../../../certs/gost/trust/gost2015-nca.pem"]);
    let root_crl = "../../../certs/gost/trust/gost2015-root.crl";
    for (id, crls, ind, code, desc) in [
        (
            "gost2015-revocation-unavailable",
            vec![],
            "INDETERMINATE",
            "REVOCATION_UNAVAILABLE",
            "GOST trust anchor given, no CRLs",
        ),
        (
            "gost2015-revocation-stale",
            vec!["../crls/gost2015-nca-stale.crl", root_crl],
            "INDETERMINATE",
            "REVOCATION_STALE",
            "the only GOST CRL of the intermediate is past its nextUpdate",
        ),
        (
            "gost2015-crl-invalid-signature",
            vec!["../crls/gost2015-nca-forged.crl", root_crl],
            "INDETERMINATE",
            "CRL_INVALID",
            "a CRL in the intermediate's name signed with the root's GOST key",
        ),
        (
            "gost2015-crl-bad-signature",
            vec!["../crls/gost2015-nca-bad-signature.crl", root_crl],
            "INDETERMINATE",
            "CRL_INVALID",
            "the intermediate's CRL with one bit of its GOST signature flipped",
        ),
        (
            "gost2015-crl-unreadable",
            vec!["../crls/not-a-crl.crl", root_crl],
            "INDETERMINATE",
            "CRL_INVALID",
            "a supplied CRL that is not a CRL, and no usable CRL for the signer's CA",
        ),
        (
            "gost2015-crls-explicit",
            vec!["../../../certs/gost/trust/gost2015-nca.crl", root_crl],
            "PASSED",
            "OK",
            "anchor, intermediate and GOST CRLs all given explicitly",
        ),
    ] {
        out.vector(json!({ "id": id, "kind": "envelope", "description": desc, "input": "gost2015-attached.p7s", "trust": anchors, "certs": ncas, "crls": crls, "expect": expect(ind, code) }));
    }
    out.vector(json!({ "id": "gost2015-revocation-skipped", "kind": "envelope", "description": "no CRLs, revocation off by policy", "input": "gost2015-attached.p7s", "trust": anchors, "certs": ncas, "revocation": "none", "expect": expect("PASSED", "OK") }));

    // --- OCSP from stored GOST responses ---
    let stored = |leaf: &str, nca: &str| {
        json!([
            format!("../ocsp/{leaf}.der"),
            format!("../ocsp/{nca}-nca-good.der")
        ])
    };
    for (id, file, leaf, mode, ind, code, desc) in [
        (
            "gost2015-ocsp-good",
            "gost2015-attached.p7s",
            "gost2015-citizen",
            "ocsp",
            "PASSED",
            "OK",
            "good, from the delegated GOST responder (and the root for the intermediate)",
        ),
        (
            "gost2015-ocsp-both-good",
            "gost2015-attached.p7s",
            "gost2015-citizen",
            "both",
            "PASSED",
            "OK",
            "CRL and OCSP both good",
        ),
        (
            "gost2015-ocsp-revoked",
            "gost2015-revoked.p7s",
            "gost2015-revoked",
            "ocsp",
            "FAILED",
            "CERT_REVOKED",
            "revoked, by the delegated GOST responder",
        ),
        (
            "gost2015-ocsp-on-hold",
            "gost2015-on-hold.p7s",
            "gost2015-on-hold",
            "ocsp",
            "INDETERMINATE",
            "CERT_REVOKED",
            "on hold, by the delegated GOST responder",
        ),
        (
            "gost2004-ocsp-revoked",
            "gost2004-revoked.p7s",
            "gost2004-revoked",
            "ocsp",
            "FAILED",
            "CERT_REVOKED",
            "revoked, answered by the GOST 2004 intermediate itself",
        ),
        (
            "gost2015-ocsp-unauthorised",
            "gost2015-attached.p7s",
            "gost2015-citizen-unauthorised",
            "ocsp",
            "INDETERMINATE",
            "OCSP_INVALID",
            "signed by the GOST TSA's key: issued by the CA but without id-kp-OCSPSigning",
        ),
        (
            "gost2015-ocsp-bad-signature",
            "gost2015-attached.p7s",
            "gost2015-citizen-bad-signature",
            "ocsp",
            "INDETERMINATE",
            "OCSP_INVALID",
            "one bit of the response's GOST signature flipped",
        ),
        (
            "gost2015-ocsp-stale",
            "gost2015-attached.p7s",
            "gost2015-citizen-stale",
            "ocsp",
            "INDETERMINATE",
            "REVOCATION_STALE",
            "the response's nextUpdate is before the validation time",
        ),
        (
            "gost2015-ocsp-unknown",
            "gost2015-attached.p7s",
            "gost2015-citizen-unknown",
            "ocsp",
            "INDETERMINATE",
            "REVOCATION_UNAVAILABLE",
            "the responder does not know the certificate",
        ),
    ] {
        let nca = &leaf[..8];
        out.vector(json!({ "id": id, "kind": "envelope", "description": desc, "input": file, "revocation": mode, "ocsp_responses": stored(leaf, nca), "expect": expect(ind, code) }));
    }

    // --- IIN ---
    let emp15 = pki.who("gost2015-employee")?;
    out.vector(json!({ "id": "gost2015-iin-mismatch", "kind": "envelope", "description": "request IIN is another valid IIN", "input": "gost2015-attached.p7s", "iin": emp15.iin, "expect": expect("FAILED", "IIN_MISMATCH") }));
    out.vector(json!({ "id": "gost2015-iin-invalid-request", "kind": "envelope", "description": "request IIN fails the checksum", "input": "gost2015-attached.p7s", "iin": "880101300120", "expect": expect("FAILED", "IIN_INVALID") }));
    let e = envelope(
        &request,
        true,
        &[SignerSpec::cades(&x.no_iin, &c15.key, t0)],
        &[&x.no_iin, &nca15.der],
    )?;
    out.file("gost2015-iin-missing.p7s", &e)?;
    out.vector(json!({ "id": "gost2015-iin-missing", "kind": "envelope", "description": "GOST signer certificate carries no IIN", "input": "gost2015-iin-missing.p7s", "iin": iin, "expect": expect("FAILED", "IIN_MISSING") }));
    let e = envelope(
        &request,
        true,
        &[SignerSpec::cades(&x.bad_iin, &c15.key, t0)],
        &[&x.bad_iin, &nca15.der],
    )?;
    out.file("gost2015-iin-invalid-cert.p7s", &e)?;
    out.vector(json!({ "id": "gost2015-iin-invalid-certificate", "kind": "envelope", "description": "GOST signer certificate's IIN fails the checksum", "input": "gost2015-iin-invalid-cert.p7s", "iin": iin, "expect": expect("FAILED", "IIN_INVALID") }));

    out.write(
        "gost-envelopes",
        "Condition 2 on GOST CMS envelopes (GOST 34.10-2015/512, GOST 34.310-2004): every verdict code, the GOST-specific negatives, GOST and RSA signers together.",
        json!({ "at": AT, "trust_dir": TRUST_DIR }),
    )
}
