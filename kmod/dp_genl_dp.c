// SPDX-License-Identifier: GPL-2.0
/*
 * The "mvs_datapath" generic netlink family: create,
 * delete, get (or dump) and set datapaths.  A datapath is named by
 * mvs_header.dp_ifindex (its local port) or, when that is zero, by
 * MVS_DP_ATTR_NAME.  Changes need CAP_NET_ADMIN.
 */
#include <linux/netdevice.h>

#include "mvs.h"

static const struct nla_policy dp_policy[MVS_DP_ATTR_MAX + 1] = {
	[MVS_DP_ATTR_NAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[MVS_DP_ATTR_UPCALL_PID] = { .type = NLA_U32 },
	[MVS_DP_ATTR_STATS] = { .type = NLA_REJECT },
	[MVS_DP_ATTR_MASKS_CACHE_SIZE] = NLA_POLICY_MAX(NLA_U32,
							MVS_MASK_CACHE_MAX),
	[MVS_DP_ATTR_FLOW_LIMIT] = NLA_POLICY_MIN(NLA_U32, 1),
};

static size_t dp_msg_size(void)
{
	return NLMSG_ALIGN(sizeof(struct mvs_header)) +
	       nla_total_size(IFNAMSIZ) + nla_total_size(sizeof(u32)) +
	       nla_total_size(sizeof(struct mvs_dp_stats)) +
	       nla_total_size(sizeof(u32)) * 2;
}

/* mvs_mutex or RCU. */
static int dp_fill(struct sk_buff *skb, struct mvs_dp *dp, u32 portid,
		   u32 seq, u32 flags, u8 cmd)
{
	struct mvs_dp_stats stats;
	struct mvs_header *hdr;

	hdr = genlmsg_put(skb, portid, seq, &mvs_dp_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	hdr->dp_ifindex = mvs_dp_ifindex(dp);
	mvs_dp_get_stats(dp, &stats);
	if (nla_put_string(skb, MVS_DP_ATTR_NAME, mvs_dp_name(dp)) ||
	    nla_put_u32(skb, MVS_DP_ATTR_UPCALL_PID, READ_ONCE(dp->upcall_pid)) ||
	    nla_put(skb, MVS_DP_ATTR_STATS, sizeof(stats), &stats) ||
	    nla_put_u32(skb, MVS_DP_ATTR_MASKS_CACHE_SIZE,
			mvs_flow_tbl_cache_size(&dp->table)) ||
	    nla_put_u32(skb, MVS_DP_ATTR_FLOW_LIMIT,
			READ_ONCE(dp->table.max_flows))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Applies the settable attributes.  mvs_mutex held. */
static int dp_apply(struct mvs_dp *dp, struct nlattr **a)
{
	if (a[MVS_DP_ATTR_UPCALL_PID])
		WRITE_ONCE(dp->upcall_pid,
			   nla_get_u32(a[MVS_DP_ATTR_UPCALL_PID]));
	/* Flows above a lowered limit stay until they are deleted. */
	if (a[MVS_DP_ATTR_FLOW_LIMIT])
		WRITE_ONCE(dp->table.max_flows,
			   nla_get_u32(a[MVS_DP_ATTR_FLOW_LIMIT]));
	if (a[MVS_DP_ATTR_MASKS_CACHE_SIZE])
		return mvs_flow_tbl_set_cache_size(&dp->table,
			nla_get_u32(a[MVS_DP_ATTR_MASKS_CACHE_SIZE]));
	return 0;
}

static int dp_reply(struct genl_info *info, struct mvs_dp *dp, u8 cmd,
		    struct sk_buff **reply)
{
	*reply = genlmsg_new(dp_msg_size(), GFP_KERNEL);
	if (!*reply)
		return -ENOMEM;
	return dp_fill(*reply, dp, info->snd_portid, info->snd_seq, 0, cmd);
}

static int dp_cmd_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct sk_buff *reply = NULL;
	struct mvs_dp *dp;
	const char *name;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MVS_DP_ATTR_NAME))
		return -EINVAL;
	name = nla_data(a[MVS_DP_ATTR_NAME]);
	if (!mvs_name_ok(name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[MVS_DP_ATTR_NAME],
				    "not a valid device name");
		return -EINVAL;
	}
	mvs_lock();
	err = mvs_dp_create(genl_info_net(info), name, 0, &dp);
	if (err)
		goto out;
	err = dp_apply(dp, a);
	if (!err)
		err = dp_reply(info, dp, MVS_CMD_NEW, &reply);
	if (err)
		mvs_dp_destroy(dp);
out:
	mvs_unlock();
	return mvs_genl_reply(info, reply, err);
}

/* DEL, GET and SET of the datapath the request names. */
static int dp_cmd_one(struct genl_info *info, u8 cmd)
{
	struct sk_buff *reply = NULL;
	struct mvs_dp *dp;
	int err;

	mvs_lock();
	dp = mvs_dp_from_request(genl_info_net(info), mvs_info_hdr(info),
				 info->attrs[MVS_DP_ATTR_NAME]);
	err = dp ? 0 : -ENODEV;
	if (!err && cmd == MVS_CMD_SET)
		err = dp_apply(dp, info->attrs);
	if (!err)
		err = dp_reply(info, dp, cmd, &reply);
	if (!err && cmd == MVS_CMD_DEL)
		mvs_dp_destroy(dp);
	mvs_unlock();
	return mvs_genl_reply(info, reply, err);
}

static int dp_cmd_del(struct sk_buff *skb, struct genl_info *info)
{
	return dp_cmd_one(info, MVS_CMD_DEL);
}

static int dp_cmd_get(struct sk_buff *skb, struct genl_info *info)
{
	return dp_cmd_one(info, MVS_CMD_GET);
}

static int dp_cmd_set(struct sk_buff *skb, struct genl_info *info)
{
	return dp_cmd_one(info, MVS_CMD_SET);
}

static int dp_cmd_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mvs_dp *dp = NULL;
	long skip = cb->args[0], i = 0;

	rcu_read_lock();
	while ((dp = mvs_dp_next(dp))) {
		if (!net_eq(mvs_dp_net(dp), sock_net(skb->sk)))
			continue;
		if (i >= skip &&
		    dp_fill(skb, dp, NETLINK_CB(cb->skb).portid,
			    cb->nlh->nlmsg_seq, NLM_F_MULTI, MVS_CMD_GET) < 0)
			break;
		i++;
	}
	rcu_read_unlock();
	cb->args[0] = i;
	return skb->len;
}

static const struct genl_small_ops dp_ops[] = {
	{ .cmd = MVS_CMD_NEW, .flags = GENL_ADMIN_PERM, .doit = dp_cmd_new },
	{ .cmd = MVS_CMD_DEL, .flags = GENL_ADMIN_PERM, .doit = dp_cmd_del },
	{ .cmd = MVS_CMD_GET, .doit = dp_cmd_get, .dumpit = dp_cmd_dump },
	{ .cmd = MVS_CMD_SET, .flags = GENL_ADMIN_PERM, .doit = dp_cmd_set },
};

struct genl_family mvs_dp_genl_family __ro_after_init =
	MVS_GENL_FAMILY(MVS_DATAPATH_FAMILY, MVS_DP_ATTR_MAX, dp_policy, dp_ops,
			ARRAY_SIZE(dp_ops));
