//! eGov mobile QR signing as a use case: a session over one signature (an
//! officer's on an application's document, prepared as `twophase` does; a
//! citizen's on their request, submitted as `submit` does), opened by an
//! API key, fetched once by the app (API 1, which hands out a one-time
//! `auth_token`), and finished once with the app's CMS. Sessions live in
//! the store, so a restart or another instance continues them; they expire
//! with the prepared signature and their URLs work once. The app's
//! protocol (its JSON, the QR text and launch links) is the HTTP adapter's.

use super::Deps;
use super::error::Error;
use super::providers::Provider;
use super::twophase::{self, Finish, PREPARED_TTL, Prepared};
use crate::store::applications::Application;
use crate::store::keys::ApiKey;
use crate::store::qr_sessions::{QrPhase, QrSession};
use base64::Engine;
use serde_json::{Value, json};

/// At most this many open sessions.
pub const MAX_SESSIONS: i64 = 1000;

/// The longest token a session's URL may carry.
const MAX_TOKEN: usize = 128;

/// What a session signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An officer signs an application's document (subject: its number).
    Document,
    /// A citizen signs their request, a portal submission (subject: the service).
    Submission,
}

impl Kind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Document => "document",
            Kind::Submission => "submission",
        }
    }

    /// A stored session's kind.
    pub fn of(s: &QrSession) -> Kind {
        if s.kind == Kind::Submission.as_str() {
            Kind::Submission
        } else {
            Kind::Document
        }
    }
}

fn random_hex(n: usize) -> Result<String, Error> {
    crate::random::hex(n).map_err(|e| Error::Internal(e.to_string()))
}

fn sha_hex(s: &str) -> String {
    crate::pki::cert::hex(&crate::pki::cert::sha256(s.as_bytes())).to_lowercase()
}

fn gone() -> Error {
    Error::NotFound("no such QR signing session: expired, already used, or never opened".into())
}

/// What the session stores to finish (JSON).
pub fn payload(s: &QrSession) -> Value {
    serde_json::from_str(&s.payload).unwrap_or(Value::Null)
}

/// An open session: its id (the opener polls it) and the token of its URLs.
pub struct Opened {
    /// The id the opener polls with.
    pub session_id: String,
    /// The secret of the session's URLs (only its hash is kept).
    pub token: String,
    /// Unix seconds.
    pub expires_at: i64,
}

async fn open(
    deps: &Deps<'_>,
    caller: &ApiKey,
    kind: Kind,
    subject: &str,
    payload: Value,
) -> Result<Opened, Error> {
    let now = deps.now;
    if deps.store.open_qr_sessions(now).await? >= MAX_SESSIONS {
        return Err(Error::Unavailable(
            "too many open QR signing sessions".into(),
        ));
    }
    let (token, session_id) = (random_hex(24)?, random_hex(16)?);
    let expires_at = now + PREPARED_TTL;
    deps.store
        .put_qr_session(&QrSession {
            token_sha256: sha_hex(&token),
            id: session_id.clone(),
            key_id: caller.id.clone(),
            kind: kind.as_str().into(),
            subject: subject.into(),
            payload: payload.to_string(),
            phase: QrPhase::Created,
            auth_sha256: String::new(),
            outcome: None,
            created_at: now,
            expires_at,
        })
        .await?;
    Ok(Opened {
        session_id,
        token,
        expires_at,
    })
}

/// Opens a session over the officer's prepared signature of the document
/// (`twophase::prepare`, whose checks all apply).
pub async fn open_document(
    deps: &Deps<'_>,
    caller: &ApiKey,
    number: &str,
    cert_der: &[u8],
    given_chain: &[Vec<u8>],
) -> Result<(Opened, Prepared), Error> {
    let prepared = twophase::prepare(deps, caller, number, cert_der, given_chain).await?;
    let payload = json!({
        "prepared_id": prepared.id,
        "document_data": base64::engine::general_purpose::STANDARD.encode(&prepared.document_data),
    });
    let opened = open(deps, caller, Kind::Document, number, payload).await?;
    Ok((opened, prepared))
}

/// Opens a session over a citizen's request for `service`: a JSON object
/// with a top-level 12-digit `iin`; the provider it goes to is chosen now
/// (the app shows its name and BIN).
pub async fn open_submission(
    deps: &Deps<'_>,
    caller: &ApiKey,
    service: &str,
    provider: Option<&str>,
    request: &[u8],
) -> Result<Opened, Error> {
    let service = deps
        .flow
        .catalogue
        .get(service)
        .ok_or_else(|| Error::Invalid(format!("unknown service {service}")))?
        .id
        .clone();
    let provider = deps
        .flow
        .providers
        .choose(&service, provider, None)
        .map_err(Error::Invalid)?
        .bin
        .clone();
    let parsed: Value = serde_json::from_slice(request)
        .map_err(|e| Error::Invalid(format!("request is not JSON: {e}")))?;
    let iin = parsed
        .get("iin")
        .and_then(|v| v.as_str())
        .filter(|i| i.len() == 12 && i.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| Error::Invalid("request has no top-level iin of 12 digits".into()))?;
    let payload = json!({
        "request": base64::engine::general_purpose::STANDARD.encode(request),
        "iin": iin,
        "provider": provider,
    });
    open(deps, caller, Kind::Submission, &service, payload).await
}

/// The session behind a URL token, open now and in `phase`.
async fn by_token(deps: &Deps<'_>, token: &str, phase: QrPhase) -> Result<QrSession, Error> {
    if token.len() > MAX_TOKEN {
        return Err(gone());
    }
    deps.store
        .qr_session(&sha_hex(token))
        .await?
        .filter(|s| s.expires_at >= deps.now && s.phase == phase)
        .ok_or_else(gone)
}

/// API 1, once: the session, a fresh one-time `auth_token` for API 2 (only
/// its hash is kept), and the provider the signature is for.
pub struct Fetched<'a> {
    /// The session.
    pub session: QrSession,
    /// The bearer token API 2 takes.
    pub auth_token: String,
    /// The provider's BIN: the application's, or the one the request goes to.
    pub bin: String,
    /// The provider, when the catalogue has it.
    pub provider: Option<&'a Provider>,
}

/// API 1: moves the session on (so it answers once) and hands out the
/// `auth_token` API 2 takes.
pub async fn fetch<'a>(deps: &Deps<'a>, token: &str) -> Result<Fetched<'a>, Error> {
    let s = by_token(deps, token, QrPhase::Created).await?;
    let auth_token = random_hex(24)?;
    let moved = deps
        .store
        .step_qr_session(
            &s.token_sha256,
            QrPhase::Created,
            QrPhase::Fetched,
            Some(&sha_hex(&auth_token)),
            deps.now,
        )
        .await?;
    if !moved {
        return Err(gone());
    }
    let bin = match Kind::of(&s) {
        Kind::Submission => payload(&s)["provider"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        Kind::Document => deps
            .store
            .application(&s.subject)
            .await?
            .map(|a| a.provider)
            .unwrap_or_default(),
    };
    let provider = deps.flow.providers.provider(&bin);
    Ok(Fetched {
        session: s,
        auth_token,
        bin,
        provider,
    })
}

/// API 2: the fetched session whose `auth_token` the app gives (compared
/// in constant time).
pub async fn authorised(deps: &Deps<'_>, token: &str, bearer: &str) -> Result<QrSession, Error> {
    let s = by_token(deps, token, QrPhase::Fetched).await?;
    use subtle::ConstantTimeEq;
    if !bool::from(s.auth_sha256.as_bytes().ct_eq(sha_hex(bearer).as_bytes())) {
        return Err(Error::Unauthenticated(
            "Authorization: Bearer <auth_token from API 1> is required".into(),
        ));
    }
    Ok(s)
}

/// API 2 signed, step one: the authorised session leaves `fetched` before
/// anything is checked, so one PUT counts.
pub async fn claim(deps: &Deps<'_>, s: &QrSession) -> Result<(), Error> {
    let moved = deps
        .store
        .step_qr_session(
            &s.token_sha256,
            QrPhase::Fetched,
            QrPhase::Finishing,
            None,
            deps.now,
        )
        .await?;
    if !moved {
        return Err(gone());
    }
    Ok(())
}

/// What a finished session made.
pub struct Finished {
    /// The application: the officer's signed document's, or the citizen's registered one.
    pub application: Application,
    /// The kind it was.
    pub kind: Kind,
}

/// API 2 signed, step two: the app's CMS finishes the claimed session's
/// signature on behalf of the API key that opened it (unless revoked
/// since): an officer's as `twophase::finish` with the CMS, a citizen's as
/// a portal submission (`submit`: condition 2 in full).
pub async fn finish(deps: &Deps<'_>, s: &QrSession, cms: Vec<u8>) -> Result<Finished, Error> {
    let opener = deps
        .store
        .list_api_keys()
        .await?
        .into_iter()
        .find(|k| k.id == s.key_id && k.revoked_at.is_none())
        .ok_or_else(|| {
            Error::Forbidden("the API key that opened this session was revoked".into())
        })?;
    let p = payload(s);
    let kind = Kind::of(s);
    let application = match kind {
        Kind::Submission => {
            let request = base64::engine::general_purpose::STANDARD
                .decode(p["request"].as_str().unwrap_or_default())
                .map_err(|_| Error::Internal("stored QR session is corrupt".into()))?;
            let submission = super::submit::Submission {
                service: &s.subject,
                channel: "portal",
                request: &request,
                envelope: &cms,
                provider: p["provider"].as_str(),
            };
            super::submit::submit(deps, &opener, &submission)
                .await?
                .application
        }
        Kind::Document => {
            let prepared_id = p["prepared_id"].as_str().unwrap_or_default();
            twophase::finish(deps, &opener, &s.subject, prepared_id, Finish::Cms(cms)).await?
        }
    };
    Ok(Finished { application, kind })
}

/// Closes a claimed session, signed or failed, with what its opener's poll
/// shows (the application, or the problem).
pub async fn close(
    deps: &Deps<'_>,
    s: &QrSession,
    signed: bool,
    outcome: &Value,
) -> Result<(), Error> {
    let phase = if signed {
        QrPhase::Signed
    } else {
        QrPhase::Failed
    };
    deps.store
        .close_qr_session(&s.token_sha256, phase, &outcome.to_string())
        .await?;
    Ok(())
}

/// The opener's own session of `kind` (and, for a document, of `subject`).
pub async fn of_opener(
    deps: &Deps<'_>,
    caller: &ApiKey,
    session: &str,
    kind: Kind,
    subject: Option<&str>,
) -> Result<QrSession, Error> {
    deps.store
        .qr_session_of(session, &caller.id)
        .await?
        .filter(|s| Kind::of(s) == kind && subject.is_none_or(|n| s.subject == n))
        .ok_or_else(|| match kind {
            Kind::Document => gone(),
            Kind::Submission => {
                Error::NotFound("no such QR signing session for this API key".into())
            }
        })
}

/// A session as its opener sees it: `waiting`, `fetched`, `finishing`,
/// `signed` (with the application), `failed` (with the problem), or
/// `expired` (never finished).
pub fn poll_answer(s: &QrSession, now: i64) -> Value {
    let outcome = || {
        s.outcome
            .as_deref()
            .and_then(|o| serde_json::from_str::<Value>(o).ok())
            .unwrap_or(Value::Null)
    };
    let open = s.expires_at >= now;
    match s.phase {
        QrPhase::Created if open => json!({ "state": "waiting" }),
        QrPhase::Fetched if open => json!({ "state": "fetched" }),
        QrPhase::Finishing => json!({ "state": "finishing" }),
        QrPhase::Signed => json!({ "state": "signed", "application": outcome() }),
        QrPhase::Failed => json!({ "state": "failed", "problem": outcome() }),
        _ => json!({ "state": "expired" }),
    }
}
