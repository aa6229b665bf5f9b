//! The demo PKI's people (`certs/people/`, issued under `certs/trust/`):
//! their keys and certificates, the PKCS#12 an officer's key arrives as, and
//! the envelope a person's key makes.

use super::{pem_der, repo, run_tool};
use base64::Engine;
use qoltanba::pki::signer::RingSigner;
use std::path::{Path, PathBuf};

/// Base64 (standard alphabet, padded), as the JSON API carries bytes.
pub fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// Lower-case hex SHA-256, as the API names documents.
pub fn sha256_hex(b: &[u8]) -> String {
    qoltanba::pki::cert::hex(&qoltanba::pki::cert::sha256(b)).to_lowercase()
}

/// A demo person's key and certificate.
pub struct Who {
    /// The signing key.
    pub key: RingSigner,
    /// The certificate (DER).
    pub cert: Vec<u8>,
    /// The issuing CA's certificate (DER).
    pub chain: Vec<Vec<u8>>,
}

/// A demo person under the RSA national CA (`nca-rsa`).
pub fn who(name: &str) -> Who {
    who_under(name, "nca-rsa")
}

/// A demo person whose certificate `ca` (in `certs/trust/`) issued.
pub fn who_under(name: &str, ca: &str) -> Who {
    let key = pem_der(&format!("certs/people/{name}.key.pem"));
    Who {
        key: RingSigner::from_pkcs8(&key, None, false).unwrap(),
        cert: pem_der(&format!("certs/people/{name}.pem")),
        chain: vec![pem_der(&format!("certs/trust/{ca}.pem"))],
    }
}

/// The detached CAdES-BES envelope a person's key makes over `request` now.
pub fn signed(person: &str, ca: &str, request: &[u8]) -> Vec<u8> {
    signed_at(person, ca, request, qoltanba::time::now())
}

/// As `signed`, with the signing time `at`.
pub fn signed_at(person: &str, ca: &str, request: &[u8], at: i64) -> Vec<u8> {
    let w = who_under(person, ca);
    qoltanba::envelope::sign::sign(request, false, &w.key, &w.cert, &w.chain, at).unwrap()
}

/// A PKCS#12 of a demo person written by openssl into `dir` (no password,
/// the RSA national CA as its chain), as an officer's key arrives.
pub fn p12_file(name: &str, dir: &Path) -> PathBuf {
    let out = dir.join(format!("{name}.p12"));
    let (key, cert) = (
        format!("certs/people/{name}.key.pem"),
        format!("certs/people/{name}.pem"),
    );
    let mut openssl = std::process::Command::new("openssl");
    openssl.args(["pkcs12", "-export", "-passout", "pass:"]);
    openssl
        .arg("-inkey")
        .arg(repo(&key))
        .arg("-in")
        .arg(repo(&cert));
    openssl
        .arg("-certfile")
        .arg(repo("certs/trust/nca-rsa.pem"));
    run_tool(openssl.arg("-out").arg(&out), "openssl is installed");
    out
}

/// The bytes of `p12_file`.
pub fn p12_of(name: &str, dir: &Path) -> Vec<u8> {
    std::fs::read(p12_file(name, dir)).unwrap()
}
