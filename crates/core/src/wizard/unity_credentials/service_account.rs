//! Step 1's service account and its organization role: the account found by the journal's
//! id and its name, else by its name, else created; then SCIM Authenticator added to its
//! organization roles unless it already holds it.

use tokio_util::sync::CancellationToken;

use crate::create_or_find::create_or_find_again;
use crate::problem::{Problem, ProblemKind};
use crate::progress::ProgressSink;
use crate::unity::{ServiceAccount, UnityAdminClient, SCIM_AUTHENTICATOR_ROLE};
use crate::wizard::context::crash_points::{crash_point, CrashPoint};
use crate::wizard::context::intents::{CreateIntent, IntentKind};
use crate::wizard::context::progress::{note, WizardProgress};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;

/// The service account named `name` in `org_id`: the one with the journal's `known_id`
/// first, else the first of that name, else a new one. A create that failed as taken, timed
/// out or went unanswered is looked up again before giving up. The create is announced in
/// the journal first (an open intent is settled by this same lookup on the next run, and
/// cleared by the caller's journal write of the account). Returns the account and whether it
/// was created now; notes which on `progress`.
///
/// Errors: the admin API's Problems (listing, creating); the journal's.
pub(crate) async fn ensure_service_account(
    ctx: &WizardContext,
    unity: &UnityAdminClient,
    org_id: &str,
    name: &str,
    known_id: Option<&str>,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<(ServiceAccount, bool), Problem> {
    let find = |accounts: &[ServiceAccount]| {
        accounts
            .iter()
            .find(|a| known_id == Some(a.id.as_str()) && a.name == name)
            .or_else(|| accounts.iter().find(|a| a.name == name))
            .cloned()
    };
    let accounts = unity.list_service_accounts(org_id, cancel).await?;
    let (account, created) = match find(&accounts) {
        Some(account) => (account, false),
        None => {
            let description =
                "Used by Microsoft Entra ID to provision users over SCIM. Created by scim-setup.";
            let mut intent = CreateIntent::new(IntentKind::ServiceAccount, name);
            intent.org_id = Some(org_id.to_string());
            ctx.journal.begin_intent(&intent)?;
            crash_point(CrashPoint::BeforeServiceAccount);
            // Taken meanwhile, or the create's answer was lost: look again before anything else.
            let (account, created) = create_or_find_again(
                unity.create_service_account(org_id, name, description, cancel),
                &[
                    ProblemKind::Conflict,
                    ProblemKind::Timeout,
                    ProblemKind::Unreachable,
                ],
                || async { Ok(find(&unity.list_service_accounts(org_id, cancel).await?)) },
            )
            .await?;
            crash_point(CrashPoint::AfterServiceAccount);
            (account, created)
        }
    };
    note(
        progress,
        StepId::UnityCredentials,
        format!(
            "Service account \u{201c}{}\u{201d} {}",
            account.name,
            if created { "created" } else { "found" }
        ),
    );
    Ok((account, created))
}

/// Makes sure the service account `account_id` holds the organization role SCIM
/// Authenticator, keeping its other roles. Returns whether the role was added now.
///
/// Errors: the admin API's Problems (reading or setting the roles).
pub(crate) async fn ensure_scim_authenticator_role(
    unity: &UnityAdminClient,
    org_id: &str,
    account_id: &str,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<bool, Problem> {
    let mut roles = unity.organization_roles(org_id, account_id, cancel).await?;
    let role_added = !roles.iter().any(|r| r == SCIM_AUTHENTICATOR_ROLE);
    if role_added {
        roles.push(SCIM_AUTHENTICATOR_ROLE.to_string());
        unity
            .set_organization_roles(org_id, account_id, &roles, cancel)
            .await?;
        note(
            progress,
            StepId::UnityCredentials,
            format!(
                "Gave the service account the {} role",
                crate::unity::dashboard::SCIM_AUTHENTICATOR
            ),
        );
    }
    Ok(role_added)
}
