// SPDX-License-Identifier: GPL-2.0
/*
 * What userspace sends beyond what the generic netlink
 * policies check: action lists (known types, exact payload sizes, nested
 * lists well formed and at most MVS_NEST_MAX deep, ports in range) and
 * keys whose tunnel options lie about their length.  The same policy as
 * userspace's odp_actions_check(), except that the actions only the
 * userspace datapath has are refused here.
 */
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/slab.h>

#include "mvs.h"

#define VAR -1

static const int action_len[__MVS_ACTION_ATTR_MAX] = {
	[MVS_ACTION_ATTR_OUTPUT] = sizeof(u32),
	[MVS_ACTION_ATTR_USERSPACE] = VAR,
	[MVS_ACTION_ATTR_SET_ETH] = sizeof(struct mvs_act_set_eth),
	[MVS_ACTION_ATTR_SET_IPV4] = sizeof(struct mvs_act_set_ipv4),
	[MVS_ACTION_ATTR_SET_IPV6] = sizeof(struct mvs_act_set_ipv6),
	[MVS_ACTION_ATTR_SET_L4] = sizeof(struct mvs_act_set_l4),
	[MVS_ACTION_ATTR_SET_TUNNEL] = sizeof(struct mvs_key_tunnel),
	[MVS_ACTION_ATTR_SET_META] = sizeof(struct mvs_act_set_meta),
	[MVS_ACTION_ATTR_PUSH_VLAN] = sizeof(struct mvs_act_push_vlan),
	[MVS_ACTION_ATTR_POP_VLAN] = 0,
	[MVS_ACTION_ATTR_RECIRC] = sizeof(u32),
	[MVS_ACTION_ATTR_HASH] = sizeof(struct mvs_act_hash),
	[MVS_ACTION_ATTR_SAMPLE] = VAR,
	[MVS_ACTION_ATTR_CLONE] = VAR,
	[MVS_ACTION_ATTR_TRUNC] = sizeof(u32),
	[MVS_ACTION_ATTR_METER] = sizeof(u32),
};

static int check_list(const struct nlattr *attrs, int len, int depth);

/* Every attribute of a nested list is whole, with nothing after the
 * last.
 */
static int check_nested_shape(const struct nlattr *attr)
{
	const struct nlattr *a;
	int rem;

	nla_for_each_nested(a, attr, rem)
		;
	return rem ? -EINVAL : 0;
}

static int check_userspace(const struct nlattr *attr)
{
	const struct nlattr *a;
	int rem;

	if (check_nested_shape(attr))
		return -EINVAL;
	nla_for_each_nested(a, attr, rem) {
		switch (nla_type(a)) {
		case MVS_USERSPACE_ATTR_PID:
			if (nla_len(a) != sizeof(u32))
				return -EINVAL;
			break;
		case MVS_USERSPACE_ATTR_USERDATA:
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static int check_sample(const struct nlattr *attr, int depth)
{
	bool prob = false, acts = false;
	const struct nlattr *a;
	int rem, err;

	if (check_nested_shape(attr))
		return -EINVAL;
	nla_for_each_nested(a, attr, rem) {
		switch (nla_type(a)) {
		case MVS_SAMPLE_ATTR_PROBABILITY:
			if (nla_len(a) != sizeof(u32) || prob)
				return -EINVAL;
			prob = true;
			break;
		case MVS_SAMPLE_ATTR_ACTIONS:
			if (acts)
				return -EINVAL;
			err = check_list(nla_data(a), nla_len(a), depth + 1);
			if (err)
				return err;
			acts = true;
			break;
		default:
			return -EINVAL;
		}
	}
	return prob && acts ? 0 : -EINVAL;
}

static int check_one(const struct nlattr *a, int depth)
{
	int type = nla_type(a);
	const void *data = nla_data(a);

	if (type == MVS_ACTION_ATTR_TUNNEL_PUSH ||
	    type == MVS_ACTION_ATTR_TUNNEL_POP)
		return -EOPNOTSUPP; /* the userspace datapath's own */
	if (type <= MVS_ACTION_ATTR_UNSPEC || type > MVS_ACTION_ATTR_MAX ||
	    type == MVS_ACTION_ATTR_CT)
		return -EINVAL;
	if (action_len[type] != VAR && nla_len(a) != action_len[type])
		return -EINVAL;
	switch (type) {
	case MVS_ACTION_ATTR_OUTPUT:
		return nla_get_u32(a) <= MVS_PORT_MAX ? 0 : -EINVAL;
	case MVS_ACTION_ATTR_USERSPACE:
		return check_userspace(a);
	case MVS_ACTION_ATTR_SAMPLE:
		return check_sample(a, depth);
	case MVS_ACTION_ATTR_CLONE:
		return check_list(data, nla_len(a), depth + 1);
	case MVS_ACTION_ATTR_PUSH_VLAN: {
		const struct mvs_act_push_vlan *v = data;

		return v->tpid == htons(ETH_P_8021Q) ||
		       v->tpid == htons(ETH_P_8021AD) ? 0 : -EINVAL;
	}
	case MVS_ACTION_ATTR_SET_L4: {
		const struct mvs_act_set_l4 *l4 = data;

		return l4->proto == IPPROTO_TCP || l4->proto == IPPROTO_UDP ||
		       l4->proto == IPPROTO_SCTP ? 0 : -EINVAL;
	}
	case MVS_ACTION_ATTR_SET_TUNNEL: {
		const struct mvs_key_tunnel *t = data;

		return t->opts_len <= MVS_TUN_OPTS_MAX && !(t->opts_len & 3) ?
		       0 : -EINVAL;
	}
	case MVS_ACTION_ATTR_HASH: {
		const struct mvs_act_hash *h = data;

		return h->alg == MVS_HASH_ALG_L4 ? 0 : -EINVAL;
	}
	default:
		return 0;
	}
}

static int check_list(const struct nlattr *attrs, int len, int depth)
{
	const struct nlattr *a;
	int rem, err;

	if (depth > MVS_NEST_MAX)
		return -EINVAL;
	nla_for_each_attr(a, attrs, len, rem) {
		err = check_one(a, depth);
		if (err)
			return err;
	}
	return rem ? -EINVAL : 0;
}

int mvs_actions_copy(const struct nlattr *attr, struct mvs_flow_actions **out)
{
	struct mvs_flow_actions *acts;
	int len = nla_len(attr), err;

	if (len > MVS_MAX_ACTIONS_LEN)
		return -EMSGSIZE;
	err = check_list(nla_data(attr), len, 0);
	if (err)
		return err;
	acts = kmalloc(sizeof(*acts) + len, GFP_KERNEL);
	if (!acts)
		return -ENOMEM;
	mvs_obj_new(MVS_OBJ_ACTIONS);
	acts->len = len;
	memcpy(acts->actions, nla_data(attr), len);
	*out = acts;
	return 0;
}

void mvs_actions_free(struct mvs_flow_actions *acts)
{
	if (!acts)
		return;
	mvs_obj_gone(MVS_OBJ_ACTIONS);
	kfree(acts);
}

static void actions_free_rcu(struct rcu_head *rcu)
{
	mvs_actions_free(container_of(rcu, struct mvs_flow_actions, rcu));
}

void mvs_actions_free_rcu(struct mvs_flow_actions *acts)
{
	call_rcu(&acts->rcu, actions_free_rcu);
}

int mvs_key_check(const struct mvs_key *key)
{
	if (key->tun.opts_len > MVS_TUN_OPTS_MAX || (key->tun.opts_len & 3))
		return -EINVAL;
	return 0;
}
