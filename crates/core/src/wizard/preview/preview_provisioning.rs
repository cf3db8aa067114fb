//! Preview: what Start will do, before it does it. Read-only: it reads the job's mappings and
//! saved settings, everyone in scope from Graph and every account from Unity's SCIM server
//! (paced within Unity's limits), and classifies each user as create, update (with the
//! attribute differences), in sync, conflict, skip (with the reason) or remove. Nothing is
//! written anywhere except by `export_preview`, to a file the caller names.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::entra::GraphClient;
use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::unity::{attribute_text, ScimUsersReader};
use crate::wizard::context::journal::now;
use crate::wizard::context::journal_readers::{journal_job_id, stored_scim_token};
use crate::wizard::context::rate_limit::{Limiter, RateLimit};
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::preview::classify::{
    classify_in_scope, classify_out_of_scope, ClassifyRules, UnityIndex,
};
use crate::wizard::preview::scope::{user_select, users_in_scope};

/// Unity's published limit for its web APIs is 20 requests a second (unity-scim.md A2); its
/// SCIM limit is unconfirmed, so the preview keeps to the same.
pub const UNITY_RATE: RateLimit = RateLimit {
    calls: 20,
    window: Duration::from_secs(1),
};
/// Users per SCIM page (the sandbox and most servers cap pages at 100 to 200).
const UNITY_PAGE: u32 = 100;

/// What Start would do to one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PreviewAction {
    Create,
    Update,
    InSync,
    Conflict,
    Skip,
    /// Disable or delete: a Unity account whose Entra user left scope.
    Remove,
}

impl PreviewAction {
    /// The JSON spelling (`inSync`), also used in CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            PreviewAction::Create => "create",
            PreviewAction::Update => "update",
            PreviewAction::InSync => "inSync",
            PreviewAction::Conflict => "conflict",
            PreviewAction::Skip => "skip",
            PreviewAction::Remove => "remove",
        }
    }
}

/// One attribute Entra would write: Unity's value now (`from`) and Entra's (`to`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AttributeChange {
    pub attribute: String,
    #[ts(optional = nullable)]
    pub from: Option<String>,
    #[ts(optional = nullable)]
    pub to: Option<String>,
}

/// One user's verdict; the JSON shape is a contract (issue 14): extend, do not rename.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewUser {
    pub user_principal_name: String,
    #[ts(optional = nullable)]
    pub display_name: Option<String>,
    pub action: PreviewAction,
    /// Why, in plain words.
    pub reason: String,
    pub changes: Vec<AttributeChange>,
}

/// Counts per class.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewSummary {
    pub create: u32,
    pub update: u32,
    pub in_sync: u32,
    pub conflict: u32,
    pub skip: u32,
    pub remove: u32,
}

impl PreviewSummary {
    fn count(users: &[PreviewUser]) -> Self {
        let mut summary = Self::default();
        for user in users {
            let slot = match user.action {
                PreviewAction::Create => &mut summary.create,
                PreviewAction::Update => &mut summary.update,
                PreviewAction::InSync => &mut summary.in_sync,
                PreviewAction::Conflict => &mut summary.conflict,
                PreviewAction::Skip => &mut summary.skip,
                PreviewAction::Remove => &mut summary.remove,
            };
            *slot += 1;
        }
        summary
    }
}

/// The whole preview: `{"summary", "users"}` as the issue fixes it, plus context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewReport {
    pub summary: PreviewSummary,
    pub users: Vec<PreviewUser>,
    /// True when the job syncs every user of the tenant (`SyncAll`), not only those assigned.
    pub sync_all: bool,
    /// Users in scope in Entra and accounts read from Unity.
    pub in_scope: u32,
    pub unity_accounts: u32,
    /// What the preview could not check, in plain words.
    pub notes: Vec<String>,
    pub generated_at: String,
}

/// Where the preview is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PreviewStage {
    ReadingMappings,
    ReadingScope,
    ReadingUnity,
    Classifying,
    CheckingRemovals,
}

/// Streamed while the preview runs; `total` is known for Unity's pages and classification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewProgress {
    pub stage: PreviewStage,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(optional = nullable, type = "number")]
    pub total: Option<u64>,
}

fn step(
    progress: &dyn ProgressSink<PreviewProgress>,
    stage: PreviewStage,
    done: u64,
    total: Option<u64>,
) {
    progress.report(PreviewProgress { stage, done, total });
}

/// What Start would do to every user in the job's scope. Needs the app, job, SCIM URL and
/// token from the earlier steps (the journal and keychain); reads only.
pub async fn preview_provisioning(
    ctx: &WizardContext,
    graph: &GraphClient,
    progress: &dyn ProgressSink<PreviewProgress>,
    cancel: &CancellationToken,
) -> Result<PreviewReport, Problem> {
    let (sp_id, job_id) = journal_job_id(ctx)?;
    let journal = ctx.journal.snapshot();
    let mut notes = Vec::new();
    step(progress, PreviewStage::ReadingMappings, 0, None);
    let mappings = graph
        .get_sync_schema(&sp_id, &job_id, cancel)
        .await?
        .user_attribute_mappings();
    if mappings.is_empty() {
        return Err(Problem::not_found(
            "Reading the job's attribute mappings",
            "The job has no user attribute mappings, so Entra would provision nobody.",
            "Restore the app's default attribute mappings in Entra, then preview again.",
        ));
    }
    let (sync_all, skip_out_of_scope) = match graph.get_sync_secrets(&sp_id, cancel).await {
        Ok(saved) => (saved.sync_all, saved.protection.skip_out_of_scope_deletions),
        Err(_) => {
            notes.push("The job's saved settings could not be read back; the preview assumes \u{201c}only assigned users\u{201d}.".into());
            let skip = journal
                .entra
                .deletion_protection
                .as_ref()
                .is_some_and(|p| p.skip_out_of_scope_deletions);
            (false, skip)
        }
    };
    let scope = users_in_scope(
        graph,
        &sp_id,
        sync_all,
        &user_select(&mappings),
        progress,
        cancel,
    )
    .await?;

    let url = journal.unity.scim_url.clone().ok_or_else(|| {
        Problem::not_found(
            "Reading the SCIM connector URL",
            "No SCIM connector URL has been set up yet.",
            "Do step 2 (the SCIM base connector URL) first.",
        )
    })?;
    let reader = ScimUsersReader::new(ctx.http.clone(), &url, stored_scim_token(ctx)?);
    let accounts = read_all_unity_users(&reader, progress, cancel).await?;

    let validated: Vec<String> = journal
        .unity
        .validated_domains
        .iter()
        .map(|d| d.to_ascii_lowercase())
        .collect();
    if validated.is_empty() {
        notes.push("Unity's validated domains are not known (they are read on the API road), so domains were not checked.".into());
    }
    let rules = ClassifyRules {
        mappings: &mappings,
        validated_domains: &validated,
    };
    let index = UnityIndex::new(&accounts, &mappings);
    let mut users = Vec::with_capacity(scope.len());
    let mut matched = HashSet::new();
    let total = scope.len() as u64;
    for (i, entra_user) in scope.iter().enumerate() {
        if cancel.is_cancelled() {
            return Err(Problem::cancelled_while("Previewing what Start will do"));
        }
        let (verdict, position) = classify_in_scope(&rules, &index, entra_user);
        matched.extend(position);
        users.push(verdict);
        if (i + 1) % 500 == 0 || i + 1 == scope.len() {
            step(
                progress,
                PreviewStage::Classifying,
                i as u64 + 1,
                Some(total),
            );
        }
    }
    users.extend(
        removals(
            graph,
            &accounts,
            &matched,
            skip_out_of_scope,
            progress,
            cancel,
        )
        .await?,
    );
    Ok(PreviewReport {
        summary: PreviewSummary::count(&users),
        users,
        sync_all,
        in_scope: scope.len() as u32,
        unity_accounts: accounts.len() as u32,
        notes,
        generated_at: now(),
    })
}

async fn read_all_unity_users(
    reader: &ScimUsersReader,
    progress: &dyn ProgressSink<PreviewProgress>,
    cancel: &CancellationToken,
) -> Result<Vec<Value>, Problem> {
    let mut limiter = Limiter::new(UNITY_RATE);
    let mut accounts: Vec<Value> = Vec::new();
    loop {
        limiter.pace("Listing Unity's users", cancel).await?;
        let page = reader
            .page(accounts.len() as u64 + 1, UNITY_PAGE, cancel)
            .await?;
        let empty = page.users.is_empty();
        accounts.extend(page.users);
        step(
            progress,
            PreviewStage::ReadingUnity,
            accounts.len() as u64,
            Some(page.total_results),
        );
        if empty || accounts.len() as u64 >= page.total_results {
            return Ok(accounts);
        }
    }
}

/// Active Unity accounts no user in scope matched, whose userName is an Entra user: the
/// ones a cycle would deactivate (Unity deletes them). Others are not Entra's to touch.
async fn removals(
    graph: &GraphClient,
    accounts: &[Value],
    matched: &HashSet<usize>,
    skip_out_of_scope: bool,
    progress: &dyn ProgressSink<PreviewProgress>,
    cancel: &CancellationToken,
) -> Result<Vec<PreviewUser>, Problem> {
    let candidates: Vec<&Value> = accounts
        .iter()
        .enumerate()
        .filter(|(i, _)| !matched.contains(i))
        .map(|(_, account)| account)
        .filter(|account| {
            attribute_text(account, "active").is_none_or(|a| a.eq_ignore_ascii_case("true"))
        })
        .collect();
    let mut out = Vec::new();
    for (i, account) in candidates.iter().enumerate() {
        let Some(user_name) = attribute_text(account, "userName").filter(|u| u.contains('@'))
        else {
            continue;
        };
        if graph.find_user_by_upn(&user_name, cancel).await?.is_some() {
            out.push(classify_out_of_scope(account, skip_out_of_scope));
        }
        step(
            progress,
            PreviewStage::CheckingRemovals,
            i as u64 + 1,
            Some(candidates.len() as u64),
        );
    }
    Ok(out)
}

/// Export formats of the preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PreviewExportFormat {
    Csv,
    Json,
}

/// The preview as CSV: one row per user, changes as `attribute: from → to` joined by `; `.
pub fn preview_to_csv(report: &PreviewReport) -> Result<String, Problem> {
    let action = "Writing the preview as CSV";
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |_| {
        Problem::storage(
            action,
            "The preview could not be written as CSV.",
            "Try again.",
        )
    };
    writer
        .write_record([
            "userPrincipalName",
            "displayName",
            "action",
            "reason",
            "changes",
        ])
        .map_err(failed)?;
    for user in &report.users {
        let changes: Vec<String> = user
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{}: {} \u{2192} {}",
                    c.attribute,
                    c.from.as_deref().unwrap_or("(none)"),
                    c.to.as_deref().unwrap_or("(none)")
                )
            })
            .collect();
        writer
            .write_record([
                user.user_principal_name.as_str(),
                user.display_name.as_deref().unwrap_or(""),
                user.action.as_str(),
                user.reason.as_str(),
                changes.join("; ").as_str(),
            ])
            .map_err(failed)?;
    }
    let bytes = writer.into_inner().map_err(|_| {
        Problem::storage(
            action,
            "The preview could not be written as CSV.",
            "Try again.",
        )
    })?;
    String::from_utf8(bytes)
        .map_err(|_| Problem::storage(action, "The CSV was not valid text.", "Try again."))
}

/// Writes the preview to `path` as CSV or JSON (the JSON is the `--json` document).
pub fn export_preview(
    report: &PreviewReport,
    format: PreviewExportFormat,
    path: &Path,
) -> Result<(), Problem> {
    let text = match format {
        PreviewExportFormat::Csv => preview_to_csv(report)?,
        PreviewExportFormat::Json => serde_json::to_string_pretty(report).map_err(|_| {
            Problem::storage(
                "Writing the preview as JSON",
                "The preview could not be written as JSON.",
                "Try again.",
            )
        })?,
    };
    std::fs::write(path, text).map_err(|err| {
        Problem::storage(
            "Exporting the preview",
            format!("{} could not be written: {err}.", path.display()),
            "Pick a folder you can write to.",
        )
    })
}

/// Writes the preview into `dir` (created if missing) as `scim-preview-<time>.csv|json`,
/// named from when the preview ran and never overwriting an earlier export (`-2`, `-3`, …).
/// Returns the file's path. Errors: `storage` when `dir` or the file cannot be written.
pub fn export_preview_into(
    report: &PreviewReport,
    format: PreviewExportFormat,
    dir: &Path,
) -> Result<std::path::PathBuf, Problem> {
    std::fs::create_dir_all(dir).map_err(|err| {
        Problem::storage(
            "Exporting the preview",
            format!("{} could not be created: {err}.", dir.display()),
            "Check the app's data folder can be written.",
        )
    })?;
    let extension = match format {
        PreviewExportFormat::Csv => "csv",
        PreviewExportFormat::Json => "json",
    };
    let stem = format!(
        "scim-preview-{}",
        report
            .generated_at
            .replace([':', '-'], "")
            .replace('T', "-")
            .trim_end_matches('Z')
    );
    let mut path = dir.join(format!("{stem}.{extension}"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem}-{n}.{extension}"));
        n += 1;
    }
    export_preview(report, format, &path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_into_a_folder_never_overwrites_an_earlier_one() {
        let dir = tempfile::tempdir().expect("dir");
        let report = PreviewReport {
            summary: PreviewSummary::default(),
            users: Vec::new(),
            sync_all: false,
            in_scope: 0,
            unity_accounts: 0,
            notes: Vec::new(),
            generated_at: "2026-11-30T09:15:00Z".into(),
        };
        let first =
            export_preview_into(&report, PreviewExportFormat::Csv, dir.path()).expect("csv");
        let second =
            export_preview_into(&report, PreviewExportFormat::Csv, dir.path()).expect("again");
        assert_eq!(
            first.file_name().and_then(|n| n.to_str()),
            Some("scim-preview-20261130-091500.csv")
        );
        assert_eq!(
            second.file_name().and_then(|n| n.to_str()),
            Some("scim-preview-20261130-091500-2.csv")
        );
        let json =
            export_preview_into(&report, PreviewExportFormat::Json, dir.path()).expect("json");
        let back: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(json).expect("read")).expect("json");
        assert_eq!(back["summary"]["inSync"], 0);
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_json_keeps_the_contract() {
        let users = vec![PreviewUser {
            user_principal_name: "ann@contoso.com".into(),
            display_name: Some("Berg, Ann".into()),
            action: PreviewAction::Update,
            reason: "In Unity; Entra changes 1 attribute(s).".into(),
            changes: vec![AttributeChange {
                attribute: "displayName".into(),
                from: Some("Ann".into()),
                to: Some("Berg, Ann".into()),
            }],
        }];
        let report = PreviewReport {
            summary: PreviewSummary::count(&users),
            users,
            sync_all: false,
            in_scope: 1,
            unity_accounts: 1,
            notes: vec![],
            generated_at: "2026-01-01T00:00:00Z".into(),
        };
        let csv = preview_to_csv(&report).expect("csv");
        assert!(csv.starts_with("userPrincipalName,displayName,action,reason,changes\n"));
        assert!(
            csv.contains("ann@contoso.com,\"Berg, Ann\",update,"),
            "{csv}"
        );
        let json = serde_json::to_value(&report).expect("json");
        assert_eq!(json["summary"]["inSync"], 0);
        assert_eq!(json["summary"]["update"], 1);
        assert_eq!(json["users"][0]["action"], "update");
        assert_eq!(json["users"][0]["changes"][0]["from"], "Ann");
    }
}
