/*
 * libfyaml 0.7.12 (Debian 12) helpers shared by every event-API walker
 * (the SOPS YAML store, the repository checker).
 */
#ifndef AGS_UTIL_FYAML_H
#define AGS_UTIL_FYAML_H

#include <stddef.h>
#include <libfyaml.h>
#include "util/buf.h"

/*
 * The text of a scalar event.  libfyaml 0.7.12 drops characters from
 * single-quoted scalars with consecutive '' escapes ('a''''b' reads as
 * "a'''") and leaks a buffer when asked for their text, so such scalars are
 * decoded here from the source bytes (src and srclen: the buffer given to
 * fy_parser_set_string) into tmp, which the caller initialises and
 * releases.  *s and *n point into tmp or into libfyaml's token (valid until the
 * event is freed).
 */
int ags_fy_scalar_text(struct fy_event *e, const char *src, size_t srclen, struct ags_buf *tmp,
		       const char **s, size_t *n);

#endif
