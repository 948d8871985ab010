/*
 * Scalar typing and formatting shared by the stores (module-internal).
 *
 * Typing follows go-yaml v3's resolver as sops sees it when it decodes a
 * plain scalar into interface{}: the MAC hashes typed values, so "0x10" must
 * become the int 16 and "2024-01-01" a time, exactly as Go does.
 *
 * Float formatting reproduces Go's strconv.FormatFloat with the shortest
 * round-trip digits ('g', 'e', 'f' and 'G' with precision -1) and
 * encoding/json's float rule; all of it is locale-independent.
 */
#ifndef AGS_SOPS_SCALAR_H
#define AGS_SOPS_SCALAR_H

#include "sops/tree.h"
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* RFC 3339 with nanoseconds and an offset is at most 35 bytes. */
#define AGS_TIME_TEXT_MAX 40

struct ags_scalar_type {
	enum ags_val_kind kind; /* NULL, STR, INT, FLOAT, BOOL or TIME */
	bool uint_range;        /* an integer in [2^63, 2^64): go-yaml gives uint64, sops rejects it */
	int64_t i;
	double f;
	bool b;
	char time[AGS_TIME_TEXT_MAX]; /* TIME: Go's time.MarshalText form, NUL-terminated */
	size_t time_len;
};

/* Types a plain (unquoted, untagged) YAML scalar as go-yaml v3 does. */
void ags_yaml_resolve(const char *s, size_t n, struct ags_scalar_type *out);

/* Types s as go-yaml would for an explicit standard tag ("!!int", "!!float",
 * "!!bool", "!!null", "!!timestamp"; short or long form).  Returns false when
 * the text does not fit the tag (go-yaml: "cannot decode ... as a ..."). */
bool ags_yaml_resolve_tagged(const char *tag, const char *s, size_t n, struct ags_scalar_type *out);

/* go-yaml v3 encoder: a string may be written plain only when it resolves to
 * a string and is neither a YAML 1.1 bool (yes/on/...) nor a base-60 float. */
bool ags_yaml_str_needs_quotes(const char *s, size_t n);

/* Parses Go time layouts used by go-yaml; writes MarshalText form. */
bool ags_yaml_parse_timestamp(const char *s, size_t n, char out[AGS_TIME_TEXT_MAX], size_t *outlen);

/* Go strconv.FormatFloat(f, fmt, -1, 64) for fmt in 'e', 'E', 'f', 'g', 'G'.
 * buf must hold 400 bytes ('f' of 1e308 is long).  Returns the length.
 * Infinities and NaN come out as Go writes them: "+Inf", "-Inf", "NaN". */
size_t ags_fmt_float_go(double f, char fmt, char *buf);
/* YAML (go-yaml floatv): 'g' with .inf/-.inf/.nan. */
size_t ags_fmt_float_yaml(double f, char *buf);
/* encoding/json: 'f' for 1e-6 <= |f| < 1e21, else 'e' with a short exponent.
 * Returns 0 for NaN/Inf (json.Marshal refuses them). */
size_t ags_fmt_float_json(double f, char *buf);

/* Strict parse of a Go-syntax float literal as strconv.ParseFloat accepts it
 * for decimal input (no hex, no underscores, no inf/nan words); false on
 * syntax error or overflow. */
bool ags_parse_float_dec(const char *s, size_t n, double *out);

#endif
