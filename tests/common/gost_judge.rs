//! The gostcrypto judge (`tests/judges/gost_judge.py`, PyPI's pure-Python
//! GOST R 34.10-2012 and Streebog) as the GOST tests drive it: one JSON
//! request on stdin, one answer on stdout; and a verify case for one
//! signature as qoltanba reads it.

use qoltanba::pki::algorithms::{Digest, KeyKind, PublicKey, Scheme};
use qoltanba::pki::gost::Curve;
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The test venv's python (beside `QOLTANBA_PYHANKO`).
pub fn python() -> PathBuf {
    let pyhanko = std::env::var("QOLTANBA_PYHANKO")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pyhanko-venv/bin/pyhanko")
        });
    let python = pyhanko.with_file_name("python");
    assert!(
        python.exists(),
        "the test venv's python is not at {} (beside QOLTANBA_PYHANKO): run ./scripts/test, \
         which installs gostcrypto 1.2.5 there",
        python.display()
    );
    python
}

/// Sends one request to the judge and reads its answer.
pub fn judge(request: &Value) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/judges/gost_judge.py");
    let mut child = Command::new(python())
        .arg(&script)
        .env("PYTHONWARNINGS", "ignore")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the judge starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(request.to_string().as_bytes())
        .expect("the request is written");
    let out = child.wait_with_output().expect("the judge finishes");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the gostcrypto judge failed ({}): {stderr}\n(is gostcrypto 1.2.5 in the test venv? run \
         ./scripts/test)",
        out.status
    );
    serde_json::from_slice(&out.stdout).expect("the judge answers JSON")
}

/// Lower-case hex.
pub fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Bytes of hex.
pub fn from_hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The judge's name of a curve.
pub fn curve_name(c: Curve) -> &'static str {
    match c {
        Curve::CryptoProA => "CryptoProA",
        Curve::Tc26_256A => "Tc26_256A",
        Curve::Tc26_512A => "Tc26_512A",
    }
}

/// A verify case for `sig` over `msg` by `key` under `scheme`: gostcrypto
/// hashes Streebog itself; for GOST 34.311-95 (which it lacks) it takes
/// qoltanba's digest.
pub fn case(scheme: Scheme, key: &PublicKey, msg: &[u8], sig: &[u8]) -> Value {
    let KeyKind::Gost { curve, .. } = key.kind else {
        panic!("not a GOST key: {:?}", key.kind)
    };
    let d = scheme.digest();
    let mut c = json!({
        "curve": curve_name(curve),
        "key": to_hex(&key.key),
        "sig": to_hex(sig),
        "digest": to_hex(&d.hash(msg)),
    });
    let hash = match d {
        Digest::Streebog256 => Some("streebog256"),
        Digest::Streebog512 => Some("streebog512"),
        _ => None,
    };
    if let Some(h) = hash {
        c["msg"] = json!(to_hex(msg));
        c["hash"] = json!(h);
    }
    c
}
