//! Microsoft Graph v1.0, the subset the four steps use (each call as its page on
//! learn.microsoft.com/graph/api describes it): directory reads,
//! service principals and templates, app role assignments, synchronization jobs, provision on
//! demand and provisioning logs. Scope and directory-role checks answer 403
//! `Authorization_RequestDenied` as Graph does.

mod assignments;
mod audit_logs;
mod credentials;
mod directory;
pub(crate) mod odata;
mod provision_on_demand;
pub(crate) mod service_principals;
pub(crate) mod sync_jobs;

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};

use crate::http::graph_error;
use crate::microsoft::{self, Caller};
use crate::seed::{self, Directory};
use crate::state::SharedApp;

pub(crate) const UNITY_APP_NAME: &str = "Unity";
pub(crate) const NON_GALLERY_TEMPLATE: &str = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";
pub(crate) const USER_ROLE_ID: &str = "18d14569-c3bd-439b-9a66-3a2aee01d14f";
pub(crate) const MSIAM_ACCESS_ID: &str = "b9632174-c057-4f7e-951b-be3adc52bfe6";
/// New objects are invisible to some APIs this long after `instantiate` (eventual consistency).
pub(crate) const REPLICATION_LAG: Duration = Duration::from_millis(1000);

pub(crate) fn routes() -> Router<SharedApp> {
    Router::new()
        .merge(directory::routes())
        .merge(service_principals::routes())
        .merge(assignments::routes())
        .merge(sync_jobs::routes())
        .merge(credentials::routes())
        .merge(provision_on_demand::routes())
        .merge(audit_logs::routes())
        .route(
            "/v1.0/{*rest}",
            axum::routing::get(service_principals::by_app_id).fallback(crate::http::graph_fallback),
        )
}

#[derive(Debug, Clone)]
pub(crate) struct ServicePrincipal {
    pub id: String,
    pub app_id: String,
    pub application_object_id: String,
    pub display_name: String,
    pub template_id: Option<String>,
    pub sso_mode: Option<&'static str>,
    pub tags: Vec<&'static str>,
    pub app_roles: Vec<Value>,
    pub created: Instant,
}

impl ServicePrincipal {
    pub fn to_json(&self) -> Value {
        json!({"id": self.id, "deletedDateTime": null, "accountEnabled": true, "appId": self.app_id,
            "appDisplayName": self.display_name, "displayName": self.display_name, "appRoleAssignmentRequired": true,
            "appRoles": self.app_roles, "applicationTemplateId": self.template_id, "preferredSingleSignOnMode": self.sso_mode,
            "servicePrincipalType": "Application", "signInAudience": "AzureADMyOrg", "tags": self.tags,
            "notificationEmailAddresses": [], "replyUrls": [], "servicePrincipalNames": [self.app_id],
            "appOwnerOrganizationId": seed::TENANT_ID})
    }
    /// Still replicating at `now` (the sandbox's clock): visible to lists but 404/401 on some
    /// calls
    /// (<https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-configuration-api>).
    pub fn replicating(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.created) < REPLICATION_LAG
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Assignment {
    pub id: String,
    pub principal_id: String,
    pub principal_type: &'static str,
    pub principal_display_name: String,
    pub app_role_id: String,
    pub resource_id: String,
    pub resource_display_name: String,
    pub created: String,
}

impl Assignment {
    pub fn to_json(&self) -> Value {
        json!({"id": self.id, "deletedDateTime": null, "appRoleId": self.app_role_id, "createdDateTime": self.created,
            "principalDisplayName": self.principal_display_name, "principalId": self.principal_id,
            "principalType": self.principal_type, "resourceDisplayName": self.resource_display_name, "resourceId": self.resource_id})
    }
}

#[derive(Debug, Default)]
pub(crate) struct GraphState {
    pub service_principals: Vec<ServicePrincipal>,
    pub assignments: Vec<Assignment>,
    pub jobs: Vec<sync_jobs::Job>,
    pub secrets: HashMap<String, Vec<(String, String)>>,
    pub audit: Vec<Value>,
    pub provision_on_demand_calls: u64,
    pub validate_credentials_calls: u64,
    /// Users permanently deleted in Entra (index); Graph no longer shows them and the next
    /// cycle deletes them in the target.
    pub purged: std::collections::HashSet<u64>,
    pod_window: VecDeque<Instant>,
    audit_window: VecDeque<Instant>,
}

pub(crate) fn non_gallery_roles() -> Vec<Value> {
    vec![
        json!({"allowedMemberTypes": ["User"], "description": "User", "displayName": "User", "id": USER_ROLE_ID, "isEnabled": true, "origin": "Application", "value": null}),
        json!({"allowedMemberTypes": ["User"], "description": "msiam_access", "displayName": "msiam_access", "id": MSIAM_ACCESS_ID, "isEnabled": true, "origin": "Application", "value": null}),
    ]
}

impl GraphState {
    /// The seeded directory's Graph side, as it stands at `now` (the sandbox's clock).
    pub fn seed(dir: &Directory, now: Instant) -> Self {
        let long_ago = now.checked_sub(REPLICATION_LAG).unwrap_or(now);
        let sp = |n: u32,
                  name: &str,
                  template: Option<&str>,
                  sso: Option<&'static str>,
                  roles: Vec<Value>| ServicePrincipal {
            id: format!("5e7a1c00-5a4d-4b0c-9d1e-{n:012x}"),
            app_id: format!("a990a000-5a4d-4b0c-9d1e-{n:012x}"),
            application_object_id: format!("a990b000-5a4d-4b0c-9d1e-{n:012x}"),
            display_name: name.into(),
            template_id: template.map(str::to_string),
            sso_mode: sso,
            tags: vec![
                "WindowsAzureActiveDirectoryIntegratedApp",
                "WindowsAzureActiveDirectoryCustomSingleSignOnApplication",
            ],
            app_roles: roles,
            created: long_ago,
        };
        // "Unity": the SAML SSO app an admin made with "Create your own application" (so it
        // carries the non-gallery template and can provision). The two others are there to
        // trip over: an app registration (no template: cannot provision) and a namesake.
        let unity = sp(
            1,
            UNITY_APP_NAME,
            Some(NON_GALLERY_TEMPLATE),
            Some("saml"),
            non_gallery_roles(),
        );
        let sps = vec![
            unity.clone(),
            sp(2, "Unity Editor Plugin", None, None, vec![]),
            sp(
                3,
                "Cisco Unity Connection",
                Some("d3ad3a31-5a4d-4b0c-9d1e-00000000c15c"),
                Some("saml"),
                non_gallery_roles(),
            ),
        ];
        let now = crate::ids::now_iso();
        let mut assignments = Vec::new();
        for u in dir.sample_users() {
            assignments.push(Assignment {
                id: crate::ids::secret(32),
                principal_id: u.id,
                principal_type: "User",
                principal_display_name: u.display_name,
                app_role_id: USER_ROLE_ID.into(),
                resource_id: unity.id.clone(),
                resource_display_name: unity.display_name.clone(),
                created: now.clone(),
            });
        }
        assignments.push(Assignment {
            id: crate::ids::secret(32),
            principal_id: dir.group_id(seed::PILOT_GROUP),
            principal_type: "Group",
            principal_display_name: seed::GROUPS[seed::PILOT_GROUP].into(),
            app_role_id: USER_ROLE_ID.into(),
            resource_id: unity.id.clone(),
            resource_display_name: unity.display_name.clone(),
            created: now,
        });
        Self {
            audit: crate::provisioning::seed_history(dir, &unity),
            service_principals: sps,
            assignments,
            ..Self::default()
        }
    }

    pub fn sp(&self, id: &str) -> Option<&ServicePrincipal> {
        self.service_principals
            .iter()
            .find(|s| s.id.eq_ignore_ascii_case(id))
    }

    pub fn state_json(&self) -> Value {
        json!({"servicePrincipals": self.service_principals.len(),
            "syncJobs": self.jobs.iter().map(|j| json!({"servicePrincipalId": j.sp_id, "id": j.id, "status": j.status_code, "schedule": j.schedule_state,
                "secretTokenLastFour": self.saved_token_last_four(&j.sp_id)})).collect::<Vec<_>>(),
            "appRoleAssignments": self.assignments.len(),
            "provisionOnDemandCalls": self.provision_on_demand_calls,
            "validateCredentialsCalls": self.validate_credentials_calls,
            "provisioningLogEntries": self.audit.len()})
    }

    /// The last four characters of the `SecretToken` saved in the app's provisioning
    /// settings (what Entra sends to the target), or null when none is saved.
    fn saved_token_last_four(&self, sp_id: &str) -> Option<String> {
        self.secrets
            .get(&sp_id.to_ascii_lowercase())?
            .iter()
            .find(|(key, _)| key == "SecretToken")
            .filter(|(_, value)| !value.is_empty())
            .map(|(_, value)| crate::unity::admin::last_four(value))
    }

    /// Sliding-window limit per tenant at `now` (the sandbox's clock); `Err(seconds)` to put
    /// in Retry-After.
    pub fn take_rate(
        &mut self,
        audit: bool,
        limit: (u32, Duration),
        now: Instant,
    ) -> Result<(), u64> {
        let window = if audit {
            &mut self.audit_window
        } else {
            &mut self.pod_window
        };
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= limit.1)
        {
            window.pop_front();
        }
        if window.len() >= limit.0 as usize {
            let oldest = window.front().copied().unwrap_or(now);
            let wait = limit.1.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs_f64().ceil().max(1.0) as u64);
        }
        window.push_back(now);
        Ok(())
    }
}

pub(crate) fn denied() -> Response {
    graph_error(
        StatusCode::FORBIDDEN,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
    )
}

pub(crate) fn not_found(what: &str, id: &str) -> Response {
    graph_error(StatusCode::NOT_FOUND, "Request_ResourceNotFound", &format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present. ({what})"))
}

pub(crate) fn bad_request(code: &str, message: &str) -> Response {
    graph_error(StatusCode::BAD_REQUEST, code, message)
}

/// Authenticates and checks that the token has one of `scopes` (and, if `admin`, that the
/// signed-in user holds Application Administrator or Global Administrator).
pub(crate) fn require(
    app: &SharedApp,
    headers: &HeaderMap,
    scopes: &[&str],
    admin: bool,
) -> Result<Caller, Response> {
    let caller = microsoft::authenticate(app, headers)?;
    if !caller.has_any(scopes) || (admin && !caller.has_role()) {
        return Err(denied());
    }
    Ok(caller)
}

pub(crate) fn throttled(retry_after: u64, scope: &str) -> Response {
    let mut r = graph_error(
        StatusCode::TOO_MANY_REQUESTS,
        "TooManyRequests",
        "Too many requests. Please retry after the time in the Retry-After header.",
    );
    let h = r.headers_mut();
    if let Ok(v) = retry_after.to_string().parse() {
        h.insert("retry-after", v);
    }
    if let Ok(v) = format!(
        "Application/{scope}/{}/{}",
        seed::MS_CLIENT_ID,
        seed::TENANT_ID
    )
    .parse()
    {
        h.insert("x-ms-throttle-scope", v);
    }
    r
}

/// Opaque `$skiptoken` carrying the next position.
pub(crate) fn skiptoken(position: u64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("sandbox:{position}"))
}

pub(crate) fn from_skiptoken(token: &str) -> Option<u64> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    String::from_utf8(raw)
        .ok()?
        .strip_prefix("sandbox:")?
        .parse()
        .ok()
}

/// The next-page link: the same request with a new `$skiptoken` (callers follow it verbatim).
pub(crate) fn next_link(
    app: &SharedApp,
    path: &str,
    query: &HashMap<String, String>,
    position: u64,
) -> String {
    let mut url = format!("{}{path}", app.urls.microsoft);
    let mut pairs: Vec<(&String, &String)> = query
        .iter()
        .filter(|(k, _)| k.as_str() != "$skiptoken")
        .collect();
    pairs.sort();
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        serializer.append_pair(k, v);
    }
    serializer.append_pair("$skiptoken", &skiptoken(position));
    url.push('?');
    url.push_str(&serializer.finish());
    url
}

pub(crate) fn context(app: &SharedApp, what: &str) -> String {
    format!("{}/v1.0/$metadata#{what}", app.urls.microsoft)
}

/// `$top` within 1..=max (default `default`), or the 400 Graph answers.
pub(crate) fn top(
    query: &HashMap<String, String>,
    default: u64,
    max: u64,
) -> Result<u64, Response> {
    match query.get("$top") {
        None => Ok(default),
        Some(t) => match t.parse::<u64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(bad_request(
                "Request_BadRequest",
                &format!(
                    "Invalid page size specified: '{t}'. Must be between 1 and {max} inclusive."
                ),
            )),
        },
    }
}

pub(crate) fn eventual(headers: &HeaderMap) -> bool {
    headers
        .get("consistencylevel")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("eventual"))
}
