/*
 * A cluster's key over its life, on the repository side: which files a
 * cluster's creation rule covers and whether the cluster can open them
 * (`kube verify`), and the steps of a key rotation that touch the
 * workstation and the repository (`cluster rotate-key`).  The cluster side
 * (the sops-age Secret, Flux's Kustomization) is in <agesops/k8s.h>.
 *
 * Silent: results and diagnostics only.  Every step is idempotent, so an
 * interrupted rotation is resumed by running it again.
 */
#ifndef AGESOPS_GITOPS_LIFECYCLE_H
#define AGESOPS_GITOPS_LIFECYCLE_H

#include <agesops/agesops.h>
#include <agesops/sops-repo.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ags_age_identities;

/* A cluster's place in a repository. */
struct ags_cluster_repo {
	const char *root;        /* repository root (absolute) */
	const char *name;        /* cluster name */
	const char *secrets_dir; /* relative to root; NULL = secrets/NAME */
};

/* Recipient lists: malloc'd strings. */
struct ags_recipient_list {
	char **v;
	size_t n;
};
void ags_recipient_list_clear(struct ags_recipient_list *l);
/* Parses "a,b" / one per line ('#' comments, blank lines) recipients and
 * appends the new ones (each validated as an age recipient); name is used
 * in diagnostics ("FILE:LINE: ..."). */
int ags_recipient_list_parse(struct ags_recipient_list *l, const char *text, size_t len, const char *name,
			     struct ags_diag *d);
bool ags_recipient_list_has(const struct ags_recipient_list *l, const char *r);

/* ---- admin (break-glass) recipients ---- */

#define AGS_GITOPS_ADMINS_FILE ".sops.admins"
/* Appends the recipients of ROOT/.sops.admins (one or a comma-separated list
 * a line, '#' comments); a missing file adds none. */
int ags_gitops_read_admins(const char *root, struct ags_recipient_list *out, struct ags_diag *d);
/*
 * Adds the recipients of add that the cluster's .sops.yaml rule lacks to its
 * key group, beside cluster_key (appended to the rule's "age:" list, as
 * cluster init writes it); *added (optional) receives the ones added.  The
 * result is checked by parsing it before it replaces .sops.yaml.
 */
int ags_gitops_rule_add_recipients(const struct ags_cluster_repo *cr, const char *cluster_key,
				   const struct ags_recipient_list *add, struct ags_recipient_list *added,
				   struct ags_diag *d);

/*
 * The SOPS files the cluster's creation rule covers: every file under the
 * secrets directory for which .sops.yaml (at root) selects the same rule as
 * for a new file there, and which carries sops metadata.  AGS_E_NOT_FOUND
 * when .sops.yaml has no rule for the directory.  *rule_recipients
 * (optional): the age recipients of that rule (all groups).
 */
int ags_gitops_cluster_files(const struct ags_cluster_repo *cr, struct ags_repo_files *out,
			     struct ags_recipient_list *rule_recipients, struct ags_diag *d);

/*
 * kube verify: checks each file (jobs threads) is encrypted for at least one
 * of keys.  results[i] (size files->n): 0 good, AGS_E_SOPS_NO_KEY with a
 * message "not decryptable by cluster NAME (recipients ...)", or another
 * error for an unreadable file.  Also checks the directory's
 * .sops.public.key names only keys in keys (*pubkey_ok; false with
 * pubkey_diag filled otherwise).  Returns the number of bad files (>= 0).
 */
int ags_gitops_verify(const struct ags_cluster_repo *cr, const struct ags_repo_files *files,
		      const struct ags_recipient_list *keys, unsigned jobs, struct ags_repo_result *results,
		      bool *pubkey_ok, struct ags_diag *pubkey_diag);

/* ---- key rotation ---- */

struct ags_rotation {
	char *old_recipient, *new_recipient;
	char *old_key_path;   /* local mode: where the old key is kept until --finish */
	bool started;         /* step 1 made the new key in this call (false: resumed) */
};
void ags_rotation_clear(struct ags_rotation *rt);

/*
 * Step 1 with a local key: keeps the old key beside key_path as
 * KEY_PATH.old-YYYYMMDDTHHMMSSZ (a hard link, 0600) and writes a new key to
 * key_path (0600, atomically).  When such an old file exists the rotation
 * is resumed (the key at key_path is the new key; a crash between the two
 * writes is completed).  Never overwrites a key that is not kept.
 * When starting, the key at key_path must be one of expect (the cluster's
 * keys in the repository; NULL: not checked), else AGS_E_AGE_NO_MATCH.
 */
int ags_rotation_local_key(const char *key_path, const struct ags_recipient_list *expect, struct ags_rotation *rt,
			   struct ags_diag *d);
/* The kept old key of key_path, if a rotation is in progress: *path NULL otherwise. */
int ags_rotation_old_key_path(const char *key_path, char **path, struct ags_diag *d);

/* Outcome of one file in step 3 (results[i].rc): 0 re-encrypted, 1 already for the new key. */
/*
 * Step 3: every file of files gets a new data key, for the new key plus the
 * other recipients it had (admins) minus the old key, plus admins (as
 * `rotate --rm-age OLD --add-age NEW`); jobs threads, each file replaced
 * atomically (a failure leaves it as it was: results say which).  Files
 * already for the new key and not for the old are left alone, so a re-run
 * resumes.  ids: identities that open the files (old key, or an admin's).
 * Returns the number of failed files (>= 0) or a negative error.
 */
int ags_rotation_reencrypt(const struct ags_repo_files *files, const struct ags_rotation *rt,
			   const struct ags_recipient_list *admins, const struct ags_age_identities *ids,
			   unsigned jobs, struct ags_repo_result *results);

/*
 * Step 4: .sops.public.key names the new key, and the cluster's .sops.yaml
 * rule has the new key where it had the old one.  *changed: whether either
 * file was written.
 */
int ags_rotation_update_repo(const struct ags_cluster_repo *cr, const struct ags_rotation *rt, bool *changed,
			     struct ags_diag *d);

/*
 * --finish: does Flux's lastAppliedRevision ("BRANCH@sha1:HEX", "sha1:HEX"
 * or the legacy "BRANCH/HEX") contain the commit that put new_recipient in
 * .sops.public.key -- is it that commit, the repository's current commit
 * after it, or any other descendant?  0 yes; AGS_E_AUTH with the reason in
 * d when not (not committed, not pushed or applied yet, unknown commit).
 */
int ags_rotation_revision_check(const struct ags_cluster_repo *cr, const char *new_recipient,
				const char *last_applied_revision, struct ags_diag *d);
/* --finish, local mode: removes the kept old key file(s) of key_path. *removed: how many. */
int ags_rotation_retire_old_key(const char *key_path, unsigned *removed, struct ags_diag *d);

#ifdef __cplusplus
}
#endif
#endif
