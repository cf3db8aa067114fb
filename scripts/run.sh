#!/usr/bin/env bash
# The README's run command: installs what running needs and is missing (scripts/setup-machine.sh
# --for run: no test tools), builds the window with the UI embedded, and opens it. With no real
# tenant configured (no --profile, no SCIM_SETUP_PROFILE) it opens on the built-in sandbox.
# Extra arguments go to the app.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-machine.sh" --for run
cd "$root"
echo "==> building the app (debug, UI embedded)"
ui/node_modules/.bin/tauri build --debug --no-bundle
app="$root/target/debug/scim-setup"

args=("$@")
if [[ -n ${SCIM_SETUP_PROFILE:-} ]]; then
  args=(--profile "$SCIM_SETUP_PROFILE" "${args[@]}")
elif [[ ! " ${args[*]} " =~ " --profile " ]]; then
  args=(--sandbox "${args[@]}")
fi
if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
  echo "==> no display: starting a virtual one (Xvfb :97); screenshot with ImageMagick: DISPLAY=:97 import -window root shot.png"
  Xvfb :97 -screen 0 1280x800x24 -nolisten tcp &
  export DISPLAY=:97
  for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
fi
exec "$app" "${args[@]}"
