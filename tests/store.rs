//! The store suite, run against SQLite and PostgreSQL alike: API keys, the
//! audit chain (and its tamper detection), several instances appending at once.
//! PostgreSQL comes from `QOLTANBA_TEST_POSTGRES_URL` (scripts/test starts one).

use qoltanba::pki::signer::Signer;
use qoltanba::store::Store;
use qoltanba::store::audit::{AuditEntry, ChainProblem, verify_chain};
use qoltanba::store::keys::Role;
use sqlx::Executor;

struct Db {
    url: String,
    _dir: Option<tempfile::TempDir>,
}

async fn backends() -> Vec<(&'static str, Db)> {
    sqlx::any::install_default_drivers();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let mut out = vec![(
        "sqlite",
        Db {
            url,
            _dir: Some(dir),
        },
    )];
    match std::env::var("QOLTANBA_TEST_POSTGRES_URL") {
        Ok(admin) => {
            let name = format!(
                "qt_{}",
                qoltanba::pki::cert::hex(&rand_bytes()).to_lowercase()
            );
            let pool = sqlx::AnyPool::connect(&admin)
                .await
                .expect("postgres reachable");
            pool.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .await
                .expect("create database");
            pool.close().await;
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin.clone());
            out.push((
                "postgres",
                Db {
                    url: format!("{base}/{name}"),
                    _dir: None,
                },
            ));
        }
        Err(_) if std::env::var("CI").is_ok() => {
            panic!("QOLTANBA_TEST_POSTGRES_URL is not set: run ./scripts/test")
        }
        Err(_) => eprintln!(
            "note: QOLTANBA_TEST_POSTGRES_URL not set; PostgreSQL half skipped (./scripts/test sets it)"
        ),
    }
    out
}

fn rand_bytes() -> [u8; 6] {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 6];
    ring::rand::SystemRandom::new().fill(&mut b).unwrap();
    b
}

fn entry(i: usize) -> AuditEntry {
    AuditEntry {
        at: 1_780_000_000 + i as i64,
        key_id: format!("key{}", i % 3),
        role: "portal".into(),
        operation: "verify".into(),
        data_sha256: format!("{:064X}", i),
        signer_serial: "1001".into(),
        result_code: if i.is_multiple_of(5) {
            "CERT_REVOKED".into()
        } else {
            "OK".into()
        },
    }
}

async fn report(store: &Store, pinned: Option<&[u8]>) -> qoltanba::store::audit::ChainReport {
    let rows = store.audit_rows().await.unwrap();
    let cps = store.checkpoints().await.unwrap();
    let (seq, head) = store.audit_head().await.unwrap();
    verify_chain(&rows, &cps, (seq, &head), pinned)
}

/// The problem the chain check (pinned to `pinned`) finds; fails saying
/// `what` was expected when it finds none.
async fn problem(store: &Store, pinned: &[u8], what: &str) -> ChainProblem {
    report(store, Some(pinned)).await.problem.expect(what)
}

/// One statement, which must succeed.
async fn exec(pool: &sqlx::AnyPool, sql: &'static str) {
    pool.execute(sql).await.unwrap();
}

/// Moves each record of `seqs` (in that order) by `by` places.
async fn renumber(pool: &sqlx::AnyPool, seqs: impl IntoIterator<Item = i64>, by: i64) {
    for seq in seqs {
        sqlx::query("UPDATE audit SET seq = $1 WHERE seq = $2")
            .bind(seq + by)
            .bind(seq)
            .execute(pool)
            .await
            .unwrap();
    }
}

fn key() -> qoltanba::pki::signer::RingSigner {
    let doc = ring::signature::EcdsaKeyPair::generate_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        &ring::rand::SystemRandom::new(),
    )
    .unwrap();
    qoltanba::pki::signer::RingSigner::from_pkcs8(doc.as_ref(), None, false).unwrap()
}

#[tokio::test]
async fn api_keys_on_every_backend() {
    for (name, db) in backends().await {
        let store = Store::open(&db.url).await.unwrap();
        let (k, token) = store
            .create_api_key("portal one", Role::Portal, 100)
            .await
            .unwrap();
        assert_eq!(
            store.authenticate(&token).await.unwrap().map(|x| x.role),
            Some(Role::Portal),
            "{name}"
        );
        let wrong = format!("{}x", &token[..token.len() - 1]);
        assert!(
            store.authenticate(&wrong).await.unwrap().is_none(),
            "{name}: wrong secret"
        );
        for garbage in [
            "",
            "qtb_",
            "qtb__",
            "Bearer",
            "qtb_zzzzzzzzzzzz_abc",
            &"a".repeat(5000),
        ] {
            assert!(
                store.authenticate(garbage).await.unwrap().is_none(),
                "{name}: {garbage:?}"
            );
        }
        store.revoke_api_key(&k.id, 200).await.unwrap();
        assert!(
            store.authenticate(&token).await.unwrap().is_none(),
            "{name}: revoked"
        );
        assert!(
            store.revoke_api_key(&k.id, 300).await.is_err(),
            "{name}: revoke twice"
        );
        let list = store.list_api_keys().await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].revoked_at, Some(200));
        // The secret is stored only as a hash.
        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        let (stored,): (String,) = sqlx::query_as("SELECT secret_sha256 FROM api_keys")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(!token.contains(&stored) && stored.len() == 64, "{name}");
    }
}

#[tokio::test]
async fn audit_chain_detects_every_tampering() {
    for (name, db) in backends().await {
        let store = Store::open(&db.url).await.unwrap();
        let k = key();
        let pinned = k.public_key_spki();
        for chunk in (1..=20).collect::<Vec<_>>().chunks(5) {
            let entries: Vec<AuditEntry> = chunk.iter().map(|i| entry(*i)).collect();
            store.append_audit(&entries).await.unwrap();
            store.checkpoint(&k, 1).await.unwrap();
        }
        let r = report(&store, Some(&pinned)).await;
        assert!(r.problem.is_none(), "{name}: {:?}", r.problem);
        assert_eq!((r.records, r.checkpoints_verified), (20, 4), "{name}");
        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        let snapshot: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT seq, result_code, hash FROM audit ORDER BY seq")
                .fetch_all(&pool)
                .await
                .unwrap();

        // Changed: a result code rewritten.
        exec(&pool, "UPDATE audit SET result_code = 'OK' WHERE seq = 5").await;
        let p = problem(&store, &pinned, "change found").await;
        assert_eq!((p.seq, p.kind), (5, "changed"), "{name}: {p:?}");
        sqlx::query("UPDATE audit SET result_code = $1 WHERE seq = 5")
            .bind(&snapshot[4].1)
            .execute(&pool)
            .await
            .unwrap();
        assert!(
            report(&store, Some(&pinned)).await.problem.is_none(),
            "{name}: restored"
        );

        // Changed and re-hashed: the next record no longer links to it.
        let rows = store.audit_rows().await.unwrap();
        let mut e = rows[6].entry.clone();
        e.key_id = "attacker".into();
        let rehash = qoltanba::store::audit::chain_hash(&rows[6].prev_hash, 7, &e);
        sqlx::query("UPDATE audit SET key_id = 'attacker', hash = $1 WHERE seq = 7")
            .bind(&rehash)
            .execute(&pool)
            .await
            .unwrap();
        let p = problem(&store, &pinned, "re-hash found").await;
        assert_eq!((p.seq, p.kind), (7, "changed"), "{name}: {p:?}");
        sqlx::query("UPDATE audit SET key_id = $1, hash = $2 WHERE seq = 7")
            .bind(&rows[6].entry.key_id)
            .bind(&snapshot[6].2)
            .execute(&pool)
            .await
            .unwrap();

        // Removed: a record deleted.
        let saved = store.audit_rows().await.unwrap()[11].clone();
        exec(&pool, "DELETE FROM audit WHERE seq = 12").await;
        let p = problem(&store, &pinned, "deletion found").await;
        assert_eq!((p.seq, p.kind), (12, "removed"), "{name}: {p:?}");
        let e = &saved.entry;
        sqlx::query("INSERT INTO audit (seq, at, key_id, role, operation, data_sha256, signer_serial, result_code, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind(12i64).bind(e.at).bind(&e.key_id).bind(&e.role).bind(&e.operation).bind(&e.data_sha256).bind(&e.signer_serial).bind(&e.result_code).bind(&saved.prev_hash).bind(&saved.hash)
            .execute(&pool).await.unwrap();
        assert!(
            report(&store, Some(&pinned)).await.problem.is_none(),
            "{name}: re-inserted"
        );

        // Inserted at the end, outside the writer.
        sqlx::query("INSERT INTO audit (seq, at, key_id, role, operation, data_sha256, signer_serial, result_code, prev_hash, hash) VALUES (21, 0, 'x', 'admin', 'verify', 'x', '', 'OK', $1, 'x')")
            .bind(&snapshot[19].2).execute(&pool).await.unwrap();
        let p = problem(&store, &pinned, "insertion found").await;
        assert_eq!((p.seq, p.kind), (21, "inserted"), "{name}: {p:?}");
        exec(&pool, "DELETE FROM audit WHERE seq = 21").await;

        // Inserted in the middle: later records renumbered to make room.
        renumber(&pool, (10..=20).rev(), 1).await;
        sqlx::query("INSERT INTO audit (seq, at, key_id, role, operation, data_sha256, signer_serial, result_code, prev_hash, hash) VALUES (10, 0, 'x', 'admin', 'verify', 'x', '', 'OK', $1, 'forged')")
            .bind(&snapshot[8].2).execute(&pool).await.unwrap();
        let p = problem(&store, &pinned, "middle insertion found").await;
        assert_eq!((p.seq, p.kind), (10, "inserted"), "{name}: {p:?}");
        exec(&pool, "DELETE FROM audit WHERE seq = 10").await;
        renumber(&pool, 11..=21, -1).await;
        assert!(
            report(&store, Some(&pinned)).await.problem.is_none(),
            "{name}: renumbered back"
        );

        // The tail cut off and the head rewritten: the signed checkpoint still knows.
        exec(&pool, "DELETE FROM audit WHERE seq > 17").await;
        sqlx::query("UPDATE meta SET v = $1 WHERE k = 'audit_head'")
            .bind(format!("17:{}", snapshot[16].2))
            .execute(&pool)
            .await
            .unwrap();
        let p = problem(&store, &pinned, "truncation found").await;
        assert_eq!(p.kind, "removed", "{name}: {p:?}");

        // A checkpoint signed by another key.
        let other = key();
        assert_eq!(
            report(&store, Some(&other.public_key_spki()))
                .await
                .problem
                .map(|p| p.kind),
            Some("checkpoint_invalid"),
            "{name}"
        );
    }
}

#[tokio::test]
async fn several_instances_append_one_gap_free_chain() {
    for (name, db) in backends().await {
        let instances: Vec<Store> = {
            let mut v = Vec::new();
            for _ in 0..4 {
                v.push(Store::open(&db.url).await.unwrap());
            }
            v
        };
        let mut tasks = Vec::new();
        for (n, s) in instances.into_iter().enumerate() {
            tasks.push(tokio::spawn(async move {
                for b in 0..25 {
                    let entries: Vec<AuditEntry> =
                        (0..4).map(|i| entry(n * 1000 + b * 10 + i)).collect();
                    s.append_audit(&entries).await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let store = Store::open(&db.url).await.unwrap();
        let r = report(&store, None).await;
        assert!(r.problem.is_none(), "{name}: {:?}", r.problem);
        assert_eq!(r.records, 400, "{name}");
        assert_eq!(store.audit_head().await.unwrap().0, 400, "{name}");
    }
}
