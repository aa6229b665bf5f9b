//! The ETSI TS 119 102-2 (V1.4.1) XML validation report of a check: one
//! `SignatureValidationReport` per signature with every check as a
//! validation constraint, the validation time and best signature time,
//! the signer's document digest, the signature's attributes, the signer
//! (its certificate as a validation object, by digest) and the status with
//! ETSI main and sub-indications; the qoltanba code rides along as
//! additional report data. Written as text (every value escaped), checked
//! against the schema in `testdata/etsi` by the tests.

use super::super::check::{Checked, SignatureResult};
use crate::verdict::{Indication, Outcome};
use base64::Engine;
use std::fmt::Write;

/// The report's namespace.
pub const NS: &str = "http://uri.etsi.org/19102/v1.4.1#";

fn x(s: &str) -> String {
    super::super::html::escape(s)
}

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// The overall main indication URI.
fn main_indication(i: Indication) -> &'static str {
    match i {
        Indication::Passed => "urn:etsi:019102:mainindication:total-passed",
        Indication::Failed => "urn:etsi:019102:mainindication:total-failed",
        Indication::Indeterminate => "urn:etsi:019102:mainindication:indeterminate",
    }
}

/// A constraint's main indication URI.
fn outcome_indication(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "urn:etsi:019102:mainindication:passed",
        Outcome::Failed => "urn:etsi:019102:mainindication:failed",
        Outcome::Indeterminate | Outcome::Skipped => "urn:etsi:019102:mainindication:indeterminate",
    }
}

fn sha256_method() -> &'static str {
    "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>"
}

/// The XML report; `validator_cert` (the seal's certificate) names who validated.
pub fn report(c: &Checked, validator_cert: Option<&[u8]>) -> String {
    let mut s = String::with_capacity(8192);
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<vr:ValidationReport xmlns:vr=\"{NS}\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" \
         xmlns:XAdES=\"http://uri.etsi.org/01903/v1.3.2#\" xmlns:tsl=\"http://uri.etsi.org/02231/v2#\">"
    );
    let mut objects = String::new();
    if c.signatures.is_empty() {
        // The schema wants one report: the file's own status.
        s.push_str("<vr:SignatureValidationReport>\n");
        signers_document(&mut s, c);
        status(
            &mut s,
            c.indication,
            c.details["sub_indication"].as_str(),
            &c.code,
        );
        s.push_str("</vr:SignatureValidationReport>\n");
    }
    for (i, sig) in c.signatures.iter().enumerate() {
        signature(&mut s, &mut objects, c, i + 1, sig);
    }
    if !objects.is_empty() {
        s.push_str("<vr:SignatureValidationObjects>\n");
        s.push_str(&objects);
        s.push_str("</vr:SignatureValidationObjects>\n");
    }
    if let Some(subject) = validator_cert
        .and_then(|d| crate::pki::cert::Certificate::from_der(d).ok())
        .map(|c| c.subject.dn)
    {
        let _ = writeln!(
            s,
            "<vr:SignatureValidator><vr:DigitalId><tsl:X509SubjectName>{}</tsl:X509SubjectName></vr:DigitalId></vr:SignatureValidator>",
            x(&subject)
        );
    }
    s.push_str("</vr:ValidationReport>\n");
    s
}

fn signers_document(s: &mut String, c: &Checked) {
    let _ = writeln!(
        s,
        "<vr:SignersDocument><vr:DigestAlgAndValue>{}<ds:DigestValue>{}</ds:DigestValue></vr:DigestAlgAndValue></vr:SignersDocument>",
        sha256_method(),
        b64(&unhex(&c.sha256))
    );
}

fn status(s: &mut String, ind: Indication, sub: Option<&str>, code: &str) {
    let _ = write!(
        s,
        "<vr:SignatureValidationStatus>\n<vr:MainIndication>{}</vr:MainIndication>\n",
        main_indication(ind)
    );
    if let Some(sub) = sub.filter(|_| ind != Indication::Passed) {
        let _ = writeln!(
            s,
            "<vr:SubIndication>urn:etsi:019102:subindication:{}</vr:SubIndication>",
            x(sub)
        );
    }
    let _ = write!(
        s,
        "<vr:AssociatedValidationReportData><vr:AdditionalValidationReportData><vr:ReportData>\
         <vr:Type>urn:qoltanba:code</vr:Type><vr:Value>{}</vr:Value></vr:ReportData>\
         </vr:AdditionalValidationReportData></vr:AssociatedValidationReportData>\n</vr:SignatureValidationStatus>\n",
        x(code)
    );
}

fn signature(s: &mut String, objects: &mut String, c: &Checked, n: usize, sig: &SignatureResult) {
    let v = &sig.verdict;
    let _ = write!(
        s,
        "<vr:SignatureValidationReport>\n<vr:SignatureIdentifier id=\"sig-{n}\"><vr:HashOnly>false</vr:HashOnly>\
         <vr:DocHashOnly>false</vr:DocHashOnly><vr:DAIdentifier>{}</vr:DAIdentifier></vr:SignatureIdentifier>\n",
        x(&sig.label)
    );
    // Every check the verdict ran, then the PDF-level ones.
    s.push_str("<vr:ValidationConstraintsEvaluationReport>\n");
    let _ = writeln!(
        s,
        "<vr:SignatureValidationPolicy><vr:SignaturePolicyIdentifier><XAdES:SignaturePolicyImplied/></vr:SignaturePolicyIdentifier>\
         <vr:PolicyName>{}</vr:PolicyName></vr:SignatureValidationPolicy>",
        x(v.policy["name"].as_str().unwrap_or("condition-2"))
    );
    for check in v.checks.iter() {
        let applied = if check.outcome == Outcome::Skipped {
            "urn:etsi:019102:constraintStatus:disabled"
        } else {
            "urn:etsi:019102:constraintStatus:applied"
        };
        let _ = write!(
            s,
            "<vr:ValidationConstraint><vr:ValidationConstraintIdentifier>urn:qoltanba:check:{}</vr:ValidationConstraintIdentifier>\
             <vr:ConstraintStatus><vr:Status>{applied}</vr:Status></vr:ConstraintStatus>",
            x(check.name)
        );
        if check.outcome != Outcome::Skipped {
            let _ = write!(
                s,
                "<vr:ValidationStatus><vr:MainIndication>{}</vr:MainIndication></vr:ValidationStatus>",
                outcome_indication(check.outcome)
            );
        }
        s.push_str("</vr:ValidationConstraint>\n");
    }
    if let Some(br) = &sig.byte_range {
        let pdf_ok = !matches!(
            sig.code.as_str(),
            "BYTE_RANGE_INVALID" | "PDF_MODIFIED" | "DOCMDP_VIOLATION"
        );
        let _ = writeln!(
            s,
            "<vr:ValidationConstraint><vr:ValidationConstraintIdentifier>urn:qoltanba:check:pdf-coverage-and-changes</vr:ValidationConstraintIdentifier>\
             <vr:ValidationConstraintParameter><vr:Type>urn:qoltanba:byte-range</vr:Type><vr:Value>{}</vr:Value></vr:ValidationConstraintParameter>\
             <vr:ConstraintStatus><vr:Status>urn:etsi:019102:constraintStatus:applied</vr:Status></vr:ConstraintStatus>\
             <vr:ValidationStatus><vr:MainIndication>{}</vr:MainIndication></vr:ValidationStatus></vr:ValidationConstraint>",
            br.iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            if pdf_ok {
                outcome_indication(Outcome::Passed)
            } else {
                outcome_indication(Outcome::Failed)
            }
        );
    }
    s.push_str("</vr:ValidationConstraintsEvaluationReport>\n");
    // When: the validation time, and the best proof of when it was signed.
    let ts_time = sig
        .timestamp
        .as_ref()
        .filter(|t| t["outcome"] == "passed")
        .and_then(|t| t["detail"]["time"].as_str())
        .map(String::from);
    let poe = v.policy["poe"]["time"].as_str().map(String::from);
    let (best, proof) = match poe.or_else(|| ts_time.clone()) {
        Some(t) => (t, "urn:etsi:019102:poetype:validation"),
        None => (
            crate::time::rfc3339(c.at),
            "urn:etsi:019102:poetype:validation",
        ),
    };
    let _ = writeln!(
        s,
        "<vr:ValidationTimeInfo><vr:ValidationTime>{}</vr:ValidationTime><vr:BestSignatureTime>\
         <vr:POETime>{}</vr:POETime><vr:TypeOfProof>{proof}</vr:TypeOfProof></vr:BestSignatureTime></vr:ValidationTimeInfo>",
        crate::time::rfc3339(c.at),
        x(&best)
    );
    signers_document(s, c);
    // What the signature says about itself.
    let mut attrs = String::new();
    if let Some(t) = &sig.signing_time
        && crate::time::parse_rfc3339(t).is_ok()
    {
        // A PDF's /M is outside the signed attributes; a CMS signing-time is inside.
        let signed = sig.byte_range.is_none();
        let _ = write!(
            attrs,
            "<vr:SigningTime Signed=\"{signed}\"><vr:Time>{}</vr:Time></vr:SigningTime>",
            x(t)
        );
    }
    // Attributes of one text value: (value, element, its value's element).
    for (value, outer, inner) in [
        (&ts_time, "SignatureTimeStamp", "TimeStampValue"),
        (&sig.reason, "Reason", "ReasonElement"),
        (&sig.sub_filter, "SubFilter", "SubFilterElement"),
    ] {
        if let Some(v) = value {
            let _ = write!(
                attrs,
                "<vr:{outer}><vr:{inner}>{}</vr:{inner}></vr:{outer}>",
                x(v)
            );
        }
    }
    if let Some(br) = &sig.byte_range {
        let _ = write!(
            attrs,
            "<vr:ByteRange>{}</vr:ByteRange>",
            br.iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    if !attrs.is_empty() {
        let _ = writeln!(
            s,
            "<vr:SignatureAttributes>{attrs}</vr:SignatureAttributes>"
        );
    }
    // Who signed: the certificate, by its digest, as a validation object.
    if let Some(signer) = &v.signer {
        let fp = signer["fingerprints"]["sha256"].as_str().unwrap_or("");
        let id = format!("cert-{n}");
        let _ = writeln!(
            objects,
            "<vr:ValidationObject id=\"{id}\"><vr:ObjectType>urn:etsi:019102:validationObject:certificate</vr:ObjectType>\
             <vr:ValidationObjectRepresentation><vr:DigestAlgAndValue>{}<ds:DigestValue>{}</ds:DigestValue></vr:DigestAlgAndValue>\
             </vr:ValidationObjectRepresentation></vr:ValidationObject>",
            sha256_method(),
            b64(&unhex(fp))
        );
        let _ = writeln!(
            s,
            "<vr:SignerInformation><vr:SignerCertificate VOReference=\"{id}\"/><vr:Signer>{}</vr:Signer></vr:SignerInformation>",
            x(signer["subject"]["dn"].as_str().unwrap_or(""))
        );
    }
    let process = if v.policy["name"] == "condition-2/long-term" {
        "urn:etsi:019102:validationprocess:LTVM"
    } else {
        "urn:etsi:019102:validationprocess:Basic"
    };
    let _ = writeln!(
        s,
        "<vr:SignatureValidationProcess><vr:SignatureValidationProcessID>{process}</vr:SignatureValidationProcessID></vr:SignatureValidationProcess>"
    );
    let sub = serde_json::to_value(v.sub_indication).unwrap_or_default();
    let sub = match sig.code.as_str() {
        "PDF_MODIFIED" | "DOCMDP_VIOLATION" => Some("HASH_FAILURE"),
        "BYTE_RANGE_INVALID" => Some("FORMAT_FAILURE"),
        _ => sub.as_str(),
    };
    status(s, sig.indication, sub, &sig.code);
    s.push_str("</vr:SignatureValidationReport>\n");
}
