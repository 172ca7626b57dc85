/* SPDX-License-Identifier: Apache-2.0 */
/*
 * roles_test: the role table is complete and consistent with enum role_id:
 * every id has its row, process roles have a binary and a user and are
 * found by name, and no two identities share a name.
 */
#include "roles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util.h"

static void
test_every_id_has_its_row(void)
{
	for (enum role_id id = 0; id < ROLE_N_IDS; id++) {
		const struct role *r = &roles[id];

		CHECK(r->name != NULL);
		CHECK(r->user != NULL || id >= ROLE_N_PROCS);
		if (!r->name)
			continue;
		CHECK_EQ(role_index(r), id);
		for (enum role_id j = 0; j < id; j++)
			CHECK(strcmp(roles[j].name, r->name) != 0);
		if (id >= ROLE_N_PROCS) {
			CHECK(role_find(r->name) == NULL);
			continue;
		}
		char *bin = xasprintf("microvs-%s", r->name);
		CHECK_STREQ(r->binary, bin);
		free(bin);
		CHECK(role_find(r->name) == r);
		CHECK(role_find(r->binary) == r);
	}
	CHECK_EQ(n_roles, ROLE_N_PROCS);
}

int
main(void)
{
	CHECK_RUN(test_every_id_has_its_row);
	CHECK_EXIT();
}
