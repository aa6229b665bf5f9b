//! OCSP messages (RFC 6960) as bytes: the CertID and request qoltanba sends,
//! and the response it reads, with the exact signed bytes kept.
//!
//! Owns encoding and decoding only; whether a response is acceptable is
//! decided in `ocsp::verify`. Typed pieces come from the `x509-ocsp` crate;
//! the BasicOCSPResponse is walked by hand so that tbsResponseData is checked
//! as received, never re-encoded. Refuses responses over `MAX_RESPONSE_LEN`,
//! trailing data, and more than `MAX_RESPONSE_CERTS` certificates.

use super::OcspError;
use crate::asn1::{self, Walker};
use crate::pki::cert::{Certificate, strip_zeros};
use const_oid::db::rfc6960::{ID_PKIX_OCSP_BASIC, ID_PKIX_OCSP_NONCE};
use der::asn1::{BitString, Null, ObjectIdentifier as Oid, OctetString};
use der::{Decode, Encode, Tag};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoRef};
use x509_cert::ext::Extension;
use x509_cert::serial_number::SerialNumber;
use x509_ocsp::{CertId, OcspRequest, OcspResponse, Request, ResponseData, TbsRequest, Version};

pub use x509_ocsp::OcspResponseStatus;

/// Largest OCSP response read, in bytes.
pub const MAX_RESPONSE_LEN: usize = 1024 * 1024;
/// Most certificates accepted in a response's `certs`.
pub const MAX_RESPONSE_CERTS: usize = 8;
/// Length of the nonce qoltanba sends (RFC 8954 recommends 32).
pub const NONCE_LEN: usize = 32;

/// id-sha1: CertIDs are hashed with SHA-1, the one hash every responder knows.
const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");

fn sha1(b: &[u8]) -> Vec<u8> {
    // SHA-1 only names the issuer here (RFC 6960 CertID); it protects nothing.
    ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, b)
        .as_ref()
        .to_vec()
}

fn malformed(what: &str, e: impl std::fmt::Display) -> OcspError {
    OcspError::Malformed(format!("{what}: {e}"))
}

/// SHA-1 of a certificate's subjectPublicKey bits (the CertID key hash and
/// the ResponderID byKey).
pub fn key_hash(c: &Certificate) -> Result<Vec<u8>, OcspError> {
    let info = SubjectPublicKeyInfoRef::from_der(&c.spki)
        .map_err(|e| malformed("issuer public key info", e))?;
    Ok(sha1(info.subject_public_key.raw_bytes()))
}

/// The CertID of `cert` issued by `issuer`: SHA-1 over the issuer's name and
/// key, and the serial number.
pub fn cert_id(cert: &Certificate, issuer: &Certificate) -> Result<CertId, OcspError> {
    let serial = SerialNumber::new(&cert.serial).map_err(|e| malformed("serial number", e))?;
    Ok(CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: SHA1,
            parameters: Some(Null.into()),
        },
        issuer_name_hash: OctetString::new(sha1(&issuer.subject_raw))
            .map_err(|e| malformed("name hash", e))?,
        issuer_key_hash: OctetString::new(key_hash(issuer)?)
            .map_err(|e| malformed("key hash", e))?,
        serial_number: serial,
    })
}

/// Whether a CertID from a response names the same certificate as ours
/// (hash algorithm by OID, parameters NULL or absent alike).
pub fn same_cert_id(a: &CertId, b: &CertId) -> bool {
    a.hash_algorithm.oid == b.hash_algorithm.oid
        && a.issuer_name_hash == b.issuer_name_hash
        && a.issuer_key_hash == b.issuer_key_hash
        && strip_zeros(a.serial_number.as_bytes()) == strip_zeros(b.serial_number.as_bytes())
}

/// Whether a response's CertID names the certificate of `ours` (SHA-1,
/// as qoltanba asks) issued by `issuer`, whatever hash the responder chose:
/// the national CA's responders answer with SHA-256 CertIDs, and a response
/// stored with a document was asked for by someone else. The issuer's name
/// and key are hashed again with the response's algorithm (SHA-1, SHA-2 or
/// a GOST hash); an algorithm qoltanba does not know matches nothing.
pub fn names_certificate(response: &CertId, ours: &CertId, issuer: &Certificate) -> bool {
    if same_cert_id(response, ours) {
        return true;
    }
    if strip_zeros(response.serial_number.as_bytes()) != strip_zeros(ours.serial_number.as_bytes())
    {
        return false;
    }
    let Ok(d) = crate::pki::algorithms::Digest::from_oid(&response.hash_algorithm.oid) else {
        return false;
    };
    let Ok(info) = SubjectPublicKeyInfoRef::from_der(&issuer.spki) else {
        return false;
    };
    response.issuer_name_hash.as_bytes() == d.hash(&issuer.subject_raw).as_slice()
        && response.issuer_key_hash.as_bytes()
            == d.hash(info.subject_public_key.raw_bytes()).as_slice()
}

/// The DER of an unsigned OCSPRequest for one certificate, with a nonce.
pub fn request_der(id: &CertId, nonce: &[u8]) -> Result<Vec<u8>, OcspError> {
    let enc = |e: der::Error| OcspError::Malformed(format!("encoding the request: {e}"));
    let value = OctetString::new(nonce)
        .map_err(enc)?
        .to_der()
        .map_err(enc)?;
    let ext = Extension {
        extn_id: ID_PKIX_OCSP_NONCE,
        critical: false,
        extn_value: OctetString::new(value).map_err(enc)?,
    };
    OcspRequest {
        tbs_request: TbsRequest {
            version: Version::V1,
            requestor_name: None,
            request_list: vec![Request {
                req_cert: id.clone(),
                single_request_extensions: None,
            }],
            request_extensions: Some(vec![ext]),
        },
        optional_signature: None,
    }
    .to_der()
    .map_err(enc)
}

/// A BasicOCSPResponse, decoded, with the bytes its signature covers.
#[derive(Debug, Clone)]
pub struct BasicResponse {
    /// tbsResponseData exactly as received.
    pub tbs: Vec<u8>,
    /// tbsResponseData decoded.
    pub data: ResponseData,
    /// signatureAlgorithm.
    pub sig_alg: AlgorithmIdentifierOwned,
    /// The signature value.
    pub signature: Vec<u8>,
    /// The certificates that came with the response, as DER.
    pub certs: Vec<Vec<u8>>,
}

/// Decodes an OCSPResponse: the status, and the basic response when successful.
pub fn parse_response(
    bytes: &[u8],
) -> Result<(OcspResponseStatus, Option<BasicResponse>), OcspError> {
    if bytes.len() > MAX_RESPONSE_LEN {
        return Err(OcspError::Malformed(format!(
            "response of {} bytes exceeds {MAX_RESPONSE_LEN}",
            bytes.len()
        )));
    }
    let outer = OcspResponse::from_der(bytes).map_err(|e| malformed("OCSPResponse", e))?;
    let status = outer.response_status;
    let Some(rb) = outer.response_bytes else {
        return Ok((status, None));
    };
    if status != OcspResponseStatus::Successful {
        return Ok((status, None));
    }
    if rb.response_type != ID_PKIX_OCSP_BASIC {
        return Err(OcspError::Malformed(format!(
            "response type {} is not id-pkix-ocsp-basic",
            rb.response_type
        )));
    }
    parse_basic(rb.response.as_bytes()).map(|b| (status, Some(b)))
}

fn parse_basic(der: &[u8]) -> Result<BasicResponse, OcspError> {
    let m = |e| malformed("BasicOCSPResponse", e);
    let seq = asn1::single(der).map_err(m)?;
    if seq.tag != Tag::Sequence {
        return Err(OcspError::Malformed(
            "BasicOCSPResponse is not a SEQUENCE".into(),
        ));
    }
    let mut w = Walker::new(seq.value).map_err(m)?;
    let tbs = w.require(Tag::Sequence).map_err(m)?;
    let alg = w.require(Tag::Sequence).map_err(m)?;
    let sig = w.require(Tag::BitString).map_err(m)?;
    let certs_tlv = w.optional(asn1::ctx(0)).map_err(m)?;
    if !w.is_empty() {
        return Err(OcspError::Malformed(
            "BasicOCSPResponse has trailing fields".into(),
        ));
    }
    let data = ResponseData::from_der(tbs.raw).map_err(|e| malformed("tbsResponseData", e))?;
    let sig_alg = AlgorithmIdentifierOwned::from_der(alg.raw)
        .map_err(|e| malformed("signatureAlgorithm", e))?;
    let bits = BitString::from_der(sig.raw).map_err(|e| malformed("signature", e))?;
    let signature = bits
        .as_bytes()
        .ok_or_else(|| OcspError::Malformed("signature has unused bits".into()))?
        .to_vec();
    let mut certs = Vec::new();
    if let Some(c) = certs_tlv {
        let list = asn1::single(c.value).map_err(|e| malformed("certs", e))?;
        if list.tag != Tag::Sequence {
            return Err(OcspError::Malformed("certs is not a SEQUENCE".into()));
        }
        let mut cw = Walker::new(list.value).map_err(|e| malformed("certs", e))?;
        while !cw.is_empty() {
            if certs.len() == MAX_RESPONSE_CERTS {
                return Err(OcspError::Malformed(format!(
                    "more than {MAX_RESPONSE_CERTS} certificates in the response"
                )));
            }
            certs.push(
                cw.next_tlv()
                    .map_err(|e| malformed("certs", e))?
                    .raw
                    .to_vec(),
            );
        }
    }
    Ok(BasicResponse {
        tbs: tbs.raw.to_vec(),
        data,
        sig_alg,
        signature,
        certs,
    })
}

/// The nonce in a set of extensions: `Ok(None)` when absent, an error when
/// present but not an OCTET STRING.
pub fn nonce_of(exts: Option<&Vec<Extension>>) -> Result<Option<Vec<u8>>, OcspError> {
    let Some(e) = exts
        .into_iter()
        .flatten()
        .find(|e| e.extn_id == ID_PKIX_OCSP_NONCE)
    else {
        return Ok(None);
    };
    let n = OctetString::from_der(e.extn_value.as_bytes()).map_err(|e| malformed("nonce", e))?;
    Ok(Some(n.as_bytes().to_vec()))
}

/// The first critical extension other than the nonce, if any.
pub fn unknown_critical(exts: Option<&Vec<Extension>>) -> Option<String> {
    exts.into_iter()
        .flatten()
        .find(|e| e.critical && e.extn_id != ID_PKIX_OCSP_NONCE)
        .map(|e| e.extn_id.to_string())
}

/// A response's status name, as RFC 6960 spells it.
pub fn status_name(s: OcspResponseStatus) -> &'static str {
    match s {
        OcspResponseStatus::Successful => "successful",
        OcspResponseStatus::MalformedRequest => "malformedRequest",
        OcspResponseStatus::InternalError => "internalError",
        OcspResponseStatus::TryLater => "tryLater",
        OcspResponseStatus::SigRequired => "sigRequired",
        OcspResponseStatus::Unauthorized => "unauthorized",
    }
}
