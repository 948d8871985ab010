#include "internal.h"
#include "age/bech32.h"
#include <stdlib.h>
#include <string.h>

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t polymod_step(uint32_t chk, unsigned v)
{
	static const uint32_t gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3 };
	uint32_t top = chk >> 25;
	chk = (chk & 0x1ffffff) << 5 ^ v;
	for (int i = 0; i < 5; i++)
		if ((top >> i) & 1)
			chk ^= gen[i];
	return chk;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

/* Checksum state after the expanded (lowercased) HRP. */
static uint32_t hrp_polymod(const char *hrp, size_t n)
{
	uint32_t chk = 1;
	for (size_t i = 0; i < n; i++)
		chk = polymod_step(chk, (unsigned)lower((unsigned char)hrp[i]) >> 5);
	chk = polymod_step(chk, 0);
	for (size_t i = 0; i < n; i++)
		chk = polymod_step(chk, (unsigned)lower((unsigned char)hrp[i]) & 31);
	return chk;
}

int ags_bech32_encode(const char *hrp, const uint8_t *data, size_t len, bool up, char **ret)
{
	size_t hl = strlen(hrp);
	if (hl == 0 || len > AGS_BECH32_MAX)
		return AGS_E_INVAL;
	for (size_t i = 0; i < hl; i++)
		if ((unsigned char)hrp[i] < 33 || (unsigned char)hrp[i] > 126)
			return AGS_E_INVAL;
	size_t n5 = (len * 8 + 4) / 5;
	size_t total = hl + 1 + n5 + 6;
	if (total > AGS_BECH32_MAX)
		return AGS_E_INVAL;
	char *s = malloc(total + 1);
	if (!s)
		return AGS_E_NOMEM;
	size_t o = 0;
	for (size_t i = 0; i < hl; i++)
		s[o++] = (char)(up ? upper((unsigned char)hrp[i]) : lower((unsigned char)hrp[i]));
	s[o++] = '1';
	uint32_t chk = hrp_polymod(hrp, hl);
	uint32_t acc = 0;
	unsigned bits = 0;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8 | data[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			unsigned v = (acc >> bits) & 31;
			chk = polymod_step(chk, v);
			s[o++] = charset[v];
		}
	}
	if (bits) {
		unsigned v = (acc << (5 - bits)) & 31;
		chk = polymod_step(chk, v);
		s[o++] = charset[v];
	}
	for (int i = 0; i < 6; i++)
		chk = polymod_step(chk, 0);
	chk ^= 1;
	for (int i = 0; i < 6; i++)
		s[o++] = charset[(chk >> (5 * (5 - i))) & 31];
	s[o] = 0;
	if (up)
		for (size_t i = hl + 1; i < o; i++)
			s[i] = (char)upper((unsigned char)s[i]);
	acc = 0;
	*ret = s;
	return 0;
}

int ags_bech32_decode(const char *s, char **hrp_out, uint8_t **data_out, size_t *len_out)
{
	size_t n = strnlen(s, AGS_BECH32_MAX + 1);
	if (n > AGS_BECH32_MAX)
		return AGS_E_AGE_BECH32;
	bool has_lower = false, has_upper = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 33 || c > 126)
			return AGS_E_AGE_BECH32;
		has_lower |= c >= 'a' && c <= 'z';
		has_upper |= c >= 'A' && c <= 'Z';
	}
	if (has_lower && has_upper)
		return AGS_E_AGE_BECH32;
	const char *sep = memrchr(s, '1', n);
	if (!sep || sep == s)
		return AGS_E_AGE_BECH32;
	size_t hl = (size_t)(sep - s);
	size_t dl = n - hl - 1;
	if (dl < 6)
		return AGS_E_AGE_BECH32;
	uint32_t chk = hrp_polymod(s, hl);
	size_t plen = (dl - 6) * 5 / 8;
	uint8_t *data = malloc(plen ? plen : 1);
	char *hrp = malloc(hl + 1);
	if (!data || !hrp) {
		free(data);
		free(hrp);
		return AGS_E_NOMEM;
	}
	memcpy(hrp, s, hl);
	hrp[hl] = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;
	int r = 0;
	for (size_t i = 0; i < dl; i++) {
		const char *p = strchr(charset, lower((unsigned char)sep[1 + i]));
		if (!p || !*p) {
			r = AGS_E_AGE_BECH32;
			goto out;
		}
		unsigned v = (unsigned)(p - charset);
		chk = polymod_step(chk, v);
		if (i < dl - 6) {
			acc = (acc << 5 | v) & 0xfff;
			bits += 5;
			if (bits >= 8) {
				bits -= 8;
				data[o++] = (uint8_t)(acc >> bits);
			}
		}
	}
	/* Leftover bits must be fewer than 5 and all zero (no padding tricks). */
	if (chk != 1 || bits >= 5 || (acc & ((1u << bits) - 1))) {
		r = AGS_E_AGE_BECH32;
		goto out;
	}
	*hrp_out = hrp;
	*data_out = data;
	*len_out = o;
	hrp = NULL;
	data = NULL;
out:
	acc = 0;
	if (data)
		ags_free_secret(data, plen ? plen : 1);
	free(hrp);
	return r;
}
