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
#define ROLE_MAX_FAMILIES 6
#define ROLE_MAX_SYSCALLS 4

/* A capability's bit in struct role's caps. */
#define ROLE_CAP(cap) (1ull << (cap))

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
	ROLE_SUPERVISOR,	   /* microvs-ctl's supervisor: an endpoint */
	ROLE_N_IDS
};

struct role {
	const char *name;   /* "dbserver": bus endpoint, appctl target */
	const char *binary; /* "microvs-dbserver" */
	const char *user;   /* "microvs-db" */
	const char *description;
	unsigned long long caps; /* kept capabilities: ROLE_CAP(CAP_X) | ... */
	/* Sandbox: the socket address families it may open, 0-terminated
	 * (the systemd units' RestrictAddressFamilies=, in this order, and the
	 * seccomp filter's rule for socket()); the system calls the seccomp
	 * filter allows it beyond the base list, NULL-terminated; whether it
	 * writes the database directory. */
	int families[ROLE_MAX_FAMILIES];
	const char *syscalls[ROLE_MAX_SYSCALLS];
	bool writes_dbdir;
	/* Supervision: restarts allowed within restart_window_ms before the
	 * supervisor backs off to restart_backoff_ms between attempts. */
	unsigned restart_burst, restart_window_ms, restart_backoff_ms;
	/* Descriptors it may keep across its own restart in the service
	 * manager's store (FileDescriptorStoreMax=; lib/fdstore.h); 0: none. */
	unsigned fd_store_max;
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

/* The address families a role may name, as numbers and names. */
struct role_family {
	int af;
	const char *name;
};
extern const struct role_family role_families[];
extern const size_t n_role_families;
/* Whether @r may open sockets of family @af. */
bool role_allows_family(const struct role *r, int af);
/* The name of family @af ("AF_UNIX"), or NULL if no role may name it. */
const char *role_family_name(int af);

/* Resolves @r's user to *@uid and the microvs group to *@gid.
 * 0, -ENOENT (no such user or group) or -errno. */
int role_ids(const struct role *r, uid_t *uid, gid_t *gid);
/* Resolves @r's user alone.  0, -ENOENT (no such user, or an identity
 * without a uid of its own) or -errno. */
int role_uid(const struct role *r, uid_t *uid);

#endif
