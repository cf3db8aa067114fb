//! `scim-setup account` (who is signed in where, signing in to nothing) and `scim-setup
//! sign-out` (Microsoft, Unity, the SCIM token, or all three; each says what it removes and
//! asks first). Thin faces over `WizardContext::microsoft_account` and
//! `wizard::{plan_sign_out, sign_out}`.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::Args;
use scim_core::wizard::{plan_sign_out, sign_out as forget, SignOutScope, WizardContext};
use scim_core::Problem;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::output::usage_error;
use super::setup::{cancel_on_ctrl_c, context, hold_data_folder};
use super::{GlobalArgs, SignInArgs, EXIT_FAILED};

/// `scim-setup account`'s flags.
#[derive(Debug, Args)]
pub struct AccountArgs {
    /// Print one machine-readable JSON document.
    #[arg(long)]
    pub json: bool,
}

/// `scim-setup sign-out`'s flags: exactly one of `--microsoft`, `--unity`, `--scim-token`,
/// `--all`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["microsoft", "unity", "scim_token", "all"])))]
pub struct SignOutArgs {
    /// Sign out of Microsoft (the saved Entra sign-in).
    #[arg(long)]
    pub microsoft: bool,
    /// Sign out of Unity (the saved Unity sign-in; the SCIM token stays).
    #[arg(long)]
    pub unity: bool,
    /// Forget the SCIM bearer token kept in the keychain (Entra keeps its own copy).
    #[arg(long)]
    pub scim_token: bool,
    /// All three.
    #[arg(long)]
    pub all: bool,
    /// Do not ask: needed when there is no terminal to ask in.
    #[arg(long)]
    pub yes: bool,
    /// Print one machine-readable JSON document.
    #[arg(long)]
    pub json: bool,
}

/// Prints who is signed in to Microsoft (account, tenant name, domain and ID) and Unity,
/// resuming saved sign-ins quietly, and the SCIM token kept. Exit 1 when a saved sign-in
/// could not be checked (the network, the keychain), 0 otherwise.
pub async fn show(global: &GlobalArgs, sign_in: &SignInArgs, args: AccountArgs) -> ExitCode {
    let ctx = match context(global, sign_in) {
        Ok(ctx) => ctx,
        Err(exit) => return exit,
    };
    let cancel = cancel_on_ctrl_c();
    let tenant = ctx.microsoft_tenant();
    let microsoft = ctx.microsoft_account(&cancel).await;
    let unity = unity_account(&ctx, &cancel).await;
    let journal = ctx.journal.snapshot();
    let token = journal
        .unity
        .token_last_four
        .as_ref()
        .map(|last_four| json!({"lastFour": last_four, "scimUrl": journal.unity.scim_url}));
    let problems: Vec<&Problem> = [microsoft.as_ref().err(), unity.as_ref().err()]
        .into_iter()
        .flatten()
        .collect();
    if args.json {
        let document = json!({
            "command": "account",
            "ok": problems.is_empty(),
            "microsoftTenant": tenant,
            "microsoft": microsoft.as_ref().ok().cloned().flatten(),
            "unity": unity.as_ref().ok().cloned().flatten().map(|account| json!({"account": account})),
            "scimToken": token,
            "store": ctx.secrets.describe(),
            "problems": problems,
        });
        println!("{document}");
    } else {
        match &microsoft {
            Ok(Some(account)) => println!("Microsoft:  {}", describe_tenant(account)),
            Ok(None) => println!("Microsoft:  not signed in (a sign-in goes to {tenant})"),
            Err(problem) => println!("Microsoft:  could not check: {problem}"),
        }
        match &unity {
            Ok(Some(account)) => println!("Unity:      {account}"),
            Ok(None) => println!("Unity:      not signed in"),
            Err(problem) => println!("Unity:      could not check: {problem}"),
        }
        match (&journal.unity.token_last_four, &journal.unity.scim_url) {
            (Some(last_four), Some(url)) => {
                println!(
                    "SCIM token: …{last_four} for {url}, in {}",
                    ctx.secrets.describe()
                )
            }
            (Some(last_four), None) => {
                println!("SCIM token: …{last_four}, in {}", ctx.secrets.describe())
            }
            _ => println!("SCIM token: none kept"),
        }
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILED)
    }
}

/// "admin@contoso.com in Contoso (contoso.com), tenant ID c0a7…"
fn describe_tenant(account: &scim_core::wizard::EntraAccount) -> String {
    match (&account.tenant_id, account.tenant_name.is_some()) {
        (Some(id), true) => format!("{}, tenant ID {id}", account.describe()),
        _ => account.describe(),
    }
}

/// The Unity account's e-mail (or name) when a saved Unity sign-in resumes; `None` when
/// nobody is signed in to Unity.
async fn unity_account(
    ctx: &WizardContext,
    cancel: &CancellationToken,
) -> Result<Option<String>, Problem> {
    Ok(ctx.unity_account(cancel).await?.map(|outcome| {
        outcome
            .account
            .unwrap_or_else(|| "an account with no e-mail address or name".into())
    }))
}

/// Says what the sign-out removes, asks (unless `--yes`), removes it and says what went.
/// Exit 2 when there is no terminal to ask in and no `--yes`; 1 when the keychain or the
/// journal cannot be written.
pub async fn sign_out(global: &GlobalArgs, sign_in: &SignInArgs, args: SignOutArgs) -> ExitCode {
    let scope = match (args.all, args.microsoft, args.unity, args.scim_token) {
        (true, ..) => SignOutScope::Everything,
        (_, true, false, false) => SignOutScope::Microsoft,
        (_, false, true, false) => SignOutScope::Unity,
        (_, false, false, true) => SignOutScope::ScimToken,
        _ => SignOutScope::Everything,
    };
    let ctx = match context(global, sign_in) {
        Ok(ctx) => ctx,
        Err(exit) => return exit,
    };
    let plan = match plan_sign_out(&ctx, scope) {
        Ok(plan) => plan,
        Err(problem) => return failed(&problem, args.json),
    };
    if !plan.removed.is_empty() && !args.yes {
        let list = plan.removed.join(", ");
        if !std::io::stdin().is_terminal() {
            return usage_error(&format!(
                "Signing out removes {list} from {}. Fix: Add --yes to confirm (there is no terminal to ask in).",
                plan.store
            ));
        }
        eprint!("This removes {list} from {}. Go ahead? [y/N] ", plan.store);
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
            eprintln!("Nothing was removed.");
            return ExitCode::SUCCESS;
        }
    }
    // After the question, so a person thinking it over keeps no other run waiting.
    let _writer = match hold_data_folder(&ctx, "sign-out", args.json, &cancel_on_ctrl_c()).await {
        Ok(lock) => lock,
        Err(exit) => return exit,
    };
    let outcome = match forget(&ctx, scope) {
        Ok(outcome) => outcome,
        Err(problem) => return failed(&problem, args.json),
    };
    if args.json {
        let mut document = serde_json::to_value(&outcome).unwrap_or_else(|_| json!({}));
        if let Some(object) = document.as_object_mut() {
            object.insert("command".into(), json!("sign-out"));
            object.insert("ok".into(), json!(true));
        }
        println!("{document}");
    } else {
        if outcome.removed.is_empty() {
            println!("Nothing was kept in {} to remove.", outcome.store);
        } else {
            println!(
                "Removed from {}: {}.",
                outcome.store,
                outcome.removed.join(", ")
            );
        }
        let steps: Vec<&str> = outcome.forgotten_steps.iter().map(|s| s.title()).collect();
        println!("The next run does again: {}.", steps.join(", "));
    }
    ExitCode::SUCCESS
}

fn failed(problem: &Problem, json: bool) -> ExitCode {
    if json {
        println!(
            "{}",
            json!({"command": "sign-out", "ok": false, "problem": problem})
        );
    } else {
        eprintln!("error: {problem}");
    }
    ExitCode::from(EXIT_FAILED)
}
