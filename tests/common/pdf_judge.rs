//! The independent PDF judges: poppler's `pdfsig` (an NSS database trusting
//! the demo root), pyHanko (`QOLTANBA_PYHANKO`) and the python of its venv
//! (where `scripts/test` also installs endesive), each answering one line
//! per signature, and the tools around them (`pdftotext`, `certutil`, ...).

use super::repo;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// A command-line tool the PDF judges need, which must be installed.
pub fn tool(name: &str) -> Command {
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

/// Runs `c` without standard input (a tool that prompts gets end-of-file,
/// not a wait): whether it succeeded, and its stdout then stderr.
pub fn run(mut c: Command) -> (bool, String) {
    let o = c.stdin(Stdio::null()).output().expect("the tool runs");
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

/// Makes an NSS database in `dir` trusting each `(nickname, PEM file)`: its
/// `sql:` name for `-nssdir`.
pub fn nss_db_in(dir: &Path, roots: &[(&str, PathBuf)]) -> String {
    let db = format!("sql:{}", dir.display());
    let mut c = tool("certutil");
    c.args(["-N", "-d", &db, "--empty-password"]);
    assert!(run(c).0);
    for (nickname, file) in roots {
        let mut c = tool("certutil");
        c.args(["-A", "-d", &db, "-n", nickname, "-t", "CT,C,C", "-i"])
            .arg(file);
        assert!(run(c).0);
    }
    db
}

/// An NSS database trusting the demo root (made once per test run).
pub fn nss_db() -> &'static str {
    static DB: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    let (_, db) = DB.get_or_init(|| {
        let d = tempfile::tempdir().expect("tempdir");
        let root = ("qoltanba-demo-root", repo("certs/trust/root-ca.pem"));
        let db = nss_db_in(d.path(), &[root]);
        (d, db)
    });
    db
}

/// pdfsig's verdict per signature against the NSS database `db`: (field
/// name, signature valid, certificate trusted, total document).
pub fn pdfsig_with(file: &Path, db: &str) -> Vec<(String, bool, bool, bool)> {
    let mut c = tool("pdfsig");
    // The demo certificates name OCSP URLs that do not exist: no online check.
    c.args(["-no-ocsp", "-nssdir", db]).arg(file);
    let (_, out) = run(c);
    out.split("Signature #")
        .skip(1)
        .map(|s| {
            (
                s.lines()
                    .find_map(|l| l.trim().strip_prefix("- Signature Field Name: "))
                    .unwrap_or("")
                    .to_string(),
                s.contains("Signature Validation: Signature is Valid."),
                s.contains("Certificate Validation: Certificate is Trusted."),
                s.contains("Total document signed") && !s.contains("Not total document signed"),
            )
        })
        .collect()
}

/// pdfsig's verdict per signature: (signature valid, certificate trusted, total document).
pub fn pdfsig(file: &Path) -> Vec<(bool, bool, bool)> {
    let verdicts = pdfsig_with(file, nss_db());
    verdicts.into_iter().map(|(_, v, t, w)| (v, t, w)).collect()
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

/// `pyhanko`, its warnings silenced.
pub fn pyhanko() -> Command {
    let mut c = Command::new(pyhanko_bin());
    c.env("PYTHONWARNINGS", "ignore");
    c
}

/// The python of pyHanko's venv, run in the project root.
pub fn venv_python() -> Command {
    let path = pyhanko_bin().with_file_name("python");
    assert!(
        path.exists(),
        "the venv's python not found at {} (beside QOLTANBA_PYHANKO): run ./scripts/test",
        path.display()
    );
    let mut c = Command::new(path);
    c.env("PYTHONWARNINGS", "ignore")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// The status per signature in pyHanko's output (`FIELD:FINGERPRINT:STATUS`
/// lines): `INTACT:TRUSTED,UNTOUCHED`, ...
pub fn pyhanko_statuses(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.matches(':').count() >= 3 && !l.contains(" - "))
        .map(|l| l.splitn(3, ':').nth(2).unwrap_or("").to_string())
        .collect()
}

/// `pyhanko sign ARGS --trust ROOT --trust-replace FILE` with the demo
/// root: the status per signature.
pub fn pyhanko_judges(args: &[&str], file: &Path) -> Vec<String> {
    let mut c = pyhanko();
    c.args(["sign"])
        .args(args)
        .arg("--trust")
        .arg(repo("certs/trust/root-ca.pem"))
        .arg("--trust-replace")
        .arg(file);
    pyhanko_statuses(&run(c).1)
}

/// `pyhanko sign validate`'s status per signature (`INTACT:TRUSTED,UNTOUCHED`, ...).
pub fn pyhanko_validate(file: &Path) -> Vec<String> {
    // The demo certificates name CRL/OCSP URLs that do not exist.
    pyhanko_judges(&["validate", "--soft-revocation-check"], file)
}

/// The key, certificate and issuer (the RSA national CA) PEM files of a
/// demo person, as signing tools take them.
pub fn person_files(who: &str) -> [PathBuf; 3] {
    [
        repo(&format!("certs/people/{who}.key.pem")),
        repo(&format!("certs/people/{who}.pem")),
        repo("certs/trust/nca-rsa.pem"),
    ]
}

/// Signs with endesive (adbe.pkcs7.detached, invisible field `Endesive`).
pub fn endesive_sign(input: &Path, output: &Path, who: &str) {
    let mut c = venv_python();
    c.arg(repo("tests/judges/pdf_endesive.py"))
        .arg(input)
        .arg(output)
        .args(person_files(who));
    let (ok, out) = run(c);
    assert!(ok, "endesive: {out}");
}
