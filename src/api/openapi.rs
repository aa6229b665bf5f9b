//! The OpenAPI 3.1 document: the handlers' annotations, one operation per
//! entry of the route table (`routes::ROUTES`), and the request schemas.

use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(title = "qoltanba", description = "Digital-signature and document-integrity service: condition 2 verdicts, certificates, audit."),
    components(schemas(super::applications::SubmitBody, super::applications::DecisionBody, super::survey::SurveyBody, super::document_sign::SignResultBody, super::document_twophase::DocPrepareBody, super::document_twophase::DocFinishBody, super::egov_qr_citizen::SubmissionQrBody, super::sign::SignBody, super::sign::PrepareBody, super::sign::FinishBody, super::verify::VerifyBody, super::certificates::InfoBody, super::certificates::CertVerifyBody, super::vectors::VectorsBody, super::xml::XmlVerifyBody, super::xml::XmlSignBody, super::reports::ReportBody)),
    modifiers(&Bearer)
)]
struct ApiDoc;

struct Bearer;
impl utoipa::Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as JSON.
pub fn document() -> String {
    let mut doc = ApiDoc::openapi();
    for spec in super::routes::ROUTES {
        (spec.doc)(&mut doc.paths);
    }
    doc.to_json().unwrap_or_else(|_| "{}".into())
}

/// The parsed document (tests).
pub fn value() -> serde_json::Value {
    serde_json::from_str(&document()).unwrap_or_default()
}
