//! Bearer API keys and roles, enforced in one middleware from the route table.

use super::AppState;
use super::problem::ApiError;
use super::routes::{RouteSpec, route};
use crate::store::keys::ApiKey;
use crate::verdict::problem::ProblemCode;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller(pub Arc<ApiKey>);

/// What every authenticated handler starts from: the service's state and
/// the caller the guard let in (one extractor for the two).
pub struct Ctx {
    /// The service's state.
    pub state: Arc<AppState>,
    /// The caller.
    pub caller: Caller,
}

impl axum::extract::FromRequestParts<Arc<AppState>> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let caller =
            parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
                ApiError::new(ProblemCode::Unauthenticated, "an API key is required")
            })?;
        Ok(Ctx {
            state: state.clone(),
            caller,
        })
    }
}

/// Route by route, in one layer (every layer of the router is a boxed
/// service cloned for each request): the request's metrics, its time limit,
/// and the bearer key checked against the route's roles.
pub async fn guard(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let spec = req
        .extensions()
        .get::<MatchedPath>()
        .and_then(|p| route(req.method().as_str(), p.as_str()));
    let method = method_label(req.method());
    let _in_flight = spec
        .filter(|s| super::audit_sink::GROUPED.contains(&s.path))
        .map(|_| state.audit.announce());
    let start = std::time::Instant::now();
    let limit = std::time::Duration::from_millis(state.config.request_timeout_ms);
    let resp = match tokio::time::timeout(limit, authorize(&state, spec, req, next)).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => e.into_response(),
        Err(_) => ApiError::new(
            ProblemCode::Timeout,
            "the request took longer than the configured timeout",
        )
        .into_response(),
    };
    let route = spec.map_or("unmatched", |s| s.path);
    let status = status_label(resp.status());
    metrics::counter!("qoltanba_http_requests_total", "route" => route, "method" => method, "status" => status).increment(1);
    metrics::histogram!("qoltanba_http_request_duration_seconds", "route" => route, "method" => method)
        .record(start.elapsed().as_secs_f64());
    resp
}

/// Authenticates the bearer key and checks the route's roles, then runs the handler.
async fn authorize(
    state: &AppState,
    spec: Option<&'static RouteSpec>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let Some(spec) = spec else {
        return Err(ApiError::new(ProblemCode::NotFound, "no such route"));
    };
    let Some(roles) = spec.roles else {
        return Ok(next.run(req).await);
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
            format!(
                "role {} may not call {} {}",
                key.role.as_str(),
                spec.method,
                spec.path
            ),
        ));
    }
    req.extensions_mut().insert(Caller(key));
    Ok(next.run(req).await)
}

/// A metrics label for the method, without allocating.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// A metrics label for the status: the codes this service answers with
/// come from a table, others are written out.
fn status_label(s: StatusCode) -> metrics::SharedString {
    const KNOWN: [(u16, &str); 13] = [
        (200, "200"),
        (201, "201"),
        (204, "204"),
        (400, "400"),
        (401, "401"),
        (403, "403"),
        (404, "404"),
        (405, "405"),
        (409, "409"),
        (413, "413"),
        (415, "415"),
        (422, "422"),
        (503, "503"),
    ];
    match KNOWN.iter().find(|(c, _)| *c == s.as_u16()) {
        Some((_, label)) => metrics::SharedString::const_str(label),
        None => metrics::SharedString::from(s.as_u16().to_string()),
    }
}

/// A key and when it was looked up.
type Cached = (Arc<ApiKey>, std::time::Instant);

/// Recently authenticated keys, so a busy caller does not cost a database
/// round trip per request. Entries live `KEY_CACHE_TTL`: a revoked key stops
/// working within that time on every instance.
#[derive(Default)]
pub struct KeyCache {
    entries: std::sync::RwLock<std::collections::HashMap<[u8; 32], Cached>>,
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
    ) -> Result<Option<Arc<ApiKey>>, crate::store::StoreError> {
        // The cache is keyed by the token's hash: secrets are never kept in memory longer than the request.
        let id = crate::pki::cert::sha256(token.as_bytes());
        if let Ok(map) = self.entries.read()
            && let Some((k, at)) = map.get(&id)
            && at.elapsed() < KEY_CACHE_TTL
        {
            return Ok(Some(k.clone()));
        }
        let key = store.authenticate(token).await?.map(Arc::new);
        if let (Some(k), Ok(mut map)) = (&key, self.entries.write()) {
            if map.len() >= KEY_CACHE_MAX {
                map.clear();
            }
            map.insert(id, (k.clone(), std::time::Instant::now()));
        }
        Ok(key)
    }
}
