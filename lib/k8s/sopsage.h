/* Module-internal: the sops-age pieces the rotation flows (rotation.c) share with sopsage.c. */
#ifndef AGS_K8S_SOPSAGE_H
#define AGS_K8S_SOPSAGE_H

#include <agesops/k8s.h>
#include "util/buf.h"

#define KEYFILE_MAX ((size_t)64 << 10)
#define PUBLISH_ATTEMPTS 8

/* Checks an identity file the way Flux reads it and returns its recipients, one per line. */
int k8s_key_recipients(const void *key, size_t len, const char *name, char **ret, struct ags_diag *d);
/* Recipients of one *.agekey entry of a Secret (AGS_E_K8S_BAD_SECRET when it holds no valid key). */
int k8s_entry_recipients(const struct ags_k8s_object *o, const char *entry, char **ret, struct ags_diag *d);
/* Recipients of every key of a Secret: AGS_K8S_NEXT_KEY (during a rotation) first, then age.agekey. */
int k8s_secret_recipients(const struct ags_k8s_object *o, char **ret, struct ags_diag *d);
/* The end of a flow that made a recipients list s: on success hands it to *want (when wanted), else
 * frees it; returns r when negative, else 0. */
int k8s_give_recipients(int r, char *s, char **want);
/* Creates or updates ConfigMap ns/cm so that age.pub is recips (resourceVersion-guarded, retried). */
int k8s_publish(struct ags_k8s_client *c, const char *ns, const char *cm, const char *recips, struct ags_diag *d);

#endif
