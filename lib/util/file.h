/*
 * File helpers: bounded reads and crash-safe writes.
 */
#ifndef AGS_UTIL_FILE_H
#define AGS_UTIL_FILE_H

#include <stddef.h>
#include <sys/types.h>
#include "util/buf.h"

/* Largest file any command reads whole (sops documents, key files, configs). */
#define AGS_FILE_MAX ((size_t)1 << 30)
/* Largest encrypted sops document read or written whole: an AGS_FILE_MAX
 * binary file encrypts to 4/3 of it, a document of small values to ~2.7x.
 * Equal to the stores' input cap (AGS_STORE_MAX_INPUT), so whatever
 * encrypt writes, decrypt, rotate, set and edit can read back. */
#define AGS_ENC_FILE_MAX ((size_t)2 << 30)

/*
 * Appends the whole content of path ("-" = stdin) to out.  Fails with
 * AGS_E_TOO_BIG past out->max, -errno on I/O errors.  Init out with
 * ags_buf_init_secret when the content may be secret.
 */
int ags_file_read(const char *path, struct ags_buf *out);
int ags_fd_read_all(int fd, struct ags_buf *out);

/*
 * Writes data to path with util/outfile.h: through symlinks, atomically for
 * regular files (temp file, owner/mode/xattrs kept, fsync, rename, directory
 * fsync), directly into FIFOs and devices, refusing multiply-linked files.
 * mode < 0 keeps the mode of an existing path (0666 & ~umask for a new one).
 * On any failure path is untouched.  With exclusive, fails with
 * AGS_E_EXISTS when path exists (link(2) instead of rename, so a racing
 * creator is not clobbered).
 */
int ags_file_write_atomic(const char *path, const void *data, size_t len, int mode, bool exclusive);

/* write(2) until done, retrying on EINTR. */
int ags_write_all(int fd, const void *p, size_t n);

#endif
