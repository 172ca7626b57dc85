/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dp_driver: runs upcalld's userspace datapath on its own, without
 * vswitchd, for the system tests and the benchmark: it opens a "netdev"
 * datapath (or, with --type system, the kernel module's, which the kmod
 * tests use), adds the given devices as ports, installs the given flows
 * (dpctl syntax, port names allowed) and forwards until SIGTERM.  Misses
 * are counted and dropped.  SIGUSR1 (and exit) write a report: datapath
 * and port counters and the dump-flows lines.  Flows installed by hand
 * never expire unless --max-idle says so.
 *
 * Usage: dp_driver --dp NAME [--type netdev|system]
 *                  [--port DEV[:system|tap|internal]]...
 *                  [--flow 'KEY ACTIONS']... [--max-idle MS] --report FILE
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev.h"
#include "log.h"
#include "nlattr.h"
#include "odp.h"
#include "upcalld.h"

static struct dp *dp;
static const char *dp_type = "netdev";
static const char *report_path;
static size_t n_upcalls;

static const struct dp_upcall_ops upcall_ops = { .upcalls =
							 dp_upcalls_discard };

static const char *
port_name(void *aux, uint32_t port_no)
{
	static struct dp_port_info info;

	return dp_port_query(dp, port_no, &info) ? NULL : info.name;
}

static int
port_lookup(void *aux, const char *name, uint32_t *port_no)
{
	for (uint32_t i = 0; i < 256; i++) {
		struct dp_port_info info;

		if (!dp_port_query(dp, i, &info) && !strcmp(info.name, name)) {
			*port_no = i;
			return 0;
		}
	}
	return -ENOENT;
}

static const struct odp_names names = { port_name, port_lookup, NULL };

static void
port_line(void *aux, const struct dp_port_info *i)
{
	fprintf(aux,
		"port %u %s rx %llu tx %llu rx_errors %llu rx_dropped %llu "
		"tx_dropped %llu tx_errors %llu\n",
		i->port_no, i->name, (unsigned long long)i->stats.rx_packets,
		(unsigned long long)i->stats.tx_packets,
		(unsigned long long)i->stats.rx_errors,
		(unsigned long long)i->stats.rx_dropped,
		(unsigned long long)i->stats.tx_dropped,
		(unsigned long long)i->stats.tx_errors);
}

static void
flow_line(void *aux, const struct dp_flow *f)
{
	struct ds s = DS_EMPTY;

	odp_format_flow(&s, &f->ufid, f->key, f->mask, f->actions,
			f->actions_len, &f->stats, false, NULL, time_mono_ms());
	fprintf(aux, "flow %s\n", ds_cstr(&s));
	ds_free(&s);
}

static void
write_report(void)
{
	char tmp[4096];
	struct mvs_dp_stats st;

	snprintf(tmp, sizeof tmp, "%s.tmp", report_path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return;
	dp_get_stats(dp, &st);
	fprintf(f, "hit %llu\nmissed %llu\nupcalls %llu\nflows %llu\n",
		(unsigned long long)st.n_hit, (unsigned long long)st.n_missed,
		(unsigned long long)n_upcalls, (unsigned long long)st.n_flows);
	if (!strcmp(dp_type, "netdev")) { /* the userspace engine's own */
		struct udp_dp *u = udp_dp_cast(dp);

		fprintf(f, "truncated %llu\nmalformed %llu\n",
			(unsigned long long)u->n_truncated,
			(unsigned long long)u->n_malformed);
	}
	dp_port_dump(dp, port_line, f);
	dp_flow_dump(dp, flow_line, f);
	fclose(f);
	rename(tmp, report_path);
}

static void
on_signal(int signo, void *arg)
{
	write_report();
	if (signo != SIGUSR1)
		ev_exit(arg, 0);
}

static int
add_port(const char *arg)
{
	char name[32];
	const char *colon = strchr(arg, ':');
	struct dp_port_spec s = { name, MVS_VPORT_TYPE_NETDEV, MVS_PORT_NONE,
				  0 };
	uint32_t no;

	snprintf(name, sizeof name, "%.*s",
		 (int)(colon ? (size_t)(colon - arg) : strlen(arg)), arg);
	if (colon && !strcmp(colon + 1, "tap"))
		s.type = MVS_VPORT_TYPE_TAP;
	else if (colon && !strcmp(colon + 1, "internal"))
		s.type = MVS_VPORT_TYPE_INTERNAL;
	return dp_port_add(dp, &s, &no);
}

static int
add_flow(uint32_t id, const char *key_s, const char *acts_s)
{
	struct mvs_key key, mask;
	struct nlbuf b = NLBUF_EMPTY;
	char *err = NULL;
	int r = odp_parse_key(key_s, &names, &key, &mask, &err);

	if (!r)
		r = odp_parse_actions(acts_s, &names, &b, &err);
	if (r) {
		fprintf(stderr, "dp_driver: %s\n", err);
		free(err);
		return r;
	}
	struct dp_flow_put put = {
		.ufid = { { id, 0x64703800, 0, 0 } },
		.key = &key,
		.mask = &mask,
		.actions = (const void *)b.data,
		.actions_len = b.len,
		.flags = MVS_FLOW_F_CREATE,
	};
	r = dp_flow_put(dp, &put);
	nl_buf_free(&b);
	return r;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dp", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "flow", required_argument, NULL, 'f' },
		{ "report", required_argument, NULL, 'r' },
		{ "max-idle", required_argument, NULL, 'i' },
		{ "type", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct ev_loop *loop;
	const char *dp_name = "dp8dp";
	struct dp_config cfg = { 0, DP_DEFAULT_FLOW_LIMIT };
	int opt, r;
	uint32_t n_flows = 0;

	log_init("dp_driver");
	if (ev_loop_new(&loop))
		return 1;
	/* Ports need the datapath; flows need the ports: two passes. */
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'd')
			dp_name = optarg;
		else if (opt == 'r')
			report_path = optarg;
		else if (opt == 'i')
			cfg.max_idle_ms = (uint32_t)atoi(optarg);
		else if (opt == 't')
			dp_type = optarg;
		else if (opt == '?')
			return 2;
	}
	if (!report_path)
		return 2;
	r = dp_open(dp_type, dp_name, loop, &upcall_ops, &n_upcalls, &dp);
	if (r) {
		fprintf(stderr, "dp_driver: open: %s\n", strerror(-r));
		return 1;
	}
	dp_set_config(dp, &cfg);
	optind = 0; /* GNU getopt: start over */
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'p' && (r = add_port(optarg))) {
			fprintf(stderr, "dp_driver: port %s: %s\n", optarg,
				strerror(-r));
			return 1;
		}
		if (opt == 'f') {
			char *key = xstrdup(optarg), *sp = strchr(key, ' ');
			if (!sp)
				return 2;
			*sp = '\0';
			r = add_flow(++n_flows, key, sp + 1);
			free(key);
			if (r) {
				fprintf(stderr, "dp_driver: flow: %s\n",
					strerror(-r));
				return 1;
			}
		}
	}
	ev_signal_add(loop, SIGTERM, on_signal, loop);
	ev_signal_add(loop, SIGINT, on_signal, loop);
	ev_signal_add(loop, SIGUSR1, on_signal, loop);
	write_report();
	r = ev_run(loop);
	dp_close(dp, true);
	ev_loop_free(loop);
	return r;
}
