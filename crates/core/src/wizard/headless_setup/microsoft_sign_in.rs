//! Step 3's Microsoft sign-in as the headless runs take it: by device code (the code goes out
//! as a progress event, so it works with no browser on this computer) or in the browser, and
//! the facts the step reports about who signed in where.

use std::collections::BTreeMap;

use tokio_util::sync::CancellationToken;

use crate::auth::{BrowserLauncher, DeviceCodePrompt, SignInMethod};
use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::wizard::context::progress::{evidence, WizardProgress};
use crate::wizard::context::sessions::EntraAccount;
use crate::wizard::context::wizard_context::WizardContext;

/// How a headless run signs in to Microsoft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MicrosoftSignInChoice {
    /// Prints a code to enter on another device: works with no browser on this one.
    DeviceCode,
    Browser,
}

/// Signs in to Microsoft the way `choice` says (the saved session first, see
/// [`WizardContext::sign_in_microsoft`]); a device code is reported on `progress`.
///
/// Errors: the sign-in's Problems, as [`WizardContext::sign_in_microsoft`] gives them.
pub(crate) async fn sign_in_microsoft(
    ctx: &WizardContext,
    progress: &dyn ProgressSink<WizardProgress>,
    choice: MicrosoftSignInChoice,
    launcher: &dyn BrowserLauncher,
    cancel: &CancellationToken,
) -> Result<EntraAccount, Problem> {
    let on_prompt =
        |prompt: DeviceCodePrompt| progress.report(WizardProgress::DeviceCode { prompt });
    let method = match choice {
        MicrosoftSignInChoice::DeviceCode => SignInMethod::DeviceCode(&on_prompt),
        MicrosoftSignInChoice::Browser => SignInMethod::Browser(launcher),
    };
    ctx.sign_in_microsoft(method, cancel).await
}

/// The Microsoft step's evidence: account, tenant ID, name, domain and the tenant asked for.
pub(crate) fn microsoft_evidence(account: &EntraAccount) -> BTreeMap<String, String> {
    evidence([
        ("account", account.account.clone()),
        ("tenantId", account.tenant_id.clone()),
        ("tenantName", account.tenant_name.clone()),
        ("tenantDomain", account.tenant_domain.clone()),
        ("tenantChoice", Some(account.tenant_choice.to_string())),
    ])
}
