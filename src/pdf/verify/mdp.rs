//! What each signature allows after it: the document's certification
//! (DocMDP P=1 no changes, P=2 form filling and signing, P=3 also
//! annotations), the signature's own field locks (FieldMDP: all fields, or
//! those included, or all but those excluded), and, with no certification,
//! signing and filling unlocked fields (as pyHanko and Acrobat judge an
//! approval signature).
//!
//! Judges every change of every later revision for one signature, and the
//! structure findings that reach it; says which are allowed, the worst
//! level, and the code and sub-reasons of what is not.

use crate::pdf::PdfError;
use crate::pdf::cos;
use crate::pdf::diff::{Category, Level, RevisionChanges};
use crate::pdf::layout::Finding;
use crate::pdf::xref::PdfFile;
use crate::verdict::Code;
use lopdf::{Dictionary, Object};
use serde::Serialize;

/// A FieldMDP lock: which fields a signature forbids changing after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", content = "fields", rename_all = "snake_case")]
pub enum Lock {
    /// Every field.
    All,
    /// These fields (and their descendants).
    Include(Vec<String>),
    /// Every field but these.
    Exclude(Vec<String>),
}

impl Lock {
    /// Whether the field named `name` (fully qualified) is locked.
    pub fn locks(&self, name: &str) -> bool {
        let under = |fs: &[String]| {
            fs.iter().any(|f| {
                name == f
                    || name
                        .strip_prefix(f.as_str())
                        .is_some_and(|r| r.starts_with('.'))
            })
        };
        match self {
            Lock::All => true,
            Lock::Include(fs) => under(fs),
            Lock::Exclude(fs) => !under(fs),
        }
    }

    fn from_params(
        file: &PdfFile<'_>,
        d: &Dictionary,
        rev: usize,
    ) -> Result<Option<Lock>, PdfError> {
        let fields = match d.get(b"Fields") {
            Ok(f) => match file.resolve(f, rev)? {
                Object::Array(a) => a
                    .iter()
                    .take(10_000)
                    .filter_map(cos::text)
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            },
            Err(_) => Vec::new(),
        };
        Ok(match d.get(b"Action") {
            Ok(Object::Name(n)) if n == b"All" => Some(Lock::All),
            Ok(Object::Name(n)) if n == b"Include" => Some(Lock::Include(fields)),
            Ok(Object::Name(n)) if n == b"Exclude" => Some(Lock::Exclude(fields)),
            _ => None,
        })
    }

    /// A signature's lock: its FieldMDP reference, else its field's `/Lock`.
    pub fn of(
        file: &PdfFile<'_>,
        sig: &Dictionary,
        field: &Dictionary,
        rev: usize,
    ) -> Result<Option<Lock>, PdfError> {
        if let Ok(r) = sig.get(b"Reference")
            && let Object::Array(refs) = file.resolve(r, rev)?
        {
            for r in refs.iter().take(16) {
                let Object::Dictionary(r) = file.resolve(r, rev)? else {
                    continue;
                };
                if r.get(b"TransformMethod").ok() != Some(&Object::Name(b"FieldMDP".to_vec())) {
                    continue;
                }
                if let Ok(tp) = r.get(b"TransformParams")
                    && let Object::Dictionary(tp) = file.resolve(tp, rev)?
                    && let Some(l) = Lock::from_params(file, &tp, rev)?
                {
                    return Ok(Some(l));
                }
            }
        }
        if let Ok(l) = field.get(b"Lock")
            && let Object::Dictionary(l) = file.resolve(l, rev)?
        {
            return Lock::from_params(file, &l, rev);
        }
        Ok(None)
    }
}

/// The document's certification: its permission and the revision (0-based)
/// of the certification signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Certification {
    /// DocMDP P (1, 2 or 3).
    pub p: i64,
    /// The certification signature's revision.
    pub revision: usize,
}

/// One change after a signature, judged for it.
#[derive(Debug, Clone, Serialize)]
pub struct JudgedChange {
    /// The revision (1-based) that made it.
    pub revision: usize,
    /// Object number (0: the trailer).
    pub object: u32,
    /// `added`, `changed` or `freed`.
    pub change: &'static str,
    /// What it is.
    pub category: Category,
    /// The least permission it needs.
    pub level: Level,
    /// Its form field, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// In words.
    pub detail: String,
    /// Whether this signature allows it.
    pub allowed: bool,
    /// Why not, when not (a sub-reason key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

/// One signature's judgement of what came after it.
#[derive(Debug, Clone, Default)]
pub struct Judgement {
    /// Every later change.
    pub changes: Vec<JudgedChange>,
    /// The worst level among them (None: nothing came after).
    pub level: Option<Level>,
    /// The code, when something is not allowed.
    pub code: Option<Code>,
    /// The sub-reasons, first one first.
    pub reasons: Vec<&'static str>,
}

/// The sub-reason key of a change category (its JSON name).
pub fn category_reason(c: Category) -> &'static str {
    match c {
        Category::Signature => "signature",
        Category::SignatureField => "signature_field",
        Category::Timestamp => "timestamp",
        Category::Dss => "dss",
        Category::Metadata => "metadata",
        Category::Catalog => "catalog",
        Category::Structure => "structure",
        Category::Unused => "unused",
        Category::Unchanged => "unchanged",
        Category::FormFill => "form_fill",
        Category::FormResources => "form_resources",
        Category::Annotation => "annotation",
        Category::PageContent => "page_content",
        Category::Overlay => "overlay",
        Category::Font => "font",
        Category::XObject => "xobject",
        Category::OptionalContent => "optional_content",
        Category::Page => "page",
        Category::PageTree => "page_tree",
        Category::FormStructure => "form_structure",
        Category::Freed => "freed",
        Category::Trailer => "trailer",
        Category::Other => "other",
    }
}

/// Judges what came after a signature of revision `rev` (0-based).
pub fn judge(
    rev: usize,
    revisions: &[RevisionChanges],
    findings: &[Finding],
    n_revisions: usize,
    certification: Option<Certification>,
    lock: Option<&Lock>,
) -> Judgement {
    let mut j = Judgement::default();
    let mut ambiguous = false;
    let mut structural = false;
    for f in findings {
        let touches = match f.after_revision(n_revisions) {
            None => true,
            Some(r) => rev < r,
        };
        if touches {
            if f.code() == Code::PdfAmbiguous {
                ambiguous = true;
            } else {
                structural = true;
            }
            if !j.reasons.contains(&f.reason()) {
                j.reasons.push(f.reason());
            }
        }
    }
    let mut docmdp_violation = false;
    let mut modified = false;
    for r in revisions.iter().filter(|r| r.revision > rev + 1) {
        let cert = certification.filter(|c| c.revision < r.revision - 1);
        j.level = Some(j.level.map_or(r.level, |l| l.max(r.level)));
        for o in &r.objects {
            let locked = o
                .field
                .as_deref()
                .is_some_and(|f| lock.is_some_and(|l| l.locks(f)))
                && !o.locked_ok;
            let (allowed, reason) = match o.level {
                Level::Lta => (true, None),
                Level::FormFilling => match cert {
                    Some(c) if c.p == 1 => (false, Some(category_reason(o.category))),
                    Some(_) if !o.certified_ok => (false, Some("new_visible_signature_field")),
                    _ if locked => (false, Some("locked_field")),
                    _ => (true, None),
                },
                Level::Annotations => match cert {
                    Some(c) if c.p == 3 => (true, None),
                    _ => (false, Some(category_reason(o.category))),
                },
                Level::Other => (false, Some(category_reason(o.category))),
            };
            if !allowed {
                if cert.is_some() {
                    docmdp_violation = true;
                } else {
                    modified = true;
                }
                if let Some(k) = reason
                    && !j.reasons.contains(&k)
                {
                    j.reasons.push(k);
                }
            }
            j.changes.push(JudgedChange {
                revision: r.revision,
                object: o.object,
                change: o.change,
                category: o.category,
                level: o.level,
                field: o.field.clone(),
                detail: o.detail.clone(),
                allowed,
                reason,
            });
        }
    }
    // A definite change after signing is said before an ambiguity (a
    // re-pointed entry also makes the old body a shadow).
    j.code = if structural {
        Some(Code::PdfModified)
    } else if ambiguous {
        Some(Code::PdfAmbiguous)
    } else if docmdp_violation {
        Some(Code::DocmdpViolation)
    } else if modified {
        Some(Code::PdfModified)
    } else {
        None
    };
    j.changes.truncate(10_000);
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_name_fields_and_their_descendants() {
        let inc = Lock::Include(vec!["Decision".into()]);
        assert!(inc.locks("Decision"));
        assert!(inc.locks("Decision.Reason"));
        assert!(!inc.locks("DecisionX"));
        assert!(!inc.locks("Other"));
        let exc = Lock::Exclude(vec!["Decision".into()]);
        assert!(!exc.locks("Decision"));
        assert!(exc.locks("Other"));
        assert!(Lock::All.locks("anything"));
    }
}
