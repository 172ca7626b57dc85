/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_protocol: flow protocols, their names, and the messages that
 * switch a connection between them.
 */
#include "ofp_protocol.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofp_msg.h"

#define NXFF_OPENFLOW10 0
#define NXFF_NXM 2

const uint32_t ofp_flow_dump_protocols[] = {
	OFP_PROTO_OF15_OXM, OFP_PROTO_OF14_OXM, OFP_PROTO_OF13_OXM,
	OFP_PROTO_OF12_OXM, OFP_PROTO_OF11_STD, OFP_PROTO_OF10_NXM,
	OFP_PROTO_OF10_STD,
};
const unsigned ofp_n_flow_dump_protocols = ARRAY_SIZE(ofp_flow_dump_protocols);

uint32_t
ofp_protocols_from_version(uint8_t version)
{
	switch (version) {
	case OFP10_VERSION:
		return OFP_PROTO_OF10_ANY;
	case OFP11_VERSION:
		return OFP_PROTO_OF11_STD;
	case OFP12_VERSION:
		return OFP_PROTO_OF12_OXM;
	case OFP13_VERSION:
		return OFP_PROTO_OF13_OXM;
	case OFP14_VERSION:
		return OFP_PROTO_OF14_OXM;
	case OFP15_VERSION:
		return OFP_PROTO_OF15_OXM;
	}
	return 0;
}

uint32_t
ofp_protocol_from_version(uint8_t version)
{
	uint32_t p = ofp_protocols_from_version(version);
	return p & -p;
}

uint8_t
ofp_protocol_to_version(uint32_t protocol)
{
	if (protocol & OFP_PROTO_OF10_ANY)
		return OFP10_VERSION;
	if (protocol & OFP_PROTO_OF11_STD)
		return OFP11_VERSION;
	if (protocol & OFP_PROTO_OF12_OXM)
		return OFP12_VERSION;
	if (protocol & OFP_PROTO_OF13_OXM)
		return OFP13_VERSION;
	if (protocol & OFP_PROTO_OF14_OXM)
		return OFP14_VERSION;
	return OFP15_VERSION;
}

uint32_t
ofp_protocols_to_version_bitmap(uint32_t protocols)
{
	uint32_t bitmap = 0;

	for (uint32_t p = 1; p <= OFP_PROTO_OF15_OXM; p <<= 1)
		if (protocols & p)
			bitmap |= 1u << ofp_protocol_to_version(p);
	return bitmap;
}

uint32_t
ofp_protocols_from_version_bitmap(uint32_t bitmap)
{
	uint32_t protocols = 0;

	for (int v = OFP_MIN_VERSION; v <= OFP_MAX_VERSION; v++)
		if (bitmap & (1u << v))
			protocols |= ofp_protocols_from_version((uint8_t)v);
	return protocols;
}

uint32_t
ofp_protocol_set_tid(uint32_t protocol, bool enable)
{
	switch (protocol) {
	case OFP_PROTO_OF10_STD:
	case OFP_PROTO_OF10_STD_TID:
		return enable ? OFP_PROTO_OF10_STD_TID : OFP_PROTO_OF10_STD;
	case OFP_PROTO_OF10_NXM:
	case OFP_PROTO_OF10_NXM_TID:
		return enable ? OFP_PROTO_OF10_NXM_TID : OFP_PROTO_OF10_NXM;
	}
	return protocol;
}

static const struct {
	uint32_t protocol;
	const char *name;
} single_names[] = {
	{ OFP_PROTO_OF10_STD, "OpenFlow10-table_id" },
	{ OFP_PROTO_OF10_STD_TID, "OpenFlow10+table_id" },
	{ OFP_PROTO_OF10_NXM, "NXM-table_id" },
	{ OFP_PROTO_OF10_NXM_TID, "NXM+table_id" },
	{ OFP_PROTO_OF11_STD, "OpenFlow11" },
	{ OFP_PROTO_OF12_OXM, "OXM-OpenFlow12" },
	{ OFP_PROTO_OF13_OXM, "OXM-OpenFlow13" },
	{ OFP_PROTO_OF14_OXM, "OXM-OpenFlow14" },
	{ OFP_PROTO_OF15_OXM, "OXM-OpenFlow15" },
}, abbrevs[] = {
	{ OFP_PROTO_ANY, "any" },
	{ OFP_PROTO_OF10_STD_ANY, "OpenFlow10" },
	{ OFP_PROTO_OF10_NXM_ANY, "NXM" },
	{ OFP_PROTO_ANY_OXM, "OXM" },
};

char *
ofp_protocols_to_string(uint32_t protocols)
{
	struct ds s = DS_EMPTY;

	if (!protocols)
		return xstrdup("none");
	while (protocols) {
		bool done = false;

		if (s.len)
			ds_put_char(&s, ',');
		for (size_t i = 0; i < ARRAY_SIZE(abbrevs) && !done; i++)
			if ((protocols & abbrevs[i].protocol) ==
			    abbrevs[i].protocol) {
				ds_put(&s, abbrevs[i].name);
				protocols &= ~abbrevs[i].protocol;
				done = true;
			}
		for (size_t i = 0; i < ARRAY_SIZE(single_names) && !done; i++)
			if (protocols & single_names[i].protocol) {
				ds_put(&s, single_names[i].name);
				protocols &= ~single_names[i].protocol;
				done = true;
			}
		if (!done)
			break;
	}
	return ds_steal(&s);
}

static uint32_t
protocol_from_name(const char *s, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(single_names); i++)
		if (strlen(single_names[i].name) == n &&
		    !strncasecmp(s, single_names[i].name, n))
			return single_names[i].protocol;
	for (size_t i = 0; i < ARRAY_SIZE(abbrevs); i++)
		if (strlen(abbrevs[i].name) == n &&
		    !strncasecmp(s, abbrevs[i].name, n))
			return abbrevs[i].protocol;
	return 0;
}

uint32_t
ofp_protocols_from_string(const char *s, char **err)
{
	const char *orig = s;
	uint32_t protocols = 0;

	*err = NULL;
	while (*s) {
		size_t n = strcspn(s, ",");
		uint32_t p;

		if (!n) {
			s++;
			continue;
		}
		p = protocol_from_name(s, n);
		if (!p) {
			*err = xasprintf("%.*s: unknown flow protocol", (int)n,
					 s);
			return 0;
		}
		protocols |= p;
		s += n;
	}
	if (!protocols)
		*err = xasprintf("%s: no flow protocol specified", orig);
	return protocols;
}

uint32_t
ofp_versions_from_string(const char *s, char **err)
{
	uint32_t bitmap = 0;

	*err = NULL;
	while (*s) {
		size_t n;
		char *word;
		int v;

		if (isspace((unsigned char)*s) || *s == ',') {
			s++;
			continue;
		}
		n = strcspn(s, " \t\r\n,");
		word = xstrndup(s, n);
		v = -1;
		for (int i = OFP_MIN_VERSION; i <= OFP_MAX_VERSION; i++)
			if (!strcasecmp(word, ofp_version_name((uint8_t)i)))
				v = i;
		if (v < 0) {
			*err = xasprintf("Unknown OpenFlow version: \"%s\"",
					 word);
			free(word);
			return 0;
		}
		free(word);
		bitmap |= 1u << v;
		s += n;
	}
	return bitmap;
}

bool
ofp_encode_set_protocol(uint32_t current, uint32_t want, uint32_t *next,
			struct ofpbuf *b, uint32_t xid)
{
	uint32_t cur_base = ofp_protocol_set_tid(current, false);
	uint32_t want_base = ofp_protocol_set_tid(want, false);
	bool cur_tid = current & OFP_PROTO_TID, want_tid = want & OFP_PROTO_TID;
	size_t start;

	*next = current;
	if (ofp_protocol_to_version(current) != ofp_protocol_to_version(want))
		return false;
	if (cur_base != want_base) {
		*next = ofp_protocol_set_tid(want_base, cur_tid);
		start = ofp_msg_start(b, OFPRAW_NXT_SET_FLOW_FORMAT,
				      OFP10_VERSION, xid);
		ofpbuf_put_be32(b, want_base == OFP_PROTO_OF10_NXM
					   ? NXFF_NXM
					   : NXFF_OPENFLOW10);
		ofp_msg_finish(b, start);
		return true;
	}
	if (cur_tid != want_tid) {
		*next = ofp_protocol_set_tid(current, want_tid);
		start = ofp_msg_start(b, OFPRAW_NXT_FLOW_MOD_TABLE_ID,
				      OFP10_VERSION, xid);
		ofpbuf_put_u8(b, want_tid);
		ofpbuf_put_zeros(b, 7);
		ofp_msg_finish(b, start);
		return true;
	}
	return false;
}
