/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of tnl: headers built, finished and parsed back for VXLAN, GRE
 * and Geneve; every kind of bad outer header refused for its reason; no
 * read past a truncated frame (ASan builds see it). */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "flow.h"
#include "tnl.h"

static const uint8_t geneve_opts[8] = { 0x01, 0x02, 0x03, 0x01,
					0xde, 0xad, 0xbe, 0xef };

/* A finished tunnel frame of @type around a 60-byte inner frame in
 * @frame; returns its length.  Over IPv4 (192.168.77.1 to .2, TTL 64,
 * DF) or, with @v6, IPv6 (2001:db8::1 to ::2, hop limit 64, traffic
 * class 0xb8). */
static size_t
make_frame(enum mvs_tnl_type type, bool csum, bool v6, uint8_t *frame)
{
	struct tnl_header_spec s = { 0 };
	uint8_t hdr[MVS_TNL_PUSH_HEADER_MAX];
	size_t hl;

	s.type = type;
	memset(s.eth_src, 0x02, 6);
	memset(s.eth_dst, 0x04, 6);
	s.ip_src = inet_addr("192.168.77.1");
	s.ip_dst = inet_addr("192.168.77.2");
	s.ipv6 = v6;
	inet_pton(AF_INET6, "2001:db8::1", s.ip6_src);
	inet_pton(AF_INET6, "2001:db8::2", s.ip6_dst);
	s.tos = v6 ? 0xb8 : 0;
	s.ttl = 64;
	s.df = true;
	s.csum = csum;
	s.dst_port = type == MVS_TNL_VXLAN ? 4789 : 6081;
	s.key = 33;
	s.key_present = true;
	if (type == MVS_TNL_GENEVE) {
		s.opts = geneve_opts;
		s.opts_len = sizeof geneve_opts;
	}
	CHECK_EQ(tnl_header_build(&s, hdr, &hl), 0);
	memcpy(frame, hdr, hl);
	for (size_t i = 0; i < 60; i++)
		frame[hl + i] = (uint8_t)i;
	flow_put16(frame + hl + 12, 0x0800);
	CHECK_EQ(tnl_push_finish(frame, hl + 60, hl, 0x12345678, 7), 0);
	return hl + 60;
}

static size_t
make(enum mvs_tnl_type type, bool csum, uint8_t *frame)
{
	return make_frame(type, csum, false, frame);
}

static void
test_round_trip(void)
{
	static const enum mvs_tnl_type types[] = { MVS_TNL_VXLAN, MVS_TNL_GRE,
						   MVS_TNL_GENEVE };
	uint8_t f[256];

	for (size_t t = 0; t < 3; t++) {
		for (int csum = 0; csum < 2; csum++) {
			struct mvs_key_tunnel tun;
			size_t len = make(types[t], csum, f), hl, inner;

			CHECK_EQ(tnl_parse(f, len, types[t], false, &tun, &hl,
					   &inner),
				 TNL_OK);
			CHECK_EQ(inner, 60);
			CHECK_EQ(hl + inner, len);
			CHECK_EQ(be64toh(tun.tun_id), 33);
			CHECK_EQ(tun.ipv4_src, inet_addr("192.168.77.1"));
			CHECK_EQ(tun.ipv4_dst, inet_addr("192.168.77.2"));
			CHECK_EQ(tun.ttl, 64);
			CHECK(tun.flags & MVS_TNL_F_DONT_FRAGMENT);
			CHECK_EQ(!!(tun.flags & MVS_TNL_F_CSUM), csum);
			if (types[t] != MVS_TNL_GRE) {
				/* The source port is in the ephemeral range. */
				CHECK(ntohs(tun.tp_src) >= 32768);
				CHECK_EQ(ntohs(tun.tp_dst),
					 types[t] == MVS_TNL_VXLAN ? 4789
								   : 6081);
			}
			if (types[t] == MVS_TNL_GENEVE) {
				CHECK_EQ(tun.opts_len, 8);
				CHECK(!memcmp(tun.opts, geneve_opts, 8));
			}
			/* Every truncation is refused, never read past. */
			for (size_t n = 0; n < len - 14; n++) {
				uint8_t *cut = malloc(n ? n : 1);
				memcpy(cut, f, n);
				CHECK(tnl_parse(cut, n, types[t], false, &tun,
						&hl, &inner) != TNL_OK);
				free(cut);
			}
		}
	}
}

/* The outer IPv4 id: 0 with DF (an atomic datagram, as Linux and Open
 * vSwitch send it), the caller's id without. */
static void
test_ip_id(void)
{
	struct tnl_header_spec s = { 0 };
	uint8_t f[MVS_TNL_PUSH_HEADER_MAX + 60] = { 0 };
	size_t hl;

	s.type = MVS_TNL_VXLAN;
	s.dst_port = 4789;
	for (int df = 0; df < 2; df++) {
		s.df = df;
		CHECK_EQ(tnl_header_build(&s, f, &hl), 0);
		CHECK_EQ(tnl_push_finish(f, hl + 60, hl, 1, 0x1234), 0);
		CHECK_EQ(flow_get16(f + 14 + 4), df ? 0 : 0x1234);
		CHECK_EQ(!!(flow_get16(f + 14 + 6) & 0x4000), df);
		CHECK_EQ(flow_csum_fold(flow_csum_add(f + 14, 20, 0)), 0);
	}
}

/* @frame parsed as @type gives @want. */
static void
expect(const uint8_t *frame, size_t len, enum mvs_tnl_type type,
       enum tnl_bad want)
{
	struct mvs_key_tunnel tun;
	size_t hl, inner;

	CHECK_STREQ(tnl_bad_name(tnl_parse(frame, len, type, false, &tun, &hl,
					   &inner)),
		    tnl_bad_name(want));
}

static void
refix_ip(uint8_t *f)
{
	flow_put16(f + 24, 0);
	flow_put16(f + 24, flow_csum_fold(flow_csum_add(f + 14, 20, 0)));
}

static void
test_bad(void)
{
	uint8_t f[256], g[256];
	size_t len;

	len = make(MVS_TNL_VXLAN, false, f);
	memcpy(g, f, len);
	g[42] = 0x0c; /* a flag besides I */
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_VXLAN);
	memcpy(g, f, len);
	g[49] = 1; /* the reserved byte after the VNI */
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_VXLAN);
	memcpy(g, f, len);
	g[23] = 6; /* TCP, not UDP */
	refix_ip(g);
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_PROTO);
	memcpy(g, f, len);
	flow_put16(g + 20, 0x2000); /* more fragments */
	refix_ip(g);
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_FRAG);
	memcpy(g, f, len);
	g[24] ^= 1; /* IPv4 header checksum */
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_IP_CSUM);
	memcpy(g, f, len);
	g[14] = 0x44; /* IHL 4 */
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_IP);
	memcpy(g, f, len);
	flow_put16(g + 38, (uint16_t)(flow_get16(g + 38) + 1)); /* UDP len */
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_UDP);
	memcpy(g, f, len);
	flow_put16(g + 16, 20 + 8 + 8 + 10); /* inner frame of 10 bytes */
	refix_ip(g);
	flow_put16(g + 38, 8 + 8 + 10);
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_INNER);
	memcpy(g, f, len);
	flow_put16(g + 12, 0x86dd); /* IPv4 bytes said to be IPv6 */
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_IPV6);
	flow_put16(g + 12, 0x88cc);
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_NOT_IPV4);

	len = make(MVS_TNL_VXLAN, true, f);
	memcpy(g, f, len);
	g[len - 1] ^= 0xff; /* payload changed under the UDP checksum */
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_CSUM);

	len = make(MVS_TNL_GENEVE, false, f);
	memcpy(g, f, len);
	g[42 + 8 + 3] = 0x1f; /* an option longer than the options */
	expect(g, len, MVS_TNL_GENEVE, TNL_BAD_GENEVE);
	memcpy(g, f, len);
	g[42] = 0x40 | 2; /* version 1 */
	expect(g, len, MVS_TNL_GENEVE, TNL_BAD_GENEVE);
	memcpy(g, f, len);
	g[42] = 0x3f; /* 252 bytes of options: past the packet */
	expect(g, len, MVS_TNL_GENEVE, TNL_BAD_GENEVE);

	len = make(MVS_TNL_GRE, false, f);
	memcpy(g, f, len);
	g[34] |= 0x40; /* routing present */
	expect(g, len, MVS_TNL_GRE, TNL_BAD_GRE);
	memcpy(g, f, len);
	g[35] = 1; /* version 1 (PPTP) */
	expect(g, len, MVS_TNL_GRE, TNL_BAD_GRE);
	memcpy(g, f, len);
	flow_put16(g + 36, 0x0800); /* IPv4 inside, not Ethernet */
	expect(g, len, MVS_TNL_GRE, TNL_BAD_GRE);
	len = make(MVS_TNL_GRE, true, f);
	memcpy(g, f, len);
	g[len - 2] ^= 0x55;
	expect(g, len, MVS_TNL_GRE, TNL_BAD_CSUM);
}

static void
test_ipv6(void)
{
	static const enum mvs_tnl_type types[] = { MVS_TNL_VXLAN,
						   MVS_TNL_GENEVE };
	uint8_t f[256], g[256], src[16];
	size_t len, hl, inner;

	inet_pton(AF_INET6, "2001:db8::1", src);
	for (size_t t = 0; t < 2; t++) {
		for (int csum = 0; csum < 2; csum++) {
			struct mvs_key_tunnel tun;
			uint32_t sum;

			len = make_frame(types[t], csum, true, f);
			CHECK_EQ(flow_get16(f + 12), 0x86dd);
			CHECK_EQ(f[14] >> 4, 6);
			/* Traffic class 0xb8; a flow label from the hash. */
			CHECK_EQ((f[14] & 0xf) << 4 | f[15] >> 4, 0xb8);
			CHECK((f[15] & 0xf) || flow_get16(f + 16));
			CHECK_EQ(flow_get16(f + 18), len - 54);
			CHECK_EQ(f[20], 17);
			CHECK_EQ(f[21], 64);
			CHECK_EQ(flow_get16(f + 58), len - 54);
			CHECK_EQ(flow_get16(f + 60) != 0, csum);
			sum = flow_csum_add(f + 22, 32,
					    17 + (uint32_t)(len - 54));
			if (csum)
				CHECK_EQ(flow_csum_fold(flow_csum_add(
						 f + 54, len - 54, sum)),
					 0);
			CHECK_EQ(tnl_parse(f, len, types[t], false, &tun, &hl,
					   &inner),
				 TNL_OK);
			CHECK_EQ(inner, 60u);
			CHECK(tun.flags & MVS_TNL_F_IPV6);
			CHECK(!memcmp(tun.ipv6_src, src, 16));
			CHECK_EQ(tun.ttl, 64);
			CHECK_EQ(tun.tos, 0xb8);
			CHECK_EQ(be64toh(tun.tun_id), 33u);
			CHECK_EQ(!!(tun.flags & MVS_TNL_F_CSUM), csum);
		}
	}
	/* GRE over IPv6, with a key and the GRE checksum. */
	len = make_frame(MVS_TNL_GRE, true, true, f);
	{
		struct mvs_key_tunnel tun;

		CHECK_EQ(f[20], 47);
		CHECK_EQ(flow_get16(f + 18), len - 54);
		CHECK_EQ(flow_csum_fold(flow_csum_add(f + 54, len - 54, 0)), 0);
		CHECK_EQ(tnl_parse(f, len, MVS_TNL_GRE, false, &tun, &hl,
				   &inner),
			 TNL_OK);
		CHECK(tun.flags & MVS_TNL_F_IPV6);
		CHECK_EQ(be64toh(tun.tun_id), 33u);
		CHECK_EQ(inner, 60u);
	}

	len = make_frame(MVS_TNL_VXLAN, true, true, f);
	for (size_t cut = 0; cut < len; cut += 7) /* cut short anywhere */
		expect(f, cut, MVS_TNL_VXLAN, TNL_BAD_SHORT);
	memcpy(g, f, len);
	g[14] = 0x4b; /* version 4 */
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_IPV6);
	memcpy(g, f, len);
	flow_put16(g + 18, (uint16_t)(len - 54 + 8)); /* payload too long */
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_SHORT);
	memcpy(g, f, len);
	flow_put16(g + 18, (uint16_t)(len - 54 - 8)); /* too short for UDP */
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_UDP);
	memcpy(g, f, len);
	g[20] = 0; /* a hop-by-hop options header */
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_IPV6);
	memcpy(g, f, len);
	g[20] = 44; /* a fragment header */
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_IPV6);
	memcpy(g, f, len);
	g[20] = 6; /* TCP */
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_PROTO);
	memcpy(g, f, len);
	g[len - 1] ^= 0xff; /* under the UDP checksum */
	expect(g, len, MVS_TNL_VXLAN, TNL_BAD_CSUM);
	expect(f, len, MVS_TNL_GRE, TNL_BAD_PROTO);
}

int
main(void)
{
	CHECK_RUN(test_round_trip);
	CHECK_RUN(test_bad);
	CHECK_RUN(test_ip_id);
	CHECK_RUN(test_ipv6);
	CHECK_EXIT();
}
