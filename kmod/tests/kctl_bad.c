/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kctl_bad: malformed and unauthorised requests, each of which the
 * module must refuse with the expected errno: missing and oversized
 * attributes, unknown types, invalid and too deeply nested actions, keys
 * that lie about their lengths, meters without an id or bands or with
 * ids and rates out of range, and senders without CAP_NET_ADMIN.
 * Every message is built by hand, byte by byte, so nothing in libnl can
 * tidy it up first.  After the list, the datapath must still answer and
 * hold exactly the one valid flow and the one valid meter the list
 * installed.
 */
#include "kctl.h"

#include <errno.h>
#include <grp.h>
#include <linux/genetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define RAW_MAX 70000

struct raw {
	uint8_t b[RAW_MAX];
	size_t n;
};

/* What every case may use: the datapath and a valid flow. */
struct ctx {
	struct kctl *k;
	int ifindex;
	const char *dp;
	struct mvs_key key, mask;
	struct mvs_ufid ufid;
};

static void
put(struct raw *r, const void *p, size_t n)
{
	if (r->n + n > RAW_MAX)
		abort();
	memcpy(r->b + r->n, p, n);
	r->n += n;
}

static void
pad(struct raw *r)
{
	static const uint8_t zero[4];

	put(r, zero, NL_ALIGN(r->n) - r->n);
}

/* An attribute header claiming @len bytes of payload, then @have bytes
 * of @data (less than @len for a lying one), padded. */
static void
attr_lie(struct raw *r, uint16_t type, size_t len, const void *data,
	 size_t have)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len),
			    .nla_type = type };

	put(r, &a, sizeof a);
	if (have)
		put(r, data, have);
	pad(r);
}

static void
attr(struct raw *r, uint16_t type, const void *data, size_t len)
{
	attr_lie(r, type, len, data, len);
}

static void
attr_u32(struct raw *r, uint16_t type, uint32_t v)
{
	attr(r, type, &v, 4);
}

static void
attr_str(struct raw *r, uint16_t type, const char *s)
{
	attr(r, type, s, strlen(s) + 1);
}

static size_t
nest_start(struct raw *r, uint16_t type)
{
	size_t at = r->n;

	attr(r, type, NULL, 0);
	return at;
}

static void
nest_end(struct raw *r, size_t at)
{
	struct nlattr *a = (struct nlattr *)(r->b + at);

	a->nla_len = (uint16_t)(r->n - at);
}

static void
start(struct raw *r, const struct ctx *x, enum kctl_fam f, uint8_t cmd,
      int ifindex)
{
	struct nlmsghdr h = { .nlmsg_type = (uint16_t)x->k->fam[f],
			      .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
			      .nlmsg_seq = 1 };
	struct genlmsghdr g = { .cmd = cmd, .version = MVS_GENL_VERSION };
	struct mvs_header m = { .dp_ifindex = ifindex };

	r->n = 0;
	put(r, &h, sizeof h);
	put(r, &g, sizeof g);
	put(r, &m, sizeof m);
}

static int
send_raw(const struct ctx *x, struct raw *r)
{
	((struct nlmsghdr *)r->b)->nlmsg_len = (uint32_t)r->n;
	return kctl_raw(x->k, r->b, r->n);
}

/* ---- the cases ---- */

/* A flow NEW with the valid key and mask, @acts as actions and, unless
 * @valid, a ufid other than the valid flow's. */
static void
flow_with_actions(struct raw *r, const struct ctx *x, const struct raw *acts,
		  bool valid)
{
	struct mvs_ufid u = x->ufid;

	if (!valid)
		u.w[3] ^= 0x5a5a;
	start(r, x, KF_FLOW, MVS_CMD_NEW, x->ifindex);
	attr(r, MVS_FLOW_ATTR_UFID, &u, sizeof u);
	attr(r, MVS_FLOW_ATTR_KEY, &x->key, sizeof x->key);
	attr(r, MVS_FLOW_ATTR_MASK, &x->mask, sizeof x->mask);
	attr(r, MVS_FLOW_ATTR_ACTIONS, acts->b, acts->n);
}

/* Each builder makes one request; @which picks a variant. */
typedef void build_fn(struct raw *r, const struct ctx *x, int which);

static void
b_dp_new(struct raw *r, const struct ctx *x, int which)
{
	static const char long_name[] = "kmod11-0123456789";

	start(r, x, KF_DP, MVS_CMD_NEW, 0);
	switch (which) {
	case 0: /* no name */
		attr_u32(r, MVS_DP_ATTR_UPCALL_PID, 1);
		break;
	case 1:
		attr_str(r, MVS_DP_ATTR_NAME, long_name);
		break;
	case 2: /* no NUL */
		attr(r, MVS_DP_ATTR_NAME, "kmodx", 5);
		break;
	case 3:
		attr_str(r, MVS_DP_ATTR_NAME, "kmodx");
		attr_u32(r, MVS_DP_ATTR_MAX + 1, 1);
		break;
	case 4:
		attr_str(r, MVS_DP_ATTR_NAME, "kmodx");
		attr_u32(r, 0, 1);
		break;
	case 5: {
		struct mvs_dp_stats st = { 0 };

		attr_str(r, MVS_DP_ATTR_NAME, "kmodx");
		attr(r, MVS_DP_ATTR_STATS, &st, sizeof st);
		break;
	}
	case 6:
		attr_str(r, MVS_DP_ATTR_NAME, "kmodx");
		attr(r, MVS_DP_ATTR_UPCALL_PID, "\1\0", 2);
		break;
	case 7:
		attr_str(r, MVS_DP_ATTR_NAME, "a/b");
		break;
	case 8:
		attr_str(r, MVS_DP_ATTR_NAME, "kmod%d");
		break;
	case 9:
		attr_str(r, MVS_DP_ATTR_NAME, "lo");
		break;
	case 10:
		attr_str(r, MVS_DP_ATTR_NAME, "kmodx");
		attr_u32(r, MVS_DP_ATTR_MASKS_CACHE_SIZE, 1u << 20);
		break;
	}
}

static void
b_dp_other(struct raw *r, const struct ctx *x, int which)
{
	switch (which) {
	case 0:
		start(r, x, KF_DP, MVS_CMD_SET, x->ifindex);
		attr_u32(r, MVS_DP_ATTR_MASKS_CACHE_SIZE, 3);
		break;
	case 1:
		start(r, x, KF_DP, MVS_CMD_GET, 0x7ffffff0);
		break;
	case 2: /* shorter than struct mvs_header */
		start(r, x, KF_DP, MVS_CMD_GET, x->ifindex);
		r->n -= 2;
		break;
	case 3: /* an attribute longer than what is left */
		start(r, x, KF_DP, MVS_CMD_GET, 0);
		attr_lie(r, MVS_DP_ATTR_NAME, 40, "kmod11", 7);
		break;
	case 4: /* genlmsghdr.reserved set */
		start(r, x, KF_DP, MVS_CMD_GET, x->ifindex);
		((struct genlmsghdr *)(r->b + NLMSG_HDRLEN))->reserved = 1;
		break;
	case 5:
		start(r, x, KF_DP, 99, x->ifindex);
		break;
	case 6:
		start(r, x, KF_DP, MVS_CMD_SET, x->ifindex);
		attr_u32(r, MVS_DP_ATTR_FLOW_LIMIT, 0);
		break;
	}
}

static void
b_vport(struct raw *r, const struct ctx *x, int which)
{
	start(r, x, KF_VPORT, MVS_CMD_NEW, x->ifindex);
	switch (which) {
	case 0:
		attr_str(r, MVS_VPORT_ATTR_NAME, "lo");
		break;
	case 1:
		attr_str(r, MVS_VPORT_ATTR_NAME, "lo");
		attr_u32(r, MVS_VPORT_ATTR_TYPE, 99);
		break;
	case 2:
		attr_str(r, MVS_VPORT_ATTR_NAME, "lo");
		attr_u32(r, MVS_VPORT_ATTR_TYPE, MVS_VPORT_TYPE_TAP);
		break;
	case 3:
		attr_str(r, MVS_VPORT_ATTR_NAME, "kmod11-none");
		attr_u32(r, MVS_VPORT_ATTR_TYPE, MVS_VPORT_TYPE_NETDEV);
		break;
	case 4:
		attr_str(r, MVS_VPORT_ATTR_NAME, "lo");
		attr_u32(r, MVS_VPORT_ATTR_TYPE, MVS_VPORT_TYPE_NETDEV);
		break;
	case 5:
		attr_str(r, MVS_VPORT_ATTR_NAME, "kmod11-i0");
		attr_u32(r, MVS_VPORT_ATTR_TYPE, MVS_VPORT_TYPE_INTERNAL);
		attr_u32(r, MVS_VPORT_ATTR_PORT_NO, 0);
		break;
	case 6:
		attr_str(r, MVS_VPORT_ATTR_NAME, "kmod11-i0");
		attr_u32(r, MVS_VPORT_ATTR_TYPE, MVS_VPORT_TYPE_INTERNAL);
		attr_u32(r, MVS_VPORT_ATTR_PORT_NO, MVS_PORT_MAX + 1);
		break;
	case 7:
		start(r, x, KF_VPORT, MVS_CMD_NEW, 0x7ffffff0);
		attr_str(r, MVS_VPORT_ATTR_NAME, "kmod11-i0");
		attr_u32(r, MVS_VPORT_ATTR_TYPE, MVS_VPORT_TYPE_INTERNAL);
		break;
	case 8: /* an internal port named as an existing device */
		attr_str(r, MVS_VPORT_ATTR_NAME, "lo");
		attr_u32(r, MVS_VPORT_ATTR_TYPE, MVS_VPORT_TYPE_INTERNAL);
		break;
	case 9: /* the datapath's own device as a netdev port */
		attr_str(r, MVS_VPORT_ATTR_NAME, x->dp);
		attr_u32(r, MVS_VPORT_ATTR_TYPE, MVS_VPORT_TYPE_NETDEV);
		break;
	case 10:
		start(r, x, KF_VPORT, MVS_CMD_DEL, x->ifindex);
		attr_u32(r, MVS_VPORT_ATTR_PORT_NO, MVS_PORT_LOCAL);
		break;
	case 11: /* a tunnel port on a device of another kind */
		attr_str(r, MVS_VPORT_ATTR_NAME, "lo");
		attr_u32(r, MVS_VPORT_ATTR_TYPE, MVS_VPORT_TYPE_VXLAN);
		break;
	}
}

static void
b_flow(struct raw *r, const struct ctx *x, int which)
{
	struct mvs_key key = x->key, mask = x->mask;
	struct mvs_ufid u = x->ufid;
	uint8_t big[sizeof(struct mvs_key) + 1] = { 0 };
	uint32_t flags = MVS_FLOW_F_CREATE;
	struct raw acts = { .n = 0 };

	attr_u32(&acts, MVS_ACTION_ATTR_OUTPUT, 1);
	u.w[0] ^= (uint32_t)which + 1;
	start(r, x, KF_FLOW, MVS_CMD_NEW, x->ifindex);
	switch (which) {
	case 0: /* each of the four attributes missing in turn */
	case 1:
	case 2:
	case 3:
		if (which != 0)
			attr(r, MVS_FLOW_ATTR_UFID, &u, sizeof u);
		if (which != 1)
			attr(r, MVS_FLOW_ATTR_KEY, &key, sizeof key);
		if (which != 2)
			attr(r, MVS_FLOW_ATTR_MASK, &mask, sizeof mask);
		if (which != 3)
			attr(r, MVS_FLOW_ATTR_ACTIONS, acts.b, acts.n);
		return;
	case 4: /* a key one byte short, and one byte long */
	case 5:
		memcpy(big, &key, sizeof key);
		attr(r, MVS_FLOW_ATTR_UFID, &u, sizeof u);
		attr(r, MVS_FLOW_ATTR_KEY, big,
		     sizeof key + (which == 4 ? -1 : 1));
		attr(r, MVS_FLOW_ATTR_MASK, &mask, sizeof mask);
		attr(r, MVS_FLOW_ATTR_ACTIONS, acts.b, acts.n);
		return;
	case 6: /* tunnel options longer than the key holds */
		key.tun.opts_len = MVS_TUN_OPTS_MAX + 4;
		break;
	case 7: /* tunnel options not a multiple of 4 */
		key.tun.opts_len = 6;
		break;
	case 8: /* a mask with a wildcarded recirc_id */
		mask.meta.recirc_id = 0;
		break;
	case 9:
		attr(r, MVS_FLOW_ATTR_UFID, &u, 8);
		attr(r, MVS_FLOW_ATTR_KEY, &key, sizeof key);
		attr(r, MVS_FLOW_ATTR_MASK, &mask, sizeof mask);
		attr(r, MVS_FLOW_ATTR_ACTIONS, acts.b, acts.n);
		return;
	case 10:
		flags = 0x4;
		break;
	case 11: /* the valid flow's ufid again */
		u = x->ufid;
		break;
	case 12: /* the valid flow's key and mask under another ufid */
		break;
	case 13: /* modify a flow that does not exist */
		flags = MVS_FLOW_F_MODIFY;
		break;
	case 14:
		start(r, x, KF_FLOW, MVS_CMD_DEL, x->ifindex);
		attr(r, MVS_FLOW_ATTR_UFID, &u, sizeof u);
		return;
	case 15: /* statistics are the kernel's to send */
		attr(r, MVS_FLOW_ATTR_STATS, big,
		     sizeof(struct mvs_flow_stats));
		break;
	}
	attr(r, MVS_FLOW_ATTR_UFID, &u, sizeof u);
	attr(r, MVS_FLOW_ATTR_KEY, &key, sizeof key);
	attr(r, MVS_FLOW_ATTR_MASK, &mask, sizeof mask);
	attr(r, MVS_FLOW_ATTR_ACTIONS, acts.b, acts.n);
	attr_u32(r, MVS_FLOW_ATTR_FLAGS, flags);
}

static void
b_actions(struct raw *r, const struct ctx *x, int which)
{
	static struct raw a;
	struct mvs_key_tunnel tun = { .ttl = 64 };
	uint32_t four = 4;
	size_t n1, n2;

	a.n = 0;
	switch (which) {
	case 0:
		attr_u32(&a, 99, 1);
		break;
	case 1:
		attr_u32(&a, 0, 1);
		break;
	case 2:
		attr(&a, MVS_ACTION_ATTR_OUTPUT, "\1\0", 2);
		break;
	case 3:
		attr_u32(&a, MVS_ACTION_ATTR_OUTPUT, MVS_PORT_MAX + 1);
		break;
	case 4: /* three bytes after the last attribute */
		attr_u32(&a, MVS_ACTION_ATTR_OUTPUT, 1);
		put(&a, "\1\2\3", 3);
		break;
	case 5: /* an attribute that runs past the list */
		attr_u32(&a, MVS_ACTION_ATTR_OUTPUT, 1);
		attr_lie(&a, MVS_ACTION_ATTR_OUTPUT, 32, &four, 4);
		break;
	case 6: {
		struct mvs_act_push_vlan v = { htons(0x0800), htons(5) };

		attr(&a, MVS_ACTION_ATTR_PUSH_VLAN, &v, sizeof v);
		break;
	}
	case 7: {
		struct mvs_act_set_l4 l4 = { .proto = 1 };

		attr(&a, MVS_ACTION_ATTR_SET_L4, &l4, sizeof l4);
		break;
	}
	case 8:
		attr(&a, MVS_ACTION_ATTR_CT, NULL, 0);
		break;
	case 9: {
		static struct mvs_act_tunnel_push tp;

		attr(&a, MVS_ACTION_ATTR_TUNNEL_PUSH, &tp, sizeof tp);
		break;
	}
	case 10: { /* clone in clone, 10 deep */
		size_t at[10];

		for (int i = 0; i < 10; i++)
			at[i] = nest_start(&a, MVS_ACTION_ATTR_CLONE);
		attr_u32(&a, MVS_ACTION_ATTR_OUTPUT, 1);
		for (int i = 9; i >= 0; i--)
			nest_end(&a, at[i]);
		break;
	}
	case 11: /* sample without actions */
		n1 = nest_start(&a, MVS_ACTION_ATTR_SAMPLE);
		attr_u32(&a, MVS_SAMPLE_ATTR_PROBABILITY, UINT32_MAX);
		nest_end(&a, n1);
		break;
	case 12: /* sample with two probabilities */
		n1 = nest_start(&a, MVS_ACTION_ATTR_SAMPLE);
		attr_u32(&a, MVS_SAMPLE_ATTR_PROBABILITY, 1);
		attr_u32(&a, MVS_SAMPLE_ATTR_PROBABILITY, 2);
		n2 = nest_start(&a, MVS_SAMPLE_ATTR_ACTIONS);
		nest_end(&a, n2);
		nest_end(&a, n1);
		break;
	case 13:
		n1 = nest_start(&a, MVS_ACTION_ATTR_USERSPACE);
		attr_u32(&a, 9, 1);
		nest_end(&a, n1);
		break;
	case 14: {
		struct mvs_act_hash h = { .alg = 7 };

		attr(&a, MVS_ACTION_ATTR_HASH, &h, sizeof h);
		break;
	}
	case 15:
		tun.opts_len = MVS_TUN_OPTS_MAX + 4;
		attr(&a, MVS_ACTION_ATTR_SET_TUNNEL, &tun, sizeof tun);
		break;
	case 16: /* over MVS_MAX_ACTIONS_LEN (32 KB) */
		while (a.n < 40000)
			attr_u32(&a, MVS_ACTION_ATTR_OUTPUT, 1);
		break;
	case 17: /* a clone whose list has trailing bytes */
		n1 = nest_start(&a, MVS_ACTION_ATTR_CLONE);
		attr_u32(&a, MVS_ACTION_ATTR_OUTPUT, 1);
		put(&a, "\0\0", 2);
		nest_end(&a, n1);
		break;
	case 18:
		attr(&a, MVS_ACTION_ATTR_RECIRC, "\1\0", 2);
		break;
	case 19:
		n1 = nest_start(&a, MVS_ACTION_ATTR_USERSPACE);
		attr(&a, MVS_USERSPACE_ATTR_PID, "\1\0", 2);
		nest_end(&a, n1);
		break;
	case 20: /* a later action's header cut in half */
		attr_u32(&a, MVS_ACTION_ATTR_OUTPUT, 1);
		put(&a, "\x08\0", 2);
		break;
	}
	flow_with_actions(r, x, &a, false);
}

static void
b_packet(struct raw *r, const struct ctx *x, int which)
{
	static const uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff,
					   0xff, 2,    0,    0,	   0,
					   0,	 1,    0x88, 0xb5 };
	struct mvs_key key = x->key;
	struct raw acts = { .n = 0 };

	attr_u32(&acts, MVS_ACTION_ATTR_OUTPUT, 1);
	start(r, x, KF_PACKET, MVS_CMD_EXECUTE,
	      which == 5 ? 0x7ffffff0 : x->ifindex);
	if (which == 6)
		key.tun.opts_len = 3;
	attr(r, MVS_PACKET_ATTR_PACKET, frame, which == 0 ? 10 : sizeof frame);
	if (which != 1)
		attr(r, MVS_PACKET_ATTR_KEY, &key, sizeof key);
	if (which == 3)
		attr_u32(&acts, 99, 0);
	if (which != 2)
		attr(r, MVS_PACKET_ATTR_ACTIONS, acts.b, acts.n);
	if (which == 4)
		attr_u32(r, MVS_PACKET_ATTR_TYPE, MVS_UPCALL_MISS);
}

/* A meter band of @rate (none if 0) and @burst (none if 0), flagged
 * NLA_F_NESTED as strict validation wants. */
static void
band(struct raw *r, uint32_t rate, uint32_t burst)
{
	size_t n = nest_start(r, MVS_METER_ATTR_BAND | NLA_F_NESTED);

	if (rate)
		attr_u32(r, MVS_BAND_ATTR_RATE, rate);
	if (burst)
		attr_u32(r, MVS_BAND_ATTR_BURST, burst);
	nest_end(r, n);
}

/* Meter id of the valid meter the list starts with. */
#define VALID_METER 1

static void
b_meter(struct raw *r, const struct ctx *x, int which)
{
	static const struct mvs_meter_stats st;
	size_t n;

	start(r, x, KF_METER, MVS_CMD_NEW, x->ifindex);
	switch (which) {
	case 0: /* no id */
		band(r, 1000, 0);
		return;
	case 1:
		attr_u32(r, MVS_METER_ATTR_ID, MVS_METER_MAX + 1);
		band(r, 1000, 0);
		return;
	case 2: /* no band */
		attr_u32(r, MVS_METER_ATTR_ID, 2);
		attr(r, MVS_METER_ATTR_KBPS, NULL, 0);
		return;
	case 3:
		attr_u32(r, MVS_METER_ATTR_ID, 2);
		for (int i = 0; i <= MVS_METER_BANDS_MAX; i++)
			band(r, 1000 + (uint32_t)i, 0);
		return;
	case 4: /* rate 0, in the second band */
		attr_u32(r, MVS_METER_ATTR_ID, 2);
		band(r, 1000, 0);
		n = nest_start(r, MVS_METER_ATTR_BAND | NLA_F_NESTED);
		attr_u32(r, MVS_BAND_ATTR_RATE, 0);
		nest_end(r, n);
		return;
	case 5: /* a band with a burst and no rate */
		attr_u32(r, MVS_METER_ATTR_ID, 2);
		band(r, 0, 100);
		return;
	case 6: /* band statistics are the kernel's to send */
		attr_u32(r, MVS_METER_ATTR_ID, 2);
		n = nest_start(r, MVS_METER_ATTR_BAND | NLA_F_NESTED);
		attr_u32(r, MVS_BAND_ATTR_RATE, 1000);
		attr(r, MVS_BAND_ATTR_STATS, &st, sizeof st);
		nest_end(r, n);
		return;
	case 7: /* and the meter's */
		attr_u32(r, MVS_METER_ATTR_ID, 2);
		attr(r, MVS_METER_ATTR_STATS, &st, sizeof st);
		band(r, 1000, 0);
		return;
	case 8:
		attr(r, MVS_METER_ATTR_ID, "\2\0", 2);
		band(r, 1000, 0);
		return;
	case 9: /* an unknown attribute in a band */
		attr_u32(r, MVS_METER_ATTR_ID, 2);
		n = nest_start(r, MVS_METER_ATTR_BAND | NLA_F_NESTED);
		attr_u32(r, MVS_BAND_ATTR_RATE, 1000);
		attr_u32(r, MVS_BAND_ATTR_MAX + 1, 1);
		nest_end(r, n);
		return;
	case 10: /* the bus's nest, which the family does not take */
		n = nest_start(r, MVS_METER_ATTR_METER);
		attr_u32(r, MVS_METER_ATTR_ID, 2);
		band(r, 1000, 0);
		nest_end(r, n);
		return;
	case 11:
		start(r, x, KF_METER, MVS_CMD_NEW, 0x7ffffff0);
		attr_u32(r, MVS_METER_ATTR_ID, 2);
		band(r, 1000, 0);
		return;
	case 12: /* delete without an id */
		start(r, x, KF_METER, MVS_CMD_DEL, x->ifindex);
		return;
	case 13:
		start(r, x, KF_METER, MVS_CMD_DEL, x->ifindex);
		attr_u32(r, MVS_METER_ATTR_ID, 3);
		return;
	case 14:
		start(r, x, KF_METER, MVS_CMD_GET, x->ifindex);
		attr_u32(r, MVS_METER_ATTR_ID, 3);
		return;
	case 15: /* get without an id, and without NLM_F_DUMP */
		start(r, x, KF_METER, MVS_CMD_GET, x->ifindex);
		return;
	case 16: /* the valid meter, set again: allowed */
		attr_u32(r, MVS_METER_ATTR_ID, VALID_METER);
		band(r, 1000, 0);
		return;
	case 17: /* a band not flagged as a nest */
		attr_u32(r, MVS_METER_ATTR_ID, 2);
		n = nest_start(r, MVS_METER_ATTR_BAND);
		attr_u32(r, MVS_BAND_ATTR_RATE, 1000);
		nest_end(r, n);
		return;
	}
}

/* The requests a sender without CAP_NET_ADMIN makes. */
static void
b_noadmin(struct raw *r, const struct ctx *x, int which)
{
	struct raw acts = { .n = 0 };

	switch (which) {
	case 0:
		b_dp_new(r, x, 9);
		break;
	case 1:
		start(r, x, KF_DP, MVS_CMD_SET, x->ifindex);
		attr_u32(r, MVS_DP_ATTR_UPCALL_PID, 1);
		break;
	case 2:
		start(r, x, KF_DP, MVS_CMD_DEL, x->ifindex);
		break;
	case 3:
		b_vport(r, x, 8);
		break;
	case 4:
		attr_u32(&acts, MVS_ACTION_ATTR_OUTPUT, 1);
		flow_with_actions(r, x, &acts, false);
		break;
	case 5:
		start(r, x, KF_FLOW, MVS_CMD_DEL, x->ifindex);
		break;
	case 6:
		b_packet(r, x, 7);
		break;
	case 7: /* reading is allowed */
		start(r, x, KF_DP, MVS_CMD_GET, x->ifindex);
		break;
	case 8:
		b_meter(r, x, 16);
		break;
	case 9:
		start(r, x, KF_METER, MVS_CMD_DEL, x->ifindex);
		attr_u32(r, MVS_METER_ATTR_ID, VALID_METER);
		break;
	case 10: /* reading is allowed */
		start(r, x, KF_METER, MVS_CMD_GET, x->ifindex);
		attr_u32(r, MVS_METER_ATTR_ID, VALID_METER);
		break;
	}
}

struct bad_case {
	const char *what;
	build_fn *build;
	int which;
	int want; /* the errno expected, negative; 0: success */
};

static const struct bad_case cases[] = {
	{ "datapath new: no name", b_dp_new, 0, -EINVAL },
	{ "datapath new: name of 17 bytes", b_dp_new, 1, -EINVAL },
	{ "datapath new: name without NUL", b_dp_new, 2, -EINVAL },
	{ "datapath new: unknown attribute type", b_dp_new, 3, -EINVAL },
	{ "datapath new: attribute type 0", b_dp_new, 4, -EINVAL },
	{ "datapath new: reply-only attribute (stats)", b_dp_new, 5, -EINVAL },
	{ "datapath new: u32 of 2 bytes", b_dp_new, 6, -EINVAL },
	{ "datapath new: name with '/'", b_dp_new, 7, -EINVAL },
	{ "datapath new: name with '%'", b_dp_new, 8, -EINVAL },
	{ "datapath new: name of an existing device", b_dp_new, 9, -EEXIST },
	{ "datapath new: mask cache over the maximum", b_dp_new, 10, -ERANGE },
	{ "datapath set: mask cache not a power of 2", b_dp_other, 0, -EINVAL },
	{ "datapath get: unknown ifindex", b_dp_other, 1, -ENODEV },
	{ "message shorter than its header", b_dp_other, 2, -EINVAL },
	{ "attribute longer than the message", b_dp_other, 3, -EINVAL },
	{ "genetlink reserved field set", b_dp_other, 4, -EINVAL },
	{ "unknown command", b_dp_other, 5, -EOPNOTSUPP },
	{ "datapath set: flow limit 0", b_dp_other, 6, -ERANGE },
	{ "port new: no type", b_vport, 0, -EINVAL },
	{ "port new: unknown type", b_vport, 1, -ERANGE },
	{ "port new: userspace-only type (tap)", b_vport, 2, -EINVAL },
	{ "port new: no such device", b_vport, 3, -ENODEV },
	{ "port new: loopback", b_vport, 4, -EINVAL },
	{ "port new: port number 0", b_vport, 5, -EINVAL },
	{ "port new: port number over the maximum", b_vport, 6, -EINVAL },
	{ "port new: no such datapath", b_vport, 7, -ENODEV },
	{ "port new: internal port named as a device", b_vport, 8, -EEXIST },
	{ "port new: the datapath's own device", b_vport, 9, -EINVAL },
	{ "port del: the local port", b_vport, 10, -EINVAL },
	{ "port new: vxlan port on a non-vxlan device", b_vport, 11, -EINVAL },
	{ "flow new: no ufid", b_flow, 0, -EINVAL },
	{ "flow new: no key", b_flow, 1, -EINVAL },
	{ "flow new: no mask", b_flow, 2, -EINVAL },
	{ "flow new: no actions", b_flow, 3, -EINVAL },
	{ "flow new: key one byte short", b_flow, 4, -ERANGE },
	{ "flow new: key one byte long", b_flow, 5, -ERANGE },
	{ "flow new: key with 68 bytes of tunnel options", b_flow, 6, -EINVAL },
	{ "flow new: key with 6 bytes of tunnel options", b_flow, 7, -EINVAL },
	{ "flow new: mask without an exact recirc_id", b_flow, 8, -EINVAL },
	{ "flow new: ufid of 8 bytes", b_flow, 9, -ERANGE },
	{ "flow new: unknown flag", b_flow, 10, -EINVAL },
	{ "flow new: ufid that exists", b_flow, 11, -EEXIST },
	{ "flow new: key and mask that exist", b_flow, 12, -EEXIST },
	{ "flow modify: no such flow", b_flow, 13, -ENOENT },
	{ "flow del: no such flow", b_flow, 14, -ENOENT },
	{ "flow new: reply-only attribute (stats)", b_flow, 15, -EINVAL },
	{ "actions: unknown type", b_actions, 0, -EINVAL },
	{ "actions: type 0", b_actions, 1, -EINVAL },
	{ "actions: output of 2 bytes", b_actions, 2, -EINVAL },
	{ "actions: output to a port over the maximum", b_actions, 3, -EINVAL },
	{ "actions: 3 trailing bytes", b_actions, 4, -EINVAL },
	{ "actions: attribute past the end of the list", b_actions, 5,
	  -EINVAL },
	{ "actions: push_vlan with TPID 0x0800", b_actions, 6, -EINVAL },
	{ "actions: set_l4 of ICMP", b_actions, 7, -EINVAL },
	{ "actions: ct", b_actions, 8, -EINVAL },
	{ "actions: tunnel_push (userspace only)", b_actions, 9, -EOPNOTSUPP },
	{ "actions: clone nested 10 deep", b_actions, 10, -EINVAL },
	{ "actions: sample without actions", b_actions, 11, -EINVAL },
	{ "actions: sample with two probabilities", b_actions, 12, -EINVAL },
	{ "actions: userspace with an unknown attribute", b_actions, 13,
	  -EINVAL },
	{ "actions: hash with an unknown algorithm", b_actions, 14, -EINVAL },
	{ "actions: set_tunnel with 68 bytes of options", b_actions, 15,
	  -EINVAL },
	{ "actions: 40000 bytes of them", b_actions, 16, -ERANGE },
	{ "actions: clone list with trailing bytes", b_actions, 17, -EINVAL },
	{ "actions: recirc of 2 bytes", b_actions, 18, -EINVAL },
	{ "actions: userspace pid of 2 bytes", b_actions, 19, -EINVAL },
	{ "actions: half an attribute header at the end", b_actions, 20,
	  -EINVAL },
	{ "execute: frame of 10 bytes", b_packet, 0, -ERANGE },
	{ "execute: no key", b_packet, 1, -EINVAL },
	{ "execute: no actions", b_packet, 2, -EINVAL },
	{ "execute: invalid actions", b_packet, 3, -EINVAL },
	{ "execute: upcall-only attribute (type)", b_packet, 4, -EINVAL },
	{ "execute: no such datapath", b_packet, 5, -ENODEV },
	{ "execute: key with 3 bytes of tunnel options", b_packet, 6, -EINVAL },
	{ "meter new: no id", b_meter, 0, -EINVAL },
	{ "meter new: id over MVS_METER_MAX", b_meter, 1, -ERANGE },
	{ "meter new: no band", b_meter, 2, -EINVAL },
	{ "meter new: 9 bands", b_meter, 3, -EINVAL },
	{ "meter new: a band of rate 0", b_meter, 4, -ERANGE },
	{ "meter new: a band without a rate", b_meter, 5, -EINVAL },
	{ "meter new: reply-only attribute (band stats)", b_meter, 6, -EINVAL },
	{ "meter new: reply-only attribute (meter stats)", b_meter, 7,
	  -EINVAL },
	{ "meter new: id of 2 bytes", b_meter, 8, -EINVAL },
	{ "meter new: unknown attribute in a band", b_meter, 9, -EINVAL },
	{ "meter new: a meter nest (the bus's form)", b_meter, 10, -EINVAL },
	{ "meter new: no such datapath", b_meter, 11, -ENODEV },
	{ "meter del: no id", b_meter, 12, -EINVAL },
	{ "meter del: no such meter", b_meter, 13, -ENOENT },
	{ "meter get: no such meter", b_meter, 14, -ENOENT },
	{ "meter get: no id", b_meter, 15, -EINVAL },
	{ "meter new: a band without NLA_F_NESTED", b_meter, 17, -EINVAL },
	{ "meter new: the valid meter again (allowed)", b_meter, 16, 0 },
};

static const struct bad_case noadmin[] = {
	{ "non-admin: datapath new", b_noadmin, 0, -EPERM },
	{ "non-admin: datapath set", b_noadmin, 1, -EPERM },
	{ "non-admin: datapath del", b_noadmin, 2, -EPERM },
	{ "non-admin: port new", b_noadmin, 3, -EPERM },
	{ "non-admin: flow new", b_noadmin, 4, -EPERM },
	{ "non-admin: flow flush", b_noadmin, 5, -EPERM },
	{ "non-admin: execute", b_noadmin, 6, -EPERM },
	{ "non-admin: datapath get (allowed)", b_noadmin, 7, 0 },
	{ "non-admin: meter new", b_noadmin, 8, -EPERM },
	{ "non-admin: meter del", b_noadmin, 9, -EPERM },
	{ "non-admin: meter get (allowed)", b_noadmin, 10, 0 },
};

static int
run(struct ctx *x, const struct bad_case *c, size_t n)
{
	static struct raw r;
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		int got;

		c[i].build(&r, x, c[i].which);
		got = send_raw(x, &r);
		printf("%s %-50s %s", got == c[i].want ? "ok  " : "FAIL",
		       c[i].what, got ? strerror(-got) : "accepted");
		if (got != c[i].want)
			printf(" (want %s)",
			       c[i].want ? strerror(-c[i].want) : "success");
		if (x->k->errmsg[0])
			printf(" [%s]", x->k->errmsg);
		putchar('\n');
		failed += got != c[i].want;
	}
	return failed;
}

/* The non-admin cases, in a child that became nobody with no
 * capabilities before it opened its socket (the kernel checks the
 * socket's opener as well as the sender). */
static int
run_noadmin(struct ctx *x)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		struct kctl k;

		if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
			perror("drop to nobody");
			_exit(99);
		}
		if (kctl_open(&k))
			_exit(98);
		x->k = &k;
		status = run(x, noadmin, ARRAY_SIZE(noadmin));
		fflush(stdout);
		_exit(status);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status);
}

static void
count_flows(void *aux, const struct mvs_header *hdr, struct nlattr **a)
{
	(*(int *)aux)++;
}

/* The meters the datapath holds, or -1 if their dump fails. */
static int
count_meters(struct kctl *k, int ifindex)
{
	int n = 0;

	if (kctl_transact(
		    k, kctl_msg(k, KF_METER, MVS_CMD_GET, NLM_F_DUMP, ifindex),
		    MVS_METER_ATTR_MAX, count_flows, &n))
		return -1;
	return n;
}

int
kctl_badinput(struct kctl *k, const char *dp)
{
	struct ctx x = { .k = k, .dp = dp };
	struct raw acts = { .n = 0 };
	static struct raw r;
	int failed, n = 0;

	x.ifindex = kctl_dp_ifindex(k, dp);
	if (x.ifindex < 0)
		return fprintf(stderr, "%s: no datapath\n", dp), 1;
	/* The one valid flow: in_port 1 to port 1. */
	memset(&x.key, 0, sizeof x.key);
	memset(&x.mask, 0, sizeof x.mask);
	x.key.meta.in_port = 1;
	x.mask.meta.in_port = UINT32_MAX;
	x.mask.meta.recirc_id = UINT32_MAX;
	x.ufid = (struct mvs_ufid){ { 0x6b6d6f64, 11, 22, 33 } };
	attr_u32(&acts, MVS_ACTION_ATTR_OUTPUT, 1);
	flow_with_actions(&r, &x, &acts, true);
	if (send_raw(&x, &r))
		return fprintf(stderr, "the valid flow: %s\n", k->errmsg), 1;
	if (k->fam[KF_METER] < 0)
		return printf("FAIL the module has no %s family\n",
			      MVS_METER_FAMILY),
		       1;
	b_meter(&r, &x, 16);
	if (send_raw(&x, &r))
		return fprintf(stderr, "the valid meter: %s\n", k->errmsg), 1;

	failed = run(&x, cases, ARRAY_SIZE(cases));
	failed += run_noadmin(&x);

	/* Still alive, with the valid flow and no other. */
	if (kctl_transact(
		    k, kctl_msg(k, KF_FLOW, MVS_CMD_GET, NLM_F_DUMP, x.ifindex),
		    MVS_FLOW_ATTR_MAX, count_flows, &n) ||
	    n != 1) {
		printf("FAIL the datapath holds %d flows after the list "
		       "(want 1)\n",
		       n);
		failed++;
	} else {
		printf("ok   the datapath answers and holds the one valid "
		       "flow\n");
	}
	n = count_meters(k, x.ifindex);
	if (n != 1) {
		printf("FAIL the datapath holds %d meters after the list "
		       "(want 1)\n",
		       n);
		failed++;
	} else {
		printf("ok   ... and the one valid meter\n");
	}
	printf("badinput: %zu cases, %d failed\n",
	       ARRAY_SIZE(cases) + ARRAY_SIZE(noadmin) + 2, failed);
	return failed;
}
