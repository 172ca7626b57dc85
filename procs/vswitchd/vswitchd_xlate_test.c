/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_xlate_test: translation against real Open vSwitch.  Each
 * scenario of tests/vswitchd/ (bridges, ports with VLAN settings, flows,
 * packets that teach MAC learning) is built here through the C API, and
 * every ofproto/trace and appctl command of it must print what real Open
 * vSwitch 3.1 printed for the same scenario (record_traces.sh recorded it
 * with the dummy datapath): the trace tree, "Final flow", "Megaflow" to
 * the bit.  Two things are normalised, each for a reason:
 *  - "Datapath actions": Open vSwitch floods in hash-table order, which
 *    no other implementation can reproduce, so both lists are compared
 *    as the set of packets they send (each output with the VLAN tags and
 *    addresses it carries), which is what the actions mean;
 *  - fdb/show's Age column, which depends on timing;
 *  - bridge/dump-flows' table 254, where Open vSwitch keeps internal
 *    rules of its own (recirculation, table-miss actions).
 * The test then checks what a translation reports beside its text: the
 * datapath mask, the MAC tags it used, and invalidation on learning.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "odp.h"
#include "ofp_field.h"
#include "ofp_group.h"
#include "ofp_port.h"
#include "vswitchd.h"

/* ---- normalising datapath actions ---- */

/* Splits @s at commas outside parentheses. */
static size_t
split_top(const char *s, char out[][256], size_t max)
{
	size_t n = 0, len = 0;
	int depth = 0;

	for (; *s && n < max; s++) {
		if (*s == ',' && !depth) {
			out[n++][len] = '\0';
			len = 0;
			continue;
		}
		depth += *s == '(';
		depth -= *s == ')';
		if (len < 255)
			out[n][len++] = *s;
	}
	if (n < max)
		out[n++][len] = '\0';
	return n;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The packets @actions send: "PORT:vlans=[...],eth=..." sorted.  The
 * packet starts with the tag @vlan ("vid=N,pcp=P)" as push_vlan prints
 * it; empty: untagged). */
static char *
normalize_actions(const char *actions, const char *vlan)
{
	static char tok[512][256];
	char vlans[8][64];
	const char *eth = "";
	int nv = 0, popped = 0; /* tags; pops beyond them */
	size_t n = split_top(actions, tok, 512), nout = 0;
	char **outs = xcalloc(n + 1, sizeof *outs);
	struct ds s = DS_EMPTY;

	if (*vlan)
		snprintf(vlans[nv++], sizeof vlans[0], "%s", vlan);
	for (size_t i = 0; i < n; i++) {
		const char *t = tok[i];
		if (!strcmp(t, "drop") || !*t)
			continue;
		if (!strncmp(t, "push_vlan(", 10) && nv < 8) {
			memmove(vlans[1], vlans[0], nv * sizeof vlans[0]);
			snprintf(vlans[0], sizeof vlans[0], "%s", t + 10);
			nv++;
		} else if (!strcmp(t, "pop_vlan")) {
			if (nv) {
				memmove(vlans[0], vlans[1],
					(nv - 1) * sizeof vlans[0]);
				nv--;
			} else {
				popped++;
			}
		} else if (!strncmp(t, "set(", 4)) {
			eth = t;
		} else {
			struct ds o = DS_EMPTY;
			ds_printf(&o, "%s:vlans=[", t);
			for (int k = 0; k < nv; k++)
				ds_printf(&o, "%s;", vlans[k]);
			ds_printf(&o, "own-%d],%s", popped, eth);
			outs[nout++] = ds_steal(&o);
		}
	}
	qsort(outs, nout, sizeof *outs, cmp_str);
	for (size_t i = 0; i < nout; i++) {
		ds_printf(&s, "%s ", outs[i]);
		free(outs[i]);
	}
	free(outs);
	return ds_steal(&s);
}

/* @text with its Datapath actions normalised and fdb ages blanked. */
static char *
normalize(const char *text)
{
	struct ds s = DS_EMPTY;
	const char *line = text, *vid, *pcp;
	char vlan[64] = "";

	/* The packet's own tag, from the Flow: line. */
	if (!strncmp(text, "Flow: ", 6) && (vid = strstr(text, ",dl_vlan=")) &&
	    (pcp = strstr(text, ",dl_vlan_pcp=")))
		snprintf(vlan, sizeof vlan, "vid=%d,pcp=%d)", atoi(vid + 9),
			 atoi(pcp + 13));

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *l = xstrndup(line, len);

		if (!strncmp(l, "table_id=254, ", 14)) {
			/* Open vSwitch's internal rules (recirculation, table
			 * misses): an implementation detail microvs lacks. */
		} else if (!strncmp(l, "Datapath actions: ", 18)) {
			char *n = normalize_actions(l + 18, vlan);
			ds_printf(&s, "Datapath actions: %s\n", n);
			free(n);
		} else if (len == 35 && l[15] == ':' && l[27] == ':') {
			/* fdb/show row: "%5s  %4d  MAC  %3d", the age last */
			ds_printf(&s, "%.32sAGE\n", l);
		} else {
			ds_printf(&s, "%s\n", l);
		}
		free(l);
		line += len + (nl != NULL);
	}
	return ds_steal(&s);
}

/* ---- running a scenario ---- */

static struct vsw vsw;

static void
parse_vlans(const char *s, uint16_t *v, size_t *n)
{
	char *copy = xstrdup(s), *save = NULL;

	*n = 0;
	for (char *t = strtok_r(copy, ",", &save); t;
	     t = strtok_r(NULL, ",", &save))
		v[(*n)++] = (uint16_t)atoi(t);
	free(copy);
}

static void
do_port(char *args)
{
	char *w[16] = { NULL }, *save = NULL;
	int n = 0;
	uint16_t trunks[64];
	struct port_config c = { .tag = -1 };
	struct bridge *br;

	for (char *t = strtok_r(args, " ", &save); t && n < 16;
	     t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	CHECK(n >= 4);
	if (n < 4)
		return;
	br = vsw_find_bridge(&vsw, w[0]);
	c.name = w[1];
	c.ofp_port = (uint32_t)atoi(w[2]);
	c.dp_port = strcmp(w[3], "-") ? (uint32_t)atoi(w[3]) : MVS_PORT_NONE;
	for (int i = 4; i < n; i++) {
		if (!strncmp(w[i], "tag=", 4))
			c.tag = atoi(w[i] + 4);
		else if (!strncmp(w[i], "trunks=", 7))
			parse_vlans(w[i] + 7, trunks, &c.n_trunks);
		else if (!strncmp(w[i], "vlan_mode=", 10))
			c.vlan_mode = w[i] + 10;
		else if (!strncmp(w[i], "peer=", 5)) {
			c.type = "patch";
			c.peer = w[i] + 5;
		}
	}
	c.trunks = trunks;
	CHECK(br != NULL);
	if (br)
		CHECK_EQ(bridge_set_port(br, &c, NULL), 0);
}

/* "packet BR PORT SRC DST [VID]": an ICMP echo arrives, as real Open
 * vSwitch got it from netdev-dummy/receive. */
static void
do_packet(char *args)
{
	char br_name[32], port_name[32], src[32], dst[32];
	int vid = -1;
	struct mvs_key key;
	struct dp_packet pkt = { .len = 106 }; /* as netdev-dummy/receive */
	struct xlate_out out;
	struct bridge *br;
	struct port *port;

	CHECK(sscanf(args, "%31s %31s %31s %31s %d", br_name, port_name, src,
		     dst, &vid) >= 4);
	br = vsw_find_bridge(&vsw, br_name);
	port = br ? bridge_port_by_name(br, port_name) : NULL;
	CHECK(port != NULL);
	if (!port)
		return;
	memset(&key, 0, sizeof key);
	key.meta.in_port = port->dp_port;
	CHECK(ofp_parse_eth(src, key.hdr.eth_src));
	CHECK(ofp_parse_eth(dst, key.hdr.eth_dst));
	key.hdr.eth_type = htons(ETH_TYPE_IP);
	if (vid >= 0) {
		key.hdr.vlan_tpid = htons(ETH_TYPE_VLAN);
		key.hdr.vlan_tci = htons((uint16_t)vid | MVS_VLAN_PRESENT);
	}
	key.hdr.nw_proto = IPPROTO_ICMP_;
	key.hdr.nw_ttl = 64;
	key.hdr.ipv4_src = htonl(0x0a000001);
	key.hdr.ipv4_dst = htonl(0x0a000002);
	key.hdr.tp_src = htons(8);
	xlate_out_init(&out);
	CHECK_EQ(xlate_miss(br, &key, &pkt, &out), 0);
	xlate_out_uninit(&out);
}

static char *
run_appctl(const char *words)
{
	char *copy = xstrdup(words), *save = NULL, *argv[8] = { NULL };
	int argc = 0;
	struct ds out = DS_EMPTY;
	int rc = -1;

	for (char *t = strtok_r(copy, " ", &save); t && argc < 8;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	if (!argc)
		argv[argc++] = copy;
	if (!strcmp(argv[0], "fdb/show") && argc == 2)
		rc = vswitchd_fdb_show(&vsw, argv[1], &out);
	else if (!strcmp(argv[0], "fdb/stats-show") && argc == 2)
		rc = vswitchd_fdb_stats_show(&vsw, argv[1], &out);
	else if (!strcmp(argv[0], "fdb/flush"))
		rc = vswitchd_fdb_flush(&vsw, argc > 1 ? argv[1] : NULL, &out);
	else if (!strcmp(argv[0], "ofproto/list"))
		rc = vswitchd_ofproto_list(&vsw, &out);
	else if (!strcmp(argv[0], "bridge/dump-flows"))
		rc = vswitchd_dump_flows(&vsw, argv[argc - 1], argc == 3, &out);
	else
		ds_printf(&out, "unknown command %s", argv[0]);
	free(copy);
	if (rc) {
		char *e = xasprintf("ERROR: %s\n", ds_cstr(&out));
		ds_free(&out);
		return e;
	}
	ds_put_char(&out, '\n');
	while (out.len > 1 && out.s[out.len - 2] == '\n')
		out.s[--out.len] = '\0'; /* as $(...) strips */
	return ds_steal(&out);
}

static char *
run_trace(const char *args)
{
	const char *argv[2];
	char *br = xstrndup(args, strcspn(args, " "));
	struct ds out = DS_EMPTY;
	char *err = NULL, *r;

	argv[0] = br;
	argv[1] = args + strlen(br) + 1;
	if (vswitchd_trace(&vsw, 2, argv, &out, &err)) {
		r = xasprintf("ERROR: %s\n", err);
	} else {
		while (out.len && out.s[out.len - 1] == '\n')
			out.s[--out.len] = '\0'; /* as $(...) strips */
		r = xasprintf("%s\n", ds_cstr(&out));
	}
	free(err);
	free(br);
	ds_free(&out);
	return r;
}

/* The next golden section for @header ("== trace ...") after *@pos
 * (the same command may come twice), or NULL; advances *@pos. */
static char *
golden_section(const char **pos, const char *header)
{
	const char *p = strstr(*pos, header), *end;

	if (!p)
		return NULL;
	p += strlen(header) + 1;
	end = strstr(p, "\n== ");
	*pos = end ? end + 1 : p + strlen(p);
	return xstrndup(p, end ? (size_t)(end - p) + 1 : strlen(p));
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	struct ds s = DS_EMPTY;
	char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		ds_put_len(&s, buf, n);
	fclose(f);
	return ds_steal(&s);
}

static int n_compared;

static void
compare(const char *header, const char **golden, const char *got)
{
	char *want = golden_section(golden, header);
	char *a, *b;

	CHECK(want != NULL);
	if (!want) {
		fprintf(stderr, "no golden output for %s\n", header);
		return;
	}
	a = normalize(want);
	b = normalize(got);
	if (strcmp(a, b))
		fprintf(stderr, "%s\n--- Open vSwitch:\n%s--- microvs:\n%s\n",
			header, a, b);
	CHECK_STREQ(b, a);
	n_compared++;
	free(a);
	free(b);
	free(want);
}

static void
run_scenario(const char *name)
{
	char *path = xasprintf("%s/%s.scn", SCENARIO_DIR, name);
	char *gpath = xasprintf("%s/%s.golden", SCENARIO_DIR, name);
	char *golden = slurp(gpath);
	FILE *f = fopen(path, "r");
	const char *pos = golden;
	char line[1024];

	CHECK(f != NULL && golden != NULL);
	vsw_init(&vsw);
	while (f && golden && fgets(line, sizeof line, f)) {
		char *rest, *header, *got;
		struct ds ignored = DS_EMPTY;

		line[strcspn(line, "\n")] = '\0';
		if (!*line || *line == '#')
			continue;
		rest = line + strcspn(line, " ");
		if (*rest)
			*rest++ = '\0';
		if (!strcmp(line, "bridge")) {
			char br[32];
			unsigned dp;
			CHECK(sscanf(rest, "%31s %u", br, &dp) == 2);
			CHECK_EQ(vsw_add_bridge(&vsw, br, dp, NULL), 0);
		} else if (!strcmp(line, "port")) {
			do_port(rest);
		} else if (!strcmp(line, "config")) {
			char br[32], key[64], value[64];
			struct bridge *b;
			CHECK(sscanf(rest, "%31s %63s %63s", br, key, value) ==
			      3);
			b = vsw_find_bridge(&vsw, br);
			if (b && !strcmp(key, "mac-aging-time"))
				bridge_set_mac_config(b, value, NULL);
			else if (b && !strcmp(key, "mac-table-size"))
				bridge_set_mac_config(b, NULL, value);
		} else if (!strcmp(line, "flow")) {
			char *br = xstrndup(rest, strcspn(rest, " "));
			CHECK_EQ(vswitchd_add_flow(&vsw, br,
						   rest + strlen(br) + 1,
						   &ignored),
				 0);
			free(br);
		} else if (!strcmp(line, "delflows")) {
			CHECK_EQ(vswitchd_del_flows(&vsw, rest, NULL, &ignored),
				 0);
		} else if (!strcmp(line, "packet")) {
			do_packet(rest);
		} else if (!strcmp(line, "trace") || !strcmp(line, "cmd")) {
			header = xasprintf("== %s %s", line, rest);
			got = !strcmp(line, "trace") ? run_trace(rest)
						     : run_appctl(rest);
			compare(header, &pos, got);
			free(header);
			free(got);
		}
		if (ignored.len)
			fprintf(stderr, "%s: %s\n", line, ds_cstr(&ignored));
		ds_free(&ignored);
	}
	if (f)
		fclose(f);
	vsw_destroy(&vsw);
	free(golden);
	free(path);
	free(gpath);
}

static void
test_vlan(void)
{
	run_scenario("vlan");
}

static void
test_pipeline(void)
{
	run_scenario("pipeline");
}

static void
test_patch(void)
{
	run_scenario("patch");
}

/* ---- what a translation reports beside its text ---- */

static struct bridge *
small_bridge(void)
{
	struct bridge *br;

	vsw_init(&vsw);
	CHECK_EQ(vsw_add_bridge(&vsw, "br0", 100, &br), 0);
	for (unsigned i = 1; i <= 3; i++) {
		char name[8];
		struct port_config c = { .ofp_port = i,
					 .dp_port = i,
					 .tag = -1 };
		snprintf(name, sizeof name, "p%u", i);
		c.name = name;
		CHECK_EQ(bridge_set_port(br, &c, NULL), 0);
	}
	return br;
}

static void
make_key(struct mvs_key *k, uint32_t dp_port, unsigned src, unsigned dst,
	 int vid)
{
	memset(k, 0, sizeof *k);
	k->meta.in_port = dp_port;
	k->hdr.eth_src[0] = k->hdr.eth_dst[0] = 0x02;
	k->hdr.eth_src[5] = (uint8_t)src;
	k->hdr.eth_dst[5] = (uint8_t)dst;
	k->hdr.eth_type = htons(ETH_TYPE_IP);
	if (vid >= 0) {
		k->hdr.vlan_tpid = htons(ETH_TYPE_VLAN);
		k->hdr.vlan_tci = htons((uint16_t)vid | MVS_VLAN_PRESENT);
	}
}

/* The datapath's eth_type is the inner one, so the mask itself must tell
 * tagged from untagged packets. */
static void
test_dp_mask(void)
{
	struct bridge *br = small_bridge();
	struct xlate_out out;
	struct mvs_key key;

	make_key(&key, 1, 1, 2, -1);
	xlate_out_init(&out);
	CHECK_EQ(xlate_miss(br, &key, NULL, &out), 0);
	CHECK_EQ(out.mask.meta.in_port, ~0u);
	CHECK_EQ(out.mask.meta.recirc_id, ~0u);
	CHECK_EQ(out.mask.hdr.eth_type, 0xffff);
	CHECK(out.mask.hdr.vlan_tci & htons(MVS_VLAN_PRESENT));
	CHECK_EQ(out.mask.hdr.vlan_tpid, 0);
	CHECK_EQ(out.mask.hdr.vlan2_tci, 0);
	CHECK_EQ(out.mask.hdr.eth_src[5], 0xff); /* NORMAL learned on it */
	CHECK_EQ(out.mask.hdr.nw_frag, MVS_FRAG_ANY | MVS_FRAG_LATER);
	CHECK_EQ(out.mask.hdr.ipv4_src, 0); /* nothing looked at it */
	/* The Megaflow: line, as Open vSwitch prints it, shows no VLAN. */
	CHECK_EQ(out.wc.hdr.vlan_tci, 0);
	xlate_out_uninit(&out);

	make_key(&key, 1, 1, 2, 5);
	xlate_out_init(&out);
	CHECK_EQ(xlate_miss(br, &key, NULL, &out), 0);
	CHECK_EQ(out.mask.hdr.vlan_tci, htons(0x1fff));
	CHECK_EQ(out.mask.hdr.vlan_tpid, 0xffff);
	CHECK(out.mask.hdr.vlan2_tci & htons(MVS_VLAN_PRESENT));
	xlate_out_uninit(&out);

	/* A key from a port the bridge does not have: drop, exact. */
	make_key(&key, 77, 1, 2, -1);
	xlate_out_init(&out);
	CHECK_EQ(xlate_miss(br, &key, NULL, &out), -ENOENT);
	CHECK_EQ(out.actions.len, 0);
	CHECK_EQ(out.mask.meta.in_port, ~0u);
	xlate_out_uninit(&out);
	vsw_destroy(&vsw);
}

static uint64_t *
take(struct bridge *br, size_t *n)
{
	return mac_table_take_changes(&br->macs, n);
}

/* Learning changes invalidate exactly the megaflows whose translation
 * looked the changed destination up. */
static void
test_invalidation(void)
{
	struct bridge *br = small_bridge();
	struct dp_packet pkt = { .len = 60 };
	struct xlate_out a, b, c;
	struct mvs_key key;
	uint64_t *tags;
	size_t n;

	/* a: 1 -> 2 from p1, flooded (2 unknown); learns 1 on p1. */
	make_key(&key, 1, 1, 2, -1);
	xlate_out_init(&a);
	xlate_miss(br, &key, &pkt, &a);
	free(take(br, &n));
	CHECK_EQ(n, 1);
	/* b: 3 -> 1 from p3, forwarded to p1; learns 3 on p3. */
	make_key(&key, 3, 3, 1, -1);
	xlate_out_init(&b);
	xlate_miss(br, &key, &pkt, &b);
	free(take(br, &n));
	CHECK_EQ(b.actions.len, 8); /* one output: p1 */

	/* 2 appears on p2: a (flooded for 2) is affected, b is not. */
	make_key(&key, 2, 2, 9, -1);
	xlate_out_init(&c);
	xlate_miss(br, &key, &pkt, &c);
	tags = take(br, &n);
	CHECK(xlate_deps_uses_mac(&a.deps, tags, n));
	CHECK(!xlate_deps_uses_mac(&b.deps, tags, n));
	free(tags);

	/* 1 moves to p2: b (forwarded to 1) is affected, a is not. */
	make_key(&key, 2, 1, 9, -1);
	xlate_out_uninit(&c);
	xlate_out_init(&c);
	xlate_miss(br, &key, &pkt, &c);
	tags = take(br, &n);
	CHECK_EQ(n, 1);
	CHECK(xlate_deps_uses_mac(&b.deps, tags, n));
	CHECK(!xlate_deps_uses_mac(&a.deps, tags, n));
	free(tags);
	CHECK_EQ(br->macs.total_moved, 1);

	/* Table and port changes make every translation of the bridge
	 * stale; a new one is not. */
	CHECK(!xlate_deps_stale(&a.deps));
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0", "priority=5,actions=drop",
				   &(struct ds)DS_EMPTY),
		 0);
	CHECK(xlate_deps_stale(&a.deps));
	xlate_out_uninit(&c);
	xlate_out_init(&c);
	xlate_miss(br, &key, &pkt, &c);
	CHECK(!xlate_deps_stale(&c.deps));
	bridge_set_mac_config(br, "20", NULL);
	CHECK_EQ(br->macs.idle_time, 20);
	CHECK(xlate_deps_stale(&c.deps));

	xlate_out_uninit(&a);
	xlate_out_uninit(&b);
	xlate_out_uninit(&c);
	vsw_destroy(&vsw);
}

/* Statistics of a megaflow reach the rules it used and keep the MACs it
 * learned alive. */
static void
test_push_stats(void)
{
	struct bridge *br = small_bridge();
	struct dp_packet pkt = { .len = 60 };
	struct xlate_out out;
	struct mvs_key key;
	struct rule **rules;
	size_t n;
	const struct mac_entry *e;
	uint8_t src[6] = { 0x02, 0, 0, 0, 0, 1 };

	make_key(&key, 1, 1, 2, -1);
	xlate_out_init(&out);
	xlate_miss(br, &key, &pkt, &out);
	rules = tables_collect(&br->tables, 0, NULL, OFPP_NONE, OFP_GROUP_ANY,
			       0, 0, &n);
	CHECK_EQ(n, 1);
	CHECK_EQ(rules[0]->n_packets, 1); /* the missed packet itself */
	CHECK_EQ(rules[0]->n_bytes, 60);
	xlate_deps_push_stats(&out.deps, 10, 1000, time_mono_ms() + 100000);
	CHECK_EQ(rules[0]->n_packets, 11);
	CHECK_EQ(rules[0]->n_bytes, 1060);
	e = mac_table_lookup(&br->macs, src, 0, time_mono_ms() + 350000);
	CHECK(e != NULL); /* refreshed 100 s on: alive 350 s on */
	rule_unref(rules[0]);
	free(rules);
	xlate_out_uninit(&out);
	vsw_destroy(&vsw);
}

/* The datapath actions for the exact flow @text in @br. */
static char *
actions_of(struct bridge *br, const char *text)
{
	struct ds s = DS_EMPTY;
	struct xlate_out out;
	struct flow flow;
	char *err = ofp_parse_exact_flow(&flow, text, NULL);

	CHECK(!err);
	free(err);
	xlate_out_init(&out);
	xlate_flow(br, &flow, false, 0, NULL, &out);
	odp_format_actions(&s, (const struct nlattr *)out.actions.data,
			   out.actions.len, NULL);
	xlate_out_uninit(&out);
	return ds_steal(&s);
}

/* controller(pause) inside a resubmit: the translation stops there with
 * what came before (output:3), one paused packet-in, and the rest of
 * each level kept innermost first, the action set (not run) too; the
 * megaflow is not installed (a packet-in).  Resuming runs the rest with
 * the registers the pause saw. */
static void
test_pause(void)
{
	struct bridge *br = small_bridge();
	struct ds s = DS_EMPTY;
	struct xlate_out out;
	struct flow flow;
	char *err;

	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "table=0,in_port=1,actions=output:3,"
				   "load:0x2a->NXM_NX_REG0[],"
				   "write_actions(output:2),goto_table:1",
				   &s),
		 0);
	CHECK_EQ(vswitchd_add_flow(
			 &vsw, "br0",
			 "table=1,actions=resubmit(,3),mod_vlan_vid:7", &s),
		 0);
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "table=3,cookie=0x99,actions="
				   "controller(pause),resubmit(,2),output:2",
				   &s),
		 0);
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "table=2,reg0=0x2a,actions=output:3", &s),
		 0);
	err = ofp_parse_exact_flow(&flow, "in_port=1,udp", NULL);
	CHECK(!err);
	free(err);
	xlate_out_init(&out);
	xlate_flow(br, &flow, false, 0, NULL, &out);
	ds_clear(&s);
	odp_format_actions(&s, (const struct nlattr *)out.actions.data,
			   out.actions.len, NULL);
	CHECK_STREQ(ds_cstr(&s), "3");
	CHECK_EQ(out.pins.n, 1u);
	CHECK(out.pins.p[0].pause);
	CHECK_EQ(out.pins.p[0].regs[0], 0x2au);
	CHECK_EQ(out.frozen.table_id, 3);
	CHECK_EQ(out.frozen.cookie, 0x99u);
	ds_clear(&s);
	ofpacts_format(&s, out.frozen.acts.data, out.frozen.acts.size, NULL);
	CHECK_STREQ(ds_cstr(&s), "resubmit(,2),output:2,mod_vlan_vid:7");
	ds_clear(&s);
	ofpacts_format(&s, out.frozen.set.data, out.frozen.set.size, NULL);
	CHECK_STREQ(ds_cstr(&s), "output:2");

	/* NXT_RESUME: reg0 from the packet-in's metadata, table 3. */
	{
		struct xlate_out res;
		struct flow f2 = flow;

		f2.regs[0] = 0x2a;
		xlate_out_init(&res);
		xlate_resume(br, &f2, &out.frozen.acts, &out.frozen.set,
			     out.frozen.table_id, &res);
		ds_clear(&s);
		odp_format_actions(&s, (const struct nlattr *)res.actions.data,
				   res.actions.len, NULL);
		CHECK_STREQ(ds_cstr(&s), "3,2,push_vlan(vid=7,pcp=0),2");
		CHECK_EQ(res.pins.n, 0u);
		xlate_out_uninit(&res);
	}
	xlate_out_uninit(&out);
	ds_free(&s);
	vsw_destroy(&vsw);
}

/* For a datapath miss, an output to the controllers is a userspace
 * action naming a shared record of the packet-in (and the megaflow is
 * installed: no pin); a pause is still a pin.  The record lives while a
 * translation refers to it, and a while after. */
static void
test_ctrl_datapath(void)
{
	struct bridge *br = small_bridge();
	struct ds s = DS_EMPTY, want = DS_EMPTY;
	struct xlate_out a, b, t;
	const struct xlate_pin *pin;
	struct flow flow;
	uint32_t id;
	char *err;

	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "table=0,cookie=0x5,in_port=1,actions="
				   "load:0x2a->NXM_NX_REG0[],mod_nw_tos:16,"
				   "controller(max_len=128,userdata=01.02),"
				   "output:2",
				   &s),
		 0);
	err = ofp_parse_exact_flow(&flow, "in_port=1,udp", NULL);
	CHECK(!err);
	free(err);
	xlate_out_init(&a);
	a.ctrl = XLATE_CTRL_DATAPATH;
	xlate_flow(br, &flow, false, 0, NULL, &a);
	CHECK_EQ(a.pins.n, 0u);
	CHECK_EQ(a.deps.n_pinstates, 1u);
	id = (uint32_t)a.deps.pinstates[0];
	CHECK(id != 0);
	ds_printf(&want,
		  "set(ipv4(tos=0x10/0xfc)),userspace(pid=0,controller("
		  "reason=1,dont_send=0,continuation=0,recirc_id=%u,"
		  "rule_cookie=0x5,controller_id=0,max_len=128)),2",
		  id);
	ds_clear(&s);
	odp_format_actions(&s, (const struct nlattr *)a.actions.data,
			   a.actions.len, NULL);
	CHECK_STREQ(ds_cstr(&s), ds_cstr(&want));
	pin = vswd_pinstate_find(id);
	CHECK(pin != NULL);
	if (pin) {
		CHECK_EQ(pin->regs[0], 0x2au);
		CHECK_EQ(pin->cookie, 0x5u);
		CHECK_EQ(pin->in_port, 1u);
		CHECK_EQ(pin->max_len, 128);
		CHECK_EQ(pin->userdata_len, 2);
		CHECK(pin->userdata && pin->userdata[0] == 1 &&
		      pin->userdata[1] == 2);
	}
	/* The same translation again: the same record. */
	xlate_out_init(&b);
	b.ctrl = XLATE_CTRL_DATAPATH;
	xlate_flow(br, &flow, false, 0, NULL, &b);
	CHECK_EQ(b.deps.n_pinstates, 1u);
	CHECK_EQ((uint32_t)b.deps.pinstates[0], id);
	CHECK_EQ(vswd_pinstate_count(), 1u);
	/* A trace: dont_send. */
	xlate_out_init(&t);
	t.ctrl = XLATE_CTRL_TRACE;
	xlate_flow(br, &flow, false, 0, NULL, &t);
	ds_clear(&s);
	odp_format_actions(&s, (const struct nlattr *)t.actions.data,
			   t.actions.len, NULL);
	CHECK(strstr(ds_cstr(&s), "dont_send=1") != NULL);
	xlate_out_uninit(&t);
	xlate_out_uninit(&a);
	xlate_out_uninit(&b);
	/* Unreferenced, it still answers (a megaflow may outlive its
	 * ukey), for a while. */
	CHECK_EQ(vswd_pinstate_count(), 0u);
	CHECK(vswd_pinstate_find(id) != NULL);

	/* controller(pause) freezes the translation: a pin, as before. */
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "table=0,in_port=2,actions="
				   "controller(pause),output:3",
				   &s),
		 0);
	err = ofp_parse_exact_flow(&flow, "in_port=2,udp", NULL);
	CHECK(!err);
	free(err);
	xlate_out_init(&a);
	a.ctrl = XLATE_CTRL_DATAPATH;
	xlate_flow(br, &flow, false, 0, NULL, &a);
	CHECK_EQ(a.pins.n, 1u);
	CHECK(a.pins.p[0].pause);
	CHECK_EQ(a.deps.n_pinstates, 0u);
	xlate_out_uninit(&a);
	ds_free(&s);
	ds_free(&want);
	vsw_destroy(&vsw);
}

/* Actions OpenFlow 1.0 cannot express, so the recorded traces lack
 * them: an 802.1ad tag, and a priority on it. */
static void
test_push_vlan(void)
{
	struct bridge *br = small_bridge();
	struct ds s = DS_EMPTY;
	char *a;

	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "in_port=1,actions=push_vlan:0x88a8,mod_"
				   "vlan_vid:5,mod_vlan_pcp:3,output:2,pop_"
				   "vlan,output:3",
				   &s),
		 0);
	ds_free(&s);
	CHECK_STREQ(a = actions_of(br, "in_port=1"),
		    "push_vlan(tpid=0x88a8,vid=5,pcp=3),2,pop_vlan,3");
	free(a);
	vsw_destroy(&vsw);
}

/* Open vSwitch's OpenFlow 1.0 rewrites, write_metadata, goto_table and
 * the action set: they did nothing in the datapath (no case in the
 * translation, and no commit of IP or transport fields). */
static void
test_classic_actions(void)
{
	struct bridge *br = small_bridge();
	struct ds s = DS_EMPTY;
	char *a;

	CHECK_EQ(vswitchd_add_flow(
			 &vsw, "br0",
			 "table=0,in_port=1,actions=mod_nw_src:1.2.3.4,"
			 "mod_nw_dst:5.6.7.8,mod_tp_dst:99,dec_ttl,"
			 "mod_nw_tos:8,write_metadata:0x5,goto_table:1",
			 &s),
		 0);
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "table=1,metadata=0x5,actions=output:2", &s),
		 0);
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "table=0,in_port=3,actions=output:1,dec_ttl,"
				   "output:2",
				   &s),
		 0);
	ds_free(&s);
	CHECK_STREQ(a = actions_of(br, "in_port=1,tcp,nw_src=10.0.0.1,"
				       "nw_dst=10.0.0.2,tp_dst=80,nw_ttl=64"),
		    "set(ipv4(src=1.2.3.4,dst=5.6.7.8,tos=0x8/0xfc,ttl=63)),"
		    "set(tcp(dst=99)),2");
	free(a);
	CHECK_STREQ(a = actions_of(br, "in_port=1,udp6,"
				       "udp_dst=53,nw_ttl=9"),
		    "set(ipv6(tclass=0x8/0xfc,hlimit=8)),set(udp(dst=99)),2");
	free(a);
	/* The action set: the last output written, the sets before it;
	 * clear_actions empties it. */
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "table=0,in_port=2,actions=write_actions("
				   "output:1),goto_table:2",
				   &s),
		 0);
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "table=2,in_port=2,actions=write_actions("
				   "set_field:00:00:00:00:00:09->eth_dst,"
				   "output:3)",
				   &s),
		 0);
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "table=2,priority=40000,in_port=2,tcp,"
				   "actions=clear_actions",
				   &s),
		 0);
	ds_free(&s);
	CHECK_STREQ(a = actions_of(br, "in_port=2,udp"),
		    "set(eth(dst=00:00:00:00:00:09)),3");
	free(a);
	CHECK_STREQ(a = actions_of(br, "in_port=2,tcp"), "drop");
	free(a);
	/* dec_ttl at TTL 1 stops: what came before stays. */
	CHECK_STREQ(a = actions_of(br, "in_port=3,ip,nw_ttl=1"), "1");
	free(a);
	vsw_destroy(&vsw);
}

/* The bridge's fragment handling (set-frags): normal looks a fragment up
 * without transport ports, nx-match with a first fragment's own, drop
 * drops every fragment and nothing else. */
static void
test_frag_modes(void)
{
	static const char first[] = "in_port=1,tcp,tp_dst=80,ip_frag=first";
	struct bridge *br = small_bridge();
	struct ds s = DS_EMPTY;
	char *a;

	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "priority=10,tcp,tp_dst=80,actions=output:2",
				   &s),
		 0);
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "priority=5,tcp,actions=output:3", &s),
		 0);
	ds_free(&s);
	CHECK_STREQ(a = actions_of(br, first), "3");
	free(a);
	br->frag_mode = OFP_FRAG_NX_MATCH;
	CHECK_STREQ(a = actions_of(br, first), "2");
	free(a);
	br->frag_mode = OFP_FRAG_DROP;
	CHECK_STREQ(a = actions_of(br, first), "drop");
	free(a);
	CHECK_STREQ(a = actions_of(br, "in_port=1,tcp,tp_dst=80"), "2");
	free(a);
	vsw_destroy(&vsw);
}

/* The datapath actions of @flow in @br as text, with the megaflow mask
 * and the error in @out (uninit it). */
static char *
run_parsed(struct bridge *br, const struct flow *flow, uint64_t packet_len,
	   struct xlate_out *out)
{
	struct ds s = DS_EMPTY;

	xlate_out_init(out);
	xlate_flow(br, flow, packet_len != 0, packet_len, NULL, out);
	odp_format_actions(&s, (const struct nlattr *)out->actions.data,
			   out->actions.len, NULL);
	return ds_steal(&s);
}

/* The same for @flow_text arriving from a tunnel whose outer TOS was
 * @outer_tos (no tunnel: -1). */
static char *
run_tunneled(struct bridge *br, const char *flow_text, int outer_tos,
	     struct xlate_out *out)
{
	struct flow flow;
	char *err = ofp_parse_exact_flow(&flow, flow_text, NULL);

	CHECK(!err);
	free(err);
	if (outer_tos >= 0) {
		flow.tunnel.ipv4_src = htonl(0xc0a80102);
		flow.tunnel.ipv4_dst = htonl(0xc0a80101);
		flow.tunnel.ttl = 64;
		flow.tunnel.tos = (uint8_t)outer_tos;
	}
	return run_parsed(br, &flow, 0, out);
}

/* RFC 6040 decapsulation (Open vSwitch's tnl_process_ecn): outer CE marks
 * an ECT inner packet CE with a masked set, drops a Not-ECT one, and
 * leaves everything else alone; the megaflow matches what it read. */
static void
test_tnl_ecn(void)
{
	static const struct {
		const char *flow;
		int outer_tos;
		const char *actions;
	} cases[] = {
		{ "in_port=1,udp,nw_tos=40,nw_ecn=2", 3,
		  "set(ipv4(tos=0x3/0x3)),2" },
		{ "in_port=1,udp,nw_ecn=1", 0xfb, "set(ipv4(tos=0x3/0x3)),2" },
		{ "in_port=1,udp,nw_ecn=3", 3, "2" },
		{ "in_port=1,ip,nw_ecn=0", 3, "drop" },
		{ "in_port=1,udp6,nw_ecn=2", 3, "set(ipv6(tclass=0x3/0x3)),2" },
		{ "in_port=1,ipv6,nw_ecn=0", 3, "drop" },
		{ "in_port=1,ip,nw_ecn=0", 2, "2" },
		{ "in_port=1,ip,nw_ecn=2", 1, "2" },
		{ "in_port=1,arp", 3, "2" },
		{ "in_port=1,ip,nw_ecn=0", -1, "2" },
		/* No L3 protocol: nothing committed, as in Open vSwitch. */
		{ "in_port=1,ip,nw_ecn=2", 3, "2" },
	};
	struct bridge *br = small_bridge();
	struct ds s = DS_EMPTY;

	CHECK_EQ(vswitchd_add_flow(&vsw, "br0", "in_port=1,actions=output:2",
				   &s),
		 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct xlate_out out;
		char *acts = run_tunneled(br, cases[i].flow, cases[i].outer_tos,
					  &out);

		CHECK_STREQ(acts, cases[i].actions);
		if (cases[i].outer_tos >= 0)
			CHECK_EQ(out.mask.tun.tos, 0xff);
		/* Under an outer CE the inner ECN decides. */
		if (cases[i].outer_tos >= 0 && (cases[i].outer_tos & 3) == 3 &&
		    strstr(cases[i].flow, "ip"))
			CHECK_EQ(out.mask.hdr.nw_tos & 3, 3);
		free(acts);
		xlate_out_uninit(&out);
	}
	ds_free(&s);
	vsw_destroy(&vsw);
}

/* A TOS that set_field changed is committed as a set under the bits the
 * translation has looked at (the whole TOS for the second), and not at
 * all without an L3 protocol: what real Open vSwitch's ofproto/trace
 * printed for the same flow and packets. */
static void
test_commit_tos(void)
{
	struct bridge *br = small_bridge();
	struct xlate_out out;
	struct ds s = DS_EMPTY;
	char *acts;

	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "in_port=3,ip,actions=set_field:0x10->ip_"
				   "dscp,output:2,set_field:1->ip_ecn,output:1",
				   &s),
		 0);
	acts = run_tunneled(br, "in_port=3,udp,nw_tos=0,nw_ecn=2", -1, &out);
	CHECK_STREQ(acts, "set(ipv4(tos=0x40/0xfc)),2,set(ipv4(tos=0x41)),1");
	CHECK_EQ(out.mask.hdr.nw_tos, 0xff);
	free(acts);
	xlate_out_uninit(&out);
	acts = run_tunneled(br, "in_port=3,ip,nw_tos=0,nw_ecn=2", -1, &out);
	CHECK_STREQ(acts, "2,1");
	free(acts);
	xlate_out_uninit(&out);
	ds_free(&s);
	vsw_destroy(&vsw);
}

/* Adds group @text to @br. */
static void
add_group(struct bridge *br, const char *text)
{
	struct ofp_group_mod gm;
	uint32_t usable = UINT32_MAX;
	char *err = ofp_group_mod_parse(&gm, OFPGC_ADD, text, NULL, &usable);

	CHECK(!err);
	free(err);
	/* Bucket ids as the wire gives them (the text leaves them to the
	 * encoder). */
	for (size_t i = 0; i < gm.n_buckets; i++)
		gm.buckets[i].bucket_id = (uint32_t)i;
	CHECK_EQ(groups_mod(br, &gm, time_mono_ms(), NULL, NULL), 0);
	ofp_group_mod_uninit(&gm);
}

/* run_parsed() of @flow_text. */
static char *
run_flow(struct bridge *br, const char *flow_text, uint64_t packet_len,
	 struct xlate_out *out)
{
	struct flow flow;
	char *err = ofp_parse_exact_flow(&flow, flow_text, NULL);

	CHECK(!err);
	free(err);
	return run_parsed(br, &flow, packet_len, out);
}

/* Groups in translation: all runs each bucket on the packet as it came
 * (a bucket's rewrite does not leak), select hashes the L2-L4 addresses
 * into the megaflow mask and sticks to one bucket per flow, fast
 * failover skips buckets whose port is down, chained groups that loop
 * stop at the depth limit, and the counters come from the megaflow's
 * statistics. */
static void
test_groups(void)
{
	struct bridge *br = small_bridge();
	struct ds s = DS_EMPTY;
	struct xlate_out out;
	char *acts;
	struct ofgroup *g;
	int hits[2] = { 0, 0 };

	add_group(br, "group_id=1,type=all,bucket=output:2,"
		      "bucket=mod_dl_dst:02:00:00:00:00:09,output:3");
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "priority=9,in_port=1,actions=group:1,"
				   "output:3",
				   &s),
		 0);
	acts = run_flow(br,
			"in_port=1,dl_src=02:00:00:00:00:01,"
			"dl_dst=02:00:00:00:00:02,dl_type=0x0800",
			60, &out);
	CHECK_STREQ(acts, "2,set(eth(dst=02:00:00:00:00:09)),3,"
			  "set(eth(dst=02:00:00:00:00:02)),3");
	free(acts);
	g = groups_find(br, 1);
	CHECK_EQ(g->n_packets, 1);
	CHECK_EQ(g->buckets[0].n_packets, 1);
	CHECK_EQ(g->buckets[1].n_bytes, 60);
	xlate_deps_push_stats(&out.deps, 4, 400, time_mono_ms());
	CHECK_EQ(g->n_packets, 5);
	CHECK_EQ(g->buckets[1].n_packets, 5);
	CHECK(!xlate_deps_stale(&out.deps));
	xlate_out_uninit(&out);

	/* Select: the flow's addresses and ports decide, and are in the
	 * mask. */
	add_group(br, "group_id=2,type=select,bucket=output:2,bucket=output:3");
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "priority=10,in_port=1,udp,actions=group:2",
				   &s),
		 0);
	for (int port = 1000; port < 1064; port++) {
		char text[160], *again;

		snprintf(text, sizeof text,
			 "in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,"
			 "udp_src=%d,udp_dst=53",
			 port);
		acts = run_flow(br, text, 0, &out);
		CHECK(!strcmp(acts, "2") || !strcmp(acts, "3"));
		hits[acts[0] == '3']++;
		CHECK_EQ(out.mask.hdr.tp_src, 0xffff);
		CHECK_EQ(out.mask.hdr.tp_dst, 0xffff);
		CHECK_EQ(out.mask.hdr.ipv4_src, ~0u);
		CHECK_EQ(out.mask.hdr.eth_dst[0], 0xff);
		xlate_out_uninit(&out);
		again = run_flow(br, text, 0, &out);
		CHECK_STREQ(again, acts);
		free(again);
		free(acts);
		xlate_out_uninit(&out);
	}
	CHECK(hits[0] > 0 && hits[1] > 0);

	/* Fast failover: the first bucket whose watched port is up. */
	add_group(br, "group_id=3,type=fast_failover,"
		      "bucket=watch_port:2,output:2,bucket=watch_port:3,"
		      "output:3");
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "priority=11,in_port=1,tcp,actions=group:3",
				   &s),
		 0);
	acts = run_flow(br, "in_port=1,tcp", 0, &out);
	CHECK_STREQ(acts, "2");
	free(acts);
	xlate_out_uninit(&out);
	bridge_port_by_ofp(br, 2)->link_down = true;
	acts = run_flow(br, "in_port=1,tcp", 0, &out);
	CHECK_STREQ(acts, "3");
	free(acts);
	xlate_out_uninit(&out);
	bridge_port_by_ofp(br, 3)->link_down = true;
	acts = run_flow(br, "in_port=1,tcp", 0, &out);
	CHECK_STREQ(acts, "drop");
	free(acts);
	xlate_out_uninit(&out);

	/* Buckets are action sets, as Open vSwitch runs them: the sets
	 * first, then only the last output; a bucket without an output
	 * does nothing. */
	bridge_port_by_ofp(br, 2)->link_down = false;
	add_group(br, "group_id=4,type=all,"
		      "bucket=output:2,mod_dl_dst:02:00:00:00:00:07,output:3,"
		      "bucket=mod_dl_src:02:00:00:00:00:08");
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "priority=13,in_port=1,icmp,actions=group:4",
				   &s),
		 0);
	acts = run_flow(br,
			"in_port=1,icmp,dl_src=02:00:00:00:00:01,"
			"dl_dst=02:00:00:00:00:02",
			0, &out);
	CHECK_STREQ(acts, "set(eth(dst=02:00:00:00:00:07)),3");
	free(acts);
	xlate_out_uninit(&out);

	/* A group that chains to itself: stopped at the depth limit. */
	add_group(br, "group_id=7,type=all,bucket=group:7");
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "priority=12,in_port=2,actions=group:7", &s),
		 0);
	acts = run_flow(br, "in_port=2", 0, &out);
	CHECK_EQ(out.error, XLATE_RECURSION_TOO_DEEP);
	free(acts);
	xlate_out_uninit(&out);

	/* Deleting a group deletes its flows and staleness follows. */
	acts = run_flow(br, "in_port=1,tcp", 0, &out);
	free(acts);
	struct ofp_group_mod gm = { .command = OFPGC_DELETE, .group_id = 3 };
	CHECK_EQ(groups_mod(br, &gm, time_mono_ms(), NULL, NULL), 0);
	CHECK(xlate_deps_stale(&out.deps));
	CHECK_EQ(groups_ref_count(br, 3), 0);
	CHECK_EQ(groups_ref_count(br, 1), 1);
	xlate_out_uninit(&out);
	ds_free(&s);
	vsw_destroy(&vsw);
}

/* Translates "in_port=1,udp" in @br: its datapath actions in @acts and
 * its frozen rest in @frozen (malloc'd), @out kept for the caller (its
 * packet-ins). */
static void
pause_run(struct bridge *br, struct xlate_out *out, char **acts, char **frozen)
{
	struct ds s = DS_EMPTY;
	struct flow flow;
	char *err = ofp_parse_exact_flow(&flow, "in_port=1,udp", NULL);

	CHECK(!err);
	free(err);
	xlate_out_init(out);
	xlate_flow(br, &flow, false, 0, NULL, out);
	odp_format_actions(&s, (const struct nlattr *)out->actions.data,
			   out->actions.len, NULL);
	*acts = ds_steal(&s);
	ofpacts_format(&s, out->frozen.acts.data, out->frozen.acts.size, NULL);
	*frozen = ds_steal(&s);
}

/* A controller action commits the changes before it (Open vSwitch's
 * order: Ethernet, IP, then VLAN tags), and its packet-in records how
 * many bytes of datapath actions came before it (the rewrites its packet
 * gets: odp_rewrite_copy()), each packet-in its own. */
static void
test_pin_rewrites(void)
{
	struct bridge *br = small_bridge();
	struct ds s = DS_EMPTY;
	struct nlbuf want = NLBUF_EMPTY;
	struct xlate_out out;
	char *acts, *frozen;

	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "in_port=1,ip,actions=mod_dl_src:50:54:00:"
				   "00:00:99,controller,push_vlan:0x8100,mod_"
				   "vlan_vid:5,mod_nw_tos:0x10,controller,"
				   "output:2",
				   &s),
		 0);
	pause_run(br, &out, &acts, &frozen);
	CHECK_STREQ(acts, "set(eth(src=50:54:00:00:00:99)),"
			  "set(ipv4(tos=0x10/0xfc)),push_vlan(vid=5,pcp=0),2");
	CHECK_STREQ(frozen, "drop");
	CHECK_EQ(out.pins.n, 2u);
	CHECK_EQ(odp_parse_actions("set(eth(src=50:54:00:00:00:99))", NULL,
				   &want, NULL),
		 0);
	CHECK_EQ(out.pins.p[0].odp_len, want.len);
	CHECK_EQ(out.pins.p[1].odp_len, out.actions.len - 8);
	nl_buf_free(&want);
	free(acts);
	free(frozen);
	xlate_out_uninit(&out);
	ds_free(&s);
	vsw_destroy(&vsw);
}

/* controller(pause) in a group's bucket (through a resubmit) and in a
 * patch peer, as Open vSwitch 3.1 does it: the rest of the bucket (of
 * the peer's pipeline) is frozen, what follows the group (the output to
 * the patch port) runs at once; the paused packet-in names table 0 and
 * the cookie of the rule that ran the group (of the peer's table 0
 * rule), in the bridge that paused.  A second pause is a plain controller
 * action. */
static void
test_pause_bucket(void)
{
	struct bridge *br = small_bridge(), *br1;
	struct port_config pc = { .tag = -1, .type = "patch" };
	struct ds s = DS_EMPTY;
	struct xlate_out out;
	char *acts, *frozen;

	add_group(br, "group_id=1,type=all,bucket=resubmit(,5),"
		      "bucket=resubmit(,5)");
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "table=5,cookie=0x5,actions=controller("
				   "pause),output:2",
				   &s),
		 0);
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "cookie=0x11,in_port=1,actions=group:1,"
				   "output:3",
				   &s),
		 0);
	pause_run(br, &out, &acts, &frozen);
	/* The second bucket's pause: plain, so its output:2 runs. */
	CHECK_STREQ(acts, "2,3");
	CHECK_STREQ(frozen, "output:2");
	CHECK_EQ(out.pins.n, 2u);
	CHECK(out.pins.p[0].pause);
	CHECK(!out.pins.p[1].pause);
	CHECK_EQ(out.pins.p[0].table_id, 0);
	CHECK_EQ(out.pins.p[0].cookie, 0x11u);
	CHECK_EQ(out.frozen.table_id, 5);
	CHECK_EQ(out.frozen.cookie, 0x5u);
	free(acts);
	free(frozen);
	xlate_out_uninit(&out);

	/* A patch peer pauses. */
	CHECK_EQ(vsw_add_bridge(&vsw, "br1", 101, &br1), 0);
	pc.name = "pp0";
	pc.ofp_port = 4;
	pc.dp_port = MVS_PORT_NONE;
	pc.peer = "pp1";
	CHECK_EQ(bridge_set_port(br, &pc, NULL), 0);
	pc.name = "pp1";
	pc.ofp_port = 1;
	pc.peer = "pp0";
	CHECK_EQ(bridge_set_port(br1, &pc, NULL), 0);
	CHECK_EQ(vswitchd_add_flow(&vsw, "br1",
				   "cookie=0x7,in_port=1,actions=load:0x2a->"
				   "NXM_NX_REG1[],controller(pause),"
				   "output:IN_PORT",
				   &s),
		 0);
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "cookie=0x12,priority=40000,in_port=1,"
				   "actions="
				   "output:4,output:3",
				   &s),
		 0);
	pause_run(br, &out, &acts, &frozen);
	CHECK_STREQ(acts, "3");
	CHECK_STREQ(frozen, "IN_PORT");
	CHECK_EQ(out.pins.n, 1u);
	CHECK(out.pins.p[0].pause);
	CHECK_EQ(out.pins.p[0].bridge_id, br1->id);
	CHECK_EQ(out.pins.p[0].regs[1], 0x2au);
	CHECK_EQ(out.pins.p[0].cookie, 0x7u);
	free(acts);
	free(frozen);
	xlate_out_uninit(&out);
	ds_free(&s);
	vsw_destroy(&vsw);
}

/* selection_method=dp_hash: the datapath's L4 hash picks one of 16 hash
 * values shared 12:4 by weights 3:1 (Open vSwitch's Webster table), so
 * 400 connections split close to 3:1; the megaflow matches the 5-tuple
 * only.  Weights needing more than 256 values fall back to the default
 * method (its symmetric hash reads the Ethernet addresses). */
static void
test_dp_hash(void)
{
	struct bridge *br = small_bridge();
	struct ds s = DS_EMPTY;
	struct xlate_out out;
	struct flow flow;
	unsigned to2 = 0, to3 = 0;
	char *err = ofp_parse_exact_flow(&flow, "in_port=1,udp", NULL);

	CHECK(!err);
	free(err);
	flow.hdr.ipv4_src = htonl(0x0a000001);
	flow.hdr.ipv4_dst = htonl(0x0a000002);
	flow.hdr.tp_dst = htons(53);
	add_group(br, "group_id=1,type=select,selection_method=dp_hash,"
		      "bucket=weight:3,output:2,bucket=weight:1,output:3");
	CHECK_EQ(
		vswitchd_add_flow(&vsw, "br0", "in_port=1,actions=group:1", &s),
		0);
	for (unsigned p = 1000; p < 1400; p++) {
		char *a;

		flow.hdr.tp_src = htons((uint16_t)p);
		a = run_parsed(br, &flow, 0, &out);
		to2 += !strcmp(a, "2");
		to3 += !strcmp(a, "3");
		if (p == 1000) {
			CHECK_EQ(out.mask.hdr.tp_src, 0xffff);
			CHECK_EQ(out.mask.hdr.ipv4_src, ~0u);
			CHECK_EQ(out.mask.hdr.nw_proto, 0xff);
			CHECK_EQ(out.mask.hdr.eth_src[0], 0);
		}
		free(a);
		xlate_out_uninit(&out);
	}
	CHECK_EQ(to2 + to3, 400u);
	CHECK(to2 >= 270 && to2 <= 330);

	/* 1000:1 needs 1,001 values: the default method. */
	add_group(br, "group_id=2,type=select,selection_method=dp_hash,"
		      "bucket=weight:1000,output:2,bucket=weight:1,output:3");
	CHECK_EQ(vswitchd_add_flow(&vsw, "br0",
				   "priority=40000,in_port=1,actions=group:2",
				   &s),
		 0);
	free(run_parsed(br, &flow, 0, &out));
	CHECK_EQ(out.mask.hdr.eth_src[0], 0xff);
	xlate_out_uninit(&out);
	ds_free(&s);
	vsw_destroy(&vsw);
}

int
main(void)
{
	CHECK_RUN(test_vlan);
	CHECK_RUN(test_pipeline);
	CHECK_RUN(test_patch);
	CHECK_RUN(test_dp_mask);
	CHECK_RUN(test_invalidation);
	CHECK_RUN(test_push_stats);
	CHECK_RUN(test_push_vlan);
	CHECK_RUN(test_frag_modes);
	CHECK_RUN(test_classic_actions);
	CHECK_RUN(test_groups);
	CHECK_RUN(test_pause);
	CHECK_RUN(test_ctrl_datapath);
	CHECK_RUN(test_pin_rewrites);
	CHECK_RUN(test_pause_bucket);
	CHECK_RUN(test_dp_hash);
	CHECK_RUN(test_tnl_ecn);
	CHECK_RUN(test_commit_tos);
	printf("%d outputs compared with Open vSwitch\n", n_compared);
	CHECK_EXIT();
}
