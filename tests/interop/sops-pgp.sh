#!/usr/bin/env bash
# PGP master keys through the real GnuPG, in a throw-away GNUPGHOME:
# - every Go-sops fixture with a pgp entry decrypts with its (public test)
#   key, the MAC verified; no_mac.yaml still fails with 51;
# - a key made here: agesops encrypts for it (--pgp, SOPS_PGP_FP,
#   .sops.yaml pgp: and key_groups), plain gpg opens the data key and the
#   file's MAC checks with that key, agesops decrypts it;
# - age + pgp side by side and in Shamir groups; rotate / updatekeys /
#   --add-pgp / --rm-pgp keep every remaining recipient able to open it;
# - no secret key: exit 128 listing what was tried; a gpg that hangs is
#   killed at the deadline; a missing gpg is a clear error.
set -uo pipefail
AGS=${AGS_BIN:?}
FX=${AGS_DATA:?}/fixtures/sops
command -v gpg >/dev/null || { echo "gpg missing (scripts/install-deps.sh)"; exit 77; }
t=$(mktemp -d)
export GNUPGHOME=$t/gnupg HOME=$t XDG_CONFIG_HOME=$t/cfg
cleanup() { gpgconf --kill gpg-agent >/dev/null 2>&1; rm -rf "$t"; }
trap cleanup EXIT
mkdir -m 700 "$GNUPGHOME"
unset SOPS_AGE_KEY SOPS_AGE_KEY_FILE SOPS_AGE_KEY_CMD SOPS_AGE_RECIPIENTS SOPS_PGP_FP SOPS_GPG_EXEC
fail=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fail=1; }
cd "$t" || exit 1

gpg --batch --import "$FX/fluxcd__kustomize-controller/internal__controller__testdata__sops__keys__pgp.asc" 2>/dev/null
gpg --batch --import "$FX/getsops__sops/pgp__sops_functional_tests_key.asc" 2>/dev/null

# 1. fixtures: file|type|expected exit
fixtures=(
	"fluxcd__kustomize-controller/internal__controller__testdata__sops__algorithms__pgp.yaml|yaml|0"
	"getsops__sops/functional-tests__res__format.enc.yaml|yaml|0"
	"getsops__sops/functional-tests__res__format.enc.json|json|0"
	"getsops__sops/functional-tests__res__format.enc.env|dotenv|0"
	"getsops__sops/functional-tests__res__format.enc.ini|ini|0"
	"getsops__sops/functional-tests__res__format-2.enc.ini|ini|0"
	"getsops__sops/functional-tests__res__comments.enc.yaml|yaml|0"
	"getsops__sops/functional-tests__res__comments_unencrypted_comments.yaml|yaml|0"
	"getsops__sops/functional-tests__res__multiple_keys.yaml|yaml|0"
	"getsops__sops/functional-tests__res__no_mac.yaml|yaml|51"
	"getsops__sops/example.yaml|yaml|0"
	"getsops__sops/example.json|json|0"
	"getsops__sops/example.ini|ini|0"
	"getsops__sops/example.txt|binary|0"
	"getsops__sops/examples__all_in_one__config__secret.enc.json|json|0"
	"getsops__sops/examples__per_file__config.enc__static_github.json|json|0"
)
for f in "${fixtures[@]}"; do
	IFS='|' read -r file type want <<<"$f"
	"$AGS" decrypt --input-type "$type" "$FX/$file" >out 2>err
	rc=$?
	if [ "$rc" = "$want" ]; then ok "fixture $file (exit $rc)"; else bad "fixture $file: exit $rc, want $want: $(head -c 300 err)"; fi
done
"$AGS" decrypt "$FX/getsops__sops/functional-tests__res__comments.enc.yaml" >out 2>/dev/null &&
	cmp -s out <(cat "$FX/getsops__sops/functional-tests__res__comments.yaml"; echo) && ok "comments fixture decrypts to its plaintext" ||
	bad "comments fixture plaintext differs"

# 2. a key made here
gpg --batch --passphrase '' --quick-gen-key 'agesops test one <one@example.invalid>' future-default default never 2>/dev/null
gpg --batch --passphrase '' --quick-gen-key 'agesops test two <two@example.invalid>' future-default default never 2>/dev/null
FP1=$(gpg --with-colons --list-secret-keys one@example.invalid | awk -F: '/^fpr/ {print $10; exit}')
FP2=$(gpg --with-colons --list-secret-keys two@example.invalid | awk -F: '/^fpr/ {print $10; exit}')
[ -n "$FP1" ] && [ -n "$FP2" ] || { bad "gpg key generation"; exit 1; }
"$AGS" keygen -o age.key 2>/dev/null
AGE=$("$AGS" keygen -y age.key)

printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  token: hunter2\n' >plain.yaml
pgp_enc() { # file [index]: the armored enc of the index-th pgp entry
	python3 - "$1" "${2:-0}" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
blocks = re.findall(r'enc: \|-?\n((?:\s{8,}.*\n|\n)+?)\s+fp:', t)
b = blocks[int(sys.argv[2])]
print("\n".join(l.strip() for l in b.splitlines()))
PY
}
"$AGS" encrypt --pgp "$FP1" --encrypted-regex '^(data|stringData)$' plain.yaml >enc.yaml 2>err &&
	grep -q "fp: $FP1" enc.yaml && ok "encrypt --pgp" || bad "encrypt --pgp: $(cat err)"
grep -q 'created_at: "' enc.yaml && ok "created_at written as Go sops writes it" || bad "created_at layout"
pgp_enc enc.yaml >k.asc
gpg --batch -d k.asc 2>/dev/null >dk.bin
[ "$(stat -c %s dk.bin)" = 32 ] && ok "plain gpg opens the data key (32 bytes)" || bad "plain gpg: $(stat -c %s dk.bin) bytes"
"$AGS" decrypt enc.yaml >dec.yaml 2>err && cmp -s dec.yaml <(sed 's/^  /    /' plain.yaml) && ok "decrypt round trip" ||
	bad "decrypt round trip: $(cat err)"
# an independent SOPS decoder (npm sops-decoder, MAC checked), data key from plain gpg
SRC=${AGS_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
if command -v node >/dev/null && [ -d "$SRC/tests/interop/peers/node_modules/sops-decoder" ]; then
	node "$SRC/tests/interop/sops-peer.mjs" decoder enc.yaml gpg yaml >peer.json 2>err &&
		node "$SRC/tests/interop/sops-peer.mjs" plain plain.yaml - yaml >want.json &&
		cmp -s peer.json want.json && ok "npm sops-decoder opens our PGP file (MAC verified)" ||
		bad "sops-decoder on the PGP file: $(head -c 300 err)"
else
	bad "npm sops-decoder missing (scripts/install-deps.sh)"
fi

SOPS_PGP_FP="$FP1,$FP2" "$AGS" encrypt plain.yaml >env.yaml 2>err && [ "$(grep -c '  fp: ' env.yaml)" = 2 ] &&
	ok "SOPS_PGP_FP with two fingerprints" || bad "SOPS_PGP_FP: $(cat err)"

printf 'creation_rules:\n  - path_regex: \\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    pgp: %s\n    age: %s\n' "$FP1" "$AGE" >.sops.yaml
"$AGS" encrypt plain.yaml >rule.yaml 2>err && grep -q "fp: $FP1" rule.yaml && grep -q "recipient: $AGE" rule.yaml &&
	ok ".sops.yaml pgp: beside age:" || bad ".sops.yaml pgp: $(cat err)"
SOPS_AGE_KEY_FILE=age.key GNUPGHOME=$t/nogpg "$AGS" decrypt rule.yaml >/dev/null 2>err && ok "age opens the mixed file without gpg keys" ||
	bad "mixed via age: $(cat err)"
"$AGS" decrypt --decryption-order pgp,age rule.yaml >/dev/null 2>err && ok "--decryption-order pgp,age" || bad "decryption order: $(cat err)"
"$AGS" decrypt --decryption-order pgp,pgp rule.yaml >/dev/null 2>err; rc=$?
[ $rc = 112 ] && ok "duplicate decryption key type: exit 112" || bad "duplicate decryption order: exit $rc"

printf 'creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n      - pgp:\n          - %s\n      - age:\n          - %s\n      - pgp:\n          - %s\n' "$FP1" "$AGE" "$FP2" >.sops.yaml
"$AGS" encrypt plain.yaml >sham.yaml 2>err && grep -q "shamir_threshold: 2" sham.yaml && ok "Shamir groups mixing pgp and age" ||
	bad "shamir: $(cat err)"
"$AGS" decrypt sham.yaml >/dev/null 2>err && ok "Shamir decrypt with all keys" || bad "shamir decrypt: $(cat err)"
gpg --batch --yes --delete-secret-keys "$FP2" 2>/dev/null
SOPS_AGE_KEY_FILE=age.key "$AGS" decrypt sham.yaml >/dev/null 2>err && ok "Shamir: pgp one + age meet the threshold" ||
	bad "shamir 2 of 3: $(cat err)"
rm -f .sops.yaml

# rotate: a new data key reaches every PGP holder
"$AGS" encrypt --pgp "$FP1" --age "$AGE" plain.yaml >rot.yaml 2>/dev/null
old=$(pgp_enc rot.yaml | gpg --batch -d 2>/dev/null | od -An -tx1 | tr -d ' \n')
"$AGS" rotate -i rot.yaml 2>err || bad "rotate: $(cat err)"
new=$(pgp_enc rot.yaml | gpg --batch -d 2>/dev/null | od -An -tx1 | tr -d ' \n')
[ -n "$new" ] && [ "$new" != "$old" ] && ok "rotate re-encrypts the new data key for the PGP key" || bad "rotate pgp: old=$old new=$new"
GNUPGHOME=$t/nogpg SOPS_AGE_KEY_FILE=age.key "$AGS" decrypt rot.yaml >/dev/null 2>&1 && ok "rotate keeps age too" || bad "rotate age"
"$AGS" decrypt rot.yaml >/dev/null 2>err && ok "rotated file opens through gpg" || bad "rotated via gpg: $(cat err)"
"$AGS" rotate -i --rm-pgp "$FP1" rot.yaml 2>err && ! grep -q "fp: $FP1" rot.yaml && ok "rotate --rm-pgp" || bad "rm-pgp: $(cat err)"
SOPS_AGE_KEY_FILE=age.key "$AGS" rotate -i --add-pgp "$FP1" rot.yaml 2>err && grep -q "fp: $FP1" rot.yaml && ok "rotate --add-pgp" || bad "add-pgp: $(cat err)"
GNUPGHOME=$t/nogpg SOPS_AGE_KEY_FILE=age.key "$AGS" decrypt rot.yaml >/dev/null 2>&1 && "$AGS" decrypt rot.yaml >/dev/null 2>&1 &&
	ok "after add/rm both keys open it" || bad "after add/rm"

# updatekeys from .sops.yaml adds a PGP key and keeps the age one
printf 'creation_rules:\n  - pgp: %s\n    age: %s\n' "$FP1" "$AGE" >.sops.yaml
SOPS_AGE_KEY_FILE=age.key "$AGS" encrypt --age "$AGE" plain.yaml >up.yaml 2>/dev/null
SOPS_AGE_KEY_FILE=age.key "$AGS" updatekeys -y up.yaml 2>err && grep -q "fp: $FP1" up.yaml && "$AGS" decrypt up.yaml >/dev/null 2>&1 &&
	ok "updatekeys adds the pgp key of the rule" || bad "updatekeys: $(cat err)"
rm -f .sops.yaml

# groups add --pgp
"$AGS" encrypt --age "$AGE" plain.yaml >grp.yaml 2>/dev/null
SOPS_AGE_KEY_FILE=age.key "$AGS" groups add -i --file grp.yaml --pgp "$FP1" 2>err && grep -q "fp: $FP1" grp.yaml &&
	ok "groups add --pgp" || bad "groups add --pgp: $(cat err)"

# no secret key: 128, naming what was tried
GNUPGHOME=$t/empty "$AGS" decrypt enc.yaml >out 2>err; rc=$?
[ $rc = 128 ] && grep -q "$FP1" err && [ ! -s out ] && ok "no secret key: exit 128, the key named" || bad "no secret key: exit $rc $(cat err)"

# a gpg that hangs is killed at the deadline; a missing one is a clear error
printf '#!/bin/sh\nsleep 60\n' >hang.sh && chmod +x hang.sh
start=$(date +%s)
SOPS_GPG_EXEC=$t/hang.sh AGESOPS_GPG_TIMEOUT=2 "$AGS" decrypt enc.yaml >/dev/null 2>err; rc=$?
el=$(($(date +%s) - start))
[ $rc = 128 ] && [ $el -lt 10 ] && grep -q "did not finish" err && ok "hanging gpg killed after 2 s (exit 128)" ||
	bad "hanging gpg: exit $rc after ${el}s: $(cat err)"
SOPS_GPG_EXEC=$t/no-such-gpg "$AGS" encrypt --pgp "$FP1" plain.yaml >/dev/null 2>err; rc=$?
[ $rc = 1 ] && grep -q "cannot run" err && ok "missing gpg on encrypt: clear error, exit 1 as Go" || bad "missing gpg: exit $rc $(cat err)"
SOPS_GPG_EXEC=$t/no-such-gpg "$AGS" decrypt enc.yaml >/dev/null 2>err; rc=$?
[ $rc = 128 ] && grep -q "cannot run" err && ok "missing gpg on decrypt: 128" || bad "missing gpg decrypt: exit $rc $(cat err)"

# tampered armored data key (a byte of the session-key packet): gpg refuses, exit 128
python3 - enc.yaml tamp.yaml <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
i = next(k for k, l in enumerate(lines) if "BEGIN PGP MESSAGE" in l) + 2
l = lines[i]
j = len(l) // 2
lines[i] = l[:j] + ("A" if l[j] != "A" else "B") + l[j + 1:]
open(sys.argv[2], "w").write("\n".join(lines))
PY
if cmp -s tamp.yaml enc.yaml; then bad "tampering changed nothing"; fi
"$AGS" decrypt tamp.yaml >out 2>err; rc=$?
[ $rc = 128 ] && [ ! -s out ] && ok "tampered pgp entry: 128, nothing printed" || bad "tampered pgp entry: exit $rc"

# check --fix-recipients re-keys for the rule's age keys and keeps the PGP holders
mkdir -p fix/secrets && (cd fix && git init -q . && "$AGS" keygen -o ../other.key 2>/dev/null)
OTHER=$("$AGS" keygen -y other.key)
printf 'creation_rules:\n  - path_regex: ^secrets/.*\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: %s\n    pgp: %s\n' "$AGE" "$FP1" >fix/.sops.yaml
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  pw: hunter2\n' >fix/secrets/s.yaml
(cd fix && "$AGS" encrypt --age "$OTHER" --pgp "$FP1" --encrypted-regex '^(data|stringData)$' -i secrets/s.yaml) 2>err ||
	bad "fix-recipients setup: $(cat err)"
(cd fix && SOPS_AGE_KEY_FILE=$t/other.key "$AGS" check --fix-recipients secrets/s.yaml) >out 2>err
if grep -q "$AGE" fix/secrets/s.yaml && ! grep -q "$OTHER" fix/secrets/s.yaml && grep -q "$FP1" fix/secrets/s.yaml &&
	SOPS_AGE_KEY_FILE=/dev/null "$AGS" decrypt --decryption-order pgp fix/secrets/s.yaml 2>/dev/null | grep -q hunter2 &&
	SOPS_AGE_KEY_FILE=age.key "$AGS" decrypt fix/secrets/s.yaml 2>/dev/null | grep -q hunter2; then
	ok "check --fix-recipients re-keys for the rule's age key and keeps the PGP key able to open the file"
else
	bad "check --fix-recipients with a pgp entry: $(cat out err | head -5)"
fi

[ $fail = 0 ] && echo "sops-pgp: all ok"
exit $fail
