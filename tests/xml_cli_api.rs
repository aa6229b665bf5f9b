//! `qoltanba xml verify|sign` as a person runs them (exit statuses, the
//! signed bytes written out, WS-Security for the gateway) and
//! `POST /v1/xml/verify|sign` through the router.

mod common_xml;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common_xml::*;
use qoltanba::store::keys::Role;
use serde_json::{Value, json};
use std::process::Command;
use tower::ServiceExt;

fn qoltanba() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qoltanba"));
    c.env("QOLTANBA_TRUST_DIR", repo("certs/trust"));
    c
}

fn p12_of(name: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let out = dir.join(format!("{name}.p12"));
    let o = Command::new("openssl")
        .args(["pkcs12", "-export", "-passout", "pass:", "-inkey"])
        .arg(repo(&format!("certs/people/{name}.key.pem")))
        .arg("-in")
        .arg(repo(&format!("certs/people/{name}.pem")))
        .arg("-certfile")
        .arg(repo("certs/trust/nca-rsa.pem"))
        .arg("-out")
        .arg(&out)
        .output()
        .expect("openssl is installed");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

#[test]
fn cli_sign_then_verify_with_exit_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("request.xml");
    std::fs::write(&input, request("")).unwrap();
    let p12 = p12_of("citizen-rsa", dir.path());
    let signed = dir.path().join("signed.xml");
    let o = qoltanba()
        .args(["xml", "sign", "--in"])
        .arg(&input)
        .arg("--p12")
        .arg(&p12)
        .arg("--out")
        .arg(&signed)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A key whose certificate does not chain to the given anchor is refused.
    let o = qoltanba()
        .args(["xml", "sign", "--in"])
        .arg(&input)
        .arg("--p12")
        .arg(&p12)
        .arg("--trust")
        .arg(repo("testdata/certs/rogue-root.pem"))
        .arg("--out")
        .arg(dir.path().join("refused.xml"))
        .output()
        .unwrap();
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
    let p12 = p12_of("citizen-rsa", dir.path());
    let signed = dir.path().join("signed.xml");
    let o = qoltanba()
        .args(["xml", "sign", "--wsse", "--timestamp-ttl", "600", "--in"])
        .arg(&input)
        .arg("--p12")
        .arg(&p12)
        .arg("--out")
        .arg(&signed)
        .output()
        .unwrap();
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

async fn app() -> (
    std::sync::Arc<qoltanba::api::AppState>,
    axum::Router,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let config = qoltanba::config::Config {
        data_dir: dir.path().to_path_buf(),
        trust_dir: Some(repo("certs/trust")),
        database_url: None,
        ..Default::default()
    };
    let service = qoltanba::api::build(config).await.unwrap();
    let router = qoltanba::api::router(service.state.clone());
    (service.state, router, dir)
}

async fn post(router: &axum::Router, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn http_sign_and_verify() {
    let (state, router, dir) = app().await;
    let now = qoltanba::time::now();
    let (_, portal) = state
        .store
        .create_api_key("p", Role::Portal, now)
        .await
        .unwrap();
    let (_, provider) = state
        .store
        .create_api_key("e", Role::Provider, now)
        .await
        .unwrap();
    let keys = qoltanba::keys::KeyStore::open(&state.config.data_dir, None).unwrap();
    let p12 = std::fs::read(p12_of("employee", dir.path())).unwrap();
    keys.import_p12(&p12, "", "employee", false).unwrap();

    for (wsse, doc) in [(false, request("")), (true, GATEWAY_REQUEST.to_string())] {
        let (s, r) = post(
            &router,
            "/v1/xml/sign",
            &provider,
            json!({ "key_id": "employee", "xml": STANDARD.encode(&doc), "wsse": wsse }),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let signed = STANDARD.decode(r["xml"].as_str().unwrap()).unwrap();
        let (s, v) = post(
            &router,
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
        let (s, _) = post(
            &router,
            "/v1/xml/sign",
            &portal,
            json!({ "key_id": "employee", "xml": STANDARD.encode(&doc) }),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    // A failed verdict is a 200 result; a body that is not base64 is a 400.
    let (s, v) = post(
        &router,
        "/v1/xml/verify",
        &portal,
        json!({ "xml": STANDARD.encode("<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>") }),
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::OK, Some("ENVELOPE_MALFORMED"))
    );
    let (s, _) = post(&router, "/v1/xml/verify", &portal, json!({ "xml": "%%%" })).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let _ = AT;
}
