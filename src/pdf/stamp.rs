//! The officer's visible stamp: a signature appearance (a form XObject) with
//! the officer's name, position, organisation and BIN, the certificate's
//! serial, the signing time in Kazakhstan time (UTC+5), in Kazakh and
//! Russian, and a QR code with the public verification URL.
//!
//! Owns the stamp's layout and its content stream. The font is DejaVu Sans,
//! subset and embedded by `krilla` once for the Kazakh, Russian and Latin
//! alphabets (CID, Identity-H, ToUnicode: the stamp's text extracts), then
//! reused for every stamp, so stamping costs microseconds; text with other
//! characters gets its own subset. Colours are krilla's ICC-based sRGB, so a
//! PDF/A-2b document stays PDF/A-2b. Knows nothing of signing: `sign` places
//! the appearance on a page.

use super::PdfError;
use lopdf::{Dictionary, Object, ObjectId, StringFormat};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

/// The letters every stamp font has.
const CHARSET: &str = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯаәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя\
ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\
.,:;-–—()«»\"'/№+=_@#%&?!*[]<>";

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
}

/// A subset font ready to copy into a document, with its glyph map.
#[derive(Debug)]
pub struct StampFont {
    /// The objects that make up the font and colour space (ids local to this set).
    pub objects: Vec<(ObjectId, Object)>,
    /// The resources dictionary that names them (`/Font`, `/ColorSpace`).
    pub resources: Dictionary,
    font_name: Vec<u8>,
    colour_space: Vec<u8>,
    cid: HashMap<char, u16>,
    width: HashMap<u16, f32>,
    default_width: f32,
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

fn base_font() -> Result<Arc<StampFont>, PdfError> {
    static F: OnceLock<Result<Arc<StampFont>, PdfError>> = OnceLock::new();
    F.get_or_init(|| build_font(CHARSET.chars().collect()).map(Arc::new))
        .clone()
}

/// The font for `texts`: the shared one, or one with the extra characters.
pub fn font_for(texts: &[&str]) -> Result<Arc<StampFont>, PdfError> {
    let base = base_font()?;
    let extra: BTreeSet<char> = texts
        .iter()
        .flat_map(|t| t.chars())
        .filter(|c| *c != ' ' && !base.cid.contains_key(c))
        .filter(|c| !c.is_control())
        .collect();
    if extra.is_empty() {
        return Ok(base);
    }
    let mut all: BTreeSet<char> = CHARSET.chars().collect();
    all.extend(extra);
    build_font(all).map(Arc::new)
}

/// Has krilla subset and embed DejaVu Sans for `chars`, then reads back the
/// font objects, the CID of each character and the glyph widths.
fn build_font(chars: BTreeSet<char>) -> Result<StampFont, PdfError> {
    use krilla::Document;
    use krilla::configure::{Archival, ConfigurationBuilder};
    use krilla::geom::{PathBuilder, Point, Rect};
    use krilla::page::PageSettings;
    use krilla::text::{Font, TextDirection};
    let r = |e: String| PdfError::Render(format!("stamp font: {e}"));
    let config = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| r(format!("{e:?}")))?;
    let mut doc = Document::new_with(krilla::SerializeSettings {
        configuration: config,
        enable_tagging: false,
        compress_content_streams: false,
        ..Default::default()
    });
    let font = Font::new(dejavu::sans::regular().into(), 0).ok_or_else(|| r("DejaVu".into()))?;
    {
        let mut page = doc
            .start_page_with(PageSettings::from_wh(200.0, 200.0).ok_or_else(|| r("page".into()))?);
        let mut s = page.surface();
        s.set_fill(Some(krilla::paint::Fill {
            paint: krilla::color::rgb::Color::new(20, 51, 140).into(),
            ..Default::default()
        }));
        let mut pb = PathBuilder::new();
        if let Some(rect) = Rect::from_xywh(1.0, 1.0, 2.0, 2.0) {
            pb.push_rect(rect);
        }
        if let Some(p) = pb.finish() {
            s.draw_path(&p);
        }
        // Each character alone, so no ligature or contextual form is chosen.
        let text: String = std::iter::once(' ')
            .chain(chars.iter().flat_map(|c| [*c, ' ']))
            .collect();
        s.draw_text(
            Point::from_xy(0.0, 100.0),
            font,
            10.0,
            &text,
            false,
            TextDirection::LeftToRight,
        );
        s.finish();
        page.finish();
    }
    let pdf = doc.finish().map_err(|e| r(format!("{e:?}")))?;
    let d = lopdf::Document::load_mem(&pdf).map_err(|e| r(e.to_string()))?;
    let page_id = *d
        .get_pages()
        .values()
        .next()
        .ok_or_else(|| r("no page".into()))?;
    let page = d
        .get_object(page_id)
        .and_then(Object::as_dict)
        .map_err(|e| r(e.to_string()))?;
    let res = match page.get(b"Resources").map_err(|e| r(e.to_string()))? {
        Object::Reference(id) => d.get_object(*id).and_then(Object::as_dict),
        o => o.as_dict(),
    }
    .map_err(|e| r(e.to_string()))?
    .clone();
    let deref = |o: &Object| -> Result<Dictionary, PdfError> {
        match o {
            Object::Reference(id) => d
                .get_object(*id)
                .and_then(Object::as_dict)
                .cloned()
                .map_err(|e| r(e.to_string())),
            Object::Dictionary(x) => Ok(x.clone()),
            _ => Err(r("not a dictionary".into())),
        }
    };
    let fonts = deref(res.get(b"Font").map_err(|e| r(e.to_string()))?)?;
    let (font_name, font_ref) = fonts
        .iter()
        .next()
        .map(|(k, v)| (k.clone(), v.clone()))
        .ok_or_else(|| r("no font".into()))?;
    let spaces = deref(res.get(b"ColorSpace").map_err(|e| r(e.to_string()))?)?;
    let (colour_space, cs_obj) = spaces
        .iter()
        .next()
        .map(|(k, v)| (k.clone(), v.clone()))
        .ok_or_else(|| r("no colour space".into()))?;
    let type0 = deref(&font_ref)?;
    // CIDs from ToUnicode.
    let tu = match type0.get(b"ToUnicode") {
        Ok(Object::Reference(id)) => d.get_object(*id).and_then(Object::as_stream),
        _ => return Err(r("no ToUnicode".into())),
    }
    .map_err(|e| r(e.to_string()))?;
    let cmap = tu
        .decompressed_content()
        .or_else(|_| Ok::<_, lopdf::Error>(tu.content.clone()))
        .map_err(|e| r(e.to_string()))?;
    let cid = parse_to_unicode(&cmap);
    let descendant = match type0.get(b"DescendantFonts") {
        Ok(Object::Array(a)) if !a.is_empty() => deref(&a[0])?,
        _ => return Err(r("no descendant font".into())),
    };
    let (width, default_width) = parse_widths(&descendant);
    // Everything reachable from the font and the colour space.
    let mut objects = Vec::new();
    let mut seen = BTreeSet::new();
    let mut todo: Vec<ObjectId> = Vec::new();
    for o in [&font_ref, &cs_obj] {
        collect_refs(o, &mut todo);
    }
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        let o = d.get_object(id).map_err(|e| r(e.to_string()))?.clone();
        collect_refs(&o, &mut todo);
        objects.push((id, o));
    }
    let mut resources = Dictionary::new();
    let mut f = Dictionary::new();
    f.set(font_name.clone(), font_ref);
    resources.set("Font", f);
    let mut cs = Dictionary::new();
    cs.set(colour_space.clone(), cs_obj);
    resources.set("ColorSpace", cs);
    Ok(StampFont {
        objects,
        resources,
        font_name,
        colour_space,
        cid,
        width,
        default_width,
    })
}

/// Every reference inside `o`.
pub fn collect_refs(o: &Object, out: &mut Vec<ObjectId>) {
    match o {
        Object::Reference(r) => out.push(*r),
        Object::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        Object::Dictionary(d) => d.iter().for_each(|(_, x)| collect_refs(x, out)),
        Object::Stream(s) => s.dict.iter().for_each(|(_, x)| collect_refs(x, out)),
        _ => {}
    }
}

/// Reads `bfchar` and `bfrange` entries of a ToUnicode CMap: char → CID.
fn parse_to_unicode(cmap: &[u8]) -> HashMap<char, u16> {
    let text = String::from_utf8_lossy(cmap);
    let mut out = HashMap::new();
    let hex = |s: &str| -> Vec<u8> {
        let s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
        (0..s.len() / 2)
            .filter_map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok())
            .collect()
    };
    let utf16 = |b: &[u8]| -> Option<char> {
        let units: Vec<u16> = b
            .chunks(2)
            .filter(|c| c.len() == 2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        let s = String::from_utf16(&units).ok()?;
        let mut it = s.chars();
        let c = it.next()?;
        it.next().is_none().then_some(c)
    };
    let cid_of = |b: &[u8]| -> u16 { b.iter().fold(0u16, |a, x| (a << 8) | u16::from(*x)) };
    let mut section = "";
    for line in text.lines() {
        let l = line.trim();
        if l.ends_with("beginbfchar") {
            section = "char";
            continue;
        }
        if l.ends_with("beginbfrange") {
            section = "range";
            continue;
        }
        if l.starts_with("endbf") {
            section = "";
            continue;
        }
        let parts: Vec<&str> = l
            .split('>')
            .map(|p| p.trim().trim_start_matches('<'))
            .collect();
        match section {
            "char" if parts.len() >= 2 => {
                if let Some(c) = utf16(&hex(parts[1])) {
                    out.entry(c).or_insert(cid_of(&hex(parts[0])));
                }
            }
            "range" if parts.len() >= 3 => {
                let lo = cid_of(&hex(parts[0]));
                let hi = cid_of(&hex(parts[1]));
                if let Some(start) = utf16(&hex(parts[2])) {
                    for (i, cid) in (lo..=hi.min(lo.saturating_add(1024))).enumerate() {
                        if let Some(c) = char::from_u32(start as u32 + i as u32) {
                            out.entry(c).or_insert(cid);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Reads a CIDFont's `/W` and `/DW` (thousandths of an em).
fn parse_widths(cidfont: &Dictionary) -> (HashMap<u16, f32>, f32) {
    let num = |o: &Object| match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    };
    let dw = cidfont.get(b"DW").ok().and_then(num).unwrap_or(1000.0);
    let mut out = HashMap::new();
    if let Ok(Object::Array(w)) = cidfont.get(b"W") {
        let mut i = 0;
        while i < w.len() {
            let Some(first) = num(&w[i]) else { break };
            match w.get(i + 1) {
                Some(Object::Array(ws)) => {
                    for (k, x) in ws.iter().enumerate() {
                        if let Some(v) = num(x) {
                            out.insert((first as u16).saturating_add(k as u16), v);
                        }
                    }
                    i += 2;
                }
                Some(o) => {
                    let (Some(last), Some(v)) = (num(o), w.get(i + 2).and_then(num)) else {
                        break;
                    };
                    for c in first as u16..=(last as u16).min((first as u16).saturating_add(4096)) {
                        out.insert(c, v);
                    }
                    i += 3;
                }
                None => break,
            }
        }
    }
    (out, dw)
}

impl StampFont {
    /// Width of `text` at `size`, in points.
    fn measure(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| {
                if c == ' ' {
                    return self.space();
                }
                self.cid
                    .get(&c)
                    .map(|g| self.width.get(g).copied().unwrap_or(self.default_width))
                    .unwrap_or(0.0)
            })
            .sum::<f32>()
            * size
            / 1000.0
    }

    fn space(&self) -> f32 {
        self.cid
            .get(&' ')
            .and_then(|g| self.width.get(g).copied())
            .unwrap_or(318.0)
    }

    /// `[<cids> -space <cids>] TJ` for one line: spaces become gaps, so the
    /// line extracts with its spaces whether or not the subset has a space glyph.
    fn show(&self, text: &str) -> Vec<u8> {
        let mut out = b"[".to_vec();
        let mut open = false;
        for c in text.chars() {
            match self.cid.get(&c) {
                Some(g) => {
                    if !open {
                        out.push(b'<');
                        open = true;
                    }
                    out.extend_from_slice(format!("{g:04X}").as_bytes());
                }
                None => {
                    if open {
                        out.push(b'>');
                        open = false;
                    }
                    let w = if c == ' ' { self.space() } else { 500.0 };
                    out.extend_from_slice(format!(" {} ", -w.round() as i64).as_bytes());
                }
            }
        }
        if open {
            out.push(b'>');
        }
        out.extend_from_slice(b"] TJ\n");
        out
    }

    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let cand = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if self.measure(&cand, size) <= width || line.is_empty() {
                line = cand;
            } else {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
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

/// Kazakhstan time (UTC+5) as `YYYY-MM-DD HH:MM:SS`.
pub fn kz_time(unix: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(unix + 5 * 3600)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
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
    let lines_src: Vec<(String, bool)> = vec![
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
    // QR: one rectangle per dark module, filled at once.
    if n > 0 && qr_side > 0.0 {
        let m = qr_side / (n as f32 + 2.0);
        let x0 = pad + m;
        let y0 = (height - qr_side) / 2.0 + m;
        for (i, dark) in modules.iter().enumerate() {
            if *dark {
                let (col, row) = (i % n, i / n);
                let x = x0 + col as f32 * m;
                let y = y0 + (n - 1 - row) as f32 * m;
                for v in [x, y, m + 0.01, m + 0.01] {
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
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XObject".to_vec()));
    dict.set("Subtype", Object::Name(b"Form".to_vec()));
    dict.set(
        "BBox",
        Object::Array(vec![
            0.into(),
            0.into(),
            Object::Real(a.width),
            Object::Real(a.height),
        ]),
    );
    dict.set("Resources", a.font.resources.clone());
    lopdf::Stream::new(dict, a.content.clone())
}

/// A PDF string of bytes (for names of objects the stamp writes).
pub fn bytes_string(b: &[u8]) -> Object {
    Object::String(b.to_vec(), StringFormat::Literal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_maps_every_kazakh_letter() {
        let f = base_font().unwrap();
        for c in "ӘҒҚҢӨҰҮҺІәғқңөұүһі".chars() {
            assert!(f.cid.contains_key(&c), "{c}");
        }
        assert!(f.measure("Қолтаңба", 10.0) > 30.0);
    }

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
        };
        let a = appearance(&t, 515.0, 120.0).unwrap();
        assert!(a.content.starts_with(b"q\n"));
        assert!(appearance(&t, 5.0, 5.0).is_err());
        // Unusual characters get their own subset.
        let f2 = font_for(&["Ω"]).unwrap();
        assert!(f2.cid.contains_key(&'Ω'));
    }
}
