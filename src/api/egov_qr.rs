//! eGov mobile QR signing (the mobile app's "QR подписание", also called
//! cross signing): the server side of the app's protocol, for an officer
//! whose key is in eGov mobile or eGov Business, and for a citizen signing
//! their request in eGov mobile (`egov_qr_citizen`).
//!
//! Opening a session: the officer's page asks `POST
//! /v1/applications/{n}/sign/egov-qr` (with the officer's certificate, as
//! `sign/prepare`), the portal asks `POST /v1/submissions/egov-qr` (with
//! the citizen's request). The answer carries the QR text (`mobileSign:` +
//! the API 1 URL) and the apps' launch links. The app then calls, without
//! an API key:
//! - API 1, `GET /v1/egov-qr/{token}`: `description`, `expiry_date`,
//!   `organisation` (`nameRu`, `nameKz`, `nameEn`, `bin`) and `document`
//!   (`uri` of API 2, `auth_type` `Token`, a one-time `auth_token`). Once:
//!   a second call is refused.
//! - API 2, `GET` on `document.uri` (`Authorization: Bearer auth_token`):
//!   `signMethod` `CMS_SIGN_ONLY` and `documentsToSign`, each with `id`,
//!   `nameRu`, `nameKz`, `nameEn`, `meta` (`name`, `value`) and
//!   `document.file` (`mime`, `data` in base64).
//! - `PUT` on the same URL: the same list with each `document.file.data`
//!   replaced by the app's detached CMS. qoltanba checks it in full (an
//!   officer's as `sign/finish` with `cms`; a citizen's as a portal
//!   submission: condition 2 with the IIN match and a signing key) and
//!   closes the session, signed or refused, either way.
//!
//! Where each field comes from (no public specification of the app is
//! stored here, so the names are those the open-source clients and servers
//! of the protocol agree on): SIGEX's `sigex-qr-signing-client`
//! (`signMethod` `CMS_SIGN_ONLY`/`CMS_WITH_DATA`, `documentsToSign`, `id`,
//! `nameRu`/`nameKz`/`nameEn`, `meta`, `document.file.mime` `@file/pdf` for
//! a PDF, `document.file.data`; the signatures come back in the same
//! places) and SIGEX's developer pages (one-time QR, `expireAt`); the API 1
//! fields (`description`, `expiry_date`, `organisation`, `document.uri`,
//! `auth_type` `Token`, `auth_token`) and the `mobileSign:` QR prefix as
//! the independent servers of the protocol in the code corpus write them
//! (Java `Api1Response`, Python and TypeScript implementations), which also
//! write `expiry_date` as ISO 8601 with milliseconds and an offset, as we
//! do now; the launch links (`mgovsign.page.link`, `egovbusiness.page.link`
//! with the apps' store ids) as the PHP integrations write them. A
//! citizen's request is JSON: its `mime` is `text/plain`, one of the values
//! those servers list (`@file/pdf` stays for PDFs, as SIGEX writes it).
//! Not taken: API 2's optional `version`, `XML`, `SIGN_BYTES_ARRAY`,
//! `MIX_SIGN` (nothing here signs XML through the app).
//!
//! Sessions live in the store (`store::qr_sessions`): a restart or another
//! instance continues them; they expire with the prepared signature (15
//! min) and their URLs work once.

use super::AppState;
use super::auth::Caller;
use super::document_twophase::{self, DocFinishBody, DocPrepareBody};
use super::json::ApiJson;
use super::problem::{ApiError, problem_response};
use crate::store::qr_sessions::{QrPhase, QrSession};
use crate::verdict::problem::ProblemCode;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{Value, json};
use std::sync::Arc;

/// At most this many open sessions.
pub const MAX_SESSIONS: i64 = 1000;

/// A session's kind: an officer signs an application's document.
pub(super) const DOCUMENT: &str = "document";
/// A session's kind: a citizen signs their request (a portal submission).
pub(super) const SUBMISSION: &str = "submission";

fn random_hex(n: usize) -> Result<String, ApiError> {
    use ring::rand::SecureRandom;
    let mut b = vec![0u8; n];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| ApiError::new(ProblemCode::Internal, "no randomness"))?;
    Ok(crate::pki::cert::hex(&b).to_lowercase())
}

fn sha_hex(s: &str) -> String {
    crate::pki::cert::hex(&crate::pki::cert::sha256(s.as_bytes())).to_lowercase()
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

/// `expiry_date` as the protocol's servers write it: ISO 8601 with
/// milliseconds and an explicit offset.
fn expiry_date(t: i64) -> String {
    let s = crate::time::rfc3339(t);
    match s.strip_suffix('Z') {
        Some(base) if base.len() == 19 => format!("{base}.000+00:00"),
        _ => s,
    }
}

/// Opens a session of `kind` over `subject` for the caller; answers the QR
/// text, the launch links and the expiry.
pub(super) async fn open_session(
    state: &AppState,
    caller: &Caller,
    kind: &str,
    subject: &str,
    payload: Value,
) -> Result<Value, ApiError> {
    let now = state.now();
    if state.store.open_qr_sessions(now).await? >= MAX_SESSIONS {
        return Err(ApiError::new(
            ProblemCode::ServiceUnavailable,
            "too many open QR signing sessions",
        ));
    }
    let (token, id) = (random_hex(24)?, random_hex(16)?);
    let expires_at = now + document_twophase::PREPARED_TTL;
    state
        .store
        .put_qr_session(&QrSession {
            token_sha256: sha_hex(&token),
            id: id.clone(),
            key_id: caller.0.id.clone(),
            kind: kind.into(),
            subject: subject.into(),
            payload: payload.to_string(),
            phase: QrPhase::Created,
            auth_sha256: String::new(),
            outcome: None,
            created_at: now,
            expires_at,
        })
        .await?;
    let api = format!("{}/v1/egov-qr/{token}", origin(state));
    let link = url_encode(&api);
    Ok(json!({
        "session_id": id,
        "api_url": api,
        "qr": format!("mobileSign:{api}"),
        "egov_mobile_link": format!("https://mgovsign.page.link/?link={link}&isi=1476128386&ibi=kz.egov.mobile&apn=kz.mobile.mgov"),
        "egov_business_link": format!("https://egovbusiness.page.link/?link={link}&isi=1597880144&ibi=kz.mobile.mgov.business&apn=kz.mobile.mgov.business"),
        "expires_at": crate::time::rfc3339(expires_at),
    }))
}

/// Opens a QR signing session over a prepared signature of the document.
#[utoipa::path(post, path = "/v1/applications/{number}/sign/egov-qr", request_body = DocPrepareBody, params(("number" = String, Path, description = "Registration number")),
    responses((status = 200, description = "{ session_id, qr (mobileSign:URL), egov_mobile_link, egov_business_link, api_url, expires_at, digest_algorithm, stage }", body = Object)),
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
    let payload = json!({
        "prepared_id": prepared["prepared_id"],
        "document_data": prepared["document_data"],
    });
    let mut out = open_session(&state, &caller, DOCUMENT, &number, payload).await?;
    out["digest_algorithm"] = prepared["digest_algorithm"].clone();
    out["stage"] = prepared["stage"].clone();
    Ok(Json(out))
}

/// The session behind a URL token, open at `now`.
async fn open_by_token(
    state: &AppState,
    token: &str,
    phase: QrPhase,
) -> Result<QrSession, ApiError> {
    if token.len() > 128 {
        return Err(gone());
    }
    state
        .store
        .qr_session(&sha_hex(token))
        .await?
        .filter(|s| s.expires_at >= state.now() && s.phase == phase)
        .ok_or_else(gone)
}

fn payload(s: &QrSession) -> Value {
    serde_json::from_str(&s.payload).unwrap_or(Value::Null)
}

/// API 1: what the app shows, and where the documents are (once).
#[utoipa::path(get, path = "/v1/egov-qr/{token}", params(("token" = String, Path, description = "The session's token from the QR code")),
    responses((status = 200, description = "{ description, expiry_date, organisation: { nameRu, nameKz, nameEn, bin }, document: { uri, auth_type: Token, auth_token } }", body = Object),
              (status = 404, description = "Expired, already used, or unknown")))]
pub async fn api1(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let s = open_by_token(&state, &token, QrPhase::Created).await?;
    // A fresh auth_token, of which only the hash is kept: moving the phase
    // and recording it is one step, so API 1 answers once.
    let auth_token = random_hex(24)?;
    let moved = state
        .store
        .step_qr_session(
            &s.token_sha256,
            QrPhase::Created,
            QrPhase::Fetched,
            Some(&sha_hex(&auth_token)),
            state.now(),
        )
        .await?;
    if !moved {
        return Err(gone());
    }
    let description = if s.kind == SUBMISSION {
        let names = state.workflow.catalogue.get(&s.subject);
        format!(
            "Өтініш: {} / Заявление: {}",
            names.map_or(s.subject.as_str(), |n| n.name_kk.as_str()),
            names.map_or(s.subject.as_str(), |n| n.name_ru.as_str())
        )
    } else {
        format!("Өтініш {} / Заявление {}", s.subject, s.subject)
    };
    // The provider the signature is for: the application's, or the one the
    // citizen's request goes to.
    let bin = if s.kind == SUBMISSION {
        payload(&s)["provider"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    } else {
        state
            .store
            .application(&s.subject)
            .await?
            .map(|a| a.provider)
            .unwrap_or_default()
    };
    let provider = state.workflow.providers.provider(&bin);
    let (name_ru, name_kk) = provider.map_or(
        ("Услугодатель", "Көрсетілетін қызметті беруші"),
        |p| (p.name_ru.as_str(), p.name_kk.as_str()),
    );
    Ok(Json(json!({
        "description": description,
        "expiry_date": expiry_date(s.expires_at),
        "organisation": {
            "nameRu": name_ru,
            "nameKz": name_kk,
            "nameEn": "Service provider",
            "bin": bin,
        },
        "document": {
            "uri": format!("{}/v1/egov-qr/{token}/documents", origin(&state)),
            "auth_type": "Token",
            "auth_token": auth_token,
        },
    })))
}

/// The session behind API 2, checked: open, not expired, API 1 called,
/// and the app's `auth_token`.
async fn session_for(
    state: &AppState,
    token: &str,
    headers: &HeaderMap,
) -> Result<QrSession, ApiError> {
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let s = open_by_token(state, token, QrPhase::Fetched).await?;
    use subtle::ConstantTimeEq;
    if !bool::from(s.auth_sha256.as_bytes().ct_eq(sha_hex(given).as_bytes())) {
        return Err(ApiError::new(
            ProblemCode::Unauthenticated,
            "Authorization: Bearer <auth_token from API 1> is required",
        ));
    }
    Ok(s)
}

fn documents(s: &QrSession) -> Value {
    let p = payload(s);
    let (names, mime, data, meta) = if s.kind == SUBMISSION {
        (
            [
                format!("Заявление на услугу {}", s.subject),
                format!("{} қызметіне өтініш", s.subject),
                format!("Application for the service {}", s.subject),
            ],
            "text/plain",
            p["request"].clone(),
            json!([{ "name": "service", "value": s.subject }, { "name": "iin", "value": p["iin"] }]),
        )
    } else {
        (
            [
                format!("Документ по заявлению {}", s.subject),
                format!("{} өтініш бойынша құжат", s.subject),
                format!("Document of application {}", s.subject),
            ],
            "@file/pdf",
            p["document_data"].clone(),
            json!([{ "name": "number", "value": s.subject }]),
        )
    };
    let [ru, kz, en] = names;
    json!({
        "signMethod": "CMS_SIGN_ONLY",
        "documentsToSign": [{
            "id": 1,
            "nameRu": ru,
            "nameKz": kz,
            "nameEn": en,
            "meta": meta,
            "document": { "file": { "mime": mime, "data": data } },
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
    let s = session_for(&state, &token, &headers).await?;
    Ok(Json(documents(&s)))
}

/// The API key that opened the session, unless it was revoked since.
async fn opener(state: &AppState, s: &QrSession) -> Result<Caller, ApiError> {
    state
        .store
        .list_api_keys()
        .await?
        .into_iter()
        .find(|k| k.id == s.key_id && k.revoked_at.is_none())
        .map(|k| Caller(Arc::new(k)))
        .ok_or_else(|| {
            ApiError::new(
                ProblemCode::Forbidden,
                "the API key that opened this session was revoked",
            )
        })
}

/// API 2, signed: the app's CMS finishes the session's signature.
#[utoipa::path(put, path = "/v1/egov-qr/{token}/documents", params(("token" = String, Path, description = "The session's token")),
    request_body = Object,
    responses((status = 200, description = "Signed", body = Object),
              (status = 400, description = "An officer's CMS is refused (sign_code as for sign/finish)"),
              (status = 422, description = "A citizen's CMS fails condition 2 (the verdict's code, as POST /v1/applications)"),
              (status = 401, description = "Not the auth_token of API 1"), (status = 404, description = "Expired, used, or unknown")))]
pub async fn documents_put(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let s = session_for(&state, &token, &headers).await?;
    let cms = body["documentsToSign"][0]["document"]["file"]["data"]
        .as_str()
        .ok_or_else(|| {
            ApiError::new(
                ProblemCode::RequestFieldInvalid,
                "documentsToSign[0].document.file.data: the signed document (CMS, base64) is required",
            )
        })?
        .to_string();
    // One PUT counts: the session leaves `fetched` before anything is checked.
    if !state
        .store
        .step_qr_session(
            &s.token_sha256,
            QrPhase::Fetched,
            QrPhase::Finishing,
            None,
            state.now(),
        )
        .await?
    {
        return Err(gone());
    }
    let result = match opener(&state, &s).await {
        Err(e) => Err(e),
        Ok(caller) if s.kind == SUBMISSION => {
            super::egov_qr_citizen::finish(&state, caller, &payload(&s), cms, &s.subject).await
        }
        Ok(caller) => {
            let prepared_id = payload(&s)["prepared_id"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            document_twophase::finish(
                State(state.clone()),
                Extension(caller),
                Path(s.subject.clone()),
                ApiJson(DocFinishBody {
                    prepared_id,
                    signature_value: None,
                    cms: Some(cms),
                }),
            )
            .await
        }
    };
    let resp = result.unwrap_or_else(IntoResponse::into_response);
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let outcome: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let phase = if status.is_success() {
        QrPhase::Signed
    } else {
        QrPhase::Failed
    };
    state
        .store
        .close_qr_session(&s.token_sha256, phase, &outcome.to_string())
        .await?;
    Ok(if status.is_success() {
        Json(json!({})).into_response()
    } else {
        problem_response(status, outcome)
    })
}

/// A session as its opener sees it: `waiting`, `fetched`, `finishing`,
/// `signed` (with the application), `failed` (with the problem), or
/// `expired` (never finished).
pub(super) fn poll_answer(state: &AppState, s: &QrSession) -> Value {
    let outcome = || {
        s.outcome
            .as_deref()
            .and_then(|o| serde_json::from_str::<Value>(o).ok())
            .unwrap_or(Value::Null)
    };
    let open = s.expires_at >= state.now();
    match s.phase {
        QrPhase::Created if open => json!({ "state": "waiting" }),
        QrPhase::Fetched if open => json!({ "state": "fetched" }),
        QrPhase::Finishing => json!({ "state": "finishing" }),
        QrPhase::Signed => json!({ "state": "signed", "application": outcome() }),
        QrPhase::Failed => json!({ "state": "failed", "problem": outcome() }),
        _ => json!({ "state": "expired" }),
    }
}

/// The officer's session: `waiting`, `fetched`, `finishing`, `signed`
/// (with the application), `failed` (with the problem), `expired`.
#[utoipa::path(get, path = "/v1/applications/{number}/sign/egov-qr/{session}", params(("number" = String, Path, description = "Registration number"), ("session" = String, Path, description = "session_id")),
    responses((status = 200, description = "{ state: waiting|fetched|finishing|signed|failed|expired, application?, problem? }", body = Object)),
    security(("bearer" = [])))]
pub async fn poll(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path((number, session)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let s = state
        .store
        .qr_session_of(&session, &caller.0.id)
        .await?
        .filter(|s| s.kind == DOCUMENT && s.subject == number)
        .ok_or_else(gone)?;
    Ok(Json(poll_answer(&state, &s)))
}
