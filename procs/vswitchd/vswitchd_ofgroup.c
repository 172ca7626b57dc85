/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_ofgroup: the OpenFlow messages about groups: group-mod into
 * the bridge's group table (a change publishes a new tables version, as
 * a flow-mod does, so the megaflows are revalidated), and the group
 * description, statistics and features replies, with Open vSwitch 3.1's
 * values.  Groups are listed by id (Open vSwitch lists them in its hash
 * order).  While buckets watch ports, the ports' link state is read
 * every second, so fast failover follows a link within about one.
 */
#include "ofconn.h"

#include <stdlib.h>
#include <string.h>

#include "ev.h"
#include "ofp_group.h"

/* While some bucket watches a port, the ports' link state is read every
 * second (not every 5 s), so fast failover follows a link within one. */
#define GROUP_LIVENESS_MS 1000

static bool
watches_ports(const struct vswd *d)
{
	struct hnode *n, *gn;

	HMAP_FOR_EACH (n, &d->vsw.bridges) {
		const struct bridge *br =
			HMAP_CONTAINER(n, struct bridge, node);

		HMAP_FOR_EACH (gn, &br->groups) {
			const struct ofgroup *g =
				HMAP_CONTAINER(gn, struct ofgroup, node);

			for (size_t i = 0; i < g->n_buckets; i++)
				if (g->buckets[i].watch_port != OFPP_NONE)
					return true;
		}
	}
	return false;
}

static void
on_liveness_timer(struct ev_timer *t, void *arg)
{
	struct vswd *d = arg;

	(void)t;
	if (watches_ports(d))
		vswd_dp_refresh(d);
}

void
ofconn_group_init(struct vswd *d)
{
	ev_timer_add(d->loop, GROUP_LIVENESS_MS, true, on_liveness_timer, d);
}

enum ofperr
ofconn_group_mod(struct ofconn *c, const struct ofp_msg *m)
{
	struct bridge *br = ofconn_bridge(c);
	struct ofp_group_mod gm;
	enum ofperr e = ofp_decode_group_mod(m, &gm);
	struct ofconn_removed aux = { c->d, br ? br->id : 0 };

	if (e)
		return e;
	if (!br) {
		ofp_group_mod_uninit(&gm);
		return OFPERR_OFPBRC_EPERM;
	}
	e = groups_mod(br, &gm, time_mono_ms(), ofconn_rule_removed, &aux);
	ofp_group_mod_uninit(&gm);
	if (!e)
		c->d->of->tables_dirty = true;
	return e;
}

/* One entry of the description reply: the group's buckets lent to an
 * ofp_group_desc (nothing copied). */
static void
put_desc(struct ofconn_mp *mp, const struct ofgroup *g)
{
	struct ofp_bucket *bk = xcalloc(g->n_buckets + 1, sizeof *bk);
	struct ofp_group_desc gd = {
		.type = g->type,
		.group_id = g->id,
		.n_buckets = g->n_buckets,
		.buckets = bk,
		.selection_method_param = g->selection_method_param,
		.fields = g->fields,
	};

	memcpy(gd.selection_method, g->selection_method,
	       sizeof gd.selection_method);
	for (size_t i = 0; i < g->n_buckets; i++) {
		bk[i].weight = g->buckets[i].weight;
		bk[i].watch_port = g->buckets[i].watch_port;
		bk[i].watch_group = g->buckets[i].watch_group;
		bk[i].bucket_id = g->buckets[i].bucket_id;
		bk[i].acts = g->buckets[i].acts;
	}
	ofp_append_group_desc(&mp->b, &gd, mp->version);
	free(bk);
}

static void
put_stats(struct ofconn_mp *mp, const struct bridge *br,
	  const struct ofgroup *g, uint64_t now)
{
	struct ofp_bucket_counter *bc = xcalloc(g->n_buckets + 1, sizeof *bc);
	uint64_t age = now - g->created_ms;
	struct ofp_group_stats gs = {
		.group_id = g->id,
		.ref_count = groups_ref_count(br, g->id),
		.packet_count = g->n_packets,
		.byte_count = g->n_bytes,
		.duration_sec = (uint32_t)(age / 1000),
		.duration_nsec = (uint32_t)(age % 1000 * 1000000),
		.n_buckets = g->n_buckets,
		.buckets = bc,
	};

	for (size_t i = 0; i < g->n_buckets; i++) {
		bc[i].packet_count = g->buckets[i].n_packets;
		bc[i].byte_count = g->buckets[i].n_bytes;
	}
	ofp_append_group_stats(&mp->b, &gs, mp->raw);
	free(bc);
}

/* Group statistics and descriptions (of one group, or all), and the
 * group features. */
enum ofperr
ofconn_group_stats(struct ofconn *c, const struct ofp_msg *m)
{
	const struct bridge *br = ofconn_bridge(c);
	uint64_t now = time_mono_ms();
	struct ofconn_mp mp;
	struct ofgroup **groups;
	uint32_t id = OFPG_ALL;
	enum ofperr e;
	size_t n;

	if (!br)
		return OFPERR_OFPBRC_EPERM;
	if (m->type == OFPTYPE_GROUP_FEATURES_STATS_REQUEST) {
		ofconn_mp_start(&mp, m);
		ofp_put_group_features(&mp.b, m->version);
		ofconn_mp_finish(c, &mp);
		return 0;
	}
	e = ofp_decode_group_request(m, &id);
	if (e)
		return e;
	groups = groups_collect(br, id, &n);
	ofconn_mp_start(&mp, m);
	for (size_t i = 0; i < n; i++) {
		if (m->type == OFPTYPE_GROUP_STATS_REQUEST)
			put_stats(&mp, br, groups[i], now);
		else
			put_desc(&mp, groups[i]);
		ofconn_mp_room(&mp);
		ofgroup_unref(groups[i]);
	}
	ofconn_mp_finish(c, &mp);
	free(groups);
	return 0;
}
