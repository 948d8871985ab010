/* The SSH wire encoding (RFC 4251 §5): reader and writer. */
#include "internal.h"
#include "crypto/ossl.h"
#include "age/ssh.h"
#include "age/ssh_wire.h"
#include <stdlib.h>
#include <string.h>

bool ags_ssh_rd_u32(struct ags_ssh_rd *r, uint32_t *v)
{
	if (r->n < 4)
		return false;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	r->n -= 4;
	return true;
}

bool ags_ssh_rd_string(struct ags_ssh_rd *r, const uint8_t **s, size_t *len)
{
	uint32_t l;
	if (!ags_ssh_rd_u32(r, &l) || l > r->n)
		return false;
	*s = r->p;
	*len = l;
	r->p += l;
	r->n -= l;
	return true;
}

bool ags_ssh_str_is(const uint8_t *s, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(s, want, len) == 0;
}

/* A non-negative mpint as a BIGNUM (secret ones in BN_secure memory). */
BIGNUM *ags_ssh_rd_mpint(struct ags_ssh_rd *r, bool secret)
{
	const uint8_t *s;
	size_t len;
	BIGNUM *bn;

	if (!ags_ssh_rd_string(r, &s, &len) || len > AGS_SSH_RSA_MAX_BITS / 8 + 1)
		return NULL;
	if (len > 0 && (s[0] & 0x80))
		return NULL; /* negative */
	bn = secret ? BN_secure_new() : BN_new();
	if (!bn)
		return NULL;
	if (secret)
		BN_set_flags(bn, BN_FLG_CONSTTIME);
	if (!BN_bin2bn(s, (int)len, bn)) {
		BN_clear_free(bn);
		return NULL;
	}
	return bn;
}

/* ---- SSH wire writer ---- */

int ags_ssh_put_u32(struct ags_buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	return ags_buf_append(b, x, 4);
}

int ags_ssh_put_string(struct ags_buf *b, const void *s, size_t len)
{
	AGS_TRY(ags_ssh_put_u32(b, (uint32_t)len));
	return ags_buf_append(b, s, len);
}

int ags_ssh_put_cstring(struct ags_buf *b, const char *s)
{
	return ags_ssh_put_string(b, s, strlen(s));
}

int ags_ssh_put_mpint(struct ags_buf *b, const BIGNUM *bn)
{
	uint8_t tmp[AGS_SSH_RSA_MAX_BITS / 8 + 1];
	int n = BN_num_bytes(bn);

	if (n < 0 || (size_t)n > sizeof(tmp) - 1)
		return AGS_E_AGE_BAD_KEY;
	tmp[0] = 0;
	BN_bn2bin(bn, tmp + 1);
	size_t off = n > 0 && (tmp[1] & 0x80) ? 0 : 1;
	int r = ags_ssh_put_string(b, tmp + off, (size_t)n + 1 - off);
	ags_wipe(tmp, (size_t)n + 1);
	return r;
}

int ags_ssh_key_line(const char *type, const uint8_t *wire, size_t len, bool newline, char **ret)
{
	size_t tl = strlen(type), el = ags_b64_encoded_len(len, AGS_B64_PADDED);
	char *s = malloc(tl + 1 + el + 2);

	if (!s)
		return AGS_E_NOMEM;
	memcpy(s, type, tl);
	s[tl] = ' ';
	ags_b64_encode(wire, len, AGS_B64_PADDED, s + tl + 1);
	if (newline)
		strcpy(s + tl + 1 + el, "\n");
	*ret = s;
	return 0;
}
