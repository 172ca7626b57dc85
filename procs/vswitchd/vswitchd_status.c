/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_status: what vswitchd writes back to the database, as Open
 * vSwitch does: per Interface ofport (-1 and error for one it could not
 * add, with Open vSwitch's texts), ifindex, mac_in_use, mtu, link_state,
 * admin_state, link_speed and statistics; per Bridge datapath_id and
 * datapath_version; Open_vSwitch's datapath_types, iface_types,
 * ovs_version, dpdk_initialized, and cur_cfg = next_cfg once the
 * configuration is live (no datapath call pending, every interface added
 * or failed), which is what ovs-vsctl without --no-wait waits for.
 *
 * Everything goes in one transaction, and only the columns whose value
 * differs from what the replica shows: an idle switch writes nothing.
 * One transaction is in flight at a time; changes meanwhile are written
 * after it.
 */
#include "vswitchd.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "ovsdb_db.h"
#include "ovsdb_error.h"
#include "replica.h"

LOG_MODULE(status);

static struct log_rl rl = LOG_RL_INIT(2, 10);

/* Adds @col = @value (stolen) to @upd unless @row holds that already. */
static void
put_col(json_t *upd, const struct ovsdb_row *row, const char *col,
	json_t *value)
{
	const struct ovsdb_column *c =
		ovsdb_table_find_column(row->table->schema, col);
	struct ovsdb_error *err = NULL;
	struct ovsdb_datum want;

	if (!c || ovsdb_datum_from_json(&want, &c->type, value, NULL, &err)) {
		if (err)
			log_warn_rl(&rl, "%s: %s", col, err->tag);
		ovsdb_error_free(err);
		json_decref(value);
		return;
	}
	if (ovsdb_datum_equals(&want, &row->fields[c->index], &c->type))
		json_decref(value);
	else
		json_object_set_new(upd, col, value);
	ovsdb_datum_destroy(&want, &c->type);
}

/* The column @name of @row's table, or NULL (found by hash: see
 * ovsdb_table_find_column). */
static const struct ovsdb_column *
col_of(const struct ovsdb_row *row, const char *name)
{
	return ovsdb_table_find_column(row->table->schema, name);
}

/* The value of @row's column @c when it is a single atom of type @t (an
 * optional or required scalar that is set), else NULL. */
static const union ovsdb_atom *
scalar(const struct ovsdb_row *row, const struct ovsdb_column *c,
       enum ovsdb_atype t)
{
	const struct ovsdb_datum *x = &row->fields[c->index];

	if (c->type.key.type != t || c->type.value.type != OVSDB_T_VOID ||
	    x->n != 1)
		return NULL;
	return &x->keys[0];
}

/* put_col for an integer, a string and the empty set, which first test
 * in place whether @row holds the value already: most of the time it
 * does, and building JSON to compare costs far more. */
static void
put_int(json_t *upd, const struct ovsdb_row *row, const char *col, int64_t v)
{
	const struct ovsdb_column *c = col_of(row, col);
	const union ovsdb_atom *a = c ? scalar(row, c, OVSDB_T_INTEGER) : NULL;

	if (!a || a->i != v)
		put_col(upd, row, col, json_integer(v));
}

static void
put_str(json_t *upd, const struct ovsdb_row *row, const char *col,
	const char *v)
{
	const struct ovsdb_column *c = col_of(row, col);
	const union ovsdb_atom *a = c ? scalar(row, c, OVSDB_T_STRING) : NULL;

	if (!a || strcmp(a->s, v))
		put_col(upd, row, col, json_string(v));
}

static json_t *
empty_set(void)
{
	return json_pack("[s,[]]", "set");
}

static json_t *
str_set(char **v, size_t n, const char *extra)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	if (extra)
		json_array_append_new(a, json_string(extra));
	return json_pack("[s,o]", "set", a);
}

/* Interface.statistics, in the map's order (by name). */
#define N_STATS 13

static const char *const stat_names[N_STATS] = {
	"collisions", "rx_bytes",     "rx_crc_err",	  "rx_dropped",
	"rx_errors",  "rx_frame_err", "rx_missed_errors", "rx_over_err",
	"rx_packets", "tx_bytes",     "tx_dropped",	  "tx_errors",
	"tx_packets",
};

/* The values of @s for stat_names[] (0 for what no port counts). */
static void
stat_values(const struct mvs_port_stats *s, uint64_t v[N_STATS])
{
	memset(v, 0, N_STATS * sizeof *v);
	v[1] = s->rx_bytes;
	v[3] = s->rx_dropped;
	v[4] = s->rx_errors;
	v[8] = s->rx_packets;
	v[9] = s->tx_bytes;
	v[10] = s->tx_dropped;
	v[11] = s->tx_errors;
	v[12] = s->tx_packets;
}

static void
put_stats(json_t *upd, const struct ovsdb_row *row,
	  const struct mvs_port_stats *s)
{
	const struct ovsdb_column *c = col_of(row, "statistics");
	const struct ovsdb_datum *x = c ? &row->fields[c->index] : NULL;
	uint64_t v[N_STATS];
	bool same;
	json_t *pairs;

	stat_values(s, v);
	same = x && c->type.key.type == OVSDB_T_STRING &&
	       c->type.value.type == OVSDB_T_INTEGER && x->n == N_STATS;
	for (size_t i = 0; same && i < N_STATS; i++)
		same = !strcmp(x->keys[i].s, stat_names[i]) &&
		       x->values[i].i == (int64_t)v[i];
	if (same)
		return;
	pairs = json_array();
	for (size_t i = 0; i < N_STATS; i++)
		json_array_append_new(pairs, json_pack("[s,I]", stat_names[i],
						       (json_int_t)v[i]));
	put_col(upd, row, "statistics", json_pack("[s,o]", "map", pairs));
}

/* Interface.error emptied, unless it is already. */
static void
put_no_error(json_t *upd, const struct ovsdb_row *row)
{
	const struct ovsdb_column *c = col_of(row, "error");

	if (!c || row->fields[c->index].n)
		put_col(upd, row, "error", empty_set());
}

static void
iface_status(struct vswd *d, const struct vswd_iface *vif, json_t *ops)
{
	const struct ovsdb_row *row = vswd_iface_row(d, vif);
	const struct dp_port_info *i = &vif->info;
	json_t *upd;
	char mac[18];

	if (!row)
		return;
	upd = json_object();
	switch (vif->state) {
	case VIF_UP:
		snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x",
			 i->mac[0], i->mac[1], i->mac[2], i->mac[3], i->mac[4],
			 i->mac[5]);
		put_int(upd, row, "ofport", vif->ofport);
		if (i->ifindex)
			put_int(upd, row, "ifindex", i->ifindex);
		put_str(upd, row, "mac_in_use", mac);
		if (i->mtu)
			put_int(upd, row, "mtu", i->mtu);
		put_str(upd, row, "link_state", i->carrier ? "up" : "down");
		put_str(upd, row, "admin_state", i->admin_up ? "up" : "down");
		if (i->speed_mbps)
			put_int(upd, row, "link_speed",
				(int64_t)i->speed_mbps * 1000000);
		put_stats(upd, row, &i->stats);
		put_no_error(upd, row);
		break;
	case VIF_PATCH:
		put_int(upd, row, "ofport", vif->ofport);
		put_str(upd, row, "link_state", "up");
		put_str(upd, row, "admin_state", "up");
		put_no_error(upd, row);
		break;
	case VIF_ERROR:
		put_col(upd, row, "ofport", json_integer(-1));
		put_col(upd, row, "error", json_string(vif->error));
		break;
	default:
		break;
	}
	if (json_object_size(upd))
		json_array_append_new(
			ops, replica_op_update("Interface", ovsdb_row_uuid(row),
					       upd));
	else
		json_decref(upd);
}

static void
bridge_status(struct vswd *d, const struct ovsdb_row *row, json_t *ops)
{
	const char *name = vswd_str(row, "name");
	json_t *upd = json_object();
	struct hnode *n;

	HMAP_FOR_EACH (n, &d->ifaces) {
		const struct vswd_iface *vif =
			HMAP_CONTAINER(n, struct vswd_iface, node);
		const uint8_t *m = vif->info.mac;
		char id[17];

		const struct bridge *br = vsw_find_bridge(&d->vsw, name);

		if (vif->state != VIF_UP || strcmp(vif->name, name))
			continue;
		if (br && br->dpid_cfg)
			snprintf(id, sizeof id, "%016llx",
				 (unsigned long long)br->dpid_cfg);
		else
			snprintf(id, sizeof id, "0000%02x%02x%02x%02x%02x%02x",
				 m[0], m[1], m[2], m[3], m[4], m[5]);
		put_col(upd, row, "datapath_id", json_string(id));
		put_col(upd, row, "datapath_version",
			json_string("<built-in>"));
	}
	if (json_object_size(upd))
		json_array_append_new(
			ops,
			replica_op_update("Bridge", ovsdb_row_uuid(row), upd));
	else
		json_decref(upd);
}

/* Adds "KEY"="SECS" to the status pairs @st unless @secs < 0. */
static void
put_secs(json_t *st, const char *key, int64_t secs)
{
	char v[32];

	if (secs < 0)
		return;
	snprintf(v, sizeof v, "%lld", (long long)secs);
	json_array_append_new(st, json_pack("[s,s]", key, v));
}

/* Controller rows: is_connected, role and status as Open vSwitch writes
 * them for a connection of role "other" (equal).  The status map's keys
 * go in order, as the database keeps them. */
static void
controller_status(struct vswd *d, const struct ovsdb_row *row, json_t *ops)
{
	struct vswd_ctrl_status cs;
	json_t *upd, *st;

	if (!vswd_of_controller_status(d, ovsdb_row_uuid(row), &cs))
		return;
	upd = json_object();
	put_col(upd, row, "is_connected", json_boolean(cs.connected));
	/* Open vSwitch clears the role of a controller not connected. */
	put_col(upd, row, "role",
		cs.connected ? json_string("other")
			     : json_pack("[s,[]]", "set"));
	st = json_array();
	if (cs.last_error)
		json_array_append_new(
			st, json_pack("[s,s]", "last_error", cs.last_error));
	put_secs(st, "sec_since_connect", cs.sec_since_connect);
	put_secs(st, "sec_since_disconnect", cs.sec_since_disconnect);
	json_array_append_new(st, json_pack("[s,s]", "state", cs.state));
	put_col(upd, row, "status", json_pack("[s,o]", "map", st));
	if (json_object_size(upd))
		json_array_append_new(
			ops, replica_op_update("Controller",
					       ovsdb_row_uuid(row), upd));
	else
		json_decref(upd);
}

/* True when the configuration seen last is live. */
static bool
settled(struct vswd *d)
{
	struct vswd_dp *dp;
	struct hnode *n;

	if (d->pending)
		return false;
	LIST_FOR_EACH (dp, node, &d->dps)
		if (dp->used && dp->state != VDP_OPEN &&
		    dp->state != VDP_FAILED)
			return false;
	HMAP_FOR_EACH (n, &d->ifaces) {
		const struct vswd_iface *vif =
			HMAP_CONTAINER(n, struct vswd_iface, node);
		if (vif->state == VIF_NEW || vif->state == VIF_ADDING)
			return false;
	}
	return true;
}

static void
ovs_status(struct vswd *d, json_t *ops)
{
	const struct ovsdb_row *row = vswd_ovs_row(d);
	json_t *upd;

	if (!row)
		return;
	upd = json_object();
	if (d->n_dp_types)
		put_col(upd, row, "datapath_types",
			str_set(d->dp_types, d->n_dp_types, NULL));
	if (d->n_iface_types)
		put_col(upd, row, "iface_types",
			str_set(d->iface_types, d->n_iface_types, "patch"));
	put_col(upd, row, "ovs_version", json_string(MICROVS_OVS_VERSION));
	put_col(upd, row, "dpdk_initialized", json_false());
	if (settled(d)) {
		if (!d->ready) {
			d->ready = true;
			log_info("configuration applied: switching");
			vswd_tables_check(d);
		}
		put_col(upd, row, "cur_cfg", json_integer(d->next_cfg));
	}
	if (json_object_size(upd))
		json_array_append_new(
			ops, replica_op_update("Open_vSwitch",
					       ovsdb_row_uuid(row), upd));
	else
		json_decref(upd);
}

static void
on_txn(void *aux, int err, const json_t *result, const json_t *error)
{
	struct vswd *d = aux;
	size_t i;
	json_t *r;

	d->txn_inflight = false;
	if (err || error)
		log_warn_rl(&rl, "status not written: %s",
			    err ? strerror(-err) : "transaction error");
	json_array_foreach(json_mut(result), i, r)
	{
		json_t *e = json_object_get(r, "error");

		if (e)
			log_warn_rl(&rl, "status not written: %s: %s",
				    json_string_value(e),
				    json_string_value(
					    json_object_get(r, "details")));
	}
	if (d->txn_again) {
		d->txn_again = false;
		vswd_status_write(d);
	}
}

void
vswd_status_write(struct vswd *d)
{
	struct ovsdb_table *bt;
	struct hnode *n;
	json_t *ops;
	int r;

	if (!d->rep || !replica_is_synced(d->rep))
		return;
	if (d->txn_inflight) {
		d->txn_again = true;
		return;
	}
	ops = json_array();
	HMAP_FOR_EACH (n, &d->ifaces)
		iface_status(d, HMAP_CONTAINER(n, struct vswd_iface, node),
			     ops);
	bt = replica_table(d->rep, "Bridge");
	if (bt)
		HMAP_FOR_EACH (n, &bt->rows)
			bridge_status(d,
				      HMAP_CONTAINER(n, struct ovsdb_row, node),
				      ops);
	bt = replica_table(d->rep, "Controller");
	if (bt)
		HMAP_FOR_EACH (n, &bt->rows)
			controller_status(
				d, HMAP_CONTAINER(n, struct ovsdb_row, node),
				ops);
	ovs_status(d, ops);
	if (!json_array_size(ops)) {
		json_decref(ops);
		return;
	}
	r = replica_transact(d->rep, ops, on_txn, d);
	if (r) {
		/* Not live now: the resync's changed() writes again. */
		log_info_rl(&rl, "status not written now: %s", strerror(-r));
		return;
	}
	d->txn_inflight = true;
}
