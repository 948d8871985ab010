/*
 * The child programs of the sops commands: the shell of exec-env and
 * exec-file, the editor of edit.
 */
#ifndef AGS_SRC_SOPS_SHELL_H
#define AGS_SRC_SOPS_SHELL_H

#include <agesops/agesops.h>

/* Runs `/bin/sh -c cmd` with envp, forwarding SIGINT/SIGTERM/SIGHUP to it;
 * returns its exit status (128 + signal when killed). Prints on failure. */
int sm_run_shell(const char *cmd, char **envp);

/* Runs $SOPS_EDITOR, else $EDITOR, else vi on file (the variable split into
 * words as sops splits it with shlex: quotes and backslashes, no shell) and
 * waits for it, leaving ^C to it as system() does.  0 when it exited 0;
 * AGS_E_SOPS_NO_EDITOR when it could not run, AGS_E_CHILD when it failed. */
int sm_run_editor(const char *file, struct ags_diag *d);

#endif
