/*
 * Runs the command of exec-env / exec-file and the editor of edit (shell.h).
 */
#include "shell.h"
#include "../cli.h"
#include "util/secret.h"
#include "util/shellwords.h"
#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Wait for the child, passing on the termination signals we receive. */
static pid_t child_pid;
static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

int sm_run_shell(const char *cmd, char **envp)
{
	fflush(NULL);
	struct sigaction sa = { .sa_handler = forward }, oi, ot, oh;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &oi);
	sigaction(SIGTERM, &sa, &ot);
	sigaction(SIGHUP, &sa, &oh);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
		execve("/bin/sh", argv, envp);
		_exit(127);
	}
	int status = 0, rc;
	if (pid < 0) {
		cli_error("could not start /bin/sh: %s", strerror(errno));
		rc = EXIT_GENERIC;
	} else {
		child_pid = pid;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		child_pid = 0;
		rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	sigaction(SIGINT, &oi, NULL);
	sigaction(SIGTERM, &ot, NULL);
	sigaction(SIGHUP, &oh, NULL);
	return rc;
}

int sm_run_editor(const char *file, struct ags_diag *d)
{
	const char *ed = getenv("SOPS_EDITOR");
	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	char **argv;
	size_t n;
	int r = ags_shellwords_split(ed, 1, &argv, &n);
	if (r == AGS_E_NOMEM)
		return ags_diag_set(d, r, "%s", ags_strerror(r));
	if (r == AGS_E_TOO_BIG)
		return ags_diag_set(d, AGS_E_SOPS_NO_EDITOR, "the editor command is too long");
	if (r < 0)
		return ags_diag_set(d, AGS_E_SOPS_NO_EDITOR, "cannot parse the editor command '%s'", ed);
	argv[n] = (char *)file; /* execvp does not write to it */

	/* the editor owns the terminal: let it handle ^C, as system() does */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status = 0;
	if (pid < 0) {
		r = ags_diag_set(d, AGS_E_SOPS_NO_EDITOR, "could not run editor: %s", strerror(errno));
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			r = ags_diag_set(d, AGS_E_SOPS_NO_EDITOR, "could not run editor '%s'", argv[0]);
		else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			r = ags_diag_set(d, AGS_E_CHILD, "editor '%s' failed (%s %d); file not changed", argv[0],
					 WIFEXITED(status) ? "exit status" : "signal",
					 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	ags_free_strv(argv, n); /* argv[n], file, is not freed */
	return r;
}
