//! Microsoft identity platform v2 under `{authority}/{tenant}/oauth2/v2.0/`
//! (<https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow>,
//! v2-oauth2-device-code): authorize with a consent page, token (auth code + PKCE, refresh, device
//! code) with AADSTS errors, and the device-code sign-in page. Tokens are recorded so Graph can
//! check them.

mod authorize;
mod devicecode;
mod token;

use std::collections::HashMap;
use std::time::Instant;

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use crate::http::{aad_error, bearer, graph_error};
use crate::seed::{self, DirUser};
use crate::state::SharedApp;

pub(crate) const GRAPH_RESOURCE: &str = "https://graph.microsoft.com/";
const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "offline_access", "email"];

pub(crate) fn routes() -> Router<SharedApp> {
    Router::new()
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(authorize::authorize).post(authorize::consent),
        )
        .route("/{tenant}/oauth2/v2.0/token", post(token::token))
        .route(
            "/{tenant}/oauth2/v2.0/devicecode",
            post(devicecode::devicecode),
        )
        .route(
            "/devicelogin",
            get(devicecode::page).post(devicecode::decide),
        )
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(openid_configuration),
        )
}

#[derive(Debug)]
pub(crate) struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub challenge: Option<(String, String)>,
    pub scopes: Scopes,
    pub user: u64,
    pub expires: Instant,
    pub redeemed: bool,
}

#[derive(Debug)]
pub(crate) struct AccessGrant {
    pub user: u64,
    pub scopes: Vec<String>,
    pub seq: u64,
    pub expires: Instant,
}

#[derive(Debug, Clone)]
pub(crate) struct RefreshGrant {
    pub user: u64,
    pub client_id: String,
    pub scopes: Scopes,
}

#[derive(Debug)]
pub(crate) struct DeviceGrant {
    pub user_code: String,
    pub client_id: String,
    pub scopes: Scopes,
    pub expires: Instant,
    /// When the code was given out: auto-consent approves it `device_code_approval_delay` later.
    pub issued: Instant,
    pub polls: u32,
    pub last_poll: Option<Instant>,
    /// `Some(Some(user))` approved, `Some(None)` declined, `None` still waiting.
    pub decision: Option<Option<u64>>,
}

#[derive(Debug, Default)]
pub(crate) struct MsState {
    pub codes: HashMap<String, AuthCode>,
    pub access: HashMap<String, AccessGrant>,
    pub refresh: HashMap<String, RefreshGrant>,
    pub devices: HashMap<String, DeviceGrant>,
    /// Refresh tokens redeemed so far (`/_sandbox/state` `tokenRefreshes.microsoft`).
    pub refreshes: u64,
}

/// Requested scopes split into OIDC ones and Graph permission names (`Application.Read.All`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Scopes {
    pub oidc: Vec<String>,
    pub graph: Vec<String>,
}

impl Scopes {
    /// Graph scopes may come as full URIs or short names; `.default` means every consented one.
    /// The resource part is not checked strictly: the sandbox's Graph lives on loopback, and a
    /// client may name either the public resource or its profile's Graph base.
    pub fn parse(scope: &str) -> Self {
        let mut s = Scopes::default();
        for item in scope.split_whitespace() {
            if OIDC_SCOPES.iter().any(|o| o.eq_ignore_ascii_case(item)) {
                s.oidc.push(item.to_ascii_lowercase());
                continue;
            }
            let name = item.rsplit('/').next().unwrap_or(item);
            if name == ".default" {
                s.graph.extend(CONSENTED.iter().map(|c| c.to_string()));
            } else if !name.is_empty() {
                s.graph.push(name.to_string());
            }
        }
        s.graph.dedup();
        s
    }

    pub fn to_response_string(&self) -> String {
        let mut parts: Vec<String> = self
            .graph
            .iter()
            .map(|g| format!("{GRAPH_RESOURCE}{g}"))
            .collect();
        parts.extend(
            self.oidc
                .iter()
                .filter(|o| o.as_str() != "offline_access")
                .cloned(),
        );
        parts.join(" ")
    }
}

/// What admin consent covers in the sandbox tenant (`.default`).
const CONSENTED: [&str; 8] = [
    "Application.ReadWrite.All",
    "Synchronization.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "User.ReadBasic.All",
    "User.Read",
    "GroupMember.Read.All",
    "AuditLog.Read.All",
    "Directory.Read.All",
];

pub(crate) fn known_client(client_id: &str) -> bool {
    client_id == seed::MS_CLIENT_ID || client_id == seed::GRAPH_CLI_CLIENT_ID
}

/// `organizations`, `common`, the tenant id or any of its verified domains (the default, the
/// other one, the initial `contoso.onmicrosoft.com`); `consumers` and others fail with
/// AADSTS90002 as Entra does.
pub(crate) fn known_tenant(tenant: &str) -> bool {
    [
        "organizations",
        "common",
        seed::TENANT_ID,
        seed::DOMAIN,
        seed::OTHER_DOMAIN,
        seed::INITIAL_DOMAIN,
    ]
    .iter()
    .any(|t| t.eq_ignore_ascii_case(tenant))
}

pub(crate) fn unknown_tenant(tenant: &str) -> Response {
    aad_error(StatusCode::BAD_REQUEST, "invalid_request", 90002, &format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."))
}

/// Directory role template ids carried in the `wids` claim.
fn role_template(role: &str) -> &'static str {
    match role {
        "Global Administrator" => "62e90394-69f5-4237-9190-012177145e10",
        "Application Administrator" => "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
        _ => "b79fbf4d-3ef9-4689-8143-76b194e85509",
    }
}

/// Who calls Graph, with which scopes.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub user: DirUser,
    pub scopes: Vec<String>,
}

impl Caller {
    pub fn has_any(&self, scopes: &[&str]) -> bool {
        self.scopes
            .iter()
            .any(|s| scopes.iter().any(|w| w.eq_ignore_ascii_case(s)))
    }
    pub fn has_role(&self) -> bool {
        self.user
            .roles
            .iter()
            .any(|r| *r == "Global Administrator" || *r == "Application Administrator")
    }
}

fn unauthorized(message: &str) -> Response {
    let mut r = graph_error(
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
        message,
    );
    r.headers_mut().insert(
        "www-authenticate",
        HeaderValue::from_static("Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\""),
    );
    r
}

/// Checks a Graph request's access token: missing, unknown or expired → 401 InvalidAuthenticationToken.
pub(crate) fn authenticate(app: &SharedApp, headers: &HeaderMap) -> Result<Caller, Response> {
    let Some(token) = bearer(headers) else {
        return Err(unauthorized("Access token is empty."));
    };
    let grant = app
        .ms()
        .access
        .get(&token)
        .map(|g| (g.user, g.scopes.clone(), g.seq, g.expires));
    let Some((user, scopes, seq, expires)) = grant else {
        return Err(unauthorized(
            "Access token validation failure. Invalid audience.",
        ));
    };
    if expires < app.clock.now() || app.token_expired_by_fault(seq) {
        return Err(unauthorized(
            "Lifetime validation failed, the token is expired.",
        ));
    }
    let user = app
        .dir
        .user(user)
        .ok_or_else(|| unauthorized("The user of this token no longer exists."))?;
    Ok(Caller { user, scopes })
}

/// OIDC discovery of the v2 endpoints, for clients that discover rather than build URLs.
async fn openid_configuration(
    axum::extract::State(app): axum::extract::State<SharedApp>,
    axum::extract::Path(tenant): axum::extract::Path<String>,
) -> Response {
    if !known_tenant(&tenant) {
        return unknown_tenant(&tenant);
    }
    let base = format!("{}/{tenant}", app.urls.microsoft);
    crate::http::json_response(
        StatusCode::OK,
        serde_json::json!({
        "issuer": format!("{}/{}/v2.0", app.urls.microsoft, seed::TENANT_ID),
        "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{base}/oauth2/v2.0/token"),
        "device_authorization_endpoint": format!("{base}/oauth2/v2.0/devicecode"),
        "jwks_uri": format!("{base}/discovery/v2.0/keys"),
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "tenant_region_scope": "NA", "cloud_instance_name": "microsoftonline.com"}),
    )
}
