//! Building CMS SignedData envelopes (CAdES-BES shaped) with any `Signer`.
//!
//! Owns assembling SignerInfos (signed attributes: content-type,
//! message-digest, signing-time, ESS signing-certificate-v2), the certificate
//! set and the ContentInfo, encoded through the `cms` and `der` crates. The
//! private key never passes through here: a `Signer` signs the bytes.

use crate::pki::algorithms::{Digest, Scheme};
use crate::pki::signer::{SignError, Signer};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{Any, ObjectIdentifier as Oid, OctetString, SetOfVec};
use der::{Decode, Encode};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;

/// Why an envelope could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// A certificate did not parse or an encoding failed.
    #[error("encoding: {0}")]
    Encoding(String),
    /// The signer failed.
    #[error(transparent)]
    Sign(#[from] SignError),
}

impl From<crate::pki::encode::EncodeError> for BuildError {
    fn from(e: crate::pki::encode::EncodeError) -> Self {
        BuildError::Encoding(e.0)
    }
}

pub use crate::pki::encode::{digest_alg_id, sig_alg_id, x509_time};

fn enc(e: impl std::fmt::Display) -> BuildError {
    BuildError::Encoding(e.to_string())
}

/// How the SignerInfo names its certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SidKind {
    /// issuerAndSerialNumber (version 1).
    #[default]
    IssuerSerial,
    /// subjectKeyIdentifier (version 3).
    KeyId,
}

/// One signer to add.
pub struct SignerSpec<'a> {
    /// The signer's certificate, DER.
    pub cert: &'a [u8],
    /// The key.
    pub signer: &'a dyn Signer,
    /// Whether to sign attributes (CAdES) or the content itself.
    pub signed_attrs: bool,
    /// signing-time attribute value (Unix seconds), when wanted.
    pub signing_time: Option<i64>,
    /// Whether to add ESS signing-certificate-v2.
    pub ess_v2: bool,
    /// Signer identifier kind.
    pub sid: SidKind,
}

impl<'a> SignerSpec<'a> {
    /// CAdES-BES defaults: signed attributes with ESS signing-certificate-v2.
    pub fn cades(cert: &'a [u8], signer: &'a dyn Signer, signing_time: Option<i64>) -> Self {
        SignerSpec {
            cert,
            signer,
            signed_attrs: true,
            signing_time,
            ess_v2: true,
            sid: SidKind::IssuerSerial,
        }
    }
}

/// id-contentType etc.
const OID_CONTENT_TYPE: Oid = super::parse::OID_CONTENT_TYPE;

fn attr(oid: Oid, value: Any) -> Result<Attribute, BuildError> {
    let mut values = SetOfVec::new();
    values.insert(value).map_err(enc)?;
    Ok(Attribute { oid, values })
}

/// Adds attribute `oid` with the one value `value` (DER) to `attrs`.
fn insert_attr(
    attrs: &mut SetOfVec<Attribute>,
    oid: Oid,
    value: &(impl der::EncodeValue + der::Tagged),
) -> Result<(), BuildError> {
    attrs
        .insert(attr(oid, Any::encode_from(value).map_err(enc)?)?)
        .map_err(enc)
}

#[derive(der::Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
    issuer_serial: IssuerSerial,
}

#[derive(der::Sequence)]
struct IssuerSerial {
    issuer: Vec<x509_cert::ext::pkix::name::GeneralName>,
    serial: x509_cert::serial_number::SerialNumber,
}

#[derive(der::Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

/// A certificate decoded once: signing the same certificate again (a
/// service signs with a few keys, many times) reuses the decoded form.
fn decoded(cert_der: &[u8]) -> Result<std::sync::Arc<x509_cert::Certificate>, BuildError> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<[u8; 32], Arc<x509_cert::Certificate>>>> = OnceLock::new();
    let key = crate::pki::cert::sha256(cert_der);
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(c);
    }
    let c = Arc::new(x509_cert::Certificate::from_der(cert_der).map_err(enc)?);
    if let Ok(mut m) = cache.lock() {
        if m.len() >= 256 {
            m.clear();
        }
        m.insert(key, c.clone());
    }
    Ok(c)
}

/// The CAdES-BES signed attributes over `content`: content-type,
/// message-digest, signing-time (when given) and ESS signing-certificate-v2
/// (when `ess_v2`), DER-sorted as they will be signed.
pub fn cades_attributes(
    content: &[u8],
    content_type: Oid,
    cert_der: &[u8],
    digest: Digest,
    signing_time: Option<i64>,
    ess_v2: bool,
) -> Result<SetOfVec<Attribute>, BuildError> {
    cades_attributes_for_digest(
        &digest.hash(content),
        content_type,
        cert_der,
        signing_time,
        ess_v2,
    )
}

/// [`cades_attributes`] for content hashed elsewhere (streamed over a large
/// file, as PAdES does over a PDF's ByteRange): `digest_value` becomes the
/// message-digest attribute as given.
pub fn cades_attributes_for_digest(
    digest_value: &[u8],
    content_type: Oid,
    cert_der: &[u8],
    signing_time: Option<i64>,
    ess_v2: bool,
) -> Result<SetOfVec<Attribute>, BuildError> {
    let cert = decoded(cert_der)?;
    let mut attrs = SetOfVec::new();
    attrs
        .insert(attr(OID_CONTENT_TYPE, Any::from(&content_type))?)
        .map_err(enc)?;
    let md = OctetString::new(digest_value).map_err(enc)?;
    insert_attr(&mut attrs, super::parse::OID_MESSAGE_DIGEST, &md)?;
    if let Some(t) = signing_time {
        insert_attr(&mut attrs, super::parse::OID_SIGNING_TIME, &x509_time(t)?)?;
    }
    if ess_v2 {
        let id = EssCertIdV2 {
            cert_hash: OctetString::new(Digest::Sha256.hash(cert_der)).map_err(enc)?,
            issuer_serial: IssuerSerial {
                issuer: vec![x509_cert::ext::pkix::name::GeneralName::DirectoryName(
                    cert.tbs_certificate.issuer.clone(),
                )],
                serial: cert.tbs_certificate.serial_number.clone(),
            },
        };
        let v = SigningCertificateV2 { certs: vec![id] };
        insert_attr(&mut attrs, super::parse::OID_SIGNING_CERT_V2, &v)?;
    }
    Ok(attrs)
}

/// Assembles a SignerInfo from its parts (the signature already made).
pub fn assemble(
    cert_der: &[u8],
    sid: SidKind,
    scheme: Scheme,
    signed_attrs: Option<SetOfVec<Attribute>>,
    signature: Vec<u8>,
) -> Result<SignerInfo, BuildError> {
    let cert = decoded(cert_der)?;
    let (version, sid) = match sid {
        SidKind::IssuerSerial => (
            CmsVersion::V1,
            SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
                issuer: cert.tbs_certificate.issuer.clone(),
                serial_number: cert.tbs_certificate.serial_number.clone(),
            }),
        ),
        SidKind::KeyId => {
            let ski = crate::pki::cert::Certificate::from_der(cert_der)
                .map_err(enc)?
                .ski
                .ok_or_else(|| enc("certificate has no subjectKeyIdentifier"))?;
            (
                CmsVersion::V3,
                SignerIdentifier::SubjectKeyIdentifier(x509_cert::ext::pkix::SubjectKeyIdentifier(
                    OctetString::new(ski).map_err(enc)?,
                )),
            )
        }
    };
    Ok(SignerInfo {
        version,
        sid,
        digest_alg: digest_alg_id(scheme.digest()),
        signed_attrs,
        signature_algorithm: sig_alg_id(scheme)?,
        signature: OctetString::new(signature).map_err(enc)?,
        unsigned_attrs: None,
    })
}

/// Builds one SignerInfo over `content` (whose eContentType is `content_type`).
pub fn signer_info(
    content: &[u8],
    content_type: Oid,
    spec: &SignerSpec<'_>,
) -> Result<SignerInfo, BuildError> {
    let scheme = spec.signer.scheme();
    if !spec.signed_attrs {
        let sig = spec.signer.sign(content)?;
        return assemble(spec.cert, spec.sid, scheme, None, sig);
    }
    let attrs = cades_attributes(
        content,
        content_type,
        spec.cert,
        scheme.digest(),
        spec.signing_time,
        spec.ess_v2,
    )?;
    let sig = spec.signer.sign(&attrs.to_der().map_err(enc)?)?;
    assemble(spec.cert, spec.sid, scheme, Some(attrs), sig)
}

/// Builds a SignedData over `content` (id-data) with the given signers and
/// certificates (the signers' chains); `attached` keeps the content inside.
pub fn signed_data(
    content: &[u8],
    attached: bool,
    signers: &[SignerSpec<'_>],
    certs: &[&[u8]],
) -> Result<SignedData, BuildError> {
    signed_data_of(super::parse::OID_DATA, content, attached, signers, certs)
}

/// [`signed_data`] over content of another type (e.g. a time-stamp token's
/// id-ct-TSTInfo): the eContentType and every content-type attribute.
pub fn signed_data_of(
    content_type: Oid,
    content: &[u8],
    attached: bool,
    signers: &[SignerSpec<'_>],
    certs: &[&[u8]],
) -> Result<SignedData, BuildError> {
    let mut infos = SetOfVec::new();
    let mut digests = SetOfVec::new();
    for s in signers {
        let si = signer_info(content, content_type, s)?;
        if !digests
            .iter()
            .any(|d: &AlgorithmIdentifierOwned| d == &si.digest_alg)
        {
            digests.insert(si.digest_alg.clone()).map_err(enc)?;
        }
        infos.insert(si).map_err(enc)?;
    }
    let mut set = SetOfVec::new();
    for c in certs {
        let choice = CertificateChoices::Certificate(decoded(c)?.as_ref().clone());
        if !set.iter().any(|x| x == &choice) {
            set.insert(choice).map_err(enc)?;
        }
    }
    // RFC 5652 5.1: version 3 for a subjectKeyIdentifier signer or content other than id-data.
    let any_v3 = content_type != super::parse::OID_DATA
        || infos
            .iter()
            .any(|i: &SignerInfo| i.version == CmsVersion::V3);
    Ok(SignedData {
        version: if any_v3 {
            CmsVersion::V3
        } else {
            CmsVersion::V1
        },
        digest_algorithms: digests,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: content_type,
            econtent: if attached {
                Some(Any::encode_from(&OctetString::new(content).map_err(enc)?).map_err(enc)?)
            } else {
                None
            },
        },
        certificates: if set.is_empty() {
            None
        } else {
            Some(CertificateSet(set))
        },
        crls: None,
        signer_infos: SignerInfos(infos),
    })
}

/// Wraps a SignedData in a ContentInfo and encodes it as DER.
pub fn encode(sd: &SignedData) -> Result<Vec<u8>, BuildError> {
    let ci = ContentInfo {
        content_type: super::parse::OID_SIGNED_DATA,
        content: Any::encode_from(sd).map_err(enc)?,
    };
    ci.to_der().map_err(enc)
}
