#!/usr/bin/env bash
# Installs what building, running and testing scim-setup needs on a fresh Debian machine:
# Tauri's Debian packages, the X and WebDriver tools the end-to-end tests use, tauri-driver,
# and the node modules. Safe to run again: each part is skipped when it is already there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

sudo_if_needed() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

debian_packages=(
  # Tauri v2 on Linux
  libwebkit2gtk-4.1-dev build-essential pkg-config curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev librsvg2-bin
  # keyring's Secret Service backend, and a keychain for tests
  libdbus-1-dev dbus dbus-x11 gnome-keyring keyutils
  # a real window with no monitor, screenshots, WebDriver for WebKitGTK
  xvfb xauth x11-utils xdotool imagemagick fonts-dejavu-core webkit2gtk-driver
)
missing=()
for package in "${debian_packages[@]}"; do
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

# tauri-driver bridges WebDriver clients to WebKitWebDriver and the app.
if ! command -v tauri-driver >/dev/null && [[ ! -x "$HOME/.cargo/bin/tauri-driver" ]]; then
  echo "==> installing tauri-driver"
  cargo install tauri-driver --version 2.1.0 --locked --quiet
fi

# Supply-chain and fuzzing tools (scripts/supply-chain.sh, scripts/fuzz.sh).
if ! cargo deny --version >/dev/null 2>&1; then
  echo "==> installing cargo-deny"
  cargo install cargo-deny --locked --quiet
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
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
install_node_modules "$root/ui"
install_node_modules "$root/tests/e2e"
