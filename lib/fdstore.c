/* SPDX-License-Identifier: Apache-2.0 */
/* fdstore: the client side of the service manager's descriptor store. */
#include "fdstore.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

#define FIRST_FD 3  /* SD_LISTEN_FDS_START */
#define MAX_FDS 253 /* what one SCM_RIGHTS message carries */
/* What a process takes back at start: LISTEN_FDS has no such limit (the
 * supervisor passes up to a role's fd_store_max, 4096 for upcalld, one
 * descriptor a port). */
#define MAX_ADOPT 4096

struct adopted {
	int fd;	    /* -1 once taken */
	char *name; /* FDNAME, "unknown" when the manager gave none */
};

static struct adopted *adopted;
static size_t n_adopted;

/* The @i-th colon-separated name of @names, or "unknown". */
static char *
nth_name(const char *names, size_t i)
{
	const char *p = names;

	for (size_t k = 0; p && k < i; k++) {
		p = strchr(p, ':');
		if (p)
			p++;
	}
	if (!p || !*p || *p == ':')
		return xstrdup("unknown");
	return xstrndup(p, strcspn(p, ":"));
}

int
fdstore_adopt(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	const char *names = getenv("LISTEN_FDNAMES");
	char *end;
	long n;

	if (!pid || !fds || strtol(pid, &end, 10) != (long)getpid() || *end)
		n = 0;
	else
		n = strtol(fds, &end, 10);
	if (n < 0 || n > MAX_ADOPT || (fds && *end))
		n = 0;
	free(adopted);
	adopted = n ? xcalloc((size_t)n, sizeof *adopted) : NULL;
	n_adopted = 0;
	for (long i = 0; i < n; i++) {
		int fd = FIRST_FD + (int)i;

		if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
			continue; /* not open after all */
		adopted[n_adopted].fd = fd;
		adopted[n_adopted++].name = nth_name(names, (size_t)i);
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return (int)n;
}

size_t
fdstore_take(const char *name, int *fds, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < n_adopted && n < max; i++)
		if (adopted[i].fd >= 0 && !strcmp(adopted[i].name, name)) {
			fds[n++] = adopted[i].fd;
			adopted[i].fd = -1;
		}
	return n;
}

char **
fdstore_names(void)
{
	char **v = xcalloc(n_adopted + 1, sizeof *v);
	size_t n = 0;

	for (size_t i = 0; i < n_adopted; i++) {
		bool dup = false;

		if (adopted[i].fd < 0)
			continue;
		for (size_t k = 0; k < n && !dup; k++)
			dup = !strcmp(v[k], adopted[i].name);
		if (!dup)
			v[n++] = xstrdup(adopted[i].name);
	}
	return v;
}

void
fdstore_close_untaken(void)
{
	for (size_t i = 0; i < n_adopted; i++) {
		if (adopted[i].fd >= 0)
			close(adopted[i].fd);
		free(adopted[i].name);
	}
	free(adopted);
	adopted = NULL;
	n_adopted = 0;
}

int
fdstore_notify(const char *state, const int *fds, size_t n)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(MAX_FDS * sizeof(int))];
	} ctl;
	struct iovec iov = { (void *)(uintptr_t)state, strlen(state) };
	struct msghdr msg = { .msg_name = &sun,
			      .msg_iov = &iov,
			      .msg_iovlen = 1 };
	int fd, err = 0;

	if (!path || !path[0])
		return 0;
	if (strlen(path) >= sizeof sun.sun_path || n > MAX_FDS)
		return -EINVAL;
	strcpy(sun.sun_path, path);
	if (sun.sun_path[0] == '@') /* abstract namespace */
		sun.sun_path[0] = '\0';
	msg.msg_namelen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				      strlen(path));
	if (n) {
		memset(&ctl, 0, sizeof ctl);
		msg.msg_control = ctl.buf;
		msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendmsg(fd, &msg, MSG_NOSIGNAL) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* A name the protocol can carry: no ':' (LISTEN_FDNAMES's separator), no
 * line break (the message's), printable, not empty. */
static bool
name_ok(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > FDSTORE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] <= ' ' || name[i] == ':' || name[i] == 0x7f)
			return false;
	return true;
}

int
fdstore_put(const char *name, const int *fds, size_t n)
{
	char state[FDSTORE_NAME_MAX + 32];
	const char *path = getenv("NOTIFY_SOCKET");

	if (!path || !path[0])
		return -ENOTSUP;
	if (!name_ok(name) || !n)
		return -EINVAL;
	snprintf(state, sizeof state, "FDSTORE=1\nFDNAME=%s", name);
	return fdstore_notify(state, fds, n);
}

int
fdstore_remove(const char *name)
{
	char state[FDSTORE_NAME_MAX + 32];
	int r;
	const char *path = getenv("NOTIFY_SOCKET");

	if (!path || !path[0])
		return -ENOTSUP;
	if (!name_ok(name))
		return -EINVAL;
	snprintf(state, sizeof state, "FDSTOREREMOVE=1\nFDNAME=%s", name);
	r = fdstore_notify(state, NULL, 0);
	return r ? r : fdstore_barrier(FDSTORE_BARRIER_MS);
}

int
fdstore_barrier(int timeout_ms)
{
	struct pollfd pfd = { .events = 0 };
	int p[2], r;

	/* systemd's barrier (sd_notify_barrier): the manager closes the
	 * descriptors of a message it does not store once it has handled
	 * it, and it handles a process's messages in order; so when the
	 * write end sent with BARRIER=1 is closed there, everything sent
	 * before has been done. */
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	r = fdstore_notify("BARRIER=1", &p[1], 1);
	close(p[1]);
	pfd.fd = p[0];
	if (!r) {
		do
			r = poll(&pfd, 1, timeout_ms);
		while (r < 0 && errno == EINTR);
		r = r > 0 ? 0 : r == 0 ? -ETIMEDOUT : -errno;
	}
	close(p[0]);
	return r;
}
