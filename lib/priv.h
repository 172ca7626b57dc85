/* SPDX-License-Identifier: Apache-2.0 */
/*
 * priv: the privilege drop, one call with a fixed order (STYLE.md rule 2):
 *   1. (caller) open everything that needs privilege;
 *   2. clear the ambient set, reduce the bounding set to the role's caps;
 *   3. PR_SET_KEEPCAPS if the role keeps capabilities;
 *   4. setgroups / setresgid / setresuid to the role's user and group;
 *   5. permitted and effective sets = the role's caps (libcap-ng);
 *   6. PR_SET_NO_NEW_PRIVS;
 *   7. the seccomp allow-list (priv_seccomp.c), on every thread.
 * Threads that exist before the drop (nng's I/O threads) lose every
 * capability at step 4: glibc changes the ids of all threads and only the
 * calling thread has KEEPCAPS set.
 */
#ifndef MICROVS_PRIV_H
#define MICROVS_PRIV_H

#include <stdbool.h>

#include "roles.h"

/* Drops to @r.  If not running as root, changes no ids (logged once) but
 * still reduces capabilities and sets NO_NEW_PRIVS.  0 or -errno; on error
 * the caller must exit (a half-dropped process must not run). */
int priv_drop(const struct role *r);

/* Step 7 alone: loads @r's seccomp allow-list on every thread; anything
 * else fails with EPERM.  NO_NEW_PRIVS must be set.  0 (also when the
 * kernel lacks seccomp: logged) or -errno. */
int priv_seccomp(const struct role *r);

#endif
