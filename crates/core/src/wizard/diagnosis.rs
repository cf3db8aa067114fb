//! Diagnose's inputs from what the person chose: which SCIM URL and token to probe (pasted,
//! or the ones set up in steps 1 and 2) with which test domain. The provisioning logs are
//! searched with `job_control::provisioning_log_page`.

use serde::Deserialize;
use ts_rs::TS;

use crate::diagnose::DiagnoseRequest;
use crate::problem::Problem;
use crate::profile::CloudProfile;
use crate::secret::Secret;
use crate::unity::parse_pasted_token;
use crate::wizard::context::journal_readers::stored_scim_token;
use crate::wizard::context::wizard_context::WizardContext;

/// What to probe. A pasted token goes UI → engine only and is never sent back.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "source", rename_all = "camelCase")]
#[ts(export)]
pub enum DiagnoseTarget {
    /// The URL and token set up in steps 1 and 2.
    Configured,
    /// A Tenant URL and Secret Token as pasted into Entra.
    Pasted { url: String, token: Secret },
}

/// The validated domain of a sandbox profile, for the write checks' test user.
pub fn sandbox_test_domain(profile: &CloudProfile) -> Option<String> {
    profile
        .sandbox
        .as_ref()
        .map(|s| s.validated_domain.clone())
        .filter(|d| !d.is_empty())
}

/// The probe request for `target` (the checklist of docs/diagnose.md runs on it).
///
/// Errors: `notFound` when `Configured` but steps 1 and 2 left no URL or token;
/// `badInput` when a pasted token is empty or malformed.
pub fn resolve_diagnose_target(
    ctx: &WizardContext,
    target: DiagnoseTarget,
    write_checks: bool,
) -> Result<DiagnoseRequest, Problem> {
    let (url, token) = match target {
        DiagnoseTarget::Configured => {
            let url = ctx.journal.snapshot().unity.scim_url.ok_or_else(|| {
                Problem::not_found(
                    "Testing the SCIM connector URL",
                    "No SCIM connector URL has been set up yet.",
                    "Do steps 1 and 2 first, or paste a URL and token in Diagnose.",
                )
            })?;
            (url, stored_scim_token(ctx)?)
        }
        DiagnoseTarget::Pasted { url, token } => (url, parse_pasted_token(token.expose())?),
    };
    let mut request = DiagnoseRequest::new(url, token);
    // The same bound as the setup path's SCIM checks: Entra's, within the app's settings.
    request.timeout = ctx.http.for_scim_endpoint().config().total_timeout;
    request.write_checks = write_checks;
    request.test_domain = sandbox_test_domain(&ctx.profile);
    Ok(request)
}
