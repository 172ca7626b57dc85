/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofconn.h: OpenFlow connections inside vswitchd, one section per file:
 *
 *   vswitchd_ofconn.c  the per-bridge management sockets
 *                      (RUNDIR/vswitchd/BRIDGE.mgmt), connections:
 *                      framing, hello and version negotiation, the output
 *                      queue, the dispatch of each message to its handler
 *   vswitchd_ofmsg.c   the handlers of the switch's own messages: echo,
 *                      features, switch config, barrier, descriptions,
 *                      port descriptions, table statistics, the Nicira
 *                      protocol switches
 *   vswitchd_offlow.c  the handlers about flows: flow-mod, flow and
 *                      aggregate statistics
 *   vswitchd_oftable.c table statistics and table features
 *   vswitchd_ofctrl.c  controllers: targets, backoff, status, restore
 *                      wait
 *   vswitchd_ofpacket.c packet-in and packet-out
 *   vswitchd_ofrole.c  controller roles
 *   vswitchd_ofport.c  port-status messages
 *   vswitchd_ofgroup.c group-mod, group description, statistics and
 *                      features
 *   vswitchd_ofmeter.c meter-mod, meter config, statistics and features
 *   vswitchd_ofbundle.c bundles: control, add, the atomic commit
 *   vswitchd_ofssl.c   the TLS context of ssl: and pssl: controllers
 *   vswitchd_ofasync.c the asynchronous-message configuration of each
 *                      connection: which packet-ins, port-status and
 *                      flow-removed messages it gets
 *
 * Everything a peer sends is parsed here, in vswitchd, which holds no
 * capability; a malformed message gets an OpenFlow error and the
 * connection lives on.  Everything runs on the loop thread.
 */
#ifndef MICROVS_VSWITCHD_OFCONN_H
#define MICROVS_VSWITCHD_OFCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "list.h"
#include "ofp_async.h"
#include "ofp_buf.h"
#include "ofp_msg.h"
#include "vswitchd.h"

struct ev_io;
struct ev_timer;
struct ofctrl;
struct ofssl;
struct tls_ctx;
struct tls_stream;

/* vswitchd's OpenFlow state (vswd.of). */
struct vswd_of {
	struct vswd *d;
	char *dir;
	struct hmap listeners;	/* struct oflisten, by bridge id */
	struct hmap ctrls;	/* struct ofctrl, by Controller row */
	struct list_node conns; /* struct ofconn */
	struct hmap port_seen;	/* struct ofport_seen, by bridge id */
	uint64_t gen_id;	/* the newest role generation id seen */
	uint64_t status_ms;	/* when controllers' status was last written */
	bool tables_dirty;	/* flow-mods to publish (vswd_tables_check) */
	bool gen_id_set;
	bool restoring;		  /* vswd_of_restoring() */
	uint64_t start_ms;	  /* when OpenFlow started */
	struct ev_timer *publish; /* publishes tables_dirty soon */
	bool publish_armed;
	uint64_t last_publish_ms;
	struct ofssl *ssl; /* vswitchd_ofssl.c; NULL until needed */
	/* This vswitchd's half of the bridge names continuations carry
	 * (the other half is the bridge's id): one from another run is
	 * stale. */
	uint64_t run_tag;
};

/* Publishes the flow tables' change (tables_dirty) soon, with whatever
 * other changes come meanwhile. */
void ofconn_publish_soon(struct vswd_of *of);

/* One OpenFlow connection to a bridge. */
struct ofconn {
	struct list_node node; /* in vswd_of.conns */
	struct vswd *d;
	uint64_t bridge_id; /* its bridge (vsw_bridge_by_id) */
	int fd;
	struct ev_io *io;
	struct tls_stream *tls;	 /* NULL: plain TCP or unix */
	bool tls_read_wants_out; /* a TLS read waits for EPOLLOUT */
	bool tls_write_wants_in; /* a TLS write waits for EPOLLIN */
	uint8_t *rbuf;		 /* bytes received, not yet a whole message */
	size_t rlen, rcap;
	struct ofpbuf out; /* bytes to send */
	size_t out_ofs;	   /* of them already sent */
	uint32_t allowed;  /* versions the bridge allows (bitmap) */
	uint8_t version;   /* negotiated; 0 before the peer's hello */
	uint32_t protocol; /* OFP_PROTO_* in effect */
	uint16_t miss_send_len;
	uint8_t pin_format;	  /* NXPIF_*: its packet-ins' format */
	bool closing;		  /* close once the output is sent */
	struct ofctrl *ctrl;	  /* the controller it is to; NULL: service */
	uint8_t role;		  /* OFPCR12_ROLE_*; 0 (no change): equal */
	unsigned probe_ms;	  /* inactivity probe interval; 0: none */
	uint64_t rx_ms;		  /* when bytes last came in (or it opened) */
	uint64_t probe_sent_ms;	  /* an echo request unanswered since; 0 */
	int error;		  /* why it closes: errno or OFCONN_EOF; 0 */
	struct list_node bundles; /* struct ofbundle (vswitchd_ofbundle.c) */
	/* What set-async set (async_set); the version's default before. */
	struct ofp_async_cfg async;
	bool async_set;
};

/* ofconn.error when the peer closed the connection (Open vSwitch's EOF,
 * "End of file"). */
#define OFCONN_EOF (-1)

/* vswitchd_ofconn.c */

/* A connection on @fd (non-blocking, taken) to bridge @bridge_id, which
 * allows @allowed versions; @ctrl is the controller it goes to (NULL: a
 * service connection).  @tls (taken; NULL: none) is the TLS stream on @fd:
 * everything goes through it, and a handshake still under way finishes
 * first.  Says hello.  NULL if it could not be polled (fd and stream
 * closed). */
struct ofconn *ofconn_new(struct vswd *d, uint64_t bridge_id, int fd,
			  uint32_t allowed, struct ofctrl *ctrl,
			  struct tls_stream *tls);
/* The seam of the fuzz target (vswitchd_ofp_fuzz.c): handles @len bytes
 * as if @c had read them from its socket (framing, then each whole
 * message's handler; a partial message waits for more).  The socket path
 * reads into the same buffer and runs the same code.  Replies go out on
 * @c's socket as usual.  Nothing if @c is closing. */
void ofconn_input(struct ofconn *c, const void *data, size_t len);
/* Closes @c at once without telling its controller. */
void ofconn_close(struct ofconn *c);
/* Sends an echo request on every connection with a probe interval that
 * has been silent for one, and closes (ETIMEDOUT) those still silent one
 * interval after it; @now is time_mono_ms().  Called periodically. */
void ofconn_run_probes(struct vswd *d, uint64_t now);
/* "End of file" for OFCONN_EOF, else strerror(@error). */
const char *ofconn_error_string(int error);
/* Listens on a new unix socket at @path (mode 0770; a stale file there is
 * removed) into *@fdp (non-blocking).  0 or -errno. */
int ofconn_listen_unix(const char *path, int *fdp);
/* The versions Bridge.protocols of bridge @name allows (a bitmap; all of
 * OpenFlow 1.0-1.5 if empty). */
uint32_t ofconn_bridge_versions(struct vswd *d, const char *name);

/* The bytes of @b (whole messages) go out on @c; a peer that stops
 * reading is dropped once too much is queued. */
void ofconn_send(struct ofconn *c, struct ofpbuf *b);
/* Sends the error @e in reply to @m (its first bytes as data). */
void ofconn_send_error(struct ofconn *c, enum ofperr e,
		       const struct ofp_msg *m);
/* @c's bridge, or NULL if it went away. */
struct bridge *ofconn_bridge(const struct ofconn *c);
/* The first message kind of @type that exists in @version (a standard
 * one before a Nicira one), or OFPRAW_NONE. */
enum ofpraw ofconn_raw_for(enum ofptype type, uint8_t version);

/* vswitchd_ofctrl.c: controllers (Bridge.controller). */

/* Follows the Controller rows of every bridge: connects to new tcp: and
 * unix: targets, listens on new ptcp: and punix: ones, drops the ones
 * gone. */
void ofctrl_sync(struct vswd *d);
/* Starts the fail-open watch. */
void ofctrl_init(struct vswd *d);
/* @ctrl's connection closed because of @error (errno, OFCONN_EOF or 0):
 * try again after the backoff. */
void ofctrl_conn_closed(struct ofctrl *ctrl, int error);
/* @ctrl's connection sent an inactivity probe (its state is IDLE). */
void ofctrl_conn_idle(struct ofctrl *ctrl);
/* @ctrl's connection sent a barrier request: its flows are in (the end
 * of the restore wait, vswd_of_restoring()). */
void ofctrl_conn_barrier(struct ofctrl *ctrl);

/* vswitchd_ofssl.c: the TLS context of SSL controllers, from the SSL row
 * Open_vSwitch.ssl names, built again (from the files) if the row or a
 * file changed since the last call.  NULL when it cannot be used: *@whyp
 * then says why ("Private key must be configured to use SSL", "PATH:
 * stat: Permission denied"...; owned here, valid until the next call).
 * The context is borrowed: take a reference (a stream does) to keep it.
 * Reads files; never blocks otherwise. */
struct tls_ctx *ofssl_ctx(struct vswd *d, const char **whyp);

/* vswitchd_ofmsg.c and vswitchd_offlow.c: the handlers.  Each returns 0
 * (it sent what it had to) or the error to send back. */
typedef enum ofperr ofconn_handler(struct ofconn *c, const struct ofp_msg *m);

/* @port as OpenFlow describes it (vswitchd_ofmsg.c). */
struct ofp_phy_port;
void ofconn_phy_port(struct vswd *d, const struct port *port,
		     struct ofp_phy_port *pp);
/* Announces (port-status) the ports added to, deleted from or changed in
 * each bridge since the last call (vswitchd_ofport.c). */
void ofport_sync(struct vswd *d);
/* Port-mod (vswitchd_ofport.c): OFPPC_NO_RECV, _NO_FLOOD, _NO_FWD and
 * _NO_PACKET_IN on the port (translation honours NO_FLOOD and NO_FWD
 * where Open vSwitch 3.1 does), PORT_DOWN on
 * the device through upcalld, as Open vSwitch does; OFPPMFC_BAD_PORT,
 * OFPPMFC_BAD_HW_ADDR as it answers. */
enum ofperr ofconn_port_mod(struct ofconn *c, const struct ofp_msg *m);

/* Port-mod's two halves (a bundle checks all before it applies any):
 * the port @pm addresses on @c's bridge into *@portp, or the error
 * (OFPPMFC_BAD_PORT, OFPPMFC_BAD_HW_ADDR); then its change of @port. */
struct ofp_port_mod;
enum ofperr ofconn_port_mod_check(struct ofconn *c,
				  const struct ofp_port_mod *pm,
				  struct port **portp);
void ofconn_port_mod_apply(struct ofconn *c, struct port *port,
			   const struct ofp_port_mod *pm);

/* The handler of @type, or NULL (the message is refused). */
ofconn_handler *ofconn_handler_for(enum ofptype type);

enum ofperr ofconn_flow_mod(struct ofconn *c, const struct ofp_msg *m);
/* Flow-mod's two halves (a bundle decodes when a message is added and
 * applies at the commit): decodes @m from @c into *@fm (to release with
 * ofp_flow_mod_uninit() on success) with the checks Open vSwitch makes
 * before it looks at the tables, or returns the error; applies @fm to
 * @br's tables (meters and groups its actions use must exist) and marks
 * them for publication, or returns the error with nothing changed. */
struct ofp_flow_mod;
enum ofperr ofconn_flow_mod_decode(struct ofconn *c, const struct ofp_msg *m,
				   struct ofp_flow_mod *fm);
enum ofperr ofconn_flow_mod_apply(struct vswd *d, struct bridge *br,
				  const struct ofp_flow_mod *fm);
/* The @aux of ofconn_rule_removed(): the bridge whose rules go. */
struct ofconn_removed {
	struct vswd *d;
	uint64_t bridge_id;
};
/* Sends a flow-removed for @r (if it asked) to the bridge's controllers
 * and to the service connections that asked for asynchronous messages
 * (the @removed callback of tables_flow_mod() and groups_mod()). */
void ofconn_rule_removed(struct rule *r, enum rule_removed_reason why,
			 void *aux);
/* Starts the expiry of flows with timeouts (vswitchd_offlow.c). */
void ofconn_flow_init(struct vswd *d);
enum ofperr ofconn_flow_stats(struct ofconn *c, const struct ofp_msg *m);
/* Role request (vswitchd_ofrole.c). */
enum ofperr ofconn_role_request(struct ofconn *c, const struct ofp_msg *m);
/* Packet-out (vswitchd_ofpacket.c). */
enum ofperr ofconn_packet_out(struct ofconn *c, const struct ofp_msg *m);
/* NXT_RESUME (vswitchd_ofpacket.c): the continuation of a paused
 * translation goes on with the packet and metadata the message gives;
 * Open vSwitch 3.1's errors for a bad message (the packet-in2 decoder's,
 * the continuation's: OFPBPC_BAD_LEN, OFPBPC_BAD_TYPE, action errors) and
 * NXR_STALE for a continuation of no bridge of this run. */
enum ofperr ofconn_resume(struct ofconn *c, const struct ofp_msg *m);
/* NXT_SET_PACKET_IN_FORMAT: standard, nxt_packet_in or nxt_packet_in2 for
 * @c's packet-ins from now on; OFPBRC_EPERM for another value, as Open
 * vSwitch 3.1 answers, OFPBRC_BAD_LEN for a body not of 4 bytes. */
enum ofperr ofconn_set_packet_in_format(struct ofconn *c,
					const struct ofp_msg *m);
/* Table statistics, table features and table-mod
 * (vswitchd_oftable.c). */
enum ofperr ofconn_table_msg(struct ofconn *c, const struct ofp_msg *m);
/* Group-mod, group description, statistics and features
 * (vswitchd_ofgroup.c). */
enum ofperr ofconn_group_mod(struct ofconn *c, const struct ofp_msg *m);
enum ofperr ofconn_group_stats(struct ofconn *c, const struct ofp_msg *m);
/* Starts the watch of the ports that fast failover buckets watch. */
void ofconn_group_init(struct vswd *d);
/* Meter-mod, meter config, statistics and features
 * (vswitchd_ofmeter.c). */
enum ofperr ofconn_meter_mod(struct ofconn *c, const struct ofp_msg *m);
/* Starts the refresh of the meters' statistics from the datapaths. */
void ofconn_meter_init(struct vswd *d);
enum ofperr ofconn_meter_stats(struct ofconn *c, const struct ofp_msg *m);

/* vswitchd_ofasync.c: set-async (OpenFlow 1.3's, 1.4's, Nicira's two)
 * and get-async request, as Open vSwitch 3.1 answers them. */
enum ofperr ofconn_set_async(struct ofconn *c, const struct ofp_msg *m);
enum ofperr ofconn_get_async(struct ofconn *c, const struct ofp_msg *m);
/* Whether @c takes an asynchronous message of kind @t for @reason (a bit
 * number of its masks: OFPR_* or OFP_ASYNC_PIN_*_MISS, OFPPR_*,
 * OFPRR_*): its configuration for its role (secondaries' masks for a
 * secondary, primaries' otherwise); never before its hello, nor on a
 * service connection that set no miss_send_len (Open vSwitch's rule). */
bool ofconn_wants_async(const struct ofconn *c, enum ofp_async_type t,
			unsigned reason);

/* Bundle control and bundle-add (vswitchd_ofbundle.c): Open vSwitch
 * 3.1's per-connection bundles, committed all or nothing. */
enum ofperr ofconn_bundle_msg(struct ofconn *c, const struct ofp_msg *m);
/* Drops @c's bundles (its connection closes). */
void ofconn_bundles_free(struct ofconn *c);
/* Starts the expiry of bundles idle for 10 s (OFPBFC_TIMEOUT). */
void ofconn_bundle_init(struct vswd *d);

/* A reply under way that may grow into several multipart messages:
 * ofconn_mp_start() begins a reply to @request, ofconn_mp_room() closes
 * the current message with OFPSF_REPLY_MORE and opens the next when it
 * holds more than 32 kB, ofconn_mp_finish() sends them all. */
struct ofconn_mp {
	struct ofpbuf b;
	size_t start; /* of the message being filled */
	enum ofpraw raw;
	uint8_t version;
	uint32_t xid;
};
void ofconn_mp_start(struct ofconn_mp *mp, const struct ofp_msg *request);
void ofconn_mp_room(struct ofconn_mp *mp);
/* As ofconn_mp_room(), and when it closes a message, sends the messages
 * closed so far to @c (queued if the peer is not reading yet): the peer
 * then reads a long reply while the rest is encoded, instead of after. */
void ofconn_mp_room_send(struct ofconn *c, struct ofconn_mp *mp);
void ofconn_mp_finish(struct ofconn *c, struct ofconn_mp *mp);

#endif
