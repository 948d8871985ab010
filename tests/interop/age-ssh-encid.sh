#!/usr/bin/env bash
# Passphrase-protected identity files (an age file, binary or armored, whose
# plaintext is an identity file) both ways with Go age 1.1.1: `age -p` then
# `age -d -i file.age`, passphrases typed on a pty.
set -uo pipefail
command -v age >/dev/null || { echo "Go age not installed"; exit 77; }
command -v age-keygen >/dev/null || { echo "age-keygen not installed"; exit 77; }
. "$(dirname "$0")/age-ssh-lib.sh"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
A() { "$AGS_BIN" age "$@"; }
head -c 5000 /dev/urandom > msg

age-keygen -o id.txt 2>/dev/null
pub=$(age-keygen -y id.txt)
age -r "$pub" -o msg.age msg

# Go age -p makes the encrypted identity files (binary and armored)
pty_run 'id pass' age -p -o id.age id.txt 2>/dev/null || fail "Go age -p"
pty_run 'id pass' age -p -a -o id.asc id.txt 2>/dev/null || fail "Go age -p -a"
for f in id.age id.asc; do
	rm -f out
	pty_run 'id pass' "$AGS_BIN" age -d -i $f -o out msg.age 2>pty.log || { cat pty.log; fail "agesops -i $f"; }
	cmp -s out msg || fail "$f: plaintext"
	grep -q "Enter passphrase for identity file \"$f\"" pty.log || { cat pty.log; fail "$f: prompt"; }
	pty_run 'bad pass' "$AGS_BIN" age -d -i $f -o out2 msg.age 2>pty.log && fail "$f: wrong passphrase accepted"
	grep -qi "passphrase" pty.log || { cat pty.log; fail "$f: wrong passphrase message"; }
	ok "Go-made encrypted identity $f"
done
# no terminal: a clear error, not a hang
A -d -i id.age -o out msg.age </dev/null 2>err && fail "decrypted without a passphrase"
grep -qi "passphrase" err || { cat err; fail "no-terminal message"; }
ok "no terminal -> clear error"

# agesops -p makes it, Go age reads it
pty_run 'id pass 2' "$AGS_BIN" age -p -o id2.age id.txt 2>/dev/null || fail "agesops -p"
rm -f out
pty_run 'id pass 2' age -d -i id2.age -o out msg.age 2>/dev/null || fail "Go age -i agesops-made identity"
cmp -s out msg || fail "plaintext (agesops-made identity)"
ok "agesops-made encrypted identity read by Go age"

echo PASS
