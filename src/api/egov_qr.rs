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
//! The sessions themselves (open, fetched once, finished once, closed) are
//! `workflow::egov_qr`'s; this module speaks the app's protocol over HTTP.

use super::AppState;
use super::auth::Ctx;
use super::document_twophase::{DocPrepareBody, certificate_and_chain};
use super::json::{ApiJson, b64};
use super::problem::{ApiError, problem_response};
use crate::store::qr_sessions::QrSession;
use crate::verdict::problem::ProblemCode;
use crate::workflow::egov_qr::{self, Kind, Opened};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Arc;

/// The service's origin (scheme, host, port) from its public URL.
fn origin(state: &AppState) -> String {
    let url = &state.config.public_url;
    let after = url.find("://").map_or(0, |i| i + 3);
    match url[after..].find('/') {
        Some(i) => url[..after + i].to_string(),
        None => url.clone(),
    }
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

/// An opened session as its opener gets it: the QR text, the launch links
/// and the expiry.
pub(super) fn opened_json(state: &AppState, o: &Opened) -> Value {
    let api = format!("{}/v1/egov-qr/{}", origin(state), o.token);
    let link = crate::pdf::sign::url_escape(&api);
    json!({
        "session_id": o.session_id,
        "api_url": api,
        "qr": format!("mobileSign:{api}"),
        "egov_mobile_link": format!("https://mgovsign.page.link/?link={link}&isi=1476128386&ibi=kz.egov.mobile&apn=kz.mobile.mgov"),
        "egov_business_link": format!("https://egovbusiness.page.link/?link={link}&isi=1597880144&ibi=kz.mobile.mgov.business&apn=kz.mobile.mgov.business"),
        "expires_at": crate::time::rfc3339(o.expires_at),
    })
}

/// Opens a QR signing session over a prepared signature of the document.
#[utoipa::path(post, path = "/v1/applications/{number}/sign/egov-qr", request_body = DocPrepareBody, params(("number" = String, Path, description = "Registration number")),
    responses((status = 200, description = "{ session_id, qr (mobileSign:URL), egov_mobile_link, egov_business_link, api_url, expires_at, digest_algorithm, stage }", body = Object)),
    security(("bearer" = [])))]
pub async fn open(
    Ctx { state, caller }: Ctx,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<DocPrepareBody>,
) -> Result<Json<Value>, ApiError> {
    let (cert_der, chain) = certificate_and_chain(&body)?;
    let deps = super::flow_deps(&state);
    let (opened, prepared) =
        egov_qr::open_document(&deps, &caller.0, &number, &cert_der, &chain).await?;
    let mut out = opened_json(&state, &opened);
    out["digest_algorithm"] = json!(prepared.pdf.scheme.digest().name());
    out["stage"] = json!(prepared.stage.as_str());
    Ok(Json(out))
}

/// API 1: what the app shows, and where the documents are (once).
#[utoipa::path(get, path = "/v1/egov-qr/{token}", params(("token" = String, Path, description = "The session's token from the QR code")),
    responses((status = 200, description = "{ description, expiry_date, organisation: { nameRu, nameKz, nameEn, bin }, document: { uri, auth_type: Token, auth_token } }", body = Object),
              (status = 404, description = "Expired, already used, or unknown")))]
pub async fn api1(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let deps = super::flow_deps(&state);
    let f = egov_qr::fetch(&deps, &token).await?;
    let s = &f.session;
    let description = match Kind::of(s) {
        Kind::Submission => {
            let names = state.workflow.catalogue.get(&s.subject);
            format!(
                "Өтініш: {} / Заявление: {}",
                names.map_or(s.subject.as_str(), |n| n.name_kk.as_str()),
                names.map_or(s.subject.as_str(), |n| n.name_ru.as_str())
            )
        }
        Kind::Document => format!("Өтініш {} / Заявление {}", s.subject, s.subject),
    };
    let (name_ru, name_kk) = f.provider.map_or(
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
            "bin": f.bin,
        },
        "document": {
            "uri": format!("{}/v1/egov-qr/{token}/documents", origin(&state)),
            "auth_type": "Token",
            "auth_token": f.auth_token,
        },
    })))
}

/// The app's `Authorization: Bearer` token, or nothing.
fn bearer(headers: &HeaderMap) -> &str {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
}

fn documents(s: &QrSession) -> Value {
    let p = egov_qr::payload(s);
    let (names, mime, data, meta) = match Kind::of(s) {
        Kind::Submission => (
            [
                format!("Заявление на услугу {}", s.subject),
                format!("{} қызметіне өтініш", s.subject),
                format!("Application for the service {}", s.subject),
            ],
            "text/plain",
            p["request"].clone(),
            json!([{ "name": "service", "value": s.subject }, { "name": "iin", "value": p["iin"] }]),
        ),
        Kind::Document => (
            [
                format!("Документ по заявлению {}", s.subject),
                format!("{} өтініш бойынша құжат", s.subject),
                format!("Document of application {}", s.subject),
            ],
            "@file/pdf",
            p["document_data"].clone(),
            json!([{ "name": "number", "value": s.subject }]),
        ),
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
    let deps = super::flow_deps(&state);
    let s = egov_qr::authorised(&deps, &token, bearer(&headers)).await?;
    Ok(Json(documents(&s)))
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
    let deps = super::flow_deps(&state);
    let s = egov_qr::authorised(&deps, &token, bearer(&headers)).await?;
    let cms = body["documentsToSign"][0]["document"]["file"]["data"]
        .as_str()
        .ok_or_else(|| {
            ApiError::new(
                ProblemCode::RequestFieldInvalid,
                "documentsToSign[0].document.file.data: the signed document (CMS, base64) is required",
            )
        })?;
    egov_qr::claim(&deps, &s).await?;
    let field = match Kind::of(&s) {
        Kind::Submission => "signature",
        Kind::Document => "cms",
    };
    let (status, outcome) = match b64(field, cms) {
        Err(e) => e.parts(),
        Ok(cms) => match egov_qr::finish(&deps, &s, cms).await {
            Ok(done) => match finished_json(&state, &done).await {
                Ok(app) => (StatusCode::OK, app),
                Err(e) => e.parts(),
            },
            Err(e) => super::applications::submit_problem(e),
        },
    };
    let signed = status.is_success();
    egov_qr::close(&deps, &s, signed, &outcome).await?;
    Ok(if signed {
        Json(json!({})).into_response()
    } else {
        problem_response(status, outcome)
    })
}

/// What the opener's poll shows of a signed session: the officer's
/// application with its history, the citizen's as just registered.
async fn finished_json(state: &AppState, done: &egov_qr::Finished) -> Result<Value, ApiError> {
    let history = match done.kind {
        Kind::Document => state.store.history(&done.application.number).await?,
        Kind::Submission => Vec::new(),
    };
    Ok(super::applications::app_json(
        state,
        &done.application,
        history,
    ))
}

/// The officer's session: `waiting`, `fetched`, `finishing`, `signed`
/// (with the application), `failed` (with the problem), `expired`.
#[utoipa::path(get, path = "/v1/applications/{number}/sign/egov-qr/{session}", params(("number" = String, Path, description = "Registration number"), ("session" = String, Path, description = "session_id")),
    responses((status = 200, description = "{ state: waiting|fetched|finishing|signed|failed|expired, application?, problem? }", body = Object)),
    security(("bearer" = [])))]
pub async fn poll(
    Ctx { state, caller }: Ctx,
    Path((number, session)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let deps = super::flow_deps(&state);
    let s = egov_qr::of_opener(&deps, &caller.0, &session, Kind::Document, Some(&number)).await?;
    Ok(Json(egov_qr::poll_answer(&s, deps.now)))
}
