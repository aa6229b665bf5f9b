//! The health of the network services qoltanba depends on (OCSP responders,
//! time-stamping authorities, CRL distribution points), one entry per URL,
//! and a circuit breaker per URL so that a responder that is down costs one
//! quick refusal instead of a timeout on every request.
//!
//! Owns counting successes, failures and latency, the breaker's state
//! (closed → open after `BreakerConfig::failures` consecutive failures →
//! half-open after `open_for`: one request probes, its outcome closes or
//! re-opens it), and the snapshot `/readyz` and `/metrics` report. Knows
//! nothing of OCSP or HTTP: callers report what happened.

use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// When a URL's breaker opens and for how long.
#[derive(Debug, Clone, Copy)]
pub struct BreakerConfig {
    /// Consecutive failures that open the breaker.
    pub failures: u32,
    /// How long it stays open before one probe is let through.
    pub open_for: Duration,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        BreakerConfig {
            failures: 5,
            open_for: Duration::from_secs(30),
        }
    }
}

/// What is known about one upstream URL.
#[derive(Debug, Clone, Default)]
struct Stats {
    kind: &'static str,
    ok: u64,
    failed: u64,
    consecutive_failures: u32,
    last_ok: Option<i64>,
    last_error: Option<(i64, String)>,
    /// Exponentially weighted mean latency, milliseconds.
    latency_ms: f64,
    open_until: Option<Instant>,
    probing: bool,
}

/// Health of every upstream asked so far, shared by every request.
#[derive(Debug, Default)]
pub struct Upstreams {
    stats: Mutex<HashMap<String, Stats>>,
    breaker: BreakerConfig,
}

/// Why a call was not made: the URL's breaker is open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url} is unavailable: {failures} failures in a row, not asked again for {retry_in_ms} ms")]
pub struct Open {
    /// The URL.
    pub url: String,
    /// Consecutive failures that opened it.
    pub failures: u32,
    /// Milliseconds until a probe is let through.
    pub retry_in_ms: u128,
}

impl Upstreams {
    /// A registry whose breakers follow `breaker`.
    pub fn new(breaker: BreakerConfig) -> Upstreams {
        Upstreams {
            stats: Mutex::new(HashMap::new()),
            breaker,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Stats>> {
        self.stats.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether `url` may be asked now: refused while its breaker is open;
    /// once it has been open for `open_for`, one caller probes.
    pub fn allow(&self, kind: &'static str, url: &str) -> Result<(), Open> {
        let mut m = self.lock();
        let s = m.entry(url.to_string()).or_insert_with(|| Stats {
            kind,
            ..Default::default()
        });
        match s.open_until {
            None => Ok(()),
            Some(until) => {
                let now = Instant::now();
                if now >= until && !s.probing {
                    s.probing = true;
                    Ok(())
                } else {
                    Err(Open {
                        url: url.to_string(),
                        failures: s.consecutive_failures,
                        retry_in_ms: until.saturating_duration_since(now).as_millis(),
                    })
                }
            }
        }
    }

    /// `url` answered (whatever the answer said) after `latency`.
    pub fn success(&self, kind: &'static str, url: &str, latency: Duration, at: i64) {
        let mut m = self.lock();
        let s = m.entry(url.to_string()).or_default();
        s.kind = kind;
        s.ok += 1;
        s.consecutive_failures = 0;
        s.last_ok = Some(at);
        s.open_until = None;
        s.probing = false;
        s.latency_ms = mean(s.latency_ms, s.ok + s.failed, latency);
        drop(m);
        metrics::counter!("qoltanba_upstream_requests_total", "kind" => kind, "url" => url.to_string(), "outcome" => "ok").increment(1);
        metrics::histogram!("qoltanba_upstream_latency_seconds", "kind" => kind, "url" => url.to_string()).record(latency.as_secs_f64());
        metrics::gauge!("qoltanba_upstream_up", "kind" => kind, "url" => url.to_string()).set(1.0);
    }

    /// `url` failed (no answer, an HTTP error, `tryLater`) after `latency`.
    pub fn failure(&self, kind: &'static str, url: &str, latency: Duration, at: i64, why: &str) {
        let mut m = self.lock();
        let s = m.entry(url.to_string()).or_default();
        s.kind = kind;
        s.failed += 1;
        s.consecutive_failures = s.consecutive_failures.saturating_add(1);
        s.last_error = Some((at, why.chars().take(200).collect()));
        s.latency_ms = mean(s.latency_ms, s.ok + s.failed, latency);
        if s.probing || s.consecutive_failures >= self.breaker.failures {
            s.open_until = Some(Instant::now() + self.breaker.open_for);
        }
        s.probing = false;
        drop(m);
        metrics::counter!("qoltanba_upstream_requests_total", "kind" => kind, "url" => url.to_string(), "outcome" => "failed").increment(1);
        metrics::histogram!("qoltanba_upstream_latency_seconds", "kind" => kind, "url" => url.to_string()).record(latency.as_secs_f64());
        metrics::gauge!("qoltanba_upstream_up", "kind" => kind, "url" => url.to_string()).set(0.0);
    }

    /// Every upstream as `/readyz` reports it, sorted by kind and URL.
    pub fn snapshot(&self) -> Vec<Value> {
        let now = Instant::now();
        let mut v: Vec<(String, Stats)> = self
            .lock()
            .iter()
            .map(|(k, s)| (k.clone(), s.clone()))
            .collect();
        v.sort_by(|a, b| (a.1.kind, &a.0).cmp(&(b.1.kind, &b.0)));
        v.into_iter()
            .map(|(url, s)| {
                let open = s.open_until.is_some_and(|u| u > now);
                json!({
                    "kind": s.kind,
                    "url": url,
                    "state": if open { "open" } else if s.consecutive_failures > 0 { "failing" } else { "ok" },
                    "ok": s.ok,
                    "failed": s.failed,
                    "consecutive_failures": s.consecutive_failures,
                    "last_ok": s.last_ok.map(crate::time::rfc3339),
                    "last_error": s.last_error.as_ref().map(|(t, w)| json!({ "at": crate::time::rfc3339(*t), "why": w })),
                    "latency_ms": (s.latency_ms * 10.0).round() / 10.0,
                })
            })
            .collect()
    }

    /// Whether any upstream's breaker is open now.
    pub fn any_open(&self) -> bool {
        let now = Instant::now();
        self.lock()
            .values()
            .any(|s| s.open_until.is_some_and(|u| u > now))
    }
}

/// A running mean that weighs the last 20 calls most.
fn mean(old: f64, n: u64, latency: Duration) -> f64 {
    let x = latency.as_secs_f64() * 1000.0;
    if n <= 1 {
        x
    } else {
        old + (x - old) / (n.min(20) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaker_opens_after_failures_and_one_probe_closes_it() {
        let u = Upstreams::new(BreakerConfig {
            failures: 2,
            open_for: Duration::from_millis(50),
        });
        let d = Duration::from_millis(3);
        assert!(u.allow("ocsp", "http://a").is_ok());
        u.failure("ocsp", "http://a", d, 1, "reset");
        assert!(
            u.allow("ocsp", "http://a").is_ok(),
            "one failure: still closed"
        );
        u.failure("ocsp", "http://a", d, 2, "reset");
        let open = u.allow("ocsp", "http://a").unwrap_err();
        assert_eq!(open.failures, 2);
        assert!(u.any_open());
        assert!(u.allow("ocsp", "http://b").is_ok(), "per URL");
        std::thread::sleep(Duration::from_millis(60));
        assert!(u.allow("ocsp", "http://a").is_ok(), "the probe");
        assert!(u.allow("ocsp", "http://a").is_err(), "one probe at a time");
        u.failure("ocsp", "http://a", d, 3, "reset");
        assert!(
            u.allow("ocsp", "http://a").is_err(),
            "a failed probe re-opens"
        );
        std::thread::sleep(Duration::from_millis(60));
        assert!(u.allow("ocsp", "http://a").is_ok());
        u.success("ocsp", "http://a", d, 4);
        assert!(u.allow("ocsp", "http://a").is_ok());
        assert!(!u.any_open());
        let snap = u.snapshot();
        assert_eq!(snap[0]["url"], "http://a");
        assert_eq!(snap[0]["state"], "ok");
        assert_eq!(snap[0]["failed"], 3);
    }
}
