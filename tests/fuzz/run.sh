#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) into build-fuzz/ and
# runs each for AGS_FUZZ_SECONDS (default 20) from its seed corpus
# tests/fuzz/corpus/<name>/ (when present).  Any crash, leak or timeout fails.
# AGS_FUZZ_SEED (default 1) starts every CI run alike (how far it gets still
# depends on the machine's speed: a crash found there is kept as a seed in
# tests/fuzz/corpus/, named regress-*); 0 lets libFuzzer pick
# a random seed, for longer exploratory runs.  UBSan reports fail a run too.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${AGS_FUZZ_SECONDS:-20}
# undefined behaviour is a finding like a crash, not a log line
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
seed=${AGS_FUZZ_SEED:-1}
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debugoptimized -Dc_args=-fsanitize=fuzzer-no-link >build-fuzz.setup.log 2>&1 ||
		{ cat build-fuzz.setup.log; exit 1; }
fi
ninja -C build-fuzz >build-fuzz.ninja.log 2>&1 || { tail -30 build-fuzz.ninja.log; exit 1; }
shopt -s nullglob
targets=(build-fuzz/tests/fuzz/fuzz-*)
if [ ${#targets[@]} = 0 ]; then echo "fuzz: no targets yet"; exit 0; fi
rc=0
for t in "${targets[@]}"; do
	[ -f "$t" ] && [ -x "$t" ] || continue # skip meson's fuzz-*.p object dirs
	name=${t##*/fuzz-}
	corpus=$(mktemp -d)
	[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$corpus/"
	if "$t" -seed="$seed" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=0 "$corpus" >"build-fuzz/fuzz-$name.log" 2>&1; then
		echo "ok - fuzz $name ($secs s, $(grep -c . "build-fuzz/fuzz-$name.log" || true) log lines)"
	else
		echo "FAIL - fuzz $name"; tail -40 "build-fuzz/fuzz-$name.log"; rc=1
	fi
	rm -rf "$corpus"
done
exit $rc
