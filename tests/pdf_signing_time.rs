//! The signing-time attribute in a client's CMS inside a PDF signature
//! (`pdf::verify::claimed_time`, docs/twophase.md "The claimed signing
//! time").
//!
//! Every Kalkan CMS of the NCA test material carries signing-time, so an
//! officer's client CMS does: the two-phase finish accepts it when it agrees
//! with the `/M` written at prepare (five minutes before … twenty after) and
//! refuses it otherwise (`CMS_SIGNING_TIME_MISMATCH`). The signed PDF
//! verifies, and its signature says "PAdES-B-B not met: signing-time
//! attribute present (CMS-compatible PDF signature)"; pdfsig and pyHanko
//! accept it. A PDF whose two claimed times disagree (assembled outside the
//! finish) fails with `PDF_SIGNING_TIME_MISMATCH`.

mod common;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use base64::Engine;
use common::pdf_judge::{pdfsig, pyhanko_validate};
use common::realkz;
use qoltanba::config::Config;
use qoltanba::pdf::verify::claimed_time::{self, AFTER_M};
use qoltanba::pki::signer::RingSigner;
use qoltanba::store::keys::Role;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use tower::ServiceExt;

const CITIZEN_IIN: &str = "880101300123";

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn pem_der(p: &str) -> Vec<u8> {
    pem::parse(std::fs::read(repo(p)).expect("reads"))
        .expect("PEM")
        .into_contents()
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn key(who: &str) -> RingSigner {
    RingSigner::from_pkcs8(
        &pem_der(&format!("certs/people/{who}.key.pem")),
        None,
        false,
    )
    .expect("key")
}

/// A CMS as the officer's client makes it: detached, with signing-time `at`.
fn client_cms(who: &str, data: &[u8], at: i64) -> Vec<u8> {
    qoltanba::envelope::sign::sign(
        data,
        false,
        &key(who),
        &pem_der(&format!("certs/people/{who}.pem")),
        &[pem_der("certs/trust/nca-rsa.pem")],
        at,
    )
    .expect("signs")
}

async fn call(
    router: &axum::Router,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Vec<u8>) {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if body.is_some() {
        b = b.header(header::CONTENT_TYPE, "application/json");
    }
    let req = b
        .body(body.map(|v| Body::from(v.to_string())).unwrap_or_default())
        .expect("request");
    let resp = router.clone().oneshot(req).await.expect("response");
    let status = resp.status();
    let bytes = to_bytes(resp.into_body(), usize::MAX).await.expect("body");
    (status, bytes.to_vec())
}

async fn json(
    router: &axum::Router,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let (s, b) = call(router, method, path, token, body).await;
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

/// The Kalkan CMS of the NCA test material all carry signing-time.
#[test]
fn kalkan_writes_signing_time() {
    for f in [
        "skarm-kalkan/testdata__cms__individual_attached.der",
        "skarm-kalkan/testdata__cms__individual_detached.der",
        "skarm-kalkan/testdata__cms__legal_entity_attached.der",
        "skarm-kalkan/testdata__cms__legal_entity_detached.der",
        "skarm-kalkan/testdata__examples__test_CMS_GOST.p7s",
        "danikarik-ncanode-go/testdata__organization__active__GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.p7s",
    ] {
        let cms = std::fs::read(realkz(f)).expect("reads");
        assert!(
            claimed_time::signing_time_attribute(&cms).is_some(),
            "{f} has no signing-time"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_signing_time_is_accepted_when_it_agrees_with_m() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        trust_dir: Some(repo("certs/trust")),
        crl_refresh_seconds: 0,
        ..Config::default()
    };
    let service = qoltanba::api::build(config).await.expect("builds");
    let state = service.state.clone();
    let router = qoltanba::api::router(state.clone());
    let mut keys = Vec::new();
    for role in [Role::Portal, Role::Provider] {
        keys.push(
            state
                .store
                .create_api_key("k", role, 0)
                .await
                .expect("key")
                .1,
        );
    }
    let (portal, provider) = (&keys[0], &keys[1]);
    let now = qoltanba::time::now();
    let request =
        serde_json::to_vec(&json!({ "iin": CITIZEN_IIN, "service": "housing-assistance" }))
            .expect("JSON");
    let envelope = client_cms("citizen-rsa", &request, now);
    let (status, v) = json(&router, "POST", "/v1/applications", portal, Some(json!({ "service": "housing-assistance", "channel": "portal", "request": b64().encode(&request), "signature": b64().encode(&envelope) }))).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let number = v["number"].as_str().expect("number").to_string();
    let (status, v) = json(
        &router,
        "POST",
        &format!("/v1/applications/{number}/decision"),
        provider,
        Some(json!({ "decision": "approval" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let prepare = || async {
        let (status, p) = json(
            &router,
            "POST",
            &format!("/v1/applications/{number}/sign/prepare"),
            provider,
            Some(json!({ "certificate": b64().encode(pem_der("certs/people/employee.pem")) })),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{p}");
        let data = b64()
            .decode(p["document_data"].as_str().expect("data"))
            .expect("base64");
        (p["prepared_id"].clone(), data)
    };
    let finish = |id: Value, cms: Vec<u8>| {
        let router = router.clone();
        let number = number.clone();
        let provider = provider.clone();
        async move {
            json(
                &router,
                "POST",
                &format!("/v1/applications/{number}/sign/finish"),
                &provider,
                Some(json!({ "prepared_id": id, "cms": b64().encode(cms) })),
            )
            .await
        }
    };

    // A client clock an hour ahead of /M: refused, nothing signed.
    let (id, data) = prepare().await;
    let (status, body) = finish(id, client_cms("employee", &data, now + 3600)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["sign_code"], "CMS_SIGNING_TIME_MISMATCH", "{body}");

    // Two minutes after /M: accepted.
    let (id, data) = prepare().await;
    let (status, body) = finish(id, client_cms("employee", &data, now + 120)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, pdf) = call(
        &router,
        "GET",
        &format!("/v1/applications/{number}/draft.pdf"),
        provider,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let report = qoltanba::pdf::verify::verify_bytes(
        &pdf,
        &state.trust(),
        &qoltanba::pdf::verify::PdfVerifyRequest {
            at: now + 120,
            policy: Default::default(),
            extra: Default::default(),
            crls: Default::default(),
        },
    );
    assert_eq!(report.code, "OK", "{}", report.to_text());
    let sig = serde_json::to_value(&report.signatures[0]).expect("JSON");
    assert_eq!(sig["pades_baseline"]["b_b_met"], false, "{sig}");
    assert_eq!(sig["pades_baseline"]["agrees_with_m"], true, "{sig}");
    assert_eq!(sig["pades_baseline"]["note"], claimed_time::NOTE);
    assert!(
        report.to_text().contains(claimed_time::NOTE),
        "{}",
        report.to_text()
    );
    let file = dir.path().join("draft.pdf");
    std::fs::write(&file, &pdf).expect("writes");
    // The employee's signature; the head's field waits unsigned.
    assert_eq!(pdfsig(&file)[0], (true, true, true));
    if let Ok(keep) = std::env::var("KEEP_PDF") {
        std::fs::copy(&file, keep).expect("copies");
    }
    let pyhanko = pyhanko_validate(&file);
    assert!(pyhanko[0].starts_with("INTACT:TRUSTED"), "{pyhanko:?}");
}

/// A PDF whose CMS claims a signing time long after its `/M`, made here
/// with the library (the finish would refuse it): the signature fails.
#[test]
fn a_pdf_whose_claimed_times_disagree_fails() {
    use qoltanba::pdf::twophase::{ExternalSigner, byte_range_bytes, embed, prepare};
    let m = qoltanba::time::now();
    let cert = pem_der("certs/people/head.pem");
    let chain = [pem_der("certs/trust/nca-rsa.pem")];
    let unsigned = std::fs::read(repo("testdata/pdfs/unsigned.pdf")).expect("pdf");
    let signer = ExternalSigner::new(&cert, None).expect("signer");
    let opts = qoltanba::pdf::sign::SignOptions {
        signer: &signer,
        cert: &cert,
        chain: &chain,
        time: m,
        field: None,
        reason: None,
        location: None,
        stamp: None,
        public_url: "http://127.0.0.1:8080/verify".into(),
        document_id: None,
        certify: false,
        tsa: None,
        ltv: None,
        extra_room: 24 * 1024,
        add_fields: Vec::new(),
    };
    let prepared = prepare(&unsigned, &opts, &signer).expect("prepares");
    let data = byte_range_bytes(&prepared.pdf, prepared.byte_range).expect("data");
    let verify = |cms: Vec<u8>| {
        let pdf = embed(&prepared.pdf, prepared.byte_range, &cms).expect("embeds");
        let trust = qoltanba::pki::TrustStore::from_dir(&repo("certs/trust")).expect("trust");
        qoltanba::pdf::verify::verify_bytes(
            &pdf,
            &trust,
            &qoltanba::pdf::verify::PdfVerifyRequest {
                at: m + 60,
                policy: Default::default(),
                extra: Default::default(),
                crls: Default::default(),
            },
        )
    };
    let agreeing = verify(client_cms("head", &data, m + AFTER_M));
    assert_eq!(agreeing.code, "OK", "{}", agreeing.to_text());
    let late = verify(client_cms("head", &data, m + AFTER_M + 1));
    assert_eq!(late.code, "PDF_SIGNING_TIME_MISMATCH", "{}", late.to_text());
    assert_eq!(late.signatures[0].verdict.code.as_str(), "OK");
    assert!(
        late.to_text().contains("DISAGREES with /M"),
        "{}",
        late.to_text()
    );
}
