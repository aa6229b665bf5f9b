//! HTML for the public pages: escaping, links that keep the reader's
//! language, and the one page skeleton (header with the language switch,
//! main, footer). No scripts, no inline styles, no outside resources: the
//! stylesheet is `/assets/qoltanba.css`, so the pages work with JavaScript
//! off and under a CSP that allows nothing inline.
//!
//! Every string that came from outside goes through [`escape`] (text and
//! attribute values alike) or [`query_escape`] (inside a URL).

use super::lang::Lang;
use super::texts::Text;
use std::fmt::Write;

/// `s` with `& < > " '` written as character references: safe in text and
/// in quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

/// [`escape`] appended to `out`.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Controls other than tab and newline have no business on a page.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// `s` percent-encoded for a query value (RFC 3986 unreserved kept).
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A link to `path` with `params` and the language, escaped for an
/// attribute value.
pub fn href(path: &str, params: &[(&str, &str)], lang: Lang) -> String {
    let mut url = String::from(path);
    let mut sep = '?';
    for (k, v) in params {
        let _ = write!(url, "{sep}{}={}", query_escape(k), query_escape(v));
        sep = '&';
    }
    let _ = write!(url, "{sep}lang={}", lang.code());
    escape(&url)
}

/// One page.
pub struct Page<'a> {
    /// The language it speaks.
    pub lang: Lang,
    /// Its title (plain text).
    pub title: &'a str,
    /// Its path, for the language switch.
    pub path: &'a str,
    /// Query parameters the language switch keeps (besides `lang`).
    pub keep: &'a [(&'a str, &'a str)],
    /// The content of `<main>`, HTML.
    pub main: String,
}

/// The whole document of a page.
pub fn render(p: &Page<'_>) -> String {
    let lang = p.lang;
    let mut s = String::with_capacity(p.main.len() + 2048);
    let _ = write!(
        s,
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n<title>{} · qoltanba</title>\n\
         <link rel=\"stylesheet\" href=\"/assets/qoltanba.css\">\n\
         <link rel=\"icon\" href=\"/assets/icon.svg\" type=\"image/svg+xml\">\n</head>\n<body>\n",
        lang.code(),
        escape(p.title)
    );
    let _ = write!(
        s,
        "<header class=\"site\">\n<a class=\"brand\" href=\"{}\">qoltanba</a>\n<span class=\"tagline\">{}</span>\n\
         <nav class=\"langs\" aria-label=\"{}\"><ul>",
        href("/", &[], lang),
        escape(Text::Tagline.get(lang)),
        escape(Text::Language.get(lang)),
    );
    for l in Lang::ALL {
        let current = if l == lang {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(
            s,
            "<li><a href=\"{}\" lang=\"{}\" hreflang=\"{}\"{current}>{}</a></li>",
            href(p.path, p.keep, l),
            l.code(),
            l.code(),
            l.own_name()
        );
    }
    s.push_str("</ul></nav>\n</header>\n<main id=\"main\">\n");
    s.push_str(&p.main);
    let _ = write!(
        s,
        "\n</main>\n<footer class=\"site\">\n<nav aria-label=\"qoltanba\"><ul>\
         <li><a href=\"{}\">{}</a></li><li><a href=\"{}\">{}</a></li>\
         <li><a href=\"{}\">{}</a></li><li><a href=\"/healthz\">{}</a></li></ul></nav>\n<p>{}</p>\n</footer>\n</body>\n</html>\n",
        href("/", &[], lang),
        escape(Text::NavHome.get(lang)),
        href("/check", &[], lang),
        escape(Text::NavCheck.get(lang)),
        href("/docs", &[], lang),
        escape(Text::NavDocs.get(lang)),
        escape(Text::NavHealth.get(lang)),
        escape(Text::Footer.get(lang)),
    );
    s
}

/// A `<dl>` row: a label and a value that is already HTML.
pub fn row(out: &mut String, label: &str, value_html: &str) {
    let _ = write!(out, "<dt>{}</dt><dd>{value_html}</dd>", escape(label));
}

/// A `<dl>` row whose value is a hash (hex, set apart for reading).
pub fn hash_row(out: &mut String, label: &str, hex: &str) {
    row(
        out,
        label,
        &format!("<span class=\"hash\">{}</span>", escape(hex)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_inert() {
        let evil = "\"><script>alert('x')</script>&\u{0}";
        let e = escape(evil);
        assert!(!e.contains('<') && !e.contains('>') && !e.contains('"') && !e.contains('\''));
        assert_eq!(
            e,
            "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;\u{FFFD}"
        );
        let h = href("/verify", &[("doc", evil)], Lang::Ru);
        assert!(h.starts_with("/verify?doc=%22%3E%3Cscript%3E"), "{h}");
        assert!(h.ends_with("&amp;lang=ru"), "{h}");
    }

    #[test]
    fn skeleton_has_the_switch_and_no_scripts() {
        let page = render(&Page {
            lang: Lang::En,
            title: "T<",
            path: "/check",
            keep: &[("doc", "A&B")],
            main: "<p>hi</p>".into(),
        });
        assert!(page.contains("<html lang=\"en\">"));
        assert!(page.contains("<title>T&lt; · qoltanba</title>"));
        assert!(page.contains("href=\"/check?doc=A%26B&amp;lang=kk\""));
        assert!(page.contains("aria-current=\"page\">English"));
        assert!(!page.contains("<script") && !page.contains("style="));
    }
}
