//! Distinguished names compared and shown: byte-equal or equal after RFC
//! 5280 7.1 style folding, and RFC 4514 text.

use super::hex;
use x509_parser::prelude::*;

/// Whether two DER names denote the same name: byte-equal, or equal after
/// RFC 5280 7.1 style folding (case and inner whitespace of string values).
pub fn names_match(a: &[u8], b: &[u8]) -> bool {
    a == b || name_key(a) == name_key(b)
}

/// A name folded for comparison: each RDN's attributes sorted, string values
/// lower-cased with inner whitespace collapsed, every part length-prefixed.
/// Names that do not parse fold to their raw bytes.
pub fn name_key(raw: &[u8]) -> Vec<u8> {
    match X509Name::from_der(raw) {
        Ok(([], n)) => fold(&n),
        _ => raw.to_vec(),
    }
}

fn fold(n: &X509Name<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(n.as_raw().len());
    for rdn in n.iter() {
        let mut set: Vec<(String, String)> = rdn
            .iter()
            .map(|a| {
                let v = a
                    .as_str()
                    .map(|s| {
                        s.split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .to_lowercase()
                    })
                    .unwrap_or_else(|_| hex(a.attr_value().data));
                (a.attr_type().to_id_string(), v)
            })
            .collect();
        set.sort();
        out.push(b'[');
        for (t, v) in set {
            for part in [t.as_bytes(), v.as_bytes()] {
                out.extend_from_slice(&(part.len() as u32).to_be_bytes());
                out.extend_from_slice(part);
            }
        }
        out.push(b']');
    }
    out
}

/// A DER name as RFC 4514 text (the raw bytes as hex when it does not parse).
pub fn dn_text(raw: &[u8]) -> String {
    match X509Name::from_der(raw) {
        Ok(([], n)) => n.to_string(),
        _ => hex(raw),
    }
}
