/*
 * Runs the command of exec-env / exec-file (shell.h).
 */
#include "shell.h"
#include "../cli.h"
#include <errno.h>
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
