/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_ofasync: each connection's asynchronous-message configuration
 * (set-async in its four forms, get-async), and the test every sender of
 * packet-ins, port-status and flow-removed messages makes with it.  A
 * connection that set nothing has Open vSwitch 3.1's default for its
 * version (lib/ofp/ofp_async.h).
 */
#include "ofconn.h"

#include "ofp_misc.h"

/* The packet-in reasons OpenFlow 1.4 split out of OFPR_ACTION
 * (action_set, group, packet_out). */
#define PIN14_ACTION_BITS (7u << 3)
#define PIN_ACTION_BIT (1u << 1)

static struct ofp_async_cfg
config_of(const struct ofconn *c)
{
	return c->async_set ? c->async : ofp_async_cfg_default(c->version);
}

bool
ofconn_wants_async(const struct ofconn *c, enum ofp_async_type t,
		   unsigned reason)
{
	struct ofp_async_cfg cfg;

	if (!c->version || reason >= 32 || (!c->ctrl && !c->miss_send_len))
		return false;
	cfg = config_of(c);
	return ((c->role == OFPCR12_ROLE_SECONDARY ? cfg.secondary
						   : cfg.primary)[t] >>
		reason) &
	       1;
}

enum ofperr
ofconn_set_async(struct ofconn *c, const struct ofp_msg *m)
{
	struct ofp_async_cfg basis = config_of(c), cfg;
	enum ofperr e = ofp_decode_async_config(m, false, &basis, &cfg);

	if (e)
		return e;
	/* Before 1.4 the reasons 1.4 split out of OFPR_ACTION go with it. */
	if (c->version < OFP14_VERSION) {
		if (cfg.primary[OFP_ASYNC_PACKET_IN] & PIN_ACTION_BIT)
			cfg.primary[OFP_ASYNC_PACKET_IN] |= PIN14_ACTION_BITS;
		if (cfg.secondary[OFP_ASYNC_PACKET_IN] & PIN_ACTION_BIT)
			cfg.secondary[OFP_ASYNC_PACKET_IN] |= PIN14_ACTION_BITS;
	}
	c->async = cfg;
	c->async_set = true;
	/* A service connection asking for asynchronous messages gets them
	 * (Open vSwitch's OFP_DEFAULT_MISS_SEND_LEN). */
	if (!c->ctrl && !c->miss_send_len)
		c->miss_send_len = 128;
	return 0;
}

enum ofperr
ofconn_get_async(struct ofconn *c, const struct ofp_msg *m)
{
	struct ofp_async_cfg cfg = config_of(c);
	struct ofpbuf b = OFPBUF_EMPTY;

	ofp_encode_get_async_reply(&b, m, &cfg);
	ofconn_send(c, &b);
	ofpbuf_uninit(&b);
	return 0;
}
