/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_fuzz: libFuzzer target for lib/ofp's decoders.  Each input is fed
 * as an OpenFlow message to the printer (which runs every message kind's
 * decoder), to the decoders a switch runs on requests (flow mod, group
 * mod, meter mod, port mod, packet-out, table features, bundle control,
 * bundle add and the message it carries, set-async, NXT_RESUME and its
 * continuation), with a re-encode of what
 * decodes, and as text to the flow, group and meter
 * parsers.  Built and run by tests/fuzz/ofp_fuzz.sh (clang, libFuzzer,
 * ASan, UBSan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ofp_act_wire.h"
#include "ofp_async.h"
#include "ofp_continuation.h"
#include "ofp_flow_wire.h"
#include "ofp_group.h"
#include "ofp_meter.h"
#include "ofp_misc.h"
#include "ofp_msg.h"
#include "ofp_packet.h"
#include "ofp_port.h"
#include "ofp_print.h"
#include "ofp_protocol.h"
#include "ofp_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
quiet(const char *module, const char *level, const char *msg)
{
	(void)module;
	(void)level;
	(void)msg;
}

static void
decode_request(const struct ofp_msg *m)
{
	struct ofpbuf b;

	ofpbuf_init(&b);
	switch (m->type) {
	case OFPTYPE_FLOW_MOD: {
		uint32_t protocol = ofp_protocol_set_tid(
			ofp_protocol_from_version(m->version), true);
		struct ofp_flow_mod fm;

		if (!ofp_decode_flow_mod(&fm, m, protocol, OFPP_MAX)) {
			ofp_encode_flow_mod(&b, &fm, protocol, 1);
			ofp_flow_mod_uninit(&fm);
		}
		break;
	}
	case OFPTYPE_GROUP_MOD: {
		struct ofp_group_mod gm;

		if (!ofp_decode_group_mod(m, &gm)) {
			char *e = ofp_encode_group_mod(&b, &gm, m->version, 1);
			free(e);
			ofp_group_mod_uninit(&gm);
		}
		break;
	}
	case OFPTYPE_METER_MOD: {
		struct ofp_meter_mod mm;

		if (!ofp_decode_meter_mod(m, &mm)) {
			ofp_encode_meter_mod(&b, &mm, m->version, 1);
			ofp_meter_mod_uninit(&mm);
		}
		break;
	}
	case OFPTYPE_PORT_MOD: {
		struct ofp_port_mod pm;

		if (!ofp_decode_port_mod(m, &pm, false))
			ofp_encode_port_mod(&b, &pm, m->version, 1);
		break;
	}
	case OFPTYPE_PACKET_OUT: {
		struct ofp_packet_out po;

		if (!ofp_decode_packet_out(m, &po)) {
			ofp_encode_packet_out(&b, &po, m->version, 1);
			ofpacts_free(&po.acts);
		}
		break;
	}
	case OFPTYPE_TABLE_FEATURES_STATS_REQUEST: {
		struct ofp_reader r = ofp_reader_init(m->body, m->body_len);
		struct ofp_table_features tf;

		while (!ofp_pull_table_features(m, &r, &tf, false))
			ofp_put_table_features(&b, &tf, m->version);
		break;
	}
	case OFPTYPE_BUNDLE_CONTROL: {
		uint32_t id;
		uint16_t type, flags;

		if (!ofp_decode_bundle_ctrl(m, &id, &type, &flags))
			ofp_encode_bundle_ctrl(&b, m->version, id, type, flags,
					       m->xid);
		break;
	}
	case OFPTYPE_BUNDLE_ADD_MESSAGE: {
		struct ofp_msg inner;
		uint32_t id;
		uint16_t flags;

		if (!ofp_decode_bundle_add(m, &id, &flags, &inner)) {
			ofp_encode_bundle_add(&b, m->version, id, flags,
					      inner.data, inner.len);
			decode_request(&inner);
		}
		break;
	}
	case OFPTYPE_SET_ASYNC_CONFIG: {
		struct ofp_async_cfg basis = ofp_async_cfg_default(m->version),
				     cfg;

		if (!ofp_decode_async_config(m, false, &basis, &cfg))
			ofp_encode_get_async_reply(&b, m, &cfg);
		break;
	}
	case OFPTYPE_NXT_RESUME: {
		struct ofp_continuation k;
		struct ofp_packet_in pin;

		if (ofp_decode_packet_in(m, &pin))
			break;
		ofp_continuation_init(&k);
		if (!ofp_continuation_decode(pin.continuation,
					     pin.continuation_len, m->version,
					     &k))
			ofp_continuation_put(&b, &k, m->version);
		ofp_continuation_uninit(&k);
		break;
	}
	default:
		break;
	}
	ofpbuf_uninit(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ofp_msg m;
	char *s;

	ofp_set_warn_hook(quiet);
	s = ofp_to_string(data, size, NULL, 5);
	free(s);
	if (!ofp_msg_decode(data, size, &m))
		decode_request(&m);
	for (uint8_t v = OFP10_VERSION; v <= OFP15_VERSION; v++) {
		struct ofpacts acts;

		ofpacts_init(&acts);
		if (!ofpacts_pull_openflow_instructions(data, size & ~(size_t)7,
							v, &acts)) {
			struct ofpbuf b;

			ofpbuf_init(&b);
			ofpacts_put_openflow_instructions(acts.data, acts.size,
							  &b, v);
			ofpbuf_uninit(&b);
		}
		ofpacts_free(&acts);
	}

	/* The same bytes as ovs-ofctl text. */
	char *text = malloc(size + 1);
	struct ofp_flow_mod fm;
	struct ofp_group_mod gm;
	struct ofp_meter_mod mm;
	uint32_t usable;
	char *err;

	memcpy(text, data, size);
	text[size] = '\0';
	err = ofp_flow_mod_parse_ex(&fm, text, OFPFC_ADD, NULL, &usable);
	if (!err) {
		struct ofpbuf b;

		ofpbuf_init(&b);
		for (uint32_t p = 1; p < OFP_PROTO_ANY; p <<= 1)
			if (p & usable) {
				b.size = 0;
				ofp_encode_flow_mod(&b, &fm, p, 1);
			}
		ofpbuf_uninit(&b);
		ofp_flow_mod_uninit(&fm);
	}
	free(err);
	err = ofp_group_mod_parse(&gm, -2, text, NULL, &usable);
	if (!err)
		ofp_group_mod_uninit(&gm);
	free(err);
	err = ofp_meter_mod_parse(&mm, text, OFPMC13_ADD);
	if (!err)
		ofp_meter_mod_uninit(&mm);
	free(err);
	free(text);
	return 0;
}
