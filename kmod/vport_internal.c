// SPDX-License-Identifier: GPL-2.0
/*
 * A net device the datapath owns (the datapath's local
 * port, and internal ports).  What the host stack transmits on it enters
 * the datapath as received on the port; what the datapath outputs to the
 * port the host stack receives.  The device has no rtnl_link_ops, so only
 * the datapath can delete it, and it stays in its datapath's namespace
 * (netns_local).
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/netfilter/nf_conntrack.h>

#include "mvs.h"
#include "vport.h"

struct internal_priv {
	struct mvs_vport __rcu *vport;
};

static netdev_tx_t internal_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct internal_priv *priv = netdev_priv(dev);
	unsigned int len = skb->len;
	struct mvs_vport *vport;

	rcu_read_lock();
	vport = rcu_dereference(priv->vport);
	if (likely(vport)) {
		mvs_vport_receive(vport, skb, NULL);
		dev_sw_netstats_tx_add(dev, 1, len);
	} else {
		kfree_skb(skb);
		dev->stats.tx_dropped++;
	}
	rcu_read_unlock();
	return NETDEV_TX_OK;
}

static int internal_open(struct net_device *dev)
{
	netif_start_queue(dev);
	return 0;
}

static int internal_stop(struct net_device *dev)
{
	netif_stop_queue(dev);
	return 0;
}

static int internal_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static void internal_uninit(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static const struct net_device_ops internal_netdev_ops = {
	.ndo_init = internal_init,
	.ndo_uninit = internal_uninit,
	.ndo_open = internal_open,
	.ndo_stop = internal_stop,
	.ndo_start_xmit = internal_xmit,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_get_stats64 = dev_get_tstats64,
};

static void internal_get_drvinfo(struct net_device *dev,
				 struct ethtool_drvinfo *info)
{
	strscpy(info->driver, "microvs", sizeof(info->driver));
}

static const struct ethtool_ops internal_ethtool_ops = {
	.get_drvinfo = internal_get_drvinfo,
	.get_link = ethtool_op_get_link,
};

static void internal_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->max_mtu = ETH_MAX_MTU;
	dev->netdev_ops = &internal_netdev_ops;
	dev->ethtool_ops = &internal_ethtool_ops;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE;
	dev->needs_free_netdev = true;
	dev->features = NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA |
			NETIF_F_HW_CSUM | NETIF_F_GSO_SOFTWARE;
	dev->vlan_features = dev->features;
	dev->hw_features = dev->features;
	dev->features |= NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_STAG_TX;
#if MVS_KERNEL_AT_LEAST(6, 12)
	dev->lltx = true;
	dev->netns_local = true;
#else
	dev->features |= NETIF_F_LLTX | NETIF_F_NETNS_LOCAL;
#endif
	eth_hw_addr_random(dev);
}

bool mvs_internal_is_vport(const struct net_device *dev)
{
	return dev->netdev_ops == &internal_netdev_ops;
}

struct mvs_vport *mvs_internal_vport(const struct net_device *dev)
{
	const struct internal_priv *priv = netdev_priv(dev);

	return rcu_dereference_check(priv->vport, lockdep_rtnl_is_held() ||
				     lockdep_is_held(&mvs_mutex));
}

static struct mvs_vport *internal_create(const struct mvs_vport_parms *parms)
{
	struct internal_priv *priv;
	struct mvs_vport *vport;
	struct net_device *dev;
	int err;

	ASSERT_RTNL();
	vport = mvs_vport_alloc(&mvs_internal_vport_ops, parms);
	if (IS_ERR(vport))
		return vport;
	dev = alloc_netdev(sizeof(*priv), parms->name, NET_NAME_USER,
			   internal_setup);
	if (!dev) {
		err = -ENOMEM;
		goto err_vport;
	}
	dev_net_set(dev, mvs_dp_net(parms->dp));
	priv = netdev_priv(dev);
	RCU_INIT_POINTER(priv->vport, vport);
	err = register_netdevice(dev);
	if (err) {
		free_netdev(dev);
		goto err_vport;
	}
	dev_hold(dev);
	vport->dev = dev;
	dev_set_promiscuity(dev, 1);
	return vport;

err_vport:
	mvs_vport_free(vport);
	return ERR_PTR(err);
}

static void internal_destroy(struct mvs_vport *vport)
{
	struct internal_priv *priv = netdev_priv(vport->dev);

	ASSERT_RTNL();
	RCU_INIT_POINTER(priv->vport, NULL);
	dev_set_promiscuity(vport->dev, -1);
	unregister_netdevice(vport->dev);
	/* Our reference goes after the grace period; the unregistration
	 * completes when RTNL is released and waits for it.
	 */
	mvs_vport_free_rcu(vport);
}

/* The datapath outputs to the port: the host stack receives the frame. */
static void internal_send(struct mvs_vport *vport, struct sk_buff *skb)
{
	struct net_device *dev = vport->dev;
	unsigned int len = skb->len;

	skb_dst_drop(skb);
	nf_reset_ct(skb);
	skb->pkt_type = PACKET_HOST;
	skb->protocol = eth_type_trans(skb, dev);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	dev_sw_netstats_rx_add(dev, len);
	netif_rx(skb);
}

const struct mvs_vport_ops mvs_internal_vport_ops = {
	.type = MVS_VPORT_TYPE_INTERNAL,
	.create = internal_create,
	.destroy = internal_destroy,
	.send = internal_send,
};
