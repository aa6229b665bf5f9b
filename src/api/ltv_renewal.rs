//! The background task that keeps the signed results provable (issue 19):
//! every `ltv_renew_seconds` it reads each kept result, and when its last
//! proof's TSA certificate expires within `ltv_renew_before_seconds` it
//! appends a DSS and a document time-stamp from `ltv_tsa_url`
//! (`pdf::ltv::renew_if_due`) and stores the renewed file (compare-and-set).
//!
//! Metrics: `qoltanba_ltv_earliest_expiry_seconds` (seconds until the
//! earliest TSA-certificate expiry among kept results' last proofs; negative
//! once one has passed), `qoltanba_ltv_results_watched`,
//! `qoltanba_ltv_renewals_total` and `qoltanba_ltv_renewal_failures_total`.
//! Without a TSA URL the results are watched, not renewed. The CRLs put in
//! the DSS are the trust folder's `.crl` files.

use super::AppState;
use crate::pdf::ltv::{Renewal, last_proof, renew_if_due};
use base64::Engine;
use std::sync::Arc;

/// What one pass did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct PassOutcome {
    /// Results read.
    pub watched: usize,
    /// Results renewed and stored.
    pub renewed: usize,
    /// Results whose renewal failed (left as they were).
    pub failed: usize,
    /// The earliest TSA-certificate expiry among the last proofs, Unix seconds.
    pub earliest_expiry: Option<i64>,
}

/// One pass over the kept results.
pub async fn renewal_pass(state: &Arc<AppState>) -> PassOutcome {
    let mut out = PassOutcome::default();
    let results = match state.store.signed_results().await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "ltv renewal: the results could not be read");
            return out;
        }
    };
    // The validation data for the TSA chains: the trust folder's CRL files
    // (those the CRL refresh keeps current).
    let crls: Arc<Vec<Vec<u8>>> = Arc::new(match &state.config.trust_dir {
        Some(dir) => crl_files(dir),
        None => crl_files(&crate::pki::TrustStore::default_dir()),
    });
    let b64 = base64::engine::general_purpose::STANDARD;
    let now = crate::time::now();
    let before = i64::try_from(state.config.ltv_renew_before_seconds).unwrap_or(i64::MAX);
    for (number, stored) in results {
        let Ok(pdf) = b64.decode(&stored) else {
            continue;
        };
        out.watched += 1;
        let trust = state.trust();
        let tsa = state.config.ltv_tsa_url.clone();
        let upstreams = state.upstreams.clone();
        let crls = crls.clone();
        let decided = tokio::task::spawn_blocking(move || match tsa {
            Some(url) => {
                let http = crate::tsp::HttpTsa::default();
                let watched = crate::tsp::WatchedTsa {
                    inner: &http,
                    health: &upstreams,
                };
                renew_if_due(&pdf, now, before, &trust, &crls, (&watched, &url))
            }
            None => last_proof(&pdf.as_slice()).map(|l| Renewal::NotDue {
                expires: l.and_then(|l| l.tsa_not_after),
            }),
        })
        .await;
        let expires = match decided {
            Ok(Ok(Renewal::Renewed { pdf, expires })) => {
                match state
                    .store
                    .replace_result(&number, &stored, &b64.encode(&pdf))
                    .await
                {
                    Ok(true) => {
                        out.renewed += 1;
                        metrics::counter!("qoltanba_ltv_renewals_total").increment(1);
                        tracing::info!(%number, "ltv renewal: result renewed");
                        expires
                    }
                    _ => None,
                }
            }
            Ok(Ok(Renewal::NotDue { expires })) => expires,
            Ok(Ok(Renewal::Unsigned)) => None,
            Ok(Err(e)) => {
                out.failed += 1;
                metrics::counter!("qoltanba_ltv_renewal_failures_total").increment(1);
                tracing::warn!(%number, error = %e, "ltv renewal failed");
                None
            }
            Err(_) => None,
        };
        if let Some(e) = expires {
            out.earliest_expiry = Some(out.earliest_expiry.map_or(e, |x| x.min(e)));
        }
    }
    metrics::gauge!("qoltanba_ltv_results_watched").set(out.watched as f64);
    if let Some(e) = out.earliest_expiry {
        metrics::gauge!("qoltanba_ltv_earliest_expiry_seconds").set((e - now) as f64);
    }
    out
}

/// The `.crl` files of a folder (at most 1000, each at most 64 MiB).
fn crl_files(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "crl"))
        .collect();
    files.sort();
    files
        .iter()
        .take(1000)
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() <= 64 << 20))
        .filter_map(|p| std::fs::read(p).ok())
        .collect()
}
