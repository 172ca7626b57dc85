/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofctl: the parts of ovs-ofctl shared by its command files: options,
 * fatal errors worded as Open vSwitch's, and the OpenFlow connection
 * (struct vconn) with the request patterns ovs-ofctl uses, message for
 * message and xid for xid the same as Open vSwitch 3.1's ovs-ofctl, so a
 * switch sees the same conversation.
 */
#ifndef MICROVS_OFCTL_H
#define MICROVS_OFCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ofp_buf.h"
#include "ofp_flow.h"
#include "ofp_msg.h"
#include "util.h"

/* ---- options ---- */

struct ofctl_opts {
	uint32_t allowed_versions;  /* bit N: OpenFlow version N */
	uint32_t allowed_protocols; /* OFP_PROTO_* */
	int verbosity;		    /* -m count */
	bool strict, bundle, readd, may_create, timestamp;
	int use_names;	      /* -1 default, 0 --no-names, 1 --names */
	int show_stats;	      /* --stats (1), --no-stats (0) */
	int packet_in_format; /* -P; -1: default */
	struct ofctl_sort {
		int field; /* -1: priority, else enum ofp_field_id */
		bool desc;
	} * sort;
	size_t n_sort;
	const char *rundir;
};
extern struct ofctl_opts ofctl;

/* Prints "ovs-ofctl: MSG" (and ": strerror(err)" style details when @err
 * is not 0, as Open vSwitch's ovs_fatal does: " (strerror)") to stderr
 * and exits 1. */
void ofctl_fatal(int err, const char *fmt, ...) PRINTF_FMT(2, 3) NORETURN;
/* Prints a log message as Open vSwitch's console log does
 * ("2023-01-01T00:00:00Z|00001|MODULE|LEVEL|MSG"); @level is "WARN" or
 * "INFO". */
void ofctl_log(const char *module, const char *level, const char *msg);

bool ofctl_should_accept_names(void);
bool ofctl_should_show_names(void);

/* ---- connections ---- */

struct vconn {
	int fd;
	char *name;	 /* as ovs-ofctl names it in messages */
	uint8_t version; /* negotiated */
	bool recv_any_version;
};

/* The next transaction id (ovs-ofctl's global counter, from 1). */
uint32_t ofctl_alloc_xid(void);

/* Opens @target (unix:PATH, tcp:IP:PORT, a socket path, or a bridge name
 * looked up as RUNDIR/BRIDGE.mgmt, or .snoop with @snoop) and negotiates
 * a version among ofctl.allowed_versions.  Dies with ovs-ofctl's message
 * on failure.  Returns the flow protocol of the negotiated version. */
uint32_t ofctl_open(const char *target, struct vconn **vconnp, bool snoop);
void ofctl_close(struct vconn *vconn);

/* Sends the message in @b (exactly one message) or dies. */
void ofctl_send(struct vconn *vconn, struct ofpbuf *b);
/* Receives one message into @b (cleared first); returns 0, or -errno
 * (EOF as -EPIPE). Echo requests are answered transparently when
 * @answer_echo. */
int ofctl_recv(struct vconn *vconn, struct ofpbuf *b);
/* Receives or dies ("OpenFlow packet receive failed"-style). */
void ofctl_recv_block(struct vconn *vconn, struct ofpbuf *b);

/* Sends @req and returns its reply (the first message with the same xid)
 * in @reply; dies if the connection fails. */
void ofctl_transact(struct vconn *vconn, struct ofpbuf *req,
		    struct ofpbuf *reply);
/* Sends @req and a barrier; returns true with the error in @reply if the
 * switch answered @req (an error), false when the barrier reply came
 * first. */
bool ofctl_transact_noreply(struct vconn *vconn, struct ofpbuf *req,
			    struct ofpbuf *reply);
/* ovs-ofctl's transact_noreply(): prints a reply (an error) to stderr
 * and exits 1. */
void ofctl_transact_noreply_or_die(struct vconn *vconn, struct ofpbuf *req);
/* Open vSwitch's bundle transaction of the @n messages @reqs (each with
 * its own xid; atomic and ordered, bundle 0): an open and its reply,
 * every request added without waiting, a barrier and its reply, a
 * commit and its reply; then every error that came is printed as
 * ovs-ofctl prints it (with the request of its xid), and one to the open
 * or the commit ends the program ("talking to", EPROTO).  A request the
 * switch refuses when it is added leaves the bundle to commit without
 * it, as Open vSwitch does.  Blocks. */
void ofctl_bundle_transact(struct vconn *vconn, struct ofpbuf *reqs, size_t n);
/* Bundles need OpenFlow 1.3+: without one of them in the allowed
 * versions, allows 1.4 and keeps only 1.3+ (ovs-ofctl's implicit
 * OpenFlow 1.4, for --bundle and the bundle command).  True if it
 * changed them. */
bool ofctl_bundle_versions(void);
/* ovs-ofctl's dump_transaction(): a multipart request prints every reply
 * message until the last; any other request prints its reply. */
void ofctl_dump_transaction(struct vconn *vconn, struct ofpbuf *req);
/* Opens @target, sends a bodiless @raw request and prints the reply. */
void ofctl_dump_trivial(const char *target, enum ofpraw raw);

/* Sends a multipart @req and collects the bodies of all replies, each
 * reply message appended whole to @replies (an array the caller frees
 * with ofctl_replies_free()).  Dies on an error reply. */
struct ofctl_replies {
	size_t n;
	struct ofpbuf *msgs;
};
void ofctl_dump_multipart(struct vconn *vconn, struct ofpbuf *req,
			  struct ofctl_replies *replies);
void ofctl_replies_free(struct ofctl_replies *r);

/* Switches the connection to flow protocol @want if needed (Nicira's
 * flow format and flow-mod table-id extensions); false if the switch
 * refused. */
bool ofctl_try_set_protocol(struct vconn *vconn, uint32_t want, uint32_t *cur);
/* ovs-ofctl's set_protocol_for_flow_dump(). */
uint32_t ofctl_set_protocol_for_flow_dump(struct vconn *vconn, uint32_t cur,
					  uint32_t usable);
/* ovs-ofctl's open_vconn_for_flow_mod(). */
uint32_t ofctl_open_for_flow_mod(const char *target, struct vconn **vconnp,
				 uint32_t usable);

/* Port and table names of a target, fetched once per target (the
 * connection ovs-ofctl opens to list them), NULL when names are off. */
const struct ofp_port_map *ofctl_ports_to_accept(const char *target);
const struct ofp_port_map *ofctl_ports_to_show(const char *target);
/* Fetches the table names (ovs-ofctl 3.1 does for every command that
 * parses flows); tables are looked up by number only here. */
void ofctl_tables_to_accept(const char *target);
void ofctl_tables_to_show(const char *target);

/* Finds port @name (a number or a name) on @target or dies ("%s:
 * couldn't find port `%s'"). */
struct ofp_phy_port;
void ofctl_fetch_port(const char *target, const char *name,
		      struct ofp_phy_port *pp);
/* A port given by number, reserved name or (through the target's
 * names) by name; dies with "%s: unknown port `%s'". */
uint32_t ofctl_str_to_port(const char *target, const char *name);

/* Prints the @len-byte message at @data to @f as ofp-print does. */
void ofctl_print(FILE *f, const void *data, size_t len,
		 const struct ofp_port_map *ports, int verbosity);

/* ---- commands ---- */

struct ofctl_command {
	const char *name;
	int min_args, max_args;
	void (*handler)(int argc, char *argv[]);
};

/* Parses flow-mod @line; @command -2: the line may start with a command
 * name (add, modify, modify_strict, delete, delete_strict, or a prefix of
 * one), add by default.  NULL or a malloc'd error; *@usable: the
 * protocols it fits. */
struct ofp_flow_mod;
char *ofctl_parse_flow_mod(struct ofp_flow_mod *fm, const char *line,
			   int command, const struct ofp_port_map *ports,
			   uint32_t *usable);
/* Reads the flow-mods of @file ("-": stdin), each line in @command's
 * syntax (-2: a line may start with a command name); dies with
 * "FILE:LINE: ERR".  Returns a malloc'd array of *@n_fms flow-mods the
 * caller uninits and frees; *@usable: the protocols all of them fit. */
struct ofp_flow_mod;
struct ofp_flow_mod *ofctl_parse_flow_file(const char *file, int command,
					   const struct ofp_port_map *ports,
					   size_t *n_fms, uint32_t *usable);

/* The command tables of the command files. */
extern const struct ofctl_command ofctl_flow_commands[];
extern const struct ofctl_command ofctl_switch_commands[];
extern const struct ofctl_command ofctl_group_commands[];
extern const struct ofctl_command ofctl_parse_commands[];
extern const struct ofctl_command ofctl_bundle_commands[];

/* Reads the next line of a flow or group file as Open vSwitch's
 * ds_get_preprocessed_line(): comments and surrounding blanks dropped,
 * blank lines skipped.  Returns false at the end. */
bool ofctl_read_line(FILE *f, struct ds *line, int *line_number);
/* Reads @file ("-": stdin) a line at a time (ofctl_read_line()) and
 * calls @parse on each with @aux; dies with "FILE: open failed (ERR)",
 * or "FILE:LINE: ERR" for the malloc'd error @parse returns. */
void ofctl_parse_file(const char *file,
		      char *(*parse)(const char *line, void *aux), void *aux);

#endif
