/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bus_acl: who may send what, by peer uid.  The role table (lib/roles.c)
 * maps uids to roles; the catalogue's descriptors (catalogue.txt) say
 * which roles may send each message.  The bus checks every call and
 * notification with it, and dbserver checks its punix: clients with it
 * (a client there can do whatever ovsdb_call does), so both doors of the
 * database answer to one table.
 */
#ifndef MICROVS_BUS_ACL_H
#define MICROVS_BUS_ACL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "roles.h"

/* One uid per identity, and the caller's own (see bus_acl_load()). */
#define BUS_ACL_MAX_UIDS (ROLE_N_IDS + 1)

struct bus_acl {
	uid_t uids[BUS_ACL_MAX_UIDS];
	uint32_t roles[BUS_ACL_MAX_UIDS]; /* BUS_ROLE_* bits */
	size_t n;
};

/* Fills @acl: each identity's user (root for admin) is that identity, and
 * when not started as root the caller's own uid is every identity (an
 * instance run entirely by one user).  Reads the user database (getpwnam): call
 * it before the privilege drop and the seccomp filter.  A role whose user is
 * missing is left out. */
void bus_acl_load(struct bus_acl *acl);
/* The catalogue's BUS_ROLE_* bit of role @r. */
uint32_t bus_acl_role_bit(const struct role *r);
/* The BUS_ROLE_* bits of @uid (0: no role). */
uint32_t bus_acl_roles(const struct bus_acl *acl, uid_t uid);
/* The name of @uid's first role ("admin", "upcalld"...), or "no role". */
const char *bus_acl_role_name(const struct bus_acl *acl, uid_t uid);
/* True if the catalogue lets one of @uid's roles send message @type. */
bool bus_acl_may_send(const struct bus_acl *acl, uid_t uid, unsigned type);

#endif
