//! eGov mobile QR signing sessions, kept in the database so that a restart
//! or another instance behind the same PostgreSQL continues them.
//!
//! Only hashes of the URL token and of the app's `auth_token` are stored: a
//! copy of the database opens no session. Every step is one compare-and-set
//! `UPDATE` on the session's phase and expiry, so a URL answers once even
//! when two instances are asked at the same moment.

use super::row::select;
use super::{Store, StoreError};
use sqlx::Any;

stored_enum! {
    /// Where a session is.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum QrPhase {
        /// Waiting for the app's API 1 call.
        Created = "created",
        /// API 1 answered; waiting for the signed documents.
        Fetched = "fetched",
        /// The app's signed documents are being checked.
        Finishing = "finishing",
        /// Signed; `outcome` holds what it led to.
        Signed = "signed",
        /// Refused; `outcome` holds the problem.
        Failed = "failed",
    }
}

stored_row! {
    table "egov_qr_sessions";
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
}

/// How long a closed or expired session stays for its opener's poll.
pub const KEPT_AFTER_EXPIRY: i64 = 3600;

/// A phase is stored as its name; an unknown name is a corrupt row.
impl sqlx::Type<Any> for QrPhase {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <str as sqlx::Type<Any>>::type_info()
    }
}

impl sqlx::Encode<'_, Any> for QrPhase {
    fn encode_by_ref(
        &self,
        buf: &mut <Any as sqlx::Database>::ArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <&str as sqlx::Encode<Any>>::encode(self.as_str(), buf)
    }
}

impl<'r> sqlx::Decode<'r, Any> for QrPhase {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let name = <&str as sqlx::Decode<Any>>::decode(value)?;
        QrPhase::parse(name).ok_or_else(|| format!("QR session phase {name}").into())
    }
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
        self.put_expiring(s, s.created_at - KEPT_AFTER_EXPIRY).await
    }

    /// The session behind a token (any phase, any time).
    pub async fn qr_session(&self, token_sha256: &str) -> Result<Option<QrSession>, StoreError> {
        self.row_by("token_sha256", token_sha256).await
    }

    /// The session `id` opened by the API key `key_id`.
    pub async fn qr_session_of(
        &self,
        id: &str,
        key_id: &str,
    ) -> Result<Option<QrSession>, StoreError> {
        let session: Option<QrSession> = select("WHERE id = $1 AND key_id = $2")
            .bind(id)
            .bind(key_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(session)
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
