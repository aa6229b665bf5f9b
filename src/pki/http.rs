//! The blocking HTTP client that fetches CRLs, OCSP answers and time-stamps:
//! one agent shape (an overall timeout, bounded redirects, every status
//! returned rather than raised) and one bounded read of a reply's body.
//! Which statuses count, and how a refusal reads, stay with each caller.

use std::time::Duration;

/// An agent whose every exchange ends within `timeout` and follows at most
/// `redirects` redirects.
pub fn agent(timeout: Duration, redirects: u32) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(redirects)
        .build();
    ureq::Agent::new_with_config(config)
}

/// The body of `resp`, refused past `limit` bytes.
pub fn body(resp: &mut ureq::http::Response<ureq::Body>, limit: u64) -> Result<Vec<u8>, String> {
    resp.body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|e| e.to_string())
}
