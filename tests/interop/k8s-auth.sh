#!/usr/bin/env bash
# Client configuration and failure modes against the fake API server: client
# certificates (files and -data), tokenFile, exec credential plugins (token,
# client certificate, failure, timeout), KUBECONFIG with several files and
# --context, insecure-skip-tls-verify, expired token (401), wrong CA, server
# down (bounded time), and kubectl itself as a peer (a Secret made by kubectl
# create secret generic --from-file is recognised as the same key).  Outputs
# and logs are checked for the private key, tokens and the client key.
source "$AGS_SOURCE_ROOT/tests/k8s/lib.sh"
make_pki
TOKEN=good-$(openssl rand -hex 16)
EXPIRED=expired-$(openssl rand -hex 16)
PLUGIN_TOKEN=plugin-$(openssl rand -hex 16)
SECRETS+=("$TOKEN" "$EXPIRED" "$PLUGIN_TOKEN" "$(sed -n '2p' "$T/client.key")")
start_server api --token "$TOKEN=alice" --token "$PLUGIN_TOKEN=plugin-user"
"$AGS" keygen -o "$T/k.agekey" 2>/dev/null || { echo "FAIL: keygen"; exit 1; }
SECRETS+=("$(grep AGE-SECRET-KEY "$T/k.agekey")")
PUB=$(grep -o 'age1[0-9a-z]*' "$T/k.agekey" | head -1)
last_user() { tail -1 "$T/api.log" | sed -n 's/.* user=\([^ ]*\).*/\1/p'; }

cluster_block() { # SERVER CA-FILE
	printf -- "- name: fake\n  cluster:\n    server: %s\n    certificate-authority: %s\n" "$1" "$2"
}

# 1. client certificate and key as relative file paths
mkdir -p "$T/kc-dir/pki"
cp "$T/client.pem" "$T/client.key" "$T/ca.pem" "$T/kc-dir/pki/"
cat > "$T/kc-dir/config" <<EOF
apiVersion: v1
kind: Config
current-context: certs
clusters:
$(cluster_block "$SERVER_URL" pki/ca.pem)
users:
- name: cert
  user:
    client-certificate: pki/client.pem
    client-key: pki/client.key
contexts:
- name: certs
  context: {cluster: fake, user: cert}
EOF
run_ags c1 kube install-key --kubeconfig "$T/kc-dir/config" "$T/k.agekey"
if [ $RC = 0 ] && [ "$(last_user)" = cert-user ]; then
	pass "client certificate from files (relative to the kubeconfig) authenticates"
else fail "client cert files (rc=$RC, user=$(last_user)): $(cat "$T/c1.err")"; fi

# 2. client certificate/key as -data, token file, in one KUBECONFIG list with --context
cat > "$T/a.yaml" <<EOF
apiVersion: v1
kind: Config
current-context: main
contexts:
- name: main
  context: {cluster: fake, user: tokfile}
users:
- name: tokfile
  user:
    tokenFile: tokens/t
EOF
mkdir -p "$T/tokens"; printf '%s\n' "$TOKEN" > "$T/tokens/t"
cat > "$T/b.yaml" <<EOF
apiVersion: v1
kind: Config
current-context: ignored-because-a-sets-it
clusters:
- name: fake
  cluster:
    server: $SERVER_URL
    certificate-authority-data: $(b64 "$T/ca.pem")
contexts:
- name: main
  context: {cluster: nowhere, user: nobody}
- name: certdata
  context: {cluster: fake, user: certdata}
users:
- name: certdata
  user:
    client-certificate-data: $(b64 "$T/client.pem")
    client-key-data: $(b64 "$T/client.key")
EOF
KUBECONFIG="$T/a.yaml:$T/missing.yaml:$T/b.yaml" timeout 60 "$AGS" kube install-key "$T/k.agekey" >"$T/m1.out" 2>"$T/m1.err"
RC=$?
if [ $RC = 0 ] && [ "$(last_user)" = alice ]; then
	pass "KUBECONFIG list: first file's context wins, cluster from a later file, tokenFile read"
else fail "KUBECONFIG merge (rc=$RC, user=$(last_user)): $(cat "$T/m1.err")"; fi
KUBECONFIG="$T/a.yaml:$T/b.yaml" timeout 60 "$AGS" kube install-key --context certdata "$T/k.agekey" >"$T/m2.out" 2>"$T/m2.err"
RC=$?
if [ $RC = 0 ] && [ "$(last_user)" = cert-user ]; then
	pass "--context selects a context; client-certificate-data/client-key-data authenticate"
else fail "--context certdata (rc=$RC, user=$(last_user)): $(cat "$T/m2.err")"; fi
KUBECONFIG="$T/a.yaml:$T/b.yaml" timeout 20 "$AGS" kube pubkey --context nosuch >"$T/m3.out" 2>"$T/m3.err"
RC=$?
[ $RC = 1 ] && grep -q "context 'nosuch' not found" "$T/m3.err" && pass "unknown --context: clear error" \
	|| fail "unknown context (rc=$RC): $(cat "$T/m3.err")"

# 3. exec credential plugins
mkdir -p "$T/bin"
cat > "$T/bin/token-plugin" <<'EOF'
#!/bin/sh
printf '%s' "$KUBERNETES_EXEC_INFO" > "$PLUGIN_INFO_FILE"
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"2099-01-01T00:00:00Z"}}\n' "$PLUGIN_TOKEN"
EOF
cat > "$T/bin/cert-plugin" <<'EOF'
#!/bin/sh
python3 -c 'import json,sys; print(json.dumps({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"clientCertificateData":open(sys.argv[1]).read(),"clientKeyData":open(sys.argv[2]).read()}}))' "$1" "$2"
EOF
printf '#!/bin/sh\necho "plugin: cannot log in" >&2\nexit 3\n' > "$T/bin/failing-plugin"
printf '#!/bin/sh\nexec sleep 30\n' > "$T/bin/slow-plugin"
chmod +x "$T/bin/"*
exec_kc() { # FILE COMMAND APIVERSION [ARGS-YAML]
	cat > "$1" <<EOF
apiVersion: v1
kind: Config
current-context: x
clusters:
$(cluster_block "$SERVER_URL" "$T/ca.pem")
users:
- name: plug
  user:
    exec:
      apiVersion: $3
      command: $2
      args: ${4:-[]}
      env:
      - {name: PLUGIN_TOKEN, value: "$PLUGIN_TOKEN"}
      - {name: PLUGIN_INFO_FILE, value: "$T/exec-info.json"}
      interactiveMode: Never
      installHint: install the test plugin
contexts:
- name: x
  context: {cluster: fake, user: plug}
EOF
}
exec_kc "$T/bin/kc-token" ./token-plugin client.authentication.k8s.io/v1
run_ags e1 kube install-key --kubeconfig "$T/bin/kc-token" "$T/k.agekey"
if [ $RC = 0 ] && [ "$(last_user)" = plugin-user ] &&
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["kind"]=="ExecCredential" and j["apiVersion"]=="client.authentication.k8s.io/v1" and j["spec"]["interactive"] is False' "$T/exec-info.json"; then
	pass "exec plugin (v1, relative command, env): status.token used, KUBERNETES_EXEC_INFO set"
else fail "exec plugin token (rc=$RC, user=$(last_user)): $(cat "$T/e1.err")"; fi
exec_kc "$T/kc-cert" "$T/bin/cert-plugin" client.authentication.k8s.io/v1beta1 "[\"$T/client.pem\", \"$T/client.key\"]"
run_ags e2 kube install-key --kubeconfig "$T/kc-cert" "$T/k.agekey"
[ $RC = 0 ] && [ "$(last_user)" = cert-user ] && pass "exec plugin (v1beta1): clientCertificateData/clientKeyData used" \
	|| fail "exec plugin cert (rc=$RC, user=$(last_user)): $(cat "$T/e2.err")"
# a plugin whose cached token has expired: 401, the plugin runs again, the fresh token works
cat > "$T/bin/stale-plugin" <<EOF
#!/bin/sh
n=\$(cat "$T/stale-count" 2>/dev/null || echo 0); echo \$((n + 1)) > "$T/stale-count"
if [ "\$n" = 0 ]; then tok=$EXPIRED; else tok=\$PLUGIN_TOKEN; fi
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\n' "\$tok"
EOF
chmod +x "$T/bin/stale-plugin"
exec_kc "$T/kc-stale" "$T/bin/stale-plugin" client.authentication.k8s.io/v1
run_ags e5 kube pubkey --kubeconfig "$T/kc-stale"
if [ "$(cat "$T/stale-count")" = 2 ] && [ "$(tail -2 "$T/api.log" | head -1 | cut -d' ' -f3)" = 401 ] && [ "$(last_user)" = plugin-user ]; then
	pass "401 with an exec plugin: the plugin runs once more and the fresh token is used"
else fail "exec refresh (runs=$(cat "$T/stale-count"), rc=$RC): $(cat "$T/e5.err")"; fi
exec_kc "$T/kc-fail" "$T/bin/failing-plugin" client.authentication.k8s.io/v1
run_ags e3 kube pubkey --kubeconfig "$T/kc-fail"
[ $RC = 1 ] && grep -q "failing-plugin' failed (exit status 3)" "$T/e3.err" && pass "failing exec plugin: clear error" \
	|| fail "failing plugin (rc=$RC): $(cat "$T/e3.err")"
exec_kc "$T/kc-slow" "$T/bin/slow-plugin" client.authentication.k8s.io/v1
start=$(date +%s)
run_ags e4 kube pubkey --kubeconfig "$T/kc-slow" --request-timeout 2
took=$(( $(date +%s) - start ))
[ $RC = 75 ] && [ $took -le 6 ] && grep -q "did not finish within 2000 ms" "$T/e4.err" \
	&& pass "hanging exec plugin is killed after the timeout (${took}s)" || fail "slow plugin (rc=$RC, ${took}s): $(cat "$T/e4.err")"

# 4. expired / unknown token: 401
kubeconfig_token "$T/kc-expired" "$SERVER_URL" "$EXPIRED"
n401=$(grep -c ' 401 ' "$T/api.log")
run_ags x1 kube pubkey --kubeconfig "$T/kc-expired"
if [ $RC = 1 ] && grep -q "127.0.0.1:$PORT: get ConfigMap flux-system/sops-age-public: HTTP 401 Unauthorized: Unauthorized" "$T/x1.err" &&
	[ "$(grep -c ' 401 ' "$T/api.log")" = $((n401 + 1)) ]; then
	pass "expired token: one 401, not retried, clear error, exit 1"
else fail "expired token (rc=$RC): $(cat "$T/x1.err")"; fi

# 5. wrong CA: TLS verification fails; insecure-skip-tls-verify accepts it
kubeconfig_token "$T/kc-wrongca" "$SERVER_URL" "$TOKEN" "$T/other-ca.pem"
n_before=$(grep -vc 'TLS handshake' "$T/api.log")
run_ags w1 kube pubkey --kubeconfig "$T/kc-wrongca"
n_after=$(grep -vc 'TLS handshake' "$T/api.log")
if [ $RC = 1 ] && grep -q "TLS verification failed" "$T/w1.err" && [ "$n_before" = "$n_after" ]; then
	pass "wrong CA: TLS verification fails, no request (so no token) reaches the server"
else fail "wrong CA (rc=$RC): $(cat "$T/w1.err")"; fi
sed -e '/certificate-authority-data/d' -e 's/^    server: .*/&\n    insecure-skip-tls-verify: true/' "$T/kc-wrongca" > "$T/kc-insecure"
run_ags w2 kube install-key --kubeconfig "$T/kc-insecure" "$T/k.agekey"
[ $RC = 0 ] && pass "insecure-skip-tls-verify: true skips verification" || fail "insecure (rc=$RC): $(cat "$T/w2.err")"
sed -e 's/^    server: .*/&\n    insecure-skip-tls-verify: true/' "$T/kc-wrongca" > "$T/kc-both"
run_ags w3 kube pubkey --kubeconfig "$T/kc-both"
[ $RC = 1 ] && grep -q "insecure-skip-tls-verify is not allowed" "$T/w3.err" && pass "CA together with insecure: refused as kubectl does" \
	|| fail "CA + insecure (rc=$RC): $(cat "$T/w3.err")"

# 6. kubectl as a peer: the object kubectl create secret generic --from-file
# makes (client-side generator, then created through the API as JSON) is the
# same key for agesops, and kubectl reads back what agesops created.
if command -v kubectl >/dev/null; then
	kubeconfig_token "$T/kc-kubectl" "$SERVER_URL" "$TOKEN"
	KUBECONFIG=/dev/null timeout 60 kubectl create secret generic sops-age -n kubectl-made \
		--from-file=age.agekey="$T/k.agekey" --dry-run=client -o json >"$T/kubectl-secret.json" 2>"$T/kubectl.err"
	if timeout 60 kubectl --cache-dir "$T/kcache" --kubeconfig "$T/kc-kubectl" create --validate=false -f "$T/kubectl-secret.json" \
		>"$T/kubectl.out" 2>>"$T/kubectl.err"; then
		run_ags k1 kube install-key --kubeconfig "$T/kc-kubectl" -n kubectl-made "$T/k.agekey"
		[ $RC = 0 ] && grep -q unchanged "$T/k1.err" && pass "kubectl create secret generic --from-file: agesops sees the same key" \
			|| fail "kubectl peer (rc=$RC): $(cat "$T/k1.err")"
		kdata=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"]["age.agekey"])' "$T/kubectl-secret.json")
		adata=$(python3 -c 'import json,sys; print([o for o in json.load(open(sys.argv[1])) if o["kind"]=="Secret" and o["metadata"]["namespace"]=="flux-system"][0]["data"]["age.agekey"])' "$T/api.state")
		[ -n "$kdata" ] && [ "$kdata" = "$adata" ] && pass "agesops sends the same Secret data as kubectl's generator" \
			|| fail "Secret data differs from kubectl's"
		kget=$(timeout 60 kubectl --cache-dir "$T/kcache" --kubeconfig "$T/kc-kubectl" get secret sops-age -n flux-system -o jsonpath='{.data.age\.agekey}' 2>"$T/kubectl-get.err" | base64 -d)
		[ "$kget" = "$(cat "$T/k.agekey")" ] && pass "kubectl reads the Secret agesops created" || fail "kubectl get: $(cat "$T/kubectl-get.err")"
	else
		fail "kubectl could not talk to the fake server: $(head -2 "$T/kubectl.err")"
	fi
fi

# 7. server down: connection refused, retried a bounded number of times, exit 75
stop_servers
start=$(date +%s)
run_ags d1 kube pubkey --kubeconfig "$T/kc-kubectl"
took=$(( $(date +%s) - start ))
if [ $RC = 75 ] && [ $took -le 15 ] && grep -q "127.0.0.1:$PORT: get ConfigMap flux-system/sops-age-public: could not connect" "$T/d1.err" &&
	[ "$(wc -l < "$T/d1.err")" = 1 ]; then
	pass "server down: one-line error naming the host, exit 75, ${took}s"
else fail "server down (rc=$RC, ${took}s): $(cat "$T/d1.err")"; fi

finish
