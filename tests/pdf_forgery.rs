//! Forgeries from the PDF signature attack research (universal signature
//! forgery: a signature dictionary whose /ByteRange or /Contents lies;
//! signature wrapping; incremental saving after the signature) against
//! `pdf verify`: none of them may PASS, and each gets its exact code.
//! Changes after the signature (incremental saving) are in `pdf.rs`.

mod common;

use common::demo::who;
use common::flow::verify_pdf;
use common::pdf_demo::{PUBLIC_URL, rendered_at};
use common::repo;
use qoltanba::pdf::SignOptions;
use qoltanba::pdf::verify::PdfReport;
use qoltanba::pdf::{self, Lang};
use qoltanba::pki::TrustStore;
use qoltanba::verdict::Indication;

const AT: i64 = 1_780_272_000; // 2026-06-01T00:00:00Z

fn signed(kind: &str) -> (Vec<u8>, [u64; 4]) {
    let base = rendered_at(kind, &[Lang::Kk], AT - 86_400);
    let w = who("head");
    let opts = SignOptions::new(&w.key, &w.cert, &w.chain, AT - 3600, PUBLIC_URL);
    let (pdf, outcome) = pdf::sign_bytes(&base, &opts).unwrap();
    (pdf, outcome.byte_range)
}

fn verify(pdf: &[u8]) -> PdfReport {
    verify_pdf(
        pdf,
        &TrustStore::from_dir(&repo("certs/trust")).unwrap(),
        AT,
    )
}

/// Replaces `from` by `to`, padded with spaces to the length of `from`
/// and the spaces after it (the file's length and offsets stay).
fn replace(pdf: &[u8], from: &str, to: &str) -> Vec<u8> {
    let pos = pdf
        .windows(from.len())
        .position(|w| w == from.as_bytes())
        .unwrap_or_else(|| panic!("{from} not found"));
    let room = from.len()
        + pdf[pos + from.len()..]
            .iter()
            .take_while(|&&c| c == b' ')
            .count();
    assert!(to.len() <= room, "{to} does not fit");
    let mut out = pdf.to_vec();
    out[pos..pos + room].copy_from_slice(format!("{to:<room$}").as_bytes());
    out
}

fn br(b: [u64; 4]) -> String {
    format!("[0 {} {} {}]", b[1], b[2], b[3])
}

/// The report's overall code and the first signature's code.
fn codes(r: &PdfReport) -> (String, Option<String>) {
    assert_ne!(r.indication, Indication::Passed, "{}", r.to_text());
    assert_ne!(r.exit_code(), 0);
    (r.code.clone(), r.signatures.first().map(|s| s.code.clone()))
}

#[test]
fn universal_signature_forgery_variants_never_pass() {
    let (pdf, b) = signed("notification");
    assert_eq!(verify(&pdf).indication, Indication::Passed);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("byte range zero", replace(&pdf, &br(b), "[0 0 0 0]")),
        (
            "byte range short of the end",
            replace(&pdf, &br(b), &br([0, b[1], b[2], b[3] - 10])),
        ),
        (
            "byte range swapped",
            replace(&pdf, &br(b), &format!("[0 {} {} {}]", b[2], b[1], b[3])),
        ),
        (
            "byte range negative",
            replace(&pdf, &br(b), &format!("[0 -{} {} {}]", b[1], b[2], b[3])),
        ),
        (
            "byte range removed",
            replace(&pdf, "/ByteRange", "/ByteRangX"),
        ),
        (
            "contents removed",
            replace(&pdf, "/Contents <", "/ContentX <"),
        ),
    ];
    let mut seen = Vec::new();
    for (name, forged) in cases {
        seen.push((name, codes(&verify(&forged))));
    }
    // Contents emptied (all zeros: no CMS at all).
    let (a, z) = (b[1] as usize, b[2] as usize);
    let mut zeros = pdf.clone();
    zeros[a + 1..z - 1].fill(b'0');
    seen.push(("contents zeroed", codes(&verify(&zeros))));
    // Signature wrapping: another document's valid CMS in this one's /Contents.
    let (other, ob) = signed("refusal");
    let mut wrapped = pdf.clone();
    let cms = &other[ob[1] as usize + 1..ob[2] as usize - 1];
    let room = z - a - 2;
    wrapped[a + 1..z - 1].fill(b'0');
    wrapped[a + 1..a + 1 + cms.len().min(room)].copy_from_slice(&cms[..cms.len().min(room)]);
    seen.push(("another document's signature", codes(&verify(&wrapped))));
    let want = |c: &str| (c.to_string(), Some(c.to_string()));
    let expected = vec![
        ("byte range zero", want("BYTE_RANGE_INVALID")),
        ("byte range short of the end", want("BYTE_RANGE_INVALID")),
        ("byte range swapped", want("BYTE_RANGE_INVALID")),
        ("byte range negative", want("BYTE_RANGE_INVALID")),
        ("byte range removed", want("BYTE_RANGE_INVALID")),
        // Without /Contents the ByteRange's gap covers no signature value.
        ("contents removed", want("BYTE_RANGE_INVALID")),
        ("contents zeroed", want("ENVELOPE_MALFORMED")),
        ("another document's signature", want("DIGEST_MISMATCH")),
    ];
    assert_eq!(seen, expected);
}
