/*
 * The command table, sops part: the sops commands and their flags (see
 * cli-opts.h).  Flag sets shared by several commands are declared once and
 * listed by each command that takes them.
 */
#include "cli-opts.h"

#define HELP_FLAG { "help", 'h', NULL, 'h', 0, "show this help and exit", NULL }

/* Every sops command takes these (src/sops/getopt.c sm_getopt, src/sops/opts.c sops_opts_parse). */
FLAG_SET(common_flags,
	{ "input-type", 0, "TYPE", OPT_INPUT_TYPE, CLI_FORMAT,
	  "store of the input: yaml, json, dotenv, ini or binary (default: from the file name)", "sops --input-type" },
	{ "output-type", 0, "TYPE", OPT_OUTPUT_TYPE, CLI_FORMAT,
	  "store of the output (default: the input's)", "sops --output-type" },
	{ "config", 0, "FILE", OPT_CONFIG, CLI_FILE,
	  "the .sops.yaml to use (default: $SOPS_CONFIG, else found from the working directory up)", "sops --config" },
	{ "indent", 0, "N", OPT_INDENT, 0, "indentation of YAML/JSON output (0..64; -1 a tab in JSON)", "sops --indent" },
	{ "ignore-mac", 0, NULL, OPT_IGNORE_MAC, 0, "do not fail when the MAC does not match", "sops --ignore-mac" },
	{ "decryption-order", 0, "ORDER", OPT_DECRYPTION_ORDER, 0,
	  "key types to try in order, comma-separated (default: $SOPS_DECRYPTION_ORDER, else age,pgp)",
	  "sops --decryption-order" },
	{ "verbose", 0, NULL, OPT_IGNORED, 0, "accepted for compatibility, no effect", "sops --verbose" },
	{ "disable-version-check", 0, NULL, OPT_IGNORED, CLI_HIDDEN, "accepted, no effect",
	  "sops --disable-version-check" },
	{ "enable-local-keyservice", 0, "BOOL", OPT_LOCAL_KEYSERVICE, CLI_HIDDEN | CLI_ARG_OPTIONAL,
	  "accepted: keys are always used locally (=false is refused)", "sops --enable-local-keyservice" },
	/* key sources and key services agesops does not have: refused by name
	 * (src/sops/keysource.c), never "unrecognized option" */
	{ "kms", 'k', "ARN", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "AWS KMS: refused (agesops has age and PGP keys)", "sops --kms" },
	{ "gcp-kms", 0, "ID", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "GCP KMS: refused (agesops has age and PGP keys)", "sops --gcp-kms" },
	{ "azure-kv", 0, "URL", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "Azure Key Vault: refused (agesops has age and PGP keys)", "sops --azure-kv" },
	{ "hc-vault-transit", 0, "URI", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "HashiCorp Vault transit: refused (agesops has age and PGP keys)", "sops --hc-vault-transit" },
	{ "hckms", 0, "ID", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "Huawei Cloud KMS: refused (agesops has age and PGP keys)", "sops --hckms" },
	{ "add-kms", 0, "ARN", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "AWS KMS: refused", "sops rotate --add-kms" },
	{ "rm-kms", 0, "ARN", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "AWS KMS: refused", "sops rotate --rm-kms" },
	{ "add-gcp-kms", 0, "ID", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "GCP KMS: refused", "sops rotate --add-gcp-kms" },
	{ "rm-gcp-kms", 0, "ID", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "GCP KMS: refused", "sops rotate --rm-gcp-kms" },
	{ "add-azure-kv", 0, "URL", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "Azure Key Vault: refused", "sops rotate --add-azure-kv" },
	{ "rm-azure-kv", 0, "URL", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "Azure Key Vault: refused", "sops rotate --rm-azure-kv" },
	{ "add-hc-vault-transit", 0, "URI", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "HashiCorp Vault transit: refused", "sops rotate --add-hc-vault-transit" },
	{ "rm-hc-vault-transit", 0, "URI", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "HashiCorp Vault transit: refused", "sops rotate --rm-hc-vault-transit" },
	{ "add-hckms", 0, "ID", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "Huawei Cloud KMS: refused", "sops rotate --add-hckms" },
	{ "rm-hckms", 0, "ID", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "Huawei Cloud KMS: refused", "sops rotate --rm-hckms" },
	{ "aws-profile", 0, "NAME", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "AWS profiles: refused", "sops --aws-profile" },
	{ "encryption-context", 0, "CTX", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "AWS KMS encryption contexts: refused", "sops --encryption-context" },
	{ "keyservice", 0, "URI", OPT_UNSUPPORTED_KEY, CLI_HIDDEN, "remote key services: refused", "sops --keyservice" },
	HELP_FLAG);

FLAG_SET(write_flags,
	{ "in-place", 'i', NULL, 'i', 0, "write the result over the input file (atomically, mode kept)",
	  "sops --in-place" },
	{ "output", 0, "FILE", OPT_OUTPUT, CLI_FILE, "write the result to FILE (atomically; 0600 when plaintext)",
	  "sops --output" });

FLAG_SET(transform_flags,
	{ "filename-override", 0, "NAME", OPT_FILENAME_OVERRIDE, CLI_FILE,
	  "use NAME for the store choice and .sops.yaml rules (e.g. for stdin)", "sops --filename-override" });

FLAG_SET(decrypt_only_flags,
	{ "extract", 0, "PATH", OPT_EXTRACT, 0, "print only the value at PATH, e.g. '[\"a\"][\"b\"]'",
	  "sops --extract" },
	{ "textconv", 0, NULL, OPT_TEXTCONV, 0, "print plaintext files unchanged (git diff textconv driver)", NULL });

/* recipients and the Shamir threshold */
FLAG_SET(key_flags,
	{ "age", 'a', "RECIPIENTS", 'a', CLI_REPEAT,
	  "age recipients, comma-separated (default: $SOPS_AGE_RECIPIENTS, else .sops.yaml)", "sops --age" },
	{ "pgp", 'p', "FPR", OPT_PGP, CLI_REPEAT, "PGP fingerprints, comma-separated (through gpg)", "sops --pgp" },
	{ "shamir-secret-sharing-threshold", 0, "N", OPT_SHAMIR, 0, "key groups needed to decrypt (0..255)",
	  "sops --shamir-secret-sharing-threshold" });

/* which values are encrypted (at most one of the six) */
FLAG_SET(rule_flags,
	{ "encrypted-regex", 0, "RE", OPT_ENC_REGEX, 0, "encrypt only the values whose key matches RE",
	  "sops --encrypted-regex" },
	{ "unencrypted-regex", 0, "RE", OPT_UNENC_REGEX, 0, "leave the values whose key matches RE in clear",
	  "sops --unencrypted-regex" },
	{ "encrypted-suffix", 0, "S", OPT_ENC_SUFFIX, 0, "encrypt only the values whose key ends with S",
	  "sops --encrypted-suffix" },
	{ "unencrypted-suffix", 0, "S", OPT_UNENC_SUFFIX, 0,
	  "leave the values whose key ends with S in clear (default _unencrypted)", "sops --unencrypted-suffix" },
	{ "encrypted-comment-regex", 0, "RE", OPT_ENC_COMMENT_REGEX, 0,
	  "encrypt only the values after a comment matching RE", "sops --encrypted-comment-regex" },
	{ "unencrypted-comment-regex", 0, "RE", OPT_UNENC_COMMENT_REGEX, 0,
	  "leave the values after a comment matching RE in clear", "sops --unencrypted-comment-regex" },
	{ "mac-only-encrypted", 0, NULL, OPT_MAC_ONLY, 0, "compute the MAC over the encrypted values only",
	  "sops --mac-only-encrypted" });

/* many files at once (src/sops/many.c sm_many_flag) */
FLAG_SET(many_flags,
	{ "recursive", 'r', "DIR", 'r', CLI_DIR, "every file under DIR that .sops.yaml rules select", NULL },
	{ "jobs", 'j', "N", 'j', 0, "files processed in parallel (default: the CPUs)", NULL });

FLAG_SET(check_flags,
	{ "check", 0, NULL, OPT_CHECK, 0, "verify every value and the MAC of each file, print nothing", NULL });

FLAG_SET(rotate_flags,
	{ "add-age", 0, "RECIPIENTS", OPT_ADD_AGE, CLI_REPEAT, "add age recipients to the first key group",
	  "sops rotate --add-age" },
	{ "rm-age", 0, "RECIPIENTS", OPT_RM_AGE, CLI_REPEAT, "remove age recipients", "sops rotate --rm-age" },
	{ "add-pgp", 0, "FPR", OPT_ADD_PGP, CLI_REPEAT, "add PGP fingerprints to the first key group",
	  "sops rotate --add-pgp" },
	{ "rm-pgp", 0, "FPR", OPT_RM_PGP, CLI_REPEAT, "remove PGP fingerprints", "sops rotate --rm-pgp" });

FLAG_SET(updatekeys_flags,
	{ "yes", 'y', NULL, 'y', 0, "do not ask before changing a file", "sops updatekeys --yes" });

FLAG_SET(edit_flags,
	{ "show-master-keys", 's', NULL, 's', CLI_HIDDEN, "not supported (use updatekeys, rotate or groups)",
	  "sops edit --show-master-keys" });

FLAG_SET(set_flags,
	{ "value-file", 0, NULL, OPT_VALUE_FILE, 0, "VALUE is a file whose content is the value",
	  "sops set --value-file" },
	{ "value-stdin", 0, NULL, OPT_VALUE_STDIN, 0, "read the value from standard input", "sops set --value-stdin" });

FLAG_SET(idempotent_flags,
	{ "idempotent", 0, NULL, OPT_IDEMPOTENT, 0, "do not rewrite the file when nothing changes",
	  "sops set --idempotent" },
	{ "shamir-secret-sharing-threshold", 0, "N", OPT_SHAMIR, CLI_HIDDEN, "accepted; the key groups are kept",
	  "sops --shamir-secret-sharing-threshold" });

FLAG_SET(groups_flags,
	{ "file", 'f', "FILE", OPT_FILE, CLI_FILE, "the encrypted file to change", "sops groups --file" },
	{ "age", 'a', "RECIPIENTS", 'a', CLI_REPEAT, "age recipients of the new group, comma-separated",
	  "sops groups add --age" },
	{ "pgp", 0, "FPR", OPT_PGP, CLI_REPEAT, "PGP fingerprints of the new group, comma-separated",
	  "sops groups add --pgp" },
	{ "in-place", 'i', NULL, 'i', 0, "write the result over the file", "sops groups --in-place" },
	{ "shamir-secret-sharing-threshold", 0, "N", OPT_SHAMIR, 0, "key groups needed to decrypt (0..255)",
	  "sops --shamir-secret-sharing-threshold" });

FLAG_SET(exec_flags,
	{ "background", 0, NULL, OPT_BACKGROUND, CLI_HIDDEN, "not supported", "sops exec-env --background" },
	{ "user", 0, "USER", OPT_USER, CLI_HIDDEN, "not supported", "sops exec-env --user" });

FLAG_SET(exec_env_flags,
	{ "pristine", 0, NULL, OPT_PRISTINE, 0, "run COMMAND with only the decrypted values as its environment",
	  "sops exec-env --pristine" },
	{ "same-process", 0, NULL, OPT_SAME_PROCESS, CLI_HIDDEN, "not supported", "sops exec-env --same-process" });

FLAG_SET(exec_file_flags,
	{ "no-fifo", 0, NULL, OPT_NO_FIFO, 0, "write a temporary file (0600, removed after) instead of a FIFO",
	  "sops exec-file --no-fifo" },
	{ "filename", 0, "NAME", OPT_FILENAME, 0, "name of the plaintext file given to COMMAND",
	  "sops exec-file --filename" });

/* The sops identities, read by every command that decrypts. */
#define ENV_IDS                                                                                         \
	"SOPS_AGE_KEY\tage identities, one per line\n"                                                \
	"SOPS_AGE_KEY_FILE\ta file of age identities\n"                                               \
	"SOPS_AGE_KEY_CMD\ta command that prints age identities\n"                                    \
	"SOPS_AGE_SSH_PRIVATE_KEY_FILE\tan SSH private key to decrypt with\n"                         \
	"XDG_CONFIG_HOME\tidentities also from $XDG_CONFIG_HOME/sops/age/keys.txt (default ~/.config)\n" \
	"SOPS_CONFIG\tthe .sops.yaml to use when --config is not given\n"

const struct cli_command cli_cmd_encrypt = {
	"encrypt", "encrypt a YAML/JSON/dotenv/INI/binary file with SOPS",
	"[--age R[,R...]] [RULE FLAG] [-i | --output F] [--input-type T] [--output-type T] [FILE | -]\n"
	"-i [-j N] (FILE... | -r DIR)",
	"Recipients: --age, else $SOPS_AGE_RECIPIENTS, else the .sops.yaml creation rule for the file.\n"
	"At most one rule flag chooses which values are encrypted.  Several files, or -r DIR, are\n"
	"encrypted in place in parallel; files already encrypted are skipped.",
	SETS(key_flags, rule_flags, write_flags, transform_flags, many_flags, common_flags),
	"SOPS_AGE_RECIPIENTS\trecipients when no --age is given\nSOPS_CONFIG\tthe .sops.yaml to use\n",
	"agesops encrypt --age age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p -i secret.yaml",
	"sops encrypt", "sops", NULL, cmd_encrypt, CLI_ARGS_FILE, true, false,
};

const struct cli_command cli_cmd_decrypt = {
	"decrypt", "decrypt a SOPS file",
	"[-i | --output F] [--extract PATH] [--ignore-mac] [--input-type T] [--output-type T] [FILE | -]\n"
	"--check [-j N] (FILE... | -r DIR)",
	"Identities: all of SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD and\n"
	"~/.config/sops/age/keys.txt are tried.",
	SETS(write_flags, decrypt_only_flags, transform_flags, check_flags, many_flags, common_flags),
	ENV_IDS, "agesops decrypt secret.yaml\nagesops decrypt --extract '[\"data\"][\"password\"]' secret.yaml",
	"sops decrypt", "sops", NULL, cmd_decrypt, CLI_ARGS_FILE, true, false,
};

/* The flags the encrypt/decrypt parser knows (src/sops/opts.c): both
 * commands accept all of them; each lists its own in its help. */
const struct cli_command cli_sops_opts_parser = {
	"encrypt|decrypt", NULL, NULL, NULL,
	SETS(key_flags, rule_flags, write_flags, transform_flags, decrypt_only_flags, common_flags),
	NULL, NULL, NULL, NULL, NULL, NULL, CLI_ARGS_NONE, true, true,
};

const struct cli_command cli_cmd_edit = {
	"edit", "edit a SOPS file in $EDITOR",
	"[--age RECIPIENTS] [--input-type TYPE] [--ignore-mac] [--config F] FILE",
	"A new FILE starts from an example document, encrypted for --age or the .sops.yaml rule.\n"
	"Exit 200 when nothing changed.",
	SETS(key_flags, rule_flags, edit_flags, common_flags),
	"SOPS_EDITOR\tthe editor (first choice)\nEDITOR\tthe editor when SOPS_EDITOR is unset (else vi)\n"
	"SOPS_AGE_RECIPIENTS\trecipients of a new file\nTMPDIR\twhere the plaintext copy is edited\n" ENV_IDS,
	"agesops edit secret.yaml", "sops edit", "sops", NULL, cmd_edit, CLI_ARGS_FILE, false, false,
};

const struct cli_command cli_cmd_rotate = {
	"rotate", "generate a new data key and re-encrypt",
	"[-i | --output F] [--add-age R]... [--rm-age R]... [-j N] (FILE... | -r DIR)",
	"Several files or -r DIR imply -i.",
	SETS(write_flags, rotate_flags, transform_flags, many_flags, common_flags), ENV_IDS,
	"agesops rotate -i secret.yaml",
	"sops rotate", "sops", NULL, cmd_rotate, CLI_ARGS_FILE, false, false,
};

const struct cli_command cli_cmd_updatekeys = {
	"updatekeys", "apply .sops.yaml recipients to files",
	"[-y] [--config F] [--input-type T] [-j N] (FILE... | -r DIR)", NULL,
	SETS(updatekeys_flags, many_flags, common_flags), ENV_IDS, "agesops updatekeys -y -r secrets/",
	"sops updatekeys", "sops", NULL, cmd_updatekeys, CLI_ARGS_FILE, false, false,
};

const struct cli_command cli_cmd_set = {
	"set", "set a value in a SOPS file",
	"[--value-file | --value-stdin] [--idempotent] [--input-type T] FILE INDEX [VALUE]",
	"INDEX is a path like '[\"data\"][\"password\"]'; VALUE is JSON.",
	SETS(set_flags, idempotent_flags, common_flags), ENV_IDS,
	"agesops set secret.yaml '[\"data\"][\"password\"]' '\"s3cret\"'", "sops set", "sops", NULL, cmd_set,
	CLI_ARGS_FILE, false, false,
};

const struct cli_command cli_cmd_unset = {
	"unset", "remove a value from a SOPS file",
	"[--idempotent] [--input-type TYPE] [--output-type TYPE] [--ignore-mac] FILE INDEX", NULL,
	SETS(idempotent_flags, common_flags), ENV_IDS, "agesops unset secret.yaml '[\"data\"][\"old\"]'",
	"sops unset", "sops", NULL, cmd_unset, CLI_ARGS_FILE, false, false,
};

static const struct cli_command groups_subs[] = {
	{ "add", "add a key group", "--file F --age R[,R...] [--shamir-secret-sharing-threshold N] [-i]", NULL,
	  SETS(groups_flags, common_flags), ENV_IDS, "agesops groups add --file secret.yaml --age age1... -i",
	  "sops groups add", "sops", NULL, NULL, CLI_ARGS_NONE, false, false },
	{ "delete", "delete a key group", "--file F [--shamir-secret-sharing-threshold N] [-i] INDEX", NULL,
	  SETS(groups_flags, common_flags), ENV_IDS, "agesops groups delete --file secret.yaml -i 1",
	  "sops groups delete", "sops", NULL, NULL, CLI_ARGS_NONE, false, false },
	{ 0 },
};

const struct cli_command cli_cmd_groups = {
	"groups", "add or delete key groups", "add|delete [options]", NULL, SETS(common_flags), NULL,
	"agesops groups add --file secret.yaml --age age1... -i", "sops groups", "sops", groups_subs, cmd_groups,
	CLI_ARGS_NONE, false, false,
};

const struct cli_command cli_cmd_filestatus = {
	"filestatus", "report whether a file is SOPS-encrypted", "[--input-type TYPE] FILE",
	"Prints {\"encrypted\":true} or {\"encrypted\":false}.", SETS(common_flags), NULL,
	"agesops filestatus secret.yaml", "sops filestatus", "sops", NULL, cmd_filestatus, CLI_ARGS_FILE, false,
	false,
};

const struct cli_command cli_cmd_exec_env = {
	"exec-env", "run a command with decrypted values in its environment",
	"[--pristine] [--input-type T] [--ignore-mac] FILE COMMAND", NULL, SETS(exec_env_flags, exec_flags, common_flags),
	ENV_IDS, "agesops exec-env secret.env 'echo $PASSWORD'", "sops exec-env", "sops", NULL, cmd_exec_env,
	CLI_ARGS_FILE, false, false,
};

const struct cli_command cli_cmd_exec_file = {
	"exec-file", "run a command with the decrypted file",
	"[--no-fifo] [--filename NAME] [--input-type T] [--output-type T] [--ignore-mac] FILE COMMAND",
	"{} in COMMAND is replaced by the plaintext's path.", SETS(exec_file_flags, exec_flags, common_flags),
	ENV_IDS "TMPDIR\twhere the FIFO or temporary file is made\n", "agesops exec-file secret.yaml 'cat {}'",
	"sops exec-file", "sops", NULL, cmd_exec_file, CLI_ARGS_FILE, false, false,
};

FLAG_SET(sops_program_flags,
	{ "encrypt", 'e', NULL, 'e', 0, "legacy form of 'sops encrypt'", "sops --encrypt" },
	{ "decrypt", 'd', NULL, 'd', 0, "legacy form of 'sops decrypt'", "sops --decrypt" },
	{ "rotate", 'r', NULL, 'r', 0, "legacy form of 'sops rotate'", "sops --rotate" },
	{ "set", 0, "'INDEX VALUE'", OPT_IGNORED_VALUE, 0, "legacy form of 'sops set'", "sops --set" },
	{ "version", 'v', NULL, OPT_VERSION, 0, "print the version", "sops --version" });

/* "sops" (a drop-in name): its global flags, then a sops command. */
const struct cli_command cli_sops_program = {
	"sops", "agesops speaking sops' command line",
	"[global flags] command [flags] file\n-e|-d|-r [flags] file\n--set '[\"k\"] value' file\nfile",
	"Commands: encrypt, decrypt, edit, rotate, updatekeys, set, unset, groups, filestatus,\n"
	"exec-env, exec-file.  Global flags given before the command are handed to it.",
	SETS(sops_program_flags, common_flags), ENV_IDS, "sops -d secret.yaml\nsops encrypt -i secret.yaml",
	"sops", "sops", NULL, cmd_sops, CLI_ARGS_FILE, true, true,
};
