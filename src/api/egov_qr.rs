//! eGov mobile QR signing (the mobile app's "QR подписание"): the server
//! side of the app's protocol, for an officer whose key is in eGov mobile
//! or eGov Business.
//!
//! The officer's page asks `POST /v1/applications/{n}/sign/egov-qr` (with
//! the officer's certificate, as `sign/prepare`): the document's signature
//! is prepared and a session opened; the answer carries the QR text
//! (`mobileSign:` + the API 1 URL) and the apps' deep links. The app then
//! calls, without an API key:
//! - API 1, `GET /v1/egov-qr/{token}`: the description, the organisation,
//!   the expiry and where the documents are (`document.uri`, `auth_type`
//!   `Token`, a one-time `auth_token`). Once: a second call is refused.
//! - API 2, `GET /v1/egov-qr/{token}/documents` (`Authorization: Bearer
//!   auth_token`): `signMethod` `CMS_SIGN_ONLY` and `documentsToSign` (the
//!   prepared document data, base64, `@file/pdf`).
//! - `PUT` on the same URL: the same list with each `document.file.data`
//!   replaced by the app's detached CMS; qoltanba finishes the signature with
//!   it as `sign/finish` does with `cms` (condition 2, officer checks,
//!   PAdES) and closes the session.
//!
//! The officer polls `GET /v1/applications/{n}/sign/egov-qr/{session}`.
//! Sessions live in memory, expire with the prepared signature (15 min),
//! and their URLs work once.

use super::AppState;
use super::auth::Caller;
use super::document_twophase::{self, DocFinishBody, DocPrepareBody};
use super::json::ApiJson;
use super::problem::ApiError;
use crate::verdict::problem::ProblemCode;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// At most this many open sessions (the oldest expired ones go first).
pub const MAX_SESSIONS: usize = 1000;

/// Where a session is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    /// Waiting for the app's API 1 call.
    Created,
    /// API 1 answered; waiting for the signed documents.
    Fetched,
    /// Signed; the application moved on.
    Signed(Value),
    /// The app's CMS was refused (the problem's JSON).
    Failed(Value),
}

/// One QR signing session.
#[derive(Debug, Clone)]
struct Session {
    id: String,
    auth_token: String,
    caller: Caller,
    number: String,
    prepared_id: String,
    document_data: String,
    expires_at: i64,
    phase: Phase,
}

/// The open sessions, by the token in their URLs.
#[derive(Debug, Default)]
pub struct Sessions(Mutex<HashMap<String, Session>>);

fn random_hex(n: usize) -> Result<String, ApiError> {
    use ring::rand::SecureRandom;
    let mut b = vec![0u8; n];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| ApiError::new(ProblemCode::Internal, "no randomness"))?;
    Ok(crate::pki::cert::hex(&b).to_lowercase())
}

fn gone() -> ApiError {
    ApiError::new(
        ProblemCode::NotFound,
        "no such QR signing session: expired, already used, or never opened",
    )
}

/// The service's origin (scheme, host, port) from its public URL.
fn origin(state: &AppState) -> String {
    let url = &state.config.public_url;
    let after = url.find("://").map_or(0, |i| i + 3);
    match url[after..].find('/') {
        Some(i) => url[..after + i].to_string(),
        None => url.clone(),
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Opens a QR signing session over a prepared signature of the document.
#[utoipa::path(post, path = "/v1/applications/{number}/sign/egov-qr", request_body = DocPrepareBody, params(("number" = String, Path, description = "Registration number")),
    responses((status = 200, description = "{ session_id, qr (mobileSign:URL), egov_mobile_link, egov_business_link, api_url, expires_at, prepared }", body = Object)),
    security(("bearer" = [])))]
pub async fn open(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(number): Path<String>,
    body: ApiJson<DocPrepareBody>,
) -> Result<Json<Value>, ApiError> {
    let Json(prepared) = document_twophase::prepare(
        State(state.clone()),
        Extension(caller.clone()),
        Path(number.clone()),
        body,
    )
    .await?;
    let (token, id, auth_token) = (random_hex(24)?, random_hex(16)?, random_hex(24)?);
    let expires_at = state.now() + document_twophase::PREPARED_TTL;
    let session = Session {
        id: id.clone(),
        auth_token,
        caller,
        number,
        prepared_id: prepared["prepared_id"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        document_data: prepared["document_data"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        expires_at,
        phase: Phase::Created,
    };
    {
        let mut map = state.egov_qr.0.lock().map_err(|_| gone())?;
        let now = state.now();
        map.retain(|_, s| s.expires_at >= now);
        if map.len() >= MAX_SESSIONS {
            return Err(ApiError::new(
                ProblemCode::ServiceUnavailable,
                "too many open QR signing sessions",
            ));
        }
        map.insert(token.clone(), session);
    }
    let api = format!("{}/v1/egov-qr/{token}", origin(&state));
    let link = url_encode(&api);
    Ok(Json(json!({
        "session_id": id,
        "api_url": api,
        "qr": format!("mobileSign:{api}"),
        "egov_mobile_link": format!("https://mgovsign.page.link/?link={link}&isi=1476128386&ibi=kz.egov.mobile&apn=kz.mobile.mgov"),
        "egov_business_link": format!("https://egovbusiness.page.link/?link={link}&isi=1597880144&ibi=kz.mobile.mgov.business&apn=kz.mobile.mgov.business"),
        "expires_at": crate::time::rfc3339(expires_at),
        "digest_algorithm": prepared["digest_algorithm"],
        "stage": prepared["stage"],
    })))
}

/// API 1: what the app shows, and where the documents are (once).
#[utoipa::path(get, path = "/v1/egov-qr/{token}", params(("token" = String, Path, description = "The session's token from the QR code")),
    responses((status = 200, description = "{ description, expiry_date, organisation, document: { uri, auth_type: Token, auth_token } }", body = Object),
              (status = 404, description = "Expired, already used, or unknown")))]
pub async fn api1(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let now = state.now();
    let mut map = state.egov_qr.0.lock().map_err(|_| gone())?;
    let s = map
        .get_mut(&token)
        .filter(|s| s.expires_at >= now && s.phase == Phase::Created)
        .ok_or_else(gone)?;
    s.phase = Phase::Fetched;
    // The officer's provider (the session was opened on one of its applications).
    let providers = &state.workflow.providers;
    let provider = providers
        .org_of(s.caller.0.role, s.caller.0.org.as_deref())
        .ok()
        .and_then(|o| o.bin())
        .and_then(|b| providers.provider(b));
    let (name_ru, name_kk, bin) = provider.map_or(
        ("Услугодатель", "Көрсетілетін қызметті беруші", ""),
        |p| (p.name_ru.as_str(), p.name_kk.as_str(), p.bin.as_str()),
    );
    Ok(Json(json!({
        "description": format!("Өтініш {} / Заявление {}", s.number, s.number),
        "expiry_date": crate::time::rfc3339(s.expires_at),
        "organisation": {
            "nameRu": name_ru,
            "nameKz": name_kk,
            "nameEn": "Service provider",
            "bin": bin,
        },
        "document": {
            "uri": format!("{}/v1/egov-qr/{token}/documents", origin(&state)),
            "auth_type": "Token",
            "auth_token": s.auth_token,
        },
    })))
}

/// The session behind API 2, checked: open, not expired, API 1 called,
/// and the app's `auth_token`.
fn session_for(state: &AppState, token: &str, headers: &HeaderMap) -> Result<Session, ApiError> {
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let now = state.now();
    let map = state.egov_qr.0.lock().map_err(|_| gone())?;
    let s = map
        .get(token)
        .filter(|s| s.expires_at >= now && s.phase == Phase::Fetched)
        .ok_or_else(gone)?;
    use subtle::ConstantTimeEq;
    if !bool::from(s.auth_token.as_bytes().ct_eq(given.as_bytes())) {
        return Err(ApiError::new(
            ProblemCode::Unauthenticated,
            "Authorization: Bearer <auth_token from API 1> is required",
        ));
    }
    Ok(s.clone())
}

fn documents(s: &Session, data: &str) -> Value {
    json!({
        "signMethod": "CMS_SIGN_ONLY",
        "documentsToSign": [{
            "id": 1,
            "nameRu": format!("Документ по заявлению {}", s.number),
            "nameKz": format!("{} өтініш бойынша құжат", s.number),
            "nameEn": format!("Document of application {}", s.number),
            "meta": [{ "name": "number", "value": s.number }],
            "document": { "file": { "mime": "@file/pdf", "data": data } },
        }],
    })
}

/// API 2: the documents to sign.
#[utoipa::path(get, path = "/v1/egov-qr/{token}/documents", params(("token" = String, Path, description = "The session's token")),
    responses((status = 200, description = "{ signMethod: CMS_SIGN_ONLY, documentsToSign: [{ id, nameRu, nameKz, nameEn, meta, document: { file: { mime, data } } }] }", body = Object),
              (status = 401, description = "Not the auth_token of API 1"), (status = 404, description = "Expired, used, or unknown")))]
pub async fn documents_get(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let s = session_for(&state, &token, &headers)?;
    Ok(Json(documents(&s, &s.document_data)))
}

/// API 2, signed: the app's CMS finishes the document's signature.
#[utoipa::path(put, path = "/v1/egov-qr/{token}/documents", params(("token" = String, Path, description = "The session's token")),
    request_body = Object,
    responses((status = 200, description = "Signed", body = Object),
              (status = 400, description = "The CMS is refused (sign_code as for sign/finish)"),
              (status = 401, description = "Not the auth_token of API 1"), (status = 404, description = "Expired, used, or unknown")))]
pub async fn documents_put(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> Result<axum::response::Response, ApiError> {
    let s = session_for(&state, &token, &headers)?;
    let cms = body["documentsToSign"][0]["document"]["file"]["data"]
        .as_str()
        .ok_or_else(|| {
            ApiError::new(
                ProblemCode::RequestFieldInvalid,
                "documentsToSign[0].document.file.data: the signed document (CMS, base64) is required",
            )
        })?
        .to_string();
    let revoked = state
        .store
        .list_api_keys()
        .await?
        .iter()
        .any(|k| k.id == s.caller.0.id && k.revoked_at.is_some());
    let result = if revoked {
        Err(ApiError::new(
            ProblemCode::Forbidden,
            "the officer's API key was revoked",
        ))
    } else {
        document_twophase::finish(
            State(state.clone()),
            Extension(s.caller.clone()),
            Path(s.number.clone()),
            ApiJson(DocFinishBody {
                prepared_id: s.prepared_id.clone(),
                signature_value: None,
                cms: Some(cms),
            }),
        )
        .await
    };
    let (phase, out) = match result {
        Ok(resp) => {
            let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
                .await
                .unwrap_or_default();
            let app: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            (Phase::Signed(app), Ok(Json(json!({})).into_response()))
        }
        Err(e) => (
            Phase::Failed(super::problem::problem_body(
                e.code,
                &e.detail,
                e.extra.as_ref(),
            )),
            Err(e),
        ),
    };
    if let Ok(mut map) = state.egov_qr.0.lock()
        && let Some(x) = map.get_mut(&token)
    {
        x.phase = phase;
    }
    out
}

/// The session as the officer sees it: `waiting`, `fetched`, `signed` (with
/// the application), `failed` (with the problem).
#[utoipa::path(get, path = "/v1/applications/{number}/sign/egov-qr/{session}", params(("number" = String, Path, description = "Registration number"), ("session" = String, Path, description = "session_id")),
    responses((status = 200, description = "{ state: waiting|fetched|signed|failed, application?, problem? }", body = Object)),
    security(("bearer" = [])))]
pub async fn poll(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path((number, session)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let map = state.egov_qr.0.lock().map_err(|_| gone())?;
    let s = map
        .values()
        .find(|s| s.id == session && s.number == number && s.caller.0.id == caller.0.id)
        .ok_or_else(gone)?;
    Ok(Json(match &s.phase {
        Phase::Created => json!({ "state": "waiting" }),
        Phase::Fetched => json!({ "state": "fetched" }),
        Phase::Signed(app) => json!({ "state": "signed", "application": app }),
        Phase::Failed(p) => json!({ "state": "failed", "problem": p }),
    }))
}
