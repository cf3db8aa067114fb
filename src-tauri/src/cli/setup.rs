//! `scim-setup setup`: the four steps headless.

use std::process::ExitCode;

use clap::Args;

use super::GlobalArgs;

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
    #[arg(long, value_name = "NAME")]
    pub app: Option<String>,
    /// Create a non-gallery enterprise app of that name when none exists.
    #[arg(long)]
    pub create_app: bool,
    /// Provision this user on demand at the end (assigned to the app first if needed).
    #[arg(long, value_name = "UPN")]
    pub provision: Vec<String>,
    /// Print one machine-readable JSON document.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(_global: &GlobalArgs, _args: SetupArgs) -> ExitCode {
    eprintln!("setup is not built yet");
    ExitCode::from(super::EXIT_FAILED)
}
