//! Provisioning logs (<https://learn.microsoft.com/graph/api/provisioningobjectsummary-list>):
//! per-user outcomes of cycles and on-demand runs, queried by person (object id or UPN), by time
//! window and by status, a page at a time with Graph's `@odata.nextLink`, and with identical
//! repeats folded into one row ("skipped × 37"). Graph allows about 5 of these requests per 10 s,
//! so callers ask rarely.

use std::marker::PhantomData;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::types::{LogStep, ProvisioningLogEntry};
use super::unity_causes::explain_unity_failure;
use super::{odata_string, GraphClient, Pager};
use crate::http::encode_query_value;
use crate::problem::Problem;

/// How far back to look: the portal's "Last hour", "Last 24 hours", "Last 7 days".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum LogWindow {
    LastHour,
    Last24Hours,
    Last7Days,
}

impl LogWindow {
    fn duration(self) -> chrono::Duration {
        match self {
            LogWindow::LastHour => chrono::Duration::hours(1),
            LogWindow::Last24Hours => chrono::Duration::hours(24),
            LogWindow::Last7Days => chrono::Duration::days(7),
        }
    }

    fn words(self) -> &'static str {
        match self {
            LogWindow::LastHour => "in the last hour",
            LogWindow::Last24Hours => "in the last 24 hours",
            LogWindow::Last7Days => "in the last 7 days",
        }
    }
}

/// What to look for in an app's provisioning logs. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProvisioningLogQuery {
    /// A person or group: their Entra object id, their UPN, or part of their name.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub person: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub window: Option<LogWindow>,
    /// `success`, `failure`, `skipped` or `warning` (the logs' own words).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub status: Option<String>,
}

/// Identical entries in a row (same person, action, status and error) folded into one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LogGroup {
    /// The newest entry of the run.
    pub entry: ProvisioningLogEntry,
    /// How many entries the run holds (1 for a single entry).
    pub count: u32,
    /// When the oldest entry of the run happened (RFC 3339).
    pub first_at: String,
}

/// One page of results, and where the next one is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProvisioningLogPage {
    pub groups: Vec<LogGroup>,
    /// Entries read on this page, before folding repeats.
    pub entries_read: u32,
    /// Graph's `@odata.nextLink` for the next page, passed back verbatim; none at the end.
    #[ts(optional = nullable)]
    pub next_link: Option<String>,
    /// What was searched, in words, for "nothing found" and for the page's caption.
    pub searched: String,
}

/// A person given as an object id (a GUID) rather than a UPN or a name.
fn looks_like_object_id(text: &str) -> bool {
    let hex = text.chars().filter(char::is_ascii_hexdigit).count();
    text.len() == 36 && hex == 32 && text.chars().filter(|c| *c == '-').count() == 4
}

/// The `$filter` for a query: the app, then each given criterion (`eq`, `ge`, `contains`, as
/// the provisioning logs' page lists).
/// `person_id` is the person's object id when it is known (given, or looked up from a UPN).
pub fn log_filter(
    sp_id: &str,
    query: &ProvisioningLogQuery,
    person_id: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let mut parts = vec![format!("servicePrincipal/id eq {}", odata_string(sp_id))];
    if let Some(window) = query.window {
        let since = (now - window.duration()).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        parts.push(format!("activityDateTime ge {since}"));
    }
    if let Some(status) = query.status.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(format!(
            "provisioningStatusInfo/status eq {}",
            odata_string(&status.trim().to_ascii_lowercase())
        ));
    }
    match (person_id, query.person.as_deref().map(str::trim)) {
        (Some(id), _) => parts.push(format!("sourceIdentity/id eq {}", odata_string(id))),
        (None, Some(name)) if !name.is_empty() => parts.push(format!(
            "contains(sourceIdentity/displayName, {})",
            odata_string(name)
        )),
        _ => {}
    }
    parts.join(" and ")
}

/// "for “adele@contoso.com”, in the last 24 hours, with status failure".
pub fn describe_query(query: &ProvisioningLogQuery) -> String {
    let mut words = Vec::new();
    match query.person.as_deref().map(str::trim) {
        Some(person) if !person.is_empty() => words.push(format!("for \u{201c}{person}\u{201d}")),
        _ => words.push("for everyone".to_string()),
    }
    words.push(
        query
            .window
            .map(LogWindow::words)
            .unwrap_or("over everything Entra keeps (7 to 30 days)")
            .to_string(),
    );
    if let Some(status) = query.status.as_deref().filter(|s| !s.trim().is_empty()) {
        words.push(format!(
            "with status {}",
            status.trim().to_ascii_lowercase()
        ));
    }
    words.join(", ")
}

/// The fields that make two entries "the same" for folding.
fn same_event(a: &ProvisioningLogEntry, b: &ProvisioningLogEntry) -> bool {
    let who = |e: &ProvisioningLogEntry| {
        e.source_id
            .clone()
            .or_else(|| e.source_display_name.clone())
    };
    who(a) == who(b)
        && a.provisioning_action == b.provisioning_action
        && a.status == b.status
        && a.error_code == b.error_code
        && a.reason == b.reason
        && a.on_demand == b.on_demand
}

/// Folds runs of identical entries (newest first) into one group each, keeping the order.
pub fn group_repeats(entries: Vec<ProvisioningLogEntry>) -> Vec<LogGroup> {
    let mut groups: Vec<LogGroup> = Vec::new();
    for entry in entries {
        if let Some(last) = groups.last_mut() {
            if same_event(&last.entry, &entry) {
                last.count += 1;
                last.first_at = entry.activity_date_time.clone();
                continue;
            }
        }
        groups.push(LogGroup {
            first_at: entry.activity_date_time.clone(),
            entry,
            count: 1,
        });
    }
    groups
}

impl GraphClient {
    /// The newest `top` entries for an app, newest first.
    pub async fn provisioning_logs(
        &self,
        sp_id: &str,
        top: u32,
        cancel: &CancellationToken,
    ) -> Result<Vec<ProvisioningLogEntry>, Problem> {
        let path = format!(
            "/auditLogs/provisioning?$filter={}&$top={top}&$orderby={}",
            encode_query_value(&format!("servicePrincipal/id eq {}", odata_string(sp_id))),
            encode_query_value("activityDateTime desc"),
        );
        let raw: Vec<Value> = self
            .pager(&path, false, "Reading the provisioning logs")
            .collect(top as usize, cancel)
            .await?;
        Ok(raw.iter().filter_map(read_log_entry).collect())
    }

    /// One page of an app's provisioning logs matching `query`, newest first, repeats folded.
    /// `next_link` continues an earlier search (Graph's `@odata.nextLink`, used verbatim; a
    /// link to anywhere but this Graph is refused, so the token goes nowhere else). A UPN is
    /// looked up to its object id, since the logs filter by `sourceIdentity/id`. `page_size`
    /// is Graph's `$top` (1 to 500). Errors: Graph's (throttled at 5 requests per 10 s).
    pub async fn query_provisioning_logs(
        &self,
        sp_id: &str,
        query: &ProvisioningLogQuery,
        next_link: Option<&str>,
        page_size: u32,
        cancel: &CancellationToken,
    ) -> Result<ProvisioningLogPage, Problem> {
        let action = "Reading the provisioning logs";
        let mut searched = describe_query(query);
        let url = match next_link {
            Some(link) => {
                if !link.starts_with(&self.url("/")) {
                    return Err(Problem::bad_input(
                        action,
                        "The link to the next page does not point at this cloud's Microsoft Graph.",
                        "Search again from the first page.",
                    ));
                }
                link.to_string()
            }
            None => {
                let person = query.person.as_deref().map(str::trim).unwrap_or_default();
                let person_id = if looks_like_object_id(person) {
                    Some(person.to_string())
                } else if person.contains('@') {
                    match self.find_user_by_upn(person, cancel).await? {
                        Some(user) => Some(user.id),
                        None => {
                            return Ok(ProvisioningLogPage {
                                groups: Vec::new(),
                                entries_read: 0,
                                next_link: None,
                                searched: format!(
                                    "{searched}: no user with that user principal name exists in the directory"
                                ),
                            })
                        }
                    }
                } else {
                    if !person.is_empty() {
                        searched.push_str(" (names containing it, capital letters as typed)");
                    }
                    None
                };
                let filter = log_filter(sp_id, query, person_id.as_deref(), chrono::Utc::now());
                self.url(&format!(
                    "/auditLogs/provisioning?$filter={}&$top={}&$orderby={}",
                    encode_query_value(&filter),
                    page_size.clamp(1, 500),
                    encode_query_value("activityDateTime desc"),
                ))
            }
        };
        let mut pager: Pager<Value> = Pager {
            client: self.clone(),
            next: Some(url),
            advanced_query: false,
            action: action.to_string(),
            _item: PhantomData,
        };
        let raw = pager.next_page(cancel).await?.unwrap_or_default();
        let entries: Vec<ProvisioningLogEntry> = raw.iter().filter_map(read_log_entry).collect();
        Ok(ProvisioningLogPage {
            entries_read: u32::try_from(entries.len()).unwrap_or(u32::MAX),
            groups: group_repeats(entries),
            next_link: pager.next,
            searched,
        })
    }
}

fn text(value: &Value, path: &[&str]) -> Option<String> {
    let mut current = value;
    for key in path {
        current = current.get(key)?;
    }
    match current {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Reads the v1.0 shape; the deprecated beta `statusInfo` is a fallback.
pub fn read_log_entry(raw: &Value) -> Option<ProvisioningLogEntry> {
    let id = text(raw, &["id"])?;
    let steps = raw
        .get("provisioningSteps")
        .and_then(Value::as_array)
        .map(|steps| {
            steps
                .iter()
                .map(|step| LogStep {
                    name: text(step, &["name"]).unwrap_or_default(),
                    step_type: text(step, &["provisioningStepType"]).unwrap_or_default(),
                    status: text(step, &["status"]).unwrap_or_default(),
                    description: text(step, &["description"]).unwrap_or_default(),
                    details: step
                        .get("details")
                        .and_then(Value::as_object)
                        .map(|map| {
                            map.iter()
                                .map(|(k, v)| {
                                    (
                                        k.clone(),
                                        v.as_str()
                                            .map(str::to_string)
                                            .unwrap_or_else(|| v.to_string()),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    let error_code = text(
        raw,
        &["provisioningStatusInfo", "errorInformation", "errorCode"],
    )
    .or_else(|| text(raw, &["statusInfo", "errorCode"]));
    let reason = text(
        raw,
        &["provisioningStatusInfo", "errorInformation", "reason"],
    )
    .or_else(|| text(raw, &["statusInfo", "reason"]));
    let source_display_name = text(raw, &["sourceIdentity", "displayName"]);
    // Who, for the explanation: the UPN the entry names, else the display name.
    let who = text(raw, &["sourceIdentity", "details", "UserPrincipalName"])
        .or_else(|| source_display_name.clone())
        .unwrap_or_else(|| "the user".to_string());
    // A log entry does not know the organization's validated domains; the window may know.
    let unity = reason
        .as_deref()
        .and_then(|reason| explain_unity_failure(&who, error_code.as_deref(), Some(reason), &[]));
    Some(ProvisioningLogEntry {
        id,
        activity_date_time: text(raw, &["activityDateTime"]).unwrap_or_default(),
        job_id: text(raw, &["jobId"]),
        cycle_id: text(raw, &["cycleId"]),
        change_id: text(raw, &["changeId"]),
        provisioning_action: text(raw, &["provisioningAction"]).or_else(|| text(raw, &["action"])),
        status: text(raw, &["provisioningStatusInfo", "status"])
            .or_else(|| text(raw, &["statusInfo", "status"])),
        error_code,
        reason,
        source_display_name,
        source_user_principal_name: text(raw, &["sourceIdentity", "details", "UserPrincipalName"]),
        target_id: text(raw, &["targetIdentity", "id"]),
        steps,
        source_id: text(raw, &["sourceIdentity", "id"]),
        identity_type: text(raw, &["sourceIdentity", "identityType"])
            .or_else(|| text(raw, &["sourceIdentity", "type"])),
        on_demand: text(raw, &["initiatedBy", "initiatorType"])
            .is_some_and(|t| t.eq_ignore_ascii_case("user")),
        unity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(time: &str) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(time)
            .expect("time")
            .with_timezone(&chrono::Utc)
    }

    #[test]
    fn filters_by_app_time_status_and_person() {
        let query = ProvisioningLogQuery {
            person: Some("adele@contoso.com".into()),
            window: Some(LogWindow::Last24Hours),
            status: Some("Failure".into()),
        };
        assert_eq!(
            log_filter("sp1", &query, Some("u-1"), at("2026-11-30T10:00:00Z")),
            "servicePrincipal/id eq 'sp1' and activityDateTime ge 2026-11-29T10:00:00Z \
             and provisioningStatusInfo/status eq 'failure' and sourceIdentity/id eq 'u-1'"
        );
        let by_name = ProvisioningLogQuery {
            person: Some("Ad'ele".into()),
            ..Default::default()
        };
        assert_eq!(
            log_filter("sp1", &by_name, None, at("2026-11-30T10:00:00Z")),
            "servicePrincipal/id eq 'sp1' and contains(sourceIdentity/displayName, 'Ad''ele')"
        );
        assert_eq!(
            describe_query(&query),
            "for \u{201c}adele@contoso.com\u{201d}, in the last 24 hours, with status failure"
        );
        assert!(looks_like_object_id("5b7d3c7e-3f1a-4a54-9d8a-0c1f2e3d4b5a"));
        assert!(!looks_like_object_id("adele@contoso.com"));
    }

    #[test]
    fn folds_identical_repeats_and_keeps_the_rest_in_order() {
        let entry = |id: &str, who: &str, status: &str, when: &str| {
            read_log_entry(&json!({"id": id, "activityDateTime": when, "provisioningAction": "other",
                "provisioningStatusInfo": {"status": status}, "sourceIdentity": {"id": who, "displayName": who}}))
            .expect("entry")
        };
        let groups = group_repeats(vec![
            entry("1", "ann", "skipped", "2026-11-30T10:03:00Z"),
            entry("2", "ann", "skipped", "2026-11-30T10:02:00Z"),
            entry("3", "ann", "skipped", "2026-11-30T10:01:00Z"),
            entry("4", "bob", "success", "2026-11-30T10:00:30Z"),
            entry("5", "ann", "skipped", "2026-11-30T10:00:00Z"),
        ]);
        let summary: Vec<(String, u32, String)> = groups
            .iter()
            .map(|g| (g.entry.id.clone(), g.count, g.first_at.clone()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("1".into(), 3, "2026-11-30T10:01:00Z".into()),
                ("4".into(), 1, "2026-11-30T10:00:30Z".into()),
                ("5".into(), 1, "2026-11-30T10:00:00Z".into()),
            ]
        );
    }

    #[test]
    fn reads_a_failure_entry() {
        let raw = json!({"id":"1","activityDateTime":"2025-01-01T00:00:00Z","jobId":"scim.x","changeId":"ch",
            "provisioningAction":"create",
            "provisioningStatusInfo":{"status":"failure","errorInformation":{"errorCode":"ContosoEntryConflict","reason":"409","errorCategory":"nonServiceFailure"}},
            "provisioningSteps":[{"name":"EntryExportAdd","provisioningStepType":"export","status":"failure","description":"d","details":{}}],
            "sourceIdentity":{"id":"u","displayName":"Ann"}});
        let entry = read_log_entry(&raw).expect("entry");
        assert_eq!(entry.status.as_deref(), Some("failure"));
        assert_eq!(entry.error_code.as_deref(), Some("ContosoEntryConflict"));
        assert_eq!(entry.steps[0].step_type, "export");
        assert_eq!(entry.source_display_name.as_deref(), Some("Ann"));
    }
}
