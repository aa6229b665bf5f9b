//! The HTTP service: one `AppState`, one router, handlers of a few lines.
//!
//! Owns the routes (`routes` says who may call what), request handling
//! (bounded JSON in, verdicts or RFC 9457 problems out), the audit writer,
//! metrics, logs with request ids, limits and graceful shutdown. Verdicts come
//! from `envelope`, `xmldsig` and `pki`; records go to `store`.

pub mod applications;
pub mod audit_sink;
pub mod auth;
pub mod certificates;
pub mod document_sign;
pub mod document_twophase;
pub mod egov_qr;
pub mod egov_qr_citizen;
pub mod json;
pub mod ltv_renewal;
pub mod officer;
pub mod openapi;
pub mod ops;
pub mod problem;
pub mod providers;
pub mod reports;
pub mod results;
pub mod routes;
pub mod sign;
pub mod survey;
pub mod validation;
pub mod vectors;
pub mod verify;
pub mod web;
pub mod xml;

use crate::config::Config;
use crate::pki::TrustStore;
use crate::pki::signer::Signer;
use crate::store::Store;
use crate::store::audit::AuditEntry;
use crate::verdict::Verdict;
use audit_sink::AuditSink;
use auth::Caller;
use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;

use metrics_exporter_prometheus::PrometheusHandle;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Everything handlers share.
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Trust anchors, intermediates, CRLs (swapped whole when CRLs refresh).
    trust: std::sync::RwLock<Arc<TrustStore>>,
    /// The application flow (services, calendar, registries).
    pub workflow: crate::workflow::Workflow,
    /// The OCSP client (its response cache is shared by every request).
    pub ocsp: Arc<crate::pki::ocsp::OcspClient>,
    /// Health of the OCSP responders, TSAs and CRL URLs asked (with their
    /// circuit breakers), shown by `/readyz` and `/metrics`.
    pub upstreams: Arc<crate::pki::upstream::Upstreams>,
    /// What the last CRL refresh did, per URL.
    pub crl_refresh: std::sync::RwLock<Vec<crate::pki::refresh::Outcome>>,
    /// Where audit records go.
    pub audit: AuditSink,
    /// The audit key's public half (pins checkpoints).
    pub audit_public_key: Vec<u8>,
    /// Prometheus rendering.
    pub metrics: PrometheusHandle,
    /// Whether the demo trust store is in use.
    pub demo_trust: bool,
    /// Settings.
    pub config: Config,
    /// Recently authenticated API keys.
    pub keys: auth::KeyCache,
    /// Binds two-phase prepared requests to this service.
    pub prepare_secret: Vec<u8>,
    /// What the public pages keep in memory (assessments, per-client limits).
    pub web: crate::web::WebState,
    /// The service's revocation policy for production anchors.
    pub revocation: crate::pki::revocation::RevocationPolicy,
    /// The revocation policy under test-PKI anchors, when it differs.
    pub test_revocation: Option<crate::pki::revocation::RevocationPolicy>,
}

impl AppState {
    /// Now, for the application flow: the clock, or the configured fixed time (tests).
    pub fn now(&self) -> i64 {
        self.config.fixed_now.unwrap_or_else(crate::time::now)
    }

    /// The trust store in force now.
    pub fn trust(&self) -> Arc<TrustStore> {
        self.trust
            .read()
            .map(|t| t.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }
}

/// Downloads the CRLs to watch once; a CRL that verifies and is fresh
/// replaces the one it supersedes. Returns what happened per URL.
pub async fn refresh_crls(state: &AppState) -> Vec<crate::pki::refresh::Outcome> {
    use crate::pki::refresh;
    let current = state.trust();
    let cas = current.cas();
    let urls = refresh::urls(&state.config.crl_urls, &cas);
    if urls.is_empty() {
        return Vec::new();
    }
    let cache = state.config.data_dir.join("crls");
    let crls = current.revocation.crls.clone();
    let now = crate::time::now();
    let job = tokio::task::spawn_blocking(move || {
        refresh::refresh(
            &refresh::HttpCrl::default(),
            &urls,
            &cas,
            &crls,
            Some(&cache),
            now,
        )
    })
    .await;
    let Ok((accepted, outcomes)) = job else {
        return Vec::new();
    };
    if !accepted.is_empty() {
        let mut revocation = current.revocation.clone();
        // A new CRL supersedes the one of the same issuer, kind and scope.
        revocation.crls.retain(|old| {
            !accepted.iter().any(|n| {
                n.issuer_key == old.issuer_key
                    && n.is_delta() == old.is_delta()
                    && n.scope == old.scope
            })
        });
        revocation.crls.extend(accepted);
        let next = Arc::new(current.with_crls(revocation));
        if let Ok(mut t) = state.trust.write() {
            *t = next;
        }
    }
    for o in &outcomes {
        metrics::gauge!("qoltanba_crl_refresh_ok", "url" => o.url.clone())
            .set(if o.status == "failed" { 0.0 } else { 1.0 });
        let took = std::time::Duration::from_millis(o.elapsed_ms);
        if o.status == "failed" {
            state.upstreams.failure("crl", &o.url, took, now, &o.detail);
        } else {
            state.upstreams.success("crl", &o.url, took, now);
        }
    }
    if let Ok(mut r) = state.crl_refresh.write() {
        *r = outcomes.clone();
    }
    outcomes
}

/// The process-wide metrics recorder (installed once).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = metrics_exporter_prometheus::PrometheusBuilder::new()
                .set_buckets(&[
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ])
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        metrics_exporter_prometheus::Matcher::Full(
                            "qoltanba_audit_batch_records".into(),
                        ),
                        &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0],
                    )
                })
                .unwrap_or_else(|_| metrics_exporter_prometheus::PrometheusBuilder::new());
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// A verification's answer: its audit record handed to the writer, the
/// verdict's JSON written while the record waits for its group commit, and
/// the answer given once the record is stored.
pub async fn audited_verdict(
    state: &AppState,
    entry: AuditEntry,
    verdict: &Verdict,
) -> Result<json::JsonBody, problem::ApiError> {
    let pending = state.audit.submit(entry).await?;
    let body = json::JsonBody::new(verdict, json::VERDICT_CAPACITY)?;
    pending.stored().await?;
    Ok(body)
}

/// What the flow's use cases work with, from the service's state.
pub fn flow_deps(state: &AppState) -> crate::workflow::Deps<'_> {
    crate::workflow::Deps {
        store: &state.store,
        trust: state.trust(),
        audit: &state.audit,
        flow: &state.workflow,
        now: state.now(),
        config: &state.config,
    }
}

/// The audit record of a verdict.
pub fn audit_entry(
    caller: &Caller,
    operation: &str,
    data_sha256: String,
    v: &Verdict,
) -> AuditEntry {
    let serial = v
        .signer
        .as_ref()
        .and_then(|s| s["serial"].as_str().map(String::from))
        .unwrap_or_default();
    AuditEntry::by(
        &caller.0,
        crate::time::now(),
        operation,
        data_sha256,
        serial,
        v.code.as_str(),
    )
}

/// The header that carries a request's id, in and out.
static REQUEST_ID: axum::http::HeaderName = axum::http::HeaderName::from_static("x-request-id");

/// Request ids: this process's id and a counter.
fn next_request_id() -> axum::http::HeaderValue {
    static PID: OnceLock<u32> = OnceLock::new();
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let pid = *PID.get_or_init(std::process::id);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    axum::http::HeaderValue::from_str(&format!("{pid:08x}-{n:x}"))
        .unwrap_or_else(|_| axum::http::HeaderValue::from_static("-"))
}

/// Outermost, in one layer: the request's id (the caller's `x-request-id`
/// when it is a short visible token, else a new one), the log span that carries it to every line logged for the
/// request, the id on the answer, and an error line for a 5xx.
async fn request_context(mut req: Request, next: Next) -> Response {
    // The caller's id when it is a short token of visible ASCII (it goes
    // into every log line of the request), else one of ours.
    let theirs = req.headers().get(&REQUEST_ID).filter(|v| {
        (1..=128).contains(&v.len()) && v.as_bytes().iter().all(|b| b.is_ascii_graphic())
    });
    let id = match theirs {
        Some(v) => v.clone(),
        None => {
            let v = next_request_id();
            req.headers_mut().insert(REQUEST_ID.clone(), v.clone());
            v
        }
    };
    let span = tracing::info_span!(
        "request",
        request_id = id.to_str().unwrap_or("-"),
        method = %req.method(),
        path = req.uri().path(),
    );
    let start = Instant::now();
    let mut resp = tracing::Instrument::instrument(next.run(req), span.clone()).await;
    let status = resp.status();
    if status.is_server_error() {
        tracing::error!(parent: &span, status = status.as_u16(), latency_ms = start.elapsed().as_millis() as u64, "request failed");
    } else {
        tracing::debug!(parent: &span, status = status.as_u16(), latency_ms = start.elapsed().as_millis() as u64, "request done");
    }
    resp.headers_mut().insert(REQUEST_ID.clone(), id);
    resp
}

/// The router with every route, auth, limits and observability.
pub fn router(state: Arc<AppState>) -> Router {
    let body_limit = state.config.body_limit;
    let concurrency = state.config.concurrency_limit;
    let mut router = Router::new();
    for spec in routes::ROUTES {
        router = router.route(spec.path, (spec.handler)());
    }
    router
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::guard))
        .fallback(ops::not_found)
        .method_not_allowed_fallback(ops::method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(tower::limit::ConcurrencyLimitLayer::new(concurrency))
        .layer(middleware::from_fn(web::security_headers))
        .layer(middleware::from_fn(request_context))
        .with_state(state)
}

/// A running service's parts that outlive the router (for shutdown).
pub struct Service {
    /// The shared state.
    pub state: Arc<AppState>,
    /// The audit writer task.
    pub audit_task: tokio::task::JoinHandle<()>,
}

/// Builds the state from the configuration: opens the store, loads the trust
/// store, starts the audit writer.
pub async fn build(config: Config) -> Result<Service, String> {
    let url = config.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| format!("{}: {e}", config.data_dir.display()))?;
    }
    let store = Store::open(&url)
        .await
        .map_err(|e| format!("database: {e}"))?;
    let (trust_dir, demo) = match &config.trust_dir {
        Some(d) => (d.clone(), false),
        None => (
            TrustStore::default_dir(),
            std::env::var("QOLTANBA_TRUST_DIR").is_err(),
        ),
    };
    let mut trust = TrustStore::from_dir(&trust_dir)
        .map_err(|e| format!("trust store {}: {e}", trust_dir.display()))?;
    if demo {
        tracing::warn!(trust_dir = %trust_dir.display(), "DEMO TRUST STORE IN USE: the demo PKI's keys are public test keys; set QOLTANBA_TRUST_DIR for production");
    }
    if let Some(test_dir) = &config.test_trust_dir {
        trust
            .add_test_dir(test_dir)
            .map_err(|e| format!("test trust store {}: {e}", test_dir.display()))?;
        tracing::warn!(test_trust_dir = %test_dir.display(), anchors = trust.test_anchor_count(), "TEST PKI TRUSTED: the IIN check digit is not enforced under its anchors; unset QOLTANBA_TEST_TRUST_DIR for production");
    }
    for (source, why) in &trust.rejected {
        tracing::warn!(%source, %why, "trust store entry ignored");
    }
    // The last good copies of refreshed CRLs survive restarts.
    let cas = trust.cas();
    for (source, bytes) in crate::pki::refresh::cached(&config.data_dir.join("crls")) {
        trust.revocation.add_bytes_checked(&bytes, &source, &cas);
    }
    let key = crate::store::audit::audit_key(&config.data_dir)?;
    let prepare_secret = crate::envelope::twophase::local_secret(&config.data_dir)?;
    let public = key.public_key_spki();
    let (audit, audit_task) =
        AuditSink::start(store.clone(), Arc::new(key), config.audit_checkpoint_every);
    let revocation = config.revocation().map_err(|e| e.to_string())?;
    let upstreams = Arc::new(crate::pki::upstream::Upstreams::default());
    let test_revocation = config.test_revocation().map_err(|e| e.to_string())?;
    let state = Arc::new(AppState {
        store,
        trust: std::sync::RwLock::new(Arc::new(trust)),
        crl_refresh: std::sync::RwLock::new(Vec::new()),
        ocsp: Arc::new(
            crate::pki::ocsp::OcspClient::http()
                .with_budget(
                    std::time::Duration::from_millis(config.ocsp_timeout_ms),
                    config.ocsp_retries,
                )
                .with_health(upstreams.clone()),
        ),
        upstreams,
        workflow: crate::workflow::Workflow::from_config(&config)?,
        audit,
        audit_public_key: public,
        metrics: metrics_handle(),
        demo_trust: demo,
        web: crate::web::WebState::new(config.checks_per_minute),
        config,
        keys: auth::KeyCache::default(),
        prepare_secret,
        revocation,
        test_revocation,
    });
    Ok(Service { state, audit_task })
}

/// Creates and prints the first admin key when the database has none.
pub async fn first_start(store: &Store) -> Result<Option<String>, String> {
    if store.api_key_count().await.map_err(|e| e.to_string())? > 0 {
        return Ok(None);
    }
    let (_, token) = store
        .create_api_key(
            "initial admin",
            crate::store::keys::Role::Admin,
            crate::time::now(),
        )
        .await
        .map_err(|e| e.to_string())?;
    Ok(Some(token))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing in-flight requests");
}

/// Serves until SIGTERM or Ctrl-C, then finishes in-flight requests, drains
/// the audit writer (with a final signed checkpoint) and closes the database.
pub async fn serve(config: Config) -> Result<(), String> {
    let listen = config.listen.clone();
    let service = build(config).await?;
    if let Some(token) = first_start(&service.state.store).await? {
        // Shown once, on stdout only, never in the logs.
        println!("Initial admin API key (shown once, store it now):\n{token}");
    }
    if service.state.config.crl_refresh_seconds > 0 {
        let state = Arc::downgrade(&service.state);
        let every = Duration::from_secs(service.state.config.crl_refresh_seconds);
        tokio::spawn(async move {
            loop {
                let Some(s) = state.upgrade() else { break };
                refresh_crls(&s).await;
                drop(s);
                tokio::time::sleep(every).await;
            }
        });
    }
    if service.state.config.ltv_renew_seconds > 0 {
        // Long-term results (issue 19): renewed before their TSA expires.
        let state = Arc::downgrade(&service.state);
        let every = Duration::from_secs(service.state.config.ltv_renew_seconds);
        tokio::spawn(async move {
            loop {
                let Some(s) = state.upgrade() else { break };
                ltv_renewal::renewal_pass(&s).await;
                drop(s);
                tokio::time::sleep(every).await;
            }
        });
    }
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .map_err(|e| format!("{listen}: {e}"))?;
    tracing::info!(%listen, "qoltanba serving");
    let app = router(service.state.clone());
    // The client's address feeds the public pages' per-client limits.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    let Service { state, audit_task } = service;
    let store = state.store.clone();
    drop(state);
    let _ = tokio::time::timeout(Duration::from_secs(30), audit_task).await;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Sets up JSON (or text) logs on stderr.
pub fn init_logging(format: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("QOLTANBA_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
