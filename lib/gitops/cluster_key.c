/*
 * A cluster's age key on the operator's machine: where it is kept (outside
 * the repository), reading its recipient, making a new one in age-keygen's
 * file layout, and writing it 0600.
 */
#include "internal.h"
#include <agesops/age.h>
#include <agesops/gitops.h>
#include "gitops/fsutil.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int ags_gitops_default_key_path(const char *name, char **path, struct ags_diag *d)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char p[PATH_MAX];
	if (x && *x)
		snprintf(p, sizeof(p), "%s/agesops/keys/%s.agekey", x, name);
	else if (home && *home)
		snprintf(p, sizeof(p), "%s/.config/agesops/keys/%s.agekey", home, name);
	else
		return ags_diag_set(d, AGS_E_NOT_FOUND, "no place for the key: set HOME or use --key-file");
	if (!(*path = strdup(p)))
		return AGS_E_NOMEM;
	return 0;
}

bool ags_gitops_path_inside(const char *path, const char *dir)
{
	char parent[PATH_MAX], real[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", path);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = 0;
	else if (!slash)
		snprintf(parent, sizeof(parent), ".");
	/* the nearest existing ancestor decides: the key file may not exist yet */
	while (!realpath(parent, real)) {
		slash = strrchr(parent, '/');
		if (!slash || slash == parent)
			return false;
		*slash = 0;
	}
	size_t dl = strlen(dir);
	return !strncmp(real, dir, dl) && (real[dl] == '/' || real[dl] == 0);
}

int ags_gitops_key_file_recipient(const char *path, char **recipient, struct ags_diag *d)
{
	struct ags_buf b;
	struct ags_age_identities ids = { 0 };
	struct ags_age_recipient *rc = NULL;
	ags_buf_init_secret(&b, 1 << 20);
	int r = ags_file_read(path, &b);
	if (r < 0)
		ags_diag_set(d, r, "%s: %s", path, ags_strerror(r));
	if (r == 0)
		r = ags_age_parse_identity_file(b.data ? (const char *)b.data : "", b.len, path, NULL, NULL, &ids, d);
	if (r == 0 && ids.n == 0)
		r = ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: no age identity in the file", path);
	if (r == 0)
		r = ags_age_identity_to_recipient(ids.v[0], &rc);
	if (r == 0)
		r = ags_age_recipient_string(rc, recipient);
	ags_age_recipient_free(rc);
	ags_age_identities_clear(&ids);
	ags_buf_release(&b);
	return r;
}

int ags_gitops_keygen(char **text, size_t *len, char **recipient, struct ags_diag *d)
{
	struct ags_buf b;
	ags_buf_init_secret(&b, 1 << 16);
	char *pk = NULL;
	int r = ags_age_keygen_file(false, &b, &pk);
	if (r < 0) {
		ags_buf_release(&b);
		return ags_diag_set(d, r, "age key generation: %s", ags_strerror(r));
	}
	*text = ags_buf_detach(&b, len);
	*recipient = pk;
	return 0;
}

void ags_gitops_secret_text_free(char *text, size_t len)
{
	if (text)
		ags_free_secret(text, len);
}

int ags_gitops_write_key_file(const char *path, const char *text, size_t len, struct ags_diag *d)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	int r = 0;
	if (slash) {
		*slash = 0;
		/* a fresh key directory is the user's alone */
		if ((r = ags_gitops_mkdirs(dir)) == 0)
			chmod(dir, 0700);
	}
	if (r == 0)
		r = ags_file_write_atomic(path, text, len, 0600, true);
	return r < 0 ? ags_diag_set(d, r, "%s: %s", path, ags_strerror(r)) : 0;
}
