#!/usr/bin/env bash
# bench/repo.sh [N] [JOBS]: a generated GitOps repository of N Kubernetes
# Secrets (default 2000), each encrypted for one age key by a .sops.yaml
# creation rule.  Measures, side by side in the same run:
#   - updatekeys -y -r (re-key every file for two recipients) in ONE process
#     vs one agesops process per file vs one Go `age` process per file (the
#     floor any per-file Go tool such as sops pays: start-up + one unwrap);
#   - decrypt --check -r (MAC of every file) in ONE process vs one agesops
#     decrypt process per file;
#   - encrypt -i -r of the plaintext repository in ONE process vs one
#     agesops encrypt process per file.
# Goals (issue 4): whole repository re-keyed in < 2 s on 2 cores, >= 20x
# faster than one process per file.  Prints times and ratios.
set -euo pipefail
N=${1:-2000}
JOBS=${2:-0}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
AGS=${AGS_BIN:-$ROOT/build/agesops}
[ -x "$AGS" ] || { echo "build agesops first (or set AGS_BIN)"; exit 1; }
command -v age >/dev/null && command -v age-keygen >/dev/null || { echo "needs Go age (Debian package age)"; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"
export HOME=$W XDG_CONFIG_HOME=$W/.config
unset SOPS_AGE_KEY SOPS_AGE_KEY_CMD SOPS_AGE_RECIPIENTS SOPS_CONFIG
age-keygen -o k1.txt 2>/dev/null; K1=$(age-keygen -y k1.txt)
age-keygen -o k2.txt 2>/dev/null; K2=$(age-keygen -y k2.txt)
export SOPS_AGE_KEY_FILE=$W/k1.txt
J=(); [ "$JOBS" != 0 ] && J=(-j "$JOBS")

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "inf" }'; }
rule() { # rule RECIPIENTS
	printf 'creation_rules:\n  - path_regex: \\.enc\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: %s\n' "$1" > .sops.yaml
}

echo "generating $N Secrets..."
mkdir -p plain
for i in $(seq 1 "$N"); do
	d=plain/apps/app$((i % 50))
	mkdir -p "$d"
	cat > "$d/secret-$i.enc.yaml" <<Y
apiVersion: v1
kind: Secret
metadata:
    name: secret-$i
    namespace: app$((i % 50))
type: Opaque
stringData:
    username: user-$i
    password: $(head -c 18 /dev/urandom | base64)
    url: postgres://db-$i.example:5432/app
Y
done
rule "$K1"

# encrypt: one process for the repository vs one process per file
cp -r plain enc1; cp -r plain encN
t0=$(now); "$AGS" encrypt -i "${J[@]}" -r enc1 2>/dev/null; t1=$(now)
enc_one=$(secs "$t0" "$t1")
t0=$(now); find encN -name '*.enc.yaml' -print0 | xargs -0 -n1 "$AGS" encrypt -i; t1=$(now)
enc_per=$(secs "$t0" "$t1")
rm -rf encN plain

# Go age floor: one process per file unwrapping that file's data key
mkdir -p envelopes
i=0
for f in $(find enc1 -name '*.enc.yaml'); do
	awk '/-----BEGIN AGE ENCRYPTED FILE-----/{p=1} p{sub(/^ +/, ""); print} /-----END AGE ENCRYPTED FILE-----/{exit}' "$f" > envelopes/$i.age
	i=$((i + 1))
done
t0=$(now); for f in envelopes/*.age; do age -d -i k1.txt "$f" > /dev/null; done; t1=$(now)
age_per=$(secs "$t0" "$t1")

# decrypt --check: one process vs one per file
t0=$(now); "$AGS" decrypt --check "${J[@]}" -r enc1 2>/dev/null; t1=$(now)
chk_one=$(secs "$t0" "$t1")
t0=$(now); find enc1 -name '*.enc.yaml' -print0 | xargs -0 -n1 "$AGS" decrypt > /dev/null; t1=$(now)
chk_per=$(secs "$t0" "$t1")

# updatekeys: add a second recipient to every file
cp -r enc1 encN
rule "$K1,$K2"
t0=$(now); "$AGS" updatekeys -y "${J[@]}" -r enc1 2>/dev/null; t1=$(now)
uk_one=$(secs "$t0" "$t1")
t0=$(now); find encN -name '*.enc.yaml' -print0 | xargs -0 -n1 "$AGS" updatekeys -y > /dev/null 2>&1; t1=$(now)
uk_per=$(secs "$t0" "$t1")
# the re-keyed repository opens with the new key only
SOPS_AGE_KEY_FILE=$W/k2.txt "$AGS" decrypt --check -r enc1 2>/dev/null || { echo "re-keyed files do not open with the new key"; exit 1; }

echo
echo "bench/repo: $N Kubernetes Secrets, $(nproc) cores, jobs=${JOBS/#0/all}"
printf '%-28s %10s %14s %14s %12s %12s\n' task "1 process" "per-file ags" "per-file age" "vs ags" "vs Go age"
printf '%-28s %9ss %13ss %14s %11sx %12s\n' "encrypt -i -r" "$enc_one" "$enc_per" - "$(ratio "$enc_per" "$enc_one")" -
printf '%-28s %9ss %13ss %13ss %11sx %11sx\n' "updatekeys -y -r (re-key)" "$uk_one" "$uk_per" "$age_per" \
	"$(ratio "$uk_per" "$uk_one")" "$(ratio "$age_per" "$uk_one")"
printf '%-28s %9ss %13ss %13ss %11sx %11sx\n' "decrypt --check -r" "$chk_one" "$chk_per" "$age_per" \
	"$(ratio "$chk_per" "$chk_one")" "$(ratio "$age_per" "$chk_one")"
awk -v t="$uk_one" -v r="$(ratio "$uk_per" "$uk_one")" 'BEGIN {
	printf "goal: re-key < 2 s: %s (%.3f s); >= 20x per-process: %s (%.1fx)\n",
		(t < 2 ? "met" : "NOT met"), t, (r >= 20 ? "met" : "NOT met"), r }'
