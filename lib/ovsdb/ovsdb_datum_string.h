/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovsdb_datum_string: parsing of the human value syntax that ovs-vsctl and
 * vtep-ctl accept on their command lines (`a`, `"quoted \" string"`,
 * `[a, b]`, `{k=v, k2=v2}`, integer ranges `1-4` in integer sets, and
 * `@name` row references resolved by the caller), plus the "bare" output
 * form (no quotes or brackets).  The error texts are Open vSwitch's.
 */
#ifndef MICROVS_OVSDB_DATUM_STRING_H
#define MICROVS_OVSDB_DATUM_STRING_H

#include "ovsdb_datum.h"

/* Resolves "@name" (given with the '@') to a UUID for a reference column.
 * Returns 0, or -ENOENT to make "@name" an invalid UUID. */
typedef int ovsdb_symbol_resolver(void *aux, const char *name,
				  struct ovsdb_uuid *uuid);

struct ovsdb_parse_ctx {
	ovsdb_symbol_resolver *resolve; /* may be NULL */
	void *aux;
};

/* Parses one atom of @base from @s (the whole string).  Constraint
 * violations come back as "constraint violation: DETAILS".  0 or -EINVAL
 * with *@errp (caller frees). */
int ovsdb_atom_from_string(union ovsdb_atom *a,
			   const struct ovsdb_base_type *base, const char *s,
			   const struct ovsdb_parse_ctx *pc, char **errp);

/* Parses @s as a datum of type @t: sorts it, rejects duplicates, checks
 * element counts and constraints.  0 or -EINVAL with *@errp. */
int ovsdb_datum_from_string(struct ovsdb_datum *d, const struct ovsdb_type *t,
			    const char *s, const struct ovsdb_parse_ctx *pc,
			    char **errp);

/* Like ovsdb_datum_from_string() without the element count check, for
 * values that are added to or removed from a column. */
int ovsdb_datum_from_string_loose(struct ovsdb_datum *d,
				  const struct ovsdb_type *t, const char *s,
				  const struct ovsdb_parse_ctx *pc,
				  char **errp);

/* Appends the "bare" form: elements separated by spaces, maps as k=v,
 * strings without quotes. */
void ovsdb_datum_to_bare(const struct ovsdb_datum *d,
			 const struct ovsdb_type *t, struct ds *out);

#endif
