//! `scim-setup diagnose`: probe a SCIM endpoint the way Entra calls it.

use std::process::ExitCode;

use clap::Args;

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
}

pub async fn run(_global: &GlobalArgs, _args: DiagnoseArgs) -> ExitCode {
    eprintln!("diagnose is not built yet");
    ExitCode::from(super::EXIT_FAILED)
}
