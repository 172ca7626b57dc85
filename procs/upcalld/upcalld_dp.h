/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_dp: the datapath interface.  One front end (upcalld_dp.c) and a
 * table of functions per implementation, as Open vSwitch's dpif:
 *
 *	"netdev"  the userspace datapath: packet I/O in upcalld itself
 *		  (upcalld_dp_user.c, with the megaflow table of
 *		  upcalld_flow_table.c and the ports of upcalld_vport.c)
 *	"dummy"   in-memory ports for tests: packets are injected and
 *		  captured through appctl/test hooks, never a device
 *	"system"  the kernel module over generic netlink (upcalld_dp_kmod.c;
 *		  open fails -EAFNOSUPPORT where microvs.ko is not loaded)
 *
 * The front end checks arguments, counts (coverage) and logs, so providers
 * stay small: a provider may assume its arguments were validated (a key
 * and mask of the right size, actions that parse, a port number it
 * handed out) unless a member says otherwise.
 *
 * Threading: every member runs on upcalld's event-loop thread.  A provider
 * that polls devices registers its fds on the loop it is given at open and
 * never blocks in a member; none busy-polls.
 *
 * Errors: 0 or a negative errno.  -ENOENT: no such port or flow;
 * -EEXIST: it exists already; -EINVAL: an argument the provider cannot
 * represent; -EFBIG: a limit (flows, ports) is reached; -ENODEV: the
 * device behind a port vanished.
 */
#ifndef MICROVS_UPCALLD_DP_H
#define MICROVS_UPCALLD_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_packet.h"
#include "dpmsg.h"
#include "ev.h"
#include "microvs_dp.h"

struct dp_class;

/* Datapath tunables (Open_vSwitch other_config): idle flows go after
 * @max_idle_ms without a hit; at most @flow_limit flows are installed. */
#define DP_DEFAULT_MAX_IDLE_MS 10000
#define DP_DEFAULT_FLOW_LIMIT 200000
struct dp_config {
	uint32_t max_idle_ms; /* 0: flows never expire */
	uint32_t flow_limit;  /* at least 1 */
};

/* What every datapath starts with: providers embed it first in their own
 * struct, so the front end can find the class and name of any dp. */
struct dp {
	const struct dp_class *cls;
	char *name;	 /* owned by the provider */
	struct dp *next; /* the front end's list of open datapaths */
	/* Kept by the front end: */
	uint64_t n_lost;	 /* misses dropped above the provider */
	struct dp_config config; /* as last set */
};

/* What a port is made of, for port_add. */
struct dp_port_spec {
	const char *name;	  /* device name, or the datapath's own */
	enum mvs_vport_type type; /* MVS_VPORT_TYPE_* */
	uint32_t port_no;	  /* wanted number, or MVS_PORT_NONE: any */
	uint16_t tnl_dst_port;	  /* tunnels: UDP port, host order; 0 default */
};

/* What a port is, for port_query and port_dump: struct dp_port_info of
 * lib/flow/dpmsg.h, which is also how a port travels to vswitchd. */

/* One flow to install or replace, for flow_put. */
struct dp_flow_put {
	struct mvs_ufid ufid;
	/* The key of the packet that led to the flow: the datapath matches
	 * key & mask, and dumps @key as given, because Open vSwitch shows the
	 * packet's own values under partial masks (odp.h). */
	const struct mvs_key *key;
	const struct mvs_key *mask;
	const struct nlattr *actions;
	size_t actions_len;
	uint32_t flags;	  /* MVS_FLOW_F_CREATE and/or MVS_FLOW_F_MODIFY */
	bool clear_stats; /* with MODIFY: zero the statistics */
	/* A new flow the daemon tracks from its creation: nothing of it is
	 * reported yet, as if flow_set_reported(0, 0) followed (without a
	 * second lookup).  Providers that keep no reported counts ignore it. */
	bool tracked;
	/* The caller takes a failure later, through dp_upcall_ops.put_failed
	 * (the upcall path): a provider whose datapath answers over a socket
	 * may then send the put with others and return 0 at once. */
	bool posted;
};

/* One flow as dumped; the pointers stay valid until the dump callback
 * returns. */
struct dp_flow {
	struct mvs_ufid ufid;
	const struct mvs_key *key;
	const struct mvs_key *mask;
	const struct nlattr *actions;
	size_t actions_len;
	struct mvs_flow_stats stats;
	/* What flow_set_reported kept, once it was called for this flow (a
	 * provider that keeps nothing leaves has_reported false). */
	bool has_reported;
	uint64_t rep_packets, rep_bytes;
};

/* One packet handed up: a miss, or a userspace action.  The packet and
 * the userdata belong to the front end until it hands them back with
 * dp_upcall_done (upcalld_dp.c). */
struct dp_upcall {
	enum mvs_upcall_type type;
	struct dp_packet *packet;
	struct mvs_key key;	 /* extracted, unmasked */
	const uint8_t *userdata; /* MVS_UPCALL_ACTION only */
	size_t userdata_len;
};

/* How a provider hands misses up.  @upcalls is called on the loop thread
 * with up to DP_BATCH_MAX upcalls, already shared fairly between ports by
 * the provider (it reads a bounded number of packets per port per round,
 * so one flooding port cannot starve the others).  The callee takes the
 * packets (it frees them or executes them). */
struct dp_upcall_ops {
	void (*upcalls)(void *aux, struct dp *dp, struct dp_upcall *ups,
			size_t n);
	/* Optional: a flow the datapath expired itself (idle), with its
	 * final statistics, just before it goes; the pointers in @flow are
	 * valid during the call only.  Revalidation reports these. */
	void (*expired)(void *aux, struct dp *dp, const struct dp_flow *flow);
	/* Optional (needed by a caller of posted puts): a put with
	 * dp_flow_put.posted for which flow_put returned 0 failed with @err
	 * (-EEXIST, -EFBIG at the flow limit, ...), on the loop thread, later
	 * or before flow_put returns. */
	void (*put_failed)(void *aux, struct dp *dp,
			   const struct mvs_ufid *ufid, int err);
};

/* Frees what @u still holds (its packet unless the callee took it and set
 * it to NULL, and its userdata). */
void dp_upcall_done(struct dp_upcall *u);
/* An upcalls callback that discards every upcall (a datapath used without
 * vswitchd: tests, benchmarks), adding their number to *(size_t *)@aux
 * when @aux is not NULL. */
void dp_upcalls_discard(void *aux, struct dp *dp, struct dp_upcall *ups,
			size_t n);

typedef void dp_flow_dump_fn(void *aux, const struct dp_flow *flow);

struct dp_class {
	/* "netdev", "dummy" or "system": Bridge.datapath_type. */
	const char *type;

	/* Creates datapath @name (or opens the existing one, for "system",
	 * whose datapaths outlive upcalld) and its local port
	 * MVS_PORT_LOCAL named @name.  It starts delivering upcalls through
	 * @ops at once.  @loop is the loop to register fds and timers on.
	 * -EEXIST is never returned: the front end refuses a second open. */
	int (*open)(const struct dp_class *cls, const char *name,
		    struct ev_loop *loop, const struct dp_upcall_ops *ops,
		    void *aux, struct dp **dpp);

	/* Releases @dp.  With @destroy, also removes it and its ports from
	 * the system (internal devices deleted, promiscuous mode of system
	 * devices restored); without, leaves a "system" datapath in the
	 * kernel for the next upcalld.  Never fails. */
	void (*close)(struct dp *dp, bool destroy);

	/* Lookup statistics and the current flow and mask counts. */
	int (*get_stats)(struct dp *dp, struct mvs_dp_stats *stats);

	/* Adds a port as @spec says and sets *@port_no.  For
	 * MVS_VPORT_TYPE_NETDEV the device must exist (-ENODEV) and is put in
	 * promiscuous mode; for INTERNAL the provider creates the device (a
	 * tap device for "netdev"); for TAP the tap device must exist.  A
	 * device already in a datapath is -EBUSY. */
	int (*port_add)(struct dp *dp, const struct dp_port_spec *spec,
			uint32_t *port_no);

	/* Removes port @port_no (not MVS_PORT_LOCAL), deleting the flows
	 * whose key matches on it as in_port is the caller's job. */
	int (*port_del)(struct dp *dp, uint32_t port_no);

	/* Fills *@info for @port_no, statistics included. */
	int (*port_query)(struct dp *dp, uint32_t port_no,
			  struct dp_port_info *info);

	/* Calls @fn for every port, in port-number order. */
	/* Optional: sets port @port_no up or down and, when @mac is not
	 * NULL, its Ethernet address, where the port is not a device of the
	 * host (-EOPNOTSUPP: it is one; dp_port_set then sets the device).
	 * 0 or -errno (-ENOENT: no such port). */
	int (*port_set)(struct dp *dp, uint32_t port_no, bool admin_up,
			const uint8_t *mac);

	int (*port_dump)(struct dp *dp,
			 void (*fn)(void *aux, const struct dp_port_info *),
			 void *aux);

	/* Installs or modifies a flow.  CREATE alone: -EEXIST if the ufid
	 * exists, -EFBIG at the flow limit.  MODIFY alone: -ENOENT if it
	 * does not.  Both: either.  The provider copies everything.  With
	 * @put->posted it may return 0 before the datapath has the flow and
	 * report a failure through dp_upcall_ops.put_failed instead. */
	int (*flow_put)(struct dp *dp, const struct dp_flow_put *put);

	/* Deletes the flow @ufid, returning its final statistics in
	 * *@stats (may be NULL). */
	int (*flow_del)(struct dp *dp, const struct mvs_ufid *ufid,
			struct mvs_flow_stats *stats);

	/* Deletes every flow. */
	int (*flow_flush)(struct dp *dp);

	/* Calls @fn for every flow.  The table must not be changed from
	 * inside @fn. */
	int (*flow_dump)(struct dp *dp, dp_flow_dump_fn *fn, void *aux);

	/* Optional: a dump in parts, so that a caller walking a large
	 * table lets other work run between them.  Calls @fn for about
	 * @max flows from where *@cursor (0: the start) says and moves
	 * *@cursor on; returns 1 while flows may remain, 0 when the dump is
	 * over, or -errno.  Flows installed, moved or removed between parts
	 * may be shown once, twice or not at all; the table must not be
	 * changed from inside @fn, except that @fn may do nothing. */
	int (*flow_dump_part)(struct dp *dp, uint64_t *cursor, size_t max,
			      dp_flow_dump_fn *fn, void *aux);

	/* Applies @cfg: expiry of idle flows (by a timer on the loop, only
	 * while flows exist) and the flow limit (flows above a lowered limit
	 * stay until they expire).  Never fails for a checked @cfg. */
	int (*set_config)(struct dp *dp, const struct dp_config *cfg);

	/* Optional: keeps with flow @ufid how many of its packets and bytes
	 * the daemon has reported to vswitchd, where it keeps the flow
	 * across upcalld's restart (the "netdev" memfd), so that the next
	 * upcalld neither repeats nor loses them; flow_dump gives them back
	 * (has_reported: from the first call on, so a flow with
	 * has_reported is one the daemon tracks, and one whose statistics
	 * equal what was reported has nothing to report).  Nothing if there
	 * is no such flow. */
	void (*flow_set_reported)(struct dp *dp, const struct mvs_ufid *ufid,
				  uint64_t n_packets, uint64_t n_bytes);

	/* Runs @actions on @packet, whose key is @key (as for an upcall),
	 * without looking up or installing a flow.  Takes @packet.  The
	 * output may wait for the loop's next turn, so that the executes of
	 * one batch leave in one send per port.  0 or -errno; a failure that
	 * shows only later (the kernel datapath does not wait for the
	 * module's answer) is logged, not returned. */
	int (*execute)(struct dp *dp, struct dp_packet *packet,
		       const struct mvs_key *key, const struct nlattr *actions,
		       size_t actions_len);

	/* Optional (NULL: the datapath has no meters, and its meter action
	 * passes everything): sets meter @m->id to @m's bands (a replaced
	 * meter starts with full buckets and zero counters); deletes meter
	 * @id (-ENOENT if none); calls @fn for every meter with its
	 * statistics.  -EOPNOTSUPP from a datapath that has none after all
	 * (the system class on a module without the meter family).  Never
	 * block (the system class waits for the module's answer, as for its
	 * other requests). */
	int (*meter_set)(struct dp *dp, const struct dpmsg_meter *m);
	int (*meter_del)(struct dp *dp, uint32_t id);
	int (*meter_dump)(struct dp *dp,
			  void (*fn)(void *aux, const struct dpmsg_meter *m),
			  void *aux);
};

/* The front end (upcalld_dp.c): one function per member, which checks
 * its arguments (-EINVAL), counts and logs, then calls the provider. */

/* The class for @type, or NULL. */
const struct dp_class *dp_class_find(const char *type);

/* Opens datapath @name of class @type: -EAFNOSUPPORT for an unknown or
 * unavailable type ("system" without the kernel module), -EINVAL for a name
 * that is empty or longer than IFNAMSIZ - 1, -EEXIST when a datapath of
 * that name is open. */
int dp_open(const char *type, const char *name, struct ev_loop *loop,
	    const struct dp_upcall_ops *ops, void *aux, struct dp **dpp);
void dp_close(struct dp *dp, bool destroy);
/* The open datapaths, most recently opened first (dp->next), and the one
 * named @name ("netdev@br0" or "br0"), or NULL. */
struct dp *dp_first(void);
struct dp *dp_find(const char *name);
int dp_get_stats(struct dp *dp, struct mvs_dp_stats *stats);
/* -EINVAL: a bad name or vport type, a port number above MVS_PORT_MAX. */
int dp_port_add(struct dp *dp, const struct dp_port_spec *spec,
		uint32_t *port_no);
/* -EINVAL for MVS_PORT_LOCAL. */
int dp_port_del(struct dp *dp, uint32_t port_no);
int dp_port_query(struct dp *dp, uint32_t port_no, struct dp_port_info *info);
/* port_set, when the provider has it (-EOPNOTSUPP otherwise). */
int dp_port_set(struct dp *dp, uint32_t port_no, bool admin_up,
		const uint8_t *mac);
int dp_port_dump(struct dp *dp,
		 void (*fn)(void *aux, const struct dp_port_info *), void *aux);
/* -EINVAL: actions that fail odp_actions_check(), no CREATE/MODIFY flag,
 * a mask that does not match recirc_id exactly. */
int dp_flow_put(struct dp *dp, const struct dp_flow_put *put);
int dp_flow_del(struct dp *dp, const struct mvs_ufid *ufid,
		struct mvs_flow_stats *stats);
/* -EINVAL for a zero flow limit. */
int dp_set_config(struct dp *dp, const struct dp_config *cfg);
/* The configuration last set (the defaults until then). */
void dp_get_config(const struct dp *dp, struct dp_config *cfg);
/* Counts @n misses that never reached vswitchd (no answer, too many in
 * flight): dpctl/show's "lost", in dp_get_stats()'s n_lost. */
void dp_count_lost(struct dp *dp, uint64_t n);
int dp_flow_flush(struct dp *dp);
/* The meter members: -EOPNOTSUPP when the provider has no meters;
 * dp_meter_set: -EINVAL for a meter without bands, with more than
 * MVS_METER_BANDS_MAX, a zero rate or an id above MVS_METER_MAX. */
int dp_meter_set(struct dp *dp, const struct dpmsg_meter *m);
int dp_meter_del(struct dp *dp, uint32_t id);
int dp_meter_dump(struct dp *dp,
		  void (*fn)(void *aux, const struct dpmsg_meter *m),
		  void *aux);
/* flow_set_reported, when the provider has it. */
void dp_flow_set_reported(struct dp *dp, const struct mvs_ufid *ufid,
			  uint64_t n_packets, uint64_t n_bytes);
int dp_flow_dump(struct dp *dp, dp_flow_dump_fn *fn, void *aux);
/* flow_dump_part; a provider without it dumps everything at once and
 * returns 0. */
int dp_flow_dump_part(struct dp *dp, uint64_t *cursor, size_t max,
		      dp_flow_dump_fn *fn, void *aux);
/* Takes @packet whatever the result. */
int dp_execute_packet(struct dp *dp, struct dp_packet *packet,
		      const struct mvs_key *key, const struct nlattr *actions,
		      size_t actions_len);

/* Every registered class, for iface_types/datapath_types. */
extern const struct dp_class *const dp_classes[];
extern const size_t n_dp_classes;

extern const struct dp_class dp_netdev_class; /* upcalld_dp_user.c */
extern const struct dp_class dp_dummy_class;  /* upcalld_dp_dummy.c */
extern const struct dp_class dp_system_class; /* upcalld_dp_kmod.c */

#endif
