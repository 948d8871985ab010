#!/usr/bin/env bash
# Installs agesops (binary, library, headers) under PREFIX (default
# /usr/local) and links it under the names age, age-keygen and sops, so that
# scripts written for those programs run it unchanged.  Existing programs of
# those names are left alone unless --links=force.
#   scripts/install.sh [PREFIX] [--no-links|--links=force]
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=/usr/local links=yes
for a in "$@"; do
	case $a in
	--no-links) links=no ;;
	--links=force) links=force ;;
	-*) echo "usage: $0 [PREFIX] [--no-links|--links=force]" >&2; exit 2 ;;
	*) prefix=$a ;;
	esac
done
[ -f build/build.ninja ] || meson setup build >/dev/null
meson configure build -Dprefix="$prefix" >/dev/null
ninja -C build >/dev/null
meson install -C build --quiet
ldconfig 2>/dev/null || true
bin=$prefix/bin
if [ $links != no ]; then
	for n in age age-keygen sops; do
		if [ $links = force ] || ! command -v "$n" >/dev/null 2>&1; then
			ln -sfn agesops "$bin/$n"
			echo "install: $bin/$n -> agesops"
		else
			echo "install: $(command -v "$n") exists; not linking $n (use --links=force)"
		fi
	done
fi
echo "install: $bin/agesops"
