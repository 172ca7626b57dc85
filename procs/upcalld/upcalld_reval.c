/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_reval: revalidation, upcalld's half.  While a datapath has
 * flows, a round runs every UPC_REVAL_PERIOD_MS: it dumps the flows and
 * sends vswitchd, in revalidate calls of at most REVAL_BATCH flows, each
 * flow whose statistics moved (the delta since the last report), the
 * flows that left the datapath ("gone": idle expiry, a refused install,
 * deleted by hand) with their last delta, and, in a full pass, every flow
 * with its key, mask and actions.  vswitchd credits the statistics to
 * its OpenFlow rules and MAC entries and answers which flows to modify
 * or delete.  A full pass follows a new vswitchd (boot id) or a new
 * tables version, and whenever vswitchd asks for one.
 *
 * A round whose calls fail (vswitchd restarting) puts its deltas back, so
 * statistics are reported once, late rather than never.  An idle datapath
 * without flows has no timer at all.
 *
 * A round walks the datapath in parts of REVAL_STEP flows (where the
 * provider can): after a part that sent calls, the next waits for their
 * answers, and upcalld forwards and answers misses in between.  A full
 * pass over 250,000 flows, after any table change, built ~150 MB of
 * calls at once and kept upcalld from its packets for over a second.
 */
#include "upcalld.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "appctl.h"
#include "coverage.h"
#include "dpmsg.h"
#include "log.h"
#include "util.h"

LOG_MODULE(reval);

COVERAGE_DEFINE(reval_round);
COVERAGE_DEFINE(reval_full_pass);
COVERAGE_DEFINE(reval_modify);
COVERAGE_DEFINE(reval_delete);

#define REVAL_BATCH 256
#define REVAL_STEP (8 * REVAL_BATCH) /* flows walked per part */
#define REVAL_TIMEOUT_MS 10000

static struct log_rl rl = LOG_RL_INIT(1, 5);

/* One revalidate call in flight. */
struct reval_call {
	struct upcalld *u;
	char *dp_name;
	struct nlbuf flows, gone; /* what was sent, to put back on failure */
	bool full;
};

/* Waiters of revalidator/wait: answered when the round after them ends. */
struct reval_waiter {
	struct list_node node;
	struct appctl_conn *conn;
	uint64_t after; /* u->rounds_started when it asked */
};

static struct list_node waiters = LIST_INIT(waiters);
static uint64_t rounds_started, rounds_done;

/* ---- tracked flows ---- */

static struct upc_flow *
flow_find(const struct upc_dp *ud, const struct mvs_ufid *ufid)
{
	return upc_flows_find(&ud->flows, ufid);
}

static struct upc_flow *
flow_add(struct upc_dp *ud, const struct mvs_ufid *ufid)
{
	struct upc_flow *f = upc_flows_add(&ud->flows, ufid);

	f->seen = (uint32_t)ud->round;
	return f;
}

/* Keeps @f's reported counts with the flow in the datapath (where a
 * provider can keep them across upcalld's restart). */
static void
keep_reported(struct upc_dp *ud, const struct upc_flow *f)
{
	dp_flow_set_reported(ud->dp, &f->ufid, f->rep_packets, f->rep_bytes);
}

void
upc_flow_track(struct upc_dp *ud, const struct mvs_ufid *ufid)
{
	/* The datapath knows it too (dp_flow_put.tracked): its dump shows
	 * the flow tracked and, while its counts stay at what was reported,
	 * a round passes it by without a lookup here. */
	if (!flow_find(ud, ufid))
		flow_add(ud, ufid);
	upc_reval_schedule(ud->u, false);
}

void
upc_flow_adopt(struct upc_dp *ud, const struct dp_flow *df)
{
	struct upc_flow *f = flow_find(ud, &df->ufid);

	if (!f)
		f = flow_add(ud, &df->ufid);
	f->rep_packets =
		df->has_reported ? df->rep_packets : df->stats.n_packets;
	f->rep_bytes = df->has_reported ? df->rep_bytes : df->stats.n_bytes;
	upc_reval_schedule(ud->u, false);
}

/* The statistics @st of tracked flow @f less what was reported of them,
 * in *@delta; @st is reported from now on. */
static void
flow_delta(struct upc_dp *ud, struct upc_flow *f,
	   const struct mvs_flow_stats *st, struct mvs_flow_stats *delta)
{
	*delta = *st;
	/* A flow whose counters were cleared (dpctl mod-flow) restarts. */
	if (st->n_packets < f->rep_packets || st->n_bytes < f->rep_bytes)
		f->rep_packets = f->rep_bytes = 0;
	delta->n_packets -= f->rep_packets;
	delta->n_bytes -= f->rep_bytes;
	f->rep_packets = st->n_packets;
	f->rep_bytes = st->n_bytes;
	if (delta->n_packets || delta->n_bytes)
		keep_reported(ud, f);
}

void
upc_flow_delta(struct upc_dp *ud, const struct mvs_ufid *ufid,
	       const struct mvs_flow_stats *st, struct mvs_flow_stats *delta)
{
	struct upc_flow *f = flow_find(ud, ufid);

	if (f)
		flow_delta(ud, f, st, delta);
	else
		*delta = *st;
}

void
upc_flow_forget(struct upc_dp *ud, const struct mvs_ufid *ufid)
{
	struct upc_flow *f = flow_find(ud, ufid);

	if (f)
		upc_flows_remove(&ud->flows, f);
}

void
upc_flow_gone(struct upc_dp *ud, const struct mvs_ufid *ufid,
	      const struct mvs_flow_stats *st)
{
	struct dpmsg_flow rec = { .present = DPMSG_F_UFID, .ufid = *ufid };
	struct upc_flow *f = flow_find(ud, ufid);

	if (st) {
		rec.present |= DPMSG_F_STATS;
		if (f)
			flow_delta(ud, f, st, &rec.stats);
		else
			rec.stats = *st;
	}
	if (f)
		upc_flows_remove(&ud->flows, f);
	dpmsg_put_flow(&ud->gone, &rec);
	ud->n_gone++;
}

/* ---- rounds ---- */

/* A round in progress (upc_dp.cur). */
struct reval_round {
	struct upc_dp *ud;
	bool full;
	uint64_t cursor;    /* where the datapath's dump goes on */
	uint64_t t0;	    /* when it began (CLOCK_MONOTONIC ms) */
	struct nlbuf batch; /* records not sent yet */
	size_t n_batch;
};

static void round_step(struct upc_dp *ud);
static int send_batch(struct upc_dp *ud, struct nlbuf *flows,
		      struct nlbuf *gone, bool full, uint64_t pass, bool last);

static void
round_flow(void *aux, const struct dp_flow *df)
{
	struct reval_round *r = aux;
	struct upc_dp *ud = r->ud;
	struct dpmsg_flow rec = { .present = DPMSG_F_UFID | DPMSG_F_STATS,
				  .ufid = df->ufid };
	struct upc_flow *f;
	bool known;

	/* A tracked flow whose counts did not move since they were
	 * reported: nothing to say, and (outside a full pass, which marks
	 * what it saw) nothing to look up.  Most flows, most rounds. */
	if (!r->full && df->has_reported &&
	    df->stats.n_packets == df->rep_packets &&
	    df->stats.n_bytes == df->rep_bytes)
		return;
	f = flow_find(ud, &df->ufid);
	known = f != NULL;

	if (!f)
		f = flow_add(ud, &df->ufid);
	f->seen = (uint32_t)ud->round;
	flow_delta(ud, f, &df->stats, &rec.stats);
	if (!r->full && known && !rec.stats.n_packets && !rec.stats.n_bytes)
		return;
	if (r->full || !known) {
		rec.present |= DPMSG_F_KEY | DPMSG_F_MASK | DPMSG_F_ACTIONS;
		rec.key = *df->key;
		rec.mask = *df->mask;
		rec.actions = df->actions;
		rec.actions_len = df->actions_len;
	}
	dpmsg_put_flow(&r->batch, &rec);
	if (++r->n_batch == REVAL_BATCH) {
		struct nlbuf none = NLBUF_EMPTY;

		/* On failure send_batch() put the deltas back. */
		if (send_batch(ud, &r->batch, &none, r->full, ud->round, false))
			log_warn_rl(&rl, "%s: cannot send revalidate",
				    ud->name);
		nl_buf_free(&r->batch);
		r->n_batch = 0;
	}
}

static void
answer_waiters(void)
{
	struct reval_waiter *w, *next;

	LIST_FOR_EACH_SAFE (w, next, node, &waiters) {
		if (rounds_done > w->after) {
			list_remove(&w->node);
			appctl_reply(w->conn, "");
			free(w);
		}
	}
}

static bool
any_busy(struct upcalld *u)
{
	struct upc_dp *ud;

	LIST_FOR_EACH (ud, node, &u->dps)
		if (ud->n_reval || ud->cur)
			return true;
	return false;
}

static void
round_done(struct upc_dp *ud)
{
	struct upcalld *u = ud->u;

	if (!any_busy(u)) {
		rounds_done = rounds_started;
		answer_waiters();
	}
	if (ud->full)
		upc_reval_schedule(u, true);
}

/* Puts back what a failed call reported: its deltas (so the next round
 * reports them again) and its gone records. */
static void
put_back(struct upc_dp *ud, struct reval_call *c)
{
	struct dpmsg_buf b;
	const struct nlattr *a;
	size_t left;

	if (!dpmsg_open(&b, c->flows.data, c->flows.len)) {
		DPMSG_FOR_EACH(a, left, &b)
		{
			struct dpmsg_flow rec;
			struct upc_flow *f;

			if (dpmsg_parse_flow(a, &rec) ||
			    !(f = flow_find(ud, &rec.ufid)))
				continue;
			f->rep_packets -= rec.stats.n_packets <= f->rep_packets
						  ? rec.stats.n_packets
						  : f->rep_packets;
			f->rep_bytes -= rec.stats.n_bytes <= f->rep_bytes
						? rec.stats.n_bytes
						: f->rep_bytes;
			keep_reported(ud, f);
		}
		dpmsg_buf_free(&b);
	}
	if (c->gone.len) {
		nl_put_raw(&ud->gone, c->gone.data, c->gone.len);
		if (!dpmsg_open(&b, c->gone.data, c->gone.len)) {
			DPMSG_FOR_EACH(a, left, &b)
			ud->n_gone++;
			dpmsg_buf_free(&b);
		}
	}
	if (c->full)
		ud->full = true;
}

static void
apply_modify(struct upc_dp *ud, const struct nlattr *rec_attr)
{
	struct dpmsg_flow rec;
	const unsigned need = DPMSG_F_KEY | DPMSG_F_MASK | DPMSG_F_ACTIONS;

	if (dpmsg_parse_flow(rec_attr, &rec) || (rec.present & need) != need)
		return;
	struct dp_flow_put put = {
		.ufid = rec.ufid,
		.key = &rec.key,
		.mask = &rec.mask,
		.actions = rec.actions,
		.actions_len = rec.actions_len,
		.flags = MVS_FLOW_F_MODIFY,
	};
	if (!dp_flow_put(ud->dp, &put)) {
		struct upc_flow *f = flow_find(ud, &rec.ufid);

		coverage_inc(reval_modify);
		/* It may have moved behind a full pass's dump. */
		if (f)
			f->seen = (uint32_t)ud->round;
	}
}

static void
apply_delete(struct upc_dp *ud, const struct nlattr *rec_attr)
{
	struct dpmsg_flow rec;

	if (dpmsg_parse_flow(rec_attr, &rec))
		return;
	if (!dp_flow_del(ud->dp, &rec.ufid, NULL))
		coverage_inc(reval_delete);
	upc_flow_forget(ud, &rec.ufid);
}

static void
apply_list(struct upc_dp *ud, const struct bus_bin *bin,
	   void (*fn)(struct upc_dp *, const struct nlattr *))
{
	struct dpmsg_buf b;
	const struct nlattr *a;
	size_t left;

	if (dpmsg_open(&b, bin->data, bin->len)) {
		log_warn_rl(&rl, "%s: malformed revalidate answer", ud->name);
		return;
	}
	DPMSG_FOR_EACH(a, left, &b)
	fn(ud, a);
	dpmsg_buf_free(&b);
}

static void
on_reval_reply(int err, const struct bus_msg_revalidate_reply *reply,
	       const char *why, void *arg)
{
	struct reval_call *c = arg;
	struct upcalld *u = c->u;
	struct upc_dp *ud = upc_dp_find(u, c->dp_name);

	if (ud) {
		ud->n_reval--;
		if (err) {
			log_info_rl(&rl, "%s: revalidation deferred: %s",
				    ud->name, why ? why : strerror(-err));
			put_back(ud, c);
		} else {
			if (bus_msg_revalidate_reply_has_modify(reply))
				apply_list(ud, &reply->modify, apply_modify);
			if (bus_msg_revalidate_reply_has_delete(reply))
				apply_list(ud, &reply->delete, apply_delete);
			if (bus_msg_revalidate_reply_has_full(reply) &&
			    reply->full)
				ud->full = true;
			upc_vswitchd_seen(u, reply->boot, reply->version);
		}
		if (!ud->cur)
			round_done(ud);
		else if (!ud->n_reval)
			round_step(ud);
	}
	nl_buf_free(&c->flows);
	nl_buf_free(&c->gone);
	free(c->dp_name);
	free(c);
}

static int
send_batch(struct upc_dp *ud, struct nlbuf *flows, struct nlbuf *gone,
	   bool full, uint64_t pass, bool last)
{
	struct upcalld *u = ud->u;
	struct bus_msg_revalidate m = { .boot = u->boot, .dp = ud->name };
	struct reval_call *c = xzalloc(sizeof *c);
	int r;

	if (flows->len)
		bus_msg_revalidate_set_flows(&m, flows->data, flows->len);
	if (gone->len)
		bus_msg_revalidate_set_gone(&m, gone->data, gone->len);
	bus_msg_revalidate_set_version(&m, u->vsw_version);
	if (full) {
		bus_msg_revalidate_set_pass(&m, pass);
		bus_msg_revalidate_set_last(&m, last);
	}
	c->u = u;
	c->dp_name = xstrdup(ud->name);
	c->flows = *flows;
	c->gone = *gone;
	c->full = full;
	*flows = NLBUF_EMPTY;
	*gone = NLBUF_EMPTY;
	r = bus_call_revalidate(u->bus, &roles[ROLE_VSWITCHD], &m,
				REVAL_TIMEOUT_MS, on_reval_reply, c);
	if (r) {
		put_back(ud, c);
		nl_buf_free(&c->flows);
		nl_buf_free(&c->gone);
		free(c->dp_name);
		free(c);
		return r;
	}
	ud->n_reval++;
	return 0;
}

static bool
not_seen(const struct upc_flow *f, void *ud_)
{
	const struct upc_dp *ud = ud_;

	return f->seen != (uint32_t)ud->round;
}

/* Reports as gone, without statistics, the tracked flows @pred accepts
 * (all when NULL). */
static void
gone_all(struct upc_dp *ud, bool (*pred)(const struct upc_flow *, void *))
{
	size_t n;
	struct mvs_ufid *v = upc_flows_select(&ud->flows, pred, ud, &n);

	for (size_t i = 0; i < n; i++)
		upc_flow_gone(ud, &v[i], NULL);
	free(v);
}

/* The end of @ud's round: a full pass reports the tracked flows it did
 * not see, and the last call carries the flows gone since the last round
 * (and, in a full pass, says the pass is over). */
static void
round_end(struct upc_dp *ud)
{
	struct reval_round *r = ud->cur;
	struct nlbuf gone;
	struct mvs_dp_stats st;

	/* Tracked flows a full pass did not show left some other way
	 * (deleted by hand with dpctl): the other rounds spare this walk,
	 * a second one over every flow. */
	if (r->full)
		gone_all(ud, not_seen);
	gone = ud->gone;
	ud->gone = NLBUF_EMPTY;
	ud->n_gone = 0;
	ud->last_dump_ms = time_mono_ms() - r->t0;
	dp_get_stats(ud->dp, &st);
	ud->flows_sum += st.n_flows;
	ud->flows_samples++;
	if (st.n_flows > ud->flows_max)
		ud->flows_max = st.n_flows;
	/* A full pass sends at least one (possibly empty) batch, so vswitchd
	 * learns the pass ended. */
	if ((r->n_batch || r->full || gone.len) &&
	    send_batch(ud, &r->batch, &gone, r->full, ud->round, true))
		log_warn_rl(&rl, "%s: cannot send revalidate", ud->name);
	nl_buf_free(&r->batch);
	nl_buf_free(&gone);
	free(r);
	ud->cur = NULL;
	if (!ud->n_reval)
		round_done(ud);
}

/* Walks on through @ud's datapath until a part sent calls (their
 * answers bring the next part) or the dump is over. */
static void
round_step(struct upc_dp *ud)
{
	struct reval_round *r = ud->cur;
	int more;

	do
		more = dp_flow_dump_part(ud->dp, &r->cursor, REVAL_STEP,
					 round_flow, r);
	while (more > 0 && !ud->n_reval);
	if (more <= 0)
		round_end(ud);
}

static void
start_round(struct upc_dp *ud)
{
	struct reval_round *r;

	if (ud->n_reval || ud->cur)
		return;
	r = xzalloc(sizeof *r);
	r->ud = ud;
	r->full = ud->full;
	r->t0 = time_mono_ms();
	r->batch = NLBUF_EMPTY;
	ud->full = false;
	ud->round++;
	coverage_inc(reval_round);
	if (r->full)
		coverage_inc(reval_full_pass);
	ud->cur = r;
	round_step(ud);
}

static bool
has_work(const struct upc_dp *ud)
{
	struct mvs_dp_stats st;

	dp_get_stats(ud->dp, &st);
	return st.n_flows || ud->n_gone || ud->full || ud->flows.n;
}

static void
on_timer(struct ev_timer *t, void *arg)
{
	struct upcalld *u = arg;
	struct upc_dp *ud;
	bool work = false;

	rounds_started++;
	LIST_FOR_EACH (ud, node, &u->dps) {
		if (has_work(ud)) {
			start_round(ud);
			work = true;
		}
	}
	if (!any_busy(u)) {
		rounds_done = rounds_started;
		answer_waiters();
	}
	if (!work && list_empty(&waiters)) {
		ev_timer_del(t);
		u->reval_timer = NULL;
	} else {
		ev_timer_rearm(t, UPC_REVAL_PERIOD_MS);
	}
}

void
upc_reval_schedule(struct upcalld *u, bool now)
{
	if (!u->reval_timer)
		u->reval_timer =
			ev_timer_add(u->loop, now ? 0 : UPC_REVAL_PERIOD_MS,
				     false, on_timer, u);
	else if (now)
		ev_timer_rearm(u->reval_timer, 0);
}

void
upc_reval_purge(struct upcalld *u)
{
	struct upc_dp *ud;

	LIST_FOR_EACH (ud, node, &u->dps) {
		/* vswitchd forgets them at the next round. */
		gone_all(ud, NULL);
		dp_flow_flush(ud->dp);
	}
	upc_reval_schedule(u, true);
}

static void
cmd_purge(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	upc_reval_purge(aux);
	appctl_reply(c, "");
}

static void
cmd_wait(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct reval_waiter *w = xzalloc(sizeof *w);

	w->conn = c;
	w->after = rounds_started;
	list_push_back(&waiters, &w->node);
	upc_reval_schedule(aux, true);
}

void
upc_reval_init(struct upcalld *u)
{
	appctl_register("revalidator/purge", "", 0, 0, cmd_purge, u);
	appctl_register("revalidator/wait", "", 0, 0, cmd_wait, u);
}
