/*
 * The "sops:" metadata block <-> struct ags_sops_metadata.
 *
 * Reading accepts every layout sops has written (struct order of <= 3.12,
 * alphabetical of 3.13, empty lists as [] or null, key_groups, unquoted
 * timestamps, weakly typed scalars as mapstructure accepts them).  Writing
 * produces the layout of sops 3.13.2: every mapping's keys sorted, empty
 * fields left out, lastmodified/mac/version always present.
 */
#include "internal.h"
#include "sops/sops-int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const KEY_TYPES[] = { "age", "azure_kv", "gcp_kms", "hc_vault", "hckms", "kms", "pgp" };

void ags_sops_metadata_groups_clear(struct ags_sops_metadata *m)
{
	for (size_t g = 0; g < m->ngroups; g++) {
		struct ags_sops_key_group *kg = &m->groups[g];
		for (size_t i = 0; i < kg->nage; i++) {
			free(kg->age[i].recipient);
			free(kg->age[i].enc);
		}
		free(kg->age);
		if (kg->other) {
			ags_value_clear(kg->other);
			free(kg->other);
		}
	}
	free(m->groups);
	m->groups = NULL;
	m->ngroups = 0;
}

void ags_sops_metadata_clear(struct ags_sops_metadata *m)
{
	if (!m)
		return;
	ags_sops_metadata_groups_clear(m);
	free(m->lastmodified);
	free(m->mac);
	free(m->version);
	free((char *)m->rules.unencrypted_suffix);
	free((char *)m->rules.encrypted_suffix);
	free((char *)m->rules.unencrypted_regex);
	free((char *)m->rules.encrypted_regex);
	free((char *)m->rules.unencrypted_comment_regex);
	free((char *)m->rules.encrypted_comment_regex);
	memset(m, 0, sizeof(*m));
}

int ags_sops_metadata_ensure_groups(struct ags_sops_metadata *m, size_t n)
{
	if (n <= m->ngroups)
		return 0;
	if (n > AGS_SOPS_MAX_KEYS)
		return AGS_E_TOO_BIG;
	struct ags_sops_key_group *g = realloc(m->groups, n * sizeof(*g));
	if (!g)
		return AGS_E_NOMEM;
	memset(g + m->ngroups, 0, (n - m->ngroups) * sizeof(*g));
	m->groups = g;
	m->ngroups = n;
	return 0;
}

bool ags_sops_metadata_group_empty(const struct ags_sops_metadata *m, size_t g)
{
	if (g >= m->ngroups)
		return true;
	const struct ags_sops_key_group *kg = &m->groups[g];
	if (kg->nage)
		return false;
	if (kg->other && kg->other->kind == AGS_VAL_MAP)
		for (size_t i = 0; i < kg->other->map->n; i++)
			if (kg->other->map->items[i].value.kind == AGS_VAL_SEQ && kg->other->map->items[i].value.seq->n)
				return false;
	return true;
}

int ags_sops_metadata_add_age(struct ags_sops_metadata *m, size_t g, const char *recipient, const char *enc)
{
	AGS_TRY(ags_sops_metadata_ensure_groups(m, g + 1));
	struct ags_sops_key_group *kg = &m->groups[g];
	if (kg->nage >= AGS_SOPS_MAX_KEYS)
		return AGS_E_TOO_BIG;
	AGS_TRY(ags_array_grow((void **)&kg->age, &kg->cap, kg->nage, sizeof(*kg->age), 4));
	char *r = strdup(recipient ? recipient : "");
	char *e = strdup(enc ? enc : "");
	if (!r || !e) {
		free(r);
		free(e);
		return AGS_E_NOMEM;
	}
	kg->age[kg->nage].recipient = r;
	kg->age[kg->nage].enc = e;
	kg->nage++;
	return 0;
}

/* mapstructure's weakly typed string decoding of a scalar. */
static int weak_string(const struct ags_value *v, const char *field, char **out, struct ags_diag *d)
{
	char tmp[AGS_SOPS_FLOAT_MAX];
	const char *s = NULL;
	size_t n = 0;
	switch (v->kind) {
	case AGS_VAL_NULL:
		*out = NULL;
		return 0;
	case AGS_VAL_STR:
	case AGS_VAL_TIME:
		s = v->str.p;
		n = v->str.len;
		break;
	case AGS_VAL_INT:
		n = (size_t)snprintf(tmp, sizeof(tmp), "%lld", (long long)v->i);
		s = tmp;
		break;
	case AGS_VAL_FLOAT: {
		int k = ags_sops_float_format(v->f, tmp, sizeof(tmp));
		if (k < 0)
			return k;
		s = tmp;
		n = (size_t)k;
		break;
	}
	case AGS_VAL_BOOL:
		s = v->b ? "1" : "0";
		n = 1;
		break;
	default:
		return ags_diag_set(d, AGS_E_SOPS_FORMAT, "sops metadata: '%s' must be a string", field);
	}
	if (memchr(s, 0, n))
		return ags_diag_set(d, AGS_E_SOPS_FORMAT, "sops metadata: '%s' contains a NUL byte", field);
	char *c = strndup(s, n);
	if (!c)
		return AGS_E_NOMEM;
	*out = c;
	return 0;
}

static int weak_bool(const struct ags_value *v, const char *field, bool *out, struct ags_diag *d)
{
	switch (v->kind) {
	case AGS_VAL_NULL:
		*out = false;
		return 0;
	case AGS_VAL_BOOL:
		*out = v->b;
		return 0;
	case AGS_VAL_INT:
		*out = v->i != 0;
		return 0;
	case AGS_VAL_STR: {
		static const char *t[] = { "1", "t", "T", "TRUE", "true", "True" };
		static const char *f[] = { "0", "f", "F", "FALSE", "false", "False", "" };
		for (size_t i = 0; i < AGS_ARRAY_SIZE(t); i++)
			if (strcmp(v->str.p, t[i]) == 0) {
				*out = true;
				return 0;
			}
		for (size_t i = 0; i < AGS_ARRAY_SIZE(f); i++)
			if (strcmp(v->str.p, f[i]) == 0) {
				*out = false;
				return 0;
			}
		break;
	}
	default:
		break;
	}
	return ags_diag_set(d, AGS_E_SOPS_FORMAT, "sops metadata: '%s' must be a boolean", field);
}

static int weak_uint(const struct ags_value *v, const char *field, unsigned *out, struct ags_diag *d)
{
	int64_t i = 0;
	if (v->kind == AGS_VAL_NULL) {
		*out = 0;
		return 0;
	}
	if (v->kind == AGS_VAL_INT)
		i = v->i;
	else if (v->kind == AGS_VAL_FLOAT && v->f == (double)(int64_t)v->f)
		i = (int64_t)v->f;
	else if (v->kind != AGS_VAL_STR || ags_sops_int_parse(v->str.p, v->str.len, &i) < 0)
		return ags_diag_set(d, AGS_E_SOPS_FORMAT, "sops metadata: '%s' must be an integer", field);
	if (i < 0 || i > 255)
		return ags_diag_set(d, AGS_E_SOPS_FORMAT, "sops metadata: '%s' out of range", field);
	*out = (unsigned)i;
	return 0;
}

static bool is_key_type(const char *k)
{
	for (size_t i = 0; i < AGS_ARRAY_SIZE(KEY_TYPES); i++)
		if (strcmp(k, KEY_TYPES[i]) == 0)
			return true;
	return false;
}

/* Reads the key lists (age, pgp, kms, ...) of one mapping into group g.
 * Returns the number of keys found. */
static int parse_group(const struct ags_branch *b, struct ags_sops_metadata *m, size_t g, const char *where,
		       struct ags_diag *d)
{
	int count = 0;
	for (size_t i = 0; i < b->n; i++) {
		const struct ags_item *it = &b->items[i];
		if (it->key.kind != AGS_VAL_STR || !is_key_type(it->key.str.p))
			continue;
		const struct ags_value *v = &it->value;
		if (v->kind == AGS_VAL_NULL)
			continue;
		if (v->kind != AGS_VAL_SEQ)
			return ags_diag_set(d, AGS_E_SOPS_FORMAT, "sops metadata: %s%s must be a list", where,
					    it->key.str.p);
		if (v->seq->n == 0)
			continue;
		if (v->seq->n > AGS_SOPS_MAX_KEYS)
			return ags_diag_set(d, AGS_E_TOO_BIG, "sops metadata: too many keys in %s%s", where,
					    it->key.str.p);
		AGS_TRY(ags_sops_metadata_ensure_groups(m, g + 1));
		struct ags_sops_key_group *kg = &m->groups[g];
		if (strcmp(it->key.str.p, "age") == 0) {
			for (size_t j = 0; j < v->seq->n; j++) {
				const struct ags_value *e = &v->seq->items[j];
				if (e->kind == AGS_VAL_COMMENT)
					continue;
				if (e->kind != AGS_VAL_MAP)
					return ags_diag_set(d, AGS_E_SOPS_FORMAT,
							    "sops metadata: %sage[%zu] must be a mapping", where, j);
				const struct ags_value *rv = ags_branch_get(e->map, "recipient");
				const struct ags_value *ev = ags_branch_get(e->map, "enc");
				char *r = NULL, *enc = NULL;
				int rc = rv ? weak_string(rv, "recipient", &r, d) : 0;
				if (rc == 0 && ev)
					rc = weak_string(ev, "enc", &enc, d);
				if (rc == 0)
					rc = ags_sops_metadata_add_age(m, g, r, enc);
				free(r);
				free(enc);
				AGS_TRY(rc);
				count++;
			}
		} else {
			if (!kg->other) {
				kg->other = calloc(1, sizeof(*kg->other));
				if (!kg->other)
					return AGS_E_NOMEM;
				AGS_TRY(ags_value_set_map(kg->other));
			}
			struct ags_value k = { 0 }, val = { 0 };
			int rc = ags_value_copy(&k, &it->key);
			if (rc == 0)
				rc = ags_value_copy(&val, v);
			if (rc == 0)
				rc = ags_branch_append(kg->other->map, &k, &val);
			ags_value_clear(&k);
			ags_value_clear(&val);
			AGS_TRY(rc);
			count += (int)v->seq->n;
		}
	}
	return count;
}

int ags_sops_metadata_parse(const struct ags_value *v, struct ags_sops_metadata *out, struct ags_diag *d)
{
	if (!v || v->kind != AGS_VAL_MAP)
		return ags_diag_set(d, AGS_E_SOPS_METADATA_NOT_FOUND, "sops metadata not found");
	struct ags_sops_metadata m = { 0 };
	const struct ags_branch *b = v->map;
	int rc = 0;
	struct {
		const char *name;
		char **dst;
	} strs[] = {
		{ "lastmodified", &m.lastmodified },
		{ "mac", &m.mac },
		{ "version", &m.version },
		{ "unencrypted_suffix", (char **)&m.rules.unencrypted_suffix },
		{ "encrypted_suffix", (char **)&m.rules.encrypted_suffix },
		{ "unencrypted_regex", (char **)&m.rules.unencrypted_regex },
		{ "encrypted_regex", (char **)&m.rules.encrypted_regex },
		{ "unencrypted_comment_regex", (char **)&m.rules.unencrypted_comment_regex },
		{ "encrypted_comment_regex", (char **)&m.rules.encrypted_comment_regex },
	};
	for (size_t i = 0; rc == 0 && i < AGS_ARRAY_SIZE(strs); i++) {
		const struct ags_value *f = ags_branch_get(b, strs[i].name);
		if (f)
			rc = weak_string(f, strs[i].name, strs[i].dst, d);
	}
	const struct ags_value *f;
	if (rc == 0 && (f = ags_branch_get(b, "mac_only_encrypted")))
		rc = weak_bool(f, "mac_only_encrypted", &m.rules.mac_only_encrypted, d);
	if (rc == 0 && (f = ags_branch_get(b, "shamir_threshold")))
		rc = weak_uint(f, "shamir_threshold", &m.shamir_threshold, d);
	if (rc == 0 && !m.lastmodified)
		rc = ags_diag_set(d, AGS_E_SOPS_FORMAT, "sops metadata: lastmodified is missing");
	if (rc == 0) {
		char canon[64];
		if (ags_sops_time_canon(m.lastmodified, strlen(m.lastmodified), false, canon, sizeof(canon)) < 0)
			rc = ags_diag_set(d, AGS_E_SOPS_FORMAT, "sops metadata: lastmodified \"%.64s\" is not RFC 3339",
					  m.lastmodified);
	}
	/* Keys: top-level lists win over key_groups when any is non-empty (as Go). */
	if (rc == 0) {
		int n = parse_group(b, &m, 0, "", d);
		if (n < 0)
			rc = n;
		else if (n == 0) {
			/* discard an empty group 0 created by nothing */
			const struct ags_value *kgs = ags_branch_get(b, "key_groups");
			if (kgs && kgs->kind == AGS_VAL_SEQ) {
				size_t g = 0;
				for (size_t i = 0; rc == 0 && i < kgs->seq->n; i++) {
					const struct ags_value *e = &kgs->seq->items[i];
					if (e->kind == AGS_VAL_COMMENT)
						continue;
					if (e->kind != AGS_VAL_MAP) {
						rc = ags_diag_set(d, AGS_E_SOPS_FORMAT,
								  "sops metadata: key_groups[%zu] must be a mapping", i);
						break;
					}
					char where[48];
					snprintf(where, sizeof(where), "key_groups[%zu].", i);
					rc = ags_sops_metadata_ensure_groups(&m, g + 1);
					if (rc == 0) {
						int k = parse_group(e->map, &m, g, where, d);
						rc = k < 0 ? k : 0;
					}
					g++;
				}
			} else if (kgs && kgs->kind != AGS_VAL_NULL) {
				rc = ags_diag_set(d, AGS_E_SOPS_FORMAT, "sops metadata: key_groups must be a list");
			}
			if (rc == 0 && m.ngroups == 0)
				rc = ags_diag_set(d, AGS_E_SOPS_FORMAT, "sops metadata: no keys found in file");
		}
	}
	if (rc < 0) {
		ags_sops_metadata_clear(&m);
		return rc;
	}
	*out = m;
	return 0;
}

/* ---- building ---- */

static int sorted_copy(struct ags_value *dst, const struct ags_value *src);

/* Deep copy with every mapping's keys sorted, as Go's map output is. */
static int sort_map(struct ags_branch *b)
{
	for (size_t i = 1; i < b->n; i++) {
		struct ags_item t = b->items[i];
		size_t j = i;
		while (j > 0 && b->items[j - 1].key.kind == AGS_VAL_STR && t.key.kind == AGS_VAL_STR &&
		       strcmp(b->items[j - 1].key.str.p, t.key.str.p) > 0) {
			b->items[j] = b->items[j - 1];
			j--;
		}
		b->items[j] = t;
	}
	return 0;
}

static int sorted_copy(struct ags_value *dst, const struct ags_value *src)
{
	AGS_TRY(ags_value_copy(dst, src));
	if (dst->kind == AGS_VAL_MAP) {
		/* drop comments: Go's metadata round trip through a map loses them */
		for (size_t i = dst->map->n; i-- > 0;)
			if (dst->map->items[i].key.kind != AGS_VAL_STR)
				ags_branch_remove(dst->map, i);
		for (size_t i = 0; i < dst->map->n; i++)
			if (dst->map->items[i].value.kind == AGS_VAL_MAP || dst->map->items[i].value.kind == AGS_VAL_SEQ) {
				struct ags_value t = { 0 };
				int r = sorted_copy(&t, &dst->map->items[i].value);
				if (r < 0)
					return r;
				ags_value_clear(&dst->map->items[i].value);
				dst->map->items[i].value = t;
			}
		sort_map(dst->map);
	} else if (dst->kind == AGS_VAL_SEQ) {
		for (size_t i = 0; i < dst->seq->n; i++)
			if (dst->seq->items[i].kind == AGS_VAL_MAP) {
				struct ags_value t = { 0 };
				AGS_TRY(sorted_copy(&t, &dst->seq->items[i]));
				ags_value_clear(&dst->seq->items[i]);
				dst->seq->items[i] = t;
			}
	}
	return 0;
}

static int put(struct ags_branch *b, const char *k, struct ags_value *v)
{
	struct ags_value key = { 0 };
	AGS_TRY(ags_value_set_str(&key, AGS_VAL_STR, k, strlen(k)));
	int r = ags_branch_append(b, &key, v);
	ags_value_clear(&key);
	return r;
}

static int put_str(struct ags_branch *b, const char *k, const char *s)
{
	struct ags_value v = { 0 };
	AGS_TRY(ags_value_set_str(&v, AGS_VAL_STR, s, strlen(s)));
	int r = put(b, k, &v);
	ags_value_clear(&v);
	return r;
}

/* Fills mapping m, item i of a list put_map_list builds from ctx. */
typedef int (*fill_fn)(const void *ctx, size_t i, struct ags_branch *m);

/* Adds k to b: a list of n mappings, mapping i filled by fill(ctx, i, ...). */
static int put_map_list(struct ags_branch *b, const char *k, size_t n, fill_fn fill, const void *ctx)
{
	struct ags_value list = { 0 };
	int r = ags_value_set_seq(&list);
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct ags_value e = { 0 };
		r = ags_value_set_map(&e);
		if (r == 0)
			r = fill(ctx, i, e.map);
		if (r == 0)
			r = ags_list_append(list.seq, &e);
		ags_value_clear(&e);
	}
	if (r == 0)
		r = put(b, k, &list);
	ags_value_clear(&list);
	return r;
}

/* One entry of a group's age list (ctx: the group's ags_sops_age_key array). */
static int fill_age(const void *ctx, size_t i, struct ags_branch *m)
{
	const struct ags_sops_age_key *a = (const struct ags_sops_age_key *)ctx + i;
	AGS_TRY(put_str(m, "enc", a->enc));
	return put_str(m, "recipient", a->recipient);
}

/* The key lists of one group as (name, list) pairs added to b. */
static int build_group(const struct ags_sops_key_group *kg, struct ags_branch *b)
{
	if (kg->nage)
		AGS_TRY(put_map_list(b, "age", kg->nage, fill_age, kg->age));
	if (kg->other && kg->other->kind == AGS_VAL_MAP) {
		for (size_t i = 0; i < kg->other->map->n; i++) {
			const struct ags_item *it = &kg->other->map->items[i];
			if (it->key.kind != AGS_VAL_STR || it->value.kind != AGS_VAL_SEQ || it->value.seq->n == 0)
				continue;
			struct ags_value c = { 0 };
			int r = sorted_copy(&c, &it->value);
			if (r == 0)
				r = put(b, it->key.str.p, &c);
			ags_value_clear(&c);
			AGS_TRY(r);
		}
	}
	return 0;
}

/* One group of key_groups (ctx: the ags_sops_key_group array), keys sorted. */
static int fill_group(const void *ctx, size_t i, struct ags_branch *m)
{
	AGS_TRY(build_group((const struct ags_sops_key_group *)ctx + i, m));
	return sort_map(m);
}

int ags_sops_metadata_build(const struct ags_sops_metadata *m, struct ags_value *out)
{
	struct ags_value root = { 0 };
	AGS_TRY(ags_value_set_map(&root));
	struct ags_branch *b = root.map;
	int r = 0;
	if (m->ngroups == 1) {
		r = build_group(&m->groups[0], b);
	} else if (m->ngroups > 1) {
		r = put_map_list(b, "key_groups", m->ngroups, fill_group, m->groups);
	}
	if (r == 0)
		r = put_str(b, "lastmodified", m->lastmodified ? m->lastmodified : "");
	if (r == 0)
		r = put_str(b, "mac", m->mac ? m->mac : "");
	if (r == 0 && m->rules.mac_only_encrypted) {
		struct ags_value v = { .kind = AGS_VAL_BOOL, .b = true };
		r = put(b, "mac_only_encrypted", &v);
	}
	if (r == 0 && m->shamir_threshold) {
		struct ags_value v = { .kind = AGS_VAL_INT, .i = m->shamir_threshold };
		r = put(b, "shamir_threshold", &v);
	}
	const struct {
		const char *name, *val;
	} rules[] = {
		{ "unencrypted_suffix", m->rules.unencrypted_suffix },
		{ "encrypted_suffix", m->rules.encrypted_suffix },
		{ "unencrypted_regex", m->rules.unencrypted_regex },
		{ "encrypted_regex", m->rules.encrypted_regex },
		{ "unencrypted_comment_regex", m->rules.unencrypted_comment_regex },
		{ "encrypted_comment_regex", m->rules.encrypted_comment_regex },
	};
	for (size_t i = 0; r == 0 && i < AGS_ARRAY_SIZE(rules); i++)
		if (rules[i].val && *rules[i].val)
			r = put_str(b, rules[i].name, rules[i].val);
	if (r == 0)
		r = put_str(b, "version", m->version ? m->version : AGS_SOPS_VERSION);
	if (r == 0)
		sort_map(b);
	if (r < 0) {
		ags_value_clear(&root);
		return r;
	}
	*out = root;
	return 0;
}
