/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_table: what a switch says about its flow tables: table statistics
 * replies (1.0, 1.1 and 1.2 also describe each table's matching and
 * actions; 1.3+ only counts), table features (1.3+ multipart with
 * properties), table mod, and Open vSwitch's text of them (dump-tables,
 * dump-table-features: consecutive identical tables as "tables 1...252:
 * ditto").
 */
#ifndef MICROVS_OFP_TABLE_H
#define MICROVS_OFP_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "ofp_buf.h"
#include "ofp_errors.h"
#include "ofp_fieldnames.h"
#include "ofp_msg.h"

#define OFPTT_ALL 0xff

/* Action kinds a table supports, as bits in Open vSwitch's print order
 * (ofp_action_bits_format). */
enum ofp_action_bit {
	OFPAB_OUTPUT,
	OFPAB_GROUP,
	OFPAB_ENQUEUE,
	OFPAB_SET_FIELD,
	OFPAB_SET_VLAN_VID,
	OFPAB_SET_VLAN_PCP,
	OFPAB_STRIP_VLAN,
	OFPAB_PUSH_VLAN,
	OFPAB_SET_ETH_SRC,
	OFPAB_SET_ETH_DST,
	OFPAB_SET_IPV4_SRC,
	OFPAB_SET_IPV4_DST,
	OFPAB_SET_IP_DSCP,
	OFPAB_SET_IP_ECN,
	OFPAB_SET_IP_TTL,
	OFPAB_SET_L4_SRC,
	OFPAB_SET_L4_DST,
	OFPAB_DEC_TTL,
	OFPAB_SET_MPLS_LABEL,
	OFPAB_SET_MPLS_TC,
	OFPAB_SET_MPLS_TTL,
	OFPAB_DEC_MPLS_TTL,
	OFPAB_PUSH_MPLS,
	OFPAB_POP_MPLS,
	OFPAB_SET_QUEUE,
	OFPAB_N
};
/* Converts between a version's OFPAT bitmap and OFPAB bits (unknown
 * bits are dropped, as Open vSwitch does). */
uint32_t ofp_action_bits_from_openflow(uint32_t ofpat_bits, uint8_t version);
uint32_t ofp_action_bits_to_openflow(uint32_t ab, uint8_t version);
void ofp_action_bits_format(struct ds *s, uint32_t ab);

/* Instructions, as bits in Open vSwitch's order: meter, apply_actions,
 * clear_actions, write_actions, write_metadata, goto_table. */
uint32_t ofp_inst_bit_from_type(uint16_t ofpit, bool *ok);
uint16_t ofp_inst_type_from_bit(unsigned bit);

enum ofp_table_miss {
	OFP_TABLE_MISS_DEFAULT,
	OFP_TABLE_MISS_CONTROLLER,
	OFP_TABLE_MISS_CONTINUE,
	OFP_TABLE_MISS_DROP,
};
const char *ofp_table_miss_name(enum ofp_table_miss miss);

struct ofp_table_action_features {
	uint32_t ofpacts; /* OFPAB_* bits */
	struct ofp_tf_fields set_fields;
};

struct ofp_table_instruction_features {
	uint8_t next[32]; /* bitmap of tables 0..254 */
	uint32_t instructions;
	struct ofp_table_action_features write, apply;
};

struct ofp_table_features {
	uint8_t table_id;
	char name[33];
	uint64_t metadata_match, metadata_write;
	enum ofp_table_miss miss_config;
	int supports_eviction, supports_vacancy_events; /* -1: unknown */
	uint32_t max_entries;
	struct ofp_table_instruction_features nonmiss, miss;
	struct ofp_tf_fields match, mask, wildcard;
};

struct ofp_table_stats {
	uint8_t table_id;
	uint32_t active_count;
	uint64_t lookup_count, matched_count;
};

/* Pulls the next table of a table-features request or reply: 0,
 * EOF when @r is empty, or an ofperr (OFPBPC_BAD_LEN, OFPTFFC_BAD_TABLE,
 * OFPTFFC_BAD_FEATURES when a required property is missing, ...).
 * @loose ignores unknown properties and fields (a controller's view). */
int ofp_pull_table_features(const struct ofp_msg *m, struct ofp_reader *r,
			    struct ofp_table_features *tf, bool loose);
/* Appends one table's features in @version's form (1.3+). */
void ofp_put_table_features(struct ofpbuf *b,
			    const struct ofp_table_features *tf,
			    uint8_t version);
/* Pulls the next entry of a table-stats reply (the features the version
 * carries into @tf): 0, EOF or OFPBRC_BAD_LEN. */
int ofp_pull_table_stats(const struct ofp_msg *m, struct ofp_reader *r,
			 struct ofp_table_stats *ts,
			 struct ofp_table_features *tf);
/* Appends one entry of a table-stats reply in @version's form. */
void ofp_put_table_stats(struct ofpbuf *b, const struct ofp_table_stats *ts,
			 const struct ofp_table_features *tf, uint8_t version);

/* Appends one table as ovs-ofctl shows it, or remembers it as a ditto
 * of the previous one (@first_ditto/@last_ditto start at -1);
 * ofp_table_features_format_finish() prints a pending ditto line. */
void ofp_table_features_format(struct ds *s,
			       const struct ofp_table_features *tf,
			       const struct ofp_table_features *prev,
			       const struct ofp_table_stats *stats,
			       const struct ofp_table_stats *prev_stats,
			       int *first_ditto, int *last_ditto);
void ofp_table_features_format_finish(struct ds *s, int first_ditto,
				      int last_ditto);

/* Message texts for ofp_print. */
enum ofperr ofp_print_table_stats_reply(struct ds *s, const struct ofp_msg *m);
enum ofperr ofp_print_table_features(struct ds *s, const struct ofp_msg *m);
enum ofperr ofp_print_table_desc(struct ds *s, const struct ofp_msg *m);
enum ofperr ofp_print_table_mod(struct ds *s, const struct ofp_msg *m);

/* One table's description (1.4+ table-desc reply), as Open vSwitch
 * fills it: eviction flags OTHER, IMPORTANCE and LIFETIME; the vacancy
 * property only when vacancy events are on. */
struct ofp_table_desc {
	uint8_t table_id;
	bool eviction, vacancy;
	uint8_t vacancy_down, vacancy_up, vacancy_pct;
};
void ofp_append_table_desc(struct ofpbuf *b, const struct ofp_table_desc *td);

/* Table mod (1.1+: miss config; 1.4+: eviction and vacancy). */
struct ofp_table_mod {
	uint8_t table_id;
	enum ofp_table_miss miss;
	int eviction; /* -1 default, 0 off, 1 on */
	int vacancy;  /* -1 default, 0 off, 1 on */
	uint8_t vacancy_down, vacancy_up;
};
enum ofperr ofp_decode_table_mod(const struct ofp_msg *m,
				 struct ofp_table_mod *tm);
void ofp_encode_table_mod(struct ofpbuf *b, const struct ofp_table_mod *tm,
			  uint8_t version, uint32_t xid);

#endif
