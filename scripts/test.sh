#!/usr/bin/env bash
# The README's test command: installs what is missing, then runs every check, cheapest first.
# Stops at the first failure. Artifacts (E2E screenshots) land in tests/artifacts/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-machine.sh"
cd "$root"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "UI build (the app embeds ui/dist)"
npm --prefix ui run --silent build

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (isolated HOME, private D-Bus and keyring)"
scripts/isolated.sh cargo test --workspace --locked

step "TypeScript"
npm --prefix ui run --silent typecheck

step "ESLint"
npm --prefix ui run --silent lint

step "Vitest"
npm --prefix ui run --silent test

step "IPC bindings match the Rust types"
# cargo test regenerated ui/src/ipc/bindings from the Rust types; any difference means a
# committed binding is stale (or a new one was never committed).
drift=$(git status --porcelain -- ui/src/ipc/bindings)
if [[ -n $drift ]]; then
  echo "The generated IPC bindings differ from the committed ones:" >&2
  echo "$drift" >&2
  git --no-pager diff -- ui/src/ipc/bindings >&2 || true
  echo "Run 'cargo test --workspace' and commit ui/src/ipc/bindings." >&2
  exit 1
fi
echo "bindings up to date"

step "End to end: the real window under Xvfb, over WebDriver"
scripts/e2e.sh

step "Third-party SCIM compliance suite against the sandbox's SCIM server"
scripts/scim-compliance.sh tests/artifacts/scim-setup-e2e
