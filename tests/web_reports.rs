//! Checking any signed file (`/check`) and the validation reports
//! (`POST /v1/reports`, `qoltanba report`), through the router: a signed
//! PDF and an altered copy, CMS attached and detached, garbage, a hostile
//! file name; sizes and the per-client limit; the sealed PDF report judged
//! by pdfsig and pyHanko, the ETSI TS 119 102-2 XML report by xmllint
//! against the ETSI schema (testdata/etsi), the JSON verdict.

mod common;
use common::pdf_judge::{nss_db, pyhanko, run, tool};
use common::web::*;
use common::write;

use axum::http::StatusCode;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

fn testdata(p: &str) -> Vec<u8> {
    std::fs::read(repo(&format!("testdata/{p}"))).unwrap()
}

async fn check(site: &Site, parts: &[(&str, Option<&str>, &[u8])], accept: &str) -> Resp {
    let (ct, body) = multipart(parts);
    site.post("/check", &ct, body, &[("accept", accept)]).await
}

/// The `data-check` names and outcomes of the first signature's table.
fn indication_of(page: &str) -> &str {
    let at = page.find("data-indication=\"").expect("a verdict") + 17;
    &page[at..at + page[at..].find('"').unwrap()]
}

#[tokio::test]
async fn a_signed_pdf_passes_and_an_altered_copy_fails_with_its_reason() {
    let site = Site::new().await;
    let issued = site.issue().await;
    let r = check(
        &site,
        &[
            ("file", Some("result.pdf"), &issued.pdf),
            ("lang", None, b"en"),
        ],
        "text/html",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = r.text();
    assert_eq!(indication_of(&page), "PASSED", "{page}");
    assert!(page.contains("id=\"signature-1\"") && page.contains("id=\"signature-2\""));
    assert!(
        page.contains("data-check=\"signature\""),
        "every check is listed"
    );
    assert!(page.contains("id=\"reports\""), "the report buttons");
    assert_eq!(r.header("cache-control"), "no-store");
    // One byte changed inside the signed bytes: failed, and why.
    let r = check(
        &site,
        &[
            ("file", Some("result.pdf"), &altered(&issued.pdf)),
            ("lang", None, b"en"),
        ],
        "",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    assert_eq!(indication_of(&page), "FAILED", "{page}");
    assert!(
        page.contains("HASH_FAILURE") || page.contains("DIGEST_MISMATCH"),
        "{page}"
    );
    // The committed tampered vector (a change after the signature): failed too.
    let r = check(
        &site,
        &[("file", Some("t.pdf"), &testdata("pdfs/tampered.pdf"))],
        "application/json",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), "application/json");
    let v = r.json();
    assert_eq!(
        (v["indication"].as_str(), v["file"]["kind"].as_str()),
        (Some("FAILED"), Some("pdf")),
        "{v}"
    );
    assert_eq!(
        v["code"], "DIGEST_MISMATCH",
        "as testdata/pdfs/manifest.json says: {v}"
    );
    assert!(v["message"]["kk"].is_string() && v["message"]["ru"].is_string());
}

#[tokio::test]
async fn cms_envelopes_attached_and_detached_and_garbage() {
    let site = Site::new().await;
    let request = testdata("envelopes/request.json");
    let tampered = testdata("envelopes/request-tampered.json");
    let attached = testdata("envelopes/rsa-attached.p7s");
    let detached = testdata("envelopes/rsa-detached.p7s");
    let pem = testdata("envelopes/rsa-attached.pem");
    let revoked = testdata("envelopes/revoked.p7s");
    let garbage = testdata("envelopes/garbage.txt");
    type Parts<'a> = Vec<(&'a str, Option<&'a str>, &'a [u8])>;
    #[rustfmt::skip]
    let cases: Vec<(&str, Parts, &str, &str)> = vec![
        ("attached", vec![("file", Some("a.p7s"), &attached)], "PASSED", "OK"),
        ("attached PEM", vec![("file", Some("a.pem"), &pem)], "PASSED", "OK"),
        ("detached with its data",
            vec![("file", Some("d.p7s"), &detached), ("data", Some("request.json"), &request)],
            "PASSED", "OK"),
        ("detached, other data",
            vec![("file", Some("d.p7s"), &detached), ("data", Some("request.json"), &tampered)],
            "FAILED", "DIGEST_MISMATCH"),
        ("revoked", vec![("file", Some("r.p7s"), &revoked)], "FAILED", "CERT_REVOKED"),
        ("garbage", vec![("file", Some("g.txt"), &garbage)], "FAILED", "ENVELOPE_MALFORMED"),
    ];
    for (what, parts, indication, code) in cases {
        let r = check(&site, &parts, "application/json").await;
        assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.text());
        let v = r.json();
        assert_eq!(
            (v["indication"].as_str(), v["code"].as_str()),
            (Some(indication), Some(code)),
            "{what}: {v}"
        );
        assert_eq!(v["file"]["kind"], "cms", "{what}");
    }
}

#[tokio::test]
async fn uploads_are_bounded_and_names_are_escaped() {
    let site = Site::new().await;
    // A hostile file name is shown escaped, never raw.
    // (A browser sends a file name's `"` as %22: the header's quotes stay whole.)
    let evil = "'><script>alert(1)</script><img src=x onerror=alert(2)>.pdf";
    let r = check(
        &site,
        &[("file", Some(evil), &testdata("pdfs/signed-by-head.pdf"))],
        "",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    assert!(
        !page.contains("<script") && !page.contains("<img"),
        "{page}"
    );
    assert!(
        page.contains("&lt;script&gt;"),
        "the name is shown, escaped"
    );
    // No file; too large (one byte over); a body far over the limit.
    let r = check(&site, &[("lang", None, b"en")], "").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("id=\"problem\""));
    let big = vec![b'%'; qoltanba::web::MAX_UPLOAD + 1];
    let r = check(
        &site,
        &[("file", Some("big.pdf"), &big)],
        "application/json",
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert_eq!(r.json()["code"], "REQUEST_TOO_LARGE");
    let huge = vec![b'%'; qoltanba::web::MAX_UPLOAD * 2 + 1024];
    let r = check(&site, &[("file", Some("huge.pdf"), &huge)], "").await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Not multipart at all: a clear 4xx.
    let r = site
        .post("/check", "application/json", b"{}".to_vec(), &[])
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
}

#[tokio::test]
async fn one_client_gets_its_allowance_of_checks_per_minute() {
    let site = Site::new().await;
    let garbage = testdata("envelopes/garbage.txt");
    for i in 0..qoltanba::web::CHECKS_PER_MINUTE {
        let r = check(
            &site,
            &[("file", Some("g.txt"), &garbage)],
            "application/json",
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "check {i}");
    }
    let r = check(
        &site,
        &[("file", Some("g.txt"), &garbage)],
        "application/json",
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.json()["code"], "TOO_MANY_REQUESTS");
    let r = check(
        &site,
        &[("file", Some("g.txt"), &garbage), ("lang", None, b"en")],
        "",
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().contains("id=\"problem\""));
}

/// xmllint's judgement of an ETSI report against TS 119 102-2 (offline, through the catalog).
fn etsi_schema_valid(xml: &Path) -> (bool, String) {
    let mut c = Command::new("xmllint");
    c.env("XML_CATALOG_FILES", repo("testdata/etsi/catalog.xml"))
        .args(["--noout", "--nonet", "--schema"])
        .arg(repo("testdata/etsi/TS119102-2-v141.xsd"))
        .arg(xml);
    run(c)
}

/// pdfsig's report on `pdf`, against an NSS database trusting the demo root.
fn pdfsig(pdf: &Path) -> String {
    let mut c = tool("pdfsig");
    c.args(["-no-ocsp", "-nssdir", nss_db()]).arg(pdf);
    run(c).1
}

/// pyHanko's report on `pdf`, trusting the demo root.
fn pyhanko_validate(pdf: &Path) -> String {
    let mut c = pyhanko();
    c.args(["sign", "validate", "--soft-revocation-check", "--trust"])
        .arg(repo("certs/trust/root-ca.pem"))
        .arg("--trust-replace")
        .arg(pdf);
    run(c).1
}

#[tokio::test]
async fn reports_from_the_api_pass_pdfsig_pyhanko_and_the_etsi_schema() {
    let site = Site::new().await;
    let issued = site.issue().await;
    let token = site.key(qoltanba::store::keys::Role::Portal).await;
    let dir = tempfile::tempdir().unwrap();
    let request = |format: &str, file: &[u8], lang: &str| json!({ "file": b64(file), "format": format, "lang": lang, "name": "result.pdf" });
    let post = |body: Value| {
        let token = token.clone();
        let site = &site;
        async move {
            site.post(
                "/v1/reports",
                "application/json",
                body.to_string().into_bytes(),
                &[("authorization", &format!("Bearer {token}"))],
            )
            .await
        }
    };
    // The sealed PDF report, in each language: pdfsig and pyHanko accept the seal.
    for (lang, title) in [
        ("kk", "Электрондық қолтаңбаларды тексеру хаттамасы"),
        ("ru", "Протокол проверки электронных подписей"),
        ("en", "Signature validation report"),
    ] {
        let r = post(request("pdf", &issued.pdf, lang)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.header("content-type"), "application/pdf");
        assert!(
            r.header("content-disposition")
                .starts_with("attachment; filename=\"qoltanba-report-")
        );
        let f = write(dir.path(), &format!("report-{lang}.pdf"), &r.body);
        let out = pdfsig(&f);
        assert!(
            out.contains("Signature Validation: Signature is Valid."),
            "{lang}: {out}"
        );
        assert!(
            out.contains("Certificate Validation: Certificate is Trusted."),
            "{lang}: {out}"
        );
        assert!(
            out.contains("Total document signed") && !out.contains("Not total document signed"),
            "{out}"
        );
        let out = pyhanko_validate(&f);
        assert!(out.contains("INTACT:TRUSTED"), "{lang}: {out}");
        let mut c = tool("pdftotext");
        c.arg(&f).arg("-");
        let text = run(c).1;
        assert!(text.contains(title), "{lang}: {text}");
        assert!(
            text.contains(&issued.number) || text.contains("result.pdf"),
            "{lang}: the file named"
        );
    }
    // ETSI TS 119 102-2 XML: valid against the schema, for a pass and a failure.
    for (what, file, main) in [
        (
            "passed",
            issued.pdf.clone(),
            "urn:etsi:019102:mainindication:total-passed",
        ),
        (
            "failed",
            altered(&issued.pdf),
            "urn:etsi:019102:mainindication:total-failed",
        ),
    ] {
        let r = post(request("etsi-xml", &file, "en")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.header("content-type"), "application/xml");
        let f = write(dir.path(), &format!("{what}.xml"), &r.body);
        let (ok, out) = etsi_schema_valid(&f);
        assert!(ok, "{what}: {out}\n{}", r.text());
        assert!(r.text().contains(main), "{what}: {}", r.text());
    }
    // JSON: the verdict.
    let r = post(request("json", &issued.pdf, "en")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["indication"], "PASSED");
    // Malformed requests: a problem, never a 500.
    for bad in [
        json!({ "file": "***", "format": "json" }),
        json!({ "file": "", "format": "docx" }),
        json!({ "format": "json" }),
        json!({ "file": "", "format": "json", "extra": 1 }),
    ] {
        let r = post(bad.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.text());
        assert!(r.json()["code"].is_string());
    }
    // Without a key: refused.
    let r = site
        .post(
            "/v1/reports",
            "application/json",
            request("json", &issued.pdf, "en").to_string().into_bytes(),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_check_page_offers_the_reports_of_the_same_upload() {
    let site = Site::new().await;
    let pdf = testdata("pdfs/signed-by-head.pdf");
    for (format, media) in [
        ("pdf", "application/pdf"),
        ("etsi-xml", "application/xml"),
        ("json", "application/json"),
    ] {
        let r = check(
            &site,
            &[
                ("file", Some("s.pdf"), &pdf),
                ("format", None, format.as_bytes()),
                ("lang", None, b"ru"),
            ],
            "",
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{format}: {}", r.text());
        assert_eq!(r.header("content-type"), media, "{format}");
        assert!(
            r.header("content-disposition").starts_with("attachment;"),
            "{format}"
        );
    }
    // The answer page carries the upload back, so its buttons need no second upload.
    let r = check(&site, &[("file", Some("s.pdf"), &pdf)], "").await;
    let page = r.text();
    assert!(page.contains("name=\"file_b64\""), "{page}");
    let carried = {
        let at = page.find("name=\"file_b64\" value=\"").unwrap() + 23;
        page[at..at + page[at..].find('"').unwrap()].to_string()
    };
    let (ct, body) = multipart(&[
        ("file_b64", None, carried.as_bytes()),
        ("format", None, b"etsi-xml"),
        ("name", None, b"s.pdf"),
    ]);
    let r = site.post("/check", &ct, body, &[]).await;
    assert_eq!(
        (r.status, r.header("content-type")),
        (StatusCode::OK, "application/xml"),
        "{}",
        r.text()
    );
}

/// The demo root and its CRLs.
fn trust_args() -> Vec<PathBuf> {
    let mut a = vec!["--trust".into(), repo("certs/trust/root-ca.pem")];
    for crl in ["root-ca.crl", "nca-rsa.crl", "nca-rsa-delta.crl"] {
        a.push("--crl".into());
        a.push(repo(&format!("certs/trust/{crl}")));
    }
    a
}

/// `qoltanba report --format <format> <trust> --out <out> testdata/pdfs/<pdf>`,
/// its command `tuned` first.
fn report(
    format: &str,
    out: &Path,
    pdf: &str,
    tuned: impl FnOnce(&mut Command) -> &mut Command,
) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qoltanba"));
    tuned(&mut c).args(["report", "--format", format]);
    c.args(trust_args()).arg("--out").arg(out);
    c.arg(repo(&format!("testdata/pdfs/{pdf}")))
        .output()
        .unwrap()
}

#[test]
fn the_cli_writes_each_report() {
    let dir = tempfile::tempdir().unwrap();
    for (format, head) in [("json", &b"{"[..]), ("etsi-xml", b"<?xml")] {
        let out = dir.path().join(format!("r.{format}"));
        let o = report(format, &out, "signed-by-head.pdf", |c| c);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{err}");
        assert!(String::from_utf8_lossy(&o.stdout).starts_with("PASSED OK"));
        assert!(std::fs::read(&out).unwrap().starts_with(head), "{format}");
    }
    let xml = dir.path().join("r.etsi-xml");
    let (ok, msg) = etsi_schema_valid(&xml);
    assert!(ok, "{msg}");
    // A tampered file: exit 1, and the report still written.
    let out = dir.path().join("t.json");
    let o = report("json", &out, "tampered.pdf", |c| c);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["indication"], "FAILED");
    // A PDF report without a seal key: a clear refusal.
    let pdf = dir.path().join("r.pdf");
    let o = report("pdf", &pdf, "signed-by-head.pdf", |c| {
        c.env_remove("QOLTANBA_SEAL_KEY_ID")
    });
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("seal"));
}
