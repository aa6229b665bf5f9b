//! Signing XML: an enveloped XMLDSig signature on a request document, and
//! a WS-Security header on a SOAP message for the e-government gateway.
//!
//! Owns the signatures qoltanba writes: exclusive C14N, the digest of the
//! key's scheme (SHA-256 for RSA and ECDSA, the key's own GOST digest for
//! GOST keys), the signer's certificate in `KeyInfo` (enveloped) or in a
//! `wsse:KeyIdentifier` (WS-Security, as NCANode signs for the gateway:
//! the Body gets a `wsu:Id`, and an optional `wsu:Timestamp` is signed too).
//! The document is edited as text (the signature inserted, the Body's start
//! tag extended), never re-serialised, so every other byte stays as the
//! caller wrote it; the digests and the signed `SignedInfo` are computed by
//! the verifier's own canonicaliser over the document as it will be sent.
//! Refuses documents with comments inside the element to sign (no XML
//! signature covers comments here, and `verify` refuses them), SOAP
//! messages that already carry a `wsse:Security` header, and schemes
//! without an XML URI. Takes the signer as a `Signer`, the time and the
//! IDs as parameters.

use super::algorithms::{self, ENVELOPED, ecdsa_der_to_raw};
use super::c14n::{self, C14n, C14nError, EXC_C14N};
use super::tree::{self, Xml, XmlError, elements, is, prefix_of, qname};
use super::wsse;
use super::{NS_DSIG, NS_WSU};
use crate::pki::algorithms::{KeyKind, Scheme};
use crate::pki::signer::{SignError as SignerError, Signer};
use base64::Engine;
use roxmltree::Node;

/// Why a document could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The input is not XML qoltanba reads.
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// `--wsse` on a document that is not a SOAP Envelope with one Body.
    #[error("not a SOAP message: {problem}")]
    NotSoap {
        /// What is wrong.
        problem: String,
    },
    /// The message already has a `wsse:Security` header.
    #[error("the message already has a wsse:Security header")]
    AlreadySecured,
    /// Comments inside the element to sign.
    #[error("{path} holds comments, which an XML signature here does not cover; remove them first")]
    Comments {
        /// The element holding one.
        path: String,
    },
    /// The signer's scheme has no XML signature method here.
    #[error("no XML signature method for {scheme}")]
    Scheme {
        /// The scheme's name.
        scheme: String,
    },
    /// The key could not sign.
    #[error(transparent)]
    Signer(#[from] SignerError),
    /// Canonicalisation failed.
    #[error(transparent)]
    C14n(#[from] C14nError),
    /// What was written does not read back as signed (a bug, never input).
    #[error("the signed document does not read back: {0}")]
    Internal(String),
}

/// Options of a WS-Security signature.
#[derive(Debug, Clone, Default)]
pub struct WsseOptions {
    /// The signing time (Unix seconds), for the Timestamp.
    pub now: i64,
    /// Add a `wsu:Timestamp` valid this many seconds, and sign it.
    pub timestamp_ttl: Option<i64>,
    /// A fresh token for the IDs (`id-<token>`, `TS-<token>`), e.g. 16 random bytes in hex.
    pub id: String,
}

const DIGEST_PLACEHOLDER: &str = "QOLTANBA-DIGEST-";
const VALUE_PLACEHOLDER: &str = "QOLTANBA-SIGNATURE-VALUE";

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// The signature and digest method URIs for a signer's scheme.
fn methods(signer: &dyn Signer) -> Result<(Scheme, &'static str, &'static str), SignError> {
    let scheme = signer.scheme();
    let err = || SignError::Scheme {
        scheme: scheme.name(),
    };
    let sig = algorithms::signature_method_uri(scheme).ok_or_else(err)?;
    let dig = algorithms::digest_method_uri(scheme.digest()).ok_or_else(err)?;
    Ok((scheme, sig, dig))
}

/// `<ds:Signature>` with placeholders for the digests and the value.
fn signature_xml(sig_uri: &str, dig_uri: &str, refs: &[(String, bool)], key_info: &str) -> String {
    let mut s = String::with_capacity(1024);
    s.push_str("<ds:Signature xmlns:ds=\"");
    s.push_str(NS_DSIG);
    s.push_str("\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"");
    s.push_str(EXC_C14N);
    s.push_str("\"/><ds:SignatureMethod Algorithm=\"");
    s.push_str(sig_uri);
    s.push_str("\"/>");
    for (i, (uri, enveloped)) in refs.iter().enumerate() {
        s.push_str("<ds:Reference URI=\"");
        s.push_str(uri);
        s.push_str("\"><ds:Transforms>");
        if *enveloped {
            s.push_str("<ds:Transform Algorithm=\"");
            s.push_str(ENVELOPED);
            s.push_str("\"/>");
        }
        s.push_str("<ds:Transform Algorithm=\"");
        s.push_str(EXC_C14N);
        s.push_str("\"/></ds:Transforms><ds:DigestMethod Algorithm=\"");
        s.push_str(dig_uri);
        s.push_str("\"/><ds:DigestValue>");
        s.push_str(DIGEST_PLACEHOLDER);
        s.push_str(&i.to_string());
        s.push_str("</ds:DigestValue></ds:Reference>");
    }
    s.push_str("</ds:SignedInfo><ds:SignatureValue>");
    s.push_str(VALUE_PLACEHOLDER);
    s.push_str("</ds:SignatureValue><ds:KeyInfo>");
    s.push_str(key_info);
    s.push_str("</ds:KeyInfo></ds:Signature>");
    s
}

/// Applies (position, bytes removed, text inserted) edits, any order.
fn apply(text: &str, mut edits: Vec<(usize, usize, String)>) -> String {
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (at, remove, insert) in edits {
        out.replace_range(at..at + remove, &insert);
    }
    out
}

/// Where an element's start tag ends: the offset of its `>`, and whether
/// it is `/>`.
fn start_tag_end(text: &str, n: Node<'_, '_>) -> Option<(usize, bool)> {
    let start = n.range().start;
    let mut quote: Option<u8> = None;
    for (i, b) in text.as_bytes()[start..].iter().enumerate() {
        match (quote, *b) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"') | (None, b'\'') => quote = Some(*b),
            (None, b'>') => {
                let at = start + i;
                return Some((at, text.as_bytes().get(at.wrapping_sub(1)) == Some(&b'/')));
            }
            _ => {}
        }
    }
    None
}

/// Refuses comments inside `e`.
fn no_comments(e: Node<'_, '_>) -> Result<(), SignError> {
    match e.descendants().find(|d| d.is_comment()) {
        Some(c) => Err(SignError::Comments {
            path: tree::path(c.parent_element().unwrap_or(e)),
        }),
        None => Ok(()),
    }
}

/// Which elements the new signature's references cover, found in the
/// draft: (element, or None for the whole document; enveloped or not).
type Targets = dyn Fn(&Xml<'_>, Node<'_, '_>) -> Vec<(Option<roxmltree::NodeId>, bool)>;

/// Fills in the digests, then signs the canonical `SignedInfo`.
fn finish(
    draft: String,
    signer: &dyn Signer,
    scheme: Scheme,
    targets: &Targets,
) -> Result<Vec<u8>, SignError> {
    let exc = C14n::exclusive();
    // Pass 1: the digests over the document as it will be sent.
    let digests = {
        let x = Xml::parse(&draft).map_err(|e| SignError::Internal(e.to_string()))?;
        let sig = last_signature(&x)?;
        let mut out = Vec::new();
        for (target, enveloped) in targets(&x, sig) {
            let node = match target {
                Some(id) => x
                    .doc
                    .get_node(id)
                    .ok_or_else(|| SignError::Internal("a signed element is gone".into()))?,
                None => x.doc.root(),
            };
            let bytes = c14n::to_vec(node, enveloped.then(|| sig.id()), &exc)?;
            out.push(b64(&scheme.digest().hash(&bytes)));
        }
        out
    };
    let mut doc = draft;
    for (i, d) in digests.iter().enumerate() {
        doc = doc.replacen(&format!("{DIGEST_PLACEHOLDER}{i}<"), &format!("{d}<"), 1);
    }
    // Pass 2: the signature over the canonical SignedInfo, in place.
    let value = {
        let x = Xml::parse(&doc).map_err(|e| SignError::Internal(e.to_string()))?;
        let sig = last_signature(&x)?;
        let si = elements(sig)
            .next()
            .ok_or_else(|| SignError::Internal("no SignedInfo".into()))?;
        let signed_info = c14n::to_vec(si, None, &exc)?;
        let raw = signer.sign(&signed_info)?;
        match (
            scheme,
            crate::pki::algorithms::PublicKey::from_spki_der(&signer.public_key_spki())
                .map(|k| k.kind),
        ) {
            (Scheme::Ecdsa(_), Ok(KeyKind::Ec { bits })) => {
                ecdsa_der_to_raw(&raw, bits.div_ceil(8))
                    .ok_or_else(|| SignError::Internal("ECDSA signature is not DER".into()))?
            }
            _ => raw,
        }
    };
    Ok(doc
        .replacen(VALUE_PLACEHOLDER, &b64(&value), 1)
        .into_bytes())
}

/// The signature just inserted: the last `ds:Signature` holding the value placeholder.
fn last_signature<'a, 'i>(x: &'a Xml<'i>) -> Result<Node<'a, 'i>, SignError> {
    x.doc
        .descendants()
        .filter(|n| is(*n, NS_DSIG, "Signature"))
        .find(|n| {
            n.descendants()
                .any(|d| d.is_text() && d.text().is_some_and(|t| t.contains(VALUE_PLACEHOLDER)))
        })
        .ok_or_else(|| SignError::Internal("the new signature is not in the document".into()))
}

/// Signs a document with an enveloped signature over the whole document
/// (`URI=""`), placed as the document element's last child.
pub fn sign_enveloped(
    xml: &[u8],
    signer: &dyn Signer,
    cert_der: &[u8],
) -> Result<Vec<u8>, SignError> {
    let text = tree::text(xml)?;
    let x = Xml::parse(text)?;
    let root = x.doc.root_element();
    no_comments(root)?;
    let (scheme, sig_uri, dig_uri) = methods(signer)?;
    let key_info = format!(
        "<ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data>",
        b64(cert_der)
    );
    let sig = signature_xml(sig_uri, dig_uri, &[(String::new(), true)], &key_info);
    let (gt, self_closing) = start_tag_end(text, root)
        .ok_or_else(|| SignError::Internal("no end of the start tag".into()))?;
    let edit = if self_closing {
        (gt - 1, 2, format!(">{sig}</{}>", qname(root)))
    } else {
        let end = root.range().end;
        let close = text[..end]
            .rfind("</")
            .ok_or_else(|| SignError::Internal("no end tag".into()))?;
        (close, 0, sig)
    };
    let draft = apply(text, vec![edit]);
    finish(draft, signer, scheme, &|_, _| vec![(None, true)])
}

/// Signs a SOAP message with WS-Security as NCANode does for the gateway:
/// a `wsse:Security` header (mustUnderstand) with the signature over the
/// Body (and a `wsu:Timestamp` when asked), the certificate in a
/// `wsse:KeyIdentifier`.
pub fn sign_wsse(
    xml: &[u8],
    signer: &dyn Signer,
    cert_der: &[u8],
    opts: &WsseOptions,
) -> Result<Vec<u8>, SignError> {
    let text = tree::text(xml)?;
    let x = Xml::parse(text)?;
    if !wsse::is_soap(&x) {
        return Err(SignError::NotSoap {
            problem: format!("the document element is {}", qname(x.doc.root_element())),
        });
    }
    let soap = wsse::read(&x).map_err(|e| SignError::NotSoap {
        problem: e.to_string(),
    })?;
    if soap.security.is_some() {
        return Err(SignError::AlreadySecured);
    }
    no_comments(soap.body)?;
    let (scheme, sig_uri, dig_uri) = methods(signer)?;
    let envelope = soap.envelope;
    let soap_ns = envelope.tag_name().namespace().unwrap_or(super::NS_SOAP11);
    let mut edits = Vec::new();

    // The Body's ID: the one it has, or a new wsu:Id.
    let existing = soap
        .body
        .attributes()
        .find(|a| tree::is_id_attribute(a))
        .map(|a| a.value().to_string());
    let body_id = match existing {
        Some(id) => id,
        None => {
            let id = format!("id-{}", opts.id);
            let (gt, self_closing) = start_tag_end(text, soap.body)
                .ok_or_else(|| SignError::Internal("no end of the Body's start tag".into()))?;
            let at = if self_closing { gt - 1 } else { gt };
            let bound = soap
                .body
                .namespaces()
                .find(|n| n.name() == Some("wsu"))
                .map(|n| n.uri());
            let attr = match bound {
                Some(NS_WSU) => format!(" wsu:Id=\"{id}\""),
                Some(_) => format!(" xmlns:qwsu=\"{NS_WSU}\" qwsu:Id=\"{id}\""),
                None => format!(" xmlns:wsu=\"{NS_WSU}\" wsu:Id=\"{id}\""),
            };
            edits.push((at, 0, attr));
            id
        }
    };

    // The Security header.
    let (soap_prefix, soap_decl) = match prefix_of(qname(envelope)) {
        Some(p) => (p.to_string(), String::new()),
        None => ("qsoap".to_string(), format!(" xmlns:qsoap=\"{soap_ns}\"")),
    };
    let mut refs = vec![(format!("#{body_id}"), false)];
    let mut security = format!(
        "<wsse:Security xmlns:wsse=\"{}\" xmlns:wsu=\"{NS_WSU}\"{soap_decl} {soap_prefix}:mustUnderstand=\"1\">",
        super::NS_WSSE
    );
    if let Some(ttl) = opts.timestamp_ttl {
        let ts_id = format!("TS-{}", opts.id);
        security.push_str(&format!(
            "<wsu:Timestamp wsu:Id=\"{ts_id}\"><wsu:Created>{}</wsu:Created><wsu:Expires>{}</wsu:Expires></wsu:Timestamp>",
            crate::time::rfc3339(opts.now),
            crate::time::rfc3339(opts.now.saturating_add(ttl))
        ));
        refs.push((format!("#{ts_id}"), false));
    }
    let key_info = format!(
        "<wsse:SecurityTokenReference><wsse:KeyIdentifier EncodingType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary\" ValueType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3\">{}</wsse:KeyIdentifier></wsse:SecurityTokenReference>",
        b64(cert_der)
    );
    security.push_str(&signature_xml(sig_uri, dig_uri, &refs, &key_info));
    security.push_str("</wsse:Security>");

    let header = elements(envelope).find(|e| is(*e, soap_ns, "Header"));
    match header {
        Some(h) => {
            let (gt, self_closing) = start_tag_end(text, h)
                .ok_or_else(|| SignError::Internal("no end of the Header's start tag".into()))?;
            if self_closing {
                edits.push((gt - 1, 2, format!(">{security}</{}>", qname(h))));
            } else {
                edits.push((gt + 1, 0, security));
            }
        }
        None => {
            let tag = match prefix_of(qname(envelope)) {
                Some(p) => format!("{p}:Header"),
                None => "Header".to_string(),
            };
            edits.push((
                soap.body.range().start,
                0,
                format!("<{tag}>{security}</{tag}>"),
            ));
        }
    }
    let draft = apply(text, edits);
    let with_ts = opts.timestamp_ttl.is_some();
    finish(draft, signer, scheme, &move |x, _| {
        let mut t = Vec::new();
        if let Ok(s) = wsse::read(x) {
            t.push((Some(s.body.id()), false));
            if with_ts && let Some(ts) = s.timestamp {
                t.push((Some(ts.element.id()), false));
            }
        }
        t
    })
}
