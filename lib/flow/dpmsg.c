/* SPDX-License-Identifier: Apache-2.0 */
/* dpmsg: ports, flows and packets as uAPI attributes (see dpmsg.h). */
#include "dpmsg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "odp.h"
#include "util.h"

int
dpmsg_open(struct dpmsg_buf *b, const void *data, size_t len)
{
	b->head = NULL;
	b->len = 0;
	if (!len)
		return 0;
	b->head = xmalloc(len);
	memcpy(b->head, data, len);
	if (nl_attrs_check(b->head, len)) {
		free(b->head);
		b->head = NULL;
		return -EINVAL;
	}
	b->len = len;
	return 0;
}

void
dpmsg_buf_free(struct dpmsg_buf *b)
{
	free(b->head);
	b->head = NULL;
	b->len = 0;
}

/* Copies attribute @a's payload into @dst if it is exactly @size bytes. */
static int
get_exact(const struct nlattr *a, void *dst, size_t size)
{
	if (nl_attr_len(a) != size)
		return -EINVAL;
	memcpy(dst, nl_attr_data(a), size);
	return 0;
}

/* ---- ports ---- */

void
dpmsg_put_port(struct nlbuf *b, const struct dp_port_info *info)
{
	size_t ofs = nl_nest_start(b, MVS_VPORT_ATTR_PORT);
	uint32_t link = (info->carrier ? MVS_VPORT_LINK_CARRIER : 0) |
			(info->admin_up ? MVS_VPORT_LINK_ADMIN_UP : 0);

	nl_put_u32(b, MVS_VPORT_ATTR_PORT_NO, info->port_no);
	nl_put_u32(b, MVS_VPORT_ATTR_TYPE, (uint32_t)info->type);
	nl_put(b, MVS_VPORT_ATTR_NAME, info->name, strnlen(info->name, 15) + 1);
	nl_put_u32(b, MVS_VPORT_ATTR_IFINDEX, (uint32_t)info->ifindex);
	nl_put(b, MVS_VPORT_ATTR_STATS, &info->stats, sizeof info->stats);
	nl_put(b, MVS_VPORT_ATTR_MAC, info->mac, 6);
	if (info->mtu > 0)
		nl_put_u32(b, MVS_VPORT_ATTR_MTU, (uint32_t)info->mtu);
	nl_put_u32(b, MVS_VPORT_ATTR_LINK, link);
	if (info->speed_mbps)
		nl_put(b, MVS_VPORT_ATTR_SPEED, &info->speed_mbps,
		       sizeof info->speed_mbps);
	nl_nest_end(b, ofs);
}

int
dpmsg_parse_port(const struct nlattr *nest, struct dp_port_info *info)
{
	const struct nlattr *a;
	unsigned seen = 0;
	uint32_t u32 = 0;
	size_t left;
	int r = 0;

	memset(info, 0, sizeof *info);
	if (nl_attr_type(nest) != MVS_VPORT_ATTR_PORT)
		return -EINVAL;
	NL_ATTR_FOR_EACH(a, left, nl_attr_data(nest), nl_attr_len(nest))
	{
		unsigned t = nl_attr_type(a);

		if (t < 32)
			seen |= 1u << t;
		switch (t) {
		case MVS_VPORT_ATTR_PORT_NO:
			r = get_exact(a, &info->port_no, 4);
			if (!r && info->port_no > MVS_PORT_MAX)
				r = -EINVAL;
			break;
		case MVS_VPORT_ATTR_TYPE:
			r = get_exact(a, &u32, 4);
			if (!r && (u32 == MVS_VPORT_TYPE_UNSPEC ||
				   u32 >= __MVS_VPORT_TYPE_MAX))
				r = -EINVAL;
			info->type = (enum mvs_vport_type)u32;
			break;
		case MVS_VPORT_ATTR_NAME: {
			size_t n = nl_attr_len(a);
			const char *s = nl_attr_data(a);

			if (n < 2 || n > sizeof info->name || s[n - 1] ||
			    strlen(s) != n - 1)
				r = -EINVAL;
			else
				memcpy(info->name, s, n);
			break;
		}
		case MVS_VPORT_ATTR_IFINDEX:
			r = get_exact(a, &u32, 4);
			info->ifindex = (int)u32;
			break;
		case MVS_VPORT_ATTR_STATS:
			r = get_exact(a, &info->stats, sizeof info->stats);
			break;
		case MVS_VPORT_ATTR_MAC:
			r = get_exact(a, info->mac, 6);
			break;
		case MVS_VPORT_ATTR_MTU:
			r = get_exact(a, &u32, 4);
			info->mtu = u32 > 0x7fffffff ? 0 : (int)u32;
			break;
		case MVS_VPORT_ATTR_LINK:
			r = get_exact(a, &u32, 4);
			info->carrier = u32 & MVS_VPORT_LINK_CARRIER;
			info->admin_up = u32 & MVS_VPORT_LINK_ADMIN_UP;
			break;
		case MVS_VPORT_ATTR_SPEED:
			r = get_exact(a, &info->speed_mbps, 8);
			break;
		default:
			break; /* newer attributes: skipped */
		}
		if (r)
			return r;
	}
	if (left)
		return -EINVAL;
	unsigned need = 1u << MVS_VPORT_ATTR_PORT_NO |
			1u << MVS_VPORT_ATTR_TYPE | 1u << MVS_VPORT_ATTR_NAME;
	return (seen & need) == need ? 0 : -EINVAL;
}

/* ---- meters ---- */

void
dpmsg_put_meter(struct nlbuf *b, const struct dpmsg_meter *m, bool stats)
{
	size_t ofs = nl_nest_start(b, MVS_METER_ATTR_METER);

	nl_put_u32(b, MVS_METER_ATTR_ID, m->id);
	if (m->kbps)
		nl_put_flag(b, MVS_METER_ATTR_KBPS);
	if (stats)
		nl_put(b, MVS_METER_ATTR_STATS, &m->stats, sizeof m->stats);
	for (unsigned i = 0; i < m->n_bands; i++) {
		size_t bo = nl_nest_start(b, MVS_METER_ATTR_BAND);

		nl_put_u32(b, MVS_BAND_ATTR_RATE, m->bands[i].rate);
		nl_put_u32(b, MVS_BAND_ATTR_BURST, m->bands[i].burst);
		if (stats)
			nl_put(b, MVS_BAND_ATTR_STATS, &m->bands[i].stats,
			       sizeof m->bands[i].stats);
		nl_nest_end(b, bo);
	}
	nl_nest_end(b, ofs);
}

static int
parse_band(const struct nlattr *nest, struct dpmsg_band *band)
{
	const struct nlattr *a;
	size_t left;
	int r = 0;

	memset(band, 0, sizeof *band);
	NL_ATTR_FOR_EACH(a, left, nl_attr_data(nest), nl_attr_len(nest))
	{
		switch (nl_attr_type(a)) {
		case MVS_BAND_ATTR_RATE:
			r = get_exact(a, &band->rate, 4);
			break;
		case MVS_BAND_ATTR_BURST:
			r = get_exact(a, &band->burst, 4);
			break;
		case MVS_BAND_ATTR_STATS:
			r = get_exact(a, &band->stats, sizeof band->stats);
			break;
		default:
			r = -EINVAL;
		}
		if (r)
			return r;
	}
	return band->rate ? 0 : -EINVAL;
}

int
dpmsg_parse_meter(const struct nlattr *nest, struct dpmsg_meter *m)
{
	const struct nlattr *a;
	bool has_id = false;
	size_t left;
	int r = 0;

	memset(m, 0, sizeof *m);
	if (nl_attr_type(nest) != MVS_METER_ATTR_METER)
		return -EINVAL;
	NL_ATTR_FOR_EACH(a, left, nl_attr_data(nest), nl_attr_len(nest))
	{
		switch (nl_attr_type(a)) {
		case MVS_METER_ATTR_ID:
			r = get_exact(a, &m->id, 4);
			has_id = !r && m->id <= MVS_METER_MAX;
			break;
		case MVS_METER_ATTR_KBPS:
			r = nl_attr_len(a) ? -EINVAL : 0;
			m->kbps = true;
			break;
		case MVS_METER_ATTR_STATS:
			r = get_exact(a, &m->stats, sizeof m->stats);
			break;
		case MVS_METER_ATTR_BAND:
			if (m->n_bands == MVS_METER_BANDS_MAX)
				return -EINVAL;
			r = parse_band(a, &m->bands[m->n_bands++]);
			break;
		default:
			r = -EINVAL;
		}
		if (r)
			return r;
	}
	return has_id && m->n_bands ? 0 : -EINVAL;
}

/* ---- flows ---- */

void
dpmsg_put_flow(struct nlbuf *b, const struct dpmsg_flow *f)
{
	size_t ofs = nl_nest_start(b, MVS_FLOW_ATTR_FLOW);

	if (f->present & DPMSG_F_UFID)
		nl_put(b, MVS_FLOW_ATTR_UFID, &f->ufid, sizeof f->ufid);
	if (f->present & DPMSG_F_KEY)
		nl_put(b, MVS_FLOW_ATTR_KEY, &f->key, sizeof f->key);
	if (f->present & DPMSG_F_MASK)
		nl_put(b, MVS_FLOW_ATTR_MASK, &f->mask, sizeof f->mask);
	if (f->present & DPMSG_F_ACTIONS) {
		size_t a = nl_nest_start(b, MVS_FLOW_ATTR_ACTIONS);

		nl_put_raw(b, f->actions, f->actions_len);
		nl_nest_end(b, a);
	}
	if (f->present & DPMSG_F_STATS)
		nl_put(b, MVS_FLOW_ATTR_STATS, &f->stats, sizeof f->stats);
	if (f->present & DPMSG_F_FLAGS)
		nl_put_u32(b, MVS_FLOW_ATTR_FLAGS, f->flags);
	nl_nest_end(b, ofs);
}

int
dpmsg_parse_flow(const struct nlattr *nest, struct dpmsg_flow *f)
{
	const struct nlattr *a;
	size_t left;
	int r = 0;

	memset(f, 0, sizeof *f);
	if (nl_attr_type(nest) != MVS_FLOW_ATTR_FLOW)
		return -EINVAL;
	NL_ATTR_FOR_EACH(a, left, nl_attr_data(nest), nl_attr_len(nest))
	{
		switch (nl_attr_type(a)) {
		case MVS_FLOW_ATTR_UFID:
			r = get_exact(a, &f->ufid, sizeof f->ufid);
			f->present |= DPMSG_F_UFID;
			break;
		case MVS_FLOW_ATTR_KEY:
			r = get_exact(a, &f->key, sizeof f->key);
			f->present |= DPMSG_F_KEY;
			break;
		case MVS_FLOW_ATTR_MASK:
			r = get_exact(a, &f->mask, sizeof f->mask);
			f->present |= DPMSG_F_MASK;
			break;
		case MVS_FLOW_ATTR_ACTIONS:
			f->actions = nl_attr_data(a);
			f->actions_len = nl_attr_len(a);
			r = odp_actions_check(f->actions, f->actions_len);
			f->present |= DPMSG_F_ACTIONS;
			break;
		case MVS_FLOW_ATTR_STATS:
			r = get_exact(a, &f->stats, sizeof f->stats);
			f->present |= DPMSG_F_STATS;
			break;
		case MVS_FLOW_ATTR_FLAGS:
			r = get_exact(a, &f->flags, 4);
			f->present |= DPMSG_F_FLAGS;
			break;
		default:
			break;
		}
		if (r)
			return -EINVAL;
	}
	return left || !(f->present & DPMSG_F_UFID) ? -EINVAL : 0;
}

/* ---- packets ---- */

void
dpmsg_put_packet(struct nlbuf *b, const struct dpmsg_packet *p)
{
	if (p->type)
		nl_put_u32(b, MVS_PACKET_ATTR_TYPE, p->type);
	nl_put(b, MVS_PACKET_ATTR_KEY, &p->key, sizeof p->key);
	if (p->len > DPMSG_PACKET_MAX) {
		nl_put(b, MVS_PACKET_ATTR_PACKET, p->data, DPMSG_PACKET_MAX);
		nl_put_u32(b, MVS_PACKET_ATTR_LEN, (uint32_t)p->len);
	} else {
		nl_put(b, MVS_PACKET_ATTR_PACKET, p->data, p->len);
		if (p->orig_len)
			nl_put_u32(b, MVS_PACKET_ATTR_LEN, p->orig_len);
	}
	if (p->userdata)
		nl_put(b, MVS_PACKET_ATTR_USERDATA, p->userdata,
		       p->userdata_len);
	if (p->actions) {
		size_t a = nl_nest_start(b, MVS_PACKET_ATTR_ACTIONS);

		nl_put_raw(b, p->actions, p->actions_len);
		nl_nest_end(b, a);
	}
	if (p->has_offload)
		nl_put(b, MVS_PACKET_ATTR_OFFLOAD, &p->offload,
		       sizeof p->offload);
}

void
dpmsg_put_upcall(struct nlbuf *b, const struct dpmsg_packet *p)
{
	size_t ofs = nl_nest_start(b, MVS_PACKET_ATTR_UPCALL);

	dpmsg_put_packet(b, p);
	nl_nest_end(b, ofs);
}

int
dpmsg_parse_packet(const void *attrs, size_t len, struct dpmsg_packet *p)
{
	const struct nlattr *a;
	bool key = false, packet = false;
	size_t left;
	int r = 0;

	memset(p, 0, sizeof *p);
	NL_ATTR_FOR_EACH(a, left, attrs, len)
	{
		switch (nl_attr_type(a)) {
		case MVS_PACKET_ATTR_TYPE:
			r = get_exact(a, &p->type, 4);
			break;
		case MVS_PACKET_ATTR_KEY:
			r = get_exact(a, &p->key, sizeof p->key);
			key = true;
			break;
		case MVS_PACKET_ATTR_PACKET:
			p->data = nl_attr_data(a);
			p->len = nl_attr_len(a);
			packet = true;
			break;
		case MVS_PACKET_ATTR_LEN:
			r = get_exact(a, &p->orig_len, 4);
			break;
		case MVS_PACKET_ATTR_USERDATA:
			p->userdata = nl_attr_data(a);
			p->userdata_len = nl_attr_len(a);
			break;
		case MVS_PACKET_ATTR_ACTIONS:
			p->actions = nl_attr_data(a);
			p->actions_len = nl_attr_len(a);
			r = odp_actions_check(p->actions, p->actions_len);
			break;
		case MVS_PACKET_ATTR_OFFLOAD:
			r = get_exact(a, &p->offload, sizeof p->offload);
			p->has_offload = true;
			break;
		default:
			break;
		}
		if (r)
			return -EINVAL;
	}
	return left || !key || !packet ? -EINVAL : 0;
}

void
dpmsg_ufid(const struct mvs_key *key, const struct mvs_key *mask,
	   struct mvs_ufid *ufid)
{
	const uint64_t *k = flow_key_u64(key), *m = flow_key_u64(mask);
	uint64_t h[2] = { 0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full };

	for (size_t i = 0; i < MVS_KEY_WORDS; i++) {
		h[0] = flow_hash_add64(h[0], k[i] & m[i]);
		h[1] = flow_hash_add64(h[1], m[i]);
		h[1] = flow_hash_add64(h[1], (k[i] & m[i]) ^ h[0]);
	}
	ufid->w[0] = flow_hash_finish(h[0]);
	ufid->w[1] = flow_hash_finish(h[0] >> 32 ^ h[1]);
	ufid->w[2] = flow_hash_finish(h[1]);
	ufid->w[3] = flow_hash_finish(h[1] * 0x2545f4914f6cdd1dull ^ h[0]);
}
