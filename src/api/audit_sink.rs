//! The audit writer: handlers hand it records and wait until they are
//! stored; it writes them in batches (one transaction each) and signs a
//! checkpoint every N records and when it stops.

use super::problem::ApiError;
use crate::pki::signer::Signer;
use crate::store::Store;
use crate::store::audit::AuditEntry;
use crate::verdict::problem::ProblemCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use tokio::sync::{mpsc, oneshot};

struct Job {
    entry: AuditEntry,
    done: oneshot::Sender<Result<(), String>>,
}

/// Where handlers send audit records.
#[derive(Clone)]
pub struct AuditSink {
    tx: mpsc::Sender<Job>,
    /// Requests in flight that will end in a record ([`Announced`]).
    announced: Arc<AtomicUsize>,
    /// Transactions the writer has run.
    transactions: Arc<AtomicU64>,
}

/// A request in flight that will end in an audit record (taken by the
/// route guard for [`GROUPED`] routes, dropped with the response). While
/// more of them are in flight than records wait in the writer's batch, the
/// writer waits a moment for the rest, so that records computed together
/// share one transaction.
pub struct Announced(Arc<AtomicUsize>);

/// The routes whose records are worth waiting for: the verifications, which
/// come in volume and finish in microseconds.
pub const GROUPED: &[&str] = &["/v1/verify", "/v1/certificates/verify"];

impl Drop for Announced {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Most records written in one transaction.
const BATCH: usize = 512;

/// How long the writer waits for announced records before a commit…
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
        Self::start_with(store, key, every, LINGER)
    }

    /// [`AuditSink::start`] with the longest wait for announced records.
    pub fn start_with(
        store: Store,
        key: std::sync::Arc<dyn Signer>,
        every: u64,
        linger: std::time::Duration,
    ) -> (AuditSink, tokio::task::JoinHandle<()>) {
        let (tx, mut rx) = mpsc::channel::<Job>(8192);
        let announced = Arc::new(AtomicUsize::new(0));
        let pending = announced.clone();
        let transactions = Arc::new(AtomicU64::new(0));
        let written = transactions.clone();
        let handle = tokio::spawn(async move {
            let mut since = 0u64;
            while let Some(first) = rx.recv().await {
                let mut jobs = vec![first];
                drain(&mut rx, &mut jobs);
                // Group commit: a transaction costs far more than a row, so
                // while more verifications are in flight than records wait
                // here, wait a moment for theirs. Every one of them already in
                // the batch (light load): commit at once.
                let outstanding = |n: usize| pending.load(Ordering::Acquire) > n;
                if jobs.len() < LINGER_UNTIL && outstanding(jobs.len()) {
                    let deadline = tokio::time::Instant::now() + linger;
                    while jobs.len() < LINGER_UNTIL && outstanding(jobs.len()) {
                        match tokio::time::timeout_at(deadline, rx.recv()).await {
                            Ok(Some(j)) => jobs.push(j),
                            _ => break,
                        }
                    }
                    drain(&mut rx, &mut jobs);
                }
                let (entries, waiting): (Vec<AuditEntry>, Vec<_>) =
                    jobs.into_iter().map(|j| (j.entry, j.done)).unzip();
                metrics::histogram!("qoltanba_audit_batch_records").record(entries.len() as f64);
                let result = store
                    .append_audit(&entries)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string());
                written.fetch_add(1, Ordering::AcqRel);
                if let Err(e) = &result {
                    tracing::error!(error = %e, "audit write failed");
                    metrics::counter!("qoltanba_audit_failures_total").increment(1);
                }
                for done in waiting {
                    let _ = done.send(result.clone());
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
        (
            AuditSink {
                tx,
                announced,
                transactions,
            },
            handle,
        )
    }

    /// How many transactions the writer has run (each holds one batch).
    pub fn transactions(&self) -> u64 {
        self.transactions.load(Ordering::Acquire)
    }

    /// Counts a request that will end in a record until it is dropped (see [`Announced`]).
    pub fn announce(&self) -> Announced {
        self.announced.fetch_add(1, Ordering::AcqRel);
        Announced(self.announced.clone())
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

/// Adds what is already queued to the batch, up to [`BATCH`].
fn drain(rx: &mut mpsc::Receiver<Job>, jobs: &mut Vec<Job>) {
    while jobs.len() < BATCH {
        match rx.try_recv() {
            Ok(j) => jobs.push(j),
            Err(_) => break,
        }
    }
}

fn unavailable() -> ApiError {
    ApiError::new(
        ProblemCode::ServiceUnavailable,
        "the audit log is not available",
    )
}

impl crate::workflow::error::AuditLog for AuditSink {
    fn record(
        &self,
        entry: AuditEntry,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<(), crate::workflow::Error>> + Send + '_>>
    {
        Box::pin(async move {
            AuditSink::record(self, entry).await.map_err(|e| {
                if e.code == ProblemCode::ServiceUnavailable {
                    crate::workflow::Error::Unavailable(e.detail)
                } else {
                    crate::workflow::Error::Internal(e.detail)
                }
            })
        })
    }
}
