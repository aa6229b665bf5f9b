//! Bearer API keys and roles, enforced in one middleware from the route table.

use super::AppState;
use super::problem::ApiError;
use super::routes::roles_for;
use crate::store::keys::ApiKey;
use crate::verdict::problem::ProblemCode;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller(pub ApiKey);

/// Authenticates the bearer key and checks the route's roles.
pub async fn require_role(
    State(state): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let method = req.method().as_str().to_string();
    let roles = match roles_for(&method, &path) {
        Some(None) => return Ok(next.run(req).await),
        Some(Some(r)) => r,
        None => return Err(ApiError::new(ProblemCode::NotFound, "no such route")),
    };
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                ProblemCode::Unauthenticated,
                "Authorization: Bearer <API key> is required",
            )
        })?;
    let key = state.store.authenticate(token).await?.ok_or_else(|| {
        ApiError::new(
            ProblemCode::Unauthenticated,
            "the API key is not valid or was revoked",
        )
    })?;
    if !roles.contains(&key.role) {
        return Err(ApiError::new(
            ProblemCode::Forbidden,
            format!("role {} may not call {method} {path}", key.role.as_str()),
        ));
    }
    req.extensions_mut().insert(Caller(key));
    Ok(next.run(req).await)
}
