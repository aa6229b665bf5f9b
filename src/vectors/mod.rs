//! Test vectors: manifests of inputs with the verdict each must get, and the
//! runner that feeds them through the same code paths as the CLI and the API.
//!
//! Owns the manifest format (`docs/vectors.md`), resolving a vector's files
//! relative to its manifest, running it, and comparing the outcome. Refuses
//! manifests that do not parse (the error names the line) and paths that
//! leave the manifest's folder tree through `..` beyond the repository; when
//! confined (uploaded archives), every path must stay inside the upload and
//! no vector may reach the network.
//!
//! `suite` gathers manifests and the built-in suites and runs them in
//! parallel, `primitive` judges one signature value (manifest vectors of
//! kind `primitive` and the built-in suite), `wycheproof` is the built-in
//! primitive suite, `report` writes
//! HTML, JUnit and JSON, `archive` unpacks uploaded vector folders.

pub mod archive;
mod crl;
pub mod primitive;
pub mod report;
pub mod suite;
pub mod wycheproof;

use crate::envelope::{self, VerifyRequest};
use crate::pki::cert::Certificate;
use crate::pki::ocsp::OcspClient;
use crate::pki::revocation::RevocationStore;
use crate::pki::{self, Extra, Policy, RevocationMode, TrustStore, Usage};
use crate::verdict::{Code, Indication};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The kind of a vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A CMS envelope through `qoltanba verify`.
    Envelope,
    /// A certificate through `qoltanba cert verify`.
    Certificate,
    /// A signature primitive through `pki::algorithms::verify`: a key, a
    /// message, a signature value and an algorithm (the built-in Wycheproof
    /// suite, and manifest vectors such as the GOST ones).
    Primitive,
    /// A signed PDF through `qoltanba pdf verify` (the whole file's result,
    /// and optionally each signature's code).
    Pdf,
    /// A CRL: does it parse, verify with a CA of the trust store, and is it fresh?
    Crl,
}

impl Kind {
    /// The kind as manifests spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Envelope => "envelope",
            Kind::Certificate => "certificate",
            Kind::Primitive => "primitive",
            Kind::Pdf => "pdf",
            Kind::Crl => "crl",
        }
    }
}

/// What a vector must get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// PASSED, FAILED or INDETERMINATE.
    pub indication: Indication,
    /// The verdict's code.
    pub code: Code,
    /// Optional ETSI sub-indication (checked when given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_indication: Option<String>,
    /// PDFs: each signature's code, oldest first (checked when given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signatures: Option<Vec<String>>,
}

/// Inputs shared by the vectors of a manifest unless a vector overrides them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inputs {
    /// Validation time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// A trust folder (anchors, intermediates, CRLs), as `QOLTANBA_TRUST_DIR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_dir: Option<String>,
    /// Trust anchor files (replace `trust_dir`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<Vec<String>>,
    /// Trust anchor files of a test PKI (as `--test-trust`; with `trust`,
    /// they replace `trust_dir`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_trust: Option<Vec<String>>,
    /// Extra certificate files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certs: Option<Vec<String>>,
    /// CRL files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crls: Option<Vec<String>>,
    /// `crl` (default), `ocsp`, `both`, `any`, or `none` (revocation skipped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation: Option<String>,
    /// An OCSP responder URL used instead of the certificates' own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocsp: Option<String>,
    /// OCSP responses (DER) given with the data, as a PDF's DSS carries
    /// them: believed only when they pass every OCSP check. With them and
    /// no `ocsp` URL, no responder is asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocsp_responses: Option<Vec<String>>,
}

/// One vector.
// serde ignores `deny_unknown_fields` beside `flatten`: vectors are read
// through `RawVector`, which spells every field, so a typo is an error.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "RawVector")]
pub struct Vector {
    /// Unique id within the manifest.
    pub id: String,
    /// What it is.
    pub kind: Kind,
    /// What it tests, in a sentence.
    #[serde(default)]
    pub description: String,
    /// The envelope or certificate file.
    pub input: String,
    /// The detached data file (envelopes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// The request's IIN (envelopes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iin: Option<String>,
    /// Required usage (certificates): sign, auth or any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Primitives: the public key (SubjectPublicKeyInfo or certificate, PEM or DER).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Primitives: the signature algorithm OID (dotted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_algorithm: Option<String>,
    /// Primitives: the digest OID, for signature OIDs that name no hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest_algorithm: Option<String>,
    /// Overrides of the manifest's inputs.
    #[serde(flatten)]
    pub inputs: Inputs,
    /// The expected result.
    pub expect: Expected,
}

/// A vector as written: every field spelled out, unknown ones refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVector {
    id: String,
    kind: Kind,
    #[serde(default)]
    description: String,
    input: String,
    #[serde(default)]
    data: Option<String>,
    #[serde(default)]
    iin: Option<String>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    signature_algorithm: Option<String>,
    #[serde(default)]
    digest_algorithm: Option<String>,
    #[serde(default)]
    at: Option<String>,
    #[serde(default)]
    trust_dir: Option<String>,
    #[serde(default)]
    trust: Option<Vec<String>>,
    #[serde(default)]
    test_trust: Option<Vec<String>>,
    #[serde(default)]
    certs: Option<Vec<String>>,
    #[serde(default)]
    crls: Option<Vec<String>>,
    #[serde(default)]
    revocation: Option<String>,
    #[serde(default)]
    ocsp: Option<String>,
    #[serde(default)]
    ocsp_responses: Option<Vec<String>>,
    expect: Expected,
}

impl From<RawVector> for Vector {
    fn from(r: RawVector) -> Self {
        Vector {
            id: r.id,
            kind: r.kind,
            description: r.description,
            input: r.input,
            data: r.data,
            iin: r.iin,
            usage: r.usage,
            key: r.key,
            signature_algorithm: r.signature_algorithm,
            digest_algorithm: r.digest_algorithm,
            inputs: Inputs {
                at: r.at,
                trust_dir: r.trust_dir,
                trust: r.trust,
                test_trust: r.test_trust,
                certs: r.certs,
                crls: r.crls,
                revocation: r.revocation,
                ocsp: r.ocsp,
                ocsp_responses: r.ocsp_responses,
            },
            expect: r.expect,
        }
    }
}

/// A manifest file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Suite name.
    pub suite: String,
    /// What the suite covers.
    #[serde(default)]
    pub description: String,
    /// How the files were made.
    #[serde(default)]
    pub recipe: String,
    /// Defaults for every vector.
    #[serde(default)]
    pub defaults: Inputs,
    /// The vectors.
    pub vectors: Vec<Vector>,
}

/// Why a manifest could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// Could not read it.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        error: std::io::Error,
    },
    /// Not valid JSON or not the manifest shape (the message names line and column).
    #[error("{path}: line {line}, column {column}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// Line (1-based).
        line: usize,
        /// Column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Ids repeated.
    #[error("{path}: vector id {id} appears twice")]
    DuplicateId {
        /// The file.
        path: String,
        /// The id.
        id: String,
    },
}

/// Reads a manifest.
pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
    let text = std::fs::read_to_string(path).map_err(|error| ManifestError::Io {
        path: path.display().to_string(),
        error,
    })?;
    let m: Manifest = serde_json::from_str(&text).map_err(|e| ManifestError::Parse {
        path: path.display().to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let mut seen = std::collections::HashSet::new();
    for v in &m.vectors {
        if !seen.insert(v.id.clone()) {
            return Err(ManifestError::DuplicateId {
                path: path.display().to_string(),
                id: v.id.clone(),
            });
        }
    }
    Ok(m)
}

/// The result of one vector.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The vector id.
    pub id: String,
    /// Its kind.
    pub kind: Kind,
    /// What was expected.
    pub expected: Expected,
    /// What qoltanba said (indication, code, sub-indication), or the error.
    pub actual: Result<Expected, String>,
    /// The check that decided (first failing), if any.
    pub decided_by: Option<String>,
    /// Whether actual equals expected.
    pub passed: bool,
}

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

fn read_in(dir: &Path, rel: &str, root: Option<&Path>) -> Result<Vec<u8>, String> {
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
            let bytes = read(dir, f)?;
            match crate::input::decode_all(&bytes, &["CERTIFICATE"]) {
                Ok(ders) => {
                    for der in ders {
                        match Certificate::from_der(&der) {
                            Ok(c) => extra.certs.push(Arc::new(c)),
                            Err(e) => extra.rejected_certs.push((f.clone(), e.to_string())),
                        }
                    }
                }
                Err(e) => extra.rejected_certs.push((f.clone(), e.to_string())),
            }
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

/// Runs every vector of the manifest at `path`.
pub fn run_manifest(path: &Path) -> Result<Vec<Outcome>, ManifestError> {
    let m = load(path)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    Ok(m.vectors
        .iter()
        .map(|v| run_vector(dir, &m.defaults, v))
        .collect())
}
