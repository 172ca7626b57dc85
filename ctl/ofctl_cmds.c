/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofctl_cmds: ovs-ofctl's switch commands: show, dump-desc, dump-tables,
 * dump-table-features, dump-ports(-desc), mod-port, mod-table,
 * get-frags/set-frags, packet-out, monitor, snoop, ofp-print, and the TLV
 * map (add-tlv-map, del-tlv-map, dump-tlv-map).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ofctl.h"
#include "ofp_packet.h"
#include "ofp_port.h"
#include "ofp_print.h"
#include "ofp_protocol.h"
#include "ofp_table.h"
#include "ofp_tlv.h"

static void
encode_simple(struct ofpbuf *b, enum ofpraw raw, uint8_t version)
{
	ofp_msg_finish(b, ofp_msg_start(b, raw, version, ofctl_alloc_xid()));
}

static void
cmd_show(int argc, char *argv[])
{
	struct vconn *vconn;
	struct ofpbuf req, reply;
	bool has_ports;

	(void)argc;
	ofctl_open(argv[1], &vconn, false);
	ofpbuf_init(&req);
	ofpbuf_init(&reply);
	encode_simple(&req, OFPRAW_FEATURES_REQUEST, vconn->version);
	ofctl_transact(vconn, &req, &reply);
	has_ports = ofp_switch_features_has_ports(vconn->version, reply.size);
	ofctl_print(stdout, reply.data, reply.size, NULL, ofctl.verbosity + 1);
	if (!has_ports) {
		req.size = 0;
		ofp_encode_port_desc_request(&req, vconn->version, OFPP_NONE,
					     ofctl_alloc_xid());
		ofctl_dump_transaction(vconn, &req);
	}
	ofpbuf_uninit(&req);
	ofpbuf_uninit(&reply);
	ofctl_dump_trivial(argv[1], OFPRAW_GET_CONFIG_REQUEST);
	ofctl_close(vconn);
}

static void
cmd_dump_desc(int argc, char *argv[])
{
	(void)argc;
	ofctl_dump_trivial(argv[1], OFPRAW_DESC_REQUEST);
}

static void
cmd_dump_tables(int argc, char *argv[])
{
	(void)argc;
	ofctl_dump_trivial(argv[1], OFPRAW_TABLE_REQUEST);
}

static void
cmd_dump_table_features(int argc, char *argv[])
{
	struct ofp_table_features *tf = xmalloc(2 * sizeof *tf);
	struct vconn *vconn;
	struct ofpbuf req, reply;
	struct ds s = DS_EMPTY;
	uint32_t xid;
	bool done = false;
	int n = 0, first = -1, last = -1;

	(void)argc;
	ofctl_open(argv[1], &vconn, false);
	if (vconn->version < OFP13_VERSION)
		ofctl_fatal(0,
			    "dump-table-features needs OpenFlow 1.3 or later "
			    "('-O OpenFlow13')");
	ofpbuf_init(&req);
	ofpbuf_init(&reply);
	xid = ofctl_alloc_xid();
	ofp_msg_finish(
		&req, ofp_msg_start(&req, OFPRAW_OFPST13_TABLE_FEATURES_REQUEST,
				    vconn->version, xid));
	ofctl_send(vconn, &req);
	while (!done) {
		struct ofp_msg m;
		enum ofperr e;

		ofctl_recv_block(vconn, &reply);
		if (get_be32(reply.data + 4) != xid)
			continue;
		e = ofp_msg_decode(reply.data, reply.size, &m);
		if (e)
			ofctl_fatal(0, "decode error: %s", ofperr_name(e));
		if (m.type == OFPTYPE_ERROR) {
			ofctl_print(stdout, reply.data, reply.size, NULL,
				    ofctl.verbosity + 1);
			done = true;
		} else if (m.type == OFPTYPE_TABLE_FEATURES_STATS_REPLY) {
			struct ofp_reader r =
				ofp_reader_init(m.body, m.body_len);

			done = !(m.mp_flags & OFPSF_REPLY_MORE);
			for (;;) {
				int cur = n & 1;
				int retval = ofp_pull_table_features(
					&m, &r, &tf[cur], true);
				if (retval) {
					if (retval != EOF)
						ofctl_fatal(
							0, "decode error: %s",
							ofperr_name(
								(enum ofperr)
									retval));
					break;
				}
				ofp_table_features_format(
					&s, &tf[cur], n ? &tf[!cur] : NULL,
					NULL, NULL, &first, &last);
				n++;
			}
		} else {
			char *text = ofp_to_string(reply.data, reply.size, NULL,
						   ofctl.verbosity + 1);
			ofctl_fatal(0, "received bad reply: %s", text);
		}
	}
	ofp_table_features_format_finish(&s, first, last);
	if (s.len)
		printf("%s\n", ds_cstr(&s) + (s.s[0] == '\n'));
	ds_free(&s);
	free(tf);
	ofpbuf_uninit(&req);
	ofpbuf_uninit(&reply);
	ofctl_close(vconn);
}

/* A port statistics or description request for the port named by the
 * optional third argument (all ports without it), dumped. */
static void
dump_port_request(int argc, char *argv[],
		  void (*encode)(struct ofpbuf *, uint8_t, uint32_t, uint32_t))
{
	struct vconn *vconn;
	struct ofpbuf req;
	uint32_t port;

	ofctl_open(argv[1], &vconn, false);
	port = argc > 2 ? ofctl_str_to_port(argv[1], argv[2]) : OFPP_NONE;
	ofpbuf_init(&req);
	encode(&req, vconn->version, port, ofctl_alloc_xid());
	ofctl_dump_transaction(vconn, &req);
	ofpbuf_uninit(&req);
	ofctl_close(vconn);
}

static void
cmd_dump_ports(int argc, char *argv[])
{
	dump_port_request(argc, argv, ofp_encode_port_stats_request);
}

static void
cmd_dump_ports_desc(int argc, char *argv[])
{
	dump_port_request(argc, argv, ofp_encode_port_desc_request);
}

static void
cmd_mod_port(int argc, char *argv[])
{
	static const struct {
		const char *name;
		uint32_t bit;
		bool on;
	} flags[] = {
		{ "up", OFPPC_PORT_DOWN, false },
		{ "down", OFPPC_PORT_DOWN, true },
		{ "stp", OFPPC_NO_STP, false },
		{ "receive", OFPPC_NO_RECV, false },
		{ "receive-stp", OFPPC_NO_RECV_STP, false },
		{ "flood", OFPPC_NO_FLOOD, false },
		{ "forward", OFPPC_NO_FWD, false },
		{ "packet-in", OFPPC_NO_PACKET_IN, false },
	};
	struct ofp_phy_port pp;
	struct ofp_port_mod pm;
	struct vconn *vconn;
	struct ofpbuf req;
	const char *command = argv[3];
	bool not = false;

	(void)argc;
	ofctl_fetch_port(argv[1], argv[2], &pp);
	memset(&pm, 0, sizeof pm);
	pm.port_no = pp.port_no;
	memcpy(pm.hw_addr, pp.hw_addr, 6);
	if (!strncasecmp(command, "no-", 3)) {
		command += 3;
		not = true;
	} else if (!strncasecmp(command, "no", 2)) {
		command += 2;
		not = true;
	}
	size_t i;
	for (i = 0; i < ARRAY_SIZE(flags); i++)
		if (!strcasecmp(command, flags[i].name)) {
			pm.mask = flags[i].bit;
			pm.config = (flags[i].on ^ not ) ? flags[i].bit : 0;
			break;
		}
	if (i == ARRAY_SIZE(flags))
		ofctl_fatal(0, "unknown mod-port command '%s'", argv[3]);
	ofctl_open(argv[1], &vconn, false);
	ofpbuf_init(&req);
	ofp_encode_port_mod(&req, &pm, vconn->version, ofctl_alloc_xid());
	ofctl_transact_noreply_or_die(vconn, &req);
	ofpbuf_uninit(&req);
	ofctl_close(vconn);
}

/* ---- switch configuration ---- */

static void
fetch_config(struct vconn *vconn, struct ofp_switch_config *sc)
{
	struct ofpbuf req, reply;
	struct ofp_msg m;

	ofpbuf_init(&req);
	ofpbuf_init(&reply);
	encode_simple(&req, OFPRAW_GET_CONFIG_REQUEST, vconn->version);
	ofctl_transact(vconn, &req, &reply);
	if (ofp_msg_decode(reply.data, reply.size, &m) ||
	    m.type != OFPTYPE_GET_CONFIG_REPLY)
		ofctl_fatal(0, "%s: bad reply to config request", vconn->name);
	ofp_decode_switch_config(&m, sc);
	ofpbuf_uninit(&req);
	ofpbuf_uninit(&reply);
}

static void
set_config(struct vconn *vconn, const struct ofp_switch_config *sc)
{
	struct ofpbuf req;

	ofpbuf_init(&req);
	ofp_encode_switch_config(&req, sc, OFPRAW_SET_CONFIG, vconn->version,
				 ofctl_alloc_xid());
	ofctl_transact_noreply_or_die(vconn, &req);
	ofpbuf_uninit(&req);
}

static void
cmd_get_frags(int argc, char *argv[])
{
	struct ofp_switch_config sc;
	struct vconn *vconn;

	(void)argc;
	ofctl_open(argv[1], &vconn, false);
	fetch_config(vconn, &sc);
	puts(ofp_frag_name(sc.frag));
	ofctl_close(vconn);
}

static void
cmd_set_frags(int argc, char *argv[])
{
	static const char *const names[] = { "normal", "drop", "reassemble",
					     "nx-match" };
	struct ofp_switch_config sc;
	struct vconn *vconn;
	int frag = -1;

	(void)argc;
	for (int i = 0; i < 4; i++)
		if (!strcasecmp(argv[2], names[i]))
			frag = i;
	if (frag < 0)
		ofctl_fatal(0, "%s: unknown fragment handling mode", argv[2]);
	ofctl_open(argv[1], &vconn, false);
	fetch_config(vconn, &sc);
	if ((int)sc.frag != frag) {
		sc.frag = (enum ofp_frag)frag;
		set_config(vconn, &sc);
		fetch_config(vconn, &sc);
		if ((int)sc.frag != frag)
			ofctl_fatal(
				0,
				"%s: setting fragment handling mode failed "
				"(this switch probably doesn't support mode "
				"\"%s\")",
				argv[1], names[frag]);
	}
	ofctl_close(vconn);
}

static void
cmd_mod_table(int argc, char *argv[])
{
	struct ofp_table_mod tm;
	struct vconn *vconn;
	struct ofpbuf req;
	uint32_t usable_versions = 0;
	const char *setting = argv[3];

	(void)argc;
	ofctl_tables_to_accept(argv[1]);
	memset(&tm, 0, sizeof tm);
	tm.eviction = tm.vacancy = -1;
	if (!strcasecmp(argv[2], "all")) {
		tm.table_id = OFPTT_ALL;
	} else {
		char *end;
		unsigned long t = strtoul(argv[2], &end, 10);
		if (!*argv[2] || *end || t > 255)
			ofctl_fatal(0, "unknown table \"%s\"", argv[2]);
		tm.table_id = (uint8_t)t;
	}
	if (!strcmp(setting, "controller") || !strcmp(setting, "continue") ||
	    !strcmp(setting, "drop")) {
		tm.miss = !strcmp(setting, "controller")
				  ? OFP_TABLE_MISS_CONTROLLER
			  : !strcmp(setting, "continue")
				  ? OFP_TABLE_MISS_CONTINUE
				  : OFP_TABLE_MISS_DROP;
		usable_versions = (1u << OFP11_VERSION) | (1u << OFP12_VERSION);
	} else if (!strcmp(setting, "evict") || !strcmp(setting, "noevict")) {
		tm.eviction = !strcmp(setting, "evict");
		usable_versions = (1u << OFP14_VERSION) | (1u << OFP15_VERSION);
	} else if (!strcmp(setting, "novacancy")) {
		tm.vacancy = 0;
		usable_versions = (1u << OFP14_VERSION) | (1u << OFP15_VERSION);
	} else {
		ofctl_fatal(0, "invalid table_mod setting %s", setting);
	}
	if (tm.table_id == 0xfe && tm.miss == OFP_TABLE_MISS_CONTINUE)
		ofctl_fatal(0, "last table's flow miss handling can not be "
			       "continue");
	if (!(ofctl.allowed_versions & usable_versions)) {
		struct ds v = DS_EMPTY;
		for (int i = 1; i < 32; i++)
			if (usable_versions & (1u << i))
				ds_printf(&v, "%s%s", v.len ? ", " : "",
					  ofp_version_name((uint8_t)i));
		ofctl_fatal(0,
			    "table_mod '%s' requires one of the OpenFlow "
			    "versions %s",
			    setting, ds_cstr(&v));
	}
	ofctl.allowed_versions &= usable_versions;
	ofctl_open(argv[1], &vconn, false);
	ofpbuf_init(&req);
	ofp_encode_table_mod(&req, &tm, vconn->version, ofctl_alloc_xid());
	ofctl_transact_noreply_or_die(vconn, &req);
	ofpbuf_uninit(&req);
	ofctl_close(vconn);
}

/* ---- packets ---- */

/* add-tlv-map, del-tlv-map (with mappings: DELETE, without: CLEAR). */
static void
tlv_mod(int argc, char *argv[], enum ofp_tlv_command command)
{
	struct ofp_tlv_mod mod = { .command = command };
	struct vconn *vconn;
	struct ofpbuf req;
	uint32_t protocol;
	char *error = ofp_parse_tlv_maps(argc > 2 ? argv[2] : "", &mod);

	if (error)
		ofctl_fatal(0, "%s", error);
	protocol = ofctl_open_for_flow_mod(
		argv[1], &vconn, OFP_PROTO_OF10_NXM_ANY | OFP_PROTO_ANY_OXM);
	ofpbuf_init(&req);
	ofp_encode_tlv_mod(&req, ofp_protocol_to_version(protocol), &mod,
			   ofctl_alloc_xid());
	ofctl_transact_noreply_or_die(vconn, &req);
	ofpbuf_uninit(&req);
	ofp_tlv_mod_free(&mod);
	ofctl_close(vconn);
}

static void
cmd_add_tlv_map(int argc, char *argv[])
{
	tlv_mod(argc, argv, OFP_TLV_ADD);
}

static void
cmd_del_tlv_map(int argc, char *argv[])
{
	tlv_mod(argc, argv, argc > 2 ? OFP_TLV_DELETE : OFP_TLV_CLEAR);
}

static void
cmd_dump_tlv_map(int argc, char *argv[])
{
	(void)argc;
	ofctl_dump_trivial(argv[1], OFPRAW_NXT_TLV_TABLE_REQUEST);
}

static void
cmd_packet_out(int argc, char *argv[])
{
	struct ofp_packet_out po;
	struct vconn *vconn;
	struct ofpbuf req;
	uint32_t usable, protocol;
	char *error;

	if (argc == 3) {
		error = ofp_packet_out_parse(
			&po, argv[2], ofctl_ports_to_accept(argv[1]), &usable);
		if (error)
			ofctl_fatal(0, "%s", error);
		protocol = ofctl_open_for_flow_mod(argv[1], &vconn, usable);
		ofpbuf_init(&req);
		ofp_encode_packet_out(&req, &po,
				      ofp_protocol_to_version(protocol),
				      ofctl_alloc_xid());
		ofctl_transact_noreply_or_die(vconn, &req);
		ofpbuf_uninit(&req);
		ofp_packet_out_uninit(&po);
		ofctl_close(vconn);
		return;
	}
	if (argc < 5)
		ofctl_fatal(0, "Too many arguments (%d)", argc);

	/* The old syntax: IN_PORT ACTIONS PACKET... */
	memset(&po, 0, sizeof po);
	ofpacts_init(&po.acts);
	po.buffer_id = UINT32_MAX;
	error = ofpacts_parse_actions(argv[3], ofctl_ports_to_accept(argv[1]),
				      &po.acts, &usable);
	if (error)
		ofctl_fatal(0, "%s", error);
	po.metadata.flow.in_port = ofctl_str_to_port(argv[1], argv[2]);
	po.metadata.mask.in_port = 0xffffffffu;
	protocol = ofctl_open_for_flow_mod(argv[1], &vconn, usable);
	for (int i = 4; i < argc; i++) {
		struct ofpbuf pkt;

		ofpbuf_init(&pkt);
		error = ofp_parse_hex(argv[i], &pkt);
		if (error)
			ofctl_fatal(0, "Trailing garbage in packet data");
		if (pkt.size < 14)
			ofctl_fatal(0, "Packet data too short for Ethernet");
		po.packet = pkt.data;
		po.packet_len = pkt.size;
		ofpbuf_init(&req);
		ofp_encode_packet_out(&req, &po,
				      ofp_protocol_to_version(protocol),
				      ofctl_alloc_xid());
		ofctl_transact_noreply_or_die(vconn, &req);
		ofpbuf_uninit(&req);
		ofpbuf_uninit(&pkt);
	}
	po.packet = NULL;
	ofp_packet_out_uninit(&po);
	ofctl_close(vconn);
}

/* Prints every message from @vconn to stderr until it closes. */
static void
monitor_vconn(struct vconn *vconn, bool reply_to_echo)
{
	struct ofpbuf b;

	ofpbuf_init(&b);
	for (;;) {
		struct ofp_msg m;
		int err = ofctl_recv(vconn, &b);

		if (err)
			ofctl_fatal(0, "vconn_recv (%s)",
				    err == -EPIPE ? "End of file"
						  : strerror(-err));
		if (ofctl.timestamp) {
			char when[64];
			struct timespec ts;
			struct tm tm;

			clock_gettime(CLOCK_REALTIME, &ts);
			localtime_r(&ts.tv_sec, &tm);
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
			fprintf(stderr, "%s.%03ld: ", when,
				ts.tv_nsec / 1000000);
		}
		ofctl_print(stderr, b.data, b.size,
			    ofctl_ports_to_show(vconn->name),
			    ofctl.verbosity + 2);
		fflush(stderr);
		if (reply_to_echo && !ofp_msg_decode(b.data, b.size, &m) &&
		    m.type == OFPTYPE_ECHO_REQUEST) {
			b.data[1] = 3; /* OFPT_ECHO_REPLY */
			ofctl_send(vconn, &b);
		}
	}
}

static bool
set_packet_in_format(struct vconn *vconn, uint32_t format, bool must)
{
	struct ofpbuf req, reply;
	bool failed;

	ofpbuf_init(&req);
	ofp_encode_set_packet_in_format(&req, vconn->version, format,
					ofctl_alloc_xid());
	if (must) {
		ofctl_transact_noreply_or_die(vconn, &req);
		ofpbuf_uninit(&req);
		return true;
	}
	ofpbuf_init(&reply);
	failed = ofctl_transact_noreply(vconn, &req, &reply);
	ofpbuf_uninit(&req);
	ofpbuf_uninit(&reply);
	return !failed;
}

static void
cmd_monitor(int argc, char *argv[])
{
	struct vconn *vconn;

	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "invalid_ttl")) {
			uint32_t usable = (1u << OFP10_VERSION) |
					  (1u << OFP11_VERSION) |
					  (1u << OFP12_VERSION);
			if (!(ofctl.allowed_versions & usable))
				ofctl_fatal(
					0, "invalid_ttl requires one of the "
					   "OpenFlow versions OpenFlow10, "
					   "OpenFlow11, OpenFlow12 but none is "
					   "enabled (use -O)");
			ofctl.allowed_versions &= usable;
			break;
		}
	ofctl_open(argv[1], &vconn, false);
	for (int i = 2; i < argc; i++) {
		const char *arg = argv[i];
		struct ofp_switch_config sc;

		if (isdigit((unsigned char)*arg)) {
			fetch_config(vconn, &sc);
			sc.miss_send_len = (uint16_t)atoi(arg);
			set_config(vconn, &sc);
		} else if (!strcmp(arg, "invalid_ttl")) {
			fetch_config(vconn, &sc);
			if (!sc.invalid_ttl_to_controller) {
				sc.invalid_ttl_to_controller = 1;
				set_config(vconn, &sc);
				fetch_config(vconn, &sc);
				if (!sc.invalid_ttl_to_controller)
					ofctl_fatal(
						0,
						"setting "
						"invalid_ttl_to_controller "
						"failed (this switch probably "
						"doesn't support this flag)");
			}
		} else {
			ofctl_fatal(0, "%s: unsupported \"monitor\" argument",
				    arg);
		}
	}
	if (ofctl.packet_in_format >= 0) {
		set_packet_in_format(vconn, (uint32_t)ofctl.packet_in_format,
				     true);
	} else if (!set_packet_in_format(vconn, NXPIF_NXT_PACKET_IN2, false) &&
		   vconn->version == OFP10_VERSION) {
		set_packet_in_format(vconn, NXPIF_NXT_PACKET_IN, false);
	}
	monitor_vconn(vconn, true);
}

static void
cmd_snoop(int argc, char *argv[])
{
	struct vconn *vconn;

	(void)argc;
	ofctl_open(argv[1], &vconn, true);
	monitor_vconn(vconn, false);
}

static void
cmd_ofp_print(int argc, char *argv[])
{
	struct ofpbuf b;
	int verbosity = 2;
	char *line = NULL;
	const char *hex = argv[1];

	if (!strcmp(argv[argc - 1], "-")) {
		size_t cap = 0;
		if (getline(&line, &cap, stdin) < 0)
			ofctl_fatal(0, "Failed to read stdin");
		hex = line;
		verbosity = argc > 2 ? atoi(argv[1]) : verbosity;
	} else if (argc > 2) {
		verbosity = atoi(argv[2]);
	}
	ofpbuf_init(&b);
	char *error = ofp_parse_hex(hex, &b);
	if (error)
		ofctl_fatal(0, "trailing garbage following hex bytes");
	ofctl_print(stdout, b.data, b.size, NULL, verbosity);
	ofpbuf_uninit(&b);
	free(line);
}

static void
cmd_probe(int argc, char *argv[])
{
	struct vconn *vconn;
	struct ofpbuf req, reply;

	(void)argc;
	ofctl_open(argv[1], &vconn, false);
	ofpbuf_init(&req);
	ofpbuf_init(&reply);
	encode_simple(&req, OFPRAW_ECHO_REQUEST, vconn->version);
	ofctl_transact(vconn, &req, &reply);
	if (reply.size != OFP_HEADER_LEN)
		ofctl_fatal(0, "reply does not match request");
	ofpbuf_uninit(&req);
	ofpbuf_uninit(&reply);
	ofctl_close(vconn);
}

const struct ofctl_command ofctl_switch_commands[] = {
	{ "show", 1, 1, cmd_show },
	{ "monitor", 1, 3, cmd_monitor },
	{ "snoop", 1, 1, cmd_snoop },
	{ "dump-desc", 1, 1, cmd_dump_desc },
	{ "dump-tables", 1, 1, cmd_dump_tables },
	{ "dump-table-features", 1, 1, cmd_dump_table_features },
	{ "dump-ports", 1, 2, cmd_dump_ports },
	{ "dump-ports-desc", 1, 2, cmd_dump_ports_desc },
	{ "mod-port", 3, 3, cmd_mod_port },
	{ "mod-table", 3, 3, cmd_mod_table },
	{ "get-frags", 1, 1, cmd_get_frags },
	{ "set-frags", 2, 2, cmd_set_frags },
	{ "packet-out", 2, 0x7fffffff, cmd_packet_out },
	{ "probe", 1, 1, cmd_probe },
	{ "ofp-print", 1, 2, cmd_ofp_print },
	{ "add-tlv-map", 2, 2, cmd_add_tlv_map },
	{ "del-tlv-map", 1, 2, cmd_del_tlv_map },
	{ "dump-tlv-map", 1, 1, cmd_dump_tlv_map },
	{ NULL, 0, 0, NULL },
};
