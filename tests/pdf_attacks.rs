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

mod common;
mod common_tsa;
#[path = "pdf_attacks/forge.rs"]
mod forge;
#[path = "pdf_attacks/honest.rs"]
mod honest;
#[path = "pdf_attacks/mutated.rs"]
mod mutated;
#[path = "pdf_attacks/tricks.rs"]
mod tricks;

use common::demo::who;
use common::pdf_judge::{endesive_sign, nss_db_in, run, tool, venv_python};
use common::{qoltanba_demo, repo, write};
use honest::{own_sign, pyhanko_plan, rendered, tsa};
use serde_json::{Value, json};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

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

/// Our verdict through the binary: exit status and JSON report.
fn ours(file: &Path) -> (i32, Value) {
    let args = ["pdf", "verify", "--format", "json"].map(OsStr::new);
    let (status, out, err) = qoltanba_demo(&[&args[..2], &[file.as_os_str()], &args[2..]].concat());
    let v = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {out}{err}", file.display()));
    (status, v)
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

/// pdfsig's verdict: every signature valid and trusted, and the last one
/// covering the whole file; with its lines.
fn pdfsig(db: &str, file: &Path) -> (bool, String) {
    let mut c = tool("pdfsig");
    c.args(["-no-ocsp", "-nssdir", db]).arg(file);
    let (_, out) = run(c);
    let sigs: Vec<&str> = out.split("Signature #").skip(1).collect();
    let valid = !sigs.is_empty()
        && sigs.iter().all(|s| {
            s.contains("Signature Validation: Signature is Valid.")
                && s.contains("Certificate Validation: Certificate is Trusted.")
        });
    let total = sigs.last().is_some_and(|s| {
        s.contains("Total document signed") && !s.contains("Not total document signed")
    });
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
    case(
        "own: one stamped signature",
        "honest",
        write(d, "own-one.pdf", &one),
        "OK",
        None,
        None,
    );
    let two = own_sign(&one, &emp, true, false);
    case(
        "own: two signers",
        "honest",
        write(d, "own-two.pdf", &two),
        "OK",
        None,
        None,
    );
    let cert = own_sign(&own_sign(&base, &emp, true, true), &head, true, false);
    case(
        "own: certification P=2, then a second stamped signature",
        "honest",
        write(d, "own-cert.pdf", &cert),
        "OK",
        None,
        Some(
            "pyHanko refuses a new visible signature field after a certification unless told to allow it; Acrobat and ISO 32000 (P=2 permits signing) allow it, and so do we",
        ),
    );

    // --- Honest: pyHanko (and the attacks that need a pyHanko-made form).
    tsa(d);
    let p = |n: &str| d.join(n).display().to_string();
    // The same document linearized, with object streams, and both (qpdf).
    honest::qpdf(&["--linearize"], &base_f, &d.join("lin.pdf"));
    honest::qpdf(&["--object-streams=generate"], &base_f, &d.join("objs.pdf"));
    honest::qpdf(
        &["--linearize", "--object-streams=generate"],
        &base_f,
        &d.join("linobjs.pdf"),
    );
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
    case(
        "pyHanko: one visible signature",
        "honest",
        f("ph-one.pdf"),
        "OK",
        None,
        None,
    );
    case(
        "pyHanko: a second signature in a new field, its own update",
        "honest",
        f("ph-two.pdf"),
        "OK",
        None,
        None,
    );
    case(
        "pyHanko: certification P=2 with empty fields",
        "honest",
        f("ph-cert.pdf"),
        "OK",
        None,
        None,
    );
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
        Some(
            "P=3 permits annotations (ISO 32000-1 12.8.2.2); pyHanko's default difference policy has no rule for annotations and classes them OTHER; pdfsig has no modification analysis and refuses any file its last signature does not cover to the end",
        ),
    );
    case(
        "pyHanko: approval signature, then a form fill",
        "honest",
        f("ph-approve-fill.pdf"),
        "OK",
        None,
        None,
    );
    case(
        "pyHanko: signature, document time-stamp, DSS (B-LTA shape)",
        "honest",
        f("ph-lta.pdf"),
        "OK",
        None,
        None,
    );
    case(
        "pyHanko: five signatures and five form fills",
        "honest",
        f("five-10.pdf"),
        "OK",
        None,
        None,
    );
    case(
        "pyHanko: certification P=1, then a DSS, then a document time-stamp",
        "honest",
        f("ph-p1-dss-ts.pdf"),
        "OK",
        None,
        None,
    );
    case(
        "pyHanko: certification P=2, then a form fill",
        "honest",
        f("ph-cert-fill-only.pdf"),
        "OK",
        None,
        None,
    );

    case(
        "pyHanko: a linearized file, signed",
        "honest",
        f("lin-ph.pdf"),
        "OK",
        None,
        None,
    );
    case(
        "pyHanko: object streams, signed twice",
        "honest",
        f("objs-ph2.pdf"),
        "OK",
        None,
        None,
    );
    case(
        "pyHanko: linearized with object streams, certified P=2, then fill and sign",
        "honest",
        f("lo-cert-fill.pdf"),
        "OK",
        None,
        None,
    );
    for (name, input, output) in [
        ("own: object streams, signed", "objs.pdf", "objs-own.pdf"),
        ("own: a linearized file, signed", "lin.pdf", "lin-own.pdf"),
    ] {
        let signed = own_sign(&std::fs::read(f(input)).unwrap(), &head, true, false);
        case(name, "honest", write(d, output, &signed), "OK", None, None);
    }
    let mut lin_junk = std::fs::read(f("lin-ph.pdf")).unwrap();
    lin_junk.extend_from_slice(b"\n1 0 obj\n<< /Type /Catalog >>\nendobj\n");
    case(
        "ISA: a body after %%EOF of a signed linearized file",
        "isa",
        write(d, "lin-isa.pdf", &lin_junk),
        "PDF_MODIFIED",
        Some("update_without_xref"),
        None,
    );

    // --- Honest: endesive, and ours after it.
    let ende = d.join("endesive.pdf");
    endesive_sign(&base_f, &ende, "head");
    case(
        "endesive: one signature",
        "honest",
        ende.clone(),
        "OK",
        None,
        None,
    );
    let after = own_sign(&std::fs::read(&ende).unwrap(), &emp, true, false);
    case(
        "endesive, then our stamped signature",
        "honest",
        write(d, "ende-own.pdf", &after),
        "OK",
        None,
        None,
    );

    // --- DocMDP / FieldMDP.
    case(
        "DocMDP P=2, then a comment",
        "mdp",
        f("ph-cert-annot.pdf"),
        "DOCMDP_VIOLATION",
        Some("annotation"),
        None,
    );
    case(
        "FieldMDP lock on Decision, then Decision filled",
        "mdp",
        f("ph-lock-fill.pdf"),
        "PDF_MODIFIED",
        Some("locked_field"),
        None,
    );
    case(
        "DocMDP P=1, then a comment",
        "mdp",
        f("ph-p1-annot.pdf"),
        "DOCMDP_VIOLATION",
        Some("annotation"),
        None,
    );
    case(
        "approval signature, then a comment",
        "mdp",
        f("ph-one-annot.pdf"),
        "PDF_MODIFIED",
        Some("annotation"),
        None,
    );

    // --- Incremental saving attacks on our one-signature file.
    tricks::isa(d, &one, &mut case);

    // --- Universal signature forgery and signature wrapping.
    tricks::usf_and_swa(d, &one, &mut case);

    // --- Shadow attacks: prepared before signing, exploited after.
    tricks::shadow(d, &base, &mut case);

    // --- Bounded: more revisions than any honest file has.
    {
        let bytes = forge::many_updates(&one, 1_050, forge::facts(&one).size);
        case(
            "1,050 revisions",
            "limits",
            write(d, "many.pdf", &bytes),
            "PDF_TOO_COMPLEX",
            None,
            None,
        );
    }

    // --- Judge every file three ways and report.
    let db_dir = d.join("nss");
    std::fs::create_dir_all(&db_dir).unwrap();
    let db = nss_db_in(&db_dir, &[("demo-root", repo("certs/trust/root-ca.pem"))]);
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
            .map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        let we_pass = exit == 0;
        let differs = we_pass != sig_ok && we_pass != ph_ok;
        report.push_str(&format!(
            "| {} | {} | {exit} {code} {} | {} {sig_text} | {} {ph_text} | {} |\n",
            c.class,
            c.name,
            if rs.is_empty() {
                String::new()
            } else {
                format!("({})", rs.join(", "))
            },
            if sig_ok { "accepts:" } else { "refuses:" },
            if ph_ok { "accepts:" } else { "refuses:" },
            c.why.unwrap_or(""),
        ));
        let want_exit_ok = c.code == "OK";
        if code != c.code || (exit == 0) != want_exit_ok {
            failures.push(format!(
                "{}: exit {exit}, code {code} (want {}): {rs:?}",
                c.name, c.code
            ));
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
