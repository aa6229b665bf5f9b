//! Row types whose fields are their table's columns, each column named
//! once: `stored_row!` declares the struct with its table, its column list,
//! reading a row by column name and binding the fields in that order;
//! `select`, `row_by` and `insert` write the statements from them. A type
//! with columns that need parsing keeps a hand-written reader and
//! implements `StoredRow` itself (`Application`), or reads a join of its
//! own (`ApiKey`).

use super::{Store, StoreError};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::{Query, QueryAs};
use sqlx::{Any, AssertSqlSafe};

/// A statement on the store's pool, with its parameters.
pub(crate) type AnyQuery<'q> = Query<'q, Any, AnyArguments>;

/// A struct read from one row of `TABLE`.
pub(crate) trait StoredRow: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin {
    /// The table.
    const TABLE: &'static str;
    /// The columns it reads, comma-separated.
    const COLUMNS: &'static str;
}

/// A stored row whose fields are exactly its columns, so it is written as it is read.
pub(crate) trait InsertableRow: StoredRow {
    /// `q` with every field bound, in `COLUMNS` order.
    fn bind_columns<'q>(&self, q: AnyQuery<'q>) -> AnyQuery<'q>;
}

/// Declares `pub struct $name`, stored in `table`, whose fields are
/// columns of the same names: its `StoredRow` and `InsertableRow` impls
/// and a `sqlx::FromRow` that reads each field by its column name.
macro_rules! stored_row {
    (
        table $table:literal;
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(#[$first_meta:meta])*
            pub $first:ident: $first_ty:ty,
            $(
                $(#[$field_meta:meta])*
                pub $field:ident: $field_ty:ty,
            )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $(#[$first_meta])*
            pub $first: $first_ty,
            $(
                $(#[$field_meta])*
                pub $field: $field_ty,
            )*
        }

        impl $crate::store::row::StoredRow for $name {
            const TABLE: &'static str = $table;
            const COLUMNS: &'static str =
                concat!(stringify!($first) $(, ", ", stringify!($field))*);
        }

        impl $crate::store::row::InsertableRow for $name {
            fn bind_columns<'q>(
                &self,
                q: $crate::store::row::AnyQuery<'q>,
            ) -> $crate::store::row::AnyQuery<'q> {
                q.bind(&self.$first)$(.bind(&self.$field))*
            }
        }

        /// Each field read from the column of its name.
        impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for $name {
            fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
                use sqlx::Row;
                Ok($name {
                    $first: row.try_get(stringify!($first))?,
                    $($field: row.try_get(stringify!($field))?,)*
                })
            }
        }
    };
}

/// Reads rows of `T`: its columns from its table, then `rest` (`WHERE …`,
/// `ORDER BY …`; parameters from `$1`).
pub(crate) fn select<'q, T: StoredRow>(rest: &str) -> QueryAs<'q, Any, T, AnyArguments> {
    let sql = format!("SELECT {} FROM {} {rest}", T::COLUMNS, T::TABLE);
    sqlx::query_as(AssertSqlSafe(sql))
}

/// Writes `row` into its table, then `rest` (`ON CONFLICT …`, or nothing).
pub(crate) fn insert<'q, T: InsertableRow>(row: &T, rest: &str) -> AnyQuery<'q> {
    let params: Vec<String> = (1..=T::COLUMNS.split(", ").count())
        .map(|n| format!("${n}"))
        .collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({}) {rest}",
        T::TABLE,
        T::COLUMNS,
        params.join(", ")
    );
    row.bind_columns(sqlx::query(AssertSqlSafe(sql)))
}

impl Store {
    /// The row of `T` whose column `key` holds `value`, if there is one.
    pub(crate) async fn row_by<T: StoredRow>(
        &self,
        key: &str,
        value: &str,
    ) -> Result<Option<T>, StoreError> {
        Ok(select(&format!("WHERE {key} = $1"))
            .bind(value)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Keeps `row`, first forgetting the rows of its table that expired
    /// before `expired_before` (the table has an `expires_at` column).
    pub(crate) async fn put_expiring<T: InsertableRow>(
        &self,
        row: &T,
        expired_before: i64,
    ) -> Result<(), StoreError> {
        let forget = format!("DELETE FROM {} WHERE expires_at < $1", T::TABLE);
        sqlx::query(AssertSqlSafe(forget))
            .bind(expired_before)
            .execute(self.pool())
            .await?;
        insert(row, "").execute(self.pool()).await?;
        Ok(())
    }
}
