//! Measuring and wrapping the result's text by DejaVu Sans's advance widths
//! (krilla draws but does not wrap).

use std::sync::OnceLock;

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
}
