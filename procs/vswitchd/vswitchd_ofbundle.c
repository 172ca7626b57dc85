/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_ofbundle: OpenFlow bundles (OpenFlow 1.4's and 1.5's, and
 * ONF's extension for 1.3), per connection, as Open vSwitch 3.1 keeps
 * them: bundle control (open, close, commit, discard) and bundle-add.
 * A bundle-add is decoded when it comes (flow-mods, group-mods,
 * port-mods and packet-outs may go in; anything else is OFPBFC_MSG_UNSUP)
 * and applied at the commit, all or nothing: the tables keep a journal
 * (tables_undo_begin) and the group table a snapshot while the messages
 * apply; the first failure sends that message's error and
 * OFPBFC_MSG_FAILED, and every change is undone.  A commit publishes the
 * tables once (the connection's batch), never a half-applied bundle:
 * everything runs on the loop thread, so no translation sees one.
 * Bundles idle for 10 s are dropped with OFPBFC_TIMEOUT; a bundle dies
 * with its connection.
 */
#include "ofconn.h"

#include <stdlib.h>
#include <string.h>

#include "ev.h"
#include "ofp_flowmod.h"
#include "ofp_group.h"
#include "ofp_misc.h"
#include "ofp_packet.h"
#include "ofp_port.h"

/* Open vSwitch's bundle-idle-timeout default and expiry interval. */
#define BUNDLE_IDLE_MS 10000
#define BUNDLE_EXPIRY_MS 1000

/* One message of a bundle, decoded. */
struct ofbundle_entry {
	struct list_node node; /* in ofbundle.entries */
	enum ofptype type;
	uint8_t *msg; /* the inner message (its error's data) */
	size_t len;
	union {
		struct ofp_flow_mod fm;
		struct ofp_group_mod gm;
		struct ofp_port_mod pm;
	} u;
	struct port *port; /* port-mod: its port, found at the commit */
};

struct ofbundle {
	struct list_node node; /* in ofconn.bundles */
	uint32_t id;
	uint16_t flags; /* OFPBF_* */
	bool closed;
	uint64_t used_ms;
	uint8_t *msg; /* what opened it (the timeout's error data) */
	size_t len;
	struct list_node entries;
	size_t n_group_mods;
};

static void
entry_free(struct ofbundle_entry *be)
{
	if (be->type == OFPTYPE_FLOW_MOD)
		ofp_flow_mod_uninit(&be->u.fm);
	else if (be->type == OFPTYPE_GROUP_MOD)
		ofp_group_mod_uninit(&be->u.gm);
	free(be->msg);
	free(be);
}

static void
bundle_free(struct ofbundle *b)
{
	struct ofbundle_entry *be, *next;

	LIST_FOR_EACH_SAFE (be, next, node, &b->entries)
		entry_free(be);
	list_remove(&b->node);
	free(b->msg);
	free(b);
}

static struct ofbundle *
bundle_find(struct ofconn *c, uint32_t id)
{
	struct ofbundle *b;

	LIST_FOR_EACH (b, node, &c->bundles)
		if (b->id == id)
			return b;
	return NULL;
}

static struct ofbundle *
bundle_new(struct ofconn *c, uint32_t id, uint16_t flags,
	   const struct ofp_msg *m)
{
	struct ofbundle *b = xzalloc(sizeof *b);

	b->id = id;
	b->flags = flags;
	b->used_ms = time_mono_ms();
	b->msg = xmalloc(m->len);
	memcpy(b->msg, m->data, m->len);
	b->len = m->len;
	list_init(&b->entries);
	list_push_back(&c->bundles, &b->node);
	return b;
}

/* Sends error @e about the stored message @data (@len bytes), which
 * decoded when it came, so it decodes again. */
static void
send_error_about(struct ofconn *c, enum ofperr e, const uint8_t *data,
		 size_t len)
{
	struct ofp_msg m;

	if (!ofp_msg_decode(data, len, &m))
		ofconn_send_error(c, e, &m);
}

/* Decodes the inner message @im of a bundle-add into @be. */
static enum ofperr
entry_decode(struct ofconn *c, const struct ofp_msg *im,
	     struct ofbundle_entry *be)
{
	switch (im->type) {
	case OFPTYPE_FLOW_MOD:
		return ofconn_flow_mod_decode(c, im, &be->u.fm);
	case OFPTYPE_GROUP_MOD:
		return ofp_decode_group_mod(im, &be->u.gm);
	case OFPTYPE_PORT_MOD:
		return ofp_decode_port_mod(im, &be->u.pm, false);
	case OFPTYPE_PACKET_OUT: {
		/* Checked now, as Open vSwitch does; sent at the commit. */
		struct ofp_packet_out po;
		enum ofperr e = ofp_decode_packet_out(im, &po);

		if (!e)
			ofpacts_free(&po.acts);
		return e;
	}
	default:
		return OFPERR_OFPBFC_MSG_UNSUP;
	}
}

static enum ofperr
on_bundle_add(struct ofconn *c, const struct ofp_msg *m)
{
	struct ofbundle_entry *be;
	struct ofbundle *b;
	struct ofp_msg im;
	uint32_t id;
	uint16_t flags;
	enum ofperr e = ofp_decode_bundle_add(m, &id, &flags, &im);

	if (e)
		return e;
	be = xzalloc(sizeof *be);
	be->type = OFPTYPE_HELLO; /* nothing to release yet */
	e = entry_decode(c, &im, be);
	if (e) {
		entry_free(be);
		return e;
	}
	be->type = im.type;
	be->msg = xmalloc(im.len);
	memcpy(be->msg, im.data, im.len);
	be->len = im.len;

	b = bundle_find(c, id);
	if (!b) {
		b = bundle_new(c, id, flags, m);
	} else if (b->closed || b->flags != flags) {
		e = b->closed ? OFPERR_OFPBFC_BUNDLE_CLOSED
			      : OFPERR_OFPBFC_BAD_FLAGS;
		bundle_free(b);
		entry_free(be);
		return e;
	}
	b->used_ms = time_mono_ms();
	b->n_group_mods += be->type == OFPTYPE_GROUP_MOD;
	list_push_back(&b->entries, &be->node);
	return 0;
}

/* Applies (or for port-mods and packet-outs checks) @be on @br. */
static enum ofperr
entry_apply(struct ofconn *c, struct bridge *br, struct ofbundle_entry *be,
	    uint16_t flags)
{
	struct ofconn_removed aux = { c->d, br->id };
	enum ofperr e;

	switch (be->type) {
	case OFPTYPE_FLOW_MOD:
		return ofconn_flow_mod_apply(c->d, br, &be->u.fm);
	case OFPTYPE_GROUP_MOD:
		e = groups_mod(br, &be->u.gm, time_mono_ms(),
			       ofconn_rule_removed, &aux);
		if (!e)
			c->d->of->tables_dirty = true;
		return e;
	case OFPTYPE_PORT_MOD:
		/* Open vSwitch's port-mods cannot be undone. */
		if (flags & OFPBF_ATOMIC)
			return OFPERR_OFPBFC_MSG_FAILED;
		return ofconn_port_mod_check(c, &be->u.pm, &be->port);
	default:
		return 0;
	}
}

/* What a committed bundle still has to do: port-mods and packet-outs,
 * in order. */
static void
bundle_finish(struct ofconn *c, struct ofbundle *b)
{
	struct ofbundle_entry *be;

	LIST_FOR_EACH (be, node, &b->entries) {
		if (be->type == OFPTYPE_PORT_MOD) {
			ofconn_port_mod_apply(c, be->port, &be->u.pm);
		} else if (be->type == OFPTYPE_PACKET_OUT) {
			struct ofp_msg im;
			enum ofperr e = ofp_msg_decode(be->msg, be->len, &im);

			if (!e)
				e = ofconn_packet_out(c, &im);
			if (e)
				ofconn_send_error(c, e, &im);
		}
	}
}

static enum ofperr
bundle_commit(struct ofconn *c, struct ofbundle *b)
{
	struct bridge *br = ofconn_bridge(c);
	struct ofconn_removed aux = { c->d, br ? br->id : 0 };
	struct ofgroup **groups = NULL;
	struct ofbundle_entry *be;
	size_t n_groups = 0;
	enum ofperr e = 0;

	if (!br)
		return OFPERR_OFPBRC_EPERM;
	tables_undo_begin(&br->tables);
	if (b->n_group_mods)
		groups = groups_collect(br, OFPG_ALL, &n_groups);
	LIST_FOR_EACH (be, node, &b->entries) {
		e = entry_apply(c, br, be, b->flags);
		if (e)
			break;
	}
	if (e) {
		/* The failing message's error, then the commit's. */
		send_error_about(c, e, be->msg, be->len);
		if (groups)
			groups_restore(br, groups, n_groups);
		/* Last: it sets the version back, so nothing is published. */
		tables_undo_end(&br->tables, false, NULL, NULL);
		return OFPERR_OFPBFC_MSG_FAILED;
	}
	tables_undo_end(&br->tables, true, ofconn_rule_removed, &aux);
	for (size_t i = 0; i < n_groups; i++)
		ofgroup_unref(groups[i]);
	free(groups);
	bundle_finish(c, b);
	return 0;
}

static enum ofperr
on_bundle_ctrl(struct ofconn *c, const struct ofp_msg *m)
{
	uint32_t id;
	uint16_t type, flags;
	enum ofperr e = ofp_decode_bundle_ctrl(m, &id, &type, &flags);
	struct ofpbuf reply = OFPBUF_EMPTY;
	struct ofbundle *b;

	if (e)
		return e;
	b = bundle_find(c, id);
	switch (type) {
	case OFPBCT_OPEN_REQUEST:
		if (b) {
			/* Open vSwitch drops the one there too. */
			bundle_free(b);
			return OFPERR_OFPBFC_BAD_ID;
		}
		bundle_new(c, id, flags, m);
		break;
	case OFPBCT_CLOSE_REQUEST:
		if (!b)
			return OFPERR_OFPBFC_BAD_ID;
		if (b->closed || b->flags != flags) {
			e = b->closed ? OFPERR_OFPBFC_BUNDLE_CLOSED
				      : OFPERR_OFPBFC_BAD_FLAGS;
			bundle_free(b);
			return e;
		}
		b->closed = true;
		b->used_ms = time_mono_ms();
		break;
	case OFPBCT_COMMIT_REQUEST:
		if (!b)
			return OFPERR_OFPBFC_BAD_ID;
		/* The bundle goes, whatever the outcome. */
		e = b->flags != flags ? OFPERR_OFPBFC_BAD_FLAGS
				      : bundle_commit(c, b);
		bundle_free(b);
		if (e)
			return e;
		break;
	case OFPBCT_DISCARD_REQUEST:
		if (!b)
			return OFPERR_OFPBFC_BAD_ID;
		bundle_free(b);
		break;
	default:
		return OFPERR_OFPBFC_BAD_TYPE;
	}
	ofp_encode_bundle_ctrl(&reply, m->version, id, type + 1, 0, m->xid);
	ofconn_send(c, &reply);
	ofpbuf_uninit(&reply);
	return 0;
}

enum ofperr
ofconn_bundle_msg(struct ofconn *c, const struct ofp_msg *m)
{
	return m->type == OFPTYPE_BUNDLE_CONTROL ? on_bundle_ctrl(c, m)
						 : on_bundle_add(c, m);
}

void
ofconn_bundles_free(struct ofconn *c)
{
	struct ofbundle *b, *next;

	LIST_FOR_EACH_SAFE (b, next, node, &c->bundles)
		bundle_free(b);
}

static void
on_expire(struct ev_timer *t, void *arg)
{
	struct vswd *d = arg;
	uint64_t now = time_mono_ms();
	struct ofconn *c;

	(void)t;
	LIST_FOR_EACH (c, node, &d->of->conns) {
		struct ofbundle *b, *next;

		LIST_FOR_EACH_SAFE (b, next, node, &c->bundles) {
			if (now - b->used_ms < BUNDLE_IDLE_MS)
				continue;
			send_error_about(c, OFPERR_OFPBFC_TIMEOUT, b->msg,
					 b->len);
			bundle_free(b);
		}
	}
}

void
ofconn_bundle_init(struct vswd *d)
{
	ev_timer_add(d->loop, BUNDLE_EXPIRY_MS, true, on_expire, d);
}
