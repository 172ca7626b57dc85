// SPDX-License-Identifier: GPL-2.0
/*
 * The "mvs_packet" generic netlink family.  Upcalls go
 * from the datapath to a netlink port (MVS_CMD_MISS, MVS_CMD_ACTION), as
 * unicast messages that never block: a port whose socket is full loses
 * the packet (n_lost), and since every vport may have its own port, a
 * busy port fills only its own socket.  MVS_CMD_EXECUTE runs actions on
 * a packet from userspace (CAP_NET_ADMIN).
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>

#include "mvs.h"

static const struct nla_policy packet_policy[MVS_PACKET_ATTR_MAX + 1] = {
	[MVS_PACKET_ATTR_PACKET] = NLA_POLICY_MIN_LEN(ETH_HLEN),
	[MVS_PACKET_ATTR_KEY] = NLA_POLICY_EXACT_LEN(sizeof(struct mvs_key)),
	[MVS_PACKET_ATTR_ACTIONS] = { .type = NLA_BINARY,
				      .len = MVS_MAX_ACTIONS_LEN },
	[MVS_PACKET_ATTR_USERDATA] = { .type = NLA_REJECT },
	[MVS_PACKET_ATTR_TYPE] = { .type = NLA_REJECT },
	[MVS_PACKET_ATTR_LEN] = { .type = NLA_REJECT },
	[MVS_PACKET_ATTR_MRU] = { .type = NLA_REJECT },
	[MVS_PACKET_ATTR_HASH] = { .type = NLA_REJECT },
	[MVS_PACKET_ATTR_UPCALL] = { .type = NLA_REJECT },
	[MVS_PACKET_ATTR_OFFLOAD] = { .type = NLA_REJECT },
};

/* One upcall of a packet that is not GSO. */
static int upcall_one(struct mvs_dp *dp, struct sk_buff *skb,
		      const struct mvs_key *key, u32 portid, u8 cmd,
		      const struct nlattr *userdata)
{
	struct sk_buff *copy = NULL, *msg;
	struct mvs_header *hdr;
	struct nlattr *nla;
	size_t size;
	int err;

	/* Userspace sees the frame as it was on the wire. */
	if (skb_vlan_tag_present(skb) || skb->ip_summed == CHECKSUM_PARTIAL) {
		copy = skb_clone(skb, GFP_ATOMIC);
		if (!copy)
			return -ENOMEM;
		if (skb_vlan_tag_present(copy)) {
			copy = __vlan_hwaccel_push_inside(copy);
			if (!copy)
				return -ENOMEM;
		}
		if (copy->ip_summed == CHECKSUM_PARTIAL) {
			err = skb_checksum_help(copy);
			if (err)
				goto out;
		}
		skb = copy;
	}
	size = NLMSG_ALIGN(sizeof(struct mvs_header)) +
	       nla_total_size(sizeof(*key)) + nla_total_size(sizeof(u32)) +
	       nla_total_size(skb->len) +
	       (userdata ? nla_total_size(nla_len(userdata)) : 0);
	msg = genlmsg_new(size, GFP_ATOMIC);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}
	hdr = genlmsg_put(msg, 0, 0, &mvs_packet_genl_family, 0, cmd);
	hdr->dp_ifindex = mvs_dp_ifindex(dp);
	nla_put(msg, MVS_PACKET_ATTR_KEY, sizeof(*key), key);
	nla_put_u32(msg, MVS_PACKET_ATTR_TYPE, cmd == MVS_CMD_MISS ?
		    MVS_UPCALL_MISS : MVS_UPCALL_ACTION);
	if (userdata)
		nla_put(msg, MVS_PACKET_ATTR_USERDATA, nla_len(userdata),
			nla_data(userdata));
	nla = nla_reserve(msg, MVS_PACKET_ATTR_PACKET, skb->len);
	err = skb_copy_bits(skb, 0, nla_data(nla), skb->len);
	if (err) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_unicast(mvs_dp_net(dp), msg, portid);
out:
	consume_skb(copy);
	return err;
}

int mvs_upcall(struct mvs_dp *dp, struct sk_buff *skb,
	       const struct mvs_key *key, u32 portid, u8 cmd,
	       const struct nlattr *userdata)
{
	struct sk_buff *segs, *seg, *next;
	int err = 0;

	if (!portid)
		return -ENOTCONN;
	if (!skb_is_gso(skb))
		return upcall_one(dp, skb, key, portid, cmd, userdata);
	segs = __skb_gso_segment(skb, NETIF_F_SG, false);
	if (IS_ERR(segs))
		return PTR_ERR(segs);
	if (!segs)
		return -EINVAL;
	skb_list_walk_safe(segs, seg, next) {
		if (!err)
			err = upcall_one(dp, seg, key, portid, cmd, userdata);
		consume_skb(seg);
	}
	return err;
}

static int packet_cmd_execute(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct mvs_flow_actions *acts;
	struct mvs_key key;
	struct sk_buff *pkt;
	struct mvs_dp *dp;
	struct ethhdr *eth;
	int len, err;

	if (GENL_REQ_ATTR_CHECK(info, MVS_PACKET_ATTR_PACKET) ||
	    GENL_REQ_ATTR_CHECK(info, MVS_PACKET_ATTR_KEY) ||
	    GENL_REQ_ATTR_CHECK(info, MVS_PACKET_ATTR_ACTIONS))
		return -EINVAL;
	nla_memcpy(&key, a[MVS_PACKET_ATTR_KEY], sizeof(key));
	if (mvs_key_check(&key)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[MVS_PACKET_ATTR_KEY],
				    "tunnel options length out of range");
		return -EINVAL;
	}
	err = mvs_actions_copy(a[MVS_PACKET_ATTR_ACTIONS], &acts);
	if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[MVS_PACKET_ATTR_ACTIONS],
				    "invalid actions");
		return err;
	}
	len = nla_len(a[MVS_PACKET_ATTR_PACKET]);
	pkt = __dev_alloc_skb(NET_IP_ALIGN + len, GFP_KERNEL);
	if (!pkt) {
		err = -ENOMEM;
		goto out;
	}
	skb_reserve(pkt, NET_IP_ALIGN);
	nla_memcpy(__skb_put(pkt, len), a[MVS_PACKET_ATTR_PACKET], len);
	skb_reset_mac_header(pkt);
	eth = eth_hdr(pkt);
	pkt->protocol = eth_proto_is_802_3(eth->h_proto) ? eth->h_proto :
			htons(ETH_P_802_2);

	rcu_read_lock();
	dp = mvs_dp_of_request(info);
	if (dp) {
		local_bh_disable();
		err = mvs_dp_execute(dp, pkt, &key, acts);
		local_bh_enable();
	} else {
		kfree_skb(pkt);
		err = -ENODEV;
	}
	rcu_read_unlock();
out:
	mvs_actions_free(acts);
	return err;
}

static const struct genl_small_ops packet_ops[] = {
	{ .cmd = MVS_CMD_EXECUTE, .flags = GENL_ADMIN_PERM,
	  .doit = packet_cmd_execute },
};

struct genl_family mvs_packet_genl_family __ro_after_init =
	MVS_GENL_FAMILY(MVS_PACKET_FAMILY, MVS_PACKET_ATTR_MAX, packet_policy,
			packet_ops, ARRAY_SIZE(packet_ops));
