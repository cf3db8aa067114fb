//! Speed, measured: prints figures (and ratios against a baseline where one exists) for the
//! things a person waits on. Run with `cargo bench -p scim-setup-engine-tests`; no test
//! asserts a timing, so a slow machine makes slow numbers, not red builds. `scripts/bench.sh`
//! runs it with `SCIM_SETUP_BENCH_JSON` set and writes the figures into BENCHMARKS.md;
//! `SCIM_SETUP_BENCH_ONLY=sandbox,diagnose,lookup,picker,provision,preview` runs only those.

#[path = "../../tests/it/engine_support.rs"]
mod engine_support;
mod figures;
mod picker;
mod preview;
mod provision;

use std::time::Instant;

use figures::{ms, quantile, ratio, record, sorted, text, wanted, BenchResult};
use scim_core::diagnose::{diagnose, DiagnoseRequest};
use scim_core::progress::NoProgress;
use scim_core::Secret;
use scim_sandbox::{start, SandboxConfig};
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> BenchResult {
    println!(
        "scim-setup speed ({} cores)",
        std::thread::available_parallelism()?.get()
    );
    if wanted("sandbox") {
        sandbox_start().await?;
    }
    if wanted("diagnose") {
        diagnose_read_only(None).await?;
        diagnose_read_only(Some(20)).await?;
    }
    if wanted("lookup") {
        scim_filter_lookup().await?;
    }
    if wanted("picker") {
        picker::search_round_trips().await?;
    }
    if wanted("provision") {
        provision::on_demand_at_graphs_limit().await?;
    }
    if wanted("preview") {
        preview::ten_thousand_assigned().await?;
    }
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
        record(
            &format!("sandbox.start.{users}"),
            "ms",
            &[ms(elapsed)],
            None,
        )?;
    }
    Ok(())
}

/// The read-only diagnosis against the sandbox, on bare loopback or with `latency_ms` added to
/// every SCIM request (a `latency` fault), and how much running independent checks
/// concurrently saves against calling them one after another (the sum of their own times).
async fn diagnose_read_only(latency_ms: Option<u32>) -> BenchResult {
    let runs = if latency_ms.is_some() { 10 } else { 30 };
    let faults = latency_ms
        .map(|ms| vec![format!("latency:{ms}@/scim/v2/*")])
        .unwrap_or_default();
    let place = latency_ms.map_or("loopback".to_string(), |ms| format!("{ms} ms per request"));
    println!("\n== diagnose, read-only, sandbox at {place} ({runs} runs)");
    let sandbox = start(SandboxConfig {
        faults,
        ..Default::default()
    })
    .await?;
    let profile = sandbox.profile();
    let url = text(&profile, "/sandbox/scimBaseUrl")?;
    let token = text(&profile, "/sandbox/scimBearerToken")?;
    let mut walls = Vec::new();
    let mut sums = Vec::new();
    let mut requests = 0;
    for _ in 0..runs {
        let request = DiagnoseRequest::new(url.clone(), Secret::new(token.clone()));
        let started = Instant::now();
        let report = diagnose(request, &NoProgress, CancellationToken::new()).await;
        walls.push(ms(started.elapsed()));
        let evidence: Vec<_> = report
            .checks
            .iter()
            .flat_map(|check| check.evidence.iter())
            .collect();
        requests = evidence.len();
        sums.push(
            evidence
                .iter()
                .map(|evidence| f64::from(evidence.elapsed_ms))
                .sum(),
        );
    }
    sandbox.shutdown().await;
    let (walls, sums) = (sorted(&walls), sorted(&sums));
    let (median_wall, median_sum) = (quantile(&walls, 0.5), quantile(&sums, 0.5));
    println!(
        "wall time: median {median_wall:.1} ms, p90 {:.1} ms, max {:.1} ms ({requests} requests)",
        quantile(&walls, 0.9),
        walls[walls.len() - 1]
    );
    println!(
        "sum of the requests' own times: median {median_sum:.1} ms -> wall/sum {:.2} (concurrency saves {:.1}x)",
        median_wall / median_sum.max(f64::EPSILON),
        median_sum / median_wall.max(f64::EPSILON)
    );
    let key = latency_ms.map_or("diagnose.loopback".to_string(), |ms| {
        format!("diagnose.latency{ms}")
    });
    let note = format!("{requests} requests");
    record(&format!("{key}.wall"), "ms", &walls, Some(&note))?;
    record(&format!("{key}.sum"), "ms", &sums, Some(&note))?;
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
        times.push(ms(started.elapsed()));
    }
    sandbox.shutdown().await;
    let times = sorted(&times);
    println!(
        "median {:.2} ms, p90 {:.2} ms",
        quantile(&times, 0.5),
        quantile(&times, 0.9)
    );
    record("scim.lookup", "ms", &times, None)?;
    Ok(())
}
