// SPDX-License-Identifier: GPL-2.0
/*
 * What every vport type shares: numbering and lookup within a
 * datapath, statistics, the way into and out of the datapath, and the
 * netdevice notifier that takes a port out when its device goes away.
 */
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/slab.h>

#include "mvs.h"
#include "vport.h"

static const struct mvs_vport_ops *const vport_types[] = {
	&mvs_netdev_vport_ops,
	&mvs_internal_vport_ops,
	&mvs_vxlan_vport_ops,
	&mvs_gre_vport_ops,
	&mvs_geneve_vport_ops,
};

static const struct mvs_vport_ops *vport_type(enum mvs_vport_type type)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(vport_types); i++)
		if (vport_types[i]->type == type)
			return vport_types[i];
	return NULL;
}

static struct hlist_head *vport_bucket(const struct mvs_dp *dp, u32 port_no)
{
	return &dp->ports[port_no % MVS_VPORT_HASH_BUCKETS];
}

struct mvs_vport *mvs_vport_lookup(const struct mvs_dp *dp, u32 port_no)
{
	struct mvs_vport *vport;

	hlist_for_each_entry_rcu(vport, vport_bucket(dp, port_no), hnode,
				 lockdep_is_held(&mvs_mutex))
		if (vport->port_no == port_no)
			return vport;
	return NULL;
}

struct mvs_vport *mvs_vport_alloc(const struct mvs_vport_ops *ops,
				  const struct mvs_vport_parms *parms)
{
	struct mvs_vport *vport = kzalloc(sizeof(*vport), GFP_KERNEL);

	if (!vport)
		return ERR_PTR(-ENOMEM);
	vport->stats = netdev_alloc_pcpu_stats(struct mvs_vport_pcpu_stats);
	if (!vport->stats) {
		kfree(vport);
		return ERR_PTR(-ENOMEM);
	}
	mvs_obj_new(MVS_OBJ_VPORT);
	vport->dp = parms->dp;
	vport->port_no = parms->port_no;
	vport->upcall_pid = parms->upcall_pid;
	vport->ops = ops;
	return vport;
}

void mvs_vport_free(struct mvs_vport *vport)
{
	if (vport->dev)
		dev_put(vport->dev);
	free_percpu(vport->stats);
	kfree(vport);
	mvs_obj_gone(MVS_OBJ_VPORT);
}

static void vport_free_rcu(struct rcu_head *rcu)
{
	mvs_vport_free(container_of(rcu, struct mvs_vport, rcu));
}

void mvs_vport_free_rcu(struct mvs_vport *vport)
{
	call_rcu(&vport->rcu, vport_free_rcu);
}

/* The lowest free port number above the local port. */
static u32 vport_free_number(const struct mvs_dp *dp)
{
	u32 n;

	for (n = 1; n <= MVS_PORT_MAX; n++)
		if (!mvs_vport_lookup(dp, n))
			return n;
	return MVS_PORT_NONE;
}

struct mvs_vport *mvs_vport_add(const struct mvs_vport_parms *parms)
{
	const struct mvs_vport_ops *ops = vport_type(parms->type);
	struct mvs_vport_parms p = *parms;
	struct mvs_vport *vport;

	mvs_assert_locked();
	if (!ops)
		return ERR_PTR(-EINVAL);
	if (p.port_no == MVS_PORT_NONE) {
		p.port_no = vport_free_number(p.dp);
		if (p.port_no == MVS_PORT_NONE)
			return ERR_PTR(-EFBIG);
	} else if (p.port_no > MVS_PORT_MAX) {
		return ERR_PTR(-EINVAL);
	} else if (mvs_vport_lookup(p.dp, p.port_no)) {
		return ERR_PTR(-EBUSY);
	}
	rtnl_lock();
	vport = ops->create(&p);
	rtnl_unlock();
	if (IS_ERR(vport))
		return vport;
	hlist_add_head_rcu(&vport->hnode, vport_bucket(p.dp, p.port_no));
	return vport;
}

void mvs_vport_del(struct mvs_vport *vport, bool rtnl_held)
{
	mvs_assert_locked();
	hlist_del_rcu(&vport->hnode);
	if (!rtnl_held)
		rtnl_lock();
	vport->ops->destroy(vport);
	if (!rtnl_held)
		rtnl_unlock();
}

struct mvs_vport *mvs_vport_from_dev(const struct net_device *dev)
{
	if (mvs_internal_is_vport(dev))
		return mvs_internal_vport(dev);
	if (mvs_netdev_is_vport(dev))
		return rcu_dereference_rtnl(dev->rx_handler_data);
	return NULL;
}

/* The packet's length above the Ethernet header, a VLAN tag not counted,
 * as the MTU counts it.
 */
static unsigned int packet_length(const struct sk_buff *skb)
{
	unsigned int len = skb->len - ETH_HLEN;

	if (!skb_vlan_tag_present(skb) && eth_type_vlan(skb->protocol) &&
	    len >= VLAN_HLEN)
		len -= VLAN_HLEN;
	return len;
}

void mvs_vport_send(struct mvs_vport *vport, struct sk_buff *skb)
{
	struct mvs_vport_pcpu_stats *s = this_cpu_ptr(vport->stats);
	struct net_device *dev = vport->dev;
	unsigned int len = skb->len;

	if (unlikely(!(dev->flags & IFF_UP) || skb->len < ETH_HLEN ||
		     (!skb_is_gso(skb) && packet_length(skb) > dev->mtu))) {
		u64_stats_update_begin(&s->syncp);
		s->tx_dropped++;
		u64_stats_update_end(&s->syncp);
		kfree_skb(skb);
		return;
	}
	skb->dev = dev;
	vport->ops->send(vport, skb);
	u64_stats_update_begin(&s->syncp);
	s->tx_packets++;
	s->tx_bytes += len;
	u64_stats_update_end(&s->syncp);
}

void mvs_vport_receive(struct mvs_vport *vport, struct sk_buff *skb,
		       const struct ip_tunnel_info *tun)
{
	struct mvs_vport_pcpu_stats *s = this_cpu_ptr(vport->stats);

	u64_stats_update_begin(&s->syncp);
	s->rx_packets++;
	s->rx_bytes += skb->len;
	u64_stats_update_end(&s->syncp);
	mvs_dp_receive(vport, skb, tun);
}

void mvs_vport_count_rx_drop(struct mvs_vport *vport)
{
	struct mvs_vport_pcpu_stats *s = this_cpu_ptr(vport->stats);

	u64_stats_update_begin(&s->syncp);
	s->rx_dropped++;
	u64_stats_update_end(&s->syncp);
}

void mvs_vport_get_stats(struct mvs_vport *vport, struct mvs_port_stats *stats)
{
	int cpu;

	memset(stats, 0, sizeof(*stats));
	for_each_possible_cpu(cpu) {
		const struct mvs_vport_pcpu_stats *s;
		struct mvs_vport_pcpu_stats c;
		unsigned int start;

		s = per_cpu_ptr(vport->stats, cpu);
		do {
			start = u64_stats_fetch_begin(&s->syncp);
			c = *s;
		} while (u64_stats_fetch_retry(&s->syncp, start));
		stats->rx_packets += c.rx_packets;
		stats->rx_bytes += c.rx_bytes;
		stats->tx_packets += c.tx_packets;
		stats->tx_bytes += c.tx_bytes;
		stats->rx_dropped += c.rx_dropped;
		stats->tx_dropped += c.tx_dropped;
		stats->tx_errors += c.tx_errors;
	}
}

/* A device under a vport is going away: the notifier (RTNL held) detaches
 * it at once, and this work, which may take mvs_mutex, removes the vports
 * left without a device.
 */
static void detached_work_fn(struct work_struct *work)
{
	struct mvs_dp *dp = NULL;

	mvs_lock();
	rtnl_lock();
	while ((dp = mvs_dp_next(dp))) {
		struct hlist_node *n;
		struct mvs_vport *vport;
		int i;

		for (i = 0; i < MVS_VPORT_HASH_BUCKETS; i++)
			hlist_for_each_entry_safe(vport, n, &dp->ports[i],
						  hnode)
				if (vport->dev->reg_state != NETREG_REGISTERED)
					mvs_vport_del(vport, true);
	}
	rtnl_unlock();
	mvs_unlock();
}

static DECLARE_WORK(detached_work, detached_work_fn);

static int vport_netdev_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct mvs_vport *vport;

	if (event != NETDEV_UNREGISTER || !mvs_netdev_is_vport(dev))
		return NOTIFY_DONE;
	vport = rcu_dereference_rtnl(dev->rx_handler_data);
	mvs_netdev_detach(vport);
	schedule_work(&detached_work);
	return NOTIFY_DONE;
}

static struct notifier_block vport_notifier = {
	.notifier_call = vport_netdev_event,
};

int mvs_vport_init(void)
{
	return register_netdevice_notifier(&vport_notifier);
}

void mvs_vport_exit(void)
{
	unregister_netdevice_notifier(&vport_notifier);
	cancel_work_sync(&detached_work);
}
