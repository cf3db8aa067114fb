//! The provisioning log history the seeded "Unity" app starts with, so a log search has older
//! entries to page into (Entra keeps them 30 days,
//! <https://learn.microsoft.com/entra/identity/monitoring-health/concept-provisioning-logs>). An
//! earlier job of the app ran a cycle every 40 minutes from seven days ago until two hours ago:
//! - its first cycle created the Unity Pilot members (the two sample users among them);
//! - an HR feed touches the first sample user every cycle, which changes nothing Unity holds,
//!   so each cycle logs them as skipped (`RedundantExport`): the runs a search folds into
//!   "skipped × N";
//! - once a day that user's job title really changes (an update), and one cycle four days ago
//!   met a 503 from Unity, retried with success on the next;
//! - every other day the other pilot members get an update.
//!
//! The history is data to search, nothing more: Unity's SCIM store is not back-filled, and
//! the job it names is not the one step 3 creates (so the job card's "last cycle" counts and
//! held-back deletions never see it). Timestamps are relative to the sandbox's start.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::engine::{step, Action, Outcome, Step, Verdict};
use super::mapping::{export_error, TARGET_SYSTEM};
use super::report::log_entry;
use crate::graph::ServicePrincipal;
use crate::seed::{self, DirUser, Directory};

/// Entra's default cycle for a small tenant.
const CYCLE: Duration = Duration::minutes(40);
/// One cycle in 36 (a day) changes the HR-touched user's title for real.
const DAILY: usize = 36;
/// The cycle (about four days ago) that met a 503 from Unity.
const OUTAGE_CYCLE: usize = 100;

/// The entries, oldest first (the order the live engine appends in).
pub(crate) fn seed_history(dir: &Directory, sp: &ServicePrincipal) -> Vec<Value> {
    let now = Utc::now();
    let first = now - Duration::days(7) + Duration::minutes(20);
    let last = now - Duration::hours(2);
    let (pilot, _) = dir.group_members(seed::PILOT_GROUP, 0, 5);
    let members: Vec<DirUser> = pilot.into_iter().filter_map(|i| dir.user(i)).collect();
    let Some(touched) = dir.sample_users().into_iter().next() else {
        return Vec::new();
    };
    let job_id = format!(
        "scim.{}.{}",
        seed::TENANT_ID.replace('-', ""),
        "0a1d0b5a5a4d4b0c9d1e000000000001"
    );
    let mut entries = Vec::new();
    let mut at = first;
    let mut cycle = 0;
    while at <= last {
        let cycle_id = crate::ids::new_guid();
        let mut log = |out: Outcome| entries.push(log_entry(&out, sp, &job_id, &cycle_id, None));
        if cycle == 0 {
            for user in &members {
                log(outcome(user, at, Action::Create, Verdict::Success, None));
            }
        } else {
            let action = if cycle == OUTAGE_CYCLE {
                let error = export_error(
                    503,
                    r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"503","detail":"Service temporarily unavailable."}"#,
                    "update",
                    &touched.upn,
                );
                (Action::Update, Verdict::Failure, Some(error))
            } else if cycle % DAILY == 0 || cycle == OUTAGE_CYCLE + 1 {
                (Action::Update, Verdict::Success, None)
            } else {
                let reason = (
                    "RedundantExport".to_string(),
                    "The state of the user in both the source and target systems already match."
                        .to_string(),
                );
                (Action::Other, Verdict::Skipped, Some(reason))
            };
            log(outcome(&touched, at, action.0, action.1, action.2));
            if cycle % (2 * DAILY) == DAILY / 2 {
                for user in members.iter().filter(|u| u.id != touched.id) {
                    log(outcome(user, at, Action::Update, Verdict::Success, None));
                }
            }
        }
        cycle += 1;
        at += CYCLE;
    }
    entries
}

fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// One user through one cycle, with the steps the live engine logs for the same outcome.
fn outcome(
    user: &DirUser,
    at: DateTime<Utc>,
    action: Action,
    verdict: Verdict,
    error: Option<(String, String)>,
) -> Outcome {
    let target_id = crate::ids::indexed_guid(0x0e5e_00a1, user.index);
    let created = action == Action::Create;
    let mut steps: Vec<Step> = vec![
        step(
            "EntryImport",
            "Import",
            Verdict::Success,
            format!("Retrieved User '{}' from Azure Active Directory", user.upn),
            json!({"objectId": user.id, "userPrincipalName": user.upn, "accountEnabled": "True"}),
        ),
        step(
            "EntryImport",
            "Matching",
            Verdict::Success,
            if created {
                format!("User '{}' was not found in {TARGET_SYSTEM}", user.upn)
            } else {
                format!("Retrieved '{}' from {TARGET_SYSTEM}", user.upn)
            },
            json!({}),
        ),
        step(
            "EntrySynchronizationScoping",
            "Scoping",
            Verdict::Success,
            "Determine if User in scope by evaluating against each scoping filter",
            json!({"IsActive": "True", "Assigned": "True", "IsEffectivelyEntitledForProvisioning": "True"}),
        ),
    ];
    steps.push(match (action, verdict) {
        (_, Verdict::Skipped) => step(
            "EntrySynchronizationSkip",
            "Export",
            Verdict::Skipped,
            "The User will be skipped",
            json!({"SkipReason": "RedundantExport"}),
        ),
        (Action::Create, _) => step(
            "EntryExportAdd",
            "Export",
            verdict,
            format!("User '{}' was created in {TARGET_SYSTEM}", user.upn),
            json!({}),
        ),
        _ => step(
            "EntryExportUpdate",
            "Export",
            verdict,
            format!("User '{}' was updated in {TARGET_SYSTEM}", user.upn),
            json!({}),
        ),
    });
    let modified = match (action, verdict) {
        (Action::Create, _) => vec![
            ("userName".to_string(), None, Some(user.upn.clone())),
            ("active".to_string(), None, Some("True".to_string())),
            (
                "displayName".to_string(),
                None,
                Some(user.display_name.clone()),
            ),
        ],
        (Action::Update, Verdict::Success) => {
            vec![("title".to_string(), None, Some(user.job_title.clone()))]
        }
        _ => Vec::new(),
    };
    Outcome {
        user: user.clone(),
        action,
        verdict,
        steps,
        target_id: Some(target_id),
        error,
        modified,
        started: iso(at - Duration::milliseconds(850)),
        ended: iso(at),
        change_id: crate::ids::new_guid(),
        duration_ms: 850,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_week_of_cycles_with_repeats_an_outage_and_its_retry() {
        let dir = Directory::new(200);
        let graph = crate::graph::GraphState::seed(&dir, std::time::Instant::now());
        let sp = graph.service_principals[0].clone();
        let entries = seed_history(&dir, &sp);
        let touched = dir.sample_users()[0].id.clone();
        let theirs: Vec<&Value> = entries
            .iter()
            .filter(|e| e["sourceIdentity"]["id"] == json!(touched))
            .collect();
        // About 250 cycles, one entry each: more than two pages of 100.
        assert!(theirs.len() > 200, "{}", theirs.len());
        let status = |e: &Value| e["provisioningStatusInfo"]["status"].clone();
        assert!(theirs
            .windows(2)
            .any(|w| status(w[0]) == "skipped" && status(w[1]) == "skipped"));
        assert_eq!(theirs.iter().filter(|e| status(e) == "failure").count(), 1);
        // Oldest first, all within the last seven days and older than two hours.
        let times: Vec<&str> = entries
            .iter()
            .filter_map(|e| e["activityDateTime"].as_str())
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        let week_ago = iso(Utc::now() - Duration::days(7));
        let two_hours_ago = iso(Utc::now() - Duration::hours(2));
        assert!(times
            .iter()
            .all(|t| *t > week_ago.as_str() && *t <= two_hours_ago.as_str()));
        assert!(entries
            .iter()
            .all(|e| e["servicePrincipal"]["id"] == json!(sp.id)));
    }
}
