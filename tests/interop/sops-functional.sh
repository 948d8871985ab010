#!/usr/bin/env bash
# Go sops 3.13.2's functional tests, re-expressed in sops-functional/run.py,
# driving agesops linked as `sops`: once with Go's own PGP keys through gpg
# (as upstream runs them) and once with age keys in their place.
# python3-yaml and gnupg come from scripts/install-deps.sh; missing, they
# fail the test rather than skip it.
set -uo pipefail
python3 -c 'import yaml' || { echo "FAIL: python3-yaml missing (scripts/install-deps.sh)"; exit 1; }
command -v gpg >/dev/null || { echo "FAIL: gpg missing (scripts/install-deps.sh)"; exit 1; }
rc=0
for keys in pgp age; do
	AGS_SOPS_FT_KEYS=$keys python3 "$(dirname "$0")/sops-functional/run.py" || rc=1
done
exit $rc
