//! A revocation policy: which sources decide step 6, which is asked first,
//! and how stale a CRL may be before it stops counting — so that the
//! national CA's outages (OCSP answering `tryLater`, CRLs not renewed on
//! time) are handled by a rule the operator chose, reported in the verdict,
//! never silently.
//!
//! Owns the rules and their text form (`--revocation-policy`, config
//! `revocation_policy` / `test_revocation_policy`): a preset name and/or
//! `key=value` items, comma-separated, e.g. `fallback,crl-grace=3d`.
//! Refuses unknown keys, values and durations with a message naming them.

use super::RevocationMode;
use serde::Serialize;
use serde_json::{Value, json};

/// Which source `any` asks first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum First {
    /// CRLs, then OCSP (offline first; the default).
    #[default]
    Crl,
    /// OCSP, then CRLs (the freshest answer first).
    Ocsp,
}

/// How stale revocation data is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct RevocationRules {
    /// In `any` mode, the source asked first.
    pub first: First,
    /// How long (seconds) past its nextUpdate the last verified CRL may
    /// still be read; `None`: any staleness is read (and reported).
    pub crl_grace: Option<i64>,
    /// Whether a CRL read inside its grace decides "good" (with a note)
    /// instead of `REVOCATION_STALE`.
    pub accept_stale: bool,
}

/// A whole revocation policy: the sources and the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct RevocationPolicy {
    /// Which sources decide.
    pub mode: RevocationMode,
    /// How they are asked and how stale they may be.
    pub rules: RevocationRules,
}

/// The presets, by name, with what each means.
pub const PRESETS: [(&str, &str); 3] = [
    (
        "strict",
        "CRLs alone; a CRL past its nextUpdate is REVOCATION_STALE (the default)",
    ),
    (
        "fallback",
        "OCSP first, then a fresh CRL (and the other way): one source failing is not a failure while the other answers",
    ),
    (
        "outage",
        "as fallback, and the last verified CRL still counts for 72 hours past its nextUpdate, noted in the verdict",
    ),
];

const HOUR: i64 = 3600;

impl RevocationPolicy {
    /// The preset `name`.
    pub fn preset(name: &str) -> Option<RevocationPolicy> {
        let fallback = RevocationPolicy {
            mode: RevocationMode::Any,
            rules: RevocationRules {
                first: First::Ocsp,
                crl_grace: None,
                accept_stale: false,
            },
        };
        Some(match name {
            "strict" => RevocationPolicy::default(),
            "fallback" => fallback,
            "outage" => RevocationPolicy {
                rules: RevocationRules {
                    crl_grace: Some(72 * HOUR),
                    accept_stale: true,
                    ..fallback.rules
                },
                ..fallback
            },
            _ => return None,
        })
    }

    /// Parses `strict`, `fallback,crl-grace=3d`, `sources=both`,
    /// `sources=any,first=ocsp,crl-grace=12h,accept-stale` …: a preset first
    /// (optional), then items that change it.
    pub fn parse(spec: &str) -> Result<RevocationPolicy, String> {
        let mut p = RevocationPolicy::default();
        for (i, item) in spec.split(',').map(str::trim).enumerate() {
            if item.is_empty() {
                return Err(format!("empty item in revocation policy {spec:?}"));
            }
            let (key, value) = match item.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim())),
                None => (item, None),
            };
            match (key, value) {
                (name, None) if i == 0 && Self::preset(name).is_some() => {
                    p = Self::preset(name).unwrap_or_default();
                }
                ("sources", Some(v)) => {
                    p.mode = RevocationMode::parse(v)
                        .ok_or_else(|| format!("sources={v}: one of crl, ocsp, both, any"))?;
                }
                ("first", Some("crl")) => p.rules.first = First::Crl,
                ("first", Some("ocsp")) => p.rules.first = First::Ocsp,
                ("first", Some(v)) => return Err(format!("first={v}: crl or ocsp")),
                ("crl-grace", Some("none")) => p.rules.crl_grace = None,
                ("crl-grace", Some(v)) => p.rules.crl_grace = Some(duration(v)?),
                ("accept-stale", None | Some("yes" | "true")) => p.rules.accept_stale = true,
                ("accept-stale", Some("no" | "false")) => p.rules.accept_stale = false,
                (k, _) => {
                    let presets: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
                    return Err(format!(
                        "{k:?} in revocation policy {spec:?}: a preset ({}) first, then sources=, first=, crl-grace=, accept-stale",
                        presets.join(", ")
                    ));
                }
            }
        }
        if p.rules.accept_stale && p.rules.crl_grace.is_none() {
            return Err(
                "accept-stale needs a crl-grace: a CRL cannot count forever past its nextUpdate"
                    .into(),
            );
        }
        Ok(p)
    }

    /// The policy as the verdict reports it.
    pub fn describe(&self) -> Value {
        json!({
            "sources": self.mode.as_str(),
            "first": self.rules.first,
            "crl_grace_seconds": self.rules.crl_grace,
            "accept_stale": self.rules.accept_stale,
        })
    }
}

/// `90s`, `15m`, `12h`, `3d` or plain seconds.
fn duration(v: &str) -> Result<i64, String> {
    let bad = || format!("{v:?} is not a duration (e.g. 90s, 15m, 12h, 3d)");
    let (num, unit) = match v.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&v[..i], c),
        _ => (v, 's'),
    };
    let n: i64 = num.parse().map_err(|_| bad())?;
    let scale = match unit {
        's' => 1,
        'm' => 60,
        'h' => HOUR,
        'd' => 24 * HOUR,
        _ => return Err(bad()),
    };
    if !(0..=3650 * 24 * HOUR).contains(&(n.saturating_mul(scale))) {
        return Err(bad());
    }
    Ok(n * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_and_items() {
        assert_eq!(
            RevocationPolicy::parse("strict"),
            Ok(RevocationPolicy::default())
        );
        let f = RevocationPolicy::parse("fallback").unwrap();
        assert_eq!(f.mode, RevocationMode::Any);
        assert_eq!(f.rules.first, First::Ocsp);
        let o = RevocationPolicy::parse("outage,crl-grace=1d").unwrap();
        assert_eq!(o.rules.crl_grace, Some(86_400));
        assert!(o.rules.accept_stale);
        let c = RevocationPolicy::parse("sources=both,crl-grace=90m").unwrap();
        assert_eq!(c.mode, RevocationMode::Both);
        assert_eq!(c.rules.crl_grace, Some(5400));
        assert!(!c.rules.accept_stale);
    }

    #[test]
    fn refusals_name_what_is_wrong() {
        for (spec, part) in [
            ("lenient", "\"lenient\""),
            ("sources=all", "sources=all"),
            ("first=tsa", "first=tsa"),
            ("crl-grace=3w", "not a duration"),
            ("crl-grace=-1h", "not a duration"),
            ("accept-stale", "needs a crl-grace"),
            ("strict,,", "empty item"),
            ("sources=crl,fallback", "\"fallback\""),
        ] {
            let e = RevocationPolicy::parse(spec).unwrap_err();
            assert!(e.contains(part), "{spec}: {e}");
        }
    }
}
