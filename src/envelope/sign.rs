//! Signing envelopes: CAdES-BES over content, a parallel signature added to
//! an existing envelope, a counter-signature over a signer's signature, and
//! unsigned attributes (time-stamp tokens) added after the fact.
//!
//! Owns turning a `Signer` and its certificate chain into envelopes that
//! `openssl cms -verify` and `qoltanba verify` accept. Refuses to re-encode an
//! envelope when that would break a signature already in it.

use super::build::{self, BuildError, SignerSpec};
use super::parse::{OID_MESSAGE_DIGEST, OID_SIGNED_DATA, OID_SIGNING_CERT_V2, OID_SIGNING_TIME};
use crate::pki::signer::Signer;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerInfo, SignerInfos};
use der::asn1::{Any, ObjectIdentifier as Oid, OctetString, SetOfVec};
use der::{Decode, Encode};
use x509_cert::attr::Attribute;

/// id-countersignature (RFC 5652 11.4).
pub const OID_COUNTERSIGNATURE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.6");

/// Why signing failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignEnvelopeError {
    /// Building or encoding failed (bad certificate, key error).
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The existing envelope is not a readable SignedData.
    #[error("the existing envelope cannot be read: {0}")]
    Envelope(String),
    /// Detached envelope and no content given.
    #[error("the envelope is detached: give the signed data")]
    ContentMissing,
    /// No signer with that index.
    #[error("the envelope has no signer #{0}")]
    NoSuchSigner(usize),
    /// The TSA could not give a token.
    #[error("time-stamp: {0}")]
    Tsa(String),
    /// Re-encoding would break a signature already in the envelope.
    #[error(
        "re-encoding would break signer #{0}'s signature (its signed attributes are not in DER order)"
    )]
    WouldBreak(usize),
}

/// How to write an envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Binary DER.
    #[default]
    Der,
    /// PEM with the `CMS` label.
    Pem,
    /// Base64 text (one line).
    Base64,
}

/// Encodes DER in the requested format.
pub fn encode_output(der: &[u8], format: OutputFormat) -> Vec<u8> {
    use base64::Engine;
    match format {
        OutputFormat::Der => der.to_vec(),
        OutputFormat::Pem => pem::encode(&pem::Pem::new("CMS", der.to_vec())).into_bytes(),
        OutputFormat::Base64 => {
            let mut s = base64::engine::general_purpose::STANDARD
                .encode(der)
                .into_bytes();
            s.push(b'\n');
            s
        }
    }
}

/// Signs `content` (CAdES-BES: content-type, message-digest, signing-time,
/// ESS signing-certificate-v2) and embeds the whole chain.
pub fn sign(
    content: &[u8],
    attached: bool,
    key: &dyn Signer,
    cert: &[u8],
    chain: &[Vec<u8>],
    signing_time: i64,
) -> Result<Vec<u8>, SignEnvelopeError> {
    // The signer's parts are encoded once per certificate and chain
    // (`identity`); the output is what `sign_slow` makes, byte for byte.
    let id = super::identity::Identity::cached(cert, chain, key.scheme())?;
    Ok(id.sign(content, attached, key, Some(signing_time))?)
}

/// [`sign`] built through the `cms` types in one go, every part encoded
/// anew (the reference the pre-encoded path is held to).
pub fn sign_slow(
    content: &[u8],
    attached: bool,
    key: &dyn Signer,
    cert: &[u8],
    chain: &[Vec<u8>],
    signing_time: i64,
) -> Result<Vec<u8>, SignEnvelopeError> {
    let mut certs: Vec<&[u8]> = vec![cert];
    certs.extend(chain.iter().map(Vec::as_slice));
    let sd = build::signed_data(
        content,
        attached,
        &[SignerSpec::cades(cert, key, Some(signing_time))],
        &certs,
    )?;
    Ok(build::encode(&sd)?)
}

fn decode(envelope: &[u8]) -> Result<SignedData, SignEnvelopeError> {
    let bytes = crate::input::decode_der(envelope, &["CMS", "PKCS7"])
        .map_err(|e| SignEnvelopeError::Envelope(e.to_string()))?;
    let der =
        crate::asn1::ber::to_der(&bytes).map_err(|e| SignEnvelopeError::Envelope(e.to_string()))?;
    let ci = ContentInfo::from_der(&der).map_err(|e| SignEnvelopeError::Envelope(e.to_string()))?;
    if ci.content_type != OID_SIGNED_DATA {
        return Err(SignEnvelopeError::Envelope("not signedData".into()));
    }
    ci.content
        .decode_as::<SignedData>()
        .map_err(|e| SignEnvelopeError::Envelope(e.to_string()))
}

/// The signatures of an envelope's signers, as parsed from its exact bytes.
fn signed_attr_bytes(envelope: &[u8]) -> Result<Vec<Option<Vec<u8>>>, SignEnvelopeError> {
    let bytes = crate::input::decode_der(envelope, &["CMS", "PKCS7"])
        .map_err(|e| SignEnvelopeError::Envelope(e.to_string()))?;
    let env = super::parse::parse(&bytes).map_err(|e| SignEnvelopeError::Envelope(e.0))?;
    Ok(env
        .signers
        .into_iter()
        .map(|s| s.signed_attrs_der)
        .collect())
}

/// Re-encodes `sd`, refusing when a signer's signed attributes would change.
fn reencode(original: &[u8], sd: &SignedData) -> Result<Vec<u8>, SignEnvelopeError> {
    let before = signed_attr_bytes(original)?;
    let out = build::encode(sd)?;
    let after = signed_attr_bytes(&out)?;
    for (i, b) in before.iter().enumerate() {
        if b.is_some() && !after.contains(b) {
            return Err(SignEnvelopeError::WouldBreak(i + 1));
        }
    }
    Ok(out)
}

fn add_certs(sd: &mut SignedData, certs: &[&[u8]]) -> Result<(), SignEnvelopeError> {
    use cms::cert::CertificateChoices;
    let mut set = sd.certificates.take().map(|c| c.0).unwrap_or_default();
    for c in certs {
        let cert =
            x509_cert::Certificate::from_der(c).map_err(|e| BuildError::Encoding(e.to_string()))?;
        let choice = CertificateChoices::Certificate(cert);
        if !set.iter().any(|x| x == &choice) {
            set.insert(choice)
                .map_err(|e| BuildError::Encoding(e.to_string()))?;
        }
    }
    sd.certificates = Some(cms::signed_data::CertificateSet(set));
    Ok(())
}

/// Adds a parallel signature (co-signature) over the same content.
pub fn add_signer(
    envelope: &[u8],
    content: Option<&[u8]>,
    key: &dyn Signer,
    cert: &[u8],
    chain: &[Vec<u8>],
    signing_time: i64,
) -> Result<Vec<u8>, SignEnvelopeError> {
    let mut sd = decode(envelope)?;
    let attached =
        sd.encap_content_info.econtent.as_ref().map(|a| {
            OctetString::from_der(&a.to_der().unwrap_or_default()).map(|o| o.into_bytes())
        });
    let content = match (attached, content) {
        (Some(Ok(c)), _) => c,
        (Some(Err(e)), _) => return Err(SignEnvelopeError::Envelope(format!("eContent: {e}"))),
        (None, Some(c)) => c.to_vec(),
        (None, None) => return Err(SignEnvelopeError::ContentMissing),
    };
    let si = build::signer_info(
        &content,
        sd.encap_content_info.econtent_type,
        &SignerSpec::cades(cert, key, Some(signing_time)),
    )?;
    let mut digests = sd.digest_algorithms.clone();
    if !digests.iter().any(|d| d == &si.digest_alg) {
        digests
            .insert(si.digest_alg.clone())
            .map_err(|e| BuildError::Encoding(e.to_string()))?;
    }
    sd.digest_algorithms = digests;
    let mut infos: Vec<SignerInfo> = sd.signer_infos.0.iter().cloned().collect();
    infos.push(si);
    sd.signer_infos =
        SignerInfos(SetOfVec::try_from(infos).map_err(|e| BuildError::Encoding(e.to_string()))?);
    let mut certs: Vec<&[u8]> = vec![cert];
    certs.extend(chain.iter().map(Vec::as_slice));
    add_certs(&mut sd, &certs)?;
    reencode(envelope, &sd)
}

/// The signer at 1-based `index` in the order the envelope lists them.
fn signer_position(sd: &SignedData, index: usize) -> Result<usize, SignEnvelopeError> {
    if index == 0 || index > sd.signer_infos.0.len() {
        return Err(SignEnvelopeError::NoSuchSigner(index));
    }
    Ok(index - 1)
}

/// Adds an unsigned attribute value to signer `index` (1-based).
pub fn add_unsigned_attribute(
    envelope: &[u8],
    index: usize,
    oid: Oid,
    value: Any,
) -> Result<Vec<u8>, SignEnvelopeError> {
    let mut sd = decode(envelope)?;
    let pos = signer_position(&sd, index)?;
    let mut infos: Vec<SignerInfo> = sd.signer_infos.0.iter().cloned().collect();
    let si = &mut infos[pos];
    let mut attrs = si.unsigned_attrs.take().unwrap_or_default();
    let existing = attrs.iter().position(|a: &Attribute| a.oid == oid);
    let enc = |e: der::Error| SignEnvelopeError::Build(BuildError::Encoding(e.to_string()));
    match existing {
        Some(i) => {
            let mut list: Vec<Attribute> = attrs.into_vec();
            list[i].values.insert(value).map_err(enc)?;
            attrs = SetOfVec::try_from(list).map_err(enc)?;
        }
        None => {
            let mut values = SetOfVec::new();
            values.insert(value).map_err(enc)?;
            attrs.insert(Attribute { oid, values }).map_err(enc)?;
        }
    }
    si.unsigned_attrs = Some(attrs);
    sd.signer_infos = SignerInfos(SetOfVec::try_from(infos).map_err(enc)?);
    reencode(envelope, &sd)
}

/// The signature value of signer `index` (1-based) of an envelope.
pub fn signature_value(envelope: &[u8], index: usize) -> Result<Vec<u8>, SignEnvelopeError> {
    let sd = decode(envelope)?;
    let pos = signer_position(&sd, index)?;
    Ok(sd
        .signer_infos
        .0
        .iter()
        .nth(pos)
        .map(|s| s.signature.as_bytes().to_vec())
        .unwrap_or_default())
}

/// Counter-signs signer `index` (1-based): a SignerInfo over that signer's
/// signature value, stored as its countersignature attribute.
pub fn counter_sign(
    envelope: &[u8],
    index: usize,
    key: &dyn Signer,
    cert: &[u8],
    chain: &[Vec<u8>],
    signing_time: i64,
) -> Result<Vec<u8>, SignEnvelopeError> {
    let parent_sig = signature_value(envelope, index)?;
    let cs = counter_signer_info(&parent_sig, key, cert, signing_time)?;
    let value = Any::encode_from(&cs).map_err(|e| BuildError::Encoding(e.to_string()))?;
    let with_attr = add_unsigned_attribute(envelope, index, OID_COUNTERSIGNATURE, value)?;
    let mut sd = decode(&with_attr)?;
    let mut certs: Vec<&[u8]> = vec![cert];
    certs.extend(chain.iter().map(Vec::as_slice));
    add_certs(&mut sd, &certs)?;
    reencode(envelope, &sd)
}

/// A countersignature SignerInfo: signed attributes message-digest (of the
/// parent's signature value), signing-time and ESS signing-certificate-v2,
/// and no content-type (RFC 5652 11.4).
pub fn counter_signer_info(
    parent_signature: &[u8],
    key: &dyn Signer,
    cert: &[u8],
    signing_time: i64,
) -> Result<SignerInfo, SignEnvelopeError> {
    // Start from a normal CAdES SignerInfo, then rebuild its attributes without content-type.
    let mut si = build::signer_info(
        parent_signature,
        super::parse::OID_DATA,
        &SignerSpec::cades(cert, key, Some(signing_time)),
    )?;
    let enc = |e: der::Error| SignEnvelopeError::Build(BuildError::Encoding(e.to_string()));
    let attrs: Vec<Attribute> = si
        .signed_attrs
        .take()
        .map(|a| a.into_vec())
        .unwrap_or_default()
        .into_iter()
        .filter(|a| [OID_MESSAGE_DIGEST, OID_SIGNING_TIME, OID_SIGNING_CERT_V2].contains(&a.oid))
        .collect();
    let attrs = SetOfVec::try_from(attrs).map_err(enc)?;
    let sig = key
        .sign(&attrs.to_der().map_err(enc)?)
        .map_err(BuildError::Sign)?;
    si.signed_attrs = Some(attrs);
    si.signature = OctetString::new(sig).map_err(enc)?;
    Ok(si)
}

/// Asks the TSA at `url` for a token over signer `index`'s signature value and
/// adds it as that signer's signature time-stamp (CAdES-T).
pub fn add_signature_timestamp(
    envelope: &[u8],
    index: usize,
    transport: &dyn crate::tsp::TsaTransport,
    url: &str,
) -> Result<Vec<u8>, SignEnvelopeError> {
    add_signature_timestamp_with(
        envelope,
        index,
        transport,
        url,
        crate::pki::algorithms::Digest::Sha256,
    )
}

/// [`add_signature_timestamp`] with the token's imprint made by `digest`
/// (a GOST TSA is asked for a GOST imprint).
pub fn add_signature_timestamp_with(
    envelope: &[u8],
    index: usize,
    transport: &dyn crate::tsp::TsaTransport,
    url: &str,
    digest: crate::pki::algorithms::Digest,
) -> Result<Vec<u8>, SignEnvelopeError> {
    let value = signature_value(envelope, index)?;
    let token = crate::tsp::stamp_with(transport, url, &value, digest)
        .map_err(|e| SignEnvelopeError::Tsa(e.to_string()))?;
    let any = Any::from_der(&token).map_err(|e| SignEnvelopeError::Tsa(format!("token: {e}")))?;
    add_unsigned_attribute(envelope, index, crate::tsp::OID_SIGNATURE_TIME_STAMP, any)
}
