/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_match10: the fixed-layout matches of OpenFlow 1.0 (struct
 * ofp10_match, 40 bytes, wildcard bits and CIDR counts) and OpenFlow 1.1
 * (ofp11_match, 88 bytes, inverted bit masks), to and from struct match,
 * as Open vSwitch converts them.
 */
#ifndef MICROVS_OFP_MATCH10_H
#define MICROVS_OFP_MATCH10_H

#include <stdint.h>

#include "ofp_buf.h"
#include "ofp_errors.h"
#include "ofp_flow.h"

#define OFP10_MATCH_LEN 40
#define OFP11_MATCH_LEN 88

/* OpenFlow 1.0 wildcard bits. */
#define OFPFW10_IN_PORT (1u << 0)
#define OFPFW10_DL_VLAN (1u << 1)
#define OFPFW10_DL_SRC (1u << 2)
#define OFPFW10_DL_DST (1u << 3)
#define OFPFW10_DL_TYPE (1u << 4)
#define OFPFW10_NW_PROTO (1u << 5)
#define OFPFW10_TP_SRC (1u << 6)
#define OFPFW10_TP_DST (1u << 7)
#define OFPFW10_NW_SRC_SHIFT 8
#define OFPFW10_NW_DST_SHIFT 14
#define OFPFW10_DL_VLAN_PCP (1u << 20)
#define OFPFW10_NW_TOS (1u << 21)
#define OFPFW10_ALL ((1u << 22) - 1)

/* Decodes the 40 bytes at @p (no normalisation: the caller does it
 * where Open vSwitch does). */
void ofp10_match_decode(const uint8_t *p, struct match *m);
/* The wildcards word of the 40 bytes at @p. */
uint32_t ofp10_match_wildcards(const uint8_t *p);
/* Appends @m as 40 bytes. */
void ofp10_match_encode(struct ofpbuf *b, const struct match *m);

/* Appends the 40-byte match at @p as Open vSwitch's ofp10_match_print:
 * its fields one by one, wildcarded ones as "*" from @verbosity 2. */
void ofp10_match_format(struct ds *s, const uint8_t *p,
			const struct ofp_port_map *ports, int verbosity);

/* Decodes an 88-byte OpenFlow 1.1 match (OFPBMC_BAD_VALUE, _BAD_FIELD on
 * values it cannot have). */
enum ofperr ofp11_match_decode(const uint8_t *p, struct match *m);
void ofp11_match_encode(struct ofpbuf *b, const struct match *m);

/* An OpenFlow 1.1+ match of either type at the front of @r (standard in
 * 1.1, OXM in 1.2+); *@padded_len gets the bytes it took. */
enum ofperr ofp_pull_ofp11_match(struct ofp_reader *r, struct match *m,
				 uint16_t *padded_len);
/* Appends @m for @version 1.1+ (standard or OXM) and returns the bytes. */
size_t ofp_put_ofp11_match(struct ofpbuf *b, const struct match *m,
			   uint8_t version);

#endif
