//! Entra's failure messages read in Unity's terms. When provisioning fails, Entra quotes the SCIM
//! endpoint's error inside its own message ("… The response was: {"schemas":[…Error],
//! "status":"400","detail":"…"}"), in provisionOnDemand's result and in provisioning logs
//! (<https://learn.microsoft.com/graph/api/synchronization-synchronizationjob-provisionondemand>,
//! <https://learn.microsoft.com/graph/api/provisioningobjectsummary-list>). This module finds that
//! error and names the known Unity cases
//! (<https://docs.unity.com/en-us/cloud/organizations/sso/set-up-scim-with-entra>): a domain the
//! organization has not validated, a user who already exists under another matching value, a token
//! whose service account lacks the SCIM Authenticator role, a group member not provisioned yet. The
//! raw message stays with the caller, for a disclosure.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::unity::dashboard::SSO_DOMAINS_MENU;
use crate::unity::scim_status::{ROLE_MISSING, TOKEN_UNKNOWN};

const ERROR_URN: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// The SCIM error (RFC 7644 §3.12) Entra quoted in its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct QuotedScimError {
    /// The HTTP status the SCIM endpoint answered (from the error, or from Entra's words).
    #[ts(optional = nullable)]
    pub status: Option<u16>,
    #[ts(optional = nullable)]
    pub scim_type: Option<String>,
    /// The endpoint's own words.
    #[ts(optional = nullable)]
    pub detail: Option<String>,
}

/// The known Unity cases behind a failed provisioning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum UnityCase {
    /// The user's email domain is not a validated domain of the Unity organization.
    DomainNotValidated,
    /// A Unity user with that userName or email exists, but Entra's match did not find it.
    UserExistsUnderAnotherValue,
    /// The token is valid, but its service account lacks the organization role SCIM Authenticator.
    TokenLacksRole,
    /// The token itself is refused (wrong, expired or revoked).
    TokenRejected,
    /// A group was refused because a member is not provisioned in Unity yet.
    GroupMemberNotProvisioned,
    /// Unity's SCIM service failed or was busy (HTTP 5xx or 429): an outage on Unity's side,
    /// not a refusal of this user; Entra tries again on its next cycle.
    Unavailable,
    /// Unity refused the request for another reason, which its error names.
    Refused,
}

/// A failure explained in Unity's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnityExplanation {
    pub case: UnityCase,
    /// What went wrong, in plain words, without Entra's raw text.
    pub cause: String,
    /// What to change.
    pub fix: String,
    #[ts(optional = nullable)]
    pub scim_error: Option<QuotedScimError>,
}

fn text(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// The first JSON object in `message` that reads as a SCIM error (its `schemas` names the
/// Error URN, or it has a `detail` or `scimType`). Entra sometimes quotes it twice; the first
/// is enough.
pub fn quoted_scim_error(message: &str) -> Option<QuotedScimError> {
    let mut found = None;
    for (at, _) in message.match_indices('{') {
        let mut values = serde_json::Deserializer::from_str(&message[at..]).into_iter::<Value>();
        let Some(Ok(value)) = values.next() else {
            continue;
        };
        let names_error = value
            .get("schemas")
            .and_then(Value::as_array)
            .is_some_and(|s| s.iter().any(|u| u.as_str() == Some(ERROR_URN)));
        if names_error || value.get("detail").is_some() || value.get("scimType").is_some() {
            found = Some(value);
            break;
        }
    }
    let value = found?;
    let status = text(&value, "status")
        .and_then(|s| s.trim().parse::<u16>().ok())
        .or_else(|| status_in_words(message));
    Some(QuotedScimError {
        status,
        scim_type: text(&value, "scimType"),
        detail: text(&value, "detail"),
    })
}

/// "… the HTTP status code 400 (Bad Request) …": the status Entra names in its own words.
fn status_in_words(message: &str) -> Option<u16> {
    let lower = message.to_ascii_lowercase();
    let at = lower.find("status code")? + "status code".len();
    lower[at..]
        .trim_start_matches([' ', ':'])
        .get(..3)
        .and_then(|digits| digits.parse().ok())
}

/// The email-like part of `who` ("ann@fabrikam.com", or "User 'ann@fabrikam.com'" in a message).
fn address_in(texts: &[&str]) -> Option<String> {
    texts.iter().find_map(|text| {
        text.split(|c: char| c.is_whitespace() || "'\"“”,;()<>".contains(c))
            .find(|word| {
                word.split_once('@')
                    .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
            })
            .map(|word| word.trim_end_matches('.').to_string())
    })
}

fn domain_of(address: &str) -> Option<String> {
    address
        .rsplit_once('@')
        .map(|(_, domain)| domain.to_ascii_lowercase())
}

/// Explains a failed provisioning of `who` (a UPN or a group name) from Entra's `error_code`
/// and raw `message`, using the organization's `validated_domains` when they are known.
/// `None` when neither names a known case nor quotes a SCIM error.
pub fn explain_unity_failure(
    who: &str,
    error_code: Option<&str>,
    message: Option<&str>,
    validated_domains: &[String],
) -> Option<UnityExplanation> {
    let scim_error = message.and_then(quoted_scim_error);
    let code = error_code.unwrap_or_default();
    let detail = scim_error
        .as_ref()
        .and_then(|e| e.detail.clone())
        .unwrap_or_default();
    let said = detail.to_ascii_lowercase();
    let status = scim_error
        .as_ref()
        .and_then(|e| e.status)
        .or_else(|| message.and_then(status_in_words));
    let scim_type = scim_error
        .as_ref()
        .and_then(|e| e.scim_type.clone())
        .unwrap_or_default();
    let address = address_in(&[who, message.unwrap_or_default()]);
    let domain = address.as_deref().and_then(domain_of);
    let unvalidated = domain.as_ref().filter(|d| {
        !validated_domains.is_empty()
            && !validated_domains.iter().any(|v| v.eq_ignore_ascii_case(d))
    });
    let validated_list = validated_domains.join(", ");

    let member_refused =
        said.contains("member") && (said.contains("provision") || said.contains("not a user"));
    let domain_refused = (said.contains("domain") && !member_refused)
        || code.contains("InvalidDomain")
        || (unvalidated.is_some() && status == Some(400));
    let (case, cause, fix) = if member_refused {
        (
            UnityCase::GroupMemberNotProvisioned,
            format!("Unity refused {who} because a member is not provisioned in Unity yet: Unity accepts only group members who are already users of the organization (in a validated domain)."),
            "Provision the group's members first (or assign them to the app and wait for a cycle), then provision the group again. Members outside the validated domains can never be added.".to_string(),
        )
    } else if domain_refused {
        let domain_words = domain.clone().unwrap_or_else(|| "its domain".to_string());
        let known = if validated_list.is_empty() {
            String::new()
        } else {
            format!(" The organization's validated domains are {validated_list}.")
        };
        (
            UnityCase::DomainNotValidated,
            format!("Unity refused {who} because {domain_words} is not a validated domain of the Unity organization: Unity only accepts users whose email domain is validated for its single sign-on.{known}"),
            // The validated domains are named once, in the cause. Diagnose is not sent for:
            // its checks pass, since the endpoint works.
            format!("Validate {domain_words} in the Unity Dashboard ({SSO_DOMAINS_MENU}). If it will not be validated, unassign the person from the app in Entra: while assigned, every provisioning cycle tries again and fails."),
        )
    } else if status == Some(409)
        || scim_type == "uniqueness"
        || code.contains("Conflict")
        || code.contains("DuplicateTargetEntries")
    {
        (
            UnityCase::UserExistsUnderAnotherValue,
            format!("Unity already has a user for {who}, under another matching value: Entra's match query (userName eq …) did not find it, so Entra tried to create it and Unity refused the duplicate. Typically the user signed in with SSO before provisioning, or its userName differs from the userPrincipalName."),
            "Make the value Entra matches on (userName ← userPrincipalName) equal the existing Unity user's userName or email, or remove the stale user in the Unity Dashboard, then provision again.".to_string(),
        )
    } else if status == Some(403)
        || code.contains("InsufficientRights")
        || code.contains("NotPermitted")
    {
        (
            UnityCase::TokenLacksRole,
            format!("Unity refused the request with 403: {} (or SCIM is not enabled for the organization).", ROLE_MISSING.cause),
            format!("{}. Then provision again; the token stays the same.", ROLE_MISSING.fix),
        )
    } else if status == Some(401) || code == "Unauthorized" || code.contains("InvalidCredentials") {
        (
            UnityCase::TokenRejected,
            format!(
                "Unity refused the bearer token (401): {}.",
                TOKEN_UNKNOWN.cause
            ),
            format!(
                "{}, save it as Entra's Secret Token, Test Connection, then provision again.",
                TOKEN_UNKNOWN.fix
            ),
        )
    } else if status.is_some_and(|s| s >= 500 || s == 429) {
        let status = status.unwrap_or_default();
        (
            UnityCase::Unavailable,
            format!("Unity's SCIM service did not handle the request for {who} (HTTP {status}): a temporary failure or overload on Unity's side, not a refusal of this user or of what Entra sent."),
            "Nothing to change: Entra tries again on its next cycle. To check now, wait a few minutes and provision again; if it keeps failing, run Diagnose to see whether the endpoint answers, and check Unity's status page.".to_string(),
        )
    } else if let Some(error) = &scim_error {
        let how = match (error.status, error.scim_type.as_deref()) {
            (Some(s), Some(t)) => format!(" (HTTP {s}, scimType {t})"),
            (Some(s), None) => format!(" (HTTP {s})"),
            (None, Some(t)) => format!(" (scimType {t})"),
            (None, None) => String::new(),
        };
        let words = if detail.is_empty() {
            "without saying why".to_string()
        } else {
            format!("and said: \u{201c}{detail}\u{201d}")
        };
        (
            UnityCase::Refused,
            format!("Unity refused {who}{how} {words}"),
            "Change what Entra sends for this user so Unity accepts it (the attribute mappings of the app), or ask Unity support about the refusal; Entra's full message is below.".to_string(),
        )
    } else {
        return None;
    };
    Some(UnityExplanation {
        case,
        cause,
        fix,
        scim_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOMAIN_MESSAGE: &str = "Failed to create User 'ann.vance17@fabrikam.com' in Unity; the SCIM endpoint returned an error response with the HTTP status code 400 (Bad Request). The response was: {\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],\"status\":\"400\",\"scimType\":\"invalidValue\",\"detail\":\"The domain fabrikam.com of user ann.vance17@fabrikam.com is not a validated domain of this organization.\"} The response was: {\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"]}";

    #[test]
    fn finds_the_quoted_scim_error_once() {
        let error = quoted_scim_error(DOMAIN_MESSAGE).expect("quoted");
        assert_eq!(error.status, Some(400));
        assert_eq!(error.scim_type.as_deref(), Some("invalidValue"));
        assert!(error
            .detail
            .unwrap_or_default()
            .starts_with("The domain fabrikam.com"));
        assert_eq!(quoted_scim_error("no json here"), None);
    }

    #[test]
    fn a_domain_not_validated_uses_the_organizations_domains() {
        let domains = vec!["contoso.com".to_string()];
        let explained = explain_unity_failure(
            "ann.vance17@fabrikam.com",
            Some("SystemForCrossDomainIdentityManagementBadRequest"),
            Some(DOMAIN_MESSAGE),
            &domains,
        )
        .expect("explained");
        assert_eq!(explained.case, UnityCase::DomainNotValidated);
        assert!(
            explained
                .cause
                .contains("fabrikam.com is not a validated domain"),
            "{}",
            explained.cause
        );
        assert!(explained.cause.contains("contoso.com"));
        assert!(
            !explained.cause.contains("schemas"),
            "no raw text in the cause"
        );
        assert!(explained.fix.contains("Validate fabrikam.com"));
        assert!(!explained.fix.contains("Diagnose"), "{}", explained.fix);
        assert!(
            !explained.fix.contains("contoso.com"),
            "the validated domains are said once, in the cause: {}",
            explained.fix
        );
    }

    #[test]
    fn names_each_known_unity_case() {
        let case = |code: &str, message: &str| {
            explain_unity_failure("a@contoso.com", Some(code), Some(message), &[]).map(|e| e.case)
        };
        let error = |status: &str, scim_type: &str, detail: &str| {
            format!("Failed. The response was: {{\"schemas\":[\"{ERROR_URN}\"],\"status\":\"{status}\",\"scimType\":\"{scim_type}\",\"detail\":\"{detail}\"}}")
        };
        assert_eq!(
            case(
                "EntryConflict",
                &error(
                    "409",
                    "uniqueness",
                    "A user with userName a@contoso.com already exists."
                )
            ),
            Some(UnityCase::UserExistsUnderAnotherValue)
        );
        assert_eq!(
            case(
                "InsufficientRights",
                &error(
                    "403",
                    "",
                    "The service account lacks the SCIM Authenticator role."
                )
            ),
            Some(UnityCase::TokenLacksRole)
        );
        assert_eq!(
            case("SystemForCrossDomainIdentityManagementBadRequest", &error("400", "invalidValue", "Member \\\"u-1\\\" is not a user of this organization; provision the user first.")),
            Some(UnityCase::GroupMemberNotProvisioned)
        );
        assert_eq!(
            case(
                "SystemForCrossDomainIdentityManagementBadRequest",
                &error("400", "invalidValue", "name.familyName is too long.")
            ),
            Some(UnityCase::Refused)
        );
        assert_eq!(case("SomethingElse", "no quoted error"), None);
    }

    #[test]
    fn an_outage_at_unity_is_not_explained_as_a_refusal() {
        // The sandbox's seeded log history holds one of these: Unity answered 503 and the next
        // cycle succeeded. Nothing about the user or the mappings needs changing.
        let message = format!("Failed to update User 'a@contoso.com' in Unity; the SCIM endpoint returned an error response with the HTTP status code 503 (Service Unavailable). The response was: {{\"schemas\":[\"{ERROR_URN}\"],\"status\":\"503\",\"detail\":\"Service temporarily unavailable.\"}}");
        let explained = explain_unity_failure(
            "a@contoso.com",
            Some("SystemForCrossDomainIdentityManagementServiceUnavailable"),
            Some(&message),
            &[],
        )
        .expect("explained");
        assert_eq!(explained.case, UnityCase::Unavailable);
        assert!(explained.cause.contains("HTTP 503"), "{}", explained.cause);
        assert!(
            explained.fix.starts_with("Nothing to change"),
            "{}",
            explained.fix
        );
        assert!(!explained.fix.contains("mappings"), "{}", explained.fix);
        let throttled = explain_unity_failure(
            "a@contoso.com",
            None,
            Some("HTTP status code 429 (Too Many Requests)"),
            &[],
        );
        assert_eq!(throttled.map(|e| e.case), Some(UnityCase::Unavailable));
    }
}
