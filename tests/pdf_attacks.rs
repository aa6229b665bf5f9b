//! `qoltanba pdf verify` against the published PDF signature attacks and
//! against honest files from three signers.
//!
//! Attacks (Mladenov et al. 2019, "1 Trillion Dollar Refund": incremental
//! saving, signature wrapping, universal signature forgery; Mainka et al.
//! 2021, "Shadow Attacks": hide, replace, hide-and-replace) are made here
//! byte by byte ([`forge`]) from a file signed by us, from files prepared
//! before signing (the shadow attacks), and from pyHanko-signed forms
//! (DocMDP and FieldMDP). Honest files come from pyHanko
//! (`tests/judges/pdf_pyhanko.py`), endesive and our own `pdf sign`
//! ([`honest`]). Every file goes through the built binary: an attack must
//! exit non-zero with its exact code (and its sub-reason), an honest file
//! exit 0. poppler's `pdfsig` and pyHanko (`tests/judges/pdf_validate.py`)
//! judge the same files; the three verdicts go into a report
//! (`CARGO_TARGET_TMPDIR/pdf_attacks_report.md`, also printed), and where we
//! differ from both judges the case says why.

#[path = "pdf_attacks/forge.rs"]
mod forge;
#[path = "pdf_attacks/honest.rs"]
mod honest;

use forge::{Update, append, body, body_offset, contents, facts, helvetica, page_with_font, stream, update};
use honest::{endesive_sign, own_sign, pyhanko_plan, rendered, repo, run, tsa, venv_python, who};
use lopdf::{Dictionary, Object};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One file and what we must say of it.
struct Case {
    name: &'static str,
    class: &'static str,
    file: PathBuf,
    /// `OK` for an honest file, else the exact code.
    code: &'static str,
    /// A sub-reason that must be reported (a signature's or the structure's).
    reason: Option<&'static str>,
    /// Why we differ from both judges, when we do.
    why: Option<&'static str>,
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Our verdict through the binary: exit status and JSON report.
fn ours(file: &Path) -> (i32, Value) {
    let o = Command::new(env!("CARGO_BIN_EXE_qoltanba"))
        .args(["pdf", "verify"])
        .arg(file)
        .args(["--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("QOLTANBA_TRUST_DIR", repo("certs/trust"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| {
        panic!(
            "{}: not JSON ({e}): {out}{}",
            file.display(),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (o.status.code().unwrap_or(-1), v)
}

/// Every sub-reason the report names.
fn reasons(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v["structure"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["reason"].as_str().map(String::from))
        .collect();
    for s in v["signatures"].as_array().into_iter().flatten() {
        for r in s["reasons"].as_array().into_iter().flatten() {
            if let Some(k) = r["reason"].as_str() {
                out.push(k.to_string());
            }
        }
    }
    out
}

/// An NSS database trusting the demo root, for pdfsig.
fn nss_db(dir: &Path) -> String {
    let db = format!("sql:{}", dir.display());
    let mut c = Command::new("certutil");
    c.args(["-N", "-d", &db, "--empty-password"]);
    assert!(run(c).0, "certutil (libnss3-tools) is installed: run ./scripts/test");
    let mut c = Command::new("certutil");
    c.args(["-A", "-d", &db, "-n", "demo-root", "-t", "CT,C,C", "-i"])
        .arg(repo("certs/trust/root-ca.pem"));
    assert!(run(c).0);
    db
}

/// pdfsig's verdict: every signature valid and trusted, and the last one
/// covering the whole file; with its lines.
fn pdfsig(db: &str, file: &Path) -> (bool, String) {
    let mut c = Command::new("pdfsig");
    c.args(["-no-ocsp", "-nssdir", db]).arg(file);
    let (_, out) = run(c);
    let sigs: Vec<&str> = out.split("Signature #").skip(1).collect();
    let valid = !sigs.is_empty()
        && sigs.iter().all(|s| {
            s.contains("Signature Validation: Signature is Valid.")
                && s.contains("Certificate Validation: Certificate is Trusted.")
        });
    let total = sigs
        .last()
        .is_some_and(|s| s.contains("Total document signed") && !s.contains("Not total document signed"));
    let summary = sigs
        .iter()
        .map(|s| {
            let v = s
                .lines()
                .find(|l| l.contains("Signature Validation:"))
                .unwrap_or("")
                .trim()
                .trim_start_matches("- Signature Validation: ");
            let t = if s.contains("Not total document signed") {
                "partial"
            } else if s.contains("Total document signed") {
                "total"
            } else {
                "?"
            };
            format!("{v} {t}")
        })
        .collect::<Vec<_>>()
        .join("; ");
    let summary = if sigs.is_empty() {
        out.lines().last().unwrap_or("no output").to_string()
    } else {
        summary
    };
    (valid && total, summary)
}

/// pyHanko's verdicts on every file, in one process.
fn pyhanko(files: &[&Path]) -> Value {
    let mut c = venv_python();
    c.arg(repo("tests/judges/pdf_validate.py"))
        .arg(repo("certs/trust/root-ca.pem"))
        .args(files);
    let o = c.output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "pdf_validate.py: {out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(out.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("pdf_validate.py: {e}: {out}"))
}

#[test]
fn no_published_attack_passes_and_every_honest_file_does() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut cases = Vec::new();
    let mut case = |name, class, file, code, reason, why| {
        cases.push(Case {
            name,
            class,
            file,
            code,
            reason,
            why,
        })
    };
    let base = rendered("notification");
    let base_f = write(d, "base.pdf", &base);
    let (head, emp) = (who("head"), who("employee"));

    // --- Honest: our own signer.
    let one = own_sign(&base, &head, true, false);
    case("own: one stamped signature", "honest", write(d, "own-one.pdf", &one), "OK", None, None);
    let two = own_sign(&one, &emp, true, false);
    case("own: two signers", "honest", write(d, "own-two.pdf", &two), "OK", None, None);
    let cert = own_sign(&own_sign(&base, &emp, true, true), &head, true, false);
    case(
        "own: certification P=2, then a second stamped signature",
        "honest",
        write(d, "own-cert.pdf", &cert),
        "OK",
        None,
        Some("pyHanko refuses a new visible signature field after a certification unless told to allow it; Acrobat and ISO 32000 (P=2 permits signing) allow it, and so do we"),
    );

    // --- Honest: pyHanko (and the attacks that need a pyHanko-made form).
    tsa(d);
    let p = |n: &str| d.join(n).display().to_string();
    // The same document linearized, with object streams, and both (qpdf).
    honest::qpdf(&["--linearize"], &base_f, &d.join("lin.pdf"));
    honest::qpdf(&["--object-streams=generate"], &base_f, &d.join("objs.pdf"));
    honest::qpdf(&["--linearize", "--object-streams=generate"], &base_f, &d.join("linobjs.pdf"));
    let mut plan = vec![
        json!({"op": "sign", "in": p("base.pdf"), "out": p("ph-one.pdf"), "who": "head", "field": "Head", "box": [40, 40, 300, 120]}),
        json!({"op": "sign", "in": p("ph-one.pdf"), "out": p("ph-two.pdf"), "who": "employee", "field": "Employee", "box": [320, 40, 560, 120]}),
        json!({"op": "form", "in": p("base.pdf"), "out": p("form.pdf"), "text": "Decision", "value": "", "empty": ["Employee", "Head"]}),
        json!({"op": "sign", "in": p("form.pdf"), "out": p("ph-cert.pdf"), "who": "employee", "field": "Employee", "certify": 2}),
        json!({"op": "sign", "in": p("ph-cert.pdf"), "out": p("ph-cert-fill.pdf"), "who": "head", "field": "Head", "fill": {"Decision": "Approved"}}),
        json!({"op": "annotate", "in": p("ph-cert.pdf"), "out": p("ph-cert-annot.pdf")}),
        json!({"op": "sign", "in": p("base.pdf"), "out": p("ph-cert3.pdf"), "who": "head", "field": "Cert", "certify": 3}),
        json!({"op": "annotate", "in": p("ph-cert3.pdf"), "out": p("ph-cert3-annot.pdf")}),
        json!({"op": "sign", "in": p("form.pdf"), "out": p("ph-approve.pdf"), "who": "head", "field": "Head"}),
        json!({"op": "fill", "in": p("ph-approve.pdf"), "out": p("ph-approve-fill.pdf"), "fill": {"Decision": "Approved"}}),
        json!({"op": "sign", "in": p("form.pdf"), "out": p("ph-lock.pdf"), "who": "head", "field": "Locker", "box": [320, 600, 560, 660], "lock": ["Decision"]}),
        json!({"op": "fill", "in": p("ph-lock.pdf"), "out": p("ph-lock-fill.pdf"), "fill": {"Decision": "Refused"}}),
        json!({"op": "sign", "in": p("base.pdf"), "out": p("ph-lt.pdf"), "who": "head", "field": "Head"}),
        json!({"op": "timestamp", "in": p("ph-lt.pdf"), "out": p("ph-lt-ts.pdf"), "tsa": p("")}),
        json!({"op": "dss", "in": p("ph-lt-ts.pdf"), "out": p("ph-lta.pdf"), "at": "2026-12-01T00:00:00Z",
               "crls": [repo("certs/trust/root-ca.crl"), repo("certs/trust/nca-rsa.crl")]}),
        json!({"op": "annotate", "in": p("ph-one.pdf"), "out": p("ph-one-annot.pdf")}),
        json!({"op": "sign", "in": p("base.pdf"), "out": p("ph-p1.pdf"), "who": "head", "field": "Cert", "certify": 1}),
        json!({"op": "dss", "in": p("ph-p1.pdf"), "out": p("ph-p1-dss.pdf"), "at": "2026-12-01T00:00:00Z",
               "crls": [repo("certs/trust/root-ca.crl"), repo("certs/trust/nca-rsa.crl")]}),
        json!({"op": "timestamp", "in": p("ph-p1-dss.pdf"), "out": p("ph-p1-dss-ts.pdf"), "tsa": p("")}),
        json!({"op": "annotate", "in": p("ph-p1.pdf"), "out": p("ph-p1-annot.pdf")}),
        json!({"op": "sign", "in": p("lin.pdf"), "out": p("lin-ph.pdf"), "who": "head", "field": "Head", "box": [40, 40, 300, 120]}),
        json!({"op": "sign", "in": p("objs.pdf"), "out": p("objs-ph.pdf"), "who": "head", "field": "Head", "box": [40, 40, 300, 120]}),
        json!({"op": "sign", "in": p("objs-ph.pdf"), "out": p("objs-ph2.pdf"), "who": "employee", "field": "Employee", "box": [320, 40, 560, 120]}),
        json!({"op": "form", "in": p("linobjs.pdf"), "out": p("lo-form.pdf"), "text": "Decision", "value": "", "empty": ["S1", "S2"]}),
        json!({"op": "sign", "in": p("lo-form.pdf"), "out": p("lo-cert.pdf"), "who": "head", "field": "S1", "certify": 2}),
        json!({"op": "sign", "in": p("lo-cert.pdf"), "out": p("lo-cert-fill.pdf"), "who": "employee", "field": "S2", "fill": {"Decision": "Yes"}}),
        json!({"op": "fill", "in": p("ph-cert.pdf"), "out": p("ph-cert-fill-only.pdf"), "fill": {"Decision": "Approved"}}),
    ];
    // Five signatures and five form fills, one revision each.
    let names: Vec<String> = (1..=5).map(|i| format!("S{i}")).collect();
    plan.push(json!({"op": "form", "in": p("base.pdf"), "out": p("five-0.pdf"), "text": "Decision", "value": "", "empty": names}));
    for i in 1..=5 {
        plan.push(json!({"op": "sign", "in": p(&format!("five-{}.pdf", 2 * i - 2)), "out": p(&format!("five-{}.pdf", 2 * i - 1)),
                         "who": if i % 2 == 0 { "employee" } else { "head" }, "field": format!("S{i}")}));
        plan.push(json!({"op": "fill", "in": p(&format!("five-{}.pdf", 2 * i - 1)), "out": p(&format!("five-{}.pdf", 2 * i)),
                         "fill": {"Decision": format!("Step {i}")}}));
    }
    pyhanko_plan(d, &plan);
    let f = |n: &str| d.join(n);
    case("pyHanko: one visible signature", "honest", f("ph-one.pdf"), "OK", None, None);
    case("pyHanko: a second signature in a new field, its own update", "honest", f("ph-two.pdf"), "OK", None, None);
    case("pyHanko: certification P=2 with empty fields", "honest", f("ph-cert.pdf"), "OK", None, None);
    case(
        "pyHanko: certification P=2, then one revision filling a field and signing an empty field",
        "honest",
        f("ph-cert-fill.pdf"),
        "OK",
        None,
        None,
    );
    case(
        "pyHanko: certification P=3, then a comment",
        "honest",
        f("ph-cert3-annot.pdf"),
        "OK",
        None,
        Some("P=3 permits annotations (ISO 32000-1 12.8.2.2); pyHanko's default difference policy has no rule for annotations and classes them OTHER; pdfsig has no modification analysis and refuses any file its last signature does not cover to the end"),
    );
    case("pyHanko: approval signature, then a form fill", "honest", f("ph-approve-fill.pdf"), "OK", None, None);
    case("pyHanko: signature, document time-stamp, DSS (B-LTA shape)", "honest", f("ph-lta.pdf"), "OK", None, None);
    case("pyHanko: five signatures and five form fills", "honest", f("five-10.pdf"), "OK", None, None);
    case("pyHanko: certification P=1, then a DSS, then a document time-stamp", "honest", f("ph-p1-dss-ts.pdf"), "OK", None, None);
    case("pyHanko: certification P=2, then a form fill", "honest", f("ph-cert-fill-only.pdf"), "OK", None, None);

    case("pyHanko: a linearized file, signed", "honest", f("lin-ph.pdf"), "OK", None, None);
    case("pyHanko: object streams, signed twice", "honest", f("objs-ph2.pdf"), "OK", None, None);
    case(
        "pyHanko: linearized with object streams, certified P=2, then fill and sign",
        "honest",
        f("lo-cert-fill.pdf"),
        "OK",
        None,
        None,
    );
    let objs_own = own_sign(&std::fs::read(f("objs.pdf")).unwrap(), &head, true, false);
    case("own: object streams, signed", "honest", write(d, "objs-own.pdf", &objs_own), "OK", None, None);
    let lin_own = own_sign(&std::fs::read(f("lin.pdf")).unwrap(), &head, true, false);
    case("own: a linearized file, signed", "honest", write(d, "lin-own.pdf", &lin_own), "OK", None, None);
    let mut lin_junk = std::fs::read(f("lin-ph.pdf")).unwrap();
    lin_junk.extend_from_slice(b"\n1 0 obj\n<< /Type /Catalog >>\nendobj\n");
    case("ISA: a body after %%EOF of a signed linearized file", "isa", write(d, "lin-isa.pdf", &lin_junk), "PDF_MODIFIED", Some("update_without_xref"), None);

    // --- Honest: endesive, and ours after it.
    let ende = d.join("endesive.pdf");
    endesive_sign(&base_f, &ende, "head");
    case("endesive: one signature", "honest", ende.clone(), "OK", None, None);
    let after = own_sign(&std::fs::read(&ende).unwrap(), &emp, true, false);
    case("endesive, then our stamped signature", "honest", write(d, "ende-own.pdf", &after), "OK", None, None);

    // --- DocMDP / FieldMDP.
    case("DocMDP P=2, then a comment", "mdp", f("ph-cert-annot.pdf"), "DOCMDP_VIOLATION", Some("annotation"), None);
    case("FieldMDP lock on Decision, then Decision filled", "mdp", f("ph-lock-fill.pdf"), "PDF_MODIFIED", Some("locked_field"), None);
    case("DocMDP P=1, then a comment", "mdp", f("ph-p1-annot.pdf"), "DOCMDP_VIOLATION", Some("annotation"), None);
    case("approval signature, then a comment", "mdp", f("ph-one-annot.pdf"), "PDF_MODIFIED", Some("annotation"), None);

    // --- Incremental saving attacks on our one-signature file.
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
        case("ISA: overriding body after %%EOF, no xref or trailer", "isa", write(d, "isa-noxref.pdf", &bytes), "PDF_MODIFIED", Some("update_without_xref"), None);
    }
    {
        let mut bytes = one.clone();
        bytes.extend_from_slice(b"\x00\x01garbage after the end\n");
        case("ISA: garbage after the last %%EOF", "isa", write(d, "isa-garbage.pdf", &bytes), "PDF_MODIFIED", Some("bytes_after_eof"), None);
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
                trailer: Some(Box::new(move |t: &mut Dictionary| t.set("Root", Object::Reference((cat, 0))))),
                ..Default::default()
            },
        );
        case("ISA: new catalog, page tree and page, /Root re-pointed", "isa", write(d, "isa-root.pdf", &bytes), "PDF_MODIFIED", Some("trailer_changed"), None);
    }
    {
        let mut p2 = page_with_font(&one, &page, next + 1);
        p2.set("Contents", Object::Reference((next, 0)));
        let bytes = update(&one, vec![(next, stream(&forge::text_content("REFUND"))), (next + 1, helvetica()), (page_id, Object::Dictionary(p2))]);
        case("ISA: a sound update replacing the page's content", "isa", write(d, "isa-content.pdf", &bytes), "PDF_MODIFIED", Some("page_content"), None);
        // The same, drawn over the page (an overlay).
        let mut p3 = page_with_font(&one, &page, next + 1);
        let mut cs = contents(&page);
        cs.push(Object::Reference((next, 0)));
        p3.set("Contents", Object::Array(cs));
        let bytes = update(&one, vec![(next, stream(&forge::text_content("REFUND"))), (next + 1, helvetica()), (page_id, Object::Dictionary(p3))]);
        case("ISA: a sound update drawing over the page", "isa", write(d, "isa-overlay.pdf", &bytes), "PDF_MODIFIED", None, None);
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
        let bytes = append(&one, Update { entries: vec![(target, other)], ..Default::default() });
        case("ISA: xref entry re-points a signed object at another signed body", "isa", write(d, "isa-repoint.pdf", &bytes), "PDF_MODIFIED", Some("xref_repointed"), None);
        // An update that lists the page twice in one section.
        let mut p2 = page.clone();
        p2.set("Rotate", 90);
        let signed_page = body_offset(&one, page_id).unwrap();
        let bytes = append(&one, Update { objects: vec![(page_id, Object::Dictionary(p2.clone()))], entries: vec![(page_id, signed_page)], ..Default::default() });
        case("ISA: one section lists the page twice", "isa", write(d, "isa-duplicate.pdf", &bytes), "PDF_AMBIGUOUS", Some("duplicate_entry"), None);
        // A body for the page written in an update but not in its section:
        // a recovering parser picks it.
        let bytes = append(&one, Update { objects: vec![(next, helvetica())], unlisted: vec![(page_id, Object::Dictionary(p2))], ..Default::default() });
        case("ISA: an unlisted body shadows the signed page", "isa", write(d, "isa-shadowed.pdf", &bytes), "PDF_AMBIGUOUS", Some("shadowed_body"), None);
        // A /Prev that loops onto its own section.
        let len = one.len() as i64 + i64::from(!one.ends_with(b"\n")) + body(next, &helvetica()).len() as i64;
        let bytes = append(&one, Update { objects: vec![(next, helvetica())], trailer: Some(Box::new(move |t: &mut Dictionary| t.set("Prev", len))), ..Default::default() });
        case("ISA: a /Prev chain that loops", "isa", write(d, "isa-loop.pdf", &bytes), "PDF_AMBIGUOUS", Some("prev_loop"), None);
        // Encryption switched on by an update.
        let mut enc = Dictionary::new();
        enc.set("Filter", Object::Name(b"Standard".to_vec()));
        let bytes = append(&one, Update { objects: vec![(next, Object::Dictionary(enc))], trailer: Some(Box::new(move |t: &mut Dictionary| t.set("Encrypt", Object::Reference((next, 0))))), ..Default::default() });
        case("ISA: /Encrypt added by an update", "isa", write(d, "isa-encrypt.pdf", &bytes), "PDF_MODIFIED", Some("trailer_changed"), None);
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
        tf.set("Rect", Object::Array(vec![60.into(), 600.into(), 400.into(), 640.into()]));
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
        let bytes = update(&one, vec![(next, Object::Dictionary(tf)), (fx.catalog.0, Object::Dictionary(c)), (page_id, Object::Dictionary(p2))]);
        case("ISA: a new text field after signing", "isa", write(d, "isa-field.pdf", &bytes), "PDF_MODIFIED", Some("form_structure"), None);
    }

    // --- Universal signature forgery and signature wrapping.
    usf_and_swa(d, &one, &mut case);

    // --- Shadow attacks: prepared before signing, exploited after.
    shadow(d, &base, &mut case);

    // --- Bounded: more revisions than any honest file has.
    {
        let bytes = forge::many_updates(&one, 1_050, next);
        case("1,050 revisions", "limits", write(d, "many.pdf", &bytes), "PDF_TOO_COMPLEX", None, None);
    }

    // --- Judge every file three ways and report.
    let db_dir = d.join("nss");
    std::fs::create_dir_all(&db_dir).unwrap();
    let db = nss_db(&db_dir);
    let paths: Vec<&Path> = cases.iter().map(|c| c.file.as_path()).collect();
    let ph = pyhanko(&paths);
    let mut report = String::from(
        "| class | case | qoltanba (exit, code) | pdfsig | pyHanko | why we differ from both |\n|---|---|---|---|---|---|\n",
    );
    let mut failures = Vec::new();
    for c in &cases {
        let (exit, v) = ours(&c.file);
        let code = v["code"].as_str().unwrap_or("?").to_string();
        let rs = reasons(&v);
        let (sig_ok, sig_text) = pdfsig(&db, &c.file);
        let key = c.file.display().to_string();
        let ph_ok = ph[&key]["ok"].as_bool().unwrap_or(false);
        let ph_text = ph[&key]["lines"]
            .as_array()
            .map(|l| l.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("; "))
            .unwrap_or_default();
        let we_pass = exit == 0;
        let differs = we_pass != sig_ok && we_pass != ph_ok;
        report.push_str(&format!(
            "| {} | {} | {exit} {code} {} | {} {sig_text} | {} {ph_text} | {} |\n",
            c.class,
            c.name,
            if rs.is_empty() { String::new() } else { format!("({})", rs.join(", ")) },
            if sig_ok { "accepts:" } else { "refuses:" },
            if ph_ok { "accepts:" } else { "refuses:" },
            c.why.unwrap_or(""),
        ));
        let want_exit_ok = c.code == "OK";
        if code != c.code || (exit == 0) != want_exit_ok {
            failures.push(format!("{}: exit {exit}, code {code} (want {}): {rs:?}", c.name, c.code));
        }
        if let Some(r) = c.reason
            && !rs.iter().any(|x| x == r)
        {
            failures.push(format!("{}: sub-reason {r} not reported: {rs:?}", c.name));
        }
        if differs && c.why.is_none() {
            failures.push(format!(
                "{}: we {} while pdfsig ({sig_text}) and pyHanko ({ph_text}) both {}; say why",
                c.name,
                if we_pass { "accept" } else { "refuse" },
                if we_pass { "refuse" } else { "accept" },
            ));
        }
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pdf_attacks_report.md");
    std::fs::write(&out, &report).unwrap();
    println!("{report}\n(written to {})", out.display());
    assert!(failures.is_empty(), "{}\n\n{report}", failures.join("\n"));
}

type Add<'a> = dyn FnMut(&'static str, &'static str, PathBuf, &'static str, Option<&'static str>, Option<&'static str>) + 'a;

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
    let at = pdf.windows(from.len()).rposition(|w| w == from.as_bytes()).unwrap();
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

fn usf_and_swa(d: &Path, one: &[u8], case: &mut Add<'_>) {
    let (text, b) = byte_range(one);
    let bytes = replace_padded(one, &text, "[0 0 0 0]");
    case("USF: /ByteRange [0 0 0 0]", "usf", write(d, "usf-zero.pdf", &bytes), "BYTE_RANGE_INVALID", None, None);
    let bytes = replace_padded(one, "/ByteRange", "/ByteRangX");
    case("USF: /ByteRange missing", "usf", write(d, "usf-nobr.pdf", &bytes), "BYTE_RANGE_INVALID", None, None);
    let mut bytes = one.to_vec();
    bytes[b[1] as usize + 1..b[2] as usize - 1].fill(b'0');
    case("USF: /Contents all zeros", "usf", write(d, "usf-zeros.pdf", &bytes), "ENVELOPE_MALFORMED", None, None);
    let bytes = replace_padded(one, "/Contents <", "/ContentX <");
    case("USF: /Contents missing", "usf", write(d, "usf-nocontents.pdf", &bytes), "BYTE_RANGE_INVALID", None, None);
    // Signature wrapping: the signed tail copied to the end, the second
    // range pointed at the copy, new content where the tail was.
    let tail = one[b[2] as usize..].to_vec();
    let mut bytes = one.to_vec();
    let copy_at = bytes.len() as u64 + 1;
    bytes.push(b'\n');
    bytes.extend_from_slice(&tail);
    let moved = format!("[0 {} {} {}]", b[1], copy_at, b[3]);
    let bytes = replace_padded(&bytes, &text, &moved);
    case("SWA: second range moved to a copy at the end", "swa", write(d, "swa-moved.pdf", &bytes), "BYTE_RANGE_INVALID", None, None);
    // The first range shortened so that a new body fits in the gap.
    let bytes = replace_padded(one, &text, &format!("[0 {} {} {}]", b[1] - 40, b[2], b[3]));
    case("SWA: first range shortened", "swa", write(d, "swa-short.pdf", &bytes), "BYTE_RANGE_INVALID", None, None);
}

fn shadow(d: &Path, base: &[u8], case: &mut Add<'_>) {
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
    ov.dict.set("BBox", Object::Array(vec![0.into(), 0.into(), 595.into(), 842.into()]));
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
    case("shadow: the prepared file, signed", "honest", write(d, "shadow-signed.pdf", &signed), "OK", None, None);
    // Hide: the overlay emptied.
    let bytes = update(&signed, vec![(overlay, {
        let mut s = lopdf::Stream::new(Dictionary::new(), Vec::new());
        s.dict.set("Type", Object::Name(b"XObject".to_vec()));
        s.dict.set("Subtype", Object::Name(b"Form".to_vec()));
        s.dict.set("BBox", Object::Array(vec![0.into(), 0.into(), 595.into(), 842.into()]));
        Object::Stream(s)
    })]);
    case("shadow hide: the covering XObject emptied", "shadow", write(d, "shadow-hide.pdf", &bytes), "PDF_MODIFIED", Some("xobject"), None);
    // Hide: the layer switched on.
    let mut on = Dictionary::new();
    on.set("ON", Object::Array(vec![Object::Reference((ocg, 0))]));
    let mut ocp2 = ocp.clone();
    ocp2.set("D", Object::Dictionary(on));
    let bytes = update(&signed, vec![(ocprops, Object::Dictionary(ocp2))]);
    case("shadow hide: a hidden layer switched on", "shadow", write(d, "shadow-layer.pdf", &bytes), "PDF_MODIFIED", Some("optional_content"), None);
    // Replace: the font's encoding re-defined.
    let mut f2 = match helvetica() {
        Object::Dictionary(x) => x,
        _ => unreachable!(),
    };
    let mut enc = Dictionary::new();
    enc.set("Type", Object::Name(b"Encoding".to_vec()));
    enc.set("Differences", Object::Array(vec![65.into(), Object::Name(b"P".to_vec()), Object::Name(b"A".to_vec())]));
    f2.set("Encoding", Object::Dictionary(enc));
    let bytes = update(&signed, vec![(font, Object::Dictionary(f2))]);
    case("shadow replace: the font's /Differences re-defined", "shadow", write(d, "shadow-font.pdf", &bytes), "PDF_MODIFIED", Some("font"), None);
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
    case("shadow replace: a /ToUnicode map added to the font", "shadow", write(d, "shadow-tounicode.pdf", &bytes), "PDF_MODIFIED", Some("font"), None);
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
    empty.dict.set("BBox", Object::Array(vec![0.into(), 0.into(), 1.into(), 1.into()]));
    let bytes = update(&signed, vec![(page_id, Object::Dictionary(p4)), (fresh, Object::Stream(empty))]);
    case("shadow hide: the page's XObject re-pointed", "shadow", write(d, "shadow-repoint.pdf", &bytes), "PDF_MODIFIED", None, None);
    // Hide-and-replace: the page's content pointed at the unused stream.
    let mut p2 = facts(&signed).page.1;
    p2.set("Contents", Object::Reference((unused, 0)));
    let bytes = update(&signed, vec![(page_id, Object::Dictionary(p2))]);
    case("shadow hide-and-replace: the page's content re-pointed at a signed unused stream", "shadow", write(d, "shadow-hr.pdf", &bytes), "PDF_MODIFIED", Some("page_content"), None);
    // Hide-and-replace by the cross-reference: the content object's number
    // pointed at the unused body.
    let at = body_offset(&signed, unused).unwrap();
    let bytes = append(&signed, Update { entries: vec![(hidden, at)], ..Default::default() });
    case("shadow hide-and-replace: xref re-points the content at a signed unused body", "shadow", write(d, "shadow-xref.pdf", &bytes), "PDF_MODIFIED", Some("xref_repointed"), None);
    // Then an honest second signature on the prepared file stays honest.
    let two = own_sign(&signed, &emp, true, false);
    case("shadow: the prepared file, signed twice", "honest", write(d, "shadow-two.pdf", &two), "OK", None, None);
}

/// Random updates over a signed file: a report that keeps its invariants,
/// never a panic, and never PASSED when an object of the signed revision
/// (other than the document information) was given another value.
mod mutated_revisions {
    use super::*;
    use proptest::prelude::*;
    use qoltanba::pdf::verify::PdfVerifyRequest;
    use qoltanba::pki::{Policy, TrustStore};
    use qoltanba::verdict::Indication;
    use std::sync::OnceLock;

    fn signed() -> &'static (Vec<u8>, TrustStore, forge::Facts) {
        static S: OnceLock<(Vec<u8>, TrustStore, forge::Facts)> = OnceLock::new();
        S.get_or_init(|| {
            let one = own_sign(&rendered("notification"), &who("head"), true, false);
            let f = facts(&one);
            (one, TrustStore::from_dir(&repo("certs/trust")).unwrap(), f)
        })
    }

    const KEYS: [&str; 12] = [
        "Type", "Contents", "Annots", "Kids", "Font", "V", "AP", "Rect", "Parent", "Resources",
        "Subtype", "OCProperties",
    ];

    fn value(size: u32) -> impl Strategy<Value = Object> {
        prop_oneof![
            any::<i32>().prop_map(|i| Object::Integer(i64::from(i))),
            (1..size + 3).prop_map(|n| Object::Reference((n, 0))),
            "[A-Za-z]{1,8}".prop_map(|s| Object::Name(s.into_bytes())),
            Just(Object::Null),
        ]
    }

    fn object(size: u32) -> impl Strategy<Value = Object> {
        prop_oneof![
            value(size),
            proptest::collection::vec((0..KEYS.len(), value(size)), 0..5).prop_map(|kv| {
                let mut d = Dictionary::new();
                for (k, v) in kv {
                    d.set(KEYS[k], v);
                }
                Object::Dictionary(d)
            }),
            proptest::collection::vec(any::<u8>(), 0..64).prop_map(|b| stream(&b)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn random_updates_never_pass_a_changed_signed_object(
            picks in proptest::collection::vec((any::<u32>(), object(400)), 1..4),
            root in proptest::option::of(1u32..400),
        ) {
            let (one, store, fx) = signed();
            let info = match &fx.info { Some(Object::Reference(r)) => Some(r.0), _ => None };
            let mut objects = Vec::new();
            let mut changed = false;
            for (k, o) in picks {
                let n = 1 + k % (fx.size + 2);
                if objects.iter().any(|(m, _)| *m == n) {
                    continue;
                }
                // An object the signed revision holds (a free number may be reused).
                let before = forge::resolve(one, &Object::Reference((n, 0)));
                if n < fx.size && Some(n) != info && before != Object::Null {
                    changed |= before != o;
                }
                objects.push((n, o));
            }
            let current = match &fx.root { Object::Reference(r) => Some(r.0), _ => None };
            changed |= root.is_some() && root != current;
            let bytes = append(one, Update {
                objects,
                trailer: root.map(|r| Box::new(move |t: &mut Dictionary| t.set("Root", Object::Reference((r, 0)))) as Box<dyn Fn(&mut Dictionary)>),
                ..Default::default()
            });
            let req = PdfVerifyRequest { at: qoltanba::time::now(), policy: Policy::default(), ..Default::default() };
            let r = qoltanba::pdf::verify_bytes(&bytes, store, &req);
            prop_assert_eq!(r.indication == Indication::Passed, r.code == "OK");
            prop_assert!(serde_json::to_string(&r).is_ok());
            if changed {
                prop_assert_ne!(r.indication, Indication::Passed, "{}", r.to_text());
            }
        }
    }
}
