/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_offlow: the OpenFlow messages about flows: flow-mod into the
 * bridge's tables (a change publishes a new tables version, so the
 * datapath's megaflows are revalidated against it), flow and aggregate
 * statistics out of them, and the expiry of flows with idle or hard
 * timeouts (once a second; idle time comes from the datapath statistics
 * revalidation credits to the rules), with a flow-removed message for
 * the rules that asked (send_flow_rem), also when a flow-mod deletes
 * them.
 */
#include "ofconn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ev.h"
#include "ofp_flow_wire.h"
#include "ofp_protocol.h"

#define OFFLOW_EXPIRE_MS 1000

/* OpenFlow's OFPRR_* for a rule_removed_reason. */
static uint8_t
removed_reason(enum rule_removed_reason why)
{
	switch (why) {
	case RULE_REMOVED_IDLE_TIMEOUT:
		return 0;
	case RULE_REMOVED_HARD_TIMEOUT:
		return 1;
	case RULE_REMOVED_GROUP_DELETE:
		return 3;
	case RULE_REMOVED_METER_DELETE:
		return 4;
	case RULE_REMOVED_DELETE:
	default:
		return 2;
	}
}

void
ofconn_rule_removed(struct rule *r, enum rule_removed_reason why, void *aux_)
{
	const struct ofconn_removed *aux = aux_;
	uint64_t age = time_mono_ms() - r->created_ms;
	struct ofp_flow_removed fr;
	struct ofconn *c;

	if (!(r->flags & OFPFF_SEND_FLOW_REM) || !aux->d->of)
		return;
	memset(&fr, 0, sizeof fr);
	cls_rule_match(&r->cr, &fr.match);
	fr.cookie = r->cookie;
	fr.priority = (uint16_t)r->cr.priority;
	fr.reason = removed_reason(why);
	fr.table_id = r->table_id;
	fr.duration_sec = (uint32_t)(age / 1000);
	fr.duration_nsec = (uint32_t)(age % 1000 * 1000000);
	fr.idle_timeout = r->idle_timeout;
	fr.hard_timeout = r->hard_timeout;
	fr.packet_count = r->n_packets;
	fr.byte_count = r->n_bytes;
	LIST_FOR_EACH (c, node, &aux->d->of->conns) {
		struct ofpbuf b = OFPBUF_EMPTY;

		if (c->bridge_id != aux->bridge_id ||
		    !ofconn_wants_async(c, OFP_ASYNC_FLOW_REMOVED, fr.reason))
			continue;
		ofp_encode_flow_removed(&b, &fr, c->protocol, 0);
		ofconn_send(c, &b);
		ofpbuf_uninit(&b);
	}
}

static void
on_expire(struct ev_timer *t, void *arg)
{
	struct vswd *d = arg;
	uint64_t now = time_mono_ms();
	size_t n = 0;
	struct hnode *node;

	(void)t;
	HMAP_FOR_EACH (node, &d->vsw.bridges) {
		struct bridge *br = HMAP_CONTAINER(node, struct bridge, node);
		struct ofconn_removed aux = { d, br->id };

		n += tables_expire(&br->tables, now, ofconn_rule_removed, &aux);
	}
	if (n)
		vswd_tables_check(d);
}

void
ofconn_flow_init(struct vswd *d)
{
	ev_timer_add(d->loop, OFFLOW_EXPIRE_MS, true, on_expire, d);
}

enum ofperr
ofconn_flow_mod_decode(struct ofconn *c, const struct ofp_msg *m,
		       struct ofp_flow_mod *fm)
{
	enum ofperr e = ofp_decode_flow_mod(fm, m, c->protocol, OFPP_MAX);
	struct bridge *br = ofconn_bridge(c);

	if (e)
		return e;
	if (br && (e = tun_md_check_flow_mod(&br->tlv, fm)))
		;
	else if (fm->flags & OFPFF_EMERG)
		e = OFPERR_OFPFMFC_BAD_EMERG_TIMEOUT;
	/* Nor flows in its hidden table 254. */
	else if ((fm->command == OFPFC_ADD || fm->command == OFPFC_MODIFY ||
		  fm->command == OFPFC_MODIFY_STRICT) &&
		 fm->table_id == OFTABLE_N - 1)
		e = OFPERR_OFPBRC_EPERM;
	if (e)
		ofp_flow_mod_uninit(fm);
	return e;
}

enum ofperr
ofconn_flow_mod_apply(struct vswd *d, struct bridge *br,
		      const struct ofp_flow_mod *fm)
{
	struct ofconn_removed aux = { d, br->id };
	enum ofperr e;
	int rc;

	/* Open vSwitch refuses actions that use a meter or a group it
	 * lacks. */
	if (fm->command == OFPFC_ADD || fm->command == OFPFC_MODIFY ||
	    fm->command == OFPFC_MODIFY_STRICT) {
		e = meters_check_actions(br, &fm->ofpacts);
		if (!e)
			e = groups_check_actions(br, &fm->ofpacts);
		if (e)
			return e;
	}
	/* Open vSwitch adds the flow a modify without a cookie mask finds
	 * nothing to change for, in every version. */
	rc = tables_flow_mod(&br->tables, fm, !fm->cookie_mask, time_mono_ms(),
			     ofconn_rule_removed, &aux);
	if (rc == -EEXIST)
		return OFPERR_OFPFMFC_OVERLAP;
	if (rc == -EINVAL)
		return OFPERR_OFPBRC_BAD_TABLE_ID;
	if (rc)
		return OFPERR_OFPFMFC_UNKNOWN;
	/* Published once the messages read together are handled. */
	d->of->tables_dirty = true;
	return 0;
}

enum ofperr
ofconn_flow_mod(struct ofconn *c, const struct ofp_msg *m)
{
	struct bridge *br = ofconn_bridge(c);
	struct ofp_flow_mod fm;
	enum ofperr e = ofconn_flow_mod_decode(c, m, &fm);

	if (e)
		return e;
	e = br ? ofconn_flow_mod_apply(c->d, br, &fm) : OFPERR_OFPBRC_EPERM;
	ofp_flow_mod_uninit(&fm);
	return e;
}

/* @r's statistics in *@fs, its match in *@match (which @fs points to). */
static void
rule_stats(const struct rule *r, uint64_t now, struct ofp_flow_stats *fs,
	   struct match *match)
{
	uint64_t age = now - r->created_ms;

	cls_rule_match(&r->cr, match);
	fs->match = match;
	fs->priority = r->cr.priority;
	fs->table_id = r->table_id;
	fs->cookie = r->cookie;
	fs->duration_sec = (uint32_t)(age / 1000);
	fs->duration_nsec = (uint32_t)(age % 1000 * 1000000);
	fs->n_packets = r->n_packets;
	fs->n_bytes = r->n_bytes;
	fs->idle_timeout = r->idle_timeout;
	fs->hard_timeout = r->hard_timeout;
	fs->importance = r->importance;
	fs->flags = r->flags;
	fs->idle_age = (int)((now - r->used_ms) / 1000);
	/* Since the last modify, as Open vSwitch's (dump-flows shows it
	 * when it differs from the duration). */
	fs->hard_age = (int)((now - r->modified_ms) / 1000);
	fs->ofpacts = r->actions.data;
	fs->ofpacts_len = r->actions.size;
}

/* Flow statistics (one entry per rule, in as many replies as needed)
 * and aggregate statistics (the sums). */
enum ofperr
ofconn_flow_stats(struct ofconn *c, const struct ofp_msg *m)
{
	struct bridge *br = ofconn_bridge(c);
	struct ofp_flow_stats_request fsr;
	enum ofperr e = ofp_decode_flow_stats_request(&fsr, m);
	uint64_t now = time_mono_ms();
	struct rule **rules;
	size_t n;

	if (e)
		return e;
	if (!br)
		return OFPERR_OFPBRC_EPERM;
	if (fsr.table_id != OFP_TABLE_ANY && fsr.table_id >= OFTABLE_N)
		return OFPERR_OFPBRC_BAD_TABLE_ID;
	match_canonicalize(&fsr.match);
	rules = tables_collect(&br->tables, fsr.table_id, &fsr.match,
			       fsr.out_port, fsr.out_group, fsr.cookie,
			       fsr.cookie_mask, &n);
	if (fsr.aggregate) {
		struct ofp_aggregate_stats as = { 0, 0, 0 };
		struct ofpbuf b = OFPBUF_EMPTY;

		for (size_t i = 0; i < n; i++) {
			as.packet_count += rules[i]->n_packets;
			as.byte_count += rules[i]->n_bytes;
			as.flow_count++;
		}
		ofp_encode_aggregate_reply(&b, &as, m);
		ofconn_send(c, &b);
		ofpbuf_uninit(&b);
	} else {
		struct ofconn_mp mp;

		ofconn_mp_start(&mp, m);
		for (size_t i = 0; i < n; i++) {
			struct ofp_flow_stats fs;
			struct match match;

			rule_stats(rules[i], now, &fs, &match);
			ofp_append_flow_stats(&mp.b, &fs, mp.raw, mp.version);
			ofconn_mp_room_send(c, &mp);
		}
		ofconn_mp_finish(c, &mp);
	}
	for (size_t i = 0; i < n; i++)
		rule_unref(rules[i]);
	free(rules);
	return 0;
}
