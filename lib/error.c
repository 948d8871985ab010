#include "internal.h"
#include <string.h>

struct err_msg {
	int code;
	const char *msg;
};

static const struct err_msg messages[] = {
	{ AGS_E_NOMEM, "out of memory" },
	{ AGS_E_INVAL, "invalid argument" },
	{ AGS_E_IO, "input/output error" },
	{ AGS_E_TOO_BIG, "input exceeds a size limit" },
	{ AGS_E_CRYPTO, "cryptographic operation failed" },
	{ AGS_E_UNSUPPORTED, "not supported" },
	{ AGS_E_NOT_FOUND, "not found" },
	{ AGS_E_EXISTS, "already exists" },
	{ AGS_E_BASE64, "malformed base64" },
	{ AGS_E_UTF8, "invalid UTF-8" },
	{ AGS_E_SYNTAX, "syntax error" },
	{ AGS_E_TIMEOUT, "timed out" },
	{ AGS_E_INTERRUPTED, "interrupted" },
	{ AGS_E_AUTH, "authentication failed" },
	{ AGS_E_TRUNCATED, "unexpected end of input" },
	{ AGS_E_CHILD, "child process failed" },
	{ AGS_E_HARDLINKS, "the file has other hard links; replacing it would leave the old content under them (copy it to break the links)" },

	{ AGS_E_AGE_HEADER, "malformed age header" },
	{ AGS_E_AGE_HEADER_MAC, "bad header MAC" },
	{ AGS_E_AGE_PAYLOAD, "payload authentication failed or payload truncated" },
	{ AGS_E_AGE_ARMOR, "malformed ASCII armor" },
	{ AGS_E_AGE_NO_MATCH, "no identity matched any of the recipients" },
	{ AGS_E_AGE_UNSUPPORTED_RECIPIENT, "unsupported recipient type" },
	{ AGS_E_AGE_BAD_KEY, "malformed recipient or identity" },
	{ AGS_E_AGE_BECH32, "malformed bech32 string" },
	{ AGS_E_AGE_WORK_FACTOR, "scrypt work factor out of range" },
	{ AGS_E_AGE_INCORRECT_IDENTITY, "incorrect identity for recipient block" },
	{ AGS_E_AGE_PASSPHRASE, "a passphrase is required" },
	{ AGS_E_AGE_MIXED_RECIPIENTS, "incompatible recipients" },
	{ AGS_E_AGE_PLUGIN, "age plugin failed" },
	{ AGS_E_AGE_VERSION, "unknown age format version" },

	{ AGS_E_SOPS_MAC_MISMATCH, "MAC mismatch" },
	{ AGS_E_SOPS_MAC_NOT_FOUND, "MAC not found" },
	{ AGS_E_SOPS_METADATA_NOT_FOUND, "sops metadata not found" },
	{ AGS_E_SOPS_ALREADY_ENCRYPTED, "file already encrypted" },
	{ AGS_E_SOPS_NO_KEY, "failed to get the data key" },
	{ AGS_E_SOPS_BAD_VALUE, "malformed encrypted value" },
	{ AGS_E_SOPS_DECRYPT, "could not decrypt value" },
	{ AGS_E_SOPS_FORMAT, "invalid document" },
	{ AGS_E_SOPS_REGEX, "invalid regular expression" },
	{ AGS_E_SOPS_CONFIG, "invalid configuration" },
	{ AGS_E_SOPS_CONFIG_NOT_FOUND, "configuration file not found" },
	{ AGS_E_SOPS_PATH, "invalid tree path" },
	{ AGS_E_SOPS_CONFLICT, "conflicting parameters" },
	{ AGS_E_SOPS_NO_RECIPIENTS, "no encryption key given" },
	{ AGS_E_SOPS_SHAMIR, "not enough key groups to recover the data key" },
	{ AGS_E_SOPS_NOT_MODIFIED, "file has not been modified" },
	{ AGS_E_SOPS_NO_EDITOR, "no editor found" },
	{ AGS_E_SOPS_NO_DOCUMENT, "no document found" },

	{ AGS_E_K8S_CONFIG, "invalid Kubernetes client configuration" },
	{ AGS_E_K8S_CONNECT, "could not connect to the Kubernetes API server" },
	{ AGS_E_K8S_TLS, "TLS verification of the Kubernetes API server failed" },
	{ AGS_E_K8S_UNAUTHORIZED, "unauthorized" },
	{ AGS_E_K8S_FORBIDDEN, "forbidden" },
	{ AGS_E_K8S_NOT_FOUND, "not found" },
	{ AGS_E_K8S_ALREADY_EXISTS, "already exists" },
	{ AGS_E_K8S_CONFLICT, "conflict: the object was modified" },
	{ AGS_E_K8S_INVALID, "invalid object" },
	{ AGS_E_K8S_THROTTLED, "too many requests" },
	{ AGS_E_K8S_SERVER, "server error" },
	{ AGS_E_K8S_PROTOCOL, "unexpected response from the API server" },
	{ AGS_E_K8S_KEY_MISMATCH, "the cluster holds a different key" },
	{ AGS_E_K8S_BAD_SECRET, "the Secret does not hold a valid age key" },

	{ AGS_E_GITOPS_INVALID, "invalid input" },
	{ AGS_E_GITOPS_CHECK, "check failed" },
};

const char *ags_strerror(int err)
{
	if (err >= 0)
		return "success";
	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		if (messages[i].code == err)
			return messages[i].msg;
	if (err > -1000)
		return strerror(-err);
	return "unknown error";
}
