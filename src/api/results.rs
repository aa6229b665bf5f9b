//! Results and scans: delivery, the signed PDF for the citizen, the draft
//! for its signers, and attachment uploads bound by hash. Signing the
//! document is `document_sign`.

use super::AppState;
use super::applications::{OnBehalf, app_json, bad, load};
use super::auth::Ctx;
use super::problem::ApiError;
use crate::verdict::problem::ProblemCode;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;
use std::sync::Arc;

/// Hands the signed result to the citizen.
#[utoipa::path(post, path = "/v1/applications/{number}/deliver", params(("number" = String, Path, description = "Registration number")),
    responses((status = 200, description = "Delivered", body = Object), (status = 409, description = "Not signed yet")), security(("bearer" = [])))]
pub async fn deliver(
    Ctx { state, caller }: Ctx,
    Path(number): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let deps = super::flow_deps(&state);
    let app = crate::workflow::cases::deliver(&deps, &caller.0, &number).await?;
    Ok(Json(app_json(
        &state,
        &app,
        state.store.history(&number).await?,
    )))
}

/// The signed result PDF.
#[utoipa::path(get, path = "/v1/applications/{number}/result.pdf", params(("number" = String, Path, description = "Registration number"), ("iin" = Option<String>, Query, description = "The citizen (portal)")),
    responses((status = 200, description = "application/pdf", content_type = "application/pdf"), (status = 404, description = "No signed result")), security(("bearer" = [])))]
pub async fn result_pdf(
    Ctx { state, caller }: Ctx,
    Path(number): Path<String>,
    Query(q): Query<OnBehalf>,
) -> Result<Response, ApiError> {
    let app = load(&state, &caller, &number, q.iin.as_deref()).await?;
    let pdf = app
        .result
        .as_deref()
        .and_then(|r| base64::engine::general_purpose::STANDARD.decode(r).ok())
        .ok_or_else(|| ApiError::new(ProblemCode::NotFound, "no signed result yet"))?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/pdf")], pdf).into_response())
}

/// The draft the employee signed, for the head to read before signing it.
#[utoipa::path(get, path = "/v1/applications/{number}/draft.pdf", params(("number" = String, Path, description = "Registration number")),
    responses((status = 200, description = "application/pdf", content_type = "application/pdf"), (status = 404, description = "No signed draft")), security(("bearer" = [])))]
pub async fn draft_pdf(
    Ctx { state, caller }: Ctx,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    let app = load(&state, &caller, &number, None).await?;
    let pdf = state
        .store
        .draft(&app.number)
        .await?
        .and_then(|d| base64::engine::general_purpose::STANDARD.decode(d.pdf).ok())
        .ok_or_else(|| ApiError::new(ProblemCode::NotFound, "no signed draft"))?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/pdf")], pdf).into_response())
}

/// Largest attachment accepted, in bytes.
pub const MAX_ATTACHMENT: usize = 10 * 1024 * 1024;

/// The media type of a scan, from its first bytes (PDF, JPEG, PNG only).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

/// Uploads a scan (PDF, JPEG or PNG, raw body); stored by SHA-256.
#[utoipa::path(post, path = "/v1/attachments", request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The scan: PDF, JPEG or PNG"),
    responses((status = 201, description = "{ sha256, size, media_type }", body = Object), (status = 400, description = "Not a PDF, JPEG or PNG, or empty"), (status = 413, description = "Too large")),
    security(("bearer" = [])))]
pub async fn upload(
    State(state): State<Arc<AppState>>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    if body.len() > MAX_ATTACHMENT {
        return Err(ApiError::new(
            ProblemCode::RequestTooLarge,
            format!("attachments are at most {MAX_ATTACHMENT} bytes"),
        ));
    }
    let media = sniff(&body).ok_or_else(|| bad("an attachment is a PDF, JPEG or PNG scan"))?;
    if let Some(ct) = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        let ct = ct.split(';').next().unwrap_or("").trim();
        if ct != media && ct != "application/octet-stream" {
            return Err(bad(format!("the content is {media}, not {ct}")));
        }
    }
    let sha = crate::pki::cert::hex(&crate::pki::cert::sha256(&body)).to_lowercase();
    state
        .store
        .put_attachment(&sha, media, &body, crate::time::now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "sha256": sha, "size": body.len(), "media_type": media })),
    )
        .into_response())
}
