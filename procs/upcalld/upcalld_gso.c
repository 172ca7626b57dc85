/* SPDX-License-Identifier: Apache-2.0 */
/*
 * upcalld_gso: TCP segmentation in software, for a large segment (GSO,
 * as veth and tap hand them with a vnet header) that must leave by a port
 * which cannot take one.  Each segment gets its own IP length, IPv4 id and
 * header checksum, TCP sequence number, flags (FIN and PSH on the last,
 * CWR on the first) and a full TCP checksum.
 */
#include "upcalld.h"

#include <netinet/in.h>
#include <string.h>

#include "coverage.h"

COVERAGE_DEFINE(gso_segments);
COVERAGE_DEFINE(gso_unsupported);

/* The full TCP checksum of the segment whose IP header is at @ip. */
static void
tcp_csum(uint8_t *ip, uint8_t *tcp, size_t tcp_len, bool v6)
{
	uint32_t sum = IPPROTO_TCP + (uint32_t)tcp_len;

	sum = v6 ? flow_csum_add(ip + 8, 32, sum)
		 : flow_csum_add(ip + 12, 8, sum);
	flow_put16(tcp + 16, 0);
	flow_put16(tcp + 16, flow_csum_fold(flow_csum_add(tcp, tcp_len, sum)));
}

size_t
dp_gso_segment(struct dp_packet *p, void (*emit)(void *aux, struct dp_packet *),
	       void *aux)
{
	uint8_t *ip = dp_packet_l3(p), *tcp = dp_packet_l4(p);
	bool v6 = p->offload.gso_type == MVS_GSO_TCPV6;
	size_t n = 0;

	if ((p->offload.gso_type != MVS_GSO_TCPV4 && !v6) || !ip || !tcp ||
	    tcp + 20 > p->data + p->len || !p->offload.gso_size) {
		coverage_inc(gso_unsupported);
		dp_packet_free(p);
		return 0;
	}
	size_t hdr = (size_t)(tcp - p->data) + (size_t)(tcp[12] >> 4) * 4;
	size_t mss = p->offload.gso_size;
	if (hdr > p->len) {
		coverage_inc(gso_unsupported);
		dp_packet_free(p);
		return 0;
	}
	uint32_t seq =
		(uint32_t)flow_get16(tcp + 4) << 16 | flow_get16(tcp + 6);
	uint16_t id = flow_get16(ip + 4), flags = flow_get16(tcp + 12);
	size_t l3 = (size_t)(ip - p->data), l4 = (size_t)(tcp - p->data);

	for (size_t off = hdr; off < p->len; off += mss, n++) {
		size_t chunk = p->len - off < mss ? p->len - off : mss;
		bool last = off + chunk == p->len;
		struct dp_packet *s = dp_packet_new(hdr + chunk);
		uint8_t *sip = s->data + l3, *stcp = s->data + l4;

		memcpy(s->data, p->data, hdr);
		memcpy(s->data + hdr, p->data + off, chunk);
		s->len = (uint32_t)(hdr + chunk);
		s->l3_ofs = p->l3_ofs;
		s->l4_ofs = p->l4_ofs;
		s->in_port = p->in_port;
		if (v6) {
			flow_put16(sip + 4, (uint16_t)(s->len - l3 - 40));
		} else {
			flow_put16(sip + 2, (uint16_t)(s->len - l3));
			flow_put16(sip + 4, (uint16_t)(id + n));
			flow_put16(sip + 10, 0);
			flow_put16(sip + 10, flow_csum_fold(flow_csum_add(
						     sip, l4 - l3, 0)));
		}
		uint32_t sq = seq + (uint32_t)(off - hdr);
		flow_put16(stcp + 4, (uint16_t)(sq >> 16));
		flow_put16(stcp + 6, (uint16_t)sq);
		uint16_t f = flags;
		if (!last)
			f &= (uint16_t) ~(0x001 | 0x008); /* FIN, PSH */
		if (n)
			f &= (uint16_t)~0x080; /* CWR */
		flow_put16(stcp + 12, f);
		tcp_csum(sip, stcp, s->len - l4, v6);
		s->offload.flags = MVS_OFFLOAD_F_DATA_VALID;
		emit(aux, s);
	}
	coverage_add(gso_segments, n);
	dp_packet_free(p);
	return n;
}
