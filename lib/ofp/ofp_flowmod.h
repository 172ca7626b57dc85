/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_flowmod: ovs-ofctl's flow syntax as a whole: a flow-mod
 * ("priority=10,in_port=1,actions=output:2" with table, cookie,
 * timeouts, flags), the exact-flow syntax of ofproto/trace, and the
 * dump-flows line that prints a rule back.  A printed flow parses back to
 * the same flow-mod.
 */
#ifndef MICROVS_OFP_FLOWMOD_H
#define MICROVS_OFP_FLOWMOD_H

#include <stdbool.h>
#include <stdint.h>

#include "ofp_actions.h"
#include "ofp_flow.h"

enum ofp_flow_mod_command {
	OFPFC_ADD,
	OFPFC_MODIFY,
	OFPFC_MODIFY_STRICT,
	OFPFC_DELETE,
	OFPFC_DELETE_STRICT,
	/* Not a command: the parser's mode for flow statistics requests
	 * (only out_port and out_group besides the match). */
	OFPFC_STATS_REQUEST,
};

/* Flow flags (OFPFF_*), as Open vSwitch numbers them internally. */
#define OFPFF_SEND_FLOW_REM 0x01
#define OFPFF_CHECK_OVERLAP 0x02
#define OFPFF_RESET_COUNTS 0x04
#define OFPFF_NO_PKT_COUNTS 0x08
#define OFPFF_NO_BYT_COUNTS 0x10
#define OFPFF_EMERG 0x20 /* OpenFlow 1.0's emergency cache: refused */

#define OFP_TABLE_ANY 255 /* table_id: unspecified / all tables */
#define OFP_GROUP_ANY 0xffffffffu

struct ofp_flow_mod {
	enum ofp_flow_mod_command command;
	struct match match; /* canonical and normalised */
	int priority;
	uint8_t table_id;      /* OFP_TABLE_ANY: all (delete), 0 (add) */
	uint64_t cookie;       /* with cookie_mask: which flows (mod/del) */
	uint64_t cookie_mask;  /* 0: any cookie */
	uint64_t new_cookie;   /* the cookie to set; UINT64_MAX: keep */
	bool modify_cookie;    /* "cookie=" given without a mask */
	uint32_t buffer_id;    /* OFP_NO_BUFFER: none */
	uint16_t idle_timeout; /* seconds, 0: none */
	uint16_t hard_timeout;
	uint16_t importance;
	uint32_t out_port;  /* OFPP_NONE: no filter */
	uint32_t out_group; /* OFP_GROUP_ANY: no filter */
	uint16_t flags;	    /* OFPFF_* */
	struct ofpacts ofpacts;
};

/* Parses @s as a flow-mod of @command (the syntax of ovs-ofctl add-flow,
 * mod-flows, del-flows).  Fields a dump-flows line prints for statistics
 * (duration, n_packets, ...) are accepted and ignored, so dump-flows
 * output parses back.  Returns NULL with @fm initialised (free it with
 * ofp_flow_mod_uninit()), or a malloc'd message in Open vSwitch's words
 * with @fm uninitialised. */
char *ofp_flow_mod_parse(struct ofp_flow_mod *fm, const char *s,
			 enum ofp_flow_mod_command command,
			 const struct ofp_port_map *ports);
/* The same as ovs-ofctl parses it before sending: the match as given
 * (not normalised: the switch does that) and *@usable (OFP_PROTO_*) set
 * to the flow protocols that can carry the flow-mod.  The actions are
 * checked against the match (Open vSwitch's "actions are invalid with
 * specified match (...)"). */
char *ofp_flow_mod_parse_ex(struct ofp_flow_mod *fm, const char *s,
			    enum ofp_flow_mod_command command,
			    const struct ofp_port_map *ports, uint32_t *usable);
void ofp_flow_mod_uninit(struct ofp_flow_mod *fm);

/* Parses ofproto/trace's flow syntax: every field exact, prerequisites
 * given before the fields that need them ("tcp,tp_dst=80"), the in_port
 * OFPP_NONE unless given.  Returns NULL, or a malloc'd message as Open
 * vSwitch words it ("S: unknown field foo"); @flow is zeroed on error. */
char *ofp_parse_exact_flow(struct flow *flow, const char *s,
			   const struct ofp_port_map *ports);

/* One rule as dump-flows prints it. */
struct ofp_flow_stats {
	const struct match *match;
	int priority;
	uint8_t table_id;
	uint64_t cookie;
	uint32_t duration_sec, duration_nsec;
	uint64_t n_packets, n_bytes;
	uint16_t idle_timeout, hard_timeout, importance;
	uint16_t flags;
	int idle_age, hard_age; /* seconds; -1: not shown */
	const void *ofpacts;
	size_t ofpacts_len;
};

/* Appends the names of @flags (OFPFF_*), each followed by a blank. */
void ofp_flow_mod_flags_format(struct ds *s, uint16_t flags);
/* Appends a duration as Open vSwitch prints it ("1.5s", "2.000001s"). */
void ofp_format_duration(struct ds *s, uint32_t sec, uint32_t nsec);

/* Appends ovs-ofctl dump-flows' line for @fs (without the leading blank):
 * with @show_stats "cookie=0x0, duration=1.5s, table=0, n_packets=0,
 * n_bytes=0, idle_age=1, priority=10,in_port=1 actions=output:2",
 * without them (--no-stats) only what differs from the defaults. */
void ofp_flow_stats_format(struct ds *s, const struct ofp_flow_stats *fs,
			   const struct ofp_port_map *ports, bool show_stats);

#endif
