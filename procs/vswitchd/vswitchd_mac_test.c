/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_mac_test: MAC learning: per VLAN, moves, aging with
 * mac-aging-time, the mac-table-size limit with fair eviction, flushes,
 * and the tags every change reports (what invalidation works from).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vswitchd.h"

static int port_a, port_b, port_c; /* their addresses stand for ports */

static void
mac(uint8_t m[6], unsigned n)
{
	m[0] = 0x02;
	m[1] = m[2] = 0;
	m[3] = (uint8_t)(n >> 16);
	m[4] = (uint8_t)(n >> 8);
	m[5] = (uint8_t)n;
}

/* True if @tag is among the changes taken now. */
static bool
changed(struct mac_table *mt, uint64_t tag)
{
	size_t n;
	uint64_t *tags = mac_table_take_changes(mt, &n);
	bool found = false;

	for (size_t i = 0; i < n; i++)
		found |= tags[i] == tag;
	free(tags);
	return found;
}

static void
test_learn_move_vlans(void)
{
	struct mac_table mt;
	uint8_t m[6], bcast[6];
	const struct mac_entry *e;

	mac_table_init(&mt, 300, 0);
	CHECK_EQ(mt.max_entries, MAC_DEFAULT_MAX);
	mac(m, 1);
	CHECK(mac_table_learn(&mt, m, 10, &port_a, 0));
	CHECK(changed(&mt, mac_tag(m, 10)));
	/* Again on the same port: no change, but a refresh. */
	CHECK(!mac_table_learn(&mt, m, 10, &port_a, 5000));
	CHECK(!changed(&mt, mac_tag(m, 10)));
	e = mac_table_lookup(&mt, m, 10, 5000);
	CHECK(e && e->port == &port_a);
	CHECK_EQ(mac_entry_age(&mt, e, 5000), 0);
	CHECK_EQ(mac_entry_age(&mt, e, 9999), 4);
	/* VLANs are separate tables. */
	CHECK(mac_table_lookup(&mt, m, 20, 5000) == NULL);
	CHECK(mac_table_learn(&mt, m, 20, &port_b, 5000));
	CHECK(mac_table_lookup(&mt, m, 10, 5000)->port == &port_a);
	CHECK(mac_table_lookup(&mt, m, 20, 5000)->port == &port_b);
	/* A move. */
	CHECK(mac_table_learn(&mt, m, 10, &port_c, 6000));
	CHECK(changed(&mt, mac_tag(m, 10)));
	CHECK(mac_table_lookup(&mt, m, 10, 6000)->port == &port_c);
	CHECK_EQ(mt.total_moved, 1);
	CHECK_EQ(mt.total_learned, 2);
	/* Multicast sources are never learned. */
	memset(bcast, 0xff, 6);
	CHECK(!mac_table_learn(&mt, bcast, 10, &port_a, 6000));
	CHECK(mac_table_lookup(&mt, bcast, 10, 6000) == NULL);
	/* A port's entries go with it. */
	mac_table_flush_port(&mt, &port_b);
	CHECK(mac_table_lookup(&mt, m, 20, 6000) == NULL);
	CHECK(changed(&mt, mac_tag(m, 20)));
	mac_table_destroy(&mt);
}

static void
test_aging(void)
{
	struct mac_table mt;
	uint8_t m1[6], m2[6];

	mac_table_init(&mt, 5, 0); /* below Open vSwitch's minimum: 15 s */
	CHECK_EQ(mt.idle_time, 15);
	mac_table_configure(&mt, 100000, 0);
	CHECK_EQ(mt.idle_time, 3600);
	mac_table_configure(&mt, 60, 0);
	mac(m1, 1);
	mac(m2, 2);
	mac_table_learn(&mt, m1, 0, &port_a, 0);
	mac_table_learn(&mt, m2, 0, &port_a, 30000);
	{
		size_t n;
		free(mac_table_take_changes(&mt, &n));
	}
	CHECK_EQ(mac_table_run(&mt, 59999), 0);
	CHECK(mac_table_lookup(&mt, m1, 0, 59999) != NULL);
	CHECK(mac_table_lookup(&mt, m1, 0, 60000) == NULL); /* stale */
	CHECK_EQ(mac_table_run(&mt, 60000), 1);
	CHECK(changed(&mt, mac_tag(m1, 0)));
	CHECK_EQ(mt.total_expired, 1);
	/* A refresh (a megaflow's statistics coming back) keeps it. */
	mac_table_learn(&mt, m2, 0, &port_a, 80000);
	CHECK_EQ(mac_table_run(&mt, 100000), 0);
	CHECK_EQ(mac_table_run(&mt, 140000), 1);
	CHECK_EQ(mt.entries.n, 0);
	mac_table_destroy(&mt);
}

/* A full table evicts the oldest entry of the port with the most
 * entries, so a port flooding new addresses evicts its own. */
static void
test_eviction(void)
{
	struct mac_table mt;
	uint8_t m[6];

	mac_table_init(&mt, 300, 10);
	mac(m, 1000);
	mac_table_learn(&mt, m, 0, &port_a, 0); /* the quiet port's host */
	for (unsigned i = 0; i < 100; i++) {
		mac(m, i);
		mac_table_learn(&mt, m, 0, &port_b, 1 + i);
	}
	CHECK_EQ(mt.entries.n, 10);
	CHECK_EQ(mt.total_evicted, 91);
	mac(m, 1000);
	CHECK(mac_table_lookup(&mt, m, 0, 200) != NULL);
	mac(m, 99);
	CHECK(mac_table_lookup(&mt, m, 0, 200) != NULL);
	mac(m, 89);
	CHECK(mac_table_lookup(&mt, m, 0, 200) == NULL);
	/* A smaller table trims itself at the next run. */
	mac_table_configure(&mt, 300, 4);
	CHECK_EQ(mac_table_run(&mt, 300), 6);
	CHECK_EQ(mt.entries.n, 4);
	mac_table_flush(&mt);
	CHECK_EQ(mt.entries.n, 0);
	mac_table_destroy(&mt);
}

int
main(void)
{
	CHECK_RUN(test_learn_move_vlans);
	CHECK_RUN(test_aging);
	CHECK_RUN(test_eviction);
	CHECK_EXIT();
}
