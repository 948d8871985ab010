#!/usr/bin/env bash
# bench/sops.sh [SIZES_MB...]: SOPS core performance, side by side with the
# peer floor in the same run.
#  (a) one process per small Kubernetes Secret: agesops encrypt and decrypt
#      wall time (hyperfine) next to Go `age --version` (the start-up any Go
#      tool such as sops pays before doing anything).  Goal: < 3 ms each.
#  (b) a generated YAML document with 100,000 values (1,000 maps of 100),
#      padded to each size given (default 1 10 100 MB): encrypt and decrypt
#      wall time and peak RSS (/usr/bin/time), with RSS / file size.  Goal:
#      100k values < 1 s, peak RSS < 4x the file, linear growth with size.
# Do not run the 100 MB size on a shared machine; e.g. `bench/sops.sh 1`
# validates the script.
set -euo pipefail
SIZES=("$@"); [ ${#SIZES[@]} = 0 ] && SIZES=(1 10 100)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
AGS=${AGS_BIN:-$ROOT/build/agesops}
[ -x "$AGS" ] || { echo "build agesops first (or set AGS_BIN)"; exit 1; }
command -v age >/dev/null && command -v age-keygen >/dev/null || { echo "needs Go age (Debian package age)"; exit 1; }
command -v hyperfine >/dev/null || { echo "needs hyperfine"; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"
export HOME=$W XDG_CONFIG_HOME=$W/.config
unset SOPS_AGE_KEY SOPS_AGE_KEY_CMD SOPS_AGE_RECIPIENTS SOPS_CONFIG
age-keygen -o key.txt 2>/dev/null
R=$(age-keygen -y key.txt)
export SOPS_AGE_KEY_FILE=$W/key.txt

echo "== (a) one small Secret per process"
cat >secret.yaml <<'Y'
apiVersion: v1
kind: Secret
metadata:
    name: db
    namespace: prod
type: Opaque
stringData:
    username: admin
    password: s3cr3t-p4ssw0rd
    url: postgres://db.prod.svc:5432/app
Y
"$AGS" encrypt --age "$R" --encrypted-regex '^(data|stringData)$' secret.yaml >secret.enc.yaml
hyperfine -N --warmup 20 --runs 200 --export-json a.json \
	"age --version" \
	"$AGS encrypt --age $R --encrypted-regex ^(data|stringData)\$ secret.yaml" \
	"$AGS decrypt secret.enc.yaml" >/dev/null
python3 - a.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
floor = r[0]["mean"]
names = ["Go age --version (floor)", "agesops encrypt", "agesops decrypt"]
for n, x in zip(names, r):
    cpu = (x["user"] + x["system"]) * 1000
    print(f"  {n:28s} wall {x['mean']*1000:7.2f} ms (+- {x['stddev']*1000:.2f}, median {x['median']*1000:.2f})  cpu {cpu:6.2f} ms  {x['mean']/floor:5.2f}x floor")
PY

echo "== (b) 100,000 values"
echo "  (wall and CPU seconds; peak RSS in MB and as a multiple of the larger of input and output file)"
printf "  %-7s %-8s %-8s %-8s %-8s %-8s %-8s %-8s %-8s %-8s %-8s\n" size plainMB encMB enc_s enc_cpu enc_RSS enc_x dec_s dec_cpu dec_RSS dec_x
for mb in "${SIZES[@]}"; do
	python3 - "$mb" >big.yaml <<'PY'
import sys
target = int(float(sys.argv[1]) * 1000000)
n_maps, per = 1000, 100
base = len("    k000: \n") * n_maps * per + len("g0000:\n") * n_maps
vlen = max(1, (target - base) // (n_maps * per))
val = ("abcdefghijklmnopqrstuvwxyz0123456789" * (vlen // 36 + 1))[:vlen]
out = sys.stdout
for g in range(n_maps):
    out.write(f"g{g:04d}:\n")
    for k in range(per):
        out.write(f"    k{k:03d}: {val}\n")
PY
	size=$(stat -c %s big.yaml)
	/usr/bin/time -f "%e %U %S %M" -o enc.time "$AGS" encrypt --age "$R" big.yaml >big.enc.yaml
	/usr/bin/time -f "%e %U %S %M" -o dec.time "$AGS" decrypt big.enc.yaml >big.dec.yaml
	cmp -s big.yaml big.dec.yaml || { echo "round trip differs at $mb MB"; exit 1; }
	esize=$(stat -c %s big.enc.yaml)
	python3 - "$mb" "$size" "$esize" enc.time dec.time <<'PY'
import sys
mb, size, esize = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
e = open(sys.argv[4]).read().split()
d = open(sys.argv[5]).read().split()
big = max(size, esize)
def row(t):
    wall, u, s, kb = float(t[0]), float(t[1]), float(t[2]), int(t[3])
    return f"{wall:<8.2f} {u+s:<8.2f} {kb/1024:<8.1f} {kb*1024/big:<8.2f}"
print(f"  {mb+'MB':7s} {size/1e6:<8.1f} {esize/1e6:<8.1f} {row(e)} {row(d)}")
PY
	rm -f big.yaml big.enc.yaml big.dec.yaml
done
