#!/usr/bin/env bash
# kube bootstrap (the start-up Job) against the fake API server, with the
# in-cluster configuration (service-account directory + KUBERNETES_SERVICE_*):
# empty cluster, existing key reused, two runs racing, outdated ConfigMap,
# invalid existing key, RBAC denial, 429 and 5xx retries, and the exit codes
# that tell a Job to retry (75) or not (1).  Outputs and logs are checked for
# the private key and the token.
source "$AGS_SOURCE_ROOT/tests/k8s/lib.sh"
make_pki
TOKEN=sa-$(openssl rand -hex 24)
SECRETS+=("$TOKEN")

# A pod's service-account directory.
SA=$T/serviceaccount
mkdir -p "$SA"
printf '%s' "$TOKEN" > "$SA/token"
cp "$T/ca.pem" "$SA/ca.crt"
printf 'flux-system' > "$SA/namespace"
USER_SA=system:serviceaccount:flux-system:agesops-bootstrap

in_cluster() { # NAME ARGS... : bootstrap as the Job runs it
	local name=$1; shift
	KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$PORT AGESOPS_SERVICEACCOUNT_DIR=$SA \
		HOME=$T/nohome KUBECONFIG= timeout 60 "$AGS" kube "$@" >"$T/$name.out" 2>"$T/$name.err" </dev/null
	RC=$?
}
pub_of() { sed -n 's/^public key: //p' "$T/$1.out"; }
secret_of_state() { # STATE-NAME: the decoded age.agekey in the server state
	python3 -c 'import json,sys,base64
o=[x for x in json.load(open(sys.argv[1])) if x["kind"]=="Secret"][0]
sys.stdout.write(base64.b64decode(o["data"]["age.agekey"]).decode())' "$T/$1.state"
}
cm_of_state() {
	python3 -c 'import json,sys
o=[x for x in json.load(open(sys.argv[1])) if x["kind"]=="ConfigMap"][0]
sys.stdout.write(o["data"]["age.pub"])' "$T/$1.state"
}

# 1. empty cluster: generates, stores, publishes
start_server empty --token "$TOKEN=$USER_SA"
in_cluster b1 bootstrap
P1=$(pub_of b1)
if [ $RC = 0 ] && grep -q "generated a new age key" "$T/b1.out" && [[ $P1 == age1* ]]; then
	pass "bootstrap on an empty cluster generates a key (in-cluster config)"
else fail "bootstrap on an empty cluster (rc=$RC): $(cat "$T/b1.out" "$T/b1.err")"; fi
KEY1=$(secret_of_state empty)
SECRETS+=("$(printf '%s\n' "$KEY1" | grep AGE-SECRET-KEY)")
if grep -q "^# public key: $P1\$" <<<"$KEY1" && [ "$(printf '%s\n' "$KEY1" | grep -c '^AGE-SECRET-KEY-1')" = 1 ]; then
	pass "the Secret holds an age-keygen style file for the published key"
else fail "Secret content is not an age-keygen file for $P1"; fi
[ "$(cm_of_state empty)" = "$P1" ] && pass "ConfigMap sops-age-public age.pub = public key" || fail "ConfigMap content"
printf '%s\n' "$KEY1" > "$T/k1.key"; chmod 600 "$T/k1.key"
[ "$("$AGS" keygen -y "$T/k1.key" 2>/dev/null)" = "$P1" ] && pass "stored key matches the published key (keygen -y)" \
	|| fail "stored key does not match"
rm -f "$T/k1.key"

# 2. second run: reuses, never regenerates
in_cluster b2 bootstrap
if [ $RC = 0 ] && grep -q "reusing the existing" "$T/b2.out" && [ "$(pub_of b2)" = "$P1" ] &&
	[ "$(secret_of_state empty)" = "$KEY1" ]; then
	pass "bootstrap with an existing key reuses it"
else fail "bootstrap reuse (rc=$RC): $(cat "$T/b2.out" "$T/b2.err")"; fi
[ "$(grep -c '^POST /api/v1/namespaces/flux-system/secrets' "$T/empty.log")" = 1 ] \
	&& pass "no second create attempted" || fail "unexpected second create"

# 3. outdated ConfigMap is corrected (PUT with resourceVersion)
python3 - "$T/empty.state" <<'PY'
import json, sys
objs = json.load(open(sys.argv[1]))
for o in objs:
    if o["kind"] == "ConfigMap":
        o["data"]["age.pub"] = "age1stale\n"
json.dump(objs, open(sys.argv[1], "w"))
PY
stop_servers
start_server empty --token "$TOKEN=$USER_SA"
in_cluster b3 bootstrap
if [ $RC = 0 ] && [ "$(cm_of_state empty)" = "$P1" ] && grep -q '^PUT .*/configmaps/sops-age-public 200' "$T/empty.log"; then
	pass "an outdated ConfigMap is updated"
else fail "outdated ConfigMap (rc=$RC): $(cat "$T/b3.err")"; fi
stop_servers

# 4. two bootstraps racing on an empty cluster: one Secret, both use the same key
start_server race --token "$TOKEN=$USER_SA" --race-barrier 2
in_cluster r1 bootstrap & p1=$!
in_cluster r2 bootstrap & p2=$!
wait $p1; rc1=$?
wait $p2; rc2=$?
# in_cluster sets RC in a subshell: take the outcome from the outputs
R1=$(pub_of r1) R2=$(pub_of r2)
creates=$(grep -c '^POST /api/v1/namespaces/flux-system/secrets ' "$T/race.log")
if [ -n "$R1" ] && [ "$R1" = "$R2" ] && [ "$(state_count race Secret)" = 1 ] && [ "$(cm_of_state race)" = "$R1" ] &&
	[ "$creates" = 2 ] && grep -q '^POST /api/v1/namespaces/flux-system/secrets 409' "$T/race.log" &&
	grep -q "another run created the key first" "$T/r1.out" "$T/r2.out"; then
	pass "two racing bootstraps: one Secret, one key, the loser adopts the winner's key"
else fail "race: r1='$R1' r2='$R2' creates=$creates secrets=$(state_count race Secret) $(cat "$T/r1.out" "$T/r1.err" "$T/r2.out" "$T/r2.err" "$T/race.log")"; fi
SECRETS+=("$(secret_of_state race | grep AGE-SECRET-KEY)")
stop_servers

# 5. 429 with Retry-After and 500s are retried
start_server throttled --token "$TOKEN=$USER_SA" --throttle 2
start=$(date +%s)
in_cluster t1 bootstrap
took=$(( $(date +%s) - start ))
n429=$(grep -c ' 429 ' "$T/throttled.log")
if [ $RC = 0 ] && [ "$n429" = 2 ] && [ "$took" -ge 2 ]; then
	pass "429 Too Many Requests retried after Retry-After (${took}s)"
else fail "429 retry (rc=$RC, 429s=$n429, ${took}s): $(cat "$T/t1.err")"; fi
stop_servers
start_server flaky --token "$TOKEN=$USER_SA" --fail5xx 2
in_cluster f1 bootstrap
[ $RC = 0 ] && [ "$(grep -c ' 500 ' "$T/flaky.log")" = 2 ] && pass "500 retried with backoff" \
	|| fail "5xx retry (rc=$RC): $(cat "$T/f1.err")"
stop_servers
start_server down5xx --token "$TOKEN=$USER_SA" --fail5xx 100
in_cluster f2 bootstrap
if [ $RC = 75 ] && grep -q 'HTTP 500 InternalError: Internal error occurred: etcdserver: request timed out (after 5 attempts)' "$T/f2.err" &&
	[ "$(grep -c ' 500 ' "$T/down5xx.log")" = 5 ]; then
	pass "persistent 5xx: bounded retries, exit 75 (Job retries)"
else fail "persistent 5xx (rc=$RC): $(cat "$T/f2.err")"; fi
stop_servers

# 6. permanent failures: RBAC denial, invalid existing key -> exit 1 (Job must not retry)
start_server rbac --token "$TOKEN=$USER_SA" --forbid "$USER_SA:create:secrets"
in_cluster x1 bootstrap
if [ $RC = 1 ] && grep -qF "HTTP 403 Forbidden: secrets is forbidden: User \"$USER_SA\" cannot create resource \"secrets\" in API group \"\" in the namespace \"flux-system\"" "$T/x1.err" &&
	grep -q "127.0.0.1:$PORT" "$T/x1.err"; then
	pass "403 Forbidden: one line with host, status, reason and message; exit 1"
else fail "403 (rc=$RC): $(cat "$T/x1.err")"; fi
stop_servers
start_server badkey --token "$TOKEN=$USER_SA"
curl -sS --cacert "$T/ca.pem" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	-d '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"sops-age"},"data":{"age.agekey":"bm90IGEga2V5Cg=="}}' \
	"$SERVER_URL/api/v1/namespaces/flux-system/secrets" >/dev/null
in_cluster x2 bootstrap
if [ $RC = 1 ] && grep -q "Secret flux-system/sops-age age.agekey" "$T/x2.err" &&
	[ "$(grep -c '^POST .*/secrets' "$T/badkey.log")" = 1 ] && [ "$(state_count badkey ConfigMap)" = 0 ]; then
	pass "an invalid existing key is reported and never overwritten; exit 1"
else fail "invalid existing key (rc=$RC): $(cat "$T/x2.err")"; fi
stop_servers

# 6b. 422 Invalid from the server: permanent, the Status message shown
start_server invalid --token "$TOKEN=$USER_SA" --invalid configmaps
in_cluster v1 bootstrap
if [ $RC = 1 ] && grep -qF 'HTTP 422 Invalid: ConfigMap "sops-age-public" is invalid: metadata.annotations: Too long' "$T/v1.err"; then
	pass "422 Invalid: one line with the Status message, exit 1"
else fail "422 (rc=$RC): $(cat "$T/v1.err")"; fi
stop_servers

# 6c. a server that accepts but never answers: the request timeout bounds it
start_server hang --token "$TOKEN=$USER_SA" --hang-ms 20000
start=$(date +%s)
in_cluster h1 bootstrap --request-timeout 2
took=$(( $(date +%s) - start ))
if [ $RC = 75 ] && [ $took -le 8 ] && grep -q "get Secret flux-system/sops-age: timed out" "$T/h1.err"; then
	pass "unanswered request: timed out after the request timeout (${took}s), exit 75"
else fail "hanging server (rc=$RC, ${took}s): $(cat "$T/h1.err")"; fi
stop_servers

# 6d. an oversized answer is refused (responses are capped at 4 MiB)
start_server huge --token "$TOKEN=$USER_SA" --huge
in_cluster g1 bootstrap
[ $RC = 1 ] && grep -q "get Secret flux-system/sops-age: response larger than 4194304 bytes" "$T/g1.err" \
	&& pass "a 5 MiB response is refused: exit 1" || fail "huge response (rc=$RC): $(cat "$T/g1.err")"
stop_servers

# 7. not in a cluster: clear error, exit 1
HOME=$T/nohome KUBECONFIG= timeout 20 env -u KUBERNETES_SERVICE_HOST "$AGS" kube bootstrap >"$T/nc.out" 2>"$T/nc.err"
rc=$?
[ $rc = 1 ] && grep -q "KUBERNETES_SERVICE_HOST" "$T/nc.err" && pass "outside a cluster: clear error" \
	|| fail "outside a cluster (rc=$rc): $(cat "$T/nc.err")"

finish
