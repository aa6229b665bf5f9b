//! A plain A4 sheet of headed text in one language, for documents that are
//! not service results (the validation reports): the result documents'
//! font, margins and PDF/A-2b, without their template and without the space
//! kept for stamps.

use super::{Line, Metadata, PdfError, date_time, paint, push_wrapped};

/// Most blocks on one sheet (a report of 200 signatures fits).
pub const MAX_BLOCKS: usize = 20_000;

/// One block of a sheet.
#[derive(Debug, Clone)]
pub enum Block {
    /// The title, centred.
    Title(String),
    /// A section heading.
    Heading(String),
    /// A label and its value.
    Field(String, String),
    /// A paragraph.
    Text(String),
    /// Small print.
    Note(String),
}

/// What a sheet says.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// Its language (BCP 47).
    pub lang: String,
    /// The title in its metadata.
    pub title: String,
    /// Who made it (metadata).
    pub author: String,
    /// An id for its metadata.
    pub id: String,
    /// The content.
    pub blocks: Vec<Block>,
}

/// Renders a sheet as PDF/A-2b; `now` is its creation date.
pub fn render_sheet(sheet: &Sheet, now: i64) -> Result<Vec<u8>, PdfError> {
    if sheet.blocks.len() > MAX_BLOCKS {
        return Err(PdfError::Input(format!(
            "a sheet holds at most {MAX_BLOCKS} blocks"
        )));
    }
    let mut lines: Vec<Line> = Vec::new();
    for b in &sheet.blocks {
        match b {
            Block::Title(t) => push_wrapped(&mut lines, t, true, 14.0, 0.0, true, 4.0),
            Block::Heading(t) => {
                push_wrapped(&mut lines, t, true, 11.5, 0.0, false, 12.0);
                if let Some(l) = lines.last_mut() {
                    l.keep_with_next = true;
                }
            }
            Block::Field(label, value) => {
                push_wrapped(&mut lines, &format!("{label}:"), true, 9.5, 0.0, false, 4.0);
                if let Some(l) = lines.last_mut() {
                    l.keep_with_next = true;
                }
                push_wrapped(&mut lines, value, false, 9.5, 14.0, false, 0.5);
            }
            Block::Text(t) => push_wrapped(&mut lines, t, false, 9.5, 0.0, false, 4.0),
            Block::Note(t) => push_wrapped(&mut lines, t, false, 8.0, 0.0, false, 8.0),
        }
    }
    paint(
        &lines,
        super::MARGIN_TOP,
        Metadata::new()
            .title(sheet.title.clone())
            .language(sheet.lang.clone())
            .creator("qoltanba".into())
            .producer("qoltanba (krilla)".into())
            .authors(vec![sheet.author.clone()])
            .keywords(vec![format!("document-id:{}", sheet.id)])
            .creation_date(date_time(now))
            .document_id(sheet.id.clone()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_renders_in_every_alphabet() {
        let sheet = Sheet {
            lang: "kk".into(),
            title: "Хаттама".into(),
            author: "qoltanba".into(),
            id: "r1".into(),
            blocks: vec![
                Block::Title("Электрондық қолтаңбаларды тексеру хаттамасы".into()),
                Block::Heading("Протокол".into()),
                Block::Field("File".into(), "a.pdf".into()),
                Block::Text("ә і ң ғ ү ұ қ ө һ".repeat(40)),
                Block::Note("note".into()),
            ],
        };
        let pdf = render_sheet(&sheet, 1_780_272_000).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
