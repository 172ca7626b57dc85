/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_print: the dispatcher from message kind to its text, the framing
 * cases, and the text of the small messages (hello, error, echo, desc,
 * role, Nicira's protocol switches).
 */
#include "ofp_print.h"

#include <stdlib.h>
#include <string.h>

#include "ofp_async.h"
#include "ofp_buf.h"
#include "ofp_errors.h"
#include "ofp_flow_wire.h"
#include "ofp_group.h"
#include "ofp_meter.h"
#include "ofp_misc.h"
#include "ofp_msg.h"
#include "ofp_packet.h"
#include "ofp_port.h"
#include "ofp_table.h"
#include "ofp_tlv.h"

void
ofp_put_printable(struct ds *s, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		if (c[i] < 0x20 || c[i] > 0x7e || c[i] == '\\' || c[i] == '"')
			ds_printf(s, "\\%03o", c[i]);
		else
			ds_put_char(s, (char)c[i]);
	}
}

static void
add_newline(struct ds *s)
{
	if (s->len && ds_last(s) != '\n')
		ds_put_char(s, '\n');
}

static void
print_version_xid(struct ds *s, uint8_t version, uint32_t xid)
{
	static const char *const names[] = { NULL,	 NULL,	     " (OF1.1)",
					     " (OF1.2)", " (OF1.3)", " (OF1.4)",
					     " (OF1.5)" };

	if (version < ARRAY_SIZE(names) && version >= OFP10_VERSION) {
		if (names[version])
			ds_put(s, names[version]);
	} else {
		ds_printf(s, " (OF 0x%02x)", version);
	}
	ds_printf(s, " (xid=0x%x):", xid);
}

static void
print_header(struct ds *s, const uint8_t *p, enum ofpraw raw)
{
	ds_put(s, ofpraw_name(raw));
	print_version_xid(s, p[0], get_be32(p + 4));
}

static void
print_stats_flags(struct ds *s, const struct ofp_msg *m, bool request)
{
	uint16_t flags = m->mp_flags;

	if (!flags)
		return;
	ds_put(s, " flags=");
	if ((!request || m->version >= OFP13_VERSION) &&
	    (flags & OFPSF_REPLY_MORE)) {
		ds_put(s, "[more]");
		flags &= ~OFPSF_REPLY_MORE;
	}
	if (flags)
		ds_printf(s, "[***unknown flags 0x%04x***]", flags);
}

static enum ofperr
print_hello(struct ds *s, const struct ofp_msg *m)
{
	uint32_t versions;
	bool ok = ofp_decode_hello(m, &versions);

	ds_put(s, "\n version bitmap: ");
	ofp_format_version_bitmap(s, versions);
	if (!ok) {
		ds_put(s, "\n unknown data in hello:\n");
		ofp_hex_dump(s, m->data, m->len, 0);
	}
	return 0;
}

static enum ofperr
print_error(struct ds *s, const struct ofp_msg *m,
	    const struct ofp_port_map *ports)
{
	const uint8_t *data;
	size_t len;
	enum ofperr e;

	if (ofp_decode_error_msg(m, &e, &data, &len))
		return OFPERR_OFPBRC_BAD_LEN;
	ds_printf(s, " %s\n", ofperr_name(e));
	if (e == OFPERR_OFPHFC_INCOMPATIBLE || e == OFPERR_OFPHFC_EPERM) {
		ofp_put_printable(s, data, len);
	} else {
		char *inner = ofp_to_string(data, len, ports, 1);
		ds_put(s, inner);
		free(inner);
	}
	return 0;
}

static enum ofperr
print_echo(struct ds *s, const struct ofp_msg *m, int verbosity)
{
	ds_printf(s, " %zu bytes of payload\n", m->len - OFP_HEADER_LEN);
	if (verbosity > 1)
		ofp_hex_dump(s, m->data + OFP_HEADER_LEN,
			     m->len - OFP_HEADER_LEN, 0);
	return 0;
}

static void
put_fixed_string(struct ds *s, const char *label, const uint8_t *p, size_t n)
{
	ds_printf(s, "%s: %.*s\n", label, (int)strnlen((const char *)p, n),
		  (const char *)p);
}

static enum ofperr
print_desc_reply(struct ds *s, const struct ofp_msg *m)
{
	const uint8_t *p = m->body;

	ds_put_char(s, '\n');
	put_fixed_string(s, "Manufacturer", p, 256);
	put_fixed_string(s, "Hardware", p + 256, 256);
	put_fixed_string(s, "Software", p + 512, 256);
	put_fixed_string(s, "Serial Num", p + 768, 32);
	put_fixed_string(s, "DP Description", p + 800, 256);
	return 0;
}

static enum ofperr
print_features(struct ds *s, const struct ofp_msg *m)
{
	struct ofp_switch_features sf;
	struct ofp_reader r;
	enum ofperr e = ofp_decode_switch_features(m, &sf, &r);

	if (e)
		return e;
	ofp_switch_features_format(s, &sf);
	return ofp_phy_ports_format(s, m->version, &r);
}

static enum ofperr
print_config(struct ds *s, const struct ofp_msg *m)
{
	struct ofp_switch_config sc;
	enum ofperr e = ofp_decode_switch_config(m, &sc);

	if (e && m->type == OFPTYPE_SET_CONFIG)
		return e;
	ofp_switch_config_format(s, &sc);
	return 0;
}

static enum ofperr
print_port_status(struct ds *s, const struct ofp_msg *m)
{
	struct ofp_phy_port pp;
	uint8_t reason;
	enum ofperr e = ofp_decode_port_status(m, &reason, &pp);

	if (!e)
		ofp_port_status_format(s, reason, &pp);
	return e;
}

static enum ofperr
print_port_mod(struct ds *s, const struct ofp_msg *m,
	       const struct ofp_port_map *ports)
{
	struct ofp_port_mod pm;
	enum ofperr e = ofp_decode_port_mod(m, &pm, true);

	if (!e)
		ofp_port_mod_format(s, &pm, ports);
	return e;
}

static enum ofperr
print_port_desc_request(struct ds *s, const struct ofp_msg *m,
			const struct ofp_port_map *ports)
{
	uint32_t port;
	enum ofperr e = ofp_decode_port_desc_request(m, &port);

	if (e)
		return e;
	ds_put(s, " port=");
	ofp_port_format(s, port, ports);
	return 0;
}

static enum ofperr
print_port_desc_reply(struct ds *s, const struct ofp_msg *m)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);

	ds_put_char(s, '\n');
	return ofp_phy_ports_format(s, m->version, &r);
}

static enum ofperr
print_port_stats_request(struct ds *s, const struct ofp_msg *m,
			 const struct ofp_port_map *ports)
{
	uint32_t port;
	enum ofperr e = ofp_decode_port_stats_request(m, &port);

	if (e)
		return e;
	ds_put(s, " port_no=");
	ofp_port_format(s, port, ports);
	return 0;
}

static enum ofperr
print_port_stats_reply(struct ds *s, const struct ofp_msg *m,
		       const struct ofp_port_map *ports, int verbosity)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);

	ds_printf(s, " %zu ports\n", ofp_count_port_stats(m));
	if (verbosity < 1)
		return 0;
	for (;;) {
		struct ofp_port_stats ps;
		int retval = ofp_pull_port_stats(m, &r, &ps);

		if (retval) {
			ofp_port_stats_uninit(&ps);
			return retval == OFP_EOF ? 0 : (enum ofperr)retval;
		}
		ofp_port_stats_format(s, &ps, ports);
		ofp_port_stats_uninit(&ps);
	}
}

static enum ofperr
print_flow_stats_request(struct ds *s, const struct ofp_msg *m,
			 const struct ofp_port_map *ports)
{
	struct ofp_flow_stats_request fsr;
	enum ofperr e = ofp_decode_flow_stats_request(&fsr, m);

	if (!e)
		ofp_format_flow_stats_request(s, &fsr, ports);
	return e;
}

static enum ofperr
print_flow_stats_reply(struct ds *s, const struct ofp_msg *m,
		       const struct ofp_port_map *ports)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);
	struct ofp_flow_stats_entry e;
	int retval;

	ofpacts_init(&e.acts);
	for (;;) {
		retval = ofp_pull_flow_stats(&e, m, &r, true);
		if (retval)
			break;
		ds_put(s, "\n ");
		ofp_flow_stats_format(s, &e.fs, ports, true);
	}
	ofpacts_free(&e.acts);
	return retval == EOF ? 0 : (enum ofperr)retval;
}

static enum ofperr
print_aggregate_reply(struct ds *s, const struct ofp_msg *m)
{
	struct ofp_aggregate_stats as;
	enum ofperr e = ofp_decode_aggregate_reply(&as, m);

	if (e)
		return e;
	ds_printf(s, " packet_count=%llu byte_count=%llu flow_count=%u",
		  (unsigned long long)as.packet_count,
		  (unsigned long long)as.byte_count, as.flow_count);
	return 0;
}

static enum ofperr
print_flow_removed(struct ds *s, const struct ofp_msg *m,
		   const struct ofp_port_map *ports)
{
	struct ofp_flow_removed fr;
	enum ofperr e = ofp_decode_flow_removed(&fr, m);

	if (!e)
		ofp_format_flow_removed(s, &fr, ports);
	return e;
}

/* The text after the header of a decoded message. */
static enum ofperr
print_body(struct ds *s, const struct ofp_msg *m,
	   const struct ofp_port_map *ports, int verbosity)
{
	const uint8_t *b = m->body;

	if (ofpraw_is_multipart(m->raw)) {
		bool request;
		switch (m->type) {
		case OFPTYPE_DESC_STATS_REQUEST:
		case OFPTYPE_FLOW_STATS_REQUEST:
		case OFPTYPE_AGGREGATE_STATS_REQUEST:
		case OFPTYPE_TABLE_STATS_REQUEST:
		case OFPTYPE_PORT_STATS_REQUEST:
		case OFPTYPE_QUEUE_STATS_REQUEST:
		case OFPTYPE_GROUP_STATS_REQUEST:
		case OFPTYPE_GROUP_DESC_STATS_REQUEST:
		case OFPTYPE_GROUP_FEATURES_STATS_REQUEST:
		case OFPTYPE_METER_STATS_REQUEST:
		case OFPTYPE_METER_CONFIG_STATS_REQUEST:
		case OFPTYPE_METER_FEATURES_STATS_REQUEST:
		case OFPTYPE_TABLE_FEATURES_STATS_REQUEST:
		case OFPTYPE_TABLE_DESC_REQUEST:
		case OFPTYPE_PORT_DESC_STATS_REQUEST:
		case OFPTYPE_FLOW_MONITOR_STATS_REQUEST:
		case OFPTYPE_IPFIX_BRIDGE_STATS_REQUEST:
		case OFPTYPE_IPFIX_FLOW_STATS_REQUEST:
			request = true;
			break;
		case OFPTYPE_QUEUE_GET_CONFIG_REQUEST:
			request = true;
			break;
		default:
			request = false;
			break;
		}
		print_stats_flags(s, m, request);
	}

	switch (m->type) {
	case OFPTYPE_HELLO:
		return print_hello(s, m);
	case OFPTYPE_ERROR:
		return print_error(s, m, ports);
	case OFPTYPE_ECHO_REQUEST:
	case OFPTYPE_ECHO_REPLY:
		return print_echo(s, m, verbosity);
	case OFPTYPE_FEATURES_REPLY:
		return print_features(s, m);
	case OFPTYPE_GET_CONFIG_REPLY:
	case OFPTYPE_SET_CONFIG:
		return print_config(s, m);
	case OFPTYPE_PACKET_IN:
	case OFPTYPE_NXT_RESUME:
		return ofp_print_packet_in(s, m, ports, verbosity);
	case OFPTYPE_FLOW_REMOVED:
		return print_flow_removed(s, m, ports);
	case OFPTYPE_PORT_STATUS:
		return print_port_status(s, m);
	case OFPTYPE_PACKET_OUT:
		return ofp_print_packet_out(s, m, ports, verbosity);
	case OFPTYPE_FLOW_MOD:
		return ofp_format_flow_mod(s, m, ports, verbosity);
	case OFPTYPE_GROUP_MOD:
		return ofp_print_group_mod(s, m, ports);
	case OFPTYPE_PORT_MOD:
		return print_port_mod(s, m, ports);
	case OFPTYPE_TABLE_MOD:
		return ofp_print_table_mod(s, m);
	case OFPTYPE_METER_MOD:
		return ofp_print_meter_mod(s, m);
	case OFPTYPE_ROLE_REQUEST:
	case OFPTYPE_ROLE_REPLY:
		return ofp_print_role(s, m);
	case OFPTYPE_NXT_TLV_TABLE_MOD:
		return ofp_print_tlv_mod(s, m);
	case OFPTYPE_NXT_TLV_TABLE_REPLY:
		return ofp_print_tlv_reply(s, m);
	case OFPTYPE_ROLE_STATUS:
		return ofp_print_role_status(s, m);
	case OFPTYPE_GET_ASYNC_REPLY:
	case OFPTYPE_SET_ASYNC_CONFIG:
		return ofp_print_async_config(s, m);
	case OFPTYPE_BUNDLE_CONTROL:
		return ofp_print_bundle_ctrl(s, m);
	case OFPTYPE_BUNDLE_ADD_MESSAGE:
		return ofp_print_bundle_add(s, m, ports, verbosity);
	case OFPTYPE_DESC_STATS_REPLY:
		return print_desc_reply(s, m);
	case OFPTYPE_FLOW_STATS_REQUEST:
	case OFPTYPE_AGGREGATE_STATS_REQUEST:
		return print_flow_stats_request(s, m, ports);
	case OFPTYPE_FLOW_STATS_REPLY:
		return print_flow_stats_reply(s, m, ports);
	case OFPTYPE_AGGREGATE_STATS_REPLY:
		return print_aggregate_reply(s, m);
	case OFPTYPE_TABLE_STATS_REPLY:
		return ofp_print_table_stats_reply(s, m);
	case OFPTYPE_TABLE_FEATURES_STATS_REQUEST:
	case OFPTYPE_TABLE_FEATURES_STATS_REPLY:
		return ofp_print_table_features(s, m);
	case OFPTYPE_TABLE_DESC_REPLY:
		return ofp_print_table_desc(s, m);
	case OFPTYPE_PORT_STATS_REQUEST:
		return print_port_stats_request(s, m, ports);
	case OFPTYPE_PORT_STATS_REPLY:
		return print_port_stats_reply(s, m, ports, verbosity);
	case OFPTYPE_PORT_DESC_STATS_REQUEST:
		return print_port_desc_request(s, m, ports);
	case OFPTYPE_PORT_DESC_STATS_REPLY:
		return print_port_desc_reply(s, m);
	case OFPTYPE_QUEUE_STATS_REQUEST:
		return ofp_print_queue_stats_request(s, m, ports);
	case OFPTYPE_QUEUE_STATS_REPLY:
		return ofp_print_queue_stats_reply(s, m, ports, verbosity);
	case OFPTYPE_QUEUE_GET_CONFIG_REQUEST:
		return ofp_print_queue_get_config_request(s, m, ports);
	case OFPTYPE_QUEUE_GET_CONFIG_REPLY:
		return ofp_print_queue_get_config_reply(s, m, ports);
	case OFPTYPE_GROUP_STATS_REQUEST:
		return ofp_print_group_stats_request(s, m);
	case OFPTYPE_GROUP_STATS_REPLY:
		return ofp_print_group_stats_reply(s, m);
	case OFPTYPE_GROUP_DESC_STATS_REQUEST:
		return ofp_print_group_desc_request(s, m);
	case OFPTYPE_GROUP_DESC_STATS_REPLY:
		return ofp_print_group_desc_reply(s, m, ports);
	case OFPTYPE_GROUP_FEATURES_STATS_REPLY:
		return ofp_print_group_features(s, m);
	case OFPTYPE_METER_STATS_REQUEST:
	case OFPTYPE_METER_CONFIG_STATS_REQUEST:
		return ofp_print_meter_request(s, m);
	case OFPTYPE_METER_STATS_REPLY:
		return ofp_print_meter_stats_reply(s, m);
	case OFPTYPE_METER_CONFIG_STATS_REPLY:
		return ofp_print_meter_config_reply(s, m);
	case OFPTYPE_METER_FEATURES_STATS_REPLY:
		return ofp_print_meter_features(s, m);
	case OFPTYPE_FLOW_MOD_TABLE_ID:
		ds_printf(s, " %s", b[0] ? "enable" : "disable");
		return 0;
	case OFPTYPE_SET_FLOW_FORMAT: {
		uint32_t f = get_be32(b);
		ds_printf(s, " format=%s",
			  f == 0   ? "openflow10"
			  : f == 2 ? "nxm"
				   : "(unknown)");
		return 0;
	}
	case OFPTYPE_SET_PACKET_IN_FORMAT:
		return ofp_print_set_packet_in_format(s, m);
	case OFPTYPE_SET_CONTROLLER_ID:
		ds_printf(s, " id=%u", get_be16(b + 6));
		return 0;
	case OFPTYPE_FLOW_MONITOR_CANCEL:
		ds_printf(s, " id=%u", get_be32(b));
		return 0;
	case OFPTYPE_CT_FLUSH_ZONE:
		ds_printf(s, " zone_id=%u", get_be16(b + 6));
		return 0;
	default:
		return 0;
	}
}

char *
ofp_to_string(const void *data, size_t len, const struct ofp_port_map *ports,
	      int verbosity)
{
	const uint8_t *p = data;
	struct ds s = DS_EMPTY;

	if (!len) {
		ds_put(&s, "OpenFlow message is empty\n");
		return ds_steal(&s);
	}
	if (len < OFP_HEADER_LEN) {
		ds_printf(&s, "OpenFlow packet too short (only %zu bytes):\n",
			  len);
	} else if (get_be16(p + 2) > len) {
		enum ofpraw raw;

		if (!ofp_msg_decode_partial(p, len, &raw)) {
			print_header(&s, p, raw);
			ds_put_char(&s, '\n');
		}
		ds_printf(&s, "(***truncated to %zu bytes from %u***)\n", len,
			  get_be16(p + 2));
	} else if (get_be16(p + 2) < len) {
		ds_printf(&s, "(***only uses %u bytes out of %zu***)\n",
			  get_be16(p + 2), len);
	} else {
		struct ofp_msg m;
		enum ofperr e = ofp_msg_decode(p, len, &m);

		if (!e) {
			size_t header_len;

			print_header(&s, p, m.raw);
			header_len = s.len;
			e = print_body(&s, &m, ports, verbosity);
			if (e) {
				if (s.len > header_len) {
					ds_chomp(&s, ' ');
					add_newline(&s);
				} else {
					ds_put_char(&s, ' ');
				}
				ds_printf(&s, "***decode error: %s***\n",
					  ofperr_name(e));
			} else {
				ds_chomp(&s, ' ');
			}
		} else {
			ds_printf(&s, "***decode error: %s***\n",
				  ofperr_name(e));
		}
		if (verbosity >= 5 || e) {
			add_newline(&s);
			ofp_hex_dump(&s, p, len, 0);
		}
		add_newline(&s);
		return ds_steal(&s);
	}
	ofp_hex_dump(&s, p, len, 0);
	return ds_steal(&s);
}
