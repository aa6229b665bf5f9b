//! RFC 3161 time-stamps: asking a TSA for a token, and reading one.
//!
//! Owns the TimeStampReq/TimeStampResp/TSTInfo encodings (through `der`), the
//! HTTP exchange (behind a trait, so tests and the network come in as
//! parameters) and the facts of a token. Checking a token's signature and its
//! TSA certificate is `envelope::timestamp`'s job, through the same code that
//! verifies envelopes. Refuses responses without a granted status, tokens
//! whose content is not TSTInfo, and nonces that differ. `responder` is a
//! TSA for tests and the demo PKI.

use crate::asn1::{Walker, ctx, single};
use crate::pki::algorithms::Digest;
use der::asn1::ObjectIdentifier as Oid;
use der::{Decode, Encode, Tag};

pub mod responder;

/// id-ct-TSTInfo
pub const OID_TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
/// id-aa-signatureTimeStampToken (CAdES-T)
pub const OID_SIGNATURE_TIME_STAMP: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.14");
/// id-kp-timeStamping
pub const EKU_TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";
/// Largest TSA response read.
pub const MAX_RESPONSE: u64 = 1024 * 1024;

/// Why a time-stamp could not be had or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TspError {
    /// The TSA could not be reached or answered with an HTTP error.
    #[error("TSA unreachable: {0}")]
    Unreachable(String),
    /// The TSA refused (PKIStatus other than granted).
    #[error("TSA refused the request: status {0}")]
    Refused(i64),
    /// The response or token is not well formed.
    #[error("malformed time-stamp: {0}")]
    Malformed(String),
    /// The token does not answer this request (imprint or nonce differ).
    #[error("the token does not match the request: {0}")]
    Mismatch(String),
}

fn bad(e: impl std::fmt::Display) -> TspError {
    TspError::Malformed(e.to_string())
}

/// Sends a request to a TSA.
pub trait TsaTransport: Send + Sync {
    /// POSTs `application/timestamp-query`, returns the body of the reply.
    fn post(&self, url: &str, body: &[u8]) -> Result<Vec<u8>, String>;
}

/// A transport that reports every exchange to the upstream registry (and
/// refuses at once while the TSA's circuit breaker is open).
pub struct WatchedTsa<'a> {
    /// The transport asked.
    pub inner: &'a dyn TsaTransport,
    /// Where health is kept.
    pub health: &'a crate::pki::upstream::Upstreams,
}

impl TsaTransport for WatchedTsa<'_> {
    fn post(&self, url: &str, body: &[u8]) -> Result<Vec<u8>, String> {
        self.health
            .allow("tsa", url)
            .map_err(|open| open.to_string())?;
        let t0 = std::time::Instant::now();
        let r = self.inner.post(url, body);
        let now = crate::time::now();
        match &r {
            Ok(_) => self.health.success("tsa", url, t0.elapsed(), now),
            Err(why) => self.health.failure("tsa", url, t0.elapsed(), now, why),
        }
        r
    }
}

/// The HTTP transport (plain HTTP; bounded reply; 10 s timeout).
pub struct HttpTsa {
    agent: ureq::Agent,
}

impl Default for HttpTsa {
    fn default() -> Self {
        HttpTsa {
            agent: crate::pki::http::agent(std::time::Duration::from_secs(10), 0),
        }
    }
}

impl TsaTransport for HttpTsa {
    fn post(&self, url: &str, body: &[u8]) -> Result<Vec<u8>, String> {
        let mut resp = self
            .agent
            .post(url)
            .content_type("application/timestamp-query")
            .send(body)
            .map_err(|e| e.to_string())?;
        if resp.status() != 200 {
            return Err(format!("HTTP {}", resp.status()));
        }
        crate::pki::http::body(&mut resp, MAX_RESPONSE)
    }
}

#[derive(der::Sequence)]
struct MessageImprint {
    hash_algorithm: spki::AlgorithmIdentifierOwned,
    hashed_message: der::asn1::OctetString,
}

#[derive(der::Sequence)]
struct TimeStampReq {
    version: u8,
    message_imprint: MessageImprint,
    nonce: der::asn1::Uint,
    cert_req: bool,
}

/// A DER TimeStampReq for `hash` (made with `digest`), with a nonce and certReq.
pub fn request(digest: Digest, hash: &[u8], nonce: &[u8]) -> Result<Vec<u8>, TspError> {
    let req = TimeStampReq {
        version: 1,
        message_imprint: MessageImprint {
            hash_algorithm: spki::AlgorithmIdentifierOwned {
                oid: digest.oid(),
                parameters: None,
            },
            hashed_message: der::asn1::OctetString::new(hash).map_err(bad)?,
        },
        nonce: der::asn1::Uint::new(nonce).map_err(bad)?,
        cert_req: true,
    };
    req.to_der().map_err(bad)
}

/// Reads a TimeStampResp: the token (a ContentInfo, DER) when granted.
pub fn token_from_response(der: &[u8]) -> Result<Vec<u8>, TspError> {
    let top = single(der).map_err(bad)?;
    if top.tag != Tag::Sequence {
        return Err(bad("TimeStampResp is not a SEQUENCE"));
    }
    let mut w = Walker::new(top.value).map_err(bad)?;
    let status = w.require(Tag::Sequence).map_err(bad)?;
    let mut s = Walker::new(status.value).map_err(bad)?;
    let code = s.require(Tag::Integer).map_err(bad)?.value;
    let code = code.iter().fold(0i64, |a, b| (a << 8) | i64::from(*b));
    // granted (0) or grantedWithMods (1)
    if code > 1 {
        return Err(TspError::Refused(code));
    }
    let token = w
        .require(Tag::Sequence)
        .map_err(|_| bad("granted but no token"))?;
    Ok(token.raw.to_vec())
}

/// What a token says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TstInfo {
    /// TSA policy OID.
    pub policy: String,
    /// Hash algorithm of the imprint.
    #[serde(skip)]
    pub imprint_digest: Option<Digest>,
    /// Imprint hash algorithm OID.
    pub imprint_algorithm: String,
    /// The imprint.
    #[serde(skip)]
    pub imprint: Vec<u8>,
    /// Serial number (hex).
    pub serial: String,
    /// genTime, Unix seconds.
    #[serde(skip)]
    pub gen_time: i64,
    /// genTime, RFC 3339.
    pub time: String,
    /// The nonce, when present (hex).
    pub nonce: Option<String>,
}

/// Reads TSTInfo from its DER (the token's eContent).
pub fn tst_info(der: &[u8]) -> Result<TstInfo, TspError> {
    let top = single(der).map_err(bad)?;
    let mut w = Walker::new(top.value).map_err(bad)?;
    let version = w.require(Tag::Integer).map_err(bad)?;
    if version.value != [1] {
        return Err(bad("TSTInfo version is not 1"));
    }
    let policy = Oid::from_der(w.require(Tag::ObjectIdentifier).map_err(bad)?.raw).map_err(bad)?;
    let mi = w.require(Tag::Sequence).map_err(bad)?;
    let mi = MessageImprint::from_der(mi.raw).map_err(bad)?;
    let serial = w.require(Tag::Integer).map_err(bad)?.value.to_vec();
    let generated = w.require(Tag::GeneralizedTime).map_err(bad)?;
    let gen_time = generalized_time(generated.value)?;
    let mut nonce = None;
    while let Some(tag) = w.peek_tag() {
        let t = w.next_tlv().map_err(bad)?;
        if tag == Tag::Integer {
            nonce = Some(crate::pki::cert::hex(t.value));
        } else if tag != Tag::Sequence && tag != Tag::Boolean && tag != ctx(0) && tag != ctx(1) {
            return Err(bad(format!("unexpected field {tag} in TSTInfo")));
        }
    }
    Ok(TstInfo {
        policy: policy.to_string(),
        imprint_digest: Digest::from_oid(&mi.hash_algorithm.oid).ok(),
        imprint_algorithm: mi.hash_algorithm.oid.to_string(),
        imprint: mi.hashed_message.as_bytes().to_vec(),
        serial: crate::pki::cert::hex(&serial),
        gen_time,
        time: crate::time::rfc3339(gen_time),
        nonce,
    })
}

/// genTime may carry fractions of a second (RFC 3161 allows them; DER
/// X.509 times do not): they are dropped.
fn generalized_time(content: &[u8]) -> Result<i64, TspError> {
    let text = std::str::from_utf8(content).map_err(bad)?;
    let whole = match text.find('.') {
        Some(dot) if text.ends_with('Z') => format!("{}Z", &text[..dot]),
        _ => text.to_string(),
    };
    let mut tlv = vec![0x18, whole.len() as u8];
    tlv.extend_from_slice(whole.as_bytes());
    crate::asn1::time_of(&tlv).map_err(bad)
}

/// Asks `url` for a token over `data` (its SHA-256); checks the reply
/// answers this request (imprint, nonce) and returns the token DER.
pub fn stamp(transport: &dyn TsaTransport, url: &str, data: &[u8]) -> Result<Vec<u8>, TspError> {
    stamp_with(transport, url, data, Digest::Sha256)
}

/// [`stamp`] with the imprint made by `digest`: Kalkan's GOST CAdES-T
/// tokens carry a GOST imprint (GOST 34.311-95 over a GOST 34.310-2004
/// signature in the national CA's test material; Streebog for 2015 keys).
pub fn stamp_with(
    transport: &dyn TsaTransport,
    url: &str,
    data: &[u8],
    digest: Digest,
) -> Result<Vec<u8>, TspError> {
    stamp_hash(transport, url, digest, &digest.hash(data))
}

/// [`stamp_with`] for a hash already made with `digest` (a document
/// time-stamp hashes a file streamed, never held whole).
pub fn stamp_hash(
    transport: &dyn TsaTransport,
    url: &str,
    digest: Digest,
    hash: &[u8],
) -> Result<Vec<u8>, TspError> {
    use ring::rand::SecureRandom;
    let mut nonce = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| bad("no randomness"))?;
    nonce[0] &= 0x7F;
    nonce[0] |= 0x01;
    let req = request(digest, hash, &nonce)?;
    let resp = transport.post(url, &req).map_err(TspError::Unreachable)?;
    let token = token_from_response(&resp)?;
    let env = crate::pkcs7::parse::parse(&token).map_err(|e| bad(e.0))?;
    if env.content_type != OID_TST_INFO {
        return Err(bad("the token's content is not TSTInfo"));
    }
    let info = tst_info(
        env.content
            .as_deref()
            .ok_or_else(|| bad("the token has no TSTInfo"))?,
    )?;
    if info.imprint.as_slice() != hash {
        return Err(TspError::Mismatch("message imprint".into()));
    }
    if info.nonce.as_deref() != Some(crate::pki::cert::hex(&nonce).as_str()) {
        return Err(TspError::Mismatch("nonce".into()));
    }
    Ok(token)
}
