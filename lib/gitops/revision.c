/*
 * rotate-key --finish: has Flux applied a commit that carries the rotation?
 * Asks git (the repository's own history is the only place that knows
 * which commits descend from which).
 */
#include "internal.h"
#include "gitops/lifecycle.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define GIT_OUT_MAX ((size_t)1 << 20)

/* Runs git -C root ARGS...; stdout into out, stderr discarded.  Returns the
 * exit status (>= 0) or a negative error when git could not run. */
static int git(const char *root, const char *const *args, struct ags_buf *out)
{
	const char *argv[16];
	size_t n = 0;
	argv[n++] = "git";
	argv[n++] = "-C";
	argv[n++] = root;
	for (; *args && n < 15; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return -errno;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int se = posix_spawnp(&pid, "git", &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (se != 0) {
		close(p[0]);
		return -se;
	}
	int r = ags_fd_read_all(p[0], out);
	close(p[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return r;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* "main@sha1:HEX", "sha1:HEX", "main/HEX" (Flux < 2.1) or "HEX" -> HEX. */
static int revision_hash(const char *rev, char *out, size_t cap)
{
	const char *h = strrchr(rev, ':');
	if (!h)
		h = strrchr(rev, '/');
	h = h ? h + 1 : rev;
	size_t l = strlen(h);
	if ((l != 40 && l != 64) || l >= cap || strspn(h, "0123456789abcdef") != l)
		return AGS_E_SYNTAX;
	memcpy(out, h, l + 1);
	return 0;
}

static void chomp(struct ags_buf *b)
{
	while (b->len && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\r'))
		b->len--;
	if (b->data)
		b->data[b->len] = 0;
}

int ags_rotation_revision_check(const struct ags_cluster_repo *cr, const char *new_recipient,
				const char *last_applied_revision, struct ags_diag *d)
{
	char hash[80], dir[PATH_MAX], rel[PATH_MAX + 32];
	if (!last_applied_revision || !*last_applied_revision)
		return ags_diag_set(d, AGS_E_AUTH, "Flux has not applied any revision yet");
	if (revision_hash(last_applied_revision, hash, sizeof(hash)) < 0)
		return ags_diag_set(d, AGS_E_AUTH, "Flux's lastAppliedRevision '%.100s' names no git commit",
				    last_applied_revision);
	gitops_secrets_dir(cr, dir, sizeof(dir));
	snprintf(rel, sizeof(rel), "%s/.sops.public.key", dir + strlen(cr->root) + 1);
	struct ags_buf rot;
	ags_buf_init(&rot, GIT_OUT_MAX);
	int r;
	/* the commit that put the new key in .sops.public.key (the oldest one naming it) */
	char pick[300];
	snprintf(pick, sizeof(pick), "-S%s", new_recipient);
	const char *a_rot[] = { "log", "--format=%H", "--reverse", pick, "--", rel, NULL };
	r = git(cr->root, a_rot, &rot);
	chomp(&rot);
	if (r < 0) {
		r = ags_diag_set(d, r, "cannot run git: %s", ags_strerror(r));
		goto out;
	}
	if (r != 0 || !rot.len) {
		r = ags_diag_set(d, AGS_E_AUTH,
				 "no commit puts the new key in %s yet: commit and push the rotation, then wait for Flux", rel);
		goto out;
	}
	rot.data[strcspn((const char *)rot.data, "\n")] = 0;
	const char *a_anc[] = { "merge-base", "--is-ancestor", (const char *)rot.data, hash, NULL };
	struct ags_buf ignore;
	ags_buf_init(&ignore, GIT_OUT_MAX);
	r = git(cr->root, a_anc, &ignore);
	ags_buf_release(&ignore);
	if (r == 1)
		r = ags_diag_set(d, AGS_E_AUTH,
				 "Flux applied %.12s, which does not contain the rotation commit %.12s yet: push it and wait "
				 "for Flux to apply it",
				 hash, (const char *)rot.data);
	else if (r != 0)
		r = ags_diag_set(d, AGS_E_AUTH,
				 "Flux applied %.12s, a commit this repository does not have: git fetch, then try again",
				 hash);
out:
	ags_buf_release(&rot);
	return r;
}
