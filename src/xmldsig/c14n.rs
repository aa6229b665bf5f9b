//! Canonical XML: the exact bytes a digest or a signature covers.
//!
//! Owns Canonical XML 1.0 and 1.1 (inclusive) and Exclusive XML
//! Canonicalization 1.0, each with or without comments, over the document
//! subsets XML signatures need here: a whole document or one element's
//! subtree, less one subtree (the enveloped signature). Follows the W3C
//! recommendations: namespace declarations sorted by prefix (the default
//! first) and emitted only where the nearest output ancestor did not already
//! emit the same one (exclusive: only where visibly used, or named in the
//! InclusiveNamespaces prefix list); attributes sorted by namespace URI then
//! local name; empty elements as start and end tags; the escapes of text and
//! attribute values; comments and processing instructions outside the
//! document element on lines of their own. A subtree canonicalised
//! inclusively takes its omitted ancestors' namespaces and `xml:` attributes
//! (C14N 1.1: `xml:lang` and `xml:space`, never `xml:id`). Refuses (with an
//! error, never wrong bytes) C14N 1.1 of a subtree whose omitted ancestors
//! carry `xml:base`, whose fix-up it does not implement.

use super::tree::{attr_qname, prefix_of, qname};
use roxmltree::{Node, NodeId, NodeType};

/// Which canonicalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Canonical XML 1.0 (inclusive).
    Inclusive10,
    /// Canonical XML 1.1 (inclusive).
    Inclusive11,
    /// Exclusive XML Canonicalization 1.0.
    Exclusive,
}

/// A canonicalisation method with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct C14n {
    /// The algorithm.
    pub method: Method,
    /// Whether comments are kept.
    pub comments: bool,
    /// Exclusive only: prefixes treated inclusively (`#default` is written `""`).
    pub inclusive_prefixes: Vec<String>,
}

/// Canonical XML 1.0.
pub const C14N10: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
/// Canonical XML 1.0 with comments.
pub const C14N10_COMMENTS: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
/// Canonical XML 1.1.
pub const C14N11: &str = "http://www.w3.org/2006/12/xml-c14n11";
/// Canonical XML 1.1 with comments.
pub const C14N11_COMMENTS: &str = "http://www.w3.org/2006/12/xml-c14n11#WithComments";
/// Exclusive C14N.
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// Exclusive C14N with comments.
pub const EXC_C14N_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";

impl C14n {
    /// The method an algorithm URI names (no prefix list yet).
    pub fn from_uri(uri: &str) -> Option<C14n> {
        let (method, comments) = match uri {
            C14N10 => (Method::Inclusive10, false),
            C14N10_COMMENTS => (Method::Inclusive10, true),
            C14N11 => (Method::Inclusive11, false),
            C14N11_COMMENTS => (Method::Inclusive11, true),
            EXC_C14N => (Method::Exclusive, false),
            EXC_C14N_COMMENTS => (Method::Exclusive, true),
            _ => return None,
        };
        Some(C14n {
            method,
            comments,
            inclusive_prefixes: Vec::new(),
        })
    }

    /// The algorithm URI.
    pub fn uri(&self) -> &'static str {
        match (self.method, self.comments) {
            (Method::Inclusive10, false) => C14N10,
            (Method::Inclusive10, true) => C14N10_COMMENTS,
            (Method::Inclusive11, false) => C14N11,
            (Method::Inclusive11, true) => C14N11_COMMENTS,
            (Method::Exclusive, false) => EXC_C14N,
            (Method::Exclusive, true) => EXC_C14N_COMMENTS,
        }
    }

    /// Exclusive C14N without comments, as qoltanba signs.
    pub fn exclusive() -> C14n {
        C14n {
            method: Method::Exclusive,
            comments: false,
            inclusive_prefixes: Vec::new(),
        }
    }
}

/// Why a subset could not be canonicalised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum C14nError {
    /// C14N 1.1 would have to fix up an inherited `xml:base`.
    #[error(
        "C14N 1.1 of a subtree whose omitted ancestors carry xml:base={value:?} is not supported"
    )]
    XmlBaseFixup {
        /// The ancestor's xml:base.
        value: String,
    },
}

/// Canonicalises the subtree at `apex` (an element, or the document's root
/// node for the whole document), leaving out the subtree at `omit`.
pub fn canonicalize(
    apex: Node<'_, '_>,
    omit: Option<NodeId>,
    c: &C14n,
    out: &mut Vec<u8>,
) -> Result<(), C14nError> {
    let w = Writer { c, omit };
    let mut ctx: Vec<(&str, &str)> = Vec::new();
    if apex.is_root() {
        let mut seen_element = false;
        for child in apex.children() {
            if Some(child.id()) == omit {
                continue;
            }
            match child.node_type() {
                NodeType::Element => {
                    w.element(child, &mut ctx, true, out)?;
                    seen_element = true;
                }
                NodeType::Comment if c.comments => {
                    if seen_element {
                        out.push(b'\n');
                    }
                    w.leaf(child, out);
                    if !seen_element {
                        out.push(b'\n');
                    }
                }
                NodeType::PI => {
                    if seen_element {
                        out.push(b'\n');
                    }
                    w.leaf(child, out);
                    if !seen_element {
                        out.push(b'\n');
                    }
                }
                _ => {}
            }
        }
        Ok(())
    } else if apex.is_element() && Some(apex.id()) != omit {
        w.element(apex, &mut ctx, true, out)
    } else {
        Ok(())
    }
}

/// [`canonicalize`] into a new buffer.
pub fn to_vec(apex: Node<'_, '_>, omit: Option<NodeId>, c: &C14n) -> Result<Vec<u8>, C14nError> {
    let mut out = Vec::with_capacity(apex.range().len() + 256);
    canonicalize(apex, omit, c, &mut out)?;
    Ok(out)
}

struct Writer<'c> {
    c: &'c C14n,
    omit: Option<NodeId>,
}

/// The namespace a prefix (`""`: the default) is rendered with in `ctx`.
fn rendered<'s>(ctx: &[(&'s str, &'s str)], prefix: &str) -> Option<&'s str> {
    ctx.iter()
        .rev()
        .find(|(p, _)| *p == prefix)
        .map(|(_, u)| *u)
}

/// The namespace a prefix is bound to at `n` (`""` for the default).
fn in_scope<'a>(n: Node<'a, '_>, prefix: &str) -> Option<&'a str> {
    n.namespaces()
        .find(|ns| ns.name().unwrap_or("") == prefix)
        .map(|ns| ns.uri())
}

impl Writer<'_> {
    fn element<'a>(
        &self,
        n: Node<'a, '_>,
        ctx: &mut Vec<(&'a str, &'a str)>,
        apex: bool,
        out: &mut Vec<u8>,
    ) -> Result<(), C14nError> {
        let name = qname(n);
        // Namespace declarations to render, as (prefix, uri).
        let mut decls: Vec<(&'a str, &'a str)> = Vec::new();
        let consider = |p: &'a str, u: &'a str, decls: &mut Vec<(&'a str, &'a str)>| {
            if p == "xml" || decls.iter().any(|(q, _)| *q == p) {
                return;
            }
            let before = rendered(ctx, p);
            let differs = if p.is_empty() {
                before.unwrap_or("") != u
            } else {
                before != Some(u)
            };
            if differs {
                decls.push((p, u));
            }
        };
        match self.c.method {
            Method::Inclusive10 | Method::Inclusive11 => {
                for ns in n.namespaces() {
                    consider(ns.name().unwrap_or(""), ns.uri(), &mut decls);
                }
                if in_scope(n, "").is_none() {
                    consider("", "", &mut decls);
                }
            }
            Method::Exclusive => {
                let mut used: Vec<&'a str> = vec![prefix_of(name).unwrap_or("")];
                for a in n.attributes() {
                    if let Some(p) = prefix_of(attr_qname(n, &a)) {
                        used.push(p);
                    }
                }
                for p in &self.c.inclusive_prefixes {
                    let p = p.as_str();
                    if let Some(ns) = n.namespaces().find(|ns| ns.name().unwrap_or("") == p)
                        && let Some(pp) = ns.name().or(Some(""))
                    {
                        used.push(pp);
                    }
                }
                for p in used {
                    match in_scope(n, p) {
                        Some(u) => consider(p, u, &mut decls),
                        None if p.is_empty() => consider("", "", &mut decls),
                        None => {}
                    }
                }
            }
        }
        decls.sort_by(|a, b| a.0.cmp(b.0));

        // Attributes, with the xml: ones an inclusive subtree inherits.
        let mut attrs: Vec<(&str, &str, &str, &str)> = n
            .attributes()
            .map(|a| {
                (
                    a.namespace().unwrap_or(""),
                    a.name(),
                    attr_qname(n, &a),
                    a.value(),
                )
            })
            .collect();
        if apex && self.c.method != Method::Exclusive {
            let names: &[&str] = match self.c.method {
                Method::Inclusive10 => &["lang", "space", "base"],
                _ => &["lang", "space", "base"],
            };
            for local in names {
                if attrs
                    .iter()
                    .any(|a| a.0 == roxmltree::NS_XML_URI && a.1 == *local)
                {
                    continue;
                }
                let inherited = n
                    .ancestors()
                    .skip(1)
                    .filter(|a| a.is_element())
                    .find_map(|a| {
                        a.attributes()
                            .find(|x| {
                                x.namespace() == Some(roxmltree::NS_XML_URI) && x.name() == *local
                            })
                            .map(|x| x.value())
                    });
                if let Some(v) = inherited {
                    if self.c.method == Method::Inclusive11 && *local == "base" {
                        return Err(C14nError::XmlBaseFixup {
                            value: v.to_string(),
                        });
                    }
                    let q = match *local {
                        "lang" => "xml:lang",
                        "space" => "xml:space",
                        _ => "xml:base",
                    };
                    attrs.push((roxmltree::NS_XML_URI, local, q, v));
                }
            }
        }
        attrs.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));

        out.push(b'<');
        out.extend_from_slice(name.as_bytes());
        for (p, u) in &decls {
            if p.is_empty() {
                out.extend_from_slice(b" xmlns=\"");
            } else {
                out.extend_from_slice(b" xmlns:");
                out.extend_from_slice(p.as_bytes());
                out.extend_from_slice(b"=\"");
            }
            escape_attr(u, out);
            out.push(b'"');
        }
        for (_, _, q, v) in &attrs {
            out.push(b' ');
            out.extend_from_slice(q.as_bytes());
            out.extend_from_slice(b"=\"");
            escape_attr(v, out);
            out.push(b'"');
        }
        out.push(b'>');

        let mark = ctx.len();
        ctx.extend(decls.iter().copied());
        for child in n.children() {
            if Some(child.id()) == self.omit {
                continue;
            }
            match child.node_type() {
                NodeType::Element => self.element(child, ctx, false, out)?,
                NodeType::Text => escape_text(child.text().unwrap_or(""), out),
                NodeType::Comment if self.c.comments => self.leaf(child, out),
                NodeType::PI => self.leaf(child, out),
                _ => {}
            }
        }
        ctx.truncate(mark);

        out.extend_from_slice(b"</");
        out.extend_from_slice(name.as_bytes());
        out.push(b'>');
        Ok(())
    }

    /// A comment or processing instruction.
    fn leaf(&self, n: Node<'_, '_>, out: &mut Vec<u8>) {
        match n.node_type() {
            NodeType::Comment => {
                out.extend_from_slice(b"<!--");
                out.extend_from_slice(n.text().unwrap_or("").as_bytes());
                out.extend_from_slice(b"-->");
            }
            NodeType::PI => {
                if let Some(pi) = n.pi() {
                    out.extend_from_slice(b"<?");
                    out.extend_from_slice(pi.target.as_bytes());
                    if let Some(v) = pi.value.filter(|v| !v.is_empty()) {
                        out.push(b' ');
                        out.extend_from_slice(v.as_bytes());
                    }
                    out.extend_from_slice(b"?>");
                }
            }
            _ => {}
        }
    }
}

/// Text content as C14N writes it (`&`, `<`, `>` and CR escaped).
fn escape_text(s: &str, out: &mut Vec<u8>) {
    escape(s, out, |c| match c {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'>' => Some(b"&gt;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    })
}

/// An attribute value as C14N writes it (`&`, `<`, `"`, TAB, LF and CR escaped).
fn escape_attr(s: &str, out: &mut Vec<u8>) {
    escape(s, out, |c| match c {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'"' => Some(b"&quot;"),
        b'\t' => Some(b"&#x9;"),
        b'\n' => Some(b"&#xA;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    })
}

/// Copies `s` to `out`, each byte `rep` names replaced by its reference.
fn escape(s: &str, out: &mut Vec<u8>, rep: impl Fn(u8) -> Option<&'static [u8]>) {
    let b = s.as_bytes();
    let mut start = 0;
    for (i, c) in b.iter().enumerate() {
        let Some(r) = rep(*c) else { continue };
        out.extend_from_slice(&b[start..i]);
        out.extend_from_slice(r);
        start = i + 1;
    }
    out.extend_from_slice(&b[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmldsig::tree::Xml;

    fn whole(t: &str, c: &C14n) -> String {
        let x = Xml::parse(t).unwrap();
        String::from_utf8(to_vec(x.doc.root(), None, c).unwrap()).unwrap()
    }

    #[test]
    fn w3c_example_3_1_pis_comments_outside_the_document_element() {
        let input = "<?xml version=\"1.0\"?>\n\n<?xml-stylesheet   href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n\n<doc>Hello, world!<!-- Comment 1 --></doc>\n\n<?pi-without-data     ?>\n\n<!-- Comment 2 -->\n\n<!-- Comment 3 -->";
        let c = C14n::from_uri(C14N10).unwrap();
        assert_eq!(
            whole(input, &c),
            "<?xml-stylesheet href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n<doc>Hello, world!</doc>\n<?pi-without-data?>"
        );
        let c = C14n::from_uri(C14N10_COMMENTS).unwrap();
        assert_eq!(
            whole(input, &c),
            "<?xml-stylesheet href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n<doc>Hello, world!<!-- Comment 1 --></doc>\n<?pi-without-data?>\n<!-- Comment 2 -->\n<!-- Comment 3 -->"
        );
    }
}
