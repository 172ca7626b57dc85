/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_bridge: bridges and their ports, with the VLAN configuration
 * of each port as Open vSwitch derives it from Port's tag, trunks and
 * vlan_mode.  Later the DB replica drives this; now tests (and the
 * appctl hooks) build bridges and ports through the C API.
 */
#include "vswitchd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static uint32_t
hash_name(const char *name)
{
	return hash_bytes(name, strlen(name), 0);
}

static uint32_t
hash_u32(uint32_t x)
{
	return hash_bytes(&x, sizeof x, 0);
}

void
vsw_init(struct vsw *vsw)
{
	memset(vsw, 0, sizeof *vsw);
	hmap_init(&vsw->bridges);
	hmap_init(&vsw->dp_ports);
	vsw->next_bridge_id = 1;
}

void
vsw_destroy(struct vsw *vsw)
{
	struct hnode *n, *next;

	HMAP_FOR_EACH_SAFE (n, next, &vsw->bridges)
		vsw_del_bridge(vsw, HMAP_CONTAINER(n, struct bridge, node));
	hmap_destroy(&vsw->bridges);
	hmap_destroy(&vsw->dp_ports);
}

struct bridge *
vsw_find_bridge(const struct vsw *vsw, const char *name)
{
	struct hnode *n;

	for (n = hmap_first_with_hash(&vsw->bridges, hash_name(name)); n;
	     n = hmap_next_with_hash(n)) {
		struct bridge *br = HMAP_CONTAINER(n, struct bridge, node);
		if (!strcmp(br->name, name))
			return br;
	}
	return NULL;
}

int
vsw_add_bridge(struct vsw *vsw, const char *name, uint32_t local_dp_port,
	       struct bridge **out)
{
	struct bridge *br;
	struct port_config local = {
		.name = name,
		.ofp_port = OFPP_LOCAL,
		.dp_port = local_dp_port,
		.tag = -1,
	};
	int err;

	if (vsw_find_bridge(vsw, name))
		return -EEXIST;
	br = xzalloc(sizeof *br);
	br->vsw = vsw;
	br->id = vsw->next_bridge_id++;
	br->name = xstrdup(name);
	hmap_init(&br->ports);
	hmap_init(&br->ports_by_name);
	list_init(&br->port_list);
	tables_init(&br->tables, time_mono_ms());
	groups_init(br);
	meters_init(br);
	mac_table_init(&br->macs, MAC_DEFAULT_IDLE_TIME, MAC_DEFAULT_MAX);
	hmap_insert(&vsw->bridges, &br->node, hash_name(name));
	if (local_dp_port != MVS_PORT_NONE) {
		err = bridge_set_port(br, &local, NULL);
		if (err) {
			vsw_del_bridge(vsw, br);
			return err;
		}
	}
	if (out)
		*out = br;
	return 0;
}

void
vsw_del_bridge(struct vsw *vsw, struct bridge *br)
{
	while (!list_empty(&br->port_list))
		bridge_del_port(br, LIST_CONTAINER(br->port_list.next,
						   struct port, in_bridge));
	hmap_remove(&vsw->bridges, &br->node);
	for (size_t i = 0; i < br->n_learn_ports; i++)
		free(br->learn_ports[i]);
	free(br->learn_ports);
	for (size_t i = 0; i < br->n_vtep_flows; i++)
		free(br->vtep_flows[i]);
	free(br->vtep_flows);
	groups_destroy(br);
	meters_destroy(br);
	tables_destroy(&br->tables);
	mac_table_destroy(&br->macs);
	hmap_destroy(&br->ports);
	hmap_destroy(&br->ports_by_name);
	free(br->name);
	free(br->dp_desc);
	free(br);
}

struct bridge *
vsw_bridge_by_id(const struct vsw *vsw, uint64_t id)
{
	struct hnode *n;

	HMAP_FOR_EACH (n, &vsw->bridges) {
		struct bridge *br = HMAP_CONTAINER(n, struct bridge, node);
		if (br->id == id)
			return br;
	}
	return NULL;
}

/* Datapath port numbers are per datapath: the key is both. */
static uint32_t
hash_dp_port(uint32_t dp_id, uint32_t dp_port)
{
	return hash_u32(dp_port ^ dp_id << 16);
}

struct port *
vsw_port_by_dp(const struct vsw *vsw, uint32_t dp_id, uint32_t dp_port)
{
	struct hnode *n;

	for (n = hmap_first_with_hash(&vsw->dp_ports,
				      hash_dp_port(dp_id, dp_port));
	     n; n = hmap_next_with_hash(n)) {
		struct port *p = HMAP_CONTAINER(n, struct port, by_dp);
		if (p->dp_port == dp_port && p->bridge->dp_id == dp_id)
			return p;
	}
	return NULL;
}

struct port *
bridge_port_by_ofp(const struct bridge *br, uint32_t ofp_port)
{
	struct hnode *n;

	for (n = hmap_first_with_hash(&br->ports, hash_u32(ofp_port)); n;
	     n = hmap_next_with_hash(n)) {
		struct port *p = HMAP_CONTAINER(n, struct port, by_ofp);
		if (p->ofp_port == ofp_port)
			return p;
	}
	return NULL;
}

struct port *
bridge_port_by_name(const struct bridge *br, const char *name)
{
	uint32_t h = hash_name(name);

	for (struct hnode *n = hmap_first_with_hash(&br->ports_by_name, h); n;
	     n = hmap_next_with_hash(n)) {
		struct port *p = HMAP_CONTAINER(n, struct port, by_name);

		if (!strcmp(p->name, name))
			return p;
	}
	return NULL;
}

static void
bitmap_set(uint8_t *map, unsigned bit, bool on)
{
	if (on)
		map[bit / 8] |= 1u << (bit % 8);
	else
		map[bit / 8] &= ~(1u << (bit % 8));
}

static bool
bitmap_get(const uint8_t *map, unsigned bit)
{
	return map[bit / 8] & (1u << (bit % 8));
}

/* Open vSwitch's port_configure() and bundle_set(): the mode, VLAN and
 * trunks a port ends up with. */
static int
port_vlan_config(struct port *p, const struct port_config *cfg)
{
	int vlan = cfg->tag >= 0 && cfg->tag <= 4095 ? cfg->tag : -1;
	enum port_vlan_mode mode;
	uint8_t *trunks = NULL;

	if (cfg->vlan_mode) {
		static const struct {
			const char *name;
			enum port_vlan_mode mode;
		} modes[] = {
			{ "access", PORT_VLAN_ACCESS },
			{ "trunk", PORT_VLAN_TRUNK },
			{ "native-tagged", PORT_VLAN_NATIVE_TAGGED },
			{ "native-untagged", PORT_VLAN_NATIVE_UNTAGGED },
		};
		size_t i;
		for (i = 0; i < ARRAY_SIZE(modes); i++)
			if (!strcmp(cfg->vlan_mode, modes[i].name))
				break;
		if (i == ARRAY_SIZE(modes))
			return -EINVAL;
		mode = modes[i].mode;
	} else {
		mode = vlan >= 0 ? PORT_VLAN_ACCESS : PORT_VLAN_TRUNK;
	}
	if (cfg->n_trunks && mode != PORT_VLAN_ACCESS) {
		trunks = xzalloc(4096 / 8);
		for (size_t i = 0; i < cfg->n_trunks; i++)
			if (cfg->trunks[i] <= 4095)
				bitmap_set(trunks, cfg->trunks[i], true);
	}
	p->vlan = mode == PORT_VLAN_TRUNK ? -1 : vlan >= 0 ? vlan : 0;
	if ((mode == PORT_VLAN_NATIVE_TAGGED ||
	     mode == PORT_VLAN_NATIVE_UNTAGGED) &&
	    p->vlan != 0 &&
	    (!trunks || !bitmap_get(trunks, p->vlan) ||
	     bitmap_get(trunks, 0))) {
		/* The native VLAN is always trunked, VLAN 0 never. */
		if (!trunks) {
			trunks = xmalloc(4096 / 8);
			memset(trunks, 0xff, 4096 / 8);
		}
		bitmap_set(trunks, p->vlan, true);
		bitmap_set(trunks, 0, false);
	}
	free(p->trunks);
	p->trunks = trunks;
	p->vlan_mode = mode;
	return 0;
}

bool
port_trunks_vlan(const struct port *p, uint16_t vlan)
{
	return p->vlan_mode != PORT_VLAN_ACCESS &&
	       (!p->trunks || bitmap_get(p->trunks, vlan));
}

bool
port_includes_vlan(const struct port *p, uint16_t vlan)
{
	if (p->vlan_mode == PORT_VLAN_ACCESS)
		return vlan == p->vlan;
	return port_trunks_vlan(p, vlan);
}

/* Forgets @p's tunnel options. */
static void
port_drop_tnl(struct vsw *vsw, struct port *p)
{
	if (p->tnl) {
		free(p->tnl);
		p->tnl = NULL;
		vsw->n_tnl_ports--;
	}
}

int
bridge_set_port(struct bridge *br, const struct port_config *cfg,
		struct port **out)
{
	struct port *p = bridge_port_by_name(br, cfg->name), *other;
	bool is_new = !p;
	bool patch = cfg->type && !strcmp(cfg->type, "patch");
	struct port tmp = { 0 };
	int err;

	if (!cfg->name || !*cfg->name || (patch && (!cfg->peer || !*cfg->peer)))
		return -EINVAL;
	other = bridge_port_by_ofp(br, cfg->ofp_port);
	if (other && other != p)
		return -EEXIST;
	if (!patch && cfg->dp_port != MVS_PORT_NONE) {
		other = vsw_port_by_dp(br->vsw, br->dp_id, cfg->dp_port);
		if (other && other != p)
			return -EEXIST;
	}
	err = port_vlan_config(&tmp, cfg);
	if (err)
		return err;
	if (is_new) {
		p = xzalloc(sizeof *p);
		p->bridge = br;
		p->name = xstrdup(cfg->name);
		p->dp_port = MVS_PORT_NONE;
		p->created_ms = time_mono_ms();
		hmap_insert(&br->ports_by_name, &p->by_name,
			    hash_name(p->name));
	} else {
		/* What it learned may no longer hold. */
		mac_table_flush_port(&br->macs, p);
		hmap_remove(&br->ports, &p->by_ofp);
		list_remove(&p->in_bridge);
		if (p->dp_port != MVS_PORT_NONE)
			hmap_remove(&br->vsw->dp_ports, &p->by_dp);
		free(p->trunks);
		free(p->peer);
		port_drop_tnl(br->vsw, p);
	}
	p->ofp_port = cfg->ofp_port;
	p->dp_port = patch ? MVS_PORT_NONE : cfg->dp_port;
	p->peer = patch ? xstrdup(cfg->peer) : NULL;
	p->vlan_mode = tmp.vlan_mode;
	p->vlan = tmp.vlan;
	p->trunks = tmp.trunks;
	p->internal = cfg->internal || p->ofp_port == OFPP_LOCAL;
	if (cfg->tnl) {
		p->tnl = xmalloc(sizeof *p->tnl);
		memcpy(p->tnl, cfg->tnl, sizeof *p->tnl);
		br->vsw->n_tnl_ports++;
	}
	hmap_insert(&br->ports, &p->by_ofp, hash_u32(p->ofp_port));
	if (p->dp_port != MVS_PORT_NONE)
		hmap_insert(&br->vsw->dp_ports, &p->by_dp,
			    hash_dp_port(br->dp_id, p->dp_port));
	/* Keep the list in port-number order: flooding walks it. */
	{
		struct list_node *pos = &br->port_list;
		struct port *q;
		LIST_FOR_EACH (q, in_bridge, &br->port_list)
			if (q->ofp_port > p->ofp_port) {
				pos = &q->in_bridge;
				break;
			}
		list_insert(pos, &p->in_bridge);
	}
	br->config_version++;
	if (out)
		*out = p;
	return 0;
}

void
bridge_del_port(struct bridge *br, struct port *p)
{
	mac_table_flush_port(&br->macs, p);
	hmap_remove(&br->ports, &p->by_ofp);
	hmap_remove(&br->ports_by_name, &p->by_name);
	list_remove(&p->in_bridge);
	if (p->dp_port != MVS_PORT_NONE)
		hmap_remove(&br->vsw->dp_ports, &p->by_dp);
	br->config_version++;
	free(p->trunks);
	free(p->peer);
	port_drop_tnl(br->vsw, p);
	free(p->name);
	free(p);
}

static unsigned long
config_number(const char *s, unsigned long dflt)
{
	char *end;
	unsigned long x;

	if (!s)
		return dflt;
	x = strtoul(s, &end, 10);
	return end == s || *end ? dflt : x;
}

void
bridge_set_mac_config(struct bridge *br, const char *aging_time,
		      const char *table_size)
{
	mac_table_configure(
		&br->macs,
		(unsigned)config_number(aging_time, MAC_DEFAULT_IDLE_TIME),
		config_number(table_size, MAC_DEFAULT_MAX));
	br->config_version++;
}

struct ofp_port_map *
bridge_port_map(const struct bridge *br)
{
	size_t n = list_size(&br->port_list), i = 0;
	struct ofp_port_map *map =
		xmalloc(sizeof *map + n * sizeof *map->ports);
	struct port *p;

	map->n = n;
	map->ports = (struct ofp_port_name *)(void *)(map + 1);
	LIST_FOR_EACH (p, in_bridge, &br->port_list) {
		map->ports[i].name = p->name;
		map->ports[i++].port = p->ofp_port;
	}
	return map;
}
