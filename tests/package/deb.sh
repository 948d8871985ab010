#!/usr/bin/env bash
# Debian packages: builds them from a copy of the tree (out of the source,
# nocheck: the suite runs elsewhere), fails on any lintian error, lists their
# contents, installs them with dpkg, checks man -w agesops, agesops help
# encrypt and the completion files, and removes them again.
# Run by scripts/test.sh once per run (not per build directory).
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/agesops-deb.XXXXXX")
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
cleanup() {
	dpkg -r agesops-dropin libagesops-dev agesops libagesops0 >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
if dpkg-query -W -f='${Status}' age 2>/dev/null | grep -q 'install ok installed'; then
	have_age=1
else
	have_age=0
fi

mkdir "$tmp/agesops"
(cd "$src" && git ls-files -co --exclude-standard 2>/dev/null | grep -v '^tests/interop/peers/node_modules' |
	tar -cf - -T - 2>/dev/null) | tar -xf - -C "$tmp/agesops" || cp -a "$src/." "$tmp/agesops/"
if (cd "$tmp/agesops" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1); then
	ok "dpkg-buildpackage -us -uc -b"
else
	tail -30 "$tmp/build.log"; bad "dpkg-buildpackage"; echo "$pass passed, $fail failed"; exit 1
fi
debs=(); for d in "$tmp"/*.deb; do case $d in *-dbgsym_*) ;; *) debs+=("$d") ;; esac; done
[ ${#debs[@]} = 4 ] && ok "four packages: $(cd "$tmp" && echo *.deb)" || bad "packages: ${debs[*]}"

lintian --tag-display-limit 0 "${debs[@]}" >"$tmp/lintian.log" 2>&1
if grep -q '^E:' "$tmp/lintian.log"; then
	grep '^E:' "$tmp/lintian.log"; bad "lintian errors"
else
	ok "lintian: no errors ($(grep -c '^W:' "$tmp/lintian.log") warnings)"
fi
grep '^W:' "$tmp/lintian.log" | sed 's/^/  /'

for d in "${debs[@]}"; do
	echo "  $(basename "$d"):"; dpkg-deb -c "$d" | awk '{print "    " $6 ($7 ? " " $7 " " $8 : "")}' | grep -v '/$'
done
dpkg-deb -c "$tmp"/libagesops0_*.deb | grep -c 'libagesops.so.0 -> libagesops.so.0' >/dev/null && ok "libagesops0 has the SONAME link" || bad "libagesops0 contents"
dpkg-deb -I "$tmp"/libagesops0_*.deb symbols >/dev/null 2>&1 && ok "libagesops0 has a symbols file" || bad "no symbols file"
dpkg-deb -c "$tmp"/libagesops-dev_*.deb | grep -c 'pkgconfig/agesops.pc' >/dev/null && ok "libagesops-dev has agesops.pc" || bad "no agesops.pc"
dpkg-deb -f "$tmp"/agesops-dropin_*.deb Conflicts | grep -qw age && ok "agesops-dropin conflicts with age" || bad "agesops-dropin does not conflict with age"

if [ "$(id -u)" != 0 ]; then
	echo "not root: not installing"; echo "$pass passed, $fail failed"; [ $fail = 0 ]; exit
fi
if dpkg -i "$tmp"/libagesops0_*.deb "$tmp"/agesops_*.deb "$tmp"/libagesops-dev_*.deb >"$tmp/dpkg.log" 2>&1; then
	ok "dpkg -i agesops libagesops0 libagesops-dev"
else
	cat "$tmp/dpkg.log"; bad "dpkg -i"
fi
[ "$(man -w agesops 2>/dev/null)" = /usr/share/man/man1/agesops.1.gz ] && ok "man -w agesops" || bad "man -w agesops: $(man -w agesops 2>&1)"
/usr/bin/agesops help encrypt | grep -q '^usage: agesops encrypt' && ok "agesops help encrypt" || bad "agesops help encrypt"
for f in /usr/share/bash-completion/completions/agesops /usr/share/zsh/vendor-completions/_agesops \
	/usr/share/fish/vendor_completions.d/agesops.fish; do
	[ -s "$f" ] && ok "completion $f" || bad "no $f"
done
bash -c 'source /usr/share/bash-completion/completions/agesops; COMP_WORDS=(agesops enc); COMP_CWORD=1; _agesops; echo "${COMPREPLY[*]}"' |
	grep -qx encrypt && ok "installed bash completion completes" || bad "installed bash completion"
echo 'int main(void){return 0;}' >"$tmp/t.c"
cc "$tmp/t.c" -o "$tmp/t" $(pkg-config --cflags --libs agesops) && ok "pkg-config --cflags --libs agesops links" || bad "pkg-config agesops"
if [ $have_age = 1 ]; then
	# Debian's age is installed: the drop-in package must refuse, never shadow it
	dpkg -i "$tmp"/agesops-dropin_*.deb >"$tmp/dropin.log" 2>&1 && bad "agesops-dropin installed over age" ||
		ok "agesops-dropin refuses to install beside Debian's age"
	[ "$(readlink -f "$(command -v age)")" != /usr/bin/agesops ] && ok "age is still Debian's" || bad "age shadowed"
else
	dpkg -i "$tmp"/agesops-dropin_*.deb >"$tmp/dropin.log" 2>&1 && [ "$(readlink -f /usr/bin/sops)" = /usr/bin/agesops ] &&
		ok "agesops-dropin links sops" || bad "agesops-dropin"
fi
cleanup
trap - EXIT
dpkg-query -W agesops >/dev/null 2>&1 && bad "packages not removed" || ok "packages removed"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
