#include "internal.h"
#include "gitops/fsutil.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

bool ags_gitops_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int ags_gitops_mkdirs(const char *path)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int ags_gitops_write_new(const char *path, const void *data, size_t len, int mode, bool force, bool *written)
{
	*written = false;
	if (ags_gitops_exists(path) && !force)
		return 0;
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = 0;
		AGS_TRY(ags_gitops_mkdirs(dir));
	}
	AGS_TRY(ags_file_write_atomic(path, data, len, mode, false));
	*written = true;
	return 0;
}
