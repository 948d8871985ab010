# Helpers for the k8s interop tests (sourced).  Makes a throw-away PKI with
# the openssl CLI, starts the fake API server on 127.0.0.1 (free port), writes
# kubeconfigs, checks outputs for leaked secrets.  Everything lives in $T and
# every server is stopped by the EXIT trap.
set -uo pipefail

AGS=${AGS_BIN:?AGS_BIN not set}
SRC=${AGS_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
FAKE=$SRC/tests/k8s/fake-apiserver.py
command -v openssl >/dev/null || { echo "SKIP: openssl missing"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
python3 -c 'import ssl' 2>/dev/null || { echo "SKIP: python3 without ssl"; exit 77; }

T=$(mktemp -d)
SERVER_PIDS=()
FAILS=0
# Secrets that must never appear in any output or log: added by tests.
SECRETS=()

cleanup() {
	local p
	for p in "${SERVER_PIDS[@]+"${SERVER_PIDS[@]}"}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }

# make_pki: CA, server cert for 127.0.0.1, a second unrelated CA, client CA and client cert (CN=cert-user).
make_pki() {
	local o="openssl"
	(
	cd "$T" || exit 1
	$o req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 \
		-subj "/CN=fake-kube-ca" 2>/dev/null || exit 1
	$o req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr \
		-subj "/CN=kube-apiserver" 2>/dev/null || exit 1
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > server.ext
	$o x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
		-extfile server.ext 2>/dev/null || exit 1
	$o req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other-ca.key -out other-ca.pem \
		-days 2 -subj "/CN=unrelated-ca" 2>/dev/null || exit 1
	$o req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client-ca.key -out client-ca.pem \
		-days 2 -subj "/CN=fake-client-ca" 2>/dev/null || exit 1
	$o req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -out client.csr \
		-subj "/O=system:masters/CN=cert-user" 2>/dev/null || exit 1
	printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n' > client.ext
	$o x509 -req -in client.csr -CA client-ca.pem -CAkey client-ca.key -CAcreateserial -out client.pem \
		-days 2 -extfile client.ext 2>/dev/null || exit 1
	) || { echo "FAIL: could not make the test PKI"; exit 1; }
}

# start_server NAME [fake-apiserver args...]: sets PORT and SERVER_URL; log in $T/NAME.log, state $T/NAME.state.
start_server() {
	local name=$1; shift
	rm -f "$T/$name.port"
	python3 "$FAKE" --cert "$T/server.pem" --key "$T/server.key" --client-ca "$T/client-ca.pem" \
		--port-file "$T/$name.port" --log "$T/$name.log" --state "$T/$name.state" --lifetime 240 "$@" \
		2>>"$T/$name.stderr" &
	SERVER_PIDS+=($!)
	local i
	for i in $(seq 1 100); do
		[ -s "$T/$name.port" ] && break
		sleep 0.1
	done
	[ -s "$T/$name.port" ] || { echo "FAIL: fake API server did not start"; cat "$T/$name.stderr"; exit 1; }
	PORT=$(cat "$T/$name.port")
	SERVER_URL=https://127.0.0.1:$PORT
}

stop_servers() {
	local p
	for p in "${SERVER_PIDS[@]+"${SERVER_PIDS[@]}"}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	SERVER_PIDS=()
}

b64() { base64 -w0 < "$1"; }

# kubeconfig_token FILE SERVER TOKEN [CA-FILE]: a kubeconfig with certificate-authority-data and a token.
kubeconfig_token() {
	local f=$1 server=$2 token=$3 ca=${4:-$T/ca.pem}
	cat > "$f" <<EOF
apiVersion: v1
kind: Config
current-context: test
clusters:
- name: fake
  cluster:
    server: $server
    certificate-authority-data: $(b64 "$ca")
users:
- name: tok
  user:
    token: $token
contexts:
- name: test
  context:
    cluster: fake
    user: tok
    namespace: default
EOF
}

# run_ags NAME ARGS...: runs agesops, keeps stdout/stderr in $T/NAME.out/.err, sets RC; bounded in time.
run_ags() {
	local name=$1; shift
	timeout 60 "$AGS" "$@" >"$T/$name.out" 2>"$T/$name.err" </dev/null
	RC=$?
}

# check_no_leak: no file in $T that is an output or log contains any of SECRETS.
check_no_leak() {
	local s f
	for s in "${SECRETS[@]+"${SECRETS[@]}"}"; do
		[ -n "$s" ] || continue
		for f in "$T"/*.out "$T"/*.err "$T"/*.log "$T"/*.stderr; do
			[ -f "$f" ] || continue
			if grep -qF -- "$s" "$f"; then
				fail "secret leaked into $(basename "$f")"
			fi
		done
	done
}

# secret_key_from_api NS NAME TOKEN: prints the decoded age.agekey read back through the API (curl).
secret_key_from_api() {
	curl -sS --cacert "$T/ca.pem" -H "Authorization: Bearer $3" \
		"$SERVER_URL/api/v1/namespaces/$1/secrets/$2" |
		python3 -c 'import sys, json, base64; sys.stdout.buffer.write(base64.b64decode(json.load(sys.stdin)["data"]["age.agekey"]))'
}

# state_count RESOURCE: number of objects of that kind in the server state.
state_count() {
	python3 -c 'import json,sys; print(sum(1 for o in json.load(open(sys.argv[1])) if o["kind"]==sys.argv[2]))' \
		"$T/$1.state" "$2"
}

finish() {
	check_no_leak
	if [ "$FAILS" -gt 0 ]; then
		echo "$FAILS failure(s)"
		exit 1
	fi
	echo "all passed"
	exit 0
}
