/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_reconcile: the configuration reaches the switch.  vswitchd
 * holds a replica (lib/replica) of Open_vSwitch, Bridge, Port and
 * Interface; after every change it derives the whole wanted state from
 * the rows and brings the pipeline (bridges and ports of
 * vswitchd_bridge.c) and upcalld's datapaths in line with it, as Open
 * vSwitch's bridge_reconfigure() does:
 *
 *  - a bridge's datapath is the one of its datapath_type ("netdev@
 *    ovs-netdev"; "" is "system", which upcalld refuses until the kernel
 *    module: its interfaces get an error);
 *  - an interface becomes a datapath port (type "" or "system": an
 *    existing device; "internal": a tap device upcalld creates, the
 *    bridge's own one named after it; "tap": an existing tap device) or
 *    a patch port (no datapath port: translation continues in the peer
 *    bridge), with an OpenFlow port number that honours ofport_request
 *    and keeps the number the database already shows (so a restarted
 *    vswitchd keeps its numbers);
 *  - Port's tag, trunks and vlan_mode configure the port's VLANs.
 *
 * Datapath calls are asynchronous; once none is pending the status
 * columns and cur_cfg are written (vswitchd_status.c), which is when
 * ovs-vsctl without --no-wait returns.  A restarted vswitchd adopts the
 * ports upcalld's datapaths already have instead of adding them again.
 */
#include "vswitchd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ev.h"
#include "log.h"
#include "ovsdb_db.h"
#include "replica.h"

LOG_MODULE(reconcile);

#define STATS_PERIOD_MS 5000 /* Open vSwitch's stats-update-interval */

/* The MAC settings last applied to a bridge. */
struct vswd_brcfg {
	struct hnode node; /* in vswd.brcfg, by name */
	char *name;
	char *aging, *size;
	char *hwaddr;	   /* other_config:hwaddr as last seen */
	bool hwaddr_asked; /* upcalld was asked to set it (once) */
	bool seen;
	bool has_ctrls, secure; /* as last applied (reflush()) */
};

static const char *const ovs_columns[] = {
	"bridges",	"next_cfg",	    "cur_cfg",
	"other_config", "datapath_types",   "iface_types",
	"ovs_version",	"dpdk_initialized", "ssl",
	NULL,
};
static const char *const bridge_columns[] = {
	"name",		"ports",       "datapath_type",
	"other_config", "datapath_id", "datapath_version",
	"protocols",	"controller",  "fail_mode",
	NULL,
};
static const char *const port_columns[] = {
	"name", "interfaces", "tag", "trunks", "vlan_mode", NULL,
};
static const char *const iface_columns[] = {
	"name",	      "type",	    "options", "ofport",     "ofport_request",
	"ifindex",    "mac_in_use", "mtu",     "link_state", "admin_state",
	"link_speed", "statistics", "error",   NULL,
};
static const char *const controller_columns[] = {
	"target", "max_backoff", "inactivity_probe", "is_connected", "role",
	"status", NULL,
};
/* The keys of ssl: and pssl: controllers (vswitchd_ofssl.c). */
static const char *const ssl_columns[] = {
	"private_key", "certificate", "ca_cert", "bootstrap_ca_cert", NULL,
};
static const struct replica_table_spec tables[] = {
	{ "Open_vSwitch", ovs_columns }, { "Controller", controller_columns },
	{ "Bridge", bridge_columns },	 { "Port", port_columns },
	{ "Interface", iface_columns },	 { "SSL", ssl_columns },
};

/* ---- reading rows ---- */

static const struct ovsdb_datum *
datum(const struct ovsdb_row *row, const char *col)
{
	return row ? replica_get(row, col) : NULL;
}

const char *
vswd_str(const struct ovsdb_row *row, const char *col)
{
	const struct ovsdb_datum *d = datum(row, col);

	return d && d->n ? d->keys[0].s : "";
}

int64_t
vswd_int(const struct ovsdb_row *row, const char *col, int64_t dflt)
{
	const struct ovsdb_datum *d = datum(row, col);

	return d && d->n ? d->keys[0].i : dflt;
}

const char *
vswd_map(const struct ovsdb_row *row, const char *col, const char *key)
{
	const struct ovsdb_datum *d = datum(row, col);

	for (unsigned i = 0; d && d->values && i < d->n; i++)
		if (!strcmp(d->keys[i].s, key))
			return d->values[i].s;
	return NULL;
}

const struct ovsdb_row *
vswd_row_by_uuid(struct vswd *d, const char *table, const struct ovsdb_uuid *u)
{
	struct ovsdb_table *t = replica_table(d->rep, table);

	return t ? ovsdb_table_find_row(t, u) : NULL;
}

const struct ovsdb_row *
vswd_iface_row(struct vswd *d, const struct vswd_iface *vif)
{
	return vswd_row_by_uuid(d, "Interface", &vif->uuid);
}

const struct ovsdb_row *
vswd_ovs_row(struct vswd *d)
{
	struct ovsdb_table *t = replica_table(d->rep, "Open_vSwitch");
	struct hnode *n = t ? hmap_first(&t->rows) : NULL;

	return n ? HMAP_CONTAINER(n, struct ovsdb_row, node) : NULL;
}

static unsigned long
config_ulong(const char *s, unsigned long dflt)
{
	char *end;
	unsigned long v;

	if (!s || !*s)
		return dflt;
	v = strtoul(s, &end, 10);
	return *end ? dflt : v;
}

/* ---- interfaces ---- */

static uint32_t
hash_str(const char *s)
{
	return hash_bytes(s, strlen(s), 0);
}

struct vswd_iface *
vswd_iface_find(struct vswd *d, const char *name)
{
	struct hnode *n;

	for (n = hmap_first_with_hash(&d->ifaces, hash_str(name)); n;
	     n = hmap_next_with_hash(n)) {
		struct vswd_iface *vif =
			HMAP_CONTAINER(n, struct vswd_iface, node);
		if (!strcmp(vif->name, name))
			return vif;
	}
	return NULL;
}

static void
applied_clear(struct vswd_port_cfg *a)
{
	free(a->vlan_mode);
	free(a->peer);
	free(a->trunks);
	memset(a, 0, sizeof *a);
}

/* Takes @vif's port out of its bridge in the pipeline. */
static void
model_remove(struct vswd *d, struct vswd_iface *vif)
{
	struct bridge *br;
	struct port *p;

	if (!vif->in_model)
		return;
	br = vsw_find_bridge(&d->vsw, vif->bridge);
	p = br ? bridge_port_by_name(br, vif->port) : NULL;
	if (p)
		bridge_del_port(br, p);
	vif->in_model = false;
	applied_clear(&vif->applied);
}

static void
set_error(struct vswd *d, struct vswd_iface *vif, char *text)
{
	if (vif->state != VIF_ERROR || !vif->error || strcmp(vif->error, text))
		log_warn("%s", text);
	model_remove(d, vif);
	free(vif->error);
	vif->error = text;
	vif->state = VIF_ERROR;
	vif->err_cfg = d->next_cfg;
	vif->ofport = 0;
}

/* Forgets @vif, releasing its datapath port. */
static void
iface_remove(struct vswd *d, struct vswd_iface *vif)
{
	model_remove(d, vif);
	if (vif->state == VIF_UP && vif->dp)
		vswd_dp_port_del(vif->dp, vif->dp_port);
	/* An add in flight finds the interface gone and deletes its port. */
	hmap_remove(&d->ifaces, &vif->node);
	free(vif->name);
	free(vif->bridge);
	free(vif->port);
	free(vif->type);
	free(vif->error);
	free(vif);
}

/* The vport type of Interface.type @type in a datapath of @dp_type, or 0
 * if it cannot be one. */
static enum mvs_vport_type
vport_type(const char *type, const char *dp_type)
{
	if (!strcmp(dp_type, "dummy"))
		return MVS_VPORT_TYPE_NETDEV; /* in-memory ports, any type */
	if (!*type || !strcmp(type, "system"))
		return MVS_VPORT_TYPE_NETDEV;
	if (!strcmp(type, "internal"))
		return MVS_VPORT_TYPE_INTERNAL;
	if (!strcmp(type, "tap"))
		return MVS_VPORT_TYPE_TAP;
	switch (tnl_type_from_name(type)) {
	case MVS_TNL_VXLAN:
		return MVS_VPORT_TYPE_VXLAN;
	case MVS_TNL_GRE:
		return MVS_VPORT_TYPE_GRE;
	case MVS_TNL_GENEVE:
		return MVS_VPORT_TYPE_GENEVE;
	}
	return MVS_VPORT_TYPE_UNSPEC;
}

static bool
ofport_free(const struct bridge *br, uint32_t ofport, const char *port)
{
	const struct port *p = bridge_port_by_ofp(br, ofport);

	return !p || !strcmp(p->name, port);
}

/* Open vSwitch's choice of an OpenFlow port number: the bridge's own
 * interface is LOCAL; ofport_request when it is free; else the number
 * the interface has now, or the one the database shows (a restarted
 * vswitchd keeps its numbers); else the lowest free one. */
static uint32_t
choose_ofport(struct vswd_iface *vif, const struct bridge *br,
	      const struct ovsdb_row *irow)
{
	int64_t req = vswd_int(irow, "ofport_request", 0);
	int64_t db = vswd_int(irow, "ofport", 0);

	if (!strcmp(vif->name, br->name))
		return OFPP_LOCAL;
	if (req >= 1 && req < OFPP_MAX &&
	    ofport_free(br, (uint32_t)req, vif->port))
		return (uint32_t)req;
	if (vif->ofport && vif->ofport != OFPP_LOCAL &&
	    ofport_free(br, vif->ofport, vif->port))
		return vif->ofport;
	if (db >= 1 && db < OFPP_MAX &&
	    ofport_free(br, (uint32_t)db, vif->port))
		return (uint32_t)db;
	for (uint32_t n = 1; n < OFPP_MAX; n++)
		if (ofport_free(br, n, vif->port))
			return n;
	return 0;
}

static const char *
iface_option(const void *irow, const char *key)
{
	return vswd_map(irow, "options", key);
}

static bool
same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Puts @vif's port into bridge @br with @prow's VLAN settings, unless
 * that is what it has already. */
static void
model_apply(struct vswd *d, struct vswd_iface *vif, struct bridge *br,
	    const struct ovsdb_row *prow, const struct ovsdb_row *irow)
{
	const struct ovsdb_datum *tr = datum(prow, "trunks");
	const char *mode = vswd_str(prow, "vlan_mode");
	const char *peer = vswd_map(irow, "options", "peer");
	struct vswd_port_cfg *a = &vif->applied;
	uint16_t *trunks = NULL;
	size_t n_trunks = tr ? tr->n : 0;
	struct port_config cfg = { 0 };
	enum mvs_tnl_type tt = tnl_type_from_name(vif->type);
	struct tnl_config tnl;
	const struct port *cur = bridge_port_by_name(br, vif->port);
	int r;

	if (tt && vif->state == VIF_UP) {
		char *why = NULL;

		if (tnl_config_parse(tt, iface_option, irow, &tnl, &why)) {
			set_error(d, vif, xasprintf("%s: %s", vif->name, why));
			free(why);
			return;
		}
		cfg.tnl = &tnl;
	}
	cfg.internal = !strcmp(vif->type, "internal");

	if (vif->in_model && strcmp(vif->bridge, br->name))
		model_remove(d, vif);
	if (n_trunks) {
		trunks = xcalloc(n_trunks, sizeof *trunks);
		for (size_t i = 0; i < n_trunks; i++)
			trunks[i] = (uint16_t)tr->keys[i].i;
	}
	cfg.name = vif->port;
	cfg.ofp_port = choose_ofport(vif, br, irow);
	cfg.dp_port = vif->state == VIF_UP ? vif->dp_port : MVS_PORT_NONE;
	cfg.type = vif->state == VIF_PATCH ? "patch" : vif->type;
	cfg.peer = vif->state == VIF_PATCH ? peer : NULL;
	cfg.tag = (int)vswd_int(prow, "tag", -1);
	cfg.trunks = trunks;
	cfg.n_trunks = n_trunks;
	cfg.vlan_mode = *mode ? mode : NULL;
	if (vif->in_model && cur && !cur->tnl == !cfg.tnl &&
	    (!cfg.tnl || !memcmp(cur->tnl, cfg.tnl, sizeof tnl)) &&
	    a->ofport == cfg.ofp_port && a->dp_port == cfg.dp_port &&
	    a->tag == cfg.tag && same_str(a->vlan_mode, cfg.vlan_mode) &&
	    same_str(a->peer, cfg.peer) && a->n_trunks == n_trunks &&
	    (!n_trunks ||
	     !memcmp(a->trunks, trunks, n_trunks * sizeof *trunks))) {
		free(trunks);
		return;
	}
	if (!cfg.ofp_port) {
		free(trunks);
		set_error(d, vif,
			  xasprintf("%s: no free OpenFlow port number",
				    vif->name));
		return;
	}
	r = bridge_set_port(br, &cfg, NULL);
	if (r) {
		free(trunks);
		set_error(d, vif,
			  xasprintf("could not add network device %s to "
				    "ofproto (%s)",
				    vif->name, strerror(-r)));
		return;
	}
	applied_clear(a);
	a->ofport = cfg.ofp_port;
	a->dp_port = cfg.dp_port;
	a->tag = cfg.tag;
	a->vlan_mode = cfg.vlan_mode ? xstrdup(cfg.vlan_mode) : NULL;
	a->peer = cfg.peer ? xstrdup(cfg.peer) : NULL;
	a->trunks = trunks;
	a->n_trunks = n_trunks;
	vif->ofport = cfg.ofp_port;
	vif->in_model = true;
}

/* Brings interface @irow of port @prow of bridge @br (in datapath @dp)
 * to where it should be. */
static void
reconcile_iface(struct vswd *d, struct bridge *br, struct vswd_dp *dp,
		const struct ovsdb_row *prow, const struct ovsdb_row *irow)
{
	const char *name = vswd_str(irow, "name");
	const char *type = vswd_str(irow, "type");
	struct vswd_iface *vif = vswd_iface_find(d, name);
	enum mvs_vport_type vt;

	if (!*name)
		return;
	if (!vif) {
		vif = xzalloc(sizeof *vif);
		vif->name = xstrdup(name);
		vif->bridge = xstrdup(br->name);
		vif->port = xstrdup(vswd_str(prow, "name"));
		vif->type = xstrdup(type);
		vif->state = VIF_NEW;
		vif->applied.tag = -1;
		hmap_insert(&d->ifaces, &vif->node, hash_str(name));
	}
	if (vif->seen) {
		log_warn("interface %s is in two ports: ignoring the second",
			 name);
		return;
	}
	vif->seen = true;
	vif->uuid = *ovsdb_row_uuid(irow);
	if (strcmp(vif->bridge, br->name) ||
	    strcmp(vif->port, vswd_str(prow, "name"))) {
		model_remove(d, vif);
		free(vif->bridge);
		free(vif->port);
		vif->bridge = xstrdup(br->name);
		vif->port = xstrdup(vswd_str(prow, "name"));
	}
	/* A new type or datapath: start again. */
	if (strcmp(vif->type, type) || (vif->dp && vif->dp != dp)) {
		model_remove(d, vif);
		if (vif->state == VIF_UP)
			vswd_dp_port_del(vif->dp, vif->dp_port);
		free(vif->type);
		vif->type = xstrdup(type);
		vif->state = VIF_NEW;
	}
	vif->dp = dp;
	if (vif->state == VIF_ERROR && vif->err_cfg != d->next_cfg)
		vif->state = VIF_NEW; /* a new configuration: try again */

	if (!strcmp(type, "patch")) {
		const char *peer = vswd_map(irow, "options", "peer");

		if (!peer || !*peer) {
			if (vif->state != VIF_ERROR)
				set_error(d, vif,
					  xasprintf("%s: patch type requires "
						    "valid 'peer' argument",
						    name));
			return;
		}
		vif->state = VIF_PATCH;
		model_apply(d, vif, br, prow, irow);
		return;
	}
	if (vif->state == VIF_PATCH) {
		model_remove(d, vif);
		vif->state = VIF_NEW;
	}
	if (vif->state == VIF_ERROR)
		return;
	if (dp->state == VDP_FAILED) {
		set_error(
			d, vif,
			xasprintf("could not add network device %s to ofproto "
				  "(%s)",
				  name, strerror(-dp->error)));
		return;
	}
	vt = vport_type(type, dp->type);
	if (!vt) {
		set_error(d, vif,
			  xasprintf("could not open network device %s (%s)",
				    name, strerror(EAFNOSUPPORT)));
		return;
	}
	if (dp->state != VDP_OPEN)
		return; /* reconciled again once it is */
	if (vif->state == VIF_NEW && vif->in_model) {
		/* upcalld restarted: a port it kept stays in the pipeline as
		 * it is; one it lost comes back under another number, so its
		 * old one goes from the pipeline now. */
		struct vswd_dp_port *pp = vswd_dp_port_find(dp, name);

		if (!pp || pp->info.port_no != vif->applied.dp_port)
			model_remove(d, vif);
	}
	if (vif->state == VIF_NEW)
		vswd_dp_port_add(d, vif, vt);
	if (vif->state == VIF_UP)
		model_apply(d, vif, br, prow, irow);
}

/* ---- bridges ---- */

static struct vswd_brcfg *
brcfg_get(struct vswd *d, const char *name)
{
	struct vswd_brcfg *c;
	struct hnode *n;

	for (n = hmap_first_with_hash(&d->brcfg, hash_str(name)); n;
	     n = hmap_next_with_hash(n)) {
		c = HMAP_CONTAINER(n, struct vswd_brcfg, node);
		if (!strcmp(c->name, name))
			return c;
	}
	c = xzalloc(sizeof *c);
	c->name = xstrdup(name);
	hmap_insert(&d->brcfg, &c->node, hash_str(name));
	return c;
}

static void
brcfg_free(struct vswd *d, struct vswd_brcfg *c)
{
	hmap_remove(&d->brcfg, &c->node);
	free(c->name);
	free(c->aging);
	free(c->size);
	free(c->hwaddr);
	free(c);
}

/* Removes every interface of bridge @name from the pipeline (the bridge
 * goes, or changes datapath). */
static void
model_remove_bridge(struct vswd *d, const char *name)
{
	struct hnode *n;

	HMAP_FOR_EACH (n, &d->ifaces) {
		struct vswd_iface *vif =
			HMAP_CONTAINER(n, struct vswd_iface, node);
		if (!strcmp(vif->bridge, name))
			model_remove(d, vif);
	}
}

/* Whether bridge @brow has a primary controller: an active target
 * (tcp:, unix:, ssl:); passive ones (ptcp:, punix:, pssl:) only take
 * service connections, and Open vSwitch does not count them. */
static bool
has_primary_ctrls(struct vswd *d, const struct ovsdb_row *brow)
{
	const struct ovsdb_datum *ctrls = datum(brow, "controller");

	for (unsigned i = 0; ctrls && i < ctrls->n; i++) {
		const struct ovsdb_row *crow =
			vswd_row_by_uuid(d, "Controller", &ctrls->keys[i].u);

		if (crow && vswd_str(crow, "target")[0] != 'p')
			return true;
	}
	return false;
}

/* Whether a new bridge starts with the default "priority=0
 * actions=NORMAL" flow: as in Open vSwitch, only with no controller and
 * fail_mode standalone.  A secure or controlled bridge starts empty, so a
 * restarted vswitchd does not switch a secure bridge's traffic as NORMAL
 * until its controller is back. */
static bool
starts_normal(struct vswd *d, const struct ovsdb_row *brow)
{
	return !has_primary_ctrls(d, brow) &&
	       strcmp(vswd_str(brow, "fail_mode"), "secure");
}

/* Open vSwitch flushes every flow table of a bridge when it gains its
 * first primary controller or loses its last one, and when its fail_mode
 * changes while it has none; then a bridge with no primary controller in
 * fail_mode standalone gets the "priority=0 actions=NORMAL" flow again
 * (checked against ovs-vswitchd 3.1).  Applies that for @br, whose row is
 * @brow, against what @c saw last. */
static void
reflush(struct vswd *d, struct bridge *br, const struct ovsdb_row *brow,
	struct vswd_brcfg *c, bool is_new)
{
	bool has = has_primary_ctrls(d, brow);
	bool secure = !strcmp(vswd_str(brow, "fail_mode"), "secure");
	struct ofp_flow_mod fm;
	char *err;

	if (!is_new && has == c->has_ctrls && (has || secure == c->secure)) {
		c->secure = secure;
		return;
	}
	c->has_ctrls = has;
	c->secure = secure;
	if (is_new)
		return;
	log_info("bridge %s: %s: flushing its flows", br->name,
		 has ? "controllers configured" : "no controller configured");
	err = ofp_flow_mod_parse(&fm, "", OFPFC_DELETE, NULL);
	if (!err) {
		tables_flow_mod(&br->tables, &fm, false, time_mono_ms(), NULL,
				NULL);
		ofp_flow_mod_uninit(&fm);
	}
	free(err);
	if (!has && !secure) {
		err = ofp_flow_mod_parse(&fm, "priority=0,actions=NORMAL",
					 OFPFC_ADD, NULL);
		if (!err) {
			tables_flow_mod(&br->tables, &fm, false, time_mono_ms(),
					NULL, NULL);
			ofp_flow_mod_uninit(&fm);
		}
		free(err);
	}
	br->config_version++;
}

/* Removes the flow tables_init() put in @br's table 0. */
static void
drop_default_flow(struct bridge *br)
{
	struct ofp_flow_mod fm;
	char *err = ofp_flow_mod_parse(&fm, "priority=0", OFPFC_DELETE_STRICT,
				       NULL);

	if (!err) {
		tables_flow_mod(&br->tables, &fm, false, time_mono_ms(), NULL,
				NULL);
		ofp_flow_mod_uninit(&fm);
	}
	free(err);
}

/* Bridge.other_config's datapath-id (16 hex digits, not all zero, as
 * Open vSwitch takes it) and dp-desc, for OpenFlow. */
static void
set_of_identity(struct bridge *br, const struct ovsdb_row *brow)
{
	const char *id = vswd_map(brow, "other_config", "datapath-id");
	const char *desc = vswd_map(brow, "other_config", "dp-desc");
	char *end;

	br->dpid_cfg = 0;
	if (id && strlen(id) == 16 &&
	    strspn(id, "0123456789abcdefABCDEF") == 16)
		br->dpid_cfg = strtoull(id, &end, 16);
	if (!same_str(br->dp_desc, desc)) {
		free(br->dp_desc);
		br->dp_desc = desc ? xstrdup(desc) : NULL;
	}
}

/* Bridge other_config:hwaddr on the bridge's local port, as Open vSwitch
 * applies it: upcalld is asked once per setting, once the port is up
 * with another address (the reply refreshes the port).  No other choice
 * of the bridge's address is made: without hwaddr, the local port keeps
 * the one its device has. */
static void
apply_hwaddr(struct vswd *d, struct vswd_brcfg *c, const char *hwaddr)
{
	struct vswd_iface *vif;
	uint8_t mac[6];
	char end;

	if (!same_str(c->hwaddr, hwaddr)) {
		free(c->hwaddr);
		c->hwaddr = hwaddr ? xstrdup(hwaddr) : NULL;
		c->hwaddr_asked = false;
	}
	if (!hwaddr || c->hwaddr_asked ||
	    sscanf(hwaddr, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%c", &mac[0],
		   &mac[1], &mac[2], &mac[3], &mac[4], &mac[5], &end) != 6)
		return;
	vif = vswd_iface_find(d, c->name);
	if (!vif || vif->state != VIF_UP)
		return;
	c->hwaddr_asked = true;
	if (memcmp(vif->info.mac, mac, sizeof mac))
		vswd_dp_port_set(d, vif, vif->info.admin_up, mac);
}

static void
reconcile_bridge(struct vswd *d, const struct ovsdb_row *brow)
{
	const char *name = vswd_str(brow, "name");
	const char *type = vswd_str(brow, "datapath_type");
	const char *aging = vswd_map(brow, "other_config", "mac-aging-time");
	const char *size = vswd_map(brow, "other_config", "mac-table-size");
	struct vswd_dp *dp = vswd_dp_get(d, *type ? type : "system");
	struct bridge *br = vsw_find_bridge(&d->vsw, name);
	const struct ovsdb_datum *ports = datum(brow, "ports");
	struct vswd_brcfg *c;
	bool is_new = false;

	if (!*name)
		return;
	dp->used = true;
	if (br && br->dp_id != dp->id) {
		model_remove_bridge(d, name);
		vswd_dp_meters_forget(d, br);
		vsw_del_bridge(&d->vsw, br);
		br = NULL;
	}
	if (!br) {
		if (vsw_add_bridge(&d->vsw, name, MVS_PORT_NONE, &br))
			return;
		br->dp_id = dp->id;
		log_info("bridge %s: added in %s", name, dp->name);
		if (!starts_normal(d, brow))
			drop_default_flow(br);
		is_new = true;
	}
	set_of_identity(br, brow);
	c = brcfg_get(d, name);
	c->seen = true;
	reflush(d, br, brow, c, is_new);
	if (!same_str(c->aging, aging) || !same_str(c->size, size)) {
		free(c->aging);
		free(c->size);
		c->aging = aging ? xstrdup(aging) : NULL;
		c->size = size ? xstrdup(size) : NULL;
		bridge_set_mac_config(br, aging, size);
	}
	if (dp->state == VDP_CLOSED)
		vswd_dp_start(dp);
	for (unsigned i = 0; ports && i < ports->n; i++) {
		const struct ovsdb_row *prow =
			vswd_row_by_uuid(d, "Port", &ports->keys[i].u);
		const struct ovsdb_datum *ifs = datum(prow, "interfaces");

		/* One interface per port: bonds are not supported. */
		for (unsigned j = 0; ifs && j < ifs->n; j++) {
			const struct ovsdb_row *irow = vswd_row_by_uuid(
				d, "Interface", &ifs->keys[j].u);

			if (!irow)
				continue;
			if (j == 0) {
				reconcile_iface(d, br, dp, prow, irow);
				continue;
			}
			struct vswd_iface *vif =
				vswd_iface_find(d, vswd_str(irow, "name"));
			if (vif && vif->seen)
				continue;
			log_warn("port %s: bonds are not supported; "
				 "interface %s is not used",
				 vswd_str(prow, "name"),
				 vswd_str(irow, "name"));
		}
	}
	apply_hwaddr(d, c, vswd_map(brow, "other_config", "hwaddr"));
}

/* ---- the whole ---- */

/* Ports upcalld's used datapaths have that no interface claims (left
 * from before a restart) go; so do datapaths no bridge uses. */
/* Marks every port of @dp's unclaimed but the local one (@start), or
 * deletes the ones still unclaimed (!@start). */
static void
sweep_ports(struct vswd_dp *dp, bool start)
{
	struct hnode *n;

	HMAP_FOR_EACH (n, &dp->ports) {
		struct vswd_dp_port *pp =
			HMAP_CONTAINER(n, struct vswd_dp_port, node);

		if (start) {
			pp->claimed = pp->info.port_no == MVS_PORT_LOCAL;
		} else if (!pp->claimed && !pp->deleting) {
			log_info("%s: port %s is configured nowhere: deleting "
				 "it",
				 dp->name, pp->info.name);
			vswd_dp_port_del(dp, pp->info.port_no);
		}
	}
}

static void
sweep_datapaths(struct vswd *d)
{
	struct vswd_dp *dp;
	struct hnode *n;

	LIST_FOR_EACH (dp, node, &d->dps)
		if (dp->state == VDP_OPEN)
			sweep_ports(dp, true);
	HMAP_FOR_EACH (n, &d->ifaces) {
		struct vswd_iface *vif =
			HMAP_CONTAINER(n, struct vswd_iface, node);
		struct vswd_dp_port *pp;

		if (vif->dp &&
		    (vif->state == VIF_UP || vif->state == VIF_ADDING) &&
		    (pp = vswd_dp_port_find(vif->dp, vif->name)))
			pp->claimed = true;
	}
	LIST_FOR_EACH (dp, node, &d->dps)
		if (dp->state == VDP_OPEN)
			sweep_ports(dp, false);
}

void
vswd_reconcile(struct vswd *d)
{
	const struct ovsdb_row *ovs;
	struct ovsdb_table *bt;
	struct vswd_dp *dp;
	struct hnode *n, *next;

	if (!d->rep || !replica_is_synced(d->rep) || !d->upcalld_boot)
		return;
	ovs = vswd_ovs_row(d);
	d->next_cfg = vswd_int(ovs, "next_cfg", 0);
	d->max_idle_ms = (uint32_t)config_ulong(
		vswd_map(ovs, "other_config", "max-idle"), VSWD_MAX_IDLE_MS);
	d->flow_limit = (uint32_t)config_ulong(
		vswd_map(ovs, "other_config", "flow-limit"), VSWD_FLOW_LIMIT);
	if (!d->flow_limit)
		d->flow_limit = VSWD_FLOW_LIMIT;

	HMAP_FOR_EACH (n, &d->ifaces)
		HMAP_CONTAINER(n, struct vswd_iface, node)->seen = false;
	HMAP_FOR_EACH (n, &d->brcfg)
		HMAP_CONTAINER(n, struct vswd_brcfg, node)->seen = false;
	LIST_FOR_EACH (dp, node, &d->dps)
		dp->used = false;

	bt = ovs ? replica_table(d->rep, "Bridge") : NULL;
	if (bt)
		HMAP_FOR_EACH (n, &bt->rows)
			reconcile_bridge(
				d, HMAP_CONTAINER(n, struct ovsdb_row, node));

	HMAP_FOR_EACH_SAFE (n, next, &d->ifaces) {
		struct vswd_iface *vif =
			HMAP_CONTAINER(n, struct vswd_iface, node);
		if (!vif->seen)
			iface_remove(d, vif);
	}
	HMAP_FOR_EACH_SAFE (n, next, &d->brcfg) {
		struct vswd_brcfg *c =
			HMAP_CONTAINER(n, struct vswd_brcfg, node);
		struct bridge *br = vsw_find_bridge(&d->vsw, c->name);

		if (c->seen)
			continue;
		if (br) {
			log_info("bridge %s: deleted", c->name);
			vswd_dp_meters_forget(d, br);
			vsw_del_bridge(&d->vsw, br);
		}
		brcfg_free(d, c);
	}
	LIST_FOR_EACH (dp, node, &d->dps)
		if (dp->used && dp->state == VDP_OPEN)
			vswd_dp_config(dp);
	sweep_datapaths(d);
	vswd_of_sync(d);
	vswd_tables_check(d);
	vswd_status_write(d);
}

/* ---- the replica and the timers ---- */

static void
on_changed(void *aux, struct replica *r, bool reload)
{
	struct vswd *d = aux;

	replica_clear_changes(r);
	vswd_reconcile(d);
}

static void
on_disconnected(void *aux, struct replica *r)
{
	log_info("database connection lost; switching on with what it said");
}

static const struct replica_ops replica_ops = {
	.changed = on_changed,
	.disconnected = on_disconnected,
};

static void
on_stats_timer(struct ev_timer *t, void *arg)
{
	struct vswd *d = arg;
	struct hnode *n;

	vswd_dp_refresh(d);
	HMAP_FOR_EACH (n, &d->vsw.bridges)
		mac_table_run(&HMAP_CONTAINER(n, struct bridge, node)->macs,
			      time_mono_ms());
	vswd_tables_check(d);
}

static void
tables_changed(void *aux)
{
	vswd_tables_check(aux);
}

void
vswd_init_state(struct vswd *d, struct ev_loop *loop)
{
	memset(d, 0, sizeof *d);
	vsw_init(&d->vsw);
	d->loop = loop;
	d->boot = random_id();
	list_init(&d->dps);
	d->next_dp_id = 1;
	hmap_init(&d->ifaces);
	hmap_init(&d->brcfg);
	d->max_idle_ms = VSWD_MAX_IDLE_MS;
	d->flow_limit = VSWD_FLOW_LIMIT;
	vswd_upcall_init(d);
}

void
vswd_init(struct vswd *d, struct ev_loop *loop, struct bus *bus)
{
	int r;

	vswd_init_state(d, loop);
	d->bus = bus;
	vswitchd_appctl_register(&d->vsw, tables_changed, d);
	r = replica_open(loop, bus, "Open_vSwitch", tables, ARRAY_SIZE(tables),
			 &replica_ops, d, &d->rep);
	if (r)
		fatal("cannot start the database replica: %s", strerror(-r));
	d->stats_timer =
		ev_timer_add(loop, STATS_PERIOD_MS, true, on_stats_timer, d);
	vswd_hello(d);
	vswd_tnl_routes_init(d);
}
