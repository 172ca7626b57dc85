/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver_lock: OVSDB locks ("lock", "steal", "unlock" and the "locked" /
 * "stolen" notifications).  Each lock has a queue of sessions; the first
 * one owns it.  "assert" operations ask dbserver_lock_held.
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <stdlib.h>
#include <string.h>

struct dbserver_lock {
	struct dbserver_lock *next;
	char *name;
	struct dbserver_session **waiters; /* [0] owns the lock */
	size_t n;
};

static struct dbserver_lock *
find_lock(struct dbserver *srv, const char *name, bool create)
{
	struct dbserver_lock *l;
	for (l = srv->locks; l; l = l->next)
		if (!strcmp(l->name, name))
			return l;
	if (!create)
		return NULL;
	l = xzalloc(sizeof *l);
	l->name = xstrdup(name);
	l->next = srv->locks;
	srv->locks = l;
	return l;
}

static long
waiter_index(const struct dbserver_lock *l, const struct dbserver_session *s)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (l->waiters[i] == s)
			return (long)i;
	return -1;
}

static void
notify(struct dbserver_session *s, const char *method, const char *name)
{
	jsonrpc_notify(s, method, json_pack("[s]", name));
}

/* Removes @s from @l; tells the next owner; frees @l when empty. */
static void
remove_waiter(struct dbserver *srv, struct dbserver_lock *l, long i)
{
	memmove(&l->waiters[i], &l->waiters[i + 1],
		(l->n - (size_t)i - 1) * sizeof *l->waiters);
	l->n--;
	/* As ovsdb-server, the owner hears "locked" after any removal, even
	 * if it owned the lock already. */
	if (l->n)
		notify(l->waiters[0], "locked", l->name);
	if (!l->n) {
		struct dbserver_lock **pp;
		for (pp = &srv->locks; *pp != l; pp = &(*pp)->next)
			;
		*pp = l->next;
		free(l->waiters);
		free(l->name);
		free(l);
	}
}

void
dbserver_lock_request(struct dbserver_session *s, const char *method,
		      const json_t *id, const json_t *params)
{
	const char *name = json_string_value(json_array_get(params, 0));
	struct ovsdb_error *e = NULL;
	struct dbserver_lock *l;
	long i;

	if (!name || json_array_size(params) != 1 || !*name ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_") != strlen(name) ||
	    (name[0] >= '0' && name[0] <= '9')) {
		ovsdb_err(&e, "syntax error", params,
			  "%s request params must be <id>", method);
		goto error;
	}
	l = find_lock(s->srv, name, strcmp(method, "unlock") != 0);
	i = waiter_index(l, s);
	if (!strcmp(method, "unlock")) {
		if (i < 0) {
			ovsdb_err(&e, "syntax error", params,
				  "unlock: \"unlock\" without \"lock\" or "
				  "\"steal\"");
			goto error;
		}
		remove_waiter(s->srv, l, i);
		jsonrpc_reply(s, id, json_object());
		return;
	}
	if (i >= 0) {
		ovsdb_err(&e, "syntax error", params,
			  "must issue \"unlock\" before new \"%s\"", method);
		goto error;
	}
	l->waiters = xrealloc(l->waiters, (l->n + 1) * sizeof *l->waiters);
	if (!strcmp(method, "steal")) {
		memmove(&l->waiters[1], &l->waiters[0],
			l->n * sizeof *l->waiters);
		l->waiters[0] = s;
		l->n++;
		if (l->n > 1)
			notify(l->waiters[1], "stolen", name);
		jsonrpc_reply(s, id, json_pack("{sb}", "locked", 1));
		return;
	}
	l->waiters[l->n++] = s;
	jsonrpc_reply(s, id, json_pack("{sb}", "locked", l->n == 1));
	return;

error:
	jsonrpc_reply_error(s, id, ovsdb_error_to_json(e));
	ovsdb_error_free(e);
}

bool
dbserver_lock_held(void *session, const char *name)
{
	struct dbserver_session *s = session;
	struct dbserver_lock *l = find_lock(s->srv, name, false);
	return l && l->n && l->waiters[0] == s;
}

void
dbserver_locks_session_gone(struct dbserver_session *s)
{
	struct dbserver_lock *l, *next;
	for (l = s->srv->locks; l; l = next) {
		next = l->next;
		long i = waiter_index(l, s);
		if (i >= 0)
			remove_waiter(s->srv, l, i);
	}
}
