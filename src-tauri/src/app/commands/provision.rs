//! Step 4: who is assigned, the directory picker's search, assigning, and provisioning on
//! demand with each result streamed as Entra returns it.

use scim_core::entra::types::{AppRoleAssignment, DirectoryMember};
use scim_core::progress::ProgressSink;
use scim_core::wizard::entra_steps::journal_sp_id;
use scim_core::wizard::{
    ensure_assignment, provision_on_demand, AssignmentOutcome, OnDemandSubject, PrincipalKind,
    ProvisionOnDemandOutcome, StepId, WizardProgress,
};
use scim_core::Problem;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

use super::channel_sink;
use crate::app::state::AppState;

/// Members of one group provisioned with it at most; Entra takes 5 per call, the engine
/// splits them, and more than this is a job for the provisioning cycle, not on demand.
const MAX_GROUP_MEMBERS: usize = 50;

/// One row of the directory picker.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DirectoryEntry {
    pub id: String,
    pub kind: PrincipalKind,
    pub display_name: String,
    /// The UPN or mail for a user, the mail (or "Security group") for a group.
    pub detail: String,
}

/// Users and groups matching `text`, searched together.
#[tauri::command]
pub async fn directory_search(
    state: State<'_, AppState>,
    operation_id: String,
    text: String,
    top: Option<u32>,
) -> Result<Vec<DirectoryEntry>, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.graph(&op.token).await?;
    let text = text.trim();
    let top = top.unwrap_or(200).clamp(1, 5000);
    let (users, groups) = tokio::join!(
        graph.search_users(text, top, &op.token),
        graph.search_groups(text, top, &op.token)
    );
    let mut entries: Vec<DirectoryEntry> = users?
        .into_iter()
        .map(|u| DirectoryEntry {
            display_name: u
                .display_name
                .clone()
                .or(u.user_principal_name.clone())
                .unwrap_or_else(|| u.id.clone()),
            detail: u.user_principal_name.or(u.mail).unwrap_or_default(),
            kind: PrincipalKind::User,
            id: u.id,
        })
        .collect();
    entries.extend(groups?.into_iter().map(|g| DirectoryEntry {
        display_name: g.display_name.clone().unwrap_or_else(|| g.id.clone()),
        detail: g.mail.unwrap_or_else(|| "Group".to_string()),
        kind: PrincipalKind::Group,
        id: g.id,
    }));
    Ok(entries)
}

#[tauri::command]
pub async fn list_assigned(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<Vec<AppRoleAssignment>, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.graph(&op.token).await?;
    let sp_id = journal_sp_id(&state.ctx)?;
    graph.list_assignments(&sp_id, &op.token).await
}

#[tauri::command]
pub async fn assign_principals(
    state: State<'_, AppState>,
    operation_id: String,
    principals: Vec<OnDemandSubject>,
) -> Result<Vec<AssignmentOutcome>, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.graph(&op.token).await?;
    let mut outcomes = Vec::new();
    for principal in &principals {
        outcomes
            .push(ensure_assignment(&state.ctx, &graph, &principal.object_id, &op.token).await?);
    }
    state.ctx.journal.mark_done(StepId::Assignment.as_str())?;
    Ok(outcomes)
}

/// Assigns whoever is not assigned yet, then provisions each on demand; a group goes with
/// its user members (up to 50).
#[tauri::command]
pub async fn provision_now(
    state: State<'_, AppState>,
    operation_id: String,
    subjects: Vec<OnDemandSubject>,
    on_progress: Channel<WizardProgress>,
) -> Result<Vec<ProvisionOnDemandOutcome>, Problem> {
    let op = state.operations.begin(&operation_id);
    let cancel = &op.token;
    let graph = state.graph(cancel).await?;
    let sink = channel_sink(on_progress);
    let mut prepared = Vec::with_capacity(subjects.len());
    for mut subject in subjects {
        let assigned = ensure_assignment(&state.ctx, &graph, &subject.object_id, cancel).await?;
        if assigned.created {
            sink.report(WizardProgress::Note {
                step: StepId::Assignment,
                message: format!("Assigned {} to the app", subject.label),
            });
        }
        if subject.kind == PrincipalKind::Group && subject.members.is_empty() {
            let members: Vec<DirectoryMember> = graph
                .group_members(&subject.object_id)
                .collect(MAX_GROUP_MEMBERS * 2, cancel)
                .await?;
            subject.members = members
                .into_iter()
                .filter(DirectoryMember::is_user)
                .take(MAX_GROUP_MEMBERS)
                .map(|m| m.id)
                .collect();
        }
        prepared.push(subject);
    }
    let outcomes = provision_on_demand(&state.ctx, &graph, &prepared, &sink, cancel).await?;
    if outcomes.iter().all(ProvisionOnDemandOutcome::is_good) {
        state
            .ctx
            .journal
            .mark_done(StepId::ProvisionOnDemand.as_str())?;
    }
    Ok(outcomes)
}
