//! Regenerates `testdata/gost/` from the GOST demo PKI in `certs/gost/`.
//!
//! `cargo run --example make_gost_testdata` (after `qoltanba pki demo-gost
//! --out certs/gost`). Every envelope, certificate, CRL, OCSP response, PDF
//! and primitive under `testdata/gost/` comes from here, with its expected
//! verdict in the manifest next to it, so that every verdict code of
//! `docs/verdicts.md` has a GOST vector.
//!
//! `fixtures` makes the extra certificates, CRLs and stored OCSP responses
//! the manifests name; `envelopes` (with `mixed`: GOST and RSA signers
//! together), `others` (certificates, CRLs, PDFs) and `primitives` (raw GOST
//! signatures) write the manifests.

mod envelopes;
mod fixtures;
mod mixed;
mod others;
mod primitives;

use qoltanba::pki::algorithms::Scheme;
use qoltanba::pki::demo::gost::GostCa;
use qoltanba::pki::signer::{GostSigner, SignError, Signer};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

pub const DAY: i64 = 86_400;
/// The validation time of every vector unless it says otherwise.
pub const AT: &str = "2026-06-01T00:00:00Z";
pub const AT_UNIX: i64 = 1_780_272_000;
/// The trust folder, from a manifest's folder.
pub const TRUST_DIR: &str = "../../../certs/gost/trust";

pub type R<T> = Result<T, Box<dyn std::error::Error>>;

pub fn pem_der(path: &Path) -> R<Vec<u8>> {
    let text = std::fs::read(path)?;
    Ok(pem::parse(text)?.into_contents())
}

pub fn pem_cert(der: &[u8]) -> String {
    pem::encode(&pem::Pem::new("CERTIFICATE", der.to_vec()))
}

/// The GOST demo PKI on disk.
pub struct Pki {
    pub dir: PathBuf,
}

/// A person of the GOST demo: certificate, key, IIN.
pub struct Who {
    pub file: String,
    pub cert: Vec<u8>,
    pub key: GostSigner,
    pub iin: String,
}

impl Pki {
    pub fn who(&self, name: &str) -> R<Who> {
        let cert = pem_der(&self.dir.join("people").join(format!("{name}.pem")))?;
        let pkcs8 = pem_der(&self.dir.join("people").join(format!("{name}.key.pem")))?;
        let c = qoltanba::pki::cert::Certificate::from_der(&cert)?;
        let iin = qoltanba::pki::profile::profile(&c)
            .iin
            .map(|i| i.value)
            .unwrap_or_default();
        Ok(Who {
            file: name.to_string(),
            cert,
            key: GostSigner::from_pkcs8(&pkcs8)?,
            iin,
        })
    }
    /// A CA of `trust/` with its key from `ca/`.
    pub fn ca(&self, name: &str) -> R<GostCa> {
        let der = pem_der(&self.dir.join("trust").join(format!("{name}.pem")))?;
        let key = pem_der(&self.dir.join("ca").join(format!("{name}.key.pem")))?;
        Ok(GostCa::load(name, der, &key)?)
    }
    /// A service certificate (`*-ocsp`, `*-tsa`) of `ca/` with its key.
    pub fn service(&self, name: &str) -> R<GostCa> {
        let der = pem_der(&self.dir.join("ca").join(format!("{name}.pem")))?;
        let key = pem_der(&self.dir.join("ca").join(format!("{name}.key.pem")))?;
        Ok(GostCa::load(name, der, &key)?)
    }
}

/// Rewrites every signature it makes (flipped bits, r or s out of range).
pub struct Rewrite<'a> {
    pub inner: &'a dyn Signer,
    pub f: fn(&mut Vec<u8>),
}

impl Signer for Rewrite<'_> {
    fn scheme(&self) -> Scheme {
        self.inner.scheme()
    }
    fn public_key_spki(&self) -> Vec<u8> {
        self.inner.public_key_spki()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignError> {
        let mut s = self.inner.sign(msg)?;
        (self.f)(&mut s);
        Ok(s)
    }
}

/// Claims a scheme and a key it does not hold, and signs with another.
pub struct Claiming<'a> {
    pub scheme: Scheme,
    pub spki: Vec<u8>,
    pub signer: &'a dyn Signer,
}

impl Signer for Claiming<'_> {
    fn scheme(&self) -> Scheme {
        self.scheme
    }
    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, SignError> {
        self.signer.sign(msg)
    }
}

/// One manifest being written.
pub struct Out {
    pub dir: PathBuf,
    pub vectors: Vec<Value>,
}

impl Out {
    pub fn new(dir: PathBuf) -> R<Out> {
        std::fs::create_dir_all(&dir)?;
        Ok(Out {
            dir,
            vectors: Vec::new(),
        })
    }
    pub fn file(&self, name: &str, bytes: &[u8]) -> R<()> {
        std::fs::write(self.dir.join(name), bytes)?;
        Ok(())
    }
    pub fn vector(&mut self, v: Value) {
        self.vectors.push(v);
    }
    pub fn write(self, suite: &str, description: &str, defaults: Value) -> R<()> {
        let manifest = json!({
            "suite": suite,
            "description": description,
            "recipe": "cargo run --example make_gost_testdata (from the GOST demo PKI in certs/gost/, made by qoltanba pki demo-gost)",
            "defaults": defaults,
            "vectors": self.vectors,
        });
        std::fs::write(
            self.dir.join("manifest.json"),
            serde_json::to_string_pretty(&manifest)? + "\n",
        )?;
        Ok(())
    }
}

pub fn expect(ind: &str, code: &str) -> Value {
    json!({ "indication": ind, "code": code })
}

fn main() -> R<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let pki = Pki {
        dir: root.join("certs").join("gost"),
    };
    let td = root.join("testdata").join("gost");
    envelopes::write(&pki, &td.join("envelopes"))?;
    others::write(&pki, &td)?;
    primitives::write(&td.join("primitives"))?;
    println!("GOST testdata written to {}", td.display());
    Ok(())
}
