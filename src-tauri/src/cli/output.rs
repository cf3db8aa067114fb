//! Shared CLI output helpers: how a secret is read and how a usage error is reported.

use std::io::Read;
use std::process::ExitCode;

use scim_core::Secret;

use super::EXIT_USAGE;

/// Reads a secret from the named environment variable or from stdin (trimmed), never from an
/// argument: arguments show in process lists.
pub fn read_secret(env_var: Option<&str>, from_stdin: bool) -> Result<Secret, String> {
    if let Some(var) = env_var {
        return match std::env::var(var) {
            Ok(value) if !value.trim().is_empty() => Ok(Secret::new(value.trim())),
            Ok(_) => Err(format!("the environment variable {var} is empty")),
            Err(_) => Err(format!("the environment variable {var} is not set")),
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

pub fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_USAGE)
}
