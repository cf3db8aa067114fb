//! Step 3, Entra: sign in (browser or device code), pick or create the Unity enterprise
//! app, make sure its provisioning job exists, Entra's Test Connection, save and start, and
//! the job's state for the self-refreshing job card.

use scim_core::auth::{DeviceCodePrompt, MicrosoftTenant, SignInMethod};
use scim_core::entra::sync_secrets::DeletionProtection;
use scim_core::entra::types::ServicePrincipal;
use scim_core::entra::JobStatus;
use scim_core::wizard::job_control::job_overview;
use scim_core::wizard::{
    apply_deletion_protection, deletion_protection_in_effect, ensure_enterprise_app,
    ensure_provisioning_job, reporting_retry_waits, save_credentials, start_provisioning,
    test_connection, DeletionProtectionChoice, EnterpriseAppOutcome, EntraAccount,
    ProvisioningJobOutcome, StepId, TestConnectionOutcome, WizardProgress, WriterWaitAsStep,
};
use scim_core::Problem;
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

use super::channel_sink;
use crate::app::state::AppState;

#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum MicrosoftSignInMethod {
    Browser,
    DeviceCode,
}

/// Signs in (the saved session first, when it was made at the same tenant) at `tenant`:
/// `organizations`, a verified domain or a tenant ID (`None` or blank keeps the current
/// choice); a device code arrives as a `deviceCode` event. Errors: `badInput` for a tenant
/// that cannot be one (an e-mail address, a URL, `common`); the sign-in's Problems.
#[tauri::command]
pub async fn entra_sign_in(
    state: State<'_, AppState>,
    operation_id: String,
    method: MicrosoftSignInMethod,
    tenant: Option<String>,
    on_progress: Channel<WizardProgress>,
) -> Result<EntraAccount, Problem> {
    let op = state.operations.begin(&operation_id);
    if let Some(tenant) = tenant.filter(|t| !t.trim().is_empty()) {
        state
            .ctx
            .choose_microsoft_tenant(MicrosoftTenant::parse(&tenant)?);
    }
    let on_prompt = move |prompt: DeviceCodePrompt| {
        let _ = on_progress.send(WizardProgress::DeviceCode { prompt });
    };
    let method = match method {
        MicrosoftSignInMethod::Browser => SignInMethod::Browser(state.launcher.as_ref()),
        MicrosoftSignInMethod::DeviceCode => SignInMethod::DeviceCode(&on_prompt),
    };
    state.ctx.sign_in_microsoft(method, &op.token).await
}

/// The tenant the next Microsoft sign-in goes to (the last one chosen, else
/// `organizations`), to prefill step 3's tenant field.
#[tauri::command]
pub fn entra_tenant(state: State<'_, AppState>) -> MicrosoftTenant {
    state.ctx.microsoft_tenant()
}

/// Who is signed in, resuming quietly from the keychain after a relaunch; none when nobody.
#[tauri::command]
pub async fn entra_account(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<Option<EntraAccount>, Problem> {
    let op = state.operations.begin(&operation_id);
    state.ctx.microsoft_account(&op.token).await
}

/// Step 3: enterprise apps (service principals) whose name starts with `text`, for the app chooser.
#[tauri::command]
pub async fn entra_search_apps(
    state: State<'_, AppState>,
    operation_id: String,
    text: String,
) -> Result<Vec<ServicePrincipal>, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    graph
        .search_service_principals(text.trim(), 50, &op.token)
        .await
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EntraAppSetup {
    pub app: EnterpriseAppOutcome,
    pub job: ProvisioningJobOutcome,
}

/// Finds (or, when asked, creates) the app by name, then finds or creates its job.
#[tauri::command]
pub async fn entra_use_app(
    state: State<'_, AppState>,
    operation_id: String,
    name: String,
    create: bool,
    on_progress: Channel<WizardProgress>,
) -> Result<EntraAppSetup, Problem> {
    let (op, ctx) = (state.operations.begin(&operation_id), &state.ctx);
    let sink = channel_sink(on_progress);
    let waits = WriterWaitAsStep {
        step: StepId::EnterpriseApp,
        sink: &sink,
    };
    let _writer = ctx
        .begin_writing("window: enterprise app and job", &waits, &op.token)
        .await?;
    let use_app = async {
        let graph = ctx.graph(&op.token).await?;
        let app = ensure_enterprise_app(ctx, &graph, name.trim(), create, &sink, &op.token).await?;
        let job = ensure_provisioning_job(ctx, &graph, &sink, &op.token).await?;
        Ok(EntraAppSetup { app, job })
    };
    reporting_retry_waits(StepId::EnterpriseApp, &sink, use_app).await
}

/// Entra's own verdict (validateCredentials) on the stored URL and token; each retry wait
/// (Graph throttling or unavailable) streams on `on_progress` as a `waiting` event.
#[tauri::command]
pub async fn entra_test_connection(
    state: State<'_, AppState>,
    operation_id: String,
    on_progress: Channel<WizardProgress>,
) -> Result<TestConnectionOutcome, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    let test = test_connection(&state.ctx, &graph, &op.token);
    let sink = channel_sink(on_progress);
    reporting_retry_waits(StepId::TestConnection, &sink, test).await
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProvisioningStarted {
    pub status: JobStatus,
    /// False when the job was already running (starting it again is not done).
    pub started: bool,
}

/// Step 3, before Start: the deletion safeguards the job will get, the ones chosen before or
/// the suggestion for the users in scope now (`wizard::deletion_protection_in_effect`).
#[tauri::command]
pub async fn entra_deletion_protection(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<DeletionProtection, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    deletion_protection_in_effect(&state.ctx, &graph, &op.token).await
}

/// Step 3: keeps the chosen deletion safeguards, saves them with the URL and token as the
/// job's secrets, then starts the synchronization job (`wizard::apply_deletion_protection`,
/// `wizard::save_credentials` and `wizard::start_provisioning`, as the CLI does).
#[tauri::command]
pub async fn entra_save_and_start(
    state: State<'_, AppState>,
    operation_id: String,
    protection: DeletionProtectionChoice,
    on_progress: Channel<WizardProgress>,
) -> Result<ProvisioningStarted, Problem> {
    let (op, ctx) = (state.operations.begin(&operation_id), &state.ctx);
    let sink = channel_sink(on_progress);
    let waits = WriterWaitAsStep {
        step: StepId::SaveCredentials,
        sink: &sink,
    };
    let _writer = ctx
        .begin_writing("window: save and start", &waits, &op.token)
        .await?;
    let save_and_start = async {
        let graph = ctx.graph(&op.token).await?;
        apply_deletion_protection(ctx, &graph, &protection, &op.token).await?;
        save_credentials(ctx, &graph, &op.token).await?;
        let (status, started) = start_provisioning(ctx, &graph, &sink, &op.token).await?;
        Ok(ProvisioningStarted { status, started })
    };
    reporting_retry_waits(StepId::StartProvisioning, &sink, save_and_start).await
}

/// Step 3's job card: the synchronization job's state, schedule, next cycle, quarantine,
/// scope, the tenant's name and what the last cycle did (`wizard::job_control::job_overview`).
#[tauri::command]
pub async fn entra_job_status(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<JobStatus, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    job_overview(&state.ctx, &graph, &op.token).await
}
