#!/usr/bin/env bash
# The whole test suite: system packages, build, then vitest. Servers (Redis, SimpleSAMLphp,
# gateways, Chromium) are started by the tests themselves on loopback and free ports.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
[ -d node_modules ] || npm ci
[ -f dist/cli/main.js ] || npm run build
exec npx vitest run "$@"
