//! The independent PDF judges for tests that sign through the service:
//! poppler's `pdfsig` (an NSS database trusting the demo root) and pyHanko
//! (`QOLTANBA_PYHANKO`), each answering one line per signature.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn tool(name: &str) -> Command {
    let ok = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "{name} is not installed: run ./scripts/test (it installs poppler-utils, libnss3-tools, pyHanko)"
    );
    Command::new(name)
}

fn run(mut c: Command) -> (bool, String) {
    let o = c.output().expect("the tool runs");
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

/// An NSS database trusting the demo root (made once per test run).
fn nss_db() -> &'static Path {
    static DB: OnceLock<tempfile::TempDir> = OnceLock::new();
    DB.get_or_init(|| {
        let d = tempfile::tempdir().expect("tempdir");
        let db = format!("sql:{}", d.path().display());
        let mut c = tool("certutil");
        c.args(["-N", "-d", &db, "--empty-password"]);
        assert!(run(c).0);
        let mut c = tool("certutil");
        c.args([
            "-A",
            "-d",
            &db,
            "-n",
            "qoltanba-demo-root",
            "-t",
            "CT,C,C",
            "-i",
        ])
        .arg(repo("certs/trust/root-ca.pem"));
        assert!(run(c).0);
        d
    })
    .path()
}

/// pdfsig's verdict per signature: (signature valid, certificate trusted, total document).
pub fn pdfsig(file: &Path) -> Vec<(bool, bool, bool)> {
    let mut c = tool("pdfsig");
    // The demo certificates name OCSP URLs that do not exist: no online check.
    c.arg("-no-ocsp")
        .arg("-nssdir")
        .arg(format!("sql:{}", nss_db().display()))
        .arg(file);
    let (_, out) = run(c);
    out.split("Signature #")
        .skip(1)
        .map(|s| {
            (
                s.contains("Signature Validation: Signature is Valid."),
                s.contains("Certificate Validation: Certificate is Trusted."),
                s.contains("Total document signed") && !s.contains("Not total document signed"),
            )
        })
        .collect()
}

/// `pdfsig` on PDF bytes, written to a file of their own first.
pub fn pdfsig_of(pdf: &[u8]) -> Vec<(bool, bool, bool)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("judged.pdf");
    std::fs::write(&file, pdf).expect("writes");
    pdfsig(&file)
}

/// `pyhanko_validate` on PDF bytes, written to a file of their own first.
pub fn pyhanko_of(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("judged.pdf");
    std::fs::write(&file, pdf).expect("writes");
    pyhanko_validate(&file)
}

/// Both judges on the officers' result: the employee's certifying
/// signature (not over the whole file) and the head's over all of it, each
/// valid and trusted; to pyHanko the head's is form filling the
/// certification allows.
pub fn assert_judges_accept_the_result(pdf: &[u8]) {
    assert_eq!(
        pdfsig_of(pdf),
        vec![(true, true, false), (true, true, true)]
    );
    assert_eq!(
        pyhanko_of(pdf),
        vec![
            "INTACT:TRUSTED,EXTENDED_WITH_FORM_FILLING,ACCEPTABLE_MODIFICATIONS",
            "INTACT:TRUSTED,UNTOUCHED"
        ]
    );
}

/// The pyHanko command: `QOLTANBA_PYHANKO`, or the venv `scripts/test` makes.
pub fn pyhanko_bin() -> PathBuf {
    let path = std::env::var("QOLTANBA_PYHANKO")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo("target/pyhanko-venv/bin/pyhanko"));
    assert!(
        path.exists(),
        "pyHanko not found at {} (QOLTANBA_PYHANKO): run ./scripts/test",
        path.display()
    );
    path
}

/// `pyhanko sign validate`'s status per signature (`INTACT:TRUSTED,UNTOUCHED`, ...).
pub fn pyhanko_validate(file: &Path) -> Vec<String> {
    let mut c = Command::new(pyhanko_bin());
    c.env("PYTHONWARNINGS", "ignore");
    // The demo certificates name CRL/OCSP URLs that do not exist.
    c.args(["sign", "validate", "--soft-revocation-check"])
        .arg("--trust")
        .arg(repo("certs/trust/root-ca.pem"))
        .arg("--trust-replace")
        .arg(file);
    let (_, out) = run(c);
    out.lines()
        .filter(|l| l.matches(':').count() >= 3 && !l.contains(" - "))
        .map(|l| l.splitn(3, ':').nth(2).unwrap_or("").to_string())
        .collect()
}
