/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_actions: OpenFlow actions in their internal form ("ofpacts", as
 * Open vSwitch calls them), parsed from and printed to ovs-ofctl's action
 * syntax.
 *
 * A list of actions is one buffer of variable-length records, each
 * starting with struct ofpact and padded to 8 bytes, so an action that
 * carries data (a note, a learn specification) needs no separate
 * allocation, and a list is copied with memcpy.  Each type has one row in
 * the table of ofp_actions.c: its name, record size, parser and printer;
 * the OpenFlow issue adds rows (load, move, set_field, learn, note, ...)
 * without touching the callers.
 */
#ifndef MICROVS_OFP_ACTIONS_H
#define MICROVS_OFP_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp_flow.h"

enum ofpact_type {
	OFPACT_OUTPUT,	     /* struct ofpact_output */
	OFPACT_RESUBMIT,     /* struct ofpact_resubmit */
	OFPACT_SET_VLAN_VID, /* struct ofpact_vlan_vid */
	OFPACT_SET_VLAN_PCP, /* struct ofpact_vlan_pcp */
	OFPACT_STRIP_VLAN,   /* struct ofpact (raw: strip_vlan or pop_vlan) */
	OFPACT_PUSH_VLAN,    /* struct ofpact_push_vlan */
	OFPACT_SET_ETH_SRC,  /* struct ofpact_mac */
	OFPACT_SET_ETH_DST,  /* struct ofpact_mac */
	OFPACT_N_TYPES
};

/* The spelling an action was parsed from, where two spellings share a
 * type and print differently. */
enum ofpact_raw {
	OFPACT_RAW_DEFAULT,
	OFPACT_RAW_POP_VLAN, /* "pop_vlan" rather than "strip_vlan" */
};

struct ofpact {
	uint8_t type; /* enum ofpact_type */
	uint8_t raw;  /* enum ofpact_raw */
	uint16_t len; /* of the whole record, before padding */
};

struct ofpact_output {
	struct ofpact ofpact;
	uint32_t port;	  /* OFPP_* */
	uint16_t max_len; /* bytes to send to the controller */
};

struct ofpact_resubmit {
	struct ofpact ofpact;
	uint32_t in_port; /* OFPP_IN_PORT: the packet's own */
	uint8_t table_id; /* 255: the current table */
};

struct ofpact_vlan_vid {
	struct ofpact ofpact;
	uint16_t vid;		  /* 0-4095 */
	bool push_vlan_if_needed; /* mod_vlan_vid (not set_field) */
};

struct ofpact_vlan_pcp {
	struct ofpact ofpact;
	uint8_t pcp; /* 0-7 */
	bool push_vlan_if_needed;
};

struct ofpact_push_vlan {
	struct ofpact ofpact;
	uint16_t ethertype; /* host order: 0x8100 or 0x88a8 */
};

struct ofpact_mac {
	struct ofpact ofpact;
	uint8_t mac[6];
};

/* A list of actions: an owned buffer of records. */
struct ofpacts {
	uint8_t *data;
	size_t size;  /* bytes used */
	size_t alloc; /* bytes allocated */
};

#define OFPACT_ALIGN(N) (((N) + 7) & ~(size_t)7)

static inline const struct ofpact *
ofpact_next(const struct ofpact *a)
{
	return (const struct ofpact *)(const void *)((const uint8_t *)a +
						     OFPACT_ALIGN(a->len));
}

static inline const struct ofpact *
ofpact_end(const void *data, size_t size)
{
	return (const struct ofpact *)(const void *)((const uint8_t *)data +
						     size);
}

#define OFPACT_FOR_EACH(A, DATA, SIZE)                          \
	for ((A) = (const struct ofpact *)(const void *)(DATA); \
	     (A) < ofpact_end(DATA, SIZE); (A) = ofpact_next(A))

/* The record of type-specific struct TYPE behind @A. */
#define OFPACT_CAST(TYPE, A) ((const TYPE *)(const void *)(A))

void ofpacts_init(struct ofpacts *acts);
void ofpacts_free(struct ofpacts *acts);
void ofpacts_clear(struct ofpacts *acts);
/* A deep copy of @src in @dst (which is initialised by the call). */
void ofpacts_clone(struct ofpacts *dst, const struct ofpacts *src);
bool ofpacts_equal(const struct ofpacts *a, const struct ofpacts *b);
/* Appends a zeroed record of @type and @len bytes and returns it (valid
 * until the next append). */
struct ofpact *ofpacts_put(struct ofpacts *acts, enum ofpact_type type,
			   size_t len);
/* Appends an output to @port. */
void ofpacts_put_output(struct ofpacts *acts, uint32_t port);

/* Parses ovs-ofctl's action syntax ("output:1,mod_vlan_vid:5,NORMAL",
 * "drop", or empty) and appends to @acts.  @ports (may be NULL) resolves
 * port names.  Returns NULL, or a malloc'd message in Open vSwitch's
 * words ("unknown action bogus"); on error @acts holds what was parsed
 * before it. */
char *ofpacts_parse(const char *s, const struct ofp_port_map *ports,
		    struct ofpacts *acts);

/* Appends the list as ovs-ofctl prints it: "drop" when empty, else the
 * actions separated by commas. */
void ofpacts_format(struct ds *s, const void *data, size_t size,
		    const struct ofp_port_map *ports);
/* Appends one action. */
void ofpact_format(struct ds *s, const struct ofpact *a,
		   const struct ofp_port_map *ports);

/* True if the list outputs to @port (the out_port filter of flow
 * deletion and statistics; OFPP_NONE: always true). */
bool ofpacts_output_to_port(const void *data, size_t size, uint32_t port);

#endif
