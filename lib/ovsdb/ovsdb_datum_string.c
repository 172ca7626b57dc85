/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb_datum_string: the command-line value syntax of ovs-vsctl (see the
 * header).  A token is a JSON-quoted string or a run of characters up to a
 * delimiter; a datum is an optional bracketed list of tokens separated by
 * commas or spaces, with `=` between map keys and values.
 */
#include "ovsdb_datum_string.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static bool
is_delim(char c)
{
	return c == ':' || c == '=' || c == ',' || c == '[' || c == ']' ||
	       c == '{' || c == '}' || isspace((unsigned char)c);
}

static const char *
skip_ws(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* Scans one token at *@pp into a new string (unquoted).  -EINVAL with
 * *@errp on a missing closing quote; @whole names the input in errors. */
static int
scan_token(const char **pp, const char *whole, char **tokp, bool *quoted,
	   char **errp)
{
	const char *p = *pp;

	*quoted = false;
	if (*p == '"') {
		const char *q = p + 1;
		while (*q && *q != '"') {
			if (*q == '\\' && q[1])
				q++;
			q++;
		}
		if (*q != '"') {
			*errp = xasprintf("%s: missing quote at end of quoted "
					  "string",
					  whole);
			return -EINVAL;
		}
		char *lit = xstrndup(p, (size_t)(q - p + 1));
		json_error_t jerr;
		json_t *j = json_loads(lit, JSON_DECODE_ANY, &jerr);
		free(lit);
		if (!j || !json_is_string(j)) {
			json_decref(j);
			*errp = xasprintf("%s: invalid quoted string", whole);
			return -EINVAL;
		}
		*tokp = xstrdup(json_string_value(j));
		json_decref(j);
		*quoted = true;
		*pp = q + 1;
		return 0;
	}
	const char *q = p;
	while (*q && !is_delim(*q))
		q++;
	*tokp = xstrndup(p, (size_t)(q - p));
	*pp = q;
	return 0;
}

static int
parse_int(const char *s, int64_t *v)
{
	char *end;

	if (!*s)
		return -EINVAL;
	errno = 0;
	long long x = strtoll(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*v = x;
	return 0;
}

static int
constraint_error(struct ovsdb_error *e, char **errp)
{
	*errp = xasprintf("%s: %s", e->tag, e->details ? e->details : "");
	ovsdb_error_free(e);
	return -EINVAL;
}

/* Converts token @tok (already unquoted) to an atom. */
static int
atom_from_token(union ovsdb_atom *a, const struct ovsdb_base_type *base,
		const char *tok, bool quoted, const struct ovsdb_parse_ctx *pc,
		char **errp)
{
	struct ovsdb_error *e = NULL;

	switch (base->type) {
	case OVSDB_T_INTEGER:
		if (parse_int(tok, &a->i)) {
			*errp = xasprintf("\"%s\" is not a valid integer or "
					  "range",
					  tok);
			return -EINVAL;
		}
		break;
	case OVSDB_T_REAL: {
		char *end;
		errno = 0;
		a->r = strtod(tok, &end);
		if (!*tok || *end || errno) {
			*errp = xasprintf("\"%s\" is not a valid real number",
					  tok);
			return -EINVAL;
		}
		break;
	}
	case OVSDB_T_BOOLEAN:
		if (!strcmp(tok, "true")) {
			a->b = true;
		} else if (!strcmp(tok, "false")) {
			a->b = false;
		} else {
			*errp = xasprintf("\"%s\" is not a valid boolean (use "
					  "\"true\" or \"false\")",
					  tok);
			return -EINVAL;
		}
		break;
	case OVSDB_T_STRING:
		if (!*tok && !quoted) {
			*errp = xstrdup(
				"An empty string is not valid as input; "
				"use \"\" to represent the empty string");
			return -EINVAL;
		}
		a->s = xstrdup(tok);
		break;
	case OVSDB_T_UUID:
		if (tok[0] == '@' && pc && pc->resolve &&
		    !pc->resolve(pc->aux, tok, &a->u))
			break;
		if (!ovsdb_uuid_from_string(tok, &a->u)) {
			*errp = xasprintf("\"%s\" is not a valid UUID", tok);
			return -EINVAL;
		}
		break;
	default:
		*errp = xstrdup("void type");
		return -EINVAL;
	}
	if (ovsdb_atom_check_constraints(a, base, &e)) {
		ovsdb_atom_destroy(a, base->type);
		return constraint_error(e, errp);
	}
	return 0;
}

int
ovsdb_atom_from_string(union ovsdb_atom *a, const struct ovsdb_base_type *base,
		       const char *s, const struct ovsdb_parse_ctx *pc,
		       char **errp)
{
	const char *p = s;
	char *tok;
	bool quoted;

	if (*p == '"') {
		int r = scan_token(&p, s, &tok, &quoted, errp);
		if (r)
			return r;
		if (*skip_ws(p)) {
			free(tok);
			*errp = xasprintf("%s: trailing garbage after quoted "
					  "string",
					  s);
			return -EINVAL;
		}
	} else {
		tok = xstrdup(s);
		quoted = false;
	}
	int r = atom_from_token(a, base, tok, quoted, pc, errp);
	free(tok);
	return r;
}

/* Adds the integer range "a-b" in @tok to @d if it is one. */
static int
try_range(struct ovsdb_datum *d, const struct ovsdb_type *t, const char *tok,
	  char **errp)
{
	const char *dash = strchr(tok + 1, '-');
	int64_t lo, hi;

	if (!dash)
		return -ENOENT;
	char *a = xstrndup(tok, (size_t)(dash - tok));
	int r = parse_int(a, &lo) || parse_int(dash + 1, &hi);
	free(a);
	if (r)
		return -ENOENT;
	if (hi < lo) {
		*errp = xasprintf("\"%s\" is not a valid range. Range end "
				  "cannot be before start.",
				  tok);
		return -EINVAL;
	}
	if (hi - lo >= 4096) {
		*errp = xasprintf("Range \"%s\" is too big.", tok);
		return -EINVAL;
	}
	for (int64_t v = lo; v <= hi; v++) {
		union ovsdb_atom x = { .i = v };
		struct ovsdb_error *e = NULL;
		if (ovsdb_atom_check_constraints(&x, &t->key, &e))
			return constraint_error(e, errp);
		ovsdb_datum_add_unsafe(d, &x, NULL, t);
	}
	return 0;
}

static int
parse_datum(struct ovsdb_datum *d, const struct ovsdb_type *t, const char *s,
	    const struct ovsdb_parse_ctx *pc, bool check_count, char **errp)
{
	bool map = ovsdb_type_is_map(t);
	const char *p = skip_ws(s);
	char end = 0;
	int r = 0;

	ovsdb_datum_init_empty(d);
	if (*p == (map ? '{' : '[')) {
		end = map ? '}' : ']';
		p++;
	}
	for (;;) {
		p = skip_ws(p);
		if (!*p || (end && *p == end))
			break;
		if (d->n && *p == ',') {
			p = skip_ws(p + 1);
		}
		if (!*p || (end && *p == end))
			break;
		char *tok;
		bool quoted;
		const char *start = p;
		if ((r = scan_token(&p, s, &tok, &quoted, errp)))
			goto fail;
		if (p == start && !quoted) {
			free(tok);
			char *eng = ovsdb_type_to_english(t);
			*errp = xasprintf("%s: unexpected \"%c\" parsing %s", s,
					  *p, eng);
			free(eng);
			r = -EINVAL;
			goto fail;
		}
		union ovsdb_atom key, value;
		if (!map && !quoted && t->key.type == OVSDB_T_INTEGER) {
			r = try_range(d, t, tok, errp);
			if (r != -ENOENT) {
				free(tok);
				if (r)
					goto fail;
				continue;
			}
		}
		r = atom_from_token(&key, &t->key, tok, quoted, pc, errp);
		free(tok);
		if (r)
			goto fail;
		if (map) {
			p = skip_ws(p);
			if (*p != '=') {
				*errp = xasprintf("%s: syntax error at \"%c\"",
						  s, *p);
				ovsdb_atom_destroy(&key, t->key.type);
				r = -EINVAL;
				goto fail;
			}
			p = skip_ws(p + 1);
			if ((r = scan_token(&p, s, &tok, &quoted, errp))) {
				ovsdb_atom_destroy(&key, t->key.type);
				goto fail;
			}
			r = atom_from_token(&value, &t->value, tok, quoted, pc,
					    errp);
			free(tok);
			if (r) {
				ovsdb_atom_destroy(&key, t->key.type);
				goto fail;
			}
			ovsdb_datum_add_unsafe(d, &key, &value, t);
			ovsdb_atom_destroy(&value, t->value.type);
		} else {
			ovsdb_datum_add_unsafe(d, &key, NULL, t);
		}
		ovsdb_atom_destroy(&key, t->key.type);
	}
	if (end) {
		if (*p != end) {
			*errp = xasprintf("%s: missing \"%c\" at end of data",
					  s, end);
			r = -EINVAL;
			goto fail;
		}
		p = skip_ws(p + 1);
		if (*p) {
			*errp = xasprintf("%s: trailing garbage after \"%c\"",
					  s, end);
			r = -EINVAL;
			goto fail;
		}
	}
	struct ovsdb_error *e = NULL;
	if (ovsdb_datum_sort(d, t, &e)) {
		ovsdb_error_free(e);
		*errp = xasprintf("%s: %s contains duplicate %s", s,
				  map ? "map" : "set", map ? "key" : "value");
		r = -EINVAL;
		goto fail;
	}
	if (check_count && d->n < t->n_min) {
		*errp = xasprintf("%s: %u value(s) specified but the minimum "
				  "number is %u",
				  s, d->n, t->n_min);
		r = -EINVAL;
		goto fail;
	}
	if (check_count && d->n > t->n_max) {
		*errp = xasprintf("%s: %u value(s) specified but the maximum "
				  "number is %u",
				  s, d->n, t->n_max);
		r = -EINVAL;
		goto fail;
	}
	return 0;
fail:
	ovsdb_datum_destroy(d, t);
	ovsdb_datum_init_empty(d);
	return r;
}

int
ovsdb_datum_from_string(struct ovsdb_datum *d, const struct ovsdb_type *t,
			const char *s, const struct ovsdb_parse_ctx *pc,
			char **errp)
{
	return parse_datum(d, t, s, pc, true, errp);
}

int
ovsdb_datum_from_string_loose(struct ovsdb_datum *d, const struct ovsdb_type *t,
			      const char *s, const struct ovsdb_parse_ctx *pc,
			      char **errp)
{
	return parse_datum(d, t, s, pc, false, errp);
}

static void
atom_bare(const union ovsdb_atom *a, enum ovsdb_atype t, struct ds *out)
{
	if (t == OVSDB_T_STRING)
		ds_put(out, a->s);
	else
		ovsdb_atom_to_string(a, t, out);
}

void
ovsdb_datum_to_bare(const struct ovsdb_datum *d, const struct ovsdb_type *t,
		    struct ds *out)
{
	for (unsigned i = 0; i < d->n; i++) {
		if (i)
			ds_put_char(out, ' ');
		atom_bare(&d->keys[i], t->key.type, out);
		if (ovsdb_type_is_map(t)) {
			ds_put_char(out, '=');
			atom_bare(&d->values[i], t->value.type, out);
		}
	}
}
