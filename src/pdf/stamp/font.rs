//! The stamp's font: DejaVu Sans subset and embedded by `krilla` (CID,
//! Identity-H, ToUnicode), read back as PDF objects with each character's
//! CID and glyph width, so the stamp can measure, wrap and show its text.
//!
//! Owns the shared subset for the Kazakh, Russian and Latin alphabets, made
//! once and reused for every stamp, and the extra subsets for text with
//! other characters.

use crate::pdf::PdfError;
use lopdf::{Dictionary, Object, ObjectId};
use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, OnceLock};

/// The letters every stamp font has.
const CHARSET: &str = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯаәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя\
ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\
.,:;-–—()«»\"'/№+=_@#%&?!*[]<>";

/// Maps keyed by a character or a glyph id, looked up for every character
/// of every stamp: a multiplicative hash of the code instead of SipHash
/// (the keys come from the font, not from an adversary who could aim at
/// collisions; a collision would only cost time).
type CodeMap<K, V> = HashMap<K, V, BuildHasherDefault<CodeHasher>>;

/// Fibonacci hashing of small integer keys.
#[derive(Default)]
pub(super) struct CodeHasher(u64);

impl Hasher for CodeHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u16(&mut self, v: u16) {
        self.0 = (self.0 ^ u64::from(v)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_u32(&mut self, v: u32) {
        self.0 = (self.0 ^ u64::from(v)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A subset font ready to copy into a document, with its glyph map.
#[derive(Debug)]
pub struct StampFont {
    /// The objects that make up the font and colour space (ids local to this set).
    pub objects: Vec<(ObjectId, Object)>,
    /// The resources dictionary that names them (`/Font`, `/ColorSpace`).
    pub resources: Dictionary,
    pub(super) font_name: Vec<u8>,
    pub(super) colour_space: Vec<u8>,
    pub(super) cid: CodeMap<char, u16>,
    width: CodeMap<u16, f32>,
    default_width: f32,
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
    // The first entry of the resource dictionary `key` (`what` in errors).
    let first = |key: &[u8], what: &str| -> Result<(Vec<u8>, Object), PdfError> {
        deref(res.get(key).map_err(|e| r(e.to_string()))?)?
            .iter()
            .next()
            .map(|(k, v)| (k.clone(), v.clone()))
            .ok_or_else(|| r(format!("no {what}")))
    };
    let (font_name, font_ref) = first(b"Font", "font")?;
    let (colour_space, cs_obj) = first(b"ColorSpace", "colour space")?;
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
fn parse_to_unicode(cmap: &[u8]) -> CodeMap<char, u16> {
    let text = String::from_utf8_lossy(cmap);
    let mut out = CodeMap::default();
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
fn parse_widths(cidfont: &Dictionary) -> (CodeMap<u16, f32>, f32) {
    let num = |o: &Object| match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    };
    let dw = cidfont.get(b"DW").ok().and_then(num).unwrap_or(1000.0);
    let mut out = CodeMap::default();
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
    pub(super) fn measure(&self, text: &str, size: f32) -> f32 {
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
    pub(super) fn show(&self, text: &str) -> Vec<u8> {
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

    pub(super) fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
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
}
