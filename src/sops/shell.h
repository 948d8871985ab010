/*
 * The child shell of exec-env and exec-file.
 */
#ifndef AGS_SRC_SOPS_SHELL_H
#define AGS_SRC_SOPS_SHELL_H


/* Runs `/bin/sh -c cmd` with envp, forwarding SIGINT/SIGTERM/SIGHUP to it;
 * returns its exit status (128 + signal when killed). Prints on failure. */
int sm_run_shell(const char *cmd, char **envp);

#endif
