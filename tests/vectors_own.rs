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

#[test]
fn gost_envelope_vectors() {
    run("testdata/gost/envelopes/manifest.json");
}

#[test]
fn gost_certificate_vectors() {
    run("testdata/gost/certs/manifest.json");
}

#[test]
fn gost_crl_vectors() {
    run("testdata/gost/crls/manifest.json");
}

#[test]
fn gost_pdf_vectors() {
    run("testdata/gost/pdfs/manifest.json");
}

#[test]
fn gost_primitive_vectors() {
    run("testdata/gost/primitives/manifest.json");
}

/// Every code of `docs/verdicts.md`'s table has at least one GOST vector.
#[test]
fn every_verdict_code_has_a_gost_vector() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/verdicts.md"))
            .expect("docs/verdicts.md");
    let table = docs
        .split("## Codes and indications")
        .nth(1)
        .expect("the codes table");
    let mut codes: Vec<String> = Vec::new();
    for line in table.lines().take_while(|l| !l.starts_with("## ")) {
        let Some(first) = line.split('|').nth(1) else {
            continue;
        };
        for part in first.split('`').skip(1).step_by(2) {
            if part.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                && !codes.contains(&part.to_string())
            {
                codes.push(part.to_string());
            }
        }
    }
    assert!(codes.len() >= 20, "{codes:?}");
    let mut seen = std::collections::HashSet::new();
    for m in ["envelopes", "certs", "crls", "pdfs", "primitives"] {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("testdata/gost/{m}/manifest.json"));
        for v in qoltanba::vectors::load(&path)
            .expect("manifest loads")
            .vectors
        {
            seen.insert(v.expect.code.as_str().to_string());
        }
    }
    let missing: Vec<&String> = codes.iter().filter(|c| !seen.contains(*c)).collect();
    assert!(
        missing.is_empty(),
        "codes without a GOST vector: {missing:?}"
    );
}
