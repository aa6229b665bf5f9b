//! The front door, `/`: what the service is, and where to go.

use super::super::html::{Page, escape, href, render};
use super::super::lang::Lang;
use super::super::texts::Text;
use std::fmt::Write;

/// The front page.
pub fn page(lang: Lang) -> String {
    let t = |k: Text| escape(k.get(lang));
    let mut m = String::new();
    let _ = write!(
        m,
        "<h1>{}</h1>\n<p>{}</p>\n<p>{}</p>\n<ul class=\"links\">\n\
         <li><a href=\"{}\">{}</a></li>\n<li><a href=\"{}\">{}</a></li>\n\
         <li><a href=\"/healthz\">{}</a></li>\n</ul>\n<p class=\"note\">{}</p>\n",
        t(Text::FrontTitle),
        t(Text::FrontIntro),
        t(Text::FrontQr),
        href("/check", &[], lang),
        t(Text::FrontCheck),
        href("/docs", &[], lang),
        t(Text::FrontApi),
        t(Text::FrontHealth),
        t(Text::FrontPrivacy),
    );
    render(&Page {
        lang,
        title: Text::FrontTitle.get(lang),
        path: "/",
        keep: &[],
        main: m,
    })
}
