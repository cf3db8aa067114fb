//! Entra's on-demand verdicts in plain words
//! (<https://learn.microsoft.com/graph/api/synchronization-synchronizationjob-provisionondemand>,
//! and the error codes of
//! <https://learn.microsoft.com/entra/identity/monitoring-health/concept-provisioning-logs>): why a
//! user was skipped or failed, and what to do. A failure that quotes Unity's SCIM error is read in
//! Unity's terms (`entra::unity_causes`); Entra's raw message stays in
//! `error_message` for a disclosure and never enters the cause.

use crate::entra::on_demand::{OnDemandReply, OnDemandStep, OnDemandVerdict};
use crate::entra::unity_causes::{explain_unity_failure, UnityExplanation};
use crate::wizard::context::on_demand_outcome::{OnDemandSubject, ProvisionOnDemandOutcome};

fn scoping_detail(steps: &[OnDemandStep], key: &str) -> Option<String> {
    steps.iter().find_map(|s| s.details.get(key).cloned())
}

/// Plain words for Entra's verdict (its provisionOnDemand reply and error codes), using
/// the organization's `validated_domains` (empty when unknown) to name a refused domain.
pub(crate) fn explain(
    subject: OnDemandSubject,
    reply: OnDemandReply,
    validated_domains: &[String],
) -> ProvisionOnDemandOutcome {
    let is_false = |key: &str| {
        scoping_detail(&reply.steps, key).is_some_and(|v| v.eq_ignore_ascii_case("false"))
    };
    let code = reply.error_code.clone().unwrap_or_default();
    let unity = (reply.verdict == OnDemandVerdict::Failure)
        .then(|| {
            // The SCIM error may sit in the verdict's message or in a failed step's words.
            let step_words: Vec<String> = reply
                .steps
                .iter()
                .filter(|s| {
                    s.status.eq_ignore_ascii_case("failure")
                        || s.status.eq_ignore_ascii_case("failed")
                })
                .flat_map(|s| {
                    std::iter::once(s.description.clone()).chain(s.details.values().cloned())
                })
                .collect();
            std::iter::once(reply.error_message.clone().unwrap_or_default())
                .chain(step_words)
                .find_map(|text| {
                    explain_unity_failure(
                        &subject.label,
                        Some(&code),
                        Some(&text),
                        validated_domains,
                    )
                })
        })
        .flatten();
    let (cause, fix): (String, Option<String>) = match reply.verdict {
        OnDemandVerdict::Success => (format!("{} was provisioned into the target ({}).", subject.label, reply.action.clone().unwrap_or_else(|| "done".into())), None),
        OnDemandVerdict::AlreadyInSync => (format!("{} is already provisioned and in sync.", subject.label), None),
        OnDemandVerdict::Skipped if is_false("Assigned") => (
            format!("{} is not assigned to the app (or the assignment has not replicated yet).", subject.label),
            Some("Assign the user or a group they are a direct member of, wait a few minutes, then try again.".into()),
        ),
        OnDemandVerdict::Skipped if is_false("IsActive") => (
            format!("{} is disabled or deleted in Entra, and such users are not provisioned.", subject.label),
            Some("Enable the user in Entra, or pick another user.".into()),
        ),
        OnDemandVerdict::Skipped if is_false("IsEffectivelyEntitledForProvisioning") || is_false("IsInProvisioningScopeDisplayName") => (
            format!("{} is outside the provisioning scope (scoping filter or Sync only assigned).", subject.label),
            Some("Check the app's scoping filters and that the user is assigned directly or through a direct group membership.".into()),
        ),
        OnDemandVerdict::Skipped => (
            format!("Entra skipped {}{}.", subject.label, if code.is_empty() { String::new() } else { format!(" ({code})") }),
            Some("Check the assignment and scoping of the app; the steps below say where Entra stopped.".into()),
        ),
        OnDemandVerdict::Failure => match &unity {
            Some(UnityExplanation { cause, fix, .. }) => (cause.clone(), Some(fix.clone())),
            None => failure_words(&subject.label, &code),
        },
        OnDemandVerdict::Unknown => (
            "Entra's answer could not be read.".to_string(),
            Some("Look at the app's provisioning logs in Entra for this user.".into()),
        ),
    };
    ProvisionOnDemandOutcome {
        subject,
        verdict: reply.verdict,
        error_code: reply.error_code,
        error_message: reply.error_message,
        action: reply.action,
        change_id: reply.change_id,
        steps: reply.steps,
        cause,
        fix,
        problem: None,
        unity_case: unity.as_ref().map(|u| u.case),
        scim_error: unity.and_then(|u| u.scim_error),
        verification: None,
    }
}

/// The cause for a failure that quotes no SCIM error, from Entra's error code alone.
/// Entra's own message is not repeated here: the window shows it behind a disclosure.
fn failure_words(label: &str, code: &str) -> (String, Option<String>) {
    let (cause, fix) = if code.contains("Conflict") || code.contains("DuplicateTargetEntries") {
        ("a user with the same userName already exists in the target and could not be matched", "Fix the matching attribute (userName ← userPrincipalName) or remove the duplicate in Unity.")
    } else if code.contains("Unauthorized") {
        (
            concat!(
                "the SCIM endpoint refused the token (401): ",
                crate::unity_scim_status!(401, cause)
            ),
            concat!(
                crate::unity_scim_status!(401, fix),
                ", save it as Entra's Secret Token, and try again."
            ),
        )
    } else if code.contains("InsufficientRights") || code.contains("NotPermitted") {
        (
            concat!(
                "the SCIM endpoint refused the request (403): ",
                crate::unity_scim_status!(403, cause)
            ),
            concat!(
                crate::unity_scim_status!(403, fix),
                ", then try again; the token stays the same."
            ),
        )
    } else if code.contains("MethodNotAllowed") {
        (
            "the SCIM endpoint does not allow the method Entra used (405)",
            "Run Diagnose against the SCIM endpoint: it names the request the endpoint refuses.",
        )
    } else if code.contains("InvalidDomain") {
        (
            "the user's domain is not validated in Unity",
            concat!(
                "Validate the domain in the Unity Dashboard (",
                crate::unity_dashboard!(sso_domains),
                "), or provision a user of a validated domain."
            ),
        )
    } else if code.contains("MandatoryFieldsMissing")
        || code.contains("MissingValues")
        || code.contains("SchemaAttributeNotFound")
    {
        (
            "a required attribute is empty or not mapped",
            "Fill the attribute in Entra or fix the attribute mappings of the app.",
        )
    } else if code.contains("TooManyRequests") {
        ("the target was throttling", "Try again in a few minutes.")
    } else if code.contains("InternalServerError") || code.contains("ServiceIncompatible") {
        (
            "the SCIM endpoint failed or answered in a shape Entra cannot read",
            "Run Diagnose against the SCIM endpoint.",
        )
    } else {
        ("Entra could not provision the user", "Read the steps below and the provisioning logs; run Diagnose against the SCIM endpoint.")
    };
    let code_part = if code.is_empty() {
        String::new()
    } else {
        format!(" ({code})")
    };
    (
        format!("{label} was not provisioned: {cause}{code_part}."),
        Some(fix.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::failure_words;
    use crate::unity::scim_status::{ROLE_MISSING, TOKEN_UNKNOWN};

    #[test]
    fn a_refusal_without_a_scim_error_reads_as_unitys_catalogue_says() {
        // Entra's codes carry a prefix (SystemForCrossDomainIdentityManagement…) or none.
        for prefix in ["", "SystemForCrossDomainIdentityManagement"] {
            let (cause, fix) = failure_words("Megan", &format!("{prefix}Unauthorized"));
            let fix = fix.unwrap_or_default();
            assert!(
                cause.contains(TOKEN_UNKNOWN.cause) && cause.contains("(401)"),
                "{cause}"
            );
            assert!(fix.starts_with(TOKEN_UNKNOWN.fix), "{fix}");
            for code in ["InsufficientRights", "NotPermitted"] {
                let (cause, fix) = failure_words("Megan", &format!("{prefix}{code}"));
                let fix = fix.unwrap_or_default();
                assert!(
                    cause.contains(ROLE_MISSING.cause) && cause.contains("(403)"),
                    "{cause}"
                );
                assert!(fix.starts_with(ROLE_MISSING.fix), "{fix}");
            }
            // A 405 is about the request, not the token: no token advice.
            let (cause, fix) = failure_words("Megan", &format!("{prefix}MethodNotAllowed"));
            assert!(cause.contains("(405)"), "{cause}");
            assert!(!fix.unwrap_or_default().contains("token"));
        }
    }
}
