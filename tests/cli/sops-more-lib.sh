# Helpers for sops-more.t (sourced by each case, in a fresh temp dir).
# Keys come from Go's age-keygen so that no agesops code is needed to set up.
set -u
export HOME=$PWD XDG_CONFIG_HOME=$PWD/.config TMPDIR=$PWD/tmp
mkdir -p "$TMPDIR"
unset SOPS_AGE_KEY SOPS_AGE_KEY_FILE SOPS_AGE_KEY_CMD SOPS_AGE_RECIPIENTS SOPS_CONFIG EDITOR SOPS_EDITOR
FX=$DATA/fixtures/sops
FLUX=$FX/fluxcd__kustomize-controller
FLUX_KEY=$FLUX/internal__controller__testdata__sops__keys__age.txt

mkkey() { # mkkey NAME -> NAME.txt, prints the recipient
	age-keygen -o "$1.txt" 2>/dev/null && age-keygen -y "$1.txt"
}
command -v age-keygen >/dev/null || { echo "age-keygen missing" >&2; exit 77; }
K1=$(mkkey k1) K2=$(mkkey k2) K3=$(mkkey k3)
export SOPS_AGE_KEY_FILE=$PWD/k1.txt

# A Kubernetes Secret encrypted for $K1 (data/stringData encrypted).
secret() {
	cat >"${1:-s.yaml}" <<'Y'
apiVersion: v1
kind: Secret
metadata:
    name: app
stringData:
    user: admin
    password: hunter2
    nested:
        list:
            - one
            - two
Y
	"$AGS" encrypt --age "$K1" --encrypted-regex '^(data|stringData)$' -i "${1:-s.yaml}"
}

# Decrypt with exactly the given key files.
dec_with() { # dec_with "k1 k2" FILE [args...]
	local keys=$1 k all=""; shift
	for k in $keys; do all+="$(grep '^AGE-SECRET-KEY-' "$k.txt")"$'\n'; done
	SOPS_AGE_KEY_FILE=/dev/null SOPS_AGE_KEY="$all" "$AGS" decrypt "$@"
}

# The ENC[...] line of a key in an encrypted YAML file.
enc_line() { grep -E "^ *$1: ENC\[" "$2"; }
