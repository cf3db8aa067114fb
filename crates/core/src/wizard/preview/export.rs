//! The preview written out: as CSV (one row per user) or as the `--json` document, to a file
//! the caller names or into a folder without overwriting an earlier export.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::problem::Problem;
use crate::wizard::preview::report::PreviewReport;

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
    use crate::wizard::preview::report::{
        AttributeChange, PreviewAction, PreviewSummary, PreviewUser,
    };

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
