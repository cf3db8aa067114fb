//! `scim-setup provision`: provision chosen users on demand.

use std::process::ExitCode;

use clap::Args;

use super::GlobalArgs;

#[derive(Debug, Args)]
pub struct ProvisionArgs {
    /// The Entra enterprise app whose provisioning job to use.
    #[arg(long, value_name = "NAME")]
    pub app: String,
    /// A user principal name to provision; repeat for more.
    #[arg(long = "user", value_name = "UPN", required = true)]
    pub users: Vec<String>,
    /// Print one machine-readable JSON document.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(_global: &GlobalArgs, _args: ProvisionArgs) -> ExitCode {
    eprintln!("provision is not built yet");
    ExitCode::from(super::EXIT_FAILED)
}
