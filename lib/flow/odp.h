/* SPDX-License-Identifier: Apache-2.0 */
/*
 * odp: the datapath flow in text, exactly as Open vSwitch 3.1's
 * `ovs-appctl dpctl/dump-flows` prints it (plain and -m), the parser of
 * the same syntax (dpctl/add-flow, tests), and the strict check of action
 * lists received from a peer.
 *
 * A key is printed from a key and a mask: in plain mode an attribute or a
 * field whose mask is zero is left out, a full mask prints the value
 * alone and a partial one value/mask; -m (verbose) prints every field.
 * The key is printed as given: Open vSwitch shows the packet's own values
 * under a partial mask (src=10.0.0.1/255.255.255.0), so the datapath keeps
 * the unmasked key of the packet that created a flow.
 */
#ifndef MICROVS_ODP_H
#define MICROVS_ODP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "microvs_dp.h"
#include "nlattr.h"
#include "util.h"

/* Port names, for -m output and for parsing names; either member may be
 * NULL (numbers only). */
struct odp_names {
	/* The name of @port_no, or NULL. */
	const char *(*name)(void *aux, uint32_t port_no);
	/* 0 and *@port_no for @name, or -ENOENT. */
	int (*lookup)(void *aux, const char *name, uint32_t *port_no);
	void *aux;
};

/* Appends the key attributes ("recirc_id(0),in_port(2),...").  @names
 * may be NULL (numbers). */
void odp_format_key(struct ds *ds, const struct mvs_key *key,
		    const struct mvs_key *mask, bool verbose,
		    const struct odp_names *names);

/* Appends an action list ("drop" when empty).  The list must have passed
 * odp_actions_check(). */
void odp_format_actions(struct ds *ds, const struct nlattr *actions, size_t len,
			const struct odp_names *names);

/* "ufid:8265f9d2-3b10-459e-8809-c103fd17f86a" */
void odp_format_ufid(struct ds *ds, const struct mvs_ufid *ufid);

/* "packets:4, bytes:392, used:0.109s[, flags:S.]", relative to @now_ms
 * (CLOCK_MONOTONIC). */
void odp_format_stats(struct ds *ds, const struct mvs_flow_stats *st,
		      uint64_t now_ms);

/* One line of dpctl/dump-flows (no newline): plain, or -m with the ufid
 * and "dp:ovs". */
void odp_format_flow(struct ds *ds, const struct mvs_ufid *ufid,
		     const struct mvs_key *key, const struct mvs_key *mask,
		     const struct nlattr *actions, size_t actions_len,
		     const struct mvs_flow_stats *st, bool verbose,
		     const struct odp_names *names, uint64_t now_ms);

/* Parses a key in the syntax above into @key and @mask (omitted fields
 * and attributes: mask 0; recirc_id, when omitted, matches 0 exactly as
 * Open vSwitch's userspace datapath does).  0, or -EINVAL with *@err (the
 * caller frees it) saying where. */
int odp_parse_key(const char *s, const struct odp_names *names,
		  struct mvs_key *key, struct mvs_key *mask, char **err);

/* Parses an action list ("1,push_vlan(vid=10,pcp=0),2", "drop") and
 * appends its encoding to @out.  0, or -EINVAL with *@err. */
int odp_parse_actions(const char *s, const struct odp_names *names,
		      struct nlbuf *out, char **err);

/* Parses "ufid:UUID" or a bare UUID.  0 or -EINVAL. */
int odp_parse_ufid(const char *s, struct mvs_ufid *ufid);

/* Strict check of an action list from a peer: whole attributes, known
 * types, the exact payload size of each, nested lists valid and at most
 * NL_NEST_MAX deep, output ports <= MVS_PORT_MAX.  0 or -EINVAL. */
int odp_actions_check(const struct nlattr *actions, size_t len);

/* The payload size of action @type, -1 if variable (nested or bytes),
 * -2 if unknown. */
int odp_action_len(unsigned type);

/* The hash the datapath's hash(l4(@basis)) action (MVS_ACTION_ATTR_HASH)
 * gives a packet whose headers are @hdr: of its IP addresses, transport
 * ports and protocol, the same both ways. */
uint32_t odp_hash_l4(const struct mvs_key_hdr *hdr, uint32_t basis);

/* The userdata of the userspace action a translation emits for an
 * output to the OpenFlow controllers (the packet-in is made when the
 * datapath sends the packet up, as Open vSwitch's "controller" user
 * action cookie): printed as Open vSwitch prints its own,
 * "userspace(pid=0,controller(reason=1,dont_send=0,continuation=0,
 * recirc_id=3,rule_cookie=0,controller_id=0,max_len=65535))". */
#define ODP_COOKIE_CONTROLLER 0x43 /* 'C' */
struct odp_cookie_controller {
	uint8_t type;	      /* ODP_COOKIE_CONTROLLER */
	uint8_t dont_send;    /* 1: emitted for a trace, no packet-in */
	uint8_t continuation; /* always 0 (pauses are not installed) */
	uint8_t reason;	      /* Open vSwitch's number for the reason */
	uint16_t controller_id;
	uint16_t max_len;
	uint32_t state_id; /* vswitchd's record of the packet-in's metadata */
	uint32_t pad;
	uint64_t rule_cookie; /* host order */
};

struct dp_packet;
/* Runs header-rewrite action @a (SET_ETH, SET_IPV4, SET_IPV6, SET_L4,
 * PUSH_VLAN, POP_VLAN; checked by odp_actions_check()) on @p, whose
 * offsets flow_extract() set, and on its @key: the bytes change in place
 * with their checksums (a partial L4 checksum stays partial); a packet
 * too short for the header, or of another protocol, is left as it is.
 * Returns false, changing nothing, for any other action type. */
bool odp_rewrite(struct dp_packet *p, struct mvs_key *key,
		 const struct nlattr *a);
/* The frame @data (@len bytes) as the header rewrites among the @n bytes
 * of datapath actions @acts (checked) leave it, in a new packet the
 * caller frees; NULL if there are none.  Outputs, tunnel pushes and
 * nested lists leave it as it is, as Open vSwitch's execution of the
 * actions translated before a controller action does for a packet-in. */
struct dp_packet *odp_rewrite_copy(const void *acts, size_t n, const void *data,
				   size_t len);

#endif
