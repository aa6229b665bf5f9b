//! A document time-stamp revision (PAdES B-LTA, ISO 32000-2 12.8.5): an
//! invisible signature field whose value is `/Type /DocTimeStamp`,
//! `/Filter /Adobe.PPKLite`, `/SubFilter /ETSI.RFC3161`, with a ByteRange
//! over the whole file and `/Contents` the RFC 3161 token over its SHA-256.
//!
//! Owns that revision's bytes. The file is hashed streamed (bounded
//! memory); the TSA comes in as a transport, so tests run on loopback.

use crate::pdf::cos::{self, text_string};
use crate::pdf::plan::{Form, signature_fields};
use crate::pdf::sign::BYTE_RANGE_WIDTH;
use crate::pdf::update::Update;
use crate::pdf::xref::{PdfFile, Source, read_range};
use crate::pdf::{PdfError, hasher};
use crate::pki::algorithms::Digest;
use crate::tsp::TsaTransport;
use lopdf::{Dictionary, Object};

/// Bytes reserved for the token (its TSA chain included).
const RESERVED: usize = 24 * 1024;

/// The update that adds a document time-stamp from `url` over the whole
/// file; returns it and the token.
pub fn append_doc_timestamp(
    src: &dyn Source,
    transport: &dyn TsaTransport,
    url: &str,
) -> Result<(Vec<u8>, Vec<u8>), PdfError> {
    let file = PdfFile::open(src)?;
    let last = file.revisions.len() - 1;
    let mut u = Update::for_file(&file)?;
    let (root, mut catalog) = file.catalog(last)?;
    let base = src.len();
    // The form and its fields.
    let (form, mut fields, fields_ref) = Form::read(&file, &catalog, last)?;
    let names: Vec<String> = signature_fields(&file, &fields, last)?
        .iter()
        .filter_map(|(_, d)| d.get(b"T").ok().and_then(cos::text))
        .collect();
    let name = (1..)
        .map(|i| format!("DocTimeStamp{i}"))
        .find(|n| !names.contains(n))
        .unwrap_or_default();
    let pages = file.pages(last)?;
    let Some((page_id, page)) = pages.first().cloned() else {
        return Err(PdfError::Malformed("the document has no pages".into()));
    };
    let sig_id = u.alloc();
    let field_id = u.alloc();
    // The time-stamp dictionary, by hand: ByteRange and Contents are patched.
    let mut sd = Dictionary::new();
    sd.set("Type", Object::Name(b"DocTimeStamp".to_vec()));
    sd.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    sd.set("SubFilter", Object::Name(b"ETSI.RFC3161".to_vec()));
    u.signature_dictionary(sig_id, sd, RESERVED);
    let (byte_range_at, (c0, c1)) = (u.byte_range_at, u.contents);
    // The field and its widget (merged, invisible: a zero rectangle).
    let mut field = Dictionary::new();
    field.set("Type", Object::Name(b"Annot".to_vec()));
    field.set("Subtype", Object::Name(b"Widget".to_vec()));
    field.set("FT", Object::Name(b"Sig".to_vec()));
    field.set("T", text_string(&name));
    field.set("V", Object::Reference(sig_id));
    field.set("F", 132);
    field.set("P", Object::Reference(page_id));
    field.set(
        "Rect",
        Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]),
    );
    u.object(field_id, &Object::Dictionary(field));
    let widget = Object::Reference(field_id);
    // The page lists the widget.
    match page.get(b"Annots") {
        Ok(Object::Reference(id)) => {
            let mut a = match file.object(*id, last)? {
                Object::Array(a) => a,
                _ => Vec::new(),
            };
            a.push(widget.clone());
            u.object(*id, &Object::Array(a));
        }
        other => {
            let mut a = match other {
                Ok(Object::Array(a)) => a.clone(),
                _ => Vec::new(),
            };
            a.push(widget.clone());
            let mut page = page.clone();
            page.set("Annots", Object::Array(a));
            u.object(page_id, &Object::Dictionary(page));
        }
    }
    // The form lists the field.
    fields.push(widget);
    let catalog_changed = form.write(&mut u, &mut catalog, &fields, fields_ref, true);
    if catalog_changed {
        u.object(root, &Object::Dictionary(catalog));
    }
    u.finish_file(&file)?;
    // The ByteRange: everything but /Contents.
    let total = base + u.bytes.len() as u64;
    let (a, b) = (base + c0 as u64, base + c1 as u64);
    let br = format!("[0 {a} {b} {}]", total - b);
    if br.len() > BYTE_RANGE_WIDTH {
        return Err(PdfError::Input("file too large for the ByteRange".into()));
    }
    u.bytes[byte_range_at..byte_range_at + BYTE_RANGE_WIDTH]
        .copy_from_slice(format!("{br:<BYTE_RANGE_WIDTH$}").as_bytes());
    let mut ctx = hasher(Digest::Sha256);
    let mut off = 0u64;
    while off < base {
        let chunk = read_range(src, off, (1usize << 20).min((base - off) as usize))?;
        if chunk.is_empty() {
            return Err(PdfError::Io("the file ended early".into()));
        }
        ctx.update(&chunk);
        off += chunk.len() as u64;
    }
    ctx.update(&u.bytes[..c0]);
    ctx.update(&u.bytes[c1..]);
    let hash = ctx.finish();
    let token = crate::tsp::stamp_hash(transport, url, Digest::Sha256, hash.as_ref())
        .map_err(|e| PdfError::Tsa(e.to_string()))?;
    if token.len() > RESERVED {
        return Err(PdfError::TooLarge {
            needed: token.len(),
            reserved: RESERVED,
        });
    }
    let hexed = crate::pki::cert::hex(&token);
    u.bytes[c0 + 1..c0 + 1 + hexed.len()].copy_from_slice(hexed.as_bytes());
    Ok((u.bytes, token))
}
