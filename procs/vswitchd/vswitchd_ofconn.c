/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_ofconn: OpenFlow connections to the bridges.  Each bridge
 * listens on DIR/BRIDGE.mgmt (DIR is RUNDIR/vswitchd, which main() makes
 * and hands to the vswitchd user before dropping privileges: the run
 * directory itself is root's).  A connection starts with both hellos;
 * the version is the highest both sides and the bridge's protocols
 * column allow.  Then each whole message is decoded and handed to its
 * handler; a message that does not decode, or that the handler refuses,
 * gets an OpenFlow error and the connection goes on.  Only a length
 * below the header's (the stream cannot be framed any more), a failed
 * hello, or a peer that does not read its replies ends a connection.
 * A connection of an ssl: or pssl: controller goes through its TLS stream
 * (lib/tls); a failed handshake (a peer another CA vouches for, a peer
 * speaking in the clear) ends it like any socket error.
 */
#include "ofconn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ev.h"
#include "log.h"
#include "ofp_misc.h"
#include "ofp_protocol.h"
#include "replica.h"
#include "safefile.h"
#include "tls.h"

LOG_MODULE(vswitchd_ofconn);

static struct log_rl rl = LOG_RL_INIT(5, 20);

/* Output a peer may leave unread before it is dropped. */
#define OFCONN_MAX_QUEUED (64u << 20)

/* A bridge's listening socket. */
struct oflisten {
	struct hnode node; /* in vswd_of.listeners, by bridge id */
	struct vswd_of *of;
	uint64_t bridge_id;
	char *path;
	int fd;
	struct ev_io *io;
	uint32_t allowed; /* versions (Bridge.protocols) */
};

static void conn_close(struct ofconn *c);

struct bridge *
ofconn_bridge(const struct ofconn *c)
{
	return vsw_bridge_by_id(&c->d->vsw, c->bridge_id);
}

enum ofpraw
ofconn_raw_for(enum ofptype type, uint8_t version)
{
	for (int raw = OFPRAW_NONE + 1; raw < OFPRAW_N; raw++)
		if (ofpraw_type((enum ofpraw)raw) == type &&
		    ofpraw_in_version((enum ofpraw)raw, version))
			return (enum ofpraw)raw;
	return OFPRAW_NONE;
}

/* ---- the socket, or the TLS stream on it ---- */

/* The readiness @c waits for: input always; output while some is queued
 * (unless a TLS write waits for input), or while a TLS read waits for
 * it. */
static void
update_events(struct ofconn *c)
{
	bool out = (c->out.size && !c->tls_write_wants_in) ||
		   c->tls_read_wants_out;

	ev_io_modify(c->io, EPOLLIN | (out ? EPOLLOUT : 0));
}

/* Logs why TLS failed on @c (rate-limited). */
static void
tls_failed(struct ofconn *c)
{
	log_warn_rl(&rl, "bridge %llu: %s", (unsigned long long)c->bridge_id,
		    *tls_stream_error(c->tls) ? tls_stream_error(c->tls)
					      : "TLS error");
}

/* recv() on @c: bytes, 0 at the end, or -errno (-EAGAIN: wait). */
static ssize_t
conn_recv(struct ofconn *c, void *buf, size_t n)
{
	ssize_t r;

	if (!c->tls) {
		r = recv(c->fd, buf, n, MSG_DONTWAIT);
		return r < 0 ? -errno : r;
	}
	r = tls_stream_recv(c->tls, buf, n);
	c->tls_read_wants_out =
		r == -EAGAIN && tls_stream_wants(c->tls) == EPOLLOUT;
	if (r < 0 && r != -EAGAIN)
		tls_failed(c);
	return r;
}

/* send() on @c, as conn_recv. */
static ssize_t
conn_send(struct ofconn *c, const void *buf, size_t n)
{
	ssize_t r;

	if (!c->tls) {
		r = send(c->fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		return r < 0 ? -errno : r;
	}
	r = tls_stream_send(c->tls, buf, n);
	c->tls_write_wants_in =
		r == -EAGAIN && tls_stream_wants(c->tls) == EPOLLIN;
	if (r < 0 && r != -EAGAIN && r != -EPIPE)
		tls_failed(c);
	return r;
}

/* ---- output ---- */

static void
conn_flush(struct ofconn *c)
{
	while (c->out_ofs < c->out.size) {
		ssize_t n = conn_send(c, c->out.data + c->out_ofs,
				      c->out.size - c->out_ofs);
		if (n == -EINTR)
			continue;
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			break;
		if (n <= 0) {
			c->error = n < 0 ? (int)-n : OFCONN_EOF;
			c->closing = true;
			c->out_ofs = c->out.size;
			break;
		}
		c->out_ofs += (size_t)n;
	}
	if (c->out_ofs == c->out.size) {
		c->out.size = 0;
		c->out_ofs = 0;
	}
	update_events(c);
}

void
ofconn_send(struct ofconn *c, struct ofpbuf *b)
{
	if (c->out.size - c->out_ofs + b->size > OFCONN_MAX_QUEUED) {
		log_warn_rl(&rl, "OpenFlow peer is not reading its replies: "
				 "dropping it");
		c->closing = true;
		return;
	}
	ofpbuf_put(&c->out, b->data, b->size);
	conn_flush(c);
}

void
ofconn_send_error(struct ofconn *c, enum ofperr e, const struct ofp_msg *m)
{
	struct ofpbuf b = OFPBUF_EMPTY;

	log_info_rl(&rl, "bridge %llu: %s: refused with %s",
		    (unsigned long long)c->bridge_id, ofpraw_name(m->raw),
		    ofperr_name(e));
	ofp_encode_error_reply(&b, e, m->data, m->len);
	ofconn_send(c, &b);
	ofpbuf_uninit(&b);
}

/* ---- multipart replies ---- */

#define OFCONN_MP_MAX 32768

void
ofconn_mp_start(struct ofconn_mp *mp, const struct ofp_msg *request)
{
	mp->b = OFPBUF_EMPTY;
	mp->raw = ofpraw_reply_of(request->raw, request->version);
	mp->version = request->version;
	mp->xid = request->xid;
	mp->start = ofp_msg_start(&mp->b, mp->raw, mp->version, mp->xid);
}

void
ofconn_mp_room(struct ofconn_mp *mp)
{
	if (mp->b.size - mp->start < OFCONN_MP_MAX)
		return;
	ofp_msg_set_mp_flags(&mp->b, mp->start, OFPSF_REPLY_MORE);
	ofp_msg_finish(&mp->b, mp->start);
	mp->start = ofp_msg_start(&mp->b, mp->raw, mp->version, mp->xid);
}

void
ofconn_mp_room_send(struct ofconn *c, struct ofconn_mp *mp)
{
	if (mp->b.size - mp->start < OFCONN_MP_MAX)
		return;
	ofp_msg_set_mp_flags(&mp->b, mp->start, OFPSF_REPLY_MORE);
	ofp_msg_finish(&mp->b, mp->start);
	ofconn_send(c, &mp->b);
	mp->b.size = 0;
	mp->start = ofp_msg_start(&mp->b, mp->raw, mp->version, mp->xid);
}

void
ofconn_mp_finish(struct ofconn *c, struct ofconn_mp *mp)
{
	ofp_msg_finish(&mp->b, mp->start);
	ofconn_send(c, &mp->b);
	ofpbuf_uninit(&mp->b);
}

/* ---- input ---- */

/* The peer's hello: the version both allow, or an error and the end. */
static void
on_hello(struct ofconn *c, const struct ofp_msg *m)
{
	uint32_t theirs;
	struct ofpbuf b = OFPBUF_EMPTY;
	uint8_t v;

	ofp_decode_hello(m, &theirs);
	v = ofp_negotiate(c->allowed, theirs);
	if (!v) {
		struct ds ours = DS_EMPTY, peer = DS_EMPTY;
		char *why;

		ofp_format_version_bitmap(&ours, c->allowed);
		ofp_format_version_bitmap(&peer, theirs);
		why = xasprintf("We support versions %s, you support %s, no "
				"common versions.",
				ds_cstr(&ours), ds_cstr(&peer));
		log_info_rl(&rl, "version negotiation failed: %s", why);
		ofp_encode_hello_error(&b, OFPERR_OFPHFC_INCOMPATIBLE,
				       m->version, m->xid, why);
		ofconn_send(c, &b);
		ofpbuf_uninit(&b);
		ds_free(&ours);
		ds_free(&peer);
		free(why);
		c->closing = true;
		return;
	}
	c->version = v;
	c->protocol = ofp_protocol_from_version(v);
	vswd_of_miss_sync(c->d);
}

static void
handle(struct ofconn *c, const uint8_t *data, size_t len)
{
	struct ofp_msg m;
	enum ofperr e = ofp_msg_decode(data, len, &m);
	ofconn_handler *fn;

	if (!c->version) {
		if (!e && m.type == OFPTYPE_HELLO) {
			on_hello(c, &m);
			return;
		}
		log_info_rl(&rl, "message before the hello: closing");
		c->closing = true;
		return;
	}
	if (e) {
		/* Reply as to a message of the bytes' own header. */
		memset(&m, 0, sizeof m);
		m.data = data;
		m.len = len;
		m.version = data[0];
		m.xid = get_be32(data + 4);
		ofconn_send_error(c, e, &m);
		return;
	}
	if (m.version != c->version) {
		ofconn_send_error(c, OFPERR_OFPBRC_BAD_VERSION, &m);
		return;
	}
	if (m.type == OFPTYPE_HELLO || m.type == OFPTYPE_ECHO_REPLY ||
	    m.type == OFPTYPE_ERROR)
		return;
	/* A secondary may not change the switch. */
	if (c->role == OFPCR12_ROLE_SECONDARY &&
	    (m.type == OFPTYPE_FLOW_MOD || m.type == OFPTYPE_PACKET_OUT ||
	     m.type == OFPTYPE_GROUP_MOD || m.type == OFPTYPE_PORT_MOD ||
	     m.type == OFPTYPE_TABLE_MOD || m.type == OFPTYPE_METER_MOD ||
	     m.type == OFPTYPE_NXT_TLV_TABLE_MOD ||
	     m.type == OFPTYPE_BUNDLE_CONTROL ||
	     m.type == OFPTYPE_BUNDLE_ADD_MESSAGE)) {
		ofconn_send_error(c, OFPERR_OFPBRC_IS_SECONDARY, &m);
		return;
	}
	if (m.type == OFPTYPE_BARRIER_REQUEST && c->ctrl)
		ofctrl_conn_barrier(c->ctrl);
	fn = ofconn_handler_for(m.type);
	e = fn				 ? fn(c, &m)
	    : ofpraw_is_multipart(m.raw) ? OFPERR_OFPBRC_BAD_STAT
					 : OFPERR_OFPBRC_BAD_TYPE;
	if (e)
		ofconn_send_error(c, e, &m);
}

/* Flow-mods are published (vswd_tables_check: upcalld revalidates its
 * megaflows) at once when nothing was published for OFCONN_PUBLISH_MS,
 * else when that time is up, with whatever came meanwhile: ovs-ofctl
 * add-flows sends a barrier after every flow-mod and waits for its reply,
 * and a publication for each had upcalld revalidate 100,000 times.  As in
 * Open vSwitch, a barrier means the OpenFlow tables hold the change (a
 * new flow's translation uses them at once); the datapath's megaflows
 * follow (ovs-appctl revalidator/wait waits for them). */
#define OFCONN_PUBLISH_MS 10

static void
publish_now(struct vswd_of *of)
{
	of->tables_dirty = false;
	of->last_publish_ms = time_mono_ms();
	vswd_tables_check(of->d);
}

static void
on_publish(struct ev_timer *t, void *arg)
{
	struct vswd_of *of = arg;

	(void)t;
	of->publish_armed = false;
	if (of->tables_dirty)
		publish_now(of);
}

void
ofconn_publish_soon(struct vswd_of *of)
{
	uint64_t since = time_mono_ms() - of->last_publish_ms;

	if (of->publish_armed)
		return;
	if (since >= OFCONN_PUBLISH_MS) {
		publish_now(of);
		return;
	}
	if (of->publish)
		ev_timer_rearm(of->publish, OFCONN_PUBLISH_MS - since);
	else
		of->publish =
			ev_timer_add(of->d->loop, OFCONN_PUBLISH_MS - since,
				     false, on_publish, of);
	of->publish_armed = true;
}

/* Handles the whole messages in @c's input buffer, keeps the rest. */
static void
handle_input(struct ofconn *c)
{
	size_t ofs = 0;

	while (!c->closing && c->rlen - ofs >= OFP_HEADER_LEN) {
		size_t len = get_be16(c->rbuf + ofs + 2);

		if (len < OFP_HEADER_LEN) {
			log_warn_rl(&rl,
				    "received a message of length %zu, "
				    "below the header's: closing",
				    len);
			c->closing = true;
			c->out.size = c->out_ofs = 0;
			break;
		}
		if (c->rlen - ofs < len)
			break;
		handle(c, c->rbuf + ofs, len);
		ofs += len;
	}
	if (c->d->of->tables_dirty)
		ofconn_publish_soon(c->d->of);
	memmove(c->rbuf, c->rbuf + ofs, c->rlen - ofs);
	c->rlen -= ofs;
}

static void
conn_read(struct ofconn *c)
{
	for (;;) {
		ssize_t n;

		if (c->rcap - c->rlen < 4096) {
			c->rcap = c->rcap ? c->rcap * 2 : 65536 + 4096;
			c->rbuf = xrealloc(c->rbuf, c->rcap);
		}
		n = conn_recv(c, c->rbuf + c->rlen, c->rcap - c->rlen);
		if (n == -EINTR)
			continue;
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			break;
		if (n <= 0) {
			c->error = n < 0 ? (int)-n : OFCONN_EOF;
			c->closing = true;
			c->out.size = c->out_ofs = 0;
			return;
		}
		c->rlen += (size_t)n;
		c->rx_ms = time_mono_ms();
		if (c->probe_sent_ms) {
			c->probe_sent_ms = 0;
			if (c->ctrl)
				ofctrl_conn_idle(c->ctrl);
		}
		/* Room left: the socket is drained (epoll tells when more
		 * comes), unless TLS holds decrypted bytes already. */
		if (c->rcap - c->rlen >= 4096 &&
		    !(c->tls && tls_stream_pending(c->tls)))
			break;
	}
	handle_input(c);
}

void
ofconn_input(struct ofconn *c, const void *data, size_t len)
{
	if (c->closing || !len)
		return;
	if (c->rcap - c->rlen < len) {
		c->rcap = c->rlen + len;
		c->rbuf = xrealloc(c->rbuf, c->rcap);
	}
	memcpy(c->rbuf + c->rlen, data, len);
	c->rlen += len;
	handle_input(c);
}

static void
on_conn_io(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct ofconn *c = arg;

	(void)io;
	(void)fd;
	if (revents & EPOLLOUT || (c->tls_write_wants_in && revents & EPOLLIN))
		conn_flush(c);
	if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR) ||
	    (c->tls_read_wants_out && revents & EPOLLOUT))
		conn_read(c);
	/* A TLS read may have finished the handshake the output waited
	 * for, or changed what the stream waits for. */
	if (c->tls && !c->closing)
		conn_flush(c);
	if (c->closing && c->out.size == c->out_ofs)
		conn_close(c);
	else if (c->closing)
		conn_flush(c);
}

static void
conn_close(struct ofconn *c)
{
	if (c->ctrl)
		ofctrl_conn_closed(c->ctrl, c->error);
	ofconn_bundles_free(c);
	list_remove(&c->node);
	ev_io_del(c->io);
	tls_stream_free(c->tls);
	close(c->fd);
	ofpbuf_uninit(&c->out);
	free(c->rbuf);
	vswd_of_miss_sync(c->d);
	free(c);
}

struct ofconn *
ofconn_new(struct vswd *d, uint64_t bridge_id, int fd, uint32_t allowed,
	   struct ofctrl *ctrl, struct tls_stream *tls)
{
	struct ofconn *c = xzalloc(sizeof *c);
	struct ofpbuf b = OFPBUF_EMPTY;

	c->d = d;
	c->bridge_id = bridge_id;
	c->fd = fd;
	c->tls = tls;
	c->allowed = allowed;
	c->ctrl = ctrl;
	c->out = OFPBUF_EMPTY;
	/* Controllers get a packet's first 128 bytes on a miss; service
	 * connections nothing until they ask (Open vSwitch's defaults). */
	c->miss_send_len = ctrl ? 128 : 0;
	c->rx_ms = time_mono_ms();
	list_init(&c->bundles);
	if (ev_io_add(d->loop, fd, EPOLLIN, on_conn_io, c, &c->io)) {
		tls_stream_free(tls);
		close(fd);
		free(c);
		return NULL;
	}
	list_push_back(&d->of->conns, &c->node);
	ofp_encode_hello(&b, c->allowed, 0);
	ofconn_send(c, &b);
	ofpbuf_uninit(&b);
	return c;
}

void
ofconn_close(struct ofconn *c)
{
	c->ctrl = NULL;
	conn_close(c);
}

static void
on_accept(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct oflisten *l = arg;
	int cfd;

	(void)io;
	(void)revents;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn_rl(&rl, "%s: accept failed (%s)", l->path,
				    strerror(errno));
		return;
	}
	ofconn_new(l->of->d, l->bridge_id, cfd, l->allowed, NULL, NULL);
}

/* ---- inactivity probes ---- */

const char *
ofconn_error_string(int error)
{
	return error == OFCONN_EOF ? "End of file" : strerror(error);
}

void
ofconn_run_probes(struct vswd *d, uint64_t now)
{
	struct ofconn *c, *next;

	LIST_FOR_EACH_SAFE (c, next, node, &d->of->conns) {
		struct ofpbuf b = OFPBUF_EMPTY;
		size_t start;

		if (!c->probe_ms || c->closing)
			continue;
		if (c->probe_sent_ms) {
			if (now - c->probe_sent_ms < c->probe_ms)
				continue;
			log_info("bridge %llu: no response to inactivity probe "
				 "after %u seconds, disconnecting",
				 (unsigned long long)c->bridge_id,
				 (unsigned)((now - c->rx_ms) / 1000));
			c->error = ETIMEDOUT;
			conn_close(c);
			continue;
		}
		if (now - c->rx_ms < c->probe_ms || !c->version)
			continue;
		start = ofp_msg_start(&b, OFPRAW_ECHO_REQUEST, c->version, 0);
		ofp_msg_finish(&b, start);
		ofconn_send(c, &b);
		ofpbuf_uninit(&b);
		c->probe_sent_ms = now;
		if (c->ctrl)
			ofctrl_conn_idle(c->ctrl);
	}
}

/* ---- listeners ---- */

int
ofconn_listen_unix(const char *path, int *fdp)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t mask;
	int fd, b;

	if (strlen(path) >= sizeof sun.sun_path)
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	mask = umask(0007);
	b = bind(fd, (struct sockaddr *)&sun, sizeof sun);
	umask(mask);
	if (b < 0 || listen(fd, 64) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

/* The versions Bridge.protocols allows (all of 1.0-1.5 if empty). */
uint32_t
ofconn_bridge_versions(struct vswd *d, const char *name)
{
	struct ovsdb_table *bt =
		d->rep ? replica_table(d->rep, "Bridge") : NULL;
	uint32_t v = 0;
	struct hnode *n;

	if (bt)
		HMAP_FOR_EACH (n, &bt->rows) {
			const struct ovsdb_row *row =
				HMAP_CONTAINER(n, struct ovsdb_row, node);
			const struct ovsdb_datum *p;

			if (strcmp(vswd_str(row, "name"), name))
				continue;
			p = replica_get(row, "protocols");
			for (unsigned i = 0; p && i < p->n; i++) {
				int ver = ofp_version_from_name(p->keys[i].s);
				if (ver > 0)
					v |= 1u << ver;
			}
		}
	if (!v)
		for (int ver = OFP10_VERSION; ver <= OFP15_VERSION; ver++)
			v |= 1u << ver;
	return v;
}

static void
listener_free(struct oflisten *l)
{
	hmap_remove(&l->of->listeners, &l->node);
	ev_io_del(l->io);
	close(l->fd);
	unlink(l->path);
	free(l->path);
	free(l);
}

static struct oflisten *
listener_find(struct vswd_of *of, uint64_t id)
{
	struct hnode *n;

	for (n = hmap_first_with_hash(&of->listeners, (uint32_t)id); n;
	     n = hmap_next_with_hash(n)) {
		struct oflisten *l = HMAP_CONTAINER(n, struct oflisten, node);
		if (l->bridge_id == id)
			return l;
	}
	return NULL;
}

static void
listener_add(struct vswd_of *of, const struct bridge *br)
{
	struct oflisten *l = xzalloc(sizeof *l);
	int err;

	l->of = of;
	l->fd = -1;
	l->bridge_id = br->id;
	l->path = xasprintf("%s/%s.mgmt", of->dir, br->name);
	l->allowed = ofconn_bridge_versions(of->d, br->name);
	err = ofconn_listen_unix(l->path, &l->fd);
	if (!err)
		err = ev_io_add(of->d->loop, l->fd, EPOLLIN, on_accept, l,
				&l->io);
	if (err) {
		log_warn_rl(&rl, "%s: cannot listen (%s)", l->path,
			    strerror(-err));
		if (l->fd >= 0)
			close(l->fd);
		free(l->path);
		free(l);
		return;
	}
	hmap_insert(&of->listeners, &l->node, (uint32_t)br->id);
	log_info("bridge %s: OpenFlow management on %s", br->name, l->path);
}

void
vswd_of_init(struct vswd *d, const char *dir)
{
	struct vswd_of *of = xzalloc(sizeof *of);
	struct timespec ts;

	of->d = d;
	of->dir = xstrdup(dir);
	hmap_init(&of->listeners);
	hmap_init(&of->ctrls);
	hmap_init(&of->port_seen);
	list_init(&of->conns);
	of->restoring = true;
	of->start_ms = time_mono_ms();
	clock_gettime(CLOCK_REALTIME, &ts);
	of->run_tag = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	d->of = of;
	ofctrl_init(d);
	ofconn_flow_init(d);
	ofconn_meter_init(d);
	ofconn_group_init(d);
	ofconn_bundle_init(d);
}

void
vswd_of_sync(struct vswd *d)
{
	struct vswd_of *of = d->of;
	struct ofconn *c, *next;
	struct hnode *n, *nn;

	if (!of)
		return;
	/* Bridges gone: their listeners and connections go. */
	HMAP_FOR_EACH_SAFE (n, nn, &of->listeners) {
		struct oflisten *l = HMAP_CONTAINER(n, struct oflisten, node);
		const struct bridge *br =
			vsw_bridge_by_id(&d->vsw, l->bridge_id);
		if (!br)
			listener_free(l);
		else
			l->allowed = ofconn_bridge_versions(d, br->name);
	}
	LIST_FOR_EACH_SAFE (c, next, node, &of->conns)
		if (!vsw_bridge_by_id(&d->vsw, c->bridge_id))
			conn_close(c);
	HMAP_FOR_EACH (n, &d->vsw.bridges) {
		const struct bridge *br =
			HMAP_CONTAINER(n, struct bridge, node);
		if (!listener_find(of, br->id))
			listener_add(of, br);
	}
	ofctrl_sync(d);
	ofport_sync(d);
}

int
vswd_of_prepare_dir(const char *dir, uid_t uid, gid_t gid)
{
	int err = mkdir_p(dir, 0750);

	if (err)
		return err;
	if (geteuid() != 0)
		return 0;
	return safe_dir_set(dir, uid, gid, 0750, false);
}
