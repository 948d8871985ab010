#!/usr/bin/env bash
# ssh-ed25519 and ssh-rsa both ways with Debian's Go age 1.1.1, keys made by
# Debian's ssh-keygen, with and without a passphrase (typed on a pty), plus
# authorized_keys parsing, tampering, wrong keys and bad key files.
set -uo pipefail
command -v age >/dev/null || { echo "Go age not installed"; exit 77; }
command -v ssh-keygen >/dev/null || { echo "ssh-keygen not installed"; exit 77; }
. "$(dirname "$0")/age-ssh-lib.sh"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
A() { "$AGS_BIN" age "$@"; }

head -c 100000 /dev/urandom > msg
ssh-keygen -q -t ed25519 -N '' -C ed@test -f ed
ssh-keygen -q -t rsa -b 2048 -N '' -C rsa@test -f rsa
ssh-keygen -q -t rsa -b 3072 -N '' -f rsa3072   # 384-byte body: ends with an empty line
ssh-keygen -q -t ed25519 -N 'correct horse' -f ed_enc
ssh-keygen -q -t rsa -b 2048 -N 'correct horse' -f rsa_enc
ssh-keygen -q -t ed25519 -N 'correct horse' -Z aes256-gcm@openssh.com -f ed_gcm
ssh-keygen -q -t ed25519 -N '' -f other
ssh-keygen -q -t ecdsa -N '' -f ec
ssh-keygen -q -t rsa -b 1024 -N '' -f rsa1024

# --- unencrypted keys, both directions, -r and -R ---
for k in ed rsa rsa3072; do
	A -r "$(cat $k.pub)" -o $k.ags.age msg || fail "$k: agesops encrypt -r"
	age -d -i $k -o out $k.ags.age || fail "$k: Go age cannot decrypt agesops file"
	cmp -s out msg || fail "$k: plaintext differs (agesops -> Go)"
	age -R $k.pub -o $k.go.age msg || fail "$k: Go encrypt"
	A -d -i $k -o out $k.go.age || fail "$k: agesops cannot decrypt Go file"
	cmp -s out msg || fail "$k: plaintext differs (Go -> agesops)"
	A -R $k.pub -a -o $k.ags.asc msg || fail "$k: agesops -R -a"
	age -d -i $k -o out $k.ags.asc && cmp -s out msg || fail "$k: Go age armored"
	ok "$k both ways"
done
grep -q '^-> ssh-rsa ' <(head -c 2000 rsa3072.ags.age) || fail "no ssh-rsa stanza"

# --- authorized_keys with options, comments, blank lines; several recipients ---
{
	echo "# team keys"
	echo
	echo "no-pty,command=\"echo hello world\",from=\"10.0.0.0/8\" $(cat ed.pub)"
	printf '%s   with a long comment\n' "$(cut -d' ' -f1,2 rsa.pub)"
	cat ec.pub   # other key types are skipped, as Go age does
} > authorized_keys
A -R authorized_keys -o ak.age msg || fail "agesops -R authorized_keys"
for k in ed rsa; do
	age -d -i $k -o out ak.age && cmp -s out msg || fail "authorized_keys: Go age with $k"
done
A -r "environment=\"A=b c\" $(cat ed.pub)" -o ak2.age msg || fail "agesops -r with options"
age -d -i ed -o out ak2.age && cmp -s out msg || fail "options recipient"
ok "authorized_keys lines"

# --- passphrase-protected keys (bcrypt_pbkdf + aes256-ctr / aes256-gcm) ---
for k in ed_enc rsa_enc ed_gcm; do
	A -R $k.pub -o $k.ags.age msg || fail "$k: agesops encrypt"
	# Go age 1.1.1's x/crypto cannot read aes256-gcm@openssh.com keys
	if [ $k != ed_gcm ]; then
		pty_run 'correct horse' age -d -i $k -o out $k.ags.age 2>/dev/null || fail "$k: Go age cannot decrypt (passphrase key)"
		cmp -s out msg || fail "$k: plaintext (agesops -> Go)"
	fi
	age -R $k.pub -o $k.go.age msg || fail "$k: Go encrypt"
	rm -f out
	pty_run 'correct horse' "$AGS_BIN" age -d -i $k -o out $k.go.age 2>pty.log || { cat pty.log; fail "$k: agesops cannot decrypt with passphrase key"; }
	cmp -s out msg || fail "$k: plaintext (Go -> agesops)"
	grep -q "Enter passphrase for \"$k\"" pty.log || fail "$k: no passphrase prompt"
	pty_run 'wrong horse' "$AGS_BIN" age -d -i $k -o out2 $k.go.age 2>pty.log && fail "$k: wrong passphrase accepted"
	grep -qi "incorrect passphrase" pty.log || { cat pty.log; fail "$k: wrong passphrase message"; }
	[ ! -e out2 ] || fail "$k: output written on failure"
	ok "$k (passphrase) both ways"
done
# legacy PEM (PKCS#1 with Proc-Type: 4,ENCRYPTED) written by ssh-keygen -m PEM: as Go age, the
# public key comes from the .pub beside it, and the passphrase is asked only to decrypt
cp rsa rsa_legacy && ssh-keygen -q -p -N 'correct horse' -m PEM -f rsa_legacy >/dev/null || fail "ssh-keygen -m PEM"
grep -q "Proc-Type: 4,ENCRYPTED" rsa_legacy || fail "not a legacy encrypted PEM key"
A -d -i rsa_legacy -o out rsa.go.age </dev/null 2>err && fail "legacy PEM key without .pub"
grep -q 'rsa_legacy.pub' err || { cat err; fail "legacy PEM without .pub: message"; }
cp rsa.pub rsa_legacy.pub
A -e -i rsa_legacy -o legacy.age msg </dev/null || fail "legacy PEM key: -e -i asked for a passphrase"
rm -f out
pty_run 'correct horse' "$AGS_BIN" age -d -i rsa_legacy -o out legacy.age 2>/dev/null || fail "legacy PEM key"
cmp -s out msg || fail "legacy PEM plaintext"
ok "legacy encrypted PEM RSA key"

# lazy: an encrypted key whose tag does not match is never unlocked (no prompt, no terminal needed)
A -R other.pub -o other.age msg
A -d -i ed_enc -o out other.age </dev/null 2>err && fail "ed_enc opened a file for another key"
grep -qi "passphrase" err && { cat err; fail "asked for a passphrase although no stanza matched"; }
grep -qi "no identity matched" err || { cat err; fail "wrong error for non-matching encrypted key"; }
ok "encrypted key not unlocked for other recipients"

# --- wrong key, tampering ---
A -d -i other -o out ed.go.age 2>err && fail "wrong key decrypted"
grep -qi "no identity matched" err || { cat err; fail "wrong-key message"; }
A -d -i rsa -o out ed.go.age 2>/dev/null && fail "rsa key decrypted ed25519 file"
python3 - ed.go.age ed.tampered.age <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.index(b'\n', d.index(b'-> ssh-ed25519')) + 1   # first body line
d[i + 3] = ord('A') if d[i + 3] != ord('A') else ord('B')
open(sys.argv[2], 'wb').write(d)
PY
A -d -i ed -o out ed.tampered.age 2>err && fail "tampered ssh-ed25519 body accepted"
grep -qi "ssh-ed25519" err || { cat err; fail "tampered message should name the stanza"; }
age -d -i ed -o out ed.tampered.age 2>/dev/null && fail "Go age accepted the tampered file (test is wrong)"
python3 - rsa.go.age rsa.tampered.age <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.index(b'\n', d.index(b'-> ssh-rsa')) + 1
d[i + 10] = ord('A') if d[i + 10] != ord('A') else ord('B')
open(sys.argv[2], 'wb').write(d)
PY
A -d -i rsa -o out rsa.tampered.age 2>err && fail "tampered ssh-rsa body accepted"
grep -qi "ssh-rsa" err || { cat err; fail "tampered rsa message"; }
ok "wrong keys and tampered stanzas rejected"

# --- bad key files and recipients ---
A -d -i ec -o out ed.go.age 2>err && fail "ecdsa identity accepted"
grep -q "ec" err && grep -qi "unsupported" err || { cat err; fail "ecdsa identity message"; }
head -c 300 ed > trunc; echo "-----END OPENSSH PRIVATE KEY-----" >> trunc
A -d -i trunc -o out ed.go.age 2>err && fail "truncated key accepted"
grep -q "trunc" err || { cat err; fail "truncated key message should name the file"; }
A -r "$(cat rsa1024.pub)" -o x.age msg 2>err && fail "1024-bit RSA recipient accepted"
grep -qi "too small" err || { cat err; fail "small RSA message"; }
A -r "$(cat ec.pub)" -o x.age msg 2>err && fail "ecdsa recipient accepted"
A -r "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAA" -o x.age msg 2>/dev/null && fail "truncated ssh key accepted"
[ "$(wc -l < err)" -le 2 ] || { cat err; fail "error should be one line"; }
ok "bad key files and recipients give clear errors"
echo "PASS"
