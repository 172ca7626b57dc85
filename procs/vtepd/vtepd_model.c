/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vtepd_model: what the hardware_vtep database asks for, as Open
 * vSwitch's VTEP emulator (ovs-vtep) builds it:
 *
 *  - a Physical_Switch named after an existing bridge is that bridge;
 *    every port of the bridge gets a Physical_Port row;
 *  - each VLAN binding of a port to a Logical_Switch with a tunnel_key
 *    gets a patch pair, NNNN-PORT-p on the physical bridge and NNNN-PORT-l
 *    on the logical switch's bridge PS_vtep_LS (external_ids
 *    vtep_logical_switch=true, logical_switch_name=LS), and flows that
 *    join the port (tag NNNN, untagged for 0) to it;
 *  - each remote locator of the logical switch (Ucast_Macs_Remote, and
 *    the "unknown-dst" Mcast_Macs_Remote's locator set) a VXLAN port
 *    vxIIIIIIII (the IPv4 address in hex) with key=tunnel_key;
 *  - the logical switch bridge's flows: from a tunnel only to the local
 *    ports; a remote MAC to its tunnel; a learned local MAC to its port;
 *    anything else to the local ports and, as replication_mode says, to
 *    the first unknown-dst locator (service_node, the default) or every
 *    one (source_node);
 *  - MACs learned on the local ports become Ucast_Macs_Local rows.
 */
#include "vtepd.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb_db.h"
#include "util.h"

/* ---- reading rows ---- */

static const struct ovsdb_row *
by_uuid(struct replica *r, const char *table, const struct ovsdb_uuid *u)
{
	struct ovsdb_table *t = replica_table(r, table);

	return t ? ovsdb_table_find_row(t, u) : NULL;
}

static const struct ovsdb_row *
by_name(struct replica *r, const char *table, const char *name)
{
	struct ovsdb_table *t = replica_table(r, table);
	struct hnode *n;

	if (!t)
		return NULL;
	HMAP_FOR_EACH (n, &t->rows) {
		const struct ovsdb_row *row =
			HMAP_CONTAINER(n, struct ovsdb_row, node);
		if (!strcmp(replica_get_str(row, "name"), name))
			return row;
	}
	return NULL;
}

static bool
same_uuid(const struct ovsdb_uuid *a, const struct ovsdb_uuid *b)
{
	return !memcmp(a, b, sizeof *a);
}

/* ---- building ---- */

static void
strv_add(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 2) * sizeof **v);
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

static bool
strv_has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static struct vtepd_port *
add_port(struct vtepd_bridge *b, const char *name, const char *type)
{
	struct vtepd_port *p;

	for (size_t i = 0; i < b->n_ports; i++)
		if (!strcmp(b->ports[i].name, name))
			return &b->ports[i];
	b->ports = xrealloc(b->ports, (b->n_ports + 1) * sizeof *b->ports);
	p = &b->ports[b->n_ports++];
	memset(p, 0, sizeof *p);
	p->name = xstrdup(name);
	p->type = xstrdup(type);
	return p;
}

static void
set_opt(struct vtepd_port *p, int i, const char *k, char *v)
{
	p->opt_key[i] = xstrdup(k);
	p->opt_value[i] = v;
}

static struct vtepd_bridge *
add_bridge(struct vtepd_model *m, const char *name, const char *ls,
	   const char *dp_type)
{
	struct vtepd_bridge *b;

	for (size_t i = 0; i < m->n_bridges; i++)
		if (!strcmp(m->bridges[i].name, name))
			return &m->bridges[i];
	m->bridges =
		xrealloc(m->bridges, (m->n_bridges + 1) * sizeof *m->bridges);
	b = &m->bridges[m->n_bridges++];
	memset(b, 0, sizeof *b);
	b->name = xstrdup(name);
	b->ls = ls ? xstrdup(ls) : NULL;
	b->dp_type = xstrdup(dp_type);
	return b;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The Physical_Locator of Ucast_Macs_Remote row @r if it is @ls's, else
 * NULL. */
static const struct ovsdb_row *
ucast_locator(struct replica *vtep, const struct ovsdb_row *r,
	      const struct ovsdb_row *ls)
{
	const struct ovsdb_datum *l = replica_get(r, "logical_switch");
	const struct ovsdb_datum *loc = replica_get(r, "locator");

	if (!l || !l->n || !loc || !loc->n ||
	    !same_uuid(&l->keys[0].u, ovsdb_row_uuid(ls)))
		return NULL;
	return by_uuid(vtep, "Physical_Locator", &loc->keys[0].u);
}

/* The dst_ip of every locator of @ls's remotes, in @ips; the
 * unknown-dst ones also in @flood (sorted, so "first" is stable). */
static void
remotes(struct replica *vtep, const struct ovsdb_row *ls, char ***ips,
	size_t *n_ips, char ***flood, size_t *n_flood)
{
	struct ovsdb_table *t = replica_table(vtep, "Ucast_Macs_Remote");
	struct hnode *n;

	if (t)
		HMAP_FOR_EACH (n, &t->rows) {
			const struct ovsdb_row *r =
				HMAP_CONTAINER(n, struct ovsdb_row, node);
			const struct ovsdb_row *pl = ucast_locator(vtep, r, ls);

			if (pl && !strv_has(*ips, *n_ips,
					    replica_get_str(pl, "dst_ip")))
				strv_add(
					ips, n_ips,
					xstrdup(replica_get_str(pl, "dst_ip")));
		}
	t = replica_table(vtep, "Mcast_Macs_Remote");
	if (t)
		HMAP_FOR_EACH (n, &t->rows) {
			const struct ovsdb_row *r =
				HMAP_CONTAINER(n, struct ovsdb_row, node);
			const struct ovsdb_datum *l =
				replica_get(r, "logical_switch");
			const struct ovsdb_datum *set =
				replica_get(r, "locator_set");
			const struct ovsdb_row *ps;
			const struct ovsdb_datum *locs;

			if (!l || !l->n || !set || !set->n ||
			    strcmp(replica_get_str(r, "MAC"), "unknown-dst") ||
			    !same_uuid(&l->keys[0].u, ovsdb_row_uuid(ls)))
				continue;
			ps = by_uuid(vtep, "Physical_Locator_Set",
				     &set->keys[0].u);
			locs = ps ? replica_get(ps, "locators") : NULL;
			for (unsigned i = 0; locs && i < locs->n; i++) {
				const struct ovsdb_row *pl =
					by_uuid(vtep, "Physical_Locator",
						&locs->keys[i].u);
				const char *ip = replica_get_str(pl, "dst_ip");

				if (!pl || !*ip)
					continue;
				if (!strv_has(*ips, *n_ips, ip))
					strv_add(ips, n_ips, xstrdup(ip));
				if (!strv_has(*flood, *n_flood, ip))
					strv_add(flood, n_flood, xstrdup(ip));
			}
		}
	if (*n_flood)
		qsort(*flood, *n_flood, sizeof **flood, cmp_str);
}

static char *
vx_name(const char *ip)
{
	struct in_addr a;

	if (inet_pton(AF_INET, ip, &a) != 1)
		return NULL;
	return xasprintf("vx%08x", ntohl(a.s_addr));
}

/* The logical switch bridge of @ls: its tunnels and its flows. */
static void
build_ls(struct replica *vtep, struct vtepd_bridge *b,
	 const struct ovsdb_row *ls, int64_t key)
{
	char **ips = NULL, **flood = NULL, **locals = NULL;
	size_t n_ips = 0, n_flood = 0, n_locals = 0;
	const char *mode = replica_get_str(ls, "replication_mode");
	struct ds all_local = DS_EMPTY, out = DS_EMPTY;
	struct ovsdb_table *t;
	struct hnode *n;

	remotes(vtep, ls, &ips, &n_ips, &flood, &n_flood);
	for (size_t i = 0; i < b->n_ports; i++) {
		strv_add(&locals, &n_locals, xstrdup(b->ports[i].name));
		strv_add(&b->learn, &b->n_learn, xstrdup(b->ports[i].name));
		ds_printf(&all_local, "%soutput:%s", i ? "," : "",
			  b->ports[i].name);
		strv_add(&b->flows, &b->n_flows,
			 xasprintf("in_port=%s,actions=resubmit(,1)",
				   b->ports[i].name));
	}
	for (size_t i = 0; i < n_ips; i++) {
		char *vx = vx_name(ips[i]);
		struct vtepd_port *p;

		if (!vx)
			continue;
		p = add_port(b, vx, "vxlan");
		set_opt(p, 0, "key", xasprintf("%lld", (long long)key));
		set_opt(p, 1, "remote_ip", xstrdup(ips[i]));
		strv_add(&b->flows, &b->n_flows,
			 xasprintf("priority=1000,in_port=%s,"
				   "actions=resubmit(,1)",
				   vx));
		strv_add(&b->flows, &b->n_flows,
			 xasprintf("table=1,priority=1,in_port=%s,actions=%s",
				   vx, ds_cstr(&all_local)));
		free(vx);
	}
	strv_add(&b->flows, &b->n_flows, xstrdup("priority=0,actions=drop"));
	t = replica_table(vtep, "Ucast_Macs_Remote");
	if (t)
		HMAP_FOR_EACH (n, &t->rows) {
			const struct ovsdb_row *r =
				HMAP_CONTAINER(n, struct ovsdb_row, node);
			const struct ovsdb_row *pl = ucast_locator(vtep, r, ls);
			char *vx;

			vx = pl ? vx_name(replica_get_str(pl, "dst_ip")) : NULL;
			if (vx)
				strv_add(
					&b->flows, &b->n_flows,
					xasprintf("table=1,priority=1000,"
						  "dl_dst=%s,actions=output:%s",
						  replica_get_str(r, "MAC"),
						  vx));
			free(vx);
		}
	ds_put(&out, ds_cstr(&all_local));
	for (size_t i = 0; i < n_flood; i++) {
		char *vx = vx_name(flood[i]);

		if (vx)
			ds_printf(&out, "%soutput:%s", out.len ? "," : "", vx);
		free(vx);
		if (strcmp(mode, "source_node"))
			break; /* service_node: the first one replicates */
	}
	strv_add(&b->flows, &b->n_flows,
		 xasprintf("table=1,priority=0,actions=%s",
			   out.len ? ds_cstr(&out) : "drop"));
	ds_free(&all_local);
	ds_free(&out);
	for (size_t i = 0; i < n_ips; i++)
		free(ips[i]);
	for (size_t i = 0; i < n_flood; i++)
		free(flood[i]);
	for (size_t i = 0; i < n_locals; i++)
		free(locals[i]);
	free(ips);
	free(flood);
	free(locals);
}

/* The bindings of physical switch @ps (a bridge @br of @ovs). */
static void
build_ps(struct replica *vtep, struct replica *ovs, struct vtepd_model *m,
	 const struct ovsdb_row *ps, const struct ovsdb_row *br)
{
	const char *bname = replica_get_str(ps, "name");
	const char *dp_type = replica_get_str(br, "datapath_type");
	const struct ovsdb_datum *pports = replica_get(ps, "ports");
	const struct ovsdb_datum *oports = replica_get(br, "ports");
	const struct ovsdb_datum *ips = replica_get(ps, "tunnel_ips");
	struct vtepd_bridge *pb = add_bridge(m, bname, NULL, dp_type);
	char **names = NULL;
	size_t n_names = 0;

	if (ips && ips->n && !m->local_ip) {
		m->local_ip = xstrdup(ips->keys[0].s);
		m->ps_name = xstrdup(bname);
	}
	for (unsigned i = 0; pports && i < pports->n; i++) {
		const struct ovsdb_row *pp =
			by_uuid(vtep, "Physical_Port", &pports->keys[i].u);
		const struct ovsdb_datum *vb =
			pp ? replica_get(pp, "vlan_bindings") : NULL;
		const char *pname = replica_get_str(pp, "name");

		if (!pp)
			continue;
		strv_add(&names, &n_names, xstrdup(pname));
		for (unsigned k = 0; vb && vb->values && k < vb->n; k++) {
			int64_t vlan = vb->keys[k].i;
			const struct ovsdb_row *ls = by_uuid(
				vtep, "Logical_Switch", &vb->values[k].u);
			const struct ovsdb_datum *key =
				ls ? replica_get(ls, "tunnel_key") : NULL;
			char *lsb, *pp_name, *pl_name;
			struct vtepd_bridge *lb;
			struct vtepd_port *p;

			if (!ls || !key || !key->n)
				continue;
			lsb = xasprintf("%s_vtep_%s", bname,
					replica_get_str(ls, "name"));
			if (strlen(lsb) > 15)
				lsb[15] = '\0'; /* a device name */
			pp_name = xasprintf("%04lld-%s-p", (long long)vlan,
					    pname);
			pl_name = xasprintf("%04lld-%s-l", (long long)vlan,
					    pname);
			p = add_port(pb, pp_name, "patch");
			set_opt(p, 0, "peer", xstrdup(pl_name));
			if (vlan) {
				strv_add(&pb->flows, &pb->n_flows,
					 xasprintf("in_port=%s,dl_vlan=%lld,"
						   "actions=strip_vlan,"
						   "output:%s",
						   pname, (long long)vlan,
						   pp_name));
				strv_add(
					&pb->flows, &pb->n_flows,
					xasprintf("in_port=%s,actions="
						  "mod_vlan_vid:%lld,output:%s",
						  pp_name, (long long)vlan,
						  pname));
			} else {
				strv_add(&pb->flows, &pb->n_flows,
					 xasprintf(
						 "in_port=%s,actions=output:%s",
						 pname, pp_name));
				strv_add(&pb->flows, &pb->n_flows,
					 xasprintf(
						 "in_port=%s,actions=output:%s",
						 pp_name, pname));
			}
			lb = add_bridge(m, lsb, replica_get_str(ls, "name"),
					dp_type);
			lb->ls_row = ls;
			p = add_port(lb, pl_name, "patch");
			if (!p->opt_key[0])
				set_opt(p, 0, "peer", xstrdup(pp_name));
			free(lsb);
			free(pp_name);
			free(pl_name);
		}
	}
	/* Every port of the bridge is a Physical_Port (not its own port,
	 * not the patch ports vtepd made). */
	for (unsigned i = 0; oports && i < oports->n; i++) {
		const struct ovsdb_row *op =
			by_uuid(ovs, "Port", &oports->keys[i].u);
		const char *on = replica_get_str(op, "name");
		size_t len = strlen(on);

		if (!op || !strcmp(on, bname) || strv_has(names, n_names, on) ||
		    (len > 7 && on[4] == '-' && !strcmp(on + len - 2, "-p")))
			continue;
		strv_add(&m->new_pports, &m->n_new_pports,
			 xasprintf("%s %s", bname, on));
	}
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
}

void
vtepd_model_build(struct replica *vtep, struct replica *ovs,
		  struct vtepd_model *m)
{
	struct ovsdb_table *pst = replica_table(vtep, "Physical_Switch");
	struct hnode *n;

	memset(m, 0, sizeof *m);
	if (!pst || !replica_table(ovs, "Bridge"))
		return;
	HMAP_FOR_EACH (n, &pst->rows) {
		const struct ovsdb_row *ps =
			HMAP_CONTAINER(n, struct ovsdb_row, node);
		const struct ovsdb_row *br =
			by_name(ovs, "Bridge", replica_get_str(ps, "name"));

		if (br)
			build_ps(vtep, ovs, m, ps, br);
	}
	for (size_t i = 0; i < m->n_bridges; i++) {
		struct vtepd_bridge *b = &m->bridges[i];
		const struct ovsdb_datum *key;

		if (!b->ls_row)
			continue;
		key = replica_get(b->ls_row, "tunnel_key");
		build_ls(vtep, b, b->ls_row, key->keys[0].i);
		for (size_t k = 0; k < b->n_ports; k++) {
			const struct vtepd_port *p = &b->ports[k];

			if (!strcmp(p->type, "vxlan") && p->opt_value[1] &&
			    !strv_has(m->remote_ips, m->n_remote_ips,
				      p->opt_value[1]))
				strv_add(&m->remote_ips, &m->n_remote_ips,
					 xstrdup(p->opt_value[1]));
		}
	}
}

void
vtepd_model_free(struct vtepd_model *m)
{
	for (size_t i = 0; i < m->n_bridges; i++) {
		struct vtepd_bridge *b = &m->bridges[i];

		for (size_t k = 0; k < b->n_ports; k++) {
			free(b->ports[k].name);
			free(b->ports[k].type);
			for (int o = 0; o < 3; o++) {
				free(b->ports[k].opt_key[o]);
				free(b->ports[k].opt_value[o]);
			}
		}
		for (size_t k = 0; k < b->n_flows; k++)
			free(b->flows[k]);
		for (size_t k = 0; k < b->n_learn; k++)
			free(b->learn[k]);
		free(b->ports);
		free(b->flows);
		free(b->learn);
		free(b->name);
		free(b->ls);
		free(b->dp_type);
	}
	for (size_t i = 0; i < m->n_new_pports; i++)
		free(m->new_pports[i]);
	free(m->new_pports);
	for (size_t i = 0; i < m->n_remote_ips; i++)
		free(m->remote_ips[i]);
	free(m->remote_ips);
	free(m->bridges);
	free(m->local_ip);
	free(m->ps_name);
	memset(m, 0, sizeof *m);
}

/* ---- Open_vSwitch operations ---- */

static json_t *
uuid_json(const struct ovsdb_uuid *u)
{
	char s[40];

	ovsdb_uuid_format(u, s);
	return json_pack("[s,s]", "uuid", s);
}

static json_t *
options_json(const struct vtepd_port *p)
{
	json_t *pairs = json_array();

	for (int i = 0; i < 3 && p->opt_key[i]; i++)
		json_array_append_new(pairs, json_pack("[s,s]", p->opt_key[i],
						       p->opt_value[i]));
	return json_pack("[s,o]", "map", pairs);
}

/* Inserts port @p (its Interface too) as named-uuid @name. */
static void
insert_port(json_t *ops, const struct vtepd_port *p, const char *name)
{
	char *iname = xasprintf("%si", name);

	json_array_append_new(
		ops, json_pack("{s:s,s:s,s:s,s:{s:s,s:s,s:o}}", "op", "insert",
			       "table", "Interface", "uuid-name", iname, "row",
			       "name", p->name, "type", p->type, "options",
			       options_json(p)));
	json_array_append_new(ops,
			      json_pack("{s:s,s:s,s:s,s:{s:s,s:[s,s]}}", "op",
					"insert", "table", "Port", "uuid-name",
					name, "row", "name", p->name,
					"interfaces", "named-uuid", iname));
	free(iname);
}

static bool
options_equal(const struct ovsdb_row *iface, const struct vtepd_port *p)
{
	const struct ovsdb_datum *d = replica_get(iface, "options");
	unsigned n = 0;

	for (int i = 0; i < 3 && p->opt_key[i]; i++, n++) {
		const char *v =
			replica_get_map(iface, "options", p->opt_key[i]);
		if (!v || strcmp(v, p->opt_value[i]))
			return false;
	}
	return d && d->n == n &&
	       !strcmp(replica_get_str(iface, "type"), p->type);
}

static const struct vtepd_bridge *
wanted(const struct vtepd_model *m, const char *name)
{
	for (size_t i = 0; i < m->n_bridges; i++)
		if (!strcmp(m->bridges[i].name, name))
			return &m->bridges[i];
	return NULL;
}

static const struct vtepd_port *
wanted_port(const struct vtepd_bridge *b, const char *name)
{
	for (size_t i = 0; b && i < b->n_ports; i++)
		if (!strcmp(b->ports[i].name, name))
			return &b->ports[i];
	return NULL;
}

/* A port vtepd made in @br (a patch port of a physical switch bridge, or
 * any port but the bridge's own in a logical switch bridge). */
static bool
owned_port(const struct ovsdb_row *br, const char *port)
{
	size_t len = strlen(port);

	if (!strcmp(port, replica_get_str(br, "name")))
		return false;
	if (replica_get_map(br, "external_ids", "vtep_logical_switch"))
		return true;
	return len > 7 && port[4] == '-' && !strcmp(port + len - 2, "-p");
}

static void
existing_bridge(struct replica *ovs, json_t *ops, const struct ovsdb_row *br,
		const struct vtepd_bridge *b, int *seq)
{
	const struct ovsdb_datum *ports = replica_get(br, "ports");
	json_t *add = json_array(), *del = json_array();

	for (unsigned i = 0; ports && i < ports->n; i++) {
		const struct ovsdb_row *p =
			by_uuid(ovs, "Port", &ports->keys[i].u);
		const char *pn = replica_get_str(p, "name");
		const struct vtepd_port *w = wanted_port(b, pn);
		const struct ovsdb_datum *ifs = replica_get(p, "interfaces");
		const struct ovsdb_row *iface =
			ifs && ifs->n
				? by_uuid(ovs, "Interface", &ifs->keys[0].u)
				: NULL;

		if (!p || !owned_port(br, pn))
			continue;
		if (!w) {
			json_array_append_new(del,
					      uuid_json(&ports->keys[i].u));
		} else if (iface && !options_equal(iface, w)) {
			json_array_append_new(
				ops,
				json_pack("{s:s,s:s,s:[[s,s,o]],s:{s:s,s:o}}",
					  "op", "update", "table", "Interface",
					  "where", "_uuid", "==",
					  uuid_json(ovsdb_row_uuid(iface)),
					  "row", "type", w->type, "options",
					  options_json(w)));
		}
	}
	for (size_t i = 0; i < b->n_ports; i++) {
		bool have = false;

		for (unsigned k = 0; ports && k < ports->n && !have; k++)
			have = !strcmp(
				replica_get_str(
					by_uuid(ovs, "Port", &ports->keys[k].u),
					"name"),
				b->ports[i].name);
		if (!have) {
			char *name = xasprintf("p%d", (*seq)++);

			insert_port(ops, &b->ports[i], name);
			json_array_append_new(
				add, json_pack("[s,s]", "named-uuid", name));
			free(name);
		}
	}
	if (json_array_size(add) || json_array_size(del)) {
		json_t *muts = json_array();

		if (json_array_size(add))
			json_array_append_new(muts,
					      json_pack("[s,s,[s,o]]", "ports",
							"insert", "set", add));
		else
			json_decref(add);
		if (json_array_size(del))
			json_array_append_new(muts,
					      json_pack("[s,s,[s,o]]", "ports",
							"delete", "set", del));
		else
			json_decref(del);
		json_array_append_new(
			ops,
			json_pack("{s:s,s:s,s:[[s,s,o]],s:o}", "op", "mutate",
				  "table", "Bridge", "where", "_uuid",
				  "==", uuid_json(ovsdb_row_uuid(br)),
				  "mutations", muts));
	} else {
		json_decref(add);
		json_decref(del);
	}
}

static void
new_bridge(json_t *ops, const struct vtepd_bridge *b, int *seq)
{
	struct vtepd_port local = { .name = b->name, .type = "internal" };
	json_t *ports = json_array();
	char *bn = xasprintf("b%d", (*seq)++);
	char *ln = xasprintf("p%d", (*seq)++);

	insert_port(ops, &local, ln);
	json_array_append_new(ports, json_pack("[s,s]", "named-uuid", ln));
	for (size_t i = 0; i < b->n_ports; i++) {
		char *name = xasprintf("p%d", (*seq)++);

		insert_port(ops, &b->ports[i], name);
		json_array_append_new(ports,
				      json_pack("[s,s]", "named-uuid", name));
		free(name);
	}
	json_array_append_new(
		ops, json_pack("{s:s,s:s,s:s,s:{s:s,s:s,s:[s,o],s:[s,[[s,s],[s,"
			       "s]]]}}",
			       "op", "insert", "table", "Bridge", "uuid-name",
			       bn, "row", "name", b->name, "datapath_type",
			       b->dp_type, "ports", "set", ports,
			       "external_ids", "map", "logical_switch_name",
			       b->ls, "vtep_logical_switch", "true"));
	json_array_append_new(
		ops, json_pack("{s:s,s:s,s:[],s:[[s,s,[s,s]]]}", "op", "mutate",
			       "table", "Open_vSwitch", "where", "mutations",
			       "bridges", "insert", "named-uuid", bn));
	free(bn);
	free(ln);
}

json_t *
vtepd_ovs_ops(struct replica *ovs, const struct vtepd_model *m)
{
	struct ovsdb_table *bt = replica_table(ovs, "Bridge");
	json_t *ops = json_array(), *gone = json_array();
	struct hnode *n;
	int seq = 0;

	if (!bt)
		return ops;
	for (size_t i = 0; i < m->n_bridges; i++) {
		const struct vtepd_bridge *b = &m->bridges[i];
		const struct ovsdb_row *br = by_name(ovs, "Bridge", b->name);

		if (br)
			existing_bridge(ovs, ops, br, b, &seq);
		else if (b->ls)
			new_bridge(ops, b, &seq);
	}
	HMAP_FOR_EACH (n, &bt->rows) {
		const struct ovsdb_row *br =
			HMAP_CONTAINER(n, struct ovsdb_row, node);

		if (replica_get_map(br, "external_ids",
				    "vtep_logical_switch") &&
		    !wanted(m, replica_get_str(br, "name")))
			json_array_append_new(gone,
					      uuid_json(ovsdb_row_uuid(br)));
	}
	if (json_array_size(gone))
		json_array_append_new(
			ops, json_pack("{s:s,s:s,s:[],s:[[s,s,[s,o]]]}", "op",
				       "mutate", "table", "Open_vSwitch",
				       "where", "mutations", "bridges",
				       "delete", "set", gone));
	else
		json_decref(gone);
	return ops;
}

/* ---- hardware_vtep operations ---- */

/* The Physical_Locator row whose dst_ip is @ip, or NULL. */
static const struct ovsdb_row *
locator_by_ip(struct replica *vtep, const char *ip)
{
	struct ovsdb_table *t = replica_table(vtep, "Physical_Locator");
	struct hnode *n;

	if (t)
		HMAP_FOR_EACH (n, &t->rows) {
			const struct ovsdb_row *r =
				HMAP_CONTAINER(n, struct ovsdb_row, node);
			if (!strcmp(replica_get_str(r, "dst_ip"), ip))
				return r;
		}
	return NULL;
}

/* The reference to the local Physical_Locator (@m->local_ip), inserted
 * into @ops as "loc" the first time if there is none; *@loc caches it
 * (the caller frees it). */
static json_t *
local_locator(struct replica *vtep, const struct vtepd_model *m, json_t *ops,
	      json_t **loc)
{
	const struct ovsdb_row *pl;

	if (*loc)
		return *loc;
	pl = locator_by_ip(vtep, m->local_ip);
	if (pl) {
		*loc = uuid_json(ovsdb_row_uuid(pl));
	} else {
		json_array_append_new(
			ops,
			json_pack("{s:s,s:s,s:s,s:{s:s,s:s}}", "op", "insert",
				  "table", "Physical_Locator", "uuid-name",
				  "loc", "row", "dst_ip", m->local_ip,
				  "encapsulation_type", "vxlan_over_ipv4"));
		*loc = json_pack("[s,s]", "named-uuid", "loc");
	}
	return *loc;
}

/* The physical switch's Tunnel rows: one per remote its logical
 * switches tunnel to (the row goes with its last reference). */
static void
tunnel_ops(struct replica *vtep, const struct vtepd_model *m, json_t *ops,
	   json_t **loc)
{
	const struct ovsdb_row *ps =
		by_name(vtep, "Physical_Switch", m->ps_name);
	const struct ovsdb_datum *tun = ps ? replica_get(ps, "tunnels") : NULL;
	char **have = NULL;
	size_t n_have = 0;

	for (unsigned i = 0; tun && i < tun->n; i++) {
		const struct ovsdb_row *t =
			by_uuid(vtep, "Tunnel", &tun->keys[i].u);
		const struct ovsdb_datum *r =
			t ? replica_get(t, "remote") : NULL;
		const struct ovsdb_row *pl =
			r && r->n ? by_uuid(vtep, "Physical_Locator",
					    &r->keys[0].u)
				  : NULL;
		const char *ip = replica_get_str(pl, "dst_ip");

		if (pl && strv_has(m->remote_ips, m->n_remote_ips, ip) &&
		    !strv_has(have, n_have, ip)) {
			strv_add(&have, &n_have, xstrdup(ip));
			continue;
		}
		json_array_append_new(
			ops, json_pack("{s:s,s:s,s:[[s,s,s]],s:[[s,s,o]]}",
				       "op", "mutate", "table",
				       "Physical_Switch", "where", "name",
				       "==", m->ps_name, "mutations", "tunnels",
				       "delete", uuid_json(&tun->keys[i].u)));
	}
	for (size_t i = 0; ps && i < m->n_remote_ips; i++) {
		const struct ovsdb_row *pl =
			locator_by_ip(vtep, m->remote_ips[i]);
		char *name;

		if (!pl || strv_has(have, n_have, m->remote_ips[i]))
			continue;
		name = xasprintf("tun%zu", i);
		json_array_append_new(
			ops,
			json_pack("{s:s,s:s,s:s,s:{s:O,s:o,s:[s,[[s,s],[s,s]]],"
				  "s:[s,[[s,s]]]}}",
				  "op", "insert", "table", "Tunnel",
				  "uuid-name", name, "row", "local",
				  local_locator(vtep, m, ops, loc), "remote",
				  uuid_json(ovsdb_row_uuid(pl)),
				  "bfd_config_local", "map", "bfd_dst_ip",
				  "169.254.1.0", "bfd_dst_mac",
				  "00:23:20:00:00:01", "bfd_status", "map",
				  "enabled", "false"));
		json_array_append_new(
			ops,
			json_pack("{s:s,s:s,s:[[s,s,s]],s:[[s,s,[s,s]]]}", "op",
				  "mutate", "table", "Physical_Switch", "where",
				  "name", "==", m->ps_name, "mutations",
				  "tunnels", "insert", "named-uuid", name));
		free(name);
	}
	for (size_t i = 0; i < n_have; i++)
		free(have[i]);
	free(have);
}

json_t *
vtepd_vtep_ops(struct replica *vtep, const struct vtepd_model *m,
	       char **learned, size_t n_learned)
{
	json_t *ops = json_array(), *loc = NULL;
	struct ovsdb_table *t;
	struct hnode *n;
	char **have = NULL;
	size_t n_have = 0;

	for (size_t i = 0; i < m->n_new_pports; i++) {
		char ps[64], port[64];
		char *name = xasprintf("pp%zu", i);

		if (sscanf(m->new_pports[i], "%63s %63s", ps, port) != 2) {
			free(name);
			continue;
		}
		json_array_append_new(
			ops, json_pack("{s:s,s:s,s:s,s:{s:s}}", "op", "insert",
				       "table", "Physical_Port", "uuid-name",
				       name, "row", "name", port));
		json_array_append_new(
			ops,
			json_pack("{s:s,s:s,s:[[s,s,s]],s:[[s,s,[s,s]]]}", "op",
				  "mutate", "table", "Physical_Switch", "where",
				  "name", "==", ps, "mutations", "ports",
				  "insert", "named-uuid", name));
		free(name);
	}
	/* Ucast_Macs_Local: one row per MAC learned on a logical switch's
	 * local ports, located at the switch's tunnel IP. */
	t = replica_table(vtep, "Ucast_Macs_Local");
	if (t)
		HMAP_FOR_EACH (n, &t->rows) {
			const struct ovsdb_row *r =
				HMAP_CONTAINER(n, struct ovsdb_row, node);
			const struct ovsdb_datum *l =
				replica_get(r, "logical_switch");
			const struct ovsdb_row *ls =
				l && l->n ? by_uuid(vtep, "Logical_Switch",
						    &l->keys[0].u)
					  : NULL;
			char *k =
				xasprintf("%s %s", replica_get_str(ls, "name"),
					  replica_get_str(r, "MAC"));

			if (!strv_has(learned, n_learned, k))
				json_array_append_new(
					ops, json_pack("{s:s,s:s,s:[[s,s,o]]}",
						       "op", "delete", "table",
						       "Ucast_Macs_Local",
						       "where", "_uuid", "==",
						       uuid_json(ovsdb_row_uuid(
							       r))));
			strv_add(&have, &n_have, k);
		}
	for (size_t i = 0; m->local_ip && i < n_learned; i++) {
		char lsname[64], mac[32];
		const struct ovsdb_row *ls;

		if (strv_has(have, n_have, learned[i]) ||
		    sscanf(learned[i], "%63s %31s", lsname, mac) != 2)
			continue;
		ls = by_name(vtep, "Logical_Switch", lsname);
		if (!ls)
			continue;
		json_array_append_new(
			ops, json_pack("{s:s,s:s,s:{s:s,s:o,s:O}}", "op",
				       "insert", "table", "Ucast_Macs_Local",
				       "row", "MAC", mac, "logical_switch",
				       uuid_json(ovsdb_row_uuid(ls)), "locator",
				       local_locator(vtep, m, ops, &loc)));
	}
	if (m->local_ip && m->ps_name)
		tunnel_ops(vtep, m, ops, &loc);
	json_decref(loc);
	for (size_t i = 0; i < n_have; i++)
		free(have[i]);
	free(have);
	return ops;
}
