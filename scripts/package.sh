#!/usr/bin/env bash
# Builds the installable packages with Tauri's bundler: a .deb and an .rpm of the release build
# (UI embedded), with the desktop entry, the icon set, the description, the category and the
# runtime dependencies from src-tauri/tauri.conf.json's `bundle` section. Prints their paths.
# No AppImage: Tauri's AppImage bundler downloads linuxdeploy and its plugins from the internet
# at build time and no Debian package provides them (see the README's Install section).
# SCIM_SETUP_RELEASE_LTO=thin|fat|off overrides the release profile's LTO for this build only.
# --debug packages the debug build instead (same bundle configuration, under target/debug/bundle):
# the install test uses it, because the end-to-end suite has just built that binary and a fat-LTO
# release build would add a quarter of an hour on a 2-core machine for the same package layout.
#   scripts/package.sh [--debug]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if [[ -n ${SCIM_SETUP_RELEASE_LTO:-} ]]; then
  export CARGO_PROFILE_RELEASE_LTO=$SCIM_SETUP_RELEASE_LTO
fi

# The Tauri CLI asks cargo where the target folder is, so CARGO_TARGET_DIR is honoured.
profile=release
build_flags=()
if [[ ${1:-} == --debug ]]; then
  profile=debug
  build_flags=(--debug)
fi
bundle="${CARGO_TARGET_DIR:-$root/target}/$profile/bundle"
rm -rf "$bundle/deb" "$bundle/rpm"
# The Tauri CLI runs the UI build (beforeBuildCommand), then `cargo build [--release]` with the
# UI embedded, then the bundlers; it must run from the workspace root.
ui/node_modules/.bin/tauri build "${build_flags[@]}" --bundles deb,rpm --ci
shopt -s nullglob
packages=("$bundle"/deb/*.deb "$bundle"/rpm/*.rpm)
if ((${#packages[@]} != 2)); then
  echo "error: expected one .deb and one .rpm under $bundle, found: ${packages[*]:-none}" >&2
  exit 1
fi
printf '%s\n' "${packages[@]}"
