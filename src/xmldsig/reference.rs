//! References: what a signature covers, and whether that is what the
//! document presents as signed.
//!
//! Owns dereferencing (`URI=""`: the whole document; `URI="#id"`: the one
//! element carrying that ID; nothing else: no other documents, no
//! XPointer, no network), the transform chain (an optional
//! enveloped-signature, then at most one canonicalisation, last), the
//! digest input (the exact canonical bytes, handed back to the caller), and
//! the defences against signature wrapping (McIntosh & Austel 2005;
//! Somorovsky et al. 2011-2012): an ID carried by two elements is refused;
//! in a plain XML document every reference must cover the document element
//! (or, in an enveloping signature, one of its own `ds:Object`s); in a SOAP
//! message the references must cover the Body the Envelope actually has
//! and the `wsu:Timestamp` when there is one; comments inside signed
//! content, which no reference covers, are refused.

use super::NS_DSIG;
use super::algorithms::{self, Transform, UriError};
use super::c14n::{self, C14n, C14nError, Method};
use super::signature::{ReferenceInfo, SignatureInfo};
use super::tree::{Xml, is, path, qname};
use crate::pki::algorithms::Digest;
use roxmltree::{Node, NodeId};

/// Why a reference does not name what the document presents as signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// A `Reference` without `URI` (the application would have to know).
    #[error("a Reference has no URI")]
    UriMissing,
    /// A URI that is not `""` or `#id`: another document, XPointer, a URL.
    #[error("the Reference URI {uri:?} is not a same-document ID (only \"\" and #id are followed)")]
    NotSameDocument {
        /// The URI.
        uri: String,
    },
    /// No element carries the ID.
    #[error("no element has the ID {id:?}")]
    NotFound {
        /// The ID.
        id: String,
    },
    /// Several elements carry the ID: which one was signed is ambiguous.
    #[error("the ID {id:?} is carried by {} elements: {}", elements.len(), elements.join(", "))]
    DuplicateId {
        /// The ID.
        id: String,
        /// The elements' paths.
        elements: Vec<String>,
    },
    /// A plain XML document whose signature covers less than the document.
    #[error("the signature covers {path}, not the document element {root}")]
    NotTheDocument {
        /// The element covered.
        path: String,
        /// The document element.
        root: String,
    },
    /// A SOAP message whose Body is not covered.
    #[error("the signature does not cover the message's Body ({body}); it covers {}", covered.join(", "))]
    BodyNotSigned {
        /// The Body's path.
        body: String,
        /// What the references cover.
        covered: Vec<String>,
    },
    /// A SOAP message whose `wsu:Timestamp` is not covered.
    #[error("the signature does not cover the message's wsu:Timestamp ({timestamp})")]
    TimestampNotSigned {
        /// The Timestamp's path.
        timestamp: String,
    },
    /// Comments inside signed content: a reader would see what no
    /// signature covers.
    #[error("{path} holds a comment, which the signature does not cover")]
    CommentInSignedContent {
        /// The element that holds it.
        path: String,
    },
}

/// Why a reference's algorithms cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// An URI refused or unknown.
    #[error(transparent)]
    Uri(#[from] UriError),
    /// Transforms in an order that is not enveloped-signature then one
    /// canonicalisation.
    #[error("transforms in an unsupported order: {0}")]
    Order(String),
}

/// How one reference turns the document into bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// Whether the enveloped-signature transform removes the signature.
    pub enveloped: bool,
    /// The canonicalisation (the default when none is named: C14N 1.0).
    pub c14n: C14n,
    /// The digest.
    pub digest: Digest,
}

/// Reads a reference's transforms and digest method.
pub fn chain(r: &ReferenceInfo) -> Result<Chain, ChainError> {
    let mut enveloped = false;
    let mut c14n: Option<C14n> = None;
    for (uri, prefixes) in &r.transforms {
        if c14n.is_some() {
            return Err(ChainError::Order(format!(
                "{uri} after the canonicalisation"
            )));
        }
        match algorithms::transform(uri)? {
            Transform::Enveloped if !enveloped => enveloped = true,
            Transform::Enveloped => {
                return Err(ChainError::Order("enveloped-signature twice".into()));
            }
            Transform::C14n(mut c) => {
                if c.method == Method::Exclusive {
                    c.inclusive_prefixes = prefixes.clone();
                }
                // A same-document URI's node set has no comments (XMLDSig
                // 4.4.3.3), so #WithComments keeps none here.
                c.comments = false;
                c14n = Some(c);
            }
        }
    }
    let digest = algorithms::digest_method(&r.digest_method)?;
    Ok(Chain {
        enveloped,
        c14n: c14n.unwrap_or(C14n {
            method: Method::Inclusive10,
            comments: false,
            inclusive_prefixes: Vec::new(),
        }),
        digest,
    })
}

/// What a reference points at: the document (`URI=""`) or one element.
pub fn dereference<'a, 'i>(
    xml: &'a Xml<'i>,
    r: &ReferenceInfo,
) -> Result<Node<'a, 'i>, ReferenceError> {
    let uri = r.uri.as_deref().ok_or(ReferenceError::UriMissing)?;
    if uri.is_empty() {
        return Ok(xml.doc.root());
    }
    let id = uri
        .strip_prefix('#')
        .filter(|id| {
            !id.is_empty() && !id.starts_with("xpointer(") && !id.contains(char::is_whitespace)
        })
        .ok_or_else(|| ReferenceError::NotSameDocument { uri: uri.into() })?;
    let found = xml.by_id(id);
    match found.len() {
        0 => Err(ReferenceError::NotFound { id: id.into() }),
        1 => Ok(found[0]),
        _ => Err(ReferenceError::DuplicateId {
            id: id.into(),
            elements: found.iter().map(|n| path(*n)).collect(),
        }),
    }
}

/// What the document presents as signed, against which references are judged.
#[derive(Debug, Clone, Copy)]
pub enum Expect {
    /// A plain XML document: the document element (or, for an enveloping
    /// signature that is itself the document element, its own Objects).
    Document,
    /// A SOAP message: its Body, and its Timestamp when it has one.
    Soap {
        /// The Body the Envelope has.
        body: NodeId,
        /// The `wsu:Timestamp` of the Security header.
        timestamp: Option<NodeId>,
    },
}

/// The element a target stands for (the document element for `URI=""`).
fn element_of<'a, 'i>(n: Node<'a, 'i>) -> Node<'a, 'i> {
    if n.is_root() {
        n.document().root_element()
    } else {
        n
    }
}

/// Whether `inner` is `outer` or inside it.
fn within(inner: Node<'_, '_>, outer: Node<'_, '_>) -> bool {
    outer.is_root() || inner.ancestors().any(|a| a.id() == outer.id())
}

/// Judges the references' targets against what the document presents.
pub fn check_targets(
    sig: &SignatureInfo<'_, '_>,
    targets: &[Node<'_, '_>],
    expect: Expect,
    enveloped: &[bool],
) -> Result<(), ReferenceError> {
    let doc = sig.element.document();
    let root = doc.root_element();
    match expect {
        Expect::Document => {
            for t in targets {
                let e = element_of(*t);
                let own_object = is(e, NS_DSIG, "Object")
                    && e.parent().map(|p| p.id()) == Some(sig.element.id())
                    && sig.element.id() == root.id();
                if e.id() != root.id() && !own_object {
                    return Err(ReferenceError::NotTheDocument {
                        path: path(e),
                        root: path(root),
                    });
                }
            }
        }
        Expect::Soap { body, timestamp } => {
            let covered: Vec<String> = targets.iter().map(|t| path(element_of(*t))).collect();
            let body_node = doc.get_node(body);
            if !targets
                .iter()
                .any(|t| body_node.is_some_and(|b| b.id() == t.id() || t.is_root()))
            {
                return Err(ReferenceError::BodyNotSigned {
                    body: body_node.map(path).unwrap_or_default(),
                    covered,
                });
            }
            if let Some(ts) = timestamp.and_then(|t| doc.get_node(t))
                && !targets.iter().any(|t| t.id() == ts.id() || within(ts, *t))
            {
                return Err(ReferenceError::TimestampNotSigned {
                    timestamp: path(ts),
                });
            }
        }
    }
    // Comments inside signed content (outside the enveloped signature).
    for (t, env) in targets.iter().zip(enveloped) {
        let e = element_of(*t);
        for d in e.descendants() {
            if d.is_comment() && !(*env && d.ancestors().any(|a| a.id() == sig.element.id())) {
                let holder = d.parent_element().unwrap_or(e);
                return Err(ReferenceError::CommentInSignedContent { path: path(holder) });
            }
        }
    }
    Ok(())
}

/// The bytes a reference's digest covers.
pub fn signed_bytes(
    target: Node<'_, '_>,
    sig: &SignatureInfo<'_, '_>,
    chain: &Chain,
) -> Result<Vec<u8>, C14nError> {
    let omit = chain.enveloped.then(|| sig.element.id());
    c14n::to_vec(target, omit, &chain.c14n)
}

/// How a target is named in verdicts: its qualified name.
pub fn element_name(target: Node<'_, '_>) -> String {
    qname(element_of(target)).to_string()
}

/// How a target is named in verdicts: its path.
pub fn element_path(target: Node<'_, '_>) -> String {
    path(element_of(target))
}
