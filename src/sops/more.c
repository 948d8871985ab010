/*
 * Shared helpers for the sops commands beyond encrypt/decrypt (more.h).
 */
#include "more.h"
#include "../cli.h"
#include <agesops/age.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/secret.h"

void sm_opts_init(struct sm_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->indent = AGS_SOPS_INDENT_DEFAULT;
}

bool sm_opts_handle(struct sm_opts *o, int opt, const char *arg, int *rc)
{
	switch (opt) {
	case SM_OPT_INPUT_TYPE:
		o->input_type = arg;
		return true;
	case SM_OPT_OUTPUT_TYPE:
		o->output_type = arg;
		return true;
	case SM_OPT_CONFIG:
		o->config = arg;
		return true;
	case SM_OPT_IGNORE_MAC:
		o->ignore_mac = true;
		return true;
	case SM_OPT_DECRYPTION_ORDER:
		/* only age keys exist here, so any order is the same order */
		return true;
	case SM_OPT_IGNORED:
	case SM_OPT_IGNORED_VALUE:
		/* sops global flags without an effect here */
		return true;
	case SM_OPT_INDENT: {
		char *end;
		errno = 0;
		long v = strtol(arg, &end, 10);
		if (errno || *end || v < -1 || v > 64) {
			cli_error("invalid --indent '%s' (0..64, or -1 for a tab in JSON)", arg);
			*rc = EXIT_GENERIC;
		} else {
			o->indent = (int)v;
		}
		return true;
	}
	}
	return false;
}

int sm_read(const char *path, struct ags_buf *out, struct ags_diag *d)
{
	int r = ags_file_read(path, out);
	if (r < 0)
		return ags_diag_set(d, r, "%s: %s", path, ags_strerror(r));
	return 0;
}

static pthread_once_t ids_once = PTHREAD_ONCE_INIT;
static struct ags_age_identities ids_all;
static int ids_rc;
static struct ags_diag ids_diag;

static void ids_load(void)
{
	ids_rc = ags_sops_age_load_identities(NULL, &ids_all, &ids_diag);
}

const struct ags_age_identities *sm_identities(struct ags_diag *d)
{
	pthread_once(&ids_once, ids_load);
	if (ids_rc < 0) {
		if (d)
			*d = ids_diag;
		return NULL;
	}
	return &ids_all;
}

void sm_identities_free(void)
{
	ags_age_identities_clear(&ids_all);
}

const char *sm_store_name(const char *type, const char *path)
{
	static const char *names[] = { "yaml", "json", "dotenv", "ini", "binary" };
	if (type) {
		if (!strcmp(type, "yml"))
			return "yaml";
		if (!strcmp(type, "env"))
			return "dotenv";
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(type, names[i]))
				return names[i];
	}
	const char *dot = path ? strrchr(path, '.') : NULL;
	const char *slash = path ? strrchr(path, '/') : NULL;
	if (!dot || (slash && dot < slash))
		return "binary";
	if (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"))
		return "yaml";
	if (!strcmp(dot, ".json"))
		return "json";
	if (!strcmp(dot, ".env"))
		return "dotenv";
	if (!strcmp(dot, ".ini"))
		return "ini";
	return "binary";
}

int sm_indent(const struct sm_opts *o, const struct ags_sops_config *cfg, const char *store)
{
	if (o->indent != AGS_SOPS_INDENT_DEFAULT)
		return o->indent;
	if (cfg) {
		int v = AGS_SOPS_INDENT_UNSET;
		if (!strcmp(store, "yaml"))
			v = cfg->yaml_indent;
		else if (!strcmp(store, "json"))
			v = cfg->json_indent;
		else if (!strcmp(store, "binary"))
			v = cfg->json_binary_indent;
		/* sops: a YAML indent of 0 in the config means the default */
		if (v != AGS_SOPS_INDENT_UNSET && !(v == 0 && !strcmp(store, "yaml")))
			return v;
	}
	return AGS_SOPS_INDENT_DEFAULT;
}

void sm_close(struct sm_file *f)
{
	ags_sops_doc_free(f->doc);
	ags_wipe(f->key, sizeof(f->key));
	memset(f, 0, sizeof(*f));
}

int sm_get_key(struct sm_file *f, struct ags_diag *d)
{
	/* SOPS_AGE_KEY_CMD gets the recipient of each entry: let the core run
	 * it per key; otherwise load the identities once for all files */
	bool per_key = getenv("SOPS_AGE_KEY_CMD") || getenv("SOPS_AGE_SSH_PRIVATE_KEY_CMD");
	const struct ags_age_identities *ids = per_key ? NULL : sm_identities(d);
	if (!per_key && !ids)
		return d && d->code ? d->code : AGS_E_SOPS_NO_KEY;
	int r = ags_sops_doc_get_data_key(f->doc, ids, f->key, d);
	if (r == 0)
		f->have_key = true;
	return r;
}

int sm_open(const char *path, const struct sm_opts *o, enum sm_level level, struct sm_file *f, struct ags_diag *d)
{
	memset(f, 0, sizeof(*f));
	struct ags_buf b;
	ags_buf_init(&b, AGS_FILE_MAX);
	int r = sm_read(path, &b, d);
	if (r == 0) {
		struct ags_sops_load_opts lo = { .input_type = o->input_type, .filename = path };
		r = ags_sops_doc_load(b.data ? (const char *)b.data : "", b.len, &lo, &f->doc, d);
	}
	ags_buf_release(&b);
	if (r == 0 && level >= SM_KEY)
		r = sm_get_key(f, d);
	if (r == 0 && level >= SM_DECRYPT)
		r = ags_sops_doc_decrypt(f->doc, f->key, o->ignore_mac, d);
	if (r == AGS_E_SOPS_METADATA_NOT_FOUND && o->skip_plain && level >= SM_LOAD)
		r = SM_SKIPPED_PLAIN;
	if (r != 0)
		sm_close(f);
	return r;
}

/* Set while sm_run_many runs: writes are made durable once for the batch. */
static struct ags_repo_batch *batch;

int sm_write_bytes(const char *path, const void *data, size_t len, struct ags_diag *d)
{
	int r = batch ? ags_repo_batch_write(batch, path, data, len) : ags_file_write_atomic(path, data, len, -1, false);
	if (r < 0)
		return ags_diag_set(d, r, "%s: could not write: %s", path, ags_strerror(r));
	return 0;
}

int sm_write(struct ags_sops_doc *doc, const char *path, const char *type, int indent, struct ags_diag *d)
{
	struct ags_buf out;
	ags_buf_init(&out, AGS_FILE_MAX);
	int r = ags_sops_doc_emit(doc, type, indent, &out, d);
	if (r == 0)
		r = sm_write_bytes(path, out.data ? out.data : (unsigned char *)"", out.len, d);
	ags_buf_release(&out);
	return r;
}

int sm_reencrypt_in_place(struct sm_file *f, const struct sm_opts *o, const char *path, struct ags_diag *d)
{
	int r = ags_sops_doc_encrypt(f->doc, f->key, NULL, d);
	if (r < 0)
		return r;
	struct ags_sops_config *cfg = NULL;
	struct ags_diag cd;
	/* a broken .sops.yaml only loses its indentation setting here */
	if (sm_config(o, false, &cfg, &cd) < 0)
		cfg = NULL;
	const char *store = sm_store_name(o->output_type ? o->output_type : o->input_type, path);
	r = sm_write(f->doc, path, o->output_type, sm_indent(o, cfg, store), d);
	ags_sops_config_free(cfg);
	return r;
}

int sm_config(const struct sm_opts *o, bool required, struct ags_sops_config **cfg, struct ags_diag *d)
{
	*cfg = NULL;
	const char *path = o->config;
	if (!path || !*path)
		path = getenv("SOPS_CONFIG");
	char *found = NULL;
	if (!path || !*path) {
		char *warn = NULL;
		int r = ags_sops_config_find(".", &found, &warn);
		if (warn) {
			cli_warn("%s", warn);
			free(warn);
		}
		if (r == AGS_E_SOPS_CONFIG_NOT_FOUND) {
			if (required)
				return ags_diag_set(d, r, "config file not found (no %s in this directory or above)",
						    AGS_SOPS_CONFIG_NAME);
			return 0;
		}
		if (r < 0)
			return ags_diag_set(d, r, "looking for %s: %s", AGS_SOPS_CONFIG_NAME, ags_strerror(r));
		path = found;
	}
	int r = ags_sops_config_load(path, cfg, d);
	free(found);
	return r;
}

void sm_groups_clear(struct sm_groups *g)
{
	for (size_t i = 0; i < g->n; i++)
		free((void *)g->g[i].age);
	free(g->g);
	for (size_t i = 0; i < g->nown; i++)
		free(g->own[i]);
	free(g->own);
	memset(g, 0, sizeof(*g));
}

static int own(struct sm_groups *g, const char *s, const char **out)
{
	char **no = realloc(g->own, (g->nown + 1) * sizeof(*no));
	if (!no)
		return AGS_E_NOMEM;
	g->own = no;
	if (!(g->own[g->nown] = strdup(s)))
		return AGS_E_NOMEM;
	*out = g->own[g->nown++];
	return 0;
}

static int add_group(struct sm_groups *g)
{
	struct ags_sops_group_spec *ng = realloc(g->g, (g->n + 1) * sizeof(*ng));
	if (!ng)
		return AGS_E_NOMEM;
	g->g = ng;
	memset(&g->g[g->n++], 0, sizeof(*g->g));
	return 0;
}

static int add_recipient(struct sm_groups *g, size_t gi, const char *s)
{
	struct ags_sops_group_spec *sp = &g->g[gi];
	for (size_t i = 0; i < sp->nage; i++)
		if (!strcmp(sp->age[i], s))
			return 0;
	const char **na = realloc((void *)sp->age, (sp->nage + 1) * sizeof(*na));
	if (!na)
		return AGS_E_NOMEM;
	sp->age = na;
	int r = own(g, s, &na[sp->nage]);
	if (r == 0)
		sp->nage++;
	return r;
}

int sm_groups_from_rule(const struct ags_sops_creation_rule *r, struct sm_groups *out, struct ags_diag *d)
{
	memset(out, 0, sizeof(*out));
	int rc = ags_sops_rule_check(r, d);
	for (size_t i = 0; rc == 0 && i < r->ngroups; i++) {
		rc = add_group(out);
		for (size_t j = 0; rc == 0 && j < r->groups[i].nage; j++)
			rc = add_recipient(out, i, r->groups[i].age[j]);
		if (rc == 0 && r->groups[i].nother)
			cli_warn("creation_rules[%zu]: ignoring keys of type %s (agesops encrypts for age only)",
				 r->index, r->groups[i].other_types);
	}
	if (rc == 0)
		out->threshold = out->n > 1 ? (unsigned)ags_sops_rule_threshold(r) : 0;
	if (rc < 0)
		sm_groups_clear(out);
	return rc;
}

int sm_groups_from_age(const char *const *age, size_t nage, struct sm_groups *out, struct ags_diag *d)
{
	memset(out, 0, sizeof(*out));
	int rc = add_group(out);
	for (size_t i = 0; rc == 0 && i < nage; i++) {
		char **v = NULL;
		size_t n = 0;
		rc = ags_sops_split_recipients(age[i], &v, &n);
		for (size_t j = 0; j < n; j++) {
			if (rc == 0)
				rc = add_recipient(out, 0, v[j]);
			free(v[j]);
		}
		free(v);
	}
	if (rc == 0 && out->g[0].nage == 0)
		rc = ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "no age recipients given");
	if (rc < 0)
		sm_groups_clear(out);
	return rc;
}

int sm_groups_from_metadata(const struct ags_sops_metadata *m, struct sm_groups *out)
{
	memset(out, 0, sizeof(*out));
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < m->ngroups; i++) {
		rc = add_group(out);
		for (size_t j = 0; rc == 0 && j < m->groups[i].nage; j++)
			rc = add_recipient(out, i, m->groups[i].age[j].recipient);
	}
	if (rc == 0)
		out->threshold = out->n > 1 ? (m->shamir_threshold ? m->shamir_threshold : (unsigned)out->n) : 0;
	if (rc < 0)
		sm_groups_clear(out);
	return rc;
}

static bool has(const struct ags_sops_group_spec *g, const char *s)
{
	for (size_t i = 0; i < g->nage; i++)
		if (!strcmp(g->age[i], s))
			return true;
	return false;
}

bool sm_groups_equal(const struct sm_groups *a, const struct sm_groups *b)
{
	if (a->n != b->n || a->threshold != b->threshold)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		if (a->g[i].nage != b->g[i].nage)
			return false;
		for (size_t j = 0; j < a->g[i].nage; j++)
			if (!has(&b->g[i], a->g[i].age[j]))
				return false;
	}
	return true;
}

void sm_groups_diff(const struct sm_groups *a, const struct sm_groups *b, FILE *fp)
{
	size_t n = a->n > b->n ? a->n : b->n;
	static const struct ags_sops_group_spec empty = { 0 };
	for (size_t i = 0; i < n; i++) {
		const struct ags_sops_group_spec *ga = i < a->n ? &a->g[i] : &empty;
		const struct ags_sops_group_spec *gb = i < b->n ? &b->g[i] : &empty;
		fprintf(fp, "Group %zu\n", i + 1);
		for (size_t j = 0; j < gb->nage; j++)
			fprintf(fp, "    %s %s\n", has(ga, gb->age[j]) ? "   " : "+++", gb->age[j]);
		for (size_t j = 0; j < ga->nage; j++)
			if (!has(gb, ga->age[j]))
				fprintf(fp, "    --- %s\n", ga->age[j]);
	}
	if (a->threshold != b->threshold)
		fprintf(fp, "Shamir threshold: %u -> %u\n", a->threshold, b->threshold);
}

bool sm_confirm(const char *question)
{
	if (!isatty(STDIN_FILENO))
		return false;
	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	char line[16];
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

/* Files per durable batch in sm_run_many. */
#define SM_BATCH_FILES 4096

struct many {
	const char *what;
	bool tty;
};

static void progress(size_t done, size_t total, void *p)
{
	struct many *m = p;
	if (m->tty && (done == total || done % 16 == 0))
		fprintf(stderr, "\r%s: %zu/%zu", m->what, done, total);
	if (m->tty && done == total)
		fputs("\r\033[K", stderr);
}

int sm_run_many(const char *what, const struct ags_repo_files *files, unsigned jobs, ags_repo_job_fn job,
		void *ctx)
{
	if (files->n == 0) {
		cli_warn("%s: no files selected", what);
		return EXIT_OK;
	}
	struct ags_repo_result *res = calloc(files->n, sizeof(*res));
	if (!res) {
		cli_error("out of memory");
		return EXIT_GENERIC;
	}
	/* Each file's parse allocates and frees buffers around 1 MiB; without
	 * this glibc hands them back to the kernel (brk/madvise) for every file,
	 * which costs more than the crypto.  Freed secrets are wiped first. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	struct many m = { .what = what, .tty = isatty(STDERR_FILENO) && files->n > 1 };
	/* jobs wait on fsync as much as on the CPU: more threads than cores
	 * let the file system batch those (journal group commit) */
	if (jobs == 0) {
		jobs = 4 * ags_repo_ncores();
		if (jobs > 32)
			jobs = 32;
	}
	struct ags_diag bd = { 0 };
	int failed = ags_repo_batch_new(&batch);
	/* slices bound the temp files (disk space) a batch holds at once */
	for (size_t off = 0; failed >= 0 && off < files->n; off += SM_BATCH_FILES) {
		size_t left = files->n - off;
		struct ags_repo_files slice = { files->paths + off, left < SM_BATCH_FILES ? left : SM_BATCH_FILES };
		int f = ags_repo_run(&slice, jobs, job, ctx, res + off, progress, &m);
		int c = f < 0 ? 0 : ags_repo_batch_commit(batch, &bd);
		if (f < 0 || c < 0)
			failed = f < 0 ? f : c;
		else
			failed += f + c;
	}
	ags_repo_batch_free(batch);
	batch = NULL;
	if (failed < 0) {
		free(res);
		return cli_fail(failed, bd.msg[0] ? &bd : NULL, what);
	}
	if (bd.msg[0])
		cli_error("%s", bd.msg);
	size_t changed = 0, same = 0, plain = 0;
	int first = EXIT_OK;
	for (size_t i = 0; i < files->n; i++) {
		if (res[i].rc < 0) {
			cli_error("%s", res[i].diag.msg);
			if (first == EXIT_OK)
				first = cli_exit_code(res[i].rc);
		} else if (res[i].rc == SM_SKIPPED_PLAIN) {
			plain++;
		} else if (res[i].rc > 0) {
			same++;
		} else {
			changed++;
		}
	}
	if (bd.msg[0] && first == EXIT_OK)
		first = cli_exit_code(bd.code);
	if (files->n > 1 || failed) {
		char skipped[64] = "";
		if (plain)
			snprintf(skipped, sizeof(skipped), ", %zu not encrypted (skipped)", plain);
		fprintf(stderr, "%s: %zu files, %zu done, %zu unchanged%s, %d failed\n", what, files->n, changed, same,
			skipped, failed);
	}
	free(res);
	return failed ? (first == EXIT_OK ? EXIT_GENERIC : first) : EXIT_OK;
}

int sm_collect(const char *dir, const struct sm_opts *o, enum ags_repo_select sel, struct ags_repo_files *out)
{
	struct ags_diag d = { 0 };
	struct ags_sops_config *cfg = NULL;
	int r = sm_config(o, false, &cfg, &d);
	if (r == 0)
		r = ags_repo_collect(dir, cfg, sel, out, &d);
	ags_sops_config_free(cfg);
	return r < 0 ? cli_fail(r, &d, NULL) : 0;
}

static bool parse_semver(const char *s, long v[3])
{
	if (!s)
		return false;
	if (*s == 'v')
		s++;
	for (int i = 0; i < 3; i++) {
		char *end;
		if (*s < '0' || *s > '9')
			return false;
		v[i] = strtol(s, &end, 10);
		s = end;
		if (i < 2) {
			if (*s != '.')
				return false;
			s++;
		}
	}
	return *s == '\0' || *s == '-' || *s == '+';
}

bool sm_version_newer(const char *a, const char *b)
{
	long va[3], vb[3];
	if (!parse_semver(a, va))
		return false;
	if (!parse_semver(b, vb))
		return true;
	for (int i = 0; i < 3; i++)
		if (va[i] != vb[i])
			return va[i] > vb[i];
	return false;
}

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


int sm_check_job(const char *path, void *ctx, struct ags_diag *d)
{
	const struct sm_opts *o = ctx;
	struct sm_file f;
	int r = sm_open(path, o, SM_DECRYPT, &f, d);
	if (r < 0 && d->msg[0] && !strstr(d->msg, path)) {
		char m[AGS_DIAG_MAX];
		snprintf(m, sizeof(m), "%s", d->msg);
		ags_diag_set(d, r, "%s: %s", path, m);
	}
	sm_close(&f);
	return r;
}

int sm_encrypt_job(const char *path, void *ctx, struct ags_diag *d)
{
	const struct sm_encrypt_ctx *e = ctx;
	struct ags_buf in, out;
	ags_buf_init_secret(&in, AGS_FILE_MAX);
	ags_buf_init(&out, AGS_FILE_MAX);
	int r = sm_read(path, &in, d);
	const char *data = in.data ? (const char *)in.data : "";
	if (r == 0 && ags_sops_is_encrypted(data, in.len, e->o.input_type, path))
		r = 1; /* already encrypted: nothing to do */
	const struct ags_sops_creation_rule *rule = NULL;
	if (r == 0 && e->cfg)
		r = ags_sops_config_match(e->cfg, path, &rule, d);
	if (r == AGS_E_SOPS_CONFIG && e->nage)
		r = 0; /* keys from flags need no rule */
	struct sm_groups g = { 0 };
	if (r == 0) {
		if (e->nage)
			r = sm_groups_from_age(e->age, e->nage, &g, d);
		else if (rule && rule->ngroups)
			r = sm_groups_from_rule(rule, &g, d);
		else
			r = ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "%s: no age recipients (no --age, no creation rule keys)",
					 path);
		if (r < 0 && !strstr(d->msg, path)) {
			char m[AGS_DIAG_MAX];
			snprintf(m, sizeof(m), "%s", d->msg);
			ags_diag_set(d, r, "%s: %s", path, m);
		}
	}
	if (r == 0) {
		struct ags_sops_encrypt_opts eo = { 0 };
		eo.groups = g.g;
		eo.ngroups = g.n;
		eo.shamir_threshold = g.threshold;
		eo.rules = e->rules;
		if (rule && !eo.rules.unencrypted_suffix && !eo.rules.encrypted_suffix && !eo.rules.unencrypted_regex &&
		    !eo.rules.encrypted_regex && !eo.rules.unencrypted_comment_regex &&
		    !eo.rules.encrypted_comment_regex) {
			eo.rules.unencrypted_suffix = rule->unencrypted_suffix;
			eo.rules.encrypted_suffix = rule->encrypted_suffix;
			eo.rules.unencrypted_regex = rule->unencrypted_regex;
			eo.rules.encrypted_regex = rule->encrypted_regex;
			eo.rules.unencrypted_comment_regex = rule->unencrypted_comment_regex;
			eo.rules.encrypted_comment_regex = rule->encrypted_comment_regex;
		}
		if (rule && rule->mac_only_encrypted)
			eo.rules.mac_only_encrypted = true;
		eo.input_type = e->o.input_type;
		eo.output_type = e->o.output_type;
		eo.filename = path;
		eo.indent = sm_indent(&e->o, e->cfg, sm_store_name(e->o.output_type ? e->o.output_type : e->o.input_type,
								   path));
		r = ags_sops_encrypt_buf(data, in.len, &eo, &out, d);
	}
	if (r == 0)
		r = sm_write_bytes(path, out.data ? out.data : (unsigned char *)"", out.len, d);
	sm_groups_clear(&g);
	ags_buf_release(&in);
	ags_buf_release(&out);
	return r;
}

int sm_many_flag(void *ctx, const char *name, const char *value, const char *next)
{
	struct sm_many_flags *m = ctx;
	if (!strcmp(name, "--check")) {
		m->check = true;
		return 0;
	}
	bool rec = !strcmp(name, "-r") || !strcmp(name, "--recursive");
	bool jobs = !strcmp(name, "-j") || !strcmp(name, "--jobs");
	if (!rec && !jobs)
		return -1;
	const char *v = value ? value : next;
	if (!v)
		return -1;
	if (rec)
		m->dir = v;
	else
		m->jobs = (unsigned)strtoul(v, NULL, 10);
	return value ? 0 : 1;
}

static int many_files(char **files, size_t nfiles, const char *dir, const struct sm_opts *o,
		      enum ags_repo_select sel, struct ags_repo_files *out)
{
	if (dir) {
		int rc = sm_collect(dir, o, sel, out);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < nfiles; i++)
		if (ags_repo_files_add(out, files[i]) < 0) {
			cli_error("out of memory");
			return EXIT_GENERIC;
		}
	return 0;
}

int sm_decrypt_check(char **files, size_t nfiles, const struct sm_many_flags *m, const char *input_type,
		     const char *config, bool ignore_mac)
{
	struct sm_opts o;
	sm_opts_init(&o);
	o.input_type = input_type;
	o.config = config;
	o.ignore_mac = ignore_mac;
	o.skip_plain = m->dir != NULL;
	struct ags_repo_files f = { 0 };
	int rc = many_files(files, nfiles, m->dir, &o, AGS_REPO_SELECT_ANY_RULE, &f);
	if (rc == 0 && f.n == 0 && !m->dir) {
		cli_error("decrypt --check needs files or -r DIR");
		rc = EXIT_NO_FILE;
	}
	if (rc == 0)
		rc = sm_run_many("decrypt --check", &f, m->jobs, sm_check_job, &o);
	ags_repo_files_clear(&f);
	sm_identities_free();
	return rc;
}

int sm_encrypt_many(char **files, size_t nfiles, const struct sm_many_flags *m, const char *const *age,
		    size_t nage, const struct ags_sops_rules *rules, const char *input_type, const char *config,
		    int indent)
{
	struct sm_encrypt_ctx e = { 0 };
	sm_opts_init(&e.o);
	e.o.input_type = input_type;
	e.o.config = config;
	e.o.indent = indent;
	e.age = age;
	e.nage = nage;
	if (rules)
		e.rules = *rules;
	struct ags_diag d = { 0 };
	struct ags_sops_config *cfg = NULL;
	int r = sm_config(&e.o, false, &cfg, &d);
	if (r < 0)
		return cli_fail(r, &d, NULL);
	e.cfg = cfg;
	struct ags_repo_files f = { 0 };
	int rc = many_files(files, nfiles, m->dir, &e.o, AGS_REPO_SELECT_REGEX_RULE, &f);
	if (rc == 0)
		rc = sm_run_many("encrypt", &f, m->jobs, sm_encrypt_job, &e);
	ags_repo_files_clear(&f);
	ags_sops_config_free(cfg);
	return rc;
}
