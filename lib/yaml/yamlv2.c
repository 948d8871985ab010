/*
 * Mappings of strings written exactly as Go's sigs.k8s.io/yaml (JSON ->
 * go-yaml v2) writes them, so that our Secrets are byte-identical to
 * `flux create secret ... --export` and `kubectl create secret ... -o yaml`:
 * keys sorted with yaml.v2's order, each string's wanted style chosen as
 * yaml.v2's encoder does (literal with a newline, double-quoted when plain
 * would not read back as a string), laid out by the shared emitter with
 * its v2 style.  Behaviour learned from reading go-yaml v2 (encode.go
 * stringv, sorter.go) and encoding/json; checked against the live kubectl
 * in the tests.
 */
#include "internal.h"
#include "yaml/yamlv2.h"
#include "yaml/emit.h"

#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 coercion as Go's encoding/json ---- */

static size_t utf8_valid_len(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t n;
	uint32_t min, cp;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2; min = 0x80; cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3; min = 0x800; cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4; min = 0x10000; cp = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

int ags_y2_utf8_coerce(const void *p, size_t len, struct ags_buf *out)
{
	const unsigned char *s = p;
	size_t i = 0;
	while (i < len) {
		size_t run = i;
		size_t w;
		while (run < len && (w = utf8_valid_len(s + run, len - run)) > 0)
			run += w;
		AGS_TRY(ags_buf_append(out, s + i, run - i));
		i = run;
		if (i < len) {
			AGS_TRY(ags_buf_append(out, "\xEF\xBF\xBD", 3));
			i++;
		}
	}
	if (!out->data)
		AGS_TRY(ags_buf_append(out, "", 0));
	return 0;
}

/* ---- key order: yaml.v2 keyList.Less ---- */

static bool ascii_letter(unsigned c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80; }
static bool ascii_digit(unsigned c) { return c >= '0' && c <= '9'; }

/* Decodes runes on the fly: keys are valid UTF-8.  Non-ASCII runes count as
 * letters (unicode.IsLetter is true for the scripts keys use in practice). */
static size_t decode_rune(const char *s, size_t len, size_t i, uint32_t *r)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t w = utf8_valid_len(u + i, len - i);
	if (w <= 1) {
		*r = u[i];
		return 1;
	}
	uint32_t cp = u[i] & (w == 2 ? 0x1F : w == 3 ? 0x0F : 0x07);
	for (size_t k = 1; k < w; k++)
		cp = (cp << 6) | (u[i + k] & 0x3F);
	*r = cp;
	return w;
}

#define KEY_RUNES_MAX 1024

static size_t to_runes(const char *s, size_t len, uint32_t *r, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n < cap; n++)
		i += decode_rune(s, len, i, &r[n]);
	return n;
}

static bool rune_letter(uint32_t c) { return ascii_letter(c); }
static bool rune_digit(uint32_t c) { return ascii_digit(c); }

bool ags_y2_key_less(const char *a, size_t alen, const char *b, size_t blen)
{
	uint32_t ar[KEY_RUNES_MAX], br[KEY_RUNES_MAX];
	if (alen > KEY_RUNES_MAX || blen > KEY_RUNES_MAX) {
		int c = memcmp(a, b, AGS_MIN(alen, blen));
		return c < 0 || (c == 0 && alen < blen);
	}
	size_t na = to_runes(a, alen, ar, KEY_RUNES_MAX), nb = to_runes(b, blen, br, KEY_RUNES_MAX);
	for (size_t i = 0; i < na && i < nb; i++) {
		if (ar[i] == br[i])
			continue;
		bool al = rune_letter(ar[i]), bl = rune_letter(br[i]);
		if (al && bl)
			return ar[i] < br[i];
		if (al || bl)
			return bl;
		int64_t an = 0, bn = 0;
		if (ar[i] == '0' || br[i] == '0') {
			for (size_t j = i; j-- > 0 && rune_digit(ar[j]);) {
				if (ar[j] != '0') {
					an = bn = 1;
					break;
				}
			}
		}
		size_t ai, bi;
		for (ai = i; ai < na && rune_digit(ar[ai]); ai++)
			an = (int64_t)((uint64_t)an * 10 + (ar[ai] - '0'));
		for (bi = i; bi < nb && rune_digit(br[bi]); bi++)
			bn = (int64_t)((uint64_t)bn * 10 + (br[bi] - '0'));
		if (an != bn)
			return an < bn;
		if (ai != bi)
			return ai < bi;
		return ar[i] < br[i];
	}
	return na < nb;
}


/* ---- writing: nodes -> events ---- */

#define Y2_MAX_DEPTH 256 /* our Secrets nest two levels; a bound against misuse */

static int cmp_items(const void *pa, const void *pb)
{
	const struct ags_y2_item *a = pa, *b = pb;
	if (ags_y2_key_less(a->key, a->klen, b->key, b->klen))
		return -1;
	if (ags_y2_key_less(b->key, b->klen, a->key, a->klen))
		return 1;
	return 0;
}

/* yaml.v2 encoder stringv: literal for text with a newline, plain unless it
 * would resolve to another type, else double-quoted; the emitter falls back
 * from plain or literal where the text does not allow them. */
static int emit_str(struct ags_yaml_emitter *e, const char *s, size_t len)
{
	struct ags_yaml_event ev = { .type = AGS_YAML_SCALAR, .value = s, .len = len };
	if (memchr(s, '\n', len))
		ev.style = AGS_YAML_LITERAL;
	else if (ags_y2_resolves_nonstr(s, len))
		ev.style = AGS_YAML_DOUBLE;
	else
		ev.style = AGS_YAML_PLAIN;
	return ags_yaml_emitter_emit(e, &ev);
}

static int emit_node(struct ags_yaml_emitter *e, struct ags_y2_node *n, int depth)
{
	if (n->kind == AGS_Y2_NULL) {
		struct ags_yaml_event ev = { .type = AGS_YAML_SCALAR, .value = "null", .len = 4 };
		return ags_yaml_emitter_emit(e, &ev);
	}
	if (n->kind == AGS_Y2_STR)
		return emit_str(e, n->s ? n->s : "", n->len);
	if (n->kind != AGS_Y2_MAP || depth > Y2_MAX_DEPTH)
		return AGS_E_INVAL;
	struct ags_yaml_event start = { .type = AGS_YAML_MAP_START, .empty = n->n == 0 };
	AGS_TRY(ags_yaml_emitter_emit(e, &start));
	if (n->n)
		qsort(n->items, n->n, sizeof(*n->items), cmp_items);
	for (size_t i = 0; i < n->n; i++) {
		AGS_TRY(emit_str(e, n->items[i].key, n->items[i].klen));
		AGS_TRY(emit_node(e, &n->items[i].val, depth + 1));
	}
	struct ags_yaml_event end = { .type = AGS_YAML_MAP_END };
	return ags_yaml_emitter_emit(e, &end);
}

int ags_y2_emit_map(struct ags_y2_node *m, struct ags_buf *out)
{
	if (!m || m->kind != AGS_Y2_MAP || !out)
		return AGS_E_INVAL;
	struct ags_yaml_emitter *e;
	AGS_TRY(ags_yaml_emitter_new(&ags_yaml_style_v2, out, &e));
	static const struct ags_yaml_event doc = { .type = AGS_YAML_DOC_START, .implicit = true };
	static const struct ags_yaml_event doc_end = { .type = AGS_YAML_DOC_END, .implicit = true };
	static const struct ags_yaml_event stream_end = { .type = AGS_YAML_STREAM_END };
	int r = ags_yaml_emitter_emit(e, &doc);
	if (r == 0)
		r = emit_node(e, m, 0);
	if (r == 0)
		r = ags_yaml_emitter_emit(e, &doc_end);
	if (r == 0)
		r = ags_yaml_emitter_emit(e, &stream_end);
	ags_yaml_emitter_free(e);
	return r;
}
