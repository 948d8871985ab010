#!/usr/bin/env bash
# tests/faults/age-output.sh SHIM: `age -o` when the output cannot be
# written (issue #14: "ENOSPC during age -o names the input file").
#
# For age -e -o, age -e -a -o and age -d -o, into a new and into an
# existing output: one clean run counts the calls (faultshim.c), then every
# write, fsync, rename, link, fchmod and close call fails in turn with
# ENOSPC and with EIO.  Each run must either succeed with the complete new
# output, or exit non-zero with one error line that names the output file
# (not the input), leave the output as it was (absent, or its old content)
# or, for a failure after the rename, complete and new, and leave no other
# file behind.  Prints "runs, failures".
set -u
SHIM=${1:?usage: age-output.sh path/to/faultshim.so}
AGS=${AGS_BIN:?}
if ldd "$AGS" 2>/dev/null | grep -q 'libasan'; then
	echo "skipped: sanitizer build (the shim cannot be preloaded before ASan)"
	exit 77
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export HOME=$W/home
mkdir -p "$HOME" "$W/in"
"$AGS" keygen -o "$W/in/key.txt" 2>/dev/null || exit 1
R=$("$AGS" keygen -y "$W/in/key.txt")
# 2.5 MiB: the stream writes 1 MiB batches, so the output takes several writes
head -c 2621440 /dev/urandom > "$W/in/secret-input.bin"
"$AGS" age -r "$R" -o "$W/in/secret-input.age" "$W/in/secret-input.bin" || exit 1

runs=0 failures=0
fail() {
	failures=$((failures + 1))
	[ "$failures" -le 30 ] && echo "FAIL [$scn $pt]: $*"
}

run_cmd() { # SCN (in the run directory)
	case $1 in
	enc) "$AGS" age -r "$R" -o t.out "$W/in/secret-input.bin" ;;
	enc-armor) "$AGS" age -r "$R" -a -o t.out "$W/in/secret-input.bin" ;;
	dec) "$AGS" age -d -i "$W/in/key.txt" -o t.out "$W/in/secret-input.age" ;;
	esac
}

is_new() { # SCN FILE
	case $1 in
	enc | enc-armor) "$AGS" age -d -i "$W/in/key.txt" "$2" 2>/dev/null | cmp -s - "$W/in/secret-input.bin" ;;
	dec) cmp -s "$2" "$W/in/secret-input.bin" ;;
	esac
}

one() { # SCN OLD(0/1) OP N ERRNO
	local scn=$1 old=$2 d=$W/run st
	rm -rf "$d"; mkdir -p "$d"
	[ "$old" = 1 ] && echo OLD > "$d/t.out"
	(cd "$d" && AGS_FAULT_OP=$3 AGS_FAULT_N=$4 AGS_FAULT_ACTION=$5 LD_PRELOAD=$SHIM run_cmd "$scn" > /dev/null 2> "$W/stderr")
	st=$?
	runs=$((runs + 1))
	local extra
	extra=$(cd "$d" && ls -A | grep -v '^t\.out$')
	[ -z "$extra" ] || fail "files left behind: $extra"
	if [ "$st" = 0 ]; then
		is_new "$scn" "$d/t.out" || fail "exit 0 but t.out is not the complete new output"
		return
	fi
	[ "$st" -lt 128 ] || fail "status $st"
	[ "$(wc -l < "$W/stderr")" = 1 ] || fail "not one error line: $(head -3 "$W/stderr")"
	grep -q '"t.out"' "$W/stderr" || fail "the message does not name the output: $(cat "$W/stderr")"
	grep -q 'secret-input' "$W/stderr" && fail "the message names the input: $(cat "$W/stderr")"
	# a failure after the rename (the directory fsync) leaves the complete
	# new output, reported as not durable; anything else leaves the old state
	if [ -e "$d/t.out" ] && ! is_new "$scn" "$d/t.out"; then
		if [ "$old" = 1 ]; then
			[ "$(cat "$d/t.out")" = OLD ] || fail "the old output was changed"
		else
			fail "a partial output file was left ($(stat -c %s "$d/t.out") bytes)"
		fi
	fi
}

for scn in enc enc-armor dec; do
	for old in 0 1; do
		pt="clean old=$old"
		d=$W/run; rm -rf "$d" "$W/counts"; mkdir -p "$d"
		[ "$old" = 1 ] && echo OLD > "$d/t.out"
		(cd "$d" && AGS_FAULT_COUNT=$W/counts LD_PRELOAD=$SHIM run_cmd "$scn" > /dev/null 2>&1) || { fail "clean run failed"; continue; }
		is_new "$scn" "$d/t.out" || fail "clean run: wrong output"
		# the output is written in several calls, or the test would see little
		[ "$(awk '$1 == "write" { print $2 }' "$W/counts")" -ge 2 ] || fail "fewer than 2 writes: $(tr '\n' ' ' < "$W/counts")"
		while read -r op count; do
			case $op in write | fsync | rename | link | fchmod | close) ;; *) continue ;; esac
			for n in $(seq 1 "$count"); do
				for e in ENOSPC EIO; do
					pt="$op#$n $e old=$old"
					one "$scn" "$old" "$op" "$n" "$e"
				done
			done
		done < "$W/counts"
	done
done
echo "age-output: $runs runs, $failures failures"
[ "$runs" -gt 20 ] && [ "$failures" = 0 ]
