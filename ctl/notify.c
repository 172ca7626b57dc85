/* SPDX-License-Identifier: Apache-2.0 */
/*
 * notify: the supervisor's $NOTIFY_SOCKET, the server side of systemd's
 * notification protocol (sd_notify(3)) as far as microvs uses it: the
 * descriptor store (FDSTORE=1, FDSTOREREMOVE=1, FDNAME=, BARRIER=1;
 * fdstore.h).
 * Other assignments (READY=1, STATUS=...) are accepted and ignored: the
 * supervisor learns that a process is up from its answer to ping.
 *
 * The sender is known by its pid (SCM_CREDENTIALS, which the kernel
 * fills in): a message from a process that is not a current child, or
 * from a child whose role may store nothing, is refused and its
 * descriptors closed.
 */
#include "microvs-ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ev.h"
#include "fdstore.h"
#include "log.h"
#include "util.h"

LOG_MODULE(notify);

#define MAX_MSG_FDS 253

struct notify {
	int fd;
	char *path;
	struct ev_io *io;
	notify_owner_fn *owner;
	void *aux;
};

static struct log_rl rl = LOG_RL_INIT(10, 60);

void
fd_store_clear(struct fd_store *st)
{
	for (size_t i = 0; i < st->n; i++) {
		close(st->v[i].fd);
		free(st->v[i].name);
	}
	free(st->v);
	st->v = NULL;
	st->n = 0;
}

static void
store_remove(struct fd_store *st, const char *name)
{
	size_t k = 0;

	for (size_t i = 0; i < st->n; i++) {
		if (!strcmp(st->v[i].name, name)) {
			close(st->v[i].fd);
			free(st->v[i].name);
		} else {
			st->v[k++] = st->v[i];
		}
	}
	st->n = k;
}

/* Keeps @fds under @name, up to @max in all; closes what does not fit. */
static void
store_add(struct fd_store *st, unsigned max, const char *name, int *fds,
	  size_t n, pid_t pid)
{
	size_t i = 0;

	for (; i < n && st->n < max; i++) {
		st->v = xrealloc(st->v, (st->n + 1) * sizeof *st->v);
		st->v[st->n].fd = fds[i];
		st->v[st->n++].name = xstrdup(name);
	}
	if (i < n)
		log_warn_rl(&rl,
			    "pid %ld: descriptor store full (%u): %zu of %s "
			    "dropped",
			    (long)pid, max, n - i, name);
	for (; i < n; i++)
		close(fds[i]);
}

/* The value of assignment @key in the newline-separated @text, or NULL. */
static const char *
field(const char *text, const char *key, char *buf, size_t size)
{
	size_t k = strlen(key);

	for (const char *p = text; p && *p;
	     p = strchr(p, '\n'), p = p ? p + 1 : p) {
		if (!strncmp(p, key, k) && p[k] == '=') {
			size_t len = strcspn(p + k + 1, "\n");
			if (len >= size)
				return NULL;
			memcpy(buf, p + k + 1, len);
			buf[len] = '\0';
			return buf;
		}
	}
	return NULL;
}

static void
handle(struct notify *nt, const char *text, pid_t pid, int *fds, size_t n)
{
	char name[FDSTORE_NAME_MAX + 1], flag[8];
	unsigned max = 0;
	struct fd_store *st = pid > 0 ? nt->owner(nt->aux, pid, &max) : NULL;
	const char *fdname = field(text, "FDNAME", name, sizeof name);

	if (!fdname)
		fdname = "stored";
	if (field(text, "BARRIER", flag, sizeof flag) && !strcmp(flag, "1")) {
		/* sd_notify_barrier: closing its descriptor is the answer. */
	} else if (!st) {
		if (n || field(text, "FDSTORE", flag, sizeof flag))
			log_warn_rl(&rl,
				    "refused a notification from pid %ld: "
				    "not a child that may store descriptors",
				    (long)pid);
	} else if (field(text, "FDSTOREREMOVE", flag, sizeof flag) &&
		   !strcmp(flag, "1")) {
		store_remove(st, fdname);
	} else if (n && field(text, "FDSTORE", flag, sizeof flag) &&
		   !strcmp(flag, "1")) {
		store_add(st, max, fdname, fds, n, pid);
		return;
	}
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
}

static void
on_readable(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct notify *nt = arg;

	for (;;) {
		char text[4096];
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(sizeof(struct ucred)) +
				 CMSG_SPACE(MAX_MSG_FDS * sizeof(int))];
		} ctl;
		struct iovec iov = { text, sizeof text - 1 };
		struct msghdr msg = { .msg_iov = &iov,
				      .msg_iovlen = 1,
				      .msg_control = ctl.buf,
				      .msg_controllen = sizeof ctl.buf };
		int fds[MAX_MSG_FDS];
		size_t n = 0;
		pid_t pid = 0;
		ssize_t len =
			recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (len < 0)
			return;
		text[len] = '\0';
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
		     c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level != SOL_SOCKET)
				continue;
			if (c->cmsg_type == SCM_CREDENTIALS &&
			    c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
				struct ucred cred;
				memcpy(&cred, CMSG_DATA(c), sizeof cred);
				pid = cred.pid;
			} else if (c->cmsg_type == SCM_RIGHTS) {
				size_t k = (c->cmsg_len - CMSG_LEN(0)) /
					   sizeof(int);
				for (size_t i = 0; i < k && n < MAX_MSG_FDS;
				     i++)
					memcpy(&fds[n++],
					       CMSG_DATA(c) + i * sizeof(int),
					       sizeof(int));
			}
		}
		if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
			log_warn_rl(&rl,
				    "a truncated notification from pid "
				    "%ld",
				    (long)pid);
		handle(nt, text, pid, fds, n);
	}
}

int
notify_open(struct ev_loop *loop, const char *rundir, notify_owner_fn *owner,
	    void *aux, struct notify **ntp)
{
	struct notify *nt = xzalloc(sizeof *nt);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int one = 1, err;
	mode_t mask;

	nt->owner = owner;
	nt->aux = aux;
	nt->path = xasprintf("%s/notify.sock", rundir);
	if (strlen(nt->path) >= sizeof sun.sun_path) {
		err = -ENAMETOOLONG;
		goto fail;
	}
	strcpy(sun.sun_path, nt->path);
	nt->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (nt->fd < 0) {
		err = -errno;
		goto fail;
	}
	setsockopt(nt->fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
	unlink(nt->path);
	/* 0660 from bind itself (the run directory's group, microvs, may
	 * send; nothing is changed by name: see safefile.h). */
	mask = umask(0117);
	err = bind(nt->fd, (struct sockaddr *)&sun, sizeof sun) < 0 ? -errno
								    : 0;
	umask(mask);
	if (!err)
		err = ev_io_add(loop, nt->fd, EPOLLIN, on_readable, nt,
				&nt->io);
	if (err)
		goto fail_fd;
	*ntp = nt;
	return 0;

fail_fd:
	close(nt->fd);
fail:
	log_err("%s: %s", nt->path, strerror(-err));
	free(nt->path);
	free(nt);
	return err;
}

const char *
notify_path(const struct notify *nt)
{
	return nt->path;
}

void
notify_close(struct notify *nt)
{
	if (!nt)
		return;
	ev_io_del(nt->io);
	close(nt->fd);
	unlink(nt->path);
	free(nt->path);
	free(nt);
}
