//! Storage: SQLite (the embedded default) and PostgreSQL behind one interface.
//!
//! Owns the connection pool, the schema (one migration list, spelled for each
//! backend), API keys (`keys`) and the audit chain (`audit`). Every query is
//! written once with `$n` parameters in order, which both backends accept.
//! Several instances may share one PostgreSQL database: every write that must
//! be ordered takes a row lock (PostgreSQL) or the write lock (SQLite).

#[macro_use]
mod named;
#[macro_use]
mod row;

pub mod applications;
pub mod audit;
pub mod documents;
pub mod keys;
pub mod public;
pub mod qr_sessions;
pub mod results;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database said no.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// The URL names no supported backend.
    #[error("unsupported database URL (sqlite:// or postgres://)")]
    UnsupportedUrl,
    /// A row holds something it should not.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// Not found.
    #[error("not found")]
    NotFound,
}

/// The error a row reader gives for a column that decoded but holds
/// something it should not (an unknown name, unreadable JSON): a corrupt
/// row, never a default.
pub(crate) fn corrupt_column(column: &str, what: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.into(),
        source: what.to_string().into(),
    }
}

/// The database.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// The schema, in order; each step is (SQLite, PostgreSQL).
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
    ),
    (
        "CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, secret_sha256 TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT)",
        "CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, secret_sha256 TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT)",
    ),
    (
        // SQLite: INTEGER PRIMARY KEY is the row id itself, so an append
        // writes the table's page and no separate index page (databases
        // made before keep BIGINT with its index; both read the same).
        "CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY, at BIGINT NOT NULL, key_id TEXT NOT NULL, role TEXT NOT NULL, operation TEXT NOT NULL, data_sha256 TEXT NOT NULL, signer_serial TEXT NOT NULL, result_code TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS audit (seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, key_id TEXT NOT NULL, role TEXT NOT NULL, operation TEXT NOT NULL, data_sha256 TEXT NOT NULL, signer_serial TEXT NOT NULL, result_code TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
    ),
    (
        "CREATE TABLE IF NOT EXISTS audit_checkpoints (seq BIGINT PRIMARY KEY, head_hash TEXT NOT NULL, at BIGINT NOT NULL, signature TEXT NOT NULL, public_key TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS audit_checkpoints (seq BIGINT PRIMARY KEY, head_hash TEXT NOT NULL, at BIGINT NOT NULL, signature TEXT NOT NULL, public_key TEXT NOT NULL)",
    ),
    (
        "INSERT INTO meta (k, v) VALUES ('audit_head', '0:') ON CONFLICT (k) DO NOTHING",
        "INSERT INTO meta (k, v) VALUES ('audit_head', '0:') ON CONFLICT (k) DO NOTHING",
    ),
    (
        "CREATE TABLE IF NOT EXISTS counters (provider TEXT NOT NULL, year BIGINT NOT NULL, last BIGINT NOT NULL, PRIMARY KEY (provider, year))",
        "CREATE TABLE IF NOT EXISTS counters (provider TEXT NOT NULL, year BIGINT NOT NULL, last BIGINT NOT NULL, PRIMARY KEY (provider, year))",
    ),
    (
        "CREATE TABLE IF NOT EXISTS applications (number TEXT PRIMARY KEY, provider TEXT NOT NULL, year BIGINT NOT NULL, seq BIGINT NOT NULL, service TEXT NOT NULL, channel TEXT NOT NULL, iin TEXT NOT NULL, status TEXT NOT NULL, request_sha256 TEXT NOT NULL UNIQUE, request TEXT NOT NULL, envelope TEXT NOT NULL, registered_at BIGINT NOT NULL, deadline TEXT NOT NULL, stages TEXT NOT NULL, decision TEXT, result TEXT, created_by TEXT NOT NULL, UNIQUE (provider, year, seq))",
        "CREATE TABLE IF NOT EXISTS applications (number TEXT PRIMARY KEY, provider TEXT NOT NULL, year BIGINT NOT NULL, seq BIGINT NOT NULL, service TEXT NOT NULL, channel TEXT NOT NULL, iin TEXT NOT NULL, status TEXT NOT NULL, request_sha256 TEXT NOT NULL UNIQUE, request TEXT NOT NULL, envelope TEXT NOT NULL, registered_at BIGINT NOT NULL, deadline TEXT NOT NULL, stages TEXT NOT NULL, decision TEXT, result TEXT, created_by TEXT NOT NULL, UNIQUE (provider, year, seq))",
    ),
    (
        "CREATE TABLE IF NOT EXISTS application_events (number TEXT NOT NULL, at BIGINT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL, from_status TEXT NOT NULL, to_status TEXT NOT NULL, note TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS application_events (number TEXT NOT NULL, at BIGINT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL, from_status TEXT NOT NULL, to_status TEXT NOT NULL, note TEXT NOT NULL)",
    ),
    (
        "CREATE TABLE IF NOT EXISTS refusals (request_sha256 TEXT NOT NULL, at BIGINT NOT NULL, service TEXT NOT NULL, channel TEXT NOT NULL, iin TEXT NOT NULL, code TEXT NOT NULL, actor TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS refusals (request_sha256 TEXT NOT NULL, at BIGINT NOT NULL, service TEXT NOT NULL, channel TEXT NOT NULL, iin TEXT NOT NULL, code TEXT NOT NULL, actor TEXT NOT NULL)",
    ),
    (
        "CREATE TABLE IF NOT EXISTS attachments (sha256 TEXT PRIMARY KEY, media_type TEXT NOT NULL, size BIGINT NOT NULL, at BIGINT NOT NULL, content BLOB NOT NULL)",
        "CREATE TABLE IF NOT EXISTS attachments (sha256 TEXT PRIMARY KEY, media_type TEXT NOT NULL, size BIGINT NOT NULL, at BIGINT NOT NULL, content BYTEA NOT NULL)",
    ),
    (
        "CREATE TABLE IF NOT EXISTS surveys (number TEXT PRIMARY KEY, at BIGINT NOT NULL, service TEXT NOT NULL, process TEXT NOT NULL, information TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS surveys (number TEXT PRIMARY KEY, at BIGINT NOT NULL, service TEXT NOT NULL, process TEXT NOT NULL, information TEXT NOT NULL)",
    ),
    (
        "CREATE TABLE IF NOT EXISTS api_key_holders (key_id TEXT PRIMARY KEY, iin TEXT NOT NULL, bound_at BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS api_key_holders (key_id TEXT PRIMARY KEY, iin TEXT NOT NULL, bound_at BIGINT NOT NULL)",
    ),
    (
        "CREATE TABLE IF NOT EXISTS drafts (number TEXT PRIMARY KEY, pdf TEXT NOT NULL, signed_by TEXT NOT NULL, signer_serial TEXT NOT NULL, at BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS drafts (number TEXT PRIMARY KEY, pdf TEXT NOT NULL, signed_by TEXT NOT NULL, signer_serial TEXT NOT NULL, at BIGINT NOT NULL)",
    ),
    (
        "CREATE TABLE IF NOT EXISTS pending_signatures (id TEXT PRIMARY KEY, number TEXT NOT NULL, key_id TEXT NOT NULL, stage TEXT NOT NULL, pdf TEXT NOT NULL, certificate TEXT NOT NULL, byte_range TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS pending_signatures (id TEXT PRIMARY KEY, number TEXT NOT NULL, key_id TEXT NOT NULL, stage TEXT NOT NULL, pdf TEXT NOT NULL, certificate TEXT NOT NULL, byte_range TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)",
    ),
    (
        "CREATE TABLE IF NOT EXISTS access_codes (number TEXT NOT NULL, code_hash TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (number, code_hash))",
        "CREATE TABLE IF NOT EXISTS access_codes (number TEXT NOT NULL, code_hash TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (number, code_hash))",
    ),
    (
        "CREATE TABLE IF NOT EXISTS access_tries (number TEXT PRIMARY KEY, window_start BIGINT NOT NULL, failures BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS access_tries (number TEXT PRIMARY KEY, window_start BIGINT NOT NULL, failures BIGINT NOT NULL)",
    ),
    (
        "CREATE TABLE IF NOT EXISTS api_key_orgs (key_id TEXT PRIMARY KEY, org TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS api_key_orgs (key_id TEXT PRIMARY KEY, org TEXT NOT NULL)",
    ),
    (
        "CREATE TABLE IF NOT EXISTS egov_qr_sessions (token_sha256 TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, key_id TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, payload TEXT NOT NULL, phase TEXT NOT NULL, auth_sha256 TEXT NOT NULL, outcome TEXT, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS egov_qr_sessions (token_sha256 TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, key_id TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, payload TEXT NOT NULL, phase TEXT NOT NULL, auth_sha256 TEXT NOT NULL, outcome TEXT, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)",
    ),
];

impl Store {
    /// Opens (and migrates) the database at `url`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl);
        };
        let opts = AnyPoolOptions::new();
        let pool = match backend {
            Backend::Sqlite => {
                if let Some(path) = url
                    .strip_prefix("sqlite://")
                    .and_then(|p| p.split('?').next())
                    && let Some(parent) = std::path::Path::new(path).parent()
                {
                    let _ = std::fs::create_dir_all(parent);
                }
                opts.max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            conn.execute("PRAGMA busy_timeout = 10000").await?;
                            // No checkpoint inside a commit: its fsync would stall
                            // every request waiting on the audit writer. A
                            // background task checkpoints instead (`checkpointer`).
                            conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?
            }
            Backend::Postgres => opts.max_connections(16).connect(url).await?,
        };
        let store = Store { pool, backend };
        store.migrate().await?;
        if backend == Backend::Sqlite {
            tokio::spawn(checkpointer(store.pool.clone()));
        }
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        // Instances starting together on PostgreSQL migrate one at a time.
        if self.backend == Backend::Postgres {
            conn.execute("SELECT pg_advisory_lock(7317001)").await?;
        }
        let mut result = Ok(());
        for (lite, pg) in MIGRATIONS {
            let sql = if self.backend == Backend::Sqlite {
                lite
            } else {
                pg
            };
            if let Err(e) = conn.execute(*sql).await {
                result = Err(e.into());
                break;
            }
        }
        if self.backend == Backend::Postgres {
            conn.execute("SELECT pg_advisory_unlock(7317001)").await?;
        }
        result
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for the modules of this folder.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Starts a write transaction that serialises with every other writer:
    /// `BEGIN IMMEDIATE` on SQLite; on PostgreSQL the caller locks the rows it
    /// needs. Dropped without `commit` (an early return, an error), it rolls back.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        let begin = match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        Ok(self.pool.begin_with(begin).await?)
    }

    /// A row count of `table` (tests and readiness).
    pub async fn count(&self, table: &str) -> Result<i64, StoreError> {
        let sql = match table {
            "api_keys" => "SELECT COUNT(*) FROM api_keys",
            "audit" => "SELECT COUNT(*) FROM audit",
            "audit_checkpoints" => "SELECT COUNT(*) FROM audit_checkpoints",
            "meta" => "SELECT COUNT(*) FROM meta",
            "applications" => "SELECT COUNT(*) FROM applications",
            "refusals" => "SELECT COUNT(*) FROM refusals",
            _ => return Err(StoreError::NotFound),
        };
        let row: (i64,) = sqlx::query_as(sql).fetch_one(&self.pool).await?;
        Ok(row.0)
    }

    /// Closes the pool (graceful shutdown), first folding SQLite's
    /// write-ahead log into the database file.
    pub async fn close(&self) {
        if self.backend == Backend::Sqlite {
            let _ = self.pool.execute("PRAGMA wal_checkpoint(TRUNCATE)").await;
        }
        self.pool.close().await;
    }
}

/// Time between checkpoints of SQLite's write-ahead log. Short on purpose:
/// a checkpoint first fsyncs what the log gained since the last one, and
/// commits made meanwhile wait on the disk; at 1 s a busy log gained ~25 MB
/// and commits stalled up to 30 ms (p99 12 ms at one connection), at 250 ms
/// p99 is 2.3 ms. Longer logs also slow every page lookup (`walFindFrame`).
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Folds SQLite's write-ahead log into the database several times a second,
/// beside the writers rather than inside a commit (PASSIVE: it waits for
/// nobody and nobody waits for it); ends when the pool closes.
async fn checkpointer(pool: AnyPool) {
    loop {
        tokio::time::sleep(CHECKPOINT_EVERY).await;
        if pool.is_closed() {
            break;
        }
        if let Err(e) = pool.execute("PRAGMA wal_checkpoint(PASSIVE)").await {
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
}
