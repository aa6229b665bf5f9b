//! The officers' page (`/officer`) in headless Chromium against a stand-in
//! NCALayer (`tests/common/ncalayer.rs`: NCALayer's JSON over a loopback
//! WebSocket, signing with a test key): the employee and the head each load
//! their queue with their API key and sign; the page asks NCALayer for the
//! certificate (`commonUtils.getKeyInfo`), prepares, has NCALayer sign the
//! prepared document data (`kz.gov.pki.knca.basics` `sign`, or
//! `commonUtils.createCAdESFromBase64` when NCALayer has no basics module),
//! and finishes with the CMS. The delivered PDF passes pdfsig and pyHanko
//! (RSA, demo PKI) and qoltanba's verifier (GOST, the NCA's test keys from
//! `../shared/realkz` under its test PKI at 2026-09-01).

mod common;

use axum::http::StatusCode;
use base64::Engine;
use common::app::{App, Served};
use common::cdp::Browser;
use common::demo::{signed, who};
use common::flow::verify_pdf;
use common::nca_test_pki::{
    AT_2022 as AT, CA_2022, CRL_2022, EMPLOYEE_P12 as GOST_EMPLOYEE, HEAD_P12 as GOST_HEAD,
};
use common::ncalayer::{self, CmsMaker, StandIn};
use common::pdf_judge::assert_judges_accept_the_result;
use common::web::CITIZEN_IIN;
use common::{epoch, realkz};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;

/// The service on a loopback port (any free one).
async fn start(change: impl FnOnce(&mut qoltanba::config::Config)) -> Served {
    App::serve("127.0.0.1:0".parse().expect("addr"), change).await
}

/// The officer opens the page, loads their queue and signs `number`;
/// answers the page's status line.
async fn sign_in_the_page(
    served: &Served,
    token: &str,
    nca: &StandIn,
    lang: &str,
    number: &str,
) -> String {
    let ncalayer = nca.url.replace(':', "%3A").replace('/', "%2F");
    let mut page = Browser::open(&format!(
        "{}/officer?lang={lang}&ncalayer={ncalayer}",
        served.base()
    ))
    .await;
    assert_eq!(
        page.eval("document.documentElement.lang").await,
        json!(lang)
    );
    page.eval(&format!(
        "document.getElementById('key').value = {}; document.getElementById('load').click(); true",
        json!(token)
    ))
    .await;
    let row = format!("document.querySelector('#queue tbody tr[data-number=\"{number}\"]')");
    page.wait_for(&row).await;
    page.eval(&format!("{row}.querySelector('button.sign').click(); true"))
        .await;
    page.wait_for(&format!(
        "{row}.dataset.signed === 'true' || document.getElementById('status').className === 'error'"
    ))
    .await;
    let status = page
        .eval("document.getElementById('status').textContent")
        .await;
    assert_eq!(
        page.eval("document.getElementById('status').className")
            .await,
        json!("ok"),
        "{status}"
    );
    status.as_str().unwrap_or("").to_string()
}

fn requests(nca: &StandIn) -> Vec<Value> {
    nca.requests.lock().expect("log").clone()
}

fn rsa_client(name: &'static str) -> (Vec<u8>, CmsMaker) {
    let sign: CmsMaker = Arc::new(move |data: &[u8]| signed(name, "nca-rsa", data));
    (who(name).cert, sign)
}

/// RSA (the demo PKI): the employee through the basics module, the head
/// through commonUtils (an NCALayer without basics); pdfsig and pyHanko judge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officers_sign_on_the_page_through_ncalayer_rsa() {
    let served = start(|_| {}).await;
    let (portal, provider, head) = served.flow_keys().await;
    let number = served.decided(&portal, &provider).await;

    let (cert, sign) = rsa_client("employee");
    let nca = ncalayer::start(cert, sign, false).await;
    let status = sign_in_the_page(&served, &provider, &nca, "ru", &number).await;
    assert!(status.starts_with("Подписано"), "{status}");
    let reqs = requests(&nca);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(
        reqs[0],
        json!({ "module": "kz.gov.pki.knca.commonUtils", "method": "getKeyInfo", "args": ["PKCS12"] })
    );
    assert_eq!(reqs[1]["module"], "kz.gov.pki.knca.basics");
    assert_eq!(reqs[1]["method"], "sign");
    assert_eq!(reqs[1]["args"]["format"], "cms");
    assert_eq!(reqs[1]["args"]["allowedStorages"], json!(["PKCS12"]));
    assert_eq!(reqs[1]["args"]["locale"], "ru");
    assert_eq!(
        reqs[1]["args"]["signingParams"],
        json!({ "decode": true, "encapsulate": false, "digested": false, "tsaProfile": {} })
    );
    let data = base64::engine::general_purpose::STANDARD
        .decode(reqs[1]["args"]["data"].as_str().expect("data"))
        .expect("base64");
    assert!(
        data.starts_with(b"%PDF-"),
        "the document's data, as prepared"
    );

    let (cert, sign) = rsa_client("head");
    let nca = ncalayer::start(cert, sign, true).await;
    let status = sign_in_the_page(&served, &head, &nca, "kk", &number).await;
    assert!(status.starts_with("Қол қойылды"), "{status}");
    let methods: Vec<String> = requests(&nca)
        .iter()
        .map(|r| {
            format!(
                "{}.{}",
                r["module"].as_str().unwrap_or(""),
                r["method"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        methods,
        [
            "kz.gov.pki.knca.commonUtils.getKeyInfo",
            "kz.gov.pki.knca.basics.sign",
            "kz.gov.pki.knca.commonUtils.createCAdESFromBase64"
        ]
    );

    let pdf = served.result_pdf(&number, CITIZEN_IIN, &portal).await;
    assert_judges_accept_the_result(&pdf);
}

/// GOST 34.10-2015/512 (the NCA's test keys, its test PKI): both officers
/// through the basics module; qoltanba's verifier judges the PDF.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officers_sign_on_the_page_through_ncalayer_gost() {
    let nca_dir = tempfile::tempdir().expect("tempdir");
    for f in [CA_2022, CRL_2022] {
        let name = Path::new(f).file_name().expect("name");
        std::fs::copy(realkz(f), nca_dir.path().join(name)).expect("copy");
    }
    let served = start(|c| {
        c.test_trust_dir = Some(nca_dir.path().to_path_buf());
        c.provider_bin = Some("123456789021".into());
        c.fixed_now = Some(epoch(AT));
    })
    .await;
    let (portal, provider, head) = served.flow_keys().await;
    let number = served.decided(&portal, &provider).await;
    let gost_client = |file: &str| -> (Vec<u8>, CmsMaker) {
        let key = Arc::new(
            qoltanba::keys::open_p12(&std::fs::read(realkz(file)).expect("p12"), "Qwerty12")
                .expect("opens"),
        );
        let cert = key.cert_der.clone();
        let sign: CmsMaker = Arc::new(move |d: &[u8]| {
            qoltanba::envelope::sign::sign(
                d,
                false,
                key.as_ref(),
                &key.cert_der,
                &key.chain_der,
                epoch(AT),
            )
            .expect("signs")
        });
        (cert, sign)
    };
    for (file, token) in [(GOST_EMPLOYEE, &provider), (GOST_HEAD, &head)] {
        let (cert, sign) = gost_client(file);
        let nca = ncalayer::start(cert, sign, false).await;
        let status = sign_in_the_page(&served, token, &nca, "kk", &number).await;
        assert!(status.starts_with("Қол қойылды"), "{status}");
    }
    let pdf = served.result_pdf(&number, CITIZEN_IIN, &portal).await;
    let report = verify_pdf(&pdf, &served.state.trust(), epoch(AT));
    assert_eq!(report.code, "OK");
    assert_eq!(report.signatures.len(), 2);
    let text = serde_json::to_string(&report.signatures).expect("JSON");
    assert!(text.contains("GOST"), "{text}");
}

/// The page and its script are served with a policy that allows no inline
/// script and no connection but the service and the loopback NCALayer.
#[tokio::test]
async fn the_page_is_self_contained() {
    let app = App::new().await;
    for (path, kind) in [
        ("/officer", "text/html"),
        ("/officer/officer.js", "text/javascript"),
    ] {
        let resp = app.get(path, &[]).await;
        assert_eq!(resp.status, StatusCode::OK);
        let ct = resp.header("content-type");
        assert!(ct.starts_with(kind), "{ct}");
        if path == "/officer" {
            let csp = resp.header("content-security-policy");
            assert!(
                csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"),
                "{csp}"
            );
        }
        let body = String::from_utf8(resp.body.clone()).expect("UTF-8");
        assert!(
            !body.contains("http://") && !body.contains("https://"),
            "{path} loads nothing from outside"
        );
    }
}
