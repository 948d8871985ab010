#!/usr/bin/env bash
# bench/perf-goals.sh: every performance goal of issue 15, each side by side
# with its peer in ONE run, printed as goal / figures / ratio / met or NOT met.
#
#   1. one small Secret per process: agesops decrypt, encrypt and `age -d` of
#      a small file vs Go `age -d` of a small file (<= 0.5x) and vs a C
#      program that does nothing (the exec + loader floor, <= 2.5x);
#      `agesops --version` <= 1.5x the floor.  hyperfine medians, plus
#      instruction counts (callgrind) that do not depend on the load;
#   2. re-key of a repository (bench/repo.sh): < 1.0 s, >= 20x Go per file;
#   3. large age files (bench/age): >= 2x Go age and >= 85% of the one-core
#      `openssl speed -evp chacha20-poly1305` ceiling, encrypt and decrypt;
#   4. check over 10,000 manifests (bench/check.sh) and decrypt --check -r
#      over 2,000 files (bench/repo.sh): today's figures or better (the
#      README's: CHECK_BASE=0.108 s, CHECK_R_BASE=0.19 s; 10% noise margin).
#
#   bench/perf-goals.sh [AGE_MiB] [REPO_FILES] [MANIFESTS]   (1024 2000 10000)
# Env: AGS_BIN (default build/agesops), CALLGRIND=0 skips instruction counts.
# Wall-clock figures need a quiet machine: the load average is printed with them.
set -euo pipefail
age_mib=${1:-1024}
repo_n=${2:-2000}
manifests=${3:-10000}
root=$(cd "$(dirname "$0")/.." && pwd)
AGS=${AGS_BIN:-$root/build/agesops}
[ -x "$AGS" ] || { echo "build agesops first (or set AGS_BIN)"; exit 1; }
for t in age age-keygen hyperfine cc python3; do
	command -v "$t" >/dev/null || { echo "perf-goals: needs $t (scripts/install-deps.sh)"; exit 1; }
done
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
summary=$W/summary
goal() { # goal NAME FIGURES RATIO MET(0/1)
	printf '%-44s %-44s %-16s %s\n' "$1" "$2" "$3" "$([ "$4" = 1 ] && echo met || echo 'NOT met')" >>"$summary"
}
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
echo "perf-goals: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"

echo "== goal 1: one small Secret per process"
(
	cd "$W"
	export HOME=$W XDG_CONFIG_HOME=$W/.config
	unset SOPS_AGE_KEY SOPS_AGE_KEY_CMD SOPS_AGE_RECIPIENTS SOPS_CONFIG
	age-keygen -o key.txt 2>/dev/null
	R=$(age-keygen -y key.txt)
	export SOPS_AGE_KEY_FILE=$W/key.txt
	printf 'int main(void) { return 0; }\n' >noop.c
	cc -O2 -o noop noop.c
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n    name: db\n    namespace: prod\ntype: Opaque\nstringData:\n    username: admin\n    password: s3cr3t-p4ssw0rd\n    url: postgres://db.prod.svc:5432/app\n' >secret.yaml
	"$AGS" encrypt --age "$R" --encrypted-regex '^(data|stringData)$' secret.yaml >secret.enc.yaml
	printf 'a small file\n' >small.txt
	age -r "$R" -o small.age small.txt
	cmds=("./noop" "age -d -i key.txt small.age" "$AGS decrypt secret.enc.yaml"
	      "$AGS encrypt --age $R --encrypted-regex ^(data|stringData)\$ secret.yaml"
	      "$AGS age -d -i key.txt small.age" "$AGS --version")
	hyperfine -N --warmup 20 --runs 300 --export-json g1.json "${cmds[@]}" >/dev/null
	if [ "${CALLGRIND:-1}" = 1 ] && command -v valgrind >/dev/null; then
		for i in "${!cmds[@]}"; do
			[ "$i" = 1 ] && { echo "-" >>ir; continue; } # Go binaries: not under valgrind
			# shellcheck disable=SC2086 # the commands are word lists
			valgrind --tool=callgrind --callgrind-out-file=/dev/null ${cmds[$i]} 2>&1 >/dev/null |
				awk '/Collected/ { print $NF }' >>ir
		done
	fi
	python3 - g1.json ir <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))["results"]
ir = open(sys.argv[2]).read().split() if os.path.exists(sys.argv[2]) else []
names = ["C no-op (floor)", "Go age -d small file", "agesops decrypt (1 Secret)",
         "agesops encrypt (1 Secret)", "agesops age -d small file", "agesops --version"]
floor, goage = r[0]["median"], r[1]["median"]
for i, (n, x) in enumerate(zip(names, r)):
    cpu = (x["user"] + x["system"]) * 1000
    ins = f"{int(ir[i]) / 1e6:6.2f} M instr" if i < len(ir) and ir[i] != "-" else " " * 14
    print(f"  {n:28s} median {x['median']*1000:6.2f} ms  cpu {cpu:5.2f} ms  {ins}"
          f"  {x['median']/floor:5.2f}x floor  {x['median']/goage:5.2f}x Go age -d")
with open("g1.txt", "w") as f:
    for i, x in enumerate(r):
        f.write(f"{x['median']*1000:.2f} {x['median']/floor:.2f} {x['median']/goage:.2f}\n")
PY
)
mapfile -t g1 <"$W/g1.txt"
g1_names=(floor Go decrypt encrypt "age -d")
for i in 2 3 4; do
	read -r ms xf xg <<<"${g1[$i]}"
	name=${g1_names[$i]}
	goal "1. $name: <= 0.5x Go age -d, <= 2.5x floor" "$ms ms" "${xg}x Go, ${xf}x fl" \
		"$(le "$xg" 0.5 && le "$xf" 2.5 && echo 1 || echo 0)"
done
read -r ms xf _ <<<"${g1[5]}"
goal "1. --version: <= 1.5x floor" "$ms ms" "${xf}x floor" "$(le "$xf" 1.5 && echo 1 || echo 0)"

echo "== goals 2 and 4: a repository of $repo_n Secrets (bench/repo.sh)"
"$root/bench/repo.sh" "$repo_n" | tee "$W/repo.txt"
# columns: task, 1 process, per-file agesops, per-file Go age, vs agesops, vs Go age
uk=$(awk '/^updatekeys/ { for (i = 1; i <= NF; i++) if ($i ~ /s$/ && $i + 0 > 0) { print $i + 0; exit } }' "$W/repo.txt")
ukx=$(awk '/^updatekeys/ { v = $NF; sub(/x$/, "", v); print v }' "$W/repo.txt")
chk=$(awk '/^decrypt --check/ { for (i = 1; i <= NF; i++) if ($i ~ /s$/ && $i + 0 > 0) { print $i + 0; exit } }' "$W/repo.txt")
goal "2. updatekeys -y -r: < 1.0 s, >= 20x Go" "$uk s" "${ukx}x Go per file" \
	"$(awk -v t="$uk" -v x="$ukx" 'BEGIN { print (t < 1.0 && x >= 20) ? 1 : 0 }')"
base=${CHECK_R_BASE:-0.19}
goal "4. decrypt --check -r: <= $base s (+10%)" "$chk s" "$(awk -v a="$chk" -v b="$base" 'BEGIN { printf "%.2fx before", a / b }')" \
	"$(le "$chk" "$(awk -v b="$base" 'BEGIN { print b * 1.1 }')" && echo 1 || echo 0)"

echo "== goal 3: large age files (bench/age $age_mib)"
"$root/bench/age" "$age_mib" | tee "$W/age.txt"
read -r xe xd < <(awk '/^ratio encrypt/ { e = $4 } /^ratio decrypt/ { d = $4 } END { sub(/x/, "", e); sub(/x/, "", d); print e, d }' "$W/age.txt")
read -r ce cd < <(awk '/OpenSSL ceiling/ { e = $6; d = $8; sub(/%,?/, "", e); sub(/%/, "", d); print e, d }' "$W/age.txt")
goal "3. age encrypt: >= 2x Go, >= 85% OpenSSL" "${ce}% of the ceiling" "${xe}x Go" \
	"$(awk -v x="$xe" -v c="$ce" 'BEGIN { print (x >= 2 && c >= 85) ? 1 : 0 }')"
goal "3. age decrypt: >= 2x Go, >= 85% OpenSSL" "${cd}% of the ceiling" "${xd}x Go" \
	"$(awk -v x="$xd" -v c="$cd" 'BEGIN { print (x >= 2 && c >= 85) ? 1 : 0 }')"

echo "== goal 4: check over $manifests manifests (bench/check.sh)"
"$root/bench/check.sh" "$manifests" "$AGS" | tee "$W/check.txt" || true
ck=$(awk '/^agesops check:/ { print $3 }' "$W/check.txt")
base=${CHECK_BASE:-0.108}
goal "4. check: <= $base s (+10%)" "$ck s" "$(awk -v a="$ck" -v b="$base" 'BEGIN { printf "%.2fx before", a / b }')" \
	"$(le "$ck" "$(awk -v b="$base" 'BEGIN { print b * 1.1 }')" && echo 1 || echo 0)"

echo
echo "== summary (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-44s %-44s %-16s %s\n' goal figures ratio verdict
cat "$summary"
