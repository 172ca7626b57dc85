/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_dpctl: the dpctl/ commands of `ovs-appctl` and `ovs-dpctl` on
 * the datapaths upcalld has open, with Open vSwitch 3.1's output: show
 * (with -s), dump-dps, dump-flows (with -m), add-flow, mod-flow,
 * del-flow, del-flows.  dpctl_run() does the work and is what the tests
 * call; the appctl handlers only wrap it.
 */
#include "upcalld.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "appctl.h"
#include "nlattr.h"
#include "odp.h"

/* Port names of @aux, a struct dp, for the -m text and for parsing. */
static const char *
name_of(void *aux, uint32_t port_no)
{
	static struct dp_port_info info;

	return dp_port_query(aux, port_no, &info) ? NULL : info.name;
}

struct lookup_ctx {
	const char *name;
	uint32_t port_no;
	bool found;
};

static void
lookup_one(void *aux, const struct dp_port_info *info)
{
	struct lookup_ctx *c = aux;

	if (!c->found && !strcmp(info->name, c->name)) {
		c->port_no = info->port_no;
		c->found = true;
	}
}

static int
lookup(void *aux, const char *name, uint32_t *port_no)
{
	struct lookup_ctx c = { name, 0, false };

	dp_port_dump(aux, lookup_one, &c);
	*port_no = c.port_no;
	return c.found ? 0 : -ENOENT;
}

/* As Open vSwitch shows a port's type: the userspace datapath's internal
 * ports are tap devices, the kernel's ("system") are internal devices. */
static const char *
vport_type_name(enum mvs_vport_type t, bool system)
{
	switch (t) {
	case MVS_VPORT_TYPE_INTERNAL:
		return system ? "internal" : "tap";
	case MVS_VPORT_TYPE_TAP:
		return "tap";
	case MVS_VPORT_TYPE_VXLAN:
		return "vxlan";
	case MVS_VPORT_TYPE_GRE:
		return "gre";
	case MVS_VPORT_TYPE_GENEVE:
		return "geneve";
	default:
		return NULL; /* a system device: no type shown */
	}
}

static void
human_size(struct ds *out, uint64_t v)
{
	static const char *const units[] = { "TiB", "GiB", "MiB", "KiB" };

	for (int i = 0; i < 4; i++) {
		double d = (double)(1ULL << (10 * (4 - i)));

		if (v >= (uint64_t)d) {
			ds_printf(out, " (%.1f %s)", (double)v / d, units[i]);
			return;
		}
	}
}

struct show_ctx {
	struct ds *out;
	bool stats;
	bool system; /* the kernel datapath */
};

static void
show_port(void *aux, const struct dp_port_info *i)
{
	struct show_ctx *c = aux;
	const char *type = vport_type_name(i->type, c->system);
	const struct mvs_port_stats *s = &i->stats;

	ds_printf(c->out, "  port %" PRIu32 ": %s", i->port_no, i->name);
	if (type)
		ds_printf(c->out, " (%s)", type);
	ds_put_char(c->out, '\n');
	if (!c->stats)
		return;
	ds_printf(c->out,
		  "    RX packets:%llu errors:%llu dropped:%llu overruns:0 "
		  "frame:0\n"
		  "    TX packets:%llu errors:%llu dropped:%llu aborted:0 "
		  "carrier:0\n"
		  "    collisions:0\n"
		  "    RX bytes:%llu",
		  (unsigned long long)s->rx_packets,
		  (unsigned long long)s->rx_errors,
		  (unsigned long long)s->rx_dropped,
		  (unsigned long long)s->tx_packets,
		  (unsigned long long)s->tx_errors,
		  (unsigned long long)s->tx_dropped,
		  (unsigned long long)s->rx_bytes);
	human_size(c->out, s->rx_bytes);
	ds_printf(c->out, "  TX bytes:%llu", (unsigned long long)s->tx_bytes);
	human_size(c->out, s->tx_bytes);
	ds_put_char(c->out, '\n');
}

static void
show(struct ds *out, struct dp *dp, bool stats)
{
	struct mvs_dp_stats st;
	struct show_ctx c = { out, stats, !strcmp(dp->cls->type, "system") };

	dp_get_stats(dp, &st);
	ds_printf(out,
		  "%s@%s:\n  lookups: hit:%llu missed:%llu lost:%llu\n"
		  "  flows: %llu\n",
		  dp->cls->type, dp->name, (unsigned long long)st.n_hit,
		  (unsigned long long)st.n_missed,
		  (unsigned long long)st.n_lost,
		  (unsigned long long)st.n_flows);
	dp_port_dump(dp, show_port, &c);
}

struct dump_ctx {
	struct ds *out;
	bool verbose;
	const struct odp_names *names;
};

static void
dump_one(void *aux, const struct dp_flow *f)
{
	struct dump_ctx *c = aux;

	odp_format_flow(c->out, &f->ufid, f->key, f->mask, f->actions,
			f->actions_len, &f->stats, c->verbose, c->names,
			time_mono_ms());
	ds_put_char(c->out, '\n');
}

/* The datapath an optional leading argument names, or the only one. */
static struct dp *
pick_dp(int *argc, const char ***argv, int needed, struct ds *out)
{
	struct dp *dp;

	if (*argc > needed) {
		dp = dp_find((*argv)[0]);
		if (!dp)
			ds_printf(out, "%s: no such datapath", (*argv)[0]);
		++*argv;
		--*argc;
		return dp;
	}
	dp = dp_first();
	if (!dp)
		ds_put(out, "no datapaths exist");
	else if (dp->next)
		ds_put(out, "multiple datapaths, specify one");
	return dp && !dp->next ? dp : NULL;
}

/* A ufid for a flow added by hand: a hash of its text, as Open vSwitch
 * derives one from the key. */
static struct mvs_ufid
ufid_of(const char *s)
{
	struct mvs_ufid u;

	for (int i = 0; i < 4; i++)
		u.w[i] = hash_bytes(s, strlen(s), (uint32_t)i * 0x9e3779b9u);
	return u;
}

static int
put_flow(struct dp *dp, const struct odp_names *names, const char *key_s,
	 const char *acts_s, uint32_t flags, struct ds *out)
{
	struct mvs_key key, mask;
	struct nlbuf b = NLBUF_EMPTY;
	char *err = NULL;
	int r = odp_parse_key(key_s, names, &key, &mask, &err);

	if (!r)
		r = odp_parse_actions(acts_s, names, &b, &err);
	if (r) {
		ds_put(out, err);
		free(err);
		return r;
	}
	struct dp_flow_put put = {
		.ufid = ufid_of(key_s),
		.key = &key,
		.mask = &mask,
		.actions = (const void *)b.data,
		.actions_len = b.len,
		.flags = flags,
	};
	r = dp_flow_put(dp, &put);
	if (r)
		ds_printf(out, "updating flow table (%s)", strerror(-r));
	nl_buf_free(&b);
	return r;
}

int
dpctl_run(const char *cmd, int argc, const char *argv[], struct ds *out)
{
	bool flag_s = false, flag_m = false;
	struct dp *dp;

	while (argc && argv[0][0] == '-') {
		if (!strcmp(argv[0], "-s") || !strcmp(argv[0], "--statistics"))
			flag_s = true;
		else if (!strcmp(argv[0], "-m") || !strcmp(argv[0], "--more"))
			flag_m = true;
		else
			break;
		argv++;
		argc--;
	}
	if (!strcmp(cmd, "dump-dps")) {
		for (dp = dp_first(); dp; dp = dp->next)
			ds_printf(out, "%s@%s\n", dp->cls->type, dp->name);
		return 0;
	}
	if (!strcmp(cmd, "show")) {
		if (argc)
			return (dp = pick_dp(&argc, &argv, 0, out))
				       ? (show(out, dp, flag_s), 0)
				       : -ENOENT;
		for (dp = dp_first(); dp; dp = dp->next)
			show(out, dp, flag_s);
		return 0;
	}
	int needed = !strcmp(cmd, "add-flow") || !strcmp(cmd, "mod-flow") ? 2
		     : !strcmp(cmd, "del-flow")				  ? 1
									  : 0;
	if (!(dp = pick_dp(&argc, &argv, needed, out)))
		return -ENOENT;
	const struct odp_names names = { name_of, lookup, dp };
	if (!strcmp(cmd, "dump-flows")) {
		struct dump_ctx c = { out, flag_m, &names };

		/* The userspace datapath dumps from the main thread (Open
		 * vSwitch's dpif-netdev says which thread's flows follow). */
		ds_put(out, "flow-dump from the main thread:\n");
		return dp_flow_dump(dp, dump_one, &c);
	}
	if (!strcmp(cmd, "del-flows"))
		return dp_flow_flush(dp);
	if (argc != needed) {
		ds_printf(out, "dpctl/%s: wrong number of arguments", cmd);
		return -EINVAL;
	}
	if (!strcmp(cmd, "add-flow"))
		return put_flow(dp, &names, argv[0], argv[1], MVS_FLOW_F_CREATE,
				out);
	if (!strcmp(cmd, "mod-flow"))
		return put_flow(dp, &names, argv[0], argv[1], MVS_FLOW_F_MODIFY,
				out);
	if (!strcmp(cmd, "del-flow")) {
		struct mvs_ufid u = ufid_of(argv[0]);
		int r;

		if (!strncmp(argv[0], "ufid:", 5) &&
		    odp_parse_ufid(argv[0], &u))
			return -EINVAL;
		r = dp_flow_del(dp, &u, NULL);
		if (r)
			ds_printf(out, "deleting flow (%s)", strerror(-r));
		return r;
	}
	ds_printf(out, "dpctl/%s: unknown command", cmd);
	return -EINVAL;
}

static void
on_dpctl(struct appctl_conn *c, int argc, const char *argv[], void *aux)
{
	struct ds out = DS_EMPTY;

	if (dpctl_run(aux, argc, argv, &out))
		appctl_reply_error(c, "%s", ds_cstr(&out));
	else
		appctl_reply(c, ds_cstr(&out));
	ds_free(&out);
}

void
upcalld_dpctl_register(void)
{
	static const struct {
		const char *name, *usage;
		int min, max;
	} cmds[] = {
		{ "show", "[-s] [DP...]", 0, 4 },
		{ "dump-dps", "", 0, 0 },
		{ "dump-flows", "[-m] [DP]", 0, 3 },
		{ "add-flow", "[DP] FLOW ACTIONS", 2, 3 },
		{ "mod-flow", "[DP] FLOW ACTIONS", 2, 3 },
		{ "del-flow", "[DP] FLOW|ufid:UFID", 1, 2 },
		{ "del-flows", "[DP]", 0, 1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		char *name = xasprintf("dpctl/%s", cmds[i].name);

		/* The name stays registered for the process's life. */
		appctl_register(name, cmds[i].usage, cmds[i].min, cmds[i].max,
				on_dpctl, (void *)(uintptr_t)cmds[i].name);
	}
}
