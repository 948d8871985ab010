#!/usr/bin/env bash
# bench/kube.sh [N]: N (default 50) round trips against the local fake API
# server (tests/k8s/fake-apiserver.py, HTTPS, bearer token), agesops next to
# kubectl in the same run:
#   read     agesops kube pubkey              vs kubectl get configmap -o jsonpath
#   install  agesops kube install-key (same key, idempotent: POST 409 + GET)
#            vs kubectl create -f secret.json --validate=false (POST 409)
# Prints mean milliseconds per command and the ratio kubectl/agesops.  The
# fake server is in Python, so absolute numbers mostly measure process start
# and TLS; the ratio is what matters.
#   AGS_BIN=path/to/agesops  (default: build/agesops)
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-${N:-50}}
export AGS_BIN=${AGS_BIN:-$PWD/build/agesops} AGS_SOURCE_ROOT=$PWD
[ -x "$AGS_BIN" ] || { echo "bench/kube: build agesops first (ninja -C build)"; exit 1; }
command -v kubectl >/dev/null || { echo "bench/kube: kubectl not installed"; exit 1; }
source tests/k8s/lib.sh
make_pki
TOKEN=bench-$(openssl rand -hex 16)
start_server bench --token "$TOKEN=bench" --log /dev/null
kubeconfig_token "$T/kc" "$SERVER_URL" "$TOKEN"
"$AGS" keygen -o "$T/k.agekey" 2>/dev/null
"$AGS" kube install-key --kubeconfig "$T/kc" "$T/k.agekey" >/dev/null 2>&1
"$AGS" kube bootstrap --kubeconfig "$T/kc" >/dev/null 2>&1
KUBECONFIG=/dev/null kubectl create secret generic sops-age -n flux-system \
	--from-file=age.agekey="$T/k.agekey" --dry-run=client -o json > "$T/secret.json"
K=(kubectl --kubeconfig "$T/kc" --cache-dir "$T/kcache")
"${K[@]}" get configmap sops-age-public -n flux-system >/dev/null 2>&1 # warm the discovery cache

ms() { # COMMAND...: mean ms over n runs
	local s e i
	s=$(date +%s%N)
	for ((i = 0; i < n; i++)); do "$@" >/dev/null 2>&1; done
	e=$(date +%s%N)
	echo $(( (e - s) / n / 1000000 ))
}
echo "bench/kube: $n runs each, $(nproc) CPU(s), $(kubectl version --client 2>/dev/null | head -1)"
a=$(ms "$AGS" kube pubkey --kubeconfig "$T/kc")
k=$(ms "${K[@]}" get configmap sops-age-public -n flux-system -o 'jsonpath={.data.age\.pub}')
printf 'read public key:   agesops %4d ms   kubectl %4d ms   kubectl/agesops %s\n' "$a" "$k" \
	"$(awk -v a="$a" -v k="$k" 'BEGIN{printf "%.1f", (a ? k / a : 0)}')"
a=$(ms "$AGS" kube install-key --kubeconfig "$T/kc" "$T/k.agekey")
k=$(ms "${K[@]}" create --validate=false -f "$T/secret.json")
printf 'install same key:  agesops %4d ms   kubectl %4d ms   kubectl/agesops %s\n' "$a" "$k" \
	"$(awk -v a="$a" -v k="$k" 'BEGIN{printf "%.1f", (a ? k / a : 0)}')"
