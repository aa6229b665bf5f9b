//! SOAP messages signed with WS-Security, as the e-government gateway
//! (ШЭП / SmartBridge) exchanges them.
//!
//! Owns the message's shape (the document element is a SOAP 1.1 or 1.2
//! Envelope with at most one Header and exactly one Body, and nothing
//! else), the one `wsse:Security` header with its one `ds:Signature`, the
//! signer's token (`BinarySecurityToken` by `wsse:Reference`, or a
//! `KeyIdentifier` carrying the certificate as NCANode writes it), and the
//! `wsu:Timestamp` (Created and Expires against the validation time).
//! Which elements the signature must cover is judged in `reference`.

use super::signature::base64_text;
use super::tree::{Xml, elements, inner_text, is, path, qname};
use super::{NS_DSIG, NS_SOAP11, NS_SOAP12, NS_WSSE, NS_WSSE11, NS_WSU};
use crate::verdict::{Check, Code};
use roxmltree::Node;
use serde_json::json;

/// How far a `wsu:Created` may be ahead of the validation time (clocks of
/// the gateway's members differ), in seconds.
pub const CLOCK_SKEW: i64 = 300;

/// Why a SOAP message's security header is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WsseError {
    /// The Envelope has no Body, or more than one, or a Header after it, or
    /// another element.
    #[error("the SOAP Envelope must hold at most one Header and then one Body: {problem}")]
    Shape {
        /// What is wrong.
        problem: String,
    },
    /// More than one `wsse:Security` header.
    #[error("{count} wsse:Security headers (one is read)")]
    SecurityHeaders {
        /// How many.
        count: usize,
    },
    /// The Security header holds no signature, or more than one.
    #[error("the wsse:Security header holds {count} ds:Signature elements (one is read)")]
    Signatures {
        /// How many.
        count: usize,
    },
    /// A `wsu:Timestamp` that cannot be read.
    #[error("wsu:Timestamp: {problem}")]
    Timestamp {
        /// What is wrong.
        problem: String,
    },
    /// The token a `wsse:Reference` names cannot be used.
    #[error("security token {uri:?}: {problem}")]
    Token {
        /// The reference's URI.
        uri: String,
        /// What is wrong.
        problem: String,
    },
}

/// A message's `wsu:Timestamp`.
#[derive(Debug, Clone, Copy)]
pub struct Timestamp<'a, 'i> {
    /// The element.
    pub element: Node<'a, 'i>,
    /// `wsu:Created` (Unix seconds).
    pub created: Option<i64>,
    /// `wsu:Expires` (Unix seconds).
    pub expires: Option<i64>,
}

/// The parts of a SOAP message that security depends on.
#[derive(Debug, Clone)]
pub struct Soap<'a, 'i> {
    /// The Envelope (the document element).
    pub envelope: Node<'a, 'i>,
    /// The Body.
    pub body: Node<'a, 'i>,
    /// The `wsse:Security` header, if any.
    pub security: Option<Node<'a, 'i>>,
    /// Its `ds:Signature`.
    pub signature: Option<Node<'a, 'i>>,
    /// Its `wsu:Timestamp`.
    pub timestamp: Option<Timestamp<'a, 'i>>,
}

fn soap_ns(n: Node<'_, '_>) -> Option<&'static str> {
    [NS_SOAP11, NS_SOAP12]
        .into_iter()
        .find(|ns| n.tag_name().namespace() == Some(*ns))
}

/// Whether the document is a SOAP message (its element is an Envelope).
pub fn is_soap(xml: &Xml<'_>) -> bool {
    let root = xml.doc.root_element();
    soap_ns(root).is_some() && root.tag_name().name() == "Envelope"
}

fn xsd_time(n: Node<'_, '_>) -> Result<i64, WsseError> {
    crate::time::parse_rfc3339(inner_text(n).trim()).map_err(|e| WsseError::Timestamp {
        problem: format!("{}: {e}", qname(n)),
    })
}

/// Reads a SOAP message's Envelope, Body and Security header.
pub fn read<'a, 'i>(xml: &'a Xml<'i>) -> Result<Soap<'a, 'i>, WsseError> {
    let envelope = xml.doc.root_element();
    let ns = soap_ns(envelope).unwrap_or(NS_SOAP11);
    let shape = |problem: &str| WsseError::Shape {
        problem: problem.into(),
    };
    let kids: Vec<Node<'a, 'i>> = elements(envelope).collect();
    let (header, body) = match kids.as_slice() {
        [b] if is(*b, ns, "Body") => (None, *b),
        [h, b] if is(*h, ns, "Header") && is(*b, ns, "Body") => (Some(*h), *b),
        _ => {
            let names: Vec<&str> = kids.iter().map(|k| qname(*k)).collect();
            return Err(shape(&format!("it holds [{}]", names.join(", "))));
        }
    };
    let securities: Vec<Node<'a, 'i>> = header
        .map(|h| {
            elements(h)
                .filter(|e| is(*e, NS_WSSE, "Security") || is(*e, NS_WSSE11, "Security"))
                .collect()
        })
        .unwrap_or_default();
    if securities.len() > 1 {
        return Err(WsseError::SecurityHeaders {
            count: securities.len(),
        });
    }
    let security = securities.first().copied();
    let mut signature = None;
    let mut timestamp = None;
    if let Some(s) = security {
        let sigs: Vec<Node<'a, 'i>> = elements(s)
            .filter(|e| is(*e, NS_DSIG, "Signature"))
            .collect();
        if sigs.len() > 1 {
            return Err(WsseError::Signatures { count: sigs.len() });
        }
        signature = sigs.first().copied();
        let stamps: Vec<Node<'a, 'i>> = elements(s)
            .filter(|e| is(*e, NS_WSU, "Timestamp"))
            .collect();
        if stamps.len() > 1 {
            return Err(WsseError::Timestamp {
                problem: format!("{} Timestamp elements", stamps.len()),
            });
        }
        if let Some(t) = stamps.first().copied() {
            let mut created = None;
            let mut expires = None;
            for e in elements(t) {
                if is(e, NS_WSU, "Created") && created.is_none() && expires.is_none() {
                    created = Some(xsd_time(e)?);
                } else if is(e, NS_WSU, "Expires") && expires.is_none() {
                    expires = Some(xsd_time(e)?);
                } else {
                    return Err(WsseError::Timestamp {
                        problem: format!("unexpected {}", qname(e)),
                    });
                }
            }
            timestamp = Some(Timestamp {
                element: t,
                created,
                expires,
            });
        }
    }
    Ok(Soap {
        envelope,
        body,
        security,
        signature,
        timestamp,
    })
}

/// The certificate a `wsse:Reference URI="#id"` names: a
/// `BinarySecurityToken` (X.509 v3, base64) in the Security header.
pub fn token<'a, 'i>(
    xml: &'a Xml<'i>,
    uri: &str,
    security: Option<Node<'a, 'i>>,
) -> Result<Vec<u8>, WsseError> {
    let err = |problem: String| WsseError::Token {
        uri: uri.into(),
        problem,
    };
    let id = uri
        .strip_prefix('#')
        .filter(|i| !i.is_empty())
        .ok_or_else(|| err("not a same-document reference".into()))?;
    let found = xml.by_id(id);
    let t = match found.as_slice() {
        [t] => *t,
        [] => return Err(err("no element has this ID".into())),
        many => {
            return Err(err(format!(
                "{} elements have this ID: {}",
                many.len(),
                many.iter().map(|n| path(*n)).collect::<Vec<_>>().join(", ")
            )));
        }
    };
    if !(is(t, NS_WSSE, "BinarySecurityToken") || is(t, NS_WSSE11, "BinarySecurityToken")) {
        return Err(err(format!(
            "{} is not a wsse:BinarySecurityToken",
            path(t)
        )));
    }
    if security.is_some_and(|s| t.parent().map(|p| p.id()) != Some(s.id())) {
        return Err(err(format!(
            "{} is outside the wsse:Security header",
            path(t)
        )));
    }
    let vt = t.attribute("ValueType").unwrap_or("");
    if !(vt.ends_with("#X509v3") || vt.ends_with("#X509")) {
        return Err(err(format!("ValueType {vt:?} is not an X.509 certificate")));
    }
    if let Some(enc) = t.attribute("EncodingType")
        && !enc.ends_with("#Base64Binary")
    {
        return Err(err(format!("EncodingType {enc:?} is not Base64Binary")));
    }
    base64_text(t).map_err(|e| err(e.to_string()))
}

/// The `lifetime` check: the message's Timestamp against the validation time.
pub fn lifetime_check(ts: Option<&Timestamp<'_, '_>>, at: i64) -> Check {
    let Some(ts) = ts else {
        return Check::skipped("lifetime", "the message carries no wsu:Timestamp");
    };
    let detail = json!({
        "timestamp": path(ts.element),
        "created": ts.created.map(crate::time::rfc3339),
        "expires": ts.expires.map(crate::time::rfc3339),
        "validation_time": crate::time::rfc3339(at),
        "clock_skew_seconds": CLOCK_SKEW,
    });
    let problem = match (ts.created, ts.expires) {
        (Some(c), _) if c > at + CLOCK_SKEW => {
            Some("the message was created after the validation time")
        }
        (_, Some(e)) if e <= at => Some("the message expired before the validation time"),
        (Some(c), Some(e)) if e < c => Some("the message expires before it was created"),
        _ => None,
    };
    match problem {
        None => Check::passed("lifetime", detail),
        Some(p) => {
            let mut d = detail;
            d["problem"] = json!(p);
            Check::failed("lifetime", Code::MessageExpired, d)
        }
    }
}
