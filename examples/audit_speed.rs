//! Times audit appends (batches of 64) on the configured database URL or a temp SQLite file.
//! `cargo run --release --example audit_speed [URL]`
use qoltanba::store::Store;
use qoltanba::store::audit::AuditEntry;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.path().join("a.db").display()));
    let store = Store::open(&url).await.unwrap();
    let e = AuditEntry {
        at: 1,
        key_id: "k".into(),
        role: "portal".into(),
        operation: "verify".into(),
        data_sha256: "0".repeat(64),
        signer_serial: "1001".into(),
        result_code: "OK".into(),
    };
    let batch: Vec<AuditEntry> = (0..64).map(|_| e.clone()).collect();
    let t = Instant::now();
    for _ in 0..100 {
        store.append_audit(&batch).await.unwrap();
    }
    println!("100 batches of 64: {:?} per batch", t.elapsed() / 100);
    let t = Instant::now();
    for _ in 0..100 {
        store.append_audit(&batch[..1]).await.unwrap();
    }
    println!("100 batches of 1: {:?} per batch", t.elapsed() / 100);
}
