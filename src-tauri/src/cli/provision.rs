//! `scim-setup provision`: provision chosen users on demand through an app's existing job,
//! a thin face over `wizard::run_provision`.

use std::process::ExitCode;

use clap::Args;
use scim_core::wizard::{run_provision, MicrosoftSignInChoice};

use super::setup::{
    cancel_on_ctrl_c, context, fail_early, finish, hold_data_folder, launcher, printer,
};
use super::{GlobalArgs, SignInArgs};

#[derive(Debug, Args)]
pub struct ProvisionArgs {
    /// The Entra enterprise app whose provisioning job to use.
    #[arg(long, value_name = "NAME", value_parser = super::non_blank)]
    pub app: String,
    /// A user principal name to provision; repeat for more.
    #[arg(long = "user", value_name = "UPN", required = true, value_parser = super::non_blank)]
    pub users: Vec<String>,
    /// Print one machine-readable JSON document.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(global: &GlobalArgs, sign_in: &SignInArgs, args: ProvisionArgs) -> ExitCode {
    let ctx = match context(global, sign_in) {
        Ok(ctx) => ctx,
        Err(exit) => return exit,
    };
    let cancel = cancel_on_ctrl_c();
    let _writer = match hold_data_folder(&ctx, "provision", args.json, &cancel).await {
        Ok(lock) => lock,
        Err(exit) => return exit,
    };
    let launcher = match launcher(&ctx.profile) {
        Ok(launcher) => launcher,
        Err(problem) => return fail_early(&problem, args.json),
    };
    let printer = printer(args.json);
    let report = run_provision(
        &ctx,
        MicrosoftSignInChoice::DeviceCode,
        &args.app,
        &args.users,
        launcher.as_ref(),
        &printer,
        &cancel,
    )
    .await;
    finish("provision", &report, args.json)
}
