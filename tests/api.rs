//! The HTTP API end to end, in process: every route through the router, one
//! audit row per audited call, OpenAPI coverage of the route table, the role
//! matrix, a suite of malformed requests that must all be 4xx problems and
//! write nothing, and a concurrency smoke test.
//!
//! Each test builds its own service over a fresh data folder (SQLite) and the
//! demo trust store, and drives `api::router` with `tower::ServiceExt::oneshot`.

mod common;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use common::app::App;
use common::demo::b64;
use common::repo;
use qoltanba::api::routes::{ROUTES, RouteSpec};
use qoltanba::config::Config;
use qoltanba::store::keys::Role;
use serde_json::{Value, json};
use std::sync::Arc;

/// The validation time of the shipped vectors.
const AT: &str = "2026-06-01T00:00:00Z";
/// The IIN of the shipped envelopes' signer.
const IIN: &str = "880101300123";

fn read(p: &str) -> Vec<u8> {
    std::fs::read(repo(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// A verify body for a shipped envelope.
fn envelope_body(file: &str) -> Value {
    json!({ "signature": b64(&read(&format!("testdata/envelopes/{file}"))), "iin": IIN, "at": AT })
}

fn pem(file: &str) -> String {
    String::from_utf8(read(&format!("certs/people/{file}"))).unwrap()
}

/// An answer, fully read.
struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    fn text(&self) -> String {
        let t = String::from_utf8_lossy(&self.body);
        t.chars().take(400).collect()
    }
}

/// A service over a fresh data folder (`common::app::App`), its CRL
/// refresh task running as in production.
struct Api(App);

impl std::ops::Deref for Api {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

impl Api {
    async fn new(body_limit: Option<usize>) -> Api {
        Api::with(|config| {
            if let Some(limit) = body_limit {
                config.body_limit = limit;
            }
        })
        .await
    }

    async fn with(change: impl FnOnce(&mut Config)) -> Api {
        let app = App::with(|config| {
            config.crl_refresh_seconds = Config::default().crl_refresh_seconds;
            change(config);
        });
        Api(app.await)
    }

    async fn key(&self, role: Role) -> String {
        self.key_named(role.as_str(), role, qoltanba::time::now())
            .await
    }

    async fn send(&self, req: Request<Body>) -> Resp {
        let r = self.0.send(req).await;
        Resp {
            status: r.status,
            headers: r.headers,
            body: r.body.into(),
        }
    }

    async fn post(&self, path: &str, token: &str, body: &Value) -> Resp {
        let auth = format!("Bearer {token}");
        let req = request(
            "POST",
            path,
            Some(auth.as_bytes()),
            Some("application/json"),
            body.to_string().into_bytes(),
        );
        self.send(req).await
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        let auth = token.map(|t| format!("Bearer {t}"));
        let req = request(
            "GET",
            path,
            auth.as_deref().map(str::as_bytes),
            None,
            vec![],
        );
        self.send(req).await
    }

    async fn count(&self, table: &str) -> i64 {
        self.state.store.count(table).await.unwrap()
    }

    /// Asserts `GET /v1/audit/verify` finds the chain intact with `records` rows.
    async fn assert_audit_intact(&self, admin: &str, records: i64) {
        let r = self.get("/v1/audit/verify", Some(admin)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let report = r.json();
        assert_eq!(report["problem"], Value::Null, "{report}");
        assert_eq!(report["records"], json!(records), "{report}");
    }
}

fn request(
    method: &str,
    path: &str,
    auth: Option<&[u8]>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(a) = auth {
        b = b.header(header::AUTHORIZATION, HeaderValue::from_bytes(a).unwrap());
    }
    if let Some(ct) = content_type {
        b = b.header(header::CONTENT_TYPE, ct);
    }
    b.body(Body::from(body)).unwrap()
}

/// `POST /v1/verify` of a shipped envelope as the holder of `token`.
async fn verify_shipped(app: &Api, token: &str, file: &str) -> Resp {
    app.post("/v1/verify", token, &envelope_body(file)).await
}

/// `POST /v1/certificates/info` with `bytes` as the certificate.
async fn certificate_info(app: &Api, token: &str, bytes: &[u8]) -> Resp {
    let body = json!({ "certificate": b64(bytes) });
    app.post("/v1/certificates/info", token, &body).await
}

/// Asserts a verdict with this code (and indication, when given).
fn assert_verdict(r: &Resp, code: &str, indication: Option<&str>) {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!(v["code"], json!(code), "{}", r.text());
    if let Some(i) = indication {
        assert_eq!(v["indication"], json!(i), "{}", r.text());
    }
}

/// Checks an RFC 9457 problem: 4xx, problem+json, a code, a kk/ru/en message.
fn check_problem(r: &Resp) -> Result<String, String> {
    let fail = |why: &str| Err(format!("{why}: {} {}", r.status, r.text()));
    if !r.status.is_client_error() {
        return fail("not 4xx");
    }
    if r.content_type() != "application/problem+json" {
        return fail(&format!("content type {:?}", r.content_type()));
    }
    let p = r.json();
    let code = p["code"].as_str().unwrap_or_default().to_string();
    if code.is_empty() {
        return fail("no code");
    }
    if p["status"] != json!(r.status.as_u16()) {
        return fail("status member differs from the HTTP status");
    }
    for lang in ["kk", "ru", "en"] {
        if p["message"][lang].as_str().unwrap_or_default().is_empty() {
            return fail(&format!("no {lang} message"));
        }
    }
    Ok(code)
}

fn assert_problem(r: &Resp, what: &str) -> String {
    check_problem(r).unwrap_or_else(|e| panic!("{what}: {e}"))
}

#[tokio::test]
async fn every_route_answers() {
    let app = Api::new(None).await;
    let portal = app.key(Role::Portal).await;
    let admin = app.key(Role::Admin).await;
    let _provider = app.key(Role::Provider).await;

    let r = verify_shipped(&app, &portal, "rsa-attached.p7s").await;
    assert_verdict(&r, "OK", Some("PASSED"));
    assert!(r.content_type().starts_with("application/json"));
    let v = r.json();
    assert!(
        v["message"]["kk"].is_string() && v["message"]["ru"].is_string(),
        "{v}"
    );

    // A failed verdict is a result, not an HTTP error.
    let r = verify_shipped(&app, &portal, "revoked.p7s").await;
    assert_verdict(&r, "CERT_REVOKED", Some("FAILED"));

    let mut detached = envelope_body("rsa-detached.p7s");
    detached["data"] = json!(b64(&read("testdata/envelopes/request.json")));
    let r = app.post("/v1/verify", &portal, &detached).await;
    assert_verdict(&r, "OK", Some("PASSED"));

    // Certificate facts, from PEM text and from base64 DER.
    let employee = pem("employee.pem");
    let der = ::pem::parse(&employee).unwrap().into_contents();
    for certificate in [employee.clone(), b64(&der)] {
        let r = app
            .post(
                "/v1/certificates/info",
                &portal,
                &json!({ "certificate": certificate }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let info = r.json();
        assert!(info["iin"].is_string(), "{info}");
        assert!(info["bin"].is_string(), "{info}");
        let roles = info["roles"].as_array().expect("roles");
        assert!(roles.contains(&json!("employee")), "{info}");
    }
    let r = certificate_info(&app, &portal, b"this is no certificate at all").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(assert_problem(&r, "info garbage"), "CERT_MALFORMED");

    let auth_cert = pem("citizen-auth.pem");
    let body = json!({ "certificate": auth_cert, "usage": "auth", "at": AT });
    let r = app.post("/v1/certificates/verify", &portal, &body).await;
    assert_verdict(&r, "OK", Some("PASSED"));
    let body = json!({ "certificate": auth_cert, "at": AT });
    let r = app.post("/v1/certificates/verify", &portal, &body).await;
    assert_verdict(&r, "KEY_USAGE_INVALID", Some("FAILED"));

    let r = app.get("/healthz", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], json!("ok"));

    let r = app.get("/readyz", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["status"], json!("ready"), "{}", r.text());

    let r = app.get("/metrics", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("text/plain"));
    let text = String::from_utf8(r.body.to_vec()).unwrap();
    assert!(text.contains("qoltanba_http_requests_total"), "{text}");
    assert!(text.contains("qoltanba_verdicts_total"), "{text}");

    let r = app.get("/openapi.json", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert!(
        doc["openapi"].as_str().unwrap_or("").starts_with("3.1"),
        "{doc}"
    );

    app.assert_audit_intact(&admin, 5).await;

    // Unknown routes and methods are problems too; a request id comes back.
    let r = app.get("/v1/nothing", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(assert_problem(&r, "404"), "NOT_FOUND");
    let r = app.get("/v1/verify", Some(&portal)).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(assert_problem(&r, "405"), "METHOD_NOT_ALLOWED");
    assert!(r.headers.contains_key("x-request-id"));
    // A caller's own request id comes back unchanged.
    let mut req = request("GET", "/healthz", None, None, Vec::new());
    req.headers_mut()
        .insert("x-request-id", HeaderValue::from_static("portal-7f3a"));
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["x-request-id"], "portal-7f3a");
    // One that is too long or not a token is replaced, not echoed or logged.
    for bad in ["x".repeat(129), "a b".to_string(), "id\t2".to_string()] {
        let mut req = request("GET", "/healthz", None, None, Vec::new());
        req.headers_mut()
            .insert("x-request-id", HeaderValue::from_str(&bad).unwrap());
        let r = app.send(req).await;
        assert_eq!(r.status, StatusCode::OK);
        let id = r.headers["x-request-id"].to_str().unwrap();
        assert!(id != bad && id.len() <= 32 && id.contains('-'), "{id}");
    }
}

#[tokio::test]
async fn audited_calls_append_exactly_one_row_each() {
    let app = Api::new(None).await;
    let portal = app.key(Role::Portal).await;
    let admin = app.key(Role::Admin).await;
    let mut detached = envelope_body("rsa-detached.p7s");
    detached["data"] = json!(b64(&read("testdata/envelopes/request.json")));
    let auth_cert = pem("citizen-auth.pem");
    let calls: Vec<(&str, Value, i64)> = vec![
        ("/v1/verify", envelope_body("rsa-attached.p7s"), 1),
        ("/v1/verify", envelope_body("revoked.p7s"), 1),
        ("/v1/verify", envelope_body("not-cms.p7s"), 1),
        ("/v1/verify", detached, 1),
        (
            "/v1/certificates/verify",
            json!({ "certificate": auth_cert, "usage": "auth", "at": AT }),
            1,
        ),
        (
            "/v1/certificates/verify",
            json!({ "certificate": auth_cert, "at": AT }),
            1,
        ),
        // Describing a certificate is not a verdict: no record.
        (
            "/v1/certificates/info",
            json!({ "certificate": pem("employee.pem") }),
            0,
        ),
    ];
    let mut expected = 0;
    for (path, body, rows) in calls {
        let before = app.count("audit").await;
        let r = app.post(path, &portal, &body).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
        assert_eq!(app.count("audit").await, before + rows, "{path} {body}");
        expected += rows;
        if rows == 1 {
            // The record says who did what and with which result.
            let last = app.state.store.audit_rows().await.unwrap().pop().unwrap();
            let op = path.trim_start_matches("/v1/").replace('/', ".");
            assert_eq!(last.entry.operation, op);
            assert_eq!(last.entry.role, "portal");
            assert_eq!(json!(last.entry.result_code), r.json()["code"]);
            assert_eq!(last.entry.data_sha256.len(), 64);
        }
    }
    // Reading the audit report is not audited.
    app.assert_audit_intact(&admin, expected).await;
    app.assert_audit_intact(&admin, expected).await;
    assert_eq!(app.count("audit").await, expected);
}

#[tokio::test]
async fn openapi_covers_every_route() {
    let app = Api::new(None).await;
    let doc = app.get("/openapi.json", None).await.json();
    let missing: Vec<String> = ROUTES
        .iter()
        .filter(|r| doc["paths"][r.path][r.method.to_lowercase()].is_null())
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        missing.is_empty(),
        "not in the OpenAPI document: {missing:?}"
    );
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

/// A syntactically valid body for each POST route.
fn sample_body(path: &str) -> Value {
    match path {
        "/v1/verify" => envelope_body("rsa-attached.p7s"),
        "/v1/certificates/info" => json!({ "certificate": pem("employee.pem") }),
        "/v1/certificates/verify" => json!({ "certificate": pem("citizen-rsa.pem"), "at": AT }),
        "/v1/sign/prepare" => {
            json!({ "data": b64(b"request"), "certificate": pem("citizen-rsa.pem") })
        }
        "/v1/vectors/run" => json!({ "archive": b64(&empty_vectors_tar()) }),
        "/v1/xml/verify" => json!({ "xml": b64(b"<request/>"), "at": AT }),
        _ => json!({}),
    }
}

/// A tar holding one manifest with no vectors.
fn empty_vectors_tar() -> Vec<u8> {
    let manifest = br#"{"suite": "empty", "vectors": []}"#;
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(manifest.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    b.append_data(&mut h, "manifest.json", &manifest[..])
        .unwrap();
    b.into_inner().unwrap()
}

async fn call_route(app: &Api, route: &RouteSpec, auth: Option<&str>) -> StatusCode {
    let body = if route.method == "POST" {
        sample_body(route.path).to_string().into_bytes()
    } else {
        vec![]
    };
    let ct = (route.method == "POST").then_some("application/json");
    let path = route.path.replace("{number}", "2026-000000000000-999999");
    let req = request(route.method, &path, auth.map(str::as_bytes), ct, body);
    app.send(req).await.status
}

#[tokio::test]
async fn role_matrix_follows_the_route_table() {
    let app = Api::new(None).await;
    let mut callers: Vec<(String, Option<String>, Option<Role>)> = vec![
        ("none".into(), None, None),
        ("garbage".into(), Some("Bearer not-a-key".into()), None),
        (
            "forged".into(),
            Some("Bearer qtb_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into()),
            None,
        ),
    ];
    let store = &app.state.store;
    let now = qoltanba::time::now();
    let (revoked_key, revoked) = store.create_api_key("x", Role::Admin, now).await.unwrap();
    store.revoke_api_key(&revoked_key.id, now).await.unwrap();
    callers.push(("revoked".into(), Some(format!("Bearer {revoked}")), None));
    for role in Role::ALL {
        let token = app.key(role).await;
        callers.push((
            role.as_str().into(),
            Some(format!("Bearer {token}")),
            Some(role),
        ));
    }

    let mut matrix = format!("{:<28}", "route");
    for (name, ..) in &callers {
        matrix += &format!("{name:>9}");
    }
    matrix.push('\n');
    let mut failures = Vec::new();
    for route in ROUTES {
        let label = format!("{} {}", route.method, route.path);
        matrix += &format!("{label:<28}");
        for (name, auth, role) in &callers {
            let status = call_route(&app, route, auth.as_deref()).await;
            matrix += &format!("{:>9}", status.as_u16());
            let normal = match route.path {
                // An empty sign or finish body is a request error, after auth.
                "/v1/sign" | "/v1/sign/finish" | "/v1/xml/sign" | "/v1/applications"
                | "/v1/attachments" => StatusCode::BAD_REQUEST,
                // The public pages without their parameters (docs/web.md):
                // a report of no file, a link without doc and sha256, an
                // upload that is not multipart; a form posted as JSON; no
                // asset named "{file}".
                "/v1/reports" | "/verify" => StatusCode::BAD_REQUEST,
                "/check" if route.method == "POST" => StatusCode::BAD_REQUEST,
                "/verify/document" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "/assets/{file}" => StatusCode::NOT_FOUND,
                // No such application: a 404 after auth.
                p if p.contains("{number}")
                    && (route.method == "GET" || p.ends_with("/deliver")) =>
                {
                    StatusCode::NOT_FOUND
                }
                p if p.contains("{number}") => StatusCode::BAD_REQUEST,
                // eGov QR: no such session (a GET), or no body (the PUT).
                p if p.contains("{token}") && route.method == "GET" => StatusCode::NOT_FOUND,
                p if p.contains("{token}") => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                // A citizen's QR session: no request (the POST), no such session (the GET).
                "/v1/submissions/egov-qr" => StatusCode::BAD_REQUEST,
                "/v1/submissions/egov-qr/{session}" => StatusCode::NOT_FOUND,
                _ => StatusCode::OK,
            };
            let ok = match (route.roles, role) {
                (None, _) => status == normal,
                (Some(_), None) => status == StatusCode::UNAUTHORIZED,
                (Some(allowed), Some(r)) if allowed.contains(r) => status == normal,
                (Some(_), Some(_)) => status == StatusCode::FORBIDDEN,
            };
            if !ok {
                failures.push(format!("{label} as {name}: {status}"));
            }
        }
        matrix.push('\n');
    }
    assert!(failures.is_empty(), "{failures:#?}\n{matrix}");
}

/// Who a malformed request claims to be.
enum Auth {
    Portal,
    Header(Vec<u8>),
    Absent,
}

struct Case {
    name: String,
    path: &'static str,
    auth: Auth,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    /// The status it must get.
    status: u16,
}

fn case(name: &str, body: impl Into<Vec<u8>>) -> Case {
    Case {
        name: name.to_string(),
        path: "/v1/verify",
        auth: Auth::Portal,
        content_type: Some("application/json"),
        body: body.into(),
        status: 400,
    }
}

impl Case {
    fn on(mut self, path: &'static str) -> Case {
        self.path = path;
        self
    }
    fn auth(mut self, auth: Auth) -> Case {
        self.auth = auth;
        self.status = 401;
        self
    }
    fn content_type(mut self, ct: Option<&'static str>) -> Case {
        self.content_type = ct;
        self.status = 415;
        self
    }
    fn status(mut self, status: u16) -> Case {
        self.status = status;
        self
    }
}

/// Runs the cases and asserts each is a 4xx problem; returns the failures.
async fn run_cases(app: &Api, portal: &str, cases: Vec<Case>) -> Vec<String> {
    let bearer = format!("Bearer {portal}").into_bytes();
    let mut failures = Vec::new();
    for c in cases {
        let auth = match &c.auth {
            Auth::Portal => Some(bearer.as_slice()),
            Auth::Header(h) => Some(h.as_slice()),
            Auth::Absent => None,
        };
        let req = request("POST", c.path, auth, c.content_type, c.body);
        let r = app.send(req).await;
        let what = format!("{} ({})", c.name, c.path);
        match check_problem(&r) {
            Err(e) => failures.push(format!("{what}: {e}")),
            Ok(_) if c.status != r.status.as_u16() => failures.push(format!(
                "{what}: expected {}, got {} {}",
                c.status,
                r.status,
                r.text()
            )),
            Ok(_) => {}
        }
    }
    failures
}

#[tokio::test]
async fn malformed_requests_are_problems_and_write_nothing() {
    let app = Api::new(None).await;
    let portal = app.key(Role::Portal).await;
    let admin = app.key(Role::Admin).await;
    // Something in the chain first, so "unchanged" means more than "empty".
    let r = verify_shipped(&app, &portal, "rsa-attached.p7s").await;
    assert_verdict(&r, "OK", None);
    let (audit_before, keys_before) = (app.count("audit").await, app.count("api_keys").await);

    let sig = b64(&read("testdata/envelopes/rsa-attached.p7s"));
    // The valid body with one member set to something else.
    let set = |key: &str, value: Value| {
        let mut b = json!({ "signature": sig, "iin": IIN, "at": AT });
        b[key] = value;
        b.to_string()
    };
    let valid = set("iin", json!(IIN));
    let many: Vec<String> = vec!["AAAA".into(); 33];
    const INFO: &str = "/v1/certificates/info";
    const CERT: &str = "/v1/certificates/verify";
    let cases = vec![
        case("empty body", ""),
        case("1 MB of whitespace", vec![b' '; 1 << 20]),
        case(
            "truncated JSON",
            format!("{{\"signature\": \"{}", &sig[..40]),
        ),
        case("empty array", "[]"),
        case("array of one", "[\"AAAA\"]"),
        case("array of two", format!(r#"["{sig}", null]"#)),
        case("null", "null"),
        case("number", "42"),
        case("string", "\"signature\""),
        case("signature: 5", r#"{"signature": 5}"#),
        case("signature: []", r#"{"signature": []}"#),
        case("signature: {}", r#"{"signature": {}}"#),
        case("signature: null", r#"{"signature": null}"#),
        case(
            "signature: huge number",
            r#"{"signature": 123456789012345678901234567890}"#,
        ),
        case("iin: 123", set("iin", json!(123))),
        case("at: true", set("at", json!(true))),
        case("data: 5", set("data", json!(5))),
        case("certs: \"x\"", set("certs", json!("x"))),
        case("certs: [1]", set("certs", json!([1]))),
        case("certs: [null]", set("certs", json!([null]))),
        case("crls: {}", set("crls", json!({}))),
        case("no_revocation: \"yes\"", set("no_revocation", json!("yes"))),
        case("no_revocation: 1", set("no_revocation", json!(1))),
        case("missing signature", r#"{}"#),
        case("only iin", format!(r#"{{"iin": "{IIN}", "at": "{AT}"}}"#)),
        case("unknown field", set("signatures", json!([]))),
        case(
            "invalid UTF-8",
            b"{\"signature\": \"\xff\xfe\xfd\"}".to_vec(),
        ),
        case("lone surrogate", r#"{"signature": "\ud800"}"#),
        case("raw control character", "{\"signature\": \"AA\u{1}AA\"}"),
        case(
            "bad base64 signature",
            set("signature", json!("!!not base64!!")),
        ),
        case("bad base64 data", set("data", json!("%%%"))),
        case("bad base64 certs[0]", set("certs", json!(["@@@@"]))),
        case("bad base64 crls[0]", set("crls", json!(["#"]))),
        case("at: yesterday", set("at", json!("yesterday"))),
        case("at: date only", set("at", json!("2026-06-01"))),
        case("at: month 13", set("at", json!("2026-13-01T00:00:00Z"))),
        case("at: no offset", set("at", json!("2026-06-01T00:00:00"))),
        case("at: empty", set("at", json!(""))),
        case("33 certs", set("certs", json!(many))),
        case("33 crls", set("crls", json!(many))),
        case("text/plain", valid.clone()).content_type(Some("text/plain")),
        case("no content type", valid.clone()).content_type(None),
        case("multipart", valid.clone()).content_type(Some("multipart/form-data; boundary=x")),
        case("json-seq", valid.clone()).content_type(Some("application/json-seq")),
        case("no Authorization", valid.clone()).auth(Auth::Absent),
        case("Basic auth", valid.clone())
            .auth(Auth::Header(b"Basic cG9ydGFsOnBvcnRhbA==".to_vec())),
        case("Bearer, empty token", valid.clone()).auth(Auth::Header(b"Bearer ".to_vec())),
        case("Bearer, garbage", valid.clone()).auth(Auth::Header(b"Bearer qtb_zz_zz".to_vec())),
        case("Bearer, non-ASCII", valid.clone())
            .auth(Auth::Header(b"Bearer qtb_\xff\xfe".to_vec())),
        case("token without scheme", valid.clone()).auth(Auth::Header(portal.clone().into_bytes())),
        case("10k nested arrays", "[".repeat(10_000)),
        case(
            "10k nested in a field",
            format!("{{\"signature\": {}", "[".repeat(10_000)),
        ),
        case("10k nested objects", "{\"a\":".repeat(10_000)),
        case(
            "duplicate keys",
            format!(r#"{{"signature": "{sig}", "signature": "AAAA"}}"#),
        ),
        case(
            "BOM-prefixed",
            [&b"\xef\xbb\xbf"[..], valid.as_bytes()].concat(),
        ),
        case("trailing garbage", format!("{valid}xyz")),
        case("two objects", format!("{valid}{valid}")),
        case("NaN", r#"{"signature": NaN}"#),
        case("single quotes", "{'signature': 'AAAA'}"),
        case("info: bad base64", r#"{"certificate": "!!!"}"#).on(INFO),
        case("info: missing field", "{}").on(INFO),
        case("info: unknown field", r#"{"certificate": "A", "at": 1}"#).on(INFO),
        case("info: not JSON", "certificate=AAAA").on(INFO),
        case("info: text/plain", "{}")
            .on(INFO)
            .content_type(Some("text/plain")),
        case("cert: usage bogus", r#"{"certificate": "A", "usage": "x"}"#).on(CERT),
        case("cert: at soon", r#"{"certificate": "AAAA", "at": "soon"}"#).on(CERT),
        case("cert: bad base64", r#"{"certificate": "*"}"#).on(CERT),
        case(
            "cert: 33 certs",
            json!({ "certificate": "AAAA", "certs": many }).to_string(),
        )
        .on(CERT),
        case("cert: no key", "{}").on(CERT).auth(Auth::Absent),
    ];
    assert!(cases.len() >= 60, "{}", cases.len());
    let mut failures = run_cases(&app, &portal, cases).await;

    // Over the body limit (64 KiB) on a second service.
    let small = Api::new(Some(64 * 1024)).await;
    let small_portal = small.key(Role::Portal).await;
    let small_admin = small.key(Role::Admin).await;
    let big = json!({ "signature": "A".repeat(100 * 1024) }).to_string();
    let cases = vec![
        case("100 KiB over a 64 KiB limit", big.clone()).status(413),
        case("100 KiB, text/plain", big).content_type(Some("text/plain")),
    ];
    failures.extend(run_cases(&small, &small_portal, cases).await);
    assert!(failures.is_empty(), "{failures:#?}");

    assert_eq!(app.count("audit").await, audit_before);
    assert_eq!(app.count("api_keys").await, keys_before);
    app.assert_audit_intact(&admin, audit_before).await;
    assert_eq!(small.count("audit").await, 0);
    small.assert_audit_intact(&small_admin, 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_verifies_are_all_audited() {
    let app = Arc::new(Api::new(None).await);
    let portal = app.key(Role::Portal).await;
    let admin = app.key(Role::Admin).await;
    let r = verify_shipped(&app, &portal, "revoked.p7s").await;
    assert_verdict(&r, "CERT_REVOKED", None);
    let before = app.count("audit").await;
    let body = Arc::new(envelope_body("rsa-attached.p7s"));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (app, portal, body) = (app.clone(), portal.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let mut codes = Vec::new();
            for _ in 0..25 {
                let r = app.post("/v1/verify", &portal, &body).await;
                codes.push((r.status, r.json()["code"].clone()));
            }
            codes
        }));
    }
    let mut answers = 0;
    for t in tasks {
        for (status, code) in t.await.unwrap() {
            assert_eq!(status, StatusCode::OK);
            assert_eq!(code, json!("OK"));
            answers += 1;
        }
    }
    assert_eq!(answers, 200);
    assert_eq!(app.count("audit").await, before + 200);
    app.assert_audit_intact(&admin, before + 200).await;
}

#[tokio::test]
async fn fixed_edges_head_pem_bearer_case_arrays() {
    let app = Api::new(None).await;
    let portal = app.key(Role::Portal).await;
    // HEAD answers wherever GET does.
    let r = app
        .send(request("HEAD", "/healthz", None, None, vec![]))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // A PEM envelope in the signature field.
    let body = json!({ "signature": String::from_utf8(read("testdata/envelopes/rsa-attached.pem")).unwrap(), "iin": "880101300123", "at": "2026-06-01T00:00:00Z" });
    assert_verdict(
        &app.post("/v1/verify", &portal, &body).await,
        "OK",
        Some("PASSED"),
    );
    // The scheme name is case-insensitive.
    let auth = format!("BEARER {portal}");
    let req = request(
        "POST",
        "/v1/verify",
        Some(auth.as_bytes()),
        Some("application/json"),
        body.to_string().into_bytes(),
    );
    assert_verdict(&app.send(req).await, "OK", Some("PASSED"));
    // Objects only: a positional array is not a request.
    let arr = json!([
        b64(&read("testdata/envelopes/rsa-attached.p7s")),
        null,
        "880101300123",
        "2026-06-01T00:00:00Z",
        null,
        null,
        null
    ]);
    let r = app.post("/v1/verify", &portal, &arr).await;
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("REQUEST_INVALID_JSON")),
        "{}",
        r.text()
    );
    // CERT_MALFORMED names itself in type and title too.
    let r = certificate_info(&app, &portal, b"junk").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = r.json();
    assert_eq!(p["code"], "CERT_MALFORMED");
    assert_eq!(p["type"], "urn:qoltanba:problem:cert-malformed");
    assert_eq!(r.content_type(), "application/problem+json");
}

#[tokio::test]
async fn two_phase_signing_over_http() {
    use qoltanba::pki::signer::Signer;
    let app = Api::new(None).await;
    let provider = app.key(Role::Provider).await;
    let portal = app.key(Role::Portal).await;
    let body = json!({ "data": b64(b"the filled form"), "certificate": pem("employee.pem"), "attached": true });
    let r = app.post("/v1/sign/prepare", &provider, &body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let prepared = r.json();
    for field in ["data_to_sign", "digest", "digest_algorithm"] {
        assert!(prepared[field].is_string(), "{field}");
    }
    // The employee's device signs the prepared bytes.
    use base64::Engine;
    let tbs = base64::engine::general_purpose::STANDARD
        .decode(prepared["data_to_sign"].as_str().unwrap())
        .unwrap();
    let pkcs8 = ::pem::parse(read("certs/people/employee.key.pem"))
        .unwrap()
        .into_contents();
    let key = qoltanba::pki::signer::RingSigner::from_pkcs8(&pkcs8, None, false).unwrap();
    let value = key.sign(&tbs).unwrap();
    let before = app.count("audit").await;
    let r = app
        .post(
            "/v1/sign/finish",
            &provider,
            &json!({ "prepared": prepared, "signature_value": b64(&value) }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(app.count("audit").await, before + 1);
    let envelope = r.json()["signature"].as_str().unwrap().to_string();
    let v = app
        .post(
            "/v1/verify",
            &portal,
            &json!({ "signature": envelope, "at": qoltanba::time::rfc3339(qoltanba::time::now()) }),
        )
        .await;
    assert_verdict(&v, "OK", Some("PASSED"));
    // Another key's value is refused with a code.
    let other = qoltanba::pki::signer::RingSigner::from_pkcs8(
        &::pem::parse(read("certs/people/head.key.pem"))
            .unwrap()
            .into_contents(),
        None,
        false,
    )
    .unwrap();
    let r = app
        .post(
            "/v1/sign/finish",
            &provider,
            &json!({ "prepared": prepared, "signature_value": b64(&other.sign(&tbs).unwrap()) }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["sign_code"], "SIGNATURE_VALUE_INVALID");
    // The portal may not sign.
    assert_eq!(
        app.post("/v1/sign/prepare", &portal, &body).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn server_key_signing_only_by_the_owner_role() {
    let app = Api::new(None).await;
    app.import_keys(&[
        ("head", "head"),
        ("employee", "employee"),
        ("citizen-rsa", "citizen"),
    ]);
    let head = app.key(Role::Head).await;
    let provider = app.key(Role::Provider).await;
    let operator = app.key(Role::Operator).await;
    let portal = app.key(Role::Portal).await;
    let body =
        |key: &str| json!({ "key_id": key, "data": b64(b"result document"), "attached": true });
    let before = app.count("audit").await;
    let r = app.post("/v1/sign", &head, &body("head")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(app.count("audit").await, before + 1);
    let sig = r.json()["signature"].as_str().unwrap().to_string();
    let v = app
        .post("/v1/verify", &portal, &json!({ "signature": sig }))
        .await;
    assert_verdict(&v, "OK", Some("PASSED"));
    assert_eq!(
        app.post("/v1/sign", &provider, &body("head")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post("/v1/sign", &provider, &body("employee"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.post("/v1/sign", &operator, &body("employee"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.post("/v1/sign", &head, &body("employee")).await.status,
        StatusCode::FORBIDDEN
    );
    // A citizen's key is nobody's to use on the server.
    assert_eq!(
        app.post("/v1/sign", &head, &body("citizen")).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.post("/v1/sign", &head, &body("nope")).await;
    assert_eq!(
        (r.status, r.json()["sign_code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("KEY_NOT_FOUND"))
    );
}

#[tokio::test]
async fn ocsp_mode_over_http_fails_closed_without_a_responder() {
    let app = Api::new(None).await;
    let portal = app.key(Role::Portal).await;
    let mut body = envelope_body("rsa-attached.p7s");
    body["revocation"] = json!("ocsp");
    body["ocsp_url"] = json!("http://127.0.0.1:9/ocsp");
    let r = app.post("/v1/verify", &portal, &body).await;
    assert_verdict(&r, "REVOCATION_UNAVAILABLE", Some("INDETERMINATE"));
    assert_eq!(r.json()["policy"]["revocation_mode"], "ocsp");
    // The default stays CRL-only.
    assert_verdict(
        &verify_shipped(&app, &portal, "rsa-attached.p7s").await,
        "OK",
        Some("PASSED"),
    );
}

#[tokio::test]
async fn a_request_over_the_time_limit_is_a_503_problem_and_counted() {
    // An OCSP responder that takes the connection and never answers (the
    // client's own limit is 5 s) against a request limit of 300 ms.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/ocsp", silent.local_addr().unwrap());
    let app = Api::with(|config| config.request_timeout_ms = 300).await;
    let portal = app.key(Role::Portal).await;
    let mut body = envelope_body("rsa-attached.p7s");
    body["revocation"] = json!("ocsp");
    body["ocsp_url"] = json!(url);
    let r = app.post("/v1/verify", &portal, &body).await;
    // Closing the listener resets the waiting OCSP exchange.
    drop(silent);
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text());
    assert!(r.content_type().starts_with("application/problem+json"));
    assert_eq!(r.json()["code"], json!("TIMEOUT"), "{}", r.text());
    let text = app.state.metrics.render();
    assert!(
        text.contains(
            r#"qoltanba_http_requests_total{route="/v1/verify",method="POST",status="503"}"#
        ),
        "{text}"
    );
}
