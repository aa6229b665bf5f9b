//! A signed XML document on `/check` and in `POST /v1/reports` (issue 18):
//! an enveloped XMLDSig by the demo citizen passes, an altered copy and a
//! revoked signer fail with their codes, in the JSON verdict, on the HTML
//! page and in the ETSI report.

mod common;

use axum::http::StatusCode;
use common::web::*;
use qoltanba::pki::signer::RingSigner;
use serde_json::json;

fn signed_xml(person: &str, body: &str) -> Vec<u8> {
    let key = RingSigner::from_pkcs8(
        &pem_der(&format!("certs/people/{person}.key.pem")),
        None,
        false,
    )
    .unwrap();
    let cert = pem_der(&format!("certs/people/{person}.pem"));
    qoltanba::xmldsig::sign::sign_enveloped(body.as_bytes(), &key, &cert).unwrap()
}

const REQUEST: &str = "<request><iin>880101300123</iin><service>housing-assistance</service><note>xml</note></request>";

#[tokio::test]
async fn signed_xml_on_the_check_page_and_in_reports() {
    let site = Site::new().await;
    let good = signed_xml("citizen-rsa", REQUEST);
    let text = String::from_utf8(good.clone()).unwrap();
    let altered = text
        .replace("<note>xml</note>", "<note>XML</note>")
        .into_bytes();
    assert_ne!(altered, good);
    let revoked = signed_xml("revoked", REQUEST);
    for (what, file, indication, code) in [
        ("signed", &good, "PASSED", "OK"),
        (
            "altered after signing",
            &altered,
            "FAILED",
            "DIGEST_MISMATCH",
        ),
        (
            "signed by a revoked certificate",
            &revoked,
            "FAILED",
            "CERT_REVOKED",
        ),
    ] {
        let (ct, body) = multipart(&[("file", Some("request.xml"), file)]);
        let r = site
            .post(
                "/check",
                &ct,
                body.clone(),
                &[("accept", "application/json")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.text());
        let v = r.json();
        assert_eq!(
            (
                v["indication"].as_str(),
                v["code"].as_str(),
                v["file"]["kind"].as_str()
            ),
            (Some(indication), Some(code), Some("xml")),
            "{what}: {v}"
        );
        // The page says the same, for people.
        let page = site
            .post("/check", &ct, body, &[("accept", "text/html")])
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(
            html.contains(&format!("data-indication=\"{indication}\"")),
            "{what}"
        );
        assert!(html.contains(code), "{what}: the page names {code}");
        // The JSON report from the API is the same verdict.
        let (s, report) = site
            .call(
                "POST",
                "/v1/reports",
                &site.key(qoltanba::store::keys::Role::Portal).await,
                Some(json!({ "file": b64(file), "format": "json" })),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{what}: {report}");
        assert_eq!(report["indication"], indication, "{what}: {report}");
        // The ETSI TS 119 102-2 report of it is schema-valid and says it too.
        let token = site.key(qoltanba::store::keys::Role::Portal).await;
        let body = json!({ "file": b64(file), "format": "etsi-xml" }).to_string();
        let auth = format!("Bearer {token}");
        let r = site
            .post(
                "/v1/reports",
                "application/json",
                body.into_bytes(),
                &[("authorization", &auth)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.text());
        let xml = r.text();
        let main = format!(
            "urn:etsi:019102:mainindication:total-{}",
            indication.to_lowercase()
        );
        assert!(xml.contains(&main), "{what}: {xml}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.xml");
        std::fs::write(&path, &xml).unwrap();
        let o = std::process::Command::new("xmllint")
            .env("XML_CATALOG_FILES", repo("testdata/etsi/catalog.xml"))
            .args(["--noout", "--nonet", "--schema"])
            .arg(repo("testdata/etsi/TS119102-2-v141.xsd"))
            .arg(&path)
            .output()
            .expect("xmllint is installed (./scripts/test)");
        assert!(
            o.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
