/* SPDX-License-Identifier: Apache-2.0 */
/* bus_acl_test: each role's user holds that role's rights and no other's,
 * through the one list of roles (enum role_id). */
#include "bus_acl.h"

#include <stdio.h>
#include <string.h>

#include "bus_codec.h"
#include "check.h"

static void
test_role_users(void)
{
	struct bus_acl acl;
	size_t found = 0;

	bus_acl_load(&acl);
	CHECK_STREQ(bus_acl_role_name(&acl, 0), "admin");
	CHECK(bus_acl_may_send(&acl, 0, BUS_MSG_APPCTL_CALL));
	for (size_t i = 0; i < n_roles; i++) {
		const struct bus_msg_desc *d = bus_msg_desc(BUS_MSG_OVSDB_CALL);
		uint32_t bit = bus_acl_role_bit(&roles[i]);
		uid_t uid;
		gid_t gid;

		CHECK(bit != 0);
		CHECK_EQ(bit, 1u << i);
		if (role_ids(&roles[i], &uid, &gid))
			continue;
		found++;
		CHECK_STREQ(bus_acl_role_name(&acl, uid), roles[i].name);
		CHECK_EQ(bus_acl_roles(&acl, uid), bit);
		CHECK_EQ(bus_acl_may_send(&acl, uid, BUS_MSG_OVSDB_CALL),
			 (d->senders & bit) != 0);
		/* Processes never send what only the operator may. */
		CHECK(!bus_acl_may_send(&acl, uid, BUS_MSG_APPCTL_CALL));
	}
	/* The catalogue forbids upcalld ovsdb_call and allows vswitchd. */
	uid_t uid;
	gid_t gid;
	if (!role_ids(role_find("upcalld"), &uid, &gid))
		CHECK(!bus_acl_may_send(&acl, uid, BUS_MSG_OVSDB_CALL));
	if (!role_ids(role_find("vswitchd"), &uid, &gid))
		CHECK(bus_acl_may_send(&acl, uid, BUS_MSG_OVSDB_CALL));
	if (!found)
		fprintf(stderr, "no role users: uid checks skipped\n");
	CHECK_STREQ(bus_acl_role_name(&acl, 54321), "no role");
	CHECK(!bus_acl_may_send(&acl, 54321, BUS_MSG_OVSDB_CALL));
}

int
main(void)
{
	CHECK_RUN(test_role_users);
	CHECK_EXIT();
}
