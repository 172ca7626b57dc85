/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofctl_flows: ovs-ofctl's flow commands: add-flow(s), mod-flows,
 * del-flows, dump-flows (sorted or not, with or without statistics),
 * dump-aggregate, replace-flows and diff-flows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ofctl.h"
#include "ofp_field.h"
#include "ofp_flow_wire.h"
#include "ofp_flowmod.h"
#include "ofp_misc.h"
#include "ofp_print.h"
#include "ofp_protocol.h"

/* ---- parsing ---- */

char *
ofctl_parse_flow_mod(struct ofp_flow_mod *fm, const char *line, int command,
		     const struct ofp_port_map *ports, uint32_t *usable)
{
	if (command == -2) {
		size_t len;

		line += strspn(line, " \t\r\n");
		len = strcspn(line, ", \t\r\n");
		if (!strncmp(line, "add", len))
			command = OFPFC_ADD;
		else if (!strncmp(line, "delete", len))
			command = OFPFC_DELETE;
		else if (!strncmp(line, "delete_strict", len))
			command = OFPFC_DELETE_STRICT;
		else if (!strncmp(line, "modify", len))
			command = OFPFC_MODIFY;
		else if (!strncmp(line, "modify_strict", len))
			command = OFPFC_MODIFY_STRICT;
		else {
			len = 0;
			command = OFPFC_ADD;
		}
		line += len;
	}
	return ofp_flow_mod_parse_ex(
		fm, line, (enum ofp_flow_mod_command)command, ports, usable);
}

/* ofctl_parse_flow_file()'s state. */
struct flow_file {
	struct ofp_flow_mod *fms;
	size_t n, cap;
	int command;
	const struct ofp_port_map *ports;
	uint32_t usable;
};

static char *
flow_file_line(const char *line, void *ff_)
{
	struct flow_file *ff = ff_;
	uint32_t u;
	char *error;

	if (ff->n == ff->cap) {
		ff->cap = ff->cap ? ff->cap * 2 : 64;
		ff->fms = xrealloc(ff->fms, ff->cap * sizeof *ff->fms);
	}
	error = ofctl_parse_flow_mod(&ff->fms[ff->n], line, ff->command,
				     ff->ports, &u);
	if (!error) {
		ff->usable &= u;
		ff->n++;
	}
	return error;
}

struct ofp_flow_mod *
ofctl_parse_flow_file(const char *file, int command,
		      const struct ofp_port_map *ports, size_t *n_fms,
		      uint32_t *usable)
{
	struct flow_file ff = { .command = command,
				.ports = ports,
				.usable = OFP_PROTO_ANY };

	ofctl_parse_file(file, flow_file_line, &ff);
	*usable = ff.usable;
	*n_fms = ff.n;
	return ff.fms;
}

/* ---- flow mods ---- */

static void
flow_mods(const char *target, struct ofp_flow_mod *fms, size_t n,
	  uint32_t usable)
{
	struct vconn *vconn;
	uint32_t protocol;

	if (ofctl.bundle)
		usable &= OFP_PROTO_OF13_UP;
	protocol = ofctl_open_for_flow_mod(target, &vconn, usable);
	if (ofctl.bundle) {
		struct ofpbuf *reqs = xcalloc(n ? n : 1, sizeof *reqs);
		for (size_t i = 0; i < n; i++) {
			ofpbuf_init(&reqs[i]);
			ofp_encode_flow_mod(&reqs[i], &fms[i], protocol,
					    ofctl_alloc_xid());
			ofp_flow_mod_uninit(&fms[i]);
		}
		ofctl_bundle_transact(vconn, reqs, n);
		for (size_t i = 0; i < n; i++)
			ofpbuf_uninit(&reqs[i]);
		free(reqs);
	} else {
		struct ofpbuf b;

		ofpbuf_init(&b);
		for (size_t i = 0; i < n; i++) {
			b.size = 0;
			ofp_encode_flow_mod(&b, &fms[i], protocol,
					    ofctl_alloc_xid());
			ofctl_transact_noreply_or_die(vconn, &b);
			ofp_flow_mod_uninit(&fms[i]);
		}
		ofpbuf_uninit(&b);
	}
	ofctl_close(vconn);
}

static void
flow_mod_file(char *argv[], int command)
{
	struct ofp_flow_mod *fms;
	const struct ofp_port_map *ports;
	uint32_t usable;
	size_t n;

	if (command == OFPFC_ADD)
		command = -2;
	ofctl_tables_to_accept(argv[1]);
	ports = ofctl_ports_to_accept(argv[1]);
	fms = ofctl_parse_flow_file(argv[2], command, ports, &n, &usable);
	flow_mods(argv[1], fms, n, usable);
	free(fms);
}

static void
flow_mod(int argc, char *argv[], int command)
{
	struct ofp_flow_mod fm;
	const struct ofp_port_map *ports;
	uint32_t usable;
	char *error;

	if (argc > 2 && !strcmp(argv[2], "-")) {
		flow_mod_file(argv, command);
		return;
	}
	ofctl_tables_to_accept(argv[1]);
	ports = ofctl_ports_to_accept(argv[1]);
	error = ofp_flow_mod_parse_ex(&fm, argc > 2 ? argv[2] : "",
				      (enum ofp_flow_mod_command)command, ports,
				      &usable);
	if (error)
		ofctl_fatal(0, "%s", error);
	flow_mods(argv[1], &fm, 1, usable);
}

static void
cmd_add_flow(int argc, char *argv[])
{
	flow_mod(argc, argv, OFPFC_ADD);
}

static void
cmd_add_flows(int argc, char *argv[])
{
	(void)argc;
	flow_mod_file(argv, OFPFC_ADD);
}

static void
cmd_mod_flows(int argc, char *argv[])
{
	flow_mod(argc, argv, ofctl.strict ? OFPFC_MODIFY_STRICT : OFPFC_MODIFY);
}

static void
cmd_del_flows(int argc, char *argv[])
{
	flow_mod(argc, argv, ofctl.strict ? OFPFC_DELETE_STRICT : OFPFC_DELETE);
}

/* ---- dumps ---- */

static struct vconn *
prepare_dump(int argc, char *argv[], bool aggregate,
	     struct ofp_flow_stats_request *fsr, uint32_t *protocol)
{
	const char *match = argc > 2 ? argv[2] : "";
	const struct ofp_port_map *ports = NULL;
	struct ofp_flow_mod fm;
	struct vconn *vconn;
	uint32_t usable, cur;
	char *error;

	if (*match) {
		ports = ofctl_ports_to_accept(argv[1]);
		ofctl_tables_to_accept(argv[1]);
	}
	error = ofp_flow_mod_parse_ex(&fm, match, OFPFC_STATS_REQUEST, ports,
				      &usable);
	if (error)
		ofctl_fatal(0, "%s", error);
	/* Stats requests carry their table themselves: no need for
	 * NXT_FLOW_MOD_TABLE_ID. */
	if (usable & OFP_PROTO_OF10_STD_TID)
		usable |= OFP_PROTO_OF10_STD;
	if (usable & OFP_PROTO_OF10_NXM_TID)
		usable |= OFP_PROTO_OF10_NXM;
	memset(fsr, 0, sizeof *fsr);
	fsr->aggregate = aggregate;
	fsr->match = fm.match;
	fsr->cookie = fm.cookie;
	fsr->cookie_mask = fm.cookie_mask;
	fsr->out_port = fm.out_port;
	fsr->out_group = fm.out_group;
	fsr->table_id = fm.table_id;
	ofp_flow_mod_uninit(&fm);
	cur = ofctl_open(argv[1], &vconn, false);
	*protocol = ofctl_set_protocol_for_flow_dump(vconn, cur, usable);
	return vconn;
}

static void
dump_flows__(int argc, char *argv[], bool aggregate)
{
	struct ofp_flow_stats_request fsr;
	struct vconn *vconn;
	struct ofpbuf req;
	uint32_t protocol;

	vconn = prepare_dump(argc, argv, aggregate, &fsr, &protocol);
	ofpbuf_init(&req);
	ofp_encode_flow_stats_request(&req, &fsr, protocol, ofctl_alloc_xid());
	ofctl_dump_transaction(vconn, &req);
	ofpbuf_uninit(&req);
	ofctl_close(vconn);
}

/* All flows of a switch, as vconn_dump_flows() collects them. */
struct flow_list {
	size_t n;
	struct ofp_flow_stats_entry *e;
};

/* Points each entry's statistics at its own match and actions (again
 * after the entries move). */
static void
flow_list_fix(struct flow_list *fl)
{
	for (size_t i = 0; i < fl->n; i++) {
		fl->e[i].fs.match = &fl->e[i].match;
		fl->e[i].fs.ofpacts = fl->e[i].acts.data;
		fl->e[i].fs.ofpacts_len = fl->e[i].acts.size;
	}
}

static void
dump_flows_to_list(struct vconn *vconn,
		   const struct ofp_flow_stats_request *fsr, uint32_t protocol,
		   struct flow_list *fl)
{
	struct ofctl_replies replies;
	struct ofpbuf req;

	memset(fl, 0, sizeof *fl);
	ofpbuf_init(&req);
	ofp_encode_flow_stats_request(&req, fsr, protocol, ofctl_alloc_xid());
	ofctl_dump_multipart(vconn, &req, &replies);
	ofpbuf_uninit(&req);
	for (size_t i = 0; i < replies.n; i++) {
		struct ofp_msg m;
		struct ofp_reader r;

		if (ofp_msg_decode(replies.msgs[i].data, replies.msgs[i].size,
				   &m))
			ofctl_fatal(0, "dump flows (%s)", strerror(EPROTO));
		r = ofp_reader_init(m.body, m.body_len);
		for (;;) {
			struct ofp_flow_stats_entry *e;
			int retval;

			fl->e = xrealloc(fl->e, (fl->n + 1) * sizeof *fl->e);
			e = &fl->e[fl->n];
			ofpacts_init(&e->acts);
			retval = ofp_pull_flow_stats(e, &m, &r, false);
			if (retval) {
				ofpacts_free(&e->acts);
				if (retval != EOF)
					ofctl_fatal(0, "dump flows (%s)",
						    strerror(EPROTO));
				break;
			}
			e->fs.match = NULL;
			e->fs.ofpacts = NULL;
			fl->n++;
		}
	}
	ofctl_replies_free(&replies);
	flow_list_fix(fl);
}

static void
flow_list_free(struct flow_list *fl)
{
	for (size_t i = 0; i < fl->n; i++)
		ofpacts_free(&fl->e[i].acts);
	free(fl->e);
}

static int
compare_flows(const void *a_, const void *b_)
{
	const struct ofp_flow_stats_entry *a = a_, *b = b_;

	for (size_t i = 0; i < ofctl.n_sort; i++) {
		const struct ofctl_sort *sc = &ofctl.sort[i];
		int ret;

		if (sc->field < 0) {
			ret = a->fs.priority < b->fs.priority	? -1
			      : a->fs.priority > b->fs.priority ? 1
								: 0;
		} else {
			const struct ofp_field *f = ofp_field_get(sc->field);
			union ofp_value av, bv, am, bm;
			bool ina, inb;

			ofp_field_get_value(f, &a->match.mask, &am);
			ofp_field_get_value(f, &b->match.mask, &bm);
			ina = ofp_field_prereqs_ok(f, &a->match.flow) &&
			      !ofp_is_zero(&am, f->n_bytes);
			inb = ofp_field_prereqs_ok(f, &b->match.flow) &&
			      !ofp_is_zero(&bm, f->n_bytes);
			if (ina != inb)
				return ina ? -1 : 1;
			ofp_field_get_value(f, &a->match.flow, &av);
			ofp_field_get_value(f, &b->match.flow, &bv);
			ret = memcmp(&av, &bv, f->n_bytes);
		}
		if (ret)
			return sc->desc ? -ret : ret;
	}
	return 0;
}

static void
cmd_dump_flows(int argc, char *argv[])
{
	struct ofp_flow_stats_request fsr;
	struct flow_list fl;
	struct vconn *vconn;
	uint32_t protocol;
	struct ds s = DS_EMPTY;

	if (!ofctl.n_sort && !ofctl_should_show_names() && ofctl.show_stats) {
		dump_flows__(argc, argv, false);
		return;
	}
	vconn = prepare_dump(argc, argv, false, &fsr, &protocol);
	dump_flows_to_list(vconn, &fsr, protocol, &fl);
	if (ofctl.n_sort) {
		qsort(fl.e, fl.n, sizeof *fl.e, compare_flows);
		flow_list_fix(&fl);
	}
	for (size_t i = 0; i < fl.n; i++) {
		ds_clear(&s);
		ofp_flow_stats_format(&s, &fl.e[i].fs,
				      ofctl_ports_to_show(argv[1]),
				      ofctl.show_stats);
		printf(" %s\n", ds_cstr(&s));
	}
	ds_free(&s);
	flow_list_free(&fl);
	ofctl_close(vconn);
}

static void
cmd_dump_aggregate(int argc, char *argv[])
{
	dump_flows__(argc, argv, true);
}

/* ---- replace-flows and diff-flows ---- */

/* One flow of a comparison, from one side or the other. */
struct fte_version {
	uint64_t cookie;
	uint16_t idle_timeout, hard_timeout, importance, flags;
	uint8_t table_id;
	struct ofpacts acts;
};

struct fte {
	struct match match;
	int priority;
	uint8_t table_id;
	struct fte_version *versions[2];
};

/* The flows of a comparison in insertion order, with an open-addressing
 * index on (table, priority, match): slots hold fte index + 1. */
struct fte_table {
	size_t n, cap;
	struct fte *ftes;
	size_t *slots;
	size_t n_slots; /* a power of 2, at least twice n */
};

static uint32_t
fte_hash(uint8_t table, int priority, const struct match *m)
{
	const uint8_t *p = (const uint8_t *)m;
	uint32_t h = 2166136261u ^ table;

	h = (h ^ (uint32_t)priority) * 16777619u;
	for (size_t i = 0; i < sizeof *m; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* The slot of (@table, @priority, @m): its fte's, or the empty one where
 * it would go. */
static size_t *
fte_slot(struct fte_table *t, uint8_t table, int priority,
	 const struct match *m)
{
	size_t i = fte_hash(table, priority, m) & (t->n_slots - 1);

	for (;; i = (i + 1) & (t->n_slots - 1)) {
		const struct fte *f;

		if (!t->slots[i])
			return &t->slots[i];
		f = &t->ftes[t->slots[i] - 1];
		if (f->table_id == table && f->priority == priority &&
		    match_equal(&f->match, m))
			return &t->slots[i];
	}
}

static void
fte_reindex(struct fte_table *t)
{
	free(t->slots);
	t->n_slots = t->n_slots ? t->n_slots * 2 : 128;
	t->slots = xcalloc(t->n_slots, sizeof *t->slots);
	for (size_t i = 0; i < t->n; i++)
		*fte_slot(t, t->ftes[i].table_id, t->ftes[i].priority,
			  &t->ftes[i].match) = i + 1;
}

static void
fte_insert(struct fte_table *t, const struct match *m, int priority,
	   struct fte_version *v, int index)
{
	struct match cm = *m;
	size_t *slot;

	match_canonicalize(&cm);
	if (2 * (t->n + 1) > t->n_slots)
		fte_reindex(t);
	slot = fte_slot(t, v->table_id, priority, &cm);
	if (*slot) {
		struct fte *f = &t->ftes[*slot - 1];
		struct fte_version *old = f->versions[index];
		if (old) {
			ofpacts_free(&old->acts);
			free(old);
		}
		f->versions[index] = v;
		return;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->ftes = xrealloc(t->ftes, t->cap * sizeof *t->ftes);
	}
	memset(&t->ftes[t->n], 0, sizeof t->ftes[t->n]);
	t->ftes[t->n].match = cm;
	t->ftes[t->n].priority = priority;
	t->ftes[t->n].table_id = v->table_id;
	t->ftes[t->n].versions[index] = v;
	*slot = ++t->n;
}

static void
fte_table_free(struct fte_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		for (int j = 0; j < 2; j++)
			if (t->ftes[i].versions[j]) {
				ofpacts_free(&t->ftes[i].versions[j]->acts);
				free(t->ftes[i].versions[j]);
			}
	free(t->ftes);
	free(t->slots);
}

static bool
fte_version_equals(const struct fte_version *a, const struct fte_version *b,
		   const struct ofp_port_map *ports)
{
	struct ds as = DS_EMPTY, bs = DS_EMPTY;
	bool eq;

	if (a->cookie != b->cookie || a->idle_timeout != b->idle_timeout ||
	    a->hard_timeout != b->hard_timeout ||
	    a->importance != b->importance || a->table_id != b->table_id)
		return false;
	ofpacts_format(&as, a->acts.data, a->acts.size, ports);
	ofpacts_format(&bs, b->acts.data, b->acts.size, ports);
	eq = !strcmp(ds_cstr(&as), ds_cstr(&bs));
	ds_free(&as);
	ds_free(&bs);
	return eq;
}

static void
fte_version_format(const struct fte *fte, int index,
		   const struct ofp_port_map *ports, struct ds *s)
{
	const struct fte_version *v = fte->versions[index];

	ds_clear(s);
	if (!v)
		return;
	if (v->table_id)
		ds_printf(s, "table=%u ", v->table_id);
	match_format(s, &fte->match, ports, fte->priority);
	if (v->cookie)
		ds_printf(s, " cookie=0x%llx", (unsigned long long)v->cookie);
	if (v->idle_timeout)
		ds_printf(s, " idle_timeout=%u", v->idle_timeout);
	if (v->hard_timeout)
		ds_printf(s, " hard_timeout=%u", v->hard_timeout);
	if (v->importance)
		ds_printf(s, " importance=%u", v->importance);
	ds_put(s, " actions=");
	ofpacts_format(s, v->acts.data, v->acts.size, ports);
	ds_put_char(s, '\n');
}

static uint32_t
read_flows_from_file(const char *file, struct fte_table *t, int index,
		     const struct ofp_port_map *ports)
{
	FILE *f = !strcmp(file, "-") ? stdin : fopen(file, "r");
	struct ds line = DS_EMPTY;
	uint32_t usable = OFP_PROTO_ANY;
	int line_number = 0;

	if (!f)
		ofctl_fatal(errno, "%s: open", file);
	while (ofctl_read_line(f, &line, &line_number)) {
		struct ofp_flow_mod fm;
		struct fte_version *v;
		uint32_t u;
		char *error;

		error = ofp_flow_mod_parse_ex(&fm, ds_cstr(&line), OFPFC_ADD,
					      ports, &u);
		if (error)
			ofctl_fatal(0, "%s:%d: %s", file, line_number, error);
		usable &= u;
		v = xzalloc(sizeof *v);
		v->cookie = fm.new_cookie == UINT64_MAX ? 0 : fm.new_cookie;
		v->idle_timeout = fm.idle_timeout;
		v->hard_timeout = fm.hard_timeout;
		v->importance = fm.importance;
		v->flags = fm.flags & (OFPFF_SEND_FLOW_REM | OFPFF_EMERG);
		v->acts = fm.ofpacts;
		ofpacts_init(&fm.ofpacts);
		v->table_id = fm.table_id != 255 ? fm.table_id : 0;
		fte_insert(t, &fm.match, fm.priority, v, index);
		ofp_flow_mod_uninit(&fm);
	}
	ds_free(&line);
	if (f != stdin)
		fclose(f);
	return usable;
}

static void
read_flows_from_switch(struct vconn *vconn, uint32_t protocol,
		       struct fte_table *t, int index)
{
	struct ofp_flow_stats_request fsr;
	struct flow_list fl;

	memset(&fsr, 0, sizeof fsr);
	fsr.out_port = OFPP_NONE;
	fsr.out_group = 0xffffffffu;
	fsr.table_id = 0xff;
	dump_flows_to_list(vconn, &fsr, protocol, &fl);
	for (size_t i = 0; i < fl.n; i++) {
		struct ofp_flow_stats *fs = &fl.e[i].fs;
		struct fte_version *v = xzalloc(sizeof *v);

		v->cookie = fs->cookie;
		v->idle_timeout = fs->idle_timeout;
		v->hard_timeout = fs->hard_timeout;
		v->importance = fs->importance;
		v->table_id = fs->table_id;
		ofpacts_clone(&v->acts, &fl.e[i].acts);
		fte_insert(t, &fl.e[i].match, fs->priority, v, index);
	}
	flow_list_free(&fl);
}

/* Open vSwitch keeps these flows in a classifier per table and walks it:
 * subtables (one per distinct mask) by highest priority first, and in
 * each the flows in the order they went in.  @t is in insertion order;
 * this sorts it into that walk. */
struct fte_key {
	uint8_t table_id;
	int max_priority; /* of the fte's subtable */
	size_t first;	  /* where its subtable's first fte went in */
	size_t index;	  /* where the fte went in */
};

static int
compare_fte_keys(const void *a_, const void *b_)
{
	const struct fte_key *a = a_, *b = b_;

	if (a->table_id != b->table_id)
		return a->table_id < b->table_id ? -1 : 1;
	if (a->max_priority != b->max_priority)
		return a->max_priority > b->max_priority ? -1 : 1;
	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static const struct fte_table *sort_table; /* for compare_subtables */

/* Orders fte indexes by table and mask (subtable), then insertion. */
static int
compare_subtables(const void *a_, const void *b_)
{
	const struct fte *a = &sort_table->ftes[*(const size_t *)a_];
	const struct fte *b = &sort_table->ftes[*(const size_t *)b_];
	int c;

	if (a->table_id != b->table_id)
		return a->table_id < b->table_id ? -1 : 1;
	c = memcmp(&a->match.mask, &b->match.mask, sizeof a->match.mask);
	if (c)
		return c;
	return a < b ? -1 : a > b;
}

static void
fte_table_sort(struct fte_table *t)
{
	struct fte_key *keys = xcalloc(t->n + 1, sizeof *keys);
	size_t *by_mask = xcalloc(t->n + 1, sizeof *by_mask);
	struct fte *sorted = xcalloc(t->n + 1, sizeof *sorted);

	for (size_t i = 0; i < t->n; i++)
		by_mask[i] = i;
	sort_table = t;
	qsort(by_mask, t->n, sizeof *by_mask, compare_subtables);
	for (size_t i = 0, j; i < t->n; i = j) {
		const struct fte *first = &t->ftes[by_mask[i]];
		int max = first->priority;

		for (j = i + 1; j < t->n; j++) {
			const struct fte *f = &t->ftes[by_mask[j]];
			if (f->table_id != first->table_id ||
			    !flow_equal(&f->match.mask, &first->match.mask))
				break;
			if (f->priority > max)
				max = f->priority;
		}
		for (size_t k = i; k < j; k++) {
			struct fte_key *key = &keys[by_mask[k]];
			key->table_id = first->table_id;
			key->max_priority = max;
			key->first = by_mask[i];
			key->index = by_mask[k];
		}
	}
	qsort(keys, t->n, sizeof *keys, compare_fte_keys);
	for (size_t i = 0; i < t->n; i++)
		sorted[i] = t->ftes[keys[i].index];
	free(t->ftes);
	t->ftes = sorted;
	t->cap = t->n + 1;
	free(by_mask);
	free(keys);
}

static void
make_flow_mod(const struct fte *fte, int index, int command, uint32_t protocol,
	      struct ofpbuf *out)
{
	const struct fte_version *v = fte->versions[index];
	struct ofp_flow_mod fm;

	memset(&fm, 0, sizeof fm);
	fm.command = (enum ofp_flow_mod_command)command;
	fm.match = fte->match;
	fm.priority = fte->priority;
	fm.new_cookie = v->cookie;
	fm.modify_cookie = true;
	fm.table_id = v->table_id;
	fm.idle_timeout = v->idle_timeout;
	fm.hard_timeout = v->hard_timeout;
	fm.importance = v->importance;
	fm.buffer_id = OFP_NO_BUFFER;
	fm.out_port = OFPP_NONE;
	fm.out_group = OFP_GROUP_ANY;
	fm.flags = v->flags;
	ofpacts_init(&fm.ofpacts);
	if (command == OFPFC_ADD || command == OFPFC_MODIFY ||
	    command == OFPFC_MODIFY_STRICT)
		fm.ofpacts = v->acts;
	ofpbuf_init(out);
	ofp_encode_flow_mod(out, &fm, protocol, ofctl_alloc_xid());
}

static void
cmd_replace_flows(int argc, char *argv[])
{
	struct fte_table t = { 0, 0, NULL, NULL, 0 };
	const struct ofp_port_map *ports;
	struct ofpbuf *reqs = NULL;
	size_t n = 0;
	struct vconn *vconn;
	uint32_t usable, protocol;

	(void)argc;
	ports = ofctl_ports_to_accept(argv[1]);
	ofctl_tables_to_accept(argv[1]);
	usable = read_flows_from_file(argv[2], &t, 0, ports);
	protocol = ofctl_open(argv[1], &vconn, false);
	protocol = ofctl_set_protocol_for_flow_dump(vconn, protocol, usable);
	read_flows_from_switch(vconn, protocol, &t, 1);
	fte_table_sort(&t);
	reqs = xcalloc(2 * t.n + 1, sizeof *reqs);
	for (size_t i = 0; i < t.n; i++)
		if (t.ftes[i].versions[1] && !t.ftes[i].versions[0])
			make_flow_mod(&t.ftes[i], 1, OFPFC_DELETE_STRICT,
				      protocol, &reqs[n++]);
	for (size_t i = 0; i < t.n; i++) {
		struct fte_version *fv = t.ftes[i].versions[0];
		struct fte_version *sv = t.ftes[i].versions[1];
		if (fv &&
		    (ofctl.readd || !sv || !fte_version_equals(sv, fv, NULL)))
			make_flow_mod(&t.ftes[i], 0, OFPFC_ADD, protocol,
				      &reqs[n++]);
	}
	if (ofctl.bundle) {
		ofctl_bundle_transact(vconn, reqs, n);
	} else {
		for (size_t i = 0; i < n; i++)
			ofctl_transact_noreply_or_die(vconn, &reqs[i]);
	}
	for (size_t i = 0; i < n; i++)
		ofpbuf_uninit(&reqs[i]);
	free(reqs);
	ofctl_close(vconn);
	fte_table_free(&t);
}

static const struct ofp_port_map *
read_flows_from_source(const char *source, struct fte_table *t, int index,
		       const struct ofp_port_map *ports)
{
	struct stat st;

	if (source[0] == '/' || source[0] == '.' ||
	    (!strchr(source, ':') && !stat(source, &st))) {
		read_flows_from_file(source, t, index, ports);
		return ports;
	}

	struct vconn *vconn;
	uint32_t protocol = ofctl_open(source, &vconn, false);

	protocol = ofctl_set_protocol_for_flow_dump(vconn, protocol,
						    OFP_PROTO_ANY);
	read_flows_from_switch(vconn, protocol, t, index);
	ofctl_close(vconn);
	return ports ? ports : ofctl_ports_to_show(source);
}

static void
cmd_diff_flows(int argc, char *argv[])
{
	struct fte_table t = { 0, 0, NULL, NULL, 0 };
	const struct ofp_port_map *ports = NULL;
	struct ds as = DS_EMPTY, bs = DS_EMPTY;
	bool differences = false;

	(void)argc;
	ports = read_flows_from_source(argv[1], &t, 0, ports);
	ports = read_flows_from_source(argv[2], &t, 1, ports);
	fte_table_sort(&t);
	for (size_t i = 0; i < t.n; i++) {
		struct fte_version *a = t.ftes[i].versions[0];
		struct fte_version *b = t.ftes[i].versions[1];

		if (a && b && fte_version_equals(a, b, ports))
			continue;
		fte_version_format(&t.ftes[i], 0, ports, &as);
		fte_version_format(&t.ftes[i], 1, ports, &bs);
		if (as.len)
			printf("-%s", ds_cstr(&as));
		if (bs.len)
			printf("+%s", ds_cstr(&bs));
		differences = true;
	}
	ds_free(&as);
	ds_free(&bs);
	fte_table_free(&t);
	if (differences) {
		fflush(stdout);
		exit(2);
	}
}

const struct ofctl_command ofctl_flow_commands[] = {
	{ "dump-flows", 1, 2, cmd_dump_flows },
	{ "dump-aggregate", 1, 2, cmd_dump_aggregate },
	{ "add-flow", 2, 2, cmd_add_flow },
	{ "add-flows", 2, 2, cmd_add_flows },
	{ "mod-flows", 2, 2, cmd_mod_flows },
	{ "del-flows", 1, 2, cmd_del_flows },
	{ "replace-flows", 2, 2, cmd_replace_flows },
	{ "diff-flows", 2, 2, cmd_diff_flows },
	{ NULL, 0, 0, NULL },
};
