//! OCSP revocation against a real responder: `openssl ocsp` on loopback.
//!
//! The PKI is made by `openssl req` / `openssl ca` once per test process
//! (P-256 keys, fixed validity windows, fixed revocation dates), and each
//! test starts its own responder (`openssl ocsp -index … -port …`) on a free
//! port, stopped by a guard when the test ends. Verdicts come from the built
//! `qoltanba` binary (`cert verify`, `verify`) or from the library where a
//! transport wrapper is needed (counting requests, replaying a response).
//!
//! The validation time is the wall clock (openssl stamps thisUpdate with
//! it), inside the certificates' 2025–2035 windows.
//!
//! `openssl` is required: without it every test fails saying so.

mod common;

use common::loopback::free_port;
use common::openssl::{Ca, KeyAlg, genkeys, openssl, openssl_cmd, openssl_output, require_openssl};
use qoltanba::pki::ocsp::{HttpTransport, OcspClient, OcspTransport, message};
use qoltanba::pki::revocation::RevocationStore;
use qoltanba::pki::{self, Extra, Policy, RevocationMode, TrustStore, cert::Certificate};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tempfile::TempDir;

/// Certificate windows (from `CERT_FROM`).
const CERT_TO: &str = "350101000000Z";
/// CRL dates: fresh for the whole certificate window.
const CRL_LAST: &str = "250601000000Z";
const CRL_NEXT: &str = "341231000000Z";
/// Revocation date written into the CA database (before any test's `at`).
const REVOKED_ON: &str = "260101000000Z";

// ---------------------------------------------------------------------------
// The PKI, built once per process
// ---------------------------------------------------------------------------

/// Builds the PKI and returns its files:
/// - `root` (self-signed) → `ca` → `leaf`, `revoked` (keyCompromise),
///   `held` (certificateHold), `stranger` (not in the responder's index),
///   `rsigner` (id-kp-OCSPSigning), `noeku` (no extendedKeyUsage);
/// - `root` → `foreign` (id-kp-OCSPSigning, but from another CA than `ca`);
/// - `index.txt` (the CA database as the responder reads it: `stranger`
///   removed), `index-clean.txt` (every certificate good);
/// - `ca-clean.crl` (empty), `ca.crl` (`revoked` and `held`), `root.crl`.
fn build_pki() -> Vec<(String, Vec<u8>)> {
    require_openssl();
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    let names = [
        "root", "ca", "leaf", "revoked", "held", "stranger", "rsigner", "noeku", "foreign",
    ];
    genkeys(d, names.map(|n| (n, KeyAlg::P256)));
    let org = "/C=KZ/O=Qoltanba OCSP (TEST)";
    let root_subj = format!("{org}/CN=OCSP Test Root");
    let root = Ca::root(d, "root", &root_subj, "1000", false, CERT_TO);
    root.issue(
        "ca",
        &format!("{org}/CN=OCSP Test Issuing CA"),
        "v3_ca",
        CERT_TO,
    );
    root.issue(
        "foreign",
        &format!("{org}/CN=Foreign Responder"),
        "v3_ocsp",
        CERT_TO,
    );
    root.gencrl("root.crl", CRL_LAST, CRL_NEXT, &[]);
    let ca = Ca::init(d, "ca", "2000", false);
    ca.adopt("ca");
    for (n, subj, ext) in [
        (
            "leaf",
            "/C=KZ/serialNumber=IIN880101300123/CN=Leaf Citizen",
            "v3_sign",
        ),
        ("revoked", "/C=KZ/CN=Revoked Citizen", "v3_sign"),
        ("held", "/C=KZ/CN=Held Citizen", "v3_sign"),
        ("stranger", "/C=KZ/CN=Stranger", "v3_sign"),
        ("rsigner", &format!("{org}/CN=OCSP Responder"), "v3_ocsp"),
        (
            "noeku",
            &format!("{org}/CN=Responder Without EKU"),
            "v3_noeku",
        ),
    ] {
        ca.issue(n, subj, ext, CERT_TO);
    }
    ca.gencrl("ca-clean.crl", CRL_LAST, CRL_NEXT, &[]);
    std::fs::write(d.join("index-clean.txt"), ca.index()).unwrap();
    let compromised = ["-crl_reason", "keyCompromise"];
    ca.revoke("revoked.pem", &compromised, REVOKED_ON);
    ca.revoke(
        "held.pem",
        &["-crl_hold", "holdInstructionReject"],
        REVOKED_ON,
    );
    ca.gencrl("ca.crl", CRL_LAST, CRL_NEXT, &[]);
    // The responder does not know `stranger`: its line leaves the index.
    let stranger = std::fs::read_to_string(d.join("stranger.pem")).unwrap();
    let serial = Certificate::from_der(&pem_der(&stranger))
        .unwrap()
        .serial_hex();
    let index: Vec<String> = ca
        .index()
        .lines()
        .filter(|l| l.split('\t').nth(3) != Some(serial.as_str()))
        .map(String::from)
        .collect();
    assert_eq!(index.len(), 5, "stranger's line removed from {index:?}");
    std::fs::write(d.join("index.txt"), index.join("\n") + "\n").unwrap();

    let mut files = Vec::new();
    for n in names {
        for ext in ["pem", "key"] {
            let f = format!("{n}.{ext}");
            files.push((f.clone(), std::fs::read(d.join(&f)).unwrap()));
        }
    }
    for f in [
        "index.txt",
        "index-clean.txt",
        "ca-clean.crl",
        "ca.crl",
        "root.crl",
    ] {
        files.push((f.to_string(), std::fs::read(d.join(f)).unwrap()));
    }
    files
}

fn pem_der(pem_text: &str) -> Vec<u8> {
    pem::parse(pem_text).expect("PEM").into_contents()
}

/// A test's folder holding a copy of the PKI.
fn pki() -> TempDir {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    let files = FILES.get_or_init(build_pki);
    let t = TempDir::new().unwrap();
    for (n, b) in files {
        std::fs::write(t.path().join(n), b).unwrap();
    }
    t
}

// ---------------------------------------------------------------------------
// The responder
// ---------------------------------------------------------------------------

/// `openssl ocsp` as a responder, killed when dropped.
struct Responder {
    child: Child,
    port: u16,
}

impl Responder {
    /// Starts a responder for certificates issued by `ca.pem`, reading
    /// `index`, signing as `signer` (`<signer>.pem`/`.key`).
    ///
    /// Readiness is openssl's `ACCEPT` line, not a probe connection: a
    /// connection closed without a request wedges `openssl ocsp`.
    fn start(dir: &Path, index: &str, signer: &str, extra: &[&str]) -> Responder {
        require_openssl();
        for _ in 0..5 {
            let port = free_port();
            let p = port.to_string();
            let (pem, key) = (format!("{signer}.pem"), format!("{signer}.key"));
            let mut args = vec![
                "ocsp", "-index", index, "-port", &p, "-rsigner", &pem, "-rkey", &key, "-CA",
                "ca.pem", "-rmd", "sha256",
            ];
            args.extend_from_slice(extra);
            let log = std::fs::File::create(dir.join(format!("responder-{port}.log"))).unwrap();
            let mut child = Command::new(openssl_cmd())
                .current_dir(dir)
                .args(&args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(log)
                .spawn()
                .expect("spawn openssl ocsp");
            let stdout = child.stdout.take().unwrap();
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let mut lines = BufReader::new(stdout).lines();
                let first = lines.next().and_then(Result::ok).unwrap_or_default();
                let _ = tx.send(first);
                // Keep draining so openssl never blocks on a full pipe.
                for _ in lines {}
            });
            match rx.recv_timeout(Duration::from_secs(10)) {
                Ok(line) if line.starts_with("ACCEPT") => return Responder { child, port },
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                }
            }
        }
        panic!("openssl ocsp did not start listening");
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// Running qoltanba
// ---------------------------------------------------------------------------

struct Run {
    status: i32,
    json: Value,
    stderr: String,
}

impl Run {
    fn revocation(&self) -> &Value {
        self.json["checks"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["name"] == "revocation"))
            .map(|c| &c["detail"])
            .unwrap_or(&Value::Null)
    }
    /// Why the deciding revocation source gave no answer.
    fn problem(&self) -> &str {
        let problem = &self.revocation()["decided_by"]["detail"]["problem"];
        problem.as_str().unwrap_or_default()
    }
    /// The first path certificate's revocation detail (the leaf).
    fn leaf(&self) -> &Value {
        &self.revocation()["certificates"][0]["detail"]
    }
    fn expect(&self, indication: &str, code: &str, sub: Option<&str>) {
        assert_eq!(
            (
                self.json["indication"].as_str(),
                self.json["code"].as_str(),
                self.json["sub_indication"].as_str()
            ),
            (Some(indication), Some(code), sub),
            "verdict:\n{}\nstderr: {}",
            serde_json::to_string_pretty(&self.json).unwrap(),
            self.stderr
        );
        let exit = match indication {
            "PASSED" => 0,
            "FAILED" => 1,
            _ => 3,
        };
        assert_eq!(self.status, exit, "exit status");
    }
}

fn qoltanba(dir: &Path, args: &[&str]) -> Run {
    let o = Command::new(env!("CARGO_BIN_EXE_qoltanba"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run qoltanba");
    let stdout = String::from_utf8_lossy(&o.stdout);
    Run {
        status: o.status.code().unwrap_or(-1),
        json: serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "qoltanba {args:?} printed no JSON ({e}):\n{stdout}\n{}",
                String::from_utf8_lossy(&o.stderr)
            )
        }),
        stderr: String::from_utf8_lossy(&o.stderr).to_string(),
    }
}

/// `cert verify --cert <cert>.pem --trust ca.pem --revocation <mode> [--ocsp URL] [more]`.
fn cert_verify(dir: &Path, cert: &str, mode: &str, url: Option<&str>, more: &[&str]) -> Run {
    let pem = format!("{cert}.pem");
    let mut args = vec![
        "cert",
        "verify",
        "--cert",
        &pem,
        "--trust",
        "ca.pem",
        "--revocation",
        mode,
    ];
    if let Some(u) = url {
        args.extend_from_slice(&["--ocsp", u]);
    }
    args.extend_from_slice(more);
    qoltanba(dir, &args)
}

/// `cert verify` of `cert` in `mode`, asking a fresh responder that reads
/// `index.txt` and signs as `signer`.
fn ocsp_verdict(cert: &str, signer: &str, mode: &str) -> Run {
    ask_responder(cert, "index.txt", signer, mode, &[])
}

/// `cert verify` of `cert` in `mode` with `more`, asking a fresh responder
/// that reads `index` and signs as `signer`.
fn ask_responder(cert: &str, index: &str, signer: &str, mode: &str, more: &[&str]) -> Run {
    let t = pki();
    let r = Responder::start(t.path(), index, signer, &[]);
    cert_verify(t.path(), cert, mode, Some(&r.url()), more)
}

/// The leaf checked against a responder signing as `signer`, which must
/// not be believed: OCSP_INVALID, the problem naming `why`.
fn responder_not_believed(signer: &str, why: &str) {
    let run = ocsp_verdict("leaf", signer, "ocsp");
    let chain_failure = Some("CERTIFICATE_CHAIN_GENERAL_FAILURE");
    run.expect("INDETERMINATE", "OCSP_INVALID", chain_failure);
    let problem = run.problem();
    assert!(problem.contains(why), "{problem}");
}

fn rfc3339_in(seconds: i64) -> String {
    qoltanba::time::rfc3339(qoltanba::time::now() + seconds)
}

// ---------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------

#[test]
fn good_from_a_delegated_responder_passes_with_source_ocsp() {
    let t = pki();
    let r = Responder::start(t.path(), "index.txt", "rsigner", &[]);
    let run = cert_verify(t.path(), "leaf", "ocsp", Some(&r.url()), &[]);
    run.expect("PASSED", "OK", None);
    let leaf = run.leaf();
    assert_eq!(leaf["source"], "ocsp", "{leaf:#}");
    assert_eq!(leaf["signed_by"]["kind"], "delegated responder");
    assert_eq!(leaf["nonce"], "matched");
    assert_eq!(leaf["cached"], false);
    assert!(leaf["produced_at"].is_string() && leaf["this_update"].is_string());
    assert!(
        leaf["next_update"].is_null(),
        "no -nmin/-ndays: no nextUpdate"
    );
    assert_eq!(
        run.json["policy"]["revocation_sources"],
        serde_json::json!(["ocsp"])
    );
    assert_eq!(run.json["policy"]["revocation_mode"], "ocsp");

    // openssl's own client agrees with the responder.
    let url = r.url();
    let client = [
        "ocsp", "-issuer", "ca.pem", "-cert", "leaf.pem", "-url", &url,
    ];
    let out = openssl_output(
        t.path(),
        &[&client[..], &["-VAfile", "rsigner.pem"]].concat(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("leaf.pem: good"),
        "openssl ocsp says:\n{text}"
    );
}

#[test]
fn good_signed_by_the_issuing_ca_passes() {
    let t = pki();
    let r = Responder::start(t.path(), "index.txt", "ca", &["-ndays", "1"]);
    let run = cert_verify(t.path(), "leaf", "ocsp", Some(&r.url()), &[]);
    run.expect("PASSED", "OK", None);
    assert_eq!(run.leaf()["signed_by"]["kind"], "issuing CA");
    assert!(run.leaf()["next_update"].is_string());
}

#[test]
fn revoked_is_cert_revoked() {
    let run = ocsp_verdict("revoked", "rsigner", "ocsp");
    run.expect("FAILED", "CERT_REVOKED", Some("REVOKED"));
    let item = &run.revocation()["certificates"][0];
    assert_eq!(item["status"], "revoked");
    assert_eq!(item["reason"], "keyCompromise");
    assert_eq!(item["revoked_at"], "2026-01-01T00:00:00Z");
    assert_eq!(item["detail"]["source"], "ocsp");
}

#[test]
fn on_hold_is_revoked_on_hold() {
    let run = ocsp_verdict("held", "rsigner", "ocsp");
    run.expect("INDETERMINATE", "CERT_REVOKED", Some("REVOKED_ON_HOLD"));
}

#[test]
fn unknown_is_revocation_unavailable() {
    let run = ocsp_verdict("stranger", "rsigner", "ocsp");
    run.expect("INDETERMINATE", "REVOCATION_UNAVAILABLE", Some("TRY_LATER"));
    assert_eq!(run.problem(), "responder does not know the certificate");
}

#[test]
fn responder_without_ocsp_signing_is_ocsp_invalid() {
    responder_not_believed("noeku", "id-kp-OCSPSigning");
}

#[test]
fn responder_of_another_ca_is_ocsp_invalid() {
    responder_not_believed("foreign", "not issued by");
}

#[test]
fn stale_response_is_revocation_stale() {
    let t = pki();
    // nextUpdate = now + 1 min; validated 3 min from now.
    let r = Responder::start(t.path(), "index.txt", "rsigner", &["-nmin", "1"]);
    let at = rfc3339_in(180);
    let run = cert_verify(t.path(), "leaf", "ocsp", Some(&r.url()), &["--at", &at]);
    run.expect("INDETERMINATE", "REVOCATION_STALE", Some("TRY_LATER"));
    let d = &run.revocation()["decided_by"]["detail"];
    assert!(d["next_update"].is_string(), "{d:#}");
    assert_eq!(d["response"]["nonce"], "matched");
}

#[test]
fn responder_down_is_try_later() {
    let t = pki();
    let url = format!("http://127.0.0.1:{}/", free_port());
    let run = cert_verify(t.path(), "leaf", "ocsp", Some(&url), &[]);
    run.expect("INDETERMINATE", "REVOCATION_UNAVAILABLE", Some("TRY_LATER"));
}

#[test]
fn no_responder_url_is_unavailable() {
    let t = pki();
    // The test certificates carry no OCSP authorityInfoAccess.
    let run = cert_verify(t.path(), "leaf", "ocsp", None, &[]);
    run.expect("INDETERMINATE", "REVOCATION_UNAVAILABLE", Some("TRY_LATER"));
}

#[test]
fn both_with_crl_revoked_and_ocsp_good_is_revoked() {
    let crl = ["--crl", "ca.crl"];
    let run = ask_responder("revoked", "index-clean.txt", "rsigner", "both", &crl);
    run.expect("FAILED", "CERT_REVOKED", Some("REVOKED"));
    let d = &run.revocation()["certificates"][0]["detail"];
    assert_eq!(d["source"], "crl", "{d:#}");
    assert_eq!(d["other"]["source"], "ocsp");
    assert_eq!(run.json["policy"]["revocation_mode"], "both");
}

#[test]
fn both_good_passes_and_both_needs_both() {
    let crl = ["--crl", "ca.crl"];
    let run = ask_responder("leaf", "index.txt", "rsigner", "both", &crl);
    run.expect("PASSED", "OK", None);
    assert_eq!(run.leaf()["source"], "crl+ocsp");
    // CRL good, OCSP down: not good.
    let (t, down) = (pki(), format!("http://127.0.0.1:{}/", free_port()));
    let run = cert_verify(t.path(), "leaf", "both", Some(&down), &crl);
    run.expect("INDETERMINATE", "REVOCATION_UNAVAILABLE", Some("TRY_LATER"));
}

#[test]
fn any_without_crl_takes_ocsp_good() {
    let run = ocsp_verdict("leaf", "rsigner", "any");
    run.expect("PASSED", "OK", None);
    assert_eq!(run.leaf()["source"], "ocsp");
}

#[test]
fn any_with_a_good_crl_never_asks_ocsp() {
    let t = pki();
    let down = format!("http://127.0.0.1:{}/", free_port());
    let run = cert_verify(t.path(), "leaf", "any", Some(&down), &["--crl", "ca.crl"]);
    run.expect("PASSED", "OK", None);
    assert_eq!(run.leaf()["source"], "crl");
    // Neither source answers: unavailable.
    let run = cert_verify(t.path(), "leaf", "any", Some(&down), &[]);
    run.expect("INDETERMINATE", "REVOCATION_UNAVAILABLE", Some("TRY_LATER"));
}

#[test]
fn three_level_path_checks_every_certificate() {
    let t = pki();
    let r = Responder::start(t.path(), "index.txt", "rsigner", &[]);
    let url = r.url();
    let common = [
        "cert", "verify", "--cert", "leaf.pem", "--trust", "root.pem", "--certs", "ca.pem",
        "--ocsp", &url,
    ];
    // `any`: the root's CRL answers for the CA, OCSP for the leaf.
    let mut args = common.to_vec();
    args.extend_from_slice(&["--revocation", "any", "--crl", "root.crl"]);
    let run = qoltanba(t.path(), &args);
    run.expect("PASSED", "OK", None);
    let certs = &run.revocation()["certificates"];
    assert_eq!(certs[0]["detail"]["source"], "ocsp");
    assert_eq!(certs[1]["detail"]["source"], "crl");
    // `ocsp` alone: the CA's responder answers for the CA certificate too,
    // but only the root could authorise that answer: it fails closed.
    let mut args = common.to_vec();
    args.extend_from_slice(&["--revocation", "ocsp"]);
    let run = qoltanba(t.path(), &args);
    run.expect(
        "INDETERMINATE",
        "OCSP_INVALID",
        Some("CERTIFICATE_CHAIN_GENERAL_FAILURE"),
    );
    let certs = &run.revocation()["certificates"];
    assert_eq!(certs[0]["status"], "good");
    assert_eq!(certs[1]["status"], "unknown");
    assert_eq!(certs[1]["code"], "OCSP_INVALID");
}

#[test]
fn envelope_verify_takes_the_same_flags() {
    let t = pki();
    let r = Responder::start(t.path(), "index.txt", "rsigner", &[]);
    std::fs::write(t.path().join("data.txt"), b"application #1 for OCSP\n").unwrap();
    openssl(
        t.path(),
        &[
            "cms",
            "-sign",
            "-binary",
            "-nodetach",
            "-md",
            "sha256",
            "-signer",
            "leaf.pem",
            "-inkey",
            "leaf.key",
            "-in",
            "data.txt",
            "-outform",
            "DER",
            "-out",
            "env.p7s",
        ],
    );
    let url = r.url();
    let run = qoltanba(
        t.path(),
        &[
            "verify",
            "--signature",
            "env.p7s",
            "--trust",
            "ca.pem",
            "--iin",
            "880101300123",
            "--revocation",
            "ocsp",
            "--ocsp",
            &url,
        ],
    );
    run.expect("PASSED", "OK", None);
    assert_eq!(run.leaf()["source"], "ocsp");
    // Default mode stays CRL-only and never touches the network.
    let run = qoltanba(
        t.path(),
        &["verify", "--signature", "env.p7s", "--trust", "ca.pem"],
    );
    run.expect("INDETERMINATE", "REVOCATION_UNAVAILABLE", Some("TRY_LATER"));
    assert_eq!(
        run.json["policy"]["revocation_sources"],
        serde_json::json!(["crl"])
    );
}

#[test]
fn bad_mode_is_a_usage_error() {
    let t = pki();
    let o = Command::new(env!("CARGO_BIN_EXE_qoltanba"))
        .current_dir(t.path())
        .args([
            "cert",
            "verify",
            "--cert",
            "leaf.pem",
            "--revocation",
            "sometimes",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

// ---------------------------------------------------------------------------
// Library level: the cache, replays, the request itself, manifests
// ---------------------------------------------------------------------------

/// Forwards to HTTP and counts requests; `replay` answers every request
/// after the first with the first response.
struct Recording {
    inner: HttpTransport,
    count: AtomicUsize,
    replay: bool,
    first: Mutex<Option<Vec<u8>>>,
}

impl Recording {
    fn new(replay: bool) -> Arc<Recording> {
        Arc::new(Recording {
            inner: HttpTransport::default(),
            count: AtomicUsize::new(0),
            replay,
            first: Mutex::new(None),
        })
    }
}

impl OcspTransport for Recording {
    fn post(&self, url: &str, body: &[u8]) -> Result<Vec<u8>, String> {
        self.count.fetch_add(1, Ordering::SeqCst);
        let mut first = self.first.lock().unwrap();
        if self.replay
            && let Some(b) = first.as_ref()
        {
            return Ok(b.clone());
        }
        let b = self.inner.post(url, body)?;
        first.get_or_insert_with(|| b.clone());
        Ok(b)
    }
}

fn store(dir: &Path) -> TrustStore {
    let mut s = TrustStore::new("test");
    s.add_anchors(&std::fs::read(dir.join("ca.pem")).unwrap(), "ca.pem")
        .unwrap();
    s
}

fn lib_verify(dir: &Path, cert: &str, policy: &Policy) -> qoltanba::verdict::Verdict {
    pki::verify_certificate(
        &std::fs::read(dir.join(format!("{cert}.pem"))).unwrap(),
        &store(dir),
        &Extra::default(),
        &RevocationStore::default(),
        qoltanba::time::now(),
        policy,
    )
}

fn revocation_detail(v: &qoltanba::verdict::Verdict) -> Value {
    v.checks
        .iter()
        .find(|c| c.name == "revocation")
        .map(|c| c.detail.clone())
        .unwrap_or_default()
}

#[test]
fn cache_answers_the_second_verify_without_a_request() {
    let t = pki();
    let r = Responder::start(t.path(), "index.txt", "rsigner", &["-nmin", "60"]);
    let transport = Recording::new(false);
    let client = Arc::new(OcspClient::new(transport.clone()));
    let policy = Policy {
        revocation: RevocationMode::Ocsp,
        ocsp_url: Some(r.url()),
        ocsp: Some(client.clone()),
        ..Default::default()
    };
    let first = lib_verify(t.path(), "leaf", &policy);
    assert!(first.passed(), "{:?}", first.checks);
    let second = lib_verify(t.path(), "leaf", &policy);
    assert!(second.passed(), "{:?}", second.checks);
    assert_eq!(transport.count.load(Ordering::SeqCst), 1, "one request");
    assert_eq!(client.cache().len(), 1);
    let d = revocation_detail(&second);
    assert_eq!(d["certificates"][0]["detail"]["cached"], true, "{d:#}");
    // Revoked answers are kept too; a stale cached answer is not used.
    let _ = lib_verify(t.path(), "revoked", &policy);
    assert_eq!(client.cache().len(), 2);
    let late = pki::verify_certificate(
        &std::fs::read(t.path().join("leaf.pem")).unwrap(),
        &store(t.path()),
        &Extra::default(),
        &RevocationStore::default(),
        qoltanba::time::now() + 2 * 3600,
        &policy,
    );
    assert_eq!(transport.count.load(Ordering::SeqCst), 3, "refetched");
    assert_eq!(late.code.as_str(), "REVOCATION_STALE");
}

#[test]
fn responses_without_next_update_are_not_cached() {
    let t = pki();
    let r = Responder::start(t.path(), "index.txt", "rsigner", &[]);
    let transport = Recording::new(false);
    let policy = Policy {
        revocation: RevocationMode::Ocsp,
        ocsp_url: Some(r.url()),
        ocsp: Some(Arc::new(OcspClient::new(transport.clone()))),
        ..Default::default()
    };
    assert!(lib_verify(t.path(), "leaf", &policy).passed());
    assert!(lib_verify(t.path(), "leaf", &policy).passed());
    assert_eq!(transport.count.load(Ordering::SeqCst), 2);
}

#[test]
fn a_replayed_response_fails_the_nonce() {
    let t = pki();
    let r = Responder::start(t.path(), "index.txt", "rsigner", &["-nmin", "60"]);
    let transport = Recording::new(true);
    let policy = Policy {
        revocation: RevocationMode::Ocsp,
        ocsp_url: Some(r.url()),
        ocsp: Some(Arc::new(
            OcspClient::new(transport.clone()).with_cache_capacity(0),
        )),
        ..Default::default()
    };
    assert!(lib_verify(t.path(), "leaf", &policy).passed());
    let v = lib_verify(t.path(), "leaf", &policy);
    assert_eq!(v.code.as_str(), "OCSP_INVALID");
    let d = revocation_detail(&v);
    assert!(
        d["decided_by"]["detail"]["problem"]
            .as_str()
            .unwrap_or_default()
            .contains("nonce"),
        "{d:#}"
    );
    // The same replayed bytes for another certificate: no answer for it.
    let v = lib_verify(t.path(), "revoked", &policy);
    assert_eq!(v.code.as_str(), "OCSP_INVALID");
}

#[test]
fn our_request_is_what_openssl_would_send() {
    let t = pki();
    let d = t.path();
    let read = |n: &str| {
        Certificate::from_der(&pem_der(
            &std::fs::read_to_string(d.join(format!("{n}.pem"))).unwrap(),
        ))
        .unwrap()
    };
    let (leaf, ca) = (read("leaf"), read("ca"));
    let id = message::cert_id(&leaf, &ca).unwrap();
    let nonce = [0x5a; message::NONCE_LEN];
    std::fs::write(
        d.join("ours.der"),
        message::request_der(&id, &nonce).unwrap(),
    )
    .unwrap();
    openssl(
        d,
        &[
            "ocsp",
            "-issuer",
            "ca.pem",
            "-cert",
            "leaf.pem",
            "-no_nonce",
            "-reqout",
            "theirs.der",
        ],
    );
    let text = |f: &str| {
        String::from_utf8_lossy(&openssl(d, &["ocsp", "-reqin", f, "-req_text"])).to_string()
    };
    let (ours, theirs) = (text("ours.der"), text("theirs.der"));
    let cert_id = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| {
                [
                    "Hash Algorithm",
                    "Issuer Name Hash",
                    "Issuer Key Hash",
                    "Serial Number",
                ]
                .iter()
                .any(|k| l.contains(k))
            })
            .map(|l| l.trim().to_string())
            .collect()
    };
    assert_eq!(cert_id(&ours).len(), 4, "{ours}");
    assert_eq!(
        cert_id(&ours),
        cert_id(&theirs),
        "ours:\n{ours}\ntheirs:\n{theirs}"
    );
    assert!(ours.contains("OCSP Nonce"), "{ours}");
    assert!(ours.contains(&"5A".repeat(8)), "{ours}");
}

#[test]
fn vector_manifests_accept_ocsp_modes() {
    let t = pki();
    let r = Responder::start(t.path(), "index.txt", "rsigner", &[]);
    let manifest = serde_json::json!({
        "suite": "ocsp",
        "defaults": { "trust": ["ca.pem"], "revocation": "ocsp", "ocsp": r.url() },
        "vectors": [
            { "id": "good", "kind": "certificate", "input": "leaf.pem",
              "expect": { "indication": "PASSED", "code": "OK" } },
            { "id": "revoked", "kind": "certificate", "input": "revoked.pem",
              "expect": { "indication": "FAILED", "code": "CERT_REVOKED", "sub_indication": "REVOKED" } },
            { "id": "both", "kind": "certificate", "input": "revoked.pem",
              "revocation": "both", "crls": ["ca-clean.crl"],
              "expect": { "indication": "FAILED", "code": "CERT_REVOKED" } },
            { "id": "any", "kind": "certificate", "input": "leaf.pem", "revocation": "any",
              "expect": { "indication": "PASSED", "code": "OK" } },
            { "id": "crl", "kind": "certificate", "input": "leaf.pem", "revocation": "crl",
              "expect": { "indication": "INDETERMINATE", "code": "REVOCATION_UNAVAILABLE" } }
        ]
    });
    let path = t.path().join("manifest.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    let outcomes = qoltanba::vectors::run_manifest(&path).unwrap();
    for o in &outcomes {
        assert!(o.passed, "{o:?}");
    }
    assert_eq!(outcomes.len(), 5);
    // An unknown field is still an error.
    let mut bad = manifest.clone();
    bad["defaults"]["ocsp_url"] = serde_json::json!("http://127.0.0.1:1/");
    std::fs::write(&path, serde_json::to_vec(&bad).unwrap()).unwrap();
    assert!(qoltanba::vectors::run_manifest(&path).is_err());
}
