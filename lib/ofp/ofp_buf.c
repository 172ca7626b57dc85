/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_buf: the growable output buffer, and the hex dump and hex parser
 * that ofp-print and ovs-ofctl share.
 */
#include "ofp_buf.h"

#include <ctype.h>
#include <stdlib.h>

void
ofpbuf_init(struct ofpbuf *b)
{
	*b = OFPBUF_EMPTY;
}

void
ofpbuf_uninit(struct ofpbuf *b)
{
	free(b->data);
	ofpbuf_init(b);
}

void
ofpbuf_reserve(struct ofpbuf *b, size_t n)
{
	if (b->size + n > b->alloc) {
		size_t want = b->alloc ? b->alloc * 2 : 128;
		while (want < b->size + n)
			want *= 2;
		b->data = xrealloc(b->data, want);
		b->alloc = want;
	}
}

size_t
ofpbuf_put_zeros(struct ofpbuf *b, size_t n)
{
	size_t ofs = b->size;

	ofpbuf_reserve(b, n);
	memset(b->data + ofs, 0, n);
	b->size += n;
	return ofs;
}

void
ofpbuf_put(struct ofpbuf *b, const void *p, size_t n)
{
	ofpbuf_reserve(b, n);
	if (n)
		memcpy(b->data + b->size, p, n);
	b->size += n;
}

void
ofpbuf_pad8(struct ofpbuf *b, size_t start)
{
	size_t len = b->size - start;

	if (len % 8)
		ofpbuf_put_zeros(b, 8 - len % 8);
}

size_t
ofpbuf_prop_start(struct ofpbuf *b, uint16_t type)
{
	size_t start = b->size;

	ofpbuf_put_be16(b, type);
	ofpbuf_put_be16(b, 0);
	return start;
}

void
ofpbuf_prop_end(struct ofpbuf *b, size_t start)
{
	ofpbuf_set_be16(b, start + 2, (uint16_t)(b->size - start));
	ofpbuf_pad8(b, start);
}

bool
ofp_is_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

bool
ofp_is_all_ones(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0xff)
			return false;
	return true;
}

void
ofp_hex_dump_plain(struct ds *s, const void *p, size_t n)
{
	const uint8_t *buf = p;

	for (size_t ofs = 0; ofs < n; ofs += 16) {
		size_t end = n - ofs < 16 ? n - ofs : 16;

		ds_printf(s, "%08zx  ", ofs);
		for (size_t i = 0; i < end; i++)
			ds_printf(s, "%02x%c", buf[ofs + i],
				  i == 7 ? '-' : ' ');
		ds_chomp(s, ' ');
		ds_put_char(s, '\n');
	}
}

void
ofp_hex_dump(struct ds *s, const void *p, size_t n, size_t ofs)
{
	const uint8_t *buf = p;
	const size_t per_line = 16;

	while (n > 0) {
		size_t start = ofs % per_line, end = per_line, i;

		if (end - start > n)
			end = start + n;
		ds_printf(s, "%08zx  ", ofs - start);
		for (i = 0; i < start; i++)
			ds_put(s, "   ");
		for (; i < end; i++)
			ds_printf(s, "%02x%c", buf[i - start],
				  i == per_line / 2 - 1 ? '-' : ' ');
		for (; i < per_line; i++)
			ds_put(s, "   ");
		ds_put_char(s, '|');
		for (i = 0; i < start; i++)
			ds_put_char(s, ' ');
		for (; i < end; i++) {
			int c = buf[i - start];
			ds_put_char(s, c >= 32 && c < 127 ? (char)c : '.');
		}
		for (; i < per_line; i++)
			ds_put_char(s, ' ');
		ds_put(s, "|\n");
		ofs += end - start;
		buf += end - start;
		n -= end - start;
	}
}

static int
hexit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
ofp_parse_hex(const char *s, struct ofpbuf *b)
{
	while (*s) {
		int hi, lo;

		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		hi = hexit(s[0]);
		lo = hi < 0 ? -1 : hexit(s[1]);
		if (hi < 0 || lo < 0)
			return xasprintf("trailing garbage in hex data");
		ofpbuf_put_u8(b, (uint8_t)(hi << 4 | lo));
		s += 2;
	}
	return NULL;
}
