//! Sign-in errors in plain words (the codes:
//! <https://learn.microsoft.com/entra/identity-platform/reference-error-codes>). Branch on the
//! OAuth `error` and the AADSTS number inside `error_description`; show the description's first
//! line as evidence.

use crate::problem::{Problem, ProblemDetail};

/// Which service the sign-in was for; the wording of the fixes differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Microsoft,
    Unity,
}

impl Provider {
    /// The action a sign-in Problem names, e.g. "Signing in to Microsoft".
    pub fn action(self) -> &'static str {
        match self {
            Provider::Microsoft => "Signing in to Microsoft",
            Provider::Unity => "Signing in to Unity",
        }
    }

    /// The service in a sentence: "Microsoft sign-in service".
    pub fn sign_in_service(self) -> &'static str {
        match self {
            Provider::Microsoft => "Microsoft sign-in service",
            Provider::Unity => "Unity sign-in service",
        }
    }
}

/// The `AADSTS…` number in a description such as "AADSTS65001: The user or administrator…".
pub fn aadsts_code(description: &str) -> Option<String> {
    let start = description.find("AADSTS")? + "AADSTS".len();
    let digits: String = description[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then_some(digits)
}

fn after_marker(description: &str, marker: &str) -> Option<String> {
    let start = description.find(marker)? + marker.len();
    let value: String = description[start..]
        .chars()
        .skip_while(|c| *c == ' ')
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    (!value.is_empty()).then_some(value)
}

/// Maps a provider's `error` + `error_description` to a Problem with cause and fix.
pub fn explain(provider: Provider, error: &str, description: Option<&str>) -> Problem {
    let action = provider.action();
    let description = description.unwrap_or("").trim();
    let first_line = description.lines().next().unwrap_or("").trim();
    let code = aadsts_code(description);
    let said = if first_line.is_empty() {
        format!(" ({error})")
    } else {
        format!(" The sign-in service said: \u{201c}{first_line}\u{201d}")
    };
    let detail = ProblemDetail {
        provider_code: Some(match &code {
            Some(code) => format!("AADSTS{code}"),
            None => error.to_string(),
        }),
        trace_id: after_marker(description, "Trace ID:"),
        correlation_id: after_marker(description, "Correlation ID:"),
        ..ProblemDetail::default()
    };
    let problem = match (code.as_deref(), error) {
        (Some("65001"), _) | (Some("90094"), _) | (Some("90095"), _) | (Some("65004"), _) | (_, "consent_required") => {
            Problem::consent_required(
                action,
                format!("An administrator has not consented to the permissions this app needs.{said}"),
                "Ask a Global Administrator or Privileged Role Administrator to sign in once and accept the consent \
                 prompt for the whole organization (or grant admin consent for the client app in Entra › Enterprise \
                 applications), then sign in again.",
            )
        }
        (Some("50076"), _) | (Some("50079"), _) | (Some("50072"), _) | (_, "interaction_required") => Problem::sign_in_failed(
            action,
            format!("Your organization requires multi-factor authentication for this sign-in.{said}"),
            "Sign in again interactively in the browser and complete the MFA prompt (register a method first if asked).",
        ),
        (Some("53003"), _) => Problem::sign_in_failed(
            action,
            format!("A Conditional Access policy blocked this sign-in.{said}"),
            "Ask your Entra administrator to allow this client app in the Conditional Access policy, or sign in from a compliant device.",
        ),
        (Some("700016"), _) => Problem::sign_in_failed(
            action,
            format!("The app (client ID) is not known in this tenant or cloud.{said}"),
            "Check the client ID in the cloud profile, and that you sign in to the right tenant and national cloud.",
        ),
        (Some("90002"), _) => Problem::sign_in_failed(
            action,
            format!("The tenant was not found.{said}"),
            "Check the tenant you gave (a verified domain such as contoso.com, or the tenant ID from Entra › Overview; leave it empty for your home tenant) and the cloud profile (global, usgov or china).",
        ),
        (Some("50011"), _) => Problem::sign_in_failed(
            action,
            format!("The app's redirect URI is not registered.{said}"),
            "Register http://localhost as a redirect URI of the client app (Mobile and desktop applications platform).",
        ),
        (Some("50020"), _) | (Some("50034"), _) => Problem::sign_in_failed(
            action,
            format!("This account does not belong to the tenant.{said}"),
            "Sign in with an account of the tenant you are setting up.",
        ),
        (Some("50105"), _) => Problem::sign_in_failed(
            action,
            format!("Your account is not assigned to the client app, and the tenant requires assignment.{said}"),
            "Ask an administrator to assign you to the client app in Entra › Enterprise applications.",
        ),
        (Some("50126"), _) | (Some("50053"), _) | (Some("50057"), _) => Problem::sign_in_failed(
            action,
            format!("The account cannot sign in (wrong password, locked or disabled).{said}"),
            "Check the password, or ask an administrator to unlock or enable the account.",
        ),
        (Some("7000218"), _) => Problem::sign_in_failed(
            action,
            format!("The client app is registered as confidential, so it cannot be used from a desktop app.{said}"),
            "In the app registration, turn on \u{201c}Allow public client flows\u{201d}.",
        ),
        (_, "invalid_grant") => Problem::sign_in_required(
            action,
            format!("The saved sign-in expired or was revoked.{said}"),
            "Sign in again.",
        ),
        (_, "access_denied") | (_, "authorization_declined") => Problem::sign_in_failed(
            action,
            format!("The sign-in was cancelled or declined.{said}"),
            "Sign in again and accept the prompt.",
        ),
        (_, "expired_token") => Problem::timeout(
            action,
            format!("The sign-in code expired before it was used.{said}"),
            "Start the sign-in again and enter the new code within 15 minutes.",
        ),
        (_, "temporarily_unavailable") | (_, "server_error") => Problem::server(
            action,
            format!("The sign-in service is having trouble.{said}"),
            "Try again in a few minutes.",
        ),
        _ => Problem::sign_in_failed(
            action,
            format!("The sign-in was refused.{said}"),
            "Try again; if it keeps failing, send the trace and correlation IDs to your administrator.",
        ),
    };
    problem.with_detail(detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_documented_code_has_its_own_explanation() {
        let consent = explain(Provider::Microsoft, "invalid_grant", Some("AADSTS65001: The user or administrator has not consented.\r\nTrace ID: abc-1\r\nCorrelation ID: def-2\r\nTimestamp: x"));
        assert_eq!(consent.kind_name(), "consentRequired");
        assert_eq!(
            consent.info().detail.provider_code.as_deref(),
            Some("AADSTS65001")
        );
        assert_eq!(consent.info().detail.trace_id.as_deref(), Some("abc-1"));
        assert_eq!(
            consent.info().detail.correlation_id.as_deref(),
            Some("def-2")
        );
        assert!(
            !consent.info().cause.contains("Trace ID"),
            "only the first line is shown"
        );

        let mfa = explain(
            Provider::Microsoft,
            "interaction_required",
            Some("AADSTS50076: Due to a configuration change…"),
        );
        assert!(mfa.info().cause.contains("multi-factor"));
        let app = explain(
            Provider::Microsoft,
            "unauthorized_client",
            Some("AADSTS700016: Application with identifier 'x' was not found"),
        );
        assert!(app.info().fix.contains("client ID"));
        let tenant = explain(
            Provider::Microsoft,
            "invalid_request",
            Some("AADSTS90002: Tenant 'x' not found."),
        );
        assert!(tenant.info().cause.contains("tenant was not found"));
        let expired = explain(
            Provider::Microsoft,
            "invalid_grant",
            Some("AADSTS70008: The refresh token has expired."),
        );
        assert_eq!(expired.kind_name(), "signInRequired");
        let unity = explain(
            Provider::Unity,
            "access_denied",
            Some("The user cancelled sign-in."),
        );
        assert_eq!(unity.info().action, "Signing in to Unity");
        assert_eq!(
            unity.info().detail.provider_code.as_deref(),
            Some("access_denied")
        );
    }
}
