/* SPDX-License-Identifier: Apache-2.0 */
/*
 * odp_actions: the policy of action attributes (payload sizes, nesting),
 * checked once on everything received from a peer so that the printer
 * and the executors may trust what they walk.
 */
#include "odp.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "flow.h"

#define VAR -1

static const int action_len[__MVS_ACTION_ATTR_MAX] = {
	[MVS_ACTION_ATTR_OUTPUT] = 4,
	[MVS_ACTION_ATTR_USERSPACE] = VAR,
	[MVS_ACTION_ATTR_SET_ETH] = sizeof(struct mvs_act_set_eth),
	[MVS_ACTION_ATTR_SET_IPV4] = sizeof(struct mvs_act_set_ipv4),
	[MVS_ACTION_ATTR_SET_IPV6] = sizeof(struct mvs_act_set_ipv6),
	[MVS_ACTION_ATTR_SET_L4] = sizeof(struct mvs_act_set_l4),
	[MVS_ACTION_ATTR_SET_TUNNEL] = sizeof(struct mvs_key_tunnel),
	[MVS_ACTION_ATTR_SET_META] = sizeof(struct mvs_act_set_meta),
	[MVS_ACTION_ATTR_PUSH_VLAN] = sizeof(struct mvs_act_push_vlan),
	[MVS_ACTION_ATTR_POP_VLAN] = 0,
	[MVS_ACTION_ATTR_RECIRC] = 4,
	[MVS_ACTION_ATTR_HASH] = sizeof(struct mvs_act_hash),
	[MVS_ACTION_ATTR_SAMPLE] = VAR,
	[MVS_ACTION_ATTR_CLONE] = VAR,
	[MVS_ACTION_ATTR_TRUNC] = 4,
	[MVS_ACTION_ATTR_TUNNEL_PUSH] = sizeof(struct mvs_act_tunnel_push),
	[MVS_ACTION_ATTR_TUNNEL_POP] = 4,
	[MVS_ACTION_ATTR_METER] = 4,
};

int
odp_action_len(unsigned type)
{
	if (type == MVS_ACTION_ATTR_UNSPEC || type >= __MVS_ACTION_ATTR_MAX ||
	    type == MVS_ACTION_ATTR_CT)
		return -2;
	return action_len[type];
}

static int check_list(const struct nlattr *actions, size_t len, int depth);

static int
check_userspace(const struct nlattr *a)
{
	const struct nlattr *x;
	size_t left;

	if (nl_attrs_check(nl_attr_data(a), nl_attr_len(a)))
		return -EINVAL;
	NL_ATTR_FOR_EACH(x, left, nl_attr_data(a), nl_attr_len(a))
	{
		if (nl_attr_type(x) == MVS_USERSPACE_ATTR_PID) {
			if (nl_attr_len(x) != 4)
				return -EINVAL;
		} else if (nl_attr_type(x) != MVS_USERSPACE_ATTR_USERDATA) {
			return -EINVAL;
		}
	}
	return 0;
}

static int
check_sample(const struct nlattr *a, int depth)
{
	const struct nlattr *x;
	size_t left;
	bool prob = false, acts = false;

	if (nl_attrs_check(nl_attr_data(a), nl_attr_len(a)))
		return -EINVAL;
	NL_ATTR_FOR_EACH(x, left, nl_attr_data(a), nl_attr_len(a))
	{
		if (nl_attr_type(x) == MVS_SAMPLE_ATTR_PROBABILITY) {
			if (nl_attr_len(x) != 4 || prob)
				return -EINVAL;
			prob = true;
		} else if (nl_attr_type(x) == MVS_SAMPLE_ATTR_ACTIONS) {
			if (acts || check_list(nl_attr_data(x), nl_attr_len(x),
					       depth + 1))
				return -EINVAL;
			acts = true;
		} else {
			return -EINVAL;
		}
	}
	return prob && acts ? 0 : -EINVAL;
}

static int
check_one(const struct nlattr *a, int depth)
{
	unsigned type = nl_attr_type(a);
	int want = odp_action_len(type);

	if (want == -2 || (want >= 0 && nl_attr_len(a) != (size_t)want))
		return -EINVAL;
	switch (type) {
	case MVS_ACTION_ATTR_OUTPUT:
		return nl_attr_get_u32(a) <= MVS_PORT_MAX ? 0 : -EINVAL;
	case MVS_ACTION_ATTR_USERSPACE:
		return check_userspace(a);
	case MVS_ACTION_ATTR_SAMPLE:
		return check_sample(a, depth);
	case MVS_ACTION_ATTR_CLONE:
		return check_list(nl_attr_data(a), nl_attr_len(a), depth + 1);
	case MVS_ACTION_ATTR_PUSH_VLAN: {
		const struct mvs_act_push_vlan *v = nl_attr_data(a);
		uint16_t tpid = ntohs(v->tpid);
		return tpid == ETH_TYPE_VLAN || tpid == ETH_TYPE_VLAN_8021AD
			       ? 0
			       : -EINVAL;
	}
	case MVS_ACTION_ATTR_SET_L4: {
		const struct mvs_act_set_l4 *l4 = nl_attr_data(a);
		return l4->proto == IPPROTO_TCP || l4->proto == IPPROTO_UDP ||
				       l4->proto == IPPROTO_SCTP
			       ? 0
			       : -EINVAL;
	}
	case MVS_ACTION_ATTR_TUNNEL_PUSH: {
		const struct mvs_act_tunnel_push *t = nl_attr_data(a);
		return t->header_len <= MVS_TNL_PUSH_HEADER_MAX ? 0 : -EINVAL;
	}
	default:
		return 0;
	}
}

static int
check_list(const struct nlattr *actions, size_t len, int depth)
{
	const struct nlattr *a;
	size_t left;

	if (depth > NL_NEST_MAX || nl_attrs_check(actions, len))
		return -EINVAL;
	NL_ATTR_FOR_EACH(a, left, actions, len)
	if (check_one(a, depth))
		return -EINVAL;
	return 0;
}

int
odp_actions_check(const struct nlattr *actions, size_t len)
{
	if (len && !actions)
		return -EINVAL;
	return len ? check_list(actions, len, 0) : 0;
}

uint32_t
odp_hash_l4(const struct mvs_key_hdr *hdr, uint32_t basis)
{
	struct mvs_key key;

	memset(&key, 0, sizeof key);
	key.hdr = *hdr;
	return flow_hash_5tuple(&key, basis);
}
