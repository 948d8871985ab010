/*
 * agesops check [PATH...]: refuse what must not be committed to a GitOps
 * repository -- plaintext Secret values, private keys, plaintext kustomize
 * secretGenerator inputs, files encrypted for other recipients than
 * .sops.yaml/.sops.public.key name for their path, and files whose MAC no
 * longer matches (e.g. a namespace edited by hand after encryption).
 */
#include "cli.h"
#include "cli-opts.h"
#include "gitops/gitops-cli.h"

#include <agesops/agesops.h>
#include <agesops/age.h>
#include <agesops/gitops.h>
#include <agesops/sops.h>
#include <agesops/sops-config.h>
#include "util/buf.h"
#include "util/file.h"
#include "util/secret.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Until the SOPS core is merged these may be missing: the MAC check and
 * --fix-recipients then report that they could not run. */

#define CHECK_FILE_MAX ((size_t)64 << 20)
#define GENERATOR_SOURCE_MAX ((size_t)5 << 20) /* kustomize-controller's cap */

struct dircache {
	char *dir;
	struct ags_sops_config *cfg; /* NULL: none */
	char **pub;                  /* .sops.public.key recipients */
	size_t npub;
	char *pubpath;
};

struct checker {
	bool mac, fix, quiet;
	struct dircache *dc;
	size_t ndc;
	struct ags_age_identities ids;
	int ids_state; /* 0 not loaded, 1 loaded, -1 none */
	size_t problems, files, notes;
	bool mac_note_done;
};

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static char *abs_dir(const char *path)
{
	char buf[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash) {
		if (!getcwd(buf, sizeof(buf)))
			return NULL;
		return strdup(buf);
	}
	char *d = strndup(path, (size_t)(slash - path) + (slash == path));
	if (!d)
		return NULL;
	char *r = realpath(d, NULL);
	free(d);
	return r;
}

static int read_pubkeys(const char *p, char ***v, size_t *n)
{
	struct ags_buf b;
	ags_buf_init(&b, 1 << 20);
	int r = ags_file_read(p, &b);
	const char *s = (const char *)b.data, *end = s + b.len;
	while (r == 0 && s && s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end, *a = s, *e = le;
		while (a < e && (*a == ' ' || *a == '\t'))
			a++;
		while (e > a && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (e > a && *a != '#') {
			char **nv = realloc(*v, (*n + 1) * sizeof(*nv));
			if (!nv || !(nv[*n] = strndup(a, (size_t)(e - a)))) {
				if (nv)
					*v = nv;
				r = AGS_E_NOMEM;
				break;
			}
			*v = nv;
			(*n)++;
		}
		s = nl ? nl + 1 : end;
	}
	ags_buf_release(&b);
	return r;
}

/* Config and public key for a directory, searched upwards once per directory. */
static struct dircache *dir_info(struct checker *c, const char *dir)
{
	for (size_t i = 0; i < c->ndc; i++)
		if (!strcmp(c->dc[i].dir, dir))
			return &c->dc[i];
	struct dircache *nd = realloc(c->dc, (c->ndc + 1) * sizeof(*nd));
	if (!nd)
		return NULL;
	c->dc = nd;
	struct dircache *e = &nd[c->ndc];
	memset(e, 0, sizeof(*e));
	if (!(e->dir = strdup(dir)))
		return NULL;
	c->ndc++;
	char *cfgpath = NULL, *warn = NULL;
	if (ags_sops_config_find(dir, &cfgpath, &warn) == 0) {
		struct ags_diag d = { 0 };
		if (ags_sops_config_load(cfgpath, &e->cfg, &d) < 0) {
			cli_warn("%s", d.msg[0] ? d.msg : cfgpath);
			e->cfg = NULL;
		}
	}
	free(cfgpath);
	free(warn);
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s", dir);
	for (int depth = 0; depth < 100; depth++) {
		char kp[PATH_MAX + 32];
		snprintf(kp, sizeof(kp), "%s/.sops.public.key", strcmp(p, "/") ? p : "");
		if (access(kp, R_OK) == 0) {
			if (read_pubkeys(kp, &e->pub, &e->npub) == 0)
				e->pubpath = strdup(kp);
			break;
		}
		if (access(strcmp(p, "/") ? p : "/", F_OK) == 0) {
			char gp[PATH_MAX + 8];
			snprintf(gp, sizeof(gp), "%s/.git", p);
			if (access(gp, F_OK) == 0)
				break; /* stop at the repository root */
		}
		char *slash = strrchr(p, '/');
		if (!slash || slash == p)
			break;
		*slash = 0;
	}
	return e;
}

/* The expected recipients for path; *v points into caches (do not free). */
static int expected_recipients(struct checker *c, const char *path, char ***v, size_t *n, const char **src)
{
	*v = NULL;
	*n = 0;
	*src = NULL;
	char *dir = abs_dir(path);
	if (!dir)
		return -errno;
	struct dircache *e = dir_info(c, dir);
	free(dir);
	if (!e)
		return AGS_E_NOMEM;
	if (e->cfg) {
		const struct ags_sops_creation_rule *rule = NULL;
		struct ags_diag d = { 0 };
		char *abs = realpath(path, NULL);
		int r = ags_sops_config_match(e->cfg, abs ? abs : path, &rule, &d);
		free(abs);
		if (r == 0 && rule && rule->ngroups) {
			/* flatten: a static list of pointers into the config */
			static char *flat[1024];
			size_t k = 0;
			for (size_t g = 0; g < rule->ngroups; g++)
				for (size_t i = 0; i < rule->groups[g].nage && k < 1024; i++)
					flat[k++] = rule->groups[g].age[i];
			*v = flat;
			*n = k;
			*src = e->cfg->path;
			return 0;
		}
	}
	if (e->npub) {
		*v = e->pub;
		*n = e->npub;
		*src = e->pubpath;
	}
	return 0;
}

static bool in_set(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static void report(struct checker *c, const char *path, unsigned line, enum ags_check_kind kind, const char *msg)
{
	if (kind == AGS_CHECK_NOTE || kind == AGS_CHECK_SYNTAX) {
		c->notes++;
		if (!c->quiet) {
			if (line)
				fprintf(stdout, "%s:%u: note: %s\n", path, line, msg);
			else
				fprintf(stdout, "%s: note: %s\n", path, msg);
		}
		return;
	}
	c->problems++;
	if (line)
		fprintf(stdout, "%s:%u: %s\n", path, line, msg);
	else
		fprintf(stdout, "%s: %s\n", path, msg);
}

static const struct ags_age_identities *identities(struct checker *c)
{
	if (c->ids_state == 0) {
		struct ags_diag d = { 0 };
		c->ids_state = ags_sops_age_load_identities(NULL, &c->ids, &d) == 0 && c->ids.n ? 1 : -1;
	}
	return c->ids_state == 1 ? &c->ids : NULL;
}

/* 0: MAC fine; 1: mismatch reported; 2: could not check */
static int check_mac(struct checker *c, const char *path, const struct ags_buf *b, unsigned mac_line)
{
	const struct ags_age_identities *ids = identities(c);
	if (!ids) {
		if (!c->mac_note_done && !c->quiet)
			fprintf(stdout, "note: MACs not checked: %s\n",
				"no age identity (SOPS_AGE_KEY_FILE, SOPS_AGE_KEY, ~/.config/sops/age/keys.txt)");
		c->mac_note_done = true;
		return 2;
	}
	struct ags_sops_doc *doc = NULL;
	struct ags_diag d = { 0 };
	struct ags_sops_load_opts lo = { .filename = path };
	uint8_t key[AGS_SOPS_DATA_KEY_LEN];
	int r = ags_sops_doc_load(b->data, b->len, &lo, &doc, &d);
	int rc = 0;
	if (r == 0)
		r = ags_sops_doc_get_data_key(doc, ids, key, &d);
	if (r == AGS_E_SOPS_NO_KEY) {
		report(c, path, mac_line, AGS_CHECK_NOTE, "MAC not checked: none of the available keys opens this file");
		rc = 2;
	} else if (r < 0) {
		report(c, path, 0, AGS_CHECK_NOTE, d.msg[0] ? d.msg : ags_strerror(r));
		rc = 2;
	} else {
		r = ags_sops_doc_decrypt(doc, key, false, &d);
		if (r == AGS_E_SOPS_MAC_MISMATCH || r == AGS_E_SOPS_MAC_NOT_FOUND) {
			report(c, path, mac_line, AGS_CHECK_MAC,
			       "MAC mismatch: values changed after encryption (a hand edit, e.g. of metadata.namespace?); "
			       "re-encrypt from the plaintext or edit with agesops edit");
			rc = 1;
		} else if (r < 0) {
			char m[AGS_DIAG_MAX + 32];
			snprintf(m, sizeof(m), "cannot decrypt: %s", d.msg[0] ? d.msg : ags_strerror(r));
			report(c, path, mac_line, AGS_CHECK_MAC, m);
			rc = 1;
		}
	}
	ags_wipe(key, sizeof(key));
	ags_sops_doc_free(doc);
	return rc;
}

static int fix_recipients(struct checker *c, const char *path, const struct ags_buf *b, char *const *want,
			  size_t nwant)
{
	const struct ags_age_identities *ids = identities(c);
	if (!ids) {
		cli_error("%s: --fix-recipients needs an age identity that opens the file", path);
		return -1;
	}
	struct ags_sops_doc *doc = NULL;
	struct ags_diag d = { 0 };
	struct ags_sops_load_opts lo = { .filename = path };
	uint8_t key[AGS_SOPS_DATA_KEY_LEN];
	struct ags_buf out;
	ags_buf_init(&out, CHECK_FILE_MAX * 2);
	struct ags_sops_group_spec g = { .age = (const char *const *)want, .nage = nwant };
	int r = ags_sops_doc_load(b->data, b->len, &lo, &doc, &d);
	if (r == 0)
		r = ags_sops_doc_get_data_key(doc, ids, key, &d);
	if (r == 0)
		r = ags_sops_doc_set_keys(doc, &g, 1, 0, key, &d);
	if (r == 0)
		r = ags_sops_doc_emit(doc, NULL, AGS_SOPS_INDENT_DEFAULT, &out, &d);
	if (r == 0)
		r = ags_file_write_atomic(path, out.data, out.len, -1, false);
	ags_wipe(key, sizeof(key));
	ags_sops_doc_free(doc);
	ags_buf_release(&out);
	if (r < 0) {
		cli_error("%s: cannot re-key: %s", path, d.msg[0] ? d.msg : ags_strerror(r));
		return -1;
	}
	return 0;
}

static void check_refs(struct checker *c, const char *path, const struct ags_check_scan *s)
{
	char *dir = abs_dir(path);
	for (size_t i = 0; dir && i < s->nrefs; i++) {
		const struct ags_check_ref *ref = &s->refs[i];
		char p[PATH_MAX * 2], m[600];
		snprintf(p, sizeof(p), "%s/%s", dir, ref->path);
		struct ags_buf b;
		ags_buf_init(&b, GENERATOR_SOURCE_MAX);
		int r = ags_file_read(p, &b);
		if (r < 0) {
			snprintf(m, sizeof(m), "secretGenerator source '%s': %s", ref->path, ags_strerror(r));
			report(c, path, ref->line, r == AGS_E_TOO_BIG ? AGS_CHECK_GENERATOR : AGS_CHECK_NOTE, m);
		} else {
			/* Flux picks the format from the key name (files) or the path (envs, dotenv by default) */
			const char *name = ref->key ? ref->key : ref->path;
			char envname[16] = "x.env";
			if (ref->env && !strchr(strrchr(ref->path, '/') ? strrchr(ref->path, '/') : ref->path, '.'))
				name = envname;
			if (!b.data || !ags_gitops_sops_marker(b.data, b.len, name)) {
				snprintf(m, sizeof(m), "secretGenerator %s '%s' is not SOPS-encrypted", ref->env ? "envs" : "files",
					 ref->path);
				report(c, path, ref->line, AGS_CHECK_GENERATOR, m);
			}
		}
		ags_buf_release(&b);
	}
	free(dir);
}

static void check_file(struct checker *c, const char *path)
{
	struct ags_buf b;
	struct stat st;
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return; /* deleted-but-tracked files, symlinks, submodules */
	ags_buf_init(&b, CHECK_FILE_MAX);
	int r = ags_file_read(path, &b);
	if (r < 0) {
		report(c, path, 0, AGS_CHECK_NOTE, r == AGS_E_TOO_BIG ? "larger than 64 MiB: not checked" : ags_strerror(r));
		ags_buf_release(&b);
		return;
	}
	c->files++;
	if (!b.data)
		ags_buf_append(&b, "", 0);
	struct ags_check_scan s = { 0 };
	struct ags_diag d = { 0 };
	if ((r = ags_gitops_check_scan(path, b.data, b.len, &s, &d)) < 0) {
		cli_fail(r, &d, NULL);
		c->problems++;
		ags_buf_release(&b);
		return;
	}
	for (size_t i = 0; i < s.nf; i++)
		report(c, path, s.f[i].line, s.f[i].kind, s.f[i].msg);
	if (s.nrefs)
		check_refs(c, path, &s);
	if (s.sops) {
		char **want;
		size_t nwant;
		const char *src;
		if (expected_recipients(c, path, &want, &nwant, &src) == 0 && nwant) {
			bool same = nwant == s.nrec;
			for (size_t i = 0; same && i < s.nrec; i++)
				same = in_set(want, nwant, s.recipients[i]);
			for (size_t i = 0; same && i < nwant; i++)
				same = in_set(s.recipients, s.nrec, want[i]);
			if (!same) {
				char m[512];
				const char *other = NULL;
				for (size_t i = 0; !other && i < s.nrec; i++)
					if (!in_set(want, nwant, s.recipients[i]))
						other = s.recipients[i];
				if (other)
					snprintf(m, sizeof(m), "encrypted for %.80s, which %s does not name for this path", other, src);
				else
					snprintf(m, sizeof(m), "not encrypted for every recipient %s names for this path", src);
				if (c->fix && fix_recipients(c, path, &b, want, nwant) == 0) {
					if (!c->quiet)
						fprintf(stdout, "%s: re-keyed for the recipients of %s\n", path, src);
				} else {
					report(c, path, s.rec_line, AGS_CHECK_RECIPIENTS, m);
				}
			}
		}
		if (c->mac)
			check_mac(c, path, &b, s.mac_line);
	}
	ags_gitops_check_scan_clear(&s);
	ags_buf_release(&b);
}

static void walk(struct checker *c, const char *dir, int depth)
{
	if (depth > 64)
		return;
	DIR *d = opendir(dir);
	if (!d) {
		cli_warn("%s: %s", dir, strerror(errno));
		return;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !strcmp(de->d_name, ".git"))
			continue;
		char **nn = realloc(names, (n + 1) * sizeof(*nn));
		if (!nn)
			break;
		names = nn;
		if (!(names[n] = strdup(de->d_name)))
			break;
		n++;
	}
	closedir(d);
	for (size_t i = 0; i < n; i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s/%s", strcmp(dir, ".") ? dir : ".", names[i]);
		struct stat st;
		if (lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				walk(c, p, depth + 1);
			else if (S_ISREG(st.st_mode))
				check_file(c, p[0] == '.' && p[1] == '/' ? p + 2 : p);
		}
		free(names[i]);
	}
	free(names);
}

/* git ls-files -z [-- paths] */
static int git_files(struct checker *c)
{
	FILE *f = popen("git ls-files -z --cached --others --exclude-standard 2>/dev/null", "r");
	if (!f)
		return -1;
	struct ags_buf b;
	ags_buf_init(&b, (size_t)1 << 30);
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		if (ags_buf_append(&b, tmp, n) < 0)
			break;
	int st = pclose(f);
	if (st != 0) {
		ags_buf_release(&b);
		return -1;
	}
	for (size_t i = 0; i < b.len;) {
		const char *p = (const char *)b.data + i;
		size_t l = strnlen(p, b.len - i);
		if (l)
			check_file(c, p);
		i += l + 1;
	}
	ags_buf_release(&b);
	return 0;
}

static void usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "check");
}

int cmd_check(int argc, char **argv)
{
	struct cli_getopt g;
	cli_getopt_init(&g, "check");
	struct checker c = { .mac = true };
	int opt;
	optind = 1;
	while ((opt = cli_getopt(&g, argc, argv)) != -1) {
		switch (opt) {
		case OPT_NO_MAC: c.mac = false; break;
		case OPT_FIX_RECIPIENTS: c.fix = true; break;
		case 'q': c.quiet = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_GENERIC;
		}
	}
	int rc = 0;
	if (optind >= argc) {
		if (git_files(&c) < 0) {
			cli_error("not in a git work tree: give the paths to check");
			rc = EXIT_GENERIC;
		}
	} else {
		for (int i = optind; i < argc; i++) {
			struct stat st;
			if (stat(argv[i], &st) != 0) {
				cli_error("%s: %s", argv[i], strerror(errno));
				rc = EXIT_NO_FILE;
			} else if (S_ISDIR(st.st_mode)) {
				walk(&c, argv[i], 0);
			} else {
				check_file(&c, argv[i]);
			}
		}
	}
	if (!c.quiet)
		fprintf(stderr, "%s: checked %zu file%s: %zu problem%s\n", cli_progname, c.files,
			c.files == 1 ? "" : "s", c.problems, c.problems == 1 ? "" : "s");
	for (size_t i = 0; i < c.ndc; i++) {
		free(c.dc[i].dir);
		ags_sops_config_free(c.dc[i].cfg);
		strv_free(c.dc[i].pub, c.dc[i].npub);
		free(c.dc[i].pubpath);
	}
	free(c.dc);
	if (c.ids_state == 1)
		ags_age_identities_clear(&c.ids);
	if (rc)
		return rc;
	return c.problems ? EXIT_GENERIC : 0;
}
