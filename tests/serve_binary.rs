//! The real binary on a free port: first start prints an admin key, HTTP
//! answers, SIGTERM shuts it down cleanly with the audit chain intact.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn binary_serves_and_shuts_down_cleanly() {
    let bin = env!("CARGO_BIN_EXE_qoltanba");
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(bin)
        .arg("serve")
        .env("QOLTANBA_LISTEN", format!("127.0.0.1:{port}"))
        .env("QOLTANBA_DATA_DIR", dir.path())
        .env(
            "QOLTANBA_TRUST_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/certs/trust"),
        )
        .env("QOLTANBA_LOG", "info,qoltanba=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().contains("admin API key"));
    let token = lines.next().unwrap().unwrap();
    assert!(token.starts_with("qtb_"), "{token}");
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "service did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let (status, body) = http(port, "GET", "/healthz", None, "");
    assert_eq!((status, body.contains("ok")), (200, true), "{body}");
    use base64::Engine;
    let env = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/envelopes/rsa-attached.p7s"
    ))
    .unwrap();
    let req = format!(
        r#"{{"signature":"{}","iin":"880101300123","at":"2026-06-01T00:00:00Z"}}"#,
        base64::engine::general_purpose::STANDARD.encode(env)
    );
    let (status, body) = http(port, "POST", "/v1/verify", Some(&token), &req);
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["code"], "OK");
    let (status, _) = http(port, "POST", "/v1/verify", None, &req);
    assert_eq!(status, 401);

    let ok = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(ok.success());
    let start = Instant::now();
    let code = loop {
        if let Some(c) = child.try_wait().unwrap() {
            break c;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no clean shutdown"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(code.success(), "exit {code:?}");
    // The key was not logged.
    let mut logs = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    assert!(
        !logs.contains(&token[4..]),
        "the API key leaked into the logs"
    );
    assert!(
        logs.contains("DEMO TRUST STORE") || logs.contains("serving"),
        "{logs}"
    );
    // One JSON line per answered request, in a span that carries the
    // request id; no request body in any line.
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let done: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "request done" && l["span"]["path"] == "/v1/verify")
        .collect();
    assert_eq!(done.len(), 2, "{logs}");
    assert_eq!(done[0]["fields"]["status"], 200, "{logs}");
    assert_eq!(done[1]["fields"]["status"], 401, "{logs}");
    for l in &done {
        let id = l["span"]["request_id"].as_str().unwrap_or("");
        assert!(id.len() > 8, "{l}");
    }
    assert_ne!(done[0]["span"]["request_id"], done[1]["span"]["request_id"]);
    assert!(!logs.contains(&req[20..80]), "a request body was logged");
    // Shutdown left one record and a final signed checkpoint.
    let out = Command::new(bin)
        .args(["audit", "verify", "--format", "json"])
        .env("QOLTANBA_DATA_DIR", dir.path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["records"], 1, "{report}");
    assert_eq!(report["checkpoints_verified"], 1, "{report}");
    assert!(report["problem"].is_null(), "{report}");
    // keys api create prints the key alone on the first line.
    let out = Command::new(bin)
        .args(["keys", "api", "create", "--role", "portal", "--name", "p"])
        .env("QOLTANBA_DATA_DIR", dir.path())
        .output()
        .unwrap();
    let first = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(first.starts_with("qtb_") && !first.contains(' '), "{first}");
    // An employee's key names its holder; a wrong IIN or a portal key with one is refused.
    let create = |args: &[&str]| {
        Command::new(bin)
            .args(["keys", "api", "create", "--name", "e"])
            .args(args)
            .env("QOLTANBA_DATA_DIR", dir.path())
            .output()
            .unwrap()
    };
    assert!(
        create(&["--role", "provider", "--iin", "880101300123"])
            .status
            .success()
    );
    assert_eq!(
        create(&["--role", "provider", "--iin", "880101300124"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        create(&["--role", "portal", "--iin", "880101300123"])
            .status
            .code(),
        Some(2)
    );
    let out = Command::new(bin)
        .args(["keys", "api", "list"])
        .env("QOLTANBA_DATA_DIR", dir.path())
        .output()
        .unwrap();
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(
        list.lines()
            .any(|l| l.contains("\tprovider\t") && l.contains("\t880101300123\t")),
        "{list}"
    );
}
