#!/usr/bin/env bash
# tests/faults/run.sh SHIM: fault injection over every writing command.
#
# For each command: one clean run counts its open/write/fsync/rename/link/
# fchmod/fchown/close calls (faultshim.c); then runs it again with SIGKILL or
# an errno (ENOSPC, EIO, EXDEV, EPERM) at the n-th call of each operation and
# checks:
#   - the exit status: killed (137) or completed; an injected errno never
#     crashes (status < 128), and status 0 means the target is the new one;
#   - every target is its old content or its complete new content;
#   - no other file appeared, except .agesops-PID-*.tmp of mode 0600, which
#     the next write in that directory must remove (and, for edit, the
#     private directory of a killed run, which the next edit must remove);
#   - no plaintext marker in anything that should be encrypted;
#   - the owner (1234:1234 when run as root) is unchanged.
# Plus symlink, hard link, FIFO, owner and 255-byte-name cases.  encrypt-big
# and decrypt-big-o take a 3 MiB binary file, past AGS_BUF_SPILL_AT: their
# output is written while it is emitted (src/sops/opts.c, sops_output_*).
#
# By default each operation is hit at its first, middle and last call with
# SIGKILL and one errno (rotating); AGS_FAULTS_FULL=1 hits every call with
# every action; AGS_FAULTS_ONLY="scenario ..." runs a subset of the sweep.
# Prints "runs, points, failures"; tests/faults/README.md has the last full
# sweep's counts.
set -u
SHIM=${1:?usage: run.sh path/to/faultshim.so}
AGS=${AGS_BIN:?}
FULL=${AGS_FAULTS_FULL:-0}
# The sampled sweep runs by default (about 90 s on an idle 2-core machine);
# AGS_FAULTS=0 skips it, AGS_FAULTS_FULL=1 tries every point.
if [ "${AGS_FAULTS:-1}" != 1 ] && [ "$FULL" != 1 ]; then
	echo "skipped: AGS_FAULTS=0"
	exit 77
fi
if ldd "$AGS" 2>/dev/null | grep -q 'libasan'; then
	echo "skipped: sanitizer build (the shim cannot be preloaded before ASan)"
	exit 77
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export HOME=$W/home XDG_CONFIG_HOME=$W/home/.config
unset SOPS_AGE_KEY SOPS_AGE_KEY_CMD SOPS_AGE_RECIPIENTS SOPS_CONFIG SOPS_EDITOR
mkdir -p "$HOME"
MARK=PLAINTEXT-MARKER-7f3a9c
"$AGS" keygen -o "$W/key.txt" 2>/dev/null || exit 1
"$AGS" keygen -o "$W/key2.txt" 2>/dev/null || exit 1
R=$("$AGS" keygen -y "$W/key.txt")
R2=$("$AGS" keygen -y "$W/key2.txt")
export SOPS_AGE_KEY_FILE=$W/key.txt
OWNER=
[ "$(id -u)" = 0 ] && OWNER=1234:1234

# templates
T=$W/tpl
mkdir -p "$T"
printf 'password: %s\nuser: alice\n' "$MARK" > "$T/plain.yaml"
cp "$T/plain.yaml" "$T/enc.yaml"
"$AGS" encrypt -i --age "$R" "$T/enc.yaml" || exit 1
printf '%s\n' "$MARK" > "$T/plain.txt"
"$AGS" age -r "$R" -o "$T/enc.age" "$T/plain.txt" || exit 1
printf 'creation_rules:\n  - age: %s,%s\n' "$R" "$R2" > "$T/sops2.yaml"
# 3 MiB: past AGS_BUF_SPILL_AT, so encrypt/decrypt write while they emit
{ printf '%s\n' "$MARK"; head -c 3145728 /dev/urandom; } > "$T/big.bin"
cp "$T/big.bin" "$T/big.enc"
"$AGS" encrypt -i --age "$R" "$T/big.enc" || exit 1

runs=0 points=0 failures=0
fail() {
	failures=$((failures + 1))
	[ "$failures" -le 30 ] && echo "FAIL [$scn ${pt:-}]: $*"
}

decrypts_to() { # FILE EXPECTED-FILE
	"$AGS" decrypt "$1" 2>/dev/null | cmp -s - "$2"
}

# scenario table: name | targets (space separated, relative to the run dir)
# prepare, command and "is new" check are the functions below
SCENARIOS="encrypt-i decrypt-i rotate-i updatekeys updatekeys-r rotate-r set unset edit age-e-o age-d-o keygen-o secret-output cluster-init encrypt-big decrypt-big-o"
# AGS_FAULTS_ONLY="scn ...": a subset (the full sweep can be run in parts)
SCENARIOS=${AGS_FAULTS_ONLY:-$SCENARIOS}

prepare() { # SCN DIR
	local d=$2
	mkdir -p "$d/tmp"
	case $1 in
	encrypt-i) cp "$T/plain.yaml" "$d/t.yaml" ;;
	decrypt-i | rotate-i | set | unset | edit) cp "$T/enc.yaml" "$d/t.yaml" ;;
	updatekeys) cp "$T/enc.yaml" "$d/t.yaml"; cp "$T/sops2.yaml" "$d/.sops.yaml" ;;
	updatekeys-r | rotate-r)
		mkdir -p "$d/repo/a" "$d/repo/b"
		for f in a/r1 a/r2 b/r3; do cp "$T/enc.yaml" "$d/repo/$f.yaml"; done
		cp "$T/sops2.yaml" "$d/.sops.yaml" ;;
	age-e-o | age-d-o | decrypt-big-o) echo OLD > "$d/t.out" ;;
	encrypt-big) cp "$T/big.bin" "$d/t.bin" ;;
	keygen-o) ;;
	secret-output) echo 'old: manifest' > "$d/t.yaml" ;;
	cluster-init) mkdir -p "$d/repo" "$d/keys"; git -C "$d/repo" init -q . ;;
	esac
	[ -n "$OWNER" ] && find "$d" -type f -not -path '*/.git/*' -exec chown "$OWNER" {} +
	# old copies for the old-or-new check
	(cd "$d" && find . -type f -not -path './.git/*' -not -path './repo/.git/*' -not -path './tmp/*' | sort) > "$W/old.list"
	rm -rf "$W/old"; cp -a "$d" "$W/old"
}

run_cmd() { # SCN DIR
	local d=$2
	cd "$d" || return 99
	case $1 in
	encrypt-i) "$AGS" encrypt -i --age "$R" t.yaml ;;
	decrypt-i) "$AGS" decrypt -i t.yaml ;;
	rotate-i) "$AGS" rotate -i t.yaml ;;
	updatekeys) "$AGS" updatekeys -y t.yaml ;;
	updatekeys-r) "$AGS" updatekeys -y -r repo ;;
	rotate-r) "$AGS" rotate -r repo ;;
	set) "$AGS" set t.yaml '["user"]' '"bob"' ;;
	unset) "$AGS" unset t.yaml '["user"]' ;;
	edit) TMPDIR=$d/tmp EDITOR="sed -i s/alice/carol/" "$AGS" edit t.yaml ;;
	age-e-o) "$AGS" age -r "$R" -o t.out "$T/plain.txt" ;;
	age-d-o) "$AGS" age -d -i "$W/key.txt" -o t.out "$T/enc.age" ;;
	keygen-o) "$AGS" keygen -o t.key ;;
	secret-output) "$AGS" secret generic s1 --from-literal "password=$MARK" --encrypt --age "$R" --output t.yaml ;;
	cluster-init) "$AGS" cluster init c1 --no-git --no-proxmox --key-file "$d/keys/c1.agekey" --repo "$d/repo" ;;
	encrypt-big) "$AGS" encrypt -i --age "$R" t.bin ;;
	decrypt-big-o) "$AGS" decrypt --output t.out "$T/big.enc" ;;
	esac
}

# Is FILE (relative) in DIR the complete new content?  (old is checked apart)
is_new() { # SCN DIR FILE
	local d=$2 f=$2/$3
	case $1 in
	encrypt-i) ! grep -q "$MARK" "$f" && decrypts_to "$f" "$T/plain.yaml" ;;
	decrypt-i) cmp -s "$f" "$T/plain.yaml" ;;
	rotate-i | updatekeys | updatekeys-r | rotate-r)
		! cmp -s "$f" "$T/enc.yaml" && decrypts_to "$f" "$T/plain.yaml" ;;
	set) "$AGS" decrypt "$f" 2>/dev/null | grep -q '^user: bob$' ;;
	unset) "$AGS" decrypt "$f" 2>/dev/null | grep -q "^password: $MARK\$" &&
		! "$AGS" decrypt "$f" 2>/dev/null | grep -q '^user:' ;;
	edit) "$AGS" decrypt "$f" 2>/dev/null | grep -q '^user: carol$' ;;
	age-e-o) "$AGS" age -d -i "$W/key.txt" "$f" 2>/dev/null | cmp -s - "$T/plain.txt" ;;
	age-d-o) cmp -s "$f" "$T/plain.txt" ;;
	encrypt-big) ! grep -q "$MARK" "$f" && decrypts_to "$f" "$T/big.bin" ;;
	decrypt-big-o) cmp -s "$f" "$T/big.bin" ;;
	keygen-o) [ "$(stat -c %a "$f")" = 600 ] && "$AGS" keygen -y "$f" > /dev/null 2>&1 ;;
	secret-output) ! grep -q "$MARK" "$f" && "$AGS" decrypt "$f" 2>/dev/null | grep -q "password: $(printf %s "$MARK" | base64)" ;;
	cluster-init)
		case $3 in
		./keys/c1.agekey) [ "$(stat -c %a "$f")" = 600 ] && "$AGS" keygen -y "$f" > /dev/null 2>&1 ;;
		./repo/.sops.yaml) grep -q 'creation_rules' "$f" ;;
		./repo/secrets/c1/.sops.public.key) grep -q '^age1' "$f" ;;
		./repo/clusters/c1/secrets.yaml) grep -q 'kind: Kustomization' "$f" ;;
		*) return 1 ;;
		esac ;;
	esac
}

# the files a scenario may create (besides changing the old ones)
new_files() {
	case $1 in
	keygen-o) echo ./t.key ;;
	cluster-init) printf '%s\n' ./keys/c1.agekey ./repo/.sops.yaml ./repo/secrets/c1/.sops.public.key ./repo/clusters/c1/secrets.yaml ;;
	esac
}

check() { # SCN DIR STATUS KILLED
	local scn=$1 d=$2 st=$3 killed=$4 f
	# 128 is sops' "could not get the data key"; above it, a signal
	if [ "$st" -gt 128 ] && [ "$st" -lt 160 ] && { [ "$killed" = 0 ] || [ "$st" != 137 ]; }; then
		fail "status $st: killed by a signal other than the injected SIGKILL"
	fi
	local expect
	expect=$( (cat "$W/old.list"; new_files "$scn") | sort -u)
	# targets: old or new
	while read -r f; do
		[ -e "$d/$f" ] || { [ -e "$W/old/$f" ] && fail "$f vanished"; continue; }
		if cmp -s "$d/$f" "$W/old/$f" 2>/dev/null; then
			[ "$st" = 0 ] && [ "$scn" != cluster-init ] && [ "$f" != ./.sops.yaml ] && ! is_new "$scn" "$d" "$f" &&
				case $scn in secret-output | age-e-o | age-d-o | keygen-o | encrypt-i | decrypt-i | rotate-i | set | unset | edit | updatekeys | updatekeys-r | rotate-r | encrypt-big | decrypt-big-o) [ "$f" = ./t.yaml ] || [ "$f" = ./t.out ] || [ "$f" = ./t.key ] || [ "$f" = ./t.bin ] || [[ "$f" == ./repo/* ]] ;; *) false ;; esac &&
				fail "exit 0 but $f is unchanged"
			continue
		fi
		is_new "$scn" "$d" "$f" || fail "$f is neither old nor new"
		if [ -n "$OWNER" ] && [ -e "$W/old/$f" ] && [ "$(stat -c %u:%g "$d/$f")" != "$OWNER" ]; then
			fail "$f owner changed to $(stat -c %u:%g "$d/$f")"
		fi
	done <<< "$expect"
	# anything else that appeared
	local extra
	extra=$(cd "$d" && find . -type f -not -path './.git/*' -not -path './repo/.git/*' -not -path './tmp/*' | sort | comm -23 - <(echo "$expect"))
	local swept=
	for f in $extra; do
		case $(basename "$f") in
		.agesops-*.tmp)
			[ "$killed" = 1 ] || fail "temp file $f left after an errno (not a kill)"
			[ "$(stat -c %a "$d/$f")" = 600 ] || fail "temp file $f has mode $(stat -c %a "$d/$f")"
			swept="$swept $(dirname "$d/$f")"
			;;
		*) fail "unexpected file $f" ;;
		esac
	done
	# the next write in that directory removes them
	for dir in $swept; do
		"$AGS" keygen -o "$dir/.sweep.key" 2>/dev/null; rm -f "$dir/.sweep.key"
	done
	for f in $extra; do
		[ -e "$d/$f" ] && fail "stale temp file $f not removed by the next write"
	done
	# edit's private directory: gone, or (after a kill) removed by the next edit
	if [ "$scn" = edit ] && [ -n "$(ls -A "$d/tmp")" ]; then
		if [ "$killed" = 0 ]; then
			fail "edit left $(ls -A "$d/tmp") after an errno"
		else
			cp "$T/enc.yaml" "$d/scratch.yaml"
			(cd "$d" && TMPDIR=$d/tmp EDITOR=true "$AGS" edit scratch.yaml > /dev/null 2>&1)
			[ -n "$(ls -A "$d/tmp")" ] && fail "edit's temp dir of a killed run not removed by the next edit"
		fi
	fi
	# no plaintext marker where everything should be encrypted (a target
	# still holding its old content is the old-or-new case above)
	case $scn in
	encrypt-i | rotate-i | updatekeys | updatekeys-r | rotate-r | set | unset | edit | age-e-o | secret-output | encrypt-big)
		for f in $(grep -rl --exclude-dir=.git --exclude-dir=tmp "$MARK" "$d"); do
			cmp -s "$f" "$W/old/${f#"$d"/}" || fail "plaintext marker on disk: $f"
		done
		;;
	esac
}

one_run() { # SCN OP N ACTION
	local scn=$1 d=$W/run
	pt="$2#$3 $4"
	rm -rf "$d"; mkdir -p "$d"
	prepare "$scn" "$d"
	(AGS_FAULT_OP=$2 AGS_FAULT_N=$3 AGS_FAULT_ACTION=$4 LD_PRELOAD=$SHIM run_cmd "$scn" "$d" > /dev/null 2> "$W/stderr")
	local st=$?
	runs=$((runs + 1))
	check "$scn" "$d" "$st" "$([ "$4" = kill ] && echo 1 || echo 0)"
	if [ "$4" != kill ] && [ "$st" != 0 ] && ! [ -s "$W/stderr" ]; then fail "status $st without a message"; fi
}

ERRNOS=(ENOSPC EIO EXDEV EPERM)
for scn in $SCENARIOS; do
	d=$W/run
	rm -rf "$d" "$W/counts"; mkdir -p "$d"
	prepare "$scn" "$d"
	(AGS_FAULT_COUNT=$W/counts LD_PRELOAD=$SHIM run_cmd "$scn" "$d" > /dev/null 2> "$W/stderr")
	st=$?
	pt=clean
	[ "$st" = 0 ] || { fail "clean run failed ($st): $(head -2 "$W/stderr")"; continue; }
	check "$scn" "$d" 0 0
	k=0
	while read -r op count; do
		[ "$count" -gt 0 ] || continue
		if [ "$FULL" = 1 ]; then
			ns=$(seq 1 "$count")
		else
			ns=$(printf '%s\n' 1 $(((count + 1) / 2)) "$count" | sort -un)
		fi
		for n in $ns; do
			points=$((points + 1))
			if [ "$FULL" = 1 ]; then
				actions="kill ${ERRNOS[*]}"
			else
				actions="kill ${ERRNOS[$((k % 4))]}"
			fi
			k=$((k + 1))
			for a in $actions; do one_run "$scn" "$op" "$n" "$a"; done
		done
	done < "$W/counts"
	echo "  $scn: $runs runs, $points points, $failures failures so far" >&2
done
pt=

# fixed cases on top of the sweep: links, FIFO, long name
scn=links
d=$W/links; rm -rf "$d"; mkdir -p "$d/real"
cp "$T/plain.yaml" "$d/real/s.yaml"; ln -s real/s.yaml "$d/l.yaml"
for a in kill ENOSPC; do
	cp "$T/plain.yaml" "$d/real/s.yaml"
	(cd "$d" && AGS_FAULT_OP=rename AGS_FAULT_N=1 AGS_FAULT_ACTION=$a LD_PRELOAD=$SHIM "$AGS" encrypt -i --age "$R" l.yaml > /dev/null 2>&1)
	runs=$((runs + 1))
	[ -L "$d/l.yaml" ] || fail "symlink replaced ($a)"
	cmp -s "$d/real/s.yaml" "$T/plain.yaml" || fail "target changed although the rename failed ($a)"
	ls -A "$d" | grep -qv '^\(real\|l\.yaml\|\.agesops-.*\.tmp\)$' && fail "unexpected file beside the link ($a)"
done
(cd "$d" && "$AGS" encrypt -i --age "$R" l.yaml) && [ -L "$d/l.yaml" ] && ! grep -q "$MARK" "$d/real/s.yaml" || fail "encrypt -i through a symlink"
runs=$((runs + 1))
cp "$T/plain.yaml" "$d/h.yaml"; ln "$d/h.yaml" "$d/h2.yaml"
(cd "$d" && "$AGS" encrypt -i --age "$R" h.yaml 2> "$W/stderr"); st=$?
runs=$((runs + 1))
[ "$st" != 0 ] && grep -q 'hard links' "$W/stderr" && cmp -s "$d/h.yaml" "$d/h2.yaml" || fail "hard link not refused ($st)"
mkfifo "$d/ff"
(cat "$d/ff" > "$d/ff.out" &) ; "$AGS" decrypt --output "$d/ff" "$T/enc.yaml"
sleep 0.2
runs=$((runs + 1))
[ -p "$d/ff" ] && cmp -s "$d/ff.out" "$T/plain.yaml" || fail "FIFO output"
long=$d/$(printf 'n%.0s' $(seq 250)).yaml
cp "$T/plain.yaml" "$long"
"$AGS" encrypt -i --age "$R" "$long" && ! grep -q "$MARK" "$long" || fail "255-byte name in place"
runs=$((runs + 1))

echo "faults: $runs runs, $points points, $failures failures (full sweep: ${FULL})"
[ "$failures" = 0 ]
