//! How a signer is named in a verdict: its identifier (issuer and serial,
//! or key identifier) and OIDs in dotted form, spelled without formatting
//! on the hot path where a table or a parsed certificate already has it.

use super::parse::SignerId;
use crate::pki::cert::{Certificate, hex};
use serde_json::{Value, json};
use std::sync::Arc;

/// The signer identifier for the verdict; the issuer's name is taken from a
/// certificate of `pool` with that issuer when there is one (already
/// spelled out), else parsed here.
pub(super) fn sid_json(sid: &SignerId, pool: &[Arc<Certificate>]) -> Value {
    match sid {
        SignerId::IssuerSerial { issuer, serial } => {
            let known = pool
                .iter()
                .find(|c| c.issuer_raw == *issuer)
                .map(|c| c.issuer.dn.clone());
            let dn = known.unwrap_or_else(|| {
                <x509_parser::x509::X509Name as x509_parser::prelude::FromDer<
                    x509_parser::error::X509Error,
                >>::from_der(issuer)
                .map(|(_, n)| n.to_string())
                .unwrap_or_default()
            });
            json!({ "issuer": dn, "serial": hex(serial) })
        }
        SignerId::KeyId(k) => json!({ "subject_key_identifier": hex(k) }),
    }
}

/// An OID in dotted form, the common attributes from a table (formatting
/// an OID costs more than the rest of listing the attributes).
pub(super) fn oid_text(oid: &der::asn1::ObjectIdentifier) -> String {
    use der::asn1::ObjectIdentifier as O;
    const KNOWN: [&str; 16] = [
        "1.2.840.113549.1.9.3",
        "1.2.840.113549.1.9.4",
        "1.2.840.113549.1.9.5",
        "1.2.840.113549.1.9.16.2.12",
        "1.2.840.113549.1.9.16.2.47",
        "2.16.840.1.101.3.4.2.1",
        "2.16.840.1.101.3.4.2.2",
        "2.16.840.1.101.3.4.2.3",
        "1.2.840.113549.1.1.1",
        "1.2.840.113549.1.1.10",
        "1.2.840.113549.1.1.11",
        "1.2.840.113549.1.1.12",
        "1.2.840.113549.1.1.13",
        "1.2.840.10045.4.3.2",
        "1.2.840.10045.4.3.3",
        "1.2.840.10045.4.3.4",
    ];
    static TABLE: std::sync::OnceLock<Vec<(O, &'static str)>> = std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| {
            KNOWN
                .iter()
                .filter_map(|t| O::new(t).ok().map(|o| (o, *t)))
                .collect()
        })
        .iter()
        .find(|(o, _)| o == oid)
        .map(|(_, t)| (*t).to_string())
        .unwrap_or_else(|| oid.to_string())
}

#[cfg(test)]
mod oid_tests {
    #[test]
    fn the_table_spells_each_oid_as_its_display_does() {
        use crate::envelope::parse::*;
        for o in [
            OID_CONTENT_TYPE,
            OID_MESSAGE_DIGEST,
            OID_SIGNING_TIME,
            OID_SIGNING_CERT,
            OID_SIGNING_CERT_V2,
            OID_DATA,
        ] {
            assert_eq!(super::oid_text(&o), o.to_string());
        }
        for t in [
            "2.16.840.1.101.3.4.2.1",
            "1.2.840.113549.1.1.11",
            "1.2.840.10045.4.3.2",
            "1.2.3.4",
        ] {
            let o = der::asn1::ObjectIdentifier::new(t).unwrap();
            assert_eq!(super::oid_text(&o), t);
        }
    }
}
