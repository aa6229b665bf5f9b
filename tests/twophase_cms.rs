//! Two-phase signing finished with a CMS the signer's own client made.
//!
//! OpenSSL's `cms -sign` plays the client (as NCALayer does, it gets the
//! data and returns a CMS): the employee and the head of the demo PKI sign
//! an application's draft and result that way, the delivered PDF passes
//! pdfsig and pyHanko; a CMS without the PAdES attributes is refused naming
//! exactly the missing ones, another key's CMS, a CMS over other bytes and
//! garbage each with their code. The envelope's two phases
//! (`qoltanba sign prepare` / `sign finish --cms`) accept a detached, an
//! attached and an attribute-less CMS, each verified against `--trust`.

mod common;

use axum::http::StatusCode;
use common::app::App;
use common::flow::{cert_pem, unb64, verify_pdf};
use common::pdf_judge::{assert_judges_accept_the_result, person_files};
use common::web::CITIZEN_IIN;
use common::{pem_der, qoltanba_in, repo, run_tool};
use serde_json::{Value, json};
use std::process::Command;

/// The client: `openssl cms -sign` of `data` by the demo person `who`, with `flags`.
fn openssl_cms(who: &str, data: &[u8], flags: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let (input, out) = (dir.path().join("data"), dir.path().join("cms"));
    std::fs::write(&input, data).expect("writes");
    let [key, cert, issuer] = person_files(who);
    let mut openssl = Command::new("openssl");
    openssl
        .args([
            "cms", "-sign", "-binary", "-md", "sha256", "-outform", "DER",
        ])
        .args(flags)
        .arg("-in")
        .arg(&input)
        .arg("-signer")
        .arg(cert)
        .arg("-inkey")
        .arg(key)
        .arg("-certfile")
        .arg(issuer)
        .arg("-out")
        .arg(&out);
    run_tool(&mut openssl, "openssl runs");
    std::fs::read(out).expect("reads")
}

/// The employee and the head finish with OpenSSL-made CAdES (detached, then
/// attached); what is refused on the way says why; the PDF passes the judges.
#[tokio::test]
async fn officers_finish_with_a_cms_their_client_made() {
    let app = App::new().await;
    let (portal, provider, head) = app.flow_keys().await;
    let number = app.decided(&portal, &provider).await;

    let p = app.prepare(&number, &provider, &cert_pem("employee")).await;
    // What each client needs: the data, its digest, and the algorithm.
    let data = unb64(&p["document_data"]);
    assert_eq!(p["digest_algorithm"], "sha256");
    assert_eq!(p["digest_algorithm_oid"], "2.16.840.1.101.3.4.2.1");
    assert_eq!(
        unb64(&p["document_digest"]),
        qoltanba::pki::cert::sha256(&data).to_vec()
    );
    let br: Vec<u64> = serde_json::from_value(p["byte_range"].clone()).expect("byte range");
    assert_eq!(data.len() as u64, br[1] + br[3]);
    let cms = openssl_cms("employee", &data, &["-cades"]);
    let (status, body) = app.finish(&number, &provider, &p, &cms).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let p = app.prepare(&number, &head, &cert_pem("head")).await;
    let data = unb64(&p["document_data"]);
    // Without ESS signing-certificate-v2 (OpenSSL's default attributes).
    let cms = openssl_cms("head", &data, &[]);
    let (status, body) = app.finish(&number, &head, &p, &cms).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["sign_code"], "PADES_ATTRIBUTES_MISSING", "{body}");
    assert_eq!(body["missing"], json!(["signing-certificate-v2"]), "{body}");
    // Without any signed attributes.
    let cms = openssl_cms("head", &data, &["-noattr"]);
    let (status, body) = app.finish(&number, &head, &p, &cms).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body["missing"],
        json!(["content-type", "message-digest", "signing-certificate-v2"]),
        "{body}"
    );
    let mut other = data.clone();
    other.extend_from_slice(b"%");
    for (why, cms, code) in [
        (
            "another person's key",
            openssl_cms("employee", &data, &["-cades"]),
            "CMS_SIGNER_MISMATCH",
        ),
        (
            "other bytes than those prepared",
            openssl_cms("head", &other, &["-cades"]),
            "SIGNATURE_VALUE_INVALID",
        ),
        (
            "attached, with other content",
            openssl_cms("head", &other, &["-cades", "-nodetach"]),
            "CMS_CONTENT_MISMATCH",
        ),
        ("not a CMS", b"not a CMS".to_vec(), "CMS_MALFORMED"),
    ] {
        let (status, body) = app.finish(&number, &head, &p, &cms).await;
        assert_eq!(
            (status, body["sign_code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{why}: {body}"
        );
    }
    // Neither or both of signature_value and cms.
    let only_id = json!({ "prepared_id": p["prepared_id"] });
    let (status, _) = app.act(&number, "sign/finish", &head, only_id).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Attached with the prepared data: the content is taken out for /Contents.
    let cms = openssl_cms("head", &data, &["-cades", "-nodetach"]);
    let (status, body) = app.finish(&number, &head, &p, &cms).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "result_signed", "{body}");

    let pdf = app.result_pdf(&number, CITIZEN_IIN, &portal).await;
    // The employee's certification allows the head's signature in its field.
    assert_judges_accept_the_result(&pdf);
}

/// `sign prepare`, then `sign finish --cms` with OpenSSL-made CMS of each shape.
#[test]
fn sign_finish_takes_a_client_cms_of_each_shape() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |n: &str| dir.path().join(n).display().to_string();
    let data = b"request of citizen 880101300123".to_vec();
    std::fs::write(p("data"), &data).expect("writes");
    let head = repo("certs/people/head.pem").display().to_string();
    let chain = repo("certs/trust/nca-rsa.pem").display().to_string();
    let trust: Vec<String> = ["root-ca.pem", "nca-rsa.pem"]
        .iter()
        .map(|f| repo(&format!("certs/trust/{f}")).display().to_string())
        .collect();
    let crls: Vec<String> = ["root-ca.crl", "nca-rsa.crl"]
        .iter()
        .map(|f| repo(&format!("certs/trust/{f}")).display().to_string())
        .collect();
    // The signer's certificate is checked in phase one too.
    let signer_trust = [
        "--trust",
        &trust[0],
        "--signer-crl",
        &crls[0],
        "--signer-crl",
        &crls[1],
    ];
    let prepare = [
        "sign",
        "prepare",
        "--data",
        &p("data"),
        "--cert",
        &head,
        "--chain",
        &chain,
        "--out",
        &p("prepared.json"),
    ];
    let (code, out) = qoltanba_in(&[&prepare[..], &signer_trust].concat(), dir.path());
    assert_eq!(code, 0, "{out}");
    let prepared: Value =
        serde_json::from_slice(&std::fs::read(p("prepared.json")).expect("reads")).expect("JSON");
    assert_eq!(
        unb64(&prepared["content_digest"]),
        qoltanba::pki::cert::sha256(&data).to_vec()
    );
    let finish = |cms: &[u8], extra: &[&str]| {
        std::fs::write(p("client.p7s"), cms).expect("writes");
        let (cms_path, out, prep) = (p("client.p7s"), p("out.p7s"), p("prepared.json"));
        let mut args = vec!["sign", "finish", "--prepared", &prep];
        args.extend(["--cms", &cms_path, "--out", &out]);
        args.extend(signer_trust);
        args.extend(extra);
        let (code, text) = qoltanba_in(&args, dir.path());
        (code, text, std::fs::read(&out).unwrap_or_default())
    };
    for flags in [&["-cades"][..], &["-cades", "-nodetach"], &[]] {
        let cms = openssl_cms("head", &data, flags);
        let (code, text, out) = finish(&cms, &[]);
        assert_eq!(code, 0, "{flags:?}: {text}");
        assert!(text.contains("PASSED"), "{text}");
        assert_eq!(out, cms, "{flags:?}: the client's CMS, as made");
    }
    // Without signed attributes over detached data: the data is needed.
    let cms = openssl_cms("head", &data, &["-noattr"]);
    let (code, text, _) = finish(&cms, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("CONTENT_MISSING"), "{text}");
    let data_path = p("data");
    let (code, text, _) = finish(&cms, &["--data", &data_path]);
    assert_eq!(code, 0, "{text}");
    // Another key; other data.
    let (code, text, _) = finish(&openssl_cms("employee", &data, &["-cades"]), &[]);
    assert_eq!(code, 1);
    assert!(text.contains("CMS_SIGNER_MISMATCH"), "{text}");
    let (code, text, _) = finish(&openssl_cms("head", b"other data", &["-cades"]), &[]);
    assert_eq!(code, 1);
    assert!(text.contains("SIGNATURE_VALUE_INVALID"), "{text}");
    let (code, text, _) = finish(
        &openssl_cms("head", b"other data", &["-cades", "-nodetach"]),
        &[],
    );
    assert_eq!(code, 1);
    assert!(text.contains("CMS_CONTENT_MISMATCH"), "{text}");
}

/// The demo GOST TSA (`certs/gost/ca`) answering in process, as the TSA a
/// client's NCALayer asks for a CAdES-T.
struct LocalTsa;

impl qoltanba::tsp::TsaTransport for LocalTsa {
    fn post(&self, _url: &str, body: &[u8]) -> Result<Vec<u8>, String> {
        let key = qoltanba::pki::signer::GostSigner::from_pkcs8(&pem_der(
            "certs/gost/ca/gost2015-tsa.key.pem",
        ))
        .map_err(|e| e.to_string())?;
        let tsa = qoltanba::tsp::responder::Tsa {
            signer: &key,
            cert: &pem_der("certs/gost/ca/gost2015-tsa.pem"),
            chain: &[pem_der("certs/gost/trust/gost2015-nca.pem")],
            policy: qoltanba::tsp::responder::DEMO_POLICY,
        };
        Ok(qoltanba::tsp::responder::respond(
            &tsa,
            body,
            qoltanba::time::now(),
            &[7],
        ))
    }
}

/// A CAdES-T the client made (its signature time-stamped by the TSA it
/// chose) finishes the head's signature; the token goes into the PDF with
/// the CMS and the signature verifies with its time-stamp.
#[tokio::test]
async fn a_client_cades_t_keeps_its_time_stamp() {
    let app = App::new().await;
    let (portal, provider, head) = app.flow_keys().await;
    let number = app.decided(&portal, &provider).await;
    let p = app.prepare(&number, &provider, &cert_pem("employee")).await;
    let cms = openssl_cms("employee", &unb64(&p["document_data"]), &["-cades"]);
    let (status, body) = app.finish(&number, &provider, &p, &cms).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let p = app.prepare(&number, &head, &cert_pem("head")).await;
    let cms = openssl_cms("head", &unb64(&p["document_data"]), &["-cades"]);
    let cms_t = qoltanba::envelope::sign::add_signature_timestamp(
        &cms,
        1,
        &LocalTsa,
        "http://tsa.invalid/",
    )
    .expect("stamps");
    let (status, body) = app.finish(&number, &head, &p, &cms_t).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let pdf = app.result_pdf(&number, CITIZEN_IIN, &portal).await;
    // The signature time-stamp attribute (1.2.840.113549.1.9.16.2.14) is in the last /Contents.
    let text = String::from_utf8_lossy(&pdf).to_uppercase();
    assert!(
        text.contains("060B2A864886F70D010910020E"),
        "the token is embedded"
    );
    let mut store = qoltanba::pki::TrustStore::from_dir(&repo("certs/trust")).expect("trust");
    store
        .add_test_dir(&repo("certs/gost/trust"))
        .expect("the demo GOST PKI, the TSA's");
    let report = verify_pdf(&pdf, &store, qoltanba::time::now());
    assert_eq!(report.code, "OK");
    let ts = report.signatures[1]
        .timestamp
        .clone()
        .expect("the time-stamp is reported");
    assert_eq!(ts["outcome"], "passed", "{ts}");
    assert_eq!(
        ts["detail"]["token_verdict"]["indication"], "PASSED",
        "{ts}"
    );
    assert_eq!(ts["detail"]["serial"], "07", "{ts}");
    assert_eq!(
        report.signatures[0]
            .timestamp
            .as_ref()
            .map(|t| t["outcome"].clone()),
        Some(serde_json::json!("skipped")),
        "the employee's CMS had none"
    );
}
