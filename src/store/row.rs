//! Row types whose fields are their table's columns, each column named
//! once: `stored_row!` declares the struct together with its column list,
//! reading a row by column name and binding the fields in that order.
//! Types with columns that need parsing (`Application`, `ApiKey`) keep
//! hand-written readers.

/// Declares `pub struct $name` whose fields are columns of the same names,
/// with `COLUMNS` (the names in field order, comma-separated), a
/// `sqlx::FromRow` that reads each field by its column name, and
/// `bind_columns`, which binds the fields in `COLUMNS` order.
macro_rules! stored_row {
    (
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

        impl $name {
            /// The columns, in field order.
            pub(crate) const COLUMNS: &'static str =
                concat!(stringify!($first) $(, ", ", stringify!($field))*);

            /// `q` with every field bound, in `COLUMNS` order.
            pub(crate) fn bind_columns<'q>(
                &self,
                q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
            ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
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
