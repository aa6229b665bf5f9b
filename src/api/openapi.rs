//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(title = "qoltanba", description = "Digital-signature and document-integrity service: condition 2 verdicts, certificates, audit."),
    paths(
        super::verify::verify,
        super::certificates::info,
        super::certificates::verify,
        super::sign::sign,
        super::sign::prepare,
        super::sign::finish,
        super::vectors::run,
        super::xml::verify,
        super::xml::sign,
        super::ops::audit_verify,
        super::applications::submit,
        super::results::upload,
        super::applications::overdue,
        super::applications::status,
        super::applications::decision,
        super::survey::survey,
        super::survey::survey_report,
        super::document_sign::sign_result,
        super::document_twophase::prepare,
        super::document_twophase::finish,
        super::results::draft_pdf,
        super::results::deliver,
        super::results::result_pdf,
        super::officer::queue,
        super::egov_qr::open,
        super::egov_qr::poll,
        super::egov_qr::api1,
        super::egov_qr::documents_get,
        super::egov_qr::documents_put,
        super::egov_qr_citizen::open,
        super::egov_qr_citizen::poll,
        crate::web::officer::page,
        crate::web::officer::script,
        super::ops::healthz,
        super::ops::readyz,
        super::ops::metrics,
        super::ops::openapi,
        super::reports::report,
        super::web::front,
        super::web::docs,
        super::web::asset,
        super::web::verify_page,
        super::web::verify_document,
        super::web::check_form,
        super::web::check_upload,
    ),
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
    ApiDoc::openapi().to_json().unwrap_or_else(|_| "{}".into())
}

/// The parsed document (tests).
pub fn value() -> serde_json::Value {
    serde_json::from_str(&document()).unwrap_or_default()
}
