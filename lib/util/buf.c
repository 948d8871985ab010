#include "internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void ags_buf_init(struct ags_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void ags_buf_init_secret(struct ags_buf *b, size_t max)
{
	ags_buf_init(b, max);
	b->secret = true;
}

static int grow_to(struct ags_buf *b, size_t ncap)
{
	unsigned char *n;
	if (b->secret) {
		/* realloc could leave a copy behind: move by hand and wipe. */
		n = malloc(ncap);
		if (!n)
			return AGS_E_NOMEM;
		if (b->data) {
			memcpy(n, b->data, b->len + 1);
			ags_wipe(b->data, b->cap);
			free(b->data);
		}
	} else {
		n = realloc(b->data, ncap);
		if (!n)
			return AGS_E_NOMEM;
	}
	if (!b->data)
		n[0] = 0;
	b->data = n;
	b->cap = ncap;
	return 0;
}

void ags_buf_set_spill(struct ags_buf *b, ags_buf_spill_fn fn, void *ctx)
{
	b->spill = fn;
	b->spill_ctx = ctx;
}

int ags_buf_spill_flush(struct ags_buf *b)
{
	if (!b->spill || !b->len)
		return 0;
	int r = b->spill(b->spill_ctx, b->data, b->len);
	if (r < 0)
		return r;
	if (b->secret)
		ags_wipe(b->data, b->len);
	b->spilled += b->len;
	b->len = 0;
	b->data[0] = 0;
	return 0;
}

/* What may still be added, counting what was spilled. */
static bool over_max(const struct ags_buf *b, size_t extra)
{
	return b->spilled > b->max || extra > b->max - b->spilled || b->len > b->max - b->spilled - extra;
}

int ags_buf_reserve(struct ags_buf *b, size_t extra)
{
	if (over_max(b, extra))
		return AGS_E_TOO_BIG;
	if (b->spill && b->len && b->len + extra > AGS_BUF_SPILL_AT) {
		int r = ags_buf_spill_flush(b);
		if (r < 0)
			return r;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	return grow_to(b, ncap);
}

int ags_buf_reserve_exact(struct ags_buf *b, size_t extra)
{
	if (over_max(b, extra))
		return AGS_E_TOO_BIG;
	size_t need = b->len + extra + 1;
	return need <= b->cap ? 0 : grow_to(b, need);
}

void ags_buf_reserve_hint(struct ags_buf *b, size_t extra)
{
	if (!b->spill)
		(void)ags_buf_reserve(b, extra);
}

int ags_buf_append(struct ags_buf *b, const void *p, size_t n)
{
	if (b->spill && n >= AGS_BUF_SPILL_AT) {
		/* a large piece (a value as big as the file) goes out as it is */
		if (over_max(b, n))
			return AGS_E_TOO_BIG;
		int r = ags_buf_spill_flush(b);
		if (r == 0)
			r = b->spill(b->spill_ctx, p, n);
		if (r < 0)
			return r;
		b->spilled += n;
		return 0;
	}
	int r = ags_buf_reserve(b, n);
	if (r < 0)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return 0;
}

int ags_buf_puts(struct ags_buf *b, const char *s)
{
	return ags_buf_append(b, s, strlen(s));
}

int ags_buf_putc(struct ags_buf *b, int c)
{
	unsigned char ch = (unsigned char)c;
	return ags_buf_append(b, &ch, 1);
}

int ags_buf_vprintf(struct ags_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return AGS_E_INVAL;
	int r = ags_buf_reserve(b, (size_t)n);
	if (r < 0)
		return r;
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int ags_buf_printf(struct ags_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = ags_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void ags_buf_truncate(struct ags_buf *b, size_t n)
{
	if (n >= b->len)
		return;
	if (b->secret)
		ags_wipe(b->data + n, b->len - n);
	b->len = n;
	b->data[n] = 0;
}

void ags_buf_reset(struct ags_buf *b)
{
	if (b->data)
		ags_buf_truncate(b, 0);
}

void ags_buf_release(struct ags_buf *b)
{
	if (b->data) {
		if (b->secret)
			ags_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->len = b->cap = 0;
}

char *ags_buf_detach(struct ags_buf *b, size_t *len)
{
	if (!b->data && ags_buf_reserve(b, 0) < 0)
		return NULL;
	char *p = (char *)b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

int ags_array_grow(void **items, size_t *cap, size_t n, size_t elem, size_t first)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : first;
	if (nc < *cap || nc > SIZE_MAX / elem)
		return AGS_E_NOMEM;
	void *p = realloc(*items, nc * elem);
	if (!p)
		return AGS_E_NOMEM;
	*items = p;
	*cap = nc;
	return 0;
}

int ags_array_push_ptr(void ***v, size_t *n, size_t max, void *p)
{
	if (*n >= max)
		return AGS_E_TOO_BIG;
	void **nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return AGS_E_NOMEM;
	nv[(*n)++] = p;
	*v = nv;
	return 0;
}
