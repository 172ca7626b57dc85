/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_odp: datapath actions as the uAPI encodes them (netlink
 * attributes, MVS_ACTION_ATTR_*): a minimal builder for translation, and
 * Open vSwitch's text for them ("Datapath actions:" of ofproto/trace).
 *
 * lib/flow will hold the full netlink helpers and datapath text formats
 * (dp8); this file covers the actions translation emits today and is the
 * one to fold into those when they land.
 */
#include "vswitchd.h"

#include <string.h>

#include "ofp_field.h"

void
odp_buf_init(struct odp_buf *b)
{
	b->data = NULL;
	b->size = b->alloc = 0;
}

void
odp_buf_free(struct odp_buf *b)
{
	free(b->data);
	odp_buf_init(b);
}

void
odp_put_attr(struct odp_buf *b, uint16_t type, const void *data, size_t len)
{
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);
	struct nlattr nla = { .nla_len = (uint16_t)(NLA_HDRLEN + len),
			      .nla_type = type };

	if (b->size + total > b->alloc) {
		b->alloc = (b->size + total) * 2;
		b->data = xrealloc(b->data, b->alloc);
	}
	memcpy(b->data + b->size, &nla, sizeof nla);
	if (len)
		memcpy(b->data + b->size + NLA_HDRLEN, data, len);
	memset(b->data + b->size + NLA_HDRLEN + len, 0,
	       total - NLA_HDRLEN - len);
	b->size += total;
}

void
odp_put_u32(struct odp_buf *b, uint16_t type, uint32_t value)
{
	odp_put_attr(b, type, &value, sizeof value);
}

size_t
odp_nest_start(struct odp_buf *b, uint16_t type)
{
	size_t start = b->size;

	odp_put_attr(b, type, NULL, 0);
	return start;
}

void
odp_nest_end(struct odp_buf *b, size_t start)
{
	struct nlattr nla;

	memcpy(&nla, b->data + start, sizeof nla);
	nla.nla_len = (uint16_t)(b->size - start);
	memcpy(b->data + start, &nla, sizeof nla);
}

void
odp_put_flag(struct odp_buf *b, uint16_t type)
{
	odp_put_attr(b, type, NULL, 0);
}

static bool
all_ones(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xff)
			return false;
	return true;
}

static bool
all_zeros(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void
format_set_eth(struct ds *s, const struct mvs_act_set_eth *e)
{
	bool comma = false;

	ds_put(s, "set(eth(");
	if (!all_zeros(e->src_mask, 6)) {
		ds_put(s, "src=");
		ofp_format_eth(s, e->src);
		if (!all_ones(e->src_mask, 6)) {
			ds_put_char(s, '/');
			ofp_format_eth(s, e->src_mask);
		}
		comma = true;
	}
	if (!all_zeros(e->dst_mask, 6)) {
		ds_put(s, comma ? ",dst=" : "dst=");
		ofp_format_eth(s, e->dst);
		if (!all_ones(e->dst_mask, 6)) {
			ds_put_char(s, '/');
			ofp_format_eth(s, e->dst_mask);
		}
	}
	ds_put(s, "))");
}

static void
format_push_vlan(struct ds *s, const struct mvs_act_push_vlan *v)
{
	uint16_t tci = ntohs(v->tci);

	ds_put(s, "push_vlan(");
	if (v->tpid != htons(ETH_TYPE_VLAN))
		ds_printf(s, "tpid=0x%04x,", ntohs(v->tpid));
	ds_printf(s, "vid=%u,pcp=%u", tci & MVS_VLAN_VID_MASK,
		  tci >> MVS_VLAN_PCP_SHIFT);
	if (!(tci & MVS_VLAN_PRESENT))
		ds_put(s, ",cfi=0");
	ds_put_char(s, ')');
}

void
odp_actions_format(struct ds *s, const void *data, size_t size)
{
	const uint8_t *p = data, *end = p + size;
	size_t start = s->len;

	if (!size) {
		ds_put(s, "drop");
		return;
	}
	while (p + NLA_HDRLEN <= end) {
		struct nlattr nla;
		const uint8_t *payload = p + NLA_HDRLEN;
		size_t len;

		memcpy(&nla, p, sizeof nla);
		if (nla.nla_len < NLA_HDRLEN || p + nla.nla_len > end)
			break;
		len = nla.nla_len - NLA_HDRLEN;
		if (s->len > start)
			ds_put_char(s, ',');
		switch (nla.nla_type) {
		case MVS_ACTION_ATTR_OUTPUT: {
			uint32_t port;
			if (len != 4)
				goto bad;
			memcpy(&port, payload, 4);
			ds_printf(s, "%u", port);
			break;
		}
		case MVS_ACTION_ATTR_PUSH_VLAN: {
			struct mvs_act_push_vlan v;
			if (len != sizeof v)
				goto bad;
			memcpy(&v, payload, sizeof v);
			format_push_vlan(s, &v);
			break;
		}
		case MVS_ACTION_ATTR_POP_VLAN:
			ds_put(s, "pop_vlan");
			break;
		case MVS_ACTION_ATTR_SET_ETH: {
			struct mvs_act_set_eth e;
			if (len != sizeof e)
				goto bad;
			memcpy(&e, payload, sizeof e);
			format_set_eth(s, &e);
			break;
		}
		default:
		bad:
			ds_printf(s, "action%u(len=%zu)", nla.nla_type, len);
			break;
		}
		p += NLA_ALIGN(nla.nla_len);
	}
	if (p != end)
		ds_put(s, s->len > start ? ",<truncated>" : "<truncated>");
}
