/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd.h: the switch's private interfaces, one section per file:
 *
 *   vswitchd_cls.c     classifier: tuple space search, staged lookup,
 *                      prefix tries; fills the megaflow wildcards
 *   vswitchd_table.c   OpenFlow tables 0-254: rules, flow-mods, expiry
 *   vswitchd_mac.c     MAC learning per bridge and VLAN
 *   vswitchd_bridge.c  bridges and ports (from the DB later; a C API now)
 *   vswitchd_xlate.c   translation of a miss into datapath actions and a
 *                      megaflow mask, and what it used
 *   vswitchd_normal.c  the NORMAL action: learning, VLANs, flooding
 *   vswitchd_odp.c     datapath actions: building and printing
 *   vswitchd_trace.c   ofproto/trace
 *   vswitchd_cmds.c    the text of fdb/..., ofproto/list,
 *                      bridge/dump-flows and the bridge/add-flow hooks
 *   vswitchd_appctl.c  their appctl handlers
 *
 * Everything runs on vswitchd's one event-loop thread: no locks.
 */
#ifndef MICROVS_VSWITCHD_H
#define MICROVS_VSWITCHD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dp_packet.h"
#include "dpmsg.h"
#include "hix.h"
#include "hmap.h"
#include "list.h"
#include "microvs_dp.h"
#include "nlattr.h"
#include "ofp_actions.h"
#include "ofp_flow.h"
#include "ofp_flowmod.h"
#include "ofp_group.h"
#include "ofp_tlv.h"
#include "ovsdb_types.h"
#include "pool.h"

/* ================= classifier (vswitchd_cls.c) ================= */

/* Prefix tries: the fields whose prefixes a lookup tracks (Open vSwitch's
 * default "prefixes": nw_dst, nw_src). */
enum cls_trie_field { CLS_TRIE_NW_DST, CLS_TRIE_NW_SRC, CLS_N_TRIES };

struct trie_node;
struct cls_subtable;

/* A mask, shared by every rule that has it (most rules of a table share
 * a few masks: one copy each instead of 344 bytes per rule). */
struct cls_mask {
	struct hnode node; /* in the interned masks, by hash */
	unsigned refcnt;
	struct flow mask;
};

/* A rule in a classifier.  The caller owns it and embeds it; the
 * classifier links it.  Set it up with cls_rule_init() and release it
 * with cls_rule_destroy(). */
struct cls_rule {
	struct hnode node;     /* in its subtable, by masked hash */
	struct flow flow;      /* canonical: zero outside the mask */
	struct cls_mask *mask; /* interned; the rule holds a reference */
	int priority;
	struct cls_subtable *subtable; /* NULL when not inserted */
};

/* Sets @rule's match to @match (canonical) and its priority; not
 * inserted. */
void cls_rule_init(struct cls_rule *rule, const struct match *match,
		   int priority);
/* Releases what cls_rule_init() took (the mask); @rule must not be in a
 * classifier. */
void cls_rule_destroy(struct cls_rule *rule);
/* @rule's match, copied into *@match. */
void cls_rule_match(const struct cls_rule *rule, struct match *match);

static inline const struct flow *
cls_rule_mask(const struct cls_rule *rule)
{
	return &rule->mask->mask;
}

struct classifier {
	struct hmap subtables; /* struct cls_subtable, by mask hash */
	struct cls_subtable *
		*vec; /* the same, by max priority, highest first */
	size_t n_vec, vec_cap;
	struct trie_node *tries[CLS_N_TRIES];
	size_t n_rules;
	unsigned batch; /* cls_batch_begin() depth */
};

void cls_init(struct classifier *cls);
/* Frees the subtables; the rules (owned by the caller) must have been
 * removed. */
void cls_destroy(struct classifier *cls);
/* Inserts @rule (its match canonical).  If a rule with the same match and
 * priority is in @cls, inserts nothing and returns that rule; else NULL. */
struct cls_rule *cls_insert(struct classifier *cls, struct cls_rule *rule);
/* Removes @rule, which must be in @cls. */
void cls_remove(struct classifier *cls, struct cls_rule *rule);
/* Brackets many removals: the subtables' order is settled once, at the
 * end, instead of after each removal (deleting N rules of distinct
 * priorities from one subtable would otherwise cost N^2).  No lookups
 * in between. */
void cls_batch_begin(struct classifier *cls);
void cls_batch_end(struct classifier *cls);
/* The rule with exactly @match (canonical) and @priority, or NULL. */
struct cls_rule *cls_find_exact(const struct classifier *cls,
				const struct match *match, int priority);
/* The highest-priority rule matching @flow, or NULL.  If @wc is not NULL,
 * ORs into it every bit of @flow the lookup looked at: with staged lookup
 * and the prefix tries only the bits needed to rule out the subtables
 * and rules it passed (the megaflow wildcards). */
const struct cls_rule *cls_lookup(const struct classifier *cls,
				  const struct flow *flow, struct flow *wc);
/* True if @rule's match is within @criteria: it matches on every bit
 * @criteria does, with the same values (OpenFlow's loose match). */
bool cls_rule_is_loose_match(const struct cls_rule *rule,
			     const struct match *criteria);
/* Calls @fn for every rule, subtables in priority order; @fn may remove
 * the rule it is given. */
void cls_for_each(const struct classifier *cls,
		  void (*fn)(struct cls_rule *, void *aux), void *aux);
/* Subtables (distinct masks) in use, for memory/show and tests. */
size_t cls_n_subtables(const struct classifier *cls);

/* ================= OpenFlow tables (vswitchd_table.c) ================= */

#define OFTABLE_N 255

/* Why a rule left its table (OpenFlow's OFPRR_*). */
enum rule_removed_reason {
	RULE_REMOVED_IDLE_TIMEOUT,
	RULE_REMOVED_HARD_TIMEOUT,
	RULE_REMOVED_DELETE,
	RULE_REMOVED_GROUP_DELETE, /* the group it used was deleted */
	RULE_REMOVED_METER_DELETE, /* the meter it used was deleted */
};

struct rule {
	struct cls_rule cr; /* match and priority */
	uint8_t table_id;
	uint64_t cookie;
	uint16_t idle_timeout, hard_timeout; /* seconds; 0: none */
	uint16_t importance;
	uint16_t flags;	      /* OFPFF_* */
	uint64_t created_ms;  /* time_mono_ms() of the add */
	uint64_t modified_ms; /* of the last change of actions */
	uint64_t used_ms;     /* of the last packet (created_ms if none) */
	uint64_t n_packets, n_bytes;
	struct ofpacts actions;
	unsigned refcnt; /* the table's reference plus translations' */
	bool removed;	 /* out of its table; freed at the last unref */
};

void rule_ref(struct rule *rule);
void rule_unref(struct rule *rule);
/* Adds a hit to @rule's counters; @used_ms refreshes its idle time. */
void rule_credit_stats(struct rule *rule, uint64_t n_packets, uint64_t n_bytes,
		       uint64_t used_ms);

/* What table-mod set on a table (Open vSwitch keeps it; microvs never
 * evicts and sends no vacancy events, but describes it back). */
struct oftable_config {
	bool eviction, vacancy;
	uint8_t vacancy_down, vacancy_up;
};

struct flow_tables {
	struct classifier cls[OFTABLE_N];
	struct oftable_config config[OFTABLE_N];
	uint64_t version; /* bumped by every change to any table */
	size_t n_rules;
	size_t n_timed;		  /* rules with an idle or hard timeout */
	struct tables_undo *undo; /* the journal of a bundle's commit; NULL */
};

/* Tables 0-254, empty but for table 0's "priority=0 actions=NORMAL". */
void tables_init(struct flow_tables *t, uint64_t now_ms);
void tables_destroy(struct flow_tables *t);

/* Applies @fm with OpenFlow's semantics:
 *  - ADD: inserts (into table 0 if no table is given); a rule with the
 *    same match and priority is replaced, its counters and duration
 *    start again (its idle age carries over);
 *    OFPFF_CHECK_OVERLAP refuses a rule that overlaps one of the same
 *    priority (-EEXIST);
 *  - MODIFY (loose) and MODIFY_STRICT: replace the actions (and the
 *    cookie if given) of the matching rules, keeping their counters
 *    unless OFPFF_RESET_COUNTS; filtered by cookie/cookie_mask; with
 *    @modify_may_add (OpenFlow 1.0) a modify that matches nothing adds;
 *  - DELETE (loose) and DELETE_STRICT: remove the matching rules,
 *    filtered by out_port, out_group and cookie/cookie_mask.
 * Loose means every rule within fm->match; strict means the rule with
 * exactly that match and priority.  No table is partially changed: on an
 * error nothing changed.  Returns 0, -EINVAL (table 255 for add, bad
 * table), -EEXIST (overlap).  @removed, if not NULL, is called for each
 * rule a delete removes (flow-removed messages), before it goes. */
int tables_flow_mod(struct flow_tables *t, const struct ofp_flow_mod *fm,
		    bool modify_may_add, uint64_t now_ms,
		    void (*removed)(struct rule *, enum rule_removed_reason,
				    void *aux),
		    void *aux);
/* Starts a journal of @t's changes (an atomic bundle commit): until
 * tables_undo_end(), every rule added, changed or removed (by flow-mods,
 * tables_remove_rules() and group deletions) is recorded so it can be
 * undone, and the @removed callbacks of deletions are held back (no
 * flow-removed goes out for a change that may be undone).  No journal
 * may be running.  Never fails, never blocks. */
void tables_undo_begin(struct flow_tables *t);
/* Ends the journal.  @keep: the changes stay and the held-back removals
 * are reported to @removed (with @aux), in their order; !@keep: every
 * change since tables_undo_begin() is undone, newest first (rules back
 * in their tables with their counters, actions and cookies; added rules
 * gone), @removed is not called, and the version is the one of
 * tables_undo_begin() again (nothing saw the changes; so restore the
 * group table first, groups_restore() bumps it).  Kept, the version is
 * bumped.  The journal is freed. */
void tables_undo_end(struct flow_tables *t, bool keep,
		     void (*removed)(struct rule *, enum rule_removed_reason,
				     void *aux),
		     void *aux);
/* Removes the @n rules (from tables_collect(), still referenced by the
 * caller) that are still in a table, calling @removed with @why for
 * each. */
void tables_remove_rules(struct flow_tables *t, struct rule **rules, size_t n,
			 enum rule_removed_reason why,
			 void (*removed)(struct rule *,
					 enum rule_removed_reason, void *aux),
			 void *aux);
/* The highest-priority rule of @table_id matching @flow (see
 * cls_lookup() for @wc), or NULL. */
struct rule *tables_lookup(const struct flow_tables *t, uint8_t table_id,
			   const struct flow *flow, struct flow *wc);
/* Removes the rules whose idle or hard timeout passed at @now_ms, calling
 * @removed for each.  Returns how many went. */
size_t tables_expire(struct flow_tables *t, uint64_t now_ms,
		     void (*removed)(struct rule *, enum rule_removed_reason,
				     void *aux),
		     void *aux);
/* The rules of @table_id (OFP_TABLE_ANY: all tables) within @criteria
 * (loose; NULL: all), with an output to @out_port (OFPP_NONE: any), a
 * group action to @out_group (OFP_GROUP_ANY: any) and a cookie matching
 * @cookie under @cookie_mask, in table order, priority
 * order within a table.  Returns a malloc'd array of referenced rules
 * (release each with rule_unref and the array with free). */
struct rule **tables_collect(const struct flow_tables *t, uint8_t table_id,
			     const struct match *criteria, uint32_t out_port,
			     uint32_t out_group, uint64_t cookie,
			     uint64_t cookie_mask, size_t *n);

/* ================= groups (vswitchd_group.c) ================= */

/* One bucket of a group, with its counters. */
struct ofgroup_bucket {
	uint32_t bucket_id;
	uint16_t weight;
	uint32_t watch_port;  /* OFPP_NONE: none */
	uint32_t watch_group; /* OFPG_ANY: none */
	struct ofpacts acts;
	uint64_t n_packets, n_bytes;
};

/* A group of a bridge's group table.  A modify replaces the group (the
 * old one is marked removed, as a replaced rule is), so translations
 * that used it are stale and their bucket indexes stay valid. */
struct ofgroup {
	struct hnode node; /* in bridge->groups, by id */
	uint32_t id;
	uint8_t type; /* OFPGT_* */
	struct ofgroup_bucket *buckets;
	size_t n_buckets;
	char selection_method[16];
	uint64_t selection_method_param;
	struct ofp_group_fields fields; /* selection_method=hash's */
	/* selection_method=dp_hash: the bucket of each hash value (made when
	 * the group enters its table); dp_hash_mask 0: Open vSwitch's
	 * fallback to the default method. */
	uint16_t *dp_hash_map;
	uint32_t dp_hash_mask;
	uint64_t created_ms; /* of the add (a modify keeps it) */
	uint64_t n_packets, n_bytes;
	unsigned refcnt; /* the table's reference plus translations' */
	bool removed;	 /* out of its table; freed at the last unref */
};

void ofgroup_ref(struct ofgroup *g);
void ofgroup_unref(struct ofgroup *g);

struct bridge;
struct ofp_group_mod;
/* The group table of @br (in bridge->groups): empty at first. */
void groups_init(struct bridge *br);
void groups_destroy(struct bridge *br);
/* The group @id of @br, or NULL. */
struct ofgroup *groups_find(const struct bridge *br, uint32_t id);
/* Applies group-mod @gm to @br as Open vSwitch 3.1 does: add, modify,
 * add-or-modify, delete (OFPG_ALL: every group; a missing group is no
 * error), insert and remove buckets.  Deleting a group deletes the
 * flows whose actions use it (@removed called for each, as
 * tables_flow_mod() does).  Any change bumps the tables' version, so
 * the megaflows are revalidated.  Returns 0 or the OpenFlow error Open
 * vSwitch sends (not a negative errno: the errors are OpenFlow's own
 * and many): OFPGMFC_GROUP_EXISTS, OFPGMFC_UNKNOWN_GROUP,
 * OFPGMFC_INVALID_GROUP (adding an id above OFPG_MAX), OFPGMFC_BUCKET_EXISTS,
 * OFPGMFC_UNKNOWN_BUCKET.  On an error nothing changed. */
enum ofperr
groups_mod(struct bridge *br, const struct ofp_group_mod *gm, uint64_t now_ms,
	   void (*removed)(struct rule *, enum rule_removed_reason, void *aux),
	   void *aux);
/* The groups of @br (OFPG_ALL) or group @id, sorted by id, referenced
 * (release each with group_unref and the array with free). */
struct ofgroup **groups_collect(const struct bridge *br, uint32_t id,
				size_t *n);
/* Puts back the @n groups of @groups (from groups_collect(@br,
 * OFPG_ALL) earlier: an atomic commit's undo) as @br's whole group
 * table: the groups there now leave it; @groups' references become the
 * table's and the array is freed. */
void groups_restore(struct bridge *br, struct ofgroup **groups, size_t n);
/* How many flows of @br have actions that use group @id. */
uint32_t groups_ref_count(const struct bridge *br, uint32_t id);
/* The first group action in @acts (nested write_actions included) to a
 * group @br lacks: OFPBAC_BAD_OUT_GROUP, as Open vSwitch refuses such a
 * flow; else 0. */
enum ofperr groups_check_actions(const struct bridge *br,
				 const struct ofpacts *acts);

/* ================= meters (vswitchd_meter.c) ================= */

struct ofp_meter_band;
struct ofp_meter_mod;

/* An OpenFlow meter of a bridge, and the datapath meter that applies
 * it (ids unique in the vsw, since bridges share datapaths). */
struct ofmeter {
	struct hnode node; /* in bridge->meters, by id */
	uint32_t id;
	uint16_t flags; /* OFPMF13_* */
	uint16_t n_bands;
	struct ofp_meter_band *bands; /* owned */
	uint32_t dp_id;		      /* its datapath meter */
	bool synced;		      /* the datapath has it as it is */
	uint64_t created_ms;
	/* From the datapath's last dump: what entered, what each band
	 * dropped (packets, bytes). */
	uint64_t in_packets, in_bytes;
	uint64_t band_stats[MVS_METER_BANDS_MAX][2];
};

void meters_init(struct bridge *br);
void meters_destroy(struct bridge *br);
struct ofmeter *meters_find(const struct bridge *br, uint32_t id);
/* Applies meter-mod @mm to @br as Open vSwitch 3.1 with a netdev
 * datapath does: add (OFPMMFC_METER_EXISTS), modify (OFPMMFC_UNKNOWN_METER;
 * counters start again), delete (OFPM13_ALL: every meter; none is no
 * error; the flows that use it go too, @removed called for each).
 * Checks as that datapath: id 0 or reserved (OFPMMFC_INVALID_METER),
 * neither kbps nor pktps or unknown flags (OFPMMFC_BAD_FLAGS), more than
 * 8 bands (OFPMMFC_OUT_OF_BANDS), a band that is not drop
 * (OFPMMFC_BAD_BAND), a zero rate (OFPMMFC_BAD_RATE).  Changed meters
 * are left unsynced and deleted ones' datapath ids queued in
 * br->meters_gone for the daemon to pass on; any change bumps the
 * tables' version.  Returns 0 or the OpenFlow error; nothing changes on
 * an error. */
enum ofperr
meters_mod(struct bridge *br, const struct ofp_meter_mod *mm, uint64_t now_ms,
	   void (*removed)(struct rule *, enum rule_removed_reason, void *aux),
	   void *aux);
/* The meters of @br (OFPM13_ALL) or meter @id, sorted by id (a malloc'd
 * array of pointers into the table; valid until the next change). */
struct ofmeter **meters_collect(const struct bridge *br, uint32_t id,
				size_t *n);
/* How many flows of @br use meter @id. */
uint32_t meters_ref_count(const struct bridge *br, uint32_t id);
/* OFPMMFC_INVALID_METER if @acts use a meter @br lacks, else 0. */
enum ofperr meters_check_actions(const struct bridge *br,
				 const struct ofpacts *acts);

/* ================= MAC learning (vswitchd_mac.c) ================= */

#define MAC_DEFAULT_IDLE_TIME 300 /* seconds: other_config:mac-aging-time */
#define MAC_DEFAULT_MAX 8192	  /* entries: other_config:mac-table-size */

struct mac_entry {
	struct hnode node;    /* by (mac, vlan) */
	struct list_node lru; /* least recently updated first */
	uint8_t mac[6];
	uint16_t vlan;
	void *port; /* where it was learned (struct port *) */
	uint64_t expires_ms;
};

struct mac_table {
	struct hmap entries; /* struct mac_entry, by (mac, vlan) */
	struct hmap ports;   /* entries per port, for fair eviction */
	struct list_node lru;
	unsigned idle_time; /* seconds */
	size_t max_entries;
	uint64_t total_learned, total_expired, total_evicted, total_moved;
	/* Tags (mac_tag()) of the entries learned, moved or removed since
	 * the last mac_table_take_changes(). */
	uint64_t *changes;
	size_t n_changes, changes_cap;
};

/* Names a (MAC, VLAN) for invalidation: a translation that looked up a
 * destination records its tag; a change of that entry reports the tag. */
uint64_t mac_tag(const uint8_t mac[6], uint16_t vlan);

/* @idle_time seconds (clamped to 15-3600 as Open vSwitch does), at most
 * @max_entries (0: the default). */
void mac_table_init(struct mac_table *mt, unsigned idle_time,
		    size_t max_entries);
void mac_table_destroy(struct mac_table *mt);
/* New aging time and size; a smaller table evicts at the next run. */
void mac_table_configure(struct mac_table *mt, unsigned idle_time,
			 size_t max_entries);
/* Learns that @mac is on @port in @vlan at @now_ms: a new entry (evicting
 * the oldest entry of the port with the most entries when the table is
 * full), a move, or a refresh of the entry's age.  Multicast sources are
 * not learned.  Returns true if the table changed (new entry or move). */
bool mac_table_learn(struct mac_table *mt, const uint8_t mac[6], uint16_t vlan,
		     void *port, uint64_t now_ms);
/* The live entry for (@mac, @vlan), or NULL. */
const struct mac_entry *mac_table_lookup(const struct mac_table *mt,
					 const uint8_t mac[6], uint16_t vlan,
					 uint64_t now_ms);
/* Expires entries idle since mac-aging-time and trims an oversized table.
 * Returns how many went. */
size_t mac_table_run(struct mac_table *mt, uint64_t now_ms);
void mac_table_flush(struct mac_table *mt);
/* Removes the entries learned on @port (a deleted or reconfigured
 * port). */
void mac_table_flush_port(struct mac_table *mt, void *port);
/* Seconds since the entry was last learned. */
int mac_entry_age(const struct mac_table *mt, const struct mac_entry *e,
		  uint64_t now_ms);
/* Hands the caller the tags changed since the last call (malloc'd; free
 * it) and their count in *@n. */
uint64_t *mac_table_take_changes(struct mac_table *mt, size_t *n);

/* ================= bridges and ports (vswitchd_bridge.c) ================= */

/* Port VLAN modes, as vswitch.xml defines Port's vlan_mode. */
enum port_vlan_mode {
	PORT_VLAN_ACCESS,
	PORT_VLAN_TRUNK,
	PORT_VLAN_NATIVE_TAGGED,
	PORT_VLAN_NATIVE_UNTAGGED,
};

struct vsw;
struct bridge;

/* One OpenFlow port of a bridge (a Port with its one Interface; bonds
 * are not supported yet). */
struct port {
	struct hnode by_ofp;	    /* in bridge->ports, by ofp_port */
	struct hnode by_dp;	    /* in vsw->dp_ports, by dp_port */
	struct list_node in_bridge; /* bridge->port_list, by ofp_port */
	struct hnode by_name;	    /* in bridge->ports_by_name */
	struct bridge *bridge;
	char *name;
	uint32_t ofp_port; /* OpenFlow port number (OFPP_LOCAL: local) */
	uint32_t dp_port;  /* datapath port, MVS_PORT_NONE for patch */
	char *peer;	   /* patch ports: the peer port's name */
	enum port_vlan_mode vlan_mode;
	int vlan;	     /* access/native VLAN; -1 for trunk */
	uint8_t *trunks;     /* bitmap of 4096 VLANs; NULL: all */
	uint32_t config;     /* OFPPC_NO_RECV, _NO_FLOOD, _NO_FWD and
			      * _NO_PACKET_IN, as port-mod set them (PORT_DOWN
			      * is the device's own admin state); NO_RECV and
			      * NO_PACKET_IN are only shown: Open vSwitch 3.1
			      * forwards what such a port receives and sends
			      * the packet-ins its actions ask for (it drops
			      * only table-miss packet-ins, which microvs does
			      * not send) */
	bool internal;	     /* an internal port: the host's stack behind it */
	uint64_t created_ms; /* time_mono_ms() when it joined the bridge */
	bool link_down;	     /* not live (admin down or no carrier): fast
			      * failover groups skip buckets watching it */
	struct tnl_config *tnl; /* tunnel ports: their options (owned) */
};

/* What the DB (later) or a test says about a port. */
struct port_config {
	const char *name;
	uint32_t ofp_port;
	uint32_t dp_port;	/* MVS_PORT_NONE for patch ports */
	const char *type;	/* "patch" or anything else */
	const char *peer;	/* patch: options:peer */
	int tag;		/* Port.tag; -1: none */
	const uint16_t *trunks; /* Port.trunks */
	size_t n_trunks;
	const char *vlan_mode;	      /* Port.vlan_mode; NULL: from tag */
	const struct tnl_config *tnl; /* tunnel ports (copied); else NULL */
	bool internal;		      /* Interface type "internal" */
};

struct bridge {
	struct hnode node; /* in vsw->bridges, by name */
	struct vsw *vsw;
	uint64_t id; /* unique for the life of the process */
	char *name;
	struct hmap ports;	    /* struct port, by ofp_port */
	struct list_node port_list; /* struct port, by ofp_port ascending */
	struct hmap ports_by_name;  /* struct port, by name */
	uint32_t dp_id; /* its datapath (0 unless the caller sets it before
			 * adding ports): datapath port numbers are per
			 * datapath */
	struct flow_tables tables;
	struct hmap groups;    /* struct ofgroup, by id (vswitchd_group.c) */
	struct hmap meters;    /* struct ofmeter, by id (vswitchd_meter.c) */
	uint32_t *meters_gone; /* datapath meters to delete */
	size_t n_meters_gone;
	struct mac_table macs;
	bool forward_bpdu;
	/* Fail-open (fail_mode standalone, every primary controller lost
	 * for long enough): the bridge switches as NORMAL whatever its
	 * tables say, as Open vSwitch's hidden fail-open flow does. */
	bool fail_open;
	/* A table miss goes to the controllers (vswd_of_miss_sync()). */
	bool pin_on_miss;
	/* A translation met a table miss since pin_on_miss last changed:
	 * only then can a megaflow depend on it. */
	bool miss_translated;
	/* A translation looked at whether a port is up (a fast failover
	 * group's bucket) since a port's link last changed: only then can a
	 * megaflow depend on it. */
	bool liveness_translated;
	uint64_t config_version; /* bumped by port and VLAN changes */
	/* Ports whose source MACs translation learns without NORMAL (set
	 * by vtepd, BUS_MSG_VTEP_FLOWS), and the flows vtepd set last. */
	char **learn_ports;
	size_t n_learn_ports;
	char **vtep_flows;
	size_t n_vtep_flows;
	/* Geneve options to tun_metadata fields (NXT_TLV_TABLE_MOD). */
	struct ofp_tlv_table tlv;
	/* Bridge.other_config: datapath-id (0: from the local port's MAC)
	 * and dp-desc (NULL: "None"), as OpenFlow shows them. */
	uint64_t dpid_cfg;
	char *dp_desc;
	/* IP fragments (OpenFlow's switch config, per bridge as in Open
	 * vSwitch): enum ofp_frag OFP_FRAG_NORMAL (looked up with transport
	 * ports 0), _DROP or _NX_MATCH (first fragments with their ports). */
	uint8_t frag_mode;
};

/* All bridges of one vswitchd, and the datapath ports they own. */
struct vsw {
	struct hmap bridges;  /* struct bridge, by name */
	struct hmap dp_ports; /* struct port, by dp_port */
	uint64_t next_bridge_id;
	struct tnl_route *tnl_routes; /* from tunneld (vswitchd_tunnel.c) */
	size_t n_tnl_routes;
	size_t n_tnl_ports; /* tunnel ports in all bridges */
	/* Called by translation for a remote_ip=flow destination with no
	 * route in tnl_routes (vswitchd_tnlroutes.c asks tunneld); NULL in
	 * unit tests.  Must not block. */
	void (*tnl_want)(const char *remote); /* an IPv4 or IPv6 address */
	uint32_t next_dp_meter; /* the next datapath meter id to hand out */
};

void vsw_init(struct vsw *vsw);
void vsw_destroy(struct vsw *vsw);
/* A new bridge with its local port (@local_dp_port; MVS_PORT_NONE for
 * none) named after it.  -EEXIST if there is one of that name. */
int vsw_add_bridge(struct vsw *vsw, const char *name, uint32_t local_dp_port,
		   struct bridge **out);
void vsw_del_bridge(struct vsw *vsw, struct bridge *br);
struct bridge *vsw_find_bridge(const struct vsw *vsw, const char *name);
struct bridge *vsw_bridge_by_id(const struct vsw *vsw, uint64_t id);
/* The port that owns port @dp_port of datapath @dp_id, or NULL. */
struct port *vsw_port_by_dp(const struct vsw *vsw, uint32_t dp_id,
			    uint32_t dp_port);

/* Adds (or reconfigures, if @cfg->name exists) a port.  -EEXIST if the
 * OpenFlow or datapath port number is another port's, -EINVAL for a
 * bad configuration.  A reconfigured port forgets its learned MACs. */
int bridge_set_port(struct bridge *br, const struct port_config *cfg,
		    struct port **out);
void bridge_del_port(struct bridge *br, struct port *port);
struct port *bridge_port_by_ofp(const struct bridge *br, uint32_t ofp_port);
struct port *bridge_port_by_name(const struct bridge *br, const char *name);
/* other_config:mac-aging-time and mac-table-size (NULL: default). */
void bridge_set_mac_config(struct bridge *br, const char *aging_time,
			   const char *table_size);
/* The bridge's port names, for the flow syntax (free with free()). */
struct ofp_port_map *bridge_port_map(const struct bridge *br);
/* True if @port carries @vlan (Open vSwitch's xbundle_includes_vlan for
 * a single tag). */
bool port_includes_vlan(const struct port *port, uint16_t vlan);
/* True if @port trunks @vlan (not access, and in its trunks). */
bool port_trunks_vlan(const struct port *port, uint16_t vlan);

/* ================= tunnels (vswitchd_tunnel.c) ================= */

/* A tunnel interface's options (vswitch.xml's Interface options for
 * vxlan, gre and geneve).  Addresses in network order. */
struct tnl_config {
	enum mvs_tnl_type type;
	uint32_t remote_ip;		       /* 0 with remote_flow or ipv6 */
	uint32_t local_ip;		       /* 0: the route's source */
	bool ipv6;			       /* a fixed IPv6 remote, with: */
	uint8_t remote_ip6[16], local_ip6[16]; /* local: zero for the route's */
	/* remote_ip=flow: each packet's tun_dst or tun_ipv6_dst is the
	 * remote, so the underlay's family is the packet's (local_ip6 may
	 * be set, and is used with IPv6 ones). */
	bool remote_flow, local_flow;
	bool in_key_flow, out_key_flow;
	bool in_key_set, out_key_set; /* GRE: send/expect a key at all */
	uint64_t in_key, out_key;
	uint16_t dst_port; /* host order; 0 for GRE */
	uint8_t tos, ttl;
	bool tos_inherit, ttl_inherit;
	bool df, csum;
	bool csum_default; /* csum unset: on over IPv6 (not GRE), else off */
};

/* The underlay of one remote, as tunneld resolved it. */
struct tnl_route {
	uint32_t remote, src; /* network order; 0 for IPv6 */
	bool ipv6;
	uint8_t remote6[16], src6[16];
	char dev[16]; /* the egress device */
	uint8_t smac[6], dmac[6];
	bool resolved, carrier;
};

/* The tunnel header type of Interface.type @type, or 0 if it is no
 * tunnel. */
enum mvs_tnl_type tnl_type_from_name(const char *type);
/* Parses the options of a @type tunnel, read through @get (an options
 * map lookup, NULL for an absent key), into *@c.  0, or -EINVAL with
 * *@error (malloc'd) saying why, in Open vSwitch's words where it has
 * some. */
int tnl_config_parse(enum mvs_tnl_type type,
		     const char *(*get)(const void *aux, const char *key),
		     const void *aux, struct tnl_config *c, char **error);
/* Replaces @vsw's routes with @n lines of BUS_MSG_TNL_ROUTES; lines that
 * do not parse are logged and skipped.  True if anything changed. */
bool tnl_routes_set(struct vsw *vsw, const char *const *lines, size_t n);
/* The tunnel port that receives a packet with tunnel metadata @tun that
 * the datapath popped into @in's datapath port: @in if its options
 * accept @tun, else another tunnel port of the same type that does, or
 * NULL (dropped). */
struct port *tnl_port_receive(const struct vsw *vsw, struct port *in,
			      const struct mvs_key_tunnel *tun);

/* ============ tun_metadata (vswitchd_tun_md.c) ============ */

/* Checks @fm's matches and actions on tun_metadataN against the bridge's
 * TLV map @t, as Open vSwitch 3.1: 0, NXFMFC_INVALID_TLV_FIELD for a
 * field without a mapping, OFPBMC_BAD_FIELD for one the flow's slots
 * cannot hold; values longer than their mapping are cut to its length
 * (their first bytes) in place. */
enum ofperr tun_md_check_flow_mod(const struct ofp_tlv_table *t,
				  struct ofp_flow_mod *fm);
/* ofp_tlv_table_mod()'s in_use for bridge @bridge: true if a flow
 * matches or sets tun_metadata<@index>. */
bool tun_md_in_use(void *bridge, unsigned index);
/* Fills @flow's tun_md slots and present bits from its tunnel's Geneve
 * options as received, those @t maps. */
void tun_md_from_options(const struct ofp_tlv_table *t, struct flow *flow);
/* Adds to the megaflow tunnel mask @mask, for a packet that came with
 * the options of @tun, what a translation that looked at tun_metadata
 * (@wc's slots and present bits) must match, as Open vSwitch does: the
 * options' layout (every header, the length) exactly, and the data of
 * each option looked at under what was looked at. */
void tun_md_dp_mask(const struct ofp_tlv_table *t, const struct flow *wc,
		    const struct mvs_key_tunnel *tun,
		    struct mvs_key_tunnel *mask);
/* The Geneve options an output sends for @flow, in mapping index order:
 * each mapped option present in a slot, or as received for a mapping no
 * slot holds; into @out, returning their length. */
size_t tun_md_to_options(const struct ofp_tlv_table *t, const struct flow *flow,
			 uint8_t out[MVS_TUN_OPTS_MAX]);

/* ================= translation (vswitchd_xlate.c) ================= */

/* A trace of a translation, as ofproto/trace prints it. */
enum trace_type {
	TRACE_BRIDGE,
	TRACE_TABLE,
	TRACE_ACTION,
	TRACE_DETAIL,
	TRACE_WARN,
	TRACE_ERROR,
};

struct trace_node {
	struct list_node node;
	enum trace_type type;
	char *text;
	struct list_node subs;
};

void trace_list_free(struct list_node *list);
/* Appends the tree in ofproto/trace's layout. */
void trace_list_format(struct ds *s, const struct list_node *list, int level);

/* What a translation used: the rules (referenced), the destination MACs
 * it looked up (so a learning change invalidates exactly the megaflows
 * that depend on it), the sources it learned (refreshed when the
 * megaflow's statistics come back) and the bridges' versions.  Bridges
 * are named by id, so deps may outlive a deleted bridge safely. */
struct xlate_learned {
	uint64_t bridge_id;
	uint32_t in_ofp_port;
	uint16_t vlan;
	uint8_t mac[6];
};

struct xlate_dep_bridge {
	uint64_t bridge_id;
	uint64_t tables_version, config_version;
};

/* A group a translation ran, and the bucket (SIZE_MAX: the group's own
 * counters): statistics go to both. */
struct xlate_dep_group {
	struct ofgroup *group; /* referenced */
	size_t bucket;
};

struct xlate_deps {
	struct vsw *vsw;
	struct rule **rules;
	size_t n_rules, rules_cap;
	struct xlate_dep_group *groups;
	size_t n_groups, groups_cap;
	uint64_t *mac_tags; /* mac_tag() of destinations looked up */
	size_t n_mac_tags, mac_tags_cap;
	struct xlate_learned *learned;
	size_t n_learned, learned_cap;
	struct xlate_dep_bridge *bridges;
	size_t n_bridges, bridges_cap;
	/* vswitchd_pinstate records its userspace actions name (a
	 * reference each). */
	uint64_t *pinstates;
	size_t n_pinstates, pinstates_cap;
};

enum xlate_error {
	XLATE_OK,
	XLATE_RECURSION_TOO_DEEP,
	XLATE_TOO_MANY_RESUBMITS,
	XLATE_UNKNOWN_PORT,
};

/* A packet-in a translation asks for (an output to the controller): the
 * packet goes to the bridge's controllers, and the megaflow is not
 * installed, so that every packet of it comes up.  As in Open vSwitch,
 * each controller action is one packet-in, with the pipeline fields as
 * they were at that action. */
struct xlate_pin {
	uint64_t bridge_id; /* the bridge it happened in (a patch's peer) */
	uint16_t max_len;   /* bytes of the packet to send (0xffff: all) */
	uint8_t reason;	    /* OFPR_* or XLATE_PIN_IMPLICIT_MISS */
	uint8_t table_id;
	uint64_t cookie; /* of the rule that asked; UINT64_MAX: none */
	/* The pipeline fields a packet-in reports (Open vSwitch's
	 * flow_get_metadata()). */
	uint32_t in_port;
	uint32_t pkt_mark;
	uint64_t metadata;
	uint32_t regs[FLOW_N_REGS];
	uint64_t tun_id; /* network order, as in struct mvs_key_tunnel */
	uint32_t tun_src, tun_dst;
	/* controller(userdata=...): points into the rule's (or the
	 * packet-out's) actions, valid until the tables change: the
	 * packet-in is sent at once. */
	const uint8_t *userdata;
	uint16_t userdata_len;
	/* controller(pause): the translation stopped here; the rest is the
	 * translation's xlate_frozen, for NXT_RESUME. */
	bool pause;
	/* The bytes of the translation's datapath actions that came before
	 * it (the flow's changes committed first, as Open vSwitch does):
	 * their header rewrites make the packet it carries. */
	size_t odp_len;
};

/* xlate_pin.reason: OpenFlow's OFPR_NO_MATCH and OFPR_ACTION. */
#define XLATE_PIN_NO_MATCH 0
#define XLATE_PIN_ACTION 1
/* xlate_pin.reason of Open vSwitch's default table miss (its
 * OFPR_IMPLICIT_MISS): a packet that no flow matched, sent to the
 * OpenFlow 1.0-1.2 connections only, as OFPR_NO_MATCH, cut to their
 * miss_send_len. */
#define XLATE_PIN_IMPLICIT_MISS 0xff
/* xlate_pin.reason of an output to the controller by a packet-out's own
 * actions (OpenFlow 1.4's OFPR_PACKET_OUT; OFPR_ACTION before 1.4). */
#define XLATE_PIN_PACKET_OUT 5

/* The packet-ins of one translation; more than XLATE_MAX_PINS controller
 * actions for one packet send the first ones only. */
#define XLATE_MAX_PINS 8
struct xlate_pins {
	unsigned n;
	struct xlate_pin p[XLATE_MAX_PINS];
};

/* What a translation paused by controller(pause) had left to do: the
 * rest of the actions of each rule it was in (the innermost first), the
 * action set, and the table and cookie of the rule that paused.  Empty
 * unless one of the packet-ins has pause. */
struct xlate_frozen {
	struct ofpacts acts;
	struct ofpacts set;
	uint8_t table_id;
	uint64_t cookie;
};

/* Where a translation's outputs to the controllers go (xlate_out.ctrl). */
enum xlate_ctrl {
	/* As packet-ins in xlate_out.pins, sent with the packet at hand
	 * (packet-outs, NXT_RESUME); the megaflow is not installed. */
	XLATE_CTRL_PINS,
	/* As userspace actions (struct odp_cookie_controller) naming a
	 * vswitchd_pinstate record: the megaflow is installed and every
	 * packet that takes it comes up as a packet-in (datapath misses).
	 * controller(pause) still makes a pin. */
	XLATE_CTRL_DATAPATH,
	/* The same with dont_send set, as ofproto/trace prints it. */
	XLATE_CTRL_TRACE,
};

struct xlate_out {
	enum xlate_ctrl ctrl; /* set after xlate_out_init() */
	struct xlate_pins pins;
	struct xlate_frozen frozen;
	struct nlbuf actions;	/* MVS_ACTION_ATTR_* (lib/flow/nlattr.h) */
	struct mvs_key mask;	/* the megaflow mask, for the datapath */
	struct flow wc;		/* the same in struct flow's shape */
	struct flow flow;	/* the flow as translated (before actions) */
	struct flow final_flow; /* after the actions changed it */
	struct xlate_deps deps;
	enum xlate_error error;
};

void xlate_out_init(struct xlate_out *out);
void xlate_out_uninit(struct xlate_out *out);
const char *xlate_strerror(enum xlate_error e);

/* Translates a datapath miss: @key (from the datapath of @br's ports)
 * becomes a flow (the datapath in_port becomes the OpenFlow port), runs
 * @br's tables from table 0, and fills @out with the datapath actions,
 * the megaflow mask (every bit the translation looked at, and nothing
 * else) and what the translation used.  With @packet (a real miss) the
 * translation has side effects: MAC learning, rule counters.  Returns 0,
 * or -ENOENT if @key's in_port is none of @br's ports (@out then says
 * drop). */
int xlate_miss(struct bridge *br, const struct mvs_key *key,
	       const struct dp_packet *packet, struct xlate_out *out);
/* The same with the side effects chosen: MAC learning if @may_learn,
 * rule counters credited with one packet of @packet_len bytes if that is
 * not 0 (revalidation re-translates with learning and no packet: its
 * statistics are credited by xlate_deps_push_stats()). */
int xlate_key(struct bridge *br, const struct mvs_key *key, bool may_learn,
	      uint64_t packet_len, struct xlate_out *out);
/* The same from a struct flow (ofproto/trace), with @trace (may be NULL)
 * collecting the trace nodes and side effects only if @may_learn. */
int xlate_flow(struct bridge *br, const struct flow *flow, bool may_learn,
	       uint64_t packet_len, struct list_node *trace,
	       struct xlate_out *out);

/* Translates a packet-out: @acts applied to @flow (its in_port an
 * OpenFlow port, OFPP_CONTROLLER or OFPP_NONE included) in @br, without
 * side effects, into @out's datapath actions. */
/* Translates the continuation of a paused translation (NXT_RESUME):
 * @flow (the packet the controller sent back, with the pipeline fields
 * of its metadata) goes on with @acts, with @set as its action set, in
 * table @table_id of @br, without side effects. */
int xlate_resume(struct bridge *br, const struct flow *flow,
		 const struct ofpacts *acts, const struct ofpacts *set,
		 uint8_t table_id, struct xlate_out *out);
int xlate_packet_out(struct bridge *br, const struct flow *flow,
		     const struct ofpacts *acts, struct xlate_out *out);

/* Releases the references @deps holds. */
void xlate_deps_uninit(struct xlate_deps *deps);

/* vswitchd_pinstate.c: the record of a packet-in's metadata, table,
 * cookie and userdata for @pin (found or made; @pin's userdata is
 * copied), with one more reference; its number is never 0. */
uint32_t vswd_pinstate_ref(const struct xlate_pin *pin);
void vswd_pinstate_unref(uint32_t id);
/* The record @id names (its userdata its own), or NULL. */
const struct xlate_pin *vswd_pinstate_find(uint32_t id);
size_t vswd_pinstate_count(void);
/* True if a table or port configuration @deps used changed since. */
bool xlate_deps_stale(const struct xlate_deps *deps);
/* True if one of @tags (from mac_table_take_changes) is a destination
 * @deps looked up. */
bool xlate_deps_uses_mac(const struct xlate_deps *deps, const uint64_t *tags,
			 size_t n);
/* Credits a megaflow's statistics to the rules it used and refreshes the
 * MACs it learned (Open vSwitch's xlate cache push). */
void xlate_deps_push_stats(const struct xlate_deps *deps, uint64_t n_packets,
			   uint64_t n_bytes, uint64_t used_ms);

/* The state of one translation, shared by vswitchd_xlate.c and
 * vswitchd_normal.c. */
struct xlate_ctx {
	struct xlate_out *out;	 /* where the packet-in request goes */
	const struct rule *rule; /* the rule being run (NULL: none) */
	struct bridge *br;	 /* the bridge being translated in */
	const struct flow *orig; /* the flow as it came in */
	struct flow flow;	 /* the packet as the actions changed it */
	struct flow base;  /* the packet as the datapath actions left it */
	struct flow *wc;   /* the megaflow mask being built */
	struct nlbuf *odp; /* the datapath actions being built */
	struct xlate_deps *deps;
	struct list_node *trace; /* where trace nodes go; NULL: no trace */
	bool may_learn;		 /* side effects: MAC learning, counters */
	uint64_t packet_len;	 /* bytes credited to rules (with may_learn) */
	uint64_t now_ms;
	uint8_t table_id;   /* the table being translated */
	bool in_packet_out; /* translating a packet-out's actions */
	int depth;	    /* resubmits that went back or stayed in a table */
	int resubmits;
	enum xlate_error error;
	/* Stop: an exit action, or dec_ttl at TTL 1 (what the actions did
	 * before stays), as Open vSwitch's ctx->exit. */
	bool exit;
	/* The action set write_actions built (OpenFlow 1.1+), run when the
	 * pipeline ends; empty unless used. */
	struct ofpacts action_set;
	/* controller(pause) ran: every level of the translation adds the
	 * rest of its actions to out->frozen and stops, up to where Open
	 * vSwitch finishes freezing (xlate_finish_freezing()): the end of a
	 * group's bucket, of a patch peer's pipeline, of the translation.
	 * One pause a translation: a later one is a plain controller
	 * action. */
	bool freezing;
	int pause_pin;	     /* its packet-in in out->pins; -1: none yet */
	uint64_t top_cookie; /* of the bridge's table 0 rule (UINT64_MAX) */
};

/* Adds a trace node (if tracing) and returns it (NULL if not). */
struct trace_node *xlate_report(struct xlate_ctx *ctx, enum trace_type type,
				const char *fmt, ...) PRINTF_FMT(3, 4);
/* Outputs to OpenFlow port @ofp_port of the current bridge: commits the
 * flow's changes as datapath actions and adds an output, or continues in
 * the peer bridge of a patch port. */
void xlate_output_port(struct xlate_ctx *ctx, uint32_t ofp_port);
void xlate_deps_add_mac(struct xlate_deps *deps, uint64_t tag);
/* Records that the translation ran group @g (@bucket SIZE_MAX) or its
 * bucket @bucket: a reference, for the counters and staleness. */
void xlate_deps_add_group(struct xlate_deps *deps, struct ofgroup *g,
			  size_t bucket);
/* Runs @acts (a rule's, a bucket's) in @ctx. */
void xlate_actions(struct xlate_ctx *ctx, const struct ofpacts *acts,
		   bool is_last_action);

/* ================= groups (vswitchd_xlate_group.c) ================= */

/* The group action: the buckets of group @group_id of the current bridge
 * that its type chooses, each run on a copy of the packet; a missing
 * group drops (with a trace warning). */
void xlate_group(struct xlate_ctx *ctx, uint32_t group_id, bool is_last);
/* The action list action set @set runs as (a group's bucket, the
 * pipeline's write_actions), into @out (initialised here; the caller
 * frees it). */
void xlate_action_set_list(const struct ofpacts *set, struct ofpacts *out);
void xlate_deps_add_bridge(struct xlate_deps *deps, const struct bridge *br);
/* Commits the flow's header changes as datapath actions. */
void xlate_commit(struct xlate_ctx *ctx);
/* Ends a pause's freezing here, as Open vSwitch's finish_freezing():
 * the frozen rest is what the levels inside left (with the action set as
 * it is), the paused packet-in names table 0 and @cookie (UINT64_MAX:
 * none), and the translation goes on from here.  Nothing if not
 * freezing. */
void xlate_finish_freezing(struct xlate_ctx *ctx, uint64_t cookie);
/* vswitchd_xlate_ctrl.c: an output to the controllers with these
 * parameters (@pause: the controller(pause) that freezes the
 * translation); xlate_freeze() makes pin @pin the paused one, and
 * xlate_freeze_rest() adds the actions from @a to @end to the frozen
 * rest. */
void xlate_controller(struct xlate_ctx *ctx, uint16_t max_len, uint8_t reason,
		      const uint8_t *userdata, uint16_t userdata_len,
		      bool pause);
void xlate_freeze(struct xlate_ctx *ctx, unsigned pin);
void xlate_freeze_rest(struct xlate_ctx *ctx, const struct ofpact *a,
		       const struct ofpact *end);
/* Looks table @table_id of the current bridge up with @in_port as the
 * input port and runs what it finds (a resubmit). */
void xlate_table_in(struct xlate_ctx *ctx, uint32_t in_port, uint8_t table_id);
/* Output to tunnel port @port: the native tunnel push, the outer packet
 * translated in the bridge of the egress device (vswitchd_tunnel.c). */
void xlate_tnl_output(struct xlate_ctx *ctx, struct port *port);
/* Output to internal port @port of a packet addressed to a local tunnel
 * endpoint: emits TUNNEL_POP into the tunnel port it is for and returns
 * true; false (nothing emitted) for any other packet.  Looks only at
 * what it unwildcards. */
bool xlate_tnl_pop(struct xlate_ctx *ctx, struct port *port);
/* RFC 6040 decapsulation, as Open vSwitch's tnl_process_ecn: for an IP
 * packet that came out of a tunnel whose outer header carried ECN CE,
 * marks the inner packet CE (the change is committed as a set action
 * before the next output) and returns true, or returns false if the
 * inner packet is not ECN-capable: it must be dropped.  True for every
 * other packet.  The megaflow mask already holds what it reads
 * (xlate's wc_init). */
bool xlate_tnl_ecn(struct xlate_ctx *ctx);
void xlate_deps_add_learned(struct xlate_deps *deps, const struct bridge *br,
			    uint32_t in_ofp_port, uint16_t vlan,
			    const uint8_t mac[6]);

/* ============ fields, registers, learn (vswitchd_xlate_nx.c) ============ */

/* set_field and load: the field's bits under the mask. */
void xlate_set_field(struct xlate_ctx *ctx, const struct ofpact_set_field *sf);
/* Open vSwitch's OpenFlow 1.0 rewrites (mod_nw_src, mod_tp_dst,
 * mod_nw_tos, dec_ttl...), write_metadata and exit: true if @a is one
 * of them (then done). */
bool xlate_classic_action(struct xlate_ctx *ctx, const struct ofpact *a);
/* move: a subfield to another. */
void xlate_reg_move(struct xlate_ctx *ctx, const struct ofpact_reg_move *m);
/* The value of subfield @sf as a port number (output_reg); OFPP_NONE if
 * the packet lacks the field. */
uint32_t xlate_read_port(struct xlate_ctx *ctx, const struct mf_subfield *sf);
/* learn: with side effects allowed, adds (or replaces) the flow @learn
 * builds from the packet in its table; the fields it reads are in the
 * megaflow mask either way. */
void xlate_learn(struct xlate_ctx *ctx, const struct ofpact_learn *learn);

/* ================= NORMAL (vswitchd_normal.c) ================= */

void xlate_normal(struct xlate_ctx *ctx);

/* ================= ofproto/trace and appctl ================= */

/* ofproto/trace BRIDGE FLOW: the full text Open vSwitch prints, or an
 * error (malloc'd message in *@error). */
int vswitchd_trace(struct vsw *vsw, int argc, const char *argv[],
		   struct ds *out, char **error);

/* Registers fdb/show, fdb/flush, fdb/stats-show, fdb/stats-clear,
 * ofproto/list, ofproto/trace, bridge/dump-flows and the test hooks
 * bridge/add-flow and bridge/del-flows with svc's appctl, serving @vsw.
 * @changed (may be NULL) is called with @aux after every command that
 * may have changed the tables or the MAC tables. */
void vswitchd_appctl_register(struct vsw *vsw, void (*changed)(void *aux),
			      void *aux);

/* ================= the daemon ================= */

/* What the process adds to the pipeline: bridges, ports and datapaths
 * from the database replica (vswitchd_reconcile.c), the datapaths in
 * upcalld over the bus (vswitchd_dpif.c), status written back
 * (vswitchd_status.c), and the answers to upcalld's misses and
 * revalidations (vswitchd_upcall.c).  All on the one loop thread. */

struct replica;
struct bus;
struct bus_req;
struct ev_loop;
struct ev_timer;
struct ovsdb_row;

/* Open_vSwitch other_config's defaults: max-idle (ms), flow-limit. */
#define VSWD_MAX_IDLE_MS 10000
#define VSWD_FLOW_LIMIT 200000

enum vswd_dp_state {
	VDP_CLOSED,  /* not asked for yet, or upcalld went away */
	VDP_OPENING, /* dp_open and the port dump in flight */
	VDP_OPEN,
	VDP_FAILED, /* upcalld cannot serve the type ("system") */
};

/* A datapath in upcalld: one per datapath type, as Open vSwitch has
 * ("netdev@ovs-netdev"), shared by the bridges of that type. */
struct vswd_dp {
	struct list_node node; /* in vswd.dps */
	struct vswd *d;
	char *type;  /* Bridge.datapath_type, "system" for "" */
	char *name;  /* "TYPE@ovs-TYPE": how the bus names it */
	uint32_t id; /* bridge.dp_id of its bridges */
	enum vswd_dp_state state;
	int error;	   /* VDP_FAILED: why, a negative errno */
	struct hmap ports; /* struct vswd_dp_port, by name: what it has */
	bool used;	   /* a bridge uses it (reconcile's mark) */
	bool config_sent;
	uint32_t max_idle_ms, flow_limit; /* as last sent */
	uint64_t pass, pass_start;	  /* the full pass under way, and
					   * vswd.ukey_seq when it began */
};

/* A port upcalld's datapath has. */
struct vswd_dp_port {
	struct hnode node; /* in vswd_dp.ports, by name */
	struct dp_port_info info;
	bool claimed;  /* an interface owns it */
	bool deleting; /* dp_port_del in flight */
};

enum vswd_iface_state {
	VIF_NEW,    /* waiting for its datapath, or to be added */
	VIF_ADDING, /* dp_port_add in flight */
	VIF_UP,	    /* a datapath port */
	VIF_PATCH,  /* a patch port: no datapath port */
	VIF_ERROR,  /* could not be added: error says why */
};

/* An Interface of the configuration. */
struct vswd_iface {
	struct hnode node; /* in vswd.ifaces, by name */
	char *name;
	struct ovsdb_uuid uuid; /* its Interface row */
	char *bridge;		/* the bridge and port it belongs to */
	char *port;
	char *type; /* Interface.type */
	struct vswd_dp *dp;
	enum vswd_iface_state state;
	char *error;	 /* VIF_ERROR: Interface.error */
	int64_t err_cfg; /* next_cfg when it failed: retried after */
	uint32_t dp_port;
	uint32_t ofport; /* 0: none assigned yet */
	bool seen;	 /* reconcile's mark */
	bool in_model;	 /* bridge_set_port() done with @applied */
	struct vswd_port_cfg {
		uint32_t ofport, dp_port;
		int tag;
		char *vlan_mode, *peer;
		uint16_t *trunks;
		size_t n_trunks;
	} applied;
	struct dp_port_info info; /* VIF_UP: as upcalld last said */
};

/* Words of struct ukey's inline block. */
#define UKEY_INLINE_WORDS 14

/* vswitchd's record of a megaflow it answered (Open vSwitch's ukey):
 * what the translation used, for statistics and invalidation.  Made in
 * vswd.ukey_pool. */
struct ukey {
	struct mvs_ufid ufid;
	uint32_t id; /* its number in vswd.ukey_pool */
	uint32_t dp_id;
	uint64_t born;		/* vswd.ukey_seq when made */
	uint64_t pass;		/* the last full pass that listed it */
	struct xlate_deps deps; /* its arrays point into @block */
	struct ukey_tag *tags;	/* its entries in vswd.tag_index (@block) */
	size_t n_tags;		/* how many are indexed */
	void *block;		/* tags and deps arrays: @inl or malloc'd */
	/* Room for a NORMAL-switched flow's block (one or two MAC tags, a
	 * rule, a bridge), so that most ukeys are one pool object. */
	uint64_t inl[UKEY_INLINE_WORDS];
};

/* The ukeys that looked up one tag (one (MAC, VLAN) destination): a
 * list, so that many megaflows to one destination (every new flow to a
 * busy host) cost O(1) each to index and unindex. */
struct tag_ukeys {
	struct hnode node; /* in vswd.tag_index, by tag */
	uint64_t tag;
	struct list_node ukeys; /* struct ukey_tag.node */
};

struct ukey_tag {
	struct list_node node; /* in its tag_ukeys.ukeys */
	struct tag_ukeys *set;
	struct ukey *ukey;
};

struct vswd {
	struct vsw vsw;
	struct ev_loop *loop;
	struct bus *bus;
	struct replica *rep;
	uint64_t boot;	       /* this process's start */
	uint64_t upcalld_boot; /* upcalld's, 0: not met yet */
	uint64_t epoch;	       /* bumped when upcalld restarted */
	bool hello_inflight;
	char **dp_types, **iface_types; /* from upcalld's hello */
	size_t n_dp_types, n_iface_types;
	struct list_node dps; /* struct vswd_dp */
	uint32_t next_dp_id;
	struct hmap ifaces; /* struct vswd_iface, by name */
	struct hmap brcfg;  /* struct vswd_brcfg, by name */
	unsigned pending;   /* datapath calls the configuration waits for */
	bool ready;	    /* the first configuration is applied */
	int64_t next_cfg;   /* Open_vSwitch.next_cfg seen last */
	uint32_t max_idle_ms, flow_limit; /* Open_vSwitch other_config */
	bool txn_inflight, txn_again;
	struct ev_timer *stats_timer, *retry_timer;
	/* Revalidation. */
	struct hix ukeys;      /* ukey numbers by ufid.w[0] */
	struct pool ukey_pool; /* where the ukeys live */
	struct hmap tag_index; /* struct tag_ukeys, by tag */
	uint64_t ukey_seq;
	uint64_t version;     /* tables version published */
	uint64_t fingerprint; /* of the bridges' versions */
	bool published;	      /* the version was published once */
	struct vswd_of *of;   /* OpenFlow connections (ofconn.h) */
	/* vswd_on_upcall_batch's scratch, kept from one batch to the next
	 * (a miss is about 2 kB): made and grown again for every batch,
	 * they cost realloc copies and, being large, malloc consolidations
	 * of the small chunks that the ukeys free. */
	struct vswd_miss *misses;
	size_t misses_cap;
	struct nlbuf upcall_out;
};

/* vswitchd_vtep.c */
/* The handler of BUS_MSG_VTEP_FLOWS. */
void vswd_on_vtep_flows(struct bus_req *req, const void *msg, void *aux);

/* vswitchd_tnlroutes.c */
/* Subscribes to tunneld's route table and asks for it. */
void vswd_tnl_routes_init(struct vswd *d);

/* vswitchd_reconcile.c */
/* Starts the daemon: the replica of Open_vSwitch, Bridge, Port and
 * Interface, the hello to upcalld, the statistics timer.  Exits on
 * error (start-up). */
void vswd_init(struct vswd *d, struct ev_loop *loop, struct bus *bus);
/* The part of vswd_init() that needs no bus: empty state (no bridge, no
 * datapath, no replica) on @loop.  The OpenFlow fuzz target
 * (vswitchd_ofp_fuzz.c) runs the handlers on it: with no datapath open
 * and no replica, datapath calls and status writes do nothing. */
void vswd_init_state(struct vswd *d, struct ev_loop *loop);
/* Brings bridges, ports and datapaths in line with the replica; starts
 * datapath calls as needed; writes status when nothing is pending.
 * Safe to call at any time (a no-op before the first load). */
void vswd_reconcile(struct vswd *d);
/* The interface named @name, or NULL. */
struct vswd_iface *vswd_iface_find(struct vswd *d, const char *name);
/* The row @u of @table in the replica, or NULL. */
const struct ovsdb_row *vswd_row_by_uuid(struct vswd *d, const char *table,
					 const struct ovsdb_uuid *u);
/* The Interface or Open_vSwitch row (NULL if none). */
const struct ovsdb_row *vswd_iface_row(struct vswd *d,
				       const struct vswd_iface *vif);
const struct ovsdb_row *vswd_ovs_row(struct vswd *d);
/* Reading columns of replica rows: the first string ("" if none), the
 * first integer (@dflt if none), a map's value for @key (NULL). */
const char *vswd_str(const struct ovsdb_row *row, const char *col);
int64_t vswd_int(const struct ovsdb_row *row, const char *col, int64_t dflt);
const char *vswd_map(const struct ovsdb_row *row, const char *col,
		     const char *key);

/* vswitchd_dpif.c: upcalld's datapaths over the bus. */
/* Says hello to upcalld (again), learning its boot id and types; a new
 * upcalld resets every datapath and port, then reconciles. */
void vswd_hello(struct vswd *d);
/* The handler of upcalld's hello (it started: its datapaths are new). */
void vswd_on_upcalld_hello(struct bus_req *req, const void *msg, void *aux);
/* The datapath for @type, made (closed) if new. */
struct vswd_dp *vswd_dp_get(struct vswd *d, const char *type);
struct vswd_dp *vswd_dp_by_name(struct vswd *d, const char *name);
/* The port named @name @dp has (as upcalld said last), or NULL. */
struct vswd_dp_port *vswd_dp_port_find(struct vswd_dp *dp, const char *name);
struct vswd_dp *vswd_dp_by_id(struct vswd *d, uint32_t id);
/* Opens @dp (dp_open, then dp_port_dump) if it is closed. */
void vswd_dp_start(struct vswd_dp *dp);
/* Adds @vif's port (dp_port_add); VIF_UP or VIF_ERROR when answered. */
void vswd_dp_port_add(struct vswd *d, struct vswd_iface *vif,
		      enum mvs_vport_type type);
/* Removes port @port_no of @dp (dp_port_del). */
void vswd_dp_port_del(struct vswd_dp *dp, uint32_t port_no);
/* Sends max-idle and flow-limit if they changed. */
void vswd_dp_config(struct vswd_dp *dp);
/* Sets @vif's device administratively up or down (port-mod's
 * OFPPC_PORT_DOWN) and, if @mac is not NULL, its Ethernet address (a
 * bridge's other_config:hwaddr) through upcalld; its state is refreshed
 * (and announced) when upcalld answers.  Fire and forget. */
void vswd_dp_port_set(struct vswd *d, const struct vswd_iface *vif, bool up,
		      const uint8_t *mac);
/* Passes the bridges' meter changes on to their datapaths' meters
 * (dp_meter_set, dp_meter_del); meters of a datapath not open yet wait
 * for it.  Fire and forget. */
void vswd_dp_meters_sync(struct vswd *d);
/* Asks every open datapath with meters for their statistics, which go
 * to the bridges' meters when upcalld answers. */
void vswd_dp_meters_refresh(struct vswd *d);
/* Deletes the datapath meters of @br, which is going away. */
void vswd_dp_meters_forget(struct vswd *d, struct bridge *br);
/* Refreshes every open datapath's ports (link state, statistics). */
void vswd_dp_refresh(struct vswd *d);
/* Deletes flows @ufids of @dp; their last statistics are credited to
 * @ukeys (taken: freed when the answer came). */
void vswd_dp_flow_del(struct vswd_dp *dp, struct ukey **ukeys, size_t n);
/* Checks the boot id of an upcalld message: false (and a reset) if
 * upcalld restarted. */
bool vswd_upcalld_boot(struct vswd *d, uint64_t boot);

/* vswitchd_ofconn.c: OpenFlow to the bridges (ofconn.h). */
/* Makes @dir, where the management sockets go, owned by @uid:@gid (when
 * root: called before dropping privileges).  0 or -errno. */
int vswd_of_prepare_dir(const char *dir, uid_t uid, gid_t gid);
/* Starts OpenFlow: management sockets will be made in @dir. */
void vswd_of_init(struct vswd *d, const char *dir);
/* Listens on DIR/BRIDGE.mgmt for every bridge, stops for the bridges
 * gone (closing their connections); follows Bridge.protocols. */
void vswd_of_sync(struct vswd *d);

/* vswitchd_ofpacket.c: sends the packet-in @pin asks for, of the
 * @len-byte frame @data (@total_len before the datapath cut it), to its
 * bridge's controllers and to the service connections that asked for
 * packet-ins (miss_send_len set), each in the packet-in format it chose
 * (NXT_SET_PACKET_IN_FORMAT) and only those its asynchronous
 * configuration takes.  A paused one (@pin->pause) carries the
 * continuation @frozen (the translation's) to NXT_PACKET_IN2 connections.
 * The frame goes as the header rewrites among the first @pin->odp_len
 * bytes of the translation's datapath actions @odp left it (Open
 * vSwitch's packet-in carries the packet as modified so far).  Blocks
 * nowhere. */
void vswd_of_packet_in(struct vswd *d, const struct xlate_pin *pin,
		       const struct xlate_frozen *frozen,
		       const struct nlbuf *odp, const uint8_t *data, size_t len,
		       size_t total_len);
/* Whether a table miss on each bridge sends the packet to the controllers
 * (bridge.pin_on_miss), as ovs-vswitchd 3.1 behaves (checked with
 * ofproto/trace): while a controller connected with OpenFlow 1.0-1.2, or
 * any service connection (the management socket, ptcp:, punix:) of any
 * version, is there; not for a controller that is not connected, nor for
 * one connected with 1.3 or later.  A change re-translates the bridge's
 * megaflows.  Called when connections come, negotiate and go. */
void vswd_of_miss_sync(struct vswd *d);
/* vswitchd_dpif.c: runs datapath @actions on the @len-byte frame @data
 * with @key in datapath @dp_id (a packet-out); fire and forget. */
void vswd_dp_execute(struct vswd *d, uint32_t dp_id, const struct mvs_key *key,
		     const uint8_t *data, size_t len, const void *actions,
		     size_t actions_len);

/* vswitchd_ofctrl.c: what Open vSwitch writes to a Controller row. */
struct vswd_ctrl_status {
	bool connected;
	const char *state;	      /* ACTIVE, IDLE, BACKOFF, CONNECTING */
	int64_t sec_since_connect;    /* -1: never connected */
	int64_t sec_since_disconnect; /* -1: never disconnected */
	const char *last_error;	      /* NULL: none; static text */
};
/* The status of the active controller of Controller row @row in @st;
 * false if there is none (no such row, a passive or refused target). */
bool vswd_of_controller_status(struct vswd *d, const struct ovsdb_uuid *row,
			       struct vswd_ctrl_status *st);

/* vswitchd_ofctrl.c: whether this vswitchd is still waiting for its
 * controllers to put the flow tables back after it started: until every
 * active controller (tcp:, unix:) has connected and sent a barrier
 * request, or 3 x its inactivity probe (the fail-open delay) has passed
 * since start.  Not waiting once the configuration is applied if no
 * bridge has an active controller.  Meanwhile, revalidation leaves the
 * datapath flows this vswitchd did not make (a previous vswitchd's)
 * alone, as Open vSwitch's flow-restore-wait does for all flows. */
bool vswd_of_restoring(struct vswd *d);

/* vswitchd_status.c */
/* Writes what changed of the status columns (and cur_cfg once nothing
 * is pending) in one transaction; again when one is in flight. */
void vswd_status_write(struct vswd *d);

/* vswitchd_upcall.c */
void vswd_upcall_init(struct vswd *d);
void vswd_on_upcall_batch(struct bus_req *req, const void *msg, void *aux);
void vswd_on_revalidate(struct bus_req *req, const void *msg, void *aux);
/* After anything that may have changed the tables or the MAC tables:
 * publishes a new tables version, invalidates the megaflows whose
 * destinations changed. */
void vswd_tables_check(struct vswd *d);
/* Releases @uk's dependencies (rule references, its block). */
void vswd_ukey_deps_free(struct ukey *uk);
/* Credits @n_packets/@n_bytes to @uk's rules and MACs, then frees it
 * (not in any map any more). */
void vswd_ukey_finish(struct vswd *d, struct ukey *uk, uint64_t n_packets,
		      uint64_t n_bytes, uint64_t used_ms);

/* The text of each command, for the handlers and the tests: 0 and the
 * reply in @out, or -errno and the message in @out. */
int vswitchd_fdb_show(struct vsw *vsw, const char *bridge, struct ds *out);
int vswitchd_fdb_flush(struct vsw *vsw, const char *bridge, struct ds *out);
int vswitchd_fdb_stats_show(struct vsw *vsw, const char *bridge,
			    struct ds *out);
int vswitchd_fdb_stats_clear(struct vsw *vsw, const char *bridge,
			     struct ds *out);
int vswitchd_ofproto_list(struct vsw *vsw, struct ds *out);
int vswitchd_dump_flows(struct vsw *vsw, const char *bridge, bool offload_stats,
			struct ds *out);
int vswitchd_add_flow(struct vsw *vsw, const char *bridge, const char *flow,
		      struct ds *out);
int vswitchd_del_flows(struct vsw *vsw, const char *bridge, const char *flow,
		       struct ds *out);

#endif
