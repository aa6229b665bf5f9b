//! The regulations' quality survey: the citizen's answers (once per
//! application) and the report per service and period.

use super::applications::{OnBehalf, bad};
use super::auth::Ctx;
use super::json::ApiJson;
use super::problem::ApiError;
use axum::Json;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

/// The regulations' questionnaire.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyBody {
    /// The process and result: `not`, `partly`, `fully` satisfied.
    pub process: String,
    /// The information about the procedure: `not`, `partly`, `fully`.
    pub information: String,
}

/// Answers the survey (once per application).
#[utoipa::path(post, path = "/v1/applications/{number}/survey", request_body = SurveyBody, params(("number" = String, Path, description = "Registration number"), ("iin" = Option<String>, Query, description = "The citizen (portal)")),
    responses((status = 201, description = "Recorded", body = Object), (status = 409, description = "Already answered")), security(("bearer" = [])))]
pub async fn survey(
    Ctx { state, caller }: Ctx,
    Path(number): Path<String>,
    Query(q): Query<OnBehalf>,
    ApiJson(body): ApiJson<SurveyBody>,
) -> Result<Response, ApiError> {
    let deps = super::flow_deps(&state);
    crate::workflow::cases::survey(
        &deps,
        &caller.0,
        &number,
        q.iin.as_deref(),
        &body.process,
        &body.information,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "number": number, "process": body.process, "information": body.information })),
    )
        .into_response())
}

/// A reporting period.
#[derive(Debug, Deserialize)]
pub struct Period {
    /// From (RFC 3339), default the Unix epoch.
    pub from: Option<String>,
    /// To (RFC 3339), default now.
    pub to: Option<String>,
    /// A provider's BIN (administrators; others see their own provider's).
    pub provider: Option<String>,
}

/// Survey answers per service and period.
#[utoipa::path(get, path = "/v1/reports/survey", params(("from" = Option<String>, Query, description = "RFC 3339"), ("to" = Option<String>, Query, description = "RFC 3339"), ("provider" = Option<String>, Query, description = "A provider's BIN (administrators)")),
    responses((status = 200, description = "Counts per service and answer", body = Object)), security(("bearer" = [])))]
pub async fn survey_report(
    Ctx { state, caller }: Ctx,
    Query(p): Query<Period>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let only = super::applications::scope(&state, &caller, p.provider.as_deref())?;
    let parse = |v: Option<&str>, d: i64| {
        v.map(crate::time::parse_rfc3339)
            .transpose()
            .map(|x| x.unwrap_or(d))
            .map_err(bad)
    };
    let from = parse(p.from.as_deref(), 0)?;
    let to = parse(p.to.as_deref(), crate::time::now() + 1)?;
    let mut services = serde_json::Map::new();
    for (service, process, information, n) in
        state.store.survey_report(from, to, only.as_deref()).await?
    {
        let entry = services
            .entry(service)
            .or_insert_with(|| json!({ "responses": 0, "process": {}, "information": {} }));
        entry["responses"] = json!(entry["responses"].as_i64().unwrap_or(0) + n);
        let p = entry["process"][&process].as_i64().unwrap_or(0) + n;
        entry["process"][&process] = json!(p);
        let i = entry["information"][&information].as_i64().unwrap_or(0) + n;
        entry["information"][&information] = json!(i);
    }
    Ok(Json(
        json!({ "from": crate::time::rfc3339(from), "to": crate::time::rfc3339(to), "provider": only, "services": services }),
    ))
}
