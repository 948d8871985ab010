#!/usr/bin/env bash
# Interop with Go age 1.1.1 (Debian package "age"), both directions:
# binary and armored, 1 and 3 recipients, recipients and identity files,
# passphrases (through a pty), keys from either keygen, sizes 0 B..10 MiB.
source "$(dirname "$0")/age-lib.sh"
command -v age >/dev/null && command -v age-keygen >/dev/null || { echo "Go age not installed"; exit 77; }
make_inputs

# keys: two from agesops keygen, one from age-keygen
"$AGS" keygen -o "$T/k1" 2>/dev/null
"$AGS" keygen -o "$T/k2" 2>/dev/null
age-keygen -o "$T/k3" 2>/dev/null
for k in 1 2 3; do
	R[$k]=$(age-keygen -y "$T/k$k")
	[ "$("$AGS" keygen -y "$T/k$k")" = "${R[$k]}" ] || die "keygen -y disagrees for k$k"
done
grep -q "^# public key: ${R[1]}$" "$T/k1" || die "key file layout"
[ "$(stat -c %a "$T/k1")" = 600 ] || die "key file mode"
printf '%s\n' "# team" "${R[2]}" "" "${R[3]}" >"$T/rcpts"

for s in "${SIZES[@]}"; do
	p=$T/p$s
	# agesops -> age
	"$AGS" age -r "${R[1]}" -o "$T/a.age" "$p"
	age -d -i "$T/k1" "$T/a.age" >"$T/out"; same "$p" "$T/out" "ours->go 1 rcpt size $s"
	"$AGS" age -a -r "${R[1]}" -R "$T/rcpts" <"$p" >"$T/a.asc"
	head -1 "$T/a.asc" | grep -q -- '-----BEGIN AGE ENCRYPTED FILE-----' || die "armor header"
	for k in 1 2 3; do
		age -d -i "$T/k$k" "$T/a.asc" >"$T/out"; same "$p" "$T/out" "ours->go armored 3 rcpt key $k size $s"
	done
	# age -> agesops
	age -r "${R[3]}" -o "$T/b.age" "$p"
	"$AGS" age -d -i "$T/k3" -o "$T/out" "$T/b.age"; same "$p" "$T/out" "go->ours 1 rcpt size $s"
	age -a -r "${R[1]}" -R "$T/rcpts" -o "$T/b.asc" "$p"
	for k in 1 2 3; do
		"$AGS" age -d -i "$T/k$k" <"$T/b.asc" >"$T/out"; same "$p" "$T/out" "go->ours armored 3 rcpt key $k size $s"
	done
	# argv[0] dispatch: the binary named "age" behaves as age
	ln -sf "$AGS" "$T/age"
	"$T/age" -d -i "$T/k1" "$T/b.asc" >"$T/out"; same "$p" "$T/out" "argv0 age size $s"
done

# -i with -e: encrypt to the identity's recipient
"$AGS" age -e -i "$T/k2" -o "$T/c.age" "$T/p1"
age -d -i "$T/k2" "$T/c.age" >"$T/out"; same "$T/p1" "$T/out" "-e -i"

# passphrases through a pty, both directions (scrypt work factor 18)
PTY="$HERE/age-pty.py"
for s in 0 65537; do
	python3 "$PTY" "correct horse battery" "$AGS" age -p -o "$T/s.age" "$T/p$s" 2>/dev/null
	grep -q '^-> scrypt [A-Za-z0-9+/]\{22\} 18$' "$T/s.age" || die "scrypt stanza with work factor 18"
	rm -f "$T/out"; python3 "$PTY" "correct horse battery" age -d -o "$T/out" "$T/s.age" 2>/dev/null || die "go decrypt passphrase"; [ -e "$T/out" ] || : >"$T/out"
	same "$T/p$s" "$T/out" "ours->go passphrase size $s"
	python3 "$PTY" "correct horse battery" age -p -a -o "$T/s.asc" "$T/p$s" 2>/dev/null
	python3 "$PTY" "correct horse battery" "$AGS" age -d -o "$T/out" "$T/s.asc" 2>/dev/null
	same "$T/p$s" "$T/out" "go->ours passphrase armored size $s"
done
# wrong passphrase: no match, and no output file left behind
if python3 "$PTY" "wrong" "$AGS" age -d -o "$T/nope" "$T/s.asc" 2>/dev/null; then die "wrong passphrase accepted"; fi
[ ! -e "$T/nope" ] || die "output left behind"; ok
# no terminal: a clear error
if "$AGS" age -p -o "$T/x.age" "$T/p1" </dev/null 2>"$T/err"; then die "-p without a terminal"; fi
# (setsid detaches from the controlling terminal so /dev/tty is unavailable)
if setsid "$AGS" age -p -o "$T/x.age" "$T/p1" </dev/null 2>"$T/err"; then die "-p without a terminal"; fi
grep -q "not a terminal" "$T/err" || die "no-terminal message: $(cat "$T/err")"; ok
# passphrase-protected identity file (age -p of a key file), used with -i
python3 "$PTY" "idpass" age -p -o "$T/k1.age" "$T/k1" 2>/dev/null
age -r "${R[1]}" -o "$T/d.age" "$T/p65536"
python3 "$PTY" "idpass" "$AGS" age -d -i "$T/k1.age" -o "$T/out" "$T/d.age" 2>/dev/null
same "$T/p65536" "$T/out" "encrypted identity file"

echo "age-go: $pass checks passed"
