//! The verification page a stamp's QR code opens, `/verify?doc=..&sha256=..`:
//! first, plainly, whether the document was issued and signed here and is
//! valid now; then each signature as the stamp shows it; then the form for
//! the access code that opens the document itself. An unknown document and
//! a wrong hash get the same page, so nothing is learnt about other
//! documents; a damaged link says what was wrong with it.

use super::super::html::{Page, escape, hash_row, render, row};
use super::super::lang::Lang;
use super::super::link::{Link, LinkError};
use super::super::published::{Assessment, SignatureView};
use super::super::texts::Text;
use super::{headline, kz, kz_text, verdict_box};
use crate::verdict::Indication;
use std::fmt::Write;

/// Where the access-code form stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Not tried yet.
    Ask,
    /// A wrong code was entered; this many tries are left.
    Wrong {
        /// Tries left in the window.
        left: i64,
    },
    /// Too many wrong codes for this document: try later.
    Locked,
}

/// What the page shows.
pub enum View<'a> {
    /// A document issued here whose signed revision the link names.
    Found {
        /// The link.
        link: &'a Link,
        /// The document re-verified.
        assessment: &'a Assessment,
        /// The access-code form.
        access: Access,
    },
    /// No document issued here matches the link.
    NotFound(&'a Link),
    /// The link is not a verification link.
    Malformed(&'a LinkError),
}

fn position(roles: &[String]) -> Text {
    let has = |r: &str| roles.iter().any(|x| x == r);
    if has("head") {
        Text::PosHead
    } else if has("may_sign") {
        Text::PosMaySign
    } else if has("employee") {
        Text::PosEmployee
    } else {
        Text::PosOfficial
    }
}

fn signature(m: &mut String, n: usize, s: &SignatureView, lang: Lang) {
    let t = |k: Text| k.get(lang);
    let (class, _) = super::look(s.indication);
    let _ = write!(
        m,
        "<article class=\"card signature\" id=\"signature-{n}\">\n<h3>{} {n}</h3>\n<dl>",
        escape(t(Text::Signature))
    );
    row(m, t(Text::Signer), &escape(&s.name));
    row(m, t(Text::Position), &escape(t(position(&s.roles))));
    if let Some(o) = &s.organisation {
        row(m, t(Text::Organisation), &escape(o));
    }
    if let Some(b) = &s.bin {
        row(m, t(Text::Bin), &escape(b));
    }
    if let Some(st) = s.signing_time {
        row(m, t(Text::SigningTime), &escape(&kz(st, lang)));
    }
    let ts = s
        .timestamp
        .map(|u| kz(u, lang))
        .unwrap_or_else(|| t(Text::NoTimestamp).to_string());
    row(m, t(Text::Timestamp), &escape(&ts));
    if let Some(r) = &s.revoked_at {
        row(m, t(Text::RevokedAt), &escape(&kz_text(r, lang)));
    }
    let msg = super::super::check::message_of(&s.code);
    row(
        m,
        t(Text::Result),
        &format!(
            "<span class=\"tag {class}\">{}</span> {}",
            escape(super::super::report::pdf::indication_text(
                s.indication,
                lang
            )),
            escape(lang.pick(&msg))
        ),
    );
    m.push_str("</dl>\n");
    if let Some(poe) = s.long_term_poe {
        let _ = writeln!(
            m,
            "<p class=\"long-term\">{} ({})</p>",
            escape(t(Text::LongTerm)),
            escape(&kz(poe, lang))
        );
    }
    m.push_str("</article>\n");
}

/// The page.
pub fn page(lang: Lang, view: &View<'_>) -> String {
    let t = |k: Text| k.get(lang);
    let mut m = String::with_capacity(4096);
    let mut keep: Vec<(&str, &str)> = Vec::new();
    match view {
        View::Malformed(why) => {
            let _ = write!(
                m,
                "<section class=\"verdict unknown\" id=\"verdict\" data-indication=\"MALFORMED\">\n<h1><span class=\"mark\" aria-hidden=\"true\">?</span>{}</h1>\n<p class=\"why\">{}</p>\n<p class=\"note\">{}</p>\n</section>\n",
                escape(t(Text::Malformed)),
                escape(t(Text::MalformedLead)),
                escape(&why.to_string())
            );
        }
        View::NotFound(link) => {
            keep = vec![("doc", link.doc.as_str()), ("sha256", link.sha256.as_str())];
            let _ = write!(
                m,
                "<section class=\"verdict failed\" id=\"verdict\" data-indication=\"NOT_FOUND\">\n<h1><span class=\"mark\" aria-hidden=\"true\">✘</span>{}</h1>\n<p class=\"why\">{}</p>\n</section>\n",
                escape(t(Text::NotFound)),
                escape(t(Text::NotFoundLead))
            );
        }
        View::Found {
            link,
            assessment: a,
            access,
        } => {
            keep = vec![("doc", link.doc.as_str()), ("sha256", link.sha256.as_str())];
            let lead = match a.indication {
                Indication::Passed => Text::ValidLead,
                Indication::Failed => Text::InvalidLead,
                Indication::Indeterminate => Text::UnconfirmedLead,
            };
            verdict_box(&mut m, a.indication, t(headline(a.indication)), t(lead));
            m.push_str("<dl class=\"document\">");
            row(&mut m, t(Text::DocumentNumber), &escape(&link.doc));
            hash_row(&mut m, t(Text::SignedRevision), &link.sha256);
            row(&mut m, t(Text::CheckedAt), &escape(&kz(a.at, lang)));
            m.push_str("</dl>\n");
            let _ = writeln!(m, "<h2>{}</h2>", escape(t(Text::Signers)));
            for (i, s) in a.signatures.iter().enumerate() {
                signature(&mut m, i + 1, s, lang);
            }
            let _ = write!(
                m,
                "<h2 id=\"access\">{}</h2>\n<p>{}</p>\n",
                escape(t(Text::AccessTitle)),
                escape(t(Text::AccessLead))
            );
            match access {
                Access::Ask => {}
                Access::Wrong { left } => {
                    let _ = writeln!(
                        m,
                        "<p class=\"problem\" role=\"alert\">{} {}: {left}</p>",
                        escape(t(Text::AccessWrong)),
                        escape(t(Text::AccessTriesLeft))
                    );
                }
                Access::Locked => {
                    let _ = writeln!(
                        m,
                        "<p class=\"problem\" role=\"alert\">{}</p>",
                        escape(t(Text::AccessLocked))
                    );
                }
            }
            let _ = write!(
                m,
                "<form method=\"post\" action=\"/verify/document\">\n\
                 <input type=\"hidden\" name=\"doc\" value=\"{}\">\n\
                 <input type=\"hidden\" name=\"sha256\" value=\"{}\">\n\
                 <input type=\"hidden\" name=\"lang\" value=\"{}\">\n\
                 <label for=\"code\">{}</label>\n\
                 <input id=\"code\" name=\"code\" type=\"text\" class=\"code\" autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" maxlength=\"16\" required>\n\
                 <button type=\"submit\">{}</button>\n</form>\n",
                escape(&link.doc),
                escape(&link.sha256),
                lang.code(),
                escape(t(Text::AccessCode)),
                escape(t(Text::AccessOpen)),
            );
        }
    }
    let _ = writeln!(m, "<p class=\"note\">{}</p>", escape(t(Text::Privacy)));
    render(&Page {
        lang,
        title: t(Text::VerifyTitle),
        path: "/verify",
        keep: &keep,
        main: m,
    })
}
