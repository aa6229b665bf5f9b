//! Running one vector: its inputs merged with the manifest's defaults,
//! files read (confined to an uploaded folder when there is one), the
//! verification it names run, and the outcome compared with what the
//! vector expects.

use super::{Expected, Inputs, Kind, Outcome, Vector, crl, primitive};
use crate::envelope::{self, VerifyRequest};
use crate::pki::ocsp::OcspClient;
use crate::pki::revocation::RevocationStore;
use crate::pki::{self, Extra, Policy, RevocationMode, TrustStore, Usage};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn merged(defaults: &Inputs, v: &Inputs) -> Inputs {
    Inputs {
        at: v.at.clone().or_else(|| defaults.at.clone()),
        trust_dir: v.trust_dir.clone().or_else(|| defaults.trust_dir.clone()),
        trust: v.trust.clone().or_else(|| defaults.trust.clone()),
        test_trust: v.test_trust.clone().or_else(|| defaults.test_trust.clone()),
        certs: v.certs.clone().or_else(|| defaults.certs.clone()),
        crls: v.crls.clone().or_else(|| defaults.crls.clone()),
        revocation: v.revocation.clone().or_else(|| defaults.revocation.clone()),
        ocsp: v.ocsp.clone().or_else(|| defaults.ocsp.clone()),
        ocsp_responses: v
            .ocsp_responses
            .clone()
            .or_else(|| defaults.ocsp_responses.clone()),
    }
}

/// Resolves a manifest path; with `root`, refuses absolute paths and paths
/// that leave `root` (checked lexically: uploads hold no symlinks).
fn resolve(dir: &Path, rel: &str, root: Option<&Path>) -> Result<PathBuf, String> {
    let Some(root) = root else {
        return Ok(dir.join(rel));
    };
    let rel_path = Path::new(rel);
    if rel_path.is_absolute() || rel.starts_with('\\') {
        return Err(format!(
            "{rel}: absolute paths are refused in uploaded vectors"
        ));
    }
    let mut out = PathBuf::new();
    for c in dir.join(rel_path).components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    if !out.starts_with(root) {
        return Err(format!("{rel}: leaves the uploaded folder"));
    }
    Ok(out)
}

pub(super) fn read_in(dir: &Path, rel: &str, root: Option<&Path>) -> Result<Vec<u8>, String> {
    let p = resolve(dir, rel, root)?;
    std::fs::read(&p).map_err(|e| format!("{rel}: {e}"))
}

/// Runs one vector of a manifest located in `dir`.
pub fn run_vector(dir: &Path, defaults: &Inputs, v: &Vector) -> Outcome {
    run_vector_in(dir, defaults, v, &Confinement::default())
}

/// Where a manifest's vectors may reach: unconfined for local folders; for an
/// uploaded folder its root and the service's own trust store.
#[derive(Clone, Default)]
pub struct Confinement {
    /// Every path must stay under this folder (absolute, normalised).
    pub root: Option<PathBuf>,
    /// The trust store used when a vector names none (else the default folder).
    pub trust: Option<Arc<TrustStore>>,
}

/// Runs one vector; with `root` (an uploaded folder) every file must lie
/// inside it, `trust_dir` too, and nothing may reach the network (no `ocsp`
/// URL; revocation `crl` or `none`, or OCSP from the vector's own
/// `ocsp_responses`). Without `trust` or `trust_dir` the service's trust
/// folder is used.
pub fn run_vector_in(dir: &Path, defaults: &Inputs, v: &Vector, within: &Confinement) -> Outcome {
    let root = within.root.as_deref();
    let read = |dir: &Path, rel: &str| read_in(dir, rel, root);
    let result = (|| -> Result<crate::verdict::Verdict, String> {
        let i = merged(defaults, &v.inputs);
        if root.is_some() {
            if i.ocsp.is_some() {
                return Err("uploaded vectors may not name an OCSP responder".into());
            }
            // OCSP modes only from the responses given with the vectors.
            if !matches!(i.revocation.as_deref(), None | Some("crl") | Some("none"))
                && i.ocsp_responses.is_none()
            {
                return Err("uploaded vectors may use revocation crl or none only, or OCSP from the responses they carry (ocsp_responses)".into());
            }
        }
        let at = match &i.at {
            Some(s) => crate::time::parse_rfc3339(s)?,
            None => crate::time::now(),
        };
        if v.kind == Kind::Primitive {
            return primitive::vector(dir, v, at, root);
        }
        let mut extra = Extra::default();
        let store: Arc<TrustStore> = match (&i.trust, &i.test_trust, &i.trust_dir) {
            (Some(_), _, _) | (_, Some(_), _) => Arc::new({
                let mut s = TrustStore::new("vector");
                for f in i.trust.iter().flatten() {
                    if let Err(e) = s.add_anchors(&read(dir, f)?, f) {
                        extra.rejected_certs.push((f.clone(), e));
                    }
                }
                for f in i.test_trust.iter().flatten() {
                    if let Err(e) = s.add_test_anchors(&read(dir, f)?, f) {
                        extra.rejected_certs.push((f.clone(), e));
                    }
                }
                s
            }),
            (None, None, Some(d)) => Arc::new(
                TrustStore::from_dir(&resolve(dir, d, root)?).map_err(|e| format!("{d}: {e}"))?,
            ),
            (None, None, None) => match &within.trust {
                Some(t) => t.clone(),
                None => Arc::new(
                    TrustStore::from_dir(&TrustStore::default_dir()).map_err(|e| e.to_string())?,
                ),
            },
        };
        for f in i.certs.iter().flatten() {
            extra.add_bytes(&read(dir, f)?, f);
        }
        let mut crls = RevocationStore::default();
        for f in i.crls.iter().flatten() {
            crls.add_bytes(&read(dir, f)?, f);
        }
        for f in i.ocsp_responses.iter().flatten() {
            crls.add_ocsp(&read(dir, f)?, f);
        }
        // Stored responses and no responder named: offline, nobody is asked.
        let offline = i.ocsp_responses.is_some() && i.ocsp.is_none();
        let (no_revocation, mode) = match i.revocation.as_deref() {
            None => (false, RevocationMode::Crl),
            Some("none") => (true, RevocationMode::Crl),
            Some(m) => match RevocationMode::parse(m) {
                Some(mode) => (false, mode),
                None => {
                    return Err(format!(
                        "revocation mode {m} is not supported (crl, ocsp, both, any or none)"
                    ));
                }
            },
        };
        // A client per vector: no answer cached for one vector decides another.
        let policy = Policy {
            usage: v.usage.unwrap_or(Usage::Sign),
            no_revocation,
            iin: v.iin.clone(),
            revocation: mode,
            ocsp_url: i.ocsp.clone(),
            ocsp: (mode != RevocationMode::Crl && !offline).then(|| Arc::new(OcspClient::http())),
            ..Default::default()
        };
        let input = read(dir, &v.input)?;
        Ok(match v.kind {
            Kind::Envelope => {
                let data = v.data.as_deref().map(|d| read(dir, d)).transpose()?;
                let req = VerifyRequest {
                    envelope: &input,
                    data: data.as_deref(),
                    at,
                    policy: Policy {
                        usage: Usage::Sign,
                        ..policy
                    },
                    extra,
                    crls,
                };
                envelope::verify(&req, &store)
            }
            Kind::Certificate => {
                pki::verify_certificate(&input, &store, &extra, &crls, at, &policy)
            }
            Kind::Primitive => return Err("primitive vectors are judged above".into()),
            Kind::Pdf => {
                let req = crate::pdf::verify::PdfVerifyRequest {
                    at,
                    policy,
                    extra,
                    crls,
                };
                let report = crate::pdf::verify::verify_bytes(&input, &store, &req);
                let code = crate::verdict::Code::parse(&report.code)
                    .ok_or_else(|| format!("unknown PDF code {}", report.code))?;
                let decided = report
                    .signatures
                    .iter()
                    .find_map(|s| (s.code != "OK").then(|| format!("signature {}", s.field)));
                let mut v = crate::verdict::Verdict::new(
                    Vec::new(),
                    at,
                    serde_json::Value::Null,
                    None,
                    None,
                );
                v.indication = report.indication;
                v.code = code;
                v.sub_indication = code
                    .indication()
                    .1
                    .filter(|_| code != crate::verdict::Code::Ok);
                v.message = code.message();
                let codes: Vec<String> = report.signatures.iter().map(|s| s.code.clone()).collect();
                v.envelope = Some(serde_json::json!({ "signature_codes": codes }));
                if let Some(d) = decided {
                    v.checks = Arc::new(crate::verdict::Memo::new(vec![
                        crate::verdict::Check::failed(
                            "pdf",
                            code,
                            serde_json::json!({ "decided_by": d }),
                        ),
                    ]));
                }
                v
            }
            Kind::Crl => crl::crl_verdict(&input, &v.input, &store, at, &policy),
        })
    })();
    let (actual, decided_by) = match result {
        Ok(verdict) => {
            let sub = verdict
                .sub_indication
                .and_then(|s| serde_json::to_value(s).ok())
                .and_then(|v| v.as_str().map(String::from));
            let decided = verdict
                .checks
                .iter()
                .find(|c| c.code.is_some())
                .map(|c| c.name.to_string());
            let signatures = verdict
                .envelope
                .as_ref()
                .and_then(|e| e.get("signature_codes"))
                .and_then(|c| serde_json::from_value::<Vec<String>>(c.clone()).ok());
            (
                Ok(Expected {
                    indication: verdict.indication,
                    code: verdict.code,
                    sub_indication: sub,
                    signatures,
                }),
                decided,
            )
        }
        Err(e) => (Err(e), None),
    };
    let passed = match &actual {
        Ok(a) => {
            a.indication == v.expect.indication
                && a.code == v.expect.code
                && v.expect
                    .sub_indication
                    .as_ref()
                    .is_none_or(|s| a.sub_indication.as_ref() == Some(s))
                && v.expect
                    .signatures
                    .as_ref()
                    .is_none_or(|s| a.signatures.as_ref() == Some(s))
        }
        Err(_) => false,
    };
    Outcome {
        id: v.id.clone(),
        kind: v.kind,
        expected: v.expect.clone(),
        actual,
        decided_by,
        passed,
    }
}
