//! The officer's visible stamp: a signature appearance (a form XObject) with
//! the officer's name, position, organisation and BIN, the certificate's
//! serial, the signing time in Kazakhstan time (UTC+5), in Kazakh and
//! Russian, a QR code with the public verification URL and, beside it, the
//! short access code that opens the document on that page.
//!
//! Owns the stamp's text, layout and content stream. The font (`font`) is
//! DejaVu Sans, subset and embedded by `krilla` once for the Kazakh, Russian
//! and Latin alphabets (CID, Identity-H, ToUnicode: the stamp's text
//! extracts), then reused for every stamp, so stamping costs microseconds;
//! text with other characters gets its own subset. Colours are krilla's
//! ICC-based sRGB, so a PDF/A-2b document stays PDF/A-2b. Knows nothing of
//! signing: `sign` places the appearance on a page.

mod font;

pub use font::{StampFont, collect_refs, font_for};

use super::PdfError;
use lopdf::{Dictionary, Object, StringFormat};
use std::sync::Arc;

/// The stamp's ink: a dark blue, as officers' stamps are.
const INK: (f32, f32, f32) = (0.08, 0.2, 0.55);

/// What a stamp says.
#[derive(Debug, Clone, Default)]
pub struct StampText {
    /// The officer's full name.
    pub name: String,
    /// The position, Kazakh.
    pub position_kk: String,
    /// The position, Russian.
    pub position_ru: String,
    /// The organisation.
    pub organisation: String,
    /// The organisation's BIN.
    pub bin: Option<String>,
    /// The certificate's serial number (hex).
    pub serial: String,
    /// The signing time, Unix seconds.
    pub signing_time: i64,
    /// The document's id (the application number for a rendered result).
    pub document_id: String,
    /// The public verification URL (in the QR code).
    pub url: String,
    /// The short access code printed beside the QR code: whoever holds the
    /// paper may open the document itself on the verification page.
    pub access_code: Option<String>,
}

/// A rendered appearance: the form XObject's content and size, with the font set.
#[derive(Debug, Clone)]
pub struct Appearance {
    /// Width in points.
    pub width: f32,
    /// Height in points.
    pub height: f32,
    /// The content stream.
    pub content: Vec<u8>,
    /// The font and colour space the content uses.
    pub font: Arc<StampFont>,
}

/// The position a certificate's roles name, in Kazakh and Russian.
pub fn position_of(roles: &[&str]) -> (&'static str, &'static str) {
    if roles.contains(&"head") {
        ("Басшы", "Руководитель")
    } else if roles.contains(&"may_sign") {
        ("Қол қою құқығы бар тұлға", "Лицо с правом подписи")
    } else if roles.contains(&"employee") {
        ("Қызметкер", "Сотрудник")
    } else {
        ("Лауазымды тұлға", "Должностное лицо")
    }
}

/// The stamp's text from the signer's certificate: name (CN), position (by
/// role), organisation (O) and BIN (OU), serial.
pub fn text_from_certificate(cert_der: &[u8], signing_time: i64) -> Result<StampText, PdfError> {
    let c = crate::pki::cert::Certificate::from_der(cert_der)
        .map_err(|e| PdfError::Input(format!("signer certificate: {e}")))?;
    let p = crate::pki::profile::profile(&c);
    let (kk, ru) = position_of(&p.roles);
    Ok(StampText {
        name: c.subject.cn.clone().unwrap_or_else(|| c.subject.dn.clone()),
        position_kk: kk.into(),
        position_ru: ru.into(),
        organisation: c.subject.o.clone().unwrap_or_default(),
        bin: p.bin,
        serial: c.serial_hex(),
        signing_time,
        ..Default::default()
    })
}

/// Unix seconds as Kazakhstan's wall clock (UTC+5; the epoch when out of range).
pub fn kz_clock(unix: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(unix + 5 * 3600)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// Kazakhstan time (UTC+5) as `YYYY-MM-DD HH:MM:SS`.
pub fn kz_time(unix: i64) -> String {
    let t = kz_clock(unix);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A coordinate with at most two decimals.
fn f(v: f32) -> String {
    let mut out = Vec::with_capacity(12);
    put(&mut out, v);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes a coordinate with at most two decimals, without float formatting
/// (hot: four per QR module).
fn put(out: &mut Vec<u8>, v: f32) {
    let hundredths = (f64::from(v) * 100.0).round() as i64;
    if hundredths < 0 {
        out.push(b'-');
    }
    let a = hundredths.unsigned_abs();
    let mut digits = [0u8; 20];
    let mut n = 0;
    let mut i = a / 100;
    loop {
        digits[n] = b'0' + (i % 10) as u8;
        n += 1;
        i /= 10;
        if i == 0 {
            break;
        }
    }
    out.extend(digits[..n].iter().rev());
    let r = a % 100;
    if r != 0 {
        out.push(b'.');
        out.push(b'0' + (r / 10) as u8);
        if !r.is_multiple_of(10) {
            out.push(b'0' + (r % 10) as u8);
        }
    }
}

/// The QR modules (dark = true) and the side, with a fixed mask: choosing
/// the "best" of eight masks costs more than the rest of the stamp, and
/// every reader decodes any mask.
fn qr_modules(data: &[u8]) -> Result<(Vec<bool>, usize), PdfError> {
    use qrcode::{EcLevel, canvas, ec};
    let err = |e: qrcode::types::QrError| {
        PdfError::Input(format!("verification URL does not fit a QR code: {e}"))
    };
    let bits = qrcode::bits::encode_auto(data, EcLevel::M).map_err(err)?;
    let version = bits.version();
    let (data, ecc) =
        ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).map_err(err)?;
    let mut c = canvas::Canvas::new(version, EcLevel::M);
    c.draw_all_functional_patterns();
    c.draw_data(&data, &ecc);
    c.apply_mask(canvas::MaskPattern::Checkerboard);
    let modules = c
        .into_colors()
        .into_iter()
        .map(|m| m == qrcode::Color::Dark)
        .collect();
    Ok((modules, version.width().max(0) as usize))
}

/// Lays out the stamp in a `width` × `height` box.
pub fn appearance(t: &StampText, width: f32, height: f32) -> Result<Appearance, PdfError> {
    if !(20.0..=2000.0).contains(&width) || !(20.0..=2000.0).contains(&height) {
        return Err(PdfError::Input(format!(
            "stamp rectangle {width}×{height} pt: each side must be 20–2000 pt"
        )));
    }
    let bin = t
        .bin
        .as_deref()
        .map(|b| format!(", БСН/БИН {b}"))
        .unwrap_or_default();
    let mut lines_src: Vec<(String, bool)> = vec![
        (
            "Электрондық цифрлық қолтаңбамен қол қойылды / Подписано ЭЦП".to_string(),
            true,
        ),
        (t.name.clone(), true),
        (format!("{} / {}", t.position_kk, t.position_ru), false),
        (format!("{}{bin}", t.organisation), false),
        (format!("Сертификат №: {}", t.serial), false),
        (
            format!(
                "Қол қойылған уақыты / Время подписания: {} (UTC+5)",
                kz_time(t.signing_time)
            ),
            false,
        ),
        (format!("Құжат / Документ №: {}", t.document_id), false),
    ];
    if let Some(code) = &t.access_code {
        lines_src.push((format!("Кіру коды / Код доступа: {code}"), true));
    }
    let texts: Vec<&str> = lines_src.iter().map(|(s, _)| s.as_str()).collect();
    let font = font_for(&texts)?;
    let pad = 5.0;
    let (modules, n) = qr_modules(t.url.as_bytes())?;
    let qr_side = (height - 2.0 * pad).min(width * 0.35).max(0.0);
    let text_x = pad + qr_side + 6.0;
    let text_w = (width - text_x - pad).max(10.0);
    // The largest size (8 pt down to 4) at which everything fits.
    let mut size = 8.0f32;
    let wrapped = loop {
        let w: Vec<(String, bool)> = lines_src
            .iter()
            .flat_map(|(s, b)| font.wrap(s, size, text_w).into_iter().map(move |l| (l, *b)))
            .collect();
        if w.len() as f32 * size * 1.25 <= height - 2.0 * pad || size <= 4.0 {
            break w;
        }
        size -= 0.5;
    };
    let mut c = Vec::with_capacity(4096);
    let (r, g, b) = INK;
    let cs = String::from_utf8_lossy(&font.colour_space).into_owned();
    let fname = String::from_utf8_lossy(&font.font_name).into_owned();
    c.extend_from_slice(
        format!(
            "q\n/{cs} CS /{cs} cs {} {} {} SC {} {} {} sc\n1 w 0.75 0.75 {} {} re S\n",
            f(r),
            f(g),
            f(b),
            f(r),
            f(g),
            f(b),
            f(width - 1.5),
            f(height - 1.5)
        )
        .as_bytes(),
    );
    // QR: one rectangle per run of dark modules in a row, filled at once
    // (a third of the rectangles of one per module, the same picture).
    if n > 0 && qr_side > 0.0 {
        let m = qr_side / (n as f32 + 2.0);
        let x0 = pad + m;
        let y0 = (height - qr_side) / 2.0 + m;
        for (row, cells) in modules.chunks(n).enumerate() {
            let y = y0 + (n - 1 - row) as f32 * m;
            let mut col = 0;
            while col < n {
                if !cells[col] {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < n && cells[col] {
                    col += 1;
                }
                let x = x0 + start as f32 * m;
                let w = (col - start) as f32 * m;
                for v in [x, y, w + 0.01, m + 0.01] {
                    put(&mut c, v);
                    c.push(b' ');
                }
                c.extend_from_slice(b"re\n");
            }
        }
        c.extend_from_slice(b"f\n");
    }
    let mut y = height - pad - size;
    c.extend_from_slice(b"BT\n");
    for (line, bold) in &wrapped {
        // Bold by stroking the outline as well (fill-then-stroke, mode 2).
        let mode = if *bold { "2 Tr 0.25 w" } else { "0 Tr" };
        c.extend_from_slice(
            format!(
                "/{fname} {} Tf {mode} 1 0 0 1 {} {} Tm ",
                f(size),
                f(text_x),
                f(y)
            )
            .as_bytes(),
        );
        c.extend_from_slice(&font.show(line));
        y -= size * 1.25;
    }
    c.extend_from_slice(b"ET\nQ\n");
    Ok(Appearance {
        width,
        height,
        content: c,
        font,
    })
}

/// The appearance as a form XObject (the font objects are referenced by
/// their local ids: the caller renumbers them).
pub fn form_xobject(a: &Appearance) -> lopdf::Stream {
    let mut dict = form_dictionary(a.width, a.height);
    dict.set("Resources", a.font.resources.clone());
    lopdf::Stream::new(dict, a.content.clone())
}

/// A form XObject's dictionary, its bounding box `[0 0 width height]`.
pub fn form_dictionary(width: f32, height: f32) -> Dictionary {
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XObject".to_vec()));
    dict.set("Subtype", Object::Name(b"Form".to_vec()));
    dict.set(
        "BBox",
        Object::Array(vec![
            0.into(),
            0.into(),
            Object::Real(width),
            Object::Real(height),
        ]),
    );
    dict
}

/// A PDF string of bytes (for names of objects the stamp writes).
pub fn bytes_string(b: &[u8]) -> Object {
    Object::String(b.to_vec(), StringFormat::Literal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(f(1.0), "1");
        assert_eq!(f(-2.5), "-2.5");
        assert_eq!(f(0.756), "0.76");
        assert_eq!(f(12.05), "12.05");
    }

    #[test]
    fn kazakhstan_time() {
        assert_eq!(kz_time(1_780_272_000), "2026-06-01 05:00:00");
    }

    #[test]
    fn stamp_fits() {
        let t = StampText {
            name: "СӘРСЕНБАЕВА ДӘМЕТКЕН".into(),
            position_kk: "Басшы".into(),
            position_ru: "Руководитель".into(),
            organisation: "ГУ «Отдел жилищных отношений»".into(),
            bin: Some("120340000123".into()),
            serial: "2002".into(),
            signing_time: 1_780_272_000,
            document_id: "KZ-2026-000123".into(),
            url: "http://127.0.0.1:8080/verify?doc=KZ-2026-000123&sha256=00".into(),
            access_code: Some("ABCD-EFGH".into()),
        };
        let a = appearance(&t, 515.0, 120.0).unwrap();
        assert!(a.content.starts_with(b"q\n"));
        assert!(appearance(&t, 5.0, 5.0).is_err());
        // Unusual characters get their own subset.
        let f2 = font_for(&["Ω"]).unwrap();
        assert!(f2.cid.contains_key(&'Ω'));
    }
}
