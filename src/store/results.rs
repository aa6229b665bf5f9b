//! The signed results kept for long-term validation: listed for the
//! renewal task, and replaced by their renewed file only when they have not
//! changed since they were read (compare-and-set on the stored value; a
//! renewal only appends, so the old file is a prefix of the new).

use super::{Store, StoreError};

/// Most results read in one renewal pass.
const MAX_RESULTS: i64 = 100_000;

impl Store {
    /// Every application's signed result: (number, PDF base64).
    pub async fn signed_results(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT number, result FROM applications WHERE result IS NOT NULL ORDER BY number LIMIT $1",
        )
        .bind(MAX_RESULTS)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    /// Replaces `number`'s result by `renewed` when it is still `current`;
    /// false (nothing changed) otherwise.
    pub async fn replace_result(
        &self,
        number: &str,
        current: &str,
        renewed: &str,
    ) -> Result<bool, StoreError> {
        let done =
            sqlx::query("UPDATE applications SET result = $1 WHERE number = $2 AND result = $3")
                .bind(renewed)
                .bind(number)
                .bind(current)
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected() == 1)
    }
}
