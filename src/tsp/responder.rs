//! A time-stamping authority for tests and the demo PKI (RFC 3161): reads a
//! TimeStampReq, writes TSTInfo (the request's imprint and nonce, a serial,
//! genTime, one second of accuracy) and signs it as a CMS SignedData with
//! any `Signer` (GOST included) and the TSA's certificate, ESS
//! signing-certificate-v2 as RFC 5816 asks.
//!
//! Owns encoding tokens and responses. Time and serial numbers come in as
//! parameters; nothing here listens on a socket (tests serve it themselves)
//! and nothing here validates.

use super::{MessageImprint, OID_TST_INFO};
use crate::asn1::{Walker, ctx, single};
use crate::pkcs7::build::{self, SignerSpec};
use crate::pki::algorithms::Digest;
use crate::pki::signer::Signer;
use der::asn1::{GeneralizedTime, ObjectIdentifier as Oid, OctetString, Uint};
use der::{Decode, Encode, Tag};

/// The policy the demo TSA writes (the national CA's TSA policy arc).
pub const DEMO_POLICY: Oid = Oid::new_unwrap("1.2.398.3.3.5.1");

/// Who stamps: the key, its certificate (with the timeStamping EKU) and the
/// issuers to embed when a request asks for certificates.
pub struct Tsa<'a> {
    /// The key.
    pub signer: &'a dyn Signer,
    /// The TSA's certificate (DER).
    pub cert: &'a [u8],
    /// Its issuers (DER), embedded with it.
    pub chain: &'a [Vec<u8>],
    /// The policy written into every TSTInfo.
    pub policy: Oid,
}

/// What one token says besides the imprint.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// genTime, Unix seconds.
    pub gen_time: i64,
    /// serialNumber content octets.
    pub serial: Vec<u8>,
    /// The nonce to echo, content octets.
    pub nonce: Option<Vec<u8>>,
    /// Whether to embed the TSA's certificate and chain.
    pub certs: bool,
}

#[derive(der::Sequence)]
struct Accuracy {
    seconds: u32,
}

#[derive(der::Sequence)]
struct TstInfo {
    version: u8,
    policy: Oid,
    message_imprint: MessageImprint,
    serial_number: Uint,
    gen_time: GeneralizedTime,
    accuracy: Accuracy,
    #[asn1(optional = "true")]
    nonce: Option<Uint>,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// A time-stamp token (ContentInfo DER) over `hash`, made with `digest`.
pub fn token(tsa: &Tsa<'_>, digest: Digest, hash: &[u8], facts: &Facts) -> Result<Vec<u8>, String> {
    let info = TstInfo {
        version: 1,
        policy: tsa.policy,
        message_imprint: MessageImprint {
            hash_algorithm: spki::AlgorithmIdentifierOwned {
                oid: digest.oid(),
                parameters: None,
            },
            hashed_message: OctetString::new(hash).map_err(err)?,
        },
        serial_number: Uint::new(&facts.serial).map_err(err)?,
        gen_time: GeneralizedTime::from_unix_duration(std::time::Duration::from_secs(
            facts.gen_time.max(0) as u64,
        ))
        .map_err(err)?,
        accuracy: Accuracy { seconds: 1 },
        nonce: facts
            .nonce
            .as_deref()
            .map(Uint::new)
            .transpose()
            .map_err(err)?,
    };
    let content = info.to_der().map_err(err)?;
    let mut certs: Vec<&[u8]> = Vec::new();
    if facts.certs {
        certs.push(tsa.cert);
        certs.extend(tsa.chain.iter().map(Vec::as_slice));
    }
    let spec = SignerSpec::cades(tsa.cert, tsa.signer, Some(facts.gen_time));
    let sd = build::signed_data_of(OID_TST_INFO, &content, true, &[spec], &certs).map_err(err)?;
    build::encode(&sd).map_err(err)
}

/// A TimeStampReq, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The imprint's hash algorithm, when qoltanba knows it.
    pub digest: Option<Digest>,
    /// The imprint.
    pub hash: Vec<u8>,
    /// The nonce, content octets.
    pub nonce: Option<Vec<u8>>,
    /// certReq.
    pub cert_req: bool,
}

/// Reads a DER TimeStampReq.
pub fn read_request(der: &[u8]) -> Result<Request, String> {
    let top = single(der).map_err(err)?;
    let mut w = Walker::new(top.value).map_err(err)?;
    let version = w.require(Tag::Integer).map_err(err)?;
    if version.value != [1] {
        return Err("TimeStampReq version is not 1".into());
    }
    let mi = MessageImprint::from_der(w.require(Tag::Sequence).map_err(err)?.raw).map_err(err)?;
    let mut req = Request {
        digest: Digest::from_oid(&mi.hash_algorithm.oid).ok(),
        hash: mi.hashed_message.as_bytes().to_vec(),
        nonce: None,
        cert_req: false,
    };
    while let Some(tag) = w.peek_tag() {
        let t = w.next_tlv().map_err(err)?;
        match tag {
            Tag::ObjectIdentifier => {}
            Tag::Integer => req.nonce = Some(crate::pki::cert::strip_zeros(t.value)),
            Tag::Boolean => req.cert_req = t.value.first().is_some_and(|b| *b != 0),
            t if t == ctx(0) => {}
            other => return Err(format!("unexpected field {other} in TimeStampReq")),
        }
    }
    Ok(req)
}

#[derive(der::Sequence)]
struct PkiStatusInfo {
    status: u8,
}

#[derive(der::Sequence)]
struct TimeStampResp {
    status: PkiStatusInfo,
    #[asn1(optional = "true")]
    token: Option<der::asn1::Any>,
}

fn response(status: u8, token: Option<der::asn1::Any>) -> Vec<u8> {
    TimeStampResp {
        status: PkiStatusInfo { status },
        token,
    }
    .to_der()
    .unwrap_or_default()
}

/// Answers the DER TimeStampReq `request` (a TimeStampResp, DER): granted
/// with a token when the request parses and its imprint's hash is known and
/// of the right length; `rejection` (2) otherwise.
pub fn respond(tsa: &Tsa<'_>, request: &[u8], gen_time: i64, serial: &[u8]) -> Vec<u8> {
    let Ok(req) = read_request(request) else {
        return response(2, None);
    };
    let Some(digest) = req.digest.filter(|d| d.len() == req.hash.len()) else {
        return response(2, None);
    };
    let facts = Facts {
        gen_time,
        serial: serial.to_vec(),
        nonce: req.nonce,
        certs: req.cert_req,
    };
    match token(tsa, digest, &req.hash, &facts).map(|t| der::asn1::Any::from_der(&t)) {
        Ok(Ok(t)) => response(0, Some(t)),
        _ => response(2, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_read_back_and_garbage_is_rejected() {
        let hash = Digest::Streebog256.hash(b"signature value");
        let req = super::super::request(Digest::Streebog256, &hash, &[0x11, 0x22]).unwrap();
        let r = read_request(&req).unwrap();
        assert_eq!(r.digest, Some(Digest::Streebog256));
        assert_eq!(r.hash, hash);
        assert_eq!(r.nonce.as_deref(), Some(&[0x11, 0x22][..]));
        assert!(r.cert_req);
        let key = crate::pki::signer::GostSigner::generate(
            crate::pki::gost::Curve::Tc26_512A,
            crate::pki::algorithms::GostFamily::Kz2015,
        )
        .unwrap();
        let tsa = Tsa {
            signer: &key,
            cert: b"not a certificate",
            chain: &[],
            policy: DEMO_POLICY,
        };
        // status rejection (2), no token
        let rejected = [0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02];
        assert_eq!(respond(&tsa, b"garbage", 0, &[1]), rejected);
        // A certificate that does not parse: no token either.
        assert_eq!(respond(&tsa, &req, 0, &[1]), rejected);
        assert!(matches!(
            super::super::token_from_response(&rejected),
            Err(super::super::TspError::Refused(2))
        ));
    }
}
