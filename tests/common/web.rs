//! Helpers of the public pages' tests (`tests/web_*.rs`): a service with
//! the demo trust store, the officers' keys and the seal imported; a result
//! issued through the whole flow; a signed PDF stored as an issued document;
//! requests through the router (no sockets); multipart bodies; the access
//! code read back from the stamp with `pdftotext`.

#![allow(dead_code)]

use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use base64::Engine;
use qoltanba::api::AppState;
use qoltanba::config::Config;
use qoltanba::pki::signer::RingSigner;
use qoltanba::store::keys::Role;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;

/// The citizen of the demo flow (must never appear on a public page).
pub const CITIZEN_IIN: &str = "880101300123";
/// The seal key's id in the test key store.
pub const SEAL: &str = "service-seal";

pub fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

pub fn pem_der(p: &str) -> Vec<u8> {
    pem::parse(std::fs::read(repo(p)).unwrap())
        .unwrap()
        .into_contents()
}

pub fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

pub fn sha256_hex(b: &[u8]) -> String {
    qoltanba::pki::cert::hex(&qoltanba::pki::cert::sha256(b)).to_lowercase()
}

/// A demo person's key and certificate.
pub struct Who {
    pub key: RingSigner,
    pub cert: Vec<u8>,
    pub chain: Vec<Vec<u8>>,
}

pub fn who(name: &str) -> Who {
    Who {
        key: RingSigner::from_pkcs8(
            &pem_der(&format!("certs/people/{name}.key.pem")),
            None,
            false,
        )
        .unwrap(),
        cert: pem_der(&format!("certs/people/{name}.pem")),
        chain: vec![pem_der("certs/trust/nca-rsa.pem")],
    }
}

/// A PKCS#12 of a demo person (openssl, as an officer's key arrives).
pub fn p12_of(name: &str, dir: &Path) -> Vec<u8> {
    let out = dir.join(format!("{name}.p12"));
    let o = std::process::Command::new("openssl")
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
    std::fs::read(out).unwrap()
}

/// An answer read whole.
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// The service under test.
pub struct Site {
    pub state: Arc<AppState>,
    pub router: axum::Router,
    pub dir: tempfile::TempDir,
}

impl Site {
    /// With the head's and the employee's keys and the seal (the head's key
    /// stands in for the organisation's seal certificate of production).
    pub async fn new() -> Site {
        Site::with_public_url(Config::default().public_url).await
    }

    /// As `new`, with the stamps' QR codes pointing at `public_url`.
    pub async fn with_public_url(public_url: String) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            trust_dir: Some(repo("certs/trust")),
            crl_refresh_seconds: 0,
            seal_key_id: Some(SEAL.into()),
            public_url,
            ..Config::default()
        };
        let keys = qoltanba::keys::KeyStore::open(dir.path(), None).unwrap();
        keys.import_p12(&p12_of("head", dir.path()), "", "head", false)
            .unwrap();
        keys.import_p12(&p12_of("employee", dir.path()), "", "employee", false)
            .unwrap();
        keys.import_p12(&p12_of("head", dir.path()), "", SEAL, false)
            .unwrap();
        let service = qoltanba::api::build(config).await.unwrap();
        let router = qoltanba::api::router(service.state.clone());
        Site {
            state: service.state,
            router,
            dir,
        }
    }

    pub async fn key(&self, role: Role) -> String {
        self.state
            .store
            .create_api_key(role.as_str(), role, 0)
            .await
            .unwrap()
            .1
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut b = Request::builder().uri(path);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    pub async fn post(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut b = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::CONTENT_TYPE, content_type);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        if body.is_some() {
            b = b.header(header::CONTENT_TYPE, "application/json");
        }
        let r = self
            .send(
                b.body(body.map(|v| Body::from(v.to_string())).unwrap_or_default())
                    .unwrap(),
            )
            .await;
        (r.status, r.json())
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
        let c = who("citizen-rsa");
        let env = qoltanba::envelope::sign::sign(
            &request,
            false,
            &c.key,
            &c.cert,
            &c.chain,
            qoltanba::time::now(),
        )
        .unwrap();
        let (s, body) = self
            .call("POST", "/v1/applications", &portal, Some(json!({ "service": "housing-assistance", "channel": "portal", "request": b64(&request), "signature": b64(&env) })))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let number = body["number"].as_str().unwrap().to_string();
        let (s, body) = self
            .call(
                "POST",
                &format!("/v1/applications/{number}/decision"),
                &provider,
                Some(json!({ "decision": "approval" })),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let (s, body) = self
            .call(
                "POST",
                &format!("/v1/applications/{number}/sign"),
                &provider,
                Some(json!({ "key_id": "employee" })),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let (s, body) = self
            .call(
                "POST",
                &format!("/v1/applications/{number}/sign"),
                &head,
                Some(json!({ "key_id": "head" })),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let r = self
            .get(
                &format!("/v1/applications/{number}/result.pdf?iin={CITIZEN_IIN}"),
                &[("authorization", &format!("Bearer {portal}"))],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let d = self
            .get(
                &format!("/v1/applications/{number}/draft.pdf"),
                &[("authorization", &format!("Bearer {head}"))],
            )
            .await;
        assert_eq!(d.status, StatusCode::OK);
        Issued {
            number,
            pdf: r.body,
            draft: d.body,
        }
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
