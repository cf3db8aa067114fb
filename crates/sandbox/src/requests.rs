//! How many requests each simulated service has been sent, for benchmarks that report the
//! requests an engine call makes (e.g. the preview: Graph against Unity's SCIM server). A
//! layer on each listener's router counts every request that arrives, before faults, whoever
//! sends it (the simulated provisioning service's own SCIM calls included); `/_sandbox`
//! control requests are not counted. Read through `Sandbox::requests`.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::SharedApp;

/// Requests served so far, by service. Subtract an earlier reading (`since`) to count one call's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestCounts {
    /// Microsoft Graph (`/v1.0/…`).
    pub graph: u64,
    /// Microsoft sign-in (authorize, token, device code, discovery).
    pub microsoft_sign_in: u64,
    /// Unity's SCIM server (`/scim/v2/…`, over HTTP or the untrusted TLS listener).
    pub unity_scim: u64,
    /// Unity sign-in and admin API.
    pub unity_api: u64,
}

impl RequestCounts {
    /// The requests served between `earlier` and this reading.
    pub fn since(self, earlier: RequestCounts) -> RequestCounts {
        RequestCounts {
            graph: self.graph.saturating_sub(earlier.graph),
            microsoft_sign_in: self
                .microsoft_sign_in
                .saturating_sub(earlier.microsoft_sign_in),
            unity_scim: self.unity_scim.saturating_sub(earlier.unity_scim),
            unity_api: self.unity_api.saturating_sub(earlier.unity_api),
        }
    }
}

/// Which listener a router serves: the same path prefix means different services on each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Listener {
    Microsoft,
    Unity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    Graph,
    MicrosoftSignIn,
    UnityScim,
    UnityApi,
}

fn service_of(listener: Listener, path: &str) -> Option<Service> {
    if path.starts_with("/_sandbox") {
        return None;
    }
    Some(match listener {
        Listener::Microsoft if path.starts_with("/v1.0/") => Service::Graph,
        Listener::Microsoft => Service::MicrosoftSignIn,
        Listener::Unity if path.starts_with("/scim/v2/") => Service::UnityScim,
        Listener::Unity => Service::UnityApi,
    })
}

/// The counters, one per service; kept in the sandbox's shared state.
#[derive(Debug, Default)]
pub(crate) struct RequestCounter {
    graph: AtomicU64,
    microsoft_sign_in: AtomicU64,
    unity_scim: AtomicU64,
    unity_api: AtomicU64,
}

impl RequestCounter {
    fn count(&self, listener: Listener, path: &str) {
        let slot = match service_of(listener, path) {
            Some(Service::Graph) => &self.graph,
            Some(Service::MicrosoftSignIn) => &self.microsoft_sign_in,
            Some(Service::UnityScim) => &self.unity_scim,
            Some(Service::UnityApi) => &self.unity_api,
            None => return,
        };
        slot.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> RequestCounts {
        RequestCounts {
            graph: self.graph.load(Ordering::Relaxed),
            microsoft_sign_in: self.microsoft_sign_in.load(Ordering::Relaxed),
            unity_scim: self.unity_scim.load(Ordering::Relaxed),
            unity_api: self.unity_api.load(Ordering::Relaxed),
        }
    }
}

/// Router layer: counts the request, then serves it.
pub(crate) async fn count(
    State((app, listener)): State<(SharedApp, Listener)>,
    request: Request,
    next: Next,
) -> Response {
    app.requests.count(listener, request.uri().path());
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_request_counts_for_its_service_and_control_requests_for_none() {
        let counter = RequestCounter::default();
        counter.count(Listener::Microsoft, "/v1.0/users");
        counter.count(
            Listener::Microsoft,
            "/v1.0/servicePrincipals/x/synchronization/jobs",
        );
        counter.count(Listener::Microsoft, "/organizations/oauth2/v2.0/token");
        counter.count(Listener::Unity, "/scim/v2/tenants/1/Users");
        counter.count(Listener::Unity, "/v1/oauth2/token");
        counter.count(Listener::Unity, "/_sandbox/state");
        counter.count(Listener::Microsoft, "/_sandbox/faults");
        let first = counter.snapshot();
        assert_eq!(
            first,
            RequestCounts {
                graph: 2,
                microsoft_sign_in: 1,
                unity_scim: 1,
                unity_api: 1,
            }
        );
        counter.count(Listener::Unity, "/scim/v2/tenants/1/Users?startIndex=101");
        assert_eq!(
            counter.snapshot().since(first),
            RequestCounts {
                unity_scim: 1,
                ..RequestCounts::default()
            }
        );
    }
}
