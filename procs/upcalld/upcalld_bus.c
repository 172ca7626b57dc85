/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_bus: upcalld's answers to vswitchd's datapath calls (dp_hello,
 * dp_open, dp_port_add/del/dump/set, dp_meter_set/del/dump, dp_config,
 * dp_execute, dp_flow_del of bus/catalogue.txt), each a thin wrapper
 * around the datapath front end (upcalld_dp.h).  Ports, flows and meters
 * go back as uAPI attributes (lib/flow/dpmsg.h); whatever vswitchd sends
 * is checked and a bad request refused with -EINVAL, never trusted.
 */
#include "upcalld.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "dpmsg.h"
#include "log.h"
#include "util.h"

LOG_MODULE(upcalld_bus);

COVERAGE_DEFINE(upcalld_bad_request);

static struct log_rl bad_rl = LOG_RL_INIT(5, 20);

/* Answers @req with dp_reply carrying @ports and @flows (either may be
 * NULL or empty). */
static void
reply_dp(struct bus_req *req, struct upcalld *u, const struct nlbuf *ports,
	 const struct nlbuf *flows)
{
	struct bus_msg_dp_reply r = { .boot = u->boot };

	if (ports)
		bus_msg_dp_reply_set_ports(&r, ports->data, ports->len);
	if (flows)
		bus_msg_dp_reply_set_flows(&r, flows->data, flows->len);
	bus_reply_dp_reply(req, &r);
}

/* Answers @req with @r's error, or with an empty dp_reply. */
static void
reply_result(struct bus_req *req, struct upcalld *u, int r)
{
	if (r)
		bus_reply_error(req, r, "%s", strerror(-r));
	else
		reply_dp(req, u, NULL, NULL);
}

/* The datapath @name names, or an error reply (-ENOENT) and NULL. */
static struct upc_dp *
find_dp(struct bus_req *req, struct upcalld *u, const char *name)
{
	struct upc_dp *ud = upc_dp_find(u, name);

	if (!ud)
		bus_reply_error(req, -ENOENT, "%s: no such datapath", name);
	return ud;
}

static void
refuse(struct bus_req *req, const char *what)
{
	coverage_inc(upcalld_bad_request);
	log_warn_rl(&bad_rl, "refused a malformed %s from vswitchd", what);
	bus_reply_error(req, -EINVAL, "malformed %s", what);
}

void
upcalld_on_dp_hello(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_dp_hello *m = msg;
	struct upcalld *u = aux;
	struct bus_msg_dp_hello_reply r = { .boot = u->boot };
	static const char *const iface_types[] = { "internal", "system",
						   "tap",      "vxlan",
						   "gre",      "geneve" };
	const char *types[8], *names[64];
	char *owned[64];
	size_t n_types = 0, n_names = 0;
	struct upc_dp *ud;

	for (size_t i = 0; i < n_dp_classes && n_types < 8; i++)
		types[n_types++] = dp_classes[i]->type;
	LIST_FOR_EACH (ud, node, &u->dps) {
		if (n_names == 64)
			break;
		owned[n_names] = xstrdup(ud->name);
		names[n_names] = owned[n_names];
		n_names++;
	}
	bus_msg_dp_hello_reply_set_dp_types(&r, types, n_types);
	bus_msg_dp_hello_reply_set_iface_types(&r, iface_types,
					       ARRAY_SIZE(iface_types));
	if (n_names)
		bus_msg_dp_hello_reply_set_datapaths(&r, names, n_names);
	if (m->boot != u->vsw_boot)
		log_info("vswitchd %016llx says hello",
			 (unsigned long long)m->boot);
	upc_vswitchd_seen(u, m->boot, u->vsw_version);
	bus_reply_dp_hello_reply(req, &r);
	for (size_t i = 0; i < n_names; i++)
		free(owned[i]);
}

static void
put_port(struct nlbuf *b, struct dp *dp, uint32_t port_no)
{
	struct dp_port_info info;

	if (!dp_port_query(dp, port_no, &info))
		dpmsg_put_port(b, &info);
}

void
upcalld_on_dp_open(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_dp_open *m = msg;
	struct upcalld *u = aux;
	struct nlbuf ports = NLBUF_EMPTY;
	struct upc_dp *ud;
	int r = upc_dp_open(u, m->type, m->name, &ud);

	if (r) {
		bus_reply_error(req, r, "could not open datapath %s@%s (%s)",
				m->type, m->name, strerror(-r));
		return;
	}
	put_port(&ports, ud->dp, MVS_PORT_LOCAL);
	reply_dp(req, u, &ports, NULL);
	nl_buf_free(&ports);
}

void
upcalld_on_dp_port_add(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_dp_port_add *m = msg;
	struct upcalld *u = aux;
	struct upc_dp *ud = find_dp(req, u, m->dp);
	struct nlbuf ports = NLBUF_EMPTY;
	struct dp_port_spec spec = { m->name, (enum mvs_vport_type)0,
				     MVS_PORT_NONE, 0 };
	uint32_t port_no;
	int r;

	if (!ud)
		return;
	if (!m->vport_type || m->vport_type >= __MVS_VPORT_TYPE_MAX) {
		refuse(req, "dp_port_add");
		return;
	}
	spec.type = (enum mvs_vport_type)m->vport_type;
	if (bus_msg_dp_port_add_has_port_no(m)) {
		if (m->port_no > MVS_PORT_MAX) {
			refuse(req, "dp_port_add");
			return;
		}
		spec.port_no = (uint32_t)m->port_no;
	}
	r = dp_port_add(ud->dp, &spec, &port_no);
	if (r) {
		bus_reply_error(req, r, "%s", strerror(-r));
		return;
	}
	put_port(&ports, ud->dp, port_no);
	reply_dp(req, u, &ports, NULL);
	nl_buf_free(&ports);
}

struct in_port_ctx {
	uint32_t port_no;
	struct mvs_ufid *ufids;
	size_t n, cap;
};

static void
collect_in_port(void *aux, const struct dp_flow *f)
{
	struct in_port_ctx *c = aux;

	if (f->mask->meta.in_port && f->key->meta.in_port == c->port_no) {
		if (c->n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 16;
			c->ufids =
				xrealloc(c->ufids, c->cap * sizeof *c->ufids);
		}
		c->ufids[c->n++] = f->ufid;
	}
}

void
upcalld_on_dp_port_del(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_dp_port_del *m = msg;
	struct upcalld *u = aux;
	struct upc_dp *ud = find_dp(req, u, m->dp);
	struct in_port_ctx c = { 0 };

	if (!ud)
		return;
	if (m->port_no > MVS_PORT_MAX) {
		refuse(req, "dp_port_del");
		return;
	}
	c.port_no = (uint32_t)m->port_no;
	/* The datapath leaves the port's flows to its caller. */
	dp_flow_dump(ud->dp, collect_in_port, &c);
	for (size_t i = 0; i < c.n; i++) {
		struct mvs_flow_stats st;

		if (!dp_flow_del(ud->dp, &c.ufids[i], &st))
			upc_flow_gone(ud, &c.ufids[i], &st);
	}
	free(c.ufids);
	reply_result(req, u, dp_port_del(ud->dp, c.port_no));
	if (c.n)
		upc_reval_schedule(u, false);
}

static void
dump_port(void *aux, const struct dp_port_info *info)
{
	dpmsg_put_port(aux, info);
}

/* Sets port @port_no of @dp up or down and, with @mac, its address:
 * through the datapath where the port has no device (a dummy port), else
 * through its device.  0 or -errno. */
static int
port_set(struct dp *dp, uint32_t port_no, bool admin_up,
	 const struct bus_bin *mac)
{
	struct dp_port_info info;
	int r;

	if (mac && mac->len != 6)
		return -EINVAL;
	r = dp_port_set(dp, port_no, admin_up, mac ? mac->data : NULL);
	if (r != -EOPNOTSUPP)
		return r;
	r = dp_port_query(dp, port_no, &info);
	if (!r && !info.ifindex)
		r = -ENODEV;
	if (!r && mac)
		r = vport_dev_set_mac(info.name, mac->data);
	if (!r)
		r = vport_dev_set_up(info.name, admin_up);
	return r;
}

void
upcalld_on_dp_port_set(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_dp_port_set *m = msg;
	struct upcalld *u = aux;
	struct upc_dp *ud = find_dp(req, u, m->dp);
	struct nlbuf ports = NLBUF_EMPTY;
	int r;

	if (!ud)
		return;
	if (m->port_no > MVS_PORT_MAX) {
		refuse(req, "dp_port_set");
		return;
	}
	r = port_set(ud->dp, (uint32_t)m->port_no, m->admin_up,
		     bus_msg_dp_port_set_has_mac(m) ? &m->mac : NULL);
	if (r) {
		bus_reply_error(req, r, "%s", strerror(-r));
		return;
	}
	put_port(&ports, ud->dp, (uint32_t)m->port_no);
	reply_dp(req, u, &ports, NULL);
	nl_buf_free(&ports);
}

void
upcalld_on_dp_meter_set(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_dp_meter_set *m = msg;
	struct upcalld *u = aux;
	struct upc_dp *ud = find_dp(req, u, m->dp);
	struct dpmsg_meter dm;
	struct dpmsg_buf b;
	const struct nlattr *a;
	size_t left, n = 0;
	int r;

	if (!ud)
		return;
	if (dpmsg_open(&b, m->meter.data, m->meter.len)) {
		refuse(req, "dp_meter_set");
		return;
	}
	r = -EINVAL;
	DPMSG_FOR_EACH(a, left, &b)
	{
		n++;
		r = dpmsg_parse_meter(a, &dm);
	}
	dpmsg_buf_free(&b);
	if (r || n != 1) {
		refuse(req, "dp_meter_set");
		return;
	}
	reply_result(req, u, dp_meter_set(ud->dp, &dm));
}

void
upcalld_on_dp_meter_del(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_dp_meter_del *m = msg;
	struct upcalld *u = aux;
	struct upc_dp *ud = find_dp(req, u, m->dp);

	if (!ud)
		return;
	if (m->meter_id > MVS_METER_MAX) {
		refuse(req, "dp_meter_del");
		return;
	}
	reply_result(req, u, dp_meter_del(ud->dp, (uint32_t)m->meter_id));
}

static void
dump_meter(void *aux, const struct dpmsg_meter *m)
{
	dpmsg_put_meter(aux, m, true);
}

void
upcalld_on_dp_meter_dump(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_dp_meter_dump *m = msg;
	struct upcalld *u = aux;
	struct upc_dp *ud = find_dp(req, u, m->dp);
	struct bus_msg_dp_reply r = { .boot = u->boot };
	struct nlbuf meters = NLBUF_EMPTY;
	int err;

	if (!ud)
		return;
	err = dp_meter_dump(ud->dp, dump_meter, &meters);
	if (err) {
		bus_reply_error(req, err, "%s", strerror(-err));
	} else {
		bus_msg_dp_reply_set_meters(&r, meters.data, meters.len);
		bus_reply_dp_reply(req, &r);
	}
	nl_buf_free(&meters);
}

void
upcalld_on_dp_port_dump(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_dp_port_dump *m = msg;
	struct upcalld *u = aux;
	struct upc_dp *ud = find_dp(req, u, m->dp);
	struct nlbuf ports = NLBUF_EMPTY;

	if (!ud)
		return;
	dp_port_dump(ud->dp, dump_port, &ports);
	reply_dp(req, u, &ports, NULL);
	nl_buf_free(&ports);
}

void
upcalld_on_dp_config(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_dp_config *m = msg;
	struct upcalld *u = aux;
	struct upc_dp *ud = find_dp(req, u, m->dp);
	struct dp_config cfg;

	if (!ud)
		return;
	if (!m->flow_limit || m->flow_limit > UINT32_MAX ||
	    m->max_idle_ms > UINT32_MAX) {
		refuse(req, "dp_config");
		return;
	}
	cfg.max_idle_ms = (uint32_t)m->max_idle_ms;
	cfg.flow_limit =
		u->flow_limit_set ? u->flow_limit_set : (uint32_t)m->flow_limit;
	reply_result(req, u, dp_set_config(ud->dp, &cfg));
}

void
upcalld_on_dp_execute(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_dp_execute *m = msg;
	struct upcalld *u = aux;
	struct upc_dp *ud = find_dp(req, u, m->dp);
	struct dpmsg_buf b;
	struct dpmsg_packet pkt;
	struct dp_packet *p;
	int r;

	if (!ud)
		return;
	if (dpmsg_open(&b, m->packet.data, m->packet.len) ||
	    dpmsg_parse_packet(b.head, b.len, &pkt) || !pkt.actions) {
		dpmsg_buf_free(&b);
		refuse(req, "dp_execute");
		return;
	}
	p = dp_packet_clone_data(pkt.data, pkt.len);
	if (pkt.has_offload)
		p->offload = pkt.offload;
	r = dp_execute_packet(ud->dp, p, &pkt.key, pkt.actions,
			      pkt.actions_len);
	dpmsg_buf_free(&b);
	reply_result(req, u, r);
}

void
upcalld_on_dp_flow_del(struct bus_req *req, const void *msg, void *aux)
{
	const struct bus_msg_dp_flow_del *m = msg;
	struct upcalld *u = aux;
	struct upc_dp *ud = find_dp(req, u, m->dp);
	struct nlbuf out = NLBUF_EMPTY;
	const struct nlattr *a;
	struct dpmsg_buf b;
	size_t left;

	if (!ud)
		return;
	if (dpmsg_open(&b, m->flows.data, m->flows.len)) {
		refuse(req, "dp_flow_del");
		return;
	}
	DPMSG_FOR_EACH(a, left, &b)
	{
		struct dpmsg_flow f,
			done = { .present = DPMSG_F_UFID | DPMSG_F_STATS };
		struct mvs_flow_stats st;

		if (dpmsg_parse_flow(a, &f)) {
			dpmsg_buf_free(&b);
			nl_buf_free(&out);
			refuse(req, "dp_flow_del");
			return;
		}
		if (dp_flow_del(ud->dp, &f.ufid, &st))
			continue;
		done.ufid = f.ufid;
		upc_flow_delta(ud, &f.ufid, &st, &done.stats);
		upc_flow_forget(ud, &f.ufid);
		dpmsg_put_flow(&out, &done);
	}
	dpmsg_buf_free(&b);
	reply_dp(req, u, NULL, &out);
	nl_buf_free(&out);
}
