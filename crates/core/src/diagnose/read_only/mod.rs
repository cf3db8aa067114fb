//! The checks that change nothing, in the order a diagnosis runs them: the Tenant URL's shape,
//! the network, the token, Test Connection, Entra's match queries, discovery, pagination, and
//! the audits of every answer's error shape, content type, resource shape and timing.

pub(crate) mod auth_checks;
pub(super) mod discovery;
pub(super) mod error_shape;
pub(super) mod match_queries;
pub(super) mod network;
pub(super) mod pagination;
pub(super) mod resource_shape;
pub(super) mod test_connection;
pub(crate) mod url_shape;
