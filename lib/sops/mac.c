/*
 * The sops MAC: SHA-512 over the plaintext bytes of the visited values in
 * document order, upper-case hex, stored encrypted with AAD = lastmodified
 * (sops.md section 6).
 */
#include "internal.h"
#include "sops/sops-int.h"
#include <string.h>

/* SHA-256("sops"): seeds the hash when only encrypted values are covered. */
static const uint8_t MAC_ONLY_ENCRYPTED_INIT[32] = {
	0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b,
	0x0b, 0x97, 0x5b, 0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69,
};

int ags_sops_mac_init(struct ags_sops_mac *m, bool only_encrypted)
{
	struct ags_hash *h;
	AGS_TRY(ags_hash_new(AGS_HASH_SHA512, &h));
	if (only_encrypted) {
		int r = ags_hash_update(h, MAC_ONLY_ENCRYPTED_INIT, sizeof(MAC_ONLY_ENCRYPTED_INIT));
		if (r < 0) {
			ags_hash_free(h);
			return r;
		}
	}
	m->h = h;
	m->only_encrypted = only_encrypted;
	return 0;
}

int ags_sops_mac_add(struct ags_sops_mac *m, const void *p, size_t n, bool encrypted)
{
	if (m->only_encrypted && !encrypted)
		return 0;
	return n ? ags_hash_update(m->h, p, n) : 0;
}

int ags_sops_mac_final(struct ags_sops_mac *m, char hex[129])
{
	uint8_t sum[64];
	AGS_TRY(ags_hash_final(m->h, sum, sizeof(sum)));
	static const char digits[] = "0123456789ABCDEF";
	for (size_t i = 0; i < 64; i++) {
		hex[2 * i] = digits[sum[i] >> 4];
		hex[2 * i + 1] = digits[sum[i] & 15];
	}
	hex[128] = 0;
	return 0;
}

void ags_sops_mac_free(struct ags_sops_mac *m)
{
	if (m->h)
		ags_hash_free(m->h);
	m->h = NULL;
}

static int lm_aad(const char *lastmodified, char *aad, size_t cap, struct ags_diag *d)
{
	if (!lastmodified)
		return ags_diag_set(d, AGS_E_SOPS_FORMAT, "sops metadata: lastmodified is missing");
	int n = ags_sops_time_canon(lastmodified, strlen(lastmodified), true, aad, cap);
	if (n < 0)
		return ags_diag_set(d, AGS_E_SOPS_FORMAT, "sops metadata: lastmodified \"%.64s\" is not RFC 3339",
				    lastmodified);
	return n;
}

int ags_sops_mac_seal(struct ags_aead *a, const char hex[129], const char *lastmodified,
		      struct ags_buf *out, struct ags_diag *d)
{
	char aad[64];
	int n = lm_aad(lastmodified, aad, sizeof(aad), d);
	if (n < 0)
		return n;
	return ags_sops_encrypt_bytes(a, hex, 128, "str", aad, (size_t)n, NULL, 0, out);
}

int ags_sops_mac_open(struct ags_aead *a, const char *enc, const char *lastmodified, char *hex,
		      size_t cap, struct ags_diag *d)
{
	char aad[64];
	int n = lm_aad(lastmodified, aad, sizeof(aad), d);
	if (n < 0)
		return n;
	struct ags_value v = { 0 };
	int r = ags_sops_value_decrypt(a, enc, strlen(enc), aad, (size_t)n, &v, NULL, NULL);
	if (r < 0)
		return ags_diag_set(d, AGS_E_SOPS_MAC_MISMATCH, "cannot decrypt the MAC: %s", ags_strerror(r));
	if (v.kind != AGS_VAL_STR || v.str.len + 1 > cap) {
		ags_value_clear(&v);
		return ags_diag_set(d, AGS_E_SOPS_MAC_MISMATCH, "the stored MAC is not a hex string");
	}
	memcpy(hex, v.str.p, v.str.len + 1);
	ags_value_clear(&v);
	return 0;
}
