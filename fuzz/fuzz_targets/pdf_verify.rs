//! The PDF reader and verifier on arbitrary bytes: `pdf::verify_bytes`
//! against the demo trust store, then `pdf::sign_bytes` with the head's demo
//! key on the same bytes, and the signed result verified again.
//!
//! Crashes on: a report PASSED without signatures, or with a code other than
//! `OK`, or with a signature that did not pass; a signature verdict that
//! breaks the verdict invariants; a report that does not serialise; a signed
//! file whose prefix is not the input; a readable input whose signed file
//! cannot be read back with one more signature (readable: a report
//! without `problem`).

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use qoltanba::pdf::verify::PdfVerifyRequest;
use qoltanba::pdf::{self, PdfReport, SignOptions};
use qoltanba::pki::Policy;
use qoltanba::pki::signer::RingSigner;
use qoltanba::verdict::Indication;
use std::path::Path;
use std::sync::OnceLock;

struct Head {
    key: RingSigner,
    cert: Vec<u8>,
    chain: Vec<Vec<u8>>,
}

fn pem_file(rel: &str, label: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel);
    let bytes = std::fs::read(&path).expect("the demo PKI is in certs/");
    qoltanba::input::decode_all(&bytes, &[label])
        .expect("a PEM file")
        .remove(0)
}

fn head() -> &'static Head {
    static HEAD: OnceLock<Head> = OnceLock::new();
    HEAD.get_or_init(|| Head {
        key: RingSigner::from_pkcs8(
            &pem_file("certs/people/head.key.pem", "PRIVATE KEY"),
            None,
            false,
        )
        .expect("the head's demo key loads"),
        cert: pem_file("certs/people/head.pem", "CERTIFICATE"),
        chain: vec![pem_file("certs/trust/nca-rsa.pem", "CERTIFICATE")],
    })
}

fn request() -> PdfVerifyRequest {
    PdfVerifyRequest {
        at: common::AT,
        policy: Policy::default(),
        ..Default::default()
    }
}

fn check_report(r: &PdfReport) {
    assert_eq!(
        r.indication == Indication::Passed,
        r.code == "OK",
        "indication {:?} with code {}",
        r.indication,
        r.code
    );
    if r.indication == Indication::Passed {
        assert!(!r.signatures.is_empty(), "PASSED without signatures");
        assert!(
            r.signatures
                .iter()
                .all(|s| s.indication == Indication::Passed),
            "PASSED with a signature that did not pass"
        );
    }
    for s in &r.signatures {
        common::check_verdict(&s.verdict);
    }
    serde_json::to_string(r).expect("the report serialises");
    let _ = r.to_text();
}

fuzz_target!(|data: &[u8]| {
    let store = common::store();
    let r = pdf::verify_bytes(data, store, &request());
    check_report(&r);
    let h = head();
    let opts = SignOptions::new(
        &h.key,
        &h.cert,
        &h.chain,
        common::AT - 3600,
        "https://qoltanba.example/verify",
    );
    if let Ok((signed, _)) = pdf::sign_bytes(data, &opts) {
        assert!(
            signed.starts_with(data),
            "the input is not a prefix of the signed file"
        );
        let again = pdf::verify_bytes(&signed, store, &request());
        check_report(&again);
        // Signing reads only the objects it changes, so it may sign a file
        // whose other objects are broken; a readable input must read back.
        // (A structure finding may decide a file that cannot be read in
        // full; `problem` is set then, as for PDF_MALFORMED.)
        if r.problem.is_none() {
            assert!(
                again.code != "PDF_MALFORMED",
                "a file qoltanba signed cannot be read back: {:?}",
                again.problem
            );
            assert_eq!(
                again.signatures.len(),
                r.signatures.len() + 1,
                "the new signature is not found"
            );
        }
    }
});
