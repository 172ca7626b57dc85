/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_actions: OpenFlow actions and instructions in their internal form
 * ("ofpacts", as Open vSwitch calls them), parsed from and printed to
 * ovs-ofctl's action syntax, checked against a match, and (ofp_act_wire.c)
 * encoded to and decoded from every OpenFlow version.
 *
 * A list of actions is one buffer of variable-length records, each
 * starting with struct ofpact and padded to 8 bytes, so an action that
 * carries data (a note, learn specifications, nested write_actions) needs
 * no separate allocation, and a list is copied with memcpy.  Instructions
 * live in the same list, in the order OpenFlow 1.1 requires: meter, the
 * apply-actions (every ordinary action), clear_actions, write_actions,
 * write_metadata, goto_table.  Each type has one row in the table of
 * ofp_actions.c (name, parser, printer) and one in ofp_act_wire.c.
 */
#ifndef MICROVS_OFP_ACTIONS_H
#define MICROVS_OFP_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp_field.h"
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
	OFPACT_CONTROLLER,   /* struct ofpact_controller */
	OFPACT_ENQUEUE,	     /* struct ofpact_enqueue */
	OFPACT_OUTPUT_REG,   /* struct ofpact_output_reg */
	OFPACT_BUNDLE,	     /* struct ofpact_bundle */
	OFPACT_SET_IPV4_SRC, /* struct ofpact_ipv4 */
	OFPACT_SET_IPV4_DST, /* struct ofpact_ipv4 */
	OFPACT_SET_IP_DSCP,  /* struct ofpact_u8 (the DSCP bits in place) */
	OFPACT_SET_IP_ECN,   /* struct ofpact_u8 */
	OFPACT_SET_IP_TTL,   /* struct ofpact_u8 */
	OFPACT_SET_L4_SRC_PORT, /* struct ofpact_l4_port */
	OFPACT_SET_L4_DST_PORT, /* struct ofpact_l4_port */
	OFPACT_SET_FIELD,	/* struct ofpact_set_field (also "load") */
	OFPACT_REG_MOVE,	/* struct ofpact_reg_move */
	OFPACT_DEC_TTL,		/* struct ofpact_dec_ttl */
	OFPACT_SET_TUNNEL,	/* struct ofpact_tunnel */
	OFPACT_SET_QUEUE,	/* struct ofpact_u32 */
	OFPACT_POP_QUEUE,	/* struct ofpact */
	OFPACT_LEARN,		/* struct ofpact_learn */
	OFPACT_MULTIPATH,	/* struct ofpact_multipath */
	OFPACT_NOTE,		/* struct ofpact_note */
	OFPACT_EXIT,		/* struct ofpact */
	OFPACT_GROUP,		/* struct ofpact_u32 */
	/* Instructions (OpenFlow 1.5 makes meter an action). */
	OFPACT_METER,	       /* struct ofpact_u32 */
	OFPACT_CLEAR_ACTIONS,  /* struct ofpact */
	OFPACT_WRITE_ACTIONS,  /* struct ofpact, then the nested actions
				* (at OFPACT_NEST_OFS) */
	OFPACT_WRITE_METADATA, /* struct ofpact_metadata */
	OFPACT_GOTO_TABLE,     /* struct ofpact_u32 (the table) */
	OFPACT_N_TYPES
};

/* The wire form an action came in (or was parsed as), where two forms
 * share a type but print or encode differently.  RAW_DEFAULT: none in
 * particular. */
enum ofpact_raw {
	OFPACT_RAW_DEFAULT,
	OFPACT_RAW_POP_VLAN,	    /* "pop_vlan" rather than "strip_vlan" */
	OFPACT_RAW_REG_LOAD,	    /* set_field that came as NXAST_REG_LOAD */
	OFPACT_RAW_REG_LOAD2,	    /* ... as NXAST_REG_LOAD2 */
	OFPACT_RAW_SET_TUNNEL64,    /* NXAST_SET_TUNNEL64 */
	OFPACT_RAW_RESUBMIT,	    /* NXAST_RESUBMIT (no table) */
	OFPACT_RAW_COPY_FIELD13,    /* ONF copy_field of OpenFlow 1.3 */
	OFPACT_RAW_OUTPUT_REG2,	    /* NXAST_OUTPUT_REG2 */
	OFPACT_RAW_CONTROLLER2,	    /* NXAST_CONTROLLER2 */
	OFPACT_RAW_DEC_TTL_CNT_IDS, /* dec_ttl(ids) */
	OFPACT_RAW_LEARN2,	    /* NXAST_LEARN2 */
	OFPACT_RAW_MOD_VLAN,	    /* mod_vlan_vid/pcp (push if needed) */
};

struct ofpact {
	uint8_t type; /* enum ofpact_type */
	uint8_t raw;  /* enum ofpact_raw */
	uint16_t len; /* of the whole record, before padding */
};

/* Part of a field: bits @ofs to @ofs + @n_bits - 1 (0: least
 * significant). */
struct mf_subfield {
	uint16_t field; /* enum ofp_field_id */
	uint16_t ofs;
	uint16_t n_bits;
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
	bool push_vlan_if_needed; /* mod_vlan_vid (not set_vlan_vid) */
	bool flow_has_vlan;	  /* set by ofpacts_check() */
};

struct ofpact_vlan_pcp {
	struct ofpact ofpact;
	uint8_t pcp; /* 0-7 */
	bool push_vlan_if_needed;
	bool flow_has_vlan;
};

struct ofpact_push_vlan {
	struct ofpact ofpact;
	uint16_t ethertype; /* host order: 0x8100 or 0x88a8 */
};

struct ofpact_mac {
	struct ofpact ofpact;
	uint8_t mac[6];
};

/* A packet-in with more than an output to the controller says. */
struct ofpact_controller {
	struct ofpact ofpact;
	uint16_t max_len;
	uint16_t controller_id;
	uint8_t reason; /* OFPR_* */
	bool pause;
	uint16_t userdata_len;
	uint8_t userdata[]; /* padded with the record */
};

struct ofpact_enqueue {
	struct ofpact ofpact;
	uint32_t port;
	uint32_t queue;
};

struct ofpact_output_reg {
	struct ofpact ofpact;
	uint16_t max_len;
	struct mf_subfield src;
};

struct ofpact_bundle {
	struct ofpact ofpact;
	uint16_t algorithm; /* NX_BD_ALG_* */
	uint16_t fields;    /* NX_HASH_FIELDS_* */
	uint16_t basis;
	struct mf_subfield dst; /* field 0 with n_bits 0: bundle (output) */
	bool load;
	uint16_t n_members;
	uint16_t members[]; /* OpenFlow ports */
};

struct ofpact_ipv4 {
	struct ofpact ofpact;
	uint32_t be32;
};

struct ofpact_u8 {
	struct ofpact ofpact;
	uint8_t value;
};

struct ofpact_u32 {
	struct ofpact ofpact;
	uint32_t value;
};

struct ofpact_l4_port {
	struct ofpact ofpact;
	uint16_t port;
	uint8_t flow_ip_proto; /* set by ofpacts_check(): tcp, udp or sctp */
};

/* set_field and load: the bits of @mask of the field take @value. */
struct ofpact_set_field {
	struct ofpact ofpact;
	uint16_t field; /* enum ofp_field_id */
	bool flow_has_vlan;
	union ofp_value value;
	union ofp_value mask;
};

struct ofpact_reg_move {
	struct ofpact ofpact;
	struct mf_subfield src, dst;
};

struct ofpact_dec_ttl {
	struct ofpact ofpact;
	uint16_t n_ids;
	uint16_t ids[]; /* controller ids */
};

struct ofpact_tunnel {
	struct ofpact ofpact;
	uint64_t tun_id;
};

/* learn(): a new flow from specs.  The specs follow the struct. */
#define NX_LEARN_SRC_FIELD (0 << 13)
#define NX_LEARN_SRC_IMMEDIATE (1 << 13)
#define NX_LEARN_SRC_MASK (1 << 13)
#define NX_LEARN_DST_MATCH (0 << 11)
#define NX_LEARN_DST_LOAD (1 << 11)
#define NX_LEARN_DST_OUTPUT (2 << 11)
#define NX_LEARN_DST_MASK (3 << 11)
#define NX_LEARN_N_BITS_MASK 0x3ff
#define NX_LEARN_F_SEND_FLOW_REM 1
#define NX_LEARN_F_DELETE_LEARNED 2
#define NX_LEARN_F_WRITE_RESULT 4

struct ofpact_learn_spec {
	uint16_t src_type; /* NX_LEARN_SRC_* */
	uint16_t dst_type; /* NX_LEARN_DST_* */
	uint16_t n_bits;
	struct mf_subfield src, dst;
	uint8_t imm[16]; /* immediate source, right-aligned bytes */
};

struct ofpact_learn {
	struct ofpact ofpact;
	uint16_t idle_timeout, hard_timeout;
	uint16_t priority;
	uint16_t flags; /* NX_LEARN_F_* */
	uint64_t cookie;
	uint8_t table_id;
	uint16_t fin_idle_timeout, fin_hard_timeout;
	uint32_t limit;
	struct mf_subfield result_dst;
	uint16_t n_specs;
	uint8_t pad[4]; /* specs[] where ofpacts_put_tail() appends them */
	struct ofpact_learn_spec specs[];
};

struct ofpact_multipath {
	struct ofpact ofpact;
	uint16_t fields, basis, algorithm, max_link;
	uint32_t arg;
	struct mf_subfield dst;
};

struct ofpact_note {
	struct ofpact ofpact;
	uint16_t length;
	uint8_t data[];
};

struct ofpact_metadata {
	struct ofpact ofpact;
	uint64_t metadata, mask;
};

/* The hash fields and algorithms of bundle and multipath. */
#define NX_HASH_FIELDS_ETH_SRC 0
#define NX_HASH_FIELDS_SYMMETRIC_L4 1
#define NX_HASH_FIELDS_SYMMETRIC_L3L4 2
#define NX_HASH_FIELDS_SYMMETRIC_L3L4_UDP 3
#define NX_HASH_FIELDS_NW_SRC 4
#define NX_HASH_FIELDS_NW_DST 5
#define NX_HASH_FIELDS_SYMMETRIC_L3 6
#define NX_BD_ALG_ACTIVE_BACKUP 0
#define NX_BD_ALG_HRW 1

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

/* The end of @size bytes of actions at @data (NULL with 0: no actions,
 * and no arithmetic on the null pointer, which C leaves undefined). */
static inline const struct ofpact *
ofpact_end(const void *data, size_t size)
{
	if (!size)
		return (const struct ofpact *)data;
	return (const struct ofpact *)(const void *)((const uint8_t *)data +
						     size);
}

#define OFPACT_FOR_EACH(A, DATA, SIZE)                          \
	for ((A) = (const struct ofpact *)(const void *)(DATA); \
	     (A) < ofpact_end(DATA, SIZE); (A) = ofpact_next(A))

/* The record of type-specific struct TYPE behind @A. */
#define OFPACT_CAST(TYPE, A) ((const TYPE *)(const void *)(A))

/* Where the actions nested in a write_actions record start: after its
 * header, 8-aligned as every record is (they held set_field's 64-bit
 * values at 4 bytes off, which UBSan in vswitchd_ofp_fuzz caught). */
#define OFPACT_NEST_OFS OFPACT_ALIGN(sizeof(struct ofpact))

/* The actions nested in a write_actions record. */
static inline const void *
ofpact_nested(const struct ofpact *a, size_t *len)
{
	*len = a->len - OFPACT_NEST_OFS;
	return (const uint8_t *)a + OFPACT_NEST_OFS;
}

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
/* Appends @n raw bytes to the last record (a note's data, learn specs,
 * bundle members) and extends its length; returns them. */
void *ofpacts_put_tail(struct ofpacts *acts, size_t offset_of_record, size_t n);
/* The record at @offset (records move when the buffer grows). */
static inline struct ofpact *
ofpacts_at(struct ofpacts *acts, size_t offset)
{
	return (struct ofpact *)(void *)(acts->data + offset);
}

/* Parses ovs-ofctl's action syntax ("output:1,mod_vlan_vid:5,NORMAL",
 * instructions included, "drop", or empty) and appends to @acts.
 * @ports (may be NULL) resolves port names.  *@usable (if not NULL) is
 * narrowed to the flow protocols that can carry the actions.  Returns
 * NULL, or a malloc'd message in Open vSwitch's words ("unknown action
 * bogus"); on error @acts is as it was. */
char *ofpacts_parse_instructions(const char *s,
				 const struct ofp_port_map *ports,
				 struct ofpacts *acts, uint32_t *usable);
/* The same without instructions (packet-out, group buckets). */
char *ofpacts_parse_actions(const char *s, const struct ofp_port_map *ports,
			    struct ofpacts *acts, uint32_t *usable);
/* ofpacts_parse_instructions() without the protocol set. */
char *ofpacts_parse(const char *s, const struct ofp_port_map *ports,
		    struct ofpacts *acts);

/* Appends the list as ovs-ofctl prints it: "drop" when empty, else the
 * actions separated by commas. */
void ofpacts_format(struct ds *s, const void *data, size_t size,
		    const struct ofp_port_map *ports);
/* Appends one action. */
void ofpact_format(struct ds *s, const struct ofpact *a,
		   const struct ofp_port_map *ports);
/* Open vSwitch's name of a type ("output", "set_field", ...). */
const char *ofpact_name(enum ofpact_type type);

/* Checks the list against @m (Open vSwitch's ofpacts_check): fills in
 * what encoding needs from the match (the L4 protocol of mod_tp_*, a
 * VLAN's presence), narrows *@usable (OpenFlow 1.1+ refuse actions the
 * match makes meaningless), and returns an OpenFlow error for actions
 * that cannot work at all (OFPBAC_BAD_OUT_PORT, OFPBAC_MATCH_INCONSISTENT,
 * OFPBIC_BAD_TABLE_ID ...).  @table_id is the flow's table (255: any). */
enum ofperr ofpacts_check(void *data, size_t size, const struct match *m,
			  uint8_t table_id, uint32_t *usable);

/* The instruction order check of every list, with Open vSwitch's words
 * in *@errp (if not NULL; else none): OFPBAC_UNSUPPORTED_ORDER for
 * instructions out of order or twice, OFPBIC_UNSUP_INST for one not
 * allowed.  @allow_instructions false: only apply-actions and meter. */
enum ofperr ofpacts_verify(const void *data, size_t size, uint8_t version,
			   bool allow_instructions, bool nested, char **errp);

/* True if the list outputs to @port (the out_port filter of flow
 * deletion and statistics; OFPP_NONE: always true). */
bool ofpacts_output_to_port(const void *data, size_t size, uint32_t port);
/* True if the list has a group action to @group (OFP_GROUP_ANY: true). */
bool ofpacts_output_to_group(const void *data, size_t size, uint32_t group);

/* ---- subfields (NXM_NX_REG0[0..3]) ---- */

/* Parses "NAME[]", "NAME[N]" or "NAME[A..B]" (an NXM/OXM name or a field
 * name) at *@sp and advances it.  NULL or a malloc'd message. */
char *mf_parse_subfield__(struct mf_subfield *sf, const char **sp);
/* The same for the whole of @s. */
char *mf_parse_subfield(struct mf_subfield *sf, const char *s);
/* Appends "NXM_NX_REG0[0..3]". */
void mf_format_subfield(struct ds *s, const struct mf_subfield *sf);
/* Checks @sf against its field's width (OFPBAC_BAD_SET_LEN) and, with
 * @m, its prerequisites (OFPBAC_MATCH_INCONSISTENT); for a destination
 * also that the field can be written (OFPBAC_BAD_SET_ARGUMENT). */
enum ofperr mf_check_src(const struct mf_subfield *sf, const struct match *m);
enum ofperr mf_check_dst(const struct mf_subfield *sf, const struct match *m);

/* Bits of network-order byte strings (bit 0: least significant of the
 * last byte). */
void bitwise_copy(const void *src, unsigned src_len, unsigned src_ofs,
		  void *dst, unsigned dst_len, unsigned dst_ofs,
		  unsigned n_bits);
void bitwise_one(void *dst, unsigned dst_len, unsigned dst_ofs,
		 unsigned n_bits);
bool bitwise_is_all_zeros(const void *p, unsigned len, unsigned ofs,
			  unsigned n_bits);
uint64_t bitwise_get(const void *src, unsigned src_len, unsigned ofs,
		     unsigned n_bits);
void bitwise_put(uint64_t value, void *dst, unsigned dst_len, unsigned ofs,
		 unsigned n_bits);
/* The offset of the first bit at or after @start (below @end) equal to
 * @target, or @end. */
unsigned bitwise_scan(const void *p, unsigned len, bool target, unsigned start,
		      unsigned end);

/* The next run of mask bits of a set_field after *@dst (start with a
 * zeroed @dst): its bits and value, as NXAST_REG_LOAD carries them.
 * False when there are no more. */
bool ofpact_set_field_next_segment(const struct ofpact_set_field *sf,
				   struct mf_subfield *dst, uint64_t *value);

#endif
