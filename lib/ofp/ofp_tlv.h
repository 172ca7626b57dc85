/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_tlv: Open vSwitch's TLV mapping table (Geneve options to the
 * tun_metadata0..63 match fields): the NXT_TLV_TABLE_MOD, _REQUEST and
 * _REPLY messages, their text, ovs-ofctl's mapping syntax, and the table a
 * switch keeps with Open vSwitch's rules and errors.
 */
#ifndef MICROVS_OFP_TLV_H
#define MICROVS_OFP_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp_buf.h"
#include "ofp_errors.h"
#include "ofp_msg.h"

#define OFP_TLV_N_FIELDS 64	/* tun_metadata0..63 */
#define OFP_TLV_MAX_SPACE 256	/* bytes of option data a table maps */
#define OFP_TLV_MAX_OPT_LEN 124 /* one option's data, a multiple of 4 */

enum ofp_tlv_command {
	OFP_TLV_ADD,
	OFP_TLV_DELETE,
	OFP_TLV_CLEAR,
};

struct ofp_tlv_map {
	uint16_t option_class;
	uint8_t option_type;
	uint8_t option_len; /* bytes of data */
	uint16_t index;	    /* N of tun_metadataN */
};

/* A decoded or parsed table mod; @maps is malloc'ed (ofp_tlv_mod_free). */
struct ofp_tlv_mod {
	enum ofp_tlv_command command;
	struct ofp_tlv_map *maps;
	size_t n_maps;
};

/* A switch's table: entry i maps tun_metadata<i>. */
struct ofp_tlv_table {
	bool valid[OFP_TLV_N_FIELDS];
	struct ofp_tlv_map maps[OFP_TLV_N_FIELDS];
};

void ofp_tlv_mod_free(struct ofp_tlv_mod *mod);

/* Decodes NXT_TLV_TABLE_MOD @m into @mod (freed by the caller, also on
 * error).  Errors, as Open vSwitch's: OFPERR_NXTTMFC_BAD_COMMAND,
 * _BAD_OPT_LEN (not a multiple of 4 or over 124), _BAD_FIELD_IDX (over
 * 63), OFPERR_OFPBRC_BAD_LEN for a body that is not whole mappings. */
enum ofperr ofp_decode_tlv_mod(const struct ofp_msg *m,
			       struct ofp_tlv_mod *mod);
/* Appends NXT_TLV_TABLE_MOD for @mod. */
void ofp_encode_tlv_mod(struct ofpbuf *b, uint8_t version,
			const struct ofp_tlv_mod *mod, uint32_t xid);
/* Appends NXT_TLV_TABLE_REQUEST. */
void ofp_encode_tlv_request(struct ofpbuf *b, uint8_t version, uint32_t xid);
/* Appends NXT_TLV_TABLE_REPLY for @t (its mappings by index). */
void ofp_encode_tlv_reply(struct ofpbuf *b, uint8_t version,
			  const struct ofp_tlv_table *t, uint32_t xid);

/* Parses ovs-ofctl's "{class=C,type=T,len=L}->tun_metadataN[,...]" (each
 * number as C's %i: decimal, 0x hex or 0 octal, truncated to its field's
 * width, as Open vSwitch's scanf does) into @mod's mappings.  Returns NULL,
 * or the error text (malloc'ed: "invalid tlv mapping"). */
char *ofp_parse_tlv_maps(const char *s, struct ofp_tlv_mod *mod);

/* Applies @mod to @t as Open vSwitch does, all or nothing: ADD fails with
 * OFPERR_NXTTMFC_ALREADY_MAPPED (index taken), _DUP_ENTRY (class and
 * type mapped already) or _TABLE_FULL (over 256 bytes of options);
 * DELETE removes the given indexes (absent ones silently); CLEAR removes
 * all.  @in_use(aux, index), if not NULL, says whether flows use a field:
 * deleting or clearing one fails with OFPERR_NXTTMFC_INVALID_TLV_DEL. */
enum ofperr ofp_tlv_table_mod(struct ofp_tlv_table *t,
			      const struct ofp_tlv_mod *mod,
			      bool (*in_use)(void *aux, unsigned index),
			      void *aux);
/* True if @t maps the option of class @option_class, type @option_type
 * with @option_len bytes of data. */
bool ofp_tlv_table_maps(const struct ofp_tlv_table *t, uint16_t option_class,
			uint8_t option_type, uint8_t option_len);
/* The bytes of option data @t maps. */
unsigned ofp_tlv_table_space(const struct ofp_tlv_table *t);

/* Message texts for ofp_print. */
enum ofperr ofp_print_tlv_mod(struct ds *s, const struct ofp_msg *m);
enum ofperr ofp_print_tlv_reply(struct ds *s, const struct ofp_msg *m);

#endif
