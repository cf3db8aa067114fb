//! The API road's ONE adapter (docs/unity-admin-contract.md). Unity has not published this API;
//! the sandbox implements the same contract. When Unity publishes one, only this adapter
//! (this file and its bodies in `admin_types.rs`) changes.

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::auth::AccessTokenSource;
use crate::http::{encode_path_segment, send_authorized, Http, Request, Response, Retry};
use crate::problem::Problem;
use crate::secret::Secret;

pub use super::admin_types::{
    BearerTokenInfo, NewBearerToken, ScimSettings, ServiceAccount, SsoDomain, SsoSettings,
    UnityOrganization, UnityUser, SCIM_AUTHENTICATOR_ROLE,
};
use super::admin_types::{CreatedToken, Results, Roles, UnityProblem};

#[derive(Clone)]
pub struct UnityAdminClient {
    http: Http,
    auth_base: String,
    api_base: String,
    tokens: Arc<dyn AccessTokenSource>,
}

impl UnityAdminClient {
    pub fn new(
        http: Http,
        auth_base: &str,
        api_base: &str,
        tokens: Arc<dyn AccessTokenSource>,
    ) -> Self {
        Self {
            http,
            auth_base: auth_base.trim_end_matches('/').to_string(),
            api_base: api_base.trim_end_matches('/').to_string(),
            tokens,
        }
    }

    async fn send(
        &self,
        request: Request,
        action: &str,
        cancel: &CancellationToken,
    ) -> Result<Response, Problem> {
        let response =
            send_authorized(&self.http, self.tokens.as_ref(), &request, action, cancel).await?;
        if response.is_success() {
            Ok(response)
        } else {
            Err(unity_problem(action, &response))
        }
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        url: String,
        action: &str,
        cancel: &CancellationToken,
    ) -> Result<T, Problem> {
        let response = self.send(Request::get(url), action, cancel).await?;
        response
            .json()
            .map_err(|_| response.unreadable(action, "Unity JSON"))
    }

    fn org_url(&self, org_id: &str, rest: &str) -> String {
        format!(
            "{}/api/access/v1/organizations/{}{rest}",
            self.api_base,
            encode_path_segment(org_id)
        )
    }

    fn sa_url(&self, org_id: &str, sa_id: &str, rest: &str) -> String {
        self.org_url(
            org_id,
            &format!("/service-accounts/{}{rest}", encode_path_segment(sa_id)),
        )
    }

    pub async fn current_user(&self, cancel: &CancellationToken) -> Result<UnityUser, Problem> {
        self.get(
            format!("{}/v1/users/current/openid", self.auth_base),
            "Reading your Unity account",
            cancel,
        )
        .await
    }

    pub async fn organizations(
        &self,
        user_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<UnityOrganization>, Problem> {
        let url = format!(
            "{}/api/unity/legacy/v1/users/{}/organizations",
            self.api_base,
            encode_path_segment(user_id)
        );
        let page: Results<UnityOrganization> = self
            .get(url, "Listing your Unity organizations", cancel)
            .await?;
        Ok(page.results)
    }

    pub async fn sso_settings(
        &self,
        org_id: &str,
        cancel: &CancellationToken,
    ) -> Result<SsoSettings, Problem> {
        self.get(
            self.org_url(org_id, "/sso"),
            "Reading the organization's SSO and SCIM settings",
            cancel,
        )
        .await
    }

    pub async fn list_service_accounts(
        &self,
        org_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<ServiceAccount>, Problem> {
        let action = "Listing the organization's service accounts";
        let mut url = Some(self.org_url(org_id, "/service-accounts"));
        let mut all = Vec::new();
        while let Some(current) = url.take() {
            let page: Results<ServiceAccount> = self.get(current, action, cancel).await?;
            all.extend(page.results);
            // `next` is a link when present; guard against a server repeating itself.
            url = page
                .next
                .filter(|next| next.starts_with("http") && all.len() < 10_000);
        }
        Ok(all)
    }

    /// Not retried blindly (a create): the caller lists first and again before a retry.
    pub async fn create_service_account(
        &self,
        org_id: &str,
        name: &str,
        description: &str,
        cancel: &CancellationToken,
    ) -> Result<ServiceAccount, Problem> {
        let action = format!("Creating the service account \u{201c}{name}\u{201d}");
        let request = Request::new(Method::POST, self.org_url(org_id, "/service-accounts"))
            .json(json!({ "name": name, "description": description }))
            .retry(Retry::ThrottleOnly);
        let response = self.send(request, &action, cancel).await?;
        response
            .json()
            .map_err(|_| response.unreadable(&action, "a service account"))
    }

    pub async fn organization_roles(
        &self,
        org_id: &str,
        sa_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<String>, Problem> {
        let roles: Roles = self
            .get(
                self.sa_url(org_id, sa_id, "/organization-roles"),
                "Reading the service account's roles",
                cancel,
            )
            .await?;
        Ok(roles.roles)
    }

    /// PUT replaces the set, so the caller passes every role to keep.
    pub async fn set_organization_roles(
        &self,
        org_id: &str,
        sa_id: &str,
        roles: &[String],
        cancel: &CancellationToken,
    ) -> Result<Vec<String>, Problem> {
        let action = &format!(
            "Giving the service account the {} role",
            super::dashboard::SCIM_AUTHENTICATOR
        );
        let request = Request::new(
            Method::PUT,
            self.sa_url(org_id, sa_id, "/organization-roles"),
        )
        .json(json!({ "roles": roles }));
        let response = self.send(request, action, cancel).await?;
        let roles: Roles = response
            .json()
            .map_err(|_| response.unreadable(action, "a role list"))?;
        Ok(roles.roles)
    }

    pub async fn list_bearer_tokens(
        &self,
        org_id: &str,
        sa_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<BearerTokenInfo>, Problem> {
        let page: Results<BearerTokenInfo> = self
            .get(
                self.sa_url(org_id, sa_id, "/bearer-tokens"),
                "Listing the service account's bearer tokens",
                cancel,
            )
            .await?;
        Ok(page.results)
    }

    pub async fn create_bearer_token(
        &self,
        org_id: &str,
        sa_id: &str,
        description: &str,
        cancel: &CancellationToken,
    ) -> Result<NewBearerToken, Problem> {
        let action = "Creating a bearer token for the service account";
        let request = Request::new(Method::POST, self.sa_url(org_id, sa_id, "/bearer-tokens"))
            .json(json!({ "description": description }))
            .retry(Retry::ThrottleOnly);
        let response = self.send(request, action, cancel).await?;
        let created: CreatedToken = response
            .json()
            .map_err(|_| response.unreadable(action, "a new token"))?;
        let token = Secret::new(created.token);
        Ok(NewBearerToken {
            info: BearerTokenInfo {
                id: created.id,
                description: Some(description.to_string()),
                created_at: created.created_at,
                expires_at: created.expires_at,
                last_four: Some(token.last_four()),
            },
            token,
        })
    }

    pub async fn revoke_bearer_token(
        &self,
        org_id: &str,
        sa_id: &str,
        token_id: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Problem> {
        let request = Request::new(
            Method::DELETE,
            self.sa_url(
                org_id,
                sa_id,
                &format!("/bearer-tokens/{}", encode_path_segment(token_id)),
            ),
        );
        self.send(request, "Revoking a bearer token", cancel)
            .await
            .map(|_| ())
    }
}

fn unity_problem(action: &str, response: &Response) -> Problem {
    let body: UnityProblem = response.json().unwrap_or_default();
    let said = match (&body.title, &body.detail) {
        (_, Some(detail)) => format!(" Unity said: \u{201c}{detail}\u{201d}"),
        (Some(title), None) => format!(" Unity said: \u{201c}{title}\u{201d}"),
        _ => String::new(),
    };
    let problem = match response.status {
        401 => Problem::sign_in_required(
            action,
            format!("Unity did not accept the sign-in: the session expired or was revoked.{said}"),
            "Sign in to Unity again.",
        ),
        403 => Problem::forbidden(
            action,
            format!("Your Unity account is not an owner or manager of this organization.{said}"),
            "Sign in with a Unity account that is an Owner or Manager of the organization, or ask one to do this step.",
        ),
        404 => Problem::not_found(
            action,
            format!("Unity could not find the organization or service account.{said}"),
            "Pick the organization again; if the service account was deleted, the app creates a new one.",
        ),
        409 => Problem::conflict(
            action,
            format!("That name is already taken in the organization.{said}"),
            "Try again: the app reuses an existing service account of the same name.",
        ),
        429 => Problem::throttled(
            action,
            format!("Unity is limiting requests.{said}"),
            "Wait a minute and try again.",
        ),
        status if status >= 500 => Problem::server(
            action,
            format!("Unity failed (HTTP {status}).{said}"),
            "Try again later, or take the guided road through the Dashboard.",
        ),
        status => Problem::rejected(
            action,
            format!("Unity refused the request (HTTP {status}).{said}"),
            "Export a report for support; meanwhile the guided road through the Dashboard works.",
        ),
    };
    let mut detail = response.detail();
    detail.graph_code = body.code.map(|code| {
        code.as_str()
            .map(str::to_string)
            .unwrap_or_else(|| code.to_string())
    });
    problem.with_detail(detail)
}
