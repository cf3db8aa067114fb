#!/usr/bin/env bash
# Runs a command the way the tests need it: a throwaway HOME and XDG folders (so nothing
# touches the real config, data or keychain), a private D-Bus session and an unlocked,
# empty gnome-keyring (so the real Secret Service code path is exercised).
#   scripts/isolated.sh COMMAND [ARGS...]
set -euo pipefail
if [[ -z ${SCIM_SETUP_ISOLATED:-} ]]; then
  sandbox_home=$(mktemp -d -t scim-setup-home.XXXXXX)
  trap 'rm -rf "$sandbox_home"' EXIT
  # Cargo and rustup find their homes through HOME unless told otherwise.
  export CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
  export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup}
  export npm_config_cache=${npm_config_cache:-$HOME/.npm}
  export HOME=$sandbox_home
  export XDG_DATA_HOME=$sandbox_home/data XDG_CONFIG_HOME=$sandbox_home/config
  export XDG_CACHE_HOME=$sandbox_home/cache XDG_RUNTIME_DIR=$sandbox_home/runtime
  mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
  chmod 700 "$XDG_RUNTIME_DIR"
  export SCIM_SETUP_ISOLATED=1
  status=0
  dbus-run-session -- "$0" "$@" || status=$?
  exit "$status"
fi
# Inside the private session: an empty password (a newline) creates and unlocks the keyring.
echo '' | gnome-keyring-daemon --unlock --components=secrets -d >/dev/null 2>&1 || true
exec "$@"
