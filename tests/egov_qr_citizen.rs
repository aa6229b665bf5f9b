//! A citizen signs their request in eGov mobile by scanning the portal's QR
//! code, over loopback: the portal opens a session with the request
//! (`POST /v1/submissions/egov-qr`), a client playing the app
//! (`common::egov_app`) signs the request bytes and PUTs the CMS back, and
//! the service submits it as `POST /v1/applications` would: condition 2 in
//! full. The citizen's own signing key registers the application; another
//! citizen's key (IIN mismatch) and the citizen's authentication key are
//! refused with the verdict's code, as process 4 says.
//!
//! Sessions are kept in the store: one opened before a restart is signed
//! after it (the same data directory and database, the same port); a second
//! instance on the same database answers a session's API 1, after which
//! neither does; its URLs answer once; after its expiry (15 minutes) API 1 refuses it and the
//! portal's poll says `expired`. Both on SQLite and, with
//! `QOLTANBA_TEST_POSTGRES_URL` (set by `./scripts/test`), on PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::app::{App, Served};
use common::demo::b64;
use common::egov_app::{self, http};
use common::web::CITIZEN_IIN;
use qoltanba::store::keys::Role;
use serde_json::{Value, json};
use std::path::Path;

/// One instance of the service on `addr`, over `data_dir` and `database_url`.
async fn start(
    addr: std::net::SocketAddr,
    data_dir: &Path,
    database_url: Option<String>,
    fixed_now: Option<i64>,
) -> Served {
    App::serve(addr, |c| {
        c.data_dir = data_dir.to_path_buf();
        c.database_url = database_url;
        c.fixed_now = fixed_now;
    })
    .await
}

/// The portal opens a session over the citizen's request.
async fn open(app: &App, portal: &str, request: &Value) -> Value {
    let body = json!({
        "service": "housing-assistance",
        "request": b64(&serde_json::to_vec(request).expect("JSON")),
    });
    let (status, v) = app.post_json("/v1/submissions/egov-qr", portal, body).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(
        v["qr"]
            .as_str()
            .is_some_and(|q| q.starts_with("mobileSign:")),
        "{v}"
    );
    v
}

async fn poll(app: &App, portal: &str, session: &Value) -> (StatusCode, Value) {
    let id = session["session_id"].as_str().expect("id");
    let path = format!("/v1/submissions/egov-qr/{id}");
    app.get_json(&path, portal).await
}

/// The app signs the request with `who`'s key from the demo PKI.
async fn the_app_signs(session: &Value, who: &'static str) -> (u16, Value) {
    let qr = session["qr"].as_str().expect("qr");
    egov_app::the_app_signs_as(qr, "text/plain", who, |data| {
        let request: Value = serde_json::from_slice(data).expect("the request JSON");
        assert!(request["iin"].is_string(), "{request}");
    })
    .await
}

fn request(n: u32) -> Value {
    json!({ "iin": CITIZEN_IIN, "service": "housing-assistance", "note": n })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citizens_sign_their_request_by_scanning_the_qr_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let any = "127.0.0.1:0".parse().expect("addr");
    let served = start(any, dir.path(), None, None).await;
    let (portal, other_portal, provider) = (
        served.key(Role::Portal).await,
        served.key(Role::Portal).await,
        served.key(Role::Provider).await,
    );
    // Only the portal opens citizens' sessions.
    let (status, _) = served
        .call(
            "POST",
            "/v1/submissions/egov-qr",
            &provider,
            Some(json!({ "service": "housing-assistance", "request": b64(b"{}") })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A request without a 12-digit IIN, or of an unknown service, opens nothing.
    for body in [
        json!({ "service": "housing-assistance", "request": b64(br#"{"iin":"12"}"#) }),
        json!({ "service": "housing-assistance", "request": b64(b"not json") }),
        json!({ "service": "no-such", "request": b64(br#"{"iin":"880101300123"}"#) }),
        json!({ "service": "housing-assistance", "request": "%%%" }),
    ] {
        let (status, v) = served
            .call("POST", "/v1/submissions/egov-qr", &portal, Some(body))
            .await;
        assert_eq!(status.as_u16() / 100, 4, "{v}");
        assert!(v["code"].as_str().is_some(), "{v}");
    }

    let s = open(&served, &portal, &request(1)).await;
    assert_eq!(poll(&served, &portal, &s).await.1["state"], "waiting");
    // Another portal key cannot watch it.
    assert_eq!(
        poll(&served, &other_portal, &s).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, body) = the_app_signs(&s, "citizen-rsa").await;
    assert_eq!(status, 200, "{body}");
    let (_, p) = poll(&served, &portal, &s).await;
    assert_eq!(p["state"], "signed", "{p}");
    assert_eq!(p["application"]["status"], "registered", "{p}");
    assert_eq!(p["application"]["iin"], CITIZEN_IIN, "{p}");
    let number = p["application"]["number"].as_str().expect("number");
    let (status, app) = served
        .call(
            "GET",
            &format!("/v1/applications/{number}?iin={CITIZEN_IIN}"),
            &portal,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{app}");
    assert_eq!(app["channel"], "portal");

    // Condition 2 refuses another person's key (the request's IIN is not
    // theirs) and the citizen's authentication key; each refusal is kept.
    let refusals = served.state.store.count("refusals").await.expect("count");
    for (n, who, code) in [
        (2, "citizen2-rsa", "IIN_MISMATCH"),
        (3, "citizen-auth", "KEY_USAGE_INVALID"),
    ] {
        let s = open(&served, &portal, &request(n)).await;
        let (status, body) = the_app_signs(&s, who).await;
        assert_eq!(status, 422, "{who}: {body}");
        assert_eq!(body["code"], code, "{who}: {body}");
        let (_, p) = poll(&served, &portal, &s).await;
        assert_eq!(
            (p["state"].as_str(), p["problem"]["code"].as_str()),
            (Some("failed"), Some(code)),
            "{p}"
        );
    }
    assert_eq!(
        served.state.store.count("refusals").await.expect("count"),
        refusals + 2
    );
}

/// The databases to run on: SQLite always, PostgreSQL when given.
async fn databases() -> Vec<(&'static str, Option<String>)> {
    let postgres = common::fresh_postgres("qt_qr").await;
    let mut out = vec![("sqlite", None)];
    out.extend(postgres.map(|url| ("postgres", Some(url))));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_survive_a_restart_and_expire() {
    for (backend, url) in databases().await {
        let dir = tempfile::tempdir().expect("tempdir");
        let any = "127.0.0.1:0".parse().expect("addr");
        let first = start(any, dir.path(), url.clone(), None).await;
        let addr = first.addr();
        let portal = first.key(Role::Portal).await;
        let s = open(&first, &portal, &request(10)).await;
        let late = open(&first, &portal, &request(11)).await;
        let expires = late["expires_at"].as_str().expect("expires_at").to_string();
        // A second instance on the same database: the QR's API 1 answers
        // there once, and then at neither.
        let other = start(any, dir.path(), url.clone(), None).await;
        let shown = open(&first, &portal, &request(12)).await;
        let api = egov_app::api1_url(shown["qr"].as_str().expect("qr"));
        let via_other = api.replace(&addr.to_string(), &other.addr().to_string());
        let (at_other, at_first) = tokio::task::spawn_blocking(move || {
            (
                http("GET", &via_other, None, None).0,
                http("GET", &api, None, None).0,
            )
        })
        .await
        .expect("ran");
        assert_eq!((at_other, at_first), (200, 404), "{backend}");
        assert_eq!(poll(&first, &portal, &shown).await.1["state"], "fetched");
        other.stop().await;
        first.stop().await;

        // The restarted service continues the session opened before.
        let second = start(addr, dir.path(), url.clone(), None).await;
        let (status, body) = the_app_signs(&s, "citizen-rsa").await;
        assert_eq!(status, 200, "{backend}: {body}");
        let (_, p) = poll(&second, &portal, &s).await;
        assert_eq!(p["state"], "signed", "{backend}: {p}");
        second.stop().await;

        // Past its expiry the other session's API 1 refuses, and the portal
        // hears `expired`.
        let after =
            time::OffsetDateTime::parse(&expires, &time::format_description::well_known::Rfc3339)
                .expect("RFC 3339")
                .unix_timestamp()
                + 1;
        let third = start(addr, dir.path(), url.clone(), Some(after)).await;
        let api = egov_app::api1_url(late["qr"].as_str().expect("qr"));
        let (status, _) = tokio::task::spawn_blocking(move || http("GET", &api, None, None))
            .await
            .expect("ran");
        assert_eq!(status, 404, "{backend}");
        let (_, p) = poll(&third, &portal, &late).await;
        assert_eq!(p["state"], "expired", "{backend}: {p}");
        third.stop().await;
    }
}
