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
mod run;
pub mod suite;
pub mod wycheproof;

use crate::pki::Usage;
use crate::verdict::{Code, Indication};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub use run::{Confinement, run_vector, run_vector_in};

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

/// Runs every vector of the manifest at `path`.
pub fn run_manifest(path: &Path) -> Result<Vec<Outcome>, ManifestError> {
    let m = load(path)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    Ok(m.vectors
        .iter()
        .map(|v| run_vector(dir, &m.defaults, v))
        .collect())
}
