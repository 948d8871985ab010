/*
 * First include of every lib/ .c file.  Module-internal helpers shared across
 * the library; nothing here is part of the public API.
 */
#ifndef AGS_INTERNAL_H
#define AGS_INTERNAL_H

#include <agesops/agesops.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <errno.h>

#define AGS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define AGS_MIN(a, b) ((a) < (b) ? (a) : (b))
#define AGS_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Evaluate x; on a negative result, return it from the calling function. */
#define AGS_TRY(x) do { int ags_try_r_ = (x); if (ags_try_r_ < 0) return ags_try_r_; } while (0)

#include "util/buf.h"
#include "util/secret.h"
#include "util/b64.h"
#include "util/file.h"
#include "util/utf8.h"

#endif
