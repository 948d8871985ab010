/*
 * libFuzzer target: the age header parser and the armor reader, plus the
 * whole decryption path behind them.  Checks that a header the strict
 * parser accepts re-serialises to exactly the bytes it was parsed from.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "age/format.h"
#include <agesops/age.h>

#define TEST_ID "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"

struct mem {
	const uint8_t *p;
	size_t len, off;
};

static ssize_t rd(void *ctx, void *buf, size_t n)
{
	struct mem *m = ctx;
	/* small reads exercise buffer boundaries */
	size_t take = n < m->len - m->off ? n : m->len - m->off;
	if (take > 97)
		take = 97;
	memcpy(buf, m->p + m->off, take);
	m->off += take;
	return (ssize_t)take;
}

static int wr(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ags_age_header h;
	size_t used;
	if (ags_age_header_parse(data, size, &h, &used, NULL) == 0) {
		struct ags_buf b;
		ags_buf_init(&b, (size_t)64 << 20);
		if (ags_age_header_marshal_without_mac(&h.st, &b) != 0 || b.len != h.mac_covered ||
		    memcmp(b.data, data, b.len) != 0)
			abort();
		ags_buf_release(&b);
		ags_age_header_clear(&h);
	}
	static struct ags_age_identity *id;
	if (!id && ags_age_identity_parse(TEST_ID, &id, NULL) != 0)
		abort();
	for (int mode = 0; mode < 2; mode++) {
		struct mem m = { data, size, 0 };
		struct ags_diag d = { 0 };
		int r = ags_age_decrypt_stream(&id, 1, mode ? AGS_AGE_ARMOR_YES : AGS_AGE_ARMOR_AUTO, rd, &m, wr, NULL, &d);
		if (r < 0 && !d.msg[0])
			abort(); /* every failure must say why */
	}
	return 0;
}
