//! Step 3's admin credentials in Entra: Test Connection with the SCIM URL and token of steps
//! 1 and 2 (`validateCredentials`), and saving them in the job's secrets with the scope and
//! the deletion safeguards, read back to check Entra kept them. Each write of the secrets is
//! announced in the journal and then recorded with the token it saved: Graph gives no secret
//! value back, so the journal is how a later run knows which token Entra holds.

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::entra::sync_secrets::SyncSecretsWrite;
use crate::entra::{GraphClient, ProvisioningScope};
use crate::problem::Problem;
use crate::wizard::context::crash_points::{crash_point, CrashPoint};
use crate::wizard::context::intents::{CreateIntent, IntentKind};
use crate::wizard::context::journal::now;
use crate::wizard::context::journal_readers::{
    journal_job_id, journal_scim_url, journal_sp_id, stored_scim_token,
};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::entra_provisioning::deletion_protection::protection_to_save;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TestConnectionOutcome {
    pub url: String,
    pub token_last_four: String,
    pub checked_at: String,
}

/// Entra's Test Connection with the stored URL and token (validateCredentials).
pub async fn test_connection(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<TestConnectionOutcome, Problem> {
    let (sp_id, job_id) = journal_job_id(ctx)?;
    let url = journal_scim_url(ctx)?;
    let token = stored_scim_token(ctx)?;
    graph
        .validate_credentials(&sp_id, &job_id, &url, &token, cancel)
        .await?;
    let checked_at = now();
    ctx.journal
        .update(|j| j.entra.tested_at = Some(checked_at.clone()))?;
    ctx.journal.mark_done(StepId::TestConnection)?;
    Ok(TestConnectionOutcome {
        url,
        token_last_four: token.last_four(),
        checked_at,
    })
}

/// Saves tenant URL and token in the job's secrets with the deletion safeguards (the
/// journal's choice, else the suggestion), then reads the settings back (PUT: repeating it
/// is harmless).
pub async fn save_credentials(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<TestConnectionOutcome, Problem> {
    let url = journal_scim_url(ctx)?;
    let token = stored_scim_token(ctx)?;
    // Unity's id for the keychain's token, when the journal names it (API road).
    let journal = ctx.journal.snapshot();
    let token_id = journal
        .unity
        .token_id
        .filter(|_| journal.unity.token_last_four.as_deref() == Some(token.last_four().as_str()));
    write_job_secrets(ctx, graph, &url, &token, token_id.as_deref(), cancel).await?;
    let saved_at = now();
    ctx.journal
        .update(|j| j.entra.secrets_saved_at = Some(saved_at.clone()))?;
    ctx.journal.mark_done(StepId::SaveCredentials)?;
    Ok(TestConnectionOutcome {
        url,
        token_last_four: token.last_four(),
        checked_at: saved_at,
    })
}

/// PUTs the job's secrets (URL, token, the journal's scope, the safeguards) and reads the
/// non-secret part back: a value Entra did not keep is an error, not a silent default. A
/// service that cannot read secrets back (UNCONFIRMED in Graph) is not held against it.
/// `token_id` is Unity's id for `token`, when known. The write is announced in the journal
/// (an `entraSecret` intent naming the token) before it leaves; once Entra accepted it, the
/// journal records the token as the one Entra holds and clears every such intent (a PUT
/// replaces the secrets whole, so whatever earlier writes left is overwritten).
///
/// Errors: Graph's Problems; the journal's; `server` when Entra kept other settings.
pub(crate) async fn write_job_secrets(
    ctx: &WizardContext,
    graph: &GraphClient,
    url: &str,
    token: &crate::secret::Secret,
    token_id: Option<&str>,
    cancel: &CancellationToken,
) -> Result<(), Problem> {
    let sp_id = journal_sp_id(ctx)?;
    let protection = protection_to_save(ctx);
    let scope = ctx
        .journal
        .snapshot()
        .entra
        .scope
        .unwrap_or(ProvisioningScope::AssignedOnly);
    let write = SyncSecretsWrite {
        base_address: url,
        token,
        sync_all: scope == ProvisioningScope::AllUsers,
        protection: &protection,
    };
    let mut intent = CreateIntent::new(IntentKind::EntraSecret, "SecretToken");
    intent.service_principal_id = Some(sp_id.clone());
    intent.token_id = token_id.map(str::to_string);
    intent.token_last_four = Some(token.last_four());
    ctx.journal.begin_intent(&intent)?;
    crash_point(CrashPoint::BeforeEntraSecretWrite);
    graph.put_sync_secrets(&sp_id, &write, cancel).await?;
    crash_point(CrashPoint::AfterEntraSecretWrite);
    ctx.journal.finish_intents(
        IntentKind::EntraSecret,
        |w| w.service_principal_id == intent.service_principal_id,
        |j| {
            j.entra.secret_token_id = token_id.map(str::to_string);
            j.entra.secret_token_last_four = Some(token.last_four());
        },
    )?;
    // The scope written is now known, even when nobody chose one: say so on the job card.
    if ctx.journal.snapshot().entra.scope.is_none() {
        ctx.journal.update(|j| j.entra.scope = Some(scope))?;
    }
    let Ok(saved) = graph.get_sync_secrets(&sp_id, cancel).await else {
        return Ok(());
    };
    let url_kept = saved
        .base_address
        .as_deref()
        .is_none_or(|saved| saved == url);
    if saved.protection != protection || !url_kept {
        return Err(Problem::server(
            "Reading the job's settings back from Entra",
            format!(
                "Entra kept different settings than were sent (threshold {}, recipients \u{201c}{}\u{201d}).",
                saved.protection.delete_threshold, saved.protection.notify
            ),
            "Save again; if it persists, check the job's settings in the Entra admin center.",
        ));
    }
    Ok(())
}
