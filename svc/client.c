/* SPDX-License-Identifier: Apache-2.0 */
/* client: appctl and ping stubs. */
#include "client.h"

#include <stdlib.h>

#include "bus.h"
#include "util.h"

int
client_appctl(const char *rundir, const struct role *target, const char *cmd,
	      const char *const *args, size_t n_args, unsigned timeout_ms,
	      int *status, char **output)
{
	struct bus_msg_appctl_call call = { .command = cmd };
	struct bus_msg_appctl_reply *r;
	int err;

	bus_msg_appctl_call_set_args(&call, args, n_args);
	*status = 0;
	err = bus_call_sync_appctl_call(rundir, target, &call, timeout_ms, &r,
					output);
	if (err)
		return err;
	*status = (int)r->status;
	*output = xstrdup(r->output);
	bus_msg_appctl_reply_free(r);
	return 0;
}

int
client_ping(const char *rundir, const struct role *target, unsigned timeout_ms,
	    long *pid)
{
	struct bus_msg_ping p = { .token = 1 };
	struct bus_msg_pong *r;
	int err;

	err = bus_call_sync_ping(rundir, target, &p, timeout_ms, &r, NULL);
	if (err)
		return err;
	if (pid)
		*pid = (long)r->pid;
	bus_msg_pong_free(r);
	return 0;
}
