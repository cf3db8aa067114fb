//! `scim-setup setup`: the four steps headless, a thin face over `wizard::run_setup`. Also
//! the pieces `provision` shares: profile, data folder, keychain, browser, and printing.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use scim_core::auth::{BrowserLauncher, FollowRedirectsLauncher, SystemBrowser};
use scim_core::data_folder_lock::{DataFolderLock, WaitingForWriter};
use scim_core::gate;
use scim_core::http::HttpConfig;
use scim_core::progress::FnProgress;
use scim_core::secrets::secret_store_from_env;
use scim_core::startup::StartupProblem;
use scim_core::wizard::{
    run_setup, DeletionProtectionChoice, MicrosoftSignInChoice, SetupOptions, SetupReport,
    StepOutcome, UnityOptions, UnityRoad, WizardContext, WizardProgress, WizardTuning,
};
use scim_core::{CloudProfile, Problem, ProblemKind};
use tokio_util::sync::CancellationToken;

use super::hints::{flag_hint, hint_line};
use super::output::{read_secret, usage_error};
use super::{GlobalArgs, SignInArgs, EXIT_FAILED, EXIT_USAGE};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("guided").args(["scim_url"]).requires("token_env")))]
pub struct SetupArgs {
    /// Take the guided road: this SCIM base connector URL instead of fetching it from Unity.
    #[arg(long, value_name = "URL")]
    pub scim_url: Option<String>,
    /// With --scim-url: the environment variable holding the bearer token.
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
    /// The Entra enterprise app to provision through (default: "Unity").
    #[arg(long, value_name = "NAME", value_parser = super::non_blank)]
    pub app: Option<String>,
    /// Create a non-gallery enterprise app of that name when none exists.
    #[arg(long)]
    pub create_app: bool,
    /// Provision this user on demand at the end (assigned to the app first if needed).
    #[arg(long, value_name = "UPN", value_parser = super::non_blank)]
    pub provision: Vec<String>,
    /// Print one machine-readable JSON document.
    #[arg(long)]
    pub json: bool,
    /// API road: the Unity organization ID, when your account belongs to several.
    #[arg(long, value_name = "ID")]
    pub unity_org: Option<String>,
    /// Accidental-deletion threshold: a cycle deleting more users than this holds them all
    /// back (default: 5 % of those in scope, at least 10; 0 turns it off).
    #[arg(long, value_name = "N")]
    pub delete_threshold: Option<u32>,
    /// Who Entra e-mails about quarantine and held-back deletions (default: you).
    #[arg(long, value_name = "EMAIL")]
    pub notify: Option<String>,
    /// Users removed from scope keep their Unity account.
    #[arg(long)]
    pub skip_out_of_scope_deletions: bool,
}

pub async fn run(global: &GlobalArgs, sign_in: &SignInArgs, args: SetupArgs) -> ExitCode {
    let ctx = match context(global, sign_in) {
        Ok(ctx) => ctx,
        Err(exit) => return exit,
    };
    let road = match &args.scim_url {
        Some(url) => match read_secret(args.token_env.as_deref(), false) {
            Ok(token) => UnityRoad::Guided {
                scim_url: url.clone(),
                token,
            },
            Err(message) => return usage_error(&message),
        },
        None => UnityRoad::Api(UnityOptions {
            org_id: args.unity_org.clone(),
            service_account_name: None,
        }),
    };
    let options = SetupOptions {
        road,
        // Headless: a code to type on any device; a sandbox approves it by itself.
        microsoft: MicrosoftSignInChoice::DeviceCode,
        app_name: args.app.clone().unwrap_or_else(|| "Unity".to_string()),
        create_app: args.create_app,
        provision: args.provision.clone(),
        protection: DeletionProtectionChoice {
            delete_threshold: args.delete_threshold,
            notify: args.notify.clone(),
            skip_out_of_scope_deletions: args.skip_out_of_scope_deletions.then_some(true),
        },
    };
    let cancel = cancel_on_ctrl_c();
    let _writer = match hold_data_folder(&ctx, "setup", args.json, &cancel).await {
        Ok(lock) => lock,
        Err(exit) => return exit,
    };
    let launcher = match launcher(&ctx.profile) {
        Ok(launcher) => launcher,
        Err(problem) => return fail_early(&problem, args.json),
    };
    let printer = printer(args.json);
    let report = run_setup(&ctx, options, launcher.as_ref(), &printer, &cancel).await;
    finish("setup", &report, args.json)
}

/// The engine's start-up (data folder, settings, profile: `--profile`, else the one chosen
/// in Settings, else `global`), the keychain, and `--tenant`. A start-up problem (a data
/// folder that is a file, broken settings, a missing or broken profile, a journal set
/// aside) prints its cause and fix and exits 2.
pub(super) fn context(
    global: &GlobalArgs,
    sign_in: &SignInArgs,
) -> Result<WizardContext, ExitCode> {
    let startup = super::start::startup(global)?;
    let Some(profile) = startup.profile else {
        return Err(usage_error(
            "Choosing the cloud profile: Settings choose the window's embedded sandbox, which the command line cannot reach. Fix: Give --profile FILE (the JSON `scim-setup sandbox` prints), or choose another profile in Settings.",
        ));
    };
    let secrets = secret_store_from_env().map_err(|problem| usage_error(&problem.to_string()))?;
    let http = HttpConfig {
        total_timeout: startup.settings.request_timeout(),
        ..HttpConfig::default()
    };
    let ctx = WizardContext::with_config(
        profile,
        &startup.data_dir,
        Arc::from(secrets),
        http,
        WizardTuning::default(),
    )
    .map_err(|problem| {
        eprintln!("error: {problem}");
        ExitCode::from(EXIT_FAILED)
    })?;
    // A corrupt journal was set aside: say so and stop once, rather than carry on silently.
    if let Some(recovery) = ctx.journal.recovery() {
        return Err(usage_error(
            &StartupProblem::journal_set_aside(recovery).to_string(),
        ));
    }
    if let Some(tenant) = &sign_in.tenant {
        ctx.choose_microsoft_tenant(tenant.clone());
    }
    Ok(ctx)
}

/// Takes the data folder's writer lock for `command`'s whole run (`data_folder_lock`: one
/// writer per data folder, so two runs never each mint a token or make a job). Waits are said
/// on stderr, with `--json` too (stderr is not the document); a lock taken over from a killed
/// run is said there as well. Busy past the wait: the Problem (kind `dataFolderBusy`) and
/// exit 2; other failures exit 1.
pub(super) async fn hold_data_folder(
    ctx: &WizardContext,
    command: &str,
    json: bool,
    cancel: &CancellationToken,
) -> Result<DataFolderLock, ExitCode> {
    // The holder's record is a file anyone could edit: its words pass the gate like any quote.
    let waits =
        FnProgress(|waiting: WaitingForWriter| eprintln!("    {}", gate::line(&waiting.message())));
    match ctx.begin_writing(command, &waits, cancel).await {
        Ok(lock) => {
            if let Some(said) = lock.takeover_message() {
                eprintln!("    {}", gate::line(&said));
            }
            Ok(lock)
        }
        Err(problem) if problem.kind() == ProblemKind::DataFolderBusy => {
            Err(fail_with(&problem, json, EXIT_USAGE))
        }
        Err(problem) => Err(fail_early(&problem, json)),
    }
}

/// A sandbox consents by itself, so its redirects are followed here; a real cloud gets the
/// system browser (the URL is printed too, for SSH sessions). `SCIM_SETUP_BROWSER=follow`
/// forces the scripted launcher for other self-consenting test providers.
pub(super) fn launcher(profile: &CloudProfile) -> Result<Box<dyn BrowserLauncher>, Problem> {
    let forced = std::env::var("SCIM_SETUP_BROWSER").is_ok_and(|v| v == "follow");
    if profile.is_sandbox() || forced {
        Ok(Box::new(FollowRedirectsLauncher::new()?))
    } else {
        Ok(Box::new(SystemBrowser::xdg_open_or_print()))
    }
}

pub(super) fn cancel_on_ctrl_c() -> CancellationToken {
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            trigger.cancel();
        }
    });
    cancel
}

/// Human output: a line per step on stdout as it finishes; notes, waits and the device code
/// on stderr. With `--json` only the device code (someone must see it) and the waits (never
/// silent for more than a few seconds) go to stderr, and stdout holds the JSON alone.
pub(super) fn printer(json: bool) -> FnProgress<impl Fn(WizardProgress) + Send + Sync> {
    FnProgress(move |event: WizardProgress| match event {
        WizardProgress::DeviceCode { prompt } => eprintln!("{}", prompt.message),
        // A bounded wait's reason names the seconds left; an open-ended one gets its length.
        WizardProgress::Waiting {
            reason,
            left_seconds: Some(_),
            ..
        } => eprintln!("    {reason}"),
        WizardProgress::Waiting {
            reason, seconds, ..
        } => eprintln!("    {reason} ({seconds} s)"),
        _ if json => {}
        WizardProgress::StepStarted { .. } => {}
        WizardProgress::Note { message, .. } => eprintln!("    {message}"),
        WizardProgress::UserProvisioned {
            index,
            total,
            outcome,
        } => {
            // Entra's words and the directory's names: through the gate, like every quote.
            println!(
                "    [{index}/{total}] {}: {}",
                gate::line(&outcome.subject.label),
                gate::block(&outcome.cause)
            );
            if let Some(fix) = outcome.fix.as_ref().filter(|_| !outcome.is_good()) {
                println!("          fix: {}", gate::block(fix));
            }
        }
        WizardProgress::StepFinished { report } => {
            let mark = match report.outcome {
                StepOutcome::Created => "created",
                StepOutcome::Reused => "reused",
                StepOutcome::Passed => "ok",
                StepOutcome::Skipped => "skipped",
                StepOutcome::Failed => "FAILED",
            };
            let seconds = report.elapsed_ms as f64 / 1000.0;
            match report.outcome {
                StepOutcome::Failed => {
                    println!(
                        "[{mark}] {}: {}",
                        report.title,
                        report.cause.as_deref().unwrap_or(&report.summary)
                    );
                    if let Some(fix) = &report.fix {
                        println!("         fix: {fix}");
                    }
                    if let Some(hint) = hint_line(report.problem.as_ref(), "         ") {
                        println!("{hint}");
                    }
                    for (key, value) in &report.evidence {
                        println!("         {key}: {value}");
                    }
                }
                _ => println!(
                    "[{mark}] {}: {} ({seconds:.1} s)",
                    report.title, report.summary
                ),
            }
        }
    })
}

/// Prints the JSON document (with `--json`) and maps the report to the exit code.
pub(super) fn finish(command: &str, report: &SetupReport, json: bool) -> ExitCode {
    if json {
        let mut document =
            serde_json::to_value(report).unwrap_or_else(|_| serde_json::json!({ "ok": report.ok }));
        if let Some(object) = document.as_object_mut() {
            object.insert("command".into(), serde_json::json!(command));
        }
        // The shared fix names no flag; a script reads the CLI's own hint beside it.
        if let Some(steps) = document.get_mut("steps").and_then(|s| s.as_array_mut()) {
            for (step, report) in steps.iter_mut().zip(&report.steps) {
                if let Some(hint) = report.problem.as_ref().and_then(flag_hint) {
                    step["cliHint"] = serde_json::json!(hint);
                }
            }
        }
        println!("{document}");
    } else if report.ok {
        println!("Done.");
    } else {
        println!("Stopped: fix the step marked FAILED and run the same command again; finished steps are reused.");
    }
    if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILED)
    }
}

pub(super) fn fail_early(problem: &Problem, json: bool) -> ExitCode {
    fail_with(problem, json, EXIT_FAILED)
}

/// Prints `problem` (one JSON document with `--json`, else `error:` and the hint on stderr)
/// and exits with `code`.
fn fail_with(problem: &Problem, json: bool, code: u8) -> ExitCode {
    if json {
        let mut document = serde_json::json!({ "ok": false, "steps": [], "problem": problem });
        if let Some(hint) = flag_hint(problem) {
            document["cliHint"] = serde_json::json!(hint);
        }
        println!("{document}");
    } else {
        eprintln!("error: {problem}");
        if let Some(hint) = hint_line(Some(problem), "") {
            eprintln!("{hint}");
        }
    }
    ExitCode::from(code)
}
