/*
 * Key groups as the commands handle them: built from a creation rule, from
 * --age values or from a file's metadata; compared, shown as a diff, and
 * the confirmation prompt before a change.
 */
#ifndef AGS_SRC_SOPS_KEYGROUPS_H
#define AGS_SRC_SOPS_KEYGROUPS_H

#include <agesops/agesops.h>
#include <agesops/sops.h>
#include <agesops/sops-config.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Key groups as the encrypt API takes them, built from a creation rule (or
 * from a flat list of --age values when nage > 0, which wins as in sops). */
struct sm_groups {
	struct ags_sops_group_spec *g;
	size_t n;
	unsigned threshold;
	char **own;       /* strings owned here */
	size_t nown;
};
enum sm_key_type { SM_KEY_AGE, SM_KEY_PGP };
/* Appends an empty group (its index is g->n - 1). */
int sm_groups_new_group(struct sm_groups *g);
/* Adds s to group gi's list of type t (no duplicates; s is copied). */
int sm_groups_add(struct sm_groups *g, size_t gi, enum sm_key_type t, const char *s);
/* Removes s from every group's list of type t; 1 when it was there. */
int sm_groups_remove(struct sm_groups *g, enum sm_key_type t, const char *s);
/* Each comma-separated recipient of the flag values vals[0..n): added to
 * group gi (add), or removed from every group. */
int sm_groups_apply(struct sm_groups *g, size_t gi, enum sm_key_type t, const char *const *vals, size_t n, bool add);
int sm_groups_from_rule(const struct ags_sops_creation_rule *r, struct sm_groups *out, struct ags_diag *d);
/* One group from --age and --pgp values (each comma-separated). */
int sm_groups_from_flags(const char *const *age, size_t nage, const char *const *pgp, size_t npgp,
			 struct sm_groups *out, struct ags_diag *d);
/* The recipients currently in a document's metadata. */
int sm_groups_from_metadata(const struct ags_sops_metadata *m, struct sm_groups *out);
void sm_groups_clear(struct sm_groups *g);
/* Same recipients (order-insensitive inside each group) and threshold? */
bool sm_groups_equal(const struct sm_groups *a, const struct sm_groups *b);
/* Prints "+++ group N: recipient" / "--- ..." lines describing a -> b. */
void sm_groups_diff(const struct sm_groups *a, const struct sm_groups *b, FILE *fp);

/* Asks question on stderr and reads "y" or "n" lines from stdin (a terminal
 * or not, as Go sops); *eof set (and false returned) when stdin ends first. */
bool sm_confirm(const char *question, bool *eof);

#endif
