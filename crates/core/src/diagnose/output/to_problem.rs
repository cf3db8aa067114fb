//! The bridge to the app-wide `Problem`: a failed check becomes the tagged error the UI and
//! the CLI already know how to show, with the check's cause, fix and last evidence.

use super::explain::FailureKind;
use super::report::{CheckResult, Outcome};
use crate::problem::{Problem, ProblemDetail};

impl CheckResult {
    /// The check as a `Problem`, when it failed or warned; `None` when it passed or was skipped.
    pub fn to_problem(&self) -> Option<Problem> {
        if !matches!(self.outcome, Outcome::Fail | Outcome::Warn) {
            return None;
        }
        let kind = self.failure?;
        let action = format!("Checking the SCIM endpoint: {}", self.title);
        let cause = self.cause.clone().unwrap_or_default();
        let fix = self.fix.clone().unwrap_or_default();
        use FailureKind::*;
        let problem = match kind {
            TokenRejected | TokenExpired | TokenExpiresSoon | BearerPrefixPasted
            | TokenMalformed => Problem::credentials_rejected(action, cause, fix),
            MissingRole | UserAgentRequired | BlockedByProxy => {
                Problem::forbidden(action, cause, fix)
            }
            Hang => Problem::timeout(action, cause, fix),
            UnreachableHost
            | DnsFailed
            | ConnectionDropped
            | UntrustedCertificate
            | CertificateNameMismatch
            | CertificateExpired
            | TlsVersion
            | TlsHandshakeFailed => Problem::unreachable(action, cause, fix),
            Throttled => Problem::throttled(action, cause, fix),
            InvalidUrl
            | PlainHttp
            | PlainHttpLoopback
            | TrailingUsersPath
            | NotUnityTenantPath
            | UnknownQueryString
            | MisspelledComplianceFlag
            | WrongBaseUrl
            | LoginPage => Problem::bad_input(action, cause, fix),
            ConflictOnCreate | DuplicateAccepted => Problem::conflict(action, cause, fix),
            DomainNotValidated
            | CreateRejected
            | LegacyPatchRejected
            | CompliantPatchRejected
            | FilterRejected
            | MethodBlocked
            | NotAcceptable
            | ScimErrorReturned
            | ExternalIdFilterRejected
            | QuotedFilterRejected
            | NoOpPatchRejected
            | WorkEmailNotUpserted => Problem::rejected(action, cause, fix),
            _ => Problem::server(action, cause, fix),
        };
        let last = self.evidence.last();
        Some(problem.with_detail(ProblemDetail {
            status: last.and_then(|e| e.status),
            request_id: last.and_then(|e| e.request_id.clone()),
            elapsed_ms: last.map(|e| u64::from(e.elapsed_ms)),
            request: last.map(|e| e.request.clone()),
            ..ProblemDetail::default()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::output::report::{Check, Evidence};

    #[test]
    fn a_refused_token_becomes_credentials_rejected_with_its_evidence() {
        let check = Check {
            id: "auth-token-accepted",
            title: "The endpoint accepts the token",
        };
        let result = CheckResult::new(check)
            .with_evidence(Evidence {
                request: "GET https://h/Users".into(),
                status: Some(401),
                elapsed_ms: 12,
                request_id: Some("r-1".into()),
                ..Evidence::default()
            })
            .fail(FailureKind::TokenRejected, "(HTTP 401)");
        let problem = result.to_problem().expect("a failure maps");
        let json = serde_json::to_value(&problem).expect("serializes");
        assert_eq!(json["kind"], "credentialsRejected");
        assert_eq!(json["detail"]["status"], 401);
        assert_eq!(json["detail"]["requestId"], "r-1");
        assert!(json["fix"]
            .as_str()
            .unwrap_or_default()
            .contains("bearer token"));
        assert!(CheckResult::new(check).to_problem().is_none());
    }
}
