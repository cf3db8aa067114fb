//! `scim-setup`: the window, or with a subcommand the same engine headless.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod app;
mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let parsed = cli::Cli::parse();
    match parsed.command {
        // Subcommands never start GTK: they must run with no display at all.
        Some(command) => cli::run(parsed.global, command),
        None => app::run(parsed.global),
    }
}
