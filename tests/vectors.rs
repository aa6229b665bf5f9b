//! The reviewers' runner: wrong expectations reported with both verdicts
//! (JSON, JUnit), the HTML summary read back in headless Chromium, Wycheproof
//! agreeing 100%, the CLI's exit codes, and `POST /v1/vectors/run` refusing
//! archives that escape their folder.

mod common;

use axum::http::StatusCode;
use common::app::App;
use common::repo;
use qoltanba::config::Config;
use qoltanba::store::keys::Role;
use qoltanba::vectors::suite::{Plan, own_manifests};
use qoltanba::vectors::{Confinement, report};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A manifest with one right and one deliberately wrong expectation.
fn wrong_manifest(dir: &Path) -> PathBuf {
    let m = json!({
        "suite": "reviewer",
        "defaults": { "at": "2026-06-01T00:00:00Z", "trust_dir": repo("certs/trust") },
        "vectors": [
            { "id": "right", "kind": "envelope", "iin": "880101300123",
              "input": repo("testdata/envelopes/rsa-attached.p7s"),
              "expect": { "indication": "PASSED", "code": "OK" } },
            { "id": "wrong", "kind": "envelope", "iin": "880101300123",
              "input": repo("testdata/envelopes/rsa-attached.p7s"),
              "expect": { "indication": "FAILED", "code": "SIGNATURE_INVALID" } }
        ]
    });
    let path = dir.join("manifest.json");
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    path
}

#[test]
fn a_wrong_expectation_is_a_failure_with_both_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let m = wrong_manifest(dir.path());
    let r = Plan::new(&[m], false, Confinement::default())
        .unwrap()
        .run(&|| {});
    let j = report::json(&r);
    assert_eq!(j["summary"]["total"], 2, "{j:#}");
    assert_eq!(j["summary"]["passed"], 1);
    assert_eq!(j["summary"]["failed"], 1);
    assert_eq!(j["summary"]["by_suite"]["reviewer"]["failed"], 1);
    assert_eq!(j["summary"]["by_kind"]["envelope"]["total"], 2);
    let wrong = &j["vectors"][1];
    assert_eq!(wrong["id"], "wrong");
    assert_eq!(wrong["passed"], false);
    assert_eq!(wrong["expected"]["code"], "SIGNATURE_INVALID");
    assert_eq!(wrong["expected"]["indication"], "FAILED");
    assert_eq!(wrong["actual"]["code"], "OK");
    assert_eq!(wrong["actual"]["indication"], "PASSED");
    assert_eq!(j["vectors"][0]["passed"], true);

    let x = report::junit(&r);
    assert!(
        x.contains("<testsuite name=\"reviewer\" tests=\"2\" failures=\"1\">"),
        "{x}"
    );
    assert!(
        x.contains("<failure message=\"expected FAILED SIGNATURE_INVALID, got PASSED OK\""),
        "{x}"
    );
    assert_eq!(x.matches("<failure").count(), 1);
}

#[test]
fn html_summary_read_back_in_chromium_equals_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut manifests = own_manifests(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    manifests.push(wrong_manifest(dir.path()));
    let r = Plan::new(&manifests, false, Confinement::default())
        .unwrap()
        .run(&|| {});
    let j = report::json(&r);
    let html = report::html(&r);
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains(" src="));
    let file = dir.path().join("report.html");
    std::fs::write(&file, &html).unwrap();
    let profile = dir.path().join("chromium-profile");
    let mut chromium = Command::new("chromium");
    chromium
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", file.display()));
    let out = common::run_tool(
        &mut chromium,
        "chromium (Debian's package; scripts/test installs it)",
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let by_id = |id: &str| -> u64 {
        let tag = format!("id=\"{id}\">");
        let start = dom
            .find(&tag)
            .unwrap_or_else(|| panic!("#{id} not in the DOM"))
            + tag.len();
        let rest = &dom[start..];
        rest[..rest.find('<').unwrap()].trim().parse().unwrap()
    };
    for k in ["total", "passed", "failed"] {
        assert_eq!(Some(by_id(k)), j["summary"][k].as_u64(), "{k}");
    }
    assert!(by_id("failed") >= 1);
    // The failing vector's verdicts are on the page, escaped.
    assert!(dom.contains("FAILED SIGNATURE_INVALID"));
}

#[test]
fn wycheproof_agrees_fully() {
    let r = Plan::new(&[], true, Confinement::default())
        .unwrap()
        .run(&|| {});
    let s = &r.summary;
    let disagreements: Vec<String> = r
        .rows
        .iter()
        .filter(|v| !v.passed)
        .map(|v| format!("{}: expected {}, got {}", v.id, v.expected, v.actual))
        .collect();
    println!(
        "wycheproof: {} run, {} agreed, {} acceptable ({} verified)",
        s.total, s.passed, s.acceptable.total, s.acceptable.verified
    );
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    assert!(s.total > 6000, "{}", s.total);
    for kind in [
        "rsa_signature_2048_sha256#",
        "rsa_pss_4096_sha512_mgf1_64#",
        "ecdsa_secp384r1_sha512#",
    ] {
        assert!(r.rows.iter().any(|v| v.id.starts_with(kind)), "{kind}");
    }
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_qoltanba"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_exit_codes() {
    let (code, out, err) = cli(&["vectors", "run", "--suite", "own"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(" 0 failed"), "{out}");

    let dir = tempfile::tempdir().unwrap();
    wrong_manifest(dir.path());
    let json_out = dir.path().join("r.json");
    let junit_out = dir.path().join("r.xml");
    let d = dir.path().to_str().unwrap();
    let reports = [json_out.to_str().unwrap(), junit_out.to_str().unwrap()];
    let reports = ["--json", reports[0], "--junit", reports[1]];
    let (code, out, _) = cli(&[&["vectors", "run", d][..], &reports].concat());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAILED reviewer wrong"), "{out}");
    let j: Value = serde_json::from_slice(&std::fs::read(&json_out).unwrap()).unwrap();
    assert_eq!(j["summary"]["failed"], 1);
    assert!(
        std::fs::read_to_string(&junit_out)
            .unwrap()
            .contains("<failure")
    );

    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(
        bad.join("manifest.json"),
        "{\n  \"suite\": \"x\",\n  \"vectors\": [ { \"id\": \"a\", \"kind\": \"envelope\", \"inptu\": \"x\" } ]\n}\n",
    )
    .unwrap();
    let (code, _, err) = cli(&["vectors", "run", bad.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("manifest.json: line 3"), "{err}");
    assert!(err.contains("inptu"), "{err}");
}

// --- POST /v1/vectors/run ---

/// A tar entry written byte by byte, so that hostile names survive.
fn raw_entry(
    b: &mut tar::Builder<Vec<u8>>,
    name: &[u8],
    kind: tar::EntryType,
    link: &[u8],
    data: &[u8],
) {
    let mut h = tar::Header::new_old();
    h.as_old_mut().name[..name.len()].copy_from_slice(name);
    h.as_old_mut().linkname[..link.len()].copy_from_slice(link);
    h.set_entry_type(kind);
    h.set_mode(0o644);
    h.set_size(data.len() as u64);
    h.set_cksum();
    b.append(&h, data).unwrap();
}

/// name, type, link target, content.
type Entry<'a> = (&'a [u8], tar::EntryType, &'a [u8], &'a [u8]);

fn tar_of(entries: &[Entry]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, kind, link, data) in entries {
        raw_entry(&mut b, name, *kind, link, data);
    }
    b.into_inner().unwrap()
}

/// The service (its CRL refresh running, as in production) with a
/// reviewer's and a portal's API keys.
async fn service() -> (App, String, String) {
    let app = App::with(|config| {
        config.crl_refresh_seconds = Config::default().crl_refresh_seconds;
    })
    .await;
    let now = qoltanba::time::now();
    let reviewer = app.key_named("r", Role::Reviewer, now).await;
    let portal = app.key_named("p", Role::Portal, now).await;
    (app, reviewer, portal)
}

/// `POST /v1/vectors/run` with a body of `ct` as the holder of `token`.
async fn post(app: &App, token: &str, ct: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let bearer = format!("Bearer {token}");
    let r = app
        .post("/v1/vectors/run", ct, body, &[("authorization", &bearer)])
        .await;
    (r.status, r.json())
}

const TAR: &str = "application/x-tar";

/// Archives the endpoint must refuse: (case, archive, archive_error).
#[rustfmt::skip]
fn hostile_archives() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    use tar::EntryType as E;
    let manifest = br#"{"suite": "x", "vectors": []}"#;
    vec![
        ("dot-dot", tar_of(&[
            (b"manifest.json", E::Regular, b"", manifest),
            (b"../escape.txt", E::Regular, b"", b"x"),
        ]), "ARCHIVE_PATH_ESCAPE"),
        ("nested dot-dot", tar_of(&[(b"a/../../escape.txt", E::Regular, b"", b"x")]), "ARCHIVE_PATH_ESCAPE"),
        ("absolute", tar_of(&[(b"/tmp/qoltanba-escape.txt", E::Regular, b"", b"x")]), "ARCHIVE_ABSOLUTE_PATH"),
        ("symlink", tar_of(&[(b"trust", E::Symlink, b"/etc", b"")]), "ARCHIVE_LINK"),
        ("hard link", tar_of(&[(b"passwd", E::Link, b"/etc/passwd", b"")]), "ARCHIVE_LINK"),
        ("fifo", tar_of(&[(b"pipe", E::Fifo, b"", b"")]), "ARCHIVE_SPECIAL_ENTRY"),
        ("not a tar", b"this is not a tar archive at all, not even close....".repeat(20), "ARCHIVE_MALFORMED"),
    ]
}

#[tokio::test]
async fn archive_endpoint_refuses_escapes_and_runs_a_good_archive() {
    use tar::EntryType as E;
    let (app, reviewer, portal) = service().await;
    for (name, body, code) in hostile_archives() {
        let (status, p) = post(&app, &reviewer, TAR, body).await;
        assert!(status.is_client_error(), "{name}: {status} {p}");
        assert_eq!(p["archive_error"], code, "{name}: {p}");
        assert!(p["detail"].is_string(), "{name}: {p}");
    }
    assert!(!Path::new("/tmp/qoltanba-escape.txt").exists());

    // A good archive: a certificate checked against the service's trust
    // store, one wrong expectation, and a trust_dir that leaves the archive.
    let cert = std::fs::read(repo("certs/people/citizen-rsa.pem")).unwrap();
    let m = json!({
        "suite": "uploaded",
        "defaults": { "at": "2026-06-01T00:00:00Z" },
        "vectors": [
            { "id": "good", "kind": "certificate", "input": "files/citizen.pem",
              "expect": { "indication": "PASSED", "code": "OK" } },
            { "id": "wrong", "kind": "certificate", "input": "files/citizen.pem",
              "expect": { "indication": "FAILED", "code": "CERT_REVOKED" } },
            { "id": "outside", "kind": "certificate", "input": "files/citizen.pem",
              "trust_dir": "../../etc",
              "expect": { "indication": "PASSED", "code": "OK" } },
            { "id": "absolute", "kind": "certificate", "input": "/etc/passwd",
              "expect": { "indication": "PASSED", "code": "OK" } },
            { "id": "network", "kind": "certificate", "input": "files/citizen.pem",
              "revocation": "ocsp", "ocsp": "http://127.0.0.1:9/",
              "expect": { "indication": "PASSED", "code": "OK" } }
        ]
    })
    .to_string();
    let good = tar_of(&[
        (b"suite/manifest.json", E::Regular, b"", m.as_bytes()),
        (b"suite/files/citizen.pem", E::Regular, b"", &cert),
    ]);
    let (status, r) = post(&app, &portal, TAR, good.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{r}");
    let (status, r) = post(&app, &reviewer, TAR, good.clone()).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["summary"]["total"], 5, "{r:#}");
    assert_eq!(r["summary"]["passed"], 1, "{r:#}");
    let v = |id: &str| {
        r["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(v("good")["actual"]["code"], "OK");
    assert_eq!(v("wrong")["actual"]["code"], "OK");
    assert_eq!(v("wrong")["expected"]["code"], "CERT_REVOKED");
    let error = |id: &str| v(id)["actual"]["error"].as_str().unwrap().to_string();
    assert!(error("outside").contains("leaves"), "{r:#}");
    assert!(error("absolute").contains("absolute"), "{r:#}");
    assert!(error("network").contains("OCSP"), "{r:#}");

    // The JSON form, and gzip.
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&good);
    let (status, r2) = post(
        &app,
        &reviewer,
        "application/json",
        json!({ "archive": b64 }).to_string().into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r2}");
    assert_eq!(r2["summary"]["total"], 5);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &good).unwrap();
    let (status, r3) = post(&app, &reviewer, "application/gzip", gz.finish().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{r3}");
    assert_eq!(r3["summary"]["passed"], 1);

    // A manifest that does not parse names its line.
    let bad = tar_of(&[(
        b"manifest.json",
        E::Regular,
        b"",
        b"{\n\"suite\": 1,\n\"vectors\": []}",
    )]);
    let (status, p) = post(&app, &reviewer, TAR, bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{p}");
    assert_eq!(p["archive_error"], "MANIFEST_INVALID");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .starts_with("manifest.json: line 2"),
        "{p}"
    );
}
