/*
 * libfyaml's error messages as users should read them: its phrases that
 * name parser internals ("Invalid JSON plain scalar", "plain scalar cannot
 * start with ...") become what is wrong in the file.  The others pass
 * through; the caller adds the file, line and column.
 */
#ifndef AGS_YAML_FY_MSG_H
#define AGS_YAML_FY_MSG_H

/* The message to show for libfyaml's msg (NULL: "syntax error").  Writes
 * into buf (cap bytes) when it rewrites; returns buf or msg. */
const char *ags_fy_msg(const char *msg, char *buf, unsigned cap);

#endif
