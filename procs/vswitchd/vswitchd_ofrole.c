/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_ofrole: controller roles (OpenFlow 1.2+ role request and
 * Nicira's).  A connection is equal until it asks otherwise; a new
 * primary makes the bridge's other primary a secondary; a request whose
 * generation id is older than the newest seen (for primary and
 * secondary requests) is refused as stale.  A secondary may not change
 * the switch (flow-mod, packet-out: OFPBRC_IS_SECONDARY) and gets no
 * packet-ins.  Generation ids are kept per vswitchd, not per bridge.
 */
#include "ofconn.h"

#include "ofp_misc.h"

enum ofperr
ofconn_role_request(struct ofconn *c, const struct ofp_msg *m)
{
	struct vswd_of *of = c->d->of;
	struct ofp_role_request rr;
	struct ofpbuf b = OFPBUF_EMPTY;
	enum ofperr e = ofp_decode_role(m, &rr);
	struct ofconn *o;

	if (e)
		return e;
	if (rr.role == OFPCR12_ROLE_PRIMARY ||
	    rr.role == OFPCR12_ROLE_SECONDARY) {
		if (rr.generation_id != UINT64_MAX) {
			if (of->gen_id_set &&
			    (int64_t)(rr.generation_id - of->gen_id) < 0)
				return OFPERR_OFPRRFC_STALE;
			of->gen_id = rr.generation_id;
			of->gen_id_set = true;
		}
	}
	if (rr.role != OFPCR12_ROLE_NOCHANGE) {
		if (rr.role == OFPCR12_ROLE_PRIMARY)
			LIST_FOR_EACH (o, node, &of->conns)
				if (o != c && o->bridge_id == c->bridge_id &&
				    o->role == OFPCR12_ROLE_PRIMARY)
					o->role = OFPCR12_ROLE_SECONDARY;
		c->role = (uint8_t)rr.role;
	}
	rr.role = c->role ? c->role : OFPCR12_ROLE_EQUAL;
	rr.generation_id = of->gen_id_set ? of->gen_id : UINT64_MAX;
	ofp_encode_role(&b,
			m->raw == OFPRAW_NXT_ROLE_REQUEST
				? OFPRAW_NXT_ROLE_REPLY
				: OFPRAW_OFPT12_ROLE_REPLY,
			m->version, &rr, m->xid);
	ofconn_send(c, &b);
	ofpbuf_uninit(&b);
	return 0;
}
