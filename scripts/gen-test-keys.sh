#!/usr/bin/env bash
# Generates the test keys and self-signed certificates into fixtures/generated/keys (gitignored).
# Never copy keys from elsewhere: every test key comes from this script.
# Idempotent (skips when the set is complete) and safe to run concurrently: each run generates into
# its own temporary directory and renames it into place atomically; a run that loses the race
# discards its copy.
set -euo pipefail
out="${1:-$(cd "$(dirname "$0")/.." && pwd)/fixtures/generated/keys}"
names=(idp idp-next attacker sp-signing sp-encryption idp-ec)

complete() {
  local n
  for n in "${names[@]}"; do
    [ -s "$out/$n.key.pem" ] && [ -s "$out/$n.cert.pem" ] || return 1
  done
}
complete && exit 0

parent="$(dirname "$out")"
mkdir -p "$parent"
tmp="$(mktemp -d "$parent/.keys.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

gen() { # name, subject CN, newkey spec...
  local name="$1" cn="$2"
  shift 2
  openssl req -x509 -nodes -days 3650 -sha256 -subj "/O=ramgate tests/CN=$cn" \
    -keyout "$tmp/$name.key.pem" -out "$tmp/$name.cert.pem" "$@" 2>/dev/null
}
gen idp "ramgate test IdP" -newkey rsa:2048
gen idp-next "ramgate test IdP (rollover)" -newkey rsa:2048
gen attacker "ramgate test IdP" -newkey rsa:2048 # same subject as the IdP on purpose
gen sp-signing "ramgate test SP signing" -newkey rsa:2048
gen sp-encryption "ramgate test SP encryption" -newkey rsa:2048
gen idp-ec "ramgate test IdP (EC P-256)" -newkey ec -pkeyopt ec_paramgen_curve:P-256
chmod 600 "$tmp"/*.key.pem

if [ -d "$out" ] && ! complete; then
  # an incomplete set left by an older version of this script: move it aside, then replace it
  mv "$out" "$tmp/stale" 2>/dev/null || true
fi
if ! mv -T "$tmp" "$out" 2>/dev/null; then
  complete || { echo "gen-test-keys: could not install $out" >&2; exit 1; }
  exit 0 # another run won the race
fi
trap - EXIT
rm -rf "$out/stale"
