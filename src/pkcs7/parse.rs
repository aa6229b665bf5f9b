//! Parsing a CMS SignedData (RFC 5652) into the parts verification needs.
//!
//! Owns reading ContentInfo → SignedData → SignerInfos, keeping the exact
//! bytes where signatures cover them (signed attributes, certificates) instead
//! of re-encoding. Refuses anything that is not signedData, wrong field order
//! or tags, duplicate or multi-valued content-type/message-digest/signing-time
//! attributes, and more than `MAX_SIGNERS` signers or `MAX_CERTS` certificates.

use crate::asn1::{Tlv, Walker, ctx, ctx_prim, single};
use der::{Decode, Tag, asn1::ObjectIdentifier as Oid};
use spki::AlgorithmIdentifierOwned;

/// Largest envelope accepted, in bytes.
pub const MAX_ENVELOPE_LEN: usize = 64 * 1024 * 1024;
/// Most signers per envelope.
pub const MAX_SIGNERS: usize = 16;
/// Most certificates per envelope.
pub const MAX_CERTS: usize = 64;

/// id-signedData
pub const OID_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
/// id-data
pub const OID_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
/// id-contentType
pub const OID_CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
/// id-messageDigest
pub const OID_MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
/// id-signingTime
pub const OID_SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
/// id-aa-signingCertificate (ESS, SHA-1)
pub const OID_SIGNING_CERT: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.12");
/// id-aa-signingCertificateV2 (ESS)
pub const OID_SIGNING_CERT_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// Why an envelope is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FormatError(pub String);

fn fe(e: impl std::fmt::Display) -> FormatError {
    FormatError(e.to_string())
}

/// The SEQUENCEs of SignedData's optional `certificates` or `crls` set
/// (`what`), at most [`MAX_CERTS`]; other choices (attribute certificates,
/// other formats) are ignored.
fn sequences(set: Option<Tlv<'_>>, what: &str) -> Result<Vec<Vec<u8>>, FormatError> {
    let mut out = Vec::new();
    let Some(set) = set else { return Ok(out) };
    let mut w = Walker::new(set.value).map_err(fe)?;
    while !w.is_empty() {
        let c = w.next_tlv().map_err(fe)?;
        if c.tag == Tag::Sequence {
            out.push(c.raw.to_vec());
        }
        if out.len() > MAX_CERTS {
            return Err(FormatError(format!("more than {MAX_CERTS} {what}")));
        }
    }
    Ok(out)
}

/// How a SignerInfo names its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerId {
    /// issuerAndSerialNumber: raw issuer name DER and serial content octets.
    IssuerSerial {
        /// Issuer name DER.
        issuer: Vec<u8>,
        /// Serial content octets, leading zeros removed.
        serial: Vec<u8>,
    },
    /// subjectKeyIdentifier.
    KeyId(Vec<u8>),
}

/// One attribute: its type and the raw DER of each value.
#[derive(Debug, Clone)]
pub struct Attribute {
    /// attrType
    pub oid: Oid,
    /// Each value's whole TLV.
    pub values: Vec<Vec<u8>>,
}

/// One SignerInfo.
#[derive(Debug, Clone)]
pub struct Signer {
    /// CMS version of the SignerInfo.
    pub version: u8,
    /// How the certificate is named.
    pub sid: SignerId,
    /// digestAlgorithm
    pub digest_alg: AlgorithmIdentifierOwned,
    /// The signed attributes as signed: the SET OF encoding (tag 0x31) of the
    /// `[0]` field's exact content.
    pub signed_attrs_der: Option<Vec<u8>>,
    /// The signed attributes, parsed.
    pub signed_attrs: Vec<Attribute>,
    /// signatureAlgorithm
    pub sig_alg: AlgorithmIdentifierOwned,
    /// The signature value.
    pub signature: Vec<u8>,
    /// Unsigned attributes, parsed.
    pub unsigned_attrs: Vec<Attribute>,
    /// The SignerInfo's fields version, sid, digestAlgorithm, signedAttrs,
    /// signatureAlgorithm and signature as encoded, one after the other:
    /// what an archive-time-stamp-v3 covers of it (ETSI EN 319 122-1 5.5.3).
    pub archived_fields: Vec<u8>,
}

impl Signer {
    /// The single value of a signed attribute, if present.
    pub fn attr(&self, oid: &Oid) -> Option<&[u8]> {
        self.signed_attrs
            .iter()
            .find(|a| a.oid == *oid)
            .and_then(|a| a.values.first())
            .map(|v| v.as_slice())
    }
}

/// A parsed SignedData.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// The envelope as DER (after BER normalisation).
    pub der: Vec<u8>,
    /// Whether the input needed BER normalisation.
    pub was_ber: bool,
    /// SignedData version.
    pub version: u8,
    /// eContentType
    pub content_type: Oid,
    /// eContent, when attached.
    pub content: Option<Vec<u8>>,
    /// Certificates carried (raw DER of each).
    pub certs: Vec<Vec<u8>>,
    /// CRLs carried (raw DER of each).
    pub crls: Vec<Vec<u8>>,
    /// The signers.
    pub signers: Vec<Signer>,
}

fn small_int(t: &Tlv<'_>) -> Result<u8, FormatError> {
    if t.tag != Tag::Integer || t.value.len() != 1 {
        return Err(FormatError("version is not a small INTEGER".into()));
    }
    Ok(t.value[0])
}

fn oid_of(t: &Tlv<'_>) -> Result<Oid, FormatError> {
    Oid::from_der(t.raw).map_err(fe)
}

fn attributes(set_content: &[u8]) -> Result<Vec<Attribute>, FormatError> {
    let mut out: Vec<Attribute> = Vec::new();
    let mut w = Walker::new(set_content).map_err(fe)?;
    while !w.is_empty() {
        let a = w.require(Tag::Sequence).map_err(fe)?;
        let mut f = Walker::new(a.value).map_err(fe)?;
        let oid = oid_of(&f.require(Tag::ObjectIdentifier).map_err(fe)?)?;
        let vals = f.require(Tag::Set).map_err(fe)?;
        if !f.is_empty() {
            return Err(FormatError("attribute has trailing fields".into()));
        }
        let mut values = Vec::new();
        let mut v = Walker::new(vals.value).map_err(fe)?;
        while !v.is_empty() {
            values.push(v.next_tlv().map_err(fe)?.raw.to_vec());
        }
        if values.is_empty() {
            return Err(FormatError(format!("attribute {oid} has no value")));
        }
        if out.iter().any(|x| x.oid == oid)
            && [
                OID_CONTENT_TYPE,
                OID_MESSAGE_DIGEST,
                OID_SIGNING_TIME,
                OID_SIGNING_CERT,
                OID_SIGNING_CERT_V2,
            ]
            .contains(&oid)
        {
            return Err(FormatError(format!("attribute {oid} appears twice")));
        }
        out.push(Attribute { oid, values });
    }
    Ok(out)
}

/// Parses one SignerInfo from its DER (countersignatures are SignerInfos).
pub fn signer_from_der(raw: &[u8]) -> Result<Signer, FormatError> {
    signer(&single(raw).map_err(fe)?)
}

fn signer(t: &Tlv<'_>) -> Result<Signer, FormatError> {
    if t.tag != Tag::Sequence {
        return Err(FormatError("SignerInfo is not a SEQUENCE".into()));
    }
    let mut w = Walker::new(t.value).map_err(fe)?;
    let version = small_int(&w.next_tlv().map_err(fe)?)?;
    let sid_t = w.next_tlv().map_err(fe)?;
    let sid = if sid_t.tag == Tag::Sequence {
        let mut s = Walker::new(sid_t.value).map_err(fe)?;
        let issuer = s.require(Tag::Sequence).map_err(fe)?.raw.to_vec();
        let serial = s.require(Tag::Integer).map_err(fe)?.value;
        if !s.is_empty() {
            return Err(FormatError(
                "issuerAndSerialNumber has trailing fields".into(),
            ));
        }
        SignerId::IssuerSerial {
            issuer,
            serial: crate::pki::cert::strip_zeros(serial),
        }
    } else if sid_t.tag == ctx_prim(0) {
        SignerId::KeyId(sid_t.value.to_vec())
    } else {
        return Err(FormatError(
            "signer identifier is neither issuerAndSerialNumber nor subjectKeyIdentifier".into(),
        ));
    };
    let digest_alg = AlgorithmIdentifierOwned::from_der(w.require(Tag::Sequence).map_err(fe)?.raw)
        .map_err(fe)?;
    let (signed_attrs_der, signed_attrs) = match w.optional(ctx(0)).map_err(fe)? {
        Some(a) => {
            let mut der = vec![0x31];
            der.extend_from_slice(&a.raw[1..]);
            (Some(der), attributes(a.value)?)
        }
        None => (None, Vec::new()),
    };
    let sig_alg = AlgorithmIdentifierOwned::from_der(w.require(Tag::Sequence).map_err(fe)?.raw)
        .map_err(fe)?;
    let signature = w.require(Tag::OctetString).map_err(fe)?.value.to_vec();
    let (unsigned_attrs, unsigned_len) = match w.optional(ctx(1)).map_err(fe)? {
        Some(a) => (attributes(a.value)?, a.raw.len()),
        None => (Vec::new(), 0),
    };
    if !w.is_empty() {
        return Err(FormatError("SignerInfo has trailing fields".into()));
    }
    if signed_attrs_der.is_some() && signed_attrs.is_empty() {
        return Err(FormatError(
            "signed attributes are present but empty".into(),
        ));
    }
    Ok(Signer {
        version,
        sid,
        digest_alg,
        signed_attrs_der,
        signed_attrs,
        sig_alg,
        signature,
        unsigned_attrs,
        archived_fields: t.value[..t.value.len() - unsigned_len].to_vec(),
    })
}

/// Parses a SignedData ContentInfo given as BER or DER bytes.
pub fn parse(input: &[u8]) -> Result<Envelope, FormatError> {
    if input.len() > MAX_ENVELOPE_LEN {
        return Err(FormatError(format!(
            "envelope of {} bytes exceeds {MAX_ENVELOPE_LEN}",
            input.len()
        )));
    }
    // DER parses as it is; anything else is normalised from BER first.
    if let Ok(env) = parse_der(input.to_vec(), false) {
        return Ok(env);
    }
    let der = crate::asn1::ber::to_der(input).map_err(fe)?;
    let was_ber = der != input;
    parse_der(der, was_ber)
}

fn parse_der(der: Vec<u8>, was_ber: bool) -> Result<Envelope, FormatError> {
    let top = single(&der).map_err(fe)?;
    if top.tag != Tag::Sequence {
        return Err(FormatError("ContentInfo is not a SEQUENCE".into()));
    }
    let mut ci = Walker::new(top.value).map_err(fe)?;
    let ct = oid_of(&ci.require(Tag::ObjectIdentifier).map_err(fe)?)?;
    if ct != OID_SIGNED_DATA {
        return Err(FormatError(format!("content type {ct} is not signedData")));
    }
    let explicit = ci.require(ctx(0)).map_err(fe)?;
    if !ci.is_empty() {
        return Err(FormatError("ContentInfo has trailing fields".into()));
    }
    let sd_t = single(explicit.value).map_err(fe)?;
    if sd_t.tag != Tag::Sequence {
        return Err(FormatError("SignedData is not a SEQUENCE".into()));
    }
    let mut sd = Walker::new(sd_t.value).map_err(fe)?;
    let version = small_int(&sd.next_tlv().map_err(fe)?)?;
    let digest_algs = sd.require(Tag::Set).map_err(fe)?;
    let mut d = Walker::new(digest_algs.value).map_err(fe)?;
    while !d.is_empty() {
        AlgorithmIdentifierOwned::from_der(d.require(Tag::Sequence).map_err(fe)?.raw)
            .map_err(fe)?;
    }
    let eci = sd.require(Tag::Sequence).map_err(fe)?;
    let mut e = Walker::new(eci.value).map_err(fe)?;
    let content_type = oid_of(&e.require(Tag::ObjectIdentifier).map_err(fe)?)?;
    let content = match e.optional(ctx(0)).map_err(fe)? {
        Some(ec) => {
            let os = single(ec.value).map_err(fe)?;
            if os.tag != Tag::OctetString {
                return Err(FormatError("eContent is not an OCTET STRING".into()));
            }
            Some(os.value.to_vec())
        }
        None => None,
    };
    if !e.is_empty() {
        return Err(FormatError(
            "EncapsulatedContentInfo has trailing fields".into(),
        ));
    }
    let certs = sequences(sd.optional(ctx(0)).map_err(fe)?, "certificates")?;
    let crls = sequences(sd.optional(ctx(1)).map_err(fe)?, "CRLs")?;
    let sis = sd.require(Tag::Set).map_err(fe)?;
    if !sd.is_empty() {
        return Err(FormatError("SignedData has trailing fields".into()));
    }
    let mut signers = Vec::new();
    let mut w = Walker::new(sis.value).map_err(fe)?;
    while !w.is_empty() {
        if signers.len() >= MAX_SIGNERS {
            return Err(FormatError(format!("more than {MAX_SIGNERS} signers")));
        }
        signers.push(signer(&w.next_tlv().map_err(fe)?)?);
    }
    if signers.is_empty() {
        return Err(FormatError("the envelope has no signer".into()));
    }
    Ok(Envelope {
        der,
        was_ber,
        version,
        content_type,
        content,
        certs,
        crls,
        signers,
    })
}
