//! The audit log: every verdict and every signature, as a hash chain with
//! signed checkpoints.
//!
//! Owns appending records (in batches, ordered across instances), the chain
//! hash, checkpoints signed by the service's audit key, and `verify_chain`,
//! which names the first record that was changed, removed or inserted.

use super::row::{InsertableRow, StoredRow, insert, select};
use super::{Store, StoreError};
use crate::pki::cert::{hex, sha256};
use crate::pki::signer::Signer;
use base64::Engine;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

stored_row! {
    table "audit";
    /// One thing that happened.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct AuditEntry {
        /// Unix seconds.
        pub at: i64,
        /// Caller's API key id (or `cli`).
        pub key_id: String,
        /// Caller's role.
        pub role: String,
        /// Operation, e.g. `verify`.
        pub operation: String,
        /// SHA-256 (hex) of the data verified or signed.
        pub data_sha256: String,
        /// Signer certificate serial (hex), or empty.
        pub signer_serial: String,
        /// Result code.
        pub result_code: String,
    }
}

impl AuditEntry {
    /// What `key` did at `at`: `operation` on the data whose SHA-256 (hex)
    /// is `data_sha256`, by the certificate with serial `signer_serial` (or
    /// empty), ending in `result_code`.
    pub fn by(
        key: &super::keys::ApiKey,
        at: i64,
        operation: &str,
        data_sha256: String,
        signer_serial: String,
        result_code: &str,
    ) -> AuditEntry {
        AuditEntry {
            at,
            key_id: key.id.clone(),
            role: key.role.as_str().to_string(),
            operation: operation.to_string(),
            data_sha256,
            signer_serial,
            result_code: result_code.to_string(),
        }
    }
}

/// A stored record.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// The record.
    pub entry: AuditEntry,
    /// The previous record's hash (empty for the first).
    pub prev_hash: String,
    /// This record's hash.
    pub hash: String,
}

stored_row! {
    table "audit_checkpoints";
    /// A signed statement of the chain head.
    #[derive(Debug, Clone, Serialize)]
    pub struct Checkpoint {
        /// Last record covered.
        pub seq: i64,
        /// Its hash.
        pub head_hash: String,
        /// When, Unix seconds.
        pub at: i64,
        /// ECDSA signature (base64) over `checkpoint_message`.
        pub signature: String,
        /// The signing key's SubjectPublicKeyInfo (base64).
        pub public_key: String,
    }
}

/// The hash of a record: SHA-256 over the previous hash, the position and
/// every field, each length-prefixed.
pub fn chain_hash(prev: &str, seq: i64, e: &AuditEntry) -> String {
    let mut buf = Vec::with_capacity(256);
    let seq_s = seq.to_string();
    let at_s = e.at.to_string();
    for part in [
        prev,
        &seq_s,
        &at_s,
        &e.key_id,
        &e.role,
        &e.operation,
        &e.data_sha256,
        &e.signer_serial,
        &e.result_code,
    ] {
        buf.extend_from_slice(&(part.len() as u32).to_be_bytes());
        buf.extend_from_slice(part.as_bytes());
    }
    hex(&sha256(&buf))
}

/// What a checkpoint signature covers.
pub fn checkpoint_message(seq: i64, head: &str) -> Vec<u8> {
    format!("qoltanba-audit-checkpoint\n{seq}\n{head}").into_bytes()
}

fn parse_head(v: &str) -> Result<(i64, String), StoreError> {
    let (s, h) = v
        .split_once(':')
        .ok_or_else(|| StoreError::Corrupt("audit head".into()))?;
    Ok((
        s.parse()
            .map_err(|_| StoreError::Corrupt("audit head".into()))?,
        h.to_string(),
    ))
}

/// Records per INSERT statement (10 parameters each). SQLite gets
/// positional `?` parameters: it looks a named (`$N`) one up by a linear
/// scan, which made a statement's binding quadratic in its parameters
/// (`examples/audit_speed`, 64 records: 1.15 ms in chunks of 200 and 0.69 ms
/// in chunks of 16 with `$N`; 0.46 ms in chunks of 64 with `?`).
const INSERT_CHUNK: usize = 64;

/// A record read by column name.
impl<'r> sqlx::FromRow<'r, AnyRow> for AuditRow {
    fn from_row(row: &'r AnyRow) -> Result<Self, sqlx::Error> {
        Ok(AuditRow {
            seq: row.try_get("seq")?,
            entry: AuditEntry::from_row(row)?,
            prev_hash: row.try_get("prev_hash")?,
            hash: row.try_get("hash")?,
        })
    }
}

impl Store {
    /// Appends records in one transaction, after the current head; returns the new head.
    pub async fn append_audit(&self, entries: &[AuditEntry]) -> Result<(i64, String), StoreError> {
        let mut tx = self.begin_write().await?;
        let postgres = self.backend() == super::Backend::Postgres;
        let sql = if postgres {
            "SELECT v FROM meta WHERE k = 'audit_head' FOR UPDATE"
        } else {
            "SELECT v FROM meta WHERE k = 'audit_head'"
        };
        let (head,): (String,) = sqlx::query_as(sql).fetch_one(&mut *tx).await?;
        let (mut seq, mut hash) = parse_head(&head)?;
        // One multi-row INSERT per chunk: a statement per record costs a round trip each.
        for chunk in entries.chunks(INSERT_CHUNK) {
            let mut sql = format!(
                "INSERT INTO audit (seq, {}, prev_hash, hash) VALUES ",
                AuditEntry::COLUMNS
            );
            let mut rows = Vec::with_capacity(chunk.len());
            for (n, e) in chunk.iter().enumerate() {
                seq += 1;
                let h = chain_hash(&hash, seq, e);
                if n > 0 {
                    sql.push_str(", ");
                }
                if postgres {
                    let b = n * 10;
                    sql.push_str(&format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6,
                        b + 7,
                        b + 8,
                        b + 9,
                        b + 10
                    ));
                } else {
                    // Positional: SQLite looks up a `$N` parameter by name.
                    sql.push_str("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                }
                rows.push((seq, e, std::mem::replace(&mut hash, h.clone()), h));
            }
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (seq, e, prev, h) in rows {
                q = e.bind_columns(q.bind(seq)).bind(prev).bind(h);
            }
            q.execute(&mut *tx).await?;
        }
        sqlx::query("UPDATE meta SET v = $1 WHERE k = 'audit_head'")
            .bind(format!("{seq}:{hash}"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((seq, hash))
    }

    /// The chain head: last sequence number and hash.
    pub async fn audit_head(&self) -> Result<(i64, String), StoreError> {
        let (v,): (String,) = sqlx::query_as("SELECT v FROM meta WHERE k = 'audit_head'")
            .fetch_one(self.pool())
            .await?;
        parse_head(&v)
    }

    /// Every record, in order.
    pub async fn audit_rows(&self) -> Result<Vec<AuditRow>, StoreError> {
        let sql = format!(
            "SELECT seq, {}, prev_hash, hash FROM audit ORDER BY seq",
            AuditEntry::COLUMNS
        );
        let rows: Vec<AuditRow> = sqlx::query_as(AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?;
        Ok(rows)
    }

    /// Signs and stores a checkpoint of the current head (skipped when the
    /// head is already checkpointed).
    pub async fn checkpoint(
        &self,
        key: &dyn Signer,
        now: i64,
    ) -> Result<Option<Checkpoint>, StoreError> {
        let (seq, head) = self.audit_head().await?;
        if seq == 0 {
            return Ok(None);
        }
        let exists: Option<(i64,)> =
            sqlx::query_as("SELECT seq FROM audit_checkpoints WHERE seq = $1")
                .bind(seq)
                .fetch_optional(self.pool())
                .await?;
        if exists.is_some() {
            return Ok(None);
        }
        let sig = key
            .sign(&checkpoint_message(seq, &head))
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let b64 = base64::engine::general_purpose::STANDARD;
        let cp = Checkpoint {
            seq,
            head_hash: head,
            at: now,
            signature: b64.encode(sig),
            public_key: b64.encode(key.public_key_spki()),
        };
        insert(&cp, "ON CONFLICT (seq) DO NOTHING")
            .execute(self.pool())
            .await?;
        Ok(Some(cp))
    }

    /// Every checkpoint, in order.
    pub async fn checkpoints(&self) -> Result<Vec<Checkpoint>, StoreError> {
        let rows: Vec<Checkpoint> = select("ORDER BY seq").fetch_all(self.pool()).await?;
        Ok(rows)
    }
}

/// What `verify_chain` found.
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    /// Records read.
    pub records: usize,
    /// Checkpoints whose signature and head hash check out.
    pub checkpoints_verified: usize,
    /// The first problem, if any.
    pub problem: Option<ChainProblem>,
}

/// The first thing wrong with the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainProblem {
    /// The record it concerns.
    pub seq: i64,
    /// `changed`, `removed`, `inserted`, or `checkpoint_invalid`.
    pub kind: &'static str,
    /// What was seen.
    pub detail: String,
}

fn verify_checkpoint_sig(cp: &Checkpoint, pinned: Option<&[u8]>) -> Result<(), String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let spki = b64
        .decode(&cp.public_key)
        .map_err(|_| "public key is not base64".to_string())?;
    if let Some(p) = pinned
        && p != spki.as_slice()
    {
        return Err("signed by a key other than this service's audit key".into());
    }
    let sig = b64
        .decode(&cp.signature)
        .map_err(|_| "signature is not base64".to_string())?;
    let key = crate::pki::algorithms::PublicKey::from_spki_der(&spki).map_err(|e| e.to_string())?;
    let scheme = crate::pki::algorithms::Scheme::Ecdsa(crate::pki::algorithms::Digest::Sha256);
    crate::pki::algorithms::verify(
        scheme,
        &key,
        &checkpoint_message(cp.seq, &cp.head_hash),
        &sig,
    )
    .map_err(|e| e.to_string())
}

/// Recomputes the chain and the checkpoints; `head` is the stored head,
/// `pinned` the audit key's SubjectPublicKeyInfo when known.
pub fn verify_chain(
    rows: &[AuditRow],
    checkpoints: &[Checkpoint],
    head: (i64, &str),
    pinned: Option<&[u8]>,
) -> ChainReport {
    let mut report = ChainReport {
        records: rows.len(),
        checkpoints_verified: 0,
        problem: None,
    };
    let problem = |seq, kind, detail: String| Some(ChainProblem { seq, kind, detail });
    let mut prev_hash = String::new();
    let mut hashes: Vec<String> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        if r.seq != expected_seq {
            report.problem = problem(
                expected_seq,
                "removed",
                format!(
                    "record {expected_seq} is missing (next present is {})",
                    r.seq
                ),
            );
            return report;
        }
        if r.seq > head.0 {
            report.problem = problem(
                r.seq,
                "inserted",
                format!("record {} is past the chain head {}", r.seq, head.0),
            );
            return report;
        }
        if chain_hash(&r.prev_hash, r.seq, &r.entry) != r.hash {
            // A record that hashes right one position earlier was shifted by an insertion before it.
            let shifted = rows
                .get(i + 1)
                .is_some_and(|n| chain_hash(&n.prev_hash, n.seq - 1, &n.entry) == n.hash);
            report.problem = if shifted {
                problem(
                    r.seq,
                    "inserted",
                    format!(
                        "record {} does not belong to the chain; the records after it were renumbered",
                        r.seq
                    ),
                )
            } else {
                problem(
                    r.seq,
                    "changed",
                    format!("record {} no longer matches its hash", r.seq),
                )
            };
            return report;
        }
        if r.prev_hash != prev_hash {
            let skips_previous = i >= 2 && r.prev_hash == hashes[i - 2];
            report.problem = if skips_previous {
                problem(
                    r.seq - 1,
                    "inserted",
                    format!(
                        "record {} is not in the chain: record {} links past it",
                        r.seq - 1,
                        r.seq
                    ),
                )
            } else if i >= 1 {
                problem(
                    r.seq - 1,
                    "changed",
                    format!(
                        "record {} was changed and re-hashed: record {} does not link to it",
                        r.seq - 1,
                        r.seq
                    ),
                )
            } else {
                problem(
                    r.seq,
                    "changed",
                    "the first record does not start the chain".into(),
                )
            };
            return report;
        }
        prev_hash = r.hash.clone();
        hashes.push(r.hash.clone());
    }
    if (rows.len() as i64) < head.0 {
        report.problem = problem(
            rows.len() as i64 + 1,
            "removed",
            format!(
                "the chain head is {} but only {} records remain",
                head.0,
                rows.len()
            ),
        );
        return report;
    }
    if head.0 > 0 && hashes.last().map(String::as_str) != Some(head.1) {
        report.problem = problem(
            head.0,
            "changed",
            "the last record's hash differs from the chain head".into(),
        );
        return report;
    }
    for cp in checkpoints {
        if let Err(why) = verify_checkpoint_sig(cp, pinned) {
            report.problem = problem(cp.seq, "checkpoint_invalid", why);
            return report;
        }
        match hashes.get((cp.seq - 1).max(0) as usize) {
            None => {
                report.problem = problem(
                    rows.len() as i64 + 1,
                    "removed",
                    format!("checkpoint {} covers records that are gone", cp.seq),
                );
                return report;
            }
            Some(h) if *h != cp.head_hash => {
                report.problem = problem(
                    cp.seq,
                    "changed",
                    format!("the chain at {} differs from its signed checkpoint", cp.seq),
                );
                return report;
            }
            Some(_) => report.checkpoints_verified += 1,
        }
    }
    report
}

/// The service's audit key: a P-256 PKCS#8 in the data folder, created on first use.
pub fn audit_key(data_dir: &std::path::Path) -> Result<crate::pki::signer::RingSigner, String> {
    let path = data_dir.join("audit-key.p8");
    let der = match std::fs::read(&path) {
        Ok(d) => d,
        Err(_) => {
            std::fs::create_dir_all(data_dir).map_err(|e| e.to_string())?;
            let doc = ring::signature::EcdsaKeyPair::generate_pkcs8(
                &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
                &ring::rand::SystemRandom::new(),
            )
            .map_err(|e| e.to_string())?;
            write_private(&path, doc.as_ref())?;
            doc.as_ref().to_vec()
        }
    };
    crate::pki::signer::RingSigner::from_pkcs8(&der, None, false).map_err(|e| e.to_string())
}

use crate::files::write_private;
