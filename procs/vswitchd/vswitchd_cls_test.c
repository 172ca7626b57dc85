/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_cls_test: the classifier against a linear scan, and its
 * megaflow wildcards against their one promise: every packet that agrees
 * with the looked-up one on the wildcarded bits gets the same rule.
 * Plus the cases where the wildcards must be narrow (staged lookup, the
 * tries), and insertion, replacement and removal.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vswitchd.h"

static uint64_t rng = 88172645463325252ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* A random value for a field of a rule or packet from a small space, so
 * that rules and packets collide often. */
static void
random_fields(struct flow *f)
{
	static const uint32_t nets[] = { 0x0a000000, 0x0a010000, 0x0a010100,
					 0xc0a80000, 0x0a630000 };

	f->in_port = 1 + rnd() % 4;
	f->hdr.eth_type = htons(rnd() % 4 ? ETH_TYPE_IP : ETH_TYPE_ARP);
	f->hdr.vlan_tci = rnd() % 3 ? 0 : htons(MVS_VLAN_PRESENT | (rnd() % 3));
	f->hdr.eth_dst[5] = (uint8_t)(rnd() % 4);
	f->hdr.nw_proto = (uint8_t)(rnd() % 2 ? IPPROTO_TCP_ : IPPROTO_UDP_);
	f->hdr.ipv4_src = htonl(nets[rnd() % 5] | (rnd() % 4));
	f->hdr.ipv4_dst =
		htonl(nets[rnd() % 5] | (rnd() % 4) << 8 | (rnd() % 3));
	f->hdr.tp_src = htons((uint16_t)(rnd() % 4 * 1000 + rnd() % 3));
	f->hdr.tp_dst = htons((uint16_t)(rnd() % 3 ? 80 : rnd() % 2048));
	f->regs[0] = rnd() % 3;
}

static uint32_t
prefix(unsigned n)
{
	return n ? htonl(0xffffffffu << (32 - n)) : 0;
}

/* A random rule: a random subset of fields, prefixes on the addresses. */
static void
random_match(struct match *m)
{
	static const unsigned plens[] = { 8, 16, 24, 30, 32 };

	memset(m, 0, sizeof *m);
	random_fields(&m->flow);
	if (rnd() % 3 == 0)
		m->mask.in_port = ~0u;
	if (rnd() % 2)
		m->mask.hdr.eth_type = 0xffff;
	if (rnd() % 5 == 0)
		m->mask.hdr.vlan_tci = htons(0x1fff);
	if (rnd() % 5 == 0)
		m->mask.hdr.eth_dst[5] = 0xff;
	if (m->mask.hdr.eth_type) {
		if (rnd() % 2)
			m->mask.hdr.nw_proto = 0xff;
		if (rnd() % 2)
			m->mask.hdr.ipv4_src = prefix(plens[rnd() % 5]);
		if (rnd() % 2)
			m->mask.hdr.ipv4_dst = prefix(plens[rnd() % 5]);
		if (m->mask.hdr.nw_proto && rnd() % 2)
			m->mask.hdr.tp_dst = rnd() % 2 ? 0xffff : htons(0xfc00);
		if (m->mask.hdr.nw_proto && rnd() % 3 == 0)
			m->mask.hdr.tp_src = 0xffff;
	}
	if (rnd() % 6 == 0)
		m->mask.regs[0] = ~0u;
	match_canonicalize(m);
}

#define N_RULES 300
static struct cls_rule rules[N_RULES];
static struct match matches[N_RULES];
static bool inserted[N_RULES];

static const struct cls_rule *
linear_lookup(const struct flow *flow)
{
	const struct cls_rule *best = NULL;

	for (int i = 0; i < N_RULES; i++)
		if (inserted[i] && match_matches_flow(&matches[i], flow) &&
		    (!best || rules[i].priority > best->priority))
			best = &rules[i];
	return best;
}

/* Flips random bits of @f outside @wc. */
static void
perturb(struct flow *f, const struct flow *wc)
{
	uint64_t *w = flow_u64_rw(f);
	const uint64_t *m = flow_u64(wc);

	for (int k = 0; k < 4; k++) {
		size_t i = rnd() % FLOW_WORDS;
		w[i] ^= ((uint64_t)rnd() << 32 | rnd()) & ~m[i];
	}
}

static int n_lookups;

static void
check_lookups(struct classifier *cls, int n)
{
	for (int k = 0; k < n; k++) {
		struct flow flow, wc, other;
		const struct cls_rule *got, *want;

		memset(&flow, 0, sizeof flow);
		random_fields(&flow);
		memset(&wc, 0, sizeof wc);
		got = cls_lookup(cls, &flow, &wc);
		want = linear_lookup(&flow);
		CHECK(got == want);
		/* The megaflow's promise: whatever the lookup did not look
		 * at cannot change its answer. */
		for (int j = 0; j < 8; j++) {
			other = flow;
			perturb(&other, &wc);
			CHECK(linear_lookup(&other) == got);
		}
		n_lookups++;
	}
}

static void
test_random(void)
{
	struct classifier cls;

	cls_init(&cls);
	for (int i = 0; i < N_RULES; i++) {
		random_match(&matches[i]);
		/* Distinct priorities: no ties to break. */
		cls_rule_init(&rules[i], &matches[i], i);
		CHECK(cls_insert(&cls, &rules[i]) == NULL);
		inserted[i] = true;
		if (i % 50 == 49)
			check_lookups(&cls, 200);
	}
	CHECK_EQ(cls.n_rules, N_RULES);
	/* Remove half, at random, in one batch (highest priorities first,
	 * as a delete does), and check again. */
	cls_batch_begin(&cls);
	for (int i = N_RULES - 1; i >= 0; i--)
		if (rnd() % 2) {
			cls_remove(&cls, &rules[i]);
			inserted[i] = false;
		}
	cls_batch_end(&cls);
	check_lookups(&cls, 2000);
	for (int i = 0; i < N_RULES; i++)
		if (inserted[i]) {
			cls_remove(&cls, &rules[i]);
			inserted[i] = false;
		}
	CHECK_EQ(cls.n_rules, 0);
	CHECK_EQ(cls_n_subtables(&cls), 0);
	for (int t = 0; t < CLS_N_TRIES; t++)
		CHECK(cls.tries[t] == NULL); /* every prefix went */
	cls_destroy(&cls);
	for (int i = 0; i < N_RULES; i++)
		cls_rule_destroy(&rules[i]);
	printf("%d random lookups checked\n", n_lookups);
}

/* A packet ruled out in an early stage leaves the later stages
 * wildcarded. */
static void
test_staged(void)
{
	struct classifier cls;
	struct cls_rule r;
	struct match m;
	struct flow flow, wc;

	cls_init(&cls);
	match_init_catchall(&m);
	m.flow.in_port = 1;
	m.mask.in_port = ~0u;
	m.flow.hdr.eth_type = htons(ETH_TYPE_IP);
	m.mask.hdr.eth_type = 0xffff;
	m.flow.hdr.nw_proto = IPPROTO_TCP_;
	m.mask.hdr.nw_proto = 0xff;
	m.flow.hdr.tp_dst = htons(80);
	m.mask.hdr.tp_dst = 0xffff;
	cls_rule_init(&r, &m, 10);
	cls_insert(&cls, &r);

	memset(&flow, 0, sizeof flow);
	flow.in_port = 2;
	flow.hdr.eth_type = htons(ETH_TYPE_IP);
	flow.hdr.nw_proto = IPPROTO_TCP_;
	flow.hdr.tp_dst = htons(80);
	memset(&wc, 0, sizeof wc);
	CHECK(cls_lookup(&cls, &flow, &wc) == NULL);
	CHECK_EQ(wc.in_port, ~0u);
	CHECK_EQ(wc.hdr.eth_type, 0);
	CHECK_EQ(wc.hdr.nw_proto, 0);
	CHECK_EQ(wc.hdr.tp_dst, 0);

	/* Ruled out in L3: metadata, L2 and L3 looked at, L4 not. */
	flow.in_port = 1;
	flow.hdr.nw_proto = IPPROTO_UDP_;
	memset(&wc, 0, sizeof wc);
	CHECK(cls_lookup(&cls, &flow, &wc) == NULL);
	CHECK_EQ(wc.hdr.eth_type, 0xffff);
	CHECK_EQ(wc.hdr.nw_proto, 0xff);
	CHECK_EQ(wc.hdr.tp_dst, 0);

	/* Ruled out in L4 by the ports trie: only the bits it needed
	 * (tp_dst 81 differs from 80 in the last bit: all 16 needed). */
	flow.hdr.nw_proto = IPPROTO_TCP_;
	flow.hdr.tp_dst = htons(0x8050);
	memset(&wc, 0, sizeof wc);
	CHECK(cls_lookup(&cls, &flow, &wc) == NULL);
	CHECK_EQ(ntohs(wc.hdr.tp_dst), 0x8000);
	cls_remove(&cls, &r);
	cls_rule_destroy(&r);
	cls_destroy(&cls);
}

/* The trie rules a subtable out with just the bits that tell. */
static void
test_tries(void)
{
	struct classifier cls;
	struct cls_rule r[3];
	struct flow flow, wc;
	const uint32_t dst[3] = { 0x0a010001, 0x0a010200, 0xc0a80000 };
	const unsigned plen[3] = { 32, 24, 16 };

	cls_init(&cls);
	for (int i = 0; i < 3; i++) {
		struct match m;

		match_init_catchall(&m);
		m.flow.hdr.eth_type = htons(ETH_TYPE_IP);
		m.mask.hdr.eth_type = 0xffff;
		m.flow.hdr.ipv4_dst = htonl(dst[i]);
		m.mask.hdr.ipv4_dst = prefix(plen[i]);
		cls_rule_init(&r[i], &m, 30 - 10 * i);
		cls_insert(&cls, &r[i]);
	}
	memset(&flow, 0, sizeof flow);
	flow.hdr.eth_type = htons(ETH_TYPE_IP);
	flow.hdr.ipv4_dst = htonl(0x0a630002); /* 10.99.0.2 */
	memset(&wc, 0, sizeof wc);
	CHECK(cls_lookup(&cls, &flow, &wc) == NULL);
	/* 10.1.x and 10.99.x part at bit 9: ten bits tell them apart. */
	CHECK_EQ(wc.hdr.ipv4_dst, prefix(10));

	/* 10.1.2.3 is in the /24: 24 bits rule the /32 out (10.1.0.1
	 * parts at bit 22) and the /24 matches with its own 24. */
	flow.hdr.ipv4_dst = htonl(0x0a010203);
	memset(&wc, 0, sizeof wc);
	CHECK(cls_lookup(&cls, &flow, &wc) == &r[1]);
	CHECK_EQ(wc.hdr.ipv4_dst, prefix(24));

	/* A non-IP packet: the trie says nothing, the whole L3 mask of a
	 * visited subtable is looked at only if L2 matched (it does not). */
	flow.hdr.eth_type = htons(ETH_TYPE_ARP);
	memset(&wc, 0, sizeof wc);
	CHECK(cls_lookup(&cls, &flow, &wc) == NULL);
	CHECK_EQ(wc.hdr.ipv4_dst, 0);
	for (int i = 0; i < 3; i++) {
		cls_remove(&cls, &r[i]);
		cls_rule_destroy(&r[i]);
	}
	CHECK(cls.tries[CLS_TRIE_NW_DST] == NULL);
	cls_destroy(&cls);
}

static void
test_duplicates_and_priorities(void)
{
	struct classifier cls;
	struct cls_rule a, b, c;
	struct match m;
	struct flow flow;

	cls_init(&cls);
	match_init_catchall(&m);
	m.flow.in_port = 3;
	m.mask.in_port = ~0u;
	cls_rule_init(&a, &m, 5);
	cls_rule_init(&b, &m, 5);
	cls_rule_init(&c, &m, 7);
	/* One copy of the mask for the three. */
	CHECK(a.mask == b.mask && b.mask == c.mask);
	CHECK_EQ(a.mask->refcnt, 3);
	CHECK(cls_insert(&cls, &a) == NULL);
	CHECK(cls_insert(&cls, &b) == &a); /* same match and priority */
	CHECK(cls_insert(&cls, &c) == NULL);
	CHECK(cls_find_exact(&cls, &m, 5) == &a);
	CHECK(cls_find_exact(&cls, &m, 6) == NULL);
	memset(&flow, 0, sizeof flow);
	flow.in_port = 3;
	CHECK(cls_lookup(&cls, &flow, NULL) == &c);
	cls_remove(&cls, &c);
	CHECK(cls_lookup(&cls, &flow, NULL) == &a);
	cls_remove(&cls, &a);
	CHECK(cls_lookup(&cls, &flow, NULL) == NULL);
	cls_rule_destroy(&b);
	cls_rule_destroy(&c);
	CHECK_EQ(a.mask->refcnt, 1);
	cls_rule_destroy(&a);
	cls_destroy(&cls);
}

static void
test_loose_match(void)
{
	struct cls_rule r;
	struct match m, crit;

	match_init_catchall(&m);
	m.flow.in_port = 1;
	m.mask.in_port = ~0u;
	m.flow.hdr.eth_type = htons(ETH_TYPE_IP);
	m.mask.hdr.eth_type = 0xffff;
	cls_rule_init(&r, &m, 1);
	match_init_catchall(&crit);
	CHECK(cls_rule_is_loose_match(&r, &crit));
	crit.flow.in_port = 1;
	crit.mask.in_port = ~0u;
	CHECK(cls_rule_is_loose_match(&r, &crit));
	crit.flow.in_port = 2;
	CHECK(!cls_rule_is_loose_match(&r, &crit));
	crit.flow.in_port = 1;
	crit.mask.hdr.nw_proto = 0xff; /* the rule does not match on it */
	crit.flow.hdr.nw_proto = 6;
	CHECK(!cls_rule_is_loose_match(&r, &crit));
	cls_rule_destroy(&r);
}

int
main(void)
{
	CHECK_RUN(test_random);
	CHECK_RUN(test_staged);
	CHECK_RUN(test_tries);
	CHECK_RUN(test_duplicates_and_priorities);
	CHECK_RUN(test_loose_match);
	CHECK_EXIT();
}
