//! PAdES B-LTA as written: `pdf sign --ltv` with a TSA appends, after the
//! signature (and its signature time-stamp), a DSS revision with `/VRI` and
//! a document time-stamp. Judged by pyHanko (`sign adesverify`: its ETSI LTA
//! validation), poppler's pdfsig and `openssl ts -verify` on every token
//! taken out of the file; broken input gets codes. The TSA PKI and helpers
//! are in `tests/common_ltv`.

mod common;
mod common_ltv;
use common::pdf_judge::run;
use common::{pem_der, qoltanba_demo, write};
use common_ltv::*;
use qoltanba::pdf;
use std::process::Command;

#[test]
fn b_lta_is_signature_then_dss_with_vri_then_doc_timestamp() {
    let tsa = TestTsa::new(&tsa_pki().short, now());
    let base = rendered();
    let file = b_lta(&tsa, now() - 900);
    assert!(file.starts_with(&base));
    let src = file.as_slice();
    let parsed = qoltanba::pdf::xref::PdfFile::open(&src).unwrap();
    let base_src = base.as_slice();
    let base_revisions = qoltanba::pdf::xref::PdfFile::open(&base_src)
        .unwrap()
        .revisions
        .len();
    assert_eq!(
        parsed.revisions.len(),
        base_revisions + 3,
        "signature, DSS, time-stamp"
    );
    let sigs = sig_dicts(&file);
    assert_eq!(sigs.len(), 2);
    let (name, sig) = &sigs[0];
    assert_eq!(name, "Signature1");
    assert_eq!(
        sig.get(b"SubFilter").unwrap().as_name().unwrap(),
        b"ETSI.CAdES.detached"
    );
    let (name, dts) = &sigs[1];
    assert_eq!(name, "DocTimeStamp1");
    assert_eq!(
        dts.get(b"Type").unwrap().as_name().unwrap(),
        b"DocTimeStamp"
    );
    assert_eq!(
        dts.get(b"SubFilter").unwrap().as_name().unwrap(),
        b"ETSI.RFC3161"
    );
    // The time-stamp covers the whole file.
    let br = dts.get(b"ByteRange").unwrap().as_array().unwrap();
    assert_eq!(
        (br[2].as_i64().unwrap() + br[3].as_i64().unwrap()) as usize,
        file.len()
    );
    // The DSS: /VRI keyed by the uppercase hex SHA-1 of the signature's /Contents.
    let doc = lopdf::Document::load_mem(&file).unwrap();
    let catalog = doc.catalog().unwrap();
    let dss = doc
        .get_dictionary(catalog.get(b"DSS").unwrap().as_reference().unwrap())
        .unwrap();
    let vri = doc
        .get_dictionary(dss.get(b"VRI").unwrap().as_reference().unwrap())
        .unwrap();
    let key = hex_upper(
        ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &contents(sig)).as_ref(),
    );
    let entry = vri.get(key.as_bytes()).unwrap().as_dict().unwrap();
    assert!(entry.has(b"Cert") && entry.has(b"CRL") && entry.has(b"TU"));
    // Certificates: head, NCA RSA, demo root, the TSA and its root.
    let stored = |k: &[u8]| -> Vec<Vec<u8>> {
        dss.get(k)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                doc.get_object(r.as_reference().unwrap())
                    .unwrap()
                    .as_stream()
                    .unwrap()
                    .content
                    .clone()
            })
            .collect()
    };
    let certs = stored(b"Certs");
    assert_eq!(certs.len(), 5);
    for c in [
        pem_der("certs/people/head.pem"),
        pem_der("certs/trust/nca-rsa.pem"),
        pem_der("certs/trust/root-ca.pem"),
        tsa_pki().short.0.clone(),
        tsa_pki().root.clone(),
    ] {
        assert!(certs.contains(&c));
    }
    let crls = stored(b"CRLs");
    assert_eq!(crls.len(), 3, "the demo root's, the NCA's, the TSA root's");
    // The DSS revision came before the time-stamp's: the time-stamp covers it.
    let dss_offset = file
        .windows(5)
        .position(|w| w == b"/VRI ")
        .unwrap_or(usize::MAX);
    assert!(dss_offset < br[1].as_i64().unwrap() as usize);
}

#[test]
fn pyhanko_adesverify_and_pdfsig_accept_b_lta() {
    let dir = tempfile::tempdir().unwrap();
    let tsa = TestTsa::new(&tsa_pki().short, now());
    let f = write(dir.path(), "lta.pdf", &b_lta(&tsa, now() - 900));
    assert_eq!(
        adesverify(&f, None),
        vec![
            "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_LTA_UPDATES,ACCEPTABLE_MODIFICATIONS"
        ]
    );
    // pdfsig checks the signature; a document time-stamp it lists, covering
    // the whole file, but cannot validate (poppler has no RFC 3161 support).
    let p = pdfsig(&f);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[0], ("Signature1".into(), true, true, false));
    assert_eq!((p[1].0.as_str(), p[1].3), ("DocTimeStamp1", true));
}

#[test]
fn openssl_ts_verify_accepts_every_token() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tsa = TestTsa::new(&tsa_pki().short, now());
    let file = b_lta(&tsa, now() - 900);
    let ca = pem_file(d, "tsa-root.pem", &tsa_pki().root);
    let sigs = sig_dicts(&file);
    let verify = |token: &[u8], how: &[&str], name: &str| {
        let t = write(d, name, token);
        let mut c = Command::new("openssl");
        c.args(["ts", "-verify", "-token_in", "-in"])
            .arg(&t)
            .args(how)
            .arg("-CAfile")
            .arg(&ca);
        let (ok, out) = run(c);
        assert!(ok && out.contains("Verification: OK"), "{name}: {out}");
    };
    // The signature time-stamp: over the signature value.
    let cms = der_of(&contents(&sigs[0].1));
    let ci = cms::content_info::ContentInfo::from_der(&cms).unwrap();
    let sd: cms::signed_data::SignedData = ci.content.decode_as().unwrap();
    let si = sd.signer_infos.0.get(0).unwrap();
    let token = si
        .unsigned_attrs
        .as_ref()
        .unwrap()
        .iter()
        .find(|a| a.oid.to_string() == "1.2.840.113549.1.9.16.2.14")
        .unwrap()
        .values
        .get(0)
        .unwrap()
        .to_der()
        .unwrap();
    let value = write(d, "signature-value.bin", si.signature.as_bytes());
    verify(
        &token,
        &["-data", value.to_str().unwrap()],
        "signature-ts.der",
    );
    // The document time-stamp: over its ByteRange.
    let token = der_of(&contents(&sigs[1].1));
    let data = write(d, "byte-range.bin", &signed_bytes(&file, &sigs[1].1));
    verify(&token, &["-data", data.to_str().unwrap()], "doc-ts.der");
}

/// Broken input: codes, never a panic; a broken document time-stamp is
/// reported and the level falls to B-LT.
#[test]
fn broken_inputs_get_codes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let q = |args: &[&str]| {
        let (status, _, err) = qoltanba_demo(args);
        (status, err)
    };
    let garbage = write(d, "garbage.pdf", b"%PDF-1.7\nnot really\n");
    let unsigned = write(d, "unsigned.pdf", &rendered());
    let out = d.join("out.pdf");
    for (file, code) in [(&garbage, "PDF_MALFORMED"), (&unsigned, "PDF_NOT_SIGNED")] {
        let (status, err) = q(&[
            "pdf",
            "renew",
            file.to_str().unwrap(),
            "--tsa",
            "http://127.0.0.1:9/",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(status, 1, "{err}");
        assert!(err.contains(code), "{err}");
        assert!(!out.exists());
    }
    // The library refuses what it cannot read.
    assert!(pdf::ltv::append_dss(&b"garbage".as_slice(), &Default::default(), now()).is_err());
    assert!(pdf::ltv::last_proof(&b"%PDF-1.4\n".as_slice()).is_err());
    // A document time-stamp whose token was altered fails; the signature
    // still passes, at level B-LT.
    let tsa = TestTsa::new(&tsa_pki().short, now());
    let mut file = b_lta(&tsa, now() - 900);
    // The token's message imprint: the SHA-256 of the ByteRange, in its TSTInfo.
    let sigs = sig_dicts(&file);
    let imprint = ring::digest::digest(&ring::digest::SHA256, &signed_bytes(&file, &sigs[1].1));
    let hex = hex_upper(imprint.as_ref());
    let at = file
        .windows(hex.len())
        .position(|w| w.eq_ignore_ascii_case(hex.as_bytes()))
        .unwrap();
    file[at] = if file[at] == b'0' { b'1' } else { b'0' };
    let v = verify_at(&file, now(), &store());
    assert_eq!(v["signatures"][1]["kind"], "document_timestamp");
    assert_ne!(
        v["signatures"][1]["indication"], "PASSED",
        "{:#}",
        v["signatures"][1]
    );
    assert_eq!(v["signatures"][0]["indication"], "PASSED");
    assert_eq!(v["signatures"][0]["level"], "B-LT");
    assert_eq!(v["level"], "B-LT");
}
