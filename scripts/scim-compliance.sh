#!/usr/bin/env bash
# Runs a third-party SCIM 2.0 compliance suite (scim2-tester, through PyPI's scim2-cli) against
# the sandbox's Unity SCIM server, so our stand-in is checked by a reading of RFC 7643/7644 that
# is not ours. Unity's own rules (validated domains, members must be org users) are switched off
# first: the suite sends random data.
#   scripts/scim-compliance.sh PATH/TO/scim-setup
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
app=${1:?usage: scripts/scim-compliance.sh PATH/TO/scim-setup}
venv="$root/target/scim-compliance-venv"
if [[ ! -x $venv/bin/scim2 ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check scim2-cli==0.6.0
fi

profile_file=$(mktemp)
"$app" sandbox --users 20 >"$profile_file" &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true; rm -f "$profile_file"' EXIT
for _ in $(seq 100); do [[ -s $profile_file ]] && break; sleep 0.1; done

field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sandbox"][sys.argv[2]])' "$profile_file" "$1"; }
scim_url=$(field scimBaseUrl)
control=$(field control)
curl -fsS -X PUT -H 'content-type: application/json' -d '{"unityRules": false}' "$control/scim" >/dev/null

report=$(mktemp)
SCIM_CLI_HEADERS="Authorization: Bearer $(field scimBearerToken)" \
  "$venv/bin/scim2" --url "$scim_url" test >"$report" 2>&1 || true
# One line per check starts with its status word; details are indented below it.
passed=$(grep -c '^SUCCESS' "$report" || true)
failed=$(grep -cE '^(ERROR|CRITICAL|FAILURE|FAILED)' "$report" || true)
if ((failed > 0 || passed == 0)); then
  grep -vE '^(SUCCESS|  )' "$report" >&2 || true
fi
rm -f "$report"
echo "scim2-tester: $passed passed, $failed failed"
((failed == 0 && passed > 0))
