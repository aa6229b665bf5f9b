//! `/check`: the form to upload a signed file, and the answer: the verdict
//! per signature with every check, what the revisions after the first
//! signature changed, and the reports (a sealed PDF, ETSI XML, JSON). The
//! answer carries the file back in hidden fields when it is small, so the
//! report buttons work without storing anything; a larger file is chosen
//! again.

use super::super::check::{Checked, message_of};
use super::super::html::{Page, escape, hash_row, render, row};
use super::super::lang::Lang;
use super::super::report::pdf::{indication_text, outcome_text};
use super::super::texts::{Text, check_name};
use super::{headline, kz, kz_text, verdict_box};
use base64::Engine;
use std::fmt::Write;

/// Largest upload (file and data together) carried back in the answer for the report buttons.
pub const MAX_CARRIED: usize = 512 * 1024;

/// A problem with the upload, said on the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormProblem {
    /// No file.
    NoFile,
    /// Too large.
    TooLarge,
    /// Over the client's allowance.
    RateLimited,
    /// Too many checks at once.
    Busy,
    /// It took too long.
    Timeout,
}

impl FormProblem {
    fn text(self) -> Text {
        match self {
            FormProblem::NoFile => Text::CheckNoFile,
            FormProblem::TooLarge => Text::CheckTooLarge,
            FormProblem::RateLimited => Text::CheckRateLimited,
            FormProblem::Busy => Text::CheckBusy,
            FormProblem::Timeout => Text::CheckTimeout,
        }
    }
}

fn form(m: &mut String, lang: Lang, max_bytes: usize) {
    let t = |k: Text| escape(k.get(lang));
    let _ = write!(
        m,
        "<form method=\"post\" action=\"/check\" enctype=\"multipart/form-data\" id=\"check-form\">\n\
         <input type=\"hidden\" name=\"lang\" value=\"{}\">\n\
         <label for=\"file\">{}</label>\n<input id=\"file\" name=\"file\" type=\"file\" required>\n\
         <label for=\"data\">{}</label>\n<input id=\"data\" name=\"data\" type=\"file\">\n\
         <p class=\"note\">≤ {} MB</p>\n\
         <button type=\"submit\" name=\"format\" value=\"html\">{}</button>\n\
         <button type=\"submit\" class=\"secondary\" name=\"format\" value=\"pdf\">{}</button>\n\
         <button type=\"submit\" class=\"secondary\" name=\"format\" value=\"etsi-xml\">{}</button>\n\
         <button type=\"submit\" class=\"secondary\" name=\"format\" value=\"json\">{}</button>\n</form>\n",
        lang.code(),
        t(Text::CheckFile),
        t(Text::CheckData),
        max_bytes / (1024 * 1024),
        t(Text::CheckSubmit),
        t(Text::ReportPdf),
        t(Text::ReportXml),
        t(Text::ReportJson),
    );
}

/// The check page around `m`, the upload form last.
fn check_page(mut m: String, lang: Lang, max_bytes: usize) -> String {
    form(&mut m, lang, max_bytes);
    render(&Page {
        lang,
        title: Text::CheckTitle.get(lang),
        path: "/check",
        keep: &[],
        main: m,
    })
}

/// The form, with a problem said above it when there is one.
pub fn form_page(lang: Lang, problem: Option<FormProblem>, max_bytes: usize) -> String {
    let t = |k: Text| escape(k.get(lang));
    let mut m = String::new();
    let _ = write!(
        m,
        "<h1>{}</h1>\n<p>{}</p>\n",
        t(Text::CheckTitle),
        t(Text::CheckLead)
    );
    if let Some(p) = problem {
        let _ = writeln!(
            m,
            "<p class=\"problem\" role=\"alert\" id=\"problem\">{}</p>",
            t(p.text())
        );
    }
    check_page(m, lang, max_bytes)
}

/// The answer page of a check; `carried` is the upload (file, data) when
/// small enough to carry back for the report buttons.
pub fn result_page(
    lang: Lang,
    c: &Checked,
    carried: Option<(&[u8], Option<&[u8]>)>,
    max_bytes: usize,
) -> String {
    let t = |k: Text| k.get(lang);
    let mut m = String::with_capacity(8192);
    verdict_box(
        &mut m,
        c.indication,
        t(headline(c.indication)),
        &format!("{} ({})", lang.pick(&c.message()), c.code),
    );
    m.push_str("<dl class=\"file\">");
    row(&mut m, t(Text::FileName), &escape(&c.name));
    row(&mut m, t(Text::FileKind), c.kind.label());
    row(&mut m, t(Text::FileSize), &c.size.to_string());
    hash_row(&mut m, t(Text::ReportFileSha256), &c.sha256);
    row(&mut m, t(Text::CheckedAt), &escape(&kz(c.at, lang)));
    m.push_str("</dl>\n");
    let _ = writeln!(m, "<h2>{}</h2>", escape(t(Text::Signers)));
    if c.signatures.is_empty() {
        let _ = writeln!(m, "<p>{}</p>", escape(t(Text::NoSignatures)));
    }
    for (i, s) in c.signatures.iter().enumerate() {
        let (class, _) = super::look(s.indication);
        let _ = write!(
            m,
            "<article class=\"card signature\" id=\"signature-{}\">\n<h3>{} {} — {}</h3>\n<dl>",
            i + 1,
            escape(t(Text::Signature)),
            i + 1,
            escape(&s.label)
        );
        if let Some(signer) = &s.verdict.signer {
            row(
                &mut m,
                t(Text::Signer),
                &escape(signer["subject"]["dn"].as_str().unwrap_or("")),
            );
        }
        if let Some(st) = &s.signing_time {
            row(&mut m, t(Text::SigningTime), &escape(&kz_text(st, lang)));
        }
        let ts = s
            .timestamp
            .as_ref()
            .filter(|t| t["outcome"] == "passed")
            .and_then(|t| t["detail"]["time"].as_str())
            .map(|x| kz_text(x, lang))
            .unwrap_or_else(|| t(Text::NoTimestamp).to_string());
        row(&mut m, t(Text::Timestamp), &escape(&ts));
        row(
            &mut m,
            t(Text::Result),
            &format!(
                "<span class=\"tag {class}\">{}</span> <code>{}</code> {}",
                escape(indication_text(s.indication, lang)),
                escape(&s.code),
                escape(lang.pick(&message_of(&s.code)))
            ),
        );
        m.push_str("</dl>\n");
        let _ = writeln!(
            m,
            "<table class=\"checks\"><caption>{}</caption><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">code</th></tr></thead><tbody>",
            escape(t(Text::Checks)),
            escape(t(Text::Checks)),
            escape(t(Text::Result)),
        );
        for k in s.verdict.checks.iter() {
            let oc = format!("{:?}", k.outcome).to_lowercase();
            let _ = writeln!(
                m,
                "<tr data-check=\"{}\"><td>{}</td><td><span class=\"tag {oc}\">{}</span></td><td><code>{}</code></td></tr>",
                escape(k.name),
                escape(check_name(k.name, lang)),
                escape(outcome_text(k.outcome, lang)),
                k.code.map(|c| c.as_str()).unwrap_or("")
            );
        }
        m.push_str("</tbody></table>\n");
        if let Some(changes) = s.unauthorised_changes.as_array().filter(|a| !a.is_empty()) {
            let _ = write!(
                m,
                "<p class=\"problem\">{}:</p><ul class=\"changes\">",
                escape(t(Text::ChangeNotAllowed))
            );
            for o in changes {
                let _ = write!(
                    m,
                    "<li>{} {}: {}</li>",
                    escape(&o["object"].to_string()),
                    escape(o["change"].as_str().unwrap_or("")),
                    escape(o["detail"].as_str().unwrap_or(""))
                );
            }
            m.push_str("</ul>\n");
        }
        m.push_str("</article>\n");
    }
    if let Some(revs) = c.revisions.as_array().filter(|a| !a.is_empty()) {
        let _ = write!(
            m,
            "<h2>{}</h2>\n<table class=\"revisions\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">categories</th><th scope=\"col\">objects</th></tr></thead><tbody>\n",
            escape(t(Text::Changes)),
            escape(t(Text::Revision)),
        );
        for r in revs {
            let cats: Vec<&str> = r["categories"]
                .as_array()
                .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
                .unwrap_or_default();
            let objs: Vec<String> = r["objects"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .take(50)
                        .map(|o| {
                            format!(
                                "{} {} ({})",
                                o["object"],
                                o["change"].as_str().unwrap_or(""),
                                o["detail"].as_str().unwrap_or("")
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let _ = writeln!(
                m,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&r["revision"].to_string()),
                escape(&cats.join(", ")),
                escape(&objs.join("; "))
            );
        }
        m.push_str("</tbody></table>\n");
    }
    let _ = write!(
        m,
        "<h2 id=\"reports\">{}</h2>\n<p>{}</p>\n",
        escape(t(Text::Reports)),
        escape(t(Text::ReportsLead))
    );
    match carried.filter(|(f, d)| f.len() + d.map_or(0, |d| d.len()) <= MAX_CARRIED) {
        Some((file, data)) => {
            let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
            let _ = write!(
                m,
                "<form method=\"post\" action=\"/check\" enctype=\"multipart/form-data\" id=\"report-form\">\n\
                 <input type=\"hidden\" name=\"lang\" value=\"{}\">\n\
                 <input type=\"hidden\" name=\"name\" value=\"{}\">\n\
                 <input type=\"hidden\" name=\"file_b64\" value=\"{}\">\n",
                lang.code(),
                escape(&c.name),
                b64(file)
            );
            if let Some(d) = data {
                let _ = writeln!(
                    m,
                    "<input type=\"hidden\" name=\"data_b64\" value=\"{}\">",
                    b64(d)
                );
            }
            let _ = write!(
                m,
                "<button type=\"submit\" name=\"format\" value=\"pdf\">{}</button>\n\
                 <button type=\"submit\" class=\"secondary\" name=\"format\" value=\"etsi-xml\">{}</button>\n\
                 <button type=\"submit\" class=\"secondary\" name=\"format\" value=\"json\">{}</button>\n</form>\n",
                escape(t(Text::ReportPdf)),
                escape(t(Text::ReportXml)),
                escape(t(Text::ReportJson)),
            );
        }
        None => {
            let _ = writeln!(m, "<p class=\"note\">{}</p>", escape(t(Text::ReportsAgain)));
        }
    }
    let _ = writeln!(m, "<h2>{}</h2>", escape(t(Text::CheckAnother)));
    check_page(m, lang, max_bytes)
}
