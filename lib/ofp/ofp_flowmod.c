/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_flowmod: the flow-mod parser (Open vSwitch's parse_ofp_str), the
 * exact-flow parser of ofproto/trace and the dump-flows line printer.
 */
#include "ofp_flowmod.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ofp_actions_priv.h"
#include "ofp_field.h"
#include "ofp_msg.h"
#include "ofp_protocol.h"

/* Protocol shorthands: "ip", "tcp6", "arp", ... */
static const struct ofp_protocol {
	const char *name;
	uint16_t dl_type;
	uint8_t nw_proto;
} protocols[] = {
	{ "ip", ETH_TYPE_IP, 0 },
	{ "ipv4", ETH_TYPE_IP, 0 },
	{ "ip4", ETH_TYPE_IP, 0 },
	{ "arp", ETH_TYPE_ARP, 0 },
	{ "icmp", ETH_TYPE_IP, IPPROTO_ICMP_ },
	{ "tcp", ETH_TYPE_IP, IPPROTO_TCP_ },
	{ "udp", ETH_TYPE_IP, IPPROTO_UDP_ },
	{ "sctp", ETH_TYPE_IP, IPPROTO_SCTP_ },
	{ "ipv6", ETH_TYPE_IPV6, 0 },
	{ "ip6", ETH_TYPE_IPV6, 0 },
	{ "icmp6", ETH_TYPE_IPV6, IPPROTO_ICMPV6_ },
	{ "tcp6", ETH_TYPE_IPV6, IPPROTO_TCP_ },
	{ "udp6", ETH_TYPE_IPV6, IPPROTO_UDP_ },
	{ "sctp6", ETH_TYPE_IPV6, IPPROTO_SCTP_ },
	{ "rarp", ETH_TYPE_RARP, 0 },
	{ "mpls", ETH_TYPE_MPLS, 0 },
	{ "mplsm", ETH_TYPE_MPLS_MCAST, 0 },
};

static const struct ofp_protocol *
protocol_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(protocols); i++)
		if (!strcmp(name, protocols[i].name))
			return &protocols[i];
	return NULL;
}

static char *
str_to_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	if (!*s)
		return xasprintf("missing required numeric argument");
	*out = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return xasprintf("%s: numeric argument out of range", s);
	if (*end)
		return xasprintf("invalid numeric format %s", s);
	return NULL;
}

/* Cuts "actions=..." (or "action=") off @s and returns what follows the
 * '=', or NULL if there is none. */
static char *
extract_actions(char *s)
{
	s = strstr(s, "action");
	if (!s)
		return NULL;
	*s = '\0';
	s = strchr(s + 1, '=');
	return s ? s + 1 : NULL;
}

static void
set_protocol(struct match *m, const struct ofp_protocol *p)
{
	m->flow.hdr.eth_type = htons(p->dl_type);
	m->mask.hdr.eth_type = 0xffff;
	if (p->nw_proto) {
		m->flow.hdr.nw_proto = p->nw_proto;
		m->mask.hdr.nw_proto = 0xff;
	}
}

/* Which keywords each command takes, as Open vSwitch has it. */
enum {
	F_OUT_PORT = 1 << 0,
	F_ACTIONS = 1 << 1,
	F_IMPORTANCE = 1 << 2,
	F_TIMEOUT = 1 << 3,
	F_PRIORITY = 1 << 4,
	F_FLAGS = 1 << 5,
};
static const unsigned allowed_fields[] = {
	[OFPFC_ADD] =
		F_ACTIONS | F_TIMEOUT | F_PRIORITY | F_FLAGS | F_IMPORTANCE,
	[OFPFC_MODIFY] = F_ACTIONS | F_TIMEOUT | F_PRIORITY | F_FLAGS,
	[OFPFC_MODIFY_STRICT] = F_ACTIONS | F_TIMEOUT | F_PRIORITY | F_FLAGS,
	[OFPFC_DELETE] = F_OUT_PORT,
	[OFPFC_DELETE_STRICT] = F_OUT_PORT | F_PRIORITY,
	[OFPFC_STATS_REQUEST] = F_OUT_PORT,
};

static const struct {
	const char *name;
	uint16_t flag;
} flag_names[] = {
	{ "send_flow_rem", OFPFF_SEND_FLOW_REM },
	{ "check_overlap", OFPFF_CHECK_OVERLAP },
	{ "reset_counts", OFPFF_RESET_COUNTS },
	{ "no_packet_counts", OFPFF_NO_PKT_COUNTS },
	{ "no_byte_counts", OFPFF_NO_BYT_COUNTS },
};

/* "reg0[0..3]=5": the bits of a subfield in the match. */
static char *
parse_subfield_match(struct ofp_flow_mod *fm, const char *name,
		     const char *value, uint32_t *usable)
{
	struct mf_subfield sf;
	const struct ofp_field *f;
	union ofp_value val, v, m;
	const char *tail;
	char *err = mf_parse_subfield(&sf, name);

	if (err)
		return err;
	f = ofp_field_get(sf.field);
	if (ofp_parse_int_string(value, val.bytes, f->n_bytes, &tail) || *tail)
		return xasprintf("%s: cannot parse integer value: %s", name,
				 value);
	if (!bitwise_is_all_zeros(val.bytes, f->n_bytes, sf.n_bits,
				  f->n_bytes * 8u - sf.n_bits)) {
		struct ds ds = DS_EMPTY;
		ofp_field_format(f, &val, NULL, NULL, &ds);
		err = xasprintf("%s: value %s does not fit into %d bits", name,
				ds_cstr(&ds), sf.n_bits);
		ds_free(&ds);
		return err;
	}
	ofp_field_get_value(f, &fm->match.flow, &v);
	ofp_field_get_value(f, &fm->match.mask, &m);
	bitwise_copy(val.bytes, f->n_bytes, 0, v.bytes, f->n_bytes, sf.ofs,
		     sf.n_bits);
	bitwise_one(m.bytes, f->n_bytes, sf.ofs, sf.n_bits);
	*usable &= ofp_field_usable_protocols(f, &m);
	ofp_field_set_match(f, &v, &m, &fm->match);
	return NULL;
}

static char *
parse_table(const char *value, uint8_t *table)
{
	char *end;
	unsigned long t;

	if (*value == '-' || !(*value >= '0' && *value <= '9')) {
		ofp_warn_table_range(value, 0);
		return xasprintf("unknown table \"%s\"", value);
	}
	t = strtoul(value, &end, 10);
	if (*end || t > 255) {
		ofp_warn_table_range(value, t);
		return xasprintf("unknown table \"%s\"", value);
	}
	*table = (uint8_t)t;
	return NULL;
}

/* One "key=value" of a flow-mod. */
static char *
parse_keyword(struct ofp_flow_mod *fm, const char *name, char *value,
	      const struct ofp_port_map *ports, uint32_t *usable)
{
	enum ofp_flow_mod_command cmd = fm->command;
	unsigned allowed = allowed_fields[cmd];
	const struct ofp_field *f;
	uint16_t u16;
	char *err;

	if (allowed & F_FLAGS) {
		for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++)
			if (!strcmp(name, flag_names[i].name)) {
				fm->flags |= flag_names[i].flag;
				if (flag_names[i].flag == OFPFF_RESET_COUNTS)
					*usable &= OFP_PROTO_OF12_UP;
				else if (flag_names[i].flag &
					 (OFPFF_NO_PKT_COUNTS |
					  OFPFF_NO_BYT_COUNTS))
					*usable &= OFP_PROTO_OF13_UP;
				return NULL;
			}
	}
	if (!strcmp(name, "no_readonly_table") ||
	    !strcmp(name, "allow_hidden_fields") || !strcmp(name, "eth"))
		return NULL;
	if ((f = ofp_field_from_name(name))) {
		union ofp_value v, m;
		err = ofp_field_parse(f, *value ? value : "0/0", ports, &v, &m);
		if (!err) {
			*usable &= ofp_field_usable_protocols(f, &m);
			ofp_field_set_match(f, &v, &m, &fm->match);
		}
		return err;
	}
	if (strchr(name, '['))
		return parse_subfield_match(fm, name, value, usable);
	if (!*value)
		return xasprintf("field %s missing value", name);
	if (!strcmp(name, "table")) {
		err = parse_table(value, &fm->table_id);
		if (!err && fm->table_id != 0xff)
			*usable &= OFP_PROTO_TID;
		return err;
	}
	if ((allowed & F_OUT_PORT) && !strcmp(name, "out_port")) {
		if (!ofp_port_parse(value, ports, &fm->out_port))
			return xasprintf("%s is not a valid OpenFlow port",
					 value);
		return NULL;
	}
	if ((allowed & F_OUT_PORT) && !strcmp(name, "out_group")) {
		*usable &= OFP_PROTO_OF11_UP;
		if (!strcasecmp(value, "all"))
			fm->out_group = 0xfffffffcu;
		else if (!strcasecmp(value, "any"))
			fm->out_group = OFP_GROUP_ANY;
		else if (ofp_parse_u32(value, &fm->out_group)) {
			return xasprintf("%s is not a valid OpenFlow group",
					 value);
		}
		return NULL;
	}
	if ((allowed & F_PRIORITY) && !strcmp(name, "priority")) {
		err = ofp_parse_u16(value, name, &u16);
		fm->priority = u16;
		return err;
	}
	if ((allowed & F_TIMEOUT) && !strcmp(name, "idle_timeout"))
		return ofp_parse_u16(value, name, &fm->idle_timeout);
	if ((allowed & F_TIMEOUT) && !strcmp(name, "hard_timeout"))
		return ofp_parse_u16(value, name, &fm->hard_timeout);
	if ((allowed & F_IMPORTANCE) && !strcmp(name, "importance"))
		return ofp_parse_u16(value, name, &fm->importance);
	if (!strcmp(name, "cookie")) {
		char *slash = strchr(value, '/');
		if (slash) {
			if (cmd == OFPFC_ADD)
				return xstrdup("flow additions cannot use a "
					       "cookie mask");
			*slash = '\0';
			err = str_to_u64(value, &fm->cookie);
			if (!err)
				err = str_to_u64(slash + 1, &fm->cookie_mask);
			if (!err && fm->cookie_mask)
				*usable &= OFP_PROTO_NXM_OF11_UP;
			return err;
		}
		if (cmd != OFPFC_ADD && cmd != OFPFC_MODIFY &&
		    cmd != OFPFC_MODIFY_STRICT)
			return xstrdup("cannot set cookie");
		fm->modify_cookie = true;
		return str_to_u64(value, &fm->new_cookie);
	}
	if (!strcmp(name, "duration") || !strcmp(name, "n_packets") ||
	    !strcmp(name, "n_bytes") || !strcmp(name, "idle_age") ||
	    !strcmp(name, "hard_age"))
		return NULL;
	return xasprintf("unknown keyword %s", name);
}

char *
ofp_flow_mod_parse_ex(struct ofp_flow_mod *fm, const char *s,
		      enum ofp_flow_mod_command command,
		      const struct ofp_port_map *ports, uint32_t *usable)
{
	char *copy = xstrdup(s), *pos = copy, *acts = NULL, *name, *value;
	bool want_actions = allowed_fields[command] & F_ACTIONS;
	const struct mvs_key_hdr *mh;
	char *err = NULL;

	memset(fm, 0, sizeof *fm);
	fm->command = command;
	fm->priority = OFP_DEFAULT_PRIORITY;
	fm->table_id = OFP_TABLE_ANY;
	fm->out_port = OFPP_NONE;
	fm->out_group = OFP_GROUP_ANY;
	fm->buffer_id = OFP_NO_BUFFER;
	fm->new_cookie =
		command == OFPFC_MODIFY || command == OFPFC_MODIFY_STRICT
			? UINT64_MAX
			: 0;
	ofpacts_init(&fm->ofpacts);
	*usable = OFP_PROTO_ANY;

	if (want_actions) {
		acts = extract_actions(copy);
		if (!acts) {
			err = xstrdup("must specify an action");
			goto out;
		}
	}
	while (ofp_next_key_value(&pos, &name, &value)) {
		const struct ofp_protocol *p = protocol_from_name(name);
		if (p)
			set_protocol(&fm->match, p);
		else if ((err = parse_keyword(fm, name, value, ports, usable)))
			goto out;
	}
	match_canonicalize(&fm->match);
	mh = &fm->match.mask.hdr;
	if (fm->match.flow.hdr.eth_type == htons(ETH_TYPE_IPV6) &&
	    (mh->nw_proto || mh->nw_tos || mh->tp_src || mh->tp_dst))
		*usable &= OFP_PROTO_NXM_OXM_ANY;
	if (!fm->cookie_mask && fm->new_cookie == UINT64_MAX &&
	    (command == OFPFC_MODIFY || command == OFPFC_MODIFY_STRICT))
		fm->new_cookie = 0;
	if (acts) {
		uint32_t acts_usable, check_usable;
		enum ofperr e;

		err = ofpacts_parse_instructions(acts, ports, &fm->ofpacts,
						 &acts_usable);
		*usable &= acts_usable;
		if (err)
			goto out;
		e = ofpacts_check(fm->ofpacts.data, fm->ofpacts.size,
				  &fm->match, fm->table_id, &check_usable);
		*usable &= check_usable;
		if (!e && !*usable)
			e = OFPERR_OFPBAC_MATCH_INCONSISTENT;
		if (e)
			err = xasprintf("actions are invalid with specified "
					"match (%s)",
					ofperr_name(e));
	}
out:
	free(copy);
	if (err)
		ofp_flow_mod_uninit(fm);
	else if (command != OFPFC_STATS_REQUEST) {
		/* Open vSwitch normalizes a copy, to log what that changes:
		 * the match goes out as written. */
		struct match normal = fm->match;
		match_normalize_log(&normal);
	}
	return err;
}

char *
ofp_flow_mod_parse(struct ofp_flow_mod *fm, const char *s,
		   enum ofp_flow_mod_command command,
		   const struct ofp_port_map *ports)
{
	uint32_t usable;
	char *err = ofp_flow_mod_parse_ex(fm, s, command, ports, &usable);

	if (!err)
		match_normalize(&fm->match);
	return err;
}

void
ofp_flow_mod_uninit(struct ofp_flow_mod *fm)
{
	ofpacts_free(&fm->ofpacts);
}

char *
ofp_parse_exact_flow(struct flow *flow, const char *s,
		     const struct ofp_port_map *ports)
{
	char *copy = xstrdup(s), *pos = copy, *key, *value, *err = NULL;

	memset(flow, 0, sizeof *flow);
	while (ofp_next_key_value(&pos, &key, &value)) {
		const struct ofp_protocol *p = protocol_from_name(key);
		const struct ofp_field *f;
		union ofp_value v;
		char *ferr;

		if (p) {
			if (flow->hdr.eth_type) {
				err = xasprintf("%s: Ethernet type set "
						"multiple times",
						s);
				break;
			}
			flow->hdr.eth_type = htons(p->dl_type);
			if (p->nw_proto) {
				if (flow->hdr.nw_proto) {
					err = xasprintf("%s: network protocol "
							"set multiple times",
							s);
					break;
				}
				flow->hdr.nw_proto = p->nw_proto;
			}
			continue;
		}
		f = ofp_field_from_name(key);
		if (!f) {
			err = xasprintf("%s: unknown field %s", s, key);
			break;
		}
		if (!ofp_field_prereqs_ok(f, flow)) {
			err = xasprintf("%s: prerequisites not met for "
					"setting %s",
					s, key);
			break;
		}
		if (ofp_field_is_set(f, flow)) {
			err = xasprintf("%s: field %s set multiple times", s,
					key);
			break;
		}
		ferr = ofp_field_parse_value(f, value, ports, &v);
		if (ferr) {
			err = xasprintf("%s: bad value for %s (%s)", s, key,
					ferr);
			free(ferr);
			break;
		}
		ofp_field_set_flow_value(f, &v, flow);
	}
	if (!err && !flow->in_port)
		flow->in_port = OFPP_NONE;
	free(copy);
	if (err)
		memset(flow, 0, sizeof *flow);
	return err;
}

void
ofp_format_duration(struct ds *s, uint32_t sec, uint32_t nsec)
{
	ds_printf(s, "%u", sec);
	if (nsec) {
		uint32_t msec = nsec / 1000000;
		if (msec * 1000000 == nsec) {
			ds_printf(s, ".%03u", msec);
		} else {
			ds_printf(s, ".%09u", nsec);
			while (s->len && s->s[s->len - 1] == '0')
				s->s[--s->len] = '\0';
		}
	}
	ds_put_char(s, 's');
}

void
ofp_flow_mod_flags_format(struct ds *s, uint16_t flags)
{
	if (flags & OFPFF_SEND_FLOW_REM)
		ds_put(s, "send_flow_rem ");
	if (flags & OFPFF_CHECK_OVERLAP)
		ds_put(s, "check_overlap ");
	if (flags & OFPFF_RESET_COUNTS)
		ds_put(s, "reset_counts ");
	if (flags & OFPFF_NO_PKT_COUNTS)
		ds_put(s, "no_packet_counts ");
	if (flags & OFPFF_NO_BYT_COUNTS)
		ds_put(s, "no_byte_counts ");
}

void
ofp_flow_stats_format(struct ds *s, const struct ofp_flow_stats *fs,
		      const struct ofp_port_map *ports, bool show_stats)
{
	size_t len;

	if (show_stats || fs->cookie)
		ds_printf(s, "cookie=0x%llx, ", (unsigned long long)fs->cookie);
	if (show_stats) {
		ds_put(s, "duration=");
		ofp_format_duration(s, fs->duration_sec, fs->duration_nsec);
		ds_put(s, ", ");
	}
	if (show_stats || fs->table_id)
		ds_printf(s, "table=%u, ", fs->table_id);
	if (show_stats)
		ds_printf(s, "n_packets=%llu, n_bytes=%llu, ",
			  (unsigned long long)fs->n_packets,
			  (unsigned long long)fs->n_bytes);
	if (fs->idle_timeout)
		ds_printf(s, "idle_timeout=%u, ", fs->idle_timeout);
	if (fs->hard_timeout)
		ds_printf(s, "hard_timeout=%u, ", fs->hard_timeout);
	ofp_flow_mod_flags_format(s, fs->flags);
	if (fs->importance)
		ds_printf(s, "importance=%u, ", fs->importance);
	if (show_stats && fs->idle_age >= 0)
		ds_printf(s, "idle_age=%d, ", fs->idle_age);
	if (show_stats && fs->hard_age >= 0 &&
	    (uint32_t)fs->hard_age != fs->duration_sec)
		ds_printf(s, "hard_age=%d, ", fs->hard_age);
	len = s->len;
	match_format(s, fs->match, ports, fs->priority);
	if (s->len != len)
		ds_put_char(s, ' ');
	ds_put(s, "actions=");
	ofpacts_format(s, fs->ofpacts, fs->ofpacts_len, ports);
}
