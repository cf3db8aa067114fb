//! Sync cycles of started jobs, time-compressed: each cycle re-runs Test Connection (as Entra
//! does at cycle start), then provisions assigned users not yet provisioned and disables those
//! no longer in scope, writing provisioning logs. Persistent credential or URL failures put the
//! job in Quarantine with `EncounteredQuarantineException`.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::delete;
use super::engine::{self, Verdict};
use super::{groups, report, test_connection, Failure, Target};
use crate::graph::{GraphState, ServicePrincipal};
use crate::state::SharedApp;

/// Users processed per cycle at most (the rest follow in later cycles).
const PER_CYCLE: usize = 100;
/// Marks an entry that failed: not retried until a restart clears escrows.
const ESCROWED: &str = "";

/// The schedule: every `sync_interval` (and whenever the sandbox's clock is moved), runs a
/// cycle of each started job whose next cycle is due by the sandbox's clock, until shutdown.
pub(crate) async fn run_sync_cycles(app: SharedApp) {
    let period = cycle_period(&app);
    let mut ticker = tokio::time::interval(period);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = app.clock.moved.notified() => {}
            _ = app.shutdown.cancelled() => return,
        }
        let now = app.clock.now();
        let due = claim_jobs(&mut app.graph(), |next| next.is_none_or(|t| t <= now));
        run_claimed(&app, due).await;
    }
}

/// Runs the next cycle of every started job now, whatever its schedule, and returns once each
/// has finished: how many ran. A job whose scheduled cycle is under way finishes that one
/// first, so the cycle run here always begins after the call.
pub(crate) async fn run_cycles_now(app: &SharedApp) -> usize {
    loop {
        let claimed = {
            let mut graph = app.graph();
            let busy = graph
                .jobs
                .iter()
                .any(|j| j.schedule_state == "Active" && j.cycle_running);
            (!busy).then(|| claim_jobs(&mut graph, |_| true))
        };
        match claimed {
            Some(claimed) => {
                let ran = claimed.len();
                run_claimed(app, claimed).await;
                return ran;
            }
            // The schedule's cycle is running (a task, not a timer): wait for it briefly.
            None => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

fn cycle_period(app: &SharedApp) -> Duration {
    app.config.sync_interval.max(Duration::from_millis(50))
}

/// Marks each started, idle job whose next cycle time passes `due` as running, and returns
/// it with its service principal.
fn claim_jobs(
    graph: &mut GraphState,
    due: impl Fn(Option<Instant>) -> bool,
) -> Vec<(String, ServicePrincipal)> {
    let sps = graph.service_principals.clone();
    graph
        .jobs
        .iter_mut()
        .filter(|j| j.schedule_state == "Active" && !j.cycle_running && due(j.next_cycle))
        .filter_map(|j| {
            let sp = sps
                .iter()
                .find(|s| s.id.eq_ignore_ascii_case(&j.sp_id))?
                .clone();
            j.cycle_running = true;
            Some((j.id.clone(), sp))
        })
        .collect()
}

/// Runs one cycle of each claimed job, then schedules its next one a period on (unless the
/// cycle itself put it further out, as a quarantine does).
async fn run_claimed(app: &SharedApp, claimed: Vec<(String, ServicePrincipal)>) {
    let period = cycle_period(app);
    for (job_id, sp) in claimed {
        run_cycle(app, &job_id, &sp).await;
        let now = app.clock.now();
        let mut graph = app.graph();
        if let Some(job) = graph.jobs.iter_mut().find(|j| j.id == job_id) {
            job.cycle_running = false;
            if job.next_cycle.is_none_or(|t| t <= now) {
                job.next_cycle = Some(now + period);
            }
        }
    }
}

fn execution(
    state: &str,
    began: &str,
    error: Option<Value>,
    counts: (usize, usize, usize),
) -> Value {
    json!({"activityIdentifier": crate::ids::new_guid(), "countEntitled": counts.0, "countEntitledForProvisioning": counts.0,
        "countEscrowed": counts.2, "countEscrowedRaw": counts.2, "countExported": counts.1, "countExports": counts.1,
        "countImported": counts.0, "countImportedDeltas": counts.0, "countImportedReferenceDeltas": 0, "error": error,
        "state": state, "timeBegan": began, "timeEnded": crate::ids::now_iso()})
}

fn quarantine(app: &SharedApp, job_id: &str, reason: &str, error: Option<Value>) {
    let period = app.config.sync_interval;
    let mut graph = app.graph();
    if let Some(job) = graph.jobs.iter_mut().find(|j| j.id == job_id) {
        let now = crate::ids::now_iso();
        let series_began = job
            .quarantine
            .as_ref()
            .and_then(|q| q["seriesBegan"].as_str().map(str::to_string))
            .unwrap_or_else(|| now.clone());
        let series_count = job
            .quarantine
            .as_ref()
            .and_then(|q| q["seriesCount"].as_i64())
            .unwrap_or(0)
            + 1;
        let next = chrono::Utc::now() + chrono::Duration::hours(6);
        job.quarantine = Some(
            json!({"currentBegan": now, "nextAttempt": next.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "reason": reason, "seriesBegan": series_began, "seriesCount": series_count, "error": error}),
        );
        job.status_code = "Quarantine";
        // Quarantined jobs retry far less often (daily in Entra; compressed here).
        job.next_cycle = Some(app.clock.now() + period * 5);
    }
}

async fn run_cycle(app: &SharedApp, job_id: &str, sp: &ServicePrincipal) {
    let began = crate::ids::now_iso();
    if app.quarantine_fault_active() {
        let error = json!({"code": "QuarantinedOnDemand", "message": "The job was quarantined by the provisioning service.", "tenantActionable": false});
        quarantine(app, job_id, "QuarantinedOnDemand", Some(error));
        return;
    }
    let secrets = app
        .graph()
        .secrets
        .get(&sp.id.to_ascii_lowercase())
        .cloned()
        .unwrap_or_default();
    let get = |k: &str| {
        secrets
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let target = Target::parse(&get("BaseAddress"), &get("SecretToken"));
    let tested = match &target {
        Ok(t) => test_connection(app, t).await,
        Err(f) => Err(f.clone()),
    };
    let target = match (tested, target) {
        (Ok(()), Ok(t)) => t,
        (Err(failure), _) | (Ok(()), Err(failure)) => {
            return cycle_failed(app, job_id, &began, &failure)
        }
    };
    let sync_all = get("SyncAll").eq_ignore_ascii_case("true");
    let purged = app.graph().purged.clone();
    let (in_scope, previously): (Vec<crate::seed::DirUser>, Vec<(String, String)>) = {
        let graph = app.graph();
        let Some(job) = graph.jobs.iter().find(|j| j.id == job_id) else {
            return;
        };
        let mut seen = HashSet::new();
        let mut users = Vec::new();
        for a in graph
            .assignments
            .iter()
            .filter(|a| a.resource_id.eq_ignore_ascii_case(&sp.id))
        {
            if let Some(u) = app.dir.user_by_id(&a.principal_id) {
                if seen.insert(u.index) {
                    users.push(u);
                }
            } else if let Some(g) = app.dir.group_index(&a.principal_id) {
                let (members, _) = app.dir.group_members(g, 0, 1000);
                users.extend(
                    members
                        .into_iter()
                        .filter(|m| seen.insert(*m))
                        .filter_map(|m| app.dir.user(m)),
                );
            }
        }
        if sync_all {
            // UNCONFIRMED semantics of SyncAll=true ("all users"); bounded here to keep cycles short.
            users.extend(
                (0..app.dir.total().min(500))
                    .filter(|i| seen.insert(*i))
                    .filter_map(|i| app.dir.user(i)),
            );
        }
        (
            users,
            job.provisioned
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    };
    let in_scope: Vec<crate::seed::DirUser> = in_scope
        .into_iter()
        .filter(|u| !purged.contains(&u.index))
        .collect();
    let scoped: HashSet<String> = in_scope.iter().map(|u| u.id.clone()).collect();
    let mut work: Vec<(crate::seed::DirUser, bool)> = in_scope
        .into_iter()
        .filter(|u| !previously.iter().any(|(id, _)| id == &u.id))
        .map(|u| (u, true))
        .collect();
    work.extend(
        previously
            .iter()
            .filter(|(id, scim)| !scoped.contains(id) && scim != ESCROWED)
            .filter_map(|(id, _)| app.dir.user_by_id(id))
            .map(|u| (u, false)),
    );
    // Hard-deleted in Entra: DELETE in the target (not a disable).
    let mut deletes: Vec<(crate::seed::DirUser, String)> = previously
        .iter()
        .filter(|(_, scim)| scim != ESCROWED)
        .filter_map(|(id, scim)| {
            app.dir
                .user_by_id(id)
                .filter(|u| purged.contains(&u.index))
                .map(|u| (u, scim.clone()))
        })
        .collect();
    work.retain(|(u, _)| !purged.contains(&u.index));
    let staged = hold_back_deletions(app, job_id, &get, &previously, &mut work, &mut deletes);
    work.truncate(PER_CYCLE);
    let cycle_id = crate::ids::new_guid();
    let (mut exported, mut escrowed) = (0usize, 0usize);
    let mut results = Vec::new();
    for (user, scope) in &work {
        let out = engine::provision_user(app, &target, user, *scope, target.compliant).await;
        match out.verdict {
            Verdict::Failure => escrowed += 1,
            Verdict::Success => exported += 1,
            Verdict::Skipped => {}
        }
        results.push(out);
    }
    let mut deleted = Vec::new();
    for (user, scim_id) in &deletes {
        let out = delete::delete_user(app, &target, user, scim_id).await;
        match out.verdict {
            Verdict::Failure => escrowed += 1,
            _ => exported += 1,
        }
        deleted.push(out);
    }
    {
        let mut guard = app.graph();
        let graph = &mut *guard;
        for out in &results {
            if out.verdict != Verdict::Skipped
                || out.error.as_ref().is_some_and(|e| e.0 != "RedundantExport")
            {
                // A user skipped again for the same reason is not logged again: one entry
                // says it, instead of a new one every cycle pushing the rest out of view.
                if let Some(job) = graph.jobs.iter_mut().find(|j| j.id == job_id) {
                    if out.verdict == Verdict::Skipped {
                        let code = out.error.as_ref().map(|e| e.0.clone()).unwrap_or_default();
                        if job.skips_logged.get(&out.user.id) == Some(&code) {
                            continue;
                        }
                        job.skips_logged.insert(out.user.id.clone(), code);
                    } else {
                        job.skips_logged.remove(&out.user.id);
                    }
                }
                graph
                    .audit
                    .push(report::log_entry(out, sp, job_id, &cycle_id, None));
            }
        }
        for out in deleted.iter().chain(&staged) {
            graph
                .audit
                .push(report::log_entry(out, sp, job_id, &cycle_id, None));
        }
        let Some(job) = graph.jobs.iter_mut().find(|j| j.id == job_id) else {
            return;
        };
        for out in &deleted {
            if out.verdict == Verdict::Failure {
                job.provisioned.insert(out.user.id.clone(), ESCROWED.into());
            } else {
                job.provisioned.remove(&out.user.id);
            }
        }
        for (out, (user, scope)) in results.iter().zip(&work) {
            match (out.verdict, scope) {
                (Verdict::Failure, _) => {
                    job.provisioned.insert(user.id.clone(), ESCROWED.into());
                }
                (_, false) => {
                    job.provisioned.remove(&user.id);
                }
                (_, true) => {
                    if let Some(t) = &out.target_id {
                        job.provisioned.insert(user.id.clone(), t.clone());
                    }
                }
            }
        }
    }
    let newly: Vec<String> = results
        .iter()
        .filter(|o| o.verdict == Verdict::Success)
        .map(|o| o.user.id.clone())
        .collect();
    escrowed += provision_groups(app, &target, sp, job_id, &newly).await;
    finish_cycle(app, job_id, &began, (scoped.len(), exported, escrowed));
    if !staged.is_empty() {
        let error = json!({"code": "TooManyDeletes", "message": format!("The cycle would delete {} users, more than the accidental deletions threshold allows; the deletions were held back.", staged.len()), "tenantActionable": true});
        quarantine(app, job_id, "TooManyDeletes", Some(error));
    }
}

/// Reads the job's safeguards from its secrets: users leaving scope are dropped from the
/// work when `SkipOutOfScopeDeletions` is True; then, unless a `ForceDeletes` restart released
/// them, more deletions (disables included) than `SyncNotificationSettings`' threshold are
/// all held back and returned as `stagedDelete` outcomes.
fn hold_back_deletions(
    app: &SharedApp,
    job_id: &str,
    secret: &dyn Fn(&str) -> String,
    previously: &[(String, String)],
    work: &mut Vec<(crate::seed::DirUser, bool)>,
    deletes: &mut Vec<(crate::seed::DirUser, String)>,
) -> Vec<super::engine::Outcome> {
    let skip = secret("SkipOutOfScopeDeletions")
        .trim()
        .eq_ignore_ascii_case("true");
    let settings: Value =
        serde_json::from_str(&secret("SyncNotificationSettings")).unwrap_or(Value::Null);
    let threshold = (settings["DeleteThresholdEnabled"].as_bool() == Some(true))
        .then(|| {
            settings["DeleteThresholdValue"].as_u64().or_else(|| {
                settings["DeleteThresholdValue"]
                    .as_str()
                    .and_then(|v| v.parse().ok())
            })
        })
        .flatten();
    let mut graph = app.graph();
    let Some(job) = graph.jobs.iter_mut().find(|j| j.id == job_id) else {
        return Vec::new();
    };
    if skip {
        // They keep their target account and leave the job's care.
        for (user, _) in work.iter().filter(|(_, in_scope)| !in_scope) {
            job.provisioned.remove(&user.id);
        }
        work.retain(|(_, in_scope)| *in_scope);
    }
    let removals = work.iter().filter(|(_, in_scope)| !in_scope).count() + deletes.len();
    let force = std::mem::take(&mut job.force_deletes);
    match threshold {
        Some(limit) if removals as u64 > limit && !force => {
            let scim_of = |id: &str| {
                previously
                    .iter()
                    .find(|(k, _)| k == id)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            let mut staged: Vec<_> = work
                .iter()
                .filter(|(_, in_scope)| !in_scope)
                .map(|(u, _)| delete::staged_delete(u, &scim_of(&u.id), removals, limit))
                .collect();
            staged.extend(
                deletes
                    .iter()
                    .map(|(u, scim)| delete::staged_delete(u, scim, removals, limit)),
            );
            work.retain(|(_, in_scope)| *in_scope);
            deletes.clear();
            staged
        }
        _ => Vec::new(),
    }
}

fn finish_cycle(app: &SharedApp, job_id: &str, began: &str, counts: (usize, usize, usize)) {
    let (scoped, exported, escrowed) = counts;
    let mut graph = app.graph();
    let Some(job) = graph.jobs.iter_mut().find(|j| j.id == job_id) else {
        return;
    };
    let state = if escrowed > 0 {
        "EntryLevelErrors"
    } else {
        "Succeeded"
    };
    let exec = execution(state, began, None, (scoped, exported, escrowed));
    job.last_execution = Some(exec.clone());
    job.last_successful_execution = Some(exec.clone());
    if exported > 0 {
        job.last_successful_with_exports = Some(exec);
    }
    job.successive_failures = 0;
    job.quarantine = None;
    if job.schedule_state == "Active" {
        job.status_code = "Active";
    }
    let now = crate::ids::now_iso();
    if job.steady_first.is_none() {
        job.steady_first = Some(now.clone());
    }
    job.steady_last = Some(now);
}

fn cycle_failed(app: &SharedApp, job_id: &str, began: &str, failure: &Failure) {
    let error =
        json!({"code": failure.code, "message": failure.message(), "tenantActionable": true});
    let successive = {
        let mut graph = app.graph();
        let Some(job) = graph.jobs.iter_mut().find(|j| j.id == job_id) else {
            return;
        };
        job.successive_failures += 1;
        job.last_execution = Some(execution("Failed", began, Some(error.clone()), (0, 0, 0)));
        job.successive_failures
    };
    // Persistent 401/403/404 (or a bad URL) quarantines after two cycles, anything else after four.
    if (failure.quarantines() && successive >= 2) || successive >= 4 {
        quarantine(app, job_id, "EncounteredQuarantineException", Some(error));
    }
}

/// Pushes each assigned group (and its provisioned members) when it is new to the job or
/// gained members this cycle. Returns how many groups failed (escrowed).
async fn provision_groups(
    app: &SharedApp,
    target: &Target,
    sp: &ServicePrincipal,
    job_id: &str,
    newly: &[String],
) -> usize {
    let work: Vec<(usize, String, Vec<String>)> = {
        let graph = app.graph();
        let Some(job) = graph.jobs.iter().find(|j| j.id == job_id) else {
            return 0;
        };
        graph
            .assignments
            .iter()
            .filter(|a| a.resource_id.eq_ignore_ascii_case(&sp.id) && a.principal_type == "Group")
            .filter_map(|a| {
                app.dir
                    .group_index(&a.principal_id)
                    .map(|g| (g, a.principal_id.clone()))
            })
            .filter_map(|(g, gid)| {
                let members: Vec<(String, String)> = job
                    .provisioned
                    .iter()
                    .filter(|(uid, scim)| {
                        scim.as_str() != ESCROWED
                            && app
                                .dir
                                .user_by_id(uid)
                                .is_some_and(|u| app.dir.is_member(g, u.index))
                    })
                    .map(|(uid, scim)| (uid.clone(), scim.clone()))
                    .collect();
                let fresh = !job.provisioned.contains_key(&gid);
                let grew = members.iter().any(|(uid, _)| newly.contains(uid));
                (fresh || grew)
                    .then(|| (g, gid, members.into_iter().map(|(_, scim)| scim).collect()))
            })
            .collect()
    };
    let mut failed = 0;
    for (g, gid, members) in work {
        match groups::ensure_group(
            app,
            target,
            crate::seed::GROUPS[g],
            &gid,
            &members,
            target.compliant,
        )
        .await
        {
            Ok(scim_id) => {
                if let Some(job) = app.graph().jobs.iter_mut().find(|j| j.id == job_id) {
                    job.provisioned.insert(gid, scim_id);
                }
            }
            Err(_) => failed += 1,
        }
    }
    failed
}
