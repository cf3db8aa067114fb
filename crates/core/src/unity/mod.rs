//! Unity Cloud: the API road (one adapter over the assumed admin contract) and the guided
//! road (Dashboard deep links, pasted values checked at once).

pub mod admin_api;
mod admin_types;
pub mod dashboard;
pub mod guided;
pub mod scim_status;
pub mod scim_users;

pub use admin_api::{
    BearerTokenInfo, NewBearerToken, ServiceAccount, SsoSettings, UnityAdminClient,
    UnityOrganization, SCIM_AUTHENTICATOR_ROLE,
};
pub use dashboard::{
    dashboard_links, dashboard_page_url, DashboardFacts, DashboardLinks, DashboardPage,
};
pub use guided::{
    check_scim_endpoint, parse_connector_input, parse_pasted_token, ScimEndpointCheck,
};
pub use scim_users::{attribute_text, same_value, ScimUsersPage, ScimUsersReader};
