//! `GET /v1/providers`: the public part of the providers catalogue, so a
//! portal knows whom an application for a service can go to.

use super::AppState;
use axum::Json;
use axum::extract::State;
use serde_json::json;
use std::sync::Arc;

/// Every provider (BIN, names, services, service centres, number prefix)
/// and service centre (BIN, names).
#[utoipa::path(get, path = "/v1/providers",
    responses((status = 200, description = "{ providers: [{ bin, name_kk, name_ru, services, centres, number_prefix }], centres: [{ bin, name_kk, name_ru }] }", body = Object)))]
pub async fn list(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    let p = &state.workflow.providers;
    Json(json!({ "providers": p.providers, "centres": p.centres }))
}
