/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_async: asynchronous-message configuration on the wire (OpenFlow
 * 1.3's masks, 1.4's properties, Nicira's two forms), Open vSwitch 3.1's
 * defaults, and the text ovs-ofctl prints for it.
 */
#include "ofp_async.h"

#include <stdio.h>
#include <string.h>

/* Reasons, as bits. */
#define BITS(n) ((1u << (n)) - 1)
#define PIN10_BITS BITS(3) /* no_match, action, invalid_ttl */
#define PIN14_BITS BITS(6) /* and action_set, group, packet_out */
#define PIN_INVALID_TTL 2
#define PIN_ACTION 1
#define PIN14_ACTION_BITS (PIN14_BITS & ~PIN10_BITS)
#define PORT_BITS BITS(3)	 /* add, delete, modify */
#define REMOVED10_BITS BITS(3)	 /* idle, hard, delete */
#define REMOVED13_BITS BITS(4)	 /* and group_delete */
#define REMOVED14_BITS BITS(6)	 /* and meter_delete, eviction */
#define TABLE_BITS (3u << 3)	 /* vacancy_down, vacancy_up */
#define ROLE_BITS BITS(3)	 /* primary_request, config, experimenter */
#define FORWARD_BITS BITS(2)	 /* group_mod, meter_mod */
#define PROP_EXPERIMENTER 0xfffe /* property types from here on */

/* The kinds in OpenFlow 1.4's property order, and the reasons each may
 * name before 1.4 and from 1.4 on. */
static const struct {
	const char *name;
	uint32_t allowed10, allowed14;
} kinds[OFP_ASYNC_N_TYPES] = {
	[OFP_ASYNC_PACKET_IN] = { "PACKET_IN", PIN10_BITS, PIN14_BITS },
	[OFP_ASYNC_PORT_STATUS] = { "PORT_STATUS", PORT_BITS, PORT_BITS },
	[OFP_ASYNC_FLOW_REMOVED] = { "FLOW_REMOVED", REMOVED14_BITS,
				     REMOVED14_BITS },
	[OFP_ASYNC_ROLE_STATUS] = { "ROLE_STATUS", ROLE_BITS, ROLE_BITS },
	[OFP_ASYNC_TABLE_STATUS] = { "TABLE_STATUS", TABLE_BITS, TABLE_BITS },
	[OFP_ASYNC_REQUESTFORWARD] = { "REQUESTFORWARD", FORWARD_BITS,
				       FORWARD_BITS },
};

static uint32_t
allowed(enum ofp_async_type t, uint8_t version)
{
	return version >= OFP14_VERSION ? kinds[t].allowed14
					: kinds[t].allowed10;
}

struct ofp_async_cfg
ofp_async_cfg_default(uint8_t version)
{
	struct ofp_async_cfg c;
	uint32_t pin = (PIN14_BITS & ~(1u << PIN_INVALID_TTL)) |
		       1u << OFP_ASYNC_PIN_EXPLICIT_MISS;

	memset(&c, 0, sizeof c);
	if (version <= OFP12_VERSION)
		pin |= 1u << OFP_ASYNC_PIN_IMPLICIT_MISS;
	c.primary[OFP_ASYNC_PACKET_IN] = pin;
	c.primary[OFP_ASYNC_PORT_STATUS] = PORT_BITS;
	c.secondary[OFP_ASYNC_PORT_STATUS] = PORT_BITS;
	c.primary[OFP_ASYNC_FLOW_REMOVED] =
		version >= OFP14_VERSION   ? REMOVED14_BITS
		: version == OFP13_VERSION ? REMOVED13_BITS
					   : REMOVED10_BITS;
	return c;
}

/* Sets the @primary or secondary mask of kind @t to @mask from a message
 * of @version: reasons the version lacks are an error unless @loose
 * (then dropped); a table miss sets the two kinds of miss with it. */
static enum ofperr
set_mask(struct ofp_async_cfg *c, enum ofp_async_type t, bool primary,
	 uint32_t mask, uint8_t version, bool loose)
{
	uint32_t ok = allowed(t, version);

	if (mask & ~ok) {
		if (!loose) {
			ofp_warn("ofp_connection",
				 "bad value %#x for %s (allowed mask %#x)",
				 mask, kinds[t].name, ok);
			return OFPERR_OFPACFC_INVALID;
		}
		mask &= ok;
	}
	if (t == OFP_ASYNC_PACKET_IN && mask & 1) {
		mask |= 1u << OFP_ASYNC_PIN_EXPLICIT_MISS;
		if (version < OFP13_VERSION)
			mask |= 1u << OFP_ASYNC_PIN_IMPLICIT_MISS;
	}
	(primary ? c->primary : c->secondary)[t] = mask;
	return 0;
}

/* The mask form: packet-in, port-status, flow-removed, each primary then
 * secondary. */
static enum ofperr
decode_masks(const struct ofp_msg *m, struct ofp_async_cfg *out)
{
	memset(out, 0, sizeof *out);
	for (int t = 0; t < 3; t++)
		for (int i = 0; i < 2; i++)
			set_mask(out, (enum ofp_async_type)t, i == 0,
				 get_be32(m->body + 8 * t + 4 * i), m->version,
				 true);
	return 0;
}

/* One property at @p (@left bytes, 8-byte aligned); its padded length
 * into *@lenp. */
static enum ofperr
decode_prop(const uint8_t *p, size_t left, const struct ofp_msg *m, bool loose,
	    struct ofp_async_cfg *out, size_t *lenp)
{
	uint16_t type, len;
	size_t padded;

	if (left < 4)
		return OFPERR_OFPBPC_BAD_LEN;
	type = get_be16(p);
	len = get_be16(p + 2);
	padded = ((size_t)len + 7) & ~(size_t)7;
	if (len < 4 || padded > left)
		return OFPERR_OFPBPC_BAD_LEN;
	*lenp = padded;
	if (type >= PROP_EXPERIMENTER) {
		/* No experimenter property is known: Open vSwitch's answer
		 * for an unknown one. */
		if (len < 12)
			return OFPERR_OFPBPC_BAD_LEN;
		if (!get_be32(p + 4))
			return OFPERR_OFPBPC_BAD_EXPERIMENTER;
		return loose ? 0 : OFPERR_OFPBPC_BAD_EXP_TYPE;
	}
	if (type >= 2 * OFP_ASYNC_N_TYPES) {
		if (loose)
			return 0;
		ofp_warn("ofp_connection",
			 "unknown async config property type %u", type);
		return OFPERR_OFPACFC_UNSUPPORTED;
	}
	if (len != 8)
		return OFPERR_OFPBPC_BAD_LEN;
	return set_mask(out, (enum ofp_async_type)(type / 2), type & 1,
			get_be32(p + 4), m->version, loose);
}

enum ofperr
ofp_decode_async_config(const struct ofp_msg *m, bool loose,
			const struct ofp_async_cfg *basis,
			struct ofp_async_cfg *out)
{
	size_t ofs = 0;

	switch (m->raw) {
	case OFPRAW_OFPT13_SET_ASYNC:
	case OFPRAW_NXT_SET_ASYNC_CONFIG:
	case OFPRAW_OFPT13_GET_ASYNC_REPLY:
		return decode_masks(m, out);
	case OFPRAW_OFPT14_SET_ASYNC:
	case OFPRAW_OFPT14_GET_ASYNC_REPLY:
	case OFPRAW_NXT_SET_ASYNC_CONFIG2:
		break;
	default:
		return OFPERR_OFPBRC_BAD_VERSION;
	}
	*out = *basis;
	while (ofs < m->body_len) {
		size_t len = 0;
		enum ofperr e = decode_prop(m->body + ofs, m->body_len - ofs, m,
					    loose, out, &len);

		if (e)
			return e;
		ofs += len;
	}
	return 0;
}

static uint32_t
mask_of(const struct ofp_async_cfg *c, enum ofp_async_type t, bool primary,
	uint8_t version)
{
	return (primary ? c->primary : c->secondary)[t] & allowed(t, version);
}

void
ofp_encode_get_async_reply(struct ofpbuf *b, const struct ofp_msg *request,
			   const struct ofp_async_cfg *cfg)
{
	uint8_t v = request->version;
	size_t start = ofp_msg_start(b,
				     v >= OFP14_VERSION
					     ? OFPRAW_OFPT14_GET_ASYNC_REPLY
					     : OFPRAW_OFPT13_GET_ASYNC_REPLY,
				     v, request->xid);

	if (v < OFP14_VERSION) {
		for (int t = 0; t < 3; t++)
			for (int i = 0; i < 2; i++)
				ofpbuf_put_be32(
					b, mask_of(cfg, (enum ofp_async_type)t,
						   i == 0, v));
	} else {
		for (int t = 0; t < 2 * OFP_ASYNC_N_TYPES; t++) {
			ofpbuf_put_be16(b, (uint16_t)t);
			ofpbuf_put_be16(b, 8);
			ofpbuf_put_be32(b, mask_of(cfg,
						   (enum ofp_async_type)(t / 2),
						   t & 1, v));
		}
	}
	ofp_msg_finish(b, start);
}

/* The name of reason @r of kind @t ("" for the two kinds of table miss,
 * which ovs-ofctl does not print), or NULL for a number. */
static const char *
reason_name(enum ofp_async_type t, unsigned r)
{
	static const char *const pin[] = {
		"no_match",   "action", "invalid_ttl",
		"action_set", "group",	"packet_out",
		"",	      ""
	};
	static const char *const port[] = { "add", "delete", "modify" };
	static const char *const removed[] = { "idle",	       "hard",
					       "delete",       "group_delete",
					       "meter_delete", "eviction" };
	static const char *const role[] = { "primary_request",
					    "configuration_changed",
					    "experimenter_data_changed" };
	static const char *const table[] = { NULL, NULL, NULL, "vacancy_down",
					     "vacancy_up" };
	static const char *const forward[] = { "group_mod_request",
					       "meter_mod_request" };
#define PICK(a) return r < ARRAY_SIZE(a) ? (a)[r] : NULL
	switch (t) {
	case OFP_ASYNC_PACKET_IN:
		PICK(pin);
	case OFP_ASYNC_PORT_STATUS:
		PICK(port);
	case OFP_ASYNC_FLOW_REMOVED:
		PICK(removed);
	case OFP_ASYNC_ROLE_STATUS:
		PICK(role);
	case OFP_ASYNC_TABLE_STATUS:
		PICK(table);
	case OFP_ASYNC_REQUESTFORWARD:
		PICK(forward);
	default:
		return NULL;
	}
#undef PICK
}

enum ofperr
ofp_print_async_config(struct ds *s, const struct ofp_msg *m)
{
	static const struct ofp_async_cfg none;
	struct ofp_async_cfg c;
	enum ofperr e = ofp_decode_async_config(
		m, m->type == OFPTYPE_GET_ASYNC_REPLY, &none, &c);

	if (e)
		return e;
	for (int i = 0; i < 2; i++) {
		const uint32_t *masks = i == 0 ? c.primary : c.secondary;

		ds_printf(s, "\n %s:\n", i == 0 ? "primary" : "secondary");
		for (int t = 0; t < OFP_ASYNC_N_TYPES; t++) {
			ds_printf(s, "%16s:", kinds[t].name);
			for (unsigned r = 0; r < 32; r++) {
				const char *name;

				if (!(masks[t] & (1u << r)))
					continue;
				name = reason_name((enum ofp_async_type)t, r);
				if (!name)
					ds_printf(s, " %u", r);
				else if (name[0])
					ds_printf(s, " %s", name);
			}
			if (!masks[t])
				ds_put(s, " (off)");
			ds_put_char(s, '\n');
		}
	}
	return 0;
}
