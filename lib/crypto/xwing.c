/*
 * MLKEM768-X25519 (X-Wing combiner) and its HPKE key schedule.  HPKE's
 * LabeledExtract/LabeledExpand are HKDF-SHA256's extract and expand halves,
 * served by OpenSSL's HKDF (ags_hkdf_sha256_extract/_expand); this file only
 * builds their labeled inputs.
 */
#include "internal.h"
#include "crypto/xwing.h"
#include "crypto/ossl.h"
#include <string.h>

static const uint8_t xwing_label[6] = { 0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c }; /* \.//^\ */
static const uint8_t suite_id[10] = { 'H', 'P', 'K', 'E', 0x64, 0x7a, 0x00, 0x01, 0x00, 0x03 };

int ags_xwing_expand(const uint8_t seed[AGS_XWING_SEED_LEN], struct ags_xwing_key *k)
{
	uint8_t x[96], ek[AGS_MLKEM768_EK_LEN];
	struct ags_hash *h;
	AGS_TRY(ags_hash_new(AGS_HASH_SHAKE256, &h));
	int r = ags_hash_update(h, seed, AGS_XWING_SEED_LEN);
	if (r == 0)
		r = ags_hash_final(h, x, sizeof(x));
	ags_hash_free(h);
	if (r == 0)
		r = ags_mlkem768_keygen_internal(x, x + 32, ek, k->dk_pq);
	if (r == 0) {
		memcpy(k->sk_t, x + 64, 32);
		memcpy(k->pk, ek, sizeof(ek));
		r = ags_x25519_public(k->sk_t, k->pk + AGS_MLKEM768_EK_LEN);
	}
	if (r < 0)
		ags_wipe(k, sizeof(*k));
	ags_wipe(x, sizeof(x));
	return r;
}

int ags_xwing_pk_check(const uint8_t pk[AGS_XWING_PK_LEN])
{
	return ags_mlkem768_ek_check(pk);
}

/* SHA3-256(ss_PQ || ss_T || ct_T || pk_T || label) */
static int combine(const uint8_t ss_pq[32], const uint8_t ss_t[32], const uint8_t ct_t[32],
		   const uint8_t pk_t[32], uint8_t out[32])
{
	struct ags_hash *h;
	AGS_TRY(ags_hash_new(AGS_HASH_SHA3_256, &h));
	int r = ags_hash_update(h, ss_pq, 32);
	if (r == 0)
		r = ags_hash_update(h, ss_t, 32);
	if (r == 0)
		r = ags_hash_update(h, ct_t, 32);
	if (r == 0)
		r = ags_hash_update(h, pk_t, 32);
	if (r == 0)
		r = ags_hash_update(h, xwing_label, sizeof(xwing_label));
	if (r == 0)
		r = ags_hash_final(h, out, 32);
	ags_hash_free(h);
	return r;
}

int ags_xwing_encaps_internal(const uint8_t pk[AGS_XWING_PK_LEN], const uint8_t ikme[AGS_XWING_IKME_LEN],
			      uint8_t ss[32], uint8_t enc[AGS_XWING_ENC_LEN])
{
	const uint8_t *pk_t = pk + AGS_MLKEM768_EK_LEN;
	uint8_t ss_pq[32], ss_t[32], myenc[AGS_XWING_ENC_LEN], myss[32];
	int r = ags_mlkem768_encaps_internal(pk, ikme, ss_pq, myenc);
	if (r == 0)
		r = ags_x25519_public(ikme + 32, myenc + AGS_MLKEM768_CT_LEN);
	if (r == 0)
		r = ags_x25519_shared(ikme + 32, pk_t, ss_t);
	if (r == 0)
		r = combine(ss_pq, ss_t, myenc + AGS_MLKEM768_CT_LEN, pk_t, myss);
	if (r == 0) {
		memcpy(ss, myss, 32);
		memcpy(enc, myenc, sizeof(myenc));
	}
	ags_wipe(ss_pq, sizeof(ss_pq));
	ags_wipe(ss_t, sizeof(ss_t));
	ags_wipe(myss, sizeof(myss));
	return r;
}

int ags_xwing_encaps(const uint8_t pk[AGS_XWING_PK_LEN], uint8_t ss[32], uint8_t enc[AGS_XWING_ENC_LEN])
{
	uint8_t ikme[AGS_XWING_IKME_LEN];
	int r = ags_random(ikme, sizeof(ikme));
	if (r == 0)
		r = ags_xwing_encaps_internal(pk, ikme, ss, enc);
	ags_wipe(ikme, sizeof(ikme));
	return r;
}

int ags_xwing_decaps(const struct ags_xwing_key *k, const uint8_t enc[AGS_XWING_ENC_LEN], uint8_t ss[32])
{
	const uint8_t *ct_t = enc + AGS_MLKEM768_CT_LEN, *pk_t = k->pk + AGS_MLKEM768_EK_LEN;
	uint8_t ss_pq[32], ss_t[32], myss[32];
	int r = ags_mlkem768_decaps(k->dk_pq, enc, ss_pq);
	if (r == 0)
		r = ags_x25519_shared(k->sk_t, ct_t, ss_t);
	if (r == 0)
		r = combine(ss_pq, ss_t, ct_t, pk_t, myss);
	if (r == 0)
		memcpy(ss, myss, 32);
	ags_wipe(ss_pq, sizeof(ss_pq));
	ags_wipe(ss_t, sizeof(ss_t));
	ags_wipe(myss, sizeof(myss));
	return r;
}

#define MAX_INFO 256

/* LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite || label || ikm). */
static int labeled_extract(const uint8_t *salt, size_t saltlen, const char *label,
			   const void *ikm, size_t ikmlen, uint8_t out[32])
{
	uint8_t msg[7 + sizeof(suite_id) + 16 + MAX_INFO];
	size_t ll = strlen(label), n = 0;
	if (ll > 16 || ikmlen > MAX_INFO)
		return AGS_E_INVAL;
	memcpy(msg, "HPKE-v1", 7), n += 7;
	memcpy(msg + n, suite_id, sizeof(suite_id)), n += sizeof(suite_id);
	memcpy(msg + n, label, ll), n += ll;
	if (ikmlen)
		memcpy(msg + n, ikm, ikmlen), n += ikmlen;
	int r = ags_hkdf_sha256_extract(salt, saltlen, msg, n, out);
	ags_wipe(msg, n);
	return r;
}

/* LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite || label || info, L). */
static int labeled_expand(const uint8_t prk[32], const char *label, const uint8_t *info, size_t infolen,
			  uint8_t *out, size_t outlen)
{
	uint8_t msg[2 + 7 + sizeof(suite_id) + 16 + MAX_INFO];
	size_t ll = strlen(label), n = 0;
	if (ll > 16 || infolen > MAX_INFO || outlen > 32)
		return AGS_E_INVAL;
	msg[n++] = 0;
	msg[n++] = (uint8_t)outlen;
	memcpy(msg + n, "HPKE-v1", 7), n += 7;
	memcpy(msg + n, suite_id, sizeof(suite_id)), n += sizeof(suite_id);
	memcpy(msg + n, label, ll), n += ll;
	memcpy(msg + n, info, infolen), n += infolen;
	return ags_hkdf_sha256_expand(prk, msg, n, out, outlen);
}

int ags_hpke_xwing_schedule(const uint8_t ss[32], const void *info, size_t infolen,
			    uint8_t key[32], uint8_t nonce[12])
{
	uint8_t ctx[1 + 32 + 32], secret[32], k[32], n[12];
	if (infolen > MAX_INFO)
		return AGS_E_INVAL;
	ctx[0] = 0x00; /* mode_base */
	int r = labeled_extract(NULL, 0, "psk_id_hash", NULL, 0, ctx + 1);
	if (r == 0)
		r = labeled_extract(NULL, 0, "info_hash", info, infolen, ctx + 33);
	if (r == 0)
		r = labeled_extract(ss, 32, "secret", NULL, 0, secret);
	if (r == 0)
		r = labeled_expand(secret, "key", ctx, sizeof(ctx), k, 32);
	if (r == 0)
		r = labeled_expand(secret, "base_nonce", ctx, sizeof(ctx), n, 12);
	if (r == 0) {
		memcpy(key, k, 32);
		memcpy(nonce, n, 12);
	}
	ags_wipe(secret, sizeof(secret));
	ags_wipe(k, sizeof(k));
	return r;
}
