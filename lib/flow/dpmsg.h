/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dpmsg: what vswitchd and upcalld say to each other about a datapath,
 * in the uAPI encoding (include/uapi/microvs_dp.h) that travels inside the
 * `bin` fields of the bus messages dp_reply, dp_flow_del, dp_execute,
 * upcall_batch, upcall_reply, revalidate and revalidate_reply
 * (bus/catalogue.txt): ports as MVS_VPORT_ATTR_PORT nests, flows as
 * MVS_FLOW_ATTR_FLOW nests, upcalls as MVS_PACKET_ATTR_UPCALL nests.
 * One encoder and one strict decoder per record, shared by both sides, so
 * they cannot disagree.
 *
 * Decoding trusts nothing: a buffer is first copied to aligned memory and
 * checked whole (dpmsg_open), every record's attributes are checked for
 * their exact sizes, unknown attributes are skipped (append-only uAPI),
 * and a record that fails is -EINVAL for the caller to log and refuse.
 */
#ifndef MICROVS_DPMSG_H
#define MICROVS_DPMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "microvs_dp.h"
#include "nlattr.h"

/* What a datapath port is (the provider's port_query and port_dump in
 * upcalld, a dp_reply record for vswitchd). */
struct dp_port_info {
	uint32_t port_no;
	enum mvs_vport_type type;
	char name[16];
	int ifindex;	     /* 0 when no device (tunnels, dummy) */
	uint8_t mac[6];	     /* the device's address, zero if none */
	int mtu;	     /* 0 if unknown */
	bool carrier;	     /* link up */
	bool admin_up;	     /* IFF_UP */
	uint64_t speed_mbps; /* 0 if unknown */
	struct mvs_port_stats stats;
};

/* A received buffer of records: an aligned copy, checked whole. */
struct dpmsg_buf {
	struct nlattr *head; /* owned; NULL when empty */
	size_t len;
};

/* Copies @len bytes at @data (any alignment) into @b and checks that they
 * are whole attributes.  0, or -EINVAL (then @b is empty).  Free with
 * dpmsg_buf_free(). */
int dpmsg_open(struct dpmsg_buf *b, const void *data, size_t len);
void dpmsg_buf_free(struct dpmsg_buf *b);

/* Walks the top-level attributes of @b (NL_ATTR_FOR_EACH over it). */
#define DPMSG_FOR_EACH(A, LEFT, B) \
	NL_ATTR_FOR_EACH(A, LEFT, (B)->head, (B)->len)

/* ---- ports ---- */

/* Appends one MVS_VPORT_ATTR_PORT nest describing @info. */
void dpmsg_put_port(struct nlbuf *b, const struct dp_port_info *info);
/* Fills @info from an MVS_VPORT_ATTR_PORT nest; port_no, type and name
 * are required.  0 or -EINVAL. */
int dpmsg_parse_port(const struct nlattr *nest, struct dp_port_info *info);

/* ---- meters ---- */

/* One datapath meter (MVS_METER_ATTR_METER), with its statistics. */
struct dpmsg_meter {
	uint32_t id;
	bool kbps;
	unsigned n_bands; /* 1 to MVS_METER_BANDS_MAX */
	struct dpmsg_band {
		uint32_t rate, burst;
		struct mvs_meter_stats stats; /* dropped by it */
	} bands[MVS_METER_BANDS_MAX];
	struct mvs_meter_stats stats; /* entered it */
};

/* Appends one MVS_METER_ATTR_METER nest of @m; with @stats, its
 * statistics and its bands' too. */
void dpmsg_put_meter(struct nlbuf *b, const struct dpmsg_meter *m, bool stats);
/* Fills @m from an MVS_METER_ATTR_METER nest: the id (at most
 * MVS_METER_MAX) and 1 to MVS_METER_BANDS_MAX bands of non-zero rate are
 * required.  0 or -EINVAL. */
int dpmsg_parse_meter(const struct nlattr *nest, struct dpmsg_meter *m);

/* ---- flows ---- */

#define DPMSG_F_UFID 0x01
#define DPMSG_F_KEY 0x02
#define DPMSG_F_MASK 0x04
#define DPMSG_F_ACTIONS 0x08
#define DPMSG_F_STATS 0x10
#define DPMSG_F_FLAGS 0x20

/* One flow record; @present says which members are there. */
struct dpmsg_flow {
	unsigned present; /* DPMSG_F_* */
	struct mvs_ufid ufid;
	struct mvs_key key, mask;
	/* Points into the buffer the record was parsed from (or the
	 * caller's, to put): valid as long as it is. */
	const struct nlattr *actions;
	size_t actions_len;
	struct mvs_flow_stats stats;
	uint32_t flags; /* MVS_FLOW_F_* */
};

/* Appends one MVS_FLOW_ATTR_FLOW nest with the members @f->present says. */
void dpmsg_put_flow(struct nlbuf *b, const struct dpmsg_flow *f);
/* Parses an MVS_FLOW_ATTR_FLOW nest; the ufid is required, the actions
 * must pass odp_actions_check().  0 or -EINVAL. */
int dpmsg_parse_flow(const struct nlattr *nest, struct dpmsg_flow *f);

/* ---- packets (upcalls, execute) ---- */

struct dpmsg_packet {
	uint32_t type; /* enum mvs_upcall_type; 0 when absent */
	struct mvs_key key;
	const uint8_t *data; /* the frame (points into the buffer) */
	size_t len;
	uint32_t orig_len; /* _LEN: the frame's length if data was cut, or 0 */
	const uint8_t *userdata; /* NULL when absent */
	size_t userdata_len;
	const struct nlattr *actions; /* execute only; NULL when absent */
	size_t actions_len;
	bool has_offload;
	struct mvs_offload offload;
};

/* Appends the attributes of @p (not nested) to @b: _TYPE (if nonzero),
 * _KEY, _PACKET, _LEN, _USERDATA, _ACTIONS and _OFFLOAD as present.  A
 * frame longer than DPMSG_PACKET_MAX is cut there, with _LEN its length. */
#define DPMSG_PACKET_MAX 60000
void dpmsg_put_packet(struct nlbuf *b, const struct dpmsg_packet *p);
/* Appends one MVS_PACKET_ATTR_UPCALL nest of @p. */
void dpmsg_put_upcall(struct nlbuf *b, const struct dpmsg_packet *p);
/* Parses packet attributes (an upcall nest's payload, or a dp_execute
 * packet): _KEY and _PACKET are required; actions, if any, must pass
 * odp_actions_check().  0 or -EINVAL. */
int dpmsg_parse_packet(const void *attrs, size_t len, struct dpmsg_packet *p);

/* A flow identifier for @key under @mask: a 128-bit hash of the masked
 * key and of the mask, so the same megaflow gets the same ufid from any
 * packet it covers. */
void dpmsg_ufid(const struct mvs_key *key, const struct mvs_key *mask,
		struct mvs_ufid *ufid);

#endif
