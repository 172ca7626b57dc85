/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mvs-kctl: drives the microvs kernel module for its tests, as
 * ovs-dpctl drives openvswitch.ko: datapaths, ports, flows in Open
 * vSwitch's dpctl syntax, meters, execute, and a listener for upcalls that can
 * also act as a hub controller (every miss becomes a flow that floods).
 * Usage: mvs-kctl help.
 */
#include "kctl.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "odp.h"
#include "util.h"

static const char usage[] =
	"usage: mvs-kctl COMMAND [ARG...]\n"
	"  add-dp DP [cache=N]            create datapath DP\n"
	"  del-dp DP                      delete it\n"
	"  set-dp DP [cache=N] [pid=N] [limit=N] mask cache, upcall port,\n"
	"                                 flow limit\n"
	"  show [DP]                      counters and ports\n"
	"  add-if DP DEV[,type=T][,port=N] T: netdev internal vxlan gre "
	"geneve\n"
	"  del-if DP DEV\n"
	"  add-flow DP KEY ACTIONS [UFID] install (dpctl syntax, plus a\n"
	"                                 leading tunnel(...) in KEY and\n"
	"                                 set(tunnel(...)) in ACTIONS)\n"
	"  mod-flow DP UFID ACTIONS [clear]\n"
	"  del-flow DP UFID               prints its final statistics\n"
	"  del-flows DP\n"
	"  get-flow DP UFID\n"
	"  dump-flows [-m] DP\n"
	"  execute DP KEY HEXFRAME ACTIONS (KEY gives in_port and metadata)\n"
	"  set-meter DP ID [kbps] RATE[:BURST]... create or replace meter ID\n"
	"                                 with a drop band per RATE\n"
	"  del-meter DP ID\n"
	"  dump-meters DP                 meters with their counters\n"
	"  listen DP [-n N] [-t SECS] [--per-port] [--hub] [-v]\n"
	"         [--wait-file F]         (read nothing until F exists)\n"
	"                                 print upcalls (--hub: answer each\n"
	"                                 miss with a flood flow)\n"
	"  keycheck DP PEERDEV            kernel keys against lib/flow\n"
	"  badinput DP                    malformed requests are refused\n"
	"  inject DEV HEXFRAME [COUNT]    send a frame on DEV (no module)\n"
	"  sniff DEV [-n N] [-t SECS]     print frames DEV receives, in hex\n";

static struct kctl K;

static void NORETURN PRINTF_FMT(1, 2) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mvs-kctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Exits with the kernel's error if @err is one. */
static void
check(int err, const char *what)
{
	if (err)
		die("%s: %s%s%s", what, strerror(-err), K.errmsg[0] ? ": " : "",
		    K.errmsg);
}

static int
dp_index(const char *name)
{
	int i = kctl_dp_ifindex(&K, name);

	if (i < 0)
		die("%s: no such datapath (%s)", name, strerror(-i));
	return i;
}

static const void *
attr_data(struct nlattr **a, int type, size_t size)
{
	if (!a[type] || (size_t)nla_len(a[type]) != size)
		die("reply without attribute %d of %zu bytes", type, size);
	return nla_data(a[type]);
}

/* ---- datapaths and ports ---- */

static int
dp_apply_opts(struct nl_msg *msg, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		unsigned v;

		if (sscanf(argv[i], "cache=%u", &v) == 1)
			nla_put_u32(msg, MVS_DP_ATTR_MASKS_CACHE_SIZE, v);
		else if (sscanf(argv[i], "pid=%u", &v) == 1)
			nla_put_u32(msg, MVS_DP_ATTR_UPCALL_PID, v);
		else if (sscanf(argv[i], "limit=%u", &v) == 1)
			nla_put_u32(msg, MVS_DP_ATTR_FLOW_LIMIT, v);
		else
			die("%s: unknown option", argv[i]);
	}
	return 0;
}

/* NEW, DEL or SET of datapath argv[1], with the options after it. */
static int
dp_request(int argc, char **argv, uint8_t cmd)
{
	struct nl_msg *msg = kctl_msg(&K, KF_DP, cmd, 0, 0);

	nla_put_string(msg, MVS_DP_ATTR_NAME, argv[1]);
	dp_apply_opts(msg, argc - 2, argv + 2);
	check(kctl_transact(&K, msg, MVS_DP_ATTR_MAX, NULL, NULL), argv[1]);
	return 0;
}

static int
cmd_add_dp(int argc, char **argv)
{
	return dp_request(argc, argv, MVS_CMD_NEW);
}

static int
cmd_del_dp(int argc, char **argv)
{
	return dp_request(argc, argv, MVS_CMD_DEL);
}

static int
cmd_set_dp(int argc, char **argv)
{
	return dp_request(argc, argv, MVS_CMD_SET);
}

static const char *const type_names[] = {
	[MVS_VPORT_TYPE_NETDEV] = "netdev",
	[MVS_VPORT_TYPE_INTERNAL] = "internal",
	[MVS_VPORT_TYPE_TAP] = "tap",
	[MVS_VPORT_TYPE_VXLAN] = "vxlan",
	[MVS_VPORT_TYPE_GRE] = "gre",
	[MVS_VPORT_TYPE_GENEVE] = "geneve",
};

struct port {
	uint32_t no, type, pid;
	char name[IFNAMSIZ];
	struct mvs_port_stats st;
};

struct ports {
	struct port p[256];
	size_t n;
};

static void
got_port(void *aux, const struct mvs_header *hdr, struct nlattr **a)
{
	struct ports *ps = aux;
	struct port *p;

	if (ps->n >= ARRAY_SIZE(ps->p))
		return;
	p = &ps->p[ps->n++];
	p->no = *(const uint32_t *)attr_data(a, MVS_VPORT_ATTR_PORT_NO, 4);
	p->type = *(const uint32_t *)attr_data(a, MVS_VPORT_ATTR_TYPE, 4);
	p->pid = *(const uint32_t *)attr_data(a, MVS_VPORT_ATTR_UPCALL_PID, 4);
	snprintf(p->name, sizeof p->name, "%s",
		 (const char *)nla_data(a[MVS_VPORT_ATTR_NAME]));
	memcpy(&p->st, attr_data(a, MVS_VPORT_ATTR_STATS, sizeof p->st),
	       sizeof p->st);
}

static int
port_cmp(const void *a, const void *b)
{
	const struct port *x = a, *y = b;

	return x->no < y->no ? -1 : x->no > y->no;
}

static void
dump_ports(int ifindex, struct ports *ps)
{
	struct nl_msg *msg =
		kctl_msg(&K, KF_VPORT, MVS_CMD_GET, NLM_F_DUMP, ifindex);

	ps->n = 0;
	check(kctl_transact(&K, msg, MVS_VPORT_ATTR_MAX, got_port, ps),
	      "port dump");
	qsort(ps->p, ps->n, sizeof ps->p[0], port_cmp);
}

struct dp_info {
	char name[IFNAMSIZ];
	int ifindex;
	struct mvs_dp_stats st;
	uint32_t cache, limit;
};

static void
got_dp(void *aux, const struct mvs_header *hdr, struct nlattr **a)
{
	struct dp_info *d = aux;

	d->ifindex = hdr->dp_ifindex;
	snprintf(d->name, sizeof d->name, "%s",
		 (const char *)nla_data(a[MVS_DP_ATTR_NAME]));
	memcpy(&d->st, attr_data(a, MVS_DP_ATTR_STATS, sizeof d->st),
	       sizeof d->st);
	d->cache = *(const uint32_t *)attr_data(a, MVS_DP_ATTR_MASKS_CACHE_SIZE,
						4);
	d->limit = *(const uint32_t *)attr_data(a, MVS_DP_ATTR_FLOW_LIMIT, 4);
}

static void
show_one(const char *name)
{
	struct nl_msg *msg = kctl_msg(&K, KF_DP, MVS_CMD_GET, 0, 0);
	const struct mvs_dp_stats *s;
	struct dp_info d;
	struct ports ps;

	nla_put_string(msg, MVS_DP_ATTR_NAME, name);
	check(kctl_transact(&K, msg, MVS_DP_ATTR_MAX, got_dp, &d), name);
	s = &d.st;
	printf("mvs@%s:\n", d.name);
	printf("  lookups: hit:%llu missed:%llu lost:%llu\n",
	       (unsigned long long)s->n_hit, (unsigned long long)s->n_missed,
	       (unsigned long long)s->n_lost);
	printf("  flows: %llu (limit %u)\n", (unsigned long long)s->n_flows,
	       d.limit);
	printf("  masks: hit:%llu total:%llu hit/pkt:%.2f\n",
	       (unsigned long long)s->n_mask_hit,
	       (unsigned long long)s->n_masks,
	       s->n_hit + s->n_missed ? (double)s->n_mask_hit /
						(double)(s->n_hit + s->n_missed)
				      : 0.0);
	printf("  cache: hit:%llu hit-rate:%.2f%% size:%u\n",
	       (unsigned long long)s->n_cache_hit,
	       s->n_hit ? 100.0 * (double)s->n_cache_hit / (double)s->n_hit
			: 0.0,
	       d.cache);
	dump_ports(d.ifindex, &ps);
	for (size_t i = 0; i < ps.n; i++) {
		const struct port *p = &ps.p[i];

		printf("  port %u: %s", p->no, p->name);
		if (p->type != MVS_VPORT_TYPE_NETDEV)
			printf(" (%s)", type_names[p->type]);
		printf("\n    RX packets:%llu bytes:%llu dropped:%llu\n"
		       "    TX packets:%llu bytes:%llu dropped:%llu\n",
		       (unsigned long long)p->st.rx_packets,
		       (unsigned long long)p->st.rx_bytes,
		       (unsigned long long)p->st.rx_dropped,
		       (unsigned long long)p->st.tx_packets,
		       (unsigned long long)p->st.tx_bytes,
		       (unsigned long long)p->st.tx_dropped);
	}
}

struct names {
	char name[64][IFNAMSIZ];
	size_t n;
};

static void
got_dp_name(void *aux, const struct mvs_header *hdr, struct nlattr **a)
{
	struct names *ns = aux;

	if (ns->n < ARRAY_SIZE(ns->name))
		snprintf(ns->name[ns->n++], IFNAMSIZ, "%s",
			 (const char *)nla_data(a[MVS_DP_ATTR_NAME]));
}

static int
cmd_show(int argc, char **argv)
{
	struct names ns = { .n = 0 };

	if (argc > 1) {
		show_one(argv[1]);
		return 0;
	}
	check(kctl_transact(&K, kctl_msg(&K, KF_DP, MVS_CMD_GET, NLM_F_DUMP, 0),
			    MVS_DP_ATTR_MAX, got_dp_name, &ns),
	      "datapath dump");
	for (size_t i = 0; i < ns.n; i++)
		show_one(ns.name[i]);
	return 0;
}

static int
vport_type(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(type_names); i++)
		if (type_names[i] && !strcmp(type_names[i], s))
			return (int)i;
	die("%s: unknown port type", s);
}

static void
got_port_no(void *aux, const struct mvs_header *hdr, struct nlattr **a)
{
	*(uint32_t *)aux =
		*(const uint32_t *)attr_data(a, MVS_VPORT_ATTR_PORT_NO, 4);
}

static int
cmd_add_if(int argc, char **argv)
{
	char *spec = xstrdup(argv[2]), *save = NULL;
	char *dev = strtok_r(spec, ",", &save), *opt;
	struct nl_msg *msg;
	int type = MVS_VPORT_TYPE_NETDEV;
	uint32_t no;

	msg = kctl_msg(&K, KF_VPORT, MVS_CMD_NEW, 0, dp_index(argv[1]));
	while ((opt = strtok_r(NULL, ",", &save))) {
		if (!strncmp(opt, "type=", 5))
			type = vport_type(opt + 5);
		else if (sscanf(opt, "port=%u", &no) == 1)
			nla_put_u32(msg, MVS_VPORT_ATTR_PORT_NO, no);
		else
			die("%s: unknown option", opt);
	}
	nla_put_string(msg, MVS_VPORT_ATTR_NAME, dev);
	nla_put_u32(msg, MVS_VPORT_ATTR_TYPE, (uint32_t)type);
	check(kctl_transact(&K, msg, MVS_VPORT_ATTR_MAX, got_port_no, &no),
	      dev);
	printf("%u\n", no);
	free(spec);
	return 0;
}

static int
cmd_del_if(int argc, char **argv)
{
	struct nl_msg *msg =
		kctl_msg(&K, KF_VPORT, MVS_CMD_DEL, 0, dp_index(argv[1]));

	nla_put_string(msg, MVS_VPORT_ATTR_NAME, argv[2]);
	check(kctl_transact(&K, msg, MVS_VPORT_ATTR_MAX, NULL, NULL), argv[2]);
	return 0;
}

/* ---- flows ---- */

static uint64_t
fnv(const void *p, size_t n, uint64_t h)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* A ufid for a flow the command line did not name: a hash of key & mask
 * and the mask. */
static void
ufid_of(const struct mvs_key *key, const struct mvs_key *mask,
	struct mvs_ufid *ufid)
{
	struct mvs_key m = *key;
	uint64_t a, b;

	for (size_t i = 0; i < sizeof m; i++)
		((uint8_t *)&m)[i] &= ((const uint8_t *)mask)[i];
	a = fnv(mask, sizeof *mask, fnv(&m, sizeof m, 0xcbf29ce484222325ull));
	b = fnv(mask, sizeof *mask, fnv(&m, sizeof m, 0x84222325cbf29ce4ull));
	memcpy(&ufid->w[0], &a, 8);
	memcpy(&ufid->w[2], &b, 8);
}

static void
parse_ufid(const char *s, struct mvs_ufid *ufid)
{
	if (odp_parse_ufid(s, ufid))
		die("%s: not a ufid", s);
}

/* "tunnel(tun_id=N,src=IP,dst=IP,ttl=N,tos=N,tp_dst=N,flags(df|csum|key))"
 * at the start of @s, which lib/flow's parser does not know: fills @tun
 * (and @mask, all ones for each field given) and returns what follows
 * the closing parenthesis and a comma, or @s when there is none. */
static const char *
parse_tunnel(const char *s, const char *prefix, struct mvs_key_tunnel *tun,
	     struct mvs_key_tunnel *mask)
{
	size_t plen = strlen(prefix);
	char buf[256], *save = NULL, *f;
	const char *end = s + plen;
	int depth = 0;

	if (strncmp(s, prefix, plen))
		return s;
	/* The parenthesis that closes the prefix's first one. */
	for (const char *p = s; *p; p++) {
		depth += *p == '(';
		depth -= *p == ')';
		if (*p == ')' && !depth) {
			end = p + 1;
			break;
		}
	}
	if (depth || end - s - (long)plen >= (long)sizeof buf)
		die("%s: unterminated %s", s, prefix);
	/* The fields, without the closing parentheses of the prefix. */
	snprintf(buf, sizeof buf, "%.*s",
		 (int)(end - s - (long)plen - (*prefix == 's' ? 2 : 1)),
		 s + plen);
	for (f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		unsigned long long v;
		struct in_addr a;

		if (sscanf(f, "tun_id=%lli", (long long *)&v) == 1) {
			tun->tun_id = htobe64(v);
			mask->tun_id = UINT64_MAX;
		} else if (!strncmp(f, "src=", 4) && inet_aton(f + 4, &a)) {
			tun->ipv4_src = a.s_addr;
			mask->ipv4_src = UINT32_MAX;
		} else if (!strncmp(f, "dst=", 4) && inet_aton(f + 4, &a)) {
			tun->ipv4_dst = a.s_addr;
			mask->ipv4_dst = UINT32_MAX;
		} else if (sscanf(f, "ttl=%lli", (long long *)&v) == 1) {
			tun->ttl = (uint8_t)v;
			mask->ttl = 0xff;
		} else if (sscanf(f, "tos=%lli", (long long *)&v) == 1) {
			tun->tos = (uint8_t)v;
			mask->tos = 0xff;
		} else if (sscanf(f, "tp_dst=%lli", (long long *)&v) == 1) {
			tun->tp_dst = htons((uint16_t)v);
			mask->tp_dst = UINT16_MAX;
		} else if (!strncmp(f, "flags(", 6)) {
			if (strstr(f, "df"))
				tun->flags |= MVS_TNL_F_DONT_FRAGMENT;
			if (strstr(f, "csum"))
				tun->flags |= MVS_TNL_F_CSUM;
			if (strstr(f, "key"))
				tun->flags |= MVS_TNL_F_KEY;
			mask->flags = UINT16_MAX;
		} else {
			die("%s: unknown tunnel field", f);
		}
	}
	return *end == ',' ? end + 1 : end;
}

static void
parse_key(const char *s, struct mvs_key *key, struct mvs_key *mask)
{
	struct mvs_key_tunnel tun = { 0 }, tmask = { 0 };
	char *err = NULL;

	s = parse_tunnel(s, "tunnel(", &tun, &tmask);
	if (odp_parse_key(s, NULL, key, mask, &err))
		die("%s: %s", s, err ? err : "bad key");
	key->tun = tun;
	mask->tun = tmask;
}

static void
parse_actions(const char *s, struct nlbuf *acts)
{
	struct mvs_key_tunnel tun = { 0 }, tmask = { 0 };
	const char *rest = parse_tunnel(s, "set(tunnel(", &tun, &tmask);
	char *err = NULL;

	if (rest != s)
		nl_put(acts, MVS_ACTION_ATTR_SET_TUNNEL, &tun, sizeof tun);
	if (odp_parse_actions(rest, NULL, acts, &err))
		die("%s: %s", rest, err ? err : "bad actions");
}

static int
cmd_add_flow(int argc, char **argv)
{
	struct nlbuf acts = NLBUF_EMPTY;
	struct mvs_key key, mask;
	struct mvs_ufid ufid;
	struct nl_msg *msg;

	parse_key(argv[2], &key, &mask);
	parse_actions(argv[3], &acts);
	if (argc > 4)
		parse_ufid(argv[4], &ufid);
	else
		ufid_of(&key, &mask, &ufid);
	msg = kctl_msg(&K, KF_FLOW, MVS_CMD_NEW, 0, dp_index(argv[1]));
	nla_put(msg, MVS_FLOW_ATTR_UFID, sizeof ufid, &ufid);
	nla_put(msg, MVS_FLOW_ATTR_KEY, sizeof key, &key);
	nla_put(msg, MVS_FLOW_ATTR_MASK, sizeof mask, &mask);
	nla_put(msg, MVS_FLOW_ATTR_ACTIONS, (int)acts.len, acts.data);
	check(kctl_transact(&K, msg, MVS_FLOW_ATTR_MAX, NULL, NULL),
	      "add-flow");
	nl_buf_free(&acts);
	return 0;
}

static int
cmd_mod_flow(int argc, char **argv)
{
	struct nlbuf acts = NLBUF_EMPTY;
	struct mvs_ufid ufid;
	struct nl_msg *msg;

	parse_ufid(argv[2], &ufid);
	parse_actions(argv[3], &acts);
	msg = kctl_msg(&K, KF_FLOW, MVS_CMD_SET, 0, dp_index(argv[1]));
	nla_put(msg, MVS_FLOW_ATTR_UFID, sizeof ufid, &ufid);
	nla_put(msg, MVS_FLOW_ATTR_ACTIONS, (int)acts.len, acts.data);
	if (argc > 4 && !strcmp(argv[4], "clear"))
		nla_put_flag(msg, MVS_FLOW_ATTR_CLEAR);
	check(kctl_transact(&K, msg, MVS_FLOW_ATTR_MAX, NULL, NULL),
	      "mod-flow");
	nl_buf_free(&acts);
	return 0;
}

struct flow_print {
	bool verbose;
	size_t n;
};

static void
got_flow(void *aux, const struct mvs_header *hdr, struct nlattr **a)
{
	struct flow_print *fp = aux;
	struct ds ds = DS_EMPTY;
	const struct mvs_ufid *ufid =
		attr_data(a, MVS_FLOW_ATTR_UFID, sizeof *ufid);
	const struct mvs_flow_stats *st =
		attr_data(a, MVS_FLOW_ATTR_STATS, sizeof *st);

	fp->n++;
	if (!a[MVS_FLOW_ATTR_KEY]) { /* a delete: statistics only */
		odp_format_ufid(&ds, ufid);
		ds_put(&ds, ", ");
		odp_format_stats(&ds, st, time_mono_ms());
	} else {
		const struct nlattr *acts = a[MVS_FLOW_ATTR_ACTIONS];

		if (odp_actions_check(nla_data(acts), (size_t)nla_len(acts)))
			die("the module returned actions that do not parse");
		odp_format_flow(
			&ds, ufid,
			attr_data(a, MVS_FLOW_ATTR_KEY, sizeof(struct mvs_key)),
			attr_data(a, MVS_FLOW_ATTR_MASK,
				  sizeof(struct mvs_key)),
			nla_data(acts), (size_t)nla_len(acts), st, fp->verbose,
			NULL, time_mono_ms());
	}
	puts(ds_cstr(&ds));
	ds_free(&ds);
}

/* DEL (prints the final statistics) or GET of the flow argv[2]. */
static int
flow_by_ufid(char **argv, uint8_t cmd, bool verbose)
{
	struct flow_print fp = { .verbose = verbose };
	struct mvs_ufid ufid;
	struct nl_msg *msg;

	parse_ufid(argv[2], &ufid);
	msg = kctl_msg(&K, KF_FLOW, cmd, 0, dp_index(argv[1]));
	nla_put(msg, MVS_FLOW_ATTR_UFID, sizeof ufid, &ufid);
	check(kctl_transact(&K, msg, MVS_FLOW_ATTR_MAX, got_flow, &fp),
	      argv[0]);
	return 0;
}

static int
cmd_del_flow(int argc, char **argv)
{
	return flow_by_ufid(argv, MVS_CMD_DEL, false);
}

static int
cmd_del_flows(int argc, char **argv)
{
	struct nl_msg *msg =
		kctl_msg(&K, KF_FLOW, MVS_CMD_DEL, 0, dp_index(argv[1]));

	check(kctl_transact(&K, msg, MVS_FLOW_ATTR_MAX, NULL, NULL),
	      "del-flows");
	return 0;
}

static int
cmd_get_flow(int argc, char **argv)
{
	return flow_by_ufid(argv, MVS_CMD_GET, true);
}

static int
cmd_dump_flows(int argc, char **argv)
{
	struct flow_print fp = { 0 };
	const char *dp = argv[1];

	if (argc > 2 && !strcmp(argv[1], "-m")) {
		fp.verbose = true;
		dp = argv[2];
	}
	check(kctl_transact(&K,
			    kctl_msg(&K, KF_FLOW, MVS_CMD_GET, NLM_F_DUMP,
				     dp_index(dp)),
			    MVS_FLOW_ATTR_MAX, got_flow, &fp),
	      "dump-flows");
	return 0;
}

static int
cmd_execute(int argc, char **argv)
{
	struct nlbuf acts = NLBUF_EMPTY;
	struct mvs_key key, mask;
	static uint8_t frame[65536];
	struct nl_msg *msg;
	size_t len;

	parse_key(argv[2], &key, &mask);
	if (kctl_hex(argv[3], frame, sizeof frame, &len))
		die("%s: not a hex frame", argv[3]);
	parse_actions(argv[4], &acts);
	msg = kctl_msg(&K, KF_PACKET, MVS_CMD_EXECUTE, 0, dp_index(argv[1]));
	nla_put(msg, MVS_PACKET_ATTR_PACKET, (int)len, frame);
	nla_put(msg, MVS_PACKET_ATTR_KEY, sizeof key, &key);
	nla_put(msg, MVS_PACKET_ATTR_ACTIONS, (int)acts.len, acts.data);
	check(kctl_transact(&K, msg, MVS_PACKET_ATTR_MAX, NULL, NULL),
	      "execute");
	nl_buf_free(&acts);
	return 0;
}

/* ---- upcalls ---- */

struct listener {
	int ifindex;
	bool verbose, hub;
	struct ports ports;
	size_t n, max;
	size_t per_port[256]; /* upcalls by the index of the port in ports */
	uint32_t installed[65536 / 32];
};

static void
hub_answer(struct listener *l, const struct mvs_key *key, const void *pkt,
	   size_t len)
{
	struct nlbuf acts = NLBUF_EMPTY;
	struct mvs_key k, mask;
	struct mvs_ufid ufid;
	uint32_t in = key->meta.in_port;
	struct nl_msg *msg;
	int err;

	for (size_t i = 0; i < l->ports.n; i++)
		if (l->ports.p[i].no != in &&
		    l->ports.p[i].no != MVS_PORT_LOCAL)
			nl_put_u32(&acts, MVS_ACTION_ATTR_OUTPUT,
				   l->ports.p[i].no);
	if (in < 65536 && !(l->installed[in / 32] & (1u << (in % 32)))) {
		memset(&k, 0, sizeof k);
		memset(&mask, 0, sizeof mask);
		k.meta.in_port = in;
		mask.meta.in_port = UINT32_MAX;
		mask.meta.recirc_id = UINT32_MAX;
		ufid_of(&k, &mask, &ufid);
		msg = kctl_msg(&K, KF_FLOW, MVS_CMD_NEW, 0, l->ifindex);
		nla_put(msg, MVS_FLOW_ATTR_UFID, sizeof ufid, &ufid);
		nla_put(msg, MVS_FLOW_ATTR_KEY, sizeof k, &k);
		nla_put(msg, MVS_FLOW_ATTR_MASK, sizeof mask, &mask);
		nla_put(msg, MVS_FLOW_ATTR_ACTIONS, (int)acts.len, acts.data);
		err = kctl_transact(&K, msg, MVS_FLOW_ATTR_MAX, NULL, NULL);
		if (err && err != -EEXIST)
			check(err, "hub flow");
		l->installed[in / 32] |= 1u << (in % 32);
	}
	msg = kctl_msg(&K, KF_PACKET, MVS_CMD_EXECUTE, 0, l->ifindex);
	nla_put(msg, MVS_PACKET_ATTR_PACKET, (int)len, pkt);
	nla_put(msg, MVS_PACKET_ATTR_KEY, sizeof *key, key);
	nla_put(msg, MVS_PACKET_ATTR_ACTIONS, (int)acts.len, acts.data);
	check(kctl_transact(&K, msg, MVS_PACKET_ATTR_MAX, NULL, NULL),
	      "hub execute");
	nl_buf_free(&acts);
}

static int
on_upcall(struct nl_msg *msg, void *arg)
{
	struct listener *l = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *a[MVS_PACKET_ATTR_MAX + 1];
	const struct mvs_key *key;
	const struct nlattr *pkt;

	if (genlmsg_parse(nlh, sizeof(struct mvs_header), a,
			  MVS_PACKET_ATTR_MAX, NULL) < 0)
		die("upcall does not parse");
	key = attr_data(a, MVS_PACKET_ATTR_KEY, sizeof *key);
	pkt = a[MVS_PACKET_ATTR_PACKET];
	if (!pkt || !a[MVS_PACKET_ATTR_TYPE])
		die("upcall without packet or type");
	printf("upcall %s port=%u len=%d eth_type=0x%04x",
	       gh->cmd == MVS_CMD_MISS ? "miss" : "action", key->meta.in_port,
	       nla_len(pkt), ntohs(key->hdr.eth_type));
	if (a[MVS_PACKET_ATTR_USERDATA])
		printf(" userdata=%d", nla_len(a[MVS_PACKET_ATTR_USERDATA]));
	if (l->verbose) {
		struct mvs_key full;
		struct ds ds = DS_EMPTY;

		memset(&full, 0xff, sizeof full);
		odp_format_key(&ds, key, &full, false, NULL);
		printf(" %s", ds_cstr(&ds));
		ds_free(&ds);
	}
	putchar('\n');
	fflush(stdout);
	l->n++;
	for (size_t i = 0; i < l->ports.n; i++)
		if (l->ports.p[i].no == key->meta.in_port)
			l->per_port[i]++;
	if (l->hub && gh->cmd == MVS_CMD_MISS)
		hub_answer(l, key, nla_data(pkt), (size_t)nla_len(pkt));
	return NL_OK;
}

static struct nl_sock *
upcall_socket(struct listener *l)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk || genl_connect(sk) < 0)
		die("cannot open an upcall socket");
	nl_socket_disable_seq_check(sk);
	nl_socket_set_nonblocking(sk);
	nl_socket_set_buffer_size(sk, 1 << 20, 0);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_upcall, l);
	return sk;
}

static void
set_port_pid(int ifindex, uint32_t port_no, uint32_t pid)
{
	struct nl_msg *msg = kctl_msg(&K, KF_VPORT, MVS_CMD_SET, 0, ifindex);

	nla_put_u32(msg, MVS_VPORT_ATTR_PORT_NO, port_no);
	nla_put_u32(msg, MVS_VPORT_ATTR_UPCALL_PID, pid);
	check(kctl_transact(&K, msg, MVS_VPORT_ATTR_MAX, NULL, NULL),
	      "set port pid");
}

/* Reads upcalls until @l->max of them (0: no limit) or @secs seconds
 * without one.  With @per_port every port gets its own socket and they
 * are read in turn, a bounded number each. */
static int
cmd_listen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "per-port", no_argument, NULL, 'p' },
		{ "hub", no_argument, NULL, 'h' },
		{ "wait-file", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct listener *l = xzalloc(sizeof *l);
	struct nl_sock *socks[256];
	struct pollfd pfd[256];
	bool per_port = false;
	const char *wait_file = NULL;
	int secs = 5, c;
	size_t ns = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "n:t:v", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			l->max = strtoul(optarg, NULL, 10);
			break;
		case 't':
			secs = atoi(optarg);
			break;
		case 'v':
			l->verbose = true;
			break;
		case 'p':
			per_port = true;
			break;
		case 'h':
			l->hub = true;
			break;
		case 'w':
			wait_file = optarg;
			break;
		default:
			die("%s", usage);
		}
	}
	if (optind >= argc)
		die("%s", usage);
	l->ifindex = dp_index(argv[optind]);
	dump_ports(l->ifindex, &l->ports);
	if (per_port) {
		for (size_t i = 0; i < l->ports.n; i++) {
			socks[ns] = upcall_socket(l);
			set_port_pid(l->ifindex, l->ports.p[i].no,
				     nl_socket_get_local_port(socks[ns]));
			ns++;
		}
	} else {
		struct nl_msg *msg =
			kctl_msg(&K, KF_DP, MVS_CMD_SET, 0, l->ifindex);

		/* Every port's misses to the datapath's socket. */
		for (size_t i = 0; i < l->ports.n; i++)
			if (l->ports.p[i].pid)
				set_port_pid(l->ifindex, l->ports.p[i].no, 0);
		socks[ns] = upcall_socket(l);
		nla_put_u32(msg, MVS_DP_ATTR_UPCALL_PID,
			    nl_socket_get_local_port(socks[ns]));
		check(kctl_transact(&K, msg, MVS_DP_ATTR_MAX, NULL, NULL),
		      "set upcall pid");
		ns++;
	}
	printf("listening\n");
	fflush(stdout);
	/* Upcalls queue in the sockets until @wait_file appears. */
	while (wait_file && access(wait_file, F_OK))
		usleep(20000);
	for (size_t i = 0; i < ns; i++)
		pfd[i] = (struct pollfd){ nl_socket_get_fd(socks[i]), POLLIN,
					  0 };
	while (!l->max || l->n < l->max) {
		int n = poll(pfd, ns, secs * 1000);

		if (n <= 0)
			break;
		/* A bounded batch from each ready socket in turn. */
		for (size_t i = 0; i < ns; i++)
			if (pfd[i].revents & POLLIN)
				for (int b = 0; b < 8; b++)
					if (nl_recvmsgs_default(socks[i]) < 0)
						break;
	}
	for (size_t i = 0; i < ns; i++)
		nl_socket_free(socks[i]);
	for (size_t i = 0; i < l->ports.n; i++)
		printf("upcalls port=%u count=%zu\n", l->ports.p[i].no,
		       l->per_port[i]);
	fprintf(stderr, "%zu upcalls\n", l->n);
	free(l);
	return 0;
}

/* ---- raw frames (these need no module) ---- */

static int
packet_socket(const char *dev, struct sockaddr_ll *sll)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	memset(sll, 0, sizeof *sll);
	sll->sll_family = AF_PACKET;
	sll->sll_protocol = htons(ETH_P_ALL);
	sll->sll_ifindex = (int)if_nametoindex(dev);
	if (fd < 0 || !sll->sll_ifindex)
		die("%s: %s", dev, fd < 0 ? strerror(errno) : "no such device");
	if (bind(fd, (struct sockaddr *)sll, sizeof *sll))
		die("bind to %s: %s", dev, strerror(errno));
	return fd;
}

static int
cmd_inject(int argc, char **argv)
{
	static uint8_t frame[65536];
	struct sockaddr_ll sll;
	unsigned long count = argc > 3 ? strtoul(argv[3], NULL, 10) : 1;
	int fd = packet_socket(argv[1], &sll);
	size_t len;

	if (kctl_hex(argv[2], frame, sizeof frame, &len) || len < 14)
		die("%s: not a hex frame", argv[2]);
	for (unsigned long i = 0; i < count; i++)
		if (send(fd, frame, len, 0) < 0)
			die("send: %s", strerror(errno));
	close(fd);
	return 0;
}

/* Prints each frame @dev receives (not those it sends) as one hex line,
 * the VLAN tag the kernel took out put back in. */
static int
cmd_sniff(int argc, char **argv)
{
	struct sockaddr_ll sll;
	unsigned long max = 0;
	int secs = 5, c, fd, one = 1;
	size_t n = 0;

	optind = 1;
	while ((c = getopt(argc, argv, "n:t:")) != -1) {
		if (c == 'n')
			max = strtoul(optarg, NULL, 10);
		else if (c == 't')
			secs = atoi(optarg);
		else
			die("%s", usage);
	}
	if (optind >= argc)
		die("%s", usage);
	fd = packet_socket(argv[optind], &sll);
	setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one);
	printf("sniffing\n");
	fflush(stdout);
	while (!max || n < max) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		uint8_t buf[65536 + 4];
		char cbuf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		struct iovec iov = { buf, sizeof buf };
		struct msghdr mh = { .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = cbuf,
				     .msg_controllen = sizeof cbuf,
				     .msg_name = &sll,
				     .msg_namelen = sizeof sll };
		ssize_t len;

		if (poll(&pfd, 1, secs * 1000) <= 0)
			break;
		len = recvmsg(fd, &mh, 0);
		if (len < 0 || sll.sll_pkttype == PACKET_OUTGOING)
			continue;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm;
		     cm = CMSG_NXTHDR(&mh, cm)) {
			const struct tpacket_auxdata *aux =
				(const void *)CMSG_DATA(cm);

			if (cm->cmsg_level != SOL_PACKET ||
			    cm->cmsg_type != PACKET_AUXDATA || len < 12 ||
			    !(aux->tp_status & TP_STATUS_VLAN_VALID))
				continue;
			memmove(buf + 16, buf + 12, (size_t)len - 12);
			buf[12] = aux->tp_vlan_tpid ? aux->tp_vlan_tpid >> 8
						    : 0x81;
			buf[13] = aux->tp_vlan_tpid ? aux->tp_vlan_tpid & 0xff
						    : 0x00;
			buf[14] = (uint8_t)(aux->tp_vlan_tci >> 8);
			buf[15] = (uint8_t)aux->tp_vlan_tci;
			len += 4;
		}
		for (ssize_t i = 0; i < len; i++)
			printf("%02x", buf[i]);
		putchar('\n');
		fflush(stdout);
		n++;
	}
	close(fd);
	return 0;
}

/* ---- meters ---- */

static void
need_meters(void)
{
	if (K.fam[KF_METER] < 0)
		die("the module has no %s family", MVS_METER_FAMILY);
}

static uint32_t
meter_id(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*end || v > UINT32_MAX)
		die("%s: not a meter id", s);
	return (uint32_t)v;
}

static int
cmd_set_meter(int argc, char **argv)
{
	int ifindex = dp_index(argv[1]);
	struct nl_msg *msg;

	need_meters();
	msg = kctl_msg(&K, KF_METER, MVS_CMD_NEW, 0, ifindex);
	nla_put_u32(msg, MVS_METER_ATTR_ID, meter_id(argv[2]));
	for (int i = 3; i < argc; i++) {
		unsigned rate, burst = 0;
		struct nlattr *band;

		if (!strcmp(argv[i], "kbps")) {
			nla_put_flag(msg, MVS_METER_ATTR_KBPS);
			continue;
		}
		if (sscanf(argv[i], "%u:%u", &rate, &burst) < 1)
			die("%s: not RATE[:BURST]", argv[i]);
		band = nla_nest_start(msg, MVS_METER_ATTR_BAND);
		nla_put_u32(msg, MVS_BAND_ATTR_RATE, rate);
		if (burst)
			nla_put_u32(msg, MVS_BAND_ATTR_BURST, burst);
		nla_nest_end(msg, band);
	}
	check(kctl_transact(&K, msg, MVS_METER_ATTR_MAX, NULL, NULL),
	      "set-meter");
	return 0;
}

static int
cmd_del_meter(int argc, char **argv)
{
	int ifindex = dp_index(argv[1]);
	struct nl_msg *msg;

	need_meters();
	msg = kctl_msg(&K, KF_METER, MVS_CMD_DEL, 0, ifindex);
	nla_put_u32(msg, MVS_METER_ATTR_ID, meter_id(argv[2]));
	check(kctl_transact(&K, msg, MVS_METER_ATTR_MAX, NULL, NULL),
	      "del-meter");
	return 0;
}

/* One meter of a dump: "meter:ID pktps|kbps packets:N bytes:N" and a
 * line per band "  band:I rate:R burst:B dropped:N bytes:N". */
static void
got_meter(void *aux, const struct mvs_header *hdr, struct nlattr **a)
{
	const struct genlmsghdr *g = nlmsg_data(K.reply);
	const struct mvs_meter_stats *in =
		attr_data(a, MVS_METER_ATTR_STATS, sizeof *in);
	int hlen = sizeof(struct mvs_header), rem, n = 0;
	struct nlattr *at;

	(void)aux;
	(void)hdr;
	printf("meter:%u %s packets:%llu bytes:%llu\n",
	       *(const uint32_t *)attr_data(a, MVS_METER_ATTR_ID, 4),
	       a[MVS_METER_ATTR_KBPS] ? "kbps" : "pktps",
	       (unsigned long long)in->n_packets,
	       (unsigned long long)in->n_bytes);
	nla_for_each_attr(at, genlmsg_attrdata(g, hlen),
			  genlmsg_attrlen(g, hlen), rem)
	{
		struct nlattr *b[MVS_BAND_ATTR_MAX + 1];
		const struct mvs_meter_stats *st;

		if (nla_type(at) != MVS_METER_ATTR_BAND)
			continue;
		if (nla_parse_nested(b, MVS_BAND_ATTR_MAX, at, NULL) < 0)
			die("a band that does not parse");
		st = attr_data(b, MVS_BAND_ATTR_STATS, sizeof *st);
		printf("  band:%d rate:%u burst:%u dropped:%llu bytes:%llu\n",
		       n++,
		       *(const uint32_t *)attr_data(b, MVS_BAND_ATTR_RATE, 4),
		       *(const uint32_t *)attr_data(b, MVS_BAND_ATTR_BURST, 4),
		       (unsigned long long)st->n_packets,
		       (unsigned long long)st->n_bytes);
	}
}

static int
cmd_dump_meters(int argc, char **argv)
{
	int ifindex = dp_index(argv[1]);

	need_meters();
	check(kctl_transact(
		      &K,
		      kctl_msg(&K, KF_METER, MVS_CMD_GET, NLM_F_DUMP, ifindex),
		      MVS_METER_ATTR_MAX, got_meter, NULL),
	      "meter dump");
	return 0;
}

static int
cmd_keycheck(int argc, char **argv)
{
	return kctl_keycheck(&K, argv[1], argv[2]) ? 1 : 0;
}

static int
cmd_badinput(int argc, char **argv)
{
	return kctl_badinput(&K, argv[1]) ? 1 : 0;
}

static const struct command {
	const char *name;
	int min_args;
	int (*fn)(int argc, char **argv);
	bool no_module;
} commands[] = {
	{ "inject", 2, cmd_inject, true },
	{ "sniff", 1, cmd_sniff, true },
	{ "add-dp", 1, cmd_add_dp, false },
	{ "del-dp", 1, cmd_del_dp, false },
	{ "set-dp", 1, cmd_set_dp, false },
	{ "show", 0, cmd_show, false },
	{ "add-if", 2, cmd_add_if, false },
	{ "del-if", 2, cmd_del_if, false },
	{ "add-flow", 3, cmd_add_flow, false },
	{ "mod-flow", 3, cmd_mod_flow, false },
	{ "del-flow", 2, cmd_del_flow, false },
	{ "del-flows", 1, cmd_del_flows, false },
	{ "get-flow", 2, cmd_get_flow, false },
	{ "dump-flows", 1, cmd_dump_flows, false },
	{ "execute", 4, cmd_execute, false },
	{ "set-meter", 2, cmd_set_meter, false },
	{ "del-meter", 2, cmd_del_meter, false },
	{ "dump-meters", 1, cmd_dump_meters, false },
	{ "listen", 1, cmd_listen, false },
	{ "keycheck", 2, cmd_keycheck, false },
	{ "badinput", 1, cmd_badinput, false },
};

int
main(int argc, char **argv)
{
	int err;

	if (argc < 2 || !strcmp(argv[1], "help") ||
	    !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct command *c = &commands[i];

		if (strcmp(c->name, argv[1]))
			continue;
		if (argc - 2 < c->min_args)
			die("%s: needs %d arguments\n%s", c->name, c->min_args,
			    usage);
		err = c->no_module ? 0 : kctl_open(&K);
		if (err)
			die("the microvs module is not loaded (%s)",
			    strerror(-err));
		err = c->fn(argc - 1, argv + 1);
		kctl_close(&K);
		return err;
	}
	die("%s: unknown command\n%s", argv[1], usage);
}
