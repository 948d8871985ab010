#!/usr/bin/env bash
# Files agesops encrypts are decrypted by independent implementations:
#  - npm sops-decoder (checks the MAC; the data key is unwrapped by Debian's
#    Go `age` and handed over through a stubbed KMS client),
#  - npm sops-age (its own age and AES-GCM code; no MAC check),
#  - Go `age` opens every sops.age[].enc to a 32-byte data key,
# and agesops decrypts them back byte for byte (inputs in sops' canonical
# layout).  Covers a Secret with data/stringData and comments, nested maps,
# lists, every scalar type, multi-document YAML, JSON and each rule flag.
set -uo pipefail
AGS=${AGS_BIN:?}
SRC=${AGS_SOURCE_ROOT:?}
PEER="$SRC/tests/interop/sops-peer.mjs"
command -v age >/dev/null && command -v age-keygen >/dev/null || { echo "skip: no Go age"; exit 77; }
command -v node >/dev/null || { echo "skip: no node"; exit 77; }
[ -d "$SRC/tests/interop/peers/node_modules/sops-decoder" ] || { echo "skip: npm peers not installed"; exit 77; }
export NODE_NO_WARNINGS=1
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cd "$t"
age-keygen -o key.txt 2>/dev/null
R=$(age-keygen -y key.txt)
age-keygen -o other.txt 2>/dev/null
R2=$(age-keygen -y other.txt)
export SOPS_AGE_KEY_FILE=$t/key.txt XDG_CONFIG_HOME=$t/nocfg HOME=$t
unset SOPS_AGE_KEY SOPS_AGE_KEY_CMD SOPS_AGE_RECIPIENTS

printf 'a: b\n' >probe.yaml
if ! "$AGS" encrypt --age "$R" probe.yaml >probe.enc 2>probe.err; then
	if grep -q "not built in" probe.err; then echo "skip: stores or age not built yet"; exit 77; fi
fi

fail=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fail=1; }

cat >secret.yaml <<'Y'
# Database credentials
apiVersion: v1
kind: Secret
metadata:
    name: db
    namespace: prod
    labels:
        app: payments
type: Opaque
data:
    password: czNjcjN0
stringData:
    # used by the app
    username: admin
    port: "5432"
Y
cat >types.yaml <<'Y'
str: hello world
int: 42
neg: -7
float: 1.5
bool: true
disabled: false
nested:
    deep:
        key: value
        count: 3
list:
    - one
    - 2
    - 3.25
    - true
    - name: item
      val: x
empty: ""
note_clear: visible
Y
cat >multi.yaml <<'Y'
apiVersion: v1
kind: Secret
metadata:
    name: one
stringData:
    a: first
---
apiVersion: v1
kind: Secret
metadata:
    name: two
stringData:
    b: second
Y
cat >marker.yaml <<'Y'
plain: visible
# sops:enc
token: s3cr3t
other: clear
Y
printf '{\n\t"a": "x",\n\t"n": 1,\n\t"f": 2.5,\n\t"b": true,\n\t"nested": {\n\t\t"k": "v"\n\t},\n\t"list": [\n\t\t"p",\n\t\t1\n\t]\n}\n' >doc.json

# name | input | type | agesops flags | single document? | check byte-identical round trip?
cases=(
	"secret-regex;secret.yaml;yaml;--encrypted-regex ^(data|stringData)$;1;1"
	"secret-default;secret.yaml;yaml;;1;1"
	"types-default;types.yaml;yaml;;1;1"
	"types-enc-regex;types.yaml;yaml;--encrypted-regex ^(str|nested)$;1;1"
	"types-unenc-regex;types.yaml;yaml;--unencrypted-regex ^(int|list)$;1;1"
	"types-enc-suffix;types.yaml;yaml;--encrypted-suffix _clear;1;1"
	"types-unenc-suffix;types.yaml;yaml;--unencrypted-suffix _clear;1;1"
	"types-mac-only;types.yaml;yaml;--encrypted-regex ^nested$ --mac-only-encrypted;1;1"
	"marker-enc-comment;marker.yaml;yaml;--encrypted-comment-regex sops:enc;1;1"
	"marker-unenc-comment;marker.yaml;yaml;--unencrypted-comment-regex sops:enc;1;1"
	"multi-doc;multi.yaml;yaml;--encrypted-regex ^(data|stringData)$;0;1"
	"json;doc.json;json;;1;1"
	"json-regex;doc.json;json;--encrypted-regex ^(a|nested)$;1;1"
)
for c in "${cases[@]}"; do
	IFS=';' read -r name in type flags single ident <<<"$c"
	# shellcheck disable=SC2086
	if ! "$AGS" encrypt --age "$R,$R2" $flags "$in" >"$name.enc" 2>"$name.err"; then
		bad "$name: encrypt: $(cat "$name.err")"; continue
	fi
	if grep -q "ENC\[AES256_GCM" "$name.enc"; then :; else bad "$name: nothing encrypted"; continue; fi
	# agesops decrypts back to the same bytes
	if "$AGS" decrypt --input-type "$type" "$name.enc" >"$name.dec" 2>"$name.err"; then
		if [ "$ident" = 1 ] && ! cmp -s "$in" "$name.dec"; then
			bad "$name: round trip differs"; diff "$in" "$name.dec" | head -20
		else ok "$name: agesops round trip"; fi
	else bad "$name: agesops decrypt: $(cat "$name.err")"; fi
	# Go age opens every key entry to a 32-byte data key, with either identity
	n=$(grep -c "BEGIN AGE ENCRYPTED FILE" "$name.enc")
	docs=$(( $(grep -c '^---$' "$name.enc") + 1 ))
	[ "$n" = $((2 * docs)) ] || bad "$name: expected one age file per recipient per document, found $n"
	node "$PEER" plain "$in" - "$type" >"$name.want" 2>"$name.err" || { bad "$name: plain parse"; continue; }
	if node "$PEER" decoder "$name.enc" key.txt "$type" >"$name.decoder" 2>"$name.err"; then
		if cmp -s "$name.want" "$name.decoder"; then ok "$name: sops-decoder (MAC verified)"
		else bad "$name: sops-decoder output differs"; diff "$name.want" "$name.decoder" | head; fi
	else bad "$name: sops-decoder: $(tail -3 "$name.err")"; fi
	if node "$PEER" decoder "$name.enc" other.txt "$type" >/dev/null 2>&1; then ok "$name: second recipient"
	else bad "$name: second recipient cannot open"; fi
	if [ "$single" = 1 ]; then
		if node "$PEER" sopsage "$name.enc" key.txt "$type" >"$name.sopsage" 2>"$name.err"; then
			if cmp -s "$name.want" "$name.sopsage"; then ok "$name: sops-age"
			else bad "$name: sops-age output differs"; diff "$name.want" "$name.sopsage" | head; fi
		else bad "$name: sops-age: $(tail -3 "$name.err")"; fi
	fi
done

# The MAC is really checked by the peer: change an unencrypted value.
sed 's/^kind: Secret/kind: ConfigMap/' secret-regex.enc >tampered.yaml
if node "$PEER" decoder tampered.yaml key.txt yaml >/dev/null 2>&1; then bad "sops-decoder accepted a tampered file"
else ok "sops-decoder rejects a changed unencrypted value (MAC)"; fi

# Layout of an encrypted Secret matches sops 3.13: 4-space indent, sops: last,
# metadata keys sorted, enc before recipient, quoted lastmodified, version 3.13.2.
"$AGS" encrypt --age "$R" --encrypted-regex '^(data|stringData)$' secret.yaml >layout.enc
awk '/^sops:/{s=1} s' layout.enc | sed -E 's/(lastmodified: ")[^"]*/\1T/; s/ENC\[[^]]*\]/ENC/; s/^( {12})[A-Za-z0-9+\/=]{1,64}$/\1B64/' | uniq >layout.got
cat >layout.want <<W
sops:
    age:
        - enc: |
            -----BEGIN AGE ENCRYPTED FILE-----
            B64
            -----END AGE ENCRYPTED FILE-----
          recipient: $R
    encrypted_regex: ^(data|stringData)\$
    lastmodified: "T"
    mac: ENC
    version: 3.13.2
W
if cmp -s layout.want layout.got; then ok "metadata layout as sops 3.13.2"
else bad "metadata layout"; diff layout.want layout.got; fi
grep -q '^    password: ENC\[AES256_GCM,data:' layout.enc && grep -q '^    name: db$' layout.enc &&
	ok "values encrypted in place, plain keys kept" || bad "value layout"

exit $fail
