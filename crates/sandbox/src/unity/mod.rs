//! Unity: sign-in (authorization code + PKCE), the admin contract of
//! `docs/unity-admin-contract.md` (organizations, SSO/SCIM settings, service accounts, roles, bearer
//! tokens), and the admin state the SCIM server checks bearer tokens against.

pub(crate) mod admin;
mod auth;

use std::collections::HashMap;
use std::time::Instant;

use axum::Router;
use serde_json::{json, Value};

use crate::ids;
use crate::seed;
use crate::state::SharedApp;

/// The Unity organization owner who signs in to Unity (also the Entra admin's address).
pub(crate) const ADMIN_EMAIL: &str = "admin@contoso.com";
pub(crate) const SCIM_ROLE: &str = "scim-authenticator";
/// Organization roles a service account can hold (ids; "SCIM Authenticator" is the one SCIM needs).
pub(crate) const KNOWN_ROLES: [&str; 5] =
    ["scim-authenticator", "owner", "manager", "user", "guest"];

pub(crate) fn routes() -> Router<SharedApp> {
    Router::new().merge(auth::routes()).merge(admin::routes())
}

#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub id: String,
    pub email: String,
    pub name: String,
    /// Organization role: only `owner` and `manager` may use the admin API.
    pub role: &'static str,
}

#[derive(Debug, Clone)]
pub(crate) struct ServiceAccount {
    pub id: String,
    pub name: String,
    pub description: String,
    pub created_at: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct BearerToken {
    pub id: String,
    pub service_account_id: String,
    pub token: String,
    pub description: String,
    pub created_at: String,
    pub revoked: bool,
}

#[derive(Debug)]
pub(crate) struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub challenge: String,
    pub person: usize,
    pub expires: Instant,
    pub used: bool,
}

#[derive(Debug)]
pub(crate) struct AccessGrant {
    pub person: usize,
    pub seq: u64,
    pub expires: Instant,
}

#[derive(Debug)]
pub(crate) struct UnityState {
    pub people: Vec<Person>,
    pub codes: HashMap<String, AuthCode>,
    pub access: HashMap<String, AccessGrant>,
    pub refresh: HashMap<String, usize>,
    /// Refresh tokens redeemed so far (`/_sandbox/state` `tokenRefreshes.unity`).
    pub refreshes: u64,
    pub domains: Vec<(String, &'static str)>,
    pub service_accounts: Vec<ServiceAccount>,
    pub bearer_tokens: Vec<BearerToken>,
    /// The account whose token is in the profile (the one `drop-role` strips).
    pub working_account: String,
    pub seeded_token: String,
    pub seeded_roleless_token: String,
}

/// Why a SCIM request's bearer token is refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ScimAuthError {
    Unauthorized(&'static str),
    Forbidden(&'static str),
    UnknownOrg,
}

impl UnityState {
    pub fn seed() -> Self {
        let now = ids::now_iso();
        let account =
            |id: &str, name: &str, description: &str, roles: Vec<String>| ServiceAccount {
                id: id.into(),
                name: name.into(),
                description: description.into(),
                created_at: now.clone(),
                roles,
            };
        let working = "a5c1e000-5a4d-4b0c-9d1e-000000000001".to_string();
        let roleless = "a5c1e000-5a4d-4b0c-9d1e-000000000002".to_string();
        let seeded_token = ids::secret(32);
        let seeded_roleless_token = ids::secret(32);
        let token = |id: &str, sa: &str, token: &str| BearerToken {
            id: id.into(),
            service_account_id: sa.into(),
            token: token.into(),
            description: "seeded".into(),
            created_at: now.clone(),
            revoked: false,
        };
        Self {
            people: vec![
                Person {
                    id: "4417803011230".into(),
                    email: ADMIN_EMAIL.into(),
                    name: "Contoso Admin".into(),
                    role: "owner",
                },
                Person {
                    id: "4417803011231".into(),
                    email: "artist@contoso.com".into(),
                    name: "Contoso Artist".into(),
                    role: "user",
                },
            ],
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            refreshes: 0,
            domains: vec![
                (seed::DOMAIN.into(), "VALIDATED"),
                (seed::OTHER_DOMAIN.into(), "PENDING"),
            ],
            service_accounts: vec![
                account(
                    &working,
                    "Entra provisioning",
                    "SCIM from Microsoft Entra ID",
                    vec![SCIM_ROLE.into()],
                ),
                account(
                    &roleless,
                    "Build pipeline",
                    "CI uploads (no SCIM role)",
                    vec![],
                ),
            ],
            bearer_tokens: vec![
                token(
                    "b7e1e000-5a4d-4b0c-9d1e-000000000001",
                    &working,
                    &seeded_token,
                ),
                token(
                    "b7e1e000-5a4d-4b0c-9d1e-000000000002",
                    &roleless,
                    &seeded_roleless_token,
                ),
            ],
            working_account: working,
            seeded_token,
            seeded_roleless_token,
        }
    }

    pub fn domain_validated(&self, domain: &str) -> bool {
        self.domains
            .iter()
            .any(|(d, s)| d.eq_ignore_ascii_case(domain) && *s == "VALIDATED")
    }

    pub fn effective_roles(&self, account: &ServiceAccount, drop_role: bool) -> Vec<String> {
        account
            .roles
            .iter()
            .filter(|r| {
                !(drop_role && account.id == self.working_account && r.as_str() == SCIM_ROLE)
            })
            .cloned()
            .collect()
    }

    /// Checks a SCIM bearer token for organization `org_id` against the admin state:
    /// unknown or revoked → 401, unknown org → 404, no SCIM Authenticator or another org → 403.
    pub fn check_scim_token(
        &self,
        token: Option<&str>,
        org_id: &str,
        drop_role: bool,
    ) -> Result<(), ScimAuthError> {
        let token = token.ok_or(ScimAuthError::Unauthorized(
            "Authorization: Bearer <token> is required.",
        ))?;
        let record = self.bearer_tokens.iter().find(|t| t.token == token).ok_or(
            ScimAuthError::Unauthorized("The bearer token is not valid."),
        )?;
        if record.revoked {
            return Err(ScimAuthError::Unauthorized(
                "The bearer token has been revoked.",
            ));
        }
        if org_id != seed::UNITY_ORG_ID {
            return Err(ScimAuthError::UnknownOrg);
        }
        let account = self
            .service_accounts
            .iter()
            .find(|a| a.id == record.service_account_id)
            .ok_or(ScimAuthError::Unauthorized(
                "The bearer token's service account no longer exists.",
            ))?;
        if !self
            .effective_roles(account, drop_role)
            .iter()
            .any(|r| r == SCIM_ROLE)
        {
            return Err(ScimAuthError::Forbidden(
                "The service account does not hold the organization role SCIM Authenticator.",
            ));
        }
        Ok(())
    }

    pub fn service_accounts_json(&self, drop_role: bool) -> Value {
        Value::Array(
            self.service_accounts
                .iter()
                .map(|a| {
                    let tokens = self.bearer_tokens.iter().filter(|t| t.service_account_id == a.id && !t.revoked).count();
                    // Every token this account ever had, revoked ones too, with its value: the
                    // sandbox minted them (the profile prints the seeded one the same way), and a
                    // test needs the value to show that a revoked token is refused.
                    let bearer_tokens: Vec<Value> = self
                        .bearer_tokens
                        .iter()
                        .filter(|t| t.service_account_id == a.id)
                        .map(|t| json!({"id": t.id, "description": t.description, "createdAt": t.created_at,
                            "lastFour": admin::last_four(&t.token), "revoked": t.revoked, "token": t.token}))
                        .collect();
                    json!({"id": a.id, "name": a.name, "roles": self.effective_roles(a, drop_role), "tokens": tokens,
                        "bearerTokens": bearer_tokens})
                })
                .collect(),
        )
    }
}
