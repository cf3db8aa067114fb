//! The one error shape that crosses every boundary (IPC, CLI JSON, reports): what was being
//! done, the cause in plain words, the fix, and the technical detail. Modules build it where
//! the failure is understood, through their own constructors (`entra::errors::graph_problem`,
//! `auth::errors::explain`); the one lower-level error enum, `http::HttpError` (`thiserror`),
//! becomes a Problem at the edge (`HttpError::into_problem`). Never put a secret in a Problem: and
//! because a cause often quotes a server, every text passes the gate (`crate::gate`: secrets
//! redacted, control and bidi characters removed, length bounded) when a Problem is built,
//! changed, serialized or displayed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::gate;

/// How long the request line in a detail may be, in bytes: a URL with a SCIM filter or a
/// Graph `$filter` stays whole; a server-made `Location` cannot fill a report.
const MAX_REQUEST_LINE_BYTES: usize = 2048;

/// What was being done, why it failed and what to do; the same for every kind. Serialized
/// by hand (below) so each text is redacted on its way out, whoever set it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProblemInfo {
    /// What the app was doing, e.g. "Creating the provisioning job".
    pub action: String,
    /// The cause in plain words.
    pub cause: String,
    /// What the person can do about it.
    pub fix: String,
    /// Boxed so a `Result<_, Problem>` stays small on the happy path.
    #[serde(default)]
    pub detail: Box<ProblemDetail>,
}

/// Technical evidence for support tickets. Every field is optional; absent ones are left
/// out of the JSON (a hand-written `Serialize` below, since ts-rs 10 cannot read
/// `skip_serializing_if`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct ProblemDetail {
    #[ts(optional)]
    pub status: Option<u16>,
    /// Graph `error.code`, or a provisioning engine code such as
    /// `SystemForCrossDomainIdentityManagementCredentialValidationFailure`.
    #[ts(optional)]
    pub graph_code: Option<String>,
    #[ts(optional)]
    pub scim_type: Option<String>,
    /// A sign-in error: `AADSTS65001`, `invalid_grant`, …
    #[ts(optional)]
    pub provider_code: Option<String>,
    #[ts(optional)]
    pub request_id: Option<String>,
    #[ts(optional)]
    pub client_request_id: Option<String>,
    /// Sign-in `trace_id` / `correlation_id`, which Microsoft support asks for.
    #[ts(optional)]
    pub trace_id: Option<String>,
    #[ts(optional)]
    pub correlation_id: Option<String>,
    #[ts(optional, type = "number")]
    pub elapsed_ms: Option<u64>,
    /// The request that failed, as `METHOD url` (no secrets: tokens never sit in URLs).
    #[ts(optional)]
    pub request: Option<String>,
}

impl Serialize for ProblemInfo {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut map = serializer.serialize_struct("ProblemInfo", 4)?;
        map.serialize_field("action", &gate::block(&self.action))?;
        map.serialize_field("cause", &gate::block(&self.cause))?;
        map.serialize_field("fix", &gate::block(&self.fix))?;
        map.serialize_field("detail", &self.detail)?;
        map.end()
    }
}

impl ProblemDetail {
    /// The detail's texts as they may be shown ([`gate::line`]), by their JSON names and in
    /// their JSON order, e.g. `("requestId", "r-1")`; the request line last. The one reading
    /// of these fields every face uses: the JSON below and a step's evidence.
    pub fn shown_texts(&self) -> Vec<(&'static str, String)> {
        let texts = [
            ("graphCode", &self.graph_code),
            ("scimType", &self.scim_type),
            ("providerCode", &self.provider_code),
            ("requestId", &self.request_id),
            ("clientRequestId", &self.client_request_id),
            ("traceId", &self.trace_id),
            ("correlationId", &self.correlation_id),
        ];
        let mut shown: Vec<(&'static str, String)> = texts
            .into_iter()
            .filter_map(|(key, value)| value.as_deref().map(|value| (key, gate::line(value))))
            .collect();
        if let Some(request) = &self.request {
            shown.push((
                "request",
                gate::line_within(request, MAX_REQUEST_LINE_BYTES),
            ));
        }
        shown
    }
}

impl Serialize for ProblemDetail {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        if let Some(status) = self.status {
            map.serialize_entry("status", &status)?;
        }
        let texts = self.shown_texts();
        for (key, value) in texts.iter().filter(|(key, _)| *key != "request") {
            map.serialize_entry(key, value)?;
        }
        if let Some(elapsed) = self.elapsed_ms {
            map.serialize_entry("elapsedMs", &elapsed)?;
        }
        for (key, value) in texts.iter().filter(|(key, _)| *key == "request") {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

macro_rules! problem_kinds {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal, $ctor:ident; )*) => {
        /// Tagged by `kind` so the UI can switch on it; every kind carries a [`ProblemInfo`].
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
        #[serde(tag = "kind", rename_all = "camelCase")]
        #[ts(export)]
        pub enum Problem {
            $( $(#[$doc])* $variant(ProblemInfo), )*
        }

        /// The kind of a [`Problem`] without its texts, for code that decides by kind (retry,
        /// look again, hint). Matching on it is checked by the compiler; the serialized
        /// `kind` string is only for the JSON the UI and scripts read.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ProblemKind {
            $( $(#[$doc])* $variant, )*
        }

        impl ProblemKind {
            /// The `kind` tag this kind has in the serialized JSON, e.g. `"consentRequired"`.
            pub fn name(self) -> &'static str {
                match self { $( ProblemKind::$variant => $name, )* }
            }
        }

        impl Problem {
            /// Which kind of problem this is, to match on (see [`ProblemKind`]).
            pub fn kind(&self) -> ProblemKind {
                match self { $( Problem::$variant(_) => ProblemKind::$variant, )* }
            }

            pub fn info(&self) -> &ProblemInfo {
                match self { $( Problem::$variant(info) => info, )* }
            }

            pub fn info_mut(&mut self) -> &mut ProblemInfo {
                match self { $( Problem::$variant(info) => info, )* }
            }

            /// The serialized `kind`, e.g. `"consentRequired"`.
            pub fn kind_name(&self) -> &'static str {
                self.kind().name()
            }

            $(
                pub fn $ctor(
                    action: impl Into<String>,
                    cause: impl Into<String>,
                    fix: impl Into<String>,
                ) -> Self {
                    Problem::$variant(ProblemInfo {
                        action: gate::block(&action.into()),
                        cause: gate::block(&cause.into()),
                        fix: gate::block(&fix.into()),
                        detail: Box::default(),
                    })
                }
            )*
        }
    };
}

problem_kinds! {
    /// Sign-in was refused (bad account, MFA, Conditional Access, unknown app or tenant).
    SignInFailed => "signInFailed", sign_in_failed;
    /// The session ended (refresh token expired or revoked): sign in again.
    SignInRequired => "signInRequired", sign_in_required;
    /// An admin has not consented to the permissions the app asks for.
    ConsentRequired => "consentRequired", consent_required;
    /// Signed in, but the account lacks a role or permission.
    Forbidden => "forbidden", forbidden;
    NotFound => "notFound", not_found;
    Conflict => "conflict", conflict;
    /// The service asked us to slow down, and kept doing so after the retries.
    Throttled => "throttled", throttled;
    Unreachable => "unreachable", unreachable;
    Timeout => "timeout", timeout;
    /// Something the person typed or pasted cannot be right.
    BadInput => "badInput", bad_input;
    /// The OS keychain is missing or locked.
    SecretStore => "secretStore", secret_store;
    /// The app's data folder could not be read or written.
    Storage => "storage", storage;
    /// The SCIM endpoint refused the token, or Entra's Test Connection failed.
    CredentialsRejected => "credentialsRejected", credentials_rejected;
    /// The provisioning job is in quarantine.
    Quarantined => "quarantined", quarantined;
    /// The service refused the request as malformed (a 400 we did not expect).
    Rejected => "rejected", rejected;
    /// The service failed (5xx) or answered in a shape we cannot read.
    Server => "server", server;
    Cancelled => "cancelled", cancelled;
    /// Another scim-setup is working on the same data folder (`data_folder_lock`): one writer
    /// at a time, so nothing is created twice.
    DataFolderBusy => "dataFolderBusy", data_folder_busy;
}

impl Problem {
    pub fn with_detail(mut self, detail: ProblemDetail) -> Self {
        *self.info_mut().detail = detail;
        self
    }

    /// Replaces the action with the caller's, more specific, wording.
    pub fn during(mut self, action: impl Into<String>) -> Self {
        self.info_mut().action = gate::block(&action.into());
        self
    }

    pub fn cancelled_while(action: impl Into<String>) -> Self {
        Self::cancelled(
            action,
            "You cancelled it.",
            "Start it again when you are ready.",
        )
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let info = self.info();
        write!(
            f,
            "{}: {} Fix: {}",
            gate::block(&info.action),
            gate::block(&info.cause),
            gate::block(&info.fix)
        )
    }
}

impl std::error::Error for Problem {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn consent_required_serializes_flat_with_its_kind() {
        let problem = Problem::consent_required(
            "Signing in to Microsoft",
            "No administrator has consented to the permissions this app asks for.",
            "Ask a Global Administrator to sign in once and accept the consent prompt.",
        )
        .with_detail(ProblemDetail {
            provider_code: Some("AADSTS65001".into()),
            trace_id: Some("t-1".into()),
            ..ProblemDetail::default()
        });
        assert_eq!(
            serde_json::to_value(&problem).expect("serializes"),
            json!({
                "kind": "consentRequired",
                "action": "Signing in to Microsoft",
                "cause": "No administrator has consented to the permissions this app asks for.",
                "fix": "Ask a Global Administrator to sign in once and accept the consent prompt.",
                "detail": {"providerCode": "AADSTS65001", "traceId": "t-1"}
            })
        );
    }

    #[test]
    fn throttled_keeps_status_request_ids_and_timing() {
        let problem = Problem::throttled(
            "Listing users",
            "Graph said too many requests.",
            "Wait a minute.",
        )
        .with_detail(ProblemDetail {
            status: Some(429),
            graph_code: Some("TooManyRequests".into()),
            request_id: Some("r-1".into()),
            client_request_id: Some("c-1".into()),
            elapsed_ms: Some(1200),
            ..ProblemDetail::default()
        });
        assert_eq!(
            serde_json::to_value(&problem).expect("serializes"),
            json!({
                "kind": "throttled",
                "action": "Listing users",
                "cause": "Graph said too many requests.",
                "fix": "Wait a minute.",
                "detail": {"status": 429, "graphCode": "TooManyRequests", "requestId": "r-1",
                           "clientRequestId": "c-1", "elapsedMs": 1200}
            })
        );
    }

    #[test]
    fn a_cause_that_quotes_a_token_is_redacted_in_the_json_and_the_text() {
        let token = crate::Secret::new("problem-token-3f9e1d7c5b7Q2a");
        let mut problem = Problem::credentials_rejected(
            "Testing the connection in Entra",
            format!(
                "Entra said: Response Content: {{\"detail\":\"Bearer {} is not valid\"}}",
                token.expose()
            ),
            "Create a new token.",
        );
        let expected = json!({
            "kind": "credentialsRejected",
            "action": "Testing the connection in Entra",
            "cause": "Entra said: Response Content: {\"detail\":\"Bearer [redacted] is not valid\"}",
            "fix": "Create a new token.",
            "detail": {}
        });
        assert_eq!(
            serde_json::to_value(&problem).expect("serializes"),
            expected
        );
        // Set after construction, it is still redacted on the way out.
        problem.info_mut().fix = format!("Not {}", token.expose());
        let json = serde_json::to_string(&problem).expect("serializes");
        assert!(!json.contains(token.expose()), "{json}");
        assert!(!problem.to_string().contains(token.expose()));
    }

    #[test]
    fn round_trips_and_names_its_kind() {
        let problem = Problem::secret_store(
            "Saving the token",
            "No Secret Service.",
            "Install gnome-keyring.",
        );
        let text = serde_json::to_string(&problem).expect("serializes");
        assert_eq!(
            text,
            r#"{"kind":"secretStore","action":"Saving the token","cause":"No Secret Service.","fix":"Install gnome-keyring.","detail":{}}"#
        );
        let back: Problem = serde_json::from_str(&text).expect("deserializes");
        assert_eq!(back, problem);
        assert_eq!(back.kind_name(), "secretStore");
        assert_eq!(back.kind(), ProblemKind::SecretStore);
        assert_eq!(
            back.to_string(),
            "Saving the token: No Secret Service. Fix: Install gnome-keyring."
        );
    }

    #[test]
    fn every_kind_names_the_tag_it_serializes_with() {
        let problems = [
            Problem::sign_in_failed("a", "c", "f"),
            Problem::sign_in_required("a", "c", "f"),
            Problem::consent_required("a", "c", "f"),
            Problem::forbidden("a", "c", "f"),
            Problem::not_found("a", "c", "f"),
            Problem::conflict("a", "c", "f"),
            Problem::throttled("a", "c", "f"),
            Problem::unreachable("a", "c", "f"),
            Problem::timeout("a", "c", "f"),
            Problem::bad_input("a", "c", "f"),
            Problem::secret_store("a", "c", "f"),
            Problem::storage("a", "c", "f"),
            Problem::credentials_rejected("a", "c", "f"),
            Problem::quarantined("a", "c", "f"),
            Problem::rejected("a", "c", "f"),
            Problem::server("a", "c", "f"),
            Problem::cancelled("a", "c", "f"),
        ];
        let mut kinds = std::collections::HashSet::new();
        for problem in &problems {
            let json = serde_json::to_value(problem).expect("serializes");
            assert_eq!(json["kind"], problem.kind().name(), "{problem}");
            assert!(kinds.insert(problem.kind()), "{problem}");
        }
    }

    /// Every face of a Problem (its JSON and its text) passes the gate, whichever field a
    /// server's text sits in and however it got there (a constructor, `info_mut`, a detail):
    /// no control sequence, no bidi control, no secret, and each quote bounded.
    #[test]
    fn every_field_of_every_face_passes_the_gate() {
        let token = "problem-gate-token-8d7c6b5a4f";
        crate::redact::register(token);
        let hostile = [
            format!("req-{token}"),
            "\u{1b}[2J\u{1b}]0;owned\u{7}cleared".to_string(),
            "\u{9b}31mred\u{202E}txt.exe".to_string(),
            "x".repeat(gate::MAX_BLOCK_BYTES * 3),
        ];
        for text in &hostile {
            let mut problem =
                Problem::credentials_rejected(text.clone(), text.clone(), text.clone())
                    .with_detail(ProblemDetail {
                        graph_code: Some(text.clone()),
                        scim_type: Some(text.clone()),
                        provider_code: Some(text.clone()),
                        request_id: Some(text.clone()),
                        client_request_id: Some(text.clone()),
                        trace_id: Some(text.clone()),
                        correlation_id: Some(text.clone()),
                        request: Some(format!("GET http://h/{text}")),
                        ..ProblemDetail::default()
                    });
            problem.info_mut().cause = text.clone();
            let json = serde_json::to_string(&problem).expect("serializes");
            let shown = problem.to_string();
            for face in [&json, &shown] {
                assert!(!face.contains(token), "{face}");
                assert!(gate::is_clean(face), "{face:?}");
                assert!(
                    !face.contains("\\u001b") && !face.contains("\\u009b"),
                    "{face}"
                );
                assert!(face.len() < 6 * gate::MAX_BLOCK_BYTES, "{}", face.len());
            }
            for (key, value) in problem.info().detail.shown_texts() {
                assert!(
                    !value.contains(token) && gate::is_clean(&value),
                    "{key}: {value}"
                );
            }
        }
    }
}
