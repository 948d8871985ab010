#!/usr/bin/env bash
# bench/mem.sh [SIZE_MB [binary]]: peak RSS (GNU time's "Maximum resident set size")
# of one large input through each path, as a multiple of the input file:
#   age -e / age -d (streamed: flat at any size), sops encrypt / decrypt of
#   a binary-store file (one value: held whole), and of a YAML and a JSON
#   document with many values (~64-byte values, one per line).
# Default 128 MiB; files go to a temp dir (about 8x SIZE_MB of disk).
# "binary" leaves out YAML and JSON (at 1 GiB their encrypted forms pass the
# 2 GiB cap, AGS_ENC_FILE_MAX).
set -euo pipefail
MB=${1:-128}
ONLY=${2:-all}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
AGS=${AGS_BIN:-$ROOT/build/agesops}
[ -x "$AGS" ] || { echo "build agesops first (or set AGS_BIN)"; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)"; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"
export HOME=$W XDG_CONFIG_HOME=$W/.config
unset SOPS_AGE_KEY SOPS_AGE_KEY_CMD SOPS_AGE_RECIPIENTS SOPS_CONFIG
"$AGS" keygen -o key.txt 2>/dev/null
R=$("$AGS" keygen -y key.txt)
export SOPS_AGE_KEY_FILE=$W/key.txt

head -c "${MB}M" /dev/urandom > in.bin
[ "$ONLY" = binary ] || python3 - "$MB" <<'PY'
import base64, os, sys
size = int(sys.argv[1]) << 20
with open("in.yaml", "w") as y, open("in.json", "w") as j:
    j.write("{\n")
    n = 0
    while n < size:
        v = base64.b64encode(os.urandom(48)).decode()
        y.write("key%08d: %s\n" % (n // 80, v))
        j.write('%s\t"key%08d": "%s"' % (",\n" if n else "", n // 80, v))
        n += 80
    j.write("\n}\n")
PY

peak() { # prints "KB" of the command's peak RSS
	/usr/bin/time -f '%M' -o "$W/t" "$@" > /dev/null 2> "$W/err" || { cat "$W/err" >&2; exit 1; }
	cat "$W/t"
}
row() { # WHAT INPUT-FILE CMD...
	local what=$1 in=$2 kb size
	shift 2
	kb=$(peak "$@")
	size=$(stat -c %s "$in")
	printf '%-34s %8.1f MiB in  %8.1f MB peak RSS  %5.2fx\n' "$what" "$(echo "$size / 1048576" | bc -l)" \
		"$(echo "$kb / 1000" | bc -l)" "$(echo "$kb * 1024 / $size" | bc -l)"
}

row "age -e" in.bin "$AGS" age -r "$R" -o in.age in.bin
row "age -d" in.age "$AGS" age -d -i key.txt -o out.bin in.age
cmp -s in.bin out.bin || { echo "age round trip differs"; exit 1; }
row "encrypt --input-type binary" in.bin "$AGS" encrypt --input-type binary --output-type binary --age "$R" --output enc.bin in.bin
row "decrypt --input-type binary" enc.bin "$AGS" decrypt --input-type binary --output-type binary --output dec.bin enc.bin
cmp -s in.bin dec.bin || { echo "binary round trip differs"; exit 1; }
row "encrypt (stdout) binary" in.bin sh -c "'$AGS' encrypt --input-type binary --output-type binary --age '$R' in.bin > enc2.bin"
row "decrypt (stdout) binary" enc.bin sh -c "'$AGS' decrypt --input-type binary --output-type binary enc.bin > dec2.bin"
[ "$ONLY" = binary ] && exit 0
for f in yaml json; do
	row "encrypt $f" in.$f "$AGS" encrypt --age "$R" --output enc.$f in.$f
	row "decrypt $f" enc.$f "$AGS" decrypt --output dec.$f enc.$f
	cmp -s in.$f dec.$f || { echo "$f round trip differs"; exit 1; }
done
