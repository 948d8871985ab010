/*
 * The kustomize side of a cluster: the resources: list of a
 * kustomization.yaml (edited as text, so the user's layout stays) and the
 * Flux Kustomization that applies the cluster's secrets with sops-age.
 */
#include "internal.h"
#include <agesops/gitops.h>
#include "gitops/fsutil.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#define KUSTOMIZATION_MAX ((size_t)1 << 20)

/* Appends the lines for the items not listed yet to add. */
static int missing_items(const char *s, size_t len, const char *const *items, size_t n, struct ags_buf *add)
{
	for (size_t i = 0; i < n; i++) {
		char pat[PATH_MAX];
		snprintf(pat, sizeof(pat), "- %s\n", items[i]);
		if (!memmem(s, len, pat, strlen(pat)))
			AGS_TRY(ags_buf_printf(add, "  - %s\n", items[i]));
	}
	return 0;
}

/* Splices add after the "resources:" line (or appends a resources: list). */
static int splice(const char *s, size_t len, const struct ags_buf *add, struct ags_buf *out)
{
	const char *end = s + len, *res = NULL;
	for (const char *p = s; p < end && !res;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if ((size_t)(end - p) >= 10 && !memcmp(p, "resources:", 10))
			res = nl ? nl + 1 : end;
		p = nl ? nl + 1 : end;
	}
	if (res) {
		AGS_TRY(ags_buf_append(out, s, (size_t)(res - s)));
		AGS_TRY(ags_buf_append(out, add->data, add->len));
		return ags_buf_append(out, res, (size_t)(end - res));
	}
	AGS_TRY(ags_buf_append(out, s, len));
	if (len && s[len - 1] != '\n')
		AGS_TRY(ags_buf_putc(out, '\n'));
	AGS_TRY(ags_buf_puts(out, "resources:\n"));
	return ags_buf_append(out, add->data, add->len);
}

static int kustomization_text(const char *path, const char *const *items, size_t n, bool create, struct ags_buf *out)
{
	if (!ags_gitops_exists(path)) {
		if (!create)
			return 0;
		AGS_TRY(ags_buf_puts(out, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"));
		for (size_t i = 0; i < n; i++)
			AGS_TRY(ags_buf_printf(out, "  - %s\n", items[i]));
		return 0;
	}
	struct ags_buf cur, add;
	ags_buf_init(&cur, KUSTOMIZATION_MAX);
	ags_buf_init(&add, 1 << 16);
	int r = ags_file_read(path, &cur);
	const char *s = (const char *)(cur.data ? cur.data : (unsigned char *)"");
	if (r == 0)
		r = missing_items(s, cur.len, items, n, &add);
	if (r == 0 && add.len)
		r = splice(s, cur.len, &add, out);
	ags_buf_release(&cur);
	ags_buf_release(&add);
	return r;
}

int ags_gitops_kustomization_add(const char *path, const char *const *items, size_t n, bool create, bool *changed,
				 struct ags_diag *d)
{
	struct ags_buf out;
	ags_buf_init(&out, KUSTOMIZATION_MAX + 4096);
	*changed = false;
	int r = kustomization_text(path, items, n, create, &out);
	if (r == 0 && out.len) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash) {
			*slash = 0;
			r = ags_gitops_mkdirs(dir);
		}
		if (r == 0)
			r = ags_file_write_atomic(path, out.data, out.len, -1, false);
		*changed = r == 0;
	}
	ags_buf_release(&out);
	return r < 0 ? ags_diag_set(d, r, "%s: %s", path, ags_strerror(r)) : 0;
}

int ags_gitops_flux_kustomization(const struct ags_gitops_cluster *c, struct ags_buf *out)
{
	return ags_buf_printf(out,
			      "apiVersion: kustomize.toolkit.fluxcd.io/v1\n"
			      "kind: Kustomization\n"
			      "metadata:\n"
			      "  name: %s-secrets\n"
			      "  namespace: flux-system\n"
			      "spec:\n"
			      "  interval: 10m\n"
			      "  path: ./%s\n"
			      "  prune: true\n"
			      "  sourceRef:\n"
			      "    kind: GitRepository\n"
			      "    name: flux-system\n"
			      "  decryption:\n"
			      "    provider: sops\n"
			      "    secretRef:\n"
			      "      name: sops-age\n",
			      c->name, c->secrets_rel);
}
