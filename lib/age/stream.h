/*
 * The STREAM payload (64 KiB ChaCha20-Poly1305 chunks) and the pull/push
 * plumbing shared by the buffer, fd and callback APIs.
 */
#ifndef AGS_AGE_STREAM_H
#define AGS_AGE_STREAM_H

#include <agesops/age.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define AGS_AGE_CHUNK 65536
#define AGS_AGE_CHUNK_CT (AGS_AGE_CHUNK + 16)
#define AGS_AGE_NONCE_LEN 16
/* Chunks moved per read/write system call on the hot path. */
#define AGS_AGE_BATCH 16

/* A buffered pull source over a read callback. */
struct ags_age_src {
	ags_age_read_fn read;
	void *ctx;
	uint8_t *buf;
	size_t off, len, cap;
	bool eof;
	int err; /* sticky error from read */
	bool mapped; /* buf is an mmap of a regular file (see ags_age_src_init_fd) */
	size_t released; /* mapped: bytes below this were dropped from memory */
	size_t populated; /* mapped: bytes below this have been mapped in ahead of use */
};

int ags_age_src_init(struct ags_age_src *s, ags_age_read_fn fn, void *ctx, size_t cap);
void ags_age_src_free(struct ags_age_src *s);
/* For a regular file, maps it instead of reading it (no copy through a
 * buffer); otherwise reads fd.  Consumed pages are dropped as the reader
 * advances, so memory stays flat. */
int ags_age_src_init_fd(struct ags_age_src *s, int *fd, size_t cap);
/* Lets a mapped source drop the pages before off. */
void ags_age_src_release(struct ags_age_src *s);
/* Makes at least n bytes available at buf+off (fewer only at EOF).  Returns the
 * number available (<= what was asked is not guaranteed: may be more) or < 0. */
ssize_t ags_age_src_fill(struct ags_age_src *s, size_t n);

/* 1 when the source starts (after <= 1 KiB of white space) with the armor's
 * BEGIN line, as age 1.3 decides; 0 when not; < 0 on a read error. */
int ags_age_src_is_armored(struct ags_age_src *raw);
struct ags_age_header;
/* Reads and parses the header at the source's position (not consumed:
 * *consumed is its size).  lib/age/age.c. */
int ags_age_src_read_header(struct ags_age_src *in, struct ags_age_header *h, size_t *consumed, struct ags_diag *d);

/* A push sink that batches writes. */
struct ags_age_sink {
	ags_age_write_fn write;
	void *ctx;
};

/* Seals the payload (nonce + chunks) of plaintext read from in. */
int ags_age_stream_encrypt(const uint8_t file_key[16], struct ags_age_src *in, struct ags_age_sink *out,
			   struct ags_diag *d);
/*
 * Opens the payload from in (positioned at the nonce).  Writes each chunk
 * to out only after it authenticated; on failure, what was written is
 * exactly what Go age would have released.  Returns AGS_E_AGE_HEADER for a
 * missing/short nonce, AGS_E_AGE_PAYLOAD otherwise.
 */
int ags_age_stream_decrypt(const uint8_t file_key[16], struct ags_age_src *in, struct ags_age_sink *out,
			   struct ags_diag *d);

/* Armor: the writer side is a sink filter, the reader a read_fn filter. */
struct ags_age_armor_writer;
int ags_age_armor_writer_new(struct ags_age_sink *under, struct ags_age_armor_writer **ret);
int ags_age_armor_write(void *w, const void *p, size_t n); /* an ags_age_write_fn */
int ags_age_armor_writer_close(struct ags_age_armor_writer *w); /* final line + END */
void ags_age_armor_writer_free(struct ags_age_armor_writer *w);

struct ags_age_armor_reader;
/* Reads armored text from under (already positioned anywhere before BEGIN). */
int ags_age_armor_reader_new(struct ags_age_src *under, struct ags_age_armor_reader **ret);
ssize_t ags_age_armor_read(void *r, void *buf, size_t n); /* an ags_age_read_fn */
/* The diagnostic of the last armor error (empty when none). */
const char *ags_age_armor_error(const struct ags_age_armor_reader *r);
void ags_age_armor_reader_free(struct ags_age_armor_reader *r);

#endif
