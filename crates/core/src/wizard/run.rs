//! `run_setup`: the four steps in order, headless. The CLI's `setup` is a thin face over
//! this, and the window can run it too. It stops at the first failed step and says which
//! and why; running it again resumes, creating nothing twice.

use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::entra_steps::{self, quarantine_problem};
use super::journal::Journal;
use super::on_demand::{self, OnDemandSubject, PrincipalKind, ProvisionOnDemandOutcome};
use super::progress::{evidence, StepId, StepOutcome, StepReport, WizardProgress};
use super::unity_steps::{self, UnityOptions};
use super::WizardContext;
use crate::auth::{
    sign_in_microsoft, sign_in_unity, BrowserLauncher, DeviceCodePrompt, SignInMethod,
};
use crate::entra::{GraphClient, JobStatus};
use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::secret::Secret;
use crate::unity::UnityAdminClient;

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

struct Steps<'a> {
    ctx: &'a WizardContext,
    progress: &'a dyn ProgressSink<WizardProgress>,
    reports: Vec<StepReport>,
    current: Option<(StepId, Instant)>,
}

impl<'a> Steps<'a> {
    fn begin(&mut self, id: StepId) {
        self.progress
            .report(WizardProgress::StepStarted { step: id });
        self.current = Some((id, Instant::now()));
    }

    fn finish(&mut self, mut report: StepReport) {
        if let Some((_, started)) = self.current.take() {
            report.elapsed_ms = started.elapsed().as_millis() as u64;
        }
        if report.outcome != StepOutcome::Failed {
            if let Err(problem) = self.ctx.journal.mark_done(report.id.as_str()) {
                tracing::warn!("could not journal the step: {problem}");
            }
        }
        self.progress.report(WizardProgress::StepFinished {
            report: report.clone(),
        });
        self.reports.push(report);
    }

    /// Ends the current step with `problem`; returns false so callers can `return` early.
    fn fail(&mut self, problem: Problem) {
        let id = self
            .current
            .map(|(id, _)| id)
            .unwrap_or(StepId::SignInMicrosoft);
        self.finish(StepReport::failure(id, problem));
    }

    fn ok(
        &mut self,
        outcome: StepOutcome,
        summary: impl Into<String>,
        facts: std::collections::BTreeMap<String, String>,
    ) {
        let id = self
            .current
            .map(|(id, _)| id)
            .unwrap_or(StepId::SignInMicrosoft);
        self.finish(StepReport::success(id, outcome, summary, facts));
    }
}

/// Runs a fallible step body; on error records it and leaves `run_setup` with the report.
macro_rules! attempt {
    ($steps:expr, $report:expr, $body:expr) => {
        match $body {
            Ok(value) => value,
            Err(problem) => {
                $steps.fail(problem);
                return $report(&mut $steps, None, Vec::new());
            }
        }
    };
}

fn created_or_reused(created: bool) -> StepOutcome {
    if created {
        StepOutcome::Created
    } else {
        StepOutcome::Reused
    }
}

pub async fn run_setup(
    ctx: &WizardContext,
    options: SetupOptions,
    launcher: &dyn BrowserLauncher,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> SetupReport {
    let mut steps = Steps {
        ctx,
        progress,
        reports: Vec::new(),
        current: None,
    };
    let report = |steps: &mut Steps,
                  job_status: Option<JobStatus>,
                  provisioned: Vec<ProvisionOnDemandOutcome>| SetupReport {
        ok: steps
            .reports
            .iter()
            .all(|r| r.outcome != StepOutcome::Failed),
        steps: std::mem::take(&mut steps.reports),
        provisioned,
        job_status,
        journal: steps.ctx.journal.snapshot(),
    };

    // Step 1 and 2: the Unity side.
    match &options.road {
        UnityRoad::Api(unity_options) => {
            steps.begin(StepId::SignInUnity);
            let signed_in = attempt!(
                steps,
                report,
                sign_in_unity(
                    &ctx.http,
                    &ctx.profile,
                    ctx.secrets.clone(),
                    launcher,
                    cancel
                )
                .await
            );
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
                Default::default(),
            );
            let unity = UnityAdminClient::new(
                ctx.http.clone(),
                &ctx.profile.unity.auth,
                &ctx.profile.unity.api,
                signed_in.session.clone(),
            );

            steps.begin(StepId::UnityCredentials);
            let creds = attempt!(
                steps,
                report,
                unity_steps::ensure_unity_credentials(ctx, &unity, unity_options, progress, cancel)
                    .await
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
                report,
                unity_steps::ensure_connector_url(ctx, &unity, progress, cancel).await
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
                report,
                unity_steps::accept_pasted_credentials(ctx, scim_url, token.expose(), cancel).await
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
    let microsoft = attempt!(
        steps,
        report,
        sign_in_microsoft(&ctx.http, &ctx.profile, ctx.secrets.clone(), method, cancel).await
    );
    let graph = GraphClient::new(
        ctx.http.clone(),
        ctx.profile.graph_base(),
        microsoft.session.clone(),
    );
    let tenant_id = microsoft.tenant_id.clone();
    let account = microsoft.account.clone();
    attempt!(
        steps,
        report,
        ctx.journal.update(|j| {
            j.entra.tenant_id = tenant_id.clone();
            j.entra.account = account.clone();
        })
    );
    steps.ok(
        if microsoft.resumed {
            StepOutcome::Reused
        } else {
            StepOutcome::Passed
        },
        format!(
            "Signed in to Microsoft{}",
            account
                .as_deref()
                .map(|a| format!(" as {a}"))
                .unwrap_or_default()
        ),
        evidence([("tenantId", tenant_id), ("account", account.clone())]),
    );

    steps.begin(StepId::EnterpriseApp);
    let app = attempt!(
        steps,
        report,
        entra_steps::ensure_enterprise_app(
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
        report,
        entra_steps::ensure_provisioning_job(ctx, &graph, progress, cancel).await
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
        report,
        entra_steps::test_connection(ctx, &graph, cancel).await
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
    let saved = attempt!(
        steps,
        report,
        entra_steps::save_credentials(ctx, &graph, cancel).await
    );
    steps.ok(
        StepOutcome::Passed,
        "Tenant URL and secret token saved in Entra",
        evidence([("url", Some(saved.url))]),
    );

    steps.begin(StepId::StartProvisioning);
    let (status, started) = attempt!(
        steps,
        report,
        entra_steps::start_provisioning(ctx, &graph, progress, cancel).await
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
    let mut provisioned = Vec::new();
    if !options.provision.is_empty() {
        steps.begin(StepId::Assignment);
        let mut subjects = Vec::new();
        let mut facts = std::collections::BTreeMap::new();
        let mut any_created = false;
        for upn in &options.provision {
            let user = attempt!(steps, report, graph.find_user_by_upn(upn, cancel).await);
            let Some(user) = user else {
                steps.fail(Problem::not_found(
                    format!("Looking up {upn}"),
                    format!("No user {upn} exists in this tenant."),
                    "Check the user principal name (it is usually the sign-in e-mail address).",
                ));
                return report(&mut steps, Some(status), provisioned);
            };
            let assigned = attempt!(
                steps,
                report,
                on_demand::ensure_assignment(ctx, &graph, &user.id, cancel).await
            );
            any_created |= assigned.created;
            facts.insert(
                upn.clone(),
                if assigned.created {
                    "assigned now".into()
                } else {
                    "already assigned".into()
                },
            );
            subjects.push(OnDemandSubject {
                object_id: user.id,
                kind: PrincipalKind::User,
                label: upn.clone(),
                members: Vec::new(),
            });
        }
        steps.ok(
            created_or_reused(any_created),
            format!("{} user(s) assigned to the app", subjects.len()),
            facts,
        );

        steps.begin(StepId::ProvisionOnDemand);
        provisioned = attempt!(
            steps,
            report,
            on_demand::provision_on_demand(ctx, &graph, &subjects, progress, cancel).await
        );
        let facts = provisioned
            .iter()
            .map(|o| {
                (
                    o.subject.label.clone(),
                    format!("{:?}: {}", o.verdict, o.cause),
                )
            })
            .collect();
        match provisioned.iter().find(|o| !o.is_good()) {
            None => steps.ok(
                StepOutcome::Passed,
                format!("{} user(s) provisioned on demand", provisioned.len()),
                facts,
            ),
            Some(bad) => {
                let mut failed = StepReport::failure(
                    StepId::ProvisionOnDemand,
                    bad.problem.clone().unwrap_or_else(|| {
                        Problem::rejected(
                            "Provisioning on demand",
                            bad.cause.clone(),
                            bad.fix.clone().unwrap_or_default(),
                        )
                    }),
                );
                failed.evidence.extend(facts);
                steps.finish(failed);
            }
        }
    }

    steps.begin(StepId::JobStatus);
    let status = attempt!(
        steps,
        report,
        entra_steps::read_job_status(ctx, &graph, cancel).await
    );
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
    report(&mut steps, Some(status), provisioned)
}

/// For callers that hold an `Arc` store (the window).
pub type SharedSecrets = Arc<dyn crate::secrets::SecretStore>;
