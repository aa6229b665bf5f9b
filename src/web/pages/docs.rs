//! `/docs`: the OpenAPI document as a readable API reference, rendered on
//! the server from the document the service publishes at `/openapi.json`
//! (no script, no outside asset): each route with its method, who may call
//! it, its parameters, its request body's fields and its answers.

use super::super::html::{Page, escape, href, render};
use super::super::lang::Lang;
use super::super::texts::Text;
use serde_json::Value;
use std::fmt::Write;

/// Who may call a route: None for a public route, else the roles.
pub type Roles<'a> = &'a dyn Fn(&str, &str) -> Option<Vec<&'static str>>;

/// A schema reference's target in `components.schemas`.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => &doc["components"]["schemas"][name],
        None => v,
    }
}

fn type_of(v: &Value) -> String {
    if let Some(t) = v["type"].as_str() {
        if t == "array" {
            return format!("array of {}", type_of(&v["items"]));
        }
        return t.to_string();
    }
    if let Some(ts) = v["type"].as_array() {
        let ts: Vec<&str> = ts.iter().filter_map(|t| t.as_str()).collect();
        return ts.join(" | ");
    }
    if let Some(r) = v["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    "object".into()
}

/// The reference page.
pub fn page(lang: Lang, openapi: &Value, roles: Roles<'_>) -> String {
    let t = |k: Text| escape(k.get(lang));
    let mut m = String::with_capacity(32 * 1024);
    let _ = write!(
        m,
        "<h1>{}</h1>\n<p>{}</p>\n<p><a href=\"/openapi.json\">{}</a></p>\n",
        t(Text::DocsTitle),
        t(Text::DocsLead),
        t(Text::DocsJson)
    );
    // The table of contents, then each route.
    let empty = serde_json::Map::new();
    let paths = openapi["paths"].as_object().unwrap_or(&empty);
    m.push_str("<nav aria-label=\"routes\"><ul class=\"toc\">\n");
    let mut n = 0;
    for (path, ops) in paths {
        for (method, _) in ops.as_object().unwrap_or(&empty) {
            n += 1;
            let _ = writeln!(
                m,
                "<li><a href=\"#r{n}\"><span class=\"method\">{}</span>{}</a></li>",
                escape(&method.to_uppercase()),
                escape(path)
            );
        }
    }
    m.push_str("</ul></nav>\n");
    let mut n = 0;
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap_or(&empty) {
            n += 1;
            let upper = method.to_uppercase();
            let _ = write!(
                m,
                "<section class=\"route\" id=\"r{n}\">\n<h2><span class=\"method\">{}</span><code>{}</code></h2>\n",
                escape(&upper),
                escape(path)
            );
            if let Some(s) = op["summary"].as_str().or(op["description"].as_str()) {
                let _ = writeln!(m, "<p>{}</p>", escape(s));
            }
            match roles(&upper, path) {
                None => {
                    let _ = writeln!(m, "<p class=\"note\">{}</p>", t(Text::DocsPublic));
                }
                Some(r) => {
                    let _ = writeln!(
                        m,
                        "<p class=\"note\">{}. {}: {}</p>",
                        t(Text::DocsKey),
                        t(Text::DocsRoles),
                        escape(&r.join(", "))
                    );
                }
            }
            if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
                let _ = write!(m, "<h3>{}</h3>\n<ul>", t(Text::DocsParameters));
                for p in params {
                    let _ = write!(
                        m,
                        "<li><code>{}</code> ({}{}) {}</li>",
                        escape(p["name"].as_str().unwrap_or("")),
                        escape(p["in"].as_str().unwrap_or("")),
                        if p["required"] == true {
                            ", required"
                        } else {
                            ""
                        },
                        escape(p["description"].as_str().unwrap_or(""))
                    );
                }
                m.push_str("</ul>\n");
            }
            if let Some(content) = op["requestBody"]["content"].as_object() {
                let _ = writeln!(m, "<h3>{}</h3>", t(Text::DocsBody));
                for (media, c) in content {
                    let schema = resolve(openapi, &c["schema"]);
                    let _ = write!(m, "<p><code>{}</code></p>", escape(media));
                    if let Some(props) = schema["properties"].as_object() {
                        let required: Vec<&str> = schema["required"]
                            .as_array()
                            .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
                            .unwrap_or_default();
                        m.push_str("<ul>");
                        for (name, p) in props {
                            let _ = write!(
                                m,
                                "<li><code>{}</code> <em>{}</em>{} {}</li>",
                                escape(name),
                                escape(&type_of(p)),
                                if required.contains(&name.as_str()) {
                                    ", required"
                                } else {
                                    ""
                                },
                                escape(p["description"].as_str().unwrap_or(""))
                            );
                        }
                        m.push_str("</ul>\n");
                    }
                }
            }
            if let Some(resps) = op["responses"].as_object() {
                let _ = write!(m, "<h3>{}</h3>\n<ul>", t(Text::DocsResponses));
                for (status, r) in resps {
                    let _ = write!(
                        m,
                        "<li><code>{}</code> {}</li>",
                        escape(status),
                        escape(r["description"].as_str().unwrap_or(""))
                    );
                }
                m.push_str("</ul>\n");
            }
            m.push_str("</section>\n");
        }
    }
    let _ = writeln!(
        m,
        "<p><a href=\"{}\">{}</a></p>",
        href("/", &[], lang),
        t(Text::NavHome)
    );
    render(&Page {
        lang,
        title: Text::DocsTitle.get(lang),
        path: "/docs",
        keep: &[],
        main: m,
    })
}
