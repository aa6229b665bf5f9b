//! One parsed X.509 certificate, reduced to the facts validation needs.
//!
//! Owns parsing (through `x509-parser`) and the extraction of names, keys,
//! validity and extensions into an owned `Certificate`. Refuses trailing data,
//! duplicate extensions and extensions that do not parse; an unknown critical
//! extension is kept as a fact (`unknown_critical`) for path validation to reject.

use super::algorithms::{self, AlgError, PublicKey};
use der::asn1::ObjectIdentifier as Oid;
use serde::Serialize;
use spki::AlgorithmIdentifierOwned;
use std::ops::Range;
use x509_parser::prelude::*;

mod dn;
pub use dn::{dn_text, name_key, names_match};

/// Largest certificate accepted, in bytes.
pub const MAX_CERT_LEN: usize = 64 * 1024;

/// Why bytes are not a usable certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    /// Not DER X.509, trailing data, or an extension that does not parse.
    #[error("malformed certificate: {0}")]
    Malformed(String),
    /// Larger than `MAX_CERT_LEN`.
    #[error("certificate of {0} bytes is too large")]
    TooLarge(usize),
}

/// The attributes of a distinguished name that matter here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NameInfo {
    /// The whole name, RFC 4514 style.
    pub dn: String,
    /// commonName
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cn: Option<String>,
    /// surname (2.5.4.4)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    /// givenName (2.5.4.42): in Kazakh certificates the patronymic
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// organizationName
    #[serde(skip_serializing_if = "Option::is_none")]
    pub o: Option<String>,
    /// organizationalUnitName (where the BIN lives)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ou: Option<String>,
    /// serialNumber (2.5.4.5, where the IIN lives)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    /// countryName
    #[serde(skip_serializing_if = "Option::is_none")]
    pub c: Option<String>,
    /// emailAddress
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// localityName (2.5.4.7)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub l: Option<String>,
    /// stateOrProvinceName (2.5.4.8): in Kazakh certificates the region or city
    #[serde(skip_serializing_if = "Option::is_none")]
    pub st: Option<String>,
    /// businessCategory (2.5.4.15): the NCA writes a code here in
    /// Treasury–Client certificates
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_category: Option<String>,
    /// domainComponent (0.9.2342.19200300.100.1.25), every one in order: the
    /// NCA writes a role code here (e.g. `ROLE04` in Treasury–Client certificates)
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dc: Vec<String>,
    /// userId (0.9.2342.19200300.100.1.1): the NCA writes an information
    /// system's identifier here in information-system certificates
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Every other attribute, by dotted OID, so nothing the name carries is
    /// dropped (a value that is not a string is given as hex).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<NameAttribute>,
}

/// An attribute of a name that `NameInfo` has no field for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameAttribute {
    /// The attribute type, dotted.
    pub oid: String,
    /// Its value as text (hex when it is not a string).
    pub value: String,
}

/// keyUsage bits (RFC 5280 4.2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyUsageBits(pub u16);

impl KeyUsageBits {
    /// digitalSignature
    pub fn digital_signature(self) -> bool {
        self.0 & 1 != 0
    }
    /// nonRepudiation / contentCommitment
    pub fn non_repudiation(self) -> bool {
        self.0 & 2 != 0
    }
    /// keyEncipherment
    pub fn key_encipherment(self) -> bool {
        self.0 & 4 != 0
    }
    /// keyAgreement
    pub fn key_agreement(self) -> bool {
        self.0 & 16 != 0
    }
    /// keyCertSign
    pub fn key_cert_sign(self) -> bool {
        self.0 & 32 != 0
    }
    /// cRLSign
    pub fn crl_sign(self) -> bool {
        self.0 & 64 != 0
    }
    /// The names of the set bits.
    pub fn names(self) -> Vec<&'static str> {
        const N: [&str; 9] = [
            "digitalSignature",
            "nonRepudiation",
            "keyEncipherment",
            "dataEncipherment",
            "keyAgreement",
            "keyCertSign",
            "cRLSign",
            "encipherOnly",
            "decipherOnly",
        ];
        N.iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, n)| *n)
            .collect()
    }
}

/// A parsed certificate with everything validation and reports need.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// The exact bytes.
    pub der: Vec<u8>,
    tbs: Range<usize>,
    /// SHA-256 of `der`.
    pub fingerprint: [u8; 32],
    /// X.509 version (1, 2 or 3).
    pub version: u32,
    /// Serial number content octets, leading zero octets removed.
    pub serial: Vec<u8>,
    /// Raw DER of the subject name.
    pub subject_raw: Vec<u8>,
    /// Raw DER of the issuer name.
    pub issuer_raw: Vec<u8>,
    subject_key: std::sync::OnceLock<Vec<u8>>,
    issuer_key: std::sync::OnceLock<Vec<u8>>,
    /// Subject attributes.
    pub subject: NameInfo,
    /// Issuer attributes.
    pub issuer: NameInfo,
    /// notBefore, Unix seconds.
    pub not_before: i64,
    /// notAfter, Unix seconds.
    pub not_after: i64,
    /// The outer signatureAlgorithm.
    pub sig_alg: AlgorithmIdentifierOwned,
    /// Whether tbsCertificate.signature equals the outer signatureAlgorithm.
    pub sig_alg_consistent: bool,
    /// The signature value.
    pub signature: Vec<u8>,
    /// The SubjectPublicKeyInfo DER.
    pub spki: Vec<u8>,
    /// The public key, or why policy refuses it.
    pub key: Result<PublicKey, AlgError>,
    /// basicConstraints: (cA, pathLenConstraint), if present.
    pub basic_constraints: Option<(bool, Option<u32>)>,
    /// keyUsage, if present.
    pub key_usage: Option<KeyUsageBits>,
    /// extendedKeyUsage OIDs (dotted), if present.
    pub eku: Option<Vec<String>>,
    /// certificatePolicies OIDs (dotted).
    pub policies: Vec<String>,
    /// subjectKeyIdentifier
    pub ski: Option<Vec<u8>>,
    /// authorityKeyIdentifier keyIdentifier
    pub aki: Option<Vec<u8>>,
    /// Whether the authorityKeyIdentifier extension is present (with or
    /// without a keyIdentifier).
    pub aki_present: bool,
    /// Every extension marked critical (dotted OIDs), known or not.
    pub critical: Vec<String>,
    /// CRL distribution point URIs.
    pub crl_urls: Vec<String>,
    /// freshestCRL (delta CRL) URIs.
    pub delta_crl_urls: Vec<String>,
    /// OCSP responder URIs from authorityInfoAccess.
    pub ocsp_urls: Vec<String>,
    /// caIssuers URIs from authorityInfoAccess.
    pub ca_issuer_urls: Vec<String>,
    /// Critical extensions qoltanba does not process.
    pub unknown_critical: Vec<String>,
    /// subjectAltName entries, for name constraints.
    pub alt_names: Vec<super::names::Name>,
    /// nameConstraints of a CA.
    pub name_constraints: Option<super::names::Constraints>,
    label: std::sync::OnceLock<serde_json::Value>,
    /// `pki::describe`'s facts, computed once.
    pub(crate) description:
        std::sync::OnceLock<std::sync::Arc<crate::verdict::Memo<serde_json::Value>>>,
}

const KNOWN_EXTENSIONS: [&str; 13] = [
    "2.5.29.30",         // nameConstraints
    "2.5.29.19",         // basicConstraints
    "2.5.29.15",         // keyUsage
    "2.5.29.37",         // extKeyUsage
    "2.5.29.32",         // certificatePolicies
    "2.5.29.17",         // subjectAltName
    "2.5.29.18",         // issuerAltName
    "2.5.29.14",         // subjectKeyIdentifier
    "2.5.29.35",         // authorityKeyIdentifier
    "2.5.29.31",         // cRLDistributionPoints
    "2.5.29.46",         // freshestCRL
    "1.3.6.1.5.5.7.1.1", // authorityInfoAccess
    "2.5.29.9",          // subjectDirectoryAttributes
];

fn malformed(e: impl std::fmt::Display) -> CertError {
    CertError::Malformed(e.to_string())
}

/// Unix seconds of an ASN.1 time.
pub fn unix(t: &ASN1Time) -> i64 {
    t.timestamp()
}

fn name_info(n: &X509Name<'_>) -> NameInfo {
    let mut info = NameInfo {
        dn: n.to_string(),
        ..Default::default()
    };
    for attr in n.iter_attributes() {
        let oid = attr.attr_type().to_id_string();
        let Ok(v) = attr.as_str() else {
            info.other.push(NameAttribute {
                oid,
                value: hex(attr.attr_value().data),
            });
            continue;
        };
        let v = v.to_string();
        let slot = match oid.as_str() {
            "2.5.4.3" => &mut info.cn,
            "2.5.4.4" => &mut info.surname,
            "2.5.4.42" => &mut info.given_name,
            "2.5.4.10" => &mut info.o,
            "2.5.4.11" => &mut info.ou,
            "2.5.4.5" => &mut info.serial_number,
            "2.5.4.6" => &mut info.c,
            "1.2.840.113549.1.9.1" => &mut info.email,
            "2.5.4.7" => &mut info.l,
            "2.5.4.8" => &mut info.st,
            "2.5.4.15" => &mut info.business_category,
            "0.9.2342.19200300.100.1.1" => &mut info.uid,
            "0.9.2342.19200300.100.1.25" => {
                info.dc.push(v);
                continue;
            }
            _ => {
                info.other.push(NameAttribute { oid, value: v });
                continue;
            }
        };
        match slot {
            None => *slot = Some(v),
            // A repeated attribute is kept, not dropped.
            Some(_) => info.other.push(NameAttribute { oid, value: v }),
        }
    }
    info
}

fn uris(names: &[GeneralName<'_>], out: &mut Vec<String>) {
    for n in names {
        if let GeneralName::URI(u) = n {
            out.push((*u).to_string());
        }
    }
}

fn dp_uris(points: &[CRLDistributionPoint<'_>]) -> Vec<String> {
    let mut out = Vec::new();
    for p in points {
        if let Some(DistributionPointName::FullName(names)) = &p.distribution_point {
            uris(names, &mut out);
        }
    }
    out
}

/// Strips leading zero octets of an INTEGER's content (for serial comparison).
pub fn strip_zeros(b: &[u8]) -> Vec<u8> {
    let i = b
        .iter()
        .position(|x| *x != 0)
        .unwrap_or(b.len().saturating_sub(1));
    b[i.min(b.len())..].to_vec()
}

impl Certificate {
    /// Parses DER bytes (exactly one certificate, nothing after it).
    pub fn from_der(der: &[u8]) -> Result<Certificate, CertError> {
        if der.len() > MAX_CERT_LEN {
            return Err(CertError::TooLarge(der.len()));
        }
        let (rest, x) = X509Certificate::from_der(der).map_err(malformed)?;
        if !rest.is_empty() {
            return Err(CertError::Malformed(
                "trailing data after the certificate".into(),
            ));
        }
        let tbs_raw = x.tbs_certificate.as_ref();
        let start = tbs_raw.as_ptr() as usize - der.as_ptr() as usize;
        let tbs = start..start + tbs_raw.len();
        let sig_alg = algorithms::alg_from_x509(&x.signature_algorithm).map_err(malformed)?;
        let inner = algorithms::alg_from_x509(&x.tbs_certificate.signature).map_err(malformed)?;
        let mut c = Certificate {
            der: der.to_vec(),
            tbs,
            fingerprint: sha256(der),
            version: x.version().0 + 1,
            serial: strip_zeros(x.raw_serial()),
            subject_raw: x.subject().as_raw().to_vec(),
            issuer_raw: x.issuer().as_raw().to_vec(),
            subject_key: std::sync::OnceLock::new(),
            issuer_key: std::sync::OnceLock::new(),
            subject: name_info(x.subject()),
            issuer: name_info(x.issuer()),
            not_before: unix(&x.validity().not_before),
            not_after: unix(&x.validity().not_after),
            sig_alg_consistent: algorithms::same_algorithm(&sig_alg, &inner),
            sig_alg,
            signature: x.signature_value.data.to_vec(),
            spki: x.public_key().raw.to_vec(),
            key: Err(AlgError::Unsupported("unparsed".into())),
            basic_constraints: None,
            key_usage: None,
            eku: None,
            policies: Vec::new(),
            ski: None,
            aki: None,
            aki_present: false,
            critical: Vec::new(),
            crl_urls: Vec::new(),
            delta_crl_urls: Vec::new(),
            ocsp_urls: Vec::new(),
            ca_issuer_urls: Vec::new(),
            unknown_critical: Vec::new(),
            alt_names: Vec::new(),
            name_constraints: None,
            label: std::sync::OnceLock::new(),
            description: std::sync::OnceLock::new(),
        };
        c.key = PublicKey::from_spki_der(&c.spki);
        let mut seen = std::collections::HashSet::new();
        for ext in x.extensions() {
            let id = ext.oid.to_id_string();
            if !seen.insert(id.clone()) {
                return Err(CertError::Malformed(format!("duplicate extension {id}")));
            }
            match ext.parsed_extension() {
                ParsedExtension::ParseError { error } => {
                    return Err(CertError::Malformed(format!("extension {id}: {error}")));
                }
                ParsedExtension::BasicConstraints(bc) => {
                    c.basic_constraints = Some((bc.ca, bc.path_len_constraint));
                }
                ParsedExtension::KeyUsage(ku) => c.key_usage = Some(KeyUsageBits(ku.flags)),
                ParsedExtension::ExtendedKeyUsage(eku) => {
                    let mut v = Vec::new();
                    let std = [
                        (eku.any, "2.5.29.37.0"),
                        (eku.server_auth, "1.3.6.1.5.5.7.3.1"),
                        (eku.client_auth, "1.3.6.1.5.5.7.3.2"),
                        (eku.code_signing, "1.3.6.1.5.5.7.3.3"),
                        (eku.email_protection, "1.3.6.1.5.5.7.3.4"),
                        (eku.time_stamping, "1.3.6.1.5.5.7.3.8"),
                        (eku.ocsp_signing, "1.3.6.1.5.5.7.3.9"),
                    ];
                    for (on, o) in std {
                        if on {
                            v.push(o.to_string());
                        }
                    }
                    v.extend(eku.other.iter().map(|o| o.to_id_string()));
                    c.eku = Some(v);
                }
                ParsedExtension::CertificatePolicies(p) => {
                    c.policies = p.iter().map(|pi| pi.policy_id.to_id_string()).collect();
                }
                ParsedExtension::SubjectKeyIdentifier(k) => c.ski = Some(k.0.to_vec()),
                ParsedExtension::SubjectAlternativeName(san) => {
                    c.alt_names = san
                        .general_names
                        .iter()
                        .map(super::names::from_general)
                        .collect();
                }
                ParsedExtension::NameConstraints(nc) => {
                    c.name_constraints = Some(super::names::constraints(nc));
                }
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    c.aki_present = true;
                    c.aki = a.key_identifier.as_ref().map(|k| k.0.to_vec());
                }
                ParsedExtension::CRLDistributionPoints(p) => c.crl_urls = dp_uris(&p.points),
                ParsedExtension::AuthorityInfoAccess(aia) => {
                    for ad in &aia.accessdescs {
                        let m = ad.access_method.to_id_string();
                        if let GeneralName::URI(u) = &ad.access_location {
                            match m.as_str() {
                                "1.3.6.1.5.5.7.48.1" => c.ocsp_urls.push((*u).to_string()),
                                "1.3.6.1.5.5.7.48.2" => c.ca_issuer_urls.push((*u).to_string()),
                                _ => {}
                            }
                        }
                    }
                }
                _ => {
                    if id == "2.5.29.46" {
                        // freshestCRL has the CRLDistributionPoints syntax.
                        if let Ok((_, p)) = CRLDistributionPoints::from_der(ext.value) {
                            c.delta_crl_urls = dp_uris(&p.points);
                        }
                    }
                }
            }
            if ext.critical {
                if !KNOWN_EXTENSIONS.contains(&id.as_str()) {
                    c.unknown_critical.push(id.clone());
                }
                c.critical.push(id);
            }
        }
        Ok(c)
    }

    /// The subject name folded for comparison (computed on first use).
    pub fn subject_key(&self) -> &[u8] {
        self.subject_key.get_or_init(|| name_key(&self.subject_raw))
    }

    /// The issuer name folded for comparison (computed on first use).
    pub fn issuer_key(&self) -> &[u8] {
        self.issuer_key.get_or_init(|| name_key(&self.issuer_raw))
    }

    /// Whether `self`'s issuer name is `other`'s subject name.
    pub fn named_issuer_is(&self, other: &Certificate) -> bool {
        self.issuer_raw == other.subject_raw || self.issuer_key() == other.subject_key()
    }

    /// Whether both certificates have the same subject name.
    pub fn same_subject(&self, other: &Certificate) -> bool {
        self.subject_raw == other.subject_raw || self.subject_key() == other.subject_key()
    }

    /// The raw tbsCertificate bytes (what the issuer signed).
    pub fn tbs(&self) -> &[u8] {
        &self.der[self.tbs.clone()]
    }

    /// Serial number as upper-case hex.
    pub fn serial_hex(&self) -> String {
        hex(&self.serial)
    }

    /// Whether the certificate says it is a CA (basicConstraints cA=TRUE).
    pub fn is_ca(&self) -> bool {
        matches!(self.basic_constraints, Some((true, _)))
    }

    /// Whether the extension `oid` (dotted) is present and marked critical.
    pub fn is_critical(&self, oid: &str) -> bool {
        self.critical.iter().any(|o| o == oid)
    }

    /// Whether the subject is the empty name (no RDN at all).
    pub fn subject_is_empty(&self) -> bool {
        // The DER of an empty SEQUENCE OF RelativeDistinguishedName.
        self.subject_raw == [0x30, 0x00]
    }

    /// Whether subject and issuer are the same name.
    pub fn is_self_issued(&self) -> bool {
        self.subject_raw == self.issuer_raw || self.subject_key() == self.issuer_key()
    }

    /// A short label for reports: the subject CN (or DN) and the serial.
    pub fn label(&self) -> serde_json::Value {
        self.label
            .get_or_init(|| {
                serde_json::json!({
                    "subject": self.subject.dn,
                    "serial": self.serial_hex(),
                    "fingerprint_sha256": hex(&self.fingerprint),
                })
            })
            .clone()
    }

    /// Whether the EKU lists `oid`.
    pub fn has_eku(&self, oid: &str) -> bool {
        self.eku
            .as_ref()
            .is_some_and(|v| v.iter().any(|o| o == oid))
    }

    /// The names name constraints apply to: the subject (when not empty),
    /// its e-mail address attribute and the subjectAltName entries.
    pub fn constrained_names(&self) -> Vec<super::names::Name> {
        use super::names::Name;
        let mut v = Vec::with_capacity(self.alt_names.len() + 2);
        if !self.subject.dn.is_empty() {
            v.push(Name::Directory(self.subject_key().to_vec()));
        }
        if let Some(e) = &self.subject.email {
            v.push(Name::Email(e.to_ascii_lowercase()));
        }
        v.extend(self.alt_names.iter().cloned());
        v
    }
}

/// SHA-256 through ring.
pub fn sha256(b: &[u8]) -> [u8; 32] {
    let d = ring::digest::digest(&ring::digest::SHA256, b);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// Upper-case hex.
pub fn hex(b: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push(DIGITS[(x >> 4) as usize] as char);
        s.push(DIGITS[(x & 15) as usize] as char);
    }
    s
}

/// The OID of an extension as `der`'s type (for callers building extensions).
pub fn oid(s: &str) -> Option<Oid> {
    Oid::new(s).ok()
}
