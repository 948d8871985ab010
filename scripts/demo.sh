#!/usr/bin/env bash
# End-to-end demo of the main job, in a throw-away directory:
#   1. an age key pair, a message encrypted and decrypted (Go age reads it too);
#   2. a GitOps repository for cluster "cluster09": `agesops cluster init`
#      makes the cluster key, .sops.public.key, the .sops.yaml rule, the
#      encrypted Flux Git and CAPMOX (Proxmox) Secrets and the Flux
#      Kustomization with its decryption block -- no plaintext on disk;
#   3. the Secrets decrypt with the cluster key; `agesops check` passes, and
#      fails once a plaintext Secret is added.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x build/agesops ]; then
	[ -f build/build.ninja ] || meson setup build >/dev/null
	ninja -C build -j2 >/dev/null
fi
AGS=$PWD/build/agesops
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

echo "== 1. age"
say "agesops keygen -o key.txt"
"$AGS" keygen -o key.txt
R=$("$AGS" keygen -y key.txt)
echo "Hello from agesops, $(date -u +%FT%TZ)" >message.txt
say "agesops age -a -r $R -o message.txt.age message.txt"
"$AGS" age -a -r "$R" -o message.txt.age message.txt
cat message.txt.age
say "agesops age -d -i key.txt message.txt.age"
"$AGS" age -d -i key.txt message.txt.age | tee decrypted.txt
cmp -s message.txt decrypted.txt && echo "demo: decrypted text matches the original" ||
	{ echo "demo: MISMATCH" >&2; exit 1; }
if command -v age >/dev/null; then
	say "age -d -i key.txt message.txt.age   # Go age reads it too"
	age -d -i key.txt message.txt.age
fi

echo; echo "== 2. cluster secrets for cluster09 (no plaintext ever on disk)"
mkdir repo && cd repo && git init -q . && git config user.email demo@example.org && git config user.name demo
export HOME=$T/home
say "printf 'GIT_TOKEN=...\\nPROXMOX_SECRET=...\\n' | agesops cluster init cluster09 --git-url ... --proxmox-url ... --secrets-stdin"
printf 'GIT_TOKEN=ghp_demoTokenNotReal123\nPROXMOX_SECRET=0b0e6c2a-1f7e-4d52-9a3a-6d1f4f1c9e21\n' |
	"$AGS" cluster init cluster09 \
		--git-url https://github.com/MoTTTT/cluster09.git --git-username martinjcolley@gmail.com \
		--proxmox-url https://192.168.4.50:8006 --proxmox-token-id 'root@pam!root' --secrets-stdin
say "find . -type f -not -path './.git/*' | sort"
find . -type f -not -path './.git/*' | sort
say "cat secrets/cluster09/proxmox-secret.yaml"
cat secrets/cluster09/proxmox-secret.yaml
if grep -rq 'ghp_demoTokenNotReal123\|0b0e6c2a-1f7e' . "$T/home" 2>/dev/null; then
	echo "demo: a plaintext secret reached the disk" >&2; exit 1
fi
echo "demo: no plaintext secret in the repository or the home directory"

echo; echo "== 3. decrypt with the cluster key, and guard the repository"
export SOPS_AGE_KEY_FILE=$HOME/.config/agesops/keys/cluster09.agekey
say "SOPS_AGE_KEY_FILE=~/.config/agesops/keys/cluster09.agekey agesops decrypt secrets/cluster09/git-secret.yaml"
"$AGS" decrypt secrets/cluster09/git-secret.yaml
git add -A && git commit -qm "cluster09 secrets"
say "agesops check"
"$AGS" check
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: oops\nstringData:\n  password: hunter2\n' >oops.yaml
git add oops.yaml
say "agesops check   # after adding a plaintext Secret"
if "$AGS" check; then echo "demo: check should have failed" >&2; exit 1; fi
echo
echo "demo: done. Next on a real cluster: agesops kube install-key \$SOPS_AGE_KEY_FILE"
