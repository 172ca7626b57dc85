/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_actions_priv: what the action files share and nothing else uses:
 * the parse context, the row type of the action table, the parsers and
 * printers that live in ofp_actions_nx.c, and small number parsers with
 * Open vSwitch's messages.
 */
#ifndef MICROVS_OFP_ACTIONS_PRIV_H
#define MICROVS_OFP_ACTIONS_PRIV_H

#include "ofp_actions.h"
#include "ofp_buf.h"

#define OFPR_NO_MATCH 0
#define OFPR_ACTION 1

/* What a parser appends to and narrows. */
struct ofpact_pctx {
	const struct ofp_port_map *ports;
	struct ofpacts *acts;
	uint32_t *usable; /* OFP_PROTO_* */
	int depth;
};

typedef char *ofpact_parse_fn(char *arg, struct ofpact_pctx *pc);
typedef void ofpact_format_fn(struct ds *, const struct ofpact *,
			      const struct ofp_port_map *);

struct ofpact_info {
	const char *name; /* Open vSwitch's name, also the keyword */
	ofpact_parse_fn *parse;
	ofpact_format_fn *format;
};

/* ofp_actions_nx.c */
ofpact_parse_fn ofpact_parse_set_field, ofpact_parse_load, ofpact_parse_move,
	ofpact_parse_learn, ofpact_parse_multipath, ofpact_parse_bundle,
	ofpact_parse_bundle_load;
ofpact_format_fn ofpact_format_set_field, ofpact_format_move,
	ofpact_format_learn, ofpact_format_multipath, ofpact_format_bundle,
	ofpact_format_output_reg;

/* True if @a belongs to the apply-actions instruction in @version. */
bool ofpact_is_apply_action(const struct ofpact *a, uint8_t version);

/* "action", "no_match", ... (or the number, in @buf). */
const char *ofp_packet_in_reason_name(unsigned reason, char *buf, size_t n);

/* Number parsers: NULL or Open vSwitch's message, malloc'd. */
char *ofp_parse_u8(const char *s, const char *what, uint8_t *out);
char *ofp_parse_u32(const char *s, uint32_t *out);
char *ofp_parse_u64(const char *s, uint64_t *out);
/* Hex bytes with optional dots and blanks between pairs ("01.02"). */
char *ofp_parse_hex_dotted(const char *s, struct ofpbuf *b);
/* Warns, as Open vSwitch does, about a table number above 255. */
void ofp_warn_table_range(const char *s, unsigned long t);

#endif
