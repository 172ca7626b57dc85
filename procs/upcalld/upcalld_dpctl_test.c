/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the dpctl commands on a dummy datapath: Open vSwitch's output
 * for show -s (../shared/reference/ovs-3.1-outputs/ovs-appctl-dpctl-show.txt
 * is the model), dump-dps, add/mod/del-flow, dump-flows, del-flows. */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "ev.h"
#include "flow_test_pkt.h"
#include "upcalld.h"
#include "upcalld_test_dp.h"

static const struct dp_upcall_ops ops = { .upcalls = dp_upcalls_discard };

static int
run(struct ds *out, const char *cmd, int argc, const char *argv[])
{
	ds_clear(out);
	return dpctl_run(cmd, argc, argv, out);
}

static void
test_dpctl(void)
{
	struct ev_loop *loop;
	struct dp *dp;
	struct ds out = DS_EMPTY;

	ev_loop_new(&loop);
	CHECK_EQ(run(&out, "dump-flows", 0, NULL), -ENOENT);
	CHECK_STREQ(ds_cstr(&out), "no datapaths exist");
	CHECK_EQ(dp_open("dummy", "dp8t", loop, &ops, NULL, &dp), 0);
	struct dp *again;
	CHECK_EQ(dp_open("dummy", "dp8t", loop, &ops, NULL, &again), -EEXIST);
	CHECK_EQ(test_dp_add_ports(dp, 2), 2);

	CHECK_EQ(run(&out, "dump-dps", 0, NULL), 0);
	CHECK_STREQ(ds_cstr(&out), "dummy@dp8t\n");

	const char *add[] = {
		"in_port(p1),eth(src=02:00:00:00:00:0a,dst=02:00:00:00:00:0b),"
		"eth_type(0x0800),ipv4(frag=no)",
		"p2"
	};
	CHECK_EQ(run(&out, "add-flow", 2, add), 0);
	CHECK_EQ(run(&out, "add-flow", 2, add), -EEXIST);
	CHECK_STREQ(ds_cstr(&out), "updating flow table (File exists)");

	/* Traffic: 3 hits of 1300 bytes and more, to see the sizes. */
	struct tpkt t;
	tp_eth(&t, ETH_TYPE_IP);
	tp_ipv4(&t, IPPROTO_UDP, 1, 2, 8 + 1300, 0, 5);
	tp_udp(&t, 1, 2, 8 + 1300);
	t.n += 1300;
	for (int i = 0; i < 3; i++)
		dp_dummy_receive(dp, 1, dp_packet_clone_data(t.b, t.n));
	for (struct dp_packet *p; (p = dp_dummy_take_output(dp, 2));)
		dp_packet_free(p);

	const char *s_opt[] = { "-s" };
	CHECK_EQ(run(&out, "show", 1, s_opt), 0);
	CHECK_STREQ(ds_cstr(&out),
		    "dummy@dp8t:\n"
		    "  lookups: hit:3 missed:0 lost:0\n"
		    "  flows: 1\n"
		    "  port 0: dp8t (tap)\n"
		    "    RX packets:0 errors:0 dropped:0 overruns:0 frame:0\n"
		    "    TX packets:0 errors:0 dropped:0 aborted:0 carrier:0\n"
		    "    collisions:0\n"
		    "    RX bytes:0  TX bytes:0\n"
		    "  port 1: p1\n"
		    "    RX packets:3 errors:0 dropped:0 overruns:0 frame:0\n"
		    "    TX packets:0 errors:0 dropped:0 aborted:0 carrier:0\n"
		    "    collisions:0\n"
		    "    RX bytes:4026 (3.9 KiB)  TX bytes:0\n"
		    "  port 2: p2\n"
		    "    RX packets:0 errors:0 dropped:0 overruns:0 frame:0\n"
		    "    TX packets:3 errors:0 dropped:0 aborted:0 carrier:0\n"
		    "    collisions:0\n"
		    "    RX bytes:0  TX bytes:4026 (3.9 KiB)\n");
	CHECK_EQ(run(&out, "show", 0, NULL), 0);
	CHECK_STREQ(ds_cstr(&out), "dummy@dp8t:\n"
				   "  lookups: hit:3 missed:0 lost:0\n"
				   "  flows: 1\n"
				   "  port 0: dp8t (tap)\n"
				   "  port 1: p1\n"
				   "  port 2: p2\n");

	CHECK_EQ(run(&out, "dump-flows", 0, NULL), 0);
	CHECK(strstr(ds_cstr(&out),
		     "flow-dump from the main thread:\n"
		     "recirc_id(0),in_port(1),packet_type(ns=0,id=0),"
		     "eth(src=02:00:00:00:00:0a,dst=02:00:00:00:00:0b),"
		     "eth_type(0x0800),ipv4(frag=no), packets:3, bytes:4026, "
		     "used:") == ds_cstr(&out));
	CHECK(strstr(ds_cstr(&out), "s, actions:2\n") != NULL);
	const char *m_opt[] = { "-m", "dummy@dp8t" };
	CHECK_EQ(run(&out, "dump-flows", 2, m_opt), 0);
	CHECK(strstr(ds_cstr(&out), "in_port(p1)") != NULL);
	CHECK(strstr(ds_cstr(&out), ", dp:ovs, actions:p2\n") != NULL);

	const char *mod[] = { add[0], "drop" };
	CHECK_EQ(run(&out, "mod-flow", 2, mod), 0);
	CHECK_EQ(run(&out, "dump-flows", 0, NULL), 0);
	CHECK(strstr(ds_cstr(&out), "actions:drop\n") != NULL);
	CHECK_EQ(run(&out, "del-flow", 1, add), 0);
	CHECK_EQ(run(&out, "del-flow", 1, add), -ENOENT);
	CHECK_EQ(run(&out, "add-flow", 2, add), 0);
	CHECK_EQ(run(&out, "del-flows", 0, NULL), 0);
	CHECK_EQ(run(&out, "dump-flows", 0, NULL), 0);
	CHECK_STREQ(ds_cstr(&out), "flow-dump from the main thread:\n");
	const char *bad[] = { "in_port(nosuch)", "1" };
	CHECK_EQ(run(&out, "add-flow", 2, bad), -EINVAL);
	const char *nodp[] = { "netdev@dp8t" };
	CHECK_EQ(run(&out, "dump-flows", 1, nodp), -ENOENT);
	CHECK_STREQ(ds_cstr(&out), "netdev@dp8t: no such datapath");

	dp_close(dp, true);
	CHECK(dp_first() == NULL);
	ds_free(&out);
	ev_loop_free(loop);
}

int
main(void)
{
	CHECK_RUN(test_dpctl);
	CHECK_EXIT();
}
