/*
 * Small file-system helpers shared by the cluster scaffolding files of
 * lib/gitops (not part of the public API).
 */
#ifndef AGS_GITOPS_FSUTIL_H
#define AGS_GITOPS_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* mkdir -p (mode 0755 for the directories it makes). */
int ags_gitops_mkdirs(const char *path);
/* lstat succeeds: anything at path, dangling links included. */
bool ags_gitops_exists(const char *path);
/*
 * Writes path atomically unless something is there already (then *written
 * stays false, unless force); makes the parent directories.
 */
int ags_gitops_write_new(const char *path, const void *data, size_t len, int mode, bool force, bool *written);

#endif
