#!/usr/bin/env bash
# The .deb, installed and run on this machine: builds the packages (scripts/package.sh; skip with
# --no-build), checks the .deb declares what it needs (desktop entry, icons, dependencies),
# installs it with apt-get, runs the installed `scim-setup --version`, opens the installed app on
# its embedded sandbox under Xvfb and checks the window shows the Start page (its title, the
# mark the UI sends once Start has painted, a screenshot in tests/artifacts/install-start.png
# that is not blank), then purges the package and checks none of its files is left.
# SCIM_SETUP_INSTALL_DISPLAY picks the X display number (default 107). --debug installs the
# package of the debug build (scripts/package.sh --debug), which the test command uses.
#   scripts/install-test.sh [--no-build] [--debug]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
artifacts="$root/tests/artifacts"
mkdir -p "$artifacts"

sudo_if_needed() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}
fail() { echo "install test: $*" >&2; exit 1; }

build=yes
profile=release
for argument in "$@"; do
  case $argument in
    --no-build) build=no ;;
    --debug) profile=debug ;;
    *) fail "unknown argument '$argument' (expected --no-build, --debug)" ;;
  esac
done
if [[ $build == yes ]]; then
  if [[ $profile == debug ]]; then scripts/package.sh --debug; else scripts/package.sh; fi
fi
shopt -s nullglob
debs=("${CARGO_TARGET_DIR:-$root/target}/$profile"/bundle/deb/*.deb)
((${#debs[@]} == 1)) || fail "expected one .deb under target/$profile/bundle/deb, found ${#debs[@]}"
deb=${debs[0]}
package=$(dpkg-deb -f "$deb" Package)
version=$(dpkg-deb -f "$deb" Version)
depends=$(dpkg-deb -f "$deb" Depends)
echo "==> $package $version ($(du -h "$deb" | cut -f1)), depends: $depends"

# What the package must carry and declare.
# dpkg-deb -c: mode, owner, size, date, time, then the path (which may hold spaces).
contents=$(dpkg-deb -c "$deb" | sed -E 's/^([^ ]+ +){5}//; s|^\.?/?|/|')
grep -qxF /usr/bin/scim-setup <<<"$contents" || fail "the .deb has no /usr/bin/scim-setup"
grep -qE '^/usr/share/applications/[^/]+\.desktop$' <<<"$contents" || fail "the .deb has no desktop entry"

for size in 32x32 64x64 128x128 256x256 512x512; do
  grep -q "/usr/share/icons/hicolor/$size/apps/scim-setup.png" <<<"$contents" || fail "the .deb has no $size icon"
done
for dependency in libwebkit2gtk-4.1-0 libgtk-3-0 libdbus-1-3; do
  grep -q "$dependency" <<<"$depends" || fail "the .deb does not declare $dependency"
done
# Regular files and links only (mode not starting with d): shared folders such as /usr stay.
files=$(dpkg-deb -c "$deb" | grep -v '^d' | sed -E 's/^([^ ]+ +){5}//; s|^\.?/?|/|')

if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
  fail "$package is already installed on this machine; remove it first (this test removes what it installs)"
fi

scratch=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$package" >/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT

echo "==> installing $deb"
sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb"
installed=$(command -v scim-setup) || fail "scim-setup is not on PATH after installing"
[[ $installed == /usr/bin/scim-setup ]] || fail "scim-setup resolves to $installed, not /usr/bin/scim-setup"
reported=$(/usr/bin/scim-setup --version)
[[ $reported == "scim-setup $version" ]] || fail "scim-setup --version printed '$reported', expected 'scim-setup $version'"
echo "$reported"

echo "==> opening the installed app on its sandbox under Xvfb"
display=:${SCIM_SETUP_INSTALL_DISPLAY:-107}
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$scratch/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do DISPLAY=$display xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
DISPLAY=$display xdpyinfo >/dev/null 2>&1 || fail "Xvfb did not start on $display"
mkdir -p "$scratch/home"
# A throwaway HOME and data folder: the installed app leaves nothing in the real ones.
env DISPLAY="$display" HOME="$scratch/home" XDG_DATA_HOME="$scratch/home/data" \
  XDG_CONFIG_HOME="$scratch/home/config" XDG_CACHE_HOME="$scratch/home/cache" \
  SCIM_SETUP_BENCH_MARK="$scratch/first-paint" \
  /usr/bin/scim-setup --sandbox --data-dir "$scratch/app-data" >"$scratch/app.log" 2>&1 &
pids+=($!)
DISPLAY=$display timeout 60 xdotool search --sync --onlyvisible --name '^SCIM Setup$' >/dev/null ||
  fail "no window titled 'SCIM Setup' appeared within 60 s: $(tail -5 "$scratch/app.log")"
# The UI sends its first-paint mark once the first view (Start) has rendered.
for _ in $(seq 600); do [[ -s $scratch/first-paint ]] && break; sleep 0.1; done
[[ -s $scratch/first-paint ]] || fail "the window never rendered its Start page: $(tail -5 "$scratch/app.log")"
# The mark is sent when React has rendered; WebKit composites the page a little later (seconds
# on a loaded machine or a debug build), so take screenshots until the window shows content.
shot="$artifacts/install-start.png"
colours=0
for _ in $(seq 60); do
  DISPLAY=$display import -window root "$shot"
  colours=$(/usr/bin/convert "$shot" -format %k info:)
  ((colours > 50)) && break
  sleep 0.5
done
((colours > 50)) || fail "the screenshot $shot has $colours colours 30 s after first paint: the window looks blank"
echo "Start page shown (screenshot $shot, $colours colours)"
kill "${pids[1]}"
wait "${pids[1]}" 2>/dev/null || true

echo "==> removing $package"
sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$package"
if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'installed'; then
  fail "$package is still installed after purging"
fi
left=()
while IFS= read -r file; do
  [[ -e $file ]] && left+=("$file")
done <<<"$files"
((${#left[@]} == 0)) || fail "files left after purging: ${left[*]}"
! command -v scim-setup >/dev/null || fail "scim-setup is still on PATH after purging"
echo "install test: installed, ran, showed Start, removed; nothing left"
