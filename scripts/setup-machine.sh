#!/usr/bin/env bash
# Installs what scim-setup needs on a fresh Debian machine, for one of two purposes:
#   scripts/setup-machine.sh --for run    building and running the window (scripts/run.sh):
#       Tauri's Debian packages, the Secret Service and D-Bus, Xvfb for a machine with no
#       display, and the UI's node modules;
#   scripts/setup-machine.sh --for test   all of that, plus the test tools (scripts/test.sh,
#       scripts/bench.sh): WebKitWebDriver, tauri-driver, cargo-deny, cargo-fuzz, cargo-machete,
#       the end-to-end suite's node modules, and a check for the nightly toolchain.
# The test tools are compiled from source (minutes each), which is why running does not wait
# for them. Safe to run again: each part is skipped when it is already there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

if [[ $# -ne 2 || $1 != --for || ! $2 =~ ^(run|test)$ ]]; then
  echo "usage: scripts/setup-machine.sh --for run|test" >&2
  exit 2
fi
purpose=$2

sudo_if_needed() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

run_packages=(
  # Tauri v2 on Linux (its prerequisites for Debian)
  libwebkit2gtk-4.1-dev build-essential pkg-config curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev
  # keyring's Secret Service backend (built against libdbus) and a Secret Service to talk to
  libdbus-1-dev dbus dbus-x11 gnome-keyring
  # a window with no monitor: scripts/run.sh starts Xvfb and waits for it with xdpyinfo
  xvfb xauth x11-utils fonts-dejavu-core
)
test_packages=(
  # WebDriver for WebKitGTK (scripts/e2e.sh, scripts/bench.sh)
  webkit2gtk-driver
  # scripts/install-test.sh finds the installed app's window and screenshots it
  xdotool imagemagick
  # scripts/icons.sh regenerates the icon set
  librsvg2-bin
)
packages=("${run_packages[@]}")
if [[ $purpose == test ]]; then packages+=("${test_packages[@]}"); fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "==> installing Debian packages: ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  echo "error: cargo is not installed; install a Rust toolchain (rustup) first" >&2
  exit 1
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "==> installing Node.js and npm"
  sudo_if_needed apt-get install -y -qq --no-install-recommends nodejs npm
fi
# Vite 8 and the pinned UI tool chain need Node.js 20 or later (Debian 12 ships 18).
node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
  echo "error: Node.js $(node --version) is too old; install Node.js 20 or later and run this again" >&2
  exit 1
fi

install_node_modules() {
  local dir=$1
  # npm ci is exact and fast; skip it when the lock file has not changed since last time.
  local stamp="$dir/node_modules/.package-lock.stamp"
  if [[ -f $stamp ]] && cmp -s "$dir/package-lock.json" "$stamp"; then return; fi
  echo "==> npm ci in ${dir#"$root"/}"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$dir/package-lock.json" "$stamp"
}
# The UI's modules hold the Tauri CLI that builds the app, so running needs them too.
install_node_modules "$root/ui"

if [[ $purpose == run ]]; then exit 0; fi

# ---- the test tools, from here on ----

install_node_modules "$root/tests/e2e"

# Each of these builds from source, so it is installed once per machine. Unoptimised (--debug):
# on these 2-core machines the four build in 131 s instead of 257 s, and what the test command
# asks of them (a deny check of the lock file, a machete scan, a fuzz driver, a WebDriver proxy)
# runs as fast either way (cargo deny 4.7 s against 5.2 s, machete 2.9 s against 0.3 s).
install_crate() {
  echo "==> installing $1"
  cargo install "$@" --locked --quiet --debug
}
# tauri-driver bridges WebDriver clients to WebKitWebDriver and the app.
if ! command -v tauri-driver >/dev/null && [[ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]]; then
  install_crate tauri-driver --version 2.1.0
fi
# cargo deny (scripts/supply-chain.sh), cargo fuzz (scripts/fuzz.sh), cargo machete (the unused
# dependency check in scripts/test.sh).
for tool in deny fuzz machete; do
  if ! cargo "$tool" --version >/dev/null 2>&1; then install_crate "cargo-$tool"; fi
done

# Fuzzing (scripts/fuzz.sh) builds with libFuzzer on the nightly toolchain: say so now rather
# than at the test command's last steps.
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "error: the test command's fuzzing step needs the nightly toolchain: rustup toolchain install nightly" >&2
  exit 1
fi
