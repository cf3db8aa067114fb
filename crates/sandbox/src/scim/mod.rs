//! Unity's SCIM 2.0 server at `/scim/v2/tenants/{orgId}`
//! (<https://docs.unity.com/en-us/oas-scim-client/2.0.0>, RFC 7643/7644, and Entra's calls:
//! <https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups>):
//! Users and Groups, filters, both PATCH dialects, pagination, discovery, `meta.version` + ETags
//! and RFC 7644 errors. Bearer tokens are checked against the Unity admin state.

mod canonical;
mod discovery;
pub(crate) mod filter;
pub(crate) mod patch;
mod resources;
mod search;
mod validate;

use std::collections::{BTreeMap, HashMap};

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::http::{bearer, scim_error};
use crate::state::SharedApp;
use crate::unity::ScimAuthError;

pub(crate) const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub(crate) const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub(crate) const ENTERPRISE_SCHEMA: &str =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub(crate) const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// Largest page served (also `filter.maxResults` in ServiceProviderConfig).
pub(crate) const MAX_RESULTS: usize = 200;

const BASE: &str = "/scim/v2/tenants/{org_id}";

pub(crate) fn routes() -> Router<SharedApp> {
    use resources::*;
    use search::*;
    Router::new()
        .route(&format!("{BASE}/Users"), get(list_users).post(create_user))
        .route(
            &format!("{BASE}/Users/{{id}}"),
            get(get_user)
                .put(replace_user)
                .patch(patch_user)
                .delete(delete_user),
        )
        .route(
            &format!("{BASE}/Groups"),
            get(list_groups).post(create_group),
        )
        .route(
            &format!("{BASE}/Groups/{{id}}"),
            get(get_group)
                .put(replace_group)
                .patch(patch_group)
                .delete(delete_group),
        )
        .route(
            &format!("{BASE}/Users/.search"),
            axum::routing::post(search_users),
        )
        .route(
            &format!("{BASE}/Groups/.search"),
            axum::routing::post(search_groups),
        )
        .route(&format!("{BASE}/.search"), axum::routing::post(search_all))
        .merge(discovery::routes(BASE))
        .route("/scim/v2/{*rest}", axum::routing::any(not_found))
        .route("/scim/v2", axum::routing::any(not_found))
}

async fn not_found() -> Response {
    scim_error(
        StatusCode::NOT_FOUND,
        None,
        "No SCIM resource here. The base URL is /scim/v2/tenants/{organizationId}; Users and Groups live below it.",
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    User,
    Group,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::User => "User",
            Kind::Group => "Group",
        }
    }
    pub fn endpoint(self) -> &'static str {
        match self {
            Kind::User => "Users",
            Kind::Group => "Groups",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub id: String,
    /// The resource as stored, without `id` and `meta`.
    pub body: Value,
    pub version: u64,
    pub created: String,
    pub modified: String,
}

#[derive(Debug, Default)]
pub(crate) struct ScimStore {
    /// Authenticated SCIM requests served (tests use it to see the provisioning service call).
    pub requests: u64,
    /// PATCH requests seen per dialect: Entra's legacy one (capitalised ops) or the RFC one.
    pub patches_legacy: u64,
    pub patches_rfc: u64,
    /// Unity's own rules (validated domains, members must be org users) switched off, so a
    /// third-party RFC compliance tool with random data can run (`PUT /_sandbox/scim`).
    pub rfc_only: bool,
    seq: u64,
    users: BTreeMap<u64, Stored>,
    groups: BTreeMap<u64, Stored>,
    index: HashMap<String, (Kind, u64)>,
}

impl ScimStore {
    fn table(&self, kind: Kind) -> &BTreeMap<u64, Stored> {
        match kind {
            Kind::User => &self.users,
            Kind::Group => &self.groups,
        }
    }
    fn table_mut(&mut self, kind: Kind) -> &mut BTreeMap<u64, Stored> {
        match kind {
            Kind::User => &mut self.users,
            Kind::Group => &mut self.groups,
        }
    }
    pub fn user_count(&self) -> usize {
        self.users.len()
    }
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }
    pub fn all(&self, kind: Kind) -> impl Iterator<Item = &Stored> {
        self.table(kind).values()
    }
    pub fn get(&self, kind: Kind, id: &str) -> Option<&Stored> {
        match self.index.get(id) {
            Some((k, seq)) if *k == kind => self.table(kind).get(seq),
            _ => None,
        }
    }
    pub fn get_mut(&mut self, kind: Kind, id: &str) -> Option<&mut Stored> {
        match self.index.get(id).copied() {
            Some((k, seq)) if k == kind => self.table_mut(kind).get_mut(&seq),
            _ => None,
        }
    }
    pub fn insert(&mut self, kind: Kind, body: Value) -> Stored {
        self.seq += 1;
        let now = crate::ids::now_iso();
        let stored = Stored {
            id: crate::ids::new_guid(),
            body,
            version: 1,
            created: now.clone(),
            modified: now,
        };
        let seq = self.seq;
        self.index.insert(stored.id.clone(), (kind, seq));
        self.table_mut(kind).insert(seq, stored.clone());
        stored
    }
    pub fn remove(&mut self, kind: Kind, id: &str) -> bool {
        match self.index.get(id).copied() {
            Some((k, seq)) if k == kind => {
                self.index.remove(id);
                self.table_mut(kind).remove(&seq);
                true
            }
            _ => false,
        }
    }
    /// Another resource of `kind` whose `attr` equals `value` case-insensitively (uniqueness).
    pub fn conflict(&self, kind: Kind, attr: &str, value: &str, except: Option<&str>) -> bool {
        self.all(kind).any(|s| {
            Some(s.id.as_str()) != except
                && filter::get_ci(&s.body, attr)
                    .and_then(Value::as_str)
                    .is_some_and(|v| v.eq_ignore_ascii_case(value))
        })
    }
}

/// The resource as served: stored attributes plus `id` and `meta` (with `W/"n"` version).
pub(crate) fn render(kind: Kind, stored: &Stored, base: &str) -> Value {
    let mut v = stored.body.clone();
    if let Some(o) = v.as_object_mut() {
        o.insert("id".into(), json!(stored.id));
        // `schemas` lists the extension exactly when its attributes are present (RFC 7643 §3).
        if kind == Kind::User {
            let has_ext = o.keys().any(|k| k.eq_ignore_ascii_case(ENTERPRISE_SCHEMA));
            let schemas = o.entry("schemas").or_insert_with(|| json!([USER_SCHEMA]));
            if let Some(list) = schemas.as_array_mut() {
                list.retain(|u| {
                    !u.as_str()
                        .is_some_and(|u| u.eq_ignore_ascii_case(ENTERPRISE_SCHEMA))
                });
                if has_ext {
                    list.push(json!(ENTERPRISE_SCHEMA));
                }
            }
        }
        o.insert("meta".into(), json!({"resourceType": kind.name(), "created": stored.created,
            "lastModified": stored.modified, "location": format!("{base}/{}/{}", kind.endpoint(), stored.id),
            "version": etag(stored)}));
    }
    v
}

pub(crate) fn etag(stored: &Stored) -> String {
    format!("W/\"{}\"", stored.version)
}

/// Checks the bearer token for the org in the URL and counts the request.
pub(crate) fn guard(app: &SharedApp, headers: &HeaderMap, org_id: &str) -> Result<(), Response> {
    let token = bearer(headers);
    let drop_role = app.drop_role_active();
    let verdict = app
        .unity()
        .check_scim_token(token.as_deref(), org_id, drop_role);
    match verdict {
        Ok(()) => {
            app.scim().requests += 1;
            Ok(())
        }
        Err(ScimAuthError::Unauthorized(detail)) => {
            let mut r = scim_error(StatusCode::UNAUTHORIZED, None, detail);
            r.headers_mut().insert("www-authenticate", axum::http::HeaderValue::from_static("Bearer realm=\"scim\""));
            Err(r)
        }
        Err(ScimAuthError::Forbidden(detail)) => Err(scim_error(StatusCode::FORBIDDEN, None, detail)),
        Err(ScimAuthError::UnknownOrg) => Err(scim_error(
            StatusCode::NOT_FOUND,
            None,
            &format!("Organization {org_id} was not found. Check the organization ID in the SCIM base URL."),
        )),
    }
}
