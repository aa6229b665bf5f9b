//! Helpers shared by the integration tests over the real national-CA
//! material (`tests/realkz.rs`, `tests/gost_judge.rs`): where that material
//! lives, how to read it, and how to run the built `qoltanba` binary.
//!
//! The material is `../shared/realkz/` beside the project (see its
//! README.md): public NCA RK test certificates, CRLs, OCSP and time-stamp
//! responses and Kalkan-made CMS, read in place and never copied into the
//! repository. When it is missing every test that needs it fails with a
//! message saying so; nothing is skipped.

#![allow(dead_code)]

pub mod cdp;
pub mod egov_app;
pub mod gost_judge;
pub mod ncalayer;
pub mod pdf_judge;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder of real NCA RK material, `../shared/realkz` from the project root.
pub fn realkz_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realkz");
    assert!(
        dir.join("README.md").is_file(),
        "the real NCA RK material is not at {} (it lives beside the project as \
         ../shared/realkz, where CI has it too; see its README.md)",
        dir.display()
    );
    dir
}

/// A file of the real material, by its path under `realkz/`.
pub fn realkz(rel: &str) -> PathBuf {
    let p = realkz_dir().join(rel);
    assert!(p.is_file(), "{} is not in the real material", p.display());
    p
}

/// The bytes of a file of the real material.
pub fn read_realkz(rel: &str) -> Vec<u8> {
    std::fs::read(realkz(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every certificate (DER) in a file: each PEM block, or the file as DER, or
/// as unarmoured base64 (as some Kalkan examples are written).
pub fn certs_in(rel: &str) -> Vec<Vec<u8>> {
    qoltanba::input::decode_all(&read_realkz(rel), &["CERTIFICATE"])
        .unwrap_or_else(|e| panic!("{rel}: no certificate: {e}"))
}

/// The one certificate of a file, parsed.
pub fn cert(rel: &str) -> qoltanba::pki::cert::Certificate {
    let ders = certs_in(rel);
    assert_eq!(ders.len(), 1, "{rel}: expected one certificate");
    qoltanba::pki::cert::Certificate::from_der(&ders[0])
        .unwrap_or_else(|e| panic!("{rel}: does not parse: {e}"))
}

/// Unix seconds of an RFC 3339 time written in a test table.
pub fn epoch(rfc3339: &str) -> i64 {
    qoltanba::time::parse_rfc3339(rfc3339).expect("test time parses")
}

/// What the binary printed and how it exited.
pub struct Run {
    /// stdout parsed as JSON (`Value::Null` when it is not JSON).
    pub json: Value,
    /// The exit status.
    pub status: i32,
    /// stdout and stderr, for failure messages.
    pub output: String,
}

/// Runs the built `qoltanba` with `args` (paths absolute) and reads its JSON.
pub fn qoltanba(args: &[&str]) -> Run {
    let o = Command::new(env!("CARGO_BIN_EXE_qoltanba"))
        .args(args)
        .env("QOLTANBA_TRUST_DIR", "/nonexistent-trust-dir")
        .output()
        .expect("the qoltanba binary runs");
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    Run {
        json: serde_json::from_str(&stdout).unwrap_or(Value::Null),
        status: o.status.code().unwrap_or(-1),
        output: format!("{stdout}\n{}", String::from_utf8_lossy(&o.stderr)),
    }
}

/// A check of a verdict by name.
pub fn check<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == name))
        .unwrap_or(&Value::Null)
}
