//! Applications: registration with a gap-free number per provider and year
//! (assigned in the registration's transaction), idempotent by request,
//! transitions with their history, refusals of condition 2 kept for the
//! record, survey answers.

use super::row::{StoredRow, insert, select};
use super::{Backend, Store, StoreError, corrupt_column};
use serde::{Deserialize, Serialize};

stored_enum! {
    /// Where an application is.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Status {
        /// Process 6: registered with a number.
        Registered = "registered",
        /// Condition 3: the provider checks the documents.
        InReview = "in_review",
        /// Process 7: a reasoned refusal drafted.
        Refused = "refused",
        /// Process 8: the result drafted.
        ResultDrafted = "result_drafted",
        /// Signed by the provider's authorised person (the result or the refusal).
        ResultSigned = "result_signed",
        /// Handed to the citizen.
        Delivered = "delivered",
    }
}

/// A stored application.
#[derive(Debug, Clone, Serialize)]
pub struct Application {
    /// Registration number.
    pub number: String,
    /// The provider's BIN.
    pub provider: String,
    /// Service id.
    pub service: String,
    /// `portal`, `provider` or `operator`.
    pub channel: String,
    /// The citizen's IIN.
    pub iin: String,
    /// Life-cycle state.
    pub status: Status,
    /// Registered, Unix seconds.
    pub registered_at: i64,
    /// The deadline (`YYYY-MM-DD`, Kazakhstan time).
    pub deadline: String,
    /// Stage deadlines (JSON).
    pub stages: serde_json::Value,
    /// The provider's decision (JSON), once made.
    pub decision: Option<serde_json::Value>,
    /// The signed result PDF, base64, once signed.
    #[serde(skip)]
    pub result: Option<String>,
    /// SHA-256 of the signed request.
    pub request_sha256: String,
}

/// What registration needs.
pub struct NewApplication<'a> {
    /// The middle part of the registration number.
    pub prefix: &'a str,
    /// Provider BIN.
    pub provider: &'a str,
    /// Year of registration (Kazakhstan time).
    pub year: i32,
    /// Service id.
    pub service: &'a str,
    /// Channel.
    pub channel: &'a str,
    /// Citizen's IIN.
    pub iin: &'a str,
    /// SHA-256 (hex) of the envelope: the idempotency key.
    pub request_sha256: &'a str,
    /// The request JSON.
    pub request: &'a str,
    /// The envelope, base64.
    pub envelope: &'a str,
    /// Unix seconds.
    pub at: i64,
    /// Deadline.
    pub deadline: &'a str,
    /// Stage deadlines (JSON).
    pub stages: &'a str,
    /// API key id of the caller.
    pub created_by: &'a str,
}

impl StoredRow for Application {
    const TABLE: &'static str = "applications";
    const COLUMNS: &'static str = "number, provider, service, channel, iin, status, registered_at, deadline, stages, decision, result, request_sha256";
}

/// An application read by column name; an unknown status or unreadable
/// JSON is a corrupt row, not a default.
impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for Application {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        let status: String = row.try_get("status")?;
        let stages: String = row.try_get("stages")?;
        let decision: Option<String> = row.try_get("decision")?;
        Ok(Application {
            number: row.try_get("number")?,
            provider: row.try_get("provider")?,
            service: row.try_get("service")?,
            channel: row.try_get("channel")?,
            iin: row.try_get("iin")?,
            status: Status::parse(&status)
                .ok_or_else(|| corrupt_column("status", format!("unknown status {status}")))?,
            registered_at: row.try_get("registered_at")?,
            deadline: row.try_get("deadline")?,
            stages: serde_json::from_str(&stages).map_err(|e| corrupt_column("stages", e))?,
            decision: decision
                .map(|d| serde_json::from_str(&d))
                .transpose()
                .map_err(|e| corrupt_column("decision", e))?,
            result: row.try_get("result")?,
            request_sha256: row.try_get("request_sha256")?,
        })
    }
}

stored_row! {
    table "application_events";
    /// One line of an application's history: written in the transaction
    /// of the change it records, read back oldest first.
    #[derive(Debug, Clone)]
    pub struct Event {
        /// The application.
        pub number: String,
        /// Unix seconds.
        pub at: i64,
        /// API key id of who did it.
        pub actor: String,
        /// Their role.
        pub role: String,
        /// What was done, e.g. `sign_draft`.
        pub action: String,
        /// The state before.
        pub from_status: String,
        /// The state after.
        pub to_status: String,
        /// Free text.
        pub note: String,
    }
}

impl Event {
    /// Appends the event inside `tx`.
    pub(crate) async fn record(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    ) -> Result<(), StoreError> {
        insert(self, "").execute(&mut **tx).await?;
        Ok(())
    }
}

impl Store {
    /// Registers an application (or returns the one already registered for
    /// the same request): the number comes from the per-provider-year counter
    /// in the same transaction, so numbers are unique and gap-free.
    pub async fn register(
        &self,
        a: &NewApplication<'_>,
    ) -> Result<(Application, bool), StoreError> {
        if let Some(existing) = self.application_by_request(a.request_sha256).await? {
            return Ok((existing, false));
        }
        let mut tx = self.begin_write().await?;
        let found: Option<(String,)> =
            sqlx::query_as("SELECT number FROM applications WHERE request_sha256 = $1")
                .bind(a.request_sha256)
                .fetch_optional(&mut *tx)
                .await?;
        if found.is_some() {
            // Registered meanwhile by another writer: that one stands.
            drop(tx);
            let app = self
                .application_by_request(a.request_sha256)
                .await?
                .ok_or(StoreError::NotFound)?;
            return Ok((app, false));
        }
        let (seq,): (i64,) = sqlx::query_as("INSERT INTO counters (provider, year, last) VALUES ($1, $2, 1) ON CONFLICT (provider, year) DO UPDATE SET last = counters.last + 1 RETURNING last")
            .bind(a.provider)
            .bind(i64::from(a.year))
            .fetch_one(&mut *tx)
            .await?;
        let number = format!("{}-{}-{:06}", a.year, a.prefix, seq);
        sqlx::query("INSERT INTO applications (number, provider, year, seq, service, channel, iin, status, request_sha256, request, envelope, registered_at, deadline, stages, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 'registered', $8, $9, $10, $11, $12, $13, $14)")
            .bind(&number)
            .bind(a.provider)
            .bind(i64::from(a.year))
            .bind(seq)
            .bind(a.service)
            .bind(a.channel)
            .bind(a.iin)
            .bind(a.request_sha256)
            .bind(a.request)
            .bind(a.envelope)
            .bind(a.at)
            .bind(a.deadline)
            .bind(a.stages)
            .bind(a.created_by)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let app = self
            .application_by_request(a.request_sha256)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((app, true))
    }

    async fn application_by_request(&self, sha: &str) -> Result<Option<Application>, StoreError> {
        self.row_by("request_sha256", sha).await
    }

    /// The application with this number.
    pub async fn application(&self, number: &str) -> Result<Option<Application>, StoreError> {
        self.row_by("number", number).await
    }

    /// Applications not yet signed or delivered whose deadline is before
    /// `today`: one provider's, or every provider's for `None`.
    pub async fn overdue(
        &self,
        today: &str,
        provider: Option<&str>,
    ) -> Result<Vec<Application>, StoreError> {
        let only = if provider.is_some() {
            "AND provider = $2"
        } else {
            ""
        };
        let mut q = select(&format!(
            "WHERE status NOT IN ('delivered', 'result_signed') AND deadline < $1 {only} ORDER BY deadline, number"
        ))
        .bind(today);
        if let Some(p) = provider {
            q = q.bind(p);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// Applications whose document waits for a signature (a drafted result
    /// or refusal), the earliest deadline first, at most `limit`.
    pub async fn awaiting_signature(
        &self,
        provider: &str,
        limit: i64,
    ) -> Result<Vec<Application>, StoreError> {
        let only_waiting = "WHERE provider = $1 AND status IN ('refused', 'result_drafted') ORDER BY deadline, number LIMIT $2";
        Ok(select(only_waiting)
            .bind(provider)
            .bind(limit)
            .fetch_all(self.pool())
            .await?)
    }

    #[allow(clippy::too_many_arguments)]
    /// Moves an application from `from` to `to` (compare-and-set: nothing
    /// changes when it is no longer in `from`) and records who did it.
    pub async fn transition(
        &self,
        number: &str,
        from: Status,
        to: Status,
        actor: (&str, &str),
        action: &str,
        note: &str,
        decision: Option<&str>,
        result: Option<&str>,
        at: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE applications SET status = $1, decision = COALESCE($2, decision), result = COALESCE($3, result) WHERE number = $4 AND status = $5")
            .bind(to.as_str())
            .bind(decision)
            .bind(result)
            .bind(number)
            .bind(from.as_str())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        Event {
            number: number.into(),
            at,
            actor: actor.0.into(),
            role: actor.1.into(),
            action: action.into(),
            from_status: from.as_str().into(),
            to_status: to.as_str().into(),
            note: note.into(),
        }
        .record(&mut tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The history of an application, oldest first.
    pub async fn history(&self, number: &str) -> Result<Vec<serde_json::Value>, StoreError> {
        let events: Vec<Event> = select("WHERE number = $1 ORDER BY at")
            .bind(number)
            .fetch_all(self.pool())
            .await?;
        Ok(events
            .into_iter()
            .map(|e| serde_json::json!({ "at": crate::time::rfc3339(e.at), "actor": e.actor, "role": e.role, "action": e.action, "from": e.from_status, "to": e.to_status, "note": e.note }))
            .collect())
    }

    #[allow(clippy::too_many_arguments)]
    /// Records a condition-2 refusal (process 4): no number, kept for the record.
    pub async fn record_refusal(
        &self,
        sha: &str,
        at: i64,
        service: &str,
        channel: &str,
        iin: &str,
        code: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO refusals (request_sha256, at, service, channel, iin, code, actor) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(sha)
            .bind(at)
            .bind(service)
            .bind(channel)
            .bind(iin)
            .bind(code)
            .bind(actor)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Stores the survey answers (once per application: false when already answered).
    pub async fn survey(
        &self,
        number: &str,
        service: &str,
        process: &str,
        information: &str,
        at: i64,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query("INSERT INTO surveys (number, at, service, process, information) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (number) DO NOTHING")
            .bind(number)
            .bind(at)
            .bind(service)
            .bind(process)
            .bind(information)
            .execute(self.pool())
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Survey answers per service and answer, between `from` and `to` (Unix
    /// seconds): on one provider's applications, or every provider's for `None`.
    pub async fn survey_report(
        &self,
        from: i64,
        to: i64,
        provider: Option<&str>,
    ) -> Result<Vec<(String, String, String, i64)>, StoreError> {
        let only = if provider.is_some() {
            "AND a.provider = $3"
        } else {
            ""
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT s.service, s.process, s.information, COUNT(*) FROM surveys s JOIN applications a ON a.number = s.number WHERE s.at >= $1 AND s.at < $2 {only} GROUP BY s.service, s.process, s.information ORDER BY s.service, s.process, s.information"
        ));
        let mut q = sqlx::query_as(sql).bind(from).bind(to);
        if let Some(p) = provider {
            q = q.bind(p);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// Which backend (numbering tests).
    pub fn is_postgres(&self) -> bool {
        self.backend() == Backend::Postgres
    }
}

impl Store {
    /// Stores an attachment by its SHA-256 (hex); storing the same bytes again is a no-op.
    pub async fn put_attachment(
        &self,
        sha256: &str,
        media_type: &str,
        content: &[u8],
        at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO attachments (sha256, media_type, size, at, content) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING")
            .bind(sha256)
            .bind(media_type)
            .bind(content.len() as i64)
            .bind(at)
            .bind(content)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Whether an attachment with this SHA-256 is stored.
    pub async fn has_attachment(&self, sha256: &str) -> Result<bool, StoreError> {
        let r: Option<(i64,)> = sqlx::query_as("SELECT size FROM attachments WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(self.pool())
            .await?;
        Ok(r.is_some())
    }
}
