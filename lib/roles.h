/* SPDX-License-Identifier: Apache-2.0 */
/*
 * roles: the one table of the five processes (STYLE.md rule 2 and the
 * Postfix master.cf idea): who each runs as, which capabilities it keeps,
 * its start order, and its supervision and sandbox policy.  microvs-ctl
 * supervises from it, the systemd units are generated from it, the bus maps
 * peer uids to roles with it, and the privilege test checks /proc against it.
 */
#ifndef MICROVS_ROLES_H
#define MICROVS_ROLES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define ROLE_GROUP "microvs"
#define ROLE_MAX_CAPS 4

struct role {
	const char *name;	 /* "dbserver": bus endpoint, appctl target */
	const char *binary;	 /* "microvs-dbserver" */
	const char *user;	 /* "microvs-db" */
	int caps[ROLE_MAX_CAPS]; /* kept capabilities, -1 terminated */
	const char *description;
	/* Supervision: restarts allowed within restart_window_ms before the
	 * supervisor backs off to restart_backoff_ms between attempts. */
	unsigned restart_burst, restart_window_ms, restart_backoff_ms;
	/* Sandbox: the socket address families it may open (the systemd
	 * units' RestrictAddressFamilies=, and the seccomp filter's rule for
	 * socket()), and whether it writes the database directory. */
	const char *address_families;
	bool writes_dbdir;
};

/* All roles, in start order (dependencies first). */
extern const struct role roles[];
extern const size_t n_roles;

/* The role named @name (also accepts "microvs-NAME" and Open vSwitch's
 * names "ovsdb-server" and "ovs-vswitchd"), or NULL. */
const struct role *role_find(const char *name);
/* Index of @r in roles[]. */
size_t role_index(const struct role *r);
/* Capability bit mask of @r (bit N = capability N). */
unsigned long long role_cap_mask(const struct role *r);

/* The address families a role may name, as numbers and names. */
struct role_family {
	int af;
	const char *name;
};
extern const struct role_family role_families[];
extern const size_t n_role_families;
/* Whether @r may open sockets of family @af. */
bool role_allows_family(const struct role *r, int af);

/* Resolves @r's user to *@uid and the microvs group to *@gid.
 * 0, -ENOENT (no such user or group) or -errno. */
int role_ids(const struct role *r, uid_t *uid, gid_t *gid);

#endif
