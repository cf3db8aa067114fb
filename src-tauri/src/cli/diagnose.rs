//! `scim-setup diagnose`: probe a SCIM endpoint the way Entra calls it. A thin face over
//! `scim_core::diagnose::diagnose`: read the token, run, print the report, map it to an exit code.
//! `--report FILE` writes the same support report the window exports (`scim_core::report`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use scim_core::diagnose::{diagnose, DiagnoseProgress, DiagnoseReport, DiagnoseRequest};
use scim_core::progress::FnProgress;
use scim_core::report::{ReportFormat, SupportReport};
use scim_core::wizard::Journal;
use scim_core::CloudProfile;
use tokio_util::sync::CancellationToken;

use super::output::{read_secret, usage_error};
use super::GlobalArgs;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("token").required(true).args(["token_env", "token_stdin"])))]
pub struct DiagnoseArgs {
    /// The SCIM base URL (Entra's Tenant URL), e.g. https://services.api.unity.com/scim/v2/tenants/ORG
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// Read the bearer token from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
    /// Read the bearer token from standard input.
    #[arg(long)]
    pub token_stdin: bool,
    /// Also create, change and delete a test user (always cleaned up).
    #[arg(long)]
    pub write_checks: bool,
    /// Print one machine-readable JSON document.
    #[arg(long)]
    pub json: bool,
    /// A validated domain for the write checks' test user (default: the profile's sandbox
    /// domain, else the domain of a user the endpoint lists).
    #[arg(long, value_name = "DOMAIN")]
    pub test_domain: Option<String>,
    /// Seconds each call may take before it counts as hanging (default: 60, Entra's own
    /// bound, the same the setup path's checks use).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Also write the support report the window exports to FILE: HTML when FILE ends in
    /// .html, JSON when it ends in .json. The token is redacted everywhere in it.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

pub async fn run(global: &GlobalArgs, args: DiagnoseArgs) -> ExitCode {
    // `--profile` (or the one chosen in Settings) names the cloud the report is about and
    // the write checks' domain; a missing or broken one stops here with exit 2.
    let startup = match super::start::startup(global) {
        Ok(startup) => startup,
        Err(exit) => return exit,
    };
    // The window's embedded sandbox is not reachable from here: report about `global`.
    let profile = startup.profile.unwrap_or_else(CloudProfile::global);
    let token = match read_secret(args.token_env.as_deref(), args.token_stdin) {
        Ok(token) => token,
        Err(message) => return usage_error(&message),
    };
    if let Some(timeout) = args.timeout {
        if !(timeout.is_finite() && timeout > 0.0 && timeout <= 600.0) {
            return usage_error("--timeout must be a number of seconds above 0 and at most 600");
        }
    }
    if let Some(path) = &args.report {
        if ReportFormat::from_path(path).is_none() {
            return usage_error("--report must name a file ending in .html or .json");
        }
    }
    let mut request = DiagnoseRequest::new(args.url, token);
    request.write_checks = args.write_checks;
    if let Some(timeout) = args.timeout {
        request.timeout = Duration::from_secs_f64(timeout);
    }
    request.test_domain = args.test_domain.or_else(|| {
        profile
            .sandbox
            .as_ref()
            .map(|facts| facts.validated_domain.clone())
            .filter(|domain| !domain.is_empty())
    });

    // Ctrl-C cancels; the write checks still delete what they created before returning.
    let cancel = CancellationToken::new();
    let on_interrupt = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
        }
    });
    // The checks' results print at the end; while a call waits, a line every few seconds on
    // stderr says for what and how long is left (stdout stays the report or its JSON).
    let waits = FnProgress(|event: DiagnoseProgress| {
        if let DiagnoseProgress::Waiting { reason, .. } = event {
            eprintln!("    {reason}");
        }
    });
    let report = diagnose(request, &waits, cancel).await;
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(err) => {
                eprintln!("error: could not write the report as JSON: {err}");
                return ExitCode::from(super::EXIT_FAILED);
            }
        }
    } else {
        print!("{}", report.to_text());
    }
    if let Some(path) = &args.report {
        if let Err(problem) = write_report(&profile, &startup.data_dir, &report, path) {
            eprintln!("error: {problem}");
            return ExitCode::from(super::EXIT_FAILED);
        }
        eprintln!("Report written to {}", path.display());
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_FAILED)
    }
}

/// The support report of this diagnosis, about the `--profile` cloud (or the one chosen in
/// Settings), with the last lines of the log in `data_dir`.
fn write_report(
    profile: &CloudProfile,
    data_dir: &std::path::Path,
    diagnosis: &DiagnoseReport,
    path: &std::path::Path,
) -> Result<(), scim_core::Problem> {
    let mut report = SupportReport::new(env!("CARGO_PKG_VERSION"), profile, Journal::default());
    report.diagnosis = Some(diagnosis.clone());
    report.log_tail = scim_core::logging::report_log_tail(data_dir);
    report.write_to(path)
}
