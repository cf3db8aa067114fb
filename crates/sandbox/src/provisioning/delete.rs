//! Hard deletes: a user purged in Entra that the job provisioned is deleted in the target.

use serde_json::json;

use super::engine::{finish, step, Action, Outcome, Verdict};
use super::mapping::{export_error, failure_error, TARGET_SYSTEM};
use super::{call, Target};
use crate::seed::DirUser;
use crate::state::SharedApp;

/// A user purged in Entra (hard delete) that this job provisioned: `DELETE /Users/{id}`.
pub(crate) async fn delete_user(
    app: &SharedApp,
    target: &Target,
    user: &DirUser,
    scim_id: &str,
) -> Outcome {
    let clock = std::time::Instant::now();
    let mut out = Outcome {
        user: user.clone(),
        action: Action::Delete,
        verdict: Verdict::Success,
        steps: Vec::new(),
        target_id: Some(scim_id.to_string()),
        error: None,
        modified: Vec::new(),
        started: crate::ids::now_iso(),
        ended: String::new(),
        change_id: crate::ids::new_guid(),
        duration_ms: 0,
    };
    out.steps.push(step(
        "EntryImportDelete",
        "Import",
        Verdict::Success,
        format!(
            "Received User '{}' change of type (Delete) from Azure Active Directory",
            user.upn
        ),
        json!({}),
    ));
    match call(
        app,
        target,
        reqwest::Method::DELETE,
        &format!("/Users/{scim_id}"),
        None,
    )
    .await
    {
        // Already gone in the target is as good as deleted.
        Ok(reply) if reply.status == 204 || reply.status == 200 || reply.status == 404 => {
            out.steps.push(step(
                "EntryExportDelete",
                "Export",
                Verdict::Success,
                format!("User '{}' was deleted in {TARGET_SYSTEM}", user.upn),
                json!({}),
            ));
            finish(out, clock, Verdict::Success, None, "", "")
        }
        Ok(reply) => {
            let e = export_error(reply.status, &reply.text, "delete", &user.upn);
            finish(
                out,
                clock,
                Verdict::Failure,
                Some(e),
                "EntryExportDelete",
                "Export",
            )
        }
        Err(f) => finish(
            out,
            clock,
            Verdict::Failure,
            Some(failure_error(&f)),
            "EntryExportDelete",
            "Export",
        ),
    }
}

/// A deletion (or an out-of-scope disable) held back because the cycle would make more of
/// them than the job's accidental-deletion threshold allows: logged as `stagedDelete`.
pub(crate) fn staged_delete(
    user: &DirUser,
    scim_id: &str,
    count: usize,
    threshold: u64,
) -> Outcome {
    let now = crate::ids::now_iso();
    let reason = format!(
        "The deletion of User '{}' was held back: this cycle would delete {count} users, more than the accidental deletions threshold of {threshold}.",
        user.upn
    );
    Outcome {
        user: user.clone(),
        action: Action::StagedDelete,
        verdict: Verdict::Skipped,
        steps: vec![
            step(
                "EntryImportDelete",
                "Import",
                Verdict::Success,
                format!(
                    "Received User '{}' change of type (Delete) from Azure Active Directory",
                    user.upn
                ),
                json!({}),
            ),
            step(
                "EntryExportDelete",
                "Export",
                Verdict::Skipped,
                reason.clone(),
                json!({"SkipReason": "AccidentalDeletionThresholdExceeded"}),
            ),
        ],
        target_id: Some(scim_id.to_string()),
        error: Some(("AccidentalDeletionThresholdExceeded".into(), reason)),
        modified: Vec::new(),
        started: now.clone(),
        ended: now,
        change_id: crate::ids::new_guid(),
        duration_ms: 0,
    }
}
