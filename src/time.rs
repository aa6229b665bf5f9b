//! Time as Unix seconds, and its RFC 3339 spelling.
//!
//! Validation never reads the clock: the CLI and the API read it once and pass
//! the instant down. Owns formatting and parsing only.

/// Formats Unix seconds as RFC 3339 UTC, e.g. `2026-06-01T00:00:00Z`.
pub fn rfc3339(t: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(t) {
        Ok(d) => d
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| t.to_string()),
        Err(_) => t.to_string(),
    }
}

/// Parses RFC 3339 (any offset) into Unix seconds.
pub fn parse_rfc3339(s: &str) -> Result<i64, String> {
    time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .map(|d| d.unix_timestamp())
        .map_err(|e| format!("not an RFC 3339 time: {e}"))
}

/// The current time, for the outermost callers only.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
