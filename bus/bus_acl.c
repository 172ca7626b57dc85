/* SPDX-License-Identifier: Apache-2.0 */
/* bus_acl: peer uid -> roles -> the catalogue's allowed senders. */
#include "bus_acl.h"

#include <unistd.h>

#include "bus_codec.h"
#include "roles.h"
#include "util.h"

uint32_t
bus_acl_role_bit(const struct role *r)
{
	/* The catalogue's bit of a role is 1 << its enum role_id
	 * (gen_catalogue.py reads the enum): one list, one order. */
	return 1u << role_index(r);
}

void
bus_acl_load(struct bus_acl *acl)
{
	acl->n = 0;
	for (enum role_id id = 0; id < ROLE_N_IDS; id++) {
		uid_t uid;

		if (role_uid(&roles[id], &uid))
			continue;
		acl->uids[acl->n] = uid;
		acl->roles[acl->n++] = 1u << id;
	}
	/* An instance run entirely by one ordinary user (no root, so no
	 * drop): that user is every identity, the operator (admin) included,
	 * so that its microvs-ctl may still call its supervisor. */
	if (getuid() != 0) {
		acl->uids[acl->n] = getuid();
		acl->roles[acl->n++] = (1u << ROLE_N_IDS) - 1;
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

	for (enum role_id id = 0; id < ROLE_N_IDS; id++)
		if (bits & (1u << id))
			return roles[id].name;
	return "no role";
}

bool
bus_acl_may_send(const struct bus_acl *acl, uid_t uid, unsigned type)
{
	const struct bus_msg_desc *d = bus_msg_desc(type);

	return d && (d->senders & bus_acl_roles(acl, uid));
}
