/*
 * age-inspect (age 1.3): what can be told about an age file without a key
 * -- format version, armor, recipient stanza types, whether it is
 * post-quantum, and where its bytes go (header, armor, encryption overhead,
 * payload), the parts adding up to the file's size.
 */
#include "internal.h"
#include <agesops/age.h>
#include "age/format.h"
#include "age/stream.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct counted {
	int fd;
	int64_t n;
};

static ssize_t counted_read(void *ctx, void *buf, size_t n)
{
	struct counted *c = ctx;
	ssize_t got;
	do
		got = read(c->fd, buf, n);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	c->n += got;
	return got;
}

/* Stream overhead of a payload (nonce + chunks) of size n: 16 bytes of
 * nonce and a 16-byte tag per chunk; sizes no encryption can give are
 * errors (a final chunk is empty only when it is the only one). */
static int stream_overhead(int64_t n, int64_t *ret)
{
	const int64_t chunk = AGS_AGE_CHUNK_CT;
	if (n < AGS_AGE_NONCE_LEN + 16)
		return AGS_E_AGE_PAYLOAD;
	int64_t c = n - AGS_AGE_NONCE_LEN, full = c / chunk, rem = c % chunk;
	if (rem != 0 && (rem < 16 || (rem == 16 && full > 0)))
		return AGS_E_AGE_PAYLOAD;
	*ret = AGS_AGE_NONCE_LEN + 16 * (full + (rem != 0));
	return 0;
}

/* Go age's list: kinds known to be classic, and kinds that are post-quantum
 * (or, like scrypt, not public-key at all). */
static void classify(const char *type, const char **pq)
{
	static const char *const classic[] = { "X25519", "ssh-rsa", "ssh-ed25519", "age-encryption.org/p256tag",
					       "piv-p256" };
	static const char *const quantum[] = { "mlkem768x25519", "scrypt", "age-encryption.org/mlkem768p256tag" };
	for (size_t i = 0; i < AGS_ARRAY_SIZE(classic); i++)
		if (!strcmp(type, classic[i]))
			*pq = "no";
	for (size_t i = 0; i < AGS_ARRAY_SIZE(quantum); i++)
		if (!strcmp(type, quantum[i]) && strcmp(*pq, "no"))
			*pq = "yes";
}

static int inspect_src(struct ags_age_src *in, struct ags_age_inspect *m, struct ags_diag *d)
{
	struct ags_age_header h = { 0 };
	size_t consumed = 0;
	int r = ags_age_src_read_header(in, &h, &consumed, d);
	if (r < 0)
		return r;
	m->stanza_types = calloc(h.st.n + 1, sizeof(char *));
	for (size_t i = 0; m->stanza_types && i < h.st.n; i++) {
		if (!(m->stanza_types[i] = strdup(h.st.v[i].args[0])))
			break;
		m->ntypes++;
		classify(h.st.v[i].args[0], &m->postquantum);
	}
	size_t nst = h.st.n;
	ags_age_header_clear(&h);
	if (!m->stanza_types || m->ntypes != nst)
		return AGS_E_NOMEM;
	m->header = (int64_t)consumed;
	in->off += consumed;
	int64_t rest = 0;
	for (;;) {
		ssize_t avail = ags_age_src_fill(in, AGS_AGE_CHUNK_CT);
		if (avail < 0)
			return (int)avail;
		if (avail == 0)
			break;
		rest += avail;
		in->off += (size_t)avail;
	}
	if ((r = stream_overhead(rest, &m->overhead)) < 0)
		return ags_diag_set(d, r, "failed to compute stream overhead: encrypted size %lld is not one encryption gives",
				    (long long)rest);
	m->min_payload = m->max_payload = rest - m->overhead;
	return 0;
}

int ags_age_inspect_fd(int fd, struct ags_age_inspect *out, struct ags_diag *d)
{
	struct counted cnt = { fd, 0 };
	struct ags_age_src raw = { 0 }, dearmored = { 0 };
	struct ags_age_armor_reader *ar = NULL;
	struct ags_age_inspect m = { .version = "age-encryption.org/v1", .postquantum = "unknown" };
	AGS_TRY(ags_age_src_init(&raw, counted_read, &cnt, 4096));
	int r = ags_age_src_is_armored(&raw);
	struct ags_age_src *in = &raw;
	if (r == 1) {
		m.armor = true;
		if ((r = ags_age_armor_reader_new(&raw, &ar)) == 0 &&
		    (r = ags_age_src_init(&dearmored, ags_age_armor_read, ar, 4096)) == 0)
			in = &dearmored;
	}
	if (r >= 0)
		r = inspect_src(in, &m, d);
	if (r < 0 && ar && ags_age_armor_error(ar)[0])
		r = ags_diag_set(d, AGS_E_AGE_ARMOR, "%s", ags_age_armor_error(ar));
	else if (r < 0 && d && !d->msg[0])
		ags_diag_set(d, r, "failed to read header: %s", ags_strerror(r));
	if (r >= 0 && m.armor)
		m.armor_overhead = cnt.n - (m.header + m.overhead + m.min_payload);
	if (dearmored.buf)
		ags_age_src_free(&dearmored);
	ags_age_armor_reader_free(ar);
	ags_age_src_free(&raw);
	if (r < 0) {
		ags_age_inspect_clear(&m);
		return r;
	}
	*out = m;
	return 0;
}

void ags_age_inspect_clear(struct ags_age_inspect *m)
{
	for (size_t i = 0; m->stanza_types && i < m->ntypes; i++)
		free(m->stanza_types[i]);
	free(m->stanza_types);
	m->stanza_types = NULL;
	m->ntypes = 0;
}
