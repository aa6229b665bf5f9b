//! Name constraints on a CA bind every certificate below it (RFC 5280
//! 4.2.1.10): directory names by RDN prefix, DNS and e-mail names by
//! subtree, excluded subtrees always; a name outside is CHAIN_INVALID.
//! Certificates are made here with rcgen.

use qoltanba::pki::revocation::RevocationStore;
use qoltanba::pki::{Extra, Policy, TrustStore, Usage};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, GeneralSubtree, IsCa, KeyPair,
    KeyUsagePurpose, NameConstraints, SanType,
};

fn dn(o: &str, cn: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::CountryName, "KZ");
    d.push(DnType::OrganizationName, o);
    d.push(DnType::CommonName, cn);
    d
}

fn base(o: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::CountryName, "KZ");
    d.push(DnType::OrganizationName, o);
    d
}

/// The verdict's code for a leaf with `subject` and `sans` under a root with `nc`.
fn code(nc: NameConstraints, subject: DistinguishedName, sans: Vec<SanType>) -> String {
    let root_key = KeyPair::generate().unwrap();
    let mut rp = CertificateParams::default();
    rp.distinguished_name = dn("ACME GOV", "Root");
    rp.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    rp.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    rp.name_constraints = Some(nc);
    let root = rp.self_signed(&root_key).unwrap();
    let issuer = rcgen::Issuer::new(rp, root_key);
    let leaf_key = KeyPair::generate().unwrap();
    let mut lp = CertificateParams::default();
    lp.distinguished_name = subject;
    lp.subject_alt_names = sans;
    lp.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::ContentCommitment,
    ];
    // RFC 5280 4.2.1.1: a certificate that is not self-issued names its
    // issuer's key (path validation refuses one that does not).
    lp.use_authority_key_identifier_extension = true;
    let leaf = lp.signed_by(&leaf_key, &issuer).unwrap();
    let mut store = TrustStore::new("test");
    store.add_anchors(root.der(), "root").unwrap();
    let policy = Policy {
        usage: Usage::Sign,
        no_revocation: true,
        ..Policy::default()
    };
    let v = qoltanba::pki::verify_certificate(
        leaf.der(),
        &store,
        &Extra::default(),
        &RevocationStore::default(),
        qoltanba::time::now(),
        &policy,
    );
    v.code.as_str().to_string()
}

fn permitted(t: Vec<GeneralSubtree>) -> NameConstraints {
    NameConstraints {
        permitted_subtrees: t,
        excluded_subtrees: vec![],
    }
}

#[test]
fn directory_names_inside_the_permitted_subtree_pass_and_outside_fail() {
    let nc = || permitted(vec![GeneralSubtree::DirectoryName(base("ACME GOV"))]);
    assert_eq!(code(nc(), dn("ACME GOV", "Employee"), vec![]), "OK");
    // Folded as RFC 5280 compares names: case and inner spaces do not matter.
    assert_eq!(code(nc(), dn("acme  gov", "Employee"), vec![]), "OK");
    assert_eq!(
        code(nc(), dn("EVIL LLP", "Employee"), vec![]),
        "CHAIN_INVALID"
    );
}

#[test]
fn excluded_directory_subtrees_fail() {
    let nc = NameConstraints {
        permitted_subtrees: vec![],
        excluded_subtrees: vec![GeneralSubtree::DirectoryName(base("EVIL LLP"))],
    };
    assert_eq!(code(nc, dn("EVIL LLP", "x"), vec![]), "CHAIN_INVALID");
    let nc = NameConstraints {
        permitted_subtrees: vec![],
        excluded_subtrees: vec![GeneralSubtree::DirectoryName(base("EVIL LLP"))],
    };
    assert_eq!(code(nc, dn("GOOD LLP", "x"), vec![]), "OK");
}

#[test]
fn dns_and_email_alternative_names_are_checked_per_form() {
    let nc = || {
        permitted(vec![
            GeneralSubtree::DnsName("gov.kz".into()),
            GeneralSubtree::Rfc822Name("gov.kz".into()),
        ])
    };
    let dns = |s: &str| SanType::DnsName(s.try_into().unwrap());
    let mail = |s: &str| SanType::Rfc822Name(s.try_into().unwrap());
    assert_eq!(code(nc(), dn("A", "a"), vec![dns("egov.gov.kz")]), "OK");
    assert_eq!(
        code(nc(), dn("A", "a"), vec![dns("gov.kz.evil.com")]),
        "CHAIN_INVALID"
    );
    assert_eq!(code(nc(), dn("A", "a"), vec![mail("officer@gov.kz")]), "OK");
    assert_eq!(
        code(nc(), dn("A", "a"), vec![mail("officer@evil.kz")]),
        "CHAIN_INVALID"
    );
    // One name outside is enough.
    assert_eq!(
        code(nc(), dn("A", "a"), vec![dns("egov.gov.kz"), dns("evil.kz")]),
        "CHAIN_INVALID"
    );
}
