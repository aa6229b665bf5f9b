//! The OCSP client: a transport (the network, as a trait), a nonce source,
//! and a cache of believed answers shared across validations.
//!
//! Owns asking (URL choice, nonce, POST) and remembering (and, for
//! validation data a signer embeds, recording the raw responses). Good and
//! revoked answers with a nextUpdate are kept, keyed by CertID, and reused
//! while the validation time is inside their window; the cache is bounded.
//! Asking survives a responder's bad moments within a time budget: a failed
//! exchange, `tryLater` or `internalError` is retried with backoff, a nonce
//! that is not ours is asked once more with a fresh one, and a responder that
//! keeps failing is not asked at all for a while (`upstream`'s circuit
//! breaker), so that it costs a quick "unavailable" instead of a timeout.
//! Refuses nothing itself: every response goes through `verify`.

use super::message::{self, MAX_RESPONSE_LEN, NONCE_LEN};
use super::verify::verify_response;
use super::{Answer, OcspError};
use crate::pki::cert::Certificate;
use crate::pki::upstream::Upstreams;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Sends a DER OCSPRequest and returns the DER OCSPResponse.
pub trait OcspTransport: Send + Sync {
    /// POSTs `body` to `url`; an error is any failure to get a response body.
    fn post(&self, url: &str, body: &[u8]) -> Result<Vec<u8>, String>;
    /// As `post`, giving up after `timeout` (transports without a clock of
    /// their own ignore it).
    fn post_within(&self, url: &str, body: &[u8], timeout: Duration) -> Result<Vec<u8>, String> {
        let _ = timeout;
        self.post(url, body)
    }
}

/// Where request nonces come from.
pub trait NonceSource: Send + Sync {
    /// Fills `out` with unpredictable bytes.
    fn fill(&self, out: &mut [u8]) -> Result<(), String>;
}

/// Nonces from the operating system's CSPRNG (through ring).
pub struct SystemNonces(ring::rand::SystemRandom);

impl Default for SystemNonces {
    fn default() -> Self {
        SystemNonces(ring::rand::SystemRandom::new())
    }
}

impl NonceSource for SystemNonces {
    fn fill(&self, out: &mut [u8]) -> Result<(), String> {
        ring::rand::SecureRandom::fill(&self.0, out).map_err(|_| "no randomness".to_string())
    }
}

/// How long one HTTP exchange may take, connection included.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(5);

/// OCSP over plain HTTP POST (RFC 6960 appendix A), blocking: 5 s timeout,
/// responses over 1 MiB refused, no redirects, only status 200 accepted.
pub struct HttpTransport {
    agent: ureq::Agent,
}

impl Default for HttpTransport {
    fn default() -> Self {
        Self::new(HTTP_TIMEOUT)
    }
}

impl HttpTransport {
    /// A transport with the given overall timeout per exchange.
    pub fn new(timeout: Duration) -> Self {
        HttpTransport {
            agent: crate::pki::http::agent(timeout, 0),
        }
    }
}

impl OcspTransport for HttpTransport {
    fn post(&self, url: &str, body: &[u8]) -> Result<Vec<u8>, String> {
        self.post_within(url, body, HTTP_TIMEOUT)
    }

    fn post_within(&self, url: &str, body: &[u8], timeout: Duration) -> Result<Vec<u8>, String> {
        let mut resp = self
            .agent
            .post(url)
            .config()
            .timeout_global(Some(timeout))
            .build()
            .content_type("application/ocsp-request")
            .header("accept", "application/ocsp-response")
            .send(body)
            .map_err(|e| e.to_string())?;
        if resp.status() != 200 {
            return Err(format!("HTTP status {}", resp.status().as_u16()));
        }
        crate::pki::http::body(&mut resp, MAX_RESPONSE_LEN as u64)
    }
}

/// A transport that passes every request on and keeps every response body,
/// so that the responses a validation believed can be stored with a
/// document as its validation data (PAdES B-LT).
pub struct RecordingTransport {
    inner: Arc<dyn OcspTransport>,
    seen: Mutex<Vec<Vec<u8>>>,
}

impl RecordingTransport {
    /// Records what `inner` answers.
    pub fn new(inner: Arc<dyn OcspTransport>) -> Self {
        RecordingTransport {
            inner,
            seen: Mutex::new(Vec::new()),
        }
    }

    /// The response bodies received so far, oldest first.
    pub fn responses(&self) -> Vec<Vec<u8>> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl OcspTransport for RecordingTransport {
    fn post(&self, url: &str, body: &[u8]) -> Result<Vec<u8>, String> {
        self.post_within(url, body, HTTP_TIMEOUT)
    }

    fn post_within(&self, url: &str, body: &[u8], timeout: Duration) -> Result<Vec<u8>, String> {
        let r = self.inner.post_within(url, body, timeout)?;
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(r.clone());
        Ok(r)
    }
}

/// Believed answers (keyed by the certificate's and its issuer's
/// fingerprints, `OcspClient::cache_key`), each until its nextUpdate.
pub struct OcspCache {
    entries: Mutex<HashMap<Vec<u8>, Answer>>,
    capacity: usize,
}

/// Default number of answers kept.
pub const DEFAULT_CACHE_CAPACITY: usize = 4096;

impl OcspCache {
    /// An empty cache holding at most `capacity` answers.
    pub fn new(capacity: usize) -> Self {
        OcspCache {
            entries: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<u8>, Answer>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The answer for `key` if it is usable at `at`.
    pub fn get(&self, key: &[u8], at: i64) -> Option<Answer> {
        let a = self.lock().get(key).cloned()?;
        a.check_time(at)
            .is_ok()
            .then_some(Answer { cached: true, ..a })
    }

    /// Keeps `answer` if it has a nextUpdate; makes room by dropping answers
    /// expired at `at`, then the one that expires first.
    pub fn put(&self, key: Vec<u8>, answer: Answer, at: i64) {
        if answer.next_update.is_none() || self.capacity == 0 {
            return;
        }
        let mut m = self.lock();
        if m.len() >= self.capacity && !m.contains_key(&key) {
            m.retain(|_, a| a.next_update.is_some_and(|n| n >= at));
            if m.len() >= self.capacity
                && let Some(k) = m
                    .iter()
                    .min_by_key(|(_, a)| a.next_update)
                    .map(|(k, _)| k.clone())
            {
                m.remove(&k);
            }
        }
        m.insert(key, answer);
    }

    /// How many answers are kept.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Default time one answer may take, retries included.
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(5);
/// Default extra attempts after a failure or `tryLater`.
pub const DEFAULT_RETRIES: u32 = 1;
/// Wait before the first retry; doubled for each further one.
const BACKOFF: Duration = Duration::from_millis(100);

/// Asks OCSP responders, through a transport, with a shared cache.
pub struct OcspClient {
    transport: Arc<dyn OcspTransport>,
    nonces: Arc<dyn NonceSource>,
    cache: OcspCache,
    health: Arc<Upstreams>,
    budget: Duration,
    retries: u32,
}

impl std::fmt::Debug for OcspClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OcspClient")
            .field("cached", &self.cache.len())
            .finish_non_exhaustive()
    }
}

impl OcspClient {
    /// A client over `transport`, with system nonces and the default cache.
    pub fn new(transport: Arc<dyn OcspTransport>) -> Self {
        OcspClient {
            transport,
            nonces: Arc::new(SystemNonces::default()),
            cache: OcspCache::new(DEFAULT_CACHE_CAPACITY),
            health: Arc::new(Upstreams::default()),
            budget: DEFAULT_BUDGET,
            retries: DEFAULT_RETRIES,
        }
    }

    /// The same client with another time budget per answer and retry count.
    pub fn with_budget(self, budget: Duration, retries: u32) -> Self {
        OcspClient {
            budget,
            retries,
            ..self
        }
    }

    /// The same client reporting to (and guarded by) `health`.
    pub fn with_health(self, health: Arc<Upstreams>) -> Self {
        OcspClient { health, ..self }
    }

    /// The responders' health.
    pub fn health(&self) -> &Arc<Upstreams> {
        &self.health
    }

    /// A client over HTTP with the default timeout.
    pub fn http() -> Self {
        Self::new(Arc::new(HttpTransport::default()))
    }

    /// The same client with another nonce source.
    pub fn with_nonces(self, nonces: Arc<dyn NonceSource>) -> Self {
        OcspClient { nonces, ..self }
    }

    /// The same client with a cache of another size (0 turns caching off).
    pub fn with_cache_capacity(self, capacity: usize) -> Self {
        OcspClient {
            cache: OcspCache::new(capacity),
            ..self
        }
    }

    /// The cache.
    pub fn cache(&self) -> &OcspCache {
        &self.cache
    }

    /// The cache's key for `cert` issued by `issuer`: both fingerprints,
    /// already known, so a cached answer costs no hashing.
    pub fn cache_key(cert: &Certificate, issuer: &Certificate) -> Vec<u8> {
        [cert.fingerprint, issuer.fingerprint].concat()
    }

    /// A believed answer for `cert` (issued by `issuer`) usable at `at` from
    /// the cache, else from the responder at `url` or the certificate's
    /// first OCSP URL. The time checks are left to the caller
    /// (`Answer::check_time`), so that a stale answer can be reported as such.
    pub fn answer(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        url: Option<&str>,
        at: i64,
    ) -> Result<Answer, OcspError> {
        let key = Self::cache_key(cert, issuer);
        if let Some(a) = self.cache.get(&key, at) {
            return Ok(a);
        }
        // The CertID (SHA-1 of the issuer's name and key) only for the request.
        let id = message::cert_id(cert, issuer)?;
        let url = url
            .or(cert.ocsp_urls.first().map(String::as_str))
            .ok_or(OcspError::NoResponder)?;
        let transport = |why: String| OcspError::Transport {
            url: url.to_string(),
            why,
        };
        self.health
            .allow("ocsp", url)
            .map_err(|open| transport(open.to_string()))?;
        let start = std::time::Instant::now();
        let deadline = start + self.budget;
        let mut last = transport("no attempt fitted in the time budget".into());
        for attempt in 0..=self.retries {
            let now = std::time::Instant::now();
            let Some(left) = deadline
                .checked_duration_since(now)
                .filter(|d| !d.is_zero())
            else {
                break;
            };
            if attempt > 0 {
                // Backoff, never past the budget.
                let wait = BACKOFF.saturating_mul(1 << (attempt - 1).min(8));
                if wait >= left {
                    break;
                }
                std::thread::sleep(wait);
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let mut nonce = [0u8; NONCE_LEN];
            self.nonces.fill(&mut nonce).map_err(transport)?;
            let body = message::request_der(&id, &nonce)?;
            let t0 = std::time::Instant::now();
            let bytes = match self.transport.post_within(url, &body, left) {
                Ok(b) => b,
                Err(why) => {
                    self.health.failure("ocsp", url, t0.elapsed(), at, &why);
                    last = transport(why);
                    continue;
                }
            };
            match verify_response(&bytes, &id, issuer, &nonce, url) {
                Ok(answer) => {
                    self.health.success("ocsp", url, t0.elapsed(), at);
                    self.cache.put(key, answer.clone(), at);
                    return Ok(answer);
                }
                // The responder is up but cannot answer now: ask again.
                Err(e @ OcspError::ResponderStatus("tryLater" | "internalError")) => {
                    self.health
                        .failure("ocsp", url, t0.elapsed(), at, &e.to_string());
                    last = e;
                }
                // Not the answer to this request (a cache in between, a
                // mix-up, a replay): ask once more with a fresh nonce.
                Err(e @ OcspError::NonceMismatch) => {
                    self.health.success("ocsp", url, t0.elapsed(), at);
                    last = e;
                }
                Err(e) => {
                    self.health.success("ocsp", url, t0.elapsed(), at);
                    return Err(e);
                }
            }
        }
        Err(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::ocsp::tests::answer;

    #[test]
    fn cache_is_bounded_and_keeps_only_answers_with_next_update() {
        let c = OcspCache::new(2);
        c.put(b"none".to_vec(), answer(100, None), 100);
        assert!(c.is_empty());
        c.put(b"a".to_vec(), answer(100, Some(200)), 100);
        c.put(b"b".to_vec(), answer(100, Some(300)), 100);
        c.put(b"c".to_vec(), answer(100, Some(400)), 100);
        assert_eq!(c.len(), 2);
        assert!(c.get(b"a", 150).is_none(), "the first to expire went");
        assert!(c.get(b"b", 150).is_some_and(|a| a.cached));
        assert!(c.get(b"b", 301).is_none(), "past nextUpdate");
        // Expired answers make room first.
        c.put(b"d".to_vec(), answer(100, Some(500)), 350);
        assert!(c.get(b"c", 350).is_some() && c.get(b"d", 350).is_some());
    }
}
