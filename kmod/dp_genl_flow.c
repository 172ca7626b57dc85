// SPDX-License-Identifier: GPL-2.0
/*
 * The "mvs_flow" generic netlink family: install (NEW,
 * with MVS_FLOW_F_CREATE and/or MVS_FLOW_F_MODIFY), modify (SET), delete
 * (DEL: one flow by ufid, with its final statistics, or every flow), get
 * and dump megaflows of the datapath mvs_header.dp_ifindex.  Changes
 * need CAP_NET_ADMIN.
 *
 * A flow is its ufid, a key, a mask and actions.  The key may carry bits
 * outside the mask (userspace gives the key of the packet that caused
 * the flow): the table matches key & mask and dumps the key as given.
 * The mask must match recirc_id exactly, so that a recirculated packet
 * never hits a flow meant for fresh ones.
 */
#include <linux/netdevice.h>

#include "mvs.h"

static const struct nla_policy flow_policy[MVS_FLOW_ATTR_MAX + 1] = {
	[MVS_FLOW_ATTR_KEY] = NLA_POLICY_EXACT_LEN(sizeof(struct mvs_key)),
	[MVS_FLOW_ATTR_MASK] = NLA_POLICY_EXACT_LEN(sizeof(struct mvs_key)),
	[MVS_FLOW_ATTR_ACTIONS] = { .type = NLA_BINARY,
				    .len = MVS_MAX_ACTIONS_LEN },
	[MVS_FLOW_ATTR_UFID] = NLA_POLICY_EXACT_LEN(sizeof(struct mvs_ufid)),
	[MVS_FLOW_ATTR_STATS] = { .type = NLA_REJECT },
	[MVS_FLOW_ATTR_CLEAR] = { .type = NLA_FLAG },
	[MVS_FLOW_ATTR_FLAGS] = NLA_POLICY_MASK(NLA_U32, MVS_FLOW_F_CREATE |
						MVS_FLOW_F_MODIFY),
	[MVS_FLOW_ATTR_FLOW] = { .type = NLA_REJECT },
};

static size_t flow_msg_size(const struct mvs_flow_actions *acts)
{
	return NLMSG_ALIGN(sizeof(struct mvs_header)) +
	       nla_total_size(sizeof(struct mvs_key)) * 2 +
	       nla_total_size(acts ? acts->len : 0) +
	       nla_total_size(sizeof(struct mvs_ufid)) +
	       nla_total_size(sizeof(struct mvs_flow_stats));
}

/* A whole flow, or with @brief only its ufid and statistics (deletes).
 * mvs_mutex or RCU.
 */
static int flow_fill(struct sk_buff *skb, struct mvs_dp *dp,
		     struct mvs_flow *flow, bool brief, bool clear,
		     u32 portid, u32 seq, u32 flags, u8 cmd)
{
	const struct mvs_flow_actions *acts;
	struct mvs_flow_stats stats;
	struct mvs_header *hdr;

	hdr = genlmsg_put(skb, portid, seq, &mvs_flow_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	hdr->dp_ifindex = mvs_dp_ifindex(dp);
	if (nla_put(skb, MVS_FLOW_ATTR_UFID, sizeof(flow->ufid), &flow->ufid))
		goto cancel;
	if (!brief) {
		acts = rcu_dereference_check(flow->acts,
					     lockdep_is_held(&mvs_mutex));
		if (nla_put(skb, MVS_FLOW_ATTR_KEY, sizeof(flow->unmasked),
			    &flow->unmasked) ||
		    nla_put(skb, MVS_FLOW_ATTR_MASK, sizeof(flow->mask->key),
			    &flow->mask->key) ||
		    nla_put(skb, MVS_FLOW_ATTR_ACTIONS, acts->len,
			    acts->actions))
			goto cancel;
	}
	/* Last, so that a dump that runs out of room reads nothing twice
	 * and clears nothing it did not send.
	 */
	if (nla_total_size(sizeof(stats)) > skb_tailroom(skb))
		goto cancel;
	mvs_flow_stats_get(flow, &stats, clear);
	nla_put(skb, MVS_FLOW_ATTR_STATS, sizeof(stats), &stats);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int flow_reply(struct genl_info *info, struct mvs_dp *dp,
		      struct mvs_flow *flow, bool brief, bool clear, u8 cmd,
		      struct sk_buff **reply)
{
	*reply = genlmsg_new(flow_msg_size(brief ? NULL :
		rcu_dereference_protected(flow->acts,
					  lockdep_is_held(&mvs_mutex))),
		GFP_KERNEL);
	if (!*reply)
		return -ENOMEM;
	return flow_fill(*reply, dp, flow, brief, clear, info->snd_portid,
			 info->snd_seq, 0, cmd);
}

/* NEW and SET: @flags says whether the flow may be created, modified or
 * both.
 */
static int flow_put(struct genl_info *info, u32 flags)
{
	struct nlattr **a = info->attrs;
	struct mvs_flow_actions *acts = NULL;
	const struct mvs_key *key = NULL, *mask = NULL;
	bool clear = !!a[MVS_FLOW_ATTR_CLEAR];
	const struct mvs_ufid *ufid;
	struct mvs_flow *flow;
	struct mvs_dp *dp;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MVS_FLOW_ATTR_UFID))
		return -EINVAL;
	ufid = nla_data(a[MVS_FLOW_ATTR_UFID]);
	if (flags & MVS_FLOW_F_CREATE) {
		if (GENL_REQ_ATTR_CHECK(info, MVS_FLOW_ATTR_KEY) ||
		    GENL_REQ_ATTR_CHECK(info, MVS_FLOW_ATTR_MASK) ||
		    GENL_REQ_ATTR_CHECK(info, MVS_FLOW_ATTR_ACTIONS))
			return -EINVAL;
		key = nla_data(a[MVS_FLOW_ATTR_KEY]);
		mask = nla_data(a[MVS_FLOW_ATTR_MASK]);
		/* Only the key: a mask's opts_len is a mask (0xff matches
		 * the length exactly, as with megaflows off).
		 */
		if (mvs_key_check(key)) {
			NL_SET_ERR_MSG(info->extack,
				       "tunnel options length out of range");
			return -EINVAL;
		}
		if (mask->meta.recirc_id != U32_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[MVS_FLOW_ATTR_MASK],
					    "recirc_id must be matched exactly");
			return -EINVAL;
		}
	}
	if (a[MVS_FLOW_ATTR_ACTIONS]) {
		err = mvs_actions_copy(a[MVS_FLOW_ATTR_ACTIONS], &acts);
		if (err) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    a[MVS_FLOW_ATTR_ACTIONS],
					    "invalid actions");
			return err;
		}
	}

	mvs_lock();
	dp = mvs_dp_of_request(info);
	if (!dp) {
		err = -ENODEV;
		goto out;
	}
	flow = mvs_flow_tbl_find_ufid(&dp->table, ufid);
	if (flow) {
		err = -EEXIST;
		if (!(flags & MVS_FLOW_F_MODIFY))
			goto out;
		if (acts)
			mvs_flow_set_actions(flow, acts);
		acts = NULL;
		if (clear) {
			struct mvs_flow_stats stats;

			mvs_flow_stats_get(flow, &stats, true);
		}
		err = 0;
	} else if (flags & MVS_FLOW_F_CREATE) {
		err = mvs_flow_tbl_insert(&dp->table, ufid, key, mask, acts);
		acts = NULL;
	} else {
		err = -ENOENT;
	}
out:
	mvs_unlock();
	mvs_actions_free(acts);
	return err;
}

static int flow_cmd_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *f = info->attrs[MVS_FLOW_ATTR_FLAGS];

	return flow_put(info, f ? nla_get_u32(f) : MVS_FLOW_F_CREATE);
}

static int flow_cmd_set(struct sk_buff *skb, struct genl_info *info)
{
	return flow_put(info, MVS_FLOW_F_MODIFY);
}

static int flow_cmd_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ufid = info->attrs[MVS_FLOW_ATTR_UFID];
	struct sk_buff *reply = NULL;
	struct mvs_flow *flow;
	struct mvs_dp *dp;
	int err = 0;

	mvs_lock();
	dp = mvs_dp_of_request(info);
	if (!dp) {
		err = -ENODEV;
	} else if (!ufid) {
		mvs_flow_tbl_flush(&dp->table);
	} else {
		flow = mvs_flow_tbl_find_ufid(&dp->table, nla_data(ufid));
		err = flow ? flow_reply(info, dp, flow, true, false,
					MVS_CMD_DEL, &reply) : -ENOENT;
		if (!err)
			mvs_flow_tbl_remove(&dp->table, flow);
	}
	mvs_unlock();
	return mvs_genl_reply(info, reply, err);
}

static int flow_cmd_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *reply = NULL;
	struct mvs_flow *flow;
	struct mvs_dp *dp;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MVS_FLOW_ATTR_UFID))
		return -EINVAL;
	mvs_lock();
	dp = mvs_dp_of_request(info);
	if (!dp) {
		err = -ENODEV;
	} else {
		const struct mvs_ufid *ufid =
			nla_data(info->attrs[MVS_FLOW_ATTR_UFID]);

		flow = mvs_flow_tbl_find_ufid(&dp->table, ufid);
		err = flow ? flow_reply(info, dp, flow, false, false,
					MVS_CMD_GET, &reply) : -ENOENT;
	}
	mvs_unlock();
	return mvs_genl_reply(info, reply, err);
}

/* Every flow, in the order of their ids; cb->args[0] is the id to resume
 * at.
 */
static int flow_cmd_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long id = cb->args[0];
	struct mvs_flow *flow;
	struct mvs_dp *dp;

	rcu_read_lock();
	dp = mvs_dp_of_dump(cb);
	if (!dp) {
		rcu_read_unlock();
		return -ENODEV;
	}
	xa_for_each_start(&dp->table.flows, id, flow, cb->args[0]) {
		if (flow_fill(skb, dp, flow, false, false,
			      NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			      NLM_F_MULTI, MVS_CMD_GET))
			break;
		cb->args[0] = id + 1;
	}
	rcu_read_unlock();
	return skb->len;
}

static const struct genl_small_ops flow_ops[] = {
	{ .cmd = MVS_CMD_NEW, .flags = GENL_ADMIN_PERM, .doit = flow_cmd_new },
	{ .cmd = MVS_CMD_DEL, .flags = GENL_ADMIN_PERM, .doit = flow_cmd_del },
	{ .cmd = MVS_CMD_GET, .doit = flow_cmd_get, .dumpit = flow_cmd_dump },
	{ .cmd = MVS_CMD_SET, .flags = GENL_ADMIN_PERM, .doit = flow_cmd_set },
};

struct genl_family mvs_flow_genl_family __ro_after_init =
	MVS_GENL_FAMILY(MVS_FLOW_FAMILY, MVS_FLOW_ATTR_MAX, flow_policy,
			flow_ops, ARRAY_SIZE(flow_ops));
