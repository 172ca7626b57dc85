/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of flow_extract (every protocol, truncation at every byte) and of
 * the masked hash and comparison. */
#include <netinet/in.h>
#include <stdlib.h>

#include "check.h"
#include "flow.h"
#include "flow_test_pkt.h"

static enum flow_status
extract(const struct tpkt *t, size_t len, struct mvs_key *k,
	struct dp_packet **pp)
{
	/* An allocation of exactly @len bytes after the headroom: a read past
	 * the end is a heap overflow valgrind reports. */
	struct dp_packet *p = dp_packet_clone_data(t->b, len);

	memset(k, 0, sizeof *k);
	enum flow_status st = flow_extract(p, k);
	if (pp)
		*pp = p;
	else
		dp_packet_free(p);
	return st;
}

static void
test_tcp_ipv4(void)
{
	struct tpkt t;
	struct mvs_key k;
	struct dp_packet *p;

	tp_eth(&t, ETH_TYPE_IP);
	tp_ipv4(&t, IPPROTO_TCP, 0x0a000001, 0x0a000002, 20, 0, 6);
	tp_tcp(&t, 1234, 80, 0x012); /* SYN|ACK */
	CHECK_EQ(extract(&t, t.n, &k, &p), FLOW_OK);
	CHECK(!memcmp(k.hdr.eth_dst, tp_mac_b, 6));
	CHECK(!memcmp(k.hdr.eth_src, tp_mac_a, 6));
	CHECK_EQ(ntohs(k.hdr.eth_type), ETH_TYPE_IP);
	CHECK_EQ(k.hdr.vlan_tci, 0);
	CHECK_EQ(ntohl(k.hdr.ipv4_src), 0x0a000001);
	CHECK_EQ(ntohl(k.hdr.ipv4_dst), 0x0a000002);
	CHECK_EQ(k.hdr.nw_proto, IPPROTO_TCP);
	CHECK_EQ(k.hdr.nw_tos, 0x2e);
	CHECK_EQ(k.hdr.nw_ttl, 64);
	CHECK_EQ(k.hdr.nw_frag, 0);
	CHECK_EQ(ntohs(k.hdr.tp_src), 1234);
	CHECK_EQ(ntohs(k.hdr.tp_dst), 80);
	CHECK_EQ(ntohs(k.hdr.tcp_flags), 0x012);
	CHECK_EQ(p->l3_ofs, 14);
	CHECK_EQ(p->l4_ofs, 14 + 24); /* one word of options */
	dp_packet_free(p);
}

static void
test_vlan_double(void)
{
	struct tpkt t;
	struct mvs_key k;

	tp_eth(&t, ETH_TYPE_VLAN_8021AD);
	tp_vlan(&t, ETH_TYPE_VLAN_8021AD, 0x2000 | 10, ETH_TYPE_VLAN);
	tp_vlan(&t, ETH_TYPE_VLAN, 20, ETH_TYPE_IP);
	tp_ipv4(&t, IPPROTO_UDP, 1, 2, 8, 0, 5);
	tp_udp(&t, 53, 5353, 8);
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_OK);
	CHECK_EQ(ntohs(k.hdr.vlan_tpid), ETH_TYPE_VLAN_8021AD);
	CHECK_EQ(ntohs(k.hdr.vlan_tci), 0x2000 | 10 | MVS_VLAN_PRESENT);
	CHECK_EQ(ntohs(k.hdr.vlan2_tpid), ETH_TYPE_VLAN);
	CHECK_EQ(ntohs(k.hdr.vlan2_tci), 20 | MVS_VLAN_PRESENT);
	CHECK_EQ(ntohs(k.hdr.eth_type), ETH_TYPE_IP);
	CHECK_EQ(ntohs(k.hdr.tp_src), 53);
	CHECK_EQ(ntohs(k.hdr.tp_dst), 5353);

	/* A third tag is not parsed: its type is the Ethernet type. */
	tp_eth(&t, ETH_TYPE_VLAN);
	tp_vlan(&t, ETH_TYPE_VLAN, 1, ETH_TYPE_VLAN);
	tp_vlan(&t, ETH_TYPE_VLAN, 2, ETH_TYPE_VLAN);
	tp_vlan(&t, ETH_TYPE_VLAN, 3, ETH_TYPE_IP);
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_OK);
	CHECK_EQ(ntohs(k.hdr.eth_type), ETH_TYPE_VLAN);
	CHECK_EQ(ntohs(k.hdr.vlan2_tci), 2 | MVS_VLAN_PRESENT);
}

static void
test_arp(void)
{
	struct tpkt t;
	struct mvs_key k;

	tp_eth(&t, ETH_TYPE_ARP);
	tp_u16(&t, 1);
	tp_u16(&t, ETH_TYPE_IP);
	tp_u8(&t, 6);
	tp_u8(&t, 4);
	tp_u16(&t, 2);
	tp_put(&t, tp_mac_a, 6);
	tp_u32(&t, 0x0a000001);
	tp_put(&t, tp_mac_b, 6);
	tp_u32(&t, 0x0a000002);
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_OK);
	CHECK_EQ(k.hdr.nw_proto, 2);
	CHECK_EQ(ntohl(k.hdr.ipv4_src), 0x0a000001);
	CHECK_EQ(ntohl(k.hdr.ipv4_dst), 0x0a000002);
	CHECK(!memcmp(k.hdr.arp_sha, tp_mac_a, 6));
	CHECK(!memcmp(k.hdr.arp_tha, tp_mac_b, 6));
}

static void
test_ipv4_fragments(void)
{
	struct tpkt t;
	struct mvs_key k;

	/* First fragment: MF set, offset 0: ports are there. */
	tp_eth(&t, ETH_TYPE_IP);
	tp_ipv4(&t, IPPROTO_UDP, 1, 2, 8, 0x2000, 5);
	tp_udp(&t, 7, 9, 100);
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_OK);
	CHECK_EQ(k.hdr.nw_frag, MVS_FRAG_ANY);
	CHECK_EQ(ntohs(k.hdr.tp_src), 7);
	/* Later fragment: no L4. */
	tp_eth(&t, ETH_TYPE_IP);
	tp_ipv4(&t, IPPROTO_UDP, 1, 2, 8, 0x0010, 5);
	tp_udp(&t, 7, 9, 100);
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_OK);
	CHECK_EQ(k.hdr.nw_frag, MVS_FRAG_ANY | MVS_FRAG_LATER);
	CHECK_EQ(k.hdr.tp_src, 0);
	CHECK_EQ(k.hdr.nw_proto, IPPROTO_UDP);
}

static void
test_ipv6_ext_and_frag(void)
{
	struct tpkt t;
	struct mvs_key k;

	/* Hop-by-hop (8 bytes), then a first fragment header, then TCP. */
	tp_eth(&t, ETH_TYPE_IPV6);
	tp_ipv6(&t, IPPROTO_HOPOPTS, 8 + 8 + 20);
	tp_u8(&t, IPPROTO_FRAGMENT);
	tp_u8(&t, 0);
	tp_u16(&t, 0x0100); /* PadN */
	tp_u32(&t, 0);
	tp_u8(&t, IPPROTO_TCP);
	tp_u8(&t, 0);
	tp_u16(&t, 0x0001); /* offset 0, M */
	tp_u32(&t, 42);
	tp_tcp(&t, 22, 2222, 0x002);
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_OK);
	CHECK_EQ(k.hdr.nw_proto, IPPROTO_TCP);
	CHECK_EQ(k.hdr.nw_frag, MVS_FRAG_ANY);
	CHECK_EQ(k.hdr.nw_tos, 0x2e);
	CHECK_EQ(k.hdr.nw_ttl, 63);
	CHECK_EQ(ntohl(k.hdr.ipv6_label), 0x12345);
	CHECK_EQ(k.hdr.ipv6_src[15], 1);
	CHECK_EQ(ntohs(k.hdr.tp_dst), 2222);

	/* A later fragment: nw_proto is the fragment header, no L4. */
	tp_eth(&t, ETH_TYPE_IPV6);
	tp_ipv6(&t, IPPROTO_FRAGMENT, 8 + 8);
	tp_u8(&t, IPPROTO_UDP);
	tp_u8(&t, 0);
	tp_u16(&t, 0x0008); /* offset 1 */
	tp_u32(&t, 42);
	tp_udp(&t, 1, 2, 8);
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_OK);
	CHECK_EQ(k.hdr.nw_proto, IPPROTO_FRAGMENT);
	CHECK_EQ(k.hdr.nw_frag, MVS_FRAG_ANY | MVS_FRAG_LATER);
	CHECK_EQ(k.hdr.tp_src, 0);
}

static void
build_nd(struct tpkt *t)
{
	tp_eth(t, ETH_TYPE_IPV6);
	tp_ipv6(t, IPPROTO_ICMPV6, 8 + 16 + 8);
	tp_u8(t, 135);
	tp_u8(t, 0);
	tp_u16(t, 0);
	tp_u32(t, 0);
	uint8_t target[16] = { 0xfe, 0x80, [15] = 7 };
	tp_put(t, target, 16);
	tp_u8(t, 1); /* source link-layer address */
	tp_u8(t, 1);
	tp_put(t, tp_mac_a, 6);
}

static void
test_icmp_and_nd(void)
{
	struct tpkt t;
	struct mvs_key k;

	tp_eth(&t, ETH_TYPE_IP);
	tp_ipv4(&t, IPPROTO_ICMP, 1, 2, 8, 0, 5);
	tp_u8(&t, 8);
	tp_u8(&t, 0);
	tp_u16(&t, 0);
	tp_u32(&t, 0x00010001);
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_OK);
	CHECK_EQ(ntohs(k.hdr.tp_src), 8);
	CHECK_EQ(ntohs(k.hdr.tp_dst), 0);

	build_nd(&t);
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_OK);
	CHECK_EQ(k.hdr.nw_proto, IPPROTO_ICMPV6);
	CHECK_EQ(ntohs(k.hdr.tp_src), 135);
	CHECK_EQ(k.hdr.nd_target[0], 0xfe);
	CHECK_EQ(k.hdr.nd_target[15], 7);
	CHECK(!memcmp(k.hdr.arp_sha, tp_mac_a, 6));
	CHECK_EQ(k.hdr.arp_tha[5], 0);

	/* An option of length 0 is malformed: no ND fields, type kept. */
	t.b[t.n - 7] = 0;
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_MALFORMED);
	CHECK_EQ(k.hdr.nd_target[0], 0);
	CHECK_EQ(ntohs(k.hdr.tp_src), 135);
}

static void
test_sctp_and_8023(void)
{
	struct tpkt t;
	struct mvs_key k;

	tp_eth(&t, ETH_TYPE_IP);
	tp_ipv4(&t, IPPROTO_SCTP, 1, 2, 12, 0, 5);
	tp_u16(&t, 38412);
	tp_u16(&t, 2905);
	tp_u32(&t, 0);
	tp_u32(&t, 0);
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_OK);
	CHECK_EQ(ntohs(k.hdr.tp_src), 38412);
	CHECK_EQ(ntohs(k.hdr.tp_dst), 2905);

	/* 802.3 with an LLC header and no SNAP: no type. */
	tp_eth(&t, 46);
	tp_u8(&t, 0x42);
	tp_u8(&t, 0x42);
	tp_u8(&t, 0x03);
	for (int i = 0; i < 43; i++)
		tp_u8(&t, 0);
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_OK);
	CHECK_EQ(ntohs(k.hdr.eth_type), MVS_ETH_TYPE_NONE);
	/* SNAP with OUI 0 carries a type. */
	tp_eth(&t, 46);
	uint8_t snap[8] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x06 };
	tp_put(&t, snap, 8);
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_TRUNCATED); /* no ARP */
	CHECK_EQ(ntohs(k.hdr.eth_type), ETH_TYPE_ARP);
}

static void
test_malformed(void)
{
	struct tpkt t;
	struct mvs_key k;

	/* IHL 4: malformed, no IP fields. */
	tp_eth(&t, ETH_TYPE_IP);
	tp_ipv4(&t, IPPROTO_TCP, 1, 2, 20, 0, 5);
	tp_tcp(&t, 1, 2, 0);
	t.b[14] = 0x44;
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_MALFORMED);
	CHECK_EQ(k.hdr.nw_proto, 0);
	CHECK_EQ(k.hdr.ipv4_src, 0);
	CHECK_EQ(ntohs(k.hdr.eth_type), ETH_TYPE_IP);
	/* Total length beyond the frame: truncated. */
	tp_eth(&t, ETH_TYPE_IP);
	tp_ipv4(&t, IPPROTO_TCP, 1, 2, 200, 0, 5);
	tp_tcp(&t, 1, 2, 0);
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_TRUNCATED);
	/* TCP data offset 4: malformed, IP kept, no ports. */
	tp_eth(&t, ETH_TYPE_IP);
	tp_ipv4(&t, IPPROTO_TCP, 1, 2, 20, 0, 5);
	tp_tcp(&t, 1, 2, 0);
	t.b[14 + 20 + 12] = 0x40;
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_MALFORMED);
	CHECK_EQ(k.hdr.nw_proto, IPPROTO_TCP);
	CHECK_EQ(k.hdr.tp_src, 0);
	/* A runt. */
	CHECK_EQ(extract(&t, 13, &k, NULL), FLOW_TRUNCATED);
	CHECK_EQ(k.hdr.eth_type, 0);
	/* Ethernet padding after a short IP packet is ignored. */
	tp_eth(&t, ETH_TYPE_IP);
	tp_ipv4(&t, IPPROTO_UDP, 1, 2, 8, 0, 5);
	tp_udp(&t, 1, 2, 8);
	for (int i = 0; i < 18; i++)
		tp_u8(&t, 0xee);
	CHECK_EQ(extract(&t, t.n, &k, NULL), FLOW_OK);
}

/* Every prefix of every kind of packet: never a crash or a read out of
 * bounds, and a prefix that cuts a header says so. */
static void
test_truncated_everywhere(void)
{
	static struct tpkt pk[12];
	int n = 0;

	tp_eth(&pk[n], ETH_TYPE_IP);
	tp_ipv4(&pk[n], IPPROTO_TCP, 1, 2, 20, 0, 7);
	tp_tcp(&pk[n++], 1, 2, 2);
	tp_eth(&pk[n], ETH_TYPE_VLAN);
	tp_vlan(&pk[n], ETH_TYPE_VLAN, 5, ETH_TYPE_VLAN);
	tp_vlan(&pk[n], ETH_TYPE_VLAN, 6, ETH_TYPE_IP);
	tp_ipv4(&pk[n], IPPROTO_UDP, 1, 2, 8, 0, 5);
	tp_udp(&pk[n++], 1, 2, 8);
	build_nd(&pk[n++]);
	/* A whole ARP header. */
	tp_eth(&pk[n], ETH_TYPE_ARP);
	for (int i = 0; i < 28; i++)
		tp_u8(&pk[n], (uint8_t)(i == 1 || i == 5 ? 1 : 0));
	pk[n].b[14 + 4] = 6;
	pk[n].b[14 + 5] = 4;
	pk[n].b[14 + 2] = 8;
	n++;
	tp_eth(&pk[n], ETH_TYPE_IPV6);
	tp_ipv6(&pk[n], IPPROTO_DSTOPTS, 16 + 8);
	tp_u8(&pk[n], IPPROTO_UDP);
	tp_u8(&pk[n], 1);
	for (int i = 0; i < 14; i++)
		tp_u8(&pk[n], 0);
	tp_udp(&pk[n++], 1, 2, 8);

	/* ICMP echo, SCTP, and an IPv6 first fragment carrying TCP. */
	tp_eth(&pk[n], ETH_TYPE_IP);
	tp_ipv4(&pk[n], IPPROTO_ICMP, 1, 2, 8, 0, 5);
	tp_u32(&pk[n], 0x08000000);
	tp_u32(&pk[n++], 0x00010001);
	tp_eth(&pk[n], ETH_TYPE_IP);
	tp_ipv4(&pk[n], IPPROTO_SCTP, 1, 2, 12, 0, 5);
	tp_u32(&pk[n], 0x00010002);
	tp_u32(&pk[n], 0);
	tp_u32(&pk[n++], 0);
	tp_eth(&pk[n], ETH_TYPE_IPV6);
	tp_ipv6(&pk[n], IPPROTO_FRAGMENT, 8 + 20);
	tp_u8(&pk[n], IPPROTO_TCP);
	tp_u8(&pk[n], 0);
	tp_u16(&pk[n], 0x0001);
	tp_u32(&pk[n], 7);
	tp_tcp(&pk[n++], 1, 2, 2);

	for (int i = 0; i < n; i++) {
		struct mvs_key full, k;
		CHECK_EQ(extract(&pk[i], pk[i].n, &full, NULL), FLOW_OK);
		for (size_t len = 0; len < pk[i].n; len++) {
			enum flow_status st = extract(&pk[i], len, &k, NULL);
			if (st != FLOW_TRUNCATED) {
				fprintf(stderr, "packet %d len %zu: %d\n", i,
					len, st);
				CHECK_EQ(st, FLOW_TRUNCATED);
			}
		}
	}
}

static void
test_masked_hash(void)
{
	struct mvs_key a, b, mask;
	struct flow_words w;

	memset(&a, 0, sizeof a);
	memset(&mask, 0, sizeof mask);
	a.meta.in_port = 3;
	a.hdr.eth_src[5] = 1;
	a.hdr.tp_src = htons(99);
	b = a;
	b.hdr.tp_src = htons(100); /* differs only where the mask is 0 */
	mask.meta.in_port = UINT32_MAX;
	memset(mask.hdr.eth_src, 0xff, 6);
	flow_words_init(&w, &mask);
	CHECK_EQ(w.n, 3); /* in_port; eth_src spans two words */
	CHECK_EQ(flow_hash_masked(&a, &mask, &w, 0),
		 flow_hash_masked(&b, &mask, &w, 0));
	CHECK(flow_equal_masked(&a, &b, &mask, &w));
	b.hdr.eth_src[5] = 2;
	CHECK(!flow_equal_masked(&a, &b, &mask, &w));
	CHECK(flow_hash_masked(&a, &mask, &w, 0) !=
	      flow_hash_masked(&b, &mask, &w, 0));
	CHECK(!flow_key_is_masked(&a, &mask));
	struct mvs_key m2;
	flow_key_and(&m2, &a, &mask);
	CHECK(flow_key_is_masked(&m2, &mask));
	CHECK_EQ(m2.hdr.tp_src, 0);
	/* The 5-tuple hash is symmetric. */
	a.hdr.ipv4_src = 1;
	a.hdr.ipv4_dst = 2;
	a.hdr.tp_src = 10;
	a.hdr.tp_dst = 20;
	b = a;
	b.hdr.ipv4_src = 2;
	b.hdr.ipv4_dst = 1;
	b.hdr.tp_src = 20;
	b.hdr.tp_dst = 10;
	CHECK_EQ(flow_hash_5tuple(&a, 0), flow_hash_5tuple(&b, 0));
	b.hdr.tp_dst = 11;
	CHECK(flow_hash_5tuple(&a, 0) != flow_hash_5tuple(&b, 0));
}

int
main(void)
{
	CHECK_RUN(test_tcp_ipv4);
	CHECK_RUN(test_vlan_double);
	CHECK_RUN(test_arp);
	CHECK_RUN(test_ipv4_fragments);
	CHECK_RUN(test_ipv6_ext_and_frag);
	CHECK_RUN(test_icmp_and_nd);
	CHECK_RUN(test_sctp_and_8023);
	CHECK_RUN(test_malformed);
	CHECK_RUN(test_truncated_everywhere);
	CHECK_RUN(test_masked_hash);
	CHECK_EXIT();
}
