/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_buf: the two byte-level tools of the OpenFlow codec.
 *
 * struct ofpbuf is a growable output buffer: encoders append big-endian
 * integers and byte strings to it and patch lengths in place by offset
 * (never by pointer, since appending may move the data).
 *
 * struct ofp_reader is a bounded cursor over a received message: every
 * pull checks that the bytes are there and reports false when they are
 * not, so a decoder cannot read past what the peer sent whatever the
 * lengths inside the message claim.
 */
#ifndef MICROVS_OFP_BUF_H
#define MICROVS_OFP_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

struct ofpbuf {
	uint8_t *data;
	size_t size;  /* bytes used */
	size_t alloc; /* bytes allocated */
};

#define OFPBUF_EMPTY ((struct ofpbuf){ NULL, 0, 0 })

void ofpbuf_init(struct ofpbuf *b);
void ofpbuf_uninit(struct ofpbuf *b);
/* Makes room for @n more bytes. */
void ofpbuf_reserve(struct ofpbuf *b, size_t n);
/* Appends @n zero bytes; returns their offset. */
size_t ofpbuf_put_zeros(struct ofpbuf *b, size_t n);
void ofpbuf_put(struct ofpbuf *b, const void *p, size_t n);
/* Pads with zeros so that the bytes since offset @start are a multiple
 * of 8. */
void ofpbuf_pad8(struct ofpbuf *b, size_t start);
/* An OpenFlow property: ofpbuf_prop_start() appends the type and a
 * length to fill in and returns the property's offset; after its value,
 * ofpbuf_prop_end() sets the length (unpadded) and pads it to 8. */
size_t ofpbuf_prop_start(struct ofpbuf *b, uint16_t type);
void ofpbuf_prop_end(struct ofpbuf *b, size_t start);

static inline void
ofpbuf_put_u8(struct ofpbuf *b, uint8_t v)
{
	ofpbuf_reserve(b, 1);
	b->data[b->size++] = v;
}

static inline void
ofpbuf_put_be16(struct ofpbuf *b, uint16_t v)
{
	ofpbuf_reserve(b, 2);
	b->data[b->size++] = (uint8_t)(v >> 8);
	b->data[b->size++] = (uint8_t)v;
}

static inline void
ofpbuf_put_be32(struct ofpbuf *b, uint32_t v)
{
	ofpbuf_reserve(b, 4);
	for (int i = 3; i >= 0; i--)
		b->data[b->size++] = (uint8_t)(v >> (8 * i));
}

static inline void
ofpbuf_put_be64(struct ofpbuf *b, uint64_t v)
{
	ofpbuf_reserve(b, 8);
	for (int i = 7; i >= 0; i--)
		b->data[b->size++] = (uint8_t)(v >> (8 * i));
}

/* Overwrites 2 or 4 bytes at offset @ofs (a length filled in later). */
static inline void
ofpbuf_set_be16(struct ofpbuf *b, size_t ofs, uint16_t v)
{
	b->data[ofs] = (uint8_t)(v >> 8);
	b->data[ofs + 1] = (uint8_t)v;
}

static inline void
ofpbuf_set_be32(struct ofpbuf *b, size_t ofs, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b->data[ofs + i] = (uint8_t)(v >> (8 * (3 - i)));
}

/* Big-endian loads from any alignment. */
static inline uint16_t
get_be16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t
get_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static inline uint64_t
get_be64(const void *p)
{
	const uint8_t *b = p;
	return (uint64_t)get_be32(b) << 32 | get_be32(b + 4);
}

/* A cursor over @left bytes at @p. */
struct ofp_reader {
	const uint8_t *p;
	size_t left;
};

static inline struct ofp_reader
ofp_reader_init(const void *p, size_t n)
{
	return (struct ofp_reader){ p, n };
}

/* Each pull returns false, consuming nothing, if fewer bytes remain. */
static inline bool
rd_bytes(struct ofp_reader *r, size_t n, const uint8_t **out)
{
	if (r->left < n)
		return false;
	if (out)
		*out = r->p;
	r->p += n;
	r->left -= n;
	return true;
}

static inline bool
rd_skip(struct ofp_reader *r, size_t n)
{
	return rd_bytes(r, n, NULL);
}

static inline bool
rd_u8(struct ofp_reader *r, uint8_t *v)
{
	const uint8_t *p;
	if (!rd_bytes(r, 1, &p))
		return false;
	*v = p[0];
	return true;
}

static inline bool
rd_be16(struct ofp_reader *r, uint16_t *v)
{
	const uint8_t *p;
	if (!rd_bytes(r, 2, &p))
		return false;
	*v = get_be16(p);
	return true;
}

static inline bool
rd_be32(struct ofp_reader *r, uint32_t *v)
{
	const uint8_t *p;
	if (!rd_bytes(r, 4, &p))
		return false;
	*v = get_be32(p);
	return true;
}

static inline bool
rd_be64(struct ofp_reader *r, uint64_t *v)
{
	const uint8_t *p;
	if (!rd_bytes(r, 8, &p))
		return false;
	*v = get_be64(p);
	return true;
}

static inline bool
rd_copy(struct ofp_reader *r, void *dst, size_t n)
{
	const uint8_t *p;
	if (!rd_bytes(r, n, &p))
		return false;
	memcpy(dst, p, n);
	return true;
}

/* True if the @n bytes at @p are all zero (all ones). */
bool ofp_is_zero(const void *p, size_t n);
bool ofp_is_all_ones(const void *p, size_t n);

/* Appends @n bytes as Open vSwitch's ofp-print hex dump
 * ("00000000  01 00 00 08 ...-...  |........|"). */
void ofp_hex_dump(struct ds *s, const void *p, size_t n, size_t ofs);
/* The same without the ASCII column (and no trailing blanks). */
void ofp_hex_dump_plain(struct ds *s, const void *p, size_t n);

/* Parses hexadecimal digits (blanks and "0x"-less pairs; Open vSwitch's
 * ofpbuf_put_hex) into @b.  NULL, or a malloc'd message. */
char *ofp_parse_hex(const char *s, struct ofpbuf *b);

#endif
