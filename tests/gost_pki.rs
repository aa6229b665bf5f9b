//! The GOST demo PKI (`certs/gost/`, GOST 34.10-2015/512 and GOST
//! 34.310-2004) end to end: its keys read back, its certificates shaped like
//! the national CA's, GOST envelopes signed and verified, revocation by GOST
//! CRLs and by a GOST OCSP responder (in process and over loopback HTTP),
//! CAdES-T from a GOST TSA over loopback, GOST and RSA signers in one
//! envelope, and `pdf sign` / `pdf verify` with a GOST key.
//!
//! The validation time is fixed (2026-06-01) inside every window; the
//! responders take their clock as a parameter.

mod common;
use common::loopback::serve_posts;
use common::{pem_der, pem_der_at, repo};

use der::Decode;
use qoltanba::envelope::{self, VerifyRequest, sign};
use qoltanba::pki::algorithms::{Digest, KeyKind, Scheme};
use qoltanba::pki::demo::gost::{self as demo_gost, GOST2004, GOST2015, GostCa, Hierarchy};
use qoltanba::pki::demo::ocsp::{self as responder, Nonce, Responder, Status, Times};
use qoltanba::pki::ocsp::{OcspClient, OcspTransport, message};
use qoltanba::pki::signer::{GostSigner, Signer, from_pkcs8_any};
use qoltanba::pki::{Policy, RevocationMode, TrustStore};
use qoltanba::verdict::{Outcome, Verdict};
use std::path::PathBuf;
use std::sync::Arc;

/// 2026-06-01T00:00:00Z
const AT: i64 = 1_780_272_000;
const DAY: i64 = 86_400;

struct Who {
    cert: Vec<u8>,
    key: GostSigner,
}

fn who(name: &str) -> Who {
    Who {
        cert: pem_der(&format!("certs/gost/people/{name}.pem")),
        key: GostSigner::from_pkcs8(&pem_der(&format!("certs/gost/people/{name}.key.pem")))
            .unwrap(),
    }
}

/// A GOST CA of the demo PKI whose certificate is in `certs/gost/{folder}/`.
fn gost_ca(name: &str, folder: &str) -> GostCa {
    let der = pem_der(&format!("certs/gost/{folder}/{name}.pem"));
    let key = pem_der(&format!("certs/gost/ca/{name}.key.pem"));
    GostCa::load(name, der, &key).unwrap()
}

fn ca(name: &str) -> GostCa {
    gost_ca(name, "trust")
}

/// A service certificate's issuer-side key (OCSP responder, TSA).
fn service(name: &str) -> GostCa {
    gost_ca(name, "ca")
}

fn store() -> TrustStore {
    TrustStore::from_dir(&repo("certs/gost/trust")).unwrap()
}

/// An envelope over `content` by `name` of the GOST demo, with its chain.
fn signed(name: &str, content: &[u8], attached: bool) -> Vec<u8> {
    let w = who(name);
    let nca = ca(&format!("{}-nca", &name[..8]));
    sign::sign(content, attached, &w.key, &w.cert, &[nca.der], AT - 2 * DAY).unwrap()
}

fn verify_with(
    env: &[u8],
    data: Option<&[u8]>,
    at: i64,
    policy: Policy,
    store: &TrustStore,
) -> Verdict {
    envelope::verify(
        &VerifyRequest {
            envelope: env,
            data,
            at,
            policy,
            ..Default::default()
        },
        store,
    )
}

fn check<'a>(v: &'a Verdict, name: &str) -> &'a qoltanba::verdict::Check {
    v.checks.iter().find(|c| c.name == name).unwrap()
}

fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match body.len() {
        n if n < 0x80 => out.push(n as u8),
        n if n < 0x100 => out.extend([0x81, n as u8]),
        n => out.extend([0x82, (n >> 8) as u8, n as u8]),
    }
    out.extend_from_slice(body);
    out
}

#[test]
fn pkcs8_keys_read_back_and_write_the_same_bytes() {
    for entry in std::fs::read_dir(repo("certs/gost/people")).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with(".key.pem") {
            continue;
        }
        let der = pem_der_at(&path);
        let key = GostSigner::from_pkcs8(&der).unwrap();
        assert_eq!(
            key.to_pkcs8().unwrap().as_slice(),
            der.as_slice(),
            "{}",
            path.display()
        );
        // The key matches its certificate.
        let cert = pem_der_at(&PathBuf::from(
            path.to_string_lossy().replace(".key.pem", ".pem"),
        ));
        let c = qoltanba::pki::cert::Certificate::from_der(&cert).unwrap();
        assert_eq!(c.spki, key.public_key_spki(), "{}", path.display());
        let any = from_pkcs8_any(&der).unwrap();
        assert!(matches!(any.scheme(), Scheme::Gost(_)));
    }
    // The scalar as an INTEGER (big-endian) reads as the same key.
    let k = who("gost2015-citizen").key;
    let mut be = k.secret().to_vec();
    be.reverse();
    let int = der::asn1::Uint::new(&be).unwrap();
    let der_int = der::Encode::to_der(&int).unwrap();
    let original = k.to_pkcs8().unwrap();
    let mut w =
        qoltanba::asn1::Walker::new(qoltanba::asn1::single(&original).unwrap().value).unwrap();
    let _version = w.next_tlv().unwrap();
    let alg = w.next_tlv().unwrap().raw.to_vec();
    let mut body = vec![0x02, 0x01, 0x00];
    body.extend(&alg);
    body.extend(der::Encode::to_der(&der::asn1::OctetString::new(der_int).unwrap()).unwrap());
    let pkcs8 = tlv(0x30, &body);
    let again = GostSigner::from_pkcs8(&pkcs8).unwrap();
    assert_eq!(again.public_key_spki(), k.public_key_spki());
    // An RSA key is not a GOST key, and loads as RSA through from_pkcs8_any.
    let rsa = pem_der("certs/people/citizen-rsa.key.pem");
    assert!(GostSigner::from_pkcs8(&rsa).is_err());
    assert!(matches!(
        from_pkcs8_any(&rsa).unwrap().scheme(),
        Scheme::RsaPkcs1(_)
    ));
    assert!(from_pkcs8_any(b"\x30\x03\x02\x01\x00").is_err());
}

#[test]
fn certificates_are_shaped_like_the_national_cas() {
    use x509_parser::prelude::*;
    for h in [GOST2015, GOST2004] {
        let (key_oid, sig_oid, bits) = if h == GOST2015 {
            ("1.2.398.3.10.1.1.2.2", "1.2.398.3.10.1.1.2.3.2", 512)
        } else {
            ("1.2.398.3.10.1.1.1.1", "1.2.398.3.10.1.1.1.2", 256)
        };
        let mut files = vec![
            repo(&format!("certs/gost/trust/{}-root.pem", h.name)),
            repo(&format!("certs/gost/trust/{}-nca.pem", h.name)),
            repo(&format!("certs/gost/ca/{}-ocsp.pem", h.name)),
            repo(&format!("certs/gost/ca/{}-tsa.pem", h.name)),
        ];
        for p in demo_gost::people() {
            files.push(repo(&format!(
                "certs/gost/people/{}-{}.pem",
                h.name, p.file
            )));
        }
        for (i, f) in files.iter().enumerate() {
            let der = pem_der_at(f);
            let (_, x) = X509Certificate::from_der(&der).unwrap();
            let what = f.display().to_string();
            assert_eq!(x.version(), X509Version::V3, "{what}");
            assert_eq!(
                x.signature_algorithm.algorithm.to_id_string(),
                sig_oid,
                "{what}"
            );
            assert_eq!(
                x.public_key().algorithm.algorithm.to_id_string(),
                key_oid,
                "{what}"
            );
            let c = qoltanba::pki::cert::Certificate::from_der(&der).unwrap();
            let kind = c.key.as_ref().unwrap().kind;
            assert!(matches!(kind, KeyKind::Gost { .. }), "{what}");
            assert_eq!(kind.bits(), bits, "{what}");
            assert!(c.ski.is_some(), "{what}: subjectKeyIdentifier");
            let ext = |oid: &str| {
                x.extensions()
                    .iter()
                    .find(|e| e.oid.to_id_string() == oid)
                    .map(|e| e.critical)
            };
            assert_eq!(ext("2.5.29.15"), Some(true), "{what}: keyUsage critical");
            let is_ca = i < 2;
            assert_eq!(
                ext("2.5.29.19"),
                is_ca.then_some(true),
                "{what}: basicConstraints"
            );
            if i > 0 {
                assert_eq!(
                    ext("2.5.29.35"),
                    Some(false),
                    "{what}: authorityKeyIdentifier"
                );
            }
            if i >= 4 {
                // People: CN, SURNAME, SERIALNUMBER, C, [O, OU], G; CRL DP, delta, AIA OCSP.
                let order: Vec<String> = x
                    .subject()
                    .iter_attributes()
                    .map(|a| a.attr_type().to_id_string())
                    .collect();
                assert_eq!(order.first().map(String::as_str), Some("2.5.4.3"), "{what}");
                assert_eq!(order.last().map(String::as_str), Some("2.5.4.42"), "{what}");
                assert!(
                    !c.crl_urls.is_empty() && !c.delta_crl_urls.is_empty(),
                    "{what}"
                );
                assert_eq!(c.ocsp_urls, vec![h.ocsp_url()], "{what}");
                assert!(!c.key_usage.unwrap().key_cert_sign(), "{what}");
            }
        }
        let emp =
            qoltanba::pki::cert::Certificate::from_der(&who(&format!("{}-employee", h.name)).cert)
                .unwrap();
        let prof = qoltanba::pki::profile::profile(&emp);
        assert_eq!(
            prof.bin.as_deref(),
            Some(qoltanba::pki::demo::provider_bin().as_str())
        );
        assert_eq!(prof.roles, vec!["organisation", "employee"]);
        assert!(prof.iin.unwrap().valid);
        let tsa = qoltanba::pki::cert::Certificate::from_der(&service(&h.file("tsa")).der).unwrap();
        assert_eq!(
            tsa.eku,
            Some(vec![qoltanba::tsp::EKU_TIME_STAMPING.to_string()])
        );
        let ocsp =
            qoltanba::pki::cert::Certificate::from_der(&service(&h.file("ocsp")).der).unwrap();
        assert!(ocsp.has_eku("1.3.6.1.5.5.7.3.9"));
    }
}

#[test]
fn gost_envelopes_attached_and_detached_pass() {
    let store = store();
    let content = b"{\"service\":\"housing-queue\"}";
    for name in [
        "gost2015-citizen",
        "gost2004-citizen",
        "gost2015-head",
        "gost2004-employee",
    ] {
        let w = who(name);
        let iin = qoltanba::pki::profile::profile(
            &qoltanba::pki::cert::Certificate::from_der(&w.cert).unwrap(),
        )
        .iin
        .unwrap()
        .value;
        for attached in [true, false] {
            let env = signed(name, content, attached);
            let data = (!attached).then_some(&content[..]);
            let policy = Policy {
                iin: Some(iin.clone()),
                ..Default::default()
            };
            let v = verify_with(&env, data, AT, policy, &store);
            assert_eq!(
                v.code.as_str(),
                "OK",
                "{name} attached={attached}: {}",
                v.summary()
            );
            let scheme = check(&v, "algorithms").detail["scheme"]
                .as_str()
                .unwrap()
                .to_string();
            let want = if name.starts_with("gost2015") {
                "GOST34.10-2015-512-GOST34.11-2015-512"
            } else {
                "GOST34310-2004-GOST34311-95"
            };
            assert_eq!(scheme, want);
            // One changed byte of the detached data: DIGEST_MISMATCH.
            if !attached {
                let v = verify_with(
                    &env,
                    Some(b"{\"service\":\"housing-QUEUE\"}"),
                    AT,
                    Policy::default(),
                    &store,
                );
                assert_eq!(v.code.as_str(), "DIGEST_MISMATCH", "{}", v.summary());
            }
        }
    }
}

#[test]
fn revoked_on_hold_and_delta_via_gost_crls() {
    let store = store();
    for h in ["gost2015", "gost2004"] {
        for (name, indication, code, sub) in [
            ("citizen", "PASSED", "OK", None),
            ("revoked", "FAILED", "CERT_REVOKED", Some("REVOKED")),
            ("revoked-delta", "FAILED", "CERT_REVOKED", Some("REVOKED")),
            (
                "on-hold",
                "INDETERMINATE",
                "CERT_REVOKED",
                Some("REVOKED_ON_HOLD"),
            ),
            (
                "expired",
                "INDETERMINATE",
                "CERT_EXPIRED",
                Some("OUT_OF_BOUNDS_NO_POE"),
            ),
            (
                "citizen-auth",
                "FAILED",
                "KEY_USAGE_INVALID",
                Some("SIG_CONSTRAINTS_FAILURE"),
            ),
        ] {
            let v = verify_with(
                &signed(&format!("{h}-{name}"), b"x", true),
                None,
                AT,
                Policy::default(),
                &store,
            );
            assert_eq!(
                (serde_json::to_value(v.indication).unwrap(), v.code.as_str()),
                (serde_json::json!(indication), code),
                "{h}-{name}: {}",
                v.summary()
            );
            assert_eq!(
                v.sub_indication.map(|s| serde_json::to_value(s).unwrap()),
                sub.map(|s| serde_json::json!(s)),
                "{h}-{name}"
            );
        }
    }
}

/// The demo responders in process: the root answers for the intermediate,
/// the intermediate's delegated responder (GOST 2015) or the intermediate
/// itself (GOST 2004) for the people, statuses from the demo CRLs.
struct LocalOcsp {
    h: Hierarchy,
    root: GostCa,
    signer: GostCa,
    delegated: bool,
    times: Times,
    status: Option<Status>,
}

impl LocalOcsp {
    fn new(h: Hierarchy) -> LocalOcsp {
        let delegated = h == GOST2015;
        LocalOcsp {
            h,
            root: ca(&h.file("root")),
            signer: if delegated {
                service(&h.file("ocsp"))
            } else {
                ca(&h.file("nca"))
            },
            delegated,
            times: Times::fresh(AT),
            status: None,
        }
    }

    fn answer(&self, body: &[u8]) -> Vec<u8> {
        let req = x509_ocsp::OcspRequest::from_der(body).unwrap();
        let id = &req.tbs_request.request_list[0].req_cert;
        let root = qoltanba::pki::cert::Certificate::from_der(&self.root.der).unwrap();
        let by_root = id.issuer_key_hash.as_bytes() == message::key_hash(&root).unwrap();
        let (base, delta) = demo_gost::nca_crls(&self.h);
        let fixed = self.status;
        let status = move |id: &x509_ocsp::CertId| {
            if let Some(s) = fixed {
                return s;
            }
            let serial = id.serial_number.as_bytes();
            match Status::from_crl(&base, serial) {
                Status::Good => Status::from_crl(&delta, serial),
                s => s,
            }
        };
        let r = if by_root {
            Responder {
                signer: &self.root.signer,
                cert: &self.root.der,
                include_cert: false,
            }
        } else {
            Responder {
                signer: &self.signer.signer,
                cert: &self.signer.der,
                include_cert: self.delegated,
            }
        };
        let status_of: &dyn Fn(&x509_ocsp::CertId) -> Status = if by_root {
            &|_: &x509_ocsp::CertId| Status::Good
        } else {
            &status
        };
        responder::respond(body, status_of, &r, &self.times).unwrap()
    }
}

impl OcspTransport for LocalOcsp {
    fn post(&self, _url: &str, body: &[u8]) -> Result<Vec<u8>, String> {
        Ok(self.answer(body))
    }
}

fn ocsp_policy(transport: Arc<dyn OcspTransport>, mode: RevocationMode) -> Policy {
    Policy {
        revocation: mode,
        ocsp_url: Some("http://ocsp.test.invalid/".into()),
        ocsp: Some(Arc::new(OcspClient::new(transport).with_cache_capacity(0))),
        ..Default::default()
    }
}

#[test]
fn revoked_on_hold_and_delta_via_a_gost_ocsp_responder() {
    let store = store();
    for h in [GOST2015, GOST2004] {
        let local: Arc<dyn OcspTransport> = Arc::new(LocalOcsp::new(h));
        for (name, code, sub) in [
            ("citizen", "OK", None),
            ("revoked", "CERT_REVOKED", Some("REVOKED")),
            ("revoked-delta", "CERT_REVOKED", Some("REVOKED")),
            ("on-hold", "CERT_REVOKED", Some("REVOKED_ON_HOLD")),
        ] {
            let env = signed(&format!("{}-{name}", h.name), b"x", true);
            for mode in [
                RevocationMode::Ocsp,
                RevocationMode::Both,
                RevocationMode::Any,
            ] {
                let v = verify_with(&env, None, AT, ocsp_policy(local.clone(), mode), &store);
                assert_eq!(
                    v.code.as_str(),
                    code,
                    "{}-{name} {mode:?}: {}",
                    h.name,
                    v.summary()
                );
                assert_eq!(
                    v.sub_indication.map(|s| serde_json::to_value(s).unwrap()),
                    sub.map(|s| serde_json::json!(s))
                );
                if mode == RevocationMode::Ocsp {
                    let r = check(&v, "revocation");
                    let leaf = &r.detail["certificates"][0]["detail"];
                    assert_eq!(leaf["source"], "ocsp", "{:#}", r.detail);
                    let kind = if h == GOST2015 {
                        "delegated responder"
                    } else {
                        "issuing CA"
                    };
                    assert_eq!(leaf["signed_by"]["kind"], kind, "{:#}", r.detail);
                }
            }
        }
    }
}

#[test]
fn gost_ocsp_answers_that_cannot_be_believed() {
    let store = store();
    let env = signed("gost2015-citizen", b"x", true);
    // The verdict with OCSP answered through `transport` (under `mode`).
    let with = |transport: Arc<dyn OcspTransport>, mode| {
        verify_with(&env, None, AT, ocsp_policy(transport, mode), &store)
    };
    let run = |local: LocalOcsp| {
        let v = with(Arc::new(local), RevocationMode::Ocsp);
        v.code.as_str().to_string()
    };
    // Signed by the TSA: issued by the intermediate, but not for OCSP.
    let mut l = LocalOcsp::new(GOST2015);
    l.signer = service("gost2015-tsa");
    assert_eq!(run(l), "OCSP_INVALID");
    // Signed by a GOST 2004 key that nobody authorised.
    let mut l = LocalOcsp::new(GOST2015);
    l.signer = service("gost2004-ocsp");
    assert_eq!(run(l), "OCSP_INVALID");
    let mut l = LocalOcsp::new(GOST2015);
    l.times.nonce = Nonce::Other(vec![7; 32]);
    assert_eq!(run(l), "OCSP_INVALID");
    let mut l = LocalOcsp::new(GOST2015);
    l.times = Times {
        produced_at: AT - 9 * DAY,
        this_update: AT - 9 * DAY,
        next_update: Some(AT - 2 * DAY),
        nonce: Nonce::Echo,
    };
    assert_eq!(run(l), "REVOCATION_STALE");
    let mut l = LocalOcsp::new(GOST2015);
    l.status = Some(Status::Unknown);
    assert_eq!(run(l), "REVOCATION_UNAVAILABLE");
    struct TryLater;
    impl OcspTransport for TryLater {
        fn post(&self, _: &str, _: &[u8]) -> Result<Vec<u8>, String> {
            responder::refusal(x509_ocsp::OcspResponseStatus::TryLater)
        }
    }
    let v = with(Arc::new(TryLater), RevocationMode::Ocsp);
    assert_eq!(v.code.as_str(), "REVOCATION_UNAVAILABLE");
    // Any: the CRL's good answer decides when OCSP cannot be believed.
    let mut l = LocalOcsp::new(GOST2015);
    l.signer = service("gost2015-tsa");
    let v = with(Arc::new(l), RevocationMode::Any);
    assert_eq!(v.code.as_str(), "OK", "{}", v.summary());
}

#[test]
fn gost_ocsp_responder_over_loopback_http() {
    let store = store();
    let local = LocalOcsp::new(GOST2015);
    // Two certificates per verification (the signer and the intermediate).
    let url = serve_posts(4, move |body| local.answer(body));
    for (name, code) in [
        ("gost2015-citizen", "OK"),
        ("gost2015-revoked", "CERT_REVOKED"),
    ] {
        let policy = Policy {
            revocation: RevocationMode::Ocsp,
            ocsp_url: Some(url.clone()),
            ocsp: Some(Arc::new(OcspClient::http())),
            ..Default::default()
        };
        let v = verify_with(&signed(name, b"x", true), None, AT, policy, &store);
        assert_eq!(v.code.as_str(), code, "{name}: {}", v.summary());
        assert_eq!(
            check(&v, "revocation").detail["certificates"][0]["detail"]["nonce"],
            "matched"
        );
    }
}

fn gost_tsa(h: Hierarchy, gen_time: i64, n: usize) -> String {
    let tsa = service(&h.file("tsa"));
    let chain = vec![ca(&h.file("nca")).der];
    serve_posts(n, move |body| {
        let t = qoltanba::tsp::responder::Tsa {
            signer: &tsa.signer,
            cert: &tsa.der,
            chain: &chain,
            policy: qoltanba::tsp::responder::DEMO_POLICY,
        };
        qoltanba::tsp::responder::respond(&t, body, gen_time, &[0x07])
    })
}

#[test]
fn cades_t_from_a_gost_tsa_gives_proof_of_existence() {
    let store = store();
    let http = qoltanba::tsp::HttpTsa::default();
    let url = gost_tsa(GOST2015, AT - DAY, 3);
    let plain = signed("gost2015-citizen", b"request", true);
    let env =
        sign::add_signature_timestamp_with(&plain, 1, &http, &url, Digest::Streebog512).unwrap();
    let v = verify_with(&env, None, AT, Policy::default(), &store);
    assert_eq!(v.code.as_str(), "OK", "{}", v.summary());
    let ts = check(&v, "timestamp");
    assert_eq!(ts.outcome, Outcome::Passed, "{:#}", ts.detail);
    assert_eq!(ts.detail["imprint_algorithm"], "1.2.398.3.10.1.3.3");
    assert_eq!(ts.detail["policy"], "1.2.398.3.3.5.1");
    // After the citizen's certificate expired (2030-12-31): PASSED on the token's time.
    let later = qoltanba::time::parse_rfc3339("2031-06-01T00:00:00Z").unwrap();
    let v = verify_with(&env, None, later, Policy::default(), &store);
    assert_eq!(v.code.as_str(), "OK", "{}", v.summary());
    assert_eq!(v.policy["name"], "condition-2/long-term");
    assert_eq!(
        verify_with(&plain, None, later, Policy::default(), &store)
            .code
            .as_str(),
        "CERT_EXPIRED"
    );
    // A SHA-256 imprint from the same GOST TSA is as good.
    let sha = sign::add_signature_timestamp(&plain, 1, &http, &url).unwrap();
    let v = verify_with(&sha, None, later, Policy::default(), &store);
    assert_eq!(v.code.as_str(), "OK", "{}", v.summary());
    // A token over another signature: TIMESTAMP_INVALID.
    let other = sign::add_signature_timestamp_with(
        &signed("gost2015-citizen2", b"request", true),
        1,
        &http,
        &url,
        Digest::Streebog512,
    )
    .unwrap();
    let token = qoltanba::envelope::parse::parse(&other).unwrap().signers[0]
        .unsigned_attrs
        .iter()
        .find(|a| a.oid == qoltanba::tsp::OID_SIGNATURE_TIME_STAMP)
        .unwrap()
        .values[0]
        .clone();
    let swapped = sign::add_unsigned_attribute(
        &plain,
        1,
        qoltanba::tsp::OID_SIGNATURE_TIME_STAMP,
        der::asn1::Any::from_der(&token).unwrap(),
    )
    .unwrap();
    let v = verify_with(&swapped, None, AT, Policy::default(), &store);
    assert_eq!(v.code.as_str(), "TIMESTAMP_INVALID", "{}", v.summary());
}

#[test]
fn gost_2004_tsa_stamps_a_gost_2004_signature() {
    let store = store();
    let url = gost_tsa(GOST2004, AT - DAY, 1);
    let env = sign::add_signature_timestamp_with(
        &signed("gost2004-citizen", b"request", true),
        1,
        &qoltanba::tsp::HttpTsa::default(),
        &url,
        Digest::Gost34311,
    )
    .unwrap();
    let later = qoltanba::time::parse_rfc3339("2031-06-01T00:00:00Z").unwrap();
    let v = verify_with(&env, None, later, Policy::default(), &store);
    assert_eq!(v.code.as_str(), "OK", "{}", v.summary());
    assert_eq!(
        check(&v, "timestamp").detail["imprint_algorithm"],
        "1.2.398.3.10.1.3.1"
    );
}

/// A trust folder with the RSA and both GOST hierarchies.
fn mixed_store() -> (tempfile::TempDir, TrustStore) {
    let dir = tempfile::tempdir().unwrap();
    for src in ["certs/trust", "certs/gost/trust"] {
        for e in std::fs::read_dir(repo(src)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let store = TrustStore::from_dir(dir.path()).unwrap();
    (dir, store)
}

#[test]
fn gost_and_rsa_signers_in_one_envelope_worst_provable_outcome() {
    let (_dir, store) = mixed_store();
    for (gost, rsa_name, envelope_code, codes) in [
        ("gost2015-citizen", "citizen-rsa", "OK", ["OK", "OK"]),
        ("gost2004-citizen", "citizen-rsa", "OK", ["OK", "OK"]),
        (
            "gost2015-revoked",
            "citizen-rsa",
            "CERT_REVOKED",
            ["CERT_REVOKED", "OK"],
        ),
        (
            "gost2015-expired",
            "citizen-rsa",
            "CERT_EXPIRED",
            ["CERT_EXPIRED", "OK"],
        ),
        (
            "gost2015-citizen",
            "expired",
            "CERT_EXPIRED",
            ["OK", "CERT_EXPIRED"],
        ),
        (
            "gost2015-expired",
            "revoked",
            "CERT_REVOKED",
            ["CERT_EXPIRED", "CERT_REVOKED"],
        ),
        (
            "gost2015-on-hold",
            "revoked",
            "CERT_REVOKED",
            ["CERT_REVOKED", "CERT_REVOKED"],
        ),
    ] {
        let content = b"co-signed request";
        let first = signed(gost, content, true);
        // The RSA person (under the RSA national CA) adds a signature.
        let r = common::demo::who(rsa_name);
        let env = sign::add_signer(&first, None, &r.key, &r.cert, &r.chain, AT - DAY).unwrap();
        let v = verify_with(&env, None, AT, Policy::default(), &store);
        let (code, summary) = (v.code.as_str(), v.summary());
        assert_eq!(code, envelope_code, "{gost} + {rsa_name}: {summary}");
        let got: Vec<&str> = v.signers.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(got, codes, "{gost} + {rsa_name}");
        let schemes: Vec<String> = v
            .signers
            .iter()
            .map(|s| {
                check(s, "algorithms").detail["scheme"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect();
        assert!(
            schemes[0].starts_with("GOST") && schemes[1].starts_with("RSA"),
            "{schemes:?}"
        );
        // The other way round: RSA first, GOST added.
        let rsa_first = sign::sign(content, true, &r.key, &r.cert, &r.chain, AT - DAY).unwrap();
        let w = who(gost);
        let nca = ca(&format!("{}-nca", &gost[..8]));
        let env =
            sign::add_signer(&rsa_first, None, &w.key, &w.cert, &[nca.der], AT - DAY).unwrap();
        let v = verify_with(&env, None, AT, Policy::default(), &store);
        let (code, summary) = (v.code.as_str(), v.summary());
        assert_eq!(code, envelope_code, "{rsa_name} + {gost}: {summary}");
    }
}

#[test]
fn pdf_sign_and_verify_with_a_gost_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("signed.pdf");
    let bin = env!("CARGO_BIN_EXE_qoltanba");
    let run = |args: &[&str]| {
        let o = std::process::Command::new(bin)
            .args(args)
            .env("QOLTANBA_TRUST_DIR", repo("certs/gost/trust"))
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    for (h, name) in [("gost2015", "head"), ("gost2004", "employee")] {
        let key = repo(&format!("certs/gost/people/{h}-{name}.key.pem"));
        let cert = repo(&format!("certs/gost/people/{h}-{name}.pem"));
        let chain = repo(&format!("certs/gost/trust/{h}-nca.pem"));
        let (code, o, e) = run(&[
            "pdf",
            "sign",
            "--in",
            repo("testdata/pdfs/unsigned.pdf").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
            "--cert",
            cert.to_str().unwrap(),
            "--chain",
            chain.to_str().unwrap(),
            "--stamp",
        ]);
        assert_eq!(code, Some(0), "{o}{e}");
        let (code, o, e) = run(&["pdf", "verify", out.to_str().unwrap()]);
        assert_eq!(code, Some(0), "{o}{e}");
        let v: serde_json::Value = serde_json::from_str(&o).unwrap();
        assert_eq!(v["code"], "OK", "{v:#}");
        std::fs::remove_file(&out).unwrap();
    }
}
