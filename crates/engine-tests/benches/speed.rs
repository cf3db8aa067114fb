//! Speed, measured: prints figures (and ratios against a baseline where one exists) for the
//! things a person waits on. Run with `cargo bench -p scim-setup-engine-tests`; no test
//! asserts a timing, so a slow machine makes slow numbers, not red builds.

use std::time::{Duration, Instant};

use scim_core::progress::NoProgress;
use scim_core::scim::diagnose::{diagnose, DiagnoseRequest};
use scim_core::Secret;
use scim_sandbox::{start, SandboxConfig};
use tokio_util::sync::CancellationToken;

type BenchResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> BenchResult {
    println!(
        "scim-setup speed ({} cores)",
        std::thread::available_parallelism()?.get()
    );
    sandbox_start().await?;
    diagnose_read_only().await?;
    scim_filter_lookup().await?;
    Ok(())
}

/// How long the simulated clouds take to seed and listen, by directory size.
async fn sandbox_start() -> BenchResult {
    println!("\n== sandbox start (seed + listen)");
    let mut baseline = None;
    for users in [200usize, 100_000, 1_000_000] {
        let started = Instant::now();
        let sandbox = start(SandboxConfig {
            users,
            ..Default::default()
        })
        .await?;
        let elapsed = started.elapsed();
        sandbox.shutdown().await;
        let base = *baseline.get_or_insert(elapsed);
        println!(
            "{users:>9} users: {:>8.1} ms  ({:.1}x the 200-user start)",
            ms(elapsed),
            ratio(elapsed, base)
        );
    }
    Ok(())
}

/// The read-only diagnosis on loopback, and how much running independent checks
/// concurrently saves against calling them one after another (the sum of their own times).
async fn diagnose_read_only() -> BenchResult {
    println!("\n== diagnose, read-only, loopback sandbox (30 runs)");
    let sandbox = start(SandboxConfig::default()).await?;
    let profile = sandbox.profile();
    let url = text(&profile, "/sandbox/scimBaseUrl")?;
    let token = text(&profile, "/sandbox/scimBearerToken")?;
    let mut walls = Vec::new();
    let mut sums = Vec::new();
    for _ in 0..30 {
        let request = DiagnoseRequest::new(url.clone(), Secret::new(token.clone()));
        let started = Instant::now();
        let report = diagnose(request, &NoProgress, CancellationToken::new()).await;
        walls.push(started.elapsed());
        let called: u64 = report
            .checks
            .iter()
            .flat_map(|check| check.evidence.iter())
            .map(|evidence| u64::from(evidence.elapsed_ms))
            .sum();
        sums.push(Duration::from_millis(called));
    }
    sandbox.shutdown().await;
    walls.sort();
    sums.sort();
    let median_wall = walls[walls.len() / 2];
    let median_sum = sums[sums.len() / 2];
    println!(
        "wall time: median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        ms(median_wall),
        ms(walls[walls.len() * 9 / 10]),
        ms(walls[walls.len() - 1])
    );
    println!(
        "sum of the calls' own times: median {:.1} ms -> concurrency saves {:.1}x",
        ms(median_sum),
        ratio(median_sum, median_wall)
    );
    Ok(())
}

/// Entra's Test Connection query (`userName eq` on a user that does not exist), one at a time.
async fn scim_filter_lookup() -> BenchResult {
    println!("\n== SCIM userName eq lookup, 100 queries");
    let sandbox = start(SandboxConfig::default()).await?;
    let profile = sandbox.profile();
    let url = text(&profile, "/sandbox/scimBaseUrl")?;
    let token = text(&profile, "/sandbox/scimBearerToken")?;
    let client = reqwest::Client::new();
    let mut times = Vec::new();
    for n in 0..100 {
        let started = Instant::now();
        let reply = client
            .get(format!("{url}/Users"))
            .query(&[("filter", format!("userName eq \"nobody{n}@contoso.com\""))])
            .bearer_auth(&token)
            .send()
            .await?;
        let _ = reply.bytes().await?;
        times.push(started.elapsed());
    }
    sandbox.shutdown().await;
    times.sort();
    println!(
        "median {:.2} ms, p90 {:.2} ms",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 9 / 10])
    );
    Ok(())
}

fn text(profile: &serde_json::Value, pointer: &str) -> Result<String, String> {
    profile
        .pointer(pointer)
        .and_then(serde_json::Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| format!("the sandbox profile has no {pointer}"))
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn ratio(numerator: Duration, denominator: Duration) -> f64 {
    numerator.as_secs_f64() / denominator.as_secs_f64().max(f64::EPSILON)
}
