//! The public pages in a real browser: the service listens on loopback,
//! a result is issued through the whole flow with its QR codes pointing at
//! it, `zbarimg` reads the QR off the rendered stamp, and headless Chromium
//! (Debian's, driven by puppeteer-core through `tests/judges/web_browser.cjs`)
//! opens that link and every page in kk/ru/en, with JavaScript and
//! without, on a phone-sized screen: the text found in the DOM, no request
//! leaves the service, axe-core finds no serious or critical violation, and
//! an altered copy uploaded to `/check` (by the browser's own form, scripts
//! off) shows the failure and its reason. Screenshots go to
//! `$CARGO_TARGET_TMPDIR/web-browser/` for the run's report, not the repo.
//!
//! Needs chromium, poppler-utils, zbar-tools, node and the judge's
//! node_modules (puppeteer-core, axe-core) at `QOLTANBA_WEB_JUDGE`
//! (default `target/web-judge`): `scripts/test` installs them.

mod common;
use common::web::*;

use qoltanba::verdict::Code;
use qoltanba::web::Lang;
use qoltanba::web::texts::Text;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

fn judge_dir() -> PathBuf {
    let d = std::env::var("QOLTANBA_WEB_JUDGE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo("target/web-judge"));
    assert!(
        d.join("node_modules/puppeteer-core").exists() && d.join("node_modules/axe-core").exists(),
        "puppeteer-core and axe-core not found under {} (QOLTANBA_WEB_JUDGE): run ./scripts/test",
        d.display()
    );
    d
}

/// The URLs in the QR codes of a PDF's pages (pdftoppm, then zbarimg).
fn qr_links(pdf: &[u8], dir: &Path) -> Vec<String> {
    let f = dir.join("result.pdf");
    std::fs::write(&f, pdf).unwrap();
    let o = Command::new("pdftoppm")
        .args(["-r", "150", "-png"])
        .arg(&f)
        .arg(dir.join("page"))
        .output()
        .expect("pdftoppm (poppler-utils)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut pngs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pngs.sort();
    let o = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .args(&pngs)
        .output()
        .expect("zbarimg (zbar-tools)");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| l.starts_with("http"))
        .map(str::to_string)
        .collect()
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_in_headless_chromium() {
    let judge = judge_dir();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let site = Site::with_public_url(format!("{base}/verify")).await;
    let app = site
        .router
        .clone()
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let issued = site.issue().await;

    // The QR code on the head's stamp, read off the rendered page.
    let work = tempfile::tempdir().unwrap();
    let links = qr_links(&issued.pdf, work.path());
    assert!(!links.is_empty(), "a QR code on the first page");
    let link = links
        .iter()
        .find(|l| l.contains(&sha256_hex(&issued.draft)))
        .unwrap_or_else(|| panic!("the head's QR names the draft's hash: {links:?}"))
        .clone();
    assert!(
        link.starts_with(&format!("{base}/verify?doc={}&sha256=", issued.number)),
        "{link}"
    );
    let qr_path = link.strip_prefix(&base).unwrap().to_string();

    let altered_file = work.path().join("altered-result.pdf");
    std::fs::write(&altered_file, altered(&issued.pdf)).unwrap();
    let good_file = work.path().join("result.pdf");

    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("web-browser");
    std::fs::create_dir_all(&out).unwrap();
    let mut pages = Vec::new();
    for lang in ["kk", "ru", "en"] {
        for (name, path) in [
            ("front", format!("/?lang={lang}")),
            ("docs", format!("/docs?lang={lang}")),
            ("check", format!("/check?lang={lang}")),
            ("verify", format!("{qr_path}&lang={lang}")),
            (
                "verify-unknown",
                format!(
                    "/verify?doc=2026-000000000000-000000&sha256={}&lang={lang}",
                    "0".repeat(64)
                ),
            ),
        ] {
            pages.push(json!({ "name": name, "path": path, "lang": lang }));
        }
    }
    let uploads = vec![
        json!({ "name": "altered", "file": altered_file, "lang": "en" }),
        json!({ "name": "altered", "file": altered_file, "lang": "kk" }),
        json!({ "name": "good", "file": good_file, "lang": "ru" }),
    ];
    let plan = json!({ "base": base, "out": out, "chromium": "/usr/bin/chromium", "pages": pages, "uploads": uploads });
    let plan_file = work.path().join("plan.json");
    std::fs::write(&plan_file, plan.to_string()).unwrap();
    let script = repo("tests/judges/web_browser.cjs");
    let node_path = judge.join("node_modules");
    let o = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .env("NODE_PATH", node_path)
            .arg(script)
            .arg(plan_file)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("node")
    })
    .await
    .unwrap();
    server.abort();
    assert!(
        o.status.success(),
        "the browser judge: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    eprintln!("screenshots: {}", out.display());

    for p in r["pages"].as_array().unwrap() {
        let (name, lang) = (text(p, "name"), text(p, "lang"));
        let l = Lang::parse(lang).unwrap();
        for mode in ["js", "nojs"] {
            let v = &p[mode];
            let want = if name == "verify-unknown" { 404 } else { 200 };
            assert_eq!(v["status"], want, "{name} {lang} {mode}");
            assert_eq!(text(v, "lang"), lang, "{name} {mode}: <html lang>");
            assert_eq!(
                v["external"],
                json!([]),
                "{name} {lang} {mode}: requests beyond the service"
            );
            assert_eq!(v["scripts"], 0, "{name} {lang}: no scripts");
            assert!(
                v["width"].as_i64().unwrap() <= 390,
                "{name} {lang} {mode}: fits a phone ({})",
                v["width"]
            );
            let body = text(v, "text");
            assert!(
                body.contains(Text::Tagline.get(l)),
                "{name} {lang} {mode}: {body}"
            );
            assert!(text(v, "csp").contains("frame-ancestors 'none'"));
        }
        // Scripts on or off, the same words.
        assert_eq!(
            p["js"]["text"], p["nojs"]["text"],
            "{name} {lang}: works without JavaScript"
        );
        let serious: Vec<&Value> = p["axe"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| matches!(text(v, "impact"), "serious" | "critical"))
            .collect();
        assert!(serious.is_empty(), "{name} {lang}: axe-core: {serious:?}");
        let body = text(&p["js"], "text");
        match name {
            "verify" => {
                assert_eq!(p["js"]["indication"], "PASSED", "{lang}");
                let headline = match lang {
                    "kk" => "Құжат жарамды",
                    "ru" => "Документ действителен",
                    _ => "The document is valid",
                };
                assert!(body.contains(headline), "{lang}: {body}");
                assert!(!body.contains(CITIZEN_IIN), "no applicant data");
            }
            "verify-unknown" => assert!(!body.contains(&issued.number)),
            "check" => assert!(body.contains(Text::CheckTitle.get(l)), "{lang}: {body}"),
            _ => {}
        }
    }
    let reason = Code::DigestMismatch.message();
    for u in r["uploads"].as_array().unwrap() {
        let (name, lang) = (text(u, "name"), text(u, "lang"));
        assert_eq!(u["status"], 200, "{name} {lang}");
        assert_eq!(u["external"], json!([]));
        assert_eq!(text(u, "lang"), lang);
        let body = text(u, "text");
        if name == "altered" {
            assert_eq!(u["indication"], "FAILED", "{lang}: {body}");
            let why = Lang::parse(lang).unwrap().pick(&reason);
            assert!(body.contains(why), "{lang}: the reason, {why}: {body}");
        } else {
            assert_eq!(u["indication"], "PASSED", "{lang}: {body}");
        }
    }
}
