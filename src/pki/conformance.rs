//! The RFC 5280 certificate profile every certificate of a path must meet,
//! read as strict validators read it (rustls-webpki, pyca/cryptography, the
//! x509-limbo test cases).
//!
//! Owns one table of rules (`RULES`), each a test on one certificate and its
//! place in the path, with the RFC section it comes from. Refuses nothing
//! itself: `path::chain_problems` reports each breach as a `CHAIN_INVALID`
//! problem. Scoped so that every real NCA RK certificate passes
//! (`tests/path_strictness.rs` walks all of them):
//! - a trust anchor is not asked for an authorityKeyIdentifier (RFC 5280 6.1
//!   takes the anchor as given; the NCA's roots carry one anyway);
//! - a version 1 trust anchor is accepted, as rustls-webpki accepts one
//!   (`anchor_from_trusted_cert`): it has no extensions, so the rules on
//!   extensions do not apply to it; version 1 or 2 anywhere else is refused;
//! - self-issued certificates (roots, key rollover) may omit the
//!   authorityKeyIdentifier (RFC 5280 4.2.1.1's one exception).

use super::cert::Certificate;

/// Where a certificate stands in the path being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The first certificate (the one being validated).
    pub leaf: bool,
    /// The last certificate (a trust anchor). A lone certificate that is its
    /// own anchor is both.
    pub anchor: bool,
}

/// One rule of the profile.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable identifier, reported with each breach.
    pub id: &'static str,
    /// The section of RFC 5280 that says it.
    pub rfc: &'static str,
    /// Why `cert` at `place` breaks the rule, if it does.
    pub breach: fn(&Certificate, Place) -> Option<String>,
}

const AKI: &str = "2.5.29.35";
const SKI: &str = "2.5.29.14";
const SAN: &str = "2.5.29.17";
const BC: &str = "2.5.29.19";
const AIA: &str = "1.3.6.1.5.5.7.1.1";

fn v1_anchor(c: &Certificate, p: Place) -> bool {
    p.anchor && c.version == 1
}

fn say(yes: bool, why: &str) -> Option<String> {
    yes.then(|| why.to_string())
}

/// The rules, in the order their breaches are reported.
pub const RULES: [Rule; 12] = [
    Rule {
        id: "version",
        rfc: "RFC 5280 4.1.2.1",
        breach: |c, p| {
            (c.version != 3 && !v1_anchor(c, p)).then(|| {
                format!(
                    "version {} certificate: only version 3 is accepted (a version 1 trust anchor excepted)",
                    c.version
                )
            })
        },
    },
    Rule {
        id: "aki-missing",
        rfc: "RFC 5280 4.2.1.1",
        breach: |c, p| {
            say(
                !p.anchor && !c.is_self_issued() && !c.aki_present,
                "authorityKeyIdentifier is missing (required on every certificate that is not self-issued)",
            )
        },
    },
    Rule {
        id: "aki-no-key-identifier",
        rfc: "RFC 5280 4.2.1.1",
        breach: |c, p| {
            say(
                !p.anchor && !c.is_self_issued() && c.aki_present && c.aki.is_none(),
                "authorityKeyIdentifier has no keyIdentifier",
            )
        },
    },
    Rule {
        id: "aki-critical",
        rfc: "RFC 5280 4.2.1.1",
        breach: |c, _| {
            say(
                c.is_critical(AKI),
                "authorityKeyIdentifier is marked critical",
            )
        },
    },
    Rule {
        id: "ski-missing",
        rfc: "RFC 5280 4.2.1.2",
        breach: |c, _| {
            say(
                c.is_ca() && c.ski.is_none(),
                "a CA certificate without subjectKeyIdentifier",
            )
        },
    },
    Rule {
        id: "ski-critical",
        rfc: "RFC 5280 4.2.1.2",
        breach: |c, _| {
            say(
                c.is_critical(SKI),
                "subjectKeyIdentifier is marked critical",
            )
        },
    },
    Rule {
        id: "subject-empty",
        rfc: "RFC 5280 4.1.2.6",
        breach: |c, p| {
            if !c.subject_is_empty() {
                None
            } else if c.is_ca() || !p.leaf {
                say(true, "a CA certificate with an empty subject")
            } else {
                say(
                    !c.is_critical(SAN),
                    "an empty subject without a critical subjectAltName",
                )
            }
        },
    },
    Rule {
        id: "basic-constraints-not-critical",
        rfc: "RFC 5280 4.2.1.9",
        breach: |c, _| {
            say(
                c.is_ca() && !c.is_critical(BC),
                "basicConstraints of a CA certificate is not marked critical",
            )
        },
    },
    Rule {
        id: "key-cert-sign-not-ca",
        rfc: "RFC 5280 4.2.1.3",
        breach: |c, _| {
            say(
                !c.is_ca() && c.key_usage.is_some_and(|k| k.key_cert_sign()),
                "keyUsage keyCertSign on a certificate that is not a CA",
            )
        },
    },
    Rule {
        id: "eku-empty",
        rfc: "RFC 5280 4.2.1.12",
        breach: |c, _| {
            say(
                c.eku.as_ref().is_some_and(|e| e.is_empty()),
                "extendedKeyUsage lists no purpose",
            )
        },
    },
    Rule {
        id: "aia-critical",
        rfc: "RFC 5280 4.2.2.1",
        breach: |c, _| say(c.is_critical(AIA), "authorityInfoAccess is marked critical"),
    },
    Rule {
        id: "name-constraints-not-ca",
        rfc: "RFC 5280 4.2.1.10",
        breach: |c, _| {
            say(
                !c.is_ca() && c.name_constraints.is_some(),
                "nameConstraints on a certificate that is not a CA",
            )
        },
    },
];

/// Every rule `c` breaks at `place`: (rule, why).
pub fn breaches(c: &Certificate, place: Place) -> Vec<(&'static Rule, String)> {
    RULES
        .iter()
        .filter_map(|r| (r.breach)(c, place).map(|why| (r, why)))
        .collect()
}
