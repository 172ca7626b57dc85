/* SPDX-License-Identifier: Apache-2.0 */
/* bus_codec: table-driven msgpack encoder and strict decoder. */
#include "bus_codec.h"

#include <errno.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const struct bus_msg_desc *
bus_msg_desc(unsigned type)
{
	if (type == 0 || type >= BUS_MSG_MAX || !bus_msg_descs[type].id)
		return NULL;
	return &bus_msg_descs[type];
}

const char *
bus_msg_name(unsigned type)
{
	const struct bus_msg_desc *d = bus_msg_desc(type);

	return d ? d->name : "unknown";
}

int
bus_error_errno(const struct bus_msg_error *e, const char **why)
{
	/* Linux errnos are below 4096 (MAX_ERRNO). */
	int err = e->err < 0 && e->err > -4096 ? (int)e->err : -EPROTO;

	if (why)
		*why = e->message ? e->message : strerror(-err);
	return err;
}

static uint64_t *
present_of(const struct bus_msg_desc *d, const void *msg)
{
	return (uint64_t *)((uintptr_t)msg + d->present_offset);
}

void
bus_msg_set_present(unsigned type, void *msg, unsigned num)
{
	*present_of(bus_msg_desc(type), msg) |= 1ull << num;
}

bool
bus_msg_has(unsigned type, const void *msg, unsigned num)
{
	return *present_of(bus_msg_desc(type), msg) & (1ull << num);
}

static void *
field_ptr(const void *msg, const struct bus_field_desc *f)
{
	return (void *)((uintptr_t)msg + f->offset);
}

/* Is field @f set in @msg?  Strings and binaries also count when non-NULL,
 * so callers building messages rarely touch the present mask. */
static bool
field_set(const struct bus_msg_desc *d, const void *msg,
	  const struct bus_field_desc *f)
{
	void *p = field_ptr(msg, f);

	if (*present_of(d, msg) & (1ull << f->num))
		return true;
	switch (f->type) {
	case BUS_FT_STR:
		return *(const char **)p != NULL;
	case BUS_FT_BIN:
		return ((struct bus_bin *)p)->data != NULL;
	case BUS_FT_STRV:
		return ((struct bus_strv *)p)->n > 0;
	default:
		return false;
	}
}

static void
pack_field(msgpack_packer *pk, const struct bus_field_desc *f, const void *p)
{
	switch (f->type) {
	case BUS_FT_U64:
		msgpack_pack_uint64(pk, *(const uint64_t *)p);
		break;
	case BUS_FT_I64:
		msgpack_pack_int64(pk, *(const int64_t *)p);
		break;
	case BUS_FT_BOOL:
		if (*(const bool *)p)
			msgpack_pack_true(pk);
		else
			msgpack_pack_false(pk);
		break;
	case BUS_FT_STR: {
		const char *s = *(const char *const *)p;
		size_t n = strlen(s);
		msgpack_pack_str(pk, n);
		msgpack_pack_str_body(pk, s, n);
		break;
	}
	case BUS_FT_BIN: {
		const struct bus_bin *b = p;
		msgpack_pack_bin(pk, b->len);
		msgpack_pack_bin_body(pk, b->data, b->len);
		break;
	}
	case BUS_FT_STRV: {
		const struct bus_strv *v = p;
		msgpack_pack_array(pk, v->n);
		for (size_t i = 0; i < v->n; i++) {
			size_t n = strlen(v->v[i]);
			msgpack_pack_str(pk, n);
			msgpack_pack_str_body(pk, v->v[i], n);
		}
		break;
	}
	}
}

int
bus_encode(unsigned type, uint64_t reqid, const void *msg, void **bufp,
	   size_t *lenp)
{
	const struct bus_msg_desc *d = bus_msg_desc(type);
	msgpack_sbuffer sb;
	msgpack_packer pk;
	size_t n_set = 0;

	if (!d)
		return -EINVAL;
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct bus_field_desc *f = &d->fields[i];
		bool set = field_set(d, msg, f);

		if (f->required && !set &&
		    (f->type == BUS_FT_STR || f->type == BUS_FT_BIN))
			return -EINVAL;
		n_set += set || f->required;
	}
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint64(&pk, BUS_VERSION);
	msgpack_pack_uint64(&pk, type);
	msgpack_pack_uint64(&pk, reqid);
	msgpack_pack_map(&pk, n_set);
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct bus_field_desc *f = &d->fields[i];

		if (!field_set(d, msg, f) && !f->required)
			continue;
		msgpack_pack_uint64(&pk, f->num);
		pack_field(&pk, f, field_ptr(msg, f));
	}
	*bufp = sb.data;
	*lenp = sb.size;
	return 0;
}

static int
get_u64(const msgpack_object *o, uint64_t *v)
{
	if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return -EBADMSG;
	*v = o->via.u64;
	return 0;
}

static int
dup_str(const msgpack_object *o, const char **out)
{
	if (o->type != MSGPACK_OBJECT_STR ||
	    memchr(o->via.str.ptr, '\0', o->via.str.size))
		return -EBADMSG;
	*out = xstrndup(o->via.str.ptr, o->via.str.size);
	return 0;
}

static int
unpack_field(const struct bus_field_desc *f, const msgpack_object *o, void *p)
{
	switch (f->type) {
	case BUS_FT_U64:
		return get_u64(o, p);
	case BUS_FT_I64:
		if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
			if (o->via.u64 > INT64_MAX)
				return -EBADMSG;
			*(int64_t *)p = (int64_t)o->via.u64;
		} else if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
			*(int64_t *)p = o->via.i64;
		} else {
			return -EBADMSG;
		}
		return 0;
	case BUS_FT_BOOL:
		if (o->type != MSGPACK_OBJECT_BOOLEAN)
			return -EBADMSG;
		*(bool *)p = o->via.boolean;
		return 0;
	case BUS_FT_STR:
		return dup_str(o, p);
	case BUS_FT_BIN: {
		struct bus_bin *b = p;
		uint8_t *data;
		if (o->type != MSGPACK_OBJECT_BIN)
			return -EBADMSG;
		b->len = o->via.bin.size;
		b->data = data = xmalloc(b->len);
		memcpy(data, o->via.bin.ptr, b->len);
		return 0;
	}
	case BUS_FT_STRV: {
		struct bus_strv *v = p;
		const char **strs;
		if (o->type != MSGPACK_OBJECT_ARRAY)
			return -EBADMSG;
		v->v = strs = xcalloc(o->via.array.size + 1, sizeof *strs);
		for (uint32_t i = 0; i < o->via.array.size; i++) {
			int err = dup_str(&o->via.array.ptr[i], &strs[i]);
			if (err)
				return err;
			v->n++;
		}
		return 0;
	}
	}
	return -EBADMSG;
}

static const struct bus_field_desc *
find_field(const struct bus_msg_desc *d, uint64_t num)
{
	for (size_t i = 0; i < d->n_fields; i++)
		if (d->fields[i].num == num)
			return &d->fields[i];
	return NULL;
}

static int
decode_body(const struct bus_msg_desc *d, const msgpack_object *body, void *msg)
{
	uint64_t seen = 0;

	if (body->type != MSGPACK_OBJECT_MAP)
		return -EBADMSG;
	for (uint32_t i = 0; i < body->via.map.size; i++) {
		const msgpack_object_kv *kv = &body->via.map.ptr[i];
		const struct bus_field_desc *f;
		uint64_t num;
		int err;

		if (get_u64(&kv->key, &num) || num == 0 || num > 63)
			return -EBADMSG;
		if (seen & (1ull << num))
			return -EBADMSG; /* duplicate key */
		seen |= 1ull << num;
		f = find_field(d, num);
		if (!f)
			continue; /* a newer sender's field: skip */
		err = unpack_field(f, &kv->val, field_ptr(msg, f));
		if (err)
			return err;
	}
	for (size_t i = 0; i < d->n_fields; i++)
		if (d->fields[i].required &&
		    !(seen & (1ull << d->fields[i].num)))
			return -EBADMSG;
	*present_of(d, msg) = seen;
	return 0;
}

/* Walks the msgpack encoding of one value without allocating, checking
 * that every length fits in the buffer and that no container claims more
 * elements than there are bytes left (msgpack-c sizes its allocation from
 * the claimed count: 5 bytes could otherwise ask for 128 GB).  Also caps
 * nesting.  0 if @buf holds exactly one well-formed value, else -EBADMSG. */
static int
precheck(const uint8_t *buf, size_t len)
{
	static const uint8_t fixed[256] = {
		[0xc0] = 1, [0xc2] = 1,	 [0xc3] = 1,  [0xca] = 5, [0xcb] = 9,
		[0xcc] = 2, [0xcd] = 3,	 [0xce] = 5,  [0xcf] = 9, [0xd0] = 2,
		[0xd1] = 3, [0xd2] = 5,	 [0xd3] = 9,  [0xd4] = 3, [0xd5] = 4,
		[0xd6] = 6, [0xd7] = 10, [0xd8] = 18,
	};
	uint64_t pending = 1;
	size_t pos = 0, containers = 0;

	while (pending) {
		uint8_t b;
		uint64_t n = 0, elems = 0;
		size_t hdr = 1;

		if (pos >= len)
			return -EBADMSG;
		pending--;
		b = buf[pos];
		if (b <= 0x7f || b >= 0xe0) {
			pos++;
			continue;
		}
		if (fixed[b]) {
			if (len - pos < fixed[b])
				return -EBADMSG;
			pos += fixed[b];
			continue;
		}
		if (b >= 0x80 && b <= 0x8f) {
			elems = 2u * (b & 0x0f);
		} else if (b >= 0x90 && b <= 0x9f) {
			elems = b & 0x0f;
		} else if (b >= 0xa0 && b <= 0xbf) {
			n = b & 0x1f;
		} else {
			/* Length-prefixed: size of the length field. */
			static const struct {
				uint8_t code, lenbytes, extra, kind;
			} lp[] = {
				/* kind 0: bytes, 1: array, 2: map */
				{ 0xc4, 1, 0, 0 }, { 0xc5, 2, 0, 0 },
				{ 0xc6, 4, 0, 0 }, { 0xc7, 1, 1, 0 },
				{ 0xc8, 2, 1, 0 }, { 0xc9, 4, 1, 0 },
				{ 0xd9, 1, 0, 0 }, { 0xda, 2, 0, 0 },
				{ 0xdb, 4, 0, 0 }, { 0xdc, 2, 0, 1 },
				{ 0xdd, 4, 0, 1 }, { 0xde, 2, 0, 2 },
				{ 0xdf, 4, 0, 2 },
			};
			size_t i;
			uint64_t v = 0;

			for (i = 0; i < ARRAY_SIZE(lp) && lp[i].code != b; i++)
				;
			if (i == ARRAY_SIZE(lp) ||
			    len - pos < 1u + lp[i].lenbytes)
				return -EBADMSG; /* 0xc1, or truncated */
			for (unsigned k = 0; k < lp[i].lenbytes; k++)
				v = v << 8 | buf[pos + 1 + k];
			hdr = 1u + lp[i].lenbytes + lp[i].extra;
			if (lp[i].kind == 0)
				n = v;
			else
				elems = lp[i].kind == 2 ? 2 * v : v;
		}
		if (len - pos < hdr || len - pos - hdr < n)
			return -EBADMSG;
		pos += hdr + (size_t)n;
		if (elems) {
			/* Each element takes at least one byte. */
			if (elems > len - pos || ++containers > 4096)
				return -EBADMSG;
			pending += elems;
		}
	}
	return pos == len ? 0 : -EBADMSG;
}

int
bus_decode(const void *buf, size_t len, unsigned *typep, uint64_t *reqidp,
	   void **msgp)
{
	const struct bus_msg_desc *d;
	msgpack_unpacked u;
	const msgpack_object *env;
	uint64_t version, type, reqid;
	size_t off = 0;
	void *msg = NULL;
	int err;

	*msgp = NULL;
	if (len > BUS_MAX_MSG)
		return -EMSGSIZE;
	if (precheck(buf, len))
		return -EBADMSG;
	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, buf, len, &off) != MSGPACK_UNPACK_SUCCESS ||
	    off != len) {
		err = -EBADMSG;
		goto out;
	}
	env = &u.data;
	if (env->type != MSGPACK_OBJECT_ARRAY || env->via.array.size != 4 ||
	    get_u64(&env->via.array.ptr[0], &version) ||
	    get_u64(&env->via.array.ptr[1], &type) ||
	    get_u64(&env->via.array.ptr[2], &reqid)) {
		err = -EBADMSG;
		goto out;
	}
	if (version != BUS_VERSION) {
		err = -EPROTO;
		goto out;
	}
	*typep = type < BUS_MSG_MAX ? (unsigned)type : 0;
	*reqidp = reqid;
	d = bus_msg_desc(*typep);
	if (!d) {
		err = -ENOMSG;
		goto out;
	}
	msg = xzalloc(d->size);
	err = decode_body(d, &env->via.array.ptr[3], msg);
	if (err) {
		bus_msg_free(*typep, msg);
		goto out;
	}
	*msgp = msg;
out:
	msgpack_unpacked_destroy(&u);
	return err;
}

/* The bus's own allocations, held through the const pointers of the
 * message structs. */
static void
free_const(const void *p)
{
	free((void *)(uintptr_t)p);
}

void
bus_msg_free(unsigned type, void *msg)
{
	const struct bus_msg_desc *d = bus_msg_desc(type);

	if (!msg || !d)
		return;
	for (size_t i = 0; i < d->n_fields; i++) {
		void *p = field_ptr(msg, &d->fields[i]);

		switch (d->fields[i].type) {
		case BUS_FT_STR:
			free_const(*(const char **)p);
			break;
		case BUS_FT_BIN:
			free_const(((struct bus_bin *)p)->data);
			break;
		case BUS_FT_STRV: {
			struct bus_strv *v = p;
			for (size_t j = 0; j < v->n; j++)
				free_const(v->v[j]);
			free_const(v->v);
			break;
		}
		default:
			break;
		}
	}
	free(msg);
}

void
bus_msg_format(unsigned type, const void *msg, char *buf, size_t size)
{
	const struct bus_msg_desc *d = bus_msg_desc(type);
	struct ds ds = DS_EMPTY;

	ds_printf(&ds, "%s{", bus_msg_name(type));
	for (size_t i = 0; d && i < d->n_fields; i++) {
		const struct bus_field_desc *f = &d->fields[i];
		const void *p = field_ptr(msg, f);

		if (!field_set(d, msg, f) && !f->required)
			continue;
		ds_printf(&ds, "%s%s=", i ? ", " : "", f->name);
		switch (f->type) {
		case BUS_FT_U64:
			ds_printf(&ds, "%llu",
				  (unsigned long long)*(const uint64_t *)p);
			break;
		case BUS_FT_I64:
			ds_printf(&ds, "%lld", (long long)*(const int64_t *)p);
			break;
		case BUS_FT_BOOL:
			ds_put(&ds, *(const bool *)p ? "true" : "false");
			break;
		case BUS_FT_STR:
			ds_printf(&ds, "\"%.60s\"", *(const char *const *)p);
			break;
		case BUS_FT_BIN:
			ds_printf(&ds, "<%zu bytes>",
				  ((const struct bus_bin *)p)->len);
			break;
		case BUS_FT_STRV:
			ds_printf(&ds, "[%zu strings]",
				  ((const struct bus_strv *)p)->n);
			break;
		}
	}
	ds_put_char(&ds, '}');
	snprintf(buf, size, "%s", ds_cstr(&ds));
	ds_free(&ds);
}
