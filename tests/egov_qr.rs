//! eGov mobile QR signing over loopback: the service listens on a port, an
//! officer opens a session (`POST /v1/applications/{n}/sign/egov-qr`), and
//! a client playing the eGov mobile app reads the QR text (`mobileSign:` +
//! API 1), calls API 1 (once), API 2 with the one-time `auth_token`, signs
//! `documentsToSign` with the officer's key (a detached CAdES, as the app
//! does) and PUTs the signed list back. The employee's and the head's
//! signatures are made that way; a CMS of another key is refused and
//! closes its session; the PDF passes pdfsig.

mod common;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use base64::Engine;
use common::egov_app;
use common::pdf_judge::pdfsig;
use qoltanba::api::AppState;
use qoltanba::config::Config;
use qoltanba::pki::signer::RingSigner;
use qoltanba::store::keys::Role;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;

const CITIZEN_IIN: &str = "880101300123";

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn pem_der(p: &str) -> Vec<u8> {
    pem::parse(std::fs::read(repo(p)).expect("reads"))
        .expect("PEM")
        .into_contents()
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

struct Served {
    state: Arc<AppState>,
    router: axum::Router,
    _dir: tempfile::TempDir,
}

impl Served {
    async fn start() -> Served {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let addr = listener.local_addr().expect("address");
        let dir = tempfile::tempdir().expect("tempdir");
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            trust_dir: Some(repo("certs/trust")),
            crl_refresh_seconds: 0,
            public_url: format!("http://{addr}/verify"),
            ..Config::default()
        };
        let service = qoltanba::api::build(config).await.expect("builds");
        let router = qoltanba::api::router(service.state.clone());
        let app = router.clone();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Served {
            state: service.state,
            router,
            _dir: dir,
        }
    }

    async fn key(&self, role: Role) -> String {
        self.state
            .store
            .create_api_key(role.as_str(), role, 0)
            .await
            .expect("API key")
            .1
    }

    async fn raw(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Vec<u8>) {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        if body.is_some() {
            b = b.header(header::CONTENT_TYPE, "application/json");
        }
        let req = b
            .body(body.map(|v| Body::from(v.to_string())).unwrap_or_default())
            .expect("request");
        let resp = self.router.clone().oneshot(req).await.expect("response");
        let status = resp.status();
        (
            status,
            to_bytes(resp.into_body(), usize::MAX)
                .await
                .expect("body")
                .to_vec(),
        )
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (s, b) = self.raw(method, path, token, body).await;
        (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    async fn decided(&self, portal: &str, provider: &str) -> String {
        let request =
            serde_json::to_vec(&json!({ "iin": CITIZEN_IIN, "service": "housing-assistance" }))
                .expect("JSON");
        let key = RingSigner::from_pkcs8(&pem_der("certs/people/citizen-rsa.key.pem"), None, false)
            .expect("key");
        let envelope = qoltanba::envelope::sign::sign(
            &request,
            false,
            &key,
            &pem_der("certs/people/citizen-rsa.pem"),
            &[pem_der("certs/trust/nca-rsa.pem")],
            qoltanba::time::now(),
        )
        .expect("signs");
        let body = json!({ "service": "housing-assistance", "channel": "portal", "request": b64().encode(&request), "signature": b64().encode(&envelope) });
        let (status, v) = self
            .call("POST", "/v1/applications", portal, Some(body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        let number = v["number"].as_str().expect("number").to_string();
        let (status, v) = self
            .call(
                "POST",
                &format!("/v1/applications/{number}/decision"),
                provider,
                Some(json!({ "decision": "approval" })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        number
    }

    /// The officer opens a QR session with their certificate.
    async fn open(&self, number: &str, token: &str, who: &str) -> Value {
        let cert =
            std::fs::read_to_string(repo(&format!("certs/people/{who}.pem"))).expect("reads");
        let (status, v) = self
            .call(
                "POST",
                &format!("/v1/applications/{number}/sign/egov-qr"),
                token,
                Some(json!({ "certificate": cert })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        v
    }

    async fn poll(&self, number: &str, token: &str, session: &Value) -> Value {
        let (status, v) = self
            .call(
                "GET",
                &format!(
                    "/v1/applications/{number}/sign/egov-qr/{}",
                    session["session_id"].as_str().expect("id")
                ),
                token,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        v
    }
}

/// The app signs the document with `who`'s key from the demo PKI.
async fn the_app_signs(qr: &str, who: &'static str) -> (u16, Value) {
    egov_app::the_app_signs(qr, "@file/pdf", move |data| {
        assert!(data.starts_with(b"%PDF-"));
        let key = RingSigner::from_pkcs8(
            &pem_der(&format!("certs/people/{who}.key.pem")),
            None,
            false,
        )
        .expect("key");
        qoltanba::envelope::sign::sign(
            data,
            false,
            &key,
            &pem_der(&format!("certs/people/{who}.pem")),
            &[pem_der("certs/trust/nca-rsa.pem")],
            qoltanba::time::now(),
        )
        .expect("the app signs")
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officers_sign_by_scanning_the_qr_code() {
    let served = Served::start().await;
    let (portal, provider, head) = (
        served.key(Role::Portal).await,
        served.key(Role::Provider).await,
        served.key(Role::Head).await,
    );
    let number = served.decided(&portal, &provider).await;

    let s = served.open(&number, &provider, "employee").await;
    let qr = s["qr"].as_str().expect("qr").to_string();
    assert!(qr.starts_with("mobileSign:http://127.0.0.1:"), "{qr}");
    assert!(
        s["egov_mobile_link"].as_str().is_some_and(
            |l| l.starts_with("https://mgovsign.page.link/?link=http%3A%2F%2F127.0.0.1")
        ),
        "{s}"
    );
    assert_eq!(
        served.poll(&number, &provider, &s).await["state"],
        "waiting"
    );
    // Another officer cannot watch it.
    let (status, _) = served
        .call(
            "GET",
            &format!(
                "/v1/applications/{number}/sign/egov-qr/{}",
                s["session_id"].as_str().expect("id")
            ),
            &head,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = the_app_signs(&qr, "employee").await;
    assert_eq!(status, 200, "{body}");
    let p = served.poll(&number, &provider, &s).await;
    assert_eq!(p["state"], "signed", "{p}");
    assert_eq!(p["application"]["status"], "result_drafted", "{p}");

    // The head's session, signed in the app with the employee's key: refused.
    let s = served.open(&number, &head, "head").await;
    let (status, body) = the_app_signs(s["qr"].as_str().expect("qr"), "employee").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["sign_code"], "CMS_SIGNER_MISMATCH", "{body}");
    let p = served.poll(&number, &head, &s).await;
    assert_eq!(
        (p["state"].as_str(), p["problem"]["sign_code"].as_str()),
        (Some("failed"), Some("CMS_SIGNER_MISMATCH")),
        "{p}"
    );

    let s = served.open(&number, &head, "head").await;
    let (status, body) = the_app_signs(s["qr"].as_str().expect("qr"), "head").await;
    assert_eq!(status, 200, "{body}");
    let p = served.poll(&number, &head, &s).await;
    assert_eq!(p["application"]["status"], "result_signed", "{p}");

    let (status, pdf) = served
        .raw(
            "GET",
            &format!("/v1/applications/{number}/result.pdf?iin={CITIZEN_IIN}"),
            &portal,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("result.pdf");
    std::fs::write(&file, &pdf).expect("writes");
    assert_eq!(pdfsig(&file), vec![(true, true, false), (true, true, true)]);
}

/// An unknown token, and a session's URLs after the app is done, answer 404.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_tokens_are_refused() {
    let served = Served::start().await;
    let (status, _) = served
        .raw("GET", "/v1/egov-qr/0123456789abcdef", "", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = served
        .raw(
            "PUT",
            "/v1/egov-qr/0123456789abcdef/documents",
            "x",
            Some(json!({ "documentsToSign": [] })),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
