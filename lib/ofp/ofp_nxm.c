/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_nxm: the NXM/OXM header of each field, the match encoder (fields in
 * Open vSwitch's order) and the strict match decoder.
 */
#include "ofp_nxm.h"

#include <string.h>

#include "ofp_msg.h"

#define NXM_OF 0x0000
#define NXM_NX 0x0001
#define OXM_BASIC 0x8000
#define OXM_PKT_REGS 0x8001
#define OXM_EXPERIMENTER 0xffff

/* One header a field travels under: NXM rows (version 0) first, then
 * OXM rows from the version that introduced them. */
struct nxm_row {
	enum ofp_field_id id;
	uint16_t class;
	uint8_t field;
	uint8_t version;
	uint32_t vendor;
	const char *name;
};

/* clang-format off */
#define NX(ID, CLASS, FIELD, NAME) { ID, CLASS, FIELD, 0, 0, NAME }
#define OX(ID, FIELD, V, NAME) { ID, OXM_BASIC, FIELD, V, 0, NAME }
#define REG(N) NX(MFF_REG0 + N, NXM_NX, N, "NXM_NX_REG" #N)
#define XREG(N) { MFF_XREG0 + N, OXM_PKT_REGS, N, 4, 0, "OXM_OF_PKT_REG" #N }
static const struct nxm_row rows[] = {
	NX(MFF_TUN_ID, NXM_NX, 16, "NXM_NX_TUN_ID"),
	OX(MFF_TUN_ID, 38, 4, "OXM_OF_TUNNEL_ID"),
	NX(MFF_TUN_SRC, NXM_NX, 31, "NXM_NX_TUN_IPV4_SRC"),
	NX(MFF_TUN_DST, NXM_NX, 32, "NXM_NX_TUN_IPV4_DST"),
	NX(MFF_TUN_FLAGS, NXM_NX, 104, "NXM_NX_TUN_FLAGS"),
	NX(MFF_TUN_IPV6_SRC, NXM_NX, 109, "NXM_NX_TUN_IPV6_SRC"),
	NX(MFF_TUN_IPV6_DST, NXM_NX, 110, "NXM_NX_TUN_IPV6_DST"),
	OX(MFF_METADATA, 2, 3, "OXM_OF_METADATA"),
	NX(MFF_IN_PORT, NXM_OF, 0, "NXM_OF_IN_PORT"),
	OX(MFF_IN_PORT_OXM, 0, 3, "OXM_OF_IN_PORT"),
	NX(MFF_PKT_MARK, NXM_NX, 33, "NXM_NX_PKT_MARK"),
	REG(0), REG(1), REG(2), REG(3), REG(4), REG(5), REG(6), REG(7),
	REG(8), REG(9), REG(10), REG(11), REG(12), REG(13), REG(14), REG(15),
	XREG(0), XREG(1), XREG(2), XREG(3), XREG(4), XREG(5), XREG(6), XREG(7),
	NX(MFF_ETH_SRC, NXM_OF, 2, "NXM_OF_ETH_SRC"),
	OX(MFF_ETH_SRC, 4, 3, "OXM_OF_ETH_SRC"),
	NX(MFF_ETH_DST, NXM_OF, 1, "NXM_OF_ETH_DST"),
	OX(MFF_ETH_DST, 3, 3, "OXM_OF_ETH_DST"),
	NX(MFF_ETH_TYPE, NXM_OF, 3, "NXM_OF_ETH_TYPE"),
	OX(MFF_ETH_TYPE, 5, 3, "OXM_OF_ETH_TYPE"),
	NX(MFF_VLAN_TCI, NXM_OF, 4, "NXM_OF_VLAN_TCI"),
	OX(MFF_VLAN_VID, 6, 3, "OXM_OF_VLAN_VID"),
	OX(MFF_VLAN_PCP, 7, 3, "OXM_OF_VLAN_PCP"),
	NX(MFF_IPV4_SRC, NXM_OF, 7, "NXM_OF_IP_SRC"),
	OX(MFF_IPV4_SRC, 11, 3, "OXM_OF_IPV4_SRC"),
	NX(MFF_IPV4_DST, NXM_OF, 8, "NXM_OF_IP_DST"),
	OX(MFF_IPV4_DST, 12, 3, "OXM_OF_IPV4_DST"),
	NX(MFF_IPV6_SRC, NXM_NX, 19, "NXM_NX_IPV6_SRC"),
	OX(MFF_IPV6_SRC, 26, 3, "OXM_OF_IPV6_SRC"),
	NX(MFF_IPV6_DST, NXM_NX, 20, "NXM_NX_IPV6_DST"),
	OX(MFF_IPV6_DST, 27, 3, "OXM_OF_IPV6_DST"),
	NX(MFF_IPV6_LABEL, NXM_NX, 27, "NXM_NX_IPV6_LABEL"),
	OX(MFF_IPV6_LABEL, 28, 3, "OXM_OF_IPV6_FLABEL"),
	NX(MFF_IP_PROTO, NXM_OF, 6, "NXM_OF_IP_PROTO"),
	OX(MFF_IP_PROTO, 10, 3, "OXM_OF_IP_PROTO"),
	NX(MFF_IP_DSCP, NXM_OF, 5, "NXM_OF_IP_TOS"),
	OX(MFF_IP_DSCP_SHIFTED, 8, 3, "OXM_OF_IP_DSCP"),
	NX(MFF_IP_ECN, NXM_NX, 28, "NXM_NX_IP_ECN"),
	OX(MFF_IP_ECN, 9, 3, "OXM_OF_IP_ECN"),
	NX(MFF_IP_TTL, NXM_NX, 29, "NXM_NX_IP_TTL"),
	NX(MFF_IP_FRAG, NXM_NX, 26, "NXM_NX_IP_FRAG"),
	NX(MFF_ARP_OP, NXM_OF, 15, "NXM_OF_ARP_OP"),
	OX(MFF_ARP_OP, 21, 3, "OXM_OF_ARP_OP"),
	NX(MFF_ARP_SPA, NXM_OF, 16, "NXM_OF_ARP_SPA"),
	OX(MFF_ARP_SPA, 22, 3, "OXM_OF_ARP_SPA"),
	NX(MFF_ARP_TPA, NXM_OF, 17, "NXM_OF_ARP_TPA"),
	OX(MFF_ARP_TPA, 23, 3, "OXM_OF_ARP_TPA"),
	NX(MFF_ARP_SHA, NXM_NX, 17, "NXM_NX_ARP_SHA"),
	OX(MFF_ARP_SHA, 24, 3, "OXM_OF_ARP_SHA"),
	NX(MFF_ARP_THA, NXM_NX, 18, "NXM_NX_ARP_THA"),
	OX(MFF_ARP_THA, 25, 3, "OXM_OF_ARP_THA"),
	NX(MFF_TCP_SRC, NXM_OF, 9, "NXM_OF_TCP_SRC"),
	OX(MFF_TCP_SRC, 13, 3, "OXM_OF_TCP_SRC"),
	NX(MFF_TCP_DST, NXM_OF, 10, "NXM_OF_TCP_DST"),
	OX(MFF_TCP_DST, 14, 3, "OXM_OF_TCP_DST"),
	NX(MFF_TCP_FLAGS, NXM_NX, 34, "NXM_NX_TCP_FLAGS"),
	{ MFF_TCP_FLAGS, OXM_EXPERIMENTER, 42, 4, ONF_VENDOR_ID,
	  "ONFOXM_ET_TCP_FLAGS" },
	OX(MFF_TCP_FLAGS, 42, 6, "OXM_OF_TCP_FLAGS"),
	NX(MFF_UDP_SRC, NXM_OF, 11, "NXM_OF_UDP_SRC"),
	OX(MFF_UDP_SRC, 15, 3, "OXM_OF_UDP_SRC"),
	NX(MFF_UDP_DST, NXM_OF, 12, "NXM_OF_UDP_DST"),
	OX(MFF_UDP_DST, 16, 3, "OXM_OF_UDP_DST"),
	OX(MFF_SCTP_SRC, 17, 3, "OXM_OF_SCTP_SRC"),
	OX(MFF_SCTP_DST, 18, 3, "OXM_OF_SCTP_DST"),
	NX(MFF_ICMPV4_TYPE, NXM_OF, 13, "NXM_OF_ICMP_TYPE"),
	OX(MFF_ICMPV4_TYPE, 19, 3, "OXM_OF_ICMPV4_TYPE"),
	NX(MFF_ICMPV4_CODE, NXM_OF, 14, "NXM_OF_ICMP_CODE"),
	OX(MFF_ICMPV4_CODE, 20, 3, "OXM_OF_ICMPV4_CODE"),
	NX(MFF_ICMPV6_TYPE, NXM_NX, 21, "NXM_NX_ICMPV6_TYPE"),
	OX(MFF_ICMPV6_TYPE, 29, 3, "OXM_OF_ICMPV6_TYPE"),
	NX(MFF_ICMPV6_CODE, NXM_NX, 22, "NXM_NX_ICMPV6_CODE"),
	OX(MFF_ICMPV6_CODE, 30, 3, "OXM_OF_ICMPV6_CODE"),
	NX(MFF_ND_TARGET, NXM_NX, 23, "NXM_NX_ND_TARGET"),
	OX(MFF_ND_TARGET, 31, 3, "OXM_OF_IPV6_ND_TARGET"),
	NX(MFF_ND_SLL, NXM_NX, 24, "NXM_NX_ND_SLL"),
	OX(MFF_ND_SLL, 32, 3, "OXM_OF_IPV6_ND_SLL"),
	NX(MFF_ND_TLL, NXM_NX, 25, "NXM_NX_ND_TLL"),
	OX(MFF_ND_TLL, 33, 3, "OXM_OF_IPV6_ND_TLL"),
#define TMD(N) NX(MFF_TUN_METADATA0 + N, NXM_NX, 40 + N, "NXM_NX_TUN_METADATA" #N)
	TMD(0), TMD(1), TMD(2), TMD(3), TMD(4), TMD(5), TMD(6), TMD(7),
#undef TMD
};
/* clang-format on */

#define NXM_COOKIE_FIELD 30
#define TUN_MD_WIRE_MAX 124 /* Open vSwitch's tun_metadata width */
			    /* NXM_NX_COOKIE: flow-mods and stats only */

static uint64_t
make_header(uint16_t class, uint8_t field, bool masked, unsigned len,
	    uint32_t vendor)
{
	return (uint64_t) class << 48 | (uint64_t)field << 41 |
	       (uint64_t)masked << 40 | (uint64_t)(len & 0xff) << 32 | vendor;
}

static unsigned
hdr_class(uint64_t h)
{
	return (unsigned)(h >> 48);
}

static unsigned
hdr_field(uint64_t h)
{
	return (unsigned)(h >> 41) & 0x7f;
}

static bool
hdr_masked(uint64_t h)
{
	return (h >> 40) & 1;
}

static unsigned
hdr_length(uint64_t h)
{
	return (unsigned)(h >> 32) & 0xff;
}

static unsigned
hdr_exp_len(uint64_t h)
{
	return hdr_class(h) == OXM_EXPERIMENTER ? 4 : 0;
}

/* The row @version prefers for @id: the first, replaced by any later
 * one that @version has. */
static const struct nxm_row *
row_for(enum ofp_field_id id, uint8_t version)
{
	const struct nxm_row *best = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		if (rows[i].id == id && (!best || version >= rows[i].version))
			best = &rows[i];
	return best;
}

const char *
nxm_field_name(enum ofp_field_id id)
{
	const struct nxm_row *r = row_for(id, 0);
	return r ? r->name : NULL;
}

bool
nxm_field_has_header(enum ofp_field_id id)
{
	return row_for(id, 0) != NULL;
}

const struct ofp_field *
nxm_field_from_name(const char *name, size_t len, bool *masked)
{
	*masked = false;
	if (len > 2 && !strncmp(name + len - 2, "_W", 2)) {
		*masked = true;
		len -= 2;
	}
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		if (strlen(rows[i].name) == len &&
		    !strncmp(rows[i].name, name, len))
			return ofp_field_get(rows[i].id);
	*masked = false;
	return NULL;
}

uint64_t
nxm_header(enum ofp_field_id id, uint8_t version, bool masked)
{
	const struct nxm_row *r = row_for(id, version);
	unsigned n = ofp_field_get(id)->n_bytes * (masked ? 2 : 1);

	if (!r)
		return 0;
	return make_header(r->class, r->field, masked, n + (r->vendor ? 4 : 0),
			   r->vendor);
}

static void
put_header64(struct ofpbuf *b, uint64_t h)
{
	ofpbuf_put_be32(b, (uint32_t)(h >> 32));
	if (hdr_class(h) == OXM_EXPERIMENTER)
		ofpbuf_put_be32(b, (uint32_t)h);
}

void
nxm_put_header(struct ofpbuf *b, enum ofp_field_id id, uint8_t version,
	       bool masked)
{
	put_header64(b, nxm_header(id, version, masked));
}

/* A tun_metadata entry in as many bytes as its value or mask has from
 * the first non-zero one (at least one), as Open vSwitch's ovs-ofctl
 * sends it: a switch then places it in the option's mapped length. */
static void
put_tun_md(struct ofpbuf *b, enum ofp_field_id id, uint8_t version,
	   const uint8_t *value, const uint8_t *mask)
{
	const struct nxm_row *r = row_for(id, version);
	unsigned n = ofp_field_get(id)->n_bytes;
	unsigned len = ofp_value_sig_len(value, n);

	if (mask && ofp_value_sig_len(mask, n) > len)
		len = ofp_value_sig_len(mask, n);
	if (!len)
		len = 1;
	put_header64(b, make_header(r->class, r->field, mask != NULL,
				    mask ? 2 * len : len, 0));
	ofpbuf_put(b, value + n - len, len);
	if (mask)
		ofpbuf_put(b, mask + n - len, len);
}

void
nxm_put_entry(struct ofpbuf *b, enum ofp_field_id id, uint8_t version,
	      const void *value, const void *mask)
{
	unsigned n = ofp_field_get(id)->n_bytes;

	if (ofp_field_is_tun_md(id)) {
		put_tun_md(b, id, version, value, mask);
		return;
	}
	nxm_put_header(b, id, version, mask != NULL);
	ofpbuf_put(b, value, n);
	if (mask)
		ofpbuf_put(b, mask, n);
}

/* ---- decoding entries ---- */

static const struct ofp_field *
field_by_header(uint64_t h)
{
	unsigned len = hdr_length(h) - hdr_exp_len(h);

	if (hdr_masked(h))
		len /= 2;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct nxm_row *r = &rows[i];
		if (r->class == hdr_class(h) && r->field == hdr_field(h) &&
		    (r->class != OXM_EXPERIMENTER ||
		     r->vendor == (uint32_t)h)) {
			const struct ofp_field *f = ofp_field_get(r->id);
			if (ofp_field_is_tun_md(f->id))
				return len <= TUN_MD_WIRE_MAX ? f : NULL;
			return f->n_bytes == len ? f : NULL;
		}
	}
	return NULL;
}

static enum ofperr
pull_header64(struct ofp_reader *r, uint64_t *h)
{
	uint32_t hi, lo = 0;

	if (r->left < 4)
		return OFPERR_OFPBMC_BAD_LEN;
	hi = get_be32(r->p);
	if ((hi >> 16) == OXM_EXPERIMENTER) {
		if (r->left < 8)
			return OFPERR_OFPBMC_BAD_LEN;
		lo = get_be32(r->p + 4);
	}
	*h = (uint64_t)hi << 32 | lo;
	if (hdr_length(*h) < hdr_exp_len(*h)) {
		ofp_warn("nx_match",
			 "OXM header %#x:%u:%u:%d:%u has invalid length %u "
			 "(minimum is %u)",
			 (uint32_t)*h, hdr_class(*h), hdr_field(*h),
			 hdr_masked(*h), hdr_length(*h), hdr_length(*h),
			 4 + hdr_exp_len(*h));
		return OFPERR_OFPBMC_BAD_LEN;
	}
	rd_skip(r, 4 + hdr_exp_len(*h));
	return 0;
}

enum ofperr
nxm_pull_header(struct ofp_reader *r, const struct ofp_field **f, bool *masked)
{
	uint64_t h;
	enum ofperr e = pull_header64(r, &h);

	*f = NULL;
	if (e)
		return e;
	*f = field_by_header(h);
	if (!*f)
		return OFPERR_OFPBMC_BAD_FIELD;
	if (masked)
		*masked = hdr_masked(h);
	else if (hdr_masked(h))
		return OFPERR_OFPBMC_BAD_MASK;
	return 0;
}

/* A tun_metadata value of @width bytes (Open vSwitch's are variable, up
 * to 124), right-aligned in the field's 8: a longer one with a non-zero
 * byte beyond them does not fit. */
static enum ofperr
pull_tun_md(const struct ofp_field *f, const uint8_t *p, unsigned width,
	    bool masked, union ofp_value *value, union ofp_value *mask)
{
	unsigned n = f->n_bytes, skip = width > n ? width - n : 0;

	if (!ofp_is_zero(p, skip) || (masked && !ofp_is_zero(p + width, skip)))
		return OFPERR_OFPBMC_BAD_VALUE;
	memset(value, 0, n);
	memcpy(value->bytes + n - (width - skip), p + skip, width - skip);
	if (masked) {
		memset(mask, 0, n);
		memcpy(mask->bytes + n - (width - skip), p + width + skip,
		       width - skip);
	}
	return 0;
}

/* Pulls an entry; *@h gets its header, *@f its field (NULL if unknown,
 * which is reported as OFPBMC_BAD_FIELD after the payload is consumed,
 * so that a loose decoder can skip it). */
static enum ofperr
pull_entry(struct ofp_reader *r, uint64_t *h, const struct ofp_field **f,
	   union ofp_value *value, union ofp_value *mask)
{
	unsigned payload, width;
	const uint8_t *p;
	enum ofperr e = pull_header64(r, h);

	*f = NULL;
	if (e)
		return e;
	*f = field_by_header(*h);
	payload = hdr_length(*h) - hdr_exp_len(*h);
	if (!rd_bytes(r, payload, &p))
		return OFPERR_OFPBMC_BAD_LEN;
	width = hdr_masked(*h) ? payload / 2 : payload;
	if (hdr_masked(*h))
		for (unsigned i = 0; i < width; i++)
			if (p[i] & ~p[width + i])
				return OFPERR_OFPBMC_BAD_WILDCARDS;
	memset(value, 0, sizeof *value);
	memset(mask, 0xff, sizeof *mask);
	if (*f && ofp_field_is_tun_md((*f)->id))
		return pull_tun_md(*f, p, width, hdr_masked(*h), value, mask);
	if (width > sizeof value->bytes)
		width = sizeof value->bytes;
	memcpy(value->bytes, p, width);
	if (hdr_masked(*h))
		memcpy(mask->bytes, p + payload / 2, width);
	if (!*f)
		return OFPERR_OFPBMC_BAD_FIELD;
	return 0;
}

static bool
all_ones(const union ofp_value *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (v->bytes[i] != 0xff)
			return false;
	return true;
}

enum ofperr
nxm_pull_entry(struct ofp_reader *r, const struct ofp_field **f,
	       union ofp_value *value, union ofp_value *mask)
{
	union ofp_value m;
	uint64_t h;
	enum ofperr e = pull_entry(r, &h, f, value, &m);

	if (e)
		return e;
	if (mask)
		*mask = m;
	else if (hdr_masked(h))
		return OFPERR_OFPBMC_BAD_MASK;
	return 0;
}

bool
ofp_field_value_valid(const struct ofp_field *f, const union ofp_value *v)
{
	uint32_t port;

	switch (f->id) {
	case MFF_IN_PORT_OXM:
		return ofp_port_from_ofp11(ntohl(v->be32), &port);
	case MFF_IP_DSCP:
		return !(v->u8 & ~IP_DSCP_MASK);
	case MFF_IP_DSCP_SHIFTED:
		return !(v->u8 & ~(IP_DSCP_MASK >> 2));
	case MFF_IP_ECN:
		return !(v->u8 & ~IP_ECN_MASK);
	case MFF_IP_FRAG:
		return !(v->u8 & ~(MVS_FRAG_ANY | MVS_FRAG_LATER));
	case MFF_TCP_FLAGS:
		return !(v->be16 & ~htons(0x0fff));
	case MFF_TUN_FLAGS:
		return !(v->be16 & ~htons(OFP_TNL_OAM));
	case MFF_ARP_OP:
		return !(v->be16 & htons(0xff00));
	case MFF_DL_VLAN:
		return !(v->be16 & htons(MVS_VLAN_PRESENT | MVS_VLAN_PCP_MASK));
	case MFF_VLAN_VID:
		return !(v->be16 & htons(MVS_VLAN_PCP_MASK));
	case MFF_DL_VLAN_PCP:
	case MFF_VLAN_PCP:
		return !(v->u8 & ~7);
	case MFF_IPV6_LABEL:
		return !(v->be32 & ~htonl(0xfffff));
	default:
		return true;
	}
}

bool
ofp_field_match_prereqs_ok(const struct ofp_field *f, const struct match *m)
{
	/* The flow alone: the match is canonical, so a prerequisite's value
	 * is there only if it is matched (Open vSwitch's
	 * mf_are_match_prereqs_ok). */
	return ofp_field_prereqs_ok(f, &m->flow);
}

/* OpenFlow 1.5's packet_type (OXM basic field 44, 4 bytes, no mask),
 * which Open vSwitch puts in flow stats of flows that match on
 * Ethernet-only fields. */
static bool
is_packet_type(uint64_t h)
{
	return hdr_class(h) == 0x8000 && hdr_field(h) == 44 && !hdr_masked(h) &&
	       hdr_length(h) == 4;
}

/* Decodes @len bytes of entries into @m. */
static enum ofperr
pull_raw(const uint8_t *p, size_t len, bool strict, struct match *m,
	 uint64_t *cookie, uint64_t *cookie_mask)
{
	struct ofp_reader r = ofp_reader_init(p, len);

	match_init_catchall(m);
	if (cookie)
		*cookie = *cookie_mask = 0;
	while (r.left) {
		const struct ofp_field *f;
		union ofp_value v, mask;
		uint64_t h;
		enum ofperr e = pull_entry(&r, &h, &f, &v, &mask);

		if (e == OFPERR_OFPBMC_BAD_FIELD && cookie &&
		    hdr_class(h) == NXM_NX &&
		    hdr_field(h) == NXM_COOKIE_FIELD &&
		    hdr_length(h) == (hdr_masked(h) ? 16u : 8u)) {
			if (*cookie_mask)
				return OFPERR_OFPBMC_DUP_FIELD;
			*cookie = get_be64(v.bytes);
			*cookie_mask = get_be64(mask.bytes);
			continue;
		}
		if (e == OFPERR_OFPBMC_BAD_FIELD && is_packet_type(h)) {
			/* Only Ethernet frames, Open vSwitch's default
			 * packet type (0,0), which adds nothing to @m. */
			if (get_be32(v.bytes))
				return OFPERR_OFPBMC_BAD_VALUE;
			continue;
		}
		if (e == OFPERR_OFPBMC_BAD_FIELD && !strict)
			continue;
		if (e)
			return e;
		if (!f->maskable && !all_ones(&mask, f->n_bytes) &&
		    !ofp_is_zero(mask.bytes, f->n_bytes))
			return OFPERR_OFPBMC_BAD_MASK;
		if (!ofp_field_value_valid(f, &v))
			return OFPERR_OFPBMC_BAD_VALUE;
		if (strict && !ofp_field_match_prereqs_ok(f, m))
			return OFPERR_OFPBMC_BAD_PREREQ;
		if (ofp_field_is_set(f, &m->mask))
			return OFPERR_OFPBMC_DUP_FIELD;
		ofp_field_set_match(f, &v, &mask, m);
	}
	return 0;
}

enum ofperr
nx_pull_match(struct ofp_reader *r, size_t match_len, bool strict,
	      struct match *m, uint64_t *cookie, uint64_t *cookie_mask)
{
	const uint8_t *p = NULL;

	if (match_len && !rd_bytes(r, (match_len + 7) / 8 * 8, &p))
		return OFPERR_OFPBMC_BAD_LEN;
	return pull_raw(p, match_len, strict, m, cookie, cookie_mask);
}

enum ofperr
oxm_pull_match(struct ofp_reader *r, bool strict, struct match *m)
{
	uint16_t type, len;
	const uint8_t *p;

	if (r->left < 4)
		return OFPERR_OFPBMC_BAD_LEN;
	type = get_be16(r->p);
	len = get_be16(r->p + 2);
	if (len < 4)
		return OFPERR_OFPBMC_BAD_LEN;
	if (type != OFPMT_OXM)
		return OFPERR_OFPBMC_BAD_TYPE;
	if (!rd_bytes(r, (len + 7u) / 8 * 8, &p))
		return OFPERR_OFPBMC_BAD_LEN;
	return pull_raw(p + 4, len - 4, strict, m, NULL, NULL);
}

enum ofperr
oxm_decode_raw(const uint8_t *p, size_t len, bool strict, struct match *m)
{
	return pull_raw(p, len, strict, m, NULL, NULL);
}

/* ---- encoding a match ---- */

/* Puts @id's value and mask from @m: nothing if the mask is zero, exact
 * if it is all ones, else masked (the value already masked). */
static void
put_field(struct ofpbuf *b, const struct match *m, enum ofp_field_id id,
	  uint8_t version)
{
	const struct ofp_field *f = ofp_field_get(id);
	union ofp_value v, mask;

	if (!ofp_field_is_set(f, &m->mask))
		return;
	ofp_field_get_value(f, &m->mask, &mask);
	ofp_field_get_value(f, &m->flow, &v);
	nxm_put_entry(b, id, version, v.bytes,
		      all_ones(&mask, f->n_bytes) ? NULL : mask.bytes);
}

/* Puts @id exact with value @v (a field set whatever its mask says). */
static void
put_exact(struct ofpbuf *b, enum ofp_field_id id, uint8_t version,
	  const struct match *m)
{
	const struct ofp_field *f = ofp_field_get(id);
	union ofp_value v;

	ofp_field_get_value(f, &m->flow, &v);
	nxm_put_entry(b, id, version, v.bytes, NULL);
}

static void
put_ip(struct ofpbuf *b, const struct match *m, uint8_t version)
{
	const struct mvs_key_hdr *h = &m->flow.hdr, *mh = &m->mask.hdr;
	uint8_t frag_mask = mh->nw_frag & (MVS_FRAG_ANY | MVS_FRAG_LATER);

	if (flow_is_ip(&m->flow)) {
		put_field(b, m, MFF_IPV4_SRC, version);
		put_field(b, m, MFF_IPV4_DST, version);
	} else {
		put_field(b, m, MFF_IPV6_SRC, version);
		put_field(b, m, MFF_IPV6_DST, version);
	}
	if (frag_mask) {
		uint8_t v = h->nw_frag & frag_mask;
		uint8_t fm = frag_mask == (MVS_FRAG_ANY | MVS_FRAG_LATER)
				     ? 0xff
				     : frag_mask;
		nxm_put_entry(b, MFF_IP_FRAG, version, &v,
			      fm == 0xff ? NULL : &fm);
	}
	if (mh->nw_tos & IP_DSCP_MASK) {
		uint8_t v = version ? (uint8_t)(h->nw_tos >> 2)
				    : (uint8_t)(h->nw_tos & IP_DSCP_MASK);
		nxm_put_entry(b, version ? MFF_IP_DSCP_SHIFTED : MFF_IP_DSCP,
			      version, &v, NULL);
	}
	if (mh->nw_tos & IP_ECN_MASK) {
		uint8_t v = h->nw_tos & IP_ECN_MASK;
		nxm_put_entry(b, MFF_IP_ECN, version, &v, NULL);
	}
	if (mh->nw_ttl)
		put_exact(b, MFF_IP_TTL, version, m);
	put_field(b, m, MFF_IPV6_LABEL, version);
	if (!mh->nw_proto)
		return;
	put_exact(b, MFF_IP_PROTO, version, m);
	switch (h->nw_proto) {
	case IPPROTO_TCP_:
		put_field(b, m, MFF_TCP_SRC, version);
		put_field(b, m, MFF_TCP_DST, version);
		put_field(b, m, MFF_TCP_FLAGS, version);
		break;
	case IPPROTO_UDP_:
		put_field(b, m, MFF_UDP_SRC, version);
		put_field(b, m, MFF_UDP_DST, version);
		break;
	case IPPROTO_SCTP_:
		put_field(b, m, MFF_SCTP_SRC, version);
		put_field(b, m, MFF_SCTP_DST, version);
		break;
	case IPPROTO_ICMP_:
		if (!flow_is_ip(&m->flow))
			break;
		if (mh->tp_src)
			put_exact(b, MFF_ICMPV4_TYPE, version, m);
		if (mh->tp_dst)
			put_exact(b, MFF_ICMPV4_CODE, version, m);
		break;
	case IPPROTO_ICMPV6_:
		if (!flow_is_ipv6(&m->flow))
			break;
		if (mh->tp_src)
			put_exact(b, MFF_ICMPV6_TYPE, version, m);
		if (mh->tp_dst)
			put_exact(b, MFF_ICMPV6_CODE, version, m);
		if ((h->tp_src == htons(135) || h->tp_src == htons(136)) &&
		    !h->tp_dst) {
			put_field(b, m, MFF_ND_TARGET, version);
			if (h->tp_src == htons(135))
				put_field(b, m, MFF_ND_SLL, version);
			else
				put_field(b, m, MFF_ND_TLL, version);
		}
		break;
	}
}

static void
put_raw(struct ofpbuf *b, const struct match *m, uint8_t version,
	uint64_t cookie, uint64_t cookie_mask)
{
	const struct flow *fl = &m->flow, *w = &m->mask;
	uint16_t type = ntohs(fl->hdr.eth_type);
	size_t start = b->size, l2_start;

	if (w->in_port)
		put_exact(b, version ? MFF_IN_PORT_OXM : MFF_IN_PORT, version,
			  m);
	l2_start = b->size;
	put_field(b, m, MFF_ETH_SRC, version);
	put_field(b, m, MFF_ETH_DST, version);
	put_field(b, m, MFF_ETH_TYPE, version);
	if (version) {
		uint16_t tci = ntohs(fl->hdr.vlan_tci);
		uint16_t mask = ntohs(w->hdr.vlan_tci);
		uint16_t vid = tci & (MVS_VLAN_VID_MASK | MVS_VLAN_PRESENT);
		uint16_t vmask = mask & (MVS_VLAN_VID_MASK | MVS_VLAN_PRESENT);
		uint16_t be_vid = htons(vid), be_vmask = htons(vmask);

		if (vmask)
			nxm_put_entry(b, MFF_VLAN_VID, version, &be_vid,
				      vmask == 0x1fff ? NULL : &be_vmask);
		if (vid && (mask & MVS_VLAN_PCP_MASK)) {
			uint8_t pcp = (uint8_t)(tci >> MVS_VLAN_PCP_SHIFT);
			nxm_put_entry(b, MFF_VLAN_PCP, version, &pcp, NULL);
		}
	} else {
		put_field(b, m, MFF_VLAN_TCI, version);
	}
	if (w->hdr.eth_type && (type == ETH_TYPE_IP || type == ETH_TYPE_IPV6)) {
		put_ip(b, m, version);
	} else if (w->hdr.eth_type &&
		   (type == ETH_TYPE_ARP || type == ETH_TYPE_RARP)) {
		if (w->hdr.nw_proto)
			put_exact(b, MFF_ARP_OP, version, m);
		put_field(b, m, MFF_ARP_SPA, version);
		put_field(b, m, MFF_ARP_TPA, version);
		put_field(b, m, MFF_ARP_SHA, version);
		put_field(b, m, MFF_ARP_THA, version);
	}
	if (b->size == l2_start && !ofp_is_zero(&w->hdr, sizeof w->hdr)) {
		/* Packet header fields whose prerequisites are missing put
		 * nothing, but they still say "Ethernet": Open vSwitch then
		 * puts packet_type=(0,0) first. */
		static const uint8_t eth_packet_type[8] = { 0x80, 0x00, 0x58,
							    0x04 };
		ofpbuf_reserve(b, sizeof eth_packet_type);
		memmove(b->data + start + sizeof eth_packet_type,
			b->data + start, b->size - start);
		memcpy(b->data + start, eth_packet_type,
		       sizeof eth_packet_type);
		b->size += sizeof eth_packet_type;
	}
	put_field(b, m, MFF_TUN_ID, version);
	put_field(b, m, MFF_TUN_FLAGS, version);
	put_field(b, m, MFF_TUN_SRC, version);
	put_field(b, m, MFF_TUN_DST, version);
	put_field(b, m, MFF_TUN_IPV6_SRC, version);
	put_field(b, m, MFF_TUN_IPV6_DST, version);
	for (unsigned i = 0; i < FLOW_TUN_MD_SLOTS; i++)
		if (m->mask.tun_md_present & (1ull << i))
			nxm_put_entry(b, MFF_TUN_METADATA0 + i, version,
				      m->flow.tun_md[i],
				      ofp_is_all_ones(m->mask.tun_md[i],
						      FLOW_TUN_MD_BYTES)
					      ? NULL
					      : m->mask.tun_md[i]);
	if (version < OFP15_VERSION)
		for (int i = 0; i < FLOW_N_REGS; i++)
			put_field(b, m, MFF_REG0 + i, version);
	else
		for (int i = 0; i < FLOW_N_REGS / 2; i++)
			put_field(b, m, MFF_XREG0 + i, version);
	put_field(b, m, MFF_PKT_MARK, version);
	put_field(b, m, MFF_METADATA, version);
	if (cookie_mask) {
		bool masked = cookie_mask != ~0ull;
		put_header64(b, make_header(NXM_NX, NXM_COOKIE_FIELD, masked,
					    masked ? 16 : 8, 0));
		ofpbuf_put_be64(b, cookie & cookie_mask);
		if (masked)
			ofpbuf_put_be64(b, cookie_mask);
	}
}

size_t
nx_put_match(struct ofpbuf *b, const struct match *m, uint64_t cookie,
	     uint64_t cookie_mask)
{
	size_t start = b->size;

	put_raw(b, m, 0, cookie, cookie_mask);
	return b->size - start;
}

void
oxm_put_raw(struct ofpbuf *b, const struct match *m, uint8_t version)
{
	put_raw(b, m, version, 0, 0);
}

size_t
oxm_put_match(struct ofpbuf *b, const struct match *m, uint8_t version)
{
	size_t start = b->size;

	ofpbuf_put_be16(b, OFPMT_OXM);
	ofpbuf_put_be16(b, 0);
	put_raw(b, m, version, 0, 0);
	ofpbuf_set_be16(b, start + 2, (uint16_t)(b->size - start));
	ofpbuf_pad8(b, start);
	return b->size - start;
}

/* ---- nx_match as text (ofp-print at verbosity 3 and up) ---- */

static void
put_header_name(struct ds *s, uint64_t h)
{
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct nxm_row *r = &rows[i];
		if (r->class == hdr_class(h) && r->field == hdr_field(h) &&
		    (r->class != OXM_EXPERIMENTER ||
		     r->vendor == (uint32_t)h)) {
			ds_put(s, r->name);
			if (hdr_masked(h))
				ds_put(s, "_W");
			return;
		}
	}
	if (hdr_class(h) == NXM_NX && hdr_field(h) == NXM_COOKIE_FIELD)
		ds_put(s, hdr_masked(h) ? "NXM_NX_COOKIE_W" : "NXM_NX_COOKIE");
	else if (is_packet_type(h))
		ds_put(s, "OXM_OF_PACKET_TYPE");
	else
		ds_printf(s, "%u:%u", hdr_class(h), hdr_field(h));
}

void
nx_match_format(struct ds *s, const uint8_t *p, size_t len)
{
	struct ofp_reader r = ofp_reader_init(p, len);
	size_t start = s->len;

	if (!len) {
		ds_put(s, "<any>");
		return;
	}
	while (r.left) {
		struct ofp_reader save = r;
		unsigned payload, width;
		const uint8_t *v;
		uint64_t h;

		if (pull_header64(&r, &h) ||
		    !rd_bytes(&r, payload = hdr_length(h) - hdr_exp_len(h),
			      &v) ||
		    (hdr_masked(h) && payload % 2)) {
			r = save;
			break;
		}
		width = hdr_masked(h) ? payload / 2 : payload;
		if (s->len > start)
			ds_put(s, ", ");
		put_header_name(s, h);
		ds_put_char(s, '(');
		for (unsigned i = 0; i < width; i++)
			ds_printf(s, "%02x", v[i]);
		if (hdr_masked(h)) {
			ds_put_char(s, '/');
			for (unsigned i = 0; i < width; i++)
				ds_printf(s, "%02x", v[width + i]);
		}
		ds_put_char(s, ')');
	}
	if (r.left) {
		if (s->len > start)
			ds_put(s, ", ");
		ds_printf(s, "<%zu invalid bytes>", r.left);
	}
}
