/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb_error: construction and JSON form of OVSDB error objects. */
#include "ovsdb_error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

static char *
dump_text(const json_t *j, int real_digits)
{
	char *s =
		json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY |
				      JSON_REAL_PRECISION(real_digits));
	return s ? s : xstrdup("null");
}

char *
ovsdb_json_text(const json_t *j)
{
	return dump_text(j, 17);
}

static int
err_v(struct ovsdb_error **errp, int code, const char *tag,
      const json_t *syntax, const char *fmt, va_list ap)
{
	if (!errp)
		return code;
	struct ovsdb_error *e = xzalloc(sizeof *e);
	e->tag = xstrdup(tag);
	if (fmt)
		e->details = xvasprintf(fmt, ap);
	/* The "syntax" member: Open vSwitch prints the offending JSON with
	 * reals to 15 significant digits (%.15g), so 9223372036854775808,
	 * which it reads as a real, comes back as 9.22337203685478e+18. */
	if (syntax)
		e->syntax = dump_text(syntax, 15);
	if (*errp)
		ovsdb_error_free(*errp);
	*errp = e;
	return code;
}

int
ovsdb_err(struct ovsdb_error **errp, const char *tag, const json_t *syntax,
	  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = err_v(errp, -EINVAL, tag, syntax, fmt, ap);
	va_end(ap);
	return r;
}

int
ovsdb_err_code(struct ovsdb_error **errp, int code, const char *tag,
	       const json_t *syntax, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = err_v(errp, code, tag, syntax, fmt, ap);
	va_end(ap);
	return r;
}

void
ovsdb_error_free(struct ovsdb_error *e)
{
	if (!e)
		return;
	free(e->tag);
	free(e->details);
	free(e->syntax);
	free(e);
}

json_t *
ovsdb_error_to_json(const struct ovsdb_error *e)
{
	json_t *j = json_object();
	json_object_set_new(j, "error", json_string(e->tag));
	if (e->details)
		json_object_set_new(j, "details", json_string(e->details));
	if (e->syntax)
		json_object_set_new(j, "syntax", json_string(e->syntax));
	return j;
}
