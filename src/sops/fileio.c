/*
 * One sops file: read, open, write back; the run's .sops.yaml (fileio.h).
 */
#include "fileio.h"
#include "sops/keysource_pgp.h"
#include "sops/tree.h"
#include "../cli.h"
#include <agesops/age.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/secret.h"
#include <agesops/sops-repo.h>

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
	if (!per_key && !ids) {
		/* no age identities at all: only pgp entries (through gpg) can help */
		static const struct ags_age_identities none = { 0 };
		const struct ags_sops_metadata *m = ags_sops_doc_metadata(f->doc);
		bool pgp = false;
		for (size_t g = 0; g < m->ngroups && !pgp; g++)
			pgp = ags_sops_pgp_count(&m->groups[g]) > 0;
		if (!pgp)
			return d && d->code ? d->code : AGS_E_SOPS_NO_KEY;
		ids = &none;
	}
	int r = ags_sops_doc_get_data_key(f->doc, ids, f->key, d);
	if (r == 0)
		f->have_key = true;
	return r;
}

int sm_open(const char *path, const struct sm_opts *o, enum sm_level level, struct sm_file *f, struct ags_diag *d)
{
	memset(f, 0, sizeof(*f));
	struct ags_buf b;
	ags_buf_init(&b, AGS_ENC_FILE_MAX);
	int r = sm_read(path, &b, d);
	if (r == 0) {
		const char *name = o->filename_override && *o->filename_override ? o->filename_override : path;
		struct ags_sops_load_opts lo = { .input_type = o->input_type, .filename = name };
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
void sm_write_batch(struct ags_repo_batch *b)
{
	batch = b;
}

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
	ags_buf_init(&out, AGS_ENC_FILE_MAX);
	int r = ags_sops_doc_emit(doc, type, indent, &out, d);
	if (r == 0)
		r = sm_write_bytes(path, out.data ? out.data : (unsigned char *)"", out.len, d);
	ags_buf_release(&out);
	return r;
}

static int reencrypt_in_place(struct sm_file *f, const struct sm_opts *o, const char *path, struct ags_diag *d)
{
	int r = ags_sops_doc_encrypt(f->doc, f->key, NULL, d);
	if (r < 0)
		return r;
	return sm_write(f->doc, path, o->output_type,
			sm_file_indent(o, o->output_type ? o->output_type : o->input_type, path), d);
}

int sm_file_indent(const struct sm_opts *o, const char *type, const char *path)
{
	struct ags_sops_config *cfg = NULL;
	struct ags_diag cd;
	if (sm_config(o, false, &cfg, &cd) < 0)
		cfg = NULL;
	int indent = sm_indent(o, cfg, sm_store_name(type, path));
	ags_sops_config_free(cfg);
	return indent;
}

int sm_edit_in_place(const char *path, const struct sm_opts *o, sm_doc_edit_fn edit, void *ctx,
		     struct ags_diag *d)
{
	struct sm_file f;
	bool write = false;
	int r = sm_open(path, o, SM_DECRYPT, &f, d);
	struct ags_tree *t = r == 0 ? ags_sops_doc_tree(f.doc) : NULL;
	if (r == 0 && (!t->ndocs || !t->docs[0]))
		r = ags_diag_set(d, AGS_E_SOPS_NO_DOCUMENT, "%s: the file has no document", path);
	if (r == 0) {
		r = edit(t->docs[0], ctx, &write, d);
		if (r < 0) {
			char msg[AGS_DIAG_MAX];
			snprintf(msg, sizeof(msg), "%s", d->msg);
			ags_diag_set(d, r, "%s: %s", path, msg);
		}
	}
	if (r == 0 && write)
		r = reencrypt_in_place(&f, o, path, d);
	sm_close(&f);
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
