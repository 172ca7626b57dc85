/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vtep_ctl_cmds: vtep-ctl's commands on the hardware_vtep database:
 * physical switches and their ports, logical switches and routers, VLAN
 * bindings, replication mode, local and remote MACs (unicast entries
 * point at a Physical_Locator, multicast ones at a Physical_Locator_Set),
 * managers and show; plus the tool description.
 */
#include <stdlib.h>
#include <string.h>

#include "vtep_ctl.h"

static const struct dbctl_table_class vtep_classes[] = {
	{ "Global", { { "Global", NULL, NULL } } },
	{ "Manager", { { "Manager", "target", NULL } } },
	{ "Physical_Switch", { { "Physical_Switch", "name", NULL } } },
	{ "Physical_Port", { { "Physical_Port", "name", NULL } } },
	{ "Logical_Switch", { { "Logical_Switch", "name", NULL } } },
	{ "Logical_Router", { { "Logical_Router", "name", NULL } } },
	{ NULL, { { NULL, NULL, NULL } } },
};

static const struct dbctl_show_spec show_specs[] = {
	{ "Global", NULL, { "managers", "switches", NULL } },
	{ "Manager", "target", { "is_connected", NULL } },
	{ "Physical_Switch",
	  "name",
	  { "management_ips", "tunnel_ips", "ports", NULL } },
	{ "Physical_Port", "name", { "vlan_bindings", NULL } },
	{ "Logical_Switch", "name", { NULL } },
	{ NULL, NULL, { NULL } },
};

static struct dbctl_table *
table(struct dbctl_ctx *ctx, const char *name)
{
	struct dbctl_table *t = dbctl_db_table(ctx->db, name);
	if (!t)
		dbctl_fatal("schema has no table %s", name);
	return t;
}

static struct dbctl_row *
global(struct dbctl_ctx *ctx)
{
	struct dbctl_table *t = table(ctx, "Global");
	for (size_t i = 0; i < t->n_rows; i++)
		if (!t->rows[i]->deleted)
			return t->rows[i];
	dbctl_fatal("no Global row");
}

static struct dbctl_row *
ref(struct dbctl_ctx *ctx, const char *tname, const union ovsdb_atom *a)
{
	return dbctl_row_find(ctx->db, table(ctx, tname), &a->u);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
print_sorted(struct dbctl_ctx *ctx, char **lines, size_t n)
{
	qsort(lines, n, sizeof *lines, cmp_str);
	for (size_t i = 0; i < n; i++) {
		ds_printf(&ctx->out, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
}

/* Physical switches. */
static struct dbctl_row *
find_ps(struct dbctl_ctx *ctx, const char *name, bool must_exist)
{
	const struct ovsdb_datum *d = dbctl_get(global(ctx), "switches");
	for (unsigned i = 0; i < d->n; i++) {
		struct dbctl_row *r = ref(ctx, "Physical_Switch", &d->keys[i]);
		if (r && !strcmp(dbctl_get_str(r, "name"), name))
			return r;
	}
	if (must_exist)
		dbctl_fatal("no physical switch named %s", name);
	return NULL;
}

static struct dbctl_row *
find_port(struct dbctl_ctx *ctx, const char *ps_name, const char *name,
	  bool must_exist)
{
	struct dbctl_row *ps = find_ps(ctx, ps_name, false);
	if (ps) {
		const struct ovsdb_datum *d = dbctl_get(ps, "ports");
		for (unsigned i = 0; i < d->n; i++) {
			struct dbctl_row *r =
				ref(ctx, "Physical_Port", &d->keys[i]);
			if (r && !strcmp(dbctl_get_str(r, "name"), name))
				return r;
		}
	}
	if (must_exist)
		dbctl_fatal("no port named %s", name);
	return NULL;
}

static struct dbctl_row *
find_named(struct dbctl_ctx *ctx, const char *tname, const char *what,
	   const char *name, bool must_exist)
{
	struct dbctl_table *t = table(ctx, tname);
	for (size_t i = 0; i < t->n_rows; i++)
		if (!t->rows[i]->deleted &&
		    !strcmp(dbctl_get_str(t->rows[i], "name"), name))
			return t->rows[i];
	if (must_exist)
		dbctl_fatal("no %s named %s", what, name);
	return NULL;
}

static struct dbctl_row *
find_ls(struct dbctl_ctx *ctx, const char *name, bool must_exist)
{
	return find_named(ctx, "Logical_Switch", "logical switch", name,
			  must_exist);
}

static void
cmd_add_ps(struct dbctl_ctx *ctx)
{
	const char *name = ctx->argv[1];
	if (find_ps(ctx, name, false)) {
		if (dbctl_has_opt(ctx, "--may-exist"))
			return;
		dbctl_fatal("cannot create physical switch %s because it "
			    "already exists",
			    name);
	}
	struct dbctl_row *r =
		dbctl_row_insert(ctx->db, table(ctx, "Physical_Switch"), NULL);
	dbctl_set_str(r, "name", name);
	dbctl_ref_add(global(ctx), "switches", &r->uuid);
}

static void
cmd_del_ps(struct dbctl_ctx *ctx)
{
	struct dbctl_row *ps =
		find_ps(ctx, ctx->argv[1], !dbctl_has_opt(ctx, "--if-exists"));
	if (!ps)
		return;
	const struct ovsdb_datum *d = dbctl_get(ps, "ports");
	for (unsigned i = 0; i < d->n; i++) {
		struct dbctl_row *p = ref(ctx, "Physical_Port", &d->keys[i]);
		if (p)
			dbctl_row_delete(p);
	}
	dbctl_ref_del(global(ctx), "switches", &ps->uuid);
	dbctl_row_delete(ps);
}

static void
list_names(struct dbctl_ctx *ctx, const struct ovsdb_datum *refs,
	   const char *tname)
{
	char **lines = xcalloc(refs->n + 1, sizeof *lines);
	size_t n = 0;
	for (unsigned i = 0; i < refs->n; i++) {
		struct dbctl_row *r = ref(ctx, tname, &refs->keys[i]);
		if (r)
			lines[n++] = xstrdup(dbctl_get_str(r, "name"));
	}
	print_sorted(ctx, lines, n);
}

static void
list_table_names(struct dbctl_ctx *ctx, const char *tname)
{
	struct dbctl_table *t = table(ctx, tname);
	char **lines = xcalloc(t->n_rows + 1, sizeof *lines);
	size_t n = 0;
	for (size_t i = 0; i < t->n_rows; i++)
		if (!t->rows[i]->deleted)
			lines[n++] = xstrdup(dbctl_get_str(t->rows[i], "name"));
	print_sorted(ctx, lines, n);
}

static void
cmd_list_ps(struct dbctl_ctx *ctx)
{
	list_names(ctx, dbctl_get(global(ctx), "switches"), "Physical_Switch");
}

static void
cmd_ps_exists(struct dbctl_ctx *ctx)
{
	if (!find_ps(ctx, ctx->argv[1], false))
		ctx->exit_code = 2;
}

static void
cmd_list_ports(struct dbctl_ctx *ctx)
{
	struct dbctl_row *ps = find_ps(ctx, ctx->argv[1], true);
	list_names(ctx, dbctl_get(ps, "ports"), "Physical_Port");
}

static void
cmd_add_port(struct dbctl_ctx *ctx)
{
	struct dbctl_row *ps = find_ps(ctx, ctx->argv[1], true);
	const char *name = ctx->argv[2];

	if (find_port(ctx, ctx->argv[1], name, false)) {
		if (dbctl_has_opt(ctx, "--may-exist"))
			return;
		dbctl_fatal("cannot create a port named %s on %s because a "
			    "port with that name already exists",
			    name, ctx->argv[1]);
	}
	struct dbctl_row *r =
		dbctl_row_insert(ctx->db, table(ctx, "Physical_Port"), NULL);
	dbctl_set_str(r, "name", name);
	dbctl_ref_add(ps, "ports", &r->uuid);
}

static void
cmd_del_port(struct dbctl_ctx *ctx)
{
	struct dbctl_row *p = find_port(ctx, ctx->argv[1], ctx->argv[2],
					!dbctl_has_opt(ctx, "--if-exists"));
	if (!p)
		return;
	struct dbctl_row *ps = find_ps(ctx, ctx->argv[1], true);
	dbctl_ref_del(ps, "ports", &p->uuid);
	dbctl_row_delete(p);
}

/* Logical switches and routers. */
static void
add_named(struct dbctl_ctx *ctx, const char *tname, const char *what)
{
	const char *name = ctx->argv[1];
	if (find_named(ctx, tname, what, name, false)) {
		if (dbctl_has_opt(ctx, "--may-exist"))
			return;
		dbctl_fatal("cannot create %s %s because it already exists",
			    what, name);
	}
	struct dbctl_row *r =
		dbctl_row_insert(ctx->db, table(ctx, tname), NULL);
	dbctl_set_str(r, "name", name);
}

static void
cmd_add_ls(struct dbctl_ctx *ctx)
{
	add_named(ctx, "Logical_Switch", "logical switch");
}

static void
cmd_del_ls(struct dbctl_ctx *ctx)
{
	struct dbctl_row *ls =
		find_ls(ctx, ctx->argv[1], !dbctl_has_opt(ctx, "--if-exists"));
	if (!ls)
		return;
	/* MACs and bindings that refer to it make the server refuse. */
	dbctl_row_delete(ls);
}

static void
cmd_list_ls(struct dbctl_ctx *ctx)
{
	list_table_names(ctx, "Logical_Switch");
}

static void
cmd_ls_exists(struct dbctl_ctx *ctx)
{
	if (!find_ls(ctx, ctx->argv[1], false))
		ctx->exit_code = 2;
}

static void
cmd_add_lr(struct dbctl_ctx *ctx)
{
	add_named(ctx, "Logical_Router", "logical router");
}

static void
cmd_del_lr(struct dbctl_ctx *ctx)
{
	struct dbctl_row *lr =
		find_named(ctx, "Logical_Router", "logical router",
			   ctx->argv[1], !dbctl_has_opt(ctx, "--if-exists"));
	if (lr)
		dbctl_row_delete(lr);
}

static void
cmd_list_lr(struct dbctl_ctx *ctx)
{
	list_table_names(ctx, "Logical_Router");
}

static void
cmd_lr_exists(struct dbctl_ctx *ctx)
{
	if (!find_named(ctx, "Logical_Router", "logical router", ctx->argv[1],
			false))
		ctx->exit_code = 2;
}

/* VLAN bindings. */
static void
cmd_bind_ls(struct dbctl_ctx *ctx)
{
	struct dbctl_row *p = find_port(ctx, ctx->argv[1], ctx->argv[2], true);
	union ovsdb_atom vlan = { .i = atoll(ctx->argv[3]) };
	int col = dbctl_col(p->table, "vlan_bindings");
	const struct ovsdb_type *t = dbctl_col_type(p->table, col);

	if (ovsdb_datum_find_key(dbctl_row_get(p, col), &vlan,
				 OVSDB_T_INTEGER) >= 0)
		dbctl_fatal("multiple bindings for vlan %s", ctx->argv[3]);
	struct dbctl_row *ls = find_ls(ctx, ctx->argv[4], true);
	union ovsdb_atom v = { .u = ls->uuid };
	struct ovsdb_datum d;
	ovsdb_datum_clone(&d, dbctl_row_get(p, col), t);
	ovsdb_datum_add_unsafe(&d, &vlan, &v, t);
	ovsdb_datum_sort_unique(&d, t);
	dbctl_row_set(p, col, &d);
}

static void
cmd_unbind_ls(struct dbctl_ctx *ctx)
{
	struct dbctl_row *p = find_port(ctx, ctx->argv[1], ctx->argv[2], true);
	int col = dbctl_col(p->table, "vlan_bindings");
	const struct ovsdb_type *t = dbctl_col_type(p->table, col);
	char *end;
	union ovsdb_atom vlan = { .i = strtoll(ctx->argv[3], &end, 10) };
	int i = *end ? -1
		     : ovsdb_datum_find_key(dbctl_row_get(p, col), &vlan,
					    OVSDB_T_INTEGER);

	if (i < 0)
		dbctl_fatal("no binding for vlan %s", ctx->argv[3]);
	struct ovsdb_datum d;
	ovsdb_datum_clone(&d, dbctl_row_get(p, col), t);
	ovsdb_datum_remove_at(&d, (unsigned)i, t);
	dbctl_row_set(p, col, &d);
}

static void
cmd_list_bindings(struct dbctl_ctx *ctx)
{
	struct dbctl_row *p = find_port(ctx, ctx->argv[1], ctx->argv[2], true);
	const struct ovsdb_datum *d = dbctl_get(p, "vlan_bindings");
	char **lines = xcalloc(d->n + 1, sizeof *lines);

	for (unsigned i = 0; i < d->n; i++) {
		struct dbctl_row *ls =
			ref(ctx, "Logical_Switch", &d->values[i]);
		lines[i] = xasprintf("%04lld %s", (long long)d->keys[i].i,
				     ls ? dbctl_get_str(ls, "name") : "");
	}
	print_sorted(ctx, lines, d->n);
}

static void
cmd_set_replication_mode(struct dbctl_ctx *ctx)
{
	struct dbctl_row *ls = find_ls(ctx, ctx->argv[1], true);
	const char *mode = ctx->argv[2];

	if (strcmp(mode, "service_node") && strcmp(mode, "source_node"))
		dbctl_fatal("Replication mode must be 'service_node' or "
			    "'source_node'");
	dbctl_set_str(ls, "replication_mode", mode);
}

static void
cmd_get_replication_mode(struct dbctl_ctx *ctx)
{
	struct dbctl_row *ls = find_ls(ctx, ctx->argv[1], true);
	const struct ovsdb_datum *d = dbctl_get(ls, "replication_mode");

	ds_printf(&ctx->out, "%s\n", d->n ? d->keys[0].s : "(null)");
}

/* MACs. */
static const char *
mac_table(bool local, bool mcast)
{
	return mcast ? (local ? "Mcast_Macs_Local" : "Mcast_Macs_Remote")
		     : (local ? "Ucast_Macs_Local" : "Ucast_Macs_Remote");
}

static bool
row_refers(const struct dbctl_row *r, const char *col,
	   const struct dbctl_row *target)
{
	const struct ovsdb_datum *d = dbctl_get(r, col);
	return d->n && ovsdb_uuid_eq(&d->keys[0].u, &target->uuid);
}

static void
del_macs(struct dbctl_ctx *ctx, struct dbctl_row *ls, const char *tname)
{
	struct dbctl_table *t = table(ctx, tname);
	for (size_t i = 0; i < t->n_rows; i++)
		if (!t->rows[i]->deleted &&
		    row_refers(t->rows[i], "logical_switch", ls))
			dbctl_row_delete(t->rows[i]);
}

static struct dbctl_row *
find_mac(struct dbctl_ctx *ctx, const char *tname, struct dbctl_row *ls,
	 const char *mac)
{
	struct dbctl_table *t = table(ctx, tname);
	for (size_t i = 0; i < t->n_rows; i++) {
		struct dbctl_row *r = t->rows[i];
		if (!r->deleted && row_refers(r, "logical_switch", ls) &&
		    !strcmp(dbctl_get_str(r, "MAC"), mac))
			return r;
	}
	return NULL;
}

static struct dbctl_row *
find_locator(struct dbctl_ctx *ctx, const char *encap, const char *ip,
	     bool create)
{
	struct dbctl_table *t = table(ctx, "Physical_Locator");
	for (size_t i = 0; i < t->n_rows; i++) {
		struct dbctl_row *r = t->rows[i];
		if (!r->deleted &&
		    !strcmp(dbctl_get_str(r, "encapsulation_type"), encap) &&
		    !strcmp(dbctl_get_str(r, "dst_ip"), ip))
			return r;
	}
	if (!create)
		return NULL;
	struct dbctl_row *r = dbctl_row_insert(ctx->db, t, NULL);
	dbctl_set_str(r, "encapsulation_type", encap);
	dbctl_set_str(r, "dst_ip", ip);
	return r;
}

static void
set_ref(struct dbctl_row *r, const char *col, const struct ovsdb_uuid *u)
{
	int c = dbctl_col(r->table, col);
	struct ovsdb_datum d;
	union ovsdb_atom a = { .u = *u };

	ovsdb_datum_init_empty(&d);
	ovsdb_datum_add_unsafe(&d, &a, NULL, dbctl_col_type(r->table, c));
	dbctl_row_set(r, c, &d);
}

static void
add_mac(struct dbctl_ctx *ctx, bool local, bool mcast)
{
	struct dbctl_row *ls = find_ls(ctx, ctx->argv[1], true);
	const char *mac = ctx->argv[2];
	const char *encap = ctx->argc == 5 ? ctx->argv[3] : "vxlan_over_ipv4";
	const char *ip = ctx->argv[ctx->argc - 1];
	const char *tname = mac_table(local, mcast);
	struct dbctl_row *loc = find_locator(ctx, encap, ip, true);
	struct dbctl_row *r = find_mac(ctx, tname, ls, mac);

	if (!mcast) {
		if (!r) {
			r = dbctl_row_insert(ctx->db, table(ctx, tname), NULL);
			dbctl_set_str(r, "MAC", mac);
			set_ref(r, "logical_switch", &ls->uuid);
		}
		set_ref(r, "locator", &loc->uuid);
		return;
	}
	/* Locator sets are immutable: build a new one. */
	struct dbctl_table *lst = table(ctx, "Physical_Locator_Set");
	struct dbctl_row *old = NULL;
	if (r) {
		const struct ovsdb_datum *d = dbctl_get(r, "locator_set");
		old = d->n ? dbctl_row_find(ctx->db, lst, &d->keys[0].u) : NULL;
		if (old) {
			const struct ovsdb_datum *l =
				dbctl_get(old, "locators");
			union ovsdb_atom a = { .u = loc->uuid };
			if (ovsdb_datum_find_key(l, &a, OVSDB_T_UUID) >= 0)
				return;
		}
	}
	struct dbctl_row *set = dbctl_row_insert(ctx->db, lst, NULL);
	if (old) {
		const struct ovsdb_datum *l = dbctl_get(old, "locators");
		for (unsigned i = 0; i < l->n; i++)
			dbctl_ref_add(set, "locators", &l->keys[i].u);
	}
	dbctl_ref_add(set, "locators", &loc->uuid);
	if (!r) {
		r = dbctl_row_insert(ctx->db, table(ctx, tname), NULL);
		dbctl_set_str(r, "MAC", mac);
		set_ref(r, "logical_switch", &ls->uuid);
	}
	set_ref(r, "locator_set", &set->uuid);
}

static void
del_mac(struct dbctl_ctx *ctx, bool local, bool mcast)
{
	struct dbctl_row *ls = find_ls(ctx, ctx->argv[1], true);
	const char *tname = mac_table(local, mcast);
	struct dbctl_row *r = find_mac(ctx, tname, ls, ctx->argv[2]);

	if (!r)
		return;
	if (!mcast) {
		dbctl_row_delete(r);
		return;
	}
	const char *encap = ctx->argc == 5 ? ctx->argv[3] : "vxlan_over_ipv4";
	struct dbctl_row *loc =
		find_locator(ctx, encap, ctx->argv[ctx->argc - 1], false);
	struct dbctl_table *lst = table(ctx, "Physical_Locator_Set");
	const struct ovsdb_datum *d = dbctl_get(r, "locator_set");
	struct dbctl_row *old =
		d->n ? dbctl_row_find(ctx->db, lst, &d->keys[0].u) : NULL;
	if (!loc || !old)
		return;
	const struct ovsdb_datum *l = dbctl_get(old, "locators");
	union ovsdb_atom a = { .u = loc->uuid };
	if (ovsdb_datum_find_key(l, &a, OVSDB_T_UUID) < 0)
		return;
	if (l->n == 1) {
		dbctl_row_delete(r);
		return;
	}
	struct dbctl_row *set = dbctl_row_insert(ctx->db, lst, NULL);
	for (unsigned i = 0; i < l->n; i++)
		if (!ovsdb_uuid_eq(&l->keys[i].u, &loc->uuid))
			dbctl_ref_add(set, "locators", &l->keys[i].u);
	set_ref(r, "locator_set", &set->uuid);
}

static char *
locator_text(struct dbctl_ctx *ctx, const char *mac, const union ovsdb_atom *a)
{
	struct dbctl_row *loc = ref(ctx, "Physical_Locator", a);
	return xasprintf("  %s -> %s/%s", mac,
			 loc ? dbctl_get_str(loc, "encapsulation_type") : "",
			 loc ? dbctl_get_str(loc, "dst_ip") : "");
}

static void
list_macs(struct dbctl_ctx *ctx, bool local)
{
	struct dbctl_row *ls = find_ls(ctx, ctx->argv[1], true);
	const char *where = local ? "local" : "remote";

	for (int mcast = 0; mcast < 2; mcast++) {
		struct dbctl_table *t = table(ctx, mac_table(local, mcast));
		size_t cap = 16, n = 0;
		char **lines = xcalloc(cap, sizeof *lines);
		ds_printf(&ctx->out, "%s-mac-%s\n", mcast ? "mcast" : "ucast",
			  where);
		for (size_t i = 0; i < t->n_rows; i++) {
			struct dbctl_row *r = t->rows[i];
			if (r->deleted || !row_refers(r, "logical_switch", ls))
				continue;
			const char *mac = dbctl_get_str(r, "MAC");
			const struct ovsdb_datum *locs;
			struct dbctl_row *set = NULL;
			if (!mcast) {
				locs = dbctl_get(r, "locator");
			} else {
				const struct ovsdb_datum *s =
					dbctl_get(r, "locator_set");
				set = s->n ? ref(ctx, "Physical_Locator_Set",
						 &s->keys[0])
					   : NULL;
				if (!set)
					continue;
				locs = dbctl_get(set, "locators");
			}
			for (unsigned k = 0; k < locs->n; k++) {
				if (n + 1 >= cap) {
					cap *= 2;
					lines = xrealloc(lines,
							 cap * sizeof *lines);
				}
				lines[n++] =
					locator_text(ctx, mac, &locs->keys[k]);
			}
		}
		print_sorted(ctx, lines, n);
		ds_put_char(&ctx->out, '\n');
	}
}

static void
clear_macs(struct dbctl_ctx *ctx, bool local)
{
	struct dbctl_row *ls = find_ls(ctx, ctx->argv[1], true);
	del_macs(ctx, ls, mac_table(local, false));
	del_macs(ctx, ls, mac_table(local, true));
}

static void
cmd_add_ucast_local(struct dbctl_ctx *c)
{
	add_mac(c, true, false);
}
static void
cmd_add_ucast_remote(struct dbctl_ctx *c)
{
	add_mac(c, false, false);
}
static void
cmd_add_mcast_local(struct dbctl_ctx *c)
{
	add_mac(c, true, true);
}
static void
cmd_add_mcast_remote(struct dbctl_ctx *c)
{
	add_mac(c, false, true);
}
static void
cmd_del_ucast_local(struct dbctl_ctx *c)
{
	del_mac(c, true, false);
}
static void
cmd_del_ucast_remote(struct dbctl_ctx *c)
{
	del_mac(c, false, false);
}
static void
cmd_del_mcast_local(struct dbctl_ctx *c)
{
	del_mac(c, true, true);
}
static void
cmd_del_mcast_remote(struct dbctl_ctx *c)
{
	del_mac(c, false, true);
}
static void
cmd_list_local_macs(struct dbctl_ctx *c)
{
	list_macs(c, true);
}
static void
cmd_list_remote_macs(struct dbctl_ctx *c)
{
	list_macs(c, false);
}
static void
cmd_clear_local_macs(struct dbctl_ctx *c)
{
	clear_macs(c, true);
}
static void
cmd_clear_remote_macs(struct dbctl_ctx *c)
{
	clear_macs(c, false);
}

/* Managers. */
static void
cmd_get_manager(struct dbctl_ctx *ctx)
{
	const struct ovsdb_datum *d = dbctl_get(global(ctx), "managers");
	char **lines = xcalloc(d->n + 1, sizeof *lines);
	size_t n = 0;
	for (unsigned i = 0; i < d->n; i++) {
		struct dbctl_row *r = ref(ctx, "Manager", &d->keys[i]);
		if (r)
			lines[n++] = xstrdup(dbctl_get_str(r, "target"));
	}
	print_sorted(ctx, lines, n);
}

static void
cmd_del_manager(struct dbctl_ctx *ctx)
{
	struct dbctl_row *g = global(ctx);
	const struct ovsdb_datum *d = dbctl_get(g, "managers");
	for (unsigned i = 0; i < d->n; i++) {
		struct dbctl_row *r = ref(ctx, "Manager", &d->keys[i]);
		if (r)
			dbctl_row_delete(r);
	}
	dbctl_clear(g, "managers");
}

static void
cmd_set_manager(struct dbctl_ctx *ctx)
{
	const char *probe = dbctl_opt(ctx, "--inactivity-probe");
	struct dbctl_row *g = global(ctx);

	cmd_del_manager(ctx);
	for (int i = 1; i < ctx->argc; i++) {
		struct dbctl_row *r =
			dbctl_row_insert(ctx->db, table(ctx, "Manager"), NULL);
		dbctl_set_str(r, "target", ctx->argv[i]);
		if (probe)
			dbctl_set_int(r, "inactivity_probe", atoll(probe));
		dbctl_ref_add(g, "managers", &r->uuid);
	}
}

static void
cmd_show(struct dbctl_ctx *ctx)
{
	dbctl_show(ctx, show_specs);
}

#define C(name, mn, mx, opts, fn, ro)            \
	{                                        \
		name, mn, mx, opts, fn, NULL, ro \
	}
static const struct dbctl_command vtep_cmds[] = {
	C("show", 0, 0, "", cmd_show, true),
	C("add-ps", 1, 1, "--may-exist", cmd_add_ps, false),
	C("del-ps", 1, 1, "--if-exists", cmd_del_ps, false),
	C("list-ps", 0, 0, "", cmd_list_ps, true),
	C("ps-exists", 1, 1, "", cmd_ps_exists, true),
	C("list-ports", 1, 1, "", cmd_list_ports, true),
	C("add-port", 2, 2, "--may-exist", cmd_add_port, false),
	C("del-port", 2, 2, "--if-exists", cmd_del_port, false),
	C("add-ls", 1, 1, "--may-exist", cmd_add_ls, false),
	C("del-ls", 1, 1, "--if-exists", cmd_del_ls, false),
	C("list-ls", 0, 0, "", cmd_list_ls, true),
	C("ls-exists", 1, 1, "", cmd_ls_exists, true),
	C("list-bindings", 2, 2, "", cmd_list_bindings, true),
	/* Open vSwitch 3.1 declares bind-ls read-only (it only shows in the
	 * vlog sequence numbers of warnings). */
	C("bind-ls", 4, 4, "", cmd_bind_ls, true),
	C("unbind-ls", 3, 3, "", cmd_unbind_ls, false),
	C("set-replication-mode", 2, 2, "", cmd_set_replication_mode, false),
	C("get-replication-mode", 1, 1, "", cmd_get_replication_mode, true),
	C("add-lr", 1, 1, "--may-exist", cmd_add_lr, false),
	C("del-lr", 1, 1, "--if-exists", cmd_del_lr, false),
	C("list-lr", 0, 0, "", cmd_list_lr, true),
	C("lr-exists", 1, 1, "", cmd_lr_exists, true),
	C("add-ucast-local", 3, 4, "", cmd_add_ucast_local, false),
	C("del-ucast-local", 2, 2, "", cmd_del_ucast_local, false),
	C("add-mcast-local", 3, 4, "", cmd_add_mcast_local, false),
	C("del-mcast-local", 3, 4, "", cmd_del_mcast_local, false),
	C("clear-local-macs", 1, 1, "", cmd_clear_local_macs, false),
	C("list-local-macs", 1, 1, "", cmd_list_local_macs, true),
	C("add-ucast-remote", 3, 4, "", cmd_add_ucast_remote, false),
	C("del-ucast-remote", 2, 2, "", cmd_del_ucast_remote, false),
	C("add-mcast-remote", 3, 4, "", cmd_add_mcast_remote, false),
	C("del-mcast-remote", 3, 4, "", cmd_del_mcast_remote, false),
	C("clear-remote-macs", 1, 1, "", cmd_clear_remote_macs, false),
	C("list-remote-macs", 1, 1, "", cmd_list_remote_macs, true),
	C("get-manager", 0, 0, "", cmd_get_manager, true),
	C("del-manager", 0, 0, "", cmd_del_manager, false),
	C("set-manager", 1, -1, "--inactivity-probe=", cmd_set_manager, false),
	{ NULL, 0, 0, NULL, NULL, NULL, false },
};

static const struct dbctl_command *const vtep_commands[] = {
	vtep_cmds,
	dbctl_db_commands,
	NULL,
};

static const char *const vtep_prefetch[] = { "Global", "Physical_Switch",
					     "Physical_Port", "Logical_Switch",
					     NULL };

const struct dbctl_tool vtep_ctl_tool = {
	.prefetch = vtep_prefetch,
	.prog = "vtep-ctl",
	.db_name = "hardware_vtep",
	.root_table = "Global",
	.commands = vtep_commands,
	.classes = vtep_classes,
	.has_wait = false,
};
