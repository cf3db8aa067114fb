//! The README's command-line synopsis against the clap definitions: every subcommand has a
//! synopsis entry and every long flag appears in it, so a new flag cannot ship undocumented.
//! The check walks the whole command tree, so nested subcommands are covered when they come.

use clap::CommandFactory;

use super::Cli;

/// One synopsis entry: a line starting with `scim-setup` and the indented lines that continue it.
struct Entry {
    /// The lowercase words after `scim-setup` that are neither flags nor placeholders: a
    /// subcommand's entry starts with its path (`rotate-token`, or `mappings fix`).
    words: Vec<String>,
    /// Every `--long` flag the entry names.
    flags: Vec<String>,
}

/// The entries of the first code block under `## The command line`; empty when there is none.
fn synopsis(readme: &str) -> Vec<Entry> {
    let mut lines = readme
        .lines()
        .skip_while(|line| line.trim() != "## The command line")
        .skip_while(|line| !line.starts_with("```"))
        .skip(1)
        .take_while(|line| !line.starts_with("```"));
    let mut entries: Vec<String> = Vec::new();
    for line in lines.by_ref() {
        match entries.last_mut() {
            Some(entry) if line.starts_with(char::is_whitespace) => {
                entry.push(' ');
                entry.push_str(line.trim());
            }
            _ => entries.push(line.to_string()),
        }
    }
    entries
        .iter()
        .filter_map(|text| text.strip_prefix("scim-setup"))
        .map(|rest| Entry {
            words: rest
                .split_whitespace()
                .filter(|word| {
                    word.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                        && !word.starts_with('-')
                })
                .map(str::to_string)
                .collect(),
            flags: rest
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .filter(|word| word.starts_with("--") && word.len() > 2)
                .map(str::to_string)
                .collect(),
        })
        .collect()
}

/// What the README's synopsis lacks, one line each: a subcommand with no entry of its own, a
/// subcommand's long flag missing from its entries, or a top-level flag missing from the block.
fn missing_from_readme(command: &clap::Command, readme: &str) -> Vec<String> {
    let entries = synopsis(readme);
    let mut missing = Vec::new();
    let everywhere: Vec<&String> = entries.iter().flat_map(|entry| &entry.flags).collect();
    for arg in command.get_arguments().filter(|arg| !arg.is_hide_set()) {
        if let Some(long) = arg.get_long() {
            let flag = format!("--{long}");
            if !everywhere.contains(&&flag) {
                missing.push(format!("{flag} (any command) is in no synopsis line"));
            }
        }
    }
    walk(command, &mut Vec::new(), &entries, &mut missing);
    missing
}

fn walk(
    command: &clap::Command,
    path: &mut Vec<String>,
    entries: &[Entry],
    missing: &mut Vec<String>,
) {
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        path.push(sub.get_name().to_string());
        let own: Vec<&Entry> = entries
            .iter()
            .filter(|entry| entry.words.starts_with(path))
            .collect();
        let name = path.join(" ");
        if own.is_empty() {
            missing.push(format!("subcommand `{name}` has no synopsis line"));
        }
        for arg in sub.get_arguments().filter(|arg| !arg.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                let flag = format!("--{long}");
                if !own.is_empty() && !own.iter().any(|entry| entry.flags.contains(&flag)) {
                    missing.push(format!("`{name} {flag}` is not in its synopsis line"));
                }
            }
        }
        walk(sub, path, entries, missing);
        path.pop();
    }
}

#[test]
fn every_subcommand_and_long_flag_is_in_the_readme_synopsis() {
    let missing = missing_from_readme(&Cli::command(), include_str!("../../../README.md"));
    assert!(
        missing.is_empty(),
        "README.md's synopsis (the code block under \"## The command line\") lacks:\n  {}",
        missing.join("\n  ")
    );
}

/// A command tree of the same kinds the real one has: a top-level flag, subcommands, a
/// multi-word name and a nested subcommand.
fn sample_command() -> clap::Command {
    use clap::{Arg, ArgAction, Command};
    let flag = |name: &'static str| Arg::new(name).long(name).action(ArgAction::SetTrue);
    Command::new("scim-setup")
        .arg(flag("profile"))
        .subcommand(Command::new("diagnose").arg(flag("url")).arg(flag("json")))
        .subcommand(Command::new("rotate-token").arg(flag("app")))
        .subcommand(
            Command::new("mappings")
                .arg(flag("check"))
                .subcommand(Command::new("fix").arg(flag("app"))),
        )
}

fn readme_with(synopsis: &str) -> String {
    format!(
        "# Title\n\n## The command line\n\n```\n{synopsis}```\n\nscim-setup elsewhere --nowhere\n"
    )
}

#[test]
fn a_complete_synopsis_passes_with_wrapped_lines_and_placeholders() {
    let readme = readme_with(
        "scim-setup                        the window (the sandbox with --sandbox)\n\
         scim-setup [--profile FILE] diagnose --url URL\n        [--json]\n\
         scim-setup [--profile FILE] rotate-token [--app NAME]\n\
         scim-setup mappings [--check]\n\
         scim-setup mappings fix FINDING --app NAME\n",
    );
    assert_eq!(
        missing_from_readme(&sample_command(), &readme),
        Vec::<String>::new()
    );
}

#[test]
fn each_kind_of_gap_is_named() {
    let readme = readme_with(
        // no --profile anywhere; diagnose's --json only on rotate-token's line; no mappings fix
        "scim-setup diagnose --url URL\n\
         scim-setup rotate-token [--app NAME] [--json]\n\
         scim-setup mappings [--check] [--app NAME]\n",
    );
    assert_eq!(
        missing_from_readme(&sample_command(), &readme),
        vec![
            "--profile (any command) is in no synopsis line",
            "`diagnose --json` is not in its synopsis line",
            "subcommand `mappings fix` has no synopsis line",
        ]
    );
}

#[test]
fn flags_outside_the_synopsis_block_do_not_count() {
    // The prose below the block names everything; only the block is the synopsis.
    let readme = "## The command line\n\n```\nscim-setup diagnose --url URL\n```\n\n\
                  scim-setup [--profile FILE] diagnose --url URL --json\n\
                  scim-setup rotate-token --app NAME\nscim-setup mappings fix --check --app\n";
    assert_eq!(
        missing_from_readme(&sample_command(), readme),
        vec![
            "--profile (any command) is in no synopsis line",
            "`diagnose --json` is not in its synopsis line",
            "subcommand `rotate-token` has no synopsis line",
            "subcommand `mappings` has no synopsis line",
            "subcommand `mappings fix` has no synopsis line",
        ]
    );
}

#[test]
fn a_readme_without_the_section_misses_everything() {
    let missing = missing_from_readme(&sample_command(), "# Title\n\nno synopsis here\n");
    assert_eq!(
        missing,
        vec![
            "--profile (any command) is in no synopsis line",
            "subcommand `diagnose` has no synopsis line",
            "subcommand `rotate-token` has no synopsis line",
            "subcommand `mappings` has no synopsis line",
            "subcommand `mappings fix` has no synopsis line",
        ]
    );
}
