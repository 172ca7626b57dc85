/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_table_test: flow-mod semantics (add and replace, modify and
 * delete, loose and strict, cookies, out_port, check_overlap), timeouts,
 * counters, the version that tells translations a table changed, and
 * the undo journal of an atomic bundle commit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vswitchd.h"

static struct flow_tables t;

static int
mod(const char *s, enum ofp_flow_mod_command cmd, uint64_t now)
{
	struct ofp_flow_mod fm;
	char *err = ofp_flow_mod_parse(&fm, s, cmd, NULL);
	int rc;

	CHECK(err == NULL);
	if (err) {
		fprintf(stderr, "%s: %s\n", s, err);
		free(err);
		return -EINVAL;
	}
	rc = tables_flow_mod(&t, &fm, false, now, NULL, NULL);
	ofp_flow_mod_uninit(&fm);
	return rc;
}

static size_t
count(uint8_t table)
{
	size_t n;
	struct rule **r = tables_collect(&t, table, NULL, OFPP_NONE,
					 OFP_GROUP_ANY, 0, 0, &n);

	for (size_t i = 0; i < n; i++)
		rule_unref(r[i]);
	free(r);
	return n;
}

static struct rule *
lookup_port(uint8_t table, uint32_t in_port)
{
	struct flow f;

	memset(&f, 0, sizeof f);
	f.in_port = in_port;
	f.hdr.eth_type = htons(ETH_TYPE_IP);
	return tables_lookup(&t, table, &f, NULL);
}

static char *
actions_of(const struct rule *r)
{
	struct ds s = DS_EMPTY;
	ofpacts_format(&s, r->actions.data, r->actions.size, NULL);
	return ds_steal(&s);
}

static void
check_actions(const struct rule *r, const char *want)
{
	char *a;

	CHECK(r != NULL);
	if (!r)
		return;
	a = actions_of(r);
	CHECK_STREQ(a, want);
	free(a);
}

static void
test_default_and_add(void)
{
	struct rule *r;
	uint64_t v;

	tables_init(&t, 1000);
	CHECK_EQ(count(OFP_TABLE_ANY), 1);
	r = lookup_port(0, 7);
	check_actions(r, "NORMAL");
	CHECK_EQ(r->cr.priority, 0);

	v = t.version;
	CHECK_EQ(mod("priority=10,in_port=1,actions=output:2", OFPFC_ADD, 1000),
		 0);
	CHECK(t.version != v);
	check_actions(lookup_port(0, 1), "output:2");
	CHECK_EQ(mod("table=3,in_port=1,actions=drop", OFPFC_ADD, 1000), 0);
	CHECK_EQ(count(3), 1);
	CHECK_EQ(count(OFP_TABLE_ANY), 3);

	/* Replace: same match and priority; counters start again, the last
	 * hit carries over. */
	r = lookup_port(0, 1);
	rule_credit_stats(r, 3, 300, 1500);
	CHECK_EQ(mod("priority=10,in_port=1,actions=output:3", OFPFC_ADD, 2000),
		 0);
	r = lookup_port(0, 1);
	check_actions(r, "output:3");
	CHECK_EQ(r->n_packets, 0);
	CHECK_EQ(r->created_ms, 2000);
	CHECK_EQ(r->used_ms, 1500);
	CHECK_EQ(count(0), 2);

	/* check_overlap: same priority, overlapping -> refused. */
	CHECK_EQ(mod("priority=10,ip,check_overlap,actions=drop", OFPFC_ADD,
		     2000),
		 -EEXIST);
	CHECK_EQ(mod("priority=11,ip,check_overlap,actions=drop", OFPFC_ADD,
		     2000),
		 0);
	/* ... but a rule with the very same match and priority is replaced,
	 * check_overlap or not, as Open vSwitch does. */
	CHECK_EQ(mod("priority=11,ip,check_overlap,actions=output:4", OFPFC_ADD,
		     2500),
		 0);
	check_actions(lookup_port(0, 1), "output:4");
	CHECK_EQ(count(0), 3);
	tables_destroy(&t);
}

static void
test_modify_delete(void)
{
	struct rule *r;

	tables_init(&t, 0);
	CHECK_EQ(mod("cookie=0x1,priority=10,in_port=1,actions=output:2",
		     OFPFC_ADD, 0),
		 0);
	CHECK_EQ(mod("cookie=0x2,priority=20,in_port=1,ip,actions=output:3",
		     OFPFC_ADD, 0),
		 0);
	CHECK_EQ(mod("cookie=0x2,priority=10,in_port=2,actions=output:3",
		     OFPFC_ADD, 0),
		 0);
	r = lookup_port(0, 2);
	rule_credit_stats(r, 5, 500, 10);

	/* Loose modify: every rule within in_port=2 (one), counters kept. */
	CHECK_EQ(mod("in_port=2,actions=output:4", OFPFC_MODIFY, 20), 0);
	r = lookup_port(0, 2);
	check_actions(r, "output:4");
	CHECK_EQ(r->n_packets, 5);
	CHECK_EQ(r->cookie, 2);
	/* Strict modify needs the priority: priority=11 matches nothing. */
	CHECK_EQ(mod("priority=11,in_port=2,actions=output:5",
		     OFPFC_MODIFY_STRICT, 20),
		 0);
	check_actions(lookup_port(0, 2), "output:4");
	CHECK_EQ(mod("priority=10,in_port=2,cookie=0x9,reset_counts,actions="
		     "output:5",
		     OFPFC_MODIFY_STRICT, 20),
		 0);
	r = lookup_port(0, 2);
	check_actions(r, "output:5");
	CHECK_EQ(r->cookie, 9);
	CHECK_EQ(r->n_packets, 0);

	/* Loose delete of in_port=1: both in_port=1 rules (the ip one is
	 * within it too); the default stays. */
	CHECK_EQ(count(0), 4);
	CHECK_EQ(mod("in_port=1", OFPFC_DELETE, 30), 0);
	CHECK_EQ(count(0), 2);
	/* Cookie-masked and out_port-filtered deletes. */
	CHECK_EQ(mod("cookie=0x1/0xff", OFPFC_DELETE, 30), 0);
	CHECK_EQ(count(0), 2);
	CHECK_EQ(mod("out_port=4", OFPFC_DELETE, 30), 0);
	CHECK_EQ(count(0), 2);
	CHECK_EQ(mod("out_port=5", OFPFC_DELETE, 30), 0);
	CHECK_EQ(count(0), 1);
	/* Strict delete of the default flow. */
	CHECK_EQ(mod("priority=1", OFPFC_DELETE_STRICT, 30), 0);
	CHECK_EQ(count(0), 1);
	CHECK_EQ(mod("priority=0", OFPFC_DELETE_STRICT, 30), 0);
	CHECK_EQ(count(0), 0);
	CHECK(lookup_port(0, 1) == NULL);
	tables_destroy(&t);
}

static int n_removed;
static enum rule_removed_reason last_reason;

static void
removed(struct rule *r, enum rule_removed_reason why, void *aux)
{
	n_removed++;
	last_reason = why;
}

static void
test_timeouts_and_references(void)
{
	struct rule *r;

	tables_init(&t, 0);
	CHECK_EQ(mod("priority=5,in_port=1,idle_timeout=10,actions=drop",
		     OFPFC_ADD, 0),
		 0);
	CHECK_EQ(mod("priority=5,in_port=2,hard_timeout=20,actions=drop",
		     OFPFC_ADD, 0),
		 0);
	r = lookup_port(0, 1);
	rule_ref(r); /* as a megaflow's translation would */
	CHECK_EQ(tables_expire(&t, 9000, removed, NULL), 0);
	rule_credit_stats(r, 1, 60, 9000); /* a hit keeps it alive */
	CHECK_EQ(tables_expire(&t, 18000, removed, NULL), 0);
	CHECK_EQ(tables_expire(&t, 19000, removed, NULL), 1);
	CHECK_EQ(last_reason, RULE_REMOVED_IDLE_TIMEOUT);
	CHECK(r->removed);
	/* The translation's reference keeps it readable after it left. */
	rule_credit_stats(r, 1, 60, 19500);
	CHECK_EQ(r->n_packets, 2);
	rule_unref(r);
	CHECK_EQ(tables_expire(&t, 20000, removed, NULL), 1);
	CHECK_EQ(last_reason, RULE_REMOVED_HARD_TIMEOUT);
	CHECK_EQ(n_removed, 2);
	CHECK_EQ(count(0), 1);
	tables_destroy(&t);
}

/* The expiry walk runs only while some rule has a timeout: the count
 * follows adds, replacements by an add with the same match, and
 * removals. */
static void
test_timed_count(void)
{
	tables_init(&t, 0);
	CHECK_EQ(t.n_timed, 0);
	CHECK_EQ(mod("priority=5,in_port=1,idle_timeout=10,actions=drop",
		     OFPFC_ADD, 0),
		 0);
	CHECK_EQ(t.n_timed, 1);
	/* Replaced by one without a timeout: nothing to expire any more. */
	CHECK_EQ(mod("priority=5,in_port=1,actions=drop", OFPFC_ADD, 0), 0);
	CHECK_EQ(t.n_timed, 0);
	CHECK_EQ(tables_expire(&t, 60000, removed, NULL), 0);
	CHECK_EQ(count(0), 2);
	/* And back: a timed replacement expires. */
	CHECK_EQ(mod("priority=5,in_port=1,hard_timeout=1,actions=drop",
		     OFPFC_ADD, 0),
		 0);
	CHECK_EQ(t.n_timed, 1);
	CHECK_EQ(tables_expire(&t, 2000, removed, NULL), 1);
	CHECK_EQ(t.n_timed, 0);
	CHECK_EQ(count(0), 1);
	CHECK_EQ(mod("priority=6,in_port=2,idle_timeout=5,actions=drop",
		     OFPFC_ADD, 0),
		 0);
	CHECK_EQ(mod("priority=6,in_port=2", OFPFC_DELETE_STRICT, 0), 0);
	CHECK_EQ(t.n_timed, 0);
	tables_destroy(&t);
}

/* Every rule as text: table, priority, cookie, actions, packets. */
static char *
dump(void)
{
	struct ds d = DS_EMPTY;
	size_t n;
	struct rule **r = tables_collect(&t, OFP_TABLE_ANY, NULL, OFPP_NONE,
					 OFP_GROUP_ANY, 0, 0, &n);

	for (size_t i = 0; i < n; i++) {
		char *a = actions_of(r[i]);

		ds_printf(&d, "%u/%d/%#llx/%s/%llu;", r[i]->table_id,
			  r[i]->cr.priority, (unsigned long long)r[i]->cookie,
			  a, (unsigned long long)r[i]->n_packets);
		free(a);
		rule_unref(r[i]);
	}
	free(r);
	return ds_steal(&d);
}

static int
mod_rm(const char *s, enum ofp_flow_mod_command cmd)
{
	struct ofp_flow_mod fm;
	char *err = ofp_flow_mod_parse(&fm, s, cmd, NULL);
	int rc;

	CHECK(err == NULL);
	free(err);
	if (err)
		return -EINVAL;
	rc = tables_flow_mod(&t, &fm, false, 0, removed, NULL);
	ofp_flow_mod_uninit(&fm);
	return rc;
}

/* A bundle's journal: adds, a replacement, modifies (cookie, counters)
 * and deletes are all undone, the removals unreported; kept, the
 * removals are reported at the end and only then. */
static void
test_undo(void)
{
	char *before, *after;
	size_t n_rules, n_timed;
	uint64_t version;
	struct rule *r;

	tables_init(&t, 0);
	CHECK_EQ(mod("cookie=0x1,priority=10,in_port=1,actions=output:2",
		     OFPFC_ADD, 0),
		 0);
	CHECK_EQ(mod("priority=11,in_port=2,idle_timeout=9,send_flow_rem,"
		     "actions=output:3",
		     OFPFC_ADD, 0),
		 0);
	CHECK_EQ(mod("table=1,priority=12,in_port=3,actions=output:1",
		     OFPFC_ADD, 0),
		 0);
	rule_credit_stats(lookup_port(0, 1), 7, 700, 5);
	before = dump();
	n_rules = t.n_rules;
	n_timed = t.n_timed;
	version = t.version;
	n_removed = 0;

	tables_undo_begin(&t);
	CHECK_EQ(mod_rm("priority=13,in_port=4,hard_timeout=5,actions=drop",
			OFPFC_ADD),
		 0);
	CHECK_EQ(mod_rm("cookie=0x7,priority=10,in_port=1,actions=output:9",
			OFPFC_ADD),
		 0); /* replaces the first */
	CHECK_EQ(mod_rm("in_port=1,cookie=0x8,reset_counts,actions=output:8",
			OFPFC_MODIFY),
		 0);
	CHECK_EQ(mod_rm("in_port=2", OFPFC_DELETE), 0);
	CHECK_EQ(mod_rm("table=1,in_port=3,actions=output:4",
			OFPFC_MODIFY_STRICT),
		 0);
	CHECK_EQ(mod_rm("table=1,priority=12,in_port=3", OFPFC_DELETE_STRICT),
		 0);
	CHECK_EQ(mod_rm("priority=10,in_port=1", OFPFC_DELETE_STRICT), 0);
	CHECK_EQ(n_removed, 0);			     /* held back */
	CHECK_EQ(lookup_port(0, 1)->cr.priority, 0); /* the default's */
	tables_undo_end(&t, false, removed, NULL);

	after = dump();
	CHECK_STREQ(after, before);
	CHECK_EQ(t.n_rules, n_rules);
	CHECK_EQ(t.n_timed, n_timed);
	CHECK_EQ(t.version, version); /* nothing to revalidate */
	CHECK_EQ(n_removed, 0);
	r = lookup_port(0, 1);
	CHECK(r != NULL && !r->removed && r->n_packets == 7);
	check_actions(lookup_port(1, 3), "output:1");
	free(after);

	/* Kept: the two deletions are reported at the end. */
	tables_undo_begin(&t);
	CHECK_EQ(mod_rm("in_port=2", OFPFC_DELETE), 0);
	CHECK_EQ(mod_rm("table=1,in_port=3", OFPFC_DELETE), 0);
	CHECK_EQ(mod_rm("priority=14,in_port=5,actions=drop", OFPFC_ADD), 0);
	CHECK_EQ(n_removed, 0);
	tables_undo_end(&t, true, removed, NULL);
	CHECK_EQ(n_removed, 2);
	CHECK_EQ(last_reason, RULE_REMOVED_DELETE);
	CHECK(t.version > version);
	CHECK_EQ(t.n_rules, n_rules - 1);
	CHECK_EQ(t.n_timed, 0);
	CHECK_EQ(lookup_port(0, 2)->cr.priority, 0);
	CHECK_EQ(lookup_port(0, 5)->cr.priority, 14);
	free(before);
	tables_destroy(&t);
}

int
main(void)
{
	CHECK_RUN(test_default_and_add);
	CHECK_RUN(test_modify_delete);
	CHECK_RUN(test_timeouts_and_references);
	CHECK_RUN(test_timed_count);
	CHECK_RUN(test_undo);
	CHECK_EXIT();
}
