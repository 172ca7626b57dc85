/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fdstore_probe: stands in for microvs-upcalld in the fd_store system test
 * (a role whose fd_store_max is not 0).  It is a process as the others
 * are (service_def, bus, privilege drop) with two appctl commands:
 *	fdstore/put TEXT   a memfd holding TEXT, stored under "probe"
 *	fdstore/show       the text of every "probe" descriptor it was
 *			   given back at start, one a line
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "appctl.h"
#include "fdstore.h"
#include "service.h"

static int given[16];
static size_t n_given;

static void
cmd_put(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	int fd = memfd_create("probe", MFD_CLOEXEC);
	size_t len = strlen(argv[0]);
	int err;

	if (fd < 0 || write(fd, argv[0], len) != (ssize_t)len) {
		appctl_reply_error(c, "memfd: %s", strerror(errno));
		return;
	}
	err = fdstore_put("probe", &fd, 1);
	close(fd);
	if (err)
		appctl_reply_error(c, "fdstore_put: %s", strerror(-err));
	else
		appctl_reply(c, "stored\n");
}

/* Stores a pipe's write end, removes it, and says whether the pipe is
 * closed at once: fdstore_remove() must return only once the manager
 * dropped its copy (a tap device must be gone when its port is). */
static void
cmd_remove_closes(struct appctl_conn *c, int argc, const char *argv[],
		  void *aux)
{
	struct pollfd pfd = { .events = 0 };
	int p[2], err;

	if (pipe2(p, O_CLOEXEC) < 0) {
		appctl_reply_error(c, "pipe: %s", strerror(errno));
		return;
	}
	err = fdstore_put("pipe", &p[1], 1);
	close(p[1]);
	if (!err)
		err = fdstore_remove("pipe");
	pfd.fd = p[0];
	if (err)
		appctl_reply_error(c, "fdstore: %s", strerror(-err));
	else
		appctl_reply(c, poll(&pfd, 1, 0) == 1 ? "closed\n" : "open\n");
	close(p[0]);
}

static void
cmd_show(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;

	for (size_t i = 0; i < n_given; i++) {
		char buf[256];
		ssize_t n = pread(given[i], buf, sizeof buf - 1, 0);

		buf[n > 0 ? n : 0] = '\0';
		ds_printf(&out, "%s\n", buf);
	}
	appctl_reply(c, ds_cstr(&out));
	ds_free(&out);
}

static const struct service_def def = { .role = "upcalld" };

int
main(int argc, char **argv)
{
	struct service s;

	service_init(&s, &def, argc, argv, NULL);
	n_given = fdstore_take("probe", given, 16);
	fdstore_close_untaken();
	appctl_register("fdstore/put", "TEXT", 1, 1, cmd_put, NULL);
	appctl_register("fdstore/show", "", 0, 0, cmd_show, NULL);
	appctl_register("fdstore/remove-closes", "", 0, 0, cmd_remove_closes,
			NULL);
	service_serve(&s, NULL);
	service_drop(&s);
	return service_run(&s);
}
