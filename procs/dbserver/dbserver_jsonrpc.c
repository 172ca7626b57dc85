/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver_jsonrpc: JSON-RPC framing and message building.  OVSDB streams
 * carry JSON texts back to back with no delimiter, so the framer scans
 * incrementally (string and nesting state survive between reads) to find
 * where each top-level value ends, and bounds the size of one value.
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void
jsonrpc_framer_init(struct jsonrpc_framer *f, size_t max)
{
	memset(f, 0, sizeof *f);
	f->max = max;
}

void
jsonrpc_framer_destroy(struct jsonrpc_framer *f)
{
	free(f->buf);
	memset(f, 0, sizeof *f);
}

char *
jsonrpc_framer_space(struct jsonrpc_framer *f, size_t n)
{
	if (f->start > 0 && (f->start == f->len || f->start > f->cap / 2)) {
		memmove(f->buf, f->buf + f->start, f->len - f->start);
		f->len -= f->start;
		f->scan -= f->start;
		f->start = 0;
	}
	if (f->len + n + 1 > f->cap) {
		f->cap = (f->len + n + 1) * 2;
		f->buf = xrealloc(f->buf, f->cap);
	}
	return f->buf + f->len;
}

int
jsonrpc_framer_next(struct jsonrpc_framer *f, const char **text, size_t *len)
{
	while (f->scan < f->len) {
		char c = f->buf[f->scan];
		if (!f->started) {
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
				f->start = ++f->scan;
				continue;
			}
			if (c != '{' && c != '[')
				return -EPROTO;
			f->started = true;
			f->depth = 1;
			f->start = f->scan++;
			continue;
		}
		f->scan++;
		if (f->in_str) {
			if (f->esc)
				f->esc = false;
			else if (c == '\\')
				f->esc = true;
			else if (c == '"')
				f->in_str = false;
			continue;
		}
		if (c == '"') {
			f->in_str = true;
		} else if (c == '{' || c == '[') {
			f->depth++;
		} else if ((c == '}' || c == ']') && --f->depth == 0) {
			*text = f->buf + f->start;
			*len = f->scan - f->start;
			f->started = false;
			f->start = f->scan;
			return 1;
		}
	}
	if (f->started && f->len - f->start > f->max)
		return -EMSGSIZE;
	return 0;
}

static int
dump_cb(const char *buf, size_t size, void *aux)
{
	ds_put_len(aux, buf, size);
	return 0;
}

void
jsonrpc_send(struct dbserver_session *s, json_t *msg)
{
	struct ds *out = &s->srv->out;
	int r;

	/* One buffer for every message, dumped in one pass (json_dumps
	 * would grow a fresh one by reallocs, then free it). */
	ds_clear(out);
	r = json_dump_callback(msg, dump_cb, out,
			       JSON_COMPACT | JSON_PRESERVE_ORDER |
				       JSON_REAL_PRECISION(17));
	json_decref(msg);
	if (!r && out->len && !s->dead) {
		if (dbserver_output_held(s->srv))
			dbserver_session_hold(s, out->s, out->len);
		else
			s->send(s->aux, out->s);
	}
	if (out->cap > 262144)
		ds_free(out); /* do not keep a huge reply's buffer */
}

void
jsonrpc_reply(struct dbserver_session *s, const json_t *id, json_t *result)
{
	json_t *m = json_object();
	json_object_set(m, "id", json_mut(id));
	json_object_set_new(m, "result", result);
	json_object_set_new(m, "error", json_null());
	jsonrpc_send(s, m);
}

void
jsonrpc_reply_error(struct dbserver_session *s, const json_t *id,
		    json_t *error)
{
	json_t *m = json_object();
	json_object_set(m, "id", json_mut(id));
	json_object_set_new(m, "error", error);
	jsonrpc_send(s, m);
}

void
jsonrpc_notify(struct dbserver_session *s, const char *method, json_t *params)
{
	json_t *m = json_object();
	json_object_set_new(m, "method", json_string(method));
	json_object_set_new(m, "params", params);
	json_object_set_new(m, "id", json_null());
	jsonrpc_send(s, m);
}
