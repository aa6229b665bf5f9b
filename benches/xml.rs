//! XML verification against the raw work it needs, measured in the same run.
//!
//! `cargo bench --bench xml`. A 10 KB request document signed enveloped
//! (RSA-2048, exclusive C14N, SHA-256, the signer's certificate in
//! KeyInfo), chain citizen → RSA intermediate → root, demo CRLs loaded.
//! The raw baseline does with `ring` alone the RSA work (the signature and
//! the two certificate signatures of the path), SHA-256 of the canonical
//! document and SignedInfo, plus qoltanba's own parse and canonicalisation
//! of the same document. The signed file is also written to
//! `target/xml-bench/request-signed.xml` for the whole-process comparison
//! with xmlsec1 (benches/README.md).

use criterion::{Criterion, criterion_group, criterion_main};
use qoltanba::pki::cert::Certificate;
use qoltanba::pki::signer::RingSigner;
use qoltanba::pki::{Policy, TrustStore};
use qoltanba::xmldsig::c14n::{self, C14n};
use qoltanba::xmldsig::tree::Xml;
use qoltanba::xmldsig::{self, XmlVerifyRequest};
use std::hint::black_box;
use std::path::Path;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const AT: i64 = 1_780_272_000; // 2026-06-01

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pem_der(rel: &str) -> Vec<u8> {
    pem::parse(std::fs::read(root().join(rel)).expect("read"))
        .expect("pem")
        .into_contents()
}

/// A request of about 10 KB: an applicant and a list of documents.
pub fn request_10k() -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<request xmlns=\"urn:kz:egov:housing\" xmlns:p=\"urn:kz:person\">\n  <p:applicant iin=\"880101300123\">Әсет Төлегенұлы Сейітов</p:applicant>\n  <documents>\n",
    );
    let mut i = 0;
    while s.len() < 9_000 {
        i += 1;
        s.push_str(&format!(
            "    <document n=\"{i}\" kind=\"scan\"><title>Құжат №{i}: анықтама / справка о составе семьи</title><sha256>{:064x}</sha256></document>\n",
            i * 7919
        ));
    }
    s.push_str("  </documents>\n</request>\n");
    s
}

fn bench(c: &mut Criterion) {
    let store = TrustStore::from_dir(&root().join("certs/trust")).expect("store");
    let cert = pem_der("certs/people/citizen-rsa.pem");
    let key = RingSigner::from_pkcs8(&pem_der("certs/people/citizen-rsa.key.pem"), None, false)
        .expect("key");
    let signed = xmldsig::sign_enveloped(request_10k().as_bytes(), &key, &cert).expect("sign");
    let out = root().join("target/xml-bench");
    let _ = std::fs::create_dir_all(&out);
    let _ = std::fs::write(out.join("request-signed.xml"), &signed);
    let req = XmlVerifyRequest {
        xml: &signed,
        at: AT,
        policy: Policy {
            iin: Some("880101300123".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let v = xmldsig::verify(&req, &store);
    assert!(
        v.verdict.passed(),
        "bench document must verify: {}",
        v.verdict.summary()
    );
    eprintln!("signed document: {} bytes", signed.len());

    // The raw work: three RSA-2048 verifies, SHA-256, parse + canonicalisation.
    let leaf = Certificate::from_der(&cert).expect("leaf");
    let inter = Certificate::from_der(&pem_der("certs/trust/nca-rsa.pem")).expect("intermediate");
    let anchor = Certificate::from_der(&pem_der("certs/trust/root-ca.pem")).expect("root");
    let text = std::str::from_utf8(&signed).expect("utf8");
    let (signed_info, value) = {
        let x = Xml::parse(text).expect("parse");
        let sig = x
            .doc
            .descendants()
            .find(|n| n.tag_name().name() == "Signature")
            .expect("sig");
        let info = qoltanba::xmldsig::signature::read(sig).expect("read");
        (
            c14n::to_vec(info.signed_info, None, &C14n::exclusive()).expect("c14n"),
            info.value,
        )
    };
    let rsa = |spki: &[u8]| {
        let info = spki::SubjectPublicKeyInfoRef::try_from(spki).expect("spki");
        info.subject_public_key.raw_bytes().to_vec()
    };
    let (k_leaf, k_inter, k_root) = (rsa(&leaf.spki), rsa(&inter.spki), rsa(&anchor.spki));
    let alg = &ring::signature::RSA_PKCS1_2048_8192_SHA256;
    c.bench_function(
        "xml raw: ring RSA x3 + SHA-256 + parse + C14N (10 KB)",
        |b| {
            b.iter(|| {
                let x = Xml::parse(black_box(text)).expect("parse");
                let sig = x
                    .doc
                    .descendants()
                    .find(|n| n.tag_name().name() == "Signature")
                    .expect("sig");
                let doc =
                    c14n::to_vec(x.doc.root(), Some(sig.id()), &C14n::exclusive()).expect("c14n");
                black_box(ring::digest::digest(&ring::digest::SHA256, &doc));
                black_box(ring::digest::digest(&ring::digest::SHA256, &signed_info));
                ring::signature::UnparsedPublicKey::new(alg, &k_leaf)
                    .verify(&signed_info, &value)
                    .expect("sig");
                ring::signature::UnparsedPublicKey::new(alg, &k_inter)
                    .verify(leaf.tbs(), &leaf.signature)
                    .expect("leaf");
                ring::signature::UnparsedPublicKey::new(alg, &k_root)
                    .verify(inter.tbs(), &inter.signature)
                    .expect("inter");
            })
        },
    );
    c.bench_function("xml qoltanba verify, warm (10 KB, CRLs, IIN)", |b| {
        b.iter(|| black_box(xmldsig::verify(black_box(&req), &store)))
    });
    let x = Xml::parse(text).expect("parse");
    c.bench_function("xml parse + exclusive C14N only (10 KB)", |b| {
        b.iter(|| black_box(c14n::to_vec(x.doc.root(), None, &C14n::exclusive()).expect("c14n")))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(std::time::Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
