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
	OFPGC_REMOVE_BUCKET = 4,
	OFPGC_ADD_OR_MOD = 0x8000,
};

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
