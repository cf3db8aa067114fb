//! A typed Microsoft Graph client for exactly the calls the steps need. Shapes follow Graph's v1.0
//! reference (<https://learn.microsoft.com/graph/api/resources/synchronization-overview> and each
//! call's page); error envelopes become `Problem`s with the Graph code and request ids kept for
//! support.

mod directory;
mod errors;
pub mod job_status;
pub mod logs;
pub mod on_demand;
mod sync;
pub mod sync_secrets;
pub mod types;
pub mod unity_causes;

use std::marker::PhantomData;
use std::sync::Arc;

use reqwest::Method;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use crate::auth::AccessTokenSource;
use crate::http::{send_authorized, AnswerKind, Http, Request, Response, Retry};
use crate::problem::Problem;

pub use directory::{Me, Organization, VerifiedDomain};
pub use errors::{graph_problem, GraphError};
pub use job_status::{CycleCounts, EntryTally, JobStatus, ProvisioningScope};
pub use logs::{LogGroup, LogWindow, ProvisioningLogPage, ProvisioningLogQuery};
pub use sync::{parse_test_connection_failure, TestConnectionFailure};

/// The non-gallery ("Create your own application") template
/// (<https://learn.microsoft.com/graph/api/applicationtemplate-instantiate>).
pub const NON_GALLERY_TEMPLATE_ID: &str = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";

#[derive(Clone)]
pub struct GraphClient {
    http: Http,
    base: String,
    tokens: Arc<dyn AccessTokenSource>,
}

impl GraphClient {
    /// `base` is the profile's Graph base including `/v1.0`.
    pub fn new(http: Http, base: &str, tokens: Arc<dyn AccessTokenSource>) -> Self {
        Self {
            http,
            base: base.trim_end_matches('/').to_string(),
            tokens,
        }
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{}", self.base, path_and_query)
    }

    /// Sends with a fresh token; on a 401 refreshes once and tries again (a token that expired
    /// in flight is not the admin's problem). Returns the response whatever its status.
    pub async fn send(
        &self,
        request: Request,
        action: &str,
        cancel: &CancellationToken,
    ) -> Result<Response, Problem> {
        let response =
            send_authorized(&self.http, self.tokens.as_ref(), &request, action, cancel).await?;
        // Graph quotes SCIM servers (Test Connection, provisionOnDemand, job errors,
        // provisioning logs) and never sends a secret of ours back: redact at the door.
        Ok(response.redacted())
    }

    /// Sends and requires a 2xx; anything else becomes a Problem.
    pub async fn send_ok(
        &self,
        request: Request,
        action: &str,
        cancel: &CancellationToken,
    ) -> Result<Response, Problem> {
        let response = self.send(request, action, cancel).await?;
        if response.is_success() {
            Ok(response)
        } else {
            Err(graph_problem(action, &response))
        }
    }

    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        action: &str,
        cancel: &CancellationToken,
    ) -> Result<T, Problem> {
        // A Graph GET by path may be a collection page (`$top`), so it gets the page bound.
        let request = Request::get(self.url(path)).answer(AnswerKind::Page);
        let response = self.send_ok(request, action, cancel).await?;
        response
            .json()
            .map_err(|_| response.unreadable(action, "Graph JSON"))
    }

    pub async fn post_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: serde_json::Value,
        retry: Retry,
        action: &str,
        cancel: &CancellationToken,
    ) -> Result<T, Problem> {
        let request = Request::new(Method::POST, self.url(path))
            .json(body)
            .retry(retry);
        let response = self.send_ok(request, action, cancel).await?;
        response
            .json()
            .map_err(|_| response.unreadable(action, "Graph JSON"))
    }

    /// Pages through a collection by following `@odata.nextLink` verbatim.
    pub fn pager<T: DeserializeOwned>(
        &self,
        path: &str,
        advanced_query: bool,
        action: &str,
    ) -> Pager<T> {
        Pager {
            client: self.clone(),
            next: Some(self.url(path)),
            advanced_query,
            action: action.to_string(),
            _item: PhantomData,
        }
    }
}

/// One Graph collection, a page at a time.
pub struct Pager<T> {
    client: GraphClient,
    next: Option<String>,
    /// `$search`/`$count` need `ConsistencyLevel: eventual` on every page.
    advanced_query: bool,
    action: String,
    _item: PhantomData<T>,
}

#[derive(serde::Deserialize)]
struct Page<T> {
    #[serde(default = "Vec::new")]
    value: Vec<T>,
    #[serde(rename = "@odata.nextLink", default)]
    next_link: Option<String>,
}

impl<T: DeserializeOwned> Pager<T> {
    /// The next page, or `None` when the collection is exhausted.
    pub async fn next_page(
        &mut self,
        cancel: &CancellationToken,
    ) -> Result<Option<Vec<T>>, Problem> {
        let Some(url) = self.next.take() else {
            return Ok(None);
        };
        let mut request = Request::get(url).answer(AnswerKind::Page);
        if self.advanced_query {
            request = request.header("consistencylevel", "eventual");
        }
        let response = self.client.send_ok(request, &self.action, cancel).await?;
        let page: Page<T> = response
            .json()
            .map_err(|_| response.unreadable(&self.action, "a Graph collection"))?;
        self.next = page.next_link;
        Ok(Some(page.value))
    }

    /// Everything, up to `limit` items (the rest is not fetched).
    pub async fn collect(
        mut self,
        limit: usize,
        cancel: &CancellationToken,
    ) -> Result<Vec<T>, Problem> {
        let mut all = Vec::new();
        while all.len() < limit {
            match self.next_page(cancel).await? {
                Some(items) => all.extend(items),
                None => break,
            }
        }
        all.truncate(limit);
        Ok(all)
    }
}

/// Quotes a string literal for an OData `$filter` (single quotes doubled).
pub fn odata_string(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odata_strings_double_their_quotes() {
        assert_eq!(odata_string("O'Brien"), "'O''Brien'");
    }
}
