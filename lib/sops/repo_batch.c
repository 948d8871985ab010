/*
 * Batched durable replacement (include/agesops/sops-repo.h): re-keying a
 * repository writes thousands of small files, and one fsync per file plus
 * one per rename is what dominated it.  Ordering keeps the crash guarantee:
 * every new content is durable (syncfs) before the first rename, so after a
 * crash each target is either its old content or its complete new one.
 */
#include "internal.h"
#include "util/secret.h"
#include "util/outfile.h"
#include <agesops/sops-repo.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ags_repo_batch {
	pthread_mutex_t mu;
	struct ags_out *v;
	size_t n, cap;
};

int ags_repo_batch_new(struct ags_repo_batch **out)
{
	struct ags_repo_batch *b = calloc(1, sizeof(*b));
	if (!b)
		return AGS_E_NOMEM;
	pthread_mutex_init(&b->mu, NULL);
	*out = b;
	return 0;
}

static int push(struct ags_repo_batch *b, const struct ags_out *o)
{
	pthread_mutex_lock(&b->mu);
	int r = ags_array_grow((void **)&b->v, &b->cap, b->n, sizeof(*b->v), 64);
	if (r == 0)
		b->v[b->n++] = *o;
	pthread_mutex_unlock(&b->mu);
	return r;
}

int ags_repo_batch_write(struct ags_repo_batch *b, const char *path, const void *data, size_t len)
{
	struct ags_out o;
	int r = ags_out_open(&o, path, -1, AGS_OUT_DEFER | AGS_OUT_EXISTING);
	if (r < 0)
		return r;
	if ((r = ags_out_write(&o, data, len)) < 0) {
		ags_out_abort(&o);
		return r;
	}
	if ((r = ags_out_commit(&o)) < 0)
		return r;
	if (!o.tmppath) /* a FIFO or device: already written */
		return 0;
	if ((r = push(b, &o)) < 0)
		ags_out_abort(&o);
	return r;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct ags_out *)a)->path, ((const struct ags_out *)b)->path);
}

/* Length of o's directory part in o->path (0 = the current directory). */
static size_t dir_len(const struct ags_out *o)
{
	const char *slash = strrchr(o->path, '/');
	return slash ? (slash == o->path ? 1 : (size_t)(slash - o->path)) : 0;
}

static int open_dir_of(const struct ags_out *o)
{
	size_t n = dir_len(o);
	char *dir = n ? strndup(o->path, n) : strdup(".");
	if (!dir)
		return AGS_E_NOMEM;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = fd < 0 ? -errno : fd;
	free(dir);
	return r;
}

/* One syncfs per file system holding a temp file. */
static int sync_all(struct ags_repo_batch *b, struct ags_diag *d)
{
	dev_t done[16];
	size_t ndone = 0;
	for (size_t i = 0; i < b->n; i++) {
		bool seen = false;
		for (size_t k = 0; k < ndone && !seen; k++)
			seen = done[k] == b->v[i].dev;
		if (seen)
			continue;
		int fd = open_dir_of(&b->v[i]);
		int r = fd < 0 ? fd : syncfs(fd) < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
		if (r < 0)
			return ags_diag_set(d, r, "%s: could not sync the file system: %s", b->v[i].path,
					    ags_strerror(r));
		if (ndone < AGS_ARRAY_SIZE(done))
			done[ndone++] = b->v[i].dev;
	}
	return 0;
}

int ags_repo_batch_commit(struct ags_repo_batch *b, struct ags_diag *d)
{
	if (!b)
		return AGS_E_INVAL;
	if (b->n > 1) /* qsort(NULL, 0, ...) is undefined */
		qsort(b->v, b->n, sizeof(*b->v), by_path);
	int r = sync_all(b, d);
	if (r < 0) {
		for (size_t i = 0; i < b->n; i++)
			ags_out_abort(&b->v[i]);
		b->n = 0;
		return r;
	}
	int failed = 0;
	for (size_t i = 0; i < b->n; i++) {
		/* the directory of a run of same-directory files, once */
		bool last_in_dir = i + 1 == b->n || dir_len(&b->v[i]) != dir_len(&b->v[i + 1]) ||
				   memcmp(b->v[i].path, b->v[i + 1].path, dir_len(&b->v[i]));
		int dfd = last_in_dir ? open_dir_of(&b->v[i]) : -1;
		char path[4096];
		snprintf(path, sizeof(path), "%s", b->v[i].path);
		int e = ags_out_finish(&b->v[i]);
		if (e == 0 && last_in_dir)
			e = dfd < 0 ? dfd : ags_out_sync_dir(dfd);
		if (dfd >= 0) {
			ags_out_sweep(dfd);
			close(dfd);
		}
		if (e < 0 && failed++ == 0)
			ags_diag_set(d, e, "%s: could not replace: %s", path, ags_strerror(e));
	}
	b->n = 0;
	return failed;
}

void ags_repo_batch_free(struct ags_repo_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		ags_out_abort(&b->v[i]);
	pthread_mutex_destroy(&b->mu);
	AGS_FREE_ALL(b->v, b);
}
