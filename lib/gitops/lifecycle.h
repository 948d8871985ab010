/* Module-internal: what verify.c, rotate.c and revision.c share. */
#ifndef AGS_GITOPS_LIFECYCLE_INT_H
#define AGS_GITOPS_LIFECYCLE_INT_H

#include <agesops/gitops-lifecycle.h>
#include <agesops/sops.h>
#include "util/buf.h"

/* Reads path into in (init by the caller) and loads its sops document;
 * 2 (skipped) when the file carries no sops metadata. */
int gitops_load_sops(const char *path, struct ags_buf *in, struct ags_sops_doc **doc, struct ags_diag *d);
/* Absolute secrets directory of a cluster. */
void gitops_secrets_dir(const struct ags_cluster_repo *cr, char *out, size_t cap);

#endif
