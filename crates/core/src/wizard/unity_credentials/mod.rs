//! Steps 1 and 2, the Unity side: the checked pair Entra needs as its admin credentials (the
//! SCIM base connector URL and a bearer token). The API road (`api_road`) signs in and makes
//! what is missing, one `ensure_*` per thing: the service account and its role
//! (`service_account`), the token (`bearer_token`), the URL (`connector_url`). The guided
//! road (`guided_road`) takes what the admin pasted. `reconcile` settles the tokens an
//! interrupted run may have minted.

pub mod api_road;
pub mod bearer_token;
pub mod connector_url;
pub mod guided_road;
pub mod reconcile;
pub mod service_account;
