//! The command line: the same engine as the window, headless. The flags here are a contract
//! (the README's "The command line", checked by `readme_tests`) that scripts and tests outside the project rely on: extend
//! them, do not rename them. Secrets come from the environment or stdin, never an argument.

mod account;
mod diagnose;
mod hints;
mod output;
mod preview;
mod provision;
#[cfg(test)]
mod readme_tests;
mod rotate_token;
mod sandbox;
mod setup;
mod start;
mod waits;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use scim_core::auth::MicrosoftTenant;

/// Exit codes: 0 success, 1 a check or step failed, 2 bad usage (clap uses 2 as well) or
/// another scim-setup busy with the data folder (`dataFolderBusy`).
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "scim-setup",
    version,
    about = "Set up SCIM user provisioning from Microsoft Entra ID into Unity Cloud, and diagnose it.",
    long_about = "Without a subcommand, opens the window. The subcommands run the same engine \
                  headless, for scripts and support tickets. Exit codes: 0 success, 1 a check \
                  or step failed (the output says which and why), 2 bad usage or another \
                  scim-setup busy with the same data folder."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(flatten)]
    pub sign_in: SignInArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Cloud profile: a JSON file of the shape `scim-setup sandbox` prints.
    #[arg(long, global = true, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Open the window against the embedded simulated clouds.
    #[arg(long)]
    pub sandbox: bool,
    /// Where the journal of non-secret progress lives (default: the app's data folder).
    #[arg(long, global = true, value_name = "DIR", env = "SCIM_SETUP_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Mirror the log to stderr (the log file in the data folder's logs/ is always written;
    /// its level comes from SCIM_SETUP_LOG, RUST_LOG syntax).
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// Who signs in where; a struct of its own so `GlobalArgs` (which the window's tests build)
/// stays as it is.
#[derive(Debug, Clone, Default, Args)]
pub struct SignInArgs {
    /// The Microsoft Entra tenant to sign in to: a verified domain (contoso.com) or the
    /// tenant ID; `organizations` (the default) signs in to the account's home tenant. Kept
    /// for later runs until another is given.
    #[arg(long, global = true, value_name = "TENANT", value_parser = tenant)]
    pub tenant: Option<MicrosoftTenant>,
}

/// A clap value parser for `--tenant`: a verified domain, a tenant ID or `organizations`
/// (`MicrosoftTenant::parse`); the error is the engine's cause.
pub fn tenant(value: &str) -> Result<MicrosoftTenant, String> {
    MicrosoftTenant::parse(value).map_err(|problem| problem.info().cause.clone())
}

/// A clap value parser for names and user principal names: refuses an empty or blank value
/// (it would otherwise reach Graph as a search for nothing). Returns the value trimmed.
pub fn non_blank(value: &str) -> Result<String, String> {
    match value.trim() {
        "" => Err("it is empty".to_string()),
        trimmed => Ok(trimmed.to_string()),
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the simulated clouds; print the profile JSON on one line, then serve until
    /// SIGINT or SIGTERM.
    Sandbox(sandbox::SandboxArgs),
    /// Probe a SCIM endpoint the way Entra calls it.
    Diagnose(diagnose::DiagnoseArgs),
    /// The four steps headless, from nothing to users provisioned on demand.
    Setup(setup::SetupArgs),
    /// Provision chosen users on demand through an app's provisioning job.
    Provision(provision::ProvisionArgs),
    /// Read-only: what Start will do to every user in scope (create, update, inSync,
    /// conflict, skip, remove).
    Preview(preview::PreviewArgs),
    /// A new Unity token, saved in Entra, tested, then the old one revoked.
    RotateToken(rotate_token::RotateTokenArgs),
    /// Who is signed in to Microsoft (account and tenant) and Unity, and which SCIM token is
    /// kept; signs in to nothing.
    Account(account::AccountArgs),
    /// Sign out of Microsoft, sign out of Unity, or forget the SCIM token (or all three):
    /// says what it removes and asks first.
    SignOut(account::SignOutArgs),
}

/// Runs a subcommand on a tokio runtime; never touches GTK, so it works with no display.
pub fn run(global: GlobalArgs, sign_in: SignInArgs, command: Command) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: could not start the async runtime: {err}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    // Every command's waits on a silent or throttled service are printed as they happen.
    runtime.block_on(waits::printing_waits(async move {
        match command {
            Command::Sandbox(args) => sandbox::run(args).await,
            Command::Diagnose(args) => diagnose::run(&global, args).await,
            Command::Setup(args) => setup::run(&global, &sign_in, args).await,
            Command::Provision(args) => provision::run(&global, &sign_in, args).await,
            Command::Preview(args) => preview::run(&global, &sign_in, args).await,
            Command::RotateToken(args) => rotate_token::run(&global, &sign_in, args).await,
            Command::Account(args) => account::show(&global, &sign_in, args).await,
            Command::SignOut(args) => account::sign_out(&global, &sign_in, args).await,
        }
    }))
}
