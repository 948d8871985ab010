#!/usr/bin/env bash
# Installs everything agesops needs to build and test on Debian 12: the
# build dependencies, the peer programs the interop tests run against (Go age,
# OpenSSH, kubectl is already on the machines), and the npm peers.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

build_pkgs=(build-essential meson ninja-build pkgconf libssl-dev libsodium-dev libfyaml-dev libpcre2-dev
            libcurl4-openssl-dev libcmocka-dev zlib1g-dev scdoc)
test_pkgs=(age openssh-client gnupg gpg-agent clang libclang-rt-14-dev openssl python3 python3-yaml git valgrind hyperfine
           nodejs npm curl time zsh fish)
# Debian packaging (tests/package/deb.sh): dpkg-buildpackage, dh with meson, lintian, man
pkg_pkgs=(debhelper dpkg-dev lintian man-db)

missing=()
for p in "${build_pkgs[@]}" "${test_pkgs[@]}" "${pkg_pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node/npm may come from outside Debian on these machines; only install if absent.
if command -v node >/dev/null && command -v npm >/dev/null; then
	tmp=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || tmp+=("$p"); done
	missing=("${tmp[@]+"${tmp[@]}"}")
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm peers (pinned in tests/interop/peers/package-lock.json).
if [ "${AGS_SKIP_NPM:-0}" != 1 ] && [ ! -d tests/interop/peers/node_modules/sops-decoder ]; then
	(cd tests/interop/peers && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
echo "install-deps: ok"
