/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb_error: the error objects OVSDB reports to clients, as
 * {"error": TAG, "details": TEXT, "syntax": JSON-TEXT}.  Engine functions
 * return 0 or a negative errno and, on failure, hand the caller one of
 * these through their last out-parameter (never left NULL on failure).
 */
#ifndef MICROVS_OVSDB_ERROR_H
#define MICROVS_OVSDB_ERROR_H

#include <jansson.h>

#include "util.h"

struct ovsdb_error {
	char *tag;     /* "syntax error", "constraint violation", ... */
	char *details; /* may be NULL */
	char *syntax;  /* compact JSON of the offending input, may be NULL */
};

/* Creates an error; @syntax (may be NULL) is serialised the way OVS does
 * (compact, sorted keys).  Returns -EINVAL so callers can write
 * `return ovsdb_err(errp, ...)`.  @errp may be NULL (error dropped). */
int ovsdb_err(struct ovsdb_error **errp, const char *tag, const json_t *syntax,
	      const char *fmt, ...) PRINTF_FMT(4, 5);
/* Same with an explicit errno to return. */
int ovsdb_err_code(struct ovsdb_error **errp, int code, const char *tag,
		   const json_t *syntax, const char *fmt, ...) PRINTF_FMT(5, 6);
/* jansson's iteration macros want non-const values. */
static inline json_t *
json_mut(const json_t *j)
{
	union {
		const json_t *c;
		json_t *m;
	} u = { j };
	return u.m;
}

void ovsdb_error_free(struct ovsdb_error *e);
/* New reference: {"error":..., "details":..., "syntax":...}. */
json_t *ovsdb_error_to_json(const struct ovsdb_error *e);
/* Compact, sorted JSON text (caller frees). */
char *ovsdb_json_text(const json_t *j);

#endif
