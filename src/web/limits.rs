//! Per-client limits of the public pages: how many uploads to `/check` and
//! how many access-code tries one client address may make per minute, and
//! how many checks run at once. Kept in memory per instance (a client
//! spread over instances gets each instance's allowance); the per-document
//! limit on access codes is in the store, shared by every instance.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most clients tracked; beyond it, windows that ended are forgotten first.
pub const MAX_CLIENTS: usize = 65_536;

/// A fixed-window counter per client address.
pub struct RateLimiter {
    per_window: u32,
    window: Duration,
    clients: Mutex<HashMap<Option<IpAddr>, (Instant, u32)>>,
}

impl RateLimiter {
    /// `per_window` requests per `window` for each client.
    pub fn new(per_window: u32, window: Duration) -> RateLimiter {
        RateLimiter {
            per_window,
            window,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request of `client` at `now`; false when over its allowance.
    /// Requests without a known address share one allowance.
    pub fn allow(&self, client: Option<IpAddr>, now: Instant) -> bool {
        let Ok(mut clients) = self.clients.lock() else {
            return false;
        };
        if clients.len() >= MAX_CLIENTS && !clients.contains_key(&client) {
            let window = self.window;
            clients.retain(|_, (start, _)| now.saturating_duration_since(*start) < window);
            if clients.len() >= MAX_CLIENTS {
                return false;
            }
        }
        let entry = clients.entry(client).or_insert((now, 0));
        if now.saturating_duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.per_window {
            return false;
        }
        entry.1 += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_allowance_per_window() {
        let l = RateLimiter::new(2, Duration::from_secs(60));
        let t = Instant::now();
        let a: Option<IpAddr> = "127.0.0.1".parse().ok();
        let b: Option<IpAddr> = "127.0.0.2".parse().ok();
        assert!(l.allow(a, t) && l.allow(a, t));
        assert!(!l.allow(a, t), "third in the window");
        assert!(l.allow(b, t), "another client is not affected");
        assert!(l.allow(a, t + Duration::from_secs(61)), "a new window");
    }
}
