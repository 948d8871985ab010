/*
 * Shamir secret sharing over GF(2^8), compatible with sops' shamir package.
 *
 * Field arithmetic is done bit by bit instead of with log/exp tables: table
 * lookups indexed by secret bytes leak through the cache, the shift-and-add
 * loop below does the same work whatever the operands.  The x coordinates
 * are public (they sit in clear inside each share), only y values and
 * polynomial coefficients are secret.
 */
#include "internal.h"
#include "sops/shamir.h"
#include "crypto/ossl.h"
#include <string.h>

uint8_t ags_gf256_mul(uint8_t a, uint8_t b)
{
	unsigned r = 0, x = a, y = b;
	for (int i = 0; i < 8; i++) {
		r ^= x & (0u - (y & 1u));
		y >>= 1;
		/* multiply x by the generator and reduce by 0x11b without a branch */
		unsigned hi = 0u - ((x >> 7) & 1u);
		x = ((x << 1) ^ (hi & 0x1bu)) & 0xffu;
	}
	return (uint8_t)r;
}

uint8_t ags_gf256_inv(uint8_t a)
{
	/* a^254 = a^-1 in GF(2^8), by a fixed square-and-multiply chain */
	uint8_t r = 1, base = a;
	for (int bit = 0; bit < 8; bit++) {
		uint8_t m = ags_gf256_mul(r, base);
		unsigned sel = 0u - ((254u >> bit) & 1u); /* public exponent bits */
		r = (uint8_t)((m & sel) | (r & ~sel));
		base = ags_gf256_mul(base, base);
	}
	return r;
}

/* Horner's rule on coefficients c[0..deg] at x. */
static uint8_t poly_eval(const uint8_t *c, unsigned deg, uint8_t x)
{
	uint8_t out = c[deg];
	for (unsigned i = deg; i-- > 0;)
		out = ags_gf256_mul(out, x) ^ c[i];
	return out;
}

/* Uniform random permutation prefix of 1..255 (Fisher-Yates with rejection sampling). */
static int random_xs(uint8_t *xs, unsigned parts)
{
	uint8_t pool[255];
	for (unsigned i = 0; i < 255; i++)
		pool[i] = (uint8_t)(i + 1);
	for (unsigned i = 0; i < parts; i++) {
		unsigned range = 255 - i, limit = 256 - (256 % range), r;
		do {
			uint8_t b;
			AGS_TRY(ags_random(&b, 1));
			r = b;
		} while (r >= limit);
		unsigned j = i + r % range;
		uint8_t t = pool[i];
		pool[i] = pool[j];
		pool[j] = t;
		xs[i] = pool[i];
	}
	return 0;
}

int ags_shamir_split(const uint8_t *secret, size_t len, unsigned parts, unsigned threshold,
		     uint8_t *out)
{
	if (!secret || !out || len == 0 || threshold < 2 || parts < threshold ||
	    parts > AGS_SHAMIR_MAX_PARTS)
		return AGS_E_INVAL;
	uint8_t xs[AGS_SHAMIR_MAX_PARTS];
	AGS_TRY(random_xs(xs, parts));
	uint8_t coeff[AGS_SHAMIR_MAX_PARTS];
	size_t slen = len + 1;
	int r = 0;
	for (unsigned p = 0; p < parts; p++)
		out[p * slen + len] = xs[p];
	for (size_t i = 0; i < len; i++) {
		coeff[0] = secret[i];
		r = ags_random(coeff + 1, threshold - 1);
		if (r < 0)
			break;
		for (unsigned p = 0; p < parts; p++)
			out[p * slen + i] = poly_eval(coeff, threshold - 1, xs[p]);
	}
	ags_wipe(coeff, sizeof(coeff));
	if (r < 0)
		ags_wipe(out, parts * slen);
	return r;
}

int ags_shamir_combine(const uint8_t *const *shares, size_t n, size_t share_len, uint8_t *out)
{
	if (!shares || !out)
		return AGS_E_INVAL;
	if (n < 2 || n > AGS_SHAMIR_MAX_PARTS || share_len < 2)
		return AGS_E_SOPS_SHAMIR;
	size_t len = share_len - 1;
	uint8_t xs[AGS_SHAMIR_MAX_PARTS], basis[AGS_SHAMIR_MAX_PARTS];
	bool seen[256] = { false };
	for (size_t i = 0; i < n; i++) {
		xs[i] = shares[i][len];
		if (xs[i] == 0 || seen[xs[i]])
			return AGS_E_SOPS_SHAMIR;
		seen[xs[i]] = true;
	}
	/* Lagrange basis at 0 depends only on the public x values: compute once. */
	for (size_t i = 0; i < n; i++) {
		uint8_t b = 1;
		for (size_t j = 0; j < n; j++) {
			if (i == j)
				continue;
			/* (0 - xj) / (xi - xj); subtraction is XOR */
			b = ags_gf256_mul(b, ags_gf256_mul(xs[j], ags_gf256_inv(xs[i] ^ xs[j])));
		}
		basis[i] = b;
	}
	for (size_t k = 0; k < len; k++) {
		uint8_t acc = 0;
		for (size_t i = 0; i < n; i++)
			acc ^= ags_gf256_mul(shares[i][k], basis[i]);
		out[k] = acc;
	}
	return 0;
}

/* The fixed-size entry points the sops core calls (agesops/sops.h): a
 * 32-byte data key and 33-byte shares. */
int ags_sops_shamir_split(const uint8_t secret[32], unsigned parts, unsigned threshold, uint8_t (*shares)[33])
{
	return ags_shamir_split(secret, 32, parts, threshold, &shares[0][0]);
}

int ags_sops_shamir_combine(const uint8_t (*shares)[33], size_t n, uint8_t secret[32])
{
	const uint8_t *p[AGS_SHAMIR_MAX_PARTS];
	if (n > AGS_SHAMIR_MAX_PARTS)
		return AGS_E_SOPS_SHAMIR;
	for (size_t i = 0; i < n; i++)
		p[i] = shares[i];
	return ags_shamir_combine(p, n, 33, secret);
}
