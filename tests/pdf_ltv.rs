//! PAdES B-LTA: `pdf sign --ltv` with a TSA appends, after the signature
//! (and its signature time-stamp), a DSS revision with `/VRI` and a
//! document time-stamp; `pdf renew` appends another pair. Judged by pyHanko
//! (`sign validate --retroactive-revinfo`, `adesverify`), poppler's pdfsig
//! and `openssl ts -verify` on every token taken out of the file.
//!
//! The TSAs are made here with rcgen: a TSA root valid to 2070, a TSA whose
//! certificate lives two years (it signs today) and one valid to 2060 (the
//! one a renewal uses, so that a file signed today verifies in 2046). They
//! answer in-process, or on loopback for the command line.

use qoltanba::pdf::{self, Lang, ResultDoc, SignOptions};
use qoltanba::pki::TrustStore;
use qoltanba::pki::signer::RingSigner;
use qoltanba::tsp::TsaTransport;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, KeyPair, KeyUsagePurpose,
    SerialNumber,
};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn pem_der(p: &str) -> Vec<u8> {
    pem::parse(std::fs::read(repo(p)).unwrap())
        .unwrap()
        .into_contents()
}

fn now() -> i64 {
    qoltanba::time::now()
}

const YEAR: i64 = 365 * 86_400;

fn odt(t: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(t).unwrap()
}

/// The TSA PKI: a root (and its key, for CRLs), two TSA certificates with keys.
struct TsaPki {
    root: Vec<u8>,
    root_key: Vec<u8>,
    short: (Vec<u8>, Vec<u8>),
    long: (Vec<u8>, Vec<u8>),
}

fn dn(cn: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::CountryName, "KZ");
    d.push(DnType::OrganizationName, "QOLTANBA LTV TEST");
    d.push(DnType::CommonName, cn);
    d
}

fn tsa_pki() -> &'static TsaPki {
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
struct TestTsa {
    signer: RingSigner,
    cert: Vec<u8>,
    chain: Vec<Vec<u8>>,
    gen_time: AtomicI64,
    serial: AtomicU64,
}

impl TestTsa {
    fn new(which: &(Vec<u8>, Vec<u8>), gen_time: i64) -> TestTsa {
        TestTsa {
            signer: RingSigner::from_pkcs8(&which.1, None, false).unwrap(),
            cert: which.0.clone(),
            chain: vec![tsa_pki().root.clone()],
            gen_time: AtomicI64::new(gen_time),
            serial: AtomicU64::new(1),
        }
    }

    fn answer(&self, body: &[u8]) -> Vec<u8> {
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
fn serve(tsa: &'static TestTsa, n: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/tsa", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let Ok(mut s) = stream else { continue };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let (head_end, len) = loop {
                let k = s.read(&mut chunk).unwrap_or(0);
                if k == 0 {
                    break (0, usize::MAX);
                }
                buf.extend_from_slice(&chunk[..k]);
                if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..p]).to_lowercase();
                    let len = head
                        .lines()
                        .find_map(|l| {
                            l.strip_prefix("content-length:")
                                .and_then(|v| v.trim().parse::<usize>().ok())
                        })
                        .unwrap_or(0);
                    break (p + 4, len);
                }
            };
            if len == usize::MAX {
                continue;
            }
            while buf.len() < head_end + len {
                let k = s.read(&mut chunk).unwrap_or(0);
                if k == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..k]);
            }
            let resp = tsa.answer(&buf[head_end..]);
            let _ = s.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    resp.len()
                )
                .as_bytes(),
            );
            let _ = s.write_all(&resp);
        }
    });
    url
}

struct Who {
    cert: Vec<u8>,
    key: RingSigner,
    chain: Vec<Vec<u8>>,
}

fn head() -> Who {
    Who {
        cert: pem_der("certs/people/head.pem"),
        key: RingSigner::from_pkcs8(&pem_der("certs/people/head.key.pem"), None, false).unwrap(),
        chain: vec![pem_der("certs/trust/nca-rsa.pem")],
    }
}

fn rendered() -> Vec<u8> {
    let json = std::fs::read(repo("testdata/pdfs/result-notification.json")).unwrap();
    pdf::render(
        &ResultDoc::from_json(&json).unwrap(),
        &[Lang::Kk],
        epoch("2026-06-01T00:00:00Z"),
    )
    .unwrap()
}

/// The demo store and the TSA root.
fn store() -> TrustStore {
    let mut s = TrustStore::from_dir(&repo("certs/trust")).unwrap();
    s.add_anchors(&tsa_pki().root, "tsa-root").unwrap();
    s
}

/// CRLs issued at `at` (right after the signature's time-stamp, as a
/// signer gathers them): the demo root's and the NCA's (valid a week) and
/// the TSA root's (valid to 2050: the simulated 2046 has nothing else).
fn crls_at(at: i64) -> Vec<Vec<u8>> {
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
fn b_lta(tsa: &TestTsa, t0: i64) -> Vec<u8> {
    let w = head();
    let opts = SignOptions {
        signer: &w.key,
        cert: &w.cert,
        chain: &w.chain,
        time: t0,
        field: None,
        reason: Some("Нәтиже / Результат".into()),
        location: None,
        stamp: None,
        public_url: "http://127.0.0.1:8080/verify".into(),
        document_id: None,
        certify: false,
        tsa: Some((tsa, "http://tsa.invalid/".into())),
        ltv: None,
        add_fields: Vec::new(),
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

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn run(mut c: Command) -> (bool, String) {
    let o = c.output().expect("the tool runs");
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

fn pyhanko() -> Command {
    let path = std::env::var("QOLTANBA_PYHANKO")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo("target/pyhanko-venv/bin/pyhanko"));
    assert!(path.exists(), "pyHanko not found at {}", path.display());
    let mut c = Command::new(path);
    c.env("PYTHONWARNINGS", "ignore");
    c
}

fn pem_file(dir: &Path, name: &str, der: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, pem::encode(&pem::Pem::new("CERTIFICATE", der.to_vec()))).unwrap();
    p
}

/// `pyhanko sign adesverify` (ETSI EN 319 102-1 LTA validation, offline from
/// the file) at `at` (None: now): one `STATUS` per signature.
fn adesverify(file: &Path, at: Option<&str>) -> Vec<String> {
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
    let v: Vec<String> = out
        .lines()
        .filter(|l| l.matches(':').count() >= 3 && !l.contains(" - "))
        .map(|l| l.splitn(3, ':').nth(2).unwrap_or("").to_string())
        .collect();
    assert!(!v.is_empty(), "{out}");
    v
}

/// pdfsig with an NSS database trusting the demo root and the TSA root:
/// (field, signature valid, certificate trusted, total document).
fn pdfsig(file: &Path) -> Vec<(String, bool, bool, bool)> {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sql:{}", dir.path().display());
    let tsa_root = pem_file(dir.path(), "tsa-root.pem", &tsa_pki().root);
    let mut c = Command::new("certutil");
    c.args(["-N", "-d", &db, "--empty-password"]);
    assert!(run(c).0);
    for (n, f) in [("demo", repo("certs/trust/root-ca.pem")), ("tsa", tsa_root)] {
        let mut c = Command::new("certutil");
        c.args(["-A", "-d", &db, "-n", n, "-t", "CT,C,C", "-i"])
            .arg(f);
        assert!(run(c).0);
    }
    let mut c = Command::new("pdfsig");
    c.args(["-no-ocsp", "-nssdir", &db]).arg(file);
    let (_, out) = run(c);
    out.split("Signature #")
        .skip(1)
        .map(|s| {
            (
                s.lines()
                    .find_map(|l| l.trim().strip_prefix("- Signature Field Name: "))
                    .unwrap_or("")
                    .to_string(),
                s.contains("Signature Validation: Signature is Valid."),
                s.contains("Certificate Validation: Certificate is Trusted."),
                s.contains("Total document signed") && !s.contains("Not total document signed"),
            )
        })
        .collect()
}

/// Every signature dictionary of the file (lopdf): (field name, dictionary).
fn sig_dicts(pdf: &[u8]) -> Vec<(String, lopdf::Dictionary)> {
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

fn contents(d: &lopdf::Dictionary) -> Vec<u8> {
    match d.get(b"Contents") {
        Ok(lopdf::Object::String(s, _)) => s.clone(),
        _ => panic!("no /Contents"),
    }
}

/// The DER inside a zero-padded /Contents.
fn der_of(padded: &[u8]) -> Vec<u8> {
    let mut r = der::SliceReader::new(padded).unwrap();
    let h = der::Header::decode(&mut r).unwrap();
    let len = usize::try_from(u32::from(h.length)).unwrap()
        + usize::try_from(u32::from(h.encoded_len().unwrap())).unwrap();
    padded[..len].to_vec()
}

use der::{Decode, Encode};

/// The ByteRange's bytes.
fn signed_bytes(pdf: &[u8], d: &lopdf::Dictionary) -> Vec<u8> {
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

#[test]
fn b_lta_is_signature_then_dss_with_vri_then_doc_timestamp() {
    let tsa = TestTsa::new(&tsa_pki().short, now());
    let base = rendered();
    let file = b_lta(&tsa, now() - 900);
    assert!(file.starts_with(&base));
    let src = file.as_slice();
    let parsed = qoltanba::pdf::xref::PdfFile::open(&src).unwrap();
    let base_src = base.as_slice();
    let base_revisions = qoltanba::pdf::xref::PdfFile::open(&base_src)
        .unwrap()
        .revisions
        .len();
    assert_eq!(
        parsed.revisions.len(),
        base_revisions + 3,
        "signature, DSS, time-stamp"
    );
    let sigs = sig_dicts(&file);
    assert_eq!(sigs.len(), 2);
    let (name, sig) = &sigs[0];
    assert_eq!(name, "Signature1");
    assert_eq!(
        sig.get(b"SubFilter").unwrap().as_name().unwrap(),
        b"ETSI.CAdES.detached"
    );
    let (name, dts) = &sigs[1];
    assert_eq!(name, "DocTimeStamp1");
    assert_eq!(
        dts.get(b"Type").unwrap().as_name().unwrap(),
        b"DocTimeStamp"
    );
    assert_eq!(
        dts.get(b"SubFilter").unwrap().as_name().unwrap(),
        b"ETSI.RFC3161"
    );
    // The time-stamp covers the whole file.
    let br = dts.get(b"ByteRange").unwrap().as_array().unwrap();
    assert_eq!(
        (br[2].as_i64().unwrap() + br[3].as_i64().unwrap()) as usize,
        file.len()
    );
    // The DSS: /VRI keyed by the uppercase hex SHA-1 of the signature's /Contents.
    let doc = lopdf::Document::load_mem(&file).unwrap();
    let catalog = doc.catalog().unwrap();
    let dss = doc
        .get_dictionary(catalog.get(b"DSS").unwrap().as_reference().unwrap())
        .unwrap();
    let vri = doc
        .get_dictionary(dss.get(b"VRI").unwrap().as_reference().unwrap())
        .unwrap();
    let key = hex_upper(
        ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &contents(sig)).as_ref(),
    );
    let entry = vri.get(key.as_bytes()).unwrap().as_dict().unwrap();
    assert!(entry.has(b"Cert") && entry.has(b"CRL") && entry.has(b"TU"));
    // Certificates: head, NCA RSA, demo root, the TSA and its root.
    let stored = |k: &[u8]| -> Vec<Vec<u8>> {
        dss.get(k)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                doc.get_object(r.as_reference().unwrap())
                    .unwrap()
                    .as_stream()
                    .unwrap()
                    .content
                    .clone()
            })
            .collect()
    };
    let certs = stored(b"Certs");
    assert_eq!(certs.len(), 5);
    for c in [
        pem_der("certs/people/head.pem"),
        pem_der("certs/trust/nca-rsa.pem"),
        pem_der("certs/trust/root-ca.pem"),
        tsa_pki().short.0.clone(),
        tsa_pki().root.clone(),
    ] {
        assert!(certs.contains(&c));
    }
    let crls = stored(b"CRLs");
    assert_eq!(crls.len(), 3, "the demo root's, the NCA's, the TSA root's");
    // The DSS revision came before the time-stamp's: the time-stamp covers it.
    let dss_offset = file
        .windows(5)
        .position(|w| w == b"/VRI ")
        .unwrap_or(usize::MAX);
    assert!(dss_offset < br[1].as_i64().unwrap() as usize);
}

fn hex_upper(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

#[test]
fn pyhanko_adesverify_and_pdfsig_accept_b_lta() {
    let dir = tempfile::tempdir().unwrap();
    let tsa = TestTsa::new(&tsa_pki().short, now());
    let f = write(dir.path(), "lta.pdf", &b_lta(&tsa, now() - 900));
    assert_eq!(
        adesverify(&f, None),
        vec![
            "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_LTA_UPDATES,ACCEPTABLE_MODIFICATIONS"
        ]
    );
    // pdfsig checks the signature; a document time-stamp it lists, covering
    // the whole file, but cannot validate (poppler has no RFC 3161 support).
    let p = pdfsig(&f);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[0], ("Signature1".into(), true, true, false));
    assert_eq!((p[1].0.as_str(), p[1].3), ("DocTimeStamp1", true));
}

#[test]
fn openssl_ts_verify_accepts_every_token() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tsa = TestTsa::new(&tsa_pki().short, now());
    let file = b_lta(&tsa, now() - 900);
    let ca = pem_file(d, "tsa-root.pem", &tsa_pki().root);
    let sigs = sig_dicts(&file);
    let verify = |token: &[u8], how: &[&str], name: &str| {
        let t = write(d, name, token);
        let mut c = Command::new("openssl");
        c.args(["ts", "-verify", "-token_in", "-in"])
            .arg(&t)
            .args(how)
            .arg("-CAfile")
            .arg(&ca);
        let (ok, out) = run(c);
        assert!(ok && out.contains("Verification: OK"), "{name}: {out}");
    };
    // The signature time-stamp: over the signature value.
    let cms = der_of(&contents(&sigs[0].1));
    let ci = cms::content_info::ContentInfo::from_der(&cms).unwrap();
    let sd: cms::signed_data::SignedData = ci.content.decode_as().unwrap();
    let si = sd.signer_infos.0.get(0).unwrap();
    let token = si
        .unsigned_attrs
        .as_ref()
        .unwrap()
        .iter()
        .find(|a| a.oid.to_string() == "1.2.840.113549.1.9.16.2.14")
        .unwrap()
        .values
        .get(0)
        .unwrap()
        .to_der()
        .unwrap();
    let value = write(d, "signature-value.bin", si.signature.as_bytes());
    verify(
        &token,
        &["-data", value.to_str().unwrap()],
        "signature-ts.der",
    );
    // The document time-stamp: over its ByteRange.
    let token = der_of(&contents(&sigs[1].1));
    let data = write(d, "byte-range.bin", &signed_bytes(&file, &sigs[1].1));
    verify(&token, &["-data", data.to_str().unwrap()], "doc-ts.der");
}

/// Renews `file`: the last document time-stamp's TSA chain into a new DSS
/// revision, then a document time-stamp from `tsa`.
fn renew(file: &[u8], tsa: &TestTsa, at: i64) -> Vec<u8> {
    let mut out = file.to_vec();
    let data = pdf::ltv::renewal_material(&file, &store(), &crls_at(at - 30), &[]).unwrap();
    tsa.gen_time.store(at, Ordering::SeqCst);
    pdf::ltv::extend_bytes(&mut out, &data, at - 30, Some((tsa, "http://tsa.invalid/"))).unwrap();
    out
}

const Y2046: &str = "2046-06-01T00:00:00Z";

/// Only the anchors, no CRL: what a verifier has in 2046.
fn anchors_only() -> TrustStore {
    let mut s = TrustStore::new("2046");
    s.add_anchors(
        &std::fs::read(repo("certs/trust/root-ca.pem")).unwrap(),
        "root",
    )
    .unwrap();
    s.add_anchors(&tsa_pki().root, "tsa-root").unwrap();
    s
}

fn verify_at(file: &[u8], at: i64, store: &TrustStore) -> serde_json::Value {
    let req = pdf::verify::PdfVerifyRequest {
        at,
        ..Default::default()
    };
    serde_json::to_value(pdf::verify_bytes(file, store, &req)).unwrap()
}

fn epoch(s: &str) -> i64 {
    qoltanba::time::parse_rfc3339(s).unwrap()
}

#[test]
fn renewed_b_lta_verifies_offline_in_2046() {
    let dir = tempfile::tempdir().unwrap();
    // Proofs in the past (pyHanko refuses time-stamps from the future).
    let t0 = now() - 900;
    let short = TestTsa::new(&tsa_pki().short, t0);
    let file = b_lta(&short, t0);
    // Today: every signature passes at the validation time, B-LTA.
    let v = verify_at(&file, t0 + 300, &store());
    assert_eq!(
        (v["indication"].as_str(), v["level"].as_str()),
        (Some("PASSED"), Some("B-LTA")),
        "{v:#}"
    );
    assert_eq!(v["signatures"][0]["level"], "B-LTA");
    assert!(v["signatures"][0]["long_term"].is_null());
    // 2046 without a renewal: the last time-stamp's TSA certificate expired.
    let v = verify_at(&file, epoch(Y2046), &anchors_only());
    assert_ne!(v["indication"], "PASSED", "{v:#}");
    assert_eq!(v["signatures"][1]["kind"], "document_timestamp");
    assert_eq!(
        v["signatures"][1]["code"], "CERT_EXPIRED",
        "{:#}",
        v["signatures"][1]
    );
    // Renewed twice with a TSA whose certificate outlives 2046.
    let long = TestTsa::new(&tsa_pki().long, t0);
    let once = renew(&file, &long, t0 + 120);
    let twice = renew(&once, &long, t0 + 180);
    assert!(twice.starts_with(&once) && once.starts_with(&file));
    let v = verify_at(&twice, epoch(Y2046), &anchors_only());
    assert_eq!(v["indication"], "PASSED", "{v:#}");
    assert_eq!(v["level"], "B-LTA");
    let sigs = v["signatures"].as_array().unwrap();
    let kinds: Vec<&str> = sigs.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "signature",
            "document_timestamp",
            "document_timestamp",
            "document_timestamp"
        ]
    );
    // The two renewals' time-stamps pass in 2046 (their TSA lives to 2060);
    // the first, whose TSA expired, at the time the next one proves; the
    // signature at the first document time-stamp's.
    for i in [2, 3] {
        assert!(sigs[i]["long_term"].is_null(), "{:#}", sigs[i]);
        assert_eq!(sigs[i]["verdict"]["validation_time"], Y2046);
    }
    let at = |i: usize| {
        sigs[i]["long_term"]["validated_at"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(at(1), qoltanba::time::rfc3339(t0 + 120));
    assert_eq!(
        sigs[1]["long_term"]["proof_of_existence"]["field"],
        "DocTimeStamp2"
    );
    assert_eq!(
        sigs[1]["long_term"]["at_validation_time"]["code"],
        "CERT_EXPIRED"
    );
    assert_eq!(at(0), qoltanba::time::rfc3339(t0 + 60));
    assert_eq!(
        sigs[0]["long_term"]["proof_of_existence"]["field"],
        "DocTimeStamp1"
    );
    assert_eq!(
        sigs[0]["long_term"]["at_validation_time"]["code"],
        "CERT_EXPIRED"
    );
    // Revocation from the DSS, with its age at that time.
    let rev = sigs[0]["verdict"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "revocation")
        .unwrap();
    assert_eq!(rev["outcome"], "passed", "{rev:#}");
    let text = rev.to_string();
    assert!(text.contains("DSS CRL"), "{rev:#}");
    assert!(
        text.contains("\"source\":\"crl\"") && text.contains("age_seconds"),
        "{rev:#}"
    );
    // pyHanko agrees (today).
    let f = write(dir.path(), "renewed.pdf", &twice);
    assert_eq!(
        adesverify(&f, None),
        vec![
            "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_LTA_UPDATES,ACCEPTABLE_MODIFICATIONS"
        ]
    );
    // pyHanko's ETSI LTA validation, live, now: PASSED/OK. (At a simulated
    // 2046 pyHanko 0.38 answers CERTIFICATE_CHAIN_GENERAL_FAILURE for this
    // file: its POE from the document time-stamp chain is not applied to the
    // expired TSA; not a judge of the 2046 case.)
    let (ok, out) = pades_lta(&f, "now");
    assert!(ok, "{out}");
    assert!(
        out.lines().any(|l| l
            == "Signature1:AdESPassed.OK:INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_LTA_UPDATES,ACCEPTABLE_MODIFICATIONS"),
        "{out}"
    );
}

/// pyHanko's LTA validation (`tests/judges/pades_lta.py`) as a live
/// validation at `at`: (all valid, output).
fn pades_lta(file: &Path, at: &str) -> (bool, String) {
    let dir = file.parent().unwrap();
    let tsa_root = pem_file(dir, "tsa-root.pem", &tsa_pki().root);
    let py = std::env::var("QOLTANBA_PYHANKO")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo("target/pyhanko-venv/bin/pyhanko"))
        .with_file_name("python");
    let mut c = Command::new(py);
    c.env("PYTHONWARNINGS", "ignore")
        .arg(repo("tests/judges/pades_lta.py"))
        .arg(file)
        .arg(at)
        .arg(repo("certs/trust/root-ca.pem"))
        .arg(tsa_root);
    run(c)
}

/// The command line: `pdf sign --ltv --tsa` (loopback TSA), `pdf renew`
/// twice with a TSA valid to 2060, each accepted by pyHanko, then `pdf
/// verify --at 2046-…` offline with only the two roots: PASSED, B-LTA.
#[test]
fn command_line_sign_ltv_renew_twice_and_verify_in_2046() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = |n: &str| d.join(n).display().to_string();
    let q = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_qoltanba"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("QOLTANBA_TRUST_DIR", repo("certs/trust"))
            .output()
            .unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let t0 = now() - 900;
    let short: &'static TestTsa = Box::leak(Box::new(TestTsa::new(&tsa_pki().short, t0)));
    let long: &'static TestTsa = Box::leak(Box::new(TestTsa::new(&tsa_pki().long, t0 + 120)));
    let (short_url, long_url) = (serve(short, 2), serve(long, 2));
    write(d, "r.pdf", &rendered());
    let crl_args = |at: i64, tag: &str| -> Vec<String> {
        crls_at(at)
            .iter()
            .enumerate()
            .flat_map(|(i, c)| {
                let f = write(d, &format!("{tag}-{i}.crl"), c);
                ["--crl".to_string(), f.display().to_string()]
            })
            .collect()
    };
    let mut args: Vec<String> = [
        "pdf",
        "sign",
        "--in",
        &p("r.pdf"),
        "--out",
        &p("lta.pdf"),
        "--key",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend([
        repo("certs/people/head.key.pem").display().to_string(),
        "--cert".into(),
        repo("certs/people/head.pem").display().to_string(),
        "--chain".into(),
        repo("certs/trust/nca-rsa.pem").display().to_string(),
        "--tsa".into(),
        short_url.clone(),
        "--ltv".into(),
        "--format".into(),
        "json".into(),
    ]);
    args.extend(crl_args(t0 + 30, "sign"));
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = q(&a);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["level"], "B-LTA", "{v:#}");
    assert_eq!(v["ltv"]["dss"]["certs"], 5);
    assert_eq!(
        adesverify(&d.join("lta.pdf"), None),
        vec![
            "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_LTA_UPDATES,ACCEPTABLE_MODIFICATIONS"
        ]
    );
    // Renewed twice.
    for (i, (from, to)) in [("lta.pdf", "r1.pdf"), ("r1.pdf", "r2.pdf")]
        .iter()
        .enumerate()
    {
        long.gen_time
            .store(t0 + 120 + 60 * i as i64, Ordering::SeqCst);
        let mut args: Vec<String> = [
            "pdf",
            "renew",
            &p(from),
            "--tsa",
            &long_url,
            "--out",
            &p(to),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(crl_args(t0 + 90 + 60 * i as i64, &format!("renew{i}")));
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = q(&a);
        assert_eq!(code, 0, "{out}{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["renewed"], "document_timestamp", "{v:#}");
        assert_eq!(
            v["dss"]["certs"], 2,
            "the last time-stamp's TSA and its root"
        );
        assert_eq!(v["dss"]["crls"], 1, "the TSA root's");
        assert_eq!(
            v["doc_timestamp"],
            qoltanba::time::rfc3339(t0 + 120 + 60 * i as i64)
        );
        let before = std::fs::read(d.join(from)).unwrap();
        assert!(std::fs::read(d.join(to)).unwrap().starts_with(&before));
        assert_eq!(
            adesverify(&d.join(to), None),
            vec![
                "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_LTA_UPDATES,ACCEPTABLE_MODIFICATIONS"
            ]
        );
    }
    // 2046, offline: only the two roots, no CRL.
    let tsa_root = pem_file(d, "tsa-root.pem", &tsa_pki().root);
    let (code, out, err) = q(&[
        "pdf",
        "verify",
        &p("r2.pdf"),
        "--at",
        Y2046,
        "--trust",
        repo("certs/trust/root-ca.pem").to_str().unwrap(),
        "--trust",
        tsa_root.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    assert_eq!(
        (code, v["indication"].as_str()),
        (0, Some("PASSED")),
        "{out}{err}"
    );
    assert_eq!(v["level"], "B-LTA");
    assert_eq!(v["signatures"][0]["level"], "B-LTA");
    assert_eq!(
        v["signatures"][0]["long_term"]["at_validation_time"]["code"],
        "CERT_EXPIRED"
    );
    // The same file without its renewals does not pass in 2046.
    let (code, out, _) = q(&[
        "pdf",
        "verify",
        &p("lta.pdf"),
        "--at",
        Y2046,
        "--trust",
        repo("certs/trust/root-ca.pem").to_str().unwrap(),
        "--trust",
        tsa_root.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    assert_ne!(code, 0);
    assert_ne!(v["indication"], "PASSED", "{v:#}");
    // A renewal refuses a file whose last TSA certificate has expired.
    let (code, _, err) = q(&[
        "pdf",
        "renew",
        &p("lta.pdf"),
        "--tsa",
        &long_url,
        "--out",
        &p("late.pdf"),
        "--at",
        Y2046,
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("LTV_RENEWAL_TOO_LATE"), "{err}");
}

/// The service's scheduled renewal decides per file: due when the last
/// proof's TSA certificate expires within the window, kept otherwise.
#[test]
fn scheduled_renewal_renews_only_what_is_due() {
    let t0 = now() - 900;
    let short = TestTsa::new(&tsa_pki().short, t0);
    let file = b_lta(&short, t0);
    let long = TestTsa::new(&tsa_pki().long, t0 + 120);
    let tsa = (&long as &dyn TsaTransport, "http://tsa.invalid/");
    let short_expiry = Some(
        qoltanba::pki::cert::Certificate::from_der(&tsa_pki().short.0)
            .unwrap()
            .not_after,
    );
    // A week's window: the two-year TSA is not due.
    match pdf::ltv::renew_if_due(&file, now(), 7 * 86_400, &store(), &[], tsa).unwrap() {
        pdf::ltv::Renewal::NotDue { expires } => assert_eq!(expires, short_expiry),
        other => panic!("{other:?}"),
    }
    // A three-year window: due, renewed with the 2060 TSA.
    let renewed =
        match pdf::ltv::renew_if_due(&file, now(), 3 * YEAR, &store(), &crls_at(t0 + 90), tsa)
            .unwrap()
        {
            pdf::ltv::Renewal::Renewed { pdf, expires } => {
                let long_expiry = qoltanba::pki::cert::Certificate::from_der(&tsa_pki().long.0)
                    .unwrap()
                    .not_after;
                assert_eq!(expires, Some(long_expiry));
                pdf
            }
            other => panic!("{other:?}"),
        };
    assert!(renewed.starts_with(&file));
    let v = verify_at(&renewed, now(), &store());
    assert_eq!(
        (v["indication"].as_str(), v["level"].as_str()),
        (Some("PASSED"), Some("B-LTA")),
        "{v:#}"
    );
    // An unsigned file has nothing to renew.
    assert!(matches!(
        pdf::ltv::renew_if_due(&rendered(), now(), YEAR, &store(), &[], tsa).unwrap(),
        pdf::ltv::Renewal::Unsigned
    ));
}

/// Broken input: codes, never a panic; a broken document time-stamp is
/// reported and the level falls to B-LT.
#[test]
fn broken_inputs_get_codes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let q = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_qoltanba"))
            .args(args)
            .env("QOLTANBA_TRUST_DIR", repo("certs/trust"))
            .output()
            .unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let garbage = write(d, "garbage.pdf", b"%PDF-1.7\nnot really\n");
    let unsigned = write(d, "unsigned.pdf", &rendered());
    let out = d.join("out.pdf");
    for (file, code) in [(&garbage, "PDF_MALFORMED"), (&unsigned, "PDF_NOT_SIGNED")] {
        let (status, err) = q(&[
            "pdf",
            "renew",
            file.to_str().unwrap(),
            "--tsa",
            "http://127.0.0.1:9/",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(status, 1, "{err}");
        assert!(err.contains(code), "{err}");
        assert!(!out.exists());
    }
    // The library refuses what it cannot read.
    assert!(pdf::ltv::append_dss(&b"garbage".as_slice(), &Default::default(), now()).is_err());
    assert!(pdf::ltv::last_proof(&b"%PDF-1.4\n".as_slice()).is_err());
    // A document time-stamp whose token was altered fails; the signature
    // still passes, at level B-LT.
    let tsa = TestTsa::new(&tsa_pki().short, now());
    let mut file = b_lta(&tsa, now() - 900);
    // The token's message imprint: the SHA-256 of the ByteRange, in its TSTInfo.
    let sigs = sig_dicts(&file);
    let imprint = ring::digest::digest(&ring::digest::SHA256, &signed_bytes(&file, &sigs[1].1));
    let hex = hex_upper(imprint.as_ref());
    let at = file
        .windows(hex.len())
        .position(|w| w.eq_ignore_ascii_case(hex.as_bytes()))
        .unwrap();
    file[at] = if file[at] == b'0' { b'1' } else { b'0' };
    let v = verify_at(&file, now(), &store());
    assert_eq!(v["signatures"][1]["kind"], "document_timestamp");
    assert_ne!(
        v["signatures"][1]["indication"], "PASSED",
        "{:#}",
        v["signatures"][1]
    );
    assert_eq!(v["signatures"][0]["indication"], "PASSED");
    assert_eq!(v["signatures"][0]["level"], "B-LT");
    assert_eq!(v["level"], "B-LT");
}

/// The service's renewal task over the results it keeps: a B-LTA result
/// whose TSA certificate expires within the window is renewed in the store
/// (the old file a prefix of the new), and the earliest expiry is exported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_renews_kept_results_and_exports_the_earliest_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let t0 = now() - 900;
    let short = TestTsa::new(&tsa_pki().short, t0);
    let file = b_lta(&short, t0);
    let long: &'static TestTsa = Box::leak(Box::new(TestTsa::new(&tsa_pki().long, t0 + 120)));
    let url = serve(long, 1);
    let config = qoltanba::config::Config {
        data_dir: dir.path().to_path_buf(),
        trust_dir: Some(repo("certs/trust")),
        crl_refresh_seconds: 0,
        ltv_tsa_url: Some(url),
        ltv_renew_before_seconds: 3 * YEAR as u64,
        ..Default::default()
    };
    let service = qoltanba::api::build(config).await.unwrap();
    let state = service.state.clone();
    let (app, _) = state
        .store
        .register(&qoltanba::store::applications::NewApplication {
            provider: "120340000123",
            year: 2026,
            service: "housing",
            channel: "portal",
            iin: "880101300123",
            request_sha256: "ab",
            request: "{}",
            envelope: "",
            at: t0,
            deadline: "2026-12-31",
            stages: "{}",
            created_by: "test",
        })
        .await
        .unwrap();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let stored = b64.encode(&file);
    assert!(
        state
            .store
            .transition(
                &app.number,
                &app.status,
                &app.status,
                ("test", "admin"),
                "test",
                "",
                None,
                Some(&stored),
                t0
            )
            .await
            .unwrap()
    );
    let out = qoltanba::api::ltv_renewal::renewal_pass(&state).await;
    let long_expiry = qoltanba::pki::cert::Certificate::from_der(&tsa_pki().long.0)
        .unwrap()
        .not_after;
    assert_eq!((out.watched, out.renewed, out.failed), (1, 1, 0), "{out:?}");
    assert_eq!(out.earliest_expiry, Some(long_expiry));
    let renewed = b64
        .decode(
            state
                .store
                .application(&app.number)
                .await
                .unwrap()
                .unwrap()
                .result
                .unwrap(),
        )
        .unwrap();
    assert!(renewed.starts_with(&file) && renewed.len() > file.len());
    assert_eq!(
        sig_dicts(&renewed).len(),
        3,
        "the signature and two document time-stamps"
    );
    let metrics = state.metrics.render();
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("qoltanba_ltv_earliest_expiry_seconds ")),
        "{metrics}"
    );
    // The next pass: nothing due (the new TSA lives to 2060).
    let out = qoltanba::api::ltv_renewal::renewal_pass(&state).await;
    assert_eq!((out.watched, out.renewed), (1, 0));
}
