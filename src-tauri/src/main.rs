//! `scim-setup`: the window, or with a subcommand the same engine headless.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod app;
mod cli;
mod logging;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let parsed = cli::Cli::parse();
    // Kept to the end of main, so the last lines reach the file.
    let _log = logging::start(&parsed.global, parsed.command.is_some());
    match parsed.command {
        // Subcommands never start GTK: they must run with no display at all.
        Some(command) => cli::run(parsed.global, parsed.sign_in, command),
        None => app::run(parsed.global),
    }
}
