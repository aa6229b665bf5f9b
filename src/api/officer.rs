//! `GET /v1/officer/queue`: the applications whose document waits for the
//! caller's signature: the employee's (provider) on a draft, the head's on a
//! result. What the officers' page (`/officer`) lists.

use super::applications::awaiting;
use super::auth::Ctx;
use super::problem::ApiError;
use crate::store::keys::Role;
use axum::Json;
use serde_json::json;

/// The most applications one answer lists.
pub const QUEUE_LIMIT: i64 = 200;

/// The caller's signing queue, the earliest deadline first.
#[utoipa::path(get, path = "/v1/officer/queue",
    responses((status = 200, description = "{ awaiting: employee_signature|head_signature, applications: [{ number, service, iin, status, deadline, registered_at, decision }] }", body = Object)),
    security(("bearer" = [])))]
pub async fn queue(Ctx { state, caller }: Ctx) -> Result<Json<serde_json::Value>, ApiError> {
    let wanted = match caller.0.role {
        Role::Provider => "employee_signature",
        _ => "head_signature",
    };
    let provider = super::applications::scope(&state, &caller, None)?.unwrap_or_default();
    let mut out = Vec::new();
    for app in state
        .store
        .awaiting_signature(&provider, QUEUE_LIMIT)
        .await?
    {
        if awaiting(&state, &app).await? == Some(wanted) {
            out.push(json!({
                "number": app.number,
                "service": app.service,
                "iin": app.iin,
                "status": app.status,
                "deadline": app.deadline,
                "registered_at": crate::time::rfc3339(app.registered_at),
                "decision": app.decision.as_ref().and_then(|d| d.get("decision").cloned()),
            }));
        }
    }
    Ok(Json(json!({ "awaiting": wanted, "applications": out })))
}
