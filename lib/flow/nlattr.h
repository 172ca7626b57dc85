/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nlattr: building and walking netlink attributes (struct nlattr, 4-byte
 * aligned), the encoding of datapath actions and of nested batches in
 * include/uapi/microvs_dp.h.
 *
 * Building appends to a growable struct nlbuf.  Walking trusts nothing:
 * nl_attr_next() stops at the first attribute whose header or length does
 * not fit, and nl_attrs_check() says whether a whole stream is well formed
 * (every length fits, no trailing bytes), so code that received attributes
 * from a peer validates once and then walks with NL_ATTR_FOR_EACH.
 */
#ifndef MICROVS_NLATTR_H
#define MICROVS_NLATTR_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NL_ALIGN(n) (((n) + NLA_ALIGNTO - 1) & ~(size_t)(NLA_ALIGNTO - 1))
#define NL_HDRLEN ((size_t)NLA_HDRLEN)
#define NL_NEST_MAX 8 /* deepest nesting accepted from a peer */

/* A growable buffer of attributes; zero-initialise or NLBUF_EMPTY. */
struct nlbuf {
	uint8_t *data;
	size_t len, cap;
};
#define NLBUF_EMPTY ((struct nlbuf){ NULL, 0, 0 })

/* Appends attribute @type with @len bytes of payload at @data (@data may
 * be NULL for zeros) and returns the payload.  Aborts on exhaustion. */
void *nl_put(struct nlbuf *b, uint16_t type, const void *data, size_t len);
void nl_put_u32(struct nlbuf *b, uint16_t type, uint32_t v);
void nl_put_u16(struct nlbuf *b, uint16_t type, uint16_t v);
void nl_put_flag(struct nlbuf *b, uint16_t type);
/* Starts a nested attribute; returns the offset nl_nest_end() takes. */
size_t nl_nest_start(struct nlbuf *b, uint16_t type);
void nl_nest_end(struct nlbuf *b, size_t ofs);
/* Appends raw, already encoded attributes. */
void nl_put_raw(struct nlbuf *b, const void *data, size_t len);
void nl_buf_free(struct nlbuf *b);

static inline uint16_t
nl_attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static inline size_t
nl_attr_len(const struct nlattr *a)
{
	return a->nla_len - NL_HDRLEN;
}

static inline const void *
nl_attr_data(const struct nlattr *a)
{
	return (const uint8_t *)a + NL_HDRLEN;
}

/* True if an attribute header and its declared length fit in @left. */
static inline bool
nl_attr_ok(const struct nlattr *a, size_t left)
{
	return left >= NL_HDRLEN && a->nla_len >= NL_HDRLEN &&
	       a->nla_len <= left;
}

/* The attribute after @a, updating @left (which may go to 0). */
static inline const struct nlattr *
nl_attr_next(const struct nlattr *a, size_t *left)
{
	size_t step = NL_ALIGN(a->nla_len);

	*left = step > *left ? 0 : *left - step;
	return (const struct nlattr *)(const void *)((const uint8_t *)a + step);
}

#define NL_ATTR_FOR_EACH(A, LEFT, HEAD, LEN)                    \
	for ((A) = (HEAD), (LEFT) = (LEN); nl_attr_ok(A, LEFT); \
	     (A) = nl_attr_next(A, &(LEFT)))

/* 0 if @len bytes at @head are a sequence of whole attributes with no
 * trailing bytes (the last one's padding may be absent), else -EINVAL. */
int nl_attrs_check(const void *head, size_t len);

static inline uint32_t
nl_attr_get_u32(const struct nlattr *a)
{
	uint32_t v;

	__builtin_memcpy(&v, nl_attr_data(a), sizeof v);
	return v;
}

/* Finds the first attribute of @type among @len bytes at @head; NULL if
 * none. */
const struct nlattr *nl_attr_find(const void *head, size_t len, uint16_t type);

#endif
