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
    let key = state
        .keys
        .authenticate(&state.store, token)
        .await?
        .ok_or_else(|| {
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

/// Recently authenticated keys, so a busy caller does not cost a database
/// round trip per request. Entries live `KEY_CACHE_TTL`: a revoked key stops
/// working within that time on every instance.
#[derive(Default)]
pub struct KeyCache {
    entries: std::sync::RwLock<std::collections::HashMap<[u8; 32], (ApiKey, std::time::Instant)>>,
}

/// How long an authenticated key is trusted without asking the database.
pub const KEY_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(2);
const KEY_CACHE_MAX: usize = 10_000;

impl KeyCache {
    /// The key for `token`: from the cache when fresh, else from the store.
    pub async fn authenticate(
        &self,
        store: &crate::store::Store,
        token: &str,
    ) -> Result<Option<ApiKey>, crate::store::StoreError> {
        // The cache is keyed by the token's hash: secrets are never kept in memory longer than the request.
        let id = crate::pki::cert::sha256(token.as_bytes());
        if let Ok(map) = self.entries.read()
            && let Some((k, at)) = map.get(&id)
            && at.elapsed() < KEY_CACHE_TTL
        {
            return Ok(Some(k.clone()));
        }
        let key = store.authenticate(token).await?;
        if let (Some(k), Ok(mut map)) = (&key, self.entries.write()) {
            if map.len() >= KEY_CACHE_MAX {
                map.clear();
            }
            map.insert(id, (k.clone(), std::time::Instant::now()));
        }
        Ok(key)
    }
}
