#!/usr/bin/env bash
# Installs agesops (binary, library libagesops.so.0, headers, agesops.pc, man
# pages) under PREFIX (default /usr/local) and links it under the names age,
# age-keygen and sops, so that scripts written for those programs run it
# unchanged.  Existing programs of those names are left alone unless
# --links=force.  It builds in a temporary directory under $TMPDIR, never in
# the checkout, which may be read-only.  DESTDIR=/staging installs into a
# staging area (for packaging) instead of the live system.
#   scripts/install.sh [PREFIX] [--no-links|--links=force]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
prefix=/usr/local links=yes
for a in "$@"; do
	case $a in
	--no-links) links=no ;;
	--links=force) links=force ;;
	-*) echo "usage: $0 [PREFIX] [--no-links|--links=force]" >&2; exit 2 ;;
	*) prefix=$a ;;
	esac
done
build=$(mktemp -d "${TMPDIR:-/tmp}/agesops-build.XXXXXX")
trap 'rm -rf "$build"' EXIT
meson setup "$build" "$src" --prefix="$prefix" --buildtype=release -Dtests=false >"$build/setup.log" ||
	{ cat "$build/setup.log" >&2; exit 1; }
ninja -C "$build" >"$build/ninja.log" || { tail -40 "$build/ninja.log" >&2; exit 1; }
meson install -C "$build" --quiet
dest=${DESTDIR:-}
[ -n "$dest" ] || ldconfig 2>/dev/null || true
bin=$prefix/bin
if [ $links != no ]; then
	for n in age age-keygen sops; do
		if [ $links = force ] || ! command -v "$n" >/dev/null 2>&1; then
			ln -sfn agesops "$dest$bin/$n"
			echo "install: $bin/$n -> agesops"
		else
			echo "install: $(command -v "$n") exists; not linking $n (use --links=force)"
		fi
	done
fi
echo "install: $bin/agesops"
