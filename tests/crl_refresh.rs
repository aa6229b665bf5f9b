//! The service keeps its CRLs fresh: downloads from a loopback HTTP server,
//! takes a new CRL only when it verifies and is fresh, keeps the last good
//! copy across restarts, and reports failures in readiness.

use qoltanba::api::{self, AppState};
use qoltanba::config::Config;
use qoltanba::envelope::{self, VerifyRequest};
use qoltanba::pki::demo::{Ca, crl::CrlSpec, crl::issue};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn pem_der(p: &str) -> Vec<u8> {
    pem::parse(std::fs::read(repo(p)).unwrap())
        .unwrap()
        .into_contents()
}

type Files = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// A tiny HTTP server answering GET /NAME from `files` (404 otherwise).
fn serve(files: Files) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]).to_string();
            let path = req
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .trim_start_matches('/')
                .to_string();
            let body = files.lock().unwrap().get(&path).cloned();
            let _ = match body {
                Some(b) => write!(
                    s,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    b.len()
                )
                .and_then(|_| s.write_all(&b)),
                None => write!(
                    s,
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                ),
            };
        }
    });
    base
}

fn ca(name: &str) -> Ca {
    Ca::load(
        name,
        pem_der(&format!("certs/trust/{name}.pem")),
        pem_der(&format!("certs/ca/{name}.key.pem")),
    )
    .unwrap()
}

fn crl(signer: &Ca, issuer: &str, this: i64, next: i64, number: u64, revoked: &[u64]) -> Vec<u8> {
    let spec = CrlSpec {
        this_update: this,
        next_update: Some(next),
        number,
        delta_of: None,
        entries: revoked
            .iter()
            .map(|s| (s.to_be_bytes().to_vec(), this - 60, Some(1)))
            .collect(),
    };
    issue(
        &pem_der(&format!("certs/trust/{issuer}.pem")),
        &signer.signer().unwrap(),
        &spec,
    )
    .unwrap()
}

async fn app(data: &Path, trust: &Path, url: &str) -> Arc<AppState> {
    let config = Config {
        data_dir: data.to_path_buf(),
        trust_dir: Some(trust.to_path_buf()),
        crl_urls: vec![url.to_string()],
        ..Config::default()
    };
    api::build(config).await.unwrap().state
}

fn verify(state: &AppState) -> String {
    let env = std::fs::read(repo("testdata/envelopes/rsa-attached.p7s")).unwrap();
    let req = VerifyRequest {
        envelope: &env,
        data: None,
        at: qoltanba::time::now(),
        ..Default::default()
    };
    envelope::verify(&req, &state.trust())
        .code
        .as_str()
        .to_string()
}

#[tokio::test]
async fn crls_refresh_verified_fresh_and_kept_on_disk() {
    let trust = tempfile::tempdir().unwrap();
    for f in [
        "root-ca.pem",
        "nca-rsa.pem",
        "nca-ec.pem",
        "root-ca.crl",
        "nca-ec.crl",
    ] {
        std::fs::copy(repo(&format!("certs/trust/{f}")), trust.path().join(f)).unwrap();
    }
    let data = tempfile::tempdir().unwrap();
    let files: Files = Arc::default();
    let base = serve(files.clone());
    let url = format!("{base}/nca-rsa.crl");
    let state = app(data.path(), trust.path(), &url).await;
    let now = qoltanba::time::now();
    let nca = ca("nca-rsa");
    assert_eq!(verify(&state), "REVOCATION_UNAVAILABLE");

    // The server has nothing yet: a failure, shown in readiness.
    let out = api::refresh_crls(&state).await;
    assert_eq!(
        out.iter().find(|o| o.url == url).map(|o| o.status),
        Some("failed")
    );

    files.lock().unwrap().insert(
        "nca-rsa.crl".into(),
        crl(&nca, "nca-rsa", now - 3600, now + 86_400, 10, &[]),
    );
    let out = api::refresh_crls(&state).await;
    assert_eq!(
        out.iter().find(|o| o.url == url).map(|o| o.status),
        Some("updated"),
        "{out:?}"
    );
    assert_eq!(verify(&state), "OK");
    assert_eq!(
        std::fs::read_dir(data.path().join("crls")).unwrap().count(),
        1
    );
    // The same again: unchanged.
    assert_eq!(
        api::refresh_crls(&state)
            .await
            .iter()
            .find(|o| o.url == url)
            .map(|o| o.status),
        Some("unchanged")
    );

    // A newer CRL in the intermediate's name signed by the root's key: refused, the old one stays.
    files.lock().unwrap().insert(
        "nca-rsa.crl".into(),
        crl(
            &ca("root-ca"),
            "nca-rsa",
            now - 60,
            now + 86_400,
            11,
            &[0x1001],
        ),
    );
    let out = api::refresh_crls(&state).await;
    let o = out.iter().find(|o| o.url == url).unwrap();
    assert_eq!(o.status, "failed");
    assert!(o.detail.contains("signature"), "{}", o.detail);
    assert_eq!(verify(&state), "OK");
    // A stale one: refused.
    files.lock().unwrap().insert(
        "nca-rsa.crl".into(),
        crl(&nca, "nca-rsa", now - 7200, now - 60, 12, &[0x1001]),
    );
    assert_eq!(
        api::refresh_crls(&state)
            .await
            .iter()
            .find(|o| o.url == url)
            .map(|o| o.status),
        Some("failed")
    );
    assert_eq!(verify(&state), "OK");

    // A genuine newer CRL revoking the citizen: taken.
    files.lock().unwrap().insert(
        "nca-rsa.crl".into(),
        crl(&nca, "nca-rsa", now - 30, now + 86_400, 13, &[0x1001]),
    );
    assert_eq!(
        api::refresh_crls(&state)
            .await
            .iter()
            .find(|o| o.url == url)
            .map(|o| o.status),
        Some("updated")
    );
    assert_eq!(verify(&state), "CERT_REVOKED");

    // A restart with the server down still has the last good copy.
    drop(state);
    let restarted = app(data.path(), trust.path(), "http://127.0.0.1:9/none.crl").await;
    assert_eq!(verify(&restarted), "CERT_REVOKED");
}
