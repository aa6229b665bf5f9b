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

/// Ready: trust store loaded, CRLs fresh, database reachable.
#[utoipa::path(get, path = "/readyz", responses((status = 200, description = "Ready", body = Object), (status = 503, description = "Not ready", body = Object)))]
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
            json!({ "issuer": c.issuer_dn, "source": c.source, "next_update": c.next_update.map(crate::time::rfc3339), "fresh": fresh })
        })
        .collect();
    let stale = crls.iter().any(|c| c["fresh"] == json!(false));
    let ready = db && anchors > 0 && !stale && trust.revocation.rejected.is_empty();
    let body = json!({
        "status": if ready { "ready" } else { "not_ready" },
        "database": if db { "ok" } else { "unreachable" },
        "trust_anchors": anchors,
        "intermediates": trust.intermediates.len(),
        "trust_store": trust.origin,
        "demo_trust_store": state.demo_trust,
        "test_trust_anchors": trust.test_anchor_count(),
        "crls": crls,
        "crl_refresh": state.crl_refresh.read().map(|r| r.clone()).unwrap_or_default(),
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
