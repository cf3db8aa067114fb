#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for SECONDS each (default 20), one after the other, on the
# committed seeds plus the local corpus (fuzz/corpus/, not committed). libFuzzer with
# cargo-fuzz on the nightly toolchain; built without AddressSanitizer (our crates forbid
# unsafe code) but with debug assertions and overflow checks. A crash stops the script with
# the input saved under fuzz/artifacts/TARGET/: turn it into a regression test.
# SCIM_SETUP_FUZZ_SEED pins libFuzzer's random seed (the test command pins it, so a CI run
# replays the same inputs a local run with that seed tried); unset, every run explores anew.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
seconds=${1:-20}
shift || true

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "error: fuzzing needs the nightly toolchain (rustup toolchain install nightly)" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "error: cargo-fuzz is missing; run scripts/setup-machine.sh --for test" >&2
  exit 1
fi

targets=("$@")
if ((${#targets[@]} == 0)); then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

build_flags=(--sanitizer none)
cargo +nightly fuzz build "${build_flags[@]}"

printf '%-20s %8s %10s\n' target seconds corpus
for target in "${targets[@]}"; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus" "fuzz/artifacts/$target"
  log=$(mktemp)
  if ! cargo +nightly fuzz run "${build_flags[@]}" "$target" "$corpus" "fuzz/seeds/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
    -seed="${SCIM_SETUP_FUZZ_SEED:-0}" \
    -print_final_stats=1 >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "error: fuzz target $target failed; the input is under fuzz/artifacts/$target/" >&2
    rm -f "$log"
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  # libFuzzer's closing status line: edges covered (cov) and features (ft).
  coverage=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | grep -oE 'cov: [0-9]+ ft: [0-9]+' | tail -n 1 || true)
  rm -f "$log"
  printf '%-20s %8s %10s  (%s runs, %s)\n' "$target" "$seconds" "$(find "$corpus" -type f | wc -l)" "$runs" "${coverage:-cov: ?}"
done
