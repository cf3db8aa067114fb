//! The command line's own words on top of the engine's. A fix the window and the CLI share
//! is written for people and names no flag; where the CLI has a flag that does what the fix
//! asks, the CLI adds it here, keyed on what was being done (the problem's action).

use scim_core::{Problem, ProblemKind};

/// The flag that carries out `problem`'s fix, when the CLI has one.
pub fn flag_hint(problem: &Problem) -> Option<&'static str> {
    let info = problem.info();
    let action = info.action.as_str();
    match problem.kind() {
        ProblemKind::NotFound if action.starts_with("Looking for the enterprise app") => {
            Some("add --create-app to create it")
        }
        ProblemKind::NotFound if action == "Creating the provisioning job" => {
            Some("give a new name with --app NAME and add --create-app")
        }
        ProblemKind::NotFound if action == "Finding the provisioning job" => {
            Some("run `scim-setup setup` first")
        }
        ProblemKind::NotFound
            if action == "Rotating the SCIM token" && info.cause.contains("pasted") =>
        {
            Some("give a token made in the Dashboard with --token-env VAR")
        }
        ProblemKind::BadInput if action == "Choosing the Unity organization" => {
            Some("name the organization with --unity-org ID")
        }
        ProblemKind::DataFolderBusy => {
            Some("wait longer with SCIM_SETUP_LOCK_WAIT_SECS=SECONDS (default 30)")
        }
        _ => None,
    }
}

/// The line printed under a failure's fix.
pub fn hint_line(problem: Option<&Problem>, indent: &str) -> Option<String> {
    flag_hint(problem?).map(|hint| format!("{indent}on the command line: {hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_names_the_flag_the_shared_fix_leaves_out() {
        let missing = Problem::not_found(
            "Looking for the enterprise app \u{201c}Payroll\u{201d}",
            "No enterprise app named \u{201c}Payroll\u{201d} exists in this tenant.",
            "Check the name, or let the app create a non-gallery app of that name.",
        );
        assert_eq!(
            hint_line(Some(&missing), "  ").as_deref(),
            Some("  on the command line: add --create-app to create it")
        );
        let orgs = Problem::bad_input(
            "Choosing the Unity organization",
            "Your Unity account belongs to several organizations: A (1), B (2).",
            "Choose the organization to set up.",
        );
        assert_eq!(
            flag_hint(&orgs),
            Some("name the organization with --unity-org ID")
        );
        // A problem the CLI has no flag for gets no extra line.
        let other = Problem::server("Creating the provisioning job", "Down.", "Try again.");
        assert_eq!(hint_line(Some(&other), ""), None);
        assert_eq!(hint_line(None, ""), None);
    }
}
