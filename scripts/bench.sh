#!/usr/bin/env bash
# Measures scim-setup and writes BENCHMARKS.md: builds what it needs (release), runs each
# benchmark, prints the figures and writes every one as median with min and max, beside the
# figure it is compared with, the ratio and the goal. It never fails on a goal.
#   1. start-up: launch to first paint and idle memory, beside a minimal Tauri window
#      (crates/bench-minimal, same Tauri, WebKitGTK and release profile);
#   2. the picker at 100,000 users: keystroke to rendered rows in the window against the raw
#      HTTP round trip of the same Graph query, and the rows the list renders;
#   3. provision on demand of 200 users at 5 calls per 10 s (about 8 minutes: one run);
#   4. diagnosis with 20 ms per request against the sum of its requests' own times;
#   5. the preview of 10,000 assigned users: wall time, Graph and Unity SCIM requests, against
#      the floor of its Unity pacing (20 requests a second);
#   6. sizes: the release binary, the .deb and .rpm, the UI's JavaScript (raw and gzip).
# SCIM_SETUP_BENCH_RUNS (default 7) sets the start-up launches per app; SCIM_SETUP_BENCH_ONLY
# (e.g. "startup,picker,window,diagnose,provision,preview,sizes") runs only some; SCIM_SETUP_BENCH_QUICK=1
# shortens provisioning's window to 1 s (to try the script, not to measure).
# The window benchmarks run in their own X display (SCIM_SETUP_BENCH_DISPLAY, default 108) and
# WebDriver port (SCIM_SETUP_BENCH_PORT, default 4571).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
release="${CARGO_TARGET_DIR:-$root/target}/release"

wanted() { [[ -z ${SCIM_SETUP_BENCH_ONLY:-} || ,$SCIM_SETUP_BENCH_ONLY, == *,$1,* ]]; }
step() { printf '\n==> %s\n' "$*"; }

# Inside the isolated session (throwaway HOME, private D-Bus): the window benchmarks.
if [[ ${1:-} == --window-benches ]]; then
  figures=$2
  pids=()
  cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
  trap cleanup EXIT
  display=:${SCIM_SETUP_BENCH_DISPLAY:-108}
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  pids+=($!)
  export DISPLAY=$display
  for _ in $(seq 100); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
  xdpyinfo >/dev/null 2>&1 || { echo "Xvfb did not start on $display" >&2; exit 1; }
  if wanted startup; then
    step "start-up: launch to first paint, idle memory (${SCIM_SETUP_BENCH_RUNS:-7} launches each)"
    node tests/bench/startup.mjs "${SCIM_SETUP_BENCH_RUNS:-7}" 3000 \
      "scim-setup=$release/scim-setup,--sandbox" \
      "minimal=$release/scim-setup-bench-minimal" | tee -a "$figures"
  fi
  if wanted window; then
    step "the picker in the window at 100,000 users (WebDriver)"
    port=${SCIM_SETUP_BENCH_PORT:-4571}
    tauri-driver --port "$port" --native-port $((port + 1)) --native-driver /usr/bin/WebKitWebDriver \
      >/dev/null 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
    SCIM_SETUP_E2E_PORT=$port node tests/bench/picker.mjs "$release/scim-setup" | tee -a "$figures"
  fi
  exit 0
fi

"$root/scripts/setup-machine.sh" --for test
figures=$(mktemp -t scim-setup-figures.XXXXXX)
trap 'rm -f "$figures"' EXIT
export SCIM_SETUP_BENCH_JSON=$figures

step "release build: the packages (the app with its UI embedded), then the minimal window"
started=$SECONDS
scripts/package.sh
cargo build --release --locked -p scim-setup-bench-minimal --features custom-protocol
echo "release build and packaging took $((SECONDS - started)) s"

if wanted sizes; then
  step "sizes"
  size_of() { stat -c %s "$1"; }
  record_size() { printf '{"key":"%s","unit":"bytes","samples":[%s],"note":"%s"}\n' "$1" "$2" "$3" | tee -a "$figures"; }
  record_size size.binary "$(size_of "$release/scim-setup")" "the app (release, stripped)"
  record_size size.minimal-binary "$(size_of "$release/scim-setup-bench-minimal")" "the minimal window"
  for package in "$release"/bundle/deb/*.deb "$release"/bundle/rpm/*.rpm; do
    record_size "size.${package##*.}" "$(size_of "$package")" "$(basename "$package")"
  done
  js=(ui/dist/assets/*.js)
  first=$(grep -o 'assets/index-[^"]*\.js' ui/dist/index.html)
  record_size size.js.raw "$(cat "${js[@]}" | wc -c)" "all ${#js[@]} chunks"
  record_size size.js.gzip "$(for f in "${js[@]}"; do gzip -9c "$f"; done | wc -c)" "all ${#js[@]} chunks, each gzip -9"
  record_size size.js.first.raw "$(size_of "ui/dist/$first")" "$first: what the first view loads"
  record_size size.js.first.gzip "$(gzip -9c "ui/dist/$first" | wc -c)" "$first, gzip -9"
fi

speed=()
for bench in sandbox diagnose lookup picker provision preview; do wanted "$bench" && speed+=("$bench"); done
if ((${#speed[@]})); then
  step "engine benchmarks: ${speed[*]} (cargo bench; provisioning alone takes about 8 minutes)"
  SCIM_SETUP_BENCH_ONLY=$(IFS=,; echo "${speed[*]}") cargo bench --locked -p scim-setup-engine-tests --bench speed
fi

if wanted startup || wanted window; then
  scripts/isolated.sh "$0" --window-benches "$figures"
fi

step "writing BENCHMARKS.md"
# Through a temporary file: a redirect would empty BENCHMARKS.md first, and the report would
# see its own output file as an uncommitted change.
report=$(mktemp)
node tests/bench/report.mjs "$figures" tests/bench/notes.md >"$report"
mv "$report" BENCHMARKS.md
cat BENCHMARKS.md
