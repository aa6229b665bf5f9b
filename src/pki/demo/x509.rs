//! Issuing X.509 certificates with any `Signer`, shaped like the national
//! CA's: ordered subject attributes (CN, SURNAME, SERIALNUMBER=IIN…, C, O,
//! OU=BIN…, G), critical keyUsage, EKU with role OIDs, certificate policies,
//! CRL distribution points (base and delta), authorityInfoAccess (OCSP and
//! caIssuers), key identifiers, critical basicConstraints on CAs.
//!
//! Owns encoding a TBSCertificate through `x509-cert` and signing it: rcgen
//! signs only with the keys `ring` knows, this signs with whatever the
//! `Signer` is (GOST included). Test PKIs only; nothing here validates.

use crate::pki::encode::{sig_alg_id, x509_time};
use crate::pki::signer::Signer;
use der::asn1::{Any, BitString, Ia5String, ObjectIdentifier as Oid, OctetString, SetOfVec};
use der::{Decode, Encode, Tag};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

/// commonName
pub const CN: &str = "2.5.4.3";
/// surname
pub const SURNAME: &str = "2.5.4.4";
/// serialNumber (`IIN` + 12 digits in the national CA's certificates)
pub const SERIAL_NUMBER: &str = "2.5.4.5";
/// countryName
pub const COUNTRY: &str = "2.5.4.6";
/// organizationName
pub const ORGANISATION: &str = "2.5.4.10";
/// organizationalUnitName (`BIN` + 12 digits)
pub const ORG_UNIT: &str = "2.5.4.11";
/// givenName (the patronymic, as the national CA writes it)
pub const GIVEN_NAME: &str = "2.5.4.42";
/// id-kp-emailProtection: the national CA's signing keys carry it.
pub const EKU_EMAIL: &str = "1.3.6.1.5.5.7.3.4";
/// id-kp-clientAuth: authentication keys.
pub const EKU_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
/// id-kp-timeStamping
pub const EKU_TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";
/// id-kp-OCSPSigning
pub const EKU_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";

/// keyUsage bits, as RFC 5280 numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    /// digitalSignature (0)
    DigitalSignature,
    /// nonRepudiation / contentCommitment (1)
    NonRepudiation,
    /// keyEncipherment (2)
    KeyEncipherment,
    /// keyAgreement (4)
    KeyAgreement,
    /// keyCertSign (5)
    KeyCertSign,
    /// cRLSign (6)
    CrlSign,
}

/// What a certificate says.
#[derive(Debug, Clone, Default)]
pub struct CertSpec {
    /// Serial number content octets (big-endian, positive).
    pub serial: Vec<u8>,
    /// Subject attributes in order, one per RDN: (attribute OID, value).
    /// countryName and serialNumber are PrintableString, the rest UTF8String.
    pub subject: Vec<(&'static str, String)>,
    /// (notBefore, notAfter), Unix seconds.
    pub validity: (i64, i64),
    /// The subject's SubjectPublicKeyInfo, DER.
    pub spki: Vec<u8>,
    /// A CA: basicConstraints cA with this pathLenConstraint (critical).
    pub ca: Option<Option<u8>>,
    /// keyUsage (critical); none when empty.
    pub key_usage: Vec<Usage>,
    /// extendedKeyUsage OIDs; none when empty.
    pub eku: Vec<&'static str>,
    /// Whether extendedKeyUsage is critical (RFC 3161 wants it for a TSA).
    pub eku_critical: bool,
    /// certificatePolicies OIDs, each with the CPS URI the national CA writes.
    pub policies: Vec<&'static str>,
    /// cRLDistributionPoints URIs.
    pub crl_urls: Vec<String>,
    /// freshestCRL (delta CRL) URIs.
    pub delta_crl_urls: Vec<String>,
    /// authorityInfoAccess: OCSP responder URIs.
    pub ocsp_urls: Vec<String>,
    /// authorityInfoAccess: caIssuers URIs.
    pub ca_issuer_urls: Vec<String>,
    /// id-pkix-ocsp-nocheck (a delegated OCSP responder's certificate).
    pub ocsp_nocheck: bool,
    /// Whether to write subjectKeyIdentifier (the national CA always does).
    pub no_ski: bool,
    /// Further extensions, as given (for negative test certificates).
    pub extra: Vec<Extension>,
}

fn oid(s: &str) -> Result<Oid, String> {
    Oid::new(s).map_err(|e| format!("{s}: {e}"))
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// An extension with its value DER.
pub fn extension(id: &str, critical: bool, value: Vec<u8>) -> Result<Extension, String> {
    Ok(Extension {
        extn_id: oid(id)?,
        critical,
        extn_value: OctetString::new(value).map_err(err)?,
    })
}

/// The authorityKeyIdentifier extension naming the issuer's key by `id`.
pub fn authority_key_id(id: Vec<u8>) -> Result<Extension, String> {
    let aki = x509_cert::ext::pkix::AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(id).map_err(err)?),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    };
    extension("2.5.29.35", false, aki.to_der().map_err(err)?)
}

/// A Name from ordered (attribute, value) pairs, one attribute per RDN.
pub fn name(attrs: &[(&str, String)]) -> Result<Name, String> {
    let mut rdns = Vec::with_capacity(attrs.len());
    for (a, v) in attrs {
        let tag = if *a == COUNTRY || *a == SERIAL_NUMBER {
            Tag::PrintableString
        } else {
            Tag::Utf8String
        };
        let value = Any::new(tag, v.as_bytes()).map_err(err)?;
        let mut set = SetOfVec::new();
        set.insert(AttributeTypeAndValue {
            oid: oid(a)?,
            value,
        })
        .map_err(err)?;
        rdns.push(RelativeDistinguishedName(set));
    }
    Ok(RdnSequence(rdns))
}

/// The key identifier of a SubjectPublicKeyInfo: the first 20 bytes of the
/// SHA-256 of its subjectPublicKey bits (RFC 7093 method 1).
pub fn key_id(spki_der: &[u8]) -> Result<Vec<u8>, String> {
    let info = spki::SubjectPublicKeyInfoRef::from_der(spki_der).map_err(err)?;
    let h = crate::pki::cert::sha256(info.subject_public_key.raw_bytes());
    Ok(h[..20].to_vec())
}

fn uris(list: &[String]) -> Result<Vec<GeneralName>, String> {
    list.iter()
        .map(|u| {
            Ia5String::new(u)
                .map(GeneralName::UniformResourceIdentifier)
                .map_err(err)
        })
        .collect()
}

fn distribution_points(list: &[String]) -> Result<Vec<u8>, String> {
    let dp = x509_cert::ext::pkix::crl::dp::DistributionPoint {
        distribution_point: Some(DistributionPointName::FullName(uris(list)?)),
        reasons: None,
        crl_issuer: None,
    };
    x509_cert::ext::pkix::CrlDistributionPoints(vec![dp])
        .to_der()
        .map_err(err)
}

fn key_usage(list: &[Usage]) -> Result<Vec<u8>, String> {
    // Named bits, DER: bit n is the n-th most significant bit, trailing
    // zero bits dropped (every bit used here is in the first octet).
    let mut byte = 0u8;
    for u in list {
        let n = match u {
            Usage::DigitalSignature => 0,
            Usage::NonRepudiation => 1,
            Usage::KeyEncipherment => 2,
            Usage::KeyAgreement => 4,
            Usage::KeyCertSign => 5,
            Usage::CrlSign => 6,
        };
        byte |= 0x80 >> n;
    }
    let unused = byte.trailing_zeros().min(7) as u8;
    BitString::new(unused, [byte].as_slice())
        .and_then(|b| b.to_der())
        .map_err(err)
}

fn policies(list: &[&str]) -> Result<Vec<u8>, String> {
    use x509_cert::ext::pkix::certpolicy::{PolicyInformation, PolicyQualifierInfo};
    let cps = oid("1.3.6.1.5.5.7.2.1")?;
    let mut out = Vec::with_capacity(list.len());
    for p in list {
        let uri = Ia5String::new("http://pki.qoltanba.invalid/cps").map_err(err)?;
        out.push(PolicyInformation {
            policy_identifier: oid(p)?,
            policy_qualifiers: Some(vec![PolicyQualifierInfo {
                policy_qualifier_id: cps,
                qualifier: Some(Any::encode_from(&uri).map_err(err)?),
            }]),
        });
    }
    x509_cert::ext::pkix::CertificatePolicies(out)
        .to_der()
        .map_err(err)
}

fn authority_info_access(ocsp: &[String], issuers: &[String]) -> Result<Vec<u8>, String> {
    use x509_cert::ext::pkix::AccessDescription;
    let mut ads = Vec::new();
    for (method, list) in [
        ("1.3.6.1.5.5.7.48.1", ocsp),
        ("1.3.6.1.5.5.7.48.2", issuers),
    ] {
        for n in uris(list)? {
            ads.push(AccessDescription {
                access_method: oid(method)?,
                access_location: n,
            });
        }
    }
    x509_cert::ext::pkix::AuthorityInfoAccessSyntax(ads)
        .to_der()
        .map_err(err)
}

fn extensions(spec: &CertSpec, aki: Option<Vec<u8>>) -> Result<Vec<Extension>, String> {
    let mut exts = Vec::new();
    if let Some(path_len) = spec.ca {
        let bc = x509_cert::ext::pkix::BasicConstraints {
            ca: true,
            path_len_constraint: path_len,
        };
        exts.push(extension("2.5.29.19", true, bc.to_der().map_err(err)?)?);
    }
    if !spec.key_usage.is_empty() {
        exts.push(extension("2.5.29.15", true, key_usage(&spec.key_usage)?)?);
    }
    if !spec.eku.is_empty() {
        let list = spec.eku.iter().map(|o| oid(o)).collect::<Result<_, _>>()?;
        let value = x509_cert::ext::pkix::ExtendedKeyUsage(list)
            .to_der()
            .map_err(err)?;
        exts.push(extension("2.5.29.37", spec.eku_critical, value)?);
    }
    if !spec.policies.is_empty() {
        exts.push(extension("2.5.29.32", false, policies(&spec.policies)?)?);
    }
    if !spec.crl_urls.is_empty() {
        let v = distribution_points(&spec.crl_urls)?;
        exts.push(extension("2.5.29.31", false, v)?);
    }
    if !spec.delta_crl_urls.is_empty() {
        let v = distribution_points(&spec.delta_crl_urls)?;
        exts.push(extension("2.5.29.46", false, v)?);
    }
    if !spec.ocsp_urls.is_empty() || !spec.ca_issuer_urls.is_empty() {
        let v = authority_info_access(&spec.ocsp_urls, &spec.ca_issuer_urls)?;
        exts.push(extension("1.3.6.1.5.5.7.1.1", false, v)?);
    }
    if !spec.no_ski {
        let ski = OctetString::new(key_id(&spec.spki)?).map_err(err)?;
        exts.push(extension("2.5.29.14", false, ski.to_der().map_err(err)?)?);
    }
    if let Some(id) = aki {
        exts.push(authority_key_id(id)?);
    }
    if spec.ocsp_nocheck {
        exts.push(extension("1.3.6.1.5.5.7.48.1.5", false, vec![0x05, 0x00])?);
    }
    exts.extend(spec.extra.iter().cloned());
    Ok(exts)
}

/// Issues the certificate `spec` describes, signed by `signer`: under the CA
/// whose certificate is `issuer` (its subject becomes the issuer name, its
/// key identifier the authorityKeyIdentifier), or self-signed when `issuer`
/// is None (then `signer` must hold the key of `spec.spki`).
pub fn issue(
    spec: &CertSpec,
    issuer: Option<&[u8]>,
    signer: &dyn Signer,
) -> Result<Vec<u8>, String> {
    let subject = name(&spec.subject)?;
    let (issuer_name, aki) = match issuer {
        Some(der) => {
            let ca = x509_cert::Certificate::from_der(der).map_err(err)?;
            let ca_spki = ca
                .tbs_certificate
                .subject_public_key_info
                .to_der()
                .map_err(err)?;
            // The CA's own subjectKeyIdentifier when it has one (rcgen and
            // other issuers compute it their way), else ours from its key.
            let ski = ca
                .tbs_certificate
                .extensions
                .iter()
                .flatten()
                .find(|e| e.extn_id.to_string() == "2.5.29.14")
                .and_then(|e| {
                    x509_cert::ext::pkix::SubjectKeyIdentifier::from_der(e.extn_value.as_bytes())
                        .ok()
                })
                .map(|k| k.0.as_bytes().to_vec());
            let aki = match ski {
                Some(id) => id,
                None => key_id(&ca_spki)?,
            };
            (ca.tbs_certificate.subject, Some(aki))
        }
        None => (subject.clone(), Some(key_id(&spec.spki)?)),
    };
    let alg = sig_alg_id(signer.scheme()).map_err(err)?;
    let tbs = x509_cert::TbsCertificate {
        version: x509_cert::Version::V3,
        serial_number: x509_cert::serial_number::SerialNumber::new(&spec.serial).map_err(err)?,
        signature: alg.clone(),
        issuer: issuer_name,
        validity: x509_cert::time::Validity {
            not_before: x509_time(spec.validity.0).map_err(err)?,
            not_after: x509_time(spec.validity.1).map_err(err)?,
        },
        subject,
        subject_public_key_info: spki::SubjectPublicKeyInfoOwned::from_der(&spec.spki)
            .map_err(err)?,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions(spec, aki)?),
    };
    let tbs_der = tbs.to_der().map_err(err)?;
    let sig = signer.sign(&tbs_der).map_err(err)?;
    x509_cert::Certificate {
        tbs_certificate: tbs,
        signature_algorithm: alg,
        signature: BitString::from_bytes(&sig).map_err(err)?,
    }
    .to_der()
    .map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_usage_is_minimal_der() {
        // keyCertSign (5) and cRLSign (6): 03 02 01 06
        assert_eq!(
            key_usage(&[Usage::KeyCertSign, Usage::CrlSign]).unwrap(),
            [0x03, 0x02, 0x01, 0x06]
        );
        // digitalSignature, nonRepudiation, keyAgreement: 03 02 03 C8
        assert_eq!(
            key_usage(&[
                Usage::DigitalSignature,
                Usage::NonRepudiation,
                Usage::KeyAgreement
            ])
            .unwrap(),
            [0x03, 0x02, 0x03, 0xC8]
        );
    }

    #[test]
    fn names_keep_their_order_and_string_types() {
        let n = name(&[
            (CN, "ТЕСТОВ ТЕСТ".into()),
            (SERIAL_NUMBER, "IIN123456789011".into()),
            (COUNTRY, "KZ".into()),
        ])
        .unwrap();
        let der = n.to_der().unwrap();
        let text = crate::pki::cert::dn_text(&der);
        assert!(text.starts_with("CN=ТЕСТОВ ТЕСТ"), "{text}");
        // PrintableString (0x13) for serialNumber and countryName.
        assert!(der.windows(2).any(|w| w == [0x13, 15]));
        assert!(der.windows(4).any(|w| w == [0x13, 2, b'K', b'Z']));
    }
}
