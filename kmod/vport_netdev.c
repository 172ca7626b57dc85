// SPDX-License-Identifier: GPL-2.0
/*
 * A vport on an existing Ethernet device ("system" in
 * Open vSwitch's words).  An rx_handler takes every frame the device
 * receives into the datapath; the device is put in promiscuous mode and
 * its LRO turned off (merged frames cannot be forwarded).  Output is
 * dev_queue_xmit().  The tunnel vports reuse all of it.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "mvs.h"
#include "vport.h"

static rx_handler_result_t netdev_frame_hook(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct mvs_vport *vport;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	vport = rcu_dereference(skb->dev->rx_handler_data);
	/* Others (taps) may hold the skb: work on our own. */
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb))
		return RX_HANDLER_CONSUMED;
	skb_push_rcsum(skb, ETH_HLEN);
	mvs_vport_receive(vport, skb,
			  vport->ops->type >= MVS_VPORT_TYPE_VXLAN ?
			  skb_tunnel_info(skb) : NULL);
	return RX_HANDLER_CONSUMED;
}

bool mvs_netdev_is_vport(const struct net_device *dev)
{
	return rcu_access_pointer(dev->rx_handler) == netdev_frame_hook;
}

struct mvs_vport *mvs_netdev_create(const struct mvs_vport_ops *ops,
				    const struct mvs_vport_parms *parms)
{
	struct mvs_vport *vport;
	struct net_device *dev;
	int err;

	ASSERT_RTNL();
	vport = mvs_vport_alloc(ops, parms);
	if (IS_ERR(vport))
		return vport;
	dev = dev_get_by_name(mvs_dp_net(parms->dp), parms->name);
	if (!dev) {
		err = -ENODEV;
		goto err_free;
	}
	vport->dev = dev;
	if ((dev->flags & IFF_LOOPBACK) || dev->type != ARPHRD_ETHER ||
	    mvs_internal_is_vport(dev)) {
		err = -EINVAL;
		goto err_free;
	}
	err = netdev_rx_handler_register(dev, netdev_frame_hook, vport);
	if (err)
		goto err_free;
	dev_disable_lro(dev);
	dev_set_promiscuity(dev, 1);
	return vport;

err_free:
	mvs_vport_free(vport);
	return ERR_PTR(err);
}

void mvs_netdev_detach(struct mvs_vport *vport)
{
	ASSERT_RTNL();
	if (!mvs_netdev_is_vport(vport->dev))
		return;
	netdev_rx_handler_unregister(vport->dev);
	dev_set_promiscuity(vport->dev, -1);
}

void mvs_netdev_destroy(struct mvs_vport *vport)
{
	mvs_netdev_detach(vport);
	mvs_vport_free_rcu(vport);
}

void mvs_netdev_send(struct mvs_vport *vport, struct sk_buff *skb)
{
	dev_queue_xmit(skb);
}

static struct mvs_vport *netdev_create(const struct mvs_vport_parms *parms)
{
	return mvs_netdev_create(&mvs_netdev_vport_ops, parms);
}

const struct mvs_vport_ops mvs_netdev_vport_ops = {
	.type = MVS_VPORT_TYPE_NETDEV,
	.create = netdev_create,
	.destroy = mvs_netdev_destroy,
	.send = mvs_netdev_send,
};
