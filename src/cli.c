#include "cli.h"
#include <errno.h>
#include <stdarg.h>
#include <string.h>

const char *cli_progname = "agesops";

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s: ", cli_progname, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
}

int cli_refuse(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
	return code;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("warning", fmt, ap);
	va_end(ap);
}

int cli_fail(int err, const struct ags_diag *d, const char *what)
{
	const char *msg = d && d->msg[0] ? d->msg : ags_strerror(err);
	if (what && *what)
		cli_error("%s: %s", what, msg);
	else
		cli_error("%s", msg);
	return cli_exit_code(err);
}

int cli_exit_code(int err)
{
	switch (err) {
	case AGS_OK: return EXIT_OK;
	case AGS_E_SOPS_MAC_MISMATCH: return EXIT_MAC_MISMATCH;
	case AGS_E_SOPS_MAC_NOT_FOUND: return EXIT_MAC_MISMATCH; /* as Go: "File has no MAC" */
	case AGS_E_SOPS_ALREADY_ENCRYPTED: return EXIT_ALREADY_ENCRYPTED;
	case AGS_E_SOPS_NO_KEY: return EXIT_COULD_NOT_RETRIEVE_KEY;
	case AGS_E_SOPS_DECRYPT: return EXIT_DECRYPTING_TREE;
	case AGS_E_SOPS_FORMAT: return EXIT_READ_INPUT;
	case AGS_E_UTF8: return EXIT_READ_INPUT;
	case AGS_E_SOPS_PATH: return EXIT_INVALID_TREE_PATH;
	case AGS_E_SOPS_CONFLICT: return EXIT_CONFLICTING_PARAMETERS;
	case AGS_E_SOPS_NOT_MODIFIED: return EXIT_NOT_MODIFIED;
	case AGS_E_SOPS_NO_EDITOR: return EXIT_NO_EDITOR;
	case AGS_E_SOPS_NO_DOCUMENT: return EXIT_NEED_DOCUMENT;
	case AGS_E_INTERRUPTED: return EXIT_INTERRUPT;
	case -ENOENT: return EXIT_NO_FILE;
	/* Go sops returns ErrorGeneric (1) for a bad or missing .sops.yaml and
	 * for no recipients, never 5, 61 or 111 although codes.go lists them */
	default: return EXIT_GENERIC;
	}
}
