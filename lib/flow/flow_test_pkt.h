/* SPDX-License-Identifier: Apache-2.0 */
/*
 * flow_test_pkt: builders of test frames (Ethernet, VLAN, ARP, IPv4, IPv6,
 * TCP, UDP, SCTP, ICMP, ICMPv6 ND) for the unit tests of lib/flow and of
 * upcalld's datapath.  Header-only, tests only.
 */
#ifndef MICROVS_FLOW_TEST_PKT_H
#define MICROVS_FLOW_TEST_PKT_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

struct tpkt {
	uint8_t b[4096];
	size_t n;
};

static inline void
tp_put(struct tpkt *t, const void *p, size_t n)
{
	memcpy(t->b + t->n, p, n);
	t->n += n;
}

static inline void
tp_u8(struct tpkt *t, uint8_t v)
{
	tp_put(t, &v, 1);
}

static inline void
tp_u16(struct tpkt *t, uint16_t v)
{
	v = htons(v);
	tp_put(t, &v, 2);
}

static inline void
tp_u32(struct tpkt *t, uint32_t v)
{
	v = htonl(v);
	tp_put(t, &v, 4);
}

static const uint8_t tp_mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t tp_mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };

/* dst b, src a. */
static inline void
tp_eth(struct tpkt *t, uint16_t type)
{
	t->n = 0;
	tp_put(t, tp_mac_b, 6);
	tp_put(t, tp_mac_a, 6);
	tp_u16(t, type);
}

/* Replaces the type just written by a tag and a new type. */
static inline void
tp_vlan(struct tpkt *t, uint16_t tpid, uint16_t tci, uint16_t type)
{
	t->n -= 2;
	tp_u16(t, tpid);
	tp_u16(t, tci);
	tp_u16(t, type);
}

static inline uint16_t
tp_csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An IPv4 header (no options unless @ihl > 5) with a valid checksum;
 * @payload bytes are announced in the total length. */
static inline size_t
tp_ipv4(struct tpkt *t, uint8_t proto, uint32_t src, uint32_t dst,
	uint16_t payload, uint16_t frag, uint8_t ihl)
{
	size_t at = t->n;

	tp_u8(t, (uint8_t)(0x40 | ihl));
	tp_u8(t, 0x2e); /* DSCP 11, ECN 2 */
	tp_u16(t, (uint16_t)(ihl * 4 + payload));
	tp_u16(t, 0x1234);
	tp_u16(t, frag);
	tp_u8(t, 64);
	tp_u8(t, proto);
	tp_u16(t, 0);
	tp_u32(t, src);
	tp_u32(t, dst);
	for (int i = 5; i < ihl; i++)
		tp_u32(t, 0x01010101); /* NOP options */
	uint16_t c = htons(tp_csum(t->b + at, (size_t)ihl * 4, 0));
	memcpy(t->b + at + 10, &c, 2);
	return at;
}

static inline size_t
tp_ipv6(struct tpkt *t, uint8_t nh, uint16_t payload)
{
	size_t at = t->n;
	uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

	tp_u32(t, 0x6 << 28 | 0x2e << 20 | 0x12345);
	tp_u16(t, payload);
	tp_u8(t, nh);
	tp_u8(t, 63);
	tp_put(t, src, 16);
	tp_put(t, dst, 16);
	return at;
}

static inline void
tp_tcp(struct tpkt *t, uint16_t sport, uint16_t dport, uint16_t flags)
{
	tp_u16(t, sport);
	tp_u16(t, dport);
	tp_u32(t, 1000);
	tp_u32(t, 0);
	tp_u16(t, (uint16_t)(5 << 12 | flags));
	tp_u16(t, 65535);
	tp_u16(t, 0);
	tp_u16(t, 0);
}

static inline void
tp_udp(struct tpkt *t, uint16_t sport, uint16_t dport, uint16_t len)
{
	tp_u16(t, sport);
	tp_u16(t, dport);
	tp_u16(t, len);
	tp_u16(t, 0);
}

#endif
