/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the datapath front end and the engine through the dummy class:
 * a miss is handed up with its key, an installed flow forwards later
 * packets, actions rewrite packets with correct checksums, statistics
 * count, malformed frames are counted and still switched, meters drop
 * what exceeds their bands.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>

#include "check.h"
#include "ev.h"
#include "flow_test_pkt.h"
#include "nlattr.h"
#include "odp.h"
#include "upcalld.h"
#include "upcalld_test_dp.h"

struct catcher {
	struct dp_upcall ups[256];
	size_t n;
	size_t batches;
};

static void
on_upcalls(void *aux, struct dp *dp, struct dp_upcall *ups, size_t n)
{
	struct catcher *c = aux;

	c->batches++;
	for (size_t i = 0; i < n; i++) {
		if (c->n < 256)
			c->ups[c->n++] = ups[i];
		else
			dp_upcall_done(&ups[i]);
	}
}

static void
catcher_clear(struct catcher *c)
{
	for (size_t i = 0; i < c->n; i++)
		dp_upcall_done(&c->ups[i]);
	c->n = 0;
}

static const struct dp_upcall_ops upcall_ops = { .upcalls = on_upcalls };

static struct ev_loop *loop;
static struct catcher catcher;

static struct dp *
open_dp(void)
{
	struct dp *dp;

	CHECK_EQ(dp_open("dummy", "dp8d0", loop, &upcall_ops, &catcher, &dp),
		 0);
	CHECK_EQ(test_dp_add_ports(dp, 3), 3);
	return dp;
}

static struct dp_packet *
udp_packet(uint16_t sport)
{
	struct tpkt t;

	tp_eth(&t, ETH_TYPE_IP);
	tp_ipv4(&t, IPPROTO_UDP, 0x0a000001, 0x0a000002, 8 + 4, 0, 5);
	tp_udp(&t, sport, 53, 12);
	tp_u32(&t, 0xdeadbeef);
	return dp_packet_clone_data(t.b, t.n);
}

/* Installs a flow for @key under an L2+in_port mask. */
static int
install(struct dp *dp, uint32_t id, const struct mvs_key *key,
	const char *actions)
{
	struct mvs_key mask;
	struct nlbuf b = NLBUF_EMPTY;

	memset(&mask, 0, sizeof mask);
	mask.meta.in_port = mask.meta.recirc_id = UINT32_MAX;
	memset(mask.hdr.eth_dst, 0xff, 12);
	mask.hdr.eth_type = 0xffff;
	CHECK_EQ(odp_parse_actions(actions, NULL, &b, NULL), 0);
	struct dp_flow_put put = {
		.ufid = { { id, 0, 0, 0 } },
		.key = key,
		.mask = &mask,
		.actions = (const void *)b.data,
		.actions_len = b.len,
		.flags = MVS_FLOW_F_CREATE,
	};
	int r = dp_flow_put(dp, &put);
	nl_buf_free(&b);
	return r;
}

static void
test_miss_install_hit(void)
{
	struct dp *dp = open_dp();
	struct mvs_dp_stats st;

	CHECK_EQ(dp_dummy_receive(dp, 1, udp_packet(1000)), 0);
	CHECK_EQ(catcher.n, 1);
	CHECK_EQ(catcher.ups[0].type, MVS_UPCALL_MISS);
	CHECK_EQ(catcher.ups[0].key.meta.in_port, 1);
	CHECK_EQ(ntohs(catcher.ups[0].key.hdr.tp_src), 1000);
	CHECK(dp_dummy_take_output(dp, 2) == NULL);

	struct mvs_key key = catcher.ups[0].key;
	CHECK_EQ(install(dp, 1, &key, "2"), 0);
	CHECK_EQ(install(dp, 1, &key, "2"), -EEXIST);
	/* The upcalled packet is executed by whoever handled the miss. */
	struct nlbuf b = NLBUF_EMPTY;
	odp_parse_actions("2", NULL, &b, NULL);
	CHECK_EQ(dp_execute_packet(dp, catcher.ups[0].packet, &key,
				   (const void *)b.data, b.len),
		 0);
	catcher.ups[0].packet = NULL;
	catcher_clear(&catcher);
	struct dp_packet *out = dp_dummy_take_output(dp, 2);
	CHECK(out != NULL);
	dp_packet_free(out);

	/* Another source port: same megaflow (L2 mask), no upcall. */
	for (int i = 0; i < 5; i++)
		dp_dummy_receive(dp, 1, udp_packet((uint16_t)(2000 + i)));
	CHECK_EQ(catcher.n, 0);
	int n = 0;
	while ((out = dp_dummy_take_output(dp, 2))) {
		CHECK_EQ(out->len, 14 + 20 + 12);
		dp_packet_free(out);
		n++;
	}
	CHECK_EQ(n, 5);
	CHECK_EQ(dp_get_stats(dp, &st), 0);
	CHECK_EQ(st.n_hit, 5);
	CHECK_EQ(st.n_missed, 1);
	CHECK_EQ(st.n_flows, 1);
	CHECK_EQ(st.n_masks, 1);

	struct dp_port_info pi;
	CHECK_EQ(dp_port_query(dp, 2, &pi), 0);
	CHECK_EQ(pi.stats.tx_packets, 6);
	CHECK_EQ(dp_port_query(dp, 1, &pi), 0);
	CHECK_EQ(pi.stats.rx_packets, 6);
	CHECK_STREQ(pi.name, "p1");
	CHECK_EQ(dp_port_query(dp, 0, &pi), 0);
	CHECK_STREQ(pi.name, "dp8d0"); /* the local port */

	struct mvs_flow_stats fs;
	struct mvs_ufid u = { { 1, 0, 0, 0 } };
	CHECK_EQ(dp_flow_del(dp, &u, &fs), 0);
	CHECK_EQ(fs.n_packets, 5);
	CHECK_EQ(fs.n_bytes, 5 * 46);
	CHECK_EQ(dp_flow_del(dp, &u, &fs), -ENOENT);
	nl_buf_free(&b);
	dp_close(dp, true);
}

static void
test_refused(void)
{
	struct dp *dp = open_dp();
	struct mvs_key key, mask;
	struct nlbuf b = NLBUF_EMPTY;
	uint32_t no;

	memset(&key, 0, sizeof key);
	memset(&mask, 0, sizeof mask);
	nl_put_u16(&b, MVS_ACTION_ATTR_OUTPUT, 1); /* wrong size */
	struct dp_flow_put put = {
		.ufid = { { 1 } },
		.key = &key,
		.mask = &mask,
		.actions = (const void *)b.data,
		.actions_len = b.len,
		.flags = MVS_FLOW_F_CREATE,
	};
	mask.meta.recirc_id = UINT32_MAX;
	CHECK_EQ(dp_flow_put(dp, &put), -EINVAL);
	nl_buf_free(&b);
	put.actions = NULL;
	put.actions_len = 0;
	mask.meta.recirc_id = 0; /* recirc_id must be exact */
	CHECK_EQ(dp_flow_put(dp, &put), -EINVAL);
	mask.meta.recirc_id = UINT32_MAX;
	put.flags = MVS_FLOW_F_MODIFY;
	CHECK_EQ(dp_flow_put(dp, &put), -ENOENT);
	struct dp_port_spec s = { "p1", MVS_VPORT_TYPE_NETDEV, MVS_PORT_NONE,
				  0 };
	CHECK_EQ(dp_port_add(dp, &s, &no), -EBUSY);
	s.name = "this-name-is-too-long";
	CHECK_EQ(dp_port_add(dp, &s, &no), -EINVAL);
	CHECK_EQ(dp_port_del(dp, MVS_PORT_LOCAL), -EINVAL);
	CHECK_EQ(dp_port_del(dp, 3), 0);
	CHECK_EQ(dp_port_del(dp, 3), -ENOENT);
	struct dp *d2;
	CHECK_EQ(dp_open("system", "x", loop, &upcall_ops, NULL, &d2),
		 -EAFNOSUPPORT);
	dp_close(dp, true);
}

static bool
ipv4_csum_ok(const uint8_t *ip)
{
	return tp_csum(ip, (size_t)(ip[0] & 15) * 4, 0) == 0;
}

/* The TCP/UDP checksum of the IPv4 packet at @ip verifies. */
static bool
l4_csum_ok(const uint8_t *ip)
{
	size_t ihl = (size_t)(ip[0] & 15) * 4,
	       tot = (size_t)(ip[2] << 8 | ip[3]);
	uint32_t sum = 0;

	for (int i = 12; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	sum += ip[9];
	sum += (uint32_t)(tot - ihl);
	return tp_csum(ip + ihl, tot - ihl, sum) == 0;
}

static struct dp_packet *
tcp_packet(void)
{
	struct tpkt t;

	tp_eth(&t, ETH_TYPE_IP);
	size_t ip = tp_ipv4(&t, IPPROTO_TCP, 0x0a000001, 0x0a000002, 20 + 5,
			    0x4000, 5);
	tp_tcp(&t, 1234, 80, 0x018);
	tp_put(&t, "hello", 5);
	/* A full, valid TCP checksum. */
	uint32_t sum = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + IPPROTO_TCP + 25;
	uint16_t c = tp_csum(t.b + ip + 20, 25, sum);
	t.b[ip + 20 + 16] = (uint8_t)(c >> 8);
	t.b[ip + 20 + 17] = (uint8_t)c;
	return dp_packet_clone_data(t.b, t.n);
}

/* The key of @p as received on port 1. */
static void
key_of(struct dp_packet *p, struct mvs_key *key)
{
	memset(key, 0, sizeof *key);
	key->meta.in_port = 1;
	flow_extract(p, key);
}

static struct dp_packet *
run_through(struct dp *dp, struct dp_packet *p, const char *actions)
{
	struct mvs_key key;
	struct nlbuf b = NLBUF_EMPTY;

	key_of(p, &key);
	CHECK_EQ(odp_parse_actions(actions, NULL, &b, NULL), 0);
	CHECK_EQ(dp_execute_packet(dp, p, &key, (const void *)b.data, b.len),
		 0);
	nl_buf_free(&b);
	return dp_dummy_take_output(dp, 2);
}

static void
test_rewrites(void)
{
	struct dp *dp = open_dp();
	struct dp_packet *out;

	out = run_through(dp, tcp_packet(),
			  "set(ipv4(src=192.168.7.9,ttl=9)),"
			  "set(tcp(src=4321,dst=8080)),"
			  "set(eth(dst=02:00:00:00:00:99)),2");
	CHECK(out != NULL);
	if (out) {
		const uint8_t *ip = out->data + 14;
		CHECK_EQ(out->data[5], 0x99);
		CHECK_EQ(ip[8], 9);
		CHECK_EQ(ip[12], 192);
		CHECK(ipv4_csum_ok(ip));
		CHECK(l4_csum_ok(ip));
		CHECK_EQ(ip[20] << 8 | ip[21], 4321);
		CHECK_EQ(ip[22] << 8 | ip[23], 8080);
		dp_packet_free(out);
	}

	/* VLAN push then pop gives the same frame back. */
	struct dp_packet *orig = tcp_packet();
	out = run_through(dp, tcp_packet(), "push_vlan(vid=10,pcp=3),2");
	CHECK(out && out->len == orig->len + 4);
	if (out) {
		CHECK_EQ(out->data[12] << 8 | out->data[13], 0x8100);
		CHECK_EQ(out->data[14] << 8 | out->data[15], 0x600a);
		CHECK(!memcmp(out->data + 16, orig->data + 12, orig->len - 12));
		struct dp_packet *back = run_through(dp, out, "pop_vlan,2");
		CHECK(back && back->len == orig->len &&
		      !memcmp(back->data, orig->data, orig->len));
		dp_packet_free(back);
	}
	/* Double tagging: 802.1ad outside. */
	out = run_through(dp, tcp_packet(),
			  "push_vlan(vid=10,pcp=0),"
			  "push_vlan(tpid=0x88a8,vid=20,pcp=0),2");
	CHECK(out && out->data[12] == 0x88 && out->data[13] == 0xa8 &&
	      out->data[16] == 0x81);
	dp_packet_free(out);
	dp_packet_free(orig);

	/* Output twice, trunc, clone and sample: copies. */
	out = run_through(dp, tcp_packet(),
			  "clone(set(eth(dst=02:00:00:00:00:11)),2),"
			  "sample(sample=100.0%,actions(2)),trunc(20),2,3");
	int n = 0;
	while (out) {
		n++;
		if (n == 1)
			CHECK_EQ(out->data[5], 0x11);
		if (n == 3)
			CHECK_EQ(out->len, 20);
		dp_packet_free(out);
		out = dp_dummy_take_output(dp, 2);
	}
	CHECK_EQ(n, 3);
	out = dp_dummy_take_output(dp, 3);
	CHECK(out && out->len == 14 + 20 + 25);
	dp_packet_free(out);

	/* userspace(): the packet goes up with its userdata. */
	out = run_through(dp, tcp_packet(),
			  "userspace(pid=0,userdata(0a0b)),2");
	CHECK(out != NULL);
	dp_packet_free(out);
	CHECK_EQ(catcher.n, 1);
	CHECK_EQ(catcher.ups[0].type, MVS_UPCALL_ACTION);
	CHECK_EQ(catcher.ups[0].userdata_len, 2);
	CHECK_EQ(catcher.ups[0].userdata[1], 0x0b);
	catcher_clear(&catcher);
	dp_close(dp, true);
}

/* A partial checksum (as veth hands them) stays partial through an
 * address rewrite and is finished right for a port without offloads. */
static void
test_partial_csum(void)
{
	struct dp *dp = open_dp();
	struct dp_packet *p = tcp_packet();
	uint8_t *ip = p->data + 14;

	/* Make the TCP checksum partial: the field holds the pseudo-header
	 * sum (not inverted), csum_start/offset point at it. */
	uint32_t sum = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + IPPROTO_TCP + 25;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[36] = (uint8_t)(sum >> 8);
	ip[37] = (uint8_t)sum;
	p->offload.flags = MVS_OFFLOAD_F_NEEDS_CSUM;
	p->offload.csum_start = 14 + 20;
	p->offload.csum_offset = 16;

	CHECK_EQ(dp_dummy_set_offload(dp, 2, false), 0);
	struct dp_packet *out = run_through(
		dp, p, "set(ipv4(src=172.16.0.1,dst=172.16.0.2)),2");
	CHECK(out != NULL);
	if (out) {
		CHECK(!(out->offload.flags & MVS_OFFLOAD_F_NEEDS_CSUM));
		CHECK(ipv4_csum_ok(out->data + 14));
		CHECK(l4_csum_ok(out->data + 14));
		dp_packet_free(out);
	}
	dp_close(dp, true);
}

/* A 3000-byte TCP segment (GSO, partial checksum, as veth hands it) to a
 * port without offloads leaves as three complete segments. */
static void
test_gso_software(void)
{
	struct dp *dp = open_dp();
	struct tpkt t;

	tp_eth(&t, ETH_TYPE_IP);
	tp_ipv4(&t, IPPROTO_TCP, 0x0a000001, 0x0a000002, 20 + 3000, 0x4000, 5);
	tp_tcp(&t, 1234, 80, 0x018); /* PSH|ACK */
	for (int i = 0; i < 3000; i++)
		tp_u8(&t, (uint8_t)i);
	struct dp_packet *p = dp_packet_clone_data(t.b, t.n);
	p->offload.flags = MVS_OFFLOAD_F_NEEDS_CSUM;
	p->offload.gso_type = MVS_GSO_TCPV4;
	p->offload.gso_size = 1000;
	p->offload.csum_start = 34;
	p->offload.csum_offset = 16;
	CHECK_EQ(dp_dummy_set_offload(dp, 2, false), 0);
	struct dp_packet *out = run_through(dp, p, "2");
	int n = 0;
	while (out) {
		const uint8_t *ip = out->data + 14, *tcp = ip + 20;
		CHECK_EQ(out->len, 14 + 20 + 20 + 1000);
		CHECK_EQ(ip[2] << 8 | ip[3], 1040);
		CHECK(ipv4_csum_ok(ip));
		CHECK(l4_csum_ok(ip));
		CHECK_EQ((uint32_t)(tcp[4] << 24 | tcp[5] << 16 | tcp[6] << 8 |
				    tcp[7]),
			 1000u + 1000u * (unsigned)n);
		CHECK_EQ(tcp[13] & 0x08, n == 2 ? 0x08 : 0); /* PSH last */
		CHECK_EQ(tcp[20], (uint8_t)(1000 * n));
		dp_packet_free(out);
		out = dp_dummy_take_output(dp, 2);
		n++;
	}
	CHECK_EQ(n, 3);
	dp_close(dp, true);
}

static void
test_recirc_and_dump(void)
{
	struct dp *dp = open_dp();
	struct mvs_key key;
	struct dp_packet *p = udp_packet(7);

	key_of(p, &key);
	CHECK_EQ(install(dp, 1, &key, "recirc(0x5)"), 0);
	struct mvs_key k2 = key;
	k2.meta.recirc_id = 5;
	CHECK_EQ(install(dp, 2, &k2, "3"), 0);
	dp_dummy_receive(dp, 1, p);
	struct dp_packet *out = dp_dummy_take_output(dp, 3);
	CHECK(out != NULL);
	dp_packet_free(out);
	CHECK_EQ(catcher.n, 0);

	CHECK_EQ(dp_flow_flush(dp), 0);
	struct mvs_dp_stats st;
	dp_get_stats(dp, &st);
	CHECK_EQ(st.n_flows, 0);
	CHECK_EQ(st.n_masks, 0);
	dp_close(dp, true);
}

static void
dump_line(void *aux, const struct dp_flow *f)
{
	struct ds *s = aux;

	odp_format_flow(s, &f->ufid, f->key, f->mask, f->actions,
			f->actions_len, &f->stats, false, NULL, 0);
	ds_put_char(s, '\n');
}

/* An upcall handler that executes packets (as vswitchd's answer will)
 * while it still holds the batch: what it was handed must not change. */
static int reentrant_types[4];
static int reentrant_depth;

static void
on_upcalls_executing(void *aux, struct dp *dp, struct dp_upcall *ups, size_t n)
{
	struct nlbuf b = NLBUF_EMPTY;

	if (reentrant_depth++) {
		dp_upcalls_discard(NULL, dp, ups, n);
		reentrant_depth--;
		return;
	}
	odp_parse_actions("userspace(pid=0,userdata(01)),2", NULL, &b, NULL);
	for (size_t i = 0; i < n; i++)
		dp_execute_packet(dp, dp_packet_clone(ups[i].packet),
				  &ups[i].key, (const void *)b.data, b.len);
	for (size_t i = 0; i < n && i < 4; i++) {
		reentrant_types[i] = ups[i].type;
		dp_packet_free(ups[i].packet);
	}
	nl_buf_free(&b);
	reentrant_depth--;
}

static void
test_upcall_reentry(void)
{
	static const struct dp_upcall_ops ops = {
		.upcalls = on_upcalls_executing
	};
	struct dp *dp;

	CHECK_EQ(dp_open("dummy", "dp8re", loop, &ops, NULL, &dp), 0);
	test_dp_add_ports(dp, 2);
	struct dp_batch b = { 2, { udp_packet(1), udp_packet(2) } };
	udp_receive(udp_dp_cast(dp), udp_dp_cast(dp)->ports[1], &b);
	CHECK_EQ(reentrant_types[0], MVS_UPCALL_MISS);
	CHECK_EQ(reentrant_types[1], MVS_UPCALL_MISS);
	struct dp_packet *out;
	int n = 0;
	while ((out = dp_dummy_take_output(dp, 2))) {
		dp_packet_free(out);
		n++;
	}
	CHECK_EQ(n, 2);
	dp_close(dp, true);
}

static int n_expired;
static uint64_t expired_packets;

static void
on_expired(void *aux, struct dp *dp, const struct dp_flow *f)
{
	n_expired++;
	expired_packets += f->stats.n_packets;
}

static void
check_gone(struct ev_timer *t, void *arg)
{
	struct dp *dp = arg;
	struct mvs_dp_stats st;

	dp_get_stats(dp, &st);
	if (!st.n_flows)
		ev_exit(loop, 0);
}

static void
give_up(struct ev_timer *t, void *arg)
{
	ev_exit(loop, 1);
}

/* Idle flows expire on the loop's timer, reported with their final
 * statistics; the flow limit holds; no timer is left once the table is
 * empty. */
static void
test_expiry_and_limit(void)
{
	static const struct dp_upcall_ops ops = { .upcalls = on_upcalls,
						  .expired = on_expired };
	struct dp *dp;
	struct mvs_key key;

	CHECK_EQ(dp_open("dummy", "dp8ex", loop, &ops, &catcher, &dp), 0);
	test_dp_add_ports(dp, 2);
	struct dp_config cfg = { 200, 1 };
	CHECK_EQ(dp_set_config(dp, &cfg), 0);
	struct dp_config bad = { 200, 0 };
	CHECK_EQ(dp_set_config(dp, &bad), -EINVAL);

	struct dp_packet *p = udp_packet(5);
	key_of(p, &key);
	CHECK_EQ(install(dp, 1, &key, "2"), 0);
	struct mvs_key k2 = key;
	k2.meta.in_port = 2;
	CHECK_EQ(install(dp, 2, &k2, "1"), -EFBIG); /* the limit is 1 */
	dp_dummy_receive(dp, 1, p);
	dp_packet_free(dp_dummy_take_output(dp, 2));

	struct ev_timer *poll = ev_timer_add(loop, 20, true, check_gone, dp);
	struct ev_timer *limit =
		ev_timer_add(loop, 10000, false, give_up, NULL);
	CHECK_EQ(ev_run(loop), 0);
	ev_timer_del(poll);
	ev_timer_del(limit);
	CHECK_EQ(n_expired, 1);
	CHECK_EQ(expired_packets, 1);
	CHECK(udp_dp_cast(dp)->expire_timer == NULL);
	dp_close(dp, true);
}

static void
test_dump_format(void)
{
	struct dp *dp = open_dp();
	struct mvs_key key;
	struct dp_packet *p = udp_packet(7);

	key_of(p, &key);
	dp_packet_free(p);
	CHECK_EQ(install(dp, 1, &key, "push_vlan(vid=10,pcp=0),2"), 0);
	struct ds s = DS_EMPTY;
	CHECK_EQ(dp_flow_dump(dp, dump_line, &s), 0);
	CHECK_STREQ(ds_cstr(&s),
		    "recirc_id(0),in_port(1),packet_type(ns=0,id=0),"
		    "eth(src=02:00:00:00:00:0a,dst=02:00:00:00:00:0b),"
		    "eth_type(0x0800), packets:0, bytes:0, used:never, "
		    "actions:push_vlan(vid=10,pcp=0),2\n");
	ds_free(&s);
	dp_close(dp, true);
}

/* Runts, bad IHL, short TCP header, bogus VLAN stacking, oversize: all
 * counted, none crashes, and what can be switched is. */
static void
test_bad_frames(void)
{
	struct dp *dp = open_dp();
	struct tpkt t;
	struct mvs_dp_stats st;

	tp_eth(&t, ETH_TYPE_IP);
	dp_dummy_receive(dp, 1, dp_packet_clone_data(t.b, 10)); /* runt */
	tp_ipv4(&t, IPPROTO_TCP, 1, 2, 20, 0, 5);
	tp_tcp(&t, 1, 2, 0);
	t.b[14] = 0x43; /* IHL 3 */
	dp_dummy_receive(dp, 1, dp_packet_clone_data(t.b, t.n));
	t.b[14] = 0x45;
	dp_dummy_receive(dp, 1, dp_packet_clone_data(t.b, t.n - 8));
	/* Five stacked tags: the third one's TPID is the Ethernet type, as
	 * in Open vSwitch: switched on L2, not an error.  A tag cut short
	 * is. */
	tp_eth(&t, ETH_TYPE_VLAN);
	for (int i = 0; i < 5; i++)
		tp_vlan(&t, ETH_TYPE_VLAN, (uint16_t)i, ETH_TYPE_VLAN);
	dp_dummy_receive(dp, 1, dp_packet_clone_data(t.b, t.n - 1));
	dp_dummy_receive(dp, 1, dp_packet_clone_data(t.b, 16));
	struct udp_dp *u = udp_dp_cast(dp);
	CHECK_EQ(u->n_truncated, 3);
	CHECK_EQ(u->n_malformed, 1);
	struct dp_port_info pi;
	dp_port_query(dp, 1, &pi);
	CHECK_EQ(pi.stats.rx_errors, 4);
	CHECK_EQ(pi.stats.rx_packets, 5);
	dp_get_stats(dp, &st);
	CHECK_EQ(st.n_missed, 5); /* still handed up, as OVS does */
	catcher_clear(&catcher);

	/* A 9000-byte frame to a 1500-byte port is dropped and counted. */
	struct dp_packet *big = dp_packet_new(9000);
	memset(big->data, 0, 9000);
	big->len = 9000;
	memcpy(big->data, t.b, 12);
	big->data[12] = 0x08;
	struct dp_packet *out = run_through(dp, big, "2");
	CHECK(out == NULL);
	dp_port_query(dp, 2, &pi);
	CHECK_EQ(pi.stats.tx_dropped, 1);
	dp_close(dp, true);
}

static void
count_meter(void *aux, const struct dpmsg_meter *m)
{
	*(struct dpmsg_meter *)aux = *m;
}

/* A meter of 10 packets/s with a burst of 5: of 20 packets sent at once
 * the first 5 pass and 15 are dropped and counted in the band; a missing
 * meter passes everything. */
static void
test_meter(void)
{
	struct dp *dp = open_dp();
	struct dpmsg_meter m = { .id = 7, .n_bands = 1 }, got;
	struct dp_packet *out;
	int passed = 0;

	m.bands[0].rate = 10;
	m.bands[0].burst = 5;
	CHECK_EQ(dp_meter_set(dp, &m), 0);
	for (int i = 0; i < 20; i++) {
		out = run_through(dp, udp_packet(1000), "meter(7),2");
		if (out) {
			passed++;
			dp_packet_free(out);
		}
	}
	CHECK_EQ(passed, 5);
	memset(&got, 0, sizeof got);
	CHECK_EQ(dp_meter_dump(dp, count_meter, &got), 0);
	CHECK_EQ(got.id, 7);
	CHECK_EQ(got.stats.n_packets, 20);
	CHECK_EQ(got.bands[0].stats.n_packets, 15);
	CHECK_EQ(got.bands[0].stats.n_bytes, 15 * 46);
	out = run_through(dp, udp_packet(1000), "meter(8),2");
	CHECK(out != NULL);
	dp_packet_free(out);
	CHECK_EQ(dp_meter_del(dp, 7), 0);
	CHECK_EQ(dp_meter_del(dp, 7), -ENOENT);
	out = run_through(dp, udp_packet(1000), "meter(7),2");
	CHECK(out != NULL);
	dp_packet_free(out);
	m.bands[0].rate = 0;
	CHECK_EQ(dp_meter_set(dp, &m), -EINVAL);
	dp_close(dp, true);
}

int
main(void)
{
	CHECK_EQ(ev_loop_new(&loop), 0);
	CHECK_RUN(test_miss_install_hit);
	CHECK_RUN(test_refused);
	CHECK_RUN(test_rewrites);
	CHECK_RUN(test_partial_csum);
	CHECK_RUN(test_gso_software);
	CHECK_RUN(test_recirc_and_dump);
	CHECK_RUN(test_dump_format);
	CHECK_RUN(test_upcall_reentry);
	CHECK_RUN(test_expiry_and_limit);
	CHECK_RUN(test_bad_frames);
	CHECK_RUN(test_meter);
	catcher_clear(&catcher);
	ev_loop_free(loop);
	CHECK_EXIT();
}
