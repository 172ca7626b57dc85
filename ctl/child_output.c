/* SPDX-License-Identifier: Apache-2.0 */
/*
 * child_output: a supervised process's stderr, through a pipe.  Its bytes
 * are passed on to the supervisor's own stderr (the terminal with
 * --foreground, /dev/null once detached, as before), and its last error
 * line is kept, so that a process that dies at start-up (dbserver finding
 * its database locked by another server) says why in microvs-ctl's answer
 * and log, instead of "see the log".
 */
#include "microvs-ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "ev.h"

/* A console log line is "TIME|SEQ|ROLE|MODULE|LEVEL|TEXT" (lib/log.c):
 * keeps TEXT of the last ERR line and of the last EMER line.  The ERR
 * line says what went wrong; a fatal() after it ("start-up failed")
 * usually only says that the process gives up. */
static void
take_line(struct child_output *o, const char *line)
{
	const char *p = line;

	for (int bars = 0; bars < 4 && p; bars++) {
		p = strchr(p, '|');
		if (p)
			p++;
	}
	if (p && !strncmp(p, "ERR|", 4))
		snprintf(o->reason, sizeof o->reason, "%s", p + 4);
	else if (p && !strncmp(p, "EMER|", 5))
		snprintf(o->emer, sizeof o->emer, "%s", p + 5);
}

static void
take(struct child_output *o, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (o->n_line < sizeof o->line - 1)
				o->line[o->n_line++] = buf[i];
			continue;
		}
		o->line[o->n_line] = '\0';
		take_line(o, o->line);
		o->n_line = 0;
	}
}

void
child_output_drain(struct child_output *o)
{
	char buf[4096];
	ssize_t n;

	while (o->io && (n = read(o->fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			break;
		}
		if (write(2, buf, (size_t)n) < 0) {
			/* the supervisor's own stderr is not ours to fix */
		}
		take(o, buf, (size_t)n);
	}
	/* End of file (the process and its copies of the pipe are gone) or
	 * an error: nothing more will come. */
	child_output_close(o);
}

static void
on_output(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	child_output_drain(arg);
}

int
child_output_open(struct child_output *o, struct ev_loop *loop, int *wfdp)
{
	int fds[2], err;

	child_output_close(o);
	o->reason[0] = '\0';
	o->emer[0] = '\0';
	o->n_line = 0;
	*wfdp = -1;
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	/* The child's end blocks, as a terminal or /dev/null would not,
	 * but the supervisor keeps reading it. */
	err = fcntl(fds[1], F_SETFL, 0) < 0
		      ? -errno
		      : ev_io_add(loop, fds[0], EPOLLIN, on_output, o, &o->io);
	if (err) {
		o->io = NULL;
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	o->fd = fds[0];
	*wfdp = fds[1];
	return 0;
}

void
child_output_close(struct child_output *o)
{
	if (!o->io)
		return;
	ev_io_del(o->io);
	o->io = NULL;
	close(o->fd);
}

const char *
child_output_reason(struct child_output *o)
{
	child_output_drain(o);
	return o->reason[0] ? o->reason : o->emer[0] ? o->emer : NULL;
}
