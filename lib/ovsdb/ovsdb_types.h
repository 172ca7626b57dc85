/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb_types: UUIDs and the OVSDB type system of RFC 7047: atomic types,
 * base types with their constraints (enum, integer/real ranges, string
 * lengths, references), and column types (key, optional value, min/max
 * number of elements).  Parsed from and rendered to schema JSON.
 */
#ifndef MICROVS_OVSDB_TYPES_H
#define MICROVS_OVSDB_TYPES_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "ovsdb_error.h"

struct ovsdb_uuid {
	uint32_t p[4];
};

/* Generates a random (version 4) UUID. */
void ovsdb_uuid_generate(struct ovsdb_uuid *u);
/* Parses the canonical 36-character form.  True on success. */
bool ovsdb_uuid_from_string(const char *s, struct ovsdb_uuid *u);
/* Writes the canonical form into @buf (37 bytes). */
void ovsdb_uuid_format(const struct ovsdb_uuid *u, char buf[37]);
#define OVSDB_UUID_LEN 36
static inline bool
ovsdb_uuid_eq(const struct ovsdb_uuid *a, const struct ovsdb_uuid *b)
{
	return a->p[0] == b->p[0] && a->p[1] == b->p[1] && a->p[2] == b->p[2] &&
	       a->p[3] == b->p[3];
}
static inline uint32_t
ovsdb_uuid_hash(const struct ovsdb_uuid *u)
{
	return u->p[0];
}
int ovsdb_uuid_cmp(const struct ovsdb_uuid *a, const struct ovsdb_uuid *b);

enum ovsdb_atype {
	OVSDB_T_VOID,
	OVSDB_T_INTEGER,
	OVSDB_T_REAL,
	OVSDB_T_BOOLEAN,
	OVSDB_T_STRING,
	OVSDB_T_UUID,
};

/* "integer", "real", ... ("void" for OVSDB_T_VOID). */
const char *ovsdb_atype_name(enum ovsdb_atype t);
/* Parses an atomic type name.  True on success. */
bool ovsdb_atype_from_string(const char *s, enum ovsdb_atype *t);

struct ovsdb_datum;
struct ovsdb_table_schema;

struct ovsdb_base_type {
	enum ovsdb_atype type;
	struct ovsdb_datum *enum_; /* allowed values (a set), or NULL */
	int64_t min_int, max_int;
	double min_real, max_real;
	unsigned min_len, max_len;
	char *ref_table_name;		      /* uuid only, NULL if not a ref */
	struct ovsdb_table_schema *ref_table; /* resolved by the schema */
	bool weak;			      /* refType "weak" */
};

struct ovsdb_type {
	struct ovsdb_base_type key;
	struct ovsdb_base_type value; /* type OVSDB_T_VOID unless a map */
	unsigned n_min, n_max;	      /* n_max UINT_MAX = unlimited */
};

static inline bool
ovsdb_type_is_map(const struct ovsdb_type *t)
{
	return t->value.type != OVSDB_T_VOID;
}
static inline bool
ovsdb_type_is_scalar(const struct ovsdb_type *t)
{
	return t->n_min == 1 && t->n_max == 1 && !ovsdb_type_is_map(t);
}
static inline bool
ovsdb_type_is_set(const struct ovsdb_type *t)
{
	return !ovsdb_type_is_map(t) && (t->n_min != 1 || t->n_max != 1);
}
static inline bool
ovsdb_base_is_ref(const struct ovsdb_base_type *b)
{
	return b->type == OVSDB_T_UUID && b->ref_table_name;
}
static inline bool
ovsdb_base_is_strong_ref(const struct ovsdb_base_type *b)
{
	return ovsdb_base_is_ref(b) && !b->weak;
}

/* An unconstrained base type of atomic type @t (no bounds, no reference). */
void ovsdb_base_init(struct ovsdb_base_type *b, enum ovsdb_atype t);

/* Parses a column "type" member.  0 or -EINVAL with *@errp set. */
int ovsdb_type_from_json(const json_t *j, struct ovsdb_type *t,
			 struct ovsdb_error **errp);
void ovsdb_type_destroy(struct ovsdb_type *t);
void ovsdb_type_clone(struct ovsdb_type *dst, const struct ovsdb_type *src);
/* English description as OVS words it ("set of up to 4096 integers",
 * "map of (string, string) pairs"); caller frees. */
char *ovsdb_type_to_english(const struct ovsdb_type *t);
/* True if both types have the same shape (atomic types and counts),
 * ignoring constraints. */
bool ovsdb_type_equal_shape(const struct ovsdb_type *a,
			    const struct ovsdb_type *b);

#endif
