#!/usr/bin/env bash
# Post-quantum (mlkem768x25519) encryption and decryption per file:
# agesops against npm age-encryption 0.3.1 (typage), in the same run.
#
#   bench/age-pq.sh [SIZE_BYTES] [FILES]      (defaults: 1024 bytes, 50 files)
#
# Two measurements, each printed with the ratio typage/agesops (> 1 means
# agesops is faster):
#  1. in-process: N encryptions then N decryptions of a SIZE-byte buffer
#     through the library API (bench/age-pq-bench.c) vs the same loop in one
#     node process (tests/interop/age-pq-peer.mjs bench);
#  2. per file from the command line: FILES files, one process per file
#     (agesops age -r / -d -i vs node age-pq-peer.mjs encrypt / decrypt),
#     which includes process start-up as users see it.
# Env: AGS_BUILD_ROOT (default ./build), CC (default cc).
set -euo pipefail
SIZE=${1:-1024}
N=${2:-50}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AGS_BUILD_ROOT:-$root/build}
bin=$build/agesops
peers=$root/tests/interop/peers
peer=$root/tests/interop/age-pq-peer.mjs
[ -x "$bin" ] || { echo "age-pq bench: build first ($bin missing)" >&2; exit 1; }
[ -d "$peers/node_modules/age-encryption" ] || { echo "age-pq bench: run scripts/install-deps.sh" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

${CC:-cc} -O2 -I"$root/include" -I"$root/lib" "$root/bench/age-pq-bench.c" \
	-L"$build" -Wl,-rpath,"$build" -lagesops -o "$tmp/bench"
"$bin" keygen --pq -o "$tmp/key.txt" 2>/dev/null
id=$(grep '^AGE-SECRET-KEY-PQ-1' "$tmp/key.txt")
rcpt=$("$bin" keygen -y "$tmp/key.txt")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }

read -r a_enc a_dec < <("$tmp/bench" "$rcpt" "$id" "$SIZE" "$N")
read -r t_enc t_dec < <(PEERS=$peers node "$peer" bench "$rcpt" "$id" "$SIZE" "$N")
echo "age-pq in-process, ${SIZE}-byte files, n=$N (microseconds per file)"
printf '  %-8s agesops %10s   typage %10s   ratio %s\n' encrypt "$a_enc" "$t_enc" "$(ratio "$t_enc" "$a_enc")"
printf '  %-8s agesops %10s   typage %10s   ratio %s\n' decrypt "$a_dec" "$t_dec" "$(ratio "$t_dec" "$a_dec")"

head -c "$SIZE" /dev/urandom > "$tmp/plain"
ms() { echo $(( ($(date +%s%N) - $1) / 1000 )); }
t0=$(date +%s%N)
for i in $(seq "$N"); do "$bin" age -r "$rcpt" -o "$tmp/a$i.age" "$tmp/plain"; done
c_enc=$(ms "$t0")
t0=$(date +%s%N)
for i in $(seq "$N"); do PEERS=$peers node "$peer" encrypt "$rcpt" < "$tmp/plain" > "$tmp/t$i.age"; done
n_enc=$(ms "$t0")
t0=$(date +%s%N)
for i in $(seq "$N"); do "$bin" age -d -i "$tmp/key.txt" -o "$tmp/a$i.out" "$tmp/t$i.age"; done
c_dec=$(ms "$t0")
t0=$(date +%s%N)
for i in $(seq "$N"); do PEERS=$peers node "$peer" decrypt "$tmp/key.txt" < "$tmp/a$i.age" > "$tmp/t$i.out"; done
n_dec=$(ms "$t0")
for i in $(seq "$N"); do cmp -s "$tmp/plain" "$tmp/a$i.out" && cmp -s "$tmp/plain" "$tmp/t$i.out" \
	|| { echo "age-pq bench: round trip $i differs" >&2; exit 1; }; done
echo "age-pq per file from the CLI (one process per file, cross-decrypted), n=$N (microseconds per file)"
printf '  %-8s agesops %10s   typage %10s   ratio %s\n' encrypt "$((c_enc / N))" "$((n_enc / N))" "$(ratio "$n_enc" "$c_enc")"
printf '  %-8s agesops %10s   typage %10s   ratio %s\n' decrypt "$((c_dec / N))" "$((n_dec / N))" "$(ratio "$n_dec" "$c_dec")"
