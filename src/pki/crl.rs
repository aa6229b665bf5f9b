//! Certificate revocation lists, loaded once into a compact sorted index.
//!
//! Owns parsing a CRL (base or delta, RFC 5280 5), verifying its signature
//! against an issuer key once, and answering "is this serial on it" in
//! O(log n). A million entries cost about 40 bytes each. Refuses CRLs that
//! are not DER, have unknown critical extensions (CRL or entry level),
//! indirect entries, or serials longer than 23 octets.

use super::algorithms::{self, PublicKey};
use super::cert::{Certificate, hex, sha256, strip_zeros};
use crate::asn1::{Walker, ctx, single, time_of};
use der::{Decode, Tag};
use spki::AlgorithmIdentifierOwned;
use std::sync::Mutex;

/// Largest CRL accepted, in bytes.
pub const MAX_CRL_LEN: usize = 256 * 1024 * 1024;

/// Why bytes are not a usable CRL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CrlError {
    /// Not a DER CertificateList, or a field out of shape.
    #[error("malformed CRL: {0}")]
    Malformed(String),
    /// A critical extension qoltanba does not process.
    #[error("CRL has an unsupported critical extension {0}")]
    UnsupportedCritical(String),
    /// Larger than `MAX_CRL_LEN`.
    #[error("CRL of {0} bytes is too large")]
    TooLarge(usize),
}

fn bad(e: impl std::fmt::Display) -> CrlError {
    CrlError::Malformed(e.to_string())
}

/// A revocation reason code value (RFC 5280 5.3.1).
pub type Reason = u8;
/// No reasonCode extension on the entry.
pub const REASON_NONE: Reason = 255;
/// certificateHold
pub const REASON_HOLD: Reason = 6;
/// removeFromCRL (delta CRLs only)
pub const REASON_REMOVE: Reason = 8;

const KEY_LEN: usize = 23;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    serial_len: u8,
    serial: [u8; KEY_LEN],
    revoked_at: i64,
    reason: Reason,
}

/// What an entry says about a serial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revocation {
    /// revocationDate, Unix seconds.
    pub revoked_at: i64,
    /// reasonCode, or `REASON_NONE`.
    pub reason: Reason,
}

/// The scope a CRL declares in its issuingDistributionPoint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// onlyContainsUserCerts
    pub only_user: bool,
    /// onlyContainsCACerts
    pub only_ca: bool,
    /// onlySomeReasons present (a partial CRL)
    pub only_some_reasons: bool,
    /// indirectCRL
    pub indirect: bool,
    /// onlyContainsAttributeCerts
    pub only_attribute: bool,
    /// The distribution point URIs, when the IDP names one.
    pub dp_uris: Vec<String>,
    /// Whether the IDP names a distribution point at all.
    pub has_dp: bool,
}

#[derive(Debug)]
struct SigState {
    pending: Option<(Vec<u8>, AlgorithmIdentifierOwned, Vec<u8>)>,
    /// SubjectPublicKeyInfo DER of the keys that verified it (compared whole: no hashing per lookup).
    verified: Vec<Vec<u8>>,
    failed: Vec<(Vec<u8>, String)>,
}

/// A parsed CRL with its entries indexed.
#[derive(Debug)]
pub struct RevocationList {
    /// Raw DER of the issuer name.
    pub issuer_raw: Vec<u8>,
    /// Issuer name, RFC 4514 style.
    pub issuer_dn: String,
    /// Issuer name folded for comparison (`cert::name_key`).
    pub issuer_key: Vec<u8>,
    /// thisUpdate, Unix seconds.
    pub this_update: i64,
    /// nextUpdate, Unix seconds.
    pub next_update: Option<i64>,
    /// cRLNumber content octets (unsigned, no leading zeros).
    pub number: Option<Vec<u8>>,
    /// deltaCRLIndicator's BaseCRLNumber: present only on delta CRLs.
    pub base_number: Option<Vec<u8>>,
    /// issuingDistributionPoint scope.
    pub scope: Scope,
    /// authorityKeyIdentifier keyIdentifier.
    pub aki: Option<Vec<u8>>,
    /// ExpiredCertsOnCRL (RFC 5280 5.2.x, X.509 2019): certificates that
    /// expired at or after this time are still listed when revoked.
    pub expired_certs_on_crl: Option<i64>,
    /// SHA-256 of the whole CRL.
    pub fingerprint: [u8; 32],
    /// Where it came from (file name or URL), for reports.
    pub source: String,
    entries: Vec<Entry>,
    sig: Mutex<SigState>,
    summary: std::sync::OnceLock<serde_json::Value>,
}

fn key(serial: &[u8]) -> Result<([u8; KEY_LEN], u8), CrlError> {
    let first = serial.iter().position(|b| *b != 0).unwrap_or(serial.len());
    let s = &serial[first..];
    if s.len() > KEY_LEN {
        return Err(CrlError::Malformed(format!(
            "serial number of {} octets",
            s.len()
        )));
    }
    let mut k = [0u8; KEY_LEN];
    k[..s.len()].copy_from_slice(s);
    Ok((k, s.len() as u8))
}

const OID_REASON: &[u8] = &[0x55, 0x1D, 0x15];
const OID_INVALIDITY: &[u8] = &[0x55, 0x1D, 0x18];
const OID_CRL_NUMBER: &[u8] = &[0x55, 0x1D, 0x14];
const OID_DELTA: &[u8] = &[0x55, 0x1D, 0x1B];
const OID_IDP: &[u8] = &[0x55, 0x1D, 0x1C];
const OID_AKI: &[u8] = &[0x55, 0x1D, 0x23];
const OID_FRESHEST: &[u8] = &[0x55, 0x1D, 0x2E];
const OID_ISSUER_ALT: &[u8] = &[0x55, 0x1D, 0x12];
const OID_EXPIRED_CERTS_ON_CRL: &[u8] = &[0x55, 0x1D, 0x3C];

/// One extension: (OID content, critical, extnValue content, whole raw).
type RawExtension<'a> = (&'a [u8], bool, &'a [u8], &'a [u8]);

fn extensions(seq_content: &[u8]) -> Result<Vec<RawExtension<'_>>, CrlError> {
    let mut out = Vec::new();
    let mut w = Walker::new(seq_content).map_err(bad)?;
    while !w.is_empty() {
        let ext = w.require(Tag::Sequence).map_err(bad)?;
        let mut e = Walker::new(ext.value).map_err(bad)?;
        let oid = e.require(Tag::ObjectIdentifier).map_err(bad)?.value;
        let critical = match e.optional(Tag::Boolean).map_err(bad)? {
            Some(b) => bool::from_der(b.raw).map_err(bad)?,
            None => false,
        };
        let value = e.require(Tag::OctetString).map_err(bad)?.value;
        if !e.is_empty() {
            return Err(CrlError::Malformed("extension has trailing fields".into()));
        }
        if out.iter().any(|(o, _, _, _)| *o == oid) {
            return Err(CrlError::Malformed("duplicate extension".into()));
        }
        out.push((oid, critical, value, ext.raw));
    }
    Ok(out)
}

fn oid_text(content: &[u8]) -> String {
    der::asn1::ObjectIdentifier::from_bytes(content)
        .map(|o| o.to_string())
        .unwrap_or_else(|_| hex(content))
}

fn unsigned_int(der_value: &[u8]) -> Result<Vec<u8>, CrlError> {
    let t = single(der_value).map_err(bad)?;
    if t.tag != Tag::Integer || t.value.is_empty() || t.value[0] & 0x80 != 0 {
        return Err(CrlError::Malformed(
            "CRL number is not a non-negative INTEGER".into(),
        ));
    }
    Ok(strip_zeros(t.value))
}

fn parse_scope(ext_raw: &[u8]) -> Result<Scope, CrlError> {
    use x509_parser::extensions::{
        DistributionPointName, GeneralName, ParsedExtension, X509Extension,
    };
    use x509_parser::prelude::FromDer;
    let (_, ext) = X509Extension::from_der(ext_raw).map_err(bad)?;
    let ParsedExtension::IssuingDistributionPoint(idp) = ext.parsed_extension() else {
        return Err(CrlError::Malformed(
            "issuingDistributionPoint does not parse".into(),
        ));
    };
    let mut s = Scope {
        only_user: idp.only_contains_user_certs,
        only_ca: idp.only_contains_ca_certs,
        only_some_reasons: idp.only_some_reasons.is_some(),
        indirect: idp.indirect_crl,
        only_attribute: idp.only_contains_attribute_certs,
        ..Default::default()
    };
    if let Some(dp) = &idp.distribution_point {
        s.has_dp = true;
        if let DistributionPointName::FullName(names) = dp {
            for n in names {
                if let GeneralName::URI(u) = n {
                    s.dp_uris.push((*u).to_string());
                }
            }
        }
    }
    Ok(s)
}

impl RevocationList {
    /// Parses a DER CRL. `source` names it in reports. The signature is
    /// checked later, against the issuer of the certificate it is used for.
    pub fn from_der(der: &[u8], source: &str) -> Result<RevocationList, CrlError> {
        Self::from_der_checked(der, source, &[])
    }

    /// Parses a DER CRL and verifies its signature right away against the
    /// first of `issuers` whose name matches, so the signed bytes need not be
    /// kept (a million-entry CRL then costs its index and nothing more).
    pub fn from_der_checked(
        der: &[u8],
        source: &str,
        issuers: &[std::sync::Arc<Certificate>],
    ) -> Result<RevocationList, CrlError> {
        if der.len() > MAX_CRL_LEN {
            return Err(CrlError::TooLarge(der.len()));
        }
        let outer = single(der).map_err(bad)?;
        if outer.tag != Tag::Sequence {
            return Err(CrlError::Malformed("not a SEQUENCE".into()));
        }
        let mut w = Walker::new(outer.value).map_err(bad)?;
        let tbs = w.require(Tag::Sequence).map_err(bad)?;
        let alg_tlv = w.require(Tag::Sequence).map_err(bad)?;
        let sig_alg = AlgorithmIdentifierOwned::from_der(alg_tlv.raw).map_err(bad)?;
        let sig_bits =
            der::asn1::BitStringRef::from_der(w.require(Tag::BitString).map_err(bad)?.raw)
                .map_err(bad)?;
        let signature = sig_bits
            .as_bytes()
            .ok_or_else(|| bad("signature has unused bits"))?
            .to_vec();
        if !w.is_empty() {
            return Err(bad("trailing fields after the signature"));
        }

        let mut t = Walker::new(tbs.value).map_err(bad)?;
        if let Some(v) = t.optional(Tag::Integer).map_err(bad)?
            && v.value != [1]
        {
            return Err(bad("CRL version is not v2"));
        }
        let inner_alg = t.require(Tag::Sequence).map_err(bad)?;
        if inner_alg.raw != alg_tlv.raw
            && !AlgorithmIdentifierOwned::from_der(inner_alg.raw)
                .is_ok_and(|inner| algorithms::same_algorithm(&inner, &sig_alg))
        {
            return Err(bad("tbsCertList.signature differs from signatureAlgorithm"));
        }
        let issuer = t.require(Tag::Sequence).map_err(bad)?;
        let this_update = time_of(t.next_tlv().map_err(bad)?.raw).map_err(bad)?;
        let next_update = match t.peek_tag() {
            Some(Tag::UtcTime) | Some(Tag::GeneralizedTime) => {
                Some(time_of(t.next_tlv().map_err(bad)?.raw).map_err(bad)?)
            }
            _ => None,
        };
        let revoked = t.optional(Tag::Sequence).map_err(bad)?;
        let exts = t.optional(ctx(0)).map_err(bad)?;
        if !t.is_empty() {
            return Err(bad("unexpected fields in tbsCertList"));
        }

        let issuer_dn = <x509_parser::x509::X509Name as x509_parser::prelude::FromDer<
            x509_parser::error::X509Error,
        >>::from_der(issuer.raw)
        .map(|(_, n)| n.to_string())
        .unwrap_or_default();
        let mut crl = RevocationList {
            issuer_raw: issuer.raw.to_vec(),
            issuer_key: super::cert::name_key(issuer.raw),
            issuer_dn,
            this_update,
            next_update,
            number: None,
            base_number: None,
            scope: Scope::default(),
            aki: None,
            expired_certs_on_crl: None,
            fingerprint: sha256(der),
            source: source.to_string(),
            entries: Vec::new(),
            summary: std::sync::OnceLock::new(),
            sig: Mutex::new(SigState {
                pending: None,
                verified: vec![],
                failed: vec![],
            }),
        };

        if let Some(exts) = exts {
            let seq = single(exts.value).map_err(bad)?;
            for (oid, critical, value, raw) in extensions(seq.value)? {
                match oid {
                    OID_CRL_NUMBER => crl.number = Some(unsigned_int(value)?),
                    OID_DELTA => crl.base_number = Some(unsigned_int(value)?),
                    OID_IDP => crl.scope = parse_scope(raw)?,
                    OID_AKI => {
                        let seq = single(value).map_err(bad)?;
                        let mut a = Walker::new(seq.value).map_err(bad)?;
                        if let Some(k) = a.optional(crate::asn1::ctx_prim(0)).map_err(bad)? {
                            crl.aki = Some(k.value.to_vec());
                        }
                    }
                    OID_FRESHEST | OID_ISSUER_ALT => {}
                    OID_EXPIRED_CERTS_ON_CRL => {
                        crl.expired_certs_on_crl = Some(time_of(value).map_err(bad)?);
                    }
                    other if critical => {
                        return Err(CrlError::UnsupportedCritical(oid_text(other)));
                    }
                    _ => {}
                }
            }
        }
        if crl.scope.indirect {
            return Err(CrlError::UnsupportedCritical("indirect CRL".into()));
        }

        if let Some(revoked) = revoked {
            crl.entries = parse_entries(revoked.value)?;
        }
        let mut st = SigState {
            pending: None,
            verified: vec![],
            failed: vec![],
        };
        for issuer in issuers
            .iter()
            .filter(|i| crl.issuer_raw == i.subject_raw || crl.issuer_key == i.subject_key())
        {
            let id = issuer.spki.clone();
            match check_signature(issuer, &sig_alg, tbs.raw, &signature) {
                Ok(()) => {
                    st.verified.push(id);
                    break;
                }
                Err(why) => st.failed.push((id, why)),
            }
        }
        if st.verified.is_empty() {
            st.pending = Some((tbs.raw.to_vec(), sig_alg, signature));
        }
        crl.sig = Mutex::new(st);
        Ok(crl)
    }

    /// Whether this is a delta CRL.
    pub fn is_delta(&self) -> bool {
        self.base_number.is_some()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the CRL lists nobody.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry for a serial (content octets of the INTEGER), if listed.
    pub fn lookup(&self, serial: &[u8]) -> Option<Revocation> {
        let (k, len) = key(serial).ok()?;
        let i = self
            .entries
            .binary_search_by(|e| (e.serial_len, e.serial).cmp(&(len, k)))
            .ok()?;
        let e = self.entries[i];
        Some(Revocation {
            revoked_at: e.revoked_at,
            reason: e.reason,
        })
    }

    /// Verifies the CRL's signature with `issuer`'s key, once per key.
    pub fn verify_signature(&self, issuer: &Certificate) -> Result<(), String> {
        let id = issuer.spki.as_slice();
        let mut st = self.sig.lock().unwrap_or_else(|p| p.into_inner());
        if st.verified.iter().any(|k| k == id) {
            return Ok(());
        }
        if let Some((_, why)) = st.failed.iter().find(|(k, _)| k == id) {
            return Err(why.clone());
        }
        let Some((tbs, alg, sig)) = &st.pending else {
            return Err("signed by another key".into());
        };
        let result = check_signature(issuer, alg, tbs, sig);
        match result {
            Ok(()) => {
                st.verified.push(id.to_vec());
                // One key signs a CRL: the signed bytes are no longer needed.
                st.pending = None;
                Ok(())
            }
            Err(why) => {
                st.failed.push((id.to_vec(), why.clone()));
                Err(why)
            }
        }
    }

    /// thisUpdate/nextUpdate and numbers for reports.
    pub fn describe(&self) -> serde_json::Value {
        self.summary.get_or_init(|| self.summarise()).clone()
    }

    fn summarise(&self) -> serde_json::Value {
        serde_json::json!({
            "source": self.source,
            "issuer": self.issuer_dn,
            "this_update": crate::time::rfc3339(self.this_update),
            "next_update": self.next_update.map(crate::time::rfc3339),
            "crl_number": self.number.as_deref().map(hex),
            "delta_of": self.base_number.as_deref().map(hex),
            "entries": self.entries.len(),
            "fingerprint_sha256": hex(&self.fingerprint),
        })
    }
}

fn check_signature(
    issuer: &Certificate,
    alg: &AlgorithmIdentifierOwned,
    tbs: &[u8],
    sig: &[u8],
) -> Result<(), String> {
    let key: &PublicKey = issuer.key.as_ref().map_err(|e| e.to_string())?;
    let scheme = algorithms::scheme_for(alg, None).map_err(|e| e.to_string())?;
    algorithms::verify(scheme, key, tbs, sig).map_err(|e| e.to_string())
}

fn parse_entries(content: &[u8]) -> Result<Vec<Entry>, CrlError> {
    // Count first so the index is allocated once at its exact size.
    let mut n = 0usize;
    let mut w = Walker::new(content).map_err(bad)?;
    while !w.is_empty() {
        w.require(Tag::Sequence).map_err(bad)?;
        n += 1;
    }
    let mut entries = Vec::with_capacity(n);
    let mut w = Walker::new(content).map_err(bad)?;
    while !w.is_empty() {
        let e = w.require(Tag::Sequence).map_err(bad)?;
        let mut f = Walker::new(e.value).map_err(bad)?;
        let serial = f.require(Tag::Integer).map_err(bad)?.value;
        let revoked_at = time_of(f.next_tlv().map_err(bad)?.raw).map_err(bad)?;
        let mut reason = REASON_NONE;
        if let Some(exts) = f.optional(Tag::Sequence).map_err(bad)? {
            for (oid, critical, value, _) in extensions(exts.value)? {
                match oid {
                    OID_REASON => {
                        let r = single(value).map_err(bad)?;
                        if r.tag != Tag::Enumerated
                            || r.value.len() != 1
                            || r.value[0] > 10
                            || r.value[0] == 7
                        {
                            return Err(bad("reasonCode is not a known ENUMERATED value"));
                        }
                        reason = r.value[0];
                    }
                    OID_INVALIDITY => {}
                    other if critical => {
                        return Err(CrlError::UnsupportedCritical(oid_text(other)));
                    }
                    _ => {}
                }
            }
        }
        if !f.is_empty() {
            return Err(bad("unexpected fields in a CRL entry"));
        }
        let (k, len) = key(serial)?;
        entries.push(Entry {
            serial_len: len,
            serial: k,
            revoked_at,
            reason,
        });
    }
    entries.sort_unstable();
    // A serial listed twice: keep the first (earliest) after sorting; both say revoked.
    entries.dedup_by(|a, b| a.serial_len == b.serial_len && a.serial == b.serial);
    Ok(entries)
}

/// The issuer name (raw DER) of bytes that look like a CRL, read without
/// parsing the rest: tells which chains an unusable CRL concerns.
pub fn issuer_of(bytes: &[u8]) -> Option<Vec<u8>> {
    let owned;
    let der = if bytes.first() == Some(&0x30) {
        bytes
    } else {
        owned = crate::input::decode_der(bytes, &["X509 CRL"]).ok()?;
        &owned
    };
    let outer = single(der).ok().or_else(|| {
        // Trailing data: read the first element only.
        let mut w = Walker::new(der).ok()?;
        w.next_tlv().ok()
    })?;
    let mut w = Walker::new(outer.value).ok()?;
    let tbs = w.require(Tag::Sequence).ok()?;
    let mut t = Walker::new(tbs.value).ok()?;
    t.optional(Tag::Integer).ok()?;
    t.require(Tag::Sequence).ok()?;
    Some(t.require(Tag::Sequence).ok()?.raw.to_vec())
}

/// The CRLs among `raw` (each DER or PEM, a PEM file may hold several)
/// issued by one of `subjects` (raw DER names), each once, in order: the
/// revocation data a long-term signature embeds for its certificates.
pub fn issued_by(raw: &[Vec<u8>], subjects: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    for r in raw {
        for der in crate::input::decode_all(r, &["X509 CRL"]).unwrap_or_default() {
            // Only CRLs that parse whole are embedded.
            let Ok((_, crl)) = x509_parser::parse_x509_crl(&der) else {
                continue;
            };
            let issuer = crl.tbs_cert_list.issuer.as_raw();
            if subjects.iter().any(|s| s.as_slice() == issuer) && !out.contains(&der) {
                out.push(der);
            }
        }
    }
    out
}

/// Reads a CRL given as DER or PEM, verifying it at once against `issuers` where one fits.
pub fn from_bytes(
    bytes: &[u8],
    source: &str,
    issuers: &[std::sync::Arc<Certificate>],
) -> Result<RevocationList, CrlError> {
    // DER is parsed in place: a large CRL is not copied.
    if bytes.first() == Some(&0x30) {
        return RevocationList::from_der_checked(bytes, source, issuers);
    }
    let der = crate::input::decode_der(bytes, &["X509 CRL"])
        .map_err(|e| CrlError::Malformed(e.to_string()))?;
    RevocationList::from_der_checked(&der, source, issuers)
}
