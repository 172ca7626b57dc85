/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_actions: the action table (name, record size, parser, printer per
 * type) and the list parser and printer built on it.
 */
#include "ofp_actions.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofp_field.h"

typedef char *ofpact_parse_fn(const char *arg, const struct ofp_port_map *,
			      struct ofpacts *);
typedef void ofpact_format_fn(struct ds *, const struct ofpact *,
			      const struct ofp_port_map *);

/* One spelling of an action in the text syntax. */
struct ofpact_name {
	const char *name;
	ofpact_parse_fn *parse;
};

/* ---- output (and the reserved ports spelt as actions) ---- */

static void
put_output(struct ofpacts *acts, uint32_t port, uint16_t max_len)
{
	struct ofpact_output *o = (struct ofpact_output *)(void *)ofpacts_put(
		acts, OFPACT_OUTPUT, sizeof *o);
	o->port = port;
	o->max_len = max_len;
}

static char *
parse_output(const char *arg, const struct ofp_port_map *ports,
	     struct ofpacts *acts)
{
	uint32_t port;

	if (!ofp_port_parse(arg, ports, &port))
		return xasprintf("%s: output to unknown port", arg);
	put_output(acts, port, port == OFPP_CONTROLLER ? 0xffff : 0);
	return NULL;
}

static char *
parse_controller(const char *arg, const struct ofp_port_map *ports,
		 struct ofpacts *acts)
{
	uint16_t max_len = 0xffff;

	if (*arg) {
		char *err = ofp_parse_u16(arg, "max_len", &max_len);
		if (err)
			return err;
	}
	put_output(acts, OFPP_CONTROLLER, max_len);
	return NULL;
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

/* ---- resubmit ---- */

static char *
parse_resubmit(const char *arg, const struct ofp_port_map *ports,
	       struct ofpacts *acts)
{
	char *copy = xstrdup(arg), *comma = strchr(copy, ',');
	char *table = NULL, *err = NULL;
	uint32_t in_port = OFPP_IN_PORT;
	unsigned long table_id = 255;
	struct ofpact_resubmit *r;

	if (comma) {
		*comma = '\0';
		table = comma + 1;
		char *ct = strchr(table, ',');
		if (ct) {
			*ct = '\0';
			err = xasprintf("%s: unknown resubmit option", ct + 1);
			goto out;
		}
	}
	if (*copy && !ofp_port_parse(copy, ports, &in_port)) {
		err = xasprintf("%s: resubmit to unknown port", copy);
		goto out;
	}
	if (table && *table) {
		char *end;
		table_id = strtoul(table, &end, 10);
		if (*end || table_id > 255) {
			err = xasprintf("%s: resubmit to unknown table", table);
			goto out;
		}
	}
	if (in_port == OFPP_IN_PORT && table_id == 255) {
		err = xstrdup("at least one \"in_port\" or \"table\" must be "
			      "specified  on resubmit");
		goto out;
	}
	r = (struct ofpact_resubmit *)(void *)ofpacts_put(acts, OFPACT_RESUBMIT,
							  sizeof *r);
	r->in_port = in_port;
	r->table_id = (uint8_t)table_id;
out:
	free(copy);
	return err;
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
parse_mod_vlan_vid(const char *arg, const struct ofp_port_map *ports,
		   struct ofpacts *acts)
{
	struct ofpact_vlan_vid *v;
	uint16_t vid;
	char *err = ofp_parse_u16(arg, "VLAN VID", &vid);

	if (err)
		return err;
	if (vid & ~MVS_VLAN_VID_MASK)
		return xasprintf("%s: not a valid VLAN VID", arg);
	v = (struct ofpact_vlan_vid *)(void *)ofpacts_put(
		acts, OFPACT_SET_VLAN_VID, sizeof *v);
	v->vid = vid;
	v->push_vlan_if_needed = true;
	return NULL;
}

static void
format_vlan_vid(struct ds *s, const struct ofpact *a,
		const struct ofp_port_map *ports)
{
	const struct ofpact_vlan_vid *v =
		OFPACT_CAST(struct ofpact_vlan_vid, a);

	if (v->push_vlan_if_needed)
		ds_printf(s, "mod_vlan_vid:%u", v->vid);
	else
		ds_printf(s, "set_field:%u->vlan_vid",
			  v->vid | MVS_VLAN_PRESENT);
}

static char *
parse_mod_vlan_pcp(const char *arg, const struct ofp_port_map *ports,
		   struct ofpacts *acts)
{
	struct ofpact_vlan_pcp *v;
	uint16_t pcp;
	char *err = ofp_parse_u16(arg, "VLAN PCP", &pcp);

	if (err)
		return err;
	if (pcp > 7)
		return xasprintf("%s: not a valid VLAN PCP", arg);
	v = (struct ofpact_vlan_pcp *)(void *)ofpacts_put(
		acts, OFPACT_SET_VLAN_PCP, sizeof *v);
	v->pcp = (uint8_t)pcp;
	v->push_vlan_if_needed = true;
	return NULL;
}

static void
format_vlan_pcp(struct ds *s, const struct ofpact *a,
		const struct ofp_port_map *ports)
{
	const struct ofpact_vlan_pcp *v =
		OFPACT_CAST(struct ofpact_vlan_pcp, a);

	if (v->push_vlan_if_needed)
		ds_printf(s, "mod_vlan_pcp:%u", v->pcp);
	else
		ds_printf(s, "set_field:%u->vlan_pcp", v->pcp);
}

static char *
parse_strip_vlan(const char *arg, const struct ofp_port_map *ports,
		 struct ofpacts *acts)
{
	ofpacts_put(acts, OFPACT_STRIP_VLAN, sizeof(struct ofpact));
	return NULL;
}

static char *
parse_pop_vlan(const char *arg, const struct ofp_port_map *ports,
	       struct ofpacts *acts)
{
	ofpacts_put(acts, OFPACT_STRIP_VLAN, sizeof(struct ofpact))->raw =
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
parse_push_vlan(const char *arg, const struct ofp_port_map *ports,
		struct ofpacts *acts)
{
	struct ofpact_push_vlan *p;
	uint16_t type;
	char *err = ofp_parse_u16(arg, "ethertype", &type);

	if (err)
		return err;
	if (type != ETH_TYPE_VLAN && type != ETH_TYPE_VLAN_8021AD)
		return xasprintf("%s: not a valid VLAN ethertype", arg);
	p = (struct ofpact_push_vlan *)(void *)ofpacts_put(
		acts, OFPACT_PUSH_VLAN, sizeof *p);
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

/* ---- Ethernet addresses ---- */

static char *
parse_mac(const char *arg, enum ofpact_type type, struct ofpacts *acts)
{
	struct ofpact_mac *m;
	uint8_t mac[6];

	if (!ofp_parse_eth(arg, mac))
		return xasprintf("invalid mac address %s", arg);
	m = (struct ofpact_mac *)(void *)ofpacts_put(acts, type, sizeof *m);
	memcpy(m->mac, mac, 6);
	return NULL;
}

static char *
parse_mod_dl_src(const char *arg, const struct ofp_port_map *ports,
		 struct ofpacts *acts)
{
	return parse_mac(arg, OFPACT_SET_ETH_SRC, acts);
}

static char *
parse_mod_dl_dst(const char *arg, const struct ofp_port_map *ports,
		 struct ofpacts *acts)
{
	return parse_mac(arg, OFPACT_SET_ETH_DST, acts);
}

static void
format_mac(struct ds *s, const struct ofpact *a,
	   const struct ofp_port_map *ports)
{
	ds_put(s,
	       a->type == OFPACT_SET_ETH_SRC ? "mod_dl_src:" : "mod_dl_dst:");
	ofp_format_eth(s, OFPACT_CAST(struct ofpact_mac, a)->mac);
}

/* ---- the tables ---- */

static ofpact_format_fn *const formatters[OFPACT_N_TYPES] = {
	[OFPACT_OUTPUT] = format_output,
	[OFPACT_RESUBMIT] = format_resubmit,
	[OFPACT_SET_VLAN_VID] = format_vlan_vid,
	[OFPACT_SET_VLAN_PCP] = format_vlan_pcp,
	[OFPACT_STRIP_VLAN] = format_strip_vlan,
	[OFPACT_PUSH_VLAN] = format_push_vlan,
	[OFPACT_SET_ETH_SRC] = format_mac,
	[OFPACT_SET_ETH_DST] = format_mac,
};

static const struct ofpact_name names[] = {
	{ "output", parse_output },
	{ "controller", parse_controller },
	{ "resubmit", parse_resubmit },
	{ "mod_vlan_vid", parse_mod_vlan_vid },
	{ "mod_vlan_pcp", parse_mod_vlan_pcp },
	{ "strip_vlan", parse_strip_vlan },
	{ "pop_vlan", parse_pop_vlan },
	{ "push_vlan", parse_push_vlan },
	{ "mod_dl_src", parse_mod_dl_src },
	{ "mod_dl_dst", parse_mod_dl_dst },
};

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

struct ofpact *
ofpacts_put(struct ofpacts *acts, enum ofpact_type type, size_t len)
{
	size_t need = acts->size + OFPACT_ALIGN(len);
	struct ofpact *a;

	if (need > acts->alloc) {
		acts->alloc = need < 64 ? 64 : need * 2;
		acts->data = xrealloc(acts->data, acts->alloc);
	}
	a = (struct ofpact *)(void *)(acts->data + acts->size);
	memset(a, 0, OFPACT_ALIGN(len));
	a->type = type;
	a->len = (uint16_t)len;
	acts->size = need;
	return a;
}

void
ofpacts_put_output(struct ofpacts *acts, uint32_t port)
{
	put_output(acts, port, port == OFPP_CONTROLLER ? 0xffff : 0);
}

char *
ofpacts_parse(const char *s, const struct ofp_port_map *ports,
	      struct ofpacts *acts)
{
	char *copy = xstrdup(s), *pos = copy, *key, *value, *err = NULL;
	bool drop = false;
	size_t start = acts->size;

	while (ofp_next_key_value(&pos, &key, &value)) {
		const struct ofpact_name *n = NULL;
		uint32_t port;

		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			if (!strcasecmp(key, names[i].name))
				n = &names[i];
		if (n) {
			err = n->parse(value, ports, acts);
		} else if (!strcasecmp(key, "drop")) {
			drop = true;
		} else if (ofp_port_parse(key, ports, &port)) {
			put_output(acts, port,
				   port == OFPP_CONTROLLER ? 0xffff : 0);
		} else {
			err = xasprintf("unknown action %s", key);
		}
		if (err)
			break;
	}
	if (!err && drop && acts->size != start)
		err = xstrdup("\"drop\" must not be accompanied by any other "
			      "action or instruction");
	free(copy);
	return err;
}

void
ofpact_format(struct ds *s, const struct ofpact *a,
	      const struct ofp_port_map *ports)
{
	if (a->type < OFPACT_N_TYPES && formatters[a->type])
		formatters[a->type](s, a, ports);
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

bool
ofpacts_output_to_port(const void *data, size_t size, uint32_t port)
{
	const struct ofpact *a;

	if (port == OFPP_NONE)
		return true;
	OFPACT_FOR_EACH(a, data, size)
	if (a->type == OFPACT_OUTPUT &&
	    OFPACT_CAST(struct ofpact_output, a)->port == port)
		return true;
	return false;
}
