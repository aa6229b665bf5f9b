//! The certificates, CRLs and PDFs manifests of `testdata/gost/`.

use super::{AT, AT_UNIX, DAY, Out, Pki, R, TRUST_DIR, expect};
use qoltanba::pdf::sign::SignOptions;
use qoltanba::pki::demo::gost::GostCa;
use serde_json::json;
use std::path::Path;

/// The certificates, CRLs and PDFs manifests.
pub fn write(pki: &Pki, td: &Path) -> R<()> {
    certificates(td)?;
    crl_manifest(td)?;
    pdfs(pki, td)?;
    Ok(())
}

fn certificates(td: &Path) -> R<()> {
    let mut out = Out::new(td.join("certs"))?;
    let people = "../../../certs/gost/people";
    let ca = "../../../certs/gost/ca";
    for (id, file, usage, ind, code) in [
        (
            "gost2015-citizen-sign",
            "gost2015-citizen",
            "sign",
            "PASSED",
            "OK",
        ),
        (
            "gost2004-citizen-sign",
            "gost2004-citizen",
            "sign",
            "PASSED",
            "OK",
        ),
        (
            "gost2015-auth-as-auth",
            "gost2015-citizen-auth",
            "auth",
            "PASSED",
            "OK",
        ),
        (
            "gost2015-auth-as-sign",
            "gost2015-citizen-auth",
            "sign",
            "FAILED",
            "KEY_USAGE_INVALID",
        ),
        (
            "gost2004-auth-as-sign",
            "gost2004-citizen-auth",
            "sign",
            "FAILED",
            "KEY_USAGE_INVALID",
        ),
        (
            "gost2015-employee-any",
            "gost2015-employee",
            "any",
            "PASSED",
            "OK",
        ),
        (
            "gost2015-head-sign",
            "gost2015-head",
            "sign",
            "PASSED",
            "OK",
        ),
        (
            "gost2015-revoked",
            "gost2015-revoked",
            "sign",
            "FAILED",
            "CERT_REVOKED",
        ),
        (
            "gost2004-revoked",
            "gost2004-revoked",
            "sign",
            "FAILED",
            "CERT_REVOKED",
        ),
        (
            "gost2015-revoked-delta",
            "gost2015-revoked-delta",
            "sign",
            "FAILED",
            "CERT_REVOKED",
        ),
        (
            "gost2004-revoked-delta",
            "gost2004-revoked-delta",
            "sign",
            "FAILED",
            "CERT_REVOKED",
        ),
        (
            "gost2015-on-hold",
            "gost2015-on-hold",
            "sign",
            "INDETERMINATE",
            "CERT_REVOKED",
        ),
        (
            "gost2015-expired",
            "gost2015-expired",
            "sign",
            "INDETERMINATE",
            "CERT_EXPIRED",
        ),
        (
            "gost2004-expired",
            "gost2004-expired",
            "sign",
            "INDETERMINATE",
            "CERT_EXPIRED",
        ),
        ("gost2015-no-eku", "gost2015-no-eku", "sign", "PASSED", "OK"),
    ] {
        out.vector(json!({ "id": id, "kind": "certificate", "input": format!("{people}/{file}.pem"), "usage": usage, "expect": expect(ind, code) }));
    }
    for (id, file) in [
        ("gost2015-ocsp-responder", "gost2015-ocsp"),
        ("gost2015-tsa", "gost2015-tsa"),
        ("gost2004-tsa", "gost2004-tsa"),
    ] {
        out.vector(json!({ "id": id, "kind": "certificate", "description": "a service certificate the intermediate issued", "input": format!("{ca}/{file}.pem"), "usage": "any", "expect": expect("PASSED", "OK") }));
    }
    out.vector(json!({ "id": "gost2015-not-yet-valid", "kind": "certificate", "input": format!("{people}/gost2015-citizen.pem"), "at": "2025-06-01T00:00:00Z", "expect": expect("FAILED", "CERT_NOT_YET_VALID") }));
    out.vector(json!({ "id": "gost2015-rogue-root", "kind": "certificate", "description": "issued by a GOST root that is not trusted", "input": "rogue-leaf.pem", "expect": expect("INDETERMINATE", "CHAIN_UNTRUSTED") }));
    out.vector(json!({ "id": "gost2015-sub-ca-path-length", "kind": "certificate", "description": "a sub-CA under the pathLen 0 intermediate", "input": "sub-leaf.pem", "certs": ["sub-ca.pem"], "expect": expect("INDETERMINATE", "CHAIN_INVALID") }));
    out.vector(json!({ "id": "gost2015-key-off-curve", "kind": "certificate", "description": "the public key is not a point of TC26 512 paramSetA: the certificate is malformed", "input": "off-curve.pem", "expect": expect("FAILED", "CERT_MALFORMED") }));
    out.vector(json!({ "id": "not-a-certificate", "kind": "certificate", "input": "not-a-certificate.pem", "expect": expect("FAILED", "CERT_MALFORMED") }));
    let anchors = json!([
        "../../../certs/gost/trust/gost2015-root.pem",
        "../../../certs/gost/trust/gost2004-root.pem"
    ]);
    let ncas = json!([
        "../../../certs/gost/trust/gost2015-nca.pem",
        "../../../certs/gost/trust/gost2004-nca.pem"
    ]);
    out.vector(json!({ "id": "gost2015-revocation-unavailable", "kind": "certificate", "description": "trust anchors and intermediates, no CRLs", "input": format!("{people}/gost2015-citizen.pem"), "trust": anchors, "certs": ncas, "expect": expect("INDETERMINATE", "REVOCATION_UNAVAILABLE") }));
    for (id, file, responses, ind, code) in [
        (
            "gost2015-ocsp-good",
            "gost2015-citizen",
            ["gost2015-citizen", "gost2015-nca-good"],
            "PASSED",
            "OK",
        ),
        (
            "gost2015-ocsp-revoked",
            "gost2015-revoked",
            ["gost2015-revoked", "gost2015-nca-good"],
            "FAILED",
            "CERT_REVOKED",
        ),
        (
            "gost2004-ocsp-good",
            "gost2004-citizen",
            ["gost2004-citizen", "gost2004-nca-good"],
            "PASSED",
            "OK",
        ),
        (
            "gost2004-ocsp-on-hold",
            "gost2004-on-hold",
            ["gost2004-on-hold", "gost2004-nca-good"],
            "INDETERMINATE",
            "CERT_REVOKED",
        ),
    ] {
        let r: Vec<String> = responses
            .iter()
            .map(|f| format!("../ocsp/{f}.der"))
            .collect();
        out.vector(json!({ "id": id, "kind": "certificate", "description": "revocation from stored GOST OCSP responses only", "input": format!("{people}/{file}.pem"), "revocation": "ocsp", "ocsp_responses": r, "expect": expect(ind, code) }));
    }
    out.write(
        "gost-certificates",
        "GOST 34.10-2015/512 and GOST 34.310-2004 certificates alone (qoltanba cert verify).",
        json!({ "at": AT, "trust_dir": TRUST_DIR }),
    )
}

fn crl_manifest(td: &Path) -> R<()> {
    let mut out = Out::new(td.join("crls"))?;
    let t = TRUST_DIR;
    for (id, file, ind, code) in [
        (
            "gost2015-nca-base",
            format!("{t}/gost2015-nca.crl"),
            "PASSED",
            "OK",
        ),
        (
            "gost2015-nca-delta",
            format!("{t}/gost2015-nca-delta.crl"),
            "PASSED",
            "OK",
        ),
        (
            "gost2015-root",
            format!("{t}/gost2015-root.crl"),
            "PASSED",
            "OK",
        ),
        (
            "gost2004-nca-base",
            format!("{t}/gost2004-nca.crl"),
            "PASSED",
            "OK",
        ),
        (
            "gost2004-nca-delta",
            format!("{t}/gost2004-nca-delta.crl"),
            "PASSED",
            "OK",
        ),
        (
            "gost2004-root",
            format!("{t}/gost2004-root.crl"),
            "PASSED",
            "OK",
        ),
        (
            "gost2015-stale",
            "gost2015-nca-stale.crl".into(),
            "INDETERMINATE",
            "REVOCATION_STALE",
        ),
        (
            "gost2015-forged",
            "gost2015-nca-forged.crl".into(),
            "INDETERMINATE",
            "CRL_INVALID",
        ),
        (
            "gost2015-bad-signature",
            "gost2015-nca-bad-signature.crl".into(),
            "INDETERMINATE",
            "CRL_INVALID",
        ),
        (
            "not-a-crl",
            "not-a-crl.crl".into(),
            "INDETERMINATE",
            "CRL_INVALID",
        ),
    ] {
        out.vector(json!({ "id": id, "kind": "crl", "input": file, "expect": expect(ind, code) }));
    }
    out.write(
        "gost-crls",
        "GOST-signed CRLs alone: parsed, verified with a GOST CA of the trust store, fresh.",
        json!({ "at": AT, "trust_dir": TRUST_DIR }),
    )
}

/// A TSA in process (RFC 3161 over a function call, no socket).
struct LocalTsa {
    tsa: GostCa,
    chain: Vec<Vec<u8>>,
}

impl qoltanba::tsp::TsaTransport for LocalTsa {
    fn post(&self, _url: &str, body: &[u8]) -> Result<Vec<u8>, String> {
        let t = qoltanba::tsp::responder::Tsa {
            signer: &self.tsa.signer,
            cert: &self.tsa.der,
            chain: &self.chain,
            policy: qoltanba::tsp::responder::DEMO_POLICY,
        };
        Ok(qoltanba::tsp::responder::respond(
            &t,
            body,
            AT_UNIX - 5 * DAY,
            &[0x42],
        ))
    }
}

fn pdfs(pki: &Pki, td: &Path) -> R<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc: qoltanba::pdf::render::ResultDoc = serde_json::from_slice(&std::fs::read(
        root.join("testdata/pdfs/result-notification.json"),
    )?)?;
    let unsigned = qoltanba::pdf::render::render(
        &doc,
        &[
            qoltanba::pdf::render::Lang::Kk,
            qoltanba::pdf::render::Lang::Ru,
        ],
        AT_UNIX - 5 * DAY,
    )?;
    let mut out = Out::new(td.join("pdfs"))?;
    let tsa = LocalTsa {
        tsa: pki.service("gost2015-tsa")?,
        chain: vec![pki.ca("gost2015-nca")?.der],
    };
    let sign = |name: &str, stamp: bool, with_tsa: bool| -> R<Vec<u8>> {
        let w = pki.who(name)?;
        let nca = pki.ca(if name.starts_with("gost2015") {
            "gost2015-nca"
        } else {
            "gost2004-nca"
        })?;
        let chain = vec![nca.der.clone()];
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
            tsa: with_tsa.then(|| {
                (
                    &tsa as &dyn qoltanba::tsp::TsaTransport,
                    "http://tsa.qoltanba.invalid/".to_string(),
                )
            }),
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
    let head = sign("gost2015-head", true, false)?;
    out.file("gost2015-signed-by-head.pdf", &head)?;
    out.file(
        "gost2004-signed-by-employee.pdf",
        &sign("gost2004-employee", true, false)?,
    )?;
    out.file(
        "gost2015-signed-by-revoked.pdf",
        &sign("gost2015-revoked", false, false)?,
    )?;
    out.file(
        "gost2015-timestamped.pdf",
        &sign("gost2015-citizen", false, true)?,
    )?;
    let mut tampered = head.clone();
    let pos = tampered
        .windows(7)
        .position(|w| w == b"/Length")
        .ok_or("no /Length")?;
    tampered[pos + 9] ^= 0x01;
    out.file("gost2015-tampered.pdf", &tampered)?;
    for (id, file, ind, code) in [
        (
            "pdf-gost2015-signed-by-head",
            "gost2015-signed-by-head.pdf",
            "PASSED",
            "OK",
        ),
        (
            "pdf-gost2004-signed-by-employee",
            "gost2004-signed-by-employee.pdf",
            "PASSED",
            "OK",
        ),
        (
            "pdf-gost2015-signed-by-revoked",
            "gost2015-signed-by-revoked.pdf",
            "FAILED",
            "CERT_REVOKED",
        ),
        (
            "pdf-gost2015-timestamped",
            "gost2015-timestamped.pdf",
            "PASSED",
            "OK",
        ),
        (
            "pdf-gost2015-tampered",
            "gost2015-tampered.pdf",
            "FAILED",
            "DIGEST_MISMATCH",
        ),
    ] {
        out.vector(json!({ "id": id, "kind": "pdf", "input": file, "expect": expect(ind, code) }));
    }
    out.vector(json!({ "id": "pdf-gost2015-timestamped-after-expiry", "kind": "pdf", "description": "B-T with a token from the GOST TSA: proof of existence after the signer's certificate expired", "input": "gost2015-timestamped.pdf", "at": "2031-06-01T00:00:00Z", "expect": expect("PASSED", "OK") }));
    out.write(
        "gost-pdfs",
        "Result PDFs signed with GOST keys (PAdES), through qoltanba pdf verify.",
        json!({ "at": AT, "trust_dir": TRUST_DIR }),
    )
}
