/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbserver_jsonrpc: JSON-RPC framing and message building.  OVSDB streams
 * carry JSON texts back to back with no delimiter, so the framer scans
 * incrementally (string, nesting and grammar state survive between reads)
 * to find where each top-level value ends, refuses bytes that no JSON
 * text could continue with, and bounds the size of one value.
 */
#define DBSERVER_PRIVATE
#include "dbserver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json_fast.h"

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

enum {
	X_VALUE,	  /* a value (after ',' in an array, or ':') */
	X_VALUE_OR_CLOSE, /* after '[' */
	X_KEY,		  /* after ',' in an object */
	X_KEY_OR_CLOSE,	  /* after '{' */
	X_COLON,	  /* after a key */
	X_AFTER_VALUE,	  /* ',' or the closing bracket */
};

static bool
top_is_obj(const struct jsonrpc_framer *f)
{
	int i = f->depth - 1;
	return f->is_obj[i / 8] & (1u << (i % 8));
}

/* Opens a container; false if too deep. */
static bool
push(struct jsonrpc_framer *f, bool obj)
{
	if (f->depth >= JSONRPC_MAX_DEPTH)
		return false;
	int i = f->depth++;
	if (obj)
		f->is_obj[i / 8] |= (unsigned char)(1u << (i % 8));
	else
		f->is_obj[i / 8] &= (unsigned char)~(1u << (i % 8));
	f->expect = obj ? X_KEY_OR_CLOSE : X_VALUE_OR_CLOSE;
	return true;
}

static bool
is_scalar_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '-' || c == '+' || c == '.';
}

/* One structural character @c outside strings and scalars: 0, 1 when it
 * closed the top-level value, -EPROTO when it cannot be valid JSON. */
static int
structural(struct jsonrpc_framer *f, char c)
{
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
		return 0;
	switch (f->expect) {
	case X_VALUE_OR_CLOSE:
		if (c == ']')
			goto close;
		/* fall through */
	case X_VALUE:
		if (c == '{' || c == '[')
			return push(f, c == '{') ? 0 : -EPROTO;
		if (c == '"') {
			f->in_str = true;
			f->str_is_key = false;
			return 0;
		}
		if (is_scalar_char(c)) {
			f->in_scalar = true;
			return 0;
		}
		return -EPROTO;
	case X_KEY_OR_CLOSE:
		if (c == '}')
			goto close;
		/* fall through */
	case X_KEY:
		if (c != '"')
			return -EPROTO;
		f->in_str = true;
		f->str_is_key = true;
		return 0;
	case X_COLON:
		if (c != ':')
			return -EPROTO;
		f->expect = X_VALUE;
		return 0;
	case X_AFTER_VALUE:
		if (c == ',') {
			f->expect = top_is_obj(f) ? X_KEY : X_VALUE;
			return 0;
		}
		if (c == '}' || c == ']')
			goto close;
		return -EPROTO;
	}
	return -EPROTO;

close:
	if ((c == '}') != top_is_obj(f))
		return -EPROTO;
	f->expect = X_AFTER_VALUE;
	return --f->depth == 0;
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
			f->depth = 0;
			f->in_scalar = false;
			push(f, c == '{');
			f->start = f->scan++;
			continue;
		}
		f->scan++;
		if (f->in_str) {
			if (f->esc)
				f->esc = false;
			else if (c == '\\')
				f->esc = true;
			else if (c == '"') {
				f->in_str = false;
				f->expect =
					f->str_is_key ? X_COLON : X_AFTER_VALUE;
			} else {
				/* Plain bytes: on to the next quote or
				 * backslash in one go. */
				const char *p = f->buf + f->scan;
				const char *end = f->buf + f->len;
				while (p < end && *p != '"' && *p != '\\')
					p++;
				f->scan = (size_t)(p - f->buf);
			}
			continue;
		}
		if (f->in_scalar) {
			if (is_scalar_char(c))
				continue;
			f->in_scalar = false;
			f->expect = X_AFTER_VALUE;
		}
		int r = structural(f, c);
		if (r < 0)
			return r;
		if (r) {
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

/* Sends the message in @out, unless writing it failed (@r). */
static void
send_out(struct dbserver_session *s, struct ds *out, int r)
{
	if (!r && out->len && !s->dead) {
		if (dbserver_output_held(s->srv))
			dbserver_session_hold(s, out->s, out->len);
		else
			s->send(s->aux, out->s);
	}
	if (out->cap > 262144)
		ds_free(out); /* do not keep a huge reply's buffer */
}

/* The reused buffer every message is written into, emptied. */
static struct ds *
out_buf(struct dbserver_session *s)
{
	ds_clear(&s->srv->out);
	return &s->srv->out;
}

void
jsonrpc_send(struct dbserver_session *s, json_t *msg)
{
	struct ds *out = out_buf(s);
	int r = json_fast_dump(msg, out);

	json_decref(msg);
	send_out(s, out, r);
}

/* The envelopes are written member by member, without building an object
 * for them: "KEY":VALUE, a NULL @v left out (as json_object_set does). */
static int
put_member(struct ds *out, bool *first, const char *key, const json_t *v)
{
	if (!v)
		return 0;
	ds_put(out, *first ? "{\"" : ",\"");
	*first = false;
	ds_put(out, key);
	ds_put(out, "\":");
	return json_fast_dump(v, out);
}

static void
put_end(struct ds *out, bool first)
{
	ds_put(out, first ? "{}" : "}");
}

void
jsonrpc_reply(struct dbserver_session *s, const json_t *id, json_t *result)
{
	struct ds *out = out_buf(s);
	bool first = true;
	int r = put_member(out, &first, "id", id);

	if (!r)
		r = put_member(out, &first, "result", result);
	if (!r)
		r = put_member(out, &first, "error", json_null());
	put_end(out, first);
	json_decref(result);
	send_out(s, out, r);
}

void
jsonrpc_reply_text(struct dbserver_session *s, const json_t *id,
		   const char *result_text)
{
	struct ds *out = out_buf(s);
	bool first = true;
	int r = put_member(out, &first, "id", id);

	ds_put(out, ",\"result\":");
	ds_put(out, result_text);
	ds_put(out, ",\"error\":null}");
	send_out(s, out, r);
}

void
jsonrpc_reply_error(struct dbserver_session *s, const json_t *id, json_t *error)
{
	struct ds *out = out_buf(s);
	bool first = true;
	int r = put_member(out, &first, "id", id);

	if (!r)
		r = put_member(out, &first, "error", error);
	put_end(out, first);
	json_decref(error);
	send_out(s, out, r);
}

void
jsonrpc_notify(struct dbserver_session *s, const char *method, json_t *params)
{
	struct ds *out = out_buf(s);
	json_t *m = json_string(method);
	bool first = true;
	int r = put_member(out, &first, "method", m);

	if (!r)
		r = put_member(out, &first, "params", params);
	if (!r)
		r = put_member(out, &first, "id", json_null());
	put_end(out, first);
	json_decref(m);
	json_decref(params);
	send_out(s, out, r);
}
