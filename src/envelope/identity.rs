//! A signer's identity encoded once, for many CAdES-BES signatures.
//!
//! Everything an envelope says about its signer that does not change from
//! one signature to the next (the signer identifier, the ESS
//! signing-certificate-v2 attribute, the certificate set, the algorithm
//! identifiers) is encoded once by the `cms`/`der` types and kept as DER.
//! Each signature then encodes only what is new (the message digest, the
//! signing time, the signature value) and joins the pieces under DER headers
//! written by `der`. The output is byte for byte what `build::signed_data`
//! makes (a test holds them equal); it only skips re-encoding certificates
//! and names for every signature, which cost more than an ECDSA signature.

use super::build::{self, BuildError};
use super::parse::{
    OID_CONTENT_TYPE, OID_DATA, OID_MESSAGE_DIGEST, OID_SIGNED_DATA, OID_SIGNING_TIME,
};
use crate::pki::algorithms::Scheme;
use crate::pki::signer::Signer;
use cms::cert::CertificateChoices;
use cms::signed_data::{CertificateSet, SignerIdentifier};
use der::asn1::{Any, ContextSpecificRef, OctetString, OctetStringRef, SetOfVec};
use der::{Encode, Header, Length, Tag, TagMode, TagNumber};
use std::sync::{Arc, Mutex, OnceLock};
use x509_cert::attr::Attribute;

fn enc(e: impl std::fmt::Display) -> BuildError {
    BuildError::Encoding(e.to_string())
}

/// The pre-encoded parts of one signer with one chain and one scheme.
pub struct Identity {
    cert: Vec<u8>,
    chain: Vec<Vec<u8>>,
    scheme: Scheme,
    /// SignerIdentifier (issuerAndSerialNumber), DER.
    sid: Vec<u8>,
    /// The ESS signing-certificate-v2 attribute, DER.
    ess: Vec<u8>,
    /// The content-type attribute (id-data), DER.
    content_type: Vec<u8>,
    /// `[0] IMPLICIT SET OF CertificateChoices`, DER.
    certificates: Vec<u8>,
    /// DigestAlgorithmIdentifier, DER.
    digest_alg: Vec<u8>,
    /// SignatureAlgorithmIdentifier, DER.
    sig_alg: Vec<u8>,
}

fn attribute(oid: der::asn1::ObjectIdentifier, value: Any) -> Result<Vec<u8>, BuildError> {
    let mut values = SetOfVec::new();
    values.insert(value).map_err(enc)?;
    Attribute { oid, values }.to_der().map_err(enc)
}

/// A header and its content, appended to `out`.
fn tlv(out: &mut Vec<u8>, tag: Tag, parts: &[&[u8]]) -> Result<(), BuildError> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let header = Header::new(tag, Length::try_from(len).map_err(enc)?).map_err(enc)?;
    header.encode_to_vec(out).map_err(enc)?;
    for p in parts {
        out.extend_from_slice(p);
    }
    Ok(())
}

fn tlv_vec(tag: Tag, parts: &[&[u8]]) -> Result<Vec<u8>, BuildError> {
    let mut v = Vec::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>() + 6);
    tlv(&mut v, tag, parts)?;
    Ok(v)
}

fn context(number: u8) -> Tag {
    Tag::ContextSpecific {
        constructed: true,
        number: TagNumber::new(number),
    }
}

impl Identity {
    /// Encodes the parts for `cert` signing with `scheme`, `chain` embedded.
    pub fn new(cert: &[u8], chain: &[Vec<u8>], scheme: Scheme) -> Result<Identity, BuildError> {
        use der::Decode;
        let decoded = x509_cert::Certificate::from_der(cert).map_err(enc)?;
        let sid = SignerIdentifier::IssuerAndSerialNumber(cms::cert::IssuerAndSerialNumber {
            issuer: decoded.tbs_certificate.issuer.clone(),
            serial_number: decoded.tbs_certificate.serial_number.clone(),
        })
        .to_der()
        .map_err(enc)?;
        // The ESS attribute exactly as `build::cades_attributes` writes it.
        let attrs = build::cades_attributes_for_digest(&[0; 32], OID_DATA, cert, None, true)?;
        let ess = attrs
            .iter()
            .find(|a| a.oid == super::parse::OID_SIGNING_CERT_V2)
            .ok_or_else(|| enc("no ESS attribute"))?
            .to_der()
            .map_err(enc)?;
        let content_type = attribute(OID_CONTENT_TYPE, Any::from(&OID_DATA))?;
        let mut set = SetOfVec::new();
        for c in std::iter::once(cert).chain(chain.iter().map(Vec::as_slice)) {
            let choice =
                CertificateChoices::Certificate(x509_cert::Certificate::from_der(c).map_err(enc)?);
            if !set.iter().any(|x| x == &choice) {
                set.insert(choice).map_err(enc)?;
            }
        }
        let set = CertificateSet(set);
        let certificates = ContextSpecificRef {
            tag_number: TagNumber::new(0),
            tag_mode: TagMode::Implicit,
            value: &set,
        }
        .to_der()
        .map_err(enc)?;
        Ok(Identity {
            cert: cert.to_vec(),
            chain: chain.to_vec(),
            scheme,
            sid,
            ess,
            content_type,
            certificates,
            digest_alg: build::digest_alg_id(scheme.digest())
                .to_der()
                .map_err(enc)?,
            sig_alg: build::sig_alg_id(scheme)?.to_der().map_err(enc)?,
        })
    }

    /// The identity for these inputs from a small cache of recent ones (a
    /// service signs with a few keys many times), else a new one. Entries
    /// are matched on the exact bytes, never on a hash alone.
    pub fn cached(
        cert: &[u8],
        chain: &[Vec<u8>],
        scheme: Scheme,
    ) -> Result<Arc<Identity>, BuildError> {
        static CACHE: OnceLock<Mutex<Vec<Arc<Identity>>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let same = |i: &Identity| i.scheme == scheme && i.cert == cert && i.chain == chain;
        if let Some(hit) = cache
            .lock()
            .ok()
            .and_then(|c| c.iter().find(|i| same(i)).cloned())
        {
            return Ok(hit);
        }
        let id = Arc::new(Identity::new(cert, chain, scheme)?);
        if let Ok(mut c) = cache.lock() {
            if c.len() >= 16 {
                c.remove(0);
            }
            c.push(id.clone());
        }
        Ok(id)
    }

    /// The signed attributes over `content` (the SET's content, without its
    /// header): content-type, message-digest, signing-time (when given), ESS
    /// signing-certificate-v2, in DER (sorted) order.
    pub fn signed_attributes(
        &self,
        content: &[u8],
        signing_time: Option<i64>,
    ) -> Result<Vec<u8>, BuildError> {
        let md = OctetString::new(self.scheme.digest().hash(content)).map_err(enc)?;
        let md = attribute(OID_MESSAGE_DIGEST, Any::encode_from(&md).map_err(enc)?)?;
        let time = match signing_time {
            Some(t) => Some(attribute(
                OID_SIGNING_TIME,
                Any::encode_from(&build::x509_time(t)?).map_err(enc)?,
            )?),
            None => None,
        };
        let mut parts: Vec<&[u8]> = vec![&self.content_type, &md, &self.ess];
        if let Some(t) = &time {
            parts.push(t);
        }
        // SET OF in DER: the encodings in ascending byte order (X.690 11.6);
        // no complete encoding is a prefix of another, so plain order is it.
        parts.sort_unstable();
        Ok(parts.concat())
    }

    /// A detached or attached CAdES-BES envelope (DER) over `content`,
    /// signed by `key` (whose scheme this identity was made for).
    pub fn sign(
        &self,
        content: &[u8],
        attached: bool,
        key: &dyn Signer,
        signing_time: Option<i64>,
    ) -> Result<Vec<u8>, BuildError> {
        if key.scheme() != self.scheme {
            return Err(enc("the key's scheme is not the identity's"));
        }
        let attrs = self.signed_attributes(content, signing_time)?;
        // Signed as a SET; carried as [0] IMPLICIT.
        let signature = key.sign(&tlv_vec(Tag::Set, &[&attrs])?)?;
        let version = cms::content_info::CmsVersion::V1.to_der().map_err(enc)?;
        let value = OctetStringRef::new(&signature)
            .map_err(enc)?
            .to_der()
            .map_err(enc)?;
        let signer_info = tlv_vec(
            Tag::Sequence,
            &[
                &version,
                &self.sid,
                &self.digest_alg,
                &tlv_vec(context(0), &[&attrs])?,
                &self.sig_alg,
                &value,
            ],
        )?;
        let content_oid = OID_DATA.to_der().map_err(enc)?;
        let encap = if attached {
            let octets = OctetStringRef::new(content)
                .map_err(enc)?
                .to_der()
                .map_err(enc)?;
            tlv_vec(
                Tag::Sequence,
                &[&content_oid, &tlv_vec(context(0), &[&octets])?],
            )?
        } else {
            tlv_vec(Tag::Sequence, &[&content_oid])?
        };
        let signed_data = tlv_vec(
            Tag::Sequence,
            &[
                &version,
                &tlv_vec(Tag::Set, &[&self.digest_alg])?,
                &encap,
                &self.certificates,
                &tlv_vec(Tag::Set, &[&signer_info])?,
            ],
        )?;
        let oid = OID_SIGNED_DATA.to_der().map_err(enc)?;
        tlv_vec(
            Tag::Sequence,
            &[&oid, &tlv_vec(context(0), &[&signed_data])?],
        )
    }
}
