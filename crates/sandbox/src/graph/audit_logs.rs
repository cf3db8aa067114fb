//! `/auditLogs/provisioning`
//! (<https://learn.microsoft.com/graph/api/provisioningobjectsummary-list>): newest first,
//! `$filter` (case-sensitive),
//! `$top`, `$skiptoken`; limited per tenant (default 5 per 10 s) with 429 + Retry-After.

use std::collections::HashMap;

use axum::extract::{OriginalUri, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::{require, throttled};
use crate::state::SharedApp;

pub(super) fn routes() -> Router<SharedApp> {
    Router::new().route("/v1.0/auditLogs/provisioning", get(provisioning_logs))
}

async fn provisioning_logs(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = require(&app, &headers, &["AuditLog.Read.All"], true) {
        return r;
    }
    let limit = app.config.rate_limit;
    if let Err(wait) = app.graph().take_rate(true, limit, app.clock.now()) {
        return throttled(wait, "Reports/IdentityAndAccess");
    }
    let mut items = app.graph().audit.clone();
    items.reverse();
    if q.get("$orderby")
        .is_some_and(|o| o.trim().eq_ignore_ascii_case("activityDateTime asc"))
    {
        items.reverse();
    }
    super::service_principals::page(
        &app,
        uri.path(),
        &q,
        &headers,
        items,
        "auditLogs/provisioning",
        true,
    )
}
