#!/usr/bin/env bash
# The one command that runs every test: unit (cmocka), CLI cases, vectors and
# interop against real peers, all again under ASan+UBSan, and short fuzz
# runs.  Prints "N passed, N failed" last and exits non-zero on any failure.
#   AGS_QUICK=1  skips the sanitizer and fuzz builds and the packaging tests
#                (tests/package: Debian packages, install.sh, container layout)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/install-deps.sh || exit 1
# Debian's python3 for every test script, not a version manager's shim
# (each shim call runs several shells, which adds minutes to the suite).
pybin=$(mktemp -d)
trap 'rm -rf "$pybin"' EXIT
ln -s /usr/bin/python3 "$pybin/python3"
export PATH="$pybin:$PATH"

total_pass=0 total_fail=0 total_skip=0
count() { # meson-logs/testlog.json of a build dir
	python3 - "$1" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1] + "/meson-logs/testlog.json"):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): p += 1
    elif r == "SKIP": s += 1
    else: f += 1
print(p, f, s)
PY
}
run_build() { # dir, label, meson args...
	local dir=$1 label=$2; shift 2
	echo "=== $label"
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; total_fail=$((total_fail + 1)); return; }
	fi
	if ! ninja -C "$dir" >"$dir.ninja.log" 2>&1; then
		tail -40 "$dir.ninja.log"; total_fail=$((total_fail + 1)); return
	fi
	meson test -C "$dir" --print-errorlogs --num-processes 2 ${AGS_TEST_ARGS:-} | grep -vE '^\s*$'
	read -r p f s < <(count "$dir")
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f)); total_skip=$((total_skip + s))
}

run_build build "release build (-O2)"
if [ "${AGS_QUICK:-0}" != 1 ]; then
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	AGS_SANITIZE=1 run_build build-asan "sanitizer build (ASan+UBSan)" -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
	unset ASAN_OPTIONS UBSAN_OPTIONS
	# Packaging (Debian packages, install.sh, container layout): once per run,
	# not per build directory; each builds its own copy of the tree.
	for t in tests/package/*.sh; do
		echo "=== $t"
		if "$t"; then total_pass=$((total_pass + 1)); else total_fail=$((total_fail + 1)); fi
	done
	if [ -x tests/fuzz/run.sh ]; then
		echo "=== fuzz (short runs)"
		if tests/fuzz/run.sh; then total_pass=$((total_pass + 1)); else total_fail=$((total_fail + 1)); fi
	fi
fi
echo "${total_pass} passed, ${total_fail} failed, ${total_skip} skipped"
[ "$total_fail" = 0 ]
