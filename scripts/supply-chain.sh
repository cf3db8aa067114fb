#!/usr/bin/env bash
# Supply-chain checks: `cargo deny check` (advisories, licences, duplicate major
# versions, sources) with deny.toml, against the offline RustSec snapshot in the shared folder
# beside the repository (fetching switched off), then the licences of the npm packages in ui/
# and tests/e2e/ against an allow-list (the npm audit service is not reachable from here).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# ../shared beside the repository (as in CI); SCIM_SETUP_ADVISORY_SNAPSHOT points elsewhere.
snapshot=${SCIM_SETUP_ADVISORY_SNAPSHOT:-"$root/../shared/advisory-db"}
if [[ ! -f $snapshot/SNAPSHOT.md ]]; then
  echo "error: the advisory snapshot is missing: expected $snapshot (shared/ beside the repository)" >&2
  exit 1
fi
snapshot_date=$(grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}' "$snapshot/SNAPSHOT.md" | head -n 1)
if [[ -z $snapshot_date ]]; then
  echo "error: $snapshot/SNAPSHOT.md does not say the snapshot's date" >&2
  exit 1
fi

# cargo-deny reads an advisory database as a git clone under db-path, named after its URL:
# give it a throwaway commit of the snapshot dated the snapshot's day.
dbs=$(mktemp -d)
trap 'rm -rf "$dbs"' EXIT
db="$dbs/advisory-db-3157b0e258782691"
cp -r "$snapshot" "$db"
chmod -R u+w "$db"
git -C "$db" init -q
git -C "$db" add -A
GIT_AUTHOR_DATE="${snapshot_date}T00:00:00Z" GIT_COMMITTER_DATE="${snapshot_date}T00:00:00Z" \
  git -C "$db" -c user.name=ci -c user.email=ci@localhost -c commit.gpgsign=false commit -qm snapshot

# --offline keeps cargo-deny from fetching anything; cargo metadata then needs every crate of
# the lock file (all platforms) on disk, which `cargo fetch` gets from the crates registry.
cargo fetch --locked --quiet
echo "cargo deny: advisories from the RustSec snapshot of $snapshot_date (advisories published after it are not checked)"
SCIM_SETUP_ADVISORY_DBS="$dbs" cargo deny --offline --locked --log-level error \
  check --hide-inclusion-graph --show-stats advisories bans licenses sources
echo "cargo deny: passed (RustSec snapshot of $snapshot_date)"

# npm licences. Every entry says why it is acceptable for an MIT-licensed app.
npm_allowed=(
  MIT ISC Apache-2.0 BSD-2-Clause BSD-3-Clause 0BSD MIT-0 Zlib # permissive
  BlueOak-1.0.0 # permissive (minimatch, lru-cache, graceful-fs and friends; tooling)
  CC0-1.0       # public-domain dedication (spdx-license-ids, mdn-data: data files)
  CC-BY-3.0     # attribution for data only (spdx-exceptions: licence texts), tooling
  CC-BY-4.0     # attribution for data only (caniuse-lite: browser tables), build tooling
  Python-2.0    # PSF licence, permissive (argparse, under ESLint's tooling)
  MPL-2.0       # file-level copyleft, used unmodified (axe-core in tests, lightningcss in the build)
)
npm_exceptions=(
  "css-value@0.0.1" # tests/e2e (under webdriverio): its package.json names no licence; its README says MIT
)
allow=$(IFS=';'; echo "${npm_allowed[*]}")
exclude=$(IFS=','; echo "${npm_exceptions[*]}")
checker="$root/ui/node_modules/.bin/license-checker-rseidelsohn"
for dir in ui tests/e2e; do
  (cd "$dir" && "$checker" --excludePrivatePackages --onlyAllow "$allow" \
    --excludePackages "$exclude" --summary >/dev/null)
  echo "npm licences in $dir: all on the allow-list"
done
