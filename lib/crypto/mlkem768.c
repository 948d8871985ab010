/*
 * ML-KEM-768 from FIPS 203.  Field elements are uint16_t in [0, q); every
 * reduction is branch-free (conditional subtraction through a mask, Barrett
 * division by multiplication) and compression divides by q through a
 * multiplication as well, since a `/ q` is a variable-time div instruction in
 * unoptimised builds (KyberSlash).  Loops and table indices depend only on
 * public loop counters; the only data-dependent branches are in SampleNTT,
 * which reads the public seed rho.
 */
#include "internal.h"
#include "crypto/mlkem768.h"
#include "crypto/ossl.h"
#include "crypto/ct.h"
#include <stdlib.h>
#include <string.h>

#define Q 3329u
#define N 256
#define K 3
#define DU 10
#define DV 4
#define POLY_BYTES 384
#define PKE_DK_LEN (K * POLY_BYTES)          /* 1152 */
#define C1_LEN (K * N * DU / 8)              /* 960 */
#define PRF_LEN 128                          /* 64 * eta, eta1 = eta2 = 2 */
#define XOF_BLOCK 168                        /* SHAKE128 rate */

typedef struct {
	uint16_t c[N];
} poly;

/* zeta^BitRev7(i) mod q, zeta = 17 */
static const uint16_t zetas[128] = {
	1, 1729, 2580, 3289, 2642, 630, 1897, 848, 1062, 1919, 193, 797, 2786, 3260, 569, 1746,
	296, 2447, 1339, 1476, 3046, 56, 2240, 1333, 1426, 2094, 535, 2882, 2393, 2879, 1974, 821,
	289, 331, 3253, 1756, 1197, 2304, 2277, 2055, 650, 1977, 2513, 632, 2865, 33, 1320, 1915,
	2319, 1435, 807, 452, 1438, 2868, 1534, 2402, 2647, 2617, 1481, 648, 2474, 3110, 1227, 910,
	17, 2761, 583, 2649, 1637, 723, 2288, 1100, 1409, 2662, 3281, 233, 756, 2156, 3015, 3050,
	1703, 1651, 2789, 1789, 1847, 952, 1461, 2687, 939, 2308, 2437, 2388, 733, 2337, 268, 641,
	1584, 2298, 2037, 3220, 375, 2549, 2090, 1645, 1063, 319, 2773, 757, 2099, 561, 2466, 2594,
	2804, 1092, 403, 1026, 1143, 2150, 2775, 886, 1722, 1212, 1874, 1029, 2110, 2935, 885, 2154,
};

/* a < 2q: subtract q, add it back through a mask if that went negative. */
static inline uint16_t reduce_once(uint32_t a)
{
	uint32_t t = a - Q;
	t += (0u - (t >> 31)) & Q;
	return (uint16_t)t;
}

/* x mod q for any 32-bit x: Barrett with m = floor(2^32 / q); the estimate
 * is at most one short, so one masked subtraction finishes it. */
static inline uint16_t mod_q(uint32_t x)
{
	uint32_t quot = (uint32_t)(((uint64_t)x * 1290167u) >> 32);
	return reduce_once(x - quot * Q);
}

static inline uint16_t fadd(uint16_t a, uint16_t b)
{
	return reduce_once((uint32_t)a + b);
}

static inline uint16_t fsub(uint16_t a, uint16_t b)
{
	return reduce_once((uint32_t)a + Q - b);
}

static inline uint16_t fmul(uint16_t a, uint16_t b)
{
	return mod_q((uint32_t)a * b);
}

/* round(2^d x / q) mod 2^d.  The division of n < 2^23 by q is exact as a
 * multiplication by ceil(2^36 / q) and a shift (checked for every x by the
 * unit test). */
static inline uint16_t compress(uint16_t x, unsigned d)
{
	uint32_t n = ((uint32_t)x << d) + (Q >> 1);
	uint32_t quot = (uint32_t)(((uint64_t)n * 20642679u) >> 36);
	return (uint16_t)(quot & ((1u << d) - 1));
}

/* round(q y / 2^d) */
static inline uint16_t decompress(uint16_t y, unsigned d)
{
	return (uint16_t)(((uint32_t)y * Q + (1u << (d - 1))) >> d);
}

uint16_t ags_mlkem768_compress_(uint16_t x, unsigned d)
{
	return compress(x, d);
}

uint16_t ags_mlkem768_decompress_(uint16_t y, unsigned d)
{
	return decompress(y, d);
}

/* Algorithm 9 */
static void ntt(poly *f)
{
	unsigned i = 1;
	for (unsigned len = 128; len >= 2; len >>= 1) {
		for (unsigned start = 0; start < N; start += 2 * len) {
			uint16_t z = zetas[i++];
			for (unsigned j = start; j < start + len; j++) {
				uint16_t t = fmul(z, f->c[j + len]);
				f->c[j + len] = fsub(f->c[j], t);
				f->c[j] = fadd(f->c[j], t);
			}
		}
	}
}

/* Algorithm 10 */
static void inv_ntt(poly *f)
{
	unsigned i = 127;
	for (unsigned len = 2; len <= 128; len <<= 1) {
		for (unsigned start = 0; start < N; start += 2 * len) {
			uint16_t z = zetas[i--];
			for (unsigned j = start; j < start + len; j++) {
				uint16_t t = f->c[j];
				f->c[j] = fadd(t, f->c[j + len]);
				f->c[j + len] = fmul(z, fsub(f->c[j + len], t));
			}
		}
	}
	for (unsigned j = 0; j < N; j++)
		f->c[j] = fmul(f->c[j], 3303); /* 128^-1 mod q */
}

/* zeta^(2 BitRev7(i) + 1) mod q, for the degree-one base multiplications:
 * the pair 2j, 2j + 1 is +-zeta^BitRev7(64 + j), i.e. +-zetas[64 + j]
 * (i is a public loop index). */
static inline uint16_t gamma_at(unsigned i)
{
	uint16_t z = zetas[64 + i / 2];
	return (i & 1) ? (uint16_t)(Q - z) : z;
}

/* h += f * g in the NTT domain (Algorithms 11 and 12). */
static void basemul_acc(poly *h, const poly *f, const poly *g)
{
	for (unsigned i = 0; i < 128; i++) {
		uint32_t a0 = f->c[2 * i], a1 = f->c[2 * i + 1];
		uint32_t b0 = g->c[2 * i], b1 = g->c[2 * i + 1];
		uint32_t c0 = a0 * b0 + fmul(fmul((uint16_t)a1, (uint16_t)b1), gamma_at(i));
		uint32_t c1 = a0 * b1 + a1 * b0;
		h->c[2 * i] = fadd(h->c[2 * i], mod_q(c0));
		h->c[2 * i + 1] = fadd(h->c[2 * i + 1], mod_q(c1));
	}
}

static void poly_add(poly *r, const poly *a)
{
	for (unsigned j = 0; j < N; j++)
		r->c[j] = fadd(r->c[j], a->c[j]);
}

/* ByteEncode_12 */
static void encode12(uint8_t *out, const poly *p)
{
	for (unsigned i = 0; i < N; i += 2) {
		uint16_t a = p->c[i], b = p->c[i + 1];
		out[0] = (uint8_t)a;
		out[1] = (uint8_t)((a >> 8) | (b << 4));
		out[2] = (uint8_t)(b >> 4);
		out += 3;
	}
}

/* ByteDecode_12 (values reduced mod q, as the standard defines it) */
static void decode12(poly *p, const uint8_t *in)
{
	for (unsigned i = 0; i < N; i += 2) {
		uint32_t a = in[0] | ((uint32_t)(in[1] & 0x0f) << 8);
		uint32_t b = (in[1] >> 4) | ((uint32_t)in[2] << 4);
		p->c[i] = reduce_once(a);
		p->c[i + 1] = reduce_once(b);
		in += 3;
	}
}

/* ByteEncode_d / ByteDecode_d for d < 12: a little-endian bit stream. */
static void encode_bits(uint8_t *out, const poly *p, unsigned d)
{
	uint32_t acc = 0;
	unsigned nbits = 0;
	for (unsigned i = 0; i < N; i++) {
		acc |= (uint32_t)p->c[i] << nbits;
		nbits += d;
		while (nbits >= 8) {
			*out++ = (uint8_t)acc;
			acc >>= 8;
			nbits -= 8;
		}
	}
}

static void decode_bits(poly *p, const uint8_t *in, unsigned d)
{
	uint32_t acc = 0, mask = (1u << d) - 1;
	unsigned nbits = 0;
	for (unsigned i = 0; i < N; i++) {
		while (nbits < d) {
			acc |= (uint32_t)*in++ << nbits;
			nbits += 8;
		}
		p->c[i] = (uint16_t)(acc & mask);
		acc >>= d;
		nbits -= d;
	}
}

/* SamplePolyCBD_2 (Algorithm 8) from 128 PRF bytes. */
static void cbd2(poly *p, const uint8_t buf[PRF_LEN])
{
	for (unsigned i = 0; i < PRF_LEN; i++) {
		for (unsigned h = 0; h < 2; h++) {
			uint32_t nib = (uint32_t)buf[i] >> (4 * h);
			uint32_t x = (nib & 1) + ((nib >> 1) & 1);
			uint32_t y = ((nib >> 2) & 1) + ((nib >> 3) & 1);
			p->c[2 * i + h] = reduce_once(x + Q - y);
		}
	}
}

static int hash2(enum ags_hash_alg alg, const void *a, size_t na, const void *b, size_t nb,
		 uint8_t *out, size_t outlen)
{
	struct ags_hash *h;
	AGS_TRY(ags_hash_new(alg, &h));
	int r = ags_hash_update(h, a, na);
	if (r == 0 && nb)
		r = ags_hash_update(h, b, nb);
	if (r == 0)
		r = ags_hash_final(h, out, outlen);
	ags_hash_free(h);
	return r;
}

/* CBD_2(PRF_2(s, n)) */
static int sample_cbd(poly *p, const uint8_t s[32], uint8_t n)
{
	uint8_t buf[PRF_LEN];
	int r = hash2(AGS_HASH_SHAKE256, s, 32, &n, 1, buf, sizeof(buf));
	if (r == 0)
		cbd2(p, buf);
	ags_wipe(buf, sizeof(buf));
	return r;
}

/*
 * SampleNTT (Algorithm 7) of XOF(rho || j || i).  OpenSSL 3.0 can squeeze a
 * SHAKE only once, so ask for 4 blocks (enough except with probability far
 * below 2^-100) and, should the rejection sampling run dry, recompute a
 * longer prefix of the same stream.  rho is public, so these branches are.
 */
static int sample_ntt(poly *a, const uint8_t rho[32], uint8_t j, uint8_t i)
{
	uint8_t seed[34], buf[XOF_BLOCK * 32];
	memcpy(seed, rho, 32);
	seed[32] = j;
	seed[33] = i;
	for (size_t len = XOF_BLOCK * 4; len <= sizeof(buf); len *= 2) {
		AGS_TRY(hash2(AGS_HASH_SHAKE128, seed, sizeof(seed), NULL, 0, buf, len));
		unsigned n = 0;
		for (size_t off = 0; off + 3 <= len && n < N; off += 3) {
			uint16_t d1 = (uint16_t)(buf[off] | ((buf[off + 1] & 0x0f) << 8));
			uint16_t d2 = (uint16_t)((buf[off + 1] >> 4) | (buf[off + 2] << 4));
			if (d1 < Q)
				a->c[n++] = d1;
			if (d2 < Q && n < N)
				a->c[n++] = d2;
		}
		if (n == N)
			return 0;
	}
	return AGS_E_CRYPTO;
}

/* Â[i][j] = SampleNTT(rho || j || i) */
static int expand_matrix(poly a[K][K], const uint8_t rho[32])
{
	for (unsigned i = 0; i < K; i++)
		for (unsigned j = 0; j < K; j++)
			AGS_TRY(sample_ntt(&a[i][j], rho, (uint8_t)j, (uint8_t)i));
	return 0;
}

struct pke_keygen_tmp {
	uint8_t rs[64];
	poly s[K], e[K], t[K];
	poly a[K][K];
};

/* K-PKE.KeyGen (Algorithm 13) */
static int pke_keygen(const uint8_t d[32], bool ipd, uint8_t ek[AGS_MLKEM768_EK_LEN], uint8_t dkpke[PKE_DK_LEN])
{
	struct pke_keygen_tmp *w = calloc(1, sizeof(*w));
	if (!w)
		return AGS_E_NOMEM;
	uint8_t kbyte = K;
	int r = hash2(AGS_HASH_SHA3_512, d, 32, &kbyte, ipd ? 0 : 1, w->rs, 64);
	const uint8_t *rho = w->rs, *sigma = w->rs + 32;
	if (r == 0) {
		AGS_CT_PUBLIC(rho, 32); /* published in ek */
		r = expand_matrix(w->a, rho);
	}
	uint8_t n = 0;
	for (unsigned i = 0; i < K && r == 0; i++)
		r = sample_cbd(&w->s[i], sigma, n++);
	for (unsigned i = 0; i < K && r == 0; i++)
		r = sample_cbd(&w->e[i], sigma, n++);
	if (r == 0) {
		for (unsigned i = 0; i < K; i++) {
			ntt(&w->s[i]);
			ntt(&w->e[i]);
		}
		for (unsigned i = 0; i < K; i++) {
			w->t[i] = w->e[i];
			for (unsigned j = 0; j < K; j++)
				basemul_acc(&w->t[i], &w->a[i][j], &w->s[j]);
			encode12(ek + i * POLY_BYTES, &w->t[i]);
			encode12(dkpke + i * POLY_BYTES, &w->s[i]);
		}
		memcpy(ek + PKE_DK_LEN, rho, 32);
	}
	ags_free_secret(w, sizeof(*w));
	return r;
}

struct pke_enc_tmp {
	poly a[K][K];
	poly t[K], y[K], e1[K], u[K];
	poly e2, v, mu;
};

/* K-PKE.Encrypt (Algorithm 14); ek already passed the modulus check. */
static int pke_encrypt(const uint8_t ek[AGS_MLKEM768_EK_LEN], const uint8_t m[32], const uint8_t rnd[32],
		       uint8_t ct[AGS_MLKEM768_CT_LEN])
{
	struct pke_enc_tmp *w = calloc(1, sizeof(*w));
	if (!w)
		return AGS_E_NOMEM;
	for (unsigned i = 0; i < K; i++)
		decode12(&w->t[i], ek + i * POLY_BYTES);
	int r = expand_matrix(w->a, ek + PKE_DK_LEN);
	uint8_t n = 0;
	for (unsigned i = 0; i < K && r == 0; i++)
		r = sample_cbd(&w->y[i], rnd, n++);
	for (unsigned i = 0; i < K && r == 0; i++)
		r = sample_cbd(&w->e1[i], rnd, n++);
	if (r == 0)
		r = sample_cbd(&w->e2, rnd, n);
	if (r == 0) {
		for (unsigned i = 0; i < K; i++)
			ntt(&w->y[i]);
		for (unsigned i = 0; i < K; i++) {
			for (unsigned j = 0; j < K; j++)
				basemul_acc(&w->u[i], &w->a[j][i], &w->y[j]); /* Â^T */
			inv_ntt(&w->u[i]);
			poly_add(&w->u[i], &w->e1[i]);
			for (unsigned c = 0; c < N; c++)
				w->u[i].c[c] = compress(w->u[i].c[c], DU);
			encode_bits(ct + i * (N * DU / 8), &w->u[i], DU);
		}
		for (unsigned i = 0; i < K; i++)
			basemul_acc(&w->v, &w->t[i], &w->y[i]);
		inv_ntt(&w->v);
		poly_add(&w->v, &w->e2);
		decode_bits(&w->mu, m, 1);
		for (unsigned c = 0; c < N; c++)
			w->mu.c[c] = decompress(w->mu.c[c], 1);
		poly_add(&w->v, &w->mu);
		for (unsigned c = 0; c < N; c++)
			w->v.c[c] = compress(w->v.c[c], DV);
		encode_bits(ct + C1_LEN, &w->v, DV);
	}
	ags_free_secret(w, sizeof(*w));
	return r;
}

struct pke_dec_tmp {
	poly u[K], s[K];
	poly v, w;
};

/* K-PKE.Decrypt (Algorithm 15) */
static int pke_decrypt(const uint8_t dkpke[PKE_DK_LEN], const uint8_t ct[AGS_MLKEM768_CT_LEN], uint8_t m[32])
{
	struct pke_dec_tmp *w = calloc(1, sizeof(*w));
	if (!w)
		return AGS_E_NOMEM;
	for (unsigned i = 0; i < K; i++) {
		decode_bits(&w->u[i], ct + i * (N * DU / 8), DU);
		for (unsigned c = 0; c < N; c++)
			w->u[i].c[c] = decompress(w->u[i].c[c], DU);
		ntt(&w->u[i]);
		decode12(&w->s[i], dkpke + i * POLY_BYTES);
		basemul_acc(&w->w, &w->s[i], &w->u[i]);
	}
	inv_ntt(&w->w);
	decode_bits(&w->v, ct + C1_LEN, DV);
	for (unsigned c = 0; c < N; c++) {
		uint16_t v = decompress(w->v.c[c], DV);
		w->w.c[c] = compress(fsub(v, w->w.c[c]), 1);
	}
	encode_bits(m, &w->w, 1);
	ags_free_secret(w, sizeof(*w));
	return 0;
}

int ags_mlkem768_ek_check(const uint8_t ek[AGS_MLKEM768_EK_LEN])
{
	uint32_t bad = 0;
	for (unsigned i = 0; i < PKE_DK_LEN; i += 3) {
		uint32_t a = ek[i] | ((uint32_t)(ek[i + 1] & 0x0f) << 8);
		uint32_t b = (ek[i + 1] >> 4) | ((uint32_t)ek[i + 2] << 4);
		bad |= (uint32_t)(a >= Q) | (uint32_t)(b >= Q);
	}
	return bad ? AGS_E_AGE_BAD_KEY : 0;
}

static int keygen(const uint8_t d[32], const uint8_t z[32], bool ipd,
		  uint8_t ek[AGS_MLKEM768_EK_LEN], uint8_t dk[AGS_MLKEM768_DK_LEN])
{
	uint8_t myek[AGS_MLKEM768_EK_LEN], mydk[AGS_MLKEM768_DK_LEN];
	int r = pke_keygen(d, ipd, myek, mydk);
	if (r == 0) {
		memcpy(mydk + PKE_DK_LEN, myek, AGS_MLKEM768_EK_LEN);
		r = hash2(AGS_HASH_SHA3_256, myek, AGS_MLKEM768_EK_LEN, NULL, 0,
			  mydk + PKE_DK_LEN + AGS_MLKEM768_EK_LEN, 32);
	}
	if (r == 0) {
		memcpy(mydk + PKE_DK_LEN + AGS_MLKEM768_EK_LEN + 32, z, 32);
		memcpy(ek, myek, sizeof(myek));
		memcpy(dk, mydk, sizeof(mydk));
	}
	ags_wipe(mydk, sizeof(mydk));
	return r;
}

int ags_mlkem768_keygen_internal(const uint8_t d[32], const uint8_t z[32],
				 uint8_t ek[AGS_MLKEM768_EK_LEN], uint8_t dk[AGS_MLKEM768_DK_LEN])
{
	return keygen(d, z, false, ek, dk);
}

int ags_mlkem768_keygen_internal_ipd_(const uint8_t d[32], const uint8_t z[32],
				      uint8_t ek[AGS_MLKEM768_EK_LEN], uint8_t dk[AGS_MLKEM768_DK_LEN])
{
	return keygen(d, z, true, ek, dk);
}

/* Encaps_internal without the input check: (K, r) = G(m || h), c = Encrypt(ek, m, r). */
static int encaps(const uint8_t ek[AGS_MLKEM768_EK_LEN], const uint8_t h[32], const uint8_t m[32],
		  uint8_t kr[64], uint8_t ct[AGS_MLKEM768_CT_LEN])
{
	AGS_TRY(hash2(AGS_HASH_SHA3_512, m, 32, h, 32, kr, 64));
	return pke_encrypt(ek, m, kr + 32, ct);
}

int ags_mlkem768_encaps_internal(const uint8_t ek[AGS_MLKEM768_EK_LEN], const uint8_t m[32],
				 uint8_t ss[32], uint8_t ct[AGS_MLKEM768_CT_LEN])
{
	AGS_TRY(ags_mlkem768_ek_check(ek));
	uint8_t h[32], kr[64], myct[AGS_MLKEM768_CT_LEN];
	int r = hash2(AGS_HASH_SHA3_256, ek, AGS_MLKEM768_EK_LEN, NULL, 0, h, 32);
	if (r == 0)
		r = encaps(ek, h, m, kr, myct);
	if (r == 0) {
		memcpy(ss, kr, 32);
		memcpy(ct, myct, sizeof(myct));
	}
	ags_wipe(kr, sizeof(kr));
	return r;
}

int ags_mlkem768_encaps(const uint8_t ek[AGS_MLKEM768_EK_LEN], uint8_t ss[32], uint8_t ct[AGS_MLKEM768_CT_LEN])
{
	uint8_t m[32];
	int r = ags_random(m, sizeof(m));
	if (r == 0)
		r = ags_mlkem768_encaps_internal(ek, m, ss, ct);
	ags_wipe(m, sizeof(m));
	return r;
}

struct decaps_tmp {
	uint8_t m[32], kr[64], kbar[32];
	uint8_t ct2[AGS_MLKEM768_CT_LEN];
};

int ags_mlkem768_decaps(const uint8_t dk[AGS_MLKEM768_DK_LEN], const uint8_t ct[AGS_MLKEM768_CT_LEN],
			uint8_t ss[32])
{
	const uint8_t *dkpke = dk, *ek = dk + PKE_DK_LEN;
	const uint8_t *h = ek + AGS_MLKEM768_EK_LEN, *z = h + 32;
	struct decaps_tmp *w = calloc(1, sizeof(*w));
	if (!w)
		return AGS_E_NOMEM;
	/* Hash check (FIPS 203 §7.3): ek and h are the public half of dk. */
	uint8_t hh[32];
	int r = hash2(AGS_HASH_SHA3_256, ek, AGS_MLKEM768_EK_LEN, NULL, 0, hh, 32);
	if (r == 0 && memcmp(hh, h, 32) != 0)
		r = AGS_E_AGE_BAD_KEY;
	if (r == 0)
		r = pke_decrypt(dkpke, ct, w->m);
	if (r == 0)
		r = encaps(ek, h, w->m, w->kr, w->ct2);
	if (r == 0)
		r = hash2(AGS_HASH_SHAKE256, z, 32, ct, AGS_MLKEM768_CT_LEN, w->kbar, 32);
	if (r == 0) {
		/* Implicit rejection: select K' or K-bar without branching on the comparison. */
		uint32_t diff = 0;
		for (size_t i = 0; i < AGS_MLKEM768_CT_LEN; i++)
			diff |= (uint32_t)(ct[i] ^ w->ct2[i]);
		uint8_t keep = (uint8_t)(0u - ((diff - 1) >> 31)); /* 0xff iff equal */
		for (size_t i = 0; i < 32; i++)
			ss[i] = (uint8_t)((w->kr[i] & keep) | (w->kbar[i] & (uint8_t)~keep));
	}
	ags_free_secret(w, sizeof(*w));
	return r;
}
