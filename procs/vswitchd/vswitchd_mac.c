/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_mac: MAC learning for one bridge, per VLAN, with Open
 * vSwitch's rules: entries age out after mac-aging-time seconds without
 * a packet, the table holds at most mac-table-size entries and, when
 * full, evicts the oldest entry of the port that has the most (so one
 * port flooding new addresses cannot push out everyone else's), a
 * source seen on a new port moves.
 *
 * Every change (new entry, move, removal) is recorded by its tag, so the
 * megaflows whose translation looked that destination up, and only
 * those, can be revalidated.
 */
#include "vswitchd.h"

#include <stdlib.h>
#include <string.h>

/* Entries of one port, for fair eviction. */
struct mac_port {
	struct hnode node; /* in the table's port map, by pointer */
	void *port;
	size_t n;
};

static uint32_t
hash_mac(const uint8_t mac[6], uint16_t vlan)
{
	uint64_t t = mac_tag(mac, vlan);
	return hash_bytes(&t, sizeof t, 0);
}

uint64_t
mac_tag(const uint8_t mac[6], uint16_t vlan)
{
	uint64_t t = (uint64_t)(vlan & 0xfff) << 48;
	for (int i = 0; i < 6; i++)
		t |= (uint64_t)mac[i] << (40 - 8 * i);
	return t;
}

static unsigned
clamp_idle(unsigned idle)
{
	return idle < 15 ? 15 : idle > 3600 ? 3600 : idle;
}

static struct hmap *
port_map(struct mac_table *mt)
{
	return &mt->ports;
}

static struct mac_port *
port_find(struct mac_table *mt, void *port, bool create)
{
	uint32_t h = hash_bytes(&port, sizeof port, 0);
	struct hnode *n;
	struct mac_port *p;

	for (n = hmap_first_with_hash(port_map(mt), h); n;
	     n = hmap_next_with_hash(n)) {
		p = HMAP_CONTAINER(n, struct mac_port, node);
		if (p->port == port)
			return p;
	}
	if (!create)
		return NULL;
	p = xzalloc(sizeof *p);
	p->port = port;
	hmap_insert(port_map(mt), &p->node, h);
	return p;
}

static void
port_count(struct mac_table *mt, void *port, int delta)
{
	struct mac_port *p = port_find(mt, port, delta > 0);

	if (!p)
		return;
	p->n += delta;
	if (!p->n) {
		hmap_remove(port_map(mt), &p->node);
		free(p);
	}
}

static void
note_change(struct mac_table *mt, const struct mac_entry *e)
{
	if (mt->n_changes == mt->changes_cap) {
		mt->changes_cap = mt->changes_cap ? mt->changes_cap * 2 : 16;
		mt->changes = xrealloc(mt->changes,
				       mt->changes_cap * sizeof *mt->changes);
	}
	mt->changes[mt->n_changes++] = mac_tag(e->mac, e->vlan);
}

static void
entry_remove(struct mac_table *mt, struct mac_entry *e)
{
	note_change(mt, e);
	port_count(mt, e->port, -1);
	hmap_remove(&mt->entries, &e->node);
	list_remove(&e->lru);
	free(e);
}

void
mac_table_init(struct mac_table *mt, unsigned idle_time, size_t max_entries)
{
	memset(mt, 0, sizeof *mt);
	hmap_init(&mt->entries);
	hmap_init(port_map(mt));
	list_init(&mt->lru);
	mac_table_configure(mt, idle_time, max_entries);
}

void
mac_table_destroy(struct mac_table *mt)
{
	mac_table_flush(mt);
	hmap_destroy(&mt->entries);
	hmap_destroy(port_map(mt));
	free(mt->changes);
	mt->changes = NULL;
}

void
mac_table_configure(struct mac_table *mt, unsigned idle_time,
		    size_t max_entries)
{
	mt->idle_time = clamp_idle(idle_time);
	mt->max_entries = max_entries ? max_entries : MAC_DEFAULT_MAX;
}

static struct mac_entry *
entry_find(const struct mac_table *mt, const uint8_t mac[6], uint16_t vlan)
{
	uint32_t h = hash_mac(mac, vlan);
	struct hnode *n;

	for (n = hmap_first_with_hash(&mt->entries, h); n;
	     n = hmap_next_with_hash(n)) {
		struct mac_entry *e = HMAP_CONTAINER(n, struct mac_entry, node);
		if (e->vlan == vlan && !memcmp(e->mac, mac, 6))
			return e;
	}
	return NULL;
}

/* Evicts the least recently learned entry of the port with the most
 * entries. */
static void
evict_fairly(struct mac_table *mt)
{
	struct mac_port *most = NULL;
	struct mac_entry *e;
	struct hnode *n;

	HMAP_FOR_EACH (n, port_map(mt)) {
		struct mac_port *p = HMAP_CONTAINER(n, struct mac_port, node);
		if (!most || p->n > most->n)
			most = p;
	}
	if (!most)
		return;
	LIST_FOR_EACH (e, lru, &mt->lru)
		if (e->port == most->port) {
			entry_remove(mt, e);
			mt->total_evicted++;
			return;
		}
}

bool
mac_table_learn(struct mac_table *mt, const uint8_t mac[6], uint16_t vlan,
		void *port, uint64_t now_ms)
{
	struct mac_entry *e;
	bool changed = false;

	if (mac[0] & 1) /* multicast or broadcast source: never learned */
		return false;
	e = entry_find(mt, mac, vlan);
	if (!e) {
		if (mt->entries.n >= mt->max_entries)
			evict_fairly(mt);
		e = xzalloc(sizeof *e);
		memcpy(e->mac, mac, 6);
		e->vlan = vlan;
		e->port = port;
		hmap_insert(&mt->entries, &e->node, hash_mac(mac, vlan));
		list_init(&e->lru);
		port_count(mt, port, 1);
		mt->total_learned++;
		note_change(mt, e);
		changed = true;
	} else if (e->port != port) {
		port_count(mt, e->port, -1);
		port_count(mt, port, 1);
		e->port = port;
		mt->total_moved++;
		note_change(mt, e);
		changed = true;
	}
	list_remove(&e->lru);
	list_push_back(&mt->lru, &e->lru);
	e->expires_ms = now_ms + mt->idle_time * 1000ull;
	return changed;
}

const struct mac_entry *
mac_table_lookup(const struct mac_table *mt, const uint8_t mac[6],
		 uint16_t vlan, uint64_t now_ms)
{
	const struct mac_entry *e = entry_find(mt, mac, vlan);

	return e && now_ms < e->expires_ms ? e : NULL;
}

size_t
mac_table_run(struct mac_table *mt, uint64_t now_ms)
{
	size_t gone = 0;

	while (!list_empty(&mt->lru)) {
		struct mac_entry *e =
			LIST_CONTAINER(mt->lru.next, struct mac_entry, lru);
		if (mt->entries.n <= mt->max_entries && now_ms < e->expires_ms)
			break;
		entry_remove(mt, e);
		mt->total_expired++;
		gone++;
	}
	return gone;
}

void
mac_table_flush(struct mac_table *mt)
{
	while (!list_empty(&mt->lru))
		entry_remove(mt, LIST_CONTAINER(mt->lru.next, struct mac_entry,
						lru));
}

void
mac_table_flush_port(struct mac_table *mt, void *port)
{
	struct mac_entry *e, *next;

	LIST_FOR_EACH_SAFE (e, next, lru, &mt->lru)
		if (e->port == port)
			entry_remove(mt, e);
}

int
mac_entry_age(const struct mac_table *mt, const struct mac_entry *e,
	      uint64_t now_ms)
{
	uint64_t left = e->expires_ms > now_ms ? e->expires_ms - now_ms : 0;
	int64_t age = (int64_t)mt->idle_time - (int64_t)((left + 999) / 1000);

	return age < 0 ? 0 : (int)age;
}

uint64_t *
mac_table_take_changes(struct mac_table *mt, size_t *n)
{
	uint64_t *tags = mt->changes;

	*n = mt->n_changes;
	mt->changes = NULL;
	mt->n_changes = mt->changes_cap = 0;
	return tags;
}
