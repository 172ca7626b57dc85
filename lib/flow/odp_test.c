/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the datapath text formats against real Open vSwitch 3.1:
 * odp_golden.txt holds `ovs-appctl dpctl/dump-flows` and `-m` lines that a
 * real ovs-vswitchd (netdev datapath, revalidators paused) printed for
 * flows added with dpctl/add-flow.  Each is parsed and printed again and
 * must come out identical (our -m prints no "dp-extra-info", a detail of
 * Open vSwitch's miniflow layout, so that suffix is cut).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>

#include "check.h"
#include "flow.h"
#include "flow_test_pkt.h"
#include "odp.h"

/* Port names by number: the golden captures had dp8br0, dp8va and dp8vb
 * as ports 1-3, the reference ping veth1 as port 2. */
static const char *golden_ports[] = { NULL, "dp8br0", NULL, NULL };
static const char *traffic_ports[] = { NULL, "dp8br0", "dp8va", "dp8vb" };
static const char *ref_ports[] = { NULL, NULL, "veth1", NULL };

static const char *
port_name(void *aux, uint32_t port)
{
	const char *const *n = aux;

	return port < 4 ? n[port] : NULL;
}

static int
port_lookup(void *aux, const char *name, uint32_t *port)
{
	const char *const *n = aux;

	for (uint32_t i = 0; i < 4; i++) {
		if (n[i] && !strcmp(n[i], name)) {
			*port = i;
			return 0;
		}
	}
	return -ENOENT;
}

static const struct odp_names names = { port_name, port_lookup,
					(void *)golden_ports };
static const struct odp_names traffic_names = { port_name, port_lookup,
						(void *)traffic_ports };
static const struct odp_names ref_names = { port_name, port_lookup,
					    (void *)ref_ports };

/* Parses one dump line and prints it again. */
static void
round_trip(const char *line, bool verbose, const struct odp_names *nm)
{
	char *s = xstrdup(line), *err = NULL;
	struct mvs_ufid ufid = { { 0 } };
	char *key = s;

	char *cut = strstr(s, ", dp-extra-info:");
	if (cut)
		*cut = '\0';
	if (verbose) {
		CHECK_EQ(odp_parse_ufid(strtok(s, ","), &ufid), 0);
		key = s + strlen(s) + 2;
	}
	char *stats = strstr(key, ", packets:");
	char *acts = strstr(key, "actions:");
	CHECK(stats && acts);
	if (!stats || !acts)
		goto out;
	*stats = '\0';
	acts += strlen("actions:");

	struct mvs_key k, m;
	struct nlbuf b = NLBUF_EMPTY;
	int r = odp_parse_key(key, nm, &k, &m, &err);
	if (r)
		fprintf(stderr, "%s\n", err);
	CHECK_EQ(r, 0);
	r = odp_parse_actions(acts, nm, &b, &err);
	if (r)
		fprintf(stderr, "%s\n", err);
	CHECK_EQ(r, 0);
	CHECK_EQ(
		odp_actions_check((const struct nlattr *)(void *)b.data, b.len),
		0);

	struct mvs_flow_stats st = { 0 };
	struct ds out = DS_EMPTY;
	odp_format_flow(&out, &ufid, &k, &m,
			(const struct nlattr *)(void *)b.data, b.len, &st,
			verbose, nm, 1000);
	char *want = xstrdup(line);
	cut = strstr(want, ", dp-extra-info:");
	if (cut)
		*cut = '\0';
	CHECK_STREQ(ds_cstr(&out), want);
	free(want);
	ds_free(&out);
	nl_buf_free(&b);
out:
	free(err);
	free(s);
}

static void
test_golden(void)
{
	FILE *f = fopen(ODP_GOLDEN, "r");
	char line[4096];
	int n = 0;

	CHECK(f != NULL);
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || !strchr("PMTV", line[0]))
			continue;
		round_trip(line + 2, line[0] == 'M' || line[0] == 'V',
			   strchr("PM", line[0]) ? &names : &traffic_names);
		n++;
	}
	fclose(f);
	CHECK_EQ(n, 49);
}

/* The ping megaflow of ../shared/reference (real Open vSwitch, NORMAL):
 * our key of the same packet under the same mask prints the same line,
 * -m showing the packet's own values under zero masks (ttl=64/0). */
static void
test_reference_ping(void)
{
	static const char plain[] =
		"recirc_id(0),in_port(2),packet_type(ns=0,id=0),"
		"eth(src=6e:24:9a:3b:aa:34,dst=5a:9b:b2:ba:30:ce),"
		"eth_type(0x0800),ipv4(src=10.99.0.1/255.255.255.0,"
		"dst=10.99.0.2/255.192.0.0,proto=1,frag=no)";
	static const char verbose[] =
		"skb_priority(0/0),skb_mark(0/0),ct_state(0/0),ct_zone(0/0),"
		"ct_mark(0/0),ct_label(0/0),recirc_id(0),dp_hash(0/0),"
		"in_port(veth1),packet_type(ns=0,id=0),"
		"eth(src=6e:24:9a:3b:aa:34,dst=5a:9b:b2:ba:30:ce),"
		"eth_type(0x0800),ipv4(src=10.99.0.1/255.255.255.0,"
		"dst=10.99.0.2/255.192.0.0,proto=1,tos=0/0,ttl=64/0,frag=no),"
		"icmp(type=8/0,code=0/0)";
	struct tpkt t;
	struct mvs_key k, m, pk;
	static const uint8_t src[6] = { 0x6e, 0x24, 0x9a, 0x3b, 0xaa, 0x34 };
	static const uint8_t dst[6] = { 0x5a, 0x9b, 0xb2, 0xba, 0x30, 0xce };

	tp_eth(&t, ETH_TYPE_IP);
	memcpy(t.b, dst, 6);
	memcpy(t.b + 6, src, 6);
	tp_ipv4(&t, IPPROTO_ICMP, 0x0a630001, 0x0a630002, 64, 0x4000, 5);
	t.b[15] = 0; /* tos 0 */
	tp_u8(&t, 8);
	tp_u8(&t, 0);
	for (int i = 0; i < 62; i++)
		tp_u8(&t, 0);
	struct dp_packet *p = dp_packet_clone_data(t.b, t.n);
	memset(&pk, 0, sizeof pk);
	pk.meta.in_port = 2;
	CHECK_EQ(flow_extract(p, &pk), FLOW_OK);
	dp_packet_free(p);
	CHECK_EQ(odp_parse_key(plain, NULL, &k, &m, NULL), 0);

	struct ds out = DS_EMPTY;
	odp_format_key(&out, &pk, &m, false, &ref_names);
	CHECK_STREQ(ds_cstr(&out), plain);
	ds_clear(&out);
	odp_format_key(&out, &pk, &m, true, &ref_names);
	CHECK_STREQ(ds_cstr(&out), verbose);
	ds_clear(&out);

	struct mvs_flow_stats st = { 4, 392, 5000 - 109, 0, { 0 } };
	odp_format_stats(&out, &st, 5000);
	CHECK_STREQ(ds_cstr(&out), "packets:4, bytes:392, used:0.109s");
	ds_clear(&out);
	st.tcp_flags = 0x012;
	odp_format_stats(&out, &st, 5000);
	CHECK_STREQ(ds_cstr(&out),
		    "packets:4, bytes:392, used:0.109s, flags:S.");
	ds_free(&out);
}

static void
test_ufid(void)
{
	struct mvs_ufid u;
	struct ds out = DS_EMPTY;

	CHECK_EQ(
		odp_parse_ufid("ufid:8265f9d2-3b10-459e-8809-c103fd17f86a", &u),
		0);
	odp_format_ufid(&out, &u);
	CHECK_STREQ(ds_cstr(&out), "ufid:8265f9d2-3b10-459e-8809-c103fd17f86a");
	CHECK_EQ(odp_parse_ufid("ufid:8265f9d2-3b10-459e-8809", &u), -EINVAL);
	ds_free(&out);
}

static void
test_parse_errors(void)
{
	struct mvs_key k, m;
	struct nlbuf b = NLBUF_EMPTY;
	char *err = NULL;

	CHECK_EQ(odp_parse_key("in_port(1),eth(src=zz)", NULL, &k, &m, &err),
		 -EINVAL);
	CHECK(err && strstr(err, "syntax error"));
	free(err);
	err = NULL;
	CHECK_EQ(odp_parse_key("in_port(1", NULL, &k, &m, NULL), -EINVAL);
	CHECK_EQ(odp_parse_key("bogus(1)", NULL, &k, &m, NULL), -EINVAL);
	CHECK_EQ(odp_parse_key("ipv4(frag=maybe)", NULL, &k, &m, NULL),
		 -EINVAL);
	CHECK_EQ(odp_parse_actions("1,push_vlan(vid=5000)", NULL, &b, NULL),
		 -EINVAL);
	CHECK_EQ(odp_parse_actions("nosuchport", NULL, &b, NULL), -EINVAL);
	/* What the parser builds must pass odp_actions_check (the fuzzer
	 * found both). */
	CHECK_EQ(odp_parse_actions("push_vlan(tpid=0x89a8,vid=5,pcp=0),1", NULL,
				   &b, NULL),
		 -EINVAL);
	CHECK_EQ(odp_parse_actions("70000", NULL, &b, NULL), -EINVAL);
	CHECK_EQ(odp_parse_actions("clone(1", NULL, &b, NULL), -EINVAL);
	nl_buf_free(&b);
	CHECK_EQ(odp_parse_actions("drop", NULL, &b, NULL), 0);
	CHECK_EQ(b.len, 0);
	nl_buf_free(&b);
}

static void
test_actions_check(void)
{
	struct nlbuf b = NLBUF_EMPTY;
	const struct nlattr *a;

	nl_put_u32(&b, MVS_ACTION_ATTR_OUTPUT, 1);
	a = (const struct nlattr *)(void *)b.data;
	CHECK_EQ(odp_actions_check(a, b.len), 0);
	/* Wrong payload size. */
	nl_put_u16(&b, MVS_ACTION_ATTR_OUTPUT, 1);
	a = (const struct nlattr *)(void *)b.data;
	CHECK_EQ(odp_actions_check(a, b.len), -EINVAL);
	nl_buf_free(&b);
	/* Unknown type, port out of range. */
	nl_put_u32(&b, 200, 1);
	CHECK_EQ(odp_actions_check((const void *)b.data, b.len), -EINVAL);
	nl_buf_free(&b);
	nl_put_u32(&b, MVS_ACTION_ATTR_OUTPUT, MVS_PORT_MAX + 1);
	CHECK_EQ(odp_actions_check((const void *)b.data, b.len), -EINVAL);
	nl_buf_free(&b);
	/* Nesting deeper than NL_NEST_MAX. */
	size_t ofs[NL_NEST_MAX + 2];
	for (int i = 0; i < NL_NEST_MAX + 2; i++)
		ofs[i] = nl_nest_start(&b, MVS_ACTION_ATTR_CLONE);
	nl_put_u32(&b, MVS_ACTION_ATTR_OUTPUT, 1);
	for (int i = NL_NEST_MAX + 1; i >= 0; i--)
		nl_nest_end(&b, ofs[i]);
	CHECK_EQ(odp_actions_check((const void *)b.data, b.len), -EINVAL);
	nl_buf_free(&b);
	/* A sample without its probability. */
	size_t s = nl_nest_start(&b, MVS_ACTION_ATTR_SAMPLE);
	size_t in = nl_nest_start(&b, MVS_SAMPLE_ATTR_ACTIONS);
	nl_nest_end(&b, in);
	nl_nest_end(&b, s);
	CHECK_EQ(odp_actions_check((const void *)b.data, b.len), -EINVAL);
	nl_buf_free(&b);
	/* A bad push_vlan tpid. */
	struct mvs_act_push_vlan v = { htons(0x0800), 0 };
	nl_put(&b, MVS_ACTION_ATTR_PUSH_VLAN, &v, sizeof v);
	CHECK_EQ(odp_actions_check((const void *)b.data, b.len), -EINVAL);
	nl_buf_free(&b);
}

/* odp_rewrite_copy(): the header rewrites among the actions before a
 * packet-in, on a copy (outputs skipped): the Ethernet source, the IPv4
 * destination and TTL with the IP and UDP checksums still right, then a
 * pushed tag; no rewrite, no copy. */
static void
test_rewrite_copy(void)
{
	static const uint8_t mac[6] = { 0x50, 0x54, 0, 0, 0, 0x99 };
	struct nlbuf b = NLBUF_EMPTY;
	struct dp_packet *p;
	struct tpkt t;
	size_t ip;

	tp_eth(&t, ETH_TYPE_IP);
	ip = tp_ipv4(&t, IPPROTO_UDP, 0x0a000002, 0x0a000003, 12, 0, 5);
	tp_udp(&t, 1000, 2000, 12);
	for (int i = 0; i < 4; i++)
		tp_u8(&t, (uint8_t)i);
	/* A UDP checksum over the pseudo-header and the datagram. */
	uint32_t ph = 0x0a00 + 0x0002 + 0x0a00 + 0x0003 + IPPROTO_UDP + 12;
	uint16_t c = htons(tp_csum(t.b + ip + 20, 12, ph));
	memcpy(t.b + ip + 26, &c, 2);

	CHECK_EQ(odp_parse_actions("1,2", NULL, &b, NULL), 0);
	CHECK(!odp_rewrite_copy(b.data, b.len, t.b, t.n));
	nl_buf_free(&b);
	CHECK_EQ(odp_parse_actions("1,set(eth(src=50:54:00:00:00:99)),"
				   "set(ipv4(dst=10.0.0.9,ttl=63)),2,"
				   "push_vlan(vid=5,pcp=0)",
				   NULL, &b, NULL),
		 0);
	CHECK_EQ(odp_actions_check((const void *)b.data, b.len), 0);
	p = odp_rewrite_copy(b.data, b.len, t.b, t.n);
	CHECK(p);
	CHECK_EQ(p->len, t.n + 4);
	CHECK(!memcmp(p->data, tp_mac_b, 6));
	CHECK(!memcmp(p->data + 6, mac, 6));
	CHECK_EQ(flow_get16(p->data + 12), 0x8100);
	CHECK_EQ(flow_get16(p->data + 14), 5);
	CHECK_EQ(flow_get16(p->data + 16), ETH_TYPE_IP);
	const uint8_t *h = p->data + ip + 4;
	CHECK_EQ(h[8], 63);
	CHECK(!memcmp(h + 16, "\x0a\x00\x00\x09", 4));
	CHECK_EQ(tp_csum(h, 20, 0), 0);
	ph = 0x0a00 + 0x0002 + 0x0a00 + 0x0009 + IPPROTO_UDP + 12;
	CHECK_EQ(tp_csum(h + 20, 12, ph), 0);
	/* The original is as it was. */
	CHECK_EQ(t.b[ip + 8], 64);
	dp_packet_free(p);
	nl_buf_free(&b);
}

int
main(void)
{
	CHECK_RUN(test_golden);
	CHECK_RUN(test_reference_ping);
	CHECK_RUN(test_ufid);
	CHECK_RUN(test_parse_errors);
	CHECK_RUN(test_actions_check);
	CHECK_RUN(test_rewrite_copy);
	CHECK_EXIT();
}
