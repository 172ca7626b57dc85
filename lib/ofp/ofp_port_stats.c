/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_port_stats: entries of port-statistics replies in every version's
 * form (1.0, 1.1, 1.3 with durations, 1.4 with properties: Ethernet,
 * Intel's RFC 2819 and custom counters), and ovs-ofctl dump-ports' text.
 */
#include "ofp_port.h"

#include <stdlib.h>
#include <string.h>

#include "ofp_flowmod.h"

#define OFPPSPT14_ETHERNET 0
#define OFPPROP_EXPERIMENTER 0xffff
#define INTEL_VENDOR_ID 0x0000aa01u
#define INTEL_PORT_STATS_RFC2819 1
#define INTEL_PORT_STATS_CUSTOM 2

void
ofp_port_stats_uninit(struct ofp_port_stats *ps)
{
	free(ps->custom);
	ps->custom = NULL;
	ps->n_custom = 0;
}

static void
pull_counters(const uint8_t *p, struct ofp_port_stats *ps, bool ofp10)
{
	uint64_t *dst[] = {
		&ps->rx_packets,     &ps->tx_packets,	 &ps->rx_bytes,
		&ps->tx_bytes,	     &ps->rx_dropped,	 &ps->tx_dropped,
		&ps->rx_errors,	     &ps->tx_errors,	 &ps->rx_frame_errors,
		&ps->rx_over_errors, &ps->rx_crc_errors, &ps->collisions,
	};
	(void)ofp10;
	for (size_t i = 0; i < ARRAY_SIZE(dst); i++)
		*dst[i] = get_be64(p + 8 * i);
}

static enum ofperr
port_from_ofp11(uint32_t p11, uint32_t *port)
{
	if (ofp_port_from_ofp11(p11, port))
		return 0;
	*port = OFPP_NONE;
	ofp_warn("ofp_port",
		 "port %u is outside the supported range 0 through %d or "
		 "0x%x through 0x%x",
		 p11, OFPP_MAX - 1, 0xffffff00u, 0xffffffffu);
	return OFPERR_OFPBAC_BAD_OUT_PORT;
}

/* Open vSwitch's reading of the custom-counters property (@p is the
 * whole property, @len its length field, @avail the bytes present). */
static void
parse_custom(const uint8_t *p, size_t len, size_t avail,
	     struct ofp_port_stats *ps)
{
	size_t n = get_be16(p + 14);
	size_t cur = 16, str = 0, val = 0;

	ps->n_custom = n;
	ps->custom = xcalloc(n ? n : 1, sizeof *ps->custom);
	for (size_t i = 0; i < n; i++) {
		cur += str + val;
		val = 8;
		if (cur >= avail)
			break;
		str = p[cur];
		if (cur + str + val > len) {
			ofp_warn("ofp_port",
				 "Custom statistics buffer overrun! "
				 "Further message parsing is "
				 "aborted.");
			break;
		}
		cur++;
		if (cur + str + val > avail)
			break;
		size_t nl = str < 63 ? str : 63;
		memcpy(ps->custom[i].name, p + cur, nl);
		ps->custom[i].name[nl] = '\0';
		ps->custom[i].value = get_be64(p + cur + str);
	}
}

static enum ofperr
pull_ofp14(struct ofp_reader *r, struct ofp_port_stats *ps)
{
	const uint8_t *p = r->p;
	size_t len;
	enum ofperr e;

	if (r->left < 80)
		return OFPERR_OFPBRC_BAD_LEN;
	len = get_be16(r->p);
	if (len < 80 || len > r->left)
		return OFPERR_OFPBRC_BAD_LEN;
	rd_bytes(r, len, &p);
	if ((e = port_from_ofp11(get_be32(p + 4), &ps->port_no)))
		return e;
	ps->duration_sec = get_be32(p + 8);
	ps->duration_nsec = get_be32(p + 12);
	ps->rx_packets = get_be64(p + 16);
	ps->tx_packets = get_be64(p + 24);
	ps->rx_bytes = get_be64(p + 32);
	ps->tx_bytes = get_be64(p + 40);
	ps->rx_dropped = get_be64(p + 48);
	ps->tx_dropped = get_be64(p + 56);
	ps->rx_errors = get_be64(p + 64);
	ps->tx_errors = get_be64(p + 72);

	struct ofp_reader props = ofp_reader_init(p + 80, len - 80);
	while (props.left) {
		const uint8_t *pp = props.p;
		size_t plen, padded;
		uint16_t type;

		if (props.left < 4)
			return OFPERR_OFPBPC_BAD_LEN;
		type = get_be16(pp);
		plen = get_be16(pp + 2);
		padded = (plen + 7) / 8 * 8;
		if (plen < 4 || padded > props.left)
			return OFPERR_OFPBPC_BAD_LEN;
		rd_skip(&props, padded);
		if (type == OFPPSPT14_ETHERNET) {
			if (plen != 40)
				return OFPERR_OFPBPC_BAD_LEN;
			ps->rx_frame_errors = get_be64(pp + 8);
			ps->rx_over_errors = get_be64(pp + 16);
			ps->rx_crc_errors = get_be64(pp + 24);
			ps->collisions = get_be64(pp + 32);
		} else if (type == OFPPROP_EXPERIMENTER) {
			if (plen < 12)
				return OFPERR_OFPBPC_BAD_LEN;
			if (get_be32(pp + 4) != INTEL_VENDOR_ID)
				continue;
			uint32_t exp_type = get_be32(pp + 8);
			if (exp_type == INTEL_PORT_STATS_RFC2819) {
				if (plen != 184)
					return OFPERR_OFPBPC_BAD_LEN;
				for (int i = 0; i < 21; i++)
					ps->rfc2819[i] =
						get_be64(pp + 16 + 8 * i);
			} else if (exp_type == INTEL_PORT_STATS_CUSTOM) {
				if (plen < 16)
					return OFPERR_OFPBPC_BAD_LEN;
				free(ps->custom);
				parse_custom(pp, plen, padded, ps);
			} else {
				return OFPERR_OFPBPC_BAD_EXP_TYPE;
			}
		}
	}
	return 0;
}

int
ofp_pull_port_stats(const struct ofp_msg *m, struct ofp_reader *r,
		    struct ofp_port_stats *ps)
{
	const uint8_t *p;
	size_t need;

	memset(ps, 0xff, offsetof(struct ofp_port_stats, n_custom));
	ps->n_custom = 0;
	ps->custom = NULL;
	if (!r->left)
		return OFP_EOF;
	switch (m->raw) {
	case OFPRAW_OFPST14_PORT_REPLY:
		return pull_ofp14(r, ps);
	case OFPRAW_OFPST13_PORT_REPLY:
		need = 112;
		break;
	case OFPRAW_OFPST11_PORT_REPLY:
		need = 104;
		break;
	default:
		need = 104;
		break;
	}
	if (!rd_bytes(r, need, &p)) {
		ofp_warn("ofp_port",
			 "OFPST_PORT reply has %zu leftover bytes "
			 "at end",
			 r->left);
		return OFPERR_OFPBRC_BAD_LEN;
	}
	if (m->raw == OFPRAW_OFPST10_PORT_REPLY) {
		ps->port_no = get_be16(p);
		pull_counters(p + 8, ps, true);
		return 0;
	}
	enum ofperr e = port_from_ofp11(get_be32(p), &ps->port_no);
	if (e)
		return e;
	pull_counters(p + 8, ps, false);
	if (m->raw == OFPRAW_OFPST13_PORT_REPLY) {
		ps->duration_sec = get_be32(p + 104);
		ps->duration_nsec = get_be32(p + 108);
	}
	return 0;
}

size_t
ofp_count_port_stats(const struct ofp_msg *m)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);
	size_t n = 0;

	for (;;) {
		struct ofp_port_stats ps;
		int retval = ofp_pull_port_stats(m, &r, &ps);

		ofp_port_stats_uninit(&ps);
		if (retval)
			return n;
		n++;
	}
}

void
ofp_append_port_stats(struct ofpbuf *b, uint8_t version,
		      const struct ofp_port_stats *ps)
{
	const uint64_t c[] = {
		ps->rx_packets,	    ps->tx_packets,    ps->rx_bytes,
		ps->tx_bytes,	    ps->rx_dropped,    ps->tx_dropped,
		ps->rx_errors,	    ps->tx_errors,     ps->rx_frame_errors,
		ps->rx_over_errors, ps->rx_crc_errors, ps->collisions,
	};

	if (version >= OFP14_VERSION) {
		size_t start = b->size;

		ofpbuf_put_be16(b, 0);
		ofpbuf_put_zeros(b, 2);
		ofpbuf_put_be32(b, ofp_port_to_ofp11(ps->port_no));
		ofpbuf_put_be32(b, ps->duration_sec);
		ofpbuf_put_be32(b, ps->duration_nsec);
		for (int i = 0; i < 8; i++)
			ofpbuf_put_be64(b, c[i]);
		ofpbuf_put_be16(b, OFPPSPT14_ETHERNET);
		ofpbuf_put_be16(b, 40);
		ofpbuf_put_zeros(b, 4);
		for (int i = 8; i < 12; i++)
			ofpbuf_put_be64(b, c[i]);
		ofpbuf_put_be16(b, OFPPROP_EXPERIMENTER);
		ofpbuf_put_be16(b, 184);
		ofpbuf_put_be32(b, INTEL_VENDOR_ID);
		ofpbuf_put_be32(b, INTEL_PORT_STATS_RFC2819);
		ofpbuf_put_zeros(b, 4);
		for (int i = 0; i < 21; i++)
			ofpbuf_put_be64(b, ps->rfc2819[i]);
		ofpbuf_set_be16(b, start, (uint16_t)(b->size - start));
		return;
	}
	if (version == OFP10_VERSION) {
		ofpbuf_put_be16(b, (uint16_t)ps->port_no);
		ofpbuf_put_zeros(b, 6);
	} else {
		ofpbuf_put_be32(b, ofp_port_to_ofp11(ps->port_no));
		ofpbuf_put_zeros(b, 4);
	}
	for (size_t i = 0; i < ARRAY_SIZE(c); i++)
		ofpbuf_put_be64(b, c[i]);
	if (version == OFP13_VERSION) {
		ofpbuf_put_be32(b, ps->duration_sec);
		ofpbuf_put_be32(b, ps->duration_nsec);
	}
}

static void
print_stat(struct ds *s, const char *leader, uint64_t v, bool more)
{
	ds_put(s, leader);
	if (v != UINT64_MAX)
		ds_printf(s, "%llu", (unsigned long long)v);
	else
		ds_put_char(s, '?');
	ds_put(s, more ? ", " : "\n");
}

static void
print_cond(struct ds *s, const char *leader, uint64_t v)
{
	if (v != UINT64_MAX)
		ds_printf(s, "%s%llu, ", leader, (unsigned long long)v);
}

void
ofp_port_stats_format(struct ds *s, const struct ofp_port_stats *ps,
		      const struct ofp_port_map *ports)
{
	static const char *const sizes[] = {
		"1_to_64_packets=",	"65_to_127_packets=",
		"128_to_255_packets=",	"256_to_511_packets=",
		"512_to_1023_packets=", "1024_to_1522_packets=",
		"1523_to_max_packets=",
	};
	const uint64_t *x = ps->rfc2819;
	struct ds ext = DS_EMPTY;

	ds_put(s, "  port ");
	if ((uint16_t)ps->port_no < 10)
		ds_put_char(s, ' ');
	ofp_port_format(s, ps->port_no, ports);
	ds_put(s, ": rx ");
	print_stat(s, "pkts=", ps->rx_packets, true);
	print_stat(s, "bytes=", ps->rx_bytes, true);
	print_stat(s, "drop=", ps->rx_dropped, true);
	print_stat(s, "errs=", ps->rx_errors, true);
	print_stat(s, "frame=", ps->rx_frame_errors, true);
	print_stat(s, "over=", ps->rx_over_errors, true);
	print_stat(s, "crc=", ps->rx_crc_errors, false);
	ds_put(s, "           tx ");
	print_stat(s, "pkts=", ps->tx_packets, true);
	print_stat(s, "bytes=", ps->tx_bytes, true);
	print_stat(s, "drop=", ps->tx_dropped, true);
	print_stat(s, "errs=", ps->tx_errors, true);
	print_stat(s, "coll=", ps->collisions, false);
	if (ps->duration_sec != UINT32_MAX) {
		ds_put(s, "           duration=");
		ofp_format_duration(s, ps->duration_sec, ps->duration_nsec);
		ds_put_char(s, '\n');
	}

	for (int i = 0; i < 7; i++)
		print_cond(&ext, sizes[i], x[i]);
	print_cond(&ext, "broadcast_packets=", x[15]);
	print_cond(&ext, "undersized_errors=", x[17]);
	print_cond(&ext, "oversize_errors=", x[18]);
	print_cond(&ext, "rx_fragmented_errors=", x[19]);
	print_cond(&ext, "rx_jabber_errors=", x[20]);
	if (ext.len) {
		ds_printf(s, "           rx rfc2819 %s\n", ds_cstr(&ext));
		ds_clear(&ext);
	}
	for (int i = 0; i < 7; i++)
		print_cond(&ext, sizes[i], x[7 + i]);
	print_cond(&ext, "multicast_packets=", x[14]);
	print_cond(&ext, "broadcast_packets=", x[16]);
	if (ext.len)
		ds_printf(s, "           tx rfc2819 %s\n", ds_cstr(&ext));
	ds_free(&ext);

	if (ps->n_custom) {
		ds_put(s, "           CUSTOM Statistics");
		for (size_t i = 0; i < ps->n_custom; i++) {
			if (!ps->custom[i].name[0])
				continue;
			if (i % 3 == 0)
				ds_put(s, "\n                      ");
			else
				ds_put_char(s, ' ');
			ds_printf(s, "%s=%llu,", ps->custom[i].name,
				  (unsigned long long)ps->custom[i].value);
		}
		ds_put_char(s, '\n');
	}
}
