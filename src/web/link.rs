//! The query of a verification link, `?doc=ID&sha256=HEX[&lang=..]`, read
//! strictly: each parameter at most once, percent-decoded to UTF-8, the
//! document id short and of a small alphabet, the hash 64 hex digits.
//! Anything else is a [`LinkError`] that names what was wrong (the page
//! says so in words; nothing is echoed unescaped).

/// Longest query string read.
pub const MAX_QUERY: usize = 2048;
/// Most parameters read.
pub const MAX_PARAMS: usize = 16;
/// Longest document id.
pub const MAX_DOC_ID: usize = 64;

/// A verification link, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The document's id (the application number).
    pub doc: String,
    /// SHA-256 of the signed revision, lower-case hex.
    pub sha256: String,
}

/// Why a link is not a verification link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// A parameter is missing.
    #[error("{0} is missing")]
    Missing(&'static str),
    /// A parameter is given twice.
    #[error("{0} is given more than once")]
    Repeated(&'static str),
    /// The query is longer than [`MAX_QUERY`] or has more than [`MAX_PARAMS`] parameters.
    #[error("the query is too long")]
    TooLong,
    /// A parameter is not valid percent-encoded UTF-8.
    #[error("{0} is not valid percent-encoded UTF-8")]
    Encoding(&'static str),
    /// The document id is empty, too long or has other characters than A-Z a-z 0-9 . _ -.
    #[error("doc must be 1-{MAX_DOC_ID} of A-Z a-z 0-9 . _ -")]
    Doc,
    /// The hash is not 64 hexadecimal digits.
    #[error("sha256 must be 64 hexadecimal digits")]
    Hash,
}

/// The parameters of a query: `doc`, `sha256`, `lang` (others are ignored).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Params {
    /// `doc`, decoded.
    pub doc: Option<String>,
    /// `sha256`, decoded.
    pub sha256: Option<String>,
    /// `lang`, decoded.
    pub lang: Option<String>,
}

/// Reads a query string's known parameters.
pub fn params(query: Option<&str>) -> Result<Params, LinkError> {
    let q = query.unwrap_or("");
    if q.len() > MAX_QUERY {
        return Err(LinkError::TooLong);
    }
    let mut p = Params::default();
    for (i, pair) in q.split('&').filter(|s| !s.is_empty()).enumerate() {
        if i >= MAX_PARAMS {
            return Err(LinkError::TooLong);
        }
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (name, slot) = match k {
            "doc" => ("doc", &mut p.doc),
            "sha256" => ("sha256", &mut p.sha256),
            "lang" => ("lang", &mut p.lang),
            _ => continue,
        };
        if slot.is_some() {
            return Err(LinkError::Repeated(name));
        }
        *slot = Some(percent_decode(v).ok_or(LinkError::Encoding(name))?);
    }
    Ok(p)
}

/// The link the parameters make.
pub fn link(p: &Params) -> Result<Link, LinkError> {
    let doc = p.doc.as_deref().ok_or(LinkError::Missing("doc"))?;
    let sha = p.sha256.as_deref().ok_or(LinkError::Missing("sha256"))?;
    if !valid_doc(doc) {
        return Err(LinkError::Doc);
    }
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(LinkError::Hash);
    }
    Ok(Link {
        doc: doc.to_string(),
        sha256: sha.to_ascii_lowercase(),
    })
}

/// Whether `doc` may be a document id.
pub fn valid_doc(doc: &str) -> bool {
    (1..=MAX_DOC_ID).contains(&doc.len())
        && doc
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// `application/x-www-form-urlencoded` decoding (`+` is a space); None
/// when a `%` is not followed by two hex digits or the bytes are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hi = hex_val(*b.get(i + 1)?)?;
                let lo = hex_val(*b.get(i + 2)?)?;
                out.push(hi << 4 | lo);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789ABCDEF";

    fn parse(q: &str) -> Result<Link, LinkError> {
        link(&params(Some(q))?)
    }

    #[test]
    fn good_links() {
        let l = parse(&format!("doc=2026-P-000001&sha256={H}&utm=x")).unwrap();
        assert_eq!(l.doc, "2026-P-000001");
        assert_eq!(l.sha256, H.to_ascii_lowercase());
        let p = params(Some(&format!("lang=ru&doc=A%2EB&sha256={H}"))).unwrap();
        assert_eq!(p.lang.as_deref(), Some("ru"));
        assert_eq!(link(&p).unwrap().doc, "A.B");
    }

    #[test]
    fn bad_links_say_why() {
        assert_eq!(parse(""), Err(LinkError::Missing("doc")));
        assert_eq!(parse("doc=A"), Err(LinkError::Missing("sha256")));
        assert_eq!(
            parse(&format!("doc=A&doc=B&sha256={H}")),
            Err(LinkError::Repeated("doc"))
        );
        assert_eq!(
            parse(&format!("doc=%3Cscript%3E&sha256={H}")),
            Err(LinkError::Doc)
        );
        assert_eq!(
            parse(&format!("doc=%ZZ&sha256={H}")),
            Err(LinkError::Encoding("doc"))
        );
        assert_eq!(
            parse(&format!("doc=%FF&sha256={H}")),
            Err(LinkError::Encoding("doc"))
        );
        assert_eq!(parse("doc=A&sha256=abc"), Err(LinkError::Hash));
        assert_eq!(parse(&"a=b&".repeat(600)), Err(LinkError::TooLong));
        assert_eq!(parse(&"a&".repeat(20)), Err(LinkError::TooLong));
        assert_eq!(
            parse(&format!("doc={}&sha256={H}", "A".repeat(65))),
            Err(LinkError::Doc)
        );
    }
}
