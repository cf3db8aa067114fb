//! Provisioning on demand of 200 users with the sandbox enforcing Graph's limit (5 calls per
//! 10 s): once one user per call, once in the group form (one assigned group, up to 5 members
//! per call). Wall time against the bound (users ÷ the limit's throughput), and every user
//! counted in Unity's SCIM state afterwards: none lost, none twice.
//! `SCIM_SETUP_BENCH_QUICK=1` shrinks the window to 1 s, to try the bench in seconds.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use scim_core::entra::GraphClient;
use scim_core::wizard::provision::on_demand::tally;
use scim_core::wizard::{
    accept_pasted_credentials, ensure_assignment, ensure_enterprise_app, ensure_provisioning_job,
    provision_on_demand, save_credentials, OnDemandSubject, PrincipalKind, RateLimit,
    WizardContext, WizardTuning,
};
use scim_sandbox::SandboxConfig;
use serde_json::Value;

use crate::engine_support::{self, Env};
use crate::figures::{record, BenchResult};

/// Users provisioned per form; groups `0..8` of the seed each hold every eighth user, so
/// 8 × 200 users give groups of exactly 200. "Unity Developers" and "Engineering" hold only
/// even-numbered users: all enabled and in the validated domain, so Entra skips none of them.
const USERS: usize = 200;
const CALLS_PER_WINDOW: u32 = 5;
const MEMBERS_PER_CALL: usize = 5;

pub async fn on_demand_at_graphs_limit() -> BenchResult {
    let window = if std::env::var_os("SCIM_SETUP_BENCH_QUICK").is_some() {
        Duration::from_secs(1)
    } else {
        Duration::from_secs(10)
    };
    println!(
        "\n== provision on demand, {USERS} users, {CALLS_PER_WINDOW} calls per {} s",
        window.as_secs()
    );
    let mut env = engine_support::start_with(SandboxConfig {
        users: USERS * 8,
        rate_limit: (CALLS_PER_WINDOW, window),
        ..engine_support::config()
    })
    .await;
    let limit = RateLimit {
        calls: CALLS_PER_WINDOW,
        window,
    };
    env.ctx = WizardContext::with_config(
        env.profile.clone(),
        env.dir.path(),
        env.secrets.clone(),
        engine_support::fast_http(),
        WizardTuning {
            on_demand: limit,
            ..engine_support::fast_tuning()
        },
    )?;
    let graph = env.graph().await;
    accept_pasted_credentials(
        &env.ctx,
        &env.fact("scimBaseUrl"),
        &env.fact("scimBearerToken"),
        &env.cancel,
    )
    .await?;
    ensure_enterprise_app(&env.ctx, &graph, "Unity", false, &env.progress, &env.cancel).await?;
    ensure_provisioning_job(&env.ctx, &graph, &env.progress, &env.cancel).await?;
    save_credentials(&env.ctx, &graph, &env.cancel).await?;

    let (_, developer_members) = group_with_members(&env, &graph, "Unity Developers").await?;
    let (engineering, engineering_members) =
        group_with_members(&env, &graph, "Engineering").await?;
    let per_second = f64::from(CALLS_PER_WINDOW) / window.as_secs_f64();

    // One user per call: each assigned directly first.
    let mut subjects = Vec::new();
    for (id, upn) in developer_members.iter().take(USERS) {
        ensure_assignment(&env.ctx, &graph, id, &env.cancel).await?;
        subjects.push(OnDemandSubject {
            object_id: id.clone(),
            kind: PrincipalKind::User,
            label: upn.clone(),
            members: Vec::new(),
            member_of: None,
        });
    }
    let calls = subjects.len();
    let started = Instant::now();
    let outcomes =
        provision_on_demand(&env.ctx, &graph, &subjects, &env.progress, &env.cancel).await?;
    let wall = started.elapsed();
    let upns: Vec<&String> = developer_members
        .iter()
        .take(USERS)
        .map(|(_, upn)| upn)
        .collect();
    report(
        &env,
        "per-user",
        &upns,
        calls,
        wall,
        subjects.len() as f64 / per_second,
        &tally(&outcomes),
    )
    .await?;

    // The group form: the group assigned, each member provisioned as a person (one call each,
    // for their own steps and change ID), then the group with its members five to a call.
    ensure_assignment(&env.ctx, &graph, &engineering, &env.cancel).await?;
    let members: Vec<(String, String)> = engineering_members.into_iter().take(USERS).collect();
    let subject = OnDemandSubject {
        object_id: engineering.clone(),
        kind: PrincipalKind::Group,
        label: "Engineering".into(),
        members: members.iter().map(|(id, _)| id.clone()).collect(),
        member_of: None,
    };
    let calls = members.len() + members.len().div_ceil(MEMBERS_PER_CALL);
    let started = Instant::now();
    let outcomes =
        provision_on_demand(&env.ctx, &graph, &[subject], &env.progress, &env.cancel).await?;
    let wall = started.elapsed();
    let upns: Vec<&String> = members.iter().map(|(_, upn)| upn).collect();
    report(
        &env,
        "group",
        &upns,
        calls,
        wall,
        calls as f64 / per_second,
        &tally(&outcomes),
    )
    .await?;
    env.shutdown().await;
    Ok(())
}

/// The group's id and its user members (id, UPN), found by display name.
async fn group_with_members(
    env: &Env,
    graph: &GraphClient,
    name: &str,
) -> Result<(String, Vec<(String, String)>), Box<dyn std::error::Error>> {
    let group = graph
        .search_groups(name, 10, &env.cancel)
        .await?
        .into_iter()
        .find(|g| g.display_name.as_deref() == Some(name))
        .ok_or_else(|| format!("the sandbox has no group {name}"))?;
    let mut members = Vec::new();
    let mut pager = graph.group_members(&group.id);
    while let Some(page) = pager.next_page(&env.cancel).await? {
        members.extend(
            page.into_iter()
                .filter(|m| m.is_user())
                .filter_map(|m| Some((m.id, m.user_principal_name?))),
        );
    }
    Ok((group.id, members))
}

/// Prints and records one form's figures, after counting each user in Unity's SCIM state.
async fn report(
    env: &Env,
    form: &str,
    upns: &[&String],
    calls: usize,
    wall: Duration,
    bound_secs: f64,
    verdicts: &BTreeMap<String, u32>,
) -> BenchResult {
    let in_unity = scim_user_names(env).await?;
    let mut once = 0;
    let mut missing = Vec::new();
    let mut twice = Vec::new();
    for upn in upns {
        match in_unity.get(&upn.to_lowercase()).copied().unwrap_or(0) {
            0 => missing.push(upn.as_str()),
            1 => once += 1,
            _ => twice.push(upn.as_str()),
        }
    }
    let secs = wall.as_secs_f64();
    println!(
        "{form}: {} users in {calls} calls, {secs:.1} s against a bound of {bound_secs:.1} s (throughput {:.2} of the bound); verdicts {verdicts:?}",
        upns.len(),
        bound_secs / secs.max(f64::EPSILON)
    );
    println!(
        "  in Unity: {once} once, {} missing, {} twice{}",
        missing.len(),
        twice.len(),
        missing
            .first()
            .map(|upn| format!(" (first missing: {upn})"))
            .unwrap_or_default()
    );
    let note = format!(
        "{} users, {calls} calls; verdicts {verdicts:?}; in Unity {once} once, {} missing, {} twice",
        upns.len(),
        missing.len(),
        twice.len()
    );
    record(&format!("provision.{form}.wall"), "s", &[secs], Some(&note))?;
    record(&format!("provision.{form}.bound"), "s", &[bound_secs], None)?;
    // Users missing from Unity or made twice: a throughput that loses people is no throughput.
    let lost = (missing.len() + twice.len()) as f64;
    record(
        &format!("provision.{form}.lost"),
        "users",
        &[lost],
        Some(&note),
    )?;
    Ok(())
}

/// Every userName in Unity's SCIM state (lower case) with how often it occurs.
async fn scim_user_names(env: &Env) -> Result<BTreeMap<String, u32>, Box<dyn std::error::Error>> {
    let base = env.fact("scimBaseUrl");
    let token = env.fact("scimBearerToken");
    let client = reqwest::Client::new();
    let mut names = BTreeMap::new();
    let mut start = 1u64;
    loop {
        let page: Value = client
            .get(format!("{base}/Users"))
            .query(&[("startIndex", start.to_string()), ("count", "100".into())])
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let resources = page["Resources"].as_array().cloned().unwrap_or_default();
        for user in &resources {
            if let Some(name) = user["userName"].as_str() {
                *names.entry(name.to_lowercase()).or_insert(0) += 1;
            }
        }
        let total = page["totalResults"].as_u64().unwrap_or(0);
        start += resources.len() as u64;
        if resources.is_empty() || start > total {
            return Ok(names);
        }
    }
}
