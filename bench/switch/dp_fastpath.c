/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dp_fastpath: the userspace fast path alone (flow_extract, mask-cache and
 * megaflow lookup, action execution, output queueing), without any I/O:
 * 64-byte UDP frames in batches of 32 through a dummy datapath with
 * megaflows under several masks.  Prints nanoseconds per packet.
 *
 * Usage: dp_fastpath [PACKETS] [MASKS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ev.h"
#include "flow_test_pkt.h"
#include "log.h"
#include "nlattr.h"
#include "upcalld.h"
#include "upcalld_test_dp.h"

static const struct dp_upcall_ops ops = { .upcalls = dp_upcalls_discard };

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	int n_masks = argc > 2 ? atoi(argv[2]) : 4;
	struct ev_loop *loop;
	struct dp *dp;
	size_t misses = 0;
	struct tpkt t;

	log_init("dp_fastpath");
	ev_loop_new(&loop);
	if (dp_open("dummy", "fp0", loop, &ops, &misses, &dp))
		return 1;
	test_dp_add_ports(dp, 2);
	tp_eth(&t, ETH_TYPE_IP);
	tp_ipv4(&t, IPPROTO_UDP, 0x0a000001, 0x0a000002, 8 + 18, 0, 5);
	tp_udp(&t, 9, 9, 26);
	for (int i = 0; i < 18; i++)
		tp_u8(&t, 0);

	/* Megaflows under @n_masks masks; the traffic matches the last. */
	struct dp_packet *p0 = dp_packet_clone_data(t.b, t.n);
	struct mvs_key key;
	memset(&key, 0, sizeof key);
	key.meta.in_port = 1;
	flow_extract(p0, &key);
	struct nlbuf acts = NLBUF_EMPTY;
	nl_put_u32(&acts, MVS_ACTION_ATTR_OUTPUT, 2);
	for (int m = 0; m < n_masks; m++) {
		struct mvs_key mask, k = key;
		memset(&mask, 0, sizeof mask);
		mask.meta.in_port = mask.meta.recirc_id = UINT32_MAX;
		memset(mask.hdr.eth_dst, 0xff, 12);
		mask.hdr.eth_type = 0xffff;
		if (m < n_masks - 1) { /* other masks: flows that miss */
			mask.hdr.tp_dst = htons((uint16_t)(0xffff >> m));
			k.hdr.tp_dst = htons(4000);
		}
		struct dp_flow_put put = {
			.ufid = { { (uint32_t)m + 1 } },
			.key = &k,
			.mask = &mask,
			.actions = (const void *)acts.data,
			.actions_len = acts.len,
			.flags = MVS_FLOW_F_CREATE,
		};
		if (dp_flow_put(dp, &put))
			return 1;
	}
	struct udp_dp *u = udp_dp_cast(dp);
	struct uport *in = u->ports[1];
	double t0 = now_ns();
	for (long done = 0; done < n; done += 32) {
		struct dp_batch b = { 32, { NULL } };
		for (int i = 0; i < 32; i++)
			b.pkts[i] = dp_packet_clone_data(t.b, t.n);
		udp_receive(u, in, &b);
		struct dp_packet *o;
		while ((o = dp_dummy_take_output(dp, 2)))
			dp_packet_free(o);
	}
	double ns = (now_ns() - t0) / n;
	struct mvs_dp_stats st;
	dp_get_stats(dp, &st);
	printf("fast path: %.0f ns/packet (%.2f Mpps on one core), %d masks, "
	       "mask cache hits %llu of %llu, misses %zu\n",
	       ns, 1e3 / ns, n_masks, (unsigned long long)st.n_cache_hit,
	       (unsigned long long)st.n_hit, misses);
	nl_buf_free(&acts);
	dp_packet_free(p0);
	dp_close(dp, true);
	ev_loop_free(loop);
	return 0;
}
