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

use axum::http::StatusCode;
use common::app::App;
use common::demo::{b64, signed_at};
use common::flow::{citizen_request, unb64, verify_pdf};
use common::pdf_demo::LOCAL_URL;
use common::pdf_judge::{pdfsig, pyhanko_validate};
use common::web::CITIZEN_IIN;
use common::{pem_der, realkz, repo};
use qoltanba::pdf::SignOptions;
use qoltanba::pdf::verify::claimed_time::{self, AFTER_M};
use qoltanba::store::keys::Role;
use serde_json::Value;

/// A CMS as the officer's client makes it: detached, with signing-time `at`.
fn client_cms(who: &str, data: &[u8], at: i64) -> Vec<u8> {
    signed_at(who, "nca-rsa", data, at)
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
    let app = App::new().await;
    let (portal, provider) = (app.key(Role::Portal).await, app.key(Role::Provider).await);
    let now = qoltanba::time::now();
    let request = citizen_request(CITIZEN_IIN);
    let envelope = client_cms("citizen-rsa", &request, now);
    let number = app
        .decided_with(&portal, &provider, &request, &envelope)
        .await;
    let certificate = b64(&pem_der("certs/people/employee.pem"));
    let prepare = || async {
        let p = app.prepare(&number, &provider, &certificate).await;
        (p.clone(), unb64(&p["document_data"]))
    };
    let finish = |p: Value, cms: Vec<u8>| {
        let (app, number, provider) = (&app, &number, &provider);
        async move { app.finish(number, provider, &p, &cms).await }
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
    let (status, pdf) = app
        .raw(&format!("/v1/applications/{number}/draft.pdf"), &provider)
        .await;
    assert_eq!(status, StatusCode::OK);
    let report = verify_pdf(&pdf, &app.state.trust(), now + 120);
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
    let file = app.dir.path().join("draft.pdf");
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
    let opts = SignOptions {
        extra_room: 24 * 1024,
        ..SignOptions::new(&signer, &cert, &chain, m, LOCAL_URL)
    };
    let prepared = prepare(&unsigned, &opts, &signer).expect("prepares");
    let data = byte_range_bytes(&prepared.pdf, prepared.byte_range).expect("data");
    let verify = |cms: Vec<u8>| {
        let pdf = embed(&prepared.pdf, prepared.byte_range, &cms).expect("embeds");
        let trust = qoltanba::pki::TrustStore::from_dir(&repo("certs/trust")).expect("trust");
        verify_pdf(&pdf, &trust, m + 60)
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
