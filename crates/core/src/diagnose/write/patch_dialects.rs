//! PATCH in both of Entra's dialects, each read back: the legacy one Entra sends by default
//! (capitalised ops, `active` as the string "False") and the RFC-compliant one it sends when the
//! Tenant URL carries `?aadOptscim062020`. Judged in pairs: legacy rejected while compliant
//! works is the row "add ?aadOptscim062020".

use std::time::Instant;

use reqwest::Method;
use serde_json::{json, Value};

use super::kit::{is_success, patch_body, DialectsWork, WriteRun};
use crate::diagnose::calls::exchange::{common_failure, refusal, status_and_words, Exchange};
use crate::diagnose::output::explain::FailureKind;
use crate::diagnose::output::report::{Check, CheckResult, Evidence};

pub const PATCH_LEGACY: Check = Check {
    id: "write-patch-legacy",
    title: "PATCH in Entra's legacy dialect (\"Replace\") is applied",
};
pub const PATCH_COMPLIANT: Check = Check {
    id: "write-patch-compliant",
    title: "PATCH in the aadOptscim062020 dialect is applied",
};
pub const DISABLE_LEGACY: Check = Check {
    id: "write-disable-legacy",
    title: "Disable with active \"False\" (legacy)",
};
pub const ENABLE_LEGACY: Check = Check {
    id: "write-enable-legacy",
    title: "Enable with active \"True\" (legacy)",
};
pub const DISABLE_COMPLIANT: Check = Check {
    id: "write-disable-compliant",
    title: "Disable with active false (aadOptscim062020)",
};
pub const ENABLE_COMPLIANT: Check = Check {
    id: "write-enable-compliant",
    title: "Enable with active true (aadOptscim062020)",
};

pub(crate) const PATCH_CHECKS: [Check; 6] = [
    PATCH_LEGACY,
    PATCH_COMPLIANT,
    DISABLE_LEGACY,
    ENABLE_LEGACY,
    DISABLE_COMPLIANT,
    ENABLE_COMPLIANT,
];

enum Effect {
    Yes,
    Rejected(String),
    NotApplied(String),
    Hidden,
    Broken(FailureKind, String),
}

struct Step {
    applied: Effect,
    evidence: Vec<Evidence>,
}

async fn patch_and_read(
    run: &WriteRun<'_>,
    user_id: &str,
    operations: Value,
    expect: impl Fn(&Value) -> bool,
) -> Step {
    let path = format!("Users/{user_id}");
    let patched = run
        .call(Method::PATCH, &path, Some(&patch_body(operations)))
        .await;
    let mut evidence = vec![patched.evidence.clone()];
    if !is_success(&patched) {
        let applied = match (patched.status, common_failure(&patched, run.probe.timeout)) {
            (Some(400..=499), None) => Effect::Rejected(status_detail(&patched)),
            (_, Some((kind, detail))) => Effect::Broken(kind, detail),
            (_, None) => Effect::Rejected(status_and_words(&patched)),
        };
        return Step { applied, evidence };
    }
    let read = run.call(Method::GET, &path, None).await;
    evidence.push(read.evidence.clone());
    let applied = match (read.status, read.json.as_ref()) {
        (Some(200), Some(user)) if expect(user) => Effect::Yes,
        (Some(200), _) => Effect::NotApplied(format!(
            "(PATCH answered {} but reading the user back does not show the change)",
            patched.status.unwrap_or_default()
        )),
        (Some(404), _) => Effect::Hidden,
        _ => match common_failure(&read, run.probe.timeout) {
            Some((kind, detail)) => Effect::Broken(kind, detail),
            None => {
                let (kind, detail) = refusal(&read, run.probe.timeout);
                Effect::Broken(kind, format!("GET after PATCH: {detail}"))
            }
        },
    };
    Step { applied, evidence }
}

fn status_detail(exchange: &Exchange) -> String {
    status_and_words(exchange)
}

fn active_is(expected: bool) -> impl Fn(&Value) -> bool {
    move |user| user.get("active").and_then(Value::as_bool) == Some(expected)
}

fn family_name_is(expected: &'static str) -> impl Fn(&Value) -> bool {
    move |user| user.pointer("/name/familyName").and_then(Value::as_str) == Some(expected)
}

pub(crate) async fn run_patch_pairs(run: &WriteRun<'_>, user_id: &str) -> DialectsWork {
    let started = Instant::now();
    for check in PATCH_CHECKS {
        run.runner.start(check);
    }
    let legacy_patch = patch_and_read(
        run,
        user_id,
        json!([{"op": "Replace", "path": "name.givenName", "value": "Legacy"},
               {"op": "Replace", "path": "name.familyName", "value": "Dialect"}]),
        family_name_is("Dialect"),
    )
    .await;
    let compliant_patch = patch_and_read(
        run,
        user_id,
        json!([{"op": "replace", "value": {"name.givenName": "Compliant", "name.familyName": "Flagged"}},
               {"op": "replace", "path": "emails[type eq \"work\"].value", "value": run.user_name}]),
        family_name_is("Flagged"),
    )
    .await;
    let disable_legacy = patch_and_read(
        run,
        user_id,
        json!([{"op": "Replace", "path": "active", "value": "False"}]),
        active_is(false),
    )
    .await;
    let enable_legacy = patch_and_read(
        run,
        user_id,
        json!([{"op": "Replace", "path": "active", "value": "True"}]),
        active_is(true),
    )
    .await;
    let disable_compliant = patch_and_read(
        run,
        user_id,
        json!([{"op": "replace", "path": "active", "value": false}]),
        active_is(false),
    )
    .await;
    let enable_compliant = patch_and_read(
        run,
        user_id,
        json!([{"op": "replace", "path": "active", "value": true}]),
        active_is(true),
    )
    .await;
    let flag = run.compliance_flag;
    let works = DialectsWork {
        legacy: matches!(enable_legacy.applied, Effect::Yes)
            && matches!(disable_legacy.applied, Effect::Yes),
        compliant: matches!(enable_compliant.applied, Effect::Yes)
            && matches!(disable_compliant.applied, Effect::Yes),
    };
    for (legacy_check, legacy, compliant_check, compliant) in [
        (PATCH_LEGACY, legacy_patch, PATCH_COMPLIANT, compliant_patch),
        (
            DISABLE_LEGACY,
            disable_legacy,
            DISABLE_COMPLIANT,
            disable_compliant,
        ),
        (
            ENABLE_LEGACY,
            enable_legacy,
            ENABLE_COMPLIANT,
            enable_compliant,
        ),
    ] {
        let legacy_ok = matches!(legacy.applied, Effect::Yes);
        let compliant_ok = matches!(compliant.applied, Effect::Yes);
        run.runner.finish(
            judge(legacy_check, legacy, compliant_ok, true, flag),
            started,
        );
        run.runner.finish(
            judge(compliant_check, compliant, legacy_ok, false, flag),
            started,
        );
    }
    works
}

fn judge(check: Check, step: Step, twin_ok: bool, legacy: bool, flag: bool) -> CheckResult {
    let mut result = CheckResult::new(check);
    for evidence in step.evidence {
        result = result.with_evidence(evidence);
    }
    let detail = match step.applied {
        Effect::Yes => return result,
        Effect::Hidden => {
            return result.fail(FailureKind::InactiveUserHidden, "(GET after PATCH: 404)")
        }
        Effect::Broken(kind, detail) => return result.fail(kind, detail),
        Effect::Rejected(detail) | Effect::NotApplied(detail) => detail,
    };
    match (legacy, twin_ok, flag) {
        (true, true, false) => result.fail(FailureKind::LegacyPatchRejected, detail),
        (true, true, true) => result.warn(
            FailureKind::LegacyPatchRejected,
            format!("{detail} Your Tenant URL already has ?aadOptscim062020, so Entra sends the compliant dialect."),
        ),
        (false, true, true) => result.fail(FailureKind::CompliantPatchRejected, detail),
        (false, true, false) => result.warn(
            FailureKind::CompliantPatchRejected,
            format!("{detail} Entra uses this dialect only with ?aadOptscim062020, which your Tenant URL does not have."),
        ),
        (_, false, _) => result.fail(FailureKind::WriteMismatch, format!("{detail} Neither PATCH dialect works.")),
    }
}
