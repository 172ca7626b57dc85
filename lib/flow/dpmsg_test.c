/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of dpmsg: ports, flows and packets round-trip; bad records are
 * refused; ufids depend on the masked key and the mask only. */
#include <arpa/inet.h>
#include <errno.h>

#include "check.h"
#include "dpmsg.h"

/* Parses the single record of @b with @fn after dpmsg_open(). */
#define PARSE_ONE(B, FN, OUT, RC)                                   \
	do {                                                        \
		struct dpmsg_buf in_;                               \
		const struct nlattr *a_;                            \
		size_t left_;                                       \
		int n_ = 0;                                         \
		CHECK_EQ(dpmsg_open(&in_, (B)->data, (B)->len), 0); \
		DPMSG_FOR_EACH(a_, left_, &in_)                     \
		{                                                   \
			(RC) = FN(a_, OUT);                         \
			n_++;                                       \
		}                                                   \
		CHECK_EQ(n_, 1);                                    \
		dpmsg_buf_free(&in_);                               \
	} while (0)

static void
test_port(void)
{
	struct dp_port_info in = { .port_no = 3,
				   .type = MVS_VPORT_TYPE_NETDEV,
				   .name = "veth1",
				   .ifindex = 42,
				   .mac = { 2, 0, 0, 0, 0, 9 },
				   .mtu = 1500,
				   .carrier = true,
				   .admin_up = true,
				   .speed_mbps = 10000 };
	struct dp_port_info out;
	struct nlbuf b = NLBUF_EMPTY;
	int rc = -1;

	in.stats.rx_packets = 7;
	in.stats.tx_bytes = 1234;
	dpmsg_put_port(&b, &in);
	PARSE_ONE(&b, dpmsg_parse_port, &out, rc);
	CHECK_EQ(rc, 0);
	CHECK(!memcmp(&in, &out, sizeof in));
	nl_buf_free(&b);

	/* No name: refused. */
	size_t ofs = nl_nest_start(&b, MVS_VPORT_ATTR_PORT);
	nl_put_u32(&b, MVS_VPORT_ATTR_PORT_NO, 1);
	nl_put_u32(&b, MVS_VPORT_ATTR_TYPE, MVS_VPORT_TYPE_NETDEV);
	nl_nest_end(&b, ofs);
	PARSE_ONE(&b, dpmsg_parse_port, &out, rc);
	CHECK_EQ(rc, -EINVAL);
	nl_buf_free(&b);

	/* A name without its NUL, a bad type, a short MAC. */
	for (int bad = 0; bad < 3; bad++) {
		ofs = nl_nest_start(&b, MVS_VPORT_ATTR_PORT);
		nl_put_u32(&b, MVS_VPORT_ATTR_PORT_NO, 1);
		nl_put_u32(&b, MVS_VPORT_ATTR_TYPE,
			   bad == 1 ? 99 : MVS_VPORT_TYPE_NETDEV);
		nl_put(&b, MVS_VPORT_ATTR_NAME, "eth0", bad == 0 ? 4 : 5);
		nl_put(&b, MVS_VPORT_ATTR_MAC, "abcdef", bad == 2 ? 5 : 6);
		nl_nest_end(&b, ofs);
		PARSE_ONE(&b, dpmsg_parse_port, &out, rc);
		CHECK_EQ(rc, -EINVAL);
		nl_buf_free(&b);
	}
}

static void
test_flow(void)
{
	struct dpmsg_flow in, out;
	struct nlbuf acts = NLBUF_EMPTY, b = NLBUF_EMPTY;
	int rc = -1;

	memset(&in, 0, sizeof in);
	nl_put_u32(&acts, MVS_ACTION_ATTR_OUTPUT, 2);
	in.present = DPMSG_F_UFID | DPMSG_F_KEY | DPMSG_F_MASK |
		     DPMSG_F_ACTIONS | DPMSG_F_STATS | DPMSG_F_FLAGS;
	in.ufid.w[0] = 1;
	in.ufid.w[3] = 4;
	in.key.meta.in_port = 1;
	memset(&in.mask, 0xff, sizeof in.mask);
	in.actions = (const void *)acts.data;
	in.actions_len = acts.len;
	in.stats.n_packets = 5;
	in.flags = MVS_FLOW_F_CREATE;
	dpmsg_put_flow(&b, &in);
	PARSE_ONE(&b, dpmsg_parse_flow, &out, rc);
	CHECK_EQ(rc, 0);
	CHECK_EQ(out.present, in.present);
	CHECK(!memcmp(&out.ufid, &in.ufid, sizeof in.ufid));
	CHECK(!memcmp(&out.key, &in.key, sizeof in.key));
	CHECK(!memcmp(&out.mask, &in.mask, sizeof in.mask));
	CHECK_EQ(out.stats.n_packets, 5);
	CHECK_EQ(out.flags, MVS_FLOW_F_CREATE);
	nl_buf_free(&b);

	/* Actions that do not parse, and a record without a ufid. */
	in.present = DPMSG_F_UFID | DPMSG_F_ACTIONS;
	uint32_t junk[3] = { 0x00630008, 1, 2 };
	in.actions = (const void *)junk;
	in.actions_len = 8;
	dpmsg_put_flow(&b, &in);
	PARSE_ONE(&b, dpmsg_parse_flow, &out, rc);
	CHECK_EQ(rc, -EINVAL);
	nl_buf_free(&b);
	in.present = DPMSG_F_STATS;
	dpmsg_put_flow(&b, &in);
	PARSE_ONE(&b, dpmsg_parse_flow, &out, rc);
	CHECK_EQ(rc, -EINVAL);
	nl_buf_free(&b);
	nl_buf_free(&acts);
}

static void
test_packet(void)
{
	static const uint8_t frame[60] = { 1, 2, 3 };
	struct dpmsg_packet in, out;
	struct nlbuf b = NLBUF_EMPTY;
	struct dpmsg_buf rx;
	const struct nlattr *a;
	size_t left;
	int n = 0;

	memset(&in, 0, sizeof in);
	in.type = MVS_UPCALL_MISS;
	in.key.meta.in_port = 7;
	in.data = frame;
	in.len = sizeof frame;
	dpmsg_put_upcall(&b, &in);
	dpmsg_put_upcall(&b, &in);
	CHECK_EQ(dpmsg_open(&rx, b.data, b.len), 0);
	DPMSG_FOR_EACH(a, left, &rx)
	{
		CHECK_EQ(nl_attr_type(a), MVS_PACKET_ATTR_UPCALL);
		CHECK_EQ(dpmsg_parse_packet(nl_attr_data(a), nl_attr_len(a),
					    &out),
			 0);
		CHECK_EQ(out.type, MVS_UPCALL_MISS);
		CHECK_EQ(out.key.meta.in_port, 7);
		CHECK_EQ(out.len, sizeof frame);
		CHECK(!memcmp(out.data, frame, sizeof frame));
		n++;
	}
	CHECK_EQ(n, 2);
	dpmsg_buf_free(&rx);

	/* Cut short: the whole buffer is refused. */
	CHECK_EQ(dpmsg_open(&rx, b.data, b.len - 4), -EINVAL);
	nl_buf_free(&b);

	/* No key: refused. */
	nl_put(&b, MVS_PACKET_ATTR_PACKET, frame, sizeof frame);
	CHECK_EQ(dpmsg_parse_packet(b.data, b.len, &out), -EINVAL);
	nl_buf_free(&b);
}

static void
test_ufid(void)
{
	struct mvs_key k1, k2, mask;
	struct mvs_ufid u1, u2, u3;

	memset(&k1, 0, sizeof k1);
	memset(&mask, 0, sizeof mask);
	k1.meta.in_port = 1;
	k1.hdr.ipv4_src = 0x01020304;
	k2 = k1;
	k2.hdr.ipv4_dst = 0x0a0b0c0d; /* outside the mask */
	mask.meta.in_port = ~0u;
	mask.hdr.ipv4_src = ~0u;
	dpmsg_ufid(&k1, &mask, &u1);
	dpmsg_ufid(&k2, &mask, &u2);
	CHECK(!memcmp(&u1, &u2, sizeof u1));
	mask.hdr.ipv4_dst = htonl(0xff000000);
	dpmsg_ufid(&k1, &mask, &u3);
	CHECK(memcmp(&u1, &u3, sizeof u1)); /* another mask: another flow */
	k2.hdr.ipv4_src = 0x01020305;
	dpmsg_ufid(&k2, &mask, &u2);
	CHECK(memcmp(&u3, &u2, sizeof u2));
}

int
main(void)
{
	CHECK_RUN(test_port);
	CHECK_RUN(test_flow);
	CHECK_RUN(test_packet);
	CHECK_RUN(test_ufid);
	CHECK_EXIT();
}
