//! Officers sign results with their own national-CA GOST keys, held by the
//! server (`keys import` of the NCA's PKCS#12), through the HTTP flow: a
//! citizen applies, the provider decides, the employee signs the draft and
//! the head the result, each with a GOST 34.10-2015/512 key of the NCA test
//! PKI (`../shared/realkz`, read in place).
//!
//! The NCA's test PKI issues IINs that fail the check digit (123456789011,
//! 123456789012). With its CA in `QOLTANBA_TEST_TRUST_DIR` (a test PKI's
//! anchor) the officer's API key is bound to that IIN read without the
//! check digit, as the IIN check of a verdict reads it; with the same CA as
//! a production anchor the officer is refused, since the IIN is not valid.
//!
//! The service's flow runs at 2026-09-01 (`Config::fixed_now`): inside the
//! officers' certificates (2026-05-08 … 2027-05-08) and the NCA CA's CRL
//! (2026-08-11 … 2027-02-07), which decides their status. The provider is
//! the NCA test organisation (BIN 123456789021, `provider_bin`).

mod common;

use axum::http::StatusCode;
use common::app::App;
use common::demo::b64;
use common::flow::{citizen_request, unb64, verify_pdf};
use common::nca_test_pki::{
    AT_2022 as AT, CA_2022, CRL_2022, EMPLOYEE_P12 as EMPLOYEE, HEAD_P12 as HEAD,
};
use common::web::CITIZEN_IIN;
use common::{epoch, realkz, repo};
use qoltanba::store::keys::Role;
use serde_json::json;
use std::path::Path;

/// A national-CA test PKI the service runs under: its CA and CRL, the time
/// the flow runs at, and the officers' keys (`employee`, `head`).
struct Pki {
    ca: &'static str,
    crl: &'static str,
    at: &'static str,
    keys: [(&'static str, &'static str); 2],
    key_algorithm: &'static str,
}

/// GOST 34.10-2015/512 under "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022".
const PKI_2015: Pki = Pki {
    ca: CA_2022,
    crl: CRL_2022,
    at: AT,
    keys: [("employee", EMPLOYEE), ("head", HEAD)],
    key_algorithm: "GOST 34.10-2015 512",
};

/// GOST 34.310-2004 under "ҰКО 3.0 (GOST TEST)" (2019-03-14 … 2024-03-12),
/// its CRL of 2022-03-29 … 2022-09-25 (31 entries, neither key among them),
/// at 2022-06-01. Both keys are the test organisation's (BIN 123456789021,
/// IIN 123456789011, 2022-01-18 … 2023-01-18): `gost2` with the employee
/// role (EKU 1.2.398.3.3.4.1.2.5), `gost1` with the head's (…1.2.1).
const PKI_2004: Pki = Pki {
    ca: "gokalkan/internal__testdata__test__ca__nca_gost_test.crt",
    crl: "ncanode/resources/nca_gost_test.crl",
    at: "2022-06-01T00:00:00Z",
    keys: [
        (
            "employee",
            "gokalkan/internal__testdata__test__certs__gost2.p12",
        ),
        (
            "head",
            "gokalkan/internal__testdata__test__certs__gost1.p12",
        ),
    ],
    key_algorithm: "GOST 34.310-2004 256",
};

/// The service under a national-CA test PKI, at its time.
struct Site {
    app: App,
    at: i64,
    _dirs: [tempfile::TempDir; 2],
}

impl std::ops::Deref for Site {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl Site {
    /// The service with the NCA test CA and its CRL as a test PKI (`test`)
    /// or as production trust, and the two officers' keys imported.
    async fn new(test: bool) -> Site {
        Site::under(&PKI_2015, test).await
    }

    async fn under(pki: &Pki, test: bool) -> Site {
        let nca = tempfile::tempdir().expect("tempdir");
        for f in [pki.ca, pki.crl] {
            let name = Path::new(f).file_name().expect("name");
            std::fs::copy(realkz(f), nca.path().join(name)).expect("copy");
        }
        // Production trust: the demo PKI (the citizen's), and the NCA CA too
        // when it is not marked as a test PKI.
        let trust = tempfile::tempdir().expect("tempdir");
        for e in std::fs::read_dir(repo("certs/trust"))
            .expect("demo trust")
            .flatten()
        {
            std::fs::copy(e.path(), trust.path().join(e.file_name())).expect("copy");
        }
        if !test {
            for e in std::fs::read_dir(nca.path()).expect("nca").flatten() {
                std::fs::copy(e.path(), trust.path().join(e.file_name())).expect("copy");
            }
        }
        let app = App::with(|c| {
            c.trust_dir = Some(trust.path().to_path_buf());
            c.test_trust_dir = test.then(|| nca.path().to_path_buf());
            c.provider_bin = Some("123456789021".into());
            c.fixed_now = Some(epoch(pki.at));
            let keys = qoltanba::keys::KeyStore::open(&c.data_dir, None).expect("key store");
            for (id, file) in pki.keys {
                let bytes = std::fs::read(realkz(file)).expect("p12");
                let info = keys
                    .import_p12(&bytes, "Qwerty12", id, false)
                    .expect("imports");
                assert_eq!(info.key_algorithm, pki.key_algorithm);
            }
        })
        .await;
        Site {
            app,
            at: epoch(pki.at),
            _dirs: [nca, trust],
        }
    }
}

/// The NCA test key in a PKCS#12 of the real material.
fn open_p12(file: &str) -> qoltanba::keys::LoadedKey {
    qoltanba::keys::open_p12(&std::fs::read(realkz(file)).expect("p12"), "Qwerty12").expect("opens")
}

/// Under the test PKI: the employee's GOST key signs the draft, the head's
/// the result; the delivered PDF carries both GOST signatures and verifies.
#[tokio::test]
async fn officers_sign_with_nca_test_gost_keys() {
    let app = Site::new(true).await;
    let (portal, provider, head) = app.flow_keys().await;
    let number = app.drafted(&portal, &provider, "employee").await;
    let body = app.sign_with_key(&number, &head, "head").await;
    assert_eq!(body["status"], "result_signed", "{body}");
    // The API keys are bound to the officers' test IINs.
    let bound: Vec<_> = app.state.store.list_api_keys().await.expect("keys");
    let iins: Vec<_> = bound.iter().filter_map(|k| k.iin.clone()).collect();
    assert!(iins.contains(&"123456789012".to_string()), "{iins:?}");
    assert!(iins.contains(&"123456789011".to_string()), "{iins:?}");
    let pdf = app.result_pdf(&number, CITIZEN_IIN, &portal).await;
    let report = verify_pdf(&pdf, &app.state.trust(), epoch(AT));
    assert_eq!(report.code, "OK");
    assert_eq!(report.signatures.len(), 2, "the employee's and the head's");
    let text = serde_json::to_string(&report.signatures).expect("JSON");
    assert!(
        text.contains("1.2.398.3.10.1.1.2.3.2") || text.contains("GOST"),
        "{text}"
    );
}

/// The same CA trusted as production: the test IIN fails its check digit,
/// so the officer is refused before anything is signed.
#[tokio::test]
async fn under_production_trust_the_test_iin_is_refused() {
    let app = Site::new(false).await;
    let (portal, provider) = (app.key(Role::Portal).await, app.key(Role::Provider).await);
    let number = app.decided(&portal, &provider).await;
    let (status, body) = app
        .act(&number, "sign", &provider, json!({ "key_id": "employee" }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.to_string().contains("no valid IIN"), "{body}");
}

/// `legal/valid/employee.p12` is named valid by its publisher, but the CA's
/// current CRL revokes it (2026-06-02, superseded): the service refuses to
/// sign with it and says why.
#[tokio::test]
async fn a_key_the_current_crl_revokes_does_not_sign() {
    let app = Site::new(true).await;
    let keys = qoltanba::keys::KeyStore::open(app.state.config.data_dir.as_path(), None)
        .expect("key store");
    let bytes = std::fs::read(realkz(
        "ncanode-go/internal__testdata__certs__legal__valid__employee.p12",
    ))
    .expect("p12");
    keys.import_p12(&bytes, "Qwerty12", "revoked", false)
        .expect("imports");
    let (portal, provider) = (app.key(Role::Portal).await, app.key(Role::Provider).await);
    let number = app.decided(&portal, &provider).await;
    let (status, body) = app
        .act(&number, "sign", &provider, json!({ "key_id": "revoked" }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["sign_code"], "KEY_REVOKED", "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or("")
            .contains("130D7A4B878F28BF1B2B7A223BD7C03CE78C7481"),
        "{body}"
    );
}

/// The head signs the result on their own device: prepare names Streebog-512
/// and the document's digest; a client's GOST CAdES over the document data
/// (here made with the head's NCA key as NCALayer would) finishes it; the
/// delivered PDF verifies with both GOST signatures.
#[tokio::test]
async fn the_head_finishes_with_a_gost_cms_from_their_client() {
    let app = Site::new(true).await;
    let (portal, provider, head) = app.flow_keys().await;
    let number = app.drafted(&portal, &provider, "employee").await;
    let key = open_p12(HEAD);
    let p = app.prepare(&number, &head, &b64(&key.cert_der)).await;
    assert_eq!(p["digest_algorithm"], "gost34.11-2015-512", "{p}");
    assert_eq!(p["digest_algorithm_oid"], "1.2.398.3.10.1.3.3", "{p}");
    let data = unb64(&p["document_data"]);
    let digest = qoltanba::pki::algorithms::Digest::Streebog512.hash(&data);
    assert_eq!(unb64(&p["document_digest"]), digest);
    let cms = qoltanba::envelope::sign::sign(
        &data,
        false,
        &key,
        &key.cert_der,
        &key.chain_der,
        epoch(AT),
    )
    .expect("the client signs");
    let (status, body) = app.finish(&number, &head, &p, &cms).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "result_signed", "{body}");
    let pdf = app.result_pdf(&number, CITIZEN_IIN, &portal).await;
    let report = verify_pdf(&pdf, &app.state.trust(), epoch(AT));
    assert_eq!(report.code, "OK");
    assert_eq!(report.signatures.len(), 2);
}

/// The same with GOST 34.310-2004 keys of the NCA test PKI: the citizen
/// (the organisation's employee as a person, IIN 123456789011) applies with
/// the 2004 key `gost2`, the employee signs the draft with it on the
/// server, and the head's client makes the CMS over the prepared document
/// data with `gost1` (GOST 34.311-95, the 2004 signature OID); finishing
/// gives a result whose both signatures our verifier accepts.
#[tokio::test]
async fn the_head_finishes_with_a_gost_2004_cms_from_their_client() {
    const IIN: &str = "123456789011";
    let app = Site::under(&PKI_2004, true).await;
    let (portal, provider, head) = app.flow_keys().await;
    let citizen = open_p12(PKI_2004.keys[0].1);
    let request = citizen_request(IIN);
    let envelope = qoltanba::envelope::sign::sign(
        &request,
        false,
        &citizen,
        &citizen.cert_der,
        &citizen.chain_der,
        app.at,
    )
    .expect("citizen signs");
    let number = app
        .decided_with(&portal, &provider, &request, &envelope)
        .await;
    app.sign_with_key(&number, &provider, "employee").await;
    let key = open_p12(PKI_2004.keys[1].1);
    let p = app.prepare(&number, &head, &b64(&key.cert_der)).await;
    assert_eq!(p["digest_algorithm"], "gost34311-95", "{p}");
    assert_eq!(p["digest_algorithm_oid"], "1.2.398.3.10.1.3.1", "{p}");
    let data = unb64(&p["document_data"]);
    assert_eq!(
        unb64(&p["document_digest"]),
        qoltanba::pki::algorithms::Digest::Gost34311.hash(&data)
    );
    let cms =
        qoltanba::envelope::sign::sign(&data, false, &key, &key.cert_der, &key.chain_der, app.at)
            .expect("the client signs");
    let (status, body) = app.finish(&number, &head, &p, &cms).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "result_signed", "{body}");
    let pdf = app.result_pdf(&number, IIN, &portal).await;
    let report = verify_pdf(&pdf, &app.state.trust(), app.at);
    let text = serde_json::to_string(&report.signatures).expect("JSON");
    assert_eq!(report.code, "OK", "{text}");
    assert_eq!(report.signatures.len(), 2);
    assert!(
        text.contains("1.2.398.3.10.1.1.1.2") || text.contains("34.310"),
        "{text}"
    );
}
