/* SPDX-License-Identifier: Apache-2.0 */
/*
 * microvs-ctl: starts, supervises and stops the five processes of one
 * instance, from the policy table in lib/roles.c — the table the systemd
 * units are generated from too.
 */
#ifndef MICROVS_CTL_H
#define MICROVS_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "roles.h"

struct ctl_dirs {
	char *rundir, *dbdir, *logdir, *bindir;
};

/* child_output.c: a supervised process's stderr, read through a pipe,
 * passed on to the supervisor's stderr, and its last error line kept. */
struct ev_loop;
struct ev_io;
struct child_output {
	struct ev_io *io; /* NULL: no pipe open (zero-initialised) */
	int fd;		  /* the read end (O_NONBLOCK) */
	char line[512];	  /* the line being read */
	size_t n_line;
	char reason[512]; /* text of the last ERR line, or "" */
	char emer[512];	  /* text of the last EMER line, or "" */
};
/* Before fork(): a new pipe for the next process (the previous one is
 * closed, its reason forgotten); *@wfdp is the end to make the child's
 * stderr (O_CLOEXEC: dup2 it), which the caller closes after fork().
 * The loop then reads it.  0 or -errno (*@wfdp is -1). */
int child_output_open(struct child_output *o, struct ev_loop *loop, int *wfdp);
/* Reads what the process wrote so far, without blocking; at end of file
 * closes the pipe. */
void child_output_drain(struct child_output *o);
/* The text of the last error line the process wrote (after reading what
 * is buffered), or NULL.  Stays valid until the next open. */
const char *child_output_reason(struct child_output *o);
/* Stops reading and closes the pipe (keeps the reason). */
void child_output_close(struct child_output *o);

/* notify.c: the supervisor's $NOTIFY_SOCKET (RUNDIR/notify.sock), with
 * each child's descriptor store (systemd's protocol: fdstore.h). */
struct fd_store_entry {
	char *name;
	int fd; /* the supervisor's copy, close-on-exec */
};
struct fd_store {
	struct fd_store_entry *v;
	size_t n;
};
/* Closes and forgets every stored descriptor. */
void fd_store_clear(struct fd_store *st);
struct notify;
/* The store of the current child whose pid is @pid, and in *@max how many
 * descriptors it may hold (its role's fd_store_max); NULL if @pid is no
 * child or may store nothing. */
typedef struct fd_store *notify_owner_fn(void *aux, pid_t pid, unsigned *max);
/* Listens on RUNDIR/notify.sock (0660, the run directory's group).  0 or
 * -errno (logged). */
int notify_open(struct ev_loop *loop, const char *rundir,
		notify_owner_fn *owner, void *aux, struct notify **ntp);
const char *notify_path(const struct notify *nt);
void notify_close(struct notify *nt);

/* Runs the supervisor in the foreground: starts every role in order,
 * waiting until each answers ping, restarts those that exit (throttled by
 * the role's policy), serves proc_start, proc_stop, proc_restart and
 * supervisor_shutdown on the bus as the supervisor role
 * (RUNDIR/supervisor.rpc), and on SIGTERM or supervisor_shutdown stops
 * them in reverse order.  @ready_fd (if >= 0) gets one NUL byte once all
 * are up, or the reason (text) when one did not come up.  Returns the exit
 * code: 0, or 1 if one did not come up (then the others are stopped). */
int supervise(const struct ctl_dirs *d, int ready_fd);

/* Path of @r's binary; caller frees. */
char *ctl_binary(const struct ctl_dirs *d, const struct role *r);

/* True if @r answers ping in @d->rundir within @timeout_ms; sets *@pid. */
bool ctl_ping(const struct ctl_dirs *d, const struct role *r,
	      unsigned timeout_ms, long *pid);

/* Writes one hardened unit per role plus microvs.target and a tmpfiles.d
 * snippet into @outdir, with binaries in @bindir.  0 or -errno. */
int units_write(const char *outdir, const char *bindir);

#endif
