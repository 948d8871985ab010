#include "internal.h"
#include <stdlib.h>
#include <string.h>

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t ags_b64_encoded_len(size_t n, enum ags_b64_mode mode)
{
	if (mode == AGS_B64_PADDED)
		return (n + 2) / 3 * 4;
	return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

size_t ags_b64_decoded_max(size_t n)
{
	return n / 4 * 3 + 3;
}

/* in and out may overlap (b64.h): keep each group's reads before its writes. */
size_t ags_b64_encode(const void *in, size_t n, enum ags_b64_mode mode, char *out)
{
	const unsigned char *p = in;
	size_t o = 0, i = 0;
	for (; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)p[i] << 16;
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		if (mode == AGS_B64_PADDED) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (n - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		if (mode == AGS_B64_PADDED)
			out[o++] = '=';
	}
	out[o] = 0;
	return o;
}

static int val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int ags_b64_decode(const char *in, size_t n, enum ags_b64_mode mode,
		   void *out, size_t *outlen)
{
	unsigned char *o = out;
	size_t data = n;
	if (mode == AGS_B64_PADDED) {
		if (n % 4)
			return AGS_E_BASE64;
		if (n && in[n - 1] == '=')
			data--;
		if (n > 1 && in[n - 2] == '=')
			data--;
	} else if (n % 4 == 1) {
		return AGS_E_BASE64;
	}
	size_t oi = 0, i = 0;
	for (; i + 4 <= data; i += 4) {
		int a = val(in[i]), b = val(in[i + 1]), c = val(in[i + 2]), d = val(in[i + 3]);
		if ((a | b | c | d) < 0)
			return AGS_E_BASE64;
		unsigned v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 | (unsigned)d;
		o[oi++] = (unsigned char)(v >> 16);
		o[oi++] = (unsigned char)(v >> 8);
		o[oi++] = (unsigned char)v;
	}
	size_t rest = data - i;
	if (rest == 1)
		return AGS_E_BASE64;
	if (rest == 2) {
		int a = val(in[i]), b = val(in[i + 1]);
		if ((a | b) < 0 || (b & 15))
			return AGS_E_BASE64;
		o[oi++] = (unsigned char)(a << 2 | b >> 4);
	} else if (rest == 3) {
		int a = val(in[i]), b = val(in[i + 1]), c = val(in[i + 2]);
		if ((a | b | c) < 0 || (c & 3))
			return AGS_E_BASE64;
		o[oi++] = (unsigned char)(a << 2 | b >> 4);
		o[oi++] = (unsigned char)((b & 15) << 4 | c >> 2);
	}
	*outlen = oi;
	return 0;
}

int ags_b64_decode_wrapped(const char *in, size_t n, unsigned char **out, size_t *outlen)
{
	char *clean = malloc(n + 1);
	if (!clean)
		return AGS_E_NOMEM;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (in[i] != '\n' && in[i] != '\r')
			clean[m++] = in[i];
	size_t max = ags_b64_decoded_max(m) + 1;
	unsigned char *buf = malloc(max);
	size_t bl = 0;
	int r = buf ? ags_b64_decode(clean, m, AGS_B64_PADDED, buf, &bl) : AGS_E_NOMEM;
	ags_free_secret(clean, n + 1);
	if (r < 0) {
		ags_free_secret(buf, max);
		return r;
	}
	buf[bl] = 0;
	*out = buf;
	*outlen = bl;
	return 0;
}
