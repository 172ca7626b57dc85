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

/* Every identity the bus knows, and the only list of them: roles[] is
 * indexed by it, and bus/gen_catalogue.py reads this enum (one name a
 * line) so that a role's bit in the catalogue is 1 << its id.  The process
 * roles come first, in start order (dependencies first); then the
 * identities that are no process of their own. */
enum role_id {
	ROLE_DBSERVER,
	ROLE_UPCALLD,
	ROLE_VSWITCHD,
	ROLE_TUNNELD,
	ROLE_VTEPD,
	ROLE_N_PROCS,		   /* the process roles end here */
	ROLE_ADMIN = ROLE_N_PROCS, /* uid 0: the operator's tools */
	ROLE_N_IDS
};

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

/* Every identity, indexed by enum role_id: the first n_roles are the
 * process roles, in start order; the others have only a name and a user. */
extern const struct role roles[ROLE_N_IDS];
extern const size_t n_roles; /* ROLE_N_PROCS */

/* The process role named @name (also accepts "microvs-NAME" and Open
 * vSwitch's names "ovsdb-server" and "ovs-vswitchd"), or NULL. */
const struct role *role_find(const char *name);
/* The id of @r, its index in roles[]. */
enum role_id role_index(const struct role *r);
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
/* Resolves @r's user alone.  0, -ENOENT or -errno. */
int role_uid(const struct role *r, uid_t *uid);

#endif
