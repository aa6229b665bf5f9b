//! A CMS SignedData made by the signer's own client (NCALayer, the eGov
//! mobile app, a token's software) to finish a two-phase signature.
//!
//! Owns reading it ("is this the signature that was prepared": one signer,
//! the prepared certificate, the prepared content), naming the PAdES-required
//! signed attributes it lacks, and making it detached for a PDF's
//! `/Contents`. It refuses nothing that `verify` decides: the verdict on the
//! signature, its certificate and time-stamp is condition 2's, run by the
//! caller on what this module read.

use super::parse::{
    self, Envelope, OID_CONTENT_TYPE, OID_MESSAGE_DIGEST, OID_SIGNING_CERT, OID_SIGNING_CERT_V2,
    OID_SIGNING_TIME, Signer, SignerId,
};
use crate::asn1::{Walker, ctx, single};
use crate::pki::algorithms::Digest;
use crate::pki::cert::Certificate;
use der::{Encode, Header, Length, Tag};

/// The largest client CMS read (a signature, its chain, a time-stamp token).
pub const MAX_CMS: usize = 256 * 1024;

/// Why a client's CMS cannot finish the prepared signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientCmsError {
    /// Not a CMS SignedData, or larger than [`MAX_CMS`].
    #[error("the CMS cannot be read: {0}")]
    Malformed(String),
    /// Not exactly one signer.
    #[error("the CMS has {0} signers; one (the officer's) is expected")]
    SignerCount(usize),
    /// Signed with another certificate than the prepared one.
    #[error("the CMS is signed with certificate {found}, not the prepared {prepared}")]
    SignerMismatch {
        /// Serial (hex) of the prepared certificate.
        prepared: String,
        /// How the CMS names its signer's certificate.
        found: String,
    },
    /// Attached, with other content than the prepared data.
    #[error("the CMS carries other content than the prepared data")]
    ContentMismatch,
    /// The signer's digest algorithm is not one qoltanba accepts.
    #[error("the CMS's digest algorithm {0} is not supported")]
    DigestUnsupported(String),
    /// A PDF signature (PAdES) needs these signed attributes, which the client left out.
    #[error("the CMS lacks signed attributes PAdES requires: {}", .0.join(", "))]
    PadesAttributesMissing(Vec<&'static str>),
}

impl ClientCmsError {
    /// The stable code (`sign_code` in API answers).
    pub fn code(&self) -> &'static str {
        match self {
            ClientCmsError::Malformed(_) => "CMS_MALFORMED",
            ClientCmsError::SignerCount(_) => "CMS_SIGNER_COUNT",
            ClientCmsError::SignerMismatch { .. } => "CMS_SIGNER_MISMATCH",
            ClientCmsError::ContentMismatch => "CMS_CONTENT_MISMATCH",
            ClientCmsError::DigestUnsupported(_) => "ALGORITHM_UNSUPPORTED",
            ClientCmsError::PadesAttributesMissing(_) => "PADES_ATTRIBUTES_MISSING",
        }
    }
}

/// A client's CMS, read and matched to the prepared certificate.
#[derive(Debug, Clone)]
pub struct ClientCms {
    /// The envelope (normalised to DER).
    pub env: Envelope,
    /// Its one signer's digest algorithm.
    pub digest: Digest,
}

/// Reads `input` (DER, BER, PEM or base64) and checks that its one signer
/// used `cert_der`.
pub fn read(input: &[u8], cert_der: &[u8]) -> Result<ClientCms, ClientCmsError> {
    if input.len() > MAX_CMS {
        return Err(ClientCmsError::Malformed(format!(
            "{} bytes, at most {MAX_CMS}",
            input.len()
        )));
    }
    let bytes = crate::input::decode_der(input, &["CMS", "PKCS7", "PKCS #7 SIGNED DATA"])
        .map_err(|e| ClientCmsError::Malformed(e.to_string()))?;
    let env = parse::parse(&bytes).map_err(|e| ClientCmsError::Malformed(e.0))?;
    if env.signers.len() != 1 {
        return Err(ClientCmsError::SignerCount(env.signers.len()));
    }
    let cert = Certificate::from_der(cert_der)
        .map_err(|e| ClientCmsError::Malformed(format!("prepared certificate: {e}")))?;
    let s = &env.signers[0];
    let ours = match &s.sid {
        SignerId::IssuerSerial { issuer, serial } => {
            *serial == cert.serial && *issuer == cert.issuer_raw
        }
        SignerId::KeyId(k) => cert.ski.as_deref() == Some(k.as_slice()),
    };
    if !ours {
        return Err(ClientCmsError::SignerMismatch {
            prepared: cert.serial_hex(),
            found: match &s.sid {
                SignerId::IssuerSerial { serial, .. } => crate::pki::cert::hex(serial),
                SignerId::KeyId(k) => format!("key id {}", crate::pki::cert::hex(k)),
            },
        });
    }
    let digest = Digest::from_oid(&s.digest_alg.oid)
        .map_err(|_| ClientCmsError::DigestUnsupported(s.digest_alg.oid.to_string()))?;
    Ok(ClientCms { env, digest })
}

impl ClientCms {
    /// The one signer.
    pub fn signer(&self) -> &Signer {
        &self.env.signers[0]
    }

    /// Whether a signature time-stamp (CAdES-T) is among the unsigned attributes.
    pub fn timestamped(&self) -> bool {
        self.signer()
            .unsigned_attrs
            .iter()
            .any(|a| a.oid == crate::tsp::OID_SIGNATURE_TIME_STAMP)
    }

    /// The signed attribute types, by name (unknown ones by OID).
    pub fn signed_attribute_names(&self) -> Vec<String> {
        self.signer()
            .signed_attrs
            .iter()
            .map(|a| match a.oid {
                OID_CONTENT_TYPE => "content-type".to_string(),
                OID_MESSAGE_DIGEST => "message-digest".to_string(),
                OID_SIGNING_TIME => "signing-time".to_string(),
                OID_SIGNING_CERT => "signing-certificate".to_string(),
                OID_SIGNING_CERT_V2 => "signing-certificate-v2".to_string(),
                other => other.to_string(),
            })
            .collect()
    }

    /// The signed attributes PAdES (ETSI EN 319 142-1, CAdES baseline)
    /// requires and this signer lacks: content-type, message-digest, and the
    /// ESS signing-certificate-v2 (a v1 signing-certificate is accepted in
    /// its place, as the standard allows for SHA-1).
    pub fn pades_missing(&self) -> Vec<&'static str> {
        let s = self.signer();
        let mut missing = Vec::new();
        if s.signed_attrs_der.is_none() {
            return vec!["content-type", "message-digest", "signing-certificate-v2"];
        }
        if s.attr(&OID_CONTENT_TYPE).is_none() {
            missing.push("content-type");
        }
        if s.attr(&OID_MESSAGE_DIGEST).is_none() {
            missing.push("message-digest");
        }
        if s.attr(&OID_SIGNING_CERT_V2).is_none() && s.attr(&OID_SIGNING_CERT).is_none() {
            missing.push("signing-certificate-v2");
        }
        missing
    }

    /// Checks that attached content, if any, is `expected`.
    pub fn check_content(&self, expected: &[u8]) -> Result<(), ClientCmsError> {
        match &self.env.content {
            Some(c) if c.as_slice() != expected => Err(ClientCmsError::ContentMismatch),
            _ => Ok(()),
        }
    }

    /// The envelope without its content (DER), as a PDF's `/Contents` holds
    /// it: every other field keeps its exact bytes, so the signature stays.
    pub fn detached_der(&self) -> Result<Vec<u8>, ClientCmsError> {
        if self.env.content.is_none() {
            return Ok(self.env.der.clone());
        }
        detach(&self.env.der).map_err(|e| ClientCmsError::Malformed(e.to_string()))
    }
}

fn wrap(tag: Tag, content: &[u8]) -> der::Result<Vec<u8>> {
    let mut out = Header::new(tag, Length::try_from(content.len())?)?.to_der()?;
    out.extend_from_slice(content);
    Ok(out)
}

/// ContentInfo { OID, [0] SignedData { v, algs, encap { type, [0] eContent }, rest } }
/// with the eContent removed.
fn detach(ci: &[u8]) -> der::Result<Vec<u8>> {
    let outer = single(ci)?;
    let mut w = Walker::new(outer.value)?;
    let oid = w.require(Tag::ObjectIdentifier)?;
    let explicit = w.require(ctx(0))?;
    let sd = single(explicit.value)?;
    let mut f = Walker::new(sd.value)?;
    let version = f.require(Tag::Integer)?;
    let algs = f.require(Tag::Set)?;
    let encap = f.require(Tag::Sequence)?;
    let content_type = single_first(encap.value)?;
    let mut sd_content = Vec::with_capacity(sd.value.len());
    sd_content.extend_from_slice(version.raw);
    sd_content.extend_from_slice(algs.raw);
    sd_content.extend(wrap(Tag::Sequence, content_type)?);
    while !f.is_empty() {
        sd_content.extend_from_slice(f.next_tlv()?.raw);
    }
    let sd_new = wrap(Tag::Sequence, &sd_content)?;
    let mut ci_content = oid.raw.to_vec();
    ci_content.extend(wrap(ctx(0), &sd_new)?);
    wrap(Tag::Sequence, &ci_content)
}

/// The first element (eContentType) of an EncapsulatedContentInfo's content.
fn single_first(encap: &[u8]) -> der::Result<&[u8]> {
    let mut w = Walker::new(encap)?;
    Ok(w.require(Tag::ObjectIdentifier)?.raw)
}
