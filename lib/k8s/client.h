/* Module-internal: the raw request used by objects.c. */
#ifndef AGS_K8S_CLIENT_H
#define AGS_K8S_CLIENT_H

#include <agesops/k8s.h>
#include "util/buf.h"

/*
 * Sends one request (retrying 429, 5xx and connection failures with
 * backoff).  method "PATCH" sends a JSON merge patch, "PATCH-JSON" a JSON
 * patch.  On a 2xx status sets *status and leaves the body in resp (init
 * it secret with k8s_response_max()); otherwise returns the AGS_E_K8S_* code
 * for the status with a diagnostic "HOST: WHAT: HTTP CODE REASON: MESSAGE".
 */
int k8s_request(struct ags_k8s_client *c, const char *method, const char *path, const struct ags_buf *body,
		const char *what, long *status, struct ags_buf *resp, struct ags_diag *d);
size_t k8s_response_max(void);
/* DNS-1123 subdomain (object names, subdomain) or label (namespaces). */
bool k8s_valid_name(const char *s, bool subdomain);

#endif
