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

/* A spill function takes bytes away (to an output file): 0 or < 0. */
typedef int (*ags_buf_spill_fn)(void *ctx, const void *p, size_t n);

struct ags_buf {
	unsigned char *data;
	size_t len;
	size_t cap;
	size_t max;
	bool secret;
	ags_buf_spill_fn spill; /* see ags_buf_set_spill; NULL: keep everything */
	void *spill_ctx;
	size_t spilled; /* bytes already handed to spill (they count for max) */
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

/*
 * Spilling, for a document emitted straight to its output file: once the
 * contents would pass AGS_BUF_SPILL_AT bytes they are handed to fn and the
 * buffer starts again (wiped first if secret), and an append of at least
 * AGS_BUF_SPILL_AT bytes goes to fn directly, without a copy.  So memory
 * stays at one piece, whatever the document's size.  len then counts only
 * what was not handed over yet (ags_buf_truncate to an older length does
 * nothing); ags_buf_spill_flush hands over the rest.  A failure of fn is
 * returned by the append that caused it.
 */
#define AGS_BUF_SPILL_AT ((size_t)1 << 20)
void ags_buf_set_spill(struct ags_buf *b, ags_buf_spill_fn fn, void *ctx);
int ags_buf_spill_flush(struct ags_buf *b);
/* ags_buf_reserve as a hint only: nothing on a spilling buffer (its pieces
 * are small), and a failure to grow is left to the appends that follow. */
void ags_buf_reserve_hint(struct ags_buf *b, size_t extra);

/* Makes room for one more element in a growable array items[cap] holding
 * n: doubles cap (from first).  AGS_E_NOMEM leaves the array as it was. */
int ags_array_grow(void **items, size_t *cap, size_t n, size_t elem, size_t first);

/* Appends p to the array of pointers *v holding *n, grown by one (for short
 * lists).  AGS_E_TOO_BIG when it holds max already, AGS_E_NOMEM; either
 * leaves the array as it was. */
int ags_array_push_ptr(void ***v, size_t *n, size_t max, void *p);

#endif
