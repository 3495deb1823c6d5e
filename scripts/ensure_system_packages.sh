#!/usr/bin/env bash
# Install the Debian packages the test suite needs when they are missing:
#   postgres  -> postgresql-15 (server binaries for the throw-away cluster the tests start)
#   chromium  -> chromium      (the browser the e2e tests drive through Playwright)
# Usage: scripts/ensure_system_packages.sh [postgres] [chromium]
set -euo pipefail

missing=()
for want in "$@"; do
    case "$want" in
        postgres)
            [[ -x /usr/lib/postgresql/15/bin/initdb ]] || missing+=(postgresql-15) ;;
        chromium)
            [[ -x /usr/bin/chromium ]] || missing+=(chromium) ;;
        *)
            echo "ensure_system_packages.sh: unknown package group '$want' (use postgres, chromium)" >&2
            exit 2 ;;
    esac
done

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "Missing system packages: ${missing[*]}." >&2
    echo "Install them as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing system packages: ${missing[*]}, and this is not a Debian-like system (no apt-get)." >&2
    echo "Install PostgreSQL 15 server binaries and Chromium with your package manager." >&2
    exit 1
fi

echo "Installing system packages: ${missing[*]} (apt-get)…"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
