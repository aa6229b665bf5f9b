//! Runs every manifest under `testdata/` and asserts each vector gets exactly
//! its expected verdict.

use std::path::Path;

fn run(manifest: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(manifest);
    let outcomes = qoltanba::vectors::run_manifest(&path).expect("manifest loads");
    assert!(!outcomes.is_empty(), "{manifest} has no vectors");
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.passed)
        .map(|o| {
            format!(
                "{}: expected {:?}, got {:?} (decided by {:?})",
                o.id, o.expected, o.actual, o.decided_by
            )
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} vectors failed:\n{}",
        failed.len(),
        outcomes.len(),
        failed.join("\n")
    );
}

#[test]
fn envelope_vectors() {
    run("testdata/envelopes/manifest.json");
}

#[test]
fn certificate_vectors() {
    run("testdata/certs/manifest.json");
}

#[test]
fn pdf_vectors() {
    run("testdata/pdfs/manifest.json");
}

#[test]
fn crl_vectors() {
    run("testdata/crls/manifest.json");
}
