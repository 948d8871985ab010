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
echo "sops-more peers: ok"
