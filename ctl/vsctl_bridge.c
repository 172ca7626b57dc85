/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vsctl_bridge: ovs-vsctl's bridge, port, bond and interface commands and
 * the model they work on (see vsctl_priv.h).
 */
#include <stdlib.h>
#include <string.h>

#include "vsctl_priv.h"

struct dbctl_table *
vsctl_table(struct dbctl_ctx *ctx, const char *name)
{
	struct dbctl_table *t = dbctl_db_table(ctx->db, name);
	if (!t)
		dbctl_fatal("schema has no table %s", name);
	return t;
}

static void
model_free(struct vsctl_model *m)
{
	if (!m)
		return;
	free(m->bridges);
	free(m->ports);
	free(m->ifaces);
	free(m);
}

void
vsctl_done(struct dbctl_ctx *ctx)
{
	model_free(ctx->tool_data);
	ctx->tool_data = NULL;
}

static struct dbctl_row *
deref(struct dbctl_ctx *ctx, struct dbctl_table *t, const union ovsdb_atom *a)
{
	return dbctl_row_find(ctx->db, t, &a->u);
}

static struct vsctl_bridge *
model_bridge(struct vsctl_model *m, const char *name)
{
	for (size_t i = 0; i < m->n_bridges; i++)
		if (!strcmp(m->bridges[i].name, name))
			return &m->bridges[i];
	return NULL;
}

static bool
port_is_fake(const struct dbctl_row *p)
{
	const struct ovsdb_datum *fb = dbctl_get(p, "fake_bridge");
	const struct ovsdb_datum *tag = dbctl_get(p, "tag");
	return fb->n && fb->keys[0].b && tag->n && tag->keys[0].i >= 0 &&
	       tag->keys[0].i <= 4095;
}

/* What the bridge/port/interface model reads, fetched in one round trip:
 * only the columns it needs from the large tables; a command reading any
 * other column fetches that table's remaining columns then. */
const char *const vsctl_model_tables[] = {
	"Open_vSwitch", "Bridge", "Port:name,interfaces,fake_bridge,tag",
	"Interface:name", NULL
};

/* Adds a bridge to @m, growing the array (*@cap entries) as needed. */
static void
add_bridge(struct vsctl_model *m, size_t *cap, struct vsctl_bridge b)
{
	if (m->n_bridges == *cap) {
		*cap *= 2;
		m->bridges = xrealloc(m->bridges, *cap * sizeof *m->bridges);
	}
	m->bridges[m->n_bridges++] = b;
}

/* The real bridges of the Open_vSwitch row, then the fake bridges on each
 * (a fake_bridge port with a VLAN tag); returns the number of real ones. */
static size_t
model_bridges(struct dbctl_ctx *ctx, struct vsctl_model *m)
{
	struct dbctl_table *br_t = vsctl_table(ctx, "Bridge");
	struct dbctl_table *port_t = vsctl_table(ctx, "Port");
	const struct ovsdb_datum *brs = dbctl_get(m->ovs, "bridges");
	size_t cap = brs->n * 2 + 8, n_real;

	m->bridges = xcalloc(cap, sizeof *m->bridges);
	for (unsigned i = 0; i < brs->n; i++) {
		struct dbctl_row *br = deref(ctx, br_t, &brs->keys[i]);
		if (!br || model_bridge(m, dbctl_get_str(br, "name")))
			continue;
		add_bridge(m, &cap,
			   (struct vsctl_bridge){ dbctl_get_str(br, "name"), br,
						  NULL, NULL, 0 });
	}
	n_real = m->n_bridges;
	for (size_t i = 0; i < n_real; i++) {
		const struct ovsdb_datum *ps =
			dbctl_get(m->bridges[i].br_cfg, "ports");
		for (unsigned k = 0; k < ps->n; k++) {
			struct dbctl_row *p = deref(ctx, port_t, &ps->keys[k]);
			if (!p || !port_is_fake(p) ||
			    model_bridge(m, dbctl_get_str(p, "name")))
				continue;
			add_bridge(
				m, &cap,
				(struct vsctl_bridge){
					dbctl_get_str(p, "name"),
					m->bridges[i].br_cfg, p, &m->bridges[i],
					(int)dbctl_get(p, "tag")->keys[0].i });
		}
	}
	return n_real;
}

/* The bridge port @p of real bridge @rb belongs to: the fake bridge it
 * is the port of, or whose VLAN it carries as its tag; else @rb. */
static struct vsctl_bridge *
port_owner(struct vsctl_model *m, size_t n_real, struct vsctl_bridge *rb,
	   const struct dbctl_row *p)
{
	const char *pname = dbctl_get_str(p, "name");
	const struct ovsdb_datum *tag = dbctl_get(p, "tag");
	struct vsctl_bridge *owner = rb;

	for (size_t f = n_real; f < m->n_bridges; f++) {
		struct vsctl_bridge *fb = &m->bridges[f];
		if (fb->parent != rb)
			continue;
		if (port_is_fake(p) ? !strcmp(fb->name, pname)
				    : (tag->n && tag->keys[0].i == fb->vlan))
			owner = fb;
	}
	return owner;
}

/* Every port of the real bridges, with its owner.  The array is sized up
 * front: growing it row by row cost more than filling it with thousands
 * of ports. */
static void
model_ports(struct dbctl_ctx *ctx, struct vsctl_model *m, size_t n_real)
{
	struct dbctl_table *port_t = vsctl_table(ctx, "Port");
	size_t cap = 16;

	for (size_t i = 0; i < n_real; i++)
		cap += dbctl_get(m->bridges[i].br_cfg, "ports")->n;
	m->ports = xcalloc(cap, sizeof *m->ports);
	for (size_t i = 0; i < n_real; i++) {
		struct vsctl_bridge *rb = &m->bridges[i];
		const struct ovsdb_datum *ps = dbctl_get(rb->br_cfg, "ports");
		for (unsigned k = 0; k < ps->n; k++) {
			struct dbctl_row *p = deref(ctx, port_t, &ps->keys[k]);
			if (p)
				m->ports[m->n_ports++] = (struct vsctl_port){
					p, port_owner(m, n_real, rb, p)
				};
		}
	}
}

/* Every interface of the model's ports, in an array sized up front. */
static void
model_ifaces(struct dbctl_ctx *ctx, struct vsctl_model *m)
{
	struct dbctl_table *iface_t = vsctl_table(ctx, "Interface");
	size_t cap = 16;

	for (size_t i = 0; i < m->n_ports; i++)
		cap += dbctl_get(m->ports[i].row, "interfaces")->n;
	m->ifaces = xcalloc(cap, sizeof *m->ifaces);
	for (size_t i = 0; i < m->n_ports; i++) {
		const struct ovsdb_datum *is =
			dbctl_get(m->ports[i].row, "interfaces");
		for (unsigned k = 0; k < is->n; k++) {
			struct dbctl_row *ir =
				deref(ctx, iface_t, &is->keys[k]);
			if (ir)
				m->ifaces[m->n_ifaces++] =
					(struct vsctl_iface){ ir,
							      &m->ports[i] };
		}
	}
}

void
vsctl_init(struct dbctl_ctx *ctx)
{
	struct vsctl_model *m = xzalloc(sizeof *m);
	struct dbctl_table *ovs_t;
	size_t n_real;

	model_free(ctx->tool_data);
	ctx->tool_data = m;
	/* The generic database commands do not use the model. */
	for (const struct dbctl_command *c = dbctl_db_commands; c->name; c++)
		if (c == ctx->cmd)
			return;
	dbctl_db_prefetch(ctx->db, vsctl_model_tables);
	ovs_t = vsctl_table(ctx, "Open_vSwitch");
	for (size_t i = 0; i < ovs_t->n_rows && !m->ovs; i++)
		if (!ovs_t->rows[i]->deleted)
			m->ovs = ovs_t->rows[i];
	if (!m->ovs)
		return;
	n_real = model_bridges(ctx, m);
	model_ports(ctx, m, n_real);
	model_ifaces(ctx, m);
}

struct vsctl_bridge *
vsctl_find_bridge(struct dbctl_ctx *ctx, const char *name, bool must_exist)
{
	struct vsctl_bridge *b = model_bridge(vsctl_model(ctx), name);
	if (!b && must_exist)
		dbctl_fatal("no bridge named %s", name);
	return b;
}

struct vsctl_port *
vsctl_find_port(struct dbctl_ctx *ctx, const char *name, bool must_exist)
{
	struct vsctl_model *m = vsctl_model(ctx);
	for (size_t i = 0; i < m->n_ports; i++) {
		struct vsctl_port *p = &m->ports[i];
		/* A bridge's own (local) port is not a port here. */
		if (!strcmp(dbctl_get_str(p->row, "name"), name) &&
		    strcmp(p->bridge->name, name))
			return p;
	}
	if (must_exist)
		dbctl_fatal("no port named %s", name);
	return NULL;
}

struct vsctl_iface *
vsctl_find_iface(struct dbctl_ctx *ctx, const char *name, bool must_exist)
{
	struct vsctl_model *m = vsctl_model(ctx);
	for (size_t i = 0; i < m->n_ifaces; i++)
		if (!strcmp(dbctl_get_str(m->ifaces[i].row, "name"), name) &&
		    strcmp(m->ifaces[i].port->bridge->name, name))
			return &m->ifaces[i];
	if (must_exist)
		dbctl_fatal("no interface named %s", name);
	return NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
vsctl_print_sorted(struct dbctl_ctx *ctx, const char **names, size_t n)
{
	qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++)
		ds_printf(&ctx->out, "%s\n", names[i]);
}

static void
check_conflicts(struct dbctl_ctx *ctx, const char *name, const char *msg)
{
	struct vsctl_bridge *b = vsctl_find_bridge(ctx, name, false);
	if (b)
		dbctl_fatal("%s because a bridge named %s already exists", msg,
			    name);
	struct vsctl_port *p = vsctl_find_port(ctx, name, false);
	if (p)
		dbctl_fatal("%s because a port named %s already exists on "
			    "bridge %s",
			    msg, name, p->bridge->name);
	struct vsctl_iface *i = vsctl_find_iface(ctx, name, false);
	if (i)
		dbctl_fatal("%s because an interface named %s already exists "
			    "on bridge %s",
			    msg, name, i->port->bridge->name);
}

static struct dbctl_row *
new_iface(struct dbctl_ctx *ctx, const char *name, const char *type)
{
	struct dbctl_row *r =
		dbctl_row_insert(ctx->db, vsctl_table(ctx, "Interface"), NULL);
	dbctl_set_str(r, "name", name);
	if (type)
		dbctl_set_str(r, "type", type);
	return r;
}

static struct dbctl_row *
new_port(struct dbctl_ctx *ctx, const char *name, struct dbctl_row **ifaces,
	 size_t n)
{
	struct dbctl_row *r =
		dbctl_row_insert(ctx->db, vsctl_table(ctx, "Port"), NULL);
	dbctl_set_str(r, "name", name);
	for (size_t i = 0; i < n; i++)
		dbctl_ref_add(r, "interfaces", &ifaces[i]->uuid);
	return r;
}

/* "--may-exist add-br NAME [PARENT VLAN]" where bridge @b exists: fatal
 * unless @b is what the command would have created. */
static void
check_existing_bridge(const struct vsctl_bridge *b, const char *name,
		      const char *parent_name, int vlan)
{
	if (!parent_name) {
		if (b->parent)
			dbctl_fatal("\"--may-exist add-br %s\" but %s is a "
				    "VLAN bridge for VLAN %d",
				    name, name, b->vlan);
		return;
	}
	if (!b->parent)
		dbctl_fatal("\"--may-exist add-br %s %s %d\" but %s is not a "
			    "VLAN bridge",
			    name, parent_name, vlan, name);
	if (strcmp(b->parent->name, parent_name))
		dbctl_fatal("\"--may-exist add-br %s %s %d\" but %s has the "
			    "wrong parent %s",
			    name, parent_name, vlan, name, b->parent->name);
	if (b->vlan != vlan)
		dbctl_fatal("\"--may-exist add-br %s %s %d\" but %s is a VLAN "
			    "bridge for the wrong VLAN %d",
			    name, parent_name, vlan, name, b->vlan);
}

/* add-br NAME PARENT VLAN: a fake bridge, i.e. a tagged internal port
 * of PARENT marked fake_bridge. */
static void
add_fake_bridge(struct dbctl_ctx *ctx, const char *name,
		const char *parent_name, int vlan)
{
	struct vsctl_model *m = vsctl_model(ctx);
	struct vsctl_bridge *parent =
		vsctl_find_bridge(ctx, parent_name, false);
	struct dbctl_row *iface, *port;

	if (parent && parent->parent)
		dbctl_fatal("cannot create bridge with fake bridge as parent");
	if (!parent)
		dbctl_fatal("parent bridge %s does not exist", parent_name);
	for (size_t i = 0; i < m->n_bridges; i++)
		if (m->bridges[i].parent == parent &&
		    m->bridges[i].vlan == vlan)
			dbctl_fatal("bridge %s already has a child VLAN bridge "
				    "%s on VLAN %d",
				    parent_name, m->bridges[i].name, vlan);
	iface = new_iface(ctx, name, "internal");
	port = new_port(ctx, name, &iface, 1);
	dbctl_set_bool(port, "fake_bridge", true);
	dbctl_set_int(port, "tag", vlan);
	dbctl_ref_add(parent->br_cfg, "ports", &port->uuid);
}

static void
cmd_add_br(struct dbctl_ctx *ctx)
{
	bool may_exist = dbctl_has_opt(ctx, "--may-exist");
	const char *name = ctx->argv[1];
	const char *parent_name = NULL;
	struct dbctl_row *iface, *port, *br;
	int vlan = 0;
	char *msg;

	if (ctx->argc == 2) {
	} else if (ctx->argc == 4) {
		parent_name = ctx->argv[2];
		vlan = atoi(ctx->argv[3]);
		if (vlan < 0 || vlan > 4095)
			dbctl_fatal("%s: vlan must be between 0 and 4095",
				    ctx->argv[0]);
	} else {
		dbctl_fatal("'%s' command takes exactly 1 or 3 arguments",
			    ctx->argv[0]);
	}
	if (may_exist) {
		struct vsctl_bridge *b = vsctl_find_bridge(ctx, name, false);
		if (b) {
			check_existing_bridge(b, name, parent_name, vlan);
			return;
		}
	}
	msg = xasprintf("cannot create a bridge named %s", name);
	check_conflicts(ctx, name, msg);
	free(msg);
	if (parent_name) {
		add_fake_bridge(ctx, name, parent_name, vlan);
		return;
	}
	iface = new_iface(ctx, name, "internal");
	port = new_port(ctx, name, &iface, 1);
	br = dbctl_row_insert(ctx->db, vsctl_table(ctx, "Bridge"), NULL);
	dbctl_set_str(br, "name", name);
	dbctl_ref_add(br, "ports", &port->uuid);
	dbctl_ref_add(vsctl_model(ctx)->ovs, "bridges", &br->uuid);
}

static void
delete_port(struct dbctl_ctx *ctx, struct vsctl_port *p)
{
	struct vsctl_model *m = vsctl_model(ctx);
	for (size_t i = 0; i < m->n_ifaces; i++)
		if (m->ifaces[i].port == p)
			dbctl_row_delete(m->ifaces[i].row);
	dbctl_ref_del(vsctl_real(p->bridge)->br_cfg, "ports", &p->row->uuid);
	dbctl_row_delete(p->row);
}

static void
cmd_del_br(struct dbctl_ctx *ctx)
{
	bool if_exists = dbctl_has_opt(ctx, "--if-exists");
	struct vsctl_bridge *b =
		vsctl_find_bridge(ctx, ctx->argv[1], !if_exists);
	struct vsctl_model *m = vsctl_model(ctx);

	if (!b)
		return;
	for (size_t i = 0; i < m->n_ports; i++) {
		struct vsctl_port *p = &m->ports[i];
		if (p->bridge == b || (!b->parent && p->bridge->parent == b))
			delete_port(ctx, p);
	}
	if (!b->parent) {
		dbctl_ref_del(m->ovs, "bridges", &b->br_cfg->uuid);
		dbctl_row_delete(b->br_cfg);
	} else if (b->fake_port) {
		bool done = false;
		for (size_t i = 0; i < m->n_ports && !done; i++)
			done = m->ports[i].row == b->fake_port;
		if (!done) {
			dbctl_ref_del(b->br_cfg, "ports", &b->fake_port->uuid);
			dbctl_row_delete(b->fake_port);
		}
	}
}

static void
cmd_list_br(struct dbctl_ctx *ctx)
{
	bool real = dbctl_has_opt(ctx, "--real");
	bool fake = dbctl_has_opt(ctx, "--fake");
	struct vsctl_model *m = vsctl_model(ctx);
	const char **names = xcalloc(m->n_bridges + 1, sizeof *names);
	size_t n = 0;

	if (!real && !fake)
		real = fake = true;
	for (size_t i = 0; i < m->n_bridges; i++) {
		struct vsctl_bridge *b = &m->bridges[i];
		if (b->parent ? fake : real)
			names[n++] = b->name;
	}
	vsctl_print_sorted(ctx, names, n);
	free(names);
}

static void
cmd_br_exists(struct dbctl_ctx *ctx)
{
	if (!vsctl_find_bridge(ctx, ctx->argv[1], false))
		ctx->exit_code = 2;
}

static void
cmd_br_to_vlan(struct dbctl_ctx *ctx)
{
	struct vsctl_bridge *b = vsctl_find_bridge(ctx, ctx->argv[1], true);
	ds_printf(&ctx->out, "%d\n", b->vlan);
}

static void
cmd_br_to_parent(struct dbctl_ctx *ctx)
{
	struct vsctl_bridge *b = vsctl_find_bridge(ctx, ctx->argv[1], true);
	ds_printf(&ctx->out, "%s\n", vsctl_real(b)->name);
}

static void
cmd_br_set_external_id(struct dbctl_ctx *ctx)
{
	struct vsctl_bridge *b = vsctl_find_bridge(ctx, ctx->argv[1], true);
	const char *val = ctx->argc > 3 ? ctx->argv[3] : NULL;

	if (b->parent) {
		char *key = xasprintf("fake-bridge-%s", ctx->argv[2]);
		dbctl_map_set(b->fake_port, "external_ids", key, val);
		free(key);
	} else {
		dbctl_map_set(b->br_cfg, "external_ids", ctx->argv[2], val);
	}
}

static void
cmd_br_get_external_id(struct dbctl_ctx *ctx)
{
	struct vsctl_bridge *b = vsctl_find_bridge(ctx, ctx->argv[1], true);
	struct dbctl_row *row = b->parent ? b->fake_port : b->br_cfg;
	const char *prefix = b->parent ? "fake-bridge-" : "";
	size_t plen = strlen(prefix);

	if (ctx->argc > 2) {
		char *key = xasprintf("%s%s", prefix, ctx->argv[2]);
		const char *v = dbctl_map_get(row, "external_ids", key);
		if (v)
			ds_printf(&ctx->out, "%s\n", v);
		free(key);
		return;
	}
	const struct ovsdb_datum *d = dbctl_get(row, "external_ids");
	const char **lines = xcalloc(d->n + 1, sizeof *lines);
	size_t n = 0;
	for (unsigned i = 0; i < d->n; i++)
		if (!strncmp(d->keys[i].s, prefix, plen))
			lines[n++] = xasprintf("%s=%s", d->keys[i].s + plen,
					       d->values[i].s);
	vsctl_print_sorted(ctx, lines, n);
	for (size_t i = 0; i < n; i++)
		free((char *)(uintptr_t)lines[i]);
	free(lines);
}

static void
cmd_list_ports(struct dbctl_ctx *ctx)
{
	struct vsctl_bridge *b = vsctl_find_bridge(ctx, ctx->argv[1], true);
	struct vsctl_model *m = vsctl_model(ctx);
	const char **names = xcalloc(m->n_ports + 1, sizeof *names);
	size_t n = 0;

	for (size_t i = 0; i < m->n_ports; i++) {
		const char *pn = dbctl_get_str(m->ports[i].row, "name");
		if (m->ports[i].bridge == b && strcmp(pn, b->name))
			names[n++] = pn;
	}
	vsctl_print_sorted(ctx, names, n);
	free(names);
}

static void
cmd_list_ifaces(struct dbctl_ctx *ctx)
{
	struct vsctl_bridge *b = vsctl_find_bridge(ctx, ctx->argv[1], true);
	struct vsctl_model *m = vsctl_model(ctx);
	const char **names = xcalloc(m->n_ifaces + 1, sizeof *names);
	size_t n = 0;

	for (size_t i = 0; i < m->n_ifaces; i++) {
		const char *in = dbctl_get_str(m->ifaces[i].row, "name");
		if (m->ifaces[i].port->bridge == b && strcmp(in, b->name))
			names[n++] = in;
	}
	vsctl_print_sorted(ctx, names, n);
	free(names);
}

static void
add_port(struct dbctl_ctx *ctx, const char *br_name, const char *port_name,
	 char **iface_names, int n_ifaces, char **settings, int n_settings,
	 bool fake_iface)
{
	bool may_exist = dbctl_has_opt(ctx, "--may-exist");

	if (may_exist) {
		struct vsctl_port *p = vsctl_find_port(ctx, port_name, false);
		if (p) {
			struct vsctl_bridge *b =
				vsctl_find_bridge(ctx, br_name, true);
			struct ds cmd = DS_EMPTY;
			for (int i = 0; i < ctx->argc; i++)
				ds_printf(&cmd, " %s", ctx->argv[i]);
			if (p->bridge != b)
				dbctl_fatal(
					"\"--may-exist%s\" but %s is actually "
					"attached to bridge %s",
					ds_cstr(&cmd), port_name,
					p->bridge->name);
			/* Same interfaces? */
			struct vsctl_model *m = vsctl_model(ctx);
			const char **have =
				xcalloc(m->n_ifaces + 1, sizeof *have);
			size_t nh = 0;
			for (size_t i = 0; i < m->n_ifaces; i++)
				if (m->ifaces[i].port == p)
					have[nh++] = dbctl_get_str(
						m->ifaces[i].row, "name");
			bool same = nh == (size_t)n_ifaces;
			for (int i = 0; same && i < n_ifaces; i++) {
				bool found = false;
				for (size_t k = 0; k < nh; k++)
					found |= !strcmp(have[k],
							 iface_names[i]);
				same = found;
			}
			if (!same) {
				qsort(have, nh, sizeof *have, cmp_str);
				struct ds list = DS_EMPTY;
				for (size_t k = 0; k < nh; k++)
					ds_printf(&list, "%s%s", k ? ", " : "",
						  have[k]);
				dbctl_fatal("\"--may-exist%s\" but %s actually "
					    "has interface(s) %s",
					    ds_cstr(&cmd), port_name,
					    ds_cstr(&list));
			}
			free(have);
			ds_free(&cmd);
			return;
		}
	}
	char *msg = xasprintf("cannot create a port named %s", port_name);
	check_conflicts(ctx, port_name, msg);
	free(msg);
	for (int i = 0; i < n_ifaces; i++) {
		msg = xasprintf("cannot create an interface named %s",
				iface_names[i]);
		check_conflicts(ctx, iface_names[i], msg);
		free(msg);
	}
	struct vsctl_bridge *b = vsctl_find_bridge(ctx, br_name, true);
	struct dbctl_row **ifaces = xcalloc((size_t)n_ifaces, sizeof *ifaces);
	for (int i = 0; i < n_ifaces; i++)
		ifaces[i] = new_iface(ctx, iface_names[i], NULL);
	struct dbctl_row *port =
		new_port(ctx, port_name, ifaces, (size_t)n_ifaces);
	free(ifaces);
	if (fake_iface)
		dbctl_set_bool(port, "bond_fake_iface", true);
	if (b->parent)
		dbctl_set_int(port, "tag", b->vlan);
	for (int i = 0; i < n_settings; i++)
		dbctl_set_column(ctx, port, settings[i]);
	dbctl_ref_add(vsctl_real(b)->br_cfg, "ports", &port->uuid);
}

static void
cmd_add_port(struct dbctl_ctx *ctx)
{
	add_port(ctx, ctx->argv[1], ctx->argv[2], &ctx->argv[2], 1,
		 &ctx->argv[3], ctx->argc - 3, false);
}

static void
cmd_add_bond(struct dbctl_ctx *ctx)
{
	int n_ifaces = 0;

	for (int i = 3; i < ctx->argc && !strchr(ctx->argv[i], '='); i++)
		n_ifaces++;
	if (n_ifaces < 2)
		dbctl_fatal("'%s' command requires at least 4 arguments",
			    ctx->argv[0]);
	add_port(ctx, ctx->argv[1], ctx->argv[2], &ctx->argv[3], n_ifaces,
		 &ctx->argv[3 + n_ifaces], ctx->argc - 3 - n_ifaces,
		 dbctl_has_opt(ctx, "--fake-iface"));
}

static void
cmd_del_port(struct dbctl_ctx *ctx)
{
	bool if_exists = dbctl_has_opt(ctx, "--if-exists");
	bool with_iface = dbctl_has_opt(ctx, "--with-iface");
	const char *target = ctx->argv[ctx->argc - 1];
	struct vsctl_bridge *b = NULL;
	struct vsctl_port *p;

	if (ctx->argc == 3)
		b = vsctl_find_bridge(ctx, ctx->argv[1], true);
	if (b && !strcmp(b->name, target))
		dbctl_fatal(
			"cannot delete port %s because it is the local port "
			"for bridge %s (deleting this port requires deleting "
			"the entire bridge)",
			target, b->name);
	if (!with_iface) {
		p = vsctl_find_port(ctx, target, !if_exists);
	} else {
		p = vsctl_find_port(ctx, target, false);
		if (!p) {
			struct vsctl_iface *i =
				vsctl_find_iface(ctx, target, false);
			if (i)
				p = i->port;
		}
		if (!p && !if_exists)
			dbctl_fatal("no port or interface named %s", target);
	}
	if (!p)
		return;
	if (b && p->bridge != b) {
		if (p->bridge->parent == b)
			dbctl_fatal(
				"bridge %s does not have a port %s (although "
				"its child bridge %s does)",
				b->name, target, p->bridge->name);
		dbctl_fatal("bridge %s does not have a port %s", b->name,
			    target);
	}
	delete_port(ctx, p);
}

static void
cmd_port_to_br(struct dbctl_ctx *ctx)
{
	struct vsctl_port *p = vsctl_find_port(ctx, ctx->argv[1], true);
	ds_printf(&ctx->out, "%s\n", p->bridge->name);
}

static void
cmd_iface_to_br(struct dbctl_ctx *ctx)
{
	struct vsctl_iface *i = vsctl_find_iface(ctx, ctx->argv[1], true);
	ds_printf(&ctx->out, "%s\n", i->port->bridge->name);
}

static void
cmd_add_bond_iface(struct dbctl_ctx *ctx)
{
	bool may_exist = dbctl_has_opt(ctx, "--may-exist");
	struct vsctl_port *p = vsctl_find_port(ctx, ctx->argv[1], true);
	const char *name = ctx->argv[2];

	if (may_exist) {
		struct vsctl_iface *i = vsctl_find_iface(ctx, name, false);
		if (i) {
			if (i->port == p)
				return;
			dbctl_fatal(
				"\"--may-exist add-bond-iface %s %s\" but %s "
				"is actually attached to port %s",
				ctx->argv[1], name, name,
				dbctl_get_str(i->port->row, "name"));
		}
	}
	char *msg = xasprintf("cannot create an interface named %s", name);
	check_conflicts(ctx, name, msg);
	free(msg);
	struct dbctl_row *ir = new_iface(ctx, name, NULL);
	dbctl_ref_add(p->row, "interfaces", &ir->uuid);
}

static void
cmd_del_bond_iface(struct dbctl_ctx *ctx)
{
	bool if_exists = dbctl_has_opt(ctx, "--if-exists");
	const char *name = ctx->argv[ctx->argc - 1];
	struct vsctl_iface *i;

	if (ctx->argc == 3) {
		struct vsctl_port *p = vsctl_find_port(ctx, ctx->argv[1], true);
		i = vsctl_find_iface(ctx, name, !if_exists);
		if (i && i->port != p)
			dbctl_fatal("port %s does not have an interface %s",
				    ctx->argv[1], name);
	} else {
		i = vsctl_find_iface(ctx, name, !if_exists);
	}
	if (!i)
		return;
	if (dbctl_get(i->port->row, "interfaces")->n == 1)
		dbctl_fatal("cannot delete last interface from port %s",
			    dbctl_get_str(i->port->row, "name"));
	dbctl_ref_del(i->port->row, "interfaces", &i->row->uuid);
	dbctl_row_delete(i->row);
}

#define C(name, mn, mx, opts, fn, ro)            \
	{                                        \
		name, mn, mx, opts, fn, NULL, ro \
	}
const struct dbctl_command vsctl_bridge_commands[] = {
	C("add-br", 1, 3, "--may-exist", cmd_add_br, false),
	C("del-br", 1, 1, "--if-exists", cmd_del_br, false),
	C("list-br", 0, 0, "--real,--fake", cmd_list_br, true),
	C("br-exists", 1, 1, "", cmd_br_exists, true),
	C("br-to-vlan", 1, 1, "", cmd_br_to_vlan, true),
	C("br-to-parent", 1, 1, "", cmd_br_to_parent, true),
	C("br-set-external-id", 2, 3, "", cmd_br_set_external_id, false),
	C("br-get-external-id", 1, 2, "", cmd_br_get_external_id, true),
	C("list-ports", 1, 1, "", cmd_list_ports, true),
	C("add-port", 2, -1, "--may-exist", cmd_add_port, false),
	C("add-bond", 4, -1, "--may-exist,--fake-iface", cmd_add_bond, false),
	C("add-bond-iface", 2, 2, "--may-exist", cmd_add_bond_iface, false),
	C("del-bond-iface", 1, 2, "--if-exists", cmd_del_bond_iface, false),
	C("del-port", 1, 2, "--if-exists,--with-iface", cmd_del_port, false),
	C("port-to-br", 1, 1, "", cmd_port_to_br, true),
	C("list-ifaces", 1, 1, "", cmd_list_ifaces, true),
	C("iface-to-br", 1, 1, "", cmd_iface_to_br, true),
	{ NULL, 0, 0, NULL, NULL, NULL, false },
};
