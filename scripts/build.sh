#!/usr/bin/env bash
# Configures (once) and builds agesops into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
echo "build: ok (build/agesops)"
