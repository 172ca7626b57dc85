/* SPDX-License-Identifier: Apache-2.0 */
/* ev_test: timers fire in order, io and signals dispatch, children reap. */
#include "ev.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

static int order[8], n_order;

static struct ev_loop *g_loop;

static void
on_timer_exit(struct ev_timer *t, void *arg)
{
	order[n_order++] = (int)(long)arg;
	if (n_order == 3)
		ev_exit(g_loop, 7);
}

static void
test_timers_in_order(void)
{
	struct ev_timer *t[3];

	CHECK_EQ(ev_loop_new(&g_loop), 0);
	n_order = 0;
	/* 100 ms apart: each deadline counts from its own add, and under
	 * valgrind on a loaded machine the adds were once over 10 ms apart. */
	t[0] = ev_timer_add(g_loop, 300, false, on_timer_exit, (void *)3);
	t[1] = ev_timer_add(g_loop, 100, false, on_timer_exit, (void *)1);
	t[2] = ev_timer_add(g_loop, 200, false, on_timer_exit, (void *)2);
	CHECK_EQ(ev_run(g_loop), 7);
	CHECK_EQ(order[0], 1);
	CHECK_EQ(order[1], 2);
	CHECK_EQ(order[2], 3);
	for (int i = 0; i < 3; i++)
		ev_timer_del(t[i]);
	ev_loop_free(g_loop);
}

static void
test_timer_delete_and_many(void)
{
	enum { N = 1000 };
	struct ev_timer *t[N];

	CHECK_EQ(ev_loop_new(&g_loop), 0);
	for (int i = 0; i < N; i++)
		t[i] = ev_timer_add(g_loop, (uint64_t)(1000 + i), false,
				    on_timer_exit, NULL);
	for (int i = 0; i < N; i += 2)
		ev_timer_del(t[i]);
	for (int i = 1; i < N; i += 2)
		ev_timer_del(t[i]);
	n_order = 0;
	struct ev_timer *fin =
		ev_timer_add(g_loop, 1, true, on_timer_exit, (void *)9);
	CHECK_EQ(ev_run(g_loop), 7);
	CHECK_EQ(n_order, 3);
	ev_timer_del(fin);
	ev_loop_free(g_loop);
}

static int io_hits;

static void
on_io(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	char c;

	CHECK(revents & EPOLLIN);
	CHECK_EQ(read(fd, &c, 1), 1);
	io_hits++;
	ev_io_del(io);
	ev_exit(g_loop, 0);
}

static void
test_io(void)
{
	int p[2];

	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(ev_loop_new(&g_loop), 0);
	CHECK_EQ(ev_io_add(g_loop, p[0], EPOLLIN, on_io, NULL, NULL), 0);
	CHECK_EQ(write(p[1], "x", 1), 1);
	CHECK_EQ(ev_run(g_loop), 0);
	CHECK_EQ(io_hits, 1);
	ev_loop_free(g_loop);
	close(p[0]);
	close(p[1]);
}

static unsigned mod_hits;

static void
on_mod_io(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	mod_hits++;
	if (revents & EPOLLOUT) {
		/* Write interest off again: only a readable fd wakes us. */
		CHECK_EQ(ev_io_modify(io, EPOLLIN), 0);
		ev_exit(g_loop, 0);
	}
}

static void
on_mod_timer(struct ev_timer *t, void *arg)
{
	ev_timer_del(t);
	ev_exit(g_loop, 0);
}

/* ev_io_modify: the same events again changes nothing; a change takes
 * effect and a change back too (the loop's own record of the events must
 * follow the kernel's). */
static void
test_io_modify(void)
{
	int sv[2];
	struct ev_io *io;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(ev_loop_new(&g_loop), 0);
	CHECK_EQ(ev_io_add(g_loop, sv[0], EPOLLIN, on_mod_io, NULL, &io), 0);
	CHECK_EQ(ev_io_modify(io, EPOLLIN), 0);
	/* Writable at once: EPOLLOUT wakes the loop. */
	CHECK_EQ(ev_io_modify(io, EPOLLIN | EPOLLOUT), 0);
	CHECK_EQ(ev_run(g_loop), 0);
	CHECK_EQ(mod_hits, 1);
	/* Back to EPOLLIN only: an idle socket wakes nobody before the
	 * timer (a stale EPOLLOUT would spin the callback). */
	ev_timer_add(g_loop, 50, false, on_mod_timer, NULL);
	CHECK_EQ(ev_run(g_loop), 0);
	CHECK_EQ(mod_hits, 1);
	ev_io_del(io);
	ev_loop_free(g_loop);
	close(sv[0]);
	close(sv[1]);
}

static int got_signo;

static void
on_sig(int signo, void *arg)
{
	got_signo = signo;
	ev_exit(g_loop, 0);
}

static int child_status = -1;

static void
on_child(pid_t pid, int status, void *arg)
{
	child_status = status;
	ev_exit(g_loop, 0);
}

static void
test_signal_and_child(void)
{
	pid_t pid;

	CHECK_EQ(ev_loop_new(&g_loop), 0);
	CHECK_EQ(ev_signal_add(g_loop, SIGUSR1, on_sig, NULL), 0);
	kill(getpid(), SIGUSR1);
	ev_run(g_loop);
	CHECK_EQ(got_signo, SIGUSR1);

	pid = fork();
	if (pid == 0)
		_exit(3);
	CHECK_EQ(ev_child_add(g_loop, pid, on_child, NULL), 0);
	if (child_status < 0)
		ev_run(g_loop);
	CHECK(WIFEXITED(child_status) && WEXITSTATUS(child_status) == 3);
	ev_loop_free(g_loop);
}

int
main(void)
{
	CHECK_RUN(test_timers_in_order);
	CHECK_RUN(test_timer_delete_and_many);
	CHECK_RUN(test_io);
	CHECK_RUN(test_io_modify);
	CHECK_RUN(test_signal_and_child);
	CHECK_EXIT();
}
