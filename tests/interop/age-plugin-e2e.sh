#!/usr/bin/env bash
# The age plugin protocol end to end with the test plugin (tests/plugin):
# a good plugin (agesops <-> agesops, and both ways with Go age 1.1.1's
# plugin client), and plugins that fail, hang (timeout), crash, speak
# garbage, flood, or find no key; PATH lookup never uses the CWD.
set -uo pipefail
. "$(dirname "$0")/age-ssh-lib.sh"
P="${AGS_BUILD_ROOT:?}/tests/plugin/age-plugin-agstest"
[ -x "$P" ] || fail "test plugin not built: $P"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
A() { "$AGS_BIN" age "$@"; }
mkdir bin
for n in agstest agsfail agshang agsgarbage agscrash agsbig agsnone; do
	cp "$P" bin/age-plugin-$n
done
export PATH="$T/bin:$PATH"
head -c 70000 /dev/urandom > msg

gen() { # NAME -> NAME.id (identity file), prints the recipient
	age-plugin-agstest --generate "$1" > "$1.id" || fail "generate $1"
	sed -n 's/^# recipient: //p' "$1.id"
}
r=$(gen agstest)
case "$r" in age1agstest1*) ;; *) fail "bad recipient $r" ;; esac

# --- good plugin ---
A -r "$r" -o p.age msg || fail "encrypt to plugin recipient"
grep -aq '^-> agstest ' p.age || fail "no plugin stanza in header"
A -d -i agstest.id -o out p.age || fail "decrypt with plugin identity"
cmp -s out msg || fail "plugin round trip plaintext"
# mixed with an X25519 recipient, and a recipients file
printf '%s\n' "$r" > rcpts
"$AGS_BIN" keygen -o x25519.key 2>/dev/null || fail "keygen"
A -R rcpts -r "$("$AGS_BIN" keygen -y x25519.key)" -o p2.age msg || fail "encrypt -R plugin + X25519"
A -d -i agstest.id -o out p2.age && cmp -s out msg || fail "decrypt mixed (plugin)"
A -d -i x25519.key -o out p2.age && cmp -s out msg || fail "decrypt mixed (X25519)"
ok "good plugin round trip"

if command -v age >/dev/null; then
	age -r "$r" -o go.age msg 2>/dev/null || fail "Go age with the test plugin"
	A -d -i agstest.id -o out go.age && cmp -s out msg || fail "agesops decrypting Go age plugin file"
	rm -f out
	age -d -i agstest.id -o out p.age && cmp -s out msg || fail "Go age decrypting agesops plugin file"
	ok "plugin files interoperate with Go age"
fi

# -j: a plugin identity without data (encrypt with -e -j, decrypt with -j)
A -e -j agstest -o j.age msg || fail "encrypt -e -j agstest"
A -d -j agstest -o out j.age && cmp -s out msg || fail "decrypt -d -j agstest"
A -d -i agstest.id -o out j.age 2>/dev/null && fail "j.age opened by a different key"
ok "-j NAME"

# msg + request-secret: answered through the terminal
AGSTEST_MSG=1 AGSTEST_PIN=1234 pty_run 1234 "$AGS_BIN" age -d -i agstest.id -o out p.age 2>pty.log || { cat pty.log; fail "PIN through pty"; }
cmp -s out msg || fail "PIN plaintext"
grep -q "hello from agstest" pty.log || { cat pty.log; fail "plugin msg not shown"; }
AGSTEST_PIN=1234 A -d -i agstest.id -o out2 p.age </dev/null 2>err && fail "PIN without terminal"
grep -q "wrong PIN" err || { cat err; fail "no-terminal PIN message"; }
ok "msg and request-secret"

# --- misbehaving plugins ---
expect_fail() { # label, grep pattern, command...
	local label=$1 pat=$2; shift 2
	local t0=$SECONDS
	"$@" </dev/null >/dev/null 2>err && fail "$label: succeeded"
	grep -q "$pat" err || { cat err; fail "$label: expected '$pat'"; }
	[ "$(grep -vc ': hint: ' err)" -le 2 ] || { cat err; fail "$label: error should be one line"; }
	[ $((SECONDS - t0)) -lt 30 ] || fail "$label: too slow"
}
for n in agsfail agshang agsgarbage agscrash agsbig agsnone; do gen $n > $n.rcpt; done
export AGESOPS_PLUGIN_TIMEOUT=2
expect_fail "fail/wrap" "agsfail plugin: agsfail always fails" A -r "$(cat agsfail.rcpt)" -o x.age msg
expect_fail "hang/wrap" "agshang plugin: no response" A -r "$(cat agshang.rcpt)" -o x.age msg
expect_fail "garbage/wrap" "agsgarbage plugin: protocol error" A -r "$(cat agsgarbage.rcpt)" -o x.age msg
expect_fail "crash/wrap" "agscrash plugin: exited unexpectedly" A -r "$(cat agscrash.rcpt)" -o x.age msg
expect_fail "big/wrap" "agsbig plugin: .*too long\|agsbig plugin: .*longer" A -r "$(cat agsbig.rcpt)" -o x.age msg
[ ! -e x.age ] || fail "output left behind by a failed plugin"
# identity side: each NAME.id identity (from gen) runs age-plugin-NAME
expect_fail "fail/unwrap" "agsfail plugin: agsfail always fails" A -d -i agsfail.id -o x p.age
expect_fail "hang/unwrap" "agshang plugin: no response" A -d -i agshang.id -o x p.age
expect_fail "garbage/unwrap" "agsgarbage plugin: protocol error" A -d -i agsgarbage.id -o x p.age
expect_fail "crash/unwrap" "agscrash plugin: exited unexpectedly" A -d -i agscrash.id -o x p.age
expect_fail "big/unwrap" "agsbig plugin" A -d -i agsbig.id -o x p.age
expect_fail "none/unwrap" "no identity matched" A -d -i agsnone.id -o x p.age
[ ! -e x ] || fail "output left behind by a failed plugin"
pgrep -f "$T/bin/age-plugin-" >/dev/null && fail "plugin processes left running"
unset AGESOPS_PLUGIN_TIMEOUT
ok "failing, hanging, crashing, garbage and flooding plugins give one clear error"

# --- lookup ---
age-plugin-agstest --generate nosuch > nosuch.id
expect_fail "missing" "age-plugin-nosuch\" not found" A -r "$(sed -n 's/^# recipient: //p' nosuch.id)" -o x.age msg
# only in the working directory, with "" and "." in PATH: never run
(cd bin && PATH=":.:/usr/bin:/bin" "$AGS_BIN" age -r "$r" -o ../x.age ../msg 2>../err) && fail "plugin run from the CWD"
grep -q "not found" err || { cat err; fail "CWD lookup message"; }
ok "PATH lookup"
echo PASS
