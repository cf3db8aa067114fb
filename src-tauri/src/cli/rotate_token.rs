//! `scim-setup rotate-token`: a new SCIM bearer token without downtime, a thin face over
//! `wizard::rotate_scim_token`. API road by default (new token minted for the service
//! account); `--token-env VAR` takes a token made in the Dashboard instead (guided road).

use std::process::ExitCode;

use clap::Args;
use scim_core::auth::{DeviceCodePrompt, SignInMethod};
use scim_core::wizard::{open_existing_job, rotate_scim_token, token_facts, RotationRoad};

use super::output::read_secret;
use super::setup::{cancel_on_ctrl_c, context, fail_early, hold_data_folder, launcher};
use super::{GlobalArgs, SignInArgs, EXIT_FAILED};

#[derive(Debug, Args)]
pub struct RotateTokenArgs {
    /// The Entra enterprise app whose provisioning job uses the token (default: "Unity").
    #[arg(long, value_name = "NAME")]
    pub app: Option<String>,
    /// Guided road: the environment variable holding a token created in the Dashboard.
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
    /// Print one machine-readable JSON document.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(global: &GlobalArgs, sign_in: &SignInArgs, args: RotateTokenArgs) -> ExitCode {
    let ctx = match context(global, sign_in) {
        Ok(ctx) => ctx,
        Err(exit) => return exit,
    };
    let pasted = match &args.token_env {
        Some(var) => match read_secret(Some(var), false) {
            Ok(token) => Some(token),
            Err(message) => return super::output::usage_error(&message),
        },
        None => None,
    };
    let cancel = cancel_on_ctrl_c();
    let _writer = match hold_data_folder(&ctx, "rotate-token", args.json, &cancel).await {
        Ok(lock) => lock,
        Err(exit) => return exit,
    };
    let prompt = |prompt: DeviceCodePrompt| eprintln!("{}", prompt.message);
    let app = args.app.as_deref().unwrap_or("Unity");
    let graph = match open_existing_job(&ctx, SignInMethod::DeviceCode(&prompt), app, &cancel).await
    {
        Ok(graph) => graph,
        Err(problem) => return fail_early(&problem, args.json),
    };
    let rotated = match &pasted {
        Some(token) => {
            rotate_scim_token(&ctx, &graph, RotationRoad::Pasted(token.expose()), &cancel).await
        }
        None => {
            let browser = match launcher(&ctx.profile) {
                Ok(browser) => browser,
                Err(problem) => return fail_early(&problem, args.json),
            };
            let unity = match ctx.sign_in_unity(browser.as_ref(), &cancel).await {
                Ok(_) => ctx.unity_admin(&cancel).await,
                Err(problem) => Err(problem),
            };
            match unity {
                Ok(unity) => {
                    rotate_scim_token(&ctx, &graph, RotationRoad::Api(&unity), &cancel).await
                }
                Err(problem) => Err(problem),
            }
        }
    };
    let token = token_facts(&ctx);
    match rotated {
        Ok(rotation) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({ "ok": true, "rotation": rotation, "token": token })
                );
            } else {
                for line in &rotation.reconciled {
                    println!("{line}");
                }
                println!(
                    "New token …{} is saved in Entra and passed Test Connection.",
                    rotation.new_token_last_four
                );
                if rotation.old_token_revoked {
                    println!(
                        "The old token …{} is revoked.",
                        rotation.old_token_last_four.unwrap_or_default()
                    );
                }
                if let Some(follow_up) = &rotation.follow_up {
                    println!("To do: {follow_up}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(problem) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({ "ok": false, "problem": problem, "token": token })
                );
            } else {
                eprintln!("error: {problem}");
                if let Some(hint) = super::hints::hint_line(Some(&problem), "") {
                    eprintln!("{hint}");
                }
                eprintln!("The old token stays in use; nothing was revoked.");
            }
            ExitCode::from(EXIT_FAILED)
        }
    }
}
