#!/usr/bin/env bash
# Post-quantum (mlkem768x25519) interop with npm age-encryption 0.3.1
# (typage), both ways: keys made by either side, files encrypted by either
# side (binary and armored, one and several recipients), Go's rule against
# mixing post-quantum and classic recipients, and tampering.
set -uo pipefail
: "${AGS_BIN:?}" "${AGS_SOURCE_ROOT:?}"
PEERS=$AGS_SOURCE_ROOT/tests/interop/peers
export PEERS
peer=$AGS_SOURCE_ROOT/tests/interop/age-pq-peer.mjs
command -v node >/dev/null || { echo "SKIP: node missing"; exit 77; }
[ -d "$PEERS/node_modules/age-encryption" ] || { echo "SKIP: npm peers missing (scripts/install-deps.sh)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
typage() { node "$peer" "$@"; }

# --- keys ---------------------------------------------------------------
"$AGS_BIN" keygen --pq -o "$tmp/ours.key" 2>"$tmp/keygen.err" || { bad "agesops keygen --pq"; cat "$tmp/keygen.err"; exit 1; }
check "keygen --pq writes 0600" test "$(stat -c %a "$tmp/ours.key")" = 600
our_id=$(grep '^AGE-SECRET-KEY-PQ-1' "$tmp/ours.key")
our_r=$("$AGS_BIN" keygen -y "$tmp/ours.key")
check "keygen --pq file has the public key comment" grep -qx "# public key: $our_r" "$tmp/ours.key"
check "keygen --pq reports the public key on stderr" grep -q "age1pq1" "$tmp/keygen.err"
check "agesops recipient starts age1pq1" test "${our_r:0:7}" = age1pq1
check "typage derives the same recipient from our identity" test "$(typage recipient "$our_id")" = "$our_r"

their_id=$(typage keygen)
their_r=$(typage recipient "$their_id")
printf '# typage key\n%s\n' "$their_id" > "$tmp/theirs.key"
check "agesops derives the same recipient from typage's identity" test "$("$AGS_BIN" keygen -y "$tmp/theirs.key")" = "$their_r"

head -c 100000 /dev/urandom > "$tmp/plain"
printf 'short\n' > "$tmp/small"

# --- agesops -> typage --------------------------------------------------
for f in plain small; do
	"$AGS_BIN" age -r "$their_r" -o "$tmp/$f.a.age" "$tmp/$f" || bad "agesops encrypt $f"
	check "typage decrypts agesops ($f)" cmp -s <(typage decrypt "$tmp/theirs.key" < "$tmp/$f.a.age") "$tmp/$f"
	"$AGS_BIN" age -a -r "$their_r" -o "$tmp/$f.a.asc" "$tmp/$f" || bad "agesops encrypt -a $f"
	check "typage decrypts agesops armored ($f)" cmp -s <(typage decrypt "$tmp/theirs.key" < "$tmp/$f.a.asc") "$tmp/$f"
done
# two post-quantum recipients: each side opens it
"$AGS_BIN" age -r "$their_r" -r "$our_r" -o "$tmp/two.age" "$tmp/plain" || bad "agesops encrypt to two pq recipients"
check "typage decrypts a two-recipient agesops file" cmp -s <(typage decrypt "$tmp/theirs.key" < "$tmp/two.age") "$tmp/plain"
check "agesops decrypts its own two-recipient file" cmp -s <("$AGS_BIN" age -d -i "$tmp/ours.key" "$tmp/two.age") "$tmp/plain"

# --- typage -> agesops --------------------------------------------------
typage encrypt "$our_r" < "$tmp/plain" > "$tmp/t.age" || bad "typage encrypt"
check "agesops decrypts typage" cmp -s <("$AGS_BIN" age -d -i "$tmp/ours.key" "$tmp/t.age") "$tmp/plain"
typage encrypt -a "$our_r" < "$tmp/small" > "$tmp/t.asc" || bad "typage encrypt -a"
check "agesops decrypts typage armored" cmp -s <("$AGS_BIN" age -d -i "$tmp/ours.key" "$tmp/t.asc") "$tmp/small"
typage encrypt "$their_r" "$our_r" < "$tmp/small" > "$tmp/t2.age" || bad "typage encrypt two"
check "agesops decrypts a two-recipient typage file" cmp -s <("$AGS_BIN" age -d -i "$tmp/ours.key" "$tmp/t2.age") "$tmp/small"

# typage does not enforce the label rule: a mixed file still decrypts (as in Go)
x_id=$("$AGS_BIN" keygen 2>/dev/null | grep '^AGE-SECRET-KEY-1')
printf '%s\n' "$x_id" > "$tmp/x.key"
x_r=$("$AGS_BIN" keygen -y "$tmp/x.key")
typage encrypt "$x_r" "$our_r" < "$tmp/small" > "$tmp/mixed.age" || bad "typage encrypt mixed"
check "agesops decrypts a mixed typage file with the pq identity" cmp -s <("$AGS_BIN" age -d -i "$tmp/ours.key" "$tmp/mixed.age") "$tmp/small"
check "agesops decrypts a mixed typage file with the X25519 identity" cmp -s <("$AGS_BIN" age -d -i "$tmp/x.key" "$tmp/mixed.age") "$tmp/small"

# --- refusals and tampering ---------------------------------------------
if "$AGS_BIN" age -r "$our_r" -r "$x_r" -o "$tmp/nope.age" "$tmp/small" 2>"$tmp/mix.err"; then
	bad "agesops refuses to mix post-quantum and classic recipients"
else
	check "mixing refused with a clear message" grep -q "post-quantum" "$tmp/mix.err"
	check "no output file after the refusal" test ! -e "$tmp/nope.age"
fi
# flip one character inside the ML-KEM ciphertext of typage's stanza
python3 - "$tmp/t.age" "$tmp/tampered.age" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.index(b'-> mlkem768x25519 ') + 18 + 100
d[i] = ord('B') if d[i] != ord('B') else ord('C')
open(sys.argv[2], 'wb').write(d)
PY
if "$AGS_BIN" age -d -i "$tmp/ours.key" -o "$tmp/tampered.out" "$tmp/tampered.age" 2>"$tmp/tamper.err"; then
	bad "tampered stanza rejected"
else
	check "tampered stanza: no identity matched" grep -qi "no identity matched" "$tmp/tamper.err"
	check "tampered stanza: no plaintext written" test ! -s "$tmp/tampered.out"
fi
if typage decrypt "$tmp/theirs.key" < "$tmp/t.age" >/dev/null 2>&1; then
	bad "typage must not open a file for another key"
else
	ok "typage refuses a file for another key"
fi

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all post-quantum interop checks passed"
