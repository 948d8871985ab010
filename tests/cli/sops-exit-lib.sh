# Setup for sops-exit.t (sourced by each case, in a fresh temp dir): agesops
# linked as ./sops, a key (k.txt, $R), no .sops.yaml, e.yaml encrypted for $R.
set -u
export HOME=$PWD XDG_CONFIG_HOME=$PWD/.config
unset SOPS_AGE_KEY SOPS_AGE_KEY_FILE SOPS_AGE_KEY_CMD SOPS_AGE_RECIPIENTS SOPS_CONFIG EDITOR SOPS_EDITOR \
	SOPS_PGP_FP SOPS_KMS_ARN SOPS_GCP_KMS_IDS SOPS_AZURE_KEYVAULT_URLS SOPS_VAULT_URIS SOPS_HUAWEICLOUD_KMS_IDS
ln -s "$AGS" sops
age-keygen -o k.txt 2>/dev/null
R=$(age-keygen -y k.txt)
export SOPS_AGE_KEY_FILE=$PWD/k.txt
printf 'a: 1\nb: two\n' >p.yaml
./sops encrypt --age "$R" p.yaml >e.yaml
sops() { ./sops "$@"; }
