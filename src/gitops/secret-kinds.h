/*
 * agesops secret: the parsed flags of every kind (src/cmd-secret.c) and the
 * kinds that run on them (src/gitops/secret-kinds.c).
 */
#ifndef AGS_SECRET_KINDS_H
#define AGS_SECRET_KINDS_H

#include <agesops/gitops.h>
#include "gitops-cli.h"

#define MAX_SOURCES 1024
#define MAX_LABELS 64

struct args {
	const char *ns, *output, *labels[MAX_LABELS];
	size_t nlabels;
	struct gcli_encrypt enc;
	/* git */
	const char *url, *user, *ca, *pkfile, *khfile;
	char *pass_arg, *bearer_arg;
	bool pass_stdin, bearer_stdin;
	enum ags_ssh_alg alg;
	enum ags_ssh_format fmt;
	int curve, bits;
	/* proxmox */
	const char *tokid, *insecure, *rootca;
	bool sec_stdin;
	/* generic, age-key */
	const char *lits[MAX_SOURCES], *files[MAX_SOURCES], *envs[MAX_SOURCES], *type, *name;
	size_t nl, nf, ne;
	bool no_cts;
};

/* Each returns an exit code; name is the positional NAME (or key file for age-key). */
int secret_git(struct args *a, const char *name);
int secret_proxmox(struct args *a, const char *name);
int secret_generic(struct args *a, const char *name);
int secret_age_key(struct args *a, const char *file);

#endif
