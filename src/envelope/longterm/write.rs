//! Raising a CAdES signature's level: validation data as
//! `certificate-values` / `revocation-values`, and archive time-stamps v3
//! with their `ats-hash-index-v3` (ETSI EN 319 122-1 5.5.2, 5.5.3).

use super::{
    Embedded, Level, OID_ARCHIVE_TIME_STAMP_V3, OID_ATS_HASH_INDEX_V3, OID_CERT_VALUES,
    OID_REVOCATION_VALUES,
};
use crate::envelope::build::BuildError;
use crate::envelope::parse::{self, Envelope, Signer};
use crate::envelope::sign::{SignEnvelopeError, add_unsigned_attribute};
use crate::pki::algorithms::Digest;
use der::asn1::{Any, ContextSpecific, OctetString};
use der::{Decode, Encode, TagMode, TagNumber};

fn enc(e: impl std::fmt::Display) -> SignEnvelopeError {
    SignEnvelopeError::Build(BuildError::Encoding(e.to_string()))
}

fn read(envelope: &[u8]) -> Result<Envelope, SignEnvelopeError> {
    let der = crate::input::decode_der(envelope, &["CMS", "PKCS7"])
        .map_err(|e| SignEnvelopeError::Envelope(e.to_string()))?;
    parse::parse(&der).map_err(|e| SignEnvelopeError::Envelope(e.0))
}

fn signer(env: &Envelope, index: usize) -> Result<&Signer, SignEnvelopeError> {
    if index == 0 {
        return Err(SignEnvelopeError::NoSuchSigner(index));
    }
    env.signers
        .get(index - 1)
        .ok_or(SignEnvelopeError::NoSuchSigner(index))
}

/// Adds `data` to signer `index` (1-based) as certificate-values and
/// revocation-values (RFC 5126 6.3.3, 6.3.4): certificates as they are,
/// CRLs as CertificateList, OCSP responses as BasicOCSPResponse. A signer
/// that already carries them is left as it is (changing them would break an
/// archive time-stamp over them).
pub fn add_validation_data(
    envelope: &[u8],
    index: usize,
    data: &Embedded,
) -> Result<Vec<u8>, SignEnvelopeError> {
    let env = read(envelope)?;
    let s = signer(&env, index)?;
    let has = |oid| s.unsigned_attrs.iter().any(|a| a.oid == oid);
    let mut out = env.der.clone();
    if !has(OID_CERT_VALUES) && !data.certs.is_empty() {
        let list: Vec<Any> = data
            .certs
            .iter()
            .map(|c| Any::from_der(c))
            .collect::<Result<_, _>>()
            .map_err(enc)?;
        let value = Any::from_der(&list.to_der().map_err(enc)?).map_err(enc)?;
        out = add_unsigned_attribute(&out, index, OID_CERT_VALUES, value)?;
    }
    let revocation = !data.crls.is_empty() || !data.ocsps.is_empty();
    if revocation && !has(OID_REVOCATION_VALUES) {
        out = add_unsigned_attribute(&out, index, OID_REVOCATION_VALUES, revocation_values(data)?)?;
    }
    Ok(out)
}

/// RevocationValues ::= SEQUENCE { crlVals [0] SEQUENCE OF CertificateList
/// OPTIONAL, ocspVals [1] SEQUENCE OF BasicOCSPResponse OPTIONAL, … }
/// (explicit tags, RFC 5126 A.1).
fn revocation_values(data: &Embedded) -> Result<Any, SignEnvelopeError> {
    let any_list = |items: &[Vec<u8>]| -> Result<Vec<Any>, SignEnvelopeError> {
        items
            .iter()
            .map(|c| Any::from_der(c).map_err(enc))
            .collect()
    };
    let mut fields: Vec<Any> = Vec::new();
    if !data.crls.is_empty() {
        let crls = ContextSpecific {
            tag_number: TagNumber::N0,
            tag_mode: TagMode::Explicit,
            value: any_list(&data.crls)?,
        };
        fields.push(Any::from_der(&crls.to_der().map_err(enc)?).map_err(enc)?);
    }
    let basics: Vec<Vec<u8>> = data
        .ocsps
        .iter()
        .filter_map(|r| super::ocsp_basic(r))
        .collect();
    if !basics.is_empty() {
        let ocsps = ContextSpecific {
            tag_number: TagNumber::N1,
            tag_mode: TagMode::Explicit,
            value: any_list(&basics)?,
        };
        fields.push(Any::from_der(&ocsps.to_der().map_err(enc)?).map_err(enc)?);
    }
    // A SEQUENCE of the tagged fields.
    let body: Vec<u8> = fields
        .iter()
        .map(|f| f.to_der())
        .collect::<Result<Vec<_>, _>>()
        .map_err(enc)?
        .concat();
    Any::new(der::Tag::Sequence, body).map_err(enc)
}

/// ATSHashIndexV3 ::= SEQUENCE { hashIndAlgorithm AlgorithmIdentifier
/// DEFAULT sha256, certificatesHashIndex SEQUENCE OF OCTET STRING,
/// crlsHashIndex SEQUENCE OF OCTET STRING, unsignedAttrValuesHashIndex
/// SEQUENCE OF OCTET STRING }: the hash of every certificate and CRL of the
/// SignedData and of every unsigned attribute value of the signer (its
/// type's encoding, then the value's), as they are now.
pub fn ats_hash_index(env: &Envelope, s: &Signer, digest: Digest) -> Result<Vec<u8>, String> {
    let os = |v: Vec<u8>| OctetString::new(v).map_err(|e| e.to_string());
    let hashes = |items: &[Vec<u8>]| -> Result<Vec<OctetString>, String> {
        items.iter().map(|i| os(digest.hash(i))).collect()
    };
    let mut attrs = Vec::new();
    for a in &s.unsigned_attrs {
        let t = a.oid.to_der().map_err(|e| e.to_string())?;
        for v in &a.values {
            attrs.push(os(digest.hash(&[t.as_slice(), v].concat()))?);
        }
    }
    let mut body = Vec::new();
    if digest != Digest::Sha256 {
        body.extend(
            crate::envelope::build::digest_alg_id(digest)
                .to_der()
                .map_err(|e| e.to_string())?,
        );
    }
    for list in [hashes(&env.certs)?, hashes(&env.crls)?, attrs] {
        body.extend(list.to_der().map_err(|e| e.to_string())?);
    }
    Any::new(der::Tag::Sequence, body)
        .and_then(|a| a.to_der())
        .map_err(|e| e.to_string())
}

/// What an archive-time-stamp-v3's imprint is the hash of: the eContentType's
/// encoding, the hash of the signed content, the signer's fields up to its
/// signature, and the ATSHashIndexV3 (EN 319 122-1 5.5.3).
pub fn archived_bytes(
    env: &Envelope,
    s: &Signer,
    content: &[u8],
    digest: Digest,
    index: &[u8],
) -> Result<Vec<u8>, String> {
    let mut out = env.content_type.to_der().map_err(|e| e.to_string())?;
    out.extend(digest.hash(content));
    out.extend_from_slice(&s.archived_fields);
    out.extend_from_slice(index);
    Ok(out)
}

/// Asks the TSA at `url` for an archive time-stamp v3 over signer `index`
/// (1-based) and adds it. `content` is the signed data of a detached envelope.
pub fn add_archive_timestamp(
    envelope: &[u8],
    index: usize,
    content: Option<&[u8]>,
    transport: &dyn crate::tsp::TsaTransport,
    url: &str,
    digest: Digest,
) -> Result<Vec<u8>, SignEnvelopeError> {
    let env = read(envelope)?;
    let s = signer(&env, index)?;
    let content = env
        .content
        .as_deref()
        .or(content)
        .ok_or(SignEnvelopeError::ContentMissing)?;
    let hash_index = ats_hash_index(&env, s, digest).map_err(enc)?;
    let covered = archived_bytes(&env, s, content, digest, &hash_index).map_err(enc)?;
    let token = crate::tsp::stamp_with(transport, url, &covered, digest)
        .map_err(|e| SignEnvelopeError::Tsa(e.to_string()))?;
    let token = add_unsigned_attribute(
        &token,
        1,
        OID_ATS_HASH_INDEX_V3,
        Any::from_der(&hash_index).map_err(enc)?,
    )?;
    let value = Any::from_der(&token).map_err(|e| SignEnvelopeError::Tsa(format!("token: {e}")))?;
    add_unsigned_attribute(&env.der, index, OID_ARCHIVE_TIME_STAMP_V3, value)
}

/// Raises signer `index` (1-based) to `level`: a signature time-stamp when
/// it has none (B-T), then `data` as validation data (B-LT), then an
/// archive time-stamp (B-LTA; another one each time when already there).
#[allow(clippy::too_many_arguments)]
pub fn extend(
    envelope: &[u8],
    index: usize,
    level: Level,
    content: Option<&[u8]>,
    transport: &dyn crate::tsp::TsaTransport,
    url: &str,
    digest: Digest,
    data: &dyn Fn(&[u8]) -> Embedded,
) -> Result<Vec<u8>, SignEnvelopeError> {
    let mut out = read(envelope)?.der;
    if level >= Level::BT {
        let env = read(&out)?;
        let s = signer(&env, index)?;
        if !s
            .unsigned_attrs
            .iter()
            .any(|a| a.oid == crate::tsp::OID_SIGNATURE_TIME_STAMP)
        {
            out = crate::envelope::sign::add_signature_timestamp_with(
                &out, index, transport, url, digest,
            )?;
        }
    }
    if level >= Level::BLt {
        let material = data(&out);
        out = add_validation_data(&out, index, &material)?;
    }
    if level >= Level::BLta {
        out = add_archive_timestamp(&out, index, content, transport, url, digest)?;
    }
    Ok(out)
}

/// The validation data for signer `index` (1-based) of `envelope`: the
/// certificates of its path and of its signature time-stamp's TSA path (from
/// the envelope, the token and `store`, up to and including the anchors),
/// and those of `crls` (DER or PEM, each possibly a bundle) issued by a CA
/// of those paths.
pub fn material(
    envelope: &[u8],
    index: usize,
    store: &crate::pki::TrustStore,
    crls: &[Vec<u8>],
) -> Embedded {
    use crate::pki::cert::Certificate;
    let Ok(env) = read(envelope) else {
        return Embedded::default();
    };
    let Ok(s) = signer(&env, index) else {
        return Embedded::default();
    };
    let mut pool: Vec<Certificate> = env
        .certs
        .iter()
        .filter_map(|c| Certificate::from_der(c).ok())
        .collect();
    // The signature time-stamp's own certificates.
    let token = s
        .unsigned_attrs
        .iter()
        .find(|a| a.oid == crate::tsp::OID_SIGNATURE_TIME_STAMP)
        .and_then(|a| a.values.first())
        .and_then(|t| parse::parse(t).ok());
    let mut leaves: Vec<Certificate> = Vec::new();
    let find = |sid: &parse::SignerId, pool: &[Certificate]| {
        pool.iter()
            .find(|c| match sid {
                parse::SignerId::IssuerSerial { issuer, serial } => {
                    c.serial == *serial && c.issuer_raw == *issuer
                }
                parse::SignerId::KeyId(k) => c.ski.as_deref() == Some(k.as_slice()),
            })
            .cloned()
    };
    if let Some(c) = find(&s.sid, &pool) {
        leaves.push(c);
    }
    if let Some(t) = &token {
        let tpool: Vec<Certificate> = t
            .certs
            .iter()
            .filter_map(|c| Certificate::from_der(c).ok())
            .collect();
        if let Some(c) = t.signers.first().and_then(|ts| find(&ts.sid, &tpool)) {
            leaves.push(c);
        }
        pool.extend(tpool);
    }
    let known: Vec<&Certificate> = pool
        .iter()
        .chain(store.intermediates.iter().map(|c| c.as_ref()))
        .chain(store.anchors.iter().map(|c| c.as_ref()))
        .collect();
    let mut certs: Vec<Vec<u8>> = Vec::new();
    let mut subjects: Vec<Vec<u8>> = Vec::new();
    for leaf in leaves {
        let mut cur = leaf;
        for _ in 0..10 {
            if !certs.contains(&cur.der) {
                certs.push(cur.der.clone());
                subjects.push(cur.subject_raw.clone());
            }
            if cur.subject_raw == cur.issuer_raw {
                break;
            }
            let Some(next) = known
                .iter()
                .find(|c| c.subject_raw == cur.issuer_raw)
                .map(|c| (*c).clone())
            else {
                break;
            };
            cur = next;
        }
    }
    let out_crls = crate::pki::crl::issued_by(crls, &subjects);
    Embedded {
        certs,
        crls: out_crls,
        ocsps: Vec::new(),
    }
}
