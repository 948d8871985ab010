# Shared by the age interop scripts: temp dir, sizes, checks.
set -euo pipefail
AGS=${AGS_BIN:?}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
ok() { pass=$((pass + 1)); }
die() { echo "FAIL: $*" >&2; exit 1; }
same() { cmp -s "$1" "$2" || die "$3: plaintext differs"; ok; }
SIZES=(0 1 65535 65536 65537 10485760)
make_inputs() {
	for s in "${SIZES[@]}"; do head -c "$s" /dev/urandom >"$T/p$s"; done
}
