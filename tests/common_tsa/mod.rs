//! A real TSA on loopback for the tests: `openssl ts -reply` behind a
//! small HTTP server, with a TSA certificate issued by the demo RSA
//! intermediate, by a rogue CA, or by a long-lived CA of its own (for
//! renewals tested decades ahead), and a CRL from that CA.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

pub fn openssl(args: &[&str], dir: &Path) {
    let o = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is installed");
    assert!(
        o.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A TSA certificate issued by the demo RSA intermediate (or self-signed when `rogue`).
pub fn tsa_dir(rogue: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("ext.cnf"), "[tsa]\nbasicConstraints=CA:false\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n").unwrap();
    openssl(
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "tsa.key",
            "-out",
            "tsa.csr",
            "-subj",
            "/C=KZ/O=QOLTANBA TEST/CN=TEST TSA",
        ],
        d,
    );
    if rogue {
        openssl(
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-subj",
                "/CN=ROGUE CA",
                "-days",
                "3650",
            ],
            d,
        );
        openssl(
            &[
                "x509",
                "-req",
                "-in",
                "tsa.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "tsa.pem",
                "-days",
                "3650",
                "-extfile",
                "ext.cnf",
                "-extensions",
                "tsa",
            ],
            d,
        );
    } else {
        let ca = repo("certs/trust/nca-rsa.pem");
        let key = repo("certs/ca/nca-rsa.key.pem");
        openssl(
            &[
                "x509",
                "-req",
                "-in",
                "tsa.csr",
                "-CA",
                ca.to_str().unwrap(),
                "-CAkey",
                key.to_str().unwrap(),
                "-set_serial",
                "4242",
                "-out",
                "tsa.pem",
                "-days",
                "3650",
                "-extfile",
                "ext.cnf",
                "-extensions",
                "tsa",
            ],
            d,
        );
        std::fs::copy(&ca, d.join("ca.pem")).unwrap();
    }
    std::fs::write(d.join("serial"), "01\n").unwrap();
    let cnf = format!(
        "[tsa]\ndefault_tsa = t\n[t]\ndir = {}\nserial = $dir/serial\ncrypto_device = builtin\nsigner_cert = $dir/tsa.pem\ncerts = $dir/ca.pem\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\ndefault_policy = 1.2.398.3.3.5.1\ndigests = sha256, sha384, sha512\naccuracy = secs:1\nordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
        d.display()
    );
    std::fs::write(d.join("ts.cnf"), cnf).unwrap();
    dir
}

/// Serves `openssl ts -reply` over HTTP on a free port, for `n` requests.
pub fn serve_tsa(dir: PathBuf, n: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/tsa", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let mut s = stream.unwrap();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let (head_end, len) = loop {
                let k = s.read(&mut chunk).unwrap();
                buf.extend_from_slice(&chunk[..k]);
                if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..p]).to_lowercase();
                    let len = head
                        .lines()
                        .find_map(|l| {
                            l.strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap())
                        })
                        .unwrap_or(0);
                    break (p + 4, len);
                }
            };
            while buf.len() < head_end + len {
                let k = s.read(&mut chunk).unwrap();
                buf.extend_from_slice(&chunk[..k]);
            }
            std::fs::write(dir.join("q.tsq"), &buf[head_end..head_end + len]).unwrap();
            let ok = Command::new("openssl")
                .args([
                    "ts",
                    "-reply",
                    "-config",
                    "ts.cnf",
                    "-queryfile",
                    "q.tsq",
                    "-out",
                    "r.tsr",
                ])
                .current_dir(&dir)
                .output()
                .unwrap();
            let body = if ok.status.success() {
                std::fs::read(dir.join("r.tsr")).unwrap()
            } else {
                Vec::new()
            };
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(&body);
        }
    });
    url
}

/// A TSA whose own root CA (`ca.pem`, `ca.key`) and certificate are valid
/// for `days` from now, with that CA's CRL (`ca.crl`, empty, valid as long).
pub fn long_lived_tsa_dir(days: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let days = days.to_string();
    std::fs::write(d.join("ext.cnf"), "[tsa]\nbasicConstraints=CA:false\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n[ca]\nbasicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n").unwrap();
    openssl(
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-subj",
            "/C=KZ/O=QOLTANBA TEST/CN=LONG-LIVED TSA CA",
            "-days",
            &days,
            "-extensions",
            "ca",
            "-config",
            "ext.cnf",
        ],
        d,
    );
    openssl(
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "tsa.key",
            "-out",
            "tsa.csr",
            "-subj",
            "/C=KZ/O=QOLTANBA TEST/CN=LONG-LIVED TSA",
        ],
        d,
    );
    openssl(
        &[
            "x509",
            "-req",
            "-in",
            "tsa.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "77",
            "-out",
            "tsa.pem",
            "-days",
            &days,
            "-extfile",
            "ext.cnf",
            "-extensions",
            "tsa",
        ],
        d,
    );
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
    openssl(
        &[
            "ca", "-gencrl", "-config", "ca.cnf", "-keyfile", "ca.key", "-cert", "ca.pem", "-out",
            "ca.crl",
        ],
        d,
    );
    std::fs::write(d.join("serial"), "01\n").unwrap();
    let cnf = format!(
        "[tsa]\ndefault_tsa = t\n[t]\ndir = {}\nserial = $dir/serial\ncrypto_device = builtin\nsigner_cert = $dir/tsa.pem\ncerts = $dir/ca.pem\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\ndefault_policy = 1.2.398.3.3.5.1\ndigests = sha256, sha384, sha512\naccuracy = secs:1\nordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
        d.display()
    );
    std::fs::write(d.join("ts.cnf"), cnf).unwrap();
    dir
}
