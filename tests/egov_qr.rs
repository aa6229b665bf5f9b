//! eGov mobile QR signing over loopback: the service listens on a port, an
//! officer opens a session (`POST /v1/applications/{n}/sign/egov-qr`), and
//! a client playing the eGov mobile app reads the QR text (`mobileSign:` +
//! API 1), calls API 1 (once), API 2 with the one-time `auth_token`, signs
//! `documentsToSign` with the officer's key (a detached CAdES, as the app
//! does) and PUTs the signed list back. The employee's and the head's
//! signatures are made that way; a CMS of another key is refused and
//! closes its session; the PDF passes pdfsig.

mod common;

use axum::http::StatusCode;
use common::app::{App, Served};
use common::egov_app;
use common::flow::cert_pem;
use common::pdf_judge::pdfsig_of;
use common::web::CITIZEN_IIN;
use serde_json::{Value, json};

async fn start() -> Served {
    App::serve("127.0.0.1:0".parse().expect("addr"), |_| {}).await
}

/// The officer opens a QR session with their certificate.
async fn open(app: &App, number: &str, token: &str, who: &str) -> Value {
    let body = json!({ "certificate": cert_pem(who) });
    let (status, v) = app.act(number, "sign/egov-qr", token, body).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

fn session_path(number: &str, session: &Value) -> String {
    let id = session["session_id"].as_str().expect("id");
    format!("/v1/applications/{number}/sign/egov-qr/{id}")
}

async fn poll(app: &App, number: &str, token: &str, session: &Value) -> Value {
    let (status, v) = app.get_json(&session_path(number, session), token).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

/// The app signs the document with `who`'s key from the demo PKI.
async fn the_app_signs(qr: &str, who: &'static str) -> (u16, Value) {
    egov_app::the_app_signs_as(qr, "@file/pdf", who, |data| {
        assert!(data.starts_with(b"%PDF-"))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officers_sign_by_scanning_the_qr_code() {
    let served = start().await;
    let (portal, provider, head) = served.flow_keys().await;
    let number = served.decided(&portal, &provider).await;

    let s = open(&served, &number, &provider, "employee").await;
    let qr = s["qr"].as_str().expect("qr").to_string();
    assert!(qr.starts_with("mobileSign:http://127.0.0.1:"), "{qr}");
    assert!(
        s["egov_mobile_link"].as_str().is_some_and(
            |l| l.starts_with("https://mgovsign.page.link/?link=http%3A%2F%2F127.0.0.1")
        ),
        "{s}"
    );
    assert_eq!(
        poll(&served, &number, &provider, &s).await["state"],
        "waiting"
    );
    // Another officer cannot watch it.
    let (status, _) = served.get_json(&session_path(&number, &s), &head).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = the_app_signs(&qr, "employee").await;
    assert_eq!(status, 200, "{body}");
    let p = poll(&served, &number, &provider, &s).await;
    assert_eq!(p["state"], "signed", "{p}");
    assert_eq!(p["application"]["status"], "result_drafted", "{p}");

    // The head's session, signed in the app with the employee's key: refused.
    let s = open(&served, &number, &head, "head").await;
    let (status, body) = the_app_signs(s["qr"].as_str().expect("qr"), "employee").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["sign_code"], "CMS_SIGNER_MISMATCH", "{body}");
    let p = poll(&served, &number, &head, &s).await;
    assert_eq!(
        (p["state"].as_str(), p["problem"]["sign_code"].as_str()),
        (Some("failed"), Some("CMS_SIGNER_MISMATCH")),
        "{p}"
    );

    let s = open(&served, &number, &head, "head").await;
    let (status, body) = the_app_signs(s["qr"].as_str().expect("qr"), "head").await;
    assert_eq!(status, 200, "{body}");
    let p = poll(&served, &number, &head, &s).await;
    assert_eq!(p["application"]["status"], "result_signed", "{p}");

    let pdf = served.result_pdf(&number, CITIZEN_IIN, &portal).await;
    assert_eq!(
        pdfsig_of(&pdf),
        vec![(true, true, false), (true, true, true)]
    );
}

/// An unknown token, and a session's URLs after the app is done, answer 404.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_tokens_are_refused() {
    let served = start().await;
    let (status, _) = served.raw("/v1/egov-qr/0123456789abcdef", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = served
        .call(
            "PUT",
            "/v1/egov-qr/0123456789abcdef/documents",
            "x",
            Some(json!({ "documentsToSign": [] })),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
