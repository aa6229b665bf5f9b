//! The audit writer's group commit: records of verifications in flight
//! together share one transaction; a record nobody else is computing beside
//! is written at once. The wait is set to a minute so that a writer waiting
//! when it should not shows as a test that does not finish (each step has a
//! 20 s limit).

use qoltanba::api::audit_sink::AuditSink;
use qoltanba::store::Store;
use qoltanba::store::audit::AuditEntry;
use std::sync::Arc;
use std::time::Duration;

const LINGER: Duration = Duration::from_secs(60);
const LIMIT: Duration = Duration::from_secs(20);

fn entry(n: i64) -> AuditEntry {
    AuditEntry {
        at: n,
        key_id: "k".into(),
        role: "portal".into(),
        operation: "verify".into(),
        data_sha256: "0".repeat(64),
        signer_serial: "1001".into(),
        result_code: "OK".into(),
    }
}

async fn sink() -> (AuditSink, Store, tempfile::TempDir) {
    sqlx::any::install_default_drivers();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("a.db").display());
    let store = Store::open(&url).await.unwrap();
    let key = qoltanba::store::audit::audit_key(dir.path()).unwrap();
    let (sink, _task) = AuditSink::start_with(store.clone(), Arc::new(key), 1_000_000, LINGER);
    (sink, store, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_record_is_written_at_once() {
    let (sink, store, _dir) = sink().await;
    for n in 1..=3 {
        let _in_flight = sink.announce();
        tokio::time::timeout(LIMIT, sink.record(entry(n)))
            .await
            .expect("the writer waited for nobody")
            .unwrap();
    }
    assert_eq!(sink.transactions(), 3);
    assert_eq!(store.count("audit").await.unwrap(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_in_flight_together_share_one_transaction() {
    let (sink, store, _dir) = sink().await;
    // Three verifications in flight; the first record reaches the writer
    // while the other two are still being computed.
    let tickets: Vec<_> = (0..3).map(|_| sink.announce()).collect();
    let first = sink.submit(entry(1)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(sink.transactions(), 0, "committed before the others came");
    let second = sink.submit(entry(2)).await.unwrap();
    let third = sink.submit(entry(3)).await.unwrap();
    for p in [first, second, third] {
        tokio::time::timeout(LIMIT, p.stored())
            .await
            .expect("stored once all three were in")
            .unwrap();
    }
    assert_eq!(sink.transactions(), 1);
    assert_eq!(store.count("audit").await.unwrap(), 3);
    drop(tickets);

    // A verification that ends without a record (it failed early) stops
    // being waited for when its request ends.
    let gone = sink.announce();
    let _mine = sink.announce();
    let p = sink.submit(entry(4)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(sink.transactions(), 1, "committed while one was in flight");
    drop(gone);
    // The writer notices on its next wake-up: a record from elsewhere.
    let other = sink.submit(entry(5)).await.unwrap();
    tokio::time::timeout(LIMIT, p.stored())
        .await
        .expect("stored")
        .unwrap();
    tokio::time::timeout(LIMIT, other.stored())
        .await
        .expect("stored")
        .unwrap();
    assert_eq!(store.count("audit").await.unwrap(), 5);
}
