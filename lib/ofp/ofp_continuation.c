/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_continuation: the private properties of a paused translation's
 * continuation (NXCPT_*), encoded and checked as Open vSwitch does.
 */
#include "ofp_continuation.h"

#include <string.h>

#include "ofp_act_wire.h"
#include "ofp_msg.h"

#define NXCPT_BRIDGE 0x8000
#define NXCPT_STACK 0x8001
#define NXCPT_MIRRORS 0x8002
#define NXCPT_CONNTRACKED 0x8003
#define NXCPT_TABLE_ID 0x8004
#define NXCPT_COOKIE 0x8005
#define NXCPT_ACTIONS 0x8006
#define NXCPT_ACTION_SET 0x8007
#define NXCPT_ODP_PORT 0x8008

void
ofp_continuation_init(struct ofp_continuation *c)
{
	memset(c, 0, sizeof *c);
	ofpacts_init(&c->actions);
	ofpacts_init(&c->action_set);
}

void
ofp_continuation_uninit(struct ofp_continuation *c)
{
	ofpacts_free(&c->actions);
	ofpacts_free(&c->action_set);
}

/* A property of actions: nested, so they start 8-aligned. */
static void
put_actions(struct ofpbuf *b, uint16_t type, const struct ofpacts *acts,
	    uint8_t version)
{
	size_t start;

	if (!acts->size)
		return;
	start = ofpbuf_prop_start(b, type);
	ofpbuf_put_zeros(b, 4);
	ofpacts_put_openflow_actions(acts->data, acts->size, b, version);
	ofpbuf_prop_end(b, start);
}

void
ofp_continuation_put(struct ofpbuf *b, const struct ofp_continuation *c,
		     uint8_t version)
{
	static const uint8_t zero[16];
	size_t start;

	if (memcmp(c->bridge, zero, sizeof zero)) {
		start = ofpbuf_prop_start(b, NXCPT_BRIDGE);
		ofpbuf_put(b, c->bridge, sizeof c->bridge);
		ofpbuf_prop_end(b, start);
	}
	/* Open vSwitch's order: each group of actions after the table and
	 * cookie of its rule, where they are not 0. */
	if (c->actions.size && c->table_id) {
		start = ofpbuf_prop_start(b, NXCPT_TABLE_ID);
		ofpbuf_put_u8(b, c->table_id);
		ofpbuf_prop_end(b, start);
	}
	if (c->actions.size && c->cookie) {
		start = ofpbuf_prop_start(b, NXCPT_COOKIE);
		ofpbuf_put_zeros(b, 4);
		ofpbuf_put_be64(b, c->cookie);
		ofpbuf_prop_end(b, start);
	}
	put_actions(b, NXCPT_ACTIONS, &c->actions, version);
	put_actions(b, NXCPT_ACTION_SET, &c->action_set, version);
}

/* The value of one property: @n bytes at @v, which must be @want (or at
 * least @want if @at_least). */
static enum ofperr
check_len(size_t n, size_t want, bool at_least)
{
	return (at_least ? n < want : n != want) ? OFPERR_OFPBPC_BAD_LEN : 0;
}

/* Appends the records of @src to @dst. */
static void
append(struct ofpacts *dst, const struct ofpacts *src)
{
	const struct ofpact *a;

	OFPACT_FOR_EACH(a, src->data, src->size)
	memcpy(ofpacts_put(dst, a->type, a->len), a, a->len);
}

enum ofperr
ofp_continuation_decode(const uint8_t *p, size_t len, uint8_t version,
			struct ofp_continuation *c)
{
	size_t ofs = 0;

	while (ofs < len) {
		const uint8_t *pp = p + ofs, *v = pp + 4;
		size_t pl, padded, n;
		enum ofperr e = 0;
		uint16_t type;

		if (len - ofs < 4)
			return OFPERR_OFPBPC_BAD_LEN;
		type = get_be16(pp);
		pl = get_be16(pp + 2);
		padded = (pl + 7) / 8 * 8;
		if (pl < 4 || padded > len - ofs)
			return OFPERR_OFPBPC_BAD_LEN;
		ofs += padded;
		n = pl - 4;
		switch (type) {
		case NXCPT_BRIDGE:
			if (!(e = check_len(n, 16, false)))
				memcpy(c->bridge, v, 16);
			break;
		case NXCPT_STACK:
		case NXCPT_CONNTRACKED:
			break;
		case NXCPT_MIRRORS:
		case NXCPT_ODP_PORT:
			e = check_len(n, 4, false);
			break;
		case NXCPT_TABLE_ID:
			if (!(e = check_len(n, 1, true)))
				c->table_id = v[0];
			break;
		case NXCPT_COOKIE:
			/* 8-aligned, after 4 bytes of padding. */
			if (!(e = check_len(n, 12, false)))
				c->cookie = get_be64(v + 4);
			break;
		case NXCPT_ACTIONS:
		case NXCPT_ACTION_SET: {
			struct ofpacts more;

			if ((e = check_len(n, 4, true)))
				break;
			ofpacts_init(&more);
			e = ofpacts_pull_openflow_actions(v + 4, n - 4, version,
							  &more);
			if (!e)
				append(type == NXCPT_ACTIONS ? &c->actions
							     : &c->action_set,
				       &more);
			ofpacts_free(&more);
			break;
		}
		default:
			ofp_warn("ofp_packet",
				 "unknown continuation property type %u", type);
			e = OFPERR_OFPBPC_BAD_TYPE;
			break;
		}
		if (e)
			return e;
	}
	return 0;
}
