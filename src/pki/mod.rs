//! Public-key infrastructure: certificates, trust, paths, revocation, and the
//! national CA's certificate profile.
//!
//! Owns steps 4–8 of condition 2 for a signer certificate: chain, validity,
//! revocation, key usage and the IIN. Works on certificates already parsed;
//! knows nothing of CMS. The validation time and every input come in as
//! parameters.

pub mod algorithms;
pub mod cert;
pub mod conformance;
pub mod crl;
pub mod demo;
pub mod encode;
pub mod gost;
pub mod http;
pub mod names;
pub mod ocsp;
pub mod path;
pub mod profile;
pub mod purposes;
pub mod refresh;
pub mod revocation;
pub mod signer;
pub mod trust;
pub mod upstream;

use crate::iin::Iin;
use crate::verdict::{Check, Code};
pub use algorithms::name_of as algorithm_name;
use cert::Certificate;
use path::Path;
pub use revocation::RevocationMode;
use revocation::RevocationStore;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;
pub use trust::{TrustProfile, TrustStore};

/// What the signer's key must be for (step 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Usage {
    /// A signing certificate: keyUsage nonRepudiation.
    #[default]
    Sign,
    /// An authentication certificate: keyUsage digitalSignature.
    Auth,
    /// Step 7 is skipped.
    Any,
}

/// Which checks a validation runs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Policy {
    /// Required key usage.
    pub usage: Usage,
    /// Skip step 6 (reviewers checking paths only; never the default).
    pub no_revocation: bool,
    /// The IIN stated in the request: when set, step 8 runs.
    pub iin: Option<String>,
    /// Which sources decide step 6 (CRLs by default).
    pub revocation: RevocationMode,
    /// The order of the sources and how stale a CRL may be (strict by default).
    pub revocation_rules: revocation::RevocationRules,
    /// The revocation policy for paths that end at a test-PKI anchor, when
    /// it differs from the production one (config `test_revocation_policy`).
    pub test_revocation: Option<revocation::RevocationPolicy>,
    /// An OCSP responder URL used instead of the certificates' own.
    pub ocsp_url: Option<String>,
    /// The OCSP client (network and cache) for the modes that use OCSP;
    /// without one, OCSP answers are unavailable.
    #[serde(skip)]
    pub ocsp: Option<Arc<ocsp::OcspClient>>,
}

impl Policy {
    /// The revocation policy for a path ending at an anchor of `profile`.
    pub fn revocation_policy(&self, profile: TrustProfile) -> revocation::RevocationPolicy {
        match (profile, self.test_revocation) {
            (TrustProfile::Test, Some(p)) => p,
            _ => revocation::RevocationPolicy {
                mode: self.revocation,
                rules: self.revocation_rules,
            },
        }
    }

    /// The policy as reported in verdicts.
    pub fn describe(&self) -> serde_json::Value {
        json!({
            "name": if self.no_revocation { "condition-2/no-revocation" } else { "condition-2" },
            "usage": self.usage,
            "revocation": if self.no_revocation { "skipped" } else { "required" },
            "revocation_sources": self.revocation.sources(),
            "revocation_mode": self.revocation.as_str(),
            "revocation_policy": self.revocation_policy(TrustProfile::Production).describe(),
            "iin_check": self.iin.is_some(),
            "time_model": "shell",
            // Production until a path ends at a test-PKI anchor
            // (`CertValidation::describe_policy`).
            "trust_profile": TrustProfile::Production,
        })
    }
}

/// Certificates and CRLs that came with one request, beyond the trust store.
#[derive(Debug, Default, Clone)]
pub struct Extra {
    /// Untrusted certificates for path building.
    pub certs: Vec<Arc<Certificate>>,
    /// Inputs that did not parse: (source, error).
    pub rejected_certs: Vec<(String, String)>,
}

impl Extra {
    /// Adds the certificate `der` from `source`, or records why it was rejected.
    pub fn add_der(&mut self, der: &[u8], source: &str) {
        match Certificate::from_der(der) {
            Ok(c) => self.certs.push(Arc::new(c)),
            Err(e) => self
                .rejected_certs
                .push((source.to_string(), e.to_string())),
        }
    }

    /// Adds every certificate of `bytes` (DER, or PEM with one or more
    /// `CERTIFICATE` blocks) from `source`; what does not read is recorded.
    pub fn add_bytes(&mut self, bytes: &[u8], source: &str) {
        match crate::input::decode_all(bytes, &["CERTIFICATE"]) {
            Ok(ders) => ders.iter().for_each(|der| self.add_der(der, source)),
            Err(e) => self
                .rejected_certs
                .push((source.to_string(), e.to_string())),
        }
    }
}

/// Everything steps 4–8 found about a signer certificate.
#[derive(Debug, Default)]
pub struct CertValidation {
    /// The checks, in order.
    pub checks: Vec<Check>,
    /// The path chosen, leaf first.
    pub path: Option<Path>,
    /// Test when the path ends at an anchor the store marks as a test PKI's.
    pub trust_profile: TrustProfile,
}

impl CertValidation {
    /// The policy as reported in a verdict on this validation: `policy`'s,
    /// with the trust profile of the path that was chosen.
    pub fn describe_policy(&self, policy: &Policy) -> serde_json::Value {
        let mut p = policy.describe();
        p["trust_profile"] = json!(self.trust_profile);
        p
    }
}

fn chain_check(
    leaf: &Arc<Certificate>,
    store: &TrustStore,
    extra: &Extra,
    at: i64,
) -> (Check, Option<Path>) {
    if !extra.rejected_certs.is_empty() {
        let r: Vec<_> = extra
            .rejected_certs
            .iter()
            .map(|(s, e)| json!({ "source": s, "error": e }))
            .collect();
        return (
            Check::failed(
                "chain",
                Code::CertMalformed,
                json!({ "problem": "a supplied certificate could not be read", "rejected": r }),
            ),
            None,
        );
    }
    let mut pool: Vec<Arc<Certificate>> = store.intermediates.clone();
    for c in &extra.certs {
        if !pool.iter().any(|p| p.fingerprint == c.fingerprint) {
            pool.push(c.clone());
        }
    }
    let built = path::build(leaf, &store.anchors, &pool, store.edge_cache());
    if built.paths.is_empty() {
        let unsupported = built.failures.iter().any(|f| f.unsupported);
        let failures: Vec<_> = built
            .failures
            .iter()
            .map(|f| json!({ "certificate": f.child, "candidate_issuer": f.issuer, "reason": f.reason }))
            .collect();
        let detail = json!({
            "problem": "no path to a trust anchor",
            "missing_issuer": built.missing_issuer,
            "rejected_issuers": failures,
            "trust_anchors": store.anchors.len(),
        });
        let code = if unsupported {
            Code::AlgorithmUnsupported
        } else {
            Code::ChainUntrusted
        };
        return (Check::failed("chain", code, detail), None);
    }
    let scored: Vec<(Path, Vec<serde_json::Value>, bool)> = built
        .paths
        .into_iter()
        .map(|p| {
            let problems = path::chain_problems(&p);
            let in_time = path::validity_check(&p, at).code.is_none();
            (p, problems, in_time)
        })
        .collect();
    let best = scored
        .iter()
        .position(|(_, pr, t)| pr.is_empty() && *t)
        .or_else(|| scored.iter().position(|(_, pr, _)| pr.is_empty()))
        .unwrap_or(0);
    let (p, problems, _) = scored.into_iter().nth(best).unwrap_or_default();
    let labels: Vec<_> = p
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut l = c.label();
            l["position"] = json!(path::position(i, p.len()));
            l
        })
        .collect();
    let check = if problems.is_empty() {
        Check::passed("chain", crate::verdict::obj! { "path": labels })
    } else {
        Check::failed(
            "chain",
            Code::ChainInvalid,
            crate::verdict::obj! { "path": labels, "problems": json!(problems) },
        )
    };
    (check, Some(p))
}

/// Step 7: the leaf's key usage against the policy, by the national CA's
/// key-purpose rule (`profile::USAGE_RULES`).
pub fn key_usage_check(leaf: &Certificate, usage: Usage) -> Check {
    let ku = leaf.key_usage;
    let names = ku.map(|k| k.names()).unwrap_or_default();
    let profile = profile::profile(leaf).usage;
    let detail = crate::verdict::obj! { "required": json!(usage), "key_usage": json!(names), "profile": json!(profile), "certificate": leaf.label() };
    if usage == Usage::Any {
        return Check::skipped("key_usage", "policy accepts any key usage");
    }
    if ku.is_some() && profile.permits(usage, ku) {
        Check::passed("key_usage", detail)
    } else {
        let mut d = detail;
        d["problem"] = json!(match (usage, ku) {
            (_, None) => "the certificate has no keyUsage extension",
            (Usage::Sign, _) => "nonRepudiation is required for signing",
            (_, Some(k)) if k.digital_signature() => {
                "a signing-only key (nonRepudiation without keyEncipherment or keyAgreement) does not authenticate"
            }
            _ => "digitalSignature is required for authentication",
        });
        Check::failed("key_usage", Code::KeyUsageInvalid, d)
    }
}

/// Step 8: the request's IIN against the certificate's. Under a test PKI's
/// anchor (`TrustProfile::Test`) both are compared as twelve digits, without
/// the check digit: the NCA's test PKI issues IINs that fail it.
pub fn iin_check(leaf: &Certificate, request_iin: Option<&str>, trust: TrustProfile) -> Check {
    let Some(req) = request_iin else {
        return Check::skipped("iin", "no IIN was given with the request");
    };
    let test = trust == TrustProfile::Test;
    let twelve_digits = req.len() == 12 && req.bytes().all(|b| b.is_ascii_digit());
    let with_profile = |mut d: serde_json::Value| {
        if test {
            d["test_pki"] = json!(true);
            d["checksum"] = json!("not enforced (test PKI)");
        }
        d
    };
    let request_ok = if test {
        twelve_digits
    } else {
        Iin::parse(req).is_ok()
    };
    if !request_ok {
        return Check::failed(
            "iin",
            Code::IinInvalid,
            with_profile(json!({ "which": "request", "request_iin": req })),
        );
    }
    let p = profile::profile(leaf);
    let Some(cert_iin) = p.iin else {
        return Check::failed(
            "iin",
            Code::IinMissing,
            with_profile(
                json!({ "request_iin": req, "subject_serial_number": leaf.subject.serial_number }),
            ),
        );
    };
    // `profile` reads exactly twelve digits; under a test anchor that is all
    // that is asked of them.
    if !cert_iin.valid && !test {
        return Check::failed(
            "iin",
            Code::IinInvalid,
            json!({ "which": "certificate", "certificate_iin": cert_iin.value }),
        );
    }
    if cert_iin.value != req {
        return Check::failed(
            "iin",
            Code::IinMismatch,
            with_profile(json!({ "request_iin": req, "certificate_iin": cert_iin.value })),
        );
    }
    Check::passed("iin", with_profile(json!({ "iin": req })))
}

/// Steps 4–8 on a signer certificate.
pub fn validate(
    leaf: &Arc<Certificate>,
    store: &TrustStore,
    extra: &Extra,
    crls: &RevocationStore,
    at: i64,
    policy: &Policy,
) -> CertValidation {
    let mut checks = Vec::with_capacity(5);
    let (chain, path) = chain_check(leaf, store, extra, at);
    checks.push(chain);
    match &path {
        Some(p) => checks.push(path::validity_check(p, at)),
        None => checks.push(path::validity_check(&vec![leaf.clone()], at)),
    }
    let trust_profile = path
        .as_ref()
        .and_then(|p| p.last())
        .map(|anchor| store.profile_of(anchor))
        .unwrap_or_default();
    if policy.no_revocation {
        checks.push(Check::skipped(
            "revocation",
            "policy: revocation checking disabled (--no-revocation)",
        ));
    } else {
        match &path {
            Some(p) => checks.push(crls.check_with(
                p,
                at,
                policy.revocation_policy(trust_profile),
                revocation::OcspSource {
                    client: policy.ocsp.as_deref(),
                    url: policy.ocsp_url.as_deref(),
                },
            )),
            None => checks.push(Check::skipped(
                "revocation",
                "no certification path to check",
            )),
        }
    }
    checks.push(key_usage_check(leaf, policy.usage));
    checks.push(iin_check(leaf, policy.iin.as_deref(), trust_profile));
    CertValidation {
        checks,
        path,
        trust_profile,
    }
}

/// The certificate facts reported as `signer` in verdicts and by `cert info`.
pub fn describe(c: &Certificate) -> std::sync::Arc<crate::verdict::Memo<serde_json::Value>> {
    c.description
        .get_or_init(|| std::sync::Arc::new(crate::verdict::Memo::new(describe_fresh(c))))
        .clone()
}

fn describe_fresh(c: &Certificate) -> serde_json::Value {
    let p = profile::profile(c);
    let key = match &c.key {
        Ok(k) => json!({
            "algorithm": k.kind.algorithm(),
            "bits": k.kind.bits(),
            "curve": k.kind.curve(),
            "name": k.kind.label(),
            "spki_sha256": cert::hex(&cert::sha256(&c.spki)),
        }),
        Err(e) => {
            json!({ "error": e.to_string(), "spki_sha256": cert::hex(&cert::sha256(&c.spki)) })
        }
    };
    json!({
        "subject": c.subject,
        "issuer": c.issuer,
        "serial": c.serial_hex(),
        "iin": p.iin.as_ref().map(|i| i.value.clone()),
        "iin_info": p.iin,
        "bin": p.bin,
        "bin_valid": p.bin_valid,
        "not_before": crate::time::rfc3339(c.not_before),
        "not_after": crate::time::rfc3339(c.not_after),
        "key": key,
        "profile": p.usage,
        "key_usage": c.key_usage.map(|k| k.names()).unwrap_or_default(),
        "extended_key_usage": c.eku,
        "purposes": profile::purpose_names(c),
        "roles": p.roles,
        "policies": profile::policy_names(c),
        "crl_urls": c.crl_urls,
        "delta_crl_urls": c.delta_crl_urls,
        "ocsp_urls": c.ocsp_urls,
        "ca_issuer_urls": c.ca_issuer_urls,
        "is_ca": c.is_ca(),
        "fingerprints": {
            "sha256": cert::hex(&c.fingerprint),
            "sha1": cert::hex(ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &c.der).as_ref()),
        },
    })
}

/// `cert verify`: steps 4–8 on a certificate given as bytes (DER or PEM),
/// with a malformed certificate as a verdict, not an error.
pub fn verify_certificate(
    bytes: &[u8],
    store: &TrustStore,
    extra: &Extra,
    crls: &RevocationStore,
    at: i64,
    policy: &Policy,
) -> crate::verdict::Verdict {
    use crate::verdict::Verdict;
    let parsed = crate::input::decode_der(bytes, &["CERTIFICATE", "TRUSTED CERTIFICATE"])
        .map_err(|e| e.to_string())
        .and_then(|der| Certificate::from_der(&der).map_err(|e| e.to_string()));
    let leaf = match parsed {
        Ok(c) => Arc::new(c),
        Err(e) => {
            return Verdict::unreadable(
                Code::CertMalformed,
                e,
                &[
                    "algorithms",
                    "chain",
                    "validity",
                    "revocation",
                    "key_usage",
                    "iin",
                ],
                "the certificate could not be read",
                at,
                policy.describe(),
            );
        }
    };
    let mut checks = vec![Check::passed(
        "format",
        json!({ "certificate": leaf.label() }),
    )];
    match &leaf.key {
        Ok(k) => checks.push(Check::passed(
            "algorithms",
            json!({ "key": k.kind.algorithm(), "bits": k.kind.bits(), "curve": k.kind.curve(), "name": k.kind.label(), "signature_algorithm": algorithm_name(&leaf.sig_alg.oid) }),
        )),
        // A key that is not what its algorithm says: the certificate is malformed.
        Err(e @ algorithms::AlgError::Malformed(_)) => checks.push(Check::failed(
            "algorithms",
            Code::CertMalformed,
            json!({ "problem": e.to_string() }),
        )),
        Err(e) => checks.push(Check::failed(
            "algorithms",
            Code::AlgorithmUnsupported,
            json!({ "problem": e.to_string() }),
        )),
    }
    let mut crls = crls.clone();
    crls.crls.extend(store.revocation.crls.iter().cloned());
    let v = validate(&leaf, store, extra, &crls, at, policy);
    let policy_json = v.describe_policy(policy);
    checks.extend(v.checks);
    Verdict::new(checks, at, policy_json, Some(describe(&leaf)), None)
}

/// `cert info --format text`: the facts of `describe` as lines.
pub fn describe_text(info: &serde_json::Value) -> String {
    let s = |v: &serde_json::Value| {
        v.as_str().map(String::from).unwrap_or_else(|| {
            if v.is_null() {
                "-".into()
            } else {
                v.to_string()
            }
        })
    };
    // `[{oid, name, meaning}]` as `name, name, oid` (an unknown OID by itself).
    let names = |v: &serde_json::Value| match v.as_array() {
        Some(a) if !a.is_empty() => json!(
            a.iter()
                .map(|p| p["name"].as_str().or(p["oid"].as_str()).unwrap_or("?"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => serde_json::Value::Null,
    };
    let (purposes, policies) = (names(&info["purposes"]), names(&info["policies"]));
    let subject = &info["subject"];
    let mut out = String::new();
    for (label, v, always) in [
        ("Subject", &subject["dn"], true),
        ("Issuer", &info["issuer"]["dn"], true),
        ("Serial", &info["serial"], true),
        ("IIN", &info["iin"], true),
        ("Birth date", &info["iin_info"]["birth_date"], true),
        ("BIN", &info["bin"], true),
        // Attributes the national CA writes in some certificates only.
        ("Locality", &subject["l"], false),
        ("Region", &subject["st"], false),
        ("Category", &subject["business_category"], false),
        ("DC", &subject["dc"], false),
        ("UID", &subject["uid"], false),
        ("Profile", &info["profile"], true),
        ("Roles", &info["roles"], true),
        ("Purposes", &purposes, false),
        ("Key usage", &info["key_usage"], true),
        ("Policies", &policies, true),
        ("Not before", &info["not_before"], true),
        ("Not after", &info["not_after"], true),
        (
            "Key",
            if info["key"]["error"].is_null() {
                &info["key"]["name"]
            } else {
                &info["key"]["error"]
            },
            true,
        ),
        ("Curve", &info["key"]["curve"], true),
        ("Key SHA-256", &info["key"]["spki_sha256"], true),
        ("CRL", &info["crl_urls"], true),
        ("Delta CRL", &info["delta_crl_urls"], true),
        ("OCSP", &info["ocsp_urls"], true),
        ("SHA-256", &info["fingerprints"]["sha256"], true),
    ] {
        if always || !v.is_null() {
            out.push_str(&format!("{label:<11} {}\n", s(v)));
        }
    }
    out
}
