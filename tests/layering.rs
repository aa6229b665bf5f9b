//! Imports point down only (STYLE.md): every `crate::…` path in a module of
//! `src/` names a module of the same layer or a lower one. The layers, low
//! to high, are below; `KNOWN` lists the upward imports still to be moved
//! (none since issue 14), and a listed import that is gone fails too, so the
//! list is kept honest.

use std::collections::BTreeSet;
use std::path::Path;

/// Each top-level module's layer; a module may import its own layer and below.
const LAYERS: &[(&str, u8)] = &[
    ("time", 0),
    ("iin", 0),
    ("asn1", 0),
    ("files", 0),
    ("random", 0),
    ("verdict", 1),
    ("input", 2),
    ("pki", 3),
    ("config", 4),
    ("tsp", 4),
    ("pkcs7", 4),
    ("envelope", 5),
    ("xmldsig", 5),
    ("keys", 5),
    ("pdf", 6),
    ("store", 6),
    ("workflow", 7),
    ("vectors", 7),
    ("api", 8),
    ("web", 8),
    ("cli", 9),
];

/// Upward imports that exist today, each to be moved (issue 14).
const KNOWN: &[(&str, &str)] = &[];

fn layer(m: &str) -> Option<u8> {
    LAYERS.iter().find(|(n, _)| *n == m).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level modules a source text names through `crate::`.
fn imported(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::b, c}`: the first segment of each item.
            let body = group.split('}').next().unwrap_or("");
            for item in body.split(',') {
                let name = ident(item.trim());
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

#[test]
fn imports_point_down_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found: BTreeSet<(String, String)> = BTreeSet::new();
    let mut unknown = BTreeSet::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        // The binary (main.rs, cli/) is the top: it may use anything, and
        // its `crate::` is the binary crate.
        if top == "lib" || top == "main" || top == "cli" {
            continue;
        }
        let Some(from) = layer(&top) else {
            unknown.insert(top);
            continue;
        };
        let text = std::fs::read_to_string(&f).unwrap();
        for m in imported(&text) {
            if m == top {
                continue;
            }
            match layer(&m) {
                Some(to) if to > from => {
                    found.insert((top.clone(), m));
                }
                Some(_) => {}
                None => {
                    unknown.insert(m);
                }
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "modules without a layer in tests/layering.rs: {unknown:?}"
    );
    let known: BTreeSet<(String, String)> = KNOWN
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let new: Vec<_> = found.difference(&known).collect();
    assert!(
        new.is_empty(),
        "a lower module imports a higher one (move the code down, or the import up): {new:?}"
    );
    let gone: Vec<_> = known.difference(&found).collect();
    assert!(
        gone.is_empty(),
        "these upward imports are gone: remove them from KNOWN in tests/layering.rs: {gone:?}"
    );
}
