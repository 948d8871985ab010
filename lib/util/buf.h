/*
 * Growable byte buffer with a hard cap (like curl's dynbuf).
 *
 * The buffer owns data.  Appends fail with AGS_E_TOO_BIG when len would pass
 * max, and with AGS_E_NOMEM on allocation failure; on failure the buffer
 * keeps its previous contents.  A buffer initialised with ags_buf_init_secret
 * wipes every block it gives back (on growth and on release), so it may hold
 * key material or plaintext.  data is always NUL-terminated (the NUL is not
 * counted in len) once anything has been appended.
 */
#ifndef AGS_UTIL_BUF_H
#define AGS_UTIL_BUF_H

#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>

struct ags_buf {
	unsigned char *data;
	size_t len;
	size_t cap;
	size_t max;
	bool secret;
};

void ags_buf_init(struct ags_buf *b, size_t max);
void ags_buf_init_secret(struct ags_buf *b, size_t max);
int ags_buf_reserve(struct ags_buf *b, size_t extra);
/* Room for exactly extra more bytes (no rounding up): for a known size. */
int ags_buf_reserve_exact(struct ags_buf *b, size_t extra);
int ags_buf_append(struct ags_buf *b, const void *p, size_t n);
int ags_buf_puts(struct ags_buf *b, const char *s);
int ags_buf_putc(struct ags_buf *b, int c);
int ags_buf_printf(struct ags_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ags_buf_vprintf(struct ags_buf *b, const char *fmt, va_list ap);
/* Forget the contents (wiping them if secret) but keep the allocation. */
void ags_buf_reset(struct ags_buf *b);
/* Shrink to n bytes (n <= len); wipes the tail if secret. */
void ags_buf_truncate(struct ags_buf *b, size_t n);
/* Free the storage (wiping it if secret); the buffer can be reused after init. */
void ags_buf_release(struct ags_buf *b);
/* Hand the storage to the caller (NUL-terminated, never NULL on success);
 * the buffer is left empty.  Returns NULL only on allocation failure. */
char *ags_buf_detach(struct ags_buf *b, size_t *len);

/* Makes room for one more element in a growable array items[cap] holding
 * n: doubles cap (from first).  AGS_E_NOMEM leaves the array as it was. */
int ags_array_grow(void **items, size_t *cap, size_t n, size_t elem, size_t first);

#endif
