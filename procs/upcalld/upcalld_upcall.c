/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_upcall: the daemon's datapaths and their misses.  The datapath
 * providers hand misses up in batches of up to 64, already shared fairly
 * between ports (upcalld_dp.h); each batch goes to vswitchd in one
 * upcall_batch call, several in flight at once, with the packets kept
 * here.  vswitchd's answer says, per miss, the megaflow (ufid, mask,
 * actions) and whether to install it: upcalld installs it unless that
 * ufid is installed already (two misses of one megaflow in flight at
 * once), then executes the packet.
 *
 * When vswitchd is not there (restarting) or too many batches are in
 * flight, misses are dropped and counted as lost (dpctl/show "lost");
 * installed flows keep forwarding meanwhile.
 *
 * Also here: the tables_changed subscription, and the upcall/ appctl
 * commands (show, disable-megaflows, enable-megaflows, set-flow-limit).
 */
#include "upcalld.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appctl.h"
#include "coverage.h"
#include "dpmsg.h"
#include "log.h"
#include "util.h"

LOG_MODULE(upcall);

COVERAGE_DEFINE(upcall_batch_sent);
COVERAGE_DEFINE(upcall_lost);
COVERAGE_DEFINE(upcall_flow_install);
COVERAGE_DEFINE(upcall_flow_exists);
COVERAGE_DEFINE(upcall_bad_reply);

static struct log_rl lost_rl = LOG_RL_INIT(1, 5);

/* One upcall_batch in flight: the packets wait here for the answer. */
struct upcall_call {
	struct upcalld *u;
	char *dp_name;
	size_t n;
	struct dp_upcall ups[];
};

/* ---- datapaths ---- */

struct upc_dp *
upc_dp_of(struct upcalld *u, const struct dp *dp)
{
	struct upc_dp *ud;

	LIST_FOR_EACH (ud, node, &u->dps)
		if (ud->dp == dp)
			return ud;
	return NULL;
}

struct upc_dp *
upc_dp_find(struct upcalld *u, const char *name)
{
	struct dp *dp = dp_find(name);

	return dp ? upc_dp_of(u, dp) : NULL;
}

static void upcalls_cb(void *aux, struct dp *dp, struct dp_upcall *ups,
		       size_t n);
static void expired_cb(void *aux, struct dp *dp, const struct dp_flow *f);

int
upc_dp_open(struct upcalld *u, const char *type, const char *name,
	    struct upc_dp **udpp)
{
	char *full = xasprintf("%s@%s", type, name);
	struct upc_dp *ud = upc_dp_find(u, full);
	struct dp *dp;
	int r;

	if (ud) {
		free(full);
		*udpp = ud;
		return 0;
	}
	r = dp_open(type, name, u->loop, &u->ops, u, &dp);
	if (r) {
		free(full);
		return r;
	}
	ud = xzalloc(sizeof *ud);
	ud->u = u;
	ud->dp = dp;
	ud->name = full;
	upc_flows_init(&ud->flows);
	ud->full = true;
	list_push_back(&u->dps, &ud->node);
	*udpp = ud;
	return 0;
}

void
upc_vswitchd_seen(struct upcalld *u, uint64_t boot, uint64_t version)
{
	struct upc_dp *ud;

	if (boot == u->vsw_boot && version == u->vsw_version)
		return;
	u->vsw_boot = boot;
	u->vsw_version = version;
	LIST_FOR_EACH (ud, node, &u->dps)
		ud->full = true;
	upc_reval_schedule(u, true);
}

static void
on_tables_changed(unsigned type, uint64_t seq, const void *msg, void *aux)
{
	const struct bus_msg_tables_changed *m = msg;

	if (type == BUS_MSG_TABLES_CHANGED)
		upc_vswitchd_seen(aux, m->boot, m->version);
}

/* ---- misses ---- */

static void
drop_upcalls(struct upcalld *u, struct dp *dp, struct dp_upcall *ups, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dp_upcall_done(&ups[i]);
	u->n_lost += n;
	coverage_add(upcall_lost, n);
	if (dp)
		dp_count_lost(dp, n);
}

static void
call_free(struct upcall_call *c)
{
	for (size_t i = 0; i < c->n; i++)
		dp_upcall_done(&c->ups[i]);
	free(c->dp_name);
	free(c);
}

/* An install of an upcall's flow failed: the flow exists (nothing to
 * do), or it is not there (the flow limit) and vswitchd forgets it at the
 * next report. */
static void
install_failed(struct upc_dp *ud, const struct mvs_ufid *ufid, int err)
{
	if (err == -EEXIST) {
		coverage_inc(upcall_flow_exists);
		return;
	}
	ud->u->n_install_failed++;
	upc_flow_gone(ud, ufid, NULL);
}

/* A posted install that flow_put took (and counted) failed later. */
static void
put_failed_cb(void *aux, struct dp *dp, const struct mvs_ufid *ufid, int err)
{
	struct upcalld *u = aux;
	struct upc_dp *ud = upc_dp_of(u, dp);

	if (!ud)
		return;
	if (u->n_installed)
		u->n_installed--;
	install_failed(ud, ufid, err);
	upc_reval_schedule(u, false);
}

/* Installs (if asked and new) and executes upcall @up with @f. */
static void
handle_one(struct upc_dp *ud, struct dp_upcall *up, const struct dpmsg_flow *f)
{
	struct upcalld *u = ud->u;

	if ((f->present & DPMSG_F_FLAGS) && (f->flags & MVS_FLOW_F_CREATE) &&
	    (f->present & DPMSG_F_MASK)) {
		struct dp_flow_put put = {
			.ufid = f->ufid,
			.key = &up->key,
			.mask = &f->mask,
			.actions = f->actions,
			.actions_len = f->actions_len,
			.flags = MVS_FLOW_F_CREATE,
			.tracked = true,
			.posted = true,
		};
		int r = dp_flow_put(ud->dp, &put);

		if (!r) {
			u->n_installed++;
			coverage_inc(upcall_flow_install);
			upc_flow_track(ud, &f->ufid);
		} else {
			install_failed(ud, &f->ufid, r);
		}
	}
	if (f->actions_len) {
		dp_execute_packet(ud->dp, up->packet, &up->key, f->actions,
				  f->actions_len);
		up->packet = NULL;
	}
}

static void send_queued(struct upcalld *u);

static void
on_upcall_reply(int err, const struct bus_msg_upcall_reply *reply,
		const char *why, void *arg)
{
	struct upcall_call *c = arg;
	struct upcalld *u = c->u;
	struct upc_dp *ud = upc_dp_find(u, c->dp_name);
	struct dpmsg_buf b = { 0 };
	const struct nlattr *a;
	size_t left, i = 0;

	u->n_inflight--;
	if (!ud) {
		call_free(c);
		send_queued(u);
		return;
	}
	if (!err && dpmsg_open(&b, reply->flows.data, reply->flows.len)) {
		coverage_inc(upcall_bad_reply);
		err = -EBADMSG;
	}
	if (err) {
		log_warn_rl(&lost_rl, "%s: %zu upcalls lost: %s", ud->name,
			    c->n, why ? why : strerror(-err));
		drop_upcalls(u, ud->dp, c->ups, c->n);
		c->n = 0;
		call_free(c);
		send_queued(u);
		return;
	}
	DPMSG_FOR_EACH(a, left, &b)
	{
		struct dpmsg_flow f;

		if (i == c->n)
			break;
		if (dpmsg_parse_flow(a, &f)) {
			coverage_inc(upcall_bad_reply);
			log_warn_rl(&lost_rl, "%s: malformed upcall answer",
				    ud->name);
		} else {
			handle_one(ud, &c->ups[i], &f);
		}
		i++;
	}
	if (i < c->n)
		drop_upcalls(u, ud->dp, c->ups + i, c->n - i);
	for (size_t j = i; j < c->n; j++)
		c->ups[j].packet = NULL;
	dpmsg_buf_free(&b);
	call_free(c);
	send_queued(u);
}

/* Sends one batch of @ud's queued misses to vswitchd. */
static void
send_batch(struct upc_dp *ud)
{
	struct upcalld *u = ud->u;
	struct bus_msg_upcall_batch m = { .boot = u->boot, .dp = ud->name };
	size_t n = ud->n_queued < DP_BATCH_MAX ? ud->n_queued : DP_BATCH_MAX;
	size_t first;
	struct nlbuf b = NLBUF_EMPTY;
	struct upcall_call *c;
	int r;

	c = xmalloc(sizeof *c + n * sizeof *c->ups);
	c->u = u;
	c->dp_name = xstrdup(ud->name);
	c->n = n;
	first = UPC_QUEUE_MAX - ud->q_head < n ? UPC_QUEUE_MAX - ud->q_head : n;
	memcpy(c->ups, ud->queue + ud->q_head, first * sizeof *c->ups);
	memcpy(c->ups + first, ud->queue, (n - first) * sizeof *c->ups);
	ud->q_head = (ud->q_head + n) % UPC_QUEUE_MAX;
	ud->n_queued -= n;
	for (size_t i = 0; i < n; i++) {
		const struct dp_upcall *up = &c->ups[i];
		struct dpmsg_packet p = {
			.type = up->type,
			.key = up->key,
			.data = up->packet->data,
			.len = up->packet->len,
			.userdata = up->userdata,
			.userdata_len = up->userdata_len,
		};
		dpmsg_put_upcall(&b, &p);
	}
	m.upcalls.data = b.data;
	m.upcalls.len = b.len;
	if (u->exact)
		bus_msg_upcall_batch_set_exact(&m, true);
	r = bus_call_upcall_batch(u->bus, &roles[ROLE_VSWITCHD], &m,
				  UPC_UPCALL_TIMEOUT_MS, on_upcall_reply, c);
	nl_buf_free(&b);
	if (r) {
		drop_upcalls(u, ud->dp, c->ups, n);
		c->n = 0;
		call_free(c);
		return;
	}
	u->n_inflight++;
	coverage_inc(upcall_batch_sent);
}

/* Sends queued misses while a batch may go: under load the batches fill
 * up (to 64) while the ones in flight are answered. */
static void
send_queued(struct upcalld *u)
{
	bool more = true;

	while (more && u->n_inflight < UPC_MAX_INFLIGHT) {
		struct upc_dp *ud;

		more = false;
		LIST_FOR_EACH (ud, node, &u->dps) {
			if (!ud->n_queued || u->n_inflight >= UPC_MAX_INFLIGHT)
				continue;
			send_batch(ud);
			more = more || ud->n_queued;
		}
	}
}

static void
upcalls_cb(void *aux, struct dp *dp, struct dp_upcall *ups, size_t n)
{
	struct upcalld *u = aux;
	struct upc_dp *ud = upc_dp_of(u, dp);
	size_t room;

	u->n_upcalls += n;
	if (!ud) {
		drop_upcalls(u, dp, ups, n);
		return;
	}
	room = UPC_QUEUE_MAX - ud->n_queued;
	if (n > room) {
		log_warn_rl(&lost_rl,
			    "%s: %zu upcalls lost: vswitchd is behind",
			    dp->name, n - room);
		drop_upcalls(u, dp, ups + room, n - room);
		n = room;
	}
	for (size_t i = 0; i < n; i++) {
		struct dp_packet *p = ups[i].packet;

		/* A receive buffer is 64 KB (GSO): a miss that waits for
		 * vswitchd keeps a copy of its size instead, so a burst of
		 * new flows does not hold (and fragment) megabytes. */
		if (p && p->pool &&
		    p->alloc > 2 * (p->len + DP_PACKET_HEADROOM)) {
			ups[i].packet = dp_packet_clone(p);
			dp_packet_free(p);
		}
		ud->queue[(ud->q_head + ud->n_queued++) % UPC_QUEUE_MAX] =
			ups[i];
	}
	send_queued(u);
}

static void
expired_cb(void *aux, struct dp *dp, const struct dp_flow *f)
{
	struct upc_dp *ud = upc_dp_of(aux, dp);

	if (ud) {
		upc_flow_gone(ud, &f->ufid, &f->stats);
		upc_reval_schedule(aux, false);
	}
}

/* ---- appctl ---- */

static void
cmd_show(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct upcalld *u = aux;
	struct ds out = DS_EMPTY;
	struct upc_dp *ud;

	LIST_FOR_EACH (ud, node, &u->dps) {
		struct mvs_dp_stats st;
		struct dp_config cfg;

		dp_get_stats(ud->dp, &st);
		dp_get_config(ud->dp, &cfg);
		unsigned long long cur = st.n_flows;
		unsigned long long avg =
			ud->flows_samples ? ud->flows_sum / ud->flows_samples
					  : cur;
		unsigned long long max =
			ud->flows_max > cur ? ud->flows_max : cur;

		ds_printf(&out,
			  "%s:\n  flows         : (current %llu) (avg %llu) "
			  "(max %llu) (limit %u)\n"
			  "  dump duration : %llums\n"
			  "  ufid enabled : true\n\n"
			  "  %d: (keys %zu)\n",
			  ud->name, cur, avg, max, cfg.flow_limit,
			  (unsigned long long)ud->last_dump_ms, 1, ud->flows.n);
	}
	appctl_reply(c, ds_cstr(&out));
	ds_free(&out);
}

static void
set_megaflows(struct appctl_conn *c, struct upcalld *u, bool disable)
{
	if (u->exact != disable) {
		u->exact = disable;
		/* Open vSwitch flushes the datapath so the change shows. */
		upc_reval_purge(u);
	}
	appctl_reply(c,
		     disable ? "megaflows disabled\n" : "megaflows enabled\n");
}

static void
cmd_disable_megaflows(struct appctl_conn *c, int argc, const char *argv[],
		      void *aux)
{
	set_megaflows(c, aux, true);
}

static void
cmd_enable_megaflows(struct appctl_conn *c, int argc, const char *argv[],
		     void *aux)
{
	set_megaflows(c, aux, false);
}

static void
cmd_set_flow_limit(struct appctl_conn *c, int argc, const char *argv[],
		   void *aux)
{
	struct upcalld *u = aux;
	char *end, *text;
	unsigned long n = strtoul(argv[0], &end, 10);
	struct upc_dp *ud;

	if (end == argv[0] || *end || !n || n > UINT32_MAX) {
		appctl_reply_error(c, "bad flow limit \"%s\"\n", argv[0]);
		return;
	}
	u->flow_limit_set = (uint32_t)n;
	LIST_FOR_EACH (ud, node, &u->dps) {
		struct dp_config cfg;

		dp_get_config(ud->dp, &cfg);
		cfg.flow_limit = (uint32_t)n;
		dp_set_config(ud->dp, &cfg);
	}
	text = xasprintf("set flow_limit to %lu\n", n);
	appctl_reply(c, text);
	free(text);
}

static void say_hello(struct upcalld *u);

static void
on_hello_timer(struct ev_timer *t, void *arg)
{
	ev_timer_del(t);
	say_hello(arg);
}

static void
on_hello(int err, const struct bus_msg_upcalld_hello_reply *r, const char *why,
	 void *arg)
{
	struct upcalld *u = arg;

	if (err) {
		/* vswitchd not up yet: it says dp_hello when it is; until
		 * then keep trying, slowly. */
		ev_timer_add(u->loop, 1000, false, on_hello_timer, u);
		return;
	}
	upc_vswitchd_seen(u, r->boot, r->version);
}

/* Tells vswitchd this upcalld started (its datapaths are empty). */
static void
say_hello(struct upcalld *u)
{
	struct bus_msg_upcalld_hello m = { .boot = u->boot };

	if (u->vsw_boot)
		return; /* vswitchd said hello first */
	if (bus_call_upcalld_hello(u->bus, &roles[ROLE_VSWITCHD], &m, 5000,
				   on_hello, u))
		ev_timer_add(u->loop, 1000, false, on_hello_timer, u);
}

static void
adopt_one(void *aux, const struct dp_flow *f)
{
	upc_flow_adopt(aux, f);
}

/* Opens again the datapaths a previous upcalld kept (upcalld_keep.c),
 * with their ports under their old numbers, before vswitchd hears of
 * this upcalld. */
static void
restore(struct upcalld *u)
{
	char *const *dps;
	size_t n = keep_datapaths(&dps);

	for (size_t i = 0; i < n; i++) {
		size_t n_ports = keep_ports(dps[i], NULL, 0), n_up = 0;
		struct keep_port *v = xcalloc(n_ports + 1, sizeof *v);
		struct mvs_dp_stats st;
		struct upc_dp *ud;
		int r = upc_dp_open(u, "netdev", dps[i], &ud);

		if (r) {
			log_warn("netdev@%s: not restored: %s", dps[i],
				 strerror(-r));
			free(v);
			continue;
		}
		n_ports = keep_ports(dps[i], v, n_ports);
		for (size_t k = 0; k < n_ports; k++) {
			struct dp_port_spec spec = { v[k].name, v[k].type,
						     v[k].port_no, 0 };
			uint32_t no;

			if (v[k].port_no == MVS_PORT_LOCAL)
				continue;
			r = dp_port_add(ud->dp, &spec, &no);
			if (r)
				log_warn("%s: port %s not restored: %s",
					 ud->name, v[k].name, strerror(-r));
			else
				n_up++;
		}
		free(v);
		dp_flow_dump(ud->dp, adopt_one, ud);
		dp_get_stats(ud->dp, &st);
		log_info("%s: restored from the previous upcalld: %zu ports, "
			 "%llu flows",
			 ud->name, n_up, (unsigned long long)st.n_flows);
	}
	keep_done();
}

void
upcalld_init(struct upcalld *u, struct ev_loop *loop, struct bus *bus)
{
	memset(u, 0, sizeof *u);
	u->loop = loop;
	u->bus = bus;
	u->boot = random_id();
	list_init(&u->dps);
	u->ops.upcalls = upcalls_cb;
	u->ops.expired = expired_cb;
	u->ops.put_failed = put_failed_cb;
	/* Upcall batches and revalidation go to vswitchd on a lane: nng's
	 * threads cost more than the translation (bus_lane.h). */
	bus_use_lane(bus, &roles[ROLE_VSWITCHD]);
	bus_subscribe(bus, &roles[ROLE_VSWITCHD], on_tables_changed, u);
	appctl_register("upcall/show", "", 0, 0, cmd_show, u);
	appctl_register("upcall/disable-megaflows", "", 0, 0,
			cmd_disable_megaflows, u);
	appctl_register("upcall/enable-megaflows", "", 0, 0,
			cmd_enable_megaflows, u);
	appctl_register("upcall/set-flow-limit", "flow-limit", 1, 1,
			cmd_set_flow_limit, u);
	upc_reval_init(u);
	keep_init();
	restore(u);
	say_hello(u);
}
