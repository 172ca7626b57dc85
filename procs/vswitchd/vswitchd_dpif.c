/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_dpif: upcalld's datapaths, seen from vswitchd: the client side
 * of the dp_* calls of bus/catalogue.txt.  vswitchd says hello to upcalld
 * (learning its boot id, datapath types and interface types), opens one
 * datapath per datapath type, learns the ports it already has (a
 * restarted vswitchd adopts them), adds and deletes ports, sends
 * max-idle and flow-limit, refreshes link state and statistics, and
 * deletes flows by ufid.
 *
 * Every answer carries upcalld's boot id: a new one means upcalld
 * restarted, with the datapaths it kept (the descriptor store: the same
 * ports under the same numbers, the same flows) or empty.  Its datapaths
 * are opened and their ports dumped again at once, which tells: ports
 * found again are adopted (nothing changes in the pipeline), missing
 * ones added again.  Megaflow records (ukeys) stay until the new
 * upcalld's first full revalidation pass says which flows it has.
 * Calls that find no upcalld are retried on a timer; nothing blocks.
 */
#include "vswitchd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "ev.h"
#include "log.h"
#include "ofp_meter.h"

LOG_MODULE(dpif);

#define CALL_TIMEOUT_MS 10000
#define RETRY_MS 250

static struct log_rl rl = LOG_RL_INIT(2, 10);

static void meters_reset(struct vswd *d, const struct vswd_dp *dp);

/* One call in flight. */
struct dpif_call {
	struct vswd *d;
	uint64_t epoch; /* vswd.epoch when sent: older answers are stale */
	uint32_t dp_id;
	char *iface;	  /* dp_port_add */
	uint32_t port_no; /* dp_port_del */
	bool counted;	  /* in vswd.pending */
	struct ukey **ukeys;
	size_t n_ukeys;
};

static struct dpif_call *
call_new(struct vswd *d, struct vswd_dp *dp, bool counted)
{
	struct dpif_call *c = xzalloc(sizeof *c);

	c->d = d;
	c->epoch = d->epoch;
	c->dp_id = dp ? dp->id : 0;
	c->counted = counted;
	if (counted)
		d->pending++;
	return c;
}

/* Ends @c; returns its datapath if the answer is still current (same
 * upcalld, datapath still there), else NULL. */
static struct vswd_dp *
call_end(struct dpif_call *c)
{
	struct vswd *d = c->d;

	if (c->counted)
		d->pending--;
	return c->epoch == d->epoch ? vswd_dp_by_id(d, c->dp_id) : NULL;
}

static void
call_free(struct dpif_call *c)
{
	free(c->iface);
	free(c->ukeys);
	free(c);
}

/* Ends and frees call @arg; sets *@dp to its datapath if the answer is
 * still current (else NULL) and returns the daemon. */
static struct vswd *
call_done(void *arg, struct vswd_dp **dp)
{
	struct dpif_call *c = arg;
	struct vswd *d = c->d;

	*dp = call_end(c);
	call_free(c);
	return d;
}

static void
on_retry(struct ev_timer *t, void *arg)
{
	struct vswd *d = arg;

	ev_timer_del(t);
	d->retry_timer = NULL;
	if (!d->upcalld_boot)
		vswd_hello(d);
	else
		vswd_reconcile(d);
}

/* Runs on_retry in @ms (0: at the loop's next turn), unless it runs
 * sooner already. */
static void
retry_in(struct vswd *d, uint64_t ms)
{
	if (d->retry_timer && ms)
		return;
	if (d->retry_timer)
		ev_timer_del(d->retry_timer);
	d->retry_timer = ev_timer_add(d->loop, ms, false, on_retry, d);
}

static void
retry_later(struct vswd *d)
{
	retry_in(d, RETRY_MS);
}

/* ---- datapaths ---- */

/* The datapath matching @id, @name and @type (0 or NULL: any), or NULL. */
static struct vswd_dp *
dp_find(struct vswd *d, uint32_t id, const char *name, const char *type)
{
	struct vswd_dp *dp;

	LIST_FOR_EACH (dp, node, &d->dps)
		if ((!id || dp->id == id) &&
		    (!name || !strcmp(dp->name, name)) &&
		    (!type || !strcmp(dp->type, type)))
			return dp;
	return NULL;
}

struct vswd_dp *
vswd_dp_by_id(struct vswd *d, uint32_t id)
{
	return id ? dp_find(d, id, NULL, NULL) : NULL;
}

struct vswd_dp *
vswd_dp_by_name(struct vswd *d, const char *name)
{
	return dp_find(d, 0, name, NULL);
}

struct vswd_dp *
vswd_dp_get(struct vswd *d, const char *type)
{
	struct vswd_dp *dp = dp_find(d, 0, NULL, type);

	if (dp)
		return dp;
	dp = xzalloc(sizeof *dp);
	dp->d = d;
	dp->type = xstrdup(type);
	dp->name = xasprintf("%s@ovs-%s", type, type);
	dp->id = d->next_dp_id++;
	dp->state = VDP_CLOSED;
	hmap_init(&dp->ports);
	list_push_back(&d->dps, &dp->node);
	return dp;
}

static uint32_t
hash_name(const char *s)
{
	return hash_bytes(s, strlen(s), 0);
}

struct vswd_dp_port *
vswd_dp_port_find(struct vswd_dp *dp, const char *name)
{
	struct hnode *n;

	for (n = hmap_first_with_hash(&dp->ports, hash_name(name)); n;
	     n = hmap_next_with_hash(n)) {
		struct vswd_dp_port *pp =
			HMAP_CONTAINER(n, struct vswd_dp_port, node);
		if (!strcmp(pp->info.name, name))
			return pp;
	}
	return NULL;
}

static struct vswd_dp_port *
dp_port_set(struct vswd_dp *dp, const struct dp_port_info *info)
{
	struct vswd_dp_port *pp = vswd_dp_port_find(dp, info->name);

	if (!pp) {
		pp = xzalloc(sizeof *pp);
		pp->claimed = true; /* until the next sweep says otherwise */
		hmap_insert(&dp->ports, &pp->node, hash_name(info->name));
	}
	pp->info = *info;
	return pp;
}

static void
dp_ports_clear(struct vswd_dp *dp)
{
	struct hnode *n, *next;

	HMAP_FOR_EACH_SAFE (n, next, &dp->ports) {
		hmap_remove(&dp->ports, n);
		free(HMAP_CONTAINER(n, struct vswd_dp_port, node));
	}
}

/* Calls @fn for every port record of a dp_reply. */
static void
for_each_port(const struct bus_msg_dp_reply *r,
	      void (*fn)(void *, const struct dp_port_info *), void *aux)
{
	struct dpmsg_buf b;
	const struct nlattr *a;
	size_t left;

	if (!bus_msg_dp_reply_has_ports(r) ||
	    dpmsg_open(&b, r->ports.data, r->ports.len)) {
		return;
	}
	DPMSG_FOR_EACH(a, left, &b)
	{
		struct dp_port_info info;

		if (!dpmsg_parse_port(a, &info))
			fn(aux, &info);
		else
			log_warn_rl(&rl, "upcalld sent a malformed port");
	}
	dpmsg_buf_free(&b);
}

/* upcalld restarted: its datapaths are opened again and their ports
 * dumped (it may have kept them).  The pipeline keeps its ports, and the
 * ukeys stay until the new upcalld's first full pass (dp->pass starts
 * again with it) says which flows it has: flushing them would credit
 * the statistics of kept flows twice and translate them all again. */
static void
upcalld_reset(struct vswd *d)
{
	struct vswd_dp *dp;
	struct hnode *n;

	log_info("upcalld restarted: opening its datapaths again");
	d->epoch++;
	LIST_FOR_EACH (dp, node, &d->dps) {
		dp->state = VDP_CLOSED;
		dp->config_sent = false;
		dp->pass = 0;
		dp_ports_clear(dp);
	}
	HMAP_FOR_EACH (n, &d->ifaces) {
		struct vswd_iface *vif =
			HMAP_CONTAINER(n, struct vswd_iface, node);
		if (vif->state == VIF_UP || vif->state == VIF_ADDING)
			vif->state = VIF_NEW;
	}
}

bool
vswd_upcalld_boot(struct vswd *d, uint64_t boot)
{
	if (boot == d->upcalld_boot)
		return true;
	if (d->upcalld_boot)
		upcalld_reset(d);
	d->upcalld_boot = boot;
	retry_in(d, 0);
	return false;
}

/* ---- hello ---- */

void
vswd_on_upcalld_hello(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_upcalld_hello *m = msg;
	struct vswd *d = aux;
	struct bus_msg_upcalld_hello_reply r = { .boot = d->boot,
						 .version = d->version };

	if (d->upcalld_boot && m->boot != d->upcalld_boot)
		vswd_upcalld_boot(d, m->boot);
	else if (!d->upcalld_boot)
		vswd_hello(d);
	bus_reply_upcalld_hello_reply(req, &r);
}

static void
take_strv(char ***v, size_t *n, const struct bus_strv *s)
{
	for (size_t i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = xcalloc(s->n + 1, sizeof **v);
	for (size_t i = 0; i < s->n; i++)
		(*v)[i] = xstrdup(s->v[i]);
	*n = s->n;
}

static void
on_hello(int err, const struct bus_msg_dp_hello_reply *r, const char *why,
	 void *arg)
{
	struct vswd *d = arg;

	d->hello_inflight = false;
	if (err) {
		log_info_rl(&rl, "upcalld does not answer yet (%s)",
			    why ? why : strerror(-err));
		retry_later(d);
		return;
	}
	take_strv(&d->dp_types, &d->n_dp_types, &r->dp_types);
	take_strv(&d->iface_types, &d->n_iface_types, &r->iface_types);
	if (d->upcalld_boot != r->boot)
		log_info("upcalld %016llx answers",
			 (unsigned long long)r->boot);
	vswd_upcalld_boot(d, r->boot);
	vswd_reconcile(d);
}

void
vswd_hello(struct vswd *d)
{
	struct bus_msg_dp_hello m = { .boot = d->boot };

	if (d->hello_inflight)
		return;
	if (bus_call_dp_hello(d->bus, &roles[ROLE_UPCALLD], &m, CALL_TIMEOUT_MS,
			      on_hello, d)) {
		retry_later(d);
		return;
	}
	d->hello_inflight = true;
}

/* ---- opening ---- */

static void
dump_one(void *aux, const struct dp_port_info *info)
{
	dp_port_set(aux, info);
}

static void
on_dump(int err, const struct bus_msg_dp_reply *r, const char *why, void *arg)
{
	struct vswd_dp *dp;
	struct vswd *d = call_done(arg, &dp);

	if (!dp)
		return;
	if (err || !vswd_upcalld_boot(d, r->boot)) {
		if (err)
			log_warn_rl(&rl, "%s: port dump: %s", dp->name,
				    why ? why : strerror(-err));
		dp->state = VDP_CLOSED;
		retry_later(d);
		return;
	}
	dp_ports_clear(dp);
	for_each_port(r, dump_one, dp);
	dp->state = VDP_OPEN;
	log_info("%s: open, %zu ports", dp->name, dp->ports.n);
	meters_reset(d, dp);
	vswd_reconcile(d);
}

static void
on_open(int err, const struct bus_msg_dp_reply *r, const char *why, void *arg)
{
	struct vswd_dp *dp;
	struct vswd *d = call_done(arg, &dp);

	if (!dp)
		return;
	if (err == -EAFNOSUPPORT || err == -EINVAL) {
		log_warn("%s: %s", dp->name, why ? why : strerror(-err));
		dp->state = VDP_FAILED;
		dp->error = err;
		vswd_reconcile(d);
		return;
	}
	if (err || !vswd_upcalld_boot(d, r->boot)) {
		if (err)
			log_warn_rl(&rl, "%s: %s", dp->name,
				    why ? why : strerror(-err));
		dp->state = VDP_CLOSED;
		retry_later(d);
		return;
	}
	struct bus_msg_dp_port_dump m = { .dp = dp->name };
	struct dpif_call *c = call_new(d, dp, false);
	if (bus_call_dp_port_dump(d->bus, &roles[ROLE_UPCALLD], &m,
				  CALL_TIMEOUT_MS, on_dump, c)) {
		call_free(c);
		dp->state = VDP_CLOSED;
		retry_later(d);
	}
}

void
vswd_dp_start(struct vswd_dp *dp)
{
	struct vswd *d = dp->d;
	char *name = xasprintf("ovs-%s", dp->type);
	struct bus_msg_dp_open m = { .type = dp->type, .name = name };
	struct dpif_call *c;

	if (dp->state != VDP_CLOSED || !d->upcalld_boot) {
		free(name);
		return;
	}
	c = call_new(d, dp, false);
	dp->state = VDP_OPENING;
	if (bus_call_dp_open(d->bus, &roles[ROLE_UPCALLD], &m, CALL_TIMEOUT_MS,
			     on_open, c)) {
		call_free(c);
		dp->state = VDP_CLOSED;
		retry_later(d);
	}
	free(name);
}

/* ---- ports ---- */

static void
port_up(struct vswd_iface *vif, const struct dp_port_info *info)
{
	vif->state = VIF_UP;
	vif->dp_port = info->port_no;
	vif->info = *info;
	free(vif->error);
	vif->error = NULL;
}

static void
on_port_del(int err, const struct bus_msg_dp_reply *r, const char *why,
	    void *arg)
{
	struct dpif_call *c = arg;
	struct vswd *d = c->d;
	struct vswd_dp *dp = call_end(c);
	uint32_t port_no = c->port_no;

	call_free(c);
	if (dp && (!err || err == -ENOENT)) {
		struct hnode *n, *next;

		HMAP_FOR_EACH_SAFE (n, next, &dp->ports) {
			struct vswd_dp_port *pp =
				HMAP_CONTAINER(n, struct vswd_dp_port, node);
			if (pp->info.port_no == port_no) {
				hmap_remove(&dp->ports, n);
				free(pp);
			}
		}
	} else if (dp) {
		struct hnode *n;

		log_warn_rl(&rl, "%s: deleting port %u: %s", dp->name, port_no,
			    why ? why : strerror(-err));
		HMAP_FOR_EACH (n, &dp->ports)
			HMAP_CONTAINER(n, struct vswd_dp_port, node)->deleting =
				false;
	}
	vswd_status_write(d);
}

void
vswd_dp_port_del(struct vswd_dp *dp, uint32_t port_no)
{
	struct vswd *d = dp->d;
	struct bus_msg_dp_port_del m = { .dp = dp->name, .port_no = port_no };
	struct dpif_call *c;
	struct hnode *n;

	if (dp->state != VDP_OPEN)
		return;
	HMAP_FOR_EACH (n, &dp->ports) {
		struct vswd_dp_port *pp =
			HMAP_CONTAINER(n, struct vswd_dp_port, node);
		if (pp->info.port_no == port_no)
			pp->deleting = true;
	}
	c = call_new(d, dp, true);
	c->port_no = port_no;
	if (bus_call_dp_port_del(d->bus, &roles[ROLE_UPCALLD], &m,
				 CALL_TIMEOUT_MS, on_port_del, c)) {
		call_end(c);
		call_free(c);
	}
}

struct add_ctx {
	struct dp_port_info info;
	bool got;
};

static void
add_one(void *aux, const struct dp_port_info *info)
{
	struct add_ctx *a = aux;

	a->info = *info;
	a->got = true;
}

static void
on_port_add(int err, const struct bus_msg_dp_reply *r, const char *why,
	    void *arg)
{
	struct dpif_call *c = arg;
	struct vswd *d = c->d;
	struct vswd_dp *dp = call_end(c);
	struct vswd_iface *vif = vswd_iface_find(d, c->iface);
	struct add_ctx a = { .got = false };

	if (!dp) {
		call_free(c);
		return;
	}
	if (!err && !vswd_upcalld_boot(d, r->boot)) {
		call_free(c);
		return;
	}
	if (!err) {
		for_each_port(r, add_one, &a);
		if (!a.got)
			err = -EBADMSG;
	}
	if (!vif || vif->state != VIF_ADDING || vif->dp != dp) {
		/* Removed or moved meanwhile: the port is nobody's. */
		if (!err) {
			dp_port_set(dp, &a.info);
			vswd_dp_port_del(dp, a.info.port_no);
		}
	} else if (err) {
		free(vif->error);
		vif->error = xasprintf("could not open network device %s (%s)",
				       vif->name, strerror(-err));
		log_warn("%s", vif->error);
		vif->state = VIF_ERROR;
		vif->err_cfg = d->next_cfg;
	} else {
		dp_port_set(dp, &a.info);
		port_up(vif, &a.info);
		log_info("%s: port %s is %u", dp->name, vif->name,
			 vif->dp_port);
	}
	call_free(c);
	vswd_reconcile(d);
}

void
vswd_dp_port_add(struct vswd *d, struct vswd_iface *vif,
		 enum mvs_vport_type type)
{
	struct vswd_dp *dp = vif->dp;
	struct vswd_dp_port *pp = vswd_dp_port_find(dp, vif->name);
	struct bus_msg_dp_port_add m = { .dp = dp->name,
					 .name = vif->name,
					 .vport_type = type };
	struct dpif_call *c;

	if (pp && pp->info.type == type) {
		/* Already there (kept across a vswitchd restart). */
		pp->claimed = true;
		port_up(vif, &pp->info);
		return;
	}
	if (pp) {
		/* Of another type: it goes, the new one comes. */
		vswd_dp_port_del(dp, pp->info.port_no);
		hmap_remove(&dp->ports, &pp->node);
		free(pp);
	}
	c = call_new(d, dp, true);
	c->iface = xstrdup(vif->name);
	vif->state = VIF_ADDING;
	if (bus_call_dp_port_add(d->bus, &roles[ROLE_UPCALLD], &m,
				 CALL_TIMEOUT_MS, on_port_add, c)) {
		call_end(c);
		call_free(c);
		vif->state = VIF_NEW;
		retry_later(d);
	}
}

/* ---- configuration, statistics ---- */

static void
on_config(int err, const struct bus_msg_dp_reply *r, const char *why, void *arg)
{
	struct vswd_dp *dp;

	call_done(arg, &dp);
	if (dp && err) {
		log_warn_rl(&rl, "%s: configuration refused: %s", dp->name,
			    why ? why : strerror(-err));
		dp->config_sent = false;
	}
}

void
vswd_dp_config(struct vswd_dp *dp)
{
	struct vswd *d = dp->d;
	struct bus_msg_dp_config m = { .dp = dp->name,
				       .max_idle_ms = d->max_idle_ms,
				       .flow_limit = d->flow_limit };
	struct dpif_call *c;

	if (dp->config_sent && dp->max_idle_ms == d->max_idle_ms &&
	    dp->flow_limit == d->flow_limit)
		return;
	c = call_new(d, dp, false);
	if (bus_call_dp_config(d->bus, &roles[ROLE_UPCALLD], &m,
			       CALL_TIMEOUT_MS, on_config, c)) {
		call_free(c);
		return;
	}
	dp->config_sent = true;
	dp->max_idle_ms = d->max_idle_ms;
	dp->flow_limit = d->flow_limit;
}

struct refresh_ctx {
	struct vswd *d;
	struct vswd_dp *dp;
	bool liveness_changed;
};

/* A port that went down or came up changes what fast failover groups
 * choose: its bridge's megaflows are revalidated, if a translation
 * looked at a port's liveness since the last change (otherwise none
 * depends on it: a port's first state, seen a few seconds after it was
 * added, made every megaflow be translated again). */
static void
update_liveness(struct refresh_ctx *x, const struct dp_port_info *info)
{
	struct port *p = vsw_port_by_dp(&x->d->vsw, x->dp->id, info->port_no);
	bool down = !info->admin_up || !info->carrier;

	if (!p || p->link_down == down)
		return;
	p->link_down = down;
	if (!p->bridge->liveness_translated)
		return;
	p->bridge->liveness_translated = false;
	p->bridge->config_version++;
	x->liveness_changed = true;
}

static void
refresh_one(void *aux, const struct dp_port_info *info)
{
	struct refresh_ctx *x = aux;
	struct vswd_iface *vif = vswd_iface_find(x->d, info->name);

	dp_port_set(x->dp, info);
	if (vif && vif->state == VIF_UP && vif->dp == x->dp &&
	    vif->dp_port == info->port_no) {
		vif->info = *info;
		update_liveness(x, info);
	}
}

/* Takes the ports of upcalld's answer @r for @dp: their state, link
 * liveness (revalidating if it changed) and status.  False if the
 * answer is not to be used. */
static bool
take_ports(struct vswd *d, struct vswd_dp *dp, const struct bus_msg_dp_reply *r)
{
	struct refresh_ctx x = { d, dp, false };

	if (!vswd_upcalld_boot(d, r->boot))
		return false;
	for_each_port(r, refresh_one, &x);
	if (x.liveness_changed)
		vswd_tables_check(d);
	vswd_status_write(d);
	return true;
}

static void
on_refresh(int err, const struct bus_msg_dp_reply *r, const char *why,
	   void *arg)
{
	struct vswd_dp *dp;
	struct vswd *d = call_done(arg, &dp);

	if (!dp || dp->state != VDP_OPEN)
		return;
	if (err) {
		/* upcalld gone (or its datapath): hello tells which. */
		log_info_rl(&rl, "%s: %s", dp->name,
			    why ? why : strerror(-err));
		vswd_hello(d);
		return;
	}
	take_ports(d, dp, r);
}

static void
on_port_set(int err, const struct bus_msg_dp_reply *r, const char *why,
	    void *arg)
{
	struct vswd_dp *dp;
	struct vswd *d = call_done(arg, &dp);

	if (!dp || dp->state != VDP_OPEN)
		return;
	if (err) {
		log_warn_rl(&rl, "%s: setting a port's state or address: %s",
			    dp->name, why ? why : strerror(-err));
		return;
	}
	/* Its port-status goes out at once. */
	if (take_ports(d, dp, r) && d->of)
		vswd_of_sync(d);
}

void
vswd_dp_port_set(struct vswd *d, const struct vswd_iface *vif, bool up,
		 const uint8_t *mac)
{
	struct vswd_dp *dp = vif->dp;
	struct bus_msg_dp_port_set m;
	struct dpif_call *c;

	if (!dp || dp->state != VDP_OPEN || vif->state != VIF_UP)
		return;
	m = (struct bus_msg_dp_port_set){ .dp = dp->name,
					  .port_no = vif->dp_port,
					  .admin_up = up };
	if (mac)
		bus_msg_dp_port_set_set_mac(&m, mac, 6);
	c = call_new(d, dp, false);
	if (bus_call_dp_port_set(d->bus, &roles[ROLE_UPCALLD], &m,
				 CALL_TIMEOUT_MS, on_port_set, c))
		call_free(c);
}

/* ---- meters ---- */

static void
on_meter_call(int err, const struct bus_msg_dp_reply *r, const char *why,
	      void *arg)
{
	struct vswd_dp *dp;

	call_done(arg, &dp);
	(void)r;
	if (dp && err)
		log_warn_rl(&rl, "%s: meter: %s", dp->name,
			    why ? why : strerror(-err));
}

static void
meter_set(struct vswd *d, struct vswd_dp *dp, const struct ofmeter *m)
{
	struct dpmsg_meter dm = { .id = m->dp_id,
				  .kbps = m->flags & OFPMF13_KBPS,
				  .n_bands = m->n_bands };
	struct bus_msg_dp_meter_set msg = { .dp = dp->name };
	struct nlbuf b = NLBUF_EMPTY;
	struct dpif_call *c;

	for (unsigned i = 0; i < m->n_bands && i < MVS_METER_BANDS_MAX; i++) {
		dm.bands[i].rate = m->bands[i].rate;
		dm.bands[i].burst =
			m->flags & OFPMF13_BURST ? m->bands[i].burst_size : 0;
	}
	dpmsg_put_meter(&b, &dm, false);
	bus_msg_dp_meter_set_set_meter(&msg, b.data, b.len);
	c = call_new(d, dp, false);
	if (bus_call_dp_meter_set(d->bus, &roles[ROLE_UPCALLD], &msg,
				  CALL_TIMEOUT_MS, on_meter_call, c))
		call_free(c);
	nl_buf_free(&b);
}

static void
meter_del(struct vswd *d, struct vswd_dp *dp, uint32_t dp_id)
{
	struct bus_msg_dp_meter_del msg = { .dp = dp->name, .meter_id = dp_id };
	struct dpif_call *c = call_new(d, dp, false);

	if (bus_call_dp_meter_del(d->bus, &roles[ROLE_UPCALLD], &msg,
				  CALL_TIMEOUT_MS, on_meter_call, c))
		call_free(c);
}

void
vswd_dp_meters_sync(struct vswd *d)
{
	struct hnode *n;

	HMAP_FOR_EACH (n, &d->vsw.bridges) {
		struct bridge *br = HMAP_CONTAINER(n, struct bridge, node);
		struct vswd_dp *dp = vswd_dp_by_id(d, br->dp_id);
		struct hnode *mn;

		if (!dp || dp->state != VDP_OPEN)
			continue;
		for (size_t i = 0; i < br->n_meters_gone; i++)
			meter_del(d, dp, br->meters_gone[i]);
		br->n_meters_gone = 0;
		HMAP_FOR_EACH (mn, &br->meters) {
			struct ofmeter *m =
				HMAP_CONTAINER(mn, struct ofmeter, node);
			if (!m->synced) {
				meter_set(d, dp, m);
				m->synced = true;
			}
		}
	}
}

void
vswd_dp_meters_forget(struct vswd *d, struct bridge *br)
{
	struct vswd_dp *dp = vswd_dp_by_id(d, br->dp_id);
	struct hnode *n;

	if (!dp || dp->state != VDP_OPEN)
		return;
	HMAP_FOR_EACH (n, &br->meters) {
		struct ofmeter *m = HMAP_CONTAINER(n, struct ofmeter, node);
		br->meters_gone = xrealloc(br->meters_gone,
					   (br->n_meters_gone + 1) *
						   sizeof *br->meters_gone);
		br->meters_gone[br->n_meters_gone++] = m->dp_id;
		m->synced = true;
	}
	vswd_dp_meters_sync(d);
}

/* Datapath meter @dm's statistics to the bridge meter it applies. */
static void
meter_stats_one(struct vswd *d, const struct vswd_dp *dp,
		const struct dpmsg_meter *dm)
{
	struct hnode *n;

	HMAP_FOR_EACH (n, &d->vsw.bridges) {
		struct bridge *br = HMAP_CONTAINER(n, struct bridge, node);
		struct hnode *mn;

		if (br->dp_id != dp->id)
			continue;
		HMAP_FOR_EACH (mn, &br->meters) {
			struct ofmeter *m =
				HMAP_CONTAINER(mn, struct ofmeter, node);
			if (m->dp_id != dm->id || !m->synced)
				continue;
			m->in_packets = dm->stats.n_packets;
			m->in_bytes = dm->stats.n_bytes;
			for (unsigned i = 0;
			     i < dm->n_bands && i < MVS_METER_BANDS_MAX; i++) {
				m->band_stats[i][0] =
					dm->bands[i].stats.n_packets;
				m->band_stats[i][1] =
					dm->bands[i].stats.n_bytes;
			}
			return;
		}
	}
}

static void
on_meter_dump(int err, const struct bus_msg_dp_reply *r, const char *why,
	      void *arg)
{
	struct vswd_dp *dp;
	struct vswd *d = call_done(arg, &dp);
	struct dpmsg_buf b;
	const struct nlattr *a;
	size_t left;

	if (!dp || err || !bus_msg_dp_reply_has_meters(r) ||
	    dpmsg_open(&b, r->meters.data, r->meters.len))
		return;
	(void)why;
	DPMSG_FOR_EACH(a, left, &b)
	{
		struct dpmsg_meter dm;

		if (!dpmsg_parse_meter(a, &dm))
			meter_stats_one(d, dp, &dm);
	}
	dpmsg_buf_free(&b);
}

void
vswd_dp_meters_refresh(struct vswd *d)
{
	struct vswd_dp *dp;

	LIST_FOR_EACH (dp, node, &d->dps) {
		struct bus_msg_dp_meter_dump msg = { .dp = dp->name };
		bool any = false;
		struct hnode *n;
		struct dpif_call *c;

		if (dp->state != VDP_OPEN)
			continue;
		HMAP_FOR_EACH (n, &d->vsw.bridges) {
			struct bridge *br =
				HMAP_CONTAINER(n, struct bridge, node);
			if (br->dp_id == dp->id && br->meters.n)
				any = true;
		}
		if (!any)
			continue;
		c = call_new(d, dp, false);
		if (bus_call_dp_meter_dump(d->bus, &roles[ROLE_UPCALLD], &msg,
					   CALL_TIMEOUT_MS, on_meter_dump, c))
			call_free(c);
	}
}

/* A datapath (re)opened has none of the bridges' meters. */
static void
meters_reset(struct vswd *d, const struct vswd_dp *dp)
{
	struct hnode *n;

	HMAP_FOR_EACH (n, &d->vsw.bridges) {
		struct bridge *br = HMAP_CONTAINER(n, struct bridge, node);
		struct hnode *mn;

		if (br->dp_id != dp->id)
			continue;
		br->n_meters_gone = 0;
		HMAP_FOR_EACH (mn, &br->meters)
			HMAP_CONTAINER(mn, struct ofmeter, node)->synced =
				false;
	}
	vswd_dp_meters_sync(d);
}

void
vswd_dp_refresh(struct vswd *d)
{
	struct vswd_dp *dp;

	if (!d->upcalld_boot) {
		vswd_hello(d);
		return;
	}
	LIST_FOR_EACH (dp, node, &d->dps) {
		struct bus_msg_dp_port_dump m = { .dp = dp->name };
		struct dpif_call *c;

		if (dp->state != VDP_OPEN)
			continue;
		c = call_new(d, dp, false);
		if (bus_call_dp_port_dump(d->bus, &roles[ROLE_UPCALLD], &m,
					  CALL_TIMEOUT_MS, on_refresh, c))
			call_free(c);
	}
}

/* ---- flows ---- */

static void
on_flow_del(int err, const struct bus_msg_dp_reply *r, const char *why,
	    void *arg)
{
	struct dpif_call *c = arg;
	struct vswd *d = c->d;
	struct dpmsg_buf b;
	const struct nlattr *a;
	size_t left;

	call_end(c);
	if (!err && bus_msg_dp_reply_has_flows(r) &&
	    !dpmsg_open(&b, r->flows.data, r->flows.len)) {
		DPMSG_FOR_EACH(a, left, &b)
		{
			struct dpmsg_flow f;

			if (dpmsg_parse_flow(a, &f) ||
			    !(f.present & DPMSG_F_STATS))
				continue;
			for (size_t i = 0; i < c->n_ukeys; i++) {
				struct ukey *uk = c->ukeys[i];

				if (uk && !memcmp(&uk->ufid, &f.ufid,
						  sizeof f.ufid)) {
					vswd_ukey_finish(d, uk,
							 f.stats.n_packets,
							 f.stats.n_bytes,
							 f.stats.used_ms);
					c->ukeys[i] = NULL;
				}
			}
		}
		dpmsg_buf_free(&b);
	}
	for (size_t i = 0; i < c->n_ukeys; i++)
		if (c->ukeys[i])
			vswd_ukey_finish(d, c->ukeys[i], 0, 0, 0);
	call_free(c);
}

void
vswd_dp_flow_del(struct vswd_dp *dp, struct ukey **ukeys, size_t n)
{
	struct vswd *d = dp->d;
	struct nlbuf flows = NLBUF_EMPTY;
	struct bus_msg_dp_flow_del m = { .dp = dp->name };
	struct dpif_call *c;

	for (size_t i = 0; i < n; i++) {
		struct dpmsg_flow f = { .present = DPMSG_F_UFID,
					.ufid = ukeys[i]->ufid };
		dpmsg_put_flow(&flows, &f);
	}
	m.flows.data = flows.data;
	m.flows.len = flows.len;
	c = call_new(d, dp, false);
	c->ukeys = xmalloc(n * sizeof *ukeys);
	memcpy(c->ukeys, ukeys, n * sizeof *ukeys);
	c->n_ukeys = n;
	if (bus_call_dp_flow_del(d->bus, &roles[ROLE_UPCALLD], &m,
				 CALL_TIMEOUT_MS, on_flow_del, c)) {
		for (size_t i = 0; i < n; i++)
			vswd_ukey_finish(d, ukeys[i], 0, 0, 0);
		call_free(c);
	}
	nl_buf_free(&flows);
}

/* ---- packets ---- */

static void
on_execute(int err, const struct bus_msg_dp_reply *r, const char *why,
	   void *arg)
{
	struct dpif_call *c = arg;
	static struct log_rl erl = LOG_RL_INIT(5, 20);

	(void)r;
	if (err)
		log_info_rl(&erl, "packet-out not executed: %s",
			    why ? why : strerror(-err));
	call_end(c);
	call_free(c);
}

void
vswd_dp_execute(struct vswd *d, uint32_t dp_id, const struct mvs_key *key,
		const uint8_t *data, size_t len, const void *actions,
		size_t actions_len)
{
	struct vswd_dp *dp = vswd_dp_by_id(d, dp_id);
	struct dpmsg_packet p = {
		.key = *key,
		.data = data,
		.len = len,
		.actions = actions,
		.actions_len = actions_len,
	};
	struct nlbuf pkt = NLBUF_EMPTY;
	struct bus_msg_dp_execute m;
	struct dpif_call *c;

	if (!dp || dp->state != VDP_OPEN)
		return;
	dpmsg_put_packet(&pkt, &p);
	m.dp = dp->name;
	m.packet.data = pkt.data;
	m.packet.len = pkt.len;
	c = call_new(d, dp, false);
	if (bus_call_dp_execute(d->bus, &roles[ROLE_UPCALLD], &m,
				CALL_TIMEOUT_MS, on_execute, c))
		call_free(c);
	nl_buf_free(&pkt);
}
