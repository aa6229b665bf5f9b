//! eGov mobile QR signing sessions, kept in the database so that a restart
//! or another instance behind the same PostgreSQL continues them.
//!
//! Only hashes of the URL token and of the app's `auth_token` are stored: a
//! copy of the database opens no session. Every step is one compare-and-set
//! `UPDATE` on the session's phase and expiry, so a URL answers once even
//! when two instances are asked at the same moment.

use super::{Store, StoreError};

/// Where a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrPhase {
    /// Waiting for the app's API 1 call.
    Created,
    /// API 1 answered; waiting for the signed documents.
    Fetched,
    /// The app's signed documents are being checked.
    Finishing,
    /// Signed; `outcome` holds what it led to.
    Signed,
    /// Refused; `outcome` holds the problem.
    Failed,
}

impl QrPhase {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            QrPhase::Created => "created",
            QrPhase::Fetched => "fetched",
            QrPhase::Finishing => "finishing",
            QrPhase::Signed => "signed",
            QrPhase::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<QrPhase, StoreError> {
        Ok(match s {
            "created" => QrPhase::Created,
            "fetched" => QrPhase::Fetched,
            "finishing" => QrPhase::Finishing,
            "signed" => QrPhase::Signed,
            "failed" => QrPhase::Failed,
            other => return Err(StoreError::Corrupt(format!("QR session phase {other}"))),
        })
    }
}

/// One QR signing session.
#[derive(Debug, Clone)]
pub struct QrSession {
    /// SHA-256 (hex) of the token in the session's URLs.
    pub token_sha256: String,
    /// The id the opener polls with.
    pub id: String,
    /// The API key that opened it (only it may poll; it answers for the result).
    pub key_id: String,
    /// `document` (an officer signs an application's document) or
    /// `submission` (a citizen signs their request).
    pub kind: String,
    /// The application number (`document`) or the service id (`submission`).
    pub subject: String,
    /// What the kind needs to finish, JSON.
    pub payload: String,
    /// Where it is.
    pub phase: QrPhase,
    /// SHA-256 (hex) of the `auth_token` API 1 gave the app; empty before.
    pub auth_sha256: String,
    /// The application (signed) or the problem (failed), JSON.
    pub outcome: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds; no URL of the session answers after it.
    pub expires_at: i64,
}

/// How long a closed or expired session stays for its opener's poll.
pub const KEPT_AFTER_EXPIRY: i64 = 3600;

type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    i64,
);

/// The columns, in `Row`'s order (a macro, so queries stay static strings).
macro_rules! columns {
    () => {
        "token_sha256, id, key_id, kind, subject, payload, phase, auth_sha256, outcome, created_at, expires_at"
    };
}

fn from_row(r: Row) -> Result<QrSession, StoreError> {
    let (token_sha256, id, key_id, kind, subject, payload, phase, auth_sha256, outcome, c, e) = r;
    Ok(QrSession {
        token_sha256,
        id,
        key_id,
        kind,
        subject,
        payload,
        phase: QrPhase::parse(&phase)?,
        auth_sha256,
        outcome,
        created_at: c,
        expires_at: e,
    })
}

impl Store {
    /// Open (unexpired, unfinished) sessions at `now`.
    pub async fn open_qr_sessions(&self, now: i64) -> Result<i64, StoreError> {
        let row: (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM egov_qr_sessions WHERE expires_at >= $1 AND phase IN ('created', 'fetched', 'finishing')",
        )
        .bind(now)
        .fetch_one(self.pool())
        .await?;
        Ok(row.0)
    }

    /// Keeps a new session (and forgets those long expired).
    pub async fn put_qr_session(&self, s: &QrSession) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM egov_qr_sessions WHERE expires_at < $1")
            .bind(s.created_at - KEPT_AFTER_EXPIRY)
            .execute(self.pool())
            .await?;
        sqlx::query(concat!(
            "INSERT INTO egov_qr_sessions (",
            columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(&s.token_sha256)
        .bind(&s.id)
        .bind(&s.key_id)
        .bind(&s.kind)
        .bind(&s.subject)
        .bind(&s.payload)
        .bind(s.phase.as_str())
        .bind(&s.auth_sha256)
        .bind(&s.outcome)
        .bind(s.created_at)
        .bind(s.expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The session behind a token (any phase, any time).
    pub async fn qr_session(&self, token_sha256: &str) -> Result<Option<QrSession>, StoreError> {
        let row: Option<Row> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM egov_qr_sessions WHERE token_sha256 = $1"
        ))
        .bind(token_sha256)
        .fetch_optional(self.pool())
        .await?;
        row.map(from_row).transpose()
    }

    /// The session `id` opened by the API key `key_id`.
    pub async fn qr_session_of(
        &self,
        id: &str,
        key_id: &str,
    ) -> Result<Option<QrSession>, StoreError> {
        let row: Option<Row> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM egov_qr_sessions WHERE id = $1 AND key_id = $2"
        ))
        .bind(id)
        .bind(key_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(from_row).transpose()
    }

    /// Moves a session from `from` to `to` while it is unexpired at `now`
    /// (and records the app's `auth_token` hash when one is given); false
    /// when another call moved it first, or it expired.
    pub async fn step_qr_session(
        &self,
        token_sha256: &str,
        from: QrPhase,
        to: QrPhase,
        auth_sha256: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE egov_qr_sessions SET phase = $1, auth_sha256 = COALESCE($2, auth_sha256) WHERE token_sha256 = $3 AND phase = $4 AND expires_at >= $5")
            .bind(to.as_str())
            .bind(auth_sha256)
            .bind(token_sha256)
            .bind(from.as_str())
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Closes a session that was `Finishing` with its outcome.
    pub async fn close_qr_session(
        &self,
        token_sha256: &str,
        to: QrPhase,
        outcome: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE egov_qr_sessions SET phase = $1, outcome = $2 WHERE token_sha256 = $3 AND phase = 'finishing'")
            .bind(to.as_str())
            .bind(outcome)
            .bind(token_sha256)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
