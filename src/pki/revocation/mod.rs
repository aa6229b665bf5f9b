//! Step 6: is any certificate of a path revoked? Decided from CRLs (base and
//! delta merged), from OCSP, or from both, as the policy's `RevocationMode`
//! says, failing closed.
//!
//! Owns choosing the CRLs that cover a certificate (issuer name and key,
//! issuingDistributionPoint scope), checking their signature (once) and
//! freshness, merging a delta into its base, and combining the CRL answer
//! with the OCSP one (`ocsp` asks and believes). OCSP responses stored with
//! the data (a PDF's DSS) answer before any responder is asked. Missing,
//! unusable or stale revocation data is never "not revoked".

mod answer;
mod policy;

use super::cert::{Certificate, hex};
use super::crl::{CrlError, REASON_HOLD, REASON_NONE, REASON_REMOVE, RevocationList};
use super::ocsp::OcspClient;
use super::path::{Path, position};
use crate::verdict::{Check, Code};
pub use answer::StoredOcsp;
use answer::{Status, both, from_crl, ocsp_status, rank};
pub use policy::{First, PRESETS, RevocationPolicy, RevocationRules};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::sync::Arc;

/// Which sources decide step 6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RevocationMode {
    /// CRLs alone.
    #[default]
    Crl,
    /// OCSP alone.
    Ocsp,
    /// Both must say good: either revoked is revoked, either failing fails.
    Both,
    /// CRLs first, then OCSP: the first definitive answer (good or revoked)
    /// decides; fails only when neither gives one.
    Any,
}

impl RevocationMode {
    /// The lower-case name (`crl`, `ocsp`, `both`, `any`).
    pub fn as_str(self) -> &'static str {
        match self {
            RevocationMode::Crl => "crl",
            RevocationMode::Ocsp => "ocsp",
            RevocationMode::Both => "both",
            RevocationMode::Any => "any",
        }
    }

    /// Parses the lower-case name.
    pub fn parse(s: &str) -> Option<RevocationMode> {
        [Self::Crl, Self::Ocsp, Self::Both, Self::Any]
            .into_iter()
            .find(|m| m.as_str() == s)
    }

    /// The sources consulted, in the order they are asked.
    pub fn sources(self) -> &'static [&'static str] {
        match self {
            RevocationMode::Crl => &["crl"],
            RevocationMode::Ocsp => &["ocsp"],
            RevocationMode::Both | RevocationMode::Any => &["crl", "ocsp"],
        }
    }
}

/// Where OCSP answers come from in one validation.
#[derive(Debug, Clone, Copy)]
pub struct OcspSource<'a> {
    /// The client (network and cache); `None` makes OCSP unavailable.
    pub client: Option<&'a OcspClient>,
    /// A responder URL used instead of the certificates' own.
    pub url: Option<&'a str>,
}

/// The CRLs at hand, the ones that could not be read, and OCSP responses
/// that came with the data (a PDF's DSS).
#[derive(Debug, Default, Clone)]
pub struct RevocationStore {
    /// Parsed CRLs.
    pub crls: Vec<Arc<RevocationList>>,
    /// CRL inputs that could not be used.
    pub rejected: Vec<RejectedCrl>,
    /// Stored OCSP responses (DER), consulted before any OCSP client.
    pub ocsps: Vec<StoredOcsp>,
}

/// A CRL input that could not be used, with the issuer it names when that
/// much could be read: it is reported only on the chains it concerns.
#[derive(Debug, Clone)]
pub struct RejectedCrl {
    /// Where it came from (file name, URL, `envelope CRL #1`).
    pub source: String,
    /// Why it was refused.
    pub error: CrlError,
    /// The issuer name folded for comparison (`cert::name_key`), when readable.
    pub issuer_key: Option<Vec<u8>>,
    /// The issuer name, RFC 4514 style, when readable.
    pub issuer_dn: Option<String>,
}

impl RejectedCrl {
    /// Remembers `bytes` refused with `error`.
    pub fn new(source: &str, error: CrlError, bytes: &[u8]) -> RejectedCrl {
        let issuer = super::crl::issuer_of(bytes);
        RejectedCrl {
            source: source.to_string(),
            error,
            issuer_dn: issuer.as_deref().map(super::cert::dn_text),
            issuer_key: issuer.as_deref().map(super::cert::name_key),
        }
    }

    /// The report entry.
    pub fn describe(&self) -> Value {
        json!({ "source": self.source, "error": self.error.to_string(), "issuer": self.issuer_dn })
    }

    /// Whether this CRL would speak about certificates `cert`'s issuer issued:
    /// its issuer is that name, or its issuer could not be read.
    fn may_concern(&self, cert: &Certificate) -> bool {
        self.issuer_key
            .as_deref()
            .is_none_or(|k| k == cert.issuer_key())
    }
}

/// A definitive answer from the second source, noting why the first could
/// not decide (the verdict says which source decided, and why).
fn with_fallback(second: Status, first: &Status) -> Status {
    if !second.definitive() {
        return second;
    }
    let from = match first {
        Status::Failed(c, fd) => json!({ "code": c, "detail": fd }),
        _ => Value::Null,
    };
    second.noted("fallback_from", from)
}

fn reason_name(r: u8) -> &'static str {
    match r {
        0 => "unspecified",
        1 => "keyCompromise",
        2 => "cACompromise",
        3 => "affiliationChanged",
        4 => "superseded",
        5 => "cessationOfOperation",
        6 => "certificateHold",
        8 => "removeFromCRL",
        9 => "privilegeWithdrawn",
        10 => "aACompromise",
        _ => "none",
    }
}

fn cmp_number(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl RevocationStore {
    /// Adds CRL bytes (DER or PEM); a CRL that does not parse is remembered as rejected.
    pub fn add_bytes(&mut self, bytes: &[u8], source: &str) {
        self.add_bytes_checked(bytes, source, &[]);
    }

    /// Adds an OCSP response (DER) that came with the data; it is believed
    /// only when it passes `ocsp::verify::verify_stored` for a certificate.
    pub fn add_ocsp(&mut self, der: &[u8], source: &str) {
        self.ocsps.push(StoredOcsp {
            source: source.to_string(),
            der: Arc::from(der),
        });
    }

    /// Adds CRL bytes, verifying the signature at once against `issuers` where one fits.
    pub fn add_bytes_checked(&mut self, bytes: &[u8], source: &str, issuers: &[Arc<Certificate>]) {
        match super::crl::from_bytes(bytes, source, issuers) {
            Ok(c) => self.crls.push(Arc::new(c)),
            Err(e) => self.rejected.push(RejectedCrl::new(source, e, bytes)),
        }
    }

    /// Whether `crl` is in scope for `cert` (issuer, key identifier, IDP).
    fn in_scope(crl: &RevocationList, cert: &Certificate, issuer: &Certificate) -> bool {
        if crl.issuer_raw != cert.issuer_raw && crl.issuer_key != cert.issuer_key() {
            return false;
        }
        if let (Some(a), Some(s)) = (&crl.aki, &issuer.ski)
            && a != s
        {
            return false;
        }
        let s = &crl.scope;
        if s.only_some_reasons || s.only_attribute || s.indirect {
            return false;
        }
        if s.only_user && cert.is_ca() || s.only_ca && !cert.is_ca() {
            return false;
        }
        if s.has_dp
            && !s
                .dp_uris
                .iter()
                .any(|u| cert.crl_urls.contains(u) || cert.delta_crl_urls.contains(u))
        {
            return false;
        }
        true
    }

    fn status(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: i64,
        rules: RevocationRules,
    ) -> Status {
        let mut usable: Vec<&Arc<RevocationList>> = Vec::new();
        for crl in self.crls.iter().filter(|c| Self::in_scope(c, cert, issuer)) {
            if let Some(ku) = issuer.key_usage
                && !ku.crl_sign()
            {
                return Status::Failed(
                    Code::CrlInvalid,
                    json!({ "crl": crl.describe(), "problem": "issuer keyUsage lacks cRLSign" }),
                );
            }
            if let Err(why) = crl.verify_signature(issuer) {
                return Status::Failed(
                    Code::CrlInvalid,
                    json!({ "crl": crl.describe(), "problem": format!("signature: {why}") }),
                );
            }
            usable.push(crl);
        }
        let base = usable.iter().filter(|c| !c.is_delta()).max_by(|a, b| {
            a.this_update.cmp(&b.this_update).then_with(|| {
                cmp_number(
                    a.number.as_deref().unwrap_or(&[]),
                    b.number.as_deref().unwrap_or(&[]),
                )
            })
        });
        let Some(base) = base else {
            return Status::Failed(
                Code::RevocationUnavailable,
                json!({ "problem": "no CRL covers this certificate", "crl_urls": cert.crl_urls, "delta_crl_urls": cert.delta_crl_urls }),
            );
        };
        let delta = base.number.as_ref().and_then(|bn| {
            usable
                .iter()
                .filter(|d| {
                    d.base_number
                        .as_ref()
                        .is_some_and(|b| cmp_number(b, bn).is_le())
                        && d.number.as_ref().is_some_and(|n| cmp_number(n, bn).is_gt())
                        && d.scope == base.scope
                })
                .max_by(|a, b| a.this_update.cmp(&b.this_update))
        });
        let mut used = vec![base.describe()];
        if let Some(d) = delta {
            used.push(d.describe());
        }
        let mut entry = base.lookup(&cert.serial);
        let mut from = &base.source;
        if let Some(d) = delta
            && let Some(e) = d.lookup(&cert.serial)
        {
            entry = if e.reason == REASON_REMOVE {
                None
            } else {
                Some(e)
            };
            from = &d.source;
        }
        let next_update = delta.and_then(|d| d.next_update).or(base.next_update);
        if let Some(e) = entry
            && e.revoked_at <= at
        {
            return Status::Revoked {
                at: e.revoked_at,
                reason: e.reason,
                detail: crate::verdict::obj! { "crls": used, "listed_in": from.clone(), "source": "crl" },
            };
        }
        // A complete CRL lists unexpired certificates only (RFC 5280 3.3): one
        // issued after this certificate expired may have dropped it, so its
        // silence proves nothing, unless its ExpiredCertsOnCRL keeps it.
        let keeps_expired = base
            .expired_certs_on_crl
            .is_some_and(|since| since <= cert.not_after);
        if entry.is_none() && base.this_update > cert.not_after && !keeps_expired {
            return Status::Failed(
                Code::RevocationUnavailable,
                crate::verdict::obj! {
                    "crls": used,
                    "problem": "the CRL was issued after the certificate expired: a CA drops expired certificates from its CRLs, so it cannot say this one was not revoked",
                    "not_after": crate::time::rfc3339(cert.not_after),
                },
            );
        }
        let mut stale_note = None;
        match next_update {
            Some(n) if n >= at => {}
            Some(n) => {
                let past = at - n;
                match rules.crl_grace {
                    Some(g) if past > g => {
                        return Status::Failed(
                            Code::RevocationUnavailable,
                            crate::verdict::obj! { "crls": used, "problem": "the last CRL's nextUpdate passed longer ago than the policy's grace", "next_update": crate::time::rfc3339(n), "past_next_update_seconds": past, "crl_grace_seconds": g },
                        );
                    }
                    Some(g) if rules.accept_stale => {
                        stale_note = Some(
                            json!({ "past_next_update_seconds": past, "crl_grace_seconds": g, "next_update": crate::time::rfc3339(n), "accepted_by_policy": true }),
                        );
                    }
                    _ => {
                        return Status::Failed(
                            Code::RevocationStale,
                            crate::verdict::obj! { "crls": used, "problem": "nextUpdate is before the validation time", "next_update": crate::time::rfc3339(n), "past_next_update_seconds": past },
                        );
                    }
                }
            }
            None => {
                return Status::Failed(
                    Code::RevocationStale,
                    crate::verdict::obj! { "crls": used, "problem": "CRL has no nextUpdate" },
                );
            }
        }
        let age = at - delta.map_or(base.this_update, |d| d.this_update.max(base.this_update));
        let detail = crate::verdict::obj! { "crls": used, "source": "crl", "age_seconds": age };
        let mut d = detail;
        if let Some(s) = stale_note {
            d["stale"] = s;
        }
        if let Some(e) = entry {
            d["note"] = json!(format!(
                "revoked later, at {}",
                crate::time::rfc3339(e.revoked_at)
            ));
        }
        Status::Good(d)
    }

    /// What the sources of `mode` say about `cert`.
    fn decide(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: i64,
        policy: RevocationPolicy,
        ocsp: OcspSource<'_>,
    ) -> Status {
        let rules = policy.rules;
        let crl_status = || from_crl(self.status(cert, issuer, at, rules));
        let ocsp_answer = || ocsp_status(cert, issuer, at, ocsp, &self.ocsps);
        match policy.mode {
            RevocationMode::Crl => self.status(cert, issuer, at, rules),
            RevocationMode::Ocsp => ocsp_answer(),
            RevocationMode::Both => both(crl_status(), ocsp_answer()),
            RevocationMode::Any => {
                // The first source that gives a definitive answer decides;
                // the other is asked only when the first cannot say.
                let (first, second): (&dyn Fn() -> Status, &dyn Fn() -> Status) = match rules.first
                {
                    First::Crl => (&crl_status, &ocsp_answer),
                    First::Ocsp => (&ocsp_answer, &crl_status),
                };
                let a = first();
                if a.definitive() {
                    return a;
                }
                let b = second();
                if b.definitive() {
                    return with_fallback(b, &a);
                }
                // Neither could decide: the worse failure stands, as in `both`.
                match rules.first {
                    First::Crl => both(a, b),
                    First::Ocsp => both(b, a),
                }
            }
        }
    }

    /// Runs step 6 from CRLs alone on every certificate of `path` but the trust anchor.
    pub fn check(&self, path: &Path, at: i64) -> Check {
        self.check_with(
            path,
            at,
            RevocationPolicy::default(),
            OcspSource {
                client: None,
                url: None,
            },
        )
    }

    /// Runs step 6 under `policy` (its sources, order and staleness rules)
    /// on every certificate of `path` but the trust anchor.
    pub fn check_with(
        &self,
        path: &Path,
        at: i64,
        policy: RevocationPolicy,
        ocsp: OcspSource<'_>,
    ) -> Check {
        let mode = policy.mode;
        let n = path.len();
        let mut results = Vec::new();
        let mut codes: Vec<(Code, Value)> = Vec::new();
        // Unreadable CRLs matter only where CRLs are consulted, and only on
        // the chains they concern: a CRL of this path's issuers, or one whose
        // issuer could not be read at all.
        if mode != RevocationMode::Ocsp && !self.rejected.is_empty() {
            let named: Vec<Value> = self
                .rejected
                .iter()
                .filter(|r| {
                    r.issuer_key.is_some()
                        && path[..n.saturating_sub(1)].iter().any(|c| r.may_concern(c))
                })
                .map(|r| r.describe())
                .collect();
            if !named.is_empty() {
                codes.push((
                    Code::CrlInvalid,
                    json!({ "problem": "a CRL of this path's issuers could not be read", "rejected": named }),
                ));
            }
        }
        for i in 0..n.saturating_sub(1) {
            let (cert, issuer) = (&path[i], &path[i + 1]);
            let status = self.decide(cert, issuer, at, policy, ocsp);
            let mut item =
                crate::verdict::obj! { "certificate": cert.label(), "position": position(i, n) };
            match status {
                Status::Good(d) => {
                    item["status"] = json!("good");
                    item["detail"] = d;
                }
                Status::Revoked {
                    at: when,
                    reason,
                    detail,
                } => {
                    item["status"] = json!("revoked");
                    item["revoked_at"] = json!(crate::time::rfc3339(when));
                    item["reason"] = json!(if reason == REASON_NONE {
                        None
                    } else {
                        Some(reason_name(reason))
                    });
                    item["detail"] = detail;
                    let mut d = item.clone();
                    if reason == REASON_HOLD {
                        d["sub_indication_override"] = json!("REVOKED_ON_HOLD");
                        d["indication_override"] = json!("INDETERMINATE");
                    } else if i > 0 {
                        d["sub_indication_override"] = json!("REVOKED_CA_NO_POE");
                        d["indication_override"] = json!("INDETERMINATE");
                    }
                    codes.push((Code::CertRevoked, d));
                }
                Status::Failed(code, d) => {
                    item["status"] = json!("unknown");
                    item["code"] = json!(code);
                    item["detail"] = d;
                    codes.push((code, item.clone()));
                }
            }
            results.push(item);
        }
        // A CRL whose issuer could not even be read may have been the one a
        // certificate lacked: it decides only where revocation is unknown.
        let unknown: Vec<Value> = self
            .rejected
            .iter()
            .filter(|r| r.issuer_key.is_none())
            .map(|r| r.describe())
            .collect();
        let undecided = codes.iter().any(|(c, _)| *c != Code::CertRevoked);
        let unknown_decides = mode != RevocationMode::Ocsp && !unknown.is_empty() && undecided;
        if unknown_decides {
            codes.push((
                Code::CrlInvalid,
                json!({ "problem": "a supplied CRL could not be read (its issuer is unknown)", "rejected": unknown.clone() }),
            ));
        }
        let mut base = crate::verdict::obj! { "validation_time": crate::time::rfc3339(at), "certificates": results };
        if !unknown.is_empty() && !unknown_decides {
            // Reported, not held against a path every certificate of which was decided.
            base["unusable_crls"] = json!(unknown);
        }
        if mode != RevocationMode::Crl {
            base["mode"] = json!(mode.as_str());
            base["sources"] = json!(mode.sources());
        }
        match codes.iter().min_by_key(|(c, _)| rank(*c)) {
            None => Check::passed("revocation", base),
            Some((code, d)) => {
                let mut detail = base;
                detail["decided_by"] = d.clone();
                for k in ["sub_indication_override", "indication_override"] {
                    if let Some(v) = d.get(k) {
                        detail[k] = v.clone();
                    }
                }
                Check::failed("revocation", *code, detail)
            }
        }
    }

    /// Every CRL's summary, for readiness and reports.
    pub fn describe(&self) -> Vec<Value> {
        self.crls.iter().map(|c| c.describe()).collect()
    }

    /// Serial numbers as hex, for messages.
    pub fn serial_hex(c: &Certificate) -> String {
        hex(&c.serial)
    }
}
