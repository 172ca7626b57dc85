/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_appctl: vswitchd's own ovs-appctl commands, registered with
 * svc's appctl; each handler calls the text function of vswitchd_cmds.c
 * or vswitchd_trace.c and replies with its output or its error.
 */
#include "vswitchd.h"

#include <stdlib.h>
#include <string.h>

#include "appctl.h"

/* Who hears about commands that may have changed the tables or the MAC
 * tables (the daemon: it revalidates). */
static void (*changed_fn)(void *aux);
static void *changed_aux;

static void
reply(struct appctl_conn *c, int rc, struct ds *out)
{
	if (changed_fn)
		changed_fn(changed_aux);
	if (rc)
		appctl_reply_error(c, "%s", ds_cstr(out));
	else
		appctl_reply(c, ds_cstr(out));
	ds_free(out);
}

static void
fdb_show(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;
	reply(c, vswitchd_fdb_show(aux, argv[0], &out), &out);
}

static void
fdb_flush(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;
	reply(c, vswitchd_fdb_flush(aux, argc ? argv[0] : NULL, &out), &out);
}

static void
fdb_stats_show(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;
	reply(c, vswitchd_fdb_stats_show(aux, argv[0], &out), &out);
}

static void
fdb_stats_clear(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;
	reply(c, vswitchd_fdb_stats_clear(aux, argc ? argv[0] : NULL, &out),
	      &out);
}

static void
ofproto_list(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;
	reply(c, vswitchd_ofproto_list(aux, &out), &out);
}

static void
ofproto_trace(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;
	char *err = NULL;

	if (vswitchd_trace(aux, argc, argv, &out, &err)) {
		appctl_reply_error(c, "%s", err);
		free(err);
		ds_free(&out);
		return;
	}
	reply(c, 0, &out);
}

static void
dump_flows(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;
	bool offload = argc == 2 && !strcmp(argv[0], "--offload-stats");

	if (argc == 2 && !offload) {
		appctl_reply_error(c, "invalid argument %s", argv[0]);
		return;
	}
	reply(c, vswitchd_dump_flows(aux, argv[argc - 1], offload, &out), &out);
}

static void
add_flow(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;
	reply(c, vswitchd_add_flow(aux, argv[0], argv[1], &out), &out);
}

static void
del_flows(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;
	reply(c,
	      vswitchd_del_flows(aux, argv[0], argc > 1 ? argv[1] : NULL, &out),
	      &out);
}

/* memory/show: the words Open vSwitch uses for the same things. */
static void
memory(struct ds *out, void *aux)
{
	struct vsw *vsw = aux;
	size_t ports = 0, rules = 0, macs = 0;
	struct hnode *n;

	HMAP_FOR_EACH (n, &vsw->bridges) {
		const struct bridge *br =
			HMAP_CONTAINER(n, struct bridge, node);
		ports += br->ports.n;
		rules += br->tables.n_rules;
		macs += br->macs.entries.n;
	}
	ds_printf(out, "mac_entries:%zu ports:%zu rules:%zu", macs, ports,
		  rules);
}

void
vswitchd_appctl_register(struct vsw *vsw, void (*changed)(void *aux), void *aux)
{
	changed_fn = changed;
	changed_aux = aux;
	appctl_register_memory(memory, vsw);
	appctl_register("fdb/show", "bridge", 1, 1, fdb_show, vsw);
	appctl_register("fdb/flush", "[bridge]", 0, 1, fdb_flush, vsw);
	appctl_register("fdb/stats-show", "bridge", 1, 1, fdb_stats_show, vsw);
	appctl_register("fdb/stats-clear", "[bridge]", 0, 1, fdb_stats_clear,
			vsw);
	appctl_register("ofproto/list", "", 0, 0, ofproto_list, vsw);
	appctl_register("ofproto/trace",
			"{[dp_name] odp_flow | bridge br_flow} [OPTIONS...] "
			"[-generate|packet]",
			1, 0x7fffffff, ofproto_trace, vsw);
	appctl_register("bridge/dump-flows", "[--offload-stats] bridge", 1, 2,
			dump_flows, vsw);
	appctl_register("bridge/add-flow", "bridge flow", 2, 2, add_flow, vsw);
	appctl_register("bridge/del-flows", "bridge [flow]", 1, 2, del_flows,
			vsw);
}
