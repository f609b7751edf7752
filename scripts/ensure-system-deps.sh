#!/usr/bin/env bash
# Installs the system packages the test suite runs for real (Debian): redis-server, xmlsec1,
# SimpleSAMLphp with php-cli/php-xml, chromium, nginx (TLS-terminating proxy tests) and openssl (their test CA). Installs only what is missing, only as root.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v xmlsec1 >/dev/null 2>&1 || missing+=(xmlsec1)
command -v php >/dev/null 2>&1 || missing+=(php-cli)
php -m 2>/dev/null | grep -qi '^xml$' || missing+=(php-xml)
php -m 2>/dev/null | grep -qi '^mbstring$' || missing+=(php-mbstring)
[ -d /usr/share/simplesamlphp/www ] || missing+=(simplesamlphp)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "ramgate tests: installing missing system packages: ${missing[*]}" >&2
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ramgate tests: cannot install (${missing[*]}): run as root on Debian, or install them yourself." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
