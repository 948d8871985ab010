#!/usr/bin/env bash
# `agesops cluster init --from-cluster` against the fake API server: the key
# is made in the cluster (kube bootstrap), only its public half is read
# (kube pubkey); the Secrets written to the repository decrypt with the key
# read back from the cluster, and no private key lands on the workstation.
source "$AGS_SOURCE_ROOT/tests/k8s/lib.sh"
make_pki
TOKEN=tok-$(openssl rand -hex 16)
SECRETS+=("$TOKEN")
start_server api --token "$TOKEN=alice"
KC=$T/kubeconfig
kubeconfig_token "$KC" "$SERVER_URL" "$TOKEN"

export HOME=$T/home XDG_CONFIG_HOME=
mkdir -p "$HOME" "$T/repo"
cd "$T/repo" && git init -q .
GIT_TOKEN=ghp_fromcluster_$(openssl rand -hex 8)
SECRETS+=("$GIT_TOKEN")

# before bootstrap: a clear failure, nothing written
GIT_TOKEN=$GIT_TOKEN run_ags c0 cluster init c1 --from-cluster --kubeconfig "$KC" --no-proxmox --git-url https://git.example/c1.git
if [ $RC != 0 ] && grep -q "kube bootstrap" "$T/c0.err" && [ -z "$(ls -A "$T/repo" | grep -v '^.git$')" ]; then
	pass "--from-cluster before bootstrap fails cleanly, writes nothing"
else fail "--from-cluster before bootstrap (rc=$RC): $(cat "$T/c0.err")"; fi

run_ags b0 kube bootstrap --kubeconfig "$KC"
[ $RC = 0 ] || fail "bootstrap (rc=$RC): $(cat "$T/b0.err")"
run_ags p0 kube pubkey --kubeconfig "$KC"
PUB=$(cat "$T/p0.out")

GIT_TOKEN=$GIT_TOKEN run_ags c1 cluster init c1 --from-cluster --kubeconfig "$KC" --no-proxmox --git-url https://git.example/c1.git
if [ $RC = 0 ] && grep -q "recipient: $PUB" secrets/c1/git-secret.yaml && [ "$(cat secrets/c1/.sops.public.key)" = "$PUB" ]; then
	pass "cluster init --from-cluster encrypts for the cluster's published key"
else fail "cluster init --from-cluster (rc=$RC): $(cat "$T/c1.err")"; fi
[ ! -e "$HOME/.config/agesops" ] && pass "no private key written locally" || fail "a local key was written"
secret_key_from_api flux-system sops-age "$TOKEN" > "$T/cluster.key"
chmod 600 "$T/cluster.key"
SECRETS+=("$(grep AGE-SECRET-KEY "$T/cluster.key")")
if SOPS_AGE_KEY_FILE=$T/cluster.key "$AGS" decrypt secrets/c1/git-secret.yaml 2>"$T/dec.err" | grep -q "password: $GIT_TOKEN"; then
	pass "the Secret decrypts with the key held by the cluster"
else fail "decrypt with the cluster's key: $(cat "$T/dec.err")"; fi
grep -q "nothing to install" "$T/c1.err" && pass "next steps: nothing to install" || fail "next steps"
run_ags c2 cluster init c1 --from-cluster --key-file "$T/k" --no-proxmox --no-git
[ $RC = 8 ] && pass "--from-cluster with --key-file refused" || fail "--from-cluster + --key-file (rc=$RC)"
finish
