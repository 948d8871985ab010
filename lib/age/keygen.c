/*
 * A new key in age-keygen's file form: the one place the three key makers
 * (keygen, cluster init, the in-cluster bootstrap) take it from.
 */
#include "internal.h"
#include <agesops/age.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* RFC 3339 in local time, second precision, "Z" for UTC: Go's time.RFC3339. */
static void rfc3339_now(char *buf, size_t cap)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	long off = tm.tm_gmtoff;
	if (off == 0) {
		snprintf(buf + n, cap - n, "Z");
		return;
	}
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(buf + n, cap - n, "%c%02ld:%02ld", sign, off / 3600, (off / 60) % 60);
}

int ags_age_keygen_file(bool pq, struct ags_buf *file, char **recipient)
{
	struct ags_age_identity *id = NULL;
	struct ags_age_recipient *rc = NULL;
	char *sk = NULL, *pk = NULL, ts[64];
	size_t before = file->len;
	int r = pq ? ags_age_keygen_pq(&id) : ags_age_keygen_x25519(&id);
	if (r == 0)
		r = ags_age_identity_to_recipient(id, &rc);
	if (r == 0)
		r = ags_age_recipient_string(rc, &pk);
	if (r == 0)
		r = ags_age_identity_string(id, &sk);
	if (r == 0) {
		rfc3339_now(ts, sizeof(ts));
		r = ags_buf_printf(file, "# created: %s\n# public key: %s\n%s\n", ts, pk, sk);
		if (r < 0)
			ags_buf_truncate(file, before);
	}
	ags_free_secret_str(sk);
	ags_age_recipient_free(rc);
	ags_age_identity_free(id);
	if (r < 0) {
		free(pk);
		return r;
	}
	*recipient = pk;
	return 0;
}
