/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replica_driver: a process holding a replica of Open_vSwitch's
 * Open_vSwitch, Bridge (some columns), Port and Interface tables over the
 * bus of a running instance, driven line by line on stdin for
 * replica_test.py.  Each command prints one line on stdout (JSON, or a
 * word), some of them later:
 *
 *	wait-synced	"synced" once the first contents are in
 *	wait-changed	{"reload": B} at the next changed() callback
 *	dump		{table: {uuid: {column: value}}} of the kept columns
 *	changes		{table: [{"kind", "uuid", "columns", "name"}]}
 *	clear		replica_clear_changes(); "ok"
 *	stats		struct replica_stats as JSON
 *	drop N		replica_test_drop(N); "ok"
 *	transact OPS	when the answer comes: {"err", "result", "error",
 *			"dump"}, the dump taken inside the callback
 *	close		replica_close(); "closed"
 *
 *	replica_driver RUNDIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "bus.h"
#include "log.h"
#include "replica.h"

static const char *const bridge_cols[] = {
	"name",		 "ports",     "external_ids", "other_config",
	"datapath_type", "fail_mode", NULL,
};
static const struct replica_table_spec specs[] = {
	{ "Open_vSwitch", NULL },
	{ "Bridge", bridge_cols },
	{ "Port", NULL },
	{ "Interface", NULL },
};

static struct ev_loop *loop;
static struct replica *rep;
static bool want_synced, want_changed;
static struct ds inbuf;

static void
put_line(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	printf("%s\n", s);
	fflush(stdout);
	free(s);
	json_decref(j);
}

static void
put_word(const char *w)
{
	printf("%s\n", w);
	fflush(stdout);
}

static bool
kept(const struct replica_table_spec *sp, const char *column)
{
	if (!sp->columns)
		return true;
	for (const char *const *c = sp->columns; *c; c++)
		if (!strcmp(*c, column))
			return true;
	return false;
}

static json_t *
row_json(const struct replica_table_spec *sp, const struct ovsdb_row *row)
{
	const struct ovsdb_table_schema *ts = row->table->schema;
	json_t *o = json_object();

	for (unsigned c = 2; c < ts->n_columns; c++)
		if (kept(sp, ts->columns[c].name))
			json_object_set_new(
				o, ts->columns[c].name,
				ovsdb_datum_to_json(&row->fields[c],
						    &ts->columns[c].type));
	return o;
}

static json_t *
dump(void)
{
	json_t *out = json_object();

	for (size_t i = 0; i < ARRAY_SIZE(specs); i++) {
		struct ovsdb_table *t = replica_table(rep, specs[i].table);
		json_t *rows = json_object();
		struct hnode *n;

		if (t)
			HMAP_FOR_EACH (n, &t->rows) {
				const struct ovsdb_row *row = HMAP_CONTAINER(
					n, struct ovsdb_row, node);
				char u[OVSDB_UUID_LEN + 1];

				ovsdb_uuid_format(ovsdb_row_uuid(row), u);
				json_object_set_new(rows, u,
						    row_json(&specs[i], row));
			}
		json_object_set_new(out, specs[i].table, rows);
	}
	return out;
}

static json_t *
changes(void)
{
	static const char *const kinds[] = { "insert", "modify", "delete" };
	json_t *out = json_object();

	for (size_t i = 0; i < ARRAY_SIZE(specs); i++) {
		json_t *list = json_array();

		for (const struct replica_change *c =
			     replica_changes(rep, specs[i].table);
		     c; c = replica_change_next(c)) {
			const struct ovsdb_row *any = c->row ? c->row : c->old;
			const struct ovsdb_table_schema *ts =
				any->table->schema;
			const struct ovsdb_datum *name =
				replica_get(any, "name");
			char u[OVSDB_UUID_LEN + 1];
			json_t *cols = json_array();

			for (unsigned k = 2; c->columns && k < ts->n_columns;
			     k++)
				if (c->columns[k])
					json_array_append_new(
						cols,
						json_string(
							ts->columns[k].name));
			ovsdb_uuid_format(&c->uuid, u);
			json_array_append_new(
				list,
				json_pack("{sssssoso}", "kind", kinds[c->kind],
					  "uuid", u, "columns", cols, "name",
					  name && name->n == 1
						  ? json_string(name->keys[0].s)
						  : json_null()));
		}
		json_object_set_new(out, specs[i].table, list);
	}
	return out;
}

static void
on_changed(void *aux, struct replica *r, bool reload)
{
	if (want_synced) {
		want_synced = false;
		put_word("synced");
	}
	if (want_changed) {
		want_changed = false;
		put_line(json_pack("{sb}", "reload", reload));
	}
}

static const struct replica_ops ops = { .changed = on_changed };

static void
on_txn(void *aux, int err, const json_t *result, const json_t *error)
{
	put_line(json_pack("{sisOsOso}", "err", err, "result",
			   result ? result : json_null(), "error",
			   error ? error : json_null(), "dump", dump()));
}

static void
command(char *line)
{
	struct replica_stats st;

	if (!strcmp(line, "wait-synced")) {
		if (replica_is_synced(rep))
			put_word("synced");
		else
			want_synced = true;
	} else if (!strcmp(line, "wait-changed")) {
		want_changed = true;
	} else if (!strcmp(line, "dump")) {
		put_line(dump());
	} else if (!strcmp(line, "changes")) {
		put_line(changes());
	} else if (!strcmp(line, "clear")) {
		replica_clear_changes(rep);
		put_word("ok");
	} else if (!strcmp(line, "stats")) {
		replica_get_stats(rep, &st);
		put_line(json_pack(
			"{sIsIsIsIsIsI}", "sessions", (json_int_t)st.sessions,
			"notifications", (json_int_t)st.notifications,
			"resyncs", (json_int_t)st.resyncs, "reloads",
			(json_int_t)st.reloads, "gaps", (json_int_t)st.gaps,
			"resub_probes", (json_int_t)st.resub_probes));
	} else if (!strncmp(line, "drop ", 5)) {
		replica_test_drop(rep, (unsigned)atoi(line + 5));
		put_word("ok");
	} else if (!strncmp(line, "transact ", 9)) {
		json_error_t e;
		json_t *ops_json = json_loads(line + 9, 0, &e);
		int err =
			ops_json ? replica_transact(rep, ops_json, on_txn, NULL)
				 : -EINVAL;
		if (err)
			put_line(json_pack("{si}", "err", err));
	} else if (!strcmp(line, "close")) {
		replica_close(rep);
		rep = NULL;
		put_word("closed");
	} else {
		put_word("unknown command");
	}
}

static void
on_stdin(struct ev_io *io, int fd, uint32_t revents, void *arg)
{
	char buf[65536];
	ssize_t n = read(fd, buf, sizeof buf);
	char *nl;

	if (n <= 0) {
		ev_exit(loop, 0);
		return;
	}
	ds_put_len(&inbuf, buf, (size_t)n);
	while (inbuf.s && (nl = strchr(inbuf.s, '\n'))) {
		char *line = xstrndup(inbuf.s, (size_t)(nl - inbuf.s));
		size_t rest = inbuf.len - (size_t)(nl + 1 - inbuf.s);

		memmove(inbuf.s, nl + 1, rest + 1);
		inbuf.len = rest;
		if (rep)
			command(line);
		else
			put_word("closed");
		free(line);
	}
}

int
main(int argc, char **argv)
{
	struct bus *bus;
	struct ev_io *io;

	if (argc != 2) {
		fprintf(stderr, "usage: replica_driver RUNDIR\n");
		return 2;
	}
	log_init("replica_driver");
	if (ev_loop_new(&loop) || bus_open(loop, argv[1], NULL, &bus) ||
	    replica_open(loop, bus, "Open_vSwitch", specs, ARRAY_SIZE(specs),
			 &ops, NULL, &rep) ||
	    ev_io_add(loop, 0, EPOLLIN, on_stdin, NULL, &io))
		return 1;
	ev_run(loop);
	ev_io_del(io);
	replica_close(rep);
	bus_close(bus);
	ds_free(&inbuf);
	return 0;
}
