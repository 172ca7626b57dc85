/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofctl_bundle: ovs-ofctl's --bundle transaction, as Open vSwitch 3.1's
 * vconn_bundle_transact() makes it and ovs-ofctl prints its errors, and
 * the bundle command (a file of flow-mods, group-mods and packet-outs in
 * one bundle).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofctl.h"
#include "ofp_flow_wire.h"
#include "ofp_flowmod.h"
#include "ofp_group.h"
#include "ofp_misc.h"
#include "ofp_packet.h"
#include "ofp_print.h"
#include "ofp_protocol.h"

/* The errors a bundle transaction collects (whole messages). */
struct bundle_errors {
	struct ofpbuf *v;
	size_t n;
};

/* Keeps @reply (moved out, @reply left empty) if it is an error and
 * returns its xid; else leaves it and returns -1. */
static int64_t
bundle_keep_error(struct bundle_errors *errs, struct ofpbuf *reply)
{
	struct ofp_msg m;

	if (!ofp_msg_decode(reply->data, reply->size, &m) &&
	    m.type == OFPTYPE_ERROR) {
		errs->v = xrealloc(errs->v, (errs->n + 1) * sizeof *errs->v);
		errs->v[errs->n++] = *reply;
		ofpbuf_init(reply);
		return m.xid;
	}
	return -1;
}

/* Reads the errors already waiting (as Open vSwitch's vconn_recv_error
 * does after each bundle-add, so the socket never fills with them). */
static void
bundle_drain_errors(struct vconn *vconn, struct bundle_errors *errs)
{
	struct pollfd pfd = { .fd = vconn->fd, .events = POLLIN };
	struct ofpbuf reply;

	ofpbuf_init(&reply);
	while (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN)) {
		ofctl_recv_block(vconn, &reply);
		bundle_keep_error(errs, &reply);
	}
	ofpbuf_uninit(&reply);
}

/* Sends @req and reads up to its reply, keeping every error on the way;
 * true if the reply is an error. */
static bool
bundle_exchange(struct vconn *vconn, struct ofpbuf *req,
		struct bundle_errors *errs)
{
	uint32_t xid = get_be32((uint8_t *)req->data + 4);
	struct ofpbuf reply;
	bool failed;

	ofpbuf_init(&reply);
	ofctl_send(vconn, req);
	for (;;) {
		int64_t exid;

		ofctl_recv_block(vconn, &reply);
		exid = bundle_keep_error(errs, &reply);
		if (exid == xid) {
			failed = true;
			break;
		}
		if (exid < 0 && get_be32((uint8_t *)reply.data + 4) == xid) {
			failed = false;
			break;
		}
	}
	ofpbuf_uninit(&reply);
	return failed;
}

/* Bundle control @type for bundle 0, atomic and ordered. */
static bool
bundle_ctrl(struct vconn *vconn, uint16_t type, struct bundle_errors *errs)
{
	struct ofpbuf b;
	bool failed;

	ofpbuf_init(&b);
	ofp_encode_bundle_ctrl(&b, vconn->version, 0, type,
			       OFPBF_ORDERED | OFPBF_ATOMIC, ofctl_alloc_xid());
	failed = bundle_exchange(vconn, &b, errs);
	ofpbuf_uninit(&b);
	return failed;
}

/* A barrier: the errors of the bundle-adds are all in after it. */
static void
bundle_barrier(struct vconn *vconn, struct bundle_errors *errs)
{
	struct ofpbuf b;

	ofpbuf_init(&b);
	ofp_msg_finish(&b, ofp_msg_start(&b, OFPRAW_OFPT11_BARRIER_REQUEST,
					 vconn->version, ofctl_alloc_xid()));
	bundle_exchange(vconn, &b, errs);
	ofpbuf_uninit(&b);
}

/* Prints each error as ovs-ofctl does: with the request of its xid,
 * looked for after the last one found (from the first again after a
 * miss), or else with the message the error carries. */
static void
bundle_print_errors(struct vconn *vconn, const struct ofpbuf *reqs, size_t n,
		    struct bundle_errors *errs)
{
	size_t cur = 0;

	for (size_t i = 0; i < errs->n; i++) {
		const struct ofpbuf *err = &errs->v[i];
		uint32_t xid = get_be32((const uint8_t *)err->data + 4);
		const uint8_t *data;
		size_t len;
		struct ofp_msg m;
		enum ofperr e;

		if (ofp_msg_decode(err->data, err->size, &m) ||
		    ofp_decode_error_msg(&m, &e, &data, &len)) {
			fprintf(stderr, "***decode error***");
			continue;
		}
		for (; cur < n; cur++)
			if (get_be32((const uint8_t *)reqs[cur].data + 4) ==
			    xid)
				break;
		if (cur < n) {
			data = reqs[cur].data;
			len = reqs[cur].size;
			cur++;
		} else {
			cur = 0;
		}
		fprintf(stderr, "Error %s for: ", ofperr_name(e));
		ofctl_print(stderr, data, len, ofctl_ports_to_show(vconn->name),
			    ofctl.verbosity + 1);
	}
	fflush(stderr);
}

void
ofctl_bundle_transact(struct vconn *vconn, struct ofpbuf *reqs, size_t n)
{
	struct bundle_errors errs = { NULL, 0 };
	bool failed = bundle_ctrl(vconn, OFPBCT_OPEN_REQUEST, &errs);
	struct ofpbuf b;

	ofpbuf_init(&b);
	for (size_t i = 0; i < n && !failed; i++) {
		b.size = 0;
		ofp_encode_bundle_add(&b, vconn->version, 0,
				      OFPBF_ORDERED | OFPBF_ATOMIC,
				      reqs[i].data, reqs[i].size);
		ofctl_send(vconn, &b);
		bundle_drain_errors(vconn, &errs);
	}
	ofpbuf_uninit(&b);
	if (!failed) {
		bundle_barrier(vconn, &errs);
		failed = bundle_ctrl(vconn, OFPBCT_COMMIT_REQUEST, &errs);
	}
	bundle_print_errors(vconn, reqs, n, &errs);
	for (size_t i = 0; i < errs.n; i++)
		ofpbuf_uninit(&errs.v[i]);
	free(errs.v);
	if (failed)
		ofctl_fatal(EPROTO, "talking to %s", vconn->name);
}

bool
ofctl_bundle_versions(void)
{
	uint32_t of13_up = ofp_protocols_to_version_bitmap(OFP_PROTO_OF13_UP);

	if (ofctl.allowed_versions & of13_up)
		return false;
	ofctl.allowed_versions |=
		ofp_protocols_to_version_bitmap(OFP_PROTO_OF14_OXM);
	ofctl.allowed_versions &= of13_up;
	return true;
}

/* ---- ovs-ofctl bundle SWITCH FILE ---- */

/* One line of a bundle file: a flow-mod, a group-mod or a packet-out. */
struct bundle_line {
	enum ofptype type;
	union {
		struct ofp_flow_mod fm;
		struct ofp_group_mod gm;
		struct ofp_packet_out po;
	} u;
};

/* Parses @s, a bundle file line without its keyword, as @type. */
static char *
bundle_parse_line(struct bundle_line *bl, enum ofptype type, const char *s,
		  const struct ofp_port_map *ports, uint32_t *usable)
{
	bl->type = type;
	switch (type) {
	case OFPTYPE_FLOW_MOD:
		return ofctl_parse_flow_mod(&bl->u.fm, s, -2, ports, usable);
	case OFPTYPE_GROUP_MOD:
		return ofp_group_mod_parse(&bl->u.gm, -2, s, ports, usable);
	default:
		return ofp_packet_out_parse(&bl->u.po, s, ports, usable);
	}
}

/* bundle_parse_file()'s state. */
struct bundle_file {
	struct bundle_line *v;
	size_t n;
	const struct ofp_port_map *ports;
	uint32_t usable;
};

/* One line: "flow", "group" or "packet-out" (or a prefix of one, tried
 * in that order), the rest in that command's syntax with an optional
 * command name first. */
static char *
bundle_file_line(const char *s, void *bf_)
{
	static const struct {
		const char *word;
		enum ofptype type;
	} kinds[] = { { "flow", OFPTYPE_FLOW_MOD },
		      { "group", OFPTYPE_GROUP_MOD },
		      { "packet-out", OFPTYPE_PACKET_OUT } };
	struct bundle_file *bf = bf_;
	size_t len, k;
	uint32_t u;
	char *error;

	s += strspn(s, " \t\r\n");
	len = strcspn(s, ", \t\r\n");
	for (k = 0; k < ARRAY_SIZE(kinds); k++)
		if (!strncmp(s, kinds[k].word, len))
			break;
	if (k == ARRAY_SIZE(kinds))
		return xasprintf("Unsupported bundle message type: %.*s",
				 (int)len, s);
	bf->v = xrealloc(bf->v, (bf->n + 1) * sizeof *bf->v);
	error = bundle_parse_line(&bf->v[bf->n], kinds[k].type, s + len,
				  bf->ports, &u);
	if (!error) {
		bf->usable &= u;
		bf->n++;
	}
	return error;
}

/* Reads @file as Open vSwitch's parse_ofp_bundle_file() (dies with
 * "FILE:LINE: ERR"): a malloc'd array of *@np lines; *@usable: the
 * protocols all of them fit. */
static struct bundle_line *
bundle_parse_file(const char *file, const struct ofp_port_map *ports,
		  size_t *np, uint32_t *usable)
{
	struct bundle_file bf = { .ports = ports, .usable = OFP_PROTO_ANY };

	ofctl_parse_file(file, bundle_file_line, &bf);
	*usable = bf.usable;
	*np = bf.n;
	return bf.v;
}

/* Encodes @bl for @protocol into @b (emptied first) and frees it. */
static void
bundle_encode_line(struct ofpbuf *b, struct bundle_line *bl, uint32_t protocol)
{
	uint8_t version = ofp_protocol_to_version(protocol);
	char *error;

	switch (bl->type) {
	case OFPTYPE_FLOW_MOD:
		ofp_encode_flow_mod(b, &bl->u.fm, protocol, ofctl_alloc_xid());
		ofp_flow_mod_uninit(&bl->u.fm);
		break;
	case OFPTYPE_GROUP_MOD:
		error = ofp_encode_group_mod(b, &bl->u.gm, version,
					     ofctl_alloc_xid());
		if (error)
			ofctl_fatal(0, "%s", error);
		ofp_group_mod_uninit(&bl->u.gm);
		break;
	default:
		ofp_encode_packet_out(b, &bl->u.po, version, ofctl_alloc_xid());
		ofp_packet_out_uninit(&bl->u.po);
		break;
	}
}

/* bundle SWITCH FILE: every flow-mod, group-mod and packet-out of FILE
 * in one atomic, ordered bundle (OpenFlow 1.4 unless -O allows 1.3+). */
static void
cmd_bundle(int argc, char *argv[])
{
	const struct ofp_port_map *ports;
	struct bundle_line *lines;
	struct ofpbuf *reqs;
	struct vconn *vconn;
	uint32_t usable, protocol;
	size_t n;

	(void)argc;
	ofctl_tables_to_accept(argv[1]);
	ports = ofctl_ports_to_accept(argv[1]);
	lines = bundle_parse_file(argv[2], ports, &n, &usable);
	if (ofctl_bundle_versions())
		ofctl.allowed_protocols = ofp_protocols_from_version_bitmap(
			ofctl.allowed_versions);
	protocol = ofctl_open_for_flow_mod(argv[1], &vconn,
					   usable & OFP_PROTO_OF13_UP);
	reqs = xcalloc(n ? n : 1, sizeof *reqs);
	for (size_t i = 0; i < n; i++) {
		ofpbuf_init(&reqs[i]);
		bundle_encode_line(&reqs[i], &lines[i], protocol);
	}
	free(lines);
	ofctl_bundle_transact(vconn, reqs, n);
	for (size_t i = 0; i < n; i++)
		ofpbuf_uninit(&reqs[i]);
	free(reqs);
	ofctl_close(vconn);
}

const struct ofctl_command ofctl_bundle_commands[] = {
	{ "bundle", 2, 2, cmd_bundle },
	{ NULL, 0, 0, NULL },
};
