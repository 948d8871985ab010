#!/usr/bin/env bash
# sops with SSH keys: ssh-ed25519 / ssh-rsa recipients in --age and
# .sops.yaml, and the SSH identity sources (SOPS_AGE_SSH_PRIVATE_KEY_FILE,
# ~/.ssh/id_ed25519, ~/.ssh/id_rsa); the data key entries are age files that
# Debian's Go age opens with the same SSH keys.
set -uo pipefail
command -v ssh-keygen >/dev/null || { echo "ssh-keygen not installed"; exit 77; }
. "$(dirname "$0")/age-ssh-lib.sh"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
S() { HOME="$T/nohome" "$AGS_BIN" "$@"; }
ssh-keygen -q -t ed25519 -N '' -f ed
ssh-keygen -q -t rsa -b 3072 -N '' -f rsa
ssh-keygen -q -t ed25519 -N 'pw' -f ed_enc
ssh-keygen -q -t ed25519 -N '' -f other
printf 'user: admin\npassword: hunter2\nport: 5432\n' > plain.yaml

S encrypt --age "$(cat ed.pub),$(cat rsa.pub)" plain.yaml > enc.yaml 2>err
if grep -q "file formats are not built in" err; then echo "sops stores not built in yet"; exit 77; fi
[ -s enc.yaml ] || { cat err; fail "sops encrypt with SSH recipients"; }
grep -q "recipient: ssh-ed25519 " enc.yaml || fail "ssh-ed25519 recipient not recorded"
grep -q "recipient: ssh-rsa " enc.yaml || fail "ssh-rsa recipient not recorded"

for k in ed rsa; do
	SOPS_AGE_SSH_PRIVATE_KEY_FILE=$T/$k S decrypt enc.yaml > out.yaml || fail "decrypt with SOPS_AGE_SSH_PRIVATE_KEY_FILE=$k"
	cmp -s out.yaml plain.yaml || fail "plaintext ($k)"
done
mkdir -p home/.ssh && cp ed home/.ssh/id_ed25519
HOME=$T/home "$AGS_BIN" decrypt enc.yaml > out.yaml || fail "decrypt with ~/.ssh/id_ed25519"
cmp -s out.yaml plain.yaml || fail "plaintext (~/.ssh/id_ed25519)"
rm home/.ssh/id_ed25519 && cp rsa home/.ssh/id_rsa
HOME=$T/home "$AGS_BIN" decrypt enc.yaml > out.yaml || fail "decrypt with ~/.ssh/id_rsa"
cmp -s out.yaml plain.yaml || fail "plaintext (~/.ssh/id_rsa)"
SOPS_AGE_SSH_PRIVATE_KEY_FILE=$T/other S decrypt enc.yaml > out.yaml 2>err && fail "wrong SSH key decrypted"
ok "sops --age with SSH recipients and SSH identity sources"

# .sops.yaml creation rule with an SSH recipient
printf 'creation_rules:\n  - path_regex: .*\\.yaml$\n    age: "%s"\n' "$(cut -d' ' -f1,2 ed.pub)" > .sops.yaml
cp plain.yaml rule.yaml
S encrypt -i rule.yaml || fail "encrypt with .sops.yaml SSH rule"
SOPS_AGE_SSH_PRIVATE_KEY_FILE=$T/ed S decrypt rule.yaml > out.yaml && cmp -s out.yaml plain.yaml || fail ".sops.yaml SSH rule round trip"
rm .sops.yaml
ok ".sops.yaml SSH recipient"

# a passphrase-protected SSH key: no terminal -> a clear error, not a hang
S encrypt --age "$(cat ed_enc.pub)" plain.yaml > enc2.yaml || fail "encrypt to ed_enc"
SOPS_AGE_SSH_PRIVATE_KEY_FILE=$T/ed_enc S decrypt enc2.yaml </dev/null > out.yaml 2>err && fail "decrypted without passphrase"
grep -qi "passphrase" err || { cat err; fail "passphrase-protected key message"; }
ok "passphrase-protected SSH key without a terminal"

# ... and on a terminal the passphrase is asked for, as Go sops does
rm -f out.yaml
HOME="$T/nohome" SOPS_AGE_SSH_PRIVATE_KEY_FILE=$T/ed_enc python3 "$(dirname "$0")/age-pty.py" pw \
	"$AGS_BIN" decrypt --output out.yaml enc2.yaml 2>pty.log || { cat pty.log; fail "decrypt with a passphrase typed on the terminal"; }
cmp -s out.yaml plain.yaml || fail "passphrase-protected SSH key round trip"
ok "passphrase-protected SSH key on a terminal"

# the data key entries are plain age files: Go age opens them with the SSH key
if command -v age >/dev/null; then
	python3 - enc.yaml > entry.age <<'PY'
import sys
blocks, cur = [], None
for line in open(sys.argv[1]):
    t = line.strip()
    if t.startswith("- enc: |"):
        cur = {"armor": [], "recipient": ""}
        blocks.append(cur)
    elif cur is not None and t.startswith("recipient:"):
        cur["recipient"] = t.split(":", 1)[1].strip()
        cur = None
    elif cur is not None and t:
        cur["armor"].append(t)
for b in blocks:
    if b["recipient"].startswith("ssh-ed25519"):
        print("\n".join(b["armor"]))
PY
	age -d -i ed entry.age > datakey.bin || fail "Go age cannot open the sops data key entry"
	[ "$(wc -c < datakey.bin)" = 32 ] || fail "data key is not 32 bytes"
	ok "sops age entry for an SSH recipient opens with Go age"
fi
echo PASS
