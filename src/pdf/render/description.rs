//! The result's description, as JSON: the kind (notification or reasoned
//! refusal), service, provider, applicant, application, decision, reasons
//! and officer, each text in Kazakh and Russian; parsed with unknown fields
//! refused, and checked (bounded size, IIN/BIN shape, dates).

use crate::pdf::PdfError;
use serde::Deserialize;

/// Largest JSON description accepted.
pub const MAX_INPUT: usize = 256 * 1024;
/// Most reasons in a refusal.
const MAX_REASONS: usize = 50;
/// Longest text field (characters).
const MAX_FIELD: usize = 4000;

/// A text in Kazakh and Russian.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    /// Kazakh.
    pub kk: String,
    /// Russian.
    pub ru: String,
}

impl Bilingual {
    /// The text in `lang`.
    pub(super) fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Kk => &self.kk,
            Lang::Ru => &self.ru,
        }
    }
}

/// The kind of result document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The result: a notification that the service was rendered.
    Notification,
    /// A reasoned refusal.
    Refusal,
}

/// The provider (the state body rendering the service).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Its name.
    pub name: Bilingual,
    /// Its BIN.
    pub bin: String,
}

/// The applicant.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    /// Full name.
    pub name: String,
    /// IIN.
    pub iin: String,
}

/// The application.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// Its registration number.
    pub number: String,
    /// When it was submitted (YYYY-MM-DD).
    pub submitted: String,
    /// When it was decided (YYYY-MM-DD).
    pub decided: String,
}

/// The officer who signs.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Officer {
    /// Full name.
    pub name: String,
    /// Position.
    pub position: Bilingual,
}

/// A result document's description.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResultDoc {
    /// Notification or refusal.
    pub kind: Kind,
    /// An identifier for the verification URL (default: the application number).
    #[serde(default)]
    pub document_id: Option<String>,
    /// The service's name.
    pub service: Bilingual,
    /// The provider.
    pub provider: Provider,
    /// The applicant.
    pub applicant: Applicant,
    /// The application.
    pub application: Application,
    /// The decision.
    pub decision: Bilingual,
    /// The reasons (refusals).
    #[serde(default)]
    pub reasons: Vec<Bilingual>,
    /// The officer.
    pub officer: Officer,
}

/// A language of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Kazakh.
    Kk,
    /// Russian.
    Ru,
}

impl Lang {
    /// Parses `kk`, `ru` or `kk,ru`.
    pub fn parse_list(s: &str) -> Option<Vec<Lang>> {
        let mut out = Vec::new();
        for part in s.split(',') {
            let l = match part.trim() {
                "kk" => Lang::Kk,
                "ru" => Lang::Ru,
                _ => return None,
            };
            if !out.contains(&l) {
                out.push(l);
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// The language's code (`kk`, `ru`).
    pub(super) fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
        }
    }
}

impl ResultDoc {
    /// Parses and checks a description (bounded size, IIN/BIN shape, dates).
    pub fn from_json(bytes: &[u8]) -> Result<ResultDoc, PdfError> {
        if bytes.len() > MAX_INPUT {
            return Err(PdfError::Input(format!(
                "description larger than {MAX_INPUT} bytes"
            )));
        }
        let d: ResultDoc =
            serde_json::from_slice(bytes).map_err(|e| PdfError::Input(e.to_string()))?;
        d.check()?;
        Ok(d)
    }

    fn check(&self) -> Result<(), PdfError> {
        let twelve = |what: &str, v: &str| {
            if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
                Ok(())
            } else {
                Err(PdfError::Input(format!("{what} must be 12 digits")))
            }
        };
        twelve("applicant.iin", &self.applicant.iin)?;
        twelve("provider.bin", &self.provider.bin)?;
        for (what, v) in [
            ("application.submitted", &self.application.submitted),
            ("application.decided", &self.application.decided),
        ] {
            if crate::time::parse_rfc3339(&format!("{v}T00:00:00Z")).is_err() {
                return Err(PdfError::Input(format!("{what} must be YYYY-MM-DD")));
            }
        }
        if self.kind == Kind::Refusal && self.reasons.is_empty() {
            return Err(PdfError::Input("a refusal needs reasons".into()));
        }
        if self.reasons.len() > MAX_REASONS {
            return Err(PdfError::Input(format!("more than {MAX_REASONS} reasons")));
        }
        let mut all = vec![
            &self.service.kk,
            &self.service.ru,
            &self.provider.name.kk,
            &self.provider.name.ru,
            &self.applicant.name,
            &self.application.number,
            &self.decision.kk,
            &self.decision.ru,
            &self.officer.name,
            &self.officer.position.kk,
            &self.officer.position.ru,
        ];
        all.extend(self.reasons.iter().flat_map(|r| [&r.kk, &r.ru]));
        if all.iter().any(|s| s.chars().count() > MAX_FIELD) {
            return Err(PdfError::Input(format!(
                "a text field is longer than {MAX_FIELD} characters"
            )));
        }
        Ok(())
    }

    /// The id the verification URL names.
    pub fn id(&self) -> &str {
        self.document_id
            .as_deref()
            .unwrap_or(&self.application.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert_eq!(Lang::parse_list("kk,ru"), Some(vec![Lang::Kk, Lang::Ru]));
        assert_eq!(Lang::parse_list("ru"), Some(vec![Lang::Ru]));
        assert_eq!(Lang::parse_list("en"), None);
    }
}
