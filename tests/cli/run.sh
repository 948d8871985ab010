#!/usr/bin/env bash
# Data-driven CLI cases.  A .t file is a list of cases separated by blank
# lines.  Each case:
#   ### name              starts a case
#   run: SHELL            command run by bash in a fresh temp dir ($AGS is the
#                         agesops binary, $DATA the tests/data directory,
#                         $SRC the source tree); several run: lines are joined
#   exit: N               expected exit code (default 0)
#   stdout: TEXT          expected stdout, one line each (exact, whole output)
#   stdout~: ERE          stdout must match (grep -E)
#   stderr~: ERE          stderr must match (grep -E)
#   stderr!: ERE          stderr must not match
#   stdout!: ERE          stdout must not match
# Prints "N passed, N failed" and exits non-zero if any case failed.
set -u
tfile=$1
AGS=${AGS_BIN:?}
DATA=${AGS_DATA:-$(cd "$(dirname "$0")/../data" && pwd)}
SRC=${AGS_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
export AGS DATA SRC
pass=0 fail=0
name="" cmd="" want_exit=0 want_out="" have_out=0
declare -a checks=()

run_case() {
	[ -n "$name" ] || return 0
	local dir out err rc ok=1
	dir=$(mktemp -d)
	out=$(cd "$dir" && bash -c "$cmd" 2>"$dir/.stderr" </dev/null; echo "rc=$?")
	rc=${out##*rc=}
	out=${out%rc=*}
	out=${out%$'\n'}
	err=$(cat "$dir/.stderr")
	if [ "$rc" != "$want_exit" ]; then ok=0; echo "  exit: want $want_exit, got $rc"; fi
	if [ $have_out = 1 ] && [ "$out" != "$want_out" ]; then
		ok=0; echo "  stdout differs:"; diff <(printf '%s\n' "$want_out") <(printf '%s\n' "$out") | head -20
	fi
	for c in "${checks[@]}"; do
		local kind=${c%%:*} re=${c#*: }
		case $kind in
		'stdout~') grep -qE -- "$re" <<<"$out" || { ok=0; echo "  stdout does not match: $re"; } ;;
		'stderr~') grep -qE -- "$re" <<<"$err" || { ok=0; echo "  stderr does not match: $re"; } ;;
		'stdout!') grep -qE -- "$re" <<<"$out" && { ok=0; echo "  stdout matches: $re"; } ;;
		'stderr!') grep -qE -- "$re" <<<"$err" && { ok=0; echo "  stderr matches: $re"; } ;;
		esac
	done
	if [ $ok = 1 ]; then
		pass=$((pass + 1)); echo "ok - $name"
	else
		fail=$((fail + 1)); echo "FAIL - $name"; echo "  stderr: ${err:0:500}"
	fi
	rm -rf "$dir"
	name="" cmd="" want_exit=0 want_out="" have_out=0 checks=()
}

while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	'### '*) run_case; name=${line#\#\#\# } ;;
	'run: '*) cmd+="${cmd:+$'\n'}${line#run: }" ;;
	'exit: '*) want_exit=${line#exit: } ;;
	'stdout:'*) l=${line#stdout:}; l=${l# }
		if [ $have_out = 1 ]; then want_out+=$'\n'"$l"; else want_out=$l; have_out=1; fi ;;
	'stdout~: '*|'stderr~: '*|'stdout!: '*|'stderr!: '*) checks+=("$line") ;;
	'#'*|'') ;;
	*) echo "bad line in $tfile: $line"; exit 2 ;;
	esac
done <"$tfile"
run_case
echo "$pass passed, $fail failed"
[ $fail = 0 ]
