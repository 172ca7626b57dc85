/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_port: ports on the wire (1.0, 1.1, 1.4 forms), the features reply,
 * switch config, port status, port mod, port-desc and port-stats
 * messages, and their text.
 */
#include "ofp_port.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ofp_field.h"
#include "ofp_flowmod.h"

#define OFPPDPT14_ETHERNET 0
#define OFPPSPT14_ETHERNET 0
#define OFPPMPT14_ETHERNET 0
#define INTEL_VENDOR_ID 0x0000aa01u
#define INTEL_PORT_STATS_RFC2819 1
#define INTEL_PORT_STATS_CUSTOM 2

/* ---- bit names ---- */

void
ofp_print_bit_names(struct ds *s, uint32_t bits,
		    const char *(*name)(uint32_t bit), char sep)
{
	int n = 0;

	if (!bits) {
		ds_put_char(s, '0');
		return;
	}
	for (int i = 0; i < 32; i++) {
		uint32_t bit = UINT32_C(1) << i;
		const char *nm;

		if (!(bits & bit) || !(nm = name(bit)))
			continue;
		if (n++)
			ds_put_char(s, sep);
		ds_put(s, nm);
		bits &= ~bit;
	}
	if (bits) {
		if (n)
			ds_put_char(s, sep);
		ds_printf(s, "0x%x", bits);
	}
}

static const char *
config_name(uint32_t bit)
{
	switch (bit) {
	case OFPPC_PORT_DOWN:
		return "PORT_DOWN";
	case OFPPC_NO_STP:
		return "NO_STP";
	case OFPPC_NO_RECV:
		return "NO_RECV";
	case OFPPC_NO_RECV_STP:
		return "NO_RECV_STP";
	case OFPPC_NO_FLOOD:
		return "NO_FLOOD";
	case OFPPC_NO_FWD:
		return "NO_FWD";
	case OFPPC_NO_PACKET_IN:
		return "NO_PACKET_IN";
	}
	return NULL;
}

static const char *
state_name(uint32_t bit)
{
	switch (bit) {
	case OFPPS_LINK_DOWN:
		return "LINK_DOWN";
	case OFPPS_BLOCKED:
		return "BLOCKED";
	case OFPPS_LIVE:
		return "LIVE";
	}
	return NULL;
}

static const char *
feature_name(uint32_t bit)
{
	static const char *const names[] = {
		"10MB-HD",  "10MB-FD",	"100MB-HD",   "100MB-FD",
		"1GB-HD",   "1GB-FD",	"10GB-FD",    "40GB-FD",
		"100GB-FD", "1TB-FD",	"OTHER",      "COPPER",
		"FIBER",    "AUTO_NEG", "AUTO_PAUSE", "AUTO_PAUSE_ASYM",
	};
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
		if (bit == 1u << i)
			return names[i];
	return NULL;
}

static void
config_format(struct ds *s, uint32_t config)
{
	ofp_print_bit_names(s, config, config_name, ' ');
	ds_put_char(s, '\n');
}

static void
state_format(struct ds *s, uint32_t state)
{
	uint32_t stp = state & OFPPS_STP_MASK;

	/* STP_LISTEN (0) is not shown: Open vSwitch never reports STP. */
	if (stp) {
		ds_put(s, stp == 0x100	 ? "STP_LEARN"
			  : stp == 0x200 ? "STP_FORWARD"
					 : "STP_BLOCK");
		state &= ~OFPPS_STP_MASK;
		if (state)
			ofp_print_bit_names(s, state, state_name, ' ');
	} else {
		ofp_print_bit_names(s, state, state_name, ' ');
	}
	ds_put_char(s, '\n');
}

static void
features_format(struct ds *s, uint32_t features)
{
	ofp_print_bit_names(s, features, feature_name, ' ');
	ds_put_char(s, '\n');
}

/* ---- ports ---- */

static uint32_t
features_from_ofp10(uint32_t x)
{
	return (x & 0x7f) | ((x & 0xf80) << 4);
}

static uint32_t
features_to_ofp10(uint32_t x)
{
	return (x & 0x7f) | ((x & 0xf800) >> 4);
}

/* Open vSwitch's netdev_features_to_bps(features, 0). */
static uint64_t
features_to_bps(uint32_t f)
{
	return f & 0x200   ? UINT64_C(1000000000000)
	       : f & 0x100 ? UINT64_C(100000000000)
	       : f & 0x80  ? UINT64_C(40000000000)
	       : f & 0x40  ? UINT64_C(10000000000)
	       : f & 0x30  ? UINT64_C(1000000000)
	       : f & 0x0c  ? UINT64_C(100000000)
	       : f & 0x03  ? UINT64_C(10000000)
			   : 0;
}

static void
copy_name(char dst[16], const uint8_t *src)
{
	memcpy(dst, src, 15);
	dst[15] = '\0';
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

/* Properties: type(2) length(2) ..., padded to 8.  Returns the property
 * body (after type and length) or an error. */
static enum ofperr
pull_prop(struct ofp_reader *r, uint16_t *type, const uint8_t **body,
	  size_t *len)
{
	const uint8_t *p = r->p;
	size_t n;

	if (r->left < 4)
		return OFPERR_OFPBPC_BAD_LEN;
	n = get_be16(r->p + 2);
	if (n < 4 || n > r->left)
		return OFPERR_OFPBPC_BAD_LEN;
	*type = get_be16(r->p);
	rd_bytes(r, n, &p);
	*body = p + 4;
	*len = n - 4;
	n = (n + 7) / 8 * 8 - n;
	if (n > r->left)
		return OFPERR_OFPBPC_BAD_LEN;
	rd_skip(r, n);
	return 0;
}

static enum ofperr
pull_ofp14_port(struct ofp_reader *r, struct ofp_phy_port *pp)
{
	const uint8_t *p = r->p;
	size_t len;
	struct ofp_reader props;
	enum ofperr e;

	if (r->left < 40)
		return OFPERR_OFPBRC_BAD_LEN;
	len = get_be16(r->p + 4);
	if (len < 40 || len - 40 > r->left - 40)
		return OFPERR_OFPBRC_BAD_LEN;
	rd_bytes(r, len, &p);
	if ((e = port_from_ofp11(get_be32(p), &pp->port_no)))
		return e;
	memcpy(pp->hw_addr, p + 8, 6);
	copy_name(pp->name, p + 16);
	pp->config = get_be32(p + 32) & OFPPC11_ALL;
	pp->state = get_be32(p + 36) & OFPPS11_ALL;
	props = ofp_reader_init(p + 40, len - 40);
	while (props.left) {
		const uint8_t *b;
		uint16_t type;
		size_t n;

		if ((e = pull_prop(&props, &type, &b, &n)))
			return e;
		if (type == OFPPDPT14_ETHERNET) {
			if (n != 28)
				return OFPERR_OFPBPC_BAD_LEN;
			pp->curr = get_be32(b + 4) & 0xffff;
			pp->advertised = get_be32(b + 8) & 0xffff;
			pp->supported = get_be32(b + 12) & 0xffff;
			pp->peer = get_be32(b + 16) & 0xffff;
			pp->curr_speed = get_be32(b + 20);
			pp->max_speed = get_be32(b + 24);
		}
	}
	return 0;
}

int
ofp_pull_phy_port(uint8_t version, struct ofp_reader *r,
		  struct ofp_phy_port *pp)
{
	const uint8_t *p;

	memset(pp, 0, sizeof *pp);
	if (version == OFP10_VERSION) {
		if (!rd_bytes(r, 48, &p))
			return OFP_EOF;
		pp->port_no = get_be16(p);
		memcpy(pp->hw_addr, p + 2, 6);
		copy_name(pp->name, p + 8);
		pp->config = get_be32(p + 24) & OFPPC10_ALL;
		pp->state = get_be32(p + 28) & OFPPS10_ALL;
		pp->curr = features_from_ofp10(get_be32(p + 32));
		pp->advertised = features_from_ofp10(get_be32(p + 36));
		pp->supported = features_from_ofp10(get_be32(p + 40));
		pp->peer = features_from_ofp10(get_be32(p + 44));
		pp->curr_speed = (uint32_t)(features_to_bps(pp->curr) / 1000);
		pp->max_speed =
			(uint32_t)(features_to_bps(pp->supported) / 1000);
		return 0;
	}
	if (version <= OFP13_VERSION) {
		if (!rd_bytes(r, 64, &p))
			return OFP_EOF;
		enum ofperr e = port_from_ofp11(get_be32(p), &pp->port_no);
		if (e)
			return e;
		memcpy(pp->hw_addr, p + 8, 6);
		copy_name(pp->name, p + 16);
		pp->config = get_be32(p + 32) & OFPPC11_ALL;
		pp->state = get_be32(p + 36) & OFPPS11_ALL;
		pp->curr = get_be32(p + 40) & 0xffff;
		pp->advertised = get_be32(p + 44) & 0xffff;
		pp->supported = get_be32(p + 48) & 0xffff;
		pp->peer = get_be32(p + 52) & 0xffff;
		pp->curr_speed = get_be32(p + 56);
		pp->max_speed = get_be32(p + 60);
		return 0;
	}
	return r->left ? (int)pull_ofp14_port(r, pp) : OFP_EOF;
}

static void
put_name(struct ofpbuf *b, const char *name)
{
	size_t ofs = ofpbuf_put_zeros(b, 16);
	size_t n = strnlen(name, 15);

	memcpy(b->data + ofs, name, n);
}

void
ofp_put_phy_port(uint8_t version, const struct ofp_phy_port *pp,
		 struct ofpbuf *b)
{
	if (version == OFP10_VERSION) {
		ofpbuf_put_be16(b, (uint16_t)pp->port_no);
		ofpbuf_put(b, pp->hw_addr, 6);
		put_name(b, pp->name);
		ofpbuf_put_be32(b, pp->config & OFPPC10_ALL);
		ofpbuf_put_be32(b, pp->state & OFPPS10_ALL);
		ofpbuf_put_be32(b, features_to_ofp10(pp->curr));
		ofpbuf_put_be32(b, features_to_ofp10(pp->advertised));
		ofpbuf_put_be32(b, features_to_ofp10(pp->supported));
		ofpbuf_put_be32(b, features_to_ofp10(pp->peer));
		return;
	}
	ofpbuf_put_be32(b, ofp_port_to_ofp11(pp->port_no));
	ofpbuf_put_be16(b, version >= OFP14_VERSION ? 72 : 0);
	ofpbuf_put_zeros(b, 2);
	ofpbuf_put(b, pp->hw_addr, 6);
	ofpbuf_put_zeros(b, 2);
	put_name(b, pp->name);
	ofpbuf_put_be32(b, pp->config & OFPPC11_ALL);
	ofpbuf_put_be32(b, pp->state & OFPPS11_ALL);
	if (version >= OFP14_VERSION) {
		ofpbuf_put_be16(b, OFPPDPT14_ETHERNET);
		ofpbuf_put_be16(b, 32);
		ofpbuf_put_zeros(b, 4);
	}
	ofpbuf_put_be32(b, pp->curr & 0xffff);
	ofpbuf_put_be32(b, pp->advertised & 0xffff);
	ofpbuf_put_be32(b, pp->supported & 0xffff);
	ofpbuf_put_be32(b, pp->peer & 0xffff);
	ofpbuf_put_be32(b, pp->curr_speed);
	ofpbuf_put_be32(b, pp->max_speed);
}

void
ofp_phy_port_format(struct ds *s, const struct ofp_phy_port *pp)
{
	char name[16];
	size_t j;

	memcpy(name, pp->name, sizeof name);
	for (j = 0; j < sizeof name - 1; j++)
		if (!isprint((unsigned char)name[j]))
			break;
	name[j] = '\0';
	ds_put_char(s, ' ');
	ofp_port_format(s, pp->port_no, NULL);
	ds_printf(s, "(%s): addr:", name);
	ofp_format_eth(s, pp->hw_addr);
	ds_put(s, "\n     config:     ");
	config_format(s, pp->config);
	ds_put(s, "     state:      ");
	state_format(s, pp->state);
	if (pp->curr) {
		ds_put(s, "     current:    ");
		features_format(s, pp->curr);
	}
	if (pp->advertised) {
		ds_put(s, "     advertised: ");
		features_format(s, pp->advertised);
	}
	if (pp->supported) {
		ds_put(s, "     supported:  ");
		features_format(s, pp->supported);
	}
	if (pp->peer) {
		ds_put(s, "     peer:       ");
		features_format(s, pp->peer);
	}
	ds_printf(s, "     speed: %u Mbps now, %u Mbps max\n",
		  pp->curr_speed / 1000, pp->max_speed / 1000);
}

static int
compare_ports(const void *a_, const void *b_)
{
	const struct ofp_phy_port *a = a_, *b = b_;
	uint16_t ap = (uint16_t)a->port_no, bp = (uint16_t)b->port_no;

	return ap < bp ? -1 : ap > bp;
}

enum ofperr
ofp_phy_ports_format(struct ds *s, uint8_t version, struct ofp_reader *r)
{
	struct ofp_phy_port *ports = NULL;
	size_t n = 0, cap = 0;
	int retval;

	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			ports = xrealloc(ports, cap * sizeof *ports);
		}
		retval = ofp_pull_phy_port(version, r, &ports[n]);
		if (retval)
			break;
		n++;
	}
	qsort(ports, n, sizeof *ports, compare_ports);
	for (size_t i = 0; i < n; i++)
		ofp_phy_port_format(s, &ports[i]);
	free(ports);
	return retval == OFP_EOF ? 0 : (enum ofperr)retval;
}

/* ---- features reply ---- */

static uint32_t
capabilities_mask(uint8_t version)
{
	uint32_t common = OFPC_FLOW_STATS | OFPC_TABLE_STATS | OFPC_PORT_STATS |
			  OFPC_IP_REASM | OFPC_QUEUE_STATS;

	if (version <= OFP11_VERSION)
		return common | OFPC_ARP_MATCH_IP;
	if (version <= OFP13_VERSION)
		return common | OFPC_PORT_BLOCKED;
	return common | OFPC_PORT_BLOCKED | OFPC_BUNDLES | OFPC_FLOW_MONITORING;
}

enum ofperr
ofp_decode_switch_features(const struct ofp_msg *m,
			   struct ofp_switch_features *sf, struct ofp_reader *r)
{
	const uint8_t *p = m->body;
	uint32_t caps = get_be32(p + 16);

	memset(sf, 0, sizeof *sf);
	sf->datapath_id = get_be64(p);
	sf->n_buffers = get_be32(p + 8);
	sf->n_tables = p[12];
	sf->capabilities = caps & capabilities_mask(m->version);
	if (m->raw == OFPRAW_OFPT10_FEATURES_REPLY) {
		if (caps & 0x08)
			sf->capabilities |= OFPC_STP;
		sf->ofpacts = get_be32(p + 20);
	} else {
		if (caps & OFPC_GROUP_STATS)
			sf->capabilities |= OFPC_GROUP_STATS;
		if (m->raw == OFPRAW_OFPT13_FEATURES_REPLY)
			sf->auxiliary_id = p[13];
	}
	*r = ofp_reader_init(p + 24, m->body_len - 24);
	return 0;
}

size_t
ofp_encode_switch_features(struct ofpbuf *b,
			   const struct ofp_switch_features *sf,
			   uint8_t version, uint32_t xid)
{
	enum ofpraw raw =
		version == OFP10_VERSION   ? OFPRAW_OFPT10_FEATURES_REPLY
		: version <= OFP12_VERSION ? OFPRAW_OFPT11_FEATURES_REPLY
					   : OFPRAW_OFPT13_FEATURES_REPLY;
	size_t start = ofp_msg_start(b, raw, version, xid);
	uint32_t caps = sf->capabilities & capabilities_mask(version);

	if (version == OFP10_VERSION && (sf->capabilities & OFPC_STP))
		caps |= 0x08;
	if (version != OFP10_VERSION && (sf->capabilities & OFPC_GROUP_STATS))
		caps |= OFPC_GROUP_STATS;
	ofpbuf_put_be64(b, sf->datapath_id);
	ofpbuf_put_be32(b, sf->n_buffers);
	ofpbuf_put_u8(b, sf->n_tables);
	ofpbuf_put_u8(b, version >= OFP13_VERSION ? sf->auxiliary_id : 0);
	ofpbuf_put_zeros(b, 2);
	ofpbuf_put_be32(b, caps);
	ofpbuf_put_be32(b, version == OFP10_VERSION ? sf->ofpacts : 0);
	ofp_msg_finish(b, start);
	return start;
}

static const char *
capability_name(uint32_t bit)
{
	switch (bit) {
	case OFPC_FLOW_STATS:
		return "FLOW_STATS";
	case OFPC_TABLE_STATS:
		return "TABLE_STATS";
	case OFPC_PORT_STATS:
		return "PORT_STATS";
	case OFPC_IP_REASM:
		return "IP_REASM";
	case OFPC_QUEUE_STATS:
		return "QUEUE_STATS";
	case OFPC_ARP_MATCH_IP:
		return "ARP_MATCH_IP";
	case OFPC_STP:
		return "STP";
	case OFPC_GROUP_STATS:
		return "GROUP_STATS";
	case OFPC_PORT_BLOCKED:
		return "PORT_BLOCKED";
	case OFPC_BUNDLES:
		return "BUNDLES";
	case OFPC_FLOW_MONITORING:
		return "FLOW_MONITORING";
	}
	return NULL;
}

/* The OpenFlow 1.0 action bits in the order Open vSwitch prints them
 * (its internal action order), by OFPAT10 number. */
static const struct {
	uint8_t bit;
	const char *name;
} of10_actions[] = {
	{ 0, "output" },       { 11, "enqueue" },   { 1, "set_vlan_vid" },
	{ 2, "set_vlan_pcp" }, { 3, "strip_vlan" }, { 4, "mod_dl_src" },
	{ 5, "mod_dl_dst" },   { 6, "mod_nw_src" }, { 7, "mod_nw_dst" },
	{ 8, "mod_nw_tos" },   { 9, "mod_tp_src" }, { 10, "mod_tp_dst" },
};

void
ofp_format_of10_action_bits(struct ds *s, uint32_t bits)
{
	for (size_t i = 0; i < ARRAY_SIZE(of10_actions); i++)
		if (bits & (1u << of10_actions[i].bit)) {
			ds_put(s, of10_actions[i].name);
			ds_put_char(s, ' ');
		}
	ds_chomp(s, ' ');
}

void
ofp_switch_features_format(struct ds *s, const struct ofp_switch_features *sf)
{
	ds_printf(s, " dpid:%016llx\n", (unsigned long long)sf->datapath_id);
	ds_printf(s, "n_tables:%u, n_buffers:%u", sf->n_tables, sf->n_buffers);
	if (sf->auxiliary_id)
		ds_printf(s, ", auxiliary_id:%u", sf->auxiliary_id);
	ds_put(s, "\ncapabilities: ");
	ofp_print_bit_names(s, sf->capabilities, capability_name, ' ');
	ds_put_char(s, '\n');
	if (sf->ofpacts & 0xfff) {
		ds_put(s, "actions: ");
		ofp_format_of10_action_bits(s, sf->ofpacts);
		ds_put_char(s, '\n');
	}
}

bool
ofp_switch_features_has_ports(uint8_t version, size_t len)
{
	if (version >= OFP13_VERSION)
		return false;
	return len + (version == OFP10_VERSION ? 48 : 64) <= 0xffff;
}

/* ---- switch config ---- */

#define OFPC_FRAG_MASK 3
#define OFPC_INVALID_TTL_TO_CONTROLLER 4

enum ofperr
ofp_decode_switch_config(const struct ofp_msg *m, struct ofp_switch_config *sc)
{
	uint16_t flags = get_be16(m->body);
	uint16_t valid = OFPC_FRAG_MASK;

	sc->frag = (enum ofp_frag)(flags & OFPC_FRAG_MASK);
	sc->miss_send_len = get_be16(m->body + 2);
	if (m->version < OFP13_VERSION) {
		valid |= OFPC_INVALID_TTL_TO_CONTROLLER;
		sc->invalid_ttl_to_controller =
			(flags & OFPC_INVALID_TTL_TO_CONTROLLER) != 0;
	} else {
		sc->invalid_ttl_to_controller = -1;
	}
	return flags & ~valid ? OFPERR_OFPSCFC_BAD_FLAGS : 0;
}

void
ofp_encode_switch_config(struct ofpbuf *b, const struct ofp_switch_config *sc,
			 enum ofpraw raw, uint8_t version, uint32_t xid)
{
	size_t start = ofp_msg_start(b, raw, version, xid);
	uint16_t flags = (uint16_t)sc->frag;

	if (sc->invalid_ttl_to_controller > 0 && version < OFP13_VERSION)
		flags |= OFPC_INVALID_TTL_TO_CONTROLLER;
	ofpbuf_put_be16(b, flags);
	ofpbuf_put_be16(b, sc->miss_send_len);
	ofp_msg_finish(b, start);
}

const char *
ofp_frag_name(enum ofp_frag f)
{
	switch (f) {
	case OFP_FRAG_NORMAL:
		return "normal";
	case OFP_FRAG_DROP:
		return "drop";
	case OFP_FRAG_REASM:
		return "reassemble";
	case OFP_FRAG_NX_MATCH:
		return "nx-match";
	}
	return "normal";
}

void
ofp_switch_config_format(struct ds *s, const struct ofp_switch_config *sc)
{
	ds_printf(s, " frags=%s", ofp_frag_name(sc->frag));
	if (sc->invalid_ttl_to_controller > 0)
		ds_put(s, " invalid_ttl_to_controller");
	ds_printf(s, " miss_send_len=%u\n", sc->miss_send_len);
}

/* ---- port status ---- */

enum ofperr
ofp_decode_port_status(const struct ofp_msg *m, uint8_t *reason,
		       struct ofp_phy_port *pp)
{
	struct ofp_reader r;
	int retval;

	*reason = m->body[0];
	if (*reason != OFPPR_ADD && *reason != OFPPR_DELETE &&
	    *reason != OFPPR_MODIFY)
		return OFPERR_NXBRC_BAD_REASON;
	r = ofp_reader_init(m->body + 8, m->body_len - 8);
	retval = ofp_pull_phy_port(m->version, &r, pp);
	return retval == OFP_EOF ? OFPERR_OFPBRC_BAD_LEN : (enum ofperr)retval;
}

void
ofp_encode_port_status(struct ofpbuf *b, uint8_t reason,
		       const struct ofp_phy_port *pp, uint8_t version)
{
	enum ofpraw raw = version == OFP10_VERSION ? OFPRAW_OFPT10_PORT_STATUS
			  : version <= OFP13_VERSION
				  ? OFPRAW_OFPT11_PORT_STATUS
				  : OFPRAW_OFPT14_PORT_STATUS;
	size_t start = ofp_msg_start(b, raw, version, 0);

	ofpbuf_put_u8(b, reason);
	ofpbuf_put_zeros(b, 7);
	ofp_put_phy_port(version, pp, b);
	ofp_msg_finish(b, start);
}

void
ofp_port_status_format(struct ds *s, uint8_t reason,
		       const struct ofp_phy_port *pp)
{
	ds_put(s, reason == OFPPR_ADD	   ? " ADD:"
		  : reason == OFPPR_DELETE ? " DEL:"
					   : " MOD:");
	ofp_phy_port_format(s, pp);
}

/* ---- port mod ---- */

enum ofperr
ofp_decode_port_mod(const struct ofp_msg *m, struct ofp_port_mod *pm,
		    bool loose)
{
	const uint8_t *p = m->body;
	struct ofp_reader props = ofp_reader_init(NULL, 0);
	enum ofperr e = 0;

	memset(pm, 0, sizeof *pm);
	if (m->raw == OFPRAW_OFPT10_PORT_MOD) {
		pm->port_no = get_be16(p);
		memcpy(pm->hw_addr, p + 2, 6);
		pm->config = get_be32(p + 8) & OFPPC10_ALL;
		pm->mask = get_be32(p + 12) & OFPPC10_ALL;
		pm->advertise = features_from_ofp10(get_be32(p + 16));
	} else if (m->raw == OFPRAW_OFPT11_PORT_MOD) {
		e = port_from_ofp11(get_be32(p), &pm->port_no);
		if (!e) {
			memcpy(pm->hw_addr, p + 8, 6);
			pm->config = get_be32(p + 16) & OFPPC11_ALL;
			pm->mask = get_be32(p + 20) & OFPPC11_ALL;
			pm->advertise = get_be32(p + 24) & 0xffff;
		}
	} else {
		e = port_from_ofp11(get_be32(p), &pm->port_no);
		if (!e) {
			memcpy(pm->hw_addr, p + 8, 6);
			pm->config = get_be32(p + 16) & OFPPC11_ALL;
			pm->mask = get_be32(p + 20) & OFPPC11_ALL;
			props = ofp_reader_init(p + 24, m->body_len - 24);
		}
		while (!e && props.left) {
			const uint8_t *pb;
			uint16_t type;
			size_t n;

			e = pull_prop(&props, &type, &pb, &n);
			if (e)
				break;
			if (type == OFPPMPT14_ETHERNET) {
				if (n != 4)
					e = OFPERR_OFPBPC_BAD_LEN;
				else
					pm->advertise = get_be32(pb) & 0xffff;
			} else if (!loose) {
				e = OFPERR_OFPBPC_BAD_TYPE;
			}
		}
	}
	pm->config &= pm->mask;
	return e;
}

void
ofp_encode_port_mod(struct ofpbuf *b, const struct ofp_port_mod *pm,
		    uint8_t version, uint32_t xid)
{
	enum ofpraw raw = version == OFP10_VERSION   ? OFPRAW_OFPT10_PORT_MOD
			  : version <= OFP13_VERSION ? OFPRAW_OFPT11_PORT_MOD
						     : OFPRAW_OFPT14_PORT_MOD;
	size_t start = ofp_msg_start(b, raw, version, xid);

	if (version == OFP10_VERSION) {
		ofpbuf_put_be16(b, (uint16_t)pm->port_no);
		ofpbuf_put(b, pm->hw_addr, 6);
		ofpbuf_put_be32(b, pm->config & OFPPC10_ALL);
		ofpbuf_put_be32(b, pm->mask & OFPPC10_ALL);
		ofpbuf_put_be32(b, features_to_ofp10(pm->advertise));
		ofpbuf_put_zeros(b, 4);
	} else {
		ofpbuf_put_be32(b, ofp_port_to_ofp11(pm->port_no));
		ofpbuf_put_zeros(b, 4);
		ofpbuf_put(b, pm->hw_addr, 6);
		ofpbuf_put_zeros(b, 2);
		ofpbuf_put_be32(b, pm->config & OFPPC11_ALL);
		ofpbuf_put_be32(b, pm->mask & OFPPC11_ALL);
		if (version <= OFP13_VERSION) {
			ofpbuf_put_be32(b, pm->advertise & 0xffff);
			ofpbuf_put_zeros(b, 4);
		} else if (pm->advertise) {
			ofpbuf_put_be16(b, OFPPMPT14_ETHERNET);
			ofpbuf_put_be16(b, 8);
			ofpbuf_put_be32(b, pm->advertise & 0xffff);
		}
	}
	ofp_msg_finish(b, start);
}

void
ofp_port_mod_format(struct ds *s, const struct ofp_port_mod *pm,
		    const struct ofp_port_map *ports)
{
	ds_put(s, " port: ");
	ofp_port_format(s, pm->port_no, ports);
	ds_put(s, ": addr:");
	ofp_format_eth(s, pm->hw_addr);
	ds_put(s, "\n     config: ");
	config_format(s, pm->config);
	ds_put(s, "     mask:   ");
	config_format(s, pm->mask);
	ds_put(s, "     advertise: ");
	if (pm->advertise)
		features_format(s, pm->advertise);
	else
		ds_put(s, "UNCHANGED\n");
}

/* ---- port-desc and port-stats requests ---- */

void
ofp_encode_port_desc_request(struct ofpbuf *b, uint8_t version, uint32_t port,
			     uint32_t xid)
{
	size_t start;

	if (version < OFP15_VERSION) {
		start = ofp_msg_start(b, OFPRAW_OFPST10_PORT_DESC_REQUEST,
				      version, xid);
	} else {
		start = ofp_msg_start(b, OFPRAW_OFPST15_PORT_DESC_REQUEST,
				      version, xid);
		ofpbuf_put_be32(b, ofp_port_to_ofp11(port));
		ofpbuf_put_zeros(b, 4);
	}
	ofp_msg_finish(b, start);
}

enum ofperr
ofp_decode_port_desc_request(const struct ofp_msg *m, uint32_t *port)
{
	if (m->raw == OFPRAW_OFPST10_PORT_DESC_REQUEST) {
		*port = OFPP_NONE;
		return 0;
	}
	return port_from_ofp11(get_be32(m->body), port);
}

void
ofp_encode_port_stats_request(struct ofpbuf *b, uint8_t version, uint32_t port,
			      uint32_t xid)
{
	size_t start;

	if (version == OFP10_VERSION) {
		start = ofp_msg_start(b, OFPRAW_OFPST10_PORT_REQUEST, version,
				      xid);
		ofpbuf_put_be16(b, (uint16_t)port);
		ofpbuf_put_zeros(b, 6);
	} else {
		start = ofp_msg_start(b, OFPRAW_OFPST11_PORT_REQUEST, version,
				      xid);
		ofpbuf_put_be32(b, ofp_port_to_ofp11(port));
		ofpbuf_put_zeros(b, 4);
	}
	ofp_msg_finish(b, start);
}

enum ofperr
ofp_decode_port_stats_request(const struct ofp_msg *m, uint32_t *port)
{
	if (m->version == OFP10_VERSION) {
		*port = get_be16(m->body);
		return 0;
	}
	return port_from_ofp11(get_be32(m->body), port);
}
