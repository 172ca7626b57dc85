/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_oxs: OpenFlow 1.5 OXS statistics.
 */
#include "ofp_oxs.h"

#include <string.h>

#define OXS_CLASS 0x8002

static unsigned
field_len(unsigned field)
{
	switch (field) {
	case OXS_DURATION:
	case OXS_IDLE_TIME:
	case OXS_PACKET_COUNT:
	case OXS_BYTE_COUNT:
		return 8;
	case OXS_FLOW_COUNT:
		return 4;
	}
	return 0;
}

enum ofperr
ofp_pull_oxs(struct ofp_reader *r, struct ofp_oxs_stats *st)
{
	const uint8_t *p;
	size_t len, padded;

	memset(st, 0, sizeof *st);
	if (r->left < 4)
		return OFPERR_OFPBRC_BAD_LEN;
	len = get_be16(r->p + 2);
	padded = (len + 7) / 8 * 8;
	if (len < 4 || padded > r->left)
		return OFPERR_OFPBRC_BAD_LEN;
	rd_bytes(r, padded, &p);
	p += 4;
	len -= 4;
	while (len) {
		uint32_t h;
		unsigned field, n;

		if (len < 4)
			return OFPERR_OFPBRC_BAD_LEN;
		h = get_be32(p);
		n = h & 0xff;
		if (len < 4 + n)
			return OFPERR_OFPBRC_BAD_LEN;
		field = (h >> 9) & 0x7f;
		if ((h >> 16) == OXS_CLASS && field_len(field)) {
			if (n != field_len(field) || (h & 0x100))
				return OFPERR_OFPBRC_BAD_LEN;
			st->present |= 1u << field;
			switch (field) {
			case OXS_DURATION:
				st->duration_sec = get_be32(p + 4);
				st->duration_nsec = get_be32(p + 8);
				break;
			case OXS_IDLE_TIME:
				st->idle_sec = get_be32(p + 4);
				st->idle_nsec = get_be32(p + 8);
				break;
			case OXS_FLOW_COUNT:
				st->flow_count = get_be32(p + 4);
				break;
			case OXS_PACKET_COUNT:
				st->packet_count = get_be64(p + 4);
				break;
			case OXS_BYTE_COUNT:
				st->byte_count = get_be64(p + 4);
				break;
			}
		}
		p += 4 + n;
		len -= 4 + n;
	}
	return 0;
}

void
ofp_put_oxs(struct ofpbuf *b, const struct ofp_oxs_stats *st, const int *order)
{
	size_t start = b->size;

	ofpbuf_put_be16(b, 0);
	ofpbuf_put_be16(b, 0);
	for (; *order >= 0; order++) {
		unsigned f = (unsigned)*order;

		ofpbuf_put_be32(b, (uint32_t)OXS_CLASS << 16 | f << 9 |
					   field_len(f));
		switch (f) {
		case OXS_DURATION:
			ofpbuf_put_be32(b, st->duration_sec);
			ofpbuf_put_be32(b, st->duration_nsec);
			break;
		case OXS_IDLE_TIME:
			ofpbuf_put_be32(b, st->idle_sec);
			ofpbuf_put_be32(b, st->idle_nsec);
			break;
		case OXS_FLOW_COUNT:
			ofpbuf_put_be32(b, st->flow_count);
			break;
		case OXS_PACKET_COUNT:
			ofpbuf_put_be64(b, st->packet_count);
			break;
		case OXS_BYTE_COUNT:
			ofpbuf_put_be64(b, st->byte_count);
			break;
		}
	}
	ofpbuf_set_be16(b, start + 2, (uint16_t)(b->size - start));
	ofpbuf_pad8(b, start);
}
