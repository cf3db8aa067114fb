//! Preview: what Start will do, before it does it. Read-only: it reads the job's mappings and
//! saved settings, everyone in scope from Graph and every account from Unity's SCIM server
//! (paced within Unity's limits), and classifies each user as create, update (with the
//! attribute differences), in sync, conflict, skip (with the reason) or remove. Nothing is
//! written anywhere except by `export_preview`, to a file the caller names.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::entra::GraphClient;
use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::unity::{attribute_text, ScimUsersReader};
use crate::wizard::context::journal::now;
use crate::wizard::context::journal_readers::{journal_job_id, stored_scim_token};
use crate::wizard::context::rate_limit::{Limiter, RateLimit};
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::preview::classify::{
    classify_in_scope, classify_out_of_scope, ClassifyRules, UnityIndex,
};
use crate::wizard::preview::report::{
    PreviewProgress, PreviewReport, PreviewStage, PreviewSummary, PreviewUser,
};
use crate::wizard::preview::scope::{user_select, users_in_scope};

/// Unity publishes 20 requests a second for its token-exchange API
/// (<https://docs.unity.com/en-us/oas-auth-client/1.0.0>; limits vary by service:
/// <https://docs.unity.com/en-us/services-web-apis/headers>); its SCIM limit is unpublished, so the
/// preview keeps to the same.
pub const UNITY_RATE: RateLimit = RateLimit {
    calls: 20,
    window: Duration::from_secs(1),
};
/// Users per SCIM page (the sandbox and most servers cap pages at 100 to 200).
const UNITY_PAGE: u32 = 100;

fn step(
    progress: &dyn ProgressSink<PreviewProgress>,
    stage: PreviewStage,
    done: u64,
    total: Option<u64>,
) {
    progress.report(PreviewProgress { stage, done, total });
}

/// What Start would do to every user in the job's scope. Needs the app, job, SCIM URL and
/// token from the earlier steps (the journal and keychain); reads only.
pub async fn preview_provisioning(
    ctx: &WizardContext,
    graph: &GraphClient,
    progress: &dyn ProgressSink<PreviewProgress>,
    cancel: &CancellationToken,
) -> Result<PreviewReport, Problem> {
    let (sp_id, job_id) = journal_job_id(ctx)?;
    let journal = ctx.journal.snapshot();
    let mut notes = Vec::new();
    step(progress, PreviewStage::ReadingMappings, 0, None);
    let mappings = graph
        .get_sync_schema(&sp_id, &job_id, cancel)
        .await?
        .user_attribute_mappings();
    if mappings.is_empty() {
        return Err(Problem::not_found(
            "Reading the job's attribute mappings",
            "The job has no user attribute mappings, so Entra would provision nobody.",
            "Restore the app's default attribute mappings in Entra, then preview again.",
        ));
    }
    let (sync_all, skip_out_of_scope) = match graph.get_sync_secrets(&sp_id, cancel).await {
        Ok(saved) => (saved.sync_all, saved.protection.skip_out_of_scope_deletions),
        Err(_) => {
            notes.push("The job's saved settings could not be read back; the preview assumes \u{201c}only assigned users\u{201d}.".into());
            let skip = journal
                .entra
                .deletion_protection
                .as_ref()
                .is_some_and(|p| p.skip_out_of_scope_deletions);
            (false, skip)
        }
    };
    let scope = users_in_scope(
        graph,
        &sp_id,
        sync_all,
        &user_select(&mappings),
        progress,
        cancel,
    )
    .await?;

    let url = journal.unity.scim_url.clone().ok_or_else(|| {
        Problem::not_found(
            "Reading the SCIM connector URL",
            "No SCIM connector URL has been set up yet.",
            "Do step 2 (the SCIM base connector URL) first.",
        )
    })?;
    let reader = ScimUsersReader::new(ctx.http.clone(), &url, stored_scim_token(ctx)?);
    let accounts = read_all_unity_users(&reader, progress, cancel).await?;

    let validated: Vec<String> = journal
        .unity
        .validated_domains
        .iter()
        .map(|d| d.to_ascii_lowercase())
        .collect();
    if validated.is_empty() {
        notes.push("Unity's validated domains are not known (they are read on the API road), so domains were not checked.".into());
    }
    let rules = ClassifyRules {
        mappings: &mappings,
        validated_domains: &validated,
    };
    let index = UnityIndex::new(&accounts, &mappings);
    let mut users = Vec::with_capacity(scope.len());
    let mut matched = HashSet::new();
    let total = scope.len() as u64;
    for (i, entra_user) in scope.iter().enumerate() {
        if cancel.is_cancelled() {
            return Err(Problem::cancelled_while("Previewing what Start will do"));
        }
        let (verdict, position) = classify_in_scope(&rules, &index, entra_user);
        matched.extend(position);
        users.push(verdict);
        if (i + 1) % 500 == 0 || i + 1 == scope.len() {
            step(
                progress,
                PreviewStage::Classifying,
                i as u64 + 1,
                Some(total),
            );
        }
    }
    users.extend(
        removals(
            graph,
            &accounts,
            &matched,
            skip_out_of_scope,
            progress,
            cancel,
        )
        .await?,
    );
    Ok(PreviewReport {
        summary: PreviewSummary::count(&users),
        users,
        sync_all,
        in_scope: scope.len() as u32,
        unity_accounts: accounts.len() as u32,
        notes,
        generated_at: now(),
    })
}

async fn read_all_unity_users(
    reader: &ScimUsersReader,
    progress: &dyn ProgressSink<PreviewProgress>,
    cancel: &CancellationToken,
) -> Result<Vec<Value>, Problem> {
    let mut limiter = Limiter::new(UNITY_RATE);
    let mut accounts: Vec<Value> = Vec::new();
    loop {
        limiter.pace("Listing Unity's users", cancel).await?;
        let page = reader
            .page(accounts.len() as u64 + 1, UNITY_PAGE, cancel)
            .await?;
        let empty = page.users.is_empty();
        accounts.extend(page.users);
        step(
            progress,
            PreviewStage::ReadingUnity,
            accounts.len() as u64,
            Some(page.total_results),
        );
        if empty || accounts.len() as u64 >= page.total_results {
            return Ok(accounts);
        }
    }
}

/// Active Unity accounts no user in scope matched, whose userName is an Entra user: the
/// ones a cycle would deactivate (Unity deletes them). Others are not Entra's to touch.
async fn removals(
    graph: &GraphClient,
    accounts: &[Value],
    matched: &HashSet<usize>,
    skip_out_of_scope: bool,
    progress: &dyn ProgressSink<PreviewProgress>,
    cancel: &CancellationToken,
) -> Result<Vec<PreviewUser>, Problem> {
    let candidates: Vec<&Value> = accounts
        .iter()
        .enumerate()
        .filter(|(i, _)| !matched.contains(i))
        .map(|(_, account)| account)
        .filter(|account| {
            attribute_text(account, "active").is_none_or(|a| a.eq_ignore_ascii_case("true"))
        })
        .collect();
    let mut out = Vec::new();
    for (i, account) in candidates.iter().enumerate() {
        let Some(user_name) = attribute_text(account, "userName").filter(|u| u.contains('@'))
        else {
            continue;
        };
        if graph.find_user_by_upn(&user_name, cancel).await?.is_some() {
            out.push(classify_out_of_scope(account, skip_out_of_scope));
        }
        step(
            progress,
            PreviewStage::CheckingRemovals,
            i as u64 + 1,
            Some(candidates.len() as u64),
        );
    }
    Ok(out)
}
