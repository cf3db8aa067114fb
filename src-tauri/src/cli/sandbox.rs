//! `scim-setup sandbox`: serve the simulated clouds until SIGINT or SIGTERM.

use std::process::ExitCode;

use clap::Args;

use super::{output::usage_error, EXIT_FAILED};

#[derive(Debug, Args)]
#[command(after_help = scim_sandbox::FAULT_SYNTAX_HELP)]
pub struct SandboxArgs {
    /// First port: Microsoft on N, Unity on N+1, Unity SCIM over HTTPS on N+2 (0 = any free ports).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub port: u16,
    /// How many users the simulated directory holds.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub users: usize,
    /// Switch a fault on from the start; repeat for more (syntax below).
    #[arg(long = "fault", value_name = "SPEC")]
    pub faults: Vec<String>,
}

pub async fn run(args: SandboxArgs) -> ExitCode {
    for spec in &args.faults {
        if let Err(err) = scim_sandbox::parse_fault(spec) {
            return usage_error(&format!("--fault {spec}: {err}"));
        }
    }
    let config = scim_sandbox::SandboxConfig {
        port: args.port,
        users: args.users,
        faults: args.faults,
        ..Default::default()
    };
    let sandbox = match scim_sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(err) => {
            eprintln!("error: the sandbox could not start: {err}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    // One line, so a script can read it with `head -n1` and keep the process running.
    println!("{}", sandbox.profile());
    wait_for_shutdown_signal().await;
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

/// SIGINT or SIGTERM on Unix (a service manager stops with SIGTERM).
#[cfg(unix)]
async fn wait_for_shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Ctrl+C (or Ctrl+Break, which Windows delivers the same way) elsewhere.
#[cfg(not(unix))]
async fn wait_for_shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
