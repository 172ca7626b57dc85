/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_port: OpenFlow's descriptions of a switch's ports and the messages
 * that carry them, in every version's form (1.0's 48-byte port, 1.1's
 * 64-byte port, 1.4's port with properties): the features reply, port
 * status, port mod, port-desc and port statistics requests and replies,
 * with Open vSwitch's text for each (ovs-ofctl show, dump-ports-desc,
 * dump-ports, mod-port).
 *
 * Decoders read only the bytes given and return Open vSwitch's errors
 * (OFPBRC_BAD_LEN for a port whose length field disagrees, NXBRC_BAD_REASON
 * for a port status reason it does not know, OFPBAC_BAD_OUT_PORT for a
 * 32-bit port number outside 0..0xfeff and 0xffffff00..).
 */
#ifndef MICROVS_OFP_PORT_H
#define MICROVS_OFP_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ofp_buf.h"
#include "ofp_errors.h"
#include "ofp_flow.h"
#include "ofp_msg.h"

/* "No more elements": what the pull functions return at the end. */
#define OFP_EOF EOF

/* Port config bits (OpenFlow 1.0 numbering; 1.1+ uses a subset). */
#define OFPPC_PORT_DOWN 0x01
#define OFPPC_NO_STP 0x02
#define OFPPC_NO_RECV 0x04
#define OFPPC_NO_RECV_STP 0x08
#define OFPPC_NO_FLOOD 0x10
#define OFPPC_NO_FWD 0x20
#define OFPPC_NO_PACKET_IN 0x40
#define OFPPC10_ALL 0x7f
#define OFPPC11_ALL 0x65

/* Port state bits: 1.0's link-down and STP state, 1.1's blocked and live
 * (Open vSwitch keeps both sets in one word). */
#define OFPPS_LINK_DOWN 0x01
#define OFPPS_BLOCKED 0x02
#define OFPPS_LIVE 0x04
#define OFPPS_STP_MASK 0x300
#define OFPPS10_ALL (OFPPS_LINK_DOWN | OFPPS_STP_MASK)
#define OFPPS11_ALL (OFPPS_LINK_DOWN | OFPPS_BLOCKED | OFPPS_LIVE)

/* A port as Open vSwitch abstracts it (features in the 1.1+ bit
 * numbering; speeds in kbps). */
struct ofp_phy_port {
	uint32_t port_no; /* 16-bit OpenFlow port (OFPP_*) */
	uint8_t hw_addr[6];
	char name[16]; /* NUL-terminated */
	uint32_t config, state;
	uint32_t curr, advertised, supported, peer;
	uint32_t curr_speed, max_speed;
};

/* Pulls one port of @version's form from @r into @pp.  Returns 0,
 * OFP_EOF when @r is empty (1.4+) or too short for a port (1.0-1.3), or
 * an ofperr. */
int ofp_pull_phy_port(uint8_t version, struct ofp_reader *r,
		      struct ofp_phy_port *pp);
/* Appends @pp in @version's form. */
void ofp_put_phy_port(uint8_t version, const struct ofp_phy_port *pp,
		      struct ofpbuf *b);
/* Appends each port left in @r, sorted by number, as ovs-ofctl shows
 * them; returns 0 or the error that stopped the decoding (the ports
 * before it are still printed). */
enum ofperr ofp_phy_ports_format(struct ds *s, uint8_t version,
				 struct ofp_reader *r);
void ofp_phy_port_format(struct ds *s, const struct ofp_phy_port *pp);

/* Appends Open vSwitch's names of the bits set in @bits ("0" if none),
 * separated by @sep, unknown bits as one trailing hex number. */
void ofp_print_bit_names(struct ds *s, uint32_t bits,
			 const char *(*name)(uint32_t bit), char sep);

/* ---- features reply ---- */

#define OFPC_FLOW_STATS 0x01
#define OFPC_TABLE_STATS 0x02
#define OFPC_PORT_STATS 0x04
#define OFPC_GROUP_STATS 0x08 /* 1.1+; 1.0's STP bit is separate */
#define OFPC_IP_REASM 0x20
#define OFPC_QUEUE_STATS 0x40
#define OFPC_ARP_MATCH_IP 0x80	/* 1.0, 1.1 */
#define OFPC_PORT_BLOCKED 0x100 /* 1.2+ */
#define OFPC_BUNDLES 0x200
#define OFPC_FLOW_MONITORING 0x400
#define OFPC_STP 0x1000 /* internal: 1.0's OFPC_STP (bit 3 there) */

struct ofp_switch_features {
	uint64_t datapath_id;
	uint32_t n_buffers;
	uint8_t n_tables;
	uint8_t auxiliary_id;
	uint32_t capabilities; /* OFPC_* as above */
	uint32_t ofpacts;      /* 1.0: the OFPAT10 bits of supported actions */
};

/* Decodes the fixed part of a features reply and leaves @r at its ports
 * (none in 1.3+). */
enum ofperr ofp_decode_switch_features(const struct ofp_msg *m,
				       struct ofp_switch_features *sf,
				       struct ofp_reader *r);
/* Appends a features reply for @sf (ports are appended by the caller
 * with ofp_put_phy_port for 1.0-1.2, then ofp_msg_finish). */
size_t ofp_encode_switch_features(struct ofpbuf *b,
				  const struct ofp_switch_features *sf,
				  uint8_t version, uint32_t xid);
void ofp_switch_features_format(struct ds *s,
				const struct ofp_switch_features *sf);
/* Appends the names of the OpenFlow 1.0 action bits in @bits ("output
 * enqueue set_vlan_vid ..."), space-separated, in Open vSwitch's order. */
void ofp_format_of10_action_bits(struct ds *s, uint32_t bits);
/* True if a features reply of @len bytes can list every port (1.0-1.2
 * and room for one more port), as Open vSwitch decides whether to ask
 * for the port descriptions separately. */
bool ofp_switch_features_has_ports(uint8_t version, size_t len);

/* ---- switch config ---- */

enum ofp_frag {
	OFP_FRAG_NORMAL,
	OFP_FRAG_DROP,
	OFP_FRAG_REASM,
	OFP_FRAG_NX_MATCH
};
struct ofp_switch_config {
	enum ofp_frag frag;
	int invalid_ttl_to_controller; /* -1: not in this version */
	uint16_t miss_send_len;
};
/* Decodes a get-config reply or set-config; returns OFPSCFC_BAD_FLAGS for
 * flags the version does not define (a get-config reply is still
 * decoded). */
enum ofperr ofp_decode_switch_config(const struct ofp_msg *m,
				     struct ofp_switch_config *sc);
void ofp_encode_switch_config(struct ofpbuf *b,
			      const struct ofp_switch_config *sc,
			      enum ofpraw raw, uint8_t version, uint32_t xid);
void ofp_switch_config_format(struct ds *s, const struct ofp_switch_config *sc);
const char *ofp_frag_name(enum ofp_frag f);

/* ---- port status, port mod ---- */

#define OFPPR_ADD 0
#define OFPPR_DELETE 1
#define OFPPR_MODIFY 2

enum ofperr ofp_decode_port_status(const struct ofp_msg *m, uint8_t *reason,
				   struct ofp_phy_port *pp);
void ofp_encode_port_status(struct ofpbuf *b, uint8_t reason,
			    const struct ofp_phy_port *pp, uint8_t version);
void ofp_port_status_format(struct ds *s, uint8_t reason,
			    const struct ofp_phy_port *pp);

struct ofp_port_mod {
	uint32_t port_no;
	uint8_t hw_addr[6];
	uint32_t config, mask, advertise;
};
/* Decodes a port mod (config is masked by mask, as Open vSwitch does);
 * @loose accepts unknown 1.4 properties. */
enum ofperr ofp_decode_port_mod(const struct ofp_msg *m,
				struct ofp_port_mod *pm, bool loose);
void ofp_encode_port_mod(struct ofpbuf *b, const struct ofp_port_mod *pm,
			 uint8_t version, uint32_t xid);
void ofp_port_mod_format(struct ds *s, const struct ofp_port_mod *pm,
			 const struct ofp_port_map *ports);

/* ---- port descriptions and statistics ---- */

/* Port-desc request (1.5 carries a port; earlier ones mean all). */
void ofp_encode_port_desc_request(struct ofpbuf *b, uint8_t version,
				  uint32_t port, uint32_t xid);
enum ofperr ofp_decode_port_desc_request(const struct ofp_msg *m,
					 uint32_t *port);
void ofp_encode_port_stats_request(struct ofpbuf *b, uint8_t version,
				   uint32_t port, uint32_t xid);
enum ofperr ofp_decode_port_stats_request(const struct ofp_msg *m,
					  uint32_t *port);

/* Counters a port-stats reply carries (UINT64_MAX: unknown). */
struct ofp_port_stats {
	uint32_t port_no;
	uint32_t duration_sec, duration_nsec; /* UINT32_MAX: none */
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_dropped, tx_dropped, rx_errors, tx_errors;
	uint64_t rx_frame_errors, rx_over_errors, rx_crc_errors, collisions;
	/* Intel's RFC 2819 counters (1.4+), in Open vSwitch's order. */
	uint64_t rfc2819[21];
	/* Intel's custom counters (1.4+): names and values. */
	size_t n_custom;
	struct ofp_custom_stat {
		char name[64];
		uint64_t value;
	} * custom; /* owned; ofp_port_stats_uninit() frees */
};
void ofp_port_stats_uninit(struct ofp_port_stats *ps);
/* The number of entries a port-stats reply holds (up to the first that
 * does not decode). */
size_t ofp_count_port_stats(const struct ofp_msg *m);
/* Pulls the next entry of a port-stats reply: 0, OFP_EOF or an ofperr. */
int ofp_pull_port_stats(const struct ofp_msg *m, struct ofp_reader *r,
			struct ofp_port_stats *ps);
/* Appends one entry to a port-stats reply of @version. */
void ofp_append_port_stats(struct ofpbuf *b, uint8_t version,
			   const struct ofp_port_stats *ps);
void ofp_port_stats_format(struct ds *s, const struct ofp_port_stats *ps,
			   const struct ofp_port_map *ports);

#endif
