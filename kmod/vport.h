/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A datapath's ports.  Each type (vport_netdev.c,
 * vport_internal.c, vport_tunnel.c) fills a struct mvs_vport_ops; vport.c
 * numbers ports, finds them, counts their packets and hands what they
 * receive to the datapath.
 */
#ifndef MVS_VPORT_H
#define MVS_VPORT_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/dst_metadata.h>

#include "microvs_dp.h"

struct mvs_dp;
struct mvs_vport;

/* What a vport is made of (MVS_VPORT_CMD_NEW). */
struct mvs_vport_parms {
	const char *name;
	enum mvs_vport_type type;
	u32 port_no;
	u32 upcall_pid;
	struct mvs_dp *dp;
};

/**
 * struct mvs_vport_ops - one vport type
 * @type: MVS_VPORT_TYPE_*
 * @create: makes the vport for @parms (allocated with mvs_vport_alloc())
 *	    and attaches its device; mvs_mutex and RTNL held.  -ENODEV for a
 *	    device that does not exist, -EBUSY for one in use (another
 *	    datapath, a bridge), -EEXIST for a name taken (internal).
 * @destroy: detaches the device and frees the vport after a grace
 *	     period (mvs_vport_free_rcu()); mvs_mutex and RTNL held.
 * @send: transmits @skb (taken), whose data starts at the Ethernet
 *	  header; RCU held, bottom halves off.
 */
struct mvs_vport_ops {
	enum mvs_vport_type type;
	struct mvs_vport *(*create)(const struct mvs_vport_parms *parms);
	void (*destroy)(struct mvs_vport *vport);
	void (*send)(struct mvs_vport *vport, struct sk_buff *skb);
};

struct mvs_vport_pcpu_stats {
	u64 rx_packets, rx_bytes, tx_packets, tx_bytes;
	u64 rx_dropped, tx_dropped, tx_errors;
	struct u64_stats_sync syncp;
};

/**
 * struct mvs_vport - one datapath port
 * @hnode: in the datapath's port hash (RCU)
 * @dp: the datapath
 * @port_no: its number in the datapath
 * @dev: the device (a reference is held) for every type
 * @upcall_pid: netlink port for its misses; 0: the datapath's
 * @ops: the type
 * @stats: packets as the datapath sees them (rx: from the port)
 * @rcu: frees it after readers are done
 */
struct mvs_vport {
	struct hlist_node hnode;
	struct mvs_dp *dp;
	u32 port_no;
	struct net_device *dev;
	u32 upcall_pid;
	const struct mvs_vport_ops *ops;
	struct mvs_vport_pcpu_stats __percpu *stats;
	struct rcu_head rcu;
};

/* Allocates a vport of @ops for @parms (no device yet); ERR_PTR. */
struct mvs_vport *mvs_vport_alloc(const struct mvs_vport_ops *ops,
				  const struct mvs_vport_parms *parms);
/* Frees a vport that never entered a datapath. */
void mvs_vport_free(struct mvs_vport *vport);
/* Frees @vport after a grace period. */
void mvs_vport_free_rcu(struct mvs_vport *vport);

/* Creates a vport as @parms says and adds it to its datapath, with
 * number @parms->port_no (or the lowest free one if MVS_PORT_NONE).
 * -EBUSY: the number is taken; -EFBIG: none is free; -EINVAL: a type
 * this module does not have; else the type's create errors.  mvs_mutex
 * held; takes RTNL.
 */
struct mvs_vport *mvs_vport_add(const struct mvs_vport_parms *parms);
/* Removes @vport from its datapath and destroys it.  mvs_mutex held;
 * takes RTNL unless @rtnl_held.
 */
void mvs_vport_del(struct mvs_vport *vport, bool rtnl_held);

/* Port @port_no of @dp, or NULL (mvs_mutex or RCU). */
struct mvs_vport *mvs_vport_lookup(const struct mvs_dp *dp, u32 port_no);
/* The vport that owns device @dev (rx_handler data or internal device),
 * or NULL (RTNL or RCU).
 */
struct mvs_vport *mvs_vport_from_dev(const struct net_device *dev);

/* Transmits @skb (taken) through @vport, counting it; drops it when the
 * device is down or the packet exceeds its MTU.  RCU, bottom halves off.
 */
void mvs_vport_send(struct mvs_vport *vport, struct sk_buff *skb);
/* Counts and hands a packet from @vport to the datapath.  Takes @skb,
 * whose data starts at the Ethernet header.
 */
void mvs_vport_receive(struct mvs_vport *vport, struct sk_buff *skb,
		       const struct ip_tunnel_info *tun);
void mvs_vport_count_rx_drop(struct mvs_vport *vport);
void mvs_vport_get_stats(struct mvs_vport *vport,
			 struct mvs_port_stats *stats);

/* Module-wide: the netdevice notifier that detaches vanishing devices. */
int mvs_vport_init(void);
void mvs_vport_exit(void);

extern const struct mvs_vport_ops mvs_netdev_vport_ops;
extern const struct mvs_vport_ops mvs_internal_vport_ops;
extern const struct mvs_vport_ops mvs_vxlan_vport_ops;
extern const struct mvs_vport_ops mvs_gre_vport_ops;
extern const struct mvs_vport_ops mvs_geneve_vport_ops;

/* vport_netdev.c, shared with the tunnel types: attach to / detach from
 * an existing device (rx_handler, promiscuous mode).
 */
struct mvs_vport *mvs_netdev_create(const struct mvs_vport_ops *ops,
				    const struct mvs_vport_parms *parms);
void mvs_netdev_detach(struct mvs_vport *vport);
void mvs_netdev_destroy(struct mvs_vport *vport);
void mvs_netdev_send(struct mvs_vport *vport, struct sk_buff *skb);
bool mvs_netdev_is_vport(const struct net_device *dev);

/* vport_tunnel.c: the tunnel key of received metadata, and the metadata
 * to send with (-EINVAL: @k has no tunnel, its ttl is zero; -ENOMEM).
 */
void mvs_tunnel_key_from_info(struct mvs_key_tunnel *k,
			      const struct ip_tunnel_info *info);
int mvs_tunnel_set_dst(struct sk_buff *skb, const struct mvs_key_tunnel *k);

/* vport_internal.c */
bool mvs_internal_is_vport(const struct net_device *dev);
struct mvs_vport *mvs_internal_vport(const struct net_device *dev);

#endif /* MVS_VPORT_H */
