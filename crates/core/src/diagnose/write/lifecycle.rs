//! The opt-in checks with side effects, in the order Entra provisions a user: match, create
//! (Entra's exact body), duplicate, read back, match in another case and on externalId, PATCH
//! in both dialects, disable, enable, no-op PATCHes, a second user without an email (work
//! email upsert, manager), groups, delete. Whatever was created is deleted at the end, after a
//! failure or a cancel too; if the whole future is dropped, a guard spawns the deletes.

use std::sync::{Arc, Mutex};

use super::cleanup::{run_cleanup, CleanupGuard, Created, CLEANUP};
use super::entra_updates::{
    check_filter_external_id, check_manager, check_no_op_patches, check_work_email_upsert,
    create_second_user, CREATE_SECOND_USER, FILTER_EXTERNAL_ID, MANAGER, PATCH_NO_OP,
    WORK_EMAIL_UPSERT,
};
use super::groups::{run_group_checks, GROUP_CHECKS};
use super::kit::{entra_create_body, DialectsWork, WriteRun};
use super::patch_dialects::{run_patch_pairs, PATCH_CHECKS};
use super::user::{
    check_duplicate, check_filter_other_case, check_get_user, create_user, delete_user,
    CREATE_USER, DELETE_USER, DUPLICATE_USER, FILTER_OTHER_CASE, GET_DELETED, GET_USER,
};
use crate::diagnose::calls::probe::Probe;
use crate::diagnose::output::report::Check;
use crate::diagnose::runner::Runner;

/// Every write check, in order: the plan the UI shows.
pub(crate) fn write_check_plan() -> Vec<Check> {
    let mut plan = vec![
        CREATE_USER,
        DUPLICATE_USER,
        GET_USER,
        FILTER_OTHER_CASE,
        FILTER_EXTERNAL_ID,
    ];
    plan.extend(PATCH_CHECKS);
    plan.extend([PATCH_NO_OP, CREATE_SECOND_USER, WORK_EMAIL_UPSERT, MANAGER]);
    plan.extend(GROUP_CHECKS);
    plan.extend([DELETE_USER, GET_DELETED, CLEANUP]);
    plan
}

/// Runs the write checks; `domain` is one the organization accepts.
pub(crate) async fn run_write_checks(
    probe: Arc<Probe>,
    runner: &Runner<'_>,
    domain: &str,
    compliance_flag: bool,
    groups_offered: bool,
) {
    let created = Arc::new(Mutex::new(Created::default()));
    let guard = CleanupGuard {
        probe: probe.clone(),
        created: created.clone(),
    };
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..10];
    let run = WriteRun {
        probe: &probe,
        runner,
        created: created.clone(),
        user_name: format!("scim-setup-check-{suffix}@{domain}"),
        second_user_name: format!("scim-setup-check-{suffix}-2@{domain}"),
        compliance_flag,
        groups_offered,
    };
    run_user_lifecycle(&run).await;
    // Cleanup runs whatever happened above, and ignores the cancellation.
    run_cleanup(&probe, runner, &created).await;
    drop(guard);
}

/// The write checks after `after` in plan order, but the cleanup (which always runs): what
/// a phase that stops the lifecycle skips.
fn rest(after: Check) -> Vec<Check> {
    let plan = write_check_plan();
    let at = plan
        .iter()
        .position(|c| *c == after)
        .map_or(plan.len(), |i| i + 1);
    plan[at..]
        .iter()
        .copied()
        .filter(|c| *c != CLEANUP)
        .collect()
}

/// The test user's life, phase by phase; a phase that cannot go on skips the rest.
async fn run_user_lifecycle(run: &WriteRun<'_>) {
    let external_id = uuid::Uuid::new_v4().to_string();
    let body = entra_create_body(&run.user_name, &external_id);
    let Some(user_id) = create_user(run, &body).await else {
        run.skip_rest(&rest(CREATE_USER), "the test user could not be created");
        return;
    };
    check_duplicate(run, &body, &user_id).await;
    check_get_user(run, &user_id).await;
    check_filter_other_case(run).await;
    check_filter_external_id(run, &external_id, &user_id).await;
    if stopped_after(run, FILTER_EXTERNAL_ID) {
        return;
    }
    let works = run_patch_pairs(run, &user_id).await;
    check_no_op_patches(run, &user_id, &works).await;
    if stopped_after(run, PATCH_NO_OP) {
        return;
    }
    let second = run_second_user_checks(run, &user_id, &works).await;
    if stopped_after(run, MANAGER) {
        return;
    }
    run_group_checks(run, &user_id, second.as_deref()).await;
    delete_user(run, &user_id).await;
}

/// When the run was cancelled, skips what follows `after` and says so.
fn stopped_after(run: &WriteRun<'_>, after: Check) -> bool {
    let cancelled = run.probe.cancel.is_cancelled();
    if cancelled {
        run.skip_rest(&rest(after), "cancelled");
    }
    cancelled
}

/// A second user created without an email, then the updates Entra makes to such a user.
/// Returns its id when it was created.
async fn run_second_user_checks(
    run: &WriteRun<'_>,
    user_id: &str,
    works: &DialectsWork,
) -> Option<String> {
    let second = create_second_user(run, &run.second_user_name).await;
    match &second {
        Some(second) => {
            check_work_email_upsert(run, second, &run.second_user_name, works).await;
            check_manager(run, user_id, second, works).await;
        }
        None => run.skip_rest(
            &[WORK_EMAIL_UPSERT, MANAGER],
            "the second test user could not be created",
        ),
    }
    second
}
