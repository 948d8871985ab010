/*
 * One sops file as the commands beyond encrypt/decrypt use it: read,
 * loaded, data key opened, decrypted; written back atomically; the
 * .sops.yaml of the run; store and indentation choice.  Nothing here prints
 * but the warning for an ignored .sops.yml; errors fill a diag.
 */
#ifndef AGS_SRC_SOPS_FILEIO_H
#define AGS_SRC_SOPS_FILEIO_H

#include <agesops/agesops.h>
#include <agesops/sops.h>
#include <agesops/sops-config.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opts.h"

struct ags_buf;
struct ags_age_identities;

/* Job result (> 0) for a file skipped because it is not sops-encrypted. */
#define SM_SKIPPED_PLAIN 2

/* Reads a whole file ("-" = stdin) into out (init by the caller). */
int sm_read(const char *path, struct ags_buf *out, struct ags_diag *d);

/* Identities from sops' sources, loaded once per process (thread-safe to
 * use afterwards).  NULL and d filled when none could be loaded. */
const struct ags_age_identities *sm_identities(struct ags_diag *d);
void sm_identities_free(void);

/* An opened (decrypted) document. */
struct sm_file {
	struct ags_sops_doc *doc;
	uint8_t key[AGS_SOPS_DATA_KEY_LEN];
	bool have_key;
};
/* How far sm_open goes. */
enum sm_level { SM_LOAD, SM_KEY, SM_DECRYPT };
/* Reads and loads path, then (SM_KEY) opens the data key, then (SM_DECRYPT)
 * decrypts every value and checks the MAC. */
int sm_open(const char *path, const struct sm_opts *o, enum sm_level level, struct sm_file *f, struct ags_diag *d);
/* Opens the data key of a loaded file (after sm_open(SM_LOAD)). */
int sm_get_key(struct sm_file *f, struct ags_diag *d);
void sm_close(struct sm_file *f);

/* Store name used for path (type override first). */
const char *sm_store_name(const char *type, const char *path);
/* Indent for store: the flag, else .sops.yaml stores setting, else default. */
int sm_indent(const struct sm_opts *o, const struct ags_sops_config *cfg, const char *store);
/* sm_indent for path written as store type (NULL: chosen by path's name)
 * with this run's .sops.yaml (sm_config); a broken .sops.yaml only loses
 * its indentation setting here. */
int sm_file_indent(const struct sm_opts *o, const char *type, const char *path);

/* Writes bytes over an existing path atomically (mode kept); in a batch
 * (sm_run_many) the directory sync is deferred to the end. */
int sm_write_bytes(const char *path, const void *data, size_t len, struct ags_diag *d);
/* Emits the (encrypted) document and writes it to path atomically, keeping
 * its mode.  type NULL = the document's own store. */
int sm_write(struct ags_sops_doc *doc, const char *path, const char *type, int indent, struct ags_diag *d);
/*
 * set and unset: opens path decrypted, calls edit on its first document
 * (an error of edit gets the path in front), and when edit sets *write,
 * re-encrypts the file with its own data key and writes it back over path,
 * indented as the flags or .sops.yaml say.
 */
struct ags_branch;
typedef int (*sm_doc_edit_fn)(struct ags_branch *doc, void *ctx, bool *write, struct ags_diag *d);
int sm_edit_in_place(const char *path, const struct sm_opts *o, sm_doc_edit_fn edit, void *ctx,
		     struct ags_diag *d);
/* While b is set (sm_run_many), sm_write_bytes adds to batch b, made durable
 * and renamed by ags_repo_batch_commit. */
struct ags_repo_batch;
void sm_write_batch(struct ags_repo_batch *b);

/*
 * The config for this run: --config / $SOPS_CONFIG, else .sops.yaml found
 * from the working directory.  *cfg NULL when there is none and !required.
 * Prints a warning for an ignored .sops.yml.  Fills d on error.
 */
int sm_config(const struct sm_opts *o, bool required, struct ags_sops_config **cfg, struct ags_diag *d);

/* The sops version comparison edit uses: is a newer than b (semver)? */
bool sm_version_newer(const char *a, const char *b);

#endif
