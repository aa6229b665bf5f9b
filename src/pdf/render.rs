//! Rendering a service result (process 8: a notification, or a reasoned
//! refusal) from its JSON description into an A4 PDF/A-2b document in
//! Kazakh, Russian or both.
//!
//! Owns the result's shape ([`ResultDoc`]), one template per document kind,
//! and line wrapping by the font's advance widths. The font is DejaVu Sans
//! from the `dejavu` crate, embedded as a subset (CID, Identity-H, with a
//! ToUnicode map, so the text can be extracted). Drawing and PDF/A are
//! `krilla`'s. The time comes in as a parameter; nothing here reads the clock.

use super::PdfError;
use krilla::Document;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::Point;
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use serde::Deserialize;
use std::sync::OnceLock;

/// A4 in points.
pub const A4: (f32, f32) = (595.28, 841.89);
/// Left and right margin.
const MARGIN_X: f32 = 56.0;
/// Top margin.
const MARGIN_TOP: f32 = 56.0;
/// Space kept free at the bottom of every page for the officer's stamp.
pub const STAMP_AREA: f32 = 200.0;
/// Largest JSON description accepted.
pub const MAX_INPUT: usize = 256 * 1024;
/// Most reasons in a refusal.
const MAX_REASONS: usize = 50;
/// Longest text field (characters).
const MAX_FIELD: usize = 4000;

/// A text in Kazakh and Russian.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    /// Kazakh.
    pub kk: String,
    /// Russian.
    pub ru: String,
}

impl Bilingual {
    fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Kk => &self.kk,
            Lang::Ru => &self.ru,
        }
    }
}

/// The kind of result document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The result: a notification that the service was rendered.
    Notification,
    /// A reasoned refusal.
    Refusal,
}

/// The provider (the state body rendering the service).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Its name.
    pub name: Bilingual,
    /// Its BIN.
    pub bin: String,
}

/// The applicant.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    /// Full name.
    pub name: String,
    /// IIN.
    pub iin: String,
}

/// The application.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// Its registration number.
    pub number: String,
    /// When it was submitted (YYYY-MM-DD).
    pub submitted: String,
    /// When it was decided (YYYY-MM-DD).
    pub decided: String,
}

/// The officer who signs.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Officer {
    /// Full name.
    pub name: String,
    /// Position.
    pub position: Bilingual,
}

/// A result document's description.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResultDoc {
    /// Notification or refusal.
    pub kind: Kind,
    /// An identifier for the verification URL (default: the application number).
    #[serde(default)]
    pub document_id: Option<String>,
    /// The service's name.
    pub service: Bilingual,
    /// The provider.
    pub provider: Provider,
    /// The applicant.
    pub applicant: Applicant,
    /// The application.
    pub application: Application,
    /// The decision.
    pub decision: Bilingual,
    /// The reasons (refusals).
    #[serde(default)]
    pub reasons: Vec<Bilingual>,
    /// The officer.
    pub officer: Officer,
}

/// A language of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Kazakh.
    Kk,
    /// Russian.
    Ru,
}

impl Lang {
    /// Parses `kk`, `ru` or `kk,ru`.
    pub fn parse_list(s: &str) -> Option<Vec<Lang>> {
        let mut out = Vec::new();
        for part in s.split(',') {
            let l = match part.trim() {
                "kk" => Lang::Kk,
                "ru" => Lang::Ru,
                _ => return None,
            };
            if !out.contains(&l) {
                out.push(l);
            }
        }
        (!out.is_empty()).then_some(out)
    }

    fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
        }
    }
}

impl ResultDoc {
    /// Parses and checks a description (bounded size, IIN/BIN shape, dates).
    pub fn from_json(bytes: &[u8]) -> Result<ResultDoc, PdfError> {
        if bytes.len() > MAX_INPUT {
            return Err(PdfError::Input(format!(
                "description larger than {MAX_INPUT} bytes"
            )));
        }
        let d: ResultDoc =
            serde_json::from_slice(bytes).map_err(|e| PdfError::Input(e.to_string()))?;
        d.check()?;
        Ok(d)
    }

    fn check(&self) -> Result<(), PdfError> {
        let twelve = |what: &str, v: &str| {
            if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
                Ok(())
            } else {
                Err(PdfError::Input(format!("{what} must be 12 digits")))
            }
        };
        twelve("applicant.iin", &self.applicant.iin)?;
        twelve("provider.bin", &self.provider.bin)?;
        for (what, v) in [
            ("application.submitted", &self.application.submitted),
            ("application.decided", &self.application.decided),
        ] {
            if crate::time::parse_rfc3339(&format!("{v}T00:00:00Z")).is_err() {
                return Err(PdfError::Input(format!("{what} must be YYYY-MM-DD")));
            }
        }
        if self.kind == Kind::Refusal && self.reasons.is_empty() {
            return Err(PdfError::Input("a refusal needs reasons".into()));
        }
        if self.reasons.len() > MAX_REASONS {
            return Err(PdfError::Input(format!("more than {MAX_REASONS} reasons")));
        }
        let mut all = vec![
            &self.service.kk,
            &self.service.ru,
            &self.provider.name.kk,
            &self.provider.name.ru,
            &self.applicant.name,
            &self.application.number,
            &self.decision.kk,
            &self.decision.ru,
            &self.officer.name,
            &self.officer.position.kk,
            &self.officer.position.ru,
        ];
        all.extend(self.reasons.iter().flat_map(|r| [&r.kk, &r.ru]));
        if all.iter().any(|s| s.chars().count() > MAX_FIELD) {
            return Err(PdfError::Input(format!(
                "a text field is longer than {MAX_FIELD} characters"
            )));
        }
        Ok(())
    }

    /// The id the verification URL names.
    pub fn id(&self) -> &str {
        self.document_id
            .as_deref()
            .unwrap_or(&self.application.number)
    }
}

/// DejaVu Sans, regular and bold, parsed once for measuring.
pub(crate) struct Fonts {
    pub regular: ttf_parser::Face<'static>,
    pub bold: ttf_parser::Face<'static>,
}

pub(crate) fn fonts() -> &'static Fonts {
    static F: OnceLock<Fonts> = OnceLock::new();
    F.get_or_init(|| Fonts {
        // The crate's fonts are valid TrueType files; a failure here is a build defect.
        regular: ttf_parser::Face::parse(dejavu::sans::regular(), 0)
            .unwrap_or_else(|_| unreachable!("DejaVu Sans parses")),
        bold: ttf_parser::Face::parse(dejavu::sans::bold(), 0)
            .unwrap_or_else(|_| unreachable!("DejaVu Sans Bold parses")),
    })
}

/// The advance width of `text` at `size` points (no kerning).
pub(crate) fn text_width(face: &ttf_parser::Face<'_>, text: &str, size: f32) -> f32 {
    let upem = f32::from(face.units_per_em());
    let units: u32 = text
        .chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map(u32::from)
                .unwrap_or(0)
        })
        .sum();
    units as f32 * size / upem
}

/// Greedy line breaking at spaces; a word wider than the line is cut by characters.
pub(crate) fn wrap(face: &ttf_parser::Face<'_>, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if text_width(face, &candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone may still be too wide.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if text_width(face, &piece, size) > width && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    lines
}

/// The template's fixed texts.
struct Labels {
    title_notification: &'static str,
    title_refusal: &'static str,
    bin: &'static str,
    service: &'static str,
    applicant: &'static str,
    iin: &'static str,
    number: &'static str,
    submitted: &'static str,
    decided: &'static str,
    decision: &'static str,
    reasons: &'static str,
    officer: &'static str,
    footer: &'static str,
}

fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::Kk => Labels {
            title_notification: "Мемлекеттік қызмет көрсету нәтижесі туралы хабарлама",
            title_refusal: "Мемлекеттік қызмет көрсетуден дәлелді бас тарту",
            bin: "БСН",
            service: "Мемлекеттік қызмет",
            applicant: "Көрсетілетін қызметті алушы",
            iin: "ЖСН",
            number: "Өтініштің нөмірі",
            submitted: "Өтініш берілген күн",
            decided: "Шешім қабылданған күн",
            decision: "Шешім",
            reasons: "Бас тарту себептері",
            officer: "Уәкілетті лауазымды тұлға",
            footer: "Құжат уәкілетті тұлғаның электрондық цифрлық қолтаңбасымен қол қойылған. \
                     Түпнұсқалығын QR-код бойынша тексеруге болады.",
        },
        Lang::Ru => Labels {
            title_notification: "Уведомление о результате оказания государственной услуги",
            title_refusal: "Мотивированный отказ в оказании государственной услуги",
            bin: "БИН",
            service: "Государственная услуга",
            applicant: "Услугополучатель",
            iin: "ИИН",
            number: "Номер заявления",
            submitted: "Дата подачи заявления",
            decided: "Дата принятия решения",
            decision: "Решение",
            reasons: "Причины отказа",
            officer: "Уполномоченное должностное лицо",
            footer: "Документ подписан электронной цифровой подписью уполномоченного лица. \
                     Подлинность можно проверить по QR-коду.",
        },
    }
}

/// One laid-out line.
struct Line {
    text: String,
    bold: bool,
    size: f32,
    indent: f32,
    center: bool,
    space_before: f32,
    /// Start a new page before this line.
    new_page: bool,
    /// Keep on the same page as the next line (a label and its value).
    keep_with_next: bool,
}

impl Line {
    fn new(text: String, bold: bool, size: f32) -> Line {
        Line {
            text,
            bold,
            size,
            indent: 0.0,
            center: false,
            space_before: 0.0,
            new_page: false,
            keep_with_next: false,
        }
    }
}

fn push_wrapped(
    out: &mut Vec<Line>,
    text: &str,
    bold: bool,
    size: f32,
    indent: f32,
    center: bool,
    space_before: f32,
) {
    let f = fonts();
    let face = if bold { &f.bold } else { &f.regular };
    let width = A4.0 - 2.0 * MARGIN_X - indent;
    for (i, t) in wrap(face, text, size, width).into_iter().enumerate() {
        let mut l = Line::new(t, bold, size);
        l.indent = indent;
        l.center = center;
        l.space_before = if i == 0 { space_before } else { 0.0 };
        out.push(l);
    }
}

fn layout(doc: &ResultDoc, langs: &[Lang]) -> Vec<Line> {
    let mut out = Vec::new();
    for (n, &lang) in langs.iter().enumerate() {
        let l = labels(lang);
        let start = out.len();
        push_wrapped(
            &mut out,
            doc.provider.name.get(lang),
            true,
            12.0,
            0.0,
            true,
            0.0,
        );
        // Each language on its own page(s).
        if n > 0
            && let Some(first) = out.get_mut(start)
        {
            first.new_page = true;
        }
        push_wrapped(
            &mut out,
            &format!("{}: {}", l.bin, doc.provider.bin),
            false,
            10.0,
            0.0,
            true,
            2.0,
        );
        let title = match doc.kind {
            Kind::Notification => l.title_notification,
            Kind::Refusal => l.title_refusal,
        };
        push_wrapped(&mut out, title, true, 14.0, 0.0, true, 16.0);
        let field = |out: &mut Vec<Line>, label: &str, value: &str| {
            push_wrapped(out, &format!("{label}:"), true, 10.5, 0.0, false, 7.0);
            if let Some(l) = out.last_mut() {
                l.keep_with_next = true;
            }
            push_wrapped(out, value, false, 10.5, 14.0, false, 1.0);
        };
        field(&mut out, l.service, doc.service.get(lang));
        field(
            &mut out,
            l.applicant,
            &format!("{}, {} {}", doc.applicant.name, l.iin, doc.applicant.iin),
        );
        field(&mut out, l.number, &doc.application.number);
        field(&mut out, l.submitted, &doc.application.submitted);
        field(&mut out, l.decided, &doc.application.decided);
        field(&mut out, l.decision, doc.decision.get(lang));
        if doc.kind == Kind::Refusal {
            push_wrapped(
                &mut out,
                &format!("{}:", l.reasons),
                true,
                10.5,
                0.0,
                false,
                7.0,
            );
            if let Some(l) = out.last_mut() {
                l.keep_with_next = true;
            }
            for (i, r) in doc.reasons.iter().enumerate() {
                push_wrapped(
                    &mut out,
                    &format!("{}. {}", i + 1, r.get(lang)),
                    false,
                    10.5,
                    14.0,
                    false,
                    1.0,
                );
            }
        }
        field(
            &mut out,
            l.officer,
            &format!("{}, {}", doc.officer.position.get(lang), doc.officer.name),
        );
        push_wrapped(&mut out, l.footer, false, 8.5, 0.0, false, 10.0);
    }
    out
}

fn date_time(unix: i64) -> DateTime {
    let t =
        time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    DateTime::new(t.year().clamp(0, 9999) as u16)
        .month(u8::from(t.month()))
        .day(t.day())
        .hour(t.hour())
        .minute(t.minute())
        .second(t.second())
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

fn krilla_err(e: krilla::error::KrillaError) -> PdfError {
    PdfError::Render(format!("{e:?}"))
}

/// Renders `doc` in `langs` (in that order) as PDF/A-2b; `now` (Unix
/// seconds) is the creation date.
pub fn render(doc: &ResultDoc, langs: &[Lang], now: i64) -> Result<Vec<u8>, PdfError> {
    let config = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| PdfError::Render(format!("{e:?}")))?;
    let settings = krilla::SerializeSettings {
        configuration: config,
        enable_tagging: false,
        ..Default::default()
    };
    let mut document = Document::new_with(settings);
    let regular = Font::new(dejavu::sans::regular().into(), 0)
        .ok_or_else(|| PdfError::Render("DejaVu Sans".into()))?;
    let bold = Font::new(dejavu::sans::bold().into(), 0)
        .ok_or_else(|| PdfError::Render("DejaVu Sans Bold".into()))?;
    let lines = layout(doc, langs);
    let f = fonts();
    let bottom = A4.1 - STAMP_AREA;
    let mut i = 0;
    while i < lines.len() {
        let mut page = document.start_page_with(
            PageSettings::from_wh(A4.0, A4.1)
                .ok_or_else(|| PdfError::Render("page size".into()))?,
        );
        let mut surface = page.surface();
        let mut y = MARGIN_TOP;
        let mut first = true;
        while i < lines.len() {
            let l = &lines[i];
            let step = if first { 0.0 } else { l.space_before } + l.size * 1.3;
            if !first && l.new_page {
                break;
            }
            // A label goes to the next page with its value.
            let next = if l.keep_with_next {
                lines
                    .get(i + 1)
                    .map_or(0.0, |n| n.space_before + n.size * 1.3)
            } else {
                0.0
            };
            if y + step + next > bottom && !first {
                break;
            }
            y += step;
            first = false;
            if !l.text.is_empty() {
                let face = if l.bold { &f.bold } else { &f.regular };
                let x = if l.center {
                    ((A4.0 - text_width(face, &l.text, l.size)) / 2.0).max(MARGIN_X)
                } else {
                    MARGIN_X + l.indent
                };
                surface.draw_text(
                    Point::from_xy(x, y),
                    if l.bold {
                        bold.clone()
                    } else {
                        regular.clone()
                    },
                    l.size,
                    &l.text,
                    false,
                    TextDirection::Auto,
                );
            }
            i += 1;
        }
        surface.finish();
        page.finish();
    }
    let title = match doc.kind {
        Kind::Notification => labels(langs[0]).title_notification,
        Kind::Refusal => labels(langs[0]).title_refusal,
    };
    document.set_metadata(
        Metadata::new()
            .title(format!("{title} № {}", doc.application.number))
            .language(langs[0].code().to_string())
            .creator("qoltanba".into())
            .producer("qoltanba (krilla)".into())
            .authors(vec![doc.provider.name.get(langs[0]).to_string()])
            .keywords(vec![format!("document-id:{}", doc.id())])
            .creation_date(date_time(now))
            .document_id(doc.id().to_string()),
    );
    document.finish().map_err(krilla_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_within_width() {
        let f = fonts();
        let text = "Мемлекеттік қызмет көрсету нәтижесі туралы хабарлама ".repeat(5);
        let lines = wrap(&f.regular, &text, 10.0, 200.0);
        assert!(lines.len() > 3);
        for l in &lines {
            assert!(text_width(&f.regular, l, 10.0) <= 200.0, "{l}");
        }
        let joined = lines.join(" ");
        assert_eq!(
            joined.split_whitespace().count(),
            text.split_whitespace().count()
        );
    }

    #[test]
    fn long_word_is_cut() {
        let f = fonts();
        let lines = wrap(&f.regular, &"Ә".repeat(200), 10.0, 100.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat().chars().count(), 200);
    }

    #[test]
    fn languages() {
        assert_eq!(Lang::parse_list("kk,ru"), Some(vec![Lang::Kk, Lang::Ru]));
        assert_eq!(Lang::parse_list("ru"), Some(vec![Lang::Ru]));
        assert_eq!(Lang::parse_list("en"), None);
    }
}
