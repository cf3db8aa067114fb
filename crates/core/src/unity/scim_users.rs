//! Reading users from Unity's SCIM server the way Entra queries it
//! (<https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups>):
//! `GET {base}/Users?filter=userName eq "…"` and RFC 7644 pages (`startIndex`, `count`).
//! Read-only: the preview and the "Arrived in Unity" check use it; nothing here writes.

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::http::{encode_query_value, AnswerKind, Http, Request, Response, Retry};
use crate::problem::Problem;
use crate::secret::Secret;
use crate::unity::scim_status::{ROLE_MISSING, TOKEN_UNKNOWN, WRONG_URL};

/// A read-only client for `{SCIM base}/Users` with the service account's bearer token.
#[derive(Clone)]
pub struct ScimUsersReader {
    http: Http,
    base: String,
    /// A flag such as `aadOptscim062020` carried by the Tenant URL, sent on every query.
    flag: Option<String>,
    token: Secret,
}

/// One page of users and the total the server reports.
pub struct ScimUsersPage {
    pub users: Vec<Value>,
    pub total_results: u64,
}

impl ScimUsersReader {
    /// `url` is the SCIM base connector URL as saved in Entra (a `?flag` is kept aside).
    /// Calls are bounded like Entra's (`http::ScimBounds`) within `http`'s own config.
    pub fn new(http: Http, url: &str, token: Secret) -> Self {
        let http = http.for_scim_endpoint();
        let (base, flag) = match url.split_once('?') {
            Some((base, flag)) => (base, Some(flag.to_string())),
            None => (url, None),
        };
        Self {
            http,
            base: base.trim_end_matches('/').to_string(),
            flag,
            token,
        }
    }

    fn users_url(&self, query: &str) -> String {
        match &self.flag {
            Some(flag) => format!("{}/Users?{query}&{flag}", self.base),
            None => format!("{}/Users?{query}", self.base),
        }
    }

    async fn get_list(
        &self,
        url: String,
        action: &str,
        cancel: &CancellationToken,
    ) -> Result<Value, Problem> {
        let request = Request::get(url)
            .bearer(&self.token)
            .header("accept", "application/scim+json")
            .answer(AnswerKind::Page)
            .retry(Retry::Idempotent);
        let response = self
            .http
            .send(&request, cancel)
            .await
            .map_err(|err| err.into_problem(action, &request.describe()))?;
        if response.status != 200 {
            return Err(scim_read_problem(action, &response));
        }
        response
            .json()
            .map_err(|_| response.unreadable(action, "a SCIM ListResponse"))
    }

    /// Every Unity user whose `attribute` equals `value` (Entra's matching query).
    pub async fn find_by(
        &self,
        attribute: &str,
        value: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<Value>, Problem> {
        let filter = format!("{attribute} eq \"{}\"", value.replace('"', "\\\""));
        let list = self
            .get_list(
                self.users_url(&format!("filter={}", encode_query_value(&filter))),
                &format!("Looking for {value} in Unity"),
                cancel,
            )
            .await?;
        Ok(resources(&list))
    }

    /// One page of all users, from the 1-based `start_index`.
    pub async fn page(
        &self,
        start_index: u64,
        count: u32,
        cancel: &CancellationToken,
    ) -> Result<ScimUsersPage, Problem> {
        let list = self
            .get_list(
                self.users_url(&format!("startIndex={start_index}&count={count}")),
                "Listing Unity's users",
                cancel,
            )
            .await?;
        let users = resources(&list);
        let total_results = list
            .get("totalResults")
            .and_then(Value::as_u64)
            .unwrap_or(users.len() as u64);
        Ok(ScimUsersPage {
            users,
            total_results,
        })
    }
}

fn resources(list: &Value) -> Vec<Value> {
    list.get("Resources")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn scim_read_problem(action: &str, response: &Response) -> Problem {
    let problem = match response.status {
        401 => Problem::credentials_rejected(
            action,
            format!(
                "Unity's SCIM server does not know the stored bearer token (401): {}.",
                TOKEN_UNKNOWN.cause
            ),
            "Rotate the token (or do step 1 again), then try again.",
        ),
        403 => Problem::credentials_rejected(
            action,
            format!(
                "Unity's SCIM server refused the token (403): {}.",
                ROLE_MISSING.cause
            ),
            format!("{}, then try again.", ROLE_MISSING.fix),
        ),
        404 => Problem::not_found(
            action,
            format!("Unity's SCIM server answered 404: {}.", WRONG_URL.cause),
            "Do step 2 again to check the SCIM base connector URL.",
        ),
        429 => Problem::throttled(
            action,
            "Unity's SCIM server kept asking us to slow down.",
            "Wait a minute and try again.",
        ),
        status => Problem::server(
            action,
            format!("Unity's SCIM server answered HTTP {status}."),
            "Try again later; run Diagnose on the endpoint for the details.",
        ),
    };
    problem.with_detail(response.detail())
}

/// Case-insensitive member of a JSON object (SCIM attribute names ignore case).
fn member<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    object
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// The value at a SCIM attribute path as text, the way Entra's mappings name targets:
/// `displayName`, `name.givenName`, `emails[type eq "work"].value`, `active`, and extension
/// attributes such as `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`.
/// Booleans read as `true`/`false`; a missing or null value is `None`.
pub fn attribute_text(user: &Value, path: &str) -> Option<String> {
    let (container, path) = match path.rsplit_once(':') {
        Some((urn, attribute)) if path.starts_with("urn:") => (member(user, urn)?, attribute),
        _ => (user, path),
    };
    let (head, rest) = match path.split_once('[') {
        Some((head, rest)) => (head, Some(rest)),
        None => (path, None),
    };
    let value = match rest {
        None => {
            let mut current = container;
            for part in head.split('.') {
                current = member(current, part)?;
            }
            current
        }
        Some(rest) => {
            // `emails[type eq "work"].value`
            let (condition, after) = rest.split_once(']')?;
            let mut words = condition.splitn(3, ' ');
            let (field, _op, wanted) = (words.next()?, words.next()?, words.next()?);
            let wanted = wanted.trim_matches('"');
            let item = member(container, head)?.as_array()?.iter().find(|item| {
                member(item, field)
                    .and_then(Value::as_str)
                    .is_some_and(|v| v.eq_ignore_ascii_case(wanted))
            })?;
            match after.strip_prefix('.') {
                Some(sub) => member(item, sub)?,
                None => item,
            }
        }
    };
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

/// Whether two attribute values agree as Entra compares them (booleans and e-mail-like
/// values without case; everything else exactly).
pub fn same_value(a: &str, b: &str) -> bool {
    let bool_like = |s: &str| s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false");
    if (bool_like(a) && bool_like(b)) || (a.contains('@') && b.contains('@')) {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_paths_entra_maps_to() {
        let user = json!({"userName": "ann@contoso.com", "Active": true,
            "name": {"givenName": "Ann"},
            "emails": [{"type": "home", "value": "a@home"}, {"type": "work", "value": "ann@contoso.com"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Art"}});
        assert_eq!(attribute_text(&user, "active").as_deref(), Some("true"));
        assert_eq!(
            attribute_text(&user, "name.givenName").as_deref(),
            Some("Ann")
        );
        assert_eq!(
            attribute_text(&user, "emails[type eq \"work\"].value").as_deref(),
            Some("ann@contoso.com")
        );
        assert_eq!(
            attribute_text(
                &user,
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
            )
            .as_deref(),
            Some("Art")
        );
        assert_eq!(attribute_text(&user, "title"), None);
        assert!(same_value("True", "true"));
        assert!(same_value("Ann@Contoso.com", "ann@contoso.com"));
        assert!(!same_value("Ann", "ann"));
    }
}
