#!/usr/bin/env bash
# SOPS stores: parse and write time and peak memory for a generated
# sops-encrypted YAML (and the same tree as JSON) with N values, agesops'
# stores against npm `yaml` 2.x / JSON.parse+stringify in node, same run.
#
#   bench/sops-stores.sh [VALUES]     (default 100000, about 16 MB of YAML)
#
# Prints per format: agesops load/emit CPU ms, node parse/stringify ms, the
# ratio node/agesops (> 1 means agesops is faster), and agesops' peak RSS as
# a multiple of the file size (one load + one emit held at once).
# Env: AGS_BUILD_ROOT (default ./build), CC (default cc).
set -euo pipefail
N=${1:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AGS_BUILD_ROOT:-$root/build}
peers=$root/tests/interop/peers
[ -f "$build/libagesops.so" ] || { echo "sops-stores bench: build first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -I"$root/include" -I"$root/lib" "$root/bench/sops-stores-bench.c" \
	-L"$build" -Wl,-rpath,"$build" -lagesops -o "$tmp/bench"

python3 - "$N" "$tmp" <<'PY'
import sys, json
n = int(sys.argv[1]); d = sys.argv[2]
per = 50
enc = "ENC[AES256_GCM,data:" + "A" * 40 + ",iv:" + "B" * 43 + "=,tag:" + "C" * 22 + "==,type:str]"
lines, obj = [], {}
for g in range((n + per - 1) // per):
    lines.append(f"group{g}:")
    obj[f"group{g}"] = {}
    for i in range(min(per, n - g * per)):
        lines.append(f"    key{i}: {enc}")
        obj[f"group{g}"][f"key{i}"] = enc
open(f"{d}/f.yaml", "w").write("\n".join(lines) + "\n")
open(f"{d}/f.json", "w").write(json.dumps(obj, indent="\t") + "\n")
PY

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }
have_node=0
if command -v node >/dev/null && [ -d "$peers/node_modules/yaml" ]; then have_node=1; fi
echo "sops stores, $N values"
for fmt in yaml json; do
	f=$tmp/f.$fmt
	size=$(stat -c %s "$f")
	read -r lo em rss < <("$tmp/bench" "$f" "$fmt" 3)
	mult=$(awk -v r="$rss" -v s="$size" 'BEGIN { printf "%.2f", r * 1024 / s }')
	line=$(printf '  %-4s %6.1f MB  agesops load %7.1f ms emit %7.1f ms  peak %sx file' "$fmt" \
		"$(awk -v s="$size" 'BEGIN { print s / 1e6 }')" "$lo" "$em" "$mult")
	if [ $have_node = 1 ]; then
		read -r nlo nem < <(cd "$peers" && node -e '
			const fs = require("fs"); const YAML = require("yaml");
			const [f, fmt] = process.argv.slice(1); const s = fs.readFileSync(f, "utf8");
			let bl = 1e18, be = 1e18;
			for (let r = 0; r < 3; r++) {
				let a = process.cpuUsage(); const v = fmt === "yaml" ? YAML.parse(s) : JSON.parse(s);
				let b = process.cpuUsage(); fmt === "yaml" ? YAML.stringify(v, { indent: 4 }) : JSON.stringify(v, null, "\t");
				let c = process.cpuUsage();
				bl = Math.min(bl, (b.user + b.system - a.user - a.system) / 1e3);
				be = Math.min(be, (c.user + c.system - b.user - b.system) / 1e3);
			}
			console.log(bl.toFixed(1), be.toFixed(1));' "$f" "$fmt")
		line="$line  | node load $nlo ms emit $nem ms  ratio load $(ratio "$nlo" "$lo") emit $(ratio "$nem" "$em")"
	fi
	echo "$line"
done
