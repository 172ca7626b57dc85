/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ev: the one event loop (STYLE.md rule 6).  epoll for io, a binary heap
 * of monotonic timers, signals through one signalfd, and child exits
 * (SIGCHLD + waitpid).  Single-threaded: every callback runs on the thread
 * that called ev_run().  Other threads (nng's) hand work over with
 * ev_wakeup sources (an eventfd).
 *
 * Sources are owned by the loop until deleted; deleting a source from its
 * own callback is allowed.
 */
#ifndef MICROVS_EV_H
#define MICROVS_EV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct ev_loop;
struct ev_io;
struct ev_timer;

typedef void ev_io_fn(struct ev_io *io, int fd, uint32_t revents, void *arg);
typedef void ev_timer_fn(struct ev_timer *t, void *arg);
typedef void ev_signal_fn(int signo, void *arg);
typedef void ev_child_fn(pid_t pid, int status, void *arg);

/* 0 or -errno. */
int ev_loop_new(struct ev_loop **loopp);
void ev_loop_free(struct ev_loop *loop);

/* Watches @fd for @events (EPOLLIN, EPOLLOUT...).  0 or -errno. */
int ev_io_add(struct ev_loop *loop, int fd, uint32_t events, ev_io_fn *fn,
	      void *arg, struct ev_io **iop);
/* Changes what @io watches for (nothing to do when it is the same).  0 or
 * -errno. */
int ev_io_modify(struct ev_io *io, uint32_t events);
/* Stops watching; does not close the fd. */
void ev_io_del(struct ev_io *io);

/* Calls @fn once after @ms milliseconds, or every @ms if @repeat. */
struct ev_timer *ev_timer_add(struct ev_loop *loop, uint64_t ms, bool repeat,
			      ev_timer_fn *fn, void *arg);
/* Re-arms @t to fire @ms from now. */
void ev_timer_rearm(struct ev_timer *t, uint64_t ms);
void ev_timer_del(struct ev_timer *t);

/* Blocks @signo and delivers it through the loop.  One callback per
 * signal.  0 or -errno. */
int ev_signal_add(struct ev_loop *loop, int signo, ev_signal_fn *fn, void *arg);
/* Calls @fn when child @pid exits (after reaping it).  0 or -errno. */
int ev_child_add(struct ev_loop *loop, pid_t pid, ev_child_fn *fn, void *arg);

/* Forgets @pid's child source (the caller reaped it itself). */
void ev_child_forget(struct ev_loop *loop, pid_t pid);

/* Runs until ev_exit(); returns the code given to ev_exit(). */
int ev_run(struct ev_loop *loop);
void ev_exit(struct ev_loop *loop, int code);

#endif
