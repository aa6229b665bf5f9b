//! Incremental saving attacks, the attacks that edit a signature's own bytes (universal signature
//! forgery, signature wrapping) and the shadow attacks (a file prepared
//! before signing, exploited by an update after).

use super::forge::{
    self, Update, append, body, body_offset, contents, facts, helvetica, page_with_font, stream,
    update,
};
use super::honest::own_sign;
use crate::common::demo::who;
use crate::common::write;
use lopdf::{Dictionary, Object};
use std::path::{Path, PathBuf};

pub type Add<'a> = dyn FnMut(
        &'static str,
        &'static str,
        PathBuf,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
    ) + 'a;

/// The signature dictionary's ByteRange as written, and its four numbers.
fn byte_range(pdf: &[u8]) -> (String, [u64; 4]) {
    let at = pdf.windows(10).rposition(|w| w == b"/ByteRange").unwrap();
    let open = at + pdf[at..].iter().position(|c| *c == b'[').unwrap();
    let close = open + pdf[open..].iter().position(|c| *c == b']').unwrap();
    let text = String::from_utf8_lossy(&pdf[open..=close]).to_string();
    let n: Vec<u64> = text
        .trim_matches(|c| c == '[' || c == ']')
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    (text, [n[0], n[1], n[2], n[3]])
}

/// Replaces `from` by `to` padded with spaces (offsets stay).
fn replace_padded(pdf: &[u8], from: &str, to: &str) -> Vec<u8> {
    let at = pdf
        .windows(from.len())
        .rposition(|w| w == from.as_bytes())
        .unwrap();
    let mut room = from.len();
    while pdf.get(at + room) == Some(&b' ') {
        room += 1;
    }
    assert!(to.len() <= room, "{to} does not fit in {room} bytes");
    let mut out = pdf.to_vec();
    out[at..at + room].fill(b' ');
    out[at..at + to.len()].copy_from_slice(to.as_bytes());
    out
}

/// Incremental saving attacks on a one-signature file: updates with and
/// without a section, a moved /Root, re-pointed and duplicate entries,
/// shadowing bodies, a looping /Prev, /Encrypt, a new text field.
pub fn isa(d: &Path, one: &[u8], case: &mut Add<'_>) {
    let one = one.to_vec();
    let fx = facts(&one);
    let (page_id, page) = fx.page.clone();
    let next = fx.size;
    {
        // An overriding page body after %%EOF, no xref, no trailer.
        let mut p2 = page_with_font(&one, &page, next + 1);
        p2.set("Contents", Object::Reference((next, 0)));
        let mut bytes = one.clone();
        bytes.extend_from_slice(&body(next, &stream(&forge::text_content("REFUND 1000000"))));
        bytes.extend_from_slice(&body(next + 1, &helvetica()));
        bytes.extend_from_slice(&body(page_id, &Object::Dictionary(p2)));
        case(
            "ISA: overriding body after %%EOF, no xref or trailer",
            "isa",
            write(d, "isa-noxref.pdf", &bytes),
            "PDF_MODIFIED",
            Some("update_without_xref"),
            None,
        );
    }
    {
        let mut bytes = one.clone();
        bytes.extend_from_slice(b"\x00\x01garbage after the end\n");
        case(
            "ISA: garbage after the last %%EOF",
            "isa",
            write(d, "isa-garbage.pdf", &bytes),
            "PDF_MODIFIED",
            Some("bytes_after_eof"),
            None,
        );
    }
    {
        // A new catalog, page tree and page; the trailer's /Root re-pointed.
        let (cat, pages, pg, content, font) = (next, next + 1, next + 2, next + 3, next + 4);
        let mut p2 = page_with_font(&one, &page, font);
        p2.set("Contents", Object::Reference((content, 0)));
        p2.set("Parent", Object::Reference((pages, 0)));
        let mut tree = Dictionary::new();
        tree.set("Type", Object::Name(b"Pages".to_vec()));
        tree.set("Kids", Object::Array(vec![Object::Reference((pg, 0))]));
        tree.set("Count", 1);
        let mut c = fx.catalog.1.clone();
        c.set("Pages", Object::Reference((pages, 0)));
        let bytes = append(
            &one,
            Update {
                objects: vec![
                    (cat, Object::Dictionary(c)),
                    (pages, Object::Dictionary(tree)),
                    (pg, Object::Dictionary(p2)),
                    (content, stream(&forge::text_content("REFUND 1000000"))),
                    (font, helvetica()),
                ],
                trailer: Some(Box::new(move |t: &mut Dictionary| {
                    t.set("Root", Object::Reference((cat, 0)))
                })),
                ..Default::default()
            },
        );
        case(
            "ISA: new catalog, page tree and page, /Root re-pointed",
            "isa",
            write(d, "isa-root.pdf", &bytes),
            "PDF_MODIFIED",
            Some("trailer_changed"),
            None,
        );
    }
    {
        // The page's content replaced, or drawn over (an overlay).
        let mut overlay = contents(&page);
        overlay.push(Object::Reference((next, 0)));
        let variants = [
            (
                "ISA: a sound update replacing the page's content",
                "isa-content.pdf",
                Object::Reference((next, 0)),
                Some("page_content"),
            ),
            (
                "ISA: a sound update drawing over the page",
                "isa-overlay.pdf",
                Object::Array(overlay),
                None,
            ),
        ];
        for (name, file, page_contents, reason) in variants {
            let mut p2 = page_with_font(&one, &page, next + 1);
            p2.set("Contents", page_contents);
            let bytes = update(
                &one,
                vec![
                    (next, stream(&forge::text_content("REFUND"))),
                    (next + 1, helvetica()),
                    (page_id, Object::Dictionary(p2)),
                ],
            );
            case(
                name,
                "isa",
                write(d, file, &bytes),
                "PDF_MODIFIED",
                reason,
                None,
            );
        }
    }
    {
        // An update whose entry points the page's content object at another
        // body already inside the signed range.
        let target = match contents(&page).first() {
            Some(Object::Reference(r)) => r.0,
            _ => panic!("page without a content reference"),
        };
        let other = (1..next)
            .filter(|n| *n != target && *n != page_id)
            .find_map(|n| body_offset(&one, n))
            .expect("another body");
        let bytes = append(
            &one,
            Update {
                entries: vec![(target, other)],
                ..Default::default()
            },
        );
        case(
            "ISA: xref entry re-points a signed object at another signed body",
            "isa",
            write(d, "isa-repoint.pdf", &bytes),
            "PDF_MODIFIED",
            Some("xref_repointed"),
            None,
        );
        // An update that lists the page twice in one section.
        let mut p2 = page.clone();
        p2.set("Rotate", 90);
        let signed_page = body_offset(&one, page_id).unwrap();
        let bytes = append(
            &one,
            Update {
                objects: vec![(page_id, Object::Dictionary(p2.clone()))],
                entries: vec![(page_id, signed_page)],
                ..Default::default()
            },
        );
        case(
            "ISA: one section lists the page twice",
            "isa",
            write(d, "isa-duplicate.pdf", &bytes),
            "PDF_AMBIGUOUS",
            Some("duplicate_entry"),
            None,
        );
        // A body for the page written in an update but not in its section:
        // a recovering parser picks it.
        let bytes = append(
            &one,
            Update {
                objects: vec![(next, helvetica())],
                unlisted: vec![(page_id, Object::Dictionary(p2))],
                ..Default::default()
            },
        );
        case(
            "ISA: an unlisted body shadows the signed page",
            "isa",
            write(d, "isa-shadowed.pdf", &bytes),
            "PDF_AMBIGUOUS",
            Some("shadowed_body"),
            None,
        );
        // A /Prev that loops onto its own section.
        let len = one.len() as i64
            + i64::from(!one.ends_with(b"\n"))
            + body(next, &helvetica()).len() as i64;
        let bytes = append(
            &one,
            Update {
                objects: vec![(next, helvetica())],
                trailer: Some(Box::new(move |t: &mut Dictionary| t.set("Prev", len))),
                ..Default::default()
            },
        );
        case(
            "ISA: a /Prev chain that loops",
            "isa",
            write(d, "isa-loop.pdf", &bytes),
            "PDF_AMBIGUOUS",
            Some("prev_loop"),
            None,
        );
        // Encryption switched on by an update.
        let mut enc = Dictionary::new();
        enc.set("Filter", Object::Name(b"Standard".to_vec()));
        let bytes = append(
            &one,
            Update {
                objects: vec![(next, Object::Dictionary(enc))],
                trailer: Some(Box::new(move |t: &mut Dictionary| {
                    t.set("Encrypt", Object::Reference((next, 0)))
                })),
                ..Default::default()
            },
        );
        case(
            "ISA: /Encrypt added by an update",
            "isa",
            write(d, "isa-encrypt.pdf", &bytes),
            "PDF_MODIFIED",
            Some("trailer_changed"),
            None,
        );
        // A new text field (only signature fields may be added).
        let mut af = match fx.catalog.1.get(b"AcroForm") {
            Ok(o) => match forge::resolve(&one, o) {
                Object::Dictionary(x) => x,
                _ => Dictionary::new(),
            },
            Err(_) => Dictionary::new(),
        };
        let mut fields = match af.get(b"Fields") {
            Ok(o) => match forge::resolve(&one, o) {
                Object::Array(a) => a,
                _ => Vec::new(),
            },
            Err(_) => Vec::new(),
        };
        fields.push(Object::Reference((next, 0)));
        af.set("Fields", Object::Array(fields));
        let mut tf = Dictionary::new();
        for (k, v) in [("Type", "Annot"), ("Subtype", "Widget"), ("FT", "Tx")] {
            tf.set(k, Object::Name(v.as_bytes().to_vec()));
        }
        tf.set("T", Object::string_literal("Amount"));
        tf.set("V", Object::string_literal("1000000"));
        tf.set(
            "Rect",
            Object::Array(vec![60.into(), 600.into(), 400.into(), 640.into()]),
        );
        tf.set("P", Object::Reference((page_id, 0)));
        let mut c = fx.catalog.1.clone();
        c.set("AcroForm", Object::Dictionary(af));
        let mut p2 = page.clone();
        let mut annots = match p2.get(b"Annots") {
            Ok(o) => match forge::resolve(&one, o) {
                Object::Array(a) => a,
                _ => Vec::new(),
            },
            Err(_) => Vec::new(),
        };
        annots.push(Object::Reference((next, 0)));
        p2.set("Annots", Object::Array(annots));
        let bytes = update(
            &one,
            vec![
                (next, Object::Dictionary(tf)),
                (fx.catalog.0, Object::Dictionary(c)),
                (page_id, Object::Dictionary(p2)),
            ],
        );
        case(
            "ISA: a new text field after signing",
            "isa",
            write(d, "isa-field.pdf", &bytes),
            "PDF_MODIFIED",
            Some("form_structure"),
            None,
        );
    }
}

pub fn usf_and_swa(d: &Path, one: &[u8], case: &mut Add<'_>) {
    let (text, b) = byte_range(one);
    let bytes = replace_padded(one, &text, "[0 0 0 0]");
    case(
        "USF: /ByteRange [0 0 0 0]",
        "usf",
        write(d, "usf-zero.pdf", &bytes),
        "BYTE_RANGE_INVALID",
        None,
        None,
    );
    let bytes = replace_padded(one, "/ByteRange", "/ByteRangX");
    case(
        "USF: /ByteRange missing",
        "usf",
        write(d, "usf-nobr.pdf", &bytes),
        "BYTE_RANGE_INVALID",
        None,
        None,
    );
    let mut bytes = one.to_vec();
    bytes[b[1] as usize + 1..b[2] as usize - 1].fill(b'0');
    case(
        "USF: /Contents all zeros",
        "usf",
        write(d, "usf-zeros.pdf", &bytes),
        "ENVELOPE_MALFORMED",
        None,
        None,
    );
    let bytes = replace_padded(one, "/Contents <", "/ContentX <");
    case(
        "USF: /Contents missing",
        "usf",
        write(d, "usf-nocontents.pdf", &bytes),
        "BYTE_RANGE_INVALID",
        None,
        None,
    );
    // Signature wrapping: the signed tail copied to the end, the second
    // range pointed at the copy, new content where the tail was.
    let tail = one[b[2] as usize..].to_vec();
    let mut bytes = one.to_vec();
    let copy_at = bytes.len() as u64 + 1;
    bytes.push(b'\n');
    bytes.extend_from_slice(&tail);
    let moved = format!("[0 {} {} {}]", b[1], copy_at, b[3]);
    let bytes = replace_padded(&bytes, &text, &moved);
    case(
        "SWA: second range moved to a copy at the end",
        "swa",
        write(d, "swa-moved.pdf", &bytes),
        "BYTE_RANGE_INVALID",
        None,
        None,
    );
    // The first range shortened so that a new body fits in the gap.
    let bytes = replace_padded(one, &text, &format!("[0 {} {} {}]", b[1] - 40, b[2], b[3]));
    case(
        "SWA: first range shortened",
        "swa",
        write(d, "swa-short.pdf", &bytes),
        "BYTE_RANGE_INVALID",
        None,
        None,
    );
}

pub fn shadow(d: &Path, base: &[u8], case: &mut Add<'_>) {
    let (head, emp) = (who("head"), who("employee"));
    let fx = facts(base);
    let (page_id, page) = fx.page.clone();
    let n = fx.size;
    // Prepared: a hidden text under a white overlay XObject, a font /QF,
    // an unused content stream, and a layer switched off.
    let (hidden, overlay, font, unused, ocg, ocprops) = (n, n + 1, n + 2, n + 3, n + 4, n + 5);
    let mut ov = lopdf::Stream::new(Dictionary::new(), b"1 1 1 rg 40 680 500 60 re f".to_vec());
    ov.dict.set("Type", Object::Name(b"XObject".to_vec()));
    ov.dict.set("Subtype", Object::Name(b"Form".to_vec()));
    ov.dict.set(
        "BBox",
        Object::Array(vec![0.into(), 0.into(), 595.into(), 842.into()]),
    );
    let mut p = page_with_font(base, &page, font);
    let mut res = match p.get(b"Resources") {
        Ok(Object::Dictionary(r)) => r.clone(),
        _ => Dictionary::new(),
    };
    let mut xo = Dictionary::new();
    xo.set("Ov", Object::Reference((overlay, 0)));
    res.set("XObject", Object::Dictionary(xo));
    let mut props = Dictionary::new();
    props.set("L1", Object::Reference((ocg, 0)));
    res.set("Properties", Object::Dictionary(props));
    p.set("Resources", Object::Dictionary(res));
    let mut cs = contents(&page);
    cs.push(Object::Reference((hidden, 0)));
    p.set("Contents", Object::Array(cs));
    let mut g = Dictionary::new();
    g.set("Type", Object::Name(b"OCG".to_vec()));
    g.set("Name", Object::string_literal("layer"));
    let mut dflt = Dictionary::new();
    dflt.set("OFF", Object::Array(vec![Object::Reference((ocg, 0))]));
    let mut ocp = Dictionary::new();
    ocp.set("OCGs", Object::Array(vec![Object::Reference((ocg, 0))]));
    ocp.set("D", Object::Dictionary(dflt));
    let mut cat = fx.catalog.1.clone();
    cat.set("OCProperties", Object::Reference((ocprops, 0)));
    let prepared = update(
        base,
        vec![
            (hidden, stream(b"BT /QF 24 Tf 60 700 Td (REFUSED) Tj ET /Ov Do /OC /L1 BDC BT /QF 24 Tf 60 640 Td (PAID) Tj ET EMC")),
            (overlay, Object::Stream(ov)),
            (font, helvetica()),
            (unused, stream(b"BT /QF 24 Tf 60 700 Td (APPROVED) Tj ET")),
            (ocg, Object::Dictionary(g)),
            (ocprops, Object::Dictionary(ocp.clone())),
            (page_id, Object::Dictionary(p.clone())),
            (fx.catalog.0, Object::Dictionary(cat)),
        ],
    );
    let signed = own_sign(&prepared, &head, true, false);
    case(
        "shadow: the prepared file, signed",
        "honest",
        write(d, "shadow-signed.pdf", &signed),
        "OK",
        None,
        None,
    );
    // Hide: the overlay emptied.
    let bytes = update(
        &signed,
        vec![(overlay, {
            let mut s = lopdf::Stream::new(Dictionary::new(), Vec::new());
            s.dict.set("Type", Object::Name(b"XObject".to_vec()));
            s.dict.set("Subtype", Object::Name(b"Form".to_vec()));
            s.dict.set(
                "BBox",
                Object::Array(vec![0.into(), 0.into(), 595.into(), 842.into()]),
            );
            Object::Stream(s)
        })],
    );
    case(
        "shadow hide: the covering XObject emptied",
        "shadow",
        write(d, "shadow-hide.pdf", &bytes),
        "PDF_MODIFIED",
        Some("xobject"),
        None,
    );
    // Hide: the layer switched on.
    let mut on = Dictionary::new();
    on.set("ON", Object::Array(vec![Object::Reference((ocg, 0))]));
    let mut ocp2 = ocp.clone();
    ocp2.set("D", Object::Dictionary(on));
    let bytes = update(&signed, vec![(ocprops, Object::Dictionary(ocp2))]);
    case(
        "shadow hide: a hidden layer switched on",
        "shadow",
        write(d, "shadow-layer.pdf", &bytes),
        "PDF_MODIFIED",
        Some("optional_content"),
        None,
    );
    // Replace: the font's encoding re-defined.
    let mut f2 = match helvetica() {
        Object::Dictionary(x) => x,
        _ => unreachable!(),
    };
    let mut enc = Dictionary::new();
    enc.set("Type", Object::Name(b"Encoding".to_vec()));
    enc.set(
        "Differences",
        Object::Array(vec![
            65.into(),
            Object::Name(b"P".to_vec()),
            Object::Name(b"A".to_vec()),
        ]),
    );
    f2.set("Encoding", Object::Dictionary(enc));
    let bytes = update(&signed, vec![(font, Object::Dictionary(f2))]);
    case(
        "shadow replace: the font's /Differences re-defined",
        "shadow",
        write(d, "shadow-font.pdf", &bytes),
        "PDF_MODIFIED",
        Some("font"),
        None,
    );
    // Replace: a ToUnicode map added to the font (copy and search say other words).
    let fresh = facts(&signed).size;
    let mut f3 = match helvetica() {
        Object::Dictionary(x) => x,
        _ => unreachable!(),
    };
    f3.set("ToUnicode", Object::Reference((fresh, 0)));
    let bytes = update(&signed, vec![
        (font, Object::Dictionary(f3)),
        (fresh, stream(b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <41> <0042> endbfchar endcmap end end")),
    ]);
    case(
        "shadow replace: a /ToUnicode map added to the font",
        "shadow",
        write(d, "shadow-tounicode.pdf", &bytes),
        "PDF_MODIFIED",
        Some("font"),
        None,
    );
    // Replace: the page's XObject re-pointed at a new form.
    let mut p4 = facts(&signed).page.1;
    if let Ok(Object::Dictionary(r)) = p4.get(b"Resources") {
        let mut r = r.clone();
        let mut xo = Dictionary::new();
        xo.set("Ov", Object::Reference((fresh, 0)));
        r.set("XObject", Object::Dictionary(xo));
        p4.set("Resources", Object::Dictionary(r));
    }
    let mut empty = lopdf::Stream::new(Dictionary::new(), Vec::new());
    empty.dict.set("Type", Object::Name(b"XObject".to_vec()));
    empty.dict.set("Subtype", Object::Name(b"Form".to_vec()));
    empty.dict.set(
        "BBox",
        Object::Array(vec![0.into(), 0.into(), 1.into(), 1.into()]),
    );
    let bytes = update(
        &signed,
        vec![
            (page_id, Object::Dictionary(p4)),
            (fresh, Object::Stream(empty)),
        ],
    );
    case(
        "shadow hide: the page's XObject re-pointed",
        "shadow",
        write(d, "shadow-repoint.pdf", &bytes),
        "PDF_MODIFIED",
        None,
        None,
    );
    // Hide-and-replace: the page's content pointed at the unused stream.
    let mut p2 = facts(&signed).page.1;
    p2.set("Contents", Object::Reference((unused, 0)));
    let bytes = update(&signed, vec![(page_id, Object::Dictionary(p2))]);
    case(
        "shadow hide-and-replace: the page's content re-pointed at a signed unused stream",
        "shadow",
        write(d, "shadow-hr.pdf", &bytes),
        "PDF_MODIFIED",
        Some("page_content"),
        None,
    );
    // Hide-and-replace by the cross-reference: the content object's number
    // pointed at the unused body.
    let at = body_offset(&signed, unused).unwrap();
    let bytes = append(
        &signed,
        Update {
            entries: vec![(hidden, at)],
            ..Default::default()
        },
    );
    case(
        "shadow hide-and-replace: xref re-points the content at a signed unused body",
        "shadow",
        write(d, "shadow-xref.pdf", &bytes),
        "PDF_MODIFIED",
        Some("xref_repointed"),
        None,
    );
    // Then an honest second signature on the prepared file stays honest.
    let two = own_sign(&signed, &emp, true, false);
    case(
        "shadow: the prepared file, signed twice",
        "honest",
        write(d, "shadow-two.pdf", &two),
        "OK",
        None,
        None,
    );
}
