/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_jsontext: datums read straight from JSON text (see the header).
 * With thousands of ports, parsing the start-up select reply into jansson
 * objects and converting those into datums was half of an ovs-vsctl
 * call's CPU time.
 */
#include "dbctl_jsontext.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ovsdb_error.h"
#include "util.h"

bool
dbctl_jt_eat(struct json_scan *r, char c)
{
	json_scan_blank(r);
	if (r->p < r->end && *r->p == c) {
		r->p++;
		return true;
	}
	return false;
}

int
dbctl_jt_peek(struct json_scan *r)
{
	json_scan_blank(r);
	return r->p < r->end ? (unsigned char)*r->p : -1;
}

/* Skips a string; @strict refuses escapes and bytes outside printable
 * ASCII (which jansson would have to validate or decode). */
static bool
skip_string(struct json_scan *r, bool strict, bool *plain)
{
	*plain = true;
	if (!dbctl_jt_eat(r, '"'))
		return false;
	while (r->p < r->end) {
		unsigned char c = (unsigned char)*r->p++;

		if (c == '"')
			return true;
		if (c == '\\' || c < 0x20 || c > 0x7e) {
			*plain = false;
			if (strict)
				return false;
			if (c == '\\' && r->p < r->end)
				r->p++;
		}
	}
	return false;
}

/* Skips one value; with @strict, only values whose strings are plain.
 * Numbers and literals are only delimited here: jansson (or the caller's
 * next expected character) judges them. */
static bool
skip_value(struct json_scan *r, bool strict, int depth)
{
	bool plain;
	int c = dbctl_jt_peek(r);

	if (depth > 64)
		return false;
	if (c == '"')
		return skip_string(r, strict, &plain);
	if (c == '[' || c == '{') {
		char close = c == '[' ? ']' : '}';

		r->p++;
		if (dbctl_jt_eat(r, close))
			return true;
		do {
			if (c == '{' && (!skip_string(r, strict, &plain) ||
					 !dbctl_jt_eat(r, ':')))
				return false;
			if (!skip_value(r, strict, depth + 1))
				return false;
		} while (dbctl_jt_eat(r, ','));
		return dbctl_jt_eat(r, close);
	}
	const char *start = r->p;
	while (r->p < r->end &&
	       ((*r->p >= '0' && *r->p <= '9') ||
		(*r->p >= 'a' && *r->p <= 'z') || *r->p == '-' ||
		*r->p == '+' || *r->p == '.' || *r->p == 'E'))
		r->p++;
	return r->p != start;
}

bool
dbctl_jt_skip(struct json_scan *r)
{
	return skip_value(r, true, 0);
}

static bool
read_tag(struct json_scan *r, const char *tag)
{
	const char *s;
	size_t len;

	return json_scan_plain_string(r, &s, &len) && len == strlen(tag) &&
	       !memcmp(s, tag, len);
}

/* One atom of @base, plainly written; false if it is not (the caller then
 * falls back to jansson for the whole value). */
static bool
read_atom(struct json_scan *r, const struct ovsdb_base_type *base,
	  union ovsdb_atom *a)
{
	struct ovsdb_error *e = NULL;
	const char *s;
	size_t len;

	json_scan_blank(r);
	switch (base->type) {
	case OVSDB_T_INTEGER:
		if (!json_scan_int(r, &a->i))
			return false;
		break;
	case OVSDB_T_BOOLEAN:
		if (json_scan_word(r, "true"))
			a->b = true;
		else if (json_scan_word(r, "false"))
			a->b = false;
		else
			return false;
		break;
	case OVSDB_T_STRING:
		if (!json_scan_plain_string(r, &s, &len))
			return false;
		a->s = xstrndup(s, len);
		break;
	case OVSDB_T_UUID: {
		char buf[OVSDB_UUID_LEN + 1];

		if (!dbctl_jt_eat(r, '[') || !read_tag(r, "uuid") ||
		    !dbctl_jt_eat(r, ',') ||
		    !json_scan_plain_string(r, &s, &len) ||
		    len != OVSDB_UUID_LEN || !dbctl_jt_eat(r, ']'))
			return false;
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (!ovsdb_uuid_from_string(buf, &a->u))
			return false;
		break;
	}
	default:
		return false;
	}
	if (ovsdb_atom_check_constraints(a, base, &e)) {
		ovsdb_error_free(e);
		ovsdb_atom_destroy(a, base->type);
		return false;
	}
	return true;
}

static void
grow(struct ovsdb_datum *d, size_t *cap, bool map)
{
	if (d->n < *cap)
		return;
	*cap = *cap ? *cap * 2 : 4;
	d->keys = xrealloc(d->keys, *cap * sizeof *d->keys);
	if (map)
		d->values = xrealloc(d->values, *cap * sizeof *d->values);
}

/* The elements of a "set" or "map" after its tag: `, [ ... ] ]`. */
static bool
read_elems(struct json_scan *r, const struct ovsdb_type *t, bool map,
	   struct ovsdb_datum *d)
{
	size_t cap = 0;

	if (!dbctl_jt_eat(r, ',') || !dbctl_jt_eat(r, '['))
		return false;
	if (!dbctl_jt_eat(r, ']')) {
		do {
			grow(d, &cap, map);
			if (map && !dbctl_jt_eat(r, '['))
				return false;
			if (!read_atom(r, &t->key, &d->keys[d->n]))
				return false;
			if (map &&
			    (!dbctl_jt_eat(r, ',') ||
			     !read_atom(r, &t->value, &d->values[d->n]))) {
				ovsdb_atom_destroy(&d->keys[d->n], t->key.type);
				return false;
			}
			d->n++;
			if (map && !dbctl_jt_eat(r, ']'))
				return false;
		} while (dbctl_jt_eat(r, ','));
		if (!dbctl_jt_eat(r, ']'))
			return false;
	}
	return dbctl_jt_eat(r, ']');
}

/* The value at @r as a datum of @t without jansson; false (anything
 * allocated freed) if it is not written plainly. */
static bool
read_datum(struct json_scan *r, const struct ovsdb_type *t,
	   struct ovsdb_datum *d)
{
	bool map = ovsdb_type_is_map(t);
	struct ovsdb_error *e = NULL;
	struct json_scan save;
	bool ok;

	ovsdb_datum_init_empty(d);
	if (map) {
		ok = dbctl_jt_eat(r, '[') && read_tag(r, "map") &&
		     read_elems(r, t, true, d);
	} else if (dbctl_jt_peek(r) == '[' && t->key.type != OVSDB_T_UUID) {
		ok = dbctl_jt_eat(r, '[') && read_tag(r, "set") &&
		     read_elems(r, t, false, d);
	} else if (dbctl_jt_peek(r) == '[') {
		/* ["set", [...]] or the single atom ["uuid", "..."]. */
		save = *r;
		r->p++;
		if (read_tag(r, "set")) {
			ok = read_elems(r, t, false, d);
		} else {
			*r = save;
			d->keys = xmalloc(sizeof *d->keys);
			ok = read_atom(r, &t->key, &d->keys[0]);
			d->n = ok;
		}
	} else {
		d->keys = xmalloc(sizeof *d->keys);
		ok = read_atom(r, &t->key, &d->keys[0]);
		d->n = ok;
	}
	if (ok && (d->n < t->n_min || d->n > t->n_max))
		ok = false;
	if (ok && ovsdb_datum_sort(d, t, &e)) {
		ovsdb_error_free(e);
		ok = false;
	}
	if (!ok)
		ovsdb_datum_destroy(d, t);
	return ok;
}

int
dbctl_jt_datum(struct json_scan *r, const struct ovsdb_type *t,
	       struct ovsdb_datum *d)
{
	struct ovsdb_error *e = NULL;
	struct json_scan start;
	json_error_t jerr;
	json_t *j;
	int rc;

	json_scan_blank(r);
	start = *r;
	if (read_datum(r, t, d)) {
		/* The value must end where jansson would end it. */
		int c = dbctl_jt_peek(r);
		if (c == ',' || c == '}' || c == ']')
			return 0;
		ovsdb_datum_destroy(d, t);
		return -EAGAIN;
	}
	*r = start;
	if (!skip_value(r, false, 0))
		return -EAGAIN;
	j = json_loadb(start.p, (size_t)(r->p - start.p), JSON_DECODE_ANY,
		       &jerr);
	if (!j)
		return -EAGAIN;
	rc = ovsdb_datum_from_json(d, t, j, NULL, &e);
	json_decref(j);
	if (rc) {
		ovsdb_error_free(e);
		ovsdb_datum_init_empty(d);
		return -EINVAL;
	}
	return 0;
}
