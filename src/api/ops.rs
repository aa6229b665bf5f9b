//! Operations: liveness, readiness, metrics, the OpenAPI document, the audit
//! check, and the problems for unknown routes and methods.

use super::AppState;
use super::problem::ApiError;
use crate::verdict::problem::ProblemCode;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;

/// Alive.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Alive", body = Object)))]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// Ready: database reachable and trust anchors loaded (503 otherwise). A
/// stale or unreadable CRL, a failing CRL download or an OCSP responder or
/// TSA whose circuit breaker is open makes the service `degraded`, still
/// 200: it keeps answering from what it has (verdicts say how fresh), and an
/// outage of the national CA must not take every instance out of rotation.
#[utoipa::path(get, path = "/readyz", responses((status = 200, description = "Ready or degraded", body = Object), (status = 503, description = "Not ready", body = Object)))]
pub async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    let now = crate::time::now();
    let db = state.store.ping().await;
    let trust = state.trust();
    let anchors = trust.anchors.len();
    let crls: Vec<serde_json::Value> = trust.revocation.crls
        .iter()
        .map(|c| {
            let fresh = c.next_update.is_some_and(|n| n >= now);
            metrics::gauge!("qoltanba_crl_age_seconds", "issuer" => c.issuer_dn.clone()).set((now - c.this_update) as f64);
            if let Some(n) = c.next_update {
                metrics::gauge!("qoltanba_crl_next_update_seconds", "issuer" => c.issuer_dn.clone()).set((n - now) as f64);
            }
            json!({ "issuer": c.issuer_dn, "source": c.source, "this_update": crate::time::rfc3339(c.this_update), "age_seconds": now - c.this_update, "next_update": c.next_update.map(crate::time::rfc3339), "fresh": fresh })
        })
        .collect();
    let refresh = state
        .crl_refresh
        .read()
        .map(|r| r.clone())
        .unwrap_or_default();
    let mut degraded = Vec::new();
    if crls.iter().any(|c| c["fresh"] == json!(false)) {
        degraded.push("a CRL is past its nextUpdate");
    }
    if !trust.revocation.rejected.is_empty() {
        degraded.push("a CRL could not be read");
    }
    if refresh.iter().any(|o| o.status == "failed") {
        degraded.push("a CRL download failed (the last good copy is in use)");
    }
    if state.upstreams.any_open() {
        degraded.push("an upstream is not asked for a while (circuit open)");
    }
    let ready = db && anchors > 0;
    let status = match (ready, degraded.is_empty()) {
        (false, _) => "not_ready",
        (true, true) => "ready",
        (true, false) => "degraded",
    };
    let body = json!({
        "status": status,
        "degraded": degraded,
        "upstreams": state.upstreams.snapshot(),
        "revocation_policy": {
            "production": state.revocation.describe(),
            "test": state.test_revocation.map(|p| p.describe()),
        },
        "database": if db { "ok" } else { "unreachable" },
        "trust_anchors": anchors,
        "intermediates": trust.intermediates.len(),
        "trust_store": trust.origin,
        "demo_trust_store": state.demo_trust,
        "test_trust_anchors": trust.test_anchor_count(),
        "crls": crls,
        "crl_refresh": refresh,
        "crls_rejected": trust.revocation.rejected.iter().map(|r| r.describe()).collect::<Vec<_>>(),
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text format", body = String)))]
pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

/// The OpenAPI 3.1 document.
#[utoipa::path(get, path = "/openapi.json", responses((status = 200, description = "OpenAPI 3.1", body = Object)))]
pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        super::openapi::document(),
    )
        .into_response()
}

/// Recomputes the audit chain and its checkpoints.
#[utoipa::path(get, path = "/v1/audit/verify", responses((status = 200, description = "Chain report", body = Object)), security(("bearer" = [])))]
pub async fn audit_verify(
    State(state): State<Arc<AppState>>,
) -> Result<Json<crate::store::audit::ChainReport>, ApiError> {
    let rows = state.store.audit_rows().await?;
    let cps = state.store.checkpoints().await?;
    let (seq, head) = state.store.audit_head().await?;
    Ok(Json(crate::store::audit::verify_chain(
        &rows,
        &cps,
        (seq, &head),
        Some(&state.audit_public_key),
    )))
}

/// Unknown route.
pub async fn not_found() -> ApiError {
    ApiError::new(ProblemCode::NotFound, "no such route")
}

/// Known route, wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ProblemCode::MethodNotAllowed,
        "this route does not take that method",
    )
}
