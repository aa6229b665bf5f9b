//! Long-term CAdES (ETSI EN 319 122-1 baseline levels): B-B, B-T (a
//! signature time-stamp), B-LT (the validation data inside the signature as
//! `certificate-values` and `revocation-values`), B-LTA (archive
//! time-stamps v3 over all of it), and what a verifier reads back.
//!
//! Owns the level names, the attribute OIDs, reading the embedded
//! validation data (`embedded`), writing it (`write`) and checking archive
//! time-stamps (`archive`). Path validation stays in `pki`; tokens are
//! checked by `envelope::timestamp`.

pub mod archive;
pub mod write;

use super::parse::{Envelope, Signer};
use der::asn1::ObjectIdentifier as Oid;
use der::{Decode, Encode};

/// id-aa-ets-certValues (RFC 5126 6.3.3).
pub const OID_CERT_VALUES: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.23");
/// id-aa-ets-revocationValues (RFC 5126 6.3.4).
pub const OID_REVOCATION_VALUES: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.24");
/// id-aa-ets-archiveTimestampV3 (ETSI EN 319 122-1 5.5.3).
pub const OID_ARCHIVE_TIME_STAMP_V3: Oid = Oid::new_unwrap("0.4.0.1733.2.4");
/// id-aa-ATSHashIndex-v3 (ETSI EN 319 122-1 5.5.2).
pub const OID_ATS_HASH_INDEX_V3: Oid = Oid::new_unwrap("0.4.0.19122.1.5");
/// id-pkix-ocsp-basic.
const OID_OCSP_BASIC: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1.1");

/// A CAdES baseline level, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Level {
    /// Signed attributes with the signing certificate.
    #[serde(rename = "B-B")]
    BB,
    /// And a signature time-stamp.
    #[serde(rename = "B-T")]
    BT,
    /// And the validation data in the signature.
    #[serde(rename = "B-LT")]
    BLt,
    /// And an archive time-stamp over all of it.
    #[serde(rename = "B-LTA")]
    BLta,
}

impl Level {
    /// `B-B`, `B-T`, `B-LT`, `B-LTA`.
    pub fn name(self) -> &'static str {
        match self {
            Level::BB => "B-B",
            Level::BT => "B-T",
            Level::BLt => "B-LT",
            Level::BLta => "B-LTA",
        }
    }

    /// Reads a level name (case-insensitive).
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s.to_ascii_uppercase().as_str() {
            "B-B" => Level::BB,
            "B-T" => Level::BT,
            "B-LT" => Level::BLt,
            "B-LTA" => Level::BLta,
            _ => return None,
        })
    }
}

/// Validation data a signer carries: certificates, CRLs and OCSP responses
/// (as full OCSPResponse DER, rebuilt from the BasicOCSPResponse stored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Embedded {
    /// Certificates (DER).
    pub certs: Vec<Vec<u8>>,
    /// CRLs (DER).
    pub crls: Vec<Vec<u8>>,
    /// OCSP responses (OCSPResponse DER).
    pub ocsps: Vec<Vec<u8>>,
}

impl Embedded {
    /// Whether nothing is carried.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty() && self.crls.is_empty() && self.ocsps.is_empty()
    }
}

/// The validation data of signer `s`: its certificate-values and
/// revocation-values attributes. Values that do not parse are skipped (the
/// verdict then lacks what they would have proven, and says so there).
pub fn embedded(s: &Signer) -> Embedded {
    let mut out = Embedded::default();
    for a in &s.unsigned_attrs {
        for v in &a.values {
            if a.oid == OID_CERT_VALUES {
                if let Ok(list) = Vec::<der::Any>::from_der(v) {
                    out.certs
                        .extend(list.iter().filter_map(|c| c.to_der().ok()));
                }
            } else if a.oid == OID_REVOCATION_VALUES {
                read_revocation_values(v, &mut out);
            }
        }
    }
    out
}

fn read_revocation_values(v: &[u8], out: &mut Embedded) {
    use crate::asn1::{Walker, ctx, single};
    let Ok(seq) = single(v) else { return };
    let Ok(mut w) = Walker::new(seq.value) else {
        return;
    };
    let list = |t: &[u8]| -> Vec<Vec<u8>> {
        single(t)
            .ok()
            .and_then(|s| Walker::new(s.value).ok())
            .map(|mut l| {
                let mut items = Vec::new();
                while let Ok(x) = l.next_tlv() {
                    items.push(x.raw.to_vec());
                }
                items
            })
            .unwrap_or_default()
    };
    while let Ok(t) = w.next_tlv() {
        if t.tag == ctx(0) {
            out.crls.extend(list(t.value));
        } else if t.tag == ctx(1) {
            out.ocsps
                .extend(list(t.value).iter().filter_map(|b| ocsp_response(b)));
        }
    }
}

/// An OCSPResponse (successful) around a BasicOCSPResponse.
fn ocsp_response(basic: &[u8]) -> Option<Vec<u8>> {
    use x509_ocsp::{OcspResponse, OcspResponseStatus, ResponseBytes};
    let r = OcspResponse {
        response_status: OcspResponseStatus::Successful,
        response_bytes: Some(ResponseBytes {
            response_type: OID_OCSP_BASIC,
            response: der::asn1::OctetString::new(basic).ok()?,
        }),
    };
    r.to_der().ok()
}

/// The BasicOCSPResponse inside an OCSPResponse.
fn ocsp_basic(response: &[u8]) -> Option<Vec<u8>> {
    let r = x509_ocsp::OcspResponse::from_der(response).ok()?;
    let rb = r.response_bytes?;
    (rb.response_type == OID_OCSP_BASIC).then(|| rb.response.as_bytes().to_vec())
}

/// The level signer `s` of `env` has the form of (before validation: a
/// time-stamp that is not valid still counts here; the verdict says whether
/// the level is reached).
pub fn form(env: &Envelope, s: &Signer) -> Option<Level> {
    use super::parse::{OID_SIGNING_CERT, OID_SIGNING_CERT_V2};
    s.signed_attrs_der.as_ref()?;
    if s.attr(&OID_SIGNING_CERT_V2).is_none() && s.attr(&OID_SIGNING_CERT).is_none() {
        return None;
    }
    let has = |oid: Oid| s.unsigned_attrs.iter().any(|a| a.oid == oid);
    let ts = has(crate::tsp::OID_SIGNATURE_TIME_STAMP);
    let data = !embedded(s).is_empty() || !env.crls.is_empty();
    Some(match (ts, data, has(OID_ARCHIVE_TIME_STAMP_V3)) {
        (false, _, _) => Level::BB,
        (true, false, _) => Level::BT,
        (true, true, false) => Level::BLt,
        (true, true, true) => Level::BLta,
    })
}
