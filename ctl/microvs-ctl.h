/* SPDX-License-Identifier: Apache-2.0 */
/*
 * microvs-ctl: starts, supervises and stops the five processes of one
 * instance, from the policy table in lib/roles.c — the table the systemd
 * units are generated from too.
 */
#ifndef MICROVS_CTL_H
#define MICROVS_CTL_H

#include <stdbool.h>

#include "roles.h"

struct ctl_dirs {
	char *rundir, *dbdir, *logdir, *bindir;
};

/* Runs the supervisor in the foreground: starts every role in order,
 * waiting until each answers ping, restarts those that exit (throttled by
 * the role's policy), answers the control socket RUNDIR/microvs-ctl.sock,
 * and on SIGTERM or "shutdown" stops them in reverse order.  @ready_fd (if
 * >= 0) gets one byte once all are up.  Returns the exit code. */
int supervise(const struct ctl_dirs *d, int ready_fd);

/* The control socket path; caller frees. */
char *ctl_socket_path(const struct ctl_dirs *d);

/* Path of @r's binary; caller frees. */
char *ctl_binary(const struct ctl_dirs *d, const struct role *r);

/* True if @r answers ping in @d->rundir within @timeout_ms; sets *@pid. */
bool ctl_ping(const struct ctl_dirs *d, const struct role *r,
	      unsigned timeout_ms, long *pid);

/* Writes one hardened unit per role plus microvs.target and a tmpfiles.d
 * snippet into @outdir, with binaries in @bindir.  0 or -errno. */
int units_write(const char *outdir, const char *bindir);

#endif
