//! The support report Diagnose exports, the same from the window and from
//! `scim-setup diagnose --report FILE`: JSON for tickets and a self-contained HTML page for
//! people. Every string passes the engine's redactor before it is rendered (fail closed: a
//! report that cannot be redacted is not written), and the HTML is escaped by the template
//! library (maud), so a hostile server's text can neither leak a token nor inject markup.

mod html;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::diagnose::DiagnoseReport;
use crate::entra::types::ProvisioningLogEntry;
use crate::entra::JobStatus;
use crate::wizard::{Journal, WizardContext};
use crate::{CloudProfile, Problem};

const ACTION: &str = "Exporting the report";

/// Everything a support ticket needs, and nothing secret: which cloud, the non-secret
/// progress, the last diagnosis, the job's state and its recent provisioning logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupportReport {
    /// RFC 3339, UTC.
    pub generated_at: String,
    pub app_version: String,
    /// The cloud profile's name (`global`, `sandbox`, a custom file's name).
    pub profile: String,
    /// The Graph base URL the app talks to.
    pub graph: String,
    /// The Unity admin API base URL.
    pub unity_api: String,
    /// Non-secret progress: which org, app and job (ids only).
    pub journal: Journal,
    pub diagnosis: Option<DiagnoseReport>,
    pub job: Option<JobStatus>,
    pub provisioning_logs: Vec<ProvisioningLogEntry>,
    /// The newest lines of the app's log, oldest first, for support (the caller reads them;
    /// they are redacted like every other string here).
    #[serde(default)]
    pub log_tail: Vec<String>,
}

/// Where the window's export wrote its two files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportedReport {
    pub html_path: String,
    pub json_path: String,
}

/// The file format of a report, chosen by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Html,
    Json,
}

impl ReportFormat {
    /// `.html` (or `.htm`) and `.json`, any case; `None` for anything else.
    pub fn from_path(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "html" | "htm" => Some(Self::Html),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

impl SupportReport {
    /// A report about `profile`'s cloud, generated now, with nothing in it yet.
    pub fn new(app_version: &str, profile: &CloudProfile, journal: Journal) -> Self {
        Self {
            generated_at: crate::wizard::context::journal::now(),
            app_version: app_version.to_string(),
            profile: profile.name.clone(),
            graph: profile.graph_base().to_string(),
            unity_api: profile.unity.api.clone(),
            journal,
            diagnosis: None,
            job: None,
            provisioning_logs: Vec::new(),
            log_tail: Vec::new(),
        }
    }

    /// The window's report: the context's cloud and journal. The stored SCIM token is read
    /// once so the redactor knows it even if this run never used it (a provisioning log can
    /// quote it).
    pub fn for_context(app_version: &str, ctx: &WizardContext) -> Self {
        let _known_to_the_redactor =
            crate::wizard::context::journal_readers::stored_scim_token(ctx);
        Self::new(app_version, &ctx.profile, ctx.journal.snapshot())
    }

    /// True when there is something to report beyond the cloud's facts.
    pub fn has_findings(&self) -> bool {
        self.diagnosis.is_some() || self.job.is_some() || !self.provisioning_logs.is_empty()
    }

    /// This report with every string through the gate (`crate::gate`: secrets redacted,
    /// control and bidi characters removed, quotes bounded). Fails closed: a report that
    /// cannot be checked is a `Problem`, never written as it is.
    pub fn redacted(&self) -> Result<Self, Problem> {
        crate::gate::gate_serde(self).map_err(|_| {
            Problem::server(
                ACTION,
                "The report could not be checked for secrets, so it was not written.",
                "Export again; if it keeps failing, copy the findings from the window by hand.",
            )
        })
    }

    /// The report as pretty JSON, redacted.
    pub fn to_json(&self) -> Result<String, Problem> {
        serde_json::to_string_pretty(&self.redacted()?).map_err(|err| {
            Problem::server(
                ACTION,
                format!("The report could not be written as JSON: {err}."),
                "Report this.",
            )
        })
    }

    /// The report as one self-contained HTML page, redacted and escaped.
    pub fn to_html(&self) -> Result<String, Problem> {
        Ok(html::render(&self.redacted()?))
    }

    /// The report in `format`.
    pub fn render(&self, format: ReportFormat) -> Result<String, Problem> {
        match format {
            ReportFormat::Html => self.to_html(),
            ReportFormat::Json => self.to_json(),
        }
    }

    /// Writes the report to `path` in the format its extension names (`.html`, `.json`).
    pub fn write_to(&self, path: &Path) -> Result<(), Problem> {
        let format = ReportFormat::from_path(path).ok_or_else(|| {
            Problem::bad_input(
                ACTION,
                format!("{} does not end in .html or .json.", path.display()),
                "Name the report file report.html for people or report.json for tickets.",
            )
        })?;
        let text = self.render(format)?;
        std::fs::write(path, text).map_err(|err| storage(path, err))
    }

    /// Fails with a plain `badInput` when there is nothing to report yet (no diagnosis, job
    /// or logs read), before anyone is asked where to save it.
    pub fn require_findings(&self) -> Result<(), Problem> {
        if self.has_findings() {
            return Ok(());
        }
        Err(Problem::bad_input(
            ACTION,
            "There is nothing to export yet.",
            "Run a diagnosis (or read the job or its logs) first.",
        ))
    }

    /// "scim-diagnosis-20261130-101500": the file name, without extension, made from the time
    /// the report was generated.
    pub fn file_stem(&self) -> String {
        format!(
            "scim-diagnosis-{}",
            self.generated_at
                .replace([':', '-'], "")
                .replace('T', "-")
                .trim_end_matches('Z')
        )
    }

    /// Writes the HTML and the JSON side by side into `dir` (created if missing), under a
    /// name made from the time that never overwrites an earlier report. Says so plainly when
    /// there is nothing to report yet.
    pub fn export_into(&self, dir: &Path) -> Result<ExportedReport, Problem> {
        self.require_findings()?;
        let json = self.to_json()?;
        let html = self.to_html()?;
        ensure_folder(dir)?;
        let json_path = unique(dir, &self.file_stem());
        let html_path = json_path.with_extension("html");
        std::fs::write(&json_path, json).map_err(|err| storage(&json_path, err))?;
        std::fs::write(&html_path, html).map_err(|err| storage(&html_path, err))?;
        Ok(ExportedReport {
            html_path: html_path.display().to_string(),
            json_path: json_path.display().to_string(),
        })
    }
}

/// Creates the reports folder `dir` when it is missing, so it can be written to or opened.
pub fn ensure_folder(dir: &Path) -> Result<(), Problem> {
    std::fs::create_dir_all(dir).map_err(|err| storage(dir, err))
}

/// `dir/stem.json`, or `dir/stem-2.json`, … when that (or its `.html` twin) exists.
fn unique(dir: &Path, stem: &str) -> PathBuf {
    let mut candidate = dir.join(format!("{stem}.json"));
    let mut n = 2;
    while candidate.exists() || candidate.with_extension("html").exists() {
        candidate = dir.join(format!("{stem}-{n}.json"));
        n += 1;
    }
    candidate
}

fn storage(path: &Path, err: std::io::Error) -> Problem {
    Problem::storage(
        ACTION,
        format!("{} could not be written: {err}.", path.display()),
        "Choose a folder you can write to.",
    )
}

#[cfg(test)]
mod tests;
