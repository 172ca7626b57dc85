/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofctl_bundle: ovs-ofctl's --bundle transaction, as Open vSwitch 3.1's
 * vconn_bundle_transact() makes it and ovs-ofctl prints its errors.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "ofctl.h"
#include "ofp_misc.h"
#include "ofp_print.h"

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
