#!/usr/bin/env bash
# Fails when a comment or a doc cites something a reader of this repository cannot open: a
# path to a source or doc file (.md .rs .ts .tsx .mjs .sh .toml .yaml) the repository does not hold
# (a ./ or ../ path from the citing file's folder, any other path as the tail of a file's path,
# a bare name as some file's name); a note kept outside it (the shared folder beside the
# clone, a `reference` note); a section sign (§) with no RFC named before it on its line, which
# is how the notes were cited; an issue number. Each offender is listed as file:line.
# Cite the public page (learn.microsoft.com, docs.unity.com, an RFC 7643/7644 section) or a
# file in the repository instead.
# It reads the comments of code files (// and /* */ in Rust and TypeScript, # in shell and
# TOML and YAML) and the whole of Markdown files, everything git tracks or would track.
#   scripts/check-citations.sh              check the repository
#   scripts/check-citations.sh --self-test  check the checker on planted offenders and clean lines
# A shell script and not a Rust test: it reads every kind of file in the repository, none of
# which belongs to one crate, and it needs no build, so it runs in a second.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

# Prints every offender of the git checkout at $1 (paths relative to it); the status is 1 when
# there is one.
check() {
  local repo=$1 quote=${2:-1}
  cd "$repo"
  local all files
  all=$(mktemp)
  # Tracked files and new ones not ignored: what a reader of the repository can open.
  git ls-files --cached --others --exclude-standard >"$all"
  # This script names the patterns it looks for, so it is left out of its own check.
  files=$(grep -E '\.(md|rs|ts|tsx|mjs|sh|toml|yml|yaml)$' "$all" | grep -vx 'scripts/check-citations.sh' || true)
  local status=0
  if [[ -n $files ]]; then
    # shellcheck disable=SC2086 # one argument per file; no file name holds a space
    awk -v listing="$all" -v quote="$quote" -f <(awk_program) $files || status=$?
  fi
  rm -f "$all"
  return "$status"
}

awk_program() {
  cat <<'AWK'
function normalize(path,    parts, n, i, out, k, result) {
  n = split(path, parts, "/"); k = 0
  for (i = 1; i <= n; i++) {
    if (parts[i] == "" || parts[i] == ".") continue
    if (parts[i] == "..") { if (k > 0) k--; continue }
    out[++k] = parts[i]
  }
  result = ""
  for (i = 1; i <= k; i++) result = result (i > 1 ? "/" : "") out[i]
  return result
}
# A relative path (./ or ../) must exist from the citing file's folder; another path must be
# the tail of a file's path in the repository (`scim/url_shape.rs`, `src-tauri/build.rs`); a
# bare name must be some file's name.
function resolves(token, file,    dir) {
  if (token ~ /^\.\.?\//) {
    dir = file
    sub(/\/?[^\/]*$/, "", dir)
    return (normalize(dir "/" token) in exists)
  }
  return (token in tails)
}
function offend(why) {
  if (quote) printf "%s:%d: %s: %s\n", FILENAME, FNR, why, trimmed($0)
  else printf "%s:%d: %s\n", FILENAME, FNR, why
  found = 1
}
function trimmed(s) {
  sub(/^[ \t]+/, "", s)
  return length(s) > 160 ? substr(s, 1, 157) "..." : s
}
BEGIN {
  while ((getline line < listing) > 0) {
    exists[line] = 1
    tail = line
    tails[tail] = 1
    while (sub(/^[^\/]*\//, "", tail)) tails[tail] = 1
  }
}
FNR == 1 { in_block = 0; kind = FILENAME; sub(/.*\./, "", kind) }
{
  text = ""
  if (kind == "md") {
    text = $0
  } else if (kind == "sh" || kind == "toml" || kind == "yml" || kind == "yaml") {
    if (FNR == 1 && /^#!/) next
    if (match($0, /(^|[ \t])#/)) text = substr($0, RSTART)
  } else {
    rest = $0
    if (in_block) {
      if (match(rest, /\*\//)) { text = substr(rest, 1, RSTART + 1); rest = substr(rest, RSTART + 2); in_block = 0 }
      else { text = rest; rest = "" }
    }
    if (match(rest, /(^|[ \t;,{(])\/\//)) {
      text = text " " substr(rest, RSTART)
    } else if (match(rest, /\/\*/)) {
      tail = substr(rest, RSTART)
      text = text " " tail
      if (!match(substr(tail, 3), /\*\//)) in_block = 1
    }
  }
  if (text == "") next

  if (text ~ /\.\.\/shared\// || text ~ /shared\/reference/ || text ~ /(^|[^A-Za-z0-9_\/.-])reference\/[A-Za-z0-9_.-]+\.md/)
    offend("cites a note outside the repository")
  else if (text ~ /[A-Za-z0-9_-]\.md`?[ ]*§/)
    offend("cites a section of a note (§)")
  else if (text ~ /§/ && !(text ~ /RFC ?[0-9]+[^§]*§/))
    offend("cites a section (§) without naming its source on the line")
  if (text ~ /[Ii]ssues?[ -]?#?[0-9]+/)
    offend("cites an issue number")

  # Paths: URLs are the public sources this check asks for, so they are blanked first.
  gsub(/[A-Za-z][A-Za-z0-9+.-]*:\/\/[^] \t)>"'`]*/, " ", text)
  rest = text
  while (match(rest, /[A-Za-z0-9_.\/-]*[A-Za-z0-9_-]\.(md|rs|ts|tsx|mjs|sh|toml|ya?ml)([^A-Za-z0-9_]|$)/)) {
    token = substr(rest, RSTART, RLENGTH)
    before = RSTART > 1 ? substr(rest, RSTART - 1, 1) : ""
    rest = substr(rest, RSTART + RLENGTH)
    sub(/[^A-Za-z0-9_]$/, "", token)
    # Absolute paths, globs (*.rs), placeholders ($root/…, ~/…) and Rust paths are not citations.
    if (token ~ /^\// || before ~ /[*$~:]/) continue
    if (!resolves(token, FILENAME)) offend("cites " token ", which the repository does not hold")
  }
}
END { exit found ? 1 : 0 }
AWK
}

self_test() {
  local dir
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' RETURN
  mkdir -p "$dir/docs" "$dir/crates/core/src/unity" "$dir/crates/core/src/wizard" "$dir/scripts" "$dir/ui/src"
  printf '# Doc\n' >"$dir/docs/architecture.md"
  printf '//! Unity.\n' >"$dir/crates/core/src/unity/scim_users.rs"
  # Clean: a file in the repository by full path, by a path under a parent folder, by a
  # relative path and by bare name; public URLs (with .md in them); RFC sections; a glob; an
  # absolute path; a string (not a comment) naming a missing file; a block comment that ends.
  cat >"$dir/crates/core/src/wizard/good.rs" <<'EOF'
//! See docs/architecture.md and unity/scim_users.rs, or ../unity/scim_users.rs, or scim_users.rs.
//! The client: core/src/unity/scim_users.rs (a path's tail).
// https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-validatecredentials.md
/// RFC 7644 §3.4.2, §3.5.2; every *.rs file; /usr/share/doc/missing.md
const FILE: &str = "ARCHITECTURE.md"; let n = 5; // a count, not an issue
/* a block comment
   that ends here */ const OTHER: &str = "reference/unity-scim.md";
EOF
  cat >"$dir/docs/good.md" <<'EOF'
[the architecture](architecture.md) and [the client](../crates/core/src/unity/scim_users.rs);
see <https://docs.unity.com/en-us/cloud/scim.md> and RFC 7643 §4.1.
EOF
  cat >"$dir/scripts/good.sh" <<'EOF'
#!/usr/bin/env bash
echo "${#list[@]} items in ../shared/advisory-db" # counts docs/architecture.md's sections
EOF
  # Offenders, one kind each (the expected list below names them in order).
  cat >"$dir/crates/core/src/wizard/bad.rs" <<'EOF'
//! The token rules (entra-graph.md §3.4).
/// ARCHITECTURE.md, "The CLI".
// Fixed for issue 19.
let x = 1; // see ../shared/reference/unity-scim.md
/* a block comment
   citing reference/unity-admin-contract.md */
//! The journal lives in wizard/journal.rs.
/// Saved as strings (§3.4).
// The client: core/src/unity/users.rs, or nity/scim_users.rs.
// The issue-14 commands.
EOF
  cat >"$dir/ui/src/bad.tsx" <<'EOF'
// Issues #12: the picker's limit, from entra-graph.md
export const LIMIT = 5; {/* see docs/missing.md */}
EOF
  cat >"$dir/docs/bad.md" <<'EOF'
The checklist in `unity-scim.md` §2, and [a moved page](../crates/core/src/scim/mod.rs).
EOF
  cat >"$dir/scripts/bad.sh" <<'EOF'
#!/usr/bin/env bash
# Supply-chain checks (issue 11), see scripts/supply-chain.sh
EOF
  printf '# The fuzz targets, see docs/fuzz.md\n[package]\n' >"$dir/bad.toml"
  printf '//! Shapes as in graph-openapi-sync-fragments.yaml.\n' >"$dir/crates/core/src/wizard/yaml.rs"
  git -C "$dir" init -q
  local expected actual
  expected=$(
    cat <<'EOF'
bad.toml:1: cites docs/fuzz.md, which the repository does not hold
crates/core/src/wizard/bad.rs:1: cites a section of a note (§)
crates/core/src/wizard/bad.rs:1: cites entra-graph.md, which the repository does not hold
crates/core/src/wizard/bad.rs:2: cites ARCHITECTURE.md, which the repository does not hold
crates/core/src/wizard/bad.rs:3: cites an issue number
crates/core/src/wizard/bad.rs:4: cites a note outside the repository
crates/core/src/wizard/bad.rs:4: cites ../shared/reference/unity-scim.md, which the repository does not hold
crates/core/src/wizard/bad.rs:6: cites a note outside the repository
crates/core/src/wizard/bad.rs:6: cites reference/unity-admin-contract.md, which the repository does not hold
crates/core/src/wizard/bad.rs:7: cites wizard/journal.rs, which the repository does not hold
crates/core/src/wizard/bad.rs:8: cites a section (§) without naming its source on the line
crates/core/src/wizard/bad.rs:9: cites core/src/unity/users.rs, which the repository does not hold
crates/core/src/wizard/bad.rs:9: cites nity/scim_users.rs, which the repository does not hold
crates/core/src/wizard/bad.rs:10: cites an issue number
crates/core/src/wizard/yaml.rs:1: cites graph-openapi-sync-fragments.yaml, which the repository does not hold
docs/bad.md:1: cites a section of a note (§)
docs/bad.md:1: cites unity-scim.md, which the repository does not hold
docs/bad.md:1: cites ../crates/core/src/scim/mod.rs, which the repository does not hold
scripts/bad.sh:2: cites an issue number
scripts/bad.sh:2: cites scripts/supply-chain.sh, which the repository does not hold
ui/src/bad.tsx:1: cites an issue number
ui/src/bad.tsx:1: cites entra-graph.md, which the repository does not hold
ui/src/bad.tsx:2: cites docs/missing.md, which the repository does not hold
EOF
  )
  actual=$( (check "$dir" 0 || true) | sort)
  expected=$(sort <<<"$expected")
  if [[ $actual != "$expected" ]]; then
    echo "check-citations self-test failed; expected (<) against found (>):" >&2
    diff <(echo "$expected") <(echo "$actual") >&2 || true
    return 1
  fi
  # Clean files alone pass.
  rm "$dir"/crates/core/src/wizard/bad.rs "$dir"/crates/core/src/wizard/yaml.rs "$dir"/ui/src/bad.tsx "$dir"/docs/bad.md "$dir"/scripts/bad.sh "$dir"/bad.toml
  if ! (check "$dir" >&2); then
    echo "check-citations self-test failed: the clean files above were reported" >&2
    return 1
  fi
  echo "check-citations self-test: every planted offender found, no clean line reported"
}

if [[ ${1:-} == --self-test ]]; then
  self_test
  exit
fi
if ! (check "$root"); then
  echo "Cite the public source (a learn.microsoft.com or docs.unity.com page, an RFC 7643/7644 section) or a file in this repository." >&2
  exit 1
fi
echo "every citation is inside reach"
