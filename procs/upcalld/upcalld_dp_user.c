/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_dp_user: the userspace datapath engine and the "netdev" class.
 * Packets arrive in batches from a port, are classified (flow_extract),
 * looked up in the megaflow table and executed; misses are handed up in
 * batches of up to DP_BATCH_MAX.  Output is queued per port and sent once
 * per port per received batch.  The "dummy" class (upcalld_dp_dummy.c)
 * runs the same engine with in-memory ports.
 *
 * Fairness: a port reads at most rx_budget packets each time the loop
 * finds it readable, and the loop visits every readable port each round,
 * so one flooding port cannot starve the others (and its misses are at
 * most rx_budget of every batch).  Nothing busy-polls: ports are read
 * only when epoll says so.
 */
#include "upcalld.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "coverage.h"
#include "ev.h"
#include "log.h"
#include "util.h"

LOG_MODULE(dp_user);

COVERAGE_DEFINE(dp_rx_truncated);
COVERAGE_DEFINE(dp_rx_malformed);
COVERAGE_DEFINE(dp_upcall_miss);
COVERAGE_DEFINE(dp_tx_no_port);
COVERAGE_DEFINE(dp_tx_too_big);
COVERAGE_DEFINE(dp_port_gone);
COVERAGE_DEFINE(dp_recirc_too_deep);

#define RX_BUDGET 32
#define RECIRC_MAX 6

static struct log_rl rx_rl = LOG_RL_INIT(5, 20);

static void flush_upcalls(struct udp_dp *dp);
static void arm_expiry(struct udp_dp *dp);
static void lookup_and_run(struct udp_dp *dp, struct dp_packet *p,
			   struct mvs_key *key, uint64_t now);

/* ---- output ---- */

static struct uport *
port_get(const struct udp_dp *dp, uint32_t port_no)
{
	return port_no < dp->n_ports ? dp->ports[port_no] : NULL;
}

static void
port_send_queued(struct uport *port)
{
	if (port->txq.n)
		port->ops->send(port, &port->txq);
	port->txq.n = 0;
}

void
udp_flush_tx(struct udp_dp *dp)
{
	while (dp->tx_list) {
		struct uport *port = dp->tx_list;

		dp->tx_list = port->next_tx;
		port->tx_queued = false;
		port_send_queued(port);
	}
}

static void
enqueue(struct udp_dp *dp, struct uport *port, struct dp_packet *p)
{
	port->txq.pkts[port->txq.n++] = p;
	if (port->txq.n == DP_BATCH_MAX) {
		port_send_queued(port);
	} else if (!port->tx_queued) {
		port->tx_queued = true;
		port->next_tx = dp->tx_list;
		dp->tx_list = port;
	}
}

struct seg_ctx {
	struct udp_dp *dp;
	struct uport *port;
};

static void
enqueue_segment(void *aux, struct dp_packet *p)
{
	struct seg_ctx *c = aux;

	enqueue(c->dp, c->port, p);
}

static void
exec_output(void *aux, uint32_t port_no, struct dp_packet *p)
{
	struct udp_dp *dp = aux;
	struct uport *port = port_get(dp, port_no);

	if (!port) {
		coverage_inc(dp_tx_no_port);
		dp_packet_free(p);
		return;
	}
	if (!port->offload && p->offload.gso_type != MVS_GSO_NONE) {
		struct seg_ctx c = { dp, port };

		if (!dp_gso_segment(p, enqueue_segment, &c))
			port->stats->tx_dropped++;
		return;
	}
	/* A frame above the port's MTU (and no GSO segment) is dropped as
	 * the kernel would. */
	if (port->mtu && p->offload.gso_type == MVS_GSO_NONE &&
	    p->len > (uint32_t)port->mtu + ETH_HDR_LEN + 2 * VLAN_HDR_LEN) {
		coverage_inc(dp_tx_too_big);
		port->stats->tx_dropped++;
		dp_packet_free(p);
		return;
	}
	if (!port->offload)
		dp_packet_finish_csum(p);
	enqueue(dp, port, p);
}

static void
queue_upcall(struct udp_dp *dp, enum mvs_upcall_type type, struct dp_packet *p,
	     const struct mvs_key *key, const uint8_t *userdata, size_t len)
{
	struct dp_upcall *u = &dp->pending[dp->n_pending++];

	u->type = type;
	u->packet = p;
	u->key = *key;
	u->userdata = userdata;
	u->userdata_len = len;
	if (dp->n_pending == DP_BATCH_MAX)
		flush_upcalls(dp);
}

static void
exec_userspace(void *aux, const struct dp_packet *p, const struct mvs_key *key,
	       const uint8_t *userdata, size_t len)
{
	struct udp_dp *dp = aux;
	uint8_t *ud = NULL;

	if (len) {
		ud = xmalloc(len);
		memcpy(ud, userdata, len);
	}
	queue_upcall(dp, MVS_UPCALL_ACTION, dp_packet_clone(p), key, ud, len);
}

static void
exec_recirc(void *aux, struct dp_packet *p, struct mvs_key *key)
{
	struct udp_dp *dp = aux;

	if (dp->recirc_depth >= RECIRC_MAX) {
		coverage_inc(dp_recirc_too_deep);
		dp_packet_free(p);
		return;
	}
	dp->recirc_depth++;
	lookup_and_run(dp, p, key, time_mono_ms());
	dp->recirc_depth--;
}

static void
exec_tnl_pop(void *aux, struct dp_packet *p, uint32_t port_no)
{
	struct udp_dp *dp = aux;
	struct uport *port = port_get(dp, port_no);
	struct mvs_key key;

	if (!port || dp_tnl_pop(p, port, &key)) {
		if (port)
			port->stats->rx_errors++;
		dp_packet_free(p);
		return;
	}
	port->stats->rx_packets++;
	port->stats->rx_bytes += p->len;
	exec_recirc(dp, p, &key);
}

static bool
exec_meter(void *aux, uint32_t id, const struct dp_packet *p)
{
	return udp_meter_pass(aux, id, p);
}

static void
run_actions(struct udp_dp *dp, struct dp_packet *p, struct mvs_key *key,
	    const struct nlattr *actions, size_t len)
{
	const struct dp_exec_ops ops = { exec_output,  exec_userspace,
					 exec_recirc,  dp,
					 exec_tnl_pop, exec_meter };

	dp_execute(&ops, p, key, actions, len);
}

/* ---- the fast path ---- */

static void
flush_upcalls(struct udp_dp *dp)
{
	struct dp_upcall ups[DP_BATCH_MAX];
	size_t n = dp->n_pending;

	if (!n)
		return;
	/* The callee may execute packets, which may queue upcalls again:
	 * hand it a copy, so the queue is free for those. */
	memcpy(ups, dp->pending, n * sizeof *ups);
	dp->n_pending = 0;
	dp->upcall_ops->upcalls(dp->upcall_aux, &dp->up, ups, n);
}

static void
lookup_and_run(struct udp_dp *dp, struct dp_packet *p, struct mvs_key *key,
	       uint64_t now)
{
	unsigned probed = 0;
	uint32_t hash =
		flow_hash_5tuple(key, key->meta.in_port ^ key->meta.recirc_id);
	struct ft_flow *f = ft_lookup(&dp->ft, key, hash, &probed);

	p->hash = hash;
	dp->stats->n_mask_hit += probed;
	if (!f) {
		dp->stats->n_missed++;
		coverage_inc(dp_upcall_miss);
		queue_upcall(dp, MVS_UPCALL_MISS, p, key, NULL, 0);
		return;
	}
	dp->stats->n_hit++;
	ft_flow_used(f, p->len, ntohs(key->hdr.tcp_flags), now);
	run_actions(dp, p, key, f->actions, f->actions_len);
}

void
udp_receive(struct udp_dp *dp, struct uport *port, struct dp_batch *b)
{
	uint64_t now = time_mono_ms();

	for (unsigned i = 0; i < b->n; i++) {
		struct dp_packet *p = b->pkts[i];
		struct mvs_key key;

		p->in_port = port->port_no;
		port->stats->rx_packets++;
		port->stats->rx_bytes += p->len;
		memset(&key.meta, 0, sizeof key.meta);
		memset(&key.tun, 0, sizeof key.tun);
		key.meta.in_port = port->port_no;
		enum flow_status st = flow_extract(p, &key);
		if (st != FLOW_OK) {
			/* Still switched on what could be read, as Open
			 * vSwitch does; counted so it shows. */
			if (st == FLOW_TRUNCATED) {
				dp->n_truncated++;
				coverage_inc(dp_rx_truncated);
			} else {
				dp->n_malformed++;
				coverage_inc(dp_rx_malformed);
			}
			port->stats->rx_errors++;
			log_dbg("%s: %s frame of %u bytes", port->name,
				st == FLOW_TRUNCATED ? "truncated"
						     : "malformed",
				p->len);
		}
		lookup_and_run(dp, p, &key, now);
	}
	b->n = 0;
	udp_flush_tx(dp);
	flush_upcalls(dp);
}

static void
port_gone(struct uport *port, int err)
{
	log_warn_rl(&rx_rl, "%s: %s: port %u stops receiving", port->name,
		    strerror(-err), port->port_no);
	coverage_inc(dp_port_gone);
	if (port->io) {
		ev_io_del(port->io);
		port->io = NULL;
	}
}

#define DOWN_CHECK_MS 1000

static void
on_down_check(struct ev_timer *t, void *arg)
{
	struct uport *port = arg;

	(void)t;
	if (port->io && !vport_dev_exists(port->name))
		port_gone(port, -ENODEV);
}

static void
on_readable(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	struct uport *port = arg;
	struct dp_batch b = { 0 };
	int n = port->ops->recv(port, &b, port->dp->rx_budget);

	/* A device set down (port-mod, ip link) reports -ENETDOWN once,
	 * and receives again once it is up: go on polling.  Deleted, it
	 * reports the same, and then nothing: a device read as still there
	 * may have been on its way out, so look again a little later. */
	if (n == -ENETDOWN && vport_dev_exists(port->name)) {
		log_info_rl(&rx_rl, "%s: device down", port->name);
		if (port->down_check)
			ev_timer_rearm(port->down_check, DOWN_CHECK_MS);
		else
			port->down_check =
				ev_timer_add(port->dp->loop, DOWN_CHECK_MS,
					     false, on_down_check, port);
		return;
	}
	/* -ENETDOWN, -ENODEV, -ENXIO, -EBADFD: the device was deleted.
	 * Any other error would only repeat: stop polling either way, so a
	 * broken fd never spins the loop. */
	if (n < 0) {
		port_gone(port, n);
		return;
	}
	if (b.n)
		udp_receive(port->dp, port, &b);
}

/* ---- provider members ---- */

static int
port_attach(struct udp_dp *dp, struct uport *port, uint32_t port_no)
{
	if (port_no >= dp->n_ports) {
		uint32_t n = dp->n_ports;

		while (n <= port_no)
			n *= 2;
		dp->ports = xrealloc(dp->ports, n * sizeof *dp->ports);
		memset(dp->ports + dp->n_ports, 0,
		       (n - dp->n_ports) * sizeof *dp->ports);
		dp->n_ports = n;
	}
	port->dp = dp;
	port->port_no = port_no;
	/* A port taken over goes on counting where it was. */
	port->stats = &dp->ft.counters->ports[port_no];
	if (!port->kept)
		memset(port->stats, 0, sizeof *port->stats);
	if (port->fd >= 0) {
		int r = ev_io_add(dp->loop, port->fd, EPOLLIN, on_readable,
				  port, &port->io);
		if (r)
			return r;
	}
	dp->ports[port_no] = port;
	return 0;
}

static void
port_detach(struct udp_dp *dp, struct uport *port, bool destroy)
{
	struct uport **pp;

	for (pp = &dp->tx_list; *pp; pp = &(*pp)->next_tx) {
		if (*pp == port) {
			*pp = port->next_tx;
			break;
		}
	}
	for (unsigned i = 0; i < port->txq.n; i++)
		dp_packet_free(port->txq.pkts[i]);
	if (port->io)
		ev_io_del(port->io);
	if (port->down_check)
		ev_timer_del(port->down_check);
	dp->ports[port->port_no] = NULL;
	port->ops->close(port, destroy);
}

/* The flow table of datapath @dp: the one a previous upcalld kept, or a
 * new one (kept in its turn) when there is none or it is of another
 * version. */
static int
table_open(struct udp_dp *dp)
{
	const char *name = dp->up.name;
	int fd = dp->factory->keeps ? keep_state_take(name) : -ENOENT;
	size_t dropped = 0;
	int r;

	if (fd >= 0) {
		r = ft_adopt(&dp->ft, fd, &dropped);
		if (!r) {
			log_info("%s: flow table taken over: %zu flows, %zu "
				 "dropped (not whole)",
				 name, dp->ft.n_flows, dropped);
			return 0;
		}
		log_warn("%s: the kept flow table is unusable (%s): starting "
			 "empty",
			 name, r == -EPROTO ? "another version" : strerror(-r));
		close(fd);
		keep_remove_state(name);
	}
	r = ft_init(&dp->ft);
	if (r) {
		log_err("%s: no flow table: %s", name, strerror(-r));
		return r;
	}
	if (dp->factory->keeps)
		keep_state_put(name, ft_fd(&dp->ft));
	return 0;
}

int
udp_open(const struct dp_class *cls, const char *name, struct ev_loop *loop,
	 const struct dp_upcall_ops *ops, void *aux,
	 const struct uport_factory *factory, struct dp **dpp)
{
	struct udp_dp *dp = xzalloc(sizeof *dp);
	struct dp_port_spec local = { name, MVS_VPORT_TYPE_INTERNAL,
				      MVS_PORT_LOCAL, 0 };
	struct uport *port;
	int r;

	dp->up.cls = cls;
	dp->up.name = xstrdup(name);
	dp->loop = loop;
	dp->upcall_ops = ops;
	dp->upcall_aux = aux;
	dp->factory = factory;
	dp->rx_budget = RX_BUDGET;
	udp_meters_init(dp);
	r = table_open(dp);
	if (r) {
		udp_meters_destroy(dp);
		free(dp->up.name);
		free(dp);
		return r;
	}
	dp->stats = &dp->ft.counters->dp;
	dp->config.max_idle_ms = DP_DEFAULT_MAX_IDLE_MS;
	dp->config.flow_limit = DP_DEFAULT_FLOW_LIMIT;
	dp->ft.limit = DP_DEFAULT_FLOW_LIMIT;
	dp->n_ports = 16;
	dp->ports = xcalloc(dp->n_ports, sizeof *dp->ports);
	r = factory->open(dp, &local, &port);
	if (!r) {
		r = port_attach(dp, port, MVS_PORT_LOCAL);
		if (r)
			port->ops->close(port, true);
	}
	if (r) {
		if (factory->keeps)
			keep_remove_state(name);
		ft_destroy(&dp->ft);
		udp_meters_destroy(dp);
		free(dp->ports);
		free(dp->up.name);
		free(dp);
		return r;
	}
	arm_expiry(dp);
	*dpp = &dp->up;
	return 0;
}

void
udp_close(struct dp *dp_, bool destroy)
{
	struct udp_dp *dp = udp_dp_cast(dp_);

	if (destroy && dp->factory->keeps)
		keep_remove_state(dp->up.name);
	udp_flush_tx(dp);
	ev_timer_del(dp->tx_timer);
	if (dp->expire_timer)
		ev_timer_del(dp->expire_timer);
	for (uint32_t i = 0; i < dp->n_ports; i++)
		if (dp->ports[i])
			port_detach(dp, dp->ports[i], destroy);
	ft_destroy(&dp->ft);
	udp_meters_destroy(dp);
	free(dp->ports);
	free(dp->up.name);
	free(dp);
}

int
udp_get_stats(struct dp *dp_, struct mvs_dp_stats *stats)
{
	struct udp_dp *dp = udp_dp_cast(dp_);

	*stats = *dp->stats;
	stats->n_flows = dp->ft.n_flows;
	stats->n_masks = dp->ft.n_masks;
	stats->n_cache_hit = dp->ft.n_cache_hit;
	return 0;
}

int
udp_port_add(struct dp *dp_, const struct dp_port_spec *spec, uint32_t *port_no)
{
	struct udp_dp *dp = udp_dp_cast(dp_);
	uint32_t no = spec->port_no;
	struct dp_port_spec numbered = *spec;
	struct uport *port;
	int r;

	for (uint32_t i = 0; i < dp->n_ports; i++)
		if (dp->ports[i] && !strcmp(dp->ports[i]->name, spec->name))
			return -EBUSY;
	if (no == MVS_PORT_NONE) {
		for (no = 1; no <= MVS_PORT_MAX && port_get(dp, no); no++)
			;
		if (no > MVS_PORT_MAX)
			return -EFBIG;
	} else if (port_get(dp, no) || no == MVS_PORT_LOCAL) {
		return -EEXIST;
	}
	/* The factory knows the number: a kept port is stored under it. */
	numbered.port_no = no;
	r = dp->factory->open(dp, &numbered, &port);
	if (r)
		return r;
	r = port_attach(dp, port, no);
	if (r) {
		port->ops->close(port, true);
		return r;
	}
	*port_no = no;
	return 0;
}

int
udp_port_del(struct dp *dp_, uint32_t port_no)
{
	struct udp_dp *dp = udp_dp_cast(dp_);
	struct uport *port = port_get(dp, port_no);

	if (!port)
		return -ENOENT;
	port_detach(dp, port, true);
	return 0;
}

static void
port_info(struct uport *port, struct dp_port_info *info)
{
	memset(info, 0, sizeof *info);
	info->port_no = port->port_no;
	info->type = port->type;
	memcpy(info->name, port->name, sizeof info->name);
	info->mtu = port->mtu;
	port->ops->query(port, info);
	info->stats = *port->stats;
}

int
udp_port_query(struct dp *dp_, uint32_t port_no, struct dp_port_info *info)
{
	struct uport *port = port_get(udp_dp_cast(dp_), port_no);

	if (!port)
		return -ENOENT;
	port_info(port, info);
	return 0;
}

int
udp_port_set(struct dp *dp_, uint32_t port_no, bool admin_up,
	     const uint8_t *mac)
{
	struct uport *port = port_get(udp_dp_cast(dp_), port_no);

	if (!port)
		return -ENOENT;
	if (!port->ops->set)
		return -EOPNOTSUPP;
	return port->ops->set(port, admin_up, mac);
}

int
udp_port_dump(struct dp *dp_,
	      void (*fn)(void *aux, const struct dp_port_info *), void *aux)
{
	struct udp_dp *dp = udp_dp_cast(dp_);

	for (uint32_t i = 0; i < dp->n_ports; i++) {
		struct dp_port_info info;

		if (!dp->ports[i])
			continue;
		port_info(dp->ports[i], &info);
		fn(aux, &info);
	}
	return 0;
}

int
udp_flow_put(struct dp *dp_, const struct dp_flow_put *put)
{
	struct udp_dp *dp = udp_dp_cast(dp_);
	struct ft_flow *f = ft_find(&dp->ft, &put->ufid);

	if (f) {
		if (!(put->flags & MVS_FLOW_F_MODIFY))
			return -EEXIST;
		f = ft_set_actions(&dp->ft, f, put->actions, put->actions_len);
		if (!f)
			return -EFBIG;
		if (put->clear_stats) {
			memset(&f->stats, 0, sizeof f->stats);
			f->rep_packets = f->rep_bytes = 0;
		}
		return 0;
	}
	if (!(put->flags & MVS_FLOW_F_CREATE))
		return -ENOENT;
	int r = ft_insert(&dp->ft, &put->ufid, put->key, put->mask,
			  put->actions, put->actions_len, time_mono_ms(), &f);
	if (!r) {
		f->rep_set = put->tracked;
		arm_expiry(dp);
	}
	return r;
}

int
udp_flow_del(struct dp *dp_, const struct mvs_ufid *ufid,
	     struct mvs_flow_stats *stats)
{
	struct udp_dp *dp = udp_dp_cast(dp_);
	struct ft_flow *f = ft_find(&dp->ft, ufid);

	if (!f)
		return -ENOENT;
	if (stats)
		*stats = f->stats;
	ft_remove(&dp->ft, f);
	return 0;
}

static void
remove_one(void *aux, struct ft_flow *f)
{
	ft_remove(aux, f);
}

int
udp_flow_flush(struct dp *dp_)
{
	struct udp_dp *dp = udp_dp_cast(dp_);

	ft_for_each(&dp->ft, remove_one, &dp->ft);
	return 0;
}

/* @f of @ft as the provider interface shows a flow. */
static void
flow_of(const struct flow_table *ft, const struct ft_flow *f,
	struct dp_flow *df)
{
	df->ufid = f->ufid;
	df->key = &f->key;
	df->mask = ft_flow_mask(ft, f);
	df->actions = f->actions;
	df->actions_len = f->actions_len;
	df->stats = f->stats;
	df->has_reported = f->rep_set != 0;
	df->rep_packets = f->rep_packets;
	df->rep_bytes = f->rep_bytes;
}

void
udp_flow_set_reported(struct dp *dp_, const struct mvs_ufid *ufid,
		      uint64_t n_packets, uint64_t n_bytes)
{
	struct ft_flow *f = ft_find(&udp_dp_cast(dp_)->ft, ufid);

	if (f) {
		f->rep_packets = n_packets;
		f->rep_bytes = n_bytes;
		f->rep_set = 1;
	}
}

struct dump_ctx {
	const struct flow_table *ft;
	dp_flow_dump_fn *fn;
	void *aux;
};

static void
dump_one(void *aux, struct ft_flow *f)
{
	struct dump_ctx *c = aux;
	struct dp_flow df;

	flow_of(c->ft, f, &df);

	c->fn(c->aux, &df);
}

int
udp_flow_dump(struct dp *dp_, dp_flow_dump_fn *fn, void *aux)
{
	struct udp_dp *dp = udp_dp_cast(dp_);
	struct dump_ctx c = { &dp->ft, fn, aux };

	ft_for_each(&dp->ft, dump_one, &c);
	return 0;
}

int
udp_flow_dump_part(struct dp *dp_, uint64_t *cursor, size_t max,
		   dp_flow_dump_fn *fn, void *aux)
{
	struct udp_dp *dp = udp_dp_cast(dp_);
	struct dump_ctx c = { &dp->ft, fn, aux };

	return ft_for_each_part(&dp->ft, cursor, max, dump_one, &c);
}

static void
on_tx_flush(struct ev_timer *t, void *arg)
{
	struct udp_dp *dp = arg;

	ev_timer_del(t);
	dp->tx_timer = NULL;
	udp_flush_tx(dp);
}

int
udp_execute(struct dp *dp_, struct dp_packet *packet, const struct mvs_key *key,
	    const struct nlattr *actions, size_t actions_len)
{
	struct udp_dp *dp = udp_dp_cast(dp_);
	struct mvs_key k = *key;

	run_actions(dp, packet, &k, actions, actions_len);
	/* Executes come in batches (vswitchd's answer to a batch of
	 * misses): their output is sent once, when the loop gets back,
	 * instead of one system call per packet. */
	if (dp->tx_list && !dp->tx_timer)
		dp->tx_timer =
			ev_timer_add(dp->loop, 0, false, on_tx_flush, dp);
	flush_upcalls(dp);
	return 0;
}

static void
expired_one(void *aux, struct ft_flow *f)
{
	struct udp_dp *dp = aux;
	struct dp_flow df;

	flow_of(&dp->ft, f, &df);

	if (dp->upcall_ops->expired)
		dp->upcall_ops->expired(dp->upcall_aux, &dp->up, &df);
}

size_t
udp_expire(struct udp_dp *dp)
{
	if (!dp->config.max_idle_ms)
		return 0;
	return ft_expire(&dp->ft, time_mono_ms(), dp->config.max_idle_ms,
			 expired_one, dp);
}

/* Expiry runs a few times per max-idle, at most once a second and at
 * least every 100 ms, and only while there are flows: an empty datapath
 * has no timer. */
static uint64_t
expire_period(const struct udp_dp *dp)
{
	uint64_t p = dp->config.max_idle_ms / 4;

	return p < 100 ? 100 : p > 1000 ? 1000 : p;
}

static void
on_expire_timer(struct ev_timer *t, void *arg)
{
	struct udp_dp *dp = arg;

	udp_expire(dp);
	if (!dp->ft.n_flows || !dp->config.max_idle_ms) {
		ev_timer_del(t);
		dp->expire_timer = NULL;
	}
}

static void
arm_expiry(struct udp_dp *dp)
{
	if (dp->config.max_idle_ms && !dp->expire_timer && dp->ft.n_flows)
		dp->expire_timer = ev_timer_add(dp->loop, expire_period(dp),
						true, on_expire_timer, dp);
}

int
udp_set_config(struct dp *dp_, const struct dp_config *cfg)
{
	struct udp_dp *dp = udp_dp_cast(dp_);

	dp->config = *cfg;
	dp->ft.limit = cfg->flow_limit;
	if (dp->expire_timer) {
		ev_timer_del(dp->expire_timer);
		dp->expire_timer = NULL;
	}
	arm_expiry(dp);
	return 0;
}

static int
netdev_open(const struct dp_class *cls, const char *name, struct ev_loop *loop,
	    const struct dp_upcall_ops *ops, void *aux, struct dp **dpp)
{
	return udp_open(cls, name, loop, ops, aux, &netdev_port_factory, dpp);
}

const struct dp_class dp_netdev_class = UDP_DP_CLASS("netdev", netdev_open);
