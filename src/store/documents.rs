//! The documents of an application's decision: the draft the employee
//! signed (before the head signs it) and signatures prepared in two phases
//! that wait for the signer's device.
//!
//! A draft is stored once, in the same transaction as its history event and
//! only while the application is still in the state it was signed in. A
//! pending signature is forgotten once it is used; the state change it leads
//! to is compare-and-set, so two finishes cannot both count.

use super::applications::Event;
use super::row::{InsertableRow, StoredRow};
use super::{Store, StoreError};
use sqlx::AssertSqlSafe;

stored_row! {
    table "drafts";
    /// The employee's signed draft.
    #[derive(Debug, Clone)]
    pub struct Draft {
        /// The signed PDF, base64.
        pub pdf: String,
        /// The API key id of the employee who signed it.
        pub signed_by: String,
        /// The serial of the employee's certificate (hex).
        pub signer_serial: String,
        /// When, Unix seconds.
        pub at: i64,
    }
}

stored_row! {
    table "pending_signatures";
    /// A signature prepared in two phases, waiting for its value.
    #[derive(Debug, Clone)]
    pub struct Pending {
        /// Random id given to the signer.
        pub id: String,
        /// The application.
        pub number: String,
        /// The API key that prepared it (only it may finish).
        pub key_id: String,
        /// `draft` (the employee) or `result` (the head).
        pub stage: String,
        /// The PDF with the signature's place reserved, base64.
        pub pdf: String,
        /// The signer's certificate and chain, base64 DER, comma-separated.
        pub certificate: String,
        /// The ByteRange, four numbers separated by spaces.
        pub byte_range: String,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds.
        pub expires_at: i64,
    }
}

impl Store {
    /// The employee's signed draft of `number`, if there is one.
    pub async fn draft(&self, number: &str) -> Result<Option<Draft>, StoreError> {
        self.row_by("number", number).await
    }

    /// Stores the employee's signed draft while the application is still
    /// `status` and has no draft, with its history event; false (nothing
    /// changed) otherwise.
    pub async fn put_draft(
        &self,
        number: &str,
        status: &str,
        draft: &Draft,
        role: &str,
        note: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        // Touching the row locks it (PostgreSQL) and checks the state.
        let still = sqlx::query(
            "UPDATE applications SET status = status WHERE number = $1 AND status = $2",
        )
        .bind(number)
        .bind(status)
        .execute(&mut *tx)
        .await?;
        if still.rows_affected() != 1 {
            return Ok(false);
        }
        let sql = format!(
            "INSERT INTO drafts (number, {}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (number) DO NOTHING",
            Draft::COLUMNS
        );
        let put = draft
            .bind_columns(sqlx::query(AssertSqlSafe(sql)).bind(number))
            .execute(&mut *tx)
            .await?;
        if put.rows_affected() != 1 {
            return Ok(false);
        }
        Event {
            number: number.into(),
            at: draft.at,
            actor: draft.signed_by.clone(),
            role: role.into(),
            action: "sign_draft".into(),
            from_status: status.into(),
            to_status: status.into(),
            note: note.into(),
        }
        .record(&mut tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Keeps a prepared signature (and forgets those that expired).
    pub async fn put_pending(&self, p: &Pending) -> Result<(), StoreError> {
        self.put_expiring(p, p.created_at).await
    }

    /// A prepared signature by id.
    pub async fn pending(&self, id: &str) -> Result<Option<Pending>, StoreError> {
        self.row_by("id", id).await
    }

    /// Forgets a prepared signature (once used).
    pub async fn drop_pending(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM pending_signatures WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
