// SPDX-License-Identifier: GPL-2.0
/*
 * The microvs datapath module: its init and exit, datapath
 * objects (a megaflow table, ports, counters) and the packet path that
 * every vport feeds: key extraction, lookup, actions or a miss upcall.
 *
 * Datapaths live in the initial network namespace and are driven by
 * upcalld over the generic netlink families of dp_genl_*.c
 * (include/uapi/microvs_dp.h).
 */
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "mvs.h"
#include "flow_key.h"
#include "meter.h"
#include "vport.h"

/* Serialises every change (mvs.h, "Locking"). */
DEFINE_MUTEX(mvs_mutex);
atomic_t mvs_objs[__MVS_OBJ_N];

/* Every datapath: mvs_mutex for writers, RCU for readers. */
static LIST_HEAD(mvs_dps);

/* Per-CPU packet contexts, one per nesting level (mvs.h). */
struct mvs_levels {
	int level;
	struct mvs_pkt pkts[MVS_RECURSION_LIMIT];
};

static DEFINE_PER_CPU(struct mvs_levels, mvs_levels);

struct mvs_pkt *mvs_level_enter(void)
{
	struct mvs_levels *l = this_cpu_ptr(&mvs_levels);

	if (unlikely(l->level >= MVS_RECURSION_LIMIT))
		return NULL;
	return &l->pkts[l->level++];
}

void mvs_level_exit(void)
{
	this_cpu_dec(mvs_levels.level);
}

static struct mvs_vport *dp_local(const struct mvs_dp *dp)
{
	return mvs_vport_lookup(dp, MVS_PORT_LOCAL);
}

const char *mvs_dp_name(const struct mvs_dp *dp)
{
	return dp_local(dp)->dev->name;
}

int mvs_dp_ifindex(const struct mvs_dp *dp)
{
	return dp_local(dp)->dev->ifindex;
}

struct mvs_dp *mvs_dp_next(struct mvs_dp *prev)
{
	struct list_head *next = prev ? prev->node.next : mvs_dps.next;

	next = rcu_dereference_check(next, lockdep_is_held(&mvs_mutex));
	return next == &mvs_dps ? NULL : list_entry(next, struct mvs_dp, node);
}

struct mvs_dp *mvs_dp_by_ifindex(struct net *net, int ifindex)
{
	struct mvs_dp *dp = NULL;
	struct mvs_vport *vport;
	struct net_device *dev;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(net, ifindex);
	if (dev && mvs_internal_is_vport(dev)) {
		vport = mvs_internal_vport(dev);
		if (vport && vport->port_no == MVS_PORT_LOCAL)
			dp = vport->dp;
	}
	rcu_read_unlock();
	return dp;
}

struct mvs_dp *mvs_dp_by_name(struct net *net, const char *name)
{
	struct mvs_dp *dp = NULL;

	while ((dp = mvs_dp_next(dp)))
		if (net_eq(mvs_dp_net(dp), net) &&
		    !strcmp(mvs_dp_name(dp), name))
			return dp;
	return NULL;
}

struct mvs_dp *mvs_dp_of_request(struct genl_info *info)
{
	return mvs_dp_by_ifindex(genl_info_net(info),
				 mvs_info_hdr(info)->dp_ifindex);
}

struct mvs_dp *mvs_dp_of_dump(struct netlink_callback *cb)
{
	return mvs_dp_by_ifindex(sock_net(cb->skb->sk),
				 mvs_dump_hdr(cb)->dp_ifindex);
}

struct mvs_dp *mvs_dp_from_request(struct net *net,
				   const struct mvs_header *hdr,
				   const struct nlattr *name_attr)
{
	if (hdr->dp_ifindex)
		return mvs_dp_by_ifindex(net, hdr->dp_ifindex);
	return name_attr ? mvs_dp_by_name(net, nla_data(name_attr)) : NULL;
}

static void dp_free(struct mvs_dp *dp)
{
	free_percpu(dp->stats);
	kfree(dp->ports);
	kfree(dp);
	mvs_obj_gone(MVS_OBJ_DP);
}

static void dp_free_rcu(struct rcu_head *rcu)
{
	dp_free(container_of(rcu, struct mvs_dp, rcu));
}

int mvs_dp_create(struct net *net, const char *name, u32 upcall_pid,
		  struct mvs_dp **dpp)
{
	struct mvs_vport_parms parms = {
		.name = name,
		.type = MVS_VPORT_TYPE_INTERNAL,
		.port_no = MVS_PORT_LOCAL,
	};
	struct mvs_vport *local;
	struct mvs_dp *dp;
	int err = -ENOMEM;

	mvs_assert_locked();
	dp = kzalloc(sizeof(*dp), GFP_KERNEL);
	if (!dp)
		return -ENOMEM;
	mvs_obj_new(MVS_OBJ_DP);
	mvs_meters_init(dp);
	dp->ports = kcalloc(MVS_VPORT_HASH_BUCKETS, sizeof(*dp->ports),
			    GFP_KERNEL);
	dp->stats = netdev_alloc_pcpu_stats(struct mvs_dp_pcpu_stats);
	if (!dp->ports || !dp->stats)
		goto err_free;
	err = mvs_flow_tbl_init(&dp->table, MVS_MASK_CACHE_DEFAULT);
	if (err)
		goto err_free;
	dp->upcall_pid = upcall_pid;
	write_pnet(&dp->net, net);
	parms.dp = dp;
	local = mvs_vport_add(&parms);
	if (IS_ERR(local)) {
		err = PTR_ERR(local);
		goto err_table;
	}
	list_add_tail_rcu(&dp->node, &mvs_dps);
	*dpp = dp;
	return 0;

err_table:
	mvs_flow_tbl_destroy(&dp->table);
	/* The table's parts go after a grace period; so must the dp. */
	call_rcu(&dp->rcu, dp_free_rcu);
	return err;
err_free:
	dp_free(dp);
	return err;
}

void mvs_dp_destroy(struct mvs_dp *dp)
{
	struct mvs_vport *vport;
	struct hlist_node *n;
	int i;

	mvs_assert_locked();
	list_del_rcu(&dp->node);
	rtnl_lock();
	for (i = 0; i < MVS_VPORT_HASH_BUCKETS; i++)
		hlist_for_each_entry_safe(vport, n, &dp->ports[i], hnode)
			if (vport->port_no != MVS_PORT_LOCAL)
				mvs_vport_del(vport, true);
	mvs_vport_del(dp_local(dp), true);
	rtnl_unlock();
	mvs_flow_tbl_destroy(&dp->table);
	mvs_meters_destroy(dp);
	call_rcu(&dp->rcu, dp_free_rcu);
}

void mvs_dp_get_stats(struct mvs_dp *dp, struct mvs_dp_stats *stats)
{
	int cpu;

	memset(stats, 0, sizeof(*stats));
	for_each_possible_cpu(cpu) {
		const struct mvs_dp_pcpu_stats *s = per_cpu_ptr(dp->stats, cpu);
		struct mvs_dp_pcpu_stats c;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			c = *s;
		} while (u64_stats_fetch_retry(&s->syncp, start));
		stats->n_hit += c.n_hit;
		stats->n_missed += c.n_missed;
		stats->n_lost += c.n_lost;
		stats->n_mask_hit += c.n_mask_hit;
		stats->n_cache_hit += c.n_cache_hit;
	}
	stats->n_flows = READ_ONCE(dp->table.count);
	stats->n_masks = mvs_flow_tbl_n_masks(&dp->table);
}

void mvs_dp_process(struct mvs_dp *dp, struct sk_buff *skb,
		    struct mvs_pkt *pkt, u32 upcall_pid)
{
	struct mvs_dp_pcpu_stats *stats = this_cpu_ptr(dp->stats);
	struct mvs_flow_actions *acts;
	struct mvs_flow *flow;
	u32 n_mask_hit = 0, hash;
	bool cache_hit;

	/* The mask cache is keyed by the 5-tuple hash, as in userspace;
	 * a wrong guess only costs one probe.
	 */
	hash = mvs_flow_hash_5tuple(&pkt->key, pkt->key.meta.recirc_id) ?: 1;
	flow = mvs_flow_tbl_lookup(&dp->table, &pkt->key, hash, &n_mask_hit,
				   &cache_hit);
	if (unlikely(!flow)) {
		int err = mvs_upcall(dp, skb, &pkt->key, upcall_pid,
				     MVS_CMD_MISS, NULL);

		u64_stats_update_begin(&stats->syncp);
		if (err)
			stats->n_lost++;
		else
			stats->n_missed++;
		stats->n_mask_hit += n_mask_hit;
		u64_stats_update_end(&stats->syncp);
		consume_skb(skb);
		return;
	}
	/* Counted before the actions, which may come back here. */
	u64_stats_update_begin(&stats->syncp);
	stats->n_hit++;
	stats->n_mask_hit += n_mask_hit;
	stats->n_cache_hit += cache_hit;
	u64_stats_update_end(&stats->syncp);
	mvs_flow_stats_update(flow, skb->len + (skb_vlan_tag_present(skb) ?
						VLAN_HLEN : 0),
			      pkt->key.hdr.tcp_flags);
	acts = rcu_dereference(flow->acts);
	mvs_execute_actions(dp, skb, pkt, acts->actions, acts->len,
			    upcall_pid);
}

static u32 vport_upcall_pid(const struct mvs_dp *dp,
			    const struct mvs_vport *vport)
{
	return vport && vport->upcall_pid ? vport->upcall_pid :
	       READ_ONCE(dp->upcall_pid);
}

void mvs_dp_receive(struct mvs_vport *vport, struct sk_buff *skb,
		    const struct ip_tunnel_info *tun)
{
	struct mvs_pkt *pkt = mvs_level_enter();
	struct mvs_key *key;

	if (unlikely(!pkt)) {
		net_warn_ratelimited("microvs: %s: packet from port %u nested too deep, dropped\n",
				     mvs_dp_name(vport->dp), vport->port_no);
		mvs_vport_count_rx_drop(vport);
		kfree_skb(skb);
		return;
	}
	key = &pkt->key;
	memset(&key->meta, 0, sizeof(key->meta));
	key->meta.in_port = vport->port_no;
	key->meta.skb_mark = skb->mark;
	key->meta.skb_priority = skb->priority;
	if (tun)
		mvs_tunnel_key_from_info(&key->tun, tun);
	else
		memset(&key->tun, 0, sizeof(key->tun));
	/* The tunnel metadata is in the key now; a route from the host
	 * stack means nothing past this point.
	 */
	skb_dst_drop(skb);
	mvs_flow_extract(skb, pkt);
	mvs_dp_process(vport->dp, skb, pkt, vport_upcall_pid(vport->dp, vport));
	mvs_level_exit();
}

int mvs_dp_execute(struct mvs_dp *dp, struct sk_buff *skb,
		   const struct mvs_key *key, const struct mvs_flow_actions *acts)
{
	struct mvs_pkt *pkt = mvs_level_enter();
	struct mvs_vport *in;

	if (unlikely(!pkt)) {
		kfree_skb(skb);
		return -ELOOP;
	}
	pkt->key.meta = key->meta;
	pkt->key.tun = key->tun;
	skb->mark = key->meta.skb_mark;
	skb->priority = key->meta.skb_priority;
	mvs_flow_extract(skb, pkt);
	in = mvs_vport_lookup(dp, key->meta.in_port);
	mvs_execute_actions(dp, skb, pkt, acts->actions, acts->len,
			    vport_upcall_pid(dp, in));
	mvs_level_exit();
	return 0;
}

int mvs_genl_reply(struct genl_info *info, struct sk_buff *reply, int err)
{
	if (err) {
		nlmsg_free(reply);
		return err;
	}
	return reply ? genlmsg_reply(reply, info) : 0;
}

static struct genl_family *const mvs_families[] = {
	&mvs_dp_genl_family,
	&mvs_vport_genl_family,
	&mvs_flow_genl_family,
	&mvs_packet_genl_family,
	&mvs_meter_genl_family,
};

static void unregister_families(int n)
{
	while (n-- > 0)
		genl_unregister_family(mvs_families[n]);
}

/* A namespace goes away: its datapaths first, before the core moves or
 * deletes its devices (our exit runs before default_device_exit's, which
 * was registered earlier).  Ports of other namespaces' datapaths whose
 * devices were here go through the netdevice notifier as any vanishing
 * device does.
 */
static void __net_exit mvs_exit_net(struct net *net)
{
	struct mvs_dp *dp, *next;

	mvs_lock();
	for (dp = mvs_dp_next(NULL); dp; dp = next) {
		next = mvs_dp_next(dp);
		if (net_eq(mvs_dp_net(dp), net))
			mvs_dp_destroy(dp);
	}
	mvs_unlock();
}

static struct pernet_operations mvs_net_ops = {
	.exit = mvs_exit_net,
};

static int __init mvs_init(void)
{
	int err, i;

	err = mvs_flow_tbl_module_init();
	if (err)
		return err;
	err = mvs_vport_init();
	if (err)
		goto err_tbl;
	err = register_pernet_device(&mvs_net_ops);
	if (err)
		goto err_vport;
	for (i = 0; i < ARRAY_SIZE(mvs_families); i++) {
		err = genl_register_family(mvs_families[i]);
		if (err)
			goto err_families;
	}
	pr_info("microvs: datapath loaded (uAPI version %d)\n", MVS_DP_VERSION);
	return 0;

err_families:
	unregister_families(i);
	unregister_pernet_device(&mvs_net_ops);
err_vport:
	mvs_vport_exit();
err_tbl:
	mvs_flow_tbl_exit();
	return err;
}

static void report_leaks(void)
{
	static const char *const names[__MVS_OBJ_N] = {
		[MVS_OBJ_DP] = "datapaths",
		[MVS_OBJ_VPORT] = "vports",
		[MVS_OBJ_FLOW] = "flows",
		[MVS_OBJ_MASK] = "masks",
		[MVS_OBJ_ACTIONS] = "action lists",
		[MVS_OBJ_METER] = "meters",
	};
	int i, n;

	for (i = 0; i < __MVS_OBJ_N; i++) {
		n = atomic_read(&mvs_objs[i]);
		if (n)
			pr_err("microvs: leaked %d %s\n", n, names[i]);
	}
}

static void __exit mvs_exit(void)
{
	struct mvs_dp *dp;

	unregister_families(ARRAY_SIZE(mvs_families));
	unregister_pernet_device(&mvs_net_ops);
	mvs_lock();
	while ((dp = mvs_dp_next(NULL)))
		mvs_dp_destroy(dp);
	mvs_unlock();
	mvs_vport_exit();
	/* Every call_rcu() above has run, and queued the masks' work. */
	rcu_barrier();
	mvs_flow_tbl_exit();
	report_leaks();
	pr_info("microvs: datapath unloaded\n");
}

module_init(mvs_init);
module_exit(mvs_exit);
MODULE_DESCRIPTION("microvs datapath");
MODULE_LICENSE("GPL");
MODULE_ALIAS_GENL_FAMILY(MVS_DATAPATH_FAMILY);
MODULE_ALIAS_GENL_FAMILY(MVS_VPORT_FAMILY);
MODULE_ALIAS_GENL_FAMILY(MVS_FLOW_FAMILY);
MODULE_ALIAS_GENL_FAMILY(MVS_PACKET_FAMILY);
MODULE_ALIAS_GENL_FAMILY(MVS_METER_FAMILY);
