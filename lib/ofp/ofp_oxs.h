/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_oxs: OpenFlow 1.5's flow statistics (OXS: struct ofp_stats), which
 * 1.5's flow-stats replies, aggregate replies and flow-removed messages
 * carry instead of fixed fields.
 */
#ifndef MICROVS_OFP_OXS_H
#define MICROVS_OFP_OXS_H

#include <stdbool.h>
#include <stdint.h>

#include "ofp_buf.h"
#include "ofp_errors.h"

#define OXS_DURATION 0
#define OXS_IDLE_TIME 1
#define OXS_FLOW_COUNT 3
#define OXS_PACKET_COUNT 4
#define OXS_BYTE_COUNT 5

struct ofp_oxs_stats {
	uint32_t present; /* bit N: field N was there */
	uint32_t duration_sec, duration_nsec;
	uint32_t idle_sec, idle_nsec;
	uint32_t flow_count;
	uint64_t packet_count, byte_count;
};

/* Pulls an ofp_stats (its padding included) from @r.  OFPBRC_BAD_LEN
 * for lengths that disagree; unknown fields are skipped. */
enum ofperr ofp_pull_oxs(struct ofp_reader *r, struct ofp_oxs_stats *st);
/* Appends the fields of @fields (bits as above, in the order given by
 * @order, a list of field numbers ending with -1) and pads to 8. */
void ofp_put_oxs(struct ofpbuf *b, const struct ofp_oxs_stats *st,
		 const int *order);

#endif
