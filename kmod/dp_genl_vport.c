// SPDX-License-Identifier: GPL-2.0
/*
 * The "mvs_vport" generic netlink family: add, delete,
 * get (or dump) and set a datapath's ports.  The datapath is
 * mvs_header.dp_ifindex; a port is MVS_VPORT_ATTR_PORT_NO within it, or
 * MVS_VPORT_ATTR_NAME (its device).  Changes need CAP_NET_ADMIN.
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "mvs.h"
#include "vport.h"

static const struct nla_policy tunnel_policy[__MVS_TUNNEL_ATTR_MAX] = {
	[MVS_TUNNEL_ATTR_DST_PORT] = { .type = NLA_U16 },
};

static const struct nla_policy vport_policy[MVS_VPORT_ATTR_MAX + 1] = {
	[MVS_VPORT_ATTR_PORT_NO] = { .type = NLA_U32 },
	[MVS_VPORT_ATTR_TYPE] = NLA_POLICY_RANGE(NLA_U32,
						 MVS_VPORT_TYPE_NETDEV,
						 __MVS_VPORT_TYPE_MAX - 1),
	[MVS_VPORT_ATTR_NAME] = { .type = NLA_NUL_STRING,
				  .len = IFNAMSIZ - 1 },
	[MVS_VPORT_ATTR_IFINDEX] = { .type = NLA_REJECT },
	[MVS_VPORT_ATTR_STATS] = { .type = NLA_REJECT },
	[MVS_VPORT_ATTR_UPCALL_PID] = { .type = NLA_U32 },
	[MVS_VPORT_ATTR_OPTIONS] = NLA_POLICY_NESTED(tunnel_policy),
};

static size_t vport_msg_size(void)
{
	return NLMSG_ALIGN(sizeof(struct mvs_header)) +
	       nla_total_size(sizeof(u32)) * 4 + nla_total_size(IFNAMSIZ) +
	       nla_total_size(sizeof(struct mvs_port_stats));
}

/* mvs_mutex or RCU. */
static int vport_fill(struct sk_buff *skb, struct mvs_vport *vport,
		      u32 portid, u32 seq, u32 flags, u8 cmd)
{
	struct mvs_port_stats stats;
	struct mvs_header *hdr;

	hdr = genlmsg_put(skb, portid, seq, &mvs_vport_genl_family, flags,
			  cmd);
	if (!hdr)
		return -EMSGSIZE;
	hdr->dp_ifindex = mvs_dp_ifindex(vport->dp);
	mvs_vport_get_stats(vport, &stats);
	if (nla_put_u32(skb, MVS_VPORT_ATTR_PORT_NO, vport->port_no) ||
	    nla_put_u32(skb, MVS_VPORT_ATTR_TYPE, vport->ops->type) ||
	    nla_put_string(skb, MVS_VPORT_ATTR_NAME, vport->dev->name) ||
	    nla_put_u32(skb, MVS_VPORT_ATTR_IFINDEX, vport->dev->ifindex) ||
	    nla_put(skb, MVS_VPORT_ATTR_STATS, sizeof(stats), &stats) ||
	    nla_put_u32(skb, MVS_VPORT_ATTR_UPCALL_PID,
			READ_ONCE(vport->upcall_pid))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int vport_reply(struct genl_info *info, struct mvs_vport *vport, u8 cmd,
		       struct sk_buff **reply)
{
	*reply = genlmsg_new(vport_msg_size(), GFP_KERNEL);
	if (!*reply)
		return -ENOMEM;
	return vport_fill(*reply, vport, info->snd_portid, info->snd_seq, 0,
			  cmd);
}

/* The port a request names (mvs_mutex held): by number within the
 * header's datapath, or by device name (and then in that datapath, if
 * the header names one).  ERR_PTR(-ENODEV) when there is none.
 */
static struct mvs_vport *vport_from_request(struct genl_info *info)
{
	const struct mvs_header *hdr = mvs_info_hdr(info);
	struct nlattr **a = info->attrs;
	struct mvs_vport *vport = NULL;
	struct mvs_dp *dp = NULL;

	if (hdr->dp_ifindex) {
		dp = mvs_dp_of_request(info);
		if (!dp)
			return ERR_PTR(-ENODEV);
	}
	if (a[MVS_VPORT_ATTR_NAME]) {
		struct net_device *dev;

		rcu_read_lock();
		dev = dev_get_by_name_rcu(genl_info_net(info),
					  nla_data(a[MVS_VPORT_ATTR_NAME]));
		if (dev)
			vport = mvs_vport_from_dev(dev);
		rcu_read_unlock();
		if (vport && dp && vport->dp != dp)
			vport = NULL;
	} else if (a[MVS_VPORT_ATTR_PORT_NO] && dp) {
		u32 port_no = nla_get_u32(a[MVS_VPORT_ATTR_PORT_NO]);

		vport = mvs_vport_lookup(dp, port_no);
	} else {
		NL_SET_ERR_MSG(info->extack, "no port number or name");
		return ERR_PTR(-EINVAL);
	}
	return vport ? vport : ERR_PTR(-ENODEV);
}

static int vport_cmd_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct mvs_vport_parms parms = { .port_no = MVS_PORT_NONE };
	struct sk_buff *reply = NULL;
	struct mvs_vport *vport;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MVS_VPORT_ATTR_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, MVS_VPORT_ATTR_TYPE))
		return -EINVAL;
	parms.name = nla_data(a[MVS_VPORT_ATTR_NAME]);
	parms.type = nla_get_u32(a[MVS_VPORT_ATTR_TYPE]);
	if (!mvs_name_ok(parms.name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[MVS_VPORT_ATTR_NAME],
				    "not a valid device name");
		return -EINVAL;
	}
	if (a[MVS_VPORT_ATTR_PORT_NO]) {
		parms.port_no = nla_get_u32(a[MVS_VPORT_ATTR_PORT_NO]);
		if (parms.port_no == MVS_PORT_LOCAL) {
			NL_SET_ERR_MSG(info->extack,
				       "port 0 is the datapath's own");
			return -EINVAL;
		}
	}
	if (a[MVS_VPORT_ATTR_UPCALL_PID])
		parms.upcall_pid = nla_get_u32(a[MVS_VPORT_ATTR_UPCALL_PID]);
	mvs_lock();
	parms.dp = mvs_dp_of_request(info);
	if (!parms.dp) {
		err = -ENODEV;
		goto out;
	}
	vport = mvs_vport_add(&parms);
	if (IS_ERR(vport)) {
		err = PTR_ERR(vport);
		goto out;
	}
	err = vport_reply(info, vport, MVS_CMD_NEW, &reply);
	if (err)
		mvs_vport_del(vport, false);
out:
	mvs_unlock();
	return mvs_genl_reply(info, reply, err);
}

/* DEL, GET and SET of the port the request names. */
static int vport_cmd_one(struct genl_info *info, u8 cmd)
{
	struct nlattr *pid = info->attrs[MVS_VPORT_ATTR_UPCALL_PID];
	struct sk_buff *reply = NULL;
	struct mvs_vport *vport;
	int err = 0;

	mvs_lock();
	vport = vport_from_request(info);
	if (IS_ERR(vport)) {
		err = PTR_ERR(vport);
	} else if (cmd == MVS_CMD_DEL && vport->port_no == MVS_PORT_LOCAL) {
		NL_SET_ERR_MSG(info->extack,
			       "the local port goes with its datapath");
		err = -EINVAL;
	} else if (cmd == MVS_CMD_SET && pid) {
		WRITE_ONCE(vport->upcall_pid, nla_get_u32(pid));
	}
	if (!err)
		err = vport_reply(info, vport, cmd, &reply);
	if (!err && cmd == MVS_CMD_DEL)
		mvs_vport_del(vport, false);
	mvs_unlock();
	return mvs_genl_reply(info, reply, err);
}

static int vport_cmd_del(struct sk_buff *skb, struct genl_info *info)
{
	return vport_cmd_one(info, MVS_CMD_DEL);
}

static int vport_cmd_get(struct sk_buff *skb, struct genl_info *info)
{
	return vport_cmd_one(info, MVS_CMD_GET);
}

static int vport_cmd_set(struct sk_buff *skb, struct genl_info *info)
{
	return vport_cmd_one(info, MVS_CMD_SET);
}

/* Every port of the header's datapath; cb->args[0] is the bucket and
 * cb->args[1] the index in it to resume at.
 */
static int vport_cmd_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	long bucket = cb->args[0], skip = cb->args[1];
	struct mvs_dp *dp;
	int err = 0;

	rcu_read_lock();
	dp = mvs_dp_of_dump(cb);
	if (!dp) {
		rcu_read_unlock();
		return -ENODEV;
	}
	for (; bucket < MVS_VPORT_HASH_BUCKETS; bucket++, skip = 0) {
		struct mvs_vport *vport;
		long i = 0;

		hlist_for_each_entry_rcu(vport, &dp->ports[bucket], hnode) {
			if (i >= skip) {
				err = vport_fill(skb, vport,
						 NETLINK_CB(cb->skb).portid,
						 cb->nlh->nlmsg_seq,
						 NLM_F_MULTI, MVS_CMD_GET);
				if (err)
					break;
			}
			i++;
		}
		if (err) {
			skip = i;
			break;
		}
	}
	rcu_read_unlock();
	cb->args[0] = bucket;
	cb->args[1] = skip;
	return skb->len;
}

static const struct genl_small_ops vport_ops[] = {
	{ .cmd = MVS_CMD_NEW, .flags = GENL_ADMIN_PERM, .doit = vport_cmd_new },
	{ .cmd = MVS_CMD_DEL, .flags = GENL_ADMIN_PERM, .doit = vport_cmd_del },
	{ .cmd = MVS_CMD_GET, .doit = vport_cmd_get, .dumpit = vport_cmd_dump },
	{ .cmd = MVS_CMD_SET, .flags = GENL_ADMIN_PERM, .doit = vport_cmd_set },
};

struct genl_family mvs_vport_genl_family __ro_after_init =
	MVS_GENL_FAMILY(MVS_VPORT_FAMILY, MVS_VPORT_ATTR_MAX, vport_policy,
			vport_ops, ARRAY_SIZE(vport_ops));
