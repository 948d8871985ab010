#!/usr/bin/env bash
# kube install-key and kube pubkey against the fake API server: create,
# idempotent second install, refusal to replace a different key, --replace
# --force, invalid key files, and the round trip: a file encrypted for the
# published public key (agesops age -r, and Go age) decrypts with the key read
# back from the Secret.  No output or server log may contain the private key or
# the token.
source "$AGS_SOURCE_ROOT/tests/k8s/lib.sh"
make_pki
TOKEN=tok-$(openssl rand -hex 16)
SECRETS+=("$TOKEN")
start_server api --token "$TOKEN=alice"
KC=$T/kubeconfig
kubeconfig_token "$KC" "$SERVER_URL" "$TOKEN"

"$AGS" keygen -o "$T/one.agekey" 2>/dev/null || { echo "FAIL: keygen"; exit 1; }
"$AGS" keygen -o "$T/two.agekey" 2>/dev/null || { echo "FAIL: keygen"; exit 1; }
SECRETS+=("$(grep AGE-SECRET-KEY "$T/one.agekey")" "$(grep AGE-SECRET-KEY "$T/two.agekey")")
PUB1=$(grep -o 'age1[0-9a-z]*' "$T/one.agekey" | head -1)
PUB2=$(grep -o 'age1[0-9a-z]*' "$T/two.agekey" | head -1)

# 1. create
run_ags i1 kube install-key --kubeconfig "$KC" "$T/one.agekey"
if [ $RC = 0 ] && grep -q created "$T/i1.err" && [ "$(cat "$T/i1.out")" = "$PUB1" ]; then
	pass "install-key creates the Secret and prints the public key"
else fail "install-key create (rc=$RC): $(cat "$T/i1.err")"; fi
if cmp -s <(secret_key_from_api flux-system sops-age "$TOKEN") "$T/one.agekey"; then
	pass "Secret data is the key file byte for byte (as kubectl --from-file)"
else fail "Secret content differs from the key file"; fi
if python3 - "$T/api.state" <<'PY'
import json, sys
o = [x for x in json.load(open(sys.argv[1])) if x["kind"] == "Secret"][0]
assert o["metadata"]["name"] == "sops-age" and o["metadata"]["namespace"] == "flux-system"
assert list(o["data"]) == ["age.agekey"] and o["type"] == "Opaque"
PY
then pass "Secret shape: flux-system/sops-age, only age.agekey, type Opaque"; else fail "Secret shape"; fi

# 2. same key again: success, nothing written
rv_before=$(python3 -c 'import json,sys; print([o for o in json.load(open(sys.argv[1])) if o["kind"]=="Secret"][0]["metadata"]["resourceVersion"])' "$T/api.state")
timeout 60 "$AGS" kube install-key --kubeconfig "$KC" - < "$T/one.agekey" >"$T/i2.out" 2>"$T/i2.err"; RC=$?
rv_after=$(python3 -c 'import json,sys; print([o for o in json.load(open(sys.argv[1])) if o["kind"]=="Secret"][0]["metadata"]["resourceVersion"])' "$T/api.state")
if [ $RC = 0 ] && grep -q unchanged "$T/i2.err" && [ "$rv_before" = "$rv_after" ]; then
	pass "installing the same key again (from stdin) is idempotent"
else fail "idempotent install (rc=$RC, rv $rv_before -> $rv_after): $(cat "$T/i2.err")"; fi
# same identity, different comments: still the same key
{ echo "# a different comment"; grep AGE-SECRET-KEY "$T/one.agekey"; } > "$T/one-recommented.agekey"
run_ags i2b kube install-key --kubeconfig "$KC" "$T/one-recommented.agekey"
if [ $RC = 0 ] && grep -q unchanged "$T/i2b.err"; then pass "same identity with other comments counts as the same key"
else fail "recommented key (rc=$RC): $(cat "$T/i2b.err")"; fi

# 3. different key: refused without --replace, refused without --force, replaced with both
run_ags i3 kube install-key --kubeconfig "$KC" "$T/two.agekey"
if [ $RC = 1 ] && grep -q "already exists with a different key" "$T/i3.err" && [ "$(wc -l < "$T/i3.err")" = 1 ]; then
	pass "a different key is refused without --replace (one-line error)"
else fail "different key without --replace (rc=$RC): $(cat "$T/i3.err")"; fi
run_ags i4 kube install-key --kubeconfig "$KC" --replace "$T/two.agekey"
if [ $RC = 1 ] && grep -q -- "--force" "$T/i4.err" && grep -qF "$PUB1" "$T/i4.err"; then
	pass "--replace without --force refuses and names the key in the cluster"
else fail "--replace without --force (rc=$RC): $(cat "$T/i4.err")"; fi
if cmp -s <(secret_key_from_api flux-system sops-age "$TOKEN") "$T/one.agekey"; then
	pass "the refused replacement left the Secret untouched"
else fail "Secret changed by a refused replacement"; fi
run_ags i5 kube install-key --kubeconfig "$KC" --replace --force "$T/two.agekey"
if [ $RC = 0 ] && grep -q replaced "$T/i5.err" && cmp -s <(secret_key_from_api flux-system sops-age "$TOKEN") "$T/two.agekey"; then
	pass "--replace --force replaces the key (PUT with resourceVersion)"
else fail "--replace --force (rc=$RC): $(cat "$T/i5.err")"; fi
run_ags i5b kube install-key --kubeconfig "$KC" --force "$T/two.agekey"
[ $RC = 2 ] && pass "--force alone is a usage error" || fail "--force alone (rc=$RC)"

# 4. bad key files are refused before anything is sent
n_before=$(wc -l < "$T/api.log")
printf 'AGE-SECRET-KEY-1QQQQ\n' > "$T/bad.agekey"
run_ags bad1 kube install-key --kubeconfig "$KC" -n other "$T/bad.agekey"
printf 'this is not a key\n' > "$T/bad2.agekey"
run_ags bad2 kube install-key --kubeconfig "$KC" -n other "$T/bad2.agekey"
rc2=$RC
: > "$T/empty.agekey"
run_ags bad3 kube install-key --kubeconfig "$KC" -n other "$T/empty.agekey"
rc3=$RC
n_after=$(wc -l < "$T/api.log")
if [ "$rc2" = 1 ] && [ "$rc3" = 1 ] && [ "$n_before" = "$n_after" ] && grep -q "bad2\|key file:1" "$T/bad2.err"; then
	pass "invalid key files are refused locally (nothing sent)"
else fail "invalid key files (rc=$rc2/$rc3, requests $n_before -> $n_after): $(cat "$T/bad1.err" "$T/bad2.err" "$T/bad3.err")"; fi
run_ags bad4 kube install-key --kubeconfig "$KC" "$T/missing.agekey"
[ $RC = 1 ] && grep -q missing.agekey "$T/bad4.err" && pass "missing key file: clear error" || fail "missing key file (rc=$RC)"

# 5. pubkey: not published yet -> clear error; after bootstrap -> the key; round trip
run_ags p0 kube pubkey --kubeconfig "$KC"
if [ $RC = 1 ] && grep -q 'HTTP 404 NotFound: configmaps "sops-age-public" not found' "$T/p0.err"; then
	pass "pubkey before publication: 404 with the Status message"
else fail "pubkey before publication (rc=$RC): $(cat "$T/p0.err")"; fi
run_ags b0 kube bootstrap --kubeconfig "$KC"
run_ags p1 kube pubkey --kubeconfig "$KC"
if [ $RC = 0 ] && [ "$(cat "$T/p1.out")" = "$PUB2" ]; then pass "pubkey prints the published key"
else fail "pubkey (rc=$RC): $(cat "$T/p1.out" "$T/p1.err")"; fi
echo "the cluster secret: $(openssl rand -hex 8)" > "$T/plain.txt"
"$AGS" age -r "$(cat "$T/p1.out")" -o "$T/ct.age" "$T/plain.txt" 2>"$T/enc.err" || fail "agesops age -r"
secret_key_from_api flux-system sops-age "$TOKEN" > "$T/readback.key"
chmod 600 "$T/readback.key"
if "$AGS" age -d -i "$T/readback.key" "$T/ct.age" 2>"$T/dec.err" | cmp -s - "$T/plain.txt"; then
	pass "round trip: encrypted for the published key, decrypted with the key read back (agesops)"
else fail "round trip with agesops: $(cat "$T/dec.err")"; fi
if command -v age >/dev/null; then
	if age -d -i "$T/readback.key" "$T/ct.age" 2>"$T/godec.err" | cmp -s - "$T/plain.txt"; then
		pass "round trip: Go age decrypts with the key read back"
	else fail "round trip with Go age: $(cat "$T/godec.err")"; fi
fi
rm -f "$T/readback.key"

# 6. several identities in one file: all public keys, comma-separated for --age
grep -h AGE-SECRET-KEY "$T/one.agekey" "$T/two.agekey" > "$T/multi.agekey"
run_ags mu kube install-key --kubeconfig "$KC" -n multi "$T/multi.agekey"
[ $RC = 0 ] && [ "$(cat "$T/mu.out")" = "$PUB1,$PUB2" ] && pass "a file with two identities: both public keys printed" \
	|| fail "multi-identity (rc=$RC): $(cat "$T/mu.out" "$T/mu.err")"
stop_servers

# 7. 409 Conflict on a stale resourceVersion: re-read and retry, bounded
start_server conflict --token "$TOKEN=alice" --stale-puts 2
kubeconfig_token "$KC" "$SERVER_URL" "$TOKEN"
run_ags c0 kube install-key --kubeconfig "$KC" "$T/one.agekey"
run_ags c1 kube install-key --kubeconfig "$KC" --replace --force "$T/two.agekey"
if [ $RC = 0 ] && [ "$(grep -c '^PUT .* 409 ' "$T/conflict.log")" = 2 ] && [ "$(grep -c '^PUT .* 200 ' "$T/conflict.log")" = 1 ] &&
	cmp -s <(secret_key_from_api flux-system sops-age "$TOKEN") "$T/two.agekey"; then
	pass "409 Conflict (stale resourceVersion): re-read and replaced"
else fail "conflict retry (rc=$RC): $(cat "$T/c1.err")"; fi
stop_servers
start_server conflict2 --token "$TOKEN=alice" --stale-puts 1000
kubeconfig_token "$KC" "$SERVER_URL" "$TOKEN"
run_ags c2 kube install-key --kubeconfig "$KC" "$T/one.agekey"
run_ags c3 kube install-key --kubeconfig "$KC" --replace --force "$T/two.agekey"
if [ $RC = 75 ] && grep -qF 'HTTP 409 Conflict: Operation cannot be fulfilled on secrets "sops-age": the object has been modified' "$T/c3.err" &&
	[ "$(grep -c '^PUT ' "$T/conflict2.log")" -le 10 ]; then
	pass "endless conflicts: bounded attempts, exit 75"
else fail "endless conflicts (rc=$RC): $(cat "$T/c3.err")"; fi

finish
