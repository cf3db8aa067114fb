//! `run_setup`: the four steps in order, headless. The CLI's `setup` is a thin face over
//! this, and the window can run it too. It stops at the first failed step and says which
//! and why; running it again resumes, creating nothing twice.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::auth::{BrowserLauncher, DeviceCodePrompt, SignInMethod};
use crate::entra::JobStatus;
use crate::progress::ProgressSink;
use crate::secret::Secret;
use crate::wizard::context::journal::Journal;
use crate::wizard::context::on_demand_outcome::ProvisionOnDemandOutcome;
use crate::wizard::context::progress::{evidence, StepOutcome, StepReport, WizardProgress};
use crate::wizard::context::sessions::EntraAccount;
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::entra_provisioning::credentials::{save_credentials, test_connection};
use crate::wizard::entra_provisioning::deletion_protection::{self, DeletionProtectionChoice};
use crate::wizard::entra_provisioning::enterprise_app::ensure_enterprise_app;
use crate::wizard::entra_provisioning::provisioning_job::ensure_provisioning_job;
use crate::wizard::entra_provisioning::start::{
    quarantine_problem, read_job_status, start_provisioning,
};
use crate::wizard::headless_setup::recorder::{attempt, created_or_reused, StepRecorder};
use crate::wizard::provision::provision_run::assign_and_provision;
use crate::wizard::unity_credentials::api_road::{
    accept_pasted_credentials, ensure_connector_url, ensure_unity_credentials, UnityOptions,
};

/// How step 1 gets the SCIM URL and token.
pub enum UnityRoad {
    /// Sign in to Unity and create what is missing (needs a Unity client ID in the profile).
    Api(UnityOptions),
    /// The admin brings both (pasted in the window; `--scim-url` + `--token-env` in the CLI).
    Guided { scim_url: String, token: Secret },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MicrosoftSignInChoice {
    /// Prints a code to enter on another device: works with no browser on this one.
    DeviceCode,
    Browser,
}

pub struct SetupOptions {
    pub road: UnityRoad,
    pub microsoft: MicrosoftSignInChoice,
    pub app_name: String,
    pub create_app: bool,
    /// UPNs to assign (if needed) and provision on demand at the end.
    pub provision: Vec<String>,
    /// Changes to the suggested deletion safeguards (threshold, recipients, skip).
    pub protection: DeletionProtectionChoice,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SetupReport {
    pub ok: bool,
    pub steps: Vec<StepReport>,
    pub provisioned: Vec<ProvisionOnDemandOutcome>,
    #[ts(optional = nullable)]
    pub job_status: Option<JobStatus>,
    pub journal: Journal,
}

/// The Microsoft step's evidence: account, tenant ID, name, domain and the tenant asked for.
pub(crate) fn microsoft_evidence(
    account: &EntraAccount,
) -> std::collections::BTreeMap<String, String> {
    evidence([
        ("account", account.account.clone()),
        ("tenantId", account.tenant_id.clone()),
        ("tenantName", account.tenant_name.clone()),
        ("tenantDomain", account.tenant_domain.clone()),
        ("tenantChoice", Some(account.tenant_choice.to_string())),
    ])
}

pub async fn run_setup(
    ctx: &WizardContext,
    options: SetupOptions,
    launcher: &dyn BrowserLauncher,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> SetupReport {
    let mut steps = StepRecorder::new(ctx, progress);

    // Step 1 and 2: the Unity side.
    match &options.road {
        UnityRoad::Api(unity_options) => {
            steps.begin(StepId::SignInUnity);
            let signed_in = attempt!(steps, ctx.sign_in_unity(launcher, cancel).await);
            steps.ok(
                if signed_in.resumed {
                    StepOutcome::Reused
                } else {
                    StepOutcome::Passed
                },
                if signed_in.resumed {
                    "Signed in to Unity with the saved session"
                } else {
                    "Signed in to Unity"
                },
                evidence([("account", signed_in.account.clone())]),
            );
            let unity = attempt!(steps, ctx.unity_admin(cancel).await);

            steps.begin(StepId::UnityCredentials);
            let creds = attempt!(
                steps,
                ensure_unity_credentials(ctx, &unity, unity_options, progress, cancel).await
            );
            steps.ok(
                created_or_reused(
                    creds.service_account_created || creds.token_created || creds.role_added,
                ),
                format!(
                    "Service account \u{201c}{}\u{201d} with SCIM Authenticator; token …{} in {}",
                    creds.service_account_name, creds.token_last_four, creds.token_stored_in
                ),
                evidence([
                    ("orgId", Some(creds.org_id.clone())),
                    ("serviceAccountId", Some(creds.service_account_id.clone())),
                    (
                        "serviceAccountCreated",
                        Some(creds.service_account_created.to_string()),
                    ),
                    ("roleAdded", Some(creds.role_added.to_string())),
                    ("tokenId", Some(creds.token_id.clone())),
                    ("tokenLastFour", Some(creds.token_last_four.clone())),
                    ("tokenCreated", Some(creds.token_created.to_string())),
                ]),
            );

            steps.begin(StepId::ConnectorUrl);
            let url = attempt!(
                steps,
                ensure_connector_url(ctx, &unity, progress, cancel).await
            );
            steps.ok(
                StepOutcome::Passed,
                format!("{} answers Entra's test query with the token", url.url),
                evidence([
                    ("url", Some(url.url.clone())),
                    ("source", Some(url.source.clone())),
                    ("status", Some(url.check.status.to_string())),
                    ("elapsedMs", Some(url.check.elapsed_ms.to_string())),
                ]),
            );
        }
        UnityRoad::Guided { scim_url, token } => {
            steps.begin(StepId::ConnectorUrl);
            let url = attempt!(
                steps,
                accept_pasted_credentials(ctx, scim_url, token.expose(), cancel).await
            );
            steps.ok(
                StepOutcome::Passed,
                format!(
                    "{} answers Entra's test query with token …{}",
                    url.url, url.token_last_four
                ),
                evidence([
                    ("url", Some(url.url.clone())),
                    ("tokenLastFour", Some(url.token_last_four.clone())),
                    ("status", Some(url.check.status.to_string())),
                ]),
            );
        }
    }

    // Step 3: Entra.
    steps.begin(StepId::SignInMicrosoft);
    let on_prompt =
        |prompt: DeviceCodePrompt| progress.report(WizardProgress::DeviceCode { prompt });
    let method = match options.microsoft {
        MicrosoftSignInChoice::DeviceCode => SignInMethod::DeviceCode(&on_prompt),
        MicrosoftSignInChoice::Browser => SignInMethod::Browser(launcher),
    };
    let microsoft = attempt!(steps, ctx.sign_in_microsoft(method, cancel).await);
    let graph = attempt!(steps, ctx.graph(cancel).await);
    steps.ok(
        if microsoft.resumed {
            StepOutcome::Reused
        } else {
            StepOutcome::Passed
        },
        format!("Signed in to Microsoft as {}", microsoft.describe()),
        microsoft_evidence(&microsoft),
    );

    steps.begin(StepId::EnterpriseApp);
    let app = attempt!(
        steps,
        ensure_enterprise_app(
            ctx,
            &graph,
            &options.app_name,
            options.create_app,
            progress,
            cancel
        )
        .await
    );
    steps.ok(
        created_or_reused(app.created),
        format!(
            "Enterprise app \u{201c}{}\u{201d} {}",
            app.display_name,
            if app.created { "created" } else { "found" }
        ),
        evidence([
            ("servicePrincipalId", Some(app.service_principal_id.clone())),
            ("appId", Some(app.app_id.clone())),
        ]),
    );

    steps.begin(StepId::ProvisioningJob);
    let job = attempt!(
        steps,
        ensure_provisioning_job(ctx, &graph, progress, cancel).await
    );
    steps.ok(
        created_or_reused(job.created),
        format!("Provisioning job {} ({})", job.job_id, job.status.code),
        evidence([
            ("jobId", Some(job.job_id.clone())),
            ("templateId", Some(job.template_id.clone())),
        ]),
    );

    steps.begin(StepId::TestConnection);
    let tested = attempt!(
        steps,
        crate::wizard::context::progress::reporting_retry_waits(
            StepId::TestConnection,
            progress,
            test_connection(ctx, &graph, cancel)
        )
        .await
    );
    steps.ok(
        StepOutcome::Passed,
        format!(
            "Entra reached {} with token …{}",
            tested.url, tested.token_last_four
        ),
        evidence([
            ("url", Some(tested.url.clone())),
            ("checkedAt", Some(tested.checked_at.clone())),
        ]),
    );

    steps.begin(StepId::SaveCredentials);
    let protection = attempt!(
        steps,
        deletion_protection::apply_deletion_protection(ctx, &graph, &options.protection, cancel)
            .await
    );
    let saved = attempt!(steps, save_credentials(ctx, &graph, cancel).await);
    steps.ok(
        StepOutcome::Passed,
        format!(
            "Tenant URL, secret token and deletion safeguards saved in Entra (threshold {})",
            protection.delete_threshold
        ),
        evidence([
            ("url", Some(saved.url)),
            (
                "deleteThreshold",
                Some(protection.delete_threshold.to_string()),
            ),
            ("notify", Some(protection.notify.clone())),
            (
                "skipOutOfScopeDeletions",
                Some(protection.skip_out_of_scope_deletions.to_string()),
            ),
        ]),
    );

    steps.begin(StepId::StartProvisioning);
    let (status, started) = attempt!(
        steps,
        start_provisioning(ctx, &graph, progress, cancel).await
    );
    steps.ok(
        if started {
            StepOutcome::Passed
        } else {
            StepOutcome::Reused
        },
        if started {
            format!("Provisioning started: {}", status.summary)
        } else {
            format!("Already running: {}", status.summary)
        },
        evidence([
            ("code", Some(status.code.clone())),
            ("schedule", Some(status.schedule_state.clone())),
        ]),
    );

    // Step 4: assign and provision the chosen users.
    let Some(provisioned) =
        assign_and_provision(&mut steps, &graph, &options.provision, cancel).await
    else {
        return steps.take_report(Some(status), Vec::new());
    };

    steps.begin(StepId::JobStatus);
    let status = attempt!(steps, read_job_status(ctx, &graph, cancel).await);
    match quarantine_problem(&status) {
        Some(problem) => steps.fail(problem),
        None => steps.ok(
            StepOutcome::Passed,
            status.summary.clone(),
            evidence([
                ("code", Some(status.code.clone())),
                ("interval", status.interval.clone()),
            ]),
        ),
    }
    steps.take_report(Some(status), provisioned)
}

/// For callers that hold an `Arc` store (the window).
pub type SharedSecrets = Arc<dyn crate::secrets::SecretStore>;
