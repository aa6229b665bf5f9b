//! Result PDFs judged by independent validators, both ways round:
//! - poppler's `pdfsig` (NSS database trusting the demo root) finds every
//!   qoltanba signature valid and trusted, the last covering the whole file;
//! - pyHanko (`pyhanko sign validate` / `adesverify`) finds single
//!   signatures and the second of two INTACT:TRUSTED,UNTOUCHED, and B-LT
//!   files valid offline from their DSS, CRLs or OCSP responses (those of
//!   `qoltanba pdf sign --ltv --revocation ocsp`, from `openssl ocsp`
//!   responses served on loopback);
//! - PDFs signed by pyHanko and by endesive verify in `qoltanba pdf verify`
//!   with the right verdict, a revoked signer included;
//! - `pdftotext` gives back the rendered words, every Kazakh letter, and
//!   finds the officer's name and the application number inside the stamp's
//!   rectangle of the page `pdftoppm` renders, and `zbarimg` decodes each
//!   stamp's QR code to its verification URL.
//!
//! `scripts/test` installs poppler-utils, libnss3-tools, zbar-tools, and
//! pyHanko and endesive in one venv (its pyhanko named by QOLTANBA_PYHANKO,
//! its python beside it).

mod common;

use common::demo::{Who, who};
use common::pdf_demo::{LOCAL_URL, rendered_at, stamp};
use common::pdf_judge::{
    endesive_sign, pdfsig, person_files, pyhanko, pyhanko_judges, pyhanko_validate, run, tool,
};
use common::{qoltanba_demo, repo, write};
use qoltanba::pdf::verify::PdfVerifyRequest;
use qoltanba::pdf::{self, Lang, SignOptions};
use qoltanba::pki::{Policy, TrustStore};
use qoltanba::verdict::Indication;
use std::path::{Path, PathBuf};

fn now() -> i64 {
    qoltanba::time::now()
}

fn rendered(kind: &str, langs: &[Lang]) -> Vec<u8> {
    rendered_at(kind, langs, now() - 3600)
}

fn opts(w: &Who, stamped: bool) -> SignOptions<'_> {
    SignOptions {
        reason: Some("Нәтиже / Результат".into()),
        stamp: stamped.then(|| stamp(&w.cert, now())),
        ..SignOptions::new(&w.key, &w.cert, &w.chain, now(), LOCAL_URL)
    }
}

/// `testdata/pdfs/result-{kind}.json` rendered in Kazakh and Russian, as
/// `dir/base.pdf`.
fn base_pdf(dir: &Path, kind: &str) -> PathBuf {
    write(dir, "base.pdf", &rendered(kind, &[Lang::Kk, Lang::Ru]))
}

/// `pyhanko sign adesverify`'s status per signature, offline from the file.
fn pyhanko_adesverify(file: &Path) -> Vec<String> {
    pyhanko_judges(&["adesverify"], file)
}

#[test]
fn pdfsig_and_pyhanko_accept_a_single_stamped_signature() {
    let dir = tempfile::tempdir().unwrap();
    let w = who("head");
    let (signed, _) = pdf::sign_bytes(
        &rendered("notification", &[Lang::Kk, Lang::Ru]),
        &opts(&w, true),
    )
    .unwrap();
    let f = write(dir.path(), "one.pdf", &signed);
    assert_eq!(pdfsig(&f), vec![(true, true, true)]);
    assert_eq!(pyhanko_validate(&f), vec!["INTACT:TRUSTED,UNTOUCHED"]);
    // Invisible, on a file with cross-reference streams.
    let mut doc = lopdf::Document::load_mem(&rendered("refusal", &[Lang::Ru])).unwrap();
    let mut modern = Vec::new();
    doc.save_modern(&mut modern).unwrap();
    let (signed, _) = pdf::sign_bytes(&modern, &opts(&w, false)).unwrap();
    let f = write(dir.path(), "xrefstream.pdf", &signed);
    assert_eq!(pdfsig(&f), vec![(true, true, true)]);
    assert_eq!(pyhanko_validate(&f), vec!["INTACT:TRUSTED,UNTOUCHED"]);
}

#[test]
fn pdfsig_and_pyhanko_accept_two_signers() {
    let dir = tempfile::tempdir().unwrap();
    let (emp, head) = (who("employee"), who("head"));
    let base = rendered("refusal", &[Lang::Kk, Lang::Ru]);
    let (one, _) = pdf::sign_bytes(&base, &opts(&emp, true)).unwrap();
    let (two, _) = pdf::sign_bytes(&one, &opts(&head, true)).unwrap();
    let f = write(dir.path(), "two.pdf", &two);
    assert_eq!(pdfsig(&f), vec![(true, true, false), (true, true, true)]);
    let v = pyhanko_validate(&f);
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(
        v[0].starts_with("INTACT:TRUSTED,") && v[0].contains("ACCEPTABLE_MODIFICATIONS"),
        "{v:?}"
    );
    assert_eq!(v[1], "INTACT:TRUSTED,UNTOUCHED");
}

#[test]
fn pyhanko_validates_b_lt_offline_from_the_dss() {
    let dir = tempfile::tempdir().unwrap();
    let w = who("head");
    let crls: Vec<Vec<u8>> = ["root-ca.crl", "nca-rsa.crl", "nca-rsa-delta.crl"]
        .iter()
        .map(|f| std::fs::read(repo(&format!("certs/trust/{f}"))).unwrap())
        .collect();
    let store = TrustStore::from_dir(&repo("certs/trust")).unwrap();
    let mut o = opts(&w, true);
    o.ltv = Some(pdf::sign::ltv_material(&w.cert, &w.chain, &store, &crls));
    let (signed, _) = pdf::sign_bytes(&rendered("notification", &[Lang::Kk]), &o).unwrap();
    let f = write(dir.path(), "lt.pdf", &signed);
    assert_eq!(pyhanko_adesverify(&f), vec!["INTACT:TRUSTED,UNTOUCHED"]);
    assert_eq!(pdfsig(&f), vec![(true, true, true)]);
    // The same signature without a DSS has no revocation data offline.
    let (plain, _) =
        pdf::sign_bytes(&rendered("notification", &[Lang::Kk]), &opts(&w, true)).unwrap();
    let f = write(dir.path(), "plain.pdf", &plain);
    let v = pyhanko_adesverify(&f);
    assert!(v.iter().all(|s| s.contains("UNTRUSTED")), "{v:?}");
}

/// `pyhanko sign adesverify` at an explicit validation time of now: without
/// one, pyHanko 0.38 leaves the DSS's OCSP responses unused (its CRLs it
/// uses); at the same instant given explicitly, it uses both.
fn pyhanko_adesverify_now(file: &Path) -> Vec<String> {
    let now = qoltanba::time::rfc3339(now());
    pyhanko_judges(&["adesverify", "--validation-time", &now], file)
}

fn qoltanba_verify(file: &Path) -> qoltanba::pdf::PdfReport {
    let req = PdfVerifyRequest {
        at: now(),
        policy: Policy::default(),
        ..Default::default()
    };
    pdf::verify_file(
        file,
        &TrustStore::from_dir(&repo("certs/trust")).unwrap(),
        &req,
    )
    .unwrap()
}

fn pyhanko_sign(input: &Path, output: &Path, who: &str, field: &str, extra: &[&str]) {
    let mut c = pyhanko();
    c.args(["sign", "addsig", "--field", field, "--use-pades"]);
    c.args(extra);
    let [key, cert, chain] = person_files(who);
    c.args(["pemder", "--no-pass", "--key"])
        .arg(key)
        .arg("--cert")
        .arg(cert)
        .arg("--chain")
        .arg(chain)
        .arg(input)
        .arg(output);
    let (ok, out) = run(c);
    assert!(ok, "pyhanko addsig: {out}");
}

#[test]
fn pyhanko_signed_pdfs_verify_in_qoltanba() {
    let dir = tempfile::tempdir().unwrap();
    let base = base_pdf(dir.path(), "refusal");
    // The head, visible, PAdES.
    let head = dir.path().join("head.pdf");
    pyhanko_sign(&base, &head, "head", "2/40,40,300,120/Head", &[]);
    let r = qoltanba_verify(&head);
    assert_eq!(r.indication, Indication::Passed, "{}", r.to_text());
    assert_eq!(r.signatures[0].sub_filter, "ETSI.CAdES.detached");
    // Then qoltanba signs after pyHanko, and pyHanko signs after qoltanba: all valid.
    let w = who("employee");
    let (ours, _) = pdf::sign_bytes(&std::fs::read(&head).unwrap(), &opts(&w, true)).unwrap();
    let ours_f = write(dir.path(), "ours.pdf", &ours);
    let third = dir.path().join("third.pdf");
    pyhanko_sign(&ours_f, &third, "operator", "Operator", &[]);
    let r = qoltanba_verify(&third);
    assert_eq!(r.signatures.len(), 3);
    assert_eq!(r.indication, Indication::Passed, "{}", r.to_text());
    let v = pyhanko_validate(&third);
    assert_eq!(v.len(), 3);
    assert!(v.iter().all(|s| s.starts_with("INTACT:TRUSTED")), "{v:?}");
    // A revoked signer.
    let revoked = dir.path().join("revoked.pdf");
    pyhanko_sign(&base, &revoked, "revoked", "Sig", &[]);
    let r = qoltanba_verify(&revoked);
    assert_eq!(r.indication, Indication::Failed);
    assert_eq!(r.signatures[0].code, "CERT_REVOKED");
    // A certification by pyHanko, then an annotation-free second signature by qoltanba.
    let certified = dir.path().join("certified.pdf");
    pyhanko_sign(&base, &certified, "head", "Cert", &["--certify"]);
    let r = qoltanba_verify(&certified);
    assert_eq!(r.docmdp, Some(2), "{}", r.to_text());
    assert_eq!(r.indication, Indication::Passed, "{}", r.to_text());
}

/// `pdftotext ARGS FILE -`: whether it succeeded, and the text.
fn pdftotext(file: &Path, args: &[&str]) -> (bool, String) {
    let mut c = tool("pdftotext");
    c.args(args).arg(file).arg("-");
    run(c)
}

/// Every one of `words` is in `text` (`place` says where, for the message).
fn assert_words(text: &str, words: &[&str], place: &str) {
    for w in words {
        assert!(text.contains(w), "{w:?} not in{place}:\n{text}");
    }
}

#[test]
fn pdftotext_reads_the_rendered_words_and_every_kazakh_letter() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "r.pdf",
        &rendered("notification", &[Lang::Kk, Lang::Ru]),
    );
    let (ok, text) = pdftotext(&f, &[]);
    assert!(ok);
    let words = [
        "Мемлекеттік қызмет көрсету нәтижесі туралы хабарлама",
        "Уведомление о результате оказания",
        "ТЕСТОВ АЙДАР",
        "880101300123",
        "KZ-2026-000123",
        "Ә Ғ Қ Ң Ө Ұ Ү Һ І ә ғ қ ң ө ұ ү һ і",
        "СӘРСЕНБАЕВА ДӘМЕТКЕН",
    ];
    assert_words(&text, &words, "");
    let mut c = tool("pdffonts");
    c.arg(&f);
    let (_, fonts) = run(c);
    assert!(
        fonts.contains("CID TrueType") && fonts.contains("Identity-H"),
        "{fonts}"
    );
    for line in fonts.lines().skip(2) {
        assert!(
            line.contains("yes yes yes"),
            "embedded, subset, ToUnicode: {line}"
        );
    }
}

#[test]
fn the_stamp_shows_the_officer_and_the_application_number() {
    let dir = tempfile::tempdir().unwrap();
    let w = who("head");
    let mut o = opts(&w, true);
    let rect = [40.0f32, 40.0, 555.0, 115.0];
    if let Some(s) = o.stamp.as_mut() {
        s.rect = Some(rect);
    }
    let (signed, _) = pdf::sign_bytes(&rendered("refusal", &[Lang::Kk, Lang::Ru]), &o).unwrap();
    let f = write(dir.path(), "stamped.pdf", &signed);
    // The picture.
    let mut c = tool("pdftoppm");
    c.args(["-f", "2", "-l", "2", "-r", "50", "-png"])
        .arg(&f)
        .arg(dir.path().join("page"));
    assert!(run(c).0);
    let png = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "png"))
        .expect("a PNG of page 2");
    assert!(std::fs::metadata(&png).unwrap().len() > 5_000);
    // The text inside the stamp's rectangle (pdftotext measures from the top, at 72 dpi).
    let page_h = 841.89f32;
    let region = [
        rect[0],
        page_h - rect[3],
        rect[2] - rect[0],
        rect[3] - rect[1],
    ]
    .map(|v| format!("{}", v as i32));
    let page_2 = ["-layout", "-f", "2", "-l", "2"];
    let (x, y, w, h) = (&region[0], &region[1], &region[2], &region[3]);
    let in_rect = ["-x", x, "-y", y, "-W", w, "-H", h];
    let (ok, text) = pdftotext(&f, &[&page_2[..], &in_rect].concat());
    assert!(ok);
    let words = [
        "СӘРСЕНБАЕВА ДӘМЕТКЕН",
        "KZ-2026-000124",
        "120340000123",
        "Руководитель",
        "UTC+5",
    ];
    assert_words(&text, &words, " the stamp");
    // And none of it above the stamp: the region is the stamp's.
    let above_stamp = ["-x", "0", "-y", "0", "-W", "595", "-H", "500"];
    let (_, above) = pdftotext(&f, &[&page_2[..], &above_stamp].concat());
    assert!(!above.contains("UTC+5"), "{above}");
}

#[test]
fn zbarimg_reads_the_verification_url_from_the_stamp() {
    let dir = tempfile::tempdir().unwrap();
    let (emp, head) = (who("employee"), who("head"));
    let base = rendered("notification", &[Lang::Kk]);
    let (one, first) = pdf::sign_bytes(&base, &opts(&emp, true)).unwrap();
    let (two, second) = pdf::sign_bytes(&one, &opts(&head, true)).unwrap();
    let f = write(dir.path(), "two.pdf", &two);
    let mut c = tool("pdftoppm");
    c.args(["-r", "150", "-png"])
        .arg(&f)
        .arg(dir.path().join("p"));
    assert!(run(c).0);
    let png = dir.path().join("p-1.png");
    let mut c = tool("zbarimg");
    c.args(["-q", "--raw"]).arg(&png);
    let out = c.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut urls: Vec<&str> = text.lines().filter(|l| l.starts_with("http")).collect();
    urls.sort();
    let mut want = vec![first.url.as_str(), second.url.as_str()];
    want.sort();
    assert_eq!(urls, want, "both stamps' QR codes decode to their URLs");
    // The second signer's URL names the revision the head signed (with the employee's signature).
    assert_ne!(first.signed_revision_sha256, second.signed_revision_sha256);
}

#[test]
fn pyhanko_accepts_a_certification_then_the_heads_signature_in_its_field() {
    let dir = tempfile::tempdir().unwrap();
    let (emp, head) = (who("employee"), who("head"));
    let mut o = opts(&emp, true);
    o.certify = true;
    o.add_fields = vec!["HeadSignature".into()];
    let (one, _) = pdf::sign_bytes(&rendered("notification", &[Lang::Kk, Lang::Ru]), &o).unwrap();
    let mut o = opts(&head, true);
    o.field = Some("HeadSignature".into());
    let (two, outcome) = pdf::sign_bytes(&one, &o).unwrap();
    assert_eq!(outcome.field, "HeadSignature");
    let f = write(dir.path(), "certified.pdf", &two);
    let v = pyhanko_validate(&f);
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(
        v[0].starts_with("INTACT:TRUSTED,") && v[0].contains("ACCEPTABLE_MODIFICATIONS"),
        "{v:?}"
    );
    assert_eq!(v[1], "INTACT:TRUSTED,UNTOUCHED");
    assert_eq!(pdfsig(&f), vec![(true, true, false), (true, true, true)]);
    let r = qoltanba_verify(&f);
    assert_eq!(r.indication, Indication::Passed, "{}", r.to_text());
    assert_eq!(r.docmdp, Some(2));
}

#[test]
fn endesive_signed_pdfs_verify_in_qoltanba() {
    let dir = tempfile::tempdir().unwrap();
    let base = base_pdf(dir.path(), "notification");
    let head = dir.path().join("head.pdf");
    endesive_sign(&base, &head, "head");
    let r = qoltanba_verify(&head);
    assert_eq!(r.indication, Indication::Passed, "{}", r.to_text());
    assert_eq!(r.code, "OK");
    assert_eq!(r.signatures.len(), 1);
    let s = &r.signatures[0];
    assert_eq!(s.field, "Endesive");
    assert_eq!(s.sub_filter, "adbe.pkcs7.detached");
    assert!(s.coverage.covers_whole_file, "{}", r.to_text());
    // pdfsig agrees.
    assert_eq!(pdfsig(&head), vec![(true, true, true)]);
    // A revoked signer.
    let revoked = dir.path().join("revoked.pdf");
    endesive_sign(&base, &revoked, "revoked");
    let r = qoltanba_verify(&revoked);
    assert_eq!(r.indication, Indication::Failed, "{}", r.to_text());
    assert_eq!(r.code, "CERT_REVOKED");
    assert_eq!(r.signatures[0].code, "CERT_REVOKED");
    // The employee signs with qoltanba after the head signed with endesive: both stay valid.
    let w = who("employee");
    let (two, _) = pdf::sign_bytes(&std::fs::read(&head).unwrap(), &opts(&w, true)).unwrap();
    let f = write(dir.path(), "two.pdf", &two);
    let r = qoltanba_verify(&f);
    assert_eq!(r.signatures.len(), 2);
    assert_eq!(r.indication, Indication::Passed, "{}", r.to_text());
}

/// An OCSP response about `who` made by `openssl ocsp` from a one-line index,
/// signed by the issuing CA itself, with a nextUpdate a day ahead (or none);
/// revoked (on 2026-01-01) or good.
fn ocsp_response_with(
    who: &str,
    issuer: &str,
    revoked: bool,
    next_update: bool,
) -> (String, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cert = if who.starts_with("nca-") {
        repo(&format!("certs/trust/{who}.pem"))
    } else {
        repo(&format!("certs/people/{who}.pem"))
    };
    let issuer_pem = repo(&format!("certs/trust/{issuer}.pem"));
    let mut c = tool("openssl");
    c.args(["x509", "-noout", "-serial", "-in"]).arg(&cert);
    let (ok, out) = run(c);
    assert!(ok, "{out}");
    let serial = out.trim().trim_start_matches("serial=").to_string();
    let status = if revoked {
        "R\t360101000000Z\t260101000000Z"
    } else {
        "V\t360101000000Z\t"
    };
    std::fs::write(
        d.join("index.txt"),
        format!("{status}\t{serial}\tunknown\t/CN={who}\n"),
    )
    .unwrap();
    let mut c = tool("openssl");
    c.args(["ocsp", "-no_nonce", "-issuer"])
        .arg(&issuer_pem)
        .arg("-cert")
        .arg(&cert)
        .arg("-reqout")
        .arg(d.join("req.der"));
    let (ok, out) = run(c);
    assert!(ok, "{out}");
    let mut c = tool("openssl");
    c.args(["ocsp", "-index"])
        .arg(d.join("index.txt"))
        .arg("-rsigner")
        .arg(&issuer_pem)
        .arg("-rkey")
        .arg(repo(&format!("certs/ca/{issuer}.key.pem")))
        .arg("-CA")
        .arg(&issuer_pem)
        .arg("-reqin")
        .arg(d.join("req.der"))
        .arg("-respout")
        .arg(d.join("resp.der"));
    if next_update {
        c.args(["-ndays", "1"]);
    }
    let (ok, out) = run(c);
    assert!(ok, "{out}");
    (serial, std::fs::read(d.join("resp.der")).unwrap())
}

fn ocsp_response(who: &str, issuer: &str, revoked: bool) -> (String, Vec<u8>) {
    ocsp_response_with(who, issuer, revoked, true)
}

/// A loopback OCSP responder answering each request with the prepared
/// response for its serial number (`malformedRequest` otherwise); its URL.
fn ocsp_responder(answers: Vec<(String, Vec<u8>)>) -> String {
    use std::io::{Read, Write};
    fn serve(s: &mut std::net::TcpStream, answers: &[(String, Vec<u8>)]) -> std::io::Result<()> {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let (start, len) = loop {
            let n = s.read(&mut chunk)?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                break (i + 4, len);
            }
        };
        while buf.len() < start + len {
            let n = s.read(&mut chunk)?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body = buf.get(start..start + len).unwrap_or_default();
        let serial = <x509_ocsp::OcspRequest as der::Decode>::from_der(body)
            .ok()
            .and_then(|r| {
                r.tbs_request
                    .request_list
                    .first()
                    .map(|q| qoltanba::pki::cert::hex(q.req_cert.serial_number.as_bytes()))
            })
            .unwrap_or_default();
        let norm = |h: &str| h.trim_start_matches('0').to_uppercase();
        let answer = answers
            .iter()
            .find(|(s, _)| norm(s) == norm(&serial))
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| vec![0x30, 0x03, 0x0a, 0x01, 0x01]);
        write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            answer.len()
        )?;
        s.write_all(&answer)
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let _ = serve(&mut s, &answers);
        }
    });
    url
}

/// A trust store with the root alone: no intermediates, no CRLs.
fn root_only() -> TrustStore {
    let mut bare = TrustStore::new("root only");
    bare.add_anchors(
        &std::fs::read(repo("certs/trust/root-ca.pem")).unwrap(),
        "root",
    )
    .unwrap();
    bare
}

fn verify_offline(file: &Path) -> qoltanba::pdf::PdfReport {
    let req = PdfVerifyRequest {
        at: now(),
        policy: Policy::default(),
        ..Default::default()
    };
    pdf::verify_file(file, &root_only(), &req).unwrap()
}

/// The revocation check's entry for the signer certificate.
fn leaf_revocation(r: &qoltanba::pdf::PdfReport) -> serde_json::Value {
    let c = r.signatures[0]
        .verdict
        .checks
        .iter()
        .find(|c| c.name == "revocation")
        .expect("a revocation check");
    serde_json::to_value(c).unwrap()["detail"]["certificates"][0].clone()
}

#[test]
fn b_lt_with_ocsp_responses_in_the_dss_validates_offline() {
    let dir = tempfile::tempdir().unwrap();
    let (head_serial, head_good) = ocsp_response("head", "nca-rsa", false);
    let (ca_serial, ca_good) = ocsp_response("nca-rsa", "root-ca", false);
    let url = ocsp_responder(vec![(head_serial, head_good.clone()), (ca_serial, ca_good)]);
    let base = base_pdf(dir.path(), "notification");
    // The command line: the signer check asks OCSP, and --ltv stores what it
    // believed; the only CRL is the root's (it covers the intermediate).
    let lt = dir.path().join("lt.pdf");
    let q = |args: &[&std::ffi::OsStr]| {
        let (code, out, err) = qoltanba_demo(args);
        (code, out + &err)
    };
    let os = |s: &str| std::ffi::OsString::from(s);
    let (code, out) = q(&[
        &os("pdf"),
        &os("sign"),
        &os("--in"),
        base.as_os_str(),
        &os("--out"),
        lt.as_os_str(),
        &os("--key"),
        &os("certs/people/head.key.pem"),
        &os("--cert"),
        &os("certs/people/head.pem"),
        &os("--chain"),
        &os("certs/trust/nca-rsa.pem"),
        &os("--stamp"),
        &os("--ltv"),
        &os("--crl"),
        &os("certs/trust/root-ca.crl"),
        &os("--revocation"),
        &os("ocsp"),
        &os("--ocsp"),
        &os(&url),
    ]);
    assert_eq!(code, 0, "{out}");
    // qoltanba, offline, trusting the root alone.
    let r = verify_offline(&lt);
    assert_eq!(r.indication, Indication::Passed, "{}", r.to_text());
    assert_eq!(
        r.file["dss"],
        serde_json::json!({ "certs": 3, "crls": 1, "ocsps": 2 })
    );
    let leaf = leaf_revocation(&r);
    assert_eq!(leaf["status"], "good", "{leaf}");
    assert_eq!(leaf["detail"]["source"], "ocsp", "{leaf}");
    assert_eq!(leaf["detail"]["url"], "DSS OCSP #1", "{leaf}");
    let (code, out) = q(&[
        &os("pdf"),
        &os("verify"),
        lt.as_os_str(),
        &os("--trust"),
        &os("certs/trust/root-ca.pem"),
        &os("--format"),
        &os("text"),
    ]);
    assert_eq!(code, 0, "{out}");
    // The independent judges. The DSS is a revision of its own after the
    // signature (issue 19): an LTA update, not the signed revision.
    assert_eq!(
        pyhanko_adesverify_now(&lt),
        vec!["INTACT:TRUSTED,EXTENDED_WITH_LTA_UPDATES,ACCEPTABLE_MODIFICATIONS"]
    );
    assert_eq!(pdfsig(&lt), vec![(true, true, false)]);

    // The same DSS without the OCSP responses cannot decide the signer offline.
    let w = who("head");
    let root_crl = std::fs::read(repo("certs/trust/root-ca.crl")).unwrap();
    let store = TrustStore::from_dir(&repo("certs/trust")).unwrap();
    let ltv = pdf::sign::ltv_material(&w.cert, &w.chain, &store, std::slice::from_ref(&root_crl));
    assert_eq!((ltv.certs.len(), ltv.crls.len()), (3, 1));
    let mut o = opts(&w, false);
    o.ltv = Some(ltv.clone());
    let (signed, _) = pdf::sign_bytes(&std::fs::read(&base).unwrap(), &o).unwrap();
    let f = write(dir.path(), "crl-only.pdf", &signed);
    let r = verify_offline(&f);
    assert_eq!(r.indication, Indication::Indeterminate, "{}", r.to_text());
    assert_eq!(r.code, "REVOCATION_UNAVAILABLE");
    // With the signer's response alone (the intermediate by the root's CRL): passed.
    o.ltv = Some(pdf::Ltv {
        ocsps: vec![head_good],
        ..ltv
    });
    let (signed, _) = pdf::sign_bytes(&std::fs::read(&base).unwrap(), &o).unwrap();
    let f = write(dir.path(), "ocsp.pdf", &signed);
    let r = verify_offline(&f);
    assert_eq!(r.indication, Indication::Passed, "{}", r.to_text());
    assert_eq!(pyhanko_adesverify_now(&f), vec!["INTACT:TRUSTED,UNTOUCHED"]);
    // A stored response without nextUpdate: nothing bounds its use, so it is refused.
    let (_, unbounded) = ocsp_response_with("head", "nca-rsa", false, false);
    o.ltv = Some(pdf::Ltv {
        ocsps: vec![unbounded],
        ..o.ltv.clone().unwrap()
    });
    let (signed, _) = pdf::sign_bytes(&std::fs::read(&base).unwrap(), &o).unwrap();
    let f = write(dir.path(), "unbounded.pdf", &signed);
    let r = verify_offline(&f);
    assert_eq!(r.code, "OCSP_INVALID", "{}", r.to_text());

    // A revoked signer, proven revoked by the response in its DSS.
    let w = who("revoked");
    let (_, revoked) = ocsp_response("revoked", "nca-rsa", true);
    let mut o = opts(&w, false);
    o.ltv = Some(pdf::Ltv {
        ocsps: vec![revoked],
        ..pdf::sign::ltv_material(&w.cert, &w.chain, &store, &[root_crl])
    });
    let (signed, _) = pdf::sign_bytes(&std::fs::read(&base).unwrap(), &o).unwrap();
    let f = write(dir.path(), "revoked.pdf", &signed);
    let r = verify_offline(&f);
    assert_eq!(r.indication, Indication::Failed, "{}", r.to_text());
    assert_eq!(r.code, "CERT_REVOKED");
    assert_eq!(leaf_revocation(&r)["detail"]["source"], "ocsp");
}
