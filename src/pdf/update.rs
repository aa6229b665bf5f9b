//! The incremental update a signature appends: the signature dictionary
//! with its ByteRange and `/Contents` placeholders, the field and widget,
//! the stamp's appearance and font objects (renumbered into the file), empty
//! fields for later signers, the page, AcroForm and catalog revisions, DocMDP
//! `/Perms`, the DSS, and the cross-reference section in the file's own style
//! (table or stream) with `/Prev`.
//!
//! Owns the bytes and where the placeholders are in them; `sign` hashes,
//! signs and fills them.

use super::PdfError;
use super::cos::{self, text_string};
use super::plan::{Form, Plan};
use super::sign::{BYTE_RANGE_WIDTH, SignOptions, pdf_date, reserve};
use super::stamp;
use super::xref::{PdfFile, Source, XrefKind, read_range};
use lopdf::{Dictionary, Object, ObjectId, StringFormat};
use std::collections::BTreeMap;

impl Plan {
    /// Writes the update with placeholders.
    pub(super) fn build(
        &self,
        file: &PdfFile<'_>,
        opts: &SignOptions<'_>,
        url: &str,
        base: u64,
    ) -> Result<Update, PdfError> {
        let mut u = Update::after(file.source(), base, self.next_id)?;
        let sig_id = u.alloc();
        let field_id = match &self.existing_field {
            Some((id, _)) => *id,
            None => u.alloc(),
        };
        // The appearance.
        let ap_id = u.alloc();
        let (w, h) = (self.rect[2] - self.rect[0], self.rect[3] - self.rect[1]);
        match &opts.stamp {
            Some(p) => {
                let mut text = p.text.clone();
                if text.url.is_empty() {
                    text.url = url.to_string();
                }
                if text.document_id.is_empty() {
                    text.document_id = self.document_id.clone();
                }
                let a = stamp::appearance(&text, w, h)?;
                let mut form = stamp::form_xobject(&a);
                // The font set gets fresh numbers in this file.
                let mut map = BTreeMap::new();
                for (old, _) in &a.font.objects {
                    map.insert(*old, u.alloc());
                }
                let resources = renumber(&Object::Dictionary(a.font.resources.clone()), &map);
                form.dict.set("Resources", resources);
                u.stream(ap_id, &form.dict, &form.content);
                for (old, o) in &a.font.objects {
                    let new = map[old];
                    match renumber(o, &map) {
                        Object::Stream(s) => u.stream(new, &s.dict, &s.content),
                        other => u.object(new, &other),
                    }
                }
            }
            None => {
                let mut d = Dictionary::new();
                d.set("Type", Object::Name(b"XObject".to_vec()));
                d.set("Subtype", Object::Name(b"Form".to_vec()));
                d.set(
                    "BBox",
                    Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]),
                );
                u.stream(ap_id, &d, b"");
            }
        }
        // The signature dictionary, by hand: the ByteRange and Contents positions matter.
        let mut sd = Dictionary::new();
        sd.set("Type", Object::Name(b"Sig".to_vec()));
        sd.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
        sd.set("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec()));
        sd.set(
            "M",
            Object::String(pdf_date(opts.time).into_bytes(), StringFormat::Literal),
        );
        if let Ok(c) = crate::pki::cert::Certificate::from_der(opts.cert)
            && let Some(cn) = &c.subject.cn
        {
            sd.set("Name", text_string(cn));
        }
        if let Some(r) = &opts.reason {
            sd.set("Reason", text_string(r));
        }
        if let Some(l) = &opts.location {
            sd.set("Location", text_string(l));
        }
        if opts.certify {
            let mut params = Dictionary::new();
            params.set("Type", Object::Name(b"TransformParams".to_vec()));
            params.set("P", 2);
            params.set("V", Object::Name(b"1.2".to_vec()));
            let mut r = Dictionary::new();
            r.set("Type", Object::Name(b"SigRef".to_vec()));
            r.set("TransformMethod", Object::Name(b"DocMDP".to_vec()));
            r.set("TransformParams", params);
            sd.set("Reference", Object::Array(vec![Object::Dictionary(r)]));
        }
        let mut app = Dictionary::new();
        app.set("Name", Object::Name(b"qoltanba".to_vec()));
        let mut pb = Dictionary::new();
        pb.set("App", app);
        sd.set("Prop_Build", pb);
        u.signature_dictionary(sig_id, sd, reserve(opts));
        // The field and its widget (merged).
        let mut field = match &self.existing_field {
            Some((_, d)) => d.clone(),
            None => Dictionary::new(),
        };
        field.set("Type", Object::Name(b"Annot".to_vec()));
        field.set("Subtype", Object::Name(b"Widget".to_vec()));
        field.set("FT", Object::Name(b"Sig".to_vec()));
        field.set("T", text_string(&self.field_name));
        field.set("V", Object::Reference(sig_id));
        // Print + Locked (PDF/A forbids the Hidden flag: an invisible
        // signature has a zero-size rectangle instead).
        field.set("F", 132);
        field.set("P", Object::Reference(self.page.0));
        field.set(
            "Rect",
            Object::Array(self.rect.iter().map(|v| Object::Real(*v)).collect()),
        );
        let mut ap = Dictionary::new();
        ap.set("N", Object::Reference(ap_id));
        field.set("AP", ap);
        u.object(field_id, &Object::Dictionary(field));
        let field_ref = Object::Reference(field_id);
        let mut widgets = vec![field_ref.clone()];
        // Empty fields for later signers, each with an empty appearance.
        for (name, r) in opts.add_fields.iter().zip(&self.empty_rects) {
            let (id, ap) = (u.alloc(), u.alloc());
            u.stream(ap, &stamp::form_dictionary(r[2] - r[0], r[3] - r[1]), b"");
            let mut f = Dictionary::new();
            f.set("Type", Object::Name(b"Annot".to_vec()));
            f.set("Subtype", Object::Name(b"Widget".to_vec()));
            f.set("FT", Object::Name(b"Sig".to_vec()));
            f.set("T", text_string(name));
            f.set("F", 4);
            f.set("P", Object::Reference(self.page.0));
            f.set(
                "Rect",
                Object::Array(r.iter().map(|v| Object::Real(*v)).collect()),
            );
            let mut apd = Dictionary::new();
            apd.set("N", Object::Reference(ap));
            f.set("AP", apd);
            u.object(id, &Object::Dictionary(f));
            widgets.push(Object::Reference(id));
        }
        // The page's annotations gain the widgets (None: it has them all).
        let gain = |mut a: Vec<Object>| -> Option<Vec<Object>> {
            let missing: Vec<Object> = widgets.iter().filter(|w| !a.contains(w)).cloned().collect();
            (!missing.is_empty()).then(|| {
                a.extend(missing);
                a
            })
        };
        match &self.annots_ref {
            Some((id, a)) => {
                if let Some(a) = gain(a.clone()) {
                    u.object(*id, &Object::Array(a));
                }
            }
            None => {
                let mut page = self.page.1.clone();
                let a = match page.get(b"Annots") {
                    Ok(Object::Array(a)) => a.clone(),
                    _ => Vec::new(),
                };
                if let Some(a) = gain(a) {
                    page.set("Annots", Object::Array(a));
                    u.object(self.page.0, &Object::Dictionary(page));
                }
            }
        }
        // The AcroForm gains the field; SigFlags 3 (signatures exist, append only).
        let mut catalog = self.catalog.clone();
        let mut catalog_changed = false;
        let mut fields = self.fields.clone();
        let before = fields.len();
        for w in &widgets {
            let signed_existing = *w == field_ref && self.existing_field.is_some();
            if !signed_existing && !fields.contains(w) {
                fields.push(w.clone());
            }
        }
        let new_field = fields.len() > before;
        catalog_changed |=
            self.form
                .write(&mut u, &mut catalog, &fields, self.fields_ref, new_field);
        if opts.certify {
            let mut perms = match catalog.get(b"Perms") {
                Ok(Object::Dictionary(d)) => d.clone(),
                _ => Dictionary::new(),
            };
            perms.set("DocMDP", Object::Reference(sig_id));
            catalog.set("Perms", perms);
            catalog_changed = true;
        }
        if let Some(ltv) = &opts.ltv {
            let mut dss = self.dss.clone().unwrap_or_default();
            for (key, items) in [
                (&b"Certs"[..], &ltv.certs),
                (b"CRLs", &ltv.crls),
                (b"OCSPs", &ltv.ocsps),
            ] {
                let mut arr = match dss.get(key) {
                    Ok(Object::Array(a)) => a.clone(),
                    Ok(Object::Reference(r)) => match file.object(*r, file.revisions.len() - 1)? {
                        Object::Array(a) => a,
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                for item in items {
                    let id = u.alloc();
                    u.stream(id, &Dictionary::new(), item);
                    arr.push(Object::Reference(id));
                }
                if !arr.is_empty() {
                    dss.set(key, Object::Array(arr));
                }
            }
            let id = match self.catalog.get(b"DSS") {
                Ok(Object::Reference(r)) => *r,
                _ => u.alloc(),
            };
            u.object(id, &Object::Dictionary(dss));
            if self.catalog.get(b"DSS").ok() != Some(&Object::Reference(id)) {
                catalog.set("DSS", Object::Reference(id));
                catalog_changed = true;
            }
            let ext = match catalog.get(b"Extensions") {
                Ok(Object::Dictionary(d)) => d.clone(),
                _ => Dictionary::new(),
            };
            catalog_changed |= declare_pades_extension(&mut catalog, ext);
        }
        if catalog_changed {
            u.object(self.root, &Object::Dictionary(catalog));
        }
        u.finish(self)?;
        Ok(u)
    }
}

/// The bytes appended, and where the placeholders are in them.
pub(super) struct Update {
    pub(super) bytes: Vec<u8>,
    pub(super) base: u64,
    pub(super) next: u32,
    pub(super) offsets: BTreeMap<u32, (u64, u16)>,
    pub(super) byte_range_at: usize,
    pub(super) contents: (usize, usize),
}

impl Form {
    /// Writes the form with `fields` and SigFlags 3 (signatures exist,
    /// append only): the list goes to its own object `fields_ref` when it
    /// has one (rewritten only when `fields_changed`), else into the form; a
    /// file without a form gets a new one. Whether `catalog` changed.
    pub(super) fn write(
        &self,
        u: &mut Update,
        catalog: &mut Dictionary,
        fields: &[Object],
        fields_ref: Option<ObjectId>,
        fields_changed: bool,
    ) -> bool {
        let with_fields = |mut d: Dictionary, u: &mut Update| -> Dictionary {
            match fields_ref {
                Some(id) => {
                    if fields_changed {
                        u.object(id, &Object::Array(fields.to_vec()));
                    }
                }
                None => d.set("Fields", Object::Array(fields.to_vec())),
            }
            d.set("SigFlags", 3);
            d
        };
        match self {
            Form::Indirect(id, d) => {
                let d = with_fields(d.clone(), u);
                u.object(*id, &Object::Dictionary(d));
                false
            }
            Form::Inline(d) => {
                catalog.set("AcroForm", with_fields(d.clone(), u));
                true
            }
            Form::None => {
                let id = u.alloc();
                let d = with_fields(Dictionary::new(), u);
                u.object(id, &Object::Dictionary(d));
                catalog.set("AcroForm", Object::Reference(id));
                true
            }
        }
    }
}

/// Declares the PAdES extension level (the ISO 32000 extension for the
/// DSS) in `catalog`, with its `/Extensions` as read (`ext`), unless
/// declared already; whether the catalog changed.
pub(super) fn declare_pades_extension(catalog: &mut Dictionary, mut ext: Dictionary) -> bool {
    if ext.has(b"ESIC") {
        return false;
    }
    let mut esic = Dictionary::new();
    esic.set("BaseVersion", Object::Name(b"1.7".to_vec()));
    esic.set("ExtensionLevel", 5);
    ext.set("ESIC", esic);
    catalog.set("Extensions", ext);
    true
}

impl Update {
    /// An update appended at `base` to `src` (after a line end, when the
    /// file does not end with one), its first new object `next`.
    pub(super) fn after(src: &dyn Source, base: u64, next: u32) -> Result<Update, PdfError> {
        let mut u = Update {
            bytes: Vec::with_capacity(64 * 1024),
            base,
            next,
            offsets: BTreeMap::new(),
            byte_range_at: 0,
            contents: (0, 0),
        };
        let tail = read_range(src, base.saturating_sub(1), 1)?;
        if tail != b"\n" && tail != b"\r" {
            u.bytes.push(b'\n');
        }
        Ok(u)
    }

    /// An update of its own to `file`, appended at its end; an encrypted
    /// file is refused (the update would be written in the clear).
    pub(super) fn for_file(file: &PdfFile<'_>) -> Result<Update, PdfError> {
        if file.trailer().has(b"Encrypt") {
            return Err(PdfError::Encrypted);
        }
        let src = file.source();
        Update::after(src, src.len(), file.next_object_number()?)
    }

    /// The cross-reference section and trailer that close an update to
    /// `file`, after its last revision.
    pub(super) fn finish_file(&mut self, file: &PdfFile<'_>) -> Result<(), PdfError> {
        let last = &file.revisions[file.revisions.len() - 1];
        self.finish_xref(file.trailer(), last.kind, file.startxref)
    }

    /// Writes signature dictionary `sd` as object `id`, by hand: a
    /// `/ByteRange` and a `/Contents` of `reserved` bytes appended as
    /// placeholders, their positions kept in `byte_range_at` and `contents`.
    pub(super) fn signature_dictionary(&mut self, id: ObjectId, sd: Dictionary, reserved: usize) {
        self.begin(id);
        let mut head = Vec::new();
        cos::write(&mut head, &Object::Dictionary(sd));
        // Open the dictionary again to append ByteRange and Contents.
        if head.ends_with(b">>") {
            head.truncate(head.len() - 2);
        }
        self.bytes.extend_from_slice(&head);
        self.bytes.extend_from_slice(b"/ByteRange ");
        self.byte_range_at = self.bytes.len();
        self.bytes
            .extend_from_slice(format!("{:<BYTE_RANGE_WIDTH$}", "[0 0 0 0]").as_bytes());
        self.bytes.extend_from_slice(b"/Contents ");
        let c0 = self.bytes.len();
        self.bytes.push(b'<');
        self.bytes.resize(self.bytes.len() + 2 * reserved, b'0');
        self.bytes.push(b'>');
        self.contents = (c0, self.bytes.len());
        self.bytes.extend_from_slice(b">>");
        self.end();
    }

    pub(super) fn alloc(&mut self) -> ObjectId {
        let id = self.next;
        self.next += 1;
        (id, 0)
    }

    pub(super) fn begin(&mut self, id: ObjectId) {
        self.offsets
            .insert(id.0, (self.base + self.bytes.len() as u64, id.1));
        self.bytes
            .extend_from_slice(format!("{} {} obj\n", id.0, id.1).as_bytes());
    }

    pub(super) fn end(&mut self) {
        self.bytes.extend_from_slice(b"\nendobj\n");
    }

    pub(super) fn object(&mut self, id: ObjectId, o: &Object) {
        self.begin(id);
        cos::write(&mut self.bytes, o);
        self.end();
    }

    pub(super) fn stream(&mut self, id: ObjectId, dict: &Dictionary, content: &[u8]) {
        let mut d = dict.clone();
        d.set("Length", content.len() as i64);
        self.begin(id);
        cos::write(&mut self.bytes, &Object::Dictionary(d));
        self.bytes.extend_from_slice(b"\nstream\n");
        self.bytes.extend_from_slice(content);
        self.bytes.extend_from_slice(b"\nendstream");
        self.end();
    }

    /// The cross-reference section and trailer, in the file's style.
    fn finish(&mut self, plan: &Plan) -> Result<(), PdfError> {
        self.finish_xref(&plan.trailer, plan.kind, plan.prev)
    }

    /// The cross-reference section and trailer after a revision whose
    /// trailer, style and `startxref` are given.
    pub(super) fn finish_xref(
        &mut self,
        last_trailer: &Dictionary,
        kind: XrefKind,
        prev: u64,
    ) -> Result<(), PdfError> {
        let mut trailer = Dictionary::new();
        for key in [&b"Root"[..], b"Info", b"ID"] {
            if let Ok(v) = last_trailer.get(key) {
                trailer.set(key, v.clone());
            }
        }
        trailer.set("Prev", prev as i64);
        let xref_at = self.base + self.bytes.len() as u64;
        match kind {
            XrefKind::Table => {
                trailer.set("Size", i64::from(self.next));
                self.bytes.extend_from_slice(b"xref\n");
                let ids: Vec<u32> = self.offsets.keys().copied().collect();
                for run in consecutive(&ids) {
                    self.bytes
                        .extend_from_slice(format!("{} {}\n", run[0], run.len()).as_bytes());
                    for id in run {
                        let (off, g) = self.offsets[id];
                        self.bytes
                            .extend_from_slice(format!("{off:010} {g:05} n\r\n").as_bytes());
                    }
                }
                self.bytes.extend_from_slice(b"trailer\n");
                cos::write(&mut self.bytes, &Object::Dictionary(trailer));
                self.bytes.extend_from_slice(b"\n");
            }
            XrefKind::Stream => {
                let (xid, _) = self.alloc();
                self.offsets.insert(xid, (xref_at, 0));
                let w1 = (1..=8).find(|n| xref_at < 1u64 << (8 * n)).unwrap_or(8);
                let mut data = Vec::new();
                let mut index = Vec::new();
                let ids: Vec<u32> = self.offsets.keys().copied().collect();
                for run in consecutive(&ids) {
                    index.push(Object::Integer(i64::from(run[0])));
                    index.push(Object::Integer(run.len() as i64));
                    for id in run {
                        let (off, g) = self.offsets[id];
                        data.push(1u8);
                        data.extend_from_slice(&off.to_be_bytes()[8 - w1..]);
                        data.extend_from_slice(&g.to_be_bytes());
                    }
                }
                trailer.set("Type", Object::Name(b"XRef".to_vec()));
                trailer.set("Size", i64::from(self.next));
                trailer.set(
                    "W",
                    Object::Array(vec![1.into(), (w1 as i64).into(), 2.into()]),
                );
                trailer.set("Index", Object::Array(index));
                trailer.set("Length", data.len() as i64);
                self.bytes
                    .extend_from_slice(format!("{xid} 0 obj\n").as_bytes());
                cos::write(&mut self.bytes, &Object::Dictionary(trailer));
                self.bytes.extend_from_slice(b"\nstream\n");
                self.bytes.extend_from_slice(&data);
                self.bytes.extend_from_slice(b"\nendstream\nendobj\n");
            }
        }
        self.bytes
            .extend_from_slice(format!("startxref\n{xref_at}\n%%EOF\n").as_bytes());
        Ok(())
    }
}

/// The runs of consecutive object numbers in `ids` (sorted): a
/// cross-reference subsection each.
fn consecutive(ids: &[u32]) -> impl Iterator<Item = &[u32]> {
    ids.chunk_by(|a, b| *b == *a + 1)
}

/// Rewrites references by `map` (ids not in it are kept).
fn renumber(o: &Object, map: &BTreeMap<ObjectId, ObjectId>) -> Object {
    match o {
        Object::Reference(r) => Object::Reference(*map.get(r).unwrap_or(r)),
        Object::Array(a) => Object::Array(a.iter().map(|x| renumber(x, map)).collect()),
        Object::Dictionary(d) => {
            let mut n = Dictionary::new();
            for (k, v) in d.iter() {
                n.set(k.clone(), renumber(v, map));
            }
            Object::Dictionary(n)
        }
        Object::Stream(s) => {
            let Object::Dictionary(d) = renumber(&Object::Dictionary(s.dict.clone()), map) else {
                return o.clone();
            };
            let mut s = s.clone();
            s.dict = d;
            Object::Stream(s)
        }
        other => other.clone(),
    }
}
