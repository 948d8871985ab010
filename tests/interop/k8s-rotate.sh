#!/usr/bin/env bash
# The key lifecycle against the fake API server: cluster init with admin
# recipients, kube verify (good, drifted, offline), a full rotate-key with
# both keys in the cluster in between (at every step some key in the Secret
# opens every file), --finish refused then accepted, an interrupted rotation
# resumed, the in-cluster rotation (kube bootstrap --rotate, --pubkey-from-
# cluster) with racing Jobs, a conflicting writer (409), and no private key
# or token in any output.
source "$AGS_SOURCE_ROOT/tests/k8s/lib.sh"
command -v git >/dev/null || { echo "SKIP: git missing"; exit 77; }
make_pki
TOKEN=tok-$(openssl rand -hex 16)
SECRETS+=("$TOKEN")
KC=$T/kubeconfig
export HOME=$T/home XDG_CONFIG_HOME= GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@e GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@e
mkdir -p "$HOME"
KEYF=$HOME/.config/agesops/keys/c1.agekey
API() { # METHOD PATH [JSON]
	curl -sS --cacert "$T/ca.pem" -H "Authorization: Bearer $TOKEN" -X "$1" \
		${3:+-H "Content-Type: ${CT:-application/json}" -d "$3"} "$SERVER_URL$2"
}
KS=/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations
flux_applied() { # REVISION [READY]: what Flux's kustomize-controller reports after a reconcile
	CT=application/merge-patch+json API PATCH "$KS/c1-secrets/status" \
		"{\"status\":{\"observedGeneration\":1,\"lastAppliedRevision\":\"main@sha1:$1\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"${2:-True}\",\"reason\":\"ReconciliationSucceeded\",\"message\":\"Applied revision: main@sha1:$1\"}]}}" >/dev/null
}
secret_entries() { # the decoded *.agekey entries of the Secret, one file each in $T/sk.N
	rm -f "$T"/sk.*
	API GET /api/v1/namespaces/flux-system/secrets/sops-age | python3 -c '
import sys, json, base64
d = json.load(sys.stdin).get("data", {})
for i, k in enumerate(sorted(d)):
    if k.endswith(".agekey"):
        open(sys.argv[1] + "/sk.%d" % i, "wb").write(base64.b64decode(d[k]))
' "$T"
	chmod 600 "$T"/sk.* 2>/dev/null
	local f
	for f in "$T"/sk.*; do SECRETS+=("$(grep AGE-SECRET-KEY "$f")"); done
}
# every file of the cluster opens with some key the cluster's Secret holds
cluster_opens_all() {
	secret_entries
	local f k ok
	for f in secrets/c1/*-secret.yaml secrets/c1/extra-*.yaml; do
		[ -f "$f" ] || continue
		ok=
		for k in "$T"/sk.*; do
			SOPS_AGE_KEY_FILE=$k "$AGS" decrypt "$f" >/dev/null 2>&1 && ok=1 && break
		done
		[ -n "$ok" ] || { echo "not openable by the cluster: $f"; return 1; }
	done
}

start_server api --token "$TOKEN=alice"
kubeconfig_token "$KC" "$SERVER_URL" "$TOKEN"
export KUBECONFIG=$KC
mkdir "$T/repo" && cd "$T/repo" && git init -q -b main .

# ---- cluster init with admins ----
ADMIN_KEY=$T/admin.agekey
"$AGS" keygen -o "$ADMIN_KEY" 2>/dev/null
ADMIN=$("$AGS" keygen -y "$ADMIN_KEY")
SECRETS+=("$(grep AGE-SECRET-KEY "$ADMIN_KEY")")
ADMIN2=$("$AGS" keygen 2>/dev/null | sed -n 's/^# public key: //p')
printf '# break-glass admins\n%s  # ops laptop\n' "$ADMIN" > .sops.admins
GIT_TOKEN=ghp_rot_$(openssl rand -hex 6)
SECRETS+=("$GIT_TOKEN")
GIT_TOKEN=$GIT_TOKEN PROXMOX_SECRET=pve-$(openssl rand -hex 4) run_ags init cluster init c1 --git-url https://git.example/c1.git \
	--proxmox-url https://10.0.0.1:8006 --proxmox-token-id 'capmox@pve!t'
[ $RC = 0 ] || fail "cluster init (rc=$RC): $(cat "$T/init.err")"
SECRETS+=("$(grep AGE-SECRET-KEY "$KEYF")")
K1=$("$AGS" keygen -y "$KEYF")
if grep -q "$ADMIN" .sops.yaml && grep -q "recipient: $ADMIN" secrets/c1/git-secret.yaml &&
	SOPS_AGE_KEY_FILE=$ADMIN_KEY "$AGS" decrypt secrets/c1/git-secret.yaml 2>/dev/null | grep -q "$GIT_TOKEN"; then
	pass "cluster init: .sops.admins recipients in the rule and in the files; an admin decrypts"
else fail "init with admins: $(cat .sops.yaml)"; fi
for i in 1 2 3; do
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: extra-%s\nstringData:\n  v: value-%s\n' $i $i > secrets/c1/extra-$i.yaml
	(cd secrets/c1 && SOPS_AGE_KEY_FILE=$KEYF "$AGS" encrypt -i extra-$i.yaml 2>/dev/null) || fail "encrypt extra-$i"
done
git add -A && git commit -qm init
run_ags ik kube install-key "$KEYF"
[ $RC = 0 ] || fail "install-key (rc=$RC): $(cat "$T/ik.err")"
run_ags bs kube bootstrap --kubeconfig "$KC"
[ $RC = 0 ] || fail "bootstrap (rc=$RC): $(cat "$T/bs.err")"
API POST "$KS" '{"apiVersion":"kustomize.toolkit.fluxcd.io/v1","kind":"Kustomization","metadata":{"name":"c1-secrets","namespace":"flux-system","generation":1},"spec":{"path":"./secrets/c1","decryption":{"provider":"sops","secretRef":{"name":"sops-age"}}}}' >/dev/null
flux_applied "$(git rev-parse HEAD)"

# ---- kube verify ----
run_ags v1 kube verify c1
if [ $RC = 0 ] && grep -q "5 files decryptable" "$T/v1.err" && grep -q "from the Secret" "$T/v1.err"; then
	pass "kube verify: every file decryptable by the cluster (keys read from the Secret)"
else fail "verify good (rc=$RC): $(cat "$T/v1.out" "$T/v1.err")"; fi
run_ags v2 kube verify c1 --pubkey "$K1"
[ $RC = 0 ] && pass "kube verify --pubkey (offline, no kubeconfig needed)" || fail "verify offline (rc=$RC): $(cat "$T/v2.err")"
cp secrets/c1/extra-2.yaml "$T/extra-2.bak"
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: extra-2\nstringData:\n  v: drifted\n' > secrets/c1/extra-2.yaml
(cd secrets/c1 && "$AGS" encrypt -i --age "$ADMIN2" extra-2.yaml 2>/dev/null)
run_ags v3 kube verify c1
if [ $RC = 1 ] && grep -qx "secrets/c1/extra-2.yaml: not decryptable by cluster c1 (recipients $ADMIN2)" "$T/v3.out" &&
	[ "$(wc -l < "$T/v3.out")" = 1 ]; then
	pass "kube verify: a drifted file is named with its recipients, exit 1"
else fail "verify drifted (rc=$RC): $(cat "$T/v3.out" "$T/v3.err")"; fi
cp "$T/extra-2.bak" secrets/c1/extra-2.yaml
run_ags v4 kube verify c1 --pubkey "$ADMIN2"
[ $RC = 1 ] && grep -q ".sops.public.key: $K1 is not a key cluster c1 holds" "$T/v4.out" \
	&& pass "kube verify: .sops.public.key must name a key the cluster holds" || fail "verify pubkey (rc=$RC): $(cat "$T/v4.out")"
run_ags v5 kube verify c1 --pubkey not-a-key
[ $RC = 2 ] && pass "kube verify --pubkey garbage: usage error" || fail "verify bad pubkey (rc=$RC)"

# ---- rotate-key, interrupted in step 3 (one file fails: a tampered value) ----
cluster_opens_all || fail "before rotation"
cp secrets/c1/extra-3.yaml "$T/extra-3.bak"
python3 - secrets/c1/extra-3.yaml <<'PY'
import sys, re
p = sys.argv[1]
s = open(p).read()
m = re.search(r"v: ENC\[AES256_GCM,data:(.)", s)
i = m.start(1)
open(p, "w").write(s[:i] + ("B" if s[i] == "A" else "A") + s[i + 1:])
PY
run_ags r1 cluster rotate-key c1
cmp -s secrets/c1/extra-3.yaml "$T/extra-3.bak" && fail "tampering did not change the file"
cp "$T/extra-3.bak" secrets/c1/extra-3.yaml
K2=$("$AGS" keygen -y "$KEYF")
if [ $RC = 1 ] && [ "$K2" != "$K1" ] && ls "$KEYF".old-* >/dev/null 2>&1 && grep -q "extra-3.yaml.*unchanged: still for the old key" "$T/r1.err" &&
	[ "$(cat secrets/c1/.sops.public.key)" = "$K1" ]; then
	pass "rotate-key: a file that fails is reported as still old; step 4 not run"
else fail "interrupted rotation (rc=$RC): $(cat "$T/r1.err")"; fi
SECRETS+=("$(grep AGE-SECRET-KEY "$KEYF")")
[ "$(stat -c %a "$KEYF")" = 600 ] && [ "$(stat -c %a "$KEYF".old-*)" = 600 ] && pass "new and kept old key files are 0600" \
	|| fail "key file modes"
run_ags p1 kube pubkey
[ "$(cat "$T/p1.out")" = "$K2,$K1" ] && pass "both public keys published, new first" || fail "published: $(cat "$T/p1.out")"
cluster_opens_all && [ "$(ls "$T"/sk.* | wc -l)" = 2 ] && pass "mid-rotation: the Secret holds both keys and opens every file" \
	|| fail "mid-rotation decryptability"

# ---- resumed ----
run_ags r2 cluster rotate-key c1
if [ $RC = 0 ] && grep -q "resuming with the new key $K2" "$T/r2.err" && grep -q "already held the new key" "$T/r2.err" &&
	grep -q "re-encrypted for the new key, 4 already were" "$T/r2.err" && [ "$(cat secrets/c1/.sops.public.key)" = "$K2" ] &&
	grep -q "$K2" .sops.yaml && ! grep -q "$K1" .sops.yaml && grep -q "$ADMIN" .sops.yaml; then
	pass "an interrupted rotation resumes: done files kept, the rest re-encrypted, repository updated"
else fail "resume (rc=$RC): $(cat "$T/r2.err")"; fi
for f in secrets/c1/*.yaml; do
	case $f in */kustomization.yaml) continue;; esac
	grep -q "recipient: $K1" "$f" && fail "$f still for the old key"
	grep -q "recipient: $ADMIN" "$f" || fail "$f lost the admin recipient"
	SOPS_AGE_KEY_FILE=$KEYF "$AGS" decrypt "$f" >/dev/null 2>&1 || fail "$f does not open with the new key"
done
SOPS_AGE_KEY_FILE=$KEYF "$AGS" decrypt secrets/c1/git-secret.yaml 2>/dev/null | grep -q "$GIT_TOKEN" \
	&& pass "re-encrypted values unchanged" || fail "values changed"
run_ags r3 cluster rotate-key c1
[ $RC = 0 ] && grep -q "0 file(s) re-encrypted" "$T/r3.err" && grep -q "already named the new key" "$T/r3.err" \
	&& pass "rotate-key again: nothing left to do (idempotent)" || fail "idempotent re-run (rc=$RC): $(cat "$T/r3.err")"
cluster_opens_all || fail "after re-encryption"

# ---- finish: refused until Flux applied the rotation commit ----
run_ags f1 cluster rotate-key c1 --finish
[ $RC = 1 ] && grep -q "no commit puts the new key" "$T/f1.err" && pass "--finish refused before the rotation is committed" \
	|| fail "finish before commit (rc=$RC): $(cat "$T/f1.err")"
git add -A && git commit -qm "rotate c1" && ROT=$(git rev-parse HEAD)
run_ags f2 cluster rotate-key c1 --finish
[ $RC = 1 ] && grep -q "does not contain the rotation commit" "$T/f2.err" && pass "--finish refused while Flux runs an older commit" \
	|| fail "finish before Flux (rc=$RC): $(cat "$T/f2.err")"
flux_applied "$ROT" False
run_ags f3 cluster rotate-key c1 --finish
[ $RC = 1 ] && grep -q "not finishing" "$T/f3.err" && pass "--finish refused while the Kustomization is not Ready" \
	|| fail "finish not ready (rc=$RC): $(cat "$T/f3.err")"
run_ags f4 cluster rotate-key c1 --finish --force
[ $RC = 0 ] && grep -q "warning" "$T/f4.err" && pass "--finish --force overrides with a warning" || fail "force (rc=$RC): $(cat "$T/f4.err")"
run_ags p2 kube pubkey
[ "$(cat "$T/p2.out")" = "$K2" ] && ! ls "$KEYF".old-* >/dev/null 2>&1 && pass "finished: only the new key published, old local key removed" \
	|| fail "after finish: $(cat "$T/p2.out")"
cluster_opens_all && [ "$(ls "$T"/sk.* | wc -l)" = 1 ] && pass "after finish the Secret holds one key and opens every file" \
	|| fail "after finish decryptability"
echo "x" > note && git add note && git commit -qm later
flux_applied "$(git rev-parse HEAD)"
run_ags f5 cluster rotate-key c1 --finish
[ $RC = 0 ] && grep -q "already held only the new key" "$T/f5.err" && pass "--finish again (descendant commit applied): idempotent" \
	|| fail "finish again (rc=$RC): $(cat "$T/f5.err")"

# ---- the in-cluster rotation: two bootstrap --rotate Jobs race; --pubkey-from-cluster ----
stop_servers
cp "$T/api.state" "$T/race.state"
start_server race --token "$TOKEN=alice" --write-barrier 2
kubeconfig_token "$KC" "$SERVER_URL" "$TOKEN"
run_ags j1 kube bootstrap --rotate --kubeconfig "$KC" & j1=$!
run_ags j2 kube bootstrap --rotate --kubeconfig "$KC" & j2=$!
wait $j1 $j2
N1=$(sed -n 's/^new public key: //p' "$T/j1.out") N2=$(sed -n 's/^new public key: //p' "$T/j2.out")
if [ -n "$N1" ] && [ "$N1" = "$N2" ] && grep -q "another run added a new key first" "$T/j1.out" "$T/j2.out" &&
	grep -q '^PATCH /api/v1/namespaces/flux-system/secrets/sops-age 409' "$T/race.log"; then
	pass "two racing bootstrap --rotate Jobs: one new key (409 Conflict, the loser adopts it)"
else fail "rotate race: '$N1' '$N2' $(cat "$T/j1.out" "$T/j1.err" "$T/j2.out" "$T/j2.err")"; fi
run_ags j3 kube bootstrap --rotate --kubeconfig "$KC"
grep -q "already in progress" "$T/j3.out" && [ "$(sed -n 's/^new public key: //p' "$T/j3.out")" = "$N1" ] \
	&& pass "bootstrap --rotate again keeps the new key (never regenerated)" || fail "rotate rerun: $(cat "$T/j3.out")"
run_ags j4 kube bootstrap --kubeconfig "$KC"
[ $RC = 0 ] && grep -q "public key: $N1,$K2" "$T/j4.out" && pass "a plain bootstrap during a rotation publishes both keys, new first" \
	|| fail "bootstrap during rotation: $(cat "$T/j4.out" "$T/j4.err")"
SOPS_AGE_KEY_FILE=$ADMIN_KEY run_ags c1 cluster rotate-key c1 --pubkey-from-cluster
if [ $RC = 0 ] && grep -q "the cluster made the new key $N1" "$T/c1.err" && [ "$(cat secrets/c1/.sops.public.key)" = "$N1" ] &&
	! grep -rq "recipient: $K2" secrets/c1; then
	pass "rotate-key --pubkey-from-cluster: re-encrypted with the admin identity for the cluster-made key"
else fail "pubkey-from-cluster (rc=$RC): $(cat "$T/c1.err")"; fi
cluster_opens_all || fail "in-cluster rotation decryptability"
git add -A && git commit -qm "rotate c1 in cluster" && flux_applied "$(git rev-parse HEAD)"
# a concurrent writer changes the Secret before our write: 409 is retried
stop_servers
cp "$T/race.state" "$T/stale.state"
start_server stale --token "$TOKEN=alice" --stale-patches 1 --forbid "alice:get:secrets"
kubeconfig_token "$KC" "$SERVER_URL" "$TOKEN"
run_ags c2 cluster rotate-key c1 --finish
if [ $RC = 0 ] && [ "$(API GET /api/v1/namespaces/flux-system/configmaps/sops-age-public | python3 -c 'import sys,json; print(json.load(sys.stdin)["data"]["age.pub"].strip())')" = "$N1" ]; then
	pass "--finish without the right to read the Secret (server-side move; the private key never leaves the cluster)"
else fail "finish in-cluster (rc=$RC): $(cat "$T/c2.err")"; fi
if grep -q '^PATCH /api/v1/namespaces/flux-system/secrets/sops-age 200' "$T/stale.log" &&
	! grep -q '^GET /api/v1/namespaces/flux-system/secrets/sops-age ' "$T/stale.log"; then
	pass "finish patched the Secret without reading it"
else fail "finish read the Secret: $(cat "$T/stale.log")"; fi
stop_servers

# ---- the rotation against a concurrent writer (409 on our PATCH) ----
cp "$T/stale.state" "$T/conf.state"
start_server conf --token "$TOKEN=alice" --stale-patches 1
kubeconfig_token "$KC" "$SERVER_URL" "$TOKEN"
run_ags c3 cluster rotate-key c1 --key "$T/none.agekey"
[ $RC = 1 ] && grep -q "none.agekey" "$T/c3.err" && pass "rotate-key with a missing key file: one clear error" || fail "missing key (rc=$RC): $(cat "$T/c3.err")"
secret_entries
cp "$T"/sk.* "$T/local.agekey"
run_ags c4 cluster rotate-key c1 --key "$T/local.agekey"
if [ $RC = 0 ] && grep -q '^PATCH /api/v1/namespaces/flux-system/secrets/sops-age 409' "$T/conf.log" &&
	grep -q '^PATCH /api/v1/namespaces/flux-system/secrets/sops-age 200' "$T/conf.log"; then
	pass "a concurrent change of the Secret (409 Conflict) is re-read and retried"
else fail "conflict (rc=$RC): $(cat "$T/c4.err" "$T/conf.log")"; fi
SECRETS+=("$(grep AGE-SECRET-KEY "$T/local.agekey")")
cluster_opens_all || fail "after the conflicting rotation"

# ---- offline ----
run_ags o1 cluster rotate-key c1 --key "$T/local.agekey" --offline
[ $RC = 0 ] && grep -q "step 2 (offline)" "$T/o1.err" && grep -q 'base64 -w0 <' "$T/o1.err" \
	&& pass "--offline: step 2 printed as what to apply (the key itself is not printed)" || fail "offline (rc=$RC): $(cat "$T/o1.err")"
cd /
finish
