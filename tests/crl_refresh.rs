//! The service keeps its CRLs fresh: downloads from a loopback HTTP server,
//! takes a new CRL only when it verifies and is fresh, keeps the last good
//! copy across restarts, and reports failures in readiness.

mod common;
use common::loopback::{Files, serve_files};
use common::{pem_der, repo};

use qoltanba::api::{self, AppState};
use qoltanba::config::Config;
use qoltanba::envelope::{self, VerifyRequest};
use qoltanba::pki::demo::{Ca, crl::CrlSpec, crl::issue};
use std::path::Path;
use std::sync::Arc;

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

/// One refresh of every CRL: the status of the one from `url`.
async fn refresh(state: &AppState, url: &str) -> Option<&'static str> {
    let out = api::refresh_crls(state).await;
    out.iter().find(|o| o.url == url).map(|o| o.status)
}

/// Puts `crl` on the server as the national CA's `nca-rsa.crl`.
fn publish(files: &Files, crl: Vec<u8>) {
    files.lock().unwrap().insert("nca-rsa.crl".into(), crl);
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
    let base = serve_files(files.clone());
    let url = format!("{base}/nca-rsa.crl");
    let state = app(data.path(), trust.path(), &url).await;
    let now = qoltanba::time::now();
    let nca = ca("nca-rsa");
    assert_eq!(verify(&state), "REVOCATION_UNAVAILABLE");

    // The server has nothing yet: a failure, shown in readiness.
    assert_eq!(refresh(&state, &url).await, Some("failed"));

    publish(
        &files,
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
    assert_eq!(refresh(&state, &url).await, Some("unchanged"));

    // A newer CRL in the intermediate's name signed by the root's key: refused, the old one stays.
    publish(
        &files,
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
    publish(
        &files,
        crl(&nca, "nca-rsa", now - 7200, now - 60, 12, &[0x1001]),
    );
    assert_eq!(refresh(&state, &url).await, Some("failed"));
    assert_eq!(verify(&state), "OK");

    // A genuine newer CRL revoking the citizen: taken.
    publish(
        &files,
        crl(&nca, "nca-rsa", now - 30, now + 86_400, 13, &[0x1001]),
    );
    assert_eq!(refresh(&state, &url).await, Some("updated"));
    assert_eq!(verify(&state), "CERT_REVOKED");

    // A restart with the server down still has the last good copy.
    drop(state);
    let restarted = app(data.path(), trust.path(), "http://127.0.0.1:9/none.crl").await;
    assert_eq!(verify(&restarted), "CERT_REVOKED");
}
