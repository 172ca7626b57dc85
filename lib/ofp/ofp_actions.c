/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_actions: the action table (name, parser, printer per type), the
 * list parser with Open vSwitch's instruction rules, the printer, and the
 * simple actions.  The Nicira actions with fields in them (set_field,
 * load, move, learn, multipath, bundle, output_reg) are in
 * ofp_actions_nx.c.
 */
#include "ofp_actions.h"

#include <errno.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofp_actions_priv.h"
#include "ofp_msg.h"
#include "ofp_protocol.h"

#define MAX_PARSE_DEPTH 100

/* ---- output, controller, enqueue ---- */

static void
put_output(struct ofpacts *acts, uint32_t port, uint16_t max_len)
{
	struct ofpact_output *o = (struct ofpact_output *)(void *)ofpacts_put(
		acts, OFPACT_OUTPUT, sizeof *o);
	o->port = port;
	o->max_len = max_len;
}

static char *
parse_output(char *arg, struct ofpact_pctx *pc)
{
	struct mf_subfield src;
	uint32_t port;
	char *err;

	if (strstr(arg, "port") && strstr(arg, "max_len"))
		return xasprintf("%s: output(port=...,max_len=...) is not "
				 "supported",
				 arg);
	if (ofp_port_parse(arg, pc->ports, &port)) {
		put_output(pc->acts, port,
			   port == OFPP_CONTROLLER ? UINT16_MAX : 0);
		return NULL;
	}
	err = mf_parse_subfield(&src, arg);
	if (!err) {
		struct ofpact_output_reg *r = (void *)ofpacts_put(
			pc->acts, OFPACT_OUTPUT_REG, sizeof *r);
		r->max_len = UINT16_MAX;
		r->src = src;
		return NULL;
	}
	free(err);
	return xasprintf("%s: output to unknown port", arg);
}

static void
format_output(struct ds *s, const struct ofpact *a,
	      const struct ofp_port_map *ports)
{
	const struct ofpact_output *o = OFPACT_CAST(struct ofpact_output, a);

	if (o->port < OFPP_MAX)
		ds_put(s, "output:");
	ofp_port_format(s, o->port, ports);
	if (o->port == OFPP_CONTROLLER)
		ds_printf(s, ":%u", o->max_len);
}

static const char *const packet_in_reasons[] = {
	"no_match",   "action", "invalid_ttl",
	"action_set", "group",	"packet_out",
};

const char *
ofp_packet_in_reason_name(unsigned reason, char *buf, size_t n)
{
	if (reason < ARRAY_SIZE(packet_in_reasons))
		return packet_in_reasons[reason];
	snprintf(buf, n, "%u", reason);
	return buf;
}

static bool
packet_in_reason_from_name(const char *s, uint8_t *reason)
{
	for (size_t i = 0; i < ARRAY_SIZE(packet_in_reasons); i++)
		if (!strcasecmp(s, packet_in_reasons[i])) {
			*reason = (uint8_t)i;
			return true;
		}
	return false;
}

static char *
parse_controller(char *arg, struct ofpact_pctx *pc)
{
	uint16_t max_len = UINT16_MAX, id = 0;
	uint8_t reason = OFPR_ACTION;
	const char *userdata = NULL;
	bool pause = false;
	struct ofpact_controller *c;
	char *key, *value, *err;

	if (!*arg) {
		/* Defaults. */
	} else if (strspn(arg, "0123456789") == strlen(arg)) {
		if ((err = ofp_parse_u16(arg, "max_len", &max_len)))
			return err;
	} else {
		while (ofp_next_key_value(&arg, &key, &value)) {
			if (!strcmp(key, "reason")) {
				if (!packet_in_reason_from_name(value, &reason))
					return xasprintf(
						"unknown reason \"%s\"", value);
			} else if (!strcmp(key, "max_len")) {
				err = ofp_parse_u16(value, "max_len", &max_len);
				if (err)
					return err;
			} else if (!strcmp(key, "id")) {
				err = ofp_parse_u16(value, "id", &id);
				if (err)
					return err;
			} else if (!strcmp(key, "userdata")) {
				userdata = value;
			} else if (!strcmp(key, "pause")) {
				pause = true;
			} else {
				return xasprintf("unknown key \"%s\" parsing "
						 "controller action",
						 key);
			}
		}
	}
	if (reason == OFPR_ACTION && !id && !userdata && !pause) {
		put_output(pc->acts, OFPP_CONTROLLER, max_len);
		return NULL;
	}
	size_t ofs = pc->acts->size;
	c = (void *)ofpacts_put(pc->acts, OFPACT_CONTROLLER, sizeof *c);
	c->max_len = max_len;
	c->reason = reason;
	c->controller_id = id;
	c->pause = pause;
	if (userdata) {
		struct ofpbuf hex = OFPBUF_EMPTY;
		char *e = ofp_parse_hex_dotted(userdata, &hex);
		if (e) {
			free(e);
			ofpbuf_uninit(&hex);
			return xstrdup("bad hex digit in `controller' action "
				       "`userdata'");
		}
		memcpy(ofpacts_put_tail(pc->acts, ofs, hex.size), hex.data,
		       hex.size);
		c = (void *)ofpacts_at(pc->acts, ofs);
		c->userdata_len = (uint16_t)hex.size;
		ofpbuf_uninit(&hex);
	}
	return NULL;
}

static void
format_hex_arg(struct ds *s, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		ds_printf(s, "%s%02x", i ? "." : "", data[i]);
}

static void
format_controller(struct ds *s, const struct ofpact *a,
		  const struct ofp_port_map *ports)
{
	const struct ofpact_controller *c =
		OFPACT_CAST(struct ofpact_controller, a);
	char buf[16];

	if (c->reason == OFPR_ACTION && !c->controller_id && !c->userdata_len &&
	    !c->pause) {
		ds_printf(s, "CONTROLLER:%u", c->max_len);
		return;
	}
	ds_put(s, "controller(");
	if (c->reason != OFPR_ACTION)
		ds_printf(
			s, "reason=%s,",
			ofp_packet_in_reason_name(c->reason, buf, sizeof buf));
	if (c->max_len != UINT16_MAX)
		ds_printf(s, "max_len=%u,", c->max_len);
	if (c->controller_id)
		ds_printf(s, "id=%u,", c->controller_id);
	if (c->userdata_len) {
		ds_put(s, "userdata=");
		format_hex_arg(s, c->userdata, c->userdata_len);
		ds_put_char(s, ',');
	}
	if (c->pause)
		ds_put(s, "pause,");
	ds_chomp(s, ',');
	ds_put_char(s, ')');
}

static char *
parse_enqueue(char *arg, struct ofpact_pctx *pc)
{
	char *sp = NULL, *port = strtok_r(arg, ":q,", &sp);
	char *queue = strtok_r(NULL, "", &sp);
	struct ofpact_enqueue *e;

	if (!port || !queue)
		return xstrdup(
			"\"enqueue\" syntax is \"enqueue:PORT:QUEUE\" or "
			"\"enqueue(PORT,QUEUE)\"");
	e = (void *)ofpacts_put(pc->acts, OFPACT_ENQUEUE, sizeof *e);
	if (!ofp_port_parse(port, pc->ports, &e->port))
		return xasprintf("%s: enqueue to unknown port", port);
	return ofp_parse_u32(queue, &e->queue);
}

static void
format_enqueue(struct ds *s, const struct ofpact *a,
	       const struct ofp_port_map *ports)
{
	const struct ofpact_enqueue *e = OFPACT_CAST(struct ofpact_enqueue, a);

	ds_put(s, "enqueue:");
	ofp_port_format(s, e->port, ports);
	ds_printf(s, ":%u", e->queue);
}

/* ---- resubmit ---- */

static char *
parse_resubmit(char *arg, struct ofpact_pctx *pc)
{
	struct ofpact_resubmit *r =
		(void *)ofpacts_put(pc->acts, OFPACT_RESUBMIT, sizeof *r);
	char *in_port = strsep(&arg, ","), *table = strsep(&arg, ",");
	char *ct = strsep(&arg, ",");

	r->in_port = OFPP_IN_PORT;
	r->table_id = 255;
	if (in_port && *in_port &&
	    !ofp_port_parse(in_port, pc->ports, &r->in_port))
		return xasprintf("%s: resubmit to unknown port", in_port);
	if (table && *table) {
		char *end;
		unsigned long t = strtoul(table, &end, 10);
		if (*end || end == table || t > 255) {
			ofp_warn_table_range(table, t);
			return xasprintf("%s: resubmit to unknown table",
					 table);
		}
		r->table_id = (uint8_t)t;
	}
	if (ct && *ct)
		return xasprintf("%s: unknown parameter", ct);
	if (r->in_port == OFPP_IN_PORT && r->table_id == 255)
		return xstrdup("at least one \"in_port\" or \"table\" must be "
			       "specified on resubmit");
	return NULL;
}

static void
format_resubmit(struct ds *s, const struct ofpact *a,
		const struct ofp_port_map *ports)
{
	const struct ofpact_resubmit *r =
		OFPACT_CAST(struct ofpact_resubmit, a);

	if (r->in_port != OFPP_IN_PORT && r->table_id == 255) {
		ds_put(s, "resubmit:");
		ofp_port_format(s, r->in_port, ports);
		return;
	}
	ds_put(s, "resubmit(");
	if (r->in_port != OFPP_IN_PORT)
		ofp_port_format(s, r->in_port, ports);
	ds_put_char(s, ',');
	if (r->table_id != 255)
		ds_printf(s, "%u", r->table_id);
	ds_put_char(s, ')');
}

/* ---- VLAN ---- */

static char *
parse_vlan_vid(char *arg, struct ofpact_pctx *pc, bool push)
{
	struct ofpact_vlan_vid *v;
	uint16_t vid;
	char *err = ofp_parse_u16(arg, "VLAN VID", &vid);

	if (err)
		return err;
	if (vid & ~MVS_VLAN_VID_MASK)
		return xasprintf("%s: not a valid VLAN VID", arg);
	v = (void *)ofpacts_put(pc->acts, OFPACT_SET_VLAN_VID, sizeof *v);
	v->vid = vid;
	v->push_vlan_if_needed = push;
	return NULL;
}

static char *
parse_set_vlan_vid(char *arg, struct ofpact_pctx *pc)
{
	return parse_vlan_vid(arg, pc, false);
}

static char *
parse_mod_vlan_vid(char *arg, struct ofpact_pctx *pc)
{
	return parse_vlan_vid(arg, pc, true);
}

static void
format_vlan_vid(struct ds *s, const struct ofpact *a,
		const struct ofp_port_map *ports)
{
	const struct ofpact_vlan_vid *v =
		OFPACT_CAST(struct ofpact_vlan_vid, a);

	ds_printf(s, "%s:%u",
		  v->push_vlan_if_needed ? "mod_vlan_vid" : "set_vlan_vid",
		  v->vid);
}

static char *
parse_vlan_pcp(char *arg, struct ofpact_pctx *pc, bool push)
{
	struct ofpact_vlan_pcp *v;
	uint8_t pcp;
	char *err = ofp_parse_u8(arg, "VLAN PCP", &pcp);

	if (err)
		return err;
	if (pcp > 7)
		return xasprintf("%s: not a valid VLAN PCP", arg);
	v = (void *)ofpacts_put(pc->acts, OFPACT_SET_VLAN_PCP, sizeof *v);
	v->pcp = pcp;
	v->push_vlan_if_needed = push;
	return NULL;
}

static char *
parse_set_vlan_pcp(char *arg, struct ofpact_pctx *pc)
{
	return parse_vlan_pcp(arg, pc, false);
}

static char *
parse_mod_vlan_pcp(char *arg, struct ofpact_pctx *pc)
{
	return parse_vlan_pcp(arg, pc, true);
}

static void
format_vlan_pcp(struct ds *s, const struct ofpact *a,
		const struct ofp_port_map *ports)
{
	const struct ofpact_vlan_pcp *v =
		OFPACT_CAST(struct ofpact_vlan_pcp, a);

	ds_printf(s, "%s:%u",
		  v->push_vlan_if_needed ? "mod_vlan_pcp" : "set_vlan_pcp",
		  v->pcp);
}

static char *
parse_strip_vlan(char *arg, struct ofpact_pctx *pc)
{
	ofpacts_put(pc->acts, OFPACT_STRIP_VLAN, sizeof(struct ofpact));
	return NULL;
}

static char *
parse_pop_vlan(char *arg, struct ofpact_pctx *pc)
{
	ofpacts_put(pc->acts, OFPACT_STRIP_VLAN, sizeof(struct ofpact))->raw =
		OFPACT_RAW_POP_VLAN;
	return NULL;
}

static void
format_strip_vlan(struct ds *s, const struct ofpact *a,
		  const struct ofp_port_map *ports)
{
	ds_put(s, a->raw == OFPACT_RAW_POP_VLAN ? "pop_vlan" : "strip_vlan");
}

static char *
parse_push_vlan(char *arg, struct ofpact_pctx *pc)
{
	struct ofpact_push_vlan *p;
	uint16_t type;
	char *err;

	*pc->usable &= OFP_PROTO_OF11_UP;
	err = ofp_parse_u16(arg, "ethertype", &type);
	if (err)
		return err;
	if (type != ETH_TYPE_VLAN && type != ETH_TYPE_VLAN_8021AD)
		return xasprintf("%s: not a valid VLAN ethertype", arg);
	p = (void *)ofpacts_put(pc->acts, OFPACT_PUSH_VLAN, sizeof *p);
	p->ethertype = type;
	return NULL;
}

static void
format_push_vlan(struct ds *s, const struct ofpact *a,
		 const struct ofp_port_map *ports)
{
	ds_printf(s, "push_vlan:%#x",
		  OFPACT_CAST(struct ofpact_push_vlan, a)->ethertype);
}

/* ---- Ethernet and IP rewrites ---- */

static char *
parse_mac(const char *arg, enum ofpact_type type, struct ofpact_pctx *pc)
{
	struct ofpact_mac *m;
	uint8_t mac[6];

	if (!ofp_parse_eth(arg, mac))
		return xasprintf("invalid mac address %s", arg);
	m = (void *)ofpacts_put(pc->acts, type, sizeof *m);
	memcpy(m->mac, mac, 6);
	return NULL;
}

static char *
parse_mod_dl_src(char *arg, struct ofpact_pctx *pc)
{
	return parse_mac(arg, OFPACT_SET_ETH_SRC, pc);
}

static char *
parse_mod_dl_dst(char *arg, struct ofpact_pctx *pc)
{
	return parse_mac(arg, OFPACT_SET_ETH_DST, pc);
}

static void
format_mac(struct ds *s, const struct ofpact *a,
	   const struct ofp_port_map *ports)
{
	ds_put(s,
	       a->type == OFPACT_SET_ETH_SRC ? "mod_dl_src:" : "mod_dl_dst:");
	ofp_format_eth(s, OFPACT_CAST(struct ofpact_mac, a)->mac);
}

static char *
parse_ipv4(const char *arg, enum ofpact_type type, struct ofpact_pctx *pc)
{
	const struct ofp_field *f = ofp_field_get(MFF_IPV4_SRC);
	union ofp_value v;
	struct ofpact_ipv4 *ip;
	char *err = ofp_field_parse_value(f, arg, NULL, &v);

	if (err) {
		free(err);
		return xasprintf("%s: invalid IP address", arg);
	}
	ip = (void *)ofpacts_put(pc->acts, type, sizeof *ip);
	ip->be32 = v.be32;
	return NULL;
}

static char *
parse_mod_nw_src(char *arg, struct ofpact_pctx *pc)
{
	return parse_ipv4(arg, OFPACT_SET_IPV4_SRC, pc);
}

static char *
parse_mod_nw_dst(char *arg, struct ofpact_pctx *pc)
{
	return parse_ipv4(arg, OFPACT_SET_IPV4_DST, pc);
}

static void
format_ipv4(struct ds *s, const struct ofpact *a,
	    const struct ofp_port_map *ports)
{
	ds_put(s,
	       a->type == OFPACT_SET_IPV4_SRC ? "mod_nw_src:" : "mod_nw_dst:");
	ofp_format_ipv4(s, OFPACT_CAST(struct ofpact_ipv4, a)->be32);
}

static char *
put_u8_action(struct ofpact_pctx *pc, enum ofpact_type type, const char *arg,
	      const char *what, uint8_t must_be_zero, const char *bad)
{
	uint8_t v;
	char *err = ofp_parse_u8(arg, what, &v);

	if (err)
		return err;
	if (v & must_be_zero)
		return xasprintf("%s: not a valid %s", arg, bad);
	((struct ofpact_u8 *)(void *)ofpacts_put(pc->acts, type,
						 sizeof(struct ofpact_u8)))
		->value = v;
	return NULL;
}

static char *
parse_mod_nw_tos(char *arg, struct ofpact_pctx *pc)
{
	return put_u8_action(pc, OFPACT_SET_IP_DSCP, arg, "TOS",
			     (uint8_t)~IP_DSCP_MASK, "TOS");
}

static char *
parse_mod_nw_ecn(char *arg, struct ofpact_pctx *pc)
{
	return put_u8_action(pc, OFPACT_SET_IP_ECN, arg, "ECN",
			     (uint8_t)~IP_ECN_MASK, "ECN");
}

static char *
parse_mod_nw_ttl(char *arg, struct ofpact_pctx *pc)
{
	return put_u8_action(pc, OFPACT_SET_IP_TTL, arg, "TTL", 0, "TTL");
}

static void
format_u8(struct ds *s, const struct ofpact *a,
	  const struct ofp_port_map *ports)
{
	static const char *const names[] = {
		[OFPACT_SET_IP_DSCP] = "mod_nw_tos",
		[OFPACT_SET_IP_ECN] = "mod_nw_ecn",
		[OFPACT_SET_IP_TTL] = "mod_nw_ttl",
	};
	ds_printf(s, "%s:%u", names[a->type],
		  OFPACT_CAST(struct ofpact_u8, a)->value);
}

static char *
parse_l4(const char *arg, enum ofpact_type type, const char *what,
	 struct ofpact_pctx *pc)
{
	struct ofpact_l4_port *p;
	uint16_t port;
	char *err = ofp_parse_u16(arg, what, &port);

	if (err)
		return err;
	p = (void *)ofpacts_put(pc->acts, type, sizeof *p);
	p->port = port;
	return NULL;
}

static char *
parse_mod_tp_src(char *arg, struct ofpact_pctx *pc)
{
	return parse_l4(arg, OFPACT_SET_L4_SRC_PORT, "source port", pc);
}

static char *
parse_mod_tp_dst(char *arg, struct ofpact_pctx *pc)
{
	return parse_l4(arg, OFPACT_SET_L4_DST_PORT, "destination port", pc);
}

static void
format_l4(struct ds *s, const struct ofpact *a,
	  const struct ofp_port_map *ports)
{
	ds_printf(s, "%s:%u",
		  a->type == OFPACT_SET_L4_SRC_PORT ? "mod_tp_src"
						    : "mod_tp_dst",
		  OFPACT_CAST(struct ofpact_l4_port, a)->port);
}

/* ---- dec_ttl, tunnel, queues, note, exit, group ---- */

static char *
parse_dec_ttl(char *arg, struct ofpact_pctx *pc)
{
	size_t ofs = pc->acts->size;
	struct ofpact_dec_ttl *d =
		(void *)ofpacts_put(pc->acts, OFPACT_DEC_TTL, sizeof *d);
	char *save = NULL;

	if (!*arg) {
		memset(ofpacts_put_tail(pc->acts, ofs, 2), 0, 2);
		((struct ofpact_dec_ttl *)(void *)ofpacts_at(pc->acts, ofs))
			->n_ids = 1;
		return NULL;
	}
	d->ofpact.raw = OFPACT_RAW_DEC_TTL_CNT_IDS;
	for (char *c = strtok_r(arg, ", ", &save); c;
	     c = strtok_r(NULL, ", ", &save)) {
		uint16_t id = (uint16_t)atoi(c);
		memcpy(ofpacts_put_tail(pc->acts, ofs, 2), &id, 2);
		((struct ofpact_dec_ttl *)(void *)ofpacts_at(pc->acts, ofs))
			->n_ids++;
	}
	d = (void *)ofpacts_at(pc->acts, ofs);
	if (!d->n_ids)
		return xstrdup("dec_ttl_cnt_ids: expected at least one "
			       "controller id.");
	return NULL;
}

static void
format_dec_ttl(struct ds *s, const struct ofpact *a,
	       const struct ofp_port_map *ports)
{
	const struct ofpact_dec_ttl *d = OFPACT_CAST(struct ofpact_dec_ttl, a);

	ds_put(s, "dec_ttl");
	if (a->raw == OFPACT_RAW_DEC_TTL_CNT_IDS) {
		ds_put_char(s, '(');
		for (unsigned i = 0; i < d->n_ids; i++)
			ds_printf(s, "%s%u", i ? "," : "", d->ids[i]);
		ds_put_char(s, ')');
	}
}

static char *
parse_tunnel(const char *arg, struct ofpact_pctx *pc, bool is64)
{
	struct ofpact_tunnel *t =
		(void *)ofpacts_put(pc->acts, OFPACT_SET_TUNNEL, sizeof *t);

	char *err = ofp_parse_u64(arg, &t->tun_id);

	/* A key wider than 32 bits needs NXAST_SET_TUNNEL64, as Open
	 * vSwitch chooses. */
	if (is64 || t->tun_id > UINT32_MAX)
		t->ofpact.raw = OFPACT_RAW_SET_TUNNEL64;
	return err;
}

static char *
parse_set_tunnel(char *arg, struct ofpact_pctx *pc)
{
	return parse_tunnel(arg, pc, false);
}

static char *
parse_set_tunnel64(char *arg, struct ofpact_pctx *pc)
{
	return parse_tunnel(arg, pc, true);
}

static void
format_tunnel(struct ds *s, const struct ofpact *a,
	      const struct ofp_port_map *ports)
{
	const struct ofpact_tunnel *t = OFPACT_CAST(struct ofpact_tunnel, a);

	ds_printf(s, "set_tunnel%s:%#llx",
		  t->tun_id > UINT32_MAX || a->raw == OFPACT_RAW_SET_TUNNEL64
			  ? "64"
			  : "",
		  (unsigned long long)t->tun_id);
}

static char *
put_u32_action(struct ofpact_pctx *pc, enum ofpact_type type, const char *arg)
{
	struct ofpact_u32 *u =
		(void *)ofpacts_put(pc->acts, type, sizeof(struct ofpact_u32));
	return ofp_parse_u32(arg, &u->value);
}

static char *
parse_set_queue(char *arg, struct ofpact_pctx *pc)
{
	return put_u32_action(pc, OFPACT_SET_QUEUE, arg);
}

static char *
parse_group(char *arg, struct ofpact_pctx *pc)
{
	return put_u32_action(pc, OFPACT_GROUP, arg);
}

static char *
parse_meter(char *arg, struct ofpact_pctx *pc)
{
	*pc->usable &= OFP_PROTO_OF13_UP;
	return put_u32_action(pc, OFPACT_METER, arg);
}

static void
format_u32(struct ds *s, const struct ofpact *a,
	   const struct ofp_port_map *ports)
{
	static const char *const names[] = {
		[OFPACT_SET_QUEUE] = "set_queue",
		[OFPACT_GROUP] = "group",
		[OFPACT_METER] = "meter",
		[OFPACT_GOTO_TABLE] = "goto_table",
	};
	ds_printf(s, "%s:%u", names[a->type],
		  OFPACT_CAST(struct ofpact_u32, a)->value);
}

static char *
parse_plain(struct ofpact_pctx *pc, enum ofpact_type type)
{
	ofpacts_put(pc->acts, type, sizeof(struct ofpact));
	return NULL;
}

static char *
parse_pop_queue(char *arg, struct ofpact_pctx *pc)
{
	return parse_plain(pc, OFPACT_POP_QUEUE);
}

static char *
parse_exit(char *arg, struct ofpact_pctx *pc)
{
	return parse_plain(pc, OFPACT_EXIT);
}

static char *
parse_clear_actions(char *arg, struct ofpact_pctx *pc)
{
	return parse_plain(pc, OFPACT_CLEAR_ACTIONS);
}

static void
format_plain(struct ds *s, const struct ofpact *a,
	     const struct ofp_port_map *ports)
{
	ds_put(s, ofpact_name(a->type));
}

static char *
parse_note(char *arg, struct ofpact_pctx *pc)
{
	size_t ofs = pc->acts->size;
	struct ofpbuf hex = OFPBUF_EMPTY;
	char *err = ofp_parse_hex_dotted(arg, &hex);

	if (err) {
		free(err);
		ofpbuf_uninit(&hex);
		return xstrdup("bad hex digit in `note' argument");
	}
	ofpacts_put(pc->acts, OFPACT_NOTE, sizeof(struct ofpact_note));
	memcpy(ofpacts_put_tail(pc->acts, ofs, hex.size), hex.data, hex.size);
	((struct ofpact_note *)(void *)ofpacts_at(pc->acts, ofs))->length =
		(uint16_t)hex.size;
	ofpbuf_uninit(&hex);
	return NULL;
}

static void
format_note(struct ds *s, const struct ofpact *a,
	    const struct ofp_port_map *ports)
{
	const struct ofpact_note *n = OFPACT_CAST(struct ofpact_note, a);

	ds_put(s, "note:");
	format_hex_arg(s, n->data, n->length);
}

/* ---- instructions ---- */

static char *
parse_goto_table(char *arg, struct ofpact_pctx *pc)
{
	char *end;
	unsigned long t = strtoul(arg, &end, 10);

	if (end == arg || *end || t > 255) {
		ofp_warn_table_range(arg, t);
		return xasprintf("unknown table \"%s\"", arg);
	}
	((struct ofpact_u32 *)(void *)ofpacts_put(pc->acts, OFPACT_GOTO_TABLE,
						  sizeof(struct ofpact_u32)))
		->value = (uint32_t)t;
	return NULL;
}

static char *
parse_write_metadata(char *arg, struct ofpact_pctx *pc)
{
	struct ofpact_metadata *m;
	char *mask = strchr(arg, '/'), *err;

	*pc->usable &= OFP_PROTO_NXM_OF11_UP;
	m = (void *)ofpacts_put(pc->acts, OFPACT_WRITE_METADATA, sizeof *m);
	m->mask = UINT64_MAX;
	if (mask) {
		*mask = '\0';
		err = ofp_parse_u64(mask + 1, &m->mask);
		if (err)
			return err;
	}
	return ofp_parse_u64(arg, &m->metadata);
}

static void
format_write_metadata(struct ds *s, const struct ofpact *a,
		      const struct ofp_port_map *ports)
{
	const struct ofpact_metadata *m =
		OFPACT_CAST(struct ofpact_metadata, a);

	ds_printf(s, "write_metadata:%#llx", (unsigned long long)m->metadata);
	if (m->mask != UINT64_MAX)
		ds_printf(s, "/%#llx", (unsigned long long)m->mask);
}

static char *parse_list(char *s, struct ofpact_pctx *pc,
			bool allow_instructions, bool nested);

static char *
parse_write_actions(char *arg, struct ofpact_pctx *pc)
{
	size_t ofs = pc->acts->size;
	struct ofpacts inner;
	struct ofpact_pctx sub = *pc;
	char *err;

	ofpacts_init(&inner);
	sub.acts = &inner;
	err = parse_list(arg, &sub, false, true);
	if (!err) {
		ofpacts_put(pc->acts, OFPACT_WRITE_ACTIONS, OFPACT_NEST_OFS);
		if (inner.size)
			memcpy(ofpacts_put_tail(pc->acts, ofs, inner.size),
			       inner.data, inner.size);
	}
	ofpacts_free(&inner);
	return err;
}

static void
format_write_actions(struct ds *s, const struct ofpact *a,
		     const struct ofp_port_map *ports)
{
	size_t len;
	const void *inner = ofpact_nested(a, &len);

	ds_put(s, "write_actions(");
	ofpacts_format(s, inner, len, ports);
	ds_put_char(s, ')');
}

/* ---- the table ---- */

/* clang-format off */
static const struct ofpact_info types[OFPACT_N_TYPES] = {
	[OFPACT_OUTPUT] = { "output", parse_output, format_output },
	[OFPACT_RESUBMIT] = { "resubmit", parse_resubmit, format_resubmit },
	[OFPACT_SET_VLAN_VID] = { "set_vlan_vid", parse_set_vlan_vid, format_vlan_vid },
	[OFPACT_SET_VLAN_PCP] = { "set_vlan_pcp", parse_set_vlan_pcp, format_vlan_pcp },
	[OFPACT_STRIP_VLAN] = { "strip_vlan", parse_strip_vlan, format_strip_vlan },
	[OFPACT_PUSH_VLAN] = { "push_vlan", parse_push_vlan, format_push_vlan },
	[OFPACT_SET_ETH_SRC] = { "mod_dl_src", parse_mod_dl_src, format_mac },
	[OFPACT_SET_ETH_DST] = { "mod_dl_dst", parse_mod_dl_dst, format_mac },
	[OFPACT_CONTROLLER] = { "controller", parse_controller, format_controller },
	[OFPACT_ENQUEUE] = { "enqueue", parse_enqueue, format_enqueue },
	[OFPACT_OUTPUT_REG] = { "output_reg", parse_output, ofpact_format_output_reg },
	[OFPACT_BUNDLE] = { "bundle", ofpact_parse_bundle, ofpact_format_bundle },
	[OFPACT_SET_IPV4_SRC] = { "mod_nw_src", parse_mod_nw_src, format_ipv4 },
	[OFPACT_SET_IPV4_DST] = { "mod_nw_dst", parse_mod_nw_dst, format_ipv4 },
	[OFPACT_SET_IP_DSCP] = { "mod_nw_tos", parse_mod_nw_tos, format_u8 },
	[OFPACT_SET_IP_ECN] = { "mod_nw_ecn", parse_mod_nw_ecn, format_u8 },
	[OFPACT_SET_IP_TTL] = { "mod_nw_ttl", parse_mod_nw_ttl, format_u8 },
	[OFPACT_SET_L4_SRC_PORT] = { "mod_tp_src", parse_mod_tp_src, format_l4 },
	[OFPACT_SET_L4_DST_PORT] = { "mod_tp_dst", parse_mod_tp_dst, format_l4 },
	[OFPACT_SET_FIELD] = { "set_field", ofpact_parse_set_field, ofpact_format_set_field },
	[OFPACT_REG_MOVE] = { "move", ofpact_parse_move, ofpact_format_move },
	[OFPACT_DEC_TTL] = { "dec_ttl", parse_dec_ttl, format_dec_ttl },
	[OFPACT_SET_TUNNEL] = { "set_tunnel", parse_set_tunnel, format_tunnel },
	[OFPACT_SET_QUEUE] = { "set_queue", parse_set_queue, format_u32 },
	[OFPACT_POP_QUEUE] = { "pop_queue", parse_pop_queue, format_plain },
	[OFPACT_LEARN] = { "learn", ofpact_parse_learn, ofpact_format_learn },
	[OFPACT_MULTIPATH] = { "multipath", ofpact_parse_multipath, ofpact_format_multipath },
	[OFPACT_NOTE] = { "note", parse_note, format_note },
	[OFPACT_EXIT] = { "exit", parse_exit, format_plain },
	[OFPACT_GROUP] = { "group", parse_group, format_u32 },
	[OFPACT_METER] = { "meter", parse_meter, format_u32 },
	[OFPACT_CLEAR_ACTIONS] = { "clear_actions", parse_clear_actions, format_plain },
	[OFPACT_WRITE_ACTIONS] = { "write_actions", parse_write_actions, format_write_actions },
	[OFPACT_WRITE_METADATA] = { "write_metadata", parse_write_metadata, format_write_metadata },
	[OFPACT_GOTO_TABLE] = { "goto_table", parse_goto_table, format_u32 },
};

/* Spellings that are not a type's own name. */
static const struct {
	const char *name;
	ofpact_parse_fn *parse;
} aliases[] = {
	{ "mod_vlan_vid", parse_mod_vlan_vid },
	{ "mod_vlan_pcp", parse_mod_vlan_pcp },
	{ "set_nw_ttl", parse_mod_nw_ttl },
	{ "pop_vlan", parse_pop_vlan },
	{ "set_tunnel64", parse_set_tunnel64 },
	{ "load", ofpact_parse_load },
	{ "bundle_load", ofpact_parse_bundle_load },
};
/* clang-format on */

const char *
ofpact_name(enum ofpact_type type)
{
	return type < OFPACT_N_TYPES ? types[type].name : "<unknown>";
}

/* ---- lists ---- */

void
ofpacts_init(struct ofpacts *acts)
{
	acts->data = NULL;
	acts->size = acts->alloc = 0;
}

void
ofpacts_free(struct ofpacts *acts)
{
	free(acts->data);
	ofpacts_init(acts);
}

void
ofpacts_clear(struct ofpacts *acts)
{
	acts->size = 0;
}

void
ofpacts_clone(struct ofpacts *dst, const struct ofpacts *src)
{
	ofpacts_init(dst);
	if (src->size) {
		dst->data = xmalloc(src->size);
		memcpy(dst->data, src->data, src->size);
		dst->size = dst->alloc = src->size;
	}
}

bool
ofpacts_equal(const struct ofpacts *a, const struct ofpacts *b)
{
	return a->size == b->size &&
	       (!a->size || !memcmp(a->data, b->data, a->size));
}

static void
reserve(struct ofpacts *acts, size_t need)
{
	if (need > acts->alloc) {
		acts->alloc = need < 64 ? 64 : need * 2;
		acts->data = xrealloc(acts->data, acts->alloc);
	}
}

struct ofpact *
ofpacts_put(struct ofpacts *acts, enum ofpact_type type, size_t len)
{
	size_t need = acts->size + OFPACT_ALIGN(len);
	struct ofpact *a;

	reserve(acts, need);
	a = (struct ofpact *)(void *)(acts->data + acts->size);
	memset(a, 0, OFPACT_ALIGN(len));
	a->type = type;
	a->len = (uint16_t)len;
	acts->size = need;
	return a;
}

/* ofpacts_put_tail() appends variable parts right after sizeof the
 * action's struct: each flexible array must start there. */
#define TAIL_AT_END(T, M)                                         \
	_Static_assert(sizeof(struct T) == offsetof(struct T, M), \
		       #T "'s " #M "[] must start at its size")
TAIL_AT_END(ofpact_controller, userdata);
TAIL_AT_END(ofpact_bundle, members);
TAIL_AT_END(ofpact_dec_ttl, ids);
TAIL_AT_END(ofpact_learn, specs);
TAIL_AT_END(ofpact_note, data);

void *
ofpacts_put_tail(struct ofpacts *acts, size_t ofs, size_t n)
{
	struct ofpact *a = ofpacts_at(acts, ofs);
	size_t old_len = a->len, new_len = old_len + n;
	uint8_t *p;

	reserve(acts, ofs + OFPACT_ALIGN(new_len));
	a = ofpacts_at(acts, ofs);
	memset(acts->data + ofs + old_len, 0, OFPACT_ALIGN(new_len) - old_len);
	p = acts->data + ofs + old_len;
	a->len = (uint16_t)new_len;
	acts->size = ofs + OFPACT_ALIGN(new_len);
	return p;
}

void
ofpacts_put_output(struct ofpacts *acts, uint32_t port)
{
	put_output(acts, port, port == OFPP_CONTROLLER ? UINT16_MAX : 0);
}

/* ---- parsing a list ---- */

static const struct ofpact_info *
find_type(const char *key, enum ofpact_type *type)
{
	for (int t = 0; t < OFPACT_N_TYPES; t++)
		if (!strcasecmp(key, types[t].name)) {
			*type = (enum ofpact_type)t;
			return &types[t];
		}
	return NULL;
}

static char *
parse_list__(char *s, struct ofpact_pctx *pc, bool allow_instructions,
	     bool nested)
{
	char *pos = s, *key, *value, *err = NULL;
	bool drop = false;
	size_t start = pc->acts->size;

	while (ofp_next_key_value(&pos, &key, &value)) {
		const struct ofpact_info *info;
		enum ofpact_type type;
		uint32_t port;

		if ((info = find_type(key, &type))) {
			err = info->parse(value, pc);
			if (type == OFPACT_METER && !allow_instructions)
				*pc->usable &= OFP_PROTO_OF15_UP;
		} else {
			bool found = false;
			for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
				if (!strcasecmp(key, aliases[i].name)) {
					err = aliases[i].parse(value, pc);
					found = true;
					break;
				}
			if (found)
				;
			else if (!strcasecmp(key, "drop"))
				drop = true;
			else if (!strcasecmp(key, "apply_actions"))
				return xstrdup("apply_actions is the default "
					       "instruction");
			else if (ofp_port_parse(key, pc->ports, &port))
				put_output(pc->acts, port, 0);
			else
				return xasprintf("unknown action %s", key);
		}
		if (err)
			return err;
	}
	if (drop && pc->acts->size != start)
		return xstrdup("\"drop\" must not be accompanied by any other "
			       "action or instruction");
	ofpacts_verify(pc->acts->data + start, pc->acts->size - start,
		       OFP11_VERSION, allow_instructions, nested, &err);
	return err;
}

static char *
parse_list(char *s, struct ofpact_pctx *pc, bool allow_instructions,
	   bool nested)
{
	size_t start = pc->acts->size;
	char *err;

	if (pc->depth >= MAX_PARSE_DEPTH)
		return xstrdup("Action nested too deeply");
	pc->depth++;
	err = parse_list__(s, pc, allow_instructions, nested);
	pc->depth--;
	if (err)
		pc->acts->size = start;
	return err;
}

static char *
parse_copy(const char *s, const struct ofp_port_map *ports,
	   struct ofpacts *acts, uint32_t *usable, bool allow_instructions)
{
	uint32_t ignored;
	struct ofpact_pctx pc = { ports, acts, usable ? usable : &ignored, 0 };
	char *copy = xstrdup(s), *err;

	*pc.usable = OFP_PROTO_ANY;
	err = parse_list(copy, &pc, allow_instructions, false);
	free(copy);
	return err;
}

char *
ofpacts_parse_instructions(const char *s, const struct ofp_port_map *ports,
			   struct ofpacts *acts, uint32_t *usable)
{
	return parse_copy(s, ports, acts, usable, true);
}

char *
ofpacts_parse_actions(const char *s, const struct ofp_port_map *ports,
		      struct ofpacts *acts, uint32_t *usable)
{
	return parse_copy(s, ports, acts, usable, false);
}

char *
ofpacts_parse(const char *s, const struct ofp_port_map *ports,
	      struct ofpacts *acts)
{
	return parse_copy(s, ports, acts, NULL, true);
}

/* ---- instruction order ---- */

/* Open vSwitch's instruction numbering, in the order they must come. */
enum ovsinst {
	OVSINST_METER,
	OVSINST_APPLY_ACTIONS,
	OVSINST_CLEAR_ACTIONS,
	OVSINST_WRITE_ACTIONS,
	OVSINST_WRITE_METADATA,
	OVSINST_GOTO_TABLE,
};

static const char *const ovsinst_names[] = {
	"meter",	 "apply_actions",  "clear_actions",
	"write_actions", "write_metadata", "goto_table",
};

static enum ovsinst
ovsinst_of(enum ofpact_type type, uint8_t version)
{
	switch (type) {
	case OFPACT_METER:
		return version >= OFP15_VERSION ? OVSINST_APPLY_ACTIONS
						: OVSINST_METER;
	case OFPACT_CLEAR_ACTIONS:
		return OVSINST_CLEAR_ACTIONS;
	case OFPACT_WRITE_ACTIONS:
		return OVSINST_WRITE_ACTIONS;
	case OFPACT_WRITE_METADATA:
		return OVSINST_WRITE_METADATA;
	case OFPACT_GOTO_TABLE:
		return OVSINST_GOTO_TABLE;
	default:
		return OVSINST_APPLY_ACTIONS;
	}
}

bool
ofpact_is_apply_action(const struct ofpact *a, uint8_t version)
{
	return ovsinst_of(a->type, version) == OVSINST_APPLY_ACTIONS;
}

static enum ofperr
verify_fail(char **errp, enum ofperr e, char *msg)
{
	if (errp) {
		*errp = msg;
	} else {
		ofp_warn("ofp_actions", "%s", msg);
		free(msg);
	}
	return e;
}

enum ofperr
ofpacts_verify(const void *data, size_t size, uint8_t version,
	       bool allow_instructions, bool nested, char **errp)
{
	enum ovsinst inst = OVSINST_METER;
	const struct ofpact *a;

	OFPACT_FOR_EACH(a, data, size)
	{
		enum ovsinst next = ovsinst_of(a->type, version);
		bool allowed;

		if (nested && a->type == OFPACT_METER)
			return verify_fail(
				errp, OFPERR_OFPBAC_BAD_ARGUMENT,
				xstrdup("write_actions action doesn't support "
					"nested action meter"));
		if (a != data &&
		    (inst == OVSINST_APPLY_ACTIONS ? next < inst
						   : next <= inst)) {
			if (next == inst)
				return verify_fail(
					errp, OFPERR_OFPBAC_UNSUPPORTED_ORDER,
					xasprintf("duplicate %s instruction "
						  "not allowed, for OpenFlow "
						  "1.1+ compatibility",
						  ovsinst_names[inst]));
			return verify_fail(
				errp, OFPERR_OFPBAC_UNSUPPORTED_ORDER,
				xasprintf("invalid instruction ordering: %s "
					  "must appear before %s, for "
					  "OpenFlow 1.1+ compatibility",
					  ovsinst_names[next],
					  ovsinst_names[inst]));
		}
		allowed = allow_instructions || next == OVSINST_APPLY_ACTIONS ||
			  next == OVSINST_METER;
		if (!allowed)
			return verify_fail(
				errp, OFPERR_OFPBIC_UNSUP_INST,
				xasprintf("%s instruction not allowed here",
					  ovsinst_names[next]));
		inst = next;
	}
	return 0;
}

/* ---- printing ---- */

void
ofpact_format(struct ds *s, const struct ofpact *a,
	      const struct ofp_port_map *ports)
{
	if (a->type < OFPACT_N_TYPES && types[a->type].format)
		types[a->type].format(s, a, ports);
	else
		ds_printf(s, "<unknown action %u>", a->type);
}

void
ofpacts_format(struct ds *s, const void *data, size_t size,
	       const struct ofp_port_map *ports)
{
	const struct ofpact *a;

	if (!size) {
		ds_put(s, "drop");
		return;
	}
	OFPACT_FOR_EACH(a, data, size)
	{
		if (a != data)
			ds_put_char(s, ',');
		ofpact_format(s, a, ports);
	}
}

/* ---- queries ---- */

bool
ofpacts_output_to_port(const void *data, size_t size, uint32_t port)
{
	const struct ofpact *a;

	if (port == OFPP_NONE)
		return true;
	OFPACT_FOR_EACH(a, data, size)
	{
		if (a->type == OFPACT_OUTPUT &&
		    OFPACT_CAST(struct ofpact_output, a)->port == port)
			return true;
		if (a->type == OFPACT_ENQUEUE &&
		    OFPACT_CAST(struct ofpact_enqueue, a)->port == port)
			return true;
		if (a->type == OFPACT_CONTROLLER && port == OFPP_CONTROLLER)
			return true;
		if (a->type == OFPACT_WRITE_ACTIONS) {
			size_t len;
			const void *in = ofpact_nested(a, &len);
			if (ofpacts_output_to_port(in, len, port))
				return true;
		}
	}
	return false;
}

bool
ofpacts_output_to_group(const void *data, size_t size, uint32_t group)
{
	const struct ofpact *a;

	if (group == 0xffffffffu)
		return true;
	OFPACT_FOR_EACH(a, data, size)
	{
		if (a->type == OFPACT_GROUP &&
		    OFPACT_CAST(struct ofpact_u32, a)->value == group)
			return true;
		if (a->type == OFPACT_WRITE_ACTIONS) {
			size_t len;
			const void *in = ofpact_nested(a, &len);
			if (ofpacts_output_to_group(in, len, group))
				return true;
		}
	}
	return false;
}
