/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_cmds: the text of vswitchd's own appctl commands, in Open
 * vSwitch's formats and error messages: fdb/show, fdb/flush,
 * fdb/stats-show, fdb/stats-clear, ofproto/list, bridge/dump-flows, and
 * the test hooks bridge/add-flow and bridge/del-flows that drive the
 * tables until the OpenFlow wire protocol exists.  No bus here: the
 * handlers in vswitchd_appctl.c call these, and so do the unit tests.
 */
#include "vswitchd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ofp_field.h"

static struct bridge *
find(struct vsw *vsw, const char *name, const char *msg, struct ds *out)
{
	struct bridge *br = vsw_find_bridge(vsw, name);

	if (!br)
		ds_put(out, msg);
	return br;
}

int
vswitchd_fdb_show(struct vsw *vsw, const char *bridge, struct ds *out)
{
	struct bridge *br = find(vsw, bridge, "no such bridge", out);
	uint64_t now = time_mono_ms();
	const struct mac_entry *e;

	if (!br)
		return -ENOENT;
	mac_table_run(&br->macs, now);
	ds_put(out, " port  VLAN  MAC                Age\n");
	LIST_FOR_EACH (e, lru, &br->macs.lru) {
		const struct port *p = e->port;
		struct ds name = DS_EMPTY;

		ofp_port_format(&name, p->ofp_port, NULL);
		ds_printf(out, "%5s  %4d  ", ds_cstr(&name), e->vlan);
		ofp_format_eth(out, e->mac);
		ds_printf(out, "  %3d\n", mac_entry_age(&br->macs, e, now));
		ds_free(&name);
	}
	return 0;
}

/* Calls @fn on @bridge, or on every bridge if @bridge is NULL; then
 * @done is the reply. */
static int
on_bridges(struct vsw *vsw, const char *bridge, void (*fn)(struct bridge *),
	   const char *done, struct ds *out)
{
	if (bridge) {
		struct bridge *br = find(vsw, bridge, "no such bridge", out);
		if (!br)
			return -ENOENT;
		fn(br);
	} else {
		struct hnode *n;
		HMAP_FOR_EACH (n, &vsw->bridges)
			fn(HMAP_CONTAINER(n, struct bridge, node));
	}
	ds_put(out, done);
	return 0;
}

static void
flush(struct bridge *br)
{
	mac_table_flush(&br->macs);
}

int
vswitchd_fdb_flush(struct vsw *vsw, const char *bridge, struct ds *out)
{
	return on_bridges(vsw, bridge, flush, "table successfully flushed\n",
			  out);
}

int
vswitchd_fdb_stats_show(struct vsw *vsw, const char *bridge, struct ds *out)
{
	struct bridge *br = find(vsw, bridge, "no such bridge", out);
	const struct mac_table *m;

	if (!br)
		return -ENOENT;
	mac_table_run(&br->macs, time_mono_ms());
	m = &br->macs;
	ds_printf(out, "Statistics for bridge \"%s\":\n", br->name);
	ds_printf(out, "  Current/maximum MAC entries in the table: %zu/%zu\n",
		  m->entries.n, m->max_entries);
	ds_put(out, "  Current static MAC entries in the table : 0\n");
	ds_printf(out, "  Total number of learned MAC entries     : %llu\n",
		  (unsigned long long)m->total_learned);
	ds_printf(out, "  Total number of expired MAC entries     : %llu\n",
		  (unsigned long long)m->total_expired);
	ds_printf(out, "  Total number of evicted MAC entries     : %llu\n",
		  (unsigned long long)m->total_evicted);
	ds_printf(out, "  Total number of port moved MAC entries  : %llu\n",
		  (unsigned long long)m->total_moved);
	return 0;
}

static void
stats_clear(struct bridge *br)
{
	br->macs.total_learned = br->macs.total_expired = 0;
	br->macs.total_evicted = br->macs.total_moved = 0;
}

int
vswitchd_fdb_stats_clear(struct vsw *vsw, const char *bridge, struct ds *out)
{
	return on_bridges(vsw, bridge, stats_clear,
			  "statistics successfully cleared\n", out);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
vswitchd_ofproto_list(struct vsw *vsw, struct ds *out)
{
	const char **names = xmalloc((vsw->bridges.n + 1) * sizeof *names);
	size_t n = 0;
	struct hnode *node;

	HMAP_FOR_EACH (node, &vsw->bridges)
		names[n++] = HMAP_CONTAINER(node, struct bridge, node)->name;
	qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++)
		ds_printf(out, "%s\n", names[i]);
	free(names);
	return 0;
}

int
vswitchd_dump_flows(struct vsw *vsw, const char *bridge, bool offload_stats,
		    struct ds *out)
{
	struct bridge *br = find(vsw, bridge, "Unknown bridge", out);
	uint64_t now = time_mono_ms();
	struct rule **rules;
	size_t n;

	if (!br)
		return -ENOENT;
	rules = tables_collect(&br->tables, OFP_TABLE_ANY, NULL, OFPP_NONE, 0,
			       0, &n);
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = rules[i];

		if (r->table_id)
			ds_printf(out, "table_id=%u, ", r->table_id);
		ds_printf(out, "duration=%llus, n_packets=%llu, n_bytes=%llu, ",
			  (unsigned long long)((now - r->created_ms) / 1000),
			  (unsigned long long)r->n_packets,
			  (unsigned long long)r->n_bytes);
		if (offload_stats)
			ds_put(out, "n_offload_packets=0, n_offload_bytes=0, ");
		struct match m;

		cls_rule_match(&r->cr, &m);
		match_format(out, &m, NULL, r->cr.priority);
		ds_put(out, ",actions=");
		ofpacts_format(out, r->actions.data, r->actions.size, NULL);
		ds_put_char(out, '\n');
		rule_unref(rules[i]);
	}
	free(rules);
	return 0;
}

static int
flow_mod(struct vsw *vsw, const char *bridge, const char *flow,
	 enum ofp_flow_mod_command cmd, struct ds *out)
{
	struct bridge *br = find(vsw, bridge, "no such bridge", out);
	struct ofp_port_map *ports;
	struct ofp_flow_mod fm;
	char *err;
	int rc;

	if (!br)
		return -ENOENT;
	ports = bridge_port_map(br);
	err = ofp_flow_mod_parse(&fm, flow ? flow : "", cmd, ports);
	free(ports);
	if (err) {
		ds_put(out, err);
		free(err);
		return -EINVAL;
	}
	rc = tables_flow_mod(&br->tables, &fm, true, time_mono_ms(), NULL,
			     NULL);
	ofp_flow_mod_uninit(&fm);
	if (rc == -EEXIST)
		ds_put(out, "OFPFMFC_OVERLAP");
	else if (rc)
		ds_put(out, "OFPFMFC_BAD_TABLE_ID");
	return rc;
}

int
vswitchd_add_flow(struct vsw *vsw, const char *bridge, const char *flow,
		  struct ds *out)
{
	return flow_mod(vsw, bridge, flow, OFPFC_ADD, out);
}

int
vswitchd_del_flows(struct vsw *vsw, const char *bridge, const char *flow,
		   struct ds *out)
{
	return flow_mod(vsw, bridge, flow, OFPFC_DELETE, out);
}
