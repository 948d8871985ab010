/* libFuzzer: the ENC[AES256_GCM,...] value parser and decrypter, the typed
 * plaintext parsers (Go int/float/bool/time), and float formatting. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "sops/sops-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ags_aead *a;
	if (!a) {
		uint8_t key[32];
		for (int i = 0; i < 32; i++)
			key[i] = (uint8_t)i;
		if (ags_aead_new(AGS_AEAD_AES256_GCM, key, &a) < 0)
			abort();
	}
	const char *s = (const char *)data;
	struct ags_sops_enc e;
	if (ags_sops_enc_parse(s, size, &e) == 0) {
		if (e.data < s || e.data + e.datalen > s + size || e.type + e.typelen > s + size)
			abort();
	}
	struct ags_value v = { 0 };
	uint8_t iv[AGS_SOPS_MAX_IV];
	size_t ivlen;
	if (ags_sops_value_decrypt(a, s, size, "foo:bar:", 8, &v, iv, &ivlen) == 0) {
		/* whatever decrypted must serialise */
		struct ags_buf b;
		ags_buf_init(&b, 1 << 20);
		if (v.kind != AGS_VAL_STR || v.str.len)
			(void)ags_sops_value_bytes(&v, &b);
		ags_buf_release(&b);
		ags_value_clear(&v);
	}
	int64_t i;
	(void)ags_sops_int_parse(s, size, &i);
	double f;
	if (ags_sops_float_parse(s, size, &f) == 0) {
		char out[AGS_SOPS_FLOAT_MAX];
		int n = ags_sops_float_format(f, out, sizeof(out));
		double back;
		if (n < 0 || (f == f && ags_sops_float_parse(out, (size_t)n, &back) == 0 && back != f))
			abort(); /* shortest form must round-trip */
	}
	char t[64];
	if (size < 64)
		(void)ags_sops_time_canon(s, size, size & 1, t, sizeof(t));
	return 0;
}
