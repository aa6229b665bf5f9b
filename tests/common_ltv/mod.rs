//! Shared by `pdf_ltv` and `pdf_ltv_renew`: a TSA PKI made with rcgen (a
//! root valid to 2070, a TSA whose certificate lives two years and one valid
//! to 2060), TSAs answering in-process with a chosen time or on loopback,
//! B-LTA files, fresh CRLs, and the judges (pyHanko, pdfsig, openssl).

#![allow(dead_code)]

use crate::common::demo::{Who, who};
use crate::common::loopback::serve_posts_as;
use crate::common::pdf_demo::{LOCAL_URL, rendered_at};
use crate::common::pdf_judge::{
    nss_db_in, pdfsig_with, pyhanko, pyhanko_statuses, run, venv_python,
};
use crate::common::{epoch, pem_der, repo};
use qoltanba::pdf::{self, Lang, SignOptions};
use qoltanba::pki::TrustStore;
use qoltanba::pki::signer::RingSigner;
use qoltanba::tsp::TsaTransport;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, KeyPair, KeyUsagePurpose,
    SerialNumber,
};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

pub fn now() -> i64 {
    qoltanba::time::now()
}

pub const YEAR: i64 = 365 * 86_400;

pub fn odt(t: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(t).unwrap()
}

/// The TSA PKI: a root (and its key, for CRLs), two TSA certificates with keys.
pub struct TsaPki {
    pub root: Vec<u8>,
    pub root_key: Vec<u8>,
    pub short: (Vec<u8>, Vec<u8>),
    pub long: (Vec<u8>, Vec<u8>),
}

pub fn dn(cn: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::CountryName, "KZ");
    d.push(DnType::OrganizationName, "QOLTANBA LTV TEST");
    d.push(DnType::CommonName, cn);
    d
}

pub fn tsa_pki() -> &'static TsaPki {
    static PKI: OnceLock<TsaPki> = OnceLock::new();
    PKI.get_or_init(|| {
        let t0 = now() - 86_400;
        let root_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut rp = CertificateParams::default();
        rp.distinguished_name = dn("TSA Root");
        rp.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        rp.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        rp.use_authority_key_identifier_extension = true;
        rp.not_before = odt(t0 - YEAR);
        rp.not_after = odt(t0 + 44 * YEAR);
        let root = rp.self_signed(&root_key).unwrap();
        let issuer = rcgen::Issuer::new(rp, &root_key);
        let tsa = |cn: &str, serial: u64, until: i64| {
            let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
            let mut p = CertificateParams::default();
            p.distinguished_name = dn(cn);
            p.serial_number = Some(SerialNumber::from(serial));
            p.key_usages = vec![
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::ContentCommitment,
            ];
            // RFC 3161 2.3: the timeStamping EKU, critical (openssl insists).
            let mut eku = rcgen::CustomExtension::from_oid_content(
                &[2, 5, 29, 37],
                vec![
                    0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08,
                ],
            );
            eku.set_criticality(true);
            p.custom_extensions = vec![eku];
            p.use_authority_key_identifier_extension = true;
            p.crl_distribution_points = vec![rcgen::CrlDistributionPoint {
                uris: vec!["http://pki.qoltanba.invalid/crl/tsa-root.crl".into()],
            }];
            p.not_before = odt(t0);
            p.not_after = odt(until);
            let cert = p.signed_by(&key, &issuer).unwrap();
            (cert.der().to_vec(), key.serialize_der())
        };
        let short = tsa("TSA 2y", 0x51, t0 + 2 * YEAR);
        let long = tsa("TSA 2060", 0x52, t0 + 34 * YEAR);
        TsaPki {
            root: root.der().to_vec(),
            root_key: root_key.serialize_der(),
            short,
            long,
        }
    })
}

/// A TSA answering in-process with a chosen time.
pub struct TestTsa {
    pub signer: RingSigner,
    pub cert: Vec<u8>,
    pub chain: Vec<Vec<u8>>,
    pub gen_time: AtomicI64,
    pub serial: AtomicU64,
}

impl TestTsa {
    pub fn new(which: &(Vec<u8>, Vec<u8>), gen_time: i64) -> TestTsa {
        TestTsa {
            signer: RingSigner::from_pkcs8(&which.1, None, false).unwrap(),
            cert: which.0.clone(),
            chain: vec![tsa_pki().root.clone()],
            gen_time: AtomicI64::new(gen_time),
            serial: AtomicU64::new(1),
        }
    }

    pub fn answer(&self, body: &[u8]) -> Vec<u8> {
        let t = qoltanba::tsp::responder::Tsa {
            signer: &self.signer,
            cert: &self.cert,
            chain: &self.chain,
            policy: qoltanba::tsp::responder::DEMO_POLICY,
        };
        let serial = self.serial.fetch_add(1, Ordering::SeqCst);
        qoltanba::tsp::responder::respond(
            &t,
            body,
            self.gen_time.load(Ordering::SeqCst),
            &serial.to_be_bytes()[5..],
        )
    }
}

impl TsaTransport for TestTsa {
    fn post(&self, _url: &str, body: &[u8]) -> Result<Vec<u8>, String> {
        Ok(self.answer(body))
    }
}

/// Serves `tsa` on loopback for `n` requests; returns its URL.
pub fn serve(tsa: &'static TestTsa, n: usize) -> String {
    let base = serve_posts_as(n, "application/timestamp-reply", |q| tsa.answer(q));
    format!("{base}tsa")
}

/// The head of the demo PKI, who signs every file here.
pub fn head() -> Who {
    who("head")
}

pub fn rendered() -> Vec<u8> {
    let at = epoch("2026-06-01T00:00:00Z");
    rendered_at("notification", &[Lang::Kk], at)
}

/// The demo store and the TSA root.
pub fn store() -> TrustStore {
    let mut s = TrustStore::from_dir(&repo("certs/trust")).unwrap();
    s.add_anchors(&tsa_pki().root, "tsa-root").unwrap();
    s
}

/// CRLs issued at `at` (right after the signature's time-stamp, as a
/// signer gathers them): the demo root's and the NCA's (valid a week) and
/// the TSA root's (valid to 2050: the simulated 2046 has nothing else).
pub fn crls_at(at: i64) -> Vec<Vec<u8>> {
    use qoltanba::pki::demo::crl::{CrlSpec, issue};
    let spec = |next: i64| CrlSpec {
        this_update: at,
        next_update: Some(next),
        number: 100,
        delta_of: None,
        entries: Vec::new(),
    };
    let ca = |cert: &str, key: &str| {
        let signer = RingSigner::from_pkcs8(&pem_der(key), None, false).unwrap();
        issue(&pem_der(cert), &signer, &spec(at + 7 * 86_400)).unwrap()
    };
    let tsa_root = RingSigner::from_pkcs8(&tsa_pki().root_key, None, false).unwrap();
    vec![
        ca("certs/trust/root-ca.pem", "certs/ca/root-ca.key.pem"),
        ca("certs/trust/nca-rsa.pem", "certs/ca/nca-rsa.key.pem"),
        issue(
            &tsa_pki().root,
            &tsa_root,
            &spec(epoch("2050-01-01T00:00:00Z")),
        )
        .unwrap(),
    ]
}

/// A B-LTA file signed by the head at `t0` (the signature time-stamp's
/// time), its validation data gathered at `t0 + 30`, its document
/// time-stamp at `t0 + 60`, all from `tsa`.
pub fn b_lta(tsa: &TestTsa, t0: i64) -> Vec<u8> {
    let w = head();
    let opts = SignOptions {
        reason: Some("Нәтиже / Результат".into()),
        tsa: Some((tsa, "http://tsa.invalid/".into())),
        ..SignOptions::new(&w.key, &w.cert, &w.chain, t0, LOCAL_URL)
    };
    tsa.gen_time.store(t0, Ordering::SeqCst);
    let (mut signed, _) = pdf::sign_bytes(&rendered(), &opts).unwrap();
    let data = pdf::ltv::material(&signed.as_slice(), &store(), &crls_at(t0 + 30), &[]).unwrap();
    tsa.gen_time.store(t0 + 60, Ordering::SeqCst);
    pdf::ltv::extend_bytes(
        &mut signed,
        &data,
        t0 + 30,
        Some((tsa, "http://tsa.invalid/")),
    )
    .unwrap();
    signed
}

pub fn pem_file(dir: &Path, name: &str, der: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, pem::encode(&pem::Pem::new("CERTIFICATE", der.to_vec()))).unwrap();
    p
}

/// `pyhanko sign adesverify` (ETSI EN 319 102-1 LTA validation, offline from
/// the file) at `at` (None: now): one `STATUS` per signature.
pub fn adesverify(file: &Path, at: Option<&str>) -> Vec<String> {
    let dir = file.parent().unwrap();
    let tsa_root = pem_file(dir, "tsa-root.pem", &tsa_pki().root);
    let mut c = pyhanko();
    c.args(["sign", "adesverify"]);
    if let Some(t) = at {
        c.args(["--validation-time", t]);
    }
    c.arg("--trust")
        .arg(repo("certs/trust/root-ca.pem"))
        .arg("--trust")
        .arg(tsa_root)
        .arg("--trust-replace")
        .arg(file);
    let (_, out) = run(c);
    let v = pyhanko_statuses(&out);
    assert!(!v.is_empty(), "{out}");
    v
}

/// pdfsig with an NSS database trusting the demo root and the TSA root:
/// (field, signature valid, certificate trusted, total document).
pub fn pdfsig(file: &Path) -> Vec<(String, bool, bool, bool)> {
    let dir = tempfile::tempdir().unwrap();
    let tsa_root = pem_file(dir.path(), "tsa-root.pem", &tsa_pki().root);
    let roots = [("demo", repo("certs/trust/root-ca.pem")), ("tsa", tsa_root)];
    pdfsig_with(file, &nss_db_in(dir.path(), &roots))
}

/// Every signature dictionary of the file (lopdf): (field name, dictionary).
pub fn sig_dicts(pdf: &[u8]) -> Vec<(String, lopdf::Dictionary)> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut out = Vec::new();
    for (_, o) in doc.objects.iter() {
        let Ok(d) = o.as_dict() else { continue };
        if d.get(b"FT").ok().and_then(|n| n.as_name().ok()) != Some(b"Sig") {
            continue;
        }
        let Ok(v) = d.get(b"V").and_then(|v| v.as_reference()) else {
            continue;
        };
        let name = match d.get(b"T") {
            Ok(lopdf::Object::String(s, _)) => String::from_utf8_lossy(s).into_owned(),
            _ => String::new(),
        };
        out.push((name, doc.get_dictionary(v).unwrap().clone()));
    }
    out.sort_by_key(|(_, d)| {
        d.get(b"ByteRange").unwrap().as_array().unwrap()[1]
            .as_i64()
            .unwrap()
    });
    out
}

pub fn contents(d: &lopdf::Dictionary) -> Vec<u8> {
    match d.get(b"Contents") {
        Ok(lopdf::Object::String(s, _)) => s.clone(),
        _ => panic!("no /Contents"),
    }
}

/// The DER inside a zero-padded /Contents.
pub fn der_of(padded: &[u8]) -> Vec<u8> {
    let mut r = der::SliceReader::new(padded).unwrap();
    let h = der::Header::decode(&mut r).unwrap();
    let len = usize::try_from(u32::from(h.length)).unwrap()
        + usize::try_from(u32::from(h.encoded_len().unwrap())).unwrap();
    padded[..len].to_vec()
}

pub use der::{Decode, Encode};

/// The ByteRange's bytes.
pub fn signed_bytes(pdf: &[u8], d: &lopdf::Dictionary) -> Vec<u8> {
    let br: Vec<usize> = d
        .get(b"ByteRange")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap() as usize)
        .collect();
    [&pdf[br[0]..br[0] + br[1]], &pdf[br[2]..br[2] + br[3]]].concat()
}

pub fn hex_upper(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// Renews `file`: the last document time-stamp's TSA chain into a new DSS
/// revision, then a document time-stamp from `tsa`.
pub fn renew(file: &[u8], tsa: &TestTsa, at: i64) -> Vec<u8> {
    let mut out = file.to_vec();
    let data = pdf::ltv::renewal_material(&file, &store(), &crls_at(at - 30), &[]).unwrap();
    tsa.gen_time.store(at, Ordering::SeqCst);
    pdf::ltv::extend_bytes(&mut out, &data, at - 30, Some((tsa, "http://tsa.invalid/"))).unwrap();
    out
}

pub const Y2046: &str = "2046-06-01T00:00:00Z";

/// Only the anchors, no CRL: what a verifier has in 2046.
pub fn anchors_only() -> TrustStore {
    let mut s = TrustStore::new("2046");
    s.add_anchors(
        &std::fs::read(repo("certs/trust/root-ca.pem")).unwrap(),
        "root",
    )
    .unwrap();
    s.add_anchors(&tsa_pki().root, "tsa-root").unwrap();
    s
}

pub fn verify_at(file: &[u8], at: i64, store: &TrustStore) -> serde_json::Value {
    let req = pdf::verify::PdfVerifyRequest {
        at,
        ..Default::default()
    };
    serde_json::to_value(pdf::verify_bytes(file, store, &req)).unwrap()
}

/// pyHanko's LTA validation (`tests/judges/pades_lta.py`) as a live
/// validation at `at`: (all valid, output).
pub fn pades_lta(file: &Path, at: &str) -> (bool, String) {
    let dir = file.parent().unwrap();
    let tsa_root = pem_file(dir, "tsa-root.pem", &tsa_pki().root);
    let mut c = venv_python();
    c.arg(repo("tests/judges/pades_lta.py"))
        .arg(file)
        .arg(at)
        .arg(repo("certs/trust/root-ca.pem"))
        .arg(tsa_root);
    run(c)
}
