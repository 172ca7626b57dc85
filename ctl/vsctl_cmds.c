/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vsctl_cmds: ovs-vsctl's controller, fail-mode, manager, SSL,
 * auto-attach, conntrack zone and emer-reset commands, and the table of
 * every ovs-vsctl command.
 */
#include <stdlib.h>
#include <string.h>

#include "vsctl_priv.h"

static const struct dbctl_show_spec show_specs[] = {
	{ "Open_vSwitch",
	  NULL,
	  { "manager_options", "bridges", "ovs_version", NULL } },
	{ "Bridge",
	  "name",
	  { "controller", "fail_mode", "datapath_type", "ports", NULL } },
	{ "Port", "name", { "tag", "trunks", "interfaces", NULL } },
	{ "Interface",
	  "name",
	  { "type", "options", "error", "bfd_status", NULL } },
	{ "Controller", "target", { "is_connected", NULL } },
	{ "Manager", "target", { "is_connected", NULL } },
	{ NULL, NULL, { NULL } },
};

static void
cmd_show(struct dbctl_ctx *ctx)
{
	dbctl_show(ctx, show_specs);
}

static void
cmd_init(struct dbctl_ctx *ctx)
{
	(void)ctx;
}

/* Prints the string column @col of the rows @refs points to, sorted. */
static void
print_targets(struct dbctl_ctx *ctx, const struct ovsdb_datum *refs,
	      const char *table)
{
	struct dbctl_table *t = vsctl_table(ctx, table);
	const char **names = xcalloc(refs->n + 1, sizeof *names);
	size_t n = 0;

	for (unsigned i = 0; i < refs->n; i++) {
		struct dbctl_row *r =
			dbctl_row_find(ctx->db, t, &refs->keys[i].u);
		if (r)
			names[n++] = dbctl_get_str(r, "target");
	}
	vsctl_print_sorted(ctx, names, n);
	free(names);
}

static void
delete_refs(struct dbctl_ctx *ctx, struct dbctl_row *row, const char *col,
	    const char *table)
{
	struct dbctl_table *t = vsctl_table(ctx, table);
	const struct ovsdb_datum *refs = dbctl_get(row, col);

	for (unsigned i = 0; i < refs->n; i++) {
		struct dbctl_row *r =
			dbctl_row_find(ctx->db, t, &refs->keys[i].u);
		if (r)
			dbctl_row_delete(r);
	}
	dbctl_clear(row, col);
}

static void
cmd_get_controller(struct dbctl_ctx *ctx)
{
	struct vsctl_bridge *b = vsctl_find_bridge(ctx, ctx->argv[1], true);
	print_targets(ctx, dbctl_get(vsctl_real(b)->br_cfg, "controller"),
		      "Controller");
}

static struct vsctl_bridge *
real_bridge_arg(struct dbctl_ctx *ctx)
{
	struct vsctl_bridge *b = vsctl_find_bridge(ctx, ctx->argv[1], true);
	if (b->parent)
		dbctl_fatal("%s is a fake bridge", b->name);
	return b;
}

static void
cmd_del_controller(struct dbctl_ctx *ctx)
{
	struct vsctl_bridge *b = real_bridge_arg(ctx);
	delete_refs(ctx, b->br_cfg, "controller", "Controller");
}

static void
check_target(const char *target)
{
	static const char *const types[] = { "tcp:",  "ssl:",  "unix:",
					     "ptcp:", "pssl:", "punix:" };
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (!strncmp(target, types[i], strlen(types[i])))
			return;
	dbctl_warn("vsctl", "target type \"%s\" is possibly erroneous", target);
}

static void
insert_targets(struct dbctl_ctx *ctx, struct dbctl_row *owner, const char *col,
	       const char *table, int first)
{
	const char *probe = dbctl_opt(ctx, "--inactivity-probe");
	struct dbctl_table *t = vsctl_table(ctx, table);

	for (int i = first; i < ctx->argc; i++) {
		if (!strcmp(table, "Controller"))
			check_target(ctx->argv[i]);
		struct dbctl_row *r = dbctl_row_insert(ctx->db, t, NULL);
		dbctl_set_str(r, "target", ctx->argv[i]);
		if (probe)
			dbctl_set_int(r, "inactivity_probe", atoll(probe));
		dbctl_ref_add(owner, col, &r->uuid);
	}
}

static void
cmd_set_controller(struct dbctl_ctx *ctx)
{
	struct vsctl_bridge *b = real_bridge_arg(ctx);
	delete_refs(ctx, b->br_cfg, "controller", "Controller");
	insert_targets(ctx, b->br_cfg, "controller", "Controller", 2);
}

static void
cmd_get_fail_mode(struct dbctl_ctx *ctx)
{
	struct vsctl_bridge *b = vsctl_find_bridge(ctx, ctx->argv[1], true);
	const struct ovsdb_datum *d =
		dbctl_get(vsctl_real(b)->br_cfg, "fail_mode");
	if (d->n)
		ds_printf(&ctx->out, "%s\n", d->keys[0].s);
}

static void
cmd_del_fail_mode(struct dbctl_ctx *ctx)
{
	struct vsctl_bridge *b = real_bridge_arg(ctx);
	dbctl_clear(b->br_cfg, "fail_mode");
}

static void
cmd_set_fail_mode(struct dbctl_ctx *ctx)
{
	struct vsctl_bridge *b = real_bridge_arg(ctx);
	const char *mode = ctx->argv[2];

	if (strcmp(mode, "standalone") && strcmp(mode, "secure"))
		dbctl_fatal("fail-mode must be \"standalone\" or \"secure\"");
	dbctl_set_str(b->br_cfg, "fail_mode", mode);
}

static void
cmd_get_manager(struct dbctl_ctx *ctx)
{
	print_targets(ctx, dbctl_get(vsctl_model(ctx)->ovs, "manager_options"),
		      "Manager");
}

static void
cmd_del_manager(struct dbctl_ctx *ctx)
{
	delete_refs(ctx, vsctl_model(ctx)->ovs, "manager_options", "Manager");
}

static void
cmd_set_manager(struct dbctl_ctx *ctx)
{
	struct dbctl_row *ovs = vsctl_model(ctx)->ovs;
	delete_refs(ctx, ovs, "manager_options", "Manager");
	insert_targets(ctx, ovs, "manager_options", "Manager", 1);
}

static void
cmd_get_ssl(struct dbctl_ctx *ctx)
{
	const struct ovsdb_datum *d = dbctl_get(vsctl_model(ctx)->ovs, "ssl");
	if (!d->n)
		return;
	struct dbctl_row *r =
		dbctl_row_find(ctx->db, vsctl_table(ctx, "SSL"), &d->keys[0].u);
	if (!r)
		return;
	ds_printf(&ctx->out, "Private key: %s\n",
		  dbctl_get_str(r, "private_key"));
	ds_printf(&ctx->out, "Certificate: %s\n",
		  dbctl_get_str(r, "certificate"));
	ds_printf(&ctx->out, "CA Certificate: %s\n",
		  dbctl_get_str(r, "ca_cert"));
	ds_printf(&ctx->out, "Bootstrap: %s\n",
		  dbctl_get(r, "bootstrap_ca_cert")->keys[0].b ? "true"
							       : "false");
}

static void
cmd_del_ssl(struct dbctl_ctx *ctx)
{
	delete_refs(ctx, vsctl_model(ctx)->ovs, "ssl", "SSL");
}

static void
cmd_set_ssl(struct dbctl_ctx *ctx)
{
	struct dbctl_row *ovs = vsctl_model(ctx)->ovs;

	delete_refs(ctx, ovs, "ssl", "SSL");
	struct dbctl_row *r =
		dbctl_row_insert(ctx->db, vsctl_table(ctx, "SSL"), NULL);
	dbctl_set_str(r, "private_key", ctx->argv[1]);
	dbctl_set_str(r, "certificate", ctx->argv[2]);
	dbctl_set_str(r, "ca_cert", ctx->argv[3]);
	if (dbctl_has_opt(ctx, "--bootstrap"))
		dbctl_set_bool(r, "bootstrap_ca_cert", true);
	dbctl_ref_add(ovs, "ssl", &r->uuid);
}

/* Auto-attach. */
static struct dbctl_row *
aa_row(struct dbctl_ctx *ctx, struct vsctl_bridge *b, bool create)
{
	struct dbctl_row *br = vsctl_real(b)->br_cfg;
	const struct ovsdb_datum *d = dbctl_get(br, "auto_attach");
	struct dbctl_table *t = vsctl_table(ctx, "AutoAttach");

	if (d->n)
		return dbctl_row_find(ctx->db, t, &d->keys[0].u);
	if (!create)
		return NULL;
	struct dbctl_row *r = dbctl_row_insert(ctx->db, t, NULL);
	struct ovsdb_datum nd;
	union ovsdb_atom a = { .u = r->uuid };
	int col = dbctl_col(br->table, "auto_attach");
	ovsdb_datum_init_empty(&nd);
	ovsdb_datum_add_unsafe(&nd, &a, NULL, dbctl_col_type(br->table, col));
	dbctl_row_set(br, col, &nd);
	return r;
}

static int64_t
aa_num(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end)
		dbctl_fatal("Invalid argument %s", s);
	return v;
}

static void
aa_update(struct dbctl_ctx *ctx, bool add)
{
	struct vsctl_bridge *b = vsctl_find_bridge(ctx, ctx->argv[1], true);
	int64_t isid = aa_num(ctx->argv[2]);
	int64_t vlan = aa_num(ctx->argv[3]);
	struct dbctl_row *r = aa_row(ctx, b, add);

	if (!r)
		return;
	int col = dbctl_col(r->table, "mappings");
	const struct ovsdb_type *t = dbctl_col_type(r->table, col);
	struct ovsdb_datum d;
	union ovsdb_atom k = { .i = isid }, v = { .i = vlan };
	ovsdb_datum_clone(&d, dbctl_row_get(r, col), t);
	int i = ovsdb_datum_find_key(&d, &k, OVSDB_T_INTEGER);
	if (add) {
		if (i >= 0)
			ovsdb_datum_remove_at(&d, (unsigned)i, t);
		ovsdb_datum_add_unsafe(&d, &k, &v, t);
		ovsdb_datum_sort_unique(&d, t);
	} else if (i >= 0 && d.values[i].i == vlan) {
		ovsdb_datum_remove_at(&d, (unsigned)i, t);
	}
	dbctl_row_set(r, col, &d);
}

static void
cmd_add_aa_mapping(struct dbctl_ctx *ctx)
{
	aa_update(ctx, true);
}

static void
cmd_del_aa_mapping(struct dbctl_ctx *ctx)
{
	aa_update(ctx, false);
}

static void
cmd_get_aa_mapping(struct dbctl_ctx *ctx)
{
	struct vsctl_bridge *b = vsctl_find_bridge(ctx, ctx->argv[1], true);
	struct dbctl_row *r = aa_row(ctx, b, false);

	if (!r)
		return;
	const struct ovsdb_datum *d = dbctl_get(r, "mappings");
	for (unsigned i = 0; i < d->n; i++)
		ds_printf(&ctx->out, "%lld %lld\n", (long long)d->keys[i].i,
			  (long long)d->values[i].i);
}

/* Conntrack zone timeout policies. */
static struct dbctl_row *
find_datapath(struct dbctl_ctx *ctx, const char *type)
{
	struct dbctl_row *ovs = vsctl_model(ctx)->ovs;
	const struct ovsdb_datum *d = dbctl_get(ovs, "datapaths");
	union ovsdb_atom k = { .s = (char *)(uintptr_t)type };
	int i = ovsdb_datum_find_key(d, &k, OVSDB_T_STRING);

	if (i < 0)
		return NULL;
	return dbctl_row_find(ctx->db, vsctl_table(ctx, "Datapath"),
			      &d->values[i].u);
}

static int64_t
zone_arg(const char *s)
{
	if (strncmp(s, "zone=", 5))
		dbctl_fatal("argument %s is not of the form zone=NUMBER", s);
	return atoll(s + 5);
}

static int
zone_index(const struct ovsdb_datum *zones, int64_t zone)
{
	union ovsdb_atom k = { .i = zone };
	return ovsdb_datum_find_key(zones, &k, OVSDB_T_INTEGER);
}

static void
cmd_add_zone_tp(struct dbctl_ctx *ctx)
{
	struct dbctl_row *dp = find_datapath(ctx, ctx->argv[1]);
	int64_t zone = zone_arg(ctx->argv[2]);
	bool may_exist = dbctl_has_opt(ctx, "--may-exist");

	if (!dp)
		dbctl_fatal("datapath %s does not exist", ctx->argv[1]);
	int zcol = dbctl_col(dp->table, "ct_zones");
	const struct ovsdb_type *zt = dbctl_col_type(dp->table, zcol);
	int i = zone_index(dbctl_row_get(dp, zcol), zone);
	if (i >= 0 && !may_exist)
		dbctl_fatal("zone id %lld already exists", (long long)zone);
	struct dbctl_row *tp = dbctl_row_insert(
		ctx->db, vsctl_table(ctx, "CT_Timeout_Policy"), NULL);
	int tcol = dbctl_col(tp->table, "timeouts");
	const struct ovsdb_type *tt = dbctl_col_type(tp->table, tcol);
	struct ovsdb_datum td;
	ovsdb_datum_init_empty(&td);
	for (int a = 3; a < ctx->argc; a++) {
		char *eq = strchr(ctx->argv[a], '=');
		if (!eq)
			dbctl_fatal("argument %s is not of the form KEY=VALUE",
				    ctx->argv[a]);
		char *key = xstrndup(ctx->argv[a], (size_t)(eq - ctx->argv[a]));
		union ovsdb_atom k = { .s = key }, v = { .i = atoll(eq + 1) };
		ovsdb_datum_add_unsafe(&td, &k, &v, tt);
		free(key);
	}
	ovsdb_datum_sort_unique(&td, tt);
	dbctl_row_set(tp, tcol, &td);
	struct dbctl_row *z;
	const struct ovsdb_datum *zones = dbctl_row_get(dp, zcol);
	if (i >= 0) {
		z = dbctl_row_find(ctx->db, vsctl_table(ctx, "CT_Zone"),
				   &zones->values[i].u);
	} else {
		z = dbctl_row_insert(ctx->db, vsctl_table(ctx, "CT_Zone"),
				     NULL);
		struct ovsdb_datum nz;
		union ovsdb_atom k = { .i = zone }, v = { .u = z->uuid };
		ovsdb_datum_clone(&nz, zones, zt);
		ovsdb_datum_add_unsafe(&nz, &k, &v, zt);
		ovsdb_datum_sort_unique(&nz, zt);
		dbctl_row_set(dp, zcol, &nz);
	}
	if (z) {
		int pcol = dbctl_col(z->table, "timeout_policy");
		struct ovsdb_datum pd;
		union ovsdb_atom pa = { .u = tp->uuid };
		ovsdb_datum_init_empty(&pd);
		ovsdb_datum_add_unsafe(&pd, &pa, NULL,
				       dbctl_col_type(z->table, pcol));
		dbctl_row_set(z, pcol, &pd);
	}
}

static void
cmd_del_zone_tp(struct dbctl_ctx *ctx)
{
	struct dbctl_row *dp = find_datapath(ctx, ctx->argv[1]);
	int64_t zone = zone_arg(ctx->argv[2]);
	bool if_exists = dbctl_has_opt(ctx, "--if-exists");

	if (!dp)
		dbctl_fatal("datapath %s does not exist", ctx->argv[1]);
	int zcol = dbctl_col(dp->table, "ct_zones");
	const struct ovsdb_type *zt = dbctl_col_type(dp->table, zcol);
	int i = zone_index(dbctl_row_get(dp, zcol), zone);
	if (i < 0) {
		if (if_exists)
			return;
		dbctl_fatal("zone id %lld does not exist", (long long)zone);
	}
	struct ovsdb_datum nz;
	ovsdb_datum_clone(&nz, dbctl_row_get(dp, zcol), zt);
	ovsdb_datum_remove_at(&nz, (unsigned)i, zt);
	dbctl_row_set(dp, zcol, &nz);
}

static void
cmd_list_zone_tp(struct dbctl_ctx *ctx)
{
	struct dbctl_row *dp = find_datapath(ctx, ctx->argv[1]);

	if (!dp)
		dbctl_fatal("datapath: %s record not found", ctx->argv[1]);
	const struct ovsdb_datum *zones = dbctl_get(dp, "ct_zones");
	for (unsigned i = 0; i < zones->n; i++) {
		struct dbctl_row *z =
			dbctl_row_find(ctx->db, vsctl_table(ctx, "CT_Zone"),
				       &zones->values[i].u);
		ds_printf(&ctx->out, "Zone:%lld, Timeout Policies: ",
			  (long long)zones->keys[i].i);
		const struct ovsdb_datum *p =
			z ? dbctl_get(z, "timeout_policy") : NULL;
		struct dbctl_row *tp =
			p && p->n
				? dbctl_row_find(
					  ctx->db,
					  vsctl_table(ctx, "CT_Timeout_Policy"),
					  &p->keys[0].u)
				: NULL;
		if (tp) {
			const struct ovsdb_datum *t = dbctl_get(tp, "timeouts");
			for (unsigned k = 0; k < t->n; k++)
				ds_printf(&ctx->out, "%s%s=%lld", k ? " " : "",
					  t->keys[k].s,
					  (long long)t->values[k].i);
		}
		ds_put_char(&ctx->out, '\n');
	}
}

static void
cmd_list_dp_cap(struct dbctl_ctx *ctx)
{
	struct dbctl_row *dp = find_datapath(ctx, ctx->argv[1]);

	if (!dp)
		dbctl_fatal("datapath \"%s\" record not found", ctx->argv[1]);
	const struct ovsdb_datum *c = dbctl_get(dp, "capabilities");
	for (unsigned k = 0; k < c->n; k++)
		ds_printf(&ctx->out, "%s%s=%s", k ? " " : "", c->keys[k].s,
			  c->values[k].s);
	ds_put_char(&ctx->out, '\n');
}

static void
clear_refs(struct dbctl_ctx *ctx, struct dbctl_row *row, const char *col)
{
	if (dbctl_get(row, col)->n)
		dbctl_clear(row, col);
	(void)ctx;
}

static void
cmd_emer_reset(struct dbctl_ctx *ctx)
{
	struct vsctl_model *m = vsctl_model(ctx);
	static const char *const br_refs[] = { "controller", "mirrors",
					       "netflow", "sflow", "ipfix" };

	clear_refs(ctx, m->ovs, "manager_options");
	clear_refs(ctx, m->ovs, "ssl");
	for (size_t i = 0; i < m->n_bridges; i++) {
		struct vsctl_bridge *b = &m->bridges[i];
		if (b->parent)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(br_refs); k++)
			clear_refs(ctx, b->br_cfg, br_refs[k]);
		clear_refs(ctx, b->br_cfg, "fail_mode");
		clear_refs(ctx, b->br_cfg, "flood_vlans");
		const char *hw =
			dbctl_map_get(b->br_cfg, "other_config", "hwaddr");
		char *hwaddr = hw ? xstrdup(hw) : NULL;
		clear_refs(ctx, b->br_cfg, "other_config");
		if (hwaddr)
			dbctl_map_set(b->br_cfg, "other_config", "hwaddr",
				      hwaddr);
		free(hwaddr);
	}
	for (size_t i = 0; i < m->n_ports; i++)
		clear_refs(ctx, m->ports[i].row, "other_config");
	/* Rows nothing refers to any more go away with the references. */
	static const char *const tables[] = { "Controller", "Manager", "SSL",
					      "Mirror",	    "NetFlow", "sFlow",
					      "IPFIX" };
	for (size_t k = 0; k < ARRAY_SIZE(tables); k++) {
		struct dbctl_table *t = dbctl_db_table(ctx->db, tables[k]);
		for (size_t i = 0; t && i < t->n_rows; i++)
			dbctl_row_delete(t->rows[i]);
	}
}

#define C(name, mn, mx, opts, fn, ro)            \
	{                                        \
		name, mn, mx, opts, fn, NULL, ro \
	}
static const struct dbctl_command vsctl_misc_commands[] = {
	C("init", 0, 0, "", cmd_init, false),
	C("show", 0, 0, "", cmd_show, true),
	C("emer-reset", 0, 0, "", cmd_emer_reset, false),
	C("get-controller", 1, 1, "", cmd_get_controller, true),
	C("del-controller", 1, 1, "", cmd_del_controller, false),
	C("set-controller", 1, -1, "--inactivity-probe=", cmd_set_controller,
	  false),
	C("get-fail-mode", 1, 1, "", cmd_get_fail_mode, true),
	C("del-fail-mode", 1, 1, "", cmd_del_fail_mode, false),
	C("set-fail-mode", 2, 2, "", cmd_set_fail_mode, false),
	C("get-manager", 0, 0, "", cmd_get_manager, true),
	C("del-manager", 0, 0, "", cmd_del_manager, false),
	C("set-manager", 1, -1, "--inactivity-probe=", cmd_set_manager, false),
	C("get-ssl", 0, 0, "", cmd_get_ssl, true),
	C("del-ssl", 0, 0, "", cmd_del_ssl, false),
	C("set-ssl", 3, 3, "--bootstrap", cmd_set_ssl, false),
	C("add-aa-mapping", 3, 3, "", cmd_add_aa_mapping, false),
	C("del-aa-mapping", 3, 3, "", cmd_del_aa_mapping, false),
	C("get-aa-mapping", 1, 1, "", cmd_get_aa_mapping, true),
	C("add-zone-tp", 3, -1, "--may-exist", cmd_add_zone_tp, false),
	C("del-zone-tp", 2, 2, "--if-exists", cmd_del_zone_tp, false),
	C("list-zone-tp", 1, 1, "", cmd_list_zone_tp, true),
	C("list-dp-cap", 1, 1, "", cmd_list_dp_cap, true),
	{ NULL, 0, 0, NULL, NULL, NULL, false },
};

const struct dbctl_command *const vsctl_commands[] = {
	vsctl_misc_commands,
	vsctl_bridge_commands,
	dbctl_db_commands,
	NULL,
};
