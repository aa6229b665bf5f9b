//! Result PDFs, judged by qoltanba itself: render (kk/ru, PDF/A-2b, embedded
//! subset font), PAdES signing as incremental updates (invisible, stamped,
//! two signers, certification, B-T with a loopback-free TSA, B-LT with a DSS,
//! cross-reference streams), verification (ByteRange coverage, tampering,
//! revoked signer, changes after a signature, DocMDP) and robustness
//! (proptests over mutated files and arbitrary bytes with the invariants of
//! `fuzz/fuzz_targets/pdf_verify.rs`: never a panic).
//! Independent validators (pdfsig, pyHanko, pdftotext) are in `pdf_judges.rs`.

mod common;
mod common_tsa;
#[path = "pdf_attacks/forge.rs"]
mod forge;

use common::demo::{Who, who};
use common::flow::verify_pdf;
use common::pdf_demo::{PUBLIC_URL, rendered_at, stamp};
use common::repo;
use lopdf::{Dictionary, Object, ObjectId};
use qoltanba::pdf::diff::{Category, Level};
use qoltanba::pdf::sign::Ltv;
use qoltanba::pdf::verify::{PdfReport, PdfVerifyRequest};
use qoltanba::pdf::xref::PdfFile;
use qoltanba::pdf::{self, Lang, ResultDoc, SignOptions};
use qoltanba::pki::TrustStore;
use qoltanba::verdict::Indication;

const AT: i64 = 1_780_272_000; // 2026-06-01T00:00:00Z
const SIGNED_AT: i64 = AT - 3600;

fn store() -> TrustStore {
    TrustStore::from_dir(&repo("certs/trust")).unwrap()
}

fn rendered(kind: &str, langs: &[Lang]) -> Vec<u8> {
    rendered_at(kind, langs, AT - 86_400)
}

fn opts(w: &Who) -> SignOptions<'_> {
    SignOptions {
        reason: Some("Мемлекеттік қызмет нәтижесі / Результат госуслуги".into()),
        location: Some("Орал".into()),
        ..SignOptions::new(&w.key, &w.cert, &w.chain, SIGNED_AT, PUBLIC_URL)
    }
}

fn stamped(w: &Who) -> SignOptions<'_> {
    let mut o = opts(w);
    o.stamp = Some(stamp(&w.cert, SIGNED_AT));
    o
}

fn verify_with(pdf: &[u8], store: &TrustStore) -> PdfReport {
    verify_pdf(pdf, store, AT)
}

fn verify(pdf: &[u8]) -> PdfReport {
    verify_with(pdf, &store())
}

fn passed(r: &PdfReport) {
    assert_eq!(
        r.indication,
        Indication::Passed,
        "{}\n{}",
        r.to_text(),
        serde_json::to_string_pretty(&r.signatures.iter().map(|s| &s.verdict).collect::<Vec<_>>())
            .unwrap()
    );
}

#[test]
fn render_is_pdfa_with_embedded_subset_font_in_both_languages() {
    for kind in ["notification", "refusal"] {
        let bytes = rendered(kind, &[Lang::Kk, Lang::Ru]);
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        // PDF/A-2b identification in the XMP metadata.
        assert!(
            text.contains("pdfaid:part") && text.contains(">2<")
                || text.contains("pdfaid:part=\"2\""),
            "no PDF/A-2 id"
        );
        assert!(
            text.contains("pdfaid:conformance")
                && (text.contains(">B<") || text.contains("conformance=\"B\""))
        );
        // An embedded TrueType subset (the name has a six-letter tag) with ToUnicode.
        assert!(text.contains("/FontFile2"));
        assert!(text.contains("/ToUnicode"));
        assert!(text.contains("+DejaVuSans"));
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        assert_eq!(doc.get_pages().len(), 2, "one page per language");
    }
    let kk = rendered("refusal", &[Lang::Kk]);
    let doc = lopdf::Document::load_mem(&kk).unwrap();
    assert_eq!(doc.get_pages().len(), 1);
}

#[test]
fn render_refuses_bad_descriptions() {
    let good = std::fs::read(repo("testdata/pdfs/result-refusal.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&good).unwrap();
    v["applicant"]["iin"] = "12345".into();
    assert!(ResultDoc::from_json(v.to_string().as_bytes()).is_err());
    let mut v: serde_json::Value = serde_json::from_slice(&good).unwrap();
    v["reasons"] = serde_json::json!([]);
    assert!(
        ResultDoc::from_json(v.to_string().as_bytes()).is_err(),
        "a refusal needs reasons"
    );
    let mut v: serde_json::Value = serde_json::from_slice(&good).unwrap();
    v["unknown"] = 1.into();
    assert!(ResultDoc::from_json(v.to_string().as_bytes()).is_err());
    assert!(ResultDoc::from_json(&vec![b' '; 300_000]).is_err());
    assert!(ResultDoc::from_json(b"not json").is_err());
}

#[test]
fn invisible_signature_keeps_the_original_as_prefix_and_verifies() {
    let base = rendered("notification", &[Lang::Kk]);
    let w = who("head");
    let (signed, outcome) = pdf::sign_bytes(&base, &opts(&w)).unwrap();
    assert!(
        signed.starts_with(&base),
        "the original bytes are an exact prefix"
    );
    assert_eq!(outcome.byte_range[0], 0);
    assert_eq!(
        outcome.byte_range[2] + outcome.byte_range[3],
        signed.len() as u64
    );
    assert_eq!(outcome.document_id, "KZ-2026-000123");
    let r = verify(&signed);
    passed(&r);
    let s = &r.signatures[0];
    assert_eq!(s.sub_filter, "ETSI.CAdES.detached");
    assert!(s.coverage.covers_whole_file && s.coverage.covers_revision);
    assert_eq!(s.signing_time.as_deref(), Some("2026-05-31T23:00:00Z"));
    // PAdES: ESS signing-certificate-v2, no signing-time attribute.
    let attrs = s.verdict.signed_attributes.clone().unwrap();
    assert!(attrs.contains(&"1.2.840.113549.1.9.16.2.47".to_string()));
    assert!(!attrs.contains(&"1.2.840.113549.1.9.5".to_string()));
    assert_eq!(r.exit_code(), 0);
}

#[test]
fn stamped_signature_has_an_appearance_with_the_officer_and_qr() {
    let base = rendered("refusal", &[Lang::Kk, Lang::Ru]);
    let w = who("head");
    let (signed, outcome) = pdf::sign_bytes(&base, &stamped(&w)).unwrap();
    passed(&verify(&signed));
    assert!(
        outcome
            .url
            .starts_with("https://qoltanba.example/verify?doc=KZ-2026-000124&sha256=")
    );
    assert!(outcome.url.ends_with(&outcome.signed_revision_sha256));
    let doc = lopdf::Document::load_mem(&signed).unwrap();
    let pages = doc.get_pages();
    let last = *pages.values().last().unwrap();
    let page = doc.get_dictionary(last).unwrap();
    let annots = page.get(b"Annots").unwrap().as_array().unwrap();
    let widget = doc
        .get_dictionary(annots[0].as_reference().unwrap())
        .unwrap();
    assert_eq!(widget.get(b"FT").unwrap().as_name().unwrap(), b"Sig");
    let ap = widget.get(b"AP").unwrap().as_dict().unwrap();
    let form = doc
        .get_object(ap.get(b"N").unwrap().as_reference().unwrap())
        .unwrap()
        .as_stream()
        .unwrap();
    let content = String::from_utf8_lossy(&form.content);
    assert!(content.contains(" re\n"), "QR modules are drawn");
    assert!(content.contains("TJ"), "text is shown");
}

#[test]
fn second_signer_keeps_the_first_valid() {
    let base = rendered("notification", &[Lang::Kk, Lang::Ru]);
    let (emp, head) = (who("employee"), who("head"));
    let (one, _) = pdf::sign_bytes(&base, &stamped(&emp)).unwrap();
    let (two, _) = pdf::sign_bytes(&one, &stamped(&head)).unwrap();
    assert!(two.starts_with(&one));
    let r = verify(&two);
    passed(&r);
    assert_eq!(r.signatures.len(), 2);
    assert!(!r.signatures[0].coverage.covers_whole_file);
    assert!(r.signatures[0].coverage.covers_revision);
    assert!(r.signatures[1].coverage.covers_whole_file);
    assert_eq!(r.signatures[0].later_revisions, vec![3]);
    let rev3 = r.revisions.iter().find(|x| x.revision == 3).unwrap();
    // A signature, its new visible field, the page's /Annots and the form.
    assert!(
        rev3.objects.iter().all(|o| o.level <= Level::FormFilling),
        "{:?}",
        rev3.objects
    );
    assert!(
        rev3.categories.contains(&Category::Signature),
        "{:?}",
        rev3.categories
    );
    assert!(
        rev3.categories.iter().all(|c| matches!(
            c,
            Category::Signature
                | Category::SignatureField
                | Category::Catalog
                | Category::Structure
        )),
        "{:?}",
        rev3.objects
    );
    assert!(r.signatures[0].later_changes.iter().all(|c| c.allowed));
    // The second stamp sits above the first.
    let doc = lopdf::Document::load_mem(&two).unwrap();
    let last = *doc.get_pages().values().last().unwrap();
    let annots = doc
        .get_dictionary(last)
        .unwrap()
        .get(b"Annots")
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    let y = |o: &Object| -> f32 {
        let d = doc.get_dictionary(o.as_reference().unwrap()).unwrap();
        d.get(b"Rect").unwrap().as_array().unwrap()[1]
            .as_float()
            .unwrap()
    };
    assert!(y(&annots[1]) > y(&annots[0]) + 70.0);
}

#[test]
fn signing_into_an_existing_empty_field() {
    let base = rendered("notification", &[Lang::Kk]);
    // Add an empty signature field "HeadSignature" on page 1.
    let f = PdfFile::open(&base).unwrap();
    let (root, mut catalog) = f.catalog(0).unwrap();
    let (page_id, mut page) = f.pages(0).unwrap().remove(0);
    let next = qoltanba::pdf::xref::int(f.trailer().get(b"Size").ok()).unwrap() as u32;
    let field: ObjectId = (next, 0);
    let form: ObjectId = (next + 1, 0);
    let mut fd = Dictionary::new();
    fd.set("Type", Object::Name(b"Annot".to_vec()));
    fd.set("Subtype", Object::Name(b"Widget".to_vec()));
    fd.set("FT", Object::Name(b"Sig".to_vec()));
    fd.set("T", Object::string_literal("HeadSignature"));
    fd.set(
        "Rect",
        Object::Array(vec![40.into(), 40.into(), 300.into(), 120.into()]),
    );
    fd.set("P", Object::Reference(page_id));
    fd.set("F", 4);
    page.set("Annots", Object::Array(vec![Object::Reference(field)]));
    let mut af = Dictionary::new();
    af.set("Fields", Object::Array(vec![Object::Reference(field)]));
    catalog.set("AcroForm", Object::Reference(form));
    let prepared = forge::update(
        &base,
        vec![
            (field.0, Object::Dictionary(fd)),
            (form.0, Object::Dictionary(af)),
            (page_id.0, Object::Dictionary(page)),
            (root.0, Object::Dictionary(catalog)),
        ],
    );
    let head = who("head");
    let mut o = stamped(&head);
    o.field = Some("HeadSignature".into());
    let (signed, outcome) = pdf::sign_bytes(&prepared, &o).unwrap();
    assert_eq!(outcome.field, "HeadSignature");
    let r = verify(&signed);
    passed(&r);
    assert_eq!(r.signatures.len(), 1);
    assert_eq!(r.signatures[0].field, "HeadSignature");
    // A signed field is not signed again.
    assert!(pdf::sign_bytes(&signed, &o).is_err());
}

#[test]
fn tampering_inside_the_signed_range_fails_the_digest() {
    let base = rendered("notification", &[Lang::Kk]);
    let w = who("head");
    let (mut signed, outcome) = pdf::sign_bytes(&base, &opts(&w)).unwrap();
    // Change one byte of the title inside the original revision.
    let at = signed.windows(5).position(|x| x == b"Title").unwrap() + 8;
    signed[at] ^= 0x01;
    let r = verify(&signed);
    assert_eq!(r.indication, Indication::Failed, "{}", r.to_text());
    assert_eq!(r.signatures[0].code, "DIGEST_MISMATCH");
    // A ByteRange that skips more than /Contents is refused.
    let (mut signed, _) = pdf::sign_bytes(&base, &opts(&w)).unwrap();
    let br = format!(
        "[0 {} {} {}]",
        outcome.byte_range[1], outcome.byte_range[2], outcome.byte_range[3]
    );
    let pos = signed
        .windows(br.len())
        .position(|x| x == br.as_bytes())
        .unwrap();
    let forged = format!(
        "[0 {} {} {}]",
        outcome.byte_range[1] - 10,
        outcome.byte_range[2],
        outcome.byte_range[3]
    );
    let forged = format!("{forged:<w$}", w = br.len());
    signed[pos..pos + br.len()].copy_from_slice(forged.as_bytes());
    let r = verify(&signed);
    assert_eq!(
        r.signatures[0].code,
        "BYTE_RANGE_INVALID",
        "{}",
        r.to_text()
    );
    assert_eq!(r.exit_code(), 1);
}

#[test]
fn revoked_signer_fails() {
    let base = rendered("refusal", &[Lang::Ru]);
    let w = who("revoked");
    let (signed, _) = pdf::sign_bytes(&base, &opts(&w)).unwrap();
    let r = verify(&signed);
    assert_eq!(r.indication, Indication::Failed);
    assert_eq!(r.signatures[0].code, "CERT_REVOKED");
}

#[test]
fn an_annotation_after_a_signature_is_a_modification() {
    let base = rendered("notification", &[Lang::Kk]);
    let w = who("head");
    let (signed, _) = pdf::sign_bytes(&base, &opts(&w)).unwrap();
    let edited = add_text_annotation(&signed);
    let r = verify(&edited);
    assert_eq!(r.indication, Indication::Failed, "{}", r.to_text());
    assert_eq!(r.signatures[0].code, "PDF_MODIFIED");
    let changes = &r.signatures[0].unauthorised_changes;
    assert!(
        changes.iter().any(|c| c.category == Category::Annotation),
        "{changes:?}"
    );
    // A page content change is what it is.
    let edited = replace_page_content(&signed);
    let r = verify(&edited);
    assert_eq!(r.signatures[0].code, "PDF_MODIFIED");
    assert!(
        r.signatures[0]
            .unauthorised_changes
            .iter()
            .any(|c| c.category == Category::PageContent),
        "{}",
        r.to_text()
    );
    assert_eq!(r.exit_code(), 1);
}

#[test]
fn certification_allows_signatures_and_reports_docmdp_violations() {
    let base = rendered("notification", &[Lang::Kk, Lang::Ru]);
    let (emp, head) = (who("employee"), who("head"));
    let mut o = stamped(&emp);
    o.certify = true;
    let (certified, _) = pdf::sign_bytes(&base, &o).unwrap();
    let r = verify(&certified);
    passed(&r);
    assert_eq!(r.docmdp, Some(2));
    assert_eq!(r.signatures[0].certification, Some(2));
    // A certification must be first.
    let mut again = opts(&head);
    again.certify = true;
    assert!(pdf::sign_bytes(&certified, &again).is_err());
    // P=2 allows another signature …
    let (two, _) = pdf::sign_bytes(&certified, &opts(&head)).unwrap();
    passed(&verify(&two));
    // … but not a comment.
    let r = verify(&add_text_annotation(&two));
    assert_eq!(r.signatures[0].code, "DOCMDP_VIOLATION", "{}", r.to_text());
    assert_eq!(r.signatures[1].code, "DOCMDP_VIOLATION");
    assert_eq!(r.indication, Indication::Failed);
}

#[test]
fn ltv_dss_lets_revocation_be_checked_offline() {
    let base = rendered("notification", &[Lang::Kk]);
    let w = who("head");
    let crls: Vec<Vec<u8>> = [
        "root-ca.crl",
        "nca-rsa.crl",
        "nca-rsa-delta.crl",
        "nca-ec.crl",
    ]
    .iter()
    .map(|f| std::fs::read(repo(&format!("certs/trust/{f}"))).unwrap())
    .collect();
    let ltv: Ltv = qoltanba::pdf::sign::ltv_material(&w.cert, &w.chain, &store(), &crls);
    assert_eq!(ltv.certs.len(), 3, "leaf, intermediate, root");
    assert_eq!(ltv.crls.len(), 3, "the EC CA's CRL is not this chain's");
    let mut o = opts(&w);
    o.ltv = Some(ltv);
    let (signed, _) = pdf::sign_bytes(&base, &o).unwrap();
    // A store with the root only: no intermediates, no CRLs.
    let mut bare = TrustStore::new("root only");
    bare.add_anchors(
        &std::fs::read(repo("certs/trust/root-ca.pem")).unwrap(),
        "root",
    )
    .unwrap();
    let r = verify_with(&signed, &bare);
    passed(&r);
    assert_eq!(r.file["dss"]["crls"], 3);
    // Without the DSS the same store cannot decide revocation.
    let (plain, _) = pdf::sign_bytes(&base, &opts(&w)).unwrap();
    let r = verify_with(&plain, &bare);
    assert_ne!(r.indication, Indication::Passed);
}

#[test]
fn cross_reference_streams_are_read_and_written() {
    let base = rendered("refusal", &[Lang::Kk]);
    let mut doc = lopdf::Document::load_mem(&base).unwrap();
    let mut modern = Vec::new();
    doc.save_modern(&mut modern).unwrap();
    let f = PdfFile::open(&modern).unwrap();
    assert_eq!(f.revisions[0].kind, qoltanba::pdf::xref::XrefKind::Stream);
    let (emp, head) = (who("employee"), who("head"));
    let (one, _) = pdf::sign_bytes(&modern, &stamped(&emp)).unwrap();
    let (two, _) = pdf::sign_bytes(&one, &stamped(&head)).unwrap();
    let f = PdfFile::open(&two).unwrap();
    assert!(
        f.revisions
            .iter()
            .all(|r| r.kind == qoltanba::pdf::xref::XrefKind::Stream)
    );
    let r = verify(&two);
    passed(&r);
    assert_eq!(r.signatures.len(), 2);
}

#[test]
fn page_and_rect_are_checked() {
    let base = rendered("notification", &[Lang::Kk]);
    let w = who("head");
    let placed = |page: Option<usize>, rect: Option<[f32; 4]>| {
        let mut o = stamped(&w);
        if let Some(s) = o.stamp.as_mut() {
            (s.page, s.rect) = (page, rect);
        }
        pdf::sign_bytes(&base, &o)
    };
    // A page the document does not have; a rectangle upside down.
    for (page, rect) in [(Some(7), None), (None, Some([300.0, 100.0, 100.0, 50.0]))] {
        let signed = placed(page, rect);
        assert!(
            matches!(signed, Err(pdf::PdfError::Input(_))),
            "{page:?} {rect:?}"
        );
    }
    let (signed, _) = placed(Some(1), Some([300.0, 300.0, 560.0, 420.0])).unwrap();
    passed(&verify(&signed));
}

#[test]
fn files_that_are_not_signed_pdfs_get_a_code() {
    let r = verify(b"not a pdf at all");
    assert_eq!(r.code, "PDF_MALFORMED");
    assert_eq!(r.exit_code(), 1);
    let r = verify(&rendered("notification", &[Lang::Kk]));
    assert_eq!(r.code, "PDF_NOT_SIGNED");
    assert_eq!(r.exit_code(), 3);
    let w = who("head");
    assert!(pdf::sign_bytes(b"%PDF-1.7\n garbage", &opts(&w)).is_err());
}

#[test]
fn signing_a_file_streams_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    let output = dir.path().join("out.pdf");
    std::fs::write(&input, rendered("notification", &[Lang::Kk])).unwrap();
    let w = who("head");
    let outcome = pdf::sign_file(&input, &output, &stamped(&w)).unwrap();
    let signed = std::fs::read(&output).unwrap();
    assert_eq!(signed.len() as u64, outcome.length);
    let req = PdfVerifyRequest {
        at: AT,
        ..Default::default()
    };
    let r = pdf::verify_file(&output, &store(), &req).unwrap();
    passed(&r);
}

// --- helpers: hand-made incremental updates (what an editor would append) ---

fn add_text_annotation(pdf: &[u8]) -> Vec<u8> {
    let f = PdfFile::open(&pdf).unwrap();
    let last = f.revisions.len() - 1;
    let (page_id, mut page) = f.pages(last).unwrap().remove(0);
    let next = qoltanba::pdf::xref::int(f.trailer().get(b"Size").ok()).unwrap() as u32;
    let mut annot = Dictionary::new();
    annot.set("Type", Object::Name(b"Annot".to_vec()));
    annot.set("Subtype", Object::Name(b"Text".to_vec()));
    annot.set(
        "Rect",
        Object::Array(vec![10.into(), 10.into(), 30.into(), 30.into()]),
    );
    annot.set("Contents", Object::string_literal("approved?"));
    let mut annots = match page.get(b"Annots") {
        Ok(Object::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    annots.push(Object::Reference((next, 0)));
    page.set("Annots", Object::Array(annots));
    forge::update(
        pdf,
        vec![
            (next, Object::Dictionary(annot)),
            (page_id.0, Object::Dictionary(page)),
        ],
    )
}

fn replace_page_content(pdf: &[u8]) -> Vec<u8> {
    let f = PdfFile::open(&pdf).unwrap();
    let last = f.revisions.len() - 1;
    let (page_id, mut page) = f.pages(last).unwrap().remove(0);
    let next = qoltanba::pdf::xref::int(f.trailer().get(b"Size").ok()).unwrap() as u32;
    page.set("Contents", Object::Reference((next, 0)));
    let content = lopdf::Stream::new(Dictionary::new(), b"0 0 m 100 100 l S".to_vec());
    forge::update(
        pdf,
        vec![
            (next, Object::Stream(content)),
            (page_id.0, Object::Dictionary(page)),
        ],
    )
}

mod robustness {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn signed_twice() -> &'static (Vec<u8>, TrustStore) {
        static S: OnceLock<(Vec<u8>, TrustStore)> = OnceLock::new();
        S.get_or_init(|| {
            let base = rendered("notification", &[Lang::Kk]);
            let (emp, head) = (who("employee"), who("head"));
            let (one, _) = pdf::sign_bytes(&base, &stamped(&emp)).unwrap();
            let (two, _) = pdf::sign_bytes(&one, &stamped(&head)).unwrap();
            (two, store())
        })
    }

    /// What `fuzz/fuzz_targets/pdf_verify.rs` holds every report to.
    fn check_report(r: &PdfReport) -> Result<(), TestCaseError> {
        prop_assert_eq!(r.indication == Indication::Passed, r.code == "OK");
        if r.indication == Indication::Passed {
            prop_assert!(!r.signatures.is_empty(), "PASSED without signatures");
            prop_assert!(
                r.signatures
                    .iter()
                    .all(|s| s.indication == Indication::Passed)
            );
        }
        for s in &r.signatures {
            prop_assert!(!s.verdict.checks.is_empty(), "a verdict without checks");
        }
        prop_assert!(serde_json::to_string(r).is_ok());
        let _ = r.to_text();
        Ok(())
    }

    /// The fuzz target's second half: whatever signs keeps the input as its
    /// prefix and, when the input itself could be read (`before`), reads
    /// back with one more signature. (Signing reads only the objects it
    /// changes, so it may sign a file with other objects broken.)
    fn check_signing(b: &[u8], before: &PdfReport) -> Result<(), TestCaseError> {
        let w = who("head");
        if let Ok((signed, _)) = pdf::sign_bytes(b, &opts(&w)) {
            prop_assert!(signed.starts_with(b));
            let again = verify_with(&signed, &signed_twice().1);
            check_report(&again)?;
            // Read in full (a structure finding may decide a file that then
            // cannot be read; `problem` says so).
            if before.problem.is_none() {
                prop_assert_ne!(&again.code, "PDF_MALFORMED", "{}", again.to_text());
                prop_assert_eq!(
                    again.signatures.len(),
                    before.signatures.len() + 1,
                    "{}",
                    again.to_text()
                );
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        /// Arbitrary bytes behind a PDF header, with or without a trailer:
        /// a report that keeps the invariants, never a panic.
        #[test]
        fn arbitrary_bytes_get_a_sound_report(
            body in proptest::collection::vec(any::<u8>(), 0..512),
            startxref in proptest::option::of(any::<u16>()),
        ) {
            let mut b = b"%PDF-1.7\n".to_vec();
            b.extend_from_slice(&body);
            if let Some(x) = startxref {
                b.extend_from_slice(format!("\nstartxref\n{x}\n%%EOF\n").as_bytes());
            }
            let r = verify_with(&b, &signed_twice().1);
            check_report(&r)?;
            prop_assert_ne!(r.indication, Indication::Passed);
            check_signing(&b, &r)?;
        }

        /// Flipped bytes, cut files and spliced garbage: a report, never a panic,
        /// and never PASSED for bytes changed inside a signed range.
        #[test]
        fn mutated_pdfs_never_panic(
            edits in proptest::collection::vec((any::<u32>(), any::<u8>()), 1..8),
            cut in proptest::option::of(any::<u32>()),
            splice in proptest::option::of((any::<u32>(), proptest::collection::vec(any::<u8>(), 0..64))),
        ) {
            let (good, store) = signed_twice();
            let mut b = good.clone();
            for (pos, byte) in &edits {
                let i = *pos as usize % b.len();
                b[i] = *byte;
            }
            if let Some((pos, bytes)) = &splice {
                let i = *pos as usize % b.len();
                b.splice(i..i, bytes.iter().copied());
            }
            if let Some(c) = cut {
                let n = c as usize % b.len();
                b.truncate(n);
            }
            let r = verify_with(&b, store);
            check_report(&r)?;
            if b != *good && r.indication == Indication::Passed {
                // Only changes outside every signed range (inside /Contents
                // padding) may pass, or a cut back to the end of an earlier
                // revision: that is the file as the first signer left it.
                let earlier_revision = b.len() < good.len()
                    && r.signatures.len() < 2
                    && r.signatures.iter().all(|s| s.coverage.covers_whole_file);
                prop_assert!(
                    b.len() == good.len() || earlier_revision,
                    "{} of {} bytes: {}",
                    b.len(),
                    good.len(),
                    r.to_text()
                );
            }
            check_signing(&b, &r)?;
        }
    }
}

#[test]
fn command_line_render_sign_verify() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bin = env!("CARGO_BIN_EXE_qoltanba");
    let q = |args: &[&str]| {
        let o = std::process::Command::new(bin)
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("QOLTANBA_TRUST_DIR", repo("certs/trust"))
            .env("QOLTANBA_PUBLIC_URL", "https://e-gov.example/verify")
            .env("P12_PASSWORD", "secret")
            .output()
            .unwrap();
        (
            o.status.code().unwrap_or(-1),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        )
    };
    let p = |n: &str| d.join(n).display().to_string();
    let (code, out) = q(&[
        "pdf",
        "render",
        "--input",
        "testdata/pdfs/result-refusal.json",
        "--lang",
        "kk,ru",
        "--out",
        &p("r.pdf"),
    ]);
    assert_eq!(code, 0, "{out}");
    // The employee from a PKCS#12 (made by openssl), the head from PKCS#8.
    let o = std::process::Command::new("openssl")
        .args(["pkcs12", "-export", "-passout", "pass:secret", "-inkey"])
        .arg(repo("certs/people/employee.key.pem"))
        .arg("-in")
        .arg(repo("certs/people/employee.pem"))
        .arg("-certfile")
        .arg(repo("certs/trust/nca-rsa.pem"))
        .arg("-out")
        .arg(d.join("employee.p12"))
        .output()
        .expect("openssl is installed");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (code, out) = q(&[
        "pdf",
        "sign",
        "--in",
        &p("r.pdf"),
        "--out",
        &p("r1.pdf"),
        "--p12",
        &p("employee.p12"),
        "--password-env",
        "P12_PASSWORD",
        "--stamp",
        "--certify",
        "--reason",
        "Жоба / Проект",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("https://e-gov.example/verify?doc=KZ-2026-000124&sha256="),
        "{out}"
    );
    let (code, out) = q(&[
        "pdf",
        "sign",
        "--in",
        &p("r1.pdf"),
        "--out",
        &p("r2.pdf"),
        "--key",
        "certs/people/head.key.pem",
        "--cert",
        "certs/people/head.pem",
        "--chain",
        "certs/trust/nca-rsa.pem",
        "--stamp",
        "--ltv",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = q(&["pdf", "verify", &p("r2.pdf"), "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["signatures"].as_array().unwrap().len(), 2);
    assert_eq!(v["docmdp"], 2);
    // A revoked signer is refused at signing time …
    let (code, out) = q(&[
        "pdf",
        "sign",
        "--in",
        &p("r.pdf"),
        "--out",
        &p("x.pdf"),
        "--key",
        "certs/people/revoked.key.pem",
        "--cert",
        "certs/people/revoked.pem",
        "--chain",
        "certs/trust/nca-rsa.pem",
    ]);
    assert_eq!(code, 1, "{out}");
    // … and a changed file fails verification with status 1.
    let mut bytes = std::fs::read(d.join("r2.pdf")).unwrap();
    let at = bytes.windows(5).position(|x| x == b"Title").unwrap() + 8;
    bytes[at] ^= 1;
    std::fs::write(d.join("bad.pdf"), bytes).unwrap();
    let (code, _) = q(&["pdf", "verify", &p("bad.pdf"), "--format", "text"]);
    assert_eq!(code, 1);
    // Usage errors: status 2.
    let (code, _) = q(&["pdf", "sign", "--in", &p("r.pdf"), "--out", &p("y.pdf")]);
    assert_eq!(code, 2);
    let (code, _) = q(&[
        "pdf",
        "render",
        "--input",
        "testdata/pdfs/result-refusal.json",
        "--lang",
        "en",
        "--out",
        &p("z.pdf"),
    ]);
    assert_eq!(code, 2);
}

/// A TSA in-process: `openssl ts -reply` with a TSA certificate issued by the demo RSA CA.
struct OpensslTsa {
    dir: tempfile::TempDir,
}

impl qoltanba::tsp::TsaTransport for OpensslTsa {
    fn post(&self, _url: &str, body: &[u8]) -> Result<Vec<u8>, String> {
        common_tsa::ts_reply(self.dir.path(), body)
    }
}

#[test]
fn b_t_signature_time_stamp_is_checked() {
    let tsa = OpensslTsa {
        dir: common_tsa::tsa_dir(false),
    };
    let base = rendered("notification", &[Lang::Kk]);
    let w = who("head");
    let mut o = stamped(&w);
    o.tsa = Some((&tsa, "http://tsa.invalid/".into()));
    let (signed, outcome) = pdf::sign_bytes(&base, &o).unwrap();
    assert!(outcome.timestamped);
    // Verified at the present (the TSA certificate is valid from now on).
    let r = verify_pdf(&signed, &store(), qoltanba::time::now());
    assert_eq!(r.indication, Indication::Passed, "{}", r.to_text());
    let ts = r.signatures[0]
        .timestamp
        .as_ref()
        .expect("a timestamp check");
    assert_eq!(ts["outcome"], "passed", "{ts}");
    // A failing TSA is an error, not an unstamped signature.
    struct Down;
    impl qoltanba::tsp::TsaTransport for Down {
        fn post(&self, _: &str, _: &[u8]) -> Result<Vec<u8>, String> {
            Err("connection refused".into())
        }
    }
    let mut o = opts(&w);
    o.tsa = Some((&Down, "http://tsa.invalid/".into()));
    assert!(matches!(
        pdf::sign_bytes(&base, &o),
        Err(pdf::PdfError::Tsa(_))
    ));
}
