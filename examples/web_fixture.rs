//! The fixture of the public pages' load test (`benches/load/web.sh`): a
//! one-page result (kk) signed by the demo head, stored as an issued
//! document in the data dir `DIR` (SQLite), written to `DIR/one-page.pdf`;
//! prints the path of its verification link.
//! `cargo run --release --example web_fixture -- DIR`
use qoltanba::pdf::sign::{SignOptions, StampPlacement};
use qoltanba::pki::signer::RingSigner;

fn pem(p: &str) -> Vec<u8> {
    pem::parse(std::fs::read(p).expect(p))
        .expect(p)
        .into_contents()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("DIR"));
    let now = qoltanba::time::now();
    let doc = qoltanba::pdf::ResultDoc::from_json(
        &std::fs::read("testdata/pdfs/result-notification.json").unwrap(),
    )
    .unwrap();
    let base = qoltanba::pdf::render(&doc, &[qoltanba::pdf::Lang::Kk], now).unwrap();
    let key = RingSigner::from_pkcs8(&pem("certs/people/head.key.pem"), None, false).unwrap();
    let cert = pem("certs/people/head.pem");
    let chain = vec![pem("certs/trust/nca-rsa.pem")];
    let opts = SignOptions {
        stamp: Some(StampPlacement {
            page: None,
            rect: None,
            text: qoltanba::pdf::stamp::text_from_certificate(&cert, now).unwrap(),
        }),
        ..SignOptions::new(&key, &cert, &chain, now, "http://127.0.0.1:8080/verify")
    };
    let (pdf, outcome) = qoltanba::pdf::sign_bytes(&base, &opts).unwrap();
    std::fs::write(dir.join("one-page.pdf"), &pdf).unwrap();
    let config = qoltanba::config::Config {
        data_dir: dir.clone(),
        trust_dir: Some("certs/trust".into()),
        crl_refresh_seconds: 0,
        ..Default::default()
    };
    let service = qoltanba::api::build(config).await.unwrap();
    let store = &service.state.store;
    let (app, _) = store
        .register(&qoltanba::store::applications::NewApplication {
            provider: "120340000123",
            prefix: "120340000123",
            year: 2026,
            service: "housing-assistance",
            channel: "portal",
            iin: "880101300123",
            request_sha256: &qoltanba::pki::cert::hex(&qoltanba::pki::cert::sha256(&pdf)),
            request: "{}",
            envelope: "",
            at: now,
            deadline: "2026-12-31",
            stages: "{}",
            created_by: "bench",
        })
        .await
        .unwrap();
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &pdf);
    let moved = store
        .transition(
            &app.number,
            qoltanba::store::applications::Status::Registered,
            qoltanba::store::applications::Status::ResultSigned,
            ("bench", "head"),
            "sign",
            "bench",
            None,
            Some(&b64),
            now,
        )
        .await
        .unwrap();
    assert!(moved);
    println!(
        "/verify?doc={}&sha256={}",
        app.number, outcome.signed_revision_sha256
    );
}
