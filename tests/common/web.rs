//! Helpers of the public pages' tests (`tests/web_*.rs`): a service with
//! the demo trust store, the officers' keys and the seal imported; a result
//! issued through the whole flow; a signed PDF stored as an issued document;
//! multipart bodies; the access code read back from the stamp with
//! `pdftotext`. Requests go through the router (`common::app`, no sockets).

use axum::http::StatusCode;
use qoltanba::config::Config;
use qoltanba::store::keys::Role;
use serde_json::json;

/// The citizen of the demo flow (must never appear on a public page).
pub const CITIZEN_IIN: &str = "880101300123";
/// The portal's channel and the service of the demo flow.
const PORTAL: (&str, &str) = ("portal", "housing-assistance");
/// The seal key's id in the test key store.
pub const SEAL: &str = "service-seal";

#[allow(unused_imports)]
pub use super::app::{App, Resp};
#[allow(unused_imports)]
pub use super::demo::{Who, b64, p12_of, sha256_hex, who};
#[allow(unused_imports)]
pub use super::{pem_der, repo};

/// The service of the public pages: an `App` with the head's and the
/// employee's keys and the seal (the head's key stands in for the
/// organisation's seal certificate of production).
pub struct Site(App);

impl std::ops::Deref for Site {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

impl Site {
    pub async fn new() -> Site {
        Site::with_public_url(Config::default().public_url).await
    }

    /// As `new`, with the stamps' QR codes pointing at `public_url`.
    pub async fn with_public_url(public_url: String) -> Site {
        let keys = [("head", "head"), ("employee", "employee"), ("head", SEAL)];
        let app = App::with_keys(&keys, |config| {
            config.seal_key_id = Some(SEAL.into());
            config.public_url = public_url;
        });
        Site(app.await)
    }

    /// A result issued through the whole flow: the portal submits, the
    /// provider approves, the employee signs the draft, the head the result.
    pub async fn issue(&self) -> Issued {
        let (portal, provider, head) = (
            self.key(Role::Portal).await,
            self.key(Role::Provider).await,
            self.key(Role::Head).await,
        );
        let request = serde_json::to_vec(&json!({ "iin": CITIZEN_IIN, "service": "housing-assistance", "note": format!("web {}", rand_note()) })).unwrap();
        let (s, body) = self
            .submit_signed(&portal, PORTAL, "citizen-rsa", &request)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let number = body["number"].as_str().unwrap().to_string();
        // The provider approves, the employee signs the draft, the head the result.
        for (action, token, body) in [
            ("decision", &provider, json!({ "decision": "approval" })),
            ("sign", &provider, json!({ "key_id": "employee" })),
            ("sign", &head, json!({ "key_id": "head" })),
        ] {
            let (s, body) = self.act(&number, action, token, body).await;
            assert_eq!(s, StatusCode::OK, "{body}");
        }
        let result = format!("/v1/applications/{number}/result.pdf?iin={CITIZEN_IIN}");
        let (status, pdf) = self.raw(&result, &portal).await;
        assert_eq!(status, StatusCode::OK);
        let draft = format!("/v1/applications/{number}/draft.pdf");
        let (status, draft) = self.raw(&draft, &head).await;
        assert_eq!(status, StatusCode::OK);
        Issued { number, pdf, draft }
    }

    /// Stores a signed PDF as the issued result of a new application.
    pub async fn put_result(&self, pdf: &[u8]) -> String {
        let store = &self.state.store;
        let note = rand_note();
        let (app, _) = store
            .register(&qoltanba::store::applications::NewApplication {
                provider: "120340000123",
                prefix: "120340000123",
                year: 2026,
                service: "housing-assistance",
                channel: "portal",
                iin: CITIZEN_IIN,
                request_sha256: &sha256_hex(note.as_bytes()),
                request: "{}",
                envelope: "",
                at: qoltanba::time::now(),
                deadline: "2026-12-31",
                stages: "{}",
                created_by: "test",
            })
            .await
            .unwrap();
        assert!(
            store
                .transition(
                    &app.number,
                    qoltanba::store::applications::Status::Registered,
                    qoltanba::store::applications::Status::ResultSigned,
                    ("test", "head"),
                    "sign",
                    "test",
                    None,
                    Some(&b64(pdf)),
                    qoltanba::time::now()
                )
                .await
                .unwrap()
        );
        app.number
    }
}

fn rand_note() -> String {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 8];
    ring::rand::SystemRandom::new().fill(&mut b).unwrap();
    qoltanba::pki::cert::hex(&b)
}

/// A result issued through the flow.
pub struct Issued {
    pub number: String,
    /// The signed result (the employee's certification, then the head's signature).
    pub pdf: Vec<u8>,
    /// The draft the head signed (its SHA-256 is in the head's QR code).
    pub draft: Vec<u8>,
}

impl Issued {
    /// The path of the head's QR link.
    pub fn link(&self) -> String {
        format!(
            "/verify?doc={}&sha256={}",
            self.number,
            sha256_hex(&self.draft)
        )
    }
}

/// The access codes printed on a PDF's stamps, read back with pdftotext.
pub fn access_codes(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("doc.pdf");
    std::fs::write(&f, pdf).unwrap();
    let o = std::process::Command::new("pdftotext")
        .arg(&f)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; scripts/test installs it)");
    let text = String::from_utf8_lossy(&o.stdout);
    let mut codes = Vec::new();
    for line in text.lines() {
        if let Some((_, code)) = line.split_once("Код доступа:") {
            codes.push(code.trim().chars().take(9).collect());
        }
    }
    codes
}

/// A `multipart/form-data` body: (content type, bytes).
pub fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "qoltanba-test-boundary-7d3f";
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A copy of a signed PDF with one byte inside its first stream changed:
/// the structure still reads, the signed bytes are not the same.
pub fn altered(pdf: &[u8]) -> Vec<u8> {
    let mut out = pdf.to_vec();
    let at = out
        .windows(7)
        .position(|w| w == b"stream\n")
        .expect("a stream")
        + 7
        + 10;
    out[at] ^= 0x01;
    out
}
