//! Issuing CRLs (base and delta) for the demo PKI and test vectors.
//!
//! Owns encoding a CertificateList through `x509-cert` and signing it with a
//! `Signer`. Nothing here is used to validate anything.

use super::x509::{authority_key_id, extension};
use crate::pki::encode::{sig_alg_id, x509_time};
use crate::pki::signer::Signer;
use der::asn1::BitString;
use der::{Decode, Encode};
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};

/// What a CRL says.
#[derive(Debug, Clone, Default)]
pub struct CrlSpec {
    /// thisUpdate, Unix seconds.
    pub this_update: i64,
    /// nextUpdate, Unix seconds.
    pub next_update: Option<i64>,
    /// cRLNumber.
    pub number: u64,
    /// For a delta CRL: the base CRL number it builds on.
    pub delta_of: Option<u64>,
    /// Entries: serial content octets, revocation time, reason code.
    pub entries: Vec<(Vec<u8>, i64, Option<u8>)>,
}

fn uint(n: u64) -> Result<Vec<u8>, String> {
    der::asn1::Uint::new(&n.to_be_bytes())
        .and_then(|u| u.to_der())
        .map_err(|e| e.to_string())
}

/// Issues a CRL signed by `signer` for the CA whose certificate is `issuer_der`.
pub fn issue(issuer_der: &[u8], signer: &dyn Signer, spec: &CrlSpec) -> Result<Vec<u8>, String> {
    let e = |x: der::Error| x.to_string();
    let issuer = x509_cert::Certificate::from_der(issuer_der).map_err(e)?;
    let ski = crate::pki::cert::Certificate::from_der(issuer_der)
        .map_err(|x| x.to_string())?
        .ski;
    let alg = sig_alg_id(signer.scheme()).map_err(|x| x.to_string())?;
    let mut revoked = Vec::with_capacity(spec.entries.len());
    for (serial, at, reason) in &spec.entries {
        let exts = match reason {
            Some(r) => Some(vec![extension("2.5.29.21", false, vec![0x0A, 0x01, *r])?]),
            None => None,
        };
        revoked.push(RevokedCert {
            serial_number: x509_cert::serial_number::SerialNumber::new(serial).map_err(e)?,
            revocation_date: x509_time(*at).map_err(|x| x.to_string())?,
            crl_entry_extensions: exts,
        });
    }
    let mut exts = vec![extension("2.5.29.20", false, uint(spec.number)?)?];
    if let Some(ski) = ski {
        exts.push(authority_key_id(ski)?);
    }
    if let Some(base) = spec.delta_of {
        exts.push(extension("2.5.29.27", true, uint(base)?)?);
    }
    let tbs = TbsCertList {
        version: x509_cert::Version::V2,
        signature: alg.clone(),
        issuer: issuer.tbs_certificate.subject.clone(),
        this_update: x509_time(spec.this_update).map_err(|x| x.to_string())?,
        next_update: spec
            .next_update
            .map(x509_time)
            .transpose()
            .map_err(|x| x.to_string())?,
        revoked_certificates: if revoked.is_empty() {
            None
        } else {
            Some(revoked)
        },
        crl_extensions: Some(exts),
    };
    let tbs_der = tbs.to_der().map_err(e)?;
    let sig = signer.sign(&tbs_der).map_err(|x| x.to_string())?;
    let list = CertificateList {
        tbs_cert_list: tbs,
        signature_algorithm: alg,
        signature: BitString::from_bytes(&sig).map_err(e)?,
    };
    list.to_der().map_err(e)
}

/// The demo intermediates' CRLs, the same for every hierarchy: base (number
/// 1: `revoked` for keyCompromise, `on-hold` for certificateHold) and delta
/// (number 2 on base 1: `revoked-delta`, affiliationChanged), valid ten
/// years from the demo epoch. `serial` gives a demo person's serial number.
pub fn people_crls(serial: impl Fn(&str) -> Vec<u8>) -> (CrlSpec, CrlSpec) {
    use super::{DAY, EPOCH, YEAR};
    let window = (EPOCH, EPOCH + 10 * YEAR);
    let base = CrlSpec {
        this_update: window.0,
        next_update: Some(window.1),
        number: 1,
        delta_of: None,
        entries: vec![
            (serial("revoked"), EPOCH + 31 * DAY, Some(1)),
            (
                serial("on-hold"),
                EPOCH + 40 * DAY,
                Some(crate::pki::crl::REASON_HOLD),
            ),
        ],
    };
    let delta = CrlSpec {
        this_update: window.0 + DAY,
        next_update: Some(window.1),
        number: 2,
        delta_of: Some(1),
        entries: vec![(serial("revoked-delta"), EPOCH + 59 * DAY, Some(3))],
    };
    (base, delta)
}
