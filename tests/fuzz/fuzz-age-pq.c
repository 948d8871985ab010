/*
 * libFuzzer target for the mlkem768x25519 kind: the input is tried as an
 * age1pq1 recipient string (a parsed recipient must re-encode to exactly
 * the input) and as an age file decrypted with a post-quantum identity (the
 * stanza checks, ML-KEM decapsulation of arbitrary ciphertexts, HPKE).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include <agesops/age.h>

#define PQ_ID "AGE-SECRET-KEY-PQ-1HZLGZUPT4ETPKDEV8HSGFDCYZ4E522W0A7PU2LHT8EH9W6YLNC3SW78XKG"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8192) {
		char *s = malloc(size + 1);
		if (!s)
			abort();
		memcpy(s, data, size);
		s[size] = 0;
		struct ags_age_recipient *r = NULL;
		struct ags_diag d = { 0 };
		if (ags_age_recipient_parse(s, &r, &d) == 0) {
			char *back = NULL;
			if (ags_age_recipient_string(r, &back) != 0 || strcmp(back, s) != 0)
				abort();
			free(back);
			ags_age_recipient_free(r);
		} else if (!d.msg[0]) {
			abort();
		}
		free(s);
	}
	static struct ags_age_identity *id;
	if (!id && ags_age_identity_parse(PQ_ID, &id, NULL) != 0)
		abort();
	struct ags_buf out;
	struct ags_diag d = { 0 };
	ags_buf_init_secret(&out, (size_t)1 << 24);
	int r = ags_age_decrypt_buf(&id, 1, data, size, &out, &d);
	if (r < 0 && (!d.msg[0] || out.len != 0))
		abort();
	ags_buf_release(&out);
	return 0;
}
