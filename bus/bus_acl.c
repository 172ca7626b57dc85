/* SPDX-License-Identifier: Apache-2.0 */
/* bus_acl: peer uid -> roles -> the catalogue's allowed senders. */
#include "bus_acl.h"

#include <string.h>
#include <unistd.h>

#include "bus_codec.h"
#include "roles.h"
#include "util.h"

/* By name: the generator's role order and lib/roles.c's need not agree
 * (they did not: upcalld's user held vswitchd's rights and the other way
 * round). */
uint32_t
bus_acl_role_bit(const struct role *r)
{
	for (unsigned i = 0; i < BUS_N_ROLES; i++)
		if (!strcmp(bus_role_names[i], r->name))
			return 1u << i;
	return 0;
}

void
bus_acl_load(struct bus_acl *acl)
{
	uint32_t all = 0;

	acl->uids[0] = 0;
	acl->roles[0] = BUS_ROLE_ADMIN;
	acl->n = 1;
	for (size_t i = 0; i < n_roles && acl->n < BUS_ACL_MAX_UIDS; i++) {
		uid_t uid;
		gid_t gid;

		all |= bus_acl_role_bit(&roles[i]);
		if (role_ids(&roles[i], &uid, &gid))
			continue;
		acl->uids[acl->n] = uid;
		acl->roles[acl->n++] = bus_acl_role_bit(&roles[i]);
	}
	if (getuid() != 0 && acl->n < BUS_ACL_MAX_UIDS) {
		acl->uids[acl->n] = getuid();
		acl->roles[acl->n++] = all;
	}
}

uint32_t
bus_acl_roles(const struct bus_acl *acl, uid_t uid)
{
	uint32_t bits = 0;

	for (size_t i = 0; i < acl->n; i++)
		if (acl->uids[i] == uid)
			bits |= acl->roles[i];
	return bits;
}

const char *
bus_acl_role_name(const struct bus_acl *acl, uid_t uid)
{
	uint32_t bits = bus_acl_roles(acl, uid);

	for (unsigned i = 0; i < BUS_N_ROLES; i++)
		if (bits & (1u << i))
			return bus_role_names[i];
	return "no role";
}

bool
bus_acl_may_send(const struct bus_acl *acl, uid_t uid, unsigned type)
{
	const struct bus_msg_desc *d = bus_msg_desc(type);

	return d && (d->senders & bus_acl_roles(acl, uid));
}
