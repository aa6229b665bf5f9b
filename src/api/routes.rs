//! Who may call what: the one table of routes and roles. The router, the
//! auth middleware, the OpenAPI test and the role-matrix test all read it.

use crate::store::keys::Role;

/// A route and the roles allowed on it (`None`: no key needed).
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    /// HTTP method.
    pub method: &'static str,
    /// Path as the router spells it.
    pub path: &'static str,
    /// Roles allowed; `None` for public routes.
    pub roles: Option<&'static [Role]>,
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
    },
    RouteSpec {
        method: "POST",
        path: "/v1/certificates/info",
        roles: Some(ALL),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/certificates/verify",
        roles: Some(ALL),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/sign",
        roles: Some(SIGNERS),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/sign/prepare",
        roles: Some(SIGNERS),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/sign/finish",
        roles: Some(SIGNERS),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/xml/verify",
        roles: Some(ALL),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/xml/sign",
        roles: Some(SIGNERS),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/vectors/run",
        roles: Some(REVIEWERS),
    },
    RouteSpec {
        method: "GET",
        path: "/v1/audit/verify",
        roles: Some(AUDITORS),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications",
        roles: Some(SUBMITTERS),
    },
    RouteSpec {
        method: "GET",
        path: "/v1/applications/overdue",
        roles: Some(MANAGERS),
    },
    RouteSpec {
        method: "GET",
        path: "/v1/applications/{number}",
        roles: Some(READERS),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications/{number}/decision",
        roles: Some(PROVIDER),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications/{number}/survey",
        roles: Some(CITIZEN),
    },
    RouteSpec {
        method: "GET",
        path: "/v1/reports/survey",
        roles: Some(MANAGERS),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications/{number}/sign",
        roles: Some(DOCUMENT_SIGNERS),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications/{number}/sign/prepare",
        roles: Some(DOCUMENT_SIGNERS),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications/{number}/sign/finish",
        roles: Some(DOCUMENT_SIGNERS),
    },
    RouteSpec {
        method: "GET",
        path: "/v1/applications/{number}/draft.pdf",
        roles: Some(DOCUMENT_SIGNERS),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications/{number}/deliver",
        roles: Some(DELIVERERS),
    },
    RouteSpec {
        method: "GET",
        path: "/v1/applications/{number}/result.pdf",
        roles: Some(READERS),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/attachments",
        roles: Some(SUBMITTERS),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/applications/{number}/sign/egov-qr",
        roles: Some(DOCUMENT_SIGNERS),
    },
    RouteSpec {
        method: "GET",
        path: "/v1/applications/{number}/sign/egov-qr/{session}",
        roles: Some(DOCUMENT_SIGNERS),
    },
    RouteSpec {
        method: "POST",
        path: "/v1/submissions/egov-qr",
        roles: Some(CITIZEN),
    },
    RouteSpec {
        method: "GET",
        path: "/v1/submissions/egov-qr/{session}",
        roles: Some(CITIZEN),
    },
    RouteSpec {
        method: "GET",
        path: "/v1/egov-qr/{token}",
        roles: None,
    },
    RouteSpec {
        method: "GET",
        path: "/v1/egov-qr/{token}/documents",
        roles: None,
    },
    RouteSpec {
        method: "PUT",
        path: "/v1/egov-qr/{token}/documents",
        roles: None,
    },
    RouteSpec {
        method: "GET",
        path: "/v1/officer/queue",
        roles: Some(DOCUMENT_SIGNERS),
    },
    RouteSpec {
        method: "GET",
        path: "/officer",
        roles: None,
    },
    RouteSpec {
        method: "GET",
        path: "/officer/officer.js",
        roles: None,
    },
    RouteSpec {
        method: "GET",
        path: "/healthz",
        roles: None,
    },
    RouteSpec {
        method: "GET",
        path: "/readyz",
        roles: None,
    },
    RouteSpec {
        method: "GET",
        path: "/metrics",
        roles: None,
    },
    RouteSpec {
        method: "GET",
        path: "/openapi.json",
        roles: None,
    },
    RouteSpec {
        method: "POST",
        path: "/v1/reports",
        roles: Some(ALL),
    },
    RouteSpec {
        method: "GET",
        path: "/",
        roles: None,
    },
    RouteSpec {
        method: "GET",
        path: "/docs",
        roles: None,
    },
    RouteSpec {
        method: "GET",
        path: "/assets/{file}",
        roles: None,
    },
    RouteSpec {
        method: "GET",
        path: "/verify",
        roles: None,
    },
    RouteSpec {
        method: "POST",
        path: "/verify/document",
        roles: None,
    },
    RouteSpec {
        method: "GET",
        path: "/check",
        roles: None,
    },
    RouteSpec {
        method: "POST",
        path: "/check",
        roles: None,
    },
];

/// The table's entry for a matched route.
pub fn route(method: &str, path: &str) -> Option<&'static RouteSpec> {
    // HEAD is answered wherever GET is.
    let method = if method == "HEAD" { "GET" } else { method };
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}
