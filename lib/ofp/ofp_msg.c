/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_msg: the message-kind table, header decoding with its length
 * checks, header encoding, hello and error messages, and the warning
 * hook.
 */
#include "ofp_msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

LOG_MODULE(ofp);

#define OFPT10_STATS_REQUEST 16
#define OFPT10_STATS_REPLY 17
#define OFPT11_STATS_REQUEST 18
#define OFPT11_STATS_REPLY 19
#define OFPST_VENDOR 0xffff

enum raw_kind { K_T, K_ST, K_SR, K_NXT, K_NXST, K_NXSR, K_ONFT };

struct raw_info {
	enum ofptype type;
	const char *name;
	enum raw_kind kind;
	uint16_t number;
	uint8_t min_version, max_version;
	uint16_t min_body;
	uint16_t multiple;
};

static const struct raw_info raws[OFPRAW_N] = {
#define OFPRAW_INFO(RAW, TYPE, NAME, KIND, NUM, MIN, MAX, BODY, MULT)     \
	[OFPRAW_##RAW] = { OFPTYPE_##TYPE, NAME, K_##KIND, NUM, MIN, MAX, \
			   BODY,	   MULT },
	OFPRAW_LIST(OFPRAW_INFO)
#undef OFPRAW_INFO
};

const char *
ofpraw_name(enum ofpraw raw)
{
	return raw > OFPRAW_NONE && raw < OFPRAW_N ? raws[raw].name
						   : "<unknown>";
}

enum ofptype
ofpraw_type(enum ofpraw raw)
{
	return raw > OFPRAW_NONE && raw < OFPRAW_N ? raws[raw].type
						   : OFPTYPE_NONE;
}

bool
ofpraw_in_version(enum ofpraw raw, uint8_t version)
{
	return raw > OFPRAW_NONE && raw < OFPRAW_N &&
	       version >= raws[raw].min_version &&
	       version <= raws[raw].max_version;
}

static bool
kind_is_mp(enum raw_kind k)
{
	return k == K_ST || k == K_SR || k == K_NXST || k == K_NXSR;
}

bool
ofpraw_is_multipart(enum ofpraw raw)
{
	return raw > OFPRAW_NONE && raw < OFPRAW_N &&
	       kind_is_mp(raws[raw].kind);
}

static uint8_t
stats_type(uint8_t version, bool reply)
{
	if (version == OFP10_VERSION)
		return reply ? OFPT10_STATS_REPLY : OFPT10_STATS_REQUEST;
	return reply ? OFPT11_STATS_REPLY : OFPT11_STATS_REQUEST;
}

static size_t
kind_hdr_len(enum raw_kind k, uint8_t version)
{
	switch (k) {
	case K_T:
		return OFP_HEADER_LEN;
	case K_NXT:
	case K_ONFT:
		return 16;
	case K_ST:
	case K_SR:
		return version == OFP10_VERSION ? 12 : 16;
	case K_NXST:
	case K_NXSR:
		return 24;
	}
	return OFP_HEADER_LEN;
}

size_t
ofpraw_hdr_len(enum ofpraw raw, uint8_t version)
{
	return kind_hdr_len(raws[raw].kind, version);
}

enum ofpraw
ofpraw_reply_of(enum ofpraw raw, uint8_t version)
{
	const struct raw_info *req = &raws[raw];
	enum raw_kind want = req->kind == K_ST ? K_SR : K_NXSR;

	if (req->kind != K_ST && req->kind != K_NXST)
		return OFPRAW_NONE;
	for (int r = 1; r < OFPRAW_N; r++)
		if (raws[r].kind == want && raws[r].number == req->number &&
		    ofpraw_in_version((enum ofpraw)r, version))
			return (enum ofpraw)r;
	return OFPRAW_NONE;
}

/* ---- decoding ---- */

/* The header fields that identify a message. */
struct hdrs {
	uint8_t version, type;
	enum raw_kind kind;
	uint32_t number; /* type, multipart type or subtype */
	size_t len;	 /* of the headers */
};

static enum ofperr
decode_hdrs(const uint8_t *p, size_t len, struct hdrs *h)
{
	uint8_t version, type;

	if (len < OFP_HEADER_LEN)
		return OFPERR_OFPBRC_BAD_LEN;
	version = p[0];
	type = p[1];
	h->version = version;
	h->type = type;
	h->kind = K_T;
	h->number = type;
	h->len = OFP_HEADER_LEN;
	if (type == OFPT_VENDOR) {
		uint32_t vendor;
		if (len < 16)
			return OFPERR_OFPBRC_BAD_LEN;
		vendor = get_be32(p + 8);
		if (vendor == NX_VENDOR_ID)
			h->kind = K_NXT;
		else if (vendor == ONF_VENDOR_ID)
			h->kind = K_ONFT;
		else {
			ofp_warn("ofp_msgs",
				 "OpenFlow message has unknown vendor %#x",
				 vendor);
			return OFPERR_OFPBRC_BAD_VENDOR;
		}
		h->number = get_be32(p + 12);
		h->len = 16;
	} else if ((version == OFP10_VERSION && (type == OFPT10_STATS_REQUEST ||
						 type == OFPT10_STATS_REPLY)) ||
		   (version != OFP10_VERSION && (type == OFPT11_STATS_REQUEST ||
						 type == OFPT11_STATS_REPLY))) {
		bool reply = type == stats_type(version, true);
		size_t hl = version == OFP10_VERSION ? 12 : 16;

		if (len < hl)
			return OFPERR_OFPBRC_BAD_LEN;
		h->kind = reply ? K_SR : K_ST;
		h->number = get_be16(p + 8);
		h->len = hl;
		if (h->number == OFPST_VENDOR) {
			uint32_t vendor;
			if (len < (version == OFP10_VERSION ? 16 : 24))
				return OFPERR_OFPBRC_BAD_LEN;
			vendor = get_be32(p + hl);
			if (vendor != NX_VENDOR_ID &&
			    (version == OFP10_VERSION ||
			     vendor != ONF_VENDOR_ID)) {
				ofp_warn("ofp_msgs",
					 "OpenFlow message has unknown vendor "
					 "%#x",
					 vendor);
				return OFPERR_OFPBRC_BAD_VENDOR;
			}
			if (len < 24)
				return OFPERR_OFPBRC_BAD_LEN;
			h->kind = reply ? K_NXSR : K_NXST;
			h->number = get_be32(
				p + (version == OFP10_VERSION ? 16 : 20));
			h->len = 24;
			if (vendor == ONF_VENDOR_ID)
				h->number |= 0x80000000u; /* none known */
		}
	}
	return 0;
}

static enum ofperr
raw_from_hdrs(const struct hdrs *h, enum ofpraw *rawp)
{
	for (int r = 1; r < OFPRAW_N; r++) {
		const struct raw_info *ri = &raws[r];
		if (ri->kind == h->kind && ri->number == h->number &&
		    h->version >= ri->min_version &&
		    h->version <= ri->max_version) {
			*rawp = (enum ofpraw)r;
			return 0;
		}
	}
	switch (h->kind) {
	case K_T:
		ofp_warn("ofp_msgs",
			 "unknown OpenFlow message (version %u, type %u)",
			 h->version, h->type);
		return OFPERR_OFPBRC_BAD_TYPE;
	case K_ST:
	case K_SR:
		ofp_warn("ofp_msgs",
			 "unknown OpenFlow message (version %u, type %u, "
			 "stat %u)",
			 h->version, h->type, h->number);
		return OFPERR_OFPBRC_BAD_STAT;
	case K_NXT:
	case K_ONFT:
	case K_NXST:
	case K_NXSR:
		break;
	}
	ofp_warn("ofp_msgs",
		 "unknown OpenFlow message (version %u, type %u, vendor %#x, "
		 "subtype %u)",
		 h->version, h->type,
		 h->kind == K_ONFT ? ONF_VENDOR_ID : NX_VENDOR_ID,
		 h->number & 0x7fffffffu);
	return OFPERR_OFPBRC_BAD_SUBTYPE;
}

enum ofperr
ofp_msg_decode_partial(const void *data, size_t len, enum ofpraw *raw)
{
	struct hdrs h;
	enum ofperr e = decode_hdrs(data, len, &h);

	*raw = OFPRAW_NONE;
	if (!e)
		e = raw_from_hdrs(&h, raw);
	return e;
}

enum ofperr
ofp_msg_decode(const void *data, size_t len, struct ofp_msg *m)
{
	const uint8_t *p = data;
	const struct raw_info *ri;
	enum ofpraw raw;
	size_t min_len;
	struct hdrs h;
	enum ofperr e;

	memset(m, 0, sizeof *m);
	e = decode_hdrs(p, len, &h);
	if (!e)
		e = raw_from_hdrs(&h, &raw);
	if (e)
		return e;
	ri = &raws[raw];
	min_len = h.len + ri->min_body;
	if (ri->multiple == 0 && len != min_len) {
		ofp_warn("ofp_msgs",
			 "received %s with incorrect length %zu (expected "
			 "length %zu)",
			 ri->name, len, min_len);
		return OFPERR_OFPBRC_BAD_LEN;
	} else if (ri->multiple == 1 && len < min_len) {
		ofp_warn("ofp_msgs",
			 "received %s with incorrect length %zu (expected "
			 "length at least %zu bytes)",
			 ri->name, len, min_len);
		return OFPERR_OFPBRC_BAD_LEN;
	} else if (ri->multiple > 1 &&
		   (len < min_len || (len - min_len) % ri->multiple)) {
		ofp_warn("ofp_msgs",
			 "received %s with incorrect length %zu (must be "
			 "exactly %zu bytes or longer by an integer multiple "
			 "of %u bytes)",
			 ri->name, len, min_len, ri->multiple);
		return OFPERR_OFPBRC_BAD_LEN;
	}
	m->raw = raw;
	m->type = ri->type;
	m->version = h.version;
	m->xid = get_be32(p + 4);
	m->data = p;
	m->len = len;
	m->body = p + h.len;
	m->body_len = len - h.len;
	if (kind_is_mp(ri->kind))
		m->mp_flags = get_be16(p + 10);
	return 0;
}

/* ---- encoding ---- */

size_t
ofp_msg_start(struct ofpbuf *b, enum ofpraw raw, uint8_t version, uint32_t xid)
{
	const struct raw_info *ri = &raws[raw];
	size_t start = b->size;

	ofpbuf_put_u8(b, version);
	switch (ri->kind) {
	case K_T:
		ofpbuf_put_u8(b, (uint8_t)ri->number);
		break;
	case K_NXT:
	case K_ONFT:
		ofpbuf_put_u8(b, OFPT_VENDOR);
		break;
	case K_ST:
	case K_NXST:
		ofpbuf_put_u8(b, stats_type(version, false));
		break;
	case K_SR:
	case K_NXSR:
		ofpbuf_put_u8(b, stats_type(version, true));
		break;
	}
	ofpbuf_put_be16(b, 0);
	ofpbuf_put_be32(b, xid);
	switch (ri->kind) {
	case K_T:
		break;
	case K_NXT:
	case K_ONFT:
		ofpbuf_put_be32(b, ri->kind == K_NXT ? NX_VENDOR_ID
						     : ONF_VENDOR_ID);
		ofpbuf_put_be32(b, ri->number);
		break;
	case K_ST:
	case K_SR:
		ofpbuf_put_be16(b, ri->number);
		ofpbuf_put_be16(b, 0);
		if (version != OFP10_VERSION)
			ofpbuf_put_zeros(b, 4);
		break;
	case K_NXST:
	case K_NXSR:
		ofpbuf_put_be16(b, OFPST_VENDOR);
		ofpbuf_put_be16(b, 0);
		if (version != OFP10_VERSION)
			ofpbuf_put_zeros(b, 4);
		ofpbuf_put_be32(b, NX_VENDOR_ID);
		ofpbuf_put_be32(b, ri->number);
		if (version == OFP10_VERSION)
			ofpbuf_put_zeros(b, 4);
		break;
	}
	return start;
}

void
ofp_msg_finish(struct ofpbuf *b, size_t start)
{
	ofpbuf_set_be16(b, start + 2, (uint16_t)(b->size - start));
}

void
ofp_msg_set_mp_flags(struct ofpbuf *b, size_t start, uint16_t flags)
{
	ofpbuf_set_be16(b, start + 10, flags);
}

static const char *const version_names[] = {
	[OFP10_VERSION] = "OpenFlow10", [OFP11_VERSION] = "OpenFlow11",
	[OFP12_VERSION] = "OpenFlow12", [OFP13_VERSION] = "OpenFlow13",
	[OFP14_VERSION] = "OpenFlow14", [OFP15_VERSION] = "OpenFlow15",
};

const char *
ofp_version_name(uint8_t version)
{
	return version >= OFP_MIN_VERSION && version <= OFP_MAX_VERSION
		       ? version_names[version]
		       : "<unknown>";
}

int
ofp_version_from_name(const char *name)
{
	for (int v = OFP_MIN_VERSION; v <= OFP_MAX_VERSION; v++)
		if (!strcmp(name, version_names[v]))
			return v;
	return -1;
}

/* ---- hello ---- */

#define OFPHET_VERSIONBITMAP 1

void
ofp_encode_hello(struct ofpbuf *b, uint32_t bitmap, uint32_t xid)
{
	uint8_t max = 0;
	size_t start;

	for (int v = 31; v > 0; v--)
		if (bitmap & (1u << v)) {
			max = (uint8_t)v;
			break;
		}
	start = ofp_msg_start(b, OFPRAW_HELLO, max, xid);
	/* Every version from 1 to the highest: the header says it all. */
	if (bitmap != ((1u << (max + 1)) - 2)) {
		ofpbuf_put_be16(b, OFPHET_VERSIONBITMAP);
		ofpbuf_put_be16(b, 8);
		ofpbuf_put_be32(b, bitmap);
	}
	ofp_msg_finish(b, start);
}

bool
ofp_decode_hello(const struct ofp_msg *m, uint32_t *versions)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);
	bool seen = false;

	*versions =
		m->version >= 31 ? 0xfffffffeu : (1u << (m->version + 1)) - 2;
	while (r.left) {
		const uint8_t *p;
		uint16_t type, len;

		if (r.left < 4)
			return false;
		type = get_be16(r.p);
		len = get_be16(r.p + 2);
		if (len < 4 || !rd_bytes(&r, (len + 7u) / 8 * 8, &p))
			return false;
		if (type != OFPHET_VERSIONBITMAP || seen)
			continue;
		if (len == 4 || (len - 4) % 4)
			continue;
		seen = true;
		*versions = get_be32(p + 4);
		if (*versions & 1) {
			ofp_warn("ofp_util", "peer claims to support invalid "
					     "OpenFlow version 0x00");
			*versions &= ~1u;
		}
		if (!*versions) {
			ofp_warn("ofp_util",
				 "peer does not support any OpenFlow version "
				 "(between 0x01 and 0x%02x)",
				 OFP_MAX_VERSION);
			*versions = m->version >= 31
					    ? 0xfffffffeu
					    : (1u << (m->version + 1)) - 2;
			seen = false;
		}
	}
	return true;
}

void
ofp_format_version_bitmap(struct ds *s, uint32_t bitmap)
{
	bool first = true;

	for (int v = 0; v < 32; v++)
		if (bitmap & (1u << v)) {
			ds_printf(s, "%s0x%02x", first ? "" : ", ", v);
			first = false;
		}
}

uint8_t
ofp_negotiate(uint32_t ours, uint32_t theirs)
{
	uint32_t both = ours & theirs;

	for (int v = 31; v > 0; v--)
		if (both & (1u << v))
			return (uint8_t)v;
	return 0;
}

/* ---- errors ---- */

/* Nicira vendor errors of OpenFlow 1.0 and 1.1 (see ofperr_encoding())
 * go out wrapped: type NXET_VENDOR, code NXVC_VENDOR_ERROR, then the
 * vendor, type and code. */
#define NXET_VENDOR 0xb0c2
#define NXVC_VENDOR_ERROR 0

static bool
nx_vendor_error(uint8_t version, uint32_t vendor, uint16_t type)
{
	return version <= OFP11_VERSION && vendor && type != OFPET_EXPERIMENTER;
}

void
ofp_encode_error_reply(struct ofpbuf *b, enum ofperr e, const void *request,
		       size_t request_len)
{
	const uint8_t *req = request;
	uint8_t version = req[0];
	uint16_t type, code;
	uint32_t vendor;
	size_t start;

	if (version < OFP_MIN_VERSION || version > OFP_MAX_VERSION)
		version = OFP10_VERSION;
	e = ofperr_encodable(e, version);
	ofperr_encoding(e, version, &type, &code, &vendor);
	start = ofp_msg_start(b, OFPRAW_ERROR, version, get_be32(req + 4));
	if (nx_vendor_error(version, vendor, type)) {
		ofpbuf_put_be16(b, NXET_VENDOR);
		ofpbuf_put_be16(b, NXVC_VENDOR_ERROR);
		ofpbuf_put_be32(b, vendor);
	}
	ofpbuf_put_be16(b, type);
	ofpbuf_put_be16(b, code);
	if (type == OFPET_EXPERIMENTER)
		ofpbuf_put_be32(b, vendor);
	/* The whole request, as Open vSwitch 3.1 sends it (a flow-mod or
	 * group-mod refused comes back whole), as much as fits. */
	if (request_len > 0xffff - (b->size - start))
		request_len = 0xffff - (b->size - start);
	ofpbuf_put(b, req, request_len);
	ofp_msg_finish(b, start);
}

void
ofp_encode_hello_error(struct ofpbuf *b, enum ofperr e, uint8_t version,
		       uint32_t xid, const char *reason)
{
	uint16_t type, code;
	uint32_t vendor;
	size_t start;

	ofperr_encoding(e, version, &type, &code, &vendor);
	start = ofp_msg_start(b, OFPRAW_ERROR, version, xid);
	ofpbuf_put_be16(b, type);
	ofpbuf_put_be16(b, code);
	ofpbuf_put(b, reason, strlen(reason));
	ofp_msg_finish(b, start);
}

enum ofperr
ofp_decode_error_msg(const struct ofp_msg *m, enum ofperr *e,
		     const uint8_t **data, size_t *data_len)
{
	struct ofp_reader r = ofp_reader_init(m->body, m->body_len);
	uint16_t type = 0, code = 0;
	uint32_t vendor = 0;

	rd_be16(&r, &type);
	rd_be16(&r, &code);
	if (type == NXET_VENDOR && code == NXVC_VENDOR_ERROR) {
		if (!rd_be32(&r, &vendor) || !rd_be16(&r, &type) ||
		    !rd_be16(&r, &code))
			return OFPERR_OFPBRC_BAD_LEN;
		if (!nx_vendor_error(m->version, vendor, type))
			return OFPERR_OFPBRC_BAD_LEN;
	} else if (type == OFPET_EXPERIMENTER && m->version >= OFP12_VERSION &&
		   !rd_be32(&r, &vendor))
		return OFPERR_OFPBRC_BAD_LEN;
	*e = ofperr_decode(m->version, type, code, vendor);
	*data = r.p;
	*data_len = r.left;
	return *e ? 0 : OFPERR_OFPBRC_BAD_LEN;
}

/* ---- warnings ---- */

static ofp_warn_fn *warn_hook;

void
ofp_set_warn_hook(ofp_warn_fn *fn)
{
	warn_hook = fn;
}

static void
ofp_log_v(const char *module, const char *level, const char *fmt, va_list ap)
{
	static struct log_rl rl = LOG_RL_INIT(5, 60);
	char text[512];

	vsnprintf(text, sizeof text, fmt, ap);
	if (warn_hook)
		warn_hook(module, level, text);
	else if (level[0] == 'W')
		log_warn_rl(&rl, "%s: %s", module, text);
	else
		log_info_rl(&rl, "%s: %s", module, text);
}

void
ofp_warn(const char *module, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ofp_log_v(module, "WARN", fmt, ap);
	va_end(ap);
}

void
ofp_info(const char *module, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ofp_log_v(module, "INFO", fmt, ap);
	va_end(ap);
}
