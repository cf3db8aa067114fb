//! Diagnose's inputs from what the person chose: which SCIM URL and token to probe (pasted,
//! or the ones set up in steps 1 and 2) with which test domain, and the configured app's
//! recent provisioning logs for one person.

use serde::Deserialize;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::entra_steps::journal_sp_id;
use super::unity_steps::stored_scim_token;
use super::WizardContext;
use crate::entra::types::ProvisioningLogEntry;
use crate::entra::GraphClient;
use crate::problem::Problem;
use crate::profile::CloudProfile;
use crate::scim::DiagnoseRequest;
use crate::secret::Secret;
use crate::unity::parse_pasted_token;

/// How many provisioning log entries Diagnose reads.
pub const RECENT_LOG_ENTRIES: u32 = 50;

/// What to probe. A pasted token goes UI → engine only and is never sent back.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "source", rename_all = "camelCase")]
#[ts(export)]
pub enum DiagnoseTarget {
    /// The URL and token set up in steps 1 and 2.
    Configured,
    /// A Tenant URL and Secret Token as pasted into Entra.
    Pasted { url: String, token: Secret },
}

/// The validated domain of a sandbox profile, for the write checks' test user.
pub fn sandbox_test_domain(profile: &CloudProfile) -> Option<String> {
    profile
        .sandbox
        .as_ref()
        .map(|s| s.validated_domain.clone())
        .filter(|d| !d.is_empty())
}

/// The probe request for `target` (reference/unity-scim.md's checklist runs on it).
///
/// Errors: `notFound` when `Configured` but steps 1 and 2 left no URL or token;
/// `badInput` when a pasted token is empty or malformed.
pub fn resolve_diagnose_target(
    ctx: &WizardContext,
    target: DiagnoseTarget,
    write_checks: bool,
) -> Result<DiagnoseRequest, Problem> {
    let (url, token) = match target {
        DiagnoseTarget::Configured => {
            let url = ctx.journal.snapshot().unity.scim_url.ok_or_else(|| {
                Problem::not_found(
                    "Testing the SCIM connector URL",
                    "No SCIM connector URL has been set up yet.",
                    "Do steps 1 and 2 first, or paste a URL and token in Diagnose.",
                )
            })?;
            (url, stored_scim_token(ctx)?)
        }
        DiagnoseTarget::Pasted { url, token } => (url, parse_pasted_token(token.expose())?),
    };
    let mut request = DiagnoseRequest::new(url, token);
    request.write_checks = write_checks;
    request.test_domain = sandbox_test_domain(&ctx.profile);
    Ok(request)
}

/// The configured app's newest provisioning log entries (entra-graph.md §6), only those
/// about `user` when it is not blank (matched case-insensitively against the names and ids
/// Entra logged).
///
/// Errors: `notFound` before step 3 chose an app; Graph's Problems.
pub async fn recent_provisioning_logs(
    ctx: &WizardContext,
    graph: &GraphClient,
    user: &str,
    cancel: &CancellationToken,
) -> Result<Vec<ProvisioningLogEntry>, Problem> {
    let sp_id = journal_sp_id(ctx)?;
    let entries = graph
        .provisioning_logs(&sp_id, RECENT_LOG_ENTRIES, cancel)
        .await?;
    Ok(filter_logs(entries, user))
}

/// The entries that mention `user`; all of them when `user` is blank.
pub fn filter_logs(entries: Vec<ProvisioningLogEntry>, user: &str) -> Vec<ProvisioningLogEntry> {
    let wanted = user.trim().to_lowercase();
    if wanted.is_empty() {
        return entries;
    }
    entries
        .into_iter()
        .filter(|e| {
            [&e.source_display_name, &e.target_id]
                .iter()
                .filter_map(|v| v.as_deref())
                .any(|v| v.to_lowercase().contains(&wanted))
                || e.steps.iter().any(|s| {
                    s.details
                        .values()
                        .any(|v| v.to_lowercase().contains(&wanted))
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, who: &str) -> ProvisioningLogEntry {
        serde_json::from_value(serde_json::json!({
            "id": id, "activityDateTime": "2026-11-28T22:00:00Z", "sourceDisplayName": who
        }))
        .expect("entry")
    }

    #[test]
    fn logs_are_filtered_by_person_case_insensitively() {
        let all = vec![entry("1", "Adele Vance"), entry("2", "Alex Wilber")];
        let ids = |v: Vec<ProvisioningLogEntry>| v.into_iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(ids(filter_logs(all.clone(), "adele")), vec!["1"]);
        assert_eq!(ids(filter_logs(all.clone(), "  ")), vec!["1", "2"]);
        assert!(filter_logs(all, "nobody").is_empty());
    }
}
