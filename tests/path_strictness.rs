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

fn chain(ica_nc: Option<NameConstraints>, leaf: LeafExtras) -> Chain {
    let root_key = Arc::new(KeyPair::generate().unwrap());
    let mut rp = CertificateParams::default();
    rp.distinguished_name = dn("Root");
    rp.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    rp.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    rp.use_authority_key_identifier_extension = true;
    let root = rp.self_signed(root_key.as_ref()).unwrap();
    let root_issuer = rcgen::Issuer::new(rp, root_key.as_ref());

    let ica_key = Arc::new(KeyPair::generate().unwrap());
    let mut ip = CertificateParams::default();
    ip.distinguished_name = dn("Intermediate");
    ip.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ip.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ip.use_authority_key_identifier_extension = true;
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
    let json = serde_json::to_value(&v).unwrap();
    let chain = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "chain")
        .cloned()
        .unwrap_or(Value::Null);
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

/// (case, chain, position of the breach, exact problem); an empty problem
/// means the chain must pass.
fn cases() -> Vec<Case> {
    vec![
        ("conforming chain", plain, "", ""),
        (
            "version 2 leaf",
            || {
                let mut c = plain();
                c.leaf
                    .edit(|t| t.version = x509_cert::certificate::Version::V2);
                c
            },
            "leaf",
            "version 2 certificate: only version 3 is accepted (a version 1 trust anchor excepted)",
        ),
        (
            "version 1 trust anchor (accepted, as rustls-webpki accepts one)",
            || {
                let mut c = plain();
                c.root.edit(|t| {
                    t.version = x509_cert::certificate::Version::V1;
                    t.extensions = None;
                });
                c
            },
            "",
            "",
        ),
        (
            "leaf without authorityKeyIdentifier",
            || {
                let mut c = plain();
                c.leaf.edit(|t| remove_ext(t, AKI));
                c
            },
            "leaf",
            "authorityKeyIdentifier is missing (required on every certificate that is not self-issued)",
        ),
        (
            "intermediate without authorityKeyIdentifier",
            || {
                let mut c = plain();
                c.ica.edit(|t| remove_ext(t, AKI));
                c
            },
            "intermediate",
            "authorityKeyIdentifier is missing (required on every certificate that is not self-issued)",
        ),
        (
            "self-signed root without authorityKeyIdentifier (allowed)",
            || {
                let mut c = plain();
                c.root.edit(|t| remove_ext(t, AKI));
                c
            },
            "",
            "",
        ),
        (
            "leaf authorityKeyIdentifier without keyIdentifier",
            || {
                let mut c = plain();
                // An empty AuthorityKeyIdentifier SEQUENCE.
                c.leaf
                    .edit(|t| ext_mut(t, AKI).extn_value = OctetString::new([0x30, 0x00]).unwrap());
                c
            },
            "leaf",
            "authorityKeyIdentifier has no keyIdentifier",
        ),
        (
            "critical authorityKeyIdentifier on the leaf",
            || {
                let mut c = plain();
                c.leaf.edit(|t| ext_mut(t, AKI).critical = true);
                c
            },
            "leaf",
            "authorityKeyIdentifier is marked critical",
        ),
        (
            "critical authorityKeyIdentifier on the trust anchor",
            || {
                let mut c = plain();
                c.root.edit(|t| ext_mut(t, AKI).critical = true);
                c
            },
            "trust_anchor",
            "authorityKeyIdentifier is marked critical",
        ),
        (
            "intermediate CA without subjectKeyIdentifier",
            || {
                let mut c = plain();
                c.ica.edit(|t| remove_ext(t, SKI));
                c
            },
            "intermediate",
            "a CA certificate without subjectKeyIdentifier",
        ),
        (
            "root CA without subjectKeyIdentifier",
            || {
                let mut c = plain();
                c.root.edit(|t| remove_ext(t, SKI));
                c
            },
            "trust_anchor",
            "a CA certificate without subjectKeyIdentifier",
        ),
        (
            "critical subjectKeyIdentifier",
            || {
                let mut c = plain();
                c.ica.edit(|t| ext_mut(t, SKI).critical = true);
                c
            },
            "intermediate",
            "subjectKeyIdentifier is marked critical",
        ),
        (
            "intermediate CA with an empty subject",
            || {
                let mut c = plain();
                c.ica.edit(|t| t.subject = empty_name());
                c.leaf.edit(|t| t.issuer = empty_name());
                c
            },
            "intermediate",
            "a CA certificate with an empty subject",
        ),
        (
            "leaf with an empty subject and a non-critical subjectAltName",
            || {
                let mut c = chain(
                    None,
                    LeafExtras {
                        sans: vec![SanType::DnsName("leaf.example.kz".try_into().unwrap())],
                        ..Default::default()
                    },
                );
                c.leaf.edit(|t| {
                    t.subject = empty_name();
                    ext_mut(t, SAN).critical = false;
                });
                c
            },
            "leaf",
            "an empty subject without a critical subjectAltName",
        ),
        (
            "leaf with an empty subject and a critical subjectAltName (allowed)",
            || {
                let mut c = chain(
                    None,
                    LeafExtras {
                        sans: vec![SanType::DnsName("leaf.example.kz".try_into().unwrap())],
                        ..Default::default()
                    },
                );
                c.leaf.edit(|t| {
                    t.subject = empty_name();
                    ext_mut(t, SAN).critical = true;
                });
                c
            },
            "",
            "",
        ),
        (
            "non-critical basicConstraints on the intermediate CA",
            || {
                let mut c = plain();
                c.ica.edit(|t| ext_mut(t, BC).critical = false);
                c
            },
            "intermediate",
            "basicConstraints of a CA certificate is not marked critical",
        ),
        (
            "non-critical basicConstraints on the root CA",
            || {
                let mut c = plain();
                c.root.edit(|t| ext_mut(t, BC).critical = false);
                c
            },
            "trust_anchor",
            "basicConstraints of a CA certificate is not marked critical",
        ),
        (
            "keyCertSign on the leaf",
            || {
                chain(
                    None,
                    LeafExtras {
                        key_cert_sign: true,
                        ..Default::default()
                    },
                )
            },
            "leaf",
            "keyUsage keyCertSign on a certificate that is not a CA",
        ),
        (
            "empty extendedKeyUsage",
            || {
                let mut c = plain();
                c.leaf.edit(|t| add_ext(t, EKU, false, &[0x30, 0x00]));
                c
            },
            "leaf",
            "extendedKeyUsage lists no purpose",
        ),
        (
            "critical authorityInfoAccess",
            || {
                let mut c = plain();
                // caIssuers http://ca.example.kz/ca.cer
                let uri = b"http://ca.example.kz/ca.cer";
                let mut ad = vec![0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
                ad.push(0x86);
                ad.push(uri.len() as u8);
                ad.extend_from_slice(uri);
                let mut seq = vec![0x30, ad.len() as u8];
                seq.extend(ad);
                let mut aia = vec![0x30, seq.len() as u8];
                aia.extend(seq);
                c.leaf.edit(|t| add_ext(t, AIA, true, &aia));
                c
            },
            "leaf",
            "authorityInfoAccess is marked critical",
        ),
        (
            "nameConstraints on the leaf",
            || {
                chain(
                    None,
                    LeafExtras {
                        name_constraints: Some(NameConstraints {
                            permitted_subtrees: vec![GeneralSubtree::DnsName("gov.kz".into())],
                            excluded_subtrees: vec![],
                        }),
                        ..Default::default()
                    },
                )
            },
            "leaf",
            "nameConstraints on a certificate that is not a CA",
        ),
        (
            "malformed DNS name under a DNS name constraint",
            || {
                chain(
                    Some(NameConstraints {
                        permitted_subtrees: vec![GeneralSubtree::DnsName("gov.kz".into())],
                        excluded_subtrees: vec![],
                    }),
                    LeafExtras {
                        sans: vec![SanType::DnsName("egov..gov.kz".try_into().unwrap())],
                        ..Default::default()
                    },
                )
            },
            "intermediate",
            "name constraints: a dNSName name is malformed (an empty label)",
        ),
        (
            "malformed DNS name constraint",
            || {
                chain(
                    Some(NameConstraints {
                        permitted_subtrees: vec![GeneralSubtree::DnsName("*.gov.kz".into())],
                        excluded_subtrees: vec![],
                    }),
                    LeafExtras {
                        sans: vec![SanType::DnsName("egov.gov.kz".try_into().unwrap())],
                        ..Default::default()
                    },
                )
            },
            "intermediate",
            "name constraints: a dNSName constraint is malformed (a character outside letters, digits, '-' and '_')",
        ),
        (
            "malformed e-mail address under an e-mail constraint",
            || {
                chain(
                    Some(NameConstraints {
                        permitted_subtrees: vec![GeneralSubtree::Rfc822Name("gov.kz".into())],
                        excluded_subtrees: vec![],
                    }),
                    LeafExtras {
                        sans: vec![SanType::Rfc822Name("officer.gov.kz".try_into().unwrap())],
                        ..Default::default()
                    },
                )
            },
            "intermediate",
            "name constraints: a rfc822Name name is malformed (no '@')",
        ),
        (
            "well-formed names inside the constraints (allowed)",
            || {
                chain(
                    Some(NameConstraints {
                        permitted_subtrees: vec![
                            GeneralSubtree::DnsName("gov.kz".into()),
                            GeneralSubtree::Rfc822Name("gov.kz".into()),
                        ],
                        excluded_subtrees: vec![],
                    }),
                    LeafExtras {
                        sans: vec![
                            SanType::DnsName("egov.gov.kz".try_into().unwrap()),
                            SanType::Rfc822Name("officer@gov.kz".try_into().unwrap()),
                        ],
                        ..Default::default()
                    },
                )
            },
            "",
            "",
        ),
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
        let json = serde_json::to_value(&v).unwrap();
        let chain = json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "chain")
            .cloned()
            .unwrap_or(Value::Null);
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
