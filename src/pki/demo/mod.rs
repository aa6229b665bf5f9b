//! The demo PKI: a test national CA with the people the regulations name.
//!
//! Owns generating `certs/` (`qoltanba pki demo --out certs/`): a root, an
//! RSA-2048 and an ECDSA P-256 intermediate, citizens, an employee, a head, a
//! service-centre operator, an authentication-only, an expired, a revoked and
//! an on-hold certificate, base and delta CRLs. Names, serials and validity
//! windows are fixed (relative to `EPOCH`); keys are fresh test keys.
//! Everything it writes is for tests and the embedded default only.
//!
//! `gost` makes the GOST hierarchies (`certs/gost/`) through `x509`, a
//! certificate builder over any `Signer`; `crl` and `ocsp` issue CRLs and
//! OCSP responses for either.

pub mod crl;
pub mod gost;
pub mod ocsp;
pub mod x509;

use crate::pki::profile as p;
use crate::pki::signer::RingSigner;
use rcgen::{
    BasicConstraints, CertificateParams, CrlDistributionPoint, CustomExtension, DnType, DnValue,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SerialNumber,
};
use std::path::Path;

/// The fixed date every validity window is relative to: 2026-01-01T00:00:00Z.
pub const EPOCH: i64 = 1_767_225_600;
const DAY: i64 = 86_400;
const YEAR: i64 = 365 * DAY;
/// Base URL of the demo PKI's (unreachable) distribution points.
pub const BASE_URL: &str = "http://pki.qoltanba.invalid";

/// The service provider's BIN in the demo (housing department).
pub fn provider_bin() -> String {
    crate::iin::complete("12034000012").unwrap_or_default()
}
/// The service centre's BIN in the demo.
pub fn centre_bin() -> String {
    crate::iin::complete("16024000198").unwrap_or_default()
}

fn iin(eleven: &str) -> String {
    // Demo IINs are chosen so that a check digit exists.
    crate::iin::complete(eleven).unwrap_or_else(|| format!("{eleven}0"))
}

/// A person of the demo PKI.
#[derive(Debug, Clone)]
pub struct Person {
    /// File stem under `people/`.
    pub file: &'static str,
    /// Surname and given name.
    pub surname: &'static str,
    /// Given name.
    pub name: &'static str,
    /// Patronymic (givenName attribute).
    pub patronymic: &'static str,
    /// IIN.
    pub iin: String,
    /// Organisation and BIN, for employees.
    pub org: Option<(&'static str, String)>,
    /// Which intermediate issues it.
    pub ec: bool,
    /// Authentication instead of signing.
    pub auth: bool,
    /// EKU role OIDs (empty: no EKU at all).
    pub roles: Vec<&'static str>,
    /// Validity (not_before, not_after), Unix seconds.
    pub validity: (i64, i64),
    /// Serial number.
    pub serial: u64,
}

/// Everyone the demo PKI issues to.
pub fn people() -> Vec<Person> {
    let normal = (EPOCH, EPOCH + 5 * YEAR);
    let provider = ("ГУ «Отдел жилищных отношений» (TEST)", provider_bin());
    let centre = (
        "НАО «Государственная корпорация «Правительство для граждан» (TEST)",
        centre_bin(),
    );
    let citizen = |file, serial| Person {
        file,
        surname: "ТЕСТОВ",
        name: "АЙДАР",
        patronymic: "СЕРІКҰЛЫ",
        iin: iin("88010130012"),
        org: None,
        ec: false,
        auth: false,
        roles: vec![p::ROLE_INDIVIDUAL],
        validity: normal,
        serial,
    };
    vec![
        citizen("citizen-rsa", 0x1001),
        Person {
            ec: true,
            ..citizen("citizen-ec", 0x1002)
        },
        Person {
            auth: true,
            ..citizen("citizen-auth", 0x1003)
        },
        Person {
            surname: "ӘБІЛҚАСЫМОВА",
            name: "ҒАЛИЯ",
            patronymic: "НҰРЛАНҚЫЗЫ",
            iin: iin("92051545012"),
            ..citizen("citizen2-rsa", 0x1004)
        },
        Person {
            validity: (EPOCH - 2 * YEAR, EPOCH - YEAR),
            ..citizen("expired", 0x1005)
        },
        Person {
            ..citizen("revoked", 0x1006)
        },
        Person {
            ..citizen("revoked-delta", 0x1007)
        },
        Person {
            ..citizen("on-hold", 0x1008)
        },
        Person {
            roles: vec![],
            ..citizen("no-eku", 0x1009)
        },
        Person {
            surname: "ЖҰМАБАЕВ",
            name: "ЕРЛАН",
            patronymic: "ҚАЙРАТҰЛЫ",
            iin: iin("85030350034"),
            org: Some(provider.clone()),
            roles: vec![p::ROLE_ORGANISATION, p::ROLE_EMPLOYEE],
            ..citizen("employee", 0x2001)
        },
        Person {
            surname: "СӘРСЕНБАЕВА",
            name: "ДӘМЕТКЕН",
            patronymic: "ӨМІРЗАҚҚЫЗЫ",
            iin: iin("70121240056"),
            org: Some(provider),
            roles: vec![p::ROLE_ORGANISATION, p::ROLE_HEAD],
            ..citizen("head", 0x2002)
        },
        Person {
            surname: "ҚҰСАЙЫНОВ",
            name: "БАУЫРЖАН",
            patronymic: "ҮСЕНҰЛЫ",
            iin: iin("95070850078"),
            org: Some(centre),
            roles: vec![p::ROLE_ORGANISATION, p::ROLE_EMPLOYEE],
            ..citizen("operator", 0x2003)
        },
    ]
}

fn oid_arcs(s: &str) -> Vec<u64> {
    s.split('.').filter_map(|x| x.parse().ok()).collect()
}

fn when(t: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(t).unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

fn printable(s: &str) -> DnValue {
    match rcgen::string::PrintableString::try_from(s) {
        Ok(v) => DnValue::PrintableString(v),
        Err(_) => DnValue::Utf8String(s.to_string()),
    }
}

fn policies(oids: &[&str]) -> Result<CustomExtension, String> {
    use der::Encode;
    let list: Vec<x509_cert::ext::pkix::certpolicy::PolicyInformation> = oids
        .iter()
        .map(|o| x509_cert::ext::pkix::certpolicy::PolicyInformation {
            policy_identifier: der::asn1::ObjectIdentifier::new_unwrap(o),
            policy_qualifiers: None,
        })
        .collect();
    let der = x509_cert::ext::pkix::CertificatePolicies(list)
        .to_der()
        .map_err(|e| e.to_string())?;
    Ok(CustomExtension::from_oid_content(&[2, 5, 29, 32], der))
}

fn uri_ext(oid: &[u64], uris: &[String], aia: bool) -> Result<CustomExtension, String> {
    use der::Encode;
    use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
    let names: Vec<GeneralName> = uris
        .iter()
        .filter_map(|u| der::asn1::Ia5String::new(u).ok())
        .map(GeneralName::UniformResourceIdentifier)
        .collect();
    let der = if aia {
        let ads: Vec<_> = names
            .into_iter()
            .map(|n| x509_cert::ext::pkix::AccessDescription {
                access_method: der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1"),
                access_location: n,
            })
            .collect();
        x509_cert::ext::pkix::AuthorityInfoAccessSyntax(ads).to_der()
    } else {
        let dp = x509_cert::ext::pkix::crl::dp::DistributionPoint {
            distribution_point: Some(DistributionPointName::FullName(names)),
            reasons: None,
            crl_issuer: None,
        };
        x509_cert::ext::pkix::FreshestCrl(vec![dp]).to_der()
    }
    .map_err(|e| e.to_string())?;
    Ok(CustomExtension::from_oid_content(oid, der))
}

/// A generated key: PKCS#8 DER.
pub struct GeneratedKey {
    /// PKCS#8 DER.
    pub pkcs8: Vec<u8>,
}

/// Generates an RSA key of `bits` (test keys only).
pub fn rsa_key(bits: usize) -> Result<GeneratedKey, String> {
    use rsa::pkcs8::EncodePrivateKey;
    let k = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, bits).map_err(|e| e.to_string())?;
    Ok(GeneratedKey {
        pkcs8: k
            .to_pkcs8_der()
            .map_err(|e| e.to_string())?
            .as_bytes()
            .to_vec(),
    })
}

/// Generates an ECDSA P-256 key.
pub fn ec_key() -> Result<GeneratedKey, String> {
    let rng = ring::rand::SystemRandom::new();
    let doc = ring::signature::EcdsaKeyPair::generate_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        &rng,
    )
    .map_err(|e| e.to_string())?;
    Ok(GeneratedKey {
        pkcs8: doc.as_ref().to_vec(),
    })
}

/// A CA of the demo: its key and certificate.
pub struct Ca {
    /// File stem.
    pub file: String,
    key: KeyPair,
    /// PKCS#8 of the key.
    pub pkcs8: Vec<u8>,
    /// Certificate DER.
    pub der: Vec<u8>,
}

impl Ca {
    /// A CA from its certificate and PKCS#8 key (e.g. read back from `certs/`).
    pub fn load(file: &str, der: Vec<u8>, pkcs8: Vec<u8>) -> Result<Ca, String> {
        let key = KeyPair::try_from(pkcs8.as_slice()).map_err(|e| e.to_string())?;
        Ok(Ca {
            file: file.to_string(),
            key,
            pkcs8,
            der,
        })
    }
    /// A signer over the CA's key.
    pub fn signer(&self) -> Result<RingSigner, String> {
        RingSigner::from_pkcs8(&self.pkcs8, None, false).map_err(|e| e.to_string())
    }
    fn issuer(&self) -> Result<Issuer<'static, &KeyPair>, String> {
        let der = rustls_pki_types::CertificateDer::from(self.der.clone());
        Issuer::from_ca_cert_der(&der, &self.key).map_err(|e| e.to_string())
    }
}

fn ca_params(
    cn: &str,
    serial: u64,
    validity: (i64, i64),
    path_len: Option<u8>,
    crl: Option<&str>,
) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CountryName, printable("KZ"));
    params.distinguished_name.push(
        DnType::OrganizationName,
        "QOLTANBA DEMO PKI - NOT FOR PRODUCTION",
    );
    params.distinguished_name.push(DnType::CommonName, cn);
    params.serial_number = Some(SerialNumber::from_slice(&serial.to_be_bytes()));
    params.not_before = when(validity.0);
    params.not_after = when(validity.1);
    params.is_ca = IsCa::Ca(match path_len {
        Some(n) => BasicConstraints::Constrained(n),
        None => BasicConstraints::Unconstrained,
    });
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.use_authority_key_identifier_extension = true;
    if let Some(u) = crl {
        params.crl_distribution_points = vec![CrlDistributionPoint {
            uris: vec![u.to_string()],
        }];
    }
    params
}

/// Makes a CA: self-signed when `parent` is None.
pub fn make_ca(
    file: &str,
    cn: &str,
    serial: u64,
    key: GeneratedKey,
    parent: Option<&Ca>,
    path_len: Option<u8>,
) -> Result<Ca, String> {
    let crl = parent.map(|p| format!("{BASE_URL}/crl/{}.crl", p.file));
    let params = ca_params(
        cn,
        serial,
        (EPOCH, EPOCH + if parent.is_some() { 15 } else { 20 } * YEAR),
        path_len,
        crl.as_deref(),
    );
    let kp = KeyPair::try_from(key.pkcs8.as_slice()).map_err(|e| e.to_string())?;
    let cert = match parent {
        Some(p) => params.signed_by(&kp, &p.issuer()?),
        None => params.self_signed(&kp),
    }
    .map_err(|e| e.to_string())?;
    Ok(Ca {
        file: file.to_string(),
        der: cert.der().to_vec(),
        key: kp,
        pkcs8: key.pkcs8,
    })
}

/// Issues a person's certificate; returns the certificate DER.
pub fn issue_person(person: &Person, key_spki: &[u8], ca: &Ca) -> Result<Vec<u8>, String> {
    let mut params = CertificateParams::default();
    let dn = &mut params.distinguished_name;
    *dn = rcgen::DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        format!("{} {}", person.surname, person.name),
    );
    dn.push(DnType::CustomDnType(vec![2, 5, 4, 4]), person.surname);
    if !person.iin.is_empty() {
        dn.push(
            DnType::CustomDnType(vec![2, 5, 4, 5]),
            printable(&format!("IIN{}", person.iin)),
        );
    }
    dn.push(DnType::CountryName, printable("KZ"));
    if let Some((o, bin)) = &person.org {
        dn.push(DnType::OrganizationName, *o);
        dn.push(
            DnType::OrganizationalUnitName,
            printable(&format!("BIN{bin}")),
        );
    }
    dn.push(DnType::CustomDnType(vec![2, 5, 4, 42]), person.patronymic);
    params.serial_number = Some(SerialNumber::from_slice(&person.serial.to_be_bytes()));
    params.not_before = when(person.validity.0);
    params.not_after = when(person.validity.1);
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = if person.auth {
        vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ]
    } else {
        vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::ContentCommitment,
        ]
    };
    if !person.roles.is_empty() {
        let mut eku = vec![if person.auth {
            ExtendedKeyUsagePurpose::ClientAuth
        } else {
            ExtendedKeyUsagePurpose::EmailProtection
        }];
        eku.extend(
            person
                .roles
                .iter()
                .map(|r| ExtendedKeyUsagePurpose::Other(oid_arcs(r))),
        );
        params.extended_key_usages = eku;
        let policy = match (person.org.is_some(), person.auth) {
            (true, false) => p::POLICY_LEGAL_SIGN,
            (true, true) => p::POLICY_LEGAL_AUTH,
            (false, false) => p::POLICY_INDIVIDUAL_SIGN,
            (false, true) => p::POLICY_INDIVIDUAL_AUTH,
        };
        params.custom_extensions.push(policies(&[policy])?);
    }
    params.use_authority_key_identifier_extension = true;
    params.crl_distribution_points = vec![CrlDistributionPoint {
        uris: vec![format!("{BASE_URL}/crl/{}.crl", ca.file)],
    }];
    params.custom_extensions.push(uri_ext(
        &[2, 5, 29, 46],
        &[format!("{BASE_URL}/crl/{}-delta.crl", ca.file)],
        false,
    )?);
    params.custom_extensions.push(uri_ext(
        &[1, 3, 6, 1, 5, 5, 7, 1, 1],
        &[format!("{BASE_URL}/ocsp")],
        true,
    )?);
    let spki = rcgen::SubjectPublicKeyInfo::from_der(key_spki).map_err(|e| e.to_string())?;
    let cert = params
        .signed_by(&spki, &ca.issuer()?)
        .map_err(|e| e.to_string())?;
    Ok(cert.der().to_vec())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn pem(label: &str, der: &[u8]) -> String {
    pem::encode(&pem::Pem::new(label, der.to_vec()))
}

const README: &str = "# Demo PKI: TEST KEYS ONLY

Everything in this folder was made by `qoltanba pki demo --out certs/`.
The private keys are published test keys. Nothing here may be trusted
outside tests and the embedded default of `cargo run`.

- `trust/`: what the embedded default trusts: `root-ca.pem` (the trust
  anchor), the intermediates `nca-rsa.pem` (RSA-2048) and `nca-ec.pem`
  (ECDSA P-256), and their CRLs: `root-ca.crl`, `nca-rsa.crl` (base, number 1),
  `nca-rsa-delta.crl` (delta, number 2 on base 1), `nca-ec.crl`.
- `ca/`: the CAs' private keys (to issue more test certificates and CRLs).
- `people/`: certificates (`NAME.pem`) and PKCS#8 keys (`NAME.key.pem`):
  citizen-rsa, citizen-ec, citizen2-rsa (signing), citizen-auth
  (authentication only), expired, revoked (in the base CRL), revoked-delta
  (in the delta CRL only), on-hold (certificateHold), no-eku (no role, like
  other Kazakh CAs' certificates), employee and head of the provider (BIN in
  OU), operator of the service centre.

Validity windows are fixed relative to 2026-01-01T00:00:00Z: the root for 20
years, intermediates 15, people 5 (expired: 2024-2025). The demo CRLs are
valid until 2036 so the embedded default keeps working; real CRLs live days.

`gost/` holds the GOST hierarchies (GOST 34.10-2015/512 and GOST
34.310-2004, each with a root, an NCA-style intermediate, a delegated OCSP
responder, a TSA, the same people and base and delta CRLs), made by
`qoltanba pki demo-gost --out certs/gost`; its keys are published test keys
too (PKCS#8, the GOST scalar little-endian). See `gost/README.md`. `qoltanba
pki demo` does not touch it; the embedded default trusts only `trust/`.
";

/// Writes the demo PKI into `out`; returns a one-line summary.
pub fn generate(out: &Path) -> Result<String, String> {
    for d in ["trust", "ca", "people"] {
        std::fs::create_dir_all(out.join(d)).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let root = make_ca(
        "root-ca",
        "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (TEST ROOT)",
        1,
        rsa_key(2048)?,
        None,
        None,
    )?;
    let rsa_ca = make_ca(
        "nca-rsa",
        "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST",
        2,
        rsa_key(2048)?,
        Some(&root),
        Some(0),
    )?;
    let ec_ca = make_ca(
        "nca-ec",
        "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (ECDSA) TEST",
        3,
        ec_key()?,
        Some(&root),
        Some(0),
    )?;
    for ca in [&root, &rsa_ca, &ec_ca] {
        write(
            &out.join("trust").join(format!("{}.pem", ca.file)),
            pem("CERTIFICATE", &ca.der).as_bytes(),
        )?;
        write(
            &out.join("ca").join(format!("{}.key.pem", ca.file)),
            pem("PRIVATE KEY", &ca.pkcs8).as_bytes(),
        )?;
    }
    let mut count = 0;
    for person in people() {
        let key = if person.ec { ec_key()? } else { rsa_key(2048)? };
        let signer = RingSigner::from_pkcs8(&key.pkcs8, None, false).map_err(|e| e.to_string())?;
        let ca = if person.ec { &ec_ca } else { &rsa_ca };
        let der = issue_person(
            &person,
            &crate::pki::signer::Signer::public_key_spki(&signer),
            ca,
        )?;
        write(
            &out.join("people").join(format!("{}.pem", person.file)),
            pem("CERTIFICATE", &der).as_bytes(),
        )?;
        write(
            &out.join("people").join(format!("{}.key.pem", person.file)),
            pem("PRIVATE KEY", &key.pkcs8).as_bytes(),
        )?;
        count += 1;
    }
    let serial = |n: &str| {
        people()
            .into_iter()
            .find(|p| p.file == n)
            .map(|p| p.serial.to_be_bytes().to_vec())
            .unwrap_or_default()
    };
    let crl_window = (EPOCH, EPOCH + 10 * YEAR);
    let (base, delta) = crl::people_crls(serial);
    let empty = |n| crl::CrlSpec {
        this_update: crl_window.0,
        next_update: Some(crl_window.1),
        number: n,
        delta_of: None,
        entries: vec![],
    };
    let t = out.join("trust");
    write(
        &t.join("nca-rsa.crl"),
        &crl::issue(&rsa_ca.der, &rsa_ca.signer()?, &base)?,
    )?;
    write(
        &t.join("nca-rsa-delta.crl"),
        &crl::issue(&rsa_ca.der, &rsa_ca.signer()?, &delta)?,
    )?;
    write(
        &t.join("nca-ec.crl"),
        &crl::issue(&ec_ca.der, &ec_ca.signer()?, &empty(1))?,
    )?;
    write(
        &t.join("root-ca.crl"),
        &crl::issue(&root.der, &root.signer()?, &empty(1))?,
    )?;
    write(&out.join("README.md"), README.as_bytes())?;
    Ok(format!(
        "demo PKI written to {}: 3 CAs, {count} people, 4 CRLs (test keys only)",
        out.display()
    ))
}
