//! A real TSA for the tests: `openssl ts -reply`, in-process or behind a
//! small HTTP server on loopback, with a TSA certificate issued by the demo
//! RSA intermediate, by a rogue CA, or by a long-lived CA of its own (for
//! renewals tested decades ahead), and a CRL from that CA.
//!
//! Needs `mod common;` beside it in the test binary.

#![allow(dead_code)]

use crate::common::loopback::serve_posts_as;
use crate::common::openssl::{openssl, openssl_output};
use crate::common::repo;
use std::path::{Path, PathBuf};

/// The extensions of a TSA certificate (`[tsa]` in `ext.cnf`).
const TSA_EXT: &str = "[tsa]\nbasicConstraints=CA:false\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n";

/// A new RSA key `key_file` and its request `tsa.csr` for `CN=cn`, in `d`.
fn tsa_request(d: &Path, key_file: &str, cn: &str) {
    let subject = format!("/C=KZ/O=QOLTANBA TEST/CN={cn}");
    let new_key = ["req", "-new", "-newkey", "rsa:2048", "-nodes"];
    let out = ["-keyout", key_file, "-out", "tsa.csr", "-subj", &subject];
    openssl(d, &[&new_key[..], &out].concat());
}

/// `tsa.pem` in `d`: `tsa.csr` issued by `ca` (`ca_key`) with the `[tsa]`
/// extensions of `ext.cnf`, the serial as `serial` says, for `days`.
fn issue_tsa_cert(d: &Path, (ca, ca_key): (&str, &str), serial: &[&str], days: &str) {
    let by = [
        "x509", "-req", "-in", "tsa.csr", "-CA", ca, "-CAkey", ca_key,
    ];
    let out = ["-out", "tsa.pem", "-days", days];
    let ext = ["-extfile", "ext.cnf", "-extensions", "tsa"];
    openssl(d, &[&by[..], serial, &out, &ext].concat());
}

/// A TSA key (`dir/KEY_FILE`) and certificate (`dir/tsa.pem`, serial
/// `serial`, ten years) issued by the demo RSA intermediate.
pub fn demo_tsa_cert(dir: &Path, key_file: &str, serial: &str) {
    std::fs::write(dir.join("ext.cnf"), TSA_EXT).unwrap();
    tsa_request(dir, key_file, "TEST TSA");
    let ca = repo("certs/trust/nca-rsa.pem");
    let key = repo("certs/ca/nca-rsa.key.pem");
    let by = (ca.to_str().unwrap(), key.to_str().unwrap());
    issue_tsa_cert(dir, by, &["-set_serial", serial], "3650");
}

/// `ts.cnf`: `openssl ts -reply`'s TSA in `d` (`tsa.pem`, `tsa.key`, `ca.pem`).
fn write_ts_config(d: &Path) {
    std::fs::write(d.join("serial"), "01\n").unwrap();
    let cnf = format!(
        "[tsa]\ndefault_tsa = t\n[t]\ndir = {}\nserial = $dir/serial\ncrypto_device = builtin\nsigner_cert = $dir/tsa.pem\ncerts = $dir/ca.pem\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\ndefault_policy = 1.2.398.3.3.5.1\ndigests = sha256, sha384, sha512\naccuracy = secs:1\nordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
        d.display()
    );
    std::fs::write(d.join("ts.cnf"), cnf).unwrap();
}

/// A TSA certificate issued by the demo RSA intermediate (or self-signed when `rogue`).
pub fn tsa_dir(rogue: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    if rogue {
        std::fs::write(d.join("ext.cnf"), TSA_EXT).unwrap();
        tsa_request(d, "tsa.key", "TEST TSA");
        let new_ca = ["req", "-x509", "-newkey", "rsa:2048", "-nodes"];
        let out = ["-keyout", "ca.key", "-out", "ca.pem"];
        let subject = ["-subj", "/CN=ROGUE CA", "-days", "3650"];
        openssl(d, &[&new_ca[..], &out, &subject].concat());
        issue_tsa_cert(d, ("ca.pem", "ca.key"), &["-CAcreateserial"], "3650");
    } else {
        demo_tsa_cert(d, "tsa.key", "4242");
        std::fs::copy(repo("certs/trust/nca-rsa.pem"), d.join("ca.pem")).unwrap();
    }
    write_ts_config(d);
    dir
}

/// `openssl ts -reply` of the TSA in `dir` to the time-stamp request `query`.
pub fn ts_reply(dir: &Path, query: &[u8]) -> Result<Vec<u8>, String> {
    std::fs::write(dir.join("q.tsq"), query).map_err(|e| e.to_string())?;
    let reply = ["ts", "-reply", "-config", "ts.cnf"];
    let files = ["-queryfile", "q.tsq", "-out", "r.tsr"];
    let o = openssl_output(dir, &[&reply[..], &files].concat());
    if !o.status.success() {
        return Err(String::from_utf8_lossy(&o.stderr).into_owned());
    }
    std::fs::read(dir.join("r.tsr")).map_err(|e| e.to_string())
}

/// Serves `openssl ts -reply` over HTTP on a free port, for `n` requests
/// (an empty answer to a request it refuses).
pub fn serve_tsa(dir: PathBuf, n: usize) -> String {
    let answer = move |query: &[u8]| ts_reply(&dir, query).unwrap_or_default();
    let base = serve_posts_as(n, "application/timestamp-reply", answer);
    format!("{base}tsa")
}

/// A TSA whose own root CA (`ca.pem`, `ca.key`) and certificate are valid
/// for `days` from now, with that CA's CRL (`ca.crl`, empty, valid as long).
pub fn long_lived_tsa_dir(days: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let days = days.to_string();
    let ca_ext = "[ca]\nbasicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n";
    std::fs::write(d.join("ext.cnf"), format!("{TSA_EXT}{ca_ext}")).unwrap();
    let new_ca = ["req", "-x509", "-newkey", "rsa:2048", "-nodes"];
    let out = ["-keyout", "ca.key", "-out", "ca.pem"];
    let subject = ["-subj", "/C=KZ/O=QOLTANBA TEST/CN=LONG-LIVED TSA CA"];
    let ext = ["-days", &days, "-extensions", "ca", "-config", "ext.cnf"];
    openssl(d, &[&new_ca[..], &out, &subject, &ext].concat());
    tsa_request(d, "tsa.key", "LONG-LIVED TSA");
    issue_tsa_cert(d, ("ca.pem", "ca.key"), &["-set_serial", "77"], &days);
    std::fs::write(d.join("index.txt"), "").unwrap();
    std::fs::write(d.join("crlnumber"), "01\n").unwrap();
    std::fs::write(
        d.join("ca.cnf"),
        format!(
            "[ca]\ndefault_ca = c\n[c]\ndatabase = {0}/index.txt\ncrlnumber = {0}/crlnumber\ndefault_md = sha256\ndefault_crl_days = {1}\n",
            d.display(),
            days
        ),
    )
    .unwrap();
    let gencrl = ["ca", "-gencrl", "-config", "ca.cnf", "-keyfile", "ca.key"];
    openssl(
        d,
        &[&gencrl[..], &["-cert", "ca.pem", "-out", "ca.crl"]].concat(),
    );
    write_ts_config(d);
    dir
}
