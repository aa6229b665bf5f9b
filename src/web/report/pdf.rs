//! The PDF validation report: what the check page says, on A4 in one
//! language, rendered like the result documents (DejaVu Sans, PDF/A-2b) and
//! signed with the service's seal (PAdES, an invisible signature): any PDF
//! validator can tell that qoltanba issued it and that nobody changed it.

use super::super::check::{Checked, message_of};
use super::super::lang::Lang;
use super::super::texts::{Text, check_name};
use super::{ReportError, Seal, report_id};
use crate::pdf::render::sheet::{Block, Sheet, render_sheet};
use crate::pdf::sign::{SignOptions, sign_bytes};
use crate::verdict::{Indication, Outcome};

/// The signature field of the seal.
pub const SEAL_FIELD: &str = "qoltanba-seal";

/// An indication in words.
pub fn indication_text(i: Indication, lang: Lang) -> &'static str {
    match i {
        Indication::Passed => Text::OutcomePassed.get(lang),
        Indication::Failed => Text::OutcomeFailed.get(lang),
        Indication::Indeterminate => Text::OutcomeIndeterminate.get(lang),
    }
}

/// A check's outcome in words.
pub fn outcome_text(o: Outcome, lang: Lang) -> &'static str {
    match o {
        Outcome::Passed => Text::OutcomePassed.get(lang),
        Outcome::Failed => Text::OutcomeFailed.get(lang),
        Outcome::Indeterminate => Text::OutcomeIndeterminate.get(lang),
        Outcome::Skipped => Text::OutcomeSkipped.get(lang),
    }
}

/// The report's content.
pub fn sheet(c: &Checked, lang: Lang) -> Sheet {
    let t = |k: Text| k.get(lang).to_string();
    let mut b = vec![
        Block::Title(t(Text::ReportTitle)),
        Block::Field(t(Text::FileName), c.name.clone()),
        Block::Field(t(Text::FileKind), c.kind.label().into()),
        Block::Field(t(Text::FileSize), c.size.to_string()),
        Block::Field(t(Text::ReportFileSha256), c.sha256.clone()),
        Block::Field(
            t(Text::ReportValidationTime),
            format!(
                "{} ({})",
                crate::pdf::stamp::kz_time(c.at),
                Text::KzTime.get(lang)
            ),
        ),
        Block::Field(
            t(Text::ReportOverall),
            format!(
                "{} ({}): {}",
                indication_text(c.indication, lang),
                c.code,
                lang.pick(&c.message())
            ),
        ),
        Block::Heading(t(Text::Signers)),
    ];
    if c.signatures.is_empty() {
        b.push(Block::Text(t(Text::NoSignatures)));
    }
    for (i, s) in c.signatures.iter().enumerate() {
        b.push(Block::Heading(format!(
            "{} {} — {}",
            Text::Signature.get(lang),
            i + 1,
            s.label
        )));
        if let Some(signer) = &s.verdict.signer {
            b.push(Block::Field(
                t(Text::Signer),
                signer["subject"]["dn"].as_str().unwrap_or("").to_string(),
            ));
        }
        if let Some(st) = &s.signing_time {
            b.push(Block::Field(t(Text::SigningTime), st.clone()));
        }
        b.push(Block::Field(
            t(Text::Result),
            format!(
                "{} ({}): {}",
                indication_text(s.indication, lang),
                s.code,
                lang.pick(&message_of(&s.code))
            ),
        ));
        b.push(Block::Field(
            t(Text::ReportPolicy),
            s.verdict.policy["name"].as_str().unwrap_or("").to_string(),
        ));
        let checks: Vec<String> = s
            .verdict
            .checks
            .iter()
            .map(|k| {
                let code = k.code.map(|c| format!(" {c}")).unwrap_or_default();
                format!(
                    "{}: {}{code}",
                    check_name(k.name, lang),
                    outcome_text(k.outcome, lang)
                )
            })
            .collect();
        b.push(Block::Field(t(Text::Checks), checks.join("; ")));
        if let Some(changes) = s.unauthorised_changes.as_array().filter(|a| !a.is_empty()) {
            let list: Vec<String> = changes
                .iter()
                .map(|o| {
                    format!(
                        "{} {}: {}",
                        o["object"],
                        o["change"].as_str().unwrap_or(""),
                        o["detail"].as_str().unwrap_or("")
                    )
                })
                .collect();
            b.push(Block::Field(t(Text::ChangeNotAllowed), list.join("; ")));
        }
    }
    if let Some(revs) = c.revisions.as_array().filter(|a| !a.is_empty()) {
        b.push(Block::Heading(t(Text::Changes)));
        for r in revs {
            let cats: Vec<&str> = r["categories"]
                .as_array()
                .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
                .unwrap_or_default();
            b.push(Block::Field(
                format!("{} {}", Text::Revision.get(lang), r["revision"]),
                cats.join(", "),
            ));
        }
    }
    b.push(Block::Note(t(Text::ReportSeal)));
    Sheet {
        lang: lang.code().into(),
        title: format!("{} — {}", Text::ReportTitle.get(lang), c.name),
        author: "qoltanba".into(),
        id: report_id(c),
        blocks: b,
    }
}

/// The report rendered and signed with the seal.
pub fn signed_report(c: &Checked, lang: Lang, seal: &Seal<'_>) -> Result<Vec<u8>, ReportError> {
    let pdf = render_sheet(&sheet(c, lang), c.at)?;
    let opts = SignOptions {
        field: Some(SEAL_FIELD.into()),
        reason: Some(Text::ReportTitle.get(lang).into()),
        document_id: Some(report_id(c)),
        certify: true,
        ..SignOptions::new(seal.signer, seal.cert, seal.chain, c.at, String::new())
    };
    let (signed, _) = sign_bytes(&pdf, &opts)?;
    Ok(signed)
}
