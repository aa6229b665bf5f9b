//! API keys: random 256-bit secrets, shown once, stored as SHA-256, compared
//! in constant time, revocable, each with one role.
//!
//! A key reads `qtb_<id>_<secret>`: the id finds the row, the secret's hash
//! is compared. Owns creation, lookup, listing and revocation.

use super::{Store, StoreError, corrupt_column};
use base64::Engine;
use ring::rand::SecureRandom;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

stored_enum! {
    /// What a caller may do.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
    #[serde(rename_all = "lowercase")]
    pub enum Role {
        /// The e-government portal (citizens' requests).
        Portal = "portal",
        /// A provider's employee.
        Provider = "provider",
        /// A public service centre operator.
        Operator = "operator",
        /// The provider's authorised person who signs results.
        Head = "head",
        /// A security reviewer running test vectors.
        Reviewer = "reviewer",
        /// Administers the service.
        Admin = "admin",
    }
}

/// A stored key (never the secret).
#[derive(Debug, Clone, Serialize)]
pub struct ApiKey {
    /// Public id.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Created, Unix seconds.
    pub created_at: i64,
    /// Revoked, Unix seconds.
    pub revoked_at: Option<i64>,
    /// The IIN of the person who holds the key (employees, operators, heads):
    /// set at creation, or bound by the first certificate the key signs with.
    pub iin: Option<String>,
    /// The BIN of the provider or service centre the key acts for (see
    /// `workflow::providers`); set at creation.
    pub org: Option<String>,
}

/// A row of `api_keys` with its holder and organisation, read by column name.
struct KeyRow {
    key: ApiKey,
    secret_sha256: Option<String>,
}

impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for KeyRow {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        let role: String = row.try_get("role")?;
        let role = Role::parse(&role)
            .ok_or_else(|| corrupt_column("role", format!("unknown role {role}")))?;
        Ok(KeyRow {
            key: ApiKey {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                role,
                created_at: row.try_get("created_at")?,
                revoked_at: row.try_get("revoked_at")?,
                iin: row.try_get("iin")?,
                org: row.try_get("org")?,
            },
            secret_sha256: row.try_get("secret_sha256").ok(),
        })
    }
}

/// The columns `KeyRow` reads.
const KEY_SELECT: &str = "SELECT k.id, k.name, k.role, k.secret_sha256, k.created_at, k.revoked_at, s.iin, o.org FROM api_keys k LEFT JOIN api_key_holders s ON s.key_id = k.id LEFT JOIN api_key_orgs o ON o.key_id = k.id";

fn random(n: usize) -> Result<Vec<u8>, StoreError> {
    let mut b = vec![0u8; n];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| StoreError::Corrupt("no randomness".into()))?;
    Ok(b)
}

fn sha256_hex(b: &[u8]) -> String {
    crate::pki::cert::hex(&crate::pki::cert::sha256(b))
}

impl Store {
    /// Creates a key; returns it and the token (shown once, never stored).
    pub async fn create_api_key(
        &self,
        name: &str,
        role: Role,
        now: i64,
    ) -> Result<(ApiKey, String), StoreError> {
        let id = crate::pki::cert::hex(&random(6)?).to_lowercase();
        let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random(32)?);
        let token = format!("qtb_{id}_{secret}");
        sqlx::query("INSERT INTO api_keys (id, name, role, secret_sha256, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(name)
            .bind(role.as_str())
            .bind(sha256_hex(secret.as_bytes()))
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok((
            ApiKey {
                id,
                name: name.to_string(),
                role,
                created_at: now,
                revoked_at: None,
                iin: None,
                org: None,
            },
            token,
        ))
    }

    /// The key a bearer token names, if the token is right and not revoked.
    pub async fn authenticate(&self, token: &str) -> Result<Option<ApiKey>, StoreError> {
        let Some(rest) = token.strip_prefix("qtb_") else {
            return Ok(None);
        };
        let Some((id, secret)) = rest.split_once('_') else {
            return Ok(None);
        };
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_hexdigit()) || secret.len() > 64 {
            return Ok(None);
        }
        let sql = sqlx::AssertSqlSafe(format!("{KEY_SELECT} WHERE k.id = $1"));
        let row: Option<KeyRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        // A missing id still pays for one comparison, so timing tells nothing.
        let (stored, key) = match row {
            Some(r) => (r.secret_sha256.unwrap_or_default(), Some(r.key)),
            None => ("0".repeat(64), None),
        };
        let given = sha256_hex(secret.as_bytes());
        let equal: bool = given.as_bytes().ct_eq(stored.as_bytes()).into();
        Ok(match key {
            Some(k) if equal && k.revoked_at.is_none() => Some(k),
            _ => None,
        })
    }

    /// Every key, newest first.
    pub async fn list_api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("{KEY_SELECT} ORDER BY k.created_at DESC, k.id"));
        let rows: Vec<KeyRow> = sqlx::query_as(sql).fetch_all(self.pool()).await?;
        Ok(rows.into_iter().map(|r| r.key).collect())
    }

    /// Revokes a key; `NotFound` when no such key is active.
    pub async fn revoke_api_key(&self, id: &str, now: i64) -> Result<(), StoreError> {
        let r =
            sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(now)
                .bind(id)
                .execute(self.pool())
                .await?;
        if r.rows_affected() == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Binds key `id` to the IIN of the person who holds it, unless it is
    /// bound already; returns the IIN it is bound to (the earlier one when
    /// it was). One statement, so two first uses cannot bind two people.
    pub async fn bind_api_key_iin(
        &self,
        id: &str,
        iin: &str,
        now: i64,
    ) -> Result<String, StoreError> {
        let insert = sqlx::query("INSERT INTO api_key_holders (key_id, iin, bound_at) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING")
            .bind(id)
            .bind(iin)
            .bind(now);
        self.bind_once(
            insert,
            "SELECT iin FROM api_key_holders WHERE key_id = $1",
            id,
        )
        .await
    }

    /// Binds key `id` to the organisation (a provider's or service
    /// centre's BIN) it acts for; once bound, it stays.
    pub async fn bind_api_key_org(&self, id: &str, org: &str) -> Result<String, StoreError> {
        let insert = sqlx::query("INSERT INTO api_key_orgs (key_id, org) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING")
            .bind(id)
            .bind(org);
        self.bind_once(insert, "SELECT org FROM api_key_orgs WHERE key_id = $1", id)
            .await
    }

    /// Runs `insert`, which keeps the first value bound to key `id` and
    /// does nothing after, then reads the value that stands with `select`.
    async fn bind_once(
        &self,
        insert: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
        select: &'static str,
        id: &str,
    ) -> Result<String, StoreError> {
        insert.execute(self.pool()).await?;
        let row: (String,) = sqlx::query_as(select)
            .bind(id)
            .fetch_one(self.pool())
            .await?;
        Ok(row.0)
    }

    /// Number of keys ever created.
    pub async fn api_key_count(&self) -> Result<i64, StoreError> {
        self.count("api_keys").await
    }
}
