/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_meter: meters (1.3+): meter mods in ovs-ofctl's text
 * ("meter=1,kbps,band=type=drop,rate=100"), on the wire, meter config,
 * statistics and features requests and replies, and their text.
 */
#ifndef MICROVS_OFP_METER_H
#define MICROVS_OFP_METER_H

#include <stdint.h>

#include "ofp_buf.h"
#include "ofp_errors.h"
#include "ofp_msg.h"

#define OFPM13_MAX 0xffff0000u
#define OFPM13_SLOWPATH 0xfffffffdu
#define OFPM13_CONTROLLER 0xfffffffeu
#define OFPM13_ALL 0xffffffffu
#define OFPMF13_KBPS 1
#define OFPMF13_PKTPS 2
#define OFPMF13_BURST 4
#define OFPMF13_STATS 8
#define OFPMBT13_DROP 1
#define OFPMBT13_DSCP_REMARK 2
#define OFPMC13_ADD 0
#define OFPMC13_MODIFY 1
#define OFPMC13_DELETE 2

struct ofp_meter_band {
	uint16_t type;
	uint8_t prec_level;
	uint32_t rate, burst_size;
};

struct ofp_meter_mod {
	uint16_t command;
	uint32_t meter_id;
	uint16_t flags;
	uint16_t n_bands;
	struct ofp_meter_band *bands; /* owned */
};

void ofp_meter_mod_uninit(struct ofp_meter_mod *mm);
/* Parses ovs-ofctl's meter syntax for @command (-1: only "meter=N", as
 * dump-meters and meter-stats take).  NULL or a malloc'd message in Open
 * vSwitch's words ("must specify 'meter'"); meters need OpenFlow 1.3. */
char *ofp_meter_mod_parse(struct ofp_meter_mod *mm, const char *s, int command);
void ofp_encode_meter_mod(struct ofpbuf *b, const struct ofp_meter_mod *mm,
			  uint8_t version, uint32_t xid);
/* Decodes a meter mod (OFPMMFC_BAD_COMMAND, _BAD_FLAGS, _BAD_BAND,
 * OFPBRC_BAD_LEN). */
enum ofperr ofp_decode_meter_mod(const struct ofp_msg *m,
				 struct ofp_meter_mod *mm);

enum ofp_meter_request {
	OFP_METER_CONFIG,
	OFP_METER_STATS,
	OFP_METER_FEATURES
};
void ofp_encode_meter_request(struct ofpbuf *b, uint8_t version,
			      enum ofp_meter_request type, uint32_t meter_id,
			      uint32_t xid);
/* The meter a config or stats request asks for (OFPM13_ALL: all). */
enum ofperr ofp_decode_meter_request(const struct ofp_msg *m,
				     uint32_t *meter_id);
/* Appends one meter config entry (what dump-meters prints). */
void ofp_append_meter_config(struct ofpbuf *b, uint32_t meter_id,
			     uint16_t flags, const struct ofp_meter_band *bands,
			     uint16_t n_bands);
/* One meter's statistics: what entered it, and what each band took. */
struct ofp_meter_stats {
	uint32_t meter_id;
	uint32_t flow_count;
	uint64_t packet_in_count, byte_in_count;
	uint32_t duration_sec, duration_nsec;
	uint16_t n_bands;
	const uint64_t (*bands)[2]; /* packet and byte counts of each band */
};
void ofp_append_meter_stats(struct ofpbuf *b, const struct ofp_meter_stats *ms);
/* Appends a meter features body. */
struct ofp_meter_features {
	uint32_t max_meter, band_types, capabilities;
	uint8_t max_bands, max_color;
};
void ofp_put_meter_features(struct ofpbuf *b,
			    const struct ofp_meter_features *mf);

/* Appends "meter=5" (@sep '=') or "meter:all". */
void ofp_format_meter_id(struct ds *s, uint32_t meter_id, char sep);

/* Message texts for ofp_print. */
enum ofperr ofp_print_meter_mod(struct ds *s, const struct ofp_msg *m);
enum ofperr ofp_print_meter_request(struct ds *s, const struct ofp_msg *m);
enum ofperr ofp_print_meter_config_reply(struct ds *s, const struct ofp_msg *m);
enum ofperr ofp_print_meter_stats_reply(struct ds *s, const struct ofp_msg *m);
enum ofperr ofp_print_meter_features(struct ds *s, const struct ofp_msg *m);

#endif
