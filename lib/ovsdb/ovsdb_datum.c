/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb_datum: atoms and datums, their JSON forms, constraints, set algebra. */
#include "ovsdb_datum.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- symbol table ---- */

void
ovsdb_symtab_init(struct ovsdb_symtab *st)
{
	hmap_init(&st->map);
}

void
ovsdb_symtab_destroy(struct ovsdb_symtab *st)
{
	struct hnode *n, *next;
	HMAP_FOR_EACH_SAFE (n, next, &st->map) {
		struct ovsdb_symbol *s =
			HMAP_CONTAINER(n, struct ovsdb_symbol, node);
		free(s->name);
		free(s);
	}
	hmap_destroy(&st->map);
}

struct ovsdb_symbol *
ovsdb_symtab_find(struct ovsdb_symtab *st, const char *name)
{
	uint32_t h = hash_bytes(name, strlen(name), 0);
	for (struct hnode *n = hmap_first_with_hash(&st->map, h); n;
	     n = hmap_next_with_hash(n)) {
		struct ovsdb_symbol *s =
			HMAP_CONTAINER(n, struct ovsdb_symbol, node);
		if (!strcmp(s->name, name))
			return s;
	}
	return NULL;
}

struct ovsdb_symbol *
ovsdb_symtab_get(struct ovsdb_symtab *st, const char *name)
{
	struct ovsdb_symbol *s = ovsdb_symtab_find(st, name);
	if (s)
		return s;
	s = xzalloc(sizeof *s);
	s->name = xstrdup(name);
	ovsdb_uuid_generate(&s->uuid);
	hmap_insert(&st->map, &s->node, hash_bytes(name, strlen(name), 0));
	return s;
}

/* ---- atoms ---- */

void
ovsdb_atom_default(union ovsdb_atom *a, enum ovsdb_atype t)
{
	memset(a, 0, sizeof *a);
	if (t == OVSDB_T_STRING)
		a->s = xstrdup("");
}

void
ovsdb_atom_clone(union ovsdb_atom *dst, const union ovsdb_atom *src,
		 enum ovsdb_atype t)
{
	if (t == OVSDB_T_STRING)
		dst->s = xstrdup(src->s);
	else
		*dst = *src;
}

void
ovsdb_atom_destroy(union ovsdb_atom *a, enum ovsdb_atype t)
{
	if (t == OVSDB_T_STRING)
		free(a->s);
}

int
ovsdb_atom_cmp(const union ovsdb_atom *a, const union ovsdb_atom *b,
	       enum ovsdb_atype t)
{
	switch (t) {
	case OVSDB_T_INTEGER:
		return a->i < b->i ? -1 : a->i > b->i;
	case OVSDB_T_REAL:
		return a->r < b->r ? -1 : a->r > b->r;
	case OVSDB_T_BOOLEAN:
		return (int)a->b - (int)b->b;
	case OVSDB_T_STRING: {
		int c = strcmp(a->s, b->s);
		return c < 0 ? -1 : c > 0;
	}
	case OVSDB_T_UUID:
		return ovsdb_uuid_cmp(&a->u, &b->u);
	default:
		return 0;
	}
}

uint32_t
ovsdb_atom_hash(const union ovsdb_atom *a, enum ovsdb_atype t, uint32_t basis)
{
	switch (t) {
	case OVSDB_T_INTEGER:
		return hash_bytes(&a->i, sizeof a->i, basis);
	case OVSDB_T_REAL: {
		double r = a->r == 0 ? 0 : a->r; /* -0 == 0 */
		return hash_bytes(&r, sizeof r, basis);
	}
	case OVSDB_T_BOOLEAN:
		return hash_bytes(&a->b, sizeof a->b, basis);
	case OVSDB_T_STRING:
		return hash_bytes(a->s, strlen(a->s), basis);
	case OVSDB_T_UUID:
		return hash_bytes(&a->u, sizeof a->u, basis);
	default:
		return basis;
	}
}

int
ovsdb_atom_from_json(union ovsdb_atom *a, const struct ovsdb_base_type *base,
		     const json_t *j, struct ovsdb_symtab *symtab,
		     struct ovsdb_error **errp)
{
	enum ovsdb_atype t = base->type;

	switch (t) {
	case OVSDB_T_INTEGER:
		if (!json_is_integer(j))
			goto expected;
		a->i = json_integer_value(j);
		break;
	case OVSDB_T_REAL:
		if (!json_is_number(j))
			goto expected;
		a->r = json_number_value(j);
		break;
	case OVSDB_T_BOOLEAN:
		if (!json_is_boolean(j))
			goto expected;
		a->b = json_is_true(j);
		break;
	case OVSDB_T_STRING:
		if (!json_is_string(j))
			goto expected;
		a->s = xstrdup(json_string_value(j));
		break;
	case OVSDB_T_UUID: {
		const char *kind, *s;
		if (!json_is_array(j) || json_array_size(j) != 2 ||
		    !(kind = json_string_value(json_array_get(j, 0))) ||
		    !(s = json_string_value(json_array_get(j, 1))))
			goto expected;
		if (!strcmp(kind, "uuid")) {
			if (!ovsdb_uuid_from_string(s, &a->u))
				return ovsdb_err(errp, "syntax error", j,
						 "\"%s\" is not a valid UUID",
						 s);
		} else if (!strcmp(kind, "named-uuid")) {
			if (!symtab)
				return ovsdb_err(errp, "syntax error", j,
						 "named-uuid not allowed here");
			a->u = ovsdb_symtab_get(symtab, s)->uuid;
		} else {
			goto expected;
		}
		break;
	}
	default:
		return ovsdb_err(errp, "syntax error", j, "void atom");
	}
	int r = ovsdb_atom_check_constraints(a, base, errp);
	if (r)
		ovsdb_atom_destroy(a, t);
	return r;

expected:
	if (t == OVSDB_T_UUID)
		return ovsdb_err(errp, "syntax error", j,
				 "expected [\"uuid\", <string>]");
	return ovsdb_err(errp, "syntax error", j, "expected %s",
			 ovsdb_atype_name(t));
}

/* Values every caller shares (reference-counted, never modified, kept
 * for the process's life): the tags of ["uuid", ...], ["set", ...] and
 * ["map", ...], and the empty set and map.  A select or monitor of a
 * thousand rows would otherwise build and free thousands of copies. */
enum { TAG_UUID, TAG_SET, TAG_MAP, EMPTY_SET, EMPTY_MAP, N_SHARED };
static json_t *shared[N_SHARED];
static pthread_once_t shared_once = PTHREAD_ONCE_INIT;

static void
make_shared(void)
{
	shared[TAG_UUID] = json_stringn_nocheck("uuid", 4);
	shared[TAG_SET] = json_stringn_nocheck("set", 3);
	shared[TAG_MAP] = json_stringn_nocheck("map", 3);
	shared[EMPTY_SET] = json_pack("[O,[]]", shared[TAG_SET]);
	shared[EMPTY_MAP] = json_pack("[O,[]]", shared[TAG_MAP]);
}

/* A new reference to shared value @k. */
static json_t *
shared_value(unsigned k)
{
	pthread_once(&shared_once, make_shared);
	return json_incref(shared[k]);
}

/* [tag @k, @inner] (@inner stolen), without json_pack's format parsing. */
static json_t *
tagged(unsigned k, json_t *inner)
{
	json_t *j = json_array();

	json_array_append_new(j, shared_value(k));
	json_array_append_new(j, inner);
	return j;
}

json_t *
ovsdb_atom_to_json(const union ovsdb_atom *a, enum ovsdb_atype t)
{
	char buf[37];
	switch (t) {
	case OVSDB_T_INTEGER:
		return json_integer(a->i);
	case OVSDB_T_REAL:
		return json_real(a->r);
	case OVSDB_T_BOOLEAN:
		return json_boolean(a->b);
	case OVSDB_T_STRING:
		return json_string(a->s);
	case OVSDB_T_UUID: {
		/* Not json_pack: this runs for every reference of every row a
		 * select returns. */
		json_t *j = json_array();
		ovsdb_uuid_format(&a->u, buf);
		json_array_append_new(j, shared_value(TAG_UUID));
		json_array_append_new(
			j, json_stringn_nocheck(buf, OVSDB_UUID_LEN));
		return j;
	}
	default:
		return json_null();
	}
}

static bool
string_needs_quotes(const char *s)
{
	struct ovsdb_uuid u;
	const unsigned char *p = (const unsigned char *)s;
	unsigned char c = *p++;

	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
		return true;
	while ((c = *p++) != '\0')
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return true;
	if (!strcmp(s, "true") || !strcmp(s, "false"))
		return true;
	return ovsdb_uuid_from_string(s, &u);
}

void
ovsdb_atom_to_string(const union ovsdb_atom *a, enum ovsdb_atype t,
		     struct ds *out)
{
	char buf[37];
	switch (t) {
	case OVSDB_T_INTEGER:
		ds_printf(out, "%" PRId64, a->i);
		break;
	case OVSDB_T_REAL:
		ds_printf(out, "%.*g", DBL_DIG, a->r);
		break;
	case OVSDB_T_BOOLEAN:
		ds_put(out, a->b ? "true" : "false");
		break;
	case OVSDB_T_STRING:
		if (string_needs_quotes(a->s)) {
			json_t *j = json_string(a->s);
			char *q = json_dumps(j, JSON_ENCODE_ANY);
			ds_put(out, q);
			free(q);
			json_decref(j);
		} else {
			ds_put(out, a->s);
		}
		break;
	case OVSDB_T_UUID:
		ovsdb_uuid_format(&a->u, buf);
		ds_put(out, buf);
		break;
	default:
		break;
	}
}

static size_t
utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int
ovsdb_atom_check_constraints(const union ovsdb_atom *a,
			     const struct ovsdb_base_type *b,
			     struct ovsdb_error **errp)
{
	static const char cv[] = "constraint violation";

	if (b->enum_ && ovsdb_datum_find_key(b->enum_, a, b->type) < 0) {
		struct ds as = DS_EMPTY, es = DS_EMPTY;
		struct ovsdb_type et = { .key = { .type = b->type },
					 .n_min = 1,
					 .n_max = UINT_MAX };
		ovsdb_atom_to_string(a, b->type, &as);
		ovsdb_datum_to_string(b->enum_, &et, &es);
		int r = ovsdb_err(errp, cv, NULL,
				  "%s is not one of the allowed values (%s)",
				  ds_cstr(&as), ds_cstr(&es));
		ds_free(&as);
		ds_free(&es);
		return r;
	}
	switch (b->type) {
	case OVSDB_T_INTEGER:
		if (a->i >= b->min_int && a->i <= b->max_int)
			return 0;
		if (b->min_int != INT64_MIN && b->max_int != INT64_MAX)
			return ovsdb_err(
				errp, cv, NULL,
				"%" PRId64 " is not in the valid range "
				"%" PRId64 " to %" PRId64 " (inclusive)",
				a->i, b->min_int, b->max_int);
		if (a->i < b->min_int)
			return ovsdb_err(errp, cv, NULL,
					 "%" PRId64 " is less than minimum "
					 "allowed value %" PRId64,
					 a->i, b->min_int);
		return ovsdb_err(errp, cv, NULL,
				 "%" PRId64 " is greater than maximum "
				 "allowed value %" PRId64,
				 a->i, b->max_int);
	case OVSDB_T_REAL:
		if (a->r >= b->min_real && a->r <= b->max_real)
			return 0;
		if (b->min_real != -DBL_MAX && b->max_real != DBL_MAX)
			return ovsdb_err(errp, cv, NULL,
					 "%.*g is not in the valid range "
					 "%.*g to %.*g (inclusive)",
					 DBL_DIG, a->r, DBL_DIG, b->min_real,
					 DBL_DIG, b->max_real);
		if (a->r < b->min_real)
			return ovsdb_err(errp, cv, NULL,
					 "%.*g is less than minimum allowed "
					 "value %.*g",
					 DBL_DIG, a->r, DBL_DIG, b->min_real);
		return ovsdb_err(errp, cv, NULL,
				 "%.*g is greater than maximum allowed "
				 "value %.*g",
				 DBL_DIG, a->r, DBL_DIG, b->max_real);
	case OVSDB_T_STRING: {
		if (!b->min_len && b->max_len == UINT_MAX)
			return 0;
		size_t n = utf8_len(a->s);
		if (n < b->min_len)
			return ovsdb_err(errp, cv, NULL,
					 "\"%s\" length %zu is less than "
					 "minimum allowed length %u",
					 a->s, n, b->min_len);
		if (n > b->max_len)
			return ovsdb_err(errp, cv, NULL,
					 "\"%s\" length %zu is greater than "
					 "maximum allowed length %u",
					 a->s, n, b->max_len);
		return 0;
	}
	default:
		return 0;
	}
}

/* ---- datums ---- */

void
ovsdb_datum_init_empty(struct ovsdb_datum *d)
{
	d->n = 0;
	d->keys = NULL;
	d->values = NULL;
}

void
ovsdb_datum_init_default(struct ovsdb_datum *d, const struct ovsdb_type *t)
{
	ovsdb_datum_init_empty(d);
	if (t->n_min == 0)
		return;
	d->n = 1;
	d->keys = xmalloc(sizeof *d->keys);
	ovsdb_atom_default(&d->keys[0], t->key.type);
	if (ovsdb_type_is_map(t)) {
		d->values = xmalloc(sizeof *d->values);
		ovsdb_atom_default(&d->values[0], t->value.type);
	}
}

bool
ovsdb_datum_is_default(const struct ovsdb_datum *d, const struct ovsdb_type *t)
{
	if (t->n_min == 0)
		return d->n == 0;
	if (d->n != 1)
		return false;
	union ovsdb_atom def;
	ovsdb_atom_default(&def, t->key.type);
	bool eq = !ovsdb_atom_cmp(&d->keys[0], &def, t->key.type);
	ovsdb_atom_destroy(&def, t->key.type);
	if (eq && ovsdb_type_is_map(t)) {
		ovsdb_atom_default(&def, t->value.type);
		eq = !ovsdb_atom_cmp(&d->values[0], &def, t->value.type);
		ovsdb_atom_destroy(&def, t->value.type);
	}
	return eq;
}

void
ovsdb_datum_destroy(struct ovsdb_datum *d, const struct ovsdb_type *t)
{
	if (t->key.type == OVSDB_T_STRING)
		for (unsigned i = 0; i < d->n; i++)
			free(d->keys[i].s);
	if (d->values && t->value.type == OVSDB_T_STRING)
		for (unsigned i = 0; i < d->n; i++)
			free(d->values[i].s);
	free(d->keys);
	free(d->values);
	ovsdb_datum_init_empty(d);
}

static void
atoms_clone(union ovsdb_atom **dst, const union ovsdb_atom *src, unsigned n,
	    enum ovsdb_atype t)
{
	if (!src) {
		*dst = NULL;
		return;
	}
	*dst = xmalloc((n ? n : 1) * sizeof **dst);
	if (t == OVSDB_T_STRING)
		for (unsigned i = 0; i < n; i++)
			(*dst)[i].s = xstrdup(src[i].s);
	else
		memcpy(*dst, src, n * sizeof **dst);
}

void
ovsdb_datum_clone(struct ovsdb_datum *dst, const struct ovsdb_datum *src,
		  const struct ovsdb_type *t)
{
	dst->n = src->n;
	atoms_clone(&dst->keys, src->keys, src->n, t->key.type);
	atoms_clone(&dst->values, src->values, src->n, t->value.type);
}

void
ovsdb_datum_swap(struct ovsdb_datum *a, struct ovsdb_datum *b)
{
	struct ovsdb_datum tmp = *a;
	*a = *b;
	*b = tmp;
}

static int
unwrap(const json_t *j, const char *name, const json_t **inner,
       struct ovsdb_error **errp)
{
	const char *s;
	if (!json_is_array(j) || json_array_size(j) != 2 ||
	    !(s = json_string_value(json_array_get(j, 0))) || strcmp(s, name) ||
	    !json_is_array(json_array_get(j, 1)))
		return ovsdb_err(errp, "syntax error", j,
				 "expected [\"%s\", <array>]", name);
	*inner = json_array_get(j, 1);
	return 0;
}

int
ovsdb_datum_from_json(struct ovsdb_datum *d, const struct ovsdb_type *t,
		      const json_t *j, struct ovsdb_symtab *symtab,
		      struct ovsdb_error **errp)
{
	bool is_map = ovsdb_type_is_map(t);
	const char *s0;
	int r;

	ovsdb_datum_init_empty(d);
	if (is_map || (json_is_array(j) && json_array_size(j) > 0 &&
		       (s0 = json_string_value(json_array_get(j, 0))) &&
		       !strcmp(s0, "set"))) {
		const char *class = is_map ? "map" : "set";
		const json_t *inner = NULL;
		if ((r = unwrap(j, class, &inner, errp)))
			return r;
		size_t n = json_array_size(inner);
		if ((n < t->n_min || n > t->n_max) && t->n_min == 1 &&
		    t->n_max == 1)
			return ovsdb_err(errp, "syntax error", j,
					 "%s must have exactly one member but "
					 "%zu are present",
					 class, n);
		if (n < t->n_min || n > t->n_max)
			return ovsdb_err(errp, "syntax error", j,
					 "%s must have %u to %u members but "
					 "%zu are present",
					 class, t->n_min, t->n_max, n);
		d->keys = xmalloc((n ? n : 1) * sizeof *d->keys);
		if (is_map)
			d->values = xmalloc((n ? n : 1) * sizeof *d->values);
		for (size_t i = 0; i < n; i++) {
			const json_t *e = json_array_get(inner, i);
			const json_t *k = e;
			if (is_map) {
				if (!json_is_array(e) ||
				    json_array_size(e) != 2) {
					r = ovsdb_err(errp, "syntax error", e,
						      "expected 2-element "
						      "array");
					goto fail;
				}
				k = json_array_get(e, 0);
			}
			r = ovsdb_atom_from_json(&d->keys[i], &t->key, k,
						 symtab, errp);
			if (r)
				goto fail;
			if (is_map) {
				r = ovsdb_atom_from_json(
					&d->values[i], &t->value,
					json_array_get(e, 1), symtab, errp);
				if (r) {
					ovsdb_atom_destroy(&d->keys[i],
							   t->key.type);
					goto fail;
				}
			}
			d->n++;
		}
	} else {
		d->keys = xmalloc(sizeof *d->keys);
		r = ovsdb_atom_from_json(&d->keys[0], &t->key, j, symtab, errp);
		if (r)
			goto fail;
		d->n = 1;
	}
	if ((r = ovsdb_datum_sort(d, t, errp)))
		goto fail;
	return 0;

fail:
	ovsdb_datum_destroy(d, t);
	return r;
}

json_t *
ovsdb_datum_to_json(const struct ovsdb_datum *d, const struct ovsdb_type *t)
{
	if (!d->n)
		return shared_value(ovsdb_type_is_map(t) ? EMPTY_MAP
							 : EMPTY_SET);
	if (ovsdb_type_is_map(t)) {
		json_t *pairs = json_array();
		for (unsigned i = 0; i < d->n; i++) {
			json_t *pair = json_array();
			json_array_append_new(
				pair,
				ovsdb_atom_to_json(&d->keys[i], t->key.type));
			json_array_append_new(
				pair, ovsdb_atom_to_json(&d->values[i],
							 t->value.type));
			json_array_append_new(pairs, pair);
		}
		return tagged(TAG_MAP, pairs);
	}
	if (d->n == 1)
		return ovsdb_atom_to_json(&d->keys[0], t->key.type);
	json_t *elems = json_array();
	for (unsigned i = 0; i < d->n; i++)
		json_array_append_new(
			elems, ovsdb_atom_to_json(&d->keys[i], t->key.type));
	return tagged(TAG_SET, elems);
}

void
ovsdb_datum_to_string(const struct ovsdb_datum *d, const struct ovsdb_type *t,
		      struct ds *out)
{
	bool is_map = ovsdb_type_is_map(t);
	bool brackets = t->n_max > 1 || !d->n;

	if (brackets)
		ds_put_char(out, is_map ? '{' : '[');
	for (unsigned i = 0; i < d->n; i++) {
		if (i)
			ds_put(out, ", ");
		ovsdb_atom_to_string(&d->keys[i], t->key.type, out);
		if (is_map) {
			ds_put_char(out, '=');
			ovsdb_atom_to_string(&d->values[i], t->value.type, out);
		}
	}
	if (brackets)
		ds_put_char(out, is_map ? '}' : ']');
}

int
ovsdb_datum_cmp(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
		const struct ovsdb_type *t)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (unsigned i = 0; i < a->n; i++) {
		int c = ovsdb_atom_cmp(&a->keys[i], &b->keys[i], t->key.type);
		if (c)
			return c;
	}
	if (ovsdb_type_is_map(t))
		for (unsigned i = 0; i < a->n; i++) {
			int c = ovsdb_atom_cmp(&a->values[i], &b->values[i],
					       t->value.type);
			if (c)
				return c;
		}
	return 0;
}

uint32_t
ovsdb_datum_hash(const struct ovsdb_datum *d, const struct ovsdb_type *t,
		 uint32_t basis)
{
	uint32_t h = basis ^ d->n;
	for (unsigned i = 0; i < d->n; i++) {
		h = ovsdb_atom_hash(&d->keys[i], t->key.type, h);
		if (d->values)
			h = ovsdb_atom_hash(&d->values[i], t->value.type, h);
	}
	return h;
}

struct sort_ctx {
	const union ovsdb_atom *keys;
	enum ovsdb_atype type;
};

static int
cmp_idx(const void *a, const void *b, void *ctx_)
{
	const struct sort_ctx *ctx = ctx_;
	unsigned ia = *(const unsigned *)a, ib = *(const unsigned *)b;
	int c = ovsdb_atom_cmp(&ctx->keys[ia], &ctx->keys[ib], ctx->type);
	/* Stable: earlier wins among equals. */
	return c ? c : (ia < ib ? -1 : ia > ib);
}

/* Sorts @d by key (stable).  Returns true if keys are unique. */
static bool
sort_keys(struct ovsdb_datum *d, const struct ovsdb_type *t)
{
	bool sorted = true, unique = true;
	for (unsigned i = 1; i < d->n; i++) {
		int c = ovsdb_atom_cmp(&d->keys[i - 1], &d->keys[i],
				       t->key.type);
		if (c >= 0) {
			sorted = false;
			break;
		}
	}
	if (sorted)
		return true;

	unsigned *idx = xmalloc(d->n * sizeof *idx);
	for (unsigned i = 0; i < d->n; i++)
		idx[i] = i;
	struct sort_ctx ctx = { d->keys, t->key.type };
	qsort_r(idx, d->n, sizeof *idx, cmp_idx, &ctx);
	union ovsdb_atom *nk = xmalloc(d->n * sizeof *nk);
	union ovsdb_atom *nv = d->values ? xmalloc(d->n * sizeof *nv) : NULL;
	for (unsigned i = 0; i < d->n; i++) {
		nk[i] = d->keys[idx[i]];
		if (nv)
			nv[i] = d->values[idx[i]];
	}
	free(idx);
	free(d->keys);
	free(d->values);
	d->keys = nk;
	d->values = nv;
	for (unsigned i = 1; i < d->n; i++)
		if (!ovsdb_atom_cmp(&d->keys[i - 1], &d->keys[i], t->key.type))
			unique = false;
	return unique;
}

int
ovsdb_datum_sort(struct ovsdb_datum *d, const struct ovsdb_type *t,
		 struct ovsdb_error **errp)
{
	if (sort_keys(d, t))
		return 0;
	return ovsdb_err(errp, "ovsdb error", NULL,
			 ovsdb_type_is_map(t) ? "map contains duplicate key"
					      : "set contains duplicate");
}

void
ovsdb_datum_sort_unique(struct ovsdb_datum *d, const struct ovsdb_type *t)
{
	if (sort_keys(d, t))
		return;
	unsigned o = 0;
	for (unsigned i = 0; i < d->n; i++) {
		if (o && !ovsdb_atom_cmp(&d->keys[o - 1], &d->keys[i],
					 t->key.type)) {
			ovsdb_atom_destroy(&d->keys[i], t->key.type);
			if (d->values)
				ovsdb_atom_destroy(&d->values[i],
						   t->value.type);
			continue;
		}
		d->keys[o] = d->keys[i];
		if (d->values)
			d->values[o] = d->values[i];
		o++;
	}
	d->n = o;
}

int
ovsdb_datum_check_constraints(const struct ovsdb_datum *d,
			      const struct ovsdb_type *t,
			      struct ovsdb_error **errp)
{
	int r;
	for (unsigned i = 0; i < d->n; i++) {
		if ((r = ovsdb_atom_check_constraints(&d->keys[i], &t->key,
						      errp)))
			return r;
		if (d->values && (r = ovsdb_atom_check_constraints(
					  &d->values[i], &t->value, errp)))
			return r;
	}
	return 0;
}

int
ovsdb_datum_find_key(const struct ovsdb_datum *d, const union ovsdb_atom *key,
		     enum ovsdb_atype kt)
{
	unsigned lo = 0, hi = d->n;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		int c = ovsdb_atom_cmp(key, &d->keys[mid], kt);
		if (!c)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

void
ovsdb_datum_add_unsafe(struct ovsdb_datum *d, const union ovsdb_atom *key,
		       const union ovsdb_atom *value,
		       const struct ovsdb_type *t)
{
	d->keys = xrealloc(d->keys, (d->n + 1) * sizeof *d->keys);
	ovsdb_atom_clone(&d->keys[d->n], key, t->key.type);
	if (ovsdb_type_is_map(t)) {
		d->values = xrealloc(d->values, (d->n + 1) * sizeof *d->values);
		ovsdb_atom_clone(&d->values[d->n], value, t->value.type);
	}
	d->n++;
}

void
ovsdb_datum_remove_at(struct ovsdb_datum *d, unsigned i,
		      const struct ovsdb_type *t)
{
	ovsdb_atom_destroy(&d->keys[i], t->key.type);
	memmove(&d->keys[i], &d->keys[i + 1], (d->n - i - 1) * sizeof *d->keys);
	if (d->values) {
		ovsdb_atom_destroy(&d->values[i], t->value.type);
		memmove(&d->values[i], &d->values[i + 1],
			(d->n - i - 1) * sizeof *d->values);
	}
	d->n--;
}

/* Is element @i of @a (pair, for maps) present in @b? */
static bool
has_elem(const struct ovsdb_datum *a, unsigned i, const struct ovsdb_datum *b,
	 const struct ovsdb_type *t)
{
	int j = ovsdb_datum_find_key(b, &a->keys[i], t->key.type);
	if (j < 0)
		return false;
	if (!ovsdb_type_is_map(t))
		return true;
	return !ovsdb_atom_cmp(&a->values[i], &b->values[j], t->value.type);
}

bool
ovsdb_datum_includes_all(const struct ovsdb_datum *a,
			 const struct ovsdb_datum *b,
			 const struct ovsdb_type *t)
{
	for (unsigned i = 0; i < a->n; i++)
		if (!has_elem(a, i, b, t))
			return false;
	return true;
}

bool
ovsdb_datum_excludes_all(const struct ovsdb_datum *a,
			 const struct ovsdb_datum *b,
			 const struct ovsdb_type *t)
{
	for (unsigned i = 0; i < a->n; i++)
		if (has_elem(a, i, b, t))
			return false;
	return true;
}

void
ovsdb_datum_union(struct ovsdb_datum *a, const struct ovsdb_datum *b,
		  const struct ovsdb_type *t)
{
	unsigned n0 = a->n;
	bool added = false;
	for (unsigned i = 0; i < b->n; i++) {
		struct ovsdb_datum head = { n0, a->keys, a->values };
		if (ovsdb_datum_find_key(&head, &b->keys[i], t->key.type) < 0) {
			ovsdb_datum_add_unsafe(a, &b->keys[i],
					       b->values ? &b->values[i] : NULL,
					       t);
			added = true;
		}
	}
	if (added)
		sort_keys(a, t);
}

void
ovsdb_datum_subtract(struct ovsdb_datum *a, const struct ovsdb_type *at,
		     const struct ovsdb_datum *b, const struct ovsdb_type *bt)
{
	bool pairs = ovsdb_type_is_map(at) && ovsdb_type_is_map(bt);
	for (unsigned i = 0; i < b->n; i++) {
		int j = ovsdb_datum_find_key(a, &b->keys[i], at->key.type);
		if (j < 0)
			continue;
		if (pairs && ovsdb_atom_cmp(&a->values[j], &b->values[i],
					    at->value.type))
			continue;
		ovsdb_datum_remove_at(a, (unsigned)j, at);
	}
}

void
ovsdb_datum_diff(struct ovsdb_datum *diff, const struct ovsdb_datum *old,
		 const struct ovsdb_datum *new_, const struct ovsdb_type *t)
{
	ovsdb_datum_init_empty(diff);
	if (ovsdb_type_is_scalar(t)) {
		ovsdb_datum_clone(diff, new_, t);
		return;
	}
	bool is_map = ovsdb_type_is_map(t);
	unsigned i = 0, j = 0;
	while (i < old->n || j < new_->n) {
		int c;
		if (i >= old->n)
			c = 1;
		else if (j >= new_->n)
			c = -1;
		else
			c = ovsdb_atom_cmp(&old->keys[i], &new_->keys[j],
					   t->key.type);
		if (c < 0) {
			ovsdb_datum_add_unsafe(diff, &old->keys[i],
					       is_map ? &old->values[i] : NULL,
					       t);
			i++;
		} else if (c > 0) {
			ovsdb_datum_add_unsafe(diff, &new_->keys[j],
					       is_map ? &new_->values[j] : NULL,
					       t);
			j++;
		} else {
			if (is_map &&
			    ovsdb_atom_cmp(&old->values[i], &new_->values[j],
					   t->value.type))
				ovsdb_datum_add_unsafe(diff, &new_->keys[j],
						       &new_->values[j], t);
			i++;
			j++;
		}
	}
}

void
ovsdb_datum_apply_diff(struct ovsdb_datum *d, const struct ovsdb_datum *diff,
		       const struct ovsdb_type *t)
{
	bool is_map = ovsdb_type_is_map(t);
	struct ovsdb_datum out;
	unsigned i = 0, j = 0;

	if (ovsdb_type_is_scalar(t)) {
		ovsdb_datum_destroy(d, t);
		ovsdb_datum_clone(d, diff, t);
		return;
	}
	/* Both are sorted: one merge walk gives the sorted result. */
	ovsdb_datum_init_empty(&out);
	while (i < d->n || j < diff->n) {
		int c = i >= d->n ? 1
			: j >= diff->n
				? -1
				: ovsdb_atom_cmp(&d->keys[i], &diff->keys[j],
						 t->key.type);
		if (c < 0) {
			ovsdb_datum_add_unsafe(&out, &d->keys[i],
					       is_map ? &d->values[i] : NULL,
					       t);
			i++;
		} else if (c > 0) {
			ovsdb_datum_add_unsafe(&out, &diff->keys[j],
					       is_map ? &diff->values[j] : NULL,
					       t);
			j++;
		} else {
			if (is_map &&
			    ovsdb_atom_cmp(&d->values[i], &diff->values[j],
					   t->value.type))
				ovsdb_datum_add_unsafe(&out, &diff->keys[j],
						       &diff->values[j], t);
			i++;
			j++;
		}
	}
	ovsdb_datum_destroy(d, t);
	*d = out;
}
