//! The structure of one `ds:Signature`: what it says, read strictly.
//!
//! Owns reading `SignedInfo` (`CanonicalizationMethod` with an optional
//! `InclusiveNamespaces` prefix list, `SignatureMethod`, one or more
//! `Reference` with `Transforms`, `DigestMethod`, `DigestValue`),
//! `SignatureValue` and `KeyInfo` (`X509Data/X509Certificate`, or the
//! WS-Security `SecurityTokenReference` with a `KeyIdentifier` or a
//! `Reference` to a `BinarySecurityToken`). Elements must come in the
//! schema's order, once each; unknown elements, stray text, over-long
//! values and more than [`MAX_REFERENCES`] references are refused. Whether
//! the algorithms are acceptable is decided later (`verify`), so an unknown
//! URI is kept as text here.

use super::tree::{elements, has_stray_text, inner_text, is, qname};
use super::{NS_DSIG, NS_EXC_C14N, NS_WSSE, NS_WSSE11};
use base64::Engine;
use roxmltree::Node;

/// Most references one signature may carry.
pub const MAX_REFERENCES: usize = 32;
/// Most transforms one reference may carry.
pub const MAX_TRANSFORMS: usize = 8;
/// Most certificates in one `KeyInfo`.
pub const MAX_CERTIFICATES: usize = 16;
/// Longest base64 value read (a certificate, a signature), in characters.
pub const MAX_BASE64: usize = 64 * 1024;

/// Why a `ds:Signature` was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// A required element is missing.
    #[error("{parent} has no {missing}")]
    Missing {
        /// The element that should hold it.
        parent: String,
        /// What is missing.
        missing: &'static str,
    },
    /// An element that does not belong there, or comes twice.
    #[error("unexpected {element} in {parent}")]
    Unexpected {
        /// The element found.
        element: String,
        /// Where.
        parent: String,
    },
    /// Text where only elements belong.
    #[error("{element} holds text where only elements belong")]
    StrayText {
        /// The element.
        element: String,
    },
    /// A required attribute is missing.
    #[error("{element} has no {attribute} attribute")]
    MissingAttribute {
        /// The element.
        element: String,
        /// The attribute.
        attribute: &'static str,
    },
    /// A base64 value does not decode (or is too long).
    #[error("{element} is not valid base64 (or longer than {MAX_BASE64} characters)")]
    Base64 {
        /// The element.
        element: String,
    },
    /// Over a count limit.
    #[error("more than {max} {what}")]
    TooMany {
        /// What.
        what: &'static str,
        /// The limit.
        max: usize,
    },
}

/// One `ds:Reference`.
#[derive(Debug, Clone)]
pub struct ReferenceInfo {
    /// The `URI` attribute (None when absent).
    pub uri: Option<String>,
    /// The transform URIs, in order, with the exclusive prefix list of each.
    pub transforms: Vec<(String, Vec<String>)>,
    /// The `DigestMethod` URI.
    pub digest_method: String,
    /// The decoded `DigestValue`.
    pub digest_value: Vec<u8>,
}

/// Where the signer's certificate is, as `KeyInfo` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyRef {
    /// `X509Data/X509Certificate`, in document order.
    Certificates(Vec<Vec<u8>>),
    /// A `wsse:KeyIdentifier` carrying the certificate itself (ValueType
    /// X509v3, as NCANode writes it).
    KeyIdentifierCertificate(Vec<u8>),
    /// A `wsse:KeyIdentifier` with a subject key identifier.
    KeyIdentifierSki(Vec<u8>),
    /// A `wsse:KeyIdentifier` with a SHA-1 thumbprint of the certificate.
    KeyIdentifierThumbprint(Vec<u8>),
    /// A `wsse:Reference` to a same-document token (`#id`).
    TokenReference(String),
    /// No `KeyInfo`, or one naming no certificate.
    None,
}

impl KeyRef {
    /// How the signature names its key, as the verdict reports it.
    pub fn name(&self) -> &'static str {
        match self {
            KeyRef::Certificates(_) => "X509Data",
            KeyRef::KeyIdentifierCertificate(_) => "wsse:KeyIdentifier (certificate)",
            KeyRef::KeyIdentifierSki(_) => "wsse:KeyIdentifier (subject key identifier)",
            KeyRef::KeyIdentifierThumbprint(_) => "wsse:KeyIdentifier (SHA-1 thumbprint)",
            KeyRef::TokenReference(_) => "wsse:Reference to a BinarySecurityToken",
            KeyRef::None => "none",
        }
    }
}

/// Everything one `ds:Signature` says.
#[derive(Debug, Clone)]
pub struct SignatureInfo<'a, 'i> {
    /// The `ds:Signature` element.
    pub element: Node<'a, 'i>,
    /// The `ds:SignedInfo` element.
    pub signed_info: Node<'a, 'i>,
    /// The `CanonicalizationMethod` URI and its prefix list.
    pub c14n: (String, Vec<String>),
    /// The `SignatureMethod` URI.
    pub signature_method: String,
    /// The references, in order.
    pub references: Vec<ReferenceInfo>,
    /// The decoded `SignatureValue`.
    pub value: Vec<u8>,
    /// The `KeyInfo`.
    pub key: KeyRef,
}

fn name(n: Node<'_, '_>) -> String {
    qname(n).to_string()
}

/// Decodes base64 text, ignoring XML whitespace (and the `&#13;` Kalkan writes).
pub fn base64_text(n: Node<'_, '_>) -> Result<Vec<u8>, SignatureError> {
    let text = inner_text(n);
    let err = || SignatureError::Base64 { element: name(n) };
    if text.len() > MAX_BASE64 {
        return Err(err());
    }
    let clean: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r'))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean)
        .map_err(|_| err())
}

/// `element` where it does not belong (in `parent`).
fn unexpected(element: Node<'_, '_>, parent: Node<'_, '_>) -> SignatureError {
    SignatureError::Unexpected {
        element: name(element),
        parent: name(parent),
    }
}

/// The next of `parent`'s child elements `kids`, which must be `ds:{local}`;
/// else `missing` is what `parent` lacks.
fn next_ds<'a, 'i>(
    kids: &mut impl Iterator<Item = Node<'a, 'i>>,
    parent: Node<'a, 'i>,
    local: &str,
    missing: &'static str,
) -> Result<Node<'a, 'i>, SignatureError> {
    kids.next()
        .filter(|n| is(*n, NS_DSIG, local))
        .ok_or_else(|| SignatureError::Missing {
            parent: name(parent),
            missing,
        })
}

/// Reads `parent`'s remaining child elements `kids` with `read`: each must
/// be `ds:{local}`, and there may be at most `max` of them (`what`, in the
/// error).
fn each_ds<'a, 'i, T>(
    kids: impl Iterator<Item = Node<'a, 'i>>,
    parent: Node<'a, 'i>,
    local: &str,
    (max, what): (usize, &'static str),
    mut read: impl FnMut(Node<'a, 'i>) -> Result<T, SignatureError>,
) -> Result<Vec<T>, SignatureError> {
    let mut out = Vec::new();
    for n in kids {
        if !is(n, NS_DSIG, local) {
            return Err(unexpected(n, parent));
        }
        if out.len() == max {
            return Err(SignatureError::TooMany { what, max });
        }
        out.push(read(n)?);
    }
    Ok(out)
}

fn no_text(n: Node<'_, '_>) -> Result<(), SignatureError> {
    if has_stray_text(n) {
        return Err(SignatureError::StrayText { element: name(n) });
    }
    Ok(())
}

fn algorithm(n: Node<'_, '_>) -> Result<String, SignatureError> {
    n.attribute("Algorithm")
        .map(str::to_string)
        .ok_or(SignatureError::MissingAttribute {
            element: name(n),
            attribute: "Algorithm",
        })
}

/// The `ec:InclusiveNamespaces PrefixList` inside a canonicalisation
/// method or transform (`#default` becomes `""`).
fn prefix_list(n: Node<'_, '_>) -> Result<Vec<String>, SignatureError> {
    let mut out = Vec::new();
    for c in elements(n) {
        if is(c, NS_EXC_C14N, "InclusiveNamespaces") && out.is_empty() {
            let list = c.attribute("PrefixList").unwrap_or("");
            out = list
                .split_ascii_whitespace()
                .map(|p| {
                    if p == "#default" {
                        String::new()
                    } else {
                        p.to_string()
                    }
                })
                .collect();
            if out.len() > 64 {
                return Err(SignatureError::TooMany {
                    what: "prefixes in InclusiveNamespaces",
                    max: 64,
                });
            }
        } else {
            return Err(unexpected(c, n));
        }
    }
    Ok(out)
}

fn reference(r: Node<'_, '_>) -> Result<ReferenceInfo, SignatureError> {
    no_text(r)?;
    let mut kids = elements(r).peekable();
    let mut transforms = Vec::new();
    if let Some(t) = kids.peek().copied()
        && is(t, NS_DSIG, "Transforms")
    {
        kids.next();
        no_text(t)?;
        transforms = each_ds(
            elements(t),
            t,
            "Transform",
            (MAX_TRANSFORMS, "transforms in a reference"),
            |x| Ok((algorithm(x)?, prefix_list(x)?)),
        )?;
    }
    let dm = next_ds(&mut kids, r, "DigestMethod", "DigestMethod")?;
    let dv = next_ds(&mut kids, r, "DigestValue", "DigestValue")?;
    if let Some(extra) = kids.next() {
        return Err(unexpected(extra, r));
    }
    Ok(ReferenceInfo {
        uri: r.attribute("URI").map(str::to_string),
        transforms,
        digest_method: algorithm(dm)?,
        digest_value: base64_text(dv)?,
    })
}

fn key_info(k: Node<'_, '_>) -> Result<KeyRef, SignatureError> {
    no_text(k)?;
    let mut certs = Vec::new();
    for c in elements(k) {
        if is(c, NS_DSIG, "X509Data") {
            no_text(c)?;
            for x in elements(c) {
                if is(x, NS_DSIG, "X509Certificate") {
                    if certs.len() == MAX_CERTIFICATES {
                        return Err(SignatureError::TooMany {
                            what: "certificates in KeyInfo",
                            max: MAX_CERTIFICATES,
                        });
                    }
                    certs.push(base64_text(x)?);
                }
                // X509IssuerSerial, X509SubjectName, X509SKI: hints only.
            }
        } else if is(c, NS_WSSE, "SecurityTokenReference")
            || is(c, NS_WSSE11, "SecurityTokenReference")
        {
            no_text(c)?;
            let inner = elements(c).next().ok_or(SignatureError::Missing {
                parent: name(c),
                missing: "KeyIdentifier or Reference",
            })?;
            if elements(c).count() > 1 {
                return Err(unexpected(elements(c).nth(1).unwrap_or(inner), c));
            }
            if is(inner, NS_WSSE, "KeyIdentifier") {
                let value = base64_text(inner)?;
                let vt = inner.attribute("ValueType").unwrap_or("");
                return Ok(if vt.ends_with("#X509SubjectKeyIdentifier") {
                    KeyRef::KeyIdentifierSki(value)
                } else if vt.ends_with("#ThumbprintSHA1") {
                    KeyRef::KeyIdentifierThumbprint(value)
                } else {
                    KeyRef::KeyIdentifierCertificate(value)
                });
            }
            if is(inner, NS_WSSE, "Reference") {
                let uri = inner
                    .attribute("URI")
                    .ok_or(SignatureError::MissingAttribute {
                        element: name(inner),
                        attribute: "URI",
                    })?;
                return Ok(KeyRef::TokenReference(uri.to_string()));
            }
            return Err(unexpected(inner, c));
        }
        // KeyName, KeyValue and others name no certificate: ignored.
    }
    Ok(if certs.is_empty() {
        KeyRef::None
    } else {
        KeyRef::Certificates(certs)
    })
}

/// Reads a `ds:Signature` element.
pub fn read<'a, 'i>(sig: Node<'a, 'i>) -> Result<SignatureInfo<'a, 'i>, SignatureError> {
    no_text(sig)?;
    let mut kids = elements(sig);
    let si = next_ds(&mut kids, sig, "SignedInfo", "SignedInfo (first)")?;
    let sv = next_ds(&mut kids, sig, "SignatureValue", "SignatureValue (second)")?;
    let mut key = KeyRef::None;
    let mut seen_key = false;
    for rest in kids {
        if is(rest, NS_DSIG, "KeyInfo") && !seen_key {
            key = key_info(rest)?;
            seen_key = true;
        } else if is(rest, NS_DSIG, "Object") {
            seen_key = true;
        } else {
            return Err(unexpected(rest, sig));
        }
    }
    no_text(si)?;
    let mut parts = elements(si);
    let cm = next_ds(
        &mut parts,
        si,
        "CanonicalizationMethod",
        "CanonicalizationMethod",
    )?;
    let sm = next_ds(&mut parts, si, "SignatureMethod", "SignatureMethod")?;
    if elements(sm).next().is_some() {
        return Err(unexpected(elements(sm).next().unwrap_or(sm), sm));
    }
    let references = each_ds(
        parts,
        si,
        "Reference",
        (MAX_REFERENCES, "references in a signature"),
        reference,
    )?;
    if references.is_empty() {
        return Err(SignatureError::Missing {
            parent: name(si),
            missing: "Reference",
        });
    }
    Ok(SignatureInfo {
        element: sig,
        signed_info: si,
        c14n: (algorithm(cm)?, prefix_list(cm)?),
        signature_method: algorithm(sm)?,
        references,
        value: base64_text(sv)?,
        key,
    })
}
