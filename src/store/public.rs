//! What the public verification page reads and writes: an issued document
//! by its number (the signed result only, never the application), the
//! access codes printed on its stamps (stored hashed), and the wrong tries
//! against them, counted per document in a window so every instance
//! shares the count.

use super::{Backend, Store, StoreError};

impl Store {
    /// The signed result PDF (base64) of the application `number`, once there is one.
    pub async fn issued_document(&self, number: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT result FROM applications WHERE number = $1")
                .bind(number)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.and_then(|r| r.0))
    }

    /// Keeps the hash of an access code printed on a stamp of document `number`.
    pub async fn put_access_code(
        &self,
        number: &str,
        code_hash: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO access_codes (number, code_hash, created_at) VALUES ($1, $2, $3)")
            .bind(number)
            .bind(code_hash)
            .bind(at)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The hashes of the access codes of document `number`.
    pub async fn access_codes(&self, number: &str) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT code_hash FROM access_codes WHERE number = $1 ORDER BY created_at LIMIT 16",
        )
        .bind(number)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Wrong tries against document `number` in the window that is open at `now`.
    pub async fn access_failures(
        &self,
        number: &str,
        now: i64,
        window: i64,
    ) -> Result<i64, StoreError> {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT window_start, failures FROM access_tries WHERE number = $1")
                .bind(number)
                .fetch_optional(self.pool())
                .await?;
        Ok(match row {
            Some((start, failures)) if now - start < window => failures,
            _ => 0,
        })
    }

    /// Counts a wrong try against document `number`; returns the wrong
    /// tries in the current window, this one included.
    pub async fn record_access_failure(
        &self,
        number: &str,
        now: i64,
        window: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        // SQLite's write transaction already excludes other writers.
        let select = match self.backend() {
            Backend::Sqlite => "SELECT window_start, failures FROM access_tries WHERE number = $1",
            Backend::Postgres => {
                "SELECT window_start, failures FROM access_tries WHERE number = $1 FOR UPDATE"
            }
        };
        let row: Option<(i64, i64)> = sqlx::query_as(select)
            .bind(number)
            .fetch_optional(&mut *tx)
            .await?;
        let failures = match row {
            Some((start, failures)) if now - start < window => {
                sqlx::query("UPDATE access_tries SET failures = $1 WHERE number = $2")
                    .bind(failures + 1)
                    .bind(number)
                    .execute(&mut *tx)
                    .await?;
                failures + 1
            }
            _ => {
                sqlx::query("INSERT INTO access_tries (number, window_start, failures) VALUES ($1, $2, 1) ON CONFLICT (number) DO UPDATE SET window_start = $2, failures = 1")
                    .bind(number)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                1
            }
        };
        tx.commit().await?;
        Ok(failures)
    }
}
