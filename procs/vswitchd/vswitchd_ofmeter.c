/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_ofmeter: the OpenFlow messages about meters: meter-mod into
 * the bridge's meters (passed on to the datapath's meters through
 * upcalld, and published as a tables change so the megaflows are
 * revalidated), and the meter config, statistics and features replies
 * with Open vSwitch 3.1's netdev values.  Statistics are the datapath's
 * as last dumped (every second while there are meters).
 */
#include "ofconn.h"

#include <stdlib.h>
#include <string.h>

#include "ev.h"
#include "ofp_meter.h"

/* What Open vSwitch's netdev datapath offers. */
#define METER_MAX 262144
#define METER_CAPABILITIES \
	(OFPMF13_KBPS | OFPMF13_PKTPS | OFPMF13_BURST | OFPMF13_STATS)

#define METER_STATS_MS 1000

static void
on_stats_timer(struct ev_timer *t, void *arg)
{
	(void)t;
	vswd_dp_meters_refresh(arg);
}

void
ofconn_meter_init(struct vswd *d)
{
	ev_timer_add(d->loop, METER_STATS_MS, true, on_stats_timer, d);
}

enum ofperr
ofconn_meter_mod(struct ofconn *c, const struct ofp_msg *m)
{
	struct bridge *br = ofconn_bridge(c);
	struct ofp_meter_mod mm;
	enum ofperr e = ofp_decode_meter_mod(m, &mm);
	struct ofconn_removed aux = { c->d, br ? br->id : 0 };

	if (e)
		return e;
	if (!br) {
		ofp_meter_mod_uninit(&mm);
		return OFPERR_OFPBRC_EPERM;
	}
	e = meters_mod(br, &mm, time_mono_ms(), ofconn_rule_removed, &aux);
	ofp_meter_mod_uninit(&mm);
	if (!e) {
		c->d->of->tables_dirty = true;
		vswd_dp_meters_sync(c->d);
	}
	return e;
}

static void
put_config(struct ofconn_mp *mp, const struct ofmeter *m)
{
	ofp_append_meter_config(&mp->b, m->id, m->flags, m->bands, m->n_bands);
}

static void
put_stats(struct ofconn_mp *mp, const struct bridge *br,
	  const struct ofmeter *m, uint64_t now)
{
	uint64_t age = now - m->created_ms;
	struct ofp_meter_stats ms = {
		.meter_id = m->id,
		.flow_count = meters_ref_count(br, m->id),
		.packet_in_count = m->in_packets,
		.byte_in_count = m->in_bytes,
		.duration_sec = (uint32_t)(age / 1000),
		.duration_nsec = (uint32_t)(age % 1000 * 1000000),
		.n_bands = m->n_bands,
		.bands = m->band_stats,
	};

	ofp_append_meter_stats(&mp->b, &ms);
}

/* Meter statistics and configurations (of one meter, or all), and the
 * meter features. */
enum ofperr
ofconn_meter_stats(struct ofconn *c, const struct ofp_msg *m)
{
	const struct bridge *br = ofconn_bridge(c);
	uint64_t now = time_mono_ms();
	struct ofmeter **meters;
	struct ofconn_mp mp;
	uint32_t id;
	enum ofperr e;
	size_t n;

	if (!br)
		return OFPERR_OFPBRC_EPERM;
	if (m->type == OFPTYPE_METER_FEATURES_STATS_REQUEST) {
		struct ofp_meter_features mf = {
			.max_meter = METER_MAX,
			.band_types = 1u << OFPMBT13_DROP,
			.capabilities = METER_CAPABILITIES,
			.max_bands = MVS_METER_BANDS_MAX,
		};

		ofconn_mp_start(&mp, m);
		ofp_put_meter_features(&mp.b, &mf);
		ofconn_mp_finish(c, &mp);
		return 0;
	}
	e = ofp_decode_meter_request(m, &id);
	if (e)
		return e;
	meters = meters_collect(br, id, &n);
	if (!n && id != OFPM13_ALL) {
		free(meters);
		return OFPERR_OFPMMFC_UNKNOWN_METER;
	}
	ofconn_mp_start(&mp, m);
	for (size_t i = 0; i < n; i++) {
		if (m->type == OFPTYPE_METER_STATS_REQUEST)
			put_stats(&mp, br, meters[i], now);
		else
			put_config(&mp, meters[i]);
		ofconn_mp_room(&mp);
	}
	ofconn_mp_finish(c, &mp);
	free(meters);
	return 0;
}
