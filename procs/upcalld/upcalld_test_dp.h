/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_test_dp: a helper for the tests and benchmarks of the datapath
 * (header-only, never in the daemon): ports p1..pN on a datapath.
 */
#ifndef MICROVS_UPCALLD_TEST_DP_H
#define MICROVS_UPCALLD_TEST_DP_H

#include <stdio.h>

#include "upcalld_dp.h"

/* Adds system-type ports "p1".."p@n" to @dp (numbers 1..@n on a fresh
 * datapath); returns how many were added. */
static inline int
test_dp_add_ports(struct dp *dp, int n)
{
	int added = 0;

	for (int i = 1; i <= n; i++) {
		char name[16];
		uint32_t no;

		snprintf(name, sizeof name, "p%d", i);
		struct dp_port_spec s = { name, MVS_VPORT_TYPE_NETDEV,
					  MVS_PORT_NONE, 0 };
		added += !dp_port_add(dp, &s, &no);
	}
	return added;
}

#endif
