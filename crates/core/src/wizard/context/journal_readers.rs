//! The journal's readers: the ids and the SCIM URL earlier steps wrote into the journal, and
//! the SCIM token its key points at in the SecretStore, each as a plain `notFound` Problem
//! naming the step to do first when it is not there yet.

use crate::problem::Problem;
use crate::secret::Secret;
use crate::wizard::context::wizard_context::WizardContext;

/// `value`, or a `notFound` Problem saying that `what` has not been set up yet and `fix`.
fn required(value: Option<String>, action: &str, what: &str, fix: &str) -> Result<String, Problem> {
    value.ok_or_else(|| Problem::not_found(action, format!("No {what} has been set up yet."), fix))
}

/// The enterprise app (service principal) id the journal holds.
///
/// Errors: `notFound` before step 3 found or created the app.
pub fn journal_sp_id(ctx: &WizardContext) -> Result<String, Problem> {
    required(
        ctx.journal.snapshot().entra.service_principal_id,
        "Finding the enterprise app",
        "enterprise app",
        "Do the Entra step (find or create the enterprise app) first.",
    )
}

/// The app's and its provisioning job's ids the journal holds, as `(sp_id, job_id)`.
///
/// Errors: `notFound` before step 3 found or created the app and its job.
pub fn journal_job_id(ctx: &WizardContext) -> Result<(String, String), Problem> {
    let sp = journal_sp_id(ctx)?;
    let job = required(
        ctx.journal.snapshot().entra.job_id,
        "Finding the provisioning job",
        "provisioning job",
        "Do the provisioning-job step first.",
    )?;
    Ok((sp, job))
}

/// The SCIM base connector URL the journal holds.
///
/// Errors: `notFound` before step 2.
pub(crate) fn journal_scim_url(ctx: &WizardContext) -> Result<String, Problem> {
    required(
        ctx.journal.snapshot().unity.scim_url,
        "Reading the SCIM connector URL",
        "SCIM connector URL",
        "Do step 2 (the SCIM base connector URL) first.",
    )
}

/// The SCIM token the journal points at, from the SecretStore.
///
/// Errors: `notFound` before step 1, or when the SecretStore no longer holds it; the
/// SecretStore's own Problems.
pub fn stored_scim_token(ctx: &WizardContext) -> Result<Secret, Problem> {
    let journal = ctx.journal.snapshot();
    let action = "Reading the SCIM bearer token";
    let key = journal.unity.token_key.ok_or_else(|| {
        Problem::not_found(
            action,
            "No bearer token has been set up yet.",
            "Do step 1 (Unity service account and token) first.",
        )
    })?;
    ctx.secrets.get(&key)?.ok_or_else(|| {
        Problem::not_found(
            action,
            format!(
                "The bearer token is no longer in {}.",
                ctx.secrets.describe()
            ),
            "Do step 1 again: the app creates a new token (or paste one on the guided road).",
        )
    })
}
