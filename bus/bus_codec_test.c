/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bus_codec_test: derived from the catalogue.  Every message is filled
 * field by field from its descriptor, round-tripped, and then mangled in
 * every way the decoder must refuse: truncation at every byte, trailing
 * bytes, wrong field types, duplicate keys, missing required fields,
 * unknown types, bad envelopes, oversize.
 */
#include "bus_codec.h"

#include <errno.h>
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util.h"

static void *
field_ptr(void *msg, const struct bus_field_desc *f)
{
	return (char *)msg + f->offset;
}

static void
fill(const struct bus_msg_desc *d, void *msg)
{
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct bus_field_desc *f = &d->fields[i];
		void *p = field_ptr(msg, f);

		switch (f->type) {
		case BUS_FT_U64:
			*(uint64_t *)p = UINT64_MAX - f->num;
			break;
		case BUS_FT_I64:
			*(int64_t *)p = -1000 - f->num;
			break;
		case BUS_FT_BOOL:
			*(bool *)p = true;
			break;
		case BUS_FT_STR:
			*(const char **)p = xasprintf("field %s é", f->name);
			break;
		case BUS_FT_BIN: {
			struct bus_bin *b = p;
			uint8_t *data = xmalloc(3);
			memcpy(data, "\0\1\2", 3);
			b->len = 3;
			b->data = data;
			break;
		}
		case BUS_FT_STRV: {
			struct bus_strv *v = p;
			const char **strs = xcalloc(3, sizeof *strs);
			strs[0] = xstrdup("a");
			strs[1] = xstrdup("");
			v->n = 2;
			v->v = strs;
			break;
		}
		}
		bus_msg_set_present(d->id, msg, f->num);
	}
}

static bool
same(const struct bus_msg_desc *d, void *a, void *b)
{
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct bus_field_desc *f = &d->fields[i];
		void *pa = field_ptr(a, f), *pb = field_ptr(b, f);

		switch (f->type) {
		case BUS_FT_U64:
		case BUS_FT_I64:
			if (memcmp(pa, pb, 8))
				return false;
			break;
		case BUS_FT_BOOL:
			if (*(bool *)pa != *(bool *)pb)
				return false;
			break;
		case BUS_FT_STR:
			if (strcmp(*(const char **)pa, *(const char **)pb))
				return false;
			break;
		case BUS_FT_BIN: {
			struct bus_bin *x = pa, *y = pb;
			if (x->len != y->len ||
			    memcmp(x->data, y->data, x->len))
				return false;
			break;
		}
		case BUS_FT_STRV: {
			struct bus_strv *x = pa, *y = pb;
			if (x->n != y->n)
				return false;
			for (size_t j = 0; j < x->n; j++)
				if (strcmp(x->v[j], y->v[j]))
					return false;
			break;
		}
		}
	}
	return true;
}

static int
decode_expect(const void *buf, size_t len, int want)
{
	unsigned type;
	uint64_t reqid;
	void *msg;
	int err = bus_decode(buf, len, &type, &reqid, &msg);

	if (!err)
		bus_msg_free(type, msg);
	if (err != want)
		fprintf(stderr, "  decode gave %d, wanted %d\n", err, want);
	return err == want;
}

static void
test_round_trip_every_message(void)
{
	for (unsigned t = 1; t < BUS_MSG_MAX; t++) {
		const struct bus_msg_desc *d = bus_msg_desc(t);
		unsigned type;
		uint64_t reqid;
		void *msg, *out, *buf;
		size_t len;

		if (!d)
			continue;
		msg = xzalloc(d->size);
		fill(d, msg);
		CHECK_EQ(bus_encode(t, 77, msg, &buf, &len), 0);
		CHECK_EQ(bus_decode(buf, len, &type, &reqid, &out), 0);
		CHECK_EQ(type, t);
		CHECK_EQ(reqid, 77);
		CHECK(out && same(d, msg, out));
		/* Every strict prefix is refused, never a crash. */
		for (size_t cut = 0; cut < len; cut++)
			CHECK(decode_expect(buf, cut, -EBADMSG));
		/* Trailing bytes. */
		void *longer = xmalloc(len + 1);
		memcpy(longer, buf, len);
		((char *)longer)[len] = '\0';
		CHECK(decode_expect(longer, len + 1, -EBADMSG));
		free(longer);
		free(buf);
		bus_msg_free(t, out);
		bus_msg_free(t, msg);
	}
}

/* Builds an envelope with a hand-written body for the mangling tests. */
typedef void body_fn(msgpack_packer *pk, const struct bus_msg_desc *d,
		     int variant);

static int
decode_built(unsigned version, unsigned type, int elems, body_fn *body,
	     const struct bus_msg_desc *d, int variant)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	int ok;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, (size_t)elems);
	msgpack_pack_uint64(&pk, version);
	msgpack_pack_uint64(&pk, type);
	msgpack_pack_uint64(&pk, 1);
	if (elems > 3)
		body(&pk, d, variant);
	unsigned t;
	uint64_t r;
	void *msg;
	ok = bus_decode(sb.data, sb.size, &t, &r, &msg);
	if (!ok)
		bus_msg_free(t, msg);
	msgpack_sbuffer_destroy(&sb);
	return ok;
}

static void
pack_good_value(msgpack_packer *pk, enum bus_ftype type)
{
	switch (type) {
	case BUS_FT_U64:
	case BUS_FT_I64:
		msgpack_pack_uint64(pk, 5);
		break;
	case BUS_FT_BOOL:
		msgpack_pack_true(pk);
		break;
	case BUS_FT_STR:
		msgpack_pack_str_with_body(pk, "x", 1);
		break;
	case BUS_FT_BIN:
		msgpack_pack_bin_with_body(pk, "x", 1);
		break;
	case BUS_FT_STRV:
		msgpack_pack_array(pk, 1);
		msgpack_pack_str_with_body(pk, "x", 1);
		break;
	}
}

/* A value of the wrong type for @type. */
static void
pack_bad_value(msgpack_packer *pk, enum bus_ftype type)
{
	if (type == BUS_FT_STR || type == BUS_FT_STRV)
		msgpack_pack_int64(pk, -1);
	else
		msgpack_pack_str_with_body(pk, "nope", 4);
}

enum {
	V_GOOD,
	V_DUP,
	V_WRONG_TYPE,
	V_MISSING,
	V_UNKNOWN_FIELD,
	V_NUL_STR,
	V_BAD_KEY,
	V_NOT_MAP
};

/* Variant @variant of a body for @d; V_WRONG_TYPE etc. mangle field 0. */
static void
body_variant(msgpack_packer *pk, const struct bus_msg_desc *d, int variant)
{
	size_t n =
		d->n_fields + (variant == V_DUP || variant == V_UNKNOWN_FIELD ||
			       variant == V_BAD_KEY);

	if (variant == V_MISSING)
		n--;
	if (variant == V_NOT_MAP) {
		msgpack_pack_array(pk, 0);
		return;
	}
	msgpack_pack_map(pk, n);
	for (size_t i = 0; i < d->n_fields; i++) {
		const struct bus_field_desc *f = &d->fields[i];

		if (variant == V_MISSING && i == 0)
			continue;
		msgpack_pack_uint64(pk, f->num);
		if (i == 0 && variant == V_WRONG_TYPE)
			pack_bad_value(pk, f->type);
		else if (i == 0 && variant == V_NUL_STR &&
			 f->type == BUS_FT_STR)
			msgpack_pack_str_with_body(pk, "a\0b", 3);
		else
			pack_good_value(pk, f->type);
	}
	if (variant == V_DUP) {
		msgpack_pack_uint64(pk, d->fields[0].num);
		pack_good_value(pk, d->fields[0].type);
	} else if (variant == V_UNKNOWN_FIELD) {
		msgpack_pack_uint64(pk, 60);
		msgpack_pack_str_with_body(pk, "future", 6);
	} else if (variant == V_BAD_KEY) {
		msgpack_pack_str_with_body(pk, "k", 1);
		msgpack_pack_nil(pk);
	}
}

static void
test_mangled_bodies(void)
{
	for (unsigned t = 1; t < BUS_MSG_MAX; t++) {
		const struct bus_msg_desc *d = bus_msg_desc(t);

		if (!d)
			continue;
		CHECK_EQ(decode_built(1, t, 4, body_variant, d, V_GOOD), 0);
		CHECK_EQ(
			decode_built(1, t, 4, body_variant, d, V_UNKNOWN_FIELD),
			0);
		CHECK_EQ(decode_built(1, t, 4, body_variant, d, V_BAD_KEY),
			 -EBADMSG);
		CHECK_EQ(decode_built(1, t, 4, body_variant, d, V_NOT_MAP),
			 -EBADMSG);
		/* Envelopes: wrong version, too few elements, unknown type. */
		CHECK_EQ(decode_built(2, t, 4, body_variant, d, V_GOOD),
			 -EPROTO);
		CHECK_EQ(decode_built(1, t, 3, body_variant, d, V_GOOD),
			 -EBADMSG);
		if (!d->n_fields) /* the rest mangles a field */
			continue;
		CHECK_EQ(decode_built(1, t, 4, body_variant, d, V_DUP),
			 -EBADMSG);
		CHECK_EQ(decode_built(1, t, 4, body_variant, d, V_WRONG_TYPE),
			 -EBADMSG);
		if (d->fields[0].required)
			CHECK_EQ(decode_built(1, t, 4, body_variant, d,
					      V_MISSING),
				 -EBADMSG);
		if (d->fields[0].type == BUS_FT_STR)
			CHECK_EQ(decode_built(1, t, 4, body_variant, d,
					      V_NUL_STR),
				 -EBADMSG);
	}
	const struct bus_msg_desc *any = bus_msg_desc(BUS_MSG_PING);
	CHECK_EQ(decode_built(1, 9999, 4, body_variant, any, V_GOOD), -ENOMSG);
	CHECK_EQ(decode_built(1, 0, 4, body_variant, any, V_GOOD), -ENOMSG);
}

static void
test_garbage_and_oversize(void)
{
	static const unsigned char junk[][6] = {
		{ 0xc1 },			  /* never-used byte */
		{ 0x94, 0x01, 0x07, 0x01, 0xc0 }, /* body is nil */
		{ 0xdd, 0xff, 0xff, 0xff, 0xff }, /* huge array, truncated */
		{ 0x01 },			  /* bare integer */
	};
	for (size_t i = 0; i < ARRAY_SIZE(junk); i++)
		CHECK(decode_expect(junk[i], sizeof junk[i], -EBADMSG));
	CHECK(decode_expect("", 0, -EBADMSG));
	/* Found by the fuzzer: a 4G-element array header in 5 bytes. */
	CHECK(decode_expect("\xdd\xff\xff\xff\xff", 5, -EBADMSG));
	CHECK(decode_expect("\xdf\x7f\xff\xff\xff\x01", 6, -EBADMSG));
	char *big = xzalloc(BUS_MAX_MSG + 1);
	CHECK(decode_expect(big, BUS_MAX_MSG + 1, -EMSGSIZE));
	free(big);
	/* Deep nesting must not recurse without bound. */
	size_t depth = 100000;
	unsigned char *deep = xmalloc(depth);
	memset(deep, 0x91, depth);
	CHECK(decode_expect(deep, depth, -EBADMSG));
	free(deep);
}

static void
test_encode_refuses_missing_required(void)
{
	struct bus_msg_appctl_call c = { 0 };
	void *buf;
	size_t len;

	CHECK_EQ(bus_encode(BUS_MSG_APPCTL_CALL, 1, &c, &buf, &len), -EINVAL);
	CHECK_EQ(bus_encode(9999, 1, &c, &buf, &len), -EINVAL);
	CHECK_STREQ(bus_msg_name(BUS_MSG_APPCTL_CALL), "appctl_call");
	CHECK_STREQ(bus_msg_name(4242), "unknown");
}

/* An error reply becomes its errno, and its message the reason; an err
 * that is no negative errno is the peer's fault: -EPROTO. */
static void
test_error_reply_to_errno(void)
{
	static const struct {
		int64_t err;
		int want;
	} cases[] = {
		{ -EACCES, -EACCES },	{ -4095, -4095 },
		{ 0, -EPROTO },		{ EACCES, -EPROTO },
		{ -4096, -EPROTO },	{ INT64_MIN, -EPROTO },
		{ INT64_MAX, -EPROTO },
	};
	struct bus_msg_error e = { 0 };
	const char *why = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		e.err = cases[i].err;
		CHECK_EQ(bus_error_errno(&e, NULL), cases[i].want);
	}
	e.err = -ENOENT;
	CHECK_EQ(bus_error_errno(&e, &why), -ENOENT);
	CHECK_STREQ(why, strerror(ENOENT));
	bus_msg_error_set_message(&e, "no such thing");
	CHECK_EQ(bus_error_errno(&e, &why), -ENOENT);
	CHECK_STREQ(why, "no such thing");
}

/* The generated setters set the field and its presence; has_ reads the
 * presence, and it survives the wire. */
static void
test_setters_and_presence(void)
{
	struct bus_msg_pong p = { .token = 3 }, *out;
	unsigned type;
	uint64_t reqid;
	void *buf;
	size_t len;

	CHECK(!bus_msg_pong_has_pid(&p));
	bus_msg_pong_set_pid(&p, 0);
	CHECK(bus_msg_pong_has_pid(&p));
	CHECK_EQ(bus_encode(BUS_MSG_PONG, 1, &p, &buf, &len), 0);
	CHECK_EQ(bus_decode(buf, len, &type, &reqid, (void **)&out), 0);
	CHECK_EQ(type, BUS_MSG_PONG);
	CHECK(out && bus_msg_pong_has_pid(out) && out->pid == 0);
	bus_msg_pong_free(out);
	free(buf);
	/* Unset, an optional integer stays off the wire. */
	p.present = 0;
	CHECK_EQ(bus_encode(BUS_MSG_PONG, 1, &p, &buf, &len), 0);
	CHECK_EQ(bus_decode(buf, len, &type, &reqid, (void **)&out), 0);
	CHECK(out && !bus_msg_pong_has_pid(out));
	bus_msg_pong_free(out);
	free(buf);
}

/* Every call names a reply message. */
static void
test_every_call_has_its_reply(void)
{
	for (unsigned t = 1; t < BUS_MSG_MAX; t++) {
		const struct bus_msg_desc *d = bus_msg_desc(t);

		if (!d)
			continue;
		if (d->kind == BUS_KIND_CALL)
			CHECK(bus_msg_desc(d->reply) &&
			      bus_msg_desc(d->reply)->kind == BUS_KIND_REPLY);
		else
			CHECK_EQ(d->reply, 0);
	}
}

int
main(void)
{
	CHECK_RUN(test_round_trip_every_message);
	CHECK_RUN(test_mangled_bodies);
	CHECK_RUN(test_garbage_and_oversize);
	CHECK_RUN(test_encode_refuses_missing_required);
	CHECK_RUN(test_error_reply_to_errno);
	CHECK_RUN(test_setters_and_presence);
	CHECK_RUN(test_every_call_has_its_reply);
	CHECK_EXIT();
}
