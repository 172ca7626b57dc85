/* SPDX-License-Identifier: Apache-2.0 */
/* client: appctl and ping stubs. */
#include "client.h"

#include <errno.h>
#include <string.h>

#include "bus.h"
#include "util.h"

int
client_appctl(const char *rundir, const char *target, const char *cmd,
	      char *const *args, size_t n_args, unsigned timeout_ms,
	      int *status, char **output)
{
	struct bus_msg_appctl_call call = {
		.command = (char *)(uintptr_t)cmd,
		.args = { (char **)(uintptr_t)args, n_args },
	};
	unsigned type;
	void *reply;
	int err;

	*output = NULL;
	*status = 0;
	err = bus_call_sync(rundir, target, BUS_MSG_APPCTL_CALL, &call,
			    timeout_ms, &type, &reply);
	if (err)
		return err;
	if (type == BUS_MSG_APPCTL_REPLY) {
		const struct bus_msg_appctl_reply *r = reply;
		*status = (int)r->status;
		*output = xstrdup(r->output);
	} else if (type == BUS_MSG_ERROR) {
		const struct bus_msg_error *e = reply;
		err = e->err < 0 ? (int)e->err : -EPROTO;
		*output = xstrdup(e->message ? e->message : strerror(-err));
	} else {
		err = -EPROTO;
	}
	bus_msg_free(type, reply);
	return err;
}

int
client_ping(const char *rundir, const char *target, unsigned timeout_ms,
	    long *pid)
{
	struct bus_msg_ping p = { .token = 1 };
	unsigned type;
	void *reply;
	int err;

	err = bus_call_sync(rundir, target, BUS_MSG_PING, &p, timeout_ms, &type,
			    &reply);
	if (err)
		return err;
	if (type == BUS_MSG_PONG && pid)
		*pid = (long)((struct bus_msg_pong *)reply)->pid;
	else if (type != BUS_MSG_PONG)
		err = -EPROTO;
	bus_msg_free(type, reply);
	return err;
}
