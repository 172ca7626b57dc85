/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bus_sync: bus_call_sync() for command-line tools, without nng.  A tool
 * makes one call and exits, and nng would start a dozen threads for it;
 * this speaks the same Scalability Protocols wire format over the IPC
 * socket directly, so the server side is the ordinary nng rep0 endpoint
 * with its peer-uid check.  Wire format (nng's IPC transport):
 *   greeting, both ways: 00 'S' 'P' 00, protocol (u16 BE), 00 00
 *   message:  01, length (u64 BE), then the message; a req0 request starts
 *             with its 32-bit request id (high bit set), which the rep0
 *             reply carries back as its first four bytes.
 */
#include "bus.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define SP_PROTO_REQ0 0x30
#define SP_PROTO_REP0 0x31

/* Here rather than in bus.c, so tools that only call stay free of nng. */
char *
bus_endpoint_path(const char *rundir, const struct role *peer, const char *kind)
{
	return xasprintf("%s/%s.%s", rundir, peer->name, kind);
}

/* Waits until @fd is ready for @events or @deadline (monotonic ms). */
static int
wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		uint64_t now = time_mono_ms();
		struct pollfd p = { .fd = fd, .events = events };
		int n;

		if (now >= deadline)
			return -ETIMEDOUT;
		n = poll(&p, 1, (int)(deadline - now));
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

static int
write_all(int fd, const void *buf, size_t len, uint64_t deadline)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			int err = wait_fd(fd, POLLOUT, deadline);
			if (err)
				return err;
		} else {
			return n < 0 ? -errno : -EPIPE;
		}
	}
	return 0;
}

static int
read_all(int fd, void *buf, size_t len, uint64_t deadline)
{
	char *p = buf;

	while (len) {
		ssize_t n = recv(fd, p, len, MSG_DONTWAIT);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n == 0) {
			return -ECONNRESET;
		} else if (errno == EAGAIN || errno == EINTR) {
			int err = wait_fd(fd, POLLIN, deadline);
			if (err)
				return err;
		} else {
			return -errno;
		}
	}
	return 0;
}

static void
put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t
get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static int
sp_connect(const char *path, uint64_t deadline, int *fdp)
{
	static const uint8_t greeting[8] = { 0, 'S',	       'P', 0,
					     0, SP_PROTO_REQ0, 0,   0 };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	uint8_t peer[8];
	int fd = -1, err;

	if (strlen(path) >= sizeof sun.sun_path)
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	err = write_all(fd, greeting, sizeof greeting, deadline);
	if (!err)
		err = read_all(fd, peer, sizeof peer, deadline);
	if (!err &&
	    (memcmp(peer, greeting, 4) || get_be(peer + 4, 2) != SP_PROTO_REP0))
		err = -EPROTO; /* not a rep0 endpoint */
	if (err) {
		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

/* Sends @len bytes of @body as one req0 request with a fresh id and reads
 * replies until the one with that id: *@inp (caller frees) holds it, the
 * id first, *@lenp bytes in all.  *@sent tells whether any of the request
 * left (else it is safe to send it again on another connection). */
static int
exchange(int fd, const void *body, size_t len, uint64_t deadline, uint8_t **inp,
	 size_t *lenp, bool *sent)
{
	uint8_t hdr[9 + 4], rhdr[9];
	uint8_t *in = NULL;
	uint64_t rlen;
	uint32_t id;
	int err;

	if (getrandom(&id, sizeof id, GRND_NONBLOCK) != sizeof id)
		id = (uint32_t)time_mono_ms();
	id |= 0x80000000u;
	hdr[0] = 1;
	put_be(hdr + 1, 4 + len, 8);
	put_be(hdr + 9, id, 4);
	*sent = false;
	err = write_all(fd, hdr, sizeof hdr, deadline);
	if (!err) {
		*sent = true;
		err = write_all(fd, body, len, deadline);
	}
	/* Read replies until ours (a stale one would have another id). */
	while (!err) {
		err = read_all(fd, rhdr, sizeof rhdr, deadline);
		if (err)
			break;
		rlen = get_be(rhdr + 1, 8);
		if (rhdr[0] != 1 || rlen < 4 || rlen > BUS_MAX_MSG + 4)
			return -EBADMSG;
		in = xmalloc((size_t)rlen);
		err = read_all(fd, in, (size_t)rlen, deadline);
		if (!err && get_be(in, 4) == id) {
			*inp = in;
			*lenp = (size_t)rlen;
			return 0;
		}
		free(in);
	}
	return err;
}

/* The connection of the last call, kept for the next one to the same
 * endpoint: a tool makes several calls in a row (ovs-vsctl: the schema,
 * the contents, the transaction, the wait), and a connection costs the
 * server a pipe set up and torn down by nng's threads. */
static struct {
	char *path;
	int fd;
} kept = { NULL, -1 };

static void
kept_close(void)
{
	if (kept.fd >= 0)
		close(kept.fd);
	kept.fd = -1;
	free(kept.path);
	kept.path = NULL;
}

/* One request and its reply over the kept connection to @path, or a new
 * one.  A kept connection the server closed meanwhile (a restart) fails
 * before anything is sent; then the request goes on a new connection. */
static int
call_path(const char *path, const void *body, size_t blen, uint64_t deadline,
	  uint8_t **inp, size_t *lenp)
{
	bool reused = kept.fd >= 0 && !strcmp(kept.path, path), sent;
	int fd = -1, err;

	if (!reused) {
		kept_close();
		err = sp_connect(path, deadline, &fd);
		if (err)
			return err;
		kept.fd = fd;
		kept.path = xstrdup(path);
	}
	err = exchange(kept.fd, body, blen, deadline, inp, lenp, &sent);
	if (err && reused && !sent) {
		kept_close();
		return call_path(path, body, blen, deadline, inp, lenp);
	}
	if (err)
		kept_close();
	return err;
}

int
bus_call_sync(const char *rundir, const struct role *peer, unsigned type,
	      const void *msg, unsigned timeout_ms, void **reply, char **why)
{
	const struct bus_msg_desc *d = bus_msg_desc(type);
	uint64_t deadline = time_mono_ms() + timeout_ms;
	uint64_t reqid = 1, got_reqid;
	unsigned got_type = 0;
	size_t blen, len = 0;
	uint8_t *in = NULL;
	void *body, *ans = NULL;
	char *path;
	int err;

	*reply = NULL;
	if (why)
		*why = NULL;
	if (!d || d->kind != BUS_KIND_CALL)
		return -EINVAL;
	err = bus_encode(type, reqid, msg, &body, &blen);
	if (err)
		return err;
	path = bus_endpoint_path(rundir, peer, "rpc");
	err = call_path(path, body, blen, deadline, &in, &len);
	free(path);
	free(body);
	if (!err)
		err = bus_decode(in + 4, len - 4, &got_type, &got_reqid, &ans);
	free(in);
	if (!err && got_reqid != reqid)
		err = -EBADMSG;
	if (!err && got_type == BUS_MSG_ERROR) {
		const char *text;

		err = bus_error_errno(ans, &text);
		if (why)
			*why = xstrdup(text);
	} else if (!err && got_type != d->reply) {
		err = -EBADMSG;
	}
	if (err) {
		bus_msg_free(got_type, ans);
		return err;
	}
	*reply = ans;
	return 0;
}
