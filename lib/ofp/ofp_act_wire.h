/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_act_wire: actions and instructions on the wire, for every OpenFlow
 * version: the standard actions of 1.0, of 1.1 and of 1.2+ (set_field),
 * Nicira's extensions (NXAST_*) and ONF's copy_field, and the 1.1+
 * instructions.  The encoder picks the form Open vSwitch picks for each
 * version (so a switch stores what it would have stored from Open
 * vSwitch's ovs-ofctl); the decoder accepts every form Open vSwitch
 * accepts for the version and reports the error Open vSwitch reports
 * (OFPBAC_BAD_TYPE, _BAD_LEN, _BAD_VENDOR_TYPE, _BAD_ARGUMENT, ...,
 * OFPBIC_* for instructions), never reading past the bytes given.
 */
#ifndef MICROVS_OFP_ACT_WIRE_H
#define MICROVS_OFP_ACT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "ofp_actions.h"
#include "ofp_buf.h"
#include "ofp_errors.h"

/* OpenFlow 1.1+ instruction types. */
enum {
	OFPIT_GOTO_TABLE = 1,
	OFPIT_WRITE_METADATA = 2,
	OFPIT_WRITE_ACTIONS = 3,
	OFPIT_APPLY_ACTIONS = 4,
	OFPIT_CLEAR_ACTIONS = 5,
	OFPIT_METER = 6,
	OFPIT_N = 7,
	OFPIT_EXPERIMENTER = 0xffff,
};

/* Appends the actions of @data (no instructions but meter in 1.5) in
 * @version's form; returns the bytes appended. */
size_t ofpacts_put_openflow_actions(const void *data, size_t size,
				    struct ofpbuf *b, uint8_t version);
/* Appends the list as @version's instructions (1.1+), or as actions with
 * Nicira equivalents of the instructions (1.0). */
void ofpacts_put_openflow_instructions(const void *data, size_t size,
				       struct ofpbuf *b, uint8_t version);

/* Decodes @len bytes of actions (must be a multiple of 8) and appends
 * them to @out, which is cleared on error.  Meter is allowed (1.5). */
enum ofperr ofpacts_pull_openflow_actions(const uint8_t *p, size_t len,
					  uint8_t version, struct ofpacts *out);
/* Decodes @len bytes of instructions (1.1+) or actions (1.0) into @out,
 * which is cleared first (and on error). */
enum ofperr ofpacts_pull_openflow_instructions(const uint8_t *p, size_t len,
					       uint8_t version,
					       struct ofpacts *out);

/* The bitmaps of actions a 1.0 switch reports (features reply), by
 * OFPAT number, and their names ("output", "set_vlan_vid", ...). */
const char *ofp_action_bit_name(uint8_t version, unsigned bit);

#endif
