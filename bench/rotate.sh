#!/usr/bin/env bash
# bench/rotate.sh [N]: rotating the age key of a cluster with N (default
# 2000) SOPS-encrypted Secrets, against `agesops updatekeys -y -r` over the
# same files.
#   rotate      agesops cluster rotate-key c1 --offline --no-check
#               (new key; every file gets a NEW data key, all values
#               re-encrypted, key entries for the new key + an admin;
#               .sops.public.key and .sops.yaml updated)
#   updatekeys  agesops updatekeys -y -r secrets/c1 after adding a recipient
#               to the rule (same files, key entries re-wrapped only)
# Each is run R times (default 3) on fresh copies; prints the median seconds
# and the ratio rotate/updatekeys.  --offline keeps the API server out of
# the measurement (step 2 is two small requests).
#   AGS_BIN=path/to/agesops  (default: build/agesops)   R=runs
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-${N:-2000}}
runs=${R:-3}
AGS=${AGS_BIN:-$PWD/build/agesops}
[ -x "$AGS" ] || { echo "bench/rotate: build agesops first (ninja -C build)"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HOME=$T/home XDG_CONFIG_HOME=
mkdir -p "$HOME" "$T/base"
cd "$T/base" && git init -q .
"$AGS" keygen -o "$T/admin.agekey" 2>/dev/null
ADMIN=$("$AGS" keygen -y "$T/admin.agekey")
"$AGS" keygen -o "$T/extra.agekey" 2>/dev/null
EXTRA=$("$AGS" keygen -y "$T/extra.agekey")
"$AGS" cluster init c1 --no-git --no-proxmox --admin-recipient "$ADMIN" >/dev/null 2>&1 ||
	{ echo "bench/rotate: cluster init failed"; exit 1; }
for ((i = 0; i < n; i++)); do
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s%d\n  namespace: apps\ntype: Opaque\nstringData:\n  username: user-%d\n  password: %s\n  url: https://svc-%d.example:8443/api\n' \
		"$i" "$i" "$(head -c 18 /dev/urandom | base64)" "$i" > "secrets/c1/s$i.yaml"
done
"$AGS" encrypt -i -r secrets/c1 >/dev/null 2>&1 || { echo "bench/rotate: encrypt -r failed"; exit 1; }
KEY=$HOME/.config/agesops/keys/c1.agekey
cp "$KEY" "$T/key.orig"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # NAME SETUP COMMAND...
	local i s e out=""
	for ((i = 0; i < runs; i++)); do
		rm -rf "$T/run" && cp -a "$T/base" "$T/run" && cp "$T/key.orig" "$KEY" && rm -f "$KEY".old-*
		cd "$T/run" || exit 1
		eval "$2"
		s=$(date +%s%N)
		"${@:3}" >/dev/null 2>"$T/err" || { echo "bench/rotate: $1 failed: $(tail -3 "$T/err")" >&2; exit 1; }
		e=$(date +%s%N)
		out="$out$(( (e - s) / 1000000 ))"$'\n'
	done
	printf '%s' "$out" | median
}
echo "bench/rotate: $n Secrets, $runs runs each (median), $(nproc) CPU(s), load $(cut -d' ' -f1 /proc/loadavg)"
SOPS_AGE_KEY_FILE=$KEY
export SOPS_AGE_KEY_FILE
u=$(timeit updatekeys "sed -i 's/$ADMIN/$ADMIN,$EXTRA/' .sops.yaml" "$AGS" updatekeys -y -r secrets/c1)
r=$(timeit rotate ":" "$AGS" cluster rotate-key c1 --offline --no-check)
echo "updatekeys -y -r : ${u} ms"
echo "rotate-key       : ${r} ms"
awk -v r="$r" -v u="$u" 'BEGIN { printf "ratio rotate-key / updatekeys: %.2f\n", r / u }'
