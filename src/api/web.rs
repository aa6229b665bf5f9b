//! The public pages over HTTP: `/`, `/docs`, `/assets/*`, `/verify` (the QR
//! target) and `/verify/document` (the access code), `/check`. Handlers read
//! the request (query, language, form, client address), call `web` and the
//! store, and answer HTML (or JSON and reports from `/check`). No key is
//! needed; nothing but access-code tries is written, and only on POST.

use super::AppState;
use super::problem::{ApiError, problem_body, problem_response};
use crate::verdict::problem::ProblemCode;
use crate::web::check::{Checked, Upload};
use crate::web::link::{self, Link};
use crate::web::pages::check::FormProblem;
use crate::web::pages::verify::{Access, View};
use crate::web::report::{self, ReportFormat, Seal};
use crate::web::{Lang, access, assets, pages, published};
use axum::extract::{ConnectInfo, FromRequestParts, Multipart, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The client's address, when the server knows it (tests without a socket do not).
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// An HTML answer that is not cached (verdicts are of the moment).
fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The page language: `lang` in the query, else the browser's.
fn lang_of(query: Option<&str>, headers: &HeaderMap) -> Lang {
    let chosen = link::params(query).ok().and_then(|p| p.lang);
    Lang::negotiate(
        chosen.as_deref(),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"))
}

/// The front door.
#[utoipa::path(get, path = "/", responses((status = 200, description = "The front page (HTML, kk/ru/en)", content_type = "text/html")))]
pub async fn front(RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    html(
        StatusCode::OK,
        pages::front::page(lang_of(q.as_deref(), &headers)),
    )
}

/// The API reference.
#[utoipa::path(get, path = "/docs", responses((status = 200, description = "The OpenAPI document as a readable reference (HTML)", content_type = "text/html")))]
pub async fn docs(RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let lang = lang_of(q.as_deref(), &headers);
    let doc = super::openapi::value();
    let roles = |method: &str, path: &str| {
        super::routes::route(method, path)
            .and_then(|r| r.roles)
            .map(|roles| roles.iter().map(|r| r.as_str()).collect())
    };
    html(StatusCode::OK, pages::docs::page(lang, &doc, &roles))
}

/// The pages' stylesheet and icon.
#[utoipa::path(get, path = "/assets/{file}", params(("file" = String, Path, description = "qoltanba.css or icon.svg")), responses((status = 200, description = "The file"), (status = 404, description = "No such file")))]
pub async fn asset(Path(file): Path<String>) -> Response {
    match assets::asset(&file) {
        Some((media, bytes)) => (
            [
                (header::CONTENT_TYPE, media),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            bytes,
        )
            .into_response(),
        None => ApiError::new(ProblemCode::NotFound, "no such file").into_response(),
    }
}

/// The re-verified document a link names, or None when no document issued
/// here has that number and signed revision.
async fn published(
    state: &AppState,
    l: &Link,
) -> Result<Option<Arc<published::Assessment>>, ApiError> {
    let trust = state.trust();
    let a = match state.web.assessments.get(&l.doc, &trust) {
        Some(a) => a,
        None => {
            let Some(b64) = state.store.issued_document(&l.doc).await? else {
                return Ok(None);
            };
            let pdf = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|_| ApiError::new(ProblemCode::Internal, "stored result is not base64"))?;
            let t = trust.clone();
            let a = tokio::task::spawn_blocking(move || {
                published::assess(&pdf, &t, crate::time::now())
            })
            .await
            .map_err(|_| ApiError::new(ProblemCode::Internal, "verification task failed"))?;
            let a = Arc::new(a);
            state.web.assessments.put(&l.doc, &trust, a.clone());
            a
        }
    };
    Ok(a.names_revision(&l.sha256).then_some(a))
}

/// The verification page a stamp's QR code opens.
#[utoipa::path(get, path = "/verify", params(("doc" = String, Query, description = "Document number"), ("sha256" = String, Query, description = "SHA-256 of the signed revision, hex"), ("lang" = Option<String>, Query, description = "kk, ru or en")),
    responses((status = 200, description = "The document's signatures re-checked now (HTML)", content_type = "text/html"),
              (status = 404, description = "No document issued here matches (HTML)"), (status = 400, description = "Not a verification link (HTML)")))]
pub async fn verify_page(
    State(state): State<Arc<AppState>>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(q.as_deref(), &headers);
    let l = match link::params(q.as_deref()).and_then(|p| link::link(&p)) {
        Ok(l) => l,
        Err(e) => {
            return html(
                StatusCode::BAD_REQUEST,
                pages::verify::page(lang, &View::Malformed(&e)),
            );
        }
    };
    verify_answer(&state, &l, lang, Access::Ask).await
}

async fn verify_answer(state: &AppState, l: &Link, lang: Lang, access: Access) -> Response {
    match published(state, l).await {
        Ok(Some(a)) => html(
            StatusCode::OK,
            pages::verify::page(
                lang,
                &View::Found {
                    link: l,
                    assessment: &a,
                    access,
                },
            ),
        ),
        Ok(None) => html(
            StatusCode::NOT_FOUND,
            pages::verify::page(lang, &View::NotFound(l)),
        ),
        Err(e) => {
            tracing::error!(detail = %e.detail, "verification page");
            html(
                StatusCode::SERVICE_UNAVAILABLE,
                pages::check::form_page(lang, Some(FormProblem::Busy), crate::web::MAX_UPLOAD),
            )
        }
    }
}

/// The access-code form's fields.
#[derive(Debug, serde::Deserialize)]
pub struct CodeForm {
    doc: String,
    sha256: String,
    code: String,
    lang: Option<String>,
}

/// Opens the document itself for whoever types the code printed on its stamp.
#[utoipa::path(post, path = "/verify/document", request_body(content_type = "application/x-www-form-urlencoded", description = "doc, sha256, code, lang"),
    responses((status = 200, description = "The signed PDF (right code), or the page saying how many tries are left"),
              (status = 429, description = "Too many wrong codes for this document, or from this client (HTML)")))]
pub async fn verify_document(
    State(state): State<Arc<AppState>>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    form: axum::extract::Form<CodeForm>,
) -> Response {
    let f = form.0;
    let lang = Lang::negotiate(
        f.lang.as_deref(),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let l = match link::link(&link::Params {
        doc: Some(f.doc),
        sha256: Some(f.sha256),
        lang: None,
    }) {
        Ok(l) => l,
        Err(e) => {
            return html(
                StatusCode::BAD_REQUEST,
                pages::verify::page(lang, &View::Malformed(&e)),
            );
        }
    };
    match open_document(&state, client, &l, &f.code).await {
        Ok(Opened::Pdf(pdf)) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (header::CACHE_CONTROL, "no-store".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"{}.pdf\"", l.doc),
                ),
            ],
            pdf,
        )
            .into_response(),
        Ok(Opened::Refused(access)) => {
            let mut r = verify_answer(&state, &l, lang, access).await;
            if access == Access::Locked && r.status() == StatusCode::OK {
                *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            }
            r
        }
        Ok(Opened::NotFound) => html(
            StatusCode::NOT_FOUND,
            pages::verify::page(lang, &View::NotFound(&l)),
        ),
        Err(e) => {
            tracing::error!(detail = %e.detail, "access code");
            html(
                StatusCode::SERVICE_UNAVAILABLE,
                pages::check::form_page(lang, Some(FormProblem::Busy), crate::web::MAX_UPLOAD),
            )
        }
    }
}

enum Opened {
    Pdf(Vec<u8>),
    Refused(Access),
    NotFound,
}

async fn open_document(
    state: &AppState,
    client: Option<IpAddr>,
    l: &Link,
    typed: &str,
) -> Result<Opened, ApiError> {
    if published(state, l).await?.is_none() {
        return Ok(Opened::NotFound);
    }
    let now = crate::time::now();
    if !state
        .web
        .code_tries
        .allow(client, std::time::Instant::now())
        || state
            .store
            .access_failures(&l.doc, now, access::WINDOW)
            .await?
            >= access::TRIES
    {
        return Ok(Opened::Refused(Access::Locked));
    }
    let stored = state.store.access_codes(&l.doc).await?;
    let typed = typed.to_string();
    let right = tokio::task::spawn_blocking(move || {
        stored
            .iter()
            .any(|h| access::matches(&typed, h).unwrap_or(false))
    })
    .await
    .map_err(|_| ApiError::new(ProblemCode::Internal, "access code task failed"))?;
    if !right {
        let failures = state
            .store
            .record_access_failure(&l.doc, now, access::WINDOW)
            .await?;
        let left = (access::TRIES - failures).max(0);
        return Ok(Opened::Refused(if left == 0 {
            Access::Locked
        } else {
            Access::Wrong { left }
        }));
    }
    let pdf = state
        .store
        .issued_document(&l.doc)
        .await?
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .ok_or_else(|| ApiError::new(ProblemCode::Internal, "stored result is not base64"))?;
    Ok(Opened::Pdf(pdf))
}

/// The form to check a signed file.
#[utoipa::path(get, path = "/check", responses((status = 200, description = "The upload form (HTML)", content_type = "text/html")))]
pub async fn check_form(RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    html(
        StatusCode::OK,
        pages::check::form_page(
            lang_of(q.as_deref(), &headers),
            None,
            crate::web::MAX_UPLOAD,
        ),
    )
}

/// What an upload form carried.
#[derive(Default)]
struct Form {
    name: String,
    file: Option<Vec<u8>>,
    data: Option<Vec<u8>>,
    format: Option<String>,
    lang: Option<String>,
}

/// Most parts read from one form.
const MAX_PARTS: usize = 16;

async fn read_form(mut mp: Multipart) -> Result<Form, FormProblem> {
    let mut f = Form::default();
    let too_large = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            FormProblem::TooLarge
        } else {
            FormProblem::NoFile
        }
    };
    let mut parts = 0;
    while let Some(field) = mp.next_field().await.map_err(too_large)? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(FormProblem::NoFile);
        }
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(String::from);
        let bytes = field.bytes().await.map_err(too_large)?;
        let text = || {
            String::from_utf8_lossy(&bytes)
                .chars()
                .take(256)
                .collect::<String>()
        };
        let b64 = || {
            base64::engine::general_purpose::STANDARD
                .decode(bytes.as_ref())
                .map_err(|_| FormProblem::NoFile)
        };
        match name.as_str() {
            "file" if !bytes.is_empty() => {
                f.name = file_name.unwrap_or_default();
                f.file = Some(bytes.to_vec());
            }
            "data" if !bytes.is_empty() => f.data = Some(bytes.to_vec()),
            "file_b64" if !bytes.is_empty() && f.file.is_none() => f.file = Some(b64()?),
            "data_b64" if !bytes.is_empty() => f.data = Some(b64()?),
            "name" if f.name.is_empty() => f.name = text(),
            "format" => f.format = Some(text()),
            "lang" => f.lang = Some(text()),
            _ => {}
        }
    }
    let size = f.file.as_ref().map_or(0, Vec::len) + f.data.as_ref().map_or(0, Vec::len);
    if size > crate::web::MAX_UPLOAD {
        return Err(FormProblem::TooLarge);
    }
    Ok(f)
}

/// The service's seal from the key store, when one is configured.
pub fn load_seal(state: &AppState) -> Result<Option<crate::keys::LoadedKey>, ApiError> {
    let Some(id) = &state.config.seal_key_id else {
        return Ok(None);
    };
    let keys = crate::keys::KeyStore::open(
        &state.config.data_dir,
        state.config.master_key_file.as_deref(),
    )
    .map_err(|e| ApiError::new(ProblemCode::ServiceUnavailable, e.to_string()))?;
    keys.load(id)
        .map(Some)
        .map_err(|e| ApiError::new(ProblemCode::ServiceUnavailable, format!("seal key: {e}")))
}

/// What a check's worker gives back.
pub enum CheckOutcome {
    /// The check, and the report when one was asked for.
    Done(Box<Checked>, Option<Result<Vec<u8>, report::ReportError>>),
    /// No turn within the wait.
    Busy,
    /// Over the time limit.
    Timeout,
}

/// Checks a file off the async workers, bounded in concurrency and time;
/// builds the report in `format` too when asked.
pub async fn run_check(
    state: &AppState,
    name: String,
    file: Vec<u8>,
    data: Option<Vec<u8>>,
    report: Option<(ReportFormat, Lang)>,
) -> Result<CheckOutcome, ApiError> {
    let permit = match tokio::time::timeout(
        crate::web::CHECK_QUEUE_WAIT,
        state.web.check_slots.clone().acquire_owned(),
    )
    .await
    {
        Ok(Ok(p)) => p,
        _ => return Ok(CheckOutcome::Busy),
    };
    let seal = match report {
        Some((ReportFormat::Pdf, _)) => load_seal(state)?,
        _ => None,
    };
    let trust = state.trust();
    let job = tokio::task::spawn_blocking(move || {
        // The permit is released when the work ends, not when the answer is given up on.
        let _permit = permit;
        let c = crate::web::check::check(
            &Upload {
                name: &name,
                file: &file,
                data: data.as_deref(),
            },
            &trust,
            crate::time::now(),
        );
        let r = report.map(|(format, lang)| {
            let s = seal.as_ref().map(|k| Seal {
                signer: k,
                cert: &k.cert_der,
                chain: &k.chain_der,
            });
            report::build(&c, format, lang, s.as_ref())
        });
        (c, r)
    });
    match tokio::time::timeout(crate::web::CHECK_TIME_LIMIT, job).await {
        Ok(Ok((c, r))) => Ok(CheckOutcome::Done(Box::new(c), r)),
        Ok(Err(_)) => Err(ApiError::new(ProblemCode::Internal, "check task failed")),
        Err(_) => Ok(CheckOutcome::Timeout),
    }
}

/// A report as a download.
pub fn report_response(c: &Checked, format: ReportFormat, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", report::file_name(c, format));
    let mut r = ([(header::CONTENT_TYPE, format.media_type())], bytes).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn problem_page(lang: Lang, json: bool, p: FormProblem) -> Response {
    let (status, code) = match p {
        FormProblem::NoFile => (StatusCode::BAD_REQUEST, ProblemCode::RequestFieldMissing),
        FormProblem::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ProblemCode::RequestTooLarge),
        FormProblem::RateLimited => (StatusCode::TOO_MANY_REQUESTS, ProblemCode::TooManyRequests),
        FormProblem::Busy => (
            StatusCode::SERVICE_UNAVAILABLE,
            ProblemCode::ServiceUnavailable,
        ),
        FormProblem::Timeout => (StatusCode::SERVICE_UNAVAILABLE, ProblemCode::Timeout),
    };
    if json {
        return problem_response(status, problem_body(code, &format!("{p:?}"), None));
    }
    html(
        status,
        pages::check::form_page(lang, Some(p), crate::web::MAX_UPLOAD),
    )
}

/// Checks an uploaded file: the answer page, the JSON verdict
/// (`Accept: application/json` or `format=json`), or a report.
#[utoipa::path(post, path = "/check", request_body(content_type = "multipart/form-data", description = "file (the signed file), data (a detached CMS's content), format (html, pdf, etsi-xml, json), lang (kk, ru, en)"),
    responses((status = 200, description = "The verdict per signature with every check (HTML), the JSON verdict, or a report"),
              (status = 413, description = "The file is too large"), (status = 429, description = "Too many checks from this client"),
              (status = 503, description = "Busy, over the time limit, or no seal key for a PDF report")))]
pub async fn check_upload(
    State(state): State<Arc<AppState>>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    mp: Multipart,
) -> Response {
    let json = wants_json(&headers);
    let browser_lang = lang_of(None, &headers);
    if !state.web.checks.allow(client, std::time::Instant::now()) {
        return problem_page(browser_lang, json, FormProblem::RateLimited);
    }
    let f = match read_form(mp).await {
        Ok(f) => f,
        Err(p) => return problem_page(browser_lang, json, p),
    };
    let lang = Lang::negotiate(
        f.lang.as_deref(),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let Some(file) = f.file else {
        return problem_page(lang, json, FormProblem::NoFile);
    };
    let format = f
        .format
        .as_deref()
        .and_then(ReportFormat::parse)
        .or(json.then_some(ReportFormat::Json));
    // The answer page carries a small upload back for its report buttons.
    let carried = format.is_none().then(|| (file.clone(), f.data.clone()));
    let outcome = run_check(&state, f.name, file, f.data, format.map(|fm| (fm, lang))).await;
    match outcome {
        Ok(CheckOutcome::Done(c, None)) => {
            let carried = carried
                .as_ref()
                .map(|(file, data)| (file.as_slice(), data.as_deref()));
            html(
                StatusCode::OK,
                pages::check::result_page(lang, &c, carried, crate::web::MAX_UPLOAD),
            )
        }
        Ok(CheckOutcome::Done(c, Some(Ok(bytes)))) => {
            let format = format.unwrap_or(ReportFormat::Json);
            if format == ReportFormat::Json && f.format.as_deref().is_none_or(|x| x != "json") {
                // Accept: application/json asked for the verdict, not a download.
                return ([(header::CONTENT_TYPE, "application/json")], bytes).into_response();
            }
            report_response(&c, format, bytes)
        }
        Ok(CheckOutcome::Done(_, Some(Err(e)))) => problem_response(
            StatusCode::SERVICE_UNAVAILABLE,
            problem_body(ProblemCode::ServiceUnavailable, &e.to_string(), None),
        ),
        Ok(CheckOutcome::Busy) => problem_page(lang, json, FormProblem::Busy),
        Ok(CheckOutcome::Timeout) => problem_page(lang, json, FormProblem::Timeout),
        Err(e) => e.into_response(),
    }
}

/// Security headers on every answer: no sniffing, no framing, no referrer,
/// and a content security policy that allows nothing inline and nothing
/// from elsewhere.
pub async fn security_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // A page that set its own policy (the officers' page runs its script
    // and speaks to NCALayer) keeps it; every other answer gets this one.
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CSP));
    r
}

/// The content security policy of every answer that sets none itself.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
