//! Protection against mass deletion, on by default: the accidental-deletion threshold, who
//! is told, and whether leaving scope deletes, suggested from the users in scope and kept in
//! the journal, then written to the job's secrets with the credentials and read back. What a
//! cycle held back is `held_back_deletions`.

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::entra::sync_secrets::DeletionProtection;
use crate::entra::GraphClient;
use crate::problem::Problem;
use crate::wizard::context::journal_readers::journal_sp_id;
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::preview::scope::users_in_scope;

/// The smallest threshold suggested, whatever the scope's size.
pub const MIN_DELETE_THRESHOLD: u32 = 10;
/// The suggested threshold as a share of the users in scope, in percent.
pub const DELETE_THRESHOLD_PERCENT: u64 = 5;

/// The default: 5 % of those in scope or at least 10, the signed-in admin told, and users
/// leaving scope deprovisioned as Entra does by default.
pub fn suggest_deletion_protection(in_scope: u64, admin: Option<&str>) -> DeletionProtection {
    let share = (in_scope * DELETE_THRESHOLD_PERCENT).div_ceil(100);
    DeletionProtection {
        delete_threshold: u32::try_from(share)
            .unwrap_or(u32::MAX)
            .max(MIN_DELETE_THRESHOLD),
        notify: admin.unwrap_or_default().to_string(),
        skip_out_of_scope_deletions: false,
    }
}

/// What a person or a script changed of the suggestion (`setup --delete-threshold N
/// --notify EMAIL --skip-out-of-scope-deletions`); `None` keeps what is there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeletionProtectionChoice {
    #[ts(optional = nullable)]
    pub delete_threshold: Option<u32>,
    #[ts(optional = nullable)]
    pub notify: Option<String>,
    #[ts(optional = nullable)]
    pub skip_out_of_scope_deletions: Option<bool>,
}

fn check_recipients(notify: &str) -> Result<(), Problem> {
    let bad: Vec<&str> = notify
        .split([';', ','])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .filter(|r| !r.contains('@') || r.contains(' '))
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Problem::bad_input(
            "Checking the notification recipients",
            format!("{} is not an e-mail address.", bad.join(", ")),
            "Give e-mail addresses separated by semicolons.",
        ))
    }
}

/// The safeguards the job gets: the journal's (or the suggestion for `in_scope` users and the
/// signed-in admin) with `choice` applied, checked and kept in the journal for every later
/// save of the secrets (a token rotation included).
pub fn choose_deletion_protection(
    ctx: &WizardContext,
    in_scope: u64,
    choice: &DeletionProtectionChoice,
) -> Result<DeletionProtection, Problem> {
    let journal = ctx.journal.snapshot();
    let mut protection = journal
        .entra
        .deletion_protection
        .clone()
        .unwrap_or_else(|| suggest_deletion_protection(in_scope, journal.entra.account.as_deref()));
    if let Some(threshold) = choice.delete_threshold {
        protection.delete_threshold = threshold;
    }
    if let Some(notify) = &choice.notify {
        protection.notify = notify.trim().to_string();
    }
    if let Some(skip) = choice.skip_out_of_scope_deletions {
        protection.skip_out_of_scope_deletions = skip;
    }
    check_recipients(&protection.notify)?;
    ctx.journal
        .update(|j| j.entra.deletion_protection = Some(protection.clone()))?;
    Ok(protection)
}

/// How many users the job's scope holds now (assigned directly or through a group), for the
/// suggested threshold.
pub async fn count_users_in_scope(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<u64, Problem> {
    let sp_id = journal_sp_id(ctx)?;
    let users = users_in_scope(
        graph,
        &sp_id,
        false,
        "id",
        &crate::progress::NoProgress,
        cancel,
    )
    .await?;
    Ok(users.len() as u64)
}

/// The safeguards as step 3 shows them before Start: the journal's, else the suggestion for
/// the users in scope now and the signed-in admin. Reads only; nothing is kept.
pub async fn deletion_protection_in_effect(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<DeletionProtection, Problem> {
    let journal = ctx.journal.snapshot();
    if let Some(chosen) = journal.entra.deletion_protection {
        return Ok(chosen);
    }
    let in_scope = count_users_in_scope(ctx, graph, cancel).await?;
    Ok(suggest_deletion_protection(
        in_scope,
        journal.entra.account.as_deref(),
    ))
}

/// [`choose_deletion_protection`] for a caller that does not know the scope's size: the
/// users in scope are counted only when the suggestion is needed (nothing chosen before, and
/// `choice` leaves something open).
pub async fn apply_deletion_protection(
    ctx: &WizardContext,
    graph: &GraphClient,
    choice: &DeletionProtectionChoice,
    cancel: &CancellationToken,
) -> Result<DeletionProtection, Problem> {
    let complete = choice.delete_threshold.is_some()
        && choice.notify.is_some()
        && choice.skip_out_of_scope_deletions.is_some();
    let in_scope = if complete || ctx.journal.snapshot().entra.deletion_protection.is_some() {
        0
    } else {
        count_users_in_scope(ctx, graph, cancel).await?
    };
    choose_deletion_protection(ctx, in_scope, choice)
}

/// The safeguards to write now: the journal's, or the minimal suggestion when none was chosen.
pub(crate) fn protection_to_save(ctx: &WizardContext) -> DeletionProtection {
    let journal = ctx.journal.snapshot();
    journal
        .entra
        .deletion_protection
        .unwrap_or_else(|| suggest_deletion_protection(0, journal.entra.account.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suggestion_is_five_percent_or_ten() {
        assert_eq!(suggest_deletion_protection(0, None).delete_threshold, 10);
        assert_eq!(suggest_deletion_protection(199, None).delete_threshold, 10);
        assert_eq!(
            suggest_deletion_protection(10_000, None).delete_threshold,
            500
        );
        assert_eq!(
            suggest_deletion_protection(10_001, None).delete_threshold,
            501
        );
        let p = suggest_deletion_protection(5, Some("admin@contoso.com"));
        assert_eq!(p.notify, "admin@contoso.com");
        assert!(!p.skip_out_of_scope_deletions);
        assert!(check_recipients("a@contoso.com; b@contoso.com").is_ok());
        assert!(check_recipients("not an address").is_err());
    }
}
