#!/usr/bin/env bash
# Go sops 3.13.2's functional tests, re-expressed in sops-functional/run.py,
# driving agesops linked as `sops` (AGS_SOPS_FT_KEYS=age|pgp picks the keys).
set -uo pipefail
command -v python3 >/dev/null || { echo "skip: python3 missing"; exit 77; }
python3 -c 'import yaml' 2>/dev/null || { echo "skip: python3-yaml missing"; exit 77; }
exec python3 "$(dirname "$0")/sops-functional/run.py"
