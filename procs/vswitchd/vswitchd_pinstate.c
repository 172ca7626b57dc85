/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_pinstate: what a packet-in from the datapath needs besides the
 * packet.  A translation that outputs to the controllers emits a
 * userspace action whose cookie names one of these records (Open
 * vSwitch's frozen state behind the recirc_id of its "controller" user
 * action); the megaflow is installed, and each packet that takes it comes
 * up as an action upcall and becomes a packet-in with the record's
 * metadata, table, cookie and userdata.
 *
 * Records are shared by equal contents (a revalidation that translates a
 * flow again finds the same record, so its actions do not change) and
 * counted: every translation holds a reference in its xlate_deps, kept by
 * the flow's ukey for as long as the megaflow lives.  A record nothing
 * refers to any more is kept for PINSTATE_GRACE_MS, and still answers:
 * a megaflow can outlive its ukey for a while (a revalidation that
 * raced with the install, a flow kept while the controllers restore the
 * tables), and the next revalidation translates it again and finds the
 * same record.  vswitchd is single threaded; so is this.
 */
#include "vswitchd.h"

#include <stdlib.h>
#include <string.h>

#define PINSTATE_GRACE_MS 30000

struct pinstate {
	struct hnode by_key;	    /* in states, by the contents' hash */
	struct hnode by_id;	    /* in ids */
	struct list_node dead_node; /* in dead while refs is 0 */
	uint64_t dead_ms;	    /* when refs became 0 */
	uint32_t id;
	unsigned refs;
	struct xlate_pin pin; /* userdata points to ud; pause false */
	uint8_t ud[];
};

static struct hmap states, ids;
static struct list_node dead; /* unreferenced records, oldest first */
static uint32_t next_id = 1;

static void
init(void)
{
	if (!states.buckets) {
		hmap_init(&states);
		hmap_init(&ids);
		list_init(&dead);
	}
}

/* Frees the records unreferenced for longer than the grace period. */
static void
sweep(uint64_t now)
{
	struct list_node *n;

	while ((n = list_front(&dead))) {
		struct pinstate *s =
			LIST_CONTAINER(n, struct pinstate, dead_node);
		if (now - s->dead_ms < PINSTATE_GRACE_MS)
			break;
		list_remove(&s->dead_node);
		hmap_remove(&states, &s->by_key);
		hmap_remove(&ids, &s->by_id);
		free(s);
	}
}

/* The fields of @pin that make a record, in a canonical copy: the
 * pointer and the offset into one translation's actions are not part of
 * it. */
static void
canonical(const struct xlate_pin *pin, struct xlate_pin *c)
{
	memset(c, 0, sizeof *c);
	c->bridge_id = pin->bridge_id;
	c->max_len = pin->max_len;
	c->reason = pin->reason;
	c->table_id = pin->table_id;
	c->cookie = pin->cookie;
	c->in_port = pin->in_port;
	c->pkt_mark = pin->pkt_mark;
	c->metadata = pin->metadata;
	memcpy(c->regs, pin->regs, sizeof c->regs);
	c->tun_id = pin->tun_id;
	c->tun_src = pin->tun_src;
	c->tun_dst = pin->tun_dst;
	c->userdata_len = pin->userdata_len;
}

static uint32_t
key_hash(const struct xlate_pin *c, const uint8_t *ud)
{
	return hash_bytes(ud, c->userdata_len, hash_bytes(c, sizeof *c, 0));
}

static struct pinstate *
find_by_id(uint32_t id)
{
	struct hnode *n;

	init();
	for (n = hmap_first_with_hash(&ids, id); n;
	     n = hmap_next_with_hash(n)) {
		struct pinstate *s = HMAP_CONTAINER(n, struct pinstate, by_id);
		if (s->id == id)
			return s;
	}
	return NULL;
}

uint32_t
vswd_pinstate_ref(const struct xlate_pin *pin)
{
	struct xlate_pin c;
	struct pinstate *s;
	struct hnode *n;
	uint32_t h;

	init();
	sweep(time_mono_ms());
	canonical(pin, &c);
	h = key_hash(&c, pin->userdata);
	for (n = hmap_first_with_hash(&states, h); n;
	     n = hmap_next_with_hash(n)) {
		s = HMAP_CONTAINER(n, struct pinstate, by_key);
		struct xlate_pin sc = s->pin;
		sc.userdata = NULL;
		if (!memcmp(&sc, &c, sizeof c) &&
		    (!c.userdata_len ||
		     !memcmp(s->ud, pin->userdata, c.userdata_len))) {
			if (!s->refs++)
				list_remove(&s->dead_node);
			return s->id;
		}
	}
	s = xmalloc(sizeof *s + c.userdata_len);
	s->pin = c;
	if (c.userdata_len)
		memcpy(s->ud, pin->userdata, c.userdata_len);
	s->pin.userdata = c.userdata_len ? s->ud : NULL;
	s->refs = 1;
	list_init(&s->dead_node);
	do {
		s->id = next_id++;
		if (!next_id)
			next_id = 1;
	} while (!s->id || find_by_id(s->id));
	hmap_insert(&states, &s->by_key, h);
	hmap_insert(&ids, &s->by_id, s->id);
	return s->id;
}

void
vswd_pinstate_unref(uint32_t id)
{
	struct pinstate *s = find_by_id(id);
	uint64_t now = time_mono_ms();

	if (!s || !s->refs || --s->refs)
		return;
	s->dead_ms = now;
	list_push_back(&dead, &s->dead_node);
	sweep(now);
}

const struct xlate_pin *
vswd_pinstate_find(uint32_t id)
{
	struct pinstate *s = find_by_id(id);

	return s ? &s->pin : NULL;
}

size_t
vswd_pinstate_count(void)
{
	return states.buckets ? ids.n - list_size(&dead) : 0;
}
