/*
 * libfyaml phrases rewritten for users (fy_msg.h).
 */
#include "yaml/fy_msg.h"
#include <stdio.h>
#include <string.h>

static const struct {
	const char *lib;  /* libfyaml 0.7.12's text, up to a %c or %s */
	const char *user;
} MSGS[] = {
	{ "Invalid JSON plain scalar",
	  "not a JSON value: text must be in double quotes (the only bare words are true, false, null and numbers)" },
	{ "Invalid JSON unescaped character", "a control character must be escaped inside a JSON string" },
	{ "Multi line plain scalars not supported in JSON mode",
	  "not a JSON value: text must be in double quotes and on one line" },
	{ "Multi line double quoted scalars not supported in JSON mode",
	  "a JSON string cannot span lines (write \\n)" },
	{ "plain scalar is malformed UTF8", "the text is not valid UTF-8" },
	{ "plain scalar cannot start with blank or zero", "unquoted text cannot start with a blank or a NUL byte" },
	/* "plain scalar cannot start with '%c'..." keeps its character */
	{ "plain scalar cannot start with ", "unquoted text cannot start with " },
};

const char *ags_fy_msg(const char *msg, char *buf, unsigned cap)
{
	if (!msg || !*msg)
		return "syntax error";
	for (size_t i = 0; i < sizeof(MSGS) / sizeof(MSGS[0]); i++) {
		size_t n = strlen(MSGS[i].lib);
		if (strncmp(msg, MSGS[i].lib, n) != 0)
			continue;
		if (!msg[n]) /* the whole message */
			return MSGS[i].user;
		if (MSGS[i].lib[n - 1] == ' ') { /* a prefix: keep the rest */
			snprintf(buf, cap, "%s%s (quote the text)", MSGS[i].user, msg + n);
			return buf;
		}
	}
	return msg;
}
