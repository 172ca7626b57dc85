/* SPDX-License-Identifier: Apache-2.0 */
/*
 * client: typed stubs for the calls every process serves (appctl, ping),
 * so tools never build bus messages by hand (STYLE.md rule 5).  They are
 * synchronous: for command-line tools and the supervisor.
 */
#ifndef MICROVS_SERVICE_CLIENT_H
#define MICROVS_SERVICE_CLIENT_H

#include <stddef.h>

#include "roles.h"

/* Runs appctl command @cmd with @args on @target in @rundir.  On 0,
 * *@status is the command's status (0 ok) and *@output its text (caller
 * frees).  A refusal by the process's bus is -EACCES etc. with *@output
 * the reason; a transport error (-ECONNREFUSED, -ENOENT: not running;
 * -EACCES: socket permissions; -ETIMEDOUT) leaves *@output NULL. */
int client_appctl(const char *rundir, const struct role *target,
		  const char *cmd, const char *const *args, size_t n_args,
		  unsigned timeout_ms, int *status, char **output);

/* Pings @target; on 0 sets *@pid (if not NULL) to the answering process's
 * pid.  0 or -errno as bus_call_sync_ping(). */
int client_ping(const char *rundir, const struct role *target,
		unsigned timeout_ms, long *pid);

#endif
