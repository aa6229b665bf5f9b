//! The audit writer: handlers hand it records and wait until they are
//! stored; it writes them in batches (one transaction each) and signs a
//! checkpoint every N records and when it stops.

use super::problem::ApiError;
use crate::pki::signer::Signer;
use crate::store::Store;
use crate::store::audit::AuditEntry;
use crate::verdict::problem::ProblemCode;
use tokio::sync::{mpsc, oneshot};

struct Job {
    entry: AuditEntry,
    done: oneshot::Sender<Result<(), String>>,
}

/// Where handlers send audit records.
#[derive(Clone)]
pub struct AuditSink {
    tx: mpsc::Sender<Job>,
}

/// Most records written in one transaction.
const BATCH: usize = 512;

/// Under load, how long the writer waits for more records before a commit…
const LINGER: std::time::Duration = std::time::Duration::from_micros(500);

/// …unless it already has this many.
const LINGER_UNTIL: usize = 64;

impl AuditSink {
    /// Starts the writer; it runs until every sink is dropped, then checkpoints.
    pub fn start(
        store: Store,
        key: std::sync::Arc<dyn Signer>,
        every: u64,
    ) -> (AuditSink, tokio::task::JoinHandle<()>) {
        let (tx, mut rx) = mpsc::channel::<Job>(8192);
        let handle = tokio::spawn(async move {
            let mut since = 0u64;
            let mut busy = false;
            while let Some(first) = rx.recv().await {
                let mut jobs = vec![first];
                while jobs.len() < BATCH {
                    match rx.try_recv() {
                        Ok(j) => jobs.push(j),
                        Err(_) => break,
                    }
                }
                // Group commit: a transaction costs far more than a row, so
                // when records arrive together (the last batch had company)
                // wait a moment for more before committing. A lone record
                // (light load) is written at once.
                if busy && jobs.len() < LINGER_UNTIL {
                    let deadline = tokio::time::Instant::now() + LINGER;
                    while jobs.len() < LINGER_UNTIL {
                        match tokio::time::timeout_at(deadline, rx.recv()).await {
                            Ok(Some(j)) => jobs.push(j),
                            _ => break,
                        }
                    }
                }
                busy = jobs.len() > 1;
                let entries: Vec<AuditEntry> = jobs.iter().map(|j| j.entry.clone()).collect();
                metrics::histogram!("qoltanba_audit_batch_records").record(entries.len() as f64);
                let result = store
                    .append_audit(&entries)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string());
                if let Err(e) = &result {
                    tracing::error!(error = %e, "audit write failed");
                    metrics::counter!("qoltanba_audit_failures_total").increment(1);
                }
                for j in jobs {
                    let _ = j.done.send(result.clone());
                }
                since += entries.len() as u64;
                if since >= every {
                    since = 0;
                    if let Err(e) = store.checkpoint(key.as_ref(), crate::time::now()).await {
                        tracing::error!(error = %e, "audit checkpoint failed");
                    }
                }
            }
            if let Err(e) = store.checkpoint(key.as_ref(), crate::time::now()).await {
                tracing::error!(error = %e, "final audit checkpoint failed");
            }
        });
        (AuditSink { tx }, handle)
    }

    /// Records an entry and waits until it is stored.
    pub async fn record(&self, entry: AuditEntry) -> Result<(), ApiError> {
        self.submit(entry).await?.stored().await
    }

    /// Hands an entry to the writer; the caller may work on (write its
    /// response) before waiting with [`Pending::stored`].
    pub async fn submit(&self, entry: AuditEntry) -> Result<Pending, ApiError> {
        let (done, wait) = oneshot::channel();
        self.tx
            .send(Job { entry, done })
            .await
            .map_err(|_| unavailable())?;
        Ok(Pending(wait))
    }
}

/// An audit record on its way to the database.
pub struct Pending(oneshot::Receiver<Result<(), String>>);

impl Pending {
    /// Waits until the record is stored (or its write failed).
    pub async fn stored(self) -> Result<(), ApiError> {
        self.0
            .await
            .map_err(|_| unavailable())?
            .map_err(|_| unavailable())
    }
}

fn unavailable() -> ApiError {
    ApiError::new(
        ProblemCode::ServiceUnavailable,
        "the audit log is not available",
    )
}
