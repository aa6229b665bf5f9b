//! Rendering a service result (process 8: a notification, or a reasoned
//! refusal) from its JSON description into an A4 PDF/A-2b document in
//! Kazakh, Russian or both.
//!
//! Owns one template per document kind and its layout; the result's shape
//! ([`ResultDoc`], parsed and checked) is `description`'s, line wrapping by
//! the font's advance widths is `text`'s. The font is DejaVu Sans from the
//! `dejavu` crate, embedded as a subset (CID, Identity-H, with a ToUnicode
//! map, so the text can be extracted). Drawing and PDF/A are `krilla`'s. The
//! time comes in as a parameter; nothing here reads the clock.

mod description;
pub mod sheet;
mod text;

pub use description::{
    Applicant, Application, Bilingual, Kind, Lang, MAX_INPUT, Officer, Provider, ResultDoc,
};
use text::{fonts, text_width, wrap};

use super::PdfError;
use krilla::Document;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::Point;
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};

/// A4 in points.
pub const A4: (f32, f32) = (595.28, 841.89);
/// Left and right margin.
const MARGIN_X: f32 = 56.0;
/// Top margin.
const MARGIN_TOP: f32 = 56.0;
/// Space kept free at the bottom of every page for the officer's stamp.
pub const STAMP_AREA: f32 = 200.0;

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
    let lines = layout(doc, langs);
    let title = match doc.kind {
        Kind::Notification => labels(langs[0]).title_notification,
        Kind::Refusal => labels(langs[0]).title_refusal,
    };
    paint(
        &lines,
        STAMP_AREA,
        Metadata::new()
            .title(format!("{title} № {}", doc.application.number))
            .language(langs[0].code().to_string())
            .creator("qoltanba".into())
            .producer("qoltanba (krilla)".into())
            .authors(vec![doc.provider.name.get(langs[0]).to_string()])
            .keywords(vec![format!("document-id:{}", doc.id())])
            .creation_date(date_time(now))
            .document_id(doc.id().to_string()),
    )
}

/// Lays `lines` out on A4 pages, keeping `bottom_reserved` points free at
/// the bottom of each page, as PDF/A-2b with `metadata`.
fn paint(lines: &[Line], bottom_reserved: f32, metadata: Metadata) -> Result<Vec<u8>, PdfError> {
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
    let f = fonts();
    let bottom = A4.1 - bottom_reserved;
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
    document.set_metadata(metadata);
    document.finish().map_err(krilla_err)
}
