/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofctl_names: what ovs-ofctl learns from the switch before parsing a
 * command: its ports (features reply before 1.3, port descriptions from
 * 1.3) and its table names (table statistics before 1.3, table features
 * from 1.3), each fetched over a connection of its own, once per target.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ofctl.h"
#include "ofp_port.h"
#include "ofp_print.h"
#include "ofp_table.h"

static void fetch_tables(const char *target);

/* Iterates over the ports of a switch as ovs-ofctl's port_iterator. */
struct port_iter {
	struct vconn *vconn;
	bool features; /* from a features reply (else port-desc replies) */
	struct ofpbuf reply;
	struct ofp_msg m;
	struct ofp_reader r;
	uint32_t xid;
	bool more;
};

static void
port_iter_fetch_desc(struct port_iter *pi)
{
	struct ofpbuf req;

	pi->features = false;
	pi->more = true;
	pi->r = ofp_reader_init(NULL, 0);
	ofpbuf_init(&req);
	pi->xid = ofctl_alloc_xid();
	ofp_encode_port_desc_request(&req, pi->vconn->version, OFPP_NONE,
				     pi->xid);
	ofctl_send(pi->vconn, &req);
	ofpbuf_uninit(&req);
}

static void
port_iter_init(struct port_iter *pi, struct vconn *vconn)
{
	memset(pi, 0, sizeof *pi);
	pi->vconn = vconn;
	ofpbuf_init(&pi->reply);
	if (vconn->version >= OFP13_VERSION) {
		port_iter_fetch_desc(pi);
		return;
	}

	struct ofpbuf req;
	struct ofp_switch_features sf;

	pi->features = true;
	ofpbuf_init(&req);
	ofp_msg_finish(&req, ofp_msg_start(&req, OFPRAW_FEATURES_REQUEST,
					   vconn->version, ofctl_alloc_xid()));
	ofctl_transact(vconn, &req, &pi->reply);
	ofpbuf_uninit(&req);
	if (ofp_msg_decode(pi->reply.data, pi->reply.size, &pi->m) ||
	    pi->m.type != OFPTYPE_FEATURES_REPLY)
		ofctl_fatal(0, "%s: received bad features reply", vconn->name);
	if (!ofp_switch_features_has_ports(vconn->version, pi->reply.size)) {
		port_iter_fetch_desc(pi);
		return;
	}
	ofp_decode_switch_features(&pi->m, &sf, &pi->r);
}

static bool
port_iter_next(struct port_iter *pi, struct ofp_phy_port *pp)
{
	for (;;) {
		if (pi->r.left || (pi->features && pi->r.p)) {
			int retval = ofp_pull_phy_port(pi->vconn->version,
						       &pi->r, pp);
			if (!retval)
				return true;
			if (retval != OFP_EOF) {
				char *s = ofp_to_string(pi->reply.data,
							pi->reply.size, NULL,
							ofctl.verbosity + 1);
				ofctl_fatal(0, "received bad reply: %s", s);
			}
			pi->r = ofp_reader_init(NULL, 0);
		}
		if (pi->features || !pi->more)
			return false;
		do {
			ofctl_recv_block(pi->vconn, &pi->reply);
		} while (get_be32(pi->reply.data + 4) != pi->xid);
		if (ofp_msg_decode(pi->reply.data, pi->reply.size, &pi->m) ||
		    pi->m.type != OFPTYPE_PORT_DESC_STATS_REPLY) {
			char *s = ofp_to_string(pi->reply.data, pi->reply.size,
						NULL, ofctl.verbosity + 1);
			ofctl_fatal(0, "received bad reply: %s", s);
		}
		pi->more = (pi->m.mp_flags & OFPSF_REPLY_MORE) != 0;
		pi->r = ofp_reader_init(pi->m.body, pi->m.body_len);
	}
}

static void
port_iter_destroy(struct port_iter *pi)
{
	struct ofp_phy_port pp;

	while (!pi->features && pi->more)
		port_iter_next(pi, &pp);
	ofpbuf_uninit(&pi->reply);
}

void
ofctl_fetch_port(const char *target, const char *name, struct ofp_phy_port *pp)
{
	struct vconn *vconn;
	struct port_iter pi;
	uint32_t port_no = OFPP_NONE;
	bool found = false;
	char *end;
	unsigned long x;

	x = strtoul(name, &end, 10);
	if (*name && !*end && x <= UINT32_MAX)
		port_no = (uint16_t)x;
	ofctl_open(target, &vconn, false);
	port_iter_init(&pi, vconn);
	while (port_iter_next(&pi, pp))
		if (port_no != OFPP_NONE ? port_no == pp->port_no
					 : !strcmp(pp->name, name)) {
			found = true;
			break;
		}
	port_iter_destroy(&pi);
	ofctl_close(vconn);
	if (!found)
		ofctl_fatal(0, "%s: couldn't find port `%s'", target, name);
}

/* ---- name maps ---- */

struct name_cache {
	char *target;
	struct ofp_port_map ports;
	bool tables_done;
	struct name_cache *next;
};
static struct name_cache *caches;

static struct name_cache *
cache_for(const char *target)
{
	struct name_cache *c;

	for (c = caches; c; c = c->next)
		if (!strcmp(c->target, target))
			return c;
	c = xzalloc(sizeof *c);
	c->target = xstrdup(target);
	c->next = caches;
	caches = c;
	return c;
}

static const struct ofp_port_map *
get_port_map(const char *target)
{
	struct name_cache *c;
	bool fresh;

	for (c = caches; c; c = c->next)
		if (!strcmp(c->target, target) && c->ports.ports)
			return &c->ports;
	c = cache_for(target);
	fresh = !c->ports.ports;
	if (fresh) {
		struct vconn *vconn;
		struct port_iter pi;
		struct ofp_phy_port pp;

		c->ports.ports = xmalloc(sizeof *c->ports.ports);
		if (strncmp(target, "ptcp:", 5) &&
		    strncmp(target, "punix:", 6)) {
			ofctl_open(target, &vconn, false);
			port_iter_init(&pi, vconn);
			while (port_iter_next(&pi, &pp)) {
				/* Reserved ports (LOCAL) keep their
				 * names. */
				if (pp.port_no >= OFPP_MAX)
					continue;
				c->ports.ports =
					xrealloc(c->ports.ports,
						 (c->ports.n +
						  1) * sizeof *c->ports.ports);
				c->ports.ports[c->ports.n].name =
					xstrdup(pp.name);
				c->ports.ports[c->ports.n].port = pp.port_no;
				c->ports.n++;
			}
			port_iter_destroy(&pi);
			ofctl_close(vconn);
		}
	}
	return &c->ports;
}

bool
ofctl_should_accept_names(void)
{
	return ofctl.use_names != 0;
}

bool
ofctl_should_show_names(void)
{
	static int interactive = -1;

	if (interactive < 0)
		interactive = isatty(STDOUT_FILENO);
	return ofctl.use_names > 0 || (ofctl.use_names < 0 && interactive);
}

void
ofctl_tables_to_accept(const char *target)
{
	if (ofctl_should_accept_names())
		fetch_tables(target);
}

void
ofctl_tables_to_show(const char *target)
{
	if (ofctl_should_show_names())
		fetch_tables(target);
}

const struct ofp_port_map *
ofctl_ports_to_accept(const char *target)
{
	return ofctl_should_accept_names() ? get_port_map(target) : NULL;
}

const struct ofp_port_map *
ofctl_ports_to_show(const char *target)
{
	if (!ofctl_should_show_names())
		return NULL;
	/* Open vSwitch prints with ofp_print(..., ports_to_show(),
	 * tables_to_show(), ...): the tables are fetched first. */
	ofctl_tables_to_show(target);
	return get_port_map(target);
}

static void
fetch_tables(const char *target)
{
	struct name_cache *c;
	struct vconn *vconn;
	struct ofpbuf req;
	struct ofctl_replies replies;

	c = cache_for(target);
	if (c->tables_done)
		return;
	c->tables_done = true;
	if (!strncmp(target, "ptcp:", 5) || !strncmp(target, "punix:", 6))
		return;
	ofctl_open(target, &vconn, false);
	ofpbuf_init(&req);
	ofp_msg_finish(
		&req,
		ofp_msg_start(&req,
			      vconn->version >= OFP13_VERSION
				      ? OFPRAW_OFPST13_TABLE_FEATURES_REQUEST
				      : OFPRAW_TABLE_REQUEST,
			      vconn->version, ofctl_alloc_xid()));
	ofctl_dump_multipart(vconn, &req, &replies);
	ofpbuf_uninit(&req);
	ofctl_replies_free(&replies);
	ofctl_close(vconn);
}

uint32_t
ofctl_str_to_port(const char *target, const char *name)
{
	uint32_t port;

	if (ofp_port_parse(name, NULL, &port) ||
	    ofp_port_parse(name, ofctl_ports_to_accept(target), &port))
		return port;
	ofctl_fatal(0, "%s: unknown port `%s'", target, name);
}
