//! `qoltanba xml verify|sign` as a person runs them (exit statuses, the
//! signed bytes written out, WS-Security for the gateway) and
//! `POST /v1/xml/verify|sign` through the router.

mod common;
mod common_xml;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::app::App;
use common::demo::p12_file;
use common_xml::*;
use qoltanba::store::keys::Role;
use serde_json::{Value, json};
use std::process::Command;

fn qoltanba() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qoltanba"));
    c.env("QOLTANBA_TRUST_DIR", repo("certs/trust"));
    c
}

/// `qoltanba xml sign <options> --in <input> --p12 <p12> --out <out>`.
fn xml_sign(
    options: &[&str],
    input: &std::path::Path,
    p12: &std::path::Path,
    out: &std::path::Path,
) -> std::process::Output {
    let mut c = qoltanba();
    c.args(["xml", "sign"]).args(options);
    c.arg("--in")
        .arg(input)
        .arg("--p12")
        .arg(p12)
        .arg("--out")
        .arg(out);
    c.output().unwrap()
}

#[test]
fn cli_sign_then_verify_with_exit_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("request.xml");
    std::fs::write(&input, request("")).unwrap();
    let p12 = p12_file("citizen-rsa", dir.path());
    let signed = dir.path().join("signed.xml");
    let o = xml_sign(&[], &input, &p12, &signed);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A key whose certificate does not chain to the given anchor is refused.
    let rogue = repo("testdata/certs/rogue-root.pem");
    let trust = ["--trust", rogue.to_str().unwrap()];
    let o = xml_sign(&trust, &input, &p12, &dir.path().join("refused.xml"));
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("KEY_CERT_INVALID"));
    let verify = |file: &std::path::Path, extra: &[&str]| {
        qoltanba()
            .args(["xml", "verify"])
            .arg(file)
            .args(["--at", "2026-06-01T00:00:00Z", "--iin", "880101300123"])
            .args(extra)
            .output()
            .unwrap()
    };
    let bytes_out = dir.path().join("signed-bytes.xml");
    let o = verify(&signed, &["--signed-out", bytes_out.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["code"], "OK");
    assert_eq!(v["envelope"]["references"][0]["path"], "/request");
    let canonical = std::fs::read(&bytes_out).unwrap();
    assert!(canonical.starts_with(b"<request xmlns=\"urn:kz:egov:housing\""));
    assert!(!String::from_utf8_lossy(&canonical).contains("Signature"));
    // Tampered: FAILED, exit 1. Another IIN: FAILED. Not XML: FAILED.
    let tampered = dir.path().join("tampered.xml");
    std::fs::write(
        &tampered,
        std::fs::read_to_string(&signed)
            .unwrap()
            .replace("Әсет", "Асет"),
    )
    .unwrap();
    let o = verify(&tampered, &["--format", "text"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("DIGEST_MISMATCH"));
    let o = qoltanba()
        .args(["xml", "verify"])
        .arg(&signed)
        .args(["--at", "2026-06-01T00:00:00Z", "--iin", "920515450120"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    // Untrusted (another anchor): INDETERMINATE, exit 3.
    let o = verify(
        &signed,
        &[
            "--trust",
            repo("testdata/certs/rogue-root.pem").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(3));
    // Usage errors: exit 2.
    let o = qoltanba()
        .args(["xml", "verify", "/nonexistent.xml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn cli_signs_for_the_gateway() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("message.xml");
    std::fs::write(&input, GATEWAY_REQUEST).unwrap();
    let p12 = p12_file("citizen-rsa", dir.path());
    let signed = dir.path().join("signed.xml");
    let o = xml_sign(&["--wsse", "--timestamp-ttl", "600"], &input, &p12, &signed);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = qoltanba()
        .args(["xml", "verify", "--iin-element", "iin", "--format", "text"])
        .arg(&signed)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(
        text.contains("signed: /SOAP-ENV:Envelope/SOAP-ENV:Body"),
        "{text}"
    );
    // An hour later the 10-minute Timestamp has expired.
    let later = qoltanba::time::rfc3339(qoltanba::time::now() + 3600);
    let o = qoltanba()
        .args(["xml", "verify", "--at", &later])
        .arg(&signed)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["code"], "MESSAGE_EXPIRED", "{v}");
    assert_eq!(o.status.code(), Some(1));
}

/// The service (its CRL refresh running, as in production).
async fn app() -> App {
    let default_refresh = qoltanba::config::Config::default().crl_refresh_seconds;
    App::with(|config| config.crl_refresh_seconds = default_refresh).await
}

#[tokio::test]
async fn http_sign_and_verify() {
    let app = app().await;
    let now = qoltanba::time::now();
    let portal = app.key_named("p", Role::Portal, now).await;
    let provider = app.key_named("e", Role::Provider, now).await;
    app.import_keys(&[("employee", "employee")]);

    for (wsse, doc) in [(false, request("")), (true, GATEWAY_REQUEST.to_string())] {
        let (s, r) = app
            .post_json(
                "/v1/xml/sign",
                &provider,
                json!({ "key_id": "employee", "xml": STANDARD.encode(&doc), "wsse": wsse }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let signed = STANDARD.decode(r["xml"].as_str().unwrap()).unwrap();
        let (s, v) = app
            .post_json(
                "/v1/xml/verify",
                &portal,
                json!({ "xml": STANDARD.encode(&signed) }),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["code"], "OK", "{v}");
        let reference = &v["envelope"]["references"][0];
        let bytes = STANDARD
            .decode(reference["signed_bytes"].as_str().unwrap())
            .unwrap();
        assert_eq!(reference["signed_length"], json!(bytes.len()));
        assert!(!bytes.is_empty());
        assert_eq!(
            v["envelope"]["format"],
            if wsse { "ws-security" } else { "xmldsig" }
        );
        // A portal key may not sign.
        let (s, _) = app
            .post_json(
                "/v1/xml/sign",
                &portal,
                json!({ "key_id": "employee", "xml": STANDARD.encode(&doc) }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    // A failed verdict is a 200 result; a body that is not base64 is a 400.
    let (s, v) = app
        .post_json(
            "/v1/xml/verify",
            &portal,
            json!({ "xml": STANDARD.encode("<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>") }),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::OK, Some("ENVELOPE_MALFORMED"))
    );
    let (s, _) = app
        .post_json("/v1/xml/verify", &portal, json!({ "xml": "%%%" }))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let _ = AT;
}
