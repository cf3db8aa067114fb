//! The figures a bench prints, kept for `scripts/bench.sh`: when `SCIM_SETUP_BENCH_JSON` names a
//! file, each figure is appended to it as one JSON object per line (`key`, `unit`, `samples`,
//! optional `note`), which the script turns into BENCHMARKS.md. Without it, figures only print.

use std::io::Write;
use std::time::Duration;

pub type BenchResult = Result<(), Box<dyn std::error::Error>>;

/// Appends one figure's samples (in `unit`) to the figures file, if one was asked for.
pub fn record(key: &str, unit: &str, samples: &[f64], note: Option<&str>) -> BenchResult {
    let Some(path) = std::env::var_os("SCIM_SETUP_BENCH_JSON") else {
        return Ok(());
    };
    let line = serde_json::json!({"key": key, "unit": unit, "samples": samples, "note": note});
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    writeln!(file, "{line}")?;
    Ok(())
}

/// Whether the bench named `name` should run: all of them unless `SCIM_SETUP_BENCH_ONLY`
/// lists some (comma-separated, e.g. `picker,provision`).
pub fn wanted(name: &str) -> bool {
    match std::env::var("SCIM_SETUP_BENCH_ONLY") {
        Ok(list) if !list.trim().is_empty() => list.split(',').any(|n| n.trim() == name),
        _ => true,
    }
}

/// The `q`-quantile (0.0 to 1.0) of already sorted samples, nearest rank.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() as f64) * q).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Sorted copy of `samples`.
pub fn sorted(samples: &[f64]) -> Vec<f64> {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
}

pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

pub fn ratio(numerator: Duration, denominator: Duration) -> f64 {
    numerator.as_secs_f64() / denominator.as_secs_f64().max(f64::EPSILON)
}

/// A string at `pointer` in the sandbox's profile JSON.
pub fn text(profile: &serde_json::Value, pointer: &str) -> Result<String, String> {
    profile
        .pointer(pointer)
        .and_then(serde_json::Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| format!("the sandbox profile has no {pointer}"))
}
