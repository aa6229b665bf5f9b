//! The one table of routes: path, method, the roles allowed, the handler
//! and its OpenAPI entry. The router (`api::router`), the role guard
//! (`auth::guard`), the OpenAPI document (`openapi::document`) and the
//! role-matrix test are all built from it, so they cannot disagree.

use super::AppState;
use super::{
    applications, certificates, document_sign, document_twophase, egov_qr, egov_qr_citizen,
    officer, ops, providers, reports, results, sign, survey, vectors, verify, web, xml,
};
use crate::store::keys::Role;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, get, post, put};
use std::sync::Arc;
use utoipa::openapi::path::Paths;

/// A route: where, who, what answers it, how it is documented.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    /// HTTP method.
    pub method: &'static str,
    /// Path as the router spells it.
    pub path: &'static str,
    /// Roles allowed; `None` for public routes.
    pub roles: Option<&'static [Role]>,
    /// The handler, with its own layers (body limits).
    pub handler: fn() -> MethodRouter<Arc<AppState>>,
    /// Adds the handler's OpenAPI operation (from its `#[utoipa::path]`).
    pub doc: fn(&mut Paths),
}

/// The OpenAPI operation of a handler's generated path type.
fn doc<P: utoipa::Path>(paths: &mut Paths) {
    paths.add_path_operation(P::path(), P::methods(), P::operation());
}

const ALL: &[Role] = &Role::ALL;
const SIGNERS: &[Role] = &[Role::Provider, Role::Operator, Role::Head];
const AUDITORS: &[Role] = &[Role::Admin, Role::Reviewer];
const SUBMITTERS: &[Role] = &[Role::Portal, Role::Provider, Role::Operator];
const READERS: &[Role] = &[
    Role::Portal,
    Role::Provider,
    Role::Operator,
    Role::Head,
    Role::Admin,
];
const PROVIDER: &[Role] = &[Role::Provider];
const CITIZEN: &[Role] = &[Role::Portal];
const DOCUMENT_SIGNERS: &[Role] = &[Role::Provider, Role::Head];
const DELIVERERS: &[Role] = &[Role::Provider, Role::Operator, Role::Head];
const MANAGERS: &[Role] = &[Role::Provider, Role::Head, Role::Admin];
const REVIEWERS: &[Role] = &[Role::Reviewer];

/// Every route of the API.
pub const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        method: "POST",
        path: "/v1/verify",
        roles: Some(ALL),
        handler: || post(verify::verify),
        doc: doc::<verify::__path_verify>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/certificates/info",
        roles: Some(ALL),
        handler: || post(certificates::info),
        doc: doc::<certificates::__path_info>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/certificates/verify",
        roles: Some(ALL),
        handler: || post(certificates::verify),
        doc: doc::<certificates::__path_verify>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/sign",
        roles: Some(SIGNERS),
        handler: || post(sign::sign),
        doc: doc::<sign::__path_sign>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/sign/prepare",
        roles: Some(SIGNERS),
        handler: || post(sign::prepare),
        doc: doc::<sign::__path_prepare>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/sign/finish",
        roles: Some(SIGNERS),
        handler: || post(sign::finish),
        doc: doc::<sign::__path_finish>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/xml/verify",
        roles: Some(ALL),
        handler: || post(xml::verify),
        doc: doc::<xml::__path_verify>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/xml/sign",
        roles: Some(SIGNERS),
        handler: || post(xml::sign),
        doc: doc::<xml::__path_sign>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/vectors/run",
        roles: Some(REVIEWERS),
        handler: || post(vectors::run),
        doc: doc::<vectors::__path_run>,
    },
    RouteSpec {
        method: "GET",
        path: "/v1/audit/verify",
        roles: Some(AUDITORS),
        handler: || get(ops::audit_verify),
        doc: doc::<ops::__path_audit_verify>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications",
        roles: Some(SUBMITTERS),
        handler: || post(applications::submit),
        doc: doc::<applications::__path_submit>,
    },
    RouteSpec {
        method: "GET",
        path: "/v1/applications/overdue",
        roles: Some(MANAGERS),
        handler: || get(applications::overdue),
        doc: doc::<applications::__path_overdue>,
    },
    RouteSpec {
        method: "GET",
        path: "/v1/applications/{number}",
        roles: Some(READERS),
        handler: || get(applications::status),
        doc: doc::<applications::__path_status>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications/{number}/decision",
        roles: Some(PROVIDER),
        handler: || post(applications::decision),
        doc: doc::<applications::__path_decision>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications/{number}/survey",
        roles: Some(CITIZEN),
        handler: || post(survey::survey),
        doc: doc::<survey::__path_survey>,
    },
    RouteSpec {
        method: "GET",
        path: "/v1/reports/survey",
        roles: Some(MANAGERS),
        handler: || get(survey::survey_report),
        doc: doc::<survey::__path_survey_report>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications/{number}/sign",
        roles: Some(DOCUMENT_SIGNERS),
        handler: || post(document_sign::sign_result),
        doc: doc::<document_sign::__path_sign_result>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications/{number}/sign/prepare",
        roles: Some(DOCUMENT_SIGNERS),
        handler: || post(document_twophase::prepare),
        doc: doc::<document_twophase::__path_prepare>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications/{number}/sign/finish",
        roles: Some(DOCUMENT_SIGNERS),
        handler: || post(document_twophase::finish),
        doc: doc::<document_twophase::__path_finish>,
    },
    RouteSpec {
        method: "GET",
        path: "/v1/applications/{number}/draft.pdf",
        roles: Some(DOCUMENT_SIGNERS),
        handler: || get(results::draft_pdf),
        doc: doc::<results::__path_draft_pdf>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications/{number}/deliver",
        roles: Some(DELIVERERS),
        handler: || post(results::deliver),
        doc: doc::<results::__path_deliver>,
    },
    RouteSpec {
        method: "GET",
        path: "/v1/applications/{number}/result.pdf",
        roles: Some(READERS),
        handler: || get(results::result_pdf),
        doc: doc::<results::__path_result_pdf>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/attachments",
        roles: Some(SUBMITTERS),
        handler: || post(results::upload).layer(DefaultBodyLimit::max(results::MAX_ATTACHMENT + 1)),
        doc: doc::<results::__path_upload>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications/{number}/sign/egov-qr",
        roles: Some(DOCUMENT_SIGNERS),
        handler: || post(egov_qr::open),
        doc: doc::<egov_qr::__path_open>,
    },
    RouteSpec {
        method: "GET",
        path: "/v1/applications/{number}/sign/egov-qr/{session}",
        roles: Some(DOCUMENT_SIGNERS),
        handler: || get(egov_qr::poll),
        doc: doc::<egov_qr::__path_poll>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/submissions/egov-qr",
        roles: Some(CITIZEN),
        handler: || post(egov_qr_citizen::open),
        doc: doc::<egov_qr_citizen::__path_open>,
    },
    RouteSpec {
        method: "GET",
        path: "/v1/submissions/egov-qr/{session}",
        roles: Some(CITIZEN),
        handler: || get(egov_qr_citizen::poll),
        doc: doc::<egov_qr_citizen::__path_poll>,
    },
    RouteSpec {
        method: "GET",
        path: "/v1/egov-qr/{token}",
        roles: None,
        handler: || get(egov_qr::api1),
        doc: doc::<egov_qr::__path_api1>,
    },
    RouteSpec {
        method: "GET",
        path: "/v1/egov-qr/{token}/documents",
        roles: None,
        handler: || get(egov_qr::documents_get),
        doc: doc::<egov_qr::__path_documents_get>,
    },
    RouteSpec {
        method: "PUT",
        path: "/v1/egov-qr/{token}/documents",
        roles: None,
        handler: || put(egov_qr::documents_put),
        doc: doc::<egov_qr::__path_documents_put>,
    },
    RouteSpec {
        method: "GET",
        path: "/v1/officer/queue",
        roles: Some(DOCUMENT_SIGNERS),
        handler: || get(officer::queue),
        doc: doc::<officer::__path_queue>,
    },
    RouteSpec {
        method: "GET",
        path: "/officer",
        roles: None,
        handler: || get(crate::web::officer::page),
        doc: doc::<crate::web::officer::__path_page>,
    },
    RouteSpec {
        method: "GET",
        path: "/officer/officer.js",
        roles: None,
        handler: || get(crate::web::officer::script),
        doc: doc::<crate::web::officer::__path_script>,
    },
    RouteSpec {
        method: "GET",
        path: "/v1/providers",
        roles: None,
        handler: || get(providers::list),
        doc: doc::<providers::__path_list>,
    },
    RouteSpec {
        method: "GET",
        path: "/healthz",
        roles: None,
        handler: || get(ops::healthz),
        doc: doc::<ops::__path_healthz>,
    },
    RouteSpec {
        method: "GET",
        path: "/readyz",
        roles: None,
        handler: || get(ops::readyz),
        doc: doc::<ops::__path_readyz>,
    },
    RouteSpec {
        method: "GET",
        path: "/metrics",
        roles: None,
        handler: || get(ops::metrics),
        doc: doc::<ops::__path_metrics>,
    },
    RouteSpec {
        method: "GET",
        path: "/openapi.json",
        roles: None,
        handler: || get(ops::openapi),
        doc: doc::<ops::__path_openapi>,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/reports",
        roles: Some(ALL),
        handler: || post(reports::report),
        doc: doc::<reports::__path_report>,
    },
    RouteSpec {
        method: "GET",
        path: "/",
        roles: None,
        handler: || get(web::front),
        doc: doc::<web::__path_front>,
    },
    RouteSpec {
        method: "GET",
        path: "/docs",
        roles: None,
        handler: || get(web::docs),
        doc: doc::<web::__path_docs>,
    },
    RouteSpec {
        method: "GET",
        path: "/assets/{file}",
        roles: None,
        handler: || get(web::asset),
        doc: doc::<web::__path_asset>,
    },
    RouteSpec {
        method: "GET",
        path: "/verify",
        roles: None,
        handler: || get(web::verify_page),
        doc: doc::<web::__path_verify_page>,
    },
    RouteSpec {
        method: "POST",
        path: "/verify/document",
        roles: None,
        handler: || post(web::verify_document),
        doc: doc::<web::__path_verify_document>,
    },
    RouteSpec {
        method: "GET",
        path: "/check",
        roles: None,
        handler: || get(web::check_form),
        doc: doc::<web::__path_check_form>,
    },
    RouteSpec {
        method: "POST",
        path: "/check",
        roles: None,
        handler: || {
            post(web::check_upload).layer(DefaultBodyLimit::max(crate::web::MAX_UPLOAD * 2))
        },
        doc: doc::<web::__path_check_upload>,
    },
];

/// The table's entry for a matched route.
pub fn route(method: &str, path: &str) -> Option<&'static RouteSpec> {
    // HEAD is answered wherever GET is.
    let method = if method == "HEAD" { "GET" } else { method };
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each row's OpenAPI entry is its own handler's: the path and method
    /// the annotation declares are the row's, and no two rows share one.
    #[test]
    fn each_row_documents_its_own_route() {
        let mut seen = std::collections::BTreeSet::new();
        for r in ROUTES {
            assert!(
                seen.insert((r.method, r.path)),
                "{} {} twice",
                r.method,
                r.path
            );
            let mut paths = Paths::new();
            (r.doc)(&mut paths);
            let (path, item) = paths.paths.iter().next().expect("one path");
            assert_eq!(
                path, r.path,
                "the row {} {} documents {path}",
                r.method, r.path
            );
            let op = match r.method {
                "GET" => &item.get,
                "POST" => &item.post,
                "PUT" => &item.put,
                other => panic!("method {other}"),
            };
            assert!(
                op.is_some(),
                "{} {}: the annotation is for another method",
                r.method,
                r.path
            );
            let methods = [&item.get, &item.post, &item.put, &item.delete, &item.patch];
            assert_eq!(methods.iter().filter(|m| m.is_some()).count(), 1);
        }
    }

    /// The document has exactly the table's operations.
    #[test]
    fn the_document_is_the_table() {
        let doc: serde_json::Value =
            serde_json::from_str(&crate::api::openapi::document()).unwrap();
        let mut documented = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.push(format!("{} {path}", method.to_uppercase()));
            }
        }
        let mut table: Vec<String> = ROUTES
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        documented.sort();
        table.sort();
        assert_eq!(documented, table);
    }
}
