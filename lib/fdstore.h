/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fdstore: descriptors a process keeps across its own restart, through the
 * service manager's file-descriptor store.  The protocol is systemd's
 * (sd_notify(3) "FDSTORE=1" with the descriptors as SCM_RIGHTS on
 * $NOTIFY_SOCKET; given back to the next instance as fds 3, 4, ... with
 * $LISTEN_FDS, $LISTEN_FDNAMES and $LISTEN_PID, as sd_listen_fds(3)), and
 * microvs-ctl's supervisor speaks the same, so one process works under
 * both.  The unit (or the role table, for the supervisor) bounds how many
 * a process may store (FileDescriptorStoreMax=).
 *
 * upcalld keeps its datapath in it (the sockets of its ports and a memfd
 * with the megaflow table), so that forwarding resumes at once after a
 * crash.
 *
 * Not thread-safe; call from the main thread.
 */
#ifndef MICROVS_FDSTORE_H
#define MICROVS_FDSTORE_H

#include <stddef.h>

#define FDSTORE_NAME_MAX 255 /* systemd's limit on FDNAME= */

/* Takes the descriptors the service manager passed to this process
 * ($LISTEN_PID must be ours): marks them close-on-exec, remembers them by
 * name, and unsets the variables so that children do not see them.
 * Returns how many there are (fds 3 .. 3 + n - 1), 0 if none.  The first
 * thing a process does (daemon_init_process), before it closes the
 * descriptors it inherited by accident above them. */
int fdstore_adopt(void);

/* Moves the adopted descriptors named @name (in the order they were
 * stored) into @fds, at most @max; returns how many.  Each is the
 * caller's afterwards (taken: a second call returns 0). */
size_t fdstore_take(const char *name, int *fds, size_t max);

/* The names of the adopted descriptors not taken yet, each once, in the
 * order they were stored, in a NULL-terminated array: free each name and
 * the array.  For a process that finds what it kept by a prefix. */
char **fdstore_names(void);

/* Closes the adopted descriptors nobody took (state of a previous version
 * the process no longer understands). */
void fdstore_close_untaken(void);

/* Stores @n descriptors under @name with the service manager (they are
 * duplicated there; the caller keeps its own).  A name may hold several
 * descriptors; storing again adds to them.  0, -ENOTSUP when no service
 * manager listens ($NOTIFY_SOCKET unset), -EINVAL for a bad name, or
 * -errno of sendmsg. */
int fdstore_put(const char *name, const int *fds, size_t n);

/* Drops every descriptor stored under @name, and waits (at most
 * FDSTORE_BARRIER_MS) until the manager has done so: a device whose last
 * descriptor was stored (a tap) is gone when this returns 0.  0, -errno as
 * fdstore_put, or -ETIMEDOUT. */
int fdstore_remove(const char *name);

#define FDSTORE_BARRIER_MS 2000

/* Waits until the service manager has handled every message sent before
 * (systemd's BARRIER=1, as sd_notify_barrier): 0, -ETIMEDOUT after
 * @timeout_ms, -errno.  Blocks. */
int fdstore_barrier(int timeout_ms);

/* Sends @state (e.g. "READY=1") to $NOTIFY_SOCKET with the descriptors
 * @fds (n may be 0): the one sender of sd_notify messages.  0 when no
 * socket is set, or -errno. */
int fdstore_notify(const char *state, const int *fds, size_t n);

#endif
