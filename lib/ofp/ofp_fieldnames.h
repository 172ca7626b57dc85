/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_fieldnames: the fields Open vSwitch advertises in table features
 * and table statistics (a superset of what struct flow carries: dp_hash,
 * conntrack, NSH, tunnel metadata...), by index in Open vSwitch's field
 * order, their NXM/OXM headers, sets of them as bitmaps, and the text of
 * a set as ovs-ofctl prints it ("tun_{id,src},reg0...reg15").
 */
#ifndef MICROVS_OFP_FIELDNAMES_H
#define MICROVS_OFP_FIELDNAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "util.h"

struct ofp_tf_header {
	uint16_t cls;	       /* 0x0000, 0x0001, 0x8000, 0x8001, 0xffff... */
	uint8_t field;	       /* 7-bit field number */
	uint32_t experimenter; /* for class 0xffff */
};

struct ofp_tf_field {
	const char *name;
	/* hdrs[0]: what Open vSwitch 3.1 sends in OpenFlow 1.5; then other
	 * headers that name the same field (unused ones are zero). */
	struct ofp_tf_header hdrs[3];
};

size_t ofp_tf_n_fields(void);
/* The field at @idx, or NULL past the end. */
const struct ofp_tf_field *ofp_tf_field(size_t idx);
/* The index of the field a header names (mask bit and length ignored),
 * or -1 if Open vSwitch knows no such field. */
int ofp_tf_field_by_header(uint16_t cls, uint8_t field, uint32_t experimenter);
int ofp_tf_field_by_name(const char *name);

/* A set of fields, by index. */
struct ofp_tf_fields {
	uint64_t bm[4];
};

static inline void
ofp_tf_fields_set(struct ofp_tf_fields *s, size_t i)
{
	s->bm[i / 64] |= UINT64_C(1) << (i % 64);
}

static inline bool
ofp_tf_fields_get(const struct ofp_tf_fields *s, size_t i)
{
	return (s->bm[i / 64] >> (i % 64)) & 1;
}

static inline bool
ofp_tf_fields_empty(const struct ofp_tf_fields *s)
{
	return !(s->bm[0] | s->bm[1] | s->bm[2] | s->bm[3]);
}

/* Appends the names of @set, Open vSwitch's way: three or more fields
 * numbered in sequence as "reg0...reg15", neighbours that share a
 * first component as "tun_{id,src}" (recursively), blank-separated. */
void ofp_tf_fields_format(struct ds *s, const struct ofp_tf_fields *set);

#endif
