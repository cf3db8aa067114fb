//! Shared CLI output helpers: how a secret is read and how a usage error is reported.

use std::io::Read;
use std::process::ExitCode;

use scim_core::Secret;

use super::EXIT_USAGE;

/// Reads a secret from the named environment variable or from stdin (trimmed), never from an
/// argument: arguments show in process lists.
pub fn read_secret(env_var: Option<&str>, from_stdin: bool) -> Result<Secret, String> {
    if let Some(var) = env_var {
        let shown = shown_variable_name(var)?;
        return match std::env::var(var) {
            Ok(value) if !value.trim().is_empty() => Ok(Secret::new(value.trim())),
            Ok(_) => Err(format!("the environment variable {shown} is empty")),
            Err(_) => Err(format!("the environment variable {shown} is not set")),
        };
    }
    if from_stdin {
        let mut value = String::new();
        std::io::stdin()
            .read_to_string(&mut value)
            .map_err(|err| format!("could not read the token from stdin: {err}"))?;
        let value = value.trim();
        if value.is_empty() {
            return Err("no token on stdin".to_string());
        }
        return Ok(Secret::new(value));
    }
    Err("give the token with --token-env VAR or --token-stdin".to_string())
}

/// How `--token-env`'s value may be quoted back: the name itself when it is a conventional
/// one (`SCIM_TOKEN`: upper-case letters, digits and `_`, at most 64), else a description, since
/// a likely slip is to give the token itself. A value that is no variable name at all (the
/// POSIX Base Definitions, Environment Variables chapter: letters, digits and `_`, not
/// starting with a digit) is refused, never echoed.
/// Errors: the refusal, worded for a person.
pub fn shown_variable_name(var: &str) -> Result<String, String> {
    const LONGEST_SHOWN: usize = 64;
    let is_name = var
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_name {
        // Hidden from the log as well, in case it was the token.
        scim_core::redact::register(var);
        return Err(TOKEN_ENV_NOT_A_NAME.to_string());
    }
    let conventional = var.len() <= LONGEST_SHOWN
        && var
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if conventional {
        Ok(var.to_string())
    } else {
        scim_core::redact::register(var);
        Ok("named by --token-env".to_string())
    }
}

/// Why a `--token-env` value was refused; it never quotes the value.
const TOKEN_ENV_NOT_A_NAME: &str = "--token-env takes the NAME of an environment variable that holds the token (letters, digits and _, not starting with a digit), e.g. --token-env SCIM_TOKEN, never the token itself; if you typed the token there, it may now be in your shell history: rotate it";

pub fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_USAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventional_names_are_quoted_back() {
        for name in ["SCIM_TOKEN", "_T", "TOKEN2", "A"] {
            assert_eq!(shown_variable_name(name).as_deref(), Ok(name));
        }
    }

    #[test]
    fn a_value_that_is_no_name_is_refused_without_being_echoed() {
        // Shapes a token takes when it is pasted where the name belongs.
        let slips = [
            "Bearer abcdef0123456789",
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
            "dGhpcyBpcyBhIHRva2Vu+/==",
            "9f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f",
            "7Q2aXk3mPq",
            "tok en",
            "name=value",
            "",
        ];
        for slip in slips {
            let refused = shown_variable_name(slip).expect_err(slip);
            assert!(
                slip.is_empty() || !refused.contains(slip),
                "{slip}: {refused}"
            );
            assert!(refused.contains("NAME"), "{refused}");
        }
    }

    #[test]
    fn a_name_shaped_like_a_token_is_described_not_quoted() {
        for name in [
            "uK3pQ9sLm2Xr7Vt1Zw8Yb4Nc6Hd0Jf5G",
            "scim_token",
            &"A".repeat(65),
        ] {
            let shown = shown_variable_name(name).expect("a name");
            assert!(!shown.contains(name), "{shown}");
            let unset = read_secret(Some(name), false).expect_err("not set");
            assert!(!unset.contains(name), "{unset}");
        }
    }
}
