/*
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
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/outfile.h"
#include "util/secret.h"

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
	struct sm_opts o;
	bool no_fifo = false;
	const char *name = NULL;
	struct sm_getopt so;
	sm_getopt_init(&so, "exec-file", NULL, &o);
	int c, rc = 0;
	while ((c = sm_getopt(&so, argc, argv)) > 0) {
		switch (c) {
		case OPT_NO_FIFO: no_fifo = true; break;
		case OPT_FILENAME: name = optarg; break;
		case OPT_BACKGROUND:
		case OPT_USER:
			cli_error("--background and --user are not supported");
			return EXIT_GENERIC;
		}
	}
	if (sm_getopt_end(&so, c, argc, 2, 2, "missing file to decrypt or command", EXIT_GENERIC))
		return so.rc;
	if (name && (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))) {
		cli_error("the provided filename is not a local path: %s", name);
		return EXIT_GENERIC;
	}
	const char *path = argv[optind], *cmd = argv[optind + 1];
	struct ags_diag d = { 0 };
	struct sm_file f;
	struct ags_buf pt;
	ags_buf_init_secret(&pt, AGS_FILE_MAX);
	int r = sm_open(path, &o, SM_DECRYPT, &f, &d);
	if (r == 0)
		r = ags_sops_doc_emit(f.doc, o.output_type,
				      sm_file_indent(&o, o.output_type ? o.output_type : o.input_type, path), &pt, &d);
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
	if (no_fifo) {
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
			extern char **environ;
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
