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
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DistinguishedName,
    DnType, IsCa, KeyIdMethod, KeyPair, KeyUsagePurpose, SerialNumber,
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

/// The TSA PKI: a root, its CRL, and two TSA certificates with keys.
struct TsaPki {
    root: Vec<u8>,
    crl: Vec<u8>,
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
        let crl = CertificateRevocationListParams {
            this_update: odt(t0),
            next_update: odt(t0 + 24 * YEAR),
            crl_number: SerialNumber::from(1u64),
            issuing_distribution_point: None,
            revoked_certs: Vec::new(),
            key_identifier_method: KeyIdMethod::Sha256,
        }
        .signed_by(&issuer)
        .unwrap();
        TsaPki {
            root: root.der().to_vec(),
            crl: crl.der().to_vec(),
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
        now() - 3600,
    )
    .unwrap()
}

/// The demo store and the TSA root.
fn store() -> TrustStore {
    let mut s = TrustStore::from_dir(&repo("certs/trust")).unwrap();
    s.add_anchors(&tsa_pki().root, "tsa-root").unwrap();
    s
}

fn demo_crls() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = ["root-ca.crl", "nca-rsa.crl", "nca-rsa-delta.crl"]
        .iter()
        .map(|f| std::fs::read(repo(&format!("certs/trust/{f}"))).unwrap())
        .collect();
    v.push(tsa_pki().crl.clone());
    v
}

/// A B-LTA file signed by the head today, time-stamped by `tsa`.
fn b_lta(tsa: &TestTsa) -> Vec<u8> {
    let w = head();
    let opts = SignOptions {
        signer: &w.key,
        cert: &w.cert,
        chain: &w.chain,
        time: now(),
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
    let (mut signed, _) = pdf::sign_bytes(&rendered(), &opts).unwrap();
    let data = pdf::ltv::material(&signed.as_slice(), &store(), &demo_crls(), &[]).unwrap();
    pdf::ltv::extend_bytes(
        &mut signed,
        &data,
        now(),
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
    let file = b_lta(&tsa);
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
    // Certificates: head, NCA RSA, demo root, the TSA and its root; CRLs:
    // the demo root's, the NCA's base and delta, the TSA root's.
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
    assert_eq!(crls.len(), 4);
    assert!(crls.contains(&tsa_pki().crl));
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
    let f = write(dir.path(), "lta.pdf", &b_lta(&tsa));
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
    let file = b_lta(&tsa);
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
