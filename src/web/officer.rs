//! `/officer`: the officers' page (kk/ru, no external assets). It lists the
//! applications awaiting the officer's signature (`GET /v1/officer/queue`
//! with the officer's API key) and signs each through NCALayer on the
//! officer's own machine: the key never leaves it. The page asks NCALayer
//! for the certificate (`commonUtils.getKeyInfo`), prepares the signature
//! (`/sign/prepare`), has NCALayer make a detached CAdES over the prepared
//! document data (`kz.gov.pki.knca.basics` `sign`, or `commonUtils`
//! `createCAdESFromBase64` on NCALayer without the basics module), and
//! finishes with that CMS (`/sign/finish`, field `cms`).
//!
//! The script is a separate asset so the page's Content-Security-Policy
//! allows no inline script; the only outside connection it allows is the
//! loopback WebSocket NCALayer listens on (`wss://127.0.0.1:13579`, or the
//! `?ncalayer=` URL given to the page, loopback only).

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The page.
const PAGE: &str = include_str!("officer.html");
/// Its script.
const SCRIPT: &str = include_str!("officer.js");

/// What the page may load and connect to.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; \
connect-src 'self' wss://127.0.0.1:* ws://127.0.0.1:* wss://localhost:* ws://localhost:*; \
img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The officers' page.
#[utoipa::path(get, path = "/officer",
    responses((status = 200, description = "The officers' signing page (HTML, kk/ru; `?lang=kk|ru`, `?ncalayer=` a loopback WebSocket URL)", content_type = "text/html")))]
pub async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        PAGE,
    )
        .into_response()
}

/// The page's script.
#[utoipa::path(get, path = "/officer/officer.js",
    responses((status = 200, description = "The officers' page script", content_type = "text/javascript")))]
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        SCRIPT,
    )
        .into_response()
}
