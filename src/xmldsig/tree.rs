//! Reading XML safely: the bytes become a read-only tree, or an error that
//! says what was refused.
//!
//! Owns the input limits ([`MAX_XML_LEN`], [`MAX_DEPTH`], [`MAX_NODES`]), the
//! encoding (UTF-8 only, an optional BOM), the refusals (any document type
//! declaration, so no DTD and no entity beyond the five predefined ones; any
//! XInclude element), qualified names and paths as the document spells them,
//! and the index of ID attributes (`Id`, `ID`, `id`, `wsu:Id`, `xml:id`)
//! that same-document references resolve through. Nothing is ever fetched.

use super::{NS_WSU, NS_XINCLUDE};
use roxmltree::{Document, Node, NodeId, ParsingOptions};
use std::collections::HashMap;

/// Largest XML document read, in bytes.
pub const MAX_XML_LEN: usize = 8 * 1024 * 1024;
/// Deepest element nesting read.
pub const MAX_DEPTH: usize = 100;
/// Most nodes (elements, texts, comments, PIs) read.
pub const MAX_NODES: u32 = 250_000;

/// Why an XML document was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// Over [`MAX_XML_LEN`].
    #[error("XML of {len} bytes (at most {max})")]
    TooLarge {
        /// Bytes given.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The bytes are not UTF-8.
    #[error("the XML is not UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Where decoding stopped.
        offset: usize,
    },
    /// The XML declaration names another encoding.
    #[error("the XML declares the encoding {declared:?}; only UTF-8 is read")]
    Encoding {
        /// The declared encoding.
        declared: String,
    },
    /// A document type declaration: DTDs (and so entities) are refused.
    #[error("the XML has a document type declaration (DTDs and entities are refused)")]
    Doctype,
    /// Nesting over [`MAX_DEPTH`].
    #[error("elements nested deeper than {max}")]
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// An XInclude element: never processed, so refused.
    #[error("the XML uses XInclude ({element}), which is refused")]
    XInclude {
        /// Its qualified name.
        element: String,
    },
    /// Not well-formed (or over [`MAX_NODES`]).
    #[error("the XML is not well-formed: {problem}")]
    Syntax {
        /// The parser's words, with the position.
        problem: String,
    },
}

/// A parsed document and its ID index.
pub struct Xml<'a> {
    /// The tree.
    pub doc: Document<'a>,
    /// Every value of an ID attribute, with the elements that carry it.
    ids: HashMap<String, Vec<NodeId>>,
}

impl std::fmt::Debug for Xml<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Xml").field("ids", &self.ids.len()).finish()
    }
}

/// Checks size and encoding and returns the text (without a BOM).
pub fn text(bytes: &[u8]) -> Result<&str, XmlError> {
    if bytes.len() > MAX_XML_LEN {
        return Err(XmlError::TooLarge {
            len: bytes.len(),
            max: MAX_XML_LEN,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| XmlError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    if let Some(declared) = declared_encoding(text) {
        let d = declared.to_ascii_lowercase();
        if d != "utf-8" && d != "utf8" {
            return Err(XmlError::Encoding { declared });
        }
    }
    Ok(text)
}

/// The `encoding` of the XML declaration, when there is one.
fn declared_encoding(text: &str) -> Option<String> {
    let decl = text.strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let quote = rest.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let rest = &rest[1..];
    Some(rest[..rest.find(quote)?].to_string())
}

impl<'a> Xml<'a> {
    /// Parses `text` (from [`text`]) under the limits.
    pub fn parse(text: &'a str) -> Result<Xml<'a>, XmlError> {
        // roxmltree refuses DTDs too; this names the refusal, and also
        // refuses the empty declaration it would let through.
        if text.contains("<!DOCTYPE") {
            return Err(XmlError::Doctype);
        }
        let options = ParsingOptions {
            allow_dtd: false,
            nodes_limit: MAX_NODES,
            ..ParsingOptions::default()
        };
        let doc = Document::parse_with_options(text, options).map_err(|e| match e {
            roxmltree::Error::DtdDetected => XmlError::Doctype,
            e => XmlError::Syntax {
                problem: e.to_string(),
            },
        })?;
        let mut ids: HashMap<String, Vec<NodeId>> = HashMap::new();
        // Depth-first with an explicit stack: no recursion on input.
        let mut stack = vec![(doc.root_element(), 1usize)];
        while let Some((n, depth)) = stack.pop() {
            if depth > MAX_DEPTH {
                return Err(XmlError::TooDeep { max: MAX_DEPTH });
            }
            if n.tag_name().namespace() == Some(NS_XINCLUDE) {
                return Err(XmlError::XInclude {
                    element: qname(n).to_string(),
                });
            }
            for a in n.attributes() {
                if is_id_attribute(&a) {
                    ids.entry(a.value().to_string()).or_default().push(n.id());
                }
            }
            for c in n.children().filter(|c| c.is_element()) {
                stack.push((c, depth + 1));
            }
        }
        for v in ids.values_mut() {
            v.sort_by_key(|n| n.get());
        }
        Ok(Xml { doc, ids })
    }

    /// The elements carrying `id` in an ID attribute (more than one means
    /// the document is ambiguous about what the ID names).
    pub fn by_id(&self, id: &str) -> Vec<Node<'_, 'a>> {
        self.ids
            .get(id)
            .map(|v| v.iter().filter_map(|n| self.doc.get_node(*n)).collect())
            .unwrap_or_default()
    }
}

/// Whether an attribute is one that same-document references name.
pub fn is_id_attribute(a: &roxmltree::Attribute<'_, '_>) -> bool {
    match a.namespace() {
        None => matches!(a.name(), "Id" | "ID" | "id"),
        Some(NS_WSU) => a.name() == "Id",
        Some(roxmltree::NS_XML_URI) => a.name() == "id",
        Some(_) => false,
    }
}

/// An element's qualified name as the document spells it (`ds:Signature`).
pub fn qname<'a>(n: Node<'_, 'a>) -> &'a str {
    let text = n.document().input_text();
    let start = n.range().start + 1;
    let rest = text.get(start..).unwrap_or("");
    let end = rest
        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .unwrap_or(rest.len());
    &rest[..end]
}

/// An attribute's qualified name as the document spells it (`wsu:Id`).
pub fn attr_qname<'a>(n: Node<'_, 'a>, a: &roxmltree::Attribute<'_, 'a>) -> &'a str {
    n.document()
        .input_text()
        .get(a.range_qname())
        .unwrap_or(a.name())
}

/// The prefix of a qualified name (`None` for an unprefixed one).
pub fn prefix_of(qname: &str) -> Option<&str> {
    qname.split_once(':').map(|(p, _)| p)
}

/// A path naming the element, e.g. `/SOAP-ENV:Envelope/SOAP-ENV:Body` or
/// `/a/b[2]` where siblings share the name.
pub fn path(n: Node<'_, '_>) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in n.ancestors().filter(|a| a.is_element()) {
        let name = qname(e);
        let same: Vec<_> = match e.parent() {
            Some(p) => p
                .children()
                .filter(|c| c.is_element() && c.tag_name() == e.tag_name())
                .collect(),
            None => vec![e],
        };
        if same.len() > 1 {
            let i = same.iter().position(|c| c.id() == e.id()).unwrap_or(0) + 1;
            parts.push(format!("{name}[{i}]"));
        } else {
            parts.push(name.to_string());
        }
    }
    parts.reverse();
    format!("/{}", parts.join("/"))
}

/// Whether `n` is the element `{ns}local`.
pub fn is(n: Node<'_, '_>, ns: &str, local: &str) -> bool {
    n.is_element() && n.tag_name().namespace() == Some(ns) && n.tag_name().name() == local
}

/// The element children of `n`.
pub fn elements<'a, 'i>(n: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(|c| c.is_element())
}

/// Whether `n` has text other than whitespace directly inside it.
pub fn has_stray_text(n: Node<'_, '_>) -> bool {
    n.children()
        .any(|c| c.is_text() && c.text().is_some_and(|t| !t.trim().is_empty()))
}

/// The text directly inside `n` (its text children joined).
pub fn inner_text(n: Node<'_, '_>) -> String {
    n.children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_it_should() {
        assert_eq!(
            Xml::parse("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>").err(),
            Some(XmlError::Doctype)
        );
        assert!(matches!(
            text(b"<?xml version=\"1.0\" encoding=\"windows-1251\"?><a/>"),
            Err(XmlError::Encoding { .. })
        ));
        assert!(text(b"<?xml version=\"1.0\" encoding=\"UTF8\"?><a/>").is_ok());
        assert!(matches!(
            text(b"<a>\xff</a>"),
            Err(XmlError::NotUtf8 { .. })
        ));
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert_eq!(
            Xml::parse(&deep).err(),
            Some(XmlError::TooDeep { max: MAX_DEPTH })
        );
        assert!(matches!(
            Xml::parse(
                "<a xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"/etc/passwd\"/></a>"
            ),
            Err(XmlError::XInclude { .. })
        ));
        assert!(matches!(
            Xml::parse("<a>&unknown;</a>"),
            Err(XmlError::Syntax { .. })
        ));
    }

    #[test]
    fn names_and_ids() {
        let t = "<s:E xmlns:s=\"u\" xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\"><s:B wsu:Id=\"x\"/><s:B Id=\"x\"/></s:E>";
        let x = Xml::parse(t).unwrap();
        let found = x.by_id("x");
        assert_eq!(found.len(), 2);
        assert_eq!(qname(found[0]), "s:B");
        assert_eq!(path(found[1]), "/s:E/s:B[2]");
        assert_eq!(path(x.doc.root_element()), "/s:E");
    }
}
