#!/usr/bin/env bash
# scripts/install.sh builds out of the source tree: run on a read-only copy
# (chmod a-w; as root, also compared file by file before and after), into a
# DESTDIR staging area, it installs the program, libagesops.so.0, the
# headers, agesops.pc, the man pages and the completions, and the checkout
# is left exactly as it was.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/agesops-install.XXXXXX")
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
mkdir "$tmp/ro"
(cd "$src" && git ls-files -co --exclude-standard | grep -v '^tests/interop/peers/node_modules' | tar -cf - -T -) |
	tar -xf - -C "$tmp/ro"
(cd "$tmp/ro" && find . -type f -exec sha256sum {} + | sort) >"$tmp/before"
chmod -R a-w "$tmp/ro"
if DESTDIR=$tmp/stage TMPDIR=$tmp "$tmp/ro/scripts/install.sh" /usr --no-links >"$tmp/log" 2>&1; then
	ok "install.sh from a read-only checkout"
else
	cat "$tmp/log"; bad "install.sh"
fi
(cd "$tmp/ro" && find . -type f -exec sha256sum {} + | sort) >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after" && ok "the checkout is unchanged" || bad "install.sh wrote into the checkout"
[ -z "$(ls -d "$tmp"/agesops-build.* 2>/dev/null)" ] && ok "the temporary build directory is removed" || bad "build dir left"
s=$tmp/stage/usr
for f in bin/agesops include/agesops/agesops.h share/man/man1/agesops.1 share/man/man1/agesops-sops.1 \
	share/bash-completion/completions/agesops share/zsh/vendor-completions/_agesops \
	share/fish/vendor_completions.d/agesops.fish; do
	[ -e "$s/$f" ] && ok "installs $f" || bad "missing $f"
done
so=$(find "$s" -name 'libagesops.so.0.*' -type f | head -1)
[ -n "$so" ] && readelf -d "$so" | grep -q 'SONAME.*\[libagesops.so.0\]' && ok "SONAME libagesops.so.0" || bad "SONAME"
pc=$(find "$s" -name agesops.pc | head -1)
[ -n "$pc" ] && grep -q '^Libs: .*-lagesops' "$pc" && ok "agesops.pc" || bad "agesops.pc"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
