#!/bin/sh
# Starts the app inside the test runner's private session: tauri-driver (and so the app it
# launches) may run outside scripts/isolated.sh, but the journeys that use the keychain need
# the runner's D-Bus session and unlocked keyring, the same one across relaunches.
#   app-in-session.sh ENV_FILE APP [ARGS...]   (ENV_FILE holds `export NAME='value'` lines)
set -e
. "$1"
app=$2
shift 2
exec "$app" "$@"
