//! Opening a job set up before, for commands that work on it: `preview`, `rotate-token`.
//! Signs in to Microsoft (this run's or the saved session first) and finds the app and its
//! provisioning job by name, never creating either; the journal then names them, as the
//! later engine calls expect.

use tokio_util::sync::CancellationToken;

use crate::auth::SignInMethod;
use crate::entra::GraphClient;
use crate::problem::Problem;
use crate::progress::NoProgress;
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::entra_provisioning::enterprise_app::ensure_enterprise_app;
use crate::wizard::entra_provisioning::provisioning_job::find_provisioning_job;

/// Signs in, finds `app_name` and its job, and returns Graph as the signed-in admin.
///
/// Errors: the sign-in's Problems; `notFound` when the app or its job does not exist.
pub async fn open_existing_job(
    ctx: &WizardContext,
    method: SignInMethod<'_>,
    app_name: &str,
    cancel: &CancellationToken,
) -> Result<GraphClient, Problem> {
    ctx.sign_in_microsoft(method, cancel).await?;
    let graph = ctx.graph(cancel).await?;
    ensure_enterprise_app(ctx, &graph, app_name, false, &NoProgress, cancel).await?;
    find_provisioning_job(ctx, &graph, cancel).await?;
    Ok(graph)
}
