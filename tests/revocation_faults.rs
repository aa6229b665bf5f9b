//! Revocation when the national CA's services misbehave (issue 19): OCSP
//! responders on loopback that hang, reset, answer HTTP 500, `tryLater`,
//! zero bytes, another nonce or a wrong signer; CRL downloads that are
//! truncated, wrongly signed, of another issuer, stale or empty; and the
//! policies that decide what happens then (`strict`, `fallback`, `outage`,
//! a CRL grace). Every case has an exact verdict, a dead responder costs a
//! quick refusal once its circuit breaker opens, and nothing blocks past the
//! client's time budget. Certificates: the GOST 34.10-2015/512 demo PKI
//! (certs/gost), the GOST NCA as the trust anchor; validation at
//! 2026-06-01, inside every window.

mod common;
use common::app::App;
use common::{pem_der, repo};

use qoltanba::pki::cert::Certificate;
use qoltanba::pki::demo::crl::{CrlSpec, issue};
use qoltanba::pki::demo::gost::GostCa;
use qoltanba::pki::demo::ocsp::{self as responder, Nonce, Responder, Status, Times};
use qoltanba::pki::ocsp::OcspClient;
use qoltanba::pki::revocation::{RevocationPolicy, RevocationStore};
use qoltanba::pki::upstream::{BreakerConfig, Upstreams};
use qoltanba::pki::{Extra, Policy, TrustStore, Usage};
use qoltanba::verdict::Verdict;
use std::io::Write;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// 2026-06-01T00:00:00Z
const AT: i64 = 1_780_272_000;
const HOUR: i64 = 3600;

fn nca() -> GostCa {
    GostCa::load(
        "gost2015-nca",
        pem_der("certs/gost/trust/gost2015-nca.pem"),
        &pem_der("certs/gost/ca/gost2015-nca.key.pem"),
    )
    .unwrap()
}

fn citizen() -> Vec<u8> {
    pem_der("certs/gost/people/gost2015-citizen.pem")
}

/// The GOST NCA as the only anchor: the path is citizen → NCA.
fn store() -> TrustStore {
    let mut store = TrustStore::new("revocation faults");
    store
        .add_anchors(
            &std::fs::read(repo("certs/gost/trust/gost2015-nca.pem")).unwrap(),
            "gost2015-nca.pem",
        )
        .unwrap();
    store
}

/// A CRL of the GOST NCA listing nobody, valid `this_update .. next_update`.
fn crl(this_update: i64, next_update: i64) -> Vec<u8> {
    let ca = nca();
    issue(
        &ca.der,
        &ca.signer,
        &CrlSpec {
            this_update,
            next_update: Some(next_update),
            number: 7,
            delta_of: None,
            entries: vec![],
        },
    )
    .unwrap()
}

/// What the loopback responder does with one connection.
#[derive(Clone)]
enum Act {
    /// Reads the request and never answers.
    Hang,
    /// Closes the connection without a byte.
    Reset,
    /// HTTP 500.
    Http500,
    /// HTTP 200 with an empty body.
    Empty,
    /// A signed-less `tryLater` OCSPResponse.
    TryLater,
    /// A good answer signed by the NCA, with this nonce handling.
    Good(Nonce),
    /// A good answer signed by a key that is not the NCA's.
    WrongSigner,
}

/// A loopback HTTP server acting `acts[i]` on its i-th connection (the last
/// act repeats); counts connections.
struct Server {
    url: String,
    hits: Arc<AtomicUsize>,
}

fn serve(acts: Vec<Act>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/ocsp", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        let ca = nca();
        let other = qoltanba::pki::signer::GostSigner::generate(
            qoltanba::pki::gost::Curve::Tc26_512A,
            qoltanba::pki::algorithms::GostFamily::Kz2015,
        )
        .unwrap();
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let i = counter.fetch_add(1, Ordering::SeqCst);
            let act = acts[i.min(acts.len() - 1)].clone();
            if matches!(act, Act::Reset) {
                drop(s);
                continue;
            }
            let body = read_request(&mut s);
            if matches!(act, Act::Hang) {
                // Keep the socket open; the client must give up by itself.
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_secs(30));
                    drop(s);
                });
                continue;
            }
            let reply: Option<(u16, Vec<u8>)> = match act {
                Act::Hang | Act::Reset => None,
                Act::Http500 => Some((500, b"busy".to_vec())),
                Act::Empty => Some((200, Vec::new())),
                Act::TryLater => Some((
                    200,
                    responder::refusal(x509_ocsp::OcspResponseStatus::TryLater).unwrap(),
                )),
                Act::Good(nonce) => {
                    let r = Responder {
                        signer: &ca.signer,
                        cert: &ca.der,
                        include_cert: false,
                    };
                    let times = Times {
                        nonce,
                        ..Times::fresh(AT)
                    };
                    Some((
                        200,
                        responder::respond(&body, &|_| Status::Good, &r, &times).unwrap(),
                    ))
                }
                Act::WrongSigner => {
                    let r = Responder {
                        signer: &other,
                        cert: &ca.der,
                        include_cert: false,
                    };
                    Some((
                        200,
                        responder::respond(&body, &|_| Status::Good, &r, &Times::fresh(AT))
                            .unwrap(),
                    ))
                }
            };
            if let Some((code, body)) = reply {
                let _ = write!(
                    s,
                    "HTTP/1.1 {code} X\r\nContent-Type: application/ocsp-response\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = s.write_all(&body);
            }
        }
    });
    Server { url, hits }
}

fn read_request(s: &mut std::net::TcpStream) -> Vec<u8> {
    let request = common::loopback::read_request(s);
    request.map(|(_, body)| body).unwrap_or_default()
}

/// `run` at `AT` with OCSP through `client` at `server`.
fn ask(spec: &str, client: Arc<OcspClient>, server: &Server, crls: &[Vec<u8>]) -> Run {
    run(spec, Some(client), Some(&server.url), crls, AT)
}

struct Run {
    verdict: Verdict,
    took: Duration,
}

/// Validates the GOST citizen under `policy` (its sources and rules), OCSP
/// through `client` at `url`, with `crls`.
fn run(
    spec: &str,
    client: Option<Arc<OcspClient>>,
    url: Option<&str>,
    crls: &[Vec<u8>],
    at: i64,
) -> Run {
    let store = store();
    let p = RevocationPolicy::parse(spec).unwrap();
    let mut rs = RevocationStore::default();
    let cas = store.cas();
    for (i, c) in crls.iter().enumerate() {
        rs.add_bytes_checked(c, &format!("crl #{i}"), &cas);
    }
    let policy = Policy {
        usage: Usage::Sign,
        revocation: p.mode,
        revocation_rules: p.rules,
        ocsp_url: url.map(String::from),
        ocsp: client,
        ..Default::default()
    };
    let t0 = Instant::now();
    let verdict =
        qoltanba::pki::verify_certificate(&citizen(), &store, &Extra::default(), &rs, at, &policy);
    Run {
        verdict,
        took: t0.elapsed(),
    }
}

fn client(budget_ms: u64, retries: u32) -> Arc<OcspClient> {
    Arc::new(
        OcspClient::http()
            .with_cache_capacity(0)
            .with_budget(Duration::from_millis(budget_ms), retries),
    )
}

fn revocation(v: &Verdict) -> &qoltanba::verdict::Check {
    v.checks.iter().find(|c| c.name == "revocation").unwrap()
}

#[test]
fn each_ocsp_fault_gives_an_exact_verdict_within_the_budget() {
    // (what the responder does, the verdict code under `ocsp` alone)
    let table: Vec<(&str, Act, &str)> = vec![
        ("hangs", Act::Hang, "REVOCATION_UNAVAILABLE"),
        ("resets", Act::Reset, "REVOCATION_UNAVAILABLE"),
        ("HTTP 500", Act::Http500, "REVOCATION_UNAVAILABLE"),
        ("tryLater", Act::TryLater, "REVOCATION_UNAVAILABLE"),
        ("zero bytes", Act::Empty, "OCSP_INVALID"),
        (
            "another nonce",
            Act::Good(Nonce::Other(vec![7; 32])),
            "OCSP_INVALID",
        ),
        ("a wrong signer", Act::WrongSigner, "OCSP_INVALID"),
        ("good", Act::Good(Nonce::Echo), "OK"),
    ];
    let budget = 700;
    let mut fails = Vec::new();
    for (what, act, want) in table {
        let server = serve(vec![act]);
        let r = ask("sources=ocsp", client(budget, 1), &server, &[]);
        if r.verdict.code.as_str() != want {
            fails.push(format!(
                "{what}: {} ({}), expected {want}",
                r.verdict.code.as_str(),
                revocation(&r.verdict).detail
            ));
        }
        // The budget bounds the whole answer, retries and backoff included.
        if r.took > Duration::from_millis(budget + 600) {
            fails.push(format!("{what}: took {:?}", r.took));
        }
    }
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

#[test]
fn try_later_then_good_is_retried_and_good() {
    let server = serve(vec![Act::TryLater, Act::Good(Nonce::Echo)]);
    let c = client(3000, 1);
    let r = ask("sources=ocsp", c.clone(), &server, &[]);
    assert_eq!(
        r.verdict.code.as_str(),
        "OK",
        "{}",
        revocation(&r.verdict).detail
    );
    assert_eq!(server.hits.load(Ordering::SeqCst), 2);
    let h = c.health().snapshot();
    assert_eq!(h[0]["ok"], 1);
    assert_eq!(h[0]["failed"], 1);
    assert_eq!(h[0]["state"], "ok");
}

#[test]
fn a_nonce_not_ours_is_asked_again_then_falls_back_to_a_crl() {
    let fresh = crl(AT - HOUR, AT + 7 * 24 * HOUR);
    // Answered with a fresh nonce the second time: believed.
    let server = serve(vec![
        Act::Good(Nonce::Other(vec![1; 32])),
        Act::Good(Nonce::Echo),
    ]);
    let r = ask("sources=ocsp", client(3000, 1), &server, &[]);
    assert_eq!(r.verdict.code.as_str(), "OK");
    assert_eq!(server.hits.load(Ordering::SeqCst), 2);
    // Never our nonce: OCSP cannot decide; under `fallback` the CRL does.
    let server = serve(vec![Act::Good(Nonce::Other(vec![1; 32]))]);
    let r = ask("fallback", client(3000, 1), &server, &[fresh]);
    assert_eq!(r.verdict.code.as_str(), "OK");
    let cert = &revocation(&r.verdict).detail["certificates"][0];
    assert_eq!(cert["detail"]["source"], "crl", "{cert}");
    assert_eq!(
        cert["detail"]["fallback_from"]["code"], "OCSP_INVALID",
        "{cert}"
    );
}

#[test]
fn fallback_takes_a_fresh_crl_when_the_responder_is_down_and_the_other_way() {
    let fresh = crl(AT - HOUR, AT + 7 * 24 * HOUR);
    for act in [Act::Hang, Act::Reset, Act::Http500, Act::TryLater] {
        let server = serve(vec![act]);
        let r = ask(
            "fallback",
            client(500, 0),
            &server,
            std::slice::from_ref(&fresh),
        );
        assert_eq!(r.verdict.code.as_str(), "OK");
        let cert = &revocation(&r.verdict).detail["certificates"][0];
        assert_eq!(cert["detail"]["source"], "crl");
        assert_eq!(
            cert["detail"]["fallback_from"]["code"],
            "REVOCATION_UNAVAILABLE"
        );
        assert!(cert["detail"]["age_seconds"] == HOUR, "{cert}");
    }
    // The other way: OCSP first is good, no CRL needed; with CRLs first and
    // the CRL stale, OCSP decides.
    let stale = crl(AT - 10 * 24 * HOUR, AT - HOUR);
    let server = serve(vec![Act::Good(Nonce::Echo)]);
    let r = ask("sources=any,first=crl", client(3000, 0), &server, &[stale]);
    assert_eq!(r.verdict.code.as_str(), "OK");
    let cert = &revocation(&r.verdict).detail["certificates"][0];
    assert_eq!(
        cert["detail"]["fallback_from"]["code"], "REVOCATION_STALE",
        "{cert}"
    );
    // Both down: the more telling failure, with the other beside it.
    let server = serve(vec![Act::Reset]);
    let r = ask("fallback", client(300, 0), &server, &[]);
    assert_eq!(r.verdict.code.as_str(), "REVOCATION_UNAVAILABLE");
}

#[test]
fn a_stale_crl_under_each_policy() {
    // nextUpdate an hour before the validation time.
    let stale = crl(AT - 8 * 24 * HOUR, AT - HOUR);
    let table = [
        ("strict", "REVOCATION_STALE"),
        ("sources=crl,crl-grace=3h", "REVOCATION_STALE"),
        ("sources=crl,crl-grace=30m", "REVOCATION_UNAVAILABLE"),
        ("sources=crl,crl-grace=2h,accept-stale", "OK"),
        ("outage", "OK"),
    ];
    for (spec, want) in table {
        let r = run(spec, None, None, std::slice::from_ref(&stale), AT);
        assert_eq!(
            r.verdict.code.as_str(),
            want,
            "{spec}: {}",
            revocation(&r.verdict).detail
        );
        let d = &revocation(&r.verdict).detail;
        if want == "OK" {
            // Never silently: the verdict says the CRL was stale and that the policy accepted it.
            let stale = &d["certificates"][0]["detail"]["stale"];
            assert_eq!(stale["accepted_by_policy"], true, "{spec}: {d}");
            assert_eq!(stale["past_next_update_seconds"], HOUR, "{spec}: {d}");
        }
    }
    // A revocation on a stale CRL is still proof of revocation.
    let ca = nca();
    let serial = Certificate::from_der(&citizen()).unwrap().serial;
    let listed = issue(
        &ca.der,
        &ca.signer,
        &CrlSpec {
            this_update: AT - 8 * 24 * HOUR,
            next_update: Some(AT - HOUR),
            number: 8,
            delta_of: None,
            entries: vec![(serial, AT - 48 * HOUR, Some(1))],
        },
    )
    .unwrap();
    let r = run("outage", None, None, &[listed], AT);
    assert_eq!(r.verdict.code.as_str(), "CERT_REVOKED");
}

#[test]
fn a_dead_responder_costs_a_quick_refusal_once_its_breaker_opens() {
    let server = serve(vec![Act::Reset]);
    let health = Arc::new(Upstreams::new(BreakerConfig {
        failures: 2,
        open_for: Duration::from_secs(60),
    }));
    let c = Arc::new(
        OcspClient::http()
            .with_cache_capacity(0)
            .with_budget(Duration::from_millis(800), 0)
            .with_health(health.clone()),
    );
    for _ in 0..2 {
        let r = ask("sources=ocsp", c.clone(), &server, &[]);
        assert_eq!(r.verdict.code.as_str(), "REVOCATION_UNAVAILABLE");
    }
    assert_eq!(server.hits.load(Ordering::SeqCst), 2);
    assert!(health.any_open());
    let r = ask("sources=ocsp", c.clone(), &server, &[]);
    assert_eq!(r.verdict.code.as_str(), "REVOCATION_UNAVAILABLE");
    assert_eq!(
        server.hits.load(Ordering::SeqCst),
        2,
        "not asked while open"
    );
    let why = revocation(&r.verdict).detail["certificates"][0]["detail"]["problem"].to_string();
    assert!(why.contains("not asked again"), "{why}");
    assert!(r.took < Duration::from_millis(100), "{:?}", r.took);
    assert_eq!(health.snapshot()[0]["state"], "open");
}

/// CRL downloads that must not replace the last good CRL: each refused with
/// its reason, the CRL in use and its copy on disk kept.
#[test]
fn bad_crl_downloads_keep_the_last_good_crl() {
    use qoltanba::pki::crl::RevocationList;
    use qoltanba::pki::refresh::{self, CrlTransport};
    struct Fixed(Result<Vec<u8>, String>);
    impl CrlTransport for Fixed {
        fn get(&self, _: &str) -> Result<Vec<u8>, String> {
            self.0.clone()
        }
    }
    let store = store();
    let cas = store.cas();
    let good_bytes = crl(AT - HOUR, AT + 7 * 24 * HOUR);
    let good = Arc::new(RevocationList::from_der_checked(&good_bytes, "good", &cas).unwrap());
    let cache = tempfile::tempdir().unwrap();
    let url = "http://crl.test.invalid/nca.crl".to_string();
    std::fs::write(refresh::cache_path(cache.path(), &url), &good_bytes).unwrap();
    // Signed by another key under the NCA's name.
    let forged = {
        let other = qoltanba::pki::signer::GostSigner::generate(
            qoltanba::pki::gost::Curve::Tc26_512A,
            qoltanba::pki::algorithms::GostFamily::Kz2015,
        )
        .unwrap();
        issue(
            &nca().der,
            &other,
            &CrlSpec {
                this_update: AT,
                next_update: Some(AT + 24 * HOUR),
                number: 9,
                delta_of: None,
                entries: vec![],
            },
        )
        .unwrap()
    };
    // Another issuer's CRL (the GOST 2004 NCA's, not in this store).
    let other_issuer = std::fs::read(repo("certs/gost/trust/gost2004-nca.crl")).unwrap();
    // (case, what the download gave, a phrase the refusal must contain)
    type Case<'a> = (&'a str, Result<Vec<u8>, String>, &'a str);
    let table: Vec<Case> = vec![
        (
            "truncated",
            Ok(good_bytes[..good_bytes.len() / 2].to_vec()),
            "malformed CRL",
        ),
        ("empty", Ok(Vec::new()), "malformed CRL"),
        ("an HTTP error", Err("HTTP 500".into()), "HTTP 500"),
        ("wrongly signed", Ok(forged), "signature"),
        (
            "another issuer",
            Ok(other_issuer),
            "no CA of the trust store issued it",
        ),
        ("stale", Ok(crl(AT - 9 * 24 * HOUR, AT - HOUR)), "stale"),
        (
            "older than the one in use",
            Ok(crl(AT - 2 * HOUR, AT + 24 * HOUR)),
            "older than the CRL in use",
        ),
    ];
    for (what, body, why) in table {
        let (accepted, outcomes) = refresh::refresh(
            &Fixed(body),
            std::slice::from_ref(&url),
            &cas,
            std::slice::from_ref(&good),
            Some(cache.path()),
            AT,
        );
        assert!(accepted.is_empty(), "{what}");
        assert_eq!(outcomes[0].status, "failed", "{what}");
        assert!(
            outcomes[0].detail.contains(why),
            "{what}: {}",
            outcomes[0].detail
        );
        assert_eq!(
            std::fs::read(refresh::cache_path(cache.path(), &url)).unwrap(),
            good_bytes,
            "{what}: the last good copy stays on disk"
        );
    }
}

/// Through the service: the request names its policy; OCSP is down (every
/// answer a reset) and the fresh GOST CRLs of the trust folder decide under
/// `fallback`; `/readyz` shows the responder as an upstream and stays 200;
/// a policy that does not parse is a 400 problem naming it.
#[tokio::test]
async fn the_service_falls_back_and_shows_its_upstreams() {
    use axum::http::StatusCode;
    use base64::Engine;
    let server = serve(vec![Act::Reset]);
    let app = App::with(|config| {
        config.trust_dir = Some(repo("certs/gost/trust"));
        config.crl_refresh_seconds = qoltanba::config::Config::default().crl_refresh_seconds;
        config.ocsp_timeout_ms = 300;
        config.ocsp_retries = 0;
    })
    .await;
    let portal = qoltanba::store::keys::Role::Portal;
    let token = app.key_named("portal", portal, qoltanba::time::now()).await;
    let envelope = std::fs::read(repo("testdata/gost/envelopes/gost2015-attached.p7s")).unwrap();
    // A POST of `body` as the portal, or a plain GET when `body` is null.
    let send = |body: serde_json::Value, path: &'static str| {
        let (app, token) = (&app, &token);
        async move {
            if body.is_null() {
                let r = app.get(path, &[]).await;
                (r.status, r.json())
            } else {
                app.post_json(path, token, body).await
            }
        }
    };
    let body = serde_json::json!({
        "signature": base64::engine::general_purpose::STANDARD.encode(&envelope),
        "at": "2026-06-01T00:00:00Z",
        "revocation_policy": "fallback",
        "ocsp_url": server.url,
    });
    let (status, v) = send(body.clone(), "/v1/verify").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["code"], "OK", "{v}");
    assert_eq!(
        v["policy"]["revocation_policy"]["first"], "ocsp",
        "{}",
        v["policy"]
    );
    let rev = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "revocation")
        .unwrap();
    assert_eq!(
        rev["detail"]["certificates"][0]["detail"]["source"], "crl",
        "{rev}"
    );
    assert!(server.hits.load(Ordering::SeqCst) >= 1);
    let (status, ready) = send(serde_json::Value::Null, "/readyz").await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    let ups = ready["upstreams"].as_array().unwrap();
    let me = ups
        .iter()
        .find(|u| u["url"] == server.url.as_str())
        .expect("the responder is listed");
    assert_eq!(me["kind"], "ocsp");
    assert_eq!(me["state"], "failing");
    assert!(me["failed"].as_u64().unwrap() >= 1);
    assert_eq!(ready["revocation_policy"]["production"]["sources"], "crl");
    let mut bad = body.clone();
    bad["revocation_policy"] = serde_json::json!("lenient");
    let (status, p) = send(bad, "/v1/verify").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{p}");
    assert!(
        p["detail"]
            .as_str()
            .unwrap_or("")
            .contains("revocation_policy"),
        "{p}"
    );
    // The certificate check takes the same field.
    let pem = std::fs::read_to_string(repo("certs/gost/people/gost2015-citizen.pem")).unwrap();
    let cert = serde_json::json!({
        "certificate": pem,
        "at": "2026-06-01T00:00:00Z",
        "revocation_policy": "fallback",
        "ocsp_url": server.url,
    });
    let (status, c) = send(cert.clone(), "/v1/certificates/verify").await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["policy"]["revocation_policy"]["first"], "ocsp", "{c}");
    let mut bad = cert;
    bad["revocation_policy"] = serde_json::json!("sources=never");
    let (status, p) = send(bad, "/v1/certificates/verify").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{p}");
}

/// `--revocation-policy` on the command line: a stale CRL is REVOCATION_STALE
/// (exit 3) under the default policy, passes under `outage` (exit 0) with the
/// policy in the verdict, and a policy that does not parse is a usage error
/// (exit 2) that names it.
#[test]
fn the_command_line_takes_a_revocation_policy() {
    let dir = tempfile::tempdir().unwrap();
    let crl_path = dir.path().join("stale.crl");
    std::fs::write(&crl_path, crl(AT - 8 * 24 * HOUR, AT - HOUR)).unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "cert".to_string(),
            "verify".into(),
            "--cert".into(),
            repo("certs/gost/people/gost2015-citizen.pem")
                .display()
                .to_string(),
            "--trust".into(),
            repo("certs/gost/trust/gost2015-nca.pem")
                .display()
                .to_string(),
            "--crl".into(),
            crl_path.display().to_string(),
            "--at".into(),
            "2026-06-01T00:00:00Z".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_qoltanba"))
            .args(&args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap_or_default(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, v, _) = run(&[]);
    assert_eq!(
        (code, v["code"].as_str()),
        (3, Some("REVOCATION_STALE")),
        "{v}"
    );
    let (code, v, _) = run(&["--revocation-policy", "outage"]);
    assert_eq!((code, v["code"].as_str()), (0, Some("OK")), "{v}");
    assert_eq!(
        v["policy"]["revocation_policy"]["accept_stale"], true,
        "{v}"
    );
    let (code, _, err) = run(&["--revocation-policy", "outage,crl-grace=2w"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("crl-grace") || err.contains("2w"), "{err}");
}
