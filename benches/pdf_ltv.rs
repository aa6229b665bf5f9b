//! Long-term PDFs (issue 19): appending the B-LTA pair (DSS with `/VRI`,
//! document time-stamp) after a signature, a renewal (`pdf renew`'s work),
//! verifying a B-LTA file now, and verifying a renewed one in a simulated
//! 2046 (every proof validated at the time the next one shows).
//!
//! `cargo bench --bench pdf_ltv`. The TSAs answer in-process (rcgen
//! certificates, ECDSA P-256), so the figures are qoltanba's work, not a
//! network's.

use criterion::{Criterion, criterion_group, criterion_main};
use qoltanba::pdf::verify::PdfVerifyRequest;
use qoltanba::pdf::{self, Lang, ResultDoc, SignOptions};
use qoltanba::pki::TrustStore;
use qoltanba::pki::signer::RingSigner;
use qoltanba::tsp::TsaTransport;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};

const YEAR: i64 = 365 * 86_400;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pem_der(rel: &str) -> Vec<u8> {
    pem::parse(std::fs::read(root().join(rel)).expect("read"))
        .expect("pem")
        .into_contents()
}

fn odt(t: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(t).expect("time")
}

struct Tsa {
    signer: RingSigner,
    cert: Vec<u8>,
    chain: Vec<Vec<u8>>,
    gen_time: AtomicI64,
}

impl TsaTransport for Tsa {
    fn post(&self, _url: &str, body: &[u8]) -> Result<Vec<u8>, String> {
        let t = qoltanba::tsp::responder::Tsa {
            signer: &self.signer,
            cert: &self.cert,
            chain: &self.chain,
            policy: qoltanba::tsp::responder::DEMO_POLICY,
        };
        Ok(qoltanba::tsp::responder::respond(
            &t,
            body,
            self.gen_time.load(Ordering::SeqCst),
            &[7],
        ))
    }
}

/// A TSA root and two TSAs: one for two years, one to 2060.
fn tsas(t0: i64) -> (Vec<u8>, Vec<u8>, Tsa, Tsa) {
    let dn = |cn: &str| {
        let mut d = DistinguishedName::new();
        d.push(DnType::CommonName, cn);
        d
    };
    let root_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let mut rp = CertificateParams::default();
    rp.distinguished_name = dn("Bench TSA Root");
    rp.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    rp.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    rp.use_authority_key_identifier_extension = true;
    rp.not_before = odt(t0 - YEAR);
    rp.not_after = odt(t0 + 44 * YEAR);
    let root = rp.self_signed(&root_key).expect("root");
    let issuer = rcgen::Issuer::new(rp, &root_key);
    let tsa = |cn: &str, until: i64| {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
        let mut p = CertificateParams::default();
        p.distinguished_name = dn(cn);
        p.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::ContentCommitment,
        ];
        p.use_authority_key_identifier_extension = true;
        let mut eku = rcgen::CustomExtension::from_oid_content(
            &[2, 5, 29, 37],
            vec![
                0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08,
            ],
        );
        eku.set_criticality(true);
        p.custom_extensions = vec![eku];
        p.not_before = odt(t0 - 86_400);
        p.not_after = odt(until);
        let cert = p.signed_by(&key, &issuer).expect("tsa");
        Tsa {
            signer: RingSigner::from_pkcs8(&key.serialize_der(), None, false).expect("signer"),
            cert: cert.der().to_vec(),
            chain: vec![root.der().to_vec()],
            gen_time: AtomicI64::new(t0),
        }
    };
    let short = tsa("Bench TSA 2y", t0 + 2 * YEAR);
    let long = tsa("Bench TSA 2060", t0 + 34 * YEAR);
    // The TSA root's CRL, valid past 2046 (the simulated 2046 has nothing else).
    let root_signer =
        RingSigner::from_pkcs8(&root_key.serialize_der(), None, false).expect("signer");
    let crl = qoltanba::pki::demo::crl::issue(
        root.der(),
        &root_signer,
        &qoltanba::pki::demo::crl::CrlSpec {
            this_update: t0,
            next_update: Some(t0 + 24 * YEAR),
            number: 1,
            delta_of: None,
            entries: Vec::new(),
        },
    )
    .expect("crl");
    (root.der().to_vec(), crl, short, long)
}

fn bench(c: &mut Criterion) {
    let t0 = qoltanba::time::now() - 900;
    let (tsa_root, tsa_crl, short, long) = tsas(t0);
    let mut store = TrustStore::from_dir(&root().join("certs/trust")).expect("store");
    store.add_anchors(&tsa_root, "tsa-root").expect("anchor");
    let crls: Vec<Vec<u8>> = ["root-ca.crl", "nca-rsa.crl", "nca-rsa-delta.crl"]
        .iter()
        .map(|f| std::fs::read(root().join("certs/trust").join(f)).expect("crl"))
        .chain(std::iter::once(tsa_crl))
        .collect();
    let key =
        RingSigner::from_pkcs8(&pem_der("certs/people/head.key.pem"), None, false).expect("key");
    let cert = pem_der("certs/people/head.pem");
    let chain = vec![pem_der("certs/trust/nca-rsa.pem")];
    let doc = ResultDoc::from_json(
        &std::fs::read(root().join("testdata/pdfs/result-notification.json")).expect("json"),
    )
    .expect("doc");
    let base = pdf::render(&doc, &[Lang::Kk], t0).expect("render");
    let opts = SignOptions {
        tsa: Some((&short, "http://tsa.invalid/".into())),
        ..SignOptions::new(&key, &cert, &chain, t0, "http://127.0.0.1:8080/verify")
    };
    let (signed, _) = pdf::sign_bytes(&base, &opts).expect("sign");
    let url = "http://tsa.invalid/";
    let lta = |signed: &[u8]| {
        let data = pdf::ltv::material(&signed, &store, &crls, &[]).expect("material");
        let mut out = signed.to_vec();
        pdf::ltv::extend_bytes(&mut out, &data, t0, Some((&short, url))).expect("extend");
        out
    };
    let file = lta(&signed);
    let renew = |file: &[u8]| {
        let data = pdf::ltv::renewal_material(&file, &store, &crls, &[]).expect("material");
        let mut out = file.to_vec();
        pdf::ltv::extend_bytes(&mut out, &data, t0, Some((&long, url))).expect("renew");
        out
    };
    long.gen_time.store(t0 + 120, Ordering::SeqCst);
    let renewed = renew(&file);
    let mut g = c.benchmark_group("pdf_ltv");
    g.bench_function("b_lta_after_signature", |b| {
        b.iter(|| black_box(lta(&signed)))
    });
    g.bench_function("renew", |b| b.iter(|| black_box(renew(&file))));
    let now = PdfVerifyRequest {
        at: t0 + 300,
        ..Default::default()
    };
    g.bench_function("verify_b_lta_now", |b| {
        b.iter(|| black_box(pdf::verify_bytes(&file, &store, &now)))
    });
    let mut anchors = TrustStore::new("2046");
    anchors
        .add_anchors(
            &std::fs::read(root().join("certs/trust/root-ca.pem")).expect("root"),
            "root",
        )
        .expect("anchor");
    anchors.add_anchors(&tsa_root, "tsa-root").expect("anchor");
    let y2046 = PdfVerifyRequest {
        at: qoltanba::time::parse_rfc3339("2046-06-01T00:00:00Z").expect("time"),
        ..Default::default()
    };
    let r = pdf::verify_bytes(&renewed, &anchors, &y2046);
    assert_eq!(
        r.code,
        "OK",
        "the renewed file passes in 2046: {:?}",
        r.signatures
            .iter()
            .map(|s| (s.field.clone(), s.code.clone()))
            .collect::<Vec<_>>()
    );
    g.bench_function("verify_renewed_in_2046", |b| {
        b.iter(|| black_box(pdf::verify_bytes(&renewed, &anchors, &y2046)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
