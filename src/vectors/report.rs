//! A run's reports: JSON (the API's answer too), JUnit XML for CI systems,
//! and one self-contained HTML file a reviewer can hand in.
//!
//! Owns the three formats and their escaping. Refuses nothing; every string
//! that came from a manifest or a verdict is escaped for its format.

use super::suite::{Report, Row};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The JSON report: `summary` {total, passed, failed, by_suite, by_kind,
/// acceptable}, the run's facts, then `vectors`.
pub fn json(r: &Report) -> Value {
    json!({
        "summary": r.summary,
        "qoltanba": { "version": r.version, "revision": r.revision },
        "started_at": r.started_at,
        "trust": r.trust,
        "vectors": r.rows.iter().map(|v| json!({
            "id": v.id,
            "suite": v.suite,
            "kind": v.kind,
            "expected": v.expected,
            "actual": v.actual,
            "passed": v.passed,
            "decided_by": v.decided_by,
            "source": v.source,
            "acceptable": v.acceptable,
        })).collect::<Vec<_>>(),
    })
}

/// Escapes text for XML and HTML (element content and quoted attributes).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // XML 1.0 forbids most control characters even as references.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A verdict object in one line: `FAILED SIGNATURE_INVALID (SIG_CRYPTO_FAILURE)`.
pub fn verdict_line(v: &Value) -> String {
    if let Some(e) = v.get("error").and_then(Value::as_str) {
        return format!("error: {e}");
    }
    if let Some(r) = v.get("result").and_then(Value::as_str) {
        return match r {
            "valid" => "valid (must verify)".into(),
            "invalid" => "invalid (must not verify)".into(),
            other => format!("{other} (either)"),
        };
    }
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("");
    let mut line = format!("{} {}", s("indication"), s("code"));
    if !s("sub_indication").is_empty() {
        line += &format!(" ({})", s("sub_indication"));
    }
    if !s("detail").is_empty() {
        line += &format!(": {}", s("detail"));
    }
    line
}

/// JUnit XML: a `testsuite` per suite, a `testcase` per vector, a `failure`
/// naming both verdicts.
pub fn junit(r: &Report) -> String {
    let mut by_suite: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for row in &r.rows {
        by_suite.entry(&row.suite).or_default().push(row);
    }
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"qoltanba vectors\" tests=\"{}\" failures=\"{}\" timestamp=\"{}\">",
        r.summary.total,
        r.summary.failed,
        escape(&r.started_at)
    );
    for (suite, rows) in by_suite {
        let failed = rows.iter().filter(|v| !v.passed).count();
        let _ = writeln!(
            x,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">",
            escape(suite),
            rows.len(),
            failed
        );
        for v in rows {
            let _ = write!(
                x,
                "    <testcase name=\"{}\" classname=\"{}.{}\"",
                escape(&v.id),
                escape(suite),
                v.kind.as_str()
            );
            if v.passed {
                x.push_str("/>\n");
            } else {
                let expected = verdict_line(&v.expected);
                let actual = verdict_line(&v.actual);
                let _ = writeln!(
                    x,
                    ">\n      <failure message=\"expected {}, got {}\" type=\"verdict\">expected: {}\nactual: {}\ndecided by: {}\nsource: {}</failure>\n    </testcase>",
                    escape(&expected),
                    escape(&actual),
                    escape(&expected),
                    escape(&actual),
                    escape(v.decided_by.as_deref().unwrap_or("-")),
                    escape(&v.source)
                );
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}\
h1{font-size:1.4em;margin:0 0 .3em}table{border-collapse:collapse;width:100%}\
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}\
th{background:#f3f3f3}.summary td,.summary th{width:auto}.ok{color:#176117}.bad{color:#a01010;font-weight:bold}\
tr.failed{background:#fff0f0}.meta{color:#555;margin:.5em 0 1em}.controls{margin:1em 0}\
.msg{display:none}body.lang-kk .msg.kk,body.lang-ru .msg.ru,body.lang-en .msg.en{display:inline}\
body.only-failed tr.passed{display:none}code{font-size:.95em}";

const SCRIPT: &str = "function q(s){return document.querySelector(s)}\
q('#only-failed').addEventListener('change',function(e){document.body.classList.toggle('only-failed',e.target.checked)});\
q('#lang').addEventListener('change',function(e){document.body.className=document.body.className.replace(/lang-\\w+/,'lang-'+e.target.value)});";

fn counts_rows(x: &mut String, title: &str, id: &str, m: &BTreeMap<String, super::suite::Counts>) {
    let _ = writeln!(
        x,
        "<h2>By {title}</h2><table class=\"summary\" id=\"by-{id}\"><tr><th>{title}</th><th>total</th><th>passed</th><th>failed</th></tr>"
    );
    for (k, c) in m {
        let _ = writeln!(
            x,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(k),
            c.total,
            c.passed,
            c.failed
        );
    }
    x.push_str("</table>\n");
}

/// The HTML report: one file, inline CSS and script, no external assets.
/// The summary numbers carry ids `total`, `passed`, `failed`, `acceptable`,
/// `acceptable-verified`.
pub fn html(r: &Report) -> String {
    let s = &r.summary;
    let mut x = String::with_capacity(512 + r.rows.len() * 400);
    let _ = writeln!(
        x,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>qoltanba test vectors: {} of {} passed</title><style>{STYLE}</style></head>\n<body class=\"lang-en\">",
        s.passed, s.total
    );
    let _ = writeln!(
        x,
        "<h1>qoltanba test-vector report</h1>\n<div class=\"meta\">qoltanba <span id=\"version\">{}</span>, \
revision <code id=\"revision\">{}</code>, run at <span id=\"started-at\">{}</span></div>",
        escape(r.version),
        escape(r.revision),
        escape(&r.started_at)
    );
    let verdict = if s.failed == 0 {
        "<span class=\"ok\" id=\"outcome\">every vector got its expected result</span>"
    } else {
        "<span class=\"bad\" id=\"outcome\">some vectors did not get their expected result</span>"
    };
    let _ = writeln!(
        x,
        "<table class=\"summary\" id=\"summary\"><tr><th>total</th><th>passed</th><th>failed</th>\
<th>Wycheproof acceptable (verified)</th><th>outcome</th></tr>\
<tr><td id=\"total\">{}</td><td id=\"passed\">{}</td><td id=\"failed\">{}</td>\
<td><span id=\"acceptable\">{}</span> (<span id=\"acceptable-verified\">{}</span>)</td><td>{verdict}</td></tr></table>",
        s.total, s.passed, s.failed, s.acceptable.total, s.acceptable.verified
    );
    counts_rows(&mut x, "suite", "suite", &s.by_suite);
    counts_rows(&mut x, "kind", "kind", &s.by_kind);
    x.push_str("<h2>Trust configuration</h2><ul id=\"trust\">");
    for t in &r.trust {
        let _ = write!(x, "<li>{}</li>", escape(t));
    }
    x.push_str("</ul>\n");
    x.push_str(
        "<div class=\"controls\"><label><input type=\"checkbox\" id=\"only-failed\"> failures only</label> \
&nbsp; <label>verdict texts: <select id=\"lang\"><option value=\"en\">English</option>\
<option value=\"ru\">Русский</option><option value=\"kk\">Қазақша</option></select></label></div>\n",
    );
    x.push_str(
        "<table id=\"vectors\"><tr><th>suite</th><th>kind</th><th>id</th><th>expected</th>\
<th>actual</th><th>decided by</th><th>result</th><th>verdict text</th><th>source</th></tr>\n",
    );
    for v in &r.rows {
        let class = if v.passed { "passed" } else { "failed" };
        let result = match (v.passed, v.acceptable) {
            (true, true) => "<span class=\"ok\">acceptable</span>",
            (true, false) => "<span class=\"ok\">passed</span>",
            (false, _) => "<span class=\"bad\">FAILED</span>",
        };
        let msg = v
            .message
            .as_ref()
            .map(|m| {
                format!(
                    "<span class=\"msg kk\">{}</span><span class=\"msg ru\">{}</span><span class=\"msg en\">{}</span>",
                    escape(m.kk),
                    escape(m.ru),
                    escape(m.en)
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            x,
            "<tr class=\"{class}\"><td>{}</td><td>{}</td><td title=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{result}</td><td>{msg}</td><td>{}</td></tr>",
            escape(&v.suite),
            v.kind.as_str(),
            escape(&v.description),
            escape(&v.id),
            escape(&verdict_line(&v.expected)),
            escape(&verdict_line(&v.actual)),
            escape(v.decided_by.as_deref().unwrap_or("-")),
            escape(&v.source)
        );
    }
    x.push_str("</table>\n");
    let _ = writeln!(x, "<script>{SCRIPT}</script>\n</body></html>");
    x
}
