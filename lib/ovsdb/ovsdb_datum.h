/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb_datum: OVSDB values.  An atom is one integer, real, boolean,
 * string or UUID; a datum is a sorted, duplicate-free array of atoms (a
 * set) or of key/value atom pairs (a map), as RFC 7047 defines them.
 * Conversion to and from the wire JSON (["set",[...]], ["map",[[k,v]...]],
 * ["uuid",U], ["named-uuid",N], single-element sets as bare atoms),
 * constraint checks with Open vSwitch's error texts, and the set algebra
 * that conditions and mutations need.
 */
#ifndef MICROVS_OVSDB_DATUM_H
#define MICROVS_OVSDB_DATUM_H

#include "hmap.h"
#include "ovsdb_types.h"

union ovsdb_atom {
	int64_t i;
	double r;
	bool b;
	char *s; /* owned, NUL-terminated UTF-8 */
	struct ovsdb_uuid u;
};

struct ovsdb_datum {
	unsigned n;
	union ovsdb_atom *keys;
	union ovsdb_atom *values; /* NULL unless a map */
};

/* Names given by "uuid-name" within one transaction (named-uuid). */
struct ovsdb_symbol {
	struct hnode node;
	char *name;
	struct ovsdb_uuid uuid;
	bool created; /* defined by an insert (else only referenced) */
};
struct ovsdb_symtab {
	struct hmap map;
};
void ovsdb_symtab_init(struct ovsdb_symtab *st);
void ovsdb_symtab_destroy(struct ovsdb_symtab *st);
struct ovsdb_symbol *ovsdb_symtab_find(struct ovsdb_symtab *st,
				       const char *name);
/* Finds @name or adds it with a fresh UUID. */
struct ovsdb_symbol *ovsdb_symtab_get(struct ovsdb_symtab *st,
				      const char *name);

/* Atoms. */
void ovsdb_atom_default(union ovsdb_atom *a, enum ovsdb_atype t);
void ovsdb_atom_clone(union ovsdb_atom *dst, const union ovsdb_atom *src,
		      enum ovsdb_atype t);
void ovsdb_atom_destroy(union ovsdb_atom *a, enum ovsdb_atype t);
int ovsdb_atom_cmp(const union ovsdb_atom *a, const union ovsdb_atom *b,
		   enum ovsdb_atype t);
uint32_t ovsdb_atom_hash(const union ovsdb_atom *a, enum ovsdb_atype t,
			 uint32_t basis);
/* Parses @j as an atom of @base and checks its constraints.  @symtab
 * resolves ["named-uuid", N] (NULL: named-uuid is a syntax error).
 * 0 or -EINVAL with *@errp. */
int ovsdb_atom_from_json(union ovsdb_atom *a,
			 const struct ovsdb_base_type *base, const json_t *j,
			 struct ovsdb_symtab *symtab,
			 struct ovsdb_error **errp);
json_t *ovsdb_atom_to_json(const union ovsdb_atom *a, enum ovsdb_atype t);
/* OVS's human form: bare strings unless they need quoting. */
void ovsdb_atom_to_string(const union ovsdb_atom *a, enum ovsdb_atype t,
			  struct ds *out);
int ovsdb_atom_check_constraints(const union ovsdb_atom *a,
				 const struct ovsdb_base_type *base,
				 struct ovsdb_error **errp);

/* Datums. */
void ovsdb_datum_init_empty(struct ovsdb_datum *d);
/* The column default: one default atom for scalars, else empty. */
void ovsdb_datum_init_default(struct ovsdb_datum *d,
			      const struct ovsdb_type *t);
bool ovsdb_datum_is_default(const struct ovsdb_datum *d,
			    const struct ovsdb_type *t);
void ovsdb_datum_destroy(struct ovsdb_datum *d, const struct ovsdb_type *t);
void ovsdb_datum_clone(struct ovsdb_datum *dst, const struct ovsdb_datum *src,
		       const struct ovsdb_type *t);
void ovsdb_datum_swap(struct ovsdb_datum *a, struct ovsdb_datum *b);
/* Parses wire JSON, sorts, rejects duplicates and checks every
 * constraint except the element count of results of later mutations.
 * 0 or -EINVAL with *@errp. */
int ovsdb_datum_from_json(struct ovsdb_datum *d, const struct ovsdb_type *t,
			  const json_t *j, struct ovsdb_symtab *symtab,
			  struct ovsdb_error **errp);
/* A new reference to the wire JSON of @d.  Parts of it may be shared (the
 * "set", "map" and "uuid" tags, and an empty set or map, are each one
 * value for every caller, reference-counted, so that a select or monitor
 * of a thousand rows does not build and free thousands of copies):
 * callers must not modify it, only replace elements of it.  The same
 * holds for ovsdb_atom_to_json(). */
json_t *ovsdb_datum_to_json(const struct ovsdb_datum *d,
			    const struct ovsdb_type *t);
void ovsdb_datum_to_string(const struct ovsdb_datum *d,
			   const struct ovsdb_type *t, struct ds *out);
int ovsdb_datum_cmp(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
		    const struct ovsdb_type *t);
static inline bool
ovsdb_datum_equals(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
		   const struct ovsdb_type *t)
{
	return a->n == b->n && !ovsdb_datum_cmp(a, b, t);
}
uint32_t ovsdb_datum_hash(const struct ovsdb_datum *d,
			  const struct ovsdb_type *t, uint32_t basis);
/* Sorts keys; -EINVAL ("ovsdb error": duplicate) if not unique. */
int ovsdb_datum_sort(struct ovsdb_datum *d, const struct ovsdb_type *t,
		     struct ovsdb_error **errp);
/* Sorts and silently drops duplicates (first value wins for maps). */
void ovsdb_datum_sort_unique(struct ovsdb_datum *d, const struct ovsdb_type *t);
/* Checks element count and atom constraints (not refs). */
int ovsdb_datum_check_constraints(const struct ovsdb_datum *d,
				  const struct ovsdb_type *t,
				  struct ovsdb_error **errp);
/* Index of the key equal to @key, or -1. */
int ovsdb_datum_find_key(const struct ovsdb_datum *d,
			 const union ovsdb_atom *key, enum ovsdb_atype kt);
/* Appends (unsorted) a copy of @key/@value. */
void ovsdb_datum_add_unsafe(struct ovsdb_datum *d, const union ovsdb_atom *key,
			    const union ovsdb_atom *value,
			    const struct ovsdb_type *t);
/* Removes element @i (keeps order). */
void ovsdb_datum_remove_at(struct ovsdb_datum *d, unsigned i,
			   const struct ovsdb_type *t);
/* True if every element of @a (pair, for maps) is in @b. */
bool ovsdb_datum_includes_all(const struct ovsdb_datum *a,
			      const struct ovsdb_datum *b,
			      const struct ovsdb_type *t);
/* True if no element of @a (pair, for maps) is in @b. */
bool ovsdb_datum_excludes_all(const struct ovsdb_datum *a,
			      const struct ovsdb_datum *b,
			      const struct ovsdb_type *t);
/* @a := @a ∪ @b; for maps, keys already in @a keep their value. */
void ovsdb_datum_union(struct ovsdb_datum *a, const struct ovsdb_datum *b,
		       const struct ovsdb_type *t);
/* Removes from @a (of type @at) the elements of @b (of type @bt): if @bt is
 * a set and @at a map, by key; if both maps, only matching pairs. */
void ovsdb_datum_subtract(struct ovsdb_datum *a, const struct ovsdb_type *at,
			  const struct ovsdb_datum *b,
			  const struct ovsdb_type *bt);
/* The update2 "modify" diff between @old and @new: for sets and maps the
 * elements to toggle (map keys whose value changed carry the new value);
 * for scalars @new.  Caller destroys @diff. */
void ovsdb_datum_diff(struct ovsdb_datum *diff, const struct ovsdb_datum *old,
		      const struct ovsdb_datum *new_,
		      const struct ovsdb_type *t);
/* Applies an update2 "modify" @diff (as ovsdb_datum_diff makes it) to @d,
 * so ovsdb_datum_diff(old, new) applied to old gives new: for scalars @d
 * becomes @diff; for sets each element of @diff is toggled; for maps a
 * key absent from @d is added, a key with the same value removed, a key
 * with another value takes @diff's.  @diff is not changed.  The result
 * is sorted; its size may exceed the type's bounds if @diff does not
 * come from a valid new value (the caller checks, if it cares). */
void ovsdb_datum_apply_diff(struct ovsdb_datum *d,
			    const struct ovsdb_datum *diff,
			    const struct ovsdb_type *t);

#endif
