/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofctl_groups: ovs-ofctl's group and meter commands: add-group(s),
 * mod-group, del-groups, insert-buckets, remove-buckets, dump-groups,
 * dump-group-stats, dump-group-features, add-meter, mod-meter,
 * del-meter(s), dump-meter(s), meter-stats, meter-features.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofctl.h"
#include "ofp_group.h"
#include "ofp_meter.h"
#include "ofp_protocol.h"

static void
group_mods(const char *target, struct ofp_group_mod *gms, size_t n,
	   uint32_t usable)
{
	struct vconn *vconn;
	uint32_t protocol;
	uint8_t version;
	struct ofpbuf *reqs;

	if (ofctl.bundle)
		usable &= OFP_PROTO_OF13_UP;
	protocol = ofctl_open_for_flow_mod(target, &vconn, usable);
	version = ofp_protocol_to_version(protocol);
	reqs = xcalloc(n ? n : 1, sizeof *reqs);
	for (size_t i = 0; i < n; i++) {
		char *error;

		ofpbuf_init(&reqs[i]);
		error = ofp_encode_group_mod(&reqs[i], &gms[i], version,
					     ofctl_alloc_xid());
		if (error)
			ofctl_fatal(0, "%s", error);
		ofp_group_mod_uninit(&gms[i]);
		if (!ofctl.bundle)
			ofctl_transact_noreply_or_die(vconn, &reqs[i]);
	}
	if (ofctl.bundle)
		ofctl_bundle_transact(vconn, reqs, n);
	for (size_t i = 0; i < n; i++)
		ofpbuf_uninit(&reqs[i]);
	free(reqs);
	ofctl_close(vconn);
}

/* group_mod_file()'s state. */
struct group_file {
	struct ofp_group_mod *gms;
	size_t n;
	int command;
	const struct ofp_port_map *ports;
	uint32_t usable;
};

static char *
group_file_line(const char *line, void *gf_)
{
	struct group_file *gf = gf_;
	uint32_t u;
	char *error;

	gf->gms = xrealloc(gf->gms, (gf->n + 1) * sizeof *gf->gms);
	error = ofp_group_mod_parse(&gf->gms[gf->n], gf->command, line,
				    gf->ports, &u);
	if (!error) {
		gf->usable &= u;
		gf->n++;
	}
	return error;
}

static void
group_mod_file(char *argv[], int command)
{
	struct group_file gf = { .command = command == OFPGC_ADD ? -2 : command,
				 .usable = OFP_PROTO_ANY };

	ofctl_tables_to_accept(argv[1]);
	gf.ports = ofctl_ports_to_accept(argv[1]);
	ofctl_parse_file(argv[2], group_file_line, &gf);
	group_mods(argv[1], gf.gms, gf.n, gf.usable);
	free(gf.gms);
}

static void
group_mod(int argc, char *argv[], int command)
{
	struct ofp_group_mod gm;
	uint32_t usable;
	char *error;

	if (argc > 2 && !strcmp(argv[2], "-")) {
		group_mod_file(argv, command);
		return;
	}
	ofctl_tables_to_accept(argv[1]);
	error = ofp_group_mod_parse(&gm, command, argc > 2 ? argv[2] : "",
				    ofctl_ports_to_accept(argv[1]), &usable);
	if (error)
		ofctl_fatal(0, "%s", error);
	group_mods(argv[1], &gm, 1, usable);
}

static void
cmd_add_group(int argc, char *argv[])
{
	group_mod(argc, argv, OFPGC_ADD);
}

static void
cmd_add_groups(int argc, char *argv[])
{
	(void)argc;
	group_mod_file(argv, OFPGC_ADD);
}

static void
cmd_mod_group(int argc, char *argv[])
{
	group_mod(argc, argv,
		  ofctl.may_create ? OFPGC_ADD_OR_MOD : OFPGC_MODIFY);
}

static void
cmd_del_groups(int argc, char *argv[])
{
	group_mod(argc, argv, OFPGC_DELETE);
}

static void
cmd_insert_buckets(int argc, char *argv[])
{
	group_mod(argc, argv, OFPGC_INSERT_BUCKET);
}

static void
cmd_remove_buckets(int argc, char *argv[])
{
	group_mod(argc, argv, OFPGC_REMOVE_BUCKET);
}

static void
cmd_dump_groups(int argc, char *argv[])
{
	struct vconn *vconn;
	struct ofpbuf req;
	uint32_t group_id = OFPG_ALL;

	ofctl_open(argv[1], &vconn, false);
	if (argc >= 3) {
		char *end;
		unsigned long long x;

		if (!strcasecmp(argv[2], "any")) {
			group_id = OFPG_ANY;
		} else if (!strcasecmp(argv[2], "all")) {
			group_id = OFPG_ALL;
		} else {
			errno = 0;
			x = strtoull(argv[2], &end, 10);
			if (errno || *end || !*argv[2] || x > UINT32_MAX) {
				struct ds s = DS_EMPTY;
				ds_printf(&s,
					  "%s is not a valid group ID.  (Valid "
					  "group IDs are 32-bit nonnegative "
					  "integers or the keywords ANY or "
					  "ALL.)",
					  argv[2]);
				ofctl_log("ofp_group", "WARN", ds_cstr(&s));
				ds_free(&s);
			} else {
				group_id = (uint32_t)x;
			}
		}
	}
	ofpbuf_init(&req);
	ofp_encode_group_desc_request(&req, vconn->version, group_id,
				      ofctl_alloc_xid());
	ofctl_dump_transaction(vconn, &req);
	ofpbuf_uninit(&req);
	ofctl_close(vconn);
}

static void
cmd_dump_group_stats(int argc, char *argv[])
{
	struct ofp_group_mod gm;
	struct vconn *vconn;
	struct ofpbuf req;
	uint32_t usable;
	char *error;

	ofctl_tables_to_accept(argv[1]);
	error = ofp_group_mod_parse(&gm, OFPGC_DELETE, argc > 2 ? argv[2] : "",
				    ofctl_ports_to_accept(argv[1]), &usable);
	if (error)
		ofctl_fatal(0, "%s", error);
	ofctl_open(argv[1], &vconn, false);
	ofpbuf_init(&req);
	ofp_encode_group_stats_request(&req, vconn->version, gm.group_id,
				       ofctl_alloc_xid());
	ofctl_dump_transaction(vconn, &req);
	ofpbuf_uninit(&req);
	ofp_group_mod_uninit(&gm);
	ofctl_close(vconn);
}

static void
cmd_dump_group_features(int argc, char *argv[])
{
	struct vconn *vconn;
	struct ofpbuf req;

	(void)argc;
	ofctl_open(argv[1], &vconn, false);
	ofpbuf_init(&req);
	ofp_encode_group_features_request(&req, vconn->version,
					  ofctl_alloc_xid());
	ofctl_dump_transaction(vconn, &req);
	ofpbuf_uninit(&req);
	ofctl_close(vconn);
}

/* ---- meters ---- */

static void
meter_mod(const char *target, const char *str, int command)
{
	struct ofp_meter_mod mm;
	struct vconn *vconn;
	struct ofpbuf req;
	uint32_t protocol;

	if (str) {
		char *error = ofp_meter_mod_parse(&mm, str, command);
		if (error)
			ofctl_fatal(0, "%s", error);
	} else {
		memset(&mm, 0, sizeof mm);
		mm.command = (uint16_t)command;
		mm.meter_id = OFPM13_ALL;
	}
	protocol = ofctl_open_for_flow_mod(target, &vconn, OFP_PROTO_OF13_UP);
	ofpbuf_init(&req);
	ofp_encode_meter_mod(&req, &mm, ofp_protocol_to_version(protocol),
			     ofctl_alloc_xid());
	ofctl_transact_noreply_or_die(vconn, &req);
	ofpbuf_uninit(&req);
	ofp_meter_mod_uninit(&mm);
	ofctl_close(vconn);
}

static void
meter_request(const char *target, const char *str, enum ofp_meter_request type)
{
	struct ofp_meter_mod mm;
	struct vconn *vconn;
	struct ofpbuf req;
	uint32_t protocol;

	if (str) {
		char *error = ofp_meter_mod_parse(&mm, str, -1);
		if (error)
			ofctl_fatal(0, "%s", error);
	} else {
		memset(&mm, 0, sizeof mm);
		mm.meter_id = OFPM13_ALL;
	}
	protocol = ofctl_open_for_flow_mod(target, &vconn, OFP_PROTO_OF13_UP);
	ofpbuf_init(&req);
	ofp_encode_meter_request(&req, ofp_protocol_to_version(protocol), type,
				 mm.meter_id, ofctl_alloc_xid());
	ofctl_dump_transaction(vconn, &req);
	ofpbuf_uninit(&req);
	ofp_meter_mod_uninit(&mm);
	ofctl_close(vconn);
}

static void
cmd_add_meter(int argc, char *argv[])
{
	(void)argc;
	meter_mod(argv[1], argv[2], OFPMC13_ADD);
}

static void
cmd_mod_meter(int argc, char *argv[])
{
	(void)argc;
	meter_mod(argv[1], argv[2], OFPMC13_MODIFY);
}

static void
cmd_del_meters(int argc, char *argv[])
{
	meter_mod(argv[1], argc > 2 ? argv[2] : NULL, OFPMC13_DELETE);
}

static void
cmd_dump_meters(int argc, char *argv[])
{
	meter_request(argv[1], argc > 2 ? argv[2] : NULL, OFP_METER_CONFIG);
}

static void
cmd_meter_stats(int argc, char *argv[])
{
	meter_request(argv[1], argc > 2 ? argv[2] : NULL, OFP_METER_STATS);
}

static void
cmd_meter_features(int argc, char *argv[])
{
	(void)argc;
	meter_request(argv[1], NULL, OFP_METER_FEATURES);
}

const struct ofctl_command ofctl_group_commands[] = {
	{ "add-group", 1, 2, cmd_add_group },
	{ "add-groups", 1, 2, cmd_add_groups },
	{ "mod-group", 1, 2, cmd_mod_group },
	{ "del-groups", 1, 2, cmd_del_groups },
	{ "insert-buckets", 1, 2, cmd_insert_buckets },
	{ "remove-buckets", 1, 2, cmd_remove_buckets },
	{ "dump-groups", 1, 2, cmd_dump_groups },
	{ "dump-group-stats", 1, 2, cmd_dump_group_stats },
	{ "dump-group-features", 1, 1, cmd_dump_group_features },
	{ "add-meter", 2, 2, cmd_add_meter },
	{ "mod-meter", 2, 2, cmd_mod_meter },
	{ "del-meter", 2, 2, cmd_del_meters },
	{ "del-meters", 1, 2, cmd_del_meters },
	{ "dump-meter", 2, 2, cmd_dump_meters },
	{ "dump-meters", 1, 2, cmd_dump_meters },
	{ "meter-stats", 1, 2, cmd_meter_stats },
	{ "meter-features", 1, 1, cmd_meter_features },
	{ NULL, 0, 0, NULL },
};
