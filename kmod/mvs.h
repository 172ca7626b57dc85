/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The microvs datapath's objects and the calls between its files.
 * include/uapi/microvs_dp.h is the contract with userspace; nothing here
 * crosses the kernel boundary.
 *
 * Namespaces: a datapath belongs to the network namespace it was created
 * in (the requester's); its local port lives there, its ports are
 * devices of that namespace, its upcalls go to netlink ports there, and
 * requests see only their own namespace's datapaths.  A namespace that
 * goes away takes its datapaths with it (mvs_main.c's pernet exit).
 *
 * Locking (as net/openvswitch):
 *  - mvs_mutex serialises every change: datapaths, vports, flows, the
 *    masks array and meters.  The generic netlink families run with parallel_ops, so
 *    each handler that changes state takes it (mvs_lock()).
 *  - RTNL nests inside mvs_mutex (mvs_mutex, then rtnl_lock), never the
 *    other way round: the netdevice notifier, which runs under RTNL, only
 *    detaches a vanishing device and leaves the vport's removal to a work
 *    item that takes mvs_mutex.
 *  - The packet path (rx_handler in softirq, internal devices' xmit and
 *    the execute command with bottom halves disabled) holds only
 *    rcu_read_lock and reads datapaths, vports, masks, flows and meters
 *    through RCU; objects are freed after a grace period.  A meter's
 *    buckets have a spinlock of their own (meter.h).
 */
#ifndef MVS_H
#define MVS_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/u64_stats_sync.h>
#include <linux/version.h>
#include <linux/xarray.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>
/* The kernel's own API changes, by the release that made them. */
#define MVS_KERNEL_AT_LEAST(major, minor) \
	(KERNEL_VERSION(major, minor, 0) <= LINUX_VERSION_CODE)

/* Headers that moved. */
#if MVS_KERNEL_AT_LEAST(6, 12)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif
#if MVS_KERNEL_AT_LEAST(6, 5)
#include <net/gso.h>
#endif

#include "microvs_dp.h"
#include "flow_table.h"

#define MVS_VPORT_HASH_BUCKETS 256
#define MVS_DEFAULT_MAX_FLOWS 200000
#define MVS_MAX_ACTIONS_LEN (32 * 1024) /* bytes of one flow's actions */
#define MVS_NEST_MAX 8		  /* nested action lists, as userspace */
#define MVS_RECURSION_LIMIT 6	  /* recirc, clone and sample, at run time */

/* Per-CPU lookup counters of a datapath (struct mvs_dp_stats less the
 * counts of flows and masks, which the table keeps).
 */
struct mvs_dp_pcpu_stats {
	u64 n_hit;
	u64 n_missed;
	u64 n_lost;
	u64 n_mask_hit;
	u64 n_cache_hit;
	struct u64_stats_sync syncp;
};

/**
 * struct mvs_dp - one datapath
 * @node: in mvs_dps (mvs_mutex)
 * @ports: MVS_VPORT_HASH_BUCKETS buckets of vports by number (RCU readers,
 *	   mvs_mutex writers); port MVS_PORT_LOCAL is the internal device
 *	   named after the datapath, whose ifindex names the datapath
 * @table: the megaflow table
 * @upcall_pid: netlink port for misses of vports without their own
 * @net: the network namespace it belongs to
 * @stats: per-CPU lookup counters
 * @meters: struct mvs_meter by id (meter.h: RCU readers, mvs_mutex
 *	    writers)
 * @n_meters: how many (mvs_mutex)
 * @rcu: frees the struct after readers are done
 */
struct mvs_dp {
	struct list_head node;
	struct hlist_head *ports;
	struct mvs_flow_table table;
	u32 upcall_pid;
	possible_net_t net;
	struct mvs_dp_pcpu_stats __percpu *stats;
	struct xarray meters;
	unsigned int n_meters;
	struct rcu_head rcu;
};

struct mvs_vport;
struct ip_tunnel_info;

/* What a packet's actions run with: the datapath, the key as the actions
 * so far left it, and where upcalls go.
 */
struct mvs_pkt {
	struct mvs_key key;
	bool l4;	/* skb's transport header is valid (flow.c) */
};

extern struct mutex mvs_mutex;

/* Objects alive, by kind: the module reports any left at unload (a leak
 * check where the kernel has no kmemleak).
 */
enum mvs_obj {
	MVS_OBJ_DP,
	MVS_OBJ_VPORT,
	MVS_OBJ_FLOW,
	MVS_OBJ_MASK,
	MVS_OBJ_ACTIONS,
	MVS_OBJ_METER,
	__MVS_OBJ_N
};

extern atomic_t mvs_objs[__MVS_OBJ_N];

static inline void mvs_obj_new(enum mvs_obj kind)
{
	atomic_inc(&mvs_objs[kind]);
}

static inline void mvs_obj_gone(enum mvs_obj kind)
{
	atomic_dec(&mvs_objs[kind]);
}

static inline void mvs_lock(void)
{
	mutex_lock(&mvs_mutex);
}

static inline void mvs_unlock(void)
{
	mutex_unlock(&mvs_mutex);
}

#define mvs_assert_locked() lockdep_assert_held(&mvs_mutex)

/* The struct mvs_header of a request (genl_info_userhdr() since 6.6). */
static inline const struct mvs_header *mvs_info_hdr(const struct genl_info *info)
{
#if MVS_KERNEL_AT_LEAST(6, 6)
	return genl_info_userhdr(info);
#else
	return info->userhdr;
#endif
}

/* The struct mvs_header of a dump request. */
static inline const struct mvs_header *mvs_dump_hdr(struct netlink_callback *cb)
{
	return genlmsg_data(nlmsg_data(cb->nlh));
}

/* Ends a doit handler: with @err 0, sends @reply to the requester;
 * otherwise frees it (NULL allowed) and returns @err.
 */
int mvs_genl_reply(struct genl_info *info, struct sk_buff *reply, int err);

/* One of the five families: a struct mvs_header after the genlmsghdr,
 * @fam_policy for attributes up to @fam_maxattr, @fam_n_ops commands at
 * @fam_ops, strict validation of every command, our own locking.
 */
#define MVS_GENL_FAMILY(fam_name, fam_maxattr, fam_policy, fam_ops,	\
			fam_n_ops) {					\
	.hdrsize = sizeof(struct mvs_header),				\
	.name = (fam_name),						\
	.version = MVS_GENL_VERSION,					\
	.maxattr = (fam_maxattr),					\
	.policy = (fam_policy),						\
	.parallel_ops = true,						\
	.small_ops = (fam_ops),						\
	.n_small_ops = (fam_n_ops),					\
	.resv_start_op = MVS_CMD_NEW,					\
	.netnsok = true,						\
	.module = THIS_MODULE,						\
}

/* A device name userspace may choose: what the core accepts, without
 * the '%' that would make it a pattern.
 */
static inline bool mvs_name_ok(const char *name)
{
	return dev_valid_name(name) && !strchr(name, '%');
}

/* mvs_main.c: datapaths and the packet path. */

/* The namespace @dp belongs to. */
static inline struct net *mvs_dp_net(const struct mvs_dp *dp)
{
	return read_pnet(&dp->net);
}

/* The datapath of namespace @net whose local port has ifindex @ifindex,
 * or NULL.  Caller holds mvs_mutex or rcu_read_lock.
 */
struct mvs_dp *mvs_dp_by_ifindex(struct net *net, int ifindex);
/* The datapath of @net named @name, or NULL (mvs_mutex or RCU). */
struct mvs_dp *mvs_dp_by_name(struct net *net, const char *name);
/* The datapath of the requester's namespace whose local port is the
 * header's dp_ifindex, or NULL (mvs_mutex or RCU): of a request, of a
 * dump.
 */
struct mvs_dp *mvs_dp_of_request(struct genl_info *info);
struct mvs_dp *mvs_dp_of_dump(struct netlink_callback *cb);
/* The datapath a request from @net names: mvs_header.dp_ifindex, or,
 * when that is zero and @name_attr is given, its name (mvs_mutex or RCU).
 */
struct mvs_dp *mvs_dp_from_request(struct net *net,
				   const struct mvs_header *hdr,
				   const struct nlattr *name_attr);
/* The local port's device name (mvs_mutex or RCU). */
const char *mvs_dp_name(const struct mvs_dp *dp);
/* The local port's ifindex (mvs_mutex or RCU). */
int mvs_dp_ifindex(const struct mvs_dp *dp);

/* Creates datapath @name of namespace @net with its local port; -EEXIST
 * if a device of that name exists there, -ENOMEM.  mvs_mutex held; takes
 * RTNL.
 */
int mvs_dp_create(struct net *net, const char *name, u32 upcall_pid,
		  struct mvs_dp **dpp);
/* Removes @dp, its vports (internal devices deleted), its flows and its
 * meters.
 * mvs_mutex held; takes RTNL.
 */
void mvs_dp_destroy(struct mvs_dp *dp);
/* Iterates datapaths (mvs_mutex or RCU). */
struct mvs_dp *mvs_dp_next(struct mvs_dp *prev);
/* Sums the per-CPU counters and the table's counts. */
void mvs_dp_get_stats(struct mvs_dp *dp, struct mvs_dp_stats *stats);

/* A packet from @vport enters the datapath: extracts its key (with the
 * tunnel metadata @tun, NULL for none), looks it up, runs the flow's
 * actions or upcalls a miss.  Takes @skb.  RCU held, bottom halves off.
 */
void mvs_dp_receive(struct mvs_vport *vport, struct sk_buff *skb,
		    const struct ip_tunnel_info *tun);
/* Runs @acts on @skb, whose metadata and tunnel key come from @key and
 * whose headers are extracted again from the packet (the execute
 * command).  Takes @skb.  RCU held, bottom halves off.
 */
int mvs_dp_execute(struct mvs_dp *dp, struct sk_buff *skb,
		   const struct mvs_key *key, const struct mvs_flow_actions *acts);
/* Looks @pkt up again after a recirculation and runs what it finds.
 * Takes @skb.  RCU held, bottom halves off.
 */
void mvs_dp_process(struct mvs_dp *dp, struct sk_buff *skb,
		    struct mvs_pkt *pkt, u32 upcall_pid);

/* Per-CPU packet contexts for nested processing (recirc, clone, sample):
 * mvs_level_enter() returns the next free one, or NULL when
 * MVS_RECURSION_LIMIT levels are in use; each successful enter is paired
 * with mvs_level_exit().  Bottom halves off.
 */
struct mvs_pkt *mvs_level_enter(void);
void mvs_level_exit(void);

/* actions.c: runs @acts on @skb (taken) for @pkt, whose key the actions
 * update as they go (as userspace does).  RCU held, bottom halves off.
 */
void mvs_execute_actions(struct mvs_dp *dp, struct sk_buff *skb,
			 struct mvs_pkt *pkt, const struct nlattr *acts,
			 int len, u32 upcall_pid);

/* flow_netlink.c: attributes of keys and actions. */

/* Checks an action list from userspace (types, sizes, nesting, ports)
 * and copies it into a new struct mvs_flow_actions (*@out, kfree'd by the
 * caller or the flow).  -EINVAL for anything malformed, -EOPNOTSUPP for
 * an action only the userspace datapath has, -EMSGSIZE above
 * MVS_MAX_ACTIONS_LEN.
 */
int mvs_actions_copy(const struct nlattr *attr, struct mvs_flow_actions **out);
/* Frees actions now, or after a grace period. */
void mvs_actions_free(struct mvs_flow_actions *acts);
void mvs_actions_free_rcu(struct mvs_flow_actions *acts);
/* Checks a key from userspace beyond its size: tunnel options length.
 * -EINVAL if it lies.
 */
int mvs_key_check(const struct mvs_key *key);

/* dp_genl_packet.c: upcalls. */

/* Sends @skb (not taken) with @key to netlink port @portid as @cmd
 * (MVS_CMD_MISS or MVS_CMD_ACTION) with @userdata (may be NULL).  GSO
 * packets go up segment by segment, VLAN tags inline, checksums
 * complete.  0, -ENOTCONN without a port, or the netlink error (the
 * socket is full: -EAGAIN).  Atomic context.
 */
int mvs_upcall(struct mvs_dp *dp, struct sk_buff *skb,
	       const struct mvs_key *key, u32 portid, u8 cmd,
	       const struct nlattr *userdata);

/* The generic netlink families (dp_genl_*.c). */
extern struct genl_family mvs_dp_genl_family;
extern struct genl_family mvs_vport_genl_family;
extern struct genl_family mvs_flow_genl_family;
extern struct genl_family mvs_packet_genl_family;
extern struct genl_family mvs_meter_genl_family;

#endif /* MVS_H */
