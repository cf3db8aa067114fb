//! The preview of what Start will do (BENCHMARKS.md, "Preview") with 10,000 assigned users: wall
//! time and the requests it makes, Graph's and Unity's SCIM server's, counted by the sandbox.
//! The preview paces its Unity reads (`UNITY_RATE`, 20 a second), so the floor under its wall
//! time is the moment that pacing lets the last page start; the ratio wall ÷ floor says what
//! the rest (Graph's pages, the classification) adds.

use std::sync::Mutex;
use std::time::Instant;

use scim_core::entra::GraphClient;
use scim_core::progress::ProgressSink;
use scim_core::wizard::preview::preview_provisioning::UNITY_RATE;
use scim_core::wizard::{preview_provisioning, PreviewProgress, PreviewStage, PreviewSummary};
use scim_sandbox::SandboxConfig;
use serde_json::{json, Value};

use crate::engine_support::{self, Env};
use crate::figures::{ms, quantile, record, sorted, BenchResult};

/// Each run reads the whole scope again (10,000 users from Graph, every Unity account at 20
/// pages a second), so it takes seconds and varies little: five give a median and a spread
/// without the bench outlasting the rest of the suite.
const RUNS: usize = 5;
/// Members of the assigned group already in Unity: one in `IN_UNITY_EVERY` of those Entra
/// would provision (enabled, in the validated domain), as after earlier cycles...
const IN_UNITY_EVERY: usize = 2;
/// ...of whom one in `OUTDATED_EVERY` has a display name changed in Entra since.
const OUTDATED_EVERY: usize = 5;
/// Accounts in Unity whose users are assigned no more (members of a group never assigned).
const LEAVERS: usize = 20;

pub async fn ten_thousand_assigned() -> BenchResult {
    println!(
        "\n== preview of 10,000 assigned users ({RUNS} runs, Unity read at {} requests per {} s)",
        UNITY_RATE.calls,
        UNITY_RATE.window.as_secs()
    );
    let env = engine_support::start_with(SandboxConfig {
        users: engine_support::USERS_FOR_TEN_THOUSAND_ARTISTS,
        ..engine_support::config()
    })
    .await;
    let graph = env.graph().await;
    engine_support::setup(
        &env,
        engine_support::api_setup(Vec::new(), Default::default()),
    )
    .await;
    let artists = engine_support::group_id(&graph, &env, "Unity Artists").await;
    engine_support::pause_then_assign_group(&env, &graph, &artists).await;
    let written = write_unity_accounts(&env, &graph, &artists).await?;
    println!("Unity holds {written} accounts before the preview");

    let mut walls = Vec::new();
    let mut graph_requests = Vec::new();
    let mut unity_requests = Vec::new();
    let mut stages: Vec<(PreviewStage, Vec<f64>)> = Vec::new();
    let mut sign_ins = 0;
    let mut last = None;
    for _ in 0..RUNS {
        let before = env.requests();
        let clock = StageClock::default();
        let started = Instant::now();
        let preview = preview_provisioning(&env.ctx, &graph, &clock, &env.cancel).await?;
        walls.push(ms(started.elapsed()));
        for (stage, took) in clock.durations(started, Instant::now()) {
            match stages.iter_mut().find(|(s, _)| *s == stage) {
                Some((_, samples)) => samples.push(took),
                None => stages.push((stage, vec![took])),
            }
        }
        let made = env.requests().since(before);
        graph_requests.push(made.graph as f64);
        unity_requests.push(made.unity_scim as f64);
        sign_ins += made.microsoft_sign_in + made.unity_api;
        last = Some(preview);
    }
    env.shutdown().await;
    let preview = last.ok_or("the preview never ran")?;

    // The limiter lets the first `calls` pages start at once, then one window later each
    // further `calls`: the last of n pages starts at ((n − 1) div calls) windows. Pages read
    // ÷ 20/s would overstate that floor by up to one window.
    let pages = quantile(&sorted(&unity_requests), 0.5);
    let calls = f64::from(UNITY_RATE.calls.max(1));
    let floor_ms = ((pages - 1.0).max(0.0) / calls).floor() * ms(UNITY_RATE.window);
    let walls = sorted(&walls);
    let median = quantile(&walls, 0.5);
    let summary = describe(&preview.summary);
    println!(
        "{} in scope, {} Unity accounts read: {summary}",
        preview.in_scope, preview.unity_accounts
    );
    println!(
        "wall time: median {median:.0} ms, min {:.0} ms, max {:.0} ms",
        walls[0],
        walls[walls.len() - 1]
    );
    println!(
        "requests per run: Graph {}, Unity SCIM {} (sign-in and Unity admin over all runs: {sign_ins})",
        spread(&graph_requests),
        spread(&unity_requests)
    );
    let stage_medians: Vec<String> = stages
        .iter()
        .map(|(stage, samples)| {
            format!(
                "{} {:.0} ms",
                stage_name(*stage),
                quantile(&sorted(samples), 0.5)
            )
        })
        .collect();
    println!("by stage (median): {}", stage_medians.join(", "));
    println!(
        "floor of Unity's pacing: {pages:.0} pages at {} per {} s -> {floor_ms:.0} ms; wall / floor {:.2}",
        UNITY_RATE.calls,
        UNITY_RATE.window.as_secs(),
        median / floor_ms.max(f64::EPSILON)
    );
    let note = format!(
        "{} in scope, {} Unity accounts; {summary}",
        preview.in_scope, preview.unity_accounts
    );
    record("preview.wall", "ms", &walls, Some(&note))?;
    record(
        "preview.bound",
        "ms",
        &[floor_ms],
        Some(&format!(
            "{pages:.0} Unity pages, the first {} at once, then {} per {} s",
            UNITY_RATE.calls,
            UNITY_RATE.calls,
            UNITY_RATE.window.as_secs()
        )),
    )?;
    record("preview.requests.graph", "requests", &graph_requests, None)?;
    record("preview.requests.unity", "requests", &unity_requests, None)?;
    for (stage, samples) in &stages {
        record(
            &format!("preview.stage.{}", stage_name(*stage)),
            "ms",
            samples,
            None,
        )?;
    }
    Ok(())
}

/// When each stage of one preview was first reported. A stage reports after its first page,
/// so a span runs from one stage's first report to the next's: "mappings" holds the mappings,
/// the saved settings, the assignments and the first page of members.
#[derive(Default)]
struct StageClock {
    starts: Mutex<Vec<(PreviewStage, Instant)>>,
}

impl ProgressSink<PreviewProgress> for StageClock {
    fn report(&self, event: PreviewProgress) {
        let mut starts = self.starts.lock().unwrap_or_else(|p| p.into_inner());
        if starts.last().map(|(stage, _)| *stage) != Some(event.stage) {
            starts.push((event.stage, Instant::now()));
        }
    }
}

impl StageClock {
    /// Each stage's time (ms) up to the next one's start, the last one's up to `ended`; the
    /// first stage counts from `started` (the call).
    fn durations(&self, started: Instant, ended: Instant) -> Vec<(PreviewStage, f64)> {
        let starts = self.starts.lock().unwrap_or_else(|p| p.into_inner());
        starts
            .iter()
            .enumerate()
            .map(|(i, (stage, at))| {
                let from = if i == 0 { started } else { *at };
                let to = starts.get(i + 1).map_or(ended, |(_, next)| *next);
                (*stage, ms(to.saturating_duration_since(from)))
            })
            .collect()
    }
}

fn stage_name(stage: PreviewStage) -> &'static str {
    match stage {
        PreviewStage::ReadingMappings => "mappings",
        PreviewStage::ReadingScope => "scope",
        PreviewStage::ReadingUnity => "unity",
        PreviewStage::Classifying => "classify",
        PreviewStage::CheckingRemovals => "removals",
    }
}

/// Writes into Unity what earlier cycles would have left there: every `IN_UNITY_EVERY`th
/// member Entra would provision, as Entra's default mappings write them (every
/// `OUTDATED_EVERY`th of those with an older display name), and `LEAVERS` accounts of people
/// no longer in scope. The group's disabled and fabrikam.com members stay out (Unity refuses
/// the domain; Entra does not create disabled users), so they preview as skips and the
/// members not written as creates. Returns how many accounts Unity holds.
async fn write_unity_accounts(
    env: &Env,
    graph: &GraphClient,
    group: &str,
) -> Result<usize, Box<dyn std::error::Error>> {
    let members = members_as_entra_reads_them(env, graph, group).await?;
    let domain = format!("@{}", env.fact("validatedDomain"));
    let provisionable = members.iter().filter(|user| {
        user["accountEnabled"] != json!(false)
            && user["userPrincipalName"]
                .as_str()
                .is_some_and(|upn| upn.ends_with(&domain))
    });
    for (n, user) in provisionable.step_by(IN_UNITY_EVERY).enumerate() {
        let mut account = as_entra_writes_it(user);
        if n % OUTDATED_EVERY == 0 {
            account["displayName"] = json!("Name Before The Rename");
        }
        engine_support::unity_user(env, account).await;
    }
    let engineering = engine_support::group_id(graph, env, "Engineering").await;
    for upn in engine_support::member_upns(graph, env, &engineering)
        .await
        .into_iter()
        .filter(|upn| upn.ends_with(&domain))
        .take(LEAVERS)
    {
        engine_support::unity_user(env, json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": upn, "active": true})).await;
    }
    Ok(env.state().await["scimUsers"].as_u64().unwrap_or(0) as usize)
}

/// The group's members with the properties the job's mappings read.
async fn members_as_entra_reads_them(
    env: &Env,
    graph: &GraphClient,
    group: &str,
) -> Result<Vec<Value>, Box<dyn std::error::Error>> {
    let path = format!("/groups/{group}/members?$select=id,userPrincipalName,displayName,accountEnabled,mail,jobTitle,givenName,surname,mailNickname,department&$top=999");
    let mut pager = graph.pager::<Value>(&path, false, "Listing the group's members");
    let mut members = Vec::new();
    while let Some(page) = pager.next_page(&env.cancel).await? {
        members.extend(page);
    }
    Ok(members)
}

/// The SCIM user the job's default mappings make of a Graph user.
fn as_entra_writes_it(user: &Value) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "userName": user["userPrincipalName"], "active": true, "displayName": user["displayName"],
        "title": user["jobTitle"], "externalId": user["mailNickname"],
        "emails": [{"primary": true, "type": "work", "value": user["mail"]}],
        "name": {"givenName": user["givenName"], "familyName": user["surname"]},
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": user["department"]}})
}

fn describe(s: &PreviewSummary) -> String {
    format!(
        "{} create, {} update, {} in sync, {} conflict, {} skip, {} remove",
        s.create, s.update, s.in_sync, s.conflict, s.skip, s.remove
    )
}

/// One number when every run made the same requests, else min–max.
fn spread(samples: &[f64]) -> String {
    let samples = sorted(samples);
    match (samples.first(), samples.last()) {
        (Some(low), Some(high)) if low == high => format!("{low:.0}"),
        (Some(low), Some(high)) => format!("{low:.0}–{high:.0}"),
        _ => "–".into(),
    }
}
