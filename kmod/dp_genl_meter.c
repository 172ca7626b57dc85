// SPDX-License-Identifier: GPL-2.0
/*
 * The "mvs_meter" generic netlink family: set (NEW: create or replace),
 * delete, get and dump the meters of the datapath mvs_header.dp_ifindex
 * (include/uapi/microvs_dp.h).  A request's attributes are one meter's
 * MVS_METER_ATTR_*, its bands MVS_METER_ATTR_BAND nests in order.
 * Changes need CAP_NET_ADMIN.
 */
#include <linux/netdevice.h>

#include "mvs.h"
#include "meter.h"

/* Not const: 6.1's policy points to a mutable one. */
static struct netlink_range_validation meter_id_range = {
	.max = MVS_METER_MAX,
};

static const struct nla_policy band_policy[MVS_BAND_ATTR_MAX + 1] = {
	[MVS_BAND_ATTR_RATE] = NLA_POLICY_MIN(NLA_U32, 1),
	[MVS_BAND_ATTR_BURST] = { .type = NLA_U32 },
	[MVS_BAND_ATTR_STATS] = { .type = NLA_REJECT },
};

static const struct nla_policy meter_policy[MVS_METER_ATTR_MAX + 1] = {
	[MVS_METER_ATTR_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &meter_id_range),
	[MVS_METER_ATTR_KBPS] = { .type = NLA_FLAG },
	[MVS_METER_ATTR_BAND] = NLA_POLICY_NESTED(band_policy),
	[MVS_METER_ATTR_STATS] = { .type = NLA_REJECT },
	[MVS_METER_ATTR_METER] = { .type = NLA_REJECT },
};

static size_t meter_msg_size(const struct mvs_meter *meter)
{
	size_t band = nla_total_size(0) + nla_total_size(sizeof(u32)) * 2 +
		      nla_total_size(sizeof(struct mvs_meter_stats));

	return NLMSG_ALIGN(sizeof(struct mvs_header)) +
	       nla_total_size(sizeof(u32)) + nla_total_size(0) +
	       nla_total_size(sizeof(struct mvs_meter_stats)) +
	       band * meter->n_bands;
}

/* mvs_mutex or RCU. */
static int meter_fill(struct sk_buff *skb, struct mvs_dp *dp,
		      struct mvs_meter *meter, u32 portid, u32 seq, u32 flags,
		      u8 cmd)
{
	struct mvs_meter_stats in, bands[MVS_METER_BANDS_MAX];
	struct mvs_header *hdr;
	struct nlattr *nest;
	int i;

	hdr = genlmsg_put(skb, portid, seq, &mvs_meter_genl_family, flags,
			  cmd);
	if (!hdr)
		return -EMSGSIZE;
	hdr->dp_ifindex = mvs_dp_ifindex(dp);
	mvs_meter_read(meter, &in, bands);
	if (nla_put_u32(skb, MVS_METER_ATTR_ID, meter->id) ||
	    (meter->kbps && nla_put_flag(skb, MVS_METER_ATTR_KBPS)) ||
	    nla_put(skb, MVS_METER_ATTR_STATS, sizeof(in), &in))
		goto cancel;
	for (i = 0; i < meter->n_bands; i++) {
		nest = nla_nest_start(skb, MVS_METER_ATTR_BAND);
		if (!nest ||
		    nla_put_u32(skb, MVS_BAND_ATTR_RATE,
				meter->bands[i].rate) ||
		    nla_put_u32(skb, MVS_BAND_ATTR_BURST,
				meter->bands[i].burst) ||
		    nla_put(skb, MVS_BAND_ATTR_STATS, sizeof(bands[i]),
			    &bands[i]))
			goto cancel;
		nla_nest_end(skb, nest);
	}
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* The meter a NEW request describes, in *@out (NULL on error). */
static int meter_parse(struct genl_info *info, struct mvs_meter **out)
{
	struct nlattr *tb[MVS_BAND_ATTR_MAX + 1];
	struct nlattr *bands[MVS_METER_BANDS_MAX];
	struct mvs_meter *meter;
	struct nlattr *a;
	int rem, n = 0, i, err;

	*out = NULL;
	if (GENL_REQ_ATTR_CHECK(info, MVS_METER_ATTR_ID))
		return -EINVAL;
	/* The policy checked every attribute; the bands are all those of
	 * their type, in order.
	 */
	nlmsg_for_each_attr(a, info->nlhdr,
			    GENL_HDRLEN + sizeof(struct mvs_header), rem) {
		if (nla_type(a) != MVS_METER_ATTR_BAND)
			continue;
		if (n == MVS_METER_BANDS_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "more bands than a meter holds");
			return -EINVAL;
		}
		bands[n++] = a;
	}
	if (!n) {
		NL_SET_ERR_MSG(info->extack, "a meter needs a band");
		return -EINVAL;
	}
	meter = mvs_meter_alloc(nla_get_u32(info->attrs[MVS_METER_ATTR_ID]),
				nla_get_flag(info->attrs[MVS_METER_ATTR_KBPS]),
				n);
	if (!meter)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		err = nla_parse_nested(tb, MVS_BAND_ATTR_MAX, bands[i],
				       band_policy, info->extack);
		if (!err && !tb[MVS_BAND_ATTR_RATE]) {
			NL_SET_ERR_MSG_ATTR(info->extack, bands[i],
					    "a band needs a rate");
			err = -EINVAL;
		}
		if (err) {
			mvs_meter_free(meter);
			return err;
		}
		meter->bands[i].rate = nla_get_u32(tb[MVS_BAND_ATTR_RATE]);
		if (tb[MVS_BAND_ATTR_BURST])
			meter->bands[i].burst =
				nla_get_u32(tb[MVS_BAND_ATTR_BURST]);
	}
	*out = meter;
	return 0;
}

static int meter_cmd_new(struct sk_buff *skb, struct genl_info *info)
{
	struct mvs_meter *meter;
	struct mvs_dp *dp;
	int err;

	err = meter_parse(info, &meter);
	if (err)
		return err;
	mvs_lock();
	dp = mvs_dp_of_request(info);
	if (dp) {
		err = mvs_meter_set(dp, meter);
	} else {
		mvs_meter_free(meter);
		err = -ENODEV;
	}
	mvs_unlock();
	return err;
}

static int meter_cmd_del(struct sk_buff *skb, struct genl_info *info)
{
	struct mvs_dp *dp;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MVS_METER_ATTR_ID))
		return -EINVAL;
	mvs_lock();
	dp = mvs_dp_of_request(info);
	err = dp ? mvs_meter_del(dp,
				 nla_get_u32(info->attrs[MVS_METER_ATTR_ID])) :
		   -ENODEV;
	mvs_unlock();
	return err;
}

static int meter_cmd_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *reply = NULL;
	struct mvs_meter *meter;
	struct mvs_dp *dp;
	int err = -ENODEV;

	if (GENL_REQ_ATTR_CHECK(info, MVS_METER_ATTR_ID))
		return -EINVAL;
	mvs_lock();
	dp = mvs_dp_of_request(info);
	if (!dp)
		goto out;
	meter = mvs_meter_lookup(dp,
				 nla_get_u32(info->attrs[MVS_METER_ATTR_ID]));
	err = -ENOENT;
	if (!meter)
		goto out;
	err = -ENOMEM;
	reply = genlmsg_new(meter_msg_size(meter), GFP_KERNEL);
	if (reply)
		err = meter_fill(reply, dp, meter, info->snd_portid,
				 info->snd_seq, 0, MVS_CMD_GET);
out:
	mvs_unlock();
	return mvs_genl_reply(info, reply, err);
}

/* cb->args[0]: the id to go on from. */
static int meter_cmd_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mvs_meter *meter;
	unsigned long id;
	struct mvs_dp *dp;
	int err = 0;

	rcu_read_lock();
	dp = mvs_dp_of_dump(cb);
	if (!dp) {
		err = -ENODEV;
		goto out;
	}
	xa_for_each_start(&dp->meters, id, meter, cb->args[0]) {
		if (meter_fill(skb, dp, meter, NETLINK_CB(cb->skb).portid,
			       cb->nlh->nlmsg_seq, NLM_F_MULTI,
			       MVS_CMD_GET) < 0) {
			cb->args[0] = id;
			goto out;
		}
	}
	cb->args[0] = MVS_METER_MAX + 1UL;
out:
	rcu_read_unlock();
	return err ? err : skb->len;
}

static const struct genl_small_ops meter_ops[] = {
	{ .cmd = MVS_CMD_NEW, .flags = GENL_ADMIN_PERM, .doit = meter_cmd_new },
	{ .cmd = MVS_CMD_DEL, .flags = GENL_ADMIN_PERM, .doit = meter_cmd_del },
	{ .cmd = MVS_CMD_GET, .doit = meter_cmd_get,
	  .dumpit = meter_cmd_dump },
};

struct genl_family mvs_meter_genl_family __ro_after_init =
	MVS_GENL_FAMILY(MVS_METER_FAMILY, MVS_METER_ATTR_MAX, meter_policy,
			meter_ops, ARRAY_SIZE(meter_ops));
