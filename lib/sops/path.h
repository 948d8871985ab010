/*
 * sops tree paths: the `["key"][0]["sub"]` syntax of --extract, set and
 * unset, and get/set/unset on a document (sops' TreeBranch.Truncate, Set and
 * Unset).
 *
 * Differences from sops, all on inputs sops mishandles: keys may contain
 * `[` and `]` when quoted; a closing quote is required; negative indices
 * are refused; list indices count values only (sops also counts comment
 * elements); an index applied to a mapping is an error (sops silently does
 * nothing).
 */
#ifndef AGS_SOPS_PATH_H
#define AGS_SOPS_PATH_H

#include "sops/tree.h"
#include <agesops/agesops.h>

#define AGS_PATH_MAX_COMPONENTS AGS_TREE_MAX_DEPTH

/* struct ags_sops_path and ags_sops_path_parse/clear are public: agesops/sops.h. */
#include <agesops/sops.h>

/* ags_sops_path_parse fails with AGS_E_SOPS_PATH (diag names the offset and
 * cause); an empty string is the empty path (the whole document). */

/* The value at p inside doc (*out is NULL for the empty path: the document).  AGS_E_NOT_FOUND when a
 * component is missing, AGS_E_SOPS_PATH when an index meets a mapping or a
 * key meets a list or scalar. */
int ags_sops_path_get(struct ags_branch *doc, const struct ags_sops_path *p, struct ags_value **out,
		      struct ags_diag *d);

/*
 * Sets the value at p (p non-empty), taking ownership of *v (zeroed on
 * success).  Missing mappings are created on the way, a list index past the
 * end appends, a scalar on the way is replaced by a new mapping or list, as
 * sops does.  *changed tells whether the document differs afterwards.  On
 * failure *v is either untouched or zeroed: callers clear it either way.
 */
int ags_sops_path_set(struct ags_branch *doc, const struct ags_sops_path *p, struct ags_value *v,
		      bool *changed, struct ags_diag *d);

/* Removes the key or list element at p (p non-empty).  AGS_E_NOT_FOUND when
 * it does not exist (sops' SopsKeyNotFound, which --idempotent ignores). */
int ags_sops_path_unset(struct ags_branch *doc, const struct ags_sops_path *p, struct ags_diag *d);

/* Deep equality of two values (kinds, scalars, order of items). */
bool ags_value_equal(const struct ags_value *a, const struct ags_value *b);

#endif
