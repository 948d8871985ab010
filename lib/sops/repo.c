/*
 * Whole repositories (include/agesops/sops-repo.h): a directory walk that
 * selects files with .sops.yaml's creation rules, and a thread pool that
 * takes files off a shared counter.  Each job is independent (its own
 * parsers, ciphers and buffers), so the only shared state here is the
 * counter and the progress callback's lock.
 */
#include "internal.h"
#include "util/secret.h"
#include "crypto/ossl.h"
#include "util/outfile.h"
#include <agesops/sops-repo.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ags_repo_files_clear(struct ags_repo_files *f)
{
	if (!f)
		return;
	ags_free_strv(f->paths, f->n);
	f->paths = NULL;
	f->n = 0;
}

int ags_repo_files_add(struct ags_repo_files *f, const char *path)
{
	if (f->n >= AGS_REPO_MAX_FILES)
		return AGS_E_TOO_BIG;
	/* grow by doubling: capacity is the next power of two >= n */
	if ((f->n & (f->n - 1)) == 0) {
		size_t cap = f->n ? f->n * 2 : 16;
		char **np = realloc(f->paths, cap * sizeof(*np));
		if (!np)
			return AGS_E_NOMEM;
		f->paths = np;
	}
	char *c = strdup(path);
	if (!c)
		return AGS_E_NOMEM;
	f->paths[f->n++] = c;
	return 0;
}

struct walk {
	const struct ags_sops_config *cfg;
	enum ags_repo_select sel;
	struct ags_repo_files *out;
	struct ags_diag *d;
};

static int take(struct walk *w, const char *path)
{
	if (w->cfg && w->cfg->has_creation_rules) {
		const struct ags_sops_creation_rule *r = NULL;
		struct ags_diag d2;
		int rc = ags_sops_config_match(w->cfg, path, &r, &d2);
		if (rc == AGS_E_SOPS_CONFIG)
			return 0; /* no rule for this file: not part of the set */
		if (rc < 0) {
			if (w->d)
				*w->d = d2;
			return rc;
		}
		if (!r || (w->sel == AGS_REPO_SELECT_REGEX_RULE && !r->path_regex))
			return 0;
	}
	int rc = ags_repo_files_add(w->out, path);
	if (rc == AGS_E_TOO_BIG)
		return ags_diag_set(w->d, rc, "more than %d files", AGS_REPO_MAX_FILES);
	return rc;
}

static int walk_dir(struct walk *w, char *path, size_t len, int depth)
{
	if (depth > AGS_REPO_MAX_DEPTH)
		return ags_diag_set(w->d, AGS_E_TOO_BIG, "%s: directories nested deeper than %d", path,
				    AGS_REPO_MAX_DEPTH);
	DIR *dir = opendir(path);
	if (!dir)
		return ags_diag_set(w->d, -errno, "%s: %s", path, ags_strerror(-errno));
	int r = 0;
	struct dirent *e;
	while (r == 0 && (errno = 0, e = readdir(dir))) {
		if (e->d_name[0] == '.' && (strcmp(e->d_name, ".sops.yaml") == 0 || e->d_type == DT_DIR ||
					    !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")))
			continue;
		size_t nl = strlen(e->d_name);
		if (len + 1 + nl >= PATH_MAX) {
			r = ags_diag_set(w->d, -ENAMETOOLONG, "%s/%s: path too long", path, e->d_name);
			break;
		}
		path[len] = '/';
		memcpy(path + len + 1, e->d_name, nl + 1);
		struct stat st;
		if (lstat(path, &st) < 0) {
			r = ags_diag_set(w->d, -errno, "%s: %s", path, ags_strerror(-errno));
		} else if (S_ISDIR(st.st_mode)) {
			if (e->d_name[0] != '.')
				r = walk_dir(w, path, len + 1 + nl, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			r = take(w, path);
		}
		path[len] = '\0';
	}
	if (r == 0 && errno)
		r = ags_diag_set(w->d, -errno, "%s: %s", path, ags_strerror(-errno));
	closedir(dir);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ags_repo_collect(const char *dir, const struct ags_sops_config *cfg, enum ags_repo_select sel,
		     struct ags_repo_files *out, struct ags_diag *d)
{
	char path[PATH_MAX];
	size_t len = strlen(dir);
	if (len == 0 || len >= sizeof(path))
		return ags_diag_set(d, AGS_E_INVAL, "invalid directory name");
	memcpy(path, dir, len + 1);
	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
	struct stat st;
	if (stat(path, &st) < 0)
		return ags_diag_set(d, -errno, "%s: %s", dir, ags_strerror(-errno));
	if (!S_ISDIR(st.st_mode))
		return ags_diag_set(d, -ENOTDIR, "%s: not a directory", dir);
	struct ags_repo_files f = { 0 };
	struct walk w = { .cfg = cfg, .sel = sel, .out = &f, .d = d };
	int r = walk_dir(&w, path, len, 0);
	if (r < 0) {
		ags_repo_files_clear(&f);
		return r;
	}
	if (f.n)
		qsort(f.paths, f.n, sizeof(*f.paths), cmp_str);
	for (size_t i = 0; r == 0 && i < f.n; i++)
		r = ags_repo_files_add(out, f.paths[i]);
	ags_repo_files_clear(&f);
	return r;
}

unsigned ags_repo_ncores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

struct pool {
	const struct ags_repo_files *f;
	ags_repo_job_fn fn;
	void *ctx;
	struct ags_repo_result *results;
	atomic_size_t next;
	ags_repo_progress_fn progress;
	void *pctx;
	pthread_mutex_t lock;
	size_t done;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->f->n)
			break;
		struct ags_repo_result *res = &p->results[i];
		memset(&res->diag, 0, sizeof(res->diag));
		res->rc = p->fn(p->f->paths[i], p->ctx, &res->diag);
		if (res->rc < 0 && !res->diag.msg[0])
			snprintf(res->diag.msg, sizeof(res->diag.msg), "%s", ags_strerror(res->rc));
		if (p->progress) {
			pthread_mutex_lock(&p->lock);
			p->progress(++p->done, p->f->n, p->pctx);
			pthread_mutex_unlock(&p->lock);
		}
	}
	return NULL;
}

int ags_repo_run(const struct ags_repo_files *f, unsigned nthreads, ags_repo_job_fn fn, void *ctx,
		 struct ags_repo_result *results, ags_repo_progress_fn progress, void *pctx)
{
	if (!f || !fn || (!results && f->n))
		return AGS_E_INVAL;
	if (f->n == 0)
		return 0;
	if (nthreads == 0)
		nthreads = ags_repo_ncores();
	if (nthreads > AGS_REPO_MAX_THREADS)
		nthreads = AGS_REPO_MAX_THREADS;
	if (nthreads > f->n)
		nthreads = (unsigned)f->n;
	struct pool p = { .f = f, .fn = fn, .ctx = ctx, .results = results, .progress = progress, .pctx = pctx };
	atomic_init(&p.next, 0);
	pthread_mutex_init(&p.lock, NULL);
	pthread_t tids[AGS_REPO_MAX_THREADS];
	unsigned started = 0;
	/* the calling thread works too, so one "thread" needs no pthread at all */
	for (unsigned i = 1; i < nthreads; i++) {
		if (pthread_create(&tids[started], NULL, worker, &p) != 0)
			break;
		started++;
	}
	worker(&p);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	pthread_mutex_destroy(&p.lock);
	int failed = 0;
	for (size_t i = 0; i < f->n; i++)
		failed += results[i].rc < 0;
	return failed;
}

int ags_repo_write(const char *path, const void *data, size_t len)
{
	return ags_out_write_file(path, -1, AGS_OUT_EXISTING | AGS_OUT_NODIRSYNC, data, len);
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	return r;
}

int ags_repo_sync_dirs(const struct ags_repo_files *f)
{
	/* paths are mostly sorted, so equal directories are neighbours; a
	 * directory seen again later is only fsynced twice, which is harmless */
	char prev[PATH_MAX] = "", dir[PATH_MAX];
	int r = 0;
	for (size_t i = 0; i < f->n; i++) {
		const char *slash = strrchr(f->paths[i], '/');
		size_t n = slash ? (size_t)(slash - f->paths[i]) : 0;
		if (n >= sizeof(dir))
			continue;
		if (!slash)
			strcpy(dir, ".");
		else if (n == 0)
			strcpy(dir, "/");
		else {
			memcpy(dir, f->paths[i], n);
			dir[n] = '\0';
		}
		if (!strcmp(dir, prev))
			continue;
		int e = fsync_dir(dir);
		if (e < 0 && r == 0)
			r = e;
		strcpy(prev, dir);
	}
	return r;
}
