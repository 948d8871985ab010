#!/usr/bin/env bash
# Benchmark: `agesops check` over a generated GitOps repository of N manifests
# (default 10000; goal < 1 s), side by side with the usual pre-commit
# heuristic (onedr0p/sops-pre-commit's forbid-secrets: grep for kind: Secret
# without ENC[AES256), which checks far less.  Prints times and the ratio.
#   bench/check.sh [N] [AGESOPS_BIN]
set -euo pipefail
n=${1:-10000}
root=$(cd "$(dirname "$0")/.." && pwd)
ags=${2:-${AGS_BIN:-$root/build/agesops}}
shared=${AGS_DATA:-$root/tests/data}
fix=$shared/fixtures/sops/fluxcd__kustomize-controller/internal__controller__testdata__sops__algorithms__age.yaml
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
cd "$t"
git init -q .
echo age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29 > .sops.public.key
# ~100 manifests per directory: deployments, configmaps, services, encrypted Secrets, kustomizations
for ((i = 0; i < n; i++)); do
	d=apps/team$((i / 100))
	[ $((i % 100)) = 0 ] && mkdir -p "$d"
	case $((i % 10)) in
	0) cp "$fix" "$d/secret-$i.yaml" ;;
	1) printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deploy-%d.yaml\n' "$i" > "$d/kustomization-$i.yaml" ;;
	2|3|4) printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\n  namespace: team%d\ndata:\n  key: value-%d\n  other: "some longer text for the config map number %d"\n' "$i" $((i / 100)) "$i" "$i" > "$d/cm-$i.yaml" ;;
	*) printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-%d\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n      - name: app\n        image: ghcr.io/example/app:%d\n        env:\n        - name: MODE\n          value: production\n' "$i" "$i" > "$d/deploy-$i.yaml" ;;
	esac
done
git add -A >/dev/null
echo "repository: $n manifests in $(ls apps | wc -l) directories"
now() { date +%s.%N; }
t0=$(now)
"$ags" check --no-mac -q || { echo "agesops check reported problems (unexpected)"; exit 1; }
t1=$(now)
# the grep heuristic of onedr0p/sops-pre-commit, over the same files
git ls-files -z '*.yaml' | xargs -0 grep -liE '^kind:\s*secret$' | xargs -r grep -L 'ENC.AES256' >/dev/null || true
t2=$(now)
a=$(awk -v x="$t0" -v y="$t1" 'BEGIN { print y - x }'); g=$(awk -v x="$t1" -v y="$t2" 'BEGIN { print y - x }')
awk -v a="$a" -v g="$g" 'BEGIN { printf "agesops check: %.3f s   grep heuristic: %.3f s   ratio agesops/grep: %.2f\n", a, g, a / g }'
# the same with the key at hand: every encrypted Secret (10%) is decrypted and its MAC checked
key=$shared/fixtures/sops/fluxcd__kustomize-controller/internal__controller__testdata__sops__keys__age.txt
t3=$(now)
SOPS_AGE_KEY_FILE=$key "$ags" check -q || { echo "agesops check with MAC reported problems (unexpected)"; exit 1; }
t4=$(now)
awk -v x="$t3" -v y="$t4" -v m=$((n / 10)) 'BEGIN { printf "agesops check with MAC checks (%d encrypted files decrypted): %.3f s\n", m, y - x }'
awk -v a="$a" -v n="$n" 'BEGIN { if (n >= 10000 && a >= 1.0) { print "GOAL MISSED: >= 1 s"; exit 1 } }'
