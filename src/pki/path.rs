//! Certification path building and the checks on a path (steps 4 and 5).
//!
//! Owns finding every path from a certificate to a trust anchor through the
//! certificates at hand (names, key identifiers, signatures), and checking a
//! path's CA constraints and validity windows. Time is a parameter. Refuses
//! loops, paths deeper than `MAX_DEPTH`, unknown critical extensions, and
//! certificates that break the RFC 5280 profile (`conformance::RULES`).

use super::algorithms::{self, VerifyError};
use super::cert::Certificate;
use super::conformance::{self, Place};
use crate::verdict::{Check, Code};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

/// Longest path considered (leaf and anchor included).
pub const MAX_DEPTH: usize = 8;
/// Most complete paths collected before choosing.
const MAX_PATHS: usize = 8;
/// Most signature checks spent on one build (defeats certificate mazes).
const MAX_SIG_CHECKS: usize = 64;

/// A path, leaf first, trust anchor last.
pub type Path = Vec<Arc<Certificate>>;

/// Why an edge child → issuer was not taken.
#[derive(Debug, Clone)]
pub struct EdgeFailure {
    /// The child.
    pub child: serde_json::Value,
    /// The would-be issuer.
    pub issuer: serde_json::Value,
    /// Whether it failed for an unsupported algorithm (else a bad signature).
    pub unsupported: bool,
    /// The reason.
    pub reason: String,
}

/// Everything path building found.
#[derive(Debug, Default)]
pub struct Built {
    /// Complete paths, in preference order.
    pub paths: Vec<Path>,
    /// Edges that matched by name but failed.
    pub failures: Vec<EdgeFailure>,
    /// Issuer name of the last certificate with no issuer at hand.
    pub missing_issuer: Option<String>,
}

/// A set of verified edges shared across validations (child, issuer fingerprints).
pub trait EdgeCache: Send + Sync {
    /// Whether the edge is known to verify.
    fn known(&self, child: &[u8; 32], issuer: &[u8; 32]) -> bool;
    /// Records a verified edge.
    fn record(&self, child: &[u8; 32], issuer: &[u8; 32]);
}

/// No caching.
pub struct NoCache;
impl EdgeCache for NoCache {
    fn known(&self, _: &[u8; 32], _: &[u8; 32]) -> bool {
        false
    }
    fn record(&self, _: &[u8; 32], _: &[u8; 32]) {}
}

/// Whether `c` is the same key and name as an anchor.
fn anchor_of<'a>(c: &Certificate, anchors: &'a [Arc<Certificate>]) -> Option<&'a Arc<Certificate>> {
    anchors
        .iter()
        .find(|a| a.spki == c.spki && a.same_subject(c))
}

/// Verifies `child`'s signature with `issuer`'s key.
pub fn verify_edge(child: &Certificate, issuer: &Certificate) -> Result<(), VerifyError> {
    let scheme = algorithms::scheme_for(&child.sig_alg, None)?;
    let key = issuer
        .key
        .as_ref()
        .map_err(|e| VerifyError::Algorithm(e.clone()))?;
    algorithms::verify(scheme, key, child.tbs(), &child.signature)
}

struct Builder<'a> {
    anchors: &'a [Arc<Certificate>],
    pool: &'a [Arc<Certificate>],
    cache: &'a dyn EdgeCache,
    sig_checks: usize,
    memo: HashMap<([u8; 32], [u8; 32]), bool>,
    out: Built,
}

impl Builder<'_> {
    fn edge_ok(&mut self, child: &Certificate, issuer: &Certificate) -> bool {
        let k = (child.fingerprint, issuer.fingerprint);
        if let Some(ok) = self.memo.get(&k) {
            return *ok;
        }
        if self.cache.known(&k.0, &k.1) {
            return true;
        }
        if self.sig_checks >= MAX_SIG_CHECKS {
            return false;
        }
        self.sig_checks += 1;
        let r = verify_edge(child, issuer);
        let ok = r.is_ok();
        match r {
            Ok(()) => self.cache.record(&k.0, &k.1),
            Err(e) => self.out.failures.push(EdgeFailure {
                child: child.label(),
                issuer: issuer.label(),
                unsupported: matches!(e, VerifyError::Algorithm(_)),
                reason: e.to_string(),
            }),
        }
        self.memo.insert(k, ok);
        ok
    }

    fn extend(&mut self, path: &mut Path) {
        if self.out.paths.len() >= MAX_PATHS || path.len() >= MAX_DEPTH {
            return;
        }
        let Some(current) = path.last().cloned() else {
            return;
        };
        let candidates: Vec<(Arc<Certificate>, bool)> = self
            .anchors
            .iter()
            .map(|a| (a.clone(), true))
            .chain(self.pool.iter().map(|c| (c.clone(), false)))
            .filter(|(c, _)| current.named_issuer_is(c))
            .filter(|(c, _)| match (&current.aki, &c.ski) {
                (Some(a), Some(s)) => a == s,
                _ => true,
            })
            .filter(|(c, _)| {
                !path.iter().any(|p| {
                    p.fingerprint == c.fingerprint || p.spki == c.spki && p.same_subject(c)
                })
            })
            .collect();
        if candidates.is_empty() {
            self.out.missing_issuer = Some(current.issuer.dn.clone());
            return;
        }
        let mut seen_anchor_keys: Vec<Vec<u8>> = Vec::new();
        for (cand, is_anchor) in candidates {
            // The pool may hold a copy of an anchor: treat it as the anchor.
            let anchored = if is_anchor {
                Some(cand.clone())
            } else {
                anchor_of(&cand, self.anchors).cloned()
            };
            if let Some(a) = &anchored {
                if seen_anchor_keys.contains(&a.spki) {
                    continue;
                }
                seen_anchor_keys.push(a.spki.clone());
            }
            let issuer = anchored.clone().unwrap_or(cand);
            if !self.edge_ok(&current, &issuer) {
                continue;
            }
            path.push(issuer);
            if anchored.is_some() {
                self.out.paths.push(path.clone());
            } else {
                self.extend(path);
            }
            path.pop();
            if self.out.paths.len() >= MAX_PATHS {
                return;
            }
        }
    }
}

/// Finds paths from `leaf` to an anchor through `pool`.
pub fn build(
    leaf: &Arc<Certificate>,
    anchors: &[Arc<Certificate>],
    pool: &[Arc<Certificate>],
    cache: &dyn EdgeCache,
) -> Built {
    // A leaf that is itself a trust anchor is its own path.
    if let Some(a) = anchor_of(leaf, anchors)
        && a.fingerprint == leaf.fingerprint
    {
        return Built {
            paths: vec![vec![leaf.clone()]],
            ..Default::default()
        };
    }
    let mut b = Builder {
        anchors,
        pool,
        cache,
        sig_checks: 0,
        memo: HashMap::new(),
        out: Built::default(),
    };
    let mut path = vec![leaf.clone()];
    b.extend(&mut path);
    b.out
}

/// The role of position `i` in a path of length `n`.
pub fn position(i: usize, n: usize) -> &'static str {
    if i == 0 {
        "leaf"
    } else if i + 1 == n {
        "trust_anchor"
    } else {
        "intermediate"
    }
}

/// CA constraints along a path: basicConstraints, keyCertSign, pathLen,
/// name constraints, unknown critical extensions, consistent signature
/// algorithms, and the RFC 5280 profile of every certificate.
pub fn chain_problems(path: &Path) -> Vec<serde_json::Value> {
    let n = path.len();
    let mut problems = Vec::new();
    for (i, c) in path.iter().enumerate() {
        let at = || json!({ "certificate": c.label(), "position": position(i, n) });
        let place = Place {
            leaf: i == 0,
            anchor: i + 1 == n,
        };
        for (rule, why) in conformance::breaches(c, place) {
            problems.push(json!({ "at": at(), "problem": why, "rule": rule.id, "rfc": rule.rfc }));
        }
        if !c.unknown_critical.is_empty() {
            problems.push(json!({ "at": at(), "problem": "unsupported critical extension", "extensions": c.unknown_critical }));
        }
        if !c.sig_alg_consistent {
            problems.push(json!({ "at": at(), "problem": "tbsCertificate.signature differs from signatureAlgorithm" }));
        }
        if i == 0 {
            continue;
        }
        let v1_anchor = i + 1 == n && c.version == 1;
        match c.basic_constraints {
            Some((true, path_len)) => {
                // Non-self-issued intermediates between this CA and the leaf.
                let below = path[1..i].iter().filter(|x| !x.is_self_issued()).count() as u32;
                if let Some(max) = path_len
                    && below > max
                {
                    problems.push(json!({ "at": at(), "problem": "path length constraint exceeded", "path_len": max, "intermediates_below": below }));
                }
            }
            _ if v1_anchor => {}
            Some((false, _)) | None => {
                problems.push(json!({ "at": at(), "problem": "issuer is not a CA (basicConstraints cA is not TRUE)" }));
            }
        }
        if let Some(ku) = c.key_usage
            && !ku.key_cert_sign()
        {
            problems.push(json!({ "at": at(), "problem": "issuer keyUsage lacks keyCertSign" }));
        }
        // Name constraints bind every certificate below, except self-issued
        // intermediates (RFC 5280 6.1.3 b).
        if let Some(nc) = &c.name_constraints {
            for (j, below) in path[..i].iter().enumerate() {
                if j > 0 && below.is_self_issued() {
                    continue;
                }
                if let Some(why) = super::names::violation(&below.constrained_names(), nc) {
                    problems.push(json!({ "at": at(), "problem": format!("name constraints: {why}"), "certificate": below.label(), "position": position(j, n) }));
                }
            }
        }
    }
    problems
}

/// Step 5: every certificate of the path must be within its validity at `at`.
pub fn validity_check(path: &Path, at: i64) -> Check {
    let n = path.len();
    let mut first: Option<Code> = None;
    let mut findings = Vec::new();
    for (i, c) in path.iter().enumerate() {
        let code = if at < c.not_before {
            Some(Code::CertNotYetValid)
        } else if at > c.not_after {
            Some(Code::CertExpired)
        } else {
            None
        };
        if let Some(code) = code {
            first.get_or_insert(code);
            findings.push(json!({
                "certificate": c.label(),
                "position": position(i, n),
                "code": code,
                "not_before": crate::time::rfc3339(c.not_before),
                "not_after": crate::time::rfc3339(c.not_after),
            }));
        }
    }
    let base =
        json!({ "validation_time": crate::time::rfc3339(at), "model": "shell", "certificates": n });
    match first {
        None => Check::passed("validity", base),
        Some(code) => {
            let mut d = base;
            d["failures"] = json!(findings);
            Check::failed("validity", code, d)
        }
    }
}
