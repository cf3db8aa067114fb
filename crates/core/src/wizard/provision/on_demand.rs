//! Step 4: assignments and provision on demand. Graph allows 5 on-demand calls per 10 s, a group
//! call carries at most 5 members, and one subject per call keeps each verdict tied to one object
//! (<https://learn.microsoft.com/graph/api/synchronization-synchronizationjob-provisionondemand>).
//! Requests wait in a fair queue (round robin across subjects, so a big group does not starve
//! single users) and each result is streamed.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::entra::on_demand::{parse_reply, request_body, OnDemandVerdict};
use crate::entra::{graph_problem, GraphClient};
use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::unity::ScimUsersReader;
use crate::wizard::context::journal_readers::journal_job_id;
use crate::wizard::context::on_demand_outcome::{
    OnDemandSubject, PrincipalKind, ProvisionOnDemandOutcome, Verification,
};
use crate::wizard::context::progress::WizardProgress;
use crate::wizard::context::rate_limit::Limiter;
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::provision::verdicts::explain;
use crate::wizard::provision::verify::{unity_reader, verify_arrival};

/// Members of one group provisioned on demand with it at most; more is a job for the
/// provisioning cycle. Entra takes 5 per group call; the engine queues the rest.
pub const MAX_GROUP_MEMBERS: usize = 50;

/// Reads a user Entra just exported back from Unity and adds the fifth step; deprovisioning
/// actions are not checked (Unity deletes deprovisioned accounts).
async fn check_arrival(
    reader: &Result<ScimUsersReader, String>,
    outcome: &mut ProvisionOnDemandOutcome,
    user_name: &str,
    exported: &[(String, Option<String>)],
    cancel: &CancellationToken,
) {
    let deprovisioned = outcome
        .action
        .as_deref()
        .is_some_and(|a| a.eq_ignore_ascii_case("Disable") || a.eq_ignore_ascii_case("Delete"));
    if outcome.subject.kind != PrincipalKind::User || !outcome.is_good() || deprovisioned {
        return;
    }
    let verification = match reader {
        Ok(reader) => verify_arrival(reader, user_name, exported, cancel).await,
        Err(why) => Verification::unchecked(why.clone()),
    };
    outcome.steps.push(verification.as_step(user_name));
    if verification.missing() {
        outcome.cause = format!(
            "Entra reported {user_name} as provisioned, but Unity has no user with that userName."
        );
        outcome.fix = Some(
            "Look at the SCIM endpoint's answer in the provisioning logs, and run Diagnose on the endpoint.".into(),
        );
    }
    outcome.verification = Some(Box::new(verification));
}

struct Call {
    subject: OnDemandSubject,
    members: Vec<String>,
    attempts: u32,
}

/// Splits subjects into calls and orders them round robin across subjects.
fn fair_queue(subjects: &[OnDemandSubject]) -> VecDeque<Call> {
    let mut per_subject: Vec<VecDeque<Call>> = subjects
        .iter()
        .map(|subject| {
            if subject.kind == PrincipalKind::Group && !subject.members.is_empty() {
                subject
                    .members
                    .chunks(5)
                    .map(|chunk| Call {
                        subject: subject.clone(),
                        members: chunk.to_vec(),
                        attempts: 0,
                    })
                    .collect()
            } else {
                VecDeque::from([Call {
                    subject: subject.clone(),
                    members: Vec::new(),
                    attempts: 0,
                }])
            }
        })
        .collect();
    let mut queue = VecDeque::new();
    while per_subject.iter().any(|q| !q.is_empty()) {
        for subject_calls in per_subject.iter_mut() {
            if let Some(call) = subject_calls.pop_front() {
                queue.push_back(call);
            }
        }
    }
    queue
}

/// The user members of `group` to provision with it: those its `members` name, all of them
/// (paging on until each is found), or without a choice its first [`MAX_GROUP_MEMBERS`];
/// and whether the group has more user members than were taken (only without a choice).
async fn group_users(
    graph: &GraphClient,
    group: &OnDemandSubject,
    cancel: &CancellationToken,
) -> Result<(Vec<crate::entra::types::DirectoryMember>, bool), Problem> {
    let mut pages = graph.group_members(&group.object_id);
    let mut found = Vec::new();
    let wanted = |m: &crate::entra::types::DirectoryMember| {
        group.members.is_empty()
            || group
                .members
                .iter()
                .any(|id| id.eq_ignore_ascii_case(&m.id))
    };
    // Without a choice, one past the cap: enough to know whether any are left over.
    let enough = |found: &Vec<_>| {
        if group.members.is_empty() {
            found.len() > MAX_GROUP_MEMBERS
        } else {
            found.len() >= group.members.len()
        }
    };
    while !enough(&found) {
        let Some(page) = pages.next_page(cancel).await? else {
            break;
        };
        found.extend(
            page.into_iter()
                .filter(crate::entra::types::DirectoryMember::is_user)
                .filter(|m| wanted(m)),
        );
    }
    let more = group.members.is_empty() && found.len() > MAX_GROUP_MEMBERS;
    if more {
        found.truncate(MAX_GROUP_MEMBERS);
    }
    Ok((found, more))
}

/// Turns each chosen group into its user members (each provisioned as a person, with the
/// portal's step timeline and its own change ID) followed by the group itself carrying those
/// members (a group call links at most 5, per Graph's provisionOnDemand page; the queue
/// splits them). A group's `members`,
/// when given, choose which members (all of them: the caller chose); otherwise its first
/// [`MAX_GROUP_MEMBERS`] direct user members are taken, and a note on `progress` says when
/// the group has more (Entra provisions those on its cycles). A user chosen both alone and
/// through a group is provisioned once.
pub async fn expand_groups(
    graph: &GraphClient,
    subjects: &[OnDemandSubject],
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<Vec<OnDemandSubject>, Problem> {
    let mut users: Vec<OnDemandSubject> = Vec::new();
    let mut groups: Vec<OnDemandSubject> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for subject in subjects.iter().filter(|s| s.kind == PrincipalKind::User) {
        if seen.insert(subject.object_id.to_ascii_lowercase()) {
            users.push(subject.clone());
        }
    }
    for subject in subjects.iter().filter(|s| s.kind == PrincipalKind::Group) {
        let (chosen, more) = group_users(graph, subject, cancel).await?;
        if more {
            progress.report(WizardProgress::Note {
                step: StepId::ProvisionOnDemand,
                // The label is Graph's display name: text from outside, so it passes the gate.
                message: crate::gate::block(&format!(
                    "{} has more than {MAX_GROUP_MEMBERS} members: the first {MAX_GROUP_MEMBERS} are provisioned now, one result each; Entra provisions the others on its next cycle (the group is assigned)",
                    subject.label
                )),
            });
        }
        let mut group = subject.clone();
        group.members = chosen.iter().map(|m| m.id.clone()).collect();
        for member in chosen {
            if !seen.insert(member.id.to_ascii_lowercase()) {
                continue;
            }
            users.push(OnDemandSubject {
                label: member
                    .user_principal_name
                    .clone()
                    .or(member.display_name.clone())
                    .unwrap_or_else(|| member.id.clone()),
                object_id: member.id,
                kind: PrincipalKind::User,
                members: Vec::new(),
                member_of: Some(subject.label.clone()),
            });
        }
        groups.push(group);
    }
    users.extend(groups);
    Ok(users)
}

/// A group's calls (one per 5 members) as one result: the first failure, or success saying
/// how many memberships went with it.
fn merge_group_calls(mut calls: Vec<ProvisionOnDemandOutcome>) -> Option<ProvisionOnDemandOutcome> {
    let members: usize = calls.iter().map(|c| c.subject.members.len()).sum();
    if let Some(index) = calls.iter().position(|c| !c.is_good()) {
        return Some(calls.swap_remove(index));
    }
    let mut merged = calls.into_iter().next()?;
    merged.cause = format!(
        "The group {} is in the target with {members} member{} linked.",
        merged.subject.label,
        if members == 1 { "" } else { "s" }
    );
    merged.subject.members = Vec::new();
    Some(merged)
}

/// Provisions each subject on demand, streaming every outcome as it arrives: groups become
/// one result per member, then one for the group (see [`expand_groups`]). A throttled call
/// is retried (up to 4 attempts) after the service's `Retry-After`, before any other call.
pub async fn provision_on_demand(
    ctx: &WizardContext,
    graph: &GraphClient,
    subjects: &[OnDemandSubject],
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<Vec<ProvisionOnDemandOutcome>, Problem> {
    let step = StepId::ProvisionOnDemand;
    let (sp_id, job_id) = journal_job_id(ctx)?;
    let rule_id = match ctx.journal.snapshot().entra.rule_id {
        Some(rule) => rule,
        None => {
            let schema = graph.get_sync_schema(&sp_id, &job_id, cancel).await?;
            let rule = schema.user_rule_id().map(str::to_string).ok_or_else(|| {
                Problem::server(
                    "Reading the job's mapping rules",
                    "The job has no user mapping rule.",
                    "Restore the default attribute mappings of the app, then try again.",
                )
            })?;
            ctx.journal
                .update(|j| j.entra.rule_id = Some(rule.clone()))?;
            rule
        }
    };
    let validated_domains = ctx.journal.snapshot().unity.validated_domains;
    let reader = unity_reader(ctx);
    let subjects = expand_groups(graph, subjects, progress, cancel).await?;
    let mut queue = fair_queue(&subjects);
    let mut group_calls_left: BTreeMap<String, usize> = BTreeMap::new();
    for call in queue
        .iter()
        .filter(|c| c.subject.kind == PrincipalKind::Group)
    {
        *group_calls_left
            .entry(call.subject.object_id.clone())
            .or_insert(0) += 1;
    }
    let mut group_results: BTreeMap<String, Vec<ProvisionOnDemandOutcome>> = BTreeMap::new();
    let total = subjects.len() as u32;
    let mut limiter = Limiter::new(ctx.tuning.on_demand);
    let mut outcomes = Vec::new();
    while let Some(mut call) = queue.pop_front() {
        let wait = limiter.wait_time();
        if !wait.is_zero() {
            progress.report(WizardProgress::Waiting {
                step,
                reason: "Graph allows 5 on-demand requests per 10 seconds".into(),
                seconds: wait.as_secs().max(1),
                left_seconds: None,
            });
            tokio::select! {
                _ = cancel.cancelled() => return Err(Problem::cancelled_while("Provisioning on demand")),
                _ = tokio::time::sleep(wait) => {}
            }
        }
        call.attempts += 1;
        let object_type = match call.subject.kind {
            PrincipalKind::User => "User",
            PrincipalKind::Group => "Group",
        };
        let body = request_body(
            &rule_id,
            &call.subject.object_id,
            object_type,
            &call.members,
        );
        let response = graph
            .provision_on_demand_raw(&sp_id, &job_id, body, cancel)
            .await;
        // Counted when the answer is in, not when the request left: Graph counts a call when
        // it arrives, somewhere in between, so this never lets a sixth call land inside the
        // window Graph sees, whatever the network's delay.
        limiter.started();
        let response = response?;
        if response.status == 429 && call.attempts < 4 {
            let after =
                crate::http::retry_after(&response.headers).unwrap_or(ctx.tuning.on_demand.window);
            limiter.back_off(after.min(Duration::from_secs(60)));
            // Retried first, so a group's members still go before the group that links them.
            queue.push_front(call);
            continue;
        }
        let outcome = if response.is_success() {
            let reply = parse_reply(&response.body);
            let exported = reply.exported.clone();
            let user_name = reply
                .reportable_identifier
                .clone()
                .unwrap_or_else(|| call.subject.label.clone());
            let mut outcome = explain(call.subject.clone(), reply, &validated_domains);
            check_arrival(&reader, &mut outcome, &user_name, &exported, cancel).await;
            outcome
        } else {
            let problem = graph_problem("Provisioning on demand", &response);
            ProvisionOnDemandOutcome {
                subject: call.subject.clone(),
                verdict: OnDemandVerdict::Failure,
                error_code: problem.info().detail.graph_code.clone(),
                error_message: None,
                action: None,
                change_id: None,
                steps: Vec::new(),
                cause: problem.info().cause.clone(),
                fix: Some(problem.info().fix.clone()),
                problem: Some(problem),
                unity_case: None,
                scim_error: None,
                verification: None,
            }
        };
        let mut call_outcome = outcome;
        call_outcome.subject.members = call.members.clone();
        let outcome = if call.subject.kind == PrincipalKind::Group {
            let id = call.subject.object_id.clone();
            group_results
                .entry(id.clone())
                .or_default()
                .push(call_outcome);
            let left = group_calls_left.entry(id.clone()).or_insert(1);
            *left = left.saturating_sub(1);
            if *left > 0 {
                continue;
            }
            match merge_group_calls(group_results.remove(&id).unwrap_or_default()) {
                Some(merged) => merged,
                None => continue,
            }
        } else {
            call_outcome
        };
        outcomes.push(outcome.clone());
        progress.report(WizardProgress::UserProvisioned {
            index: outcomes.len() as u32,
            total,
            outcome: Box::new(outcome),
        });
    }
    Ok(outcomes)
}

/// Counts verdicts for a one-line summary.
pub fn tally(outcomes: &[ProvisionOnDemandOutcome]) -> BTreeMap<String, u32> {
    let mut counts = BTreeMap::new();
    for outcome in outcomes {
        let key = serde_json::to_value(outcome.verdict)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(id: &str, kind: PrincipalKind, members: usize) -> OnDemandSubject {
        OnDemandSubject {
            object_id: id.into(),
            kind,
            label: id.into(),
            members: (0..members).map(|i| format!("{id}-m{i}")).collect(),
            member_of: None,
        }
    }

    #[test]
    fn groups_are_split_into_fives_and_interleaved_fairly() {
        let queue = fair_queue(&[
            subject("g", PrincipalKind::Group, 12),
            subject("u1", PrincipalKind::User, 0),
            subject("u2", PrincipalKind::User, 0),
        ]);
        let order: Vec<(String, usize)> = queue
            .iter()
            .map(|c| (c.subject.object_id.clone(), c.members.len()))
            .collect();
        assert_eq!(
            order,
            vec![
                ("g".into(), 5),
                ("u1".into(), 0),
                ("u2".into(), 0),
                ("g".into(), 5),
                ("g".into(), 2)
            ]
        );
    }
}
