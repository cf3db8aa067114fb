//! Step 3's enterprise app: found by name (the journal's id first), or created as a
//! non-gallery app when asked, then waited for while Entra replicates it (seconds to a
//! minute).

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::create_or_find::create_or_find_again;
use crate::entra::types::ServicePrincipal;
use crate::entra::GraphClient;
use crate::problem::{Problem, ProblemKind};
use crate::progress::ProgressSink;
use crate::wizard::context::crash_points::{crash_point, CrashPoint};
use crate::wizard::context::intents::{CreateIntent, IntentKind};
use crate::wizard::context::progress::{note, WizardProgress};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EnterpriseAppOutcome {
    pub service_principal_id: String,
    pub app_id: String,
    pub display_name: String,
    pub created: bool,
    /// False for apps made under App registrations, which cannot provision.
    pub from_template: bool,
}

fn prefer_templated(mut found: Vec<ServicePrincipal>) -> Option<ServicePrincipal> {
    found.sort_by_key(|sp| sp.application_template_id.is_none());
    found.into_iter().next()
}

/// Finds the app by name (the journal's id first); creates a non-gallery one only when asked.
pub async fn ensure_enterprise_app(
    ctx: &WizardContext,
    graph: &GraphClient,
    name: &str,
    create_if_missing: bool,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<EnterpriseAppOutcome, Problem> {
    let step = StepId::EnterpriseApp;
    let journal = ctx.journal.snapshot();
    let mut existing = None;
    if let (Some(id), Some(app_name)) =
        (&journal.entra.service_principal_id, &journal.entra.app_name)
    {
        if app_name == name {
            existing = graph.get_service_principal(id, cancel).await?;
        }
    }
    if existing.is_none() {
        existing = prefer_templated(graph.find_service_principals_by_name(name, cancel).await?);
    }
    let (sp, created) = match existing {
        Some(sp) => (sp, false),
        None if !create_if_missing => {
            return Err(Problem::not_found(
                format!("Looking for the enterprise app \u{201c}{name}\u{201d}"),
                format!("No enterprise app named \u{201c}{name}\u{201d} exists in this tenant."),
                "Check the name (it must match exactly, as in Entra › Enterprise applications), or let the app create a \
                 non-gallery app of that name.",
            ))
        }
        None => {
            note(progress, step, format!("Creating the non-gallery enterprise app \u{201c}{name}\u{201d}"));
            // Intent before the create: a kill after it is settled by the lookup by name above.
            ctx.journal
                .begin_intent(&CreateIntent::new(IntentKind::EnterpriseApp, name))?;
            crash_point(CrashPoint::BeforeEnterpriseApp);
            // The create may have worked although its answer was lost: look first.
            let (sp_id, _) = create_or_find_again(
                async { Ok(graph.instantiate_non_gallery_app(name, cancel).await?.0) },
                &[ProblemKind::Timeout, ProblemKind::Unreachable, ProblemKind::Server],
                || async {
                    let found = graph.find_service_principals_by_name(name, cancel).await?;
                    Ok(prefer_templated(found).map(|sp| sp.id))
                },
            )
            .await?;
            crash_point(CrashPoint::AfterEnterpriseApp);
            ctx.journal.finish_intents(
                IntentKind::EnterpriseApp,
                |intent| intent.recognised_by == name,
                |j| {
                    j.entra.app_name = Some(name.to_string());
                    j.entra.service_principal_id = Some(sp_id.clone());
                    j.entra.app_created_by_us = true;
                },
            )?;
            (wait_for_service_principal(ctx, graph, &sp_id, progress, cancel).await?, true)
        }
    };
    let from_template = sp.application_template_id.is_some();
    if !from_template {
        note(
            progress,
            step,
            "Warning: this app was not made from an application template; if provisioning is unavailable, create a non-gallery app instead",
        );
    }
    // Found or made: the record is complete, so an intent to make it is settled.
    ctx.journal.finish_intents(
        IntentKind::EnterpriseApp,
        |intent| intent.recognised_by == name,
        |j| {
            // Another app than last time: its job and rule are not ours to reuse.
            if j.entra.service_principal_id.as_deref() != Some(sp.id.as_str()) {
                j.entra.job_id = None;
                j.entra.rule_id = None;
            }
            j.entra.app_name = Some(name.to_string());
            j.entra.service_principal_id = Some(sp.id.clone());
            j.entra.app_id = Some(sp.app_id.clone());
        },
    )?;
    ctx.journal.mark_done(step)?;
    Ok(EnterpriseAppOutcome {
        service_principal_id: sp.id,
        app_id: sp.app_id,
        display_name: sp.display_name,
        created,
        from_template,
    })
}

async fn wait_for_service_principal(
    ctx: &WizardContext,
    graph: &GraphClient,
    sp_id: &str,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<ServicePrincipal, Problem> {
    for attempt in 0..ctx.tuning.replication_attempts {
        if let Some(sp) = graph.get_service_principal(sp_id, cancel).await? {
            return Ok(sp);
        }
        ctx.replication_pause(
            StepId::EnterpriseApp,
            attempt,
            "the new app to replicate",
            progress,
            cancel,
        )
        .await?;
    }
    Err(Problem::not_found(
        "Waiting for the new enterprise app",
        "Entra created the app but it did not become readable in time.",
        "Wait a minute and run the step again; it will find the app instead of creating another.",
    ))
}
