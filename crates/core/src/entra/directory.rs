//! Directory calls: who am I, the tenant, the user/group picker, enterprise apps and their
//! assignments (<https://learn.microsoft.com/graph/api/serviceprincipal-list>,
//! <https://learn.microsoft.com/graph/api/serviceprincipal-list-approleassignedto>,
//! <https://learn.microsoft.com/graph/aad-advanced-queries>).

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::types::{
    AppRoleAssignment, DirectoryGroup, DirectoryMember, DirectoryUser, InstantiatedApp,
    ServicePrincipal,
};
use super::{graph_problem, odata_string, GraphClient, Pager, NON_GALLERY_TEMPLATE_ID};
use crate::http::{encode_path_segment, encode_query_value, Request, Retry};
use crate::problem::Problem;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub id: String,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
}

/// The signed-in tenant as `GET /organization` describes it (Graph v1.0 `organization`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    /// The tenant ID.
    pub id: String,
    /// The tenant's name, e.g. "Contoso".
    #[serde(default)]
    pub display_name: Option<String>,
    /// The tenant's verified domains (Graph `verifiedDomain`).
    #[serde(default)]
    pub verified_domains: Vec<VerifiedDomain>,
}

/// One verified domain of a tenant (Graph `verifiedDomain`: `name`, `isDefault`, `isInitial`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedDomain {
    /// The domain name, e.g. `contoso.com`.
    pub name: String,
    /// The domain new users get by default.
    #[serde(default)]
    pub is_default: bool,
    /// The `….onmicrosoft.com` domain the tenant was created with.
    #[serde(default)]
    pub is_initial: bool,
}

impl Organization {
    /// The domain to show beside the tenant's name: the default verified domain, else the
    /// initial one, else the first listed.
    pub fn default_domain(&self) -> Option<&str> {
        self.verified_domains
            .iter()
            .find(|d| d.is_default)
            .or_else(|| self.verified_domains.iter().find(|d| d.is_initial))
            .or_else(|| self.verified_domains.first())
            .map(|d| d.name.as_str())
    }
}

#[derive(Deserialize)]
struct Collection<T> {
    #[serde(default = "Vec::new")]
    value: Vec<T>,
}

const SP_SELECT: &str = "id,appId,displayName,appRoles,appRoleAssignmentRequired,applicationTemplateId,preferredSingleSignOnMode,tags";
const USER_SELECT: &str = "id,displayName,userPrincipalName,mail";

impl GraphClient {
    pub async fn me(&self, cancel: &CancellationToken) -> Result<Me, Problem> {
        self.get_json(
            "/me?$select=id,userPrincipalName,displayName",
            "Reading your Microsoft account",
            cancel,
        )
        .await
    }

    /// The signed-in tenant (its `id` is the tenant id), with its name and verified domains (`GET
    /// /organization`, <https://learn.microsoft.com/graph/api/organization-list>). `None` when
    /// Graph lists none.
    ///
    /// Errors: Graph's Problems (`forbidden` when the token may not read the organization).
    pub async fn organization(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Option<Organization>, Problem> {
        let orgs: Collection<Organization> = self
            .get_json(
                "/organization?$select=id,displayName,verifiedDomains",
                "Reading your Entra tenant",
                cancel,
            )
            .await?;
        Ok(orgs.value.into_iter().next())
    }

    /// Search-as-you-type over users (needs `ConsistencyLevel: eventual`).
    pub async fn search_users(
        &self,
        text: &str,
        top: u32,
        cancel: &CancellationToken,
    ) -> Result<Vec<DirectoryUser>, Problem> {
        let clean = text.replace('"', "");
        let search =
            format!("\"displayName:{clean}\" OR \"userPrincipalName:{clean}\" OR \"mail:{clean}\"");
        let path = format!(
            "/users?$search={}&$select={USER_SELECT}&$top={top}&$count=true",
            encode_query_value(&search)
        );
        self.pager(&path, true, "Searching users")
            .collect(top as usize, cancel)
            .await
    }

    pub async fn search_groups(
        &self,
        text: &str,
        top: u32,
        cancel: &CancellationToken,
    ) -> Result<Vec<DirectoryGroup>, Problem> {
        let clean = text.replace('"', "");
        let path = format!(
            "/groups?$search={}&$select=id,displayName,mail,securityEnabled&$top={top}&$count=true",
            encode_query_value(&format!("\"displayName:{clean}\""))
        );
        self.pager(&path, true, "Searching groups")
            .collect(top as usize, cancel)
            .await
    }

    /// A user by exact UPN, or `None`.
    pub async fn find_user_by_upn(
        &self,
        upn: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<DirectoryUser>, Problem> {
        let path = format!(
            "/users?$filter={}&$select={USER_SELECT}",
            encode_query_value(&format!("userPrincipalName eq {}", odata_string(upn)))
        );
        let users: Collection<DirectoryUser> = self
            .get_json(&path, &format!("Looking up {upn}"), cancel)
            .await?;
        Ok(users.value.into_iter().find(|user| {
            user.user_principal_name
                .as_deref()
                .is_some_and(|found| found.eq_ignore_ascii_case(upn))
        }))
    }

    /// How many direct members a group has: `$count` over its members with
    /// `ConsistencyLevel: eventual` (<https://learn.microsoft.com/graph/aad-advanced-queries>),
    /// reading one id to get the count beside it.
    pub async fn count_group_members(
        &self,
        group_id: &str,
        cancel: &CancellationToken,
    ) -> Result<u64, Problem> {
        #[derive(Deserialize)]
        struct Counted {
            #[serde(rename = "@odata.count")]
            count: Option<u64>,
        }
        let action = "Counting a group's members";
        let path = format!(
            "/groups/{}/members?$count=true&$top=1&$select=id",
            encode_path_segment(group_id)
        );
        let request = Request::get(self.url(&path)).header("consistencylevel", "eventual");
        let response = self.send_ok(request, action, cancel).await?;
        let counted: Counted = response
            .json()
            .map_err(|_| response.unreadable(action, "a Graph collection"))?;
        counted
            .count
            .ok_or_else(|| response.unreadable(action, "a Graph collection with @odata.count"))
    }

    /// A user by object id, or `None` when the directory has no such user (anymore).
    pub async fn user_by_id(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<DirectoryUser>, Problem> {
        let action = "Reading an assigned user";
        let path = format!("/users/{}?$select={USER_SELECT}", encode_path_segment(id));
        let response = self
            .send(Request::get(self.url(&path)), action, cancel)
            .await?;
        if response.status == 404 {
            return Ok(None);
        }
        if !response.is_success() {
            return Err(graph_problem(action, &response));
        }
        response
            .json()
            .map(Some)
            .map_err(|_| response.unreadable(action, "a Graph user"))
    }

    /// The groups a user is a direct member of (`GET /users/{id}/memberOf`, cast to groups).
    /// Direct, not transitive: Entra's provisioning scope takes an assigned group's direct members
    /// only (<https://learn.microsoft.com/entra/identity/app-provisioning/how-provisioning-works>,
    /// "nested groups").
    pub async fn user_direct_groups(
        &self,
        user_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<DirectoryGroup>, Problem> {
        let path = format!(
            "/users/{}/memberOf/microsoft.graph.group?$select=id,displayName&$top=999",
            encode_path_segment(user_id)
        );
        self.pager(&path, false, "Reading the groups of an assigned user")
            .collect(100_000, cancel)
            .await
    }

    pub fn group_members(&self, group_id: &str) -> Pager<DirectoryMember> {
        let path = format!(
            "/groups/{}/members?$select=id,displayName,userPrincipalName&$top=100",
            encode_path_segment(group_id)
        );
        self.pager(&path, false, "Listing the group's members")
    }

    /// Enterprise apps with exactly this display name.
    pub async fn find_service_principals_by_name(
        &self,
        name: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<ServicePrincipal>, Problem> {
        let path = format!(
            "/servicePrincipals?$filter={}&$select={SP_SELECT}",
            encode_query_value(&format!("displayName eq {}", odata_string(name)))
        );
        self.pager(
            &path,
            false,
            &format!("Looking for the enterprise app \u{201c}{name}\u{201d}"),
        )
        .collect(100, cancel)
        .await
    }

    /// Search-as-you-type over enterprise apps.
    pub async fn search_service_principals(
        &self,
        text: &str,
        top: u32,
        cancel: &CancellationToken,
    ) -> Result<Vec<ServicePrincipal>, Problem> {
        let path = format!(
            "/servicePrincipals?$search={}&$select={SP_SELECT}&$top={top}&$count=true",
            encode_query_value(&format!("\"displayName:{}\"", text.replace('"', "")))
        );
        self.pager(&path, true, "Searching enterprise apps")
            .collect(top as usize, cancel)
            .await
    }

    /// `None` on 404 (e.g. deleted, or not replicated yet).
    pub async fn get_service_principal(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<ServicePrincipal>, Problem> {
        let action = "Reading the enterprise app";
        let request = Request::get(self.url(&format!(
            "/servicePrincipals/{}?$select={SP_SELECT}",
            encode_path_segment(id)
        )));
        let response = self.send(request, action, cancel).await?;
        match response.status {
            404 => Ok(None),
            _ if response.is_success() => response
                .json()
                .map(Some)
                .map_err(|_| response.unreadable(action, "an enterprise app")),
            _ => Err(graph_problem(action, &response)),
        }
    }

    /// Creates a non-gallery enterprise app. Not retried blindly: the caller looks for the
    /// name first and again before any retry (an instantiate that timed out may have worked).
    pub async fn instantiate_non_gallery_app(
        &self,
        display_name: &str,
        cancel: &CancellationToken,
    ) -> Result<(String, String), Problem> {
        let action = format!("Creating the enterprise app \u{201c}{display_name}\u{201d}");
        let created: InstantiatedApp = self
            .post_json(
                &format!("/applicationTemplates/{NON_GALLERY_TEMPLATE_ID}/instantiate"),
                json!({ "displayName": display_name }),
                Retry::ThrottleOnly,
                &action,
                cancel,
            )
            .await?;
        match (created.service_principal, created.application) {
            (Some(sp), app) => Ok((sp.id, app.map(|app| app.id).unwrap_or_default())),
            (None, _) => Err(Problem::server(
                action,
                "Graph created the app but its reply named no service principal.",
                "Search for the app by name and try again.",
            )),
        }
    }

    pub async fn list_assignments(
        &self,
        sp_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<AppRoleAssignment>, Problem> {
        self.pager(
            &format!(
                "/servicePrincipals/{}/appRoleAssignedTo?$top=100",
                encode_path_segment(sp_id)
            ),
            false,
            "Listing who is assigned to the app",
        )
        .collect(100_000, cancel)
        .await
    }

    pub async fn add_assignment(
        &self,
        sp_id: &str,
        principal_id: &str,
        app_role_id: &str,
        cancel: &CancellationToken,
    ) -> Result<AppRoleAssignment, Problem> {
        self.post_json(
            &format!(
                "/servicePrincipals/{}/appRoleAssignedTo",
                encode_path_segment(sp_id)
            ),
            json!({ "principalId": principal_id, "resourceId": sp_id, "appRoleId": app_role_id }),
            Retry::ThrottleOnly,
            "Assigning to the app",
            cancel,
        )
        .await
    }

    pub async fn remove_assignment(
        &self,
        sp_id: &str,
        assignment_id: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Problem> {
        let request = Request::new(
            Method::DELETE,
            self.url(&format!(
                "/servicePrincipals/{}/appRoleAssignedTo/{}",
                encode_path_segment(sp_id),
                encode_path_segment(assignment_id)
            )),
        );
        let response = self.send(request, "Removing an assignment", cancel).await?;
        if response.is_success() || response.status == 404 {
            Ok(())
        } else {
            Err(graph_problem("Removing an assignment", &response))
        }
    }
}
