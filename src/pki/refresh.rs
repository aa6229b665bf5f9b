//! Keeping CRLs fresh: download base and delta CRLs over HTTP, accept a new
//! one only when its signature and freshness check out, keep the last good
//! copy on disk so it survives restarts.
//!
//! Owns fetching (behind a trait: the network is a parameter), the acceptance
//! rules and the on-disk cache. The trust store decides what to do with an
//! accepted CRL; the service schedules the calls.

use super::cert::{Certificate, hex, sha256};
use super::crl::RevocationList;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest CRL downloaded.
pub const MAX_DOWNLOAD: u64 = super::crl::MAX_CRL_LEN as u64;

/// Fetches a URL.
pub trait CrlTransport: Send + Sync {
    /// GETs `url`, returns the body.
    fn get(&self, url: &str) -> Result<Vec<u8>, String>;
}

/// Plain HTTP over `ureq` (30 s timeout, bounded body).
pub struct HttpCrl {
    agent: ureq::Agent,
}

impl Default for HttpCrl {
    fn default() -> Self {
        HttpCrl {
            agent: super::http::agent(std::time::Duration::from_secs(30), 2),
        }
    }
}

impl CrlTransport for HttpCrl {
    fn get(&self, url: &str) -> Result<Vec<u8>, String> {
        let mut resp = self.agent.get(url).call().map_err(|e| e.to_string())?;
        if resp.status() != 200 {
            return Err(format!("HTTP {}", resp.status()));
        }
        super::http::body(&mut resp, MAX_DOWNLOAD)
    }
}

/// What happened to one URL.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Outcome {
    /// The URL.
    pub url: String,
    /// `updated`, `unchanged` or `failed`.
    pub status: &'static str,
    /// Why it failed, or what was taken.
    pub detail: String,
    /// How long the download and the checks took, milliseconds.
    pub elapsed_ms: u64,
}

/// The file a URL's last good CRL is kept in.
pub fn cache_path(dir: &Path, url: &str) -> PathBuf {
    dir.join(format!(
        "{}.crl",
        &hex(&sha256(url.as_bytes()))[..32].to_lowercase()
    ))
}

/// Every cached CRL in `dir` (DER files), for loading at start-up.
pub fn cached(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "crl"))
        .filter_map(|p| std::fs::read(&p).ok().map(|b| (p.display().to_string(), b)))
        .collect();
    out.sort();
    out
}

/// Decides whether `new` may replace what the store has for the same issuer
/// and kind (base or delta): it must verify with a CA of the store, be fresh
/// at `now`, and be no older than the current one.
pub fn accept(
    bytes: &[u8],
    url: &str,
    cas: &[Arc<Certificate>],
    current: &[Arc<RevocationList>],
    now: i64,
) -> Result<Option<RevocationList>, String> {
    let crl = super::crl::from_bytes(bytes, url, cas).map_err(|e| e.to_string())?;
    let issuer = cas
        .iter()
        .find(|c| crl.issuer_raw == c.subject_raw || crl.issuer_key == c.subject_key())
        .ok_or_else(|| format!("no CA of the trust store issued it ({})", crl.issuer_dn))?;
    crl.verify_signature(issuer)
        .map_err(|e| format!("signature: {e}"))?;
    match crl.next_update {
        Some(n) if n >= now => {}
        Some(n) => return Err(format!("stale: nextUpdate {}", crate::time::rfc3339(n))),
        None => return Err("no nextUpdate".into()),
    }
    let same_kind = |c: &&Arc<RevocationList>| {
        c.issuer_key == crl.issuer_key && c.is_delta() == crl.is_delta() && c.scope == crl.scope
    };
    if let Some(old) = current
        .iter()
        .filter(same_kind)
        .max_by_key(|c| c.this_update)
    {
        if old.fingerprint == crl.fingerprint {
            return Ok(None);
        }
        if crl.this_update < old.this_update {
            return Err(format!(
                "older than the CRL in use (thisUpdate {})",
                crate::time::rfc3339(crl.this_update)
            ));
        }
    }
    Ok(Some(crl))
}

/// Downloads every URL; returns the accepted CRLs and what happened. Accepted
/// CRLs are written to `cache_dir` (the last good copy).
pub fn refresh(
    transport: &dyn CrlTransport,
    urls: &[String],
    cas: &[Arc<Certificate>],
    current: &[Arc<RevocationList>],
    cache_dir: Option<&Path>,
    now: i64,
) -> (Vec<Arc<RevocationList>>, Vec<Outcome>) {
    let mut accepted = Vec::new();
    let mut outcomes = Vec::new();
    for url in urls {
        let t0 = std::time::Instant::now();
        let elapsed = || t0.elapsed().as_millis() as u64;
        let result = transport
            .get(url)
            .and_then(|bytes| accept(&bytes, url, cas, current, now).map(|c| (c, bytes)));
        match result {
            Ok((Some(crl), bytes)) => {
                if let Some(dir) = cache_dir {
                    let _ = std::fs::create_dir_all(dir);
                    if let Err(e) = std::fs::write(cache_path(dir, url), &bytes) {
                        tracing::warn!(%url, error = %e, "could not keep the CRL on disk");
                    }
                }
                outcomes.push(Outcome {
                    url: url.clone(),
                    status: "updated",
                    detail: format!(
                        "thisUpdate {}, {} entries",
                        crate::time::rfc3339(crl.this_update),
                        crl.len()
                    ),
                    elapsed_ms: 0,
                });
                if let Some(o) = outcomes.last_mut() {
                    o.elapsed_ms = elapsed();
                }
                accepted.push(Arc::new(crl));
            }
            Ok((None, _)) => outcomes.push(Outcome {
                url: url.clone(),
                status: "unchanged",
                detail: String::new(),
                elapsed_ms: elapsed(),
            }),
            Err(e) => {
                tracing::warn!(%url, error = %e, "CRL refresh failed; keeping the last good copy");
                metrics::counter!("qoltanba_crl_refresh_failures_total", "url" => url.clone())
                    .increment(1);
                outcomes.push(Outcome {
                    url: url.clone(),
                    status: "failed",
                    detail: e,
                    elapsed_ms: elapsed(),
                });
            }
        }
    }
    (accepted, outcomes)
}

/// The URLs to watch: the configured ones, then the distribution points
/// (base and freshest) named by the store's certificates.
pub fn urls(configured: &[String], cas: &[Arc<Certificate>]) -> Vec<String> {
    let mut out: Vec<String> = configured.to_vec();
    for c in cas {
        for u in c.crl_urls.iter().chain(c.delta_crl_urls.iter()) {
            if (u.starts_with("http://") || u.starts_with("https://")) && !out.contains(u) {
                out.push(u.clone());
            }
        }
    }
    out
}
