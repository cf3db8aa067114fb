//! `provisionOnDemand`
//! (<https://learn.microsoft.com/graph/api/synchronization-synchronizationjob-provisionondemand>):
//! runs one user (or one group with up to 5 members) through the provisioning service now and
//! answers 200 with the stringified verdict, even when provisioning failed. Limited per tenant
//! (default 5 per 10 s) with 429 + Retry-After. The `aadOptscim062020` flag is not
//! honoured on demand
//! (<https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility>):
//! legacy PATCH.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use super::sync_jobs::RULE_ID;
use super::{bad_request, not_found, require, throttled};
use crate::http::json_response;
use crate::provisioning::{self, engine, report, Target};
use crate::seed::DirUser;
use crate::state::SharedApp;

pub(super) fn routes() -> Router<SharedApp> {
    Router::new().route(
        "/v1.0/servicePrincipals/{id}/synchronization/jobs/{job}/provisionOnDemand",
        post(provision_on_demand),
    )
}

/// Assigned directly, or a direct member of an assigned group.
pub(crate) fn in_scope(app: &SharedApp, sp_id: &str, user: &DirUser) -> bool {
    let graph = app.graph();
    graph
        .assignments
        .iter()
        .filter(|a| a.resource_id.eq_ignore_ascii_case(sp_id))
        .any(|a| {
            a.principal_id.eq_ignore_ascii_case(&user.id)
                || app
                    .dir
                    .group_index(&a.principal_id)
                    .is_some_and(|g| app.dir.is_member(g, user.index))
        })
}

async fn provision_on_demand(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((id, job)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let caller = match require(&app, &headers, &["Synchronization.ReadWrite.All"], true) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let limit = app.config.rate_limit;
    if let Err(wait) = app.graph().take_rate(false, limit, app.clock.now()) {
        return throttled(wait, "Synchronization/ProvisionOnDemand");
    }
    app.graph().provision_on_demand_calls += 1;
    let (sp, secrets) = {
        let graph = app.graph();
        let Some(sp) = graph.sp(&id).cloned() else {
            return not_found("servicePrincipal", &id);
        };
        if !graph
            .jobs
            .iter()
            .any(|j| j.id == job && j.sp_id.eq_ignore_ascii_case(&id))
        {
            return not_found("synchronizationJob", &job);
        }
        (
            sp,
            graph
                .secrets
                .get(&id.to_ascii_lowercase())
                .cloned()
                .unwrap_or_default(),
        )
    };
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(parameter) = body
        .get("parameters")
        .and_then(Value::as_array)
        .and_then(|p| p.first())
    else {
        return bad_request(
            "BadRequest",
            "parameters must hold one synchronizationJobApplicationParameters.",
        );
    };
    if parameter.get("ruleId").and_then(Value::as_str) != Some(RULE_ID) {
        return bad_request(
            "BadRequest",
            "The ruleId does not match a synchronization rule of this job's schema.",
        );
    }
    let Some(subject) = parameter
        .get("subjects")
        .and_then(Value::as_array)
        .and_then(|s| s.first())
    else {
        return bad_request("BadRequest", "subjects must hold one subject.");
    };
    let object_id = subject
        .get("objectId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let kind = subject
        .get("objectTypeName")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let get = |k: &str| {
        secrets
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if get("BaseAddress").is_empty() {
        return bad_request(
            "BadRequest",
            "The job has no saved credentials; save BaseAddress and SecretToken first.",
        );
    }
    let target = match Target::parse(&get("BaseAddress"), &get("SecretToken")) {
        Ok(t) => t,
        Err(f) => return bad_request("BadRequest", &f.message()),
    };
    let initiator = (caller.user.id.clone(), caller.user.display_name.clone());
    match kind {
        "User" => {
            let Some(user) = app.dir.user_by_id(object_id) else {
                return bad_request(
                    "BadRequest",
                    &format!("The object '{object_id}' was not found in the source directory."),
                );
            };
            let scoped = in_scope(&app, &sp.id, &user);
            let out = engine::provision_user(&app, &target, &user, scoped, false).await;
            {
                let mut graph = app.graph();
                graph.audit.push(report::log_entry(
                    &out,
                    &sp,
                    &job,
                    &crate::ids::new_guid(),
                    Some((&initiator.0, &initiator.1)),
                ));
                if let Some(j) = graph.jobs.iter_mut().find(|j| j.id == job) {
                    match (&out.target_id, out.verdict) {
                        (Some(t), engine::Verdict::Success)
                        | (Some(t), engine::Verdict::Skipped)
                            if scoped =>
                        {
                            j.provisioned.insert(user.id.clone(), t.clone());
                        }
                        _ => {}
                    }
                }
            }
            json_response(StatusCode::OK, report::on_demand(&app.urls.microsoft, &out))
        }
        "Group" => provision_group(&app, &target, &sp, &job, &initiator, object_id, subject).await,
        _ => bad_request("BadRequest", "objectTypeName must be User or Group."),
    }
}

/// One group with up to 5 selected members: members first, then the group and its links.
async fn provision_group(
    app: &SharedApp,
    target: &Target,
    sp: &super::ServicePrincipal,
    job_id: &str,
    initiator: &(String, String),
    group_id: &str,
    subject: &Value,
) -> Response {
    let Some(g) = app.dir.group_index(group_id) else {
        return bad_request(
            "BadRequest",
            &format!("The object '{group_id}' was not found in the source directory."),
        );
    };
    let members: Vec<&str> = subject
        .pointer("/links/members")
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(|x| x.get("objectId").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    if members.len() > 5 {
        return bad_request(
            "BadRequest",
            "A group can be provisioned on demand with at most 5 members.",
        );
    }
    let mut member_ids = Vec::new();
    for m in members {
        let Some(user) = app
            .dir
            .user_by_id(m)
            .filter(|u| app.dir.is_member(g, u.index))
        else {
            continue;
        };
        let scoped = in_scope(app, &sp.id, &user);
        let out = engine::provision_user(app, target, &user, scoped, false).await;
        // Each member's run is in the provisioning logs, as a user's own on-demand run is.
        app.graph().audit.push(report::log_entry(
            &out,
            sp,
            job_id,
            &crate::ids::new_guid(),
            Some((&initiator.0, &initiator.1)),
        ));
        if let Some(t) = out.target_id {
            member_ids.push(t);
        }
    }
    let name = crate::seed::GROUPS[g];
    if let Err((code, message)) =
        provisioning::groups::ensure_group(app, target, name, group_id, &member_ids, false).await
    {
        let key =
            json!({"result": "Failure", "details": {"errorCode": code, "errorMessage": message}});
        return json_response(
            StatusCode::OK,
            json!({"@odata.context": format!("{}/v1.0/$metadata#microsoft.graph.stringKeyStringValuePair", app.urls.microsoft), "key": key.to_string(), "value": "{}"}),
        );
    }
    let key = json!({"result": "Success", "details": {}});
    json_response(
        StatusCode::OK,
        json!({"@odata.context": format!("{}/v1.0/$metadata#microsoft.graph.stringKeyStringValuePair", app.urls.microsoft), "key": key.to_string(), "value": "{}"}),
    )
}
