/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kctl_keys: the kernel's flow keys against lib/flow's flow_extract(),
 * the reference both fast paths follow.  A corpus of frames (every header
 * flow_extract() knows, malformed ones, and every prefix of a few) is
 * sent through a veth into a port of the datapath, which has no flows:
 * each frame comes back as a miss upcall carrying the kernel's key and
 * the frame as received, and the key must equal flow_extract() on that
 * frame, byte for byte.
 *
 * The kernel's own receive path drops a frame whose outer VLAN tag is
 * not followed by 6 bytes (skb_vlan_untag()) before any rx_handler sees
 * it; such frames are expected not to come up and are counted apart.
 */
#include "kctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "flow.h"
#include "flow_test_pkt.h"
#include "util.h"

#define MAX_FRAMES 2048

struct corpus {
	struct tpkt *f;
	size_t n;
};

static struct tpkt *
add(struct corpus *c)
{
	if (c->n >= MAX_FRAMES)
		abort();
	return &c->f[c->n++];
}

static void
add_copy(struct corpus *c, const struct tpkt *t)
{
	*add(c) = *t;
}

/* Every prefix of @t from the Ethernet header on. */
static void
add_prefixes(struct corpus *c, const struct tpkt *t)
{
	for (size_t n = ETH_HDR_LEN; n < t->n; n++) {
		struct tpkt *p = add(c);

		*p = *t;
		p->n = n;
	}
}

static void
ipv4_l4(struct tpkt *t, uint8_t proto, uint16_t frag, uint8_t ihl)
{
	uint16_t len = proto == IPPROTO_TCP    ? 20
		       : proto == IPPROTO_SCTP ? 12
					       : 8;

	tp_ipv4(t, proto, 0x0a000001, 0x0a000002, (uint16_t)(len + 4), frag,
		ihl);
	switch (proto) {
	case IPPROTO_TCP:
		tp_tcp(t, 1234, 80, 0x012);
		break;
	case IPPROTO_UDP:
		tp_udp(t, 5353, 53, 12);
		break;
	case IPPROTO_SCTP:
		tp_u16(t, 7);
		tp_u16(t, 9);
		tp_u32(t, 1);
		tp_u32(t, 0);
		break;
	case IPPROTO_ICMP:
		tp_u8(t, 8);
		tp_u8(t, 0);
		tp_u16(t, 0);
		tp_u32(t, 0x00010002);
		break;
	}
	tp_u32(t, 0xdeadbeef); /* payload */
}

static void
arp(struct tpkt *t, uint16_t htype, uint16_t op)
{
	tp_u16(t, htype);
	tp_u16(t, ETH_TYPE_IP);
	tp_u8(t, 6);
	tp_u8(t, 4);
	tp_u16(t, op);
	tp_put(t, tp_mac_a, 6);
	tp_u32(t, 0x0a000001);
	tp_put(t, tp_mac_b, 6);
	tp_u32(t, 0x0a000002);
}

/* Neighbour solicitation (135) or advertisement (136) with options. */
static void
nd(struct tpkt *t, uint8_t type, int sll, int tll, uint8_t optlen)
{
	uint16_t plen =
		(uint16_t)(24 + 8 * (sll + tll) + (optlen != 1 ? 8 : 0));
	uint8_t target[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 9 };

	tp_eth(t, ETH_TYPE_IPV6);
	tp_ipv6(t, IPPROTO_ICMPV6, plen);
	tp_u8(t, type);
	tp_u8(t, 0);
	tp_u16(t, 0);
	tp_u32(t, 0);
	tp_put(t, target, 16);
	for (int i = 0; i < sll; i++) {
		tp_u8(t, 1);
		tp_u8(t, 1);
		tp_put(t, tp_mac_a, 6);
	}
	for (int i = 0; i < tll; i++) {
		tp_u8(t, 2);
		tp_u8(t, 1);
		tp_put(t, tp_mac_b, 6);
	}
	if (optlen != 1) { /* an odd option: unknown type or zero length */
		tp_u8(t, 99);
		tp_u8(t, optlen);
		tp_put(t, tp_mac_a, 6);
	}
}

static void
ipv6_l4(struct tpkt *t, const uint8_t *ext, size_t ext_len, uint8_t first,
	uint8_t proto)
{
	uint16_t l4 = proto == IPPROTO_TCP ? 20 : 8;

	tp_eth(t, ETH_TYPE_IPV6);
	tp_ipv6(t, first, (uint16_t)(ext_len + l4));
	tp_put(t, ext, ext_len);
	if (proto == IPPROTO_TCP)
		tp_tcp(t, 40000, 443, 0x018);
	else if (proto == IPPROTO_UDP)
		tp_udp(t, 546, 547, 8);
	else {
		tp_u8(t, 128); /* ICMPv6 echo */
		tp_u8(t, 0);
		tp_u16(t, 0);
		tp_u32(t, 0x00010001);
	}
}

static void
build(struct corpus *c)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP,
					  IPPROTO_SCTP, IPPROTO_ICMP, 47 };
	struct tpkt t;

	for (size_t i = 0; i < sizeof protos; i++) {
		tp_eth(&t, ETH_TYPE_IP);
		ipv4_l4(&t, protos[i], 0, 5);
		add_copy(c, &t);
		if (protos[i] == IPPROTO_TCP || protos[i] == IPPROTO_ICMP)
			add_prefixes(c, &t);
		tp_eth(&t, ETH_TYPE_IP);
		ipv4_l4(&t, protos[i], 0x2000, 6); /* options, first fragment */
		add_copy(c, &t);
		tp_eth(&t, ETH_TYPE_IP);
		ipv4_l4(&t, protos[i], 0x0010, 5); /* a later fragment */
		add_copy(c, &t);
	}
	/* IPv4 that lies: IHL 4, version 5, total length below the header,
	 * above the frame, and Ethernet padding after it. */
	tp_eth(&t, ETH_TYPE_IP);
	ipv4_l4(&t, IPPROTO_UDP, 0, 5);
	t.b[14] = 0x44;
	add_copy(c, &t);
	t.b[14] = 0x55;
	add_copy(c, &t);
	t.b[14] = 0x45;
	t.b[16] = 0;
	t.b[17] = 10;
	add_copy(c, &t);
	t.b[17] = 250;
	add_copy(c, &t);
	t.b[17] = 40;
	memset(t.b + t.n, 0, 20);
	t.n += 20;
	add_copy(c, &t);
	/* TCP with a data offset under 5, and one past the packet. */
	tp_eth(&t, ETH_TYPE_IP);
	ipv4_l4(&t, IPPROTO_TCP, 0, 5);
	t.b[14 + 20 + 12] = 0x40;
	add_copy(c, &t);
	t.b[14 + 20 + 12] = 0xf0;
	add_copy(c, &t);

	/* ARP, RARP, ARP of another hardware type. */
	tp_eth(&t, ETH_TYPE_ARP);
	arp(&t, 1, 1);
	add_copy(c, &t);
	add_prefixes(c, &t);
	tp_eth(&t, ETH_TYPE_RARP);
	arp(&t, 1, 3);
	add_copy(c, &t);
	tp_eth(&t, ETH_TYPE_ARP);
	arp(&t, 6, 2);
	add_copy(c, &t);

	/* IPv6: plain, extension headers, fragments, AH, ICMPv6, ND. */
	static const uint8_t hop_dst_rt[] = {
		IPPROTO_DSTOPTS, 0, 1, 4, 0, 0, 0, 0,
		IPPROTO_ROUTING, 0, 1, 4, 0, 0, 0, 0,
		IPPROTO_UDP,	 0, 0, 0, 0, 0, 0, 0,
	};
	static const uint8_t frag_first[] = {
		IPPROTO_TCP, 0, 0, 1, 0, 0, 0, 7
	};
	static const uint8_t frag_later[] = { IPPROTO_TCP, 0, 0, 0x28,
					      0,	   0, 0, 7 };
	static const uint8_t ah[] = { IPPROTO_UDP, 1, 0, 0, 0, 0,
				      0,	   1, 0, 0, 0, 2 };
	ipv6_l4(&t, NULL, 0, IPPROTO_TCP, IPPROTO_TCP);
	add_copy(c, &t);
	add_prefixes(c, &t);
	ipv6_l4(&t, hop_dst_rt, sizeof hop_dst_rt, IPPROTO_HOPOPTS,
		IPPROTO_UDP);
	add_copy(c, &t);
	add_prefixes(c, &t);
	ipv6_l4(&t, frag_first, sizeof frag_first, IPPROTO_FRAGMENT,
		IPPROTO_TCP);
	add_copy(c, &t);
	ipv6_l4(&t, frag_later, sizeof frag_later, IPPROTO_FRAGMENT,
		IPPROTO_TCP);
	add_copy(c, &t);
	ipv6_l4(&t, ah, sizeof ah, IPPROTO_AH, IPPROTO_UDP);
	add_copy(c, &t);
	ipv6_l4(&t, NULL, 0, IPPROTO_ICMPV6, IPPROTO_ICMPV6);
	add_copy(c, &t);
	nd(&t, 135, 1, 0, 1);
	add_copy(c, &t);
	add_prefixes(c, &t);
	nd(&t, 136, 0, 1, 1);
	add_copy(c, &t);
	nd(&t, 136, 1, 1, 2); /* and an unknown option */
	add_copy(c, &t);
	nd(&t, 135, 2, 0, 1); /* two source options: malformed */
	add_copy(c, &t);
	nd(&t, 135, 1, 0, 0); /* an option of length 0: malformed */
	add_copy(c, &t);
	ipv6_l4(&t, NULL, 0, IPPROTO_TCP, IPPROTO_TCP);
	t.b[14] = 0x50; /* version 5 */
	add_copy(c, &t);

	/* VLAN: one tag, two (802.1ad outside), three, a tag with a
	 * priority and DEI, and the prefixes of a double-tagged frame. */
	tp_eth(&t, ETH_TYPE_IP);
	tp_vlan(&t, ETH_TYPE_VLAN, 0x2064, ETH_TYPE_IP);
	ipv4_l4(&t, IPPROTO_UDP, 0, 5);
	add_copy(c, &t);
	tp_eth(&t, ETH_TYPE_IP);
	tp_vlan(&t, ETH_TYPE_VLAN_8021AD, 0x0005, ETH_TYPE_IP);
	tp_vlan(&t, ETH_TYPE_VLAN, 0xf00a, ETH_TYPE_IPV6);
	tp_ipv6(&t, IPPROTO_UDP, 8);
	tp_udp(&t, 1, 2, 8);
	add_copy(c, &t);
	add_prefixes(c, &t);
	tp_eth(&t, ETH_TYPE_IP);
	tp_vlan(&t, ETH_TYPE_VLAN, 1, ETH_TYPE_IP);
	tp_vlan(&t, ETH_TYPE_VLAN, 2, ETH_TYPE_IP);
	tp_vlan(&t, ETH_TYPE_VLAN, 3, ETH_TYPE_ARP);
	arp(&t, 1, 2);
	add_copy(c, &t);

	/* 802.3: LLC, SNAP with a type, SNAP with another OUI; LLDP. */
	tp_eth(&t, 40);
	tp_put(&t, "\x42\x42\x03\x00\x00\x00\x00\x00", 8);
	memset(t.b + t.n, 0, 32);
	t.n += 32;
	add_copy(c, &t);
	tp_eth(&t, 46);
	tp_put(&t, "\xaa\xaa\x03\x00\x00\x00\x08\x00", 8);
	ipv4_l4(&t, IPPROTO_ICMP, 0, 5);
	add_copy(c, &t);
	add_prefixes(c, &t);
	tp_eth(&t, 46);
	tp_put(&t, "\xaa\xaa\x03\x00\x00\x0c\x20\x00", 8);
	memset(t.b + t.n, 0, 30);
	t.n += 30;
	add_copy(c, &t);
	tp_eth(&t, 0x88cc);
	memset(t.b + t.n, 7, 30);
	t.n += 30;
	add_copy(c, &t);
}

/* A frame the kernel drops before the rx_handler: an outer VLAN tag not
 * followed by at least 6 bytes. */
static bool
kernel_drops(const struct tpkt *t)
{
	uint16_t type = (uint16_t)(t->b[12] << 8 | t->b[13]);

	return (type == ETH_TYPE_VLAN || type == ETH_TYPE_VLAN_8021AD) &&
	       t->n < ETH_HDR_LEN + 6;
}

struct catch
{
	const struct tpkt *sent;
	bool got;
	int bad;
	uint32_t port;
};

static const char *const hdr_fields[] = {
	"eth_dst",   "eth_src",	   "eth_type", "vlan_tci", "vlan_tpid",
	"vlan2_tci", "vlan2_tpid", "nw_proto", "nw_tos",   "nw_ttl",
	"nw_frag",   "ipv6_label", "ipv4",     "ipv6",	   "tp",
	"tcp_flags", "arp/nd",
};

static void
report(const struct mvs_key_hdr *k, const struct mvs_key_hdr *u,
       const struct tpkt *t)
{
	fprintf(stderr, "MISMATCH frame of %zu bytes:", t->n);
	for (size_t i = 0; i < t->n; i++)
		fprintf(stderr, "%s%02x", i % 32 ? "" : "\n  ", t->b[i]);
	fprintf(stderr, "\n  kernel / lib/flow differ in:");
#define F(name, field)                                     \
	if (memcmp(&k->field, &u->field, sizeof k->field)) \
		fprintf(stderr, " %s", name);
	F(hdr_fields[0], eth_dst)
	F(hdr_fields[1], eth_src)
	F(hdr_fields[2], eth_type)
	F(hdr_fields[3], vlan_tci)
	F(hdr_fields[4], vlan_tpid)
	F(hdr_fields[5], vlan2_tci)
	F(hdr_fields[6], vlan2_tpid)
	F(hdr_fields[7], nw_proto)
	F(hdr_fields[8], nw_tos)
	F(hdr_fields[9], nw_ttl)
	F(hdr_fields[10], nw_frag)
	F(hdr_fields[11], ipv6_label)
	F(hdr_fields[12], ipv4_src)
	F(hdr_fields[12], ipv4_dst)
	F(hdr_fields[13], ipv6_src)
	F(hdr_fields[13], ipv6_dst)
	F(hdr_fields[14], tp_src)
	F(hdr_fields[14], tp_dst)
	F(hdr_fields[15], tcp_flags)
	F(hdr_fields[16], arp_sha)
	F(hdr_fields[16], arp_tha)
	F(hdr_fields[16], nd_target)
#undef F
	fputc('\n', stderr);
}

static int
on_miss(struct nl_msg *msg, void *arg)
{
	struct catch *c = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *a[MVS_PACKET_ATTR_MAX + 1];
	const struct mvs_key *key;
	struct mvs_key ukey;
	struct dp_packet *p;

	if (genlmsg_parse(nlh, sizeof(struct mvs_header), a,
			  MVS_PACKET_ATTR_MAX, NULL) < 0 ||
	    !a[MVS_PACKET_ATTR_KEY] || !a[MVS_PACKET_ATTR_PACKET] ||
	    nla_len(a[MVS_PACKET_ATTR_KEY]) != sizeof *key)
		return NL_SKIP;
	/* Only the frame we sent; the peer's own traffic is ignored. */
	if ((size_t)nla_len(a[MVS_PACKET_ATTR_PACKET]) != c->sent->n ||
	    memcmp(nla_data(a[MVS_PACKET_ATTR_PACKET]), c->sent->b, c->sent->n))
		return NL_SKIP;
	key = nla_data(a[MVS_PACKET_ATTR_KEY]);
	c->got = true;
	p = dp_packet_clone_data(c->sent->b, c->sent->n);
	memset(&ukey, 0, sizeof ukey);
	flow_extract(p, &ukey);
	dp_packet_free(p);
	if (memcmp(&key->hdr, &ukey.hdr, sizeof ukey.hdr)) {
		report(&key->hdr, &ukey.hdr, c->sent);
		c->bad++;
	}
	if (key->meta.in_port != c->port || key->meta.recirc_id ||
	    key->tun.ttl) {
		fprintf(stderr, "MISMATCH metadata: in_port %u (want %u)\n",
			key->meta.in_port, c->port);
		c->bad++;
	}
	return NL_OK;
}

/* The port number of @dev in datapath @ifindex. */
static void
got_port(void *aux, const struct mvs_header *hdr, struct nlattr **a)
{
	*(uint32_t *)aux = nla_get_u32(a[MVS_VPORT_ATTR_PORT_NO]);
}

static int
peer_port(struct kctl *k, int ifindex, const char *peer, uint32_t *port)
{
	char link[IF_NAMESIZE];
	unsigned peer_idx = if_nametoindex(peer);
	FILE *f;
	char path[128];
	int iflink = 0;

	/* The port is the veth peer of @peer: its iflink. */
	snprintf(path, sizeof path, "/sys/class/net/%s/iflink", peer);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%d", &iflink) != 1 || !peer_idx) {
		if (f)
			fclose(f);
		return -ENODEV;
	}
	fclose(f);
	if (!if_indextoname((unsigned)iflink, link))
		return -ENODEV;
	struct nl_msg *msg = kctl_msg(k, KF_VPORT, MVS_CMD_GET, 0, ifindex);
	nla_put_string(msg, MVS_VPORT_ATTR_NAME, link);
	return kctl_transact(k, msg, MVS_VPORT_ATTR_MAX, got_port, port);
}

int
kctl_keycheck(struct kctl *k, const char *dp, const char *peer)
{
	struct corpus c = { .f = xcalloc(MAX_FRAMES, sizeof(struct tpkt)) };
	struct sockaddr_ll to = { .sll_family = AF_PACKET };
	struct catch ca = { 0 };
	size_t lost = 0, dropped = 0, bad = 0;
	struct nl_sock *up;
	struct nl_msg *msg;
	int ifindex, fd, err;

	ifindex = kctl_dp_ifindex(k, dp);
	if (ifindex < 0)
		return fprintf(stderr, "%s: no datapath\n", dp), 1;
	err = peer_port(k, ifindex, peer, &ca.port);
	if (err)
		return fprintf(stderr, "%s: not the peer of a port (%s)\n",
			       peer, strerror(-err)),
		       1;
	up = nl_socket_alloc();
	if (!up || genl_connect(up) < 0)
		return fprintf(stderr, "upcall socket\n"), 1;
	nl_socket_disable_seq_check(up);
	nl_socket_set_buffer_size(up, 4 << 20, 0);
	nl_socket_modify_cb(up, NL_CB_VALID, NL_CB_CUSTOM, on_miss, &ca);
	msg = kctl_msg(k, KF_DP, MVS_CMD_SET, 0, ifindex);
	nla_put_u32(msg, MVS_DP_ATTR_UPCALL_PID, nl_socket_get_local_port(up));
	if (kctl_transact(k, msg, MVS_DP_ATTR_MAX, NULL, NULL))
		return fprintf(stderr, "set upcall pid: %s\n", k->errmsg), 1;

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	to.sll_ifindex = (int)if_nametoindex(peer);
	to.sll_halen = 6;
	if (fd < 0 || !to.sll_ifindex)
		return perror("packet socket"), 1;
	build(&c);
	for (size_t i = 0; i < c.n; i++) {
		struct pollfd pfd = { nl_socket_get_fd(up), POLLIN, 0 };

		ca.sent = &c.f[i];
		ca.got = false;
		ca.bad = 0;
		if (sendto(fd, c.f[i].b, c.f[i].n, 0, (struct sockaddr *)&to,
			   sizeof to) < 0) {
			fprintf(stderr, "send of %zu bytes: %m\n", c.f[i].n);
			bad++;
			continue;
		}
		while (!ca.got &&
		       poll(&pfd, 1, kernel_drops(&c.f[i]) ? 200 : 3000) > 0)
			nl_recvmsgs_default(up);
		bad += (size_t)ca.bad;
		if (!ca.got && kernel_drops(&c.f[i]))
			dropped++;
		else if (!ca.got) {
			fprintf(stderr, "LOST frame %zu (%zu bytes)\n", i,
				c.f[i].n);
			lost++;
		}
	}
	printf("keycheck: %zu frames, %zu keys equal to lib/flow, %zu differ, "
	       "%zu lost, %zu dropped by the kernel before the datapath\n",
	       c.n, c.n - bad - lost - dropped, bad, lost, dropped);
	close(fd);
	nl_socket_free(up);
	free(c.f);
	return (int)(bad + lost);
}
