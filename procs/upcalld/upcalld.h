/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld.h: upcalld's private interfaces (STYLE.md rule 1): the megaflow
 * table, action execution, and the userspace datapath engine that the
 * "netdev" and "dummy" providers share, with its port and I/O layer.
 *
 * Everything here runs on upcalld's event-loop thread.
 */
#ifndef MICROVS_UPCALLD_H
#define MICROVS_UPCALLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_packet.h"
#include "flow.h"
#include "bus.h"
#include "hix.h"
#include "hmap.h"
#include "list.h"
#include "nlattr.h"
#include "microvs_dp.h"
#include "upcalld_dp.h"

/* ---- the megaflow table (upcalld_flow_table.c, upcalld_ft_store.c) ---- */

/* Masks in an array, one hash table of flows per mask, and a small mask
 * cache in front: the packet's hash picks an entry that remembers which
 * mask matched the last packet with that hash, so most lookups probe one
 * hash table instead of all of them.
 *
 * The flows, the masks and the datapath's and ports' statistics live in
 * a memfd (upcalld_ft_store.c), which the "netdev" datapath keeps in the
 * descriptor store: a new upcalld maps it and forwards with it at once.
 * Installing a flow is memory writes, no system call.  Each flow and mask
 * is written with its commit word clear, then checksummed and committed,
 * so that a half-written one is never used after a crash.  The hash
 * tables and the mask array are this process's own, rebuilt from the
 * committed entries when a table is taken over. */
#define FT_MASK_CACHE 256 /* entries, a power of 2 */
#define FT_DEFAULT_LIMIT 200000

struct ft_mask {
	struct mvs_key mask;
	struct flow_words words;
	struct hix flows; /* its flows' numbers by hash of key & mask */
	uint32_t slot;	  /* its kept copy (upcalld_ft_store.c) */
};

/* A flow, in one or more consecutive FT_SLOT-byte slots of the memfd.
 * What a lookup by ufid reads is in its first cache line. */
struct ft_flow {
	uint32_t hash; /* of key & mask, as in its mask's flows (ours) */
	uint32_t spare0;
	uint64_t spare[3]; /* were hash map links: the layout stays */
	struct mvs_ufid ufid;
	const struct nlattr *actions; /* acts[], NULL when none (ours) */
	uint16_t mask_idx;	      /* in flow_table.masks (ours) */
	uint16_t n_slots;
	uint32_t commit; /* FT_COMMIT | n_slots when whole; 0: free, or being
			    written */
	struct mvs_flow_stats stats; /* counted in place, not checksummed */
	/* What of them the daemon reported to vswitchd (flow_set_reported):
	 * kept here so that a restart neither repeats nor loses them; not
	 * checksummed either. */
	uint64_t rep_packets, rep_bytes;
	uint32_t csum; /* of ufid, and of mask_slot .. acts[actions_len] */
	/* 1 once flow_set_reported was called for it: a flow the daemon
	 * tracks (not checksummed; 0 in a store of an older upcalld). */
	uint32_t rep_set;
	uint32_t mask_slot;
	uint16_t actions_len;
	uint16_t pad1;
	uint64_t created_ms;
	struct mvs_key key; /* as installed (see odp.h: printed as is) */
	uint64_t acts[];    /* actions_len bytes */
};

#define FT_SLOT 512 /* bytes; a flow with long actions takes several */

struct ft_cache_entry {
	uint32_t hash;
	uint16_t mask_idx;
	uint16_t valid;
};

/* The statistics kept with the table, so that they survive a restart
 * too: the datapath's (dpctl/show) and each port's, by port number. */
struct ft_counters {
	struct mvs_dp_stats dp; /* n_hit, n_missed, n_mask_hit */
	struct mvs_port_stats ports[MVS_PORT_MAX + 1];
};

struct ft_store; /* upcalld_ft_store.c */

struct flow_table {
	struct ft_mask **masks;
	size_t n_masks, cap_masks;
	struct hix by_ufid; /* flows' numbers by ufid */
	size_t n_flows, limit;
	uint8_t *flow_slots; /* flow n is at flow_slots + n * FT_SLOT */
	struct ft_cache_entry cache[FT_MASK_CACHE];
	uint64_t n_cache_hit, n_mask_probe;
	struct ft_store *store;
	struct ft_counters *counters; /* in the memfd */
};

/* An empty table in a new memfd.  0, or -errno of memfd_create, ftruncate
 * or mmap. */
int ft_init(struct flow_table *ft);
/* Takes over the table in memfd @fd that a previous process kept: the
 * committed flows and masks whose checksums hold are indexed again, the
 * others freed (their number in *@n_dropped).  -EPROTO: a table of
 * another layout or version (nothing taken; the caller starts empty);
 * other -errno from fstat or mmap.  On success @fd is the table's. */
int ft_adopt(struct flow_table *ft, int fd, size_t *n_dropped);
/* The memfd of @ft (for the descriptor store; it stays @ft's). */
int ft_fd(const struct flow_table *ft);
/* Unmaps the table and frees this process's indexes; the memfd's
 * contents stay for whoever else holds it. */
void ft_destroy(struct flow_table *ft);

/* The flow matching @key (whose 5-tuple hash is @hash), or NULL.  Adds
 * the hash tables probed to *@n_probed. */
struct ft_flow *ft_lookup(struct flow_table *ft, const struct mvs_key *key,
			  uint32_t hash, unsigned *n_probed);

/* Installs a flow; copies everything.  -EEXIST: the ufid, or the same
 * masked key under the same mask, is installed already; -EFBIG: at the
 * limit.  *@flowp (may be NULL) is the new flow. */
int ft_insert(struct flow_table *ft, const struct mvs_ufid *ufid,
	      const struct mvs_key *key, const struct mvs_key *mask,
	      const struct nlattr *actions, size_t actions_len, uint64_t now_ms,
	      struct ft_flow **flowp);

/* Replaces @flow's actions (copied) and returns the flow, which moves
 * when the new actions need more slots (NULL, the flow unchanged: no
 * room). */
struct ft_flow *ft_set_actions(struct flow_table *ft, struct ft_flow *flow,
			       const struct nlattr *actions,
			       size_t actions_len);

struct ft_flow *ft_find(const struct flow_table *ft,
			const struct mvs_ufid *ufid);

/* Removes and frees @flow (its mask goes with its last flow). */
void ft_remove(struct flow_table *ft, struct ft_flow *flow);

static inline const struct mvs_key *
ft_flow_mask(const struct flow_table *ft, const struct ft_flow *f)
{
	return &ft->masks[f->mask_idx]->mask;
}

/* Counts a packet of @bytes with TCP flags @tcp_flags at @now_ms. */
static inline void
ft_flow_used(struct ft_flow *f, uint32_t bytes, uint16_t tcp_flags,
	     uint64_t now_ms)
{
	f->stats.n_packets++;
	f->stats.n_bytes += bytes;
	f->stats.used_ms = now_ms;
	f->stats.tcp_flags |= tcp_flags;
}

typedef void ft_flow_fn(void *aux, struct ft_flow *flow);

/* Calls @fn for every flow; @fn may remove the flow it is given. */
void ft_for_each(struct flow_table *ft, ft_flow_fn *fn, void *aux);
/* The same in parts: from *@cursor (0: the start) until @max flows were
 * given, moving *@cursor on; true while flows may remain.  Flows added or
 * moved between parts may be given twice or not at all. */
bool ft_for_each_part(struct flow_table *ft, uint64_t *cursor, size_t max,
		      ft_flow_fn *fn, void *aux);

/* Removes every flow not used (or, never used, not created) in the last
 * @max_idle_ms, calling @fn (may be NULL) with each before it goes.
 * Returns how many went. */
size_t ft_expire(struct flow_table *ft, uint64_t now_ms, uint64_t max_idle_ms,
		 ft_flow_fn *fn, void *aux);

/* Bytes one flow with @actions_len bytes of actions costs (its slots and
 * its share of the hash tables), for memory reports. */
size_t ft_flow_size(size_t actions_len);

/* The storage (upcalld_ft_store.c), for upcalld_flow_table.c only. */
/* Creates the memfd, or takes over @fd (-1: create), setting
 * ft->counters; -EPROTO for a memfd of another layout. */
int fts_open(struct flow_table *ft, int fd);
void fts_close(struct flow_table *ft);
int fts_fd(const struct flow_table *ft);
/* A zeroed, uncommitted flow of @actions_len bytes of actions, or NULL
 * when the memfd is full. */
struct ft_flow *fts_flow_alloc(struct flow_table *ft, size_t actions_len);
/* Checksums @f and marks it whole. */
void fts_flow_commit(struct ft_flow *f);
/* Marks @f not whole (before it changes or goes). */
void fts_flow_uncommit(struct ft_flow *f);
/* Frees @f's slots (uncommitted first). */
void fts_flow_free(struct flow_table *ft, struct ft_flow *f);
/* Keeps @m's mask in a slot (m->slot); -EFBIG when none is free. */
int fts_mask_alloc(struct flow_table *ft, struct ft_mask *m);
void fts_mask_free(struct flow_table *ft, const struct ft_mask *m);
/* Calls @fn with every committed flow, in the order of their slots in
 * memory (a walk over hundreds of thousands of flows in hash order waits
 * on memory at each one; in slot order the processor reads ahead).  @fn
 * may free the flow it is given, not others. */
void fts_walk(struct flow_table *ft,
	      void (*fn)(struct flow_table *ft, struct ft_flow *f, void *aux),
	      void *aux);
/* fts_walk from slot *@slot on, stopping once @max flows were given;
 * *@slot is where to go on.  True while slots remain. */
bool fts_walk_part(struct flow_table *ft, uint32_t *slot, size_t max,
		   void (*fn)(struct flow_table *ft, struct ft_flow *f,
			      void *aux),
		   void *aux);
/* Calls @fn with every whole flow of a memfd just taken over, and the
 * mask (NULL if its mask slot is not whole); a flow @fn refuses (returns
 * false) is freed.  Masks no flow was taken with are freed after. */
size_t fts_scan(struct flow_table *ft,
		bool (*fn)(struct flow_table *, struct ft_flow *,
			   const struct mvs_key *mask, uint32_t mask_slot));

/* ---- action execution (upcalld_actions.c) ---- */

/* Where executed actions lead.  The callbacks take the packet they are
 * given, except @userspace, which copies what it keeps. */
struct dp_exec_ops {
	void (*output)(void *aux, uint32_t port_no, struct dp_packet *p);
	void (*userspace)(void *aux, const struct dp_packet *p,
			  const struct mvs_key *key, const uint8_t *userdata,
			  size_t userdata_len);
	/* Looks @p up again with @key (recirc_id set). */
	void (*recirc)(void *aux, struct dp_packet *p, struct mvs_key *key);
	void *aux;
	/* Optional: MVS_ACTION_ATTR_TUNNEL_POP of @p into tunnel port
	 * @port_no (decapsulate, then look the inner frame up).  Takes @p.
	 * Without it the action drops the packet. */
	void (*tnl_pop)(void *aux, struct dp_packet *p, uint32_t port_no);
	/* Optional: MVS_ACTION_ATTR_METER: false if meter @id drops @p
	 * (the caller frees it).  Without it every packet passes. */
	bool (*meter)(void *aux, uint32_t id, const struct dp_packet *p);
};

/* Runs @actions (checked with odp_actions_check) on @p, whose extracted
 * key is @key (updated as the packet changes).  Takes @p: it is output,
 * handed on, or freed.  Checksums are fixed for every rewrite, partial
 * ones (MVS_OFFLOAD_F_NEEDS_CSUM) kept partial. */
void dp_execute(const struct dp_exec_ops *ops, struct dp_packet *p,
		struct mvs_key *key, const struct nlattr *actions, size_t len);

/* Completes a partial checksum (MVS_OFFLOAD_F_NEEDS_CSUM) in software, for
 * a port that cannot take it. */
void dp_packet_finish_csum(struct dp_packet *p);

/* Splits @p, a TCP segment larger than its MTU (gso_type TCPV4 or TCPV6,
 * gso_size bytes of payload a segment), into segments with complete
 * headers and checksums, and hands each to @emit.  Takes @p; returns the
 * number of segments (0: a GSO type it cannot split, dropped and counted).
 * upcalld_gso.c. */
size_t dp_gso_segment(struct dp_packet *p,
		      void (*emit)(void *aux, struct dp_packet *), void *aux);

/* ---- the userspace datapath engine (upcalld_dp_user.c) ---- */

struct udp_dp;
struct uport;

/* One kind of port (AF_PACKET, tap, dummy memory port). */
struct uport_ops {
	/* Receives up to @max packets, appending to @b.  Returns how many,
	 * or -errno (-ENODEV/-ENXIO: the device is gone). Never blocks. */
	int (*recv)(struct uport *port, struct dp_batch *b, unsigned max);
	/* Sends every packet of @b (one system call where it can) and takes
	 * them.  Counts what it sent and dropped in port->stats. */
	void (*send)(struct uport *port, struct dp_batch *b);
	/* Fills the device facts of @info (ifindex, mac, mtu, link). */
	void (*query)(struct uport *port, struct dp_port_info *info);
	/* Closes the port; with @destroy, also removes what the datapath
	 * created (internal devices) and restores what it changed. */
	void (*close)(struct uport *port, bool destroy);
	/* Optional, for a port without a device (a dummy port): sets it up
	 * or down and, when @mac is not NULL, its address; 0 or -errno.
	 * Ports with a device are set through the device (dp_port_set). */
	int (*set)(struct uport *port, bool admin_up, const uint8_t *mac);
};

struct uport {
	const struct uport_ops *ops;
	struct udp_dp *dp;
	uint32_t port_no;
	enum mvs_vport_type type;
	char name[16];
	int fd;		  /* polled on the loop; -1: none (dummy) */
	struct ev_io *io; /* NULL when fd < 0 */
	/* After a device-down report: checks once more whether the device
	 * is gone (it may have been on its way out when it reported). */
	struct ev_timer *down_check;
	bool offload; /* takes partial checksums and GSO as they are */
	int mtu;
	bool kept; /* taken over from a previous upcalld: its statistics too */
	struct mvs_port_stats *stats; /* in the flow table's memfd */
	struct dp_batch txq;   /* output waiting for the end of the batch */
	struct uport *next_tx; /* on dp's list of ports with output queued */
	bool tx_queued;
};

/* How a provider makes its ports. */
struct uport_factory {
	/* Opens the port @spec describes (the local port: type INTERNAL and
	 * the datapath's name) and returns it in *@portp with ops, fd, name,
	 * type, mtu and offload set.  0 or -errno as for port_add. */
	int (*open)(struct udp_dp *dp, const struct dp_port_spec *spec,
		    struct uport **portp);
	/* The datapath's flow table and ports survive upcalld's restart
	 * (upcalld_keep.c). */
	bool keeps;
};

struct udp_dp {
	struct dp up;
	struct ev_loop *loop;
	const struct dp_upcall_ops *upcall_ops;
	void *upcall_aux;
	const struct uport_factory *factory;
	struct flow_table ft;
	struct uport **ports; /* by port number; NULL: free */
	uint32_t n_ports;     /* size of ports[] */
	struct uport *tx_list;
	struct mvs_dp_stats *stats;	   /* in the flow table's memfd */
	uint64_t n_truncated, n_malformed; /* frames flow_extract flagged */
	struct dp_upcall pending[DP_BATCH_MAX];
	size_t n_pending;
	unsigned rx_budget; /* packets per port per loop round */
	unsigned recirc_depth;
	struct dp_config config;
	struct ev_timer *expire_timer; /* armed while flows exist */
	struct ev_timer *tx_timer;     /* flushes what execute queued */
	struct hmap meters;	       /* struct udp_meter, by id */
};

/* The provider members the "netdev" and "dummy" classes share. */
int udp_open(const struct dp_class *cls, const char *name, struct ev_loop *loop,
	     const struct dp_upcall_ops *ops, void *aux,
	     const struct uport_factory *factory, struct dp **dpp);
void udp_close(struct dp *dp, bool destroy);
int udp_get_stats(struct dp *dp, struct mvs_dp_stats *stats);
int udp_port_add(struct dp *dp, const struct dp_port_spec *spec,
		 uint32_t *port_no);
int udp_port_del(struct dp *dp, uint32_t port_no);
int udp_port_query(struct dp *dp, uint32_t port_no, struct dp_port_info *info);
int udp_port_dump(struct dp *dp,
		  void (*fn)(void *aux, const struct dp_port_info *),
		  void *aux);
int udp_flow_put(struct dp *dp, const struct dp_flow_put *put);
int udp_flow_del(struct dp *dp, const struct mvs_ufid *ufid,
		 struct mvs_flow_stats *stats);
int udp_flow_flush(struct dp *dp);
int udp_port_set(struct dp *dp, uint32_t port_no, bool admin_up,
		 const uint8_t *mac);
int udp_flow_dump(struct dp *dp, dp_flow_dump_fn *fn, void *aux);
int udp_flow_dump_part(struct dp *dp, uint64_t *cursor, size_t max,
		       dp_flow_dump_fn *fn, void *aux);
void udp_flow_set_reported(struct dp *dp, const struct mvs_ufid *ufid,
			   uint64_t n_packets, uint64_t n_bytes);
int udp_set_config(struct dp *dp, const struct dp_config *cfg);
int udp_execute(struct dp *dp, struct dp_packet *packet,
		const struct mvs_key *key, const struct nlattr *actions,
		size_t actions_len);

/* The class table of a datapath type run by this engine: only the type
 * and how it opens (which port factory) differ. */
#define UDP_DP_CLASS(TYPE, OPEN)                                              \
	{                                                                     \
		.type = (TYPE), .open = (OPEN), .close = udp_close,           \
		.get_stats = udp_get_stats, .port_add = udp_port_add,         \
		.port_del = udp_port_del, .port_query = udp_port_query,       \
		.port_dump = udp_port_dump, .flow_put = udp_flow_put,         \
		.port_set = udp_port_set, .flow_del = udp_flow_del,           \
		.flow_flush = udp_flow_flush, .flow_dump = udp_flow_dump,     \
		.execute = udp_execute, .flow_dump_part = udp_flow_dump_part, \
		.set_config = udp_set_config,                                 \
		.flow_set_reported = udp_flow_set_reported,                   \
		.meter_set = udp_meter_set, .meter_del = udp_meter_del,       \
		.meter_dump = udp_meter_dump,                                 \
	}

/* The meters of the userspace engine (upcalld_meter.c): the provider
 * members, their table's life, and the meter action. */
void udp_meters_init(struct udp_dp *dp);
void udp_meters_destroy(struct udp_dp *dp);
int udp_meter_set(struct dp *dp, const struct dpmsg_meter *m);
int udp_meter_del(struct dp *dp, uint32_t id);
int udp_meter_dump(struct dp *dp,
		   void (*fn)(void *aux, const struct dpmsg_meter *m),
		   void *aux);
/* False if meter @id drops @p (a missing meter passes everything). */
bool udp_meter_pass(struct udp_dp *dp, uint32_t id, const struct dp_packet *p);

/* Runs the fast path on packets received on @port: extract, look up,
 * execute hits, queue misses; then flushes output and upcalls.  Takes
 * the packets. */
void udp_receive(struct udp_dp *dp, struct uport *port, struct dp_batch *b);

/* Sends every port's queued output. */
void udp_flush_tx(struct udp_dp *dp);

/* Removes flows idle for the configured max-idle, telling
 * dp_upcall_ops.expired; returns how many. */
size_t udp_expire(struct udp_dp *dp);

/* The engine behind a struct dp of the "netdev" or "dummy" class. */
static inline struct udp_dp *
udp_dp_cast(struct dp *dp)
{
	return (struct udp_dp *)(void *)dp;
}

/* ---- dpctl (upcalld_dpctl.c) ---- */

/* Runs dpctl command @cmd ("show", "dump-flows", ...) with @argc
 * arguments (options first: -s, -m; then an optional datapath name) and
 * appends its output, in Open vSwitch's format, to @out.  0, or -errno
 * with the error text in @out. */
int dpctl_run(const char *cmd, int argc, const char *argv[], struct ds *out);
/* Registers dpctl/show, dump-dps, dump-flows, add-flow, mod-flow,
 * del-flow and del-flows with appctl. */
void upcalld_dpctl_register(void);

/* ---- the daemon: upcalld's side of the bus (upcalld_bus.c,
 * upcalld_upcall.c, upcalld_reval.c) ---- */

/* What upcalld remembers of an installed flow for revalidation: the
 * statistics it reported to vswitchd so far (reports carry deltas). */
struct upc_flow {
	struct mvs_ufid ufid;
	uint64_t rep_packets, rep_bytes;
	uint32_t seen; /* the revalidation round that last saw it (low bits) */
	bool used;     /* the slot holds a flow */
};

/* The tracked flows of a datapath, by ufid (upcalld_flowset.c): inline
 * in an open-addressing array.  Adding or removing one moves others:
 * a pointer from find or add is good until the next add or remove. */
struct upc_flows {
	struct upc_flow *slots;
	size_t mask; /* slots - 1, a power of two minus one */
	size_t n;
};

void upc_flows_init(struct upc_flows *fs);
void upc_flows_destroy(struct upc_flows *fs);
/* The flow with @ufid, or NULL. */
struct upc_flow *upc_flows_find(const struct upc_flows *fs,
				const struct mvs_ufid *ufid);
/* Adds a flow with @ufid, which must not be there yet, its other members
 * zero; returns it. */
struct upc_flow *upc_flows_add(struct upc_flows *fs,
			       const struct mvs_ufid *ufid);
/* Removes @f, a pointer from upc_flows_find or upc_flows_add. */
void upc_flows_remove(struct upc_flows *fs, struct upc_flow *f);
/* The ufids of the flows @pred accepts (all when @pred is NULL), in a
 * new array the caller frees, their number in *@n: for removing while
 * walking. */
struct mvs_ufid *upc_flows_select(const struct upc_flows *fs,
				  bool (*pred)(const struct upc_flow *, void *),
				  void *aux, size_t *n);

#define UPC_MAX_INFLIGHT 16 /* upcall batches in flight */
#define UPC_QUEUE_MAX 1024  /* misses waiting for one */

/* upcalld's state of one open datapath. */
struct upc_dp {
	struct list_node node; /* in upcalld.dps */
	struct upcalld *u;
	struct dp *dp;
	char *name; /* "TYPE@NAME": how the bus names it */
	struct upc_flows flows;
	struct nlbuf gone; /* MVS_FLOW_ATTR_FLOW records to report */
	size_t n_gone;
	bool full;		 /* the next round is a full pass */
	uint64_t round;		 /* revalidation rounds done */
	unsigned n_reval;	 /* revalidate calls in flight */
	struct reval_round *cur; /* the round in progress, or NULL */
	uint64_t last_dump_ms;	 /* how long the last round's dump took */
	uint64_t flows_max, flows_sum, flows_samples; /* upcall/show */
	/* Misses waiting for a batch to go (all UPC_MAX_INFLIGHT are in
	 * flight); beyond UPC_QUEUE_MAX they are lost.  A ring: n_queued
	 * from queue[q_head] on, wrapping (a batch taken from the front
	 * moved the whole queue). */
	struct dp_upcall queue[UPC_QUEUE_MAX];
	size_t q_head, n_queued;
};

/* The daemon. */
struct upcalld {
	struct ev_loop *loop;
	struct bus *bus;
	uint64_t boot;	      /* this process's boot id */
	uint64_t vsw_boot;    /* vswitchd's, 0: not met yet */
	uint64_t vsw_version; /* its tables version flows were checked at */
	struct list_node dps; /* struct upc_dp */
	struct dp_upcall_ops ops;
	unsigned n_inflight;	 /* upcall_batch calls in flight */
	bool exact;		 /* upcall/disable-megaflows */
	uint32_t flow_limit_set; /* upcall/set-flow-limit; 0: none */
	struct ev_timer *reval_timer;
	uint64_t n_upcalls, n_lost, n_installed, n_install_failed;
};

#define UPC_UPCALL_TIMEOUT_MS 2000
#define UPC_REVAL_PERIOD_MS 500 /* stats and expiry reports, while flows */

/* Starts the daemon's side on @loop and @bus: subscribes to vswitchd's
 * tables_changed and registers the upcall/ and revalidator/ commands. */
void upcalld_init(struct upcalld *u, struct ev_loop *loop, struct bus *bus);
/* The bus handlers of vswitchd's calls (upcalld_bus.c), for main.c's
 * table. */
void upcalld_on_dp_hello(struct bus_req *req, const void *msg, void *aux);
void upcalld_on_dp_open(struct bus_req *req, const void *msg, void *aux);
void upcalld_on_dp_port_add(struct bus_req *req, const void *msg, void *aux);
void upcalld_on_dp_port_del(struct bus_req *req, const void *msg, void *aux);
void upcalld_on_dp_port_dump(struct bus_req *req, const void *msg, void *aux);
void upcalld_on_dp_port_set(struct bus_req *req, const void *msg, void *aux);
void upcalld_on_dp_meter_set(struct bus_req *req, const void *msg, void *aux);
void upcalld_on_dp_meter_del(struct bus_req *req, const void *msg, void *aux);
void upcalld_on_dp_meter_dump(struct bus_req *req, const void *msg, void *aux);
void upcalld_on_dp_config(struct bus_req *req, const void *msg, void *aux);
void upcalld_on_dp_execute(struct bus_req *req, const void *msg, void *aux);
void upcalld_on_dp_flow_del(struct bus_req *req, const void *msg, void *aux);

/* The upc_dp of @dp, or of the datapath the bus calls @name; NULL. */
struct upc_dp *upc_dp_of(struct upcalld *u, const struct dp *dp);
struct upc_dp *upc_dp_find(struct upcalld *u, const char *name);
/* Opens datapath @name of @type with the daemon's upcall ops (or finds
 * it open).  0 or -errno as dp_open(). */
int upc_dp_open(struct upcalld *u, const char *type, const char *name,
		struct upc_dp **udpp);
/* A new vswitchd (@boot) or tables version (@version): every datapath's
 * next revalidation round is a full pass, started now. */
void upc_vswitchd_seen(struct upcalld *u, uint64_t boot, uint64_t version);

/* Revalidation (upcalld_reval.c). */
/* Remembers a flow the daemon installed (statistics reported: none). */
void upc_flow_track(struct upc_dp *ud, const struct mvs_ufid *ufid);
/* Remembers flow @df, which a previous upcalld installed and the
 * datapath kept across its restart, as reported as far as the datapath
 * kept it (dp_flow_set_reported), or up to its statistics if it kept
 * nothing: never credited twice. */
void upc_flow_adopt(struct upc_dp *ud, const struct dp_flow *df);
/* Statistics of @st (the flow's totals) not yet reported for @ufid (all
 * of them if it was not tracked), marking them reported. */
void upc_flow_delta(struct upc_dp *ud, const struct mvs_ufid *ufid,
		    const struct mvs_flow_stats *st,
		    struct mvs_flow_stats *delta);
/* Forgets @ufid (a flow vswitchd deleted itself). */
void upc_flow_forget(struct upc_dp *ud, const struct mvs_ufid *ufid);
/* Queues a report that the flow @ufid left the datapath with final
 * statistics @st (NULL: none), with what of them was not reported yet,
 * and forgets it. */
void upc_flow_gone(struct upc_dp *ud, const struct mvs_ufid *ufid,
		   const struct mvs_flow_stats *st);
/* Registers revalidator/purge and revalidator/wait. */
void upc_reval_init(struct upcalld *u);
/* Makes sure a revalidation round runs soon (@now: at once). */
void upc_reval_schedule(struct upcalld *u, bool now);
/* Deletes every flow of every datapath, reporting them gone
 * (revalidator/purge). */
void upc_reval_purge(struct upcalld *u);

/* ---- the dummy class's test hooks (upcalld_dp_dummy.c) ---- */

/* Runs @p through the datapath as if received on @port_no; takes @p.
 * -ENOENT: no such port (or not a dummy datapath). */
int dp_dummy_receive(struct dp *dp, uint32_t port_no, struct dp_packet *p);
/* The oldest packet the datapath sent out of @port_no (the caller frees
 * it), or NULL. */
struct dp_packet *dp_dummy_take_output(struct dp *dp, uint32_t port_no);
/* Whether @port_no takes partial checksums as they are (default yes). */
int dp_dummy_set_offload(struct dp *dp, uint32_t port_no, bool offload);

/* ---- ports with devices (upcalld_vport.c, upcalld_io_*.c) ---- */

extern const struct uport_factory netdev_port_factory;

/* A port with a device behind it, read and written through an AF_PACKET
 * socket or a tap fd. */
struct dev_port {
	struct uport up;
	int ifindex;
	bool created; /* an internal tap device we made */
	char keep_io; /* how it is kept (upcalld_keep.c); 0: not kept */
	struct dp_packet_pool *pool; /* receive buffers (64 KB: GSO) */
	/* AF_PACKET: a second socket that only sends, or -1 (send on
	 * up.fd).  Nothing waits on it, so the kernel's "room to write"
	 * wake-up as each sent packet is freed finds no one to wake. */
	int tx_fd;
	/* AF_PACKET receive ring (TPACKET_V2), NULL when not in use. */
	uint8_t *ring;
	size_t ring_len;
	unsigned ring_frames, ring_frame_size, ring_head;
};

#define DEV_RX_SIZE 65536 /* the largest packet a vnet header describes */

static inline struct dev_port *
dev_port_cast(struct uport *port)
{
	return (struct dev_port *)(void *)port;
}

/* Converts between the virtio net header that AF_PACKET and tap put in
 * front of each packet and struct mvs_offload (the same fields). */
struct virtio_net_hdr;
void io_vnet_to_offload(const struct virtio_net_hdr *v, struct mvs_offload *o);
void io_offload_to_vnet(const struct mvs_offload *o, struct virtio_net_hdr *v);

/* Drops port @d's descriptor from the store (the port is deleted). */
void vport_unkeep(struct dev_port *d);

/* Device facts by name: ifindex, MAC, MTU, flags; 0 or -ENODEV. */
int vport_dev_query(const char *name, struct dp_port_info *info);
/* True if a device named @name exists. */
bool vport_dev_exists(const char *name);
/* Sets device @name administratively up or down (IFF_UP): 0, -ENODEV,
 * or the ioctl's -errno.  Needs CAP_NET_ADMIN. */
int vport_dev_set_up(const char *name, bool up);
/* Sets device @name's Ethernet address.  0 or -errno. */
int vport_dev_set_mac(const char *name, const uint8_t mac[6]);

/* Opens an AF_PACKET socket bound to @ifindex with PACKET_VNET_HDR, in
 * promiscuous mode (undone by the kernel when the socket closes), not
 * seeing its own output, and with a receive ring mapped into @d unless
 * MICROVS_AFPACKET_RING=0 (or the kernel refuses one: then recvmmsg);
 * sets d->up.fd and d->up.ops.  0 or -errno. */
int io_afpacket_open(struct dev_port *d);
extern const struct uport_ops io_afpacket_ops;

/* Takes over @fd, an AF_PACKET socket a previous upcalld opened with
 * io_afpacket_open (kept across its restart) and set up as then: bound,
 * promiscuous; with @ring, its receive ring is mapped again and reading
 * resumes at the oldest frame the kernel has filled.  0 or -errno (the
 * fd is the caller's then). */
int io_afpacket_adopt(struct dev_port *d, int fd, bool ring);

/* Attaches to tap device @name (creating it for INTERNAL ports when
 * @create) with IFF_VNET_HDR and checksum/TSO offloads; returns the fd
 * or -errno (-EBUSY: another process holds the tap). */
int io_tap_open(const char *name, bool create);
extern const struct uport_ops io_tap_ops;

/* ---- what survives a restart (upcalld_keep.c) ---- */

/* A port's descriptor in the service manager's store. */
struct keep_port {
	char dp[16];   /* its datapath's name */
	char name[16]; /* its device */
	uint32_t port_no;
	enum mvs_vport_type type;
	char io; /* 'r', 'a': AF_PACKET with or without ring; 't', 'T': tap
		    attached or created */
	int fd;
};

/* Sorts out the descriptors the service manager gave back (after
 * fdstore_adopt): those of this version are kept for the datapaths to
 * take, the others closed, dropped from the store and logged.  Call once
 * at start, before anything opens a datapath. */
void keep_init(void);
/* The names of the datapaths something was kept of (owned here, valid
 * until keep_done). */
size_t keep_datapaths(char *const **dps);
/* The kept, not yet taken ports of datapath @dp (their fds stay here
 * until taken), at most @max; with @v NULL, how many there are. */
size_t keep_ports(const char *dp, struct keep_port *v, size_t max);
/* Takes the kept port of @dp with device @name and vport @type (and
 * number @port_no unless MVS_PORT_NONE) into *@kp: returns its fd, now
 * the caller's, or -ENOENT. */
int keep_port_take(const char *dp, const char *name, enum mvs_vport_type type,
		   uint32_t port_no, struct keep_port *kp);
/* Stores @kp's fd (duplicated by the store) under its name: 0, or -errno
 * (logged).  0 without a service manager or when turned off. */
int keep_port_put(const struct keep_port *kp);
/* Drops @kp from the store (the port is deleted). */
void keep_port_remove(const struct keep_port *kp);
/* The kept state memfd of datapath @dp (the caller's), or -ENOENT. */
int keep_state_take(const char *dp);
/* Stores @fd as datapath @dp's state; 0 or -errno as keep_port_put. */
int keep_state_put(const char *dp, int fd);
/* Drops @dp's state from the store. */
void keep_remove_state(const char *dp);
/* After the datapaths are restored: kept ports nobody took are released
 * (closed and dropped from the store), everything else closed. */
void keep_done(void);

/* ---- tunnels (upcalld_tunnel.c) ---- */

/* Opens a tunnel port (VXLAN, GRE, Geneve): no device, no fd.  0, or
 * -EOPNOTSUPP for another type. */
int tnl_port_open(const struct dp_port_spec *spec, struct uport **portp);
/* True if @vt is a tunnel vport type, with its header type in *@type. */
bool tnl_port_type(enum mvs_vport_type vt, enum mvs_tnl_type *type);
/* MVS_ACTION_ATTR_TUNNEL_PUSH on @p (no GSO: the caller segments first),
 * whose inner key is @key: the outer header of @t, finished.  0, or
 * -EINVAL for a header it cannot finish (counted; @p is unchanged or
 * garbage: the caller drops it). */
int dp_tnl_push(struct dp_packet *p, const struct mvs_key *key,
		const struct mvs_act_tunnel_push *t);
/* Decapsulates @p, received for tunnel port @port: a strict parse of the
 * outer headers (refusals counted by reason in coverage/show), then
 * @key is the inner frame's (in_port @port, tunnel metadata set).  0, or
 * -EINVAL (the caller drops @p). */
int dp_tnl_pop(struct dp_packet *p, const struct uport *port,
	       struct mvs_key *key);

#endif
