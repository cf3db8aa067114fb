//! Steps 1 and 2, the Unity side: the checked pair Entra needs as its admin credentials (the
//! SCIM base connector URL and a bearer token), by the API road or the guided road.

pub mod api_road;
