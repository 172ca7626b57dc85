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
 * the role's policy), serves proc_start, proc_stop, proc_restart and
 * supervisor_shutdown on the bus as the supervisor role
 * (RUNDIR/supervisor.rpc), and on SIGTERM or supervisor_shutdown stops
 * them in reverse order.  @ready_fd (if >= 0) gets one byte once all are
 * up.  Returns the exit code: 0, or 1 if one did not come up (then the
 * others are stopped and @ready_fd gets nothing). */
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
