#!/usr/bin/env bash
# A short end-to-end demo: build agesops if needed, make a key, encrypt a
# message to it, decrypt it again and show that it matches.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x build/agesops ]; then
	[ -f build/build.ninja ] || meson setup build >/dev/null
	ninja -C build -j2 >/dev/null
fi
AGS=$PWD/build/agesops
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

echo "\$ agesops keygen -o key.txt"
"$AGS" keygen -o key.txt
R=$("$AGS" keygen -y key.txt)
echo "Hello from agesops, $(date -u +%FT%TZ)" >message.txt
echo "\$ agesops age -a -r $R -o message.txt.age message.txt"
"$AGS" age -a -r "$R" -o message.txt.age message.txt
cat message.txt.age
echo "\$ agesops age -d -i key.txt message.txt.age"
"$AGS" age -d -i key.txt message.txt.age | tee decrypted.txt
if cmp -s message.txt decrypted.txt; then
	echo "demo: decrypted text matches the original"
else
	echo "demo: MISMATCH" >&2
	exit 1
fi
if command -v age >/dev/null; then
	echo "\$ age -d -i key.txt message.txt.age   # Go age reads it too"
	age -d -i key.txt message.txt.age
fi
