#!/usr/bin/env bash
# Builds the app with the UI embedded (Tauri CLI, debug, no bundle), then, inside one isolated
# session (scripts/isolated.sh: throwaway HOME, private D-Bus, unlocked empty keyring), starts
# Xvfb and tauri-driver and runs the WebDriver journeys in tests/e2e with node's test runner.
# The driver, every app it launches and the journeys share that session, so an app relaunched
# by a journey finds the keychain entries of the run before.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
artifacts="$root/tests/artifacts"

if [[ ${1:-} != --inside-session ]]; then
  mkdir -p "$artifacts"
  ui/node_modules/.bin/tauri build --debug --no-bundle --ci
  # A later plain `cargo build` would overwrite target/debug/scim-setup with a dev-mode binary
  # that loads the Vite dev server; the journeys drive this copy.
  rm -f "$artifacts/scim-setup-e2e"
  cp target/debug/scim-setup "$artifacts/scim-setup-e2e"
  exec scripts/isolated.sh "$0" --inside-session
fi

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

display=:${SCIM_SETUP_E2E_DISPLAY:-99}
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$artifacts/xvfb.log" 2>&1 &
pids+=($!)
export DISPLAY=$display
for _ in $(seq 100); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
xdpyinfo >/dev/null 2>&1 || { echo "Xvfb did not start on $display" >&2; exit 1; }

driver_port=${SCIM_SETUP_E2E_PORT:-4444}
export SCIM_SETUP_E2E_PORT=$driver_port
tauri-driver --port "$driver_port" --native-port $((driver_port + 1)) --native-driver /usr/bin/WebKitWebDriver \
  >"$artifacts/tauri-driver.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/$driver_port) 2>/dev/null && break; sleep 0.1; done

export SCIM_SETUP_E2E_APP="$artifacts/scim-setup-e2e"
export SCIM_SETUP_E2E_ARTIFACTS="$artifacts"
# SCIM_SETUP_E2E_ONLY=NAME runs one journey alone (while working on it): SCIM_SETUP_E2E_ONLY=resume
# runs tests/e2e/resume.test.mjs.
journeys=tests/e2e/
[[ -n ${SCIM_SETUP_E2E_ONLY:-} ]] && journeys=tests/e2e/$SCIM_SETUP_E2E_ONLY.test.mjs
node --test --test-concurrency=1 "$journeys"
