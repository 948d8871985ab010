#!/usr/bin/env bash
# bench/repo.sh [N] [JOBS]: a generated GitOps repository of N Kubernetes
# Secrets (default 2000), each encrypted for one age key by a .sops.yaml
# creation rule.  Measures, side by side in the same run:
#   - updatekeys -y -r and rotate -r (re-key every file) in ONE process vs
#     one agesops process per file vs the per-file Go floor: one `age -d` plus
#     one `age -e` per file (the least Go sops does per file), with the
#     system-time share of each one-process run (durability is paid once per
#     batch: temp files, one syncfs, renames, one fsync per directory);
#     AGS_BIN_BEFORE=path/to/older/agesops adds the same runs with it;
#   - decrypt --check -r (MAC of every file) in ONE process vs one agesops
#     decrypt process per file;
#   - encrypt -i -r of the plaintext repository in ONE process vs one
#     agesops encrypt process per file.
# Goals (issue 15): whole repository re-keyed in < 1.0 s on 2 cores, >= 20x
# faster than the per-file Go tools.  Prints times and ratios.
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
# run_timed OUTVAR CMD...: "wall user sys" of CMD (GNU time; `times` in a
# command substitution would only see the subshell)
run_timed() {
	local __v=$1
	shift
	/usr/bin/time -f '%e %U %S' -o "$W/time.out" "$@"
	printf -v "$__v" '%s' "$(cat "$W/time.out")"
}
sysshare() { awk -v t="$1" 'BEGIN { split(t, x, " "); if (x[2] + x[3] > 0) printf "%.0f%%", 100 * x[3] / (x[2] + x[3]); else print "-" }'; }
wall() { echo "$1" | awk '{ print $1 }'; }
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
# the Go per-file floor of a re-key: one age -d plus one age -e per file
t0=$(now); for f in envelopes/*.age; do age -d -i k1.txt "$f" | age -e -a -r "$K1" -r "$K2" > /dev/null; done; t1=$(now)
go_rekey=$(secs "$t0" "$t1")

# decrypt --check: one process vs one per file
t0=$(now); "$AGS" decrypt --check "${J[@]}" -r enc1 2>/dev/null; t1=$(now)
chk_one=$(secs "$t0" "$t1")
t0=$(now); find enc1 -name '*.enc.yaml' -print0 | xargs -0 -n1 "$AGS" decrypt > /dev/null; t1=$(now)
chk_per=$(secs "$t0" "$t1")

# updatekeys: add a second recipient to every file; rotate: new data keys
rekey() { # BIN DIR LABEL: updatekeys then rotate, wall and system share
	local bin=$1 dir=$2 t
	rule "$K1"; rm -rf "$dir"; cp -r enc0 "$dir"; rule "$K1,$K2"; sync
	run_timed t "$bin" updatekeys -y "${J[@]}" -r "$dir" 2>/dev/null
	printf -v "uk_$3" '%s' "$(wall "$t")"; printf -v "uk_sys_$3" '%s' "$(sysshare "$t")"
	sync
	run_timed t "$bin" rotate "${J[@]}" -r "$dir" 2>/dev/null
	printf -v "rot_$3" '%s' "$(wall "$t")"; printf -v "rot_sys_$3" '%s' "$(sysshare "$t")"
}
cp -r enc1 enc0
rekey "$AGS" enc1 now
if [ -n "${AGS_BIN_BEFORE:-}" ]; then
	rekey "$AGS_BIN_BEFORE" encB before
	rm -rf encB
fi
rule "$K1"; cp -r enc0 encN; rule "$K1,$K2"
t0=$(now); find encN -name '*.enc.yaml' -print0 | xargs -0 -n1 "$AGS" updatekeys -y > /dev/null 2>&1; t1=$(now)
uk_per=$(secs "$t0" "$t1")
# the re-keyed repository opens with the new key only
SOPS_AGE_KEY_FILE=$W/k2.txt "$AGS" decrypt --check -r enc1 2>/dev/null || { echo "re-keyed files do not open with the new key"; exit 1; }
uk_one=$uk_now

echo
echo "bench/repo: $N Kubernetes Secrets, $(nproc) cores, jobs=${JOBS/#0/all}"
printf '%-28s %10s %14s %14s %12s %12s\n' task "1 process" "per-file ags" "per-file age" "vs ags" "vs Go age"
printf '%-28s %9ss %13ss %14s %11sx %12s\n' "encrypt -i -r" "$enc_one" "$enc_per" - "$(ratio "$enc_per" "$enc_one")" -
printf '%-28s %9ss %13ss %13ss %11sx %11sx\n' "updatekeys -y -r (re-key)" "$uk_one" "$uk_per" "$go_rekey" \
	"$(ratio "$uk_per" "$uk_one")" "$(ratio "$go_rekey" "$uk_one")"
printf '%-28s %9ss %13s %13ss %11s %11sx\n' "rotate -r (new data keys)" "$rot_now" - "$go_rekey" - \
	"$(ratio "$go_rekey" "$rot_now")"
printf '%-28s %9ss %13ss %13ss %11sx %11sx\n' "decrypt --check -r" "$chk_one" "$chk_per" "$age_per" \
	"$(ratio "$chk_per" "$chk_one")" "$(ratio "$age_per" "$chk_one")"
echo "(per-file Go: re-key = one age -d + one age -e per file; check = one age -d per file)"
echo "system-time share: updatekeys -r $uk_sys_now, rotate -r $rot_sys_now"
if [ -n "${AGS_BIN_BEFORE:-}" ]; then
	echo "before ($AGS_BIN_BEFORE): updatekeys -r ${uk_before}s (system ${uk_sys_before}), rotate -r ${rot_before}s (system ${rot_sys_before})"
fi
awk -v t="$uk_one" -v rt="$rot_now" -v r="$(ratio "$go_rekey" "$uk_one")" -v rr="$(ratio "$go_rekey" "$rot_now")" 'BEGIN {
	printf "goal: re-key < 1.0 s: updatekeys %s (%.3f s), rotate %s (%.3f s); >= 20x per-file Go: %s (%.1fx / %.1fx)\n",
		(t < 1 ? "met" : "NOT met"), t, (rt < 1 ? "met" : "NOT met"), rt, (r >= 20 && rr >= 20 ? "met" : "NOT met"), r, rr }'
