#!/usr/bin/env bash
# agesops vs Go age, side by side in one run: ssh-ed25519 and ssh-rsa
# encrypt + decrypt of one file of SIZE bytes, repeated N times, and the
# cost of unlocking a passphrase-protected OpenSSH key (bcrypt_pbkdf, 16
# rounds, typed on a pty).  Prints seconds per operation and the ratio
# agesops/Go (< 1 means agesops is faster).
#   bench/age-ssh.sh [SIZE_BYTES=1048576] [N=5]
# The full run the lead uses: bench/age-ssh.sh 104857600 3
set -euo pipefail
SIZE=${1:-1048576}
N=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
AGS=${AGS_BIN:-$root/build/agesops}
[ -x "$AGS" ] || { echo "build agesops first ($AGS)"; exit 1; }
command -v age >/dev/null || { echo "Go age not installed"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
head -c "$SIZE" /dev/urandom > msg
ssh-keygen -q -t ed25519 -N '' -f ed
ssh-keygen -q -t rsa -b 3072 -N '' -f rsa
ssh-keygen -q -t ed25519 -N 'bench pass' -f ed_enc

t() { # prints seconds for N runs of "$@"
	local s e
	s=$(date +%s.%N)
	for _ in $(seq "$N"); do "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; done
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" -v n="$N" 'BEGIN { printf "%.6f\n", (e - s) / n }'
}
row() { # label, agesops seconds, go seconds
	awk -v l="$1" -v a="$2" -v g="$3" 'BEGIN { printf "%-28s agesops %8.4fs  go %8.4fs  ratio %.2f\n", l, a, g, a / g }'
}
echo "size=$SIZE bytes, N=$N"
for k in ed rsa; do
	a=$(t "$AGS" age -R $k.pub -o a.age msg)
	g=$(t age -R $k.pub -o g.age msg)
	row "encrypt ssh-$k" "$a" "$g"
	a=$(t "$AGS" age -d -i $k -o out g.age)
	g=$(t age -d -i $k -o out a.age)
	row "decrypt ssh-$k" "$a" "$g"
done
"$AGS" age -R ed_enc.pub -o e.age msg
pty() { python3 - "$@" <<'PY'
import os, pty, select, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
buf = b""
sent = False
while True:
    r, _, _ = select.select([fd], [], [], 5)
    if not r: break
    try: d = os.read(fd, 4096)
    except OSError: break
    if not d: break
    buf += d
    if not sent and b"passphrase" in buf.lower():
        os.write(fd, b"bench pass\n"); sent = True
_, st = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(st))
PY
}
a=$(t pty "$AGS" age -d -i ed_enc -o out e.age)
g=$(t pty age -d -i ed_enc -o out e.age)
row "decrypt, passphrase key" "$a" "$g"
