#!/usr/bin/env bash
# deploy/Containerfile without a container engine: parses it (Debian 12
# stages, the build stage's RUN after "COPY . ."), runs that build step with
# /build and /out in a temporary directory on a copy of the tree, lays out
# the runtime image as its COPY --from=build does, and checks the layout: the
# entry point, the drop-in names (sops, age, age-keygen, age-inspect, age-plugin-batchpass,
# ssh-to-age), and that they run.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
cf=$src/deploy/Containerfile
tmp=$(mktemp -d "${TMPDIR:-/tmp}/agesops-ctr.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
# logical lines: continuations joined
sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$cf" | grep -v '^#' >"$tmp/lines"
[ "$(grep -c '^FROM docker.io/library/debian:12' "$tmp/lines")" = 2 ] && ok "two Debian 12 stages" || bad "stages"
build=$(awk '/^COPY \. \./ {getline; print; exit}' "$tmp/lines")
case $build in RUN\ *) ok "build step found" ;; *) bad "no RUN after COPY . ."; echo "$pass passed, $fail failed"; exit 1 ;; esac
build=${build#RUN }
build=${build//\/build/$tmp/build}
build=${build//\/out/$tmp/out}
mkdir "$tmp/src"
(cd "$src" && git ls-files -co --exclude-standard | grep -v '^tests/interop/peers/node_modules' | tar -cf - -T -) |
	tar -xf - -C "$tmp/src"
if (cd "$tmp/src" && sh -ec "$build") >"$tmp/build.log" 2>&1; then ok "build step runs"; else tail -30 "$tmp/build.log"; bad "build step"; fi
copy=$(grep '^COPY --from=build ' "$tmp/lines")
[ "$copy" = "COPY --from=build /out/usr/ /usr/" ] && ok "runtime stage copies /out/usr" || bad "COPY: $copy"
mkdir -p "$tmp/root" && cp -a "$tmp/out/usr" "$tmp/root/usr"
r=$tmp/root/usr
ep=$(sed -n 's/^ENTRYPOINT \["\([^"]*\)"\]$/\1/p' "$tmp/lines")
[ -x "$tmp/root$ep" ] && ok "entry point $ep in the image" || bad "entry point $ep"
grep -qx 'CMD \["kube", "bootstrap"\]' "$tmp/lines" && ok "default command kube bootstrap" || bad "CMD"
for n in sops age age-keygen age-inspect age-plugin-batchpass ssh-to-age; do
	[ "$(readlink "$r/bin/$n")" = agesops ] && ok "drop-in /usr/bin/$n -> agesops" || bad "no drop-in $n"
done
[ -z "$(ls "$r/include" 2>/dev/null)" ] && ok "no headers in the image" || bad "headers in the image"
export LD_LIBRARY_PATH=$(dirname "$(find "$r/lib" -name 'libagesops.so.0' | head -1)")
"$r/bin/sops" --version | grep -q '^sops ' && ok "sops runs" || bad "sops"
"$r/bin/age-keygen" 2>/dev/null | grep -q '^AGE-SECRET-KEY-1' && ok "age-keygen runs" || bad "age-keygen"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
