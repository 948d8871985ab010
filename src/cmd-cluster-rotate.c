/*
 * agesops cluster rotate-key NAME [--finish]: replaces a cluster's age key
 * without a moment where Flux cannot decrypt.  The steps (lib/gitops and
 * lib/k8s do the work; this file parses, orders and reports):
 *   1. a new local key, the old one kept beside it (or, with
 *      --pubkey-from-cluster, the new key `kube bootstrap --rotate` made in
 *      the cluster);
 *   2. the new key as a second entry of the sops-age Secret, both public
 *      keys published (--offline: printed as what to apply);
 *   3. every file of the cluster re-encrypted for the new key (+ admins);
 *   4. .sops.public.key and the .sops.yaml rule updated, check run.
 * --finish, once Flux applied the rotation commit: the old key leaves the
 * Secret and the ConfigMap, and the old local key file is removed.
 * Every step is idempotent: after an interruption, run the same command.
 */
#include "cli.h"
#include "cli-opts.h"
#include "k8s/kube-cli.h"
#include <agesops/agesops.h>
#include <agesops/age.h>
#include <agesops/gitops.h>
#include <agesops/gitops-lifecycle.h>
#include <agesops/k8s.h>
#include <agesops/sops.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/file.h"

#define KEYFILE_MAX ((size_t)64 << 10)

struct rk {
	const char *name, *key_file, *repo, *secrets_dir;
	struct kube_target t;
	bool offline, from_cluster, finish, force, no_check;
	unsigned jobs;
	char root[PATH_MAX], key_path[PATH_MAX];
	struct ags_cluster_repo cr;
};

static void usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "cluster rotate-key");
}

static int parse(int argc, char **argv, struct rk *o)
{
	kube_target_init(&o->t);
	int c, shared;
	struct cli_getopt g;
	cli_getopt_init(&g, "cluster rotate-key");
	while ((c = cli_getopt(&g, argc, argv)) != -1) {
		if ((shared = kube_target_flag(&o->t, c, optarg)) != 0) {
			if (shared < 0)
				return KUBE_EXIT_USAGE;
			continue;
		}
		switch (c) {
		case OPT_KEY_FILE: o->key_file = optarg; break;
		case OPT_FROM_CLUSTER: o->from_cluster = true; break;
		case OPT_OFFLINE: o->offline = true; break;
		case OPT_FINISH: o->finish = true; break;
		case OPT_FORCE: o->force = true; break;
		case OPT_REPO: o->repo = optarg; break;
		case OPT_SECRETS_DIR: o->secrets_dir = optarg; break;
		case OPT_NO_CHECK: o->no_check = true; break;
		case 'j': o->jobs = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return KUBE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		cli_error("rotate-key needs exactly one cluster NAME");
		return KUBE_EXIT_USAGE;
	}
	o->name = argv[optind];
	const char *bad = o->from_cluster && o->key_file ? "--pubkey-from-cluster and --key"
			  : o->from_cluster && o->offline ? "--pubkey-from-cluster and --offline"
			  : o->finish && o->offline	  ? "--finish and --offline (finishing needs the cluster)"
			  : o->force && !o->finish	  ? "--force without --finish"
							  : NULL;
	if (bad) {
		cli_error("cannot combine %s", bad);
		return KUBE_EXIT_USAGE;
	}
	if (!ags_gitops_dns1123_label(o->name)) {
		cli_error("cluster name '%s' must be a lowercase RFC 1123 label", o->name);
		return KUBE_EXIT_USAGE;
	}
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (o->key_file)
		snprintf(o->key_path, sizeof(o->key_path), "%s", o->key_file);
	else if (x && *x)
		snprintf(o->key_path, sizeof(o->key_path), "%s/agesops/keys/%s.agekey", x, o->name);
	else if (home && *home)
		snprintf(o->key_path, sizeof(o->key_path), "%s/.config/agesops/keys/%s.agekey", home, o->name);
	int rc = kube_repo_root(o->repo, o->root, sizeof(o->root));
	o->cr = (struct ags_cluster_repo){ .root = o->root, .name = o->name, .secrets_dir = o->secrets_dir };
	return rc;
}

/* Step 1 in the cluster's mode: the two keys the cluster publishes (new first). */
static int keys_from_cluster(struct ags_k8s_client *c, const struct rk *o, const struct ags_recipient_list *rule,
			     struct ags_rotation *rt)
{
	struct ags_diag d = { 0 };
	char *pub = NULL;
	struct ags_recipient_list l = { 0 };
	int r = ags_k8s_pubkey(c, o->t.ns, o->t.configmap, &pub, &d);
	if (r < 0)
		return kube_exit(r, &d, NULL);
	r = ags_recipient_list_parse(&l, pub, strlen(pub), "published keys", &d);
	free(pub);
	int rc = r < 0 ? kube_exit(r, &d, NULL) : 0;
	if (rc == 0 && l.n != 2) {
		cli_error("ConfigMap %s/%s publishes %zu key(s), not a rotation in progress: run `agesops kube "
			  "bootstrap --rotate` in the cluster (deploy/rotate) first",
			  o->t.ns, o->t.configmap, l.n);
		rc = KUBE_EXIT_FAIL;
	}
	if (rc == 0 && !ags_recipient_list_has(rule, l.v[0]) && !ags_recipient_list_has(rule, l.v[1])) {
		cli_error("neither published key is in the repository's rule for cluster %s", o->name);
		rc = KUBE_EXIT_FAIL;
	}
	if (rc == 0) {
		rt->new_recipient = l.v[0];
		rt->old_recipient = l.v[1];
		l.n = 0;
	}
	ags_recipient_list_clear(&l);
	return rc;
}

/* Step 2 with a local key. */
static int add_to_cluster(struct ags_k8s_client *c, const struct rk *o)
{
	struct ags_buf key;
	ags_buf_init_secret(&key, KEYFILE_MAX);
	struct ags_diag d = { 0 };
	enum ags_k8s_rotate_outcome oc;
	int r = ags_file_read(o->key_path, &key);
	if (r < 0)
		ags_diag_set(&d, r, "%s: %s", o->key_path, ags_strerror(r));
	else
		r = ags_k8s_rotate_add(c, o->t.ns, o->t.secret, o->t.configmap, key.data, key.len, &oc, NULL, &d);
	ags_buf_release(&key);
	if (r < 0)
		return kube_exit(r, &d, "step 2");
	fprintf(stderr, "step 2: Secret %s/%s %s; both public keys published in ConfigMap %s/%s (new first)\n", o->t.ns,
		o->t.secret,
		oc == AGS_K8S_ROTATE_ADDED ? "holds the new key as " AGS_K8S_NEXT_KEY " beside " AGS_K8S_SECRET_KEY
		: oc == AGS_K8S_ROTATE_DONE ? "already holds only the new key"
					    : "already held the new key (unchanged)",
		o->t.ns, o->t.configmap);
	return 0;
}

static void print_offline(const struct rk *o, const struct ags_rotation *rt)
{
	fprintf(stderr,
		"step 2 (offline): apply this where you can reach the cluster (the key is read from the file there):\n"
		"  kubectl -n %s patch secret %s --type merge -p \"{\\\"data\\\":{\\\"%s\\\":\\\"$(base64 -w0 < %s)\\\"}}\"\n"
		"  kubectl -n %s create configmap %s --from-literal=%s=\"$(printf '%%s\\n%%s\\n' %s %s)\" "
		"--dry-run=client -o yaml | kubectl apply -f -\n"
		"  (or, with access later: agesops cluster rotate-key %s, which does it and skips the done steps)\n",
		o->t.ns, o->t.secret, AGS_K8S_NEXT_KEY, o->key_path, o->t.ns, o->t.configmap, AGS_K8S_PUBLIC_KEY,
		rt->new_recipient, rt->old_recipient, o->name);
}

/* Step 3's identities: the old and new local keys, or an admin's (sops' sources). */
static int load_ids(const struct rk *o, const struct ags_rotation *rt, struct ags_age_identities *ids)
{
	struct ags_diag d = { 0 };
	int r = 0;
	if (o->from_cluster) {
		r = ags_sops_age_load_identities(NULL, ids, &d);
	} else {
		const char *files[2] = { rt->old_key_path, o->key_path };
		for (size_t i = 0; i < 2 && r == 0; i++) {
			struct ags_buf b;
			ags_buf_init_secret(&b, KEYFILE_MAX);
			r = ags_file_read(files[i], &b);
			if (r < 0)
				ags_diag_set(&d, r, "%s: %s", files[i], ags_strerror(r));
			else
				r = ags_age_parse_identity_file(b.data ? (const char *)b.data : "", b.len, files[i], NULL,
								NULL, ids, &d);
			ags_buf_release(&b);
		}
	}
	return r < 0 ? (cli_fail(r, &d, "step 3"), KUBE_EXIT_FAIL) : 0;
}

static int reencrypt(const struct rk *o, const struct ags_rotation *rt, const struct ags_repo_files *files,
		     const struct ags_recipient_list *admins)
{
	struct ags_age_identities ids = { 0 };
	int rc = load_ids(o, rt, &ids);
	struct ags_repo_result *res = rc ? NULL : calloc(files->n ? files->n : 1, sizeof(*res));
	if (rc == 0 && !res)
		rc = cli_fail(AGS_E_NOMEM, NULL, NULL);
	int bad = rc ? 0 : ags_rotation_reencrypt(files, rt, admins, &ids, o->jobs, res);
	if (rc == 0 && bad < 0)
		rc = (cli_fail(bad, NULL, "step 3"), KUBE_EXIT_FAIL);
	size_t done = 0, already = 0, plain = 0;
	for (size_t i = 0; rc == 0 && i < files->n; i++) {
		const char *rel = files->paths[i] + strlen(o->root) + 1;
		if (res[i].rc == 0)
			done++;
		else if (res[i].rc == 1)
			already++;
		else if (res[i].rc > 1)
			plain++;
		else
			fprintf(stderr, "%s: error: %s: %s (unchanged: still for the old key)\n", cli_progname, rel,
				kube_strip_path(res[i].diag.msg[0] ? res[i].diag.msg : ags_strerror(res[i].rc),
						files->paths[i]));
	}
	if (rc == 0) {
		fprintf(stderr, "step 3: %zu file(s) re-encrypted for the new key, %zu already were, %zu not SOPS files, %d failed\n",
			done, already, plain, bad);
		if (bad)
			rc = KUBE_EXIT_FAIL;
	}
	free(res);
	ags_age_identities_clear(&ids);
	return rc;
}

static int rotate_start(struct rk *o)
{
	struct ags_repo_files files = { 0 };
	struct ags_recipient_list rule = { 0 };
	struct ags_rotation rt = { 0 };
	struct ags_k8s_client *c = NULL;
	struct ags_diag d = { 0 };
	int rc = 0, r = ags_gitops_cluster_files(&o->cr, &files, &rule, &d);
	if (r < 0)
		rc = (cli_fail(r, &d, NULL), KUBE_EXIT_FAIL);
	if (rc == 0 && !o->offline)
		rc = kube_connect(&o->t.conn, &c);
	if (rc == 0 && o->from_cluster) {
		rc = keys_from_cluster(c, o, &rule, &rt);
		if (rc == 0)
			fprintf(stderr, "step 1: the cluster made the new key %s (its private key stays there)\n",
				rt.new_recipient);
	} else if (rc == 0) {
		if (!o->key_path[0]) {
			cli_error("no local key: set HOME or use --key FILE");
			rc = KUBE_EXIT_USAGE;
		} else if ((r = ags_rotation_local_key(o->key_path, &rule, &rt, &d)) < 0) {
			rc = (cli_fail(r, &d, "step 1"), KUBE_EXIT_FAIL);
		} else {
			fprintf(stderr, "step 1: %s key %s in %s (0600); the old key %s is kept as %s until --finish\n",
				rt.started ? "new" : "resuming with the new", rt.new_recipient, o->key_path,
				rt.old_recipient, rt.old_key_path);
		}
		if (rc == 0 && o->offline)
			print_offline(o, &rt);
		else if (rc == 0)
			rc = add_to_cluster(c, o);
	}
	if (rc == 0)
		rc = reencrypt(o, &rt, &files, &rule);
	bool changed = false;
	if (rc == 0 && (r = ags_rotation_update_repo(&o->cr, &rt, &changed, &d)) < 0)
		rc = (cli_fail(r, &d, "step 4"), KUBE_EXIT_FAIL);
	if (rc == 0) {
		fprintf(stderr, "step 4: .sops.public.key and the .sops.yaml rule %s\n",
			changed ? "now name the new key" : "already named the new key");
		char dir[PATH_MAX + 300];
		if (o->secrets_dir)
			snprintf(dir, sizeof(dir), "%s/%s", o->root, o->secrets_dir);
		else
			snprintf(dir, sizeof(dir), "%s/secrets/%s", o->root, o->name);
		char *cargv[] = { (char *)"check", (char *)"-q", dir, NULL };
		if (!o->no_check && cmd_check(3, cargv) != 0) {
			cli_error("step 4: agesops check found problems (above); fix them before committing");
			rc = KUBE_EXIT_FAIL;
		}
	}
	if (rc == 0)
		fprintf(stderr,
			"\nnext: commit and push the rotation, wait until Flux applied it, then finish:\n"
			"  git add .sops.yaml %s && git commit -m 'rotate the age key of cluster %s' && git push\n"
			"  agesops cluster rotate-key %s --finish\n"
			"until then the cluster holds both keys, so every file decrypts at every moment\n",
			o->secrets_dir ? o->secrets_dir : "secrets/", o->name, o->name);
	ags_rotation_clear(&rt);
	ags_recipient_list_clear(&rule);
	ags_repo_files_clear(&files);
	ags_k8s_client_free(c);
	return rc;
}

static int rotate_finish(struct rk *o)
{
	struct ags_diag d = { 0 };
	struct ags_k8s_client *c = NULL;
	struct ags_k8s_kustomization *ks = NULL;
	struct ags_recipient_list pub = { 0 };
	struct ags_buf b;
	ags_buf_init(&b, KEYFILE_MAX);
	char p[PATH_MAX + 64], ksname[300];
	if (o->secrets_dir)
		snprintf(p, sizeof(p), "%s/%s/.sops.public.key", o->root, o->secrets_dir);
	else
		snprintf(p, sizeof(p), "%s/secrets/%s/.sops.public.key", o->root, o->name);
	snprintf(ksname, sizeof(ksname), "%s-secrets", o->name);
	int rc = 0, r = ags_file_read(p, &b);
	if (r < 0)
		ags_diag_set(&d, r, "%s: %s", p, ags_strerror(r));
	else
		r = ags_recipient_list_parse(&pub, b.data ? (const char *)b.data : "", b.len, p, &d);
	if (r == 0 && pub.n != 1)
		r = ags_diag_set(&d, AGS_E_SYNTAX, "%s: expected one key, found %zu", p, pub.n);
	if (r < 0)
		rc = (cli_fail(r, &d, NULL), KUBE_EXIT_FAIL);
	if (rc == 0)
		rc = kube_connect(&o->t.conn, &c);
	if (rc == 0 && (r = ags_k8s_get_kustomization(c, AGS_K8S_DEFAULT_NAMESPACE, ksname, &ks, &d)) < 0 && !o->force)
		rc = kube_exit(r, &d, NULL);
	if (rc == 0 && ks) {
		const char *why = NULL;
		if (!ks->ready)
			why = ks->ready_message ? ks->ready_message : "not Ready";
		else if ((r = ags_rotation_revision_check(&o->cr, pub.v[0], ks->last_applied_revision, &d)) < 0)
			why = d.msg;
		if (why && !o->force) {
			cli_error("Kustomization flux-system/%s: %s; not finishing (--force to finish anyway)", ksname, why);
			rc = KUBE_EXIT_FAIL;
		} else if (why) {
			cli_warn("Kustomization flux-system/%s: %s; finishing anyway (--force): files Flux has not "
				 "applied yet may stop decrypting", ksname, why);
		}
	} else if (rc == 0) {
		cli_warn("could not read Kustomization flux-system/%s; finishing anyway (--force)", ksname);
	}
	enum ags_k8s_rotate_outcome oc;
	if (rc == 0 && (r = ags_k8s_rotate_finish(c, o->t.ns, o->t.secret, o->t.configmap, pub.v[0], &oc, NULL, &d)) < 0)
		rc = kube_exit(r, &d, "finish");
	if (rc == 0)
		fprintf(stderr, "finish: Secret %s/%s %s; ConfigMap %s/%s lists %s\n", o->t.ns, o->t.secret,
			oc == AGS_K8S_ROTATE_DONE ? "already held only the new key" : "now holds only the new key",
			o->t.ns, o->t.configmap, pub.v[0]);
	unsigned removed = 0;
	if (rc == 0 && o->key_path[0] && (r = ags_rotation_retire_old_key(o->key_path, &removed, &d)) < 0)
		rc = (cli_fail(r, &d, "finish"), KUBE_EXIT_FAIL);
	if (rc == 0 && removed)
		fprintf(stderr, "finish: removed the old local key beside %s\n", o->key_path);
	ags_k8s_kustomization_free(ks);
	ags_k8s_client_free(c);
	ags_recipient_list_clear(&pub);
	ags_buf_release(&b);
	return rc;
}

int cmd_cluster_rotate_key(int argc, char **argv)
{
	struct rk o = { 0 };
	int rc = parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	return o.finish ? rotate_finish(&o) : rotate_start(&o);
}
