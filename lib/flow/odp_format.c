/* SPDX-License-Identifier: Apache-2.0 */
/*
 * odp_format: datapath flows as text, in Open vSwitch 3.1's dpctl format
 * (captured from a real ovs-vswitchd with a netdev datapath; the golden
 * strings are in odp_test.c).
 */
#include "odp.h"

#include <arpa/inet.h>
#include <endian.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>

#include "flow.h"

/* One attribute being printed: its fields are written "name=v[/m]," and
 * the trailing comma is chomped when the attribute closes. */
struct kf {
	struct ds *ds;
	bool verbose;
	bool first; /* no attribute printed yet at this level */
};

static bool
zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static bool
ones(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0xff)
			return false;
	return true;
}

static void
chomp(struct ds *ds, char c)
{
	if (ds->len && ds->s[ds->len - 1] == c)
		ds->s[--ds->len] = '\0';
}

/* Opens attribute @name if verbose or @mask_nonzero; false: skipped. */
static bool
attr_open(struct kf *f, const char *name, bool mask_nonzero)
{
	if (!f->verbose && !mask_nonzero)
		return false;
	if (!f->first)
		ds_put_char(f->ds, ',');
	f->first = false;
	ds_printf(f->ds, "%s(", name);
	return true;
}

static void
attr_close(struct kf *f)
{
	chomp(f->ds, ',');
	ds_put_char(f->ds, ')');
}

static void
fld_uint(struct kf *f, const char *name, uint32_t k, uint32_t m, uint32_t full,
	 bool hex)
{
	if (!f->verbose && !m)
		return;
	ds_printf(f->ds, hex ? "%s=%#" PRIx32 : "%s=%" PRIu32, name, k);
	if (m != full)
		ds_printf(f->ds, "/%#" PRIx32, m);
	ds_put_char(f->ds, ',');
}

static void
fmt_eth_addr(struct ds *ds, const uint8_t *a)
{
	ds_printf(ds, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3],
		  a[4], a[5]);
}

static void
fld_eth(struct kf *f, const char *name, const uint8_t *k, const uint8_t *m)
{
	if (!f->verbose && zero(m, 6))
		return;
	ds_printf(f->ds, "%s=", name);
	fmt_eth_addr(f->ds, k);
	if (!ones(m, 6)) {
		ds_put_char(f->ds, '/');
		fmt_eth_addr(f->ds, m);
	}
	ds_put_char(f->ds, ',');
}

static void
fmt_addr(struct ds *ds, int af, const void *a)
{
	char buf[INET6_ADDRSTRLEN];

	ds_put(ds, inet_ntop(af, a, buf, sizeof buf));
}

static void
fld_ip(struct kf *f, const char *name, int af, const void *k, const void *m)
{
	size_t n = af == AF_INET ? 4 : 16;

	if (!f->verbose && zero(m, n))
		return;
	ds_printf(f->ds, "%s=", name);
	fmt_addr(f->ds, af, k);
	if (!ones(m, n)) {
		ds_put_char(f->ds, '/');
		fmt_addr(f->ds, af, m);
	}
	ds_put_char(f->ds, ',');
}

/* A 32-bit metadata attribute: "name(%#x[/%#x])". */
static void
attr_u32(struct kf *f, const char *name, uint32_t k, uint32_t m)
{
	if (!attr_open(f, name, m != 0))
		return;
	ds_printf(f->ds, "%#" PRIx32, k);
	if (m != UINT32_MAX)
		ds_printf(f->ds, "/%#" PRIx32, m);
	ds_put_char(f->ds, ')');
}

static const char *const tcp_flag_names[] = { "fin", "syn", "rst", "psh", "ack",
					      "urg", "ece", "cwr", "ns" };

static void
fmt_flag_name(struct ds *ds, unsigned bit)
{
	if (bit < ARRAY_SIZE(tcp_flag_names))
		ds_put(ds, tcp_flag_names[bit]);
	else
		ds_printf(ds, "0x%x", 1u << bit);
}

static void
fmt_tcp_flags(struct ds *ds, uint16_t k, uint16_t m)
{
	if (m == 0x0fff) {
		if (!k) {
			ds_put_char(ds, '0');
			return;
		}
		for (unsigned b = 0; b < 12; b++) {
			if (!(k & (1u << b)))
				continue;
			fmt_flag_name(ds, b);
			if (k & ~((2u << b) - 1))
				ds_put_char(ds, '|');
		}
		return;
	}
	if (!m) {
		ds_put(ds, "0/0");
		return;
	}
	for (unsigned b = 0; b < 16; b++) {
		if (!(m & (1u << b)))
			continue;
		ds_put_char(ds, k & (1u << b) ? '+' : '-');
		if (b < ARRAY_SIZE(tcp_flag_names))
			ds_put(ds, tcp_flag_names[b]);
		else
			ds_put(ds, "[Unknown]");
	}
}

/* format_vlan_tci: vid and pcp when verbose or set, cfi=0 if absent. */
static void
fmt_vlan_tci(struct ds *ds, uint16_t tci, uint16_t mask, bool verbose)
{
	uint16_t vid = tci & MVS_VLAN_VID_MASK, vm = mask & MVS_VLAN_VID_MASK;
	unsigned pcp = tci >> MVS_VLAN_PCP_SHIFT,
		 pm = mask >> MVS_VLAN_PCP_SHIFT;

	if (verbose || vid || vm) {
		ds_printf(ds, "vid=%u", vid);
		if (vm != MVS_VLAN_VID_MASK)
			ds_printf(ds, "/0x%x", vm);
		ds_put_char(ds, ',');
	}
	if (verbose || pcp || pm) {
		ds_printf(ds, "pcp=%u", pcp);
		if (pm != 7)
			ds_printf(ds, "/0x%x", pm);
		ds_put_char(ds, ',');
	}
	if (!(tci & MVS_VLAN_PRESENT))
		ds_put(ds, "cfi=0,");
	chomp(ds, ',');
}

static const char *
frag_name(uint8_t frag)
{
	if (!(frag & MVS_FRAG_ANY))
		return "no";
	return frag & MVS_FRAG_LATER ? "later" : "first";
}

static void
fld_frag(struct kf *f, uint8_t k, uint8_t m)
{
	if (m)
		ds_printf(f->ds, "frag=%s,", frag_name(k));
}

static void
attr_ipv4(struct kf *f, const struct mvs_key_hdr *k,
	  const struct mvs_key_hdr *m)
{
	bool any = m->ipv4_src || m->ipv4_dst || m->nw_proto || m->nw_tos ||
		   m->nw_ttl || m->nw_frag;

	if (!attr_open(f, "ipv4", any))
		return;
	fld_ip(f, "src", AF_INET, &k->ipv4_src, &m->ipv4_src);
	fld_ip(f, "dst", AF_INET, &k->ipv4_dst, &m->ipv4_dst);
	fld_uint(f, "proto", k->nw_proto, m->nw_proto, 0xff, false);
	fld_uint(f, "tos", k->nw_tos, m->nw_tos, 0xff, true);
	fld_uint(f, "ttl", k->nw_ttl, m->nw_ttl, 0xff, false);
	fld_frag(f, k->nw_frag, m->nw_frag);
	attr_close(f);
}

static void
attr_ipv6(struct kf *f, const struct mvs_key_hdr *k,
	  const struct mvs_key_hdr *m)
{
	bool any = !zero(m->ipv6_src, 16) || !zero(m->ipv6_dst, 16) ||
		   m->ipv6_label || m->nw_proto || m->nw_tos || m->nw_ttl ||
		   m->nw_frag;

	if (!attr_open(f, "ipv6", any))
		return;
	fld_ip(f, "src", AF_INET6, k->ipv6_src, m->ipv6_src);
	fld_ip(f, "dst", AF_INET6, k->ipv6_dst, m->ipv6_dst);
	fld_uint(f, "label", ntohl(k->ipv6_label), ntohl(m->ipv6_label),
		 0xfffff, true);
	fld_uint(f, "proto", k->nw_proto, m->nw_proto, 0xff, false);
	fld_uint(f, "tclass", k->nw_tos, m->nw_tos, 0xff, true);
	fld_uint(f, "hlimit", k->nw_ttl, m->nw_ttl, 0xff, false);
	fld_frag(f, k->nw_frag, m->nw_frag);
	attr_close(f);
}

static void
attr_arp(struct kf *f, const struct mvs_key_hdr *k, const struct mvs_key_hdr *m)
{
	bool any = m->ipv4_src || m->ipv4_dst || m->nw_proto ||
		   !zero(m->arp_sha, 6) || !zero(m->arp_tha, 6);

	if (!attr_open(f, "arp", any))
		return;
	fld_ip(f, "sip", AF_INET, &k->ipv4_src, &m->ipv4_src);
	fld_ip(f, "tip", AF_INET, &k->ipv4_dst, &m->ipv4_dst);
	/* The opcode is 16 bits in Open vSwitch; we keep its low byte. */
	fld_uint(f, "op", k->nw_proto,
		 m->nw_proto == 0xff ? 0xffff : m->nw_proto, 0xffff, false);
	fld_eth(f, "sha", k->arp_sha, m->arp_sha);
	fld_eth(f, "tha", k->arp_tha, m->arp_tha);
	attr_close(f);
}

static void
attr_ports(struct kf *f, const char *name, const struct mvs_key_hdr *k,
	   const struct mvs_key_hdr *m)
{
	if (!attr_open(f, name, m->tp_src || m->tp_dst))
		return;
	fld_uint(f, "src", ntohs(k->tp_src), ntohs(m->tp_src), 0xffff, false);
	fld_uint(f, "dst", ntohs(k->tp_dst), ntohs(m->tp_dst), 0xffff, false);
	attr_close(f);
}

static void
attr_icmp(struct kf *f, const char *name, const struct mvs_key_hdr *k,
	  const struct mvs_key_hdr *m)
{
	uint8_t tm = ntohs(m->tp_src) & 0xff, cm = ntohs(m->tp_dst) & 0xff;

	if (!attr_open(f, name, tm || cm))
		return;
	fld_uint(f, "type", ntohs(k->tp_src) & 0xff, tm, 0xff, false);
	fld_uint(f, "code", ntohs(k->tp_dst) & 0xff, cm, 0xff, false);
	attr_close(f);
}

static void
attr_nd(struct kf *f, const struct mvs_key_hdr *k, const struct mvs_key_hdr *m)
{
	bool any = !zero(m->nd_target, 16) || !zero(m->arp_sha, 6) ||
		   !zero(m->arp_tha, 6);

	if (!attr_open(f, "nd", any))
		return;
	fld_ip(f, "target", AF_INET6, k->nd_target, m->nd_target);
	fld_eth(f, "sll", k->arp_sha, m->arp_sha);
	fld_eth(f, "tll", k->arp_tha, m->arp_tha);
	attr_close(f);
}

static void
fmt_l4(struct kf *f, const struct mvs_key_hdr *k, const struct mvs_key_hdr *m,
       bool v6)
{
	switch (k->nw_proto) {
	case IPPROTO_TCP:
		attr_ports(f, "tcp", k, m);
		if (attr_open(f, "tcp_flags", m->tcp_flags != 0)) {
			fmt_tcp_flags(f->ds, ntohs(k->tcp_flags),
				      ntohs(m->tcp_flags));
			ds_put_char(f->ds, ')');
		}
		break;
	case IPPROTO_UDP:
		attr_ports(f, "udp", k, m);
		break;
	case IPPROTO_SCTP:
		attr_ports(f, "sctp", k, m);
		break;
	case IPPROTO_ICMP:
		if (!v6)
			attr_icmp(f, "icmp", k, m);
		break;
	case IPPROTO_ICMPV6:
		if (!v6)
			break;
		attr_icmp(f, "icmpv6", k, m);
		uint16_t type = ntohs(k->tp_src), code = ntohs(k->tp_dst);
		if ((type == 135 || type == 136) && code == 0 &&
		    (ntohs(m->tp_src) & 0xff) == 0xff &&
		    (ntohs(m->tp_dst) & 0xff) == 0xff)
			attr_nd(f, k, m);
		break;
	}
}

/* From the innermost Ethernet type on. */
static void
fmt_l3(struct kf *f, const struct mvs_key_hdr *k, const struct mvs_key_hdr *m)
{
	uint16_t type = ntohs(k->eth_type);

	if (attr_open(f, "eth_type", m->eth_type != 0)) {
		ds_printf(f->ds, "0x%04x", type);
		if (m->eth_type != 0xffff)
			ds_printf(f->ds, "/0x%04x", ntohs(m->eth_type));
		ds_put_char(f->ds, ')');
	}
	bool v6 = type == ETH_TYPE_IPV6;
	if (type == ETH_TYPE_IP)
		attr_ipv4(f, k, m);
	else if (v6)
		attr_ipv6(f, k, m);
	else if (type == ETH_TYPE_ARP || type == ETH_TYPE_RARP)
		attr_arp(f, k, m);
	else
		return;
	if ((type == ETH_TYPE_IP || v6) && !(k->nw_frag & MVS_FRAG_LATER))
		fmt_l4(f, k, m, v6);
}

/* True if anything after the VLAN tag @depth (0 outer, 1 inner) is
 * matched: what decides whether plain mode prints encap(). */
static bool
encap_masked(const struct mvs_key_hdr *m, int depth)
{
	struct mvs_key_hdr c = *m;

	memset(c.eth_dst, 0, 12);
	c.vlan_tci = c.vlan_tpid = 0;
	if (depth)
		c.vlan2_tci = c.vlan2_tpid = 0;
	return !zero(&c, sizeof c);
}

static void
fmt_vlan(struct kf *f, uint16_t tpid, uint16_t tpid_m, uint16_t tci,
	 uint16_t tci_m)
{
	if (attr_open(f, "eth_type", tpid_m != 0)) {
		ds_printf(f->ds, "0x%04x", tpid);
		if (tpid_m != 0xffff)
			ds_printf(f->ds, "/0x%04x", tpid_m);
		ds_put_char(f->ds, ')');
	}
	if (attr_open(f, "vlan", tci_m != 0)) {
		fmt_vlan_tci(f->ds, tci, tci_m, f->verbose);
		ds_put_char(f->ds, ')');
	}
}

static void
fmt_after_eth(struct kf *f, const struct mvs_key_hdr *k,
	      const struct mvs_key_hdr *m)
{
	if (!(ntohs(k->vlan_tci) & MVS_VLAN_PRESENT)) {
		fmt_l3(f, k, m);
		return;
	}
	fmt_vlan(f, ntohs(k->vlan_tpid), ntohs(m->vlan_tpid),
		 ntohs(k->vlan_tci), ntohs(m->vlan_tci));
	if (!attr_open(f, "encap", encap_masked(m, 0)))
		return;
	struct kf in = { f->ds, f->verbose, true };
	if (ntohs(k->vlan2_tci) & MVS_VLAN_PRESENT) {
		fmt_vlan(&in, ntohs(k->vlan2_tpid), ntohs(m->vlan2_tpid),
			 ntohs(k->vlan2_tci), ntohs(m->vlan2_tci));
		if (attr_open(&in, "encap", encap_masked(m, 1))) {
			struct kf in2 = { f->ds, f->verbose, true };

			fmt_l3(&in2, k, m);
			ds_put_char(f->ds, ')');
		}
	} else {
		fmt_l3(&in, k, m);
	}
	ds_put_char(f->ds, ')');
}

static bool
all_ones(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xff)
			return false;
	return true;
}

static void
put_hex(struct ds *ds, const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i + 1 < n && !p[i])
		i++;
	ds_printf(ds, "%#x", p[i]);
	for (i++; i < n; i++)
		ds_printf(ds, "%02x", p[i]);
}

/* Geneve options as Open vSwitch writes them: geneve({class=C,type=T,
 * len=L,DATA[/MASK]}...), the data left out under a zero mask. */
static void
fmt_geneve(struct kf *f, const struct mvs_key_tunnel *k,
	   const struct mvs_key_tunnel *m)
{
	size_t n = k->opts_len > MVS_TUN_OPTS_MAX ? 0 : k->opts_len;

	ds_put(f->ds, "geneve(");
	for (size_t at = 0; at + 4 <= n;) {
		const uint8_t *o = k->opts + at, *mo = m->opts + at;
		size_t len = (size_t)(o[3] & 0x1f) * 4;

		if (at + 4 + len > n)
			break;
		ds_printf(f->ds, "{class=%#x,type=%#x,len=%zu",
			  (unsigned)(o[0] << 8 | o[1]), o[2], len);
		if (len && (f->verbose || !zero(mo + 4, len))) {
			ds_put_char(f->ds, ',');
			put_hex(f->ds, o + 4, len);
			if (!all_ones(mo + 4, len)) {
				ds_put_char(f->ds, '/');
				put_hex(f->ds, mo + 4, len);
			}
		}
		ds_put_char(f->ds, '}');
		at += 4 + len;
	}
	ds_put(f->ds, "),");
}

static void
fmt_tunnel(struct kf *f, const struct mvs_key_tunnel *k,
	   const struct mvs_key_tunnel *m)
{
	bool any = !zero(m, sizeof *m);

	if (zero(k, sizeof *k) && !any)
		return;
	if (!attr_open(f, "tunnel", any))
		return;
	if (f->verbose || m->tun_id) {
		ds_printf(f->ds, "tun_id=%#llx",
			  (unsigned long long)be64toh(k->tun_id));
		if (m->tun_id != UINT64_MAX)
			ds_printf(f->ds, "/%#llx",
				  (unsigned long long)be64toh(m->tun_id));
		ds_put_char(f->ds, ',');
	}
	if (k->flags & MVS_TNL_F_IPV6) {
		fld_ip(f, "ipv6_src", AF_INET6, k->ipv6_src, m->ipv6_src);
		fld_ip(f, "ipv6_dst", AF_INET6, k->ipv6_dst, m->ipv6_dst);
	} else {
		fld_ip(f, "src", AF_INET, &k->ipv4_src, &m->ipv4_src);
		fld_ip(f, "dst", AF_INET, &k->ipv4_dst, &m->ipv4_dst);
	}
	fld_uint(f, "tos", k->tos, m->tos, 0xff, true);
	fld_uint(f, "ttl", k->ttl, m->ttl, 0xff, false);
	fld_uint(f, "tp_src", ntohs(k->tp_src), ntohs(m->tp_src), 0xffff,
		 false);
	fld_uint(f, "tp_dst", ntohs(k->tp_dst), ntohs(m->tp_dst), 0xffff,
		 false);
	if (m->opts_len || (f->verbose && k->opts_len))
		fmt_geneve(f, k, m);
	static const char *const names[] = { "df", "csum", "key", "oam" };
	uint16_t fm = m->flags & 0xf;
	if (f->verbose || fm) {
		ds_put(f->ds, "flags(");
		for (unsigned b = 0; b < 4; b++) {
			if (fm & (1u << b))
				ds_printf(f->ds, "%c%s",
					  k->flags & (1u << b) ? '+' : '-',
					  names[b]);
		}
		ds_put(f->ds, "),");
	}
	attr_close(f);
}

static void
fmt_port(struct ds *ds, uint32_t port, const struct odp_names *names)
{
	const char *n =
		names && names->name ? names->name(names->aux, port) : NULL;

	if (n)
		ds_put(ds, n);
	else
		ds_printf(ds, "%" PRIu32, port);
}

void
odp_format_key(struct ds *ds, const struct mvs_key *key,
	       const struct mvs_key *mask, bool verbose,
	       const struct odp_names *names)
{
	const struct mvs_key_meta *km = &key->meta, *mm = &mask->meta;
	struct kf f = { ds, verbose, true };

	attr_u32(&f, "skb_priority", km->skb_priority, mm->skb_priority);
	fmt_tunnel(&f, &key->tun, &mask->tun);
	attr_u32(&f, "skb_mark", km->skb_mark, mm->skb_mark);
	attr_u32(&f, "ct_state", km->ct_state, mm->ct_state);
	attr_u32(&f, "ct_zone", km->ct_zone, mm->ct_zone);
	attr_u32(&f, "ct_mark", km->ct_mark, mm->ct_mark);
	if (attr_open(&f, "ct_label", false))
		ds_put(ds, "0/0)");
	attr_u32(&f, "recirc_id", km->recirc_id, mm->recirc_id);
	attr_u32(&f, "dp_hash", km->dp_hash, mm->dp_hash);
	if (attr_open(&f, "in_port", mm->in_port != 0)) {
		fmt_port(ds, km->in_port, verbose ? names : NULL);
		if (mm->in_port != UINT32_MAX)
			ds_printf(ds, "/%#" PRIx32, mm->in_port);
		ds_put_char(ds, ')');
	}
	/* Only Ethernet frames enter the datapath: the packet type always
	 * matches exactly. */
	attr_open(&f, "packet_type", true);
	ds_put(ds, "ns=0,id=0)");
	const struct mvs_key_hdr *k = &key->hdr, *m = &mask->hdr;
	if (attr_open(&f, "eth", !zero(m->eth_dst, 12))) {
		fld_eth(&f, "src", k->eth_src, m->eth_src);
		fld_eth(&f, "dst", k->eth_dst, m->eth_dst);
		attr_close(&f);
	}
	fmt_after_eth(&f, k, m);
}

static void fmt_actions(struct ds *ds, const struct nlattr *actions, size_t len,
			const struct odp_names *names);

static void
fmt_set_fields_eth(struct ds *ds, const struct mvs_act_set_eth *a)
{
	struct kf f = { ds, false, true };

	ds_put(ds, "set(eth(");
	fld_eth(&f, "src", a->src, a->src_mask);
	fld_eth(&f, "dst", a->dst, a->dst_mask);
	chomp(ds, ',');
	ds_put(ds, "))");
}

static void
fmt_set_ipv4(struct ds *ds, const struct mvs_act_set_ipv4 *a)
{
	struct kf f = { ds, false, true };

	ds_put(ds, "set(ipv4(");
	fld_ip(&f, "src", AF_INET, &a->src, &a->src_mask);
	fld_ip(&f, "dst", AF_INET, &a->dst, &a->dst_mask);
	fld_uint(&f, "tos", a->tos, a->tos_mask, 0xff, true);
	fld_uint(&f, "ttl", a->ttl, a->ttl_mask, 0xff, false);
	chomp(ds, ',');
	ds_put(ds, "))");
}

static void
fmt_set_ipv6(struct ds *ds, const struct mvs_act_set_ipv6 *a)
{
	struct kf f = { ds, false, true };

	ds_put(ds, "set(ipv6(");
	fld_ip(&f, "src", AF_INET6, a->src, a->src_mask);
	fld_ip(&f, "dst", AF_INET6, a->dst, a->dst_mask);
	fld_uint(&f, "label", ntohl(a->label), ntohl(a->label_mask), 0xfffff,
		 true);
	fld_uint(&f, "tclass", a->tclass, a->tclass_mask, 0xff, true);
	fld_uint(&f, "hlimit", a->hlimit, a->hlimit_mask, 0xff, false);
	chomp(ds, ',');
	ds_put(ds, "))");
}

static void
fmt_set_l4(struct ds *ds, const struct mvs_act_set_l4 *a)
{
	struct kf f = { ds, false, true };
	const char *name = a->proto == IPPROTO_UDP    ? "udp"
			   : a->proto == IPPROTO_SCTP ? "sctp"
						      : "tcp";

	ds_printf(ds, "set(%s(", name);
	fld_uint(&f, "src", ntohs(a->src), ntohs(a->src_mask), 0xffff, false);
	fld_uint(&f, "dst", ntohs(a->dst), ntohs(a->dst_mask), 0xffff, false);
	chomp(ds, ',');
	ds_put(ds, "))");
}

static void
fmt_set_meta(struct ds *ds, const struct mvs_act_set_meta *a)
{
	if (a->skb_priority_mask) {
		ds_printf(ds, "set(skb_priority(%#" PRIx32, a->skb_priority);
		if (a->skb_priority_mask != UINT32_MAX)
			ds_printf(ds, "/%#" PRIx32, a->skb_priority_mask);
		ds_put(ds, ")),");
	}
	if (a->skb_mark_mask) {
		ds_printf(ds, "set(skb_mark(%#" PRIx32, a->skb_mark);
		if (a->skb_mark_mask != UINT32_MAX)
			ds_printf(ds, "/%#" PRIx32, a->skb_mark_mask);
		ds_put(ds, ")),");
	}
	chomp(ds, ',');
}

static void
fmt_hex(struct ds *ds, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ds_printf(ds, "%02x", p[i]);
}

static void
fmt_userspace(struct ds *ds, const struct nlattr *a)
{
	const struct nlattr *pid = nl_attr_find(nl_attr_data(a), nl_attr_len(a),
						MVS_USERSPACE_ATTR_PID);
	const struct nlattr *ud = nl_attr_find(nl_attr_data(a), nl_attr_len(a),
					       MVS_USERSPACE_ATTR_USERDATA);

	ds_printf(ds, "userspace(pid=%" PRIu32, pid ? nl_attr_get_u32(pid) : 0);
	if (ud && nl_attr_len(ud) == sizeof(struct odp_cookie_controller) &&
	    *(const uint8_t *)nl_attr_data(ud) == ODP_COOKIE_CONTROLLER) {
		struct odp_cookie_controller c;

		memcpy(&c, nl_attr_data(ud), sizeof c);
		ds_printf(ds,
			  ",controller(reason=%u,dont_send=%u,continuation=%u,"
			  "recirc_id=%" PRIu32 ",rule_cookie=%#" PRIx64
			  ",controller_id=%u,max_len=%u))",
			  c.reason, c.dont_send, c.continuation, c.state_id,
			  c.rule_cookie, c.controller_id, c.max_len);
		return;
	}
	if (ud) {
		ds_put(ds, ",userdata(");
		fmt_hex(ds, nl_attr_data(ud), nl_attr_len(ud));
		ds_put_char(ds, ')');
	}
	ds_put_char(ds, ')');
}

static void
fmt_sample(struct ds *ds, const struct nlattr *a, const struct odp_names *names)
{
	const struct nlattr *p = nl_attr_find(nl_attr_data(a), nl_attr_len(a),
					      MVS_SAMPLE_ATTR_PROBABILITY);
	const struct nlattr *acts = nl_attr_find(
		nl_attr_data(a), nl_attr_len(a), MVS_SAMPLE_ATTR_ACTIONS);
	double pct = p ? 100.0 * nl_attr_get_u32(p) / UINT32_MAX : 0;

	ds_printf(ds, "sample(sample=%.1f%%,actions(", pct);
	if (acts)
		fmt_actions(ds, nl_attr_data(acts), nl_attr_len(acts), names);
	ds_put(ds, "))");
}

static void
fmt_tnl_push(struct ds *ds, const struct mvs_act_tunnel_push *t)
{
	ds_printf(ds,
		  "tnl_push(tnl_port(%" PRIu32 "),header(size=%" PRIu32
		  ",type=%" PRIu32 ",",
		  t->tnl_port, t->header_len, t->tnl_type);
	fmt_hex(ds, t->header,
		t->header_len < MVS_TNL_PUSH_HEADER_MAX
			? t->header_len
			: MVS_TNL_PUSH_HEADER_MAX);
	ds_printf(ds, "),out_port(%" PRIu32 "))", t->out_port);
}

static void
fmt_action(struct ds *ds, const struct nlattr *a, const struct odp_names *names)
{
	const void *d = nl_attr_data(a);

	switch (nl_attr_type(a)) {
	case MVS_ACTION_ATTR_OUTPUT:
		fmt_port(ds, nl_attr_get_u32(a), names);
		break;
	case MVS_ACTION_ATTR_USERSPACE:
		fmt_userspace(ds, a);
		break;
	case MVS_ACTION_ATTR_SET_ETH:
		fmt_set_fields_eth(ds, d);
		break;
	case MVS_ACTION_ATTR_SET_IPV4:
		fmt_set_ipv4(ds, d);
		break;
	case MVS_ACTION_ATTR_SET_IPV6:
		fmt_set_ipv6(ds, d);
		break;
	case MVS_ACTION_ATTR_SET_L4:
		fmt_set_l4(ds, d);
		break;
	case MVS_ACTION_ATTR_SET_TUNNEL: {
		struct kf f = { ds, false, true };
		struct mvs_key_tunnel full;

		memset(&full, 0xff, sizeof full);
		ds_put(ds, "set(");
		fmt_tunnel(&f, d, &full);
		ds_put_char(ds, ')');
		break;
	}
	case MVS_ACTION_ATTR_SET_META:
		fmt_set_meta(ds, d);
		break;
	case MVS_ACTION_ATTR_PUSH_VLAN: {
		const struct mvs_act_push_vlan *v = d;

		ds_put(ds, "push_vlan(");
		if (ntohs(v->tpid) != ETH_TYPE_VLAN)
			ds_printf(ds, "tpid=0x%04x,", ntohs(v->tpid));
		fmt_vlan_tci(ds, ntohs(v->tci) | MVS_VLAN_PRESENT, 0xffff,
			     false);
		ds_put_char(ds, ')');
		break;
	}
	case MVS_ACTION_ATTR_POP_VLAN:
		ds_put(ds, "pop_vlan");
		break;
	case MVS_ACTION_ATTR_RECIRC:
		ds_printf(ds, "recirc(%#" PRIx32 ")", nl_attr_get_u32(a));
		break;
	case MVS_ACTION_ATTR_HASH: {
		const struct mvs_act_hash *h = d;

		if (h->alg == MVS_HASH_ALG_L4)
			ds_printf(ds, "hash(l4(%" PRIu32 "))", h->basis);
		else
			ds_printf(ds,
				  "hash(Unknown hash algorithm(%" PRIu32 "))",
				  h->alg);
		break;
	}
	case MVS_ACTION_ATTR_SAMPLE:
		fmt_sample(ds, a, names);
		break;
	case MVS_ACTION_ATTR_CLONE:
		ds_put(ds, "clone(");
		fmt_actions(ds, d, nl_attr_len(a), names);
		ds_put_char(ds, ')');
		break;
	case MVS_ACTION_ATTR_TRUNC:
		ds_printf(ds, "trunc(%" PRIu32 ")", nl_attr_get_u32(a));
		break;
	case MVS_ACTION_ATTR_TUNNEL_PUSH:
		fmt_tnl_push(ds, d);
		break;
	case MVS_ACTION_ATTR_TUNNEL_POP:
		ds_printf(ds, "tnl_pop(%" PRIu32 ")", nl_attr_get_u32(a));
		break;
	case MVS_ACTION_ATTR_METER:
		ds_printf(ds, "meter(%" PRIu32 ")", nl_attr_get_u32(a));
		break;
	default:
		ds_printf(ds, "action%u", nl_attr_type(a));
		break;
	}
}

static void
fmt_actions(struct ds *ds, const struct nlattr *actions, size_t len,
	    const struct odp_names *names)
{
	const struct nlattr *a;
	size_t left;
	bool first = true;

	NL_ATTR_FOR_EACH(a, left, actions, len)
	{
		if (!first)
			ds_put_char(ds, ',');
		first = false;
		fmt_action(ds, a, names);
	}
}

void
odp_format_actions(struct ds *ds, const struct nlattr *actions, size_t len,
		   const struct odp_names *names)
{
	if (!len) {
		ds_put(ds, "drop");
		return;
	}
	fmt_actions(ds, actions, len, names);
}

void
odp_format_ufid(struct ds *ds, const struct mvs_ufid *u)
{
	ds_printf(ds,
		  "ufid:%08" PRIx32 "-%04" PRIx32 "-%04" PRIx32 "-%04" PRIx32
		  "-%04" PRIx32 "%08" PRIx32,
		  u->w[0], u->w[1] >> 16, u->w[1] & 0xffff, u->w[2] >> 16,
		  u->w[2] & 0xffff, u->w[3]);
}

/* packet_format_tcp_flags: one letter per flag, in Open vSwitch's order. */
static void
fmt_stats_flags(struct ds *ds, uint16_t fl)
{
	static const struct {
		uint16_t bit;
		const char *s;
	} order[] = {
		{ 0x002, "S" },	    { 0x001, "F" },	{ 0x008, "P" },
		{ 0x004, "R" },	    { 0x020, "U" },	{ 0x010, "." },
		{ 0x040, "E" },	    { 0x080, "C" },	{ 0x100, "N" },
		{ 0x200, "[200]" }, { 0x400, "[400]" }, { 0x800, "[800]" }
	};

	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (fl & order[i].bit)
			ds_put(ds, order[i].s);
}

void
odp_format_stats(struct ds *ds, const struct mvs_flow_stats *st,
		 uint64_t now_ms)
{
	ds_printf(ds, "packets:%llu, bytes:%llu, used:",
		  (unsigned long long)st->n_packets,
		  (unsigned long long)st->n_bytes);
	if (st->used_ms) {
		uint64_t age = now_ms > st->used_ms ? now_ms - st->used_ms : 0;
		ds_printf(ds, "%.3fs", age / 1000.0);
	} else {
		ds_put(ds, "never");
	}
	if (st->tcp_flags) {
		ds_put(ds, ", flags:");
		fmt_stats_flags(ds, st->tcp_flags);
	}
}

void
odp_format_flow(struct ds *ds, const struct mvs_ufid *ufid,
		const struct mvs_key *key, const struct mvs_key *mask,
		const struct nlattr *actions, size_t actions_len,
		const struct mvs_flow_stats *st, bool verbose,
		const struct odp_names *names, uint64_t now_ms)
{
	if (verbose) {
		odp_format_ufid(ds, ufid);
		ds_put(ds, ", ");
	}
	odp_format_key(ds, key, mask, verbose, names);
	ds_put(ds, ", ");
	odp_format_stats(ds, st, now_ms);
	if (verbose)
		ds_put(ds, ", dp:ovs");
	ds_put(ds, ", actions:");
	odp_format_actions(ds, actions, actions_len, verbose ? names : NULL);
}
