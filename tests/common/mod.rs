//! Helpers shared by the integration tests, each written once: files of the
//! repository (`repo`, `pem_der`), the real national-CA material (where it
//! lives, how to read it), and how to run the built `qoltanba` binary. The
//! submodules hold the larger helpers: the `openssl` command line, the app
//! harness, loopback servers and the outside judges.
//!
//! The real material is `../shared/realkz/` beside the project (see its
//! README.md): public NCA RK test certificates, CRLs, OCSP and time-stamp
//! responses and Kalkan-made CMS, read in place and never copied into the
//! repository. When it is missing every test that needs it fails with a
//! message saying so; nothing is skipped.

#![allow(dead_code)]

pub mod app;
pub mod cdp;
pub mod demo;
pub mod egov_app;
pub mod flow;
pub mod gost_judge;
pub mod loopback;
pub mod nca_test_pki;
pub mod ncalayer;
pub mod openssl;
pub mod pdf_demo;
pub mod pdf_judge;
pub mod web;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A file or folder of the repository, by its path from the project root.
pub fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// The DER inside a PEM file of the repository (`certs/...`).
pub fn pem_der(p: &str) -> Vec<u8> {
    pem_der_at(&repo(p))
}

/// The DER inside a PEM file anywhere (a test's own folder).
pub fn pem_der_at(p: &Path) -> Vec<u8> {
    let text = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let pem = pem::parse(text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    pem.into_contents()
}

/// `bytes` written to `dir/name`: that path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Runs a tool the tests need and insists that it succeeds; `install` says
/// where the tool comes from when it cannot be run.
pub fn run_tool(cmd: &mut Command, install: &str) -> std::process::Output {
    let o = cmd.output().unwrap_or_else(|e| panic!("{install}: {e}"));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{cmd:?}: {stderr}");
    o
}

/// A fresh PostgreSQL database, `prefix` and this process's id, under
/// `QOLTANBA_TEST_POSTGRES_URL` (set by `./scripts/test`): its URL. Without
/// the variable: `None` and a note, or a failure under CI.
pub async fn fresh_postgres(prefix: &str) -> Option<String> {
    let Ok(admin) = std::env::var("QOLTANBA_TEST_POSTGRES_URL") else {
        if std::env::var("CI").is_ok() {
            panic!("QOLTANBA_TEST_POSTGRES_URL is not set: run ./scripts/test");
        }
        eprintln!("note: PostgreSQL half skipped (./scripts/test sets QOLTANBA_TEST_POSTGRES_URL)");
        return None;
    };
    use sqlx::{AssertSqlSafe, Executor};
    sqlx::any::install_default_drivers();
    let name = format!("{prefix}_{}", std::process::id());
    let pool = sqlx::AnyPool::connect(&admin)
        .await
        .expect("postgres reachable");
    let drop = format!("DROP DATABASE IF EXISTS {name}");
    let _ = pool.execute(AssertSqlSafe(drop)).await;
    let create = format!("CREATE DATABASE {name}");
    pool.execute(AssertSqlSafe(create))
        .await
        .expect("create database");
    pool.close().await;
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string());
    Some(format!("{}/{name}", base.unwrap_or(admin.clone())))
}

/// `n` property-test cases, or `PROPTEST_CASES` when set (for longer soak runs).
pub fn proptest_cases(n: u32) -> u32 {
    let soak = std::env::var("PROPTEST_CASES").ok();
    soak.and_then(|v| v.parse().ok()).unwrap_or(n)
}

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

/// Runs the built `qoltanba` with `args` over the data folder `data_dir`:
/// its exit code and everything it printed (stdout, then stderr).
pub fn qoltanba_in(args: &[&str], data_dir: &Path) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_qoltanba"))
        .args(args)
        .env("QOLTANBA_DATA_DIR", data_dir)
        .env("QOLTANBA_TRUST_DIR", "/nonexistent-trust-dir")
        .output()
        .expect("the qoltanba binary runs");
    let (out, err) = (&o.stdout, &o.stderr);
    let text = [out, err].map(|b| String::from_utf8_lossy(b).into_owned());
    (o.status.code().unwrap_or(-1), text.concat())
}

/// Runs the built `qoltanba` in the project root, trusting the demo
/// `certs/trust/`: its exit code, stdout and stderr.
pub fn qoltanba_demo<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_qoltanba"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("QOLTANBA_TRUST_DIR", repo("certs/trust"))
        .output()
        .expect("the qoltanba binary runs");
    let [out, err] = [&o.stdout, &o.stderr].map(|b| String::from_utf8_lossy(b).into_owned());
    (o.status.code().unwrap_or(-1), out, err)
}

/// A check of a verdict by name.
pub fn check<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == name))
        .unwrap_or(&Value::Null)
}
