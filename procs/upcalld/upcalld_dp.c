/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_dp: the front end of the datapath interface.  It finds the
 * class, checks every argument, counts and logs, so that the providers
 * (upcalld_dp_user.c for "netdev", upcalld_dp_dummy.c) stay small.
 */
#include "upcalld_dp.h"

#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "log.h"
#include "odp.h"

LOG_MODULE(dp);

COVERAGE_DEFINE(dp_open);
COVERAGE_DEFINE(dp_port_add);
COVERAGE_DEFINE(dp_meter_set);
COVERAGE_DEFINE(dp_port_del);
COVERAGE_DEFINE(dp_flow_put);
COVERAGE_DEFINE(dp_flow_put_error);
COVERAGE_DEFINE(dp_flow_del);
COVERAGE_DEFINE(dp_flow_flush);
COVERAGE_DEFINE(dp_execute);

const struct dp_class *const dp_classes[] = {
	&dp_netdev_class,
	&dp_dummy_class,
	&dp_system_class,
};
const size_t n_dp_classes = sizeof dp_classes / sizeof dp_classes[0];

static struct log_rl put_rl = LOG_RL_INIT(5, 20);
static struct dp *open_dps;

const struct dp_class *
dp_class_find(const char *type)
{
	for (size_t i = 0; i < n_dp_classes; i++)
		if (type && !strcmp(dp_classes[i]->type, type))
			return dp_classes[i];
	return NULL;
}

static bool
name_ok(const char *name)
{
	return name && name[0] && strlen(name) < IFNAMSIZ && !strchr(name, '/');
}

int
dp_open(const char *type, const char *name, struct ev_loop *loop,
	const struct dp_upcall_ops *ops, void *aux, struct dp **dpp)
{
	const struct dp_class *cls = dp_class_find(type);
	int r;

	*dpp = NULL;
	if (!cls) {
		log_warn("%s: datapath type \"%s\" is not supported", name,
			 type ? type : "");
		return -EAFNOSUPPORT;
	}
	if (!name_ok(name) || !loop || !ops || !ops->upcalls)
		return -EINVAL;
	coverage_inc(dp_open);
	if (dp_find(name))
		return -EEXIST;
	r = cls->open(cls, name, loop, ops, aux, dpp);
	if (r) {
		log_warn("%s@%s: open failed: %s", type, name, strerror(-r));
		return r;
	}
	(*dpp)->n_lost = 0;
	(*dpp)->config.max_idle_ms = DP_DEFAULT_MAX_IDLE_MS;
	(*dpp)->config.flow_limit = DP_DEFAULT_FLOW_LIMIT;
	log_info("%s@%s: opened", type, name);
	(*dpp)->next = open_dps;
	open_dps = *dpp;
	return 0;
}

struct dp *
dp_first(void)
{
	return open_dps;
}

struct dp *
dp_find(const char *name)
{
	const char *at = strchr(name, '@');

	for (struct dp *dp = open_dps; dp; dp = dp->next) {
		size_t n = at ? (size_t)(at - name) : 0;

		if (at && (strlen(dp->cls->type) != n ||
			   strncmp(dp->cls->type, name, n)))
			continue;
		if (!strcmp(dp->name, at ? at + 1 : name))
			return dp;
	}
	return NULL;
}

void
dp_close(struct dp *dp, bool destroy)
{
	if (!dp)
		return;
	log_info("%s@%s: closed%s", dp->cls->type, dp->name,
		 destroy ? " and destroyed" : "");
	for (struct dp **pp = &open_dps; *pp; pp = &(*pp)->next) {
		if (*pp == dp) {
			*pp = dp->next;
			break;
		}
	}
	dp->cls->close(dp, destroy);
}

int
dp_get_stats(struct dp *dp, struct mvs_dp_stats *stats)
{
	int r;

	memset(stats, 0, sizeof *stats);
	r = dp->cls->get_stats(dp, stats);
	stats->n_lost += dp->n_lost;
	return r;
}

void
dp_count_lost(struct dp *dp, uint64_t n)
{
	dp->n_lost += n;
}

void
dp_get_config(const struct dp *dp, struct dp_config *cfg)
{
	*cfg = dp->config;
}

int
dp_port_add(struct dp *dp, const struct dp_port_spec *spec, uint32_t *port_no)
{
	int r;

	if (!name_ok(spec->name) || spec->type <= MVS_VPORT_TYPE_UNSPEC ||
	    spec->type >= __MVS_VPORT_TYPE_MAX ||
	    (spec->port_no != MVS_PORT_NONE && spec->port_no > MVS_PORT_MAX))
		return -EINVAL;
	coverage_inc(dp_port_add);
	r = dp->cls->port_add(dp, spec, port_no);
	if (r)
		log_warn("%s@%s: adding port %s failed: %s", dp->cls->type,
			 dp->name, spec->name, strerror(-r));
	else
		log_info("%s@%s: added port %s as %u", dp->cls->type, dp->name,
			 spec->name, *port_no);
	return r;
}

int
dp_port_del(struct dp *dp, uint32_t port_no)
{
	int r;

	if (port_no == MVS_PORT_LOCAL || port_no > MVS_PORT_MAX)
		return -EINVAL;
	coverage_inc(dp_port_del);
	r = dp->cls->port_del(dp, port_no);
	if (!r)
		log_info("%s@%s: deleted port %u", dp->cls->type, dp->name,
			 port_no);
	return r;
}

int
dp_port_query(struct dp *dp, uint32_t port_no, struct dp_port_info *info)
{
	memset(info, 0, sizeof *info);
	return port_no > MVS_PORT_MAX ? -ENOENT
				      : dp->cls->port_query(dp, port_no, info);
}

int
dp_port_set(struct dp *dp, uint32_t port_no, bool admin_up, const uint8_t *mac)
{
	return dp->cls->port_set ? dp->cls->port_set(dp, port_no, admin_up, mac)
				 : -EOPNOTSUPP;
}

int
dp_port_dump(struct dp *dp, void (*fn)(void *aux, const struct dp_port_info *),
	     void *aux)
{
	return dp->cls->port_dump(dp, fn, aux);
}

int
dp_flow_put(struct dp *dp, const struct dp_flow_put *put)
{
	int r;

	if (!put->key || !put->mask ||
	    !(put->flags & (MVS_FLOW_F_CREATE | MVS_FLOW_F_MODIFY)) ||
	    put->mask->meta.recirc_id != UINT32_MAX ||
	    odp_actions_check(put->actions, put->actions_len)) {
		coverage_inc(dp_flow_put_error);
		log_warn_rl(&put_rl, "%s@%s: refused an invalid flow",
			    dp->cls->type, dp->name);
		return -EINVAL;
	}
	coverage_inc(dp_flow_put);
	r = dp->cls->flow_put(dp, put);
	if (r)
		coverage_inc(dp_flow_put_error);
	return r;
}

int
dp_flow_del(struct dp *dp, const struct mvs_ufid *ufid,
	    struct mvs_flow_stats *stats)
{
	coverage_inc(dp_flow_del);
	return dp->cls->flow_del(dp, ufid, stats);
}

int
dp_flow_flush(struct dp *dp)
{
	coverage_inc(dp_flow_flush);
	return dp->cls->flow_flush(dp);
}

void
dp_flow_set_reported(struct dp *dp, const struct mvs_ufid *ufid,
		     uint64_t n_packets, uint64_t n_bytes)
{
	if (dp->cls->flow_set_reported)
		dp->cls->flow_set_reported(dp, ufid, n_packets, n_bytes);
}

int
dp_set_config(struct dp *dp, const struct dp_config *cfg)
{
	if (!cfg->flow_limit)
		return -EINVAL;
	if (cfg->max_idle_ms == dp->config.max_idle_ms &&
	    cfg->flow_limit == dp->config.flow_limit)
		return 0;
	log_info("%s@%s: max-idle %u ms, flow-limit %u", dp->cls->type,
		 dp->name, cfg->max_idle_ms, cfg->flow_limit);
	int r = dp->cls->set_config(dp, cfg);
	if (!r)
		dp->config = *cfg;
	return r;
}

int
dp_meter_set(struct dp *dp, const struct dpmsg_meter *m)
{
	if (!dp->cls->meter_set)
		return -EOPNOTSUPP;
	if (!m->n_bands || m->n_bands > MVS_METER_BANDS_MAX ||
	    m->id > MVS_METER_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < m->n_bands; i++)
		if (!m->bands[i].rate)
			return -EINVAL;
	coverage_inc(dp_meter_set);
	return dp->cls->meter_set(dp, m);
}

int
dp_meter_del(struct dp *dp, uint32_t id)
{
	if (!dp->cls->meter_del)
		return -EOPNOTSUPP;
	return dp->cls->meter_del(dp, id);
}

int
dp_meter_dump(struct dp *dp, void (*fn)(void *aux, const struct dpmsg_meter *m),
	      void *aux)
{
	if (!dp->cls->meter_dump)
		return -EOPNOTSUPP;
	return dp->cls->meter_dump(dp, fn, aux);
}

int
dp_flow_dump(struct dp *dp, dp_flow_dump_fn *fn, void *aux)
{
	return dp->cls->flow_dump(dp, fn, aux);
}

int
dp_flow_dump_part(struct dp *dp, uint64_t *cursor, size_t max,
		  dp_flow_dump_fn *fn, void *aux)
{
	int r;

	if (dp->cls->flow_dump_part)
		return dp->cls->flow_dump_part(dp, cursor, max, fn, aux);
	r = dp->cls->flow_dump(dp, fn, aux);
	return r < 0 ? r : 0;
}

void
dp_upcall_done(struct dp_upcall *u)
{
	dp_packet_free(u->packet);
	free((void *)(uintptr_t)u->userdata);
	u->packet = NULL;
	u->userdata = NULL;
}

void
dp_upcalls_discard(void *aux, struct dp *dp, struct dp_upcall *ups, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dp_upcall_done(&ups[i]);
	if (aux)
		*(size_t *)aux += n;
}

int
dp_execute_packet(struct dp *dp, struct dp_packet *packet,
		  const struct mvs_key *key, const struct nlattr *actions,
		  size_t actions_len)
{
	if (odp_actions_check(actions, actions_len)) {
		dp_packet_free(packet);
		return -EINVAL;
	}
	coverage_inc(dp_execute);
	return dp->cls->execute(dp, packet, key, actions, actions_len);
}
