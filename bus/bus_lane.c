/* SPDX-License-Identifier: Apache-2.0 */
/* bus_lane: unix SOCK_SEQPACKET connections driven by the event loop. */
#include "bus_lane.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "bus_codec.h"
#include "log.h"
#include "util.h"

LOG_MODULE(bus_lane);

#define LANE_MORE 0x01
#define LANE_CHUNK (64u << 10)	/* payload bytes per packet */
#define LANE_RECV_BURST 64	/* packets read per wake-up */
#define LANE_SOCKBUF (1u << 20) /* asked for; the kernel may give less */

/* Bytes the socket would not take yet, in order. */
struct lane_out {
	struct lane_out *next;
	size_t len; /* header byte included */
	unsigned char pkt[];
};

struct lane {
	struct ev_loop *loop;
	int fd;
	struct ev_io *io;
	uid_t peer_uid;
	uint64_t id;
	lane_msg_fn *msg_fn;
	lane_down_fn *down_fn;
	void *aux;
	bool down;		/* reported down (or never started) */
	bool in_cb;		/* on_io is calling out: lane_close defers */
	bool closed;		/* lane_close ran during a callback */
	unsigned char *rx;	/* a packet */
	unsigned char *asm_buf; /* a message in pieces */
	size_t asm_len, asm_cap;
	struct lane_out *out, **out_tail;
};

struct lane_listener {
	struct ev_loop *loop;
	int fd;
	struct ev_io *io;
	lane_accept_fn *fn;
	void *aux;
};

static uint64_t next_id = (uint64_t)1 << 32;
static struct log_rl rl = LOG_RL_INIT(10, 60);

/* A non-blocking SOCK_SEQPACKET socket and @path's address in *@sa: the
 * fd, or -errno. */
static int
open_socket(const char *path, struct sockaddr_un *sa)
{
	int fd;

	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa->sun_path)
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

static void
set_bufs(int fd)
{
	int n = LANE_SOCKBUF;

	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &n, sizeof n);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &n, sizeof n);
}

static struct lane *
lane_new(struct ev_loop *loop, int fd)
{
	struct lane *l = xzalloc(sizeof *l);
	struct ucred cred;
	socklen_t len = sizeof cred;

	l->loop = loop;
	l->fd = fd;
	l->id = next_id++;
	l->down = true;
	l->out_tail = &l->out;
	l->peer_uid = (uid_t)-1;
	if (!getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		l->peer_uid = cred.uid;
	set_bufs(fd);
	return l;
}

static void
lane_free(struct lane *l)
{
	while (l->out) {
		struct lane_out *o = l->out;

		l->out = o->next;
		free(o);
	}
	if (l->io)
		ev_io_del(l->io);
	close(l->fd);
	free(l->rx);
	free(l->asm_buf);
	free(l);
}

void
lane_close(struct lane *l)
{
	if (!l)
		return;
	if (l->in_cb) {
		l->closed = true;
		return;
	}
	lane_free(l);
}

uid_t
lane_peer_uid(const struct lane *l)
{
	return l->peer_uid;
}

uint64_t
lane_id(const struct lane *l)
{
	return l->id;
}

/* Stops watching @l and tells its owner, once. */
static void
go_down(struct lane *l, const char *why, int err)
{
	if (l->down)
		return;
	l->down = true;
	if (err)
		log_dbg("lane %llu: %s: %s", (unsigned long long)l->id, why,
			strerror(err));
	ev_io_del(l->io);
	l->io = NULL;
	l->down_fn(l, l->aux);
}

/* A packet of @n bytes in l->rx: delivered, or added to the message in
 * pieces.  False when the peer broke the framing. */
static bool
take_packet(struct lane *l, size_t n)
{
	bool more;

	if (n < 1 || (l->rx[0] & ~LANE_MORE))
		return false;
	more = l->rx[0] & LANE_MORE;
	if (!more && !l->asm_len) {
		l->msg_fn(l, l->rx + 1, n - 1, l->aux);
		return true;
	}
	if (l->asm_len + n - 1 > BUS_MAX_MSG)
		return false;
	if (l->asm_len + n - 1 > l->asm_cap) {
		size_t want = l->asm_len + n - 1;

		l->asm_cap = 2 * l->asm_cap > want ? 2 * l->asm_cap : want;
		l->asm_buf = xrealloc(l->asm_buf, l->asm_cap);
	}
	memcpy(l->asm_buf + l->asm_len, l->rx + 1, n - 1);
	l->asm_len += n - 1;
	if (!more) {
		size_t len = l->asm_len;

		l->asm_len = 0;
		l->msg_fn(l, l->asm_buf, len, l->aux);
	}
	return true;
}

static void
receive(struct lane *l)
{
	for (int i = 0; i < LANE_RECV_BURST && !l->closed && !l->down; i++) {
		ssize_t n = recv(l->fd, l->rx, LANE_CHUNK + 1, MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			go_down(l, "receive", n ? errno : 0);
			return;
		}
		if (!take_packet(l, (size_t)n)) {
			log_warn_rl(&rl,
				    "lane from uid %u broke the framing: "
				    "disconnected",
				    (unsigned)l->peer_uid);
			go_down(l, "framing", 0);
			return;
		}
	}
}

/* Sends the queued packets; false when the socket failed. */
static bool
flush_out(struct lane *l)
{
	while (l->out) {
		struct lane_out *o = l->out;
		ssize_t n = send(l->fd, o->pkt, o->len,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN)
			return true;
		if (n < 0)
			return false;
		l->out = o->next;
		if (!l->out)
			l->out_tail = &l->out;
		free(o);
	}
	ev_io_modify(l->io, EPOLLIN);
	return true;
}

static void
on_io(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct lane *l = arg;

	l->in_cb = true;
	if ((revents & EPOLLOUT) && !flush_out(l))
		go_down(l, "send", errno);
	if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR))
		receive(l);
	l->in_cb = false;
	if (l->closed)
		lane_free(l);
}

int
lane_start(struct lane *l, lane_msg_fn *msg_fn, lane_down_fn *down_fn,
	   void *aux)
{
	int err;

	l->msg_fn = msg_fn;
	l->down_fn = down_fn;
	l->aux = aux;
	l->rx = xmalloc(LANE_CHUNK + 1);
	err = ev_io_add(l->loop, l->fd, EPOLLIN, on_io, l, &l->io);
	if (!err)
		l->down = false;
	return err;
}

static void
queue_packet(struct lane *l, unsigned char hdr, const void *p, size_t n)
{
	struct lane_out *o = xmalloc(sizeof *o + 1 + n);

	o->next = NULL;
	o->len = 1 + n;
	o->pkt[0] = hdr;
	memcpy(o->pkt + 1, p, n);
	*l->out_tail = o;
	l->out_tail = &o->next;
}

int
lane_send(struct lane *l, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	bool queued = l->out != NULL;

	if (l->down)
		return -EPIPE;
	if (len > BUS_MAX_MSG)
		return -EMSGSIZE;
	do {
		size_t n = len < LANE_CHUNK ? len : LANE_CHUNK;
		unsigned char hdr = n < len ? LANE_MORE : 0;
		struct iovec iov[2] = { { &hdr, 1 },
					{ (void *)(uintptr_t)p, n } };
		struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
		ssize_t r = -1;

		if (!l->out) {
			r = sendmsg(l->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (r < 0 && errno != EAGAIN) {
				log_dbg("lane %llu: send: %m",
					(unsigned long long)l->id);
				return -EPIPE;
			}
		}
		if (r < 0)
			queue_packet(l, hdr, p, n);
		p += n;
		len -= n;
	} while (len);
	if (l->out && !queued)
		ev_io_modify(l->io, EPOLLIN | EPOLLOUT);
	return 0;
}

/* ---- listening and dialing ---- */

static void
on_accept(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct lane_listener *ll = arg;

	for (int i = 0; i < 16; i++) {
		int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (c < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn_rl(&rl, "lane accept: %m");
			return;
		}
		ll->fn(ll, lane_new(ll->loop, c), ll->aux);
	}
}

int
lane_listen(struct ev_loop *loop, const char *path, lane_accept_fn *fn,
	    void *aux, struct lane_listener **llp)
{
	struct lane_listener *ll;
	struct sockaddr_un sa;
	int fd, err;

	fd = open_socket(path, &sa);
	if (fd < 0)
		return fd;
	unlink(path); /* a stale socket from a crashed predecessor */
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 64) ||
	    fchmodat(AT_FDCWD, path, 0660, 0)) {
		err = -errno;
		log_err("cannot listen on %s: %m", path);
		close(fd);
		return err;
	}
	ll = xzalloc(sizeof *ll);
	ll->loop = loop;
	ll->fd = fd;
	ll->fn = fn;
	ll->aux = aux;
	err = ev_io_add(loop, fd, EPOLLIN, on_accept, ll, &ll->io);
	if (err) {
		close(fd);
		free(ll);
		return err;
	}
	*llp = ll;
	return 0;
}

void
lane_listener_close(struct lane_listener *ll)
{
	if (!ll)
		return;
	ev_io_del(ll->io);
	close(ll->fd);
	free(ll);
}

int
lane_dial(struct ev_loop *loop, const char *path, struct lane **lp)
{
	struct sockaddr_un sa;
	int fd, err;

	fd = open_socket(path, &sa);
	if (fd < 0)
		return fd;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		err = -errno;
		close(fd);
		return err == -EAGAIN ? -ECONNREFUSED : err;
	}
	*lp = lane_new(loop, fd);
	return 0;
}
