//! Gathering and running suites: manifests found under folders, the `own`
//! suite (every manifest under `testdata/`), the built-in `wycheproof` suite;
//! all vectors run in parallel and come back as one `Report`.
//!
//! Owns the order of a report (manifests sorted by path, vectors in manifest
//! order, then Wycheproof by file and tcId) and its summary. Refuses to run
//! anything when one manifest does not load: a reviewer's typo is an error
//! naming the file and line, never a silently shorter run.

use super::wycheproof::{self, Expectation};
use super::{Confinement, Kind, ManifestError, Vector};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which built-in suites to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// Every manifest under `testdata/`.
    Own,
    /// Project Wycheproof signature vectors.
    Wycheproof,
    /// Both.
    All,
}

impl Builtin {
    /// Parses `own`, `wycheproof` or `all`.
    pub fn parse(s: &str) -> Option<Builtin> {
        match s {
            "own" => Some(Builtin::Own),
            "wycheproof" => Some(Builtin::Wycheproof),
            "all" => Some(Builtin::All),
            _ => None,
        }
    }
}

/// Deepest folder nesting searched for manifests.
const MAX_DEPTH: usize = 16;

/// The manifests a path names: a file is itself; a folder gives its
/// `manifest.json` and those of its sub-folders, recursively, sorted.
pub fn manifests_under(path: &Path) -> Result<Vec<PathBuf>, ManifestError> {
    let io = |p: &Path, error| ManifestError::Io {
        path: p.display().to_string(),
        error,
    };
    let meta = std::fs::metadata(path).map_err(|e| io(path, e))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![(path.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        let m = dir.join("manifest.json");
        if m.is_file() {
            out.push(m);
        }
        if depth >= MAX_DEPTH {
            continue;
        }
        for entry in std::fs::read_dir(&dir).map_err(|e| io(&dir, e))? {
            let entry = entry.map_err(|e| io(&dir, e))?;
            // Symlinked folders are not followed (no loops, no escapes).
            if entry.file_type().map_err(|e| io(&dir, e))?.is_dir() {
                stack.push((entry.path(), depth + 1));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The `own` suite's manifests: every manifest under `<repo>/testdata`.
pub fn own_manifests(repo: &Path) -> Result<Vec<PathBuf>, ManifestError> {
    manifests_under(&repo.join("testdata"))
}

// A manifest vector is much larger than a Wycheproof case; jobs live in one
// Vec built once, so the padding costs nothing worth a Box per vector.
#[allow(clippy::large_enum_variant)]
enum Job {
    Manifest {
        source: Arc<str>,
        suite: Arc<str>,
        dir: Arc<PathBuf>,
        defaults: Arc<super::Inputs>,
        vector: Vector,
    },
    Primitive(wycheproof::Case),
}

/// Everything to run, loaded and checked.
pub struct Plan {
    jobs: Vec<Job>,
    trust: Vec<String>,
    within: Confinement,
}

impl Plan {
    /// Loads `manifests` (all or nothing) and, with `wycheproof`, the built-in
    /// suite. `within` confines uploaded folders.
    pub fn new(
        manifests: &[PathBuf],
        wycheproof: bool,
        within: Confinement,
    ) -> Result<Plan, ManifestError> {
        let mut jobs = Vec::new();
        let mut trust = Vec::new();
        for path in manifests {
            let m = super::load(path)?;
            let shown = match &within.root {
                Some(root) => path
                    .strip_prefix(root)
                    .unwrap_or(path)
                    .display()
                    .to_string(),
                None => path.display().to_string(),
            };
            let source: Arc<str> = shown.clone().into();
            let suite: Arc<str> = m.suite.clone().into();
            let dir = Arc::new(path.parent().unwrap_or(Path::new(".")).to_path_buf());
            trust.push(format!("{shown}: {}", describe_trust(&m.defaults)));
            let defaults = Arc::new(m.defaults);
            for vector in m.vectors {
                jobs.push(Job::Manifest {
                    source: source.clone(),
                    suite: suite.clone(),
                    dir: dir.clone(),
                    defaults: defaults.clone(),
                    vector,
                });
            }
        }
        if wycheproof {
            let cases = wycheproof::cases().map_err(|message| ManifestError::Parse {
                path: "wycheproof".into(),
                line: 0,
                column: 0,
                message,
            })?;
            trust.push("wycheproof: none (signature primitives with the files' own keys)".into());
            jobs.extend(cases.into_iter().map(Job::Primitive));
        }
        Ok(Plan {
            jobs,
            trust,
            within,
        })
    }

    /// How many vectors it will run.
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    /// Whether it runs nothing.
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// Runs every vector in parallel; `tick` is called once per finished vector.
    pub fn run(self, tick: &(dyn Fn() + Sync)) -> Report {
        let started = crate::time::now();
        let within = &self.within;
        let rows: Vec<Row> = self
            .jobs
            .par_iter()
            .map(|job| {
                let row = run_job(job, within);
                tick();
                row
            })
            .collect();
        Report {
            version: env!("CARGO_PKG_VERSION"),
            revision: revision(),
            started_at: crate::time::rfc3339(started),
            trust: self.trust,
            summary: Summary::of(&rows),
            rows,
        }
    }
}

fn describe_trust(d: &super::Inputs) -> String {
    let mut parts = Vec::new();
    match (&d.trust, &d.test_trust, &d.trust_dir) {
        (None, None, Some(dir)) => parts.push(format!("trust folder {dir}")),
        (None, None, None) => parts.push("the service's trust folder".to_string()),
        (files, test, _) => {
            if let Some(files) = files {
                parts.push(format!("trust anchors {}", files.join(", ")));
            }
            if let Some(test) = test {
                parts.push(format!("test-PKI trust anchors {}", test.join(", ")));
            }
        }
    }
    if let Some(c) = &d.crls {
        parts.push(format!("CRLs {}", c.join(", ")));
    }
    parts.push(format!(
        "revocation {}",
        d.revocation.as_deref().unwrap_or("crl")
    ));
    if let Some(at) = &d.at {
        parts.push(format!("at {at}"));
    }
    parts.join("; ")
}

/// The git revision this binary was built from (`build.rs`), else `unknown`.
pub fn revision() -> &'static str {
    option_env!("QOLTANBA_GIT_REVISION").unwrap_or("unknown")
}

fn run_job(job: &Job, within: &Confinement) -> Row {
    match job {
        Job::Manifest {
            source,
            suite,
            dir,
            defaults,
            vector,
        } => {
            let o = super::run_vector_in(dir, defaults, vector, within);
            let (actual, message) = match &o.actual {
                Ok(a) => (json!(a), Some(a.code.message())),
                Err(e) => (json!({ "error": e }), None),
            };
            Row {
                id: o.id,
                suite: suite.to_string(),
                kind: o.kind,
                source: source.to_string(),
                description: vector.description.clone(),
                expected: json!(o.expected),
                actual,
                passed: o.passed,
                acceptable: false,
                decided_by: o.decided_by,
                message,
            }
        }
        Job::Primitive(case) => {
            let r = wycheproof::run(case);
            let (indication, _) = r.code.indication();
            let mut actual = json!({ "indication": indication, "code": r.code });
            if let Some(d) = &r.detail {
                actual["detail"] = json!(d);
            }
            let description = if case.flags.is_empty() {
                case.comment.clone()
            } else {
                format!("{} [{}]", case.comment, case.flags.join(", "))
            };
            Row {
                id: case.id.clone(),
                suite: "wycheproof".into(),
                kind: Kind::Primitive,
                source: format!("{} ({})", case.file, case.scheme.name()),
                description,
                expected: json!({ "result": case.expect }),
                actual,
                passed: wycheproof::agrees(case.expect, &r),
                acceptable: case.expect == Expectation::Acceptable,
                decided_by: Some(r.decided_by.to_string()),
                message: Some(r.code.message()),
            }
        }
    }
}

/// One vector's line in a report.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The vector id (`<file>#<tcId>` for Wycheproof).
    pub id: String,
    /// The manifest's suite name, or `wycheproof`.
    pub suite: String,
    /// Its kind.
    pub kind: Kind,
    /// What was expected: `{indication, code[, sub_indication]}`, or
    /// `{result: valid|invalid|acceptable}` for Wycheproof.
    pub expected: Value,
    /// What qoltanba said: `{indication, code[, sub_indication]}`, or `{error}`.
    pub actual: Value,
    /// Whether they agree.
    pub passed: bool,
    /// The check that decided (first not passed), if any.
    pub decided_by: Option<String>,
    /// The manifest (or Wycheproof file and scheme) it came from.
    pub source: String,
    /// What it tests.
    pub description: String,
    /// A Wycheproof `acceptable` vector (counted apart).
    pub acceptable: bool,
    /// The actual verdict's text in kk/ru/en.
    pub message: Option<crate::verdict::Message>,
}

/// Totals.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    /// Vectors run.
    pub total: usize,
    /// Got what they expected.
    pub passed: usize,
    /// Did not.
    pub failed: usize,
}

impl Counts {
    fn add(&mut self, passed: bool) {
        self.total += 1;
        if passed {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
    }
}

/// The summary at the top of every report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Vectors run.
    pub total: usize,
    /// Got what they expected.
    pub passed: usize,
    /// Did not.
    pub failed: usize,
    /// Per suite.
    pub by_suite: BTreeMap<String, Counts>,
    /// Per kind.
    pub by_kind: BTreeMap<String, Counts>,
    /// Wycheproof `acceptable` vectors run, and how many of them verified.
    pub acceptable: Acceptable,
}

/// Wycheproof's `acceptable` vectors.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Acceptable {
    /// How many ran.
    pub total: usize,
    /// How many qoltanba verified.
    pub verified: usize,
}

impl Summary {
    /// Counts `rows`.
    pub fn of(rows: &[Row]) -> Summary {
        let mut s = Summary::default();
        for r in rows {
            s.total += 1;
            if r.passed {
                s.passed += 1;
            } else {
                s.failed += 1;
            }
            s.by_suite.entry(r.suite.clone()).or_default().add(r.passed);
            s.by_kind
                .entry(r.kind.as_str().to_string())
                .or_default()
                .add(r.passed);
            if r.acceptable {
                s.acceptable.total += 1;
                if r.actual["code"] == "OK" {
                    s.acceptable.verified += 1;
                }
            }
        }
        s
    }
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct Report {
    /// qoltanba's version.
    pub version: &'static str,
    /// The git revision it was built from.
    pub revision: &'static str,
    /// When the run started (RFC 3339).
    pub started_at: String,
    /// Each manifest's trust configuration, one line each.
    pub trust: Vec<String>,
    /// Totals.
    pub summary: Summary,
    /// Every vector.
    pub rows: Vec<Row>,
}

impl Report {
    /// Whether every vector got its expected result.
    pub fn all_passed(&self) -> bool {
        self.summary.failed == 0
    }
}
