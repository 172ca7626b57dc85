/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofctl_conn: ovs-ofctl's OpenFlow connections: resolving the target,
 * hello and version negotiation, framing, transactions with and without
 * replies (a barrier after each request), multipart dumps, and switching
 * flow protocols, each as Open vSwitch's vconn and ovs-ofctl do it.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ofctl.h"
#include "ofp_print.h"
#include "ofp_protocol.h"

static uint32_t next_xid = 1;

uint32_t
ofctl_alloc_xid(void)
{
	return next_xid++;
}

void
ofctl_print(FILE *f, const void *data, size_t len,
	    const struct ofp_port_map *ports, int verbosity)
{
	char *s = ofp_to_string(data, len, ports, verbosity);

	fputs(s, f);
	free(s);
}

/* ---- opening ---- */

static int
connect_unix(const char *path, int *fdp)
{
	struct sockaddr_un sun;
	int fd;

	if (strlen(path) >= sizeof sun.sun_path)
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

static int
connect_tcp(const char *spec, int *fdp)
{
	char *host = xstrdup(spec), *port = NULL, *colon;
	struct addrinfo hints, *ai = NULL;
	int fd = -1, err;

	/* "tcp:IP[:PORT]", IPv6 addresses in brackets. */
	if (host[0] == '[') {
		char *end = strchr(host, ']');
		if (end) {
			*end = '\0';
			memmove(host, host + 1, strlen(host + 1) + 1);
			if (end[1] == ':')
				port = end + 1;
		}
	} else if ((colon = strrchr(host, ':'))) {
		*colon = '\0';
		port = colon + 1;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	err = getaddrinfo(host, port && *port ? port : "6653", &hints, &ai);
	free(host);
	if (err || !ai)
		return -EAFNOSUPPORT;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return err;
	}
	freeaddrinfo(ai);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	*fdp = fd;
	return 0;
}

static int
read_full(int fd, void *p, size_t n)
{
	uint8_t *b = p;

	while (n) {
		ssize_t r = read(fd, b, n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EPIPE;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
write_full(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n) {
		ssize_t r = send(fd, b, n, MSG_NOSIGNAL);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
recv_msg(struct vconn *vconn, struct ofpbuf *b)
{
	uint8_t hdr[OFP_HEADER_LEN];
	size_t len;
	int err;

	b->size = 0;
	err = read_full(vconn->fd, hdr, sizeof hdr);
	if (err)
		return err;
	len = get_be16(hdr + 2);
	if (len < OFP_HEADER_LEN)
		return -EPROTO;
	ofpbuf_put(b, hdr, sizeof hdr);
	ofpbuf_put_zeros(b, len - OFP_HEADER_LEN);
	return read_full(vconn->fd, b->data + OFP_HEADER_LEN,
			 len - OFP_HEADER_LEN);
}

/* Version negotiation failed: Open vSwitch's vconn then reports the
 * peer's closing as "Broken pipe". */
#define NEGOTIATION_FAILED EPROTONOSUPPORT

static const char *
errno_str(int err)
{
	return err == -EPIPE		    ? "End of file"
	       : err == -NEGOTIATION_FAILED ? strerror(EPIPE)
					    : strerror(-err);
}

/* Hello exchange; returns 0 or -EPROTO. */
static int
negotiate(struct vconn *vconn, const char *display)
{
	struct ofpbuf b;
	struct ofp_msg m;
	uint32_t theirs;
	uint8_t v;
	int err;

	ofpbuf_init(&b);
	ofp_encode_hello(&b, ofctl.allowed_versions, ofctl_alloc_xid());
	err = write_full(vconn->fd, b.data, b.size);
	if (!err)
		err = recv_msg(vconn, &b);
	if (err) {
		ofpbuf_uninit(&b);
		return err;
	}
	if (ofp_msg_decode(b.data, b.size, &m) || m.type != OFPTYPE_HELLO) {
		ofpbuf_uninit(&b);
		return -EPROTO;
	}
	ofp_decode_hello(&m, &theirs);
	ofpbuf_uninit(&b);
	v = ofp_negotiate(ofctl.allowed_versions, theirs);
	if (!v) {
		struct ds s = DS_EMPTY;
		uint32_t ours = ofctl.allowed_versions;

		ds_printf(&s,
			  "%s: version negotiation failed (we support "
			  "version%s ",
			  vconn->name, ours & (ours - 1) ? "s" : "");
		ofp_format_version_bitmap(&s, ours);
		ds_printf(&s, ", peer supports version%s ",
			  theirs & (theirs - 1) ? "s" : "");
		ofp_format_version_bitmap(&s, theirs);
		ds_put_char(&s, ')');
		ofctl_log("vconn", "WARN", ds_cstr(&s));
		ds_free(&s);
		(void)display;
		return -NEGOTIATION_FAILED;
	}
	vconn->version = v;
	return 0;
}

/* Tries "unix:PATH"; returns -ENOENT if there is no such file. */
static int
open_socket(const char *path, struct vconn **vconnp)
{
	int fd, err = connect_unix(path, &fd);

	if (err == -ENOENT)
		return err;
	if (err)
		ofctl_fatal(0, "%s: failed to open socket (%s)", path,
			    strerror(-err));
	*vconnp = xzalloc(sizeof **vconnp);
	(*vconnp)->fd = fd;
	(*vconnp)->name = xasprintf("unix:%s", path);
	return 0;
}

uint32_t
ofctl_open(const char *target, struct vconn **vconnp, bool snoop)
{
	const char *suffix = snoop ? "snoop" : "mgmt";
	const char *rundir = rundir_resolve(ofctl.rundir);
	char *bridge_path = xasprintf("%s/%s.%s", rundir, target, suffix);
	/* microvs-vswitchd's sockets: the run directory is root's. */
	char *vswd_path =
		xasprintf("%s/vswitchd/%s.%s", rundir, target, suffix);
	int err;

	*vconnp = NULL;
	if (strchr(target, ':')) {
		int fd = -1;
		if (!strncmp(target, "unix:", 5))
			err = connect_unix(target + 5, &fd);
		else if (!strncmp(target, "tcp:", 4))
			err = connect_tcp(target + 4, &fd);
		else
			ofctl_fatal(EAFNOSUPPORT, "connecting to %s", target);
		if (err)
			ofctl_fatal(-err, "connecting to %s", target);
		*vconnp = xzalloc(sizeof **vconnp);
		(*vconnp)->fd = fd;
		(*vconnp)->name = xstrdup(target);
	} else if (!open_socket(target, vconnp)) {
	} else if (!open_socket(bridge_path, vconnp)) {
	} else if (!open_socket(vswd_path, vconnp)) {
	} else {
		ofctl_fatal(0, "%s is not a bridge or a socket", target);
	}
	free(bridge_path);
	free(vswd_path);
	(*vconnp)->recv_any_version = snoop;
	err = negotiate(*vconnp, target);
	if (err)
		ofctl_fatal(0, "%s: failed to connect to socket (%s)", target,
			    errno_str(err));
	return ofp_protocol_from_version((*vconnp)->version);
}

void
ofctl_close(struct vconn *vconn)
{
	if (vconn) {
		close(vconn->fd);
		free(vconn->name);
		free(vconn);
	}
}

/* ---- sending and receiving ---- */

void
ofctl_send(struct vconn *vconn, struct ofpbuf *b)
{
	int err = write_full(vconn->fd, b->data, b->size);

	if (err)
		ofctl_fatal(0, "failed to send packet to switch (%s)",
			    errno_str(err));
}

int
ofctl_recv(struct vconn *vconn, struct ofpbuf *b)
{
	return recv_msg(vconn, b);
}

void
ofctl_recv_block(struct vconn *vconn, struct ofpbuf *b)
{
	int err = recv_msg(vconn, b);

	if (err)
		ofctl_fatal(0, "OpenFlow packet receive failed (%s)",
			    errno_str(err));
}

static uint32_t
xid_of(const struct ofpbuf *b)
{
	return get_be32(b->data + 4);
}

void
ofctl_transact(struct vconn *vconn, struct ofpbuf *req, struct ofpbuf *reply)
{
	uint32_t xid = xid_of(req);
	int err = write_full(vconn->fd, req->data, req->size);

	while (!err) {
		err = recv_msg(vconn, reply);
		if (!err && xid_of(reply) == xid)
			return;
	}
	ofctl_fatal(0, "talking to %s (%s)", vconn->name, errno_str(err));
}

bool
ofctl_transact_noreply(struct vconn *vconn, struct ofpbuf *req,
		       struct ofpbuf *reply)
{
	uint32_t xid = xid_of(req), bxid;
	struct ofpbuf barrier;
	int err;

	err = write_full(vconn->fd, req->data, req->size);
	ofpbuf_init(&barrier);
	bxid = ofctl_alloc_xid();
	ofp_msg_finish(&barrier,
		       ofp_msg_start(&barrier,
				     vconn->version == OFP10_VERSION
					     ? OFPRAW_OFPT10_BARRIER_REQUEST
					     : OFPRAW_OFPT11_BARRIER_REQUEST,
				     vconn->version, bxid));
	if (!err)
		err = write_full(vconn->fd, barrier.data, barrier.size);
	ofpbuf_uninit(&barrier);
	while (!err) {
		err = recv_msg(vconn, reply);
		if (err)
			break;
		if (xid_of(reply) == xid)
			return true;
		if (xid_of(reply) == bxid)
			return false;
	}
	ofctl_fatal(0, "talking to %s (%s)", vconn->name, errno_str(err));
}

void
ofctl_transact_noreply_or_die(struct vconn *vconn, struct ofpbuf *req)
{
	struct ofpbuf reply;

	ofpbuf_init(&reply);
	if (ofctl_transact_noreply(vconn, req, &reply)) {
		ofctl_print(stderr, reply.data, reply.size,
			    ofctl_ports_to_show(vconn->name),
			    ofctl.verbosity + 2);
		exit(1);
	}
	ofpbuf_uninit(&reply);
}

void
ofctl_dump_transaction(struct vconn *vconn, struct ofpbuf *req)
{
	struct ofp_msg rm;
	struct ofpbuf reply;

	ofpbuf_init(&reply);
	if (ofp_msg_decode(req->data, req->size, &rm) ||
	    !ofpraw_is_multipart(rm.raw)) {
		ofctl_transact(vconn, req, &reply);
		ofctl_print(stdout, reply.data, reply.size,
			    ofctl_ports_to_show(vconn->name),
			    ofctl.verbosity + 1);
		ofpbuf_uninit(&reply);
		return;
	}

	enum ofpraw reply_raw = ofpraw_reply_of(rm.raw, rm.version);
	uint32_t xid = rm.xid;
	bool done = false;

	ofctl_send(vconn, req);
	while (!done) {
		struct ofp_msg m;

		ofctl_recv_block(vconn, &reply);
		if (xid_of(&reply) != xid)
			continue;
		ofctl_print(stdout, reply.data, reply.size,
			    ofctl_ports_to_show(vconn->name),
			    ofctl.verbosity + 1);
		if (ofp_msg_decode(reply.data, reply.size, &m) ||
		    m.type == OFPTYPE_ERROR) {
			done = true;
		} else if (m.raw == reply_raw) {
			done = !(m.mp_flags & OFPSF_REPLY_MORE);
		} else {
			char *s =
				ofp_to_string(reply.data, reply.size,
					      ofctl_ports_to_show(vconn->name),
					      ofctl.verbosity + 1);
			ofctl_fatal(0, "received bad reply: %s", s);
		}
	}
	ofpbuf_uninit(&reply);
}

void
ofctl_dump_trivial(const char *target, enum ofpraw raw)
{
	struct vconn *vconn;
	struct ofpbuf req;

	ofctl_open(target, &vconn, false);
	ofpbuf_init(&req);
	ofp_msg_finish(&req, ofp_msg_start(&req, raw, vconn->version,
					   ofctl_alloc_xid()));
	ofctl_dump_transaction(vconn, &req);
	ofpbuf_uninit(&req);
	ofctl_close(vconn);
}

void
ofctl_dump_multipart(struct vconn *vconn, struct ofpbuf *req,
		     struct ofctl_replies *replies)
{
	uint32_t xid = xid_of(req);
	struct ofpbuf reply;
	bool done = false;

	memset(replies, 0, sizeof *replies);
	ofpbuf_init(&reply);
	ofctl_send(vconn, req);
	while (!done) {
		struct ofp_msg m;

		ofctl_recv_block(vconn, &reply);
		if (xid_of(&reply) != xid)
			continue;
		if (ofp_msg_decode(reply.data, reply.size, &m) ||
		    !ofpraw_is_multipart(m.raw)) {
			char *s = ofp_to_string(reply.data, reply.size, NULL,
						ofctl.verbosity + 1);
			ofctl_fatal(0, "received bad reply: %s", s);
		}
		done = !(m.mp_flags & OFPSF_REPLY_MORE);
		replies->msgs =
			xrealloc(replies->msgs,
				 (replies->n + 1) * sizeof *replies->msgs);
		replies->msgs[replies->n++] = reply;
		ofpbuf_init(&reply);
	}
	ofpbuf_uninit(&reply);
}

void
ofctl_replies_free(struct ofctl_replies *r)
{
	for (size_t i = 0; i < r->n; i++)
		ofpbuf_uninit(&r->msgs[i]);
	free(r->msgs);
	memset(r, 0, sizeof *r);
}

/* ---- flow protocols ---- */

bool
ofctl_try_set_protocol(struct vconn *vconn, uint32_t want, uint32_t *cur)
{
	for (;;) {
		struct ofpbuf req, reply;
		uint32_t next;

		ofpbuf_init(&req);
		if (!ofp_encode_set_protocol(*cur, want, &next, &req,
					     next_xid)) {
			ofpbuf_uninit(&req);
			return *cur == want;
		}
		ofctl_alloc_xid();
		ofpbuf_init(&reply);
		bool replied = ofctl_transact_noreply(vconn, &req, &reply);
		ofpbuf_uninit(&req);
		ofpbuf_uninit(&reply);
		if (replied)
			return false;
		*cur = next;
	}
}

uint32_t
ofctl_set_protocol_for_flow_dump(struct vconn *vconn, uint32_t cur,
				 uint32_t usable)
{
	for (unsigned i = 0; i < ofp_n_flow_dump_protocols; i++) {
		uint32_t f = ofp_flow_dump_protocols[i];
		if (f & usable & ofctl.allowed_protocols &&
		    ofctl_try_set_protocol(vconn, f, &cur))
			return f;
	}
	char *usable_s = ofp_protocols_to_string(usable);
	if (usable & ofctl.allowed_protocols)
		ofctl_fatal(0,
			    "switch does not support any of the usable flow "
			    "formats (%s)",
			    usable_s);
	char *allowed_s = ofp_protocols_to_string(ofctl.allowed_protocols);
	ofctl_fatal(0,
		    "none of the usable flow formats (%s) is among the allowed "
		    "flow formats (%s)",
		    usable_s, allowed_s);
}

uint32_t
ofctl_open_for_flow_mod(const char *target, struct vconn **vconnp,
			uint32_t usable)
{
	uint32_t cur;

	if (!(usable & ofctl.allowed_protocols)) {
		char *allowed_s =
			ofp_protocols_to_string(ofctl.allowed_protocols);
		char *usable_s = ofp_protocols_to_string(usable);
		ofctl_fatal(0,
			    "none of the usable flow formats (%s) is among the "
			    "allowed flow formats (%s)",
			    usable_s, allowed_s);
	}
	cur = ofctl_open(target, vconnp, false);
	if (usable & ofctl.allowed_protocols & cur)
		return cur;
	for (unsigned i = 0; i < 32; i++) {
		uint32_t f = 1u << i;
		if (f != cur && f & usable & ofctl.allowed_protocols &&
		    ofctl_try_set_protocol(*vconnp, f, &cur))
			return f;
	}
	char *usable_s = ofp_protocols_to_string(usable);
	ofctl_fatal(0,
		    "switch does not support any of the usable flow formats "
		    "(%s)",
		    usable_s);
}
