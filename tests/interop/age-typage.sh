#!/usr/bin/env bash
# Interop with npm age-encryption 0.3.1 (typage, TypeScript age), both
# directions: binary and armored, 1 and 3 recipients, passphrases, keys
# from either side, sizes 0 B..10 MiB.
source "$(dirname "$0")/age-lib.sh"
export AGS_PEERS=${AGS_SOURCE_ROOT:-$HERE/../..}/tests/interop/peers
[ -d "$AGS_PEERS/node_modules/age-encryption" ] && command -v node >/dev/null ||
	{ echo "npm age-encryption not installed (scripts/install-deps.sh)"; exit 77; }
TY() { node "$HERE/age-typage.mjs" "$@"; }
make_inputs

"$AGS" keygen -o "$T/k1" 2>/dev/null
"$AGS" keygen -o "$T/k2" 2>/dev/null
TY keygen >"$T/k3.both"
head -1 "$T/k3.both" >"$T/k3"
R[1]=$("$AGS" keygen -y "$T/k1")
R[2]=$("$AGS" keygen -y "$T/k2")
R[3]=$(sed -n 2p "$T/k3.both")
[ "$("$AGS" keygen -y "$T/k3")" = "${R[3]}" ] || die "typage key: recipient differs"; ok

for s in "${SIZES[@]}"; do
	p=$T/p$s
	"$AGS" age -r "${R[1]}" -o "$T/a.age" "$p"
	TY decrypt -i "$T/k1" "$T/a.age" "$T/out"; same "$p" "$T/out" "ours->typage size $s"
	"$AGS" age -a -r "${R[1]}" -r "${R[2]}" -r "${R[3]}" -o "$T/a.asc" "$p"
	for k in 1 2 3; do
		TY decrypt -i "$T/k$k" "$T/a.asc" "$T/out"; same "$p" "$T/out" "ours->typage armored key $k size $s"
	done
	TY encrypt -r "${R[3]}" "$p" "$T/b.age"
	"$AGS" age -d -i "$T/k3" -o "$T/out" "$T/b.age"; same "$p" "$T/out" "typage->ours size $s"
	TY encrypt -a -r "${R[1]}" -r "${R[2]}" -r "${R[3]}" "$p" "$T/b.asc"
	for k in 1 2 3; do
		"$AGS" age -d -i "$T/k$k" -o "$T/out" "$T/b.asc"; same "$p" "$T/out" "typage->ours armored key $k size $s"
	done
done

# passphrases (scrypt work factor 18 on both sides)
PTY="$HERE/age-pty.py"
TY encrypt -p "hunter2 hunter2" "$T/p65537" "$T/s.age"
python3 "$PTY" "hunter2 hunter2" "$AGS" age -d -o "$T/out" "$T/s.age" 2>/dev/null
same "$T/p65537" "$T/out" "typage->ours passphrase"
python3 "$PTY" "hunter2 hunter2" "$AGS" age -p -a -o "$T/s.asc" "$T/p1" 2>/dev/null
TY decrypt -p "hunter2 hunter2" "$T/s.asc" "$T/out"; same "$T/p1" "$T/out" "ours->typage passphrase armored"

echo "age-typage: $pass checks passed"
