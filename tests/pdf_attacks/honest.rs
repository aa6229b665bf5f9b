//! Honest signed PDFs from three signers: pyHanko (through
//! `tests/judges/pdf_pyhanko.py`, one process for every step), endesive, and
//! our own `pdf::sign_bytes`.

#![allow(dead_code)]

use qoltanba::pdf::{self, Lang, ResultDoc, SignOptions, StampPlacement};
use qoltanba::pki::signer::RingSigner;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn pem_der(p: &str) -> Vec<u8> {
    pem::parse(std::fs::read(repo(p)).unwrap())
        .unwrap()
        .into_contents()
}

/// The python of the judges' venv (QOLTANBA_PYHANKO names its pyhanko).
pub fn venv_python() -> Command {
    let pyhanko = std::env::var("QOLTANBA_PYHANKO")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo("target/pyhanko-venv/bin/pyhanko"));
    let path = pyhanko.with_file_name("python");
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

pub fn run(mut c: Command) -> (bool, String) {
    let o = c.output().expect("the command runs");
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

pub fn rendered(kind: &str) -> Vec<u8> {
    let json = std::fs::read(repo(&format!("testdata/pdfs/result-{kind}.json"))).unwrap();
    let doc = ResultDoc::from_json(&json).unwrap();
    pdf::render(&doc, &[Lang::Kk, Lang::Ru], qoltanba::time::now() - 86_400).unwrap()
}

pub struct Who {
    pub cert: Vec<u8>,
    pub key: RingSigner,
    pub chain: Vec<Vec<u8>>,
}

pub fn who(name: &str) -> Who {
    Who {
        cert: pem_der(&format!("certs/people/{name}.pem")),
        key: RingSigner::from_pkcs8(
            &pem_der(&format!("certs/people/{name}.key.pem")),
            None,
            false,
        )
        .unwrap(),
        chain: vec![pem_der("certs/trust/nca-rsa.pem")],
    }
}

/// Our own signature, stamped or not.
pub fn own_sign(pdf: &[u8], w: &Who, stamp: bool, certify: bool) -> Vec<u8> {
    let at = qoltanba::time::now() - 60;
    let o = SignOptions {
        signer: &w.key,
        cert: &w.cert,
        chain: &w.chain,
        time: at,
        field: None,
        reason: Some("Мемлекеттік қызмет нәтижесі / Результат госуслуги".into()),
        location: Some("Орал".into()),
        stamp: stamp.then(|| StampPlacement {
            page: None,
            rect: None,
            text: pdf::stamp::text_from_certificate(&w.cert, at).unwrap(),
        }),
        public_url: "https://qoltanba.example/verify".into(),
        document_id: None,
        certify,
        tsa: None,
        ltv: None,
        add_fields: Vec::new(),
        extra_room: 0,
    };
    pdf::sign_bytes(pdf, &o).unwrap().0
}

/// Runs a pyHanko plan (see the script's doc) in `dir`.
pub fn pyhanko_plan(dir: &Path, steps: &[serde_json::Value]) {
    let plan = dir.join("plan.json");
    std::fs::write(&plan, serde_json::to_vec(steps).unwrap()).unwrap();
    let mut c = venv_python();
    c.arg(repo("tests/judges/pdf_pyhanko.py")).arg(&plan);
    let (ok, out) = run(c);
    assert!(ok, "pdf_pyhanko.py: {out}");
}

/// A TSA certificate (and key) issued by the demo RSA CA, for pyHanko's
/// in-process time-stamper: `dir/tsa.pem`, `dir/tsa.key.pem`.
pub fn tsa(dir: &Path) {
    let sh = |args: &[&str]| {
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
    };
    std::fs::write(
        dir.join("ext.cnf"),
        "[tsa]\nbasicConstraints=CA:false\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    )
    .unwrap();
    sh(&[
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "tsa.key.pem",
        "-out",
        "tsa.csr",
        "-subj",
        "/C=KZ/O=QOLTANBA TEST/CN=TEST TSA",
    ]);
    let ca = repo("certs/trust/nca-rsa.pem");
    let key = repo("certs/ca/nca-rsa.key.pem");
    sh(&[
        "x509",
        "-req",
        "-in",
        "tsa.csr",
        "-CA",
        ca.to_str().unwrap(),
        "-CAkey",
        key.to_str().unwrap(),
        "-set_serial",
        "4344",
        "-out",
        "tsa.pem",
        "-days",
        "3650",
        "-extfile",
        "ext.cnf",
        "-extensions",
        "tsa",
    ]);
}

/// Signs with endesive (adbe.pkcs7.detached, invisible field `Endesive`).
pub fn endesive_sign(input: &Path, output: &Path, who: &str) {
    let mut c = venv_python();
    c.arg(repo("tests/judges/pdf_endesive.py"))
        .arg(input)
        .arg(output)
        .arg(repo(&format!("certs/people/{who}.key.pem")))
        .arg(repo(&format!("certs/people/{who}.pem")))
        .arg(repo("certs/trust/nca-rsa.pem"));
    let (ok, out) = run(c);
    assert!(ok, "endesive: {out}");
}

/// `qpdf ARGS in out`: a linearized or object-stream variant of a file.
pub fn qpdf(args: &[&str], input: &Path, output: &Path) {
    let mut c = Command::new("qpdf");
    c.args(args).arg(input).arg(output);
    let (ok, out) = run(c);
    assert!(ok, "qpdf (installed by ./scripts/test) {args:?}: {out}");
}
