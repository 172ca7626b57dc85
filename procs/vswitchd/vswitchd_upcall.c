/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_upcall: vswitchd's half of the fast path's misses and of
 * revalidation (upcalld sends both, docs/DATAPLANE.md).
 *
 * A miss is translated (xlate_key: MAC learning happens there) into
 * datapath actions and a megaflow mask; the answer names the megaflow by
 * a ufid (a hash of the masked key and the mask), and vswitchd keeps a
 * ukey for it: what the translation used (rules, MAC destinations looked
 * up, sources learned).  Revalidation reports come back with statistics
 * deltas, which go to those rules (OpenFlow counters) and MAC entries
 * (kept alive while the fast path sees their traffic), and, after a
 * table or port change, with every flow's key, mask and actions: a flow
 * whose translation used something that changed is translated again and
 * kept, modified or deleted.
 *
 * MAC learning changes invalidate exactly the megaflows that looked the
 * changed (MAC, VLAN) up as a destination (an index from tag to ukey):
 * those answered in the same batch are translated again before the
 * answer goes, the others are deleted from the datapath by ufid
 * (dp_flow_del), their last statistics credited.
 */
#include "vswitchd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "coverage.h"
#include "log.h"
#include "odp.h"

LOG_MODULE(vswitchd_upcall);

COVERAGE_DEFINE(upcall_translated);
COVERAGE_DEFINE(upcall_not_ready);
COVERAGE_DEFINE(reval_kept_restoring);
COVERAGE_DEFINE(upcall_retranslated);
COVERAGE_DEFINE(reval_retranslated);
COVERAGE_DEFINE(reval_modified);
COVERAGE_DEFINE(reval_deleted);
COVERAGE_DEFINE(mac_invalidated);
COVERAGE_DEFINE(tables_published);
COVERAGE_DEFINE(upcall_packet_in);
COVERAGE_DEFINE(upcall_action_stale);
COVERAGE_DEFINE(upcall_action_unknown);

static struct log_rl rl = LOG_RL_INIT(5, 20);

/* ---- ukeys ---- */

static uint32_t
tag_hash(uint64_t tag)
{
	return hash_bytes(&tag, sizeof tag, 0);
}

/* The ukeys are indexed by 32 bits of their ufid (itself a good hash):
 * every new flow's lookup misses, and a miss in the open-addressing index
 * reads a cache line or two of it and no ukey. */
static struct ukey *
ukey_find(struct vswd *d, uint32_t dp_id, const struct mvs_ufid *ufid)
{
	size_t pos = hix_start(&d->ukeys, ufid->w[0]);
	uint32_t n;

	while ((n = hix_next(&d->ukeys, ufid->w[0], &pos)) != HIX_NONE) {
		struct ukey *uk = pool_at(&d->ukey_pool, n);

		if (uk->dp_id == dp_id &&
		    !memcmp(&uk->ufid, ufid, sizeof *ufid))
			return uk;
	}
	return NULL;
}

static struct tag_ukeys *
tag_find(const struct vswd *d, uint64_t tag)
{
	struct hnode *n;

	for (n = hmap_first_with_hash(&d->tag_index, tag_hash(tag)); n;
	     n = hmap_next_with_hash(n)) {
		struct tag_ukeys *t = HMAP_CONTAINER(n, struct tag_ukeys, node);

		if (t->tag == tag)
			return t;
	}
	return NULL;
}

static void
ukey_unindex(struct vswd *d, struct ukey *uk)
{
	for (size_t i = 0; i < uk->n_tags; i++) {
		struct tag_ukeys *t = uk->tags[i].set;

		list_remove(&uk->tags[i].node);
		if (list_empty(&t->ukeys)) {
			hmap_remove(&d->tag_index, &t->node);
			free(t);
		}
	}
	uk->n_tags = 0;
}

/* Indexes @uk by the tags its deps looked up, in the tag entries its
 * deps block has room for. */
static void
ukey_index(struct vswd *d, struct ukey *uk)
{
	uk->n_tags = uk->deps.n_mac_tags;
	for (size_t i = 0; i < uk->n_tags; i++) {
		uint64_t tag = uk->deps.mac_tags[i];
		struct tag_ukeys *t = tag_find(d, tag);

		if (!t) {
			t = xzalloc(sizeof *t);
			t->tag = tag;
			list_init(&t->ukeys);
			hmap_insert(&d->tag_index, &t->node, tag_hash(tag));
		}
		uk->tags[i].set = t;
		uk->tags[i].ukey = uk;
		list_push_back(&t->ukeys, &uk->tags[i].node);
	}
}

/* Moves @arr's @n elements of @size bytes to *@p and advances it. */
static void *
pack_array(void *arr, size_t n, size_t size, uint8_t **p)
{
	void *dst = n ? *p : NULL;

	if (n)
		memcpy(dst, arr, n * size);
	free(arr);
	*p += n * size;
	return dst;
}

/* Gives @uk the dependencies @deps (taken; @deps is left empty), moved
 * with room for @uk's tag entries into one allocation: a ukey lives as
 * long as its megaflow, there may be hundreds of thousands, and five
 * small allocations each cost as much again in malloc's overhead. */
static void
ukey_set_deps(struct vswd *d, struct ukey *uk, struct xlate_deps *deps)
{
	struct xlate_deps *x = &uk->deps;
	size_t total;
	uint8_t *p;

	ukey_unindex(d, uk);
	vswd_ukey_deps_free(uk);
	*x = *deps;
	memset(deps, 0, sizeof *deps);
	/* Largest alignment first: every element here is 8-aligned. */
	total = x->n_mac_tags * sizeof(struct ukey_tag) +
		x->n_mac_tags * sizeof *x->mac_tags +
		x->n_rules * sizeof *x->rules +
		x->n_groups * sizeof *x->groups +
		x->n_bridges * sizeof *x->bridges +
		x->n_learned * sizeof *x->learned +
		x->n_pinstates * sizeof *x->pinstates;
	uk->block = total <= sizeof uk->inl ? uk->inl : xmalloc(total);
	p = uk->block;
	uk->tags = x->n_mac_tags ? (struct ukey_tag *)(void *)p : NULL;
	p += x->n_mac_tags * sizeof(struct ukey_tag);
	x->mac_tags =
		pack_array(x->mac_tags, x->n_mac_tags, sizeof *x->mac_tags, &p);
	x->rules = pack_array(x->rules, x->n_rules, sizeof *x->rules, &p);
	x->groups = pack_array(x->groups, x->n_groups, sizeof *x->groups, &p);
	x->bridges =
		pack_array(x->bridges, x->n_bridges, sizeof *x->bridges, &p);
	x->learned =
		pack_array(x->learned, x->n_learned, sizeof *x->learned, &p);
	x->pinstates = pack_array(x->pinstates, x->n_pinstates,
				  sizeof *x->pinstates, &p);
	x->mac_tags_cap = x->n_mac_tags;
	x->rules_cap = x->n_rules;
	x->groups_cap = x->n_groups;
	x->bridges_cap = x->n_bridges;
	x->learned_cap = x->n_learned;
	x->pinstates_cap = x->n_pinstates;
	ukey_index(d, uk);
}

void
vswd_ukey_deps_free(struct ukey *uk)
{
	for (size_t i = 0; i < uk->deps.n_rules; i++)
		rule_unref(uk->deps.rules[i]);
	for (size_t i = 0; i < uk->deps.n_groups; i++)
		ofgroup_unref(uk->deps.groups[i].group);
	for (size_t i = 0; i < uk->deps.n_pinstates; i++)
		vswd_pinstate_unref((uint32_t)uk->deps.pinstates[i]);
	if (uk->block != uk->inl)
		free(uk->block);
	uk->block = NULL;
	uk->tags = NULL;
	memset(&uk->deps, 0, sizeof uk->deps);
}

/* The ukey of @ufid in @dp_id, made if new, with @deps (taken). */
static struct ukey *
ukey_put(struct vswd *d, uint32_t dp_id, const struct mvs_ufid *ufid,
	 struct xlate_deps *deps)
{
	struct ukey *uk = ukey_find(d, dp_id, ufid);

	if (!uk) {
		uint32_t id = pool_alloc(&d->ukey_pool);

		uk = pool_at(&d->ukey_pool, id);
		uk->id = id;
		uk->ufid = *ufid;
		uk->dp_id = dp_id;
		uk->born = ++d->ukey_seq;
		hix_insert(&d->ukeys, ufid->w[0], id);
	}
	ukey_set_deps(d, uk, deps);
	return uk;
}

/* Takes @uk out of the maps (vswd_ukey_finish() frees it). */
static void
ukey_remove(struct vswd *d, struct ukey *uk)
{
	hix_remove(&d->ukeys, uk->ufid.w[0], uk->id);
	ukey_unindex(d, uk);
}

void
vswd_ukey_finish(struct vswd *d, struct ukey *uk, uint64_t n_packets,
		 uint64_t n_bytes, uint64_t used_ms)
{
	if (n_packets || n_bytes)
		xlate_deps_push_stats(&uk->deps, n_packets, n_bytes, used_ms);
	vswd_ukey_deps_free(uk);
	pool_free(&d->ukey_pool, uk->id);
}

/* ---- translation ---- */

struct xl {
	bool ok;	      /* the in_port is known */
	struct mvs_ufid ufid; /* of key & mask */
	struct mvs_key mask;
	struct nlbuf actions;	    /* owned */
	struct xlate_deps deps;	    /* owned */
	struct xlate_frozen frozen; /* owned: a paused translation's rest */
	struct xlate_pins pins;	    /* packet-ins asked for: not installed */
	/* pins.p is last: entries past pins.n are neither zeroed nor
	 * copied (1 kB a translation). */
};

static void
xl_uninit(struct xl *x)
{
	nl_buf_free(&x->actions);
	xlate_deps_uninit(&x->deps);
	ofpacts_free(&x->frozen.acts);
	ofpacts_free(&x->frozen.set);
}

/* Translates @key of datapath @dp into @x. */
static void
translate(struct vswd *d, const struct vswd_dp *dp, const struct mvs_key *key,
	  bool may_learn, uint64_t packet_len, bool exact, struct xl *x)
{
	struct port *port = vsw_port_by_dp(&d->vsw, dp->id, key->meta.in_port);
	struct xlate_out xo;

	memset(x, 0, offsetof(struct xl, pins.p));
	x->actions = NLBUF_EMPTY;
	if (!port)
		return;
	xlate_out_init(&xo);
	xo.ctrl = XLATE_CTRL_DATAPATH;
	xlate_key(port->bridge, key, may_learn, packet_len, &xo);
	x->ok = true;
	x->mask = xo.mask;
	if (exact)
		memset(&x->mask, 0xff, sizeof x->mask);
	x->actions = xo.actions;
	xo.actions = NLBUF_EMPTY;
	x->deps = xo.deps;
	x->pins.n = xo.pins.n;
	memcpy(x->pins.p, xo.pins.p, xo.pins.n * sizeof *xo.pins.p);
	x->frozen = xo.frozen;
	ofpacts_init(&xo.frozen.acts);
	ofpacts_init(&xo.frozen.set);
	memset(&xo.deps, 0, sizeof xo.deps);
	xlate_out_uninit(&xo);
	dpmsg_ufid(key, &x->mask, &x->ufid);
	coverage_inc(upcall_translated);
}

/* The MAC tags every bridge changed since the last call (malloc'd). */
static uint64_t *
take_mac_changes(struct vswd *d, size_t *n)
{
	uint64_t *all = NULL;
	struct hnode *node;

	*n = 0;
	HMAP_FOR_EACH (node, &d->vsw.bridges) {
		struct bridge *br = HMAP_CONTAINER(node, struct bridge, node);
		size_t k;
		uint64_t *tags = mac_table_take_changes(&br->macs, &k);

		if (k) {
			all = xrealloc(all, (*n + k) * sizeof *all);
			memcpy(all + *n, tags, k * sizeof *tags);
			*n += k;
		}
		free(tags);
	}
	return all;
}

static int
cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a;
	uintptr_t y = (uintptr_t) * (void *const *)b;

	return x < y ? -1 : x > y;
}

/* Deletes from the datapaths the megaflows whose translation looked up
 * one of @tags (the ukeys in the tag index). */
static void
invalidate(struct vswd *d, const uint64_t *tags, size_t n)
{
	struct ukey **victims = NULL;
	size_t n_victims = 0, cap = 0, k = 0;
	struct vswd_dp *dp;

	for (size_t i = 0; i < n; i++) {
		struct tag_ukeys *set = tag_find(d, tags[i]);
		struct ukey_tag *t;

		if (!set)
			continue;
		LIST_FOR_EACH (t, node, &set->ukeys) {
			if (n_victims == cap) {
				cap = cap ? 2 * cap : 16;
				victims = xrealloc(victims,
						   cap * sizeof *victims);
			}
			victims[n_victims++] = t->ukey;
		}
	}
	if (!n_victims)
		return;
	/* A ukey that looked up several changed MACs is listed once. */
	qsort(victims, n_victims, sizeof *victims, cmp_ptr);
	for (size_t i = 0; i < n_victims; i++)
		if (!k || victims[i] != victims[k - 1])
			victims[k++] = victims[i];
	n_victims = k;
	for (size_t i = 0; i < n_victims; i++)
		ukey_remove(d, victims[i]);
	coverage_add(mac_invalidated, n_victims);
	LIST_FOR_EACH (dp, node, &d->dps) {
		struct ukey **mine = xmalloc(n_victims * sizeof *mine);

		k = 0;
		for (size_t i = 0; i < n_victims; i++)
			if (victims[i]->dp_id == dp->id)
				mine[k++] = victims[i];
		if (k)
			vswd_dp_flow_del(dp, mine, k);
		free(mine);
	}
	/* Victims of no datapath (it went away) just go. */
	for (size_t i = 0; i < n_victims; i++)
		if (!vswd_dp_by_id(d, victims[i]->dp_id))
			vswd_ukey_finish(d, victims[i], 0, 0, 0);
	free(victims);
}

static uint64_t
fingerprint(const struct vsw *vsw)
{
	uint64_t fp = 0;
	struct hnode *n;

	HMAP_FOR_EACH (n, &vsw->bridges) {
		const struct bridge *br =
			HMAP_CONTAINER(n, struct bridge, node);
		uint64_t v[3] = { br->id, br->tables.version,
				  br->config_version };

		fp += hash_bytes(v, sizeof v, 0) * 0x9e3779b97f4a7c15ull +
		      br->tables.version + (br->config_version << 32);
	}
	return fp;
}

static void
publish_version(struct vswd *d)
{
	struct bus_msg_tables_changed m = { .boot = d->boot,
					    .version = d->version };

	coverage_inc(tables_published);
	bus_publish_tables_changed(d->bus, &m);
}

void
vswd_tables_check(struct vswd *d)
{
	uint64_t fp = fingerprint(&d->vsw);
	size_t n;
	uint64_t *tags = take_mac_changes(d, &n);

	if (n)
		invalidate(d, tags, n);
	free(tags);
	if (fp != d->fingerprint) {
		d->fingerprint = fp;
		d->version++;
		if (d->ready)
			publish_version(d);
	} else if (d->ready && !d->published) {
		publish_version(d);
	}
	if (d->ready)
		d->published = true;
}

/* ---- upcall_batch ---- */

static bool
check_ready(struct vswd *d, struct bus_req *req, uint64_t boot)
{
	if (!d->ready) {
		coverage_inc(upcall_not_ready);
		bus_reply_error(req, -EAGAIN, "vswitchd is starting");
		return false;
	}
	if (!vswd_upcalld_boot(d, boot)) {
		bus_reply_error(req, -ESTALE, "upcalld restarted");
		return false;
	}
	return true;
}

struct vswd_miss {
	struct mvs_key key;
	struct xl x;
};

/* An action upcall: a "controller" userspace action's packet becomes a
 * packet-in with its record's metadata (vswitchd_pinstate.c); a trace's
 * (dont_send) and any other userdata are dropped. */
static void
action_upcall(struct vswd *d, const struct dpmsg_packet *p)
{
	struct odp_cookie_controller c;
	const struct xlate_pin *pin;

	if (p->userdata_len != sizeof c || !p->userdata ||
	    p->userdata[0] != ODP_COOKIE_CONTROLLER) {
		coverage_inc(upcall_action_unknown);
		return;
	}
	memcpy(&c, p->userdata, sizeof c);
	if (c.dont_send)
		return;
	pin = vswd_pinstate_find(c.state_id);
	if (!pin) {
		/* Its flow outlived the record: revalidation replaces it. */
		coverage_inc(upcall_action_stale);
		return;
	}
	coverage_inc(upcall_packet_in);
	vswd_of_packet_in(d, pin, NULL, NULL, p->data, p->len,
			  p->orig_len ? p->orig_len : p->len);
}

void
vswd_on_upcall_batch(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_upcall_batch *m = msg;
	struct vswd *d = aux;
	bool exact = bus_msg_upcall_batch_has_exact(m) && m->exact;
	struct bus_msg_upcall_reply r;
	struct nlbuf *out = &d->upcall_out;
	struct vswd_dp *dp;
	struct dpmsg_buf b;
	const struct nlattr *a;
	struct vswd_miss *ms = d->misses;
	size_t n = 0, cap = d->misses_cap, left, n_tags;
	uint64_t *tags;

	if (!check_ready(d, req, m->boot))
		return;
	dp = vswd_dp_by_name(d, m->dp);
	if (dp && dp->state != VDP_OPEN) {
		/* A restarted upcalld's ports are not known yet: a port
		 * number could name another port. */
		coverage_inc(upcall_not_ready);
		bus_reply_error(req, -EAGAIN, "%s: not set up yet", dp->name);
		return;
	}
	if (!dp || dpmsg_open(&b, m->upcalls.data, m->upcalls.len)) {
		log_warn_rl(&rl, "refused an upcall batch of %s", m->dp);
		bus_reply_error(req, dp ? -EINVAL : -ENOENT, "bad batch");
		return;
	}
	DPMSG_FOR_EACH(a, left, &b)
	{
		struct dpmsg_packet p;

		if (nl_attr_type(a) != MVS_PACKET_ATTR_UPCALL ||
		    dpmsg_parse_packet(nl_attr_data(a), nl_attr_len(a), &p)) {
			log_warn_rl(&rl, "%s: malformed upcall", dp->name);
			memset(&p, 0, sizeof p);
			p.key.meta.in_port = MVS_PORT_NONE;
		}
		ARRAY_GROW(ms, n, cap);
		d->misses = ms;
		d->misses_cap = cap;
		ms[n].key = p.key;
		if (p.type == MVS_UPCALL_ACTION) {
			/* A packet for the controllers from an installed
			 * flow: the answer installs and runs nothing. */
			memset(&ms[n].x, 0, offsetof(struct xl, pins.p));
			ms[n].x.actions = NLBUF_EMPTY;
			action_upcall(d, &p);
			n++;
			continue;
		}
		translate(d, dp, &p.key, true, p.orig_len ? p.orig_len : p.len,
			  exact, &ms[n].x);
		for (unsigned i = 0; i < ms[n].x.pins.n; i++)
			vswd_of_packet_in(d, &ms[n].x.pins.p[i],
					  &ms[n].x.frozen, &ms[n].x.actions,
					  p.data, p.len,
					  p.orig_len ? p.orig_len : p.len);
		n++;
	}
	dpmsg_buf_free(&b);

	/* What this batch learned: its own misses that looked those MACs
	 * up are translated again; older megaflows go. */
	tags = take_mac_changes(d, &n_tags);
	for (size_t i = 0; n_tags && i < n; i++) {
		if (!ms[i].x.ok ||
		    !xlate_deps_uses_mac(&ms[i].x.deps, tags, n_tags))
			continue;
		xl_uninit(&ms[i].x);
		translate(d, dp, &ms[i].key, false, 0, exact, &ms[i].x);
		coverage_inc(upcall_retranslated);
	}
	if (n_tags)
		invalidate(d, tags, n_tags);
	free(tags);

	/* Each ukey_put looks a ufid up, most often in vain: the index's
	 * slots of the whole batch are fetched at once. */
	for (size_t i = 0; i < n; i++)
		hix_prefetch(&d->ukeys, ms[i].x.ufid.w[0]);
	for (size_t i = 0; i < n; i++) {
		struct dpmsg_flow f = { .present = DPMSG_F_UFID };
		struct xl *x = &ms[i].x;

		if (x->ok) {
			f.present |=
				DPMSG_F_MASK | DPMSG_F_ACTIONS | DPMSG_F_FLAGS;
			f.ufid = x->ufid;
			f.mask = x->mask;
			f.actions = (const void *)x->actions.data;
			f.actions_len = x->actions.len;
			/* A packet for the controller: executed, not
			 * installed, so the next one comes up too. */
			f.flags = x->pins.n ? 0 : MVS_FLOW_F_CREATE;
			if (!x->pins.n)
				ukey_put(d, dp->id, &x->ufid, &x->deps);
		}
		dpmsg_put_flow(out, &f);
		xl_uninit(x);
	}
	r.flows.data = out->data;
	r.flows.len = out->len;
	bus_reply_upcall_reply(req, &r);
	out->len = 0;
	/* Learn actions may have changed the tables. */
	vswd_tables_check(d);
}

/* ---- revalidate ---- */

/* True if every bit @want sets is set in @have (a flow installed with
 * @have matches no more packets than the translation allows). */
static bool
mask_covers(const struct mvs_key *have, const struct mvs_key *want)
{
	const uint64_t *h = (const void *)have, *w = (const void *)want;

	for (size_t i = 0; i < MVS_KEY_WORDS; i++)
		if (w[i] & ~h[i])
			return false;
	return true;
}

enum verdict { V_KEEP, V_MODIFY, V_DELETE };

struct reval_item {
	struct dpmsg_flow f;
	enum verdict v;
	struct nlbuf actions; /* V_MODIFY: the new actions */
	bool xlated;	      /* translated in this batch */
};

/* Translates @it's flow again and decides its fate. */
static void
revalidate_one(struct vswd *d, struct vswd_dp *dp, struct reval_item *it,
	       bool may_learn)
{
	struct xl x;

	translate(d, dp, &it->f.key, may_learn, 0, false, &x);
	it->xlated = true;
	nl_buf_free(&it->actions);
	if (!x.ok || x.pins.n || !mask_covers(&it->f.mask, &x.mask)) {
		it->v = V_DELETE;
	} else if (x.actions.len == it->f.actions_len &&
		   !memcmp(x.actions.data, it->f.actions, x.actions.len)) {
		it->v = V_KEEP;
	} else {
		it->v = V_MODIFY;
		it->actions = x.actions;
		x.actions = NLBUF_EMPTY;
	}
	if (it->v == V_DELETE) {
		struct ukey *uk = ukey_find(d, dp->id, &it->f.ufid);

		if (uk) {
			ukey_remove(d, uk);
			vswd_ukey_finish(d, uk, 0, 0, 0);
		}
	} else {
		ukey_put(d, dp->id, &it->f.ufid, &x.deps);
	}
	xl_uninit(&x);
}

/* The full pass @pass of @dp ended: ukeys it did not list, made before
 * it began, have no flow.  (Found first, removed after: a removal moves
 * entries of the index.) */
static void
pass_end(struct vswd *d, struct vswd_dp *dp, uint64_t pass)
{
	struct ukey **gone = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i <= d->ukeys.mask; i++) {
		struct ukey *uk;

		if (HIX_AT(&d->ukeys, i) == HIX_NONE)
			continue;
		uk = pool_at(&d->ukey_pool, HIX_AT(&d->ukeys, i));
		if (uk->dp_id == dp->id && uk->pass != pass &&
		    uk->born <= dp->pass_start) {
			ARRAY_GROW(gone, n, cap);
			gone[n++] = uk;
		}
	}
	for (size_t i = 0; i < n; i++) {
		ukey_remove(d, gone[i]);
		vswd_ukey_finish(d, gone[i], 0, 0, 0);
	}
	free(gone);
}

/* A flow upcalld deleted, as gone() keeps it until its ukey is looked
 * up. */
struct gone_flow {
	struct mvs_ufid ufid;
	struct mvs_flow_stats stats; /* zero if not given */
};

/* Forgets the ukeys of @fs[0..n), whose index slots were prefetched. */
static void
forget(struct vswd *d, struct vswd_dp *dp, const struct gone_flow *fs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ukey *uk = ukey_find(d, dp->id, &fs[i].ufid);

		if (!uk)
			continue;
		ukey_remove(d, uk);
		vswd_ukey_finish(d, uk, fs[i].stats.n_packets,
				 fs[i].stats.n_bytes, fs[i].stats.used_ms);
	}
}

/* Forgets the ukeys of the flows upcalld deleted, listed in @bin, in
 * parts: each part's index slots are fetched before it is looked up (a
 * purge lists hundreds of thousands, each lookup a cache miss). */
static void
gone(struct vswd *d, struct vswd_dp *dp, const struct bus_bin *bin)
{
	struct gone_flow part[32];
	struct dpmsg_buf b;
	const struct nlattr *a;
	size_t left, n = 0;

	if (dpmsg_open(&b, bin->data, bin->len))
		return;
	DPMSG_FOR_EACH(a, left, &b)
	{
		struct dpmsg_flow f;

		if (dpmsg_parse_flow(a, &f))
			continue;
		part[n].ufid = f.ufid;
		if (f.present & DPMSG_F_STATS)
			part[n].stats = f.stats;
		else
			memset(&part[n].stats, 0, sizeof part[n].stats);
		hix_prefetch(&d->ukeys, f.ufid.w[0]);
		if (++n == ARRAY_SIZE(part)) {
			forget(d, dp, part, n);
			n = 0;
		}
	}
	forget(d, dp, part, n);
	dpmsg_buf_free(&b);
}

void
vswd_on_revalidate(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_revalidate *m = msg;
	struct vswd *d = aux;
	uint64_t pass = bus_msg_revalidate_has_pass(m) ? m->pass : 0;
	struct bus_msg_revalidate_reply r = { .boot = d->boot };
	struct nlbuf mod = NLBUF_EMPTY, del = NLBUF_EMPTY;
	struct reval_item *items = NULL;
	size_t n = 0, cap = 0, left, n_tags;
	bool full = false;
	struct vswd_dp *dp;
	struct dpmsg_buf b;
	const struct nlattr *a;
	uint64_t *tags;

	if (!check_ready(d, req, m->boot))
		return;
	dp = vswd_dp_by_name(d, m->dp);
	if (!dp) {
		bus_reply_error(req, -ENOENT, "%s: unknown datapath", m->dp);
		return;
	}
	if (pass && pass != dp->pass) {
		dp->pass = pass;
		dp->pass_start = d->ukey_seq;
	}
	if (bus_msg_revalidate_has_gone(m))
		gone(d, dp, &m->gone);
	if (bus_msg_revalidate_has_flows(m) &&
	    !dpmsg_open(&b, m->flows.data, m->flows.len)) {
		DPMSG_FOR_EACH(a, left, &b)
		{
			struct reval_item it = { .v = V_KEEP };
			const unsigned whole =
				DPMSG_F_KEY | DPMSG_F_MASK | DPMSG_F_ACTIONS;
			struct ukey *uk;

			if (dpmsg_parse_flow(a, &it.f))
				continue;
			it.actions = NLBUF_EMPTY;
			uk = ukey_find(d, dp->id, &it.f.ufid);
			if (uk && (it.f.present & DPMSG_F_STATS))
				xlate_deps_push_stats(
					&uk->deps, it.f.stats.n_packets,
					it.f.stats.n_bytes, it.f.stats.used_ms);
			if ((it.f.present & whole) != whole) {
				if (!uk)
					full = true; /* a flow it never saw */
				else if (pass)
					uk->pass = pass;
				continue;
			}
			/* A previous vswitchd's megaflow, while the
			 * controllers put the tables back: left as it is
			 * (established traffic goes on). */
			if (!uk && vswd_of_restoring(d)) {
				coverage_inc(reval_kept_restoring);
				continue;
			}
			if (!uk || xlate_deps_stale(&uk->deps)) {
				revalidate_one(d, dp, &it,
					       !uk && it.f.stats.n_packets);
				coverage_inc(reval_retranslated);
				uk = ukey_find(d, dp->id, &it.f.ufid);
			}
			if (uk && pass)
				uk->pass = pass;
			ARRAY_GROW(items, n, cap);
			items[n++] = it;
		}
		/* The items point into @b: it is freed after them. */
	} else {
		b.head = NULL;
	}

	/* Learning done by these translations: the items that looked the
	 * changed MACs up are translated again, other megaflows go. */
	tags = take_mac_changes(d, &n_tags);
	for (size_t i = 0; n_tags && i < n; i++) {
		struct ukey *uk = ukey_find(d, dp->id, &items[i].f.ufid);

		if (items[i].v != V_DELETE && uk &&
		    xlate_deps_uses_mac(&uk->deps, tags, n_tags))
			revalidate_one(d, dp, &items[i], false);
	}
	if (n_tags) {
		/* Keep this batch's ukeys out of the invalidation: they were
		 * just checked against the new MAC table. */
		for (size_t i = 0; i < n; i++) {
			struct ukey *uk =
				ukey_find(d, dp->id, &items[i].f.ufid);
			if (uk)
				ukey_unindex(d, uk);
		}
		invalidate(d, tags, n_tags);
		for (size_t i = 0; i < n; i++) {
			struct ukey *uk =
				ukey_find(d, dp->id, &items[i].f.ufid);
			if (uk)
				ukey_index(d, uk);
		}
	}
	free(tags);

	for (size_t i = 0; i < n; i++) {
		struct reval_item *it = &items[i];

		if (it->v == V_MODIFY) {
			struct dpmsg_flow f = it->f;

			f.present = DPMSG_F_UFID | DPMSG_F_KEY | DPMSG_F_MASK |
				    DPMSG_F_ACTIONS;
			f.actions = (const void *)it->actions.data;
			f.actions_len = it->actions.len;
			dpmsg_put_flow(&mod, &f);
			coverage_inc(reval_modified);
		} else if (it->v == V_DELETE) {
			struct dpmsg_flow f = { .present = DPMSG_F_UFID,
						.ufid = it->f.ufid };
			dpmsg_put_flow(&del, &f);
			coverage_inc(reval_deleted);
		}
		nl_buf_free(&it->actions);
	}
	free(items);
	dpmsg_buf_free(&b);
	if (pass && bus_msg_revalidate_has_last(m) && m->last)
		pass_end(d, dp, pass);

	r.version = d->version;
	if (mod.len)
		bus_msg_revalidate_reply_set_modify(&r, mod.data, mod.len);
	if (del.len)
		bus_msg_revalidate_reply_set_delete(&r, del.data, del.len);
	if (full)
		bus_msg_revalidate_reply_set_full(&r, true);
	bus_reply_revalidate_reply(req, &r);
	nl_buf_free(&mod);
	nl_buf_free(&del);
}

void
vswd_upcall_init(struct vswd *d)
{
	hix_init(&d->ukeys);
	pool_init(&d->ukey_pool, sizeof(struct ukey), 0);
	hmap_init(&d->tag_index);
}
