/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_group: groups (all, select, indirect, fast failover): group mods in
 * ovs-ofctl's text ("group_id=1,type=select,bucket=weight:2,actions=..."),
 * on the wire in 1.1-1.4's form, 1.5's (bucket ids, properties) and
 * Open vSwitch's 1.0 extension (NXT_GROUP_MOD with 1.5's layout), group
 * description, statistics and features requests and replies, and the
 * text of each as ovs-ofctl prints it.  Decoding checks a group mod as
 * Open vSwitch does (OFPGMFC_INVALID_GROUP for an indirect group without
 * exactly one bucket, OFPGMFC_BAD_BUCKET, OFPGMFC_WATCH_UNSUPPORTED...).
 */
#ifndef MICROVS_OFP_GROUP_H
#define MICROVS_OFP_GROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "ofp_actions.h"
#include "ofp_buf.h"
#include "ofp_errors.h"
#include "ofp_field.h"
#include "ofp_msg.h"

#define OFPG_MAX 0xffffff00u
#define OFPG_ALL 0xfffffffcu
#define OFPG_ANY 0xffffffffu
#define OFPG15_BUCKET_MAX 0xffffff00u
#define OFPG15_BUCKET_FIRST 0xfffffffdu
#define OFPG15_BUCKET_LAST 0xfffffffeu
#define OFPG15_BUCKET_ALL 0xffffffffu

enum ofp_group_type {
	OFPGT_ALL,
	OFPGT_SELECT,
	OFPGT_INDIRECT,
	OFPGT_FF,
};

enum ofp_group_command {
	OFPGC_ADD = 0,
	OFPGC_MODIFY = 1,
	OFPGC_DELETE = 2,
	OFPGC_INSERT_BUCKET = 3,
	OFPGC_REMOVE_BUCKET = 5, /* OpenFlow 1.5: 4 is reserved */
	OFPGC_ADD_OR_MOD = 0x8000,
};

/* The fields selection_method=hash hashes ("fields(eth_dst,ip_src=
 * 255.255.255.0)"): each with the mask of its bits hashed (all ones
 * unless given), in Open vSwitch's field order (the order it prints and
 * encodes them in), each field once. */
#define OFP_GROUP_MAX_FIELDS 16
struct ofp_group_fields {
	size_t n;
	struct ofp_group_field {
		enum ofp_field_id id;
		union ofp_value mask;
	} f[OFP_GROUP_MAX_FIELDS];
};
/* Appends "f1,f2=mask..." (the list inside ovs-ofctl's "fields(...)"). */
void ofp_group_fields_format(struct ds *s, const struct ofp_group_fields *gf);

struct ofp_bucket {
	uint16_t weight;
	uint32_t watch_port;  /* OFPP_NONE: none */
	uint32_t watch_group; /* OFPG_ANY: none */
	uint32_t bucket_id;
	struct ofpacts acts;
};

struct ofp_group_mod {
	uint16_t command;
	uint8_t type;
	uint32_t group_id;
	uint32_t command_bucket_id;
	size_t n_buckets;
	struct ofp_bucket *buckets;
	char selection_method[16];
	uint64_t selection_method_param;
	struct ofp_group_fields fields;
};

void ofp_group_mod_uninit(struct ofp_group_mod *gm);

/* Parses ovs-ofctl's group syntax for @command (-2: the line may start
 * with "add", "modify", "delete", ...; missing means add).  Narrows
 * *@usable to the protocols that can carry it.  NULL or a malloc'd
 * message in Open vSwitch's words ("must specify a group_id"). */
char *ofp_group_mod_parse(struct ofp_group_mod *gm, int command, const char *s,
			  const struct ofp_port_map *ports, uint32_t *usable);
/* Appends a group mod in @version's form.  Returns NULL, or the message
 * ovs-ofctl dies with for a command the version lacks ("insert-bucket
 * needs OpenFlow 1.5 or later ('-O OpenFlow15')", malloc'd). */
char *ofp_encode_group_mod(struct ofpbuf *b, const struct ofp_group_mod *gm,
			   uint8_t version, uint32_t xid);
enum ofperr ofp_decode_group_mod(const struct ofp_msg *m,
				 struct ofp_group_mod *gm);

/* Group description entries (what dump-groups prints). */
struct ofp_group_desc {
	uint8_t type;
	uint32_t group_id;
	size_t n_buckets;
	struct ofp_bucket *buckets;
	char selection_method[16];
	uint64_t selection_method_param;
	struct ofp_group_fields fields;
};
void ofp_group_desc_uninit(struct ofp_group_desc *gd);
/* 0, EOF, or an ofperr. */
int ofp_pull_group_desc(const struct ofp_msg *m, struct ofp_reader *r,
			struct ofp_group_desc *gd);
void ofp_append_group_desc(struct ofpbuf *b, const struct ofp_group_desc *gd,
			   uint8_t version);
void ofp_encode_group_desc_request(struct ofpbuf *b, uint8_t version,
				   uint32_t group_id, uint32_t xid);
void ofp_encode_group_stats_request(struct ofpbuf *b, uint8_t version,
				    uint32_t group_id, uint32_t xid);
void ofp_encode_group_features_request(struct ofpbuf *b, uint8_t version,
				       uint32_t xid);

/* A group's statistics, for the group stats reply. */
struct ofp_bucket_counter {
	uint64_t packet_count, byte_count;
};
struct ofp_group_stats {
	uint32_t group_id;
	uint32_t ref_count; /* flows that use it */
	uint64_t packet_count, byte_count;
	uint32_t duration_sec, duration_nsec;
	size_t n_buckets;
	const struct ofp_bucket_counter *buckets;
};
/* Appends one entry of a group stats reply of kind @raw (OpenFlow 1.1's
 * without the duration, 1.3's and Nicira's with it). */
void ofp_append_group_stats(struct ofpbuf *b, const struct ofp_group_stats *gs,
			    enum ofpraw raw);
/* Appends the body of a group features reply in @version: Open vSwitch's
 * (every type, chaining and select weight and liveness, OFPG_MAX groups
 * of each type, every action the version has). */
void ofp_put_group_features(struct ofpbuf *b, uint8_t version);
/* The group id a group stats or (1.0, 1.5) description request asks for
 * (OFPG_ALL: every group).  OFPERR_OFPBRC_BAD_LEN if it is short. */
enum ofperr ofp_decode_group_request(const struct ofp_msg *m, uint32_t *id);

/* Appends "ALL", "ANY" or the number. */
void ofp_format_group_id(struct ds *s, uint32_t group_id);
/* Appends "group_id=1,type=all,bucket=actions=..." (without a leading
 * blank) for dump-groups and diff-groups. */
void ofp_group_desc_format(struct ds *s, const struct ofp_group_desc *gd,
			   uint8_t version, const struct ofp_port_map *ports);

/* Message texts for ofp_print. */
enum ofperr ofp_print_group_mod(struct ds *s, const struct ofp_msg *m,
				const struct ofp_port_map *ports);
enum ofperr ofp_print_group_stats_request(struct ds *s,
					  const struct ofp_msg *m);
enum ofperr ofp_print_group_stats_reply(struct ds *s, const struct ofp_msg *m);
enum ofperr ofp_print_group_desc_request(struct ds *s, const struct ofp_msg *m);
enum ofperr ofp_print_group_desc_reply(struct ds *s, const struct ofp_msg *m,
				       const struct ofp_port_map *ports);
enum ofperr ofp_print_group_features(struct ds *s, const struct ofp_msg *m);

#endif
