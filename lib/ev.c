/* SPDX-License-Identifier: Apache-2.0 */
/* ev: epoll loop with a timer heap, signalfd and child sources. */
#include "ev.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

struct ev_io {
	struct ev_loop *loop;
	int fd;
	ev_io_fn *fn;
	void *arg;
	uint32_t events; /* as the kernel has them */
	bool dead;
	struct ev_io *next_dead;
};

struct ev_timer {
	struct ev_loop *loop;
	uint64_t due, period;
	size_t idx; /* position in the heap, SIZE_MAX if not queued */
	ev_timer_fn *fn;
	void *arg;
};

struct ev_child {
	pid_t pid;
	ev_child_fn *fn;
	void *arg;
	struct ev_child *next;
};

struct ev_loop {
	int epfd;
	bool running;
	int exit_code;
	uint64_t now;
	struct ev_timer **heap;
	size_t n_heap, cap_heap;
	struct ev_io *dead; /* deleted io sources, freed after dispatch */
	/* Signals. */
	int sigfd;
	sigset_t sigs;
	struct ev_io *sig_io;
	ev_signal_fn *sig_fn[NSIG];
	void *sig_arg[NSIG];
	struct ev_child *children;
};

int
ev_loop_new(struct ev_loop **loopp)
{
	struct ev_loop *loop = xzalloc(sizeof *loop);

	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		int err = -errno;
		free(loop);
		return err;
	}
	loop->sigfd = -1;
	sigemptyset(&loop->sigs);
	loop->now = time_mono_ms();
	*loopp = loop;
	return 0;
}

static void
free_dead(struct ev_loop *loop)
{
	while (loop->dead) {
		struct ev_io *io = loop->dead;
		loop->dead = io->next_dead;
		free(io);
	}
}

void
ev_loop_free(struct ev_loop *loop)
{
	if (!loop)
		return;
	if (loop->sig_io)
		ev_io_del(loop->sig_io);
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	free_dead(loop);
	for (size_t i = 0; i < loop->n_heap; i++)
		free(loop->heap[i]);
	free(loop->heap);
	while (loop->children) {
		struct ev_child *c = loop->children;
		loop->children = c->next;
		free(c);
	}
	close(loop->epfd);
	free(loop);
}

int
ev_io_add(struct ev_loop *loop, int fd, uint32_t events, ev_io_fn *fn,
	  void *arg, struct ev_io **iop)
{
	struct ev_io *io = xzalloc(sizeof *io);
	struct epoll_event ev = { .events = events, .data.ptr = io };

	io->loop = loop;
	io->fd = fd;
	io->events = events;
	io->fn = fn;
	io->arg = arg;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = -errno;
		free(io);
		return err;
	}
	if (iop)
		*iop = io;
	return 0;
}

int
ev_io_modify(struct ev_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	/* Callers set what they want after each turn: most turns it is
	 * what the kernel has already (nothing here is one-shot). */
	if (events == io->events)
		return 0;
	if (epoll_ctl(io->loop->epfd, EPOLL_CTL_MOD, io->fd, &ev) < 0)
		return -errno;
	io->events = events;
	return 0;
}

void
ev_io_del(struct ev_io *io)
{
	if (!io || io->dead)
		return;
	epoll_ctl(io->loop->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	io->dead = true;
	io->next_dead = io->loop->dead;
	io->loop->dead = io;
}

/* Timer heap: a min-heap on due time; each timer knows its index. */
static void
heap_swap(struct ev_loop *loop, size_t a, size_t b)
{
	struct ev_timer *t = loop->heap[a];

	loop->heap[a] = loop->heap[b];
	loop->heap[b] = t;
	loop->heap[a]->idx = a;
	loop->heap[b]->idx = b;
}

static void
heap_up(struct ev_loop *loop, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (loop->heap[parent]->due <= loop->heap[i]->due)
			break;
		heap_swap(loop, i, parent);
		i = parent;
	}
}

static void
heap_down(struct ev_loop *loop, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < loop->n_heap && loop->heap[l]->due < loop->heap[m]->due)
			m = l;
		if (r < loop->n_heap && loop->heap[r]->due < loop->heap[m]->due)
			m = r;
		if (m == i)
			break;
		heap_swap(loop, i, m);
		i = m;
	}
}

static void
heap_push(struct ev_loop *loop, struct ev_timer *t)
{
	if (loop->n_heap == loop->cap_heap) {
		loop->cap_heap = loop->cap_heap ? loop->cap_heap * 2 : 16;
		loop->heap = xrealloc(loop->heap,
				      loop->cap_heap * sizeof *loop->heap);
	}
	t->idx = loop->n_heap++;
	loop->heap[t->idx] = t;
	heap_up(loop, t->idx);
}

static void
heap_remove(struct ev_loop *loop, struct ev_timer *t)
{
	size_t i = t->idx;

	if (i == SIZE_MAX)
		return;
	loop->n_heap--;
	if (i != loop->n_heap) {
		heap_swap(loop, i, loop->n_heap);
		heap_down(loop, i);
		heap_up(loop, i);
	}
	t->idx = SIZE_MAX;
}

struct ev_timer *
ev_timer_add(struct ev_loop *loop, uint64_t ms, bool repeat, ev_timer_fn *fn,
	     void *arg)
{
	struct ev_timer *t = xzalloc(sizeof *t);

	t->loop = loop;
	t->fn = fn;
	t->arg = arg;
	t->period = repeat ? (ms ? ms : 1) : 0;
	t->due = time_mono_ms() + ms;
	heap_push(loop, t);
	return t;
}

void
ev_timer_rearm(struct ev_timer *t, uint64_t ms)
{
	heap_remove(t->loop, t);
	t->due = time_mono_ms() + ms;
	heap_push(t->loop, t);
}

void
ev_timer_del(struct ev_timer *t)
{
	if (!t)
		return;
	heap_remove(t->loop, t);
	free(t);
}

static void
run_timers(struct ev_loop *loop)
{
	while (loop->n_heap && loop->heap[0]->due <= loop->now) {
		struct ev_timer *t = loop->heap[0];

		heap_remove(loop, t);
		if (t->period) {
			t->due = loop->now + t->period;
			heap_push(loop, t);
		}
		/* A one-shot timer stays allocated until the owner deletes
		 * it (or re-arms it); that keeps ownership simple. */
		t->fn(t, t->arg);
	}
}

static void
reap_children(struct ev_loop *loop)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		struct ev_child **p;

		if (pid <= 0)
			return;
		for (p = &loop->children; *p; p = &(*p)->next)
			if ((*p)->pid == pid)
				break;
		if (*p) {
			struct ev_child *c = *p;
			*p = c->next;
			c->fn(pid, status, c->arg);
			free(c);
		}
	}
}

static void
on_signalfd(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct ev_loop *loop = arg;
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof si) == sizeof si) {
		int signo = (int)si.ssi_signo;

		if (signo == SIGCHLD)
			reap_children(loop);
		if (signo > 0 && signo < NSIG && loop->sig_fn[signo])
			loop->sig_fn[signo](signo, loop->sig_arg[signo]);
	}
}

static int
watch_signal(struct ev_loop *loop, int signo)
{
	int fd;

	sigaddset(&loop->sigs, signo);
	if (sigprocmask(SIG_BLOCK, &loop->sigs, NULL) < 0)
		return -errno;
	fd = signalfd(loop->sigfd, &loop->sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (loop->sigfd < 0) {
		loop->sigfd = fd;
		return ev_io_add(loop, fd, EPOLLIN, on_signalfd, loop,
				 &loop->sig_io);
	}
	return 0;
}

int
ev_signal_add(struct ev_loop *loop, int signo, ev_signal_fn *fn, void *arg)
{
	if (signo <= 0 || signo >= NSIG)
		return -EINVAL;
	loop->sig_fn[signo] = fn;
	loop->sig_arg[signo] = arg;
	return watch_signal(loop, signo);
}

int
ev_child_add(struct ev_loop *loop, pid_t pid, ev_child_fn *fn, void *arg)
{
	struct ev_child *c = xzalloc(sizeof *c);
	int err;

	c->pid = pid;
	c->fn = fn;
	c->arg = arg;
	c->next = loop->children;
	loop->children = c;
	err = sigismember(&loop->sigs, SIGCHLD) ? 0
						: watch_signal(loop, SIGCHLD);
	/* The child may have exited before SIGCHLD was watched. */
	reap_children(loop);
	return err;
}

void
ev_child_forget(struct ev_loop *loop, pid_t pid)
{
	for (struct ev_child **p = &loop->children; *p; p = &(*p)->next)
		if ((*p)->pid == pid) {
			struct ev_child *c = *p;
			*p = c->next;
			free(c);
			return;
		}
}

int
ev_run(struct ev_loop *loop)
{
	struct epoll_event evs[64];

	loop->running = true;
	while (loop->running) {
		int timeout = -1, n;

		loop->now = time_mono_ms();
		run_timers(loop);
		if (!loop->running)
			break;
		if (loop->n_heap) {
			uint64_t due = loop->heap[0]->due;
			timeout = due <= loop->now ? 0 : (int)(due - loop->now);
		}
		n = epoll_wait(loop->epfd, evs, ARRAY_SIZE(evs), timeout);
		if (n < 0 && errno != EINTR)
			return -errno;
		loop->now = time_mono_ms();
		for (int i = 0; i < n; i++) {
			struct ev_io *io = evs[i].data.ptr;
			if (!io->dead)
				io->fn(io, io->fd, evs[i].events, io->arg);
		}
		free_dead(loop);
	}
	return loop->exit_code;
}

void
ev_exit(struct ev_loop *loop, int code)
{
	loop->running = false;
	loop->exit_code = code;
}
