/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_continuation: the continuation of a translation paused by
 * controller(pause), as it travels inside NXT_PACKET_IN2 to the
 * controller and back in NXT_RESUME: Open vSwitch's private properties
 * (NXCPT_BRIDGE, _TABLE_ID, _COOKIE, _ACTIONS, _ACTION_SET and the ones
 * microvs never makes: _STACK, _MIRRORS, _CONNTRACKED, _ODP_PORT).  The
 * controller cannot read it and must not change it: the switch checks
 * all of it when it comes back.
 */
#ifndef MICROVS_OFP_CONTINUATION_H
#define MICROVS_OFP_CONTINUATION_H

#include <stdbool.h>
#include <stdint.h>

#include "ofp_actions.h"
#include "ofp_buf.h"
#include "ofp_errors.h"

struct ofp_continuation {
	uint8_t bridge[16]; /* the switch's name for the bridge; zero: none */
	uint8_t table_id;   /* of the rule that paused */
	uint64_t cookie;
	struct ofpacts actions;	   /* what was left to run */
	struct ofpacts action_set; /* the action set then */
};

void ofp_continuation_init(struct ofp_continuation *c);
void ofp_continuation_uninit(struct ofp_continuation *c);
/* Appends @c's properties (the inside of NXPINT_CONTINUATION) with the
 * actions in @version's form. */
void ofp_continuation_put(struct ofpbuf *b, const struct ofp_continuation *c,
			  uint8_t version);
/* Decodes the @len bytes at @p (actions in @version's form) into @c
 * (initialised by the caller; freed by it on error too) as Open vSwitch
 * 3.1 does: a property cut or of the wrong length OFPBPC_BAD_LEN, an
 * unknown one OFPBPC_BAD_TYPE, bad actions their error.  The properties
 * microvs never makes are accepted and ignored. */
enum ofperr ofp_continuation_decode(const uint8_t *p, size_t len,
				    uint8_t version,
				    struct ofp_continuation *c);

#endif
