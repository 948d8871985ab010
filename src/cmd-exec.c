/*
 * agesops exec-env FILE CMD: decrypts FILE and runs `/bin/sh -c CMD` with
 * its top-level values added to the environment (--pristine: only them).
 * Nothing is written to disk.  Exits with the command's exit status.
 * Nested values, and keys containing '=', are refused as sops refuses them.
 *
 * agesops exec-file FILE CMD: decrypts FILE and runs `/bin/sh -c CMD` where
 * every `{}` in CMD is replaced by the path of the plaintext.  By default
 * the plaintext goes through a FIFO (never stored on disk; it can be read
 * once); --no-fifo writes a 0600 file instead.  Either lives in a fresh 0700
 * directory that is removed (the file overwritten first) when the command
 * ends, or when we are interrupted.
 */
#include "cli.h"
#include "cli-opts.h"
#include "sops/fileio.h"
#include "sops/shell.h"
#include "sops/tmpfile.h"
#include "sops/opts.h"
#include "sops/tree.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/outfile.h"
#include "util/secret.h"

extern char **environ;

struct exec_args {
	struct sm_opts o;
	bool pristine;    /* exec-env */
	bool no_fifo;     /* exec-file */
	const char *name; /* exec-file --filename */
	const char *path, *cmd;
};

/* The flags and the FILE COMMAND arguments of exec-env and exec-file
 * (what); false when the command returns *rc now. */
static bool exec_parse(int argc, char **argv, const char *what, struct exec_args *a, int *rc)
{
	memset(a, 0, sizeof(*a));
	struct sm_getopt so;
	sm_getopt_init(&so, what, NULL, &a->o);
	int c;
	while ((c = sm_getopt(&so, argc, argv)) > 0) {
		switch (c) {
		case OPT_PRISTINE: a->pristine = true; break;
		case OPT_NO_FIFO: a->no_fifo = true; break;
		case OPT_FILENAME: a->name = optarg; break;
		case OPT_BACKGROUND:
		case OPT_SAME_PROCESS:
		case OPT_USER:
			cli_error(strcmp(what, "exec-env") ? "--background and --user are not supported"
							   : "--background, --same-process and --user are not supported");
			*rc = EXIT_GENERIC;
			return false;
		}
	}
	if (sm_getopt_end(&so, c, argc, 2, 2, "missing file to decrypt or command", EXIT_GENERIC)) {
		*rc = so.rc;
		return false;
	}
	a->path = argv[optind];
	a->cmd = argv[optind + 1];
	return true;
}

/* sops' stores.ValToString (the library's, as the dotenv store writes
 * values), but a null value is an empty variable. */
static int val_string(const struct ags_value *v, struct ags_buf *out)
{
	return v->kind == AGS_VAL_NULL ? 0 : ags_store_val_to_string(v, out);
}

int cmd_exec_env(int argc, char **argv)
{
	struct exec_args a;
	int rc = 0;
	if (!exec_parse(argc, argv, "exec-env", &a, &rc))
		return rc;
	const char *path = a.path, *cmd = a.cmd;
	struct ags_diag d = { 0 };
	struct sm_file f;
	int r = sm_open(path, &a.o, SM_DECRYPT, &f, &d);
	if (r < 0) {
		sm_identities_free();
		return cli_fail(r, &d, NULL);
	}
	struct ags_tree *t = ags_sops_doc_tree(f.doc);
	struct ags_branch *b = t->ndocs ? t->docs[0] : NULL;
	size_t nenv = 0, nvars = b ? b->n : 0;
	if (!a.pristine)
		while (environ[nenv])
			nenv++;
	char **envp = calloc(nenv + nvars + 1, sizeof(*envp));
	char **owned = calloc(nvars + 1, sizeof(*owned));
	size_t ne = 0, no = 0;
	if (!envp || !owned)
		r = AGS_E_NOMEM;
	for (size_t i = 0; r == 0 && i < nenv; i++)
		envp[ne++] = environ[i];
	for (size_t i = 0; r == 0 && i < nvars; i++) {
		const struct ags_item *it = &b->items[i];
		if (it->key.kind != AGS_VAL_STR)
			continue; /* comments */
		if (it->value.kind == AGS_VAL_MAP || it->value.kind == AGS_VAL_SEQ) {
			r = ags_diag_set(&d, AGS_E_INVAL, "%s: cannot use a nested value in the environment (key %.*s)",
					 path, (int)(it->key.str.len < 128 ? it->key.str.len : 128), it->key.str.p);
			break;
		}
		if (memchr(it->key.str.p, '=', it->key.str.len) || memchr(it->key.str.p, '\0', it->key.str.len)) {
			r = ags_diag_set(&d, AGS_E_INVAL, "%s: cannot use a key with '=' in the environment: %.*s", path,
					 (int)(it->key.str.len < 128 ? it->key.str.len : 128), it->key.str.p);
			break;
		}
		struct ags_buf e;
		ags_buf_init_secret(&e, AGS_FILE_MAX);
		r = ags_buf_append(&e, it->key.str.p, it->key.str.len);
		if (r == 0)
			r = ags_buf_putc(&e, '=');
		if (r == 0)
			r = val_string(&it->value, &e);
		size_t keylen = it->key.str.len + 1;
		char *s = r == 0 ? ags_buf_detach(&e, NULL) : NULL;
		ags_buf_release(&e);
		if (r == 0 && !s)
			r = AGS_E_NOMEM;
		if (r < 0)
			break;
		owned[no++] = s;
		/* a decrypted value overrides an inherited variable of the same name */
		size_t k;
		for (k = 0; k < ne; k++)
			if (!strncmp(envp[k], s, keylen))
				break;
		envp[k] = s;
		if (k == ne)
			ne++;
	}
	sm_close(&f);
	sm_identities_free();
	if (r == 0) {
		envp[ne] = NULL;
		rc = sm_run_shell(cmd, envp);
	} else {
		rc = cli_fail(r, &d, NULL);
	}
	for (size_t i = 0; i < no; i++)
		ags_free_secret_str(owned[i]);
	free(owned);
	free(envp);
	return rc;
}

static atomic_bool writer_done;

struct writer {
	const char *path;
	const unsigned char *p;
	size_t n;
};

static void *fifo_writer(void *arg)
{
	struct writer *w = arg;
	/* blocks until the command opens the FIFO for reading */
	int fd = open(w->path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		ags_write_all(fd, w->p, w->n);
		close(fd);
	}
	atomic_store(&writer_done, true);
	return NULL;
}

/* CMD with every "{}" replaced by path. */
static char *placeholder(const char *cmd, const char *path)
{
	struct ags_buf b;
	ags_buf_init(&b, 1 << 20);
	int r = 0;
	for (const char *p = cmd; *p && r == 0;) {
		if (p[0] == '{' && p[1] == '}') {
			r = ags_buf_puts(&b, path);
			p += 2;
		} else {
			r = ags_buf_putc(&b, *p++);
		}
	}
	if (r == 0 && !b.data)
		r = ags_buf_puts(&b, "");
	char *s = r == 0 ? ags_buf_detach(&b, NULL) : NULL;
	ags_buf_release(&b);
	return s;
}

int cmd_exec_file(int argc, char **argv)
{
	struct exec_args a;
	int rc = 0;
	if (!exec_parse(argc, argv, "exec-file", &a, &rc))
		return rc;
	const char *name = a.name;
	if (name && (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))) {
		cli_error("the provided filename is not a local path: %s", name);
		return EXIT_GENERIC;
	}
	const char *path = a.path, *cmd = a.cmd;
	struct ags_diag d = { 0 };
	struct sm_file f;
	struct ags_buf pt;
	ags_buf_init_secret(&pt, AGS_FILE_MAX);
	int r = sm_open(path, &a.o, SM_DECRYPT, &f, &d);
	if (r == 0)
		r = ags_sops_doc_emit(f.doc, a.o.output_type,
				      sm_file_indent(&a.o, a.o.output_type ? a.o.output_type : a.o.input_type, path), &pt, &d);
	sm_close(&f);
	sm_identities_free();
	if (r < 0) {
		ags_buf_release(&pt);
		return cli_fail(r, &d, NULL);
	}

	if (!name)
		name = "tmp-file";
	const char *file_path;
	if (sm_tmp_make("agesops-exec-", name, false, &file_path, &d) < 0) {
		cli_error("%s", d.msg);
		ags_buf_release(&pt);
		return EXIT_GENERIC;
	}
	pthread_t tid;
	bool writer = false;
	struct writer w = { file_path, pt.data ? pt.data : (unsigned char *)"", pt.len };
	if (a.no_fifo) {
		int fd = open(file_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 || ags_write_all(fd, w.p, w.n) < 0 || close(fd) < 0) {
			cli_error("%s: %s", file_path, strerror(errno));
			rc = EXIT_GENERIC;
		}
	} else if (mkfifo(file_path, 0600) < 0) {
		cli_error("%s: could not create a FIFO: %s", file_path, strerror(errno));
		rc = EXIT_GENERIC;
	} else if (pthread_create(&tid, NULL, fifo_writer, &w) != 0) {
		cli_error("could not start the FIFO writer");
		rc = EXIT_GENERIC;
	} else {
		writer = true;
	}
	if (rc == 0) {
		char *full = placeholder(cmd, file_path);
		if (!full) {
			cli_error("out of memory");
			rc = EXIT_GENERIC;
		} else {
			/* SIGINT goes to the command; we clean up once it has ended */
			rc = sm_run_shell(full, environ);
			free(full);
		}
	}
	if (writer) {
		/* the command may never have opened the FIFO (or stopped reading):
		 * the writer is then blocked in open() or write(), both
		 * cancellation points */
		if (!atomic_load(&writer_done))
			pthread_cancel(tid);
		pthread_join(tid, NULL);
	}
	sm_tmp_remove();
	ags_buf_release(&pt);
	return rc;
}
