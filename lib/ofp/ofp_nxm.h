/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_nxm: matches and fields as NXM (Nicira's extensible match, the
 * format of NXT_FLOW_MOD and NXST_FLOW) and OXM (OpenFlow 1.2+): the
 * header each field of the match-field table travels under in each
 * version, encoding a struct match in Open vSwitch's order, and a strict
 * decoder that reports the error Open vSwitch reports (OFPBMC_BAD_LEN,
 * _BAD_FIELD, _BAD_WILDCARDS, _BAD_MASK, _BAD_VALUE, _BAD_PREREQ,
 * _DUP_FIELD, _BAD_TYPE).
 *
 * A header is handled as a 64-bit number: the 32-bit NXM/OXM header in
 * the upper half and, for an experimenter OXM (class 0xffff), the
 * experimenter id in the lower half.
 */
#ifndef MICROVS_OFP_NXM_H
#define MICROVS_OFP_NXM_H

#include <stdbool.h>
#include <stdint.h>

#include "ofp_buf.h"
#include "ofp_errors.h"
#include "ofp_field.h"

#define OFPMT_STANDARD 0 /* OpenFlow 1.1's fixed match */
#define OFPMT_OXM 1

/* The name a field has in actions' text ("NXM_NX_REG0",
 * "OXM_OF_METADATA"), or NULL if it has no NXM or OXM header. */
const char *nxm_field_name(enum ofp_field_id id);
/* The field named @name (an NXM or OXM name, @len bytes), or NULL; with
 * *@masked set if the name ends in "_W". */
const struct ofp_field *nxm_field_from_name(const char *name, size_t len,
					    bool *masked);
/* True if @id can be said in NXM/OXM at all. */
bool nxm_field_has_header(enum ofp_field_id id);

/* The header of @id as @version prefers it (0: NXM first), with
 * @masked. */
uint64_t nxm_header(enum ofp_field_id id, uint8_t version, bool masked);
/* Appends the header of @id (4 or 8 bytes). */
void nxm_put_header(struct ofpbuf *b, enum ofp_field_id id, uint8_t version,
		    bool masked);
/* Appends one entry: header, value and, unless @mask is NULL, mask
 * (network-order bytes of the field's width). */
void nxm_put_entry(struct ofpbuf *b, enum ofp_field_id id, uint8_t version,
		   const void *value, const void *mask);

/* Pulls one header: its field (NULL with OFPBMC_BAD_FIELD if unknown)
 * and whether it is masked (a masked header is OFPBMC_BAD_MASK if
 * @masked is NULL). */
enum ofperr nxm_pull_header(struct ofp_reader *r, const struct ofp_field **f,
			    bool *masked);
/* Pulls one entry with its value and mask (all ones if unmasked; a mask
 * is OFPBMC_BAD_MASK if @mask is NULL). */
enum ofperr nxm_pull_entry(struct ofp_reader *r, const struct ofp_field **f,
			   union ofp_value *value, union ofp_value *mask);

/* Appends @m as NXM (with an NXM_NX_COOKIE entry if @cookie_mask) and
 * returns its length, unpadded. */
/* Appends the @len bytes of nx_match entries at @p as Open vSwitch's
 * nx_match_to_string: "NXM_OF_ETH_TYPE(0800), NXM_NX_REG0_W(...)"
 * ("<any>" when empty, "<N invalid bytes>" for a bad tail). */
void nx_match_format(struct ds *s, const uint8_t *p, size_t len);
size_t nx_put_match(struct ofpbuf *b, const struct match *m, uint64_t cookie,
		    uint64_t cookie_mask);
/* Appends @m as an OpenFlow 1.2+ match (header, OXM entries, padding to
 * 8) for @version and returns the bytes appended. */
size_t oxm_put_match(struct ofpbuf *b, const struct match *m, uint8_t version);
/* Appends just the OXM entries of @m (packet-in and flow-removed bodies
 * use them bare in some places). */
void oxm_put_raw(struct ofpbuf *b, const struct match *m, uint8_t version);

/* Decodes @match_len bytes of NXM (then skips the padding to 8; both
 * must be in @r).  @cookie and @cookie_mask may be NULL, which refuses
 * an NXM_NX_COOKIE entry.  @strict refuses unknown fields and unmet
 * prerequisites (flow-mods); otherwise both are skipped. */
enum ofperr nx_pull_match(struct ofp_reader *r, size_t match_len, bool strict,
			  struct match *m, uint64_t *cookie,
			  uint64_t *cookie_mask);
/* Decodes an OpenFlow 1.2+ match (its header, entries and padding). */
enum ofperr oxm_pull_match(struct ofp_reader *r, bool strict, struct match *m);
/* Decodes @len bytes of bare OXM entries. */
enum ofperr oxm_decode_raw(const uint8_t *p, size_t len, bool strict,
			   struct match *m);

/* True if @m's mask covers what @f requires and @m's flow meets it. */
bool ofp_field_match_prereqs_ok(const struct ofp_field *f,
				const struct match *m);
/* Open vSwitch's mf_is_value_valid: false for a value with bits the field
 * cannot have (a DSCP with ECN bits, a VLAN PCP above 7, ...). */
bool ofp_field_value_valid(const struct ofp_field *f, const union ofp_value *v);

#endif
