//! The picker's search at 100,000 users: the raw HTTP round trip of Graph's two `$search`
//! queries (users and groups, sent together, as the window's `directory_search` sends them)
//! against the engine's own call. The window adds its rendering on top; `scripts/bench.sh`
//! measures keystroke to rendered rows there and sets these figures beside it.

use std::time::{Duration, Instant};

use scim_core::auth::oauth::sign_in_with_browser;
use scim_core::auth::providers::microsoft_endpoints;
use scim_core::auth::FollowRedirectsLauncher;
use scim_sandbox::SandboxConfig;
use serde_json::Value;

use crate::engine_support;
use crate::figures::{ms, quantile, record, sorted, BenchResult};

/// The number of each query's repetitions.
const RUNS: usize = 30;
/// What the picker asks for per kind (Graph's page maximum).
const TOP: u32 = 999;
/// Searches with few, some and many matches among 100,000 users.
const QUERIES: [&str; 3] = ["adele.vance4", "adele", "a"];

pub async fn search_round_trips() -> BenchResult {
    // `SCIM_SETUP_BENCH_QUICK=1`: a smaller directory, to try the bench in a debug build.
    let users = if std::env::var_os("SCIM_SETUP_BENCH_QUICK").is_some() {
        2_000
    } else {
        100_000
    };
    println!("\n== picker search at {users} users ({RUNS} runs per query, top {TOP})");
    let env = engine_support::start_with(SandboxConfig {
        users,
        ..engine_support::config()
    })
    .await;
    let endpoints = microsoft_endpoints(&env.profile, "organizations");
    let launcher = FollowRedirectsLauncher::new()?;
    let tokens = sign_in_with_browser(
        &env.ctx.http,
        &endpoints,
        &launcher,
        &[],
        Duration::from_secs(10),
        &env.cancel,
    )
    .await?;
    let token = tokens.access_token.expose().to_string();
    let graph = env.graph().await;
    let base = env.profile.graph_base();
    let client = reqwest::Client::new();
    for query in QUERIES {
        let users_url = format!(
            "{base}/users?$search=\"displayName:{query}\" OR \"userPrincipalName:{query}\" OR \"mail:{query}\"&$select=id,displayName,userPrincipalName,mail&$top={TOP}&$count=true"
        );
        let groups_url = format!(
            "{base}/groups?$search=\"displayName:{query}\"&$select=id,displayName,mail,securityEnabled&$top={TOP}&$count=true"
        );
        let mut raw = Vec::new();
        let mut engine = Vec::new();
        let mut matches = 0;
        let mut returned = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            let (users, groups) = tokio::join!(
                get_json(&client, &users_url, &token),
                get_json(&client, &groups_url, &token)
            );
            raw.push(ms(started.elapsed()));
            let (users, groups) = (users?, groups?);
            matches = count(&users) + count(&groups);
            returned = listed(&users) + listed(&groups);

            let started = Instant::now();
            let (users, groups) = tokio::join!(
                graph.search_users(query, TOP, &env.cancel),
                graph.search_groups(query, TOP, &env.cancel)
            );
            engine.push(ms(started.elapsed()));
            users?;
            groups?;
        }
        let (raw, engine) = (sorted(&raw), sorted(&engine));
        println!(
            "\"{query}\": {matches} match, {returned} returned; raw HTTP p50 {:.1} ms p95 {:.1} ms; engine p50 {:.1} ms p95 {:.1} ms",
            quantile(&raw, 0.5),
            quantile(&raw, 0.95),
            quantile(&engine, 0.5),
            quantile(&engine, 0.95)
        );
        let note = format!("\"{query}\": {matches} matches, {returned} returned");
        record(&format!("picker.raw.{query}"), "ms", &raw, Some(&note))?;
        record(
            &format!("picker.engine.{query}"),
            "ms",
            &engine,
            Some(&note),
        )?;
    }
    env.shutdown().await;
    Ok(())
}

async fn get_json(
    client: &reqwest::Client,
    url: &str,
    token: &str,
) -> Result<Value, reqwest::Error> {
    client
        .get(url)
        .bearer_auth(token)
        .header("ConsistencyLevel", "eventual")
        .send()
        .await?
        .error_for_status()?
        .json()
        .await
}

/// Graph's `@odata.count`: how many matched in all.
fn count(page: &Value) -> u64 {
    page["@odata.count"].as_u64().unwrap_or(0)
}

/// How many the first page carries.
fn listed(page: &Value) -> u64 {
    page["value"].as_array().map_or(0, |v| v.len() as u64)
}
