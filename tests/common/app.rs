//! The service under test, in process: built over a fresh data folder and
//! the demo trust store, driven through `api::router` with
//! `tower::ServiceExt::oneshot` (no sockets), as axum's examples test.

use super::demo::{b64, p12_of, signed};
use super::repo;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use qoltanba::api::AppState;
use qoltanba::config::Config;
use qoltanba::store::keys::Role;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;

/// A service over its own data folder (SQLite unless a test says otherwise).
pub struct App {
    /// The service's state (store, trust, configuration).
    pub state: Arc<AppState>,
    /// `api::router` over that state.
    pub router: axum::Router,
    /// The data folder, removed when the test ends.
    pub dir: tempfile::TempDir,
}

/// An answer read whole.
pub struct Resp {
    /// The status code.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, whole.
    pub body: Vec<u8>,
}

impl Resp {
    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    /// A header's value (empty when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// An `App` listening on a loopback port (`App::serve`).
pub struct Served {
    /// The service, for calls through the router.
    pub app: App,
    task: tokio::task::JoinHandle<()>,
}

impl std::ops::Deref for Served {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl Served {
    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        let url = &self.state.config.public_url;
        let host = url
            .trim_start_matches("http://")
            .trim_end_matches("/verify");
        host.parse().unwrap()
    }

    /// `http://` and the address it listens on.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// Stops listening (a restart's first half).
    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

impl App {
    /// The service with the demo trust store and no CRL refresh.
    pub async fn new() -> App {
        Self::with(|_| {}).await
    }

    /// As `new`, with the configuration `change`d first.
    pub async fn with(change: impl FnOnce(&mut Config)) -> App {
        Self::with_keys(&[], change).await
    }

    /// As `with`, with demo people's PKCS#12 keys imported into the key
    /// store first: `(person, key id)`.
    pub async fn with_keys(keys: &[(&str, &str)], change: impl FnOnce(&mut Config)) -> App {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config {
            data_dir: dir.path().to_path_buf(),
            trust_dir: Some(repo("certs/trust")),
            crl_refresh_seconds: 0,
            ..Config::default()
        };
        change(&mut config);
        if !keys.is_empty() {
            let store = qoltanba::keys::KeyStore::open(dir.path(), None).unwrap();
            for (person, id) in keys {
                store
                    .import_p12(&p12_of(person, dir.path()), "", id, false)
                    .unwrap();
            }
        }
        let service = qoltanba::api::build(config).await.unwrap();
        let router = qoltanba::api::router(service.state.clone());
        App {
            state: service.state,
            router,
            dir,
        }
    }

    /// As `with`, listening on `addr` too (port 0: any free one), its
    /// `public_url` naming that port, as the eGov mobile app and a browser
    /// reach it.
    pub async fn serve(addr: SocketAddr, change: impl FnOnce(&mut Config)) -> Served {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Self::with(|c| {
            c.public_url = format!("http://{addr}/verify");
            change(c);
        })
        .await;
        let router = app.router.clone();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Served { app, task }
    }

    /// The time the service runs at: its `fixed_now`, or now.
    pub fn now(&self) -> i64 {
        let fixed = self.state.config.fixed_now;
        fixed.unwrap_or_else(qoltanba::time::now)
    }

    /// Imports demo people's PKCS#12 keys into the running service's key
    /// store: `(person, key id)`.
    pub fn import_keys(&self, keys: &[(&str, &str)]) {
        let data_dir = &self.state.config.data_dir;
        let store = qoltanba::keys::KeyStore::open(data_dir, None).unwrap();
        for (person, id) in keys {
            store
                .import_p12(&p12_of(person, data_dir), "", id, false)
                .unwrap();
        }
    }

    /// A new API key of `role` (created at time 0).
    pub async fn key(&self, role: Role) -> String {
        self.key_named(role.as_str(), role, 0).await
    }

    /// A new API key named `name` of `role`, created at `at`.
    pub async fn key_named(&self, name: &str, role: Role, at: i64) -> String {
        let store = &self.state.store;
        store.create_api_key(name, role, at).await.unwrap().1
    }

    /// One request through the router, its answer read whole.
    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = to_bytes(resp.into_body(), usize::MAX).await.unwrap();
        Resp {
            status,
            headers,
            body: body.to_vec(),
        }
    }

    /// `method path` with `headers` and `body`, through the router.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// `GET path` with `headers`.
    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        self.request("GET", path, headers, Vec::new()).await
    }

    /// `GET path` as the holder of `token`: the status and the bytes.
    pub async fn raw(&self, path: &str, token: &str) -> (StatusCode, Vec<u8>) {
        let bearer = format!("Bearer {token}");
        let r = self.get(path, &[("authorization", &bearer)]).await;
        (r.status, r.body)
    }

    /// `POST path` with a body of `content_type` and `headers`.
    pub async fn post(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let headers = [&[("content-type", content_type)][..], headers].concat();
        self.request("POST", path, &headers, body).await
    }

    /// A JSON call as the holder of `token`: the status and the JSON answer
    /// (`Null` when the answer is not JSON).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let bearer = format!("Bearer {token}");
        let mut headers = vec![("authorization", bearer.as_str())];
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        let body = body.map(|v| v.to_string().into_bytes()).unwrap_or_default();
        let r = self.request(method, path, &headers, body).await;
        (r.status, r.json())
    }

    /// `POST path` with a JSON body as the holder of `token`.
    pub async fn post_json(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call("POST", path, token, Some(body)).await
    }

    /// `GET path` as the holder of `token`, the answer as JSON.
    pub async fn get_json(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call("GET", path, token, None).await
    }

    /// `POST /v1/applications/{number}/{action}` (`decision`, `sign`, …)
    /// as the holder of `token`.
    pub async fn act(
        &self,
        number: &str,
        action: &str,
        token: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let path = format!("/v1/applications/{number}/{action}");
        self.post_json(&path, token, body).await
    }

    /// Submits an application: `request` and its `envelope` through `channel`.
    pub async fn submit(
        &self,
        token: &str,
        channel: &str,
        service: &str,
        request: &[u8],
        envelope: &[u8],
    ) -> (StatusCode, Value) {
        let body = json!({ "service": service, "channel": channel, "request": b64(request), "signature": b64(envelope) });
        self.post_json("/v1/applications", token, body).await
    }

    /// Submits `request` signed by the demo person `signer` (RSA national CA)
    /// through `(channel, service)`.
    pub async fn submit_signed(
        &self,
        token: &str,
        (channel, service): (&str, &str),
        signer: &str,
        request: &[u8],
    ) -> (StatusCode, Value) {
        let envelope = signed(signer, "nca-rsa", request);
        self.submit(token, channel, service, request, &envelope)
            .await
    }
}
