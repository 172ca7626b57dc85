// SPDX-License-Identifier: GPL-2.0
/*
 * VXLAN, GRE and Geneve ports through the kernel's own
 * devices in metadata mode ("external"/collect_md), which tunneld
 * creates.  A port is a netdev vport on such a device: what it receives
 * carries the outer header as tunnel metadata (key.tun); what the
 * datapath sends through it gets the metadata of MVS_ACTION_ATTR_SET_TUNNEL
 * attached, and the device encapsulates.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <net/dst_metadata.h>
#include <net/ip_tunnels.h>
#include <net/vxlan.h>

#include "mvs.h"
#include "vport.h"

/* tun_flags became a bitmap in 6.10. */
#if MVS_KERNEL_AT_LEAST(6, 10)
struct tun_flags {
	IP_TUNNEL_DECLARE_FLAGS(f);
};

#define TUN_TEST(f, name) test_bit(IP_TUNNEL_##name##_BIT, f)
#define TUN_SET(f, name) __set_bit(IP_TUNNEL_##name##_BIT, f)
#else
struct tun_flags {
	__be16 f;
};

#define TUN_TEST(f, name) (!!((f) & TUNNEL_##name))
#define TUN_SET(f, name) ((f) |= TUNNEL_##name)
#endif

void mvs_tunnel_key_from_info(struct mvs_key_tunnel *k,
			      const struct ip_tunnel_info *info)
{
	const struct ip_tunnel_key *t = &info->key;

	memset(k, 0, sizeof(*k));
	k->tun_id = t->tun_id;
	if (ip_tunnel_info_af(info) == AF_INET6) {
		memcpy(k->ipv6_src, &t->u.ipv6.src, 16);
		memcpy(k->ipv6_dst, &t->u.ipv6.dst, 16);
		k->flags |= MVS_TNL_F_IPV6;
	} else {
		k->ipv4_src = t->u.ipv4.src;
		k->ipv4_dst = t->u.ipv4.dst;
	}
	k->tp_src = t->tp_src;
	k->tp_dst = t->tp_dst;
	k->tos = t->tos;
	/* A zero TTL means "no tunnel" in the uAPI. */
	k->ttl = t->ttl ? t->ttl : 1;
	if (TUN_TEST(t->tun_flags, DONT_FRAGMENT))
		k->flags |= MVS_TNL_F_DONT_FRAGMENT;
	if (TUN_TEST(t->tun_flags, CSUM))
		k->flags |= MVS_TNL_F_CSUM;
	if (TUN_TEST(t->tun_flags, KEY))
		k->flags |= MVS_TNL_F_KEY;
	if (TUN_TEST(t->tun_flags, OAM))
		k->flags |= MVS_TNL_F_OAM;
	if (TUN_TEST(t->tun_flags, GENEVE_OPT) && info->options_len &&
	    info->options_len <= MVS_TUN_OPTS_MAX &&
	    !(info->options_len & 3)) {
		k->opts_len = info->options_len;
		/* ip_tunnel_info_opts(), which takes no const before 6.4 */
		memcpy(k->opts, info + 1, info->options_len);
	}
}

int mvs_tunnel_set_dst(struct sk_buff *skb, const struct mvs_key_tunnel *k)
{
	struct tun_flags flags = { }, opt = { };
	struct metadata_dst *md;
	struct ip_tunnel_info *info;

	if (!k->ttl)
		return -EINVAL; /* no MVS_ACTION_ATTR_SET_TUNNEL before */
	md = metadata_dst_alloc(k->opts_len, METADATA_IP_TUNNEL, GFP_ATOMIC);
	if (!md)
		return -ENOMEM;
	info = &md->u.tun_info;
	info->mode = IP_TUNNEL_INFO_TX;
	if (k->flags & MVS_TNL_F_DONT_FRAGMENT)
		TUN_SET(flags.f, DONT_FRAGMENT);
	if (k->flags & MVS_TNL_F_CSUM)
		TUN_SET(flags.f, CSUM);
	if (k->flags & MVS_TNL_F_KEY)
		TUN_SET(flags.f, KEY);
	if (k->flags & MVS_TNL_F_OAM)
		TUN_SET(flags.f, OAM);
	ip_tunnel_key_init(&info->key, k->ipv4_src, k->ipv4_dst, k->tos,
			   k->ttl, 0, k->tp_src, k->tp_dst, k->tun_id,
			   flags.f);
	if (k->flags & MVS_TNL_F_IPV6) {
		info->mode |= IP_TUNNEL_INFO_IPV6;
		memcpy(&info->key.u.ipv6.src, k->ipv6_src, 16);
		memcpy(&info->key.u.ipv6.dst, k->ipv6_dst, 16);
	}
	if (k->opts_len) {
		TUN_SET(opt.f, GENEVE_OPT);
		ip_tunnel_info_opts_set(info, k->opts, k->opts_len,
					opt.f);
	}
	skb_dst_drop(skb);
	skb_dst_set(skb, &md->dst);
	return 0;
}

/* The device must be of @kind and, where its private state is public,
 * in metadata mode.
 */
static int tunnel_check(const struct net_device *dev, const char *kind)
{
	if (!dev->rtnl_link_ops || strcmp(dev->rtnl_link_ops->kind, kind))
		return -EINVAL;
	if (!strcmp(kind, "vxlan")) {
		const struct vxlan_dev *vx = netdev_priv(dev);

		if (!(vx->cfg.flags & VXLAN_F_COLLECT_METADATA))
			return -EINVAL;
	} else if (!strcmp(kind, "gretap")) {
		const struct ip_tunnel *t = netdev_priv(dev);

		if (!t->collect_md)
			return -EINVAL;
	}
	return 0;
}

static struct mvs_vport *tunnel_create(const struct mvs_vport_ops *ops,
				       const struct mvs_vport_parms *parms,
				       const char *kind)
{
	struct mvs_vport *vport = mvs_netdev_create(ops, parms);
	int err;

	if (IS_ERR(vport))
		return vport;
	err = tunnel_check(vport->dev, kind);
	if (err) {
		mvs_netdev_detach(vport);
		mvs_vport_free(vport);
		return ERR_PTR(err);
	}
	return vport;
}

static struct mvs_vport *vxlan_create(const struct mvs_vport_parms *parms)
{
	return tunnel_create(&mvs_vxlan_vport_ops, parms, "vxlan");
}

static struct mvs_vport *gre_create(const struct mvs_vport_parms *parms)
{
	return tunnel_create(&mvs_gre_vport_ops, parms, "gretap");
}

static struct mvs_vport *geneve_create(const struct mvs_vport_parms *parms)
{
	return tunnel_create(&mvs_geneve_vport_ops, parms, "geneve");
}

const struct mvs_vport_ops mvs_vxlan_vport_ops = {
	.type = MVS_VPORT_TYPE_VXLAN,
	.create = vxlan_create,
	.destroy = mvs_netdev_destroy,
	.send = mvs_netdev_send,
};

const struct mvs_vport_ops mvs_gre_vport_ops = {
	.type = MVS_VPORT_TYPE_GRE,
	.create = gre_create,
	.destroy = mvs_netdev_destroy,
	.send = mvs_netdev_send,
};

const struct mvs_vport_ops mvs_geneve_vport_ops = {
	.type = MVS_VPORT_TYPE_GENEVE,
	.create = geneve_create,
	.destroy = mvs_netdev_destroy,
	.send = mvs_netdev_send,
};
