//! The pages themselves, each from a view of what is to be shown: the
//! front door, the verification page, the check form and its answer, the
//! API reference. Pure functions from data to HTML (`html` escapes).

pub mod check;
pub mod docs;
pub mod front;
pub mod verify;

use super::html::escape;
use super::lang::Lang;
use super::texts::Text;
use crate::verdict::Indication;

/// The CSS class and mark of an indication.
pub fn look(i: Indication) -> (&'static str, &'static str) {
    match i {
        Indication::Passed => ("passed", "✔"),
        Indication::Failed => ("failed", "✘"),
        Indication::Indeterminate => ("indeterminate", "⚠"),
    }
}

/// The headline of an indication.
pub fn headline(i: Indication) -> Text {
    match i {
        Indication::Passed => Text::Valid,
        Indication::Failed => Text::Invalid,
        Indication::Indeterminate => Text::Unconfirmed,
    }
}

/// A time as Kazakhstan time, with the zone said in words.
pub fn kz(unix: i64, lang: Lang) -> String {
    format!(
        "{} ({})",
        crate::pdf::stamp::kz_time(unix),
        Text::KzTime.get(lang)
    )
}

/// An RFC 3339 time as Kazakhstan time when it parses, else as written.
pub fn kz_text(t: &str, lang: Lang) -> String {
    match crate::time::parse_rfc3339(t) {
        Ok(u) => kz(u, lang),
        Err(_) => t.to_string(),
    }
}

/// The verdict box at the top of a page.
pub fn verdict_box(out: &mut String, i: Indication, title: &str, lead: &str) {
    let (class, mark) = look(i);
    out.push_str(&format!(
        "<section class=\"verdict {class}\" id=\"verdict\" data-indication=\"{}\">\n<h1><span class=\"mark\" aria-hidden=\"true\">{mark}</span>{}</h1>\n<p class=\"why\">{}</p>\n</section>\n",
        i.as_str(),
        escape(title),
        escape(lead)
    ));
}
