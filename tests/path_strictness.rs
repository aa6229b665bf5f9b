//! Path validation refuses what RFC 5280 forbids and strict validators
//! (rustls-webpki, pyca/cryptography, the x509-limbo cases) refuse, as
//! `CHAIN_INVALID` with a problem naming the certificate and the rule; and
//! no real NCA RK certificate in `../shared/realkz` breaks any of it.
//!
//! The certificates are made here: rcgen issues a conforming chain (root →
//! intermediate → leaf, authority and subject key identifiers, critical
//! basicConstraints); each case then changes one certificate with x509-cert
//! and signs it again with its issuer's key, so exactly one rule is broken.

#[path = "common/realkz.rs"]
mod realkz;

use der::asn1::{ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use qoltanba::pki::cert::Certificate;
use qoltanba::pki::conformance::{self, Place};
use qoltanba::pki::revocation::RevocationStore;
use qoltanba::pki::{Extra, Policy, TrustStore, Usage};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, GeneralSubtree, IsCa, KeyPair,
    KeyUsagePurpose, NameConstraints, SanType, SigningKey,
};
use serde_json::Value;
use std::sync::Arc;
use x509_cert::TbsCertificate;
use x509_cert::ext::Extension;

const AKI: &str = "2.5.29.35";
const SKI: &str = "2.5.29.14";
const SAN: &str = "2.5.29.17";
const BC: &str = "2.5.29.19";
const EKU: &str = "2.5.29.37";
const AIA: &str = "1.3.6.1.5.5.7.1.1";

/// One certificate of the chain and the key of its issuer.
struct Cert {
    der: Vec<u8>,
    issuer_key: Arc<KeyPair>,
}

impl Cert {
    /// Changes the tbsCertificate and signs it again with the issuer's key.
    fn edit(&mut self, f: impl FnOnce(&mut TbsCertificate)) {
        let mut c = x509_cert::Certificate::from_der(&self.der).expect("parse");
        f(&mut c.tbs_certificate);
        let tbs = c.tbs_certificate.to_der().expect("encode tbs");
        let sig = self.issuer_key.sign(&tbs).expect("sign");
        c.signature = der::asn1::BitString::from_bytes(&sig).expect("bits");
        self.der = c.to_der().expect("encode");
    }
}

fn ext_mut<'a>(t: &'a mut TbsCertificate, oid: &str) -> &'a mut Extension {
    let oid = ObjectIdentifier::new_unwrap(oid);
    t.extensions
        .iter_mut()
        .flatten()
        .find(|e| e.extn_id == oid)
        .expect("extension present")
}

fn remove_ext(t: &mut TbsCertificate, oid: &str) {
    let oid = ObjectIdentifier::new_unwrap(oid);
    if let Some(v) = t.extensions.as_mut() {
        v.retain(|e| e.extn_id != oid);
    }
}

fn add_ext(t: &mut TbsCertificate, oid: &str, critical: bool, value: &[u8]) {
    t.extensions.get_or_insert_with(Vec::new).push(Extension {
        extn_id: ObjectIdentifier::new_unwrap(oid),
        critical,
        extn_value: OctetString::new(value).expect("octets"),
    });
}

fn empty_name() -> x509_cert::name::Name {
    x509_cert::name::RdnSequence(Vec::new())
}

fn dn(cn: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::CountryName, "KZ");
    d.push(DnType::OrganizationName, "QOLTANBA STRICTNESS TEST");
    d.push(DnType::CommonName, cn);
    d
}

/// Root → intermediate → leaf, every certificate conforming.
struct Chain {
    root: Cert,
    ica: Cert,
    leaf: Cert,
}

/// What the leaf carries besides the defaults.
#[derive(Default)]
struct LeafExtras {
    sans: Vec<SanType>,
    key_cert_sign: bool,
    name_constraints: Option<NameConstraints>,
}

/// A conforming CA certificate's parameters.
fn ca_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.use_authority_key_identifier_extension = true;
    p
}

fn chain(ica_nc: Option<NameConstraints>, leaf: LeafExtras) -> Chain {
    let root_key = Arc::new(KeyPair::generate().unwrap());
    let rp = ca_params("Root");
    let root = rp.self_signed(root_key.as_ref()).unwrap();
    let root_issuer = rcgen::Issuer::new(rp, root_key.as_ref());

    let ica_key = Arc::new(KeyPair::generate().unwrap());
    let mut ip = ca_params("Intermediate");
    ip.name_constraints = ica_nc;
    let ica = ip.signed_by(ica_key.as_ref(), &root_issuer).unwrap();
    let ica_issuer = rcgen::Issuer::new(ip, ica_key.as_ref());

    let leaf_key = KeyPair::generate().unwrap();
    let mut lp = CertificateParams::default();
    lp.distinguished_name = dn("Leaf");
    lp.subject_alt_names = leaf.sans;
    lp.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::ContentCommitment,
    ];
    if leaf.key_cert_sign {
        lp.key_usages.push(KeyUsagePurpose::KeyCertSign);
    }
    lp.name_constraints = leaf.name_constraints;
    lp.use_authority_key_identifier_extension = true;
    let leaf_cert = lp.signed_by(&leaf_key, &ica_issuer).unwrap();
    Chain {
        root: Cert {
            der: root.der().to_vec(),
            issuer_key: root_key.clone(),
        },
        ica: Cert {
            der: ica.der().to_vec(),
            issuer_key: root_key,
        },
        leaf: Cert {
            der: leaf_cert.der().to_vec(),
            issuer_key: ica_key,
        },
    }
}

fn plain() -> Chain {
    chain(None, LeafExtras::default())
}

/// The verdict's `chain` check as JSON (`Null` when there is none).
fn chain_check(v: &qoltanba::verdict::Verdict) -> Value {
    let json = serde_json::to_value(v).unwrap();
    let checks = json["checks"].as_array().unwrap();
    let chain = checks.iter().find(|c| c["name"] == "chain");
    chain.cloned().unwrap_or(Value::Null)
}

/// The verdict's code and the chain check's problems as (position, problem).
fn verdict(c: &Chain) -> (String, Vec<(String, String)>) {
    let mut store = TrustStore::new("strictness");
    store.add_anchors(&c.root.der, "root").expect("root parses");
    let extra = Extra {
        certs: vec![Arc::new(Certificate::from_der(&c.ica.der).expect("ica"))],
        rejected_certs: Vec::new(),
    };
    let policy = Policy {
        usage: Usage::Sign,
        no_revocation: true,
        ..Policy::default()
    };
    let v = qoltanba::pki::verify_certificate(
        &c.leaf.der,
        &store,
        &extra,
        &RevocationStore::default(),
        qoltanba::time::now(),
        &policy,
    );
    let chain = chain_check(&v);
    let problems = chain["detail"]["problems"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p["at"]["position"].as_str().unwrap_or("").to_string(),
                        p["problem"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (v.code.as_str().to_string(), problems)
}

type Case = (&'static str, fn() -> Chain, &'static str, &'static str);

/// Which certificate of the chain a case changes.
#[derive(Clone, Copy)]
enum Which {
    Root,
    Ica,
    Leaf,
}

/// The conforming chain with one certificate changed and signed again.
fn edited(which: Which, f: impl FnOnce(&mut TbsCertificate)) -> Chain {
    let mut c = plain();
    match which {
        Which::Root => &mut c.root,
        Which::Ica => &mut c.ica,
        Which::Leaf => &mut c.leaf,
    }
    .edit(f);
    c
}

fn dns(name: &str) -> SanType {
    SanType::DnsName(name.try_into().unwrap())
}

fn email(address: &str) -> SanType {
    SanType::Rfc822Name(address.try_into().unwrap())
}

/// Name constraints that permit only `subtrees`.
fn permitted(subtrees: Vec<GeneralSubtree>) -> Option<NameConstraints> {
    Some(NameConstraints {
        permitted_subtrees: subtrees,
        excluded_subtrees: vec![],
    })
}

/// A leaf whose subjectAltName lists `sans`.
fn with_sans(sans: Vec<SanType>) -> LeafExtras {
    LeafExtras {
        sans,
        ..Default::default()
    }
}

/// A leaf with an empty subject, its subjectAltName `critical` or not.
fn empty_subject_leaf(critical: bool) -> Chain {
    let mut c = chain(None, with_sans(vec![dns("leaf.example.kz")]));
    c.leaf.edit(|t| {
        t.subject = empty_name();
        ext_mut(t, SAN).critical = critical;
    });
    c
}

/// An authorityInfoAccess value: caIssuers http://ca.example.kz/ca.cer.
fn aia_ca_issuers() -> Vec<u8> {
    let uri = b"http://ca.example.kz/ca.cer";
    let mut ad = vec![0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
    ad.push(0x86);
    ad.push(uri.len() as u8);
    ad.extend_from_slice(uri);
    let mut seq = vec![0x30, ad.len() as u8];
    seq.extend(ad);
    let mut aia = vec![0x30, seq.len() as u8];
    aia.extend(seq);
    aia
}

const AKI_MISSING: &str =
    "authorityKeyIdentifier is missing (required on every certificate that is not self-issued)";
const BC_NOT_CRITICAL: &str = "basicConstraints of a CA certificate is not marked critical";

/// (case, chain, position of the breach, exact problem); an empty problem
/// means the chain must pass.
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use GeneralSubtree::{DnsName, Rfc822Name};
    vec![
        ("conforming chain", plain, "", ""),
        ("version 2 leaf",
            || edited(Which::Leaf, |t| t.version = x509_cert::certificate::Version::V2),
            "leaf", "version 2 certificate: only version 3 is accepted (a version 1 trust anchor excepted)"),
        ("version 1 trust anchor (accepted, as rustls-webpki accepts one)",
            || edited(Which::Root, |t| {
                t.version = x509_cert::certificate::Version::V1;
                t.extensions = None;
            }),
            "", ""),
        ("leaf without authorityKeyIdentifier",
            || edited(Which::Leaf, |t| remove_ext(t, AKI)), "leaf", AKI_MISSING),
        ("intermediate without authorityKeyIdentifier",
            || edited(Which::Ica, |t| remove_ext(t, AKI)), "intermediate", AKI_MISSING),
        ("self-signed root without authorityKeyIdentifier (allowed)",
            || edited(Which::Root, |t| remove_ext(t, AKI)), "", ""),
        // An empty AuthorityKeyIdentifier SEQUENCE.
        ("leaf authorityKeyIdentifier without keyIdentifier",
            || edited(Which::Leaf, |t| ext_mut(t, AKI).extn_value = OctetString::new([0x30, 0x00]).unwrap()),
            "leaf", "authorityKeyIdentifier has no keyIdentifier"),
        ("critical authorityKeyIdentifier on the leaf",
            || edited(Which::Leaf, |t| ext_mut(t, AKI).critical = true),
            "leaf", "authorityKeyIdentifier is marked critical"),
        ("critical authorityKeyIdentifier on the trust anchor",
            || edited(Which::Root, |t| ext_mut(t, AKI).critical = true),
            "trust_anchor", "authorityKeyIdentifier is marked critical"),
        ("intermediate CA without subjectKeyIdentifier",
            || edited(Which::Ica, |t| remove_ext(t, SKI)),
            "intermediate", "a CA certificate without subjectKeyIdentifier"),
        ("root CA without subjectKeyIdentifier",
            || edited(Which::Root, |t| remove_ext(t, SKI)),
            "trust_anchor", "a CA certificate without subjectKeyIdentifier"),
        ("critical subjectKeyIdentifier",
            || edited(Which::Ica, |t| ext_mut(t, SKI).critical = true),
            "intermediate", "subjectKeyIdentifier is marked critical"),
        ("intermediate CA with an empty subject",
            || {
                let mut c = edited(Which::Ica, |t| t.subject = empty_name());
                c.leaf.edit(|t| t.issuer = empty_name());
                c
            },
            "intermediate", "a CA certificate with an empty subject"),
        ("leaf with an empty subject and a non-critical subjectAltName",
            || empty_subject_leaf(false),
            "leaf", "an empty subject without a critical subjectAltName"),
        ("leaf with an empty subject and a critical subjectAltName (allowed)",
            || empty_subject_leaf(true), "", ""),
        ("non-critical basicConstraints on the intermediate CA",
            || edited(Which::Ica, |t| ext_mut(t, BC).critical = false), "intermediate", BC_NOT_CRITICAL),
        ("non-critical basicConstraints on the root CA",
            || edited(Which::Root, |t| ext_mut(t, BC).critical = false), "trust_anchor", BC_NOT_CRITICAL),
        ("keyCertSign on the leaf",
            || chain(None, LeafExtras { key_cert_sign: true, ..Default::default() }),
            "leaf", "keyUsage keyCertSign on a certificate that is not a CA"),
        ("empty extendedKeyUsage",
            || edited(Which::Leaf, |t| add_ext(t, EKU, false, &[0x30, 0x00])),
            "leaf", "extendedKeyUsage lists no purpose"),
        ("critical authorityInfoAccess",
            || edited(Which::Leaf, |t| add_ext(t, AIA, true, &aia_ca_issuers())),
            "leaf", "authorityInfoAccess is marked critical"),
        ("nameConstraints on the leaf",
            || chain(None, LeafExtras {
                name_constraints: permitted(vec![DnsName("gov.kz".into())]),
                ..Default::default()
            }),
            "leaf", "nameConstraints on a certificate that is not a CA"),
        ("malformed DNS name under a DNS name constraint",
            || chain(permitted(vec![DnsName("gov.kz".into())]), with_sans(vec![dns("egov..gov.kz")])),
            "intermediate", "name constraints: a dNSName name is malformed (an empty label)"),
        ("malformed DNS name constraint",
            || chain(permitted(vec![DnsName("*.gov.kz".into())]), with_sans(vec![dns("egov.gov.kz")])),
            "intermediate",
            "name constraints: a dNSName constraint is malformed (a character outside letters, digits, '-' and '_')"),
        ("malformed e-mail address under an e-mail constraint",
            || chain(permitted(vec![Rfc822Name("gov.kz".into())]), with_sans(vec![email("officer.gov.kz")])),
            "intermediate", "name constraints: a rfc822Name name is malformed (no '@')"),
        ("well-formed names inside the constraints (allowed)",
            || chain(
                permitted(vec![DnsName("gov.kz".into()), Rfc822Name("gov.kz".into())]),
                with_sans(vec![dns("egov.gov.kz"), email("officer@gov.kz")]),
            ),
            "", ""),
    ]
}

#[test]
fn each_rule_is_chain_invalid_with_its_exact_problem() {
    let mut failures = Vec::new();
    for (name, make, position, problem) in cases() {
        let (code, problems) = verdict(&make());
        let (want_code, want): (&str, Vec<(String, String)>) = if problem.is_empty() {
            ("OK", vec![])
        } else {
            (
                "CHAIN_INVALID",
                vec![(position.to_string(), problem.to_string())],
            )
        };
        if code != want_code || problems != want {
            failures.push(format!(
                "{name}: got {code} {problems:?}, want {want_code} {want:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_case() {
    // One refusing case per rule of the table (by its problem's wording).
    let all: Vec<&str> = cases().iter().map(|c| c.3).collect();
    let probes = [
        ("version", "version 2 certificate"),
        ("aki-missing", "authorityKeyIdentifier is missing"),
        ("aki-no-key-identifier", "has no keyIdentifier"),
        ("aki-critical", "authorityKeyIdentifier is marked critical"),
        ("ski-missing", "without subjectKeyIdentifier"),
        ("ski-critical", "subjectKeyIdentifier is marked critical"),
        ("subject-empty", "empty subject"),
        ("basic-constraints-not-critical", "basicConstraints"),
        ("key-cert-sign-not-ca", "keyCertSign"),
        ("eku-empty", "extendedKeyUsage"),
        ("aia-critical", "authorityInfoAccess"),
        (
            "name-constraints-not-ca",
            "nameConstraints on a certificate",
        ),
    ];
    assert_eq!(probes.len(), conformance::RULES.len());
    for (rule, words) in probes {
        assert!(
            conformance::RULES.iter().any(|r| r.id == rule),
            "rule {rule}"
        );
        assert!(all.iter().any(|p| p.contains(words)), "no case for {rule}");
    }
}

/// Every real NCA RK certificate meets every rule in every place it can take:
/// checked first, before the rules were enforced. What was found:
/// - all are version 3; every one carries an authorityKeyIdentifier with a
///   keyIdentifier, the self-signed roots included, none critical;
/// - every CA (roots `root_*`, `НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ`, and the NCA
///   intermediates `nca_*`, `ҰКО 3.0`) has a subjectKeyIdentifier, a critical
///   basicConstraints with cA, keyCertSign and cRLSign, and a non-empty subject;
/// - no leaf asserts keyCertSign; no certificate has an empty EKU, a critical
///   authorityInfoAccess, or nameConstraints (so no name is checked against
///   one). The time-stamping certificates mark their EKU critical, which RFC
///   3161 asks for and no rule here forbids.
#[test]
fn no_real_nca_certificate_breaks_a_rule() {
    let certs = realkz::certificates();
    assert!(
        certs.len() >= 75,
        "only {} certificates found in the real material",
        certs.len()
    );
    let mut breaches = Vec::new();
    for rc in &certs {
        let c = &rc.cert;
        // The places it can take: a leaf, an intermediate, and (when
        // self-issued or a CA) a trust anchor.
        let places = [
            Place {
                leaf: true,
                anchor: false,
            },
            Place {
                leaf: false,
                anchor: false,
            },
            Place {
                leaf: false,
                anchor: true,
            },
        ];
        for place in places {
            if !place.leaf && !c.is_ca() {
                continue;
            }
            for (rule, why) in conformance::breaches(c, place) {
                breaches.push(format!(
                    "{} ({}): {}: {why}",
                    rc.names(),
                    c.subject.dn,
                    rule.id
                ));
            }
        }
    }
    assert!(breaches.is_empty(), "{}", breaches.join("\n"));
}

/// The real chains themselves: every real leaf, validated against every real
/// CA certificate (self-signed ones as anchors, the others offered for path
/// building) at a time inside its validity, has no strictness problem in
/// its chain check.
#[test]
fn real_nca_chains_have_no_strictness_problem() {
    let certs = realkz::certificates();
    let mut store = TrustStore::new("realkz");
    let mut extra = Extra::default();
    for rc in certs.iter().filter(|rc| rc.cert.is_ca()) {
        if rc.cert.is_self_issued() {
            store
                .add_anchors(&rc.cert.der, &rc.names())
                .expect("anchor");
        } else {
            extra.certs.push(Arc::new(rc.cert.clone()));
        }
    }
    let policy = Policy {
        usage: Usage::Any,
        no_revocation: true,
        ..Policy::default()
    };
    let (mut chained, mut problems) = (0, Vec::new());
    for rc in certs.iter().filter(|rc| !rc.cert.is_ca()) {
        let at = rc.cert.not_before + 86_400;
        let v = qoltanba::pki::verify_certificate(
            &rc.cert.der,
            &store,
            &extra,
            &RevocationStore::default(),
            at,
            &policy,
        );
        let chain = chain_check(&v);
        if chain["outcome"] == "passed" {
            chained += 1;
        }
        for p in chain["detail"]["problems"].as_array().into_iter().flatten() {
            problems.push(format!("{}: {p}", rc.names()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Most leaves chain to a CA in the material (a few, such as production
    // OCSP and TSA certificates, are issued by CAs it does not hold).
    assert!(chained >= 60, "only {chained} real leaves chained");
}
