/*
 * The two phases of the age plugin protocol as a client runs them
 * (recipient-v1 to wrap, identity-v1 to unwrap) over one session loop:
 * phase 1 sends the phase's commands, phase 2 answers the plugin's
 * requests until it says "done".  The user interface (msg, request-*,
 * confirm) is the CLI's, set once; without one the answer is "fail".
 */
#include "internal.h"
#include "age/plugin.h"
#include "age/plugin_conn.h"
#include "age/kind.h"
#include "crypto/ossl.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static struct ags_age_plugin_ui plugin_ui;
static bool plugin_ui_set;
static pthread_mutex_t plugin_ui_lock = PTHREAD_MUTEX_INITIALIZER;

void ags_age_plugin_set_ui(const struct ags_age_plugin_ui *ui)
{
	pthread_mutex_lock(&plugin_ui_lock);
	if (ui) {
		plugin_ui = *ui;
		plugin_ui_set = true;
	} else {
		memset(&plugin_ui, 0, sizeof(plugin_ui));
		plugin_ui_set = false;
	}
	pthread_mutex_unlock(&plugin_ui_lock);
}

static struct ags_age_plugin_ui get_ui(void)
{
	struct ags_age_plugin_ui ui;
	pthread_mutex_lock(&plugin_ui_lock);
	ui = plugin_ui;
	pthread_mutex_unlock(&plugin_ui_lock);
	return ui;
}
/* The text of an error/msg body, made printable for a diagnostic. */
static void printable(const struct ags_buf *b, char *out, size_t cap)
{
	size_t j = 0;
	for (size_t i = 0; i < b->len && j + 1 < cap; i++) {
		unsigned char ch = b->data[i];
		out[j++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : (ch == '\n' ? ' ' : '?');
	}
	out[j] = 0;
}

/* msg / confirm / request-*: answered through the UI, or "fail".  Returns
 * 1 when handled, 0 when the command is unknown. */
static int handle_ui(struct ags_plugin_conn *c, struct ags_plugin_stanza *s, struct ags_diag *d)
{
	struct ags_age_plugin_ui ui = get_ui();
	const char *t = s->args[0];
	char text[1024];

	if (strcmp(t, "msg") == 0) {
		printable(&s->body, text, sizeof(text));
		if (ui.message && ui.message(ui.ctx, c->name, text) >= 0)
			AGS_TRY(ags_plugin_write_cmd(c, "ok", NULL, d));
		else
			AGS_TRY(ags_plugin_write_cmd(c, "fail", NULL, d));
		return 1;
	}
	if (strcmp(t, "request-secret") == 0 || strcmp(t, "request-public") == 0) {
		bool secret = t[8] == 's';
		char *val;
		int n;
		printable(&s->body, text, sizeof(text));
		if (!ui.request) {
			AGS_TRY(ags_plugin_write_cmd(c, "fail", NULL, d));
			return 1;
		}
		val = malloc(4096);
		if (!val)
			return AGS_E_NOMEM;
		n = ui.request(ui.ctx, c->name, text, secret, val, 4096);
		if (n < 0 || n >= 4096) {
			ags_free_secret(val, 4096);
			AGS_TRY(ags_plugin_write_cmd(c, "fail", NULL, d));
			return 1;
		}
		const char *ok[1] = { "ok" };
		int r = ags_plugin_write_stanza(c, ok, 1, val, (size_t)n, d);
		ags_free_secret(val, 4096);
		AGS_TRY(r);
		return 1;
	}
	if (strcmp(t, "confirm") == 0) {
		uint8_t tmp[256];
		size_t n;
		if (s->nargs != 2 && s->nargs != 3)
			return ags_plugin_garbage(c, d, "malformed confirm stanza");
		for (size_t i = 1; i < s->nargs; i++)
			if (strlen(s->args[i]) > 300 ||
			    ags_b64_decode(s->args[i], strlen(s->args[i]), AGS_B64_UNPADDED, tmp, &n) < 0)
				return ags_plugin_garbage(c, d, "malformed confirm stanza");
		/* No interactive confirmation in the library: decline. */
		AGS_TRY(ags_plugin_write_cmd(c, "fail", NULL, d));
		return 1;
	}
	return 0;
}

/* One phase: what it sends, and how it takes the plugin's replies. */
struct phase {
	const char *name; /* "recipient-v1" / "identity-v1" */
	/* Phase 1, before the final "done". */
	int (*send)(struct ags_plugin_conn *c, void *ctx, struct ags_diag *d);
	/* A phase-2 command of this phase: 1 handled, 0 not ours, < 0 error. */
	int (*reply)(struct ags_plugin_conn *c, struct ags_plugin_stanza *s, void *ctx, struct ags_diag *d);
	void *ctx;
};

static int run_session(const char *name, const struct phase *ph, struct ags_diag *d)
{
	struct ags_plugin_conn c;
	struct ags_plugin_stanza s;
	size_t count = 0;
	int r;

	ags_plugin_pst_init(&s);
	r = ags_plugin_conn_open(&c, name, ph->name, d);
	if (r < 0) {
		ags_plugin_pst_release(&s);
		return r;
	}
	if ((r = ph->send(&c, ph->ctx, d)) < 0 || (r = ags_plugin_write_cmd(&c, "done", NULL, d)) < 0)
		goto out;
	for (;;) {
		if (++count > AGS_PLUGIN_STANZAS_MAX) {
			r = ags_plugin_garbage(&c, d, "too many stanzas");
			break;
		}
		if ((r = ags_plugin_read_stanza(&c, &s, d)) < 0)
			break;
		const char *t = s.args[0];
		if (strcmp(t, "done") == 0)
			break;
		if (strcmp(t, "error") == 0) {
			char msg[300];
			printable(&s.body, msg, sizeof(msg));
			ags_plugin_write_cmd(&c, "ok", NULL, NULL);
			r = ags_diag_set(d, AGS_E_AGE_PLUGIN, "%s plugin: %s", name, msg[0] ? msg : "error");
			break;
		}
		r = ph->reply(&c, &s, ph->ctx, d);
		if (r == 0)
			r = handle_ui(&c, &s, d);
		if (r == 0)
			r = ags_plugin_write_cmd(&c, "unsupported", NULL, d);
		if (r < 0)
			break;
	}
out:
	ags_plugin_pst_release(&s);
	ags_plugin_conn_close(&c, r == AGS_E_TIMEOUT || r == AGS_E_TOO_BIG);
	return r < 0 ? r : 0;
}

/* ---- recipient-v1 ---- */

struct wrap_ctx {
	const char *encoding;
	bool is_identity;
	const uint8_t *file_key;
	struct ags_age_stanzas got;
	bool labels_seen;
	unsigned labels;
};

static int wrap_send(struct ags_plugin_conn *c, void *vctx, struct ags_diag *d)
{
	struct wrap_ctx *w = vctx;
	const char *wf[1] = { "wrap-file-key" };
	AGS_TRY(ags_plugin_write_cmd(c, w->is_identity ? "add-identity" : "add-recipient", w->encoding, d));
	AGS_TRY(ags_plugin_write_grease(c, d));
	AGS_TRY(ags_plugin_write_stanza(c, wf, 1, w->file_key, 16, d));
	return ags_plugin_write_cmd(c, "extension-labels", NULL, d);
}

static int wrap_reply(struct ags_plugin_conn *c, struct ags_plugin_stanza *s, void *vctx, struct ags_diag *d)
{
	struct wrap_ctx *w = vctx;
	const char *t = s->args[0];
	if (strcmp(t, "recipient-stanza") == 0) {
		if (s->nargs < 3 || strcmp(s->args[1], "0") != 0)
			return ags_plugin_garbage(c, d, "malformed recipient-stanza");
		AGS_TRY(ags_age_stanzas_add(&w->got, (const char *const *)s->args + 2, s->nargs - 2, s->body.data,
					    s->body.len));
	} else if (strcmp(t, "labels") == 0) {
		if (w->labels_seen)
			return ags_plugin_garbage(c, d, "repeated labels stanza");
		w->labels_seen = true;
		/* "postquantum" is the one label age knows; any other (e.g. the
		 * random one of a passphrase) keeps the recipient alone. */
		for (size_t i = 1; i < s->nargs; i++)
			w->labels |= strcmp(s->args[i], "postquantum") == 0 ? AGS_AGE_LABEL_POSTQUANTUM
									  : AGS_AGE_LABEL_ALONE;
	} else {
		return 0;
	}
	AGS_TRY(ags_plugin_write_cmd(c, "ok", NULL, d));
	return 1;
}

int ags_age_plugin_wrap(const char *name, const char *encoding, bool is_identity, const uint8_t file_key[16],
			struct ags_age_stanzas *out, unsigned *labels, struct ags_diag *d)
{
	struct wrap_ctx w = { encoding, is_identity, file_key, { 0 }, false, 0 };
	struct phase ph = { "recipient-v1", wrap_send, wrap_reply, &w };
	int r = run_session(name, &ph, d);
	if (r == 0 && w.got.n == 0)
		r = ags_diag_set(d, AGS_E_AGE_PLUGIN, "%s plugin: received zero recipient stanzas", name);
	/* All or nothing: stanzas reach out only when the session succeeded
	 * (a failed copy leaves out partial; the caller's encryption fails
	 * and clears it). */
	for (size_t i = 0; r == 0 && i < w.got.n; i++)
		r = ags_age_stanzas_add(out, (const char *const *)w.got.v[i].args, w.got.v[i].nargs, w.got.v[i].body,
					w.got.v[i].bodylen);
	ags_age_stanzas_clear(&w.got);
	if (r == 0)
		*labels = w.labels;
	return r;
}

/* ---- identity-v1 ---- */

struct unwrap_ctx {
	const char *encoding;
	const struct ags_age_stanzas *st;
	uint8_t fk[16];
	bool have;
};

static int unwrap_send(struct ags_plugin_conn *c, void *vctx, struct ags_diag *d)
{
	struct unwrap_ctx *u = vctx;
	AGS_TRY(ags_plugin_write_cmd(c, "add-identity", u->encoding, d));
	AGS_TRY(ags_plugin_write_grease(c, d));
	for (size_t i = 0; i < u->st->n; i++) {
		const struct ags_age_stanza *x = &u->st->v[i];
		const char *args[AGS_AGE_MAX_ARGS + 2];
		if (x->nargs + 2 > AGS_ARRAY_SIZE(args))
			return AGS_E_TOO_BIG;
		args[0] = "recipient-stanza";
		args[1] = "0";
		for (size_t j = 0; j < x->nargs; j++)
			args[j + 2] = x->args[j];
		AGS_TRY(ags_plugin_write_stanza(c, args, x->nargs + 2, x->body, x->bodylen, d));
	}
	return 0;
}

static int unwrap_reply(struct ags_plugin_conn *c, struct ags_plugin_stanza *s, void *vctx, struct ags_diag *d)
{
	struct unwrap_ctx *u = vctx;
	if (strcmp(s->args[0], "file-key") != 0)
		return 0;
	if (s->nargs != 2 || strcmp(s->args[1], "0") != 0 || s->body.len != 16)
		return ags_plugin_garbage(c, d, "malformed file-key stanza");
	if (u->have)
		return ags_plugin_garbage(c, d, "duplicated file-key stanza");
	memcpy(u->fk, s->body.data, 16);
	u->have = true;
	AGS_TRY(ags_plugin_write_cmd(c, "ok", NULL, d));
	return 1;
}

int ags_age_plugin_unwrap(const char *name, const char *encoding, const struct ags_age_stanzas *st,
			  uint8_t file_key[16], struct ags_diag *d)
{
	struct unwrap_ctx u = { encoding, st, { 0 }, false };
	struct phase ph = { "identity-v1", unwrap_send, unwrap_reply, &u };
	int r = run_session(name, &ph, d);
	if (r == 0 && !u.have)
		r = AGS_E_AGE_INCORRECT_IDENTITY;
	if (r == 0)
		memcpy(file_key, u.fk, 16);
	ags_wipe(u.fk, sizeof(u.fk));
	return r;
}
