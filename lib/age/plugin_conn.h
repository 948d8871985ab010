/*
 * The plugin child process and the stanzas on its pipes (module-internal):
 * every read has a deadline, every line, body and session a cap.
 */
#ifndef AGS_AGE_PLUGIN_CONN_H
#define AGS_AGE_PLUGIN_CONN_H

#include "internal.h"
#include "age/format.h"
#include <sys/types.h>

struct ags_plugin_conn {
	const char *name;
	pid_t pid;
	int to_fd;   /* plugin stdin */
	int from_fd; /* plugin stdout */
	struct ags_buf rb;
	size_t rpos;
	size_t total;
	int timeout;
};

struct ags_plugin_stanza {
	char *args[AGS_AGE_MAX_ARGS]; /* args[0] is the command / type */
	size_t nargs;
	struct ags_buf body; /* secret: may carry a file key */
};

/* Starts "age-plugin-<name> --age-plugin=<phase>" from PATH. */
int ags_plugin_conn_open(struct ags_plugin_conn *c, const char *name, const char *phase, struct ags_diag *d);
/* The plugin side: the same framing over the client's pipes (no child). */
void ags_plugin_conn_attach(struct ags_plugin_conn *c, const char *name, int from_fd, int to_fd);
/* Closes the pipes and reaps the child (kill_now: no grace period). */
void ags_plugin_conn_close(struct ags_plugin_conn *c, bool kill_now);
void ags_plugin_pst_init(struct ags_plugin_stanza *s);
void ags_plugin_pst_release(struct ags_plugin_stanza *s);
/* Reads one stanza (re-initialises s). */
int ags_plugin_read_stanza(struct ags_plugin_conn *c, struct ags_plugin_stanza *s, struct ags_diag *d);
int ags_plugin_write_stanza(struct ags_plugin_conn *c, const char *const *args, size_t nargs, const void *body,
			    size_t bodylen, struct ags_diag *d);
/* A stanza with an empty body: "-> cmd [arg]". */
int ags_plugin_write_cmd(struct ags_plugin_conn *c, const char *cmd, const char *arg, struct ags_diag *d);
/* Go's random "grease" stanza, sent two times out of three. */
int ags_plugin_write_grease(struct ags_plugin_conn *c, struct ags_diag *d);
/* AGS_E_AGE_PLUGIN: "<name> plugin: protocol error: <what>". */
int ags_plugin_garbage(struct ags_plugin_conn *c, struct ags_diag *d, const char *what);

#endif
