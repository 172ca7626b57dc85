/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_fieldnames: every field Open vSwitch 3.1 advertises in table
 * features, in its order (its field ids), with the NXM/OXM headers that
 * name each, and the compressed text of a set of them.  Data taken from
 * what Open vSwitch's table-features replies carry.
 */
#include "ofp_fieldnames.h"

#include <string.h>

#include "util.h"

#define H(CLASS, FIELD, EXP)      \
	{                         \
		CLASS, FIELD, EXP \
	}

/* clang-format off */
static const struct ofp_tf_field fields[] = {
	{ "dp_hash", { H(0x0001, 35, 0x00000000) } },
	{ "recirc_id", { H(0x0001, 36, 0x00000000) } },
	{ "packet_type", { H(0x8000, 44, 0x00000000) } },
	{ "conj_id", { H(0x0001, 37, 0x00000000) } },
	{ "tun_id", { H(0x8000, 38, 0x00000000), H(0x0001, 16, 0x00000000) } },
	{ "tun_src", { H(0x0001, 31, 0x00000000) } },
	{ "tun_dst", { H(0x0001, 32, 0x00000000) } },
	{ "tun_ipv6_src", { H(0x0001, 109, 0x00000000) } },
	{ "tun_ipv6_dst", { H(0x0001, 110, 0x00000000) } },
	{ "tun_flags", { H(0x0001, 104, 0x00000000) } },
	{ "tun_gbp_id", { H(0x0001, 38, 0x00000000) } },
	{ "tun_gbp_flags", { H(0x0001, 39, 0x00000000) } },
	{ "tun_erspan_idx", { H(0xffff, 11, 0x00002320) } },
	{ "tun_erspan_ver", { H(0xffff, 12, 0x00002320) } },
	{ "tun_erspan_dir", { H(0xffff, 13, 0x00002320) } },
	{ "tun_erspan_hwid", { H(0xffff, 14, 0x00002320) } },
	{ "tun_gtpu_flags", { H(0xffff, 15, 0x00002320) } },
	{ "tun_gtpu_msgtype", { H(0xffff, 16, 0x00002320) } },
	{ "tun_metadata0", { H(0x0001, 40, 0x00000000) } },
	{ "tun_metadata1", { H(0x0001, 41, 0x00000000) } },
	{ "tun_metadata2", { H(0x0001, 42, 0x00000000) } },
	{ "tun_metadata3", { H(0x0001, 43, 0x00000000) } },
	{ "tun_metadata4", { H(0x0001, 44, 0x00000000) } },
	{ "tun_metadata5", { H(0x0001, 45, 0x00000000) } },
	{ "tun_metadata6", { H(0x0001, 46, 0x00000000) } },
	{ "tun_metadata7", { H(0x0001, 47, 0x00000000) } },
	{ "tun_metadata8", { H(0x0001, 48, 0x00000000) } },
	{ "tun_metadata9", { H(0x0001, 49, 0x00000000) } },
	{ "tun_metadata10", { H(0x0001, 50, 0x00000000) } },
	{ "tun_metadata11", { H(0x0001, 51, 0x00000000) } },
	{ "tun_metadata12", { H(0x0001, 52, 0x00000000) } },
	{ "tun_metadata13", { H(0x0001, 53, 0x00000000) } },
	{ "tun_metadata14", { H(0x0001, 54, 0x00000000) } },
	{ "tun_metadata15", { H(0x0001, 55, 0x00000000) } },
	{ "tun_metadata16", { H(0x0001, 56, 0x00000000) } },
	{ "tun_metadata17", { H(0x0001, 57, 0x00000000) } },
	{ "tun_metadata18", { H(0x0001, 58, 0x00000000) } },
	{ "tun_metadata19", { H(0x0001, 59, 0x00000000) } },
	{ "tun_metadata20", { H(0x0001, 60, 0x00000000) } },
	{ "tun_metadata21", { H(0x0001, 61, 0x00000000) } },
	{ "tun_metadata22", { H(0x0001, 62, 0x00000000) } },
	{ "tun_metadata23", { H(0x0001, 63, 0x00000000) } },
	{ "tun_metadata24", { H(0x0001, 64, 0x00000000) } },
	{ "tun_metadata25", { H(0x0001, 65, 0x00000000) } },
	{ "tun_metadata26", { H(0x0001, 66, 0x00000000) } },
	{ "tun_metadata27", { H(0x0001, 67, 0x00000000) } },
	{ "tun_metadata28", { H(0x0001, 68, 0x00000000) } },
	{ "tun_metadata29", { H(0x0001, 69, 0x00000000) } },
	{ "tun_metadata30", { H(0x0001, 70, 0x00000000) } },
	{ "tun_metadata31", { H(0x0001, 71, 0x00000000) } },
	{ "tun_metadata32", { H(0x0001, 72, 0x00000000) } },
	{ "tun_metadata33", { H(0x0001, 73, 0x00000000) } },
	{ "tun_metadata34", { H(0x0001, 74, 0x00000000) } },
	{ "tun_metadata35", { H(0x0001, 75, 0x00000000) } },
	{ "tun_metadata36", { H(0x0001, 76, 0x00000000) } },
	{ "tun_metadata37", { H(0x0001, 77, 0x00000000) } },
	{ "tun_metadata38", { H(0x0001, 78, 0x00000000) } },
	{ "tun_metadata39", { H(0x0001, 79, 0x00000000) } },
	{ "tun_metadata40", { H(0x0001, 80, 0x00000000) } },
	{ "tun_metadata41", { H(0x0001, 81, 0x00000000) } },
	{ "tun_metadata42", { H(0x0001, 82, 0x00000000) } },
	{ "tun_metadata43", { H(0x0001, 83, 0x00000000) } },
	{ "tun_metadata44", { H(0x0001, 84, 0x00000000) } },
	{ "tun_metadata45", { H(0x0001, 85, 0x00000000) } },
	{ "tun_metadata46", { H(0x0001, 86, 0x00000000) } },
	{ "tun_metadata47", { H(0x0001, 87, 0x00000000) } },
	{ "tun_metadata48", { H(0x0001, 88, 0x00000000) } },
	{ "tun_metadata49", { H(0x0001, 89, 0x00000000) } },
	{ "tun_metadata50", { H(0x0001, 90, 0x00000000) } },
	{ "tun_metadata51", { H(0x0001, 91, 0x00000000) } },
	{ "tun_metadata52", { H(0x0001, 92, 0x00000000) } },
	{ "tun_metadata53", { H(0x0001, 93, 0x00000000) } },
	{ "tun_metadata54", { H(0x0001, 94, 0x00000000) } },
	{ "tun_metadata55", { H(0x0001, 95, 0x00000000) } },
	{ "tun_metadata56", { H(0x0001, 96, 0x00000000) } },
	{ "tun_metadata57", { H(0x0001, 97, 0x00000000) } },
	{ "tun_metadata58", { H(0x0001, 98, 0x00000000) } },
	{ "tun_metadata59", { H(0x0001, 99, 0x00000000) } },
	{ "tun_metadata60", { H(0x0001, 100, 0x00000000) } },
	{ "tun_metadata61", { H(0x0001, 101, 0x00000000) } },
	{ "tun_metadata62", { H(0x0001, 102, 0x00000000) } },
	{ "tun_metadata63", { H(0x0001, 103, 0x00000000) } },
	{ "metadata", { H(0x8000, 2, 0x00000000) } },
	{ "in_port", { H(0x0000, 0, 0x00000000) } },
	{ "in_port_oxm", { H(0x8000, 0, 0x00000000) } },
	{ "actset_output", { H(0x8000, 43, 0x00000000), H(0xffff, 43, 0x4f4e4600) } },
	{ "pkt_mark", { H(0x0001, 33, 0x00000000) } },
	{ "ct_state", { H(0x0001, 105, 0x00000000) } },
	{ "ct_zone", { H(0x0001, 106, 0x00000000) } },
	{ "ct_mark", { H(0x0001, 107, 0x00000000) } },
	{ "ct_label", { H(0x0001, 108, 0x00000000) } },
	{ "ct_nw_proto", { H(0x0001, 119, 0x00000000) } },
	{ "ct_nw_src", { H(0x0001, 120, 0x00000000) } },
	{ "ct_nw_dst", { H(0x0001, 121, 0x00000000) } },
	{ "ct_ipv6_src", { H(0x0001, 122, 0x00000000) } },
	{ "ct_ipv6_dst", { H(0x0001, 123, 0x00000000) } },
	{ "ct_tp_src", { H(0x0001, 124, 0x00000000) } },
	{ "ct_tp_dst", { H(0x0001, 125, 0x00000000) } },
	{ "reg0", { H(0x0001, 0, 0x00000000) } },
	{ "reg1", { H(0x0001, 1, 0x00000000) } },
	{ "reg2", { H(0x0001, 2, 0x00000000) } },
	{ "reg3", { H(0x0001, 3, 0x00000000) } },
	{ "reg4", { H(0x0001, 4, 0x00000000) } },
	{ "reg5", { H(0x0001, 5, 0x00000000) } },
	{ "reg6", { H(0x0001, 6, 0x00000000) } },
	{ "reg7", { H(0x0001, 7, 0x00000000) } },
	{ "reg8", { H(0x0001, 8, 0x00000000) } },
	{ "reg9", { H(0x0001, 9, 0x00000000) } },
	{ "reg10", { H(0x0001, 10, 0x00000000) } },
	{ "reg11", { H(0x0001, 11, 0x00000000) } },
	{ "reg12", { H(0x0001, 12, 0x00000000) } },
	{ "reg13", { H(0x0001, 13, 0x00000000) } },
	{ "reg14", { H(0x0001, 14, 0x00000000) } },
	{ "reg15", { H(0x0001, 15, 0x00000000) } },
	{ "xreg0", { H(0x8001, 0, 0x00000000) } },
	{ "xreg1", { H(0x8001, 1, 0x00000000) } },
	{ "xreg2", { H(0x8001, 2, 0x00000000) } },
	{ "xreg3", { H(0x8001, 3, 0x00000000) } },
	{ "xreg4", { H(0x8001, 4, 0x00000000) } },
	{ "xreg5", { H(0x8001, 5, 0x00000000) } },
	{ "xreg6", { H(0x8001, 6, 0x00000000) } },
	{ "xreg7", { H(0x8001, 7, 0x00000000) } },
	{ "xxreg0", { H(0x0001, 111, 0x00000000) } },
	{ "xxreg1", { H(0x0001, 112, 0x00000000) } },
	{ "xxreg2", { H(0x0001, 113, 0x00000000) } },
	{ "xxreg3", { H(0x0001, 114, 0x00000000) } },
	{ "eth_src", { H(0x8000, 4, 0x00000000), H(0x0000, 2, 0x00000000) } },
	{ "eth_dst", { H(0x8000, 3, 0x00000000), H(0x0000, 1, 0x00000000) } },
	{ "eth_type", { H(0x8000, 5, 0x00000000), H(0x0000, 3, 0x00000000) } },
	{ "vlan_tci", { H(0x0000, 4, 0x00000000) } },
	{ "vlan_vid", { H(0x8000, 6, 0x00000000) } },
	{ "vlan_pcp", { H(0x8000, 7, 0x00000000) } },
	{ "mpls_label", { H(0x8000, 34, 0x00000000) } },
	{ "mpls_tc", { H(0x8000, 35, 0x00000000) } },
	{ "mpls_bos", { H(0x8000, 36, 0x00000000) } },
	{ "mpls_ttl", { H(0x0001, 30, 0x00000000) } },
	{ "ip_src", { H(0x8000, 11, 0x00000000), H(0x0000, 7, 0x00000000) } },
	{ "ip_dst", { H(0x8000, 12, 0x00000000), H(0x0000, 8, 0x00000000) } },
	{ "ipv6_src", { H(0x8000, 26, 0x00000000), H(0x0001, 19, 0x00000000) } },
	{ "ipv6_dst", { H(0x8000, 27, 0x00000000), H(0x0001, 20, 0x00000000) } },
	{ "ipv6_label", { H(0x8000, 28, 0x00000000), H(0x0001, 27, 0x00000000) } },
	{ "nw_proto", { H(0x8000, 10, 0x00000000), H(0x0000, 6, 0x00000000) } },
	{ "nw_tos", { H(0x0000, 5, 0x00000000) } },
	{ "ip_dscp", { H(0x8000, 8, 0x00000000) } },
	{ "nw_ecn", { H(0x8000, 9, 0x00000000), H(0x0001, 28, 0x00000000) } },
	{ "nw_ttl", { H(0x0001, 29, 0x00000000) } },
	{ "ip_frag", { H(0x0001, 26, 0x00000000) } },
	{ "arp_op", { H(0x8000, 21, 0x00000000), H(0x0000, 15, 0x00000000) } },
	{ "arp_spa", { H(0x8000, 22, 0x00000000), H(0x0000, 16, 0x00000000) } },
	{ "arp_tpa", { H(0x8000, 23, 0x00000000), H(0x0000, 17, 0x00000000) } },
	{ "arp_sha", { H(0x8000, 24, 0x00000000), H(0x0001, 17, 0x00000000) } },
	{ "arp_tha", { H(0x8000, 25, 0x00000000), H(0x0001, 18, 0x00000000) } },
	{ "tcp_src", { H(0x8000, 13, 0x00000000), H(0x0000, 9, 0x00000000) } },
	{ "tcp_dst", { H(0x8000, 14, 0x00000000), H(0x0000, 10, 0x00000000) } },
	{ "tcp_flags", { H(0x8000, 42, 0x00000000), H(0xffff, 42, 0x4f4e4600), H(0x0001, 34, 0x00000000) } },
	{ "udp_src", { H(0x8000, 15, 0x00000000), H(0x0000, 11, 0x00000000) } },
	{ "udp_dst", { H(0x8000, 16, 0x00000000), H(0x0000, 12, 0x00000000) } },
	{ "sctp_src", { H(0x8000, 17, 0x00000000) } },
	{ "sctp_dst", { H(0x8000, 18, 0x00000000) } },
	{ "icmp_type", { H(0x8000, 19, 0x00000000), H(0x0000, 13, 0x00000000) } },
	{ "icmp_code", { H(0x8000, 20, 0x00000000), H(0x0000, 14, 0x00000000) } },
	{ "icmpv6_type", { H(0x8000, 29, 0x00000000), H(0x0001, 21, 0x00000000) } },
	{ "icmpv6_code", { H(0x8000, 30, 0x00000000), H(0x0001, 22, 0x00000000) } },
	{ "nd_target", { H(0x8000, 31, 0x00000000), H(0x0001, 23, 0x00000000) } },
	{ "nd_sll", { H(0x8000, 32, 0x00000000), H(0x0001, 24, 0x00000000) } },
	{ "nd_tll", { H(0x8000, 33, 0x00000000), H(0x0001, 25, 0x00000000) } },
	{ "nd_reserved", { H(0x1000, 1, 0x00000000) } },
	{ "nd_options_type", { H(0x1000, 2, 0x00000000) } },
	{ "nsh_flags", { H(0xffff, 1, 0x005ad650) } },
	{ "nsh_mdtype", { H(0xffff, 2, 0x005ad650) } },
	{ "nsh_np", { H(0xffff, 3, 0x005ad650) } },
	{ "nsh_spi", { H(0xffff, 4, 0x005ad650) } },
	{ "nsh_si", { H(0xffff, 5, 0x005ad650) } },
	{ "nsh_c1", { H(0xffff, 6, 0x005ad650) } },
	{ "nsh_c2", { H(0xffff, 7, 0x005ad650) } },
	{ "nsh_c3", { H(0xffff, 8, 0x005ad650) } },
	{ "nsh_c4", { H(0xffff, 9, 0x005ad650) } },
	{ "nsh_ttl", { H(0xffff, 10, 0x005ad650) } },
};
/* clang-format on */

size_t
ofp_tf_n_fields(void)
{
	return ARRAY_SIZE(fields);
}

const struct ofp_tf_field *
ofp_tf_field(size_t idx)
{
	return idx < ARRAY_SIZE(fields) ? &fields[idx] : NULL;
}

int
ofp_tf_field_by_header(uint16_t cls, uint8_t field, uint32_t experimenter)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		for (size_t j = 0; j < ARRAY_SIZE(fields[i].hdrs); j++) {
			const struct ofp_tf_header *h = &fields[i].hdrs[j];
			if (h->cls == cls && h->field == field &&
			    h->experimenter == experimenter &&
			    (cls || field || j == 0 || h->experimenter))
				return (int)i;
		}
	return -1;
}

int
ofp_tf_field_by_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (!strcmp(fields[i].name, name))
			return (int)i;
	return -1;
}

/* ---- the compressed list ---- */

/* One item: a name, or a range "first...last" of numbered names. */
struct item {
	const char *a, *b; /* b: NULL unless a range */
	size_t strip;	   /* leading characters already printed */
};

/* Splits @s into base and number; returns false without a number. */
static bool
split_number(const char *s, size_t *base_len, unsigned long *num)
{
	size_t n = strlen(s), i = n;

	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	if (i == n || n - i > 6)
		return false;
	*base_len = i;
	*num = strtoul(s + i, NULL, 10);
	return true;
}

static bool
follows(const char *prev, const char *next)
{
	size_t bl1, bl2;
	unsigned long n1, n2;

	return split_number(prev, &bl1, &n1) && split_number(next, &bl2, &n2) &&
	       bl1 == bl2 && !strncmp(prev, next, bl1) && n2 == n1 + 1;
}

static void format_items(struct ds *s, struct item *items, size_t n, char sep);

static void
put_item(struct ds *s, const struct item *it)
{
	ds_put(s, it->a + it->strip);
	if (it->b) {
		ds_put(s, "...");
		ds_put(s, it->b + it->strip);
	}
}

/* The first component of @s ("ct_" of "ct_nw_src"), or 0 if none. */
static size_t
first_component(const char *s)
{
	const char *u = strchr(s, '_');

	return u ? (size_t)(u - s) + 1 : 0;
}

/* The common prefix of @a and @b up to and including its last '_'. */
static size_t
common_prefix(const char *a, const char *b)
{
	size_t n = 0, last = 0;

	while (a[n] && a[n] == b[n]) {
		if (a[n] == '_')
			last = n + 1;
		n++;
	}
	return last;
}

static void
format_items(struct ds *s, struct item *items, size_t n, char sep)
{
	size_t i = 0;

	while (i < n) {
		const char *a = items[i].a + items[i].strip;
		size_t comp = first_component(a), j = i + 1;

		if (i)
			ds_put_char(s, sep);
		while (comp && j < n &&
		       !strncmp(items[j].a + items[j].strip, a, comp))
			j++;
		if (comp && j - i >= 2) {
			size_t plen = common_prefix(
				a, items[i + 1].a + items[i + 1].strip);

			ds_put_len(s, a, plen);
			ds_put_char(s, '{');
			for (size_t k = i; k < j; k++) {
				size_t len =
					strlen(items[k].a + items[k].strip);
				items[k].strip += plen < len ? plen : len;
			}
			format_items(s, items + i, j - i, ',');
			ds_put_char(s, '}');
			i = j;
		} else {
			put_item(s, &items[i]);
			i++;
		}
	}
}

void
ofp_tf_fields_format(struct ds *s, const struct ofp_tf_fields *set)
{
	struct item items[ARRAY_SIZE(fields)];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		if (!ofp_tf_fields_get(set, i))
			continue;
		/* Three or more consecutive numbers become a range. */
		size_t j = i;
		while (j + 1 < ARRAY_SIZE(fields) &&
		       ofp_tf_fields_get(set, j + 1) &&
		       follows(fields[j].name, fields[j + 1].name))
			j++;
		if (j - i >= 2) {
			items[n++] = (struct item){ fields[i].name,
						    fields[j].name, 0 };
			i = j;
		} else {
			items[n++] = (struct item){ fields[i].name, NULL, 0 };
		}
	}
	format_items(s, items, n, ' ');
}
