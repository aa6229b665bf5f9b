//! The public verification page (the QR target), the access code, the
//! front door and the API reference, through the router: what the page
//! says first, in three languages; what it never says (applicant data,
//! anything about other documents); links that are unknown, wrong or
//! hostile; the access code and its limited tries; a certificate revoked
//! after signing, with and without a time-stamp that came first; headers.

mod common;
use common::web::*;

use axum::http::StatusCode;
use common::pdf_demo::{LOCAL_URL, rendered_at, stamp};
use qoltanba::pdf::sign::SignOptions;
use qoltanba::pki::cert::Certificate;

fn cn(person: &str) -> String {
    Certificate::from_der(&pem_der(&format!("certs/people/{person}.pem")))
        .unwrap()
        .subject
        .cn
        .unwrap()
}

fn assert_safe_headers(r: &Resp) {
    let csp = r.header("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert_eq!(r.header("x-frame-options"), "DENY");
    assert_eq!(r.header("referrer-policy"), "no-referrer");
}

#[tokio::test]
async fn the_page_says_first_that_the_document_is_valid_in_three_languages() {
    let site = Site::new().await;
    let issued = site.issue().await;
    let link = issued.link();
    let head = Certificate::from_der(&pem_der("certs/people/head.pem")).unwrap();
    let bin = qoltanba::pki::profile::profile(&head).bin.unwrap();
    for (query, accept, lang, headline) in [
        ("&lang=kk", "", "kk", "Құжат жарамды"),
        ("&lang=ru", "en", "ru", "Документ действителен"),
        ("&lang=en", "ru", "en", "The document is valid"),
        ("", "ru-RU,ru;q=0.9,en;q=0.5", "ru", "Документ действителен"),
        ("", "en-GB,en;q=0.8", "en", "The document is valid"),
        ("", "", "kk", "Құжат жарамды"),
    ] {
        let r = site
            .get(&format!("{link}{query}"), &[("accept-language", accept)])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let page = r.text();
        assert!(page.contains(&format!("<html lang=\"{lang}\">")), "{lang}");
        // First, plainly: the verdict box comes before anything else in <main>.
        let main = &page[page.find("<main").unwrap()..];
        let verdict = main.find("id=\"verdict\"").unwrap();
        assert!(
            main[..verdict].matches('<').count() <= 2,
            "the verdict is first"
        );
        assert!(main.contains("data-indication=\"PASSED\""));
        assert!(main.contains(headline), "{lang}: {headline}");
        // Each signature as the stamp shows it: name, organisation, BIN, times.
        for who in ["head", "employee"] {
            assert!(page.contains(&cn(who)), "{who} on the page");
        }
        assert!(page.contains(&bin));
        assert!(page.contains("UTC+5"));
        assert!(page.contains("id=\"signature-2\""));
        // Nothing about the applicant, nothing scripted, small.
        assert!(!page.contains(CITIZEN_IIN));
        assert!(!page.contains("<script") && !page.contains(" style="));
        assert!(r.body.len() <= 100 * 1024, "page weight {}", r.body.len());
        assert_safe_headers(&r);
        assert_eq!(r.header("cache-control"), "no-store");
        // The language switch keeps the link.
        assert!(page.contains(&format!("doc={}&amp;sha256=", issued.number)));
    }
    // The employee's QR names the revision before the draft: it opens the same page.
    let report = qoltanba::pdf::verify::verify_bytes(
        &issued.pdf,
        &site.state.trust(),
        &qoltanba::pdf::verify::PdfVerifyRequest {
            at: qoltanba::time::now(),
            ..Default::default()
        },
    );
    let revisions = qoltanba::web::published::signed_revisions(&issued.pdf, &report);
    assert!(
        revisions.contains(&sha256_hex(&issued.draft)),
        "{revisions:?}"
    );
    for sha in &revisions {
        let r = site
            .get(&format!("/verify?doc={}&sha256={sha}", issued.number), &[])
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn unknown_wrong_and_malformed_links_are_clear_pages_and_never_a_500() {
    let site = Site::new().await;
    let issued = site.issue().await;
    let wrong = "ab".repeat(32);
    // A wrong hash for a real document and any hash for an unknown one: the same page.
    let a = site
        .get(
            &format!("/verify?doc={}&sha256={wrong}&lang=en", issued.number),
            &[],
        )
        .await;
    let b = site
        .get(
            &format!("/verify?doc=2026-999999999999-000999&sha256={wrong}&lang=en"),
            &[],
        )
        .await;
    assert_eq!(
        (a.status, b.status),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert_eq!(
        a.text().replace(&issued.number, "DOC"),
        b.text().replace("2026-999999999999-000999", "DOC"),
        "nothing tells a known number from an unknown one"
    );
    assert!(a.text().contains("No such document"));
    assert!(!a.text().contains(&cn("head")));
    // A malformed link says so; hostile input is never reflected raw.
    let evil = "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    let long = "x".repeat(5000);
    for q in [
        String::new(),
        format!("doc={}", issued.number),
        format!("doc={}&sha256=xyz", issued.number),
        format!("doc={evil}&sha256={wrong}"),
        format!("doc=a&doc=b&sha256={wrong}"),
        format!("doc=%ZZ&sha256={wrong}"),
        format!("doc={long}&sha256={wrong}"),
        format!("doc=A&sha256={wrong}&lang=%3Cscript%3E"),
        "a&".repeat(40),
    ] {
        let r = site.get(&format!("/verify?{q}"), &[]).await;
        assert!(
            r.status == StatusCode::BAD_REQUEST || r.status == StatusCode::NOT_FOUND,
            "{q}: {}",
            r.status
        );
        let page = r.text();
        assert!(!page.contains("<script"), "{q}");
        assert!(!page.contains("\"><script"), "{q}: reflected raw");
        assert!(
            page.contains("id=\"verdict\""),
            "{q}: a page that says what is wrong"
        );
        assert_safe_headers(&r);
    }
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", qoltanba::web::html::query_escape(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// `POST /verify/document` with the form `fields`: the access-code page.
async fn open_document(site: &Site, fields: &[(&str, &str)]) -> Resp {
    let (form_type, body) = ("application/x-www-form-urlencoded", form(fields));
    site.post("/verify/document", form_type, body, &[]).await
}

#[tokio::test]
async fn the_access_code_opens_the_document_and_wrong_codes_are_limited() {
    let site = Site::new().await;
    let issued = site.issue().await;
    let sha = sha256_hex(&issued.draft);
    let codes = access_codes(&issued.pdf);
    assert_eq!(codes.len(), 2, "one code beside each QR: {codes:?}");
    // Stored hashed: the database does not hold the codes.
    let stored = site.state.store.access_codes(&issued.number).await.unwrap();
    assert_eq!(stored.len(), 2);
    for (c, h) in codes.iter().zip(&stored) {
        assert!(!h.contains(&c.replace('-', "")) && h.starts_with("pbkdf2-sha256$"));
    }
    // GET changes nothing, whatever it carries.
    for _ in 0..5 {
        let r = site
            .get(&format!("{}&code=WRONG-CODE", issued.link()), &[])
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let failures = |site: &Site| {
        let (store, n) = (site.state.store.clone(), issued.number.clone());
        async move {
            store
                .access_failures(&n, qoltanba::time::now(), 900)
                .await
                .unwrap()
        }
    };
    assert_eq!(failures(&site).await, 0);
    // The right code (either stamp's, typed loosely) opens the signed PDF.
    let typed = codes[1].to_lowercase().replace('-', " ");
    let r = open_document(
        &site,
        &[
            ("doc", &issued.number),
            ("sha256", &sha),
            ("code", &typed),
            ("lang", "en"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.header("content-type"), "application/pdf");
    assert_eq!(r.body, issued.pdf);
    // A code for another document's link: not found, nothing opened.
    let r = open_document(
        &site,
        &[
            ("doc", &issued.number),
            ("sha256", &"cd".repeat(32)),
            ("code", &codes[0]),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Wrong codes: each says how many tries are left, then the document locks.
    for left in (1..qoltanba::web::access::TRIES).rev() {
        let r = open_document(
            &site,
            &[
                ("doc", &issued.number),
                ("sha256", &sha),
                ("code", "AAAA-AAAA"),
                ("lang", "en"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.text().contains(&format!("Tries left: {left}")),
            "{}",
            r.text()
        );
    }
    for code in ["AAAA-AAAA", codes[0].as_str()] {
        let r = open_document(
            &site,
            &[
                ("doc", &issued.number),
                ("sha256", &sha),
                ("code", code),
                ("lang", "en"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{code}");
        assert!(r.text().contains("Too many wrong codes"));
        assert_ne!(r.header("content-type"), "application/pdf");
    }
    assert_eq!(failures(&site).await, qoltanba::web::access::TRIES);
}

/// A TSA certificate under the demo RSA CA, valid from 2026-01-01.
fn tsa() -> (RingSigner, Vec<u8>) {
    use qoltanba::pki::demo::x509::{CertSpec, EKU_TIME_STAMPING, Usage, issue};
    use qoltanba::pki::signer::Signer;
    let key = qoltanba::pki::demo::rsa_key(2048).unwrap();
    let signer = RingSigner::from_pkcs8(&key.pkcs8, None, false).unwrap();
    let ca = qoltanba::pki::demo::Ca::load(
        "nca-rsa",
        pem_der("certs/trust/nca-rsa.pem"),
        pem_der("certs/ca/nca-rsa.key.pem"),
    )
    .unwrap();
    let spec = CertSpec {
        serial: vec![0x7a, 0x01],
        subject: vec![
            ("2.5.4.6", "KZ".into()),
            ("2.5.4.3", "QOLTANBA TEST TSA".into()),
        ],
        validity: (1_767_225_600, 1_924_992_000),
        spki: signer.public_key_spki(),
        key_usage: vec![Usage::DigitalSignature],
        eku: vec![EKU_TIME_STAMPING],
        eku_critical: true,
        ..Default::default()
    };
    let cert = issue(
        &spec,
        Some(&pem_der("certs/trust/nca-rsa.pem")),
        &ca.signer().unwrap(),
    )
    .unwrap();
    (signer, cert)
}

use qoltanba::pki::signer::RingSigner;

struct FixedTimeTsa {
    signer: RingSigner,
    cert: Vec<u8>,
    at: i64,
}

impl qoltanba::tsp::TsaTransport for FixedTimeTsa {
    fn post(&self, _url: &str, body: &[u8]) -> Result<Vec<u8>, String> {
        let chain = vec![pem_der("certs/trust/nca-rsa.pem")];
        let t = qoltanba::tsp::responder::Tsa {
            signer: &self.signer,
            cert: &self.cert,
            chain: &chain,
            policy: qoltanba::tsp::responder::DEMO_POLICY,
        };
        Ok(qoltanba::tsp::responder::respond(
            &t,
            body,
            self.at,
            &[0x01],
        ))
    }
}

/// Signed on 2026-01-15 with the certificate the demo CA revoked on 2026-02-01.
fn signed_by_revoked(tsa: Option<&FixedTimeTsa>) -> (Vec<u8>, String) {
    let at = 1_768_435_200; // 2026-01-15
    let base = rendered_at("notification", &[qoltanba::pdf::Lang::Kk], at);
    let w = who("revoked");
    let opts = SignOptions {
        stamp: Some(stamp(&w.cert, at)),
        tsa: tsa.map(|t| {
            (
                t as &dyn qoltanba::tsp::TsaTransport,
                "http://tsa.invalid/".to_string(),
            )
        }),
        ..SignOptions::new(&w.key, &w.cert, &w.chain, at, LOCAL_URL)
    };
    let (signed, outcome) = qoltanba::pdf::sign_bytes(&base, &opts).unwrap();
    (signed, outcome.signed_revision_sha256)
}

#[tokio::test]
async fn a_later_revocation_shows_and_a_time_stamp_that_came_first_keeps_it_valid() {
    let site = Site::new().await;
    let (signer, cert) = tsa();
    let stamp = FixedTimeTsa {
        signer,
        cert,
        at: 1_768_435_200,
    };
    // With the time-stamp: valid, the long-term reading, the revocation shown.
    let (pdf, sha) = signed_by_revoked(Some(&stamp));
    let number = site.put_result(&pdf).await;
    let r = site
        .get(&format!("/verify?doc={number}&sha256={sha}&lang=en"), &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = r.text();
    assert!(page.contains("data-indication=\"PASSED\""), "{page}");
    assert!(page.contains("long-term validation"), "{page}");
    assert!(
        page.contains("Revoked at") && page.contains("2026-02-01 05:00:00"),
        "{page}"
    );
    assert!(
        page.contains("2026-01-15 05:00:00"),
        "the time-stamp's time, UTC+5"
    );
    // Without one: not valid now, and why.
    let (pdf, sha) = signed_by_revoked(None);
    let number = site.put_result(&pdf).await;
    let r = site
        .get(&format!("/verify?doc={number}&sha256={sha}&lang=ru"), &[])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    assert!(page.contains("data-indication=\"FAILED\""), "{page}");
    assert!(page.contains("Документ недействителен"));
    assert!(page.contains(qoltanba::verdict::Code::CertRevoked.message().ru));
}

#[tokio::test]
async fn the_front_door_the_api_reference_and_the_assets() {
    let site = Site::new().await;
    for lang in ["kk", "ru", "en"] {
        let r = site.get(&format!("/?lang={lang}"), &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        let page = r.text();
        for link in ["/check?lang=", "/docs?lang=", "/healthz"] {
            assert!(page.contains(link), "{lang}: {link}");
        }
        assert_safe_headers(&r);
        let r = site.get(&format!("/docs?lang={lang}"), &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        let page = r.text();
        for route in [
            "/verify",
            "/check",
            "/v1/reports",
            "/v1/verify",
            "/v1/applications/{number}/sign",
        ] {
            assert!(
                page.contains(&format!("<code>{route}</code>")),
                "{lang}: {route}"
            );
        }
        assert!(
            page.contains("portal, provider, operator, head"),
            "roles from the route table"
        );
        assert!(
            !page.contains("<script") && !page.contains("http://") && !page.contains("https://")
        );
    }
    let r = site.get("/assets/qoltanba.css", &[]).await;
    assert_eq!(
        (r.status, r.header("content-type")),
        (StatusCode::OK, "text/css; charset=utf-8")
    );
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    for bad in ["/assets/..%2Fsecret", "/assets/missing.js", "/assets/"] {
        assert_eq!(
            site.get(bad, &[]).await.status,
            StatusCode::NOT_FOUND,
            "{bad}"
        );
    }
    // The OpenAPI document knows every public page.
    let doc = qoltanba::api::openapi::value();
    for p in [
        "/",
        "/docs",
        "/verify",
        "/verify/document",
        "/check",
        "/v1/reports",
        "/assets/{file}",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} in OpenAPI");
    }
}
