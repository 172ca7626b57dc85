/* SPDX-License-Identifier: Apache-2.0 */
/*
 * odp_parse: the dpctl flow syntax back into keys, masks and actions (the
 * inverse of odp_format.c): attr(field=value[/mask],...) lists, with
 * encap() nesting for VLAN tags.
 */
#include "odp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

struct ps {
	const char *s;	   /* the whole text, for error positions */
	const char *p;	   /* where we are */
	const char *error; /* first error */
	const struct odp_names *names;
};

static bool
fail(struct ps *ps, const char *what)
{
	if (!ps->error)
		ps->error = what;
	return false;
}

static bool
eat(struct ps *ps, const char *tok)
{
	size_t n = strlen(tok);

	if (strncmp(ps->p, tok, n))
		return false;
	ps->p += n;
	return true;
}

static bool
expect(struct ps *ps, const char *tok)
{
	return eat(ps, tok) || fail(ps, tok);
}

/* A name: letters, digits, '_', '-', '.'. */
static size_t
name_len(const char *p)
{
	size_t n = 0;

	while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
	       (p[n] >= '0' && p[n] <= '9') || p[n] == '_' || p[n] == '-' ||
	       p[n] == '.')
		n++;
	return n;
}

/* A value token: up to ',', ')' or '/' (with @slash) at this level. */
static bool
token(struct ps *ps, char *buf, size_t size, bool slash)
{
	size_t n = 0;

	while (ps->p[n] && ps->p[n] != ',' && ps->p[n] != ')' &&
	       ps->p[n] != '(' && !(slash && ps->p[n] == '/'))
		n++;
	if (!n || n >= size)
		return fail(ps, "value");
	memcpy(buf, ps->p, n);
	buf[n] = '\0';
	ps->p += n;
	return true;
}

static bool
parse_ulong(const char *t, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(t, &end, 0);
	return !errno && *t && !*end && *v <= max && t[0] != '-';
}

static bool
parse_mac(const char *t, uint8_t *mac)
{
	unsigned b[6];
	char extra;

	if (sscanf(t, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &extra) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return true;
}

enum vt { V_UINT, V_MAC, V_IP4, V_IP6 };

/* One value of type @t and @size bytes (V_UINT: host order into a 1, 2
 * or 4 byte field, byte-swapped when @be). */
static bool
parse_val(const char *t, enum vt type, void *out, size_t size, bool be)
{
	unsigned long v;

	switch (type) {
	case V_MAC:
		return parse_mac(t, out);
	case V_IP4:
		return inet_pton(AF_INET, t, out) == 1;
	case V_IP6:
		return inet_pton(AF_INET6, t, out) == 1;
	case V_UINT:
		if (!parse_ulong(t,
				 size == 4 ? 0xffffffffUL
					   : (1UL << (8 * size)) - 1,
				 &v))
			return false;
		if (size == 1) {
			*(uint8_t *)out = (uint8_t)v;
		} else if (size == 2) {
			uint16_t x = be ? htons((uint16_t)v) : (uint16_t)v;
			memcpy(out, &x, 2);
		} else {
			uint32_t x = be ? htonl((uint32_t)v) : (uint32_t)v;
			memcpy(out, &x, 4);
		}
		return true;
	}
	return false;
}

/* "value[/mask]" into @k and @m (no mask: all ones of @full, which is
 * NULL for all-ones bytes). */
static bool
field(struct ps *ps, enum vt type, void *k, void *m, size_t size, bool be,
      const void *full)
{
	char buf[64];

	if (!token(ps, buf, sizeof buf, true) ||
	    !parse_val(buf, type, k, size, be))
		return fail(ps, "value");
	if (eat(ps, "/")) {
		if (!token(ps, buf, sizeof buf, true) ||
		    !parse_val(buf, type, m, size, be))
			return fail(ps, "mask");
	} else if (full) {
		memcpy(m, full, size);
	} else {
		memset(m, 0xff, size);
	}
	return true;
}

/* The fields of one attribute: calls @fn(name) for each "name=". */
typedef bool field_fn(struct ps *ps, void *aux, const char *name);

static bool
fields(struct ps *ps, field_fn *fn, void *aux)
{
	if (eat(ps, ")"))
		return true;
	for (;;) {
		size_t n = name_len(ps->p);
		char name[32];

		if (!n || n >= sizeof name)
			return fail(ps, "field name");
		memcpy(name, ps->p, n);
		name[n] = '\0';
		ps->p += n;
		if (!expect(ps, "=") || !fn(ps, aux, name))
			return fail(ps, "field");
		if (eat(ps, ")"))
			return true;
		if (!expect(ps, ","))
			return false;
	}
}

struct kctx {
	struct mvs_key *k, *m;
};

static const uint8_t ff8 = 0xff;
static const uint16_t ffff16 = 0xffff;

static bool
f_eth(struct ps *ps, void *aux, const char *name)
{
	struct kctx *c = aux;

	if (!strcmp(name, "src"))
		return field(ps, V_MAC, c->k->hdr.eth_src, c->m->hdr.eth_src, 6,
			     false, NULL);
	if (!strcmp(name, "dst"))
		return field(ps, V_MAC, c->k->hdr.eth_dst, c->m->hdr.eth_dst, 6,
			     false, NULL);
	return false;
}

static bool
f_frag(struct ps *ps, struct mvs_key_hdr *k, struct mvs_key_hdr *m)
{
	if (eat(ps, "no"))
		k->nw_frag = 0;
	else if (eat(ps, "first"))
		k->nw_frag = MVS_FRAG_ANY;
	else if (eat(ps, "later"))
		k->nw_frag = MVS_FRAG_ANY | MVS_FRAG_LATER;
	else
		return false;
	m->nw_frag = MVS_FRAG_ANY | MVS_FRAG_LATER;
	return true;
}

static bool
f_ip(struct ps *ps, void *aux, const char *name)
{
	struct kctx *c = aux;
	struct mvs_key_hdr *k = &c->k->hdr, *m = &c->m->hdr;
	uint32_t lk, lm = 0xfffff;

	if (!strcmp(name, "src"))
		return k->eth_type == htons(ETH_TYPE_IPV6)
			       ? field(ps, V_IP6, k->ipv6_src, m->ipv6_src, 16,
				       false, NULL)
			       : field(ps, V_IP4, &k->ipv4_src, &m->ipv4_src, 4,
				       false, NULL);
	if (!strcmp(name, "dst"))
		return k->eth_type == htons(ETH_TYPE_IPV6)
			       ? field(ps, V_IP6, k->ipv6_dst, m->ipv6_dst, 16,
				       false, NULL)
			       : field(ps, V_IP4, &k->ipv4_dst, &m->ipv4_dst, 4,
				       false, NULL);
	if (!strcmp(name, "proto"))
		return field(ps, V_UINT, &k->nw_proto, &m->nw_proto, 1, false,
			     &ff8);
	if (!strcmp(name, "tos") || !strcmp(name, "tclass"))
		return field(ps, V_UINT, &k->nw_tos, &m->nw_tos, 1, false,
			     &ff8);
	if (!strcmp(name, "ttl") || !strcmp(name, "hlimit"))
		return field(ps, V_UINT, &k->nw_ttl, &m->nw_ttl, 1, false,
			     &ff8);
	if (!strcmp(name, "frag"))
		return f_frag(ps, k, m);
	if (!strcmp(name, "label")) {
		if (!field(ps, V_UINT, &lk, &lm, 4, false, &lm) ||
		    lk > 0xfffff || lm > 0xfffff)
			return false;
		k->ipv6_label = htonl(lk);
		m->ipv6_label = htonl(lm);
		return true;
	}
	return false;
}

static bool
f_arp(struct ps *ps, void *aux, const char *name)
{
	struct kctx *c = aux;
	struct mvs_key_hdr *k = &c->k->hdr, *m = &c->m->hdr;

	if (!strcmp(name, "sip"))
		return field(ps, V_IP4, &k->ipv4_src, &m->ipv4_src, 4, false,
			     NULL);
	if (!strcmp(name, "tip"))
		return field(ps, V_IP4, &k->ipv4_dst, &m->ipv4_dst, 4, false,
			     NULL);
	if (!strcmp(name, "sha") || !strcmp(name, "sll"))
		return field(ps, V_MAC, k->arp_sha, m->arp_sha, 6, false, NULL);
	if (!strcmp(name, "tha") || !strcmp(name, "tll"))
		return field(ps, V_MAC, k->arp_tha, m->arp_tha, 6, false, NULL);
	if (!strcmp(name, "target"))
		return field(ps, V_IP6, k->nd_target, m->nd_target, 16, false,
			     NULL);
	if (!strcmp(name, "op")) {
		uint16_t ok, om = 0xffff;
		if (!field(ps, V_UINT, &ok, &om, 2, false, &om) || ok > 0xff)
			return false;
		k->nw_proto = (uint8_t)ok;
		m->nw_proto = (uint8_t)(om == 0xffff ? 0xff : om);
		return true;
	}
	return false;
}

static bool
f_ports(struct ps *ps, void *aux, const char *name)
{
	struct kctx *c = aux;
	struct mvs_key_hdr *k = &c->k->hdr, *m = &c->m->hdr;

	if (!strcmp(name, "src") || !strcmp(name, "type"))
		return field(ps, V_UINT, &k->tp_src, &m->tp_src, 2, true,
			     &ffff16);
	if (!strcmp(name, "dst") || !strcmp(name, "code"))
		return field(ps, V_UINT, &k->tp_dst, &m->tp_dst, 2, true,
			     &ffff16);
	return false;
}

static int
flag_bit(const char *s, size_t n)
{
	static const char *const names[] = { "fin", "syn", "rst", "psh", "ack",
					     "urg", "ece", "cwr", "ns" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == n && !strncmp(s, names[i], n))
			return (int)i;
	return -1;
}

/* tcp_flags(syn|ack), tcp_flags(+syn-ack), tcp_flags(0x12/0xfff). */
static bool
attr_tcp_flags(struct ps *ps, struct mvs_key_hdr *k, struct mvs_key_hdr *m)
{
	uint16_t fk = 0, fm = 0x0fff;

	if (*ps->p == '+' || *ps->p == '-') {
		fm = 0;
		while (*ps->p == '+' || *ps->p == '-') {
			bool set = *ps->p++ == '+';
			size_t n = 0;
			while (ps->p[n] >= 'a' && ps->p[n] <= 'z')
				n++;
			int b = flag_bit(ps->p, n);
			if (b < 0)
				return fail(ps, "tcp flag");
			ps->p += n;
			fm |= (uint16_t)(1u << b);
			if (set)
				fk |= (uint16_t)(1u << b);
		}
	} else if (*ps->p >= '0' && *ps->p <= '9') {
		if (!field(ps, V_UINT, &fk, &fm, 2, false, &fm))
			return false;
	} else {
		for (;;) {
			size_t n = name_len(ps->p);
			int b = flag_bit(ps->p, n);
			if (b < 0)
				return fail(ps, "tcp flag");
			ps->p += n;
			fk |= (uint16_t)(1u << b);
			if (!eat(ps, "|"))
				break;
		}
	}
	k->tcp_flags = htons(fk);
	m->tcp_flags = htons(fm);
	return expect(ps, ")");
}

/* vlan(vid=10,pcp=3[,cfi=0]) or vlan(tci=0x..[/0x..]). */
static bool
attr_vlan(struct ps *ps, uint16_t *tci, uint16_t *mask)
{
	*tci = MVS_VLAN_PRESENT;
	*mask = MVS_VLAN_PRESENT;
	for (;;) {
		unsigned long v;
		char buf[32];
		uint16_t fm;

		if (eat(ps, "vid=") || eat(ps, "pcp=")) {
			bool vid = ps->p[-4] == 'v';
			fm = vid ? MVS_VLAN_VID_MASK : 7;
			if (!token(ps, buf, sizeof buf, true) ||
			    !parse_ulong(buf, fm, &v))
				return fail(ps, "vlan");
			uint16_t mv = fm;
			if (eat(ps, "/")) {
				unsigned long mm;
				if (!token(ps, buf, sizeof buf, true) ||
				    !parse_ulong(buf, fm, &mm))
					return fail(ps, "vlan mask");
				mv = (uint16_t)mm;
			}
			int shift = vid ? 0 : MVS_VLAN_PCP_SHIFT;
			*tci |= (uint16_t)(v << shift);
			*mask |= (uint16_t)(mv << shift);
		} else if (eat(ps, "cfi=0")) {
			*tci &= (uint16_t)~MVS_VLAN_PRESENT;
		} else if (eat(ps, "tci=")) {
			if (!field(ps, V_UINT, tci, mask, 2, false, &ffff16))
				return false;
		} else if (*ps->p != ')') {
			return fail(ps, "vlan field");
		}
		if (eat(ps, ")"))
			return true;
		if (!expect(ps, ","))
			return false;
	}
}

static bool
attr_u32(struct ps *ps, uint32_t *k, uint32_t *m)
{
	uint32_t full = UINT32_MAX;

	return field(ps, V_UINT, k, m, 4, false, &full) && expect(ps, ")");
}

static bool
attr_in_port(struct ps *ps, struct mvs_key *k, struct mvs_key *m)
{
	char buf[64];
	uint32_t full = UINT32_MAX;
	const char *save = ps->p;

	if (field(ps, V_UINT, &k->meta.in_port, &m->meta.in_port, 4, false,
		  &full))
		return expect(ps, ")");
	ps->p = save;
	ps->error = NULL;
	if (!token(ps, buf, sizeof buf, false) || !ps->names ||
	    !ps->names->lookup ||
	    ps->names->lookup(ps->names->aux, buf, &k->meta.in_port))
		return fail(ps, "in_port");
	m->meta.in_port = UINT32_MAX;
	return expect(ps, ")");
}

/* Skips "(...)" with nesting (attributes we accept and ignore). */
static bool
skip_parens(struct ps *ps)
{
	int depth = 1;

	while (*ps->p && depth) {
		if (*ps->p == '(')
			depth++;
		else if (*ps->p == ')')
			depth--;
		ps->p++;
	}
	return !depth || fail(ps, ")");
}

static bool parse_level(struct ps *ps, struct kctx *c, int depth);

static bool
key_attr(struct ps *ps, struct kctx *c, const char *name, int depth,
	 bool *vlan_seen, uint16_t *et, uint16_t *et_m)
{
	struct mvs_key *k = c->k, *m = c->m;

	if (!strcmp(name, "skb_priority"))
		return attr_u32(ps, &k->meta.skb_priority,
				&m->meta.skb_priority);
	if (!strcmp(name, "skb_mark"))
		return attr_u32(ps, &k->meta.skb_mark, &m->meta.skb_mark);
	if (!strcmp(name, "recirc_id"))
		return attr_u32(ps, &k->meta.recirc_id, &m->meta.recirc_id);
	if (!strcmp(name, "dp_hash"))
		return attr_u32(ps, &k->meta.dp_hash, &m->meta.dp_hash);
	if (!strcmp(name, "ct_mark"))
		return attr_u32(ps, &k->meta.ct_mark, &m->meta.ct_mark);
	if (!strcmp(name, "in_port"))
		return attr_in_port(ps, k, m);
	if (!strcmp(name, "ct_state") || !strcmp(name, "ct_zone") ||
	    !strcmp(name, "ct_label") || !strcmp(name, "packet_type"))
		return skip_parens(ps);
	if (!strcmp(name, "eth"))
		return fields(ps, f_eth, c);
	if (!strcmp(name, "eth_type"))
		return field(ps, V_UINT, et, et_m, 2, false, &ffff16) &&
		       expect(ps, ")");
	if (!strcmp(name, "vlan")) {
		uint16_t tci, tm;
		if (depth > 1 || !attr_vlan(ps, &tci, &tm))
			return fail(ps, "vlan");
		*vlan_seen = true;
		if (depth == 0) {
			k->hdr.vlan_tci = htons(tci);
			m->hdr.vlan_tci = htons(tm);
		} else {
			k->hdr.vlan2_tci = htons(tci);
			m->hdr.vlan2_tci = htons(tm);
		}
		return true;
	}
	if (!strcmp(name, "encap"))
		return *vlan_seen && parse_level(ps, c, depth + 1);
	/* L3 fields are interpreted by the type given before them. */
	k->hdr.eth_type = htons(*et);
	if (!strcmp(name, "ipv4") || !strcmp(name, "ipv6"))
		return fields(ps, f_ip, c);
	if (!strcmp(name, "arp") || !strcmp(name, "nd"))
		return fields(ps, f_arp, c);
	if (!strcmp(name, "tcp") || !strcmp(name, "udp") ||
	    !strcmp(name, "sctp") || !strcmp(name, "icmp") ||
	    !strcmp(name, "icmpv6"))
		return fields(ps, f_ports, c);
	if (!strcmp(name, "tcp_flags"))
		return attr_tcp_flags(ps, &k->hdr, &m->hdr);
	return fail(ps, "unknown attribute");
}

/* One level: the top, or the inside of encap(). */
static bool
parse_level(struct ps *ps, struct kctx *c, int depth)
{
	bool vlan_seen = false;
	uint16_t et = 0, et_m = 0;

	while (*ps->p && *ps->p != ')') {
		size_t n = name_len(ps->p);
		char name[32];

		if (!n || n >= sizeof name)
			return fail(ps, "attribute");
		memcpy(name, ps->p, n);
		name[n] = '\0';
		ps->p += n;
		if (!expect(ps, "(") ||
		    !key_attr(ps, c, name, depth, &vlan_seen, &et, &et_m))
			return false;
		if (!eat(ps, ","))
			break;
	}
	if (depth && !expect(ps, ")"))
		return false;
	if (vlan_seen) {
		if (depth == 0) {
			c->k->hdr.vlan_tpid = htons(et);
			c->m->hdr.vlan_tpid = htons(et_m);
		} else {
			c->k->hdr.vlan2_tpid = htons(et);
			c->m->hdr.vlan2_tpid = htons(et_m);
		}
	} else {
		c->k->hdr.eth_type = htons(et);
		c->m->hdr.eth_type = htons(et_m);
	}
	return true;
}

static int
finish(struct ps *ps, bool ok, char **err)
{
	if (ok && !*ps->p)
		return 0;
	if (err)
		*err = xasprintf("syntax error at %s (expected %s)", ps->p,
				 ps->error ? ps->error : "end");
	return -EINVAL;
}

int
odp_parse_key(const char *s, const struct odp_names *names, struct mvs_key *key,
	      struct mvs_key *mask, char **err)
{
	struct ps ps = { s, s, NULL, names };
	struct kctx c = { key, mask };

	memset(key, 0, sizeof *key);
	memset(mask, 0, sizeof *mask);
	mask->meta.recirc_id = UINT32_MAX;
	bool ok = parse_level(&ps, &c, 0);
	return finish(&ps, ok, err);
}

/* ---- actions ---- */

static bool parse_action_list(struct ps *ps, struct nlbuf *b, bool nested);

static bool
f_set_eth(struct ps *ps, void *aux, const char *name)
{
	struct mvs_act_set_eth *a = aux;

	if (!strcmp(name, "src"))
		return field(ps, V_MAC, a->src, a->src_mask, 6, false, NULL);
	if (!strcmp(name, "dst"))
		return field(ps, V_MAC, a->dst, a->dst_mask, 6, false, NULL);
	return false;
}

static bool
f_set_ipv4(struct ps *ps, void *aux, const char *name)
{
	struct mvs_act_set_ipv4 *a = aux;

	if (!strcmp(name, "src"))
		return field(ps, V_IP4, &a->src, &a->src_mask, 4, false, NULL);
	if (!strcmp(name, "dst"))
		return field(ps, V_IP4, &a->dst, &a->dst_mask, 4, false, NULL);
	if (!strcmp(name, "tos"))
		return field(ps, V_UINT, &a->tos, &a->tos_mask, 1, false, &ff8);
	if (!strcmp(name, "ttl"))
		return field(ps, V_UINT, &a->ttl, &a->ttl_mask, 1, false, &ff8);
	return false;
}

static bool
f_set_ipv6(struct ps *ps, void *aux, const char *name)
{
	struct mvs_act_set_ipv6 *a = aux;
	uint32_t lk, lm = 0xfffff;

	if (!strcmp(name, "src"))
		return field(ps, V_IP6, a->src, a->src_mask, 16, false, NULL);
	if (!strcmp(name, "dst"))
		return field(ps, V_IP6, a->dst, a->dst_mask, 16, false, NULL);
	if (!strcmp(name, "tclass"))
		return field(ps, V_UINT, &a->tclass, &a->tclass_mask, 1, false,
			     &ff8);
	if (!strcmp(name, "hlimit"))
		return field(ps, V_UINT, &a->hlimit, &a->hlimit_mask, 1, false,
			     &ff8);
	if (!strcmp(name, "label")) {
		if (!field(ps, V_UINT, &lk, &lm, 4, false, &lm) ||
		    lk > 0xfffff || lm > 0xfffff)
			return false;
		a->label = htonl(lk);
		a->label_mask = htonl(lm);
		return true;
	}
	return false;
}

static bool
f_set_l4(struct ps *ps, void *aux, const char *name)
{
	struct mvs_act_set_l4 *a = aux;

	if (!strcmp(name, "src"))
		return field(ps, V_UINT, &a->src, &a->src_mask, 2, true,
			     &ffff16);
	if (!strcmp(name, "dst"))
		return field(ps, V_UINT, &a->dst, &a->dst_mask, 2, true,
			     &ffff16);
	return false;
}

static bool
act_set(struct ps *ps, struct nlbuf *b)
{
	bool ok;

	if (eat(ps, "eth(")) {
		struct mvs_act_set_eth a = { 0 };
		ok = fields(ps, f_set_eth, &a);
		nl_put(b, MVS_ACTION_ATTR_SET_ETH, &a, sizeof a);
	} else if (eat(ps, "ipv4(")) {
		struct mvs_act_set_ipv4 a = { 0 };
		ok = fields(ps, f_set_ipv4, &a);
		nl_put(b, MVS_ACTION_ATTR_SET_IPV4, &a, sizeof a);
	} else if (eat(ps, "ipv6(")) {
		struct mvs_act_set_ipv6 a = { 0 };
		ok = fields(ps, f_set_ipv6, &a);
		nl_put(b, MVS_ACTION_ATTR_SET_IPV6, &a, sizeof a);
	} else if (eat(ps, "tcp(") || eat(ps, "udp(") || eat(ps, "sctp(")) {
		struct mvs_act_set_l4 a = { 0 };
		a.proto = ps->p[-4] == 't'   ? IPPROTO_TCP
			  : ps->p[-4] == 'u' ? IPPROTO_UDP
					     : IPPROTO_SCTP;
		ok = fields(ps, f_set_l4, &a);
		nl_put(b, MVS_ACTION_ATTR_SET_L4, &a, sizeof a);
	} else if (eat(ps, "skb_priority(")) {
		struct mvs_act_set_meta a = { 0 };
		ok = attr_u32(ps, &a.skb_priority, &a.skb_priority_mask);
		nl_put(b, MVS_ACTION_ATTR_SET_META, &a, sizeof a);
	} else if (eat(ps, "skb_mark(")) {
		struct mvs_act_set_meta a = { 0 };
		ok = attr_u32(ps, &a.skb_mark, &a.skb_mark_mask);
		nl_put(b, MVS_ACTION_ATTR_SET_META, &a, sizeof a);
	} else {
		return fail(ps, "set field");
	}
	return ok && expect(ps, ")");
}

static bool
act_push_vlan(struct ps *ps, struct nlbuf *b)
{
	struct mvs_act_push_vlan v = { htons(ETH_TYPE_VLAN), 0 };
	uint16_t tci, mask;

	if (eat(ps, "tpid=")) {
		char buf[16];
		unsigned long t;
		if (!token(ps, buf, sizeof buf, false) ||
		    !parse_ulong(buf, 0xffff, &t) || !expect(ps, ",") ||
		    (t != ETH_TYPE_VLAN && t != ETH_TYPE_VLAN_8021AD))
			return fail(ps, "tpid");
		v.tpid = htons((uint16_t)t);
	}
	if (!attr_vlan(ps, &tci, &mask))
		return false;
	v.tci = htons(tci | MVS_VLAN_PRESENT);
	nl_put(b, MVS_ACTION_ATTR_PUSH_VLAN, &v, sizeof v);
	return true;
}

static bool
act_u32(struct ps *ps, struct nlbuf *b, uint16_t type)
{
	char buf[16];
	unsigned long v;

	if (!token(ps, buf, sizeof buf, false) ||
	    !parse_ulong(buf, UINT32_MAX, &v) || !expect(ps, ")"))
		return fail(ps, "number");
	nl_put_u32(b, type, (uint32_t)v);
	return true;
}

static bool
act_userspace(struct ps *ps, struct nlbuf *b)
{
	size_t nest = nl_nest_start(b, MVS_ACTION_ATTR_USERSPACE);
	unsigned long pid;
	char buf[16];

	if (!expect(ps, "pid=") || !token(ps, buf, sizeof buf, false) ||
	    !parse_ulong(buf, UINT32_MAX, &pid))
		return fail(ps, "pid");
	nl_put_u32(b, MVS_USERSPACE_ATTR_PID, (uint32_t)pid);
	if (eat(ps, ",userdata(")) {
		uint8_t data[256];
		size_t n = 0;
		while (*ps->p != ')') {
			unsigned x;
			if (n == sizeof data || sscanf(ps->p, "%2x", &x) != 1 ||
			    !ps->p[1] || ps->p[1] == ')')
				return fail(ps, "userdata");
			data[n++] = (uint8_t)x;
			ps->p += 2;
		}
		ps->p++;
		nl_put(b, MVS_USERSPACE_ATTR_USERDATA, data, n);
	}
	nl_nest_end(b, nest);
	return expect(ps, ")");
}

static bool
act_sample(struct ps *ps, struct nlbuf *b)
{
	char *end;
	double pct = strtod(ps->p, &end);

	if (end == ps->p || pct < 0 || pct > 100)
		return fail(ps, "probability");
	ps->p = end;
	if (!expect(ps, "%,actions("))
		return false;
	size_t nest = nl_nest_start(b, MVS_ACTION_ATTR_SAMPLE);
	nl_put_u32(b, MVS_SAMPLE_ATTR_PROBABILITY,
		   (uint32_t)(pct / 100.0 * UINT32_MAX + 0.5));
	size_t acts = nl_nest_start(b, MVS_SAMPLE_ATTR_ACTIONS);
	if (!parse_action_list(ps, b, true))
		return false;
	nl_nest_end(b, acts);
	nl_nest_end(b, nest);
	return expect(ps, "))");
}

static bool
act_output(struct ps *ps, struct nlbuf *b)
{
	char buf[64];
	unsigned long v;
	uint32_t port;

	if (!token(ps, buf, sizeof buf, false))
		return false;
	if (parse_ulong(buf, MVS_PORT_MAX, &v)) {
		nl_put_u32(b, MVS_ACTION_ATTR_OUTPUT, (uint32_t)v);
		return true;
	}
	if (!ps->names || !ps->names->lookup ||
	    ps->names->lookup(ps->names->aux, buf, &port))
		return fail(ps, "action");
	nl_put_u32(b, MVS_ACTION_ATTR_OUTPUT, port);
	return true;
}

static bool
parse_action(struct ps *ps, struct nlbuf *b)
{
	if (eat(ps, "set("))
		return act_set(ps, b);
	if (eat(ps, "push_vlan("))
		return act_push_vlan(ps, b);
	if (eat(ps, "pop_vlan")) {
		nl_put_flag(b, MVS_ACTION_ATTR_POP_VLAN);
		return true;
	}
	if (eat(ps, "recirc("))
		return act_u32(ps, b, MVS_ACTION_ATTR_RECIRC);
	if (eat(ps, "trunc("))
		return act_u32(ps, b, MVS_ACTION_ATTR_TRUNC);
	if (eat(ps, "meter("))
		return act_u32(ps, b, MVS_ACTION_ATTR_METER);
	if (eat(ps, "tnl_pop("))
		return act_u32(ps, b, MVS_ACTION_ATTR_TUNNEL_POP);
	if (eat(ps, "hash(l4(")) {
		struct mvs_act_hash h = { MVS_HASH_ALG_L4, 0 };
		char buf[16];
		unsigned long v;
		if (!token(ps, buf, sizeof buf, false) ||
		    !parse_ulong(buf, UINT32_MAX, &v) || !expect(ps, "))"))
			return fail(ps, "hash");
		h.basis = (uint32_t)v;
		nl_put(b, MVS_ACTION_ATTR_HASH, &h, sizeof h);
		return true;
	}
	if (eat(ps, "clone(")) {
		size_t nest = nl_nest_start(b, MVS_ACTION_ATTR_CLONE);
		if (!parse_action_list(ps, b, true))
			return false;
		nl_nest_end(b, nest);
		return expect(ps, ")");
	}
	if (eat(ps, "sample(sample="))
		return act_sample(ps, b);
	if (eat(ps, "userspace("))
		return act_userspace(ps, b);
	return act_output(ps, b);
}

static bool
parse_action_list(struct ps *ps, struct nlbuf *b, bool nested)
{
	if (eat(ps, "drop"))
		return true;
	while (*ps->p && *ps->p != ')') {
		if (!parse_action(ps, b))
			return fail(ps, "action");
		if (!eat(ps, ","))
			break;
	}
	return nested || !*ps->p || fail(ps, "end");
}

int
odp_parse_actions(const char *s, const struct odp_names *names,
		  struct nlbuf *out, char **err)
{
	struct ps ps = { s, s, NULL, names };
	bool ok = parse_action_list(&ps, out, false);

	return finish(&ps, ok, err);
}

int
odp_parse_ufid(const char *s, struct mvs_ufid *u)
{
	unsigned a, b, c, d, e, f;
	char extra;

	if (!strncmp(s, "ufid:", 5))
		s += 5;
	if (strlen(s) != 36 || sscanf(s, "%8x-%4x-%4x-%4x-%4x%8x%c", &a, &b, &c,
				      &d, &e, &f, &extra) != 6)
		return -EINVAL;
	u->w[0] = a;
	u->w[1] = b << 16 | c;
	u->w[2] = d << 16 | e;
	u->w[3] = f;
	return 0;
}
