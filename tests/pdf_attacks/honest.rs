//! Honest signed PDFs from three signers: pyHanko (through
//! `tests/judges/pdf_pyhanko.py`, one process for every step), endesive, and
//! our own `pdf::sign_bytes`.

#![allow(dead_code)]

use crate::common::demo::Who;
use crate::common::pdf_demo::{PUBLIC_URL, rendered_at, stamp};
use crate::common::pdf_judge::{run, venv_python};
use crate::common::repo;
use qoltanba::pdf::{self, Lang, SignOptions};
use std::path::Path;
use std::process::Command;

pub fn rendered(kind: &str) -> Vec<u8> {
    rendered_at(kind, &[Lang::Kk, Lang::Ru], qoltanba::time::now() - 86_400)
}

/// Our own signature, stamped or not.
pub fn own_sign(pdf: &[u8], w: &Who, stamped: bool, certify: bool) -> Vec<u8> {
    let at = qoltanba::time::now() - 60;
    let o = SignOptions {
        reason: Some("Мемлекеттік қызмет нәтижесі / Результат госуслуги".into()),
        location: Some("Орал".into()),
        stamp: stamped.then(|| stamp(&w.cert, at)),
        certify,
        ..SignOptions::new(&w.key, &w.cert, &w.chain, at, PUBLIC_URL)
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
    crate::common_tsa::demo_tsa_cert(dir, "tsa.key.pem", "4344");
}

/// `qpdf ARGS in out`: a linearized or object-stream variant of a file.
pub fn qpdf(args: &[&str], input: &Path, output: &Path) {
    let mut c = Command::new("qpdf");
    c.args(args).arg(input).arg(output);
    let (ok, out) = run(c);
    assert!(ok, "qpdf (installed by ./scripts/test) {args:?}: {out}");
}
