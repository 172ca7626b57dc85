/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR Apache-2.0 */
/*
 * microvs_dp.h: the contract between the fast paths and the processes that
 * drive them.  The kernel module (kmod/) and upcalld's userspace datapath
 * both use these definitions, so a flow means the same thing to both; so do
 * vswitchd (which builds keys, masks and actions when it translates a miss)
 * and upcalld (which carries them on the bus inside `bin` fields).  Nothing
 * here is a C struct on the bus except as the payload of a netlink
 * attribute whose size the receiver checks.
 *
 * The flow key is one fixed, 8-byte-aligned struct, struct mvs_key.  A
 * megaflow is (key & mask, mask): the mask is a struct mvs_key too, with a
 * bit set for every key bit the flow matches, so the datapath hashes and
 * compares whole 64-bit words and skips the words a mask leaves zero.  Key
 * extraction fills every field it understands and leaves the others zero,
 * identically in the kernel and in userspace (lib/flow/flow_extract.c is
 * the reference; kmod/flow.c must agree with it bit for bit, which the
 * kmod tests check on the same packets).
 *
 * Actions are a list of netlink attributes (struct nlattr, 4-byte aligned,
 * MVS_ACTION_ATTR_*), executed in order; an empty list drops the packet.
 *
 * Byte order: fields named __be* are in network order, exactly as they
 * appear in the packet; everything else is host order.
 *
 * Compatibility: this is version MVS_DP_VERSION.  Fields and attribute
 * numbers are append-only; struct mvs_key only grows at its end, and a
 * peer compares the key size it is given with the one it knows.
 */
#ifndef _UAPI_MICROVS_DP_H
#define _UAPI_MICROVS_DP_H

#include <linux/netlink.h>
#include <linux/types.h>

#define MVS_DP_VERSION 1

/* ---- the flow key ---- */

/* Packet metadata: where the packet came from and what the datapath did to
 * it so far.  Not in the packet's bytes. */
struct mvs_key_meta {
	__u32 in_port;	    /* datapath port number (MVS_PORT_*) */
	__u32 recirc_id;    /* 0 for a packet fresh from a port */
	__u32 dp_hash;	    /* set by MVS_ACTION_ATTR_HASH */
	__u32 skb_mark;	    /* Linux skb->mark */
	__u32 skb_priority; /* Linux skb->priority (queue) */
	__u8 ct_state;	    /* MVS_CS_F_*, reserved for connection tracking */
	__u8 pad0;
	__u16 ct_zone;
	__u32 ct_mark;
	__u32 pad1;
};

/* Tunnel metadata: for a packet received on a tunnel port, the outer
 * header it arrived with; for MVS_ACTION_ATTR_SET_TUNNEL, the outer header
 * to send with.  All zero for a packet that did not come from a tunnel. */
#define MVS_TUN_OPTS_MAX 64 /* bytes of Geneve options carried */
struct mvs_key_tunnel {
	__be64 tun_id;	 /* VXLAN VNI << 0, GRE key, Geneve VNI */
	__be32 ipv4_src; /* outer addresses (IPv4 underlay) */
	__be32 ipv4_dst;
	__u8 ipv6_src[16]; /* outer addresses (IPv6 underlay) */
	__u8 ipv6_dst[16];
	__be16 tp_src; /* outer UDP ports (VXLAN, Geneve) */
	__be16 tp_dst;
	__u16 flags;   /* MVS_TNL_F_* */
	__u8 tos;      /* outer IP TOS */
	__u8 ttl;      /* outer IP TTL; 0: none (no tunnel) */
	__u8 opts_len; /* bytes used in opts, a multiple of 4 */
	__u8 pad[7];
	__u8 opts[MVS_TUN_OPTS_MAX]; /* Geneve option TLVs, as on the wire */
};

#define MVS_TNL_F_DONT_FRAGMENT 0x0001 /* outer DF */
#define MVS_TNL_F_CSUM 0x0002	       /* outer UDP/GRE checksum */
#define MVS_TNL_F_KEY 0x0004	       /* tun_id is present (GRE key) */
#define MVS_TNL_F_OAM 0x0008	       /* Geneve OAM */
#define MVS_TNL_F_IPV6 0x0010	       /* the ipv6_* addresses are the outer */

/* The packet's headers, Ethernet to transport.  The layout of the fields
 * follows Open vSwitch's flow semantics, which OpenFlow matches carry over:
 *  - vlan_tci has MVS_VLAN_PRESENT set when a tag is present (OpenFlow's
 *    CFI convention); vlan2_* is the second (inner) tag; since eth_type
 *    is the type after the tags, a megaflow's mask always includes the
 *    present bit of the first tag position (vswitchd sets it), so
 *    untagged and tagged packets never share a megaflow;
 *  - for ARP, nw_proto is the opcode (low byte), ipv4_src/dst the sender
 *    and target protocol addresses, arp_sha/tha the hardware addresses;
 *  - for ICMP and ICMPv6, tp_src/tp_dst hold the type and code;
 *  - for IPv6 neighbour discovery, nd_target is the target and
 *    arp_sha/arp_tha the source/target link-layer options;
 *  - an 802.3 frame without a type field has eth_type MVS_ETH_TYPE_NONE. */
struct mvs_key_hdr {
	__u8 eth_dst[6];
	__u8 eth_src[6];
	__be16 eth_type; /* of the innermost header after any VLAN tags */
	__be16 vlan_tci; /* outer tag; MVS_VLAN_PRESENT if any */
	__be16 vlan_tpid;
	__be16 vlan2_tci; /* inner tag of a double-tagged frame */
	__be16 vlan2_tpid;
	__u16 pad0;
	__u8 nw_proto;	   /* IP protocol, or ARP opcode */
	__u8 nw_tos;	   /* DSCP and ECN, as in the IP header */
	__u8 nw_ttl;	   /* IPv4 TTL / IPv6 hop limit */
	__u8 nw_frag;	   /* MVS_FRAG_* */
	__be32 ipv6_label; /* IPv6 flow label (low 20 bits) */
	__be32 ipv4_src;
	__be32 ipv4_dst;
	__u8 ipv6_src[16];
	__u8 ipv6_dst[16];
	__be16 tp_src;	  /* TCP/UDP/SCTP port, ICMP type */
	__be16 tp_dst;	  /* TCP/UDP/SCTP port, ICMP code */
	__be16 tcp_flags; /* the low 12 bits of the TCP header's flags */
	__u16 pad1;
	__u8 arp_sha[6]; /* ARP sender / ND source link-layer address */
	__u8 arp_tha[6]; /* ARP target / ND target link-layer address */
	__u32 pad2;
	__u8 nd_target[16];
};

#define MVS_VLAN_PRESENT 0x1000 /* in vlan_tci (host order constant) */
#define MVS_VLAN_VID_MASK 0x0fff
#define MVS_VLAN_PCP_MASK 0xe000
#define MVS_VLAN_PCP_SHIFT 13
#define MVS_ETH_TYPE_NONE 0x05ff /* 802.3 frame without a type */
#define MVS_ETH_TYPE_MIN 0x0600	 /* smaller values are 802.3 lengths */

#define MVS_FRAG_ANY 0x01   /* a fragment (first or later) */
#define MVS_FRAG_LATER 0x02 /* a fragment with a non-zero offset */

/* The whole key; a mask has the same type.  272 bytes, 34 words. */
struct mvs_key {
	struct mvs_key_meta meta;
	struct mvs_key_hdr hdr;
	struct mvs_key_tunnel tun;
};

#define MVS_KEY_WORDS (sizeof(struct mvs_key) / 8)

/* Well-known datapath port numbers.  Port 0 is the datapath's own
 * (internal) port, named after the datapath. */
#define MVS_PORT_LOCAL 0
#define MVS_PORT_NONE 0xffffffffu
#define MVS_PORT_MAX 65535 /* highest port number a datapath hands out */

/* A flow's identifier, chosen by whoever installs it (vswitchd: a hash of
 * the masked key), so that both sides can name it without sending the
 * key. */
struct mvs_ufid {
	__u32 w[4];
};

/* Per-flow statistics. */
struct mvs_flow_stats {
	__u64 n_packets;
	__u64 n_bytes;
	__u64 used_ms; /* CLOCK_MONOTONIC milliseconds of the last hit; 0: never
			*/
	__u16 tcp_flags; /* OR of the TCP flags seen (host order) */
	__u16 pad[3];
};

/* Per-datapath statistics (dpctl/show "lookups" and "masks"). */
struct mvs_dp_stats {
	__u64 n_hit;	   /* packets that matched a flow */
	__u64 n_missed;	   /* packets that matched none and were upcalled */
	__u64 n_lost;	   /* misses dropped before reaching userspace */
	__u64 n_flows;	   /* flows installed now */
	__u64 n_masks;	   /* masks in use now */
	__u64 n_mask_hit;  /* masks probed by hits, summed (hit/pkt) */
	__u64 n_cache_hit; /* hits answered by the mask cache */
};

/* Per-port statistics, as Linux's rtnl_link_stats64 subset dpctl/show
 * prints. */
struct mvs_port_stats {
	__u64 rx_packets, tx_packets;
	__u64 rx_bytes, tx_bytes;
	__u64 rx_errors, tx_errors;
	__u64 rx_dropped, tx_dropped;
};

/* ---- actions ---- */

enum mvs_action_attr {
	MVS_ACTION_ATTR_UNSPEC,
	MVS_ACTION_ATTR_OUTPUT,	     /* __u32 port */
	MVS_ACTION_ATTR_USERSPACE,   /* nested MVS_USERSPACE_ATTR_* */
	MVS_ACTION_ATTR_SET_ETH,     /* struct mvs_act_set_eth */
	MVS_ACTION_ATTR_SET_IPV4,    /* struct mvs_act_set_ipv4 */
	MVS_ACTION_ATTR_SET_IPV6,    /* struct mvs_act_set_ipv6 */
	MVS_ACTION_ATTR_SET_L4,	     /* struct mvs_act_set_l4 (TCP/UDP/SCTP) */
	MVS_ACTION_ATTR_SET_TUNNEL,  /* struct mvs_key_tunnel, for output */
	MVS_ACTION_ATTR_SET_META,    /* struct mvs_act_set_meta */
	MVS_ACTION_ATTR_PUSH_VLAN,   /* struct mvs_act_push_vlan */
	MVS_ACTION_ATTR_POP_VLAN,    /* no payload: removes the outer tag */
	MVS_ACTION_ATTR_RECIRC,	     /* __u32 recirc_id: look up again */
	MVS_ACTION_ATTR_HASH,	     /* struct mvs_act_hash: sets dp_hash */
	MVS_ACTION_ATTR_SAMPLE,	     /* nested MVS_SAMPLE_ATTR_* */
	MVS_ACTION_ATTR_CLONE,	     /* nested actions on a copy */
	MVS_ACTION_ATTR_TRUNC,	     /* __u32 max_len for the next output */
	MVS_ACTION_ATTR_TUNNEL_PUSH, /* struct mvs_act_tunnel_push (userspace)
				      */
	MVS_ACTION_ATTR_TUNNEL_POP,  /* __u32 tunnel port (userspace) */
	MVS_ACTION_ATTR_METER,	     /* __u32 meter id */
	MVS_ACTION_ATTR_CT,	     /* reserved: connection tracking */
	__MVS_ACTION_ATTR_MAX
};
#define MVS_ACTION_ATTR_MAX (__MVS_ACTION_ATTR_MAX - 1)

/* SET_* actions write the bits set in a mask and leave the others; the
 * datapath fixes the checksums the change affects (IPv4 header, and the
 * TCP/UDP pseudo-header sums for address changes). */
struct mvs_act_set_eth {
	__u8 src[6], dst[6];
	__u8 src_mask[6], dst_mask[6];
};

struct mvs_act_set_ipv4 {
	__be32 src, dst;
	__be32 src_mask, dst_mask;
	__u8 tos, ttl;
	__u8 tos_mask, ttl_mask;
};

struct mvs_act_set_ipv6 {
	__u8 src[16], dst[16];
	__u8 src_mask[16], dst_mask[16];
	__be32 label, label_mask;
	__u8 tclass, hlimit;
	__u8 tclass_mask, hlimit_mask;
};

struct mvs_act_set_l4 {
	__be16 src, dst;
	__be16 src_mask, dst_mask;
	__u8 proto; /* IPPROTO_TCP, _UDP or _SCTP: the header it rewrites */
	__u8 pad[3];
};

struct mvs_act_set_meta {
	__u32 skb_priority, skb_mark;
	__u32 skb_priority_mask, skb_mark_mask;
};

struct mvs_act_push_vlan {
	__be16 tpid; /* 0x8100 or 0x88a8 */
	__be16 tci;  /* MVS_VLAN_PRESENT is ignored; the tag is always added */
};

#define MVS_HASH_ALG_L4 0 /* 5-tuple hash, symmetric */
struct mvs_act_hash {
	__u32 alg;
	__u32 basis;
};

enum mvs_userspace_attr {
	MVS_USERSPACE_ATTR_UNSPEC,
	MVS_USERSPACE_ATTR_PID,	     /* __u32 netlink port (kmod) */
	MVS_USERSPACE_ATTR_USERDATA, /* opaque bytes returned in the upcall */
	__MVS_USERSPACE_ATTR_MAX
};

enum mvs_sample_attr {
	MVS_SAMPLE_ATTR_UNSPEC,
	MVS_SAMPLE_ATTR_PROBABILITY, /* __u32: fraction of UINT32_MAX */
	MVS_SAMPLE_ATTR_ACTIONS,     /* nested actions */
	__MVS_SAMPLE_ATTR_MAX
};

/* Userspace datapath only: prepend a prebuilt outer header (Ethernet, IP,
 * UDP/GRE, VXLAN/Geneve); the datapath fills the lengths, the IPv4 id and
 * checksum and the UDP source port (from the inner flow hash), and the
 * outer checksum when the template asks for one (a UDP checksum field
 * that is not zero, the GRE C bit).  The actions after it in the same
 * list send the outer packet (vswitchd wraps both in a CLONE, as Open
 * vSwitch's "clone(tnl_push(...),output)"); @out_port names the underlay
 * bridge port the outer packet enters, for the dpctl text.  A GSO packet
 * is segmented first and the rest of the list runs once per segment.
 *
 * MVS_ACTION_ATTR_TUNNEL_POP (__u32 tunnel port): parses the outer
 * headers strictly for that port's type, removes them and looks the inner
 * frame up again as received on the tunnel port, with its tunnel
 * metadata; a packet it refuses is dropped and counted. */
#define MVS_TNL_PUSH_HEADER_MAX 128
enum mvs_tnl_type {
	MVS_TNL_VXLAN = 1,
	MVS_TNL_GRE = 2,
	MVS_TNL_GENEVE = 3,
};
struct mvs_act_tunnel_push {
	__u32 tnl_port; /* the tunnel port the flow outputs to */
	__u32 out_port; /* the underlay port that carries it */
	__u32 tnl_type; /* enum mvs_tnl_type */
	__u32 header_len;
	__u8 header[MVS_TNL_PUSH_HEADER_MAX];
};

/* ---- meters ---- */

/* MVS_ACTION_ATTR_METER (__u32 meter id) passes the packet through the
 * datapath's meter of that id: token buckets ("bands") refilled at their
 * rate (packets/s, or kbit/s with MVS_METER_ATTR_KBPS) up to their burst;
 * a packet that finds a band without the tokens it costs exceeds it, and
 * if it exceeds any, it is dropped and counted in the band of highest
 * rate among those it exceeded (OpenFlow's drop bands).  A missing meter
 * passes everything; a meter set again starts with full buckets and zero
 * counters.  Both datapaths have them, with the same arithmetic: the
 * userspace one (procs/upcalld/upcalld_meter.c) and the kernel module
 * (kmod/meter.c, driven through the MVS_METER_FAMILY below).  On the bus
 * meters are set, deleted and dumped (with statistics) as
 * MVS_METER_ATTR_METER nests; in the module's family the attributes of
 * one meter are the message's own, without the nest. */
#define MVS_METER_MAX 0xffffffu /* highest meter id */
#define MVS_METER_BANDS_MAX 8

enum mvs_meter_attr {
	MVS_METER_ATTR_UNSPEC,
	MVS_METER_ATTR_ID,   /* __u32, at most MVS_METER_MAX */
	MVS_METER_ATTR_KBPS, /* flag: rates and bursts in kbit (else packets) */
	MVS_METER_ATTR_BAND, /* nested MVS_BAND_ATTR_*, in order, 1 to 8 */
	MVS_METER_ATTR_STATS, /* struct mvs_meter_stats: what entered (dump) */
	MVS_METER_ATTR_METER, /* nested: one meter (set, dump) */
	__MVS_METER_ATTR_MAX
};
#define MVS_METER_ATTR_MAX (__MVS_METER_ATTR_MAX - 1)

enum mvs_band_attr {
	MVS_BAND_ATTR_UNSPEC,
	MVS_BAND_ATTR_RATE,  /* __u32, not 0 */
	MVS_BAND_ATTR_BURST, /* __u32 bucket size; 0: the rate (one second) */
	MVS_BAND_ATTR_STATS, /* struct mvs_meter_stats: what it dropped */
	__MVS_BAND_ATTR_MAX
};
#define MVS_BAND_ATTR_MAX (__MVS_BAND_ATTR_MAX - 1)

struct mvs_meter_stats {
	__u64 n_packets;
	__u64 n_bytes;
};

/* ---- upcalls ---- */

/* Why a packet went to userspace. */
enum mvs_upcall_type {
	MVS_UPCALL_MISS = 1,   /* no flow matched */
	MVS_UPCALL_ACTION = 2, /* a MVS_ACTION_ATTR_USERSPACE action */
};

/* Attributes of one packet exchanged with userspace (an upcall, or a
 * packet to execute).  On the bus a batch of upcalls is a sequence of
 * MVS_PACKET_ATTR_UPCALL attributes, each nesting these. */
enum mvs_packet_attr {
	MVS_PACKET_ATTR_UNSPEC,
	MVS_PACKET_ATTR_PACKET,	  /* the frame, from the Ethernet header */
	MVS_PACKET_ATTR_KEY,	  /* struct mvs_key */
	MVS_PACKET_ATTR_ACTIONS,  /* nested actions (execute) */
	MVS_PACKET_ATTR_USERDATA, /* from MVS_USERSPACE_ATTR_USERDATA */
	MVS_PACKET_ATTR_TYPE,	  /* __u32 enum mvs_upcall_type */
	MVS_PACKET_ATTR_LEN,	  /* __u32 original length, if truncated */
	MVS_PACKET_ATTR_MRU,	  /* __u16 size of the largest fragment */
	MVS_PACKET_ATTR_HASH,	  /* __u32 the packet's flow hash */
	MVS_PACKET_ATTR_UPCALL,	  /* nested: one upcall in a batch */
	MVS_PACKET_ATTR_OFFLOAD,  /* struct mvs_offload (userspace) */
	__MVS_PACKET_ATTR_MAX
};
#define MVS_PACKET_ATTR_MAX (__MVS_PACKET_ATTR_MAX - 1)

/* Checksum and segmentation state of a packet, as virtio's net header has
 * it (the userspace datapath receives it with PACKET_VNET_HDR and keeps it
 * with the packet, so a 64 KB TCP segment crosses the switch whole). */
#define MVS_OFFLOAD_F_NEEDS_CSUM 1 /* csum_start/csum_offset are valid */
#define MVS_OFFLOAD_F_DATA_VALID 2 /* the checksum was verified */
#define MVS_GSO_NONE 0
#define MVS_GSO_TCPV4 1
#define MVS_GSO_UDP 3
#define MVS_GSO_TCPV6 4
struct mvs_offload {
	__u8 flags;
	__u8 gso_type;
	__u16 hdr_len;
	__u16 gso_size;
	__u16 csum_start;
	__u16 csum_offset;
	__u16 pad;
};

/* ---- flows ---- */

/* Attributes of one flow (install, delete, dump). */
enum mvs_flow_attr {
	MVS_FLOW_ATTR_UNSPEC,
	MVS_FLOW_ATTR_KEY,     /* struct mvs_key (already masked) */
	MVS_FLOW_ATTR_MASK,    /* struct mvs_key */
	MVS_FLOW_ATTR_ACTIONS, /* nested actions */
	MVS_FLOW_ATTR_UFID,    /* struct mvs_ufid */
	MVS_FLOW_ATTR_STATS,   /* struct mvs_flow_stats */
	MVS_FLOW_ATTR_CLEAR,   /* flag: zero the statistics (modify) */
	MVS_FLOW_ATTR_FLAGS,   /* __u32 MVS_FLOW_F_* */
	MVS_FLOW_ATTR_FLOW,    /* nested: one flow in a batch */
	__MVS_FLOW_ATTR_MAX
};
#define MVS_FLOW_ATTR_MAX (__MVS_FLOW_ATTR_MAX - 1)

#define MVS_FLOW_F_CREATE 0x1 /* install; -EEXIST if the ufid exists */
#define MVS_FLOW_F_MODIFY 0x2 /* replace the actions of an existing flow */

/* ---- vports ---- */

enum mvs_vport_type {
	MVS_VPORT_TYPE_UNSPEC,
	MVS_VPORT_TYPE_NETDEV,	 /* an existing device ("system") */
	MVS_VPORT_TYPE_INTERNAL, /* a device the datapath creates and owns */
	MVS_VPORT_TYPE_TAP,	 /* an existing tap device (userspace) */
	MVS_VPORT_TYPE_VXLAN,
	MVS_VPORT_TYPE_GRE,
	MVS_VPORT_TYPE_GENEVE,
	__MVS_VPORT_TYPE_MAX
};

enum mvs_vport_attr {
	MVS_VPORT_ATTR_UNSPEC,
	MVS_VPORT_ATTR_PORT_NO,	   /* __u32 */
	MVS_VPORT_ATTR_TYPE,	   /* __u32 enum mvs_vport_type */
	MVS_VPORT_ATTR_NAME,	   /* string, at most IFNAMSIZ - 1 bytes */
	MVS_VPORT_ATTR_IFINDEX,	   /* __u32 */
	MVS_VPORT_ATTR_STATS,	   /* struct mvs_port_stats */
	MVS_VPORT_ATTR_UPCALL_PID, /* __u32 netlink port for its misses (kmod)
				    */
	MVS_VPORT_ATTR_OPTIONS,	   /* nested MVS_TUNNEL_ATTR_* (tunnels) */
	MVS_VPORT_ATTR_MAC,	   /* 6 bytes: the device's Ethernet address */
	MVS_VPORT_ATTR_MTU,	   /* __u32 bytes; absent: unknown */
	MVS_VPORT_ATTR_LINK,	   /* __u32 MVS_VPORT_LINK_* */
	MVS_VPORT_ATTR_SPEED,	   /* __u64 Mb/s; absent: unknown */
	MVS_VPORT_ATTR_PORT,	   /* nested: one port in a batch (dump) */
	__MVS_VPORT_ATTR_MAX
};

#define MVS_VPORT_LINK_CARRIER 0x1  /* the link is up (IFF_RUNNING) */
#define MVS_VPORT_LINK_ADMIN_UP 0x2 /* administratively up (IFF_UP) */
#define MVS_VPORT_ATTR_MAX (__MVS_VPORT_ATTR_MAX - 1)

enum mvs_tunnel_attr {
	MVS_TUNNEL_ATTR_UNSPEC,
	MVS_TUNNEL_ATTR_DST_PORT, /* __u16 UDP port (VXLAN, Geneve) */
	__MVS_TUNNEL_ATTR_MAX
};

/* ---- generic netlink (kmod) ---- */

/* The module registers one family each for datapaths, vports, flows,
 * packets and meters.  Every request starts with struct mvs_header after
 * the genlmsghdr; commands that change state need CAP_NET_ADMIN.
 *
 * The meter family's commands, on the datapath of the header, with one
 * meter's MVS_METER_ATTR_* as the message's attributes:
 *  - MVS_CMD_NEW sets meter MVS_METER_ATTR_ID (required, at most
 *    MVS_METER_MAX) to MVS_METER_ATTR_KBPS and 1 to MVS_METER_BANDS_MAX
 *    MVS_METER_ATTR_BAND nests, each with a non-zero MVS_BAND_ATTR_RATE
 *    and an optional MVS_BAND_ATTR_BURST: it creates the meter, or
 *    replaces it (full buckets, zero counters).  -EINVAL without an id
 *    or bands, with too many or a band without a rate, -ERANGE for an
 *    id or a rate out of range, -ENOSPC above MVS_METERS_PER_DP meters;
 *  - MVS_CMD_DEL deletes meter MVS_METER_ATTR_ID (-ENOENT if none);
 *  - MVS_CMD_GET answers meter MVS_METER_ATTR_ID, or with NLM_F_DUMP
 *    every meter, each with MVS_METER_ATTR_STATS and its bands'
 *    MVS_BAND_ATTR_STATS. */
#define MVS_DATAPATH_FAMILY "mvs_datapath"
#define MVS_VPORT_FAMILY "mvs_vport"
#define MVS_FLOW_FAMILY "mvs_flow"
#define MVS_PACKET_FAMILY "mvs_packet"
#define MVS_METER_FAMILY "mvs_meter"
#define MVS_METERS_PER_DP 262144 /* meters a datapath of the module holds */
#define MVS_GENL_VERSION 1

struct mvs_header {
	int dp_ifindex; /* the datapath's local port ifindex; 0: by name */
};

enum mvs_cmd {
	MVS_CMD_UNSPEC,
	MVS_CMD_NEW, /* create (datapath, vport, flow) */
	MVS_CMD_DEL,
	MVS_CMD_GET, /* one object, or a dump with NLM_F_DUMP */
	MVS_CMD_SET,
	MVS_CMD_MISS,	 /* packet family: upcall of a miss */
	MVS_CMD_ACTION,	 /* packet family: upcall of a userspace action */
	MVS_CMD_EXECUTE, /* packet family: run actions on a packet */
	__MVS_CMD_MAX
};

enum mvs_dp_attr {
	MVS_DP_ATTR_UNSPEC,
	MVS_DP_ATTR_NAME,	      /* string */
	MVS_DP_ATTR_UPCALL_PID,	      /* __u32 */
	MVS_DP_ATTR_STATS,	      /* struct mvs_dp_stats */
	MVS_DP_ATTR_MASKS_CACHE_SIZE, /* __u32 entries of the mask cache */
	MVS_DP_ATTR_FLOW_LIMIT,	      /* __u32 most flows installed at once */
	__MVS_DP_ATTR_MAX
};
#define MVS_DP_ATTR_MAX (__MVS_DP_ATTR_MAX - 1)

#endif /* _UAPI_MICROVS_DP_H */
