/*
 * In-process post-quantum encrypt/decrypt timing through the public age API
 * (the same calls sops and the CLI make), for bench/age-pq.sh.
 * Usage: age-pq-bench RECIPIENT IDENTITY SIZE N  -> "encrypt_us decrypt_us"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <agesops/age.h>
#include "internal.h"

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: age-pq-bench RECIPIENT IDENTITY SIZE N\n");
		return 2;
	}
	struct ags_age_recipient *r = NULL;
	struct ags_age_identity *id = NULL;
	struct ags_diag d = { 0 };
	size_t size = strtoul(argv[3], NULL, 10);
	long n = strtol(argv[4], NULL, 10);
	if (ags_age_recipient_parse(argv[1], &r, &d) < 0 || ags_age_identity_parse(argv[2], &id, &d) < 0) {
		fprintf(stderr, "age-pq-bench: %s\n", d.msg);
		return 1;
	}
	uint8_t *pt = malloc(size ? size : 1);
	memset(pt, 'a', size);
	struct ags_buf ct, back;
	ags_buf_init(&ct, (size_t)1 << 31);
	ags_buf_init_secret(&back, (size_t)1 << 31);
	/* warm-up (OpenSSL provider and algorithm fetches), as the node side does */
	if (ags_age_encrypt_buf(&r, 1, pt, size, false, &ct, &d) < 0 ||
	    ags_age_decrypt_buf(&id, 1, ct.data, ct.len, &back, &d) < 0) {
		fprintf(stderr, "warm-up: %s\n", d.msg);
		return 1;
	}
	double t0 = now_us();
	for (long i = 0; i < n; i++) {
		ags_buf_reset(&ct);
		if (ags_age_encrypt_buf(&r, 1, pt, size, false, &ct, &d) < 0) {
			fprintf(stderr, "encrypt: %s\n", d.msg);
			return 1;
		}
	}
	double t1 = now_us();
	for (long i = 0; i < n; i++) {
		ags_buf_reset(&back);
		if (ags_age_decrypt_buf(&id, 1, ct.data, ct.len, &back, &d) < 0 || back.len != size) {
			fprintf(stderr, "decrypt: %s\n", d.msg);
			return 1;
		}
	}
	double t2 = now_us();
	printf("%.1f %.1f\n", (t1 - t0) / (double)n, (t2 - t1) / (double)n);
	ags_buf_release(&ct);
	ags_buf_release(&back);
	free(pt);
	ags_age_recipient_free(r);
	ags_age_identity_free(id);
	return 0;
}
