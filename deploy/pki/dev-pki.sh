#!/bin/sh
# Development PKI for the docker-compose stack: a throwaway CA, the sds-server's serving
# certificate and the Envoy gateway's client certificate (SPIFFE identity of istio-ingressgateway).
# Production issues these from keyway's own CA instead (docs/deploy.md, "Identities").
# Idempotent: an existing, complete set is kept. Never prints a key.
set -eu

out="${1:-/pki}"
trust_domain="${XDS_TRUST_DOMAIN:-cluster.local}"
days="${DEV_PKI_DAYS:-365}"
# Who reads which key inside the stack: the sds-server runs as node (1000), Envoy as envoy (101).
sds_uid="${SDS_UID:-1000}"
envoy_uid="${ENVOY_UID:-101}"

mkdir -p "$out"
cd "$out"
if [ -s ca.crt ] && [ -s sds-server.crt ] && [ -s sds-server.key ] && [ -s gateway.crt ] && [ -s gateway.key ]; then
  echo "dev-pki: keeping the existing set in $out"
  exit 0
fi

umask 077
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout ca.key -out ca.crt -days 3650 -sha256 \
  -subj "/O=keyway development/CN=keyway development CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

# issue NAME SUBJECT_ALT_NAMES EXTENDED_KEY_USAGE
issue() {
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$1.key" -out "$1.csr" -subj "/O=keyway development/CN=$1" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\nsubjectAltName=%s\n' \
    "$3" "$2" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
    -days "$days" -sha256 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

issue sds-server "DNS:sds-server,DNS:sds-server.keyway.svc,DNS:localhost" serverAuth
issue gateway "URI:spiffe://$trust_domain/ns/istio-system/sa/istio-ingressgateway" clientAuth
rm -f ca.srl

chmod 0644 ca.crt sds-server.crt gateway.crt
chmod 0600 ca.key sds-server.key gateway.key
if [ "$(id -u)" = 0 ]; then
  chown "$sds_uid" sds-server.key
  chown "$envoy_uid" gateway.key
fi
echo "dev-pki: wrote ca.crt, sds-server.crt and gateway.crt (with their keys) to $out"
