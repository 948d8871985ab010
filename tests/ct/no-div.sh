#!/usr/bin/env bash
# Memcheck tainting cannot see variable-time instructions.  Integer division
# is one on most x86 cores (the KyberSlash class of leaks), so the ML-KEM and
# X-Wing object code must contain none: every "/ q" is written as a
# multiplication and a shift.  Usage: no-div.sh OBJECT...
set -uo pipefail
command -v objdump >/dev/null || { echo "SKIP: objdump missing"; exit 77; }
rc=0
for o in "$@"; do
	[ -f "$o" ] || { echo "FAIL: $o missing"; rc=1; continue; }
	hits=$(objdump -d --no-show-raw-insn "$o" | grep -E '^\s+[0-9a-f]+:\s+(div|idiv)[bwlq]?\s')
	if [ -n "$hits" ]; then
		echo "FAIL: division instructions in $o:"; echo "$hits"; rc=1
	else
		echo "ok - no div/idiv in ${o##*/}"
	fi
done
exit $rc
