//! `scim-setup preview`: what Start will do to every user in scope, read-only; a thin face
//! over `wizard::preview_provisioning`. Exit 0 whenever the preview ran, whatever it found.

use std::process::ExitCode;

use clap::Args;
use scim_core::auth::{DeviceCodePrompt, SignInMethod};
use scim_core::progress::FnProgress;
use scim_core::wizard::{open_existing_job, preview_provisioning, PreviewProgress, PreviewReport};

use super::setup::{cancel_on_ctrl_c, context, fail_early};
use super::{GlobalArgs, SignInArgs};

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The Entra enterprise app whose provisioning job to preview (default: "Unity").
    #[arg(long, value_name = "NAME")]
    pub app: Option<String>,
    /// Print one machine-readable JSON document: {"summary": {...}, "users": [...]}.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(global: &GlobalArgs, sign_in: &SignInArgs, args: PreviewArgs) -> ExitCode {
    let ctx = match context(global, sign_in) {
        Ok(ctx) => ctx,
        Err(exit) => return exit,
    };
    let cancel = cancel_on_ctrl_c();
    let prompt = |prompt: DeviceCodePrompt| eprintln!("{}", prompt.message);
    let app = args.app.as_deref().unwrap_or("Unity");
    let graph = match open_existing_job(&ctx, SignInMethod::DeviceCode(&prompt), app, &cancel).await
    {
        Ok(graph) => graph,
        Err(problem) => return fail_early(&problem, args.json),
    };
    let json = args.json;
    let progress = FnProgress(move |event: PreviewProgress| {
        if !json {
            let total = event.total.map(|t| format!(" of {t}")).unwrap_or_default();
            eprintln!("    {:?}: {}{total}", event.stage, event.done);
        }
    });
    match preview_provisioning(&ctx, &graph, &progress, &cancel).await {
        Ok(report) if json => {
            println!("{}", serde_json::to_value(&report).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Ok(report) => {
            print_human(&report);
            ExitCode::SUCCESS
        }
        Err(problem) => fail_early(&problem, json),
    }
}

fn print_human(report: &PreviewReport) {
    let s = &report.summary;
    println!(
        "create {}, update {}, in sync {}, conflict {}, skip {}, remove {} ({} in scope, {} in Unity)",
        s.create, s.update, s.in_sync, s.conflict, s.skip, s.remove, report.in_scope, report.unity_accounts
    );
    for user in &report.users {
        println!(
            "{:<9} {}: {}",
            user.action.as_str(),
            user.user_principal_name,
            user.reason
        );
        for change in &user.changes {
            println!(
                "          {}: {} -> {}",
                change.attribute,
                change.from.as_deref().unwrap_or("(none)"),
                change.to.as_deref().unwrap_or("(none)")
            );
        }
    }
    for note in &report.notes {
        println!("note: {note}");
    }
}
