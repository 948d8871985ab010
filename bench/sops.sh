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
    print(f"  {n:28s} {x['mean']*1000:7.2f} ms  (+- {x['stddev']*1000:.2f})  {x['mean']/floor:5.2f}x floor")
PY

echo "== (b) 100,000 values"
printf "  %-8s %-10s %-10s %-10s %-10s %-10s %-10s\n" size enc_s enc_rss_MB enc_rss/x dec_s dec_rss_MB dec_rss/x
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
	/usr/bin/time -f "%e %M" -o enc.time "$AGS" encrypt --age "$R" big.yaml >big.enc.yaml
	/usr/bin/time -f "%e %M" -o dec.time "$AGS" decrypt big.enc.yaml >big.dec.yaml
	cmp -s big.yaml big.dec.yaml || { echo "round trip differs at $mb MB"; exit 1; }
	read -r es ek <enc.time
	read -r ds dk <dec.time
	python3 - "$mb" "$size" "$es" "$ek" "$ds" "$dk" <<'PY'
import sys
mb, size, es, ek, ds, dk = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
encsize = size  # RSS relative to the plaintext file
print(f"  {mb+'MB':8s} {es:<10.2f} {ek/1024:<10.1f} {ek*1024/size:<10.2f} {ds:<10.2f} {dk/1024:<10.1f} {dk*1024/size:<10.2f}")
PY
	rm -f big.yaml big.enc.yaml big.dec.yaml
done
