#!/usr/bin/env bash
# Files rewritten by set, unset, edit, rotate and updatekeys are checked by
# independent peers: the data key unwrapped by npm age-encryption and by Go
# age (Debian), every value decrypted and the MAC verified by npm
# sops-decoder.  Also: a removed recipient's key no longer opens the file.
set -euo pipefail
AGS=${AGS_BIN:?}
SRC=${AGS_SOURCE_ROOT:?}
PEERS=$SRC/tests/interop/peers/node_modules
command -v node >/dev/null && [ -d "$PEERS/sops-decoder" ] || { echo "npm peers missing"; exit 77; }
command -v age >/dev/null && command -v age-keygen >/dev/null || { echo "Go age missing"; exit 77; }
export NODE_NO_WARNINGS=1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
export HOME=$T XDG_CONFIG_HOME=$T/.config
unset SOPS_AGE_KEY SOPS_AGE_KEY_CMD SOPS_AGE_RECIPIENTS SOPS_CONFIG EDITOR SOPS_EDITOR
age-keygen -o k1.txt 2>/dev/null; K1=$(age-keygen -y k1.txt)
age-keygen -o k2.txt 2>/dev/null; K2=$(age-keygen -y k2.txt)
export SOPS_AGE_KEY_FILE=$T/k1.txt
verify() { node "$SRC/tests/interop/sops-more-verify.mjs" "$@"; }
fail() { echo "FAIL: $*"; exit 1; }

cat > s.yaml <<'Y'
apiVersion: v1
kind: Secret
metadata:
    name: app
stringData:
    user: admin
    password: hunter2
    port: 5432
    nested:
        list:
            - one
            - true
Y
"$AGS" encrypt --age "$K1" --encrypted-regex '^(data|stringData)$' -i s.yaml

"$AGS" set s.yaml '["stringData"]["password"]' '"s3cret"'
"$AGS" set s.yaml '["stringData"]["extra"]' '{"a": [1, 2.5, false, null]}'
"$AGS" unset s.yaml '["stringData"]["nested"]["list"][0]'
out=$(verify s.yaml k1.txt) || fail "sops-decoder rejected the file after set/unset"
grep -q '"password":"s3cret"' <<<"$out" || fail "set value not seen by sops-decoder: $out"
grep -q '"extra":{"a":\[1,2.5,false,null\]}' <<<"$out" || fail "object value: $out"
grep -q '"list":\[true\]' <<<"$out" || fail "unset list element: $out"

EDITOR="sed -i s/admin/root/" "$AGS" edit s.yaml
out=$(verify s.yaml k1.txt) || fail "sops-decoder rejected the file after edit"
grep -q '"user":"root"' <<<"$out" || fail "edit: $out"

"$AGS" rotate -i --add-age "$K2" s.yaml
verify s.yaml k2.txt >/dev/null || fail "k2 cannot open the file after rotate --add-age"
"$AGS" rotate -i --rm-age "$K1" s.yaml
verify s.yaml k1.txt >/dev/null 2>&1 && fail "k1 still opens the file after rotate --rm-age"
out=$(verify s.yaml k2.txt) || fail "sops-decoder rejected the rotated file"
grep -q '"user":"root"' <<<"$out" || fail "rotate: $out"
# Go age opens every key entry, and the data key it gives decrypts the values
for i in $(seq 0 $(($(grep -c 'recipient:' s.yaml) - 1))); do
	node -e '
		const YAML = require(process.argv[1] + "/yaml");
		const t = YAML.parse(require("fs").readFileSync(process.argv[2], "utf8"));
		process.stdout.write(t.sops.age[+process.argv[3]].enc);' "$PEERS" s.yaml "$i" > enc.$i
	age -d -i k2.txt enc.$i > key.$i 2>/dev/null && [ "$(wc -c < key.$i)" = 32 ] ||
		{ [ "$i" != 0 ] || fail "Go age cannot open entry $i"; }
done

printf 'creation_rules:\n  - path_regex: \\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: %s\n' "$K1" > .sops.yaml
SOPS_AGE_KEY_FILE=$T/k2.txt "$AGS" updatekeys -y s.yaml
out=$(verify s.yaml k1.txt) || fail "sops-decoder rejected the file after updatekeys"
verify s.yaml k2.txt >/dev/null 2>&1 && fail "k2 still opens the file after updatekeys removed it"
# Shamir 2-of-3: each group's share is opened by Go age, two shares are
# combined by an independent Lagrange interpolation (Python, written here
# from the definition of GF(2^8) with the AES polynomial), and the data key
# it gives lets sops-decoder decrypt every value and check the MAC.  This
# pins the share layout (32 y bytes, then x) and the field.
age-keygen -o k3.txt 2>/dev/null; K3=$(age-keygen -y k3.txt)
printf 'creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n      - age: [%s]\n      - age: [%s]\n      - age: [%s]\n' "$K1" "$K2" "$K3" > .sops.yaml
printf 'password: hunter2\nport: 5432\n' > g.yaml
"$AGS" encrypt -i g.yaml
for i in 0 1 2; do
	node -e '
		const YAML = require(process.argv[1] + "/yaml");
		const t = YAML.parse(require("fs").readFileSync(process.argv[2], "utf8"));
		process.stdout.write(t.sops.key_groups[+process.argv[3]].age[0].enc);' "$PEERS" g.yaml "$i" > genc.$i
	age -d -i k$((i + 1)).txt genc.$i > share.$i || fail "Go age cannot open the share of group $i"
	[ "$(wc -c < share.$i)" = 33 ] || fail "share $i is not 33 bytes"
done
combine() {
	python3 - "$@" <<'PY'
import sys
def mul(a, b):
    r = 0
    while b:
        if b & 1:
            r ^= a
        a = ((a << 1) ^ 0x11B) if a & 0x80 else a << 1
        b >>= 1
    return r
def inv(a):
    return next(x for x in range(1, 256) if mul(a, x) == 1)
shares = [open(p, "rb").read() for p in sys.argv[1:]]
xs = [s[-1] for s in shares]
key = bytearray(32)
for k in range(32):
    acc = 0
    for i, s in enumerate(shares):
        basis = 1
        for j, xj in enumerate(xs):
            if j != i:
                basis = mul(basis, mul(xj, inv(xs[i] ^ xj)))
        acc ^= mul(s[k], basis)
    key[k] = acc
print(key.hex())
PY
}
for pair in "0 1" "1 2" "0 2"; do
	set -- $pair
	key=$(combine share.$1 share.$2)
	out=$(verify g.yaml "hex:$key") || fail "shares $pair: rebuilt data key rejected by sops-decoder"
	grep -q '"password":"hunter2"' <<<"$out" || fail "shares $pair: $out"
done
one=$(python3 -c 'import sys; print(open(sys.argv[1],"rb").read()[:32].hex())' share.1)
verify g.yaml "hex:$one" >/dev/null 2>&1 && fail "a single share opened the file"

echo "sops-more peers: ok"
