//! Byte-level edits of signed PDFs, as the attack papers make them
//! (Mladenov et al. 2019, Mainka et al. 2021): incremental updates written
//! by hand (sound, or with a lying cross-reference section or trailer),
//! bodies appended with no section at all, and preparations made before
//! signing that a later update exploits (shadow attacks).

#![allow(dead_code)]

use lopdf::{Dictionary, Object, Stream};
use qoltanba::pdf::xref::{PdfFile, int};

/// The newest revision's facts an attacker needs.
pub struct Facts {
    pub size: u32,
    pub root: Object,
    pub info: Option<Object>,
    pub startxref: u64,
    pub page: (u32, Dictionary),
    pub catalog: (u32, Dictionary),
}

pub fn facts(pdf: &[u8]) -> Facts {
    let f = PdfFile::open(&pdf).unwrap();
    let last = f.revisions.len() - 1;
    let t = f.trailer().clone();
    let (page_id, page) = f.pages(last).unwrap().remove(0);
    let (cat_id, cat) = f.catalog(last).unwrap();
    Facts {
        size: int(t.get(b"Size").ok()).unwrap() as u32,
        root: t.get(b"Root").unwrap().clone(),
        info: t.get(b"Info").ok().cloned(),
        startxref: f.startxref,
        page: (page_id.0, page),
        catalog: (cat_id.0, cat),
    }
}

/// Resolves `o` in the newest revision.
pub fn resolve(pdf: &[u8], o: &Object) -> Object {
    let f = PdfFile::open(&pdf).unwrap();
    let last = f.revisions.len() - 1;
    f.resolve(o, last).unwrap()
}

/// `N 0 obj … endobj` as bytes.
pub fn body(num: u32, o: &Object) -> Vec<u8> {
    let mut out = format!("{num} 0 obj\n").into_bytes();
    match o {
        Object::Stream(s) => {
            let mut d = s.dict.clone();
            d.set("Length", s.content.len() as i64);
            qoltanba::pdf::cos::write(&mut out, &Object::Dictionary(d));
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&s.content);
            out.extend_from_slice(b"\nendstream");
        }
        o => qoltanba::pdf::cos::write(&mut out, o),
    }
    out.extend_from_slice(b"\nendobj\n");
    out
}

pub fn stream(content: &[u8]) -> Object {
    Object::Stream(Stream::new(Dictionary::new(), content.to_vec()))
}

/// An edit of an update's trailer.
pub type TrailerEdit = Box<dyn Fn(&mut Dictionary)>;

/// How an update is written.
#[derive(Default)]
pub struct Update {
    /// Objects written, each listed in the section.
    pub objects: Vec<(u32, Object)>,
    /// Extra section entries: (object, offset) pointing anywhere.
    pub entries: Vec<(u32, u64)>,
    /// Bodies written before the section but not listed in it.
    pub unlisted: Vec<(u32, Object)>,
    /// Changes to the trailer after it is filled in.
    pub trailer: Option<TrailerEdit>,
}

/// Appends an incremental update (a cross-reference table and trailer).
pub fn append(pdf: &[u8], u: Update) -> Vec<u8> {
    let f = facts(pdf);
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut listed: Vec<(u32, u64)> = Vec::new();
    let mut max = f.size - 1;
    for (n, o) in &u.unlisted {
        out.extend_from_slice(&body(*n, o));
    }
    for (n, o) in &u.objects {
        listed.push((*n, out.len() as u64));
        max = max.max(*n);
        out.extend_from_slice(&body(*n, o));
    }
    listed.extend(u.entries.iter().copied());
    let xref = out.len();
    out.extend_from_slice(b"xref\n");
    for (num, off) in &listed {
        out.extend_from_slice(format!("{num} 1\n{off:010} 00000 n\r\n").as_bytes());
    }
    let mut t = Dictionary::new();
    t.set("Size", i64::from(max) + 1);
    t.set("Root", f.root.clone());
    if let Some(i) = &f.info {
        t.set("Info", i.clone());
    }
    t.set("Prev", f.startxref as i64);
    if let Some(edit) = &u.trailer {
        edit(&mut t);
    }
    out.extend_from_slice(b"trailer\n");
    qoltanba::pdf::cos::write(&mut out, &Object::Dictionary(t));
    out.extend_from_slice(format!("\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    out
}

/// Appends objects as one update.
pub fn update(pdf: &[u8], objects: Vec<(u32, Object)>) -> Vec<u8> {
    append(
        pdf,
        Update {
            objects,
            ..Default::default()
        },
    )
}

/// A page content stream that prints `text` in Helvetica.
pub fn text_content(text: &str) -> Vec<u8> {
    format!("BT /QF 24 Tf 60 700 Td ({text}) Tj ET").into_bytes()
}

/// A Helvetica font dictionary.
pub fn helvetica() -> Object {
    let mut d = Dictionary::new();
    d.set("Type", Object::Name(b"Font".to_vec()));
    d.set("Subtype", Object::Name(b"Type1".to_vec()));
    d.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
    Object::Dictionary(d)
}

/// The page with `/Resources` made direct (resolved) and a font `/QF` added.
pub fn page_with_font(pdf: &[u8], page: &Dictionary, font: u32) -> Dictionary {
    let mut p = page.clone();
    let mut res = match p.get(b"Resources") {
        Ok(r) => match resolve(pdf, r) {
            Object::Dictionary(d) => d,
            _ => Dictionary::new(),
        },
        Err(_) => Dictionary::new(),
    };
    let mut fonts = match res.get(b"Font") {
        Ok(r) => match resolve(pdf, r) {
            Object::Dictionary(d) => d,
            _ => Dictionary::new(),
        },
        Err(_) => Dictionary::new(),
    };
    fonts.set("QF", Object::Reference((font, 0)));
    res.set("Font", Object::Dictionary(fonts));
    p.set("Resources", Object::Dictionary(res));
    p
}

/// The page's content streams as a list of references.
pub fn contents(page: &Dictionary) -> Vec<Object> {
    match page.get(b"Contents") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(o) => vec![o.clone()],
        Err(_) => Vec::new(),
    }
}

/// Where `N 0 obj` starts in `pdf` (the last such body).
pub fn body_offset(pdf: &[u8], num: u32) -> Option<u64> {
    let pat = format!("\n{num} 0 obj");
    pdf.windows(pat.len())
        .rposition(|w| w == pat.as_bytes())
        .map(|i| i as u64 + 1)
}

/// `count` updates, each rewriting object `num`, written in one pass.
pub fn many_updates(pdf: &[u8], count: usize, num: u32) -> Vec<u8> {
    let f = facts(pdf);
    let mut out = pdf.to_vec();
    let mut prev = f.startxref;
    for _ in 0..count {
        if !out.ends_with(b"\n") {
            out.push(b'\n');
        }
        let at = out.len();
        out.extend_from_slice(&body(num, &helvetica()));
        let xref = out.len() as u64;
        out.extend_from_slice(format!("xref\n{num} 1\n{at:010} 00000 n\r\n").as_bytes());
        let mut t = Dictionary::new();
        t.set("Size", i64::from(f.size.max(num + 1)));
        t.set("Root", f.root.clone());
        t.set("Prev", prev as i64);
        out.extend_from_slice(b"trailer\n");
        qoltanba::pdf::cos::write(&mut out, &Object::Dictionary(t));
        out.extend_from_slice(format!("\nstartxref\n{xref}\n%%EOF\n").as_bytes());
        prev = xref;
    }
    out
}
