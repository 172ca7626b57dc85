/* SPDX-License-Identifier: Apache-2.0 */
/* nlattr: netlink attributes built into a buffer and walked safely. */
#include "nlattr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void *
nl_reserve(struct nlbuf *b, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;

		while (cap < b->len + n)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	void *p = b->data + b->len;
	b->len += n;
	return p;
}

void *
nl_put(struct nlbuf *b, uint16_t type, const void *data, size_t len)
{
	size_t total = NL_ALIGN(NL_HDRLEN + len);
	uint8_t *p = nl_reserve(b, total);
	struct nlattr *a = (struct nlattr *)(void *)p;

	a->nla_len = (uint16_t)(NL_HDRLEN + len);
	a->nla_type = type;
	if (data)
		memcpy(p + NL_HDRLEN, data, len);
	else
		memset(p + NL_HDRLEN, 0, len);
	memset(p + NL_HDRLEN + len, 0, total - NL_HDRLEN - len);
	return p + NL_HDRLEN;
}

void
nl_put_u32(struct nlbuf *b, uint16_t type, uint32_t v)
{
	nl_put(b, type, &v, sizeof v);
}

void
nl_put_u16(struct nlbuf *b, uint16_t type, uint16_t v)
{
	nl_put(b, type, &v, sizeof v);
}

void
nl_put_flag(struct nlbuf *b, uint16_t type)
{
	nl_put(b, type, NULL, 0);
}

size_t
nl_nest_start(struct nlbuf *b, uint16_t type)
{
	size_t ofs = b->len;

	nl_put(b, type, NULL, 0);
	return ofs;
}

void
nl_nest_end(struct nlbuf *b, size_t ofs)
{
	struct nlattr *a = (struct nlattr *)(void *)(b->data + ofs);

	a->nla_len = (uint16_t)(b->len - ofs);
}

void
nl_put_raw(struct nlbuf *b, const void *data, size_t len)
{
	memcpy(nl_reserve(b, NL_ALIGN(len)), data, len);
}

void
nl_buf_free(struct nlbuf *b)
{
	free(b->data);
	*b = NLBUF_EMPTY;
}

int
nl_attrs_check(const void *head, size_t len)
{
	const struct nlattr *a;
	size_t left;

	if ((uintptr_t)head % NLA_ALIGNTO)
		return -EINVAL;
	NL_ATTR_FOR_EACH(a, left, head, len);
	return left ? -EINVAL : 0;
}

const struct nlattr *
nl_attr_find(const void *head, size_t len, uint16_t type)
{
	const struct nlattr *a;
	size_t left;

	NL_ATTR_FOR_EACH(a, left, head, len)
	if (nl_attr_type(a) == type)
		return a;
	return NULL;
}
