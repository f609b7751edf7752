#!/usr/bin/env bash
# Makes a throwaway test CA and a server certificate it signs, for the TLS tests and for trying
# ramgate's https listener or the nginx config of docs/deployment.md locally:
#   scripts/make-test-ca.sh <dir> [extra DNS name or IP ...]
# writes <dir>/ca.pem (trust this: NODE_EXTRA_CA_CERTS, a browser's CA list), <dir>/ca.key,
# <dir>/server.pem (server certificate followed by nothing else: the CA is the direct issuer),
# <dir>/server.key. The server certificate names localhost, 127.0.0.1, ::1 and the extra names.
# Run again on the same <dir>: the CA is kept and a new server key and certificate are issued.
# Keys are EC P-256; certificates are valid for 2 days. Never use these outside tests.
set -euo pipefail
dir=${1:?usage: make-test-ca.sh <dir> [name ...]}
shift
mkdir -p "$dir"
cd "$dir"

san="DNS:localhost,IP:127.0.0.1,IP:::1"
for name in "$@"; do
  if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then san="$san,IP:$name"; else san="$san,DNS:$name"; fi
done

# A CA already in <dir> is kept: running the script again issues a new server certificate (rotation tests).
[ -s ca.key ] && [ -s ca.pem ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj "/CN=ramgate test CA" -keyout ca.key -out ca.pem \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' \
  "$san" >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
  -extfile server.ext -out server.pem 2>/dev/null
rm -f server.csr server.ext ca.srl
chmod 600 ca.key server.key
